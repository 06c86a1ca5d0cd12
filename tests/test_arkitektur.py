"""Paketets form: lagren importerar bara nedåt, inga cirklar, varje modul säger vad den är till för,
rapporterna läser inga filer, och notebooks använder bara den publika ytan (`analys.flode` för
talen, `analys.rapporter` för att visa dem, `analys.filer.utmapp` och utforskaren).

Kontrollen läser källkoden med `ast` (även importer inuti funktioner) och är oberoende av
import-linter, som `make lint` också kör med kontrakten i pyproject.toml. I `make test` körs
import-linter och mypy här, som två tester: de går då på en av arbetsprocesserna medan den andra
kör annat, i stället för före hela sviten.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROT = Path(__file__).resolve().parents[1]
PAKET = ROT / "src" / "analys"

# Lager, nedifrån och upp. Ett lager får importera sitt eget och allt under sig.
LAGER = {
    "analys": -1,  # paketroten: bara __version__
    "analys.fel": 0,
    "analys.begrepp": 1,
    "analys.indata": 2,
    "analys.berakning": 3,  # syskon till indata: importerar den inte (se uppatimporter)
    "analys.filer": 4,
    "analys.flode": 5,
    "analys.rapporter": 6,
    "analys.korning": 7,
    "analys.ny": 7,
    "analys.kommandon": 8,
    "analys.utforska": 8,
    "analys.app": 8,
    "analys.scenariofil": 7.5,
    "analys.cli": 9,
    "analys.__main__": 10,
}

# Rapportämnena: körningen vet bara att en notebook skriver filer, inte vad de handlar om.
AMNEN = ("fordelning", "scenarier", "kommunblad", "uppfoljning", "faktura", "mall")


def _modulnamn(path: Path) -> str:
    delar = list(path.relative_to(PAKET.parent).with_suffix("").parts)
    if delar[-1] == "__init__":
        delar.pop()
    return ".".join(delar)


def moduler() -> dict[str, Path]:
    return {_modulnamn(p): p for p in sorted(PAKET.rglob("*.py"))}


def importer(path: Path, kanda: set[str]) -> set[str]:
    """Modulerna i analys som filen importerar (också inuti funktioner)."""
    ut: set[str] = set()
    for nod in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(nod, ast.Import):
            ut |= {a.name for a in nod.names if a.name.split(".")[0] == "analys"}
        elif isinstance(nod, ast.ImportFrom) and nod.module and nod.module.split(".")[0] == "analys":
            for a in nod.names:
                under = f"{nod.module}.{a.name}"
                ut.add(under if under in kanda else nod.module)
    return ut


def lager(modul: str) -> int:
    for prefix in sorted(LAGER, key=len, reverse=True):
        if modul == prefix or modul.startswith(prefix + "."):
            return LAGER[prefix]
    raise AssertionError(f"{modul} hör inte till något lager; lägg till det i LAGER och i pyproject.toml")


def uppatimporter(graf: dict[str, set[str]]) -> list[str]:
    """Importer som går uppåt, och beräkning som läser indata (beräkningen gör ingen I/O)."""
    fel = []
    for a, mal in graf.items():
        for b in mal:
            if lager(b) > lager(a):
                fel.append(f"{a} → {b}")
            if a.startswith("analys.berakning") and b.startswith("analys.indata"):
                fel.append(f"{a} → {b} (beräkningen läser inga filer)")
    return sorted(fel)


def cirklar(graf: dict[str, set[str]]) -> list[list[str]]:
    """Alla moduler som ingår i en importcirkel (Tarjans starka komponenter med mer än en modul)."""
    index: dict[str, int] = {}
    lag: dict[str, int] = {}
    stack: list[str] = []
    pa_stack: set[str] = set()
    ut: list[list[str]] = []

    def besok(v: str) -> None:
        index[v] = lag[v] = len(index)
        stack.append(v)
        pa_stack.add(v)
        for w in graf.get(v, ()):
            if w not in index:
                besok(w)
                lag[v] = min(lag[v], lag[w])
            elif w in pa_stack:
                lag[v] = min(lag[v], index[w])
        if lag[v] == index[v]:
            komp = []
            while True:
                w = stack.pop()
                pa_stack.discard(w)
                komp.append(w)
                if w == v:
                    break
            if len(komp) > 1 or v in graf.get(v, ()):
                ut.append(sorted(komp))

    for v in sorted(graf):
        if v not in index:
            besok(v)
    return ut


@pytest.fixture(scope="module")
def graf() -> dict[str, set[str]]:
    m = moduler()
    kanda = set(m)
    return {namn: importer(p, kanda) - {namn} for namn, p in m.items()}


def test_the_layers_are_packages():
    for paket in ("indata", "berakning", "flode", "rapporter", "korning"):
        assert (PAKET / paket / "__init__.py").is_file(), paket
    assert (PAKET / "begrepp.py").is_file() and (PAKET / "fel.py").is_file()


def test_no_module_imports_a_layer_above_it(graf):
    assert uppatimporter(graf) == []


def test_no_import_cycles(graf):
    assert cirklar(graf) == []


def amnesimporter(graf: dict[str, set[str]]) -> list[str]:
    """Importer från körningen av ett rapportämne."""
    amnen = {f"analys.rapporter.{a}" for a in AMNEN}
    return sorted(f"{a} → {b}" for a, mal in graf.items() if a.startswith("analys.korning") for b in mal & amnen)


def test_the_batch_runner_imports_no_report_topic(graf):
    assert any(a.startswith("analys.korning.") for a in graf)
    assert amnesimporter(graf) == []


def test_the_checks_catch_what_they_should():
    """Checkarna ovan kan slå fel: en uppåtimport, beräkning som läser indata och en cirkel."""
    graf = {
        "analys.indata.avtal": {"analys.rapporter.format"},
        "analys.berakning.fordelning": {"analys.indata.befolkning"},
        "analys.rapporter.a": {"analys.rapporter.b"},
        "analys.rapporter.b": {"analys.rapporter.a"},
        "analys.korning.pool": {"analys.filer", "analys.rapporter.fordelning"},
    }
    assert amnesimporter(graf) == ["analys.korning.pool → analys.rapporter.fordelning"]
    assert uppatimporter(graf) == [
        "analys.berakning.fordelning → analys.indata.befolkning (beräkningen läser inga filer)",
        "analys.indata.avtal → analys.rapporter.format",
    ]
    assert cirklar(graf) == [["analys.rapporter.a", "analys.rapporter.b"]]


def test_every_module_opens_with_a_docstring_line():
    for namn, path in moduler().items():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and doc.splitlines()[0].strip(), f"{namn} saknar en inledande rad som säger vad modulen är till för"


TILLATET_I_NOTEBOOKS = ("analys.flode", "analys.rapporter", "analys.filer", "analys.utforska")


def test_notebooks_use_only_the_public_surface():
    """Notebooks tar talen ur `analys.flode` och visar dem med `analys.rapporter` (och utforskaren),
    aldrig ur indata eller berakning direkt."""
    for path in sorted((ROT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            kod = "".join(cell["source"])
            for nod in ast.walk(ast.parse(kod)):
                if isinstance(nod, ast.ImportFrom) and (nod.module or "").startswith("analys"):
                    assert nod.module in TILLATET_I_NOTEBOOKS, f"{path.name}: from {nod.module}"
                if isinstance(nod, ast.Import):
                    assert not any(a.name.startswith("analys") for a in nod.names), f"{path.name}: import analys…"


def _fran_indata(path: Path) -> list[tuple[str, str]]:
    """(modul, namn) för varje `from analys.indata… import namn` i filen."""
    ut = []
    for nod in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(nod, ast.ImportFrom) and (nod.module or "").startswith("analys.indata"):
            ut += [(nod.module, a.name) for a in nod.names]
        if isinstance(nod, ast.Import):
            ut += [(a.name, "*") for a in nod.names if a.name.startswith("analys.indata")]
    return ut


def test_reports_take_only_types_and_constants_from_indata():
    """`rapporter` läser inga filer: ur `indata` tar den bara typer och konstanter (t.ex. mallens
    rubriker), aldrig en funktion som läser. Talen kommer färdiga ur `flode`."""
    import importlib

    fel = []
    for namn, path in moduler().items():
        if not namn.startswith("analys.rapporter"):
            continue
        for modul, objekt in _fran_indata(path):
            varde = getattr(importlib.import_module(modul), objekt, None) if objekt != "*" else None
            if objekt == "*" or (callable(varde) and not isinstance(varde, type)):
                fel.append(f"{namn}: {modul}.{objekt}")
    assert fel == []


LASANDE = ("open", "read_text", "read_bytes", "read_csv", "read_excel", "load_workbook", "read_yaml")


def test_reports_read_no_files():
    """Inget i `rapporter` öppnar eller läser en fil (det gör `indata`, anropat från `flode`)."""
    fel = []
    for namn, path in moduler().items():
        if not namn.startswith("analys.rapporter"):
            continue
        for nod in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(nod, ast.Call):
                f = nod.func
                kallad = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if kallad in LASANDE:
                    fel.append(f"{namn}:{nod.lineno} {kallad}()")
    assert fel == []


@pytest.mark.parametrize("kommando", [("lint-imports", "--no-cache"), ("mypy",)], ids=["import-linter", "mypy"])
def test_import_linter_and_mypy_pass(kommando):
    """Kontrakten i pyproject.toml ([tool.importlinter]) och typerna i `berakning/` och
    `begrepp.py` ([tool.mypy]), med verktygen i testernas miljö, som `make lint` kör dem."""
    program = Path(sys.executable).parent / kommando[0]
    r = subprocess.run([str(program), *kommando[1:]], cwd=ROT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f"{' '.join(kommando)}:\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}"
