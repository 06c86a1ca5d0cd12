"""Filer som analys skriver: atomiskt, och aldrig över en användares fil utan att hen bett om det."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from analys.fel import AnalysError


def check_writable(path: Path, skriv_over: bool) -> None:
    """Stoppa innan något räknas om målfilen finns och användaren inte bett om att ersätta den."""
    if path.exists() and not skriv_over:
        raise AnalysError(
            f"Filen {path} finns redan och skrivs inte över. Välj ett annat filnamn eller lägg till --skriv-over."
        )
    if path.exists() and path.is_dir():
        raise AnalysError(f"{path} är en katalog; ange ett filnamn.")


def write_atomic(path: Path, skriv: Callable[[Path], None]) -> None:
    """Skriv via en temporär fil i samma katalog och flytta den på plats först när den är klar.

    Går något fel under skrivningen ligger den gamla filen (om någon) kvar orörd.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise AnalysError(f"Kan inte skriva {path}: {e.strerror or e}.") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        skriv(tmp_path)
        # mkstemp skapar filen med läsrätt bara för ägaren; ge den vanliga rättigheter (umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text_atomic(path: Path, text: str) -> None:
    """Text (UTF-8, `\\n` som radslut) skriven atomiskt."""
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8", newline="\n"))
