"""Uppföljningen av ett avtal: utfall, kursavgifter, utbildarpotten och varje kommuns ställning,
som rapporttext, HTML-tabeller och arbetsbok."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analys.begrepp import POSTNAMN, Avtal, Underlag
from analys.berakning.uppfoljning import (
    Resultat,
    compute_budget_utfall,
    compute_kommunposition,
    compute_resultat,
    compute_rorligt,
)
from analys.fel import AnalysError
from analys.indata.avtal import load_avtal
from analys.indata.underlag import read_underlag
from analys.rapporter import excel
from analys.rapporter.excel import Blad, Kallor
from analys.rapporter.fordelning import avtalets_fordelning
from analys.rapporter.format import format_datum, format_kr, format_tal
from analys.rapporter.kallor import uppfoljning_kallor
from analys.rapporter.tabeller import PAHITTAT, html_tabell
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

    @property
    def pahittat(self) -> bool:
        """Underlaget eller avtalet är ett påhittat exempel eller har platshållare (som fakturorna):
        allt som visas märks så."""
        return self.underlag.pahittat or self.avtal.exempel

    @property
    def titel(self) -> str:
        t = f"Uppföljning: {self.avtal.namn}"
        return f"{t} ({PAHITTAT})" if self.pahittat else t

    def kallor(self, parametrar: dict) -> Kallor:
        return uppfoljning_kallor(self.avtal, self.avtalsfil, self.underlag, self.pahittat, parametrar)


def berakna(avtal: str | Path, underlag: str | Path) -> Uppfoljning:
    """Läs avtalet och underlaget och räkna allt som uppföljningen visar. Ett helt tomt underlag
    (inget ifyllt än) ger ett fel som säger det; fakturan för den fasta kostnaden kräver inget."""
    a, avtalsfil = load_avtal(avtal)
    u = read_underlag(underlag, a)
    if u.tom:
        raise AnalysError(
            f"Underlaget {u.kalla} har inget ifyllt än (ingen aktivitet, inget utfall, inga fakturor); "
            "fyll i det och kör uppföljningen igen. Fakturorna för den fasta kostnaden går att ta fram redan "
            f"nu: analys faktura --avtal {a.ar}."
        )
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


def describe(f: Uppfoljning) -> str:
    """Markdown med talen: aktivitet, potten, utfallet mot avtalets fasta kostnad och resultatet."""
    avtal, rorligt, resultat = f.avtal, f.rorligt, f.resultat
    utbildare = rorligt[rorligt["utbildardagar"] > 0]
    roller = ", ".join(f"{k.roll[:1].lower()}{k.roll[1:]} {format_kr(k.belopp)}" for k in avtal.kostnader)
    ej = ""
    if f.underlag.ej_rapporterat:
        ej = f"\n- Ej rapporterat än: {', '.join(_postnamn(p) for p in f.underlag.ej_rapporterat)}."
    return (
        f"Uppföljning av **{avtal.namn}** ({format_datum(avtal.period.fran)}–{format_datum(avtal.period.till)}).\n\n"
        f"- Kursaktivitet (utfall): **{format_tal(int(rorligt['deltagardagar'].sum()))} deltagardagar**, "
        f"{format_kr(resultat.avgifter)} i kursavgifter.\n"
        f"- Utbildarpotten: {format_kr(resultat.pott)}, fördelad på {len(utbildare)} kommuner efter "
        f"{format_tal(int(rorligt['utbildardagar'].sum()))} utbildardagar.\n"
        f"- Kostnader (utfall): {format_kr(resultat.utfall)}. Budgeten är avtalets fasta kostnad, "
        f"{format_kr(resultat.budget_fast)} ({roller}), som ska täcka lön, OH, resor och utrustning; "
        f"kurskostnaderna täcks av kursavgifterna.{ej}\n"
        f"- {resultat_text(resultat)}"
    )


def _postnamn(text: str) -> str:
    post, _, ar = text.partition(" ")
    return f"{POSTNAMN.get(post, post).lower()} {ar}".strip()


def _budget_visning(budget: pd.DataFrame) -> pd.DataFrame:
    d = budget[["kostnadspost", "utfall"]].astype(object)
    d.loc[~budget["rapporterat"].to_numpy(), "utfall"] = "ej rapporterat"
    return d


def write_workbook(f: Uppfoljning, kallor: Kallor, path: Path) -> None:
    resultat = f.resultat
    res = pd.DataFrame(
        [
            ("Fast finansiering, kommunerna (enligt avtal)", resultat.kommunernas_del),
            ("Fast finansiering, regionen (enligt avtal)", resultat.regionens_del),
            ("Kursavgifter (utfall)", resultat.avgifter),
            ("Kostnader (utfall)", -resultat.utfall),
            ("Pott till kommunerna (utfall)", -resultat.pott_utbetald),
        ],
        columns=["Post", "Belopp"],
    )
    position = f.position.rename(
        columns={
            "kommunkod": "Kommunkod",
            "kommun": "Kommun",
            "fast_kostnad": "Fast kostnad (enligt avtal)",
            "avgifter": "Kursavgifter (utfall)",
            "pott_tillbaka": "Pott tillbaka (utfall)",
            "netto": "Netto",
            "fakturerat": "Fakturerat",
            "aterstar": "Återstår att fakturera",
        }
    )
    kr_pos = [c for c in position.columns if c not in ("Kommunkod", "Kommun")]
    rorligt = f.rorligt.rename(
        columns={
            "kommunkod": "Kommunkod",
            "kommun": "Kommun",
            "deltagardagar": "Deltagardagar",
            "utbildardagar": "Utbildardagar",
            "avgifter": "Kursavgifter",
            "pott_tillbaka": "Pott tillbaka",
            "netto_rorligt": "Netto",
        }
    )
    budget = _budget_visning(f.budget).rename(columns={"kostnadspost": "Kostnadspost", "utfall": "Utfall"})
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
            titel="Kursavgifter och utbildarpott per kommun (utfall)",
            df=rorligt,
            kr=["Kursavgifter", "Pott tillbaka", "Netto"],
            heltal=["Deltagardagar", "Utbildardagar"],
            summera=["Deltagardagar", "Utbildardagar", "Kursavgifter", "Pott tillbaka", "Netto"],
        ),
        Blad(
            namn="Utfall",
            titel="Kostnader per kostnadspost (utfall)",
            df=budget,
            kr=["Utfall"],
            summera=["Utfall"],
            not_text=f"Budget: avtalets fasta kostnad {format_kr(resultat.budget_fast)}, för lön, OH, resor och "
            "utrustning. Ej rapporterat = inget belopp ifyllt än.",
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
    excel.write_workbook(
        blad,
        kallor,
        path,
        f"Uppföljning {f.avtal.namn}",
        f"{format_datum(f.avtal.period.fran)}–{format_datum(f.avtal.period.till)}",
        pahittat=f.pahittat,
    )


def html_tables(f: Uppfoljning) -> tuple[str, str, str]:
    """Rapportens tre tabeller som HTML: utfall per post, kursavgifter och pott, kommunernas ställning."""
    budget, rorligt, position = f.budget, f.rorligt, f.position
    t1 = html_tabell(
        _budget_visning(budget),
        kr=["utfall"],
        summa={"kostnadspost": "Summa", "utfall": int(budget["utfall"].sum())},
        rubriker={"kostnadspost": "Kostnadspost", "utfall": "Utfall"},
        rubrik="Kostnader per kostnadspost",
        slag={"utfall": "utfall"},
        fotnot="Ej rapporterat = inget belopp ifyllt än i underlaget",
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
        rubrik="Kursavgifter och utbildarpott per kommun",
        slag=dict.fromkeys(kol, "utfall"),
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
        rubrik="Varje kommuns ställning",
        slag={"fast_kostnad": "enligt avtal", "avgifter": "utfall", "pott_tillbaka": "utfall"},
    )
    return t1, t2, t3
