from __future__ import annotations

import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analys.begrepp import Fordelningsnyckel, Nyckel
from analys.berakning.fordelning import compute_fordelning, largest_remainder
from analys.fel import AnalysError
from analys.indata.befolkning import load_befolkning
from analys.indata.underlag import read_vikter
from tests.conftest import PM_2022_TABELL_1


def test_memo_2022_table_to_the_krona():
    df = compute_fordelning(load_befolkning("20", "2020-12-31"), 400_000)
    assert dict(zip(df["kommun"], df["belopp"], strict=True)) == {k: b for k, (_, b) in PM_2022_TABELL_1.items()}
    assert df["belopp"].dtype == "int64"
    assert int(df["belopp"].sum()) == 400_000
    assert list(df.columns) == ["kommunkod", "kommun", "folkmangd", "andel", "belopp"]


def test_agreement_2024_sums_exactly_and_matches_quota():
    bef = load_befolkning("20", "2023-06-30")
    df = compute_fordelning(bef, 1_030_000)
    assert int(df["belopp"].sum()) == 1_030_000
    for r in df.itertuples():
        assert abs(r.belopp - Fraction(1_030_000 * r.folkmangd, 288_375)) < 1
    # Falun: 1 030 000 × 59 915 / 288 375 = 214 001,04 → 214 001
    assert df.set_index("kommun").loc["Falun", "belopp"] == 214_001


def test_equal_key_gives_remainder_to_lowest_codes():
    df = compute_fordelning(load_befolkning("20", 2020), 100, Fordelningsnyckel(nyckel=Nyckel.LIKA))
    # 100 / 15 = 6 rest 10: de tio lägsta koderna får 7 kr.
    assert list(df["belopp"]) == [7] * 10 + [6] * 5


def test_mixed_key_is_equal_part_plus_population_part():
    bef = load_befolkning("20", 2020)
    nyckel = Fordelningsnyckel(nyckel=Nyckel.BLANDAD, fast_andel=Decimal("0.3"))
    df = compute_fordelning(bef, 400_000, nyckel)
    assert int(df["belopp"].sum()) == 400_000
    vansbro = Fraction(120_000, 15) + Fraction(280_000 * 6801, 287_676)
    assert abs(df.set_index("kommun").loc["Vansbro", "belopp"] - vansbro) < 1
    # Fast andel 0 = ren befolkningsnyckel; 1 = lika delar.
    noll = compute_fordelning(bef, 400_000, Fordelningsnyckel(nyckel=Nyckel.BLANDAD, fast_andel=0))
    assert list(noll["belopp"]) == list(compute_fordelning(bef, 400_000)["belopp"])
    ett = compute_fordelning(bef, 400_000, Fordelningsnyckel(nyckel=Nyckel.BLANDAD, fast_andel=1))
    lika = compute_fordelning(bef, 400_000, Fordelningsnyckel(nyckel=Nyckel.LIKA))
    assert list(ett["belopp"]) == list(lika["belopp"])


def test_own_weights(tmp_path):
    bef = load_befolkning("20", 2020)
    fil = tmp_path / "vikter.csv"
    fil.write_text("kommunkod,vikt\n" + "".join(f"{k},{2 if k == '2080' else 1}\n" for k in bef["kommunkod"]))
    vikter = read_vikter(fil, list(bef["kommunkod"]))
    df = compute_fordelning(bef, 16_000, Fordelningsnyckel(nyckel=Nyckel.EGEN, vikter=vikter))
    assert df.set_index("kommunkod").loc["2080", "belopp"] == 2000
    assert (df.set_index("kommunkod").drop("2080")["belopp"] == 1000).all()


def test_semicolon_file_with_decimal_comma(tmp_path):
    bef = load_befolkning("20", 2020)
    fil = tmp_path / "vikter.csv"
    fil.write_text("kommunkod;vikt\n" + "".join(f"{k};1,5\n" for k in bef["kommunkod"]), encoding="utf-8")
    vikter = dict(read_vikter(fil, list(bef["kommunkod"])))
    assert vikter["2021"] == Decimal("1.5")


def test_leaving_a_kommun_out_spreads_its_part_over_the_others():
    bef = load_befolkning("20", "2023-06-30")
    df = compute_fordelning(bef, 1_030_000, Fordelningsnyckel(exkludera=frozenset({"2039"})))
    assert "2039" not in set(df["kommunkod"])
    assert len(df) == 14
    assert int(df["belopp"].sum()) == 1_030_000
    alla = compute_fordelning(bef, 1_030_000).set_index("kommunkod")["belopp"]
    utan = df.set_index("kommunkod")["belopp"]
    assert (utan > alla.drop("2039")).all()


def test_unknown_excluded_code_is_an_error():
    with pytest.raises(AnalysError, match="Kommunkoderna 9999 finns inte bland länets kommuner"):
        compute_fordelning(load_befolkning("20", 2020), 10, Fordelningsnyckel(exkludera=frozenset({"9999"})))


def test_everyone_excluded_is_an_error():
    bef = load_befolkning("20", 2020)
    with pytest.raises(AnalysError, match="Alla kommuner är undantagna"):
        compute_fordelning(bef, 10, Fordelningsnyckel(exkludera=frozenset(bef["kommunkod"])))


@pytest.mark.parametrize("belopp", [-1, 1.5, "100"])
def test_amount_must_be_whole_nonnegative_kronor(belopp):
    with pytest.raises(AnalysError, match="Beloppet måste vara"):
        largest_remainder(belopp, [1, 2], ["a", "b"])


def test_zero_weights_everywhere_is_an_error():
    with pytest.raises(AnalysError, match="Minst en vikt"):
        largest_remainder(10, [0, 0], ["a", "b"])


# --- egenskaper som måste gälla för varje fördelning ------------------------------------------

vikter_st = st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=60).filter(
    lambda v: sum(v) > 0
)


@given(belopp=st.integers(min_value=0, max_value=10**12), vikter=vikter_st)
def test_sum_is_exact_and_every_amount_within_one_krona_of_its_quota(belopp, vikter):
    koder = [f"{i:04d}" for i in range(len(vikter))]
    ut = largest_remainder(belopp, vikter, koder)
    assert sum(ut) == belopp
    total = sum(vikter)
    for a, w in zip(ut, vikter, strict=True):
        assert a >= 0
        assert abs(a - Fraction(belopp * w, total)) < 1


@given(
    belopp=st.integers(min_value=0, max_value=10**9),
    vikter=vikter_st,
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_order_of_the_input_rows_does_not_matter(belopp, vikter, seed):
    koder = [f"{i:04d}" for i in range(len(vikter))]
    ut = dict(zip(koder, largest_remainder(belopp, vikter, koder), strict=True))
    ordning = list(range(len(vikter)))
    random.Random(seed).shuffle(ordning)
    blandat = largest_remainder(belopp, [vikter[i] for i in ordning], [koder[i] for i in ordning])
    assert dict(zip([koder[i] for i in ordning], blandat, strict=True)) == ut


@given(
    belopp=st.integers(min_value=1, max_value=10**8),
    folk=st.lists(st.integers(min_value=1, max_value=2_000_000), min_size=2, max_size=40),
)
def test_more_population_never_pays_less(belopp, folk):
    bef = pd.DataFrame(
        {
            "kommunkod": [f"{2000 + i}" for i in range(len(folk))],
            "kommun": [f"K{i}" for i in range(len(folk))],
            "folkmangd": folk,
        }
    )
    df = compute_fordelning(bef, belopp)
    assert int(df["belopp"].sum()) == belopp
    par = sorted(zip(df["folkmangd"], df["belopp"], strict=True))
    for (p1, b1), (p2, b2) in itertools.pairwise(par):
        if p2 > p1:
            assert b2 >= b1


@settings(max_examples=50)
@given(
    belopp=st.integers(min_value=0, max_value=10**8),
    fast=st.decimals(min_value=0, max_value=1, places=3),
)
def test_mixed_key_sums_exactly_for_any_fixed_part(belopp, fast):
    bef = load_befolkning("20", 2024)
    df = compute_fordelning(bef, belopp, Fordelningsnyckel(nyckel=Nyckel.BLANDAD, fast_andel=fast))
    assert int(df["belopp"].sum()) == belopp
    assert abs(sum(df["andel"]) - 1) < 1e-9


@given(
    belopp=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8),
    vikter=st.lists(st.integers(min_value=0, max_value=3_000_000), min_size=1, max_size=30).filter(
        lambda v: sum(v) > 0
    ),
)
def test_matrix_version_equals_the_exact_one(belopp, vikter):
    import numpy as np

    from analys.berakning.fordelning import largest_remainder_matrix

    koder = [f"{i:04d}" for i in range(len(vikter))]
    ut = largest_remainder_matrix(np.array(belopp), np.array(vikter))
    for b, rad in zip(belopp, ut, strict=True):
        assert list(rad) == largest_remainder(b, vikter, koder)
