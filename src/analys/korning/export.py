"""Den körda notebooken som fristående HTML-rapport: utan kodceller och prompter, inga skript
hämtas utifrån, rapportens rubrik som sidans titel och, vid utskrift, överst på varje sida."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from analys.korning import css


def _forsta_rubrik(nb) -> str:
    """Rapportens rubrik: den första rubriken (# …) som notebooken skrev ut."""
    for cell in nb.cells:
        for ut in cell.get("outputs", []):
            text = ut.get("data", {}).get("text/markdown", "")
            if isinstance(text, list):
                text = "".join(text)
            for rad in str(text).splitlines():
                if rad.startswith("# "):
                    return rad[2:].strip()
    return ""


# På en smal skärm (mobilen): ingen indragning för prompter, så att beloppen syns (tabellernas egen
# mobilstil står i tabeller.STIL).
MOBIL = """<style>
@media (max-width: 640px) {
  body, .jp-Notebook {padding: 6px !important;}
  .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-output, .jp-OutputArea-child,
  .jp-RenderedHTMLCommon {padding-left: 0 !important; margin-left: 0 !important; padding-right: 0 !important;}
  .jp-Collapser, .jp-OutputPrompt, .jp-InputPrompt {display: none !important;}
}
</style>
"""


# Vid utskrift: en rubrik och texten som inleder en tabell eller ett diagram står på samma sida
# som början av det de inleder. Rubriken är en egen markdowncell och den inledande texten en
# egen utdata före tabellen i nästa cell, så `break-after: avoid` på rubriken (tabeller.STIL)
# räcker inte: sidbrytningen hamnade annars mellan texten och tabellen.
HALL_IHOP = """<style>
@media print {
  .jp-MarkdownCell:has(h1, h2, h3, h4) {break-after: avoid;}
  .jp-OutputArea-child:has(> .jp-RenderedMarkdown):not(:last-child) {break-after: avoid;}
}
</style>
"""


def utan_iri_tolkare() -> None:
    """nbformat kontrollerar notebooks med jsonschema, som vid import laddar rfc3987_syntax om det
    finns (ett beroende till jupyter-events): det bygger ett trettiotal Lark-tolkar och tar
    ungefär 1,4 s processortid i varje arbetsprocess (jsonschema, fråga #1428). Ingen notebooks
    schema använder formaten iri och iri-reference, som är det enda den kontrollerar; i körningens
    processer får jsonschema vara utan den. Görs före första importen av nbformat eller papermill;
    redan importerad lämnas den som den är."""
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@functools.cache
def _exporter():
    """En HTML-exporterare per process: dess mallar kompileras en gång, inte för varje rapport."""
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def _avsandare() -> str:
    """Analys-mappens namn ur analys.yaml ("RSS Dalarna"), eller "" utanför en analys-mapp."""
    from analys.fel import AnalysError
    from analys.indata.projekt import las_projekt

    try:
        p = las_projekt()
    except (AnalysError, OSError):
        return ""
    return p.namn if p else ""


def export_html(nb_path: Path, html_path: Path, titel: str | None = None) -> str:
    """Fristående HTML utan kodceller och prompter; inga skript hämtas utifrån. Sidans titel är
    rapportens rubrik (med "PÅHITTAT EXEMPEL" först om underlaget är påhittat, och "FÖRSLAG" om
    rapporten visar ett förslag till avtal), och efter den analys-mappens namn (t.ex. "RSS
    Dalarna", ur analys.yaml), så att en mottagare ser vems rapporten är; vid utskrift står titeln
    överst till vänster, namnet överst till höger och sidnumret nederst på varje sida. Returnerar
    titeln."""

    utan_iri_tolkare()
    import nbformat

    from analys.rapporter.tabeller import FORSLAG, PAHITTAT, hela_tal

    nb = nbformat.read(nb_path, as_version=4)
    titel = titel or _forsta_rubrik(nb) or nb_path.stem
    celler = json.dumps(nb.cells, ensure_ascii=False)
    for markning in (FORSLAG, PAHITTAT):
        if markning in celler and markning not in titel:
            titel = f"{markning}: {titel}"
    avsandare = _avsandare()
    sidtitel = f"{titel} – {avsandare}" if avsandare else titel
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": sidtitel}})
    # Inga skript: MathJax och Mermaid (som nbconvert lägger i <head>) skulle hämtas utifrån och
    # behövs inte i rapporterna, som varken har formler eller Mermaid-diagram.
    huvud, skiljer, kropp = body.partition("</head>")
    huvud = re.sub(r"<script[^>]*>.*?</script>", "", huvud, flags=re.S)
    huvud = re.sub(r"<!-- (Load mathjax|MathJax configuration|End of mathjax configuration) -->\n?", "", huvud)
    body = css.rensa(huvud + skiljer + kropp)
    # Och inget skript som hämtas utifrån någon annanstans heller (en cell med t.ex. Plotly från ett CDN).
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r"<html[^>]*>", '<html lang="sv">', body, count=1)

    def css_text(t: str) -> str:
        """Text i en CSS-sträng inne i <style> (där HTML-entiteter inte avkodas)."""
        t = t.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
        return t.replace("<", "\\3c ").replace(">", "\\3e ")

    hoger = f'@top-right {{ content: "{css_text(avsandare)}"; font-size: 8pt; color: #333; }} ' if avsandare else ""
    tillagg = (
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<style>@media print {{ @page {{ @top-left {{ content: "{css_text(titel)}"; '
        f"font-size: 8pt; color: #333; }} {hoger}}} }}</style>\n" + MOBIL + HALL_IHOP
    )
    body = body.replace("</head>", tillagg + "</head>", 1)
    body = hela_tal(body)
    html_path.write_text(body, encoding="utf-8")
    return titel
