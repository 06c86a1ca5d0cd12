"""Faktureringen går ihop: februari → november med --bokfor på en kopia av mallen (och på en
CSV-mapp) fakturerar aldrig något två gånger, varje kommuns fakturor summerar till uppföljningens
netto, och varje vägran lämnar underlaget orört."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analys.fel import AnalysError
from analys.flode import bokforing
from analys.flode import faktura as flode_faktura
from analys.flode.uppfoljning import berakna as uppfoljning
from analys.indata.avtal import load_avtal
from analys.indata.underlag import read_underlag
from tests.conftest import DALARNA

ROT = Path(__file__).resolve().parents[1]
EXEMPEL = ROT / "data" / "exempel" / "uppfoljning-2024"
AVTAL, _ = load_avtal("2024")
FAST = {"2062": 73_746, "2080": 214_001, "2021": 24_266}


@pytest.fixture
def mall(cli, tmp_path) -> Path:
    ut = tmp_path / "underlag-2024.xlsx"
    r = cli("mall", "--avtal", "2024", "--ut", str(ut))
    assert r.rc == 0, r.err
    return ut


def fyll_aktivitet(path: Path, dagar: dict[str, tuple[int | None, int | None]]) -> None:
    """Skriv deltagar- och utbildardagar på mallens förifyllda rader (kommunkod → dagar); None = tomt."""
    wb = load_workbook(path)
    ws = wb["Aktivitet"]
    for rad in range(2, 17):
        kod = ws.cell(row=rad, column=1).value
        if kod in dagar:
            ws.cell(row=rad, column=5, value=dagar[kod][0])
            ws.cell(row=rad, column=6, value=dagar[kod][1])
    wb.save(path)


def faktura(cli, underlag: Path, datum: str, *flaggor: str):
    return cli("faktura", "--avtal", "2024", "--underlag", str(underlag), "--fakturadatum", datum, *flaggor)


def bokforda(underlag: Path) -> list:
    return list(read_underlag(underlag, AVTAL).fakturor.itertuples(index=False))


def kopior(underlag: Path) -> list[Path]:
    mapp = underlag if underlag.is_dir() else underlag.parent
    return sorted(mapp.glob("*.fore-bokforing-*"))


def test_february_to_november_never_invoices_twice_and_sums_to_the_follow_up(cli, mall, tmp_path):
    # Februari: en tom mall; den fasta avgiften, 15 fakturor med körning 01, bokförda på bladet Fakturor.
    r = faktura(cli, mall, "2024-02-15", "--bokfor")
    assert r.rc == 0, r.err
    assert "Summa (enligt avtal)" in r.out and "(avtal + utfall)" not in r.out  # bara fast kostnad
    # Med ett underlag (här ännu tomt) säger huvudet vad det räknar med; utan ett säger det att det saknas.
    assert "kursavgifter och pott efter utfallet i underlaget; det som redan fakturerats" in r.out
    utan = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15").out
    assert "Inget uppföljningsunderlag (--underlag): inga kursavgifter eller pott" in utan
    assert "efter utfallet i underlaget" not in utan
    assert "Bokförde 15 fakturor i " in r.err and "fore-bokforing-" in r.err
    feb = bokforda(mall)
    assert len(feb) == 15 and sum(f.belopp for f in feb) == 1_030_000
    falun = next(f for f in feb if f.kommunkod == "2080")
    assert (falun.belopp, falun.fakturadatum) == (214_001, date(2024, 2, 15))
    assert falun.avser == "Faktura 2024-K2080-01: fast kostnad enligt avtal"
    assert len(kopior(mall)) == 1
    # Bladen användaren inte bokför i är orörda, liksom summeringens formler.
    wb = load_workbook(mall)
    assert wb.sheetnames == ["Instruktioner", "Aktivitet", "Utfall", "Fakturor", "Summering"]
    assert wb["Summering"]["B6"].value.startswith("=SUM(Fakturor!D2:D")
    # Samma körning en gång till: allt är redan fakturerat, inget bokförs, filen är orörd.
    fore = mall.read_bytes()
    r = faktura(cli, mall, "2024-02-15", "--bokfor")
    assert r.rc == 0 and "Inget att bokföra" in r.err and mall.read_bytes() == fore

    # November: aktiviteten ifylld. Vansbro har ingen aktivitet (raderna tar ut varandra: ingen
    # faktura), Mora får mer pott tillbaka än den betalar i avgifter (kreditfaktura).
    dagar = {kod: (10, 0) for kod in DALARNA}
    dagar.update({"2021": (0, 0), "2062": (20, 30), "2080": (100, 5)})
    fyll_aktivitet(mall, dagar)
    r = faktura(cli, mall, "2024-11-15")
    assert r.rc == 0, r.err
    tabell = r.out.replace("\xa0", " ")
    assert "Netto (avtal + utfall), kreditfaktura 2024-K2062-02: återbetalas till kommunen" in tabell
    assert "Netto (avtal + utfall), faktura 2024-K2080-02" in tabell
    assert "Ingen faktura (raderna tar ut varandra, inget att betala): Vansbro." in tabell
    assert "varav 1 kreditfaktura" in tabell and "Summa (avtal + utfall)" in tabell
    r = faktura(cli, mall, "2024-11-15", "--bokfor", "--format", "csv")
    assert r.rc == 0, r.err
    rader = list(csv.DictReader(r.out.splitlines()))
    assert "2021" not in {d["kommunkod"] for d in rader}
    nov = bokforda(mall)[15:]
    assert len(nov) == 14 and len(kopior(mall)) == 2
    # Dagar: 20 + 100 + 12 × 10 = 240; pott 240 × 400 = 96 000 kr efter 35 utbildardagar (Mora 30, Falun 5).
    mora = next(f for f in nov if f.kommunkod == "2062")
    assert mora.belopp == 20 * 850 - 96_000 * 30 // 35 - 1  # 82 285,71 → 82 286 kr (största resten)
    assert mora.avser.startswith("Kreditfaktura 2024-K2062-02: ")
    assert {f.avser[: len("Faktura 2024-K2080-02")] for f in nov if f.kommunkod == "2080"} == {"Faktura 2024-K2080-02"}
    # Varje kommuns fakturor summerar till uppföljningens "Netto (avtal + utfall)"; inget återstår.
    f = uppfoljning("2024", mall)
    netto = dict(zip(f.position["kommunkod"], f.position["netto"], strict=True))
    summa: dict[str, int] = {}
    for rad in bokforda(mall):
        summa[rad.kommunkod] = summa.get(rad.kommunkod, 0) + rad.belopp
    assert summa == {k: int(v) for k, v in netto.items()}
    assert (f.position["aterstar"] == 0).all()
    # Referenserna är unika.
    refs = [rad.avser.split(":")[0].split()[-1] for rad in bokforda(mall)]
    assert len(refs) == len(set(refs)) == 29
    # Fakturaarbetsbokens källor säger vilken körning det är och varför potten väntar eller betalas.
    for flaggor, pott in (
        ((), "står redan krediterad på bladet Fakturor"),  # novembers körning krediterade potten
        (("--slutlig",), "året är avslutat"),
    ):
        ut = tmp_path / f"fakturor{len(flaggor)}.xlsx"
        assert faktura(cli, mall, "2024-12-01", *flaggor, "--format", "xlsx", "--ut", str(ut)).rc == 0
        kallor = {r[0]: r[1] for r in load_workbook(ut)["Källor"].iter_rows(values_only=True) if r and r[0]}
        assert kallor["Körning"].startswith("nummer 3 för 2024"), kallor
        assert kallor["Utbildarpotten"].startswith(pott), kallor
    # Potten står nu krediterad på bladet: en körning till utan --slutlig håller inte inne den igen.
    ut = tmp_path / "fakturor-igen.xlsx"
    assert faktura(cli, mall, "2024-12-01", "--bokfor", "--format", "xlsx", "--ut", str(ut)).rc == 0
    kallor = {r[0]: r[1] for r in load_workbook(ut)["Källor"].iter_rows(values_only=True) if r and r[0]}
    assert kallor["Utbildarpotten"].startswith("står redan krediterad på bladet Fakturor"), kallor
    # En tredje körning har inget att fakturera.
    r = faktura(cli, mall, "2024-12-01", "--bokfor")
    assert r.rc == 0 and "Inget att bokföra" in r.err


def test_the_same_sequence_on_a_csv_folder(cli, tmp_path):
    mapp = tmp_path / "underlag"
    mapp.mkdir()
    (mapp / "aktivitet.csv").write_text("kommunkod,kommun,ar,yrkesresa,deltagardagar,utbildardagar\n", encoding="utf-8")
    (mapp / "utfall.csv").write_text("ar,kostnadspost,belopp,kommentar\n", encoding="utf-8")
    (mapp / "fakturor.csv").write_bytes("kommunkod;kommun;fakturadatum;belopp;avser\r\n".encode("cp1252"))
    assert faktura(cli, mapp, "2024-02-15", "--bokfor").rc == 0
    text = (mapp / "fakturor.csv").read_bytes().decode("cp1252")
    assert text.startswith("kommunkod;kommun;fakturadatum;belopp;avser\r\n2021;Vansbro;2024-02-15;24266;")
    assert "2080;Falun;2024-02-15;214001;Faktura 2024-K2080-01: fast kostnad enligt avtal\r\n" in text
    (mapp / "aktivitet.csv").write_text(
        "kommunkod,kommun,ar,yrkesresa,deltagardagar,utbildardagar\n2080,Falun,2024,,100,5\n", encoding="utf-8"
    )
    r = faktura(cli, mapp, "2024-11-15", "--bokfor", "--format", "csv")
    assert r.rc == 0, r.err
    # Bara Falun har något nytt: avgifter 85 000 kr − hela potten 40 000 kr.
    assert bokforda(mapp)[15:] == [
        ("2080", "Falun", date(2024, 11, 15), 45_000, "Faktura 2024-K2080-02: fast kostnad enligt avtal, "
         "kursavgifter, utbildarpotten (kredit), avräknat det som redan fakturerats"),
    ]  # fmt: skip
    assert len(kopior(mapp)) == 2


def test_recording_the_same_reference_twice_is_refused_and_the_file_is_untouched(cli, mall, monkeypatch):
    fk = flode_faktura.berakna("2024", date(2024, 2, 15), mall)
    bokforing.bokfor(fk, mall)
    fore = mall.read_bytes()
    with pytest.raises(AnalysError) as e:
        bokforing.bokfor(fk, mall)
    assert "fakturorna 2024-K2021-01, 2024-K2023-01" in str(e.value)
    assert "är redan bokförda på bladet Fakturor; en referens bokförs bara en gång. Inget har ändrats." in str(e.value)
    assert mall.read_bytes() == fore and len(kopior(mall)) == 1
    # Från kommandoraden: fakturorna räknades innan någon annan bokförde samma körning.
    monkeypatch.setattr(flode_faktura, "berakna", lambda *a, **k: fk)
    r = faktura(cli, mall, "2024-02-15", "--bokfor", "--format", "csv")
    assert r.rc == 2 and "är redan bokförda på bladet Fakturor" in r.err and "Traceback" not in r.err
    assert mall.read_bytes() == fore and len(kopior(mall)) == 1


def test_a_changed_sheet_since_the_invoices_were_computed_is_refused(mall):
    fk = flode_faktura.berakna("2024", date(2024, 2, 15), mall)
    wb = load_workbook(mall)
    wb["Fakturor"].append(["2080", "Falun", date(2024, 1, 20), 1000, "Handskriven faktura"])
    wb.save(mall)
    fore = mall.read_bytes()
    with pytest.raises(AnalysError, match="bladet Fakturor har ändrats sedan fakturorna räknades"):
        bokforing.bokfor(fk, mall)
    assert mall.read_bytes() == fore and not kopior(mall)


def test_bokfor_needs_an_underlag_and_never_writes_in_data(cli, tmp_path):
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15", "--bokfor")
    assert r.rc == 2 and "--bokfor kräver --underlag" in r.err and r.out == ""
    fore = (EXEMPEL / "fakturor.csv").read_bytes()
    r = faktura(cli, EXEMPEL, "2024-11-15", "--bokfor")
    assert r.rc == 2 and "datamappen (data/); analys skriver aldrig där" in r.err
    assert (EXEMPEL / "fakturor.csv").read_bytes() == fore and not kopior(EXEMPEL)


def test_invoice_dates_outside_the_agreement_need_tillat_datum(cli, mall):
    fore = mall.read_bytes()
    r = faktura(cli, mall, "2023-12-20", "--bokfor")
    assert r.rc == 2 and "Traceback" not in r.err
    assert "Fakturadatum 2023-12-20 ligger före avtalets period 2024-01-01–2024-12-31 (--fakturadatum)" in r.err
    assert "Stämmer datumet, lägg till --tillat-datum" in r.err and mall.read_bytes() == fore
    r = faktura(cli, mall, "2023-12-20", "--format", "csv", "--tillat-datum")
    assert r.rc == 0 and "analys: obs: Fakturadatum 2023-12-20 ligger före avtalets period" in r.err
    assert "(godkänt med --tillat-datum)" in r.err
    # Ettårsmarginalen är fortfarande en hård gräns.
    r = faktura(cli, mall, "2022-12-31", "--tillat-datum")
    assert r.rc == 2 and "ange ett datum 2023-01-01–2025-12-31 (--fakturadatum)" in r.err


def test_dates_on_the_fakturor_sheet_are_checked_the_same_way(cli, mall):
    wb = load_workbook(mall)
    wb["Fakturor"].append(["2080", "Falun", date(2025, 1, 10), 214_001, "Fast kostnad 2024"])
    wb.save(mall)
    r = faktura(cli, mall, "2024-11-15", "--format", "csv")
    assert r.rc == 2
    assert (
        "underlag-2024.xlsx, blad Fakturor: fakturan till Falun (214 001 kr, Fast kostnad 2024) har fakturadatum "
        "2025-01-10 ligger efter avtalets period 2024-01-01–2024-12-31" in r.err
    )
    r = faktura(cli, mall, "2024-11-15", "--format", "csv", "--tillat-datum")
    assert r.rc == 0 and "blad Fakturor: fakturan till Falun" in r.err
    assert "2080" not in {d["kommunkod"] for d in csv.DictReader(r.out.splitlines())}  # redan fakturerad
    # Uppföljningen säger detsamma, som en varning.
    from analys.rapporter.uppfoljning import describe

    text = describe(uppfoljning("2024", mall)).replace("\xa0", " ")
    assert "- Obs: underlag-2024.xlsx, blad Fakturor: fakturan till Falun (214 001 kr, Fast kostnad 2024) har " in text


def test_blank_trainer_days_hold_the_pot_until_filled_or_slutlig(cli, mall):
    from analys.rapporter.text import resultat_text
    from analys.rapporter.uppfoljning import describe, rorligt_visning

    fyll_aktivitet(mall, {"2080": (100, 5), "2062": (20, None)})  # Mora: utbildardagar tomma
    f = uppfoljning("2024", mall)
    assert f.resultat.pott == 120 * 400 and f.resultat.pott_utbetald == 0 and f.resultat.pott_vantar == (2024,)
    assert "Potten 48 000 kr är inte utbetald än: utbildardagar för 2024 är ej rapporterade" in resultat_text(
        f.resultat
    ).replace("\xa0", " ")
    text = describe(f).replace("\xa0", " ")
    assert "Utbildarpotten 2024 (48 000 kr) betalas inte ut förrän utbildardagarna är ifyllda" in text
    assert "Utbildardagar ej rapporterat än: " in text and "Mora" in text.split("Utbildardagar ej rapporterat än")[1]
    visning = rorligt_visning(f).set_index("kommunkod")
    assert visning.loc["2062", "utbildardagar"] == "ej rapporterat" and visning.loc["2062", "deltagardagar"] == 20
    assert visning.loc["2021", "deltagardagar"] == "ej rapporterat" and visning.loc["2080", "utbildardagar"] == 5
    r = faktura(cli, mall, "2024-11-15", "--format", "csv")
    assert r.rc == 0 and not [d for d in csv.DictReader(r.out.splitlines()) if "Utbildarpotten" in d["avser"]]
    r = faktura(cli, mall, "2024-11-15")
    assert "Utbildarpotten 2024 är inte med: utbildardagar är ej rapporterade för " in r.out
    vilka = r.out.split("utbildardagar är ej rapporterade för ")[1].split(" i underlaget")[0].split(", ")
    assert "Mora" in vilka and "Falun" not in vilka and vilka == sorted(vilka)  # de som potten väntar på
    # Året avslutat: tomma dagar = 0, Falun är ensam utbildare och får hela potten.
    r = faktura(cli, mall, "2024-11-15", "--format", "csv", "--slutlig")
    pott = [d for d in csv.DictReader(r.out.splitlines()) if "Utbildarpotten" in d["avser"]]
    assert [(d["kommun"], int(d["belopp"])) for d in pott] == [("Falun", -48_000)]
    slutlig = uppfoljning("2024", mall, slutlig=True)
    assert slutlig.resultat.pott_utbetald == 48_000 and slutlig.resultat.pott_vantar == ()
    # … och uppföljningen säger att de tomma dagarna räknas som 0, inte att de väntar.
    text = describe(slutlig).replace("\xa0", " ")
    assert "Mora" in text.split("Utbildardagar inte ifyllt (räknas som 0): ")[1].split("\n")[0]
    assert "ej rapporterat än" not in text and "Året är avslutat (slutlig): tomma dagar räknas som 0." in text
    # Ifyllda dagar: potten betalas ut utan --slutlig.
    fyll_aktivitet(mall, {"2062": (20, 5)})
    assert uppfoljning("2024", mall).resultat.pott_vantar == (2024,)  # de övriga 13 är fortfarande tomma
    fyll_aktivitet(mall, {kod: (0, 0) for kod in DALARNA if kod not in ("2080", "2062")})
    assert uppfoljning("2024", mall).resultat.pott_utbetald == 48_000


def test_once_the_pot_is_credited_with_slutlig_the_follow_up_and_later_runs_count_the_year_as_closed(cli, mall):
    """Som i en mapps "Året runt": februari, november med tomma utbildardagar (potten väntar) och
    december med --slutlig --bokfor. Därefter räknar uppföljningen utan `slutlig` som året är
    avslutat (potten står krediterad på bladet Fakturor): inget återstår för någon kommun, och
    resultatet är detsamma som med `slutlig`. En senare körning utan --slutlig håller inte inne
    potten igen: den har inget att fakturera."""
    from analys.rapporter.uppfoljning import describe

    assert faktura(cli, mall, "2024-02-15", "--bokfor").rc == 0
    fyll_aktivitet(mall, {"2080": (100, 5), "2062": (20, None)})  # Mora: utbildardagar tomma
    assert faktura(cli, mall, "2024-11-15", "--bokfor").rc == 0
    fore = uppfoljning("2024", mall)
    assert fore.resultat.pott_vantar == (2024,) and not fore.potten_krediterad
    r = faktura(cli, mall, "2024-12-16", "--slutlig", "--bokfor")
    assert r.rc == 0, r.err
    assert any("utbildarpotten (kredit)" in f.avser for f in bokforda(mall))
    f = uppfoljning("2024", mall)
    slutlig = uppfoljning("2024", mall, slutlig=True)
    assert f.potten_krediterad and f.avslutat and f.resultat.pott_vantar == ()
    assert f.resultat == slutlig.resultat and f.resultat.pott_utbetald == 48_000
    assert (f.position["aterstar"] == 0).all(), f.position
    assert f.position.equals(slutlig.position)
    assert "utbildarpotten står redan krediterad på bladet Fakturor" in describe(f)
    fore_bytes = mall.read_bytes()
    r = faktura(cli, mall, "2025-01-15", "--tillat-datum", "--bokfor")
    assert r.rc == 0 and "Inget att bokföra" in r.err, r.out + r.err
    assert mall.read_bytes() == fore_bytes


def test_pasting_the_workbook_rows_onto_the_template_reads_back(cli, mall, tmp_path):
    """Bladet Fakturor i fakturaarbetsboken har mallens kolumner i mallens ordning: raderna klistras
    in som de står, och nästa körning drar av dem."""
    ut = tmp_path / "fakturor.xlsx"
    assert faktura(cli, mall, "2024-02-15", "--format", "xlsx", "--ut", str(ut)).rc == 0
    kalla = load_workbook(ut)["Fakturor"]
    wb = load_workbook(mall)
    assert [c.value for c in kalla[5]][:5] == [c.value for c in wb["Fakturor"][1]]
    # Mallens validering godtar en kreditfaktura (minus) i kolumnen Belopp.
    (belopp,) = [dv for dv in wb["Fakturor"].data_validations.dataValidation if "D2" in str(dv.sqref)]
    assert (belopp.type, belopp.operator, belopp.formula1) == ("whole", None, "-1000000000000")  # None = mellan
    for rad in kalla.iter_rows(min_row=6, max_row=20, max_col=5, values_only=True):
        wb["Fakturor"].append(rad)
    wb.save(mall)
    u = read_underlag(mall, AVTAL)
    assert u.fakturor["belopp"].sum() == 1_030_000
    r = faktura(cli, mall, "2024-02-15")
    assert "Inget att fakturera." in r.out
    assert flode_faktura.berakna("2024", date(2024, 2, 15), mall).fakturor.empty


def test_references_say_year_kommun_and_run():
    from analys.berakning.faktura import REFERENS, compute_korning, referens

    assert referens(2024, "2021", 1) == "2024-K2021-01"
    assert REFERENS.fullmatch("2024-K2021-01") and not REFERENS.search("2024-2021-F")
    assert compute_korning(["Faktura 2024-K2021-01: x", "Faktura 2024-K2080-02: y"], 2024) == 3
    assert compute_korning([], 2024) == 1


def test_a_backup_keeps_the_previous_file(cli, mall):
    fore = mall.read_bytes()
    assert faktura(cli, mall, "2024-02-15", "--bokfor").rc == 0
    (kopia,) = kopior(mall)
    assert kopia.read_bytes() == fore and kopia.suffix == ".xlsx"
    shutil.copyfile(kopia, mall)  # att ångra är att lägga tillbaka kopian
    assert read_underlag(mall, AVTAL).fakturor.empty


def test_a_workbook_with_a_chart_is_not_rewritten(mall):
    """openpyxl behåller inte diagram och bilder: bokföringen vägrar hellre än att tappa dem."""
    from openpyxl.chart import BarChart, Reference

    wb = load_workbook(mall)
    diagram = BarChart()
    diagram.add_data(Reference(wb["Summering"], min_col=2, min_row=1, max_row=6))
    wb["Summering"].add_chart(diagram, "D2")
    wb.save(mall)
    fore = mall.read_bytes()
    fk = flode_faktura.berakna("2024", date(2024, 2, 15), mall)
    with pytest.raises(AnalysError, match=r"har diagram, bilder eller pivottabeller \(charts, drawings\)"):
        bokforing.bokfor(fk, mall)
    assert mall.read_bytes() == fore and not kopior(mall)
