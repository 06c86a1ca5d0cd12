"""Planerarens väg: varje notebook körs som den ligger, utforskarens reglage ändrar tabell, diagram
och summor, `make lab` och `make app` startar (också som root) och utforskaren fungerar i en
riktig webbläsare."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from tests.webb import (
    ROT,
    aktiv_miljo,
    ledig_port,
    projektkopia,
    server,
    spara_genom_lab_med_utdata,
    svarar,
    utan_utdata,
    webblasare,
)

NOTEBOOKS = sorted(p.name for p in (ROT / "notebooks").glob("*.ipynb"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _alla_filer(mapp: Path) -> dict[str, str]:
    return {str(p.relative_to(mapp)): _sha(p) for p in sorted(mapp.rglob("*")) if p.is_file()}


@pytest.fixture
def projekt(tmp_path, monkeypatch):
    """En kopia av projektet som en planerare har det; testet körs med den som aktuell mapp."""
    kopia = projektkopia(tmp_path / "projekt")
    monkeypatch.delenv("ANALYS_DATA", raising=False)
    monkeypatch.delenv("ANALYS_RAPPORTER", raising=False)
    monkeypatch.delenv("ANALYS_NOTEBOOKS", raising=False)
    monkeypatch.chdir(kopia)
    return kopia


def _kor(notebook: Path, extra: str | None = None):
    """Kör en notebook med sina standardparametrar i dess egen mapp (som JupyterLab gör)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}
    ).execute()
    return nb


@pytest.mark.parametrize("namn", NOTEBOOKS)
def test_every_notebook_runs_with_its_defaults_and_writes_only_to_reports(projekt, namn):
    notebooks_fore = _alla_filer(projekt / "notebooks")
    data_fore = _alla_filer(projekt / "data")
    nb = _kor(projekt / "notebooks" / namn)
    fel = [u for c in nb.cells if c.cell_type == "code" for u in c.outputs if u.output_type == "error"]
    assert not fel
    assert _alla_filer(projekt / "notebooks") == notebooks_fore  # notebooks/ förblir som den checkats in
    assert _alla_filer(projekt / "data") == data_fore  # indata ändras aldrig
    rapporter = projekt / "reports"
    if namn == "utforska.ipynb":
        assert not rapporter.exists()  # utforskaren sparar inget
        visad = [u for c in nb.cells if c.cell_type == "code" for u in c.outputs if u.output_type == "execute_result"]
        assert "application/vnd.jupyter.widget-view+json" in visad[-1]["data"]
    else:
        skrivna = [p for p in rapporter.rglob("*") if p.is_file()]
        assert any(p.suffix == ".xlsx" for p in skrivna), skrivna


REGLAGESTEG = [
    # (namn, reglage, nytt värde, ändras: tabell, diagram, summa)
    ("år med annat belopp", "ar", 2026, (True, False, True)),
    ("mer bemanning per resa", "per_resa", 0.5, (True, True, True)),
    ("dyrare tjänster", "faktor", 1.2, (True, True, True)),
    ("högre indexering", "indexering", 0.05, (True, True, True)),
    ("lanseringar ett år senare", "skift", 12, (True, True, True)),
    ("lika delar", "nyckel", "lika", (True, False, False)),
    ("blandad nyckel", "nyckel", "blandad", (True, False, False)),
    ("större fast andel", "fast_andel", 0.6, (True, False, False)),
]

INTERAKTION = """
import hashlib, json
def _bild(u):
    h = lambda s: hashlib.sha256(s.encode()).hexdigest()
    return {
        "total": u.fast_total(u.ar.value), "ar": u.ar.value, "tabell": h(u.tabell.value),
        "diagram": h(u.diagram.value), "sammanfattning": u.sammanfattning.value,
        "serie": [int(v) for v in u.resultat.kommunernas_del[0]], "tid": u.senaste_tid,
        "varden": {n: getattr(u, n).value for n in ("per_resa", "faktor", "indexering", "skift", "nyckel", "fast_andel")},
    }
_ut = [_bild(utforskare)]
for _reglage, _varde in STEG:
    getattr(utforskare, _reglage).value = _varde
    _ut.append(_bild(utforskare))
print(json.dumps(_ut))
"""


def _bibliotekets_serie(varden: dict) -> list[int]:
    """Kommunernas fasta kostnad per år 2024–2030 räknad direkt med biblioteket."""
    from analys.begrepp import Nyckel, Nyckelval, manadsindex
    from analys.berakning.kostnadsmodell import Drag, compute
    from analys.flode.scenarier import modellunderlag
    from analys.indata.antaganden import load_antaganden

    a = load_antaganden("bas")
    andel = Decimal(str(varden["fast_andel"])) if varden["nyckel"] == "blandad" else Decimal(0)
    # Reglaget för lanseringarna flyttar varje Yrkesresas startmånad, som ett sparat scenario gör.
    skift = int(varden["skift"])
    resor = [
        r.model_copy(update={"start": f"{(m := manadsindex(r.start) + skift) // 12:04d}-{m % 12 + 1:02d}"})
        for r in a.yrkesresor
    ]
    a = a.model_copy(
        update={
            "nyckel": Nyckelval(nyckel=Nyckel(varden["nyckel"]), fast_andel=andel),
            "nyckel_per_ar": {},
            "yrkesresor": resor,
        }
    )
    drag = Drag(
        per_resa=Decimal(str(varden["per_resa"])),
        kostnad_per_tjanst_faktor=Decimal(str(varden["faktor"])),
        indexering=Decimal(str(varden["indexering"])),
    )
    return [int(v) for v in compute(a, modellunderlag(a, 2024, 2030), drag).kommunernas_del[0]]


def test_explorer_controls_change_table_chart_and_totals_to_the_librarys_figures(projekt):
    from analys.rapporter.format import format_kr

    steg = json.dumps([[r, v] for _, r, v, _ in REGLAGESTEG])
    nb = _kor(projekt / "notebooks" / "utforska.ipynb", f"STEG = {steg}\n{INTERAKTION}")
    bilder = json.loads(nb.cells[-1].outputs[0]["text"])
    assert len(bilder) == len(REGLAGESTEG) + 1
    for fore, efter, (namn, _, _, (tabell, diagram, summa)) in zip(bilder[:-1], bilder[1:], REGLAGESTEG, strict=True):
        assert (efter["tabell"] != fore["tabell"]) == tabell, namn
        assert (efter["diagram"] != fore["diagram"]) == diagram, namn
        assert (efter["total"] != fore["total"]) == summa, namn
    for bild in bilder:
        serie = _bibliotekets_serie(bild["varden"])
        assert bild["serie"] == serie, bild["varden"]
        assert bild["total"] == serie[bild["ar"] - 2024]
        assert f'class="fast-total">{format_kr(bild["total"])}<' in bild["sammanfattning"].replace("\xa0", " ")
        assert serie[0] == 1_030_000  # avtalets år ändras inte av reglagen
    assert bilder[0]["ar"] == 2030 and bilder[0]["total"] == 1_534_357  # standardläget: bas, 2030 beräknat


def test_make_rensa_strips_outputs_and_names_the_notebook(projekt):
    import nbformat

    path = projekt / "notebooks" / "fordelning.ipynb"
    nb = nbformat.read(path, as_version=4)
    kod = next(c for c in nb.cells if c.cell_type == "code")
    kod.outputs = [nbformat.v4.new_output("stream", text="hej")]
    kod.execution_count = 1
    nbformat.write(nb, path)
    from tests.test_projekt import notebooks_med_utdata

    assert notebooks_med_utdata(projekt / "notebooks") == ["fordelning.ipynb"]
    env = aktiv_miljo(projekt)
    r = subprocess.run(["make", "rensa"], cwd=projekt, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Rensade fordelning.ipynb." in r.stdout
    assert notebooks_med_utdata(projekt / "notebooks") == []
    # bara utdata togs bort: koden är densamma som i repot
    assert [c.source for c in nbformat.read(path, as_version=4).cells] == [
        c.source for c in nbformat.read(ROT / "notebooks" / "fordelning.ipynb", as_version=4).cells
    ]


# --- make lab och make app ---------------------------------------------------------------------


def test_make_lab_starts_at_the_project_root_as_root_and_saves_without_outputs(projekt, tmp_path):
    import requests

    env = aktiv_miljo(projekt)
    port = ledig_port()
    flaggor = "--no-browser --IdentityProvider.token= --ServerApp.ip=127.0.0.1 --ServerApp.port_retries=0"
    bas = f"http://127.0.0.1:{port}"
    logg = tmp_path / "lab.log"
    with server(["make", "lab", f"LAB_PORT={port}", f"LAB_FLAGS={flaggor}"], f"{bas}/lab", projekt, env, logg):
        assert svarar(f"{bas}/lab/tree/notebooks/utforska.ipynb") == 200
        s = requests.Session()
        s.get(f"{bas}/lab", timeout=10)
        # JupyterLab står i projektets rot: data/ och YAML-filerna går att öppna
        innehall = s.get(f"{bas}/api/contents", timeout=10).json()["content"]
        assert {"data", "notebooks", "analys.yaml"} <= {c["name"] for c in innehall}
        assert s.get(f"{bas}/api/contents/data/avtal/2024.yaml", timeout=10).status_code == 200
        # en notebook med utdata sparad genom JupyterLab hamnar utan utdata på disken
        assert utan_utdata(spara_genom_lab_med_utdata(s, bas, projekt, 7))
    text = logg.read_text(encoding="utf-8", errors="replace")
    if os.geteuid() == 0:
        assert "analys: du kör som root; JupyterLab startas med --allow-root." in text


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """`make app` (Voilà) i en projektkopia, igång under modulens tester."""
    tmp = tmp_path_factory.mktemp("app")
    projekt = projektkopia(tmp / "projekt")
    env = aktiv_miljo(projekt)
    port = ledig_port()
    bas = f"http://127.0.0.1:{port}"
    klar = f"{bas}/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"
    with server(["make", "app", f"APP_PORT={port}"], klar, projekt, env, tmp / "app.log") as (_proc, _sek):
        yield bas, tmp / "app.log"


def test_make_app_serves_the_explorer_without_code(app):
    import requests

    bas, logg = app
    svar = requests.get(f"{bas}/", timeout=120)
    assert svar.status_code == 200
    assert "Utforska kostnaderna" in svar.text
    assert "from analys.utforska import" not in svar.text  # ingen kod på sidan
    assert "utforskaren på http://127.0.0.1:" in logg.read_text(encoding="utf-8", errors="replace")


def _normal(text: str) -> str:
    return re.sub(r"\s", " ", text)


def test_explorer_compares_with_the_scenario_as_it_stands_with_its_own_key():
    """Ett scenario som byter nyckel ett visst år (blandad-nyckel: 30 % lika från 2025) jämförs
    med sig självt, inte med en variant där nyckeln är befolkning alla år."""
    from analys.utforska import SOM_I_SCENARIOT, Utforskare

    u = Utforskare("blandad-nyckel", 2024, 2030)
    assert u.nyckel.value == SOM_I_SCENARIOT and u.fast_andel.disabled
    falun = list(u.underlag.kommun).index("Falun")
    assert int(u.resultat.fast_kostnad[0, 1, falun]) == 176_299  # som `analys scenario --scenario blandad-nyckel`
    assert "+0 kr mot scenariot Blandad nyckel" in u.sammanfattning.value.replace("\xa0", " ")
    u.nyckel.value = "befolkning"  # nyckeln ändrad med reglaget: befolkning alla år
    assert int(u.resultat.fast_kostnad[0, 1, falun]) == 221_544
    u.nyckel.value = SOM_I_SCENARIOT
    assert int(u.resultat.fast_kostnad[0, 1, falun]) == 176_299


VANTA_PA_TOTAL = (
    "t => { const e = document.querySelector('.fast-total'); return e && e.innerText.replace(/\\s/g, ' ') === t; }"
)


def test_explorer_in_a_real_browser_shows_the_librarys_total_within_two_seconds(app, tmp_path):
    """Chromium laddar appen, flyttar reglagen för bemanning och indexering med tangentbordet och
    ser rubriksumman bli bibliotekets tal inom 2 s, utan fel i webbläsarens konsol."""
    from analys.rapporter.format import format_kr

    bas, _ = app
    varden = {"per_resa": 0.1, "faktor": 1.0, "indexering": 0.03, "skift": 0, "nyckel": "befolkning", "fast_andel": 0.0}
    with webblasare(viewport={"width": 1280, "height": 900}) as sida:
        sida.goto(f"{bas}/", timeout=120_000)
        sida.wait_for_selector(".fast-total", timeout=120_000)
        assert _normal(sida.inner_text(".fast-total")) == _normal(format_kr(_bibliotekets_serie(varden)[-1]))
        steg = (("reglage-per-resa", "per_resa", 0.05, "0,15"), ("reglage-indexering", "indexering", 0.005, "3,5 %"))
        for klass, nyckel, steglangd, visat in steg:
            diagram_fore = sida.inner_html(".diagram")
            sida.locator(f".{klass} [role=slider]").focus()
            sida.keyboard.press("ArrowRight")  # ett steg åt höger
            varden[nyckel] = round(varden[nyckel] + steglangd, 5)
            forvantat = _normal(format_kr(_bibliotekets_serie(varden)[-1]))
            sida.wait_for_function(VANTA_PA_TOTAL, arg=forvantat, timeout=2000)
            assert sida.inner_html(".diagram") != diagram_fore, nyckel
            assert visat in [_normal(t) for t in sida.locator(".reglage-varde").all_inner_texts()], nyckel
        sida.screenshot(path=str(tmp_path / "utforskaren.png"), full_page=True)
        assert not sida.fel, sida.fel
