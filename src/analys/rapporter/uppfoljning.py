"""Uppföljningen av ett avtal: utfall, kursavgifter, utbildarpotten och varje kommuns ställning,
som rapporttext, HTML-tabeller och arbetsbok."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal, Underlag
from analys.berakning.uppfoljning import (
    Resultat,
    compute_budget_utfall,
    compute_kommunposition,
    compute_resultat,
    compute_rorligt,
)
from analys.indata.avtal import load_avtal
from analys.indata.underlag import read_underlag
from analys.rapporter import excel
from analys.rapporter.excel import Blad
from analys.rapporter.fordelning import avtalets_fordelning
from analys.rapporter.format import format_kr, format_tal
from analys.rapporter.kallor import uppfoljning_kallor
from analys.rapporter.tabeller import html_tabell
from analys.rapporter.text import resultat_text


@dataclass(frozen=True)
class Uppfoljning:
    """Allt uppföljningsrapporten visar för ett avtal och ett underlag."""

    avtal: Avtal
    avtalsfil: Path
    underlag: Underlag
    rorligt: pd.DataFrame
    budget: pd.DataFrame
    resultat: Resultat
    fordelning: pd.DataFrame
    position: pd.DataFrame

    def kallor(self, parametrar: dict) -> list[tuple[str, str]]:
        return uppfoljning_kallor(self.avtal, self.avtalsfil, self.underlag, parametrar)


def berakna(avtal: str | Path, underlag: str | Path) -> Uppfoljning:
    """Läs avtalet och underlaget och räkna allt som uppföljningen visar."""
    a, avtalsfil = load_avtal(avtal)
    u = read_underlag(underlag, a)
    rorligt = compute_rorligt(u, a)
    fordelning = avtalets_fordelning(a)
    return Uppfoljning(
        avtal=a,
        avtalsfil=avtalsfil,
        underlag=u,
        rorligt=rorligt,
        budget=compute_budget_utfall(u, a),
        resultat=compute_resultat(u, a, rorligt),
        fordelning=fordelning,
        position=compute_kommunposition(fordelning, rorligt, u),
    )


def describe(underlag: Underlag, avtal: Avtal, rorligt: pd.DataFrame, resultat: Resultat) -> str:
    """Markdown med de beräknade talen."""
    utbildare = rorligt[rorligt["utbildardagar"] > 0]
    return (
        f"Uppföljning av **{avtal.namn}** ({avtal.period.fran.isoformat()}–{avtal.period.till.isoformat()}), "
        f"underlag: `{underlag.kalla}`.\n\n"
        f"- Kursaktivitet: **{format_tal(int(rorligt['deltagardagar'].sum()))} deltagardagar**, "
        f"{format_kr(resultat.avgifter)} i kursavgifter.\n"
        f"- Utbildarpotten: {format_kr(resultat.pott)}, fördelad på {len(utbildare)} kommuner efter "
        f"{format_tal(int(rorligt['utbildardagar'].sum()))} utbildardagar.\n"
        f"- Utfall: {format_kr(resultat.utfall)} mot en fast budget på {format_kr(resultat.budget_fast)}.\n"
        f"- {resultat_text(resultat)}"
    )


def write_workbook(
    avtal: Avtal,
    rorligt: pd.DataFrame,
    budget: pd.DataFrame,
    position: pd.DataFrame,
    resultat: Resultat,
    kallor: list[tuple[str, str]],
    path: Path,
) -> None:
    res = pd.DataFrame(
        [
            ("Fast finansiering, kommunerna", resultat.kommunernas_del),
            ("Fast finansiering, regionen", resultat.regionens_del),
            ("Kursavgifter", resultat.avgifter),
            ("Utfall (kostnader)", -resultat.utfall),
            ("Pott till kommunerna", -resultat.pott_utbetald),
        ],
        columns=["Post", "Belopp"],
    )
    kr_pos = ["fast_kostnad", "avgifter", "pott_tillbaka", "netto", "fakturerat", "aterstar"]
    blad = [
        Blad(
            namn="Kommuner",
            titel="Varje kommuns ställning",
            df=position,
            kr=kr_pos,
            summera=kr_pos,
            not_text="Netto = fast kostnad + kursavgifter − pott tillbaka; återstår = netto − fakturerat.",
        ),
        Blad(
            namn="Kursavgifter och pott",
            titel="Kursavgifter och utbildarpott per kommun",
            df=rorligt,
            kr=["avgifter", "pott_tillbaka", "netto_rorligt"],
            heltal=["deltagardagar", "utbildardagar"],
            summera=["deltagardagar", "utbildardagar", "avgifter", "pott_tillbaka", "netto_rorligt"],
        ),
        Blad(
            namn="Utfall",
            titel="Utfall per kostnadspost",
            df=budget,
            kr=["utfall"],
            summera=["utfall"],
            not_text=f"Budget för de fasta kostnaderna enligt avtalet: {resultat.budget_fast} kr.",
        ),
        Blad(
            namn="Resultat",
            titel="Resultat för avtalet (överskott > 0)",
            df=res,
            kr=["Belopp"],
            summera=["Belopp"],
            not_text="Ett överskott tillfaller regionen enligt avtalet; ett underskott fördelas inte.",
        ),
    ]
    excel.write_workbook(blad, kallor, path, f"Uppföljning {avtal.namn}")


def html_tables(budget: pd.DataFrame, rorligt: pd.DataFrame, position: pd.DataFrame) -> tuple[str, str, str]:
    """Rapportens tre tabeller som HTML: utfall per post, kursavgifter och pott, kommunernas ställning."""
    t1 = html_tabell(
        budget,
        kr=["utfall"],
        summa={"kostnadspost": "Summa", "utfall": int(budget["utfall"].sum())},
        rubriker={"kostnadspost": "Kostnadspost", "utfall": "Utfall"},
    )
    kol = ["deltagardagar", "utbildardagar", "avgifter", "pott_tillbaka", "netto_rorligt"]
    t2 = html_tabell(
        rorligt,
        kr=kol[2:],
        heltal=kol[:2],
        summa={"kommun": "Summa", **{k: int(rorligt[k].sum()) for k in kol}},
        rubriker={
            "kommunkod": "Kod",
            "kommun": "Kommun",
            "deltagardagar": "Deltagardagar",
            "utbildardagar": "Utbildardagar",
            "avgifter": "Kursavgifter",
            "pott_tillbaka": "Pott tillbaka",
            "netto_rorligt": "Netto",
        },
    )
    kr = ["fast_kostnad", "avgifter", "pott_tillbaka", "netto", "fakturerat", "aterstar"]
    t3 = html_tabell(
        position,
        kr=kr,
        summa={"kommun": "Summa", **{k: int(position[k].sum()) for k in kr}},
        rubriker={
            "kommunkod": "Kod",
            "kommun": "Kommun",
            "fast_kostnad": "Fast kostnad",
            "avgifter": "Kursavgifter",
            "pott_tillbaka": "Pott tillbaka",
            "netto": "Netto",
            "fakturerat": "Fakturerat",
            "aterstar": "Återstår",
        },
    )
    return t1, t2, t3
