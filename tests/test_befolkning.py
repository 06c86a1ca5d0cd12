from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import yaml

from analys.fel import AnalysError
from analys.indata.befolkning import (
    befolkning_dir,
    describe_kalla,
    load_befolkning,
    load_befolkning_alla,
    load_kommuner,
    parse_datum,
)
from analys.indata.paths import sha256
from tests.conftest import DALARNA, PM_2022_TABELL_1


def test_dalarna_2020_matches_the_memo_column():
    df = load_befolkning("20", "2020-12-31")
    assert list(df.columns) == ["kommunkod", "kommun", "lanskod", "datum", "folkmangd", "kalla"]
    assert dict(zip(df["kommun"], df["folkmangd"], strict=True)) == {k: p for k, (p, _) in PM_2022_TABELL_1.items()}
    assert int(df["folkmangd"].sum()) == 287676
    assert df["folkmangd"].dtype == "int64"
    assert list(df["kommunkod"]) == sorted(DALARNA)
    assert dict(zip(df["kommunkod"], df["kommun"], strict=True)) == DALARNA


def test_year_means_31_december():
    assert load_befolkning("20", 2020).equals(load_befolkning("20", "2020-12-31"))
    assert parse_datum("2020") == date(2020, 12, 31)


def test_half_year_2023_matches_the_2024_agreement_total():
    df = load_befolkning("20", "2023-06-30")
    assert int(df["folkmangd"].sum()) == 288375
    assert len(df) == 15
    assert describe_kalla(df).scb_tabell.startswith("TAB5444")


def test_2025_uses_region_dalarnas_reading_and_names_the_ckm_table():
    df = load_befolkning("20", 2025)
    assert int(df["folkmangd"].sum()) == 286031
    assert "CKM" in describe_kalla(df).scb_tabell


def test_dalarna_before_1990_comes_from_the_national_file():
    df = load_befolkning("20", 1980)
    assert len(df) == 15
    assert set(df["kalla"]) == {"data/befolkning/folkmangd_kommuner_31dec.csv"}


def test_every_lan_and_year_2002_on_has_all_its_kommuner():
    kommuner = load_kommuner()
    assert len(kommuner) == 290
    assert kommuner["lanskod"].nunique() == 21
    for lanskod, antal in kommuner.groupby("lanskod").size().items():
        assert len(load_befolkning(lanskod, 2024)) == antal


def test_national_sums_equal_published_totals():
    totals = pd.read_csv(befolkning_dir() / "riket_lan_totals_31dec.csv", dtype={"regionkod": str})
    alla = load_befolkning_alla()
    dec = alla[alla["datum"].dt.month == 12]
    for ar, riket in {2019: 10327589, 2020: 10379295, 2023: 10551707, 2024: 10587710}.items():
        assert int(dec.loc[dec["datum"].dt.year == ar, "folkmangd"].sum()) == riket
    # Varje läns summa 2024 stämmer med den publicerade totalen i källan.
    lan_2024 = totals[(totals["ar"] == 2024) & (totals["regionkod"] != "00")]
    for r in lan_2024.itertuples():
        assert int(load_befolkning(r.regionkod, 2024)["folkmangd"].sum()) == r.folkmangd_i_kallan


def test_kommun_not_yet_formed_is_absent_not_an_error():
    # Knivsta (0330) bildades 2003 och finns i serien från 31 december 2002.
    assert "0330" not in set(load_befolkning("03", 2001)["kommunkod"])
    assert "0330" in set(load_befolkning("03", 2002)["kommunkod"])


def test_missing_date_lists_the_dates_that_exist():
    with pytest.raises(AnalysError) as e:
        load_befolkning("20", "2019-06-30")
    assert str(e.value) == (
        "Befolkning saknas för Dalarnas län per 2019-06-30. Datum som finns för länet: "
        "31 december 1969–2025; 2002-06-30, 2012-06-30, 2017-06-30, 2023-06-30."
    )


def test_unknown_lan_is_named():
    with pytest.raises(AnalysError, match=r"Okänd länskod '99'. Giltiga länskoder: 01 Stockholms län"):
        load_befolkning("99", 2020)


@pytest.mark.parametrize("text", ["2020-13-01", "20201231", "i fjol", "2020-02-30"])
def test_bad_date_text(text):
    with pytest.raises(AnalysError, match=rf"Ogiltigt befolkningsdatum '{text}'"):
        parse_datum(text)


def test_bundled_files_match_their_metadata():
    meta = yaml.safe_load((befolkning_dir() / "metadata.yaml").read_text(encoding="utf-8"))
    assert set(meta) == {p.name for p in befolkning_dir().glob("*.csv")}
    for namn, post in meta.items():
        assert sha256(befolkning_dir() / namn) == post["sha256"], namn
        rubrik = (befolkning_dir() / namn).read_text(encoding="utf-8").splitlines()[0]
        assert rubrik.split(",") == post["kolumner"], namn


def test_every_dalarna_figure_has_a_source():
    dal = pd.read_csv(befolkning_dir() / "folkmangd_dalarna.csv", dtype=str, keep_default_na=False)
    assert (dal["kalla"].str.len() > 10).all()


def test_schema_drift_fails_loudly(datakatalog):
    fil = datakatalog / "befolkning" / "folkmangd_dalarna.csv"
    text = fil.read_text(encoding="utf-8").replace("folkmangd,kalla", "befolkning,kalla", 1)
    fil.write_text(text, encoding="utf-8")
    with pytest.raises(AnalysError, match=r"folkmangd_dalarna\.csv: oväntade kolumner"):
        load_befolkning("20", 2020)


def test_negative_population_in_data_is_caught_with_its_row(datakatalog):
    fil = datakatalog / "befolkning" / "folkmangd_dalarna.csv"
    rader = fil.read_text(encoding="utf-8").splitlines()
    rader[3] = rader[3].replace(",10453,", ",-10453,")
    fil.write_text("\n".join(rader) + "\n", encoding="utf-8")
    with pytest.raises(AnalysError, match=r"folkmangd_dalarna.csv rad 4: folkmängden '-10453'"):
        load_befolkning("20", 2020)


def test_duplicate_row_in_data_is_caught(datakatalog):
    fil = datakatalog / "befolkning" / "folkmangd_dalarna.csv"
    rader = fil.read_text(encoding="utf-8").splitlines()
    fil.write_text("\n".join([*rader, rader[1]]) + "\n", encoding="utf-8")
    with pytest.raises(AnalysError, match="kommun 2021 har mer än en rad för 1990-12-31"):
        load_befolkning("20", 2020)


def test_a_trend_reaching_back_before_a_kommun_existed_says_so():
    """Knivsta bildades 2003: en trend över 25 år från 2025 går tillbaka till 2000 (förut ett
    programfel, KeyError)."""
    from analys.begrepp import Befolkningsantagande
    from analys.indata.befolkning import befolkning_for_datum

    with pytest.raises(
        AnalysError,
        match=r"går tillbaka till 2000, då Knivsta \(0330\) inte fanns som kommun; ange ett mindre trend_ar",
    ):
        befolkning_for_datum("03", date(2030, 12, 31), Befolkningsantagande(metod="trend", trend_ar=25))
    assert len(befolkning_for_datum("03", date(2030, 12, 31), Befolkningsantagande(metod="trend", trend_ar=5))) == 8
