"""SCB-klienten utan nätverk: HTTP fångas i transportlagret med `responses`."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
import requests
import responses
import yaml

from analys.indata.scb import BAS_URL, Period, ScbClient, ScbError, build_selection, parse_data, parse_manad, route
from tests import scb_svar
from tests.conftest import DALARNA


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
    from analys.indata.befolkning import load_befolkning

    d = parse_manad(period).datum if "M" in period else date(int(period), 12, 31)
    df = load_befolkning(kod[:2], d)
    return int(df.set_index("kommunkod").loc[kod, "folkmangd"])


def registrera(
    rsps, varde=bundlat, utan: set[str] = frozenset(), tabeller=("TAB638", "TAB5557", "TAB5444", "TAB6471", "TAB6008")
):
    rsps.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    for t in tabeller:
        rsps.add(responses.GET, f"{BAS_URL}/tables/{t}/metadata", json=scb_svar.metadata(t))

    def svar(request):
        tabell = re.search(r"/tables/(\w+)/data", request.url).group(1)
        urval = {s["variableCode"]: s["valueCodes"] for s in json.loads(request.body)["selection"]}
        return 200, {}, json.dumps(scb_svar.data(tabell, urval, varde, utan), ensure_ascii=False)

    rsps.add_callback(responses.POST, re.compile(rf"{re.escape(BAS_URL)}/tables/\w+/data.*"), callback=svar)


def fragor(rsps) -> dict[str, dict[str, list[str]]]:
    ut = {}
    for c in rsps.calls:
        if c.request.method == "POST":
            tabell = re.search(r"/tables/(\w+)/data", c.request.url).group(1)
            ut[tabell] = {s["variableCode"]: s["valueCodes"] for s in json.loads(c.request.body)["selection"]}
    return ut


# --- tabellval och urval ---------------------------------------------------------------------------


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


def test_selection_from_the_real_recorded_tab6471_metadata():
    meta = scb_svar.inspelad("TAB6471_metadata.json")
    urval = build_selection(meta, "TAB6471", "20", ["2025M06"])
    assert urval == {
        "Region": sorted(DALARNA),
        "Alder": ["TotSA"],
        "Kon": ["TotSa"],
        "ContentsCode": ["000007SF"],
        "Tid": ["2025M06"],
    }


def test_missing_period_in_the_real_metadata():
    meta = scb_svar.inspelad("TAB6471_metadata.json")
    with pytest.raises(ScbError, match=r"TAB6471 saknar perioden 2027M01; tabellen har 2025M01–2026M04"):
        build_selection(meta, "TAB6471", "20", ["2027M01"])


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


def test_totals_are_selected_and_eliminable_variables_left_out():
    urval = build_selection(scb_svar.metadata("TAB638"), "TAB638", "20", ["2024"])
    assert urval == {"Region": sorted(DALARNA), "Alder": ["tot"], "ContentsCode": ["BE0101N1"], "Tid": ["2024"]}
    urval = build_selection(scb_svar.metadata("TAB5557"), "TAB5557", "20", ["2025"])
    assert urval["Civilstand"] == ["SC"] and urval["Alder"] == ["TotSA"] and urval["Kon"] == ["TotSa"]
    urval = build_selection(scb_svar.metadata("TAB6008"), "TAB6008", "20", ["2030"])
    assert urval["ContentsCode"] == ["000007RS"]  # innehållskoden ur metadata


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
    assert f["TAB638"]["Tid"] == ["2023", "2024"] and "Civilstand" not in f["TAB638"] and "Kon" not in f["TAB638"]
    assert f["TAB5557"]["Civilstand"] == ["SC"] and f["TAB5557"]["Tid"] == ["2025"]
    assert f["TAB5444"]["Tid"] == ["2023M06"] and f["TAB5444"]["Alder"] == ["tot"]
    assert f["TAB6471"]["Alder"] == ["TotSA"] and f["TAB6471"]["Kon"] == ["TotSa"]

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
        assert anrop["scb_updated"] in (scb_svar.UPPDATERAD, "2026-06-08T06:00:00Z")
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
    assert len(prognos) == 1 + 15 * len(range(2025, 2071))


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
    assert "analys: fel: SCB kunde inte nås (statistikdatabasen.scb.se): ingen förbindelse." in err


@responses.activate
def test_timeout(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", body=requests.ReadTimeout())
    assert "SCB svarade inte inom 30 s" in kor_fel(cli, datakatalog)


@responses.activate
def test_server_error_is_retried_then_reported(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", status=503)
    err = kor_fel(cli, datakatalog, "--manad", "2023M06")
    assert "SCB svarade med serverfel 503 efter 4 försök" in err
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
    assert "SCB begränsar antalet anrop (429) även efter 4 försök" in kor_fel(cli, datakatalog, "--manad", "2023M06")


@responses.activate
def test_malformed_json(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(
        responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", body="{inte json", content_type="application/json"
    )
    assert "SCB:s svar från" in kor_fel(cli, datakatalog, "--manad", "2023M06")


@responses.activate
def test_not_json_stat(datakatalog, sovningar, cli):
    responses.add(responses.GET, f"{BAS_URL}/config", json=scb_svar.inspelad("config.json"))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", json={"hej": 1})
    assert "har inte formen JSON-stat2" in kor_fel(cli, datakatalog, "--manad", "2023M06")


@responses.activate
def test_table_missing_the_period(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB6471",))
    assert "TAB6471 saknar perioden 2026M09; tabellen har 2025M01–2026M04" in kor_fel(
        cli, datakatalog, "--manad", "2026M09"
    )


@responses.activate
def test_kommun_missing_in_the_response(datakatalog, sovningar, cli):
    registrera(responses, utan={"2039"}, tabeller=("TAB5444",))
    assert "TAB5444: svaret saknar kommunerna 2039" in kor_fel(cli, datakatalog, "--manad", "2023M06")


@responses.activate
def test_a_failure_after_some_tables_succeeded_writes_nothing(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB638",))
    responses.add(responses.GET, f"{BAS_URL}/tables/TAB5444/metadata", status=404, json={"title": "Table not found"})
    err = kor_fel(cli, datakatalog, "--fran", "2024", "--till", "2024", "--manad", "2023M06")
    assert "SCB avvisade frågan (404)" in err and "Table not found" in err


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


def test_the_real_client_has_no_network_on_this_machine_in_tests():
    # Ingen test får nå SCB på riktigt: utan `responses` vägras anropet här.
    with responses.RequestsMock() as rsps, pytest.raises(ScbError, match="SCB kunde inte nås"):
        rsps.add(responses.GET, f"{BAS_URL}/config", body=requests.ConnectionError("avstängt"))
        ScbClient().config()


@responses.activate
def test_large_requests_are_split_under_max_data_cells(datakatalog, sovningar, cli):
    registrera(responses, tabeller=("TAB638",))
    cfg = {**scb_svar.inspelad("config.json"), "maxDataCells": 30}  # 15 kommuner → 2 år per anrop
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
