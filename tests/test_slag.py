"""Summor som blandar slag av tal: en summa får lägga ihop tal enligt avtal, utfall och beräknade
bara när delarna står bredvid, var och en med sitt slag, och summans rubrik säger blandningen
("Netto (avtal + beräknat)"). Testerna letar upp varje summa i de renderade rapporterna (HTML och
arbetsböcker) och kontrollerar dess rubrik; kommandoradens utdata kontrolleras för sig."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

SLAG = ("enligt avtal", "utfall", "beräknat", "förslag")
# "a + b" är en summa av två slag, "a → b" en förändring från det ena till det andra.
BLANDNING = re.compile(r"\((avtal|utfall|beräknat|förslag)( (\+|→) (avtal|utfall|beräknat|förslag))+\)")
# Rubriker som alltid är summor av delar: de måste säga sitt slag eller sin blandning.
SAMMANSATTA = ("Netto", "Intäkter", "Resultat", "Återstår", "Överskott", "Underskott")


def _har_slag(text: str) -> bool:
    return any(f"({s})" in text for s in SLAG) or bool(BLANDNING.search(text))


def _rubrikrad(ws) -> int | None:
    for r in range(1, 12):
        if ws.cell(row=r, column=1).value in ("Kommunkod", "År", "Scenario", "Post", "Kostnadspost"):
            return r
    return None


def test_the_rule_catches_a_mixed_sum():
    """Kontrollen kan slå fel: en rubrik utan slag och en summa över avtal och beräknat."""
    assert not _har_slag("Netto") and _har_slag("Netto (avtal + beräknat)") and _har_slag("Fast kostnad (utfall)")
    assert BLANDNING.search("Intäkter (avtal + utfall)") and not BLANDNING.search("Intäkter (avtal)")


def test_every_workbook_total_names_its_kind_or_mix(rapporter):
    filer = sorted(rapporter.glob("*/*.xlsx"))
    assert filer
    summor = 0
    for fil in filer:
        wb = load_workbook(fil)
        for ws in wb.worksheets:
            if ws.title == "Källor" or (rubrik := _rubrikrad(ws)) is None:
                continue
            rubriker = {c.column: str(c.value) for c in ws[rubrik] if c.value is not None}
            for text in rubriker.values():
                if text.startswith(SAMMANSATTA):
                    assert _har_slag(text), (fil.name, ws.title, text)
            underlag = next((k for k, t in rubriker.items() if t == "Underlag"), None)
            for rad in ws.iter_rows(min_row=rubrik + 1):
                formler = [c for c in rad if isinstance(c.value, str) and c.value.startswith("=SUM(")]
                if not formler:
                    continue
                summor += 1
                etikett = next(str(c.value) for c in rad if isinstance(c.value, str) and not c.value.startswith("="))
                if underlag is not None:
                    # En summa över rader med olika underlag (t.ex. ett avtalat och ett beräknat år)
                    # måste säga blandningen.
                    slag = {ws.cell(row=r, column=underlag).value for r in range(rubrik + 1, rad[0].row)}
                    assert len(slag) == 1 or BLANDNING.search(etikett), (fil.name, ws.title, etikett, slag)
                if ws.title == "Resultat":
                    assert etikett == "Resultat (avtal + utfall)", (fil.name, etikett)
    assert summor >= 10


def test_kommunblad_sums_no_agreed_and_computed_years_together(rapporter):
    wb = load_workbook(rapporter / "kommunblad-falun" / "kommunblad-falun.xlsx")
    ws = wb["Fast kostnad per år"]
    assert not [c.coordinate for rad in ws.iter_rows() for c in rad if str(c.value).startswith("=SUM")]
    detaljer = wb["Detaljer"]
    rubriker = [c.value for c in detaljer[_rubrikrad(detaljer)]]
    assert "Netto (avtal + beräknat)" in rubriker and "Netto (beräknat)" in rubriker and "Netto" not in rubriker


def test_every_html_total_names_its_mix(rapporter):
    """I HTML-tabellerna: varje rubrik för en sammansatt summa (netto, intäkter, återstår) säger sitt
    slag eller sin blandning, och uppföljningens resultat säger att det blandar avtal och utfall."""
    sidor = sorted(rapporter.glob("*/*.html"))
    assert sidor
    for sida in sidor:
        text = sida.read_text(encoding="utf-8")
        for th in re.findall(r"<th[^>]*>(.*?)</th>", text, flags=re.S):
            ren = re.sub(r"<[^>]+>", "", th).strip()
            if ren.startswith(SAMMANSATTA):
                assert _har_slag(ren), (sida.name, ren)
    upp = next(rapporter.glob("uppfoljning-2024*/*.html")).read_text(encoding="utf-8").replace("\xa0", " ")
    assert "Intäkter (avtal + utfall) 1 880 000 kr" in upp
    assert "Överskottet (avtal + utfall) 217 000 kr tillfaller regionen" in upp
    assert "Netto (avtal + utfall)" in upp and "Återstår (avtal + utfall)" in upp


@pytest.mark.parametrize("kommun", [None, "Falun"])
def test_scenario_command_shows_net_per_mix(cli, kommun):
    argv = ["scenario", "--fran", "2024", "--till", "2026"] + (["--kommun", kommun] if kommun else [])
    r = cli(*argv)
    assert r.rc == 0
    netto = [rad for rad in r.out.splitlines() if rad.startswith("Netto")]
    assert netto and all(_har_slag(rad) for rad in netto), netto
    vem = kommun or "kommunerna"
    avtal = next(rad for rad in netto if rad.startswith(f"Netto, {vem} (avtal + beräknat)"))
    # Bara 2024, avtalsåret, har ett tal på raden avtal + beräknat.
    assert avtal.split(")", 1)[1].strip() == ("264 001" if kommun else "1 549 750")


def test_scenario_excel_csv_splits_net_by_mix(cli):
    r = cli("scenario", "--scenario", "bas", "--fran", "2024", "--till", "2025", "--format", "excel-csv")
    rader = r.out.lstrip("\ufeff").splitlines()
    huvud = rader[0].split(";")
    assert huvud[-2:] == ["Netto (avtal + beräknat)", "Netto (beräknat)"]
    falun = [rad.split(";") for rad in rader if ";2080;" in rad]
    assert falun[0][1] == "2024" and falun[0][-2] == "264001" and falun[0][-1] == ""
    assert falun[1][1] == "2025" and falun[1][-2] == "" and falun[1][-1] == "272211"


# --- förslag: det fjärde slaget --------------------------------------------------------------------


def test_the_rule_knows_forslag():
    assert _har_slag("Belopp (förslag)") and _har_slag("Förändring (avtal → förslag)")
    assert not _har_slag("Belopp (förslagsvis)")


def test_a_proposal_is_labelled_forslag_in_workbook_and_html_and_never_summed_with_another_kind(
    cli, datakatalog, tmp_path
):
    from analys.flode.fordelning import berakna
    from analys.rapporter.fordelning import describe, html_table, titel

    assert cli("avtal", "forslag", "2025").rc == 0
    ut = tmp_path / "forslag.xlsx"
    assert cli("fordelning", "--avtal", "2025", "--format", "xlsx", "--ut", str(ut)).rc == 0
    wb = load_workbook(ut)
    texter = [str(c.value) for ws in wb.worksheets for rad in ws.iter_rows() for c in rad if c.value is not None]
    assert not [t for t in texter if "enligt avtal" in t]
    ws = wb["Fördelning"]
    rubriker = [c.value for c in ws[_rubrikrad(ws)]]
    assert rubriker[-1] == "Belopp (förslag)"
    summa = [c.value for rad in ws.iter_rows() for c in rad if isinstance(c.value, str) and c.value.startswith("=SUM")]
    assert summa  # summan står bara under förslagets egen kolumn
    f = berakna(avtal="2025")
    sida = html_table(f.df, f.info) + describe(f.df, f.info) + titel(f.info)
    assert "enligt avtal" not in sida and "Belopp (förslag)" in sida and "förslag</i> = beloppet i ett förslag" in sida
    # Jämförelsen mot 2024 står per slag, och förändringen säger blandningen.
    r = cli("avtal", "jamfor", "2025", "--format", "excel-csv")
    huvud = r.out.lstrip("\ufeff").splitlines()[0].split(";")
    assert huvud[2:5] == ["2024 (enligt avtal) (kr)", "2025 (förslag) (kr)", "Förändring (avtal → förslag) (kr)"]
    assert all(_har_slag(h) for h in huvud[2:] if h != "Förändring (%)")
