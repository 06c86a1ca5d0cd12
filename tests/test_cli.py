from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DALARNA, PM_2022_TABELL_1

RUBRIK = "kommunkod,kommun,folkmangd,andel,belopp"


def test_memo_2022_table_as_csv(cli):
    r = cli("fordelning", "--belopp", "400000", "--befolkningsdatum", "2020-12-31", "--format", "csv")
    assert r.rc == 0, r.err
    rader = r.out.splitlines()
    assert rader[0] == RUBRIK
    assert len(rader) == 16
    data = list(csv.DictReader(io.StringIO(r.out)))
    assert [d["kommunkod"] for d in data] == sorted(DALARNA)
    assert {d["kommun"]: (int(d["folkmangd"]), int(d["belopp"])) for d in data} == PM_2022_TABELL_1
    assert sum(int(d["belopp"]) for d in data) == 400_000
    assert all("." in d["andel"] and "," not in d["andel"] for d in data)
    assert abs(sum(float(d["andel"]) for d in data) - 1) < 1e-9
    assert r.err == ""


def test_agreement_2024_table(cli):
    r = cli("fordelning", "--avtal", "2024")
    assert r.rc == 0, r.err
    assert "Fördelning enligt avtal: Regional samordning Yrkesresan och BBIC 2024, 15 kommuner" in r.out
    assert "Belopp (enligt avtal)" in r.out
    summarad = next(rad for rad in r.out.splitlines() if "Summa" in rad)
    assert summarad.split() == ["Summa", "288", "375", "100,00", "%", "1", "030", "000", "kr"]
    assert "Befolkning: Folkmängd 30 juni 2023 enligt SCB (tabell TAB5444 Folkmängd per månad)" in r.out
    assert "data/avtal/2024.yaml" in r.out.split("Teknisk spårbarhet:")[1]
    assert "2084  Avesta           22 904    7,94 %              81 807 kr" in r.out


def test_agreement_2024_csv_sums_to_the_agreement(cli):
    r = cli("fordelning", "--avtal", "2024", "--format", "csv")
    data = list(csv.DictReader(io.StringIO(r.out)))
    assert len(data) == 15
    assert sum(int(d["belopp"]) for d in data) == 1_030_000
    assert sum(int(d["folkmangd"]) for d in data) == 288_375


def test_flags_override_the_agreement(cli):
    r = cli("fordelning", "--avtal", "2024", "--belopp", "1000", "--format", "csv")
    assert sum(int(d["belopp"]) for d in csv.DictReader(io.StringIO(r.out))) == 1000
    r = cli("fordelning", "--avtal", "2022", "--befolkningsdatum", "2023-06-30", "--format", "csv")
    assert sum(int(d["folkmangd"]) for d in csv.DictReader(io.StringIO(r.out))) == 288_375


def test_json(cli):
    r = cli("fordelning", "--avtal", "2024", "--format", "json")
    data = json.loads(r.out)
    assert sum(d["belopp"] for d in data["fordelning"]) == 1_030_000
    assert data["metadata"]["befolkningsdatum"] == "2023-06-30"
    assert data["metadata"]["avtalsfil"] == "data/avtal/2024.yaml"


def test_exclude_a_kommun(cli):
    r = cli("fordelning", "--avtal", "2024", "--exkludera", "2039", "--format", "csv")
    data = list(csv.DictReader(io.StringIO(r.out)))
    assert len(data) == 14 and "2039" not in {d["kommunkod"] for d in data}
    assert sum(int(d["belopp"]) for d in data) == 1_030_000
    r = cli("fordelning", "--avtal", "2024", "--exkludera", "2039")
    assert "Deltar inte: 2039 Älvdalen" in r.out


def test_mixed_and_equal_keys(cli):
    r = cli(
        "fordelning",
        "--avtal",
        "2024",
        "--nyckel",
        "blandad",
        "--fast-andel",
        "0,3",
        "--format",
        "csv",
    )
    assert r.rc == 0, r.err
    assert sum(int(d["belopp"]) for d in csv.DictReader(io.StringIO(r.out))) == 1_030_000
    r = cli(
        "fordelning",
        "--belopp",
        "150",
        "--befolkningsdatum",
        "2020",
        "--nyckel",
        "lika",
        "--format",
        "csv",
    )
    assert {int(d["belopp"]) for d in csv.DictReader(io.StringIO(r.out))} == {10}


def test_other_lan(cli):
    r = cli(
        "fordelning",
        "--belopp",
        "1000000",
        "--befolkningsdatum",
        "2024",
        "--lan",
        "13",
        "--format",
        "csv",
    )
    data = list(csv.DictReader(io.StringIO(r.out)))
    assert len(data) == 6 and all(d["kommunkod"].startswith("13") for d in data)
    assert sum(int(d["belopp"]) for d in data) == 1_000_000


def test_own_weights_file(cli, tmp_path):
    fil = tmp_path / "vikter.csv"
    fil.write_text("kommunkod,vikt\n" + "".join(f"{k},1\n" for k in DALARNA), encoding="utf-8")
    r = cli(
        "fordelning",
        "--belopp",
        "1500",
        "--befolkningsdatum",
        "2020",
        "--nyckel",
        "egen",
        "--vikter",
        str(fil),
        "--format",
        "csv",
    )
    assert r.rc == 0, r.err
    assert {int(d["belopp"]) for d in csv.DictReader(io.StringIO(r.out))} == {100}


def test_xlsx_workbook(cli, tmp_path):
    from openpyxl import load_workbook

    ut = tmp_path / "f.xlsx"
    r = cli("fordelning", "--avtal", "2022", "--format", "xlsx", "--ut", str(ut))
    assert r.rc == 0, r.err
    wb = load_workbook(ut)
    assert wb.sheetnames == ["Fördelning", "Källor"]
    ws = wb["Fördelning"]
    assert [c.value for c in ws[5]] == ["Kommunkod", "Kommun", "Folkmängd", "Andel", "Belopp (enligt avtal)"]
    rader = {ws.cell(row=i, column=2).value: ws.cell(row=i, column=5).value for i in range(6, 21)}
    assert rader == {k: b for k, (_, b) in PM_2022_TABELL_1.items()}
    assert ws["A6"].value == "2021" and ws["A6"].data_type == "s"  # kommunkoden är text
    assert ws["E6"].number_format == '#,##0 "kr"'
    assert ws["B21"].value == "Summa" and ws["E21"].value == "=SUM(E6:E20)"
    assert ws["D6"].value == "=C6/C$21"
    assert ws.freeze_panes == "A6"
    cachat = load_workbook(ut, data_only=True)["Fördelning"]
    assert cachat["E21"].value == 400_000 and cachat["C21"].value == 287_676  # formlerna har sparade värden
    kallor = {r[0].value: r[1].value for r in wb["Källor"].iter_rows(min_row=4) if r[0].value}
    assert kallor["Befolkning"].startswith("Folkmängd 31 december 2020 enligt SCB (tabell TAB638")
    assert kallor["Belopp"].startswith("400 000 kr enligt avtal")


def test_output_file_is_not_overwritten_without_permission(cli, tmp_path):
    ut = tmp_path / "min.csv"
    ut.write_text("mina egna siffror\n", encoding="utf-8")
    r = cli("fordelning", "--avtal", "2024", "--format", "csv", "--ut", str(ut))
    assert r.rc == 2
    assert "finns redan och skrivs inte över" in r.err and "--skriv-over" in r.err
    assert ut.read_text(encoding="utf-8") == "mina egna siffror\n"
    r = cli("fordelning", "--avtal", "2024", "--format", "csv", "--ut", str(ut), "--skriv-over")
    assert r.rc == 0 and ut.read_text(encoding="utf-8").startswith(RUBRIK)
    assert [p.name for p in tmp_path.iterdir()] == ["min.csv"]  # ingen temporär fil kvar


BAS = ["fordelning", "--befolkningsdatum", "2020-12-31"]


@pytest.mark.parametrize(
    ("argv", "meddelande"),
    [
        (
            [*BAS, "--belopp", "400000", "--lan", "99"],
            "Okänd länskod '99'. Giltiga länskoder: 01 Stockholms län",
        ),
        (
            [*BAS, "--belopp", "400000", "--exkludera", "2099"],
            "--exkludera: '2099' är ingen kommun i länet (ange kod eller namn). Länets kommuner: 2021 Vansbro",
        ),
        (
            ["fordelning", "--belopp", "400000", "--befolkningsdatum", "2019-06-30"],
            "Befolkning saknas för Dalarnas län per 2019-06-30. Datum som finns för länet: 31 december 1969–2025; 2002-06-30",
        ),
        (
            ["fordelning", "--belopp", "400000", "--befolkningsdatum", "30 juni"],
            "Ogiltigt befolkningsdatum '30 juni'",
        ),
        ([*BAS, "--belopp=-400000"], "Ogiltigt belopp '-400000': beloppet kan inte vara negativt."),
        (
            [*BAS, "--belopp", "400000.50"],
            "Ogiltigt belopp '400000.50': ange hela kronor som ett heltal",
        ),
        ([*BAS, "--belopp", "fyrahundra"], "Ogiltigt belopp 'fyrahundra'"),
        (
            [*BAS, "--belopp", "400000", "--nyckel", "blandad", "--fast-andel", "1.5"],
            "Ogiltig fast andel '1.5': ange ett tal från 0 till 1",
        ),
        (
            [*BAS, "--belopp", "400000", "--nyckel", "blandad", "--fast-andel", "-0.1"],
            "Ogiltig fast andel '-0.1'",
        ),
        (
            [*BAS, "--belopp", "400000", "--fast-andel", "0.3"],
            "--fast-andel gäller bara nyckeln blandad",
        ),
        ([*BAS, "--belopp", "400000", "--nyckel", "egen"], "Nyckeln egen kräver en viktfil"),
        (
            [*BAS, "--belopp", "400000", "--format", "xlsx"],
            "Formatet xlsx kräver en fil att skriva till",
        ),
        (BAS, "Ange --belopp"),
        (["fordelning", "--belopp", "5"], "Ange --befolkningsdatum"),
        (["fordelning", "--avtal", "2031"], "Avtalet '2031' finns inte"),
    ],
)
def test_bad_input_gives_swedish_message_and_exit_2(cli, argv, meddelande):
    r = cli(*argv)
    assert r.rc == 2
    assert r.out == ""
    assert r.err.startswith("analys: fel: ")
    assert meddelande in r.err
    assert "Traceback" not in r.err


def vikter(tmp_path, rader, rubrik="kommunkod,vikt"):
    fil = tmp_path / "vikter.csv"
    fil.write_text(rubrik + "\n" + "".join(r + "\n" for r in rader), encoding="utf-8")
    return fil


@pytest.mark.parametrize(
    ("rader", "meddelande"),
    [
        ([f"{k},1" for k in DALARNA if k != "2039"], "saknar vikter för kommunerna 2039"),
        ([f"{k},{-1 if k == '2080' else 1}" for k in DALARNA], "rad 11: vikten -1 är negativ"),
        ([f"{k},ett" for k in DALARNA], "rad 2: vikten 'ett' är inget tal"),
        ([*(f"{k},1" for k in DALARNA), "2080,2"], "rad 17: kommunkod 2080 står på mer än en rad"),
        (
            [*(f"{k},1" for k in DALARNA), "9999,2"],
            "rad 17: kommunkoden '9999' finns inte bland länets kommuner",
        ),
        ([f"{k}" for k in DALARNA], "rad 2: väntade 2 fält"),
        ([f"{k},0" for k in DALARNA], "Minst en deltagande kommun måste ha en vikt större än 0"),
    ],
)
def test_bad_weights_file(cli, tmp_path, rader, meddelande):
    fil = vikter(tmp_path, rader)
    r = cli(*BAS, "--belopp", "1000", "--nyckel", "egen", "--vikter", str(fil))
    assert r.rc == 2
    assert meddelande in r.err
    assert "Traceback" not in r.err


def test_weights_file_with_wrong_header(cli, tmp_path):
    fil = vikter(tmp_path, [f"{k},1" for k in DALARNA], rubrik="kod,andel")
    r = cli(*BAS, "--belopp", "1000", "--nyckel", "egen", "--vikter", str(fil))
    assert (
        r.rc == 2
        and "rad 1: rubrikraden ska vara kommunkod,vikt (med komma, semikolon eller tabb), inte 'kod,andel'" in r.err
    )


def test_missing_weights_file(cli, tmp_path):
    r = cli(*BAS, "--belopp", "1000", "--nyckel", "egen", "--vikter", str(tmp_path / "finns-inte.csv"))
    assert r.rc == 2 and "finns-inte.csv finns inte" in r.err


def test_excluded_kommun_need_not_be_in_weights_file(cli, tmp_path):
    fil = vikter(tmp_path, [f"{k},1" for k in DALARNA if k != "2039"])
    r = cli(
        *BAS,
        "--belopp",
        "1400",
        "--nyckel",
        "egen",
        "--vikter",
        str(fil),
        "--exkludera",
        "2039",
        "--format",
        "csv",
    )
    assert r.rc == 0, r.err
    assert {int(d["belopp"]) for d in csv.DictReader(io.StringIO(r.out))} == {100}


def test_argparse_errors_are_swedish_too(cli):
    r = cli("fordelning", "--nyckel", "folk")
    assert r.rc == 2
    assert "fel: argumentet --nyckel: ogiltigt val: 'folk'" in r.err
    assert "användning:" in r.err
    r = cli("fordelning", "--okand")
    assert r.rc == 2 and "okända argument: --okand" in r.err


def test_help_is_swedish(cli):
    r = cli("fordelning", "--help")
    assert r.rc == 0
    assert "användning: analys fordelning" in r.out
    assert "visa den här hjälpen och avsluta" in r.out
    assert "största-restmetoden" in r.out
    assert "usage" not in r.out and "show this help" not in r.out


ROT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kommando", [[sys.executable, "-m", "analys"], [str(Path(sys.executable).parent / "analys")]])
def test_installed_command_and_module(kommando):
    env = {k: v for k, v in os.environ.items() if k != "ANALYS_DATA"}
    ok = subprocess.run(
        [*kommando, "fordelning", "--avtal", "2022", "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=ROT / "notebooks",  # analys-mappen hittas uppåt, som git hittar sin rot
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0] == RUBRIK
    # Utanför en analys-mapp: SCB-datan följer med programmet, men avtalen hör till en analys-mapp.
    utanfor = subprocess.run(
        [*kommando, "fordelning", "--belopp", "400000", "--befolkningsdatum", "2020", "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=ROT.parent,
        env=env,
    )
    assert utanfor.returncode == 0, utanfor.stderr
    assert sum(int(r.split(",")[-1]) for r in utanfor.stdout.splitlines()[1:]) == 400_000
    avtal = subprocess.run(
        [*kommando, "fordelning", "--avtal", "2022"], capture_output=True, text=True, cwd=ROT.parent, env=env
    )
    assert avtal.returncode == 2 and "Ingen analys-mapp här" in avtal.stderr and "analys ny" in avtal.stderr
    fel = subprocess.run(
        [*kommando, "fordelning", "--belopp", "-1", "--befolkningsdatum", "2020"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert fel.returncode == 2
    assert fel.stderr.strip() == "analys: fel: Ogiltigt belopp '-1': beloppet kan inte vara negativt."


def test_written_files_get_normal_permissions(cli, tmp_path):
    import stat

    ut = tmp_path / "f.csv"
    assert cli("fordelning", "--avtal", "2024", "--format", "csv", "--ut", str(ut)).rc == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(ut.stat().st_mode) == 0o666 & ~umask


def test_absurd_amount_is_a_swedish_error_not_a_traceback(cli):
    r = cli("fordelning", "--belopp", "99999999999999999999", "--befolkningsdatum", "2020", "--format", "csv")
    assert r.rc == 2
    assert "Beloppet 99999999999999999999 kr är orimligt stort; högst 1 000 000 000 000 kr" in r.err
    assert "Traceback" not in r.err and r.out == ""


def test_unwritable_output_names_the_users_file(cli, tmp_path):
    fil = tmp_path / "en-fil"
    fil.write_text("x", encoding="utf-8")
    ut = fil / "fordelning.csv"  # en fil kan inte vara katalog
    r = cli("fordelning", "--avtal", "2024", "--format", "csv", "--ut", str(ut))
    assert r.rc == 2
    assert r.err.startswith(f"analys: fel: Kan inte skriva {ut}: ")
    assert ".tmp" not in r.err


def test_missing_agreement_file_is_named_as_given(cli, tmp_path):
    saknas = tmp_path / "mitt-avtal.yaml"
    r = cli("fordelning", "--avtal", str(saknas))
    assert r.rc == 2 and f"Filen {saknas} finns inte." in r.err


@pytest.mark.parametrize(
    ("flaggor", "forklaring"),
    [
        ([], "Kommunens andel är dess folkmängd delad med summan"),
        (
            ["--nyckel", "blandad", "--fast-andel", "0.3"],
            "30 % av beloppet delat lika mellan de deltagande kommunerna plus 70 %",
        ),
        (["--nyckel", "lika"], "lika stor andel: 1 delat med antalet deltagande kommuner"),
    ],
)
def test_the_share_is_explained_with_the_key_in_use(cli, flaggor, forklaring):
    r = cli("fordelning", "--avtal", "2024", *flaggor)
    assert r.rc == 0, r.err
    assert forklaring in r.out


def test_output_to_a_reader_that_stops_early_is_not_an_error():
    """`analys scenario --format csv | true`: när läsaren har slutat (som `head` gör) är det inget
    fel, och inget felmeddelande om en trasig pipe."""
    r = subprocess.run(
        f'"{sys.executable}" -m analys scenario --format csv | true; exit "${{PIPESTATUS[0]}}"',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_an_agreement_period_on_29_february_gives_a_clear_date_range(cli, tmp_path):
    """Ett avtal som börjar eller slutar en skottdag: marginalen ett år åt båda hållen blir den 28
    februari (förut ett programfel)."""
    avtal = tmp_path / "avtal.yaml"
    text = (Path(__file__).parents[1] / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8")
    avtal.write_text(
        text.replace("  fran: 2024-01-01", "  fran: 2024-02-29").replace("  till: 2024-12-31", "  till: 2028-02-29"),
        encoding="utf-8",
    )
    r = cli("faktura", "--avtal", str(avtal), "--fakturadatum", "2029-03-01", "--format", "csv")
    assert r.rc == 2
    assert "ange ett datum 2023-02-28–2029-02-28 (--fakturadatum)" in r.err and "Traceback" not in r.err
    r = cli("faktura", "--avtal", str(avtal), "--fakturadatum", "2029-02-28", "--format", "csv", "--tillat-datum")
    assert r.rc == 0, r.err
    assert sum(int(rad.split(",")[-3]) for rad in r.out.splitlines()[1:]) == 1_030_000


def test_weights_saved_by_excel_without_leading_zeros_are_read_like_other_csv_files(cli, tmp_path):
    """Excel sparar kommunkoden 0305 som 305; viktfilen läses då som aktivitets- och prognosfilerna."""
    vikter = tmp_path / "vikter.csv"
    vikter.write_text("kommunkod;vikt\n" + "".join(f"{k};1\n" for k in (305, 319, 330, 331, 360, 380, 381, 382)),
                      encoding="cp1252")  # fmt: skip
    r = cli("fordelning", "--belopp", "800000", "--lan", "03", "--befolkningsdatum", "2023", "--nyckel", "egen",
            "--vikter", str(vikter), "--format", "csv")  # fmt: skip
    assert r.rc == 0, r.err
    rader = list(csv.DictReader(io.StringIO(r.out)))
    assert {d["kommunkod"]: int(d["belopp"]) for d in rader}["0305"] == 100_000
    assert sum(int(d["belopp"]) for d in rader) == 800_000


def test_excel_csv_has_a_total_row_only_where_the_readme_says(cli):
    """README: fördelningen i excel-csv har en summarad; scenariot (tal av olika slag) och
    fakturaraderna (läses in rad för rad) har ingen."""
    sista = lambda *argv: cli(*argv, "--format", "excel-csv").out.rstrip("\r\n").splitlines()[-1]  # noqa: E731
    assert sista("fordelning", "--avtal", "2024") == ";Summa;288375;100,0000;1030000"
    assert "Summa" not in sista("scenario")
    assert "Summa" not in sista("faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15")
