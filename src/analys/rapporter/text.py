"""Svenska formuleringar som återkommer i rapporterna: fördelningsnyckeln och avtalets resultat."""

from __future__ import annotations

from analys.begrepp import Fordelningsnyckel, Nyckel
from analys.berakning.uppfoljning import Resultat
from analys.rapporter.format import format_kr, format_procent, format_tal

NYCKEL_TEXT = {
    Nyckel.BEFOLKNING: "efter folkmängd (andel av kommunernas sammanlagda folkmängd)",
    Nyckel.LIKA: "i lika delar",
    Nyckel.BLANDAD: "blandat: {fast} i lika delar, resten efter folkmängd",
    Nyckel.EGEN: "efter egna vikter",
}


def genitiv(namn: str) -> str:
    """Ett namn i genitiv: ett s till, utom efter s, x och z.

    >>> [genitiv(n) for n in ("Mora", "Malung-Sälen", "Vännäs", "Bollnäs", "Ljusdal")]
    ['Moras', 'Malung-Sälens', 'Vännäs', 'Bollnäs', 'Ljusdals']
    """
    return namn if namn[-1:].lower() in ("s", "x", "z") else namn + "s"


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
        slut = f"Överskottet (avtal + utfall) {format_kr(resultat.resultat)} tillfaller regionen enligt avtalet."
    elif resultat.resultat < 0:
        slut = (
            f"Underskottet (avtal + utfall) {format_kr(-resultat.resultat)} visas här och fördelas inte på kommunerna; "
            "hur det täcks avgörs av parterna."
        )
    else:
        slut = "Intäkter och kostnader går jämnt upp."
    ej = resultat.pott - resultat.pott_utbetald
    pott = f" Potten {format_kr(resultat.pott)} har inte kunnat betalas ut (inga utbildardagar)." if ej else ""
    if ej and resultat.pott_vantar:
        pott = (
            f" Potten {format_kr(resultat.pott)} är inte utbetald än: utbildardagar för "
            f"{', '.join(map(str, resultat.pott_vantar))} är ej rapporterade; resultatet är preliminärt."
        )
    return (
        f"Intäkter (avtal + utfall) {format_kr(resultat.intakter)}: fast finansiering enligt avtal "
        f"{format_kr(resultat.fast_finansiering)} och kursavgifter (utfall) {format_kr(resultat.avgifter)}; "
        f"kostnader (utfall) {format_kr(resultat.kostnader)}: kostnadsposterna {format_kr(resultat.utfall)} och "
        f"pott till kommunerna {format_kr(resultat.pott_utbetald)}. {slut}{pott}"
    )


_ENHET = {
    "kostnad_per_tjanst_faktor": " mot basen",
    "per_resa": " tjänst",
    "lansering_forskjutning_manader": " månader",
}


def parametervarde(parameter: str, v: float, enhet: bool = True) -> str:
    """Ett värde på en osäker parameter (känslighetsanalysen) som en läsare förstår det.

    >>> parametervarde("indexering", 0.015), parametervarde("lansering_forskjutning_manader", 18)
    ('1,5 %', '+18 månader')
    """
    if parameter in ("indexering", "samverkan_besparing"):
        text = format_procent(v, 1)
    elif parameter == "kostnad_per_tjanst_faktor":
        text = f"{'+' if v > 1 else ''}{format_procent(v - 1, 0)}"
    elif parameter == "per_resa":
        text = format_tal(v, 2)
    elif parameter == "lansering_forskjutning_manader":
        text = f"{'+' if v > 0 else ''}{format_tal(v)}"
    else:
        text = format_tal(v, 1)
    return text + (_ENHET.get(parameter, "") if enhet else "")


def parameterintervall(parameter: str, lo: float, hi: float) -> str:
    """Det låga och det höga värdet, t.ex. "−6 till +18 månader" eller "1,5 % – 4,5 %"."""
    mellan = " till " if lo < 0 else " – "
    return f"{parametervarde(parameter, lo, enhet=False)}{mellan}{parametervarde(parameter, hi)}"
