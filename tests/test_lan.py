"""Vilket län som helst: det påhittade Hallandsexemplet räknas och renderas ända fram, namn går
lika bra som koder, och titlar och standardvärden kommer ur länets egna filer, aldrig Dalarnas."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROT = Path(__file__).resolve().parents[1]
HALLAND = ROT / "data" / "exempel" / "halland"
HALLANDS_KOMMUNER = {"1315", "1380", "1381", "1382", "1383", "1384"}
PAHITTAT = "PÅHITTAT EXEMPEL – inte verkliga siffror"


@pytest.fixture
def halland(tmp_path, monkeypatch):
    """En analys-mapp för Halland (kopia av exemplet) som aktuell mapp."""
    from analys.indata.befolkning import clear_cache

    mapp = tmp_path / "halland"
    shutil.copytree(HALLAND, mapp / "data")
    (mapp / "analys.yaml").write_text('namn: RSS Halland\nlan: "13"\n', encoding="utf-8")
    monkeypatch.chdir(mapp)
    monkeypatch.delenv("ANALYS_DATA", raising=False)
    clear_cache()
    yield mapp
    clear_cache()


def test_halland_distribution_is_marked_made_up_and_sums_to_the_agreement(halland, cli):
    r = cli("fordelning", "--avtal", "2026", "--format", "excel-csv")
    assert r.rc == 0, r.err
    rader = r.out.lstrip("\ufeff").splitlines()
    assert rader[0] == PAHITTAT
    assert rader[-1].split(";")[-1] == "1030000"
    assert {rad.split(";")[0] for rad in rader[2:-1]} == HALLANDS_KOMMUNER
    tabell = cli("fordelning", "--avtal", "2026")
    assert tabell.out.startswith(f"*** {PAHITTAT} ***")
    assert "Hallands län" in tabell.out and "Dalarna" not in tabell.out
    csv = cli("fordelning", "--avtal", "2026", "--format", "csv")
    assert csv.out.splitlines()[0] == "kommunkod,kommun,folkmangd,andel,belopp"  # maskinformatet orört …
    assert PAHITTAT in csv.err  # … men den som kör får veta


def test_halland_scenario_defaults_to_its_base_year_and_is_marked(halland, cli):
    r = cli("scenario", "--kommun", "halmstad")
    assert r.rc == 0, r.err
    assert r.out.startswith(f"*** {PAHITTAT} ***")
    rubrik = next(rad for rad in r.out.splitlines() if rad.startswith("Kommun "))
    assert rubrik.split()[1:] == [str(a) for a in range(2026, 2033)]
    assert "Halmstad" in r.out and "Falun" not in r.out
    # kommunens egna avgifter och pott, inte länets, och länets tal under en egen rubrik
    csv = cli("scenario", "--format", "csv").out.splitlines()
    halmstad_2026 = next(rad.split(",") for rad in csv if rad.startswith("bas,2026,1380,"))
    pott = next(rad for rad in r.out.splitlines() if rad.startswith("Pott tillbaka, Halmstad (beräknat)"))
    assert re.split(r"\s{2,}", pott)[1].replace(" ", "") == halmstad_2026[6]
    assert "\nHela länet:\n" in r.out and "\nSumma " not in r.out
    fel = cli("scenario", "--kommun", "halmstd")
    assert fel.rc == 2
    assert "Menade du Halmstad (1380)?" in fel.err


def test_halland_invoices_carry_the_made_up_mark_on_every_row(halland, cli):
    r = cli("faktura", "--avtal", "2026", "--fakturadatum", "2026-02-10", "--format", "csv")
    assert r.rc == 0, r.err
    rader = r.out.splitlines()[1:]
    assert len(rader) == 6 and all(PAHITTAT in rad for rad in rader)
    assert sum(int(rad.rsplit(",", 3)[1]) for rad in rader) == 1_030_000


def test_halland_fetch_defaults_to_the_folders_lan(halland, cli, monkeypatch):
    from analys.indata import scb

    anrop = []
    monkeypatch.setattr(scb, "hamta", lambda lan, *a: anrop.append(lan) or "klart")
    assert cli("hamta-befolkning").rc == 0
    assert anrop == ["13"]


@pytest.mark.parametrize(
    ("flaggor", "forvantat"),
    [
        (["--exkludera", "Älvdalen"], {"2039"}),
        (["--exkludera", "alvdalen", "MALUNG-SALEN"], {"2039", "2023"}),
        (["--exkludera", "2039"], {"2039"}),
    ],
)
def test_exclude_takes_names_without_case_or_accents(cli, flaggor, forvantat):
    r = cli("fordelning", "--avtal", "2024", "--format", "csv", *flaggor)
    assert r.rc == 0, r.err
    koder = {rad.split(",")[0] for rad in r.out.splitlines()[1:]}
    assert len(koder) == 15 - len(forvantat) and not koder & forvantat
    assert sum(int(rad.rsplit(",", 1)[1]) for rad in r.out.splitlines()[1:]) == 1_030_000


def test_misspelled_kommun_gets_the_nearest_name(cli):
    r = cli("fordelning", "--avtal", "2024", "--exkludera", "Alvdaln")
    assert r.rc == 2 and r.out == ""
    assert "--exkludera: 'Alvdaln' är ingen kommun i länet" in r.err
    assert "Menade du Älvdalen (2039)?" in r.err
    f = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15", "--kommun", "borlänge", "--format", "csv")
    assert f.rc == 0, f.err
    assert [rad.split(",")[:2] for rad in f.out.splitlines()[1:]] == [["2081", "Borlänge"]]


def test_all_cli_help_is_swedish(cli):
    r = cli("--version")
    assert r.rc == 0 and r.out.startswith("analys ")
    hjalp = cli("--help").out
    for engelska in ("show this help", "show program's version", "usage:", "options:", "positional arguments"):
        assert engelska not in hjalp
    for kommando in ("fordelning", "scenario", "rapport", "faktura", "mall", "hamta-befolkning", "ny"):
        text = cli(kommando, "--help").out
        assert text.startswith("användning: analys"), kommando
        assert "show this help" not in text and "options:" not in text, kommando


def test_halland_report_loses_its_marking_when_the_agreement_is_real(tmp_path):
    """Hallands fördelning som en region utan Dalarnas filer kör den: märkt påhittad i mappens
    namn tills avtalet är på riktigt. (Hallands titlar och belopp i alla tre rapporttyperna
    prövas där README:n kör dem, i tests/test_readme.py.)"""
    if shutil.which("chromium") is None and not os.environ.get("CI"):
        pytest.skip("Chromium behövs för PDF:erna")
    mapp = tmp_path / "halland"
    shutil.copytree(HALLAND, mapp / "data")
    (mapp / "analys.yaml").write_text('namn: RSS Halland\nlan: "13"\n', encoding="utf-8")
    kort_tmp = Path(tempfile.mkdtemp(prefix="analys-"))  # kort: Chromiums uttag får inte ha långa sökvägar
    r = subprocess.run(
        [sys.executable, "-m", "analys", "rapport", "--bara", "fordelning-2026"],
        capture_output=True,
        text=True,
        cwd=mapp,
        env={**os.environ, "TMPDIR": str(kort_tmp)},
    )
    assert r.returncode == 0, r.stderr
    kvar = list(kort_tmp.iterdir())
    shutil.rmtree(kort_tmp)
    assert not kvar  # inga kvarglömda filer från kärnorna eller Chromium
    rapporter = mapp / "reports"
    F = "fordelning-2026-pahittat-exempel"
    assert sorted(p.name for p in rapporter.iterdir() if not p.name.startswith(".")) == [F]
    assert PAHITTAT in (rapporter / F / f"{F}.html").read_text(encoding="utf-8")
    assert (rapporter / F / f"{F}.pdf").stat().st_size > 10_000

    # När avtalet är på riktigt (exempel: false) får fördelningen sitt vanliga namn och den
    # gamla märkta rapporten tas bort.
    avtal = mapp / "data" / "avtal" / "2026.yaml"
    avtal.write_text(avtal.read_text(encoding="utf-8").replace("exempel: true", "exempel: false"), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "analys", "rapport", "--bara", "fordelning-2026"],
        capture_output=True,
        text=True,
        cwd=mapp,
    )
    assert r.returncode == 0, r.stderr
    assert (rapporter / "fordelning-2026" / "fordelning-2026.csv").is_file()
    assert not (rapporter / F).exists()
    assert PAHITTAT not in (rapporter / "fordelning-2026" / "fordelning-2026.html").read_text(encoding="utf-8")
