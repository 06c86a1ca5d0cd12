"""Scenarierna år för år: läs antaganden, scenarier, avtal och befolkning, och räkna varje
kommuns fasta kostnad, kursavgifter och pott per år (kostnadsmodellen i `berakning`), samt
känsligheten och osäkerheten för jämförelsebasen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analys.begrepp import FORSTA_AR, SISTA_AR, Antaganden, Avtal, Fil, Scenario
from analys.berakning import kostnadsmodell as km
from analys.fel import AnalysError
from analys.flode.spar import fil, filer
from analys.indata.antaganden import load_antaganden, read_scenarier
from analys.indata.antaganden import standardfiler as indata_standardfiler
from analys.indata.avtal import avtal_for_lan
from analys.indata.befolkning import befolkning_for_datum, befolkningsfiler, load_befolkning_alla
from analys.indata.paths import data_dir, visningsvag
from analys.indata.scbtabeller import scb_tabell
from analys.indata.underlag import read_aktivitet


def faststallda_avtal(lanskod: str, fran: int, till: int) -> dict[int, Avtal]:
    """Länets fastställda avtal för åren `fran`–`till`. Ett förslag (status: förslag) är inte med:
    dess år räknas ur antagandena, och scenarier, känslighet och Monte Carlo får ändra det."""
    return {ar: av for ar, av in avtal_for_lan(lanskod).items() if fran <= ar <= till and not av.forslag}


def modellunderlag(a: Antaganden, fran: int, till: int) -> km.Modellunderlag:
    """Befolkningen för varje år `fran`–`till` (statistik eller framskrivning), länets fastställda
    avtal i data/avtal/ och aktivitetsfilen om antagandena anger en, samlade för kostnadsmodellen."""
    if till < fran:
        raise AnalysError(f"Slutåret {till} ligger före startåret {fran}.")
    avtal = faststallda_avtal(a.lan, fran, till)
    befolkning = {}
    for y in range(fran, till + 1):
        d = km.befolkningsdatum(a, y, avtal)
        # SCB-tabellen som publicerar siffran, för källtexten (beräkningen känner inte SCB:s tabeller).
        befolkning[y] = befolkning_for_datum(a.lan, d, a.befolkning).assign(scb_tabell=scb_tabell(d))
    aktivitet = None
    if a.rorliga.aktivitetsfil:
        path = Path(a.rorliga.aktivitetsfil)
        koder = tuple(befolkning[fran].sort_values("kommunkod")["kommunkod"])
        aktivitet = read_aktivitet(path if path.is_absolute() else data_dir().parent / path, koder)
    return km.build_underlag(a, befolkning, aktivitet, avtal)


def berakna_scenario(a: Antaganden, scenario: str, fran: int, till: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ett scenario, exakt: (per kommun och år, per år); se `kostnadsmodell.compute_scenario`."""
    return km.compute_scenario(a, scenario, modellunderlag(a, fran, till))


@dataclass(frozen=True)
class Scenarioberakning:
    """Allt en scenariorapport eller ett kommunblad visar, uträknat och inläst en gång."""

    scenarier: tuple[str, ...]
    fran: int
    till: int
    per_kommun: pd.DataFrame
    per_ar: pd.DataFrame
    beskrivningar: dict[str, str]
    namn: dict[str, str]  # scenario → namnet som visas ("Ökad bemanning")
    bas: Antaganden  # antagandena för det första scenariot (jämförelsebasen)
    pahittat: bool  # något scenario eller avtal i perioden är ett påhittat exempel eller har platshållare
    antagandefil: Fil
    scenariofil: Fil
    befolkningsfiler: tuple[Fil, ...]

    @property
    def basnamn(self) -> str:
        return self.namn[self.scenarier[0]]


def standardfiler(antaganden: str | Path | None = None, scenariofil: str | Path | None = None) -> tuple[Path, Path]:
    """Antagandefilen och scenariofilen (`indata.antaganden.standardfiler`); fel om antagandefilen saknas."""
    bas, scen = indata_standardfiler(antaganden, scenariofil)
    if not bas.is_file():
        raise AnalysError(f"Antagandefilen {bas} finns inte.")
    return bas, scen


def scenarier_i_fil(scenariofil: Path, valda: list[str] | tuple[str, ...] = ()) -> dict[str, Scenario]:
    """Scenarierna i filen; fel om något av de valda inte finns där."""
    alla = read_scenarier(scenariofil)
    if okanda := [s for s in valda if s not in alla]:
        raise AnalysError(
            f"Scenariot '{okanda[0]}' finns inte i {visningsvag(scenariofil)}. Scenarier som finns: {', '.join(alla)}."
        )
    return alla


def kontrollera_ar(fran: int, till: int) -> None:
    """Perioden ligger inom modellens år och slutar inte före den börjar."""
    if till < fran:
        raise AnalysError(f"--till ({till}) ligger före --fran ({fran}).")
    for ar in (fran, till):
        if not FORSTA_AR <= ar <= SISTA_AR:
            raise AnalysError(f"Året {ar} ligger utanför modellens år {FORSTA_AR}–{SISTA_AR}.")


def berakna(
    scenarier: list[str] | tuple[str, ...],
    fran: int | None = None,
    till: int | None = None,
    antaganden: str | Path | None = None,
    scenariofil: str | Path | None = None,
) -> Scenarioberakning:
    """Scenarierna ur antagandefilen och scenariofilen (se `standardfiler`). Utan `fran` räknas från
    antagandenas basår, utan `till` sex år efter `fran`."""
    antagandefil, scenariofil = standardfiler(antaganden, scenariofil)
    valda = list(dict.fromkeys(scenarier))
    alla = scenarier_i_fil(scenariofil, valda)
    antagna = {s: load_antaganden(s, antagandefil, scenariofil) for s in valda}
    bas = antagna[valda[0]]
    fran = bas.basar if fran is None else fran
    till = fran + 6 if till is None else till
    kontrollera_ar(fran, till)
    delar = [berakna_scenario(antagna[s], s, fran, till) for s in valda]
    avtal = faststallda_avtal(bas.lan, fran, till).values()
    return Scenarioberakning(
        scenarier=tuple(valda),
        fran=fran,
        till=till,
        per_kommun=pd.concat([d[0] for d in delar], ignore_index=True),
        per_ar=pd.concat([d[1] for d in delar], ignore_index=True),
        beskrivningar={n: s.beskrivning for n, s in alla.items()},
        namn={n: s.namn for n, s in alla.items()},
        bas=bas,
        pahittat=any(a.exempel for a in antagna.values()) or any(a.exempel for a in avtal),
        antagandefil=fil(antagandefil),
        scenariofil=fil(scenariofil),
        befolkningsfiler=filer(befolkningsfiler(bas.lan)),
    )


def kanslighet(s: Scenarioberakning) -> pd.DataFrame:
    """En parameter i taget på lågt och högt värde, för det första scenariot och sista året:
    effekten på kommunernas fasta kostnad."""
    return km.sensitivity(s.bas, modellunderlag(s.bas, s.fran, s.till), s.till)


def osakerhet(s: Scenarioberakning, n: int = 100_000, seed: int = 1) -> pd.DataFrame:
    """Monte Carlo för det första scenariot: P10, P50, P90 av den fasta kostnaden per kommun och år."""
    return km.monte_carlo(s.bas, modellunderlag(s.bas, s.fran, s.till), n=n, seed=seed)


def lista(antaganden: Path | None = None, scenariofil: Path | None = None) -> dict[str, Scenario]:
    """Scenarierna i scenariofilen (`analys scenario --lista`)."""
    return read_scenarier(standardfiler(antaganden, scenariofil)[1])


def befolkning_over_tid(kommunkod: str, fran_ar: int = 2000) -> pd.DataFrame:
    """Kommunens folkmängd 31 december varje år från `fran_ar` (SCB): ar, folkmangd."""
    alla = load_befolkning_alla()
    b = alla[(alla["kommunkod"] == kommunkod) & (alla["datum"].dt.month == 12) & (alla["datum"].dt.day == 31)]
    b = b[b["datum"].dt.year >= fran_ar]
    return pd.DataFrame({"ar": b["datum"].dt.year, "folkmangd": b["folkmangd"]})
