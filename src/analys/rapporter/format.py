"""Svenska talformat för allt en person läser: 1 030 000 kr, 7,94 %, 31 december 2020."""

from __future__ import annotations

import numbers
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from analys.begrepp import datumtext


def _decimal(varde) -> Decimal:
    """Exakt decimaltal av int, float (även numpy), Decimal eller Fraction."""
    if isinstance(varde, Fraction):
        return Decimal(varde.numerator) / Decimal(varde.denominator)
    if isinstance(varde, Decimal):
        return varde
    if isinstance(varde, numbers.Integral):
        return Decimal(int(varde))
    return Decimal(str(float(varde)))


def format_tal(varde: int | float | Decimal | Fraction, decimaler: int = 0, sep: str = " ") -> str:
    """Tal med mellanslag som tusentalsavgränsare och decimalkomma.

    >>> format_tal(1030000)
    '1 030 000'
    >>> format_tal(-1234.5, 1)
    '−1 234,5'
    >>> format_tal(Fraction(2, 3), 2)
    '0,67'
    """
    d = _decimal(varde)
    kvant = Decimal(1).scaleb(-decimaler)
    d = d.quantize(kvant, rounding=ROUND_HALF_UP)
    tecken = "−" if d < 0 else ""
    heltal, _, decimal = f"{abs(d):f}".partition(".")
    grupper = []
    while len(heltal) > 3:
        grupper.insert(0, heltal[-3:])
        heltal = heltal[:-3]
    grupper.insert(0, heltal)
    text = sep.join(grupper)
    if decimaler > 0:
        text += "," + decimal
    return tecken + text


def format_kr(belopp: int, sep: str = " ") -> str:
    """Belopp i hela kronor.

    >>> format_kr(1030000)
    '1 030 000 kr'
    """
    return f"{format_tal(belopp, sep=sep)} kr"


def format_procent(andel: float | Fraction | Decimal, decimaler: int = 2) -> str:
    """Andel (0–1) som procent med decimalkomma.

    >>> format_procent(0.0794)
    '7,94 %'
    >>> format_procent(Fraction(1, 3), 1)
    '33,3 %'
    """
    return f"{format_tal(_decimal(andel) * 100, decimaler)} %"


def format_datum(d: date) -> str:
    """Datum i löptext.

    >>> format_datum(date(2023, 6, 30))
    '30 juni 2023'
    """
    return datumtext(d)
