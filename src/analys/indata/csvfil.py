"""CSV-filer som människor sparar: Excels CSV på svenska (cp1252, semikolon, decimalkomma),
UTF-8 med eller utan BOM och UTF-16, med rubrikrad och en rad per post.

En enda läsare för alla CSV-filer som analys tar emot. Den

- känner igen teckenkodningen (BOM först, sedan strikt UTF-8, sist charset-normalizer begränsad
  till cp1252 och UTF-16, de kodningar svensk Excel sparar i);
- väljer avgränsaren (`;`, `,` eller tabb) som gör rubrikraden till de väntade kolumnerna;
  `csv.Sniffer` gissar bara för att kunna säga vad den såg när ingen passar;
- kräver de namngivna kolumnerna (stora eller små bokstäver och å/ä/ö spelar ingen roll), och
  avvisar okända, saknade eller förskjutna kolumner och korta rader med radnummer;
- tolkar tal med decimalkomma eller -punkt och mellanslag som tusentalsavgränsare, med en
  gräns för hur långa tal får vara, så att inget kan hänga eller slå runt;
- ger ett fel för en fil som saknas, är tom eller bara har en rubrikrad där rader krävs.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from analys.begrepp import inom_datumgranser, iso_datum
from analys.fel import AnalysError
from analys.indata.paths import visningsvag

MAX_STORLEK = 20_000_000  # byte
MAX_RADER = 200_000
MAX_TALTECKEN = 24

Typ = Literal["text", "heltal", "tal", "datum", "kommunkod"]


@dataclass(frozen=True)
class Kolumn:
    """En kolumn: namnet i rubrikraden, vad den ska innehålla och om den får vara tom."""

    namn: str
    typ: Typ = "text"
    kravs: bool = True  # ett värde krävs på varje rad
    min: int | Decimal | None = None
    max: int | Decimal | None = None
    alias: tuple[str, ...] = ()  # andra rubriker som betyder samma sak, t.ex. "år" för "ar"
    valfri_kolumn: bool = False  # kolumnen får saknas helt


@dataclass(frozen=True)
class Csvrad:
    rad: int  # radnummer i filen (rubriken är rad 1)
    varden: dict[str, Any]


def normalisera_rubrik(text: str) -> str:
    """Rubrik utan skillnad på stora och små bokstäver, å/ä/ö, mellanslag, bindestreck och understreck.

    >>> normalisera_rubrik(" År "), normalisera_rubrik("Kommun-kod"), normalisera_rubrik("Deltagar_dagar")
    ('ar', 'kommunkod', 'deltagardagar')
    """
    t = unicodedata.normalize("NFKD", text.replace("\ufeff", "").strip().casefold())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[\s\-_]+", "", t)


def avkoda(data: bytes, namn: str) -> tuple[str, str]:
    """Texten och kodningens namn. UTF-8 (med eller utan BOM), UTF-16 med BOM och cp1252 går bra."""
    if data.startswith(b"\xef\xbb\xbf"):
        kodning = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        kodning = "utf-16"
    elif len(data) >= 4 and data.count(0) * 3 >= len(data):
        # UTF-16 utan BOM: varannan byte är noll för latinska tecken.
        kodning = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            kodning = ""
    if kodning:
        try:
            return data.decode(kodning), kodning
        except UnicodeDecodeError:
            raise AnalysError(f"{namn}: filen börjar som {kodning} men går inte att läsa som det.") from None
    from charset_normalizer import from_bytes

    basta = from_bytes(data, cp_isolation=["cp1252", "utf_16_le", "utf_16_be"]).best()
    if basta is None:
        raise AnalysError(
            f"{namn}: kan inte avgöra filens teckenkodning. Spara den som CSV (UTF-8) eller som "
            "CSV (semikolonavgränsad) från Excel."
        )
    return str(basta), basta.encoding


def _tal_text(v: str) -> str:
    return v.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("−", "-")


def ovanlig_siffra(text: str) -> str | None:
    """Första tecknet som Unicode räknar som siffra eller tal men som inte är 0–9, eller None.

    >>> ovanlig_siffra("12²"), ovanlig_siffra("١٢"), ovanlig_siffra("１２"), ovanlig_siffra("12,5")
    ('²', '١', '１', None)
    """
    return next((c for c in text if c.isnumeric() and not "0" <= c <= "9"), None)


def kontrollera_siffror(text: str, plats: str) -> None:
    """Fel om texten har en siffra som inte är 0–9 (upphöjd ², arabisk-indisk ٣, bred ３ …)."""
    c = ovanlig_siffra(text)
    if c is not None:
        namn = unicodedata.name(c, f"U+{ord(c):04X}").lower()
        raise AnalysError(
            f"{plats}: '{text[:30]}' innehåller tecknet '{c}' ({namn}), som inte är en siffra 0–9; "
            "skriv talet med siffrorna 0–9."
        )


def _text(text: str, k: Kolumn, plats: str) -> str:
    if len(text) > 1000:
        raise AnalysError(f"{plats}: texten är {len(text)} tecken lång; högst 1 000.")
    return text


def _kommunkod(text: str, k: Kolumn, plats: str) -> str:
    if not re.fullmatch(r"[0-9]{3,4}", text):
        raise AnalysError(f"{plats}: '{text[:30]}' är ingen kommunkod; ange fyra siffror, t.ex. 2080.")
    return text.zfill(4)


def _datum(text: str, k: Kolumn, plats: str):
    try:
        d = iso_datum(text) if text.isascii() else None
    except ValueError:
        d = None
    if d is None:
        raise AnalysError(f"{plats}: '{text[:30]}' är inget datum; ange ÅÅÅÅ-MM-DD, t.ex. 2024-02-15.")
    if not inom_datumgranser(d):
        raise AnalysError(f"{plats}: {text} ligger inte mellan 1900 och 2100.")
    return d


def _heltal(text: str, t: str, plats: str) -> int:
    if not re.fullmatch(r"-?[0-9]+", t):
        raise AnalysError(f"{plats}: '{text}' är inte ett heltal.")
    return int(t)


def _decimaltal(text: str, t: str, plats: str) -> Decimal:
    if not re.fullmatch(r"-?([0-9]+([.,][0-9]*)?|[.,][0-9]+)", t):
        raise AnalysError(f"{plats}: '{text}' är inget tal (använd decimalkomma eller -punkt).")
    try:
        return Decimal(t.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - regexen släpper bara igenom giltiga tal
        raise AnalysError(f"{plats}: '{text}' är inget tal.") from None


def _tal(text: str, k: Kolumn, plats: str) -> int | Decimal:
    t = _tal_text(text)
    if len(t) > MAX_TALTECKEN:
        raise AnalysError(f"{plats}: talet '{text[:30]}…' är för långt ({len(t)} tecken).")
    varde = _heltal(text, t, plats) if k.typ == "heltal" else _decimaltal(text, t, plats)
    if k.min is not None and varde < k.min:
        raise AnalysError(f"{plats}: {text} är mindre än {k.min}; ange ett tal ≥ {k.min}.")
    if k.max is not None and varde > k.max:
        raise AnalysError(f"{plats}: {text} är orimligt stort; högst {k.max}.")
    return varde


_TOLKA = {"text": _text, "kommunkod": _kommunkod, "datum": _datum, "heltal": _tal, "tal": _tal}


def tolka(v: str, k: Kolumn, plats: str) -> Any:
    """Ett fälts text som värde av kolumnens typ; fel nämner platsen."""
    text = v.strip()
    if text == "":
        if k.kravs:
            raise AnalysError(f"{plats}: värde saknas.")
        return None
    if k.typ != "text":
        kontrollera_siffror(text, plats)
    return _TOLKA[k.typ](text, k, plats)


def _rader(path: Path, namn: str, forvantat: str) -> list[str]:
    """Filens rader, avkodade; fel för mapp, saknad, för stor, tom eller binär fil."""
    if path.is_dir():
        raise AnalysError(f"{namn} är en mapp; ange en CSV-fil med rubrikraden {forvantat}.")
    if not path.is_file():
        raise AnalysError(f"{namn} finns inte.")
    storlek = path.stat().st_size
    if storlek > MAX_STORLEK:
        raise AnalysError(f"{namn} är {storlek} byte; en CSV-fil här får vara högst {MAX_STORLEK} byte.")
    text, _ = avkoda(path.read_bytes(), namn)
    if "\x00" in text:
        raise AnalysError(f"{namn} innehåller nolltecken; den är ingen CSV-fil (spara som CSV från Excel).")
    rader = text.splitlines()
    while rader and not rader[0].strip():
        rader.pop(0)
    if not rader:
        raise AnalysError(f"{namn} är tom; första raden ska vara rubrikraden {forvantat}.")
    if len(rader) > MAX_RADER:
        raise AnalysError(f"{namn} har {len(rader)} rader; högst {MAX_RADER}.")
    return rader


def _rubrik(forsta: str, kolumner: Sequence[Kolumn], namn: str, forvantat: str) -> tuple[str, list[Kolumn]]:
    """Avgränsaren som gör rubrikraden till de väntade kolumnerna, och kolumnerna i filens ordning."""
    namn_till_kolumn: dict[str, Kolumn] = {}
    for k in kolumner:
        for n in (k.namn, *k.alias):
            namn_till_kolumn[normalisera_rubrik(n)] = k
    for d in (";", ",", "\t"):
        normal = [normalisera_rubrik(f) for f in next(csv.reader([forsta], delimiter=d))]
        if all(n in namn_till_kolumn for n in normal) and len(set(normal)) == len(normal):
            rubrik = [namn_till_kolumn[n] for n in normal]
            saknas = [k.namn for k in kolumner if k not in rubrik and not k.valfri_kolumn]
            if saknas:
                raise AnalysError(
                    f"{namn}, rad 1: kolumnen {', '.join(saknas)} saknas; rubrikraden ska vara {forvantat}."
                )
            return d, rubrik
    try:
        gissad = csv.Sniffer().sniff(forsta, delimiters=";,\t").delimiter
    except csv.Error:
        gissad = ","
    sett = [f.strip() for f in next(csv.reader([forsta], delimiter=gissad))]
    okanda = [f for f in sett if normalisera_rubrik(f) not in namn_till_kolumn]
    tips = f"; okända kolumner: {', '.join(okanda)}" if okanda else ""
    raise AnalysError(
        f"{namn}, rad 1: rubrikraden ska vara {forvantat} (med komma, semikolon eller tabb), "
        f"inte '{forsta[:200]}'{tips}."
    )


def _fel_antal_falt(namn: str, nr: int, falt: list[str], rubrik: list[Kolumn], avgransare: str, forvantat: str):
    tips = ""
    if len(falt) > len(rubrik) and avgransare == ",":
        tips = (
            " Ett tal med decimalkomma delar raden när komma också skiljer kolumnerna: använd "
            "semikolon som avgränsare, decimalpunkt, eller citattecken runt talet."
        )
    return AnalysError(f"{namn}, rad {nr}: väntade {len(rubrik)} fält ({forvantat}), fick {len(falt)}.{tips}")


def las_csv(
    path: Path,
    kolumner: Sequence[Kolumn],
    vad: str = "",
    krav_rader: bool = True,
    namn: str | None = None,
) -> list[Csvrad]:
    """Läs en CSV-fil med de givna kolumnerna; raderna med tolkade värden, i filens ordning.

    `vad` beskriver filen i felmeddelanden ("Viktfilen", "Prognosfilen" …), eller `namn` ersätter
    hela beskrivningen. Helt tomma rader hoppas över. Med `krav_rader` är en fil utan datarader
    ett fel.
    """
    path = Path(path)
    if namn is None:
        namn = f"{vad} {visningsvag(path) if path.is_absolute() else path}".strip()
    forvantat = ",".join(k.namn for k in kolumner if not k.valfri_kolumn)
    rader = _rader(path, namn, forvantat)
    avgransare, rubrik = _rubrik(rader[0], kolumner, namn, forvantat)

    ut: list[Csvrad] = []
    lasare = csv.reader(rader[1:], delimiter=avgransare)
    lasta = 0  # rader lästa hittills efter rubriken; en cell med radbrytning (Alt+Enter) tar flera
    for falt in lasare:
        nr, lasta = lasta + 2, lasare.line_num  # raden i filen där posten börjar
        if not any(f.strip() for f in falt):
            continue
        if len(falt) != len(rubrik):
            raise _fel_antal_falt(namn, nr, falt, rubrik, avgransare, forvantat)
        varden = {k.namn: tolka(f, k, f"{namn}, rad {nr}, kolumn {k.namn}") for k, f in zip(rubrik, falt, strict=True)}
        for k in kolumner:
            varden.setdefault(k.namn, None)
        ut.append(Csvrad(nr, varden))
    if krav_rader and not ut:
        raise AnalysError(f"{namn} har bara rubrikraden; inga rader att läsa.")
    return ut
