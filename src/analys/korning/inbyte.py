"""Låset och inbytet: bara en körning åt gången skriver i rapportmappen, och en färdig rapport
byts in med ett enda namnbyte, så att en rapportmapp alltid är antingen den gamla eller den nya,
aldrig halvfärdig. Det som en avbruten körning lämnade städas av nästa."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
from pathlib import Path

from analys.fel import ExterntFel

LASFIL = ".analys-rapport.lock"


def _byt_plats(a: Path, b: Path) -> bool:
    """Byt plats på två mappar i ett enda systemanrop (Linux renameat2, RENAME_EXCHANGE)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        funktion = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return funktion(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def byt_in(ny: Path, mal: Path) -> None:
    """Ersätt `mal` med den färdiga mappen `ny` så att `mal` aldrig är halvfärdig.

    Där RENAME_EXCHANGE saknas (andra system och filsystem) blir det två namnbyten med en
    mellanmapp `.<namn>.gammal-…`, som nästa körning lägger tillbaka om något avbröt dem.
    """
    blockera = {signal.SIGINT, signal.SIGTERM}
    gamla = signal.pthread_sigmask(signal.SIG_BLOCK, blockera)
    try:
        if not mal.exists():
            os.rename(ny, mal)
            return
        if _byt_plats(ny, mal):
            shutil.rmtree(ny, ignore_errors=True)  # `ny` har nu den gamla rapporten
            return
        gammal = mal.parent / f".{mal.name}.gammal-{os.getpid()}"
        os.rename(mal, gammal)
        os.rename(ny, mal)
        shutil.rmtree(gammal, ignore_errors=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, gamla)


def stada(ut: Path) -> None:
    """Det som en avbruten körning lämnade: tillfälliga mappar tas bort, och en gammal rapport
    som flyttats undan men inte ersatts läggs tillbaka."""
    for p in ut.glob(".*.tmp-*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
    for p in ut.glob(".*.gammal-*"):
        m = re.fullmatch(r"\.(.+)\.gammal-\d+", p.name)
        if m and p.is_dir() and not (ut / m.group(1)).exists():
            os.rename(p, ut / m.group(1))
        elif p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def las(ut: Path):
    """Bara en körning åt gången skriver i `ut` (flock; släpps när processen avslutas, hur den än slutar)."""
    import fcntl

    fil = ut / LASFIL
    fd = os.open(fil, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            annan = os.pread(fd, 32, 0).decode(errors="replace").strip() or "okänd"
            raise ExterntFel(
                f"En annan körning av analys rapport (process {annan}) skriver redan i {ut}; "
                "vänta tills den är klar och försök igen."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)
