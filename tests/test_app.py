"""`analys app` och `analys lab` i en analys-mapp som `analys ny` skapat för Västerbotten (län 24),
utanför repot: sidan visar mappens kommuner och inget från Dalarna, på svenska, och utforskaren
sparar scenarier och arbetsböcker som `analys scenario` och Excel läser. I Chromium (Playwright)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.webb import (
    aktiv_miljo,
    chromium,
    ledig_port,
    server,
    spara_genom_lab_med_utdata,
    svarar,
    utan_utdata,
    webblasare,
)

ANALYS = str(Path(sys.executable).parent / "analys")
# Allt sidan visar medan den laddas, var 20:e millisekund, tills reglagen syns.
SKRIV_UPP = """
window.__texter = new Set();
const __tid = setInterval(() => {
  if (document.body) window.__texter.add(document.body.innerText.slice(0, 2000));
  if (document.querySelector('.fast-total')) clearInterval(__tid);
}, 20);
"""
VANTA = "(sel) => { const e = document.querySelector(sel); return e && e.innerText.trim().length > 0; }"


def _kravs_chromium() -> None:
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium saknas i CI")
        pytest.skip("chromium är inte installerat")


def _namn(lan: str) -> set[str]:
    """Länets kommunnamn ur kommunlistan som följer med programmet."""
    from analys.indata.paths import medfoljande_befolkning

    with open(medfoljande_befolkning() / "kommuner.csv", encoding="utf-8") as f:
        return {r["kommun"] for r in csv.DictReader(f) if r["lanskod"] == lan}


@pytest.fixture(scope="module")
def vasterbotten(tmp_path_factory):
    """`analys ny rss-vasterbotten --lan 24` och `analys app` i mappen, igång under modulens tester."""
    tmp = tmp_path_factory.mktemp("app")
    env = {k: v for k, v in os.environ.items() if k not in ("ANALYS_DATA", "ANALYS_NOTEBOOKS", "ANALYS_RAPPORTER")}
    r = subprocess.run([ANALYS, "ny", "rss-vasterbotten", "--lan", "24"], cwd=tmp, env=env, capture_output=True)
    assert r.returncode == 0, r.stderr
    mapp = tmp / "rss-vasterbotten"
    env = aktiv_miljo(mapp)
    port = ledig_port()
    bas = f"http://127.0.0.1:{port}"
    klar = f"{bas}/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"
    logg = tmp / "app.log"
    with server([ANALYS, "app", "--port", str(port)], klar, mapp, env, logg):
        yield mapp, bas, logg, env


def test_app_page_is_swedish_from_the_first_byte(vasterbotten):
    import requests

    _, bas, logg, _ = vasterbotten
    text = requests.get(f"{bas}/", timeout=120).content.decode("utf-8")
    assert '<html lang="sv">' in text
    assert "<title>Utforska kostnaderna</title>" in text
    assert "Laddar …" in text
    for engelska in ("Running ", "Executing ", "Reading "):
        assert engelska not in text, engelska
    assert "from analys.utforska import" not in text
    log = logg.read_text(encoding="utf-8", errors="replace")
    assert "analys: utforskaren på http://127.0.0.1:" in log
    # Pythons varningar syns inte (ipykernels egen rad om okrypterad TCP till kärnan står kvar)
    assert not re.search(r"DeprecationWarning|UserWarning|FutureWarning|\[Voila\] WARNING", log), log


def test_app_in_a_vasterbotten_folder_shows_its_kommuner_and_no_dalarna_name(vasterbotten, tmp_path):
    _kravs_chromium()
    _, bas, _, _ = vasterbotten
    with webblasare(viewport={"width": 1280, "height": 900}) as sida:
        sida.add_init_script(SKRIV_UPP)
        sida.goto(f"{bas}/", timeout=120_000)
        sida.wait_for_selector(".fast-total", timeout=120_000)
        sida.wait_for_function(VANTA, arg=".tabell", timeout=30_000)
        text = sida.inner_text("body")
        under_laddningen = sida.evaluate("[...window.__texter]")
        sida.screenshot(path=str(tmp_path / "vasterbotten.png"), full_page=True)
        assert not sida.fel, sida.fel
    vasterbottens, dalarnas = _namn("24"), _namn("20")
    assert len(vasterbottens) == 15 and len(dalarnas) == 15
    assert {"Umeå", "Skellefteå", "Lycksele"} <= vasterbottens
    assert [n for n in sorted(vasterbottens) if n not in text] == []
    assert "kommunerna i Västerbottens län betalar" in text.replace("\xa0", " ")
    assert [n for n in dalarnas | {"Dalarna", "Dalarnas"} if re.search(rf"\b{n}\b", text)] == []
    assert "Loading" not in text and "Laddar" not in text  # färdigladdad
    # medan sidan laddas: "Laddar …" på svenska, aldrig Voilàs eller ipywidgets engelska texter
    assert any("Laddar …" in t for t in under_laddningen), under_laddningen
    assert [t for t in under_laddningen if re.search(r"Loading|Running|Executing|Reading", t)] == []


def _total(sida) -> int:
    return int(re.sub(r"\D", "", sida.inner_text(".fast-total")))


def test_move_staffing_save_as_min_plan_and_the_cli_gives_the_same_2030_total(vasterbotten, tmp_path):
    """Godkännandet: flytta bemanningsreglaget, spara som "Min plan", och `analys scenario
    --scenario min-plan` ger samma summa för 2030 som sidan visade. Arbetsboken laddas ner."""
    _kravs_chromium()
    from openpyxl import load_workbook

    mapp, bas, _, env = vasterbotten
    with webblasare(viewport={"width": 1280, "height": 900}, accept_downloads=True) as sida:
        sida.goto(f"{bas}/", timeout=120_000)
        sida.wait_for_selector(".fast-total", timeout=120_000)
        # året i tabellen: 2030
        ar = sida.locator(".reglage-ar [role=slider]")
        ar.focus()
        # Ett steg i taget: nästa tangent först när sammanfattningen visar det nya året (en
        # tangent som trycks innan kärnan svarat flyttar reglaget förbi 2030 på en långsam maskin).
        for _ in range(40):
            sammanfattning = sida.inner_html(".sammanfattning")
            if "<b>2030</b>" in sammanfattning:
                break
            sida.keyboard.press("ArrowLeft")
            sida.wait_for_function(
                "h => document.querySelector('.sammanfattning').innerHTML !== h", arg=sammanfattning, timeout=20_000
            )
        sida.wait_for_timeout(300)
        assert "<b>2030</b>" in sida.inner_html(".sammanfattning")
        fore = _total(sida)
        sida.locator(".reglage-per-resa [role=slider]").focus()
        for _ in range(3):
            sida.keyboard.press("ArrowRight")
        sida.wait_for_function(
            "f => document.querySelector('.fast-total').innerText.replace(/\\D/g, '') !== f", arg=str(fore)
        )
        sida.wait_for_timeout(500)
        visat = _total(sida)
        assert visat > fore
        sida.locator(".spara-namn input").fill("Min plan")
        sida.locator(".spara-scenario").click()
        sida.wait_for_selector(".spara-status .sparat", timeout=20_000)
        status = sida.inner_text(".spara-status")
        assert "Sparade scenariot Min plan (+0,25 tjänst per ny Yrkesresa)" in status.replace("\xa0", " ")
        # ett namn som finns skrivs inte över utan att fråga
        sida.locator(".spara-scenario").click()
        sida.wait_for_selector(".spara-status .fel", timeout=20_000)
        assert "finns redan" in sida.inner_text(".spara-status")
        sida.wait_for_selector(".skriv-over", state="visible", timeout=10_000)
        # arbetsboken
        sida.locator(".ladda-ner-excel").click()
        sida.wait_for_selector(".excel-lank", timeout=20_000)
        with sida.expect_download() as hamtning:
            sida.locator(".excel-lank").click()
        xlsx = tmp_path / hamtning.value.suggested_filename
        hamtning.value.save_as(xlsx)
        assert not sida.fel, sida.fel
    assert xlsx.name == "utforskaren-2030-pahittat-exempel.xlsx"
    wb = load_workbook(xlsx, data_only=True)
    ws = wb["Per kommun 2030"]
    rader = [[c.value for c in r] for r in ws.iter_rows()]
    huvud = next(r for r in rader if r and r[0] == "Kommunkod")
    fast = huvud.index("Fast kostnad (beräknat)")
    kommunrader = [r for r in rader if r and isinstance(r[0], str) and re.fullmatch(r"24\d\d", r[0])]
    assert len(kommunrader) == 15 and sum(r[fast] for r in kommunrader) == visat
    assert "Umeå" in {r[1] for r in kommunrader}

    lista = subprocess.run([ANALYS, "scenario", "--lista"], cwd=mapp, env=env, capture_output=True, text=True)
    assert lista.returncode == 0, lista.stderr
    assert re.search(r"^min-plan\s+Min plan: \+0,25 tjänst per ny Yrkesresa$", lista.stdout, re.M), lista.stdout
    r = subprocess.run(
        [ANALYS, "scenario", "--scenario", "min-plan", "--format", "csv"],
        cwd=mapp,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    rader = [x for x in csv.DictReader(io.StringIO(r.stdout)) if x["ar"] == "2030"]
    assert len(rader) == 15
    assert sum(int(x["fast_kostnad"]) for x in rader) == visat
    assert (mapp / "data" / "antaganden" / "scenarier.yaml.bak").is_file()


def test_narrow_screen_table_scrolls_with_a_visible_hint(vasterbotten, tmp_path):
    _kravs_chromium()
    _, bas, _, _ = vasterbotten
    with webblasare(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2) as sida:
        sida.goto(f"{bas}/", timeout=120_000)
        sida.wait_for_selector(".fast-total", timeout=120_000)
        sida.wait_for_function(VANTA, arg=".tabell", timeout=30_000)
        sida.screenshot(path=str(tmp_path / "smal.png"), full_page=True)
        matt = sida.evaluate(
            """() => { const r = document.querySelector('.tabell .tabellram');
            return {ram: r.clientWidth, tabell: r.scrollWidth, sida: document.documentElement.scrollWidth,
                    hoger: r.getBoundingClientRect().right}; }"""
        )
        tips = sida.locator(".rulla-tips")
        assert matt["hoger"] <= 391, matt  # ramen får plats på skärmen
        if matt["tabell"] > matt["ram"]:
            assert tips.is_visible() and "dra den åt sidan" in tips.inner_text()
        assert matt["sida"] <= 391, matt  # sidan själv rullar inte i sidled


def test_lab_in_the_folder_saves_without_outputs_and_has_no_news(vasterbotten, tmp_path):
    import requests

    mapp, _, _, env = vasterbotten
    port = ledig_port()
    bas = f"http://127.0.0.1:{port}"
    flaggor = ["--no-browser", "--IdentityProvider.token=", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0"]
    logg = tmp_path / "lab.log"
    with server([ANALYS, "lab", "--port", str(port), "--", *flaggor], f"{bas}/lab", mapp, env, logg):
        sida = requests.get(f"{bas}/lab/tree/notebooks/utforska.ipynb", timeout=30)
        assert sida.status_code == 200
        config = json.loads(
            re.search(r'id="jupyter-config-data" type="application/json">(.*?)</script>', sida.text, re.S)[1]
        )
        assert config["news"] == {"disabled": True}
        s = requests.Session()
        s.get(f"{bas}/lab", timeout=10)
        innehall = s.get(f"{bas}/api/contents", timeout=10).json()["content"]
        assert {"data", "notebooks", "analys.yaml"} <= {c["name"] for c in innehall}
        assert utan_utdata(spara_genom_lab_med_utdata(s, bas, mapp, 7))
    assert svarar(f"{bas}/lab") is None
    text = logg.read_text(encoding="utf-8", errors="replace")
    if os.geteuid() == 0:
        assert "analys: du kör som root; JupyterLab startas med --allow-root." in text
    assert not re.search(r"DeprecationWarning|UserWarning", text), text


def test_app_outside_an_analysis_folder_says_how_to_make_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ANALYS_DATA",)}
    r = subprocess.run([ANALYS, "app"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "Ingen analys-mapp här" in r.stderr and "analys ny MAPP --lan" in r.stderr
    assert "Traceback" not in r.stderr


def test_the_server_program_runs_in_this_process_without_the_slow_iri_parser(tmp_path):
    """Serverns kommandorad (`python -P -m analys.app PROGRAM …`) kör programmet med dess argument,
    jsonschema (som jupyter_server och Voilà importerar) laddas utan rfc3987_syntax, och en fil i
    mappen man står i med samma namn som en modul (här jsonschema.py) används inte i stället."""
    from analys import app

    program = tmp_path / "program"
    program.write_text("import sys, jsonschema\nprint(sys.argv[1:], sys.modules['rfc3987_syntax'])\n", encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "utforska.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "jsonschema.py").write_text("raise SystemExit('mappens egen jsonschema.py')\n", encoding="utf-8")
    start = app.kommando("app", tmp_path, 9001, [], root=False)[:4]
    r = subprocess.run([*start, str(program), "--port=1"], capture_output=True, text=True, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "['--port=1'] None\n"), r.stderr


@pytest.mark.parametrize("argv", [[], ["finns-inte"]], ids=["inget-program", "okant-program"])
def test_the_server_start_without_a_program_says_so_in_swedish(tmp_path, argv):
    r = subprocess.run([sys.executable, "-P", "-m", "analys.app", *argv], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.startswith("analys: python -m analys.app startar ett Jupyter-program")
    assert r.stderr.rstrip().endswith("Starta utforskaren med: analys app")


def test_commands_carry_the_project_settings(tmp_path, monkeypatch):
    from analys import app

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "utforska.ipynb").write_text("{}", encoding="utf-8")
    voila = app.kommando("app", tmp_path, 9001, ["--x"], root=False)
    bin_ = Path(sys.executable).parent
    # Programmet körs av `python -P -m analys.app`, i miljöns Python (utan jsonschemas IRI-tolkare).
    assert voila[:6] == [
        sys.executable,
        "-P",
        "-m",
        "analys.app",
        str(bin_ / "voila"),
        str(tmp_path / "notebooks" / "utforska.ipynb"),
    ]
    assert {"--port=9001", "--template=analys", "--VoilaExporter.language_code=sv", "--x"} <= set(voila)
    lab = app.kommando("lab", tmp_path, 9002, [], root=True)
    assert lab[4:6] == [str(bin_ / "jupyter-lab"), "notebooks/utforska.ipynb"]
    assert {
        f"--ServerApp.root_dir={tmp_path}",
        "--FileContentsManager.pre_save_hook=analys.app.rensa_utdata",
        "--LabApp.news_url=None",
        "--allow-root",
    } <= set(lab)
    assert "--allow-root" not in app.kommando("lab", tmp_path, 9002, [], root=False)
    env = app.miljo(tmp_path)
    assert env["ANALYS_DATA"] == str(tmp_path / "data") and env["PYTHONWARNINGS"] == "ignore"
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(app.JUPYTER)
    # mallen följer med paketet (i hjulet ligger den under analys/_jupyter/)
    assert app.JUPYTER.parent == Path(app.__file__).parent
    assert (app.JUPYTER / "voila" / "templates" / "analys" / "conf.json").is_file()


def test_installed_wheel_serves_app_and_lab_with_the_settings_outside_the_repo(installerat, tmp_path):
    """Hjulet installerat i en ny miljö: `analys app` har den svenska mallen och `analys lab`
    sparkroken, i en mapp från `analys ny` utanför repot (inget läses ur repots jupyter/)."""

    import requests

    miljo, _ = installerat
    analys = str(miljo / "bin" / "analys")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANALYS_", "VIRTUAL_ENV", "CONDA"))}
    env["PATH"] = f"{miljo / 'bin'}{os.pathsep}{env['PATH']}"
    assert subprocess.run([analys, "ny", "lan24", "--lan", "24"], cwd=tmp_path, env=env).returncode == 0
    mapp = tmp_path / "lan24"
    jupyter = tmp_path / "jupyter"
    env.update(JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"), JUPYTER_CONFIG_DIR=str(jupyter / "config"))
    port = ledig_port()
    bas = f"http://127.0.0.1:{port}"
    klar = f"{bas}/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"
    with server([analys, "app", "--port", str(port)], klar, mapp, env, tmp_path / "app.log"):
        text = requests.get(f"{bas}/", timeout=120).content.decode("utf-8")
        assert "<title>Utforska kostnaderna</title>" in text and "Laddar …" in text and "Running " not in text
    port = ledig_port()
    bas = f"http://127.0.0.1:{port}"
    flaggor = ["--no-browser", "--IdentityProvider.token=", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0"]
    with server([analys, "lab", "--port", str(port), "--", *flaggor], f"{bas}/lab", mapp, env, tmp_path / "lab.log"):
        s = requests.Session()
        s.get(f"{bas}/lab", timeout=10)
        assert utan_utdata(spara_genom_lab_med_utdata(s, bas, mapp, 3))
