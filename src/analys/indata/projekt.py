"""Analys-mappens egen fil `analys.yaml`: mappens namn, länet den gäller och vem som fastställer
avtalen."""

from __future__ import annotations

from pydantic import Field

from analys.begrepp import FrystModell
from analys.indata.paths import MARKOR, projektrot
from analys.indata.yamlfil import load_yaml_model

BESLUTANDE = "Socialchefsnätverket"  # vem som fastställer avtalen, om analys.yaml inte säger annat


class Projekt(FrystModell):
    """Vad analys-mappen gäller: ett namn (t.ex. RSS Dalarna), länets kod och vem som fastställer
    avtalen (`beslutande`, standard Socialchefsnätverket)."""

    namn: str = Field(min_length=1, max_length=200)
    lan: str = Field(pattern=r"^\d{2}$")
    beslutande: str = Field(default=BESLUTANDE, min_length=1, max_length=200)


def las_projekt() -> Projekt | None:
    """`analys.yaml` i analys-mappen, eller None utanför en analys-mapp (eller om filen saknas,
    t.ex. när bara ANALYS_DATA pekar ut en datamapp)."""
    rot = projektrot()
    if rot is None or not (rot / MARKOR).is_file():
        return None
    return load_yaml_model(rot / MARKOR, Projekt)


def standard_beslutande() -> str:
    """Vem som fastställer avtalen: `beslutande` i analys-mappens `analys.yaml`, annars
    Socialchefsnätverket."""
    p = las_projekt()
    return p.beslutande if p else BESLUTANDE


def standardlan() -> str:
    """Länet i analys-mappens `analys.yaml`; Dalarna (20) utanför en analys-mapp."""
    p = las_projekt()
    return p.lan if p else "20"
