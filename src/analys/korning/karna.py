"""Kärnan som kör notebooks: en Python-kärna per arbetsprocess, som återanvänds mellan
rapporterna, så att importerna (pandas, matplotlib …) görs en gång per process i stället för en
gång per rapport. Före varje rapport töms kärnans namnrymd och alla diagram stängs, så att
rapporterna inte påverkar varandra; efter ett fel startas kärnan om.

Tömningen går genom en klient som hålls ansluten till kärnans shell-kanal under hela processen
(bara den: inga sändningar från kärnans iopub att läsa ikapp), så att den inte väntar in en ny
anslutning före varje rapport.

Kärnan nås över Unix-socklar i en egen mapp (ZeroMQ:s ipc), inte över TCP: med TCP väljer
jupyter_client lediga portar som kärnan sedan binder, och en annan process (en annan körning, en
webbläsare) kan hinna ta en av dem emellan, så att kärnan dör innan den svarat. Dör den ändå
innan den svarat startas den en gång till (`KarnanDog`)."""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

from analys.fel import ExterntFel
from analys.indata.paths import data_dir
from analys.korning.rapportfil import analysmapp

_KARNA = None
_KLIENT = None
_SOCKELMAPP: str | None = None


class KarnanDog(ExterntFel):
    """Kärnan avslutades innan den svarat: ingen cell har körts, så rapporten kan köras igen."""


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
                    raise KarnanDog("Python-kärnan avslutades innan den svarade; rapporten kördes inte.")
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
    from jupyter_client.manager import KernelManager

    if _KARNA is None or not _KARNA.is_alive():
        from jupyter_client.kernelspec import KernelSpec

        _slapp_klienten()

        _KARNA = KernelManager(kernel_name="python3", **_transport())
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


def _transport() -> dict:
    """Unix-socklar i en mapp som bara den här processen använder (en kärnas socklar heter
    `<mapp>/k<6 tecken>-1` … `-5`; en sockels sökväg får vara högst 107 byte i Linux och 103 i
    macOS); TCP där det inte går."""
    global _SOCKELMAPP
    if os.name != "posix":
        return {}
    if _SOCKELMAPP is None or not os.path.isdir(_SOCKELMAPP):
        _stada_socklar()
        try:
            _SOCKELMAPP = tempfile.mkdtemp(prefix=f"analys-karna-{os.getpid()}-")
        except OSError:
            return {}
        # Som kärnan: atexit i huvudprocessen, multiprocessings avslutare i en arbetsprocess.
        atexit.register(shutil.rmtree, _SOCKELMAPP, True)
        multiprocessing.util.Finalize(None, shutil.rmtree, args=(_SOCKELMAPP, True), exitpriority=5)
    prefix = os.path.join(_SOCKELMAPP, f"k{os.urandom(3).hex()}")
    if len(prefix.encode()) + 8 > 103:
        return {}
    return {"transport": "ipc", "ip": prefix}


def _stada_socklar() -> None:
    """Socklarnas mappar efter processer som dödats (SIGKILL hinner inte städa) tas bort: de
    bär processens nummer i namnet, och bara den här användarens mappar rörs."""
    import psutil

    with contextlib.suppress(OSError):
        for mapp in Path(tempfile.gettempdir()).glob("analys-karna-*-*"):
            pid = mapp.name.split("-")[2]
            if pid.isdigit() and mapp.stat().st_uid == os.getuid() and not psutil.pid_exists(int(pid)):
                shutil.rmtree(mapp, ignore_errors=True)


def kasta() -> None:
    """Glöm kärnan (den har dött eller städats bort): nästa `karna()` startar en ny."""
    global _KARNA
    km, _KARNA = _KARNA, None
    if km is not None:
        stang(km)


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
    with contextlib.suppress(Exception):
        km.cleanup_ipc_files()


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
    if _SOCKELMAPP:
        shutil.rmtree(_SOCKELMAPP, ignore_errors=True)
