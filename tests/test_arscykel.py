"""Årscykeln: nästa års förslag ur antagandena, jämförelsen med förra avtalet, beslutet, listan och
historiken (`analys avtal …`). Varje test arbetar i en kopia av data/ (fixturen `datakatalog`)."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analys.begrepp import Avtal
from analys.berakning.avtal import JAMFOR_KOLUMNER, compute_befolkningsdatum, compute_effekter
from analys.fel import AnalysError
from analys.indata.avtal import avtal_yaml, check_avtal_yaml, load_avtal
from tests.lanmapp import ersatt_platshallare

HUVUD = "kommunkod,kommun,fore,efter,forandring,beloppseffekt,befolkningseffekt"


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _fast_kostnad(cli, ar: int) -> int:
    r = cli("scenario", "--scenario", "bas", "--fran", str(ar), "--till", str(ar), "--format", "csv")
    assert r.rc == 0, r.err
    return sum(int(rad["fast_kostnad"]) for rad in _csv(r.out))


def test_forslag_writes_a_proposal_whose_total_is_the_scenarios(cli, datakatalog):
    fore = _fast_kostnad(cli, 2025)
    r = cli("avtal", "forslag", "2025")
    assert r.rc == 0, r.err
    fil = datakatalog / "avtal" / "2025.yaml"
    text = fil.read_text(encoding="utf-8")
    assert "\nstatus: förslag\n" in text
    a, _ = load_avtal("2025")
    assert a.status == "förslag" and a.beslutat_av is None and a.beslutsdatum is None
    assert fore == a.belopp_kommuner == 1_060_900
    # Posterna: 850 000 och 180 000 kr i 2024, indexerade 3 %.
    assert [(k.roll, str(k.tjanst), k.belopp) for k in a.kostnader] == [
        ("Regional samordnare Yrkesresan och BBIC", "1", 875_500),
        ("Administrativt stöd", "0.25", 185_400),
    ]
    # Nyckel, betalningsvillkor och period ur avtalet 2024; villkoren med den nya perioden.
    assert (a.nyckel.value, a.fakturering.betalningsvillkor_dagar) == ("befolkning", 30)
    assert (a.period.fran.isoformat(), a.period.till.isoformat()) == ("2025-01-01", "2025-12-31")
    assert a.villkor[0] == "Avtalet gäller 2025-01-01–2025-12-31 och upphör utan uppsägning."
    # 30 juni 2024 finns inte bland siffrorna; den senaste före 2025 är 31 december 2024, och filen säger varför.
    assert a.befolkningsdatum.isoformat() == "2024-12-31"
    assert "30 juni 2024" in a.befolkningsdatum_val and "finns inte" in a.befolkningsdatum_val
    assert "Befolkningsdatum 2024-12-31" in text
    # Scenariot räknar 2025 som förut: förslaget är beräknat tills det fastställs.
    assert _fast_kostnad(cli, 2025) == fore
    assert "Belopp (förslag)" in r.out and "enligt avtal" not in r.out


def test_fordelning_of_a_proposal_says_forslag_never_enligt_avtal(cli, datakatalog, tmp_path):
    assert cli("avtal", "forslag", "2025").rc == 0
    for fmt in ("tabell", "excel-csv", "json"):
        r = cli("fordelning", "--avtal", "2025", "--format", fmt)
        assert r.rc == 0, r.err
        assert "förslag" in r.out and "enligt avtal" not in r.out, fmt
    assert json.loads(cli("fordelning", "--avtal", "2025", "--format", "json").out)["metadata"]["slag"] == "förslag"
    huvud = cli("fordelning", "--avtal", "2025", "--format", "excel-csv").out.lstrip("\ufeff").splitlines()[0]
    assert huvud.split(";")[-1] == "Belopp (förslag) (kr)"
    assert json.loads(cli("fordelning", "--avtal", "2024", "--format", "json").out)["metadata"]["slag"] == (
        "enligt avtal"
    )


def test_jamfor_csv_splits_the_change_exactly(cli, datakatalog):
    assert cli("avtal", "forslag", "2025").rc == 0
    r = cli("avtal", "jamfor", "2025", "--mot", "2024", "--format", "csv")
    assert r.rc == 0, r.err
    assert r.out.splitlines()[0] == HUVUD
    rader = _csv(r.out)
    assert len(rader) == 15
    for rad in rader:
        v = {k: int(rad[k]) for k in JAMFOR_KOLUMNER[2:]}
        assert v["forandring"] == v["efter"] - v["fore"] == v["beloppseffekt"] + v["befolkningseffekt"], rad
    summa = {k: sum(int(rad[k]) for rad in rader) for k in JAMFOR_KOLUMNER[2:]}
    assert summa == {
        "fore": 1_030_000,
        "efter": 1_060_900,
        "forandring": 30_900,
        "beloppseffekt": 30_900,
        "befolkningseffekt": 0,
    }
    falun = next(rad for rad in rader if rad["kommun"] == "Falun")
    assert (falun["fore"], falun["efter"]) == ("214001", "221939")
    # Utan --mot: det senaste avtalet före året (2024), samma tal.
    assert cli("avtal", "jamfor", "2025", "--format", "csv").out == r.out


def test_jamfor_with_the_same_population_has_no_population_effect(cli, datakatalog):
    """Förslaget 2025 på samma befolkning (30 juni 2023) och nyckel som avtalet 2024: hela
    förändringen är beloppseffekt, för varje kommun, utan ±1 kr av avrundningen."""
    assert cli("avtal", "forslag", "2025", "--befolkningsdatum", "2023-06-30").rc == 0
    rader = _csv(cli("avtal", "jamfor", "2025", "--mot", "2024", "--format", "csv").out)
    assert len(rader) == 15
    assert [r["befolkningseffekt"] for r in rader] == ["0"] * 15
    assert all(r["beloppseffekt"] == r["forandring"] for r in rader)


def test_jamfor_without_a_kommun_that_does_not_sign(cli, datakatalog):
    assert cli("avtal", "forslag", "2025").rc == 0
    rader = _csv(cli("avtal", "jamfor", "2025", "--exkludera", "Älvdalen", "--format", "csv").out)
    alv = next(rad for rad in rader if rad["kommun"] == "Älvdalen")
    assert (alv["efter"], alv["forandring"]) == ("0", "-24824")
    assert sum(int(rad["efter"]) for rad in rader) == 1_060_900
    assert sum(int(rad["befolkningseffekt"]) for rad in rader) == 0
    tabell = cli("avtal", "jamfor", "2025", "--exkludera", "2039").out
    assert "om 2039 Älvdalen inte skriver under" in tabell
    # Beloppen utan Älvdalen står inte i något avtal eller förslag: de är beräknade, i varje format.
    assert "2025 (beräknat)" in tabell and "Förändring (avtal → beräknat)" in tabell
    assert "2025 (förslag)" not in tabell
    utan = cli("avtal", "jamfor", "2025", "--format", "excel-csv").out
    assert "2025 (förslag) (kr)" in utan
    excel = cli("avtal", "jamfor", "2025", "--exkludera", "2039", "--format", "excel-csv").out
    assert "2025 (beräknat) (kr);Förändring (avtal → beräknat) (kr)" in excel and "förslag" not in excel
    r = cli("avtal", "jamfor", "2025", "--exkludera", "Stockholm")
    assert r.rc == 2 and "Stockholm" in r.err


def test_jamfor_formats(cli, datakatalog, tmp_path):
    assert cli("avtal", "forslag", "2025").rc == 0
    ecsv = cli("avtal", "jamfor", "2025", "--format", "excel-csv").out
    rader = ecsv.lstrip("\ufeff").splitlines()
    assert rader[0].split(";")[2:4] == ["2024 (enligt avtal) (kr)", "2025 (förslag) (kr)"]
    assert rader[-1].split(";")[:5] == ["", "Summa", "1030000", "1060900", "30900"]
    ut = tmp_path / "jamfor.xlsx"
    assert cli("avtal", "jamfor", "2025", "--format", "xlsx", "--ut", str(ut)).rc == 0
    from openpyxl import load_workbook

    ws = load_workbook(ut)["Jämförelse"]
    varden = [str(c.value) for rad in ws.iter_rows() for c in rad if c.value is not None]
    assert "2025 (förslag)" in varden and "Beloppseffekt (avtal → förslag)" in varden
    assert cli("avtal", "jamfor", "2025", "--format", "xlsx").rc == 2


def test_faststall_makes_the_same_figures_enligt_avtal(cli, datakatalog):
    assert cli("avtal", "forslag", "2025").rc == 0
    fore_csv = cli("fordelning", "--avtal", "2025", "--format", "csv").out
    r = cli("avtal", "faststall", "2025", "--beslutsdatum", "2024-11-20")
    assert r.rc == 0, r.err
    a, _ = load_avtal("2025")
    assert (a.status, a.beslutat_av, a.beslutsdatum.isoformat()) == ("fastställt", "Socialchefsnätverket", "2024-11-20")
    assert a.belopp_kommuner == 1_060_900 and "ännu inte fastställt" not in a.kalla
    assert cli("fordelning", "--avtal", "2025", "--format", "csv").out == fore_csv
    tabell = cli("fordelning", "--avtal", "2025").out
    assert "Fördelning enligt avtal" in tabell and "förslag" not in tabell
    # Kopian av förslaget ligger bredvid och läses inte som ett avtal.
    kopior = list((datakatalog / "avtal").glob("2025.yaml.*.bak"))
    assert len(kopior) == 1 and "status: förslag" in kopior[0].read_text(encoding="utf-8")
    # Nu är 2025 enligt avtal i scenarierna.
    underlag = next(
        r for r in cli("scenario", "--fran", "2025", "--till", "2025").out.splitlines() if r.startswith("Underlag")
    )
    assert underlag.split()[1:] == ["enligt", "avtal"]
    again = cli("avtal", "faststall", "2025", "--beslutsdatum", "2024-11-20")
    assert again.rc == 2 and "redan fastställt" in again.err
    assert cli("avtal", "faststall", "2025", "--beslutsdatum", "20 november").rc == 2


def test_faststall_names_the_decision_body_and_checks_the_date(cli, datakatalog, tmp_path, monkeypatch):
    """Vem som beslutat: `beslutande` i analys.yaml (standard Socialchefsnätverket) eller
    --beslutat-av. Ett beslut i framtiden är ett fel (inget ändras); ett beslut före dagen förslaget
    skrevs ger en varning."""
    from datetime import date, timedelta

    ar = str(date.today().year + 1)  # nästa år: idag och imorgon ligger före periodens slut
    assert cli("avtal", "forslag", ar).rc == 0
    forslaget = (datakatalog / "avtal" / f"{ar}.yaml").read_text(encoding="utf-8")
    imorgon = (date.today() + timedelta(days=1)).isoformat()
    r = cli("avtal", "faststall", ar, "--beslutsdatum", imorgon)
    assert r.rc == 2 and f"--beslutsdatum {imorgon} ligger i framtiden" in r.err
    assert (datakatalog / "avtal" / f"{ar}.yaml").read_text(encoding="utf-8") == forslaget
    r = cli("avtal", "faststall", ar, "--beslutsdatum", "2024-11-20")
    assert r.rc == 0, r.err
    assert f"Obs: beslutsdatumet 2024-11-20 ligger före dagen förslaget skrevs ({date.today().isoformat()}" in r.out
    assert "beslutat av Socialchefsnätverket 20 november 2024" in r.out
    assert load_avtal(ar)[0].beslutat_av == "Socialchefsnätverket"
    # En egen beslutande, i analys.yaml eller med --beslutat-av; förslaget samma dag: ingen varning.
    mapp = tmp_path / "mapp"
    mapp.mkdir()
    (mapp / "analys.yaml").write_text('namn: RSS X\nlan: "20"\nbeslutande: Välfärdsrådet\n', encoding="utf-8")
    (datakatalog / "avtal" / f"{ar}.yaml").write_text(forslaget, encoding="utf-8")
    import shutil

    shutil.copytree(datakatalog, mapp / "data")
    monkeypatch.chdir(mapp)
    monkeypatch.delenv("ANALYS_DATA")
    idag = date.today().isoformat()
    r = cli("avtal", "faststall", ar, "--beslutsdatum", idag)
    assert r.rc == 0, r.err
    assert "beslutat av Välfärdsrådet" in r.out and "Obs" not in r.out
    assert load_avtal(ar)[0].beslutat_av == "Välfärdsrådet"
    (mapp / "data" / "avtal" / f"{ar}.yaml").write_text(forslaget, encoding="utf-8")
    r = cli("avtal", "faststall", ar, "--beslutsdatum", idag, "--beslutat-av", "Styrgruppen")
    assert r.rc == 0 and load_avtal(ar)[0].beslutat_av == "Styrgruppen"


def test_a_proposal_is_computed_until_it_is_decided(cli, datakatalog):
    """Ett förslag med andra belopp än modellens ändrar inte scenariot; fastställt gäller det."""
    assert cli("avtal", "forslag", "2025").rc == 0
    fil = datakatalog / "avtal" / "2025.yaml"
    fil.write_text(fil.read_text(encoding="utf-8").replace("belopp: 875500", "belopp: 900000"), encoding="utf-8")
    assert load_avtal("2025")[0].belopp_kommuner == 1_085_400
    assert _fast_kostnad(cli, 2025) == 1_060_900
    underlag = next(
        r for r in cli("scenario", "--fran", "2025", "--till", "2025").out.splitlines() if r.startswith("Underlag")
    )
    assert underlag.split()[1:] == ["beräknat"]
    assert cli("avtal", "faststall", "2025", "--beslutsdatum", "2024-11-20").rc == 0
    assert _fast_kostnad(cli, 2025) == 1_085_400


def test_forslag_never_overwrites_without_skriv_over_and_never_an_agreement(cli, datakatalog):
    assert cli("avtal", "forslag", "2025").rc == 0
    fil = datakatalog / "avtal" / "2025.yaml"
    innan = fil.read_bytes()
    r = cli("avtal", "forslag", "2025", "--scenario", "okning")
    assert r.rc == 2 and "--skriv-over" in r.err and fil.read_bytes() == innan
    assert cli("avtal", "forslag", "2025", "--skriv-over").rc == 0
    r = cli("avtal", "forslag", "2024", "--skriv-over")
    assert r.rc == 2 and "fastställt avtal" in r.err
    assert sorted(p.name for p in (datakatalog / "avtal").iterdir()) == ["2022.yaml", "2024.yaml", "2025.yaml"]
    r = cli("avtal", "forslag", "2025", "--skriv-over", "--befolkningsdatum", "2024-06-30")
    assert r.rc == 2 and "2024-06-30" in r.err
    assert cli("avtal", "forslag", "2025", "--skriv-over", "--befolkningsdatum", "2023-06-30").rc == 0
    a, _ = load_avtal("2025")
    assert a.befolkningsdatum.isoformat() == "2023-06-30" and a.befolkningsdatum_val == "angivet med --befolkningsdatum"
    r = cli("avtal", "forslag", "2025", "--skriv-over", "--scenario", "finnsinte")
    assert r.rc == 2 and "finnsinte" in r.err


def test_a_proposal_is_not_invoiced(cli, datakatalog):
    assert cli("avtal", "forslag", "2025").rc == 0
    r = cli("faktura", "--avtal", "2025", "--fakturadatum", "2025-02-15")
    assert r.rc == 2 and "förslag" in r.err and "faststall" in r.err


def test_lista_and_historik(cli, datakatalog):
    assert cli("avtal", "forslag", "2025").rc == 0
    lista = cli("avtal", "lista").out.splitlines()
    assert lista[0].split()[:2] == ["År", "Status"]
    rad = {r.split()[0]: r for r in lista[1:]}
    assert "förslag, ej fastställt" in rad["2025"] and "1 060 900 kr (förslag)" in rad["2025"]
    assert "1 030 000 kr (enligt avtal)" in rad["2024"] and "2023-06-30" in rad["2024"]
    # Beslutet: aldrig en tom kolumn (2024 säger inte när det beslutades; 2025 är ett förslag).
    assert "ej angivet i avtalet" in rad["2024"] and "– (inte beslutat)" in rad["2025"]
    r = cli("avtal", "historik", "--format", "csv")
    assert r.out.splitlines()[0] == "ar,slag,kommunkod,kommun,belopp,befolkningsdatum,nyckel"
    df = pd.read_csv(io.StringIO(r.out), dtype={"kommunkod": str})
    assert df.groupby("ar")["belopp"].sum().to_dict() == {2022: 400_000, 2024: 1_030_000, 2025: 1_060_900}
    assert df.groupby("ar")["slag"].first().to_dict() == {2022: "enligt avtal", 2024: "enligt avtal", 2025: "förslag"}
    falun = df[df["kommun"] == "Falun"].set_index("ar")
    assert falun.loc[2022, "belopp"] == 82_771 and falun.loc[2024, "belopp"] == 214_001
    assert falun.loc[2024, "befolkningsdatum"] == "2023-06-30"
    tabell = cli("avtal", "historik").out
    assert "2022 (enligt avtal)" in tabell and "2025 (förslag)" in tabell
    assert "; folkmängd 30 juni 2023; fördelat efter folkmängd." in tabell  # 2024, i löptext på svenska
    ecsv = cli("avtal", "historik", "--format", "excel-csv").out
    assert ecsv.startswith("\ufeffÅr;Underlag;Kommunkod;Kommun;Belopp (kr);Folkmängd per;Fördelningsnyckel\r\n")


def test_the_year_round_works_in_a_new_folder_for_another_lan(cli, tmp_path, monkeypatch):
    from analys.indata.befolkning import clear_cache

    monkeypatch.delenv("ANALYS_DATA", raising=False)
    assert cli("ny", str(tmp_path / "vb"), "--lan", "24").rc == 0
    monkeypatch.chdir(tmp_path / "vb")
    clear_cache()
    assert cli("avtal", "forslag", "2027").rc == 0
    a, _ = load_avtal("2027")
    assert a.lan == "24" and a.forslag and a.exempel
    assert _fast_kostnad(cli, 2027) == a.belopp_kommuner
    assert "enligt avtal" not in cli("fordelning", "--avtal", "2027").out
    # mallens avtal 2026 har platshållare: det står aldrig som ett fastställt avtal bland de verkliga
    lista = {r.split()[0]: r for r in cli("avtal", "lista").out.splitlines() if r[:1].isdigit()}
    assert (
        "fastställt, påhittat exempel" in lista["2026"] and "förslag, ej fastställt, påhittat exempel" in lista["2027"]
    )
    rader = _csv(cli("avtal", "jamfor", "2027", "--format", "csv").out)
    assert sum(int(r["forandring"]) for r in rader) == a.belopp_kommuner - load_avtal("2026")[0].belopp_kommuner
    # förslaget bygger på mappens platshållare och fastställs inte förrän de är ersatta
    vagran = cli("avtal", "faststall", "2027", "--beslutsdatum", "2026-11-20")
    assert vagran.rc == 2 and "Avtalet 2027 fastställs inte: " in vagran.err
    ersatt_platshallare(tmp_path / "vb")
    assert cli("avtal", "faststall", "2027", "--beslutsdatum", "2026-11-20").rc == 0
    assert "Fördelning enligt avtal" in cli("fordelning", "--avtal", "2027").out
    clear_cache()


# --- det rena ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12),
    st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=12),
)
def test_effects_add_up_per_kommun_and_in_total(fore, efter):
    n = max(len(fore), len(efter))
    koder = [f"{2000 + i}" for i in range(n)]
    f = pd.DataFrame({"kommunkod": koder[: len(fore)], "kommun": koder[: len(fore)], "belopp": fore})
    e = pd.DataFrame({"kommunkod": koder[: len(efter)], "kommun": koder[: len(efter)], "belopp": efter})
    d = compute_effekter(f, e)
    assert list(d.columns) == JAMFOR_KOLUMNER
    assert (d["forandring"] == d["efter"] - d["fore"]).all()
    assert (d["forandring"] == d["beloppseffekt"] + d["befolkningseffekt"]).all()
    total = sum(efter) - sum(fore)
    assert int(d["forandring"].sum()) == total
    if sum(fore):
        # Beloppseffekten är totalens förändring fördelad som förra året, inom en krona per kommun.
        assert int(d["beloppseffekt"].sum()) == total
        assert int(d["befolkningseffekt"].sum()) == 0
        for b, fb in zip(d["beloppseffekt"], d["fore"], strict=True):
            assert abs(b - total * fb / sum(fore)) < 1
    else:
        assert (d["befolkningseffekt"] == 0).all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=250_000), min_size=1, max_size=20),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10**7),
)
def test_same_shares_give_no_population_effect_not_even_one_krona(folk, fore_total, efter_total):
    """Samma befolkning och nyckel båda åren: hela förändringen är beloppseffekt, för varje kommun
    exakt (befolkningseffekten 0, inte ±1 kr av avrundningen), och delarna går jämnt upp."""
    from analys.berakning.fordelning import compute_fordelning

    koder = [f"{2000 + i}" for i in range(len(folk))]
    bef = pd.DataFrame({"kommunkod": koder, "kommun": koder, "folkmangd": folk})
    fore, efter = compute_fordelning(bef, fore_total), compute_fordelning(bef, efter_total)
    d = compute_effekter(fore, efter, som_forr=compute_fordelning(bef, efter_total))
    assert (d["befolkningseffekt"] == 0).all()
    assert (d["beloppseffekt"] == d["forandring"]).all()
    assert int(d["beloppseffekt"].sum()) == efter_total - fore_total


def test_population_date_rule():
    from datetime import date

    d, varfor = compute_befolkningsdatum(date(2023, 6, 30), 2024, 2025, [date(2024, 6, 30), date(2024, 12, 31)])
    assert d == date(2024, 6, 30) and "samma tidpunkt" in varfor
    d, varfor = compute_befolkningsdatum(date(2023, 6, 30), 2024, 2026, [date(2024, 12, 31), date(2026, 12, 31)])
    assert d == date(2024, 12, 31) and "30 juni 2025" in varfor and "finns inte" in varfor
    with pytest.raises(AnalysError):
        compute_befolkningsdatum(None, None, 2025, [])


@pytest.mark.parametrize("ar", ["2022", "2024"])
def test_the_writer_gives_back_the_same_agreement_through_the_strict_reader(ar):
    a, _ = load_avtal(ar)
    assert check_avtal_yaml(avtal_yaml(a, huvud="rad ett\nrad två"), "test.yaml") == a
    assert a.status == "fastställt" and a.slag == "enligt avtal"


def test_a_proposal_cannot_carry_a_decision():
    a, _ = load_avtal("2024")
    with pytest.raises(ValueError, match="ett förslag har inget beslut"):
        Avtal.model_validate({**a.model_dump(), "status": "förslag", "beslutsdatum": "2024-11-20"})
    with pytest.raises(AnalysError, match="status"):
        check_avtal_yaml(avtal_yaml(a).replace("status: fastställt", "status: utkast"), "x.yaml")


def test_historik_report_pieces(cli, datakatalog, tmp_path):
    """Rapportens och kommunbladets delar: HTML per kommun utan summa över avtalen, och arbetsboken."""
    from openpyxl import load_workbook

    from analys.flode import avtal as flode_avtal
    from analys.rapporter import avtal as ra

    assert cli("avtal", "forslag", "2025").rc == 0
    rader, df = flode_avtal.lista(), flode_avtal.historik()
    falun = ra.html_kommun_historik(df, "2080").replace("\xa0", " ")
    assert "82 771 kr" in falun and "214 001 kr" in falun and "221 939 kr" in falun
    assert "förslag" in falun and 'class="summa"' not in falun
    assert "2025 (förslag)" in ra.html_historik(df)
    assert "fastställt av" not in ra.describe_historik(rader) and "2025" in ra.describe_historik(rader)
    ut = tmp_path / "historik.xlsx"
    ra.write_historik_workbook(df, rader, ut, None)
    wb = load_workbook(ut)
    assert wb.sheetnames == ["Historik", "Avtal", "Källor"]
    ws = wb["Historik"]
    rubriker = [c.value for c in ws[next(r for r in range(1, 12) if ws.cell(row=r, column=1).value == "Kommunkod")]]
    assert rubriker == ["Kommunkod", "Kommun", "2022 (enligt avtal)", "2024 (enligt avtal)", "2025 (förslag)"]
    tom = flode_avtal.historik().iloc[0:0]
    assert ra.html_kommun_historik(tom, "2080") == "<p>Inga avtal i data/avtal/ ännu.</p>"


# --- förslagsrapporten ------------------------------------------------------------------------------

RAPPORTPOST = (
    "\n  # Förslaget till avtal 2025 inför beslutet (lagt till av analys avtal forslag 2025).\n"
    "  - namn: avtalsforslag-2025\n"
    "    notebook: avtalsforslag.ipynb\n"
    '    parametrar: {avtal: "2025"}\n'
)


def test_forslag_adds_its_report_to_the_report_file_once_keeping_the_comments(cli, datakatalog):
    from analys.korning.rapportfil import load_korningar

    fil = datakatalog / "rapporter.yaml"
    fore = fil.read_text(encoding="utf-8")
    r = cli("avtal", "forslag", "2025")
    assert r.rc == 0, r.err
    assert fil.read_text(encoding="utf-8") == fore.rstrip("\n") + "\n" + RAPPORTPOST
    assert r.out.splitlines()[-1] == (
        "La till rapporten avtalsforslag-2025 (förslaget inför beslutet) sist i data/rapporter.yaml: "
        "analys rapport --bara avtalsforslag-2025"
    )
    k = load_korningar()[-1]
    assert (k.namn, k.notebook.name, k.parametrar) == ("avtalsforslag-2025", "avtalsforslag.ipynb", {"avtal": "2025"})
    # Igen (ett nytt förslag): posten finns, filen lämnas som den är, och det sägs.
    efter = fil.read_bytes()
    r = cli("avtal", "forslag", "2025", "--skriv-over", "--scenario", "okning")
    assert r.rc == 0, r.err
    assert fil.read_bytes() == efter
    assert "Rapporten avtalsforslag-2025 finns redan i data/rapporter.yaml och lämnades som den var" in r.out


def test_forslag_that_cannot_add_its_report_writes_nothing(cli, datakatalog):
    fil = datakatalog / "rapporter.yaml"
    fil.write_text("rapporter: [{namn: a, notebook: fordelning.ipynb}]\n", encoding="utf-8")
    r = cli("avtal", "forslag", "2025")
    assert r.rc == 2 and "lägg till rapporten avtalsforslag-2025 för hand" in r.err
    assert not (datakatalog / "avtal" / "2025.yaml").exists()
    assert fil.read_text(encoding="utf-8") == "rapporter: [{namn: a, notebook: fordelning.ipynb}]\n"
    # Utan rapportfil skrivs en med förslagets rapport, och en annan scenario följer med som parameter.
    fil.unlink()
    assert cli("avtal", "forslag", "2025", "--scenario", "okning").rc == 0
    from analys.indata.rapportfil import read_rapportfil

    (post,) = read_rapportfil().rapporter
    assert (post.namn, post.parametrar) == ("avtalsforslag-2025", {"avtal": "2025", "scenario": "okning"})


def test_proposal_report_pieces(cli, datakatalog, tmp_path):
    """Förslagsrapportens tal för 2025 (scenariot bas): posterna och hur de räknats, jämförelsen
    med 2024, känsligheten, förra avtalets (påhittade) uppföljning, arbetsboken märkt FÖRSLAG; och
    efter beslutet samma rapport utan märkning och utan känslighet."""
    from openpyxl import load_workbook

    from analys.flode.avtalsrapporter import forslagsrapport
    from analys.rapporter import avtalsforslag as rf
    from analys.rapporter.kallor import proveniens
    from analys.rapporter.tabeller import FORSLAG

    assert cli("avtal", "forslag", "2025").rc == 0
    r = forslagsrapport(2025)
    # Uppföljningen av 2024 bygger på det påhittade exemplet: förslaget, på riktiga tal, citerar den
    # inte (det skulle märka hela beslutsunderlaget påhittat) utan säger varför.
    assert r.forslag and not r.pahittat and r.uppfoljning is None
    assert rf.describe_uppfoljning(r) == (
        "Uppföljningen av avtalet 2024 (rapporten uppfoljning-2024-pahittat-exempel) bygger på ett påhittat "
        "exempelunderlag (data/exempel/uppfoljning-2024), så dess resultat visas inte här. När det riktiga "
        "underlaget är ifyllt: ange det som underlag för rapporten i data/rapporter.yaml."
    )
    # Med ett riktigt underlag (samma siffror, utanför data/exempel/) visas resultatet, omärkt.
    shutil.copytree(datakatalog / "exempel" / "uppfoljning-2024", datakatalog / "uppfoljning-2024")
    rapportfil = datakatalog / "rapporter.yaml"
    text = rapportfil.read_text(encoding="utf-8")
    assert "underlag: data/exempel/uppfoljning-2024}" in text
    rapportfil.write_text(text.replace("underlag: data/exempel/uppfoljning-2024}", "underlag: data/uppfoljning-2024}"))
    r = forslagsrapport(2025)
    assert r.forslag and not r.pahittat and r.uppfoljning is not None
    s = r.sammansattning
    assert s.stammer and s.modellbelopp == 1_060_900 and s.nya_resor == () and [x.nr for x in s.igang] == [1, 2]
    assert [(p.belopp, p.forklaring) for p in s.poster] == [
        (875_500, "1,0 tjänst × 850 000 kr per tjänst 2024"),
        (185_400, "0,25 tjänst × 720 000 kr per tjänst 2024"),
    ]
    assert rf.describe(r).startswith("Förslaget: kommunerna betalar **1 060 900 kr** (förslag) för 2025.")
    assert "Det är +30 900 kr (3,0 %) mot avtalet 2024 (1 030 000 kr, enligt avtal)" in rf.describe(r)
    summa = r.jamforelse.df[["fore", "efter", "forandring", "beloppseffekt", "befolkningseffekt"]].sum().to_dict()
    assert summa == {"fore": 1_030_000, "efter": 1_060_900, "forandring": 30_900, "beloppseffekt": 30_900,
                     "befolkningseffekt": 0}  # fmt: skip
    effekt = r.kanslighet.groupby("etikett")[["effekt_lag", "effekt_hog"]].sum().T.to_dict("list")
    assert effekt["Indexering per år"] == [-15_450, 15_450]
    assert effekt["Kostnad per tjänst (faktor)"] == [-106_090, 159_135]
    assert effekt["Förskjutning av lanseringar (månader)"] == [43_775, 0]
    assert rf.describe_uppfoljning(r) == (
        "Överskott 2024 (avtal + utfall): 217 000 kr tillföll regionen enligt avtalet (rapporten "
        "uppfoljning-2024-pahittat-exempel, underlaget data/uppfoljning-2024). Resultatet är preliminärt "
        "tills året är avslutat."
    )
    ut = tmp_path / "forslag.xlsx"
    rf.write_forslag_workbook(r, proveniens([("Avtal", "test")]), ut)
    wb = load_workbook(ut)
    assert wb.sheetnames == ["Förslag", "Per kommun", "Känslighet", "Källor"]
    for ws in wb.worksheets:
        assert ws["A1"].value == FORSLAG, ws.title
        assert FORSLAG in ws.oddHeader.left.text, ws.title
    cachat = load_workbook(ut, data_only=True)["Per kommun"]
    assert [c.value for c in cachat[22]][1:] == ["Summa", 1_030_000, 1_060_900, 30_900, 30_900, 0]  # rad 1: märkningen

    assert cli("avtal", "faststall", "2025", "--beslutsdatum", "2024-11-20").rc == 0
    r = forslagsrapport(2025)
    assert not r.forslag and r.kanslighet is None
    assert rf.titel(r) == "Avtal 2025: Regional samordning Yrkesresan och BBIC 2025 (fastställt)"
    assert rf.describe(r).startswith("Avtalet fastställdes av Socialchefsnätverket 20 november 2024: kommunerna")
    assert "förändringen: båda enligt avtal." in rf.describe(r)
    rf.write_forslag_workbook(r, proveniens([("Avtal", "test")]), ut)
    wb = load_workbook(ut)
    assert wb.sheetnames == ["Avtal", "Per kommun", "Källor"]
    assert wb["Avtal"]["A1"].value == "Avtal 2025: Regional samordning Yrkesresan och BBIC 2025 (fastställt)"
