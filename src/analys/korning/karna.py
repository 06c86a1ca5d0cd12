"""Kärnan som kör notebooks: en Python-kärna per arbetsprocess, som återanvänds mellan
rapporterna, så att importerna (pandas, matplotlib …) görs en gång per process i stället för en
gång per rapport. Före varje rapport töms kärnans namnrymd och alla diagram stängs, så att
rapporterna inte påverkar varandra; efter ett fel startas kärnan om.

Tömningen går genom en klient som hålls ansluten till kärnans shell-kanal under hela processen
(bara den: inga sändningar från kärnans iopub att läsa ikapp), så att den inte väntar in en ny
anslutning före varje rapport."""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import sys
from pathlib import Path

from analys.fel import ExterntFel
from analys.indata.paths import data_dir
from analys.korning.rapportfil import analysmapp

_KARNA = None
_KLIENT = None

# `%reset -f` som i IPython, men utan den fullständiga skräpsamlingen (gc.collect) som IPython gör
# när utdatacachen töms: den tar mer tid än det mesta i ett kommunblad, och Python samlar ändå
# själv. Namnrymden, historiken och utdatacachen töms som vanligt; diagrammen stängs.
TOMNING = """def _tom():
    import gc, sys
    samla = gc.collect
    gc.collect = lambda *a, **k: 0
    try:
        get_ipython().run_line_magic("reset", "-f")
    finally:
        gc.collect = samla
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
_tom()
"""


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


def _klientklass():
    """Klienten som papermill (nbclient) kör notebooken genom: jupyter_clients egen, med samma
    väntan på kärnan (svar på kernel_info och ett meddelande på iopub, annars en ny fråga), men
    utan dess avslutande väntan på 0,2 sekunders tystnad på iopub före varje rapport. Det som
    redan ligger i kön töms utan att vänta; det som kommer senare tillhör frågan kernel_info, och
    nbclient läser bara meddelanden som svarar på dess egna celler."""
    import queue
    import time

    from jupyter_client.blocking.client import BlockingKernelClient

    class Klient(BlockingKernelClient):
        def wait_for_ready(self, timeout: float | None = None) -> None:
            slut = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    svar = self.shell_channel.get_msg(timeout=1)
                except queue.Empty:
                    pass
                else:
                    if svar["msg_type"] == "kernel_info_reply":
                        try:  # iopub ansluten? annars en ny fråga, som i jupyter_client
                            self.iopub_channel.get_msg(timeout=0.2)
                        except queue.Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(svar)
                            break
                # Svenska fel som körningens sammanfattning visar (nbclient stänger kärnan först).
                if not self.is_alive():
                    raise ExterntFel("Python-kärnan avslutades innan den svarade; rapporten kördes inte.")
                if time.monotonic() > slut:
                    raise ExterntFel(
                        f"Python-kärnan svarade inte på {round(timeout or 0)} sekunder; rapporten kördes inte."
                    )
            while True:
                try:
                    self.iopub_channel.get_msg(timeout=0)
                except queue.Empty:
                    break

    return Klient


def karna():
    """Arbetsprocessens kärna, startad första gången och tömd före varje följande rapport."""
    global _KARNA, _KLIENT
    import atexit

    from jupyter_client.manager import KernelManager

    if _KARNA is None or not _KARNA.is_alive():
        from jupyter_client.kernelspec import KernelSpec

        _slapp_klienten()

        _KARNA = KernelManager(kernel_name="python3")
        _KARNA.client_factory = _klientklass()
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
        if _KLIENT is None:
            _KLIENT = _KARNA.blocking_client()
            _KLIENT.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        svar = _KLIENT.execute(TOMNING, reply=True, timeout=60, store_history=False)
        if svar["content"].get("status") != "ok":  # kunde inte tömmas: börja om med en ny kärna
            starta_om(_KARNA)
    return _KARNA


def _slapp_klienten() -> None:
    global _KLIENT
    if _KLIENT is not None:
        with contextlib.suppress(Exception):
            _KLIENT.stop_channels()
        _KLIENT = None


def stang(km) -> None:
    """Stäng kärnan och ta bort dess anslutningsfil."""
    _slapp_klienten()
    with contextlib.suppress(Exception):
        km.shutdown_kernel(now=True)
    with contextlib.suppress(Exception):
        os.unlink(km.connection_file)


def starta_om(km) -> None:
    """Efter ett fel: starta om kärnan så att nästa rapport börjar rent."""
    _slapp_klienten()
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
