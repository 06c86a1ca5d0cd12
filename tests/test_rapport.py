"""Rapporterna: batchkörning, Excel omräknad i LibreOffice, HTML i headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analys.korning.rapportfil import load_korningar, notebook_parameters, slug

ROT = Path(__file__).resolve().parents[1]


def _kravs(program: str) -> str:
    """Programmet, eller hoppa över testet lokalt; i CI (CI=true) är ett saknat program ett fel."""
    vag = shutil.which(program)
    if vag is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} saknas i CI; .ci/run ska installera det")
        pytest.skip(f"{program} är inte installerat")
    return vag


def kor_rapport(*argv: str, cwd: Path = ROT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analys", "rapport", *argv], capture_output=True, text=True, cwd=cwd)


def test_default_set_is_the_one_make_reports_promises():
    namn = [k.namn for k in load_korningar()]
    assert namn[:3] == ["fordelning-2022", "fordelning-2024", "scenarier-2024-2030"]
    assert namn[-1] == "uppfoljning-2024-pahittat-exempel"
    assert len([n for n in namn if n.startswith("kommunblad-")]) == 15
    assert "kommunblad-malung-salen" in namn and "kommunblad-alvdalen" in namn


def test_every_report_has_notebook_html_and_workbook(rapporter):
    for k in load_korningar():
        mapp = rapporter / k.namn
        assert sorted(p.name for p in mapp.iterdir() if p.suffix != ".csv") == sorted(
            f"{k.namn}{s}" for s in (".html", ".ipynb", ".xlsx", ".pdf")
        ), k.namn
    # inga tillfälliga mappar kvar; låsfilen ligger kvar (se korning.las)
    assert not [p for p in rapporter.iterdir() if p.name.startswith(".") and p.name != ".analys-rapport.lock"]
    # Två CSV-filer: fordelning-2022.csv öppnas rätt med ett dubbelklick i svensk Excel,
    # fordelning-2022-data.csv är för andra program med den exakta rubriken.
    csv = (rapporter / "fordelning-2022" / "fordelning-2022-data.csv").read_text(encoding="utf-8")
    assert csv.splitlines()[0] == "kommunkod,kommun,folkmangd,andel,belopp"
    assert sum(int(r.split(",")[-1]) for r in csv.splitlines()[1:]) == 400_000
    excel = (rapporter / "fordelning-2022" / "fordelning-2022.csv").read_bytes()
    assert excel.startswith("\ufeff".encode())
    rader = excel.decode("utf-8-sig").splitlines()
    assert rader[0] == "Kommunkod;Kommun;Folkmängd;Andel (%);Belopp (enligt avtal) (kr)"
    assert rader[-1] == ";Summa;287676;100,0000;400000"


def test_executed_notebooks_have_no_errors_and_sequential_counts(rapporter):
    import nbformat

    for k in load_korningar():
        nb = nbformat.read(rapporter / k.namn / f"{k.namn}.ipynb", as_version=4)
        kod = [c for c in nb.cells if c.cell_type == "code"]
        assert [c.execution_count for c in kod] == list(range(1, len(kod) + 1))
        for c in kod:
            assert not [o for o in c.outputs if o.output_type == "error"], k.namn


# --- Excel: räkna om i LibreOffice och jämför med bibliotekets tal ----------------------------


def _omraknade(mapp: Path, filer: list[Path]) -> Path:
    soffice = _kravs("soffice")
    ut = mapp / "omraknat"
    profil = mapp / "lo-profil"
    r = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profil}", "--headless", "--calc", "--convert-to", "xlsx",
         "--outdir", str(ut), *map(str, filer)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return ut


def _formelvarde(formel, ws_varden) -> float:
    """Vad en cell ska bli, räknat i Python ur de värden biblioteket skrev (summor och andelar)."""
    from openpyxl.utils import column_index_from_string

    if not (isinstance(formel, str) and formel.startswith("=")):
        return formel or 0
    m = re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", formel)
    if m:
        kol = column_index_from_string(m.group(1))
        rader = range(int(m.group(2)), int(m.group(4)) + 1)
        return sum(_formelvarde(ws_varden.cell(row=r, column=kol).value, ws_varden) for r in rader)
    m = re.fullmatch(r"=([A-Z]+)(\d+)/([A-Z]+)\$(\d+)", formel)
    if m:
        taljare = ws_varden.cell(row=int(m.group(2)), column=column_index_from_string(m.group(1))).value
        namnare = ws_varden.cell(row=int(m.group(4)), column=column_index_from_string(m.group(3))).value
        return _formelvarde(taljare, ws_varden) / _formelvarde(namnare, ws_varden)
    raise AssertionError(f"okänd formel {formel}")


def test_every_workbook_recalculates_in_libreoffice_to_the_librarys_numbers(rapporter, tmp_path):
    """Varje formel har ett sparat värde (det förhandsvisningar visar), och LibreOffice räknar fram
    samma värde, som också är det Python räknar ur de skrivna talen."""
    filer = sorted(rapporter.glob("*/*.xlsx"))
    assert len(filer) == len(load_korningar()) == 21
    omraknat = _omraknade(tmp_path, filer)
    for fil in filer:
        antal_formler = 0
        original = load_workbook(fil)
        cachat = load_workbook(fil, data_only=True)
        lo = load_workbook(omraknat / fil.name, data_only=True)
        assert original.sheetnames == lo.sheetnames
        assert original.sheetnames[-1] == "Källor"
        for ws in original.worksheets:
            for rad in ws.iter_rows():
                for c in rad:
                    v = lo[ws.title][c.coordinate].value
                    assert not (isinstance(v, str) and (v.startswith("#") or v.startswith("Err:"))), (
                        fil.name,
                        c.coordinate,
                        v,
                    )
                    if isinstance(c.value, str) and c.value.startswith("="):
                        antal_formler += 1
                        sparat = cachat[ws.title][c.coordinate].value
                        assert sparat is not None, (fil.name, ws.title, c.coordinate, "inget sparat värde")
                        assert v == pytest.approx(sparat, rel=1e-12, abs=1e-9), (fil.name, ws.title, c.coordinate)
                        forvantat = _formelvarde(c.value, ws)
                        assert v == pytest.approx(forvantat, rel=1e-12, abs=1e-9), (fil.name, ws.title, c.coordinate)
        # Minst en summarad per arbetsbok, utom där kolumnerna blandar slag: kommunbladets år är
        # både avtalade och beräknade och summeras inte (tests/test_slag.py).
        if not fil.name.startswith("kommunblad-"):
            assert antal_formler >= 2, fil.name


def test_agreement_workbook_recalculated_equals_the_split(rapporter, tmp_path):
    from analys.flode.fordelning import berakna as berakna_fordelning

    fil = rapporter / "fordelning-2024" / "fordelning-2024.xlsx"
    lo = load_workbook(_omraknade(tmp_path, [fil]) / fil.name, data_only=True)["Fördelning"]
    df = berakna_fordelning(avtal="2024").df
    rader = {lo.cell(row=r, column=1).value: r for r in range(6, 21)}
    for k in df.itertuples():
        r = rader[k.kommunkod]
        assert lo.cell(row=r, column=5).value == k.belopp
        assert lo.cell(row=r, column=4).value == pytest.approx(k.andel, rel=1e-12)
    assert lo["E21"].value == 1_030_000 and lo["C21"].value == 288_375 and lo["D21"].value == pytest.approx(1)


def test_workbook_is_made_to_be_forwarded(rapporter):
    wb = load_workbook(rapporter / "scenarier-2024-2030" / "scenarier-2024-2030.xlsx")
    assert wb.properties.title and wb.properties.creator.startswith("analys ")
    ws = wb["Kommuner 2030"]
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref.startswith("A5")
    assert ws["A5"].font.bold and ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.paperSize == 9
    assert ws.print_title_rows.replace("$", "") == "5:5"
    assert "Scenarier för kostnaderna" in ws.oddHeader.left.text and "Sida &P av &N" in ws.oddFooter.center.text
    assert ws["C6"].number_format == '#,##0 "kr"'
    # Kolumnerna rymmer summaraden (ingen ###): bredden räcker för "1 534 357 kr".
    assert ws.column_dimensions["C"].width >= len("1 534 357 kr")
    kallor = {r[0].value: r[1].value for r in wb["Källor"].iter_rows(min_row=4) if r[0].value}
    assert re.search(r"data/antaganden/bas.yaml \(SHA-256 [0-9a-f]{64}\)", kallor["Antaganden"])
    assert "2024: 30 juni 2023 enligt SCB (TAB5444)" in kallor["Befolkning"]
    assert kallor["Program"].startswith("analys ") and kallor["Skapad"]
    assert "från år 2024" in kallor["Parametrar"]
    assert not any("/" + "work" in str(v) or "/tmp" in str(v) for v in kallor.values())


# --- HTML: öppna i headless Chromium ----------------------------------------------------------


def _synlig_text(dom: str) -> str:
    """Texten en läsare ser: utan stilmallar, skript och taggar."""
    dom = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"<[^>]+>", " ", dom)


# Avtalsbilagan är en sida att bifoga avtalet: inga diagram, och den tekniska spårbarheten i arbetsboken.
UTAN_DIAGRAM = ("avtalsbilaga-",)


def test_every_html_report_renders_with_tables_charts_and_no_code(rapporter, tmp_path):
    """Varje HTML-rapport som Chromium ritar den (en webbläsare, en ny sida per rapport)."""
    from PIL import Image, ImageStat

    from tests.webb import webblasare

    _kravs("chromium")
    with webblasare(viewport={"width": 1200, "height": 1800}) as sida:
        for k in load_korningar():
            sida.goto((rapporter / k.namn / f"{k.namn}.html").as_uri(), wait_until="load")
            dom = sida.content()
            assert 'class="analys"' in dom, k.namn  # tabellerna
            bilaga = k.namn.startswith(UTAN_DIAGRAM)
            assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64", dom)) >= (0 if bilaga else 1), k.namn
            assert "No description" not in dom and 'alt=""' not in dom, k.namn  # alt-text på svenska
            # Inga kodceller: inga element med indata-, prompt- eller kodfärgningsklasser.
            assert not re.search(
                r'class="[^"]*(jp-InputArea-editor|jp-CodeMirrorEditor|jp-InputPrompt|jp-OutputPrompt|highlight)', dom
            ), k.namn
            text = _synlig_text(dom)
            assert "import " not in text and "display(" not in text, k.namn  # ingen kod syns
            assert "Källor och antaganden" in text, k.namn
            if bilaga:  # den tekniska spårbarheten står på arbetsbokens blad Källor, inte på sidan
                assert "SHA-256" not in text and "blad Källor" in text, k.namn
            else:
                assert "SHA-256" in text and "analys 0" in text, k.namn
            assert "Traceback" not in text and "Error" not in text and "Warning" not in text, k.namn
            assert 'src="http' not in dom  # fristående: inga skript utifrån
            assert '<html lang="sv">' in dom
            # Skärmbilder: sidan ritas, och den är inte tom.
            if k.namn in ("fordelning-2024", "scenarier-2024-2030", "kommunblad-falun"):
                png = tmp_path / f"{k.namn}.png"
                sida.screenshot(path=str(png))
                bild = Image.open(png).convert("L")
                assert bild.size == (1200, 1800)
                assert ImageStat.Stat(bild).stddev[0] > 20  # text, tabeller och diagram, inte en tom sida
        assert sida.fel == []


def test_html_states_the_reference_date_and_numbers(rapporter):
    text = (rapporter / "fordelning-2022" / "fordelning-2022.html").read_text(encoding="utf-8").replace("\xa0", " ")
    assert "31 december 2020" in text and "400 000 kr" in text and "82 771 kr" in text  # Falun, PM:ets tabell 1
    assert "TAB638" in text


# --- fel, omkörning, atomiskt utbyte -----------------------------------------------------------


def skriv_config(tmp_path: Path, text: str) -> Path:
    fil = tmp_path / "rapporter.yaml"
    fil.write_text(text, encoding="utf-8")
    return fil


def test_failing_run_is_reported_by_name_and_the_others_are_produced(tmp_path):
    config = skriv_config(
        tmp_path,
        """
rapporter:
  - {namn: bra, notebook: fordelning.ipynb, parametrar: {avtal: "2022"}}
  - {namn: trasig, notebook: fordelning.ipynb, parametrar: {avtal: "2031"}}
  - {namn: felstavad, notebook: fordelning.ipynb, parametrar: {avtall: "2024"}}
""",
    )
    ut = tmp_path / "ut"
    r = kor_rapport("--config", str(config), "--ut", str(ut))
    assert r.returncode == 2  # fel i indata (en parameter i rapportfilen)
    assert "1 av 3 rapporter klara" in r.stderr
    assert "trasig: Avtalet '2031' finns inte" in r.stderr
    assert "felstavad: okänd parameter avtall för fordelning.ipynb" in r.stderr
    assert "MISSLYCKADES" in r.stderr and "Traceback" not in r.stderr
    assert (ut / "bra" / "bra.xlsx").is_file()
    assert not (ut / "trasig").exists() and not (ut / "felstavad").exists()


def test_rerun_gives_same_files_and_numbers_and_failure_keeps_the_old_report(tmp_path):
    ut = tmp_path / "ut"
    bra = skriv_config(
        tmp_path, 'rapporter:\n  - {namn: avtal, notebook: fordelning.ipynb, parametrar: {avtal: "2024"}}\n'
    )
    assert kor_rapport("--config", str(bra), "--ut", str(ut)).returncode == 0
    forsta = {p.name: p.read_bytes() for p in (ut / "avtal").iterdir()}
    csv1 = (ut / "avtal" / "avtal.csv").read_text()
    assert kor_rapport("--config", str(bra), "--ut", str(ut)).returncode == 0
    assert sorted(p.name for p in (ut / "avtal").iterdir()) == sorted(forsta)
    assert (ut / "avtal" / "avtal.csv").read_text() == csv1
    v1 = [[c.value for c in r] for r in load_workbook(ut / "avtal" / "avtal.xlsx")["Fördelning"].iter_rows()]
    # En misslyckad körning med samma namn lämnar den förra rapporten orörd.
    fore = {p.name: p.read_bytes() for p in (ut / "avtal").iterdir()}
    trasig = skriv_config(
        tmp_path, 'rapporter:\n  - {namn: avtal, notebook: fordelning.ipynb, parametrar: {avtal: "1999"}}\n'
    )
    assert kor_rapport("--config", str(trasig), "--ut", str(ut)).returncode == 2  # fel i indata
    assert {p.name: p.read_bytes() for p in (ut / "avtal").iterdir()} == fore
    v2 = [[c.value for c in r] for r in load_workbook(ut / "avtal" / "avtal.xlsx")["Fördelning"].iter_rows()]
    assert v1 == v2


@pytest.mark.parametrize(
    ("text", "meddelande"),
    [
        (
            "rapporter:\n  - {namn: x, notebook: fordelning.ipynb, okand: 1}\n",
            "rapporter → post 1 → okand: okänd nyckel",
        ),
        ("rapporter:\n  - {namn: X Y, notebook: fordelning.ipynb}\n", "rapporter → post 1 → namn"),
        ("rapporter:\n  - {namn: x, notebook: finns-inte.ipynb}\n", "x: notebooken finns-inte.ipynb finns inte"),
        (
            "rapporter:\n  - {namn: x, notebook: fordelning.ipynb}\n  - {namn: x, notebook: fordelning.ipynb}\n",
            "rapportnamnet x förekommer mer än en gång",
        ),
    ],
)
def test_bad_report_file(tmp_path, text, meddelande, cli):
    r = cli("rapport", "--config", str(skriv_config(tmp_path, text)), "--ut", str(tmp_path / "ut"))
    assert r.rc == 2
    assert meddelande in r.err and "Traceback" not in r.err
    assert not (tmp_path / "ut").exists() or not list((tmp_path / "ut").iterdir())


def test_unknown_name_in_bara(tmp_path, cli):
    r = cli("rapport", "--bara", "finns-inte", "--ut", str(tmp_path))
    assert r.rc == 2 and "Rapporten 'finns-inte' finns inte" in r.err


def test_report_list(cli):
    r = cli("rapport", "--lista")
    assert r.rc == 0 and "kommunblad-falun  (kommunblad.ipynb; från år 2024, till år 2030, kommunkod 2080)" in r.out
    assert "=" not in r.out and "'" not in r.out


def test_parameters_of_the_notebooks():
    assert notebook_parameters(ROT / "notebooks" / "fordelning.ipynb")[:2] == ["avtal", "belopp"]
    for nb in (ROT / "notebooks").glob("*.ipynb"):
        assert notebook_parameters(nb), nb.name
    assert slug("Rättvik") == "rattvik"


def test_notebooks_are_still_checked_against_their_schema_without_the_slow_iri_parser():
    """Körningens processer importerar nbformat utan rfc3987_syntax (1,4 s per process; se
    `export.utan_iri_tolkare`): notebookens schema kontrolleras ändå, och en trasig notebook avvisas."""
    program = """
import sys
from analys.korning.export import utan_iri_tolkare
utan_iri_tolkare()
import nbformat, papermill
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
nb.cells[0]["cell_type"] = "okand"
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    print("avvisad", "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is not None)
"""
    notebook = ROT / "notebooks" / "kommunblad.ipynb"
    r = subprocess.run([sys.executable, "-c", program, str(notebook)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["avvisad", "False"]


def test_pdf_is_written_even_with_a_long_tmpdir(tmp_path, monkeypatch):
    """Chromiums uttag i profilmappen tål inte långa sökvägar; en lång TMPDIR fick PDF:en att
    falla (slutkod -6) tills profilen lades i en kort mapp."""
    _kravs("chromium")
    import tempfile

    from analys.korning.pdf import skriv_pdf

    lang = tmp_path / ("mycket-lang-mapp-" * 6)
    lang.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(lang))
    monkeypatch.setenv("TMPDIR", str(lang))
    html = tmp_path / "sida.html"
    html.write_text("<html><body><h1>Fördelning</h1></body></html>", encoding="utf-8")
    assert skriv_pdf(html, tmp_path / "sida.pdf")
    assert (tmp_path / "sida.pdf").read_bytes().startswith(b"%PDF")
    assert not list(lang.iterdir())


def test_printed_workbook_header_keeps_the_years(cli, tmp_path):
    """Sidhuvudet skrivs ut med alla siffror: "2024–2030", inte "–2030" (koden &8 åt upp 2024)."""
    soffice = _kravs("soffice")
    xlsx = tmp_path / "scenarier.xlsx"
    r = cli("scenario", "--format", "xlsx", "--ut", str(xlsx))
    assert r.rc == 0, r.err
    p = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(xlsx)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    from pypdf import PdfReader

    forsta = PdfReader(tmp_path / "scenarier.pdf").pages[0].extract_text()
    assert "2024–2030" in forsta
    assert "Sida 1 av" in forsta


def _sidor(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(s.extract_text().split()) for s in PdfReader(pdf).pages]


def test_headings_stand_on_the_page_where_their_table_starts(rapporter):
    """En rubrik och dess inledande text hamnade nederst på en sida, med tabellen på nästa
    (fördelningen s. 2→3, scenarierna s. 3→4)."""
    for namn, rubrik, tabell in [
        ("fordelning-2024", "Förändring mot föregående år", "Kommuner vars belopp ändrats"),
        ("scenarier-2024-2030", "Kursavgifter och utbildarpotten (beräknat)", "Kursavgifter och utbildarpott per år"),
    ]:
        sidor = _sidor(rapporter / namn / f"{namn}.pdf")
        med_rubrik = [i for i, s in enumerate(sidor) if rubrik in s]
        assert len(med_rubrik) == 1, (namn, med_rubrik)
        assert tabell in sidor[med_rubrik[0]], (namn, rubrik, med_rubrik[0] + 1)


def test_the_open_browser_prints_the_same_pages_as_chromium_alone(rapporter, tmp_path):
    """Batchkörningens PDF (en öppen webbläsare i huvudprocessen) och en enstaka rapports PDF
    (`chromium --print-to-pdf`) har samma sidor med samma text, A4 och "Sida x av y"."""
    from analys.korning.pdf import skriv_pdf

    for namn in ("fordelning-2024", "scenarier-2024-2030", "kommunblad-falun"):
        ensam = tmp_path / f"{namn}.pdf"
        assert skriv_pdf(rapporter / namn / f"{namn}.html", ensam)
        batch = _sidor(rapporter / namn / f"{namn}.pdf")
        assert batch == _sidor(ensam), namn
        assert all(f"Sida {i} av {len(batch)}" in s for i, s in enumerate(batch, 1)), namn


def _mapp_med_utkast(tmp_path: Path) -> Path:
    """En analys-mapp med ett avtal utanför data/avtal/ (utkast/) och en rapport som pekar dit."""
    mapp = tmp_path / "rss"
    shutil.copytree(ROT / "data", mapp / "data")
    (mapp / "analys.yaml").write_text('namn: "RSS"\nlan: "20"\n', encoding="utf-8")
    (mapp / "utkast").mkdir()
    shutil.copy(ROT / "data" / "avtal" / "2022.yaml", mapp / "utkast" / "avtal-2022-kopia.yaml")
    (mapp / "underkatalog").mkdir()
    (mapp / "data" / "rapporter.yaml").write_text(
        "rapporter:\n"
        '  - {namn: utkast, notebook: fordelning.ipynb, parametrar: {avtal: "utkast/avtal-2022-kopia.yaml"}}\n'
        '  - {namn: saknas, notebook: fordelning.ipynb, parametrar: {avtal: "utkast/finns-inte.yaml"}}\n',
        encoding="utf-8",
    )
    return mapp


def test_a_missing_path_in_the_report_file_names_the_analysis_folder(tmp_path, monkeypatch, cli):
    """En relativ sökväg i rapporter.yaml räknas från analys-mappen, var man än står; en som saknas
    stoppar allt innan något körs, med parametern, värdet och var filen skulle ha legat."""
    mapp = _mapp_med_utkast(tmp_path)
    monkeypatch.chdir(mapp / "underkatalog")
    monkeypatch.delenv("ANALYS_DATA", raising=False)
    r = cli("rapport", "--ut", str(tmp_path / "ut"))
    assert r.rc == 2
    assert (
        "data/rapporter.yaml: saknas: parametern avtal: utkast/finns-inte.yaml finns inte. En relativ sökväg i "
        "rapportfilen räknas från analys-mappen (rss/), så filen ska ligga i rss/utkast/finns-inte.yaml."
    ) in r.err
    assert "Traceback" not in r.err and not (tmp_path / "ut" / "utkast").exists()


def test_relative_paths_in_the_report_file_are_read_from_the_analysis_folder(tmp_path):
    """`avtal: "utkast/…yaml"` hittas fast notebooken körs ur programmets notebooks och man står i
    en undermapp (förr letades den i notebooks/ och hittades inte)."""
    mapp = _mapp_med_utkast(tmp_path)
    config = mapp / "data" / "rapporter.yaml"
    config.write_text("".join(config.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    r = kor_rapport("--ut", str(tmp_path / "ut"), cwd=mapp / "underkatalog")
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "ut" / "utkast" / "utkast.html").read_text(encoding="utf-8")
    assert "utkast/avtal-2022-kopia.yaml" in html and "400 000" in html


# --- avtalsbilagan ---------------------------------------------------------------------------------


def test_agreement_annex_pieces_say_what_the_agreement_says(tmp_path):
    """Bilagans delar för 2024: posterna som avtalet skriver dem, villkoren och arbetsbokens tabell
    att klistra in i avtalet (kommun, belopp, summa)."""
    from analys.flode.avtalsrapporter import bilaga
    from analys.rapporter import avtalsbilaga as rb
    from analys.rapporter.kallor import proveniens

    b = bilaga("2024")
    assert rb.kostnadstext(b.avtal) == (
        "Regional samordnare (tjänsteköp från Mora kommun) 1,0 tjänst 850 tkr + Administrativt stöd 0,25 tjänst "
        "180 tkr = 1 030 tkr, preliminärt"
    )
    rader = dict(rb.villkorsrader(b))
    assert rader["Avtalstid"] == "1 januari 2024–31 december 2024."
    assert "betalning 30 dagar netto från fakturadatum" in rader["Betalning"]
    assert (
        "30 juni 2023 enligt SCB (tabell TAB5444" in rader["Fördelning"] and "288 375 invånare" in rader["Fördelning"]
    )
    assert "Preliminärt" in rader and "Kommunernas del" not in rader
    villkor = rb.html_villkor(b)
    assert "Avtalet gäller under förutsättning att alla 15 kommuner skriver under." in villkor
    assert rb.tkr(875_500) == "875,5 tkr"
    ut = tmp_path / "bilaga.xlsx"
    rb.write_bilaga_workbook(b, proveniens([("Avtal", "test")]), ut)
    wb = load_workbook(ut)
    assert wb.sheetnames == ["Belopp per kommun", "Kostnader", "Källor"]
    ws = wb["Belopp per kommun"]
    tabell = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    assert tabell[0] == ["Kommun", "Belopp (enligt avtal)"]
    assert tabell[1] == ["Vansbro", 24_266] and tabell[10] == ["Falun", 214_001]
    assert tabell[16] == ["Summa", "=SUM(B6:B20)"] and len(tabell) == 17
    cachat = load_workbook(ut, data_only=True)["Belopp per kommun"]
    assert cachat["B21"].value == 1_030_000 and ws["B6"].number_format == '#,##0 "kr"'
    poster = [[c.value for c in r] for r in wb["Kostnader"].iter_rows(min_row=5)]
    assert poster[1:3] == [
        ["Regional samordnare (tjänsteköp från Mora kommun)", 1.0, 850_000],
        ["Administrativt stöd", 0.25, 180_000],
    ]
    assert wb["Belopp per kommun"]["A1"].value.startswith("Bilaga: belopp per kommun")  # inte märkt


def test_agreement_annex_pdf_is_one_a4_page_with_parties_costs_period_and_payment(rapporter):
    """`make reports` skriver avtalsbilaga-2024: exakt en sida, med parternas tabell och summa,
    kostnadsposterna, perioden, betalningsvillkoren och villkoret att alla skriver under."""
    from pypdf import PdfReader

    pdf = rapporter / "avtalsbilaga-2024" / "avtalsbilaga-2024.pdf"
    sidor = PdfReader(pdf).pages
    assert len(sidor) == 1
    assert (round(float(sidor[0].mediabox.width)), round(float(sidor[0].mediabox.height))) == (595, 842)
    (text,) = _sidor(pdf)
    for bit in (
        "Falun 214 001 kr",
        "Summa 1 030 000 kr",
        "1,0 tjänst 850 tkr + Administrativt stöd 0,25 tjänst 180 tkr = 1 030 tkr, preliminärt",
        "Avtalstid 1 januari 2024–31 december 2024",
        "betalning 30 dagar netto från fakturadatum",
        "alla 15 kommuner skriver under",
        "Folkmängd 30 juni 2023 enligt SCB (tabell TAB5444",
        "Beloppen är preliminära",
        "Gör om med analys rapport --bara avtalsbilaga-2024",
        "Sida 1 av 1",
    ):
        assert bit in text, bit
    assert "SHA-256" not in text  # den tekniska spårbarheten står på arbetsbokens blad Källor
    kallor = [c.value for c in load_workbook(pdf.with_suffix(".xlsx"))["Källor"]["B"] if c.value]
    assert any("SHA-256" in str(v) for v in kallor)


# --- förslagsrapporten ------------------------------------------------------------------------------


def test_proposal_report_is_marked_forslag_on_every_page_and_sheet_and_renders_after_the_decision(tmp_path):
    """`analys avtal forslag 2025` lägger till avtalsforslag-2025, som renderas märkt FÖRSLAG i
    titeln, överst, på varje PDF-sida, i diagrammen och på varje blad; efter `faststall` renderas
    samma rapport som fastställd, utan märkningen. Uppföljningen av 2024 är det påhittade exemplet:
    förslaget, på riktiga tal, citerar inte dess resultat och är inte märkt påhittat."""
    from analys.rapporter.tabeller import FORSLAG, PAHITTAT

    mapp = tmp_path / "rss"
    shutil.copytree(ROT / "data", mapp / "data")
    shutil.copy(ROT / "analys.yaml", mapp / "analys.yaml")

    def analys(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "analys", *argv], capture_output=True, text=True, cwd=mapp)

    assert analys("avtal", "forslag", "2025").returncode == 0
    ut = tmp_path / "ut"
    r = kor_rapport("--bara", "avtalsforslag-2025", "--ut", str(ut), cwd=mapp)
    assert r.returncode == 0 and "Obs:" not in r.stderr, r.stderr
    assert [p.name for p in ut.iterdir() if not p.name.startswith(".")] == ["avtalsforslag-2025"]
    namn = "avtalsforslag-2025"
    html = (ut / namn / f"{namn}.html").read_text(encoding="utf-8").replace("\xa0", " ")
    titel = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    assert titel.startswith(f"{FORSLAG}: Förslag till avtal 2025") and PAHITTAT not in html
    assert f'<div class="forslagsmarkering" role="note">{FORSLAG}</div>' in html
    alts = re.findall(r'<img alt="([^"]*)"', html)
    assert len(alts) == 2 and all(a.startswith(f"{FORSLAG}. ") for a in alts)  # förändringen, tornadon
    text = " ".join(_synlig_text(html).split())
    assert "Förslaget: kommunerna betalar 1 060 900 kr (förslag) för 2025." in text
    assert "Uppföljningen av avtalet 2024 (rapporten uppfoljning-2024-pahittat-exempel) bygger på ett påhittat" in text
    assert "217 000" not in text
    assert "30 900 kr" in text and "Gör om med" in text
    sidor = _sidor(ut / namn / f"{namn}.pdf")
    assert len(sidor) >= 3 and all(FORSLAG in s for s in sidor)
    wb = load_workbook(ut / namn / f"{namn}.xlsx")
    assert wb.sheetnames == ["Förslag", "Per kommun", "Känslighet", "Källor"]
    assert all(FORSLAG in ws["A1"].value and FORSLAG in ws.oddHeader.left.text for ws in wb.worksheets)

    assert analys("avtal", "faststall", "2025", "--beslutsdatum", "2024-11-20").returncode == 0
    r = kor_rapport("--bara", "avtalsforslag-2025", "--ut", str(ut), cwd=mapp)
    assert r.returncode == 0, r.stderr
    html = (ut / namn / f"{namn}.html").read_text(encoding="utf-8").replace("\xa0", " ")
    assert FORSLAG not in html and "Avtal 2025: Regional samordning Yrkesresan och BBIC 2025 (fastställt)" in html
    assert "Avtalet fastställdes av Socialchefsnätverket 20 november 2024" in html
    assert "ingen känslighet visas" in html and len(re.findall(r'<img alt="', html)) == 1
    assert not any(FORSLAG in s for s in _sidor(ut / namn / f"{namn}.pdf"))
    assert load_workbook(ut / namn / f"{namn}.xlsx").sheetnames == ["Avtal", "Per kommun", "Källor"]


@pytest.mark.parametrize(
    ("fel", "meddelande"),
    [
        (subprocess.TimeoutExpired(["chromium"], 180), "Chromium skrev inte ut sida.html som PDF på 180 sekunder."),
        (
            PermissionError(13, "Åtkomst nekas"),
            "Chromium (/usr/bin/chromium) kunde inte startas för sida.html: Åtkomst nekas.",
        ),
    ],
)
def test_a_chromium_that_hangs_or_cannot_start_gives_a_swedish_error(tmp_path, monkeypatch, fel, meddelande):
    """Ett eget Chromium som inte blir klart eller inte går att starta: ett svenskt fel med filens
    namn, inte Pythons engelska text (med hela kommandoraden)."""
    from analys.fel import ExterntFel
    from analys.korning import pdf

    def kor(*a, **k):
        raise fel

    monkeypatch.setattr(pdf, "chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(pdf.subprocess, "run", kor)
    with pytest.raises(ExterntFel) as e:
        pdf.skriv_pdf(tmp_path / "sida.html", tmp_path / "sida.pdf")
    assert str(e.value) == meddelande
