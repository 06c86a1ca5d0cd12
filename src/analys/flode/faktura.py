"""Fakturorna enligt ett avtal: läs avtalet (och underlaget, om ett ges) och räkna fakturaraderna:
fast kostnad per kommun, och med ett underlag även kursavgifter och utbildarpotten, med det som
redan fakturerats avräknat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal, Fil, Underlag
from analys.berakning.faktura import compute_fakturor
from analys.berakning.uppfoljning import compute_rorligt
from analys.flode.fordelning import avtalets_fordelning
from analys.flode.spar import fil
from analys.indata.avtal import load_avtal
from analys.indata.underlag import read_underlag
from analys.indata.varden import kommunkoder


@dataclass(frozen=True)
class Fakturering:
    """Fakturaraderna (kommunkod, kommun, avser, belopp, fakturadatum, forfallodatum) och vad de bygger på."""

    df: pd.DataFrame
    avtal: Avtal
    avtalsfil: Fil
    fakturadatum: date
    underlag: Underlag | None

    @property
    def pahittat(self) -> bool:
        """Avtalet eller underlaget är ett påhittat exempel eller har platshållare."""
        return self.avtal.exempel or (self.underlag is not None and self.underlag.pahittat)


def fakturor(avtal: Avtal, fakturadatum: date, underlag: Underlag | None = None) -> pd.DataFrame:
    """Fakturaraderna för avtalet; se `berakning.faktura.compute_fakturor`."""
    fordelning = avtalets_fordelning(avtal)
    rorligt = compute_rorligt(underlag, avtal) if underlag is not None else None
    fakturerat = None
    if underlag is not None and len(underlag.fakturor):
        fakturerat = underlag.fakturor.groupby("kommunkod")["belopp"].sum()
    return compute_fakturor(avtal, fakturadatum, fordelning, rorligt, fakturerat)


def berakna(
    avtal: str | Path, fakturadatum: date, underlag: str | Path | None = None, kommun: str | None = None
) -> Fakturering:
    """Avtalets fakturor vid fakturadatumet; med `kommun` (kod eller namn) bara den kommunens rader."""
    a, path = load_avtal(avtal)
    u = read_underlag(underlag, a) if underlag else None
    df = fakturor(a, fakturadatum, u)
    if kommun is not None:
        kod = kommunkoder([kommun], df.drop_duplicates("kommunkod"), "--kommun")[0]
        df = df[df["kommunkod"] == kod].reset_index(drop=True)
    return Fakturering(df, a, fil(path), fakturadatum, u)
