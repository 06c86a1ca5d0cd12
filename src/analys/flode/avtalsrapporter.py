"""Det avtalsrapporterna visar, uträknat och inläst en gång: förslaget inför Socialchefsnätverkets
beslut (posterna och hur de räknats, förändringen per kommun, känsligheten och förra avtalets
uppföljning) och bilagan till det undertecknade avtalet. Här finns också rapportposten som
`analys avtal forslag` lägger till i data/rapporter.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from analys.begrepp import Avtal, Fil, Yrkesresa, manadsindex
from analys.berakning import kostnadsmodell as km
from analys.berakning.avtal import Kostnadspost, compute_kostnadsposter
from analys.berakning.uppfoljning import Resultat
from analys.fel import AnalysError
from analys.filer import write_text_atomic
from analys.flode.avtal import Avtalsjamforelse, Forslag, jamfor, senaste_faststallda
from analys.flode.fordelning import Fordelning, senaste_avtal
from analys.flode.fordelning import berakna as berakna_fordelning
from analys.flode.scenarier import berakna_scenario, modellunderlag, scenarier_i_fil, standardfiler
from analys.flode.spar import fil
from analys.flode.uppfoljning import berakna as berakna_uppfoljning
from analys.indata.antaganden import load_antaganden
from analys.indata.avtal import avtalsfiler_for_lan, load_avtal
from analys.indata.paths import data_dir, notebook_dir, visningsvag
from analys.indata.projekt import BESLUTANDE, standard_beslutande, standardlan
from analys.indata.rapportfil import Rapportpost, ny_rapportfil, rapportfil_med, rapportfil_vag, read_rapportfil

FORSLAGSNOTEBOOK = "avtalsforslag.ipynb"
UPPFOLJNINGSNOTEBOOK = "uppfoljning.ipynb"


# --- bilagan till det undertecknade avtalet ------------------------------------------------------


@dataclass(frozen=True)
class Avtalsbilaga:
    """Det bilagan till ett avtal visar: avtalet (poster, period, betalning, villkor) och dess
    fördelning per kommun med befolkningens källa."""

    avtal: Avtal
    fordelning: Fordelning

    @property
    def pahittat(self) -> bool:
        return self.avtal.exempel

    @property
    def forslag(self) -> bool:
        return self.avtal.forslag


def bilaga(avtal: str | None = None) -> Avtalsbilaga:
    """Bilagan till avtalet `avtal` (år eller fil; None: analys-mappens senaste fastställda avtal)."""
    avtal = avtal or senaste_avtal()
    if avtal is None:
        raise AnalysError("Det finns inget fastställt avtal i data/avtal/ att skriva en bilaga till; ange avtal.")
    a, _ = load_avtal(str(avtal))
    return Avtalsbilaga(a, berakna_fordelning(avtal=str(avtal)))


# --- förslaget inför beslutet ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sammansattning:
    """Vad årets fasta kostnad består av enligt antagandena: posterna och hur de räknats, och om
    avtalsfilens poster är just de (`stammer`; annars har filen ändrats eller antagandena ändrats)."""

    poster: tuple[Kostnadspost, ...]
    modellbelopp: int  # kostnadsmodellens fasta kostnad för året (beräknat)
    stammer: bool
    basar: int
    indexering: Decimal  # per år, för året
    kommunernas_andel: Decimal  # procent, enligt finansieringen i antagandena
    nya_resor: tuple[Yrkesresa, ...]  # Yrkesresor som lanseras under året
    igang: tuple[Yrkesresa, ...]  # Yrkesresor som är igång när året börjar
    scenario: str
    scenarionamn: str
    scenariobeskrivning: str
    antagandefil: Fil
    scenariofil: Fil


@dataclass(frozen=True)
class Uppfoljningsresultat:
    """Resultatet av uppföljningen av ett tidigare avtal (ur rapporten i data/rapporter.yaml)."""

    ar: int
    rapport: str  # rapportens namn i data/rapporter.yaml
    underlag: str  # underlagets plats
    resultat: Resultat
    pahittat: bool
    slutlig: bool


@dataclass(frozen=True)
class Forslagsrapport:
    """Allt förslagsrapporten visar för ett år."""

    avtal: Avtal
    avtalsfil: Fil
    fordelning: Fordelning
    jamforelse: Avtalsjamforelse | None  # mot det senaste fastställda avtalet före året
    sammansattning: Sammansattning
    kanslighet: pd.DataFrame | None  # None när avtalet är fastställt (beloppet ändras inte)
    uppfoljning: Uppfoljningsresultat | None
    uppfoljning_saknas: str  # varför ingen uppföljning visas
    antaganden_pahittat: bool
    beslutande: str = BESLUTANDE  # vem som fastställer förslaget (analys.yaml)

    @property
    def forslag(self) -> bool:
        return self.avtal.forslag

    @property
    def pahittat(self) -> bool:
        """Avtalet, antagandena eller uppföljningens underlag är ett påhittat exempel."""
        return (
            self.avtal.exempel
            or self.antaganden_pahittat
            or (self.jamforelse is not None and self.jamforelse.pahittat)
            or (self.uppfoljning is not None and self.uppfoljning.pahittat)
        )


def _resor(a, ar: int) -> tuple[tuple[Yrkesresa, ...], tuple[Yrkesresa, ...]]:
    """(lanseras under året, igång när året börjar)."""
    nya = tuple(r for r in a.yrkesresor if int(r.start[:4]) == ar)
    igang = tuple(r for r in a.yrkesresor if manadsindex(r.start) < 12 * ar)
    return nya, igang


def sammansattning(avtal: Avtal, scenario: str = "bas") -> Sammansattning:
    """Förslagets poster räknade ur antagandena och scenariot, som `analys avtal forslag` gör."""
    antagandefil, scenariofil = standardfiler()
    a = load_antaganden(scenario)
    alla = scenarier_i_fil(scenariofil, [scenario]) if scenariofil.is_file() else {}
    ar = avtal.ar
    _, per_ar = berakna_scenario(a, scenario, ar, ar)
    modell = int(per_ar["fast_total"].iloc[0])
    poster = compute_kostnadsposter(a, ar, modell)
    stammer = [(p.roll, p.belopp) for p in poster] == [(k.roll, k.belopp) for k in avtal.kostnader]
    nya, igang = _resor(a, ar)
    s = alla.get(scenario)
    return Sammansattning(
        poster=poster,
        modellbelopp=modell,
        stammer=stammer,
        basar=a.basar,
        indexering=a.indexering_ar(ar),
        kommunernas_andel=a.finansiering_ar(ar).kommuner,
        nya_resor=nya,
        igang=igang,
        scenario=scenario,
        scenarionamn=s.namn if s else scenario,
        scenariobeskrivning=s.beskrivning if s else a.beskrivning,
        antagandefil=fil(antagandefil),
        scenariofil=fil(scenariofil),
    )


def _vag(varde: Any) -> str:
    """En parameter i rapportfilen som avtal eller underlag: ett år som det är, en sökväg räknad
    från analys-mappen."""
    text = str(varde)
    if text.isdigit():
        return text
    p = Path(text)
    return str(p if p.is_absolute() else data_dir().resolve().parent / p)


def senaste_uppfoljning(ar: int, lanskod: str) -> tuple[Uppfoljningsresultat | None, str]:
    """Uppföljningen av det senaste avtalet före `ar` som data/rapporter.yaml har en
    uppföljningsrapport för (notebooken uppfoljning.ipynb med avtal och underlag), räknad som
    rapporten räknar den; annars None och varför."""
    path = rapportfil_vag()
    if not path.is_file():
        return None, "Det finns ingen rapportfil (data/rapporter.yaml) med en uppföljning av ett tidigare avtal."
    kandidater: list[tuple[int, Rapportpost]] = []
    for p in read_rapportfil(path).rapporter:
        if p.notebook != UPPFOLJNINGSNOTEBOOK or not p.parametrar.get("avtal") or not p.parametrar.get("underlag"):
            continue
        try:
            a, _ = load_avtal(_vag(p.parametrar["avtal"]))
        except AnalysError:
            continue  # en trasig post säger analys rapport själv
        if a.ar < ar and a.lan == lanskod and not a.forslag:
            kandidater.append((a.ar, p))
    if not kandidater:
        return None, f"Ingen uppföljning av ett avtal före {ar} finns i data/rapporter.yaml."
    fore_ar, p = max(kandidater, key=lambda k: k[0])
    slutlig = bool(p.parametrar.get("slutlig", False))
    try:
        u = berakna_uppfoljning(_vag(p.parametrar["avtal"]), _vag(p.parametrar["underlag"]), slutlig)
    except AnalysError as e:
        return None, f"Uppföljningen av avtalet {fore_ar} (rapporten {p.namn}) går inte att räkna än: {e}"
    return Uppfoljningsresultat(fore_ar, p.namn, u.underlag.kalla, u.resultat, u.pahittat, u.avslutat), ""


def forslagsrapport(avtal: str | int | None = None, scenario: str = "bas") -> Forslagsrapport:
    """Förslagsrapporten för avtalet (eller förslaget) `avtal` (år eller fil): posterna ur
    antagandena och scenariot, jämförelsen med det senaste fastställda avtalet före året,
    känsligheten för året (bara för ett förslag: ett fastställt avtal ändras inte) och
    uppföljningen av det senaste tidigare avtalet som har en. Utan `avtal`: mappens senaste år."""
    if avtal is None:
        befintliga = avtalsfiler_for_lan(standardlan())
        if not befintliga:
            raise AnalysError(
                "Det finns inget avtal eller förslag i data/avtal/; föreslå ett med analys avtal forslag ÅR."
            )
        avtal = max(befintliga)
    a, path = load_avtal(str(avtal))
    forra = senaste_faststallda(a.lan, a.ar)
    j = jamfor(a.ar, forra.ar) if forra is not None else None
    s = sammansattning(a, scenario)
    antaganden = load_antaganden(scenario)
    kanslighet = None
    if a.forslag:
        kanslighet = km.sensitivity(antaganden, modellunderlag(antaganden, a.ar, a.ar), a.ar)
    uppf, saknas = senaste_uppfoljning(a.ar, a.lan)
    annars_pahittat = a.exempel or antaganden.exempel or (j is not None and j.pahittat)
    if uppf is not None and uppf.pahittat and not annars_pahittat:
        # Ett förslag på riktiga tal citerar inte ett påhittat resultat: det skulle märka hela
        # beslutsunderlaget påhittat. Avsnittet säger i stället varför resultatet inte visas.
        saknas = (
            f"Uppföljningen av avtalet {uppf.ar} (rapporten {uppf.rapport}) bygger på ett påhittat "
            f"exempelunderlag ({uppf.underlag}), så dess resultat visas inte här. När det riktiga "
            "underlaget är ifyllt: ange det som underlag för rapporten i data/rapporter.yaml."
        )
        uppf = None
    return Forslagsrapport(
        avtal=a,
        avtalsfil=fil(path),
        fordelning=berakna_fordelning(avtal=str(avtal)),
        jamforelse=j,
        sammansattning=s,
        kanslighet=kanslighet,
        uppfoljning=uppf,
        uppfoljning_saknas=saknas,
        antaganden_pahittat=antaganden.exempel,
        beslutande=standard_beslutande(),
    )


# --- rapportposten som `analys avtal forslag` lägger till ---------------------------------------


@dataclass(frozen=True)
class Rapporttillagg:
    """Rapportposten för förslaget i data/rapporter.yaml: läggs till (`text` är filens nya text),
    fanns redan, eller läggs inte till och varför (`hinder`)."""

    namn: str
    vag: str
    lagd_till: bool
    hinder: str = ""
    path: Path | None = None
    text: str | None = None


def forslagsrapportens_namn(ar: int) -> str:
    return f"avtalsforslag-{ar}"


def forslagsrapport_i_rapportfilen(f: Forslag) -> Rapporttillagg:
    """Rapporten avtalsforslag-ÅR sist i data/rapporter.yaml, med filens kommentarer kvar; inget
    skrivs här (`skriv_rapporttillagg`). Finns en rapport med det namnet lämnas filen som den är.
    Räknas före förslaget skrivs, så att en rapportfil som inte går att ändra inte lämnar halva jobbet gjort."""
    ar = f.avtal.ar
    namn = forslagsrapportens_namn(ar)
    path = rapportfil_vag()
    vag = visningsvag(path)
    parametrar: dict[str, Any] = {"avtal": str(ar)}
    if f.scenario != "bas":
        parametrar["scenario"] = f.scenario
    post = Rapportpost(namn=namn, notebook=FORSLAGSNOTEBOOK, parametrar=parametrar)
    if not (notebook_dir() / FORSLAGSNOTEBOOK).is_file():
        return Rapporttillagg(namn, vag, False, f"notebooken {FORSLAGSNOTEBOOK} finns inte i notebooks/")
    if not path.is_file():
        ny = ny_rapportfil(post, vag)
    else:
        if any(p.namn == namn for p in read_rapportfil(path).rapporter):
            return Rapporttillagg(namn, vag, False)
        kommentar = f"Förslaget till avtal {ar} inför beslutet (lagt till av analys avtal forslag {ar})."
        ny = rapportfil_med(path.read_text(encoding="utf-8"), post, vag, kommentar)
    return Rapporttillagg(namn, vag, True, path=path, text=ny)


def skriv_rapporttillagg(t: Rapporttillagg) -> None:
    """Skriv rapportfilens nya text (atomiskt), om rapporten ska läggas till."""
    if t.lagd_till and t.path is not None and t.text is not None:
        write_text_atomic(t.path, t.text)
