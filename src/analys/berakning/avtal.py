"""Årets avtal räknat: förslagets kostnadsposter, befolkningsdatumet det ska använda, och
förändringen mot förra avtalet delad exakt i en beloppseffekt och en befolkningseffekt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd

from analys.begrepp import Antaganden, datumtext, manadsindex
from analys.berakning.fordelning import largest_remainder
from analys.fel import AnalysError


@dataclass(frozen=True)
class Kostnadspost:
    """En post i förslaget: rollen, tjänsten det året och beloppet i hela kronor, och hur det räknats."""

    roll: str
    tjanst: Decimal
    belopp: int
    forklaring: str


def _kr(n: int) -> str:
    return f"{n:,}".replace(",", " ") + " kr"


def _dec(d: Decimal | Fraction) -> str:
    return str(d).replace(".", ",")


def _aktiv_andel(fran_manad: int, ar: int) -> Fraction:
    """Andelen av året (0–1) som något som börjar vid månadsindex `fran_manad` är aktivt."""
    return Fraction(min(max(12 * (ar + 1) - fran_manad, 0), 12), 12)


def _tjanst(x: Fraction) -> Decimal:
    """Tjänsten med högst tre decimaler (halva uppåt)."""
    return (
        (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()
    )


def compute_kostnadsposter(a: Antaganden, ar: int, total: int) -> tuple[Kostnadspost, ...]:
    """Årets fasta kostnad `total` (kostnadsmodellens, hela kronor) delad på rollerna och den extra
    bemanningen för Yrkesresor som lanseras efter basåret, efter vad var och en kostar det året
    (tjänst × kostnad per tjänst × andel av året). Indexering och besparing är samma faktor för alla
    poster och ingår i `total`; delningen görs med största-restmetoden, så posterna summerar exakt."""
    vikter: list[Fraction] = []
    poster: list[tuple[str, Fraction, str]] = []
    for r in a.roller:
        andel = _aktiv_andel(manadsindex(r.fran), ar)
        if andel == 0:
            continue
        tj = Fraction(r.tjanst) * andel
        vikter.append(tj * r.kostnad_per_tjanst)
        del_av_ar = "" if andel == 1 else f", {andel.numerator}/{andel.denominator} av året"
        poster.append(
            (r.namn, tj, f"{_dec(r.tjanst)} tjänst × {_kr(r.kostnad_per_tjanst)} per tjänst {a.basar}{del_av_ar}")
        )
    nya = Fraction(0)
    namn = []
    for resa in a.yrkesresor:
        if manadsindex(resa.start) >= 12 * (a.basar + 1):
            andel = _aktiv_andel(manadsindex(resa.start), ar)
            if andel:
                nya += andel
                namn.append(f"nr {resa.nr} ({resa.start})")
    extra = Fraction(a.bemanning.per_resa) * nya
    if extra:
        kpt = a.roll(a.bemanning.roll).kostnad_per_tjanst
        vikter.append(extra * kpt)
        poster.append(
            (
                "Extra bemanning för nya Yrkesresor",
                extra,
                f"{_dec(a.bemanning.per_resa)} tjänst per ny resa ({', '.join(namn)}) × {_kr(kpt)} per tjänst "
                f"{a.basar}",
            )
        )
    if not poster or sum(vikter) == 0:
        raise AnalysError(f"Antagandena har ingen roll som kostar något {ar}; det finns inget att föreslå.")
    if ar in a.kanda_ar:
        tj = sum((p[1] for p in poster), Fraction(0))
        kand = a.kanda_ar[ar]
        return (Kostnadspost("Fast kostnad (känt år i antagandena)", _tjanst(tj), total, kand.kalla),)
    belopp = largest_remainder(total, vikter, [f"{i:04d}" for i in range(len(vikter))])
    return tuple(
        Kostnadspost(roll, _tjanst(tj), b, forklaring) for (roll, tj, forklaring), b in zip(poster, belopp, strict=True)
    )


def compute_befolkningsdatum(
    forra: date | None, forra_ar: int | None, ar: int, finns: Sequence[date]
) -> tuple[date, str]:
    """Referensdatumet för ett förslag för `ar` och varför: samma tidpunkt på året som förra avtalet
    (`forra`, för året `forra_ar`) flyttat lika många år framåt, om den siffran finns; annars den
    senaste som finns före årets början (eller den senaste alls).

    >>> compute_befolkningsdatum(date(2023, 6, 30), 2024, 2025, [date(2023, 12, 31), date(2024, 6, 30)])
    (datetime.date(2024, 6, 30), 'samma tidpunkt på året som avtalet 2024 (30 juni 2023), ett år senare')
    >>> compute_befolkningsdatum(date(2023, 6, 30), 2024, 2025, [date(2023, 12, 31), date(2024, 12, 31)])[0]
    datetime.date(2024, 12, 31)
    """
    if not finns:
        raise AnalysError("Det finns ingen befolkning för länet; hämta den med analys hamta-befolkning.")
    if forra is not None and forra_ar is not None:
        steg = ar - forra_ar
        try:
            kandidat = forra.replace(year=forra.year + steg)
        except ValueError:  # 29 februari
            kandidat = forra.replace(year=forra.year + steg, day=28)
        ar_text = "ett år" if steg == 1 else f"{steg} år"
        if kandidat in finns:
            return kandidat, f"samma tidpunkt på året som avtalet {forra_ar} ({datumtext(forra)}), {ar_text} senare"
        varfor = (
            f"folkmängden {datumtext(kandidat)} (samma tidpunkt som avtalet {forra_ar}, {ar_text} senare) finns inte"
        )
    else:
        varfor = "inget tidigare avtal att ta tidpunkten från"
    fore = [d for d in finns if d < date(ar, 1, 1)]
    valt = max(fore or finns)
    return (
        valt,
        f"{varfor}; den senaste folkmängden som finns{' före ' + str(ar) if fore else ''} är {datumtext(valt)}",
    )


JAMFOR_KOLUMNER = ["kommunkod", "kommun", "fore", "efter", "forandring", "beloppseffekt", "befolkningseffekt"]


def compute_effekter(fore: pd.DataFrame, efter: pd.DataFrame, som_forr: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per kommun förra → nya beloppet (`fore`, `efter`: kommunkod, kommun, belopp) och förändringen
    delad i två delar som går jämnt upp i hela kronor:

    - **beloppseffekt**: hur totalens förändring hade fördelats med förra årets fördelning, så att
      kolumnen summerar exakt till totalens förändring. Med `som_forr` (det nya beloppet fördelat
      med förra avtalets nyckel och befolkning, samma största-restmetod) är den `som_forr − fore`;
      annars förändringen av totalen delad efter förra årets belopp;
    - **befolkningseffekt**: resten, det som beror på att andelarna ändrats (ny befolkning, ny
      nyckel, en kommun som inte deltar). Med `som_forr` är den exakt 0 för varje kommun när
      andelarna inte ändrats (samma befolkning och nyckel); utan kan avrundningen ge ±1 kr.

    En kommun som bara finns på ena sidan har 0 på den andra. Finns inget förra belopp alls (och
    inget `som_forr`) är hela förändringen beloppseffekt.

    >>> f = pd.DataFrame({"kommunkod": ["1", "2"], "kommun": ["A", "B"], "belopp": [60, 40]})
    >>> e = pd.DataFrame({"kommunkod": ["1", "2"], "kommun": ["A", "B"], "belopp": [55, 55]})
    >>> compute_effekter(f, e)[["forandring", "beloppseffekt", "befolkningseffekt"]].values.tolist()
    [[-5, 6, -11], [15, 4, 11]]
    """
    f = fore.set_index("kommunkod")
    e = efter.set_index("kommunkod")
    koder = sorted(set(f.index) | set(e.index))
    namn = {**f["kommun"].to_dict(), **e["kommun"].to_dict()}
    fb = [int(f["belopp"].get(k, 0)) for k in koder]
    eb = [int(e["belopp"].get(k, 0)) for k in koder]
    forandring = [b - a for a, b in zip(fb, eb, strict=True)]
    total = sum(eb) - sum(fb)
    if som_forr is not None:
        s = som_forr.set_index("kommunkod")["belopp"]
        belopp = [int(s.get(k, 0)) - a for k, a in zip(koder, fb, strict=True)]
    elif sum(fb) == 0:
        belopp = list(forandring)
    else:
        delat = largest_remainder(abs(total), fb, koder)
        belopp = [d if total >= 0 else -d for d in delat]
    return pd.DataFrame(
        {
            "kommunkod": koder,
            "kommun": [namn[k] for k in koder],
            "fore": pd.array(fb, dtype="int64"),
            "efter": pd.array(eb, dtype="int64"),
            "forandring": pd.array(forandring, dtype="int64"),
            "beloppseffekt": pd.array(belopp, dtype="int64"),
            "befolkningseffekt": pd.array([c - b for c, b in zip(forandring, belopp, strict=True)], dtype="int64"),
        }
    )
