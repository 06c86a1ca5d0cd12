"""Befolkning för år som ännu inte har statistik: håll senaste siffrorna, förläng trenden,
eller läs en prognosfil (kommunkod, ar, folkmangd)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path

import pandas as pd

from analys.antaganden import Befolkningsantagande
from analys.befolkning import datum_for_lan, load_befolkning
from analys.fel import AnalysError
from analys.paths import data_dir, visningsvag


def _avrunda(x: Fraction) -> int:
    """Avrunda halva uppåt till heltal."""
    return int((x + Fraction(1, 2)).__floor__())


@cache
def _read_prognos(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise AnalysError(f"Prognosfilen {visningsvag(path)} finns inte.")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(df.columns) != ["kommunkod", "ar", "folkmangd"]:
        raise AnalysError(
            f"Prognosfilen {visningsvag(path)} rad 1: rubrikraden ska vara 'kommunkod,ar,folkmangd', "
            f"inte '{','.join(df.columns)}'."
        )
    for i, r in df.iterrows():
        if not r["ar"].isdigit() or not r["folkmangd"].isdigit() or int(r["folkmangd"]) <= 0:
            raise AnalysError(
                f"Prognosfilen {visningsvag(path)} rad {i + 2}: år och folkmängd ska vara positiva heltal "
                f"(fick {r['ar']!r}, {r['folkmangd']!r})."
            )
    df["ar"] = df["ar"].astype(int)
    df["folkmangd"] = df["folkmangd"].astype("int64")
    return df


def befolkning_for_datum(lanskod: str, datum: date, antagande: Befolkningsantagande) -> pd.DataFrame:
    """Befolkning per kommun vid `datum`: statistik om den finns, annars enligt antagandet.

    Samma kolumner som `load_befolkning`; `kalla` säger hur siffran kom till.
    """
    return _befolkning_for_datum(lanskod, datum, antagande).copy()


@cache
def _befolkning_for_datum(lanskod: str, datum: date, antagande: Befolkningsantagande) -> pd.DataFrame:
    finns = datum_for_lan(lanskod)
    if datum in finns:
        return load_befolkning(lanskod, datum)
    dec = [d for d in finns if (d.month, d.day) == (12, 31)]
    senaste = max(dec)
    if datum < senaste:
        return load_befolkning(lanskod, datum)  # ger felet som listar de datum som finns
    bas = load_befolkning(lanskod, senaste).copy()
    bas["datum"] = pd.Timestamp(datum)
    if antagande.metod == "senaste":
        bas["kalla"] = f"framskrivning: senaste statistik ({senaste.isoformat()}) oförändrad"
        return bas
    if antagande.metod == "trend":
        n = antagande.trend_ar
        fore = load_befolkning(lanskod, date(senaste.year - n, 12, 31)).set_index("kommunkod")["folkmangd"]
        steg = datum.year - senaste.year
        bas["folkmangd"] = [
            max(1, _avrunda(p + Fraction(steg * (p - int(fore[k])), n)))
            for k, p in zip(bas["kommunkod"], bas["folkmangd"], strict=True)
        ]
        bas["folkmangd"] = bas["folkmangd"].astype("int64")
        bas["kalla"] = f"framskrivning: trend {senaste.year - n}–{senaste.year} förlängd till {datum.isoformat()}"
        return bas
    path = Path(antagande.prognosfil)
    if not path.is_absolute():
        path = data_dir().parent / path
    prognos = _read_prognos(path)
    ar = prognos[prognos["ar"] == datum.year].set_index("kommunkod")["folkmangd"]
    saknas = [k for k in bas["kommunkod"] if k not in ar.index]
    if saknas:
        raise AnalysError(
            f"Prognosfilen {visningsvag(path)} saknar år {datum.year} för kommunerna {', '.join(saknas)}."
        )
    bas["folkmangd"] = [int(ar[k]) for k in bas["kommunkod"]]
    bas["folkmangd"] = bas["folkmangd"].astype("int64")
    bas["kalla"] = f"prognos: {visningsvag(path)}"
    return bas
