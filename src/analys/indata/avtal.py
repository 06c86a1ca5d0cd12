"""Finansieringsavtalen i `data/avtal/<år>.yaml`, inlästa och kontrollerade."""

from __future__ import annotations

from pathlib import Path

from analys.begrepp import Avtal
from analys.fel import AnalysError
from analys.indata.paths import data_dir
from analys.indata.yamlfil import load_yaml_model


def avtal_dir() -> Path:
    return data_dir() / "avtal"


def find_avtal(namn: str) -> Path:
    """Avtalsfilen för ett namn: ett år (``2024`` → ``data/avtal/2024.yaml``) eller en sökväg."""
    kandidat = Path(namn)
    if kandidat.is_dir():
        raise AnalysError(f"--avtal {namn} är en mapp; ange ett år (t.ex. 2024) eller en avtalsfil (.yaml).")
    if kandidat.suffix in (".yaml", ".yml"):
        return kandidat
    if kandidat.suffix or "/" in namn:
        raise AnalysError(f"--avtal {namn}: ange ett år (t.ex. 2024) eller en avtalsfil som slutar på .yaml.")
    path = avtal_dir() / f"{namn}.yaml"
    if not path.is_file():
        finns = sorted(p.stem for p in avtal_dir().glob("*.yaml"))
        raise AnalysError(
            f"Avtalet '{namn}' finns inte ({path.name} saknas i data/avtal/). "
            f"Avtal som finns: {', '.join(finns) or 'inga'}."
        )
    return path


def load_avtal(namn: str | Path) -> tuple[Avtal, Path]:
    """Läs ett avtal; returnerar avtalet och filen det kom från.

    >>> avtal, _ = load_avtal("2024")
    >>> avtal.total_kostnad, avtal.belopp_kommuner, avtal.befolkningsdatum.isoformat()
    (1030000, 1030000, '2023-06-30')
    """
    path = find_avtal(str(namn))
    return load_yaml_model(path, Avtal), path


def avtal_for_lan(lanskod: str) -> dict[int, Avtal]:
    """Länets avtal i data/avtal/, per år. Två avtal för samma år och län är ett fel.

    >>> sorted(avtal_for_lan("20"))
    [2022, 2024]
    """
    ut: dict[int, tuple[Avtal, Path]] = {}
    for path in sorted(avtal_dir().glob("*.yaml")):
        avtal, _ = load_avtal(path)
        if avtal.lan != lanskod:
            continue
        if avtal.ar in ut:
            raise AnalysError(
                f"Två avtal gäller län {lanskod} år {avtal.ar}: {ut[avtal.ar][1].name} och {path.name}; "
                "ta bort eller flytta det ena ur data/avtal/."
            )
        ut[avtal.ar] = (avtal, path)
    return {ar: a for ar, (a, _) in ut.items()}
