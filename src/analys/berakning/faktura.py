"""Fakturaunderlag: en rad per kommun och belopp, med fakturadatum och förfallodatum.

Förfallodatum = fakturadatum + avtalets betalningsvillkor, flyttat till nästa bankdag om det blir
en lördag, söndag, allmän helgdag eller midsommar-, jul- eller nyårsafton (svenska helgdagar ur
biblioteket holidays).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import pandas as pd

from analys.begrepp import Avtal
from analys.fel import AnalysError


@cache
def _helgdagar(ar: int) -> frozenset[date]:
    import holidays

    dagar = holidays.country_holidays("SE", years=ar, include_sundays=False, categories=("public", "de_facto"))
    return frozenset(dagar)


def ar_bankdag(d: date) -> bool:
    """En vardag som inte är helgdag eller midsommar-, jul- eller nyårsafton.

    >>> ar_bankdag(date(2024, 3, 16)), ar_bankdag(date(2024, 6, 21)), ar_bankdag(date(2024, 3, 18))
    (False, False, True)
    """
    return d.weekday() < 5 and d not in _helgdagar(d.year)


def nasta_bankdag(d: date) -> date:
    """Dagen själv om den är en bankdag, annars nästa bankdag.

    >>> nasta_bankdag(date(2024, 3, 16))  # lördag
    datetime.date(2024, 3, 18)
    >>> nasta_bankdag(date(2024, 12, 24))  # julafton, juldagen och annandag jul
    datetime.date(2024, 12, 27)
    """
    while not ar_bankdag(d):
        d += timedelta(days=1)
    return d


def forfallodatum(avtal: Avtal, fakturadatum: date) -> date:
    """Fakturadatum + avtalets betalningsvillkor, flyttat till nästa bankdag.

    >>> from analys.indata.avtal import load_avtal
    >>> forfallodatum(load_avtal("2024")[0], date(2024, 2, 15))  # +30 dagar är lördag 16 mars
    datetime.date(2024, 3, 18)
    """
    return nasta_bankdag(fakturadatum + timedelta(days=avtal.fakturering.betalningsvillkor_dagar))


def compute_fakturor(
    avtal: Avtal,
    fakturadatum: date,
    fordelning: pd.DataFrame,
    rorligt: pd.DataFrame | None = None,
    fakturerat: pd.Series | None = None,
) -> pd.DataFrame:
    """Fakturarader: kommunens del av den fasta kostnaden (`fordelning`, avtalets fördelning), och
    med `rorligt` (ur `uppfoljning.compute_rorligt`) även kursavgifter och utbildarpotten (som
    kreditrad, negativt belopp) på egna rader. `fakturerat` (kommunkod → kronor, fakturor som
    redan skickats enligt underlaget) dras av på en egen rad, så att kommunens rader tillsammans
    blir det som återstår att betala: ingenting faktureras två gånger.

    Kolumner: kommunkod, kommun, avser, belopp, fakturadatum, forfallodatum, referens.
    """
    forsta, sista = avtal.period.med_marginal()
    if not forsta <= fakturadatum <= sista:
        raise AnalysError(
            f"Fakturadatum {fakturadatum.isoformat()} ligger långt från avtalets period "
            f"{avtal.period.fran.isoformat()}–{avtal.period.till.isoformat()}; ange ett datum "
            f"{forsta.isoformat()}–{sista.isoformat()} (--fakturadatum)."
        )
    forfaller = forfallodatum(avtal, fakturadatum)
    rader = []
    for kod, namn, belopp in fordelning[["kommunkod", "kommun", "belopp"]].itertuples(index=False, name=None):
        rader.append((kod, namn, f"{avtal.namn}, fast kostnad enligt avtal", int(belopp), f"{avtal.ar}-{kod}-F"))
    if rorligt is not None:
        rk = avtal.rorliga_kostnader
        if rk is None:
            raise AnalysError("Avtalet anger inga rörliga kostnader (rorliga_kostnader saknas i avtalsfilen).")
        kolumner = ["kommunkod", "kommun", "deltagardagar", "avgifter", "utbildardagar", "pott_tillbaka"]
        for kod, namn, deltagardagar, avgifter, utbildardagar, pott in rorligt[kolumner].itertuples(
            index=False, name=None
        ):
            if avgifter:
                rader.append(
                    (
                        kod,
                        namn,
                        f"Kursavgifter {avtal.ar}: {deltagardagar} deltagardagar à {rk.avgift_per_deltagardag} kr",
                        int(avgifter),
                        f"{avtal.ar}-{kod}-K",
                    )
                )
            if pott:
                rader.append(
                    (
                        kod,
                        namn,
                        f"Utbildarpotten {avtal.ar}: {utbildardagar} utbildardagar (kredit)",
                        -int(pott),
                        f"{avtal.ar}-{kod}-P",
                    )
                )
    if fakturerat is not None:
        for r in fordelning.itertuples():
            redan = int(fakturerat.get(r.kommunkod, 0))
            if redan:
                rader.append(
                    (
                        r.kommunkod,
                        r.kommun,
                        f"Redan fakturerat {avtal.ar} enligt underlaget, avräknas",
                        -redan,
                        f"{avtal.ar}-{r.kommunkod}-R",
                    )
                )
    df = pd.DataFrame(rader, columns=["kommunkod", "kommun", "avser", "belopp", "referens"])
    df = df.sort_values(["kommunkod", "referens"], kind="stable", ignore_index=True)
    df["fakturadatum"] = fakturadatum
    df["forfallodatum"] = forfaller
    return df[["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum", "referens"]]
