"""En fördelning från parametrar (avtal, belopp, datum, län, nyckel …): samma väg för
kommandoraden och notebooks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from analys.avtal import load_avtal
from analys.befolkning import describe_kalla, load_befolkning
from analys.fel import AnalysError
from analys.fordelning import Fordelningsnyckel, Nyckel, compute_fordelning, read_vikter
from analys.format import format_datum, format_kr, format_procent, format_tal
from analys.paths import visningsvag
from analys.utdata import Fordelningsinfo


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
    if belopp is None and a is None:
        raise AnalysError("Ange --belopp (hela kronor) eller --avtal (t.ex. --avtal 2024).")
    if befolkningsdatum is None and a is None:
        raise AnalysError("Ange --befolkningsdatum (t.ex. 2020-12-31 eller 2020) eller --avtal (t.ex. --avtal 2024).")
    belopp = belopp if belopp is not None else a.belopp_kommuner
    datum = befolkningsdatum if befolkningsdatum is not None else a.befolkningsdatum
    lanskod = lan if lan is not None else (a.lan if a else "20")
    n = Nyckel(nyckel) if nyckel else (a.nyckel if a else Nyckel.BEFOLKNING)
    fast = fast_andel if fast_andel is not None else (a.fast_andel if a else None)
    if fast_andel is not None and n is not Nyckel.BLANDAD:
        raise AnalysError("--fast-andel gäller bara nyckeln blandad (lägg till --nyckel blandad).")
    if vikter is not None and n is not Nyckel.EGEN:
        raise AnalysError("--vikter gäller bara nyckeln egen (lägg till --nyckel egen).")
    if n is Nyckel.EGEN and vikter is None:
        raise AnalysError("Nyckeln egen kräver en viktfil: lägg till --vikter FIL (kommunkod,vikt).")

    befolkning = load_befolkning(lanskod, datum)
    koder = list(befolkning["kommunkod"])
    ut = frozenset(k.strip() for k in exkludera)
    okanda = sorted(ut - set(koder))
    if okanda:
        giltiga = ", ".join(f"{k} {m}" for k, m in zip(koder, befolkning["kommun"], strict=True))
        raise AnalysError(f"--exkludera: kommunkoden {', '.join(okanda)} finns inte i länet. Giltiga: {giltiga}.")
    params: dict = {"nyckel": n, "exkludera": ut}
    if n is Nyckel.EGEN:
        params["vikter"] = read_vikter(Path(vikter), koder, ut)
    if fast is not None:
        params["fast_andel"] = Decimal(str(fast))
    nyckelobj = Fordelningsnyckel(**params)
    df = compute_fordelning(befolkning, belopp, nyckelobj)
    namn = dict(zip(koder, befolkning["kommun"], strict=True))
    info = Fordelningsinfo(
        belopp=belopp,
        nyckel=nyckelobj,
        befolkning=describe_kalla(befolkning),
        avtal=a.namn if a else None,
        ar=a.ar if a else None,
        avtalsfil=avtalsfil,
        vikterfil=str(vikter) if vikter else None,
        undantagna=tuple(f"{k} {namn[k]}" for k in sorted(ut)),
    )
    return df, info


def compare_with(df: pd.DataFrame, fore: pd.DataFrame) -> pd.DataFrame:
    """Förändring per kommun mot en tidigare fördelning: forandring_kr och forandring_procent
    (NaN där kommunen inte betalade något förut)."""
    ut = df.merge(fore[["kommunkod", "belopp"]].rename(columns={"belopp": "belopp_fore"}), on="kommunkod", how="left")
    ut["belopp_fore"] = ut["belopp_fore"].fillna(0).astype("int64")
    ut["forandring_kr"] = ut["belopp"] - ut["belopp_fore"]
    ut["forandring_procent"] = (ut["forandring_kr"] / ut["belopp_fore"].where(ut["belopp_fore"] > 0)).astype(float)
    return ut


def previous_year(ar: int, lanskod: str, scenario: str = "bas") -> tuple[pd.DataFrame | None, str]:
    """Föregående års belopp per kommun enligt ett scenario (kommunkod, belopp) och en text om
    varifrån de kommer; (None, förklaring) om scenariot inte täcker året eller länet."""
    from analys.antaganden import FORSTA_AR, load_antaganden
    from analys.kostnadsmodell import compute_scenario

    if ar - 1 < FORSTA_AR:
        return None, f"Ingen jämförelse: modellen börjar {FORSTA_AR}."
    a = load_antaganden(scenario)
    if a.lan != lanskod:
        return None, f"Ingen jämförelse: scenariot {scenario} gäller län {a.lan}."
    per_kommun, per_ar = compute_scenario(a, scenario, ar - 1, ar - 1)
    rad = per_ar.iloc[0]
    text = (
        f"Föregående år ({ar - 1}) enligt scenariot {scenario} i data/antaganden/: kommunerna betalade "
        f"{format_kr(int(rad['kommunernas_del']))} av den fasta kostnaden, fördelat efter befolkningen per "
        f"{rad['befolkningsdatum']}."
    )
    return per_kommun[["kommunkod", "fast_kostnad"]].rename(columns={"fast_kostnad": "belopp"}), text


def describe(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """Några meningar (Markdown) med de beräknade talen."""
    storst = df.loc[df["belopp"].idxmax()]
    minst = df.loc[df["belopp"].idxmin()]
    b = info.befolkning
    text = (
        f"**{len(df)} kommuner** i {b.lan} delar på **{format_kr(info.belopp)}**, "
        f"fördelat {info.nyckel.text()}. Befolkningen är SCB:s folkmängd per **{format_datum(b.datum)}**, "
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
    from analys.visning import html_tabell

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
    from analys.visning import html_tabell

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


def write_fordelning_workbook(
    df: pd.DataFrame, jamforelse: pd.DataFrame | None, info, path: Path, kallor: list[tuple[str, str]]
) -> None:
    """Rapportens arbetsbok: Fördelning, Förändring (om jämförelse finns), Källor och antaganden."""
    from analys.excel import Blad, fordelning_blad, write_workbook

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
