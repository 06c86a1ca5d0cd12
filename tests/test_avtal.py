from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from analys.fel import AnalysError
from analys.indata.avtal import load_avtal

GILTIGT = """\
namn: Testavtal
ar: 2024
kalla: test
period: {fran: 2024-01-01, till: 2024-12-31}
kostnader:
  - {roll: Samordnare, tjanst: 1.0, belopp: 850000}
  - {roll: Admin, tjanst: 0.25, belopp: 180000}
kommunernas_andel: 100
befolkningsdatum: 2023-06-30
fakturering: {fakturerar: Region Dalarna, betalningsvillkor_dagar: 30}
"""


def test_agreement_2022_is_the_memo():
    avtal, path = load_avtal("2022")
    assert path.name == "2022.yaml"
    assert avtal.total_kostnad == 800_000
    assert avtal.kommunernas_andel == 50
    assert avtal.belopp_kommuner == 400_000
    assert avtal.befolkningsdatum == date(2020, 12, 31)
    assert avtal.lan == "20"


def test_agreement_2024():
    avtal, _ = load_avtal("2024")
    assert [(k.tjanst, k.belopp) for k in avtal.kostnader] == [
        (Decimal("1.0"), 850_000),
        (Decimal("0.25"), 180_000),
    ]
    assert avtal.belopp_kommuner == 1_030_000
    assert avtal.befolkningsdatum == date(2023, 6, 30)
    from analys.berakning.faktura import forfallodatum

    # +30 dagar är lördag 16 mars; förfallodagen flyttas till nästa bankdag, måndag 18 mars.
    assert forfallodatum(avtal, date(2024, 2, 15)) == date(2024, 3, 18)
    assert avtal.rorliga_kostnader.avgift_per_deltagardag == 850
    assert avtal.rorliga_kostnader.till_pott_per_deltagardag == 400
    assert avtal.period.fran == date(2024, 1, 1) and avtal.period.till == date(2024, 12, 31)


def test_agreements_are_frozen():
    avtal, _ = load_avtal("2024")
    with pytest.raises(Exception):  # noqa: B017 - pydantic ValidationError vid försök att ändra
        avtal.ar = 2025


def skriv(tmp_path, text):
    fil = tmp_path / "avtal.yaml"
    fil.write_text(text, encoding="utf-8")
    return fil


def test_valid_file_from_anywhere(tmp_path):
    avtal, _ = load_avtal(skriv(tmp_path, GILTIGT))
    assert avtal.belopp_kommuner == 1_030_000


@pytest.mark.parametrize(
    ("andring", "meddelande"),
    [
        (
            ("kommunernas_andel: 100", "kommunernas_andel: 100\nokand_nyckel: 1"),
            "okand_nyckel: okänd nyckel",
        ),
        (
            ("befolkningsdatum: 2023-06-30\n", ""),
            "befolkningsdatum: saknas; nyckeln är obligatorisk",
        ),
        (("belopp: 180000", "belopp: 180 tkr"), "kostnader → post 2 → belopp: ska vara ett heltal"),
        (("belopp: 180000", "belopp: -5"), "kostnader → post 2 → belopp: ska vara minst 0"),
        (
            ("kommunernas_andel: 100", "kommunernas_andel: 120"),
            "kommunernas_andel: får vara högst 100",
        ),
        (("till: 2024-12-31", "till: 2023-12-31"), "period: perioden slutar (2023-12-31) före"),
        (("kommunernas_andel: 100", "kommunernas_andel: 33.333"), "inte hela kronor"),
        (
            ("befolkningsdatum: 2023-06-30", "befolkningsdatum: juni 2023"),
            "befolkningsdatum: ska vara ett datum",
        ),
    ],
)
def test_bad_agreement_names_file_and_key(tmp_path, andring, meddelande):
    gammal, ny = andring
    assert gammal in GILTIGT
    fil = skriv(tmp_path, GILTIGT.replace(gammal, ny))
    with pytest.raises(AnalysError) as e:
        load_avtal(fil)
    assert "avtal.yaml" in str(e.value)
    assert meddelande in str(e.value)


def test_yaml_syntax_error_names_line(tmp_path):
    fil = skriv(tmp_path, GILTIGT + "kostnader: [\n")
    with pytest.raises(AnalysError, match=r"avtal.yaml rad \d+, kolumn \d+: filen är inte giltig YAML"):
        load_avtal(fil)


def test_unknown_agreement_lists_those_that_exist():
    with pytest.raises(AnalysError, match=r"Avtalet '2031' finns inte .* Avtal som finns: 2022, 2024\."):
        load_avtal("2031")
