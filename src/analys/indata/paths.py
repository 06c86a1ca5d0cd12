"""Var projektets filer ligger: data, notebooks och rapporter.

Standard är katalogen `data/` i projektets rot (paketet installeras redigerbart, `pip install -e .`).
Miljövariabeln `ANALYS_DATA` pekar ut en annan datakatalog, t.ex. en kopia med egna avtal.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PROJEKTROT = Path(__file__).resolve().parents[3]


def data_dir() -> Path:
    """Datakatalogen (`ANALYS_DATA` eller `<projektrot>/data`)."""
    return Path(os.environ.get("ANALYS_DATA", PROJEKTROT / "data"))


def notebook_dir() -> Path:
    """Notebooks som rapporterna körs från (`ANALYS_NOTEBOOKS` eller `<projektrot>/notebooks`)."""
    return Path(os.environ.get("ANALYS_NOTEBOOKS", PROJEKTROT / "notebooks"))


def reports_dir() -> Path:
    """Var rapporterna hamnar (`ANALYS_RAPPORTER` eller `<projektrot>/reports`)."""
    return Path(os.environ.get("ANALYS_RAPPORTER", PROJEKTROT / "reports"))


def visningsvag(path: Path) -> str:
    """Sökväg som den skrivs i rapporter: relativt projektroten när det går (inga maskinnamn)."""
    p = Path(path).resolve()
    for rot in (PROJEKTROT, data_dir().resolve().parent):
        try:
            return p.relative_to(rot).as_posix()
        except ValueError:
            continue
    return p.name


def resolve(path: str | Path) -> Path:
    """En sökväg som användaren angett: som den är om den finns, annars relativt projektroten
    (så att `data/...` fungerar även när en notebook körs i `notebooks/`)."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return PROJEKTROT / p


def sha256(path: Path) -> str:
    """SHA-256 av en fil, för spårbarhet i rapporter och metadata."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()
