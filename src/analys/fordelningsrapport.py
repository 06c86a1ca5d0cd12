"""En fördelning från parametrar (avtal, belopp, datum, län, nyckel …): samma väg för
kommandoraden och notebooks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from analys.avtal import load_avtal
from analys.befolkning import describe_kalla, load_befolkning
from analys.fel import AnalysError
from analys.fordelning import Fordelningsnyckel, Nyckel, compute_fordelning, read_vikter
from analys.paths import visningsvag
from analys.utdata import Fordelningsinfo


def build_fordelning(
    avtal: str | None = None,
    belopp: int | None = None,
    befolkningsdatum: str | None = None,
    lan: str | None = None,
    nyckel: str | None = None,
    fast_andel: Decimal | float | None = None,
    vikter: Path | None = None,
    exkludera: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, Fordelningsinfo]:
    """Fördelningen och dess källbeskrivning. Givna värden går före avtalets.

    >>> df, info = build_fordelning(avtal="2022")
    >>> int(df["belopp"].sum()), info.befolkning.datum.isoformat()
    (400000, '2020-12-31')
    """
    a = avtalsfil = None
    if avtal:
        a, path = load_avtal(avtal)
        avtalsfil = visningsvag(path)
    if belopp is None and a is None:
        raise AnalysError("Ange --belopp (hela kronor) eller --avtal (t.ex. --avtal 2024).")
    if befolkningsdatum is None and a is None:
        raise AnalysError("Ange --befolkningsdatum (t.ex. 2020-12-31 eller 2020) eller --avtal (t.ex. --avtal 2024).")
    belopp = belopp if belopp is not None else a.belopp_kommuner
    datum = befolkningsdatum if befolkningsdatum is not None else a.befolkningsdatum
    lanskod = lan if lan is not None else (a.lan if a else "20")
    n = Nyckel(nyckel) if nyckel else (a.nyckel if a else Nyckel.BEFOLKNING)
    fast = fast_andel if fast_andel is not None else (a.fast_andel if a else None)
    if fast_andel is not None and n is not Nyckel.BLANDAD:
        raise AnalysError("--fast-andel gäller bara nyckeln blandad (lägg till --nyckel blandad).")
    if vikter is not None and n is not Nyckel.EGEN:
        raise AnalysError("--vikter gäller bara nyckeln egen (lägg till --nyckel egen).")
    if n is Nyckel.EGEN and vikter is None:
        raise AnalysError("Nyckeln egen kräver en viktfil: lägg till --vikter FIL (kommunkod,vikt).")

    befolkning = load_befolkning(lanskod, datum)
    koder = list(befolkning["kommunkod"])
    ut = frozenset(k.strip() for k in exkludera)
    okanda = sorted(ut - set(koder))
    if okanda:
        giltiga = ", ".join(f"{k} {m}" for k, m in zip(koder, befolkning["kommun"], strict=True))
        raise AnalysError(f"--exkludera: kommunkoden {', '.join(okanda)} finns inte i länet. Giltiga: {giltiga}.")
    params: dict = {"nyckel": n, "exkludera": ut}
    if n is Nyckel.EGEN:
        params["vikter"] = read_vikter(Path(vikter), koder, ut)
    if fast is not None:
        params["fast_andel"] = Decimal(str(fast))
    nyckelobj = Fordelningsnyckel(**params)
    df = compute_fordelning(befolkning, belopp, nyckelobj)
    namn = dict(zip(koder, befolkning["kommun"], strict=True))
    info = Fordelningsinfo(
        belopp=belopp,
        nyckel=nyckelobj,
        befolkning=describe_kalla(befolkning),
        avtal=a.namn if a else None,
        avtalsfil=avtalsfil,
        vikterfil=str(vikter) if vikter else None,
        undantagna=tuple(f"{k} {namn[k]}" for k in sorted(ut)),
    )
    return df, info


def compare_with(df: pd.DataFrame, fore: pd.DataFrame) -> pd.DataFrame:
    """Förändring per kommun mot en tidigare fördelning: forandring_kr och forandring_procent
    (NaN där kommunen inte betalade något förut)."""
    ut = df.merge(fore[["kommunkod", "belopp"]].rename(columns={"belopp": "belopp_fore"}), on="kommunkod", how="left")
    ut["belopp_fore"] = ut["belopp_fore"].fillna(0).astype("int64")
    ut["forandring_kr"] = ut["belopp"] - ut["belopp_fore"]
    ut["forandring_procent"] = (ut["forandring_kr"] / ut["belopp_fore"].where(ut["belopp_fore"] > 0)).astype(float)
    return ut
