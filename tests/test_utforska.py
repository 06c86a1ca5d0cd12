"""Utforskaren som arbetsverktyg, utan webbläsare: reglagen blir ändringar av antagandena, samma
tal som `analys scenario`, jämförelsen med det senaste avtalet, "Spara som scenario" (strikt,
atomiskt, med säkerhetskopia, aldrig över ett namn utan att fråga) och arbetsboken."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from analys.fel import AnalysError


@pytest.fixture
def utforskare(datakatalog):
    from analys.utforska import Utforskare

    return Utforskare()


def _bibliotekets(scenario: str, fran: int = 2024, till: int = 2030) -> list[int]:
    from analys.flode.scenarier import berakna_scenario
    from analys.indata.antaganden import load_antaganden

    _, per_ar = berakna_scenario(load_antaganden(scenario), scenario, fran, till)
    return [int(v) for v in per_ar["kommunernas_del"]]


def _kommunernas(u) -> list[int]:
    return [int(v) for v in u.resultat.kommunernas_del[0]]


def test_untouched_explorer_has_no_changes_and_shows_bas(utforskare):
    assert utforskare.andringar() == {}
    assert utforskare.fast_total(2030) == 1_534_357
    assert _kommunernas(utforskare) == _bibliotekets("bas")
    assert utforskare.beskrivning() == "Som basantagandena"


def test_every_control_saved_as_a_scenario_gives_the_librarys_figures(utforskare, datakatalog, cli):
    u = utforskare
    u.per_resa.value = 0.35
    u.roller["samordnare"].value = 900_000
    u.roller["admin"].value = 700_000
    u.faktor.value = 1.1
    u.indexering.value = 0.025
    u.lanseringar[4].value = 12
    u.skift.value = 3
    u.nyckel.value = "blandad"
    u.fast_andel.value = 0.4
    visat = _kommunernas(u)
    assert u.spara("Min plan") == "min-plan"
    assert _bibliotekets("min-plan") == visat
    text = (datakatalog / "antaganden" / "scenarier.yaml").read_text(encoding="utf-8")
    assert '\nmin-plan:\n  namn: "Min plan"\n  beskrivning: "+0,35 tjänst per ny Yrkesresa; ' in text
    assert "indexering: 0.025\n" in text and "kostnad_per_tjanst: 990000\n" in text
    r = cli("scenario", "--lista")
    assert r.rc == 0
    rad = next(line for line in r.out.splitlines() if line.startswith("min-plan"))
    assert "Min plan: +0,35 tjänst per ny Yrkesresa;" in rad
    assert "Regional samordnare Yrkesresan och BBIC: 990 000 kr per tjänst" in rad
    assert "Yrkesresa 4 lanseras 2027-12 i stället för 2026-09" in rad
    assert "fördelning blandad (40 % lika)" in rad


def test_staffing_description_is_generated_from_the_value(utforskare, datakatalog):
    utforskare.per_resa.value = 0.25
    utforskare.spara("Min plan")
    from analys.indata.antaganden import read_scenarier

    sc = read_scenarier(datakatalog / "antaganden" / "scenarier.yaml")["min-plan"]
    assert (sc.namn, sc.beskrivning) == ("Min plan", "+0,25 tjänst per ny Yrkesresa")
    assert sc.andringar == {"bemanning": {"per_resa": Decimal("0.25")}}


def test_saving_keeps_the_file_backs_it_up_and_never_overwrites_without_asking(utforskare, datakatalog):
    from analys.scenariofil import ScenarietFinns

    fil = datakatalog / "antaganden" / "scenarier.yaml"
    fore = fil.read_text(encoding="utf-8")
    utforskare.per_resa.value = 0.25
    utforskare.spara("Min plan")
    efter = fil.read_text(encoding="utf-8")
    assert efter.startswith(fore)  # kommentarer och gamla scenarier står kvar som de var
    assert (datakatalog / "antaganden" / "scenarier.yaml.bak").read_text(encoding="utf-8") == fore
    utforskare.per_resa.value = 0.5
    with pytest.raises(ScenarietFinns, match=r"Scenariot 'min-plan' \(Min plan\) finns redan"):
        utforskare.spara("min  plan")
    assert fil.read_text(encoding="utf-8") == efter
    utforskare.spara("Min plan", skriv_over=True)
    ny = fil.read_text(encoding="utf-8")
    assert ny.startswith(fore) and ny.count("min-plan:") == 1 and "per_resa: 0.5\n" in ny
    assert _bibliotekets("min-plan") == _kommunernas(utforskare)


@pytest.mark.parametrize(
    ("namn", "fel"),
    [
        ("", "Ge scenariot ett namn"),
        ("x" * 41, "Namnet är 41 tecken; ett scenarionamn får vara högst 40."),
        ("!!!", "Namnet '!!!' ger ingen nyckel"),
        ("Bas", "Namnet Bas är scenariot som allt jämförs med"),
        ("Okning", "Scenariot 'okning' (Ökad bemanning) finns redan"),
    ],
)
def test_bad_names_leave_the_data_untouched(utforskare, datakatalog, namn, fel):
    fil = datakatalog / "antaganden" / "scenarier.yaml"
    fore = fil.read_bytes()
    utforskare.per_resa.value = 0.25
    with pytest.raises(AnalysError, match=fel.replace("(", r"\(").replace(")", r"\)")):
        utforskare.spara(namn)
    assert fil.read_bytes() == fore
    assert not (datakatalog / "antaganden" / "scenarier.yaml.bak").exists()
    assert sorted(p.name for p in fil.parent.iterdir()) == ["bas.yaml", "scenarier.yaml"]


def test_the_saved_file_passes_the_strict_reader_and_a_broken_file_is_never_written(utforskare, datakatalog):
    from analys.indata.yamlfil import read_yaml

    fil = datakatalog / "antaganden" / "scenarier.yaml"
    utforskare.lanseringar[3].value = 6
    utforskare.roller["admin"].value = 800_000
    utforskare.spara("Senare resa 3")
    data = read_yaml(fil)
    assert data["senare-resa-3"]["andringar"]["yrkesresor"][2] == {
        "nr": 3,
        "namn": "Missbruk och beroende, myndighetsutövning",
        "start": "2026-07",
    }
    # en fil som redan är trasig rörs inte
    fil.write_text(fil.read_text(encoding="utf-8") + "trasig: [\n", encoding="utf-8")
    fore = fil.read_bytes()
    with pytest.raises(AnalysError, match=r"scenarier.yaml rad \d+"):
        utforskare.spara("Ännu en")
    assert fil.read_bytes() == fore


def test_change_against_the_latest_agreement_per_kommun(utforskare):
    u = utforskare
    assert u.avtalsar == 2024 and u.avtal_kommunerna == 1_030_000
    u.ar.value = 2024
    df, _, _ = u.tabelldata()
    assert (df["Mot avtalet 2024"] == 0).all()  # avtalets år: precis avtalets belopp
    u.ar.value = 2030
    df, rubrik, _ = u.tabelldata()
    assert int(df["Mot avtalet 2024"].sum()) == 1_534_357 - 1_030_000
    falun = df.set_index("Kommun").loc["Falun"]
    assert int(falun["Mot avtalet 2024"]) == int(falun[rubrik]) - u.avtal_per_kommun["2080"]
    assert u.serier()["avtalet 2024"] == [1_030_000] * 7
    assert "+504 357 kr mot avtalet 2024" in u.sammanfattning.value.replace("\xa0", " ")
    # länet står i sammanfattningen (diagrammets rubrik rymmer det inte bredvid märkningen PÅHITTAT)
    assert "kommunerna i Dalarnas län betalar" in u.sammanfattning.value


def test_role_cost_controls_change_the_figures_like_the_library(utforskare, datakatalog):
    u = utforskare
    u.roller["admin"].value = 800_000
    assert u.visat_varde(u.roller["admin"]) == "800 000 kr"
    assert u.andringar()["roller"][1]["kostnad_per_tjanst"] == 800_000
    u.spara("Dyrare admin")
    assert _bibliotekets("dyrare-admin") == _kommunernas(u)
    assert _kommunernas(u)[-1] > 1_534_357


def test_launch_control_per_yrkesresa_shows_the_month(utforskare):
    u = utforskare
    u.lanseringar[5].value = -4
    assert u.visat_varde(u.lanseringar[5]) == "sep 2027 (-4 mån)"
    assert u.andringar()["yrkesresor"][4]["start"] == "2027-09"
    assert [r["start"] for r in u.andringar()["yrkesresor"][:4]] == ["2021-09", "2024-01", "2026-01", "2026-09"]


def test_workbook_has_the_current_table_and_sums(utforskare, tmp_path):
    u = utforskare
    u.per_resa.value = 0.25
    path = tmp_path / u.filnamn()
    u.arbetsbok(path)
    assert path.name == "utforskaren-2030.xlsx"
    wb = load_workbook(path, data_only=True)
    assert wb.sheetnames == ["Per kommun 2030", "Per år", "Källor"]
    ws = wb["Per kommun 2030"]
    rader = [[c.value for c in r] for r in ws.iter_rows()]
    huvud = next(r for r in rader if r and r[0] == "Kommunkod")
    assert huvud[:4] == ["Kommunkod", "Kommun", "Andel", "Fast kostnad (beräknat)"]
    assert "Mot avtalet 2024" in huvud and "Mot Bas" in huvud
    falun = next(r for r in rader if r and r[1] == "Falun")
    df, rubrik, _ = u.tabelldata()
    assert falun[3] == int(df.set_index("Kommun").loc["Falun", rubrik])
    kallor = {r[0].value: r[1].value for r in wb["Källor"].iter_rows() if r[0].value}
    assert kallor["Inställning"] == "+0,25 tjänst per ny Yrkesresa"
    assert kallor["Extra tjänst per ny Yrkesresa"] == "0,25"


def test_download_link_carries_the_workbook(utforskare):
    import base64
    import io

    utforskare._excel_klick()
    html_text = utforskare.nedladdning.value
    assert 'download="utforskaren-2030.xlsx"' in html_text
    data = base64.b64decode(html_text.split("base64,")[1].split('"')[0])
    assert load_workbook(io.BytesIO(data)).sheetnames[0] == "Per kommun 2030"
    utforskare.per_resa.value = 0.3  # en ändring gör länken inaktuell: den tas bort
    assert utforskare.nedladdning.value == ""


def test_save_button_asks_before_overwriting(utforskare, datakatalog):
    u = utforskare
    u.per_resa.value = 0.25
    u.namnfalt.value = "Min plan"
    u._spara_klick(skriv_over=False)
    assert "Sparade scenariot <b>Min plan</b>" in u.spara_status.value
    assert "analys scenario --scenario min-plan" in u.spara_status.value
    u.per_resa.value = 0.3
    u._spara_klick(skriv_over=False)
    assert "finns redan" in u.spara_status.value and u.skriv_over_knapp.layout.display == ""
    u._spara_klick(skriv_over=True)
    assert "Sparade scenariot" in u.spara_status.value and u.skriv_over_knapp.layout.display == "none"
    assert _bibliotekets("min-plan")[-1] == u.fast_total(2030)


def test_explorer_from_a_scenario_with_a_yearly_key_saves_the_key_it_shows(datakatalog):
    from analys.utforska import Utforskare

    u = Utforskare("blandad-nyckel", 2024, 2030)
    assert u.andringar() == u.scenarioandringar
    u.nyckel.value = "lika"
    u.spara("Lika från början")
    assert _bibliotekets("lika-fran-borjan") == _kommunernas(u)
    assert u.beskrivning() == "Fördelning lika delar"
