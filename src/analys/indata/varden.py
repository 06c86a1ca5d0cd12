"""Värden som användaren skriver på kommandoraden: belopp, andelar, länskoder och datum."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from analys.begrepp import belopp_ur_text, inom_datumgranser, iso_datum
from analys.fel import AnalysError
from analys.indata.csvfil import kontrollera_siffror, normalisera_rubrik


def belopp(text: str) -> int:
    """Belopp i hela kronor; mellanslag som tusentalsavgränsare går bra ('1 030 000').

    >>> belopp("1 030 000")
    1030000
    """
    kontrollera_siffror(text.replace(" ", "").replace("\u00a0", ""), f"Ogiltigt belopp '{text[:30]}'")
    if re.fullmatch(r"-?[0 ]*0[0 ]*", text.strip()):
        raise AnalysError(f"Ogiltigt belopp '{text}': beloppet måste vara större än 0 kr.")
    try:
        varde = belopp_ur_text(text)  # samma läsning som i YAML-filerna
    except ValueError as e:
        raise AnalysError(f"Ogiltigt belopp: {e}.") from None
    if varde is None:
        raise AnalysError(f"Ogiltigt belopp '{text}': ange hela kronor som ett heltal, t.ex. 400000 eller '1 030 000'.")
    if varde < 0:
        raise AnalysError(f"Ogiltigt belopp '{text}': beloppet kan inte vara negativt.")
    if varde == 0:
        raise AnalysError(f"Ogiltigt belopp '{text}': beloppet måste vara större än 0 kr.")
    return varde


def fast_andel(text: str) -> Decimal:
    """Andel 0–1 (decimalkomma går bra).

    >>> fast_andel("0,3")
    Decimal('0.3')
    """
    try:
        varde = Decimal(text.replace(",", "."))
    except InvalidOperation:
        varde = Decimal("NaN")
    if not varde.is_finite() or not (0 <= varde <= 1):
        raise AnalysError(f"Ogiltig fast andel '{text}': ange ett tal från 0 till 1, t.ex. 0,3 för 30 % lika delar.")
    return varde


def lanskod(text: str) -> str:
    """Länskod med två siffror ('3' → '03'); okänd länskod ger ett fel som listar de giltiga."""
    from analys.indata.befolkning import lan_namn

    kod = text.strip().zfill(2) if text.strip().isdigit() else text.strip()[:20]
    lan_namn(kod)
    return kod


def datum(text: str, flagga: str) -> date:
    """Ett datum ÅÅÅÅ-MM-DD mellan 1900 och 2100; felet nämner flaggan."""
    t = text.strip()
    try:
        d = iso_datum(t)
    except ValueError as e:  # rätt form, men dagen finns inte (2026-02-30)
        raise AnalysError(f"Ogiltigt datum i {flagga}: {e}.") from None
    if d is None:
        raise AnalysError(f"Ogiltigt datum i {flagga} '{text[:40]}': ange ÅÅÅÅ-MM-DD, t.ex. 2024-02-15.")
    if not inom_datumgranser(d):
        raise AnalysError(f"Ogiltigt datum i {flagga} '{t}': året ska ligga mellan 1900 och 2100.")
    return d


def kommunkoder(texter, kommuner, flagga: str) -> tuple[str, ...]:
    """Kommuner angivna som kod (2039) eller namn (Älvdalen, alvdalen, ÄLVDALEN) → koder.

    `kommuner` är länets kommuner (kolumnerna kommunkod, kommun). Ett okänt namn ger ett fel som
    föreslår det närmaste.

    >>> import pandas as pd
    >>> k = pd.DataFrame({"kommunkod": ["2039", "2023"], "kommun": ["Älvdalen", "Malung-Sälen"]})
    >>> kommunkoder(["alvdalen", "2023", "MALUNG-SÄLEN"], k, "--exkludera")
    ('2039', '2023', '2023')
    """
    import difflib

    koder = dict(zip(kommuner["kommunkod"], kommuner["kommun"], strict=True))
    namn = {normalisera_rubrik(n): k for k, n in koder.items()}
    ut = []
    for text in texter:
        t = str(text).strip()
        if t.isdigit() and t.zfill(4) in koder:
            ut.append(t.zfill(4))
            continue
        if normalisera_rubrik(t) in namn:
            ut.append(namn[normalisera_rubrik(t)])
            continue
        forslag = difflib.get_close_matches(normalisera_rubrik(t), list(namn), n=1, cutoff=0.6)
        tips = f" Menade du {koder[namn[forslag[0]]]} ({namn[forslag[0]]})?" if forslag else ""
        giltiga = ", ".join(f"{k} {n}" for k, n in koder.items())
        raise AnalysError(
            f"{flagga}: '{t[:40]}' är ingen kommun i länet (ange kod eller namn).{tips} Länets kommuner: {giltiga}."
        )
    return tuple(ut)
