"""Mätningar av hastighet (inte tester): `make benchmark` eller `python benchmarks/run.py`.

Skriver medianen av flera körningar. Mål: Monte Carlo 10 000 dragningar × 15 kommuner × 10 år
under 1 s; `import analys` under 0,3 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable


def mat(namn: str, f: Callable[[], object], n: int = 5) -> float:
    f()  # uppvärmning (cachar, första import)
    tider = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        tider.append(time.perf_counter() - t)
    median = statistics.median(tider)
    print(f"{namn:<62} {median * 1000:9.1f} ms  (median av {n})")
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

    # Alla 21 län (290 kommuner): samma antaganden, befolkning 31 december två år före.
    lan = sorted(set(load_kommuner()["lanskod"]))
    alla = [bas.model_copy(update={"lan": k, "befolkningsdatum": {}}) for k in lan]
    mat(
        "scenario bas 2021–2030, alla 21 län (290 kommuner)",
        lambda: [berakna_scenario(a, "bas", 2021, 2030) for a in alla],
        n=3,
    )

    u = modellunderlag(bas, 2021, 2030)
    mat("exakt beräkning av ett scenario (underlaget redan hämtat)", lambda: compute_scenario(bas, "bas", u))
    mat(
        "Monte Carlo 10 000 dragningar × 15 kommuner × 10 år",
        lambda: monte_carlo(bas, u, n=10_000),
    )


if __name__ == "__main__":
    main()
