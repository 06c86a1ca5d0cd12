"""YAML-filer (avtal, antaganden, scenarier, rapportfilen) in i frysta, kontrollerade objekt.

Ett fel nämner alltid filen och nyckeln, och raden där nyckeln står, t.ex.
``data/avtal/2024.yaml rad 18: kostnader → post 2 → belopp: ska vara ett heltal (fick '180 tkr')``
(tabellerna och listorna som läsaren bygger, `Tabell` och `Lista`, minns sina rader).

Läsaren bygger på ruamel.yaml (YAML 1.2, bara händelseströmmen) och tolkar själv varje värde,
så att inget blir något annat än det ser ut som:

- dubbla nycklar, ankare och alias (``&x``, ``*x``) och taggar (``!!float``) avvisas;
- ``true``/``false`` är de enda sanningsvärdena; ``yes``, ``on`` och ``True`` förblir text (och
  avvisas där ett sanningsvärde krävs);
- heltal skrivs med siffror: ``030``, ``0o30``, ``0x1e`` och ``1_000`` avvisas med förklaring,
  ``1:30`` förblir text (ingen sexagesimal tolkning);
- decimaltal blir exakta `Decimal` (``0.1`` är exakt en tiondel), aldrig flyttal; ``.inf`` och
  ``.nan`` förblir text;
- datum är bara ``ÅÅÅÅ-MM-DD``, ett datum som finns i kalendern, mellan 1900 och 2100;
- filen får vara högst 1 MB och nästlad högst 20 nivåer.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from analys.begrepp import inom_datumgranser, iso_datum
from analys.fel import AnalysError
from analys.indata.paths import visningsvag

M = TypeVar("M", bound=BaseModel)

MAX_STORLEK = 1_000_000  # byte
MAX_DJUP = 20
MAX_TALTECKEN = 40

_HELTAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+")
_NOLLA_FORST = re.compile(r"[-+]?0[0-9]+")
# Bara det som verkligen är ett tal i en annan bas: "0b44e8f9…" (t.ex. en SHA-256) är text.
_ANNAN_BAS = re.compile(r"[-+]?0([oO][0-7_]+|[xX][0-9a-fA-F_]+|[bB][01_]+)")
_UNDERSTRECK = re.compile(r"[-+]?[0-9][0-9_]*_[0-9_]*(\.[0-9_]*)?")


class _YamlFel(Exception):
    def __init__(self, rad: int | None, kolumn: int | None, text: str) -> None:
        super().__init__(text)
        self.rad, self.kolumn, self.text = rad, kolumn, text


def _plats_i_fil(mark) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


def _skalar(varde: str, stil: str | None, mark) -> Any:
    """Ett skalärt värde: citerat är alltid text; okomtecknat tolkas strikt (se modulens text)."""
    if stil is not None:  # '…', "…", | eller >
        return varde
    t = varde.strip()
    if t in _ORD:
        return _ORD[t]
    tal = _tal(t, mark)
    if tal is not None:
        return tal
    d = _datum(t, mark)
    return d if d is not None else varde


_ORD: dict[str, Any] = {"": None, "~": None, "null": None, "true": True, "false": False}


def _tal(t: str, mark) -> int | Decimal | None:
    """Ett heltal eller ett exakt decimaltal; tal i en form som lätt läses fel är fel; annars None."""
    if len(t) > MAX_TALTECKEN and re.fullmatch(r"[-+0-9.eE_]+", t):
        raise _YamlFel(*_plats_i_fil(mark), f"talet har {len(t)} tecken; så stora tal används inte här")
    if _NOLLA_FORST.fullmatch(t):
        raise _YamlFel(
            *_plats_i_fil(mark),
            f"'{t}': ett tal får inte börja med 0 (skriv {int(t)}, eller \"{t}\" inom citattecken om det är en kod)",
        )
    if _ANNAN_BAS.fullmatch(t):
        raise _YamlFel(*_plats_i_fil(mark), f"'{t}': skriv talet med vanliga siffror (bas 10)")
    if _UNDERSTRECK.fullmatch(t):
        raise _YamlFel(*_plats_i_fil(mark), f"'{t}': skriv talet utan understreck, t.ex. {t.replace('_', '')}")
    if _HELTAL.fullmatch(t):
        return int(t)
    if _DECIMAL.fullmatch(t):
        try:
            return Decimal(t)
        except InvalidOperation:  # pragma: no cover - regexen släpper bara igenom giltiga tal
            raise _YamlFel(*_plats_i_fil(mark), f"'{t}' är inget tal") from None
    return None


def _datum(t: str, mark) -> date | None:
    """Ett datum ÅÅÅÅ-MM-DD mellan 1900 och 2100; annars None (texten är inget datum)."""
    try:
        d = iso_datum(t)
    except ValueError as e:
        raise _YamlFel(*_plats_i_fil(mark), str(e)) from None
    if d is not None and not inom_datumgranser(d):
        raise _YamlFel(*_plats_i_fil(mark), f"{t}: datum ska ligga mellan 1900 och 2100")
    return d


class Tabell(dict):
    """En YAML-tabell som minns på vilken rad varje nyckel stod (`rader`) och var den själv
    började (`rad`), så att ett valideringsfel kan peka ut raden."""

    rad: int | None = None
    rader: dict


class Lista(list):
    """En YAML-lista som minns raden för varje post (`rader`) och var den själv började (`rad`)."""

    rad: int | None = None
    rader: list


def _ny_behallare(sort: type, rad: int | None) -> Any:
    b = sort()
    b.rad, b.rader = rad, ({} if sort is Tabell else [])
    return b


class _Byggare:
    """Bygger värdet ur händelserna: en stack av öppna tabeller och listor."""

    def __init__(self) -> None:
        self.stack: list[list] = []  # [behållare, väntande nyckel, nyckelns markering]
        self.resultat: Any = None
        self.klar = False

    def lagg_till(self, varde: Any, mark) -> None:
        if not self.stack:
            self.resultat, self.klar = varde, True
            return
        topp = self.stack[-1]
        if isinstance(topp[0], list):
            topp[0].append(varde)
            topp[0].rader.append(_plats_i_fil(mark)[0])
            return
        if topp[1] is _INGEN:
            if isinstance(varde, dict | list):
                raise _YamlFel(*_plats_i_fil(mark), "en nyckel ska vara ett enkelt värde")
            if varde in topp[0]:
                raise _YamlFel(*_plats_i_fil(mark), f"nyckeln '{varde}' står två gånger")
            topp[1], topp[2] = varde, mark
        else:
            topp[0][topp[1]] = varde
            topp[0].rader[topp[1]] = _plats_i_fil(topp[2])[0]
            topp[1] = _INGEN

    def oppna(self, behallare: dict | list, mark) -> None:
        if len(self.stack) >= MAX_DJUP:
            raise _YamlFel(*_plats_i_fil(mark), f"filen är nästlad djupare än {MAX_DJUP} nivåer")
        self.stack.append([behallare, _INGEN, None, mark])  # … och där behållaren började

    def stang(self, mark) -> None:
        behallare, *_, start = self.stack.pop()
        self.lagg_till(behallare, start)  # raden där den började, inte där den slutade


def _kontrollera(h, mark) -> str | None:
    """Avvisa alias, ankare och taggar; ger skalärens stil (en !!str-tagg gör värdet till text)."""
    from ruamel.yaml import events as ev

    if isinstance(h, ev.AliasEvent):
        raise _YamlFel(*_plats_i_fil(mark), f"alias (*{h.anchor}) används inte; skriv ut värdet")
    if getattr(h, "anchor", None):
        raise _YamlFel(*_plats_i_fil(mark), f"ankare (&{h.anchor}) används inte; skriv ut värdet")
    tagg = getattr(h, "tag", None)
    sann_text = isinstance(h, ev.ScalarEvent) and tagg in ("tag:yaml.org,2002:str", "!!str")
    if isinstance(h, ev.ScalarEvent | ev.MappingStartEvent | ev.SequenceStartEvent) and tagg and not sann_text:
        raise _YamlFel(*_plats_i_fil(mark), f"taggen {tagg} används inte")
    return "'" if sann_text else getattr(h, "style", None)


def _bygg(handelser) -> Any:
    """Värdet ur ruamel.yamls händelser, med kontrollerna ovan."""
    from ruamel.yaml import events as ev

    b = _Byggare()
    dokument = 0
    for h in handelser:
        mark = getattr(h, "start_mark", None)
        if isinstance(h, ev.DocumentStartEvent):
            dokument += 1
            if dokument > 1:
                raise _YamlFel(*_plats_i_fil(mark), "filen ska innehålla ett enda YAML-dokument")
            continue
        stil = _kontrollera(h, mark)
        if isinstance(h, ev.ScalarEvent):
            b.lagg_till(_skalar(h.value, stil, mark), mark)
        elif isinstance(h, ev.MappingStartEvent):
            b.oppna(_ny_behallare(Tabell, _plats_i_fil(mark)[0]), mark)
        elif isinstance(h, ev.SequenceStartEvent):
            b.oppna(_ny_behallare(Lista, _plats_i_fil(mark)[0]), mark)
        elif isinstance(h, ev.MappingEndEvent | ev.SequenceEndEvent):
            b.stang(mark)
    return b.resultat if b.klar else None


class _Ingen:
    pass


_INGEN = _Ingen()


def _kopia(v: Any) -> Any:
    """Tabellerna och listorna kopierade, med sina rader; värdena (text, tal, Decimal, datum) är
    oföränderliga."""
    if isinstance(v, Tabell):
        ny = _ny_behallare(Tabell, v.rad)
        ny.update({k: _kopia(x) for k, x in v.items()})
        ny.rader = dict(v.rader)
        return ny
    if isinstance(v, Lista):
        ny = _ny_behallare(Lista, v.rad)
        ny.extend(_kopia(x) for x in v)
        ny.rader = list(v.rader)
        return ny
    return v


def parse_yaml(text: str, kalla: str) -> Any:
    """Tolka YAML-text strikt (se modulens text); fel nämner `kalla`, rad och kolumn.

    Samma text ger samma värden, så en fil som läses flera gånger i samma process (avtalen för
    varje scenario, antagandena för varje kommunblad i en körning) tolkas en gång (`_tolkad`).
    Nyckeln är hela texten, inte filens namn eller tid: en ändrad fil tolkas alltid på nytt. Bara
    lyckade tolkningar sparas, och den som läser får en egen kopia av tabellerna och listorna."""
    return _kopia(_tolkad(text, kalla))


def _tolka(text: str, kalla: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _bygg(list(YAML(typ="safe", pure=True).parse(text)))
    except _YamlFel as e:
        var = f" rad {e.rad}, kolumn {e.kolumn}" if e.rad else ""
        raise AnalysError(f"{kalla}{var}: {e.text}.") from None
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        var = f" rad {mark.line + 1}, kolumn {mark.column + 1}" if mark else ""
        raise AnalysError(f"{kalla}{var}: filen är inte giltig YAML ({_problem(e)}).") from None
    except YAMLError:
        raise AnalysError(f"{kalla}: filen är inte giltig YAML.") from None
    except RecursionError:  # pragma: no cover - djupet begränsas ovan
        raise AnalysError(f"{kalla}: filen är nästlad för djupt.") from None


_tolkad = functools.lru_cache(maxsize=64)(_tolka)


def _problem(e) -> str:
    problem = str(getattr(e, "problem", "") or "")
    oversatt = {
        "mapping values are not allowed here": "ett kolon där det inte får stå ett; citera texten",
        "could not find expected ':'": "ett kolon saknas efter en nyckel",
        "found character '\\t' that cannot start any token": "tabbtecken används inte för indrag; använd mellanslag",
        "expected <block end>, but found '-'": "indraget för en listpost stämmer inte",
    }
    for en, sv in oversatt.items():
        if problem.startswith(en):
            return sv
    return "indraget, ett kolon eller ett citattecken stämmer inte"


def read_yaml(path: Path) -> Any:
    """Läs en YAML-fil; saknad fil, fel sorts fil eller syntaxfel blir ett svenskt fel."""
    path = Path(path)
    if path.is_dir():
        raise AnalysError(f"{path} är en mapp; ange en YAML-fil.")
    if not path.is_file():
        raise AnalysError(f"Filen {path} finns inte.")
    if path.stat().st_size > MAX_STORLEK:
        raise AnalysError(
            f"{visningsvag(path)}: filen är {path.stat().st_size} byte; en YAML-fil här får vara högst {MAX_STORLEK}."
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnalysError(f"{visningsvag(path)}: filen är inte sparad som UTF-8.") from None
    if "\x00" in text:
        raise AnalysError(f"{visningsvag(path)}: filen innehåller nolltecken; den är ingen textfil.")
    return parse_yaml(text, visningsvag(path))


def _visa(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "…"


def _plats(loc: tuple[int | str, ...], data: Any = None) -> str:
    """Nyckelvägen som text: listposter räknas från 1 ('post 2'), tabellnycklar skrivs som de är."""
    return _plats_och_rad(loc, data)[0]


def _plats_och_rad(loc: tuple[int | str, ...], data: Any = None, rad: int | None = None) -> tuple[str, int | None]:
    """Nyckelvägen som text, och raden i filen där den slutar (där YAML-texten minns den): för en
    nyckel som saknas raden med tabellens egen nyckel (`rad` för data själv, annars där den börjar)."""
    delar: list[str] = []
    rad = rad or getattr(data, "rad", None)
    for p in loc:
        if isinstance(p, int) and isinstance(data, list | tuple):
            delar.append(f"post {p + 1}")
            rader = getattr(data, "rader", [])
            rad = rader[p] if 0 <= p < len(rader) else rad
            data = data[p] if 0 <= p < len(data) else None
        else:
            delar.append(str(p))
            if isinstance(data, dict):
                rad = getattr(data, "rader", {}).get(p, getattr(data, "rader", {}).get(str(p), rad))
                data = data.get(p, data.get(str(p)))
            else:
                data = None
    return (" → ".join(delar) if delar else "(hela filen)"), rad


# Pydantics feltyper → svensk text; "fick …" läggs till efter texten.
_FELTEXT = {
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float"), "ska vara ett heltal"),
    **dict.fromkeys(
        ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"), "ska vara ett tal"
    ),
    **dict.fromkeys(("bool_parsing", "bool_type"), "ska vara true eller false"),
    "string_type": "ska vara text (inom citattecken om den ser ut som ett tal)",
    "string_pattern_mismatch": "har fel form",
    **dict.fromkeys(("list_type", "tuple_type"), "ska vara en lista"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), "ska vara en tabell med nycklar"),
}
# Feltyper vars text inte visar värdet.
_UTAN_VARDE = {
    "missing": "saknas; nyckeln är obligatorisk",
    "extra_forbidden": "okänd nyckel (stavfel?)",
    "too_short": "får inte vara tom",
}
_GRANSER = {
    "greater_than_equal": ("ska vara minst", "ge"),
    "greater_than": ("ska vara större än", "gt"),
    "less_than_equal": ("får vara högst", "le"),
    "less_than": ("får vara mindre än", "lt"),
}


def _beskriv(fel: dict[str, Any]) -> str:
    typ = fel["type"]
    ctx = fel.get("ctx") or {}
    fick_text = f" (fick {_visa(fel.get('input'))})"
    if typ in _UTAN_VARDE:
        return _UTAN_VARDE[typ]
    if typ == "string_too_short" and ctx.get("min_length") == 1:
        return "får inte vara tom"
    if typ in _FELTEXT:
        return _FELTEXT[typ] + fick_text
    if typ in _GRANSER:
        text, nyckel = _GRANSER[typ]
        return f"{text} {ctx.get(nyckel)}" + fick_text
    if typ.startswith("date"):  # date_… och datetime_…
        return "ska vara ett datum ÅÅÅÅ-MM-DD" + fick_text
    if typ in ("enum", "literal_error"):
        forvantat = str(ctx.get("expected", "")).replace(" or ", " eller ")
        return f"ska vara ett av: {forvantat}" + fick_text
    if typ in ("value_error", "assertion_error"):
        return str(fel["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"ogiltigt värde{fick_text}"


def validation_error_text(
    e: ValidationError,
    kalla: str,
    data: Any = None,
    med_rader: bool = True,
    under: str | None = None,
    under_rad: int | None = None,
) -> str:
    """Pydantic-fel som svensk text: ett fel per rad och nyckel, med filen, raden i filen (om
    `data` kommer ur en YAML-text och `med_rader`) och nyckelvägen, som börjar med `under` där
    data är en del av filen (ett scenario i scenariofilen, vars namn står på raden `under_rad`):
    ``scenarier.yaml rad 4: dyr → andringer: okänd nyckel (stavfel?)``.

    Där ett värde får ha flera former (t.ex. ett tal eller en tabell per år) säger pydantic ett
    fel per form; här visas bara det första, och formernas namn hålls borta från nyckelvägen.
    """
    rader, sedda = [], set()
    for f in e.errors():
        loc = tuple(p for p in f["loc"] if not (isinstance(p, str) and ("[" in p or "(" in p)))
        if loc in sedda:
            continue
        sedda.add(loc)
        plats, rad = _plats_och_rad(loc, data, under_rad)
        # Ett fel i hela filen (en kontroll över flera nycklar) har ingen egen rad: raden där
        # tabellen börjar vore dess första nyckel, som inte är felet.
        rad = rad if med_rader and (loc or under_rad) else None
        if under is not None:
            plats = f"{under} → {plats}" if loc else under
        rader.append(f"{kalla}{f' rad {rad}' if rad else ''}: {plats}: {_beskriv(f)}")
    return "\n".join(rader)


def validate(
    data: Any,
    model: type[M],
    kalla: str,
    med_rader: bool = True,
    under: str | None = None,
    under_rad: int | None = None,
) -> M:
    """Validera data mot en modell; fel blir `AnalysError` med `kalla` (filnamn) i texten, och
    raden i filen där felet står (se `validation_error_text`). `med_rader=False` där data har
    satts ihop ur flera filer (bas och scenario): en rad skulle då kunna peka i fel fil."""
    if not isinstance(data, dict):
        raise AnalysError(f"{kalla}: filen ska innehålla nycklar och värden (en YAML-tabell).")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise AnalysError(validation_error_text(e, kalla, data, med_rader, under, under_rad)) from None


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Läs och validera en YAML-fil i ett steg."""
    return validate(read_yaml(path), model, visningsvag(Path(path)))
