"""Excelarbetsböcker att skicka vidare (XlsxWriter): ett blad per tabell med svenska rubriker,
summarader och andelar som formler med sparade värden, kolumner breda nog för summorna,
utskrift på A4 med sidhuvud och "Sida x av y", och ett källblad på vanlig svenska.

Talformat lagras i Excels språkoberoende kod (``#,##0 "kr"``, ``0.00%``); svensk Excel och
LibreOffice visar dem som ``1 030 000 kr`` och ``7,94 %``. Varje formel sparas med sitt värde,
så att förhandsvisningar i e-post och mobil visar talen utan att räkna om.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analys.filer import write_atomic
from analys.rapporter.format import format_datum, format_kr, format_procent, format_tal
from analys.rapporter.tabeller import FORSLAG, PAHITTAT

FORMAT_KR = '#,##0 "kr"'
FORMAT_HELTAL = "#,##0"
FORMAT_PROCENT = "0.00%"
FORMAT_DECIMAL = "0.00"
FORMAT_DATUM = "yyyy-mm-dd"
FORMAT_AR = "0"  # 2024, inte 2 024
BLA = "#DDE6F0"


@dataclass(frozen=True)
class Linjediagram:
    """Ett linjediagram i Excel över bladets tabell: en linje per kolumn i `serier`, x = `x`."""

    titel: str
    x: str
    serier: Sequence[str]
    y_titel: str = "kr"


@dataclass(frozen=True)
class Blad:
    """Ett blad: en tabell med svenska kolumnrubriker och format per kolumn.

    `andel` = (andelskolumn, talkolumn): andelen skrivs som formeln tal / summan av tal.
    `summera`: en rad "Summa" (eller `summaetikett`) med SUM-formler under kolumnerna i `summera`;
    bara för kolumner med ett slag av tal, eller med en etikett som säger blandningen.
    `ar`: årtal, utan tusentalsavgränsare (2024, inte 2 024).
    `text`: kolumner som alltid är text (t.ex. Kommunkod, så att 2080 inte blir 2 080).
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
    datum: Sequence[str] = ()
    ar: Sequence[str] = ("År",)
    text: Sequence[str] = ("Kommunkod",)
    summera: Sequence[str] = ()
    summaetikett: str = "Summa"  # t.ex. "Resultat (avtal + utfall)" när summan blandar slag
    andel: tuple[str, str] | None = None
    bredder: dict[str, float] = field(default_factory=dict)
    diagram: Linjediagram | None = None


@dataclass(frozen=True)
class Kallor:
    """Källorna till en utdata: först det en läsare behöver (på vanlig svenska), sedan den tekniska
    spårbarheten (filer med SHA-256, parametrar, programversion, tidpunkt) i ett eget block."""

    vanliga: tuple[tuple[str, str], ...]
    tekniska: tuple[tuple[str, str], ...] = ()


def _bladnamn(namn: str, tagna: set[str]) -> str:
    ren = re.sub(r"[\[\]:*?/\\]", "-", namn).strip("'")[:31] or "Blad"
    kandidat, n = ren, 2
    while kandidat.lower() in tagna:
        kandidat = f"{ren[:28]} {n}"
        n += 1
    tagna.add(kandidat.lower())
    return kandidat


def _liten(text: str) -> str:
    """Sidhuvudstext i 8 punkter. Koden &8 läser alla siffror som följer som storleken, så en text
    som börjar med en siffra ("2024–2030") skulle annars tappa dem: ett mellanslag skiljer."""
    t = _sidtext(text)
    return f"&8 {t}" if t[:1].isdigit() else f"&8{t}"


def _sidtext(text: str) -> str:
    """Text i sidhuvud/sidfot: & betyder kod i Excel och skrivs &&."""
    return text.replace("&", "&&")[:200]


def _python(v):
    if hasattr(v, "item") and not isinstance(v, str):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if v is pd.NaT:
        return None
    return v


def _visad(v, kolumn: str, blad: Blad) -> str:
    """Texten som cellen visar, för att räkna ut kolumnbredden."""
    if v is None:
        return ""
    if kolumn in blad.kr and isinstance(v, int | float):
        return format_kr(round(v))
    if kolumn in blad.procent and isinstance(v, int | float):
        return format_procent(float(v))
    if kolumn in blad.heltal and isinstance(v, int | float):
        return format_tal(round(v))
    if kolumn in blad.decimal and isinstance(v, int | float):
        return format_tal(float(v), 2)
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


class _Format:
    def __init__(self, wb) -> None:
        self.wb = wb
        self._cache: dict[tuple, object] = {}

    def __call__(self, **egenskaper):
        nyckel = tuple(sorted(egenskaper.items()))
        if nyckel not in self._cache:
            self._cache[nyckel] = self.wb.add_format(egenskaper)
        return self._cache[nyckel]


def _talformat(kolumn: str, blad: Blad) -> str | None:
    if kolumn in blad.kr:
        return FORMAT_KR
    if kolumn in blad.procent:
        return FORMAT_PROCENT
    if kolumn in blad.heltal:
        return FORMAT_HELTAL
    if kolumn in blad.decimal:
        return FORMAT_DECIMAL
    if kolumn in blad.datum:
        return FORMAT_DATUM
    if kolumn in blad.ar:
        return FORMAT_AR
    return None


def _markning(ws, f: _Format, markning: str) -> int:
    """Påhittat exempel eller förslag: märkningen överst på bladet. Ger raden där bladets innehåll börjar."""
    if not markning:
        return 0
    ws.write_string(0, 0, markning, f(bold=True, font_color="#B00020", font_size=13))
    return 1


def _utskrift(ws, titel: str, hoger: str, markning: str, rubrikrad: int, liggande: bool) -> None:
    """A4 en sida bred, rubrikraden på varje sida, sidhuvud med titel (och märkning) och "Sida x av y"."""
    ws.set_paper(9)  # A4
    if liggande:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(rubrikrad)
    ws.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.7)
    huvud = f"{markning} – {titel}" if markning else titel
    ws.set_header(f"&L{_liten(huvud)}&R{_liten(hoger)}")
    ws.set_footer("&C&8Sida &P av &N")


def _rubrikrad(ws, f: _Format, blad: Blad, kolumner: list[str], rubrikrad: int) -> None:
    for j, k in enumerate(kolumner):
        tal = _talformat(k, blad) not in (None, FORMAT_DATUM, FORMAT_AR)  # år och datum är etiketter
        ws.write_string(
            rubrikrad,
            j,
            k,
            f(bold=True, bg_color=BLA, bottom=1, text_wrap=True, valign="bottom", align="right" if tal else "left"),
        )


def _cell(ws, f: _Format, r: int, j: int, v, k: str, blad: Blad) -> None:
    """En cell med kolumnens format: tom, text, datum, ja/nej eller tal."""
    fmt = _talformat(k, blad)
    # Ett årtal är en etikett som ett datum: vänsterställt, inte i talens högerkant bredvid texten.
    cellformat = (f(num_format=fmt, align="left") if fmt == FORMAT_AR else f(num_format=fmt)) if fmt else None
    if v is None:
        ws.write_blank(r, j, None, cellformat)
    elif k in blad.text or isinstance(v, str):
        ws.write_string(r, j, str(v))
    elif isinstance(v, datetime | date):
        d = v if isinstance(v, datetime) else datetime(v.year, v.month, v.day)
        ws.write_datetime(r, j, d, f(num_format=FORMAT_DATUM))
    elif isinstance(v, bool):
        ws.write_string(r, j, "ja" if v else "nej")
    else:
        ws.write_number(r, j, v, cellformat)


def _datarader(ws, f: _Format, blad: Blad, kolumner, varden, summor, forsta: int, summarad, bredd) -> None:
    from xlsxwriter.utility import xl_col_to_name

    for i in range(len(blad.df)):
        r = forsta + i
        for j, k in enumerate(kolumner):
            v = varden[k][i]
            if blad.andel and k == blad.andel[0] and summarad is not None:
                fmt = _talformat(k, blad)
                talkol = xl_col_to_name(kolumner.index(blad.andel[1]))
                taljare = varden[blad.andel[1]][i] or 0
                namnare = summor.get(blad.andel[1]) or 0
                ws.write_formula(r, j, f"={talkol}{r + 1}/{talkol}${summarad + 1}", f(num_format=fmt) if fmt else None,
                                 taljare / namnare if namnare else 0)  # fmt: skip
                bredd[k] = max(bredd[k], len(format_procent(taljare / namnare if namnare else 0)))
                continue
            _cell(ws, f, r, j, v, k, blad)
            bredd[k] = max(bredd[k], len(_visad(v, k, blad)))


def _summarad(ws, f: _Format, blad: Blad, kolumner, summor, forsta: int, sista: int, summarad: int, bredd) -> None:
    from xlsxwriter.utility import xl_col_to_name

    fet = {"bold": True, "top": 1}
    if "Kommun" in kolumner:
        etikettkol = kolumner.index("Kommun")
    else:
        etikettkol = next((j for j, k in enumerate(kolumner) if k not in blad.summera and k not in blad.kr), 0)
    for j, k in enumerate(kolumner):
        fmt = _talformat(k, blad)
        if k in blad.summera:
            b = xl_col_to_name(j)
            v = 1.0 if blad.andel and k == blad.andel[0] else summor.get(k, 0)
            ws.write_formula(summarad, j, f"=SUM({b}{forsta + 1}:{b}{sista + 1})",
                             f(num_format=fmt or "General", **fet), v)  # fmt: skip
            bredd[k] = max(bredd[k], len(_visad(v, k, blad)))
        elif j == etikettkol:
            ws.write_string(summarad, j, blad.summaetikett, f(**fet))
        else:
            ws.write_blank(summarad, j, None, f(**fet))


def _linjediagram(wb, ws, d: Linjediagram, kolumner: list[str], rubrikrad: int, forsta: int, sista: int, rad: int):
    from xlsxwriter.utility import xl_rowcol_to_cell

    chart = wb.add_chart({"type": "line"})
    xkol = kolumner.index(d.x)
    arknamn = ws.get_name().replace("'", "''")
    for s in d.serier:
        j = kolumner.index(s)
        chart.add_series(
            {
                "name": [ws.get_name(), rubrikrad, j],
                "categories": f"='{arknamn}'!{xl_rowcol_to_cell(forsta, xkol, True, True)}:"
                f"{xl_rowcol_to_cell(sista, xkol, True, True)}",
                "values": f"='{arknamn}'!{xl_rowcol_to_cell(forsta, j, True, True)}:"
                f"{xl_rowcol_to_cell(sista, j, True, True)}",
                "marker": {"type": "circle", "size": 5},
            }
        )
    chart.set_title({"name": d.titel, "name_font": {"size": 12}})
    chart.set_y_axis({"num_format": FORMAT_KR, "min": 0, "name": d.y_titel})
    chart.set_x_axis({"name": d.x})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 380})
    ws.insert_chart(rad, 0, chart)


def _skriv_blad(wb, f: _Format, blad: Blad, titel: str, referens: str, markning: str, tagna: set[str]) -> None:
    ws = wb.add_worksheet(_bladnamn(blad.namn, tagna))
    rad = _markning(ws, f, markning)
    ws.write_string(rad, 0, blad.titel, f(bold=True, font_size=14))
    if blad.undertitel:
        ws.write_string(rad + 1, 0, blad.undertitel)
    if blad.not_text:
        ws.write_string(rad + 2, 0, blad.not_text, f(italic=True))
    rubrikrad = rad + 4
    kolumner = [str(k) for k in blad.df.columns]
    forsta, sista = rubrikrad + 1, rubrikrad + len(blad.df)
    summarad = sista + 1 if blad.summera else None
    bredd = {k: len(k) for k in kolumner}
    _rubrikrad(ws, f, blad, kolumner, rubrikrad)

    varden = {k: [_python(v) for v in blad.df[k]] for k in kolumner}
    summor = {
        k: sum(v for v in varden[k] if isinstance(v, int | float) and not isinstance(v, bool)) for k in blad.summera
    }
    _datarader(ws, f, blad, kolumner, varden, summor, forsta, summarad, bredd)
    if summarad is not None:
        _summarad(ws, f, blad, kolumner, summor, forsta, sista, summarad, bredd)

    for j, k in enumerate(kolumner):
        ws.set_column(j, j, blad.bredder.get(k, min(max(bredd[k] + 3, 9), 70)))
    ws.set_row(rubrikrad, 32 if any(len(k) > 14 for k in kolumner) else None)
    ws.freeze_panes(forsta, 0)
    if len(blad.df):
        ws.autofilter(rubrikrad, 0, sista, len(kolumner) - 1)

    total_bredd = sum(blad.bredder.get(k, min(max(bredd[k] + 3, 9), 70)) for k in kolumner)
    _utskrift(ws, titel, referens, markning, rubrikrad, liggande=total_bredd > 95)
    if blad.diagram is not None and len(blad.df):
        _linjediagram(wb, ws, blad.diagram, kolumner, rubrikrad, forsta, sista, (summarad or sista) + 3)


def _skriv_kallor(wb, f: _Format, kallor: Kallor, titel: str, markning: str, tagna: set[str]) -> None:
    ws = wb.add_worksheet(_bladnamn("Källor", tagna))
    rad = _markning(ws, f, markning)
    ws.write_string(rad, 0, "Källor och antaganden", f(bold=True, font_size=14))
    rad += 2
    ws.write_string(rad, 0, "Uppgift", f(bold=True, bg_color=BLA, bottom=1))
    ws.write_string(rad, 1, "Källa", f(bold=True, bg_color=BLA, bottom=1))
    rubrik = rad
    wrap = f(text_wrap=True, valign="top")
    for rubrik_text, text in kallor.vanliga:
        rad += 1
        ws.write_string(rad, 0, rubrik_text, f(bold=True, valign="top"))
        ws.write_string(rad, 1, str(text), wrap)
    if kallor.tekniska:
        rad += 3
        ws.write_string(rad, 0, "Teknisk spårbarhet", f(bold=True, font_size=12))
        rad += 1
        ws.write_string(
            rad,
            0,
            "För den som vill kontrollera exakt vilka filer och vilken programversion som användes.",
            f(italic=True),
        )
        liten = f(text_wrap=True, valign="top", font_size=9, font_color="#444444")
        for rubrik_text, text in kallor.tekniska:
            rad += 1
            ws.write_string(rad, 0, rubrik_text, f(valign="top", font_size=9, font_color="#444444"))
            ws.write_string(rad, 1, str(text), liten)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 95)
    _utskrift(ws, titel, "Källor", markning, rubrik, liggande=False)


def write_workbook(
    blad: Sequence[Blad],
    kallor: Kallor | Sequence[tuple[str, str]],
    path: Path,
    titel: str,
    referens: str = "",
    pahittat: bool = False,
    forslag: bool = False,
) -> None:
    """Skriv en arbetsbok atomiskt: bladen i ordning, sist "Källor".

    `referens` står till höger i varje sidhuvud (t.ex. "Folkmängd 30 juni 2023"); med `pahittat`
    står "PÅHITTAT EXEMPEL – inte verkliga siffror" överst på varje blad och i varje sidhuvud, och
    med `forslag` (ett förslag till avtal, ännu inte fastställt) "FÖRSLAG – ännu inte fastställt".
    """
    import xlsxwriter

    from analys import __version__

    if not isinstance(kallor, Kallor):
        kallor = Kallor(tuple(kallor))
    markning = " · ".join(m for m, ja in ((FORSLAG, forslag), (PAHITTAT, pahittat)) if ja)

    def skriv(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(
            str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        f = _Format(wb)
        tagna: set[str] = set()
        for b in blad:
            _skriv_blad(wb, f, b, titel, referens, markning, tagna)
        _skriv_kallor(wb, f, kallor, titel, markning, tagna)
        wb.set_properties(
            {
                "title": f"{markning}: {titel}" if markning else titel,
                "author": f"analys {__version__}",
                "comments": "Skapad av analys; formlerna har sparade värden.",
            }
        )
        wb.close()

    write_atomic(Path(path), skriv)


def referens_text(datum: date, tabell: str = "") -> str:
    """Sidhuvudets högra del: befolkningens referensdatum.

    >>> referens_text(date(2023, 6, 30))
    'Folkmängd 30 juni 2023 (SCB)'
    """
    return f"Folkmängd {format_datum(datum)} (SCB{', ' + tabell.split()[0] if tabell else ''})"
