"""Installera analys i en Python-miljö, med besked om varje steg (körs av Makefile).

    python scripts/installera.py --miljo .venv --egen 1 [--extra dev]

- `--egen 1`: miljön är projektets egen `.venv`: den skapas om den saknas och byggs om från
  början om `pyproject.toml` ändrats sedan den skapades (så att borttagna paket försvinner).
- `--egen 0`: miljön är användarens aktiva (VIRTUAL_ENV eller CONDA_PREFIX): analys installeras i
  den, inget tas bort.

Paketen installeras med uv (mycket snabbare än pip) och kompileras till bytekod direkt, så att
den första rapportkörningen inte blir långsammare; det gör också analys egen källkod (`src/`, som
installeras redigerbar), så att varje kommando, kärna och server läser färdig bytekod också där
Python inte får skriva den själv (PYTHONDONTWRITEBYTECODE). uv tas från PATH eller från miljön;
finns det inte där hämtar pip först uv till projektets egen miljö (ett litet paket från samma
register).
Går det inte installerar pip allt, med ett besked per paket som hämtas, så att en första
installation aldrig står tyst.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]


def sag(text: str) -> None:
    print(f"analys: {text}", file=sys.stderr, flush=True)


def antal_beroenden(extra: str) -> int:
    projekt = tomllib.loads((ROT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return len(projekt["dependencies"]) + (len(projekt["optional-dependencies"].get(extra, [])) if extra else 0)


def kor_med_rakning(cmd: list[str], env: dict) -> int:
    """Kör pip och visa ett kort besked per paket som hämtas eller installeras."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    n = 0
    sista = []
    for rad in proc.stdout:
        rad = rad.rstrip()
        sista = [*sista, rad][-30:]
        if rad.startswith("Collecting "):
            n += 1
            print(f"  [{n}] hämtar {rad.split()[1]}", file=sys.stderr, flush=True)
        elif rad.startswith("Installing collected packages"):
            print("  installerar …", file=sys.stderr, flush=True)
        elif rad.startswith("Successfully installed"):
            print(f"  installerade {len(rad.split()) - 2} paket", file=sys.stderr, flush=True)
    kod = proc.wait()
    if kod != 0:
        print("\n".join(sista), file=sys.stderr)
    return kod


def miljons_uv(miljo: Path) -> str | None:
    """uv på PATH, annars det som redan finns i miljön (hämtat av ett tidigare steg)."""
    uv = shutil.which("uv")
    if uv:
        return uv
    i_miljon = miljo / "bin" / "uv"
    return str(i_miljon) if i_miljon.is_file() else None


def pip_for_annan_miljo(python: str) -> bool:
    """Python har en pip som kan installera i en annan miljö (`--python`, pip 22.3 eller senare)."""
    r = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True)
    m = re.match(r"pip (\d+)\.(\d+)", r.stdout)
    return r.returncode == 0 and m is not None and (int(m[1]), int(m[2])) >= (22, 3)


def hamta_uv(bas: str, miljo: Path, env: dict) -> str | None:
    """Installera uv i miljön med pip (miljöns egen, annars `bas`-pythons); sökvägen till uv, eller
    None om det inte gick."""
    python = str(miljo / "bin" / "python")
    pip = [python, "-m", "pip"] if (miljo / "bin" / "pip").exists() else [bas, "-m", "pip", "--python", python]
    kod = subprocess.run(
        [*pip, "install", "--quiet", "--progress-bar", "off", "uv"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    uv = miljo / "bin" / "uv"
    if kod.returncode != 0 or not uv.is_file():
        sista = kod.stderr.strip().splitlines()[-1:] if kod.stderr else []
        sag("kunde inte hämta uv med pip" + (f" ({sista[0]})" if sista else "") + "; installerar allt med pip.")
        return None
    return str(uv)


def skapa_miljo(args: argparse.Namespace, miljo: Path, uv: str | None, rubrik: str) -> bool:
    """Ny miljö: med uv om det finns; annars med venv, utan pip när Pythons egen pip kan hämta uv
    till den (det sparar den långsammaste delen av venv)."""
    version = subprocess.run([args.python, "--version"], capture_output=True, text=True).stdout.strip()
    sag(f"{rubrik}: skapar miljön {miljo} med {version} ({'uv' if uv else 'venv'})")
    if uv:
        cmd = [uv, "venv", "--quiet", "--python", args.python, str(miljo)]
    elif pip_for_annan_miljo(args.python):
        cmd = [args.python, "-m", "venv", "--without-pip", str(miljo)]
    else:
        cmd = [args.python, "-m", "venv", str(miljo)]
    if subprocess.run(cmd).returncode != 0:
        sag(f"kunde inte skapa {miljo}; finns venv-modulen? (Debian: apt-get install python3-venv)")
        return False
    return True


def bygg_om_gammal(miljo: Path) -> None:
    """Ta bort projektets .venv om den skapades med en äldre pyproject.toml."""
    stampel = miljo / ".installerad"
    finns = (miljo / "bin" / "python").exists() and stampel.exists()
    if finns and stampel.stat().st_mtime < (ROT / "pyproject.toml").stat().st_mtime:
        sag(".venv skapades med en äldre pyproject.toml; bygger om den från början.")
        shutil.rmtree(miljo)


def kor_uv(cmd: list[str], env: dict) -> int:
    """Kör uv och visa dess sammanfattning (upplöst, förberett, installerat, bytekod) men inte
    listan med ett paket per rad; vid fel visas allt uv skrev."""
    proc = subprocess.Popen(cmd, cwd=ROT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    paket = []
    for rad in proc.stdout:
        rad = rad.rstrip()
        if rad.startswith((" + ", " - ", " ~ ")):
            paket.append(rad)
        else:
            print(f"  {rad.strip()}", file=sys.stderr, flush=True)
    kod = proc.wait()
    if kod != 0:
        print("\n".join(paket), file=sys.stderr)
    return kod


def installera(python: str, mal: str, uv: str | None, env: dict) -> int:
    """uv med bytekod, och pip (med besked per paket) om uv saknas eller misslyckas."""
    if uv:
        if kor_uv([uv, "pip", "install", "--python", python, "-e", mal, "--compile-bytecode"], env) == 0:
            return 0
        sag("uv kunde inte installera paketen (se raderna ovan); försöker med pip.")
    if not (Path(python).parent / "pip").exists():
        sag("lägger in pip i miljön (ensurepip) …")
        subprocess.run([python, "-m", "ensurepip", "--default-pip"], env=env, stdout=subprocess.DEVNULL)
    return kor_med_rakning([python, "-m", "pip", "install", "--progress-bar", "off", "-e", mal], env)


def kompilera_kallkoden(python: str, env: dict) -> None:
    """analys egen källkod till bytekod (i `src/analys/**/__pycache__`), med miljöns Python. Ett
    fel här stoppar ingenting: Python kompilerar då själv vid import, som annars."""
    if not (ROT / "src" / "analys").is_dir():
        return
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "src/analys"],
        cwd=ROT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--miljo", required=True)
    p.add_argument("--egen", default="1")
    p.add_argument("--extra", default="")
    p.add_argument("--python", default=sys.executable)
    args = p.parse_args()
    start = time.perf_counter()
    miljo = Path(args.miljo)
    egen = args.egen == "1"
    python = str(miljo / "bin" / "python")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    if egen:
        bygg_om_gammal(miljo)
    ny = egen and not Path(python).exists()
    uv = miljons_uv(miljo)
    hamtar_uv = egen and uv is None
    steg = 2 + ny + hamtar_uv
    nr = 1
    if ny:
        if not skapa_miljo(args, miljo, uv, f"steg {nr}/{steg}"):
            return 1
        nr += 1
    if hamtar_uv:
        sag(f"steg {nr}/{steg}: hämtar uv till {miljo} med pip (ett litet paket; installerar sedan mycket snabbare)")
        uv = hamta_uv(args.python, miljo, env)
        nr += 1
    verktyg = "uv" if uv else "pip"
    mal = f".[{args.extra}]" if args.extra else "."
    sag(
        f"steg {nr}/{steg}: installerar analys{' med testverktyg' if args.extra else ''} och "
        f"{antal_beroenden(args.extra)} beroenden (med deras beroenden) med {verktyg} i {miljo}"
        + ("" if uv else "; första gången tar det ett par minuter")
    )
    kod = installera(python, mal, uv, env)
    if kod != 0:
        sag("installationen misslyckades; se raderna ovan. Nätverket, eller en för gammal pip?")
        return kod
    kompilera_kallkoden(python, env)
    sag(f"steg {steg}/{steg}: klart på {time.perf_counter() - start:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
