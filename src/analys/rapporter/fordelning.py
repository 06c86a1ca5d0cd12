"""Fördelningen av ett års belopp: en rad per kommun, som tabell, CSV, JSON, Excel och rapporttext.

`build_fordelning` är samma väg för kommandoraden och notebooks: den läser avtal och befolkning,
räknar fördelningen och returnerar tabellen med allt som behövs för att spåra den. Ett belopp
ur ett avtal är "enligt avtal"; ett angivet belopp utan avtal är "beräknat".
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analys.begrepp import FORSTA_AR, Avtal, Fordelningsinfo
from analys.berakning.fordelning import bygg_nyckel, compare_with, compute_fordelning, valj_parametrar
from analys.fel import AnalysError
from analys.indata.antaganden import load_antaganden, read_scenarier
from analys.indata.avtal import load_avtal
from analys.indata.befolkning import describe_kalla, load_befolkning
from analys.indata.paths import visningsvag
from analys.indata.projekt import standardlan
from analys.indata.underlag import read_vikter
from analys.indata.varden import kommunkoder
from analys.rapporter.excel import Blad, Kallor, referens_text, write_workbook
from analys.rapporter.filer import write_text_atomic
from analys.rapporter.format import format_datum, format_kr, format_procent, format_tal
from analys.rapporter.kallor import fordelning_kallor, kallor_text
from analys.rapporter.scenarier import berakna_scenario
from analys.rapporter.tabeller import PAHITTAT, excel_csv, html_tabell, textmarkning, texttabell, varna_pahittat
from analys.rapporter.text import nyckel_text

UT_KOLUMNER = ["kommunkod", "kommun", "folkmangd", "andel", "belopp"]


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
        if lan is not None and lan != a.lan:
            raise AnalysError(
                f"Avtalet {a.namn} gäller län {a.lan}, inte {lan}; ta bort --lan eller välj ett annat avtal."
            )
    lanskod = lan if lan is not None else (None if a else standardlan())
    val = valj_parametrar(a, belopp, befolkningsdatum, lanskod, nyckel, fast_andel, har_vikter=vikter is not None)
    befolkning = load_befolkning(val.lanskod, val.befolkningsdatum)
    koder = list(befolkning["kommunkod"])
    exkludera = kommunkoder(exkludera, befolkning, "--exkludera")
    ut = frozenset(exkludera)
    viktlista = None
    if val.nyckel == "egen":
        viktlista = read_vikter(Path(vikter), koder, ut)
    nyckelobj = bygg_nyckel(val, exkludera, viktlista)
    df = compute_fordelning(befolkning, val.belopp, nyckelobj)
    namn = dict(zip(koder, befolkning["kommun"], strict=True))
    info = Fordelningsinfo(
        belopp=val.belopp,
        nyckel=nyckelobj,
        befolkning=describe_kalla(befolkning),
        avtal=a.namn if a else None,
        ar=a.ar if a else None,
        avtalsfil=avtalsfil,
        avtalskalla=a.kalla if a else None,
        vikterfil=str(vikter) if vikter else None,
        undantagna=tuple(f"{k} {namn[k]}" for k in sorted(ut)),
        pahittat=bool(a and a.exempel),
        slag="enligt avtal"
        if a is not None
        and not ut
        and not any(v is not None for v in (belopp, befolkningsdatum, lan, nyckel, fast_andel, vikter))
        else "beräknat",
    )
    return df, info


def senaste_avtal() -> str | None:
    """Året för analys-mappens senaste avtal för mappens län, eller None om det inte finns något."""
    from analys.indata.avtal import avtal_for_lan

    ar = sorted(avtal_for_lan(standardlan()))
    return str(ar[-1]) if ar else None


def avtalets_fordelning(avtal: Avtal) -> pd.DataFrame:
    """Avtalets fasta kostnad för kommunerna, fördelad efter avtalets nyckel och befolkningsdatum."""
    befolkning = load_befolkning(avtal.lan, avtal.befolkningsdatum)
    return compute_fordelning(befolkning, avtal.belopp_kommuner, avtal.fordelningsnyckel())


def titel(info: Fordelningsinfo) -> str:
    """Rapportens rubrik: avtalets namn, eller beloppet och länet (och PÅHITTAT EXEMPEL om avtalet
    är ett påhittat exempel eller har platshållare)."""
    if info.avtal and info.slag == "enligt avtal":
        t = f"Fördelning enligt avtal: {info.avtal}"
    elif info.avtal:
        t = f"Beräknad fördelning utifrån avtalet: {info.avtal}"
    else:
        t = f"Fördelning av {format_kr(info.belopp)} i {info.befolkning.lan}"
    return f"{t} ({PAHITTAT})" if info.pahittat else t


def previous_year(ar: int, lanskod: str, scenario: str = "bas") -> tuple[pd.DataFrame | None, str]:
    """Föregående års belopp per kommun enligt ett scenario (kommunkod, belopp) och en text om
    varifrån de kommer; (None, förklaring) om scenariot inte täcker året eller länet."""
    if ar - 1 < FORSTA_AR:
        return None, f"Ingen jämförelse: modellen börjar {FORSTA_AR}."
    a = load_antaganden(scenario)
    if a.lan != lanskod:
        return None, "Ingen jämförelse: antagandena gäller ett annat län."
    from analys.indata.avtal import avtal_for_lan

    if ar - 1 < a.basar and ar - 1 not in a.kanda_ar and ar - 1 not in avtal_for_lan(lanskod):
        return None, f"Ingen jämförelse: varken något avtal eller antagandena täcker {ar - 1}."
    namn = read_scenarier().get(scenario)
    scenarionamn = namn.namn if namn else scenario
    per_kommun, per_ar = berakna_scenario(a, scenario, ar - 1, ar - 1)
    rad = per_ar.iloc[0]
    belopp = format_kr(int(rad["kommunernas_del"]))
    if rad["slag"] == "enligt avtal":
        text = (
            f"Jämfört med {ar - 1} enligt avtal ({rad['avtal']}): kommunerna betalade {belopp} av den fasta kostnaden."
        )
    else:
        text = (
            f"Jämfört med {ar - 1}, som inte har något avtal: beräknat belopp för kommunerna {belopp} "
            f"(scenariot {scenarionamn} i antagandena), fördelat efter folkmängden "
            f"{format_datum(pd.Timestamp(rad['befolkningsdatum']).date())}."
        )
    fore = per_kommun[["kommunkod", "fast_kostnad"]].rename(columns={"fast_kostnad": "belopp"})
    fore.attrs["slag"] = str(rad["slag"])
    return fore, text


def jamforelse(df: pd.DataFrame, info: Fordelningsinfo, scenario: str = "bas") -> tuple[pd.DataFrame | None, str]:
    """Förändringen mot föregående år (enligt scenariot) och en text om varifrån jämförelsen kommer."""
    if not info.ar:
        return None, ""
    fore, text = previous_year(info.ar, info.befolkning.lanskod, scenario)
    if fore is None:
        return None, text
    jmf = compare_with(df, fore)
    jmf.attrs["slag_fore"] = fore.attrs.get("slag", "beräknat")
    return jmf, text


def describe(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """Några meningar (Markdown) med de beräknade talen."""
    storst = df.loc[df["belopp"].idxmax()]
    minst = df.loc[df["belopp"].idxmin()]
    b = info.befolkning
    vad = "enligt avtal" if info.slag == "enligt avtal" else "(beräknat, inte avtalets fördelning)"
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
    return f"Belopp ({info.slag})"


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
        rubriker={
            "kommunkod": "Kod",
            "kommun": "Kommun",
            "folkmangd": "Folkmängd",
            "andel": "Andel",
            "belopp": _beloppsrubrik(info),
        },
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


def visa_forandring(jamforelse: pd.DataFrame | None) -> bool:
    """Om förändringstabellen visas: det finns ett föregående år och någon kommun har ändrats."""
    return jamforelse is not None and len(andrade(jamforelse)) > 0 and int(jamforelse["belopp_fore"].sum()) != 0


def _fore_rubrik(jamforelse: pd.DataFrame) -> str:
    """ "Föregående år (beräknat)": jämförelsens belopp är beräknade eller enligt ett avtal."""
    return f"Föregående år ({jamforelse.attrs.get('slag_fore', 'beräknat')})"


def html_change_table(jamforelse: pd.DataFrame, info: Fordelningsinfo) -> str:
    fore_slag, nu_slag = jamforelse.attrs.get("slag_fore", "beräknat"), info.slag
    d = andrade(jamforelse)[["kommunkod", "kommun", "belopp_fore", "belopp", "forandring_kr", "forandring_procent"]]
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
            "belopp_fore": _fore_rubrik(jamforelse),
            "belopp": _beloppsrubrik(info),
            "forandring_kr": "Förändring",
            "forandring_procent": "Förändring %",
        },
        rubrik="Kommuner vars belopp ändrats",
        slag={"belopp_fore": fore_slag, "belopp": nu_slag},
    )


def fordelning_blad(df: pd.DataFrame, info: Fordelningsinfo) -> Blad:
    """Bladet "Fördelning" för en fördelning."""
    tabell = df.sort_values("kommunkod", ignore_index=True).rename(
        columns={
            "kommunkod": "Kommunkod",
            "kommun": "Kommun",
            "folkmangd": "Folkmängd",
            "andel": "Andel",
            "belopp": _beloppsrubrik(info),
        }
    )
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


def write_fordelning_workbook(
    df: pd.DataFrame, jamforelse: pd.DataFrame | None, info: Fordelningsinfo, path: Path, kallor: Kallor
) -> None:
    """Rapportens arbetsbok: Fördelning, Förändring (kommunerna som ändrats), Källor."""
    blad = [fordelning_blad(df, info)]
    if visa_forandring(jamforelse):
        fore = _fore_rubrik(jamforelse)
        j = andrade(jamforelse)[["kommunkod", "kommun", "belopp_fore", "belopp", "forandring_kr", "forandring_procent"]]
        j = j.rename(
            columns={
                "kommunkod": "Kommunkod",
                "kommun": "Kommun",
                "belopp_fore": fore,
                "belopp": _beloppsrubrik(info),
                "forandring_kr": "Förändring",
                "forandring_procent": "Förändring %",
            }
        )
        blad.append(
            Blad(
                namn="Förändring",
                titel="Förändring mot föregående år",
                undertitel=change_text(jamforelse, info.ar or 0),
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


def write_fordelning_xlsx(df: pd.DataFrame, info: Fordelningsinfo, path: Path) -> None:
    """En fördelning som arbetsbok: bladen "Fördelning" och "Källor"."""
    write_workbook(
        [fordelning_blad(df, info)],
        fordelning_kallor(info),
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
        "version": info.version,
        "pahittat": info.pahittat,
    }
    return json.dumps({"fordelning": rader, "metadata": meta}, ensure_ascii=False, indent=2) + "\n"


def to_tabell(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """Tabell för människor: svenska talformat, summarad, källor under."""
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
    ut += kallor_text(fordelning_kallor(info))
    return "\n".join(ut) + "\n"


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Den maskinläsbara CSV:n till en fil (atomiskt)."""
    write_text_atomic(path, to_csv(df))


def kommandoutdata(format: str, ut: Path | None = None, **parametrar) -> str | None:
    """`analys fordelning`: texten i det valda formatet, eller `None` när arbetsboken skrivits till `ut`."""
    df, info = build_fordelning(**parametrar)
    if format == "csv" and info.pahittat:
        varna_pahittat()
    if format == "xlsx":
        write_fordelning_xlsx(df, info, ut)
        return None
    return {
        "csv": to_csv,
        "excel-csv": lambda d: to_excel_csv(d, info),
        "json": lambda d: to_json(d, info),
        "tabell": lambda d: to_tabell(d, info),
    }[format](df)
