"""Flödet lämnar frysta resultat: allt är inläst och uträknat när `berakna` returnerar, så att
rapporterna bara presenterar och ingenting läses om när ett resultat visas."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from analys.flode import faktura, fordelning, scenarier, uppfoljning
from analys.rapporter import faktura as rfak
from analys.rapporter import fordelning as rf
from analys.rapporter import kallor, kommunblad
from analys.rapporter import scenarier as rs
from analys.rapporter import uppfoljning as ru

EXEMPEL = "data/exempel/uppfoljning-2024"


@pytest.fixture
def inga_filer(monkeypatch):
    """Efter beräkningen: att öppna en fil i analys-mappen för läsning är ett fel (att skriva
    utdata går bra, och bibliotekens egna filer får läsas)."""
    import builtins
    import io
    import os
    from pathlib import Path

    rot = Path(__file__).resolve().parents[1]
    oppna = builtins.open

    def vaktad(fil, mode="r", *a, **k):
        if isinstance(fil, str | os.PathLike) and not set(str(mode)) & set("wax+"):
            p = Path(fil).resolve()
            if p.is_relative_to(rot) and ".venv" not in p.parts:
                raise AssertionError(f"{p.relative_to(rot)} lästes när ett resultat visades")
        return oppna(fil, mode, *a, **k)

    def stang():
        monkeypatch.setattr(builtins, "open", vaktad)
        monkeypatch.setattr(io, "open", vaktad)

    return stang


def test_the_guard_catches_a_read(inga_filer):
    from analys.indata.avtal import load_avtal

    inga_filer()
    with pytest.raises(AssertionError, match="lästes när ett resultat visades"):
        load_avtal("2024")


def test_results_are_frozen():
    s = scenarier.berakna(["bas"], 2024, 2025)
    f = fordelning.berakna(avtal="2024")
    for r in (s, f):
        assert dataclasses.is_dataclass(r)
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.df = None  # type: ignore[misc]


def test_showing_a_scenario_result_reads_no_file(inga_filer, tmp_path):
    s = scenarier.berakna(["bas", "okning"], 2024, 2030)
    inga_filer()
    assert s.bas.lan == "20" and not s.pahittat and s.basnamn == "Bas"
    assert rs.titel(s).startswith("Scenarier 2024–2030")
    assert "Bas" in rs.describe_scenarier(s) and "<table" in rs.html_fast_per_ar(s)
    k = kallor.scenario_kallor(s, {"scenarier": ["bas", "okning"], "mc_fro": None}, "analys rapport --bara x")
    tekn = dict(k.tekniska)
    assert tekn["Antaganden"].startswith("data/antaganden/bas.yaml (SHA-256 ")
    assert tekn["Parametrar"] == "scenarier bas, okning"  # på svenska, ingen Python; None utelämnas
    assert tekn["Gör om med"] == "analys rapport --bara x"
    assert " kl. " in tekn["Skapad"] and "(svensk tid)" in tekn["Skapad"]
    rs.write_scenario_workbook(s, k, tmp_path / "s.xlsx", 2030)
    assert "Falun" in kommunblad.describe_kommun(s, "2080")


def test_showing_a_split_a_follow_up_and_invoices_reads_no_file(inga_filer, tmp_path):
    f = fordelning.berakna(avtal="2024")
    u = uppfoljning.berakna("2024", EXEMPEL)
    fk = faktura.berakna("2024", date(2024, 2, 15))
    inga_filer()
    assert "214 001 kr" in rf.to_tabell(f).replace("\xa0", " ")
    rf.write_fordelning_xlsx(f, tmp_path / "f.xlsx")
    assert ru.titel(u).startswith("Uppföljning") and "<table" in ru.html_tables(u)[2]
    ru.write_workbook(u, kallor.uppfoljning_kallor(u), tmp_path / "u.xlsx")
    assert "Summa (enligt avtal)" in rfak.to_tabell(fk.df, fk.avtal, summa=rfak.summaetikett(fk))


def test_the_previous_year_comparison_says_where_it_comes_from():
    j = fordelning.jamforelse(fordelning.berakna(avtal="2024"))
    assert j.ar_fore == 2023 and j.slag_fore == "beräknat" and j.df is not None
    text = rf.jamforelse_text(j).replace("\xa0", " ")
    assert text.startswith("Jämfört med 2023, som inte har något avtal: beräknat belopp för kommunerna ")
    ingen = fordelning.jamforelse(fordelning.berakna(belopp=1000, befolkningsdatum="2020"))
    assert ingen.df is None and rf.jamforelse_text(ingen) == ""


def test_the_scenario_period_is_checked_before_anything_is_computed():
    from analys.fel import AnalysError

    with pytest.raises(AnalysError, match=r"--till \(2020\) ligger före --fran \(2030\)"):
        scenarier.berakna(["bas"], 2030, 2020)


def test_a_proposal_is_never_invoiced_even_through_the_flow(tmp_path):
    from analys.fel import AnalysError

    text = (Path(__file__).resolve().parents[1] / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8")
    forslag = tmp_path / "forslag.yaml"
    forslag.write_text(text + "status: förslag\n", encoding="utf-8")
    with pytest.raises(AnalysError, match=r"är ett förslag .* och faktureras inte"):
        faktura.berakna(str(forslag), date(2024, 2, 15))
