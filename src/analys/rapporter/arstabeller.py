"""Tabeller år för år som scenariorapporten och kommunbladet delar: år × scenario, slaget per
år, kursavgifter och pott per år, och nettot delat efter slag."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analys.flode.scenarier import Scenarioberakning
from analys.rapporter.rubriker import RUBRIKER
from analys.rapporter.tabeller import html_tabell

# Netto blandar slag: den fasta kostnaden är enligt avtal för år med avtal, kursavgifterna och
# potten är alltid beräknade. I tabeller för människor står nettot därför i två kolumner, en per
# blandning, med delarna bredvid (se `netto_per_slag`).
NETTO_AVTAL, NETTO_BERAKNAT = "netto_avtal_beraknat", "netto_beraknat"
NETTO_RUBRIKER = {NETTO_AVTAL: "Netto (avtal + beräknat)", NETTO_BERAKNAT: "Netto (beräknat)"}


def netto_per_slag(d: pd.DataFrame) -> pd.DataFrame:
    """Kolumnen netto delad efter slag: `netto_avtal_beraknat` på rader där den fasta kostnaden är
    enligt avtal (avtal + beräknade avgifter och pott), `netto_beraknat` på övriga; den andra
    kolumnen är tom. Summan av de två är nettot."""
    avtal = d["slag"] == "enligt avtal"
    ut = d.drop(columns="netto")
    ut[NETTO_AVTAL] = d["netto"].astype(object).where(avtal, None)
    ut[NETTO_BERAKNAT] = d["netto"].astype(object).where(~avtal, None)
    return ut


def arsrubrik(ar: int, slag: str) -> str:
    """Kolumnrubrik för ett år: '2024 (enligt avtal)' eller '2026 (beräknat)'."""
    return f"{ar} ({slag})"


def slag_per_ar(per_ar: pd.DataFrame) -> dict[int, str]:
    forsta = per_ar[per_ar["scenario"] == per_ar["scenario"].iloc[0]]
    return dict(zip(forsta["ar"].astype(int), forsta["slag"], strict=True))


def ar_gange_scenario(
    d: pd.DataFrame, varde: str, scenarier: list[str], namn: Mapping[str, str], slag: Mapping[int, str]
) -> pd.DataFrame:
    """År × scenarier för kolumnen `varde` (summerad över kommunerna), med kolumnen Underlag
    (enligt avtal/beräknat) och svenska rubriker: År, Underlag, scenariernas namn."""
    t = d.pivot_table(index="ar", columns="scenario", values=varde, aggfunc="sum", sort=False)
    t = t[scenarier].astype("int64").reset_index()
    t.insert(1, "Underlag", t["ar"].map(slag))
    return t.rename(columns={"ar": "År", **{sc: namn.get(sc, sc) for sc in scenarier}})


def table_rorligt_per_ar(s: Scenarioberakning, kommunkod: str | None = None) -> pd.DataFrame:
    """Per år för jämförelsebasen: antagna deltagar- och utbildardagar, kursavgifter och pott;
    för hela länet eller för en kommun."""
    d = s.per_kommun[s.per_kommun["scenario"] == s.scenarier[0]]
    if kommunkod is not None:
        d = d[d["kommunkod"] == kommunkod]
    g = d.groupby("ar")[["deltagardagar", "rorlig_kostnad", "utbildardagar", "pott_tillbaka"]].sum().reset_index()
    g["ar"] = g["ar"].astype(str)
    return g.rename(columns={k: RUBRIKER.get(k, k) for k in g.columns})


def html_rorligt_per_ar(
    s: Scenarioberakning,
    kommunkod: str | None = None,
    rubrik: str | None = None,
    fotnot: str = "Deltagar- och utbildardagarna är antaganden (se Källor); potten går tillbaka efter utbildardagar",
) -> str:
    t = table_rorligt_per_ar(s, kommunkod)
    kr = [RUBRIKER["rorlig_kostnad"], RUBRIKER["pott_tillbaka"]]
    dagar = [RUBRIKER["deltagardagar"], RUBRIKER["utbildardagar"]]
    return html_tabell(
        t,
        kr=kr,
        heltal=dagar,
        rubrik=rubrik or f"Kursavgifter och utbildarpott per år, scenario {s.basnamn}",
        slag=dict.fromkeys(kr + dagar, "beräknat"),
        fotnot=fotnot,
    )
