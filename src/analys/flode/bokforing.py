"""Bokför fakturorna som just tagits fram på underlagets blad Fakturor (mallen) eller i
fakturor.csv (CSV-mappen): atomiskt, med en kopia av den förra filen, och aldrig samma referens två
gånger. Nästa `analys faktura --underlag` drar då av dem."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analys.berakning.faktura import compute_referenser
from analys.fel import AnalysError
from analys.filer import check_writable, tidsstampel, write_atomic
from analys.flode.faktura import Fakturering
from analys.indata.paths import resolve
from analys.indata.underlag import BLADNAMN, KOLUMNER, read_underlag


@dataclass(frozen=True)
class Bokforing:
    """Vad som bokfördes: filen, kopian av den förra versionen och raderna (mallens kolumner)."""

    fil: Path
    kopia: Path | None
    rader: pd.DataFrame


def _malfil(underlag: Path) -> Path:
    return underlag / "fakturor.csv" if underlag.is_dir() else underlag


def _kopia(fil: Path) -> Path:
    """`underlag.fore-bokforing-20241115-101500.xlsx` bredvid filen; finns den redan, ett löpnummer."""
    stampel = tidsstampel()
    for n in range(1, 1000):
        tillagg = "" if n == 1 else f"-{n}"
        kandidat = fil.with_name(f"{fil.stem}.fore-bokforing-{stampel}{tillagg}{fil.suffix}")
        if not kandidat.exists():
            return kandidat
    raise AnalysError(f"Kan inte välja ett namn för kopian av {fil}; städa bland kopiorna bredvid den.")


# Delar av en arbetsbok som openpyxl inte behåller när den sparar om den.
_FORLORAS = ("xl/charts/", "xl/drawings/drawing", "xl/media/", "xl/pivotTables/", "xl/pivotCache/", "xl/vbaProject")


def _skriv_xlsx(kalla: Path, mal: Path, rader: pd.DataFrame) -> None:
    """Lägg raderna under den sista ifyllda raden på bladet Fakturor; allt annat i arbetsboken
    (andra blad, formler, format, validering) lämnas som det är."""
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(kalla) as z:
        forlorat = sorted({n.split("/")[1] for n in z.namelist() if n.startswith(_FORLORAS)})
    if forlorat:
        raise AnalysError(
            f"{kalla.name} har diagram, bilder eller pivottabeller ({', '.join(forlorat)}), som inte finns kvar om "
            "analys skriver i arbetsboken; inget har ändrats. Flytta dem till en annan fil, eller klistra in "
            "raderna från bladet Fakturor i `analys faktura --format xlsx` för hand."
        )
    wb = load_workbook(kalla)
    ws = wb[BLADNAMN["fakturor"]]
    antal = len(KOLUMNER["fakturor"])
    sista = max(
        (
            r
            for r in range(2, ws.max_row + 1)
            if any(ws.cell(row=r, column=j).value not in (None, "") for j in range(1, antal + 1))
        ),
        default=1,
    )
    for i, r in enumerate(rader.itertuples(index=False), start=sista + 1):
        ws.cell(row=i, column=1, value=str(r.kommunkod)).number_format = "@"
        ws.cell(row=i, column=2, value=r.kommun)
        ws.cell(row=i, column=3, value=r.fakturadatum).number_format = "yyyy-mm-dd"
        ws.cell(row=i, column=4, value=int(r.belopp)).number_format = "#,##0"
        ws.cell(row=i, column=5, value=r.avser)
    wb.save(mal)


def _skriv_csv(kalla: Path, mal: Path, rader: pd.DataFrame) -> None:
    """Lägg raderna sist i fakturor.csv, med filens teckenkodning, avgränsare och radslut; raderna
    som redan finns lämnas orörda byte för byte."""
    data = kalla.read_bytes()
    for kodning in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(kodning)
            break
        except UnicodeDecodeError:
            continue
    forsta = text.splitlines()[0] if text else ""
    avgransare = ";" if forsta.count(";") > forsta.count(",") else ","
    radslut = "\r\n" if "\r\n" in text else "\n"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=avgransare, lineterminator=radslut)
    if not text.strip():
        w.writerow(KOLUMNER["fakturor"])
    for r in rader.itertuples(index=False):
        w.writerow([r.kommunkod, r.kommun, r.fakturadatum.isoformat(), int(r.belopp), r.avser])
    tillagg = buf.getvalue()
    if text and not text.endswith(("\n", "\r")):
        tillagg = radslut + tillagg
    mal.write_bytes(data + tillagg.encode("utf-8" if kodning == "utf-8-sig" else kodning))


def _las_tillbaka(underlag: Path, mal_tmp: Path, fk: Fakturering) -> pd.DataFrame:
    """Läs den nya filen med `read_underlag`, som en senare körning gör, i en tillfällig mapp."""
    with tempfile.TemporaryDirectory(prefix="analys-bokforing-") as tmp:
        if underlag.is_dir():
            kopia = Path(tmp) / underlag.name
            kopia.mkdir()
            for namn in ("aktivitet.csv", "utfall.csv"):
                shutil.copyfile(underlag / namn, kopia / namn)
            shutil.copyfile(mal_tmp, kopia / "fakturor.csv")
        else:
            kopia = Path(tmp) / underlag.name
            shutil.copyfile(mal_tmp, kopia)
        return read_underlag(kopia, fk.avtal).fakturor


def kontrollera(underlag: str | Path | None) -> Path:
    """Före räkningen: det finns ett underlag, och filen som bokföringen skriver i får skrivas
    (inte i data/ eller programmets mappar, en vanlig fil). Returnerar filen."""
    if underlag is None:
        raise AnalysError("--bokfor kräver --underlag: mallen eller CSV-mappen som fakturorna ska föras in i.")
    mal = _malfil(resolve(Path(underlag)))
    check_writable(mal, skriv_over=True)
    return mal


def _poster(df: pd.DataFrame) -> list[tuple]:
    """Raderna på bladet Fakturor som jämförbara värden (kommunkod, kommun, datum, belopp, avser)."""
    return [(str(a), str(b), c, int(d), str(e)) for a, b, c, d, e in df[KOLUMNER["fakturor"]].itertuples(index=False)]


def bokfor(fk: Fakturering, underlag: str | Path | None = None) -> Bokforing:
    """Bokför fakturorna i `fk` (en rad per faktura, nettot, i mallens kolumner) på underlaget som
    de räknades på. Vägrar (AnalysError, filen orörd) om en referens redan står där, om underlaget
    har ändrats sedan fakturorna räknades, eller om den nya filen inte läses tillbaka med exakt de
    nya raderna tillagda. Före bytet sparas en kopia av den förra filen bredvid den."""
    mal = kontrollera(underlag if underlag is not None else fk.underlagsfil)
    path = resolve(Path(underlag if underlag is not None else fk.underlagsfil))
    if fk.underlag is None:
        raise AnalysError("Fakturorna räknades utan underlag; räkna dem med --underlag och bokför sedan.")
    rader = fk.fakturor[KOLUMNER["fakturor"]] if fk.fakturor is not None else pd.DataFrame()
    if rader.empty:
        return Bokforing(mal, None, rader)
    fore = mal.read_bytes()
    nu = read_underlag(path, fk.avtal).fakturor
    redan = compute_referenser(nu["avser"]) & set(fk.fakturor["referens"])
    if redan:
        raise AnalysError(
            f"{fk.underlag.kalla}: {'fakturan' if len(redan) == 1 else 'fakturorna'} {', '.join(sorted(redan))} "
            f"är redan {'bokförd' if len(redan) == 1 else 'bokförda'} på bladet Fakturor; en referens bokförs bara "
            "en gång. Inget har ändrats. Kör analys faktura igen för det som återstår."
        )
    if _poster(nu) != _poster(fk.underlag.fakturor):
        raise AnalysError(
            f"{fk.underlag.kalla}: bladet Fakturor har ändrats sedan fakturorna räknades; inget har ändrats. "
            "Kör analys faktura igen."
        )

    def skriv(tmp: Path) -> None:
        (_skriv_csv if path.is_dir() else _skriv_xlsx)(mal, tmp, rader)
        efter = _las_tillbaka(path, tmp, fk)
        if _poster(efter) != _poster(nu) + _poster(rader):
            raise AnalysError(
                f"{fk.underlag.kalla}: den nya filen lästes inte tillbaka med just de nya fakturorna; inget har "
                "ändrats. Det är ett fel i analys; hör av dig med filen."
            )
        if mal.read_bytes() != fore:
            raise AnalysError(f"{fk.underlag.kalla} ändrades medan fakturorna bokfördes; inget har ändrats.")

    kopia = _kopia(mal)
    write_atomic(kopia, lambda tmp: shutil.copyfile(mal, tmp))
    try:
        write_atomic(mal, skriv)
    except BaseException:
        kopia.unlink(missing_ok=True)
        raise
    return Bokforing(mal, kopia, rader.reset_index(drop=True))
