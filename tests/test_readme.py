"""Varje kommando i README.md körs, ordagrant och i ordning, i en kopia av projektet: README:n
kan inte glida isär från programmet. SCB svarar från en lokal server med samma svar som
tests/test_scb.py använder (ingen internetförbindelse behövs)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests import scb_svar
from tests.webb import ROT, aktiv_miljo, chromium, projektkopia

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


def _kommando(rad: str) -> str:
    return re.sub(r"(^|\s+)#.*$", "", rad).strip()


def readme_block() -> list[str]:
    text = (ROT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


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


def _varde(kod: str, period: str) -> int:
    """Medföljande siffror där de finns, annars den senaste medföljande siffran (prognos, månader)."""
    from analys.indata.befolkning import load_befolkning

    lan = kod[:2]
    ar = int(period[:4])
    datum = date(ar, int(period[5:]), 28) if "M" in period else date(ar, 12, 31)
    for d in (datum, date(ar, 6, 30), date(min(ar, 2025), 12, 31)):
        try:
            df = load_befolkning(lan, d)
        except Exception:
            continue
        rad = df[df["kommunkod"] == kod]
        if len(rad):
            return int(rad["folkmangd"].iloc[0])
    return 10_000


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
        self._svara(scb_svar.data(m.group(1), urval, _varde))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def scb_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Scb)
    trad = threading.Thread(target=server.serve_forever, daemon=True)
    trad.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v2"
    server.shutdown()


def test_every_readme_command_runs_in_order_in_a_copy(tmp_path, scb_server):
    if chromium() is None and not os.environ.get("CI"):
        pytest.skip("Chromium behövs för rapporternas PDF")
    projekt = projektkopia(tmp_path / "projekt")
    env = aktiv_miljo(projekt)
    env["ANALYS_SCB_URL"] = scb_server
    fore = {p: p.read_bytes() for p in (projekt / "data").rglob("*") if p.is_file()}
    korda = []
    for nummer, block in enumerate(readme_block(), start=1):
        rader = []
        for rad in block.splitlines():
            if _kommando(rad) in HOPPAS_OVER:
                rader.append(f": hoppas över: {_kommando(rad)}")
            else:
                rader.append(rad)
                if _kommando(rad):
                    korda.append(_kommando(rad))
        skript = "set -euo pipefail\n" + "\n".join(rader) + "\n"
        r = subprocess.run(["bash", "-c", skript], cwd=projekt, env=env, capture_output=True, text=True, timeout=1200)
        assert r.returncode == 0, (
            f"README-block {nummer}:\n{block}\n--- stdout:\n{r.stdout[-3000:]}\n--- stderr:\n{r.stderr[-3000:]}"
        )
        assert "Traceback" not in r.stderr, f"README-block {nummer}:\n{r.stderr[-3000:]}"
    # det README:n lovar finns där efteråt
    assert len(korda) >= 30
    assert (projekt / "underlag-2024.xlsx").is_file() and (projekt / "fakturor-2024.xlsx").is_file()
    assert (projekt / "blandad.xlsx").is_file() and (projekt / "scenarier.xlsx").is_file()
    rapporter = [p.name for p in (projekt / "reports").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert "fordelning-2024" in rapporter and "uppfoljning-2024-pahittat-exempel" in rapporter
    assert sorted(p.name for p in (projekt / "reports" / "halland").iterdir() if not p.name.startswith("."))[:2] == [
        "fordelning-2026-pahittat-exempel",
        "kommunblad-falkenberg-pahittat-exempel",
    ]
    assert (tmp_path / "rss-halland" / "reports").is_dir()
    assert list((projekt / "data" / "befolkning" / "hamtat").glob("*/metadata.yaml"))
    # avsnittet "Året runt" skriver förslaget 2025, fastställer det och sparar förslaget bredvid
    avtal = projekt / "data" / "avtal"
    assert "status: fastställt" in (avtal / "2025.yaml").read_text(encoding="utf-8")
    assert "status: förslag" in next(avtal.glob("2025.yaml.*.bak")).read_text(encoding="utf-8")
    # utöver SCB-hämtningarna (i hamtat/) och årets avtal har ingen indata ändrats
    efter = {
        p: p.read_bytes()
        for p in (projekt / "data").rglob("*")
        if p.is_file() and "hamtat" not in p.parts and not p.name.startswith("2025.yaml")
    }
    assert efter == {p: b for p, b in fore.items() if "hamtat" not in p.parts}
    assert not [p for p in (projekt / "notebooks").iterdir() if p.suffix != ".ipynb"]
