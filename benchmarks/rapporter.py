"""Rapportkörningens tid mot golvet: lika många tomma notebooks körda med papermill, lika
många samtidigt. `python benchmarks/rapporter.py` (skriver till en tillfällig katalog)."""

from __future__ import annotations

import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _tom(args: tuple[str, str]) -> None:
    import papermill as pm

    nb, ut = args
    with open(os.devnull, "w") as tyst:
        stderr = os.dup(2)
        os.dup2(tyst.fileno(), 2)
        try:
            pm.execute_notebook(nb, ut, parameters={"x": 1}, kernel_name="python3", progress_bar=False)
        finally:
            os.dup2(stderr, 2)
            os.close(stderr)


def main() -> None:
    from analys.indata.rapportfil import load_korningar
    from analys.rapporter.korning import run_all

    korningar = load_korningar()
    jobb = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tom = Path(tmp) / "tom.ipynb"
        tom.write_text(json.dumps({
            "cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x = 0",
                       "outputs": [], "execution_count": None}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 4,
        }))  # fmt: skip
        start = time.perf_counter()
        with ProcessPoolExecutor(jobb) as pool:
            list(pool.map(_tom, [(str(tom), str(Path(tmp) / f"ut{i}.ipynb")) for i in range(len(korningar))]))
        golv = time.perf_counter() - start
        start = time.perf_counter()
        with open(os.devnull, "w") as tyst:
            utfall = run_all(korningar, Path(tmp) / "reports", jobb, strom=tyst)
        rapporter = time.perf_counter() - start
    assert all(u.ok for u in utfall), [u for u in utfall if not u.ok]
    print(f"{len(korningar)} tomma notebooks med papermill, {jobb} åt gången: {golv:.1f} s")
    print(f"{len(korningar)} rapporter (notebook + HTML + Excel), {jobb} åt gången: {rapporter:.1f} s")
    print(f"kvot: {rapporter / golv:.2f}")


if __name__ == "__main__":
    main()
