"""Scenarioresultat som text för människor, CSV för maskiner och Excelarbetsbok."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analys import __version__
from analys.format import format_tal
from analys.kostnadsmodell import CSV_KOLUMNER, table_kommun_over_ar


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
        tab = table_kommun_over_ar(grupp.drop(columns="scenario"))
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
    from analys.excel import Blad

    blad = []
    for scenario, grupp in per_kommun.groupby("scenario", sort=False):
        tab = table_kommun_over_ar(grupp.drop(columns="scenario")).reset_index()
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
    from analys.excel import write_workbook
    from analys.scenariorapport import kallor as scenario_kallor

    write_workbook(
        scenario_blad(per_kommun, per_ar, beskrivningar),
        scenario_kallor(per_ar, beskrivningar, kallor[0], kallor[1]),
        path,
        "Scenarier för kostnaderna för Yrkesresan och BBIC",
    )
