"""Kommunblad: en kommuns kostnad år för år i alla scenarier, dess andel och folkmängd."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analys.fel import AnalysError
from analys.indata.befolkning import load_befolkning_alla
from analys.rapporter.excel import Blad, write_workbook
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.tabeller import html_tabell


def describe_kommun(per_kommun: pd.DataFrame, kommunkod: str) -> str:
    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    kommun = d["kommun"].iloc[0]
    fran, till = int(d["ar"].min()), int(d["ar"].max())
    bas = d[d["scenario"] == d["scenario"].iloc[0]].set_index("ar")
    sista = d[d["ar"] == till].set_index("scenario")["netto"]
    return (
        f"**{kommun}** betalar {format_kr(int(bas.loc[fran, 'netto']))} netto {fran} under scenariot "
        f"{d['scenario'].iloc[0]} ({format_kr(int(bas.loc[fran, 'fast_kostnad']))} fast kostnad, "
        f"{format_kr(int(bas.loc[fran, 'rorlig_kostnad']))} kursavgifter för "
        f"{format_tal(int(bas.loc[fran, 'deltagardagar']))} "
        f"deltagardagar, {format_kr(int(bas.loc[fran, 'pott_tillbaka']))} tillbaka ur potten). "
        f"År {till} ligger kostnaden mellan {format_kr(int(sista.min()))} ({sista.idxmin()}) och "
        f"{format_kr(int(sista.max()))} ({sista.idxmax()}) beroende på scenario. "
        f"Kommunens andel av den fasta kostnaden är {format_procent(bas.loc[till, 'andel'])} {till}."
    )


def table_kommun(per_kommun: pd.DataFrame, kommunkod: str) -> pd.DataFrame:
    """År × scenarier: en kommuns netto."""
    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    tab = d.pivot_table(index="ar", columns="scenario", values="netto", aggfunc="sum", sort=False)
    return tab[list(dict.fromkeys(d["scenario"]))].astype("int64").reset_index().rename(columns={"ar": "År"})


def write_kommunblad_workbook(
    per_kommun: pd.DataFrame, kommunkod: str, kallor: list[tuple[str, str]], path: Path
) -> None:
    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    kommun = d["kommun"].iloc[0]
    tab = table_kommun(per_kommun, kommunkod)
    scen = [c for c in tab.columns if c != "År"]
    detalj = d[
        [
            "scenario",
            "ar",
            "befolkningsdatum",
            "folkmangd",
            "andel",
            "fast_kostnad",
            "deltagardagar",
            "rorlig_kostnad",
            "pott_tillbaka",
            "netto",
        ]
    ]
    blad = [
        Blad(namn="Per år", titel=f"{kommun}: nettokostnad per år och scenario", df=tab, kr=scen, summera=scen),
        Blad(
            namn="Detaljer",
            titel=f"{kommun}: komponenter per scenario och år",
            df=detalj,
            kr=["fast_kostnad", "rorlig_kostnad", "pott_tillbaka", "netto"],
            heltal=["folkmangd", "deltagardagar"],
            procent=["andel"],
        ),
    ]
    write_workbook(blad, kallor, path, f"Kommunblad {kommun}")


def html_kommun(per_kommun: pd.DataFrame, kommunkod: str) -> str:
    t = table_kommun(per_kommun, kommunkod)
    scen = [c for c in t.columns if c != "År"]
    return html_tabell(t, kr=scen, summa={"År": "Summa", **{s: int(t[s].sum()) for s in scen}})


def kommun_namn(per_kommun: pd.DataFrame, kommunkod: str) -> str:
    """Kommunens namn; okänd kommunkod ger ett fel som listar länets kommuner."""
    traff = per_kommun.loc[per_kommun["kommunkod"] == kommunkod, "kommun"]
    if traff.empty:
        k = per_kommun.drop_duplicates("kommunkod")
        giltiga = ", ".join(f"{a} {b}" for a, b in zip(k["kommunkod"], k["kommun"], strict=True))
        raise AnalysError(f"Kommunkoden '{kommunkod}' finns inte i länet. Giltiga: {giltiga}.")
    return str(traff.iloc[0])


def andel_och_befolkning(per_kommun: pd.DataFrame, kommunkod: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kommunens andel per år (första scenariot) och folkmängd 31 december över tid (SCB)."""
    d = per_kommun[(per_kommun["kommunkod"] == kommunkod) & (per_kommun["scenario"] == per_kommun["scenario"].iloc[0])]
    alla = load_befolkning_alla()
    b = alla[(alla["kommunkod"] == kommunkod) & (alla["datum"].dt.month == 12) & (alla["datum"].dt.day == 31)]
    b = b[b["datum"].dt.year >= 2000]
    return d[["ar", "andel"]], pd.DataFrame({"ar": b["datum"].dt.year, "folkmangd": b["folkmangd"]})
