"""Uppföljningen av ett avtal: läs avtalet och underlaget (ifylld mall eller CSV-mapp) och räkna
kursavgifter, utbildarpotten, utfallet mot budget, resultatet och varje kommuns ställning."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal, Fil, Underlag
from analys.berakning.faktura import compute_krediterade_pottar
from analys.berakning.uppfoljning import (
    Resultat,
    compute_budget_utfall,
    compute_kommunposition,
    compute_resultat,
    compute_rorligt,
)
from analys.fel import AnalysError
from analys.flode.faktura import bladets_datum
from analys.flode.fordelning import avtalets_fordelning
from analys.flode.spar import fil
from analys.indata import platshallare
from analys.indata.avtal import load_avtal
from analys.indata.underlag import read_underlag


@dataclass(frozen=True)
class Uppfoljning:
    """Allt uppföljningsrapporten visar för ett avtal och ett underlag."""

    avtal: Avtal
    avtalsfil: Fil
    underlag: Underlag
    rorligt: pd.DataFrame
    budget: pd.DataFrame
    resultat: Resultat
    fordelning: pd.DataFrame
    position: pd.DataFrame
    slutlig: bool = False  # året är avslutat: tomma utbildardagar räknas som 0 och potten betalas ut
    datumvarningar: tuple[str, ...] = ()  # fakturor på bladet Fakturor daterade utanför avtalets period

    @property
    def potten_krediterad(self) -> bool:
        """Årets pott står redan krediterad på bladet Fakturor: den är utbetald (som med `slutlig`)."""
        return self.avtal.ar in compute_krediterade_pottar(self.underlag.fakturor["avser"])

    @property
    def avslutat(self) -> bool:
        """Året räknas som avslutat: `slutlig`, eller potten står redan krediterad."""
        return self.slutlig or self.potten_krediterad

    @property
    def pahittat(self) -> bool:
        """Underlaget eller avtalet är ett påhittat exempel eller har platshållare (som fakturorna):
        allt som visas märks så."""
        return self.underlag.pahittat or self.avtal.exempel


def berakna(avtal: str | Path, underlag: str | Path, slutlig: bool = False) -> Uppfoljning:
    """Läs avtalet och underlaget och räkna allt som uppföljningen visar. Ett helt tomt underlag
    (inget ifyllt än) ger ett fel som säger det; fakturan för den fasta kostnaden kräver inget.
    Potten för ett år med tomma utbildardagar betalas inte ut förrän de är ifyllda, eller förrän
    `slutlig` säger att året är avslutat."""
    a, avtalsfil = load_avtal(avtal)
    u = read_underlag(underlag, a)
    if u.tom:
        raise AnalysError(
            f"Underlaget {u.kalla} har inget ifyllt än (ingen aktivitet, inget utfall, inga fakturor); "
            "fyll i det och kör uppföljningen igen. Fakturorna för den fasta kostnaden går att ta fram redan "
            f"nu: analys faktura --avtal {a.ar}."
        )
    rorligt = compute_rorligt(u, a, slutlig)
    fordelning = avtalets_fordelning(a)
    return Uppfoljning(
        avtal=a,
        avtalsfil=fil(avtalsfil),
        underlag=u,
        rorligt=rorligt,
        budget=compute_budget_utfall(u, a),
        resultat=compute_resultat(u, a, rorligt, slutlig),
        fordelning=fordelning,
        position=compute_kommunposition(fordelning, rorligt, u),
        slutlig=slutlig,
        datumvarningar=tuple(bladets_datum(a, u)),
    )


def mallunderlag(avtal: str | Path) -> tuple[Avtal, Fil, pd.DataFrame]:
    """Avtalet, dess fil och länets kommuner vid avtalets befolkningsdatum (kommunkod, kommun):
    det som uppföljningsmallen förifylls med. Ett avtal med platshållare kvar (se
    `indata.platshallare`) ger ingen mall: den skickas till kommunerna."""
    from analys.indata.befolkning import load_befolkning

    a, path = load_avtal(avtal)
    platshallare.kontrollera(f"Uppföljningsmallen för avtalet {a.ar} skrivs inte", platshallare.hitta(path))
    kommuner = load_befolkning(a.lan, a.befolkningsdatum)[["kommunkod", "kommun"]]
    return a, fil(path), kommuner.sort_values("kommunkod", ignore_index=True)
