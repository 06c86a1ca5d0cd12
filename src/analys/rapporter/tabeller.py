"""Tabeller, rubriker, diagram och snabba linjediagram som HTML för notebooks och rapporter:
svenska talformat, läsbara på mobilen (tabellerna rullar i sidled), utskrivna på A4 med
sidnummer, och med tydlig märkning av vilka tal som är enligt avtal, utfall eller beräknade."""

from __future__ import annotations

import base64
import html
import io
import itertools
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from analys.rapporter.format import format_kr, format_procent, format_tal

PAHITTAT = "PÅHITTAT EXEMPEL – inte verkliga siffror"
# Ett förslag till avtal som ännu inte fastställts märks som det påhittade: i titeln, överst på
# sidan (och därmed i varje utskriven sidas sidhuvud), på varje blad och i diagrammen.
FORSLAG = "FÖRSLAG – ännu inte fastställt"
FARGER = ["#1f5f8b", "#c0571b", "#2e7d4f", "#a3293d", "#6c5b9e", "#7a5c36", "#2f7f9a", "#666666"]

# Fyra slags tal, som alltid sägs i ord och med samma stil i tabeller och diagram.
SLAG = {
    "enligt avtal": "beloppet i ett fastställt avtal (data/avtal/)",
    "förslag": "beloppet i ett förslag till avtal (data/avtal/, status: förslag), ännu inte fastställt",
    "utfall": "det som rapporterats i uppföljningsunderlaget",
    "beräknat": "räknat ur antagandena (data/antaganden/), inget avtal finns",
}

STIL = """<style>
table.analys, .jp-RenderedHTMLCommon table.analys {border-collapse: collapse; font-size: 13px;
  margin: 0.3em 0 0.4em 0; table-layout: auto;}
table.analys caption {text-align: left; font-weight: bold; padding: 0 0 0.3em 0; caption-side: top;}
table.analys th, .jp-RenderedHTMLCommon table.analys th {background: #dde6f0; color: #111; text-align: left;
  padding: 4px 10px; border-bottom: 1px solid #555; font-weight: bold; vertical-align: bottom;}
table.analys td, .jp-RenderedHTMLCommon table.analys td {text-align: left; padding: 3px 10px;
  border-bottom: 1px solid #d0d0d0; color: #111;}
table.analys td.tal, table.analys th.tal, .jp-RenderedHTMLCommon table.analys td.tal,
.jp-RenderedHTMLCommon table.analys th.tal {text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;}
table.analys tr.summa td {font-weight: bold; border-top: 1.5px solid #444;}
table.analys th.beraknat, table.analys td.beraknat {font-style: italic; background-color: #f4f4f4;}
table.analys th.beraknat {background-color: #e6e6e6;}
table.analys th.forslag, table.analys td.forslag {font-style: italic; background-color: #fff4dc;}
table.analys th.avtal {border-bottom: 3px solid #1f5f8b;}
table.analys th.utfall {border-bottom: 3px solid #2e6b45;}
div.tabellram {overflow-x: auto; max-width: 100%; margin-bottom: 0.3em;}
p.fotnot {font-size: 12px; color: #333; margin: 0 0 1.4em 0;}
div.forslagsmarkering {background: #7a4b00; color: #fff; font-weight: bold; font-size: 18px;
  padding: 0.5em 0.8em; margin: 0 0 1em 0; border-radius: 3px;}
div.pahittat {background: #b00020; color: #fff; font-weight: bold; font-size: 18px; padding: 0.5em 0.8em;
  margin: 0 0 1em 0; border-radius: 3px;}
section.kallor {font-size: 12px; color: #222; border-top: 2px solid #1f5f8b; margin-top: 2em; padding-top: 0.5em;}
section.kallor h2 {font-size: 15px; margin: 0.2em 0 0.4em 0;}
section.kallor td, .jp-RenderedHTMLCommon section.kallor td {vertical-align: top; text-align: left;
  padding: 2px 12px 2px 0;}
section.teknisk {font-size: 11px; color: #333; margin-top: 1.2em; border-top: 1px dashed #888; padding-top: 0.4em;}
section.teknisk h3 {font-size: 12px; margin: 0.2em 0;}
figure.diagram {margin: 0.5em 0 1.5em 0;}
figure.diagram img {max-width: 100%; height: auto;}
figure.diagram figcaption {font-size: 12px; color: #333;}
@media (max-width: 640px) {
  table.analys .kod, .jp-RenderedHTMLCommon table.analys .kod {display: none;}
  table.analys, .jp-RenderedHTMLCommon table.analys {font-size: 12px;}
  table.analys th, table.analys td, .jp-RenderedHTMLCommon table.analys th,
  .jp-RenderedHTMLCommon table.analys td {padding: 3px 4px;}
  table.analys th, table.analys th.tal, .jp-RenderedHTMLCommon table.analys th.tal {white-space: normal;}
}
@media print {
  @page {size: A4; margin: 16mm 12mm 16mm 12mm;
    @bottom-center {content: "Sida " counter(page) " av " counter(pages); font-size: 9pt; color: #333;}}
  tr, figure.diagram, .pahittat, .forslagsmarkering {break-inside: avoid;}
  thead {display: table-header-group;}
  div.tabellram {overflow: visible;}
  h1, h2, h3 {break-after: avoid;}
  body, .jp-Notebook {padding: 0 !important; margin: 0 !important;}
  .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea-output, .jp-OutputArea-child {padding-left: 0 !important;
    margin-left: 0 !important; overflow: visible !important;}
  .jp-Collapser, .jp-OutputPrompt, .jp-InputPrompt {display: none !important;}
  table.analys, .jp-RenderedHTMLCommon table.analys {font-size: 8pt;}
  table.analys th, table.analys td, .jp-RenderedHTMLCommon table.analys th,
  .jp-RenderedHTMLCommon table.analys td {padding: 2px 5px; white-space: normal;}
  table.analys td.tal {white-space: nowrap;}
  table.analys th.tal, .jp-RenderedHTMLCommon table.analys th.tal {white-space: normal;}
  figure.diagram img {max-height: 120mm; width: auto; max-width: 100%;}
}
</style>"""


def _cell(v, kolumn: str, kr: Sequence[str], procent: Sequence[str], heltal: Sequence[str], decimal: Sequence[str]):
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–", True
    if isinstance(v, str) and kolumn in (*kr, *procent, *heltal, *decimal):
        return html.escape(v), True  # t.ex. "ej rapporterat" i en beloppskolumn
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
    rubrik: str = "",
    slag: Mapping[str, str] | None = None,
    fotnot: str = "",
) -> str:
    """En tabell med svenska talformat.

    `summa` = värden för en fet summarad (kolumn → värde); `rubrik` blir tabellens rubrik (och
    namnet på den rullbara ytan för skärmläsare); `slag` märker kolumner som "enligt avtal",
    "utfall" eller "beräknat" (stil och fotnot); `fotnot` står under tabellen.
    """
    rubriker = rubriker or {}
    slag = slag or {}
    tal = set(kr) | set(procent) | set(heltal) | set(decimal)
    klass = {"enligt avtal": "avtal", "utfall": "utfall", "beräknat": "beraknat", "förslag": "forslag"}

    def klasser(k: str, ar_tal: bool) -> str:
        delar = ["tal"] if ar_tal else []
        if rubriker.get(str(k), str(k)) in ("Kod", "Kommunkod"):
            delar.append("kod")  # döljs på en smal skärm, där kommunens namn räcker
        if str(k) in slag:
            delar.append(klass[slag[str(k)]])
        return " ".join(delar)

    huvud = "".join(
        f'<th scope="col" class="{klasser(k, str(k) in tal)}">{html.escape(rubriker.get(str(k), str(k)))}</th>'
        for k in df.columns
    )
    rader = []
    for rad in df.itertuples(index=False):
        celler = []
        for k, v in zip(df.columns, rad, strict=True):
            text, ar_tal = _cell(v, str(k), kr, procent, heltal, decimal)
            celler.append(f'<td class="{klasser(k, ar_tal)}">{text}</td>')
        rader.append("<tr>" + "".join(celler) + "</tr>")
    if summa is not None:
        celler = []
        for k in df.columns:
            v = summa.get(str(k), "")
            text, ar_tal = _cell(v, str(k), kr, procent, heltal, decimal) if v != "" else ("", False)
            celler.append(f'<td class="{klasser(k, ar_tal)}">{text}</td>')
        rader.append('<tr class="summa">' + "".join(celler) + "</tr>")
    caption = f"<caption>{html.escape(rubrik)}</caption>" if rubrik else ""
    namn = html.escape(rubrik or "Tabell")
    noter = []
    for s in dict.fromkeys(slag.values()):
        noter.append(f"<i>{html.escape(s)}</i> = {html.escape(SLAG[s])}" if s in ("beräknat", "förslag") else
                     f"<b>{html.escape(s)}</b> = {html.escape(SLAG[s])}")  # fmt: skip
    if fotnot:
        noter.append(html.escape(fotnot))
    fot = f'<p class="fotnot">{"; ".join(noter)}.</p>' if noter else ""
    return (
        f'{STIL}<div class="tabellram" role="region" aria-label="{namn}" tabindex="0">'
        f'<table class="analys">{caption}<thead><tr>{huvud}</tr></thead><tbody>{"".join(rader)}</tbody></table>'
        f"</div>{fot}"
    )


def hela_tal(html_text: str) -> str:
    """Tal bryts aldrig över två rader: mellanrummen i "1 030 000 kr" och "12,5 %" blir hårda
    (bara i texten, inte i taggar, skript eller stilar).

    >>> hela_tal("<p>betalar 1 030 000 kr, 3,5 % mer</p><style>a {margin: 0 100 200}</style>")
    '<p>betalar 1\xa0030\xa0000\xa0kr, 3,5\xa0% mer</p><style>a {margin: 0 100 200}</style>'
    """
    delar = re.split(r"(<script.*?</script>|<style.*?</style>|<[^>]+>)", html_text, flags=re.S | re.I)
    for i in range(0, len(delar), 2):
        delar[i] = re.sub(r"(?<=\d) (?=\d{3}(?!\d))|(?<=\d) (?=kr\b)|(?<=\d) (?=%)", "\u00a0", delar[i])
    return "".join(delar)


def varna_pahittat() -> None:
    """För maskinläsbara format (CSV, där ingen rad får läggas till): en varning på stderr."""
    import sys

    print(f"analys: obs: {PAHITTAT}: utdata bygger på påhittade exempeldata eller platshållare.", file=sys.stderr)


def banner_pahittat() -> str:
    """Den röda raden överst i allt som bygger på påhittade exempeldata."""
    return f'{STIL}<div class="pahittat" role="note">{PAHITTAT}</div>'


def banner_forslag() -> str:
    """Raden överst i allt som visar ett förslag till avtal som ännu inte fastställts."""
    return f'{STIL}<div class="forslagsmarkering" role="note">{FORSLAG}</div>'


def banner(pahittat: bool = False, forslag: bool = False) -> str:
    """Märkningen överst på sidan: förslag och påhittat exempel, det som gäller ("" om inget)."""
    return (banner_forslag() if forslag else "") + (banner_pahittat() if pahittat else "")


SMAL_BREDD = 4.2  # tum: diagrammet på en mobil, där texten då blir ungefär dubbelt så stor
RADBRYTS = "radbryts-i-smal"  # gid på en anteckning vars "; " blir en radbrytning i mobilversionen
MINSTA_AXEL = 2.3  # tum: smalare än så blir ritytan i mobilversionen, och då visas den breda


BILD_DPI = 150
MARGINAL = 0.1  # tum runt det som ritats, som matplotlibs bbox_inches="tight"


def _png(fig, utanfor: bool = False) -> str:
    """Diagrammet som PNG, beskuret till det som ritats med en marginal (som matplotlibs
    `savefig(bbox_inches="tight")`).

    Figuren ritas en gång, i bildens upplösning, och bilden skärs ut ur den (med figurens
    bakgrundsfärg i marginalen där figuren tar slut). matplotlibs egen beskärning mäter först
    texten i en ritning utan bild och ritar sedan igen; den används bara när något står utanför
    figuren, så att inget skärs bort, och när bakgrunden inte är ogenomskinlig. Vet den som ritar
    redan att något står utanför (`utanfor`, eller märkningen ovanför diagrammet), används den
    direkt, utan en första ritning som ändå inte kan användas."""
    import matplotlib as mpl
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    buf = io.BytesIO()
    if utanfor or _text_ovanfor(fig):
        return _matplotlibs_beskarning(fig, buf)
    canvas, dpi = fig.canvas, fig.dpi
    try:
        agg = FigureCanvasAgg(fig)
        fig.dpi = BILD_DPI
        agg.draw()
        innehall = fig.get_tightbbox(agg.get_renderer())
        bredd, hojd = agg.get_width_height()
        ryms = innehall.x0 >= 0 and innehall.y0 >= 0
        ryms = ryms and innehall.x1 * BILD_DPI <= bredd and innehall.y1 * BILD_DPI <= hojd
        # Bara en ogenomskinlig bakgrund, figurens egen, kan fyllas i marginalen (en stil kan ändra den).
        rc = mpl.rcParams
        ogenomskinlig = fig.get_facecolor()[3] == 1 and not rc["savefig.transparent"]
        ogenomskinlig = ogenomskinlig and rc["savefig.facecolor"] == "auto"
        if ryms and ogenomskinlig:
            x0, y0, x1, y1 = (round(v * BILD_DPI) for v in innehall.padded(MARGINAL).extents)
            topp, botten = hojd - y1, hojd - y0  # bildens rader räknas uppifrån
            bild = np.asarray(agg.buffer_rgba())[max(topp, 0) : min(botten, hojd), max(x0, 0) : min(x1, bredd), :3]
            bakgrund = [round(255 * f) for f in fig.get_facecolor()[:3]]
            kant = ((max(-topp, 0), max(botten - hojd, 0)), (max(-x0, 0), max(x1 - bredd, 0)))
            bild = np.stack([np.pad(bild[..., i], kant, constant_values=bakgrund[i]) for i in range(3)], axis=-1)
            Image.fromarray(bild).save(buf, format="png", compress_level=3)
        else:
            return _matplotlibs_beskarning(fig, buf)
    finally:
        fig.dpi = dpi
        fig.set_canvas(canvas)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _matplotlibs_beskarning(fig, buf: io.BytesIO) -> str:
    """Diagrammet som PNG genom matplotlibs `savefig(bbox_inches="tight")`, med samma marginal."""
    fig.savefig(buf, format="png", dpi=BILD_DPI, bbox_inches="tight", pad_inches=MARGINAL)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _text_ovanfor(fig) -> bool:
    """Står en text i figuren ovanför dess övre kant (som märkningen PÅHITTAT/FÖRSLAG)?"""
    return any(t.get_visible() and t.get_position()[1] >= 1 and t.get_va() in ("bottom", "baseline") for t in fig.texts)


def _smal_png(fig) -> str | None:
    """Samma diagram ritat om i `SMAL_BREDD` tum med färre värden på den liggande axeln, eller None
    om det inte får plats (långa etiketter, förklaring vid sidan, flera diagram bredvid varandra)."""
    import warnings

    from matplotlib.ticker import AutoLocator, MaxNLocator

    bredd, hojd = fig.get_size_inches()
    if bredd <= SMAL_BREDD + 0.5:
        return None
    fig.set_size_inches(SMAL_BREDD, hojd)
    for text in fig.findobj(lambda a: getattr(a, "get_gid", lambda: None)() == RADBRYTS):
        # Den första raden står kvar under axeln; den andra läggs under den.
        text.set_text(text.get_text().replace("; ", ";\n", 1))
        text.set_verticalalignment("top")
    for ax in fig.axes:
        if isinstance(ax.xaxis.get_major_locator(), AutoLocator):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tight_layout varnar när den inte får plats; det prövas nedan
        fig.tight_layout()
    renderare = fig.canvas.get_renderer()
    ryms = all(ax.get_position().width * SMAL_BREDD >= MINSTA_AXEL for ax in fig.axes if ax.get_visible())
    innehall = fig.get_tightbbox(renderare)  # i tum
    if not (ryms and innehall.width <= SMAL_BREDD * 1.15):
        return None
    # En rubrik eller en anteckning som är bredare än den smala figuren står utanför den. Mätt i
    # skärmens upplösning (figure.dpi) kan texten bli någon bildpunkt smalare än i bildens; det som
    # når närmare kanten än tight_layouts marginal har inte fått plats och räknas som utanför.
    kant = 0.05  # tum
    utanfor = min(innehall.x0, innehall.y0) < kant or innehall.x1 > SMAL_BREDD - kant or innehall.y1 > hojd - kant
    return _png(fig, utanfor=utanfor)


def figur(fig, alt: str, bildtext: str = "") -> str:
    """Ett matplotlib-diagram som bild med svensk alt-text som säger vad diagrammet visar.

    På en smal skärm (mobil) visas en smalare version av samma diagram när det får plats, så att
    texten inte krymper till oläslighet; dator och utskrift får den breda. Figuren ritas om i
    den smala storleken: stäng den efteråt."""
    bred = _png(fig)
    smal = _smal_png(fig)
    kalla = f'<source media="screen and (max-width: 640px)" srcset="data:image/png;base64,{smal}">' if smal else ""
    text = f"<figcaption>{html.escape(bildtext)}</figcaption>" if bildtext else ""
    return (
        f'{STIL}<figure class="diagram"><picture>{kalla}<img alt="{html.escape(alt, quote=True)}" '
        f'src="data:image/png;base64,{bred}"></picture>{text}</figure>'
    )


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
    # Högermarginalen rymmer seriernas namn, som står vid linjernas slut.
    b, h, vm, om, um = 720, 310, 110, 50, 34
    hm = max(30, 14 + int(6.6 * max((len(n) for n in serier), default=0)))
    pb, ph = b - vm - hm, h - om - um
    topp = max(max(v) for v in serier.values()) * 1.08 or 1
    steg = _jamna_steg(topp)
    topp = steg * (int(topp / steg) + 1)

    def px(i: int) -> float:
        return vm + (pb * i / max(len(x) - 1, 1))

    def py(v: float) -> float:
        return om + ph - ph * v / topp

    delar = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{b}" height="{h}" viewBox="0 0 {b} {h}" '
        f'role="img" aria-label="{html.escape(titel)}" style="max-width:100%;height:auto" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="{vm}" y="18" font-size="13" font-weight="bold">{html.escape(titel)}</text>',
    ]
    v = 0.0
    while v <= topp + 1e-9:
        delar.append(f'<line x1="{vm}" x2="{vm + pb}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#ddd"/>')
        delar.append(f'<text x="{vm - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{format_kr(int(v))}</text>')
        v += steg
    for i, ar in enumerate(x):
        delar.append(f'<text x="{px(i):.1f}" y="{h - 12}" text-anchor="middle">{ar}</text>')
    # Namnen vid linjernas slut flyttas isär när linjerna slutar nära varandra (minst 13 px).
    etikett_y = {namn: py(float(v[-1])) + 4 for namn, v in serier.items()}
    ordning = sorted(etikett_y, key=etikett_y.get)
    for fore, nu in itertools.pairwise(ordning):
        etikett_y[nu] = max(etikett_y[nu], etikett_y[fore] + 13)
    for n, (namn, varden) in enumerate(serier.items()):
        farg = "#000" if namn in streckad else FARGER[n % len(FARGER)]
        punkter = " ".join(f"{px(i):.1f},{py(float(v)):.1f}" for i, v in enumerate(varden))
        streck = ' stroke-dasharray="6,4"' if namn in streckad else ""
        delar.append(f'<polyline points="{punkter}" fill="none" stroke="{farg}" stroke-width="2.2"{streck}/>')
        delar.append(f'<text x="{vm + pb + 8}" y="{etikett_y[namn]:.1f}" fill="{farg}">{html.escape(namn)}</text>')
    delar.append("</svg>")
    return "".join(delar)


# --- text och CSV för svensk Excel ------------------------------------------------------------------


def texttabell(rader: list[list[str]], hoger_fran: int = 1, summarad: bool = False) -> list[str]:
    """Rader med kolumnerna under varandra: de första `hoger_fran` vänsterställda, resten (talen)
    högerställda. Med `summarad` ett streck under rubriken och ett över sista raden (summan).

    >>> texttabell([["Kommun", "Belopp"], ["Orsa", "24 809 kr"], ["Summa", "24 809 kr"]], summarad=True)
    ['Kommun     Belopp', '------  ---------', 'Orsa    24 809 kr', '------  ---------', 'Summa   24 809 kr']
    """
    bredd = [max(len(r[i]) for r in rader) for i in range(len(rader[0]))]

    def rad(r: list[str]) -> str:
        return "  ".join(
            c.rjust(b) if i >= hoger_fran else c.ljust(b) for i, (c, b) in enumerate(zip(r, bredd, strict=True))
        ).rstrip()

    ut = [rad(r) for r in rader]
    if summarad:
        linje = "  ".join("-" * b for b in bredd)
        ut = [ut[0], linje, *ut[1:-1], linje, ut[-1]]
    return ut


def textmarkning(pahittat: bool) -> list[str]:
    """Första raden i en text för terminalen när underlaget är påhittat."""
    return [f"*** {PAHITTAT} ***"] if pahittat else []


def excel_csv(huvud: Sequence[str], rader, pahittat: bool = False) -> str:
    """CSV att dubbelklicka i svensk Excel: UTF-8 med BOM, semikolon, CRLF, svenska rubriker, och
    märkningen på första raden när underlaget är påhittat. Semikolon i en text blir komma."""
    ut = [*([PAHITTAT] if pahittat else []), ";".join(huvud)]
    ut += [";".join(str(v).replace(";", ",") for v in r) for r in rader]
    return "\ufeff" + "\r\n".join(ut) + "\r\n"
