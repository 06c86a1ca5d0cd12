"""Kostnadsmodellen: vad varje kommun betalar år för år under ett scenarios antaganden.

En och samma beräkning används på två sätt:

- **exakt** (ett scenario): alla tal är bråk, och årens belopp avrundas till hela kronor en gång
  (halva uppåt) innan de fördelas med största-restmetoden. Det är de här beloppen som hamnar i
  tabeller och underlag.
- **Monte Carlo** (tusentals dragningar av de osäkra parametrarna): samma formler över
  numpy-matriser med flyttal, avrundade till hela kronor på samma ställen. Den fasta kostnadens
  band räknas på det som varierar (kommunernas del per dragning och år) och fördelas sedan.

Stegen, var och en en egen funktion: index (`indexfaktorer`), roller (`rollkostnad`),
Yrkesresor (`yrkesresor`), modellens kostnad (`modellkostnad`), fast total (`fast_total`,
`kommunernas_del`, `fordela_fast`), rörliga kostnader (`deltagardagar`) och pott (`pott`).

Per år och kommun:
    fast_kostnad   = kommunens del av kommunernas andel av årets fasta kostnad,
    rorlig_kostnad = deltagardagar × avgift per deltagardag,
    pott_tillbaka  = kommunens del av potten (pottandel × alla deltagardagar), efter utbildardagar,
    netto          = fast_kostnad + rorlig_kostnad − pott_tillbaka.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

import numpy as np
import pandas as pd

from analys.begrepp import (
    OSAKRA,
    Antaganden,
    Avtal,
    Fordelningsnyckel,
    Roll,
    Yrkesresa,
    manadsindex,
)
from analys.berakning.fordelning import andelar, heltalsvikter, largest_remainder_matrix
from analys.fel import AnalysError


class Drag:
    """Värden för de osäkra parametrarna (fälten i `begrepp.Osakerhet`); en parameter som inte
    anges har antagandets eget värde.

    Varje värde är ett tal (en körning) eller en array med en post per dragning (Monte Carlo).

    >>> Drag(per_resa=0.5).per_resa, Drag().indexering
    (0.5, None)
    >>> Drag(per_tjanst=2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    TypeError: Drag: per_tjanst är ingen osäker parameter (de är indexering, ..., samverkan_besparing).
    """

    __slots__ = ("_varden",)
    _varden: dict[str, object]

    def __init__(self, **varden: object) -> None:
        okanda = sorted(set(varden) - set(OSAKRA))
        if okanda:
            raise TypeError(f"Drag: {', '.join(okanda)} är ingen osäker parameter (de är {', '.join(OSAKRA)}).")
        object.__setattr__(self, "_varden", {namn: varden.get(namn) for namn in OSAKRA})

    def __getattr__(self, namn: str) -> object:
        if namn != "_varden" and namn in self._varden:
            return self._varden[namn]
        raise AttributeError(f"Drag har ingen parameter {namn}")

    def __setattr__(self, namn: str, varde: object) -> None:
        raise AttributeError("Drag går inte att ändra; skapa ett nytt.")

    def __repr__(self) -> str:
        satta = ", ".join(f"{k}={v!r}" for k, v in self._varden.items() if v is not None)
        return f"Drag({satta})"


@dataclass(frozen=True)
class Modellunderlag:
    """Det som inte beror på dragningarna: befolkning och fördelningsvikter per år."""

    ar: tuple[int, ...]
    kommunkod: tuple[str, ...]
    kommun: tuple[str, ...]
    folkmangd: np.ndarray  # (Y, K) int64
    befolkningsdatum: tuple[str, ...]
    befolkningskalla: tuple[str, ...]
    vikter: np.ndarray  # (Y, K) heltalsvikter för fördelningen av den fasta kostnaden
    andel: np.ndarray  # (Y, K) exakt andel som flyttal
    nyckel: tuple[str, ...]
    aktivitet: pd.DataFrame | None  # kommunkod, ar, deltagardagar, utbildardagar
    avtal: tuple[Avtal | None, ...] = ()  # avtalet för året, där ett finns (då gäller avtalets belopp)
    utbildarvikter: np.ndarray | None = None  # (K,) antagna utbildardagar per kommun och år

    def slag(self, j: int) -> str:
        """ "enligt avtal" för ett år med avtal, annars "beräknat" (ur antagandena)."""
        return "enligt avtal" if self.avtal and self.avtal[j] is not None else "beräknat"


def _frac(x: object) -> Fraction:
    if isinstance(x, Rational | float | Decimal | str):
        return Fraction(x)
    raise TypeError(f"{x!r} är inget tal")


def _avrunda(x: np.ndarray, exakt: bool) -> np.ndarray:
    """Avrunda halva uppåt till hela kronor (int64)."""
    if exakt:
        return np.vectorize(lambda v: math.floor(Fraction(v) + Fraction(1, 2)), otypes=[np.int64])(x)
    return np.floor(np.asarray(x, dtype=float) + 0.5).astype(np.int64)


def _kolumn(v: object, n: int, exakt: bool, standard: object) -> np.ndarray:
    """Parameter som array (N,): objekt-array med bråk (exakt) eller flyttal."""
    varde = standard if v is None else v
    if exakt:
        arr = np.empty(n, dtype=object)
        arr[:] = [_frac(x) for x in np.broadcast_to(np.asarray(varde, dtype=object), (n,))]
        return arr
    return np.broadcast_to(np.asarray(varde, dtype=float), (n,)).astype(float)


def befolkningsdatum(a: Antaganden, ar: int, avtal: Mapping[int, Avtal] | None = None) -> date:
    """Referensdatumet för årets fördelning: avtalets, där ett avtal finns, annars antagandenas."""
    if avtal and ar in avtal:
        return avtal[ar].befolkningsdatum
    return a.befolkningsdatum_ar(ar)


def _scb_kalla(bef: pd.DataFrame) -> str:
    """'SCB TAB5444 Folkmängd per månad': källan till ett års befolkning. Tabellen står i kolumnen
    `scb_tabell` som flödet lägger till (beräkningen känner inte SCB:s tabeller)."""
    return f"SCB {bef['scb_tabell'].iloc[0]}" if "scb_tabell" in bef else "SCB"


def build_underlag(
    a: Antaganden,
    befolkning: Mapping[int, pd.DataFrame],
    aktivitet: pd.DataFrame | None = None,
    avtal: Mapping[int, Avtal] | None = None,
) -> Modellunderlag:
    """Befolkning, fördelningsvikter och aktivitet för åren i `befolkning` (år → befolkningen som
    årets fördelning bygger på, i åldersordning), utan att läsa något.

    För år i `avtal` gäller avtalets fördelningsnyckel (och befolkningen ska vara den per avtalets
    datum); för övriga år antagandenas nyckel.
    """
    avtal = dict(avtal or {})
    ar = tuple(sorted(befolkning))
    fran = ar[0]
    folk, datum, kalla, vikter, andel, nycklar = [], [], [], [], [], []
    koder: tuple[str, ...] = ()
    namn: tuple[str, ...] = ()
    for y in ar:
        d = befolkningsdatum(a, y, avtal)
        bef = befolkning[y].sort_values("kommunkod", ignore_index=True)
        if not koder:
            koder, namn = tuple(bef["kommunkod"]), tuple(bef["kommun"])
        elif tuple(bef["kommunkod"]) != koder:
            raise AnalysError(f"Länets kommuner är inte desamma {fran} och {y}; välj ett senare startår.")
        if y in avtal:
            nyckelobj = avtal[y].fordelningsnyckel()
            exakt = andelar(bef, nyckelobj)
            vikter.append(heltalsvikter([exakt[k] for k in koder]))
            andel.append([float(exakt[k]) for k in koder])
            folk.append(list(bef["folkmangd"]))
            datum.append(d.isoformat())
            kalla.append(_scb_kalla(bef))
            nycklar.append(nyckelobj.nyckel.value)
            continue
        val = a.nyckel_ar(y)
        if val.vikter:
            okanda = sorted(set(val.vikter) - set(koder))
            if okanda:
                raise AnalysError(
                    f"Nyckelns vikter för {y} gäller kommunkoder som inte finns i länet: {', '.join(okanda)} "
                    f"(länets kommuner: {', '.join(koder)})."
                )
        vikt = tuple((k, v) for k, v in val.vikter.items()) if val.vikter else None
        exakt = andelar(bef, Fordelningsnyckel(nyckel=val.nyckel, fast_andel=val.fast_andel, vikter=vikt))
        vikter.append(heltalsvikter([exakt[k] for k in koder]))
        andel.append([float(exakt[k]) for k in koder])
        folk.append(list(bef["folkmangd"]))
        datum.append(d.isoformat())
        forsta = str(bef["kalla"].iloc[0])
        kalla.append(forsta if forsta.startswith(("framskrivning", "prognos")) else _scb_kalla(bef))
        nycklar.append(val.nyckel.value)
    dagar = a.rorliga.utbildare.dagar
    okanda = sorted(set(dagar) - set(koder))
    if okanda:
        raise AnalysError(
            f"rorliga → utbildare → dagar: kommunkoderna {', '.join(okanda)} finns inte i länet "
            f"(länets kommuner: {', '.join(koder)})."
        )
    utbildarvikter = np.array([int(dagar.get(k, 0)) for k in koder], dtype=np.int64)
    return Modellunderlag(
        ar=ar,
        kommunkod=koder,
        kommun=namn,
        folkmangd=np.array(folk, dtype=np.int64),
        befolkningsdatum=tuple(datum),
        befolkningskalla=tuple(kalla),
        vikter=np.array(vikter, dtype=object if max(max(v) for v in vikter) >= 2**62 else np.int64),
        andel=np.array(andel, dtype=float),
        nyckel=tuple(nycklar),
        aktivitet=aktivitet,
        avtal=tuple(avtal.get(y) for y in ar),
        utbildarvikter=utbildarvikter,
    )


@dataclass(frozen=True)
class Resultat:
    """Matriser med formen (N, Y) eller (N, Y, K); N = dragningar (1 för en exakt körning)."""

    tjanster: np.ndarray
    aktiva_resor: np.ndarray
    fast_total: np.ndarray
    kommunernas_del: np.ndarray
    fast_kostnad: np.ndarray
    deltagardagar: np.ndarray
    rorlig_kostnad: np.ndarray
    utbildardagar: np.ndarray
    pott: np.ndarray
    pott_tillbaka: np.ndarray
    netto: np.ndarray


@dataclass(frozen=True)
class Fasta:
    """Det som ger den fasta kostnaden, (N, Y): tjänster, aktiva resor, årets fasta kostnad och
    kommunernas del av den (hela kronor)."""

    tjanster: np.ndarray
    aktiva_resor: np.ndarray
    fast_total: np.ndarray
    kommunernas_del: np.ndarray


def _aktiva_manader(start: np.ndarray, ar: np.ndarray) -> np.ndarray:
    """Månader (0–12) som något som startar vid månadsindex `start` (N,) är aktivt år `ar` (Y,)."""
    return np.clip(12 * (ar[None, :] + 1) - start[:, None], 0, 12)


def _avtalen(u: Modellunderlag) -> tuple[Avtal | None, ...]:
    return u.avtal or (None,) * len(u.ar)


def indexfaktorer(ar: np.ndarray, basar: int, takt: Callable[[int], np.ndarray]) -> np.ndarray:
    """Indexfaktor per dragning och år (N, Y): 1 till och med basåret, därefter produkten av
    (1 + årets takt); `takt(år)` ger takten per dragning (N,).

    >>> indexfaktorer(np.arange(2023, 2027), 2024, lambda y: np.array([Fraction(1, 10)], dtype=object))
    array([[1, 1, Fraction(11, 10), Fraction(121, 100)]], dtype=object)
    """
    ett = np.ones_like(takt(basar))
    faktorer, lopande = {}, ett
    for y in range(basar + 1, max(ar) + 1):
        lopande = lopande * (1 + takt(y))
        faktorer[y] = lopande
    return np.stack([faktorer.get(int(y), ett) for y in ar], axis=1)


def rollkostnad(roller: Sequence[Roll], ar: np.ndarray, exakt: bool) -> tuple[np.ndarray, np.ndarray]:
    """De fasta rollernas kostnad i basårets kronor och deras tjänster, per år (Y,): tjänst ×
    kostnad per tjänst × den del av året som rollen finns.

    >>> r = Roll(id="samordnare", namn="Samordnare", tjanst=1, kostnad_per_tjanst=600_000, fran="2024-07")
    >>> kronor, tjanster = rollkostnad([r], np.array([2024, 2025]), exakt=False)
    >>> kronor, tjanster
    (array([300000., 600000.]), array([0.5, 1. ]))
    """
    typ = object if exakt else float
    kronor = np.zeros(len(ar), dtype=typ)
    tjanster = np.zeros(len(ar), dtype=typ)
    for r in roller:
        man = _aktiva_manader(np.array([manadsindex(r.fran)]), ar)[0]
        del_ar = np.array([Fraction(int(m), 12) if exakt else m / 12 for m in man], dtype=typ)
        tj = Fraction(r.tjanst) if exakt else float(r.tjanst)
        kronor = kronor + (tj * r.kostnad_per_tjanst) * del_ar
        tjanster = tjanster + tj * del_ar
    return kronor, tjanster


def yrkesresor(
    resor: Sequence[Yrkesresa], ar: np.ndarray, skift: np.ndarray, basar: int, exakt: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Aktiva resor (för deltagardagarna) och nya resor efter basåret (för extra bemanning), i
    delar av hela år per dragning och år (N, Y); `skift` (N,) flyttar varje lansering i månader.

    Om en resa är ny avgörs av den planerade lanseringen: en försenad resa som basårets bemanning
    redan räknar med ger ingen extra tjänst, bara senare kursdagar.

    >>> resa = Yrkesresa(nr=1, namn="Resa 1", start="2025-07")
    >>> aktiva, nya = yrkesresor([resa], np.array([2025, 2026]), np.array([0, 6]), 2024, exakt=False)
    >>> aktiva, (nya == aktiva).all()
    (array([[0.5, 1. ],
           [0. , 1. ]]), np.True_)
    """
    typ = object if exakt else float
    aktiva = np.zeros((len(skift), len(ar)), dtype=typ)
    nya = np.zeros((len(skift), len(ar)), dtype=typ)
    for resa in resor:
        man = _aktiva_manader(manadsindex(resa.start) + skift, ar)
        del_ar = man.astype(object) * Fraction(1, 12) if exakt else man / 12
        aktiva = aktiva + del_ar
        if manadsindex(resa.start) >= 12 * (basar + 1):
            nya = nya + del_ar
    return aktiva, nya


@dataclass(frozen=True)
class _Varden:
    """De osäkra parametrarna per dragning (N,): dragna värden eller antagandets eget."""

    faktor: np.ndarray
    per_resa: np.ndarray
    deltagardagar: np.ndarray
    besparing: np.ndarray
    skift: np.ndarray  # hela månader, int64
    takt: Callable[[int], np.ndarray]  # indexering år → (N,)


def _varden(a: Antaganden, drag: Drag, n: int, exakt: bool) -> _Varden:
    skift = 0 if drag.lansering_forskjutning_manader is None else drag.lansering_forskjutning_manader
    return _Varden(
        faktor=_kolumn(drag.kostnad_per_tjanst_faktor, n, exakt, 1),
        per_resa=_kolumn(drag.per_resa, n, exakt, a.bemanning.per_resa),
        deltagardagar=_kolumn(
            drag.deltagardagar_per_1000_invanare_och_resa, n, exakt, a.rorliga.deltagardagar_per_1000_invanare_och_resa
        ),
        besparing=_kolumn(drag.samverkan_besparing, n, exakt, a.samverkan.besparing),
        skift=np.broadcast_to(np.rint(np.asarray(skift, dtype=float)).astype(np.int64), (n,)),
        takt=lambda y: _kolumn(drag.indexering, n, exakt, a.indexering_ar(y)),
    )


def modellkostnad(
    a: Antaganden, ar: np.ndarray, v: _Varden, roller_kr: np.ndarray, nya: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Den fasta kostnaden enligt modellen (N, Y), oavrundad: (rollerna + en extra tjänst per ny
    resa) × faktorn × index, minus besparingen genom samverkan; och de extra tjänsterna (N, Y)."""
    extra_tj = v.per_resa[:, None] * nya
    kpt_extra = a.roll(a.bemanning.roll).kostnad_per_tjanst
    modell = (roller_kr + extra_tj * kpt_extra) * v.faktor[:, None] * indexfaktorer(ar, a.basar, v.takt)
    sparar = (ar >= a.samverkan.fran_ar)[None, :]
    return modell * np.where(sparar, 1 - v.besparing[:, None], 1), extra_tj


def fast_total(a: Antaganden, u: Modellunderlag, modell: np.ndarray, exakt: bool) -> np.ndarray:
    """Årets fasta kostnad i hela kronor (N, Y): avtalets belopp, ett känt års, annars modellens
    (avrundad halva uppåt). Ett år före basåret utan avtal eller känd kostnad är ett fel."""
    total = np.array(_avrunda(modell, exakt), dtype=np.int64).reshape(modell.shape)
    for j, (y, avtal) in enumerate(zip(u.ar, _avtalen(u), strict=True)):
        if avtal is not None:
            total[:, j] = avtal.total_kostnad
        elif y in a.kanda_ar:
            total[:, j] = a.kanda_ar[y].fast_kostnad
        elif y < a.basar:
            raise AnalysError(
                f"Fast kostnad saknas för {y}: året ligger före basåret {a.basar}; lägg in det under "
                "kanda_ar i antagandena eller välj ett senare startår."
            )
    return total


def kommunernas_del(a: Antaganden, u: Modellunderlag, total: np.ndarray, exakt: bool) -> np.ndarray:
    """Kommunernas del av den fasta kostnaden (N, Y), hela kronor: finansieringens procent av
    totalen, avrundad halva uppåt; ett år med avtal har avtalets belopp."""
    procent = np.array([Fraction(a.finansiering_ar(y).kommuner) for y in u.ar], dtype=object)
    if exakt:
        delen = _avrunda(total.astype(object) * procent[None, :] / 100, True)
    else:
        delen = _avrunda(total * procent.astype(float)[None, :] / 100, False)
    delen = np.array(delen, dtype=np.int64).reshape(total.shape)
    for j, avtal in enumerate(_avtalen(u)):
        if avtal is not None:
            delen[:, j] = avtal.belopp_kommuner
    return delen


def fasta(a: Antaganden, u: Modellunderlag, drag: Drag | None = None, n: int = 1, exakt: bool = True) -> Fasta:
    """Den fasta kostnaden för `n` dragningar, utan kommunernas delar och de rörliga kostnaderna."""
    v = _varden(a, drag or Drag(), n, exakt)
    ar = np.array(u.ar)
    roller_kr, tjanster = rollkostnad(a.roller, ar, exakt)
    aktiva, nya = yrkesresor(a.yrkesresor, ar, v.skift, a.basar, exakt)
    modell, extra_tj = modellkostnad(a, ar, v, roller_kr, nya)
    tjanster = tjanster + extra_tj
    for j, avtal in enumerate(_avtalen(u)):
        if avtal is not None:
            tjanster[:, j] = Fraction(avtal.tjanster) if exakt else float(avtal.tjanster)
    total = fast_total(a, u, modell, exakt)
    return Fasta(tjanster, aktiva, total, kommunernas_del(a, u, total, exakt))


def fordela_fast(kommunernas_del: np.ndarray, vikter: np.ndarray) -> np.ndarray:
    """Varje års belopp (N, Y) fördelat på kommunerna (N, Y, K) efter årets heltalsvikter (Y, K),
    med största-restmetoden.

    >>> fordela_fast(np.array([[10, 7]]), np.array([[1, 1, 1], [5, 2, 0]]))
    array([[[4, 3, 3],
            [5, 2, 0]]])
    """
    n, y = kommunernas_del.shape
    ut = np.empty((n, y, vikter.shape[1]), dtype=np.int64)
    for j in range(y):
        ut[:, j, :] = largest_remainder_matrix(kommunernas_del[:, j], vikter[j])
    return ut


def deltagardagar(
    u: Modellunderlag, per_1000: np.ndarray, aktiva: np.ndarray, exakt: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Deltagardagar och utbildardagar per dragning, år och kommun (N, Y, K): dagar per 1 000
    invånare och resa × folkmängd / 1 000 × aktiva resor (avrundat halva uppåt), och antagandets
    utbildardagar; aktivitetsfilen gäller före båda för de år den anger."""
    n, y, k = aktiva.shape[0], len(u.ar), len(u.kommunkod)
    if exakt:
        produkt = per_1000[:, None, None] * (u.folkmangd.astype(object)[None, :, :] * Fraction(1, 1000))
    else:
        produkt = per_1000[:, None, None] * (u.folkmangd[None, :, :] / 1000)
    dagar = np.array(_avrunda(produkt * aktiva[:, :, None], exakt), dtype=np.int64).reshape(n, y, k)
    vikter = u.utbildarvikter if u.utbildarvikter is not None else np.zeros(k, dtype=np.int64)
    utbildare = np.empty((n, y, k), dtype=vikter.dtype)
    utbildare[:] = vikter[None, None, :]
    if u.aktivitet is not None:
        pos = {kod: i for i, kod in enumerate(u.kommunkod)}
        rader = u.aktivitet[["kommunkod", "ar", "deltagardagar", "utbildardagar"]].itertuples(index=False, name=None)
        for kod, ar, dd, ud in rader:
            if ar in u.ar:
                dagar[:, u.ar.index(ar), pos[kod]] = dd
                utbildare[:, u.ar.index(ar), pos[kod]] = ud
    return dagar, utbildare


def pott(
    dagar: np.ndarray, utbildare: np.ndarray, per_deltagardag: int, ar: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Potten per dragning och år (N, Y), `per_deltagardag` kronor för varje deltagardag, och
    varje kommuns del tillbaka (N, Y, K) efter utbildardagarna (största-restmetoden).

    >>> p, tillbaka = pott(np.array([[[10, 20, 0]]]), np.array([[[1, 2, 0]]]), 400, [2026])
    >>> p, tillbaka
    (array([[12000]]), array([[[4000, 8000,    0]]]))
    >>> pott(np.array([[[1, 0]]]), np.array([[[0, 0]]]), 400, [2026])
    Traceback (most recent call last):
    analys.fel.AnalysError: Potten 2026 kan inte betalas tillbaka: inga utbildardagar det året.
    """
    summa = dagar.sum(axis=2) * per_deltagardag
    utan_utbildare = (utbildare.sum(axis=2) == 0) & (summa > 0)
    if utan_utbildare.any():
        j = int(np.argwhere(utan_utbildare)[0][1])
        raise AnalysError(f"Potten {ar[j]} kan inte betalas tillbaka: inga utbildardagar det året.")
    k = dagar.shape[2]
    tillbaka = np.zeros(dagar.shape, dtype=np.int64)
    rader = (summa > 0).reshape(-1)
    if rader.any():
        tillbaka.reshape(-1, k)[rader] = largest_remainder_matrix(
            summa.reshape(-1)[rader], utbildare.reshape(-1, k)[rader]
        )
    return summa, tillbaka


def compute(a: Antaganden, u: Modellunderlag, drag: Drag | None = None, n: int = 1, exakt: bool = True) -> Resultat:
    """Räkna hela modellen för `n` dragningar (exakt: bråk, annars flyttal)."""
    drag = drag or Drag()
    f = fasta(a, u, drag, n, exakt)
    fast_kostnad = fordela_fast(f.kommunernas_del, u.vikter)
    per_1000 = _varden(a, drag, n, exakt).deltagardagar
    dagar, utbildare = deltagardagar(u, per_1000, f.aktiva_resor, exakt)
    rorlig = dagar * a.rorliga.avgift_per_deltagardag
    summa, tillbaka = pott(dagar, utbildare, a.rorliga.till_pott_per_deltagardag, u.ar)
    return Resultat(
        tjanster=f.tjanster,
        aktiva_resor=f.aktiva_resor,
        fast_total=f.fast_total,
        kommunernas_del=f.kommunernas_del,
        fast_kostnad=fast_kostnad,
        deltagardagar=dagar,
        rorlig_kostnad=rorlig,
        utbildardagar=utbildare,
        pott=summa,
        pott_tillbaka=tillbaka,
        netto=fast_kostnad + rorlig - tillbaka,
    )


def compute_scenario(a: Antaganden, scenario: str, u: Modellunderlag) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ett scenario, exakt: (per kommun och år, per år).

    Per kommun och år: scenario, ar, slag ("enligt avtal" eller "beräknat"), kommunkod, kommun,
    befolkningsdatum, folkmangd, andel, fast_kostnad (kommunens del av den fasta kostnaden),
    deltagardagar och rorlig_kostnad (kursavgifter), utbildardagar och pott_tillbaka, netto.
    Per år: scenario, ar, slag, avtal, tjanster, aktiva_resor, fast_total, region_del,
    kommunernas_del, deltagardagar, utbildardagar, pott, befolkningsdatum, befolkningskalla, nyckel.
    """
    r = compute(a, u)
    Y, K = len(u.ar), len(u.kommunkod)
    slag = [u.slag(j) for j in range(Y)]
    avtal = [av.namn if av is not None else "" for av in (u.avtal or (None,) * Y)]
    per_kommun = pd.DataFrame(
        {
            "scenario": scenario,
            "ar": np.repeat(u.ar, K),
            "slag": np.repeat(slag, K),
            "kommunkod": np.tile(u.kommunkod, Y),
            "kommun": np.tile(u.kommun, Y),
            "befolkningsdatum": np.repeat(u.befolkningsdatum, K),
            "folkmangd": u.folkmangd.reshape(-1),
            "andel": u.andel.reshape(-1),
            "fast_kostnad": r.fast_kostnad[0].reshape(-1),
            "deltagardagar": r.deltagardagar[0].reshape(-1),
            "rorlig_kostnad": r.rorlig_kostnad[0].reshape(-1),
            "utbildardagar": np.asarray(r.utbildardagar[0], dtype=np.int64).reshape(-1),
            "pott_tillbaka": r.pott_tillbaka[0].reshape(-1),
            "netto": r.netto[0].reshape(-1),
        }
    )
    per_ar = pd.DataFrame(
        {
            "scenario": scenario,
            "ar": u.ar,
            "slag": slag,
            "avtal": avtal,
            "tjanster": [float(x) for x in r.tjanster[0]],
            "aktiva_resor": [float(x) for x in r.aktiva_resor[0]],
            "fast_total": r.fast_total[0],
            "region_del": r.fast_total[0] - r.kommunernas_del[0],
            "kommunernas_del": r.kommunernas_del[0],
            "deltagardagar": r.deltagardagar[0].sum(axis=1),
            "utbildardagar": np.asarray(r.utbildardagar[0], dtype=np.int64).sum(axis=1),
            "pott": r.pott[0],
            "befolkningsdatum": u.befolkningsdatum,
            "befolkningskalla": u.befolkningskalla,
            "nyckel": u.nyckel,
        }
    )
    return per_kommun, per_ar


# --- tabeller som efterfrågas ------------------------------------------------------------------


def table_kommun_over_ar(per_kommun: pd.DataFrame, varde: str = "netto") -> pd.DataFrame:
    """Kommuner × år (ett scenario åt gången, eller scenario i radindex), hela kronor."""
    flera = "scenario" in per_kommun and per_kommun["scenario"].nunique() > 1
    index = ["scenario", "kommunkod", "kommun"] if flera else ["kommunkod", "kommun"]
    return per_kommun.pivot_table(index=index, columns="ar", values=varde, aggfunc="sum").astype("int64")


def table_skillnad_mot_bas(per_kommun: pd.DataFrame, bas: str = "bas", varde: str = "netto") -> pd.DataFrame:
    """Varje scenarios belopp minus basens, per scenario, kommun och år."""
    if bas not in set(per_kommun["scenario"]):
        raise AnalysError(f"Scenariot '{bas}' finns inte i tabellen att jämföra med.")
    b = per_kommun[per_kommun["scenario"] == bas].set_index(["ar", "kommunkod"])[varde]
    ut = per_kommun[per_kommun["scenario"] != bas].copy()
    ut["skillnad"] = ut[varde].to_numpy() - b.loc[list(zip(ut["ar"], ut["kommunkod"], strict=True))].to_numpy()
    return ut[["scenario", "ar", "kommunkod", "kommun", varde, "skillnad"]].reset_index(drop=True)


def table_totaler_per_ar(per_kommun: pd.DataFrame) -> pd.DataFrame:
    """Summor per scenario och år: fast, rörligt, pott, netto."""
    kol = ["fast_kostnad", "rorlig_kostnad", "pott_tillbaka", "netto"]
    return per_kommun.groupby(["scenario", "ar"], sort=False)[kol].sum().reset_index()


# --- osäkerhet ---------------------------------------------------------------------------------


def sensitivity(a: Antaganden, u: Modellunderlag, ar: int | None = None, varde: str = "fast_kostnad") -> pd.DataFrame:
    """En parameter i taget på sitt låga och höga värde: effekt på varje kommuns belopp år `ar`
    (`varde`: fast_kostnad, rorlig_kostnad, pott_tillbaka eller netto). Ett år med avtal ändras
    aldrig: där är effekten 0.

    Kolumner: parameter, etikett, lag, hog, kommunkod, kommun, varde_bas, varde_lag, varde_hog,
    effekt_lag, effekt_hog. Sorterad så att den största effekten (summerad över kommunerna)
    kommer först, som i ett tornadodiagram.
    """
    ar = ar or u.ar[-1]
    j = u.ar.index(ar) if ar in u.ar else None
    if j is None:
        raise AnalysError(f"Året {ar} ligger utanför {u.ar[0]}–{u.ar[-1]}.")
    bas = getattr(compute(a, u), varde)[0, j]
    rader = []
    for namn, etikett in OSAKRA.items():
        iv = getattr(a.osakerhet, namn)
        if iv is None:
            continue
        lag = getattr(compute(a, u, Drag(**{namn: iv.lag})), varde)[0, j]
        hog = getattr(compute(a, u, Drag(**{namn: iv.hog})), varde)[0, j]
        for k in range(len(u.kommunkod)):
            rader.append(
                (
                    namn,
                    etikett,
                    float(iv.lag),
                    float(iv.hog),
                    u.kommunkod[k],
                    u.kommun[k],
                    int(bas[k]),
                    int(lag[k]),
                    int(hog[k]),
                )
            )
    df = pd.DataFrame(
        rader,
        columns=[
            "parameter",
            "etikett",
            "lag",
            "hog",
            "kommunkod",
            "kommun",
            "varde_bas",
            "varde_lag",
            "varde_hog",
        ],
    )
    df["effekt_lag"] = df["varde_lag"] - df["varde_bas"]
    df["effekt_hog"] = df["varde_hog"] - df["varde_bas"]
    spann = df.groupby("parameter")[["effekt_lag", "effekt_hog"]].sum().abs().max(axis=1)
    df["_spann"] = df["parameter"].map(spann)
    return (
        df.sort_values(["_spann", "kommunkod"], ascending=[False, True]).drop(columns="_spann").reset_index(drop=True)
    )


ANDELSPARAMETRAR: frozenset[str] = frozenset()
"""Osäkra parametrar som ändrar kommunernas andelar av den fasta kostnaden (t.ex. en osäker fast
andel i en blandad nyckel). Inga i dag: andelarna är underlagets vikter, som ingen dragning rör.
Dras någon av dem räknar Monte Carlo varje dragning och kommun fullt ut."""

VARDEN = ("fast_kostnad", "rorlig_kostnad", "pott_tillbaka", "netto")


def dragningar(a: Antaganden, n: int, seed: int) -> Drag:
    """Likformiga dragningar (n,) av varje osäker parameter som har ett intervall; samma frö ger
    samma dragningar."""
    rng = np.random.default_rng(seed)
    varden = {}
    for namn in OSAKRA:
        iv = getattr(a.osakerhet, namn)
        if iv is not None:
            varden[namn] = rng.uniform(float(iv.lag), float(iv.hog), size=n)
    return Drag(**varden)


def band(r: np.ndarray) -> np.ndarray:
    """P10, P50, P90 och medelvärdet över dragningarna (axel 0) i hela kronor, formen (4, …).

    Percentilerna är dragningar (den närmaste i ordning, inte en interpolation mellan två): så
    flyttar avrundningen till hela kronor dem lika lite som den flyttar dragningarna, och
    kommunens percentil är dess del av hela beloppets percentil, inom 1 kr.

    >>> band(np.array([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 1000]))
    array([ 10,  50,  90, 132])
    """
    procent = np.percentile(r, [10, 50, 90], axis=0, method="nearest")
    return np.rint(np.concatenate([procent, r.mean(axis=0)[None]])).astype(np.int64)


def monte_carlo(
    a: Antaganden,
    u: Modellunderlag,
    n: int = 10_000,
    seed: int = 1,
    varde: str = "fast_kostnad",
    full: bool = False,
) -> pd.DataFrame:
    """Likformiga dragningar av de osäkra parametrarna → P10, P50, P90 och medel per kommun och år
    av `varde` (standard kommunens fasta kostnad). År med avtal har samma värde i alla dragningar.

    Den fasta kostnaden räknas där den varierar: kommunernas del per dragning och år, vars
    percentiler fördelas med största-restmetoden efter årets andelar (som ingen dragning ändrar).
    Kommunernas band summerar då till bandet för hela beloppet, och tiden växer med dragningar ×
    år, inte med kommunerna. `full=True` (och de andra värdena, där kursavgifter och pott avrundas
    per kommun) räknar varje dragning för varje kommun och tar percentilerna per kommun; de två
    vägarna skiljer sig högst 1 kr (provet i tests/test_kostnadsmodell.py; percentilerna är
    dragningar, se `band`).

    Samma frö ger samma resultat. Kolumner: ar, kommunkod, kommun, p10, p50, p90, medel.
    """
    if varde not in VARDEN:
        raise AnalysError(f"Monte Carlo kan visa {', '.join(VARDEN)}, inte {varde}.")
    drag = dragningar(a, n, seed)
    dragna = {namn for namn in OSAKRA if getattr(drag, namn) is not None}
    if varde == "fast_kostnad" and not full and not dragna & ANDELSPARAMETRAR:
        per_ar = band(fasta(a, u, drag, n=n, exakt=False).kommunernas_del)  # (4, Y)
        varden = fordela_fast(per_ar, u.vikter)  # (4, Y, K)
    else:
        varden = band(getattr(compute(a, u, drag, n=n, exakt=False), varde))
    Y, K = len(u.ar), len(u.kommunkod)
    return pd.DataFrame(
        {
            "ar": np.repeat(u.ar, K),
            "kommunkod": np.tile(u.kommunkod, Y),
            "kommun": np.tile(u.kommun, Y),
            "p10": varden[0].reshape(-1),
            "p50": varden[1].reshape(-1),
            "p90": varden[2].reshape(-1),
            "medel": varden[3].reshape(-1),
        }
    )
