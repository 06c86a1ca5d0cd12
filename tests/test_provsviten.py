"""Provsviten själv (tests/conftest.py): ett program som saknas hoppas över med ett svenskt skäl och
nämns sist med sitt `apt-get install`; i CI (CI=true) är det ett fel, och ett test som ändå hoppats
över för ett saknat program gör körningen röd. Kontrollen kör pytest i en egen process med ett
PATH där Chromium, LibreOffice och Poppler inte finns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROGRAM

ROT = Path(__file__).resolve().parents[1]
# Ett test som behöver Chromium och ett som behöver LibreOffice.
TESTER = [
    "tests/test_rapport.py::test_pdf_is_written_even_with_a_long_tmpdir",
    "tests/test_uppfoljning.py::test_template_recalculates_in_libreoffice",
]


def path_utan_program(mapp: Path) -> str:
    """Ett PATH med samma program som nu, utom Chromium, LibreOffice och Poppler (länkar i `mapp`)."""
    borta = {k for kommandon, _, _ in PROGRAM.values() for k in kommandon} | {"google-chrome", "localc"}
    mapp.mkdir(parents=True, exist_ok=True)
    for katalog in os.environ.get("PATH", "").split(os.pathsep):
        if not katalog or not Path(katalog).is_dir():
            continue
        for fil in Path(katalog).iterdir():
            mal = mapp / fil.name
            if fil.name in borta or mal.exists() or mal.is_symlink() or not os.access(fil, os.X_OK):
                continue
            mal.symlink_to(fil)
    return f"{Path(sys.executable).parent}{os.pathsep}{mapp}"


def _pytest(tmp_path: Path, *argv: str, ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS")}
    env["PATH"] = path_utan_program(tmp_path / "bin")
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", *argv],
        cwd=ROT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_missing_program_is_skipped_with_a_swedish_reason_and_named_at_the_end(tmp_path):
    r = _pytest(tmp_path, "--basetemp", str(tmp_path / "bt"), *TESTER, ci=False)
    assert r.returncode == 0, r.stdout[-3000:]
    assert "2 skipped" in r.stdout
    assert "saknar Chromium: chromium finns inte på PATH (apt-get install chromium)" in r.stdout
    assert "saknar LibreOffice: soffice finns inte på PATH (apt-get install libreoffice-calc-nogui)" in r.stdout
    rader = [rad for rad in r.stdout.splitlines() if rad.strip()]
    assert rader[-1] == (  # sist, efter "== 2 skipped in … s =="
        "Inte testat: 1 test som behöver Chromium, 1 test som behöver LibreOffice. "
        "Testa dem med: apt-get install chromium libreoffice-calc-nogui"
    )


def test_under_ci_a_missing_program_is_an_error(tmp_path):
    r = _pytest(tmp_path, "--basetemp", str(tmp_path / "bt"), *TESTER, ci=True)
    assert r.returncode == 1, r.stdout[-3000:]
    assert "2 errors" in r.stdout and "skipped" not in r.stdout  # fel redan före fixturerna
    assert "Chromium saknas i CI (chromium finns inte på PATH); .ci/run ska installera chromium" in r.stdout
    assert "LibreOffice saknas i CI (soffice finns inte på PATH)" in r.stdout
    assert "Inte testat" not in r.stdout


@pytest.mark.parametrize("ci", [False, True])
def test_under_ci_a_test_that_skips_itself_for_a_missing_program_fails_the_run(tmp_path, ci):
    """En testfils egen överhoppning ("chromium är inte installerat") räknas också."""
    fil = tmp_path / "fall" / "test_eget.py"
    fil.parent.mkdir()
    fil.write_text(
        "import pytest\n\ndef test_x():\n    pytest.skip('chromium är inte installerat')\n", encoding="utf-8"
    )
    r = _pytest(tmp_path, "-p", "tests.conftest", "--rootdir", str(fil.parent), str(fil), ci=ci)
    assert "1 skipped" in r.stdout, r.stdout[-3000:]
    assert "Inte testat: 1 test som behöver Chromium. Testa dem med: apt-get install chromium" in r.stdout
    if ci:
        assert r.returncode == 1
        assert "FEL: i CI hoppades tester över för ett saknat program (1 test som behöver Chromium)." in r.stdout
    else:
        assert r.returncode == 0


@pytest.mark.parametrize("ci", [False, True])
def test_a_test_missing_two_programs_names_both_so_one_install_tests_it(tmp_path, ci):
    """PDF-sidans bild behöver Chromium (rapportuppsättningen) och Popplers pdftoppm: båda nämns,
    i skälet och i slutradens apt-get install (inte bara det första, så att nästa körning hoppar
    över testet igen för det andra)."""
    fil = "tests/test_skickbart.py::test_first_pdf_page_of_each_report_type_is_drawn"
    r = _pytest(tmp_path, "--basetemp", str(tmp_path / "bt"), fil, ci=ci)
    if ci:
        assert r.returncode == 1, r.stdout[-3000:]
        assert "Chromium saknas i CI" in r.stdout and "Poppler saknas i CI" in r.stdout
        return
    assert r.returncode == 0, r.stdout[-3000:]
    assert (
        "saknar Chromium: chromium finns inte på PATH (apt-get install chromium); "
        "saknar Poppler: pdftoppm finns inte på PATH (apt-get install poppler-utils)"
    ) in r.stdout
    rader = [rad for rad in r.stdout.splitlines() if rad.strip()]
    assert rader[-1] == (
        "Inte testat: 1 test som behöver Chromium, 1 test som behöver Poppler. "
        "Testa dem med: apt-get install chromium poppler-utils"
    )
