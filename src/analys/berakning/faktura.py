"""Fakturaunderlag: en rad per kommun och belopp, med fakturadatum och förfallodatum."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analys.begrepp import Avtal
from analys.fel import AnalysError


def compute_fakturor(
    avtal: Avtal, fakturadatum: date, fordelning: pd.DataFrame, rorligt: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Fakturarader: kommunens del av den fasta kostnaden (`fordelning`, avtalets fördelning), och
    med `rorligt` (ur `uppfoljning.compute_rorligt`) även kursavgifter och utbildarpotten (som
    kreditrad, negativt belopp) på egna rader.

    Kolumner: kommunkod, kommun, avser, belopp, fakturadatum, forfallodatum, referens.
    """
    forsta = avtal.period.fran.replace(year=avtal.period.fran.year - 1)
    sista = avtal.period.till.replace(year=avtal.period.till.year + 1)
    if not forsta <= fakturadatum <= sista:
        raise AnalysError(
            f"Fakturadatum {fakturadatum.isoformat()} ligger långt från avtalets period "
            f"{avtal.period.fran.isoformat()}–{avtal.period.till.isoformat()}; ange ett datum "
            f"{forsta.isoformat()}–{sista.isoformat()} (--fakturadatum)."
        )
    forfaller = avtal.fakturering.forfallodatum(fakturadatum)
    rader = []
    for r in fordelning.itertuples():
        rader.append(
            (
                r.kommunkod,
                r.kommun,
                f"{avtal.namn}, fast kostnad enligt avtal",
                int(r.belopp),
                f"{avtal.ar}-{r.kommunkod}-F",
            )
        )
    if rorligt is not None:
        rk = avtal.rorliga_kostnader
        for r in rorligt.itertuples():
            if r.avgifter:
                rader.append(
                    (
                        r.kommunkod,
                        r.kommun,
                        f"Kursavgifter {avtal.ar}: {r.deltagardagar} deltagardagar à {rk.avgift_per_deltagardag} kr",
                        int(r.avgifter),
                        f"{avtal.ar}-{r.kommunkod}-K",
                    )
                )
            if r.pott_tillbaka:
                rader.append(
                    (
                        r.kommunkod,
                        r.kommun,
                        f"Utbildarpotten {avtal.ar}: {r.utbildardagar} utbildardagar (kredit)",
                        -int(r.pott_tillbaka),
                        f"{avtal.ar}-{r.kommunkod}-P",
                    )
                )
    df = pd.DataFrame(rader, columns=["kommunkod", "kommun", "avser", "belopp", "referens"])
    df = df.sort_values(["kommunkod", "referens"], kind="stable", ignore_index=True)
    df["fakturadatum"] = fakturadatum.isoformat()
    df["forfallodatum"] = forfaller.isoformat()
    return df[["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum", "referens"]]
