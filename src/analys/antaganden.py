"""Antaganden för kostnadsmodellen (`data/antaganden/bas.yaml`) och scenarier som ändrar dem
(`data/antaganden/scenarier.yaml`), inlästa i frysta, validerade parameterobjekt.

Ett scenario är en namngiven uppsättning ändringar av basen: samma nycklar som i `bas.yaml`,
bara de som ändras. Tabeller slås ihop nyckel för nyckel; listor och tal ersätts.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from analys.fel import AnalysError
from analys.fordelning import Nyckel
from analys.paths import data_dir, visningsvag
from analys.yamlfil import FrystModell, read_yaml, validate

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
    tjanst: Decimal = Field(ge=0, description="heltidsekvivalenter")
    kostnad_per_tjanst: int = Field(ge=0, description="kr per heltid och år i basåret")
    fran: str = Field(description="första månad rollen kostar, ÅÅÅÅ-MM")
    komponenter: dict[str, int] | None = Field(
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

    per_resa: Decimal = Field(ge=0, le=5, description="extra tjänst per ny resa")
    roll: str = Field(description="rollen vars kostnad per tjänst gäller för den extra bemanningen")


class KantAr(FrystModell):
    """Ett år med beslutad fast kostnad (före basåret)."""

    fast_kostnad: int = Field(ge=0)
    kalla: str


class Finansiering(FrystModell):
    region: Decimal = Field(ge=0, le=100, description="procent")
    kommuner: Decimal = Field(ge=0, le=100, description="procent")

    @model_validator(mode="after")
    def _hundra(self) -> Finansiering:
        if self.region + self.kommuner != 100:
            raise ValueError(f"region ({self.region} %) och kommuner ({self.kommuner} %) ska tillsammans vara 100 %")
        return self


class Rorliga(FrystModell):
    avgift_per_deltagardag: int = Field(ge=0)
    till_pott_per_deltagardag: int = Field(ge=0)
    deltagardagar_per_1000_invanare_och_resa: Decimal = Field(ge=0)
    utbildardagar: Literal["deltagardagar", "befolkning", "lika"] = "deltagardagar"
    aktivitetsfil: str | None = Field(
        default=None, description="CSV kommunkod,ar,deltagardagar,utbildardagar; ersätter härledda värden"
    )

    @model_validator(mode="after")
    def _pott_inom_avgift(self) -> Rorliga:
        if self.till_pott_per_deltagardag > self.avgift_per_deltagardag:
            raise ValueError("till_pott_per_deltagardag kan inte vara större än avgift_per_deltagardag")
        return self


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
    nyckel: Nyckel = Nyckel.BEFOLKNING
    fast_andel: Decimal = Field(default=Decimal("0.3"), ge=0, le=1)
    vikter: dict[str, Decimal] | None = None


class Samverkan(FrystModell):
    besparing: Decimal = Field(default=Decimal(0), ge=0, le=1, description="andel av fasta kostnaden")
    fran_ar: int = Field(default=2026, ge=FORSTA_AR, le=SISTA_AR)


class Intervall(FrystModell):
    lag: Decimal
    hog: Decimal

    @model_validator(mode="after")
    def _ordning(self) -> Intervall:
        if self.hog < self.lag:
            raise ValueError(f"hog ({self.hog}) är mindre än lag ({self.lag})")
        return self


OSAKRA = {
    "indexering": "Indexering per år",
    "kostnad_per_tjanst_faktor": "Kostnad per tjänst (faktor)",
    "per_resa": "Extra tjänst per ny resa",
    "lansering_forskjutning_manader": "Förskjutning av lanseringar (månader)",
    "deltagardagar_per_1000_invanare_och_resa": "Deltagardagar per 1 000 inv. och resa",
    "samverkan_besparing": "Besparing genom samverkan",
}


class Osakerhet(FrystModell):
    """Låga och höga värden för osäkra parametrar (känslighet och Monte Carlo)."""

    indexering: Intervall | None = None
    kostnad_per_tjanst_faktor: Intervall | None = None
    per_resa: Intervall | None = None
    lansering_forskjutning_manader: Intervall | None = None
    deltagardagar_per_1000_invanare_och_resa: Intervall | None = None
    samverkan_besparing: Intervall | None = None


class Antaganden(FrystModell):
    """Alla antaganden för ett scenario."""

    beskrivning: str
    lan: str = Field(default="20", pattern=r"^\d{2}$")
    basar: int = Field(ge=FORSTA_AR, le=SISTA_AR)
    roller: tuple[Roll, ...] = Field(min_length=1)
    kanda_ar: dict[int, KantAr] = Field(default_factory=dict)
    indexering: Decimal | dict[int, Decimal] = Field(description="årlig uppräkning från basåret")
    finansiering: dict[int, Finansiering] = Field(min_length=1)
    yrkesresor: tuple[Yrkesresa, ...] = ()
    bemanning: Bemanning
    rorliga: Rorliga
    befolkning: Befolkningsantagande = Befolkningsantagande()
    befolkningsdatum: dict[int, date] = Field(default_factory=dict)
    befolkning_ar_fore: int = Field(default=2, ge=0, le=5)
    nyckel: Nyckelval = Nyckelval()
    nyckel_per_ar: dict[int, Nyckelval] = Field(default_factory=dict)
    samverkan: Samverkan = Samverkan()
    osakerhet: Osakerhet = Osakerhet()

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
    beskrivning: str
    andringar: dict[str, Any] = Field(default_factory=dict)


def antaganden_dir() -> Path:
    return data_dir() / "antaganden"


def _sla_ihop(bas: dict[str, Any], andring: dict[str, Any]) -> dict[str, Any]:
    """Scenariots ändringar ovanpå basen: tabeller nyckel för nyckel, allt annat ersätts."""
    ut = copy.deepcopy(bas)
    for k, v in andring.items():
        if isinstance(v, dict) and isinstance(ut.get(k), dict):
            ut[k] = _sla_ihop(ut[k], v)
        else:
            ut[k] = copy.deepcopy(v)
    return ut


def read_scenarier(path: Path | None = None) -> dict[str, Scenario]:
    """Scenarierna i `scenarier.yaml`, i filens ordning."""
    path = Path(path) if path else antaganden_dir() / "scenarier.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict) or not data:
        raise AnalysError(f"{visningsvag(path)}: filen ska innehålla minst ett scenario (namn: ...).")
    ut = {}
    for namn, post in data.items():
        if not re.fullmatch(r"[a-z0-9_-]+", str(namn)):
            raise AnalysError(f"{visningsvag(path)}: scenarionamnet '{namn}' får bara innehålla a–z, 0–9, - och _.")
        ut[str(namn)] = validate(post, Scenario, f"{visningsvag(path)}: {namn}")
    return ut


def load_antaganden(scenario: str = "bas", antaganden: Path | None = None, scenarier: Path | None = None) -> Antaganden:
    """Antagandena för ett scenario: basfilen med scenariots ändringar.

    >>> a = load_antaganden("bas")
    >>> a.basar, a.lan, a.finansiering_ar(2030).kommuner
    (2024, '20', Decimal('100'))
    """
    bas_path = Path(antaganden) if antaganden else antaganden_dir() / "bas.yaml"
    bas = read_yaml(bas_path)
    if not isinstance(bas, dict):
        raise AnalysError(f"{visningsvag(bas_path)}: filen ska innehålla nycklar och värden.")
    scen_path = Path(scenarier) if scenarier else bas_path.parent / "scenarier.yaml"
    if scenario == "bas" and not scen_path.exists():
        return validate(bas, Antaganden, visningsvag(bas_path))
    alla = read_scenarier(scen_path)
    if scenario not in alla:
        raise AnalysError(
            f"Scenariot '{scenario}' finns inte i {visningsvag(scen_path)}. Scenarier som finns: {', '.join(alla)}."
        )
    data = _sla_ihop(bas, alla[scenario].andringar)
    kalla = visningsvag(bas_path)
    if alla[scenario].andringar:
        kalla += f" med scenariot {scenario} ur {visningsvag(scen_path)}"
    return validate(data, Antaganden, kalla)
