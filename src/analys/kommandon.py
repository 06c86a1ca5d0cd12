"""Kommandona `analys fordelning`, `scenario`, `faktura`, `mall` och `avtal`: talen ur `flode`, utdata ur
`rapporter`, i det format användaren valt. Varje funktion returnerar texten, eller None när den
skrivit en arbetsbok till `ut`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from analys.fel import AnalysError
from analys.filer import check_writable, write_text_atomic
from analys.flode import avtal as flode_avtal
from analys.flode import faktura as flode_faktura
from analys.flode import fordelning as flode_fordelning
from analys.flode import scenarier as flode_scenarier
from analys.flode import uppfoljning as flode_uppfoljning
from analys.indata.varden import kommunkoder
from analys.rapporter import avtal, faktura, fordelning, kallor, mall, scenarier
from analys.rapporter.tabeller import varna_pahittat


def fordelning_utdata(format: str, ut: Path | None = None, **parametrar) -> str | None:
    """`analys fordelning`: se `flode.fordelning.berakna` för parametrarna."""
    f = flode_fordelning.berakna(**parametrar)
    if format == "csv" and f.info.pahittat:
        varna_pahittat()
    if format == "xlsx":
        fordelning.write_fordelning_xlsx(f, ut)
        return None
    if format == "csv":
        return fordelning.to_csv(f.df)
    if format == "excel-csv":
        return fordelning.to_excel_csv(f.df, f.info)
    if format == "json":
        return fordelning.to_json(f.df, f.info)
    return fordelning.to_tabell(f)


def scenario_lista(antaganden: Path | None = None, scenariofil: Path | None = None) -> str:
    """`analys scenario --lista`."""
    return scenarier.lista(flode_scenarier.lista(antaganden, scenariofil))


def scenario_utdata(
    format: str,
    ut: Path | None,
    valda: list[str],
    fran: int | None,
    till: int | None,
    antaganden: Path | None = None,
    scenariofil: Path | None = None,
    kommun: str | None = None,
) -> str | None:
    """`analys scenario`. Med `kommun` (kod eller namn) bara den kommunens rader."""
    s = flode_scenarier.berakna(valda, fran, till, antaganden, scenariofil)
    per_kommun = s.per_kommun
    if kommun is not None:
        kod = kommunkoder([kommun], per_kommun.drop_duplicates("kommunkod"), "--kommun")[0]
        per_kommun = per_kommun[per_kommun["kommunkod"] == kod].reset_index(drop=True)
    if format == "csv":
        if s.pahittat:
            varna_pahittat()
        return scenarier.to_csv(per_kommun)
    if format == "excel-csv":
        return scenarier.to_excel_csv(per_kommun, s.namn, s.pahittat)
    k = kallor.scenario_kallor(s)
    if format == "xlsx":
        scenarier.write_scenario_workbook(s, k, ut, per_kommun=per_kommun)
        return None
    return scenarier.to_tabell(per_kommun, s.per_ar, s.beskrivningar, s.namn, k, s.pahittat)


def faktura_utdata(
    format: str,
    ut: Path | None,
    avtal: str | None,
    fakturadatum: date,
    underlag: Path | None = None,
    kommun: str | None = None,
    tillat_datum: bool = False,
    slutlig: bool = False,
    bokfor: bool = False,
) -> str | None:
    """`analys faktura`. Med `kommun` (kod eller namn) bara den kommunens rader; med `bokfor` förs
    fakturorna in på underlagets blad Fakturor (eller i fakturor.csv) när utdata är skrivna, och
    då skrivs utdata här och None returneras."""
    import sys

    from analys.flode import bokforing

    if bokfor:
        bokforing.kontrollera(underlag)
    fk = flode_faktura.berakna(avtalet(avtal), fakturadatum, underlag, kommun, tillat_datum, slutlig)
    for varning in fk.varningar:
        print(f"analys: obs: {varning} (godkänt med --tillat-datum).", file=sys.stderr)
    df = faktura.markerade(fk)
    summa = faktura.summaetikett(fk)
    if fk.pahittat and format == "csv":
        varna_pahittat()
    text = None
    if format == "xlsx":
        faktura.write_xlsx(
            df, fk.avtal, kallor.faktura_kallor(fk), ut, fk.pahittat, summa, fk.fakturor,
            med_underlag=fk.underlag is not None,
        )  # fmt: skip
    elif format == "excel-csv":
        text = faktura.to_excel_csv(df, fk.pahittat)
    elif format == "csv":
        text = faktura.to_csv(df)
    else:
        text = faktura.to_tabell(
            df, fk.avtal, fk.pahittat, summa, fk.fakturor, fk.ingen_faktura, fk.pott_vantar,
            med_underlag=fk.underlag is not None, utbildardagar_saknas=fk.utbildardagar_saknas,
        )  # fmt: skip
    if not bokfor:
        return text
    # Utdata först (fakturorna som skickas), sedan bokföringen; en vägran lämnar underlaget orört.
    if text is not None and ut is not None:
        write_text_atomic(ut, text)
    elif text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
    if ut is not None:
        print(f"Skrev {ut}", file=sys.stderr)
    print(faktura.bokford_text(bokforing.bokfor(fk, underlag)), file=sys.stderr)
    return None


def avtalet(avtal: str | None) -> str:
    """--avtal, eller analys-mappens senaste fastställda avtal (förslag räknas inte) när det inte
    är angivet: standarden för `mall` och `faktura`."""
    if avtal is not None:
        return avtal
    senaste = flode_fordelning.senaste_avtal()
    if senaste is None:
        raise AnalysError(
            "Det finns inget fastställt avtal i data/avtal/ för mappens län; ange --avtal ÅR eller en avtalsfil."
        )
    return senaste


def skriv_mall(avtal: str | None, ut: Path, skriv_over: bool = False) -> None:
    """`analys mall`: kontrollera filnamnet, läs avtalet (standard analys-mappens senaste) och skriv mallen."""
    avtal = avtalet(avtal)
    if ut.suffix.lower() != ".xlsx":
        raise AnalysError(f"Mallen skrivs som Excelarbetsbok: ge filen ändelsen .xlsx (fick {ut.name}).")
    check_writable(ut, skriv_over, [avtal if Path(avtal).suffix in (".yaml", ".yml") else None])
    a, _, kommuner = flode_uppfoljning.mallunderlag(avtal)
    mall.write_mall(a, kommuner, ut)


def avtal_forslag(ar: int, scenario: str = "bas", befolkningsdatum: str | None = None, skriv_over: bool = False) -> str:
    """`analys avtal forslag`: räkna förslaget, skriv data/avtal/ÅR.yaml, lägg till rapporten
    avtalsforslag-ÅR i data/rapporter.yaml (om den inte finns) och returnera vad som skrevs."""
    from analys.flode import avtalsrapporter

    f = flode_avtal.forslag(ar, scenario, befolkningsdatum, skriv_over)
    t = avtalsrapporter.forslagsrapport_i_rapportfilen(f)
    flode_avtal.skriv_forslag(f)
    avtalsrapporter.skriv_rapporttillagg(t)
    return avtal.to_forslag_text(f) + avtal.to_rapporttillagg_text(t.namn, t.vag, t.lagd_till, t.hinder)


def avtal_faststall(ar: int, beslutsdatum: date, beslutat_av: str | None = None) -> str:
    """`analys avtal faststall`."""
    return avtal.to_faststall_text(flode_avtal.faststall(ar, beslutsdatum, beslutat_av))


def avtal_lista() -> str:
    """`analys avtal lista`."""
    return avtal.to_lista(flode_avtal.lista())


def avtal_jamfor_utdata(
    format: str, ut: Path | None, ar: int, mot: int | None = None, exkludera: tuple[str, ...] = ()
) -> str | None:
    """`analys avtal jamfor`."""
    j = flode_avtal.jamfor(ar, mot, exkludera)
    if format == "csv" and j.pahittat:
        varna_pahittat()
    if format == "xlsx":
        avtal.write_jamfor_xlsx(j, ut)
        return None
    if format == "csv":
        return avtal.to_jamfor_csv(j)
    if format == "excel-csv":
        return avtal.to_jamfor_excel_csv(j)
    return avtal.to_jamfor_tabell(j)


def avtal_historik_utdata(format: str) -> str:
    """`analys avtal historik`."""
    rader = flode_avtal.lista()
    df = flode_avtal.historik()
    if df.empty:
        raise AnalysError("Det finns inga avtal i data/avtal/ för analys-mappens län.")
    pahittat = any(r.avtal.exempel for r in rader)
    if format == "csv":
        if pahittat:
            varna_pahittat()
        return avtal.to_historik_csv(df)
    if format == "excel-csv":
        return avtal.to_historik_excel_csv(df, pahittat)
    return avtal.to_historik_tabell(df, pahittat)
