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
        ut.append("  ".join(c.rjust(b) if i >= hoger_fran else c.ljust(b)
                            for i, (c, b) in enumerate(zip(r, bredd, strict=True))).rstrip())  # fmt: skip
    return ut


def to_tabell(
    per_kommun: pd.DataFrame, per_ar: pd.DataFrame, beskrivningar: dict[str, str], kallor: list[str]
) -> str:
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


def write_scenario_xlsx(
    per_kommun: pd.DataFrame,
    per_ar: pd.DataFrame,
    beskrivningar: dict[str, str],
    kallor: list[str],
    path: Path,
) -> None:
    """Arbetsbok: ett blad per scenario (kommuner × år, netto), ett med alla rader, ett per år, källor."""
    from datetime import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from analys.excel import FORMAT_KR, _styla_rubrik
    from analys.io import write_atomic

    wb = Workbook()
    wb.remove(wb.active)
    for scenario, grupp in per_kommun.groupby("scenario", sort=False):
        ws = wb.create_sheet(scenario[:31])
        ws["A1"] = f"Scenario {scenario}: nettokostnad per kommun och år"
        ws["A1"].font = Font(bold=True, size=13)
        ws["A2"] = beskrivningar.get(scenario, "")
        tab = table_kommun_over_ar(grupp.drop(columns="scenario"))
        ar = list(tab.columns)
        forsta = 4
        for i, rubrik in enumerate(["Kommunkod", "Kommun", *map(str, ar)], start=1):
            ws.cell(row=forsta, column=i, value=rubrik)
        _styla_rubrik(ws, forsta, len(ar) + 2)
        for i, ((kod, kommun), rad) in enumerate(tab.iterrows(), start=forsta + 1):
            ws.cell(row=i, column=1, value=kod)
            ws.cell(row=i, column=2, value=kommun)
            for j, v in enumerate(rad, start=3):
                ws.cell(row=i, column=j, value=int(v)).number_format = FORMAT_KR
        sista = forsta + len(tab)
        ws.cell(row=sista + 1, column=2, value="Summa").font = Font(bold=True)
        for j in range(3, len(ar) + 3):
            kol = get_column_letter(j)
            c = ws.cell(row=sista + 1, column=j, value=f"=SUM({kol}{forsta + 1}:{kol}{sista})")
            c.number_format = FORMAT_KR
            c.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=forsta + 1, column=3)
        ws.auto_filter.ref = f"A{forsta}:{get_column_letter(len(ar) + 2)}{sista}"
        ws.column_dimensions["B"].width = 16
        for j in range(3, len(ar) + 3):
            ws.column_dimensions[get_column_letter(j)].width = 13
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    for namn, df in (("Alla rader", per_kommun), ("Per år", per_ar)):
        ws = wb.create_sheet(namn)
        for j, kol in enumerate(df.columns, start=1):
            ws.cell(row=1, column=j, value=kol)
        _styla_rubrik(ws, 1, len(df.columns))
        kr = {"fast_kostnad", "rorlig_kostnad", "pott_tillbaka", "netto", "fast_total", "region_del",
              "kommunernas_del", "pott"}  # fmt: skip
        for i, rad in enumerate(df.itertuples(index=False), start=2):
            for j, (kol, v) in enumerate(zip(df.columns, rad, strict=True), start=1):
                c = ws.cell(row=i, column=j, value=v.item() if hasattr(v, "item") else v)
                if kol in kr:
                    c.number_format = FORMAT_KR
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"

    ws = wb.create_sheet("Källor och antaganden")
    ws["A1"], ws["B1"] = "Uppgift", "Värde"
    _styla_rubrik(ws, 1, 2)
    rader = [("Antaganden", k) for k in kallor]
    rader += [(f"Scenario {s}", b) for s, b in beskrivningar.items() if s in set(per_kommun["scenario"])]
    rader += [
        ("Program", f"analys {__version__}"),
        ("Skapad", datetime.now().astimezone().isoformat("T", "seconds")),
    ]
    for i, (a, b) in enumerate(rader, start=2):
        ws.cell(row=i, column=1, value=a)
        ws.cell(row=i, column=2, value=b)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 110
    wb.properties.title = "Scenarier för kostnaderna för Yrkesresan och BBIC"
    wb.properties.creator = f"analys {__version__}"
    write_atomic(Path(path), lambda p: wb.save(p))
