"""YAML-filer in i frysta, validerade parameterobjekt, med svenska felmeddelanden.

Ett fel nämner alltid filen och nyckeln, t.ex.
``data/avtal/2024.yaml: kostnader → post 2 → belopp: ska vara ett heltal (fick '180 tkr')``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from analys.fel import AnalysError
from analys.indata.paths import visningsvag

M = TypeVar("M", bound=BaseModel)


def _plats(loc: tuple[int | str, ...], data: Any = None) -> str:
    """Nyckelvägen som text: listposter räknas från 1 ('post 2'), tabellnycklar skrivs som de är."""
    delar = []
    for p in loc:
        if isinstance(p, int) and isinstance(data, list | tuple):
            delar.append(f"post {p + 1}")
            data = data[p] if 0 <= p < len(data) else None
        else:
            delar.append(str(p))
            data = data.get(p, data.get(str(p))) if isinstance(data, dict) else None
    return " → ".join(delar) if delar else "(hela filen)"


def _beskriv(fel: dict[str, Any]) -> str:
    typ = fel["type"]
    ctx = fel.get("ctx") or {}
    fick = fel.get("input")
    fick_text = f" (fick {fick!r})" if typ not in ("missing", "extra_forbidden") else ""
    if typ == "missing":
        return "saknas; nyckeln är obligatorisk"
    if typ == "extra_forbidden":
        return "okänd nyckel (stavfel?)"
    if typ in ("int_parsing", "int_type", "int_from_float"):
        return "ska vara ett heltal" + fick_text
    if typ in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return "ska vara ett tal" + fick_text
    if typ in ("greater_than_equal", "greater_than"):
        tecken = "minst" if typ == "greater_than_equal" else "större än"
        grans = ctx.get("ge", ctx.get("gt"))
        return f"ska vara {tecken} {grans}" + fick_text
    if typ in ("less_than_equal", "less_than"):
        tecken = "högst" if typ == "less_than_equal" else "mindre än"
        grans = ctx.get("le", ctx.get("lt"))
        return f"får vara {tecken} {grans}" + fick_text
    if typ.startswith("date") or typ.startswith("datetime"):
        return "ska vara ett datum ÅÅÅÅ-MM-DD" + fick_text
    if typ == "enum" or typ == "literal_error":
        forvantat = str(ctx.get("expected", "")).replace(" or ", " eller ")
        return f"ska vara ett av: {forvantat}" + fick_text
    if typ in ("bool_parsing", "bool_type"):
        return "ska vara true eller false" + fick_text
    if typ in ("string_type",):
        return "ska vara text" + fick_text
    if typ in ("list_type", "tuple_type"):
        return "ska vara en lista" + fick_text
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return "ska vara en tabell med nycklar" + fick_text
    if typ in ("too_short",):
        return "får inte vara tom"
    if typ in ("value_error", "assertion_error"):
        return str(fel["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"ogiltigt värde{fick_text}"


def validation_error_text(e: ValidationError, kalla: str, data: Any = None) -> str:
    """Pydantic-fel som svensk text: ett fel per rad, med filen och nyckeln."""
    rader = [f"{kalla}: {_plats(f['loc'], data)}: {_beskriv(f)}" for f in e.errors()]
    return "\n".join(rader)


def read_yaml(path: Path) -> Any:
    """Läs en YAML-fil; saknad fil eller syntaxfel blir ett svenskt fel."""
    path = Path(path)
    if not path.is_file():
        raise AnalysError(f"Filen {path} finns inte.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        var = f" rad {mark.line + 1}, kolumn {mark.column + 1}" if mark else ""
        raise AnalysError(f"{visningsvag(path)}{var}: filen är inte giltig YAML.") from None
    except UnicodeDecodeError:
        raise AnalysError(f"{visningsvag(path)}: filen är inte sparad som UTF-8.") from None


def validate(data: Any, model: type[M], kalla: str) -> M:
    """Validera data mot en modell; fel blir `AnalysError` med `kalla` (filnamn) i texten."""
    if not isinstance(data, dict):
        raise AnalysError(f"{kalla}: filen ska innehålla nycklar och värden (en YAML-tabell).")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise AnalysError(validation_error_text(e, kalla, data)) from None


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Läs och validera en YAML-fil i ett steg."""
    return validate(read_yaml(path), model, visningsvag(Path(path)))
