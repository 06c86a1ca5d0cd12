"""Rapportfilen `data/rapporter.yaml`: vilka rapporter `analys rapport` kör, från vilken notebook
och med vilka parametrar. Filen kontrolleras innan något körs: en notebook som inte finns, en
parameter som körningen själv sätter, en fil som inte finns eller ett namn som står två gånger ger
ett svenskt fel.

En sökväg bland parametrarna räknas från analys-mappen (mappen med `data/`), var man än står när man
kör `analys rapport`: rapporterna körs i analys-mappen. Regeln finns i `parametervag`."""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analys.fel import AnalysError
from analys.indata.befolkning import load_kommuner
from analys.indata.paths import data_dir, notebook_dir, visningsvag
from analys.indata.rapportfil import Rapportpost, read_rapportfil

RESERVERADE = ("ut_dir", "rapportnamn")  # sätts av körningen, aldrig av rapportfilen
VAGPARAMETRAR = ("avtal", "underlag", "antaganden")  # parametrar som kan vara en fil eller mapp


@dataclass(frozen=True)
class Korning:
    namn: str
    notebook: Path
    parametrar: dict[str, Any]


def analysmapp() -> Path:
    """Mappen som rapporterna körs i, och som rapportfilens sökvägar räknas från: datamappens förälder."""
    return data_dir().resolve().parent


def slug(text: str) -> str:
    """Filnamnsvänligt namn: 'Malung-Sälen' → 'malung-salen'.

    >>> slug("Älvdalen"), slug("Malung-Sälen")
    ('alvdalen', 'malung-salen')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def notebook_parameters(path: Path) -> list[str]:
    """Namnen som notebookens cell med taggen `parameters` tilldelar."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            kod = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            return [
                t.id
                for n in ast.parse(kod).body
                if isinstance(n, ast.Assign)
                for t in n.targets
                if isinstance(t, ast.Name)
            ]
    raise AnalysError(f"{visningsvag(path)} saknar en cell med taggen 'parameters'.")


def _notebookvarden(parametrar: dict[str, Any]) -> dict[str, Any]:
    """Parametrarna som vanliga Python-värden för notebookens parametercell (exakta decimaltal
    som text, datum som ÅÅÅÅ-MM-DD)."""
    from datetime import date
    from decimal import Decimal

    def om(v: Any) -> Any:
        if isinstance(v, Decimal):
            return float(v) if v == v.normalize() and abs(v) < 10**15 else str(v)
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, dict):
            return {k: om(x) for k, x in v.items()}
        if isinstance(v, list):
            return [om(x) for x in v]
        return v

    return {k: om(v) for k, v in parametrar.items()}


def parametervag(namn: str, varde: Any, rot: Path) -> Path | None:
    """Filen eller mappen som en parameter i rapportfilen pekar på, räknad från analys-mappen `rot`;
    None om parametern inte är en sökväg (t.ex. `avtal: "2024"`, ett år).

    >>> parametervag("avtal", "2024", Path("/a")), parametervag("avtal", "utkast/avtal-2027.yaml", Path("/a"))
    (None, PosixPath('/a/utkast/avtal-2027.yaml'))
    """
    if namn not in VAGPARAMETRAR or not isinstance(varde, str) or not varde:
        return None
    p = Path(varde)
    if namn == "avtal" and p.suffix not in (".yaml", ".yml") and "/" not in varde:
        return None
    return p if p.is_absolute() else rot / p


def _kontrollera_vagar(post: Rapportpost, rot: Path, fil: str) -> None:
    for namn, varde in post.parametrar.items():
        p = parametervag(namn, varde, rot)
        if p is not None and not p.exists():
            raise AnalysError(
                f"{fil}: {post.namn}: parametern {namn}: {varde} finns inte. En relativ sökväg i rapportfilen "
                f"räknas från analys-mappen ({rot.name}/), så filen ska ligga i {rot.name}/{varde}."
            )


def load_korningar(path: Path | None = None) -> list[Korning]:
    """Körningarna i rapportfilen, med `for_varje_kommun` utvecklat till en körning per kommun."""
    path = Path(path) if path else data_dir() / "rapporter.yaml"
    fil = read_rapportfil(path)
    korningar: list[Korning] = []
    for post in fil.rapporter:
        nb = notebook_dir() / post.notebook
        if not nb.is_file():
            raise AnalysError(f"{visningsvag(path)}: {post.namn}: notebooken {post.notebook} finns inte i notebooks/.")
        if nb.resolve().parent != notebook_dir().resolve():
            raise AnalysError(f"{visningsvag(path)}: {post.namn}: notebooken {post.notebook} ligger inte i notebooks/.")
        _kontrollera_vagar(post, analysmapp(), visningsvag(path))
        reserverade = sorted(set(post.parametrar) & set(RESERVERADE))
        if reserverade:
            raise AnalysError(
                f"{visningsvag(path)}: {post.namn}: parametern {', '.join(reserverade)} sätts av analys rapport "
                "(rapporterna skrivs alltid i reports/); ta bort den ur rapportfilen."
            )
        if post.for_varje_kommun:
            kommuner = load_kommuner()
            lan = kommuner[kommuner["lanskod"] == post.for_varje_kommun]
            if lan.empty:
                raise AnalysError(f"{visningsvag(path)}: {post.namn}: okänd länskod '{post.for_varje_kommun}'.")
            for kod, kommun in zip(lan["kommunkod"], lan["kommun"], strict=True):
                parametrar = {**_notebookvarden(post.parametrar), "kommunkod": kod}
                korningar.append(Korning(f"{post.namn}-{slug(kommun)}", nb, parametrar))
        else:
            korningar.append(Korning(post.namn, nb, _notebookvarden(post.parametrar)))
    namn = [k.namn for k in korningar]
    dubbel = sorted({n for n in namn if namn.count(n) > 1})
    if dubbel:
        raise AnalysError(f"{visningsvag(path)}: rapportnamnet {', '.join(dubbel)} förekommer mer än en gång.")
    return korningar
