"""Fakturaunderlag per kommun enligt ett avtal: som tabell, CSV och arbetsbok, med en faktura per
kommun och dess netto (under 0 en kreditfaktura)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal
from analys.flode.bokforing import Bokforing
from analys.flode.faktura import Fakturering
from analys.indata.underlag import MALLRUBRIKER
from analys.rapporter.excel import Blad, Kallor, write_workbook
from analys.rapporter.format import format_kr
from analys.rapporter.rubriker import rubriker_for
from analys.rapporter.tabeller import PAHITTAT, excel_csv, textmarkning

CSV_KOLUMNER = ["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum"]


def summaetikett(fk: Fakturering) -> str:
    """Summan av fakturaraderna säger sin blandning: bara fast kostnad enligt avtal (och avräkning av
    det som redan fakturerats), eller även kursavgifter och pott efter utfallet (raderna står
    ovanför, var och en med vad den avser)."""
    utfall = fk.underlag is not None and fk.df["post"].isin(["kursavgifter", "pott"]).any()
    return "Summa (avtal + utfall)" if utfall else "Summa (enligt avtal)"


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


def _nettorad(f) -> str:
    """Fakturans netto med sin blandning, och om det är en faktura eller en kreditfaktura."""
    if f.slag == "kreditfaktura":
        return f"Netto ({f.blandning}), kreditfaktura {f.referens}: återbetalas till kommunen"
    return f"Netto ({f.blandning}), faktura {f.referens}"


def grund(med_underlag: bool, kredit: bool = False) -> str:
    """Vad fakturaraderna bygger på: med ett uppföljningsunderlag även kursavgifter, pott och det som
    redan fakturerats; utan ett bara den fasta kostnaden."""
    if not med_underlag:
        return (
            "Fast kostnad enligt avtal. Inget uppföljningsunderlag (--underlag): inga kursavgifter eller pott, "
            "och inget avdrag för det som redan fakturerats."
        )
    pott = "pott (kredit)" if kredit else "pott"
    return (
        f"Fast kostnad enligt avtal; kursavgifter och {pott} efter utfallet i underlaget; det som redan "
        "fakturerats enligt underlaget dras av."
    )


def to_tabell(
    df: pd.DataFrame,
    avtal: Avtal,
    pahittat: bool = False,
    summa: str = "Summa",
    fakturor: pd.DataFrame | None = None,
    ingen_faktura: tuple[str, ...] = (),
    pott_vantar: tuple[int, ...] = (),
    med_underlag: bool = True,
    utbildardagar_saknas: tuple[str, ...] = (),
) -> str:
    """Raderna per kommun; med `fakturor` (en rad per faktura) står varje fakturas netto under dess
    rader när den har fler än en, och en kreditfaktura sägs."""
    netto = {} if fakturor is None else {f.referens: f for f in fakturor.itertuples()}
    texter = [_nettorad(f) for f in netto.values()]
    bredd = max([len(a) for a in df["avser"]] + [len(t) for t in texter] + [len("Avser")])
    ut = [
        *textmarkning(pahittat),
        f"Fakturaunderlag: {avtal.namn}",
        f"Fakturerar: {avtal.fakturering.fakturerar}, betalning {avtal.fakturering.betalningsvillkor_dagar} dagar "
        "netto (förfallodagen flyttas till nästa bankdag om den blir en helgdag)",
        grund(med_underlag),
        "",
    ]
    ut.append(f"{'Kod':4}  {'Kommun':13}  {'Avser':{bredd}}  {'Belopp':>13}  Fakturadatum  Förfaller   Referens")
    for i, r in enumerate(df.itertuples()):
        ut.append(
            f"{r.kommunkod:4}  {r.kommun:13}  {r.avser:{bredd}}  {format_kr(r.belopp):>13}  "
            f"{r.fakturadatum.isoformat()}    {r.forfallodatum.isoformat()}  {r.referens}"
        )
        sist = i + 1 == len(df) or df["referens"].iloc[i + 1] != r.referens
        if sist and r.referens in netto and (df["referens"] == r.referens).sum() > 1:
            f = netto[r.referens]
            ut.append(f"{'':4}  {'':13}  {_nettorad(f):{bredd}}  {format_kr(f.belopp):>13}")
    ut.append(f"{'':4}  {summa:{13 + 2 + bredd}}  {format_kr(int(df['belopp'].sum())):>13}")
    if fakturor is not None:
        kredit = int((fakturor["slag"] == "kreditfaktura").sum())
        varav = f", varav {kredit} {'kreditfaktura' if kredit == 1 else 'kreditfakturor'}" if kredit else ""
        ut += ["", f"Fakturor: {len(fakturor)}{varav}." if len(fakturor) else "Inget att fakturera."]
    if ingen_faktura:
        ut.append(f"Ingen faktura (raderna tar ut varandra, inget att betala): {', '.join(ingen_faktura)}.")
    if pott_vantar:
        ut.append(_pott_vantar_text(pott_vantar, utbildardagar_saknas))
    return "\n".join(ut) + "\n"


def _pott_vantar_text(ar: tuple[int, ...], kommuner: tuple[str, ...] = ()) -> str:
    arstext = ", ".join(map(str, ar))
    vilka = f" för {', '.join(kommuner)}" if kommuner else ""
    return (
        f"Utbildarpotten {arstext} är inte med: utbildardagar är ej rapporterade{vilka} i underlaget. Den krediteras "
        "när de är ifyllda, eller med --slutlig när året är avslutat (tomma dagar räknas då som 0)."
    )


def write_xlsx(
    df: pd.DataFrame,
    avtal: Avtal,
    kallor: Kallor,
    path: Path,
    pahittat: bool = False,
    summa: str = "Summa",
    fakturor: pd.DataFrame | None = None,
    med_underlag: bool = True,
) -> None:
    """Bladet Fakturor har en rad per faktura med mallens kolumner i mallens ordning (Kommunkod,
    Kommun, Fakturadatum, Belopp (kr), Avser), så att raderna går att klistra in på mallens blad
    Fakturor; förfallodatum, referens och slag står till höger. Bladet Fakturarader har raderna."""
    rader = df.drop(columns=["post"], errors="ignore")
    tabell = rader.rename(columns=rubriker_for(rader.columns, {"referens": "Referens"}, kort=False))
    radblad = Blad(
        namn="Fakturarader",
        titel=f"Fakturaunderlag: {avtal.namn}",
        undertitel=f"Fakturerar: {avtal.fakturering.fakturerar}; betalning "
        f"{avtal.fakturering.betalningsvillkor_dagar} dagar netto från fakturadatum, förfallodagen flyttad till "
        "nästa bankdag vid helg",
        not_text=grund(med_underlag, kredit=True),
        df=tabell,
        kr=["Belopp"],
        datum=["Fakturadatum", "Förfallodatum"],
        summera=["Belopp"],
        summaetikett=summa,
        bredder={"Avser": 70, "Fakturadatum": 14, "Förfallodatum": 14},
    )
    blad = [radblad]
    if fakturor is not None:
        mallens = dict(zip(["kommunkod", "kommun", "fakturadatum", "belopp", "avser"], MALLRUBRIKER["fakturor"],
                           strict=True))  # fmt: skip
        egna = {**mallens, "forfallodatum": "Förfallodatum", "referens": "Referens", "slag": "Faktura eller kredit"}
        visning = fakturor.drop(columns=["blandning"]).rename(columns=egna)
        blad.insert(
            0,
            Blad(
                namn="Fakturor",
                titel=f"Fakturor: {avtal.namn}",
                undertitel="En rad per faktura, i mallens ordning: kolumnerna Kommunkod–Avser går att klistra in "
                "på mallens blad Fakturor (eller bokför dem med --bokfor).",
                not_text="Belopp = fakturans netto; under 0 är det en kreditfaktura, som återbetalas till kommunen.",
                df=visning,
                kr=[mallens["belopp"]],
                datum=["Fakturadatum", "Förfallodatum"],
                summera=[mallens["belopp"]],
                summaetikett=summa,
                bredder={"Avser": 80, "Fakturadatum": 14, "Förfallodatum": 14, "Referens": 16},
            ),
        )
    write_workbook(
        blad, kallor, path, f"Fakturaunderlag {avtal.ar}", f"Fakturerar: {avtal.fakturering.fakturerar}", pahittat
    )


def bokford_text(b: Bokforing) -> str:
    """Vad `--bokfor` gjorde, på en rad."""
    if b.rader.empty:
        return f"Inget att bokföra: ingen kommun har något kvar att fakturera. {b.fil} är orörd."
    kredit = int((b.rader["belopp"] < 0).sum())
    varav = f", varav {kredit} {'kreditfaktura' if kredit == 1 else 'kreditfakturor'}" if kredit else ""
    return (
        f"Bokförde {len(b.rader)} {'faktura' if len(b.rader) == 1 else 'fakturor'}{varav} i {b.fil}; "
        f"den förra versionen finns kvar som {b.kopia.name}."
    )
