"""Installera analys i en Python-miljö, med besked om varje steg (körs av Makefile).

    python scripts/installera.py --miljo .venv --egen 1 [--extra dev]

- `--egen 1`: miljön är projektets egen `.venv`: den skapas om den saknas och byggs om från
  början om `pyproject.toml` ändrats sedan den skapades (så att borttagna paket försvinner).
- `--egen 0`: miljön är användarens aktiva (VIRTUAL_ENV eller CONDA_PREFIX): analys installeras i
  den, inget tas bort.

uv används om det finns (mycket snabbare), annars pip. Varje paket som hämtas visas med en
räknare, så att en första installation aldrig står tyst.
"""

from __future__ import annotations

import argparse
import os
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
    uv = shutil.which("uv")
    verktyg = "uv" if uv else "pip"
    steg = 3 if egen and not (miljo / "bin" / "python").exists() else 2
    nr = 1
    if egen:
        stampel = miljo / ".installerad"
        pyproject = ROT / "pyproject.toml"
        finns = (miljo / "bin" / "python").exists() and stampel.exists()
        if finns and stampel.stat().st_mtime < pyproject.stat().st_mtime:
            sag(".venv skapades med en äldre pyproject.toml; bygger om den från början.")
            shutil.rmtree(miljo)
            steg = 3
        if not (miljo / "bin" / "python").exists():
            version = subprocess.run([args.python, "--version"], capture_output=True, text=True).stdout.strip()
            sag(f"steg {nr}/{steg}: skapar miljön {miljo} med {version} ({verktyg})")
            if uv:
                cmd = [uv, "venv", "--quiet", "--python", args.python, str(miljo)]
            else:
                cmd = [args.python, "-m", "venv", str(miljo)]
            if subprocess.run(cmd).returncode != 0:
                sag(f"kunde inte skapa {miljo}; finns venv-modulen? (Debian: apt-get install python3-venv)")
                return 1
            nr += 1
    python = str(miljo / "bin" / "python")
    mal = f".[{args.extra}]" if args.extra else "."
    sag(
        f"steg {nr}/{steg}: installerar analys{' med testverktyg' if args.extra else ''} och "
        f"{antal_beroenden(args.extra)} beroenden (med deras beroenden) med {verktyg} i {miljo}"
        + ("" if uv else "; första gången tar det ett par minuter")
    )
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    if uv:
        kod = subprocess.run([uv, "pip", "install", "--python", python, "-e", mal], cwd=ROT, env=env).returncode
    else:
        kod = kor_med_rakning([python, "-m", "pip", "install", "--progress-bar", "off", "-e", mal], env)
    if kod != 0:
        sag("installationen misslyckades; se raderna ovan. Nätverket, eller en för gammal pip?")
        return kod
    sag(f"steg {steg}/{steg}: klart på {time.perf_counter() - start:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
