"""Spåren till filerna ett resultat bygger på: sökvägen som användaren ser den och SHA-256."""

from __future__ import annotations

from pathlib import Path

from analys.begrepp import Fil
from analys.indata.paths import MEDFOLJER, paketdata, projektrot, sha256, visningsvag


def fil(vag: str | Path) -> Fil:
    """Filen relativt analys-mappen (aldrig maskinens sökväg) och dess SHA-256; en relativ sökväg
    söks i analys-mappen och bland det som följer med programmet."""
    rotter = [r for r in (projektrot(), paketdata()) if r is not None]
    vag = str(vag).removesuffix(MEDFOLJER)  # som visningsvag skriver en medföljande fil
    for kandidat in (Path(vag), *(r / vag for r in rotter)):
        if kandidat.is_file():
            return Fil(visningsvag(kandidat), sha256(kandidat))
    return Fil(str(vag))


def filer(vagar) -> tuple[Fil, ...]:
    return tuple(fil(v) for v in vagar)
