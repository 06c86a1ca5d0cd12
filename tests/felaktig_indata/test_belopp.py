"""Belopp läses likadant överallt (issue 19, punkt 8): på kommandoraden och i avtalen och
antagandena godtas 1200000, 1 200 000 och "1 200 000", men aldrig 1,200,000, 1.200.000, 1_200_000
eller en felaktig gruppering som 1 20 000. Samma läsare (`analys.begrepp.belopp_ur_text`) används
av alla; ett belopp som godtas ger exakt samma fördelning som det skrivet med bara siffror."""

from __future__ import annotations

import pytest

from analys.begrepp import belopp_ur_text
from analys.cli import main
from tests.felaktig_indata.conftest import ROT, ogonblick

AVTAL_2024 = (ROT / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8")
BAS = (ROT / "data" / "antaganden" / "bas.yaml").read_text(encoding="utf-8")

GODA = [("1200000", 1_200_000), ("1 200 000", 1_200_000), ("1\u00a0200\u00a0000", 1_200_000), ("0", 0)]
# YAML-läsarens eget, tidigare besked (understreck avvisas redan innan beloppet läses).
YAML_FEL = {
    "1_200_000": "analys: fel: avtal.yaml rad 18, kolumn 13: '1_200_000': skriv talet utan understreck, t.ex. 1200000."
}
DALIGA = ["1,200,000", "1.200.000", "1_200_000", "1 20 000", "12 00 000", "01 200", "1 200 000 kr", "1200000.0"]


def _kor(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        rc = main(list(argv))
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    ut = capsys.readouterr()
    return rc, ut.out, ut.err


@pytest.mark.parametrize(("text", "varde"), GODA)
def test_the_shared_reader_takes_digits_and_spaces_between_thousands(text, varde):
    assert belopp_ur_text(text) == varde


@pytest.mark.parametrize("text", DALIGA)
def test_the_shared_reader_refuses_commas_points_underscores_and_odd_groups(text):
    assert belopp_ur_text(text) is None


@pytest.mark.parametrize(("text", "varde"), GODA[:3])
def test_command_line_and_agreement_give_the_same_split(miljo, capsys, text, varde):
    """--belopp TEXT och ett avtal med ett belopp skrivet som TEXT ger samma fördelning, på kronan."""
    rc, fran_flagga, err = _kor(
        capsys, "fordelning", "--belopp", text, "--befolkningsdatum", "2023-06-30", "--format", "csv"
    )
    assert (rc, err) == (0, "")
    # 2024 års avtal med en enda post på beloppet: kommunerna betalar 100 %
    avtal = AVTAL_2024.replace("    belopp: 850000\n", f"    belopp: {text}\n", 1).replace(
        "  - roll: Administrativt stöd\n    tjanst: 0.25\n    belopp: 180000\n", "", 1
    )
    assert avtal != AVTAL_2024
    miljo.fil("avtal.yaml", avtal)
    rc, fran_avtal, err = _kor(capsys, "fordelning", "--avtal", "avtal.yaml", "--format", "csv")
    assert (rc, err) == (0, "")
    assert fran_avtal == fran_flagga
    assert sum(int(rad.split(",")[-1]) for rad in fran_avtal.splitlines()[1:]) == varde


def test_a_quoted_amount_in_the_agreement_reads_like_the_plain_one(miljo, capsys):
    miljo.fil("citerat.yaml", AVTAL_2024.replace("belopp: 180000", 'belopp: "180 000"', 1))
    miljo.fil("vanligt.yaml", AVTAL_2024)
    citerat = _kor(capsys, "fordelning", "--avtal", "citerat.yaml", "--format", "csv")
    vanligt = _kor(capsys, "fordelning", "--avtal", "vanligt.yaml", "--format", "csv")
    assert citerat == vanligt and citerat[0] == 0


@pytest.mark.parametrize("text", DALIGA[:5])
def test_a_bad_amount_is_refused_the_same_way_on_the_command_line_and_in_yaml(miljo, capsys, text):
    fore = ogonblick(miljo.data)
    rc, out, err = _kor(capsys, "fordelning", "--belopp", text, "--befolkningsdatum", "2024", "--format", "csv")
    assert (rc, out) == (2, "")
    assert err.strip() == (
        f"analys: fel: Ogiltigt belopp '{text}': ange hela kronor som ett heltal, t.ex. 400000 eller '1 030 000'."
    )
    miljo.fil("avtal.yaml", AVTAL_2024.replace("belopp: 180000", f"belopp: {text}", 1))
    rc, out, err = _kor(capsys, "fordelning", "--avtal", "avtal.yaml", "--format", "csv")
    assert (rc, out) == (2, "")
    assert err.strip() == YAML_FEL.get(
        text, f"analys: fel: avtal.yaml rad 18: kostnader → post 2 → belopp: ska vara ett heltal (fick '{text}')"
    )
    assert "Traceback" not in err
    assert ogonblick(miljo.data) == fore


def test_assumptions_take_the_same_forms(miljo, capsys):
    """kostnad_per_tjanst och ett års fasta kostnad med mellanslag: samma scenario som utan."""
    fore = _kor(capsys, "scenario", "--format", "csv")
    assert fore[0] == 0
    bas = miljo.data / "antaganden" / "bas.yaml"
    ny = BAS.replace("kostnad_per_tjanst: 850000", "kostnad_per_tjanst: 850 000", 1)
    ny = ny.replace("fast_kostnad: 800000", 'fast_kostnad: "800 000"', 1)
    assert ny.count("850 000") == 1 and ny.count('"800 000"') == 1
    bas.write_text(ny, encoding="utf-8")
    assert _kor(capsys, "scenario", "--format", "csv") == fore
    bas.write_text(BAS.replace("kostnad_per_tjanst: 850000", "kostnad_per_tjanst: 850,000", 1), encoding="utf-8")
    rc, out, err = _kor(capsys, "scenario", "--format", "csv")
    assert (rc, out) == (2, "")
    assert "kostnad_per_tjanst: ska vara ett heltal (fick '850,000')" in err


def test_too_many_digits_is_said_without_repeating_them(capsys):
    rc, _, err = _kor(capsys, "fordelning", "--belopp", "1" * 25, "--befolkningsdatum", "2024")
    assert rc == 2
    assert err.strip() == "analys: fel: Ogiltigt belopp: 25 siffror är orimligt många; högst 1 000 000 000 000 kr."
