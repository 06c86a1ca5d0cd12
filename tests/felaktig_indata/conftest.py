"""Gemensamt för fallen med felaktig indata: en egen kopia av data/, en arbetsmapp, och kontrollen
att inget ändrades."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROT = Path(__file__).resolve().parents[2]


@dataclass
class Miljo:
    data: Path  # kopia av data/ (ANALYS_DATA)
    arbete: Path  # arbetsmapp (cwd) där fallen lägger sina filer

    def fil(self, namn: str, innehall: str | bytes, kodning: str = "utf-8") -> Path:
        p = self.arbete / namn
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(innehall, bytes):
            p.write_bytes(innehall)
        else:
            p.write_bytes(innehall.encode(kodning))
        return p


def ogonblick(rot: Path) -> dict[str, str]:
    """SHA-256 för varje fil under en mapp (och att den finns)."""
    return {
        p.relative_to(rot).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(rot.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def miljo(tmp_path, monkeypatch):
    from analys.indata.befolkning import clear_cache

    data = tmp_path / "projekt" / "data"
    shutil.copytree(ROT / "data", data)
    arbete = tmp_path / "arbete"
    arbete.mkdir()
    monkeypatch.setenv("ANALYS_DATA", str(data))
    monkeypatch.chdir(arbete)
    clear_cache()
    yield Miljo(data, arbete)
    clear_cache()
