"""Uppföljningen av ett avtal: utfall, kursavgifter, utbildarpotten och varje kommuns ställning,
som rapporttext, HTML-tabeller och arbetsbok."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analys.flode.uppfoljning import Uppfoljning
from analys.rapporter import excel
from analys.rapporter.excel import Blad, Kallor
from analys.rapporter.format import format_datum, format_kr, format_tal
from analys.rapporter.rubriker import POSTNAMN, rubriker_for
from analys.rapporter.tabeller import PAHITTAT, html_tabell
from analys.rapporter.text import resultat_text

# Kommunens ställning blandar slag: den fasta kostnaden är enligt avtal, kursavgifterna och potten
# utfall. Nettot och det som återstår säger därför blandningen i rubriken, och delarna står bredvid.
ROR_UTFALL = {
    "deltagardagar": "Deltagardagar (utfall)",
    "utbildardagar": "Utbildardagar (utfall)",
    "avgifter": "Kursavgifter (utfall)",
    "pott_tillbaka": "Pott tillbaka (utfall)",
    "netto_rorligt": "Netto (utfall)",
}
STALLNING = {
    "fast_kostnad": "Fast kostnad (enligt avtal)",
    "avgifter": "Kursavgifter (utfall)",
    "pott_tillbaka": "Pott tillbaka (utfall)",
    "netto": "Netto (avtal + utfall)",
    "fakturerat": "Fakturerat",
    "aterstar": "Återstår att fakturera (avtal + utfall)",
}


def titel(f: Uppfoljning) -> str:
    t = f"Uppföljning: {f.avtal.namn}"
    return f"{t} ({PAHITTAT})" if f.pahittat else t


def describe(f: Uppfoljning) -> str:
    """Markdown med talen: aktivitet, potten, utfallet mot avtalets fasta kostnad och resultatet."""
    avtal, rorligt, resultat = f.avtal, f.rorligt, f.resultat
    utbildare = rorligt[rorligt["utbildardagar"] > 0]
    roller = ", ".join(f"{k.roll[:1].lower()}{k.roll[1:]} {format_kr(k.belopp)}" for k in avtal.kostnader)
    ej = ""
    if f.underlag.ej_rapporterat:
        ej = f"\n- Ej rapporterat än: {', '.join(_postnamn(p) for p in f.underlag.ej_rapporterat)}."
    ej += _aktivitet_ej_rapporterad(f)
    return (
        f"Uppföljning av **{avtal.namn}** ({format_datum(avtal.period.fran)}–{format_datum(avtal.period.till)}).\n\n"
        f"- Kursaktivitet (utfall): **{format_tal(int(rorligt['deltagardagar'].sum()))} deltagardagar**, "
        f"{format_kr(resultat.avgifter)} i kursavgifter.\n"
        f"- Utbildarpotten: {format_kr(resultat.pott)}, {'att fördela' if resultat.pott_vantar else 'fördelad'} på "
        f"{len(utbildare)} kommuner efter {format_tal(int(rorligt['utbildardagar'].sum()))} utbildardagar"
        f"{' hittills' if resultat.pott_vantar else ''}.\n"
        f"- Kostnader (utfall): {format_kr(resultat.utfall)}. Budgeten är avtalets fasta kostnad, "
        f"{format_kr(resultat.budget_fast)} ({roller}), som ska täcka lön, OH, resor och utrustning; "
        f"kurskostnaderna täcks av kursavgifterna.{ej}\n"
        f"- {resultat_text(resultat)}"
    )


def _aktivitet_ej_rapporterad(f: Uppfoljning) -> str:
    """Kommuner med tomma aktivitetsrader, och potten som väntar på utbildardagarna."""
    # Ett avslutat år väntar inte på något: de tomma raderna räknas som 0 (och visas så i tabellen).
    avslutat = not f.resultat.pott_vantar and (f.potten_krediterad or f.slutlig)
    ut = ""
    for falt in ("deltagardagar", "utbildardagar"):
        kommuner = f.underlag.ej_rapporterade(falt)
        if kommuner and avslutat:
            ut += f"\n- {falt.capitalize()} inte ifyllt (räknas som 0): {', '.join(kommuner)}."
        elif kommuner:
            ut += f"\n- {falt.capitalize()} ej rapporterat än: {', '.join(kommuner)}."
    if f.resultat.pott_vantar:
        ar = ", ".join(map(str, f.resultat.pott_vantar))
        ut += (
            f"\n- Utbildarpotten {ar} ({format_kr(f.resultat.pott)}) betalas inte ut förrän utbildardagarna är "
            "ifyllda för alla kommuner, eller förrän året är avslutat (parametern `slutlig`, `analys faktura "
            "--slutlig`; tomma dagar räknas då som 0)."
        )
    elif f.potten_krediterad and f.underlag.aktivitet_ej_rapporterad:
        ut += (
            "\n- Året är avslutat: utbildarpotten står redan krediterad på bladet Fakturor (analys faktura "
            "--slutlig --bokfor), så tomma dagar räknas som 0, som när potten fakturerades."
        )
    elif f.slutlig and f.underlag.aktivitet_ej_rapporterad:
        ut += "\n- Året är avslutat (slutlig): tomma dagar räknas som 0."
    for varning in f.datumvarningar:
        ut += f"\n- Obs: {varning}; stämmer datumet?"
    return ut


def rorligt_visning(f: Uppfoljning) -> pd.DataFrame:
    """Kursavgifter och pott per kommun, med "ej rapporterat" för dagar som är tomma i underlaget
    (och "… + ej rapporterat" när kommunen har både ifyllda och tomma rader)."""
    d = f.rorligt.astype(object)
    tomma = {(k, x) for k, _, x in f.underlag.aktivitet_ej_rapporterad}
    for i, r in f.rorligt.iterrows():
        for falt in ("deltagardagar", "utbildardagar"):
            if (r["kommunkod"], falt) in tomma and not f.avslutat:
                d.at[i, falt] = f"{format_tal(int(r[falt]))} + ej rapporterat" if r[falt] else "ej rapporterat"
    return d


def _postnamn(text: str) -> str:
    post, _, ar = text.partition(" ")
    return f"{POSTNAMN.get(post, post).lower()} {ar}".strip()


def _budget_visning(budget: pd.DataFrame) -> pd.DataFrame:
    d = budget[["kostnadspost", "utfall"]].astype(object)
    d["kostnadspost"] = d["kostnadspost"].map(lambda p: POSTNAMN.get(p, p))
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
    position = f.position.rename(columns=rubriker_for(f.position.columns, STALLNING, kort=False))
    kr_pos = [c for c in position.columns if c not in ("Kommunkod", "Kommun")]
    rorligt = rorligt_visning(f).rename(columns=rubriker_for(f.rorligt.columns, ROR_UTFALL, kort=False))
    budget = _budget_visning(f.budget).rename(columns={"kostnadspost": "Kostnadspost", "utfall": "Utfall"})
    blad = [
        Blad(
            namn="Kommuner",
            titel="Varje kommuns ställning",
            df=position,
            kr=kr_pos,
            summera=kr_pos,
            not_text="Netto (avtal + utfall) = fast kostnad enligt avtal + kursavgifter − pott tillbaka (utfall); "
            "återstår = netto − fakturerat.",
        ),
        Blad(
            namn="Kursavgifter och pott",
            titel="Kursavgifter och utbildarpott per kommun (utfall)",
            not_text="Ej rapporterat = dagarna är inte ifyllda än i underlaget (räknas som 0 tills de är det).",
            df=rorligt,
            kr=[ROR_UTFALL[k] for k in ("avgifter", "pott_tillbaka", "netto_rorligt")],
            heltal=[ROR_UTFALL[k] for k in ("deltagardagar", "utbildardagar")],
            summera=list(ROR_UTFALL.values()),
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
            summaetikett="Resultat (avtal + utfall)",
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
        rubriker=rubriker_for(["kostnadspost", "utfall"]),
        rubrik="Kostnader per kostnadspost",
        slag={"utfall": "utfall"},
        fotnot="Ej rapporterat = inget belopp ifyllt än i underlaget",
    )
    kol = ["deltagardagar", "utbildardagar", "avgifter", "pott_tillbaka", "netto_rorligt"]
    t2 = html_tabell(
        rorligt_visning(f),
        kr=kol[2:],
        heltal=kol[:2],
        summa={"kommun": "Summa", **{k: int(rorligt[k].sum()) for k in kol}},
        rubriker=rubriker_for(  # nettot är en summa: det säger sitt slag också i rubriken
            rorligt.columns,
            {k: v if k == "netto_rorligt" else v.removesuffix(" (utfall)") for k, v in ROR_UTFALL.items()},
        ),
        rubrik="Kursavgifter och utbildarpott per kommun",
        slag=dict.fromkeys(kol, "utfall"),
        fotnot="Ej rapporterat = dagarna är inte ifyllda än i underlaget"
        if f.underlag.aktivitet_ej_rapporterad
        else "",
    )
    kr = ["fast_kostnad", "avgifter", "pott_tillbaka", "netto", "fakturerat", "aterstar"]
    t3 = html_tabell(
        position,
        kr=kr,
        summa={"kommun": "Summa", **{k: int(position[k].sum()) for k in kr}},
        rubriker=rubriker_for(
            position.columns,
            {
                "fast_kostnad": "Fast kostnad",
                "avgifter": "Kursavgifter",
                "pott_tillbaka": "Pott tillbaka",
                "netto": "Netto (avtal + utfall)",
                "aterstar": "Återstår (avtal + utfall)",
            },
        ),
        rubrik="Varje kommuns ställning",
        slag={"fast_kostnad": "enligt avtal", "avgifter": "utfall", "pott_tillbaka": "utfall"},
    )
    return t1, t2, t3
