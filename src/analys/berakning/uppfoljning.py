"""Uppföljning av ett avtal: kursavgifter, utbildarpotten, resultatet och varje kommuns ställning.

Underlaget (aktivitet, utfall, fakturor) är redan inläst och kontrollerat (`indata.underlag`).

Räkningen per kommun:
    avgifter       = deltagardagar × avgift per deltagardag,
    pott           = pottandel per deltagardag × alla deltagardagar,
    pott_tillbaka  = kommunens del av potten efter utbildardagar (största-restmetoden, exakt summa),
    netto_rorligt  = avgifter − pott_tillbaka.
Resultatet för avtalet: intäkter (fast finansiering + avgifter) − kostnader (utfall + pott).
Ett överskott tillfaller regionen enligt avtalet; ett underskott visas, det fördelas inte.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analys.begrepp import KOSTNADSPOSTER, Avtal, RorligaKostnader, Underlag
from analys.berakning.faktura import compute_krediterade_pottar
from analys.berakning.fordelning import largest_remainder
from analys.fel import AnalysError


def rorliga_kostnader(avtal: Avtal) -> RorligaKostnader:
    """Avtalets kursavgift och pott; ett avtal utan dem kan inte följas upp."""
    if avtal.rorliga_kostnader is None:
        raise AnalysError("Avtalet anger inga rörliga kostnader (rorliga_kostnader saknas i avtalsfilen).")
    return avtal.rorliga_kostnader


def compute_pott_vantar(underlag: Underlag, slutlig: bool = False) -> tuple[int, ...]:
    """År med aktivitetsrader där utbildardagarna är tomma (ej rapporterat): potten betalas inte ut
    förrän de är ifyllda, eller förrän året är avslutat (`slutlig`: tomt räknas då som 0). Ett år
    vars pott redan står krediterad på bladet Fakturor väntar inte: den är utbetald."""
    if slutlig:
        return ()
    tomma = {ar for _, ar, falt in underlag.aktivitet_ej_rapporterad if falt == "utbildardagar"}
    return tuple(sorted(tomma - compute_krediterade_pottar(underlag.fakturor["avser"])))


def compute_rorligt(underlag: Underlag, avtal: Avtal, slutlig: bool = False) -> pd.DataFrame:
    """Per kommun: deltagardagar, avgifter, utbildardagar, pott_tillbaka, netto_rorligt.

    Potten fördelas efter utbildardagar med största-restmetoden och summerar exakt. Har ingen
    kommun utbildardagar stannar potten hos regionen (kolumnen pott_tillbaka blir 0) och det sägs
    i `resultat`. Är utbildardagar ej rapporterade (`compute_pott_vantar`) betalas potten inte ut än.
    """
    rk = rorliga_kostnader(avtal)
    kommuner = underlag.kommuner[["kommunkod", "kommun"]]
    summa = underlag.aktivitet.groupby("kommunkod")[["deltagardagar", "utbildardagar"]].sum()
    df = kommuner.merge(summa, left_on="kommunkod", right_index=True, how="left").fillna(0)
    df[["deltagardagar", "utbildardagar"]] = df[["deltagardagar", "utbildardagar"]].astype("int64")
    df["avgifter"] = df["deltagardagar"] * rk.avgift_per_deltagardag
    pott = int(df["deltagardagar"].sum()) * rk.till_pott_per_deltagardag
    if pott and int(df["utbildardagar"].sum()) and not compute_pott_vantar(underlag, slutlig):
        df["pott_tillbaka"] = np.array(
            largest_remainder(pott, list(df["utbildardagar"]), list(df["kommunkod"])), dtype=np.int64
        )
    else:
        df["pott_tillbaka"] = np.zeros(len(df), dtype=np.int64)
    df["netto_rorligt"] = df["avgifter"] - df["pott_tillbaka"]
    return df.reset_index(drop=True)


def compute_budget_utfall(underlag: Underlag, avtal: Avtal) -> pd.DataFrame:
    """Utfall per kostnadspost: kostnadspost (id, t.ex. "lon"), utfall (hela kronor) och rapporterat (om posten har
    något rapporterat belopp; annars är utfallet 0 men "ej rapporterat", inte noll kronor)."""
    utfall = underlag.utfall.groupby("kostnadspost")["belopp"].sum()
    rader = [(p, int(utfall.get(p, 0)), p in utfall.index) for p in KOSTNADSPOSTER]
    return pd.DataFrame(rader, columns=["kostnadspost", "utfall", "rapporterat"])


@dataclass(frozen=True)
class Resultat:
    fast_finansiering: int  # kommunernas del + regionens del av den fasta kostnaden
    kommunernas_del: int
    regionens_del: int
    avgifter: int
    intakter: int
    utfall: int
    pott: int
    pott_utbetald: int
    kostnader: int
    resultat: int  # intäkter − kostnader; > 0 överskott
    budget_fast: int
    pott_vantar: tuple[int, ...] = ()  # år vars pott väntar på utbildardagar (ej rapporterat)


def compute_resultat(underlag: Underlag, avtal: Avtal, rorligt: pd.DataFrame, slutlig: bool = False) -> Resultat:
    kommunernas = avtal.belopp_kommuner
    region = avtal.total_kostnad - kommunernas
    avgifter = int(rorligt["avgifter"].sum())
    pott = int(rorligt["deltagardagar"].sum()) * rorliga_kostnader(avtal).till_pott_per_deltagardag
    utbetald = int(rorligt["pott_tillbaka"].sum())
    utfall = int(underlag.utfall["belopp"].sum())
    intakter = kommunernas + region + avgifter
    kostnader = utfall + utbetald
    return Resultat(
        fast_finansiering=kommunernas + region,
        kommunernas_del=kommunernas,
        regionens_del=region,
        avgifter=avgifter,
        intakter=intakter,
        utfall=utfall,
        pott=pott,
        pott_utbetald=utbetald,
        kostnader=kostnader,
        resultat=intakter - kostnader,
        budget_fast=avtal.total_kostnad,
        pott_vantar=compute_pott_vantar(underlag, slutlig) if pott else (),
    )


def compute_kommunposition(fordelning: pd.DataFrame, rorligt: pd.DataFrame, underlag: Underlag) -> pd.DataFrame:
    """Varje kommuns ställning: fast del, avgifter, pott tillbaka, netto, fakturerat, återstår."""
    df = fordelning[["kommunkod", "kommun", "belopp"]].rename(columns={"belopp": "fast_kostnad"})
    df = df.merge(rorligt[["kommunkod", "avgifter", "pott_tillbaka"]], on="kommunkod", how="left").fillna(0)
    fakt = underlag.fakturor.groupby("kommunkod")["belopp"].sum()
    df["fakturerat"] = df["kommunkod"].map(fakt).fillna(0)
    for k in ("avgifter", "pott_tillbaka", "fakturerat"):
        df[k] = df[k].astype("int64")
    df["netto"] = df["fast_kostnad"] + df["avgifter"] - df["pott_tillbaka"]
    df["aterstar"] = df["netto"] - df["fakturerat"]
    return df
