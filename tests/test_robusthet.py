"""Läsarna tål vad som helst: godtyckliga bytes ger ett resultat eller ett svenskt `AnalysError`,
aldrig något annat undantag och aldrig en hängning. Och filerna människor faktiskt har (Excels
CSV på svenska, UTF-8 med BOM, UTF-16) ger samma resultat som en ren CSV."""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analys.fel import AnalysError
from analys.flode.faktura import fakturor
from analys.indata.avtal import load_avtal
from analys.indata.csvfil import Kolumn, las_csv
from analys.indata.scb import ScbError, parse_data
from analys.indata.underlag import read_underlag, read_vikter
from analys.indata.yamlfil import parse_yaml, read_yaml
from tests.conftest import DALARNA

ROT = Path(__file__).resolve().parents[1]
EXEMPEL = ROT / "data" / "exempel" / "uppfoljning-2024"
TIDSGRANS = 2.0  # sekunder per inläsning, också för elaka indata
KOLUMNER = [
    Kolumn("kommunkod", "kommunkod"),
    Kolumn("ar", "heltal", min=1900, max=2100),
    Kolumn("vikt", "tal", min=0, max=10**9),
    Kolumn("datum", "datum", kravs=False),
    Kolumn("namn", kravs=False),
]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Bytes som liknar riktiga filer (rubriker, avgränsare, tal, citattecken, BOM) och helt slumpade.
nara_csv = st.lists(
    st.sampled_from(
        [
            b"kommunkod;ar;vikt;datum;namn\n",
            b"kommunkod,ar,vikt,datum,namn\r\n",
            b"2080;2024;1,5;2024-02-30;Falun\n",
            b'"2080","2024","1e999999999","",""\n',
            b"\xef\xbb\xbf",
            b"\xff\xfe",
            b"\x00",
            b";;;;\n",
            b'"',
            b"9" * 50,
            "Älvdalen\n".encode("cp1252"),
            b"\t",
        ]
    ),
    max_size=40,
).map(b"".join)
nara_yaml = st.lists(
    st.sampled_from(
        [
            "a: 1\n",
            "a: &x [1, 2]\n",
            "b: *x\n",
            "- ",
            "  ",
            "[",
            "{",
            "]",
            "}",
            ": ",
            "!!python/object:os.system\n",
            "? [a]\n",
            "c: 2024-02-30\n",
            "d: 0o777\n",
            "e: 1e99999\n",
            "'",
            '"',
            "---\n",
            "\t",
            "%YAML 1.1\n",
            "x: y: z\n",
        ]
    ),
    max_size=40,
).map("".join)


def _inom_tid(f) -> None:
    start = time.perf_counter()
    with contextlib.suppress(AnalysError):
        f()
    assert time.perf_counter() - start < TIDSGRANS


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), nara_csv))
def test_csv_reader_gives_a_result_or_a_swedish_error(tmp_path, data):
    fil = tmp_path / "fil.csv"
    fil.write_bytes(data)
    _inom_tid(lambda: las_csv(fil, KOLUMNER, "Filen"))
    _inom_tid(lambda: read_vikter(fil, list(DALARNA)))


@FUZZ
@given(text=st.one_of(st.text(max_size=500), nara_yaml))
def test_yaml_reader_gives_a_result_or_a_swedish_error(text):
    _inom_tid(lambda: parse_yaml(text, "fil.yaml"))


@FUZZ
@given(data=st.binary(max_size=3000))
def test_yaml_file_reader_and_agreement_accept_any_bytes(tmp_path, data):
    fil = tmp_path / "avtal.yaml"
    fil.write_bytes(data)
    _inom_tid(lambda: read_yaml(fil))
    _inom_tid(lambda: load_avtal(str(fil)))


@FUZZ
@given(text=nara_yaml)
def test_a_yaml_text_read_again_gives_the_same_values_and_a_changed_copy_changes_nothing(text):
    """Tolkade texter sparas i processen: andra läsningen ger samma värden som en ny tolkning, och
    den som ändrar i sina tabeller och listor ändrar inte nästa läsares."""
    from analys.indata.yamlfil import _tolka

    try:
        forsta = parse_yaml(text, "fil.yaml")
    except AnalysError:
        return
    andra = parse_yaml(text, "fil.yaml")
    assert andra == forsta == _tolka(text, "fil.yaml")
    if not isinstance(forsta, dict | list):
        return
    for lasning in (forsta, andra):
        if isinstance(lasning, dict):
            lasning.clear()
            lasning["ändrad"] = [1]
        else:
            lasning.append("ändrad")
    assert parse_yaml(text, "fil.yaml") == _tolka(text, "fil.yaml") != andra


def test_a_file_changed_with_the_same_size_and_time_is_read_anew(tmp_path):
    """En fil som skrivs om med lika många byte och samma ändringstid läses ändå på nytt: det som
    sparas är tolkningen av texten, inte av filen."""
    import os

    fil = tmp_path / "avtal.yaml"
    fil.write_text("belopp: 1000\nnyckel: [befolkning]\n", encoding="utf-8")
    tid = fil.stat().st_mtime_ns
    for _ in range(2):
        read_yaml(fil)["nyckel"].append("lika")
    assert read_yaml(fil) == {"belopp": 1000, "nyckel": ["befolkning"]}
    fil.write_text("belopp: 9000\nnyckel: [befolkning]\n", encoding="utf-8")
    os.utime(fil, ns=(tid, tid))
    assert read_yaml(fil) == {"belopp": 9000, "nyckel": ["befolkning"]}


json_varden = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda barn: st.lists(barn, max_size=4) | st.dictionaries(st.text(max_size=5), barn, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(
    svar=st.fixed_dictionaries(
        {"id": json_varden, "size": json_varden, "dimension": json_varden, "value": json_varden, "role": json_varden}
    )
)
def test_scb_parser_gives_a_result_or_an_scb_error(svar):
    from analys.indata.scb import _check_jsonstat

    start = time.perf_counter()
    try:
        _check_jsonstat(svar, "test")
        parse_data(svar, "TAB")
    except ScbError:
        pass
    assert time.perf_counter() - start < TIDSGRANS


# --- filerna människor har ------------------------------------------------------------------------


def _spara(kalla: Path, mal: Path, kodning: str, avgransare: str, decimalkomma: bool = False) -> None:
    """Samma CSV-filer som Excel skulle spara dem: annan kodning, avgränsare och decimaltecken."""
    import csv
    import io

    mal.mkdir()
    for fil in kalla.glob("*.csv"):
        rader = list(csv.reader(io.StringIO(fil.read_text(encoding="utf-8"))))
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=avgransare, lineterminator="\r\n")
        for r in rader:
            w.writerow([c.replace(".", ",") if decimalkomma else c for c in r])
        (mal / fil.name).write_bytes(buf.getvalue().encode(kodning))


@pytest.mark.parametrize(
    ("kodning", "avgransare"),
    [
        ("cp1252", ";"),  # Excel på svenska: "CSV (semikolonavgränsad)"
        ("cp1252", ","),
        ("utf-8-sig", ";"),  # "CSV UTF-8"
        ("utf-8-sig", ","),
        ("utf-16", "\t"),  # "Unicode-text" (UTF-16 med BOM, tabbar)
        ("utf-16", ";"),
        ("utf-16-le", ";"),  # utan BOM
    ],
)
def test_real_world_csv_exports_give_the_same_invoices(tmp_path, kodning, avgransare):
    from datetime import date

    avtal, _ = load_avtal("2024")
    ren = fakturor(avtal, date(2024, 2, 15), read_underlag(EXEMPEL, avtal))
    _spara(EXEMPEL, tmp_path / "export", kodning, avgransare)
    u = read_underlag(tmp_path / "export", avtal)
    assert fakturor(avtal, date(2024, 2, 15), u).equals(ren)
    assert u.utfall.equals(read_underlag(EXEMPEL, avtal).utfall)


@pytest.mark.parametrize(
    ("kodning", "avgransare", "decimal"),
    [("utf-8", ",", "."), ("cp1252", ";", ","), ("utf-8-sig", ";", ","), ("utf-16", "\t", ","), ("utf-16", ";", ".")],
)
def test_weights_in_every_format_give_the_same_weights(tmp_path, kodning, avgransare, decimal):
    text = f"Kommunkod{avgransare}Vikt\r\n" + "".join(
        f"{k}{avgransare}{i + 1}{decimal}5\r\n" for i, k in enumerate(DALARNA)
    )
    fil = tmp_path / "vikter.csv"
    fil.write_bytes(text.encode(kodning))
    ren = tmp_path / "ren.csv"
    ren.write_text("kommunkod,vikt\n" + "".join(f"{k},{i + 1}.5\n" for i, k in enumerate(DALARNA)), encoding="utf-8")
    assert read_vikter(fil, list(DALARNA)) == read_vikter(ren, list(DALARNA))


def test_header_names_ignore_case_accents_and_spaces(tmp_path):
    fil = tmp_path / "aktivitet.csv"
    fil.write_text(
        "Kommunkod ; År ; Deltagar-dagar ; UTBILDARDAGAR\n" + "".join(f"{k};2028;10;1\n" for k in DALARNA),
        encoding="utf-8",
    )
    from analys.indata.underlag import read_aktivitet

    df = read_aktivitet(fil, tuple(DALARNA))
    assert list(df.columns) == ["kommunkod", "ar", "deltagardagar", "utbildardagar"]
    assert df["deltagardagar"].sum() == 150


def test_half_filled_template_is_valid_and_blank_costs_are_not_reported(tmp_path):
    """Blanka utfallsrader betyder "inte rapporterat än", inte 0 kr; fakturan för den fasta
    kostnaden går att ta fram från en helt tom mall."""
    from datetime import date

    from analys.flode.uppfoljning import mallunderlag
    from analys.rapporter.mall import write_mall

    avtal, _, kommuner = mallunderlag("2024")
    write_mall(avtal, kommuner, tmp_path / "mall.xlsx")
    u = read_underlag(tmp_path / "mall.xlsx", avtal)
    assert u.tom and u.aktivitet.empty and u.utfall.empty
    assert len(u.ej_rapporterat) == 6
    f = fakturor(avtal, date(2024, 2, 15), u)
    assert len(f) == 15 and f["belopp"].sum() == 1_030_000


def test_copied_example_folder_still_reads(tmp_path):
    """Att kopiera exempelmappen och läsa den igen ger samma underlag (inget beror på sökvägen)."""
    avtal, _ = load_avtal("2024")
    shutil.copytree(EXEMPEL, tmp_path / "u")
    assert read_underlag(tmp_path / "u", avtal).aktivitet.equals(read_underlag(EXEMPEL, avtal).aktivitet)


@given(data=st.binary(min_size=32, max_size=32))
def test_a_sha256_written_unquoted_reads_back_as_text(data):
    """En hämtnings metadata.yaml har SHA-256 utan citattecken; en summa som börjar med 0b, 0o
    eller bara siffror och e ska läsas tillbaka som text (en gång avvisades '0b44e8…' som binärt tal)."""
    import hashlib

    import yaml

    summa = hashlib.sha256(data).hexdigest()
    for varde in (summa, "0b44e8f960bfc63513b226725953d3aa0bcaae2cae57eec8dd071b565611dc0e"):
        text = yaml.safe_dump({"sha256": varde})
        assert parse_yaml(text, "metadata.yaml") == {"sha256": varde}


@pytest.mark.parametrize("tal", ["0b101", "0o17", "0x1F", "-0b1"])
def test_numbers_in_another_base_are_still_refused(tal):
    from analys.fel import AnalysError

    with pytest.raises(AnalysError, match="skriv talet med vanliga siffror"):
        parse_yaml(f"belopp: {tal}\n", "avtal.yaml")


def test_csv_errors_name_the_line_in_the_file_after_a_cell_with_a_line_break(tmp_path):
    """En cell med radbrytning (Alt+Enter i Excel) tar två rader i filen; felet på nästa post
    nämner raden där den står i filen (4), inte postens nummer (3)."""
    fil = tmp_path / "f.csv"
    fil.write_text('kommunkod,kommentar,vikt\n2080,"rad ett\nrad två",1\n2081,,x\n', encoding="utf-8")
    kolumner = [Kolumn("kommunkod", "kommunkod"), Kolumn("kommentar", "text", kravs=False), Kolumn("vikt", "heltal")]
    with pytest.raises(AnalysError, match=r"^Filen f\.csv, rad 4, kolumn vikt: 'x' är inte ett heltal"):
        las_csv(fil, kolumner, "Filen")


# --- siffror som inte är 0–9 -----------------------------------------------------------------------

# Allt som Unicode räknar som siffra eller tal utom 0–9: upphöjda (²), arabisk-indiska (٣), breda (３),
# bråk (½), romerska (Ⅻ) …
ovanliga_siffror = st.characters(categories=("Nd", "Nl", "No")).filter(lambda c: not "0" <= c <= "9")
INSPRANGD = st.tuples(ovanliga_siffror, st.integers(0, 4))


def _med(tal: str, c: str, plats: int) -> str:
    return tal[:plats] + c + tal[plats:]


def _vagras(f, plats: str, c: str) -> None:
    with pytest.raises(AnalysError) as fel:
        f()
    assert plats in str(fel.value) and f"innehåller tecknet '{c}'" in str(fel.value), str(fel.value)


@FUZZ
@given(insprangd=INSPRANGD, kolumn=st.sampled_from(["kommunkod", "ar", "vikt", "datum"]))
def test_the_csv_reader_refuses_other_digits_with_row_and_column(tmp_path, insprangd, kolumn):
    c, plats = insprangd
    rad = {"kommunkod": "2080", "ar": "2024", "vikt": "1,5", "datum": "2024-02-15", "namn": "Falun"}
    rad[kolumn] = _med(rad[kolumn], c, plats)
    fil = tmp_path / "fil.csv"
    fil.write_text("kommunkod;ar;vikt;datum;namn\n2081;2024;1;;\n" + ";".join(rad.values()) + "\n", encoding="utf-8")
    _vagras(lambda: las_csv(fil, KOLUMNER, "Filen"), f"rad 3, kolumn {kolumn}:", c)


@FUZZ
@given(insprangd=INSPRANGD, kolumn=st.sampled_from(["kommunkod", "vikt"]))
def test_the_weights_reader_refuses_other_digits(tmp_path, insprangd, kolumn):
    c, plats = insprangd
    rader = [[k, "1"] for k in DALARNA]
    rader[9][0 if kolumn == "kommunkod" else 1] = _med(rader[9][0 if kolumn == "kommunkod" else 1], c, plats)
    fil = tmp_path / "vikter.csv"
    fil.write_text("kommunkod;vikt\n" + "".join(f"{a};{b}\n" for a, b in rader), encoding="utf-8")
    _vagras(lambda: read_vikter(fil, list(DALARNA)), f"rad 11, kolumn {kolumn}:", c)


@FUZZ
@given(insprangd=INSPRANGD)
def test_the_activity_file_and_the_amount_flag_refuse_other_digits(tmp_path, insprangd):
    from analys.indata.underlag import read_aktivitet
    from analys.indata.varden import belopp

    c, plats = insprangd
    dagar = _med("10", c, plats)
    fil = tmp_path / "aktivitet.csv"
    fil.write_text(
        "kommunkod,ar,deltagardagar,utbildardagar\n"
        + "".join(f"{k},2028,{dagar if k == '2080' else 10},1\n" for k in DALARNA),
        encoding="utf-8",
    )
    _vagras(lambda: read_aktivitet(fil, tuple(DALARNA)), "rad 11, kolumn deltagardagar:", c)
    _vagras(lambda: belopp(_med("400000", c, plats)), "Ogiltigt belopp", c)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(insprangd=INSPRANGD)
def test_the_follow_up_csv_folder_and_template_refuse_other_digits(tmp_path, insprangd):
    from openpyxl import load_workbook

    from analys.flode.uppfoljning import mallunderlag
    from analys.rapporter.mall import write_mall

    c, plats = insprangd
    avtal, _ = load_avtal("2024")
    mapp = tmp_path / "u"
    shutil.rmtree(mapp, ignore_errors=True)
    shutil.copytree(EXEMPEL, mapp)
    utfall = (mapp / "utfall.csv").read_text(encoding="utf-8")
    (mapp / "utfall.csv").write_text(
        utfall.replace("2024,resor,45000", f"2024,resor,{_med('45000', c, plats)}"), encoding="utf-8"
    )
    _vagras(lambda: read_underlag(mapp, avtal), "utfall.csv, rad 4, kolumn Belopp (kr):", c)

    mall = tmp_path / "mall.xlsx"
    if not mall.exists():
        write_mall(*mallunderlag("2024")[::2], mall)
    wb = load_workbook(mall)
    wb["Aktivitet"]["E5"] = _med("12", c, plats)
    wb.save(tmp_path / "ifylld.xlsx")
    _vagras(lambda: read_underlag(tmp_path / "ifylld.xlsx", avtal), "blad Aktivitet, rad 5, kolumn Deltagardagar:", c)


AVTALSRADER = [
    (i, m.group(1))
    for i, rad in enumerate((ROT / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8").splitlines(), start=1)
    if (m := re.match(r"\s*(?:- )?(\w+): [0-9][0-9.]*\s*(#.*)?$", rad))
]


@pytest.mark.parametrize(("rad", "nyckel"), AVTALSRADER, ids=[f"rad-{r}-{n}" for r, n in AVTALSRADER])
def test_a_bad_value_in_the_agreement_is_named_with_its_line(rad, nyckel):
    """Varje tal i avtalet 2024, utbytt mot text: felet nämner raden där nyckeln står (som
    redigeraren visar den), och nyckeln."""
    from analys.indata.avtal import check_avtal_yaml

    rader = (ROT / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8").splitlines()
    rader[rad - 1] = re.sub(rf"({nyckel}): [0-9][0-9.]*", r"\1: ett tal", rader[rad - 1])
    with pytest.raises(AnalysError) as fel:
        check_avtal_yaml("\n".join(rader) + "\n", "avtal.yaml")
    assert str(fel.value).startswith(f"avtal.yaml rad {rad}: "), str(fel.value)
    assert f"{nyckel}: " in str(fel.value) and "(fick 'ett tal')" in str(fel.value)


def test_a_missing_key_is_named_with_the_line_of_its_table_and_merged_files_name_no_line(tmp_path):
    from analys.begrepp import Avtal
    from analys.indata.yamlfil import validate

    text = (ROT / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8").replace("    belopp: 180000\n", "")
    with pytest.raises(AnalysError, match=r"^avtal\.yaml rad 16: kostnader → post 2 → belopp: saknas"):
        validate(parse_yaml(text, "avtal.yaml"), Avtal, "avtal.yaml")
    with pytest.raises(AnalysError, match=r"^avtal\.yaml med annat: kostnader → post 2 → belopp: saknas"):
        validate(parse_yaml(text, "avtal.yaml"), Avtal, "avtal.yaml med annat", med_rader=False)
    # en kopia av en tolkad text (som cachas) har egna rader
    forsta = parse_yaml(text, "avtal.yaml")
    forsta.rader["namn"] = 99
    assert parse_yaml(text, "avtal.yaml").rader["namn"] == 4


@pytest.mark.parametrize(("varde", "visat"), [(2.5, "2,5"), (850000.5, "850000,5"), (1234567.25, "1234567,25")])
def test_a_decimal_in_an_excel_cell_is_shown_whole_with_a_decimal_comma(varde, visat):
    from analys.indata.underlag import _heltal

    with pytest.raises(AnalysError, match=f"^blad Utfall, rad 3: '{visat}' är inte ett heltal"):
        _heltal(varde, "blad Utfall, rad 3")


def test_an_empty_text_in_analys_yaml_is_named_with_its_line():
    from analys.indata.projekt import Projekt
    from analys.indata.yamlfil import validate

    data = parse_yaml('namn: RSS X\nlan: "24"\nbeslutande: ""\n', "analys.yaml")
    with pytest.raises(AnalysError, match=r"^analys\.yaml rad 3: beslutande: får inte vara tom$"):
        validate(data, Projekt, "analys.yaml")
