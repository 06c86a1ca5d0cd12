"""Finansieringsavtal som data (`data/avtal/<år>.yaml`), inlästa i frysta, validerade objekt."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from pydantic import Field, model_validator

from analys.fel import AnalysError
from analys.fordelning import Fordelningsnyckel, Nyckel
from analys.paths import data_dir
from analys.yamlfil import FrystModell, load_yaml_model


class Period(FrystModell):
    fran: date
    till: date

    @model_validator(mode="after")
    def _ordning(self) -> Period:
        if self.till < self.fran:
            raise ValueError(f"perioden slutar ({self.till}) före den börjar ({self.fran})")
        return self


class Kostnad(FrystModell):
    """En fast kostnadspost: en roll med tjänstgöringsgrad och årskostnad i hela kronor."""

    roll: str
    tjanst: Decimal = Field(ge=0, description="tjänstgöringsgrad (heltidsekvivalenter)")
    belopp: int = Field(ge=0, description="årskostnad för posten i kronor, inkl. OH, resor m.m.")


class Fakturering(FrystModell):
    fakturerar: str
    betalningsvillkor_dagar: int = Field(default=30, ge=0, le=365)

    def forfallodatum(self, fakturadatum: date) -> date:
        return fakturadatum + timedelta(days=self.betalningsvillkor_dagar)


class RorligaKostnader(FrystModell):
    avgift_per_deltagardag: int = Field(ge=0)
    till_pott_per_deltagardag: int = Field(ge=0)

    @model_validator(mode="after")
    def _pott_inom_avgift(self) -> RorligaKostnader:
        if self.till_pott_per_deltagardag > self.avgift_per_deltagardag:
            raise ValueError("till_pott_per_deltagardag kan inte vara större än avgiften")
        return self


class Avtal(FrystModell):
    """Ett års finansieringsavtal mellan regionen (RSS) och länets kommuner."""

    namn: str
    ar: int = Field(ge=2000, le=2100)
    lan: str = Field(default="20", pattern=r"^\d{2}$")
    kalla: str
    preliminar: bool = False
    period: Period
    kostnader: tuple[Kostnad, ...] = Field(min_length=1)
    kommunernas_andel: Decimal = Field(ge=0, le=100, description="procent av de fasta kostnaderna")
    befolkningsdatum: date
    nyckel: Nyckel = Nyckel.BEFOLKNING
    fast_andel: Decimal = Field(default=Decimal("0.3"), ge=0, le=1)
    fakturering: Fakturering
    rorliga_kostnader: RorligaKostnader | None = None
    villkor: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _hela_kronor(self) -> Avtal:
        andel = self.total_kostnad * self.kommunernas_andel / 100
        if andel != andel.to_integral_value():
            raise ValueError(
                f"kommunernas_andel {self.kommunernas_andel} % av {self.total_kostnad} kr blir "
                f"{andel} kr, inte hela kronor"
            )
        return self

    @property
    def total_kostnad(self) -> int:
        """Summan av de fasta kostnaderna i kronor."""
        return sum(k.belopp for k in self.kostnader)

    @property
    def belopp_kommuner(self) -> int:
        """Det kommunerna tillsammans betalar av de fasta kostnaderna (hela kronor)."""
        return int(self.total_kostnad * self.kommunernas_andel / 100)

    @property
    def tjanster(self) -> Decimal:
        return sum((k.tjanst for k in self.kostnader), Decimal(0))

    def fordelningsnyckel(self, exkludera: frozenset[str] = frozenset()) -> Fordelningsnyckel:
        return Fordelningsnyckel(nyckel=self.nyckel, fast_andel=self.fast_andel, exkludera=exkludera)


def avtal_dir() -> Path:
    return data_dir() / "avtal"


def find_avtal(namn: str) -> Path:
    """Avtalsfilen för ett namn: ett år (``2024`` → ``data/avtal/2024.yaml``) eller en sökväg."""
    kandidat = Path(namn)
    if kandidat.suffix in (".yaml", ".yml"):
        return kandidat
    path = avtal_dir() / f"{namn}.yaml"
    if not path.is_file():
        finns = sorted(p.stem for p in avtal_dir().glob("*.yaml"))
        raise AnalysError(
            f"Avtalet '{namn}' finns inte ({path.name} saknas i data/avtal/). "
            f"Avtal som finns: {', '.join(finns) or 'inga'}."
        )
    return path


def load_avtal(namn: str | Path) -> tuple[Avtal, Path]:
    """Läs ett avtal; returnerar avtalet och filen det kom från.

    >>> avtal, _ = load_avtal("2024")
    >>> avtal.total_kostnad, avtal.belopp_kommuner, avtal.befolkningsdatum.isoformat()
    (1030000, 1030000, '2023-06-30')
    """
    path = find_avtal(str(namn))
    return load_yaml_model(path, Avtal), path
