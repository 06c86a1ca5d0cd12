"""SCB-klienten utan nätverk: HTTP fångas i transportlagret med `responses`, eller går till en
lokal SCB-server på 127.0.0.1 (tests/scb_svar.py) som svarar ur SCB:s inspelade svar.

Varje test använder tabellernas verkliga metadata (tests/fixtures/scb/, SCB:s egna svar; TAB5444
byggd ur TAB638:s, se tests/scb_svar.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import socket
import struct
import threading
import time
from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest
import requests
import responses
import yaml

from analys.indata.scb import BAS_URL, Period, ScbClient, ScbError, build_selection, parse_data, parse_manad, route
from analys.indata.scbtabeller import UrvalsFel, kommunbildningar, lansbyten, total
from tests import scb_svar
from tests.conftest import DALARNA

DALARNA_REGION = ["20", *sorted(DALARNA)]


@pytest.fixture
def sovningar(monkeypatch):
    """Ingen riktig väntan i testerna; väntetiderna sparas."""
    import analys.indata.scb

    tider: list[float] = []
    monkeypatch.setattr(analys.indata.scb.time, "sleep", lambda s: tider.append(s))
    return tider


def ogonblick(katalog: Path) -> dict[str, str]:
    """SHA-256 för varje fil under katalogen: för att se att inget ändrats."""
    return {
        str(p.relative_to(katalog)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(katalog.rglob("*"))
        if p.is_file()
    }


def bundlat(kod: str, period: str) -> int:
    return scb_svar.medfoljande(kod, period)


def registrera(
    rsps,
    varde=bundlat,
    utan: set[str] = frozenset(),
    tabeller=("TAB638", "TAB5557", "TAB5444", "TAB6471", "TAB6008"),
    lanstotal=None,
):
    rsps.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    for t in tabeller:
        rsps.add(responses.GET, f"{BAS_URL}/tables/{t}/metadata", json=scb_svar.metadata(t))

    def svar(request):
        tabell = re.search(r"/tables/(\w+)/data", request.url).group(1)
        urval = {s["variableCode"]: s["valueCodes"] for s in json.loads(request.body)["selection"]}
        return 200, {}, json.dumps(scb_svar.data(tabell, urval, varde, utan, lanstotal), ensure_ascii=False)

    rsps.add_callback(responses.POST, re.compile(rf"{re.escape(BAS_URL)}/tables/\w+/data.*"), callback=svar)


def fragor(rsps) -> dict[str, dict[str, list[str]]]:
    ut = {}
    for c in rsps.calls:
        if c.request.method == "POST":
            tabell = re.search(r"/tables/(\w+)/data", c.request.url).group(1)
            ut[tabell] = {s["variableCode"]: s["valueCodes"] for s in json.loads(c.request.body)["selection"]}
    return ut


# --- tabellval och urval ur de verkliga metadata ----------------------------------------------------


@pytest.mark.parametrize(
    ("period", "tabell"),
    [
        (Period("31dec", "2020", date(2020, 12, 31)), "TAB638"),
        (Period("31dec", "2024", date(2024, 12, 31)), "TAB638"),
        (Period("31dec", "2025", date(2025, 12, 31)), "TAB5557"),
        (parse_manad("2000M01"), "TAB5444"),
        (parse_manad("2024M12"), "TAB5444"),
        (parse_manad("2025M01"), "TAB6471"),
        (parse_manad("2026-04"), "TAB6471"),
        (Period("prognos", "", date(2100, 12, 31)), "TAB6008"),
    ],
)
def test_period_goes_to_the_right_table(period, tabell):
    assert route(period) == tabell


@pytest.mark.parametrize(
    ("tabell", "period", "valt"),
    [
        # Civilstånd och kön saknar total men är hela delar: de utelämnas och SCB summerar dem.
        ("TAB638", "2024", {"Alder": ["tot"], "ContentsCode": ["BE0101N1"]}),
        # Fyra åldrar heter "totalt, samtliga åldrar"; TotSA väljs. Kön får elimineras men har en total.
        ("TAB5557", "2025", {"Civilstand": ["SC"], "Alder": ["TotSA"], "Kon": ["TotSa"], "ContentsCode": ["000007ME"]}),
        # Ålder (0–99, 100+) och kön (1, 2) utan total utelämnas; innehållet heter "Antal".
        ("TAB5444", "2023M06", {"ContentsCode": ["000003O5"]}),
        ("TAB6471", "2025M06", {"Alder": ["TotSA"], "Kon": ["TotSa"], "ContentsCode": ["000007SF"]}),
        # 83 "total" väljs: utan den skulle SCB summera 13, 23 och 83, dubbla folkmängden.
        ("TAB6008", "2030", {"InrikesUtrikes": ["83"], "ContentsCode": ["000005RC"]}),
    ],
)
def test_the_exact_selection_from_each_tables_real_metadata(tabell, period, valt):
    urval = build_selection(scb_svar.metadata(tabell), tabell, "20", [period, period])
    assert urval == {"Region": DALARNA_REGION, **valt, "Tid": [period]}
    assert list(urval) == [d for d in scb_svar.metadata(tabell)["id"] if d in urval]  # tabellens ordning


def test_region_uses_scbs_index_not_the_key_order():
    # I TAB638:s inspelade metadata står "2021" före "00" bland nycklarna; ordningen är index.
    meta = scb_svar.metadata("TAB638")
    assert next(iter(meta["dimension"]["Region"]["category"]["index"])) != "00"
    assert build_selection(meta, "TAB638", "01", ["2024"])["Region"][:3] == ["01", "0114", "0115"]


def test_missing_period_in_the_real_metadata():
    meta = scb_svar.metadata("TAB6471")
    with pytest.raises(ScbError, match=r"SCB \(TAB6471\): tabellen saknar perioden 2027M01; den har 2025M01–2026M04"):
        build_selection(meta, "TAB6471", "20", ["2027M01"])


def test_a_variable_without_a_total_that_may_not_be_left_out_is_refused():
    meta = scb_svar.metadata("TAB6008")
    dim = meta["dimension"]["InrikesUtrikes"]
    del dim["category"]["index"]["83"], dim["category"]["label"]["83"]
    dim["extension"]["elimination"] = False
    with pytest.raises(
        UrvalsFel, match=r"^SCB \(TAB6008\): variabeln InrikesUtrikes \(born in Sweden/foreign-born\) har ingen total"
    ):
        build_selection(meta, "TAB6008", "20", ["2030"])


def test_overlapping_values_without_a_total_are_not_left_out():
    # TAB5557:s ålder utan sina fyra totaler: ettårsklasser och femårsgrupper överlappar, så SCB:s
    # summa vore inte folkmängden. Även om variabeln fick elimineras vägras hämtningen.
    meta = scb_svar.metadata("TAB5557")
    dim = meta["dimension"]["Alder"]
    for k in ("TotSA", "TOT1", "TOT5", "TOT10"):
        del dim["category"]["index"][k], dim["category"]["label"][k]
    dim["extension"]["elimination"] = True
    with pytest.raises(UrvalsFel, match=r"variabeln Alder \(ålder\) har ingen total, och värdena \(.+\) kan överlappa"):
        build_selection(meta, "TAB5557", "20", ["2025"])


def test_an_unknown_variable_is_chosen_at_its_labelled_total_or_its_elimination_value():
    meta = scb_svar.metadata("TAB638")
    meta["id"].insert(1, "Fodelseland")
    meta["dimension"]["Fodelseland"] = {
        "label": "födelseland",
        "category": {
            "index": {"13": 0, "23": 1, "83": 2},
            "label": {"13": "födda i Sverige", "23": "utrikes födda", "83": "inrikes och utrikes födda"},
        },
        "extension": {"elimination": True},
    }
    assert build_selection(meta, "TAB638", "20", ["2024"])["Fodelseland"] == ["83"]
    meta["dimension"]["Kon"]["extension"]["eliminationValueCode"] = "2"  # SCB:s deklaration går först
    assert build_selection(meta, "TAB638", "20", ["2024"])["Kon"] == ["2"]


def test_no_age_is_mistaken_for_a_total():
    # 83 är en total i InrikesUtrikes men en ålder i Alder; 100+ är en ålder, inte en summa.
    assert total(scb_svar.metadata("TAB6008"), "Alder") is None
    assert total(scb_svar.metadata("TAB6008"), "InrikesUtrikes") == "83"
    assert total(scb_svar.metadata("TAB5444"), "Alder") is None


def test_formations_and_county_changes_are_read_from_scbs_notes():
    meta = scb_svar.metadata("TAB638")
    bildade = kommunbildningar(meta)
    assert bildade["0330"] == date(2003, 1, 1) and bildade["0140"] == date(1999, 1, 1)
    assert bildade["1443"] == date(1995, 1, 1)  # Bollebygd, i anteckningen med sin gamla kod 1535
    assert "0380" not in bildade and "1490" not in bildade  # kommunerna som delades fanns redan
    assert lansbyten(meta) == [("0331", "19", "03", date(2007, 1, 1))]  # Heby


def test_real_recorded_data_parses_only_when_totals_were_selected():
    svar = scb_svar.inspelad("TAB6471_data.json")
    # Det inspelade svaret har elva åldersgrupper: att summera dem vore fel (CKM), så det vägras.
    with pytest.raises(ScbError, match="svaret har 11 värden för Alder; väntade bara totalen"):
        parse_data(svar, "TAB6471")
    # Ett utsnitt av samma svar med en åldersgrupp och ett kön går att läsa, värde för värde.
    d = json.loads(json.dumps(svar))
    d["size"] = [21, 1, 1, 1, 4]
    d["dimension"]["Alder"]["category"] = {"index": {"0-9": 0}, "label": {"0-9": "0-9 år"}}
    d["dimension"]["Kon"]["category"] = {"index": {"TotSa": 0}, "label": {"TotSa": "totalt"}}
    d["value"] = [svar["value"][r * 11 * 3 * 4 + t] for r in range(21) for t in range(4)]
    df = parse_data(d, "TAB6471")
    assert len(df) == 21 * 4
    assert df.iloc[0].tolist() == ["01", "Stockholms län", "2026M01", 245284]
    # … men inte om frågan bad om en annan kod än svaret gäller.
    with pytest.raises(ScbError, match=r"svaret gäller Alder 0-9, frågan bad om TotSA"):
        parse_data(d, "TAB6471", {"Alder": ["TotSA"]})


def test_the_recorded_tab5557_answer_parses_as_sent():
    svar = scb_svar.inspelad("TAB5557_data_290kommuner_TotSA_TotSa_SC_2025.json")
    df = parse_data(svar, "TAB5557", {"Civilstand": ["SC"], "Alder": ["TotSA"], "Kon": ["TotSa"]})
    assert len(df) == 290 and df.set_index("kommunkod").loc["0180", "folkmangd"] == 999239


def test_ckm_totals_do_not_add_up_so_cells_are_never_summed():
    # SCB:s inspelade svar för Stockholm 2025 med alla 137 åldrar: totalen 999 239, ettårsklasserna
    # och 100+1 summerar till 999 237. Klienten väljer totalen och vägrar ett svar med flera åldrar.
    svar = scb_svar.inspelad("TAB5557_data_0180_Stockholm_all137Alder_2025.json")
    alder = svar["dimension"]["Alder"]["category"]["index"]
    varde = {k: svar["value"][i] for k, i in alder.items()}
    assert varde["TotSA"] == 999_239
    assert sum(varde[str(a)] for a in range(100)) + varde["100+1"] == 999_237
    with pytest.raises(ScbError, match="svaret har 137 värden för Alder; väntade bara totalen"):
        parse_data(svar, "TAB5557")


def test_a_month_given_twice_is_fetched_once(datakatalog, sovningar, cli, scb_url):
    # SCB svarar 500 med tom kropp på en dubblerad kod; servern här gör detsamma.
    scb_url()
    r = cli("hamta-befolkning", "--manad", "2023M06", "2023-06")
    assert r.rc == 0, r.err
    assert "Hämtade 15 siffror för Dalarnas län (TAB5444)" in r.err
    assert scb_svar.Scb.fragor[-1]["Tid"] == ["2023M06"]


def test_duplicate_and_differently_written_months_are_sent_once():
    from analys.indata.scb import _perioder

    perioder = _perioder(None, None, ["2023M06", "2023-06", "2023m6", "2023-6"], False)
    assert [p.kod for p in perioder] == ["2023M06"]


# --- hela hämtningen ------------------------------------------------------------------------------


@responses.activate
def test_fetch_saves_a_snapshot_and_the_loader_uses_it(datakatalog, sovningar, cli):
    registrera(responses)
    fore = ogonblick(datakatalog / "befolkning")
    r = cli("hamta-befolkning", "--lan", "20", "--fran", "2023", "--till", "2025", "--manad", "2023M06", "2025M12")
    assert r.rc == 0, r.err
    assert "Hämtade 60 siffror för Dalarnas län (TAB5444, TAB6471, TAB638, TAB5557)" in r.err
    assert "15 månadssiffror för 31 december sparades inte: där gäller årstabellen." in r.err
    f = fragor(responses)
    assert f["TAB638"] == {
        "Region": DALARNA_REGION,
        "Alder": ["tot"],
        "ContentsCode": ["BE0101N1"],
        "Tid": ["2023", "2024"],
    }
    assert f["TAB5557"] == {
        "Region": DALARNA_REGION, "Civilstand": ["SC"], "Alder": ["TotSA"], "Kon": ["TotSa"],
        "ContentsCode": ["000007ME"], "Tid": ["2025"],
    }  # fmt: skip
    assert f["TAB5444"] == {"Region": DALARNA_REGION, "ContentsCode": ["000003O5"], "Tid": ["2023M06"]}
    assert f["TAB6471"] == {
        "Region": DALARNA_REGION, "Alder": ["TotSA"], "Kon": ["TotSa"], "ContentsCode": ["000007SF"], "Tid": ["2025M12"],
    }  # fmt: skip
    # TAB5557 2025: SCB:s inspelade siffror; kommunsumman 286 048 mot länets publicerade 286 043 (CKM).
    assert "TAB5557 2025: kommunernas summa 286048, länets total 286043 (skillnad +5, SCB:s CKM-brus)." in r.err

    mappar = [p for p in (datakatalog / "befolkning" / "hamtat").iterdir() if p.is_dir()]
    assert len(mappar) == 1 and mappar[0].name.endswith("-20")
    mapp = mappar[0]
    assert sorted(p.name for p in mapp.iterdir()) == sorted(
        ["TAB638.json", "TAB5557.json", "TAB5444.json", "TAB6471.json", "metadata.yaml", "folkmangd.csv"]
    )
    meta = yaml.safe_load((mapp / "metadata.yaml").read_text(encoding="utf-8"))
    for anrop in meta["anrop"]:
        assert anrop["url"].startswith(f"{BAS_URL}/tables/{anrop['tabell']}/data")
        assert anrop["sha256"] == hashlib.sha256((mapp / anrop["fil"]).read_bytes()).hexdigest()
        assert anrop["scb_updated"] == scb_svar.metadata(anrop["tabell"])["updated"]
        assert anrop["fraga"]["selection"][0]["variableCode"] == "Region"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00", anrop["hamtad"])
    # Inget medföljande ändrades; bara den nya mappen tillkom.
    efter = ogonblick(datakatalog / "befolkning")
    assert {k: v for k, v in efter.items() if not k.startswith("hamtat/2")} == fore

    # Fördelningen per 2023-06-30 använder de hämtade siffrorna och säger det.
    r = cli("fordelning", "--belopp", "1030000", "--befolkningsdatum", "2023-06-30")
    assert r.rc == 0, r.err
    assert f"Befolkningsdata: data/befolkning/hamtat/{mapp.name}/folkmangd.csv (SHA-256 " in r.out
    assert "Hämtat från SCB: TAB5444 2023M06 (uppdaterad 2026-02-20, hämtad " in r.out
    assert r.out.count("hämtad ") == 1  # en gång, på en egen rad, inte också efter folkmängden
    assert ["Summa", "288", "375", "100,00", "%", "1", "030", "000", "kr"] in [
        rad.split() for rad in r.out.splitlines()
    ]
    # Scenarierna räknar på samma siffror, och deras tekniska spårbarhet nämner filen.
    r = cli("scenario")
    assert r.rc == 0, r.err
    assert f"data/befolkning/hamtat/{mapp.name}/folkmangd.csv (SHA-256 " in r.out


@responses.activate
def test_fetched_figures_win_over_bundled_ones(datakatalog, sovningar, cli):
    registrera(responses, varde=lambda k, p: bundlat(k, p) + (1000 if k == "2080" else 0), tabeller=("TAB5444",))
    assert cli("hamta-befolkning", "--manad", "2023M06").rc == 0
    r = cli("fordelning", "--belopp", "1030000", "--befolkningsdatum", "2023-06-30", "--format", "csv")
    falun = next(rad for rad in r.out.splitlines() if rad.startswith("2080,"))
    assert falun.split(",")[2] == "60915"  # 59 915 + 1 000
    # 31 december 2020 (inte hämtat) kommer fortfarande ur de medföljande filerna.
    r = cli("fordelning", "--belopp", "400000", "--befolkningsdatum", "2020-12-31")
    assert "Hämtat från SCB" not in r.out and "folkmangd_dalarna.csv" in r.out


@responses.activate
def test_projection_is_saved_for_the_scenario_model(datakatalog, sovningar, cli):
    registrera(responses, varde=lambda k, p: 10_000 + int(p), tabeller=("TAB6008",))
    r = cli("hamta-befolkning", "--prognos")
    assert r.rc == 0, r.err
    mapp = next(p for p in (datakatalog / "befolkning" / "hamtat").iterdir() if p.is_dir())
    assert not (mapp / "folkmangd.csv").exists()  # prognoser blandas inte med statistik
    prognos = (mapp / "prognos.csv").read_text(encoding="utf-8").splitlines()
    assert prognos[0] == "kommunkod,ar,folkmangd"
    assert "2080,2030,12030" in prognos
    assert len(prognos) == 1 + 15 * len(range(2024, 2071))  # TAB6008: 2024–2070


# --- fel: inget ändras, ett tydligt meddelande, slutkod skild från noll ----------------------------


def kor_fel(cli, datakatalog, *argv) -> str:
    fore = ogonblick(datakatalog)
    r = cli("hamta-befolkning", *argv)
    assert r.rc == 1
    assert r.out == "" and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert r.err.strip().endswith("De medföljande siffrorna används som förut; inget under data/ har ändrats.")
    assert ogonblick(datakatalog) == fore
    return r.err


@responses.activate
def test_no_network(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", body=requests.ConnectionError("Name or service not known"))
    err = kor_fel(cli, datakatalog, "--lan", "20")
    assert (
        "analys: fel: SCB (/config): kunde inte nås (statistikdatabasen.scb.se): ingen förbindelse eller "
        "förbindelsen bröts (efter 4 försök)."
    ) in err


@responses.activate
def test_timeout(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", body=requests.ReadTimeout())
    assert "SCB (/config): svarade inte inom 30 s (efter 4 försök)." in kor_fel(cli, datakatalog)


@responses.activate
def test_server_error_is_retried_then_reported(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", status=503)
    err = kor_fel(cli, datakatalog, "--manad", "2023M06")
    assert "SCB (TAB5444): svarade med serverfel 503 efter 4 försök." in err
    assert len([c for c in responses.calls if "TAB5444" in c.request.url]) == 4
    assert sovningar[:3] == [1, 2, 4]


@responses.activate
def test_too_many_requests_waits_and_retries(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", status=429, headers={"Retry-After": "7"})
    registrera(responses, tabeller=("TAB5444",))
    r = cli("hamta-befolkning", "--manad", "2023M06")
    assert r.rc == 0, r.err
    assert 7.0 in sovningar


@responses.activate
def test_too_many_requests_every_time(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", status=429)
    assert "SCB (TAB5444): begränsar antalet anrop (429) även efter 4 försök" in kor_fel(
        cli, datakatalog, "--manad", "2023M06"
    )


@responses.activate
def test_malformed_json(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(
        responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", body="{inte json", content_type="application/json"
    )
    assert "SCB (TAB5444): svaret från " in kor_fel(cli, datakatalog, "--manad", "2023M06")


@responses.activate
def test_not_json_stat(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", json={"hej": 1})
    assert "har inte formen JSON-stat2" in kor_fel(cli, datakatalog, "--manad", "2023M06")


@responses.activate
def test_table_missing_the_period(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB6471",))
    assert "SCB (TAB6471): tabellen saknar perioden 2026M09; den har 2025M01–2026M04." in kor_fel(
        cli, datakatalog, "--manad", "2026M09"
    )


@responses.activate
def test_kommun_missing_in_the_response(datakatalog, sovningar, cli):
    registrera(responses, utan={"2039"}, tabeller=("TAB5444",))
    assert "SCB (TAB5444): svaret saknar kommunerna 2039." in kor_fel(cli, datakatalog, "--manad", "2023M06")


@responses.activate
def test_a_failure_after_some_tables_succeeded_writes_nothing(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB638",))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", status=404, json={"title": "Table not found"})
    err = kor_fel(cli, datakatalog, "--fran", "2024", "--till", "2024", "--manad", "2023M06")
    assert "SCB (TAB5444): avvisade frågan (404)" in err and "Table not found" in err


@responses.activate
def test_name_drift_is_caught(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB5444",))
    meta = scb_svar.metadata("TAB5444")
    meta["dimension"]["Region"]["category"]["label"]["2023"] = "Malung-Sälens kommun"
    responses.replace(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", json=meta)
    orig = scb_svar.metadata

    def med_fel_namn(t):
        return meta if t == "TAB5444" else orig(t)

    import tests.scb_svar as s

    s.metadata, gammal = med_fel_namn, s.metadata
    try:
        err = kor_fel(cli, datakatalog, "--manad", "2023M06")
    finally:
        s.metadata = gammal
    assert "SCB kallar 2023 'Malung-Sälens kommun', den medföljande listan 'Malung-Sälen'" in err


def test_bad_month_is_an_input_error(cli):
    r = cli("hamta-befolkning", "--manad", "juni")
    assert r.rc == 2 and "Ogiltig månad 'juni': ange ÅÅÅÅMmm, t.ex. 2023M06." in r.err


def test_rate_limit_from_the_recorded_config():
    tider: list[float] = []
    klocka = iter([0.0, 0.0, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 1.2, 1.2])
    k = ScbClient(sleep=tider.append, klocka=lambda: next(klocka))
    k._config = scb_svar.inspelad("config.json")  # 3 anrop per 1 s
    for _ in range(4):
        k._vanta_pa_tur()
    assert tider == [pytest.approx(0.7)]


def test_the_real_client_has_no_network_on_this_machine_in_tests(sovningar):
    # Ingen test får nå SCB på riktigt: utan `responses` vägras anropet här (efter klientens
    # omförsök, utan riktig väntan).
    with responses.RequestsMock() as rsps, pytest.raises(ScbError, match=r"SCB \(/config\): kunde inte nås"):
        rsps.add(responses.GET, f"{BAS_URL}/config", body=requests.ConnectionError("avstängt"))
        ScbClient().config()
    assert sovningar


@responses.activate
def test_large_requests_are_split_under_max_data_cells(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB638",))
    cfg = {**scb_svar.inspelad("config.json"), "maxDataCells": 32}  # länet och 15 kommuner → 2 år per anrop
    responses.replace(responses.GET, f"{BAS_URL}/config", json=cfg)
    r = cli("hamta-befolkning", "--fran", "2020", "--till", "2024")
    assert r.rc == 0, r.err
    tider = [
        f["Tid"]
        for c in responses.calls
        if c.request.method == "POST"
        for f in [{s["variableCode"]: s["valueCodes"] for s in json.loads(c.request.body)["selection"]}]
    ]
    assert tider == [["2020", "2021"], ["2022", "2023"], ["2024"]]
    mapp = next(p for p in (datakatalog / "befolkning" / "hamtat").iterdir() if p.is_dir())
    assert sorted(p.name for p in mapp.glob("*.json")) == ["TAB638-1.json", "TAB638-2.json", "TAB638-3.json"]
    rader = (mapp / "folkmangd.csv").read_text(encoding="utf-8").splitlines()
    assert len(rader) == 1 + 15 * 5


# --- mot en lokal SCB-server: SCB:s inspelade svar över HTTP -----------------------------------------


NATIONELL = Path(__file__).resolve().parents[1] / "data" / "befolkning" / "folkmangd_kommuner_31dec.csv"


def nationellt(lan: str, fran: int, till: int) -> dict[tuple[str, str], int]:
    import csv

    with NATIONELL.open(encoding="utf-8") as f:
        return {
            (r["kommunkod"], f"{r['ar']}-12-31"): int(r["folkmangd"])
            for r in csv.DictReader(f)
            if r["lanskod"] == lan and fran <= int(r["ar"]) <= till
        }


@pytest.fixture
def scb_url(monkeypatch):
    """Startar en SCB-server av den givna sorten och pekar klienten dit."""
    with contextlib.ExitStack() as stack:

        def starta(hanterare=scb_svar.Scb) -> str:
            url = stack.enter_context(scb_svar.server(hanterare))
            monkeypatch.setenv("ANALYS_SCB_URL", url)
            return url

        yield starta


def test_knivsta_has_no_rows_before_it_existed_and_every_figure_is_scbs(datakatalog, sovningar, cli, scb_url):
    """Godkännandet i ärendet: Uppsala län 2000–2005 ur SCB:s inspelade TAB638-svar (Knivsta och
    Uppsala) och de medföljande siffrorna (övriga kommuner), mot SCB:s publicerade länstotal."""
    scb_url()
    r = cli("hamta-befolkning", "--lan", "03", "--fran", "2000", "--till", "2005")
    assert r.rc == 0, r.err
    assert "Hämtade 46 siffror för Uppsala län (TAB638)" in r.err
    assert (
        "Kommuner som inte fanns än (SCB svarar 0, ingen rad sparas): Knivsta (0330) 2000-12-31, 2001-12-31." in r.err
    )
    mapp = next(p for p in (datakatalog / "befolkning" / "hamtat").iterdir() if p.is_dir())
    import csv

    with (mapp / "folkmangd.csv").open(encoding="utf-8") as f:
        rader = list(csv.DictReader(f))
    knivsta = [r["datum"] for r in rader if r["kommunkod"] == "0330"]
    assert knivsta == ["2002-12-31", "2003-12-31", "2004-12-31", "2005-12-31"]
    assert {(r["kommunkod"], r["datum"]): int(r["folkmangd"]) for r in rader} == nationellt("03", 2000, 2005)
    meta = yaml.safe_load((mapp / "metadata.yaml").read_text(encoding="utf-8"))
    assert meta["kommuner_som_inte_fanns"] == {"0330": ["2000-12-31", "2001-12-31"]}
    # Heby (0331) hörde till Västmanlands län till 2007: länets total 2000–2005 räknas utan Heby.
    assert scb_svar.Scb.fragor[-1]["Region"] == ["03", "0305", "0319", "0330", "0331", "0360", "0380", "0381", "0382"]
    # Ögonblicksbilden går att använda: fördelningen 31 december 2001 har sju kommuner, 2002 åtta.
    r = cli("fordelning", "--lan", "03", "--belopp", "1000000", "--befolkningsdatum", "2001", "--format", "csv")
    assert r.rc == 0, r.err
    assert len(r.out.strip().splitlines()) == 1 + 7 and "0330," not in r.out
    assert (
        f"hamtat/{mapp.name}/folkmangd.csv"
        in cli("fordelning", "--lan", "03", "--belopp", "1000", "--befolkningsdatum", "2002").out
    )


def test_a_zero_for_a_kommun_that_existed_is_an_error(datakatalog, sovningar, cli, scb_url):
    class Noll(scb_svar.Scb):
        varde = staticmethod(lambda k, p: 0 if (k, p) == ("0305", "2003") else scb_svar.medfoljande(k, p))

    scb_url(Noll)
    err = kor_fel(cli, datakatalog, "--lan", "03", "--fran", "2003", "--till", "2003")
    assert "SCB (TAB638): folkmängden för Håbo (0305) 2003 är 0, men kommunen fanns då; svaret är fel" in err


@responses.activate
def test_a_zero_after_a_kommuns_formation_is_an_error(datakatalog, sovningar, cli):
    # TAB5444 har inga anteckningar om bildade kommuner: då gäller den medföljande nationella
    # serien (Knivsta har siffror från 31 december 2002, alltså indelningen 2003-01-01).
    registrera(responses, varde=lambda k, p: 0 if k == "0330" else 1000, tabeller=("TAB5444",))
    err = kor_fel(cli, datakatalog, "--lan", "03", "--manad", "2003M06")
    assert (
        "SCB (TAB5444): folkmängden för Knivsta (0330) 2003M06 är 0, men kommunen fanns då (bildad 2003-01-01)" in err
    )


@responses.activate
def test_a_zero_before_formation_in_the_monthly_table_gives_no_row(datakatalog, sovningar, cli):
    registrera(responses, varde=lambda k, p: 0 if k == "0330" else 1000, tabeller=("TAB5444",))
    r = cli("hamta-befolkning", "--lan", "03", "--manad", "2002M06", "2002M11")
    assert r.rc == 0, r.err
    assert "Knivsta (0330) 2002-06-30, 2002-11-30." in r.err
    # December redovisas efter indelningen 1 januari året efter, då Knivsta fanns: 0 är fel.
    assert "Knivsta (0330) 2002M12 är 0, men kommunen fanns då" in kor_fel(
        cli, datakatalog, "--lan", "03", "--manad", "2002M12"
    )


@responses.activate
def test_kommun_sum_must_equal_the_county_total_before_2025(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB638",), lanstotal=lambda lan, p: 287_677 if p == "2020" else None)
    err = kor_fel(cli, datakatalog, "--fran", "2020", "--till", "2020")
    assert (
        "SCB (TAB638): kommunernas summa för län 20 2020 är 287676, länets total i samma svar 287677 "
        "(skillnad -1, högst 0 tillåts); svaret hänger inte ihop."
    ) in err


@responses.activate
def test_ckm_difference_from_2025_is_allowed_within_bounds_and_said(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB5557",), lanstotal=lambda lan, p: 286_048 - 45)
    r = cli("hamta-befolkning", "--fran", "2025", "--till", "2025")
    assert r.rc == 0, r.err
    assert "TAB5557 2025: kommunernas summa 286048, länets total 286003 (skillnad +45, SCB:s CKM-brus)." in r.err
    mapp = next(p for p in (datakatalog / "befolkning" / "hamtat").iterdir() if p.is_dir())
    assert yaml.safe_load((mapp / "metadata.yaml").read_text(encoding="utf-8"))["kontroller"] == [
        "TAB5557 2025: kommunernas summa 286048, länets total 286003 (skillnad +45, SCB:s CKM-brus)."
    ]


@responses.activate
def test_ckm_difference_beyond_three_per_kommun_is_an_error(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB5557",), lanstotal=lambda lan, p: 286_048 - 46)
    assert "(skillnad +46, högst 45 tillåts)" in kor_fel(cli, datakatalog, "--fran", "2025", "--till", "2025")


def test_projection_is_not_doubled(datakatalog, sovningar, cli, scb_url):
    """Servern summerar som SCB: utelämnas InrikesUtrikes blir siffran dubbel. 83 väljs, så inte."""

    class Prognos(scb_svar.Scb):
        varde = staticmethod(lambda k, p: 10_000 + int(p))

    scb_url(Prognos)
    r = cli("hamta-befolkning", "--prognos")
    assert r.rc == 0, r.err
    assert scb_svar.Scb.fragor[-1]["InrikesUtrikes"] == ["83"]
    mapp = next(p for p in (datakatalog / "befolkning" / "hamtat").iterdir() if p.is_dir())
    assert "2080,2030,12030" in (mapp / "prognos.csv").read_text(encoding="utf-8").splitlines()
    assert scb_svar.data("TAB6008", {"Region": ["2080"], "ContentsCode": ["000005RC"], "Tid": ["2030"]}, Prognos.varde)[
        "value"
    ] == [24_060]  # utan 83: dubbelt


# --- fel och fientliga svar från en lokal server: tidsgräns, SCB nämns, slutkod 1, data/ orörd --------


class Droppande(scb_svar.Scb):
    """Skickar /config en byte i taget, var 50:e millisekund."""

    def do_GET(self):
        kropp = json.dumps(scb_svar.inspelad("config.json")).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(kropp)))
        self.end_headers()
        with contextlib.suppress(OSError):
            for b in kropp:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                threading.Event().wait(0.05)


class RetryAfter(scb_svar.Scb):
    varde_retry = "inf"

    def do_GET(self):
        if self.path.split("?")[0].endswith("/config"):
            return super().do_GET()
        self.skicka(429, b"{}", {"Retry-After": type(self).varde_retry})


class Avbruten(scb_svar.Scb):
    """Lovar 10 000 byte men stänger efter 100."""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "10000")
        self.end_headers()
        self.wfile.write(b'{"version": "2.0", "class": "dataset", "id": ["Region"' + b" " * 40)
        self.wfile.flush()
        self.close_connection = True


class Aterstall(scb_svar.Scb):
    """De första `antal` förbindelserna återställs (TCP RST) innan något svar skickas."""

    antal = 2
    sedda: ClassVar[list[int]] = []

    def handle(self):
        if len(type(self).sedda) < type(self).antal:
            type(self).sedda.append(1)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        super().handle()

    def finish(self):
        with contextlib.suppress(OSError):
            super().finish()


def _tid(f):
    start = time.monotonic()
    ut = f()
    return ut, time.monotonic() - start


def test_a_trickling_server_ends_at_the_deadline(datakatalog, cli, scb_url):
    scb_url(Droppande)
    err, tid = _tid(lambda: kor_fel(cli, datakatalog, "--tidsgrans", "1"))
    assert tid < 3
    assert "SCB (/config): svaret kom för långsamt; tidsgränsen för hämtningen, 1 s (--tidsgrans), nåddes." in err


@pytest.mark.parametrize("varde", ["inf", "999999999999", "1e400", "-inf", "nan", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_retry_after_is_capped_and_sanitised(datakatalog, cli, scb_url, varde):
    RetryAfter.varde_retry = varde
    scb_url(RetryAfter)
    err, tid = _tid(lambda: kor_fel(cli, datakatalog, "--manad", "2023M06", "--tidsgrans", "5"))
    assert tid < 3
    assert "SCB (TAB5444): begränsar antalet anrop (429), och att vänta 60 s till går inte; tidsgränsen" in err


def test_a_huge_retry_after_waits_at_most_60_seconds(datakatalog, sovningar, cli, scb_url):
    RetryAfter.varde_retry = "86400"
    scb_url(RetryAfter)
    assert "även efter 4 försök" in kor_fel(cli, datakatalog, "--manad", "2023M06")
    assert [s for s in sovningar if s > 1] == [60.0, 60.0, 60.0]  # övriga: SCB:s 3 anrop per sekund


@pytest.mark.parametrize(
    ("config", "fel"),
    [
        ({"maxDataCells": "150 000"}, "SCB (/config): maxDataCells är '150 000', inte ett tal från 1 till 1e+08"),
        ({"timeWindow": "tio"}, "SCB (/config): timeWindow är 'tio', inte ett tal från 1 till 3600"),
        ({"maxCallsPerTimeWindow": 0}, "SCB (/config): maxCallsPerTimeWindow är '0', inte ett tal från 1 till 10000"),
        ({"maxDataCells": True}, "SCB (/config): maxDataCells är 'True'"),
        ([1, 2], "SCB (/config): svaret är inget JSON-objekt"),
    ],
)
def test_config_values_must_be_numbers_within_bounds(datakatalog, cli, scb_url, config, fel):
    class Config(scb_svar.Scb):
        def config(self):
            return {**scb_svar.inspelad("config.json"), **config} if isinstance(config, dict) else config

    scb_url(Config)
    assert fel in kor_fel(cli, datakatalog)


def test_a_truncated_answer_is_retried_then_named(datakatalog, sovningar, cli, scb_url):
    scb_url(Avbruten)
    err = kor_fel(cli, datakatalog, "--fran", "2020", "--till", "2020")
    assert "SCB (TAB638): svaret avbröts innan det var komplett (förbindelsen bröts) (efter 4 försök)." in err
    assert [s for s in sovningar if s == int(s)] == [1.0, 2.0, 4.0]  # övriga: SCB:s 3 anrop per sekund


def test_connection_resets_are_retried(datakatalog, sovningar, cli, scb_url):
    Aterstall.sedda.clear()
    scb_url(Aterstall)
    r = cli("hamta-befolkning", "--fran", "2020", "--till", "2020")
    assert r.rc == 0, r.err
    assert [s for s in sovningar if s == int(s)] == [1.0, 2.0]


def test_connection_resets_every_time_name_scb(datakatalog, sovningar, cli, scb_url):
    Aterstall.sedda.clear()
    Aterstall.antal = 99
    try:
        scb_url(Aterstall)
        err = kor_fel(cli, datakatalog)
    finally:
        Aterstall.antal = 2
    assert re.search(r"SCB \(/config\): kunde inte nås \(127\.0\.0\.1:\d+\): .* \(efter 4 försök\)\.", err)


def test_a_read_timeout_is_retried_within_the_deadline(tmp_path, sovningar, scb_url):
    from analys.indata.scb import fetch

    class Langsam(scb_svar.Scb):
        forsta: ClassVar[list[int]] = []

        def do_GET(self):
            if not type(self).forsta:
                type(self).forsta.append(1)
                threading.Event().wait(2.5)  # time.sleep är utbytt i testet
            super().do_GET()

    url = scb_url(Langsam)
    h = fetch("20", [Period("31dec", "2020", date(2020, 12, 31))], tmp_path, ScbClient(url=url, timeout=1.5))
    assert h.rader == 15 and [s for s in sovningar if s == int(s)] == [1.0]


def test_the_deadline_flag_is_checked(cli):
    for varde in ("0", "inf", "nan", "-5", "99999"):
        r = cli("hamta-befolkning", "--tidsgrans", varde)
        assert r.rc == 2 and "Ogiltig tidsgräns" in r.err and "ange sekunder från 1 till 3600" in r.err, varde
