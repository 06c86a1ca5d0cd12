"""Gyllene utdata: varje kommandos utdata jämförs tecken för tecken med en sparad fil.

Filerna i tests/golden/ spelades in före omflyttningen av paketet (arkitekturärendet) och visar
att beteendet inte ändrats. Bara programversion och tidpunkt får skilja; de byts mot en
platshållare före jämförelsen.

En avsiktlig ändring av en utdata spelas in på nytt med
``ANALYS_SPELA_IN=1 python -m pytest tests/test_golden.py`` och syns sedan i diffen.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

GOLDEN = Path(__file__).parent / "golden"
SPELA_IN = os.environ.get("ANALYS_SPELA_IN") == "1"

SCENARIER = ["bas", "oforandrad", "okning", "samverkan", "blandad-nyckel"]

FALL: dict[str, list[str]] = {
    "fordelning-2022.csv": ["fordelning", "--avtal", "2022", "--format", "csv"],
    "fordelning-2022.json": ["fordelning", "--avtal", "2022", "--format", "json"],
    "fordelning-2022.txt": ["fordelning", "--belopp", "400000", "--befolkningsdatum", "2020-12-31"],
    "fordelning-2024.csv": ["fordelning", "--avtal", "2024", "--format", "csv"],
    "fordelning-2024.json": ["fordelning", "--avtal", "2024", "--format", "json"],
    "fordelning-2024.txt": ["fordelning", "--avtal", "2024"],
    "fordelning-2024-utan-alvdalen.csv": ["fordelning", "--avtal", "2024", "--exkludera", "2039", "--format", "csv"],
    "fordelning-2024-utan-alvdalen.txt": ["fordelning", "--avtal", "2024", "--exkludera", "2039"],
    "fordelning-2024-blandad.csv": [
        "fordelning",
        "--avtal",
        "2024",
        "--nyckel",
        "blandad",
        "--fast-andel",
        "0.3",
        "--format",
        "csv",
    ],
    "fordelning-2024-blandad.json": [
        "fordelning",
        "--avtal",
        "2024",
        "--nyckel",
        "blandad",
        "--fast-andel",
        "0.3",
        "--format",
        "json",
    ],
    "fordelning-lika.csv": [
        "fordelning",
        "--belopp",
        "1000000",
        "--befolkningsdatum",
        "2024",
        "--nyckel",
        "lika",
        "--format",
        "csv",
    ],
    **{
        f"scenario-{s}.csv": ["scenario", "--scenario", s, "--fran", "2021", "--till", "2030", "--format", "csv"]
        for s in SCENARIER
    },
    "scenario-bas-okning.txt": ["scenario", "--scenario", "bas", "okning", "--fran", "2024", "--till", "2030"],
    "rapporter.txt": ["rapport", "--lista"],
    "faktura-2024.csv": ["faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15", "--format", "csv"],
    "faktura-2024.txt": ["faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15"],
    "faktura-2024-underlag.csv": [
        "faktura",
        "--avtal",
        "2024",
        "--fakturadatum",
        "2024-02-15",
        "--underlag",
        "data/exempel/uppfoljning-2024",
        "--format",
        "csv",
    ],
}


def _normalisera(text: str) -> str:
    """Version, tidpunkt och filernas SHA-256 (spårbarheten) är det enda som får skilja."""
    text = re.sub(r"(?m)^(\s*)Program: analys .*$", r"\1Program: analys <version>", text)
    text = re.sub(r"(?m)^(\s*)Skapad: .*$", r"\1Skapad: <tid>", text)
    text = re.sub(r'"version": "[^"]*"', '"version": "<version>"', text)
    text = re.sub(r"SHA-256 [0-9a-f]{64}", "SHA-256 <sha>", text)
    return text


def _jamfor(namn: str, text: str) -> None:
    fil = GOLDEN / namn
    text = _normalisera(text)
    if SPELA_IN:
        fil.parent.mkdir(exist_ok=True)
        fil.write_text(text, encoding="utf-8", newline="\n")
    assert fil.is_file(), f"{fil} saknas; spela in med ANALYS_SPELA_IN=1"
    assert text == fil.read_text(encoding="utf-8"), f"{namn} skiljer sig från den inspelade utdatan"


@pytest.mark.parametrize("namn", sorted(FALL))
def test_command_output_equals_golden_file(namn, cli, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    r = cli(*FALL[namn])
    assert r.rc == 0, r.err
    _jamfor(namn, r.out)


def _celler(path: Path) -> str:
    """Arbetsbokens blad och celler (värden och formler) som JSON, för jämförelse."""
    wb = load_workbook(path)
    ut = {}
    for ws in wb.worksheets:
        rader = []
        for rad in ws.iter_rows():
            for c in rad:
                if c.value is not None:
                    rader.append([c.coordinate, str(c.value), c.number_format])
        ut[ws.title] = {
            "celler": rader,
            "validering": sorted(f"{v.type} {v.sqref}" for v in ws.data_validations.dataValidation),
        }
    return json.dumps(ut, ensure_ascii=False, indent=1) + "\n"


def test_mall_equals_golden_file(cli, tmp_path):
    ut = tmp_path / "mall.xlsx"
    r = cli("mall", "--avtal", "2024", "--ut", str(ut))
    assert r.rc == 0, r.err
    text = re.sub(r"Skapad av analys .*?\"", 'Skapad av analys <version>"', _celler(ut))
    _jamfor("mall-2024.json", text)
