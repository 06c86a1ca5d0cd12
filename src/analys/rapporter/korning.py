"""Batchkörning av rapporterna i `data/rapporter.yaml` med papermill.

Varje körning ger `reports/<namn>/`: den körda notebooken (`<namn>.ipynb`), en fristående
HTML-rapport utan kod (`<namn>.html`) och arbetsboken som notebooken skriver (`<namn>.xlsx`).
Allt skrivs först i en tillfällig mapp; en befintlig rapport ersätts först när den nya är
komplett. En körning som misslyckas stoppar inte de andra; sammanfattningen sist säger vilka
som misslyckades och varför.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from analys.fel import AnalysError
from analys.indata.paths import notebook_dir, reports_dir
from analys.indata.rapportfil import Korning, load_korningar, notebook_parameters


@dataclass(frozen=True)
class Utfall:
    namn: str
    ok: bool
    sekunder: float
    fel: str = ""


def export_html(nb_path: Path, html_path: Path, titel: str) -> None:
    """Fristående HTML utan kodceller och prompter; inga skript hämtas utifrån."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4), resources={"metadata": {"name": titel}})
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r"<html[^>]*>", '<html lang="sv">', body, count=1)
    html_path.write_text(body, encoding="utf-8")


_KARNA = None


def _tyst_stderr():
    """Kärnans loggrader (t.ex. om TCP) hör inte hemma i sammanfattningen: kärnan ärver /dev/null."""
    import contextlib

    @contextlib.contextmanager
    def tyst():
        stderr = os.dup(2)
        with open(os.devnull, "w") as n:
            os.dup2(n.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(stderr, 2)
                os.close(stderr)

    return tyst()


def _karna():
    """En kärna per arbetsprocess, som återanvänds mellan rapporterna: importerna (pandas,
    matplotlib …) görs en gång per process i stället för en gång per rapport. Före varje rapport
    töms kärnans namnrymd och alla diagram stängs, så rapporterna påverkar inte varandra."""
    global _KARNA
    import atexit

    from jupyter_client.manager import KernelManager

    if _KARNA is None or not _KARNA.is_alive():
        from jupyter_client.kernelspec import KernelSpec

        _KARNA = KernelManager(kernel_name="python3")
        # Samma Python som analys är installerad i, även om användaren har en egen "python3"-kärna.
        _KARNA._kernel_spec = KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (analys)",
            language="python",
        )
        with _tyst_stderr():
            _KARNA.start_kernel(cwd=str(notebook_dir()))
        atexit.register(lambda km=_KARNA: km.shutdown_kernel(now=True))
    else:
        kc = _KARNA.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            kc.execute_interactive(
                "get_ipython().run_line_magic('reset', '-f')\n"
                "import sys\n"
                "if 'matplotlib.pyplot' in sys.modules: sys.modules['matplotlib.pyplot'].close('all')",
                timeout=60,
                store_history=False,
                output_hook=lambda msg: None,
            )
        finally:
            kc.stop_channels()
    return _KARNA


def _starta_om(km) -> None:
    """Efter ett fel: starta om kärnan så att nästa rapport börjar rent."""
    try:
        with _tyst_stderr():
            km.restart_kernel(now=True)
    except Exception:
        global _KARNA
        _KARNA = None


def _numrera(path: Path) -> None:
    """Körningsnumren 1, 2, 3 … i den körda notebooken, oavsett vilken kärna som körde den."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    n = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            n += 1
            cell["execution_count"] = n
            for ut in cell.get("outputs", []):
                if "execution_count" in ut:
                    ut["execution_count"] = n
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def run_one(korning: Korning, ut: Path) -> Utfall:
    """Kör en rapport. Körs i en egen process; fel blir ett `Utfall` med orsaken."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    ut.mkdir(parents=True, exist_ok=True)
    tillfallig = ut / f".{korning.namn}.tmp-{os.getpid()}"
    if tillfallig.exists():
        shutil.rmtree(tillfallig)
    tillfallig.mkdir()
    try:
        kanda = notebook_parameters(korning.notebook)
        okanda = sorted(set(korning.parametrar) - set(kanda))
        if okanda:
            raise AnalysError(
                f"okänd parameter {', '.join(okanda)} för {korning.notebook.name} (parametrar: {', '.join(kanda)})"
            )
        km = _karna()
        try:
            pm.execute_notebook(
                str(korning.notebook),
                str(tillfallig / f"{korning.namn}.ipynb"),
                parameters={**korning.parametrar, "ut_dir": str(tillfallig), "rapportnamn": korning.namn},
                kernel_name="python3",
                progress_bar=False,
                cwd=str(korning.notebook.parent),
                km=km,
            )
        except BaseException:
            _starta_om(km)
            raise
        _numrera(tillfallig / f"{korning.namn}.ipynb")
        export_html(tillfallig / f"{korning.namn}.ipynb", tillfallig / f"{korning.namn}.html", korning.namn)
        if not (tillfallig / f"{korning.namn}.xlsx").is_file():
            raise AnalysError(f"notebooken skrev ingen arbetsbok {korning.namn}.xlsx")
        mal = ut / korning.namn
        gammal = ut / f".{korning.namn}.gammal-{os.getpid()}"
        if mal.exists():
            os.replace(mal, gammal)
        os.replace(tillfallig, mal)
        if gammal.exists():
            shutil.rmtree(gammal)
        return Utfall(korning.namn, True, time.perf_counter() - start)
    except PapermillExecutionError as e:
        fel = e.evalue if e.ename == "AnalysError" else f"{e.ename}: {e.evalue}"
        return Utfall(korning.namn, False, time.perf_counter() - start, fel)
    except AnalysError as e:
        return Utfall(korning.namn, False, time.perf_counter() - start, str(e))
    except Exception as e:  # en trasig körning får inte stoppa de andra
        return Utfall(korning.namn, False, time.perf_counter() - start, f"{type(e).__name__}: {e}")
    finally:
        if tillfallig.exists():
            shutil.rmtree(tillfallig, ignore_errors=True)


def _stapel(klara: int, totalt: int, bredd: int = 24) -> str:
    fyllt = round(bredd * klara / totalt) if totalt else bredd
    return "[" + "#" * fyllt + "-" * (bredd - fyllt) + f"] {klara}/{totalt}"


def run_all(korningar: list[Korning], ut: Path | None = None, jobb: int | None = None, strom=None) -> list[Utfall]:
    """Kör alla rapporter parallellt (`jobb` processer, standard antalet kärnor) med en
    förloppsrad per klar rapport."""
    strom = strom or sys.stderr
    ut = ut or reports_dir()
    jobb = max(1, min(jobb or os.cpu_count() or 1, len(korningar) or 1))
    utfall: list[Utfall] = []
    with ProcessPoolExecutor(max_workers=jobb) as pool:
        framtid = {pool.submit(run_one, k, ut): k for k in korningar}
        for f in as_completed(framtid):
            u = f.result()
            utfall.append(u)
            status = "klar" if u.ok else "MISSLYCKADES"
            tid = f"{u.sekunder:.1f}".replace(".", ",")
            print(f"{_stapel(len(utfall), len(korningar))}  {u.namn}: {status} ({tid} s)", file=strom, flush=True)
    ordning = {k.namn: i for i, k in enumerate(korningar)}
    return sorted(utfall, key=lambda u: ordning[u.namn])


def summary(utfall: list[Utfall], ut: Path, sekunder: float) -> str:
    klara = [u for u in utfall if u.ok]
    fel = [u for u in utfall if not u.ok]
    tid = f"{sekunder:.1f}".replace(".", ",")
    rel = os.path.relpath(ut)
    rader = [f"{len(klara)} av {len(utfall)} rapporter klara på {tid} s, i {ut if rel.startswith('..') else rel}/."]
    if fel:
        rader.append(f"{len(fel)} misslyckades:")
        rader += [f"  {u.namn}: {u.fel}" for u in fel]
    return "\n".join(rader)


def kor(
    config: Path | None = None,
    bara: list[str] | None = None,
    jobb: int | None = None,
    ut: Path | None = None,
    lista: bool = False,
    strom=None,
) -> int:
    """`analys rapport`: kör rapporterna (eller listar dem); returnerar slutkoden."""
    strom = strom or sys.stderr
    korningar = load_korningar(config)
    if lista:
        for k in korningar:
            par = ", ".join(f"{n}={v!r}" for n, v in k.parametrar.items())
            print(f"{k.namn}  ({k.notebook.name}; {par})")
        return 0
    if jobb is not None and jobb < 1:
        raise AnalysError(f"--jobb måste vara minst 1 (fick {jobb}).")
    if bara:
        valda = [k for k in korningar if any(k.namn == b or k.namn.startswith(b + "-") for b in bara)]
        okanda = [b for b in bara if not any(k.namn == b or k.namn.startswith(b + "-") for k in korningar)]
        if okanda:
            raise AnalysError(f"Rapporten '{okanda[0]}' finns inte. Rapporter: {', '.join(k.namn for k in korningar)}.")
        korningar = valda
    ut = ut or reports_dir()
    start = time.perf_counter()
    utfall = run_all(korningar, ut, jobb, strom)
    print(summary(utfall, ut, time.perf_counter() - start), file=strom)
    return 0 if all(u.ok for u in utfall) else 1
