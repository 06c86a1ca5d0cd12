"""Varje kommando i README.md körs, ordagrant och i ordning, i en kopia av projektet: README:n
kan inte glida isär från programmet. SCB svarar från en lokal server med samma svar som
tests/test_scb.py använder (ingen internetförbindelse behövs).

README:ns första kommando, `make reports`, körs en gång per testkörning i en kopia av projektet
(fixturen `projekt_med_rapporter` i tests/conftest.py, som rapporttesterna delar); testet
fortsätter i en kopia av den kopian med resten av kommandona. Avsnittet "Ett annat län, en egen
mapp" börjar i en ny mapp (`analys ny`) och körs, i ordning, i en egen kopia och ett eget test,
så att de två halvorna kan gå samtidigt på var sin process.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests import scb_svar
from tests.webb import ROT, aktiv_miljo, projektkopia

# Rader i README:n som testet inte kör, och varför. Varje rad här måste finnas i README:n.
HOPPAS_OVER = {
    "make test": "testerna själva; att make test fungerar visar CI, som kör just det kommandot",
    "source .venv/bin/activate": "testets miljö är redan aktiv (VIRTUAL_ENV och PATH pekar på den)",
    "conda env create -f environment.yml": "conda finns inte här; tests/test_projekt.py håller environment.yml "
    "i takt med pyproject.toml och tests/test_installation.py visar att en aktiv miljö används",
    "conda activate analys": "se ovan",
    "make lab": "en server som går tills Ctrl-C; tests/test_planerare.py startar och stoppar den",
    "make app": "en server som går tills Ctrl-C; tests/test_planerare.py startar den och kör Chromium mot den",
}


# README:ns första kommando; det körs av fixturen projekt_med_rapporter, före resten.
FORSTA_KOMMANDOT = "make reports"
# Kommandot som `make reports` kör (se Makefile): samma körning, samma rapporter, så README-raden
# `analys rapport` räknas som körd av fixturen (testet nedan håller Makefile och README ihop).
SAMMA_SOM_FORSTA = "analys rapport"
# Avsnittet som börjar i en ny mapp och körs i en egen kopia (se modulens text).
EGEN_MAPP = "## Ett annat län, en egen mapp"


def _kommando(rad: str) -> str:
    return re.sub(r"(^|\s+)#.*$", "", rad).strip()


def readme_block() -> list[str]:
    text = (ROT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


def readme_halvor() -> tuple[list[str], list[str]]:
    """Kodblocken före och från avsnittet EGEN_MAPP."""
    text = (ROT / "README.md").read_text(encoding="utf-8")
    fore, _, efter = text.partition(f"\n{EGEN_MAPP}\n")
    assert efter, f"README.md har inget avsnitt {EGEN_MAPP!r}"
    block = r"^```sh\n(.*?)^```"
    return re.findall(block, fore, flags=re.S | re.M), re.findall(block, efter, flags=re.S | re.M)


def test_the_readme_halves_are_the_whole_readme_and_the_split_is_where_a_new_folder_begins():
    fore, efter = readme_halvor()
    assert fore + efter == readme_block()
    assert next(_kommando(r) for r in fore[0].splitlines() if _kommando(r)) == FORSTA_KOMMANDOT
    assert next(_kommando(r) for r in efter[0].splitlines() if _kommando(r)).startswith("analys ny ")


def test_make_reports_runs_exactly_analys_rapport():
    make = (ROT / "Makefile").read_text(encoding="utf-8")
    recept = re.search(r"^reports: .*\n((?:\t.*\n)+)", make, flags=re.M)
    assert recept and recept.group(1) == f"\t$(BIN)/{SAMMA_SOM_FORSTA}\n"
    kommandon = [_kommando(r) for b in readme_halvor()[0] for r in b.splitlines()]
    assert SAMMA_SOM_FORSTA in kommandon


def test_every_skipped_line_is_still_in_the_readme():
    kommandon = {_kommando(r) for b in readme_block() for r in b.splitlines()}
    assert set(HOPPAS_OVER) <= kommandon


def test_readme_blocks_contain_only_commands_a_user_can_type():
    for block in readme_block():
        for rad in block.splitlines():
            kommando = _kommando(rad)
            if kommando:
                assert kommando.split()[0].split("=")[0] in {
                    "make",
                    "analys",
                    "source",
                    "conda",
                    "cd",
                    "ANALYS_DATA",
                }, rad


# --- SCB på låtsas, över HTTP ------------------------------------------------------------------------


class _Scb(BaseHTTPRequestHandler):
    def _svara(self, data: dict) -> None:
        kropp = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(kropp)))
        self.end_headers()
        self.wfile.write(kropp)

    def do_GET(self):
        vag = self.path.split("?")[0]
        if vag.endswith("/config"):
            return self._svara(scb_svar.inspelad("config.json"))
        m = re.search(r"/tables/(\w+)/metadata$", vag)
        if m:
            return self._svara(scb_svar.metadata(m.group(1)))
        self.send_error(404)

    def do_POST(self):
        m = re.search(r"/tables/(\w+)/data", self.path)
        fraga = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        urval = {s["variableCode"]: s["valueCodes"] for s in fraga["selection"]}
        self._svara(scb_svar.data(m.group(1), urval, scb_svar.medfoljande))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def scb_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Scb)
    trad = threading.Thread(target=server.serve_forever, daemon=True)
    trad.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    server.shutdown()


def _kor_block(
    block_lista: list[str], projekt, env, korda: list[str], redan_kort: frozenset[str] = frozenset()
) -> None:
    """Kör kodblocken i ordning i `projekt`, ett bash-skript per block; hoppar bara över raderna
    i HOPPAS_OVER och de som redan körts (`redan_kort`)."""
    for nummer, block in enumerate(block_lista, start=1):
        rader = []
        for rad in block.splitlines():
            kommando = _kommando(rad)
            if kommando in HOPPAS_OVER or kommando in redan_kort:
                rader.append(f": hoppas över: {kommando}")
                if kommando in redan_kort:
                    korda.append(kommando)
            else:
                rader.append(rad)
                if kommando:
                    korda.append(kommando)
        skript = "set -euo pipefail\n" + "\n".join(rader) + "\n"
        r = subprocess.run(["bash", "-c", skript], cwd=projekt, env=env, capture_output=True, text=True, timeout=1200)
        assert r.returncode == 0, (
            f"README-block {nummer}:\n{block}\n--- stdout:\n{r.stdout[-3000:]}\n--- stderr:\n{r.stderr[-3000:]}"
        )
        assert "Traceback" not in r.stderr, f"README-block {nummer}:\n{r.stderr[-3000:]}"


def _indata(data) -> dict[str, bytes]:
    """Filerna under data/ utom SCB-hämtningarna (hamtat/), som de enda kommandona får skriva."""
    return {
        p.relative_to(data).as_posix(): p.read_bytes()
        for p in data.rglob("*")
        if p.is_file() and "hamtat" not in p.relative_to(data).parts
    }


def test_every_readme_command_runs_in_order_in_a_copy(tmp_path, scb_server, projekt_med_rapporter):
    """Allt före avsnittet om en egen mapp; `make reports` har redan körts i projekt_med_rapporter."""
    fore_block, _ = readme_halvor()
    projekt = tmp_path / "projekt"
    shutil.copytree(projekt_med_rapporter, projekt, symlinks=True)
    env = aktiv_miljo(projekt)
    env["ANALYS_SCB_URL"] = scb_server
    korda: list[str] = []
    _kor_block(fore_block, projekt, env, korda, redan_kort=frozenset({FORSTA_KOMMANDOT, SAMMA_SOM_FORSTA}))
    # det README:n lovar finns där efteråt
    assert korda[0] == FORSTA_KOMMANDOT and len(korda) >= 20
    assert (projekt / "underlag-2024.xlsx").is_file() and (projekt / "fakturor-2024.xlsx").is_file()
    assert (projekt / "blandad.xlsx").is_file() and (projekt / "scenarier.xlsx").is_file()
    rapporter = [p.name for p in (projekt / "reports").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert "fordelning-2024" in rapporter and "uppfoljning-2024-pahittat-exempel" in rapporter
    assert list((projekt / "data" / "befolkning" / "hamtat").glob("*/metadata.yaml"))
    # avsnittet "Året runt" skriver förslaget 2025, fastställer det och sparar förslaget bredvid
    avtal = projekt / "data" / "avtal"
    assert "status: fastställt" in (avtal / "2025.yaml").read_text(encoding="utf-8")
    assert "status: förslag" in next(avtal.glob("2025.yaml.*.bak")).read_text(encoding="utf-8")
    # förslaget lade till sin rapport sist i rapportfilen, och allt som stod där står kvar
    rapportfil = (projekt / "data" / "rapporter.yaml").read_text(encoding="utf-8")
    assert rapportfil.startswith((ROT / "data" / "rapporter.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n")
    assert rapportfil.endswith(
        '  - namn: avtalsforslag-2025\n    notebook: avtalsforslag.ipynb\n    parametrar: {avtal: "2025"}\n'
    )
    # utöver SCB-hämtningarna (i hamtat/), årets avtal och rapportfilen har ingen indata ändrats, inte heller av
    # make reports
    ovrigt = lambda k: not k.startswith("avtal/2025.yaml") and k != "rapporter.yaml"  # noqa: E731
    efter = {k: v for k, v in _indata(projekt / "data").items() if ovrigt(k)}
    assert efter == {k: v for k, v in _indata(ROT / "data").items() if ovrigt(k)}
    assert not [p for p in (projekt / "notebooks").iterdir() if p.suffix != ".ipynb"]


def _hallands_rapporter(rapporter) -> None:
    """Hallands exempel som README:n kör det: titlar, kommuner och belopp ur Hallands egna filer,
    märkta påhittade i mappnamn, sidor och arbetsböcker, med PDF; inget från Dalarna."""
    from openpyxl import load_workbook

    from tests.test_lan import HALLANDS_KOMMUNER, PAHITTAT

    F, S, K = (f"{n}-pahittat-exempel" for n in ("fordelning-2026", "scenarier-2026-2032", "kommunblad-halmstad"))
    assert sorted(p.name for p in rapporter.iterdir() if not p.name.startswith(".")) == [F, K, S]
    for namn in (F, S, K):
        filer = sorted(p.suffix for p in (rapporter / namn).iterdir() if p.name.startswith(namn + "."))
        assert filer[-4:] == [".html", ".ipynb", ".pdf", ".xlsx"], namn
        html = (rapporter / namn / f"{namn}.html").read_text(encoding="utf-8")
        assert PAHITTAT in html, namn
        assert "Dalarnas län" not in html and "Falun" not in html and "Borlänge" not in html, namn
        assert (rapporter / namn / f"{namn}.pdf").stat().st_size > 10_000, namn
        assert PAHITTAT in str(load_workbook(rapporter / namn / f"{namn}.xlsx").worksheets[0]["A1"].value), namn
    fordelning = (rapporter / F / f"{F}.html").read_text(encoding="utf-8")
    assert "Hallands län" in fordelning and "2026" in fordelning and "2024" not in fordelning
    csv = (rapporter / F / f"{F}-data.csv").read_text(encoding="utf-8").splitlines()
    assert {rad.split(",")[0] for rad in csv[1:]} == HALLANDS_KOMMUNER
    assert sum(int(rad.rsplit(",", 1)[1]) for rad in csv[1:]) == 1_030_000
    blad = (rapporter / K / f"{K}.html").read_text(encoding="utf-8").replace("\xa0", " ")
    assert "Halmstad" in blad and "316 407" in blad  # Halmstads del av avtalet 2026


def test_the_other_lan_section_runs_in_order_in_its_own_copy(tmp_path, scb_server):
    """Avsnittet "Ett annat län, en egen mapp" och allt efter det, i en ny kopia av projektet."""
    _, efter_block = readme_halvor()
    projekt = projektkopia(tmp_path / "projekt")
    env = aktiv_miljo(projekt)
    env["ANALYS_SCB_URL"] = scb_server
    korda: list[str] = []
    _kor_block(efter_block, projekt, env, korda)
    assert korda[0] == "analys ny ../rss-halland --lan 13" and len(korda) >= 6
    assert (tmp_path / "rss-halland" / "reports").is_dir()
    _hallands_rapporter(projekt / "reports" / "halland")
    assert _indata(projekt / "data") == _indata(ROT / "data")
    assert not [p for p in (projekt / "notebooks").iterdir() if p.suffix != ".ipynb"]
