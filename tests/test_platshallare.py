"""Platshållare lämnar inte huset: `analys ny` märker varje exempelvärde, läsaren i indata/ hittar
dem (fil, rad, fält), faktura, mall och fastställande vägrar medan de finns kvar, och allt som
räknas på dem är märkt påhittat, vad `exempel:` än säger. När de är ersatta fungerar allt och
ingenting är märkt."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from analys import ny
from analys.indata import platshallare
from analys.indata.platshallare import Platshallare
from tests.lanmapp import ersatt_platshallare

ROT = Path(__file__).resolve().parents[1]
PAHITTAT = "PÅHITTAT EXEMPEL – inte verkliga siffror"
SLUT = (
    "Skriv in de riktiga värdena och ta bort markeringen (kommentaren # PLATSHÅLLARE på raden, eller "
    "PLATSHÅLLARE först i värdet); sätt sedan exempel: false."
)
AVTALETS = [
    'data/avtal/2026.yaml, rad 10: kalla ("PLATSHÅLLARE: ange avtalet (diarienummer, datum)")',
    "data/avtal/2026.yaml, rad 11: preliminar (# PLATSHÅLLARE: är beloppen preliminära i avtalet?)",
    "data/avtal/2026.yaml, rad 13: period → fran (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 14: period → till (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 17: kostnader → post 1 → tjanst (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 18: kostnader → post 1 → belopp (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 20: kostnader → post 2 → tjanst (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 21: kostnader → post 2 → belopp (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 22: kommunernas_andel (# PLATSHÅLLARE: procent)",
    "data/avtal/2026.yaml, rad 23: befolkningsdatum (# PLATSHÅLLARE: folkmängden fördelningen bygger på "
    "(här den senaste i SCB-datan))",
    "data/avtal/2026.yaml, rad 24: nyckel (# PLATSHÅLLARE: fördelningsnyckeln)",
    'data/avtal/2026.yaml, rad 26: fakturering → fakturerar ("PLATSHÅLLARE: regionen")',
    "data/avtal/2026.yaml, rad 27: fakturering → betalningsvillkor_dagar (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 29: rorliga_kostnader → kalla "
    '("PLATSHÅLLARE: som i PM RD21/01390 (Dalarna 2021), preliminärt")',
    "data/avtal/2026.yaml, rad 30: rorliga_kostnader → avgift_per_deltagardag (# PLATSHÅLLARE)",
    "data/avtal/2026.yaml, rad 31: rorliga_kostnader → till_pott_per_deltagardag (# PLATSHÅLLARE)",
]


def vagran(vad: str, rader: list[str]) -> str:
    lista = "\n".join(f"  {r}" for r in rader)
    return (
        f"analys: fel: {vad}: {len(rader)} platshållare finns kvar, exempelvärden som ska ersättas med "
        f"riktiga värden:\n{lista}\n{SLUT}\n"
    )


@pytest.fixture
def mapp(tmp_path, monkeypatch):
    """`analys ny … --lan 24` (Västerbotten, år 2026) som aktuell mapp."""
    from analys.indata.befolkning import clear_cache

    monkeypatch.delenv("ANALYS_DATA", raising=False)
    m = ny.skapa(tmp_path / "vb", "24")
    monkeypatch.chdir(m)
    clear_cache()
    yield m
    clear_cache()


# --- läsaren -------------------------------------------------------------------------------------


def test_a_key_with_the_marker_and_a_value_that_starts_with_it_are_found_with_file_row_and_field():
    text = (
        "# PLATSHÅLLARE: en förklaring för sig räknas inte\n"
        "a: 1  # PLATSHÅLLARE\n"
        'b: "x # PLATSHÅLLARE"   # ANTAGANDE: inte en platshållare\n'
        "c:\n"
        "  - {nr: 1, start: 2022-09}  # platshållare: små bokstäver går också\n"
        "  - id: s  # PLATSHÅLLARE\n"
        '    kalla: "PLATSHÅLLARE: regionen"\n'
        'd: ["ok", "PLATSHÅLLARE"]\n'
        "e: |\n"
        "  # PLATSHÅLLARE inne i en text\n"
    )
    assert platshallare.i_text(text, "f.yaml") == (
        Platshallare("f.yaml", 2, "a", "# PLATSHÅLLARE"),
        Platshallare("f.yaml", 5, "c → post 1", "# platshållare: små bokstäver går också"),
        Platshallare("f.yaml", 6, "c → post 2 → id", "# PLATSHÅLLARE"),
        Platshallare("f.yaml", 7, "c → post 2 → kalla", '"PLATSHÅLLARE: regionen"'),
        Platshallare("f.yaml", 8, "d → post 2", '"PLATSHÅLLARE"'),
    )


@given(st.lists(st.text(max_size=40), max_size=15))
def test_arbitrary_lines_never_crash_the_scanner(rader):
    text = "\n".join(rader)
    hittade = platshallare.i_text(text, "f.yaml")
    assert all(isinstance(p, Platshallare) and 1 <= p.rad <= max(1, len(text.splitlines())) for p in hittade)


NYCKEL = st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True)
VARDE = st.one_of(st.integers(0, 10**6).map(str), st.from_regex(r"[a-zåäö ]{1,12}", fullmatch=True).map(repr))


@given(st.lists(st.tuples(NYCKEL, VARDE), min_size=1, max_size=12, unique_by=lambda t: t[0]), st.data())
def test_a_marked_key_is_found_on_its_row_and_only_it(par, data):
    markerad = data.draw(st.integers(0, len(par) - 1))
    rader = [f"{k}: {v}" + ("  # PLATSHÅLLARE" if i == markerad else "  # ANTAGANDE") for i, (k, v) in enumerate(par)]
    text = "# huvud\n" + "\n".join(rader) + "\n"
    assert platshallare.i_text(text, "f.yaml") == (
        Platshallare("f.yaml", markerad + 2, par[markerad][0], "# PLATSHÅLLARE"),
    )


def test_dalarnas_own_files_have_no_placeholders_and_stay_unmarked(cli):
    filer = [p for p in (ROT / "data").rglob("*.yaml") if "exempel" not in p.parts]
    assert filer and not [p for f in filer for p in platshallare.hitta(f)]
    assert PAHITTAT not in cli("fordelning", "--avtal", "2024").out
    assert PAHITTAT not in cli("scenario", "--fran", "2024", "--till", "2025").out


# --- en ny mapp -----------------------------------------------------------------------------------


def test_every_value_copied_from_the_example_is_marked(mapp):
    falt = {p.falt for p in platshallare.hitta(mapp / "data" / "antaganden" / "bas.yaml")}
    assert falt == {
        *(f"roller → post {i} → {k}" for i in (1, 2) for k in ("tjanst", "kostnad_per_tjanst", "fran")),
        "indexering",
        "finansiering → 2026",
        *(f"yrkesresor → post {i}" for i in range(1, 6)),
        "bemanning → per_resa",
        "rorliga → avgift_per_deltagardag",
        "rorliga → till_pott_per_deltagardag",
        "rorliga → kalla",
        "rorliga → deltagardagar_per_1000_invanare_och_resa",
        "rorliga → utbildare → kalla",
        "rorliga → utbildare → dagar",
        *(
            f"osakerhet → {k}"
            for k in (
                "indexering",
                "kostnad_per_tjanst_faktor",
                "per_resa",
                "lansering_forskjutning_manader",
                "deltagardagar_per_1000_invanare_och_resa",
                "samverkan_besparing",
            )
        ),
    }
    assert [p.text() for p in platshallare.hitta(mapp / "data" / "avtal" / "2026.yaml")] == AVTALETS


def test_invoices_template_and_decision_refuse_while_placeholders_remain(mapp, cli):
    avtal = mapp / "data" / "avtal" / "2026.yaml"
    fore = avtal.read_bytes()
    r = cli("faktura", "--avtal", "2026", "--fakturadatum", "2026-02-10")
    assert (r.rc, r.out, r.err) == (2, "", vagran("Fakturorna enligt avtalet 2026 tas inte fram", AVTALETS))
    # utan --avtal: mappens senaste avtal, och samma vägran
    assert cli("faktura", "--fakturadatum", "2026-02-10") == r
    r = cli("faktura", "--avtal", "2026", "--fakturadatum", "2026-02-10", "--format", "xlsx", "--ut", "f.xlsx")
    assert r.rc == 2 and not (mapp / "f.xlsx").exists()
    r = cli("mall", "--ut", "m.xlsx")
    assert (r.rc, r.err) == (2, vagran("Uppföljningsmallen för avtalet 2026 skrivs inte", AVTALETS))
    assert not (mapp / "m.xlsx").exists()
    r = cli("avtal", "faststall", "2026", "--beslutsdatum", "2025-11-20")
    assert (r.rc, r.err) == (2, vagran("Avtalet 2026 fastställs inte", AVTALETS))
    assert avtal.read_bytes() == fore


def test_a_proposal_carries_the_placeholders_it_is_built_on_and_is_not_decided(mapp, cli):
    assert cli("avtal", "forslag", "2027").rc == 0
    forslag = mapp / "data" / "avtal" / "2027.yaml"
    fore = forslag.read_bytes()
    r = cli("avtal", "faststall", "2027", "--beslutsdatum", "2026-11-20")
    assert r.rc == 2 and r.err.startswith("analys: fel: Avtalet 2027 fastställs inte: ")
    falt = [p.falt for p in platshallare.hitta(forslag)]
    assert falt == [
        "preliminar",
        "period",
        "kostnader",
        "kommunernas_andel",
        "befolkningsdatum",
        "nyckel",
        "fakturering",
        "fakturering → fakturerar",
        "rorliga_kostnader",
        "rorliga_kostnader → kalla",
    ]
    kostnader = next(rad for rad in forslag.read_text(encoding="utf-8").splitlines() if rad.startswith("kostnader:"))
    assert kostnader.endswith(
        "# PLATSHÅLLARE: bygger på platshållare i data/antaganden/bas.yaml rad 13, 14, 15, 18, 19, 20, 22, 25, 28, 29, "
        "30, 31, 32, 35"
    )
    assert "data/antaganden/bas.yaml rad 13" in r.err and forslag.read_bytes() == fore


def test_placeholders_mark_the_output_made_up_whatever_exempel_says(mapp, cli):
    for fil in (mapp / "data" / "avtal" / "2026.yaml", mapp / "data" / "antaganden" / "bas.yaml"):
        fil.write_text(fil.read_text(encoding="utf-8").replace("exempel: true", "exempel: false"), encoding="utf-8")
    assert cli("fordelning", "--avtal", "2026").out.startswith(f"*** {PAHITTAT} ***")
    assert cli("scenario").out.startswith(f"*** {PAHITTAT} ***")
    assert PAHITTAT in cli("fordelning", "--avtal", "2026", "--format", "csv").err


def test_after_the_placeholders_are_replaced_everything_works_unmarked(mapp, cli):
    assert ersatt_platshallare(mapp) == len(AVTALETS) + 26
    assert not [p for f in (mapp / "data").rglob("*.yaml") for p in platshallare.hitta(f)]
    r = cli("faktura", "--avtal", "2026", "--fakturadatum", "2026-02-10", "--format", "csv")
    assert r.rc == 0 and PAHITTAT not in r.out + r.err, r.err
    assert sum(int(rad.rsplit(",", 3)[1]) for rad in r.out.splitlines()[1:]) == 912_000 + 180_000
    assert cli("faktura", "--fakturadatum", "2026-02-10", "--format", "csv").out == r.out  # mappens senaste avtal
    r = cli("mall", "--ut", "m.xlsx")
    assert r.rc == 0 and (mapp / "m.xlsx").is_file(), r.err
    assert cli("avtal", "forslag", "2027").rc == 0
    r = cli("avtal", "faststall", "2027", "--beslutsdatum", "2026-11-20")
    assert r.rc == 0, r.err
    assert PAHITTAT not in cli("fordelning", "--avtal", "2027").out
    assert PAHITTAT not in cli("scenario").out


def test_the_folder_has_a_makefile_a_year_round_and_a_made_up_underlag_in_the_real_shape(mapp, cli):
    from analys.flode import uppfoljning

    make = (mapp / "Makefile").read_text(encoding="utf-8")
    for mal, kommando in (("reports", "rapport"), ("lab", "lab"), ("app", "app")):
        assert re.search(rf"^{mal}:\n\t(exec )?\$\(ANALYS\) {kommando}\b", make, re.M), mal
    readme = (mapp / "README.md").read_text(encoding="utf-8")
    aret = readme.split("## Året runt\n")[1].split("\n## ")[0]
    for kommando in (
        "analys avtal forslag 2027",
        "analys avtal jamfor 2027 --mot 2026",
        "analys avtal faststall 2027 --beslutsdatum 2026-11-20",
        "analys mall --avtal 2027 --ut underlag-2027.xlsx",
        "analys faktura --avtal 2027 --underlag underlag-2027.xlsx --fakturadatum 2027-02-15 --bokfor",
        "analys rapport --bara uppfoljning-2027",
    ):
        assert f"\n{kommando}\n" in aret, kommando
    assert "Dalarna" not in readme and "Falun" not in readme
    rapporter = (mapp / "data" / "rapporter.yaml").read_text(encoding="utf-8")
    assert 'parametrar: {avtal: "2026", underlag: data/exempel/uppfoljning-2026}' in rapporter
    u = uppfoljning.berakna("2026", "data/exempel/uppfoljning-2026")
    assert u.pahittat and set(u.underlag.aktivitet["kommunkod"]) == set(u.fordelning["kommunkod"])
    assert int(u.underlag.fakturor["belopp"].sum()) == 1_030_000


# --- scenariobeskrivningar ----------------------------------------------------------------------


def test_scenario_descriptions_are_built_from_the_changes(mapp, cli):
    assert cli("scenario", "--lista").out == (
        "bas         Bas: Som basantagandena\n"
        "oforandrad  Oförändrad bemanning: Oförändrad bemanning när fler Yrkesresor lanseras "
        "(+0 tjänst per ny Yrkesresa)\n"
        "okning      Ökad bemanning: +0,25 tjänst per ny Yrkesresa\n"
        "samverkan   Samverkan: Kurser och utbildare delas med andra RSS: de fasta kostnaderna 15 % lägre från 2028\n"
    )


def test_a_description_that_contradicts_its_values_is_an_error(mapp, cli):
    fil = mapp / "data" / "antaganden" / "scenarier.yaml"
    text = fil.read_text(encoding="utf-8").replace(
        "  namn: Ökad bemanning\n  andringar:\n    bemanning: {per_resa: 0.25}",
        "  namn: Ökad bemanning\n  beskrivning: Bemanningen ökar med 0,25 tjänst för varje ny Yrkesresa\n"
        "  andringar:\n    bemanning: {per_resa: 0.1}",
    )
    fil.write_text(text, encoding="utf-8")
    r = cli("scenario", "--lista")
    assert (r.rc, r.out) == (2, "")
    assert r.err == (
        "analys: fel: data/antaganden/scenarier.yaml rad 16: okning → beskrivning: beskrivningen säger 0,25 tjänst, "
        "men ändringarna säger 0,1 tjänst. Rätta beskrivningen, eller ta bort den så byggs den ur ändringarna "
        "(+0,1 tjänst per ny Yrkesresa).\n"
    )


def test_dalarnas_written_descriptions_agree_with_their_values(cli):
    assert cli("scenario", "--lista").out.splitlines()[2] == (
        "okning          Ökad bemanning: Bemanningen ökar med 0,25 tjänst för varje ny Yrkesresa"
    )


# --- rapporterna i en mapp där platshållarna är ersatta (e2e) ------------------------------------


def test_make_reports_in_the_folder_renders_everything_unmarked(lanmapp_med_rapporter, installerat):
    """En region som bara installerat hjulet: `analys ny`, platshållarna ersatta och `make reports`
    i mappen ger en rapport av varje slag, omärkt, med länets egna namn och utan Dalarna; varje
    rapport har sin arbetsbok och sin PDF."""
    mapp = lanmapp_med_rapporter
    namn = sorted(p.name for p in (mapp / "reports").iterdir() if not p.name.startswith("."))
    assert namn == ["fordelning-2026", "historik", "kommunblad-umea", "scenarier-2026-2032", "uppfoljning-2026"]
    citerar = []
    for n in namn:
        html = (mapp / "reports" / n / f"{n}.html").read_text(encoding="utf-8")
        assert "PÅHITTAT" not in html, n
        assert "Dalarnas län" not in html and "Västerbottens län" in html, n
        assert (mapp / "reports" / n / f"{n}.xlsx").is_file(), n
        assert (mapp / "reports" / n / f"{n}.pdf").stat().st_size > 10_000, n
        # Vems rapporten är: mappens namn i sidans titel och överst till höger på varje utskriven sida.
        assert re.search(r"<title>[^<]* – RSS Västerbotten</title>", html), n
        sidor = [s.extract_text() for s in PdfReader(mapp / "reports" / n / f"{n}.pdf").pages]
        assert all("RSS Västerbotten" in s for s in sidor), n
        # Befolkningsdatan följer med hjulet, med sin kontrollsumma (inte en sökväg i site-packages).
        if "folkmangd_kommuner_31dec" in html:
            citerar.append(n)
            assert re.search(r"folkmangd_kommuner_31dec\.csv \(följer med analys\) \(SHA-256 [0-9a-f]{8}", html), n
        assert "site-packages" not in html, n
    assert citerar == ["fordelning-2026", "kommunblad-umea", "scenarier-2026-2032"]
    # programmet som körde var hjulets, inte repots
    miljo, _ = installerat
    kontroll = subprocess.run(
        [str(miljo / "bin" / "python"), "-c", "import analys; print(analys.__file__)"], capture_output=True, text=True
    )
    assert str(miljo) in kontroll.stdout and str(ROT) not in kontroll.stdout


def test_make_in_the_folder_finds_the_analys_command_on_path(tmp_path):
    """`make -C mappen reports` med analys på PATH, utan att köra rapporterna (make -n)."""
    m = ny.skapa(tmp_path / "vb", "24")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    r = subprocess.run(["make", "-n", "-C", str(m), "reports", "lab", "app"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert [rad for rad in r.stdout.splitlines() if rad.startswith(("analys", "exec"))] == [
        "analys rapport",
        "exec analys lab --port=8888 -- ",
        "exec analys app --port=8866 -- ",
    ]


def test_the_year_round_in_the_folders_readme_runs_in_order(mapp, cli):
    """Kommandona under "Året runt" i mappens README, i ordning, när platshållarna är ersatta
    (rapportkörningen, som kör en notebook, bara till posten den behöver)."""
    import shlex

    ersatt_platshallare(mapp)
    readme = (mapp / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Året runt\n")[1].split("```sh\n")[1].split("```")[0]
    kommandon = [shlex.split(rad) for rad in block.splitlines() if rad and not rad.startswith("#")]
    assert [k[:2] for k in kommandon] == [
        ["analys", "avtal"],
        ["analys", "avtal"],
        ["analys", "avtal"],
        ["analys", "mall"],
        ["analys", "faktura"],
        ["analys", "faktura"],
        ["analys", "faktura"],
        ["analys", "rapport"],
        ["analys", "avtal"],
    ]
    for k in kommandon:
        if k[1] == "rapport":
            rapportfil = mapp / "data" / "rapporter.yaml"
            text = rapportfil.read_text(encoding="utf-8")
            post = text[text.index("  - namn: uppfoljning-2026") :]
            # bara den posten (analys avtal forslag har lagt till förslagets rapport efter den)
            post = post[: post.find("\n  - namn:", 1) + 1 or len(post)]
            post = post.replace("uppfoljning-2026", "uppfoljning-2027").replace('"2026"', '"2027"')
            post = re.sub(r"underlag: [^}]+", "underlag: underlag-2027.xlsx", post)
            rapportfil.write_text(text + "\n" + post, encoding="utf-8")
            r = cli("rapport", "--lista")
            assert r.rc == 0 and "uppfoljning-2027" in r.out, r.err
            continue
        r = cli(*k[1:])
        assert r.rc == 0, f"{shlex.join(k)}: {r.err}"
        assert PAHITTAT not in r.out + r.err, shlex.join(k)
    fakturor = pd.read_excel(mapp / "underlag-2027.xlsx", sheet_name="Fakturor")
    assert fakturor["Avser"].astype(str).str.contains("Faktura 2027-K2480-01").any()
