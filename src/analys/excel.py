"""Excelarbetsböcker (openpyxl) att skicka vidare: formaterade, med summarad och källor.

Talformat lagras i Excels språkoberoende kod (``#,##0 "kr"``, ``0.00%``); svensk Excel och
LibreOffice visar dem som ``1 030 000 kr`` och ``7,94 %``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analys.io import write_atomic
from analys.utdata import Fordelningsinfo

FORMAT_KR = '#,##0 "kr"'
FORMAT_HELTAL = "#,##0"
FORMAT_PROCENT = "0.00%"


def _styla_rubrik(ws, rad: int, antal: int) -> None:
    from openpyxl.styles import Border, Font, PatternFill, Side

    for kol in range(1, antal + 1):
        c = ws.cell(row=rad, column=kol)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDE6F0")
        c.border = Border(bottom=Side(style="thin"))


def write_fordelning_xlsx(df: pd.DataFrame, info: Fordelningsinfo, path: Path) -> None:
    """Skriv en fördelning som arbetsbok (atomiskt): bladet "Fördelning" och "Källor och antaganden"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Fördelning"
    ws["A1"] = f"Fördelning av {info.belopp:,} kr".replace(",", " ")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = info.avtal or f"{info.befolkning.lan}, nyckel: {info.nyckel.text()}"
    ws["A3"] = f"Befolkning per {info.befolkning.datum.isoformat()} (SCB, {info.befolkning.scb_tabell})"
    forsta = 5
    rubriker = ["Kommunkod", "Kommun", "Folkmängd", "Andel", "Belopp"]
    for i, r in enumerate(rubriker, start=1):
        ws.cell(row=forsta, column=i, value=r)
    _styla_rubrik(ws, forsta, len(rubriker))

    data = df.sort_values("kommunkod", ignore_index=True)
    sista = forsta + len(data)
    summarad = sista + 1
    for i, r in enumerate(data.itertuples(index=False), start=forsta + 1):
        ws.cell(row=i, column=1, value=r.kommunkod)
        ws.cell(row=i, column=2, value=r.kommun)
        ws.cell(row=i, column=3, value=int(r.folkmangd)).number_format = FORMAT_HELTAL
        if info.nyckel.nyckel == "befolkning":
            # Andelen som levande formel: kommunens folkmängd delad med summan.
            andel = f"=C{i}/C${summarad}"
        else:
            andel = float(r.andel)
        ws.cell(row=i, column=4, value=andel).number_format = FORMAT_PROCENT
        ws.cell(row=i, column=5, value=int(r.belopp)).number_format = FORMAT_KR

    ws.cell(row=summarad, column=2, value="Summa")
    ws.cell(row=summarad, column=3, value=f"=SUM(C{forsta + 1}:C{sista})").number_format = FORMAT_HELTAL
    ws.cell(row=summarad, column=4, value=f"=SUM(D{forsta + 1}:D{sista})").number_format = FORMAT_PROCENT
    ws.cell(row=summarad, column=5, value=f"=SUM(E{forsta + 1}:E{sista})").number_format = FORMAT_KR
    for kol in range(1, 6):
        c = ws.cell(row=summarad, column=kol)
        c.font = Font(bold=True)
        c.border = Border(top=Side(style="thin"))

    ws.freeze_panes = ws.cell(row=forsta + 1, column=1)
    ws.auto_filter.ref = f"A{forsta}:E{sista}"
    for kol, bredd in zip("ABCDE", (12, 18, 14, 11, 16), strict=True):
        ws.column_dimensions[kol].width = bredd
    for kol in (3, 4, 5):
        ws.cell(row=forsta, column=kol).alignment = Alignment(horizontal="right")
    notrad = summarad + 2
    ws.cell(row=notrad, column=1, value=(
        "Beloppen är avrundade till hela kronor med största-restmetoden och summerar exakt."
    ))  # fmt: skip
    ws.cell(row=notrad + 1, column=1, value="Källor och parametrar: se bladet Källor och antaganden.")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{forsta}:{forsta}"

    kallor = wb.create_sheet("Källor och antaganden")
    kallor["A1"], kallor["B1"] = "Uppgift", "Värde"
    _styla_rubrik(kallor, 1, 2)
    for i, (rubrik, text) in enumerate(info.rader(), start=2):
        kallor.cell(row=i, column=1, value=rubrik)
        kallor.cell(row=i, column=2, value=text)
    kallor.column_dimensions["A"].width = 30
    kallor.column_dimensions["B"].width = 100

    wb.properties.title = ws["A1"].value
    wb.properties.creator = f"analys {info.version}"
    write_atomic(Path(path), lambda p: wb.save(p))
