"""Fördelningen av ett års belopp: en rad per kommun, som tabell, CSV, JSON, Excel och rapporttext.

`build_fordelning` är samma väg för kommandoraden och notebooks: den läser avtal och befolkning,
räknar fördelningen och returnerar tabellen med allt som behövs för att spåra den.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analys.begrepp import FORSTA_AR, Avtal, Fordelningsinfo
from analys.berakning.fordelning import bygg_nyckel, compare_with, compute_fordelning, valj_parametrar
from analys.indata.antaganden import load_antaganden
from analys.indata.avtal import load_avtal
from analys.indata.befolkning import describe_kalla, load_befolkning
from analys.indata.paths import visningsvag
from analys.indata.underlag import read_vikter
from analys.rapporter.excel import Blad, write_workbook
from analys.rapporter.filer import write_text_atomic
from analys.rapporter.format import format_datum, format_kr, format_procent, format_tal
from analys.rapporter.kallor import fordelning_rader
from analys.rapporter.scenarier import berakna_scenario
from analys.rapporter.tabeller import html_tabell
from analys.rapporter.text import nyckel_text

UT_KOLUMNER = ["kommunkod", "kommun", "folkmangd", "andel", "belopp"]

__all__ = ["compare_with"]  # jämförelsen räknas i berakning.fordelning; notebooks når den här


def build_fordelning(
    avtal: str | None = None,
    belopp: int | None = None,
    befolkningsdatum: str | None = None,
    lan: str | None = None,
    nyckel: str | None = None,
    fast_andel: Decimal | float | None = None,
    vikter: Path | None = None,
    exkludera: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, Fordelningsinfo]:
    """Fördelningen och dess källbeskrivning. Givna värden går före avtalets.

    >>> df, info = build_fordelning(avtal="2022")
    >>> int(df["belopp"].sum()), info.befolkning.datum.isoformat()
    (400000, '2020-12-31')
    """
    a = avtalsfil = None
    if avtal:
        a, path = load_avtal(avtal)
        avtalsfil = visningsvag(path)
    val = valj_parametrar(a, belopp, befolkningsdatum, lan, nyckel, fast_andel, har_vikter=vikter is not None)
    befolkning = load_befolkning(val.lanskod, val.befolkningsdatum)
    koder = list(befolkning["kommunkod"])
    ut = frozenset(k.strip() for k in exkludera)
    viktlista = None
    if val.nyckel == "egen" and not (ut - set(koder)):
        viktlista = read_vikter(Path(vikter), koder, ut)
    nyckelobj = bygg_nyckel(val, befolkning, exkludera, viktlista)
    df = compute_fordelning(befolkning, val.belopp, nyckelobj)
    namn = dict(zip(koder, befolkning["kommun"], strict=True))
    info = Fordelningsinfo(
        belopp=val.belopp,
        nyckel=nyckelobj,
        befolkning=describe_kalla(befolkning),
        avtal=a.namn if a else None,
        ar=a.ar if a else None,
        avtalsfil=avtalsfil,
        vikterfil=str(vikter) if vikter else None,
        undantagna=tuple(f"{k} {namn[k]}" for k in sorted(ut)),
    )
    return df, info


def avtalets_fordelning(avtal: Avtal) -> pd.DataFrame:
    """Avtalets fasta kostnad för kommunerna, fördelad efter avtalets nyckel och befolkningsdatum."""
    befolkning = load_befolkning(avtal.lan, avtal.befolkningsdatum)
    return compute_fordelning(befolkning, avtal.belopp_kommuner, avtal.fordelningsnyckel())


def previous_year(ar: int, lanskod: str, scenario: str = "bas") -> tuple[pd.DataFrame | None, str]:
    """Föregående års belopp per kommun enligt ett scenario (kommunkod, belopp) och en text om
    varifrån de kommer; (None, förklaring) om scenariot inte täcker året eller länet."""
    if ar - 1 < FORSTA_AR:
        return None, f"Ingen jämförelse: modellen börjar {FORSTA_AR}."
    a = load_antaganden(scenario)
    if a.lan != lanskod:
        return None, f"Ingen jämförelse: scenariot {scenario} gäller län {a.lan}."
    per_kommun, per_ar = berakna_scenario(a, scenario, ar - 1, ar - 1)
    rad = per_ar.iloc[0]
    text = (
        f"Föregående år ({ar - 1}) enligt scenariot {scenario} i data/antaganden/: kommunerna betalade "
        f"{format_kr(int(rad['kommunernas_del']))} av den fasta kostnaden, fördelat efter befolkningen per "
        f"{rad['befolkningsdatum']}."
    )
    return per_kommun[["kommunkod", "fast_kostnad"]].rename(columns={"fast_kostnad": "belopp"}), text


def jamforelse(df: pd.DataFrame, info: Fordelningsinfo, scenario: str = "bas") -> tuple[pd.DataFrame | None, str]:
    """Förändringen mot föregående år (enligt scenariot) och en text om varifrån jämförelsen kommer."""
    if not info.ar:
        return None, ""
    fore, text = previous_year(info.ar, info.befolkning.lanskod, scenario)
    return (compare_with(df, fore) if fore is not None else None), text


def describe(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """Några meningar (Markdown) med de beräknade talen."""
    storst = df.loc[df["belopp"].idxmax()]
    minst = df.loc[df["belopp"].idxmin()]
    b = info.befolkning
    text = (
        f"**{len(df)} kommuner** i {b.lan} delar på **{format_kr(info.belopp)}**, "
        f"fördelat {nyckel_text(info.nyckel)}. Befolkningen är SCB:s folkmängd per **{format_datum(b.datum)}**, "
        f"sammanlagt {format_tal(int(df['folkmangd'].sum()))} invånare. "
        f"Störst del betalar {storst['kommun']} ({format_procent(storst['andel'])}, "
        f"{format_kr(int(storst['belopp']))}), "
        f"minst {minst['kommun']} ({format_procent(minst['andel'])}, {format_kr(int(minst['belopp']))}). "
        "Beloppen är avrundade till hela kronor så att summan blir exakt det fördelade beloppet."
    )
    if info.undantagna:
        text += f" Deltar inte: {', '.join(info.undantagna)}."
    return text


def html_table(df: pd.DataFrame) -> str:
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
        rubriker={
            "kommunkod": "Kod",
            "kommun": "Kommun",
            "folkmangd": "Folkmängd",
            "andel": "Andel",
            "belopp": "Belopp",
        },
    )


def html_change_table(jamforelse: pd.DataFrame) -> str:
    d = jamforelse[["kommunkod", "kommun", "belopp_fore", "belopp", "forandring_kr", "forandring_procent"]]
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
        rubriker={
            "kommunkod": "Kod",
            "kommun": "Kommun",
            "belopp_fore": "Föregående år",
            "belopp": "Belopp",
            "forandring_kr": "Förändring",
            "forandring_procent": "Förändring %",
        },
    )


def fordelning_blad(df: pd.DataFrame, info) -> Blad:
    """Bladet "Fördelning" för en fördelning (`info` är en `Fordelningsinfo`)."""
    tabell = df.sort_values("kommunkod", ignore_index=True).rename(
        columns={
            "kommunkod": "Kommunkod",
            "kommun": "Kommun",
            "folkmangd": "Folkmängd",
            "andel": "Andel",
            "belopp": "Belopp",
        }
    )
    return Blad(
        namn="Fördelning",
        titel=f"Fördelning av {format_kr(info.belopp)}",
        undertitel=info.avtal or f"{info.befolkning.lan}, nyckel: {info.nyckel.text()}",
        not_text=(
            f"Befolkning per {info.befolkning.datum.isoformat()} (SCB, {info.befolkning.scb_tabell}). "
            "Beloppen är avrundade till hela kronor med största-restmetoden och summerar exakt."
        ),
        df=tabell,
        kr=["Belopp"],
        procent=["Andel"],
        heltal=["Folkmängd"],
        summera=["Folkmängd", "Andel", "Belopp"],
        andel=("Andel", "Folkmängd") if info.nyckel.nyckel == "befolkning" else None,
        bredder={"Kommunkod": 12, "Kommun": 18, "Folkmängd": 14, "Andel": 11, "Belopp": 16},
    )


def write_fordelning_workbook(
    df: pd.DataFrame, jamforelse: pd.DataFrame | None, info, path: Path, kallor: list[tuple[str, str]]
) -> None:
    """Rapportens arbetsbok: Fördelning, Förändring (om jämförelse finns), Källor och antaganden."""
    blad = [fordelning_blad(df, info)]
    if jamforelse is not None:
        j = jamforelse[["kommunkod", "kommun", "belopp_fore", "belopp", "forandring_kr", "forandring_procent"]]
        j = j.rename(
            columns={
                "kommunkod": "Kommunkod",
                "kommun": "Kommun",
                "belopp_fore": "Föregående år",
                "belopp": "Belopp",
                "forandring_kr": "Förändring",
                "forandring_procent": "Förändring %",
            }
        )
        blad.append(
            Blad(
                namn="Förändring",
                titel="Förändring mot föregående år",
                df=j,
                kr=["Föregående år", "Belopp", "Förändring"],
                procent=["Förändring %"],
                summera=["Föregående år", "Belopp", "Förändring"],
            )
        )
    write_workbook(blad, kallor, path, f"Fördelning av {info.belopp} kr")


def write_fordelning_xlsx(df: pd.DataFrame, info: Fordelningsinfo, path: Path) -> None:
    """En fördelning som arbetsbok: bladen "Fördelning" och "Källor och antaganden"."""
    write_workbook([fordelning_blad(df, info)], fordelning_rader(info), path, f"Fördelning av {info.belopp} kr")


def to_csv(df: pd.DataFrame) -> str:
    """Maskinläsbar CSV: exakt rubriken ``kommunkod,kommun,folkmangd,andel,belopp``, punkt som
    decimaltecken, en rad per kommun i kodordning, inget annat."""
    rader = [",".join(UT_KOLUMNER)]
    for r in df.sort_values("kommunkod").itertuples(index=False):
        kommun = f'"{r.kommun}"' if "," in r.kommun or '"' in r.kommun else r.kommun
        rader.append(f"{r.kommunkod},{kommun},{int(r.folkmangd)},{r.andel:.12f},{int(r.belopp)}")
    return "\n".join(rader) + "\n"


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
        "version": info.version,
    }
    return json.dumps({"fordelning": rader, "metadata": meta}, ensure_ascii=False, indent=2) + "\n"


def to_tabell(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """Tabell för människor: svenska talformat, summarad, källa och datum under."""
    huvud = ["Kod", "Kommun", "Folkmängd", "Andel", "Belopp"]
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
    alla = [huvud, *kropp, summa]
    bredd = [max(len(r[i]) for r in alla) for i in range(len(huvud))]
    hoger = [False, False, True, True, True]

    def rad(celler: list[str]) -> str:
        delar = [c.rjust(b) if h else c.ljust(b) for c, b, h in zip(celler, bredd, hoger, strict=True)]
        return "  ".join(delar).rstrip()

    linje = "  ".join("-" * b for b in bredd)
    titel = f"Fördelning av {format_kr(info.belopp)} mellan {len(df)} kommuner i {info.befolkning.lan}"
    if info.avtal:
        titel += f"\n{info.avtal}"
    ut = [titel, "", rad(huvud), linje, *(rad(r) for r in kropp), linje, rad(summa), ""]
    ut += [f"{rubrik}: {text}" for rubrik, text in fordelning_rader(info)]
    return "\n".join(ut) + "\n"


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Den maskinläsbara CSV:n till en fil (atomiskt)."""
    write_text_atomic(path, to_csv(df))


def kommandoutdata(format: str, ut: Path | None = None, **parametrar) -> str | None:
    """`analys fordelning`: texten i det valda formatet, eller `None` när arbetsboken skrivits till `ut`."""
    df, info = build_fordelning(**parametrar)
    if format == "xlsx":
        write_fordelning_xlsx(df, info, ut)
        return None
    return {"csv": to_csv, "json": lambda d: to_json(d, info), "tabell": lambda d: to_tabell(d, info)}[format](df)
