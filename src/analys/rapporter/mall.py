"""Excelmallen som planeraren fyller i: aktivitet, utfall och skickade fakturor, med länets
kommuner förifyllda och datavalidering på talkolumnerna."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import KOSTNADSPOSTER, Avtal
from analys.filer import write_atomic
from analys.indata.underlag import BLADNAMN, MALLRUBRIKER
from analys.rapporter.excel import BLA, FORMAT_DATUM, FORMAT_HELTAL, FORMAT_KR
from analys.rapporter.rubriker import POSTNAMN

RADER = 400  # rader med validering per blad


def write_mall(avtal: Avtal, kommuner: pd.DataFrame, path: Path) -> None:
    """Skriv en tom, formaterad mall för avtalets län och år (atomiskt), med XlsxWriter:
    svenska rubriker, länets kommuner förifyllda, datavalidering och en summering med formler
    (sparade värden 0, så att en tom mall visar nollor även innan den räknats om)."""
    import xlsxwriter

    from analys import __version__

    poster = [POSTNAMN[p] for p in KOSTNADSPOSTER]

    def skriv_bok(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False})
        fet = wb.add_format({"bold": True, "bg_color": BLA, "bottom": 1})
        rubrikformat = wb.add_format({"bold": True, "font_size": 13})
        heltal = wb.add_format({"num_format": FORMAT_HELTAL})
        kr = wb.add_format({"num_format": FORMAT_KR})
        datumformat = wb.add_format({"num_format": FORMAT_DATUM})
        text_format = wb.add_format({"num_format": "@"})

        info = wb.add_worksheet("Instruktioner")
        rader = [
            f"Underlag för uppföljning: {avtal.namn}",
            "",
            "Fyll i bladen Aktivitet, Utfall och Fakturor. Ändra inte rubrikraderna (rad 1).",
            "Mallen får vara delvis ifylld: en rad utan dagar eller utan belopp betyder att inget är rapporterat än.",
            "Aktivitet: en rad per kommun och år (och gärna per yrkesresa): deltagar- och utbildardagar, hela dagar.",
            f"Utfall: faktiska kostnader per år och kostnadspost ({', '.join(poster)}), hela kronor.",
            "Fakturor: fakturor som redan skickats till kommunerna (datum ÅÅÅÅ-MM-DD, belopp i hela kronor, en "
            "kreditfaktura med minus); analys faktura --bokfor för in dem.",
            "Bladet Summering räknar summorna med formler.",
            "",
            f"Läs in: analys faktura --avtal {avtal.ar} --underlag DENNA_FIL.xlsx, eller uppföljningsrapporten.",
            f"Skapad av analys {__version__}.",
        ]
        for i, rad in enumerate(rader):
            info.write_string(i, 0, rad, rubrikformat if i == 0 else None)
        info.set_column(0, 0, 110)

        validering = {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "ignore_blank": True,
            "error_title": "Ogiltigt värde",
            "error_message": "Ange ett heltal som är 0 eller större.",
        }
        for blad, rubriker in MALLRUBRIKER.items():
            ws = wb.add_worksheet(BLADNAMN[blad])
            for j, r in enumerate(rubriker):
                ws.write_string(0, j, r, fet)
                ws.set_column(j, j, max(14, len(r) + 4))
            ws.freeze_panes(1, 0)
            if blad == "aktivitet":
                for i, r in enumerate(kommuner.itertuples(), start=1):
                    ws.write_string(i, 0, r.kommunkod)
                    ws.write_string(i, 1, r.kommun)
                    ws.write_number(i, 2, avtal.ar)
                ws.set_column(0, 0, 12, text_format)
                ws.set_column(1, 1, 18)
                ws.set_column(4, 5, 15, heltal)
                ws.data_validation(1, 2, RADER - 1, 2, validering)
                ws.data_validation(1, 4, RADER - 1, 5, validering)
            elif blad == "utfall":
                for i, post in enumerate(poster, start=1):
                    ws.write_number(i, 0, avtal.ar)
                    ws.write_string(i, 1, post)
                ws.set_column(1, 1, 38)
                ws.set_column(2, 2, 16, kr)
                ws.set_column(3, 3, 40)
                ws.data_validation(1, 0, RADER - 1, 0, validering)
                ws.data_validation(1, 2, RADER - 1, 2, validering)
                ws.data_validation(
                    1,
                    1,
                    RADER - 1,
                    1,
                    {"validate": "list", "source": poster, "error_message": "Välj en kostnadspost ur listan."},
                )
            else:
                ws.set_column(0, 0, 12, text_format)
                ws.set_column(1, 1, 18)
                ws.set_column(2, 2, 14, datumformat)
                ws.set_column(3, 3, 16, kr)
                ws.set_column(4, 4, 50)
                kredit = {**validering, "criteria": "between", "minimum": -(10**12), "maximum": 10**12}
                kredit["error_message"] = "Ange hela kronor; en kreditfaktura skrivs med minus."
                ws.data_validation(1, 3, RADER - 1, 3, {k: v for k, v in kredit.items() if k != "value"})
                ws.data_validation(
                    1,
                    2,
                    RADER - 1,
                    2,
                    {
                        "validate": "date",
                        "criteria": ">",
                        "value": date(2000, 1, 1),
                        "ignore_blank": True,
                        "error_message": "Ange ett datum (ÅÅÅÅ-MM-DD).",
                    },
                )
        summa = wb.add_worksheet("Summering")
        summa.write_string(0, 0, "Uppgift", fet)
        summa.write_string(0, 1, "Summa", fet)
        avgift = avtal.rorliga_kostnader.avgift_per_deltagardag if avtal.rorliga_kostnader else 0
        formler = [
            ("Deltagardagar", f"=SUM(Aktivitet!E2:E{RADER})", heltal),
            ("Utbildardagar", f"=SUM(Aktivitet!F2:F{RADER})", heltal),
            ("Kursavgifter", f"=SUM(Aktivitet!E2:E{RADER})*{avgift}", kr),
            ("Utfall", f"=SUM(Utfall!C2:C{RADER})", kr),
            ("Fakturerat", f"=SUM(Fakturor!D2:D{RADER})", kr),
        ]
        for i, (namn, formel, fmt) in enumerate(formler, start=1):
            summa.write_string(i, 0, namn)
            summa.write_formula(i, 1, formel, fmt, 0)
        summa.set_column(0, 0, 20)
        summa.set_column(1, 1, 18)
        wb.set_properties({"title": f"Underlag för uppföljning {avtal.ar}", "author": f"analys {__version__}"})
        wb.close()

    write_atomic(Path(path), skriv_bok)
