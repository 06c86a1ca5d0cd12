"""Rapportfilen `data/rapporter.yaml` som data: posternas form (namn, notebook, parametrar), den
kontrollerade läsningen, och en ny post tillagd sist i filens text med filens kommentarer kvar.
Körningen (`analys.korning.rapportfil`) gör körningar av posterna; här finns bara filen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import Field

from analys.begrepp import FrystModell
from analys.fel import AnalysError
from analys.indata.paths import data_dir, visningsvag
from analys.indata.yamlfil import parse_yaml, read_yaml, validate


class Rapportpost(FrystModell):
    namn: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")
    notebook: str = Field(pattern=r"^[A-Za-z0-9_-]+\.ipynb$", description="en notebook i notebooks/, bara filnamnet")
    parametrar: dict[str, Any] = Field(default_factory=dict)
    for_varje_kommun: str | None = Field(default=None, pattern=r"^\d{2}$")


class Rapportfil(FrystModell):
    rapporter: tuple[Rapportpost, ...] = Field(min_length=1, strict=False)


def rapportfil_vag() -> Path:
    """Analys-mappens rapportfil, data/rapporter.yaml."""
    return data_dir() / "rapporter.yaml"


def read_rapportfil(path: Path | None = None) -> Rapportfil:
    """Rapportfilen, kontrollerad (okända nycklar, fel form och dubbla nycklar ger ett svenskt fel)."""
    path = Path(path) if path else rapportfil_vag()
    return validate(read_yaml(path), Rapportfil, visningsvag(path))


def _yamlvarde(v: Any) -> str:
    """Ett parametervärde i rapportfilens flödesstil: text inom citattecken, tal och sanningsvärden som de är."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    text = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _postrader(post: Rapportpost, indrag: str, kommentar: str = "") -> list[str]:
    rader = [f"{indrag}# {kommentar}"] if kommentar else []
    rader += [f"{indrag}- namn: {post.namn}", f"{indrag}  notebook: {post.notebook}"]
    if post.parametrar:
        par = ", ".join(f"{k}: {_yamlvarde(v)}" for k, v in post.parametrar.items())
        rader.append(f"{indrag}  parametrar: {{{par}}}")
    return rader


def ny_rapportfil(post: Rapportpost, kalla: str) -> str:
    """En ny rapportfil med en enda rapport, kontrollerad med den stränga läsaren."""
    text = "# Rapporterna som `analys rapport` skapar i reports/<namn>/.\nrapporter:\n"
    text += "\n".join(_postrader(post, "  ")) + "\n"
    validate(parse_yaml(text, kalla), Rapportfil, kalla)
    return text


def rapportfil_med(text: str, post: Rapportpost, kalla: str, kommentar: str = "") -> str:
    """Rapportfilens text med `post` tillagd sist i listan `rapporter`, i samma indragning som de
    andra posterna; allt som stod i filen (kommentarer, ordning) står kvar. Den nya texten läses
    tillbaka med den stränga läsaren och ska ge filens poster plus den nya; annars ett fel."""
    fore = validate(parse_yaml(text, kalla), Rapportfil, kalla)
    m = re.search(r"(?m)^( *)- +namn:", text)
    if m is None or not re.search(r"(?m)^rapporter:\s*$", text):
        raise AnalysError(
            f"{kalla}: rapporterna står inte som en lista med en post per rad (- namn: …); lägg till "
            f"rapporten {post.namn} för hand."
        )
    rader = ["", *_postrader(post, m.group(1), kommentar)]
    ny = text.rstrip("\n") + "\n" + "\n".join(rader) + "\n"
    efter = validate(parse_yaml(ny, kalla), Rapportfil, kalla)
    if [p.namn for p in efter.rapporter] != [*(p.namn for p in fore.rapporter), post.namn]:
        raise AnalysError(f"{kalla}: rapporten {post.namn} gick inte att lägga till sist; lägg till den för hand.")
    return ny
