"""Installationen som en ny användare möter den: för gammal Python ger ett svenskt besked, uv
används när det finns och hämtas med pip när det inte gör det (pip med besked per paket om det
inte går), en gammal .venv byggs om, en aktiv miljö används, och programmet fungerar
installerat från hjulet i en egen miljö utanför repot."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.webb import ROT, projektkopia

UTAN_MILJO = ("VIRTUAL_ENV", "CONDA_PREFIX", "MAKEFLAGS", "MAKELEVEL", "ANALYS_DATA")


def _ren_miljo(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UTAN_MILJO}
    env.update(extra)
    return env


def _fake_python(bin_dir: Path, version: str) -> None:
    """Ett `python3` som säger sig vara `version` (för maskiner utan en sådan Python)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    delar = tuple(int(d) for d in version.split("."))
    skript = bin_dir / "python3"
    skript.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(f"""
        import sys
        args = sys.argv[1:]
        if args == ["--version"]:
            print("Python {version}")
            sys.exit(0)
        if args[:1] == ["-c"]:
            sys.version_info = {(*delar, "final", 0)!r}
            exec(args[1])
            sys.exit(0)
        sys.exit("den låtsade python3 kan inte köra " + " ".join(args))
        """),
        encoding="utf-8",
    )
    skript.chmod(0o755)


@pytest.mark.parametrize("mal", ["reports", "test"])
def test_python_310_gets_the_swedish_message_and_nothing_is_created(tmp_path, mal):
    projekt = projektkopia(tmp_path / "projekt")
    _fake_python(tmp_path / "bin", "3.10.12")
    env = _ren_miljo(PATH=f"{tmp_path / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin")
    r = subprocess.run(["make", mal], cwd=projekt, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert "analys: Python 3.11 eller senare krävs, men python3 är Python 3.10.12." in r.stderr
    assert "make reports PYTHON=python3.11" in r.stderr
    assert "Traceback" not in r.stderr and "pip" not in r.stderr
    assert not (projekt / ".venv").exists()


def test_a_missing_python_is_named(tmp_path):
    projekt = projektkopia(tmp_path / "projekt")
    r = subprocess.run(
        ["make", "reports", "PYTHON=python3.99"], cwd=projekt, env=_ren_miljo(), capture_output=True, text=True
    )
    assert r.returncode != 0
    assert "Python 3.11 eller senare krävs, men python3.99 är inte installerat." in r.stderr


@pytest.mark.parametrize(
    ("miljo", "forvantat"),
    [
        ({}, ".venv/bin/analys rapport"),
        ({"VIRTUAL_ENV": "/opt/min-miljo"}, "/opt/min-miljo/bin/analys rapport"),
        ({"CONDA_PREFIX": "/opt/conda/envs/analys"}, "/opt/conda/envs/analys/bin/analys rapport"),
        # efter `source .venv/bin/activate` (som README:n säger) är det fortfarande projektets .venv
        ({"VIRTUAL_ENV": str(ROT / ".venv")}, ".venv/bin/analys rapport"),
    ],
)
def test_make_uses_the_active_environment(miljo, forvantat):
    r = subprocess.run(["make", "-n", "reports"], cwd=ROT, env=_ren_miljo(**miljo), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert forvantat in r.stdout.splitlines()


def _installera():
    spec = importlib.util.spec_from_file_location("installera", ROT / "scripts" / "installera.py")
    modul = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(modul)
    return modul


def _fake_uv(bin_dir: Path, logg: Path) -> None:
    """Ett `uv` som skriver ner sina anrop och skapar en låtsasmiljö."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    uv = bin_dir / "uv"
    uv.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(f"""
        import pathlib, sys
        with open({str(logg)!r}, "a") as f:
            f.write(" ".join(sys.argv[1:]) + "\\n")
        if sys.argv[1] == "venv":
            miljo = pathlib.Path(sys.argv[-1])
            (miljo / "bin").mkdir(parents=True)
            (miljo / "bin" / "python").symlink_to({sys.executable!r})
        """),
        encoding="utf-8",
    )
    uv.chmod(0o755)


def test_installer_uses_uv_when_on_path_and_rebuilds_a_venv_older_than_pyproject(tmp_path):
    projekt = projektkopia(tmp_path / "projekt")
    logg = tmp_path / "uv.log"
    _fake_uv(tmp_path / "bin", logg)
    env = _ren_miljo(PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")

    def installera() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "scripts/installera.py", "--miljo", ".venv", "--egen", "1", "--python", sys.executable],
            cwd=projekt,
            env=env,
            capture_output=True,
            text=True,
        )

    r = installera()
    assert r.returncode == 0, r.stderr
    assert "steg 1/3: skapar miljön .venv med Python 3." in r.stderr and "(uv)" in r.stderr
    import tomllib

    antal = len(tomllib.loads((ROT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"])
    assert f"steg 2/3: installerar analys och {antal} beroenden" in r.stderr
    anrop = logg.read_text().splitlines()
    assert anrop[0].startswith("venv ") and anrop[1] == "pip install --python .venv/bin/python -e . --compile-bytecode"
    # analys egen källkod (redigerbart installerad) är också bytekod, som paketen uv kompilerar
    assert {p.name.split(".")[0] for p in (projekt / "src" / "analys" / "__pycache__").glob("*.pyc")} >= {"cli", "app"}
    assert list((projekt / "src" / "analys" / "berakning" / "__pycache__").glob("kostnadsmodell.*.pyc"))
    # Make sätter stämpeln efter en lyckad installation; pyproject.toml ändras efteråt
    stampel = projekt / ".venv" / ".installerad"
    stampel.touch()
    gammal = (projekt / "pyproject.toml").stat().st_mtime - 60  # kopian behåller filens tid
    os.utime(stampel, (gammal, gammal))
    (projekt / ".venv" / "kvarglomt-paket").write_text("från den gamla miljön")
    r = installera()
    assert r.returncode == 0, r.stderr
    assert ".venv skapades med en äldre pyproject.toml; bygger om den från början." in r.stderr
    assert not (projekt / ".venv" / "kvarglomt-paket").exists()
    assert [a.split()[0] for a in logg.read_text().splitlines()] == ["venv", "pip", "venv", "pip"]


def _fake_python_utan_uv(
    tmp_path: Path, *, bas_har_pip: bool = True, pip_hamtar_uv: bool = True, uv_lyckas: bool = True
) -> tuple[Path, Path]:
    """Ett `python3` (med eller utan pip) vars `-m venv` skapar en låtsasmiljö med samma skript som
    python: `pip install uv` lägger ett låtsas-uv i miljön (eller misslyckas), `ensurepip` lägger in
    pip, och annars skriver pip sina rader per paket. Varje anrop skrivs i loggen, med "python" för
    grundpythonen och "venv" för miljöns."""
    logg = tmp_path / "anrop.log"
    skript = tmp_path / "python" / "python3"
    skript.parent.mkdir(parents=True)
    uv_kod = textwrap.dedent(f"""
        import sys
        with open({str(logg)!r}, "a") as f:
            f.write("uv " + " ".join(sys.argv[1:]) + "\\n")
        if not {uv_lyckas!r}:
            sys.exit("error: Failed to fetch: registret svarar inte")
        print("Installed 2 packages in 5ms", file=sys.stderr)
        print(" + numpy==2.3.0", file=sys.stderr)
        print(" + pandas==3.0.0", file=sys.stderr)
        """)
    skript.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(f"""
        import pathlib, sys
        args = sys.argv[1:]
        bas = sys.argv[0] == {str(skript)!r}
        with open({str(logg)!r}, "a") as f:
            f.write(("python " if bas else "venv ") + " ".join(args) + "\\n")
        pip_finns = {bas_har_pip!r} if bas else (pathlib.Path(sys.argv[0]).parent / "pip").exists()
        if args == ["--version"]:
            print("Python 3.12.0")
        elif args[:2] == ["-m", "venv"]:
            (pathlib.Path(args[-1]) / "bin").mkdir(parents=True)
            (pathlib.Path(args[-1]) / "bin" / "python").symlink_to({str(skript)!r})
            if "--without-pip" not in args:
                (pathlib.Path(args[-1]) / "bin" / "pip").write_text("pip")
        elif args[:2] == ["-m", "compileall"]:
            pass
        elif args[:2] == ["-m", "ensurepip"]:
            (pathlib.Path(sys.argv[0]).parent / "pip").write_text("pip")
        elif args[:2] == ["-m", "pip"] and not pip_finns:
            sys.exit("No module named pip")
        elif args == ["-m", "pip", "--version"]:
            print("pip 24.0 from /usr/lib/python3/dist-packages/pip (python 3.12)")
        elif args[:2] == ["-m", "pip"] and args[-1] == "uv":
            if not {pip_hamtar_uv!r}:
                sys.exit("ERROR: No matching distribution found for uv")
            miljo = pathlib.Path(args[args.index("--python") + 1] if "--python" in args else sys.argv[0]).parent
            (miljo / "uv").write_text("#!{sys.executable}\\n" + {uv_kod!r})
            (miljo / "uv").chmod(0o755)
        elif args[:3] == ["-m", "pip", "install"]:
            for rad in ("Collecting pandas<4,>=3", "Collecting numpy<3,>=2", "Installing collected packages: numpy, pandas",
                        "Successfully installed numpy-2.3.0 pandas-3.0.0"):
                print(rad)
        else:
            sys.exit("oväntat anrop: " + " ".join(args))
        """),
        encoding="utf-8",
    )
    skript.chmod(0o755)
    return skript, logg


def _installera_utan_uv(projekt: Path, python: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    """scripts/installera.py med ett PATH där inget uv finns."""
    tom = tmp_path / "tom-path"
    tom.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "scripts/installera.py", "--miljo", ".venv", "--egen", "1", "--python", str(python), *extra],
        cwd=projekt,
        env=_ren_miljo(PATH=str(tom)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_installer_without_uv_fetches_uv_with_pip_and_installs_with_it_compiling_bytecode(tmp_path):
    projekt = projektkopia(tmp_path / "projekt")
    python, logg = _fake_python_utan_uv(tmp_path)
    antal = _installera().antal_beroenden("")
    r = _installera_utan_uv(projekt, python, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "analys: steg 1/4: skapar miljön .venv med Python 3.12.0 (venv)" in r.stderr
    assert "analys: steg 2/4: hämtar uv till .venv med pip" in r.stderr
    assert (
        f"analys: steg 3/4: installerar analys och {antal} beroenden (med deras beroenden) med uv i .venv\n" in r.stderr
    )
    assert "analys: steg 4/4: klart på " in r.stderr
    # uv:s sammanfattning visas, inte listan med ett paket per rad
    assert "  Installed 2 packages in 5ms\n" in r.stderr and "numpy==2.3.0" not in r.stderr
    # Miljön skapas utan pip (det långsamma i venv); grundpythonens pip hämtar uv till den.
    assert logg.read_text().splitlines() == [
        "python --version",
        "python -m pip --version",
        "python -m venv --without-pip .venv",
        "python -m pip --python .venv/bin/python install --quiet --progress-bar off uv",
        "uv pip install --python .venv/bin/python -e . --compile-bytecode",
        "venv -m compileall -q -j 0 src/analys",
    ]
    # Testverktygen (make test) installeras med samma uv, utan att hämta det igen.
    logg.unlink()
    r = _installera_utan_uv(projekt, python, tmp_path, "--extra", "dev")
    assert r.returncode == 0, r.stderr
    assert "analys: steg 1/2: installerar analys med testverktyg och " in r.stderr and "med uv i .venv" in r.stderr
    assert logg.read_text().splitlines() == [
        "uv pip install --python .venv/bin/python -e .[dev] --compile-bytecode",
        "venv -m compileall -q -j 0 src/analys",
    ]


def test_installer_without_uv_or_pip_in_the_base_python_uses_the_venvs_pip_to_fetch_uv(tmp_path):
    projekt = projektkopia(tmp_path / "projekt")
    python, logg = _fake_python_utan_uv(tmp_path, bas_har_pip=False)
    r = _installera_utan_uv(projekt, python, tmp_path)
    assert r.returncode == 0, r.stderr
    assert logg.read_text().splitlines()[2:] == [
        "python -m venv .venv",
        "venv -m pip install --quiet --progress-bar off uv",
        "uv pip install --python .venv/bin/python -e . --compile-bytecode",
        "venv -m compileall -q -j 0 src/analys",
    ]
    assert "analys: steg 4/4: klart på " in r.stderr


def test_installer_falls_back_to_pip_with_progress_when_uv_fails(tmp_path):
    projekt = projektkopia(tmp_path / "projekt")
    python, logg = _fake_python_utan_uv(tmp_path, uv_lyckas=False)
    r = _installera_utan_uv(projekt, python, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "error: Failed to fetch: registret svarar inte" in r.stderr
    assert "analys: uv kunde inte installera paketen (se raderna ovan); försöker med pip." in r.stderr
    assert "analys: lägger in pip i miljön (ensurepip) …" in r.stderr
    assert "[1] hämtar pandas<4,>=3" in r.stderr and "[2] hämtar numpy<3,>=2" in r.stderr
    assert "installerade 2 paket" in r.stderr and "analys: steg 4/4: klart på " in r.stderr
    assert logg.read_text().splitlines()[-4:] == [
        "uv pip install --python .venv/bin/python -e . --compile-bytecode",
        "venv -m ensurepip --default-pip",
        "venv -m pip install --progress-bar off -e .",
        "venv -m compileall -q -j 0 src/analys",
    ]


def test_installer_falls_back_to_pip_with_progress_when_pip_cannot_fetch_uv(tmp_path):
    projekt = projektkopia(tmp_path / "projekt")
    python, logg = _fake_python_utan_uv(tmp_path, pip_hamtar_uv=False)
    r = _installera_utan_uv(projekt, python, tmp_path)
    assert r.returncode == 0, r.stderr
    assert (
        "analys: kunde inte hämta uv med pip (ERROR: No matching distribution found for uv); installerar allt med pip."
        in r.stderr
    )
    assert "med pip i .venv; första gången tar det ett par minuter" in r.stderr
    assert "[1] hämtar pandas<4,>=3" in r.stderr and "installerade 2 paket" in r.stderr
    assert not (projekt / ".venv" / "bin" / "uv").exists()
    assert not [rad for rad in logg.read_text().splitlines() if rad.startswith("uv ")]
    assert logg.read_text().splitlines()[-3:] == [
        "venv -m ensurepip --default-pip",
        "venv -m pip install --progress-bar off -e .",
        "venv -m compileall -q -j 0 src/analys",
    ]


def test_pip_progress_names_each_package(capsys):
    pip_utdata = [
        "Collecting pandas<4,>=3",
        "  Downloading pandas-3.0.0.whl (12.1 MB)",
        "Collecting numpy<3,>=2",
        "Installing collected packages: numpy, pandas",
        "Successfully installed numpy-2.3.0 pandas-3.0.0",
    ]
    kod = "\n".join(f"print({rad!r})" for rad in pip_utdata)
    assert _installera().kor_med_rakning([sys.executable, "-c", kod], dict(os.environ)) == 0
    err = capsys.readouterr().err
    assert "[1] hämtar pandas<4,>=3" in err and "[2] hämtar numpy<3,>=2" in err
    assert "installerar …" in err and "installerade 2 paket" in err


def test_pip_failure_shows_pips_own_last_lines(capsys):
    kod = "import sys; print('ERROR: Could not find a version that satisfies the requirement pandas>=3'); sys.exit(1)"
    assert _installera().kor_med_rakning([sys.executable, "-c", kod], dict(os.environ)) == 1
    assert "Could not find a version" in capsys.readouterr().err


# --- hjulet, installerat utanför repot ------------------------------------------------------------
# (En region som bara installerat hjulet, från `analys ny` till `make reports`: fixturen
# lanmapp_med_rapporter och tests/test_platshallare.py.)


def test_wheel_carries_population_data_and_report_templates(installerat):
    import zipfile

    _, hjul = installerat
    namn = zipfile.ZipFile(hjul).namelist()
    assert "analys/_data/befolkning/metadata.yaml" in namn
    notebooks = {f"analys/_data/notebooks/{p.name}" for p in (ROT / "notebooks").glob("*.ipynb")}
    assert len(notebooks) >= 8 and notebooks <= set(namn)  # varje rapporttyp, också avtalsbilagan och utforskaren
    import yaml

    metadata = yaml.safe_load((ROT / "data" / "befolkning" / "metadata.yaml").read_text(encoding="utf-8"))
    assert {f"analys/_data/befolkning/{fil}" for fil in metadata} <= set(namn)
    assert not [n for n in namn if n.startswith(("tests/", "data/", "analys/_data/befolkning/hamtat"))]
