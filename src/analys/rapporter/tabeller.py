"""Tabeller och snabba linjediagram som HTML för notebooks och HTML-rapporter (svenska talformat)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd

from analys.rapporter.format import format_kr, format_procent, format_tal

STIL = """<style>
table.analys {border-collapse: collapse; font-size: 13px; margin: 0.6em 0 1.2em 0;}
table.analys th, .jp-RenderedHTMLCommon table.analys th {background: #dde6f0; text-align: left;
  padding: 4px 10px; border-bottom: 1px solid #888; font-weight: bold;}
table.analys td, .jp-RenderedHTMLCommon table.analys td {text-align: left; padding: 3px 10px;
  border-bottom: 1px solid #e4e4e4;}
table.analys td.tal, table.analys th.tal, .jp-RenderedHTMLCommon table.analys td.tal,
.jp-RenderedHTMLCommon table.analys th.tal {text-align: right; font-variant-numeric: tabular-nums;}
table.analys tr.summa td {font-weight: bold; border-top: 1.5px solid #444;}
div.kallor {font-size: 12px; color: #333; border-top: 2px solid #1f5f8b; margin-top: 2em; padding-top: 0.5em;}
div.kallor td, .jp-RenderedHTMLCommon div.kallor td {vertical-align: top; text-align: left; padding: 1px 10px 1px 0;}
</style>"""


def _cell(v, kolumn: str, kr: Sequence[str], procent: Sequence[str], heltal: Sequence[str], decimal: Sequence[str]):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–", True
    if kolumn in kr:
        return format_kr(int(v)), True
    if kolumn in procent:
        return format_procent(float(v)), True
    if kolumn in heltal:
        return format_tal(int(v)), True
    if kolumn in decimal:
        return format_tal(float(v), 2), True
    return html.escape(str(v)), False


def html_tabell(
    df: pd.DataFrame,
    kr: Sequence[str] = (),
    procent: Sequence[str] = (),
    heltal: Sequence[str] = (),
    decimal: Sequence[str] = (),
    summa: Mapping[str, object] | None = None,
    rubriker: Mapping[str, str] | None = None,
) -> str:
    """En tabell med svenska talformat; `summa` = värden för en fet summarad (kolumn → värde)."""
    rubriker = rubriker or {}
    tal = set(kr) | set(procent) | set(heltal) | set(decimal)
    huvud = "".join(
        f'<th class="{"tal" if k in tal else ""}">{html.escape(rubriker.get(str(k), str(k)))}</th>' for k in df.columns
    )
    rader = []
    for rad in df.itertuples(index=False):
        celler = []
        for k, v in zip(df.columns, rad, strict=True):
            text, ar_tal = _cell(v, str(k), kr, procent, heltal, decimal)
            celler.append(f'<td class="{"tal" if ar_tal else ""}">{text}</td>')
        rader.append("<tr>" + "".join(celler) + "</tr>")
    if summa is not None:
        celler = []
        for k in df.columns:
            v = summa.get(str(k), "")
            text, ar_tal = _cell(v, str(k), kr, procent, heltal, decimal) if v != "" else ("", False)
            celler.append(f'<td class="{"tal" if ar_tal else ""}">{text}</td>')
        rader.append('<tr class="summa">' + "".join(celler) + "</tr>")
    return f'{STIL}<table class="analys"><thead><tr>{huvud}</tr></thead><tbody>{"".join(rader)}</tbody></table>'


def _jamna_steg(topp: float, antal: int = 5) -> float:
    """Ett jämnt steg (1, 2, 2,5 eller 5 × 10^n) så att ungefär `antal` steg når `topp`."""
    import math

    if topp <= 0:
        return 1.0
    grov = topp / antal
    bas = 10 ** math.floor(math.log10(grov))
    return next(m * bas for m in (1, 2, 2.5, 5, 10) if m * bas >= grov)


def svg_linjer(
    x: Sequence[int], serier: Mapping[str, Sequence[float]], titel: str, streckad: Sequence[str] = ()
) -> str:
    """Ett enkelt linjediagram som SVG (kronor på y-axeln), snabbt nog att ritas om vid varje
    ändring av ett reglage."""
    from analys.rapporter.diagram import FARGER

    b, h, vm, hm, om, um = 720, 310, 110, 30, 50, 34
    pb, ph = b - vm - hm, h - om - um
    topp = max(max(v) for v in serier.values()) * 1.08 or 1
    steg = _jamna_steg(topp)
    topp = steg * (int(topp / steg) + 1)

    def px(i: int) -> float:
        return vm + (pb * i / max(len(x) - 1, 1))

    def py(v: float) -> float:
        return om + ph - ph * v / topp

    delar = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{b}" height="{h}" font-family="sans-serif" font-size="11">',
        f'<text x="{vm}" y="18" font-size="13" font-weight="bold">{html.escape(titel)}</text>',
    ]
    v = 0.0
    while v <= topp + 1e-9:
        delar.append(f'<line x1="{vm}" x2="{vm + pb}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#ddd"/>')
        delar.append(f'<text x="{vm - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{format_kr(int(v))}</text>')
        v += steg
    for i, ar in enumerate(x):
        delar.append(f'<text x="{px(i):.1f}" y="{h - 12}" text-anchor="middle">{ar}</text>')
    for n, (namn, varden) in enumerate(serier.items()):
        farg = "#000" if namn in streckad else FARGER[n % len(FARGER)]
        punkter = " ".join(f"{px(i):.1f},{py(float(v)):.1f}" for i, v in enumerate(varden))
        streck = ' stroke-dasharray="6,4"' if namn in streckad else ""
        delar.append(f'<polyline points="{punkter}" fill="none" stroke="{farg}" stroke-width="2.2"{streck}/>')
        delar.append(
            f'<text x="{vm + pb + 8}" y="{py(float(varden[-1])) + 4:.1f}" fill="{farg}">{html.escape(namn)}</text>'
        )
    delar.append("</svg>")
    return "".join(delar)
