"""Fördelningen av ett års belopp som tabell, CSV, JSON, Excel och rapporttext.

Talen kommer ur `analys.flode.fordelning` (`berakna`, `jamforelse`); här presenteras de.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analys.begrepp import Fordelningsinfo
from analys.filer import write_text_atomic
from analys.flode.fordelning import Fordelning, Jamforelse
from analys.rapporter.excel import Blad, Kallor, referens_text, write_workbook
from analys.rapporter.format import format_datum, format_kr, format_procent, format_tal
from analys.rapporter.kallor import fordelning_kallor, kallor_text
from analys.rapporter.rubriker import med_slag, rubrik, rubriker_for
from analys.rapporter.tabeller import PAHITTAT, excel_csv, html_tabell, textmarkning, texttabell
from analys.rapporter.text import nyckel_text

UT_KOLUMNER = ["kommunkod", "kommun", "folkmangd", "andel", "belopp"]


def titel(info: Fordelningsinfo) -> str:
    """Rapportens rubrik: avtalets namn, eller beloppet och länet (och PÅHITTAT EXEMPEL om avtalet
    är ett påhittat exempel eller har platshållare)."""
    if info.avtal and info.slag == "enligt avtal":
        t = f"Fördelning enligt avtal: {info.avtal}"
    elif info.avtal and info.slag == "förslag":
        t = f"Fördelning enligt förslag till avtal (ej fastställt): {info.avtal}"
    elif info.avtal:
        t = f"Beräknad fördelning utifrån avtalet: {info.avtal}"
    else:
        t = f"Fördelning av {format_kr(info.belopp)} i {info.befolkning.lan}"
    return f"{t} ({PAHITTAT})" if info.pahittat else t


def jamforelse_text(j: Jamforelse) -> str:
    """Varifrån föregående års belopp kommer, i en mening (eller varför det inte finns något)."""
    if j.df is None:
        return j.saknas
    belopp = format_kr(j.kommunernas_del_fore or 0)
    if j.slag_fore == "enligt avtal":
        return (
            f"Jämfört med {j.ar_fore} enligt avtal ({j.avtal_fore}): kommunerna betalade {belopp} "
            "av den fasta kostnaden."
        )
    datum = format_datum(j.befolkningsdatum_fore) if j.befolkningsdatum_fore else ""
    return (
        f"Jämfört med {j.ar_fore}, som inte har något avtal: beräknat belopp för kommunerna {belopp} "
        f"(scenariot {j.scenarionamn} i antagandena), fördelat efter folkmängden {datum}."
    )


def describe(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """Några meningar (Markdown) med de beräknade talen."""
    storst = df.loc[df["belopp"].idxmax()]
    minst = df.loc[df["belopp"].idxmin()]
    b = info.befolkning
    vad = {
        "enligt avtal": "enligt avtal",
        "förslag": "enligt ett förslag till avtal (förslag, ännu inte fastställt)",
    }.get(info.slag, "(beräknat, inte avtalets fördelning)")
    text = (
        f"**{len(df)} kommuner** i {b.lan} delar på **{format_kr(info.belopp)}** {vad}, "
        f"fördelat {nyckel_text(info.nyckel)}. Befolkningen är SCB:s folkmängd **{format_datum(b.datum)}**, "
        f"sammanlagt {format_tal(int(df['folkmangd'].sum()))} invånare. "
        f"Störst del betalar {storst['kommun']} ({format_procent(storst['andel'])}, "
        f"{format_kr(int(storst['belopp']))}), "
        f"minst {minst['kommun']} ({format_procent(minst['andel'])}, {format_kr(int(minst['belopp']))}). "
        "Beloppen är avrundade till hela kronor så att summan blir exakt det fördelade beloppet."
    )
    if info.undantagna:
        text += f" Deltar inte: {', '.join(info.undantagna)}."
    return text


def _beloppsrubrik(info: Fordelningsinfo) -> str:
    return med_slag(rubrik("belopp"), info.slag)


def html_table(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    d = df[["kommunkod", "kommun", "folkmangd", "andel", "belopp"]]
    return html_tabell(
        d,
        kr=["belopp"],
        procent=["andel"],
        heltal=["folkmangd"],
        summa={
            "kommun": "Summa",
            "folkmangd": int(d["folkmangd"].sum()),
            "andel": 1.0,
            "belopp": int(d["belopp"].sum()),
        },
        rubriker=rubriker_for(d.columns, {"belopp": _beloppsrubrik(info)}),
        rubrik="Belopp per kommun",
        slag={"belopp": info.slag},
    )


def andrade(jamforelse: pd.DataFrame) -> pd.DataFrame:
    """Bara kommunerna vars belopp ändrats."""
    return jamforelse[jamforelse["forandring_kr"] != 0]


def change_text(jamforelse: pd.DataFrame, ar: int) -> str:
    """En mening om förändringen: inget ändrat, allt nytt, eller hur många som ändrats."""
    fore = int(jamforelse["belopp_fore"].sum())
    nu = int(jamforelse["belopp"].sum())
    if fore == 0:
        return (
            f"{ar - 1} betalade kommunerna inget av den fasta kostnaden, så hela beloppet {format_kr(nu)} "
            "är nytt; ingen tabell behövs."
        )
    antal = len(andrade(jamforelse))
    if antal == 0:
        return f"Inget belopp har ändrats mot {ar - 1}."
    return (
        f"{antal} av {len(jamforelse)} kommuner betalar ett annat belopp än {ar - 1}; sammanlagt "
        f"{'+' if nu >= fore else ''}{format_kr(nu - fore)} ({'+' if nu >= fore else ''}"
        f"{format_procent((nu - fore) / fore, 1)}). Tabellen visar bara kommunerna som ändrats."
    )


def visa_forandring(j: Jamforelse) -> bool:
    """Om förändringstabellen visas: det finns ett föregående år och någon kommun har ändrats."""
    return j.df is not None and len(andrade(j.df)) > 0 and int(j.df["belopp_fore"].sum()) != 0


def _fore_rubrik(j: Jamforelse) -> str:
    """ "Föregående år (beräknat)": jämförelsens belopp är beräknade eller enligt ett avtal."""
    return med_slag(rubrik("belopp_fore"), j.slag_fore)


def html_change_table(j: Jamforelse, info: Fordelningsinfo) -> str:
    fore_slag, nu_slag = j.slag_fore, info.slag
    d = andrade(j.df)[["kommunkod", "kommun", "belopp_fore", "belopp", "forandring_kr", "forandring_procent"]]
    fore, nu = int(d["belopp_fore"].sum()), int(d["belopp"].sum())
    return html_tabell(
        d,
        kr=["belopp_fore", "belopp", "forandring_kr"],
        procent=["forandring_procent"],
        summa={
            "kommun": "Summa",
            "belopp_fore": fore,
            "belopp": nu,
            "forandring_kr": nu - fore,
            "forandring_procent": (nu - fore) / fore if fore else None,
        },
        rubriker=rubriker_for(d.columns, {"belopp_fore": _fore_rubrik(j), "belopp": _beloppsrubrik(info)}),
        rubrik="Kommuner vars belopp ändrats",
        slag={"belopp_fore": fore_slag, "belopp": nu_slag},
    )


def fordelning_blad(df: pd.DataFrame, info: Fordelningsinfo) -> Blad:
    """Bladet "Fördelning" för en fördelning."""
    tabell = df.sort_values("kommunkod", ignore_index=True)[UT_KOLUMNER]
    tabell = tabell.rename(columns=rubriker_for(UT_KOLUMNER, {"belopp": _beloppsrubrik(info)}, kort=False))
    belopp = _beloppsrubrik(info)
    return Blad(
        namn="Fördelning",
        titel=titel(info),
        undertitel=f"{format_kr(info.belopp)} fördelat {nyckel_text(info.nyckel)}",
        not_text=(
            f"Folkmängd {format_datum(info.befolkning.datum)} enligt SCB ({info.befolkning.scb_tabell}). "
            "Beloppen är avrundade till hela kronor med största-restmetoden och summerar exakt."
        ),
        df=tabell,
        kr=[belopp],
        procent=["Andel"],
        heltal=["Folkmängd"],
        summera=["Folkmängd", "Andel", belopp],
        andel=("Andel", "Folkmängd") if info.nyckel.nyckel == "befolkning" else None,
        bredder={"Kommunkod": 12, "Kommun": 18, "Folkmängd": 14, "Andel": 11, belopp: 24},
    )


def write_fordelning_workbook(f: Fordelning, jamforelse: Jamforelse | None, path: Path, kallor: Kallor) -> None:
    """Rapportens arbetsbok: Fördelning, Förändring (kommunerna som ändrats, om några), Källor."""
    df, info = f.df, f.info
    blad = [fordelning_blad(df, info)]
    if jamforelse is not None and visa_forandring(jamforelse):
        fore = _fore_rubrik(jamforelse)
        kol = ["kommunkod", "kommun", "belopp_fore", "belopp", "forandring_kr", "forandring_procent"]
        j = andrade(jamforelse.df)[kol]
        j = j.rename(columns=rubriker_for(kol, {"belopp_fore": fore, "belopp": _beloppsrubrik(info)}, kort=False))
        blad.append(
            Blad(
                namn="Förändring",
                titel="Förändring mot föregående år",
                undertitel=change_text(jamforelse.df, info.ar or 0),
                df=j,
                kr=[fore, _beloppsrubrik(info), "Förändring"],
                procent=["Förändring %"],
                summera=[fore, _beloppsrubrik(info), "Förändring"],
            )
        )
    write_workbook(
        blad,
        kallor,
        path,
        titel(info),
        referens_text(info.befolkning.datum, info.befolkning.scb_tabell),
        pahittat=info.pahittat,
    )


def write_fordelning_xlsx(f: Fordelning, path: Path) -> None:
    """En fördelning som arbetsbok: bladen "Fördelning" och "Källor"."""
    info = f.info
    write_workbook(
        [fordelning_blad(f.df, info)],
        fordelning_kallor(f),
        path,
        titel(info),
        referens_text(info.befolkning.datum, info.befolkning.scb_tabell),
        pahittat=info.pahittat,
    )


def to_csv(df: pd.DataFrame) -> str:
    """Maskinläsbar CSV: exakt rubriken ``kommunkod,kommun,folkmangd,andel,belopp``, punkt som
    decimaltecken, en rad per kommun i kodordning, inget annat."""
    rader = [",".join(UT_KOLUMNER)]
    for r in df.sort_values("kommunkod").itertuples(index=False):
        kommun = f'"{r.kommun}"' if "," in r.kommun or '"' in r.kommun else r.kommun
        rader.append(f"{r.kommunkod},{kommun},{int(r.folkmangd)},{r.andel:.12f},{int(r.belopp)}")
    return "\n".join(rader) + "\n"


def to_excel_csv(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """CSV att dubbelklicka i svensk Excel: UTF-8 med BOM, semikolon, decimalkomma, svenska rubriker."""
    huvud = ["Kommunkod", "Kommun", "Folkmängd", "Andel (%)", _beloppsrubrik(info) + " (kr)"]
    rader = [
        [r.kommunkod, r.kommun, int(r.folkmangd), f"{r.andel * 100:.4f}".replace(".", ","), int(r.belopp)]
        for r in df.sort_values("kommunkod").itertuples(index=False)
    ]
    rader.append(["", "Summa", int(df["folkmangd"].sum()), "100,0000", int(df["belopp"].sum())])
    return excel_csv(huvud, rader, info.pahittat)


def to_json(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    rader = [
        {
            "kommunkod": r.kommunkod,
            "kommun": r.kommun,
            "folkmangd": int(r.folkmangd),
            "andel": float(r.andel),
            "belopp": int(r.belopp),
        }
        for r in df.sort_values("kommunkod").itertuples(index=False)
    ]
    meta = {
        "belopp": info.belopp,
        "nyckel": info.nyckel.nyckel.value,
        "fast_andel": float(info.nyckel.fast_andel) if info.nyckel.nyckel == "blandad" else None,
        "lanskod": info.befolkning.lanskod,
        "lan": info.befolkning.lan,
        "befolkningsdatum": info.befolkning.datum.isoformat(),
        "scb_tabell": info.befolkning.scb_tabell,
        "befolkningsdata": list(info.befolkning.filer),
        "avtal": info.avtal,
        "avtalsfil": info.avtalsfil,
        "undantagna": list(info.undantagna),
        "slag": info.slag,
        "version": info.version,
        "pahittat": info.pahittat,
    }
    return json.dumps({"fordelning": rader, "metadata": meta}, ensure_ascii=False, indent=2) + "\n"


def to_tabell(f: Fordelning) -> str:
    """Tabell för människor: svenska talformat, summarad, källor under."""
    df, info = f.df, f.info
    huvud = ["Kod", "Kommun", "Folkmängd", "Andel", _beloppsrubrik(info)]
    kropp = [
        [
            r.kommunkod,
            r.kommun,
            format_tal(r.folkmangd),
            format_procent(r.andel),
            format_kr(r.belopp),
        ]
        for r in df.sort_values("kommunkod").itertuples(index=False)
    ]
    summa = [
        "",
        "Summa",
        format_tal(int(df["folkmangd"].sum())),
        format_procent(1.0),
        format_kr(int(df["belopp"].sum())),
    ]
    rubrik = f"{titel(info)}, {len(df)} kommuner"
    ut = [*textmarkning(info.pahittat), rubrik, "", *texttabell([huvud, *kropp, summa], 2, summarad=True), ""]
    ut += kallor_text(fordelning_kallor(f))
    return "\n".join(ut) + "\n"


def write_csv(f: Fordelning, ut: Path, namn: str) -> None:
    """Rapportmappens två CSV-filer (atomiskt): `<namn>.csv` för människor (dubbelklick i svensk
    Excel: semikolon, decimalkomma, svenska rubriker, summarad) och `<namn>-data.csv` för andra
    program (exakt rubriken kommunkod,kommun,folkmangd,andel,belopp)."""
    write_text_atomic(ut / f"{namn}.csv", to_excel_csv(f.df, f.info))
    write_text_atomic(ut / f"{namn}-data.csv", to_csv(f.df))
