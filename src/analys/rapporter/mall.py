"""Excelmallen som planeraren fyller i: aktivitet, utfall och skickade fakturor, med länets
kommuner förifyllda och datavalidering på talkolumnerna."""

from __future__ import annotations

from pathlib import Path

from analys.begrepp import KOSTNADSPOSTER, Avtal
from analys.fel import AnalysError
from analys.indata.avtal import load_avtal
from analys.indata.befolkning import load_befolkning
from analys.indata.underlag import BLADNAMN, KOLUMNER
from analys.rapporter.filer import check_writable, write_atomic

RADER = 400  # rader med validering per blad


def write_mall(avtal: Avtal, path: Path) -> None:
    """Skriv en tom, formaterad mall för avtalets län och år (atomiskt)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from analys import __version__

    kommuner = load_befolkning(avtal.lan, avtal.befolkningsdatum)
    wb = Workbook()
    info = wb.active
    info.title = "Instruktioner"
    text = [
        f"Underlag för uppföljning: {avtal.namn}",
        "",
        "Fyll i bladen Aktivitet, Utfall och Fakturor. Ändra inte rubrikraderna (rad 1).",
        "Aktivitet: en rad per kommun och år (och gärna per yrkesresa): deltagardagar och utbildardagar, hela dagar.",
        f"Utfall: faktiska kostnader per år och kostnadspost ({', '.join(KOSTNADSPOSTER)}), hela kronor.",
        "Fakturor: fakturor som redan skickats till kommunerna (datum ÅÅÅÅ-MM-DD, belopp i hela kronor).",
        "Bladet Summering räknar summorna med formler.",
        "",
        f"Läs in: analys faktura --avtal {avtal.ar} --underlag DENNA_FIL.xlsx, eller uppföljningsrapporten.",
        f"Skapad av analys {__version__}.",
    ]
    for i, rad in enumerate(text, start=1):
        info.cell(row=i, column=1, value=rad)
    info["A1"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 110

    rubrikfyllning = PatternFill("solid", fgColor="DDE6F0")
    for blad, kolumner in KOLUMNER.items():
        ws = wb.create_sheet(BLADNAMN[blad])
        for j, k in enumerate(kolumner, start=1):
            c = ws.cell(row=1, column=j, value=k)
            c.font = Font(bold=True)
            c.fill = rubrikfyllning
            ws.column_dimensions[c.column_letter].width = max(14, len(k) + 4)
        ws.freeze_panes = "A2"
        v = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Ogiltigt värde",
            error="Ange ett heltal som är 0 eller större.",
        )
        ws.add_data_validation(v)
        if blad == "aktivitet":
            for i, r in enumerate(kommuner.itertuples(), start=2):
                ws.cell(row=i, column=1, value=r.kommunkod)
                ws.cell(row=i, column=2, value=r.kommun)
                ws.cell(row=i, column=3, value=avtal.ar)
            v.add(f"C2:C{RADER}")
            v.add(f"E2:F{RADER}")
            ws.column_dimensions["B"].width = 18
        elif blad == "utfall":
            for i, post in enumerate(KOSTNADSPOSTER, start=2):
                ws.cell(row=i, column=1, value=avtal.ar)
                ws.cell(row=i, column=2, value=post)
            v.add(f"A2:A{RADER}")
            v.add(f"C2:C{RADER}")
            lista = DataValidation(
                type="list",
                formula1=f'"{",".join(KOSTNADSPOSTER)}"',
                allow_blank=True,
                showErrorMessage=True,
                error="Välj en kostnadspost ur listan.",
            )
            ws.add_data_validation(lista)
            lista.add(f"B2:B{RADER}")
            ws.column_dimensions["D"].width = 40
        else:
            v.add(f"D2:D{RADER}")
            datum = DataValidation(
                type="date",
                operator="greaterThan",
                formula1="36526",
                allow_blank=True,
                showErrorMessage=True,
                error="Ange ett datum (ÅÅÅÅ-MM-DD).",
            )
            ws.add_data_validation(datum)
            datum.add(f"C2:C{RADER}")
            ws.column_dimensions["E"].width = 50
    summa = wb.create_sheet("Summering")
    summa["A1"], summa["B1"] = "Uppgift", "Summa"
    for c in (summa["A1"], summa["B1"]):
        c.font = Font(bold=True)
        c.fill = rubrikfyllning
    rader = [
        ("Deltagardagar", f"=SUM(Aktivitet!E2:E{RADER})", "#,##0"),
        ("Utbildardagar", f"=SUM(Aktivitet!F2:F{RADER})", "#,##0"),
        (
            "Kursavgifter",
            f"=SUM(Aktivitet!E2:E{RADER})*{avtal.rorliga_kostnader.avgift_per_deltagardag}"
            if avtal.rorliga_kostnader
            else "=0",
            '#,##0 "kr"',
        ),
        ("Utfall", f"=SUM(Utfall!C2:C{RADER})", '#,##0 "kr"'),
        ("Fakturerat", f"=SUM(Fakturor!D2:D{RADER})", '#,##0 "kr"'),
    ]
    for i, (namn, formel, fmt) in enumerate(rader, start=2):
        summa.cell(row=i, column=1, value=namn)
        summa.cell(row=i, column=2, value=formel).number_format = fmt
    summa.column_dimensions["A"].width = 20
    summa.column_dimensions["B"].width = 18
    wb.properties.title = f"Underlag för uppföljning {avtal.ar}"
    wb.properties.creator = f"analys {__version__}"
    write_atomic(Path(path), lambda p: wb.save(p))


def skriv(avtal: str, ut: Path, skriv_over: bool = False) -> None:
    """`analys mall`: kontrollera filnamnet, läs avtalet och skriv mallen."""
    if ut.suffix.lower() != ".xlsx":
        raise AnalysError(f"Mallen skrivs som Excelarbetsbok: ge filen ändelsen .xlsx (fick {ut.name}).")
    check_writable(ut, skriv_over, [avtal if Path(avtal).suffix in (".yaml", ".yml") else None])
    a, _ = load_avtal(avtal)
    write_mall(a, ut)
