"""Scenarier: vad kostar Yrkesresan och BBIC kommunerna år för år under olika antaganden?

Här hämtas antaganden och befolkning, kostnadsmodellen räknas (`berakning.kostnadsmodell`) och
resultatet presenteras: text, tabeller, CSV för maskiner och Excelarbetsbok.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analys import __version__
from analys.begrepp import FORSTA_AR, SISTA_AR, Antaganden
from analys.berakning import kostnadsmodell as km
from analys.fel import AnalysError
from analys.indata.antaganden import antaganden_dir, load_antaganden, read_scenarier
from analys.indata.avtal import avtal_for_lan
from analys.indata.befolkning import befolkning_for_datum
from analys.indata.paths import data_dir, visningsvag
from analys.indata.underlag import read_aktivitet
from analys.rapporter.excel import Blad, write_workbook
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.kallor import scenario_kallor
from analys.rapporter.tabeller import html_tabell

CSV_KOLUMNER = [
    "scenario",
    "ar",
    "kommunkod",
    "kommun",
    "fast_kostnad",
    "rorlig_kostnad",
    "pott_tillbaka",
    "netto",
]


# --- hämta och räkna ----------------------------------------------------------------------------


def modellunderlag(a: Antaganden, fran: int, till: int) -> km.Modellunderlag:
    """Befolkningen för varje år `fran`–`till` (statistik eller framskrivning), länets avtal i
    data/avtal/ och aktivitetsfilen om antagandena anger en, samlade för kostnadsmodellen."""
    if till < fran:
        raise AnalysError(f"Slutåret {till} ligger före startåret {fran}.")
    avtal = {ar: av for ar, av in avtal_for_lan(a.lan).items() if fran <= ar <= till}
    befolkning = {
        y: befolkning_for_datum(a.lan, km.befolkningsdatum(a, y, avtal), a.befolkning) for y in range(fran, till + 1)
    }
    aktivitet = None
    if a.rorliga.aktivitetsfil:
        path = Path(a.rorliga.aktivitetsfil)
        koder = tuple(befolkning[fran].sort_values("kommunkod")["kommunkod"])
        aktivitet = read_aktivitet(path if path.is_absolute() else data_dir().parent / path, koder)
    return km.build_underlag(a, befolkning, aktivitet, avtal)


def berakna_scenario(a: Antaganden, scenario: str, fran: int, till: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ett scenario, exakt: (per kommun och år, per år); se `kostnadsmodell.compute_scenario`."""
    return km.compute_scenario(a, scenario, modellunderlag(a, fran, till))


def compute_scenarier(
    scenarier: list[str],
    fran: int,
    till: int,
    antaganden: Path | None = None,
    scenariofil: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flera scenarier efter varandra, i samma två tabeller."""
    delar = [berakna_scenario(load_antaganden(s, antaganden, scenariofil), s, fran, till) for s in scenarier]
    return (
        pd.concat([d[0] for d in delar], ignore_index=True),
        pd.concat([d[1] for d in delar], ignore_index=True),
    )


@dataclass(frozen=True)
class Scenarioberakning:
    """Allt en scenariorapport eller ett kommunblad visar."""

    scenarier: tuple[str, ...]
    fran: int
    till: int
    per_kommun: pd.DataFrame
    per_ar: pd.DataFrame
    beskrivningar: dict[str, str]
    antagandefil: Path
    scenariofil: Path

    @property
    def bas(self) -> Antaganden:
        """Antagandena för det första scenariot (jämförelsebasen)."""
        return load_antaganden(self.scenarier[0], self.antagandefil, self.scenariofil)

    def kallor(self, parametrar: dict | None = None) -> list[tuple[str, str]]:
        return scenario_kallor(
            self.per_ar, self.beskrivningar, str(self.antagandefil), str(self.scenariofil), parametrar
        )


def berakna(scenarier: list[str], fran: int, till: int, antaganden: str | Path | None = None) -> Scenarioberakning:
    """Scenarierna ur antagandefilen (standard `data/antaganden/bas.yaml`) och scenariofilen bredvid."""
    antagandefil = Path(antaganden) if antaganden else antaganden_dir() / "bas.yaml"
    scenariofil = antagandefil.parent / "scenarier.yaml"
    beskrivningar = {n: s.beskrivning for n, s in read_scenarier(scenariofil).items()}
    per_kommun, per_ar = compute_scenarier(scenarier, fran, till, antagandefil, scenariofil)
    return Scenarioberakning(tuple(scenarier), fran, till, per_kommun, per_ar, beskrivningar, antagandefil, scenariofil)


def kanslighet(s: Scenarioberakning) -> pd.DataFrame:
    """En parameter i taget på lågt och högt värde, för det första scenariot och sista året."""
    bas = s.bas
    return km.sensitivity(bas, modellunderlag(bas, s.fran, s.till), s.till)


def osakerhet(s: Scenarioberakning, n: int = 10_000, seed: int = 1) -> pd.DataFrame:
    """Monte Carlo för det första scenariot: P10, P50, P90 per kommun och år."""
    bas = s.bas
    return km.monte_carlo(bas, modellunderlag(bas, s.fran, s.till), n=n, seed=seed)


# --- text och tabeller --------------------------------------------------------------------------


def describe_scenarier(per_kommun: pd.DataFrame, per_ar: pd.DataFrame, beskrivningar: dict[str, str]) -> str:
    """Markdown med de viktigaste talen: första och sista året per scenario, spannet."""
    tot = per_kommun.groupby(["scenario", "ar"], sort=False)["netto"].sum()
    fran, till = int(per_kommun["ar"].min()), int(per_kommun["ar"].max())
    rader = []
    for s in dict.fromkeys(per_kommun["scenario"]):
        a, b = int(tot[(s, fran)]), int(tot[(s, till)])
        andring = f" ({'+' if b >= a else ''}{format_procent((b - a) / a, 0)})" if a else ""
        rader.append(
            f"- **{s}** – {beskrivningar.get(s, '')}: {format_kr(a)} {fran} → **{format_kr(b)}** {till}{andring}."
        )
    sista = tot.xs(till, level="ar")
    text = (
        f"Kommunernas sammanlagda nettokostnad (fast kostnad + kursavgifter − pott tillbaka), {fran}–{till}:\n\n"
        + "\n".join(rader)
    )
    if len(sista) > 1:
        text += (
            f"\n\nÅr {till} skiljer det {format_kr(int(sista.max() - sista.min()))} mellan det dyraste "
            f"({sista.idxmax()}) och det billigaste ({sista.idxmin()}) scenariot."
        )
    return text


def table_kommuner_ett_ar(per_kommun: pd.DataFrame, ar: int) -> pd.DataFrame:
    """Kommuner × scenarier: netto ett år (kolumner i scenarioordning)."""
    d = per_kommun[per_kommun["ar"] == ar]
    tab = d.pivot_table(index=["kommunkod", "kommun"], columns="scenario", values="netto", aggfunc="sum", sort=False)
    return tab[list(dict.fromkeys(d["scenario"]))].astype("int64").reset_index()


def html_kommuner_ett_ar(per_kommun: pd.DataFrame, ar: int) -> str:
    t = table_kommuner_ett_ar(per_kommun, ar)
    scen = [c for c in t.columns if c not in ("kommunkod", "kommun")]
    return html_tabell(
        t,
        kr=scen,
        summa={"kommun": "Summa", **{s: int(t[s].sum()) for s in scen}},
        rubriker={"kommunkod": "Kod", "kommun": "Kommun"},
    )


def html_skillnad(per_kommun: pd.DataFrame, ar: int, bas: str) -> str:
    d = km.table_skillnad_mot_bas(per_kommun, bas)
    d = (
        d[d["ar"] == ar]
        .pivot_table(index=["kommunkod", "kommun"], columns="scenario", values="skillnad", aggfunc="sum", sort=False)
        .astype("int64")
        .reset_index()
    )
    scen = [c for c in d.columns if c not in ("kommunkod", "kommun")]
    return html_tabell(
        d,
        kr=scen,
        summa={"kommun": "Summa", **{s: int(d[s].sum()) for s in scen}},
        rubriker={"kommunkod": "Kod", "kommun": "Kommun"},
    )


def write_scenario_report_workbook(
    per_kommun: pd.DataFrame,
    per_ar: pd.DataFrame,
    beskrivningar: dict[str, str],
    kallor: list[tuple[str, str]],
    path: Path,
    tabellar: int,
    sens: pd.DataFrame | None = None,
    mc: pd.DataFrame | None = None,
) -> None:
    blad = scenario_blad(per_kommun, per_ar, beskrivningar)
    ett = table_kommuner_ett_ar(per_kommun, tabellar)
    scen = [c for c in ett.columns if c not in ("kommunkod", "kommun")]
    blad.insert(
        0,
        Blad(
            namn=f"Kommuner {tabellar}",
            titel=f"Nettokostnad per kommun {tabellar}, alla scenarier",
            df=ett,
            kr=scen,
            summera=scen,
        ),
    )
    if sens is not None:
        blad.append(
            Blad(
                namn="Känslighet",
                titel="En parameter i taget på lågt och högt värde",
                df=sens,
                kr=["netto_bas", "netto_lag", "netto_hog", "effekt_lag", "effekt_hog"],
            )
        )
    if mc is not None:
        blad.append(
            Blad(namn="Monte Carlo", titel="Percentiler av nettokostnaden", df=mc, kr=["p10", "p50", "p90", "medel"])
        )
    write_workbook(blad, kallor, path, "Scenarier för kostnaderna för Yrkesresan och BBIC")


# --- kommandoraden: tabell, CSV och arbetsbok ------------------------------------------------------


def to_csv(per_kommun: pd.DataFrame) -> str:
    """Exakt rubriken ``scenario,ar,kommunkod,kommun,fast_kostnad,rorlig_kostnad,pott_tillbaka,netto``."""
    df = per_kommun[CSV_KOLUMNER]
    rader = [",".join(CSV_KOLUMNER)]
    rader += [",".join(str(v) for v in r) for r in df.itertuples(index=False)]
    return "\n".join(rader) + "\n"


def _tabell(rader: list[list[str]], hoger_fran: int = 1) -> list[str]:
    bredd = [max(len(r[i]) for r in rader) for i in range(len(rader[0]))]
    ut = []
    for r in rader:
        ut.append(
            "  ".join(
                c.rjust(b) if i >= hoger_fran else c.ljust(b) for i, (c, b) in enumerate(zip(r, bredd, strict=True))
            ).rstrip()
        )
    return ut


def to_tabell(per_kommun: pd.DataFrame, per_ar: pd.DataFrame, beskrivningar: dict[str, str], kallor: list[str]) -> str:
    ut: list[str] = []
    for scenario, grupp in per_kommun.groupby("scenario", sort=False):
        ar_df = per_ar[per_ar["scenario"] == scenario]
        tab = km.table_kommun_over_ar(grupp.drop(columns="scenario"))
        ar = list(tab.columns)
        ut += [
            f"Scenario {scenario}: {beskrivningar.get(scenario, '')}",
            "Nettokostnad per kommun och år, kr",
            "",
        ]
        rader = [["Kommun", *map(str, ar)]]
        rader += [[kommun, *(format_tal(v) for v in rad)] for (_, kommun), rad in tab.iterrows()]
        rader.append(["Summa", *(format_tal(v) for v in tab.sum())])
        rader.append(["", *([""] * len(ar))])
        rader.append(["Fast kostnad, totalt", *(format_tal(v) for v in ar_df["fast_total"])])
        rader.append(["  därav kommunerna", *(format_tal(v) for v in ar_df["kommunernas_del"])])
        rader.append(["  därav regionen", *(format_tal(v) for v in ar_df["region_del"])])
        rader.append(["Tjänster", *(format_tal(v, 2) for v in ar_df["tjanster"])])
        rader.append(["Aktiva Yrkesresor", *(format_tal(v, 2) for v in ar_df["aktiva_resor"])])
        rader.append(["Deltagardagar", *(format_tal(v) for v in ar_df["deltagardagar"])])
        rader.append(["Pott tillbaka", *(format_tal(v) for v in ar_df["pott"])])
        ut += _tabell(rader)
        ut += ["", "Befolkning som fördelningen bygger på:"]
        ut += [
            f"  {a}: {d}, {k}"
            for a, d, k in zip(ar_df["ar"], ar_df["befolkningsdatum"], ar_df["befolkningskalla"], strict=True)
        ]
        ut += [""]
    ut += [f"Antaganden: {k}" for k in kallor]
    ut += [f"Program: analys {__version__}"]
    return "\n".join(ut) + "\n"


def scenario_blad(per_kommun: pd.DataFrame, per_ar: pd.DataFrame, beskrivningar: dict[str, str]) -> list:
    """Blad per scenario (kommuner × år, netto, med summarad), plus alla rader och per år."""
    blad = []
    for scenario, grupp in per_kommun.groupby("scenario", sort=False):
        tab = km.table_kommun_over_ar(grupp.drop(columns="scenario")).reset_index()
        tab.columns = ["Kommunkod", "Kommun", *(str(a) for a in tab.columns[2:])]
        ar = [str(a) for a in tab.columns[2:]]
        blad.append(
            Blad(
                namn=scenario,
                titel=f"Scenario {scenario}: nettokostnad per kommun och år",
                undertitel=beskrivningar.get(scenario, ""),
                not_text="Netto = fast kostnad + kursavgifter − pott tillbaka, hela kronor.",
                df=tab,
                kr=ar,
                summera=ar,
                bredder={"Kommunkod": 12, "Kommun": 16},
            )
        )
    kr = [
        "fast_kostnad",
        "rorlig_kostnad",
        "pott_tillbaka",
        "netto",
        "fast_total",
        "region_del",
        "kommunernas_del",
        "pott",
    ]
    blad.append(
        Blad(
            namn="Alla rader",
            titel="Alla scenarier, år och kommuner",
            df=per_kommun,
            kr=[k for k in kr if k in per_kommun],
            heltal=["folkmangd", "deltagardagar"],
            procent=["andel"],
        )
    )
    blad.append(
        Blad(
            namn="Per år",
            titel="Summor per scenario och år",
            df=per_ar,
            kr=[k for k in kr if k in per_ar],
            heltal=["deltagardagar"],
            decimal=["tjanster", "aktiva_resor"],
        )
    )
    return blad


def write_scenario_xlsx(
    per_kommun: pd.DataFrame,
    per_ar: pd.DataFrame,
    beskrivningar: dict[str, str],
    kallor: list[str],
    path: Path,
) -> None:
    """Arbetsbok: ett blad per scenario (kommuner × år, netto), alla rader, per år, källor."""
    write_workbook(
        scenario_blad(per_kommun, per_ar, beskrivningar),
        scenario_kallor(per_ar, beskrivningar, kallor[0], kallor[1]),
        path,
        "Scenarier för kostnaderna för Yrkesresan och BBIC",
    )


def lista(antaganden: Path | None = None, scenariofil: Path | None = None) -> str:
    """`analys scenario --lista`: scenarierna med en rad var."""
    scenarier = _scenarier(antaganden, scenariofil)[2]
    bredd = max(len(n) for n in scenarier)
    return "".join(f"{namn.ljust(bredd)}  {sc.beskrivning}\n" for namn, sc in scenarier.items())


def _scenarier(antaganden: Path | None, scenariofil: Path | None):
    bas_path = antaganden or antaganden_dir() / "bas.yaml"
    if not Path(bas_path).is_file():
        raise AnalysError(f"Antagandefilen {bas_path} finns inte.")
    scen_path = scenariofil or Path(bas_path).parent / "scenarier.yaml"
    return bas_path, scen_path, read_scenarier(scen_path)


def kommandoutdata(
    format: str,
    ut: Path | None,
    scenarier: list[str],
    fran: int,
    till: int,
    antaganden: Path | None = None,
    scenariofil: Path | None = None,
) -> str | None:
    """`analys scenario`: texten i det valda formatet, eller `None` när arbetsboken skrivits till `ut`."""
    bas_path, scen_path, alla = _scenarier(antaganden, scenariofil)
    for ar in (fran, till):
        if not FORSTA_AR <= ar <= SISTA_AR:
            raise AnalysError(f"Året {ar} ligger utanför modellens år {FORSTA_AR}–{SISTA_AR}.")
    if till < fran:
        raise AnalysError(f"--till ({till}) ligger före --fran ({fran}).")
    okanda = [s for s in scenarier if s not in alla]
    if okanda:
        raise AnalysError(
            f"Scenariot '{okanda[0]}' finns inte i {visningsvag(scen_path)}. Scenarier som finns: {', '.join(alla)}."
        )
    per_kommun, per_ar = compute_scenarier(list(dict.fromkeys(scenarier)), fran, till, antaganden, scenariofil)
    beskrivningar = {n: s.beskrivning for n, s in alla.items()}
    kallor = [visningsvag(Path(bas_path)), visningsvag(Path(scen_path))]
    if format == "xlsx":
        write_scenario_xlsx(per_kommun, per_ar, beskrivningar, kallor, ut)
        return None
    return to_csv(per_kommun) if format == "csv" else to_tabell(per_kommun, per_ar, beskrivningar, kallor)
