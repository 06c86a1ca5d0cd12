"""Hjälp för testerna som startar JupyterLab och Voilà och kör en riktig webbläsare (Debians
headless Chromium via Playwright). Används av tests/test_planerare.py, tests/test_app.py och
benchmarks/app.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from analys.korning.pdf import CHROMIUM_FLAGGOR as PDF_FLAGGOR

ROT = Path(__file__).resolve().parents[1]
# Samma flaggor som programmet använder för PDF:erna (ett ställe), utan de två som bara gäller
# kommandoradens utskrift: --headless sätter Playwright själv, och --no-pdf-header-footer får en
# webbläsare som Playwright styr att aldrig svara.
CHROMIUM_FLAGGOR = [f for f in PDF_FLAGGOR if f not in ("--headless", "--no-pdf-header-footer")]


def spara_genom_lab_med_utdata(session, bas: str, mapp: Path, nummer: int = 7) -> dict:
    """Spara notebooks/utforska.ipynb med en utdata genom JupyterLabs API; ger filen som den
    hamnade på disken (sparkroken ska ha tagit bort utdata)."""
    import json

    nb = json.loads((mapp / "notebooks" / "utforska.ipynb").read_text(encoding="utf-8"))
    kod = next(c for c in nb["cells"] if c["cell_type"] == "code")
    kod["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "utdata\n"}]
    kod["execution_count"] = nummer
    svar = session.put(
        f"{bas}/api/contents/notebooks/utforska.ipynb",
        headers={"X-XSRFToken": session.cookies["_xsrf"]},
        json={"type": "notebook", "format": "json", "content": nb},
        timeout=10,
    )
    assert svar.status_code == 200, svar.text
    return json.loads((mapp / "notebooks" / "utforska.ipynb").read_text(encoding="utf-8"))


def utan_utdata(nb: dict) -> bool:
    return all(not c.get("outputs") and c.get("execution_count") is None for c in nb["cells"] if "outputs" in c)


# Voilàs mall länkar Font Awesome från ett CDN; utan internet blir det ett konsolfel som inte
# har med utforskaren att göra. Testerna svarar med en tom stilmall.
CDN = "https://cdn.jsdelivr.net/**"


def chromium() -> str | None:
    """Debians chromium (själva programmet, förbi skalskriptet när det går)."""
    for kandidat in ("/usr/lib/chromium/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if kandidat and Path(kandidat).is_file():
            return kandidat
    return None


def ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def projektkopia(mal: Path) -> Path:
    """En kopia av det en användare har i sin klon (utan .git, .venv och reports/)."""
    mal.mkdir(parents=True, exist_ok=True)
    for namn in ("analys.yaml", "Makefile", "pyproject.toml", "README.md", "environment.yml"):
        shutil.copy2(ROT / namn, mal / namn)
    for namn in ("data", "notebooks", "jupyter", "scripts", "src"):
        shutil.copytree(ROT / namn, mal / namn, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return mal


def aktiv_miljo(projekt: Path) -> dict[str, str]:
    """Miljövariabler som får `make` att använda den Python testerna körs i (som efter
    `source .venv/bin/activate`), med installationen redan gjord; Jupyter skriver i en egen mapp."""
    prefix = sys.prefix
    stampel = projekt / ".make" / (os.path.abspath(prefix).replace("/", "_") + ".installerad")
    stampel.parent.mkdir(exist_ok=True)
    stampel.touch()
    stampel.with_name(stampel.name + "-dev").touch()
    jupyter = projekt / ".jupyter-test"
    env = {k: v for k, v in os.environ.items() if k not in ("CONDA_PREFIX", "ANALYS_DATA", "MAKEFLAGS", "MAKELEVEL")}
    env.update(
        VIRTUAL_ENV=prefix,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
        JUPYTER_DATA_DIR=str(jupyter / "data"),
        JUPYTER_CONFIG_DIR=str(jupyter / "config"),
        IPYTHONDIR=str(jupyter / "ipython"),
        BROWSER="true",  # ingen webbläsare öppnas av `make lab`
    )
    return env


def svarar(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as svar:
            return svar.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError):
        return None


@contextlib.contextmanager
def server(cmd: list[str], klar_url: str, cwd: Path, env: dict[str, str], logg: Path, tidsgrans: float = 90):
    """Starta en server (i en egen processgrupp), vänta tills `klar_url` svarar 200 och stoppa den
    med SIGTERM efteråt (SIGKILL om den inte slutat inom 15 s). Ger (process, sekunder till 200)."""
    with open(logg, "wb") as ut:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=ut, stderr=subprocess.STDOUT, start_new_session=True)
    start = time.perf_counter()
    try:
        while svarar(klar_url) != 200:
            if proc.poll() is not None:
                raise AssertionError(f"{' '.join(cmd)} slutade med {proc.returncode}:\n{logg.read_text()[-3000:]}")
            if time.perf_counter() - start > tidsgrans:
                raise AssertionError(f"{klar_url} svarade inte inom {tidsgrans} s:\n{logg.read_text()[-3000:]}")
            time.sleep(0.2)
        yield proc, time.perf_counter() - start
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@contextlib.contextmanager
def webblasare(**kontext):
    """En Playwright-sida i Debians headless Chromium med ny profil; konsolfel samlas i `sida.fel`."""
    from playwright.sync_api import sync_playwright

    profil = tempfile.mkdtemp(prefix="pw-profil-")
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                profil, executable_path=chromium(), headless=True, args=CHROMIUM_FLAGGOR, **kontext
            )
            try:
                sida = ctx.pages[0] if ctx.pages else ctx.new_page()
                sida.fel = []
                sida.on("console", lambda m: sida.fel.append(m.text) if m.type == "error" else None)
                sida.on("pageerror", lambda e: sida.fel.append(f"pageerror: {e}"))
                sida.route(CDN, lambda r: r.fulfill(status=200, content_type="text/css", body=""))
                yield sida
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profil, ignore_errors=True)
