"""Fel som når användaren: alltid en begriplig svensk mening, aldrig en traceback."""

from __future__ import annotations


class AnalysError(Exception):
    """Fel i indata eller parametrar. Meddelandet är på svenska och visas som det är.

    Kommandoraden skriver ut meddelandet och avslutar med kod 2.
    """

    exit_code = 2

    def __init__(self, meddelande: str) -> None:
        super().__init__(meddelande)
        self.meddelande = meddelande

    def __str__(self) -> str:
        return self.meddelande
