"""Hjälptexterna utgår från analys-mappen: i en mapp för ett annat län står dess län, dess senaste
avtal och dess kommuner, aldrig Dalarna."""

from __future__ import annotations

import argparse
import re

import pytest

from analys import cli, ny
from analys.indata.befolkning import load_kommuner


def _alla_hjalptexter(parser: argparse.ArgumentParser) -> list[str]:
    texter = [parser.format_help()]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for under in action.choices.values():
                texter += _alla_hjalptexter(under)
    return texter


@pytest.fixture
def vasterbotten(tmp_path, monkeypatch):
    mapp = ny.skapa(tmp_path / "rss-vasterbotten", "24")
    monkeypatch.chdir(mapp)
    monkeypatch.delenv("ANALYS_DATA", raising=False)
    from analys.indata import befolkning

    befolkning.clear_cache()
    return mapp


def test_every_help_in_another_lan_folder_is_free_of_dalarna(vasterbotten):
    texter = _alla_hjalptexter(cli.build_parser())
    assert len(texter) >= 16
    text = "\n".join(texter)
    kommuner = load_kommuner()
    dalarna = set(kommuner.loc[kommuner["lanskod"] == "20", "kommun"])
    assert "Dalarna" not in text
    assert not [k for k in dalarna if k in text]
    assert not re.search(r"standard 20\b|--lan 20\b", text)
    assert "standard 24, Västerbottens län, ur analys.yaml" in " ".join(text.split())
    ar = sorted(int(p.stem) for p in (vasterbotten / "data" / "avtal").glob("*.yaml"))[-1]
    assert f"--avtal {ar}" in text and "--avtal 2024" not in text
    # Tal i svensk form: decimalkomma (PxWebApi 2.0 är ett namn, inget tal).
    assert not re.findall(r"\d\.\d", text.replace("PxWebApi 2.0", "")), "decimalpunkt i hjälpen"


def test_mall_without_avtal_takes_the_folders_latest_agreement(vasterbotten, cli):
    from tests.lanmapp import ersatt_platshallare

    ersatt_platshallare(vasterbotten)  # med platshållare kvar skrivs ingen mall (test_platshallare.py)
    r = cli("mall", "--ut", "m.xlsx")
    assert r.rc == 0 and (vasterbotten / "m.xlsx").is_file(), r.err


def test_a_split_without_amount_names_the_folders_agreement(vasterbotten, cli):
    r = cli("fordelning")
    ar = sorted(int(p.stem) for p in (vasterbotten / "data" / "avtal").glob("*.yaml"))[-1]
    assert r.rc == 2 and f"t.ex. --avtal {ar})" in r.err and "2024" not in r.err


def test_an_agreement_for_another_lan_is_refused_in_the_folder(vasterbotten, cli):
    """Dalarnas avtal i Västerbottens mapp fördelas inte på Dalarnas kommuner under Västerbottens
    namn: exit 2 med filen, fältet och båda länen, som fil och som ett år i data/avtal/."""
    import shutil
    from pathlib import Path

    rot = Path(__file__).resolve().parents[1]
    shutil.copy(rot / "data" / "avtal" / "2024.yaml", vasterbotten / "dalarna.yaml")
    r = cli("fordelning", "--avtal", "dalarna.yaml")
    assert r.rc == 2 and r.out == "", r.out
    assert (
        "dalarna.yaml: lan: avtalet gäller län 20 (Dalarnas län), men analys-mappen gäller län 24 "
        "(Västerbottens län) enligt analys.yaml." in r.err
    )
    shutil.copy(rot / "data" / "avtal" / "2024.yaml", vasterbotten / "data" / "avtal" / "2028.yaml")
    for kommando in (["avtal", "lista"], ["avtal", "historik"], ["fordelning", "--avtal", "2028"]):
        r = cli(*kommando)
        assert r.rc == 2 and "2028.yaml: lan: avtalet gäller län 20 (Dalarnas län)" in r.err, (kommando, r.err)


def test_outside_a_folder_the_help_says_why_the_default_is_dalarna(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANALYS_DATA", raising=False)
    text = " ".join(cli.build_parser()._subparsers._group_actions[0].choices["fordelning"].format_help().split())
    assert "standard 20, Dalarnas län: ingen analys-mapp här, så exemplet som följer med" in text


def test_a_folder_whose_lan_has_no_kommuner_gets_no_dalarna_help_either(vasterbotten):
    """En skrivning i analys.yaml (län 99) visas som fel när kommandot körs; hjälpen faller inte
    tillbaka på Dalarnas exempel utan nämner mappens län."""
    markor = vasterbotten / "analys.yaml"
    markor.write_text(markor.read_text(encoding="utf-8").replace('lan: "24"', 'lan: "99"'), encoding="utf-8")
    text = "\n".join(_alla_hjalptexter(cli.build_parser()))
    kommuner = load_kommuner()
    assert "Dalarna" not in text
    assert not [k for k in set(kommuner.loc[kommuner["lanskod"] == "20", "kommun"]) if k in text]
    assert "standard 99, län 99, ur analys.yaml" in " ".join(text.split())


def test_a_new_folder_names_who_decides_the_agreement_and_it_can_be_changed(vasterbotten):
    """`analys ny` skriver vem som fastställer avtalen i analys.yaml, med en rad om att ändra det;
    hjälpen för faststall nämner den som står där."""
    from analys.indata.projekt import las_projekt

    text = (vasterbotten / "analys.yaml").read_text(encoding="utf-8")
    assert 'beslutande: "Socialchefsnätverket"' in text and "ändra om det" in text
    assert las_projekt().beslutande == "Socialchefsnätverket"
    (vasterbotten / "analys.yaml").write_text(text.replace("Socialchefsnätverket", "Välfärdsrådet"), encoding="utf-8")
    hjalp = " ".join("\n".join(_alla_hjalptexter(cli.build_parser())).split())
    assert "beslutat av Välfärdsrådet (beslutande i analys.yaml, eller --beslutat-av)" in hjalp
    assert "Socialchefsnätverket" not in hjalp


def test_files_that_come_with_the_program_say_so_in_another_folder(vasterbotten, tmp_path):
    """I en annan analys-mapp ligger befolkningsdatan och notebooks i programmet, inte i mappen:
    källhänvisningen säger det. Mappens egna filer skrivs som förut, relativt mappen."""
    from analys.indata.paths import medfoljande_befolkning, medfoljande_notebooks, visningsvag

    befolkning = medfoljande_befolkning() / "folkmangd_kommuner_31dec.csv"
    assert visningsvag(befolkning).endswith("folkmangd_kommuner_31dec.csv (följer med analys)")
    assert visningsvag(medfoljande_notebooks() / "fordelning.ipynb").endswith("fordelning.ipynb (följer med analys)")
    assert visningsvag(vasterbotten / "data" / "antaganden" / "bas.yaml") == "data/antaganden/bas.yaml"
    assert visningsvag(tmp_path / "annan" / "fil.csv") == "fil.csv"


def test_a_report_in_another_folder_names_the_population_file_with_its_checksum(vasterbotten):
    from analys.flode.fordelning import berakna

    ar = sorted(int(p.stem) for p in (vasterbotten / "data" / "avtal").glob("*.yaml"))[-1]
    filer = berakna(avtal=str(ar)).befolkningsfiler
    assert filer and all(f.sha256 for f in filer), filer
    assert any(f.vag.endswith("folkmangd_kommuner_31dec.csv (följer med analys)") for f in filer), filer


def test_the_folder_name_is_escaped_for_the_print_header(vasterbotten, tmp_path):
    """Mappens namn står i en CSS-sträng i utskriftens sidhuvud (där HTML-entiteter inte avkodas):
    & och citattecken skrivs som de är, och namnet kan inte avsluta stilen."""
    import nbformat

    from analys.korning.export import export_html

    text = (vasterbotten / "analys.yaml").read_text(encoding="utf-8")
    namn = 'RSS "Jämtland" & Härjedalen </style>'
    ny = re.sub(r'namn: "[^"]*"', "namn: 'RSS \"Jämtland\" & Härjedalen </style>'", text, count=1)
    (vasterbotten / "analys.yaml").write_text(ny, encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Rubrik")])
    nbformat.write(nb, tmp_path / "x.ipynb")
    export_html(tmp_path / "x.ipynb", tmp_path / "x.html")
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert '@top-right { content: "RSS \\"Jämtland\\" & Härjedalen \\3c /style\\3e "' in html
    assert html.count("</style>") == html.count("<style")  # namnet avslutade ingen stil
    assert '– RSS "Jämtland" &amp; Härjedalen &lt;/style&gt;</title>' in html
    assert namn not in html
