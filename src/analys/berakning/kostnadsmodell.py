"""Kostnadsmodellen: vad varje kommun betalar år för år under ett scenarios antaganden.

En och samma beräkning används på två sätt:

- **exakt** (ett scenario): alla tal är bråk, och årens belopp avrundas till hela kronor en gång
  (halva uppåt) innan de fördelas med största-restmetoden. Det är de här beloppen som hamnar i
  tabeller och underlag.
- **Monte Carlo** (tusentals dragningar av de osäkra parametrarna): samma formler över
  numpy-matriser med flyttal, avrundade till hela kronor på samma ställen.

Per år och kommun:
    fast_kostnad   = kommunens del av kommunernas andel av årets fasta kostnad,
    rorlig_kostnad = deltagardagar × avgift per deltagardag,
    pott_tillbaka  = kommunens del av potten (pottandel × alla deltagardagar), efter utbildardagar,
    netto          = fast_kostnad + rorlig_kostnad − pott_tillbaka.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

import numpy as np
import pandas as pd

from analys.begrepp import OSAKRA, Antaganden, Avtal, Fordelningsnyckel, manadsindex, scb_tabell
from analys.berakning.fordelning import andelar, heltalsvikter, largest_remainder_matrix
from analys.fel import AnalysError


@dataclass(frozen=True)
class Drag:
    """Värden för de osäkra parametrarna. `None` = antagandets eget värde.

    Varje fält är ett tal (en körning) eller en array med en post per dragning (Monte Carlo).
    """

    indexering: object = None
    kostnad_per_tjanst_faktor: object = None
    per_resa: object = None
    lansering_forskjutning_manader: object = None
    deltagardagar_per_1000_invanare_och_resa: object = None
    samverkan_besparing: object = None


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
    return Fraction(x)


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
            kalla.append(f"SCB {scb_tabell(d)}")
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
        kalla.append(forsta if forsta.startswith(("framskrivning", "prognos")) else f"SCB {scb_tabell(d)}")
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


def _aktiva_manader(start: np.ndarray, ar: np.ndarray) -> np.ndarray:
    """Månader (0–12) som något som startar vid månadsindex `start` (N,) är aktivt år `ar` (Y,)."""
    return np.clip(12 * (ar[None, :] + 1) - start[:, None], 0, 12)


def compute(a: Antaganden, u: Modellunderlag, drag: Drag | None = None, n: int = 1, exakt: bool = True) -> Resultat:
    """Räkna hela modellen för `n` dragningar (exakt: bråk, annars flyttal)."""
    drag = drag or Drag()
    ar = np.array(u.ar)
    Y = len(ar)
    faktor = _kolumn(drag.kostnad_per_tjanst_faktor, n, exakt, 1)
    per_resa = _kolumn(drag.per_resa, n, exakt, a.bemanning.per_resa)
    rate = _kolumn(
        drag.deltagardagar_per_1000_invanare_och_resa,
        n,
        exakt,
        a.rorliga.deltagardagar_per_1000_invanare_och_resa,
    )
    besparing = _kolumn(drag.samverkan_besparing, n, exakt, a.samverkan.besparing)
    skift = np.broadcast_to(
        np.rint(
            np.asarray(
                0 if drag.lansering_forskjutning_manader is None else drag.lansering_forskjutning_manader,
                dtype=float,
            )
        ).astype(np.int64),
        (n,),
    )

    # Indexfaktor per dragning och år: 1 t.o.m. basåret, därefter produkten av (1 + takt).
    typ = object if exakt else float
    ett = _kolumn(1, n, exakt, 1)
    faktorer, lopande = {}, ett
    for y in range(a.basar + 1, int(ar[-1]) + 1):
        lopande = lopande * (1 + _kolumn(drag.indexering, n, exakt, a.indexering_ar(y)))
        faktorer[y] = lopande
    idx = np.empty((n, Y), dtype=typ)
    for j, y in enumerate(ar):
        idx[:, j] = faktorer.get(int(y), ett)

    # Fasta roller, i basårets kronor.
    roller_kr = np.zeros((n, Y), dtype=typ)
    tjanster = np.zeros((n, Y), dtype=typ)
    for r in a.roller:
        man = _aktiva_manader(np.array([manadsindex(r.fran)]), ar)[0]
        andel_ar = np.array([Fraction(int(m), 12) if exakt else m / 12 for m in man], dtype=typ)
        tj = _frac(r.tjanst) if exakt else float(r.tjanst)
        kpt = r.kostnad_per_tjanst
        roller_kr = roller_kr + (tj * kpt) * andel_ar[None, :]
        tjanster = tjanster + tj * andel_ar[None, :]

    # Yrkesresor: aktiva (för deltagardagar) och nya efter basåret (för extra bemanning).
    aktiva = np.zeros((n, Y), dtype=typ)
    nya = np.zeros((n, Y), dtype=typ)
    for resa in a.yrkesresor:
        start = manadsindex(resa.start) + skift
        man = _aktiva_manader(start, ar)
        del_ar = man.astype(object) * Fraction(1, 12) if exakt else man / 12
        aktiva = aktiva + del_ar
        # Om resan är ny (efter basåret) avgörs av den planerade lanseringen: en försenad resa som
        # basårets bemanning redan räknar med ger ingen extra tjänst, bara senare kursdagar.
        if manadsindex(resa.start) >= 12 * (a.basar + 1):
            nya = nya + del_ar
    extra_tj = per_resa[:, None] * nya
    kpt_extra = a.roll(a.bemanning.roll).kostnad_per_tjanst
    modell = (roller_kr + extra_tj * kpt_extra) * faktor[:, None] * idx
    sparar = (ar >= a.samverkan.fran_ar)[None, :]
    modell = modell * np.where(sparar, 1 - besparing[:, None], 1)
    tjanster = tjanster + extra_tj

    fast_total = np.zeros((n, Y), dtype=np.int64)
    avtalen = u.avtal or (None,) * Y
    for j, y in enumerate(ar):
        if avtalen[j] is not None:
            fast_total[:, j] = avtalen[j].total_kostnad
            tjanster[:, j] = Fraction(avtalen[j].tjanster) if exakt else float(avtalen[j].tjanster)
        elif int(y) in a.kanda_ar:
            fast_total[:, j] = a.kanda_ar[int(y)].fast_kostnad
        elif y < a.basar:
            raise AnalysError(
                f"Fast kostnad saknas för {y}: året ligger före basåret {a.basar}; lägg in det under "
                "kanda_ar i antagandena eller välj ett senare startår."
            )
        else:
            fast_total[:, j] = _avrunda(modell[:, j], exakt)

    kommun_procent = np.array([_frac(a.finansiering_ar(int(y)).kommuner) for y in ar], dtype=object)
    if exakt:
        kommunernas_del = _avrunda(fast_total.astype(object) * kommun_procent[None, :] / 100, True)
    else:
        kommunernas_del = _avrunda(fast_total * kommun_procent.astype(float)[None, :] / 100, False)
    kommunernas_del = np.asarray(kommunernas_del, dtype=np.int64)
    for j in range(Y):
        if avtalen[j] is not None:
            kommunernas_del[:, j] = avtalen[j].belopp_kommuner

    K = len(u.kommunkod)
    fast_kostnad = np.empty((n, Y, K), dtype=np.int64)
    for j in range(Y):
        fast_kostnad[:, j, :] = largest_remainder_matrix(kommunernas_del[:, j], u.vikter[j])

    # Rörliga kostnader: deltagardagar efter folkmängd och aktiva resor, eller ur aktivitetsfilen.
    folk = u.folkmangd
    if exakt:
        dagar = _avrunda(
            rate[:, None, None] * (folk.astype(object)[None, :, :] * Fraction(1, 1000)) * aktiva[:, :, None],
            True,
        )
    else:
        dagar = _avrunda(rate[:, None, None] * (folk[None, :, :] / 1000) * aktiva[:, :, None], False)
    dagar = np.asarray(dagar, dtype=np.int64).reshape(n, Y, K)
    utbildare = np.empty((n, Y, K), dtype=u.utbildarvikter.dtype)
    utbildare[:] = u.utbildarvikter[None, None, :]
    if u.aktivitet is not None:
        pos = {k: i for i, k in enumerate(u.kommunkod)}
        for r in u.aktivitet.itertuples():
            if r.ar in u.ar:
                j = u.ar.index(r.ar)
                dagar[:, j, pos[r.kommunkod]] = r.deltagardagar
                utbildare[:, j, pos[r.kommunkod]] = r.utbildardagar
    rorlig = dagar * a.rorliga.avgift_per_deltagardag
    pott = dagar.sum(axis=2) * a.rorliga.till_pott_per_deltagardag
    utan_utbildare = (utbildare.sum(axis=2) == 0) & (pott > 0)
    if utan_utbildare.any():
        j = int(np.argwhere(utan_utbildare)[0][1])
        raise AnalysError(f"Potten {u.ar[j]} kan inte betalas tillbaka: inga utbildardagar det året.")
    tillbaka = np.zeros((n, Y, K), dtype=np.int64)
    rader = (pott > 0).reshape(-1)
    if rader.any():
        tillbaka.reshape(-1, K)[rader] = largest_remainder_matrix(
            pott.reshape(-1)[rader], utbildare.reshape(-1, K)[rader]
        )
    netto = fast_kostnad + rorlig - tillbaka
    return Resultat(
        tjanster=tjanster,
        aktiva_resor=aktiva,
        fast_total=fast_total,
        kommunernas_del=np.asarray(kommunernas_del, dtype=np.int64),
        fast_kostnad=fast_kostnad,
        deltagardagar=dagar,
        rorlig_kostnad=rorlig,
        utbildardagar=utbildare,
        pott=pott,
        pott_tillbaka=tillbaka,
        netto=netto,
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
        lag = getattr(compute(a, u, replace(Drag(), **{namn: iv.lag})), varde)[0, j]
        hog = getattr(compute(a, u, replace(Drag(), **{namn: iv.hog})), varde)[0, j]
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


def monte_carlo(
    a: Antaganden, u: Modellunderlag, n: int = 10_000, seed: int = 1, varde: str = "fast_kostnad"
) -> pd.DataFrame:
    """Likformiga dragningar av de osäkra parametrarna → P10, P50, P90 per kommun och år av
    `varde` (standard kommunens fasta kostnad). År med avtal har samma värde i alla dragningar.

    Samma frö ger samma resultat. Kolumner: ar, kommunkod, kommun, p10, p50, p90, medel.
    """
    rng = np.random.default_rng(seed)
    varden = {}
    for namn in OSAKRA:
        iv = getattr(a.osakerhet, namn)
        if iv is not None:
            varden[namn] = rng.uniform(float(iv.lag), float(iv.hog), size=n)
    r = getattr(compute(a, u, Drag(**varden), n=n, exakt=False), varde)
    p10, p50, p90 = np.percentile(r, [10, 50, 90], axis=0)
    Y, K = len(u.ar), len(u.kommunkod)
    return pd.DataFrame(
        {
            "ar": np.repeat(u.ar, K),
            "kommunkod": np.tile(u.kommunkod, Y),
            "kommun": np.tile(u.kommun, Y),
            "p10": np.rint(p10.reshape(-1)).astype(np.int64),
            "p50": np.rint(p50.reshape(-1)).astype(np.int64),
            "p90": np.rint(p90.reshape(-1)).astype(np.int64),
            "medel": np.rint(r.mean(axis=0).reshape(-1)).astype(np.int64),
        }
    )
