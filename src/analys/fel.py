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


_OS_FEL = {
    "ENOENT": "filen eller mappen finns inte",
    "EACCES": "behörighet saknas",
    "EPERM": "åtgärden är inte tillåten",
    "ENOSPC": "disken är full",
    "EDQUOT": "diskkvoten är slut",
    "EROFS": "filsystemet är skrivskyddat",
    "EISDIR": "det är en mapp, inte en fil",
    "ENOTDIR": "en del av sökvägen är ingen mapp",
    "EEXIST": "finns redan",
    "ENAMETOOLONG": "namnet är för långt",
    "EBUSY": "används av ett annat program",
    "ETXTBSY": "används av ett annat program",
    "ENOTEMPTY": "mappen är inte tom",
    "EXDEV": "kan inte flyttas mellan olika diskar",
    "ELOOP": "för många symboliska länkar i sökvägen",
    "EIO": "läs- eller skrivfel på disken",
    "EMFILE": "för många öppna filer",
}


def os_fel_text(e: OSError) -> str:
    """Ett fel från operativsystemet på svenska (aldrig systemets engelska text).

    >>> os_fel_text(FileNotFoundError(2, "No such file or directory"))
    'filen eller mappen finns inte'
    """
    import errno

    namn = errno.errorcode.get(e.errno or 0, "")
    return _OS_FEL.get(namn, f"fel från operativsystemet ({namn or 'okänt'})")


class Avbrott(Exception):
    """Användaren avbröt (Ctrl-C, slutkod 130) eller processen ombads sluta (SIGTERM, 143)."""

    def __init__(self, kod: int) -> None:
        super().__init__("avbrutet")
        self.exit_code = kod
