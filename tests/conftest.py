from __future__ import annotations

from dataclasses import dataclass

import pytest

from analys.cli import main

# PM RD21/01390 (2021-03-16), tabell 1: 400 000 kr efter folkmängden 31 december 2020.
PM_2022_TABELL_1 = {
    "Avesta": (23067, 32074),
    "Borlänge": (52394, 72851),
    "Falun": (59528, 82771),
    "Gagnef": (10378, 14430),
    "Hedemora": (15462, 21499),
    "Leksand": (15801, 21971),
    "Ludvika": (26604, 36992),
    "Malung-Sälen": (10177, 14151),
    "Mora": (20492, 28493),
    "Orsa": (6877, 9562),
    "Rättvik": (11047, 15360),
    "Smedjebacken": (10854, 15092),
    "Säter": (11161, 15519),
    "Vansbro": (6801, 9456),
    "Älvdalen": (7033, 9779),
}

DALARNA = {
    "2021": "Vansbro",
    "2023": "Malung-Sälen",
    "2026": "Gagnef",
    "2029": "Leksand",
    "2031": "Rättvik",
    "2034": "Orsa",
    "2039": "Älvdalen",
    "2061": "Smedjebacken",
    "2062": "Mora",
    "2080": "Falun",
    "2081": "Borlänge",
    "2082": "Säter",
    "2083": "Hedemora",
    "2084": "Avesta",
    "2085": "Ludvika",
}


@dataclass
class Korning:
    rc: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Kör `analys …` i processen och returnera slutkod, stdout och stderr."""

    def kor(*argv: str) -> Korning:
        try:
            rc = main(list(argv))
        except SystemExit as e:  # argparse: --help och användningsfel
            rc = e.code if isinstance(e.code, int) else 1
        fangat = capsys.readouterr()
        return Korning(rc, fangat.out, fangat.err)

    return kor


@pytest.fixture
def datakatalog(tmp_path, monkeypatch):
    """En egen kopia av data/ som ett test får ändra (ANALYS_DATA pekar dit); cacharna töms."""
    import shutil

    from analys.indata.befolkning import clear_cache
    from analys.indata.paths import data_dir

    kopia = tmp_path / "data"
    shutil.copytree(data_dir(), kopia)
    monkeypatch.setenv("ANALYS_DATA", str(kopia))
    clear_cache()
    yield kopia
    clear_cache()


@pytest.fixture(scope="session")
def rapporter(tmp_path_factory):
    """Hela standarduppsättningen (som `make reports`), en gång per testkörning."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    if shutil.which("chromium") is None and not os.environ.get("CI"):
        pytest.skip("Chromium är inte installerat (behövs för PDF-utskriften)")
    ut = tmp_path_factory.mktemp("reports")
    r = subprocess.run(
        [sys.executable, "-m", "analys", "rapport", "--ut", str(ut)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert r.returncode == 0, r.stderr
    assert "Obs:" not in r.stderr, r.stderr  # alla PDF:er skrevs
    return ut
