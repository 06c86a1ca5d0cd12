"""Fel som når användaren: alltid en begriplig svensk mening, aldrig en traceback.

Två sorter, som ger olika slutkoder på kommandoraden:

- `AnalysError`: något i användarens indata eller parametrar är fel (slutkod 2);
- `ExterntFel`: något utanför programmet svarade inte som väntat, t.ex. SCB (slutkod 1).
"""

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


class ExterntFel(AnalysError):
    """En tjänst eller ett program utanför analys (SCB, LibreOffice …) gav inte det som behövdes.

    Inget fel i användarens indata: kommandoraden avslutar med kod 1.
    """

    exit_code = 1
