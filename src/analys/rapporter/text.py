"""Svenska formuleringar som återkommer i rapporterna: fördelningsnyckeln och avtalets resultat."""

from __future__ import annotations

from analys.begrepp import Fordelningsnyckel, Nyckel
from analys.berakning.uppfoljning import Resultat
from analys.rapporter.format import format_kr, format_procent

NYCKEL_TEXT = {
    Nyckel.BEFOLKNING: "efter folkmängd (andel av kommunernas sammanlagda folkmängd)",
    Nyckel.LIKA: "i lika delar",
    Nyckel.BLANDAD: "blandat: {fast} i lika delar, resten efter folkmängd",
    Nyckel.EGEN: "efter egna vikter",
}


def nyckel_text(nyckel: Fordelningsnyckel) -> str:
    """Nyckeln i en mening, för rapporter.

    >>> nyckel_text(Fordelningsnyckel(nyckel="blandad"))
    'blandat: 30 % i lika delar, resten efter folkmängd'
    """
    t = NYCKEL_TEXT[nyckel.nyckel]
    return t.format(fast=format_procent(nyckel.fast_andel, 0)) if "{" in t else t


def resultat_text(resultat: Resultat) -> str:
    """Resultatet för avtalet i en mening: intäkter, kostnader, och vad ett över- eller underskott betyder."""
    if resultat.resultat > 0:
        slut = f"Överskottet {format_kr(resultat.resultat)} tillfaller regionen enligt avtalet."
    elif resultat.resultat < 0:
        slut = (
            f"Underskottet {format_kr(-resultat.resultat)} visas här och fördelas inte på kommunerna; "
            "hur det täcks avgörs av parterna."
        )
    else:
        slut = "Intäkter och kostnader går jämnt upp."
    ej = resultat.pott - resultat.pott_utbetald
    pott = f" Potten {format_kr(resultat.pott)} har inte kunnat betalas ut (inga utbildardagar)." if ej else ""
    return (
        f"Intäkter {format_kr(resultat.intakter)} (fast finansiering {format_kr(resultat.fast_finansiering)}, "
        f"kursavgifter {format_kr(resultat.avgifter)}); kostnader {format_kr(resultat.kostnader)} (utfall "
        f"{format_kr(resultat.utfall)}, pott till kommunerna {format_kr(resultat.pott_utbetald)}). {slut}{pott}"
    )
