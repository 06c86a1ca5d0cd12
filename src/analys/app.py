"""`analys app` och `analys lab`: utforskaren som webbsida (Voilà) eller i JupyterLab, i den
analys-mapp man står i och med den mappens data.

Inställningarna följer med programmet (också i hjulet, utanför repot): sparkroken som tar bort
utdata ur notebooks, inga nyheter i JupyterLab, Voilàs sida på svenska (mallen i
`analys/_jupyter/voila/templates/analys/`) och inga varningar i loggen.

Servern startas genom `python -P -m analys.app PROGRAM …`, som kör Jupyter-programmet i samma
process utan jsonschemas IRI-tolkare (se `analys.korning.export.utan_iri_tolkare`): jupyter_server
och Voilà importerar jsonschema, och tolkaren kostar annars omkring 1,4 s vid varje start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from analys.fel import AnalysError

JUPYTER = Path(__file__).resolve().parent / "_jupyter"
NOTEBOOK = "utforska.ipynb"
STANDARDPORT = {"app": 8866, "lab": 8888}


def rensa_utdata(model, path=None, contents_manager=None, **kwargs):
    """Jupyters sparkrok: före varje sparning tas utdata och körningsnummer bort ur kodcellerna,
    så att notebooks förblir som de checkas in (utdata hör hemma i reports/).

    >>> m = {"type": "notebook", "content": {"cells": [{"cell_type": "code", "outputs": [1], "execution_count": 3}]}}
    >>> rensa_utdata(m)
    >>> m["content"]["cells"]
    [{'cell_type': 'code', 'outputs': [], 'execution_count': None}]
    """
    if model.get("type") != "notebook" or not model.get("content"):
        return
    for cell in model["content"].get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None


def _program(namn: str) -> str:
    """Jupyter-programmet bredvid den Python som kör analys (samma miljö), annars i PATH."""
    bredvid = Path(sys.executable).parent / namn
    if bredvid.is_file():
        return str(bredvid)
    import shutil

    hittat = shutil.which(namn)
    if hittat is None:
        raise AnalysError(f"Programmet {namn} saknas i miljön; installera om analys (pip install analys).")
    return hittat


def notebook(rot: Path) -> Path:
    """Utforskaren: analys-mappens `notebooks/utforska.ipynb`, annars den som följer med programmet."""
    from analys.indata.paths import medfoljande_notebooks

    egen = rot / "notebooks" / NOTEBOOK
    return egen if egen.is_file() else medfoljande_notebooks() / NOTEBOOK


def miljo(rot: Path) -> dict[str, str]:
    """Miljön för servern och dess kärnor: analys-mappens data, Voilàs svenska mall, inga varningar."""
    env = dict(os.environ)
    env["ANALYS_DATA"] = str(rot / "data")
    env.pop("ANALYS_NOTEBOOKS", None)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(JUPYTER), env.get("JUPYTER_PATH", "")) if p)
    env["PYTHONWARNINGS"] = "ignore"
    return env


def kommando(vad: str, rot: Path, port: int, flaggor: list[str], root: bool) -> list[str]:
    """Kommandoraden för Voilà (`app`) eller JupyterLab (`lab`) i analys-mappen `rot`."""
    nb = notebook(rot)
    # -P: mappen man står i läggs inte först i sys.path (en egen random.py där ska inte ersätta Pythons).
    start = [sys.executable, "-P", "-m", "analys.app"]
    if vad == "app":
        return [
            *start,
            _program("voila"),
            str(nb),
            f"--port={port}",
            "--no-browser",
            "--Voila.ip=127.0.0.1",
            "--template=analys",
            "--theme=light",
            "--show_tracebacks=False",
            "--VoilaExporter.language_code=sv",
            "--Voila.log_level=ERROR",
            *flaggor,
        ]
    sokvag = nb.relative_to(rot).as_posix() if nb.is_relative_to(rot) else ""
    return [
        *start,
        _program("jupyter-lab"),  # `jupyter lab` kör det med exec, utan inställningen i sys.modules
        *([sokvag] if sokvag else []),
        f"--ServerApp.root_dir={rot}",
        f"--port={port}",
        "--FileContentsManager.pre_save_hook=analys.app.rensa_utdata",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # Voilàs servertillägg behövs inte i JupyterLab (utforskaren körs där som notebook), och det
        # slår på traitlets varningar i loggen igen.
        "--ServerApp.jpserver_extensions=voila.server_extension=False",
        *(["--allow-root"] if root else []),
        *flaggor,
    ]


def starta(vad: str, port: int | None = None, flaggor: list[str] | None = None) -> int:
    """Starta Voilà eller JupyterLab i den aktuella analys-mappen (processen ersätts av servern)."""
    from analys.indata.paths import kravd_projektrot

    rot = kravd_projektrot()
    port = port or STANDARDPORT[vad]
    if not 1 <= port <= 65535:
        raise AnalysError(f"--port {port}: en port är ett tal mellan 1 och 65535.")
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if vad == "lab" and root:
        print("analys: du kör som root; JupyterLab startas med --allow-root.", file=sys.stderr)
    cmd = kommando(vad, rot, port, list(flaggor or []), root)
    if vad == "app":
        print(f"analys: utforskaren på http://127.0.0.1:{port}/ (avsluta med Ctrl-C)", file=sys.stderr)
    else:
        print(f"analys: JupyterLab i {rot} på port {port} (avsluta med Ctrl-C)", file=sys.stderr)
    sys.stderr.flush()
    sys.stdout.flush()
    os.execve(cmd[0], cmd, miljo(rot))
    return 0  # pragma: no cover - execve återvänder inte


def _kor_program(argv: list[str]) -> None:
    """`python -P -m analys.app PROGRAM ARG …`: Jupyter-programmet PROGRAM (sökvägen till voila eller
    jupyter-lab) i den här processen, med argumenten, utan jsonschemas IRI-tolkare."""
    import runpy

    from analys.korning.export import utan_iri_tolkare

    if not argv or not Path(argv[0]).is_file():
        vad = f"programmet {argv[0]} finns inte" if argv else "inget program angavs"
        print(
            "analys: python -m analys.app startar ett Jupyter-program (voila eller jupyter-lab) åt "
            f"analys app och analys lab; {vad}. Starta utforskaren med: analys app",
            file=sys.stderr,
        )
        sys.exit(2)
    utan_iri_tolkare()
    sys.argv = argv
    runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    _kor_program(sys.argv[1:])
