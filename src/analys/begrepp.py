"""Begreppen som alla delar: avtal, antaganden, fördelningsnyckel, befolkningskälla, underlag.

Här finns bara frysta typer och deras egna regler (t.ex. att region och kommuner tillsammans
betalar 100 %). Ingen fil läses och inget räknas här; det gör `indata` och `berakning`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from analys import __version__
from analys.fel import AnalysError

MAX_BELOPP = 10**12  # kronor; långt över varje rimlig kostnad, och produkter med vikter ryms i heltal
FORSTA_DATUM, SISTA_DATUM = date(1900, 1, 1), date(2100, 12, 31)


# Ett belopp i hela kronor som text: siffror, gärna med mellanslag mellan tusentalen.
_BELOPP = re.compile(r"-?(0|[1-9][0-9]*|[1-9][0-9]{0,2}( [0-9]{3})+)")


def belopp_ur_text(text: str) -> int | None:
    """Ett belopp i hela kronor, läst på samma sätt på kommandoraden och i YAML-filerna: siffror,
    gärna med mellanslag (också hårt mellanslag) mellan tusentalen. Kommatecken, punkt och
    understreck godtas inte (1,200,000 kan läsas som 1,2 kr). None om texten inte är ett belopp;
    ValueError om det har orimligt många siffror.

    >>> belopp_ur_text("1 200 000"), belopp_ur_text("400000"), belopp_ur_text("1,200,000")
    (1200000, 400000, None)
    """
    t = text.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("−", "-")
    siffror = t.replace(" ", "").lstrip("-")
    if len(siffror) > 20 and siffror.isdigit():
        raise ValueError(f"{len(siffror)} siffror är orimligt många; högst 1 000 000 000 000 kr")
    return int(t.replace(" ", "")) if _BELOPP.fullmatch(t) else None


def _belopp(v: Any) -> Any:
    """Text som ett belopp (se `belopp_ur_text`); annat går vidare till den strikta kontrollen,
    som säger "ska vara ett heltal (fick '1,200,000')"."""
    if not isinstance(v, str):
        return v
    try:
        varde = belopp_ur_text(v)
    except ValueError:
        return v
    return v if varde is None else varde


# Ett belopp i hela kronor i en YAML-fil: 1200000, 1 200 000 eller "1 200 000".
Belopp = Annotated[int, BeforeValidator(_belopp), Field(ge=0, le=MAX_BELOPP)]


class FrystModell(BaseModel):
    """Bas för alla parameterobjekt: oföränderliga, okända nycklar är fel, och inget värde byter
    sort i tysthet (strikt läge: `true` blir aldrig 1 kr, texten "30" aldrig ett tal)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def _tal(v: Any) -> Any:
    """Ett tal som exakt `Decimal`: heltal och decimaltal godtas, text och sanningsvärden inte."""
    if isinstance(v, str) and re.fullmatch(r"[-+]?[0-9]+,[0-9]+", v.strip()):
        punkt = v.strip().replace(",", ".")
        raise ValueError(f"ska vara ett tal, med decimalpunkt i filen: skriv {punkt} (fick {v!r})")
    if isinstance(v, str) and (m := re.fullmatch(r"\s*([-+]?[0-9]+(?:[.,][0-9]+)?)\s*%\s*", v)):
        andel = format(Decimal(m.group(1).replace(",", ".")) / 100, "f")
        raise ValueError(f"ska vara ett tal utan procenttecken: {m.group(1)} % skrivs {andel} (fick {v!r})")
    if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
        raise ValueError(f"ska vara ett tal (fick {v!r})")
    d = Decimal(repr(v)) if isinstance(v, float) else Decimal(v)
    if not d.is_finite():
        raise ValueError(f"ska vara ett ändligt tal (fick {v!r})")
    return d


def iso_datum(text: str) -> date | None:
    """Texten som datum om den har formen ÅÅÅÅ-MM-DD (och inget annat av det ISO 8601 tillåter,
    t.ex. veckodatum), annars None. En dag som inte finns i kalendern ger ValueError.

    >>> iso_datum("2024-02-29"), iso_datum("2024-W07-1"), iso_datum("29/2")
    (datetime.date(2024, 2, 29), None, None)
    """
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} är inget datum som finns i kalendern") from None


MANADER = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def datumtext(d: date) -> str:
    """Ett datum som det skrivs i svensk löptext.

    >>> datumtext(date(2024, 6, 30))
    '30 juni 2024'
    """
    return f"{d.day} {MANADER[d.month - 1]} {d.year}"


def manadstext(manad: str) -> str:
    """En månad ÅÅÅÅ-MM som i svensk löptext.

    >>> manadstext("2022-09")
    'september 2022'
    """
    return f"{MANADER[int(manad[5:7]) - 1]} {manad[:4]}"


def inom_datumgranser(d: date) -> bool:
    """Datum som programmet räknar med ligger mellan 1900 och 2100."""
    return FORSTA_DATUM <= d <= SISTA_DATUM


def _datum(v: Any) -> Any:
    """Ett datum (ÅÅÅÅ-MM-DD som text går också) mellan 1900 och 2100."""
    if isinstance(v, str) and (d := iso_datum(v)) is not None:
        v = d
    if isinstance(v, datetime) or not isinstance(v, date):
        raise ValueError(f"ska vara ett datum ÅÅÅÅ-MM-DD (fick {v!r})")
    if not inom_datumgranser(v):
        raise ValueError(f"ska ligga mellan 1900 och 2100 (fick {v.isoformat()})")
    return v


Tal = Annotated[Decimal, BeforeValidator(_tal)]
Datum = Annotated[date, BeforeValidator(_datum)]


# --- fördelningsnyckel -------------------------------------------------------------------------


class Nyckel(StrEnum):
    """Hur ett belopp delas: efter folkmängd, lika, blandat eller efter egna vikter."""

    BEFOLKNING = "befolkning"
    LIKA = "lika"
    BLANDAD = "blandad"
    EGEN = "egen"


class Fordelningsnyckel(FrystModell):
    """Hur ett belopp fördelas: nyckel, fast andel (för ``blandad``), egna vikter, undantag."""

    nyckel: Nyckel = Field(default=Nyckel.BEFOLKNING, strict=False)
    fast_andel: Tal = Field(default=Decimal("0.3"), ge=0, le=1)
    vikter: tuple[tuple[str, Tal], ...] | None = Field(default=None, strict=False)
    exkludera: frozenset[str] = Field(default=frozenset(), strict=False)

    @field_validator("vikter")
    @classmethod
    def _vikter_icke_negativa(cls, v: tuple[tuple[str, Decimal], ...] | None):
        if v is not None and any(vikt < 0 for _, vikt in v):
            raise ValueError("vikterna måste vara 0 eller större")
        return v


# --- befolkning --------------------------------------------------------------------------------


# SCB:s tabeller över folkmängden (PxWebApi 2.0). Från och med 2025 publiceras siffrorna i nya
# tabeller med CKM-brus (små slumpmässiga avvikelser som skyddar enskilda).
CKM_FRAN_AR = 2025


@dataclass(frozen=True)
class Befolkningskalla:
    """Varifrån en befolkningssiffra kommer, för texten under tabeller och i arbetsböcker."""

    lanskod: str
    lan: str
    datum: date
    scb_tabell: str
    filer: tuple[str, ...]
    summa: int
    hamtat: tuple[str, ...] = ()  # hämtat från SCB: "TAB5444 2023M06 (uppdaterad …, hämtad …)"


@dataclass(frozen=True)
class Fil:
    """En fil som ett utdata bygger på: sökvägen som användaren ser den (relativt analys-mappen)
    och dess SHA-256, för den tekniska spårbarheten. `sha256` är None om filen inte finns."""

    vag: str
    sha256: str | None = None


@dataclass(frozen=True)
class Fordelningsinfo:
    """Allt som ska stå bredvid en fördelning för att den ska gå att spåra."""

    belopp: int
    nyckel: Fordelningsnyckel
    befolkning: Befolkningskalla
    avtal: str | None = None  # avtalets namn
    ar: int | None = None  # avtalsåret
    avtalsfil: str | None = None
    avtalskalla: str | None = None  # avtalets källa, t.ex. "PM RD21/01390 …"
    vikterfil: str | None = None
    undantagna: tuple[str, ...] = ()  # "2039 Älvdalen"
    slag: str = "beräknat"  # "enligt avtal" (eller "förslag") när belopp och fördelning är avtalets, utan ändringar
    pahittat: bool = False  # avtalet är ett påhittat exempel eller har platshållare
    version: str = __version__
    skapad: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))


# --- avtal --------------------------------------------------------------------------------------


class Period(FrystModell):
    fran: Datum
    till: Datum

    @model_validator(mode="after")
    def _ordning(self) -> Period:
        if self.till < self.fran:
            raise ValueError(f"perioden slutar ({self.till}) före den börjar ({self.fran})")
        return self

    def med_marginal(self) -> tuple[date, date]:
        """Perioden med ett års marginal åt båda hållen: fakturor och fakturadatum får ligga där.
        Den 29 februari blir den 28 februari året före och året efter.

        >>> Period(fran=date(2024, 2, 29), till=date(2028, 2, 29)).med_marginal()
        (datetime.date(2023, 2, 28), datetime.date(2029, 2, 28))
        """

        def flytta(d: date, ar: int) -> date:
            return d.replace(year=d.year + ar, day=min(d.day, 28) if d.month == 2 else d.day)

        return flytta(self.fran, -1), flytta(self.till, 1)


class Kostnad(FrystModell):
    """En fast kostnadspost: en roll med tjänstgöringsgrad och årskostnad i hela kronor."""

    roll: str
    tjanst: Tal = Field(ge=0, le=100, description="tjänstgöringsgrad (heltidsekvivalenter)")
    belopp: Belopp = Field(description="årskostnad för posten i kronor, inkl. OH, resor m.m.")


class Fakturering(FrystModell):
    fakturerar: str
    betalningsvillkor_dagar: int = Field(default=30, ge=0, le=365)


class RorligaKostnader(FrystModell):
    avgift_per_deltagardag: Belopp = Field(le=1_000_000)
    till_pott_per_deltagardag: Belopp = Field(le=1_000_000)
    kalla: str = Field(min_length=1, description="varifrån avgiften och pottandelen kommer")

    @model_validator(mode="after")
    def _pott_inom_avgift(self) -> RorligaKostnader:
        if self.till_pott_per_deltagardag > self.avgift_per_deltagardag:
            raise ValueError("till_pott_per_deltagardag kan inte vara större än avgift_per_deltagardag")
        return self


class Avtal(FrystModell):
    """Ett års finansieringsavtal mellan regionen (RSS) och länets kommuner."""

    namn: str
    ar: int = Field(ge=2000, le=2100)
    lan: str = Field(default="20", pattern=r"^\d{2}$")
    kalla: str
    preliminar: bool = False
    period: Period
    kostnader: tuple[Kostnad, ...] = Field(min_length=1, strict=False)
    kommunernas_andel: Tal = Field(ge=0, le=100, description="procent av de fasta kostnaderna")
    befolkningsdatum: Datum
    nyckel: Nyckel = Field(default=Nyckel.BEFOLKNING, strict=False)
    fast_andel: Tal = Field(default=Decimal("0.3"), ge=0, le=1)
    fakturering: Fakturering
    rorliga_kostnader: RorligaKostnader | None = None
    villkor: tuple[str, ...] = Field(default=(), strict=False)
    exempel: bool = Field(default=False, description="påhittat exempel eller platshållare: allt märks så")
    status: Literal["förslag", "fastställt"] = Field(
        default="fastställt", description="förslag (ännu inte beslutat) eller fastställt avtal"
    )
    beslutat_av: str | None = Field(default=None, min_length=1, description="vem som fastställde avtalet")
    beslutsdatum: Datum | None = Field(default=None, description="när avtalet fastställdes")
    befolkningsdatum_val: str | None = Field(
        default=None, min_length=1, description="varför befolkningsdatumet valdes (skrivs av analys avtal forslag)"
    )

    @model_validator(mode="after")
    def _beslut(self) -> Avtal:
        if self.status == "förslag" and (self.beslutat_av is not None or self.beslutsdatum is not None):
            raise ValueError(
                "ett förslag har inget beslut: ta bort beslutat_av och beslutsdatum, eller ange status: fastställt"
            )
        return self

    @property
    def forslag(self) -> bool:
        """Avtalet är ett förslag som ännu inte fastställts."""
        return self.status == "förslag"

    @property
    def slag(self) -> str:
        """Talens slag: "förslag" för ett förslag, annars "enligt avtal"."""
        return "förslag" if self.forslag else "enligt avtal"

    @model_validator(mode="after")
    def _hela_kronor(self) -> Avtal:
        if self.total_kostnad == 0:
            raise ValueError("beloppet måste vara större än 0 kr (de fasta kostnaderna summerar till 0 kr)")
        andel = self.total_kostnad * self.kommunernas_andel / 100
        if andel == 0:
            raise ValueError("beloppet måste vara större än 0 kr (kommunernas_andel 0 % ger kommunerna 0 kr)")
        if andel != andel.to_integral_value():
            raise ValueError(
                f"kommunernas_andel {self.kommunernas_andel} % av {self.total_kostnad} kr blir "
                f"{andel} kr, inte hela kronor"
            )
        return self

    @property
    def total_kostnad(self) -> int:
        """Summan av de fasta kostnaderna i kronor."""
        return sum(k.belopp for k in self.kostnader)

    @property
    def belopp_kommuner(self) -> int:
        """Det kommunerna tillsammans betalar av de fasta kostnaderna (hela kronor)."""
        return int(self.total_kostnad * self.kommunernas_andel / 100)

    @property
    def tjanster(self) -> Decimal:
        return sum((k.tjanst for k in self.kostnader), Decimal(0))

    def fordelningsnyckel(self, exkludera: frozenset[str] = frozenset()) -> Fordelningsnyckel:
        return Fordelningsnyckel(nyckel=self.nyckel, fast_andel=self.fast_andel, exkludera=exkludera)


# --- antaganden för kostnadsmodellen -------------------------------------------------------------

FORSTA_AR, SISTA_AR = 2021, 2035


def _manad(text: str | date) -> str:
    """'ÅÅÅÅ-MM' (ett datum godtas och kortas till sin månad)."""
    if isinstance(text, date):
        return f"{text.year:04d}-{text.month:02d}"
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(text)):
        raise ValueError(f"ska vara en månad ÅÅÅÅ-MM, t.ex. 2026-09 (fick {text!r})")
    return str(text)


def manadsindex(manad: str) -> int:
    """Månad som löpnummer (år × 12 + månad − 1), för räkning med aktiva månader.

    >>> manadsindex("2021-09") - manadsindex("2021-01")
    8
    """
    ar, man = manad.split("-")
    return int(ar) * 12 + int(man) - 1


class Roll(FrystModell):
    """En fast roll i den regionala organisationen."""

    id: str = Field(pattern=r"^[a-z_]+$")
    namn: str
    tjanst: Tal = Field(ge=0, le=100, description="heltidsekvivalenter")
    kostnad_per_tjanst: Belopp = Field(description="kr per heltid och år i basåret")
    fran: str = Field(description="första månad rollen kostar, ÅÅÅÅ-MM")
    komponenter: dict[str, Belopp] | None = Field(
        default=None, description="valfri uppdelning av kostnad_per_tjanst: lön, OH, resor, utrustning …"
    )

    _fran = field_validator("fran", mode="before")(classmethod(lambda cls, v: _manad(v)))

    @model_validator(mode="after")
    def _komponenter_summerar(self) -> Roll:
        if self.komponenter is not None:
            if any(v < 0 for v in self.komponenter.values()):
                raise ValueError("komponenterna får inte vara negativa")
            if sum(self.komponenter.values()) != self.kostnad_per_tjanst:
                raise ValueError(
                    f"komponenterna summerar till {sum(self.komponenter.values())} kr, "
                    f"inte kostnad_per_tjanst {self.kostnad_per_tjanst} kr"
                )
        return self


class Yrkesresa(FrystModell):
    nr: int = Field(ge=1)
    namn: str
    start: str = Field(description="lanseringsmånad ÅÅÅÅ-MM (osäker: en parameter)")

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, v: Any) -> str:
        m = _manad(v)
        if not FORSTA_AR <= int(m[:4]) <= SISTA_AR:
            raise ValueError(f"lanseringsåret ska ligga mellan {FORSTA_AR} och {SISTA_AR} (fick {m[:4]})")
        return m


class Bemanning(FrystModell):
    """Hur bemanningen växer med varje Yrkesresa som lanseras efter basåret."""

    per_resa: Tal = Field(ge=0, le=5, description="extra tjänst per ny resa")
    roll: str = Field(description="rollen vars kostnad per tjänst gäller för den extra bemanningen")


class KantAr(FrystModell):
    """Ett år med beslutad fast kostnad (före basåret)."""

    fast_kostnad: Belopp
    kalla: str


class Finansiering(FrystModell):
    region: Tal = Field(ge=0, le=100, description="procent")
    kommuner: Tal = Field(ge=0, le=100, description="procent")

    @model_validator(mode="after")
    def _hundra(self) -> Finansiering:
        if self.region + self.kommuner != 100:
            raise ValueError(f"region ({self.region} %) och kommuner ({self.kommuner} %) ska tillsammans vara 100 %")
        return self


class Utbildare(FrystModell):
    """Vilka kommuner som ställer upp med utbildare, och hur många utbildardagar per år var.
    Potten betalas tillbaka efter dessa dagar (en aktivitetsfil går före för sina år)."""

    kalla: str = Field(min_length=1, description="varifrån fördelningen kommer")
    dagar: dict[str, Annotated[int, Field(ge=0, le=10**6)]] = Field(min_length=1)


class Rorliga(RorligaKostnader):
    """Avtalets rörliga kostnader plus det modellen antar om deltagardagar och utbildare."""

    deltagardagar_per_1000_invanare_och_resa: Tal = Field(ge=0, le=1000)
    utbildare: Utbildare
    aktivitetsfil: str | None = Field(
        default=None, description="CSV kommunkod,ar,deltagardagar,utbildardagar; ersätter härledda värden"
    )


class Befolkningsantagande(FrystModell):
    metod: Literal["senaste", "trend", "prognos"] = "senaste"
    trend_ar: int = Field(default=5, ge=1, le=30)
    prognosfil: str | None = None

    @model_validator(mode="after")
    def _fil_for_prognos(self) -> Befolkningsantagande:
        if self.metod == "prognos" and not self.prognosfil:
            raise ValueError("metoden prognos kräver prognosfil (CSV kommunkod,ar,folkmangd)")
        return self


class Nyckelval(FrystModell):
    nyckel: Nyckel = Field(default=Nyckel.BEFOLKNING, strict=False)
    fast_andel: Tal = Field(default=Decimal("0.3"), ge=0, le=1)
    vikter: dict[str, Annotated[Tal, Field(ge=0, le=10**9)]] | None = None


class Samverkan(FrystModell):
    besparing: Tal = Field(default=Decimal(0), ge=0, le=1, description="andel av fasta kostnaden")
    fran_ar: int = Field(default=2026, ge=FORSTA_AR, le=SISTA_AR)


class Intervall(FrystModell):
    lag: Tal = Field(ge=-1000, le=1000)
    hog: Tal = Field(ge=-1000, le=1000)

    @model_validator(mode="after")
    def _ordning(self) -> Intervall:
        if self.hog < self.lag:
            raise ValueError(f"hog ({self.hog}) är mindre än lag ({self.lag})")
        return self


class Osakerhet(FrystModell):
    """Låga och höga värden för osäkra parametrar (känslighet och Monte Carlo).

    Den enda listan över de osäkra parametrarna: beskrivningen är etiketten i rapporterna
    (`OSAKRA`), och kostnadsmodellens `Drag` har samma namn.
    """

    indexering: Intervall | None = Field(default=None, description="Indexering per år")
    kostnad_per_tjanst_faktor: Intervall | None = Field(default=None, description="Kostnad per tjänst (faktor)")
    per_resa: Intervall | None = Field(default=None, description="Extra tjänst per ny resa")
    lansering_forskjutning_manader: Intervall | None = Field(
        default=None, description="Förskjutning av lanseringar (månader)"
    )
    deltagardagar_per_1000_invanare_och_resa: Intervall | None = Field(
        default=None, description="Deltagardagar per 1 000 inv. och resa"
    )
    samverkan_besparing: Intervall | None = Field(default=None, description="Besparing genom samverkan")


OSAKRA: dict[str, str] = {namn: str(f.description) for namn, f in Osakerhet.model_fields.items()}


class Antaganden(FrystModell):
    """Alla antaganden för ett scenario."""

    beskrivning: str
    lan: str = Field(default="20", pattern=r"^\d{2}$")
    basar: int = Field(ge=FORSTA_AR, le=SISTA_AR)
    roller: tuple[Roll, ...] = Field(min_length=1, strict=False)
    kanda_ar: dict[int, KantAr] = Field(default_factory=dict)
    indexering: Tal | dict[int, Tal] = Field(description="årlig uppräkning från basåret")
    finansiering: dict[int, Finansiering] = Field(min_length=1)
    yrkesresor: tuple[Yrkesresa, ...] = Field(default=(), strict=False)
    bemanning: Bemanning
    rorliga: Rorliga
    befolkning: Befolkningsantagande = Befolkningsantagande()
    befolkningsdatum: dict[int, Datum] = Field(default_factory=dict)
    befolkning_ar_fore: int = Field(default=2, ge=0, le=5)
    nyckel: Nyckelval = Nyckelval()
    nyckel_per_ar: dict[int, Nyckelval] = Field(default_factory=dict)
    samverkan: Samverkan = Samverkan()
    osakerhet: Osakerhet = Osakerhet()
    exempel: bool = Field(default=False, description="påhittade exempelvärden eller platshållare: allt märks så")

    @model_validator(mode="after")
    def _samband(self) -> Antaganden:
        ids = [r.id for r in self.roller]
        if len(set(ids)) != len(ids):
            raise ValueError("två roller har samma id")
        if self.bemanning.roll not in ids:
            raise ValueError(f"bemanning → roll: '{self.bemanning.roll}' är ingen av rollerna ({', '.join(ids)})")
        nr = [r.nr for r in self.yrkesresor]
        if len(set(nr)) != len(nr):
            raise ValueError("två yrkesresor har samma nr")
        for ar in [*self.kanda_ar, *self.finansiering, *self.befolkningsdatum, *self.nyckel_per_ar]:
            if not FORSTA_AR <= ar <= SISTA_AR:
                raise ValueError(f"året {ar} ligger utanför {FORSTA_AR}–{SISTA_AR}")
        if isinstance(self.indexering, Decimal) and not Decimal("-0.5") < self.indexering < 1:
            raise ValueError(f"indexering {self.indexering} är orimlig; ange t.ex. 0.03 för 3 % per år")
        return self

    def indexering_ar(self, ar: int) -> Decimal:
        if isinstance(self.indexering, Decimal):
            return self.indexering
        kanda = [a for a in sorted(self.indexering) if a <= ar]
        return self.indexering[kanda[-1]] if kanda else self.indexering[min(self.indexering)]

    def finansiering_ar(self, ar: int) -> Finansiering:
        """Fördelningen region/kommuner ett år: det senast angivna året som inte är senare."""
        kanda = [a for a in sorted(self.finansiering) if a <= ar]
        if not kanda:
            raise AnalysError(f"Finansiering saknas för {ar}: första året i finansiering är {min(self.finansiering)}.")
        return self.finansiering[kanda[-1]]

    def befolkningsdatum_ar(self, ar: int) -> date:
        """Befolkningens referensdatum för årets fördelning (angivet, annars 31 december år − N)."""
        return self.befolkningsdatum.get(ar, date(ar - self.befolkning_ar_fore, 12, 31))

    def nyckel_ar(self, ar: int) -> Nyckelval:
        kanda = [a for a in sorted(self.nyckel_per_ar) if a <= ar]
        return self.nyckel_per_ar[kanda[-1]] if kanda else self.nyckel

    def roll(self, rid: str) -> Roll:
        return next(r for r in self.roller if r.id == rid)


class Scenario(FrystModell):
    """Ett namngivet scenario: namnet som visas, en beskrivning och de nycklar i basantagandena som
    ändras. Utan beskrivning i filen bygger läsaren den ur ändringarna."""

    namn: str = Field(min_length=1, max_length=40, description="namnet i rapporter, t.ex. Ökad bemanning")
    beskrivning: str | None = None
    andringar: dict[str, Any] = Field(default_factory=dict)


# --- uppföljning ---------------------------------------------------------------------------------

KOSTNADSPOSTER = ("lon", "oh", "resor", "utrustning", "kurskostnader", "ovrigt")


@dataclass(frozen=True)
class Underlag:
    """Inläst och kontrollerat uppföljningsunderlag för ett avtal (Excelmall eller CSV-mapp)."""

    aktivitet: pd.DataFrame  # kommunkod, kommun, ar, yrkesresa, deltagardagar, utbildardagar
    utfall: pd.DataFrame  # ar, kostnadspost, belopp, kommentar
    fakturor: pd.DataFrame  # kommunkod, kommun, fakturadatum, belopp, avser
    kalla: str
    kommuner: pd.DataFrame  # länets kommuner vid avtalets befolkningsdatum: kommunkod, kommun
    ej_rapporterat: tuple[str, ...] = ()  # utfallsposter utan belopp: "lon 2024" …
    # aktivitetsrader med tomma dagar: (kommunkod, år, "deltagardagar" eller "utbildardagar")
    aktivitet_ej_rapporterad: tuple[tuple[str, int, str], ...] = ()
    pahittat: bool = False  # underlaget är ett påhittat exempel (data/exempel/)

    def ej_rapporterade(self, falt: str, ar: tuple[int, ...] | None = None) -> tuple[str, ...]:
        """Kommunerna (namn, i bokstavsordning) med tomma `falt` ("deltagardagar" eller
        "utbildardagar") i aktiviteten, för åren i `ar` (alla år om None)."""
        namn = dict(zip(self.kommuner["kommunkod"], self.kommuner["kommun"], strict=True))
        return tuple(
            sorted({namn[k] for k, a, x in self.aktivitet_ej_rapporterad if x == falt and (ar is None or a in ar)})
        )

    @property
    def tom(self) -> bool:
        """Inget är ifyllt: ingen aktivitet, inget utfall och inga fakturor."""
        return self.aktivitet.empty and self.utfall.empty and self.fakturor.empty
