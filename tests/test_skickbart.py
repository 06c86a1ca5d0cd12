"""Skickbart: rapporterna och arbetsböckerna som `make reports` skriver, lästa som mottagarna läser
dem. Avtalade belopp som rubrik, tal märkta enligt avtal/utfall/beräknat, inga identifierare,
påhittade exempel märkta överallt, tillgänglig HTML (axe-core), PDF för mötespappren."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from analys.flode import scenarier
from analys.flode.fordelning import berakna as berakna_fordelning
from analys.indata.antaganden import read_scenarier
from analys.korning.rapportfil import load_korningar
from analys.rapporter.tabeller import PAHITTAT

ROT = Path(__file__).resolve().parents[1]
IDENTIFIERARE = re.compile(r"\b[a-z]+_[a-z_]+\b")
from tests.webb import CHROMIUM_FLAGGOR  # noqa: E402  (samma flaggor som programmet)


def _scenario_idn() -> list[str]:
    """Scenario-id som inte också är ett vanligt ord i namnet (bas → Bas är samma ord)."""
    return [sid for sid, s in read_scenarier().items() if sid.casefold() != s.namn.casefold()]


def _synlig_html(html: str) -> str:
    """Texten en läsare ser: utan stilmallar, skript, taggar och det tekniska spårbarhetsblocket."""
    html = re.sub(r'<section[^>]*class="teknisk"[^>]*>.*?</section>', " ", html, flags=re.S)
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _celltext(fil: Path) -> list[tuple[str, str, str]]:
    """(blad, cell, text) för varje cell med text, utom Källor-bladets tekniska block."""
    ut = []
    wb = load_workbook(fil)
    for ws in wb.worksheets:
        teknisk = False
        for rad in ws.iter_rows():
            for c in rad:
                if c.value is None:
                    continue
                if ws.title == "Källor" and c.value == "Teknisk spårbarhet":
                    teknisk = True
                if not teknisk and isinstance(c.value, str) and not c.value.startswith("="):
                    ut.append((ws.title, c.coordinate, c.value))
    return ut


def _pdf_text(fil: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(sida.extract_text() or "" for sida in PdfReader(fil).pages).replace("\xa0", " ")


# --- rubrikbeloppen: enligt avtal ---------------------------------------------------------------


def test_agreed_amounts_are_the_headline_in_report_workbook_and_cli(rapporter, cli):
    html = (
        (rapporter / "scenarier-2024-2030" / "scenarier-2024-2030.html")
        .read_text(encoding="utf-8")
        .replace("\xa0", " ")
    )
    text = _synlig_html(html)
    assert "1 030 000 kr 2024 (enligt avtal)" in text
    assert "Nettokostnad" not in text and "1 549 750" not in text
    wb = load_workbook(rapporter / "scenarier-2024-2030" / "scenarier-2024-2030.xlsx", data_only=True)
    ws = wb["Fast kostnad per år"]
    rader = {r[0].value: r for r in ws.iter_rows(min_row=6) if isinstance(r[0].value, int)}
    assert rader[2024][1].value == "enligt avtal"
    assert {c.value for c in rader[2024][2:6]} == {1_030_000}
    assert rader[2025][1].value == "beräknat"

    r = cli("scenario", "--scenario", "bas", "okning", "--fran", "2021", "--till", "2025")
    assert r.rc == 0, r.err
    summor = [rad.split() for rad in r.out.splitlines() if rad.startswith("Summa")]
    for s in summor:  # Summa, 2021, 2022, 2023, 2024, 2025 i hela kronor med mellanslag
        tal = " ".join(s[1:])
        assert "400 000" in tal and "1 030 000" in tal


def test_kommunblad_shows_the_invoiced_amount(rapporter):
    df = berakna_fordelning(avtal="2024").df
    rattvik = int(df.set_index("kommun").loc["Rättvik", "belopp"])
    assert rattvik == 39_725
    html = (
        (rapporter / "kommunblad-rattvik" / "kommunblad-rattvik.html").read_text(encoding="utf-8").replace("\xa0", " ")
    )
    assert re.search(r"39 725 kr</(b|strong)> i fast kostnad 2024 \(enligt avtal\)", html)
    assert "59 525" not in html
    wb = load_workbook(rapporter / "kommunblad-rattvik" / "kommunblad-rattvik.xlsx", data_only=True)
    rad = next(r for r in wb["Fast kostnad per år"].iter_rows(min_row=6) if r[0].value == 2024)
    assert rad[1].value == "enligt avtal" and all(c.value == 39_725 for c in rad[2:6])
    # Året är ett tal och folkmängdens datum ett datum (sorterbara i Excel), inte text.
    detaljer = wb["Detaljer"]
    rubriker = [c.value for c in detaljer[5]]
    forsta = [c.value for c in detaljer[6]]
    assert rubriker[:4] == ["Scenario", "År", "Underlag", "Folkmängd per"], rubriker
    assert forsta[1] == 2024 and forsta[3].date().isoformat() == "2023-06-30", forsta


# --- inga identifierare, påhittat märkt -----------------------------------------------------------


def test_no_identifier_reaches_a_person(rapporter):
    idn = _scenario_idn()
    assert "okning" in idn and "oforandrad" in idn
    monster = re.compile(IDENTIFIERARE.pattern + "|" + "|".join(rf"\b{re.escape(i)}\b" for i in idn))
    for k in load_korningar():
        mapp = rapporter / k.namn
        text = _synlig_html((mapp / f"{k.namn}.html").read_text(encoding="utf-8"))
        assert not monster.findall(text), (k.namn, "HTML", sorted(set(monster.findall(text)))[:5])
        for blad, cell, varde in _celltext(mapp / f"{k.namn}.xlsx"):
            assert not monster.search(varde), (k.namn, blad, cell, varde)
        pdf = _pdf_text(mapp / f"{k.namn}.pdf").split("Teknisk spårbarhet")[0]
        assert not monster.findall(pdf), (k.namn, "PDF", sorted(set(monster.findall(pdf)))[:5])


def test_made_up_example_is_marked_everywhere(rapporter):
    namn = next(k.namn for k in load_korningar() if k.namn.startswith("uppfoljning"))
    assert "pahittat" in namn  # i filnamnet
    mapp = rapporter / namn
    html = (mapp / f"{namn}.html").read_text(encoding="utf-8").replace("\xa0", " ")
    titel = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    assert PAHITTAT in titel
    assert f'<div class="pahittat" role="note">{PAHITTAT}</div>' in html
    # Också diagrammen: märkningen står i bilden och först i alt-texten (en kopierad bild är märkt).
    alts = re.findall(r'<img alt="([^"]*)"', html)
    assert alts and all(a.startswith(f"{PAHITTAT}. ") for a in alts), alts
    wb = load_workbook(mapp / f"{namn}.xlsx")
    for ws in wb.worksheets:
        assert ws["A1"].value == PAHITTAT, ws.title
        assert PAHITTAT in ws.oddHeader.left.text, ws.title
    assert PAHITTAT in wb.properties.title
    assert "PÅHITTAT" in _pdf_text(mapp / f"{namn}.pdf")
    # De riktiga rapporterna är inte märkta.
    assert PAHITTAT not in (rapporter / "fordelning-2024" / "fordelning-2024.html").read_text(encoding="utf-8")


def test_every_chart_has_a_swedish_alt_text_that_states_its_message(rapporter):
    for k in load_korningar():
        html = (rapporter / k.namn / f"{k.namn}.html").read_text(encoding="utf-8").replace("\xa0", " ")
        alts = re.findall(r'<img alt="([^"]*)" src="data:image/png', html)
        assert alts or k.namn.startswith("avtalsbilaga-"), k.namn  # bilagan till avtalet har inga diagram
        for alt in alts:
            assert len(alt) > 40 and re.search(r"\d", alt) and ":" in alt, (k.namn, alt)
            assert not re.search(r"\b(the|and|of|description)\b", alt), (k.namn, alt)


def _bilder(html: str) -> dict[str, bytes]:
    import base64

    ut = {}
    if m := re.search(r'<source media="screen and \(max-width: 640px\)" srcset="data:image/png;base64,([^"]+)"', html):
        ut["smal"] = base64.b64decode(m.group(1))
    ut["bred"] = base64.b64decode(re.search(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)"', html).group(1))
    return ut


def test_a_chart_gets_a_narrow_phone_version_only_when_it_fits():
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from analys.rapporter import diagram
    from analys.rapporter.tabeller import figur

    df = berakna_fordelning(avtal="2024").df
    fig, alt = diagram.fig_fordelning(df, "Belopp per kommun")
    bilder = _bilder(figur(fig, alt))
    plt.close(fig)
    bred, smal = (Image.open(io.BytesIO(bilder[k])) for k in ("bred", "smal"))
    assert smal.width < 0.6 * bred.width  # texten blir ungefär dubbelt så stor på en mobil
    assert abs(smal.height - bred.height) < 0.1 * bred.height
    # Etiketter så långa att ritytan inte får plats: ingen mobilversion, den breda visas.
    fig, ax = plt.subplots(figsize=(9, 3))
    ax.barh([f"En mycket lång etikett som tar hela bredden nummer {i}" for i in range(3)], [1, 2, 3])
    bilder = _bilder(figur(fig, "Stapeldiagram: tre staplar, 1, 2 och 3."))
    plt.close(fig)
    assert list(bilder) == ["bred"]


@pytest.mark.parametrize("markerad", [False, True])
@pytest.mark.parametrize("bredd", [9, 4.2, "kant"])
def test_a_chart_image_is_matplotlibs_tight_crop_drawn_once(markerad, bredd):
    """Bilden skärs ut ur en enda ritning: samma bild som savefig(bbox_inches="tight") ger, på
    en bildpunkt när, också när marginalen går utanför figuren (text vid kanten, i figurens grå
    bakgrund) och när märkningen står ovanför den. Figurens upplösning och rityta är orörda efteråt."""
    import base64
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    from analys.rapporter import diagram
    from analys.rapporter.tabeller import _png

    df = berakna_fordelning(avtal="2024").df
    fig, _ = diagram.fig_fordelning(df, "Belopp per kommun")
    if bredd == "kant":  # text ända ut i högra kanten: marginalen går utanför figuren
        fig.set_facecolor("#d0d0d0")
        fig.text(0.999, 0.5, "kant", ha="right", va="center")
    else:
        fig.set_size_inches(bredd, fig.get_size_inches()[1])
        fig.tight_layout()
    if markerad:
        fig.text(0.5, 1.0, "PÅHITTAT EXEMPEL", ha="center", va="bottom", fontsize=11)
    var = io.BytesIO()
    fig.savefig(var, format="png", dpi=150, bbox_inches="tight")
    canvas, dpi = fig.canvas, fig.dpi
    bild = Image.open(io.BytesIO(base64.b64decode(_png(fig)))).convert("RGB")
    assert fig.canvas is canvas and fig.dpi == dpi
    plt.close(fig)
    matplotlib = Image.open(var).convert("RGB")
    assert abs(bild.width - matplotlib.width) <= 1 and abs(bild.height - matplotlib.height) <= 1
    b = (min(bild.width, matplotlib.width), min(bild.height, matplotlib.height))
    skillnad = np.abs(np.asarray(bild.crop((0, 0, *b)), int) - np.asarray(matplotlib.crop((0, 0, *b)), int))
    assert skillnad.mean() < 3  # kanter kan flytta en halv bildpunkt; innehållet är detsamma
    if bredd == "kant":  # marginalen till höger om figuren har figurens bakgrundsfärg, som hos matplotlib
        assert np.abs(np.asarray(bild, int)[:, -3:] - 0xD0).max() <= 2


def test_a_chart_is_drawn_once_and_twice_only_when_something_stands_outside_it(monkeypatch):
    """Ryms diagrammet i figuren ritas det en gång (och skärs ut). Står något utanför (märkningen
    ovanför, eller i mobilversionen en rubrik bredare än den smala figuren) ritas det direkt som
    matplotlib beskär det: en mätning och en ritning, inte först en ritning som inte kan användas.
    Anteckningen om åren med avtal bryts på två rader i mobilversionen och får då plats."""
    import base64
    import io

    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from PIL import Image

    from analys.rapporter import diagram
    from analys.rapporter.tabeller import BILD_DPI, SMAL_BREDD, _png, _smal_png

    ritningar = []
    rita = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: ritningar.append(1) or rita(self, renderer))

    def antal(gor) -> tuple[int, str]:
        ritningar.clear()
        bild = gor()
        assert bild
        return len(ritningar), bild

    per_kommun = scenarier.berakna(["bas"], 2024, 2030).per_kommun
    fig, _ = diagram.fig_kommun_scenarier(per_kommun, "2080", {"bas": "Bas"})
    anteckning = next(t for t in fig.axes[0].texts if t.get_text().startswith("Skuggat: år med avtal"))
    assert antal(lambda: _png(fig))[0] == 1
    n, smal = antal(lambda: _smal_png(fig))
    assert n == 1 and anteckning.get_text().endswith(";\növriga år är beräknade.")
    # bilden är den smala figuren med marginalen, inte bredare
    assert Image.open(io.BytesIO(base64.b64decode(smal))).width <= round((SMAL_BREDD + 0.2) * BILD_DPI)
    plt.close(fig)
    # en rubrik som är bredare än den smala figuren: mätningen och en ritning
    fig, _ = diagram.fig_fordelning(berakna_fordelning(avtal="2024").df, "Belopp per kommun, sammanlagt 1 030 000 kr")
    assert antal(lambda: _smal_png(fig))[0] == 2
    plt.close(fig)
    fig, _ = diagram.fig_kommun_scenarier(per_kommun, "2080", {"bas": "Bas"})
    fig.text(0.5, 1.0, "PÅHITTAT EXEMPEL", ha="center", va="bottom", fontsize=11)
    assert antal(lambda: _png(fig))[0] == 2
    plt.close(fig)


def test_a_chart_with_a_transparent_background_stays_transparent():
    """En stil med genomskinlig bakgrund ger en genomskinlig bild, som med savefig (bilden skärs
    då inte ut ur en ritning, där marginalen bara kan få en ogenomskinlig färg)."""
    import base64
    import io

    import matplotlib.pyplot as plt
    from PIL import Image

    from analys.rapporter.tabeller import _png

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([2024, 2025, 2026], [1, 3, 2])
    fig.set_facecolor((1, 1, 1, 0))
    bild = Image.open(io.BytesIO(base64.b64decode(_png(fig))))
    plt.close(fig)
    assert bild.mode == "RGBA" and bild.getextrema()[3][0] == 0


# --- arbetsböckerna -----------------------------------------------------------------------------------


def test_workbooks_are_printable_and_readable(rapporter):
    for fil in sorted(rapporter.glob("*/*.xlsx")):
        wb = load_workbook(fil)
        for ws in wb.worksheets:
            assert ws.page_setup.paperSize == 9, (fil.name, ws.title)  # A4
            # En sida bred (fitToWidth saknas = 1, Excels standard), så många sidor höga som behövs.
            assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, (fil.name, ws.title)
            assert ws.sheet_properties.pageSetUpPr.fitToPage, (fil.name, ws.title)
            assert "Sida &P av &N" in ws.oddFooter.center.text, (fil.name, ws.title)
            assert ws.oddHeader.left.text, (fil.name, ws.title)
            if ws.title != "Källor":
                assert ws.print_title_rows, (fil.name, ws.title)
                assert ws.freeze_panes, (fil.name, ws.title)
        kallor = wb["Källor"]
        texter = [c.value for c in kallor["A"] if c.value]
        assert "Teknisk spårbarhet" in texter  # ett eget block längst ned
        assert texter.index("Teknisk spårbarhet") > texter.index("Uppgift")


def test_workbook_cells_read_as_the_report_says(rapporter):
    """Årtal utan tusentalsavgränsare (2024, inte "2 024" i svensk Excel), känslighetens låga och
    höga värden i parameterns egen enhet, och förändringens föregående år märkt som beräknat."""
    wb = load_workbook(rapporter / "scenarier-2024-2030" / "scenarier-2024-2030.xlsx")
    for blad, kolumn in (("Per år", "B"), ("Alla rader", "B"), ("Osäkerhet", "A")):
        ws = wb[blad]
        rubrik = next(r for r in range(1, 10) if ws[f"{kolumn}{r}"].value == "År")
        assert ws[f"{kolumn}{rubrik + 1}"].value == 2024 and ws[f"{kolumn}{rubrik + 1}"].number_format == "0", blad
    ks = wb["Känslighet"]
    varden = {(r[0].value, r[1].value, r[2].value) for r in ks.iter_rows(min_row=6) if r[0].value}
    assert ("Indexering per år", "1,5 %", "4,5 %") in varden
    assert ("Förskjutning av lanseringar (månader)", "−6 månader", "+18 månader") in varden
    wb = load_workbook(rapporter / "kommunblad-rattvik" / "kommunblad-rattvik.xlsx")
    assert wb["Detaljer"]["B6"].value == 2024 and wb["Detaljer"]["B6"].number_format == "0"
    wb = load_workbook(rapporter / "fordelning-2024" / "fordelning-2024.xlsx")
    assert [c.value for c in wb["Förändring"][5]][2:4] == ["Föregående år (beräknat)", "Belopp (enligt avtal)"]


def test_sums_fit_their_columns(rapporter):
    """Ingen ### i Excel: varje kolumn är minst så bred som den längsta visade cellen, summan inräknad."""
    from analys.rapporter.format import format_kr

    wb = load_workbook(rapporter / "fordelning-2024" / "fordelning-2024.xlsx", data_only=True)
    ws = wb["Fördelning"]
    summa = ws["E21"].value
    assert summa == 1_030_000
    assert ws.column_dimensions["E"].width >= len(format_kr(summa))
    assert ws["A6"].data_type == "s"  # kommunkoden är text, inte 2 021


# --- HTML: tillgänglighet och skärmbilder; PDF ----------------------------------------------------


@pytest.fixture(scope="module")
def webblasare():
    """Chromium genom Playwright; testen som använder den är markerade kraver("chromium")
    (tests/conftest.py), så de hoppas över om det saknas."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGGOR)
        yield b
        b.close()


def test_every_report_type_passes_axe_core_wcag_21_aa(rapporter, webblasare):
    """En rapport per notebook (rapporterna ur samma notebook har samma uppbyggnad; de 15
    kommunbladen skiljer sig bara i namn och tal)."""
    from axe_playwright_python.base import AXE_FILE_PATH

    axe = AXE_FILE_PATH.read_text(encoding="utf-8")
    en_per_notebook = {k.notebook.name: k for k in reversed(load_korningar())}
    assert len(en_per_notebook) >= 5
    for k in en_per_notebook.values():
        sida = webblasare.new_page()
        fel: list[str] = []
        sida.on("console", lambda m, fel=fel: fel.append(m.text) if m.type == "error" else None)
        sida.goto((rapporter / k.namn / f"{k.namn}.html").as_uri())
        sida.evaluate(axe)
        res = sida.evaluate(
            "o => axe.run(document, o)",
            {
                "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                "resultTypes": ["violations"],
            },
        )
        allvarliga = [(v["id"], v["impact"]) for v in res["violations"] if v["impact"] in ("serious", "critical")]
        assert allvarliga == [], (k.namn, allvarliga)
        assert fel == [], (k.namn, fel)
        sida.close()


DIAGRAM_I_SIDAN = """() => [...document.querySelectorAll('figure.diagram img')].map(img => {
  const kalla = img.parentElement.querySelector('source');
  return {smal: !!kalla, skala: img.clientWidth / img.naturalWidth,
          visad: kalla && img.currentSrc === kalla.srcset ? 'smal' : (img.currentSrc === img.src ? 'bred' : '?')};
})"""


RAPPORTSLAG = ("fordelning-2024", "scenarier-2024-2030", "kommunblad-rattvik", "uppfoljning-2024-pahittat-exempel")


def _skarmbildsmapp(tmp_path_factory) -> Path:
    ut = Path(os.environ.get("ANALYS_SKARMBILDER") or tmp_path_factory.mktemp("skarmbilder"))
    ut.mkdir(parents=True, exist_ok=True)
    return ut


def test_screenshots_of_each_report_type(rapporter, webblasare, tmp_path_factory):
    """Skärmbilder i mobilbredd (390 px) och skrivbordsbredd (1280 px), för varje slags rapport.
    De sparas i en mapp att titta på; testet ser att de inte är tomma och att sidan i mobilbredd
    inte rullar i sidled (tabellerna rullar för sig)."""
    from PIL import Image, ImageStat

    ut = _skarmbildsmapp(tmp_path_factory)
    for namn in RAPPORTSLAG:
        for bredd in (390, 1280):
            sida = webblasare.new_page(viewport={"width": bredd, "height": 900})
            sida.goto((rapporter / namn / f"{namn}.html").as_uri())
            png = ut / f"{namn}-{bredd}.png"
            sida.screenshot(path=str(png), full_page=False)
            assert sida.evaluate("document.documentElement.scrollWidth") <= bredd + 1, (namn, bredd)
            diagram = sida.evaluate(DIAGRAM_I_SIDAN)
            assert diagram, namn
            if bredd == 390:
                # Mobilversionen av diagrammen visas där den finns, och texten krymper högst till hälften.
                smala = [d for d in diagram if d["smal"]]
                assert smala, namn
                for d in smala:
                    assert d["visad"] == "smal" and d["skala"] >= 0.45, (namn, d)
            else:
                assert {d["visad"] for d in diagram} == {"bred"}, (namn, diagram)
            sida.close()
            assert ImageStat.Stat(Image.open(png).convert("L")).stddev[0] > 20


# Tabeller som är bredare än sin plats på sidan (i utskrift klipps det som sticker ut).
FOR_BREDA = """() => [...document.querySelectorAll('table.analys')].map(t => {
  const ram = t.closest('div.tabellram') || t.parentElement;
  return {rubrik: t.caption ? t.caption.textContent : '', bredd: Math.ceil(t.getBoundingClientRect().width),
          plats: Math.floor(ram.getBoundingClientRect().width)};
}).filter(x => x.bredd > x.plats)"""


def test_every_table_fits_the_printed_page(rapporter, webblasare):
    """I utskrift (PDF:en, mötespappren) rullar ingen tabell: varje tabell i varje rapport ryms i
    A4-sidans bredd innanför marginalerna (210 − 2 × 12 mm = 703 px). Uppföljningens "Varje kommuns
    ställning" var bredare, och PDF:en klippte kolumnen Återstår."""
    sida = webblasare.new_page(viewport={"width": 703, "height": 1000})
    sida.emulate_media(media="print")
    for k in load_korningar():
        sida.goto((rapporter / k.namn / f"{k.namn}.html").as_uri())
        assert sida.evaluate(FOR_BREDA) == [], k.namn
    sida.close()


def test_first_pdf_page_of_each_report_type_is_drawn(rapporter, tmp_path_factory):
    """PDF-sidan 1 för varje slags rapport, ritad med Popplers pdftoppm (som en PDF-läsare), sparad
    bredvid skärmbilderna: inte tom."""
    import subprocess

    from PIL import Image, ImageStat

    ut = _skarmbildsmapp(tmp_path_factory)
    for namn in RAPPORTSLAG:
        pdf = rapporter / namn / f"{namn}.pdf"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(ut / f"{namn}-pdf")],
            check=True,
            capture_output=True,
        )
        assert ImageStat.Stat(Image.open(ut / f"{namn}-pdf.png").convert("L")).stddev[0] > 20, namn


def test_every_report_names_whose_it_is_on_the_page_and_every_printed_page(rapporter):
    """Analys-mappens namn (analys.yaml: RSS Dalarna) står efter titeln i sidans titel och överst
    till höger på varje PDF-sida, så att en mottagare ser vilken region rapporten kommer från."""
    from pypdf import PdfReader

    for k in load_korningar():
        html = (rapporter / k.namn / f"{k.namn}.html").read_text(encoding="utf-8")
        assert re.search(r"<title>[^<]* – RSS Dalarna</title>", html), k.namn
        sidor = PdfReader(rapporter / k.namn / f"{k.namn}.pdf").pages
        assert all("RSS Dalarna" in (s.extract_text() or "") for s in sidor), k.namn


def test_every_pdf_opens_and_states_the_headline(rapporter):
    from pypdf import PdfReader

    df = berakna_fordelning(avtal="2024").df
    per_kommun = dict(zip(df["kommunkod"], df["belopp"], strict=True))
    for k in load_korningar():
        pdf = rapporter / k.namn / f"{k.namn}.pdf"
        las = PdfReader(pdf)
        assert len(las.pages) >= 1
        bredd, hojd = float(las.pages[0].mediabox.width), float(las.pages[0].mediabox.height)
        assert (round(bredd), round(hojd)) in ((595, 842), (842, 595)), k.namn  # A4
        text = _pdf_text(pdf)
        if k.namn == "fordelning-2022":
            rubrik = "400 000 kr"
        elif k.namn.startswith("kommunblad"):
            rubrik = f"{per_kommun[k.parametrar['kommunkod']]:,} kr".replace(",", " ")
        else:
            rubrik = "1 030 000 kr"
        assert rubrik in text, (k.namn, rubrik)
        assert re.search(r"Sida 1 av \d+", text), k.namn


# --- CSV för svensk Excel och fakturor -------------------------------------------------------------


def test_excel_csv_opens_in_swedish_excel(cli, tmp_path):
    ut = tmp_path / "f.csv"
    r = cli("fordelning", "--avtal", "2024", "--format", "excel-csv", "--ut", str(ut))
    assert r.rc == 0, r.err
    data = ut.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 med BOM: å, ä, ö rätt i Excel
    rader = data.decode("utf-8-sig").splitlines()
    assert rader[0] == "Kommunkod;Kommun;Folkmängd;Andel (%);Belopp (enligt avtal) (kr)"
    assert rader[1] == "2021;Vansbro;6794;2,3560;24266"  # decimalkomma, semikolon
    # Maskinernas CSV är oförändrad.
    r = cli("fordelning", "--avtal", "2024", "--format", "csv")
    assert r.out.splitlines()[0] == "kommunkod,kommun,folkmangd,andel,belopp"


def test_due_dates_move_to_the_next_bank_day(cli):
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-05-22", "--format", "csv")
    # +30 dagar = fredag 21 juni 2024, midsommarafton; lördag, söndag → måndag 24 juni.
    assert {rad.split(",")[-1] for rad in r.out.splitlines()[1:]} == {"2024-06-24"}
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-11-25", "--format", "csv")
    # +30 dagar = tisdag 24 december (julafton), juldagen, annandag jul → fredag 27 december.
    assert {rad.split(",")[-1] for rad in r.out.splitlines()[1:]} == {"2024-12-27"}


# --- HTML: JupyterLabs stilmall rensad, inga skript ----------------------------------------------


def _sida(css: str, kropp: str) -> str:
    return f'<html><head><style type="text/css">{css}</style></head>\n<body class="jp-Notebook">{kropp}</body></html>'


def test_style_rules_that_match_nothing_in_the_report_are_dropped_and_the_rest_kept_as_written():
    from analys.korning.css import rensa

    utfyllnad = "/*" + "x" * 3000 + "*/"  # ett stort block (JupyterLabs), inte rapportens egna
    css = utfyllnad + (
        ":root {--jp-farg: red;}\n"
        "body {margin: 0;}\n"
        ".jp-Notebook .jp-Cell {padding: 1px;}\n"
        ".jp-Toolbar {display: flex;}\n"
        ".jp-Toolbar, .jp-Cell > p {color: blue;}\n"
        ".jp-Cell:not(.jp-mod-dold) {opacity: 1;}\n"
        "@media print {.jp-Toolbar {display: none;} .jp-Cell {break-inside: avoid;}}\n"
        "@media screen {.jp-Widget {width: 1px;}}\n"
        "@keyframes tona {from {opacity: 0;} to {opacity: 1;}}\n"
        ".jp-mod-aktiv.jp-Cell {border: 1px;}\n"
    )
    ut = rensa(_sida(css, '<div class="jp-Cell jp-MarkdownCell"><p>Text</p></div>'))
    stil = re.search(r"<style[^>]*>(.*)</style>", ut, re.S).group(1)
    for kvar in (
        ":root {--jp-farg: red;}", "body {margin: 0;}", ".jp-Notebook .jp-Cell {padding: 1px;}",
        ".jp-Toolbar, .jp-Cell > p {color: blue;}", ".jp-Cell:not(.jp-mod-dold) {opacity: 1;}",
        "@media print {.jp-Cell {break-inside: avoid;}}", "@keyframes tona",
    ):  # fmt: skip
        assert kvar in stil, kvar
    for borta in (
        ".jp-Toolbar {display: flex;}",
        ".jp-Toolbar {display: none;}",
        "@media screen",
        ".jp-mod-aktiv",
        "xxx",
    ):
        assert borta not in stil, borta
    assert ut.endswith('<body class="jp-Notebook"><div class="jp-Cell jp-MarkdownCell"><p>Text</p></div></body></html>')
    liten = _sida(".jp-Toolbar {display: flex;}", "<p>x</p>")
    assert rensa(liten) == liten  # rapportens egna små stilblock lämnas som de är


@given(st.text(max_size=400), st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_pruning_arbitrary_css_never_fails(css, kropp):
    from analys.korning.css import rensa

    sida = _sida("/*" + "x" * 2000 + "*/" + css.replace("</style>", ""), kropp.replace("</head>", ""))
    ut = rensa(sida)
    assert ut.endswith(f'</head>\n<body class="jp-Notebook">{kropp.replace("</head>", "")}</body></html>')


def test_reports_carry_no_scripts_and_only_the_style_rules_they_use(rapporter):
    """Ingen rapport har skript (nbconvert lade in MathJax och Mermaid, som hämtar från cdnjs) eller
    JupyterLabs regler för verktygsfält, widgetar och kodmarkering; en rapport är därför en
    femtedel till hälften mindre."""
    for html in sorted(rapporter.glob("*/*.html")):
        text = html.read_text(encoding="utf-8")
        assert "<script" not in text and "cdnjs" not in text and "MathJax" not in text, html.name
        assert ".jp-Toolbar" not in text and ".jp-Dialog" not in text, html.name
        assert ".jp-RenderedHTMLCommon table" in text, html.name  # det som används står kvar


def test_pruned_report_looks_exactly_like_the_unpruned_one(rapporter, webblasare, tmp_path, monkeypatch):
    """Samma bildpunkter på skärmen (1280 och 390 px) och i utskriftsläget, med och utan rensningen,
    för varje slags rapport."""
    import io

    from PIL import Image, ImageChops

    from analys.korning import css, export

    par = []
    for namn in (*RAPPORTSLAG, "avtalsbilaga-2024", "historik"):
        nb = rapporter / namn / f"{namn}.ipynb"
        rensad, hel = tmp_path / f"{namn}.html", tmp_path / f"{namn}-hel.html"
        export.export_html(nb, rensad)
        with monkeypatch.context() as m:
            m.setattr(css, "rensa", lambda html, **_: html)
            export.export_html(nb, hel)
        assert len(rensad.read_bytes()) < len(hel.read_bytes()) - 100_000, namn
        par.append((namn, rensad, hel))
    for bredd, media in ((1280, "screen"), (390, "screen"), (794, "print")):
        sida = webblasare.new_page(viewport={"width": bredd, "height": 900})
        sida.emulate_media(media=media)
        for namn, rensad, hel in par:
            bilder = []
            for f in (rensad, hel):
                sida.goto(f.as_uri())
                bilder.append(Image.open(io.BytesIO(sida.screenshot(full_page=True))).convert("RGB"))
            assert bilder[0].size == bilder[1].size, (namn, bredd, media)
            assert ImageChops.difference(*bilder).getbbox() is None, (namn, bredd, media)
        sida.close()


def test_classes_are_read_however_the_attribute_is_written_and_an_emptied_layer_stays():
    """En egen notebooks HTML kan skriva class='x', class=x eller en entitet; ett tomt @layer står
    kvar, eftersom lagrens ordning bestäms av var de först nämns."""
    from analys.korning.css import klasser, rensa

    assert klasser("""<p class="a b"><i class='c'><b class=d><u CLASS="e&amp;f">""") == {"a", "b", "c", "d", "e&f"}
    css = "/*" + "x" * 3000 + "*/@layer bas {.borta {color: red;}} .e\\&f {color: blue;} .c {margin: 0;}"
    stil = re.search(
        r"<style[^>]*>(.*)</style>", rensa(_sida(css, "<p class='c'><u class=\"e&amp;f\">x</u></p>")), re.S
    )
    assert stil.group(1).split() == ["@layer", "bas", "{}", ".e\\&f", "{color:", "blue;}", ".c", "{margin:", "0;}"]


def test_the_pdf_is_printed_without_the_screen_only_chart_sources_and_leaves_no_copy(rapporter):
    """Diagrammens mobilversion (`<source media="screen …">`) gäller aldrig på papper; utskriften
    läser en kopia utan den (en tiondel mindre arbete för Chromium), och kopian tas bort."""
    from analys.korning.pdf import utan_skarmkallor

    bild = (
        '<picture><source media="screen and (max-width: 640px)" srcset="data:image/png;base64,AAA">'
        "<source media='print' srcset='x.png'><img alt=\"Diagram\" src=\"data:image/png;base64,BBB\"></picture>"
    )
    assert utan_skarmkallor(bild) == (
        "<picture><source media='print' srcset='x.png'><img alt=\"Diagram\" src=\"data:image/png;base64,BBB\"></picture>"
    )
    assert not [p.name for p in rapporter.glob("*/.*")]  # inga utskriftskopior eller tillfälliga filer kvar
    kommunblad = next(rapporter.glob("kommunblad-*/kommunblad-*.html")).read_text(encoding="utf-8")
    assert 'media="screen and (max-width: 640px)"' in kommunblad  # HTML-rapporten har kvar mobilversionen


def test_a_kommun_ending_in_s_gets_no_extra_s_in_the_chart_text():
    """Alt-texten sa "Vännäss fasta kostnad" i ett kommunblad för Västerbotten."""
    import matplotlib.pyplot as plt

    from analys.rapporter import diagram

    per_kommun = scenarier.berakna(["bas"], 2024, 2030).per_kommun.copy()
    for namn, vantat in (
        ("Vännäs", "Linjediagram: Vännäs fasta kostnad"),
        ("Falun", "Linjediagram: Faluns fasta kostnad"),
    ):
        per_kommun.loc[per_kommun["kommunkod"] == "2080", "kommun"] = namn
        fig, alt = diagram.fig_kommun_scenarier(per_kommun, "2080", {"bas": "Bas"})
        plt.close(fig)
        assert alt.startswith(vantat), alt
