"""Fakturaunderlag per kommun enligt ett avtal: som tabell, CSV och arbetsbok."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal
from analys.berakning.faktura import compute_fakturor
from analys.berakning.uppfoljning import compute_rorligt
from analys.indata.avtal import load_avtal
from analys.indata.underlag import read_underlag
from analys.rapporter.excel import Blad, write_workbook
from analys.rapporter.fordelning import avtalets_fordelning
from analys.rapporter.format import format_kr
from analys.rapporter.kallor import faktura_kallor

CSV_KOLUMNER = ["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum"]


def fakturor(avtal: Avtal, fakturadatum: date, underlag=None) -> pd.DataFrame:
    """Fakturaraderna för avtalet: fast kostnad per kommun, och med ett underlag även kursavgifter
    och utbildarpotten; se `berakning.faktura.compute_fakturor`."""
    fordelning = avtalets_fordelning(avtal)
    rorligt = compute_rorligt(underlag, avtal) if underlag is not None else None
    return compute_fakturor(avtal, fakturadatum, fordelning, rorligt)


def to_csv(df: pd.DataFrame) -> str:
    """Exakt rubriken ``kommunkod,kommun,avser,belopp,fakturadatum,forfallodatum``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_KOLUMNER)
    for r in df[CSV_KOLUMNER].itertuples(index=False):
        w.writerow(list(r))
    return buf.getvalue()


def to_tabell(df: pd.DataFrame, avtal: Avtal) -> str:
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


def kommandoutdata(
    format: str, ut: Path | None, avtal: str, fakturadatum: date, underlag: Path | None = None
) -> str | None:
    """`analys faktura`: texten i det valda formatet, eller `None` när arbetsboken skrivits till `ut`."""
    a, path = load_avtal(avtal)
    u = read_underlag(underlag, a) if underlag else None
    df = fakturor(a, fakturadatum, u)
    if format == "xlsx":
        write_xlsx(df, a, faktura_kallor(a, path, fakturadatum, u), ut)
        return None
    return to_csv(df) if format == "csv" else to_tabell(df, a)
