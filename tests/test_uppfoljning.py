from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analys.berakning.uppfoljning import compute_kommunposition, compute_resultat, compute_rorligt
from analys.fel import AnalysError
from analys.flode.fordelning import berakna as berakna_fordelning
from analys.indata.avtal import load_avtal
from analys.indata.underlag import read_underlag
from analys.rapporter.text import resultat_text

ROT = Path(__file__).resolve().parents[1]
EXEMPEL = ROT / "data" / "exempel" / "uppfoljning-2024"
AVTAL, _ = load_avtal("2024")

DELTAGARDAGAR = {
    "2021": 24, "2023": 36, "2026": 36, "2029": 56, "2031": 38, "2034": 24, "2039": 24, "2061": 38,
    "2062": 72, "2080": 120 + 88, "2081": 180, "2082": 40, "2083": 54, "2084": 80, "2085": 90,
}  # fmt: skip


def test_example_by_hand():
    u = read_underlag(EXEMPEL, AVTAL)
    r = compute_rorligt(u, AVTAL).set_index("kommunkod")
    assert r["deltagardagar"].to_dict() == DELTAGARDAGAR
    assert (r["avgifter"] == 850 * r["deltagardagar"]).all()
    assert r["avgifter"].sum() == 850_000
    # Potten 400 kr × 1 000 dagar = 400 000 kr efter 35 utbildardagar:
    # Falun 12/35 → 137 142,86; Borlänge 10/35 → 114 285,71; Mora 6/35 → 68 571,43;
    # Ludvika 4/35 → 45 714,29; Leksand 3/35 → 34 285,71. Heltalsdelarna ger 399 997 kr; de tre
    # kronorna går till de största resterna: Falun (0,86), sedan Leksand och Borlänge (0,71 lika;
    # lägst kommunkod först, båda får en).
    assert r.loc[r["pott_tillbaka"] > 0, "pott_tillbaka"].to_dict() == {
        "2029": 34_286, "2062": 68_571, "2080": 137_143, "2081": 114_286, "2085": 45_714,
    }  # fmt: skip
    assert r["pott_tillbaka"].sum() == 400_000
    assert r.loc["2062", "netto_rorligt"] == 61_200 - 68_571  # Mora får mer tillbaka än den betalar
    res = compute_resultat(u, AVTAL, compute_rorligt(u, AVTAL))
    assert (res.intakter, res.utfall, res.pott, res.kostnader, res.resultat) == (
        1_880_000, 1_263_000, 400_000, 1_663_000, 217_000,
    )  # fmt: skip
    assert "Överskottet (avtal + utfall) 217 000 kr tillfaller regionen enligt avtalet." in resultat_text(res)


def test_kommun_position_and_what_remains():
    u = read_underlag(EXEMPEL, AVTAL)
    df = berakna_fordelning(avtal="2024").df
    pos = compute_kommunposition(df, compute_rorligt(u, AVTAL), u).set_index("kommunkod")
    assert pos["fast_kostnad"].sum() == 1_030_000
    assert (pos["netto"] == pos["fast_kostnad"] + pos["avgifter"] - pos["pott_tillbaka"]).all()
    # Alla utom Älvdalen har fått fakturan på den fasta delen.
    assert pos.loc["2039", "fakturerat"] == 0 and pos.loc["2039", "aterstar"] == pos.loc["2039", "netto"]
    assert pos.loc["2080", "aterstar"] == 176_800 - 137_143


def test_deficit_is_shown_not_spread(tmp_path):
    kopia = tmp_path / "u"
    shutil.copytree(EXEMPEL, kopia)
    utfall = kopia / "utfall.csv"
    utfall.write_text(
        utfall.read_text(encoding="utf-8").replace("2024,lon,640000", "2024,lon,900000"), encoding="utf-8"
    )
    u = read_underlag(kopia, AVTAL)
    res = compute_resultat(u, AVTAL, compute_rorligt(u, AVTAL))
    assert res.resultat == 217_000 - 260_000
    assert "Underskottet (avtal + utfall) 43 000 kr visas här och fördelas inte på kommunerna" in resultat_text(res)


def test_invoice_csv_acceptance(cli):
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15", "--format", "csv")
    assert r.rc == 0, r.err
    assert r.out.splitlines()[0] == "kommunkod,kommun,avser,belopp,fakturadatum,forfallodatum"
    rader = list(csv.DictReader(io.StringIO(r.out)))
    assert len(rader) == 15
    df = berakna_fordelning(avtal="2024").df
    assert [(d["kommunkod"], int(d["belopp"])) for d in rader] == list(zip(df["kommunkod"], df["belopp"], strict=True))
    assert {d["fakturadatum"] for d in rader} == {"2024-02-15"}
    # 2024-02-15 + 30 dagar = lördag 16 mars; förfallodagen flyttas till måndag 18 mars.
    assert {d["forfallodatum"] for d in rader} == {"2024-03-18"}
    assert sum(int(d["belopp"]) for d in rader) == 1_030_000


def test_invoice_with_fees_and_pot_credit(cli):
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15", "--underlag", str(EXEMPEL), "--format", "csv")
    assert r.rc == 0, r.err
    rader = list(csv.DictReader(io.StringIO(r.out)))
    redan = sum(int(d["belopp"]) for d in csv.DictReader((EXEMPEL / "fakturor.csv").open(encoding="utf-8")))
    assert sum(int(d["belopp"]) for d in rader) == 1_030_000 + 850_000 - 400_000 - redan
    falun = [d for d in rader if d["kommunkod"] == "2080"]
    assert [int(d["belopp"]) for d in falun] == [214_001, 176_800, -137_143, -214_001]
    assert "Utbildarpotten 2024: 12 utbildardagar (kredit)" in falun[2]["avser"]
    assert "Redan fakturerat 2024 enligt underlaget, avräknas" in falun[3]["avser"]
    # Älvdalen har inte fått någon faktura än: hela den fasta kostnaden och avgifterna
    assert [int(d["belopp"]) for d in rader if d["kommunkod"] == "2039"] == [24_824, 20_400]


def test_what_was_already_invoiced_is_never_invoiced_again(cli, mall, tmp_path):
    """Februari: den fasta avgiften skickas och förs in på bladet Fakturor. November: fakturan
    med kursavgifterna tar inte ut den fasta avgiften en gång till; kommunens rader blir det som
    återstår, samma tal som uppföljningens "Återstår"."""
    from datetime import date

    from analys.flode.uppfoljning import berakna

    wb = load_workbook(mall)
    akt = wb["Aktivitet"]
    akt["E2"], akt["F2"] = 10, 0  # Vansbro
    akt["E11"], akt["F11"] = 100, 5  # Falun
    fakt = wb["Fakturor"]
    for rad, (kod, namn, belopp) in enumerate([("2021", "Vansbro", 24_266), ("2080", "Falun", 214_001)], start=2):
        fakt.cell(row=rad, column=1, value=kod)
        fakt.cell(row=rad, column=2, value=namn)
        fakt.cell(row=rad, column=3, value=date(2024, 2, 15))
        fakt.cell(row=rad, column=4, value=belopp)
        fakt.cell(row=rad, column=5, value="Fast kostnad 2024")
    ifylld = tmp_path / "ifylld.xlsx"
    wb.save(ifylld)
    # Året är avslutat (--slutlig): de 13 kommunernas tomma utbildardagar räknas som 0 och potten betalas ut.
    r = cli("faktura", "--avtal", "2024", "--underlag", str(ifylld), "--fakturadatum", "2024-11-15", "--format", "csv",
            "--slutlig")  # fmt: skip
    assert r.rc == 0, r.err
    rader = list(csv.DictReader(r.out.splitlines()))
    per_kommun = {}
    for d in rader:
        per_kommun[d["kommun"]] = per_kommun.get(d["kommun"], 0) + int(d["belopp"])
    assert per_kommun["Vansbro"] == 10 * 850  # bara avgifterna; den fasta är redan betald
    assert per_kommun["Falun"] == 100 * 850 - (10 + 100) * 400  # avgifter minus hela potten (enda utbildaren)
    assert per_kommun["Borlänge"] == 186_277  # inget fakturerat än: den fasta kostnaden
    f = berakna("2024", ifylld, slutlig=True)
    aterstar = dict(zip(f.position["kommun"], f.position["aterstar"], strict=True))
    # Vansbro och Falun har fått sin fasta avgift: deras rader tar inte ut varandra, men de övriga har
    # inget nytt utom den fasta avgiften; ingen kommun har en faktura på 0 kr.
    assert per_kommun == {k: int(v) for k, v in aterstar.items() if v}


def test_invoice_table_and_workbook(cli, tmp_path):
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15")
    assert r.rc == 0 and "Fakturerar: Region Dalarna, betalning 30 dagar netto" in r.out and "1 030 000 kr" in r.out
    ut = tmp_path / "f.xlsx"
    assert (
        cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15", "--format", "xlsx", "--ut", str(ut)).rc == 0
    )
    from datetime import datetime

    wb = load_workbook(ut)
    assert wb.sheetnames[:2] == ["Fakturor", "Fakturarader"]
    ws = wb["Fakturor"]  # en rad per faktura, mallens kolumner i mallens ordning först
    assert [c.value for c in ws[5]] == [
        "Kommunkod",
        "Kommun",
        "Fakturadatum",
        "Belopp (kr)",
        "Avser",
        "Förfallodatum",
        "Referens",
        "Faktura eller kredit",
    ]
    assert ws["B21"].value == "Summa (enligt avtal)" and ws["D21"].value == "=SUM(D6:D20)"
    assert ws["F6"].value == datetime(2024, 3, 18) and ws["F6"].is_date  # ett riktigt datum i Excel
    assert ws["C6"].value == datetime(2024, 2, 15) and ws["G6"].value == "2024-K2021-01"
    assert ws["E6"].value == "Faktura 2024-K2021-01: fast kostnad enligt avtal" and ws["H6"].value == "faktura"
    rader = wb["Fakturarader"]
    assert [c.value for c in rader[5]][:4] == ["Kommunkod", "Kommun", "Avser", "Belopp"]
    assert rader["G6"].value == "2024-K2021-01"


@pytest.fixture
def mall(cli, tmp_path) -> Path:
    ut = tmp_path / "mall.xlsx"
    r = cli("mall", "--avtal", "2024", "--ut", str(ut))
    assert r.rc == 0, r.err
    return ut


def fyll_mall(mall: Path, ut: Path) -> Path:
    """Fyll mallen med exempelunderlaget, som en planerare skulle göra."""
    wb = load_workbook(mall)
    akt = wb["Aktivitet"]
    rader = list(csv.DictReader((EXEMPEL / "aktivitet.csv").read_text(encoding="utf-8").splitlines()))
    for i, d in enumerate(rader, start=2):
        akt.cell(row=i, column=1, value=d["kommunkod"])
        akt.cell(row=i, column=2, value=d["kommun"])
        akt.cell(row=i, column=3, value=int(d["ar"]))
        akt.cell(row=i, column=4, value=d["yrkesresa"] or None)
        akt.cell(row=i, column=5, value=int(d["deltagardagar"]))
        akt.cell(row=i, column=6, value=int(d["utbildardagar"]))
    utf = wb["Utfall"]
    for i, d in enumerate(csv.DictReader((EXEMPEL / "utfall.csv").read_text(encoding="utf-8").splitlines()), start=2):
        utf.cell(row=i, column=1, value=int(d["ar"]))
        utf.cell(row=i, column=2, value=d["kostnadspost"])
        utf.cell(row=i, column=3, value=int(d["belopp"]))
        utf.cell(row=i, column=4, value=d["kommentar"] or None)
    fakt = wb["Fakturor"]
    from datetime import date

    for i, d in enumerate(csv.DictReader((EXEMPEL / "fakturor.csv").read_text(encoding="utf-8").splitlines()), start=2):
        fakt.cell(row=i, column=1, value=d["kommunkod"])
        fakt.cell(row=i, column=2, value=d["kommun"])
        fakt.cell(row=i, column=3, value=date.fromisoformat(d["fakturadatum"]))
        fakt.cell(row=i, column=4, value=int(d["belopp"]))
        fakt.cell(row=i, column=5, value=d["avser"])
    wb.save(ut)
    return ut


def test_filled_template_gives_the_same_numbers_as_the_csv_route(mall, tmp_path):
    fylld = fyll_mall(mall, tmp_path / "fylld.xlsx")
    ur_mall = read_underlag(fylld, AVTAL)
    ur_csv = read_underlag(EXEMPEL, AVTAL)
    assert compute_rorligt(ur_mall, AVTAL).equals(compute_rorligt(ur_csv, AVTAL))
    assert compute_resultat(ur_mall, AVTAL, compute_rorligt(ur_mall, AVTAL)) == compute_resultat(
        ur_csv, AVTAL, compute_rorligt(ur_csv, AVTAL)
    )
    assert ur_mall.fakturor["belopp"].sum() == ur_csv.fakturor["belopp"].sum()


def test_template_layout_and_validation(mall):
    wb = load_workbook(mall)
    assert wb.sheetnames == ["Instruktioner", "Aktivitet", "Utfall", "Fakturor", "Summering"]
    akt = wb["Aktivitet"]
    assert [c.value for c in akt[1]] == ["Kommunkod", "Kommun", "År", "Yrkesresa", "Deltagardagar", "Utbildardagar"]
    assert [akt.cell(row=i, column=2).value for i in (2, 16)] == ["Vansbro", "Ludvika"]
    typer = {dv.type for dv in akt.data_validations.dataValidation}
    assert typer == {"whole"}
    assert any("E2:F" in str(dv.sqref) for dv in akt.data_validations.dataValidation)
    assert {dv.type for dv in wb["Utfall"].data_validations.dataValidation} == {"whole", "list"}


def test_template_recalculates_in_libreoffice(mall, tmp_path):
    import os
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice saknas i CI")
        pytest.skip("LibreOffice är inte installerat")
    fylld = fyll_mall(mall, tmp_path / "fylld.xlsx")
    r = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--calc",
                        "--convert-to", "xlsx", "--outdir", str(tmp_path / "ut"), str(mall), str(fylld)],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr
    tom = {
        r[0].value: r[1].value
        for r in load_workbook(tmp_path / "ut" / "mall.xlsx", data_only=True)["Summering"].iter_rows(min_row=2)
    }
    assert tom == {"Deltagardagar": 0, "Utbildardagar": 0, "Kursavgifter": 0, "Utfall": 0, "Fakturerat": 0}
    summa = {
        r[0].value: r[1].value
        for r in load_workbook(tmp_path / "ut" / "fylld.xlsx", data_only=True)["Summering"].iter_rows(min_row=2)
    }
    assert summa == {"Deltagardagar": 1000, "Utbildardagar": 35, "Kursavgifter": 850_000, "Utfall": 1_263_000,
                     "Fakturerat": 1_030_000 - 24_824}  # fmt: skip


def test_template_is_not_overwritten(cli, mall):
    fore = mall.read_bytes()
    r = cli("mall", "--ut", str(mall))
    assert r.rc == 2 and "finns redan" in r.err and mall.read_bytes() == fore
    r = cli("mall", "--ut", str(mall.with_suffix(".csv")))
    assert r.rc == 2 and "ändelsen .xlsx" in r.err


def andra_csv(tmp_path: Path, fil: str, gammal: str, ny: str) -> Path:
    kopia = tmp_path / "underlag"
    shutil.copytree(EXEMPEL, kopia)
    p = kopia / fil
    text = p.read_text(encoding="utf-8")
    assert gammal in text
    p.write_text(text.replace(gammal, ny, 1), encoding="utf-8")
    return kopia


@pytest.mark.parametrize(
    ("fil", "gammal", "ny", "meddelande"),
    [
        (
            "aktivitet.csv",
            "2080,Falun,2024,1,",
            ",Falum,2024,1,",
            "aktivitet.csv, rad 11, kolumn Kommun: 'Falum' är ingen kommun i länet. Menade du Falun (2080)?",
        ),
        (
            "aktivitet.csv",
            "2021,Vansbro,2024,,24,0",
            "2021,Vansbro,2024,,-24,0",
            "aktivitet.csv, rad 2, kolumn Deltagardagar: -24 är negativt",
        ),
        (
            "aktivitet.csv",
            "2021,Vansbro,2024,,24,0",
            "2021,Vansbro,2024,,tjugo,0",
            "aktivitet.csv, rad 2, kolumn Deltagardagar: 'tjugo' är inte ett heltal",
        ),
        (
            "aktivitet.csv",
            "2021,Vansbro,2024,,24,0",
            "2021,Vansbro,2025,,24,0",
            "aktivitet.csv, rad 2, kolumn År: året 2025 ligger utanför avtalets period 2024-01-01–2024-12-31",
        ),
        (
            "aktivitet.csv",
            "2023,Malung-Sälen,2024,,36,0",
            "2021,Vansbro,2024,,36,0",
            "aktivitet.csv, rad 3: samma kommun, år och yrkesresa som rad 2",
        ),
        (
            "aktivitet.csv",
            "2021,Vansbro,2024,,24,0",
            "2099,Vansbro,2024,,24,0",
            "kolumn Kommunkod: '2099' är ingen kommun i länet",
        ),
        (
            "aktivitet.csv",
            "2021,Vansbro,2024",
            "2021,Mora,2024",
            "kolumn Kommun: 'Mora' stämmer inte med kommunkod 2021 (Vansbro)",
        ),
        (
            "aktivitet.csv",
            "kommunkod,kommun,ar,",
            "kod,kommun,ar,",
            "aktivitet.csv, rad 1: rubrikraden ska vara kommunkod,kommun,ar,yrkesresa,deltagardagar,utbildardagar",
        ),
        (
            "utfall.csv",
            "2024,resor,45000",
            "2024,resa,45000",
            "utfall.csv, rad 4, kolumn Kostnadspost: 'resa' är ingen kostnadspost",
        ),
        (
            "fakturor.csv",
            "2021,Vansbro,2024-02-15",
            "2021,Vansbro,15/2",
            "fakturor.csv, rad 2, kolumn Fakturadatum: '15/2' är inget datum",
        ),
    ],
)
def test_bad_input_names_file_row_and_column_and_writes_nothing(cli, tmp_path, fil, gammal, ny, meddelande):
    underlag = andra_csv(tmp_path, fil, gammal, ny)
    ut = tmp_path / "faktura.xlsx"
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15", "--underlag", str(underlag),
            "--format", "xlsx", "--ut", str(ut))  # fmt: skip
    assert r.rc == 2
    assert meddelande in r.err, r.err
    assert "Traceback" not in r.err
    assert not ut.exists()


def test_changed_template_header_names_sheet_and_row(mall, tmp_path, cli):
    wb = load_workbook(mall)
    wb["Aktivitet"]["E1"] = "dagar"
    wb.save(tmp_path / "andrad.xlsx")
    r = cli("faktura", "--avtal", "2024", "--underlag", str(tmp_path / "andrad.xlsx"))
    assert r.rc == 2
    assert (
        "andrad.xlsx, blad Aktivitet, rad 1: rubrikerna ska vara Kommunkod, Kommun, År, Yrkesresa, Deltagardagar"
        in r.err
    )


def test_negative_number_in_template_names_sheet_row_column(mall, tmp_path, cli):
    wb = load_workbook(mall)
    wb["Aktivitet"]["E5"] = -3
    wb.save(tmp_path / "neg.xlsx")
    r = cli("faktura", "--avtal", "2024", "--underlag", str(tmp_path / "neg.xlsx"))
    assert r.rc == 2 and "neg.xlsx, blad Aktivitet, rad 5, kolumn Deltagardagar: -3 är negativt" in r.err


def test_bad_invoice_date(cli):
    r = cli("faktura", "--avtal", "2024", "--fakturadatum", "15 februari")
    assert r.rc == 2 and "Ogiltigt datum i --fakturadatum '15 februari'" in r.err


def test_pot_without_trainers_stays_and_is_said(tmp_path):
    kopia = tmp_path / "u"
    shutil.copytree(EXEMPEL, kopia)
    akt = kopia / "aktivitet.csv"
    rader = akt.read_text(encoding="utf-8").splitlines()
    akt.write_text(
        "\n".join([rader[0], *(",".join([*r.split(",")[:-1], "0"]) for r in rader[1:])]) + "\n", encoding="utf-8"
    )
    u = read_underlag(kopia, AVTAL)
    r = compute_rorligt(u, AVTAL)
    assert r["pott_tillbaka"].sum() == 0
    res = compute_resultat(u, AVTAL, r)
    assert "Potten 400 000 kr har inte kunnat betalas ut (inga utbildardagar)." in resultat_text(res)


def test_missing_underlag(cli, tmp_path):
    r = cli("faktura", "--avtal", "2024", "--underlag", str(tmp_path / "finns-inte"))
    assert r.rc == 2 and "finns inte" in r.err


def test_library_error_for_unknown_name_without_suggestion(tmp_path):
    underlag = andra_csv(tmp_path, "aktivitet.csv", "2080,Falun,2024,1,", ",Stockholm,2024,1,")
    with pytest.raises(AnalysError) as e:
        read_underlag(underlag, AVTAL)
    assert "'Stockholm' är ingen kommun i länet." in str(e.value)


def test_mid_year_a_fresh_template_invoices_the_fixed_fee(cli, mall):
    """I februari, innan något är ifyllt: `analys faktura --underlag <ny mall>` ger de 15 raderna
    för den fasta avgiften; uppföljningen säger att det inte finns något att följa upp än."""
    r = cli("faktura", "--avtal", "2024", "--underlag", str(mall), "--fakturadatum", "2024-02-15", "--format", "csv")
    assert r.rc == 0, r.err
    rader = list(csv.DictReader(r.out.splitlines()))
    assert len(rader) == 15
    assert all(rad["avser"].endswith("fast kostnad enligt avtal") for rad in rader)
    assert sum(int(rad["belopp"]) for rad in rader) == 1_030_000
    from analys.fel import AnalysError
    from analys.flode.uppfoljning import berakna

    with pytest.raises(AnalysError, match="har inget ifyllt än"):
        berakna("2024", mall)


def test_partly_filled_template_shows_what_is_not_reported_yet(cli, mall, tmp_path):
    from analys.begrepp import KOSTNADSPOSTER
    from analys.flode.uppfoljning import berakna
    from analys.rapporter.uppfoljning import _budget_visning

    wb = load_workbook(mall)
    akt = wb["Aktivitet"]
    akt["E2"], akt["F2"] = 24, 0  # Vansbro: 24 deltagardagar, resten inte rapporterat än
    akt["E11"], akt["F11"] = 100, 10  # Falun
    wb["Utfall"]["C2"] = 300_000  # bara lönen rapporterad
    delvis = tmp_path / "delvis.xlsx"
    wb.save(delvis)
    r = cli("faktura", "--avtal", "2024", "--underlag", str(delvis), "--fakturadatum", "2024-06-15", "--format", "csv")
    assert r.rc == 0, r.err
    rader = list(csv.DictReader(r.out.splitlines()))
    fasta = [rad for rad in rader if rad["avser"].endswith("fast kostnad enligt avtal")]
    avgifter = [rad for rad in rader if rad["avser"].startswith("Kursavgifter")]
    assert len(fasta) == 15
    assert {rad["kommun"]: int(rad["belopp"]) for rad in avgifter} == {"Vansbro": 24 * 850, "Falun": 100 * 850}
    f = berakna("2024", delvis)
    visning = _budget_visning(f.budget)
    assert visning["utfall"].iloc[0] == 300_000
    assert set(list(visning["utfall"])[1:]) == {"ej rapporterat"} and len(visning) == len(KOSTNADSPOSTER)
    assert f.resultat.utfall == 300_000


def test_follow_up_on_a_placeholder_agreement_is_marked_like_its_invoices(mall, tmp_path):
    """Ett avtal med platshållare (exempel: true, som `analys ny` skriver) märker uppföljningen,
    precis som fakturorna på samma avtal, även när underlaget är riktigt ifyllt."""
    from analys.flode.uppfoljning import berakna
    from analys.rapporter.tabeller import PAHITTAT
    from analys.rapporter.uppfoljning import titel

    text = (ROT / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8")
    assert "exempel:" not in text
    avtal = tmp_path / "avtal.yaml"
    avtal.write_text(text + "exempel: true\n", encoding="utf-8")
    wb = load_workbook(mall)
    wb["Aktivitet"]["E2"] = 10  # Vansbro: tio deltagardagar
    ifylld = tmp_path / "ifylld.xlsx"
    wb.save(ifylld)
    f = berakna(str(avtal), ifylld)
    assert f.pahittat and PAHITTAT in titel(f)
    assert not berakna("2024", ifylld).pahittat


def test_kommun_names_in_the_underlag_match_like_on_the_command_line():
    """ "Malung Salen", "malung-salen" och "ÄLVDALEN" känns igen i underlaget som i --exkludera."""
    from analys.indata.befolkning import load_befolkning
    from analys.indata.underlag import _kommun

    kommuner = load_befolkning("20", 2023)
    assert _kommun("", "Malung Salen", kommuner, "rad 2") == ("2023", "Malung-Sälen")
    assert _kommun("2039", "ALVDALEN", kommuner, "rad 3") == ("2039", "Älvdalen")
    with pytest.raises(AnalysError, match=r"'Falum' är ingen kommun i länet\. Menade du Falun"):
        _kommun(None, "Falum", kommuner, "rad 4")
