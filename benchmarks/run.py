"""Mätningar av hastighet (inte tester): `make benchmark` eller `python benchmarks/run.py`.

Skriver medianen av flera körningar, var och en med sitt mål där det finns ett: Monte Carlo
100 000 dragningar × 15 kommuner × 10 år högst 1 s; 100 000 dragningar × 290 kommuner × 50 år
högst 3 s och högst 1 GB minne; tiden per dragning och år ungefär densamma för båda (den växer
med dragningar × år, inte med kommunerna); `import analys` under 0,3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable


def _mal(varde: float, mal: float | None, enhet: str) -> str:
    if mal is None:
        return ""
    enhet = f" {enhet}" if enhet else ""
    return f"  mål ≤ {mal:g}{enhet}: {'uppnått' if varde <= mal else 'EJ UPPNÅTT'}"


def mat(namn: str, f: Callable[[], object], n: int = 5, mal_s: float | None = None) -> float:
    """Medianen av `n` körningar efter en uppvärmning (cachar, första import), i sekunder."""
    f()
    tider = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        tider.append(time.perf_counter() - t)
    median = statistics.median(tider)
    print(f"{namn:<62} {median * 1000:9.1f} ms  (median av {n}){_mal(median, mal_s, 's')}")
    return median


def import_tid(modul: str, n: int = 7) -> float:
    kod = f"import time; t = time.perf_counter(); import {modul}; print(time.perf_counter() - t)"
    tider = [
        float(subprocess.run([sys.executable, "-c", kod], capture_output=True, text=True, check=True).stdout)
        for _ in range(n)
    ]
    median = statistics.median(tider)
    print(f"{'import ' + modul + ' (ny process)':<62} {median * 1000:9.1f} ms  (median av {n})")
    return median


def minnestopp(namn: str, f: Callable[[], object], mal_gb: float) -> float:
    """Största minnet som `f` håller på en gång (tracemalloc, numpy räknas med), i GB."""
    tracemalloc.start()
    try:
        f()
        _, topp = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    gb = topp / 1e9
    print(f"{namn:<62} {gb * 1000:9.1f} MB  (topp, tracemalloc){_mal(gb, mal_gb, 'GB')}")
    return gb


def med_utbildare(bas, koder: list[str]):
    """Antagandena med utbildare i de angivna kommunerna (de i filen finns bara i Dalarna)."""
    utbildare = bas.rorliga.utbildare.model_copy(update={"dagar": dict.fromkeys(koder, 1)})
    return bas.model_copy(update={"rorliga": bas.rorliga.model_copy(update={"utbildare": utbildare})})


def riksunderlag(bas, fran: int, ar: int):
    """Alla 290 kommuner (befolkningen 31 december 2024) i `ar` år från `fran`, utan avtal."""
    import pandas as pd

    from analys.berakning.kostnadsmodell import build_underlag
    from analys.indata.befolkning import load_befolkning, load_kommuner

    lan = sorted(set(load_kommuner()["lanskod"]))
    befolkning = pd.concat([load_befolkning(k, "2024-12-31") for k in lan], ignore_index=True)
    a = med_utbildare(bas, ["0180", "1480", "1280"])
    return a, build_underlag(a, {y: befolkning for y in range(fran, fran + ar)})


def main() -> None:
    from analys.berakning.fordelning import compute_fordelning
    from analys.berakning.kostnadsmodell import compute_scenario, monte_carlo
    from analys.flode.scenarier import berakna_scenario, modellunderlag
    from analys.indata.antaganden import load_antaganden
    from analys.indata.befolkning import load_befolkning, load_kommuner

    import_tid("analys")
    import_tid("analys.berakning.kostnadsmodell")

    mat(
        "fördelning 1 030 000 kr, Dalarna 2023-06-30",
        lambda: compute_fordelning(load_befolkning("20", "2023-06-30"), 1_030_000),
    )
    bas = load_antaganden("bas")
    mat("scenario bas 2021–2030, Dalarna (15 kommuner)", lambda: berakna_scenario(bas, "bas", 2021, 2030))

    # Alla 21 län (290 kommuner): samma antaganden, befolkning 31 december två år före; från
    # basåret, eftersom de andra länen inte har Dalarnas avtal och kända år före det.
    kommuner = load_kommuner()
    alla = [
        med_utbildare(bas, [min(grupp["kommunkod"])]).model_copy(update={"lan": k, "befolkningsdatum": {}})
        for k, grupp in kommuner.groupby("lanskod")
    ]
    mat(
        "scenario bas 2024–2030, alla 21 län (290 kommuner)",
        lambda: [berakna_scenario(a, "bas", 2024, 2030) for a in alla],
        n=3,
    )

    u = modellunderlag(bas, 2021, 2030)
    mat("exakt beräkning av ett scenario (underlaget redan hämtat)", lambda: compute_scenario(bas, "bas", u))

    # Monte Carlo: tiden ska växa med dragningar × år, inte med kommunerna.
    liten = mat(
        "Monte Carlo 100 000 dragningar × 15 kommuner × 10 år",
        lambda: monte_carlo(bas, u, n=100_000),
        mal_s=1.0,
    )
    riket, u_riket = riksunderlag(bas, 2024, 50)
    stor = mat(
        "Monte Carlo 100 000 dragningar × 290 kommuner × 50 år",
        lambda: monte_carlo(riket, u_riket, n=100_000),
        n=3,
        mal_s=3.0,
    )
    print(f"{'  kvot 290 × 50 mot 15 × 10':<62} {stor / liten:9.2f}    (5 gånger fler år)")
    kvot = (stor / 50) / (liten / 10)
    print(f"{'  kvot per dragning och år':<62} {kvot:9.2f}    (nära 1 om kommunerna inte kostar){_mal(kvot, 1.5, '')}")
    minnestopp(
        "Monte Carlo 100 000 dragningar × 290 kommuner × 50 år, minne",
        lambda: monte_carlo(riket, u_riket, n=100_000),
        mal_gb=1.0,
    )


if __name__ == "__main__":
    main()
