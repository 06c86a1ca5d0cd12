"""Kärnan som kör notebooks: en Python-kärna per arbetsprocess, som återanvänds mellan
rapporterna, så att importerna (pandas, matplotlib …) görs en gång per process i stället för en
gång per rapport. Före varje rapport töms kärnans namnrymd och alla diagram stängs, så att
rapporterna inte påverkar varandra; efter ett fel startas kärnan om."""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import sys
from pathlib import Path

from analys.indata.paths import data_dir
from analys.korning.rapportfil import analysmapp

_KARNA = None


@contextlib.contextmanager
def _tyst_stderr():
    """Kärnans loggrader (t.ex. om TCP) hör inte hemma i sammanfattningen: kärnan ärver /dev/null."""
    stderr = os.dup(2)
    with open(os.devnull, "w") as n:
        os.dup2(n.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(stderr, 2)
            os.close(stderr)


def karna():
    """Arbetsprocessens kärna, startad första gången och tömd före varje följande rapport."""
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
        # Kärnan körs i analys-mappen, så att rapportfilens relativa sökvägar räknas därifrån
        # (notebooks kan vara de som följer med programmet); den får analys-mappens data som
        # absolut sökväg, så att den räknar på rätt läns filer.
        env = {**os.environ, "ANALYS_DATA": str(data_dir().resolve())}
        if os.environ.get("ANALYS_NOTEBOOKS"):
            env["ANALYS_NOTEBOOKS"] = str(Path(os.environ["ANALYS_NOTEBOOKS"]).resolve())
        with _tyst_stderr():
            _KARNA.start_kernel(cwd=str(analysmapp()), env=env)
        # En arbetsprocess avslutas med os._exit (atexit körs inte där), men multiprocessings
        # avslutare körs: kärnan stängs och dess anslutningsfil tas bort.
        atexit.register(stang, _KARNA)
        multiprocessing.util.Finalize(None, stang, args=(_KARNA,), exitpriority=10)
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


def stang(km) -> None:
    """Stäng kärnan och ta bort dess anslutningsfil."""
    with contextlib.suppress(Exception):
        km.shutdown_kernel(now=True)
    with contextlib.suppress(Exception):
        os.unlink(km.connection_file)


def starta_om(km) -> None:
    """Efter ett fel: starta om kärnan så att nästa rapport börjar rent."""
    try:
        with _tyst_stderr():
            km.restart_kernel(now=True)
    except Exception:
        global _KARNA
        _KARNA = None


def doda() -> None:
    """I en arbetsprocess som stoppas: döda kärnans processgrupp direkt och ta bort anslutningsfilen."""
    import signal

    km = _KARNA
    with contextlib.suppress(Exception):
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is not None:
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        os.unlink(km.connection_file)
