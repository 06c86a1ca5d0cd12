"""Antagandena för kostnadsmodellen (`data/antaganden/bas.yaml`) och scenarierna som ändrar dem
(`data/antaganden/scenarier.yaml`), inlästa och kontrollerade.

Ett scenario är en namngiven uppsättning ändringar av basen: samma nycklar som i `bas.yaml`,
bara de som ändras. Tabeller slås ihop nyckel för nyckel; listor och tal ersätts.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from analys.begrepp import Antaganden, Scenario
from analys.fel import AnalysError
from analys.indata import platshallare
from analys.indata.paths import data_dir, resolve, visningsvag
from analys.indata.scenariobeskrivning import beskriv, motsagelser
from analys.indata.yamlfil import read_yaml, validate


def antaganden_dir() -> Path:
    return data_dir() / "antaganden"


def _sla_ihop(bas: dict[str, Any], andring: dict[str, Any]) -> dict[str, Any]:
    """Scenariots ändringar ovanpå basen: tabeller nyckel för nyckel, allt annat ersätts."""
    ut = copy.deepcopy(bas)
    for k, v in andring.items():
        if isinstance(v, dict) and isinstance(ut.get(k), dict):
            ut[k] = _sla_ihop(ut[k], v)
        else:
            ut[k] = copy.deepcopy(v)
    return ut


def standardfiler(antaganden: str | Path | None = None, scenarier: str | Path | None = None) -> tuple[Path, Path]:
    """Antagandefilen (standard data/antaganden/bas.yaml i analys-mappen) och scenariofilen
    (standard scenarier.yaml bredvid antagandefilen): det enda stället som räknar ut dem."""
    bas = resolve(antaganden) if antaganden else antaganden_dir() / "bas.yaml"
    return bas, resolve(scenarier) if scenarier else bas.parent / "scenarier.yaml"


def read_scenarier(path: Path | None = None) -> dict[str, Scenario]:
    """Scenarierna i `scenarier.yaml`, i filens ordning."""
    path = Path(path) if path else standardfiler()[1]
    data = read_yaml(path)
    if not isinstance(data, dict) or not data:
        raise AnalysError(f"{visningsvag(path)}: filen ska innehålla minst ett scenario (namn: ...).")
    ut = {}
    for namn, post in data.items():
        if not re.fullmatch(r"[a-z0-9_-]+", str(namn)):
            raise AnalysError(f"{visningsvag(path)}: scenarionamnet '{namn}' får bara innehålla a–z, 0–9, - och _.")
        if not isinstance(post, dict):
            rad = _rad(data, namn)
            raise AnalysError(
                f"{visningsvag(path)}{f' rad {rad}' if rad else ''}: {namn}: ett scenario ska vara en tabell med "
                f"namn, beskrivning och andringar (fick {post!r})."
            )
        sc = validate(post, Scenario, visningsvag(path), under=str(namn), under_rad=_rad(data, namn))
        ut[str(namn)] = _med_beskrivning(sc, str(namn), path, _rad(post, "beskrivning"))
    return ut


def _rad(tabell: dict, nyckel: Any) -> int | None:
    """Raden där nyckeln står i YAML-filen, om tabellen minns den (`yamlfil.Tabell`)."""
    return getattr(tabell, "rader", {}).get(nyckel)


def _med_beskrivning(sc: Scenario, namn: str, path: Path, rad: int | None = None) -> Scenario:
    """Scenariot med en beskrivning: byggd ur ändringarna om filen inte har någon; en skriven
    beskrivning vars tal motsäger ändringarna är ett fel."""
    if sc.beskrivning is None:
        return sc.model_copy(update={"beskrivning": beskriv(sc.andringar)})
    if fel := motsagelser(sc.beskrivning, sc.andringar):
        raise AnalysError(
            f"{visningsvag(path)}{f' rad {rad}' if rad else ''}: {namn} → beskrivning: {'; '.join(fel)}. "
            f"Rätta beskrivningen, eller ta bort den så byggs den ur ändringarna ({beskriv(sc.andringar)})."
        )
    return sc


def antagandenas_platshallare(
    antaganden: Path, scenarier: Path | None = None, scenario: str | None = None
) -> tuple[platshallare.Platshallare, ...]:
    """Platshållarna som ett scenarios antaganden bygger på: allt i basfilen och, i scenariofilen,
    det som står under scenariot."""
    ut = platshallare.hitta(antaganden)
    if scenarier is not None and scenario is not None:
        ut += platshallare.under(platshallare.hitta(scenarier), scenario)
    return ut


def som_exempel_om_platshallare(a: Antaganden, platser: tuple[platshallare.Platshallare, ...]) -> Antaganden:
    """Antaganden med platshållare kvar räknas som påhittade, vad `exempel:` än säger."""
    return a.model_copy(update={"exempel": True}) if platser and not a.exempel else a


def load_antaganden(scenario: str = "bas", antaganden: Path | None = None, scenarier: Path | None = None) -> Antaganden:
    """Antagandena för ett scenario: basfilen med scenariots ändringar. Med platshållare kvar
    (se `indata.platshallare`) räknas de som ett påhittat exempel.

    >>> a = load_antaganden("bas")
    >>> a.basar, a.lan, a.finansiering_ar(2030).kommuner
    (2024, '20', Decimal('100'))
    """
    bas_path, scen_path = standardfiler(antaganden, scenarier)
    bas = read_yaml(bas_path)
    if not isinstance(bas, dict):
        raise AnalysError(f"{visningsvag(bas_path)}: filen ska innehålla nycklar och värden.")
    if scenario == "bas" and not scen_path.exists():
        a = validate(bas, Antaganden, visningsvag(bas_path))
        return som_exempel_om_platshallare(a, antagandenas_platshallare(bas_path))
    alla = read_scenarier(scen_path)
    if scenario not in alla:
        raise AnalysError(
            f"Scenariot '{scenario}' finns inte i {visningsvag(scen_path)}. Scenarier som finns: {', '.join(alla)}."
        )
    data = _sla_ihop(bas, alla[scenario].andringar)
    kalla = visningsvag(bas_path)
    if alla[scenario].andringar:
        kalla += f" med scenariot {scenario} ur {visningsvag(scen_path)}"
    a = validate(data, Antaganden, kalla, med_rader=not alla[scenario].andringar)
    return som_exempel_om_platshallare(a, antagandenas_platshallare(bas_path, scen_path, scenario))
