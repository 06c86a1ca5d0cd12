"""Fördelning av ett belopp i hela kronor mellan kommuner.

Varje kommuns andel räknas exakt (bråk, inga flyttal), kvoten belopp × andel avrundas med
största-restmetoden: alla får heltalsdelen av sin kvot, och de kronor som återstår går en i taget
till de största resterna. Lika rester avgörs av kommunkoden (lägst kod först), så resultatet beror
aldrig på radernas ordning. Summan blir alltid exakt beloppet.

Nycklar:

- ``befolkning``: andel av kommunernas sammanlagda folkmängd;
- ``lika``: lika delar;
- ``blandad``: en fast andel (t.ex. 30 %) delas lika, resten efter folkmängd;
- ``egen``: egna vikter (kommunkod, vikt) ur en CSV-fil.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from analys.begrepp import MAX_BELOPP, Avtal, Fordelningsnyckel, Nyckel
from analys.fel import AnalysError


def heltalsvikter(vikter: Sequence[int | Fraction]) -> list[int]:
    """Vikter (heltal eller bråk, ≥ 0) som heltal i samma proportioner: gemensam nämnare.

    >>> heltalsvikter([Fraction(1, 2), Fraction(1, 3), 1])
    [3, 2, 6]
    """
    fr = [Fraction(v) for v in vikter]
    if any(v < 0 for v in fr):
        raise AnalysError("Vikterna måste vara 0 eller större.")
    namnare = math.lcm(*(v.denominator for v in fr)) if fr else 1
    return [v.numerator * (namnare // v.denominator) for v in fr]


def largest_remainder(belopp: int, vikter: Sequence[int | Fraction], ordning: Sequence[str]) -> list[int]:
    """Fördela `belopp` (hela kronor, ≥ 0) efter icke-negativa vikter med största-restmetoden.

    `ordning` är en nyckel per post (kommunkod) som avgör lika rester: lägst först.
    Vikterna räknas exakt (heltal eller bråk); summan av resultatet är alltid `belopp`.

    >>> largest_remainder(10, [1, 1, 1], ["2021", "2023", "2026"])
    [4, 3, 3]
    >>> largest_remainder(10, [1, 1, 1], ["2026", "2023", "2021"])
    [3, 3, 4]
    >>> largest_remainder(400000, [23067, 52394], ["2084", "2081"])
    [122272, 277728]
    """
    if isinstance(belopp, bool) or not isinstance(belopp, int | np.integer):
        raise AnalysError(f"Beloppet måste vara ett heltal i kronor, inte {belopp!r}.")
    belopp = int(belopp)
    if belopp < 0:
        raise AnalysError(f"Beloppet måste vara 0 eller större, inte {belopp}.")
    if belopp > MAX_BELOPP:
        raise AnalysError(
            f"Beloppet {belopp} kr är orimligt stort; högst {f'{MAX_BELOPP:,}'.replace(',', ' ')} kr kan fördelas."
        )
    if len(vikter) != len(ordning):
        raise ValueError("vikter och ordning måste vara lika långa")
    if len(set(ordning)) != len(ordning):
        raise ValueError("ordning måste vara unik")
    w = heltalsvikter(vikter)
    total = sum(w)
    if total == 0:
        raise AnalysError("Minst en vikt måste vara större än 0.")
    kvot = [divmod(belopp * wi, total) for wi in w]
    resultat = [q for q, _ in kvot]
    kvar = belopp - sum(resultat)
    # Största rest först; lika rest avgörs av lägst ordningsnyckel.
    rang = sorted(range(len(w)), key=lambda i: (-kvot[i][1], ordning[i]))
    for i in rang[:kvar]:
        resultat[i] += 1
    return resultat


def largest_remainder_matrix(belopp: np.ndarray, vikter: np.ndarray) -> np.ndarray:
    """Största-restmetoden för många fördelningar på en gång (en per rad), helt i heltal.

    `belopp` har formen (k,) med hela kronor ≥ 0; `vikter` formen (k, n) eller (n,) med heltal
    ≥ 0, kolumnerna i kommunkodsordning (lika rester går till den lägsta kolumnen). Varje rad i
    resultatet summerar exakt till sitt belopp och är identisk med `largest_remainder`.

    >>> largest_remainder_matrix(np.array([10, 400000]), np.array([[1, 1, 1], [23067, 52394, 0]]))
    array([[     4,      3,      3],
           [122272, 277728,      0]])
    """
    belopp = np.asarray(belopp, dtype=np.int64)
    w = np.asarray(vikter, dtype=np.int64)
    if w.ndim == 1:
        w = np.broadcast_to(w, (belopp.shape[0], w.shape[0]))
    if (belopp < 0).any() or (w < 0).any():
        raise AnalysError("Belopp och vikter måste vara 0 eller större.")
    total = w.sum(axis=1)
    if (total == 0).any():
        raise AnalysError("Minst en vikt per fördelning måste vara större än 0.")
    # Skydd mot spill i int64: belopp × vikt måste rymmas.
    if belopp.size and int(belopp.max()) * int(w.max()) >= 2**62:
        rader = [
            largest_remainder(int(b), [int(x) for x in r], [f"{i:06d}" for i in range(len(r))])
            for b, r in zip(belopp, w, strict=True)
        ]
        return np.array(rader, dtype=np.int64)
    produkt = belopp[:, None] * w
    kvot, rest = np.divmod(produkt, total[:, None])
    kvar = belopp - kvot.sum(axis=1)
    # Rang efter rest (störst först), lika rest: lägst kolumn först (stabil sortering).
    ordning = np.argsort(-rest, axis=1, kind="stable")
    rang = np.empty_like(ordning)
    np.put_along_axis(rang, ordning, np.arange(w.shape[1])[None, :].repeat(w.shape[0], 0), axis=1)
    return kvot + (rang < kvar[:, None]).astype(np.int64)


def andelar(befolkning: pd.DataFrame, nyckel: Fordelningsnyckel) -> dict[str, Fraction]:
    """Exakt andel per kommunkod (summerar till 1) för de kommuner som deltar."""
    deltar = befolkning[~befolkning["kommunkod"].isin(nyckel.exkludera)]
    if deltar.empty:
        raise AnalysError("Alla kommuner är undantagna; minst en kommun måste delta.")
    koder = list(deltar["kommunkod"])
    n = len(koder)
    if nyckel.nyckel in (Nyckel.BEFOLKNING, Nyckel.BLANDAD):
        folk = [int(x) for x in deltar["folkmangd"]]
        summa = sum(folk)
        efter_folk = [Fraction(p, summa) for p in folk]
        if nyckel.nyckel is Nyckel.BEFOLKNING:
            return dict(zip(koder, efter_folk, strict=True))
        f = Fraction(nyckel.fast_andel)
        return {k: f / n + (1 - f) * a for k, a in zip(koder, efter_folk, strict=True)}
    if nyckel.nyckel is Nyckel.LIKA:
        return dict.fromkeys(koder, Fraction(1, n))
    # egen
    if nyckel.vikter is None:
        raise AnalysError("Nyckeln 'egen' kräver vikter (--vikter FIL).")
    vikter = dict(nyckel.vikter)
    saknas = [k for k in koder if k not in vikter]
    if saknas:
        raise AnalysError(f"Vikter saknas för kommunerna {', '.join(saknas)}.")
    v = [Fraction(vikter[k]) for k in koder]
    viktsumma = sum(v, Fraction(0))
    if viktsumma == 0:
        raise AnalysError("Minst en deltagande kommun måste ha en vikt större än 0.")
    return {k: vi / viktsumma for k, vi in zip(koder, v, strict=True)}


def compute_fordelning(befolkning: pd.DataFrame, belopp: int, nyckel: Fordelningsnyckel | None = None) -> pd.DataFrame:
    """Fördela `belopp` kronor mellan kommunerna i `befolkning` (från `load_befolkning`).

    Returnerar en rad per deltagande kommun i kodordning: kommunkod, kommun, folkmangd,
    andel (exakt andel som flyttal, för visning), belopp (int64, summerar exakt till `belopp`).

    >>> from analys.indata.befolkning import load_befolkning
    >>> df = compute_fordelning(load_befolkning("20", 2020), 400000)
    >>> int(df["belopp"].sum()), df.set_index("kommun").loc["Falun", "belopp"].item()
    (400000, 82771)
    """
    nyckel = nyckel or Fordelningsnyckel()
    okanda = sorted(set(nyckel.exkludera) - set(befolkning["kommunkod"]))
    if okanda:
        raise AnalysError(
            f"Kommunkoderna {', '.join(okanda)} finns inte bland länets kommuner "
            f"({', '.join(befolkning['kommunkod'])})."
        )
    sorterad = befolkning.sort_values("kommunkod", ignore_index=True)
    exakt = andelar(sorterad, nyckel)
    koder = list(exakt)
    fordelat = largest_remainder(belopp, [exakt[k] for k in koder], koder)
    ut = sorterad[sorterad["kommunkod"].isin(exakt)][["kommunkod", "kommun", "folkmangd"]].copy()
    ut["andel"] = [float(exakt[k]) for k in ut["kommunkod"]]
    ut["belopp"] = pd.Series(fordelat, index=ut.index, dtype="int64")
    return ut.reset_index(drop=True)


# --- parametrarna till en fördelning ------------------------------------------------------------


@dataclass(frozen=True)
class Fordelningsval:
    """Belopp, referensdatum, län och nyckel för en fördelning: givna värden före avtalets."""

    belopp: int
    befolkningsdatum: str | int | date
    lanskod: str
    nyckel: Nyckel
    fast_andel: Decimal | None


def valj_parametrar(
    avtal: Avtal | None,
    belopp: int | None = None,
    befolkningsdatum: str | int | date | None = None,
    lan: str | None = None,
    nyckel: str | None = None,
    fast_andel: Decimal | float | None = None,
    har_vikter: bool = False,
    senaste_avtal: str | None = None,
) -> Fordelningsval:
    """Givna värden går före avtalets; kombinationer som inte går ihop ger ett svenskt fel.
    `senaste_avtal` (analys-mappens senaste avtal) står som exempel i felet när belopp saknas.

    >>> valj_parametrar(None, belopp=400000, befolkningsdatum="2020", lan="24").lanskod
    '24'
    """
    if avtal is not None:
        belopp = avtal.belopp_kommuner if belopp is None else belopp
        befolkningsdatum = avtal.befolkningsdatum if befolkningsdatum is None else befolkningsdatum
    if belopp is None:
        exempel = f", t.ex. --avtal {senaste_avtal}" if senaste_avtal else ""
        raise AnalysError(f"Ange --belopp (hela kronor) eller --avtal ÅR (ett avtal i data/avtal/{exempel}).")
    if befolkningsdatum is None:
        raise AnalysError(
            "Ange --befolkningsdatum (t.ex. 2020-12-31 eller 2020) eller --avtal ÅR (ett avtal i data/avtal/)."
        )
    n = Nyckel(nyckel) if nyckel else (avtal.nyckel if avtal else Nyckel.BEFOLKNING)
    if fast_andel is not None and n is not Nyckel.BLANDAD:
        raise AnalysError("--fast-andel gäller bara nyckeln blandad (lägg till --nyckel blandad).")
    if har_vikter and n is not Nyckel.EGEN:
        raise AnalysError("--vikter gäller bara nyckeln egen (lägg till --nyckel egen).")
    if n is Nyckel.EGEN and not har_vikter:
        raise AnalysError("Nyckeln egen kräver en viktfil: lägg till --vikter FIL (kommunkod,vikt).")
    lanskod = lan if lan is not None else (avtal.lan if avtal else None)
    if lanskod is None:
        raise AnalysError("Ange --lan (länets kod) eller --avtal ÅR (ett avtal i data/avtal/).")
    fast = fast_andel if fast_andel is not None else (avtal.fast_andel if avtal else None)
    return Fordelningsval(
        belopp=belopp,
        befolkningsdatum=befolkningsdatum,
        lanskod=lanskod,
        nyckel=n,
        fast_andel=Decimal(str(fast)) if fast is not None else None,
    )


def bygg_nyckel(
    val: Fordelningsval,
    exkludera: Sequence[str] = (),
    vikter: tuple[tuple[str, Decimal], ...] | None = None,
) -> Fordelningsnyckel:
    """Nyckeln för valet (undantagna kommuner som koder; `compute_fordelning` ser att de finns i länet)."""
    params: dict = {"nyckel": val.nyckel, "exkludera": frozenset(exkludera)}
    if val.nyckel is Nyckel.EGEN:
        params["vikter"] = vikter
    if val.fast_andel is not None:
        params["fast_andel"] = val.fast_andel
    return Fordelningsnyckel(**params)


def compare_with(df: pd.DataFrame, fore: pd.DataFrame) -> pd.DataFrame:
    """Förändring per kommun mot en tidigare fördelning: forandring_kr och forandring_procent
    (NaN där kommunen inte betalade något förut)."""
    ut = df.merge(fore[["kommunkod", "belopp"]].rename(columns={"belopp": "belopp_fore"}), on="kommunkod", how="left")
    ut["belopp_fore"] = ut["belopp_fore"].fillna(0).astype("int64")
    ut["forandring_kr"] = ut["belopp"] - ut["belopp_fore"]
    ut["forandring_procent"] = (ut["forandring_kr"] / ut["belopp_fore"].where(ut["belopp_fore"] > 0)).astype(float)
    return ut
