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
from analys.indata.varden import kommunkoder
from analys.rapporter.excel import Blad, Kallor, write_workbook
from analys.rapporter.fordelning import avtalets_fordelning
from analys.rapporter.format import format_kr
from analys.rapporter.kallor import faktura_kallor
from analys.rapporter.tabeller import PAHITTAT, excel_csv, textmarkning, varna_pahittat

CSV_KOLUMNER = ["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum"]


def fakturor(avtal: Avtal, fakturadatum: date, underlag=None) -> pd.DataFrame:
    """Fakturaraderna för avtalet: fast kostnad per kommun, och med ett underlag även kursavgifter
    och utbildarpotten; se `berakning.faktura.compute_fakturor`."""
    fordelning = avtalets_fordelning(avtal)
    rorligt = compute_rorligt(underlag, avtal) if underlag is not None else None
    fakturerat = None
    if underlag is not None and len(underlag.fakturor):
        fakturerat = underlag.fakturor.groupby("kommunkod")["belopp"].sum()
    return compute_fakturor(avtal, fakturadatum, fordelning, rorligt, fakturerat)


def to_csv(df: pd.DataFrame) -> str:
    """Exakt rubriken ``kommunkod,kommun,avser,belopp,fakturadatum,forfallodatum``, datum ÅÅÅÅ-MM-DD."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_KOLUMNER)
    for r in df[CSV_KOLUMNER].itertuples(index=False):
        w.writerow([v.isoformat() if isinstance(v, date) else v for v in r])
    return buf.getvalue()


def to_excel_csv(df: pd.DataFrame, pahittat: bool = False) -> str:
    """CSV att dubbelklicka i svensk Excel: UTF-8 med BOM, semikolon, svenska rubriker."""
    huvud = ["Kommunkod", "Kommun", "Avser", "Belopp (kr)", "Fakturadatum", "Förfallodatum", "Referens"]
    rader = (
        [r.kommunkod, r.kommun, r.avser, int(r.belopp), r.fakturadatum.isoformat(), r.forfallodatum.isoformat(),
         r.referens]
        for r in df.itertuples(index=False)
    )  # fmt: skip
    return excel_csv(huvud, rader, pahittat)


def to_tabell(df: pd.DataFrame, avtal: Avtal, pahittat: bool = False) -> str:
    bredd = max(len(a) for a in df["avser"])
    ut = [
        *textmarkning(pahittat),
        f"Fakturaunderlag: {avtal.namn}",
        f"Fakturerar: {avtal.fakturering.fakturerar}, betalning {avtal.fakturering.betalningsvillkor_dagar} dagar "
        "netto (förfallodagen flyttas till nästa bankdag om den blir en helgdag)",
        "Fast kostnad enligt avtal; kursavgifter och pott efter utfallet i underlaget; det som redan "
        "fakturerats enligt underlaget dras av.",
        "",
    ]
    ut.append(f"{'Kod':4}  {'Kommun':13}  {'Avser':{bredd}}  {'Belopp':>13}  Fakturadatum  Förfaller   Referens")
    for r in df.itertuples():
        ut.append(
            f"{r.kommunkod:4}  {r.kommun:13}  {r.avser:{bredd}}  {format_kr(r.belopp):>13}  "
            f"{r.fakturadatum.isoformat()}    {r.forfallodatum.isoformat()}  {r.referens}"
        )
    ut.append(f"{'':4}  {'Summa':13}  {'':{bredd}}  {format_kr(int(df['belopp'].sum())):>13}")
    return "\n".join(ut) + "\n"


def write_xlsx(df: pd.DataFrame, avtal: Avtal, kallor: Kallor, path: Path, pahittat: bool = False) -> None:
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
        f"{avtal.fakturering.betalningsvillkor_dagar} dagar netto från fakturadatum, förfallodagen flyttad till "
        "nästa bankdag vid helg",
        not_text="Fast kostnad enligt avtal; kursavgifter och pott (kredit) efter utfallet i underlaget; det som "
        "redan fakturerats enligt underlaget dras av.",
        df=tabell,
        kr=["Belopp"],
        datum=["Fakturadatum", "Förfallodatum"],
        summera=["Belopp"],
        bredder={"Avser": 70, "Fakturadatum": 14, "Förfallodatum": 14},
    )
    write_workbook(
        [blad], kallor, path, f"Fakturaunderlag {avtal.ar}", f"Fakturerar: {avtal.fakturering.fakturerar}", pahittat
    )


def kommandoutdata(
    format: str,
    ut: Path | None,
    avtal: str,
    fakturadatum: date,
    underlag: Path | None = None,
    kommun: str | None = None,
) -> str | None:
    """`analys faktura`: texten i det valda formatet, eller `None` när arbetsboken skrivits till `ut`.
    Med `kommun` (kod eller namn) bara den kommunens rader."""
    a, path = load_avtal(avtal)
    u = read_underlag(underlag, a) if underlag else None
    df = fakturor(a, fakturadatum, u)
    if kommun is not None:
        kod = kommunkoder([kommun], df.drop_duplicates("kommunkod"), "--kommun")[0]
        df = df[df["kommunkod"] == kod].reset_index(drop=True)
    # Fakturor på ett påhittat avtal eller underlag bär märkningen på varje rad, även i CSV:n.
    pahittat = a.exempel or (u is not None and u.pahittat)
    if pahittat:
        df = df.assign(avser=df["avser"] + f" ({PAHITTAT})")
        if format == "csv":
            varna_pahittat()
    if format == "xlsx":
        write_xlsx(df, a, faktura_kallor(a, path, fakturadatum, u), ut, pahittat)
        return None
    if format == "excel-csv":
        return to_excel_csv(df, pahittat)
    return to_csv(df) if format == "csv" else to_tabell(df, a, pahittat)
