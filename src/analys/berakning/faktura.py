"""Fakturaunderlag: fakturarader per kommun (fast kostnad, kursavgifter, pott, avräkning), en
faktura per kommun och körning med en unik referens, och nettot (under 0 en kreditfaktura).

Referensen är ÅR-KKOMMUNKOD-NN: avtalets år, K och kommunkoden, och körningens löpnummer (01 för
den första körningen som bokförs på bladet Fakturor, 02 för nästa …), t.ex. 2024-K2080-02.

Förfallodatum = fakturadatum + avtalets betalningsvillkor, flyttat till nästa bankdag om det blir
en lördag, söndag, allmän helgdag eller midsommar-, jul- eller nyårsafton (svenska helgdagar ur
biblioteket holidays).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import pandas as pd

from analys.begrepp import Avtal
from analys.fel import AnalysError


@cache
def _helgdagar(ar: int) -> frozenset[date]:
    import holidays

    dagar = holidays.country_holidays("SE", years=ar, include_sundays=False, categories=("public", "de_facto"))
    return frozenset(dagar)


def ar_bankdag(d: date) -> bool:
    """En vardag som inte är helgdag eller midsommar-, jul- eller nyårsafton.

    >>> ar_bankdag(date(2024, 3, 16)), ar_bankdag(date(2024, 6, 21)), ar_bankdag(date(2024, 3, 18))
    (False, False, True)
    """
    return d.weekday() < 5 and d not in _helgdagar(d.year)


def nasta_bankdag(d: date) -> date:
    """Dagen själv om den är en bankdag, annars nästa bankdag.

    >>> nasta_bankdag(date(2024, 3, 16))  # lördag
    datetime.date(2024, 3, 18)
    >>> nasta_bankdag(date(2024, 12, 24))  # julafton, juldagen och annandag jul
    datetime.date(2024, 12, 27)
    """
    while not ar_bankdag(d):
        d += timedelta(days=1)
    return d


def forfallodatum(avtal: Avtal, fakturadatum: date) -> date:
    """Fakturadatum + avtalets betalningsvillkor, flyttat till nästa bankdag.

    >>> from analys.indata.avtal import load_avtal
    >>> forfallodatum(load_avtal("2024")[0], date(2024, 2, 15))  # +30 dagar är lördag 16 mars
    datetime.date(2024, 3, 18)
    """
    return nasta_bankdag(fakturadatum + timedelta(days=avtal.fakturering.betalningsvillkor_dagar))


# ÅR-KKOMMUNKOD-NN, t.ex. 2024-K2080-02; K:et gör att kommunkoden inte läses som ett år.
REFERENS = re.compile(r"\b(\d{4})-K(\d{4})-(\d{2,3})\b")
SLAG_FAKTURA, SLAG_KREDIT = "faktura", "kreditfaktura"


def referens(ar: int, kommunkod: str, korning: int) -> str:
    """Fakturans referens: år, K och kommunkoden (så att koden inte läses som ett år), körningens nummer.

    >>> referens(2024, "2080", 2)
    '2024-K2080-02'
    """
    return f"{ar}-K{kommunkod}-{korning:02d}"


def compute_korning(avser: Iterable[str], ar: int) -> int:
    """Körningens löpnummer: ett mer än det högsta som redan står i en referens för året (i
    kolumnen avser på bladet Fakturor), 1 om ingen finns.

    >>> compute_korning(["Faktura 2024-K2080-01: fast kostnad", "Fast kostnad 2024", "2023-K2080-05"], 2024)
    2
    """
    nummer = [int(m[3]) for text in avser for m in REFERENS.finditer(str(text)) if int(m[1]) == ar]
    return max(nummer, default=0) + 1


def compute_krediterade_pottar(avser: Iterable[str]) -> frozenset[int]:
    """Åren vars utbildarpott redan står krediterad på bladet Fakturor (en faktura som
    `analys faktura --bokfor` förde in, med årets referens). Den potten är utbetald: den väntar inte
    längre på utbildardagar, och en senare körning får inte hålla inne den (och fakturera tillbaka
    krediten).

    >>> sorted(compute_krediterade_pottar(["Kreditfaktura 2024-K2080-03: utbildarpotten (kredit)"]))
    [2024]
    >>> sorted(compute_krediterade_pottar(["Faktura 2024-K2080-02: kursavgifter", "utbildarpotten (kredit)"]))
    []
    """
    return frozenset(int(m[1]) for text in avser if _DELAR["pott"] in str(text) for m in REFERENS.finditer(str(text)))


def compute_referenser(avser: Iterable[str]) -> set[str]:
    """Referenserna som står i texterna (kolumnen avser på bladet Fakturor)."""
    return {m[0] for text in avser for m in REFERENS.finditer(str(text))}


def compute_datumkontroll(avtal: Avtal, datum: date, vad: str, flagga: str = "") -> str | None:
    """Ett datum mer än ett år från avtalets period är ett fel; ett datum utanför perioden men inom
    året ger en varning (texten returneras), annars None."""
    forsta, sista = avtal.period.med_marginal()
    period = f"{avtal.period.fran.isoformat()}–{avtal.period.till.isoformat()}"
    if not forsta <= datum <= sista:
        raise AnalysError(
            f"{vad} {datum.isoformat()} ligger långt från avtalets period {period}; ange ett datum "
            f"{forsta.isoformat()}–{sista.isoformat()}{f' ({flagga})' if flagga else ''}."
        )
    if avtal.period.fran <= datum <= avtal.period.till:
        return None
    nar = "före" if datum < avtal.period.fran else "efter"
    return f"{vad} {datum.isoformat()} ligger {nar} avtalets period {period}"


def compute_fakturor(
    avtal: Avtal,
    fakturadatum: date,
    fordelning: pd.DataFrame,
    rorligt: pd.DataFrame | None = None,
    fakturerat: pd.Series | None = None,
    korning: int = 1,
) -> pd.DataFrame:
    """Fakturarader: kommunens del av den fasta kostnaden (`fordelning`, avtalets fördelning), och
    med `rorligt` (ur `uppfoljning.compute_rorligt`) även kursavgifter och utbildarpotten (som
    kreditrad, negativt belopp) på egna rader. `fakturerat` (kommunkod → kronor, fakturor som
    redan skickats enligt underlaget) dras av på en egen rad, så att kommunens rader tillsammans
    blir det som återstår att betala: ingenting faktureras två gånger. En kommun vars rader tar ut
    varandra (summa 0) får ingen faktura och inga rader. En kommuns rader är en faktura med
    referensen `referens(avtal.ar, kommunkod, korning)`.

    Kolumner: kommunkod, kommun, avser, belopp, fakturadatum, forfallodatum, referens, post
    (fast, kursavgifter, pott, avraknat).
    """
    compute_datumkontroll(avtal, fakturadatum, "Fakturadatum", "--fakturadatum")
    forfaller = forfallodatum(avtal, fakturadatum)
    rader = []
    for kod, namn, belopp in fordelning[["kommunkod", "kommun", "belopp"]].itertuples(index=False, name=None):
        rader.append((kod, namn, f"{avtal.namn}, fast kostnad enligt avtal", int(belopp), "fast"))
    if rorligt is not None:
        rk = avtal.rorliga_kostnader
        if rk is None:
            raise AnalysError("Avtalet anger inga rörliga kostnader (rorliga_kostnader saknas i avtalsfilen).")
        kolumner = ["kommunkod", "kommun", "deltagardagar", "avgifter", "utbildardagar", "pott_tillbaka"]
        for kod, namn, deltagardagar, avgifter, utbildardagar, pott in rorligt[kolumner].itertuples(
            index=False, name=None
        ):
            if avgifter:
                rader.append(
                    (
                        kod,
                        namn,
                        f"Kursavgifter {avtal.ar}: {deltagardagar} deltagardagar à {rk.avgift_per_deltagardag} kr",
                        int(avgifter),
                        "kursavgifter",
                    )
                )
            if pott:
                rader.append(
                    (
                        kod,
                        namn,
                        f"Utbildarpotten {avtal.ar}: {utbildardagar} utbildardagar (kredit)",
                        -int(pott),
                        "pott",
                    )
                )
    if fakturerat is not None:
        for r in fordelning.itertuples():
            redan = int(fakturerat.get(r.kommunkod, 0))
            if redan:
                rader.append(
                    (
                        r.kommunkod,
                        r.kommun,
                        f"Redan fakturerat {avtal.ar} enligt underlaget, avräknas",
                        -redan,
                        "avraknat",
                    )
                )
    df = pd.DataFrame(rader, columns=["kommunkod", "kommun", "avser", "belopp", "post"])
    ordning = {"fast": 0, "kursavgifter": 1, "pott": 2, "avraknat": 3}
    df = df.sort_values(["kommunkod", "post"], key=lambda k: k.map(ordning) if k.name == "post" else k, kind="stable")
    netto = df.groupby("kommunkod")["belopp"].transform("sum")
    df = df[netto != 0].reset_index(drop=True)
    df["fakturadatum"] = fakturadatum
    df["forfallodatum"] = forfaller
    df["referens"] = [referens(avtal.ar, k, korning) for k in df["kommunkod"]]
    return df[["kommunkod", "kommun", "avser", "belopp", "fakturadatum", "forfallodatum", "referens", "post"]]


_DELAR = {
    "fast": "fast kostnad enligt avtal",
    "kursavgifter": "kursavgifter",
    "pott": "utbildarpotten (kredit)",
    "avraknat": "avräknat det som redan fakturerats",
}


def compute_fakturanetto(rader: pd.DataFrame) -> pd.DataFrame:
    """En rad per faktura (referens), i mallens ordning för bladet Fakturor: kommunkod, kommun,
    fakturadatum, belopp (nettot av fakturans rader), avser ("Faktura 2024-K2080-02: …" eller
    "Kreditfaktura …"), och därtill forfallodatum, referens, slag (faktura eller kreditfaktura; en
    kreditfaktura har nettot under 0) och blandning ("enligt avtal", eller "avtal + utfall" när
    fakturan har rader efter utfallet)."""
    ut = []
    for ref, g in rader.groupby("referens", sort=False):
        belopp = int(g["belopp"].sum())
        slag = SLAG_KREDIT if belopp < 0 else SLAG_FAKTURA
        poster = list(dict.fromkeys(g["post"]))
        blandning = "avtal + utfall" if {"kursavgifter", "pott"} & set(poster) else "enligt avtal"
        avser = f"{slag.capitalize()} {ref}: {', '.join(_DELAR[p] for p in poster)}"
        forsta = g.iloc[0]
        ut.append(
            (forsta.kommunkod, forsta.kommun, forsta.fakturadatum, belopp, avser, forsta.forfallodatum, ref, slag,
             blandning)
        )  # fmt: skip
    kolumner = ["kommunkod", "kommun", "fakturadatum", "belopp", "avser", "forfallodatum", "referens", "slag"]
    return pd.DataFrame(ut, columns=[*kolumner, "blandning"]).astype({"belopp": "int64"})
