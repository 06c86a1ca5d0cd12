"""Excelarbetsböcker (openpyxl) att skicka vidare: ett blad per tabell, svenska talformat,
fet rubrikrad som står kvar vid rullning, autofilter, summarad och andel som levande formler,
utskrift liggande anpassad till sidbredd, och ett blad "Källor och antaganden".

Talformat lagras i Excels språkoberoende kod (``#,##0 "kr"``, ``0.00%``); svensk Excel och
LibreOffice visar dem som ``1 030 000 kr`` och ``7,94 %``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analys.rapporter.filer import write_atomic

FORMAT_KR = '#,##0 "kr"'
FORMAT_HELTAL = "#,##0"
FORMAT_PROCENT = "0.00%"
FORMAT_DECIMAL = "0.00"
RUBRIKRAD = 5  # rad 1–3: titel, undertitel, not; rad 5: kolumnrubriker


@dataclass(frozen=True)
class Blad:
    """Ett blad: en tabell med format per kolumn.

    `andel` = (andelskolumn, talkolumn): andelen skrivs som formeln tal / summan av tal.
    `summarad`: en rad "Summa" med SUM-formler under kolumnerna i `summera`.
    """

    namn: str
    titel: str
    df: pd.DataFrame
    undertitel: str = ""
    not_text: str = ""
    kr: Sequence[str] = ()
    procent: Sequence[str] = ()
    heltal: Sequence[str] = ()
    decimal: Sequence[str] = ()
    summera: Sequence[str] = ()
    andel: tuple[str, str] | None = None
    bredder: dict[str, float] = field(default_factory=dict)


def _styla_rubrik(ws, rad: int, antal: int) -> None:
    from openpyxl.styles import Border, Font, PatternFill, Side

    for kol in range(1, antal + 1):
        c = ws.cell(row=rad, column=kol)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDE6F0")
        c.border = Border(bottom=Side(style="thin"))


def _skriv_blad(wb, blad: Blad) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(blad.namn[:31])
    ws["A1"] = blad.titel
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = blad.undertitel
    ws["A3"] = blad.not_text
    kolumner = [str(k) for k in blad.df.columns]
    bokstav = {k: get_column_letter(i) for i, k in enumerate(kolumner, start=1)}
    forsta, sista = RUBRIKRAD + 1, RUBRIKRAD + len(blad.df)
    summarad = sista + 1 if blad.summera else None
    format_for = {
        **dict.fromkeys(blad.kr, FORMAT_KR),
        **dict.fromkeys(blad.procent, FORMAT_PROCENT),
        **dict.fromkeys(blad.heltal, FORMAT_HELTAL),
        **dict.fromkeys(blad.decimal, FORMAT_DECIMAL),
    }
    for j, k in enumerate(kolumner, start=1):
        c = ws.cell(row=RUBRIKRAD, column=j, value=k)
        if k in format_for:
            c.alignment = Alignment(horizontal="right")
    _styla_rubrik(ws, RUBRIKRAD, len(kolumner))
    for i, rad in enumerate(blad.df.itertuples(index=False), start=forsta):
        for j, (k, v) in enumerate(zip(kolumner, rad, strict=True), start=1):
            if blad.andel and k == blad.andel[0] and summarad:
                tal = bokstav[blad.andel[1]]
                v = f"={tal}{i}/{tal}${summarad}"
            elif hasattr(v, "item"):
                v = v.item()
            c = ws.cell(row=i, column=j, value=v)
            if k in format_for:
                c.number_format = format_for[k]
    if summarad:
        ws.cell(row=summarad, column=min(2, len(kolumner)), value="Summa")
        for k in blad.summera:
            b = bokstav[k]
            c = ws.cell(row=summarad, column=kolumner.index(k) + 1, value=f"=SUM({b}{forsta}:{b}{sista})")
            c.number_format = format_for.get(k, "General")
        for j in range(1, len(kolumner) + 1):
            c = ws.cell(row=summarad, column=j)
            c.font = Font(bold=True)
            c.border = Border(top=Side(style="thin"))
    ws.freeze_panes = ws.cell(row=forsta, column=1)
    ws.auto_filter.ref = f"A{RUBRIKRAD}:{get_column_letter(len(kolumner))}{max(sista, RUBRIKRAD)}"
    for k in kolumner:
        langst = max([len(k), *(len(str(v)) for v in blad.df[k].head(200))]) if len(blad.df) else len(k)
        ws.column_dimensions[bokstav[k]].width = blad.bredder.get(k, min(max(langst + 4, 10), 60))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{RUBRIKRAD}:{RUBRIKRAD}"


def write_workbook(blad: Sequence[Blad], kallor: Sequence[tuple[str, str]], path: Path, titel: str) -> None:
    """Skriv en arbetsbok atomiskt: bladen i ordning, sist "Källor och antaganden"."""
    from openpyxl import Workbook

    from analys import __version__

    wb = Workbook()
    wb.remove(wb.active)
    for b in blad:
        _skriv_blad(wb, b)
    ws = wb.create_sheet("Källor och antaganden")
    ws["A1"], ws["B1"] = "Uppgift", "Värde"
    _styla_rubrik(ws, 1, 2)
    for i, (rubrik, text) in enumerate(kallor, start=2):
        ws.cell(row=i, column=1, value=rubrik)
        ws.cell(row=i, column=2, value=text)
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 110
    ws.page_setup.orientation = "landscape"
    wb.properties.title = titel
    wb.properties.creator = f"analys {__version__}"
    write_atomic(Path(path), lambda p: wb.save(p))
