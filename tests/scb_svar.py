"""SCB-svar för testerna utan nätverk, och en lokal SCB-server på 127.0.0.1.

Metadata är SCB:s egna, inspelade svar (tests/fixtures/scb/, se README där) för TAB638, TAB5557,
TAB6471 och TAB6008. För TAB5444 finns inget inspelat svar; dess metadata byggs här ur TAB638:s
inspelade metadata med de skillnader SCB:s tabell har (pxwebpy:s tabellbeskrivning av TAB5444
visar dem): ingen civilstånd, ålder 0–99 och 100+ utan total (får elimineras), kön 1/2, Region
som inte får elimineras, innehållet 000003O5 "Antal" och månaderna 2000M01–2024M12.

Datasvaren byggs i samma form som SCB:s inspelade datasvar (dimensionerna i tabellens ordning,
kategorierna i frågans ordning, utelämnade variabler borta). Siffrorna är SCB:s inspelade där en
inspelning finns (TAB638 Knivsta och Uppsala 2000–2005, summerade över civilstånd och kön som SCB
gör när variablerna utelämnas; TAB5557 alla 290 kommuner 2025), annars de medföljande. Länets
total är den publicerade (data/befolkning/riket_lan_totals_31dec.csv) där den finns, annars
kommunernas summa. Utelämnas en variabel som har en total summerar servern alla värden, totalen
med, som SCB: svaret blir då dubbelt så stort.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

FIXTURER = Path(__file__).parent / "fixtures" / "scb"
ROT = Path(__file__).resolve().parents[1]
UPPDATERAD = "2026-02-20T07:00:00Z"  # TAB5444 (påhittad stämpel: inget inspelat svar)
INSPELAD_METADATA = {
    "TAB638": "TAB638_metadata.json",
    "TAB5557": "TAB5557_metadata.json",
    "TAB6471": "TAB6471_metadata.json",
    "TAB6008": "TAB6008_metadata.json",
}
# Totalerna i varje tabell, som SCB:s inspelade svar visar dem (fixtures/scb/README.md).
TOTALER = {
    "TAB638": {"Alder": {"tot"}},
    "TAB5557": {"Civilstand": {"SC"}, "Alder": {"TotSA", "TOT1", "TOT5", "TOT10"}, "Kon": {"TotSa"}},
    "TAB6471": {"Alder": {"TotSA", "TOT1", "TOT5", "TOT10"}, "Kon": {"TotSa"}},
    "TAB6008": {"InrikesUtrikes": {"83"}},
    "TAB5444": {},
}


class FelFraga(Exception):
    """En fråga som SCB skulle avvisa (400), eller som servern inte har siffror för."""


@cache
def _inspelad_text(namn: str) -> str:
    return (FIXTURER / namn).read_text(encoding="utf-8")


def inspelad(namn: str) -> dict:
    return json.loads(_inspelad_text(namn))


def _renumrera(dim: dict, koder: list[str]) -> None:
    kat = dim["category"]
    kat["index"] = {k: i for i, k in enumerate(koder)}
    kat["label"] = {k: kat["label"][k] for k in koder}


def _tab5444() -> dict:
    m = inspelad("TAB638_metadata.json")
    dim = m["dimension"]
    region = dim["Region"]
    region.pop("note", None)
    region["category"].pop("note", None)
    region["extension"] = {"elimination": False, "show": "code_value", "codelists": []}
    alder = dim["Alder"]
    _renumrera(alder, [k for k in sorted(alder["category"]["index"], key=alder["category"]["index"].get) if k != "tot"])
    innehall = dim["ContentsCode"]
    innehall["category"] = {"index": {"000003O5": 0}, "label": {"000003O5": "Antal"}}
    manader = [f"{a}M{m:02d}" for a in range(2000, 2025) for m in range(1, 13)]
    tid = {
        "label": "månad",
        "category": {"index": {}, "label": {p: p for p in manader}},
        "extension": dim["Tid"]["extension"],
    }
    _renumrera(tid, manader)
    m["label"] = "Folkmängden per månad efter region, ålder och kön. År 2000M01 - 2024M12"
    m["updated"] = UPPDATERAD
    m["note"] = []
    m["id"] = ["Region", "Alder", "Kon", "ContentsCode", "Tid"]
    m["dimension"] = {"Region": region, "Alder": alder, "Kon": dim["Kon"], "ContentsCode": innehall, "Tid": tid}
    m["size"] = [len(m["dimension"][d]["category"]["index"]) for d in m["id"]]
    m["extension"]["px"]["tableid"] = "TAB5444"
    m["extension"]["px"]["matrix"] = "TAB5444"
    m["extension"]["px"]["stub"] = ["Region", "Alder", "Kon"]
    return m


def metadata(tabell: str) -> dict:
    if tabell == "TAB5444":
        return _tab5444()
    if tabell not in INSPELAD_METADATA:
        raise FelFraga(f"okänd tabell {tabell}")
    return inspelad(INSPELAD_METADATA[tabell])


# --- siffror ---------------------------------------------------------------------------------------


@cache
def _inspelade_siffror() -> dict[tuple[str, str, str], int]:
    """(tabell, region, period) → SCB:s siffra, summerad över variabler som utelämnas."""
    ut: dict[tuple[str, str, str], int] = {}
    for tabell, fil in (
        ("TAB638", "TAB638_data_0330_0380_2000-2005.json"),
        ("TAB5557", "TAB5557_data_290kommuner_TotSA_TotSa_SC_2025.json"),
    ):
        d = inspelad(fil)
        koder = {
            k: sorted(d["dimension"][k]["category"]["index"], key=d["dimension"][k]["category"]["index"].get)
            for k in d["id"]
        }
        steg = [1] * len(d["size"])
        for i in range(len(d["size"]) - 2, -1, -1):
            steg[i] = steg[i + 1] * d["size"][i + 1]
        for i, v in enumerate(d["value"]):
            pos = {k: koder[k][(i // steg[j]) % d["size"][j]] for j, k in enumerate(d["id"])}
            nyckel = (tabell, pos["Region"], pos["Tid"])
            ut[nyckel] = ut.get(nyckel, 0) + v
    return ut


@cache
def _publicerade_lanstotaler() -> dict[tuple[str, str], int]:
    import csv

    with (ROT / "data" / "befolkning" / "riket_lan_totals_31dec.csv").open(encoding="utf-8") as f:
        return {(r["regionkod"], r["ar"]): int(r["folkmangd_i_kallan"]) for r in csv.DictReader(f)}


def _siffra(tabell: str, region: str, period: str, varde) -> int:
    inspelat = _inspelade_siffror().get((tabell, region, period))
    return inspelat if inspelat is not None else varde(region, period)


def _faktor(meta: dict, tabell: str, urval: dict[str, list[str]]) -> int:
    """Hur många gånger totalen SCB:s summa blir: utelämnas en variabel med en total summeras den med."""
    faktor = 1
    for d in meta["id"]:
        totaler = TOTALER[tabell].get(d, set())
        if d in urval:
            if d not in ("Region", "Tid", "ContentsCode") and not set(urval[d]) <= totaler:
                raise FelFraga(f"servern har inga siffror för {d}={','.join(urval[d])}")
            continue
        if not meta["dimension"][d].get("extension", {}).get("elimination", False):
            raise FelFraga(f"variabeln {d} får inte utelämnas")
        faktor *= 2 if totaler else 1
    return faktor


def data(tabell: str, urval: dict[str, list[str]], varde, utan: set[str] = frozenset(), lanstotal=None) -> dict:
    """Ett datasvar för urvalet; `varde(kommunkod, period)` ger kommunens siffra där ingen
    inspelning finns. Kommuner i `utan` saknas i svaret. `lanstotal(län, period)` ger länets total
    (standard: den publicerade för 31 december, annars kommunernas summa)."""
    meta = metadata(tabell)
    faktor = _faktor(meta, tabell, urval)
    for d, koder in urval.items():
        finns = meta["dimension"][d]["category"]["index"] if d in meta["dimension"] else {}
        if not finns or any(k not in finns for k in koder) or len(set(koder)) < len(koder):
            raise FelFraga(f"ogiltigt urval för {d}: {','.join(koder)[:60]}")
    ids = [d for d in meta["id"] if d in urval]
    dimension = {}
    for d in ids:
        etiketter = meta["dimension"][d]["category"]["label"]
        koder = [k for k in urval[d] if not (d == "Region" and k in utan)]
        dimension[d] = {
            "label": meta["dimension"][d]["label"],
            "category": {"index": {k: i for i, k in enumerate(koder)}, "label": {k: etiketter[k] for k in koder}},
            "extension": {"elimination": meta["dimension"][d].get("extension", {}).get("elimination", False)},
        }
    size = [len(dimension[d]["category"]["index"]) for d in ids]
    regioner = list(dimension["Region"]["category"]["index"])
    perioder = list(dimension["Tid"]["category"]["index"])
    siffror = {(r, p): _siffra(tabell, r, p, varde) for r in regioner if len(r) == 4 for p in perioder}
    for r in regioner:
        if len(r) != 2:
            continue
        for p in perioder:
            given = lanstotal(r, p) if lanstotal else None
            if given is None and tabell in ("TAB638", "TAB5557"):
                given = _publicerade_lanstotaler().get((r, p))
            siffror[(r, p)] = (
                given if given is not None else sum(v for (k, q), v in siffror.items() if q == p and k[:2] == r)
            )
    ri, ti = ids.index("Region"), ids.index("Tid")
    varden = [None] * (size[ri] * size[ti])
    steg = [1] * len(size)
    for i in range(len(size) - 2, -1, -1):
        steg[i] = steg[i + 1] * size[i + 1]
    for a, r in enumerate(regioner):
        for b, p in enumerate(perioder):
            varden[a * steg[ri] + b * steg[ti]] = siffror[(r, p)] * faktor
    return {
        "version": "2.0", "class": "dataset", "label": meta["label"], "source": "SCB",
        "updated": meta.get("updated", UPPDATERAD), "note": meta.get("note", []), "role": meta.get("role", {}),
        "id": ids, "size": size, "dimension": dimension, "extension": meta.get("extension", {}), "value": varden,
    }  # fmt: skip


# --- en lokal SCB-server ---------------------------------------------------------------------------


@cache
def _medfoljande_siffror() -> dict[tuple[str, str], int]:
    """(kommunkod, datum) → folkmängd ur projektets medföljande filer (Dalarnas före den nationella)."""
    import csv

    ut: dict[tuple[str, str], int] = {}
    with (ROT / "data" / "befolkning" / "folkmangd_kommuner_31dec.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ut[(r["kommunkod"], f"{r['ar']}-12-31")] = int(r["folkmangd"])
    with (ROT / "data" / "befolkning" / "folkmangd_dalarna.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            ut[(r["kommunkod"], r["datum"])] = int(r["folkmangd"])
    return ut


def medfoljande(kod: str, period: str) -> int:
    """Kommunens siffra ur de medföljande filerna: samma datum, annars 31 december samma år, annars
    31 december 2025 (för prognosår och månader som filerna inte har)."""
    import calendar

    ar = int(period[:4])
    if "M" in period:
        man = int(period[5:])
        datum = f"{ar}-{man:02d}-{calendar.monthrange(ar, man)[1]:02d}"
    else:
        datum = f"{ar}-12-31"
    siffror = _medfoljande_siffror()
    for d in (datum, f"{min(ar, 2025)}-12-31", "2025-12-31"):
        if (kod, d) in siffror:
            return siffror[(kod, d)]
    raise FelFraga(f"ingen medföljande siffra för {kod} {period}")


class Scb(BaseHTTPRequestHandler):
    """SCB:s PxWebApi 2.0 i liten skala: /config, metadata och data ur svaren ovan. Underklasser
    ändrar `varde`, `config` eller hur svaret skickas."""

    varde = staticmethod(medfoljande)
    fragor: ClassVar[list[dict]] = []

    def handle(self):
        with contextlib.suppress(ConnectionError):  # klienten gav upp (tidsgräns): inget att svara
            super().handle()

    def config(self) -> dict:
        return inspelad("config.json")

    def skicka(self, status: int, kropp: bytes, rubriker: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for k, v in (rubriker or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(kropp)))
        self.end_headers()
        self.wfile.write(kropp)

    def svara(self, data: dict) -> None:
        self.skicka(200, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def do_GET(self):
        vag = self.path.split("?")[0]
        if vag.endswith("/config"):
            return self.svara(self.config())
        m = re.search(r"/tables/(\w+)/metadata$", vag)
        try:
            return self.svara(metadata(m.group(1))) if m else self.send_error(404)
        except FelFraga:
            return self.skicka(404, b'{"title": "Table not found"}')

    def do_POST(self):
        m = re.search(r"/tables/(\w+)/data", self.path)
        fraga = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        urval = {s["variableCode"]: s["valueCodes"] for s in fraga["selection"]}
        type(self).fragor.append({"tabell": m.group(1), **urval})
        if any(len(set(v)) < len(v) for v in urval.values()):
            return self.skicka(500, b"")  # som SCB: en dubblerad kod ger serverfel utan text
        try:
            self.svara(data(m.group(1), urval, type(self).varde))
        except FelFraga as e:
            self.skicka(400, json.dumps({"title": str(e)}).encode("utf-8"))

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def server(hanterare: type[BaseHTTPRequestHandler] = Scb):
    """En SCB-server på 127.0.0.1 med en ledig port; ger bas-URL:en (…/api/v2)."""
    s = ThreadingHTTPServer(("127.0.0.1", 0), hanterare)
    s.daemon_threads = True
    trad = threading.Thread(target=s.serve_forever, daemon=True)
    trad.start()
    try:
        yield f"http://127.0.0.1:{s.server_address[1]}/api/v2"
    finally:
        s.shutdown()
        s.server_close()


def kopia(d: dict) -> dict:
    return copy.deepcopy(d)
