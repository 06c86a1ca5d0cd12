"""Gemensamt för testerna: fixturerna, de två hastigheterna och program som saknas.

**Två hastigheter.** Tester som kör notebooks, en webbläsare, LibreOffice, en ny miljö eller hela
rapportkörningen får markeringen ``e2e`` här (efter fixturerna de använder och listorna nedan),
inte i varje fil. ``make test-snabb`` kör resten (``-m "not e2e"``), ``make test`` allt.

**Program som saknas.** Ett test som behöver Chromium eller LibreOffice får markeringen
``kraver("chromium")`` eller ``kraver("soffice")``. Saknas programmet hoppas testet över med ett
svenskt skäl, och körningen slutar med en rad om vad som inte testades och vilket
``apt-get install`` som skulle testa det. I CI (``CI=true``) är ett saknat program ett fel, och
ett test som ändå hoppats över för ett saknat program gör körningen röd.

**Rapportuppsättningen** (``make reports`` i en kopia av projektet) byggs en gång per
testkörning och delas, också mellan pytest-xdists arbetare (en fillåsning).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from analys.cli import main
from analys.korning.export import utan_iri_tolkare

# Som i rapportkörningens processer: nbformat (som några tester importerar) laddar jsonschema utan
# rfc3987_syntax, vars tolkare annars tar 1,4 s processortid i varje testprocess.
utan_iri_tolkare()

# Egenskapstesterna kontrollerar värden, inte tid: på en delad maskin med två processer tar ett
# enstaka fall ibland över hypothesis standardgräns på 200 ms, utan att något är fel.
settings.register_profile("analys", deadline=None)
settings.load_profile("analys")

# PM RD21/01390 (2021-03-16), tabell 1: 400 000 kr efter folkmängden 31 december 2020.
PM_2022_TABELL_1 = {
    "Avesta": (23067, 32074),
    "Borlänge": (52394, 72851),
    "Falun": (59528, 82771),
    "Gagnef": (10378, 14430),
    "Hedemora": (15462, 21499),
    "Leksand": (15801, 21971),
    "Ludvika": (26604, 36992),
    "Malung-Sälen": (10177, 14151),
    "Mora": (20492, 28493),
    "Orsa": (6877, 9562),
    "Rättvik": (11047, 15360),
    "Smedjebacken": (10854, 15092),
    "Säter": (11161, 15519),
    "Vansbro": (6801, 9456),
    "Älvdalen": (7033, 9779),
}

DALARNA = {
    "2021": "Vansbro",
    "2023": "Malung-Sälen",
    "2026": "Gagnef",
    "2029": "Leksand",
    "2031": "Rättvik",
    "2034": "Orsa",
    "2039": "Älvdalen",
    "2061": "Smedjebacken",
    "2062": "Mora",
    "2080": "Falun",
    "2081": "Borlänge",
    "2082": "Säter",
    "2083": "Hedemora",
    "2084": "Avesta",
    "2085": "Ludvika",
}


@dataclass
class Korning:
    rc: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Kör `analys …` i processen och returnera slutkod, stdout och stderr."""

    def kor(*argv: str) -> Korning:
        try:
            rc = main(list(argv))
        except SystemExit as e:  # argparse: --help och användningsfel
            rc = e.code if isinstance(e.code, int) else 1
        fangat = capsys.readouterr()
        return Korning(rc, fangat.out, fangat.err)

    return kor


@pytest.fixture
def datakatalog(tmp_path, monkeypatch):
    """En egen kopia av data/ som ett test får ändra (ANALYS_DATA pekar dit); cacharna töms."""
    import shutil

    from analys.indata.befolkning import clear_cache
    from analys.indata.paths import data_dir

    kopia = tmp_path / "data"
    shutil.copytree(data_dir(), kopia)
    monkeypatch.setenv("ANALYS_DATA", str(kopia))
    clear_cache()
    yield kopia
    clear_cache()


# --- Två hastigheter -----------------------------------------------------------------------------

# Fixturer som kör rapporter, notebooks eller en webbläsare: varje test som använder dem är e2e.
E2E_FIXTURER = {"rapporter", "projekt_med_rapporter", "lanmapp_med_rapporter", "webblasare", "app", "lab"}
# Hela moduler där varje test kör rapportkörningen, notebooks, servrar eller pytest i en egen process.
E2E_MODULER = {"test_avbrott.py", "test_planerare.py", "test_provsviten.py", "test_app.py"}
# Enstaka tester (modul::namn, utan parametrar).
E2E_TESTER = {
    "test_arkitektur.py::test_import_linter_and_mypy_pass",
    "test_readme.py::test_every_readme_command_runs_in_order_in_a_copy",
    "test_readme.py::test_the_other_lan_section_runs_in_order_in_its_own_copy",
    "test_installation.py::test_pip_failure_shows_pips_own_last_lines",
    "test_installation.py::test_wheel_carries_population_data_and_report_templates",
    "test_lan.py::test_halland_report_loses_its_marking_when_the_agreement_is_real",
    "test_rapport.py::test_failing_run_is_reported_by_name_and_the_others_are_produced",
    "test_rapport.py::test_rerun_gives_same_files_and_numbers_and_failure_keeps_the_old_report",
    "test_rapport.py::test_pdf_is_written_even_with_a_long_tmpdir",
    "test_rapport.py::test_relative_paths_in_the_report_file_are_read_from_the_analysis_folder",
    "test_rapport.py::test_printed_workbook_header_keeps_the_years",
    "test_uppfoljning.py::test_template_recalculates_in_libreoffice",
    "test_skickbart.py::test_kommunblad_shows_the_invoiced_amount",
    "test_rapport.py::test_proposal_report_is_marked_forslag_on_every_page_and_sheet_and_renders_after_the_decision",
}

# Program som testerna kan behöva: kommandon att leta efter, namn och Debianpaket.
PROGRAM = {
    "chromium": (("chromium", "chromium-browser"), "Chromium", "chromium"),
    "soffice": (("soffice", "libreoffice"), "LibreOffice", "libreoffice-calc-nogui"),
    "pdftoppm": (("pdftoppm",), "Poppler", "poppler-utils"),
}
# Vilka tester som behöver vilket program (utöver alla som använder rapportuppsättningen, vars
# PDF:er skrivs med Chromium).
KRAVER = {
    "chromium": {
        "test_avbrott.py::test_ctrl_c_stops_everything_quickly_keeps_reports_and_blocks_a_second_run",
        "test_readme.py::test_every_readme_command_runs_in_order_in_a_copy",
        "test_readme.py::test_the_other_lan_section_runs_in_order_in_its_own_copy",
        "test_lan.py::test_halland_report_loses_its_marking_when_the_agreement_is_real",
        "test_rapport.py::test_pdf_is_written_even_with_a_long_tmpdir",
        "test_rapport.py::test_proposal_report_is_marked_forslag_on_every_page_and_sheet_and_renders_after_the_decision",
        "test_planerare.py::test_explorer_in_a_real_browser_shows_the_librarys_total_within_two_seconds",
    },
    "soffice": {
        "test_rapport.py::test_every_workbook_recalculates_in_libreoffice_to_the_librarys_numbers",
        "test_rapport.py::test_agreement_workbook_recalculated_equals_the_split",
        "test_rapport.py::test_printed_workbook_header_keeps_the_years",
        "test_uppfoljning.py::test_template_recalculates_in_libreoffice",
    },
    "pdftoppm": {"test_skickbart.py::test_first_pdf_page_of_each_report_type_is_drawn"},
}
KRAVER_FIXTURER = {"chromium": {"rapporter", "projekt_med_rapporter", "lanmapp_med_rapporter", "webblasare"}}
SKAL_PREFIX = "saknar "  # början på skälet när ett program saknas; sammanfattningen letar efter det


def i_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def program_finns(program: str) -> bool:
    return any(shutil.which(k) for k in PROGRAM[program][0])


def _namn(item: pytest.Item) -> str:
    return f"{item.path.name}::{getattr(item, 'originalname', item.name)}"


# De längsta testerna först, så att de börjar direkt på var sin arbetare (pytest-xdist, -n 2).
LANGST_FORST = {
    "test_readme.py::test_every_readme_command_runs_in_order_in_a_copy": 0,
    "test_readme.py::test_the_other_lan_section_runs_in_order_in_its_own_copy": 1,
}


def _rang(item: pytest.Item) -> int:
    """Ordningen i körningen: de längsta först, sedan övriga e2e-tester och de snabba, sist de som
    använder rapportuppsättningen (som under tiden byggs av det första testet)."""
    if _namn(item) in LANGST_FORST:
        return LANGST_FORST[_namn(item)]
    if {"rapporter", "projekt_med_rapporter"} & set(getattr(item, "fixturenames", ())):
        return 4
    return 2 if item.get_closest_marker("e2e") else 3


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    """Markeringarna före allt annat (så att -m "not e2e" ser dem), ordningen efter allt annat
    (efter pytests egen ordning efter fixturer)."""
    for item in items:
        namn = _namn(item)
        fixturer = set(getattr(item, "fixturenames", ()))
        if item.path.name in E2E_MODULER or namn in E2E_TESTER or fixturer & E2E_FIXTURER:
            item.add_marker(pytest.mark.e2e)
        for program, tester in KRAVER.items():
            if namn in tester or fixturer & KRAVER_FIXTURER.get(program, set()):
                item.add_marker(pytest.mark.kraver(program))
    resultat = yield
    ordning = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (_rang(item), ordning[id(item)]))
    # pytest-xdist (--dist load --maxschedchunk 1) ger först varje arbetare två tester i tur och
    # ordning: det näst längsta på plats 2 hamnar på den andra arbetaren.
    if len(items) > 3 and _rang(items[1]) == 1:
        items.insert(2, items.pop(1))
    return resultat


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Före fixturerna: saknas ett program hoppas testet över (i CI: ett fel). Skälet nämner
    alla program som testet behöver och som saknas, så att slutraden ger hela apt-get install."""
    saknas = [PROGRAM[m.args[0]] for m in item.iter_markers("kraver") if not program_finns(m.args[0])]
    saknas = list(dict.fromkeys(saknas))  # en markering kan komma två gånger (test och fixtur)
    if not saknas:
        return
    if i_ci():
        pytest.fail(
            "; ".join(
                f"{namn} saknas i CI ({kommandon[0]} finns inte på PATH); .ci/run ska installera {paket}"
                for kommandon, namn, paket in saknas
            )
        )
    pytest.skip(
        "; ".join(
            f"{SKAL_PREFIX}{namn}: {kommandon[0]} finns inte på PATH (apt-get install {paket})"
            for kommandon, namn, paket in saknas
        )
    )


# (program, Debianpaket) → testerna som hoppades över för att programmet saknas. Fylls också av
# rapporterna från xdists arbetare, i huvudprocessen som skriver sammanfattningen.
SAKNADE: dict[tuple[str, str], set[str]] = {}


def _saknade_program(report: pytest.TestReport) -> list[tuple[str, str]]:
    """Programmen (namn, paket) som ett överhoppat test saknade, också med en testfils egna skäl
    ("chromium är inte installerat")."""
    skal = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
    skal = skal.removeprefix("Skipped: ")
    saknade = []
    for del_ in skal.split("; "):
        for _kommandon, namn, paket in PROGRAM.values():
            if del_.startswith(f"{SKAL_PREFIX}{namn}:") or (
                namn.lower() in del_.lower() and any(o in del_ for o in ("install", "behövs", "saknas"))
            ):
                saknade.append((namn, paket))
                break
    return saknade


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        for program in _saknade_program(report):
            SAKNADE.setdefault(program, set()).add(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """I CI får inget test hoppas över för ett saknat program: då blir körningen röd."""
    if i_ci() and SAKNADE and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config: pytest.Config) -> None:
    """Körningens sista rad (efter pytests egen slutrad): vad som inte testades för att ett
    program saknas, och hur det testas."""
    rapportor = config.pluginmanager.get_plugin("terminalreporter")
    if not SAKNADE or rapportor is None or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    delar = ", ".join(
        f"{len(t)} {'test' if len(t) == 1 else 'tester'} som behöver {namn}" for (namn, _), t in sorted(SAKNADE.items())
    )
    paket = " ".join(p for (_, p) in sorted(SAKNADE))
    if i_ci():
        rapportor.write_line(f"FEL: i CI hoppades tester över för ett saknat program ({delar}).", red=True)
    rapportor.write_line(f"Inte testat: {delar}. Testa dem med: apt-get install {paket}", yellow=True)


# --- Rapportuppsättningen, en gång per körning ----------------------------------------------------


def _delad_mapp(tmp_path_factory) -> Path:
    """En mapp som alla arbetare i körningen ser (pytest-xdist ger var och en sin egen basetemp)."""
    bas = tmp_path_factory.getbasetemp()
    return bas.parent if os.environ.get("PYTEST_XDIST_WORKER") else bas


@pytest.fixture(scope="session")
def projekt_med_rapporter(tmp_path_factory) -> Path:
    """En kopia av projektet där README:ns första kommando, `make reports`, har körts: hela
    standarduppsättningen, en gång per testkörning. Delas mellan tester och arbetare; får inte
    ändras (kopiera den)."""
    from filelock import FileLock

    from tests.webb import aktiv_miljo, projektkopia

    delad = _delad_mapp(tmp_path_factory)
    projekt, klar, fel = delad / "rapportprojekt", delad / "rapportprojekt.klar", delad / "rapportprojekt.fel"
    with FileLock(str(delad / "rapportprojekt.las")):
        if fel.exists():
            pytest.fail(fel.read_text(encoding="utf-8"))
        if not klar.exists():
            projektkopia(projekt)
            r = subprocess.run(
                ["make", "reports"], cwd=projekt, env=aktiv_miljo(projekt), capture_output=True, text=True, timeout=1800
            )
            if r.returncode != 0 or "Obs:" in r.stderr:  # "Obs:" om en PDF inte kunde skrivas
                fel.write_text(f"make reports (slutkod {r.returncode}):\n{r.stderr[-5000:]}", encoding="utf-8")
                pytest.fail(fel.read_text(encoding="utf-8"))
            klar.touch()
    return projekt


@pytest.fixture(scope="session")
def rapporter(projekt_med_rapporter) -> Path:
    """Hela standarduppsättningen (som `make reports`), en gång per testkörning: mappen reports/."""
    return projekt_med_rapporter / "reports"


# --- Hjulet, byggt och installerat en gång per körning ---------------------------------------------


def _uv() -> str:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).is_file():
        pytest.skip("uv behövs för att bygga och installera hjulet (pip install uv)")
    return uv


@pytest.fixture(scope="session")
def installerat(tmp_path_factory) -> tuple[Path, Path]:
    """analys byggt som hjul och installerat (inte redigerbart) i en ny miljö utanför repot: en gång
    per testkörning, delad mellan arbetarna (som rapportuppsättningen). Får inte ändras."""
    from filelock import FileLock

    uv = _uv()
    rot = Path(__file__).resolve().parents[1]
    delad = _delad_mapp(tmp_path_factory)
    tmp, klar = delad / "hjul", delad / "hjul.klar"
    with FileLock(str(delad / "hjul.las")):
        if not klar.exists():
            shutil.rmtree(tmp, ignore_errors=True)
            r = subprocess.run(
                [uv, "build", "--wheel", "--out-dir", str(tmp / "dist"), str(rot)], capture_output=True, text=True
            )
            assert r.returncode == 0, r.stderr
            hjul = next((tmp / "dist").glob("analys-*.whl"))
            miljo = tmp / "miljo"
            subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(miljo)], check=True)
            r = subprocess.run(
                [uv, "pip", "install", "--quiet", "--python", str(miljo / "bin" / "python"), str(hjul)],
                capture_output=True,
                text=True,
            )
            assert r.returncode == 0, r.stderr
            klar.touch()
    return tmp / "miljo", next((tmp / "dist").glob("analys-*.whl"))


@pytest.fixture(scope="session")
def lanmapp_med_rapporter(installerat, tmp_path_factory) -> Path:
    """En analys-mapp för Västerbotten (`analys ny … --lan 24`) med platshållarna ersatta (se
    `tests.lanmapp`) där `make reports` har körts, med programmet installerat från hjulet
    (`installerat`) först på PATH, utanför repot: som en region som bara installerat paketet.
    En gång per körning. Får inte ändras."""

    from tests.lanmapp import ersatt_platshallare

    miljo, _ = installerat
    bas = tmp_path_factory.mktemp("lanmapp")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ANALYS_", "VIRTUAL_ENV", "CONDA", "PYTHON", "MAKE"))
    }
    env.update(PATH=f"{miljo / 'bin'}{os.pathsep}{env['PATH']}", HOME=str(bas / "hem"))
    assert shutil.which("analys", path=env["PATH"]) == str(miljo / "bin" / "analys")
    r = subprocess.run(["analys", "ny", "rss-vasterbotten", "--lan", "24"], cwd=bas, env=env, capture_output=True)
    assert r.returncode == 0, r.stderr
    mapp = bas / "rss-vasterbotten"
    ersatt_platshallare(mapp)
    # En rapport av varje slag: ett kommunblad (Umeå) i stället för ett per kommun, som räknas
    # likadant (de 15 prövas i Dalarnas uppsättning, projekt_med_rapporter).
    rapportfil = mapp / "data" / "rapporter.yaml"
    text = rapportfil.read_text(encoding="utf-8")
    post = '  - namn: kommunblad\n    notebook: kommunblad.ipynb\n    for_varje_kommun: "24"\n'
    assert post in text
    text = text.replace(post, "  - namn: kommunblad-umea\n    notebook: kommunblad.ipynb\n")
    text = text.replace(
        "parametrar: {fran: 2026, till: 2032}\n", 'parametrar: {fran: 2026, till: 2032, kommunkod: "2480"}\n'
    )
    rapportfil.write_text(text, encoding="utf-8")
    r = subprocess.run(["make", "-C", str(mapp), "reports"], env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0 and "Obs:" not in r.stderr, r.stderr[-5000:]
    return mapp
