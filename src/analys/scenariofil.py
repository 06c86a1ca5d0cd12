"""Ett nytt scenario i `data/antaganden/scenarier.yaml`, skrivet av utforskarens "Spara som
scenario": namn, en beskrivning som byggs ur ändringarna och ändringarna själva.

Filen skrivs om som text: det som stod där (kommentarer och ordning) står kvar, och den nya posten
läggs sist. Innan något skrivs läses hela den nya filen med projektets strikta läsare och det nya
scenariot räknas in i antagandena, så en fil som inte går att läsa hamnar aldrig i data/. Sedan
sparas den förra filen som `scenarier.yaml.bak` och den nya skrivs atomiskt. Ett namn som redan
finns skrivs bara över när den som sparar har sagt ja (`skriv_over`).

Modulen ligger bland rapporterna (som `ny`, som också skriver i data/) eftersom den använder
deras atomiska skrivning och svenska talformat; läsningen är indata-lagrets.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from analys.begrepp import Antaganden
from analys.fel import AnalysError
from analys.filer import write_text_atomic
from analys.indata.antaganden import (
    _sla_ihop,
    antagandenas_platshallare,
    load_antaganden,
    read_scenarier,
    som_exempel_om_platshallare,
)
from analys.indata.paths import visningsvag
from analys.indata.yamlfil import read_yaml, validate
from analys.rapporter.format import format_kr, format_procent
from analys.rapporter.rubriker import NYCKELNAMN

MAX_NAMN = 40


class ScenarietFinns(AnalysError):
    """Namnet finns redan i scenarier.yaml och `skriv_over` var inte satt."""


def scenarionyckel(namn: str) -> str:
    """Nyckeln på kommandoraden för ett namn: små bokstäver, å/ä→a, ö→o, mellanslag→-.

    >>> scenarionyckel("Min plan")
    'min-plan'
    >>> scenarionyckel("Större bemanning 2027!")
    'storre-bemanning-2027'
    """
    text = unicodedata.normalize("NFKD", namn.strip().lower())
    text = "".join(t for t in text if not unicodedata.combining(t))
    text = re.sub(r"[^a-z0-9_-]+", "-", text).strip("-")
    return re.sub(r"-{2,}", "-", text)


def antaganden_med(andringar: dict[str, Any], bas: Path, data: dict | None = None) -> Antaganden:
    """Basfilen med ändringarna, kontrollerad: samma sammanslagning som ett scenario i filen får.
    `data` = basfilen redan läst (utforskaren läser den en gång)."""
    data = read_yaml(bas) if data is None else data
    if not isinstance(data, dict):
        raise AnalysError(f"{visningsvag(bas)}: filen ska innehålla nycklar och värden.")
    a = validate(
        _sla_ihop(data, andringar), Antaganden, f"{visningsvag(bas)} med utforskarens reglage", med_rader=False
    )
    return som_exempel_om_platshallare(a, antagandenas_platshallare(bas))


def _tal(v: Decimal | float | int) -> str:
    """Ett tal utan onödiga nollor, med decimalkomma: 0.25 → '0,25', 1.0 → '1'."""
    d = Decimal(str(v)).normalize()
    text = format(d, "f")
    return text.replace(".", ",").replace("-", "−")


def beskrivning(grund: Antaganden, ny: Antaganden, utgar_fran: str | None = None) -> str:
    """Beskrivningen av ett scenario ur dess värden jämfört med basantagandena.

    Varje ändrat värde blir en del, t.ex. "+0,25 tjänst per ny Yrkesresa"; utan ändringar
    "Som basantagandena".
    """
    delar = [*_bemanning_och_index(grund, ny), *_roller_och_resor(grund, ny)]
    if ny.nyckel != grund.nyckel or ny.nyckel_per_ar != grund.nyckel_per_ar:
        delar.append(_nyckeltext(ny, utgar_fran))
    if ny.samverkan != grund.samverkan:
        besparing = format_procent(ny.samverkan.besparing, 0)
        delar.append(f"samverkan: de fasta kostnaderna {besparing} lägre från {ny.samverkan.fran_ar}")
    if not delar:
        return "Som basantagandena" + (f" (scenariot {utgar_fran})" if utgar_fran else "")
    text = "; ".join(delar)
    return text[0].upper() + text[1:]


def _bemanning_och_index(grund: Antaganden, ny: Antaganden) -> list[str]:
    delar = []
    if ny.bemanning.per_resa != grund.bemanning.per_resa:
        delar.append(f"+{_tal(ny.bemanning.per_resa)} tjänst per ny Yrkesresa")
    if ny.indexering != grund.indexering:
        if isinstance(ny.indexering, Decimal):
            delar.append(f"indexering {format_procent(ny.indexering, 1)} per år")
        else:
            delar.append(
                "indexering per år: "
                + ", ".join(f"{format_procent(v, 1)} från {a}" for a, v in sorted(ny.indexering.items()))
            )
    return delar


def _roller_och_resor(grund: Antaganden, ny: Antaganden) -> list[str]:
    delar = []
    grundroller = {r.id: r for r in grund.roller}
    for r in ny.roller:
        g = grundroller.get(r.id)
        if g is None or g.kostnad_per_tjanst != r.kostnad_per_tjanst:
            delar.append(f"{r.namn}: {format_kr(r.kostnad_per_tjanst)} per tjänst")
    grundresor = {r.nr: r for r in grund.yrkesresor}
    for r in ny.yrkesresor:
        g = grundresor.get(r.nr)
        if g is None or g.start != r.start:
            fore = f" i stället för {g.start}" if g else ""
            delar.append(f"Yrkesresa {r.nr} lanseras {r.start}{fore}")
    return delar


def _nyckeltext(ny: Antaganden, utgar_fran: str | None) -> str:
    nycklar = {ny.nyckel_ar(a).model_dump_json() for a in [ny.basar, *ny.nyckel_per_ar]}
    if len(nycklar) > 1:
        return "fördelningsnyckel som i scenariot" + (f" {utgar_fran}" if utgar_fran else "")
    n = ny.nyckel
    text = NYCKELNAMN[n.nyckel.value]
    if n.nyckel.value == "blandad":
        text += f" ({format_procent(n.fast_andel, 0)} lika)"
    return f"fördelning {text}"


# --- YAML som text ---------------------------------------------------------------------------------


def _skalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal | float):
        text = format(Decimal(str(v)), "f")
        return text if "." in text else text + ".0"
    return json.dumps(str(v), ensure_ascii=False)


def _nyckel(k: Any) -> str:
    if isinstance(k, int) and not isinstance(k, bool):
        return str(k)
    k = str(k)
    return k if re.fullmatch(r"[a-z_][a-z0-9_]*", k) and k not in ("true", "false", "null") else json.dumps(k)


def _yaml(v: Any, indrag: int) -> list[str]:
    """Värdet som YAML-rader (blockstil) med `indrag` mellanslag."""
    sp = " " * indrag
    rader: list[str] = []
    if isinstance(v, dict):
        if not v:
            return [sp + "{}"]
        for k, x in v.items():
            if isinstance(x, dict | list | tuple) and x:
                rader.append(f"{sp}{_nyckel(k)}:")
                rader.extend(_yaml(x, indrag + 2))
            else:
                rader.append(f"{sp}{_nyckel(k)}: {_yaml(x, 0)[0].strip()}")
        return rader
    if isinstance(v, list | tuple):
        if not v:
            return [sp + "[]"]
        for x in v:
            inre = _yaml(x, indrag + 2)
            rader.append(f"{sp}- {inre[0].strip()}")
            rader.extend(inre[1:])
        return rader
    return [sp + _skalar(v)]


def yamlpost(nyckel: str, namn: str, beskrivning: str, andringar: dict[str, Any]) -> str:
    """Scenariot som en post i scenarier.yaml.

    >>> andr = {"bemanning": {"per_resa": Decimal("0.25")}}
    >>> print(yamlpost("min-plan", "Min plan", "+0,25 tjänst per ny Yrkesresa", andr), end="")
    min-plan:
      namn: "Min plan"
      beskrivning: "+0,25 tjänst per ny Yrkesresa"
      andringar:
        bemanning:
          per_resa: 0.25
    """
    rader = [f"{nyckel}:", f"  namn: {_skalar(namn)}", f"  beskrivning: {_skalar(beskrivning)}"]
    if andringar:
        rader.append("  andringar:")
        rader.extend(_yaml(andringar, 4))
    else:
        rader.append("  andringar: {}")
    return "\n".join(rader) + "\n"


def _utan_post(text: str, nyckel: str) -> str:
    """Texten utan den översta posten `nyckel:` (till nästa post; kommentarer direkt före nästa
    post hör till den och står kvar)."""
    rader = text.splitlines(keepends=True)
    start = next((i for i, r in enumerate(rader) if re.match(rf"{re.escape(nyckel)}\s*:", r)), None)
    if start is None:
        return text
    slut = len(rader)
    for i in range(start + 1, len(rader)):
        if rader[i][:1] not in ("", " ", "\t", "\n", "\r", "#"):
            slut = i
            break
    while slut > start + 1 and rader[slut - 1].startswith("#"):
        slut -= 1
    return "".join(rader[:start] + rader[slut:])


def spara(
    scenariofil: Path,
    basfil: Path,
    namn: str,
    andringar: dict[str, Any],
    beskrivningstext: str,
    skriv_over: bool = False,
) -> str:
    """Lägg scenariot `namn` (med nyckeln ur namnet) sist i scenariofilen; returnerar nyckeln.

    Ett fel (tomt eller för långt namn, ett namn som finns, en fil som inte går att läsa) ger ett
    svenskt fel och lämnar filen orörd."""
    namn = " ".join(namn.split())
    if not namn:
        raise AnalysError("Ge scenariot ett namn, t.ex. Min plan.")
    if len(namn) > MAX_NAMN:
        raise AnalysError(f"Namnet är {len(namn)} tecken; ett scenarionamn får vara högst {MAX_NAMN}.")
    nyckel = scenarionyckel(namn)
    if not nyckel:
        raise AnalysError(f"Namnet '{namn}' ger ingen nyckel; använd bokstäver eller siffror.")
    scenariofil = Path(scenariofil)
    fore = scenariofil.read_text(encoding="utf-8-sig") if scenariofil.exists() else ""
    befintliga = read_scenarier(scenariofil) if scenariofil.exists() else {}
    if nyckel == "bas":
        raise AnalysError("Namnet Bas är scenariot som allt jämförs med; välj ett annat namn.")
    if nyckel in befintliga and not skriv_over:
        raise ScenarietFinns(
            f"Scenariot '{nyckel}' ({befintliga[nyckel].namn}) finns redan i {visningsvag(scenariofil)}; "
            "välj ett annat namn eller skriv över det."
        )
    text = _utan_post(fore, nyckel) if nyckel in befintliga else fore
    if text and not text.endswith("\n"):
        text += "\n"
    text += ("\n" if text.strip() else "") + yamlpost(nyckel, namn, beskrivningstext, andringar)
    # Hela den nya filen läses med projektets läsare och scenariot räknas in i antagandena innan
    # något skrivs i data/.
    fd, kontroll = tempfile.mkstemp(prefix=f".{scenariofil.name}.", suffix=".kontroll", dir=scenariofil.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        try:
            nya = read_scenarier(Path(kontroll))
            load_antaganden(nyckel, basfil, Path(kontroll))
        except AnalysError as e:
            raise AnalysError(f"Scenariot sparades inte; den nya filen gick inte att läsa: {e}") from None
        if list(nya) != [*(k for k in befintliga if k != nyckel), nyckel] and nyckel not in befintliga:
            raise AnalysError("Scenariot sparades inte; den nya filen fick inte samma scenarier som förut.")
    finally:
        Path(kontroll).unlink(missing_ok=True)
    if scenariofil.exists():
        write_text_atomic(scenariofil.with_name(scenariofil.name + ".bak"), fore)
    write_text_atomic(scenariofil, text)
    return nyckel
