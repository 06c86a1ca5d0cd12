"""Fakturaunderlag: en rad per kommun och belopp, med fakturadatum och förfallodatum."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd

from analys.avtal import Avtal
from analys.befolkning import load_befolkning
from analys.fordelning import compute_fordelning
from analys.uppfoljning import Underlag, compute_rorligt

CSV_KOLUMNER = ["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum"]


def compute_fakturor(avtal: Avtal, fakturadatum: date, underlag: Underlag | None = None) -> pd.DataFrame:
    """Fakturarader: kommunens del av den fasta kostnaden, och med ett underlag även kursavgifter
    och utbildarpotten (som kreditrad, negativt belopp) på egna rader.

    Kolumner: kommunkod, kommun, avser, belopp, fakturadatum, forfallodatum, referens.
    """
    fordelning = compute_fordelning(
        load_befolkning(avtal.lan, avtal.befolkningsdatum), avtal.belopp_kommuner, avtal.fordelningsnyckel()
    )
    forfaller = avtal.fakturering.forfallodatum(fakturadatum)
    rader = []
    for r in fordelning.itertuples():
        rader.append(
            (
                r.kommunkod,
                r.kommun,
                f"{avtal.namn}, fast kostnad enligt avtal",
                int(r.belopp),
                f"{avtal.ar}-{r.kommunkod}-F",
            )
        )
    if underlag is not None:
        rk = avtal.rorliga_kostnader
        for r in compute_rorligt(underlag, avtal).itertuples():
            if r.avgifter:
                rader.append(
                    (
                        r.kommunkod,
                        r.kommun,
                        f"Kursavgifter {avtal.ar}: {r.deltagardagar} deltagardagar à {rk.avgift_per_deltagardag} kr",
                        int(r.avgifter),
                        f"{avtal.ar}-{r.kommunkod}-K",
                    )
                )
            if r.pott_tillbaka:
                rader.append(
                    (
                        r.kommunkod,
                        r.kommun,
                        f"Utbildarpotten {avtal.ar}: {r.utbildardagar} utbildardagar (kredit)",
                        -int(r.pott_tillbaka),
                        f"{avtal.ar}-{r.kommunkod}-P",
                    )
                )
    df = pd.DataFrame(rader, columns=["kommunkod", "kommun", "avser", "belopp", "referens"])
    df = df.sort_values(["kommunkod", "referens"], kind="stable", ignore_index=True)
    df["fakturadatum"] = fakturadatum.isoformat()
    df["forfallodatum"] = forfaller.isoformat()
    return df[["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum", "referens"]]


def to_csv(df: pd.DataFrame) -> str:
    """Exakt rubriken ``kommunkod,kommun,avser,belopp,fakturadatum,forfallodatum``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_KOLUMNER)
    for r in df[CSV_KOLUMNER].itertuples(index=False):
        w.writerow(list(r))
    return buf.getvalue()


def to_tabell(df: pd.DataFrame, avtal: Avtal) -> str:
    from analys.format import format_kr

    bredd = max(len(a) for a in df["avser"])
    ut = [
        f"Fakturaunderlag: {avtal.namn}",
        f"Fakturerar: {avtal.fakturering.fakturerar}, betalning "
        f"{avtal.fakturering.betalningsvillkor_dagar} dagar netto",
        "",
    ]
    ut.append(f"{'Kod':4}  {'Kommun':13}  {'Avser':{bredd}}  {'Belopp':>13}  Fakturadatum  Förfaller   Referens")
    for r in df.itertuples():
        ut.append(
            f"{r.kommunkod:4}  {r.kommun:13}  {r.avser:{bredd}}  {format_kr(r.belopp):>13}  "
            f"{r.fakturadatum}    {r.forfallodatum}  {r.referens}"
        )
    ut.append(f"{'':4}  {'Summa':13}  {'':{bredd}}  {format_kr(int(df['belopp'].sum())):>13}")
    return "\n".join(ut) + "\n"


def write_xlsx(df: pd.DataFrame, avtal: Avtal, kallor: list[tuple[str, str]], path: Path) -> None:
    from analys.excel import Blad, write_workbook

    tabell = df.rename(
        columns={
            "kommunkod": "Kommunkod",
            "kommun": "Kommun",
            "avser": "Avser",
            "belopp": "Belopp",
            "fakturadatum": "Fakturadatum",
            "forfallodatum": "Förfallodatum",
            "referens": "Referens",
        }
    )
    blad = Blad(
        namn="Fakturor",
        titel=f"Fakturaunderlag: {avtal.namn}",
        undertitel=f"Fakturerar: {avtal.fakturering.fakturerar}; betalning "
        f"{avtal.fakturering.betalningsvillkor_dagar} dagar netto från fakturadatum",
        df=tabell,
        kr=["Belopp"],
        summera=["Belopp"],
        bredder={"Avser": 80},
    )
    write_workbook([blad], kallor, path, f"Fakturaunderlag {avtal.ar}")
