"""Kommandot `analys rapport`: välj rapporterna ur rapportfilen (eller lista dem), lås
rapportmappen, kör, och säg till sist vilka som blev klara, vilka som misslyckades och varför.

Ctrl-C (SIGINT) eller SIGTERM: inget fler byts in, arbetsprocesser, kärnor och webbläsare stoppas,
de tillfälliga mapparna tas bort och slutkoden blir 130 respektive 143. En körning som
misslyckas stoppar inte de andra. Slutkoden är 2 om någon rapport föll på fel i indata, annars 1
om någon misslyckades.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

from analys.fel import AnalysError, Avbrott
from analys.filer import kontrollera_utmapp
from analys.indata.paths import reports_dir
from analys.korning.inbyte import las, stada
from analys.korning.pool import Utfall, run_all
from analys.korning.rapportfil import load_korningar
from analys.rapporter.kallor import parametertext


def summary(utfall: list[Utfall], ut: Path, sekunder: float) -> str:
    klara = [u for u in utfall if u.ok]
    fel = [u for u in utfall if not u.ok]
    tid = f"{sekunder:.1f}".replace(".", ",")
    rel = os.path.relpath(ut)
    rader = [f"{len(klara)} av {len(utfall)} rapporter klara på {tid} s, i {ut if rel.startswith('..') else rel}/."]
    if any(u.ok and u.fel for u in utfall):
        rader.append(f"Obs: {next(u.fel for u in utfall if u.ok and u.fel)}.")
    if fel:
        rader.append(f"{len(fel)} misslyckades:")
        rader += [f"  {u.namn}: {u.fel}" for u in fel]
    return "\n".join(rader)


def slutkod(utfall: list[Utfall]) -> int:
    """0 om allt gick; 2 om någon rapport föll på fel i indata; annars 1."""
    if all(u.ok for u in utfall):
        return 0
    return 2 if any(u.indatafel for u in utfall if not u.ok) else 1


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
            print(f"{k.namn}  ({k.notebook.name}; {parametertext(k.parametrar)})")
        return 0
    if jobb is not None and not 1 <= jobb <= 64:
        raise AnalysError(f"--jobb måste vara mellan 1 och 64 (fick {jobb}).")
    if bara:
        valda = [k for k in korningar if any(k.namn == b or k.namn.startswith(b + "-") for b in bara)]
        okanda = [b for b in bara if not any(k.namn == b or k.namn.startswith(b + "-") for k in korningar)]
        if okanda:
            raise AnalysError(f"Rapporten '{okanda[0]}' finns inte. Rapporter: {', '.join(k.namn for k in korningar)}.")
        korningar = valda
    # Absolut: notebooks körs i notebookmappen, där en relativ sökväg skulle peka fel.
    ut = Path(os.path.abspath(ut or reports_dir()))
    kontrollera_utmapp(ut)
    ut.mkdir(parents=True, exist_ok=True)
    with las(ut):
        stada(ut)
        start = time.perf_counter()
        with avbrott_som_undantag():
            utfall = run_all(korningar, ut, jobb, strom)
        print(summary(utfall, ut, time.perf_counter() - start), file=strom)
    return slutkod(utfall)


@contextlib.contextmanager
def avbrott_som_undantag():
    """Ctrl-C och SIGTERM blir `Avbrott` (slutkod 130 och 143) i huvudprocessen."""

    def hanterare(signum, frame):
        raise Avbrott(130 if signum == signal.SIGINT else 143)

    fore = {s: signal.signal(s, hanterare) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in fore.items():
            signal.signal(s, h)
