"""Fakturaunderlag per kommun enligt ett avtal: som tabell, CSV och arbetsbok."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal
from analys.flode.faktura import Fakturering
from analys.rapporter.excel import Blad, Kallor, write_workbook
from analys.rapporter.format import format_kr
from analys.rapporter.rubriker import rubriker_for
from analys.rapporter.tabeller import PAHITTAT, excel_csv, textmarkning

CSV_KOLUMNER = ["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum"]


def summaetikett(fk: Fakturering) -> str:
    """Summan av fakturaraderna säger sin blandning: bara fast kostnad enligt avtal, eller även
    kursavgifter och pott efter utfallet (raderna står ovanför, var och en med vad den avser)."""
    return "Summa (avtal + utfall)" if fk.underlag is not None else "Summa (enligt avtal)"


def markerade(fk: Fakturering) -> pd.DataFrame:
    """Raderna; fakturor på ett påhittat avtal eller underlag bär märkningen på varje rad, även i CSV:n."""
    df = fk.df
    return df.assign(avser=df["avser"] + f" ({PAHITTAT})") if fk.pahittat else df


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


def to_tabell(df: pd.DataFrame, avtal: Avtal, pahittat: bool = False, summa: str = "Summa") -> str:
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
    ut.append(f"{'':4}  {summa:{13 + 2 + bredd}}  {format_kr(int(df['belopp'].sum())):>13}")
    return "\n".join(ut) + "\n"


def write_xlsx(
    df: pd.DataFrame, avtal: Avtal, kallor: Kallor, path: Path, pahittat: bool = False, summa: str = "Summa"
) -> None:
    tabell = df.rename(columns=rubriker_for(df.columns, {"referens": "Referens"}, kort=False))
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
        summaetikett=summa,
        bredder={"Avser": 70, "Fakturadatum": 14, "Förfallodatum": 14},
    )
    write_workbook(
        [blad], kallor, path, f"Fakturaunderlag {avtal.ar}", f"Fakturerar: {avtal.fakturering.fakturerar}", pahittat
    )
