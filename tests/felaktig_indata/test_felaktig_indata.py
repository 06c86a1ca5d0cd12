"""Felaktig indata av alla sorter: varje fall ska ge rätt slutkod, ett svenskt meddelande som
pekar ut det som är fel, ingen traceback, data/ orörd (SHA-256 för varje fil) och ingen utfil kvar.

Ett fall är en funktion som lägger sina filer i arbetsmappen (eller i kopian av data/) och
returnerar kommandoraden; sedan kontrolleras de fyra sakerna ovan.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests.conftest import DALARNA
from tests.felaktig_indata.conftest import ROT, Miljo, ogonblick

AVTAL_2024 = (ROT / "data" / "avtal" / "2024.yaml").read_text(encoding="utf-8")
BAS = (ROT / "data" / "antaganden" / "bas.yaml").read_text(encoding="utf-8")
SCENARIER = (ROT / "data" / "antaganden" / "scenarier.yaml").read_text(encoding="utf-8")
EXEMPEL = ROT / "data" / "exempel" / "uppfoljning-2024"
FAKTURA = ["faktura", "--avtal", "2024", "--fakturadatum", "2024-02-15"]
FORDELNING = ["fordelning", "--belopp", "1000", "--befolkningsdatum", "2024"]

Fall = Callable[[Miljo], list[str]]
FALL: dict[str, tuple[str, Fall, int, str]] = {}  # namn → (sort, fall, slutkod, meddelande)


def fall(sort: str, namn: str, kod: int, meddelande: str):
    def registrera(f: Fall) -> Fall:
        assert namn not in FALL, namn
        FALL[namn] = (sort, f, kod, meddelande)
        return f

    return registrera


def enkla(sort: str, rader: list[tuple[str, list[str], int, str]]) -> None:
    for namn, argv, kod, meddelande in rader:
        fall(sort, namn, kod, meddelande)(lambda m, a=argv: list(a))


# --- värden på kommandoraden ----------------------------------------------------------------------

enkla(
    "kommandorad",
    [
        ("belopp-text", ["fordelning", "--belopp", "tusen", "--befolkningsdatum", "2024"], 2, "Ogiltigt belopp 'tusen'"),
        ("belopp-negativt", ["fordelning", "--belopp=-5", "--befolkningsdatum", "2024"], 2, "kan inte vara negativt"),
        ("belopp-decimal", ["fordelning", "--belopp", "1000,50", "--befolkningsdatum", "2024"], 2, "hela kronor"),
        ("belopp-tomt", ["fordelning", "--belopp", "", "--befolkningsdatum", "2024"], 2, "Ogiltigt belopp ''"),
        ("belopp-5000-siffror", ["fordelning", "--belopp", "9" * 5000, "--befolkningsdatum", "2024"], 2,
         "5000 siffror är orimligt många"),
        ("belopp-orimligt", ["fordelning", "--belopp", "99999999999999999", "--befolkningsdatum", "2024"], 2,
         "orimligt stort; högst 1 000 000 000 000 kr"),
        ("belopp-exponent", ["fordelning", "--belopp", "1e9", "--befolkningsdatum", "2024"], 2, "Ogiltigt belopp '1e9'"),
        ("datum-0000", ["fordelning", "--belopp", "1000", "--befolkningsdatum", "0000"], 2,
         "året ska ligga mellan 1900 och 2100"),
        ("datum-manad-13", ["fordelning", "--belopp", "1000", "--befolkningsdatum", "2020-13-01"], 2,
         "Ogiltigt befolkningsdatum '2020-13-01'"),
        ("datum-30-februari", ["fordelning", "--belopp", "1000", "--befolkningsdatum", "2024-02-30"], 2,
         "Ogiltigt befolkningsdatum '2024-02-30'"),
        ("datum-snedstreck", ["fordelning", "--belopp", "1000", "--befolkningsdatum", "30/6"], 2,
         "Ogiltigt befolkningsdatum '30/6'"),
        ("datum-utan-data", ["fordelning", "--belopp", "1000", "--befolkningsdatum", "1950"], 2,
         "Befolkning saknas för Dalarnas län per 1950-12-31"),
        ("datum-2200", ["fordelning", "--belopp", "1000", "--befolkningsdatum", "2200"], 2,
         "året ska ligga mellan 1900 och 2100"),
        ("lan-okant", [*FORDELNING, "--lan", "99"], 2, "Okänd länskod '99'"),
        ("lan-text", [*FORDELNING, "--lan", "Dalarna"], 2, "Okänd länskod 'Dalarna'"),
        ("fast-andel-over-1", [*FORDELNING, "--nyckel", "blandad", "--fast-andel", "2"], 2, "Ogiltig fast andel '2'"),
        ("fast-andel-nan", [*FORDELNING, "--nyckel", "blandad", "--fast-andel", "NaN"], 2, "Ogiltig fast andel 'NaN'"),
        ("fast-andel-inf", [*FORDELNING, "--nyckel", "blandad", "--fast-andel", "inf"], 2, "Ogiltig fast andel 'inf'"),
        ("fast-andel-fel-nyckel", [*FORDELNING, "--fast-andel", "0.3"], 2, "--fast-andel gäller bara nyckeln blandad"),
        ("egen-utan-vikter", [*FORDELNING, "--nyckel", "egen"], 2, "Nyckeln egen kräver en viktfil"),
        ("exkludera-okand", [*FORDELNING, "--exkludera", "9999"], 2, "--exkludera: '9999' är ingen kommun i länet"),
        ("exkludera-alla", [*FORDELNING, "--exkludera", *DALARNA], 2, "Alla kommuner är undantagna"),
        ("xlsx-utan-ut", [*FORDELNING, "--format", "xlsx"], 2, "Formatet xlsx kräver en fil"),
        ("fakturadatum-9999", ["faktura", "--avtal", "2024", "--fakturadatum", "9999-12-31"], 2,
         "året ska ligga mellan 1900 och 2100"),
        ("fakturadatum-1900", ["faktura", "--avtal", "2024", "--fakturadatum", "1900-01-01"], 2,
         "Fakturadatum 1900-01-01 ligger långt från avtalets period 2024-01-01–2024-12-31"),
        ("fakturadatum-text", ["faktura", "--avtal", "2024", "--fakturadatum", "15 februari"], 2,
         "Ogiltigt datum i --fakturadatum '15 februari'"),
        ("fakturadatum-30-februari", ["faktura", "--avtal", "2024", "--fakturadatum", "2024-02-30"], 2,
         "Ogiltigt datum i --fakturadatum: 2024-02-30 är inget datum som finns i kalendern."),
        ("avtal-okant-ar", ["faktura", "--avtal", "1999"], 2, "Avtalet '1999' finns inte"),
        ("avtal-fel-filtyp", ["faktura", "--avtal", "avtal.xlsx"], 2, "ange ett år (t.ex. 2024) eller en avtalsfil"),
        ("scenario-okant", ["scenario", "--scenario", "finns-inte"], 2, "Scenariot 'finns-inte' finns inte"),
        ("scenario-ar-utanfor", ["scenario", "--fran", "2019"], 2, "Året 2019 ligger utanför modellens år 2021–2035"),
        ("scenario-till-fore-fran", ["scenario", "--fran", "2030", "--till", "2025"], 2, "--till (2025) ligger före"),
        ("rapport-jobb-0", ["rapport", "--jobb", "0"], 2, "--jobb måste vara mellan 1 och 64"),
        ("rapport-okand", ["rapport", "--bara", "finns-inte"], 2, "Rapporten 'finns-inte' finns inte"),
        ("hamta-fel-manad", ["hamta-befolkning", "--manad", "2023M13"], 2, "Ogiltig månad '2023M13'"),
        ("hamta-fel-ar", ["hamta-befolkning", "--fran", "1900"], 2, "Ogiltiga år: --fran 1900"),
        ("hamta-tidsgrans-noll", ["hamta-befolkning", "--tidsgrans", "0"], 2, "Ogiltig tidsgräns 0.0: ange sekunder"),
        ("hamta-tidsgrans-inf", ["hamta-befolkning", "--tidsgrans", "inf"], 2, "Ogiltig tidsgräns inf: ange sekunder"),
        # 0 kr är aldrig en kostnad att fördela: en fördelning av bara nollor säger inget.
        ("belopp-noll", ["fordelning", "--belopp", "0", "--befolkningsdatum", "2024"], 2,
         "Ogiltigt belopp '0': beloppet måste vara större än 0 kr."),
        ("belopp-noll-med-mellanslag", ["fordelning", "--belopp", "0 000", "--befolkningsdatum", "2024"], 2,
         "beloppet måste vara större än 0 kr"),
        ("belopp-upphojd-siffra", ["fordelning", "--belopp", "1000²", "--befolkningsdatum", "2024"], 2,
         "Ogiltigt belopp '1000²': '1000²' innehåller tecknet '²' (superscript two), som inte är en siffra 0–9"),
        ("belopp-arabisk-indiska-siffror", ["fordelning", "--belopp", "٤٠٠٠٠٠", "--befolkningsdatum", "2024"], 2,
         "innehåller tecknet '٤' (arabic-indic digit four), som inte är en siffra 0–9"),
        ("belopp-breda-siffror", ["fordelning", "--belopp", "４００", "--befolkningsdatum", "2024"], 2,
         "innehåller tecknet '４' (fullwidth digit four)"),
    ],
)  # fmt: skip


@fall("kommandorad", "avtal-mapp", 2, "är en mapp; ange ett år")
def _(m):
    (m.arbete / "avtalen").mkdir()
    return ["faktura", "--avtal", "avtalen"]


# --- YAML --------------------------------------------------------------------------------------


def avtal(ersatt: str, med: str) -> Fall:
    def f(m: Miljo) -> list[str]:
        assert ersatt in AVTAL_2024, ersatt
        m.fil("avtal.yaml", AVTAL_2024.replace(ersatt, med, 1))
        return ["fordelning", "--avtal", "avtal.yaml", "--format", "csv"]

    return f


YAML_AVTAL = [
    ("dubbel-nyckel", "ar: 2024\n", "ar: 2024\nar: 2025\n", "rad 6, kolumn 1: nyckeln 'ar' står två gånger"),
    ("ankare-och-alias", "  - roll: Administrativt stöd\n", "  - roll: &r Administrativt stöd\n",
     "ankare (&r) används inte"),
    ("tagg", "preliminar: true", "preliminar: !!bool true", "taggen tag:yaml.org,2002:bool används inte"),
    ("sant-som-belopp", "belopp: 180000", "belopp: true", "kostnader → post 2 → belopp: ska vara ett heltal (fick True)"),
    ("yes-som-sant", "preliminar: true", "preliminar: yes", "preliminar: ska vara true eller false (fick 'yes')"),
    ("True-som-sant", "preliminar: true", "preliminar: True", "preliminar: ska vara true eller false (fick 'True')"),
    ("nolla-forst", "betalningsvillkor_dagar: 30", "betalningsvillkor_dagar: 030", "'030': ett tal får inte börja med 0"),
    ("oktalt", "betalningsvillkor_dagar: 30", "betalningsvillkor_dagar: 0o30", "'0o30': skriv talet med vanliga siffror"),
    ("hexadecimalt", "betalningsvillkor_dagar: 30", "betalningsvillkor_dagar: 0x1e",
     "'0x1e': skriv talet med vanliga siffror"),
    ("sexagesimalt", "betalningsvillkor_dagar: 30", "betalningsvillkor_dagar: 1:30",
     "betalningsvillkor_dagar: ska vara ett heltal (fick '1:30')"),
    ("understreck", "belopp: 180000", "belopp: 180_000", "'180_000': skriv talet utan understreck"),
    ("belopp-1e22", "belopp: 180000", "belopp: 1e22", "belopp: ska vara ett heltal (fick 1E+22)"),
    ("belopp-tkr", "belopp: 180000", "belopp: 180 tkr", "belopp: ska vara ett heltal (fick '180 tkr')"),
    ("belopp-decimal", "belopp: 180000", "belopp: 180000.5", "belopp: ska vara ett heltal (fick 180000.5)"),
    ("belopp-negativt", "belopp: 180000", "belopp: -180000", "belopp: ska vara minst 0"),
    ("belopp-enormt", "belopp: 180000", "belopp: 10000000000000", "belopp: får vara högst 1000000000000"),
    ("datum-30-februari", "befolkningsdatum: 2023-06-30", "befolkningsdatum: 2024-02-30",
     "2024-02-30 är inget datum som finns i kalendern"),
    ("datum-1850", "befolkningsdatum: 2023-06-30", "befolkningsdatum: 1850-06-30",
     "1850-06-30: datum ska ligga mellan 1900 och 2100"),
    ("datum-med-tid", "befolkningsdatum: 2023-06-30", "befolkningsdatum: 2023-06-30T12:00",
     "befolkningsdatum: ska vara ett datum ÅÅÅÅ-MM-DD"),
    ("andel-over-100", "kommunernas_andel: 100", "kommunernas_andel: 150", "kommunernas_andel: får vara högst 100"),
    ("andel-text", "kommunernas_andel: 100", "kommunernas_andel: hundra", "kommunernas_andel: ska vara ett tal"),
    ("andel-inf", "kommunernas_andel: 100", "kommunernas_andel: .inf", "kommunernas_andel: ska vara ett tal"),
    ("ej-hela-kronor", "kommunernas_andel: 100", "kommunernas_andel: 33.3333", "inte hela kronor"),
    ("okand-nyckel", "preliminar: true", "preliminar: true\nprelimnar: true", "prelimnar: okänd nyckel (stavfel?)"),
    ("nyckel-saknas", "kalla: Avtal", "kallan: Avtal", "kalla: saknas; nyckeln är obligatorisk"),
    ("lan-som-tal", 'lan: "20"', "lan: 20", "lan: ska vara text (inom citattecken om den ser ut som ett tal)"),
    ("fel-nyckel", "nyckel: befolkning", "nyckel: folkmängd", "nyckel: ska vara ett av"),
    ("tabb-indrag", "  fran: 2024-01-01", "\tfran: 2024-01-01", "filen är inte giltig YAML"),
    ("trasig-syntax", "kostnader:", "kostnader: [", "filen är inte giltig YAML"),
    ("period-baklanges", "  till: 2024-12-31", "  till: 2023-12-31", "perioden slutar"),
    ("villkor-ej-lista", "villkor:\n", "villkor: en rad\nxvillkor:\n", "villkor: ska vara en lista"),
    ("andel-noll", "kommunernas_andel: 100", "kommunernas_andel: 0",
     "beloppet måste vara större än 0 kr (kommunernas_andel 0 % ger kommunerna 0 kr)"),
]  # fmt: skip
for namn, ersatt, med, meddelande in YAML_AVTAL:
    fall("yaml", f"avtal-{namn}", 2, meddelande)(avtal(ersatt, med))


@fall("yaml", "avtal-noll-kr", 2, "beloppet måste vara större än 0 kr (de fasta kostnaderna summerar till 0 kr)")
def _(m):
    text = AVTAL_2024.replace("belopp: 850000", "belopp: 0").replace("belopp: 180000", "belopp: 0")
    m.fil("avtal.yaml", text)
    return ["faktura", "--avtal", "avtal.yaml", "--fakturadatum", "2024-02-15"]


@fall("yaml", "avtal-tom-fil", 2, "filen ska innehålla nycklar och värden")
def _(m):
    m.fil("avtal.yaml", "")
    return ["fordelning", "--avtal", "avtal.yaml"]


@fall("yaml", "avtal-lista", 2, "filen ska innehålla nycklar och värden")
def _(m):
    m.fil("avtal.yaml", "- 1\n- 2\n")
    return ["fordelning", "--avtal", "avtal.yaml"]


@fall("yaml", "avtal-cp1252", 2, "filen är inte sparad som UTF-8")
def _(m):
    m.fil("avtal.yaml", AVTAL_2024, kodning="cp1252")
    return ["fordelning", "--avtal", "avtal.yaml"]


@fall("yaml", "avtal-nolltecken", 2, "filen innehåller nolltecken")
def _(m):
    m.fil("avtal.yaml", AVTAL_2024.replace("namn:", "namn:\x00", 1))
    return ["fordelning", "--avtal", "avtal.yaml"]


@fall("yaml", "avtal-stor", 2, "en YAML-fil här får vara högst 1000000")
def _(m):
    m.fil("avtal.yaml", AVTAL_2024 + "#" * 1_100_000 + "\n")
    return ["fordelning", "--avtal", "avtal.yaml"]


@fall("yaml", "avtal-djup", 2, "filen är nästlad djupare än 20 nivåer")
def _(m):
    m.fil("avtal.yaml", AVTAL_2024 + "extra: " + "[" * 50 + "]" * 50 + "\n")
    return ["fordelning", "--avtal", "avtal.yaml"]


@fall("yaml", "avtal-tva-dokument", 2, "filen ska innehålla ett enda YAML-dokument")
def _(m):
    m.fil("avtal.yaml", AVTAL_2024 + "---\nar: 2025\n")
    return ["fordelning", "--avtal", "avtal.yaml"]


@fall("yaml", "avtal-finns-inte", 2, "Filen saknas.yaml finns inte")
def _(m):
    return ["fordelning", "--avtal", "saknas.yaml"]


def antaganden(bas: tuple[str, str] | None = None, scenarier: tuple[str, str] | None = None, extra: str = "") -> Fall:
    def f(m: Miljo) -> list[str]:
        b, s = BAS, SCENARIER + extra
        if bas:
            assert bas[0] in b, bas[0]
            b = b.replace(*bas, 1)
        if scenarier:
            assert scenarier[0] in s, scenarier[0]
            s = s.replace(*scenarier, 1)
        m.fil("ant/bas.yaml", b)
        m.fil("ant/scenarier.yaml", s)
        nya = re.findall(r"^([a-z0-9-]+):", extra, flags=re.M)
        return ["scenario", "--antaganden", "ant/bas.yaml", "--scenario", "bas", "okning", *nya, "--format", "csv"]

    return f


YAML_ANTAGANDEN = [
    ("indexering-text", ("indexering: 0.03", "indexering: 3 %"), None, "", "indexering: ska vara ett tal"),
    ("indexering-orimlig", ("indexering: 0.03", "indexering: 3"), None, "", "indexering 3 är orimlig"),
    ("finansiering-ej-100", ("2022: {region: 50, kommuner: 50}", "2022: {region: 50, kommuner: 60}"), None, "",
     "ska tillsammans vara 100 %"),
    ("lansering-fel-manad", ("start: 2026-09}", "start: 2026-13}"), None, "", "ska vara en månad ÅÅÅÅ-MM"),
    ("per-resa-negativ", ("per_resa: 0.1 ", "per_resa: -0.1 "), None, "", "per_resa: ska vara minst 0"),
    ("roll-okand", ("roll: samordnare ", "roll: chef "), None, "", "bemanning → roll: 'chef' är ingen av rollerna"),
    ("kant-ar-tkr", ("fast_kostnad: 800000\n    kalla: \"ANTAGANDE", "fast_kostnad: 800 tkr\n    kalla: \"ANTAGANDE"),
     None, "", "fast_kostnad: ska vara ett heltal (fick '800 tkr')"),
    ("metod-okand", ("metod: senaste", "metod: gissning"), None, "", "metod: ska vara ett av"),
    ("prognos-utan-fil", ("metod: senaste", "metod: prognos"), None, "", "metoden prognos kräver prognosfil"),
    ("dubbel-nyckel-bas", ("basar: 2024", "basar: 2024\nbasar: 2025"), None, "", "nyckeln 'basar' står två gånger"),
    ("scenario-alias", None, ("okning:\n  namn:", "okning: &x\n  namn:"), "", "ankare (&x) används inte"),
    ("scenario-okand-nyckel", None, ("bemanning: {per_resa: 0.25}", "bemaning: {per_resa: 0.25}"), "",
     "bemaning: okänd nyckel"),
    ("scenario-negativa-vikter", None, None,
     "\nvikter-neg:\n  namn: X\n  beskrivning: x\n  andringar:\n    nyckel: {nyckel: egen, vikter: {'2080': -1}}\n",
     "nyckel → vikter → 2080: ska vara minst 0"),
    ("scenario-namn", None, None, "\nÖkning:\n  namn: Ökning\n  beskrivning: x\n", "scenarionamnet 'Ökning' får bara innehålla"),
    ("scenario-utan-namn", None, None, "\nx:\n  beskrivning: x\n", "scenarier.yaml rad 39: x → namn: saknas"),
    ("osakerhet-baklanges", ("indexering: {lag: 0.015, hog: 0.045}", "indexering: {lag: 0.045, hog: 0.015}"), None, "",
     "hog (0.015) är mindre än lag (0.045)"),
]  # fmt: skip
for namn, bas, scen, extra, meddelande in YAML_ANTAGANDEN:
    fall("yaml", f"antaganden-{namn}", 2, meddelande)(antaganden(bas, scen, extra))


@fall(
    "yaml", "antaganden-vikter-utanfor-lanet", 2, "Nyckelns vikter för 2025 gäller kommunkoder som inte finns i länet"
)
def _(m):
    vikter = ", ".join(f"'{k}': 1" for k in [*DALARNA, "1280"])
    m.fil(
        "ant/bas.yaml", BAS.replace("nyckel:\n  nyckel: befolkning", f"nyckel:\n  nyckel: egen\n  vikter: {{{vikter}}}")
    )
    m.fil("ant/scenarier.yaml", SCENARIER)
    return ["scenario", "--antaganden", "ant/bas.yaml", "--format", "csv"]


def rapportfil(text: str) -> Fall:
    def f(m: Miljo) -> list[str]:
        m.fil("rapporter.yaml", text)
        return ["rapport", "--config", "rapporter.yaml", "--lista"]

    return f


RAPPORTFILER = [
    ("notebook-utanfor", "rapporter:\n  - {namn: x, notebook: ../x.ipynb}\n", "notebook: har fel form"),
    ("notebook-absolut", "rapporter:\n  - {namn: x, notebook: /tmp/x.ipynb}\n", "notebook: har fel form"),
    ("notebook-saknas", "rapporter:\n  - {namn: x, notebook: saknas.ipynb}\n", "notebooken saknas.ipynb finns inte"),
    ("reserverad-ut-dir", "rapporter:\n  - {namn: x, notebook: fordelning.ipynb, parametrar: {ut_dir: ../data}}\n",
     "parametern ut_dir sätts av analys rapport"),
    ("alias-bomb", "a: &a [x, x]\nb: &b [*a, *a]\nrapporter:\n  - {namn: x, notebook: fordelning.ipynb}\n",
     "ankare (&a) används inte"),
    ("namn-versaler", "rapporter:\n  - {namn: Rapport, notebook: fordelning.ipynb}\n", "namn: har fel form"),
    ("tom-lista", "rapporter: []\n", "rapporter: får inte vara tom"),
    ("dubbelt-namn", "rapporter:\n  - {namn: x, notebook: fordelning.ipynb}\n  - {namn: x, notebook: scenarier.ipynb}\n",
     "rapportnamnet x förekommer mer än en gång"),
    ("fel-lan", "rapporter:\n  - {namn: x, notebook: kommunblad.ipynb, for_varje_kommun: '99'}\n", "okänd länskod '99'"),
]  # fmt: skip
for namn, text, meddelande in RAPPORTFILER:
    fall("yaml", f"rapportfil-{namn}", 2, meddelande)(rapportfil(text))


# --- CSV -------------------------------------------------------------------------------------------


def vikter(text: str | bytes, kodning: str = "utf-8") -> Fall:
    def f(m: Miljo) -> list[str]:
        m.fil("vikter.csv", text, kodning)
        return [*FORDELNING, "--nyckel", "egen", "--vikter", "vikter.csv", "--format", "csv"]

    return f


def viktrader(andra: dict[str, str] | None = None, extra: str = "", rubrik: str = "kommunkod,vikt") -> str:
    andra = andra or {}
    return rubrik + "\n" + "".join(f"{k},{andra.get(k, '1')}\n" for k in DALARNA) + extra


CSV_VIKTER = [
    ("saknas", None, "Viktfilen vikter.csv finns inte"),
    ("tom", "", "Viktfilen vikter.csv är tom; första raden ska vara rubrikraden kommunkod,vikt"),
    ("bara-rubrik", "kommunkod,vikt\n", "har bara rubrikraden"),
    ("fel-rubrik", viktrader(rubrik="kod,andel"), "rad 1: rubrikraden ska vara kommunkod,vikt"),
    ("kolumn-saknas", "kommunkod\n" + "".join(f"{k}\n" for k in DALARNA), "rad 1: kolumnen vikt saknas"),
    ("extra-kolumn", viktrader(rubrik="kommunkod,vikt,kommentar"), "okända kolumner: kommentar"),
    ("kort-rad", viktrader(extra="2080\n"), "väntade 2 fält (kommunkod,vikt), fick 1"),
    ("decimalkomma-utan-citat", viktrader({"2080": "1,5"}), "Ett tal med decimalkomma delar raden"),
    ("negativ", viktrader({"2080": "-1"}), "rad 11: vikten -1 är negativ"),
    ("inte-tal", viktrader({"2080": "ett"}), "rad 11: vikten 'ett' är inget tal"),
    ("enorm-exponent", viktrader({"2080": "1e999999999"}), "rad 11: vikten '1e999999999' är inget tal"),
    ("liten-exponent", viktrader({"2080": "1e-999999999"}), "rad 11: vikten '1e-999999999' är inget tal"),
    ("nan", viktrader({"2080": "NaN"}), "rad 11: vikten 'NaN' är inget tal"),
    ("tjugo-siffror", viktrader({"2080": "9" * 20}), "rad 11: vikten 99999999999999999999 är orimligt stor"),
    ("dubbel-rad", viktrader(extra="2080,1\n"), "rad 17: kommunkod 2080 står på mer än en rad"),
    ("okand-kommun", viktrader(extra="1280,1\n"), "rad 17: kommunkoden '1280' finns inte bland länets kommuner"),
    ("kommun-saknas", "kommunkod,vikt\n2080,1\n", "saknar vikter för kommunerna 2021"),
    ("alla-noll", viktrader(dict.fromkeys(DALARNA, "0")), "Minst en deltagande kommun måste ha en vikt större än 0"),
    ("binar", bytes(range(256)) * 4, "Viktfilen vikter.csv"),
    ("nolltecken", "kommunkod,vikt\n2080\x00,1\n", "innehåller nolltecken"),
    ("upphojd-siffra", viktrader({"2080": "2²"}), "rad 11, kolumn vikt: '2²' innehåller tecknet '²'"),
    ("arabisk-indisk-vikt", viktrader({"2080": "٣"}), "rad 11, kolumn vikt: '٣' innehåller tecknet '٣'"),
    ("bred-kommunkod", viktrader(extra="２０８０,1\n"), "rad 17, kolumn kommunkod: '２０８０' innehåller tecknet '２'"),
]  # fmt: skip
for namn, text, meddelande in CSV_VIKTER:
    if text is None:
        fall("csv", f"vikter-{namn}", 2, meddelande)(
            lambda m: [*FORDELNING, "--nyckel", "egen", "--vikter", "vikter.csv"]
        )
    else:
        fall("csv", f"vikter-{namn}", 2, meddelande)(vikter(text))


@fall("csv", "vikter-mapp", 2, "Viktfilen vikter.csv är en mapp")
def _(m):
    (m.arbete / "vikter.csv").mkdir()
    return [*FORDELNING, "--nyckel", "egen", "--vikter", "vikter.csv"]


def underlag_csv(fil: str, ersatt: str | None, med: str | bytes | None, ta_bort: bool = False) -> Fall:
    def f(m: Miljo) -> list[str]:
        mapp = m.arbete / "underlag"
        shutil.copytree(EXEMPEL, mapp)
        p = mapp / fil
        if ta_bort:
            p.unlink()
        elif isinstance(med, bytes):
            p.write_bytes(med)
        elif ersatt is None:
            p.write_text(med, encoding="utf-8")
        else:
            text = p.read_text(encoding="utf-8")
            assert ersatt in text, ersatt
            p.write_text(text.replace(ersatt, med, 1), encoding="utf-8")
        return [*FAKTURA, "--underlag", "underlag", "--format", "csv", "--ut", "fakturor.csv"]

    return f


CSV_UNDERLAG = [
    ("aktivitet-saknas", "aktivitet.csv", None, None, True, "aktivitet.csv saknas"),
    ("utfall-saknas", "utfall.csv", None, None, True, "utfall.csv saknas"),
    ("aktivitet-tom", "aktivitet.csv", None, "", False, "aktivitet.csv är tom"),
    ("aktivitet-fel-rubrik", "aktivitet.csv", "kommunkod,kommun,ar,", "kod,kommun,ar,", False,
     "aktivitet.csv, rad 1: rubrikraden ska vara kommunkod,kommun,ar,yrkesresa,deltagardagar,utbildardagar"),
    ("aktivitet-kort-rad", "aktivitet.csv", "2021,Vansbro,2024,,24,0", "2021,Vansbro,2024,,24", False,
     "aktivitet.csv, rad 2: väntade 6 fält"),
    ("aktivitet-decimalkomma", "aktivitet.csv", "2021,Vansbro,2024,,24,0", "2021,Vansbro,2024,,24,5,0", False,
     "Ett tal med decimalkomma delar raden"),
    ("aktivitet-20-siffror", "aktivitet.csv", "2021,Vansbro,2024,,24,0", "2021,Vansbro,2024,," + "9" * 20 + ",0", False,
     "kolumn Deltagardagar: talet '99999999999999999999"),
    ("aktivitet-negativ", "aktivitet.csv", "2021,Vansbro,2024,,24,0", "2021,Vansbro,2024,,-24,0", False,
     "aktivitet.csv, rad 2, kolumn Deltagardagar: -24 är negativt"),
    ("aktivitet-decimal", "aktivitet.csv", "2021,Vansbro,2024,,24,0", '2021,Vansbro,2024,,"2,5",0', False,
     "kolumn Deltagardagar: '2,5' är inte ett heltal"),
    ("aktivitet-ar-utanfor", "aktivitet.csv", "2021,Vansbro,2024,,24,0", "2021,Vansbro,2025,,24,0", False,
     "året 2025 ligger utanför avtalets period"),
    ("aktivitet-dubbel", "aktivitet.csv", "2023,Malung-Sälen,2024,,36,0", "2021,Vansbro,2024,,36,0", False,
     "samma kommun, år och yrkesresa som rad 2"),
    ("aktivitet-okand-kommun", "aktivitet.csv", "2080,Falun,2024,1,", ",Falum,2024,1,", False,
     "'Falum' är ingen kommun i länet. Menade du Falun (2080)?"),
    ("aktivitet-stockholm", "aktivitet.csv", "2021,Vansbro,2024,,24,0", "0180,Stockholm,2024,,24,0", False,
     "kolumn Kommunkod: '0180' är ingen kommun i länet"),
    ("aktivitet-binar", "aktivitet.csv", None, bytes(range(128, 256)) * 8, False,
     "underlag/aktivitet.csv: kan inte avgöra filens teckenkodning"),
    ("utfall-belopp-text", "utfall.csv", "2024,resor,45000", "2024,resor,45 tkr", False,
     "kolumn Belopp (kr): '45 tkr' är inte ett heltal"),
    ("utfall-fel-post", "utfall.csv", "2024,resor,45000", "2024,resa,45000", False,
     "kolumn Kostnadspost: 'resa' är ingen kostnadspost"),
    ("faktura-datum-1900", "fakturor.csv", "2021,Vansbro,2024-02-15", "2021,Vansbro,1900-02-15", False,
     "1900-02-15 ligger långt från avtalets period"),
    ("faktura-datum-2099", "fakturor.csv", "2021,Vansbro,2024-02-15", "2021,Vansbro,2099-02-15", False,
     "2099-02-15 ligger långt från avtalets period"),
    ("faktura-dubbel", "fakturor.csv", "2023,Malung-Sälen,2024-02-15,36546,Fast kostnad 2024",
     "2021,Vansbro,2024-02-15,24266,Fast kostnad 2024", False, "rad 3: samma faktura som rad 2"),
    ("faktura-datum-text", "fakturor.csv", "2021,Vansbro,2024-02-15", "2021,Vansbro,15/2", False,
     "kolumn Fakturadatum: '15/2' är inget datum"),
    ("faktura-belopp-saknas", "fakturor.csv", "2021,Vansbro,2024-02-15,24266", "2021,Vansbro,2024-02-15,", False,
     "kolumn Belopp (kr): värde saknas"),
    ("utfall-upphojd-siffra", "utfall.csv", "2024,resor,45000", "2024,resor,45000²", False,
     "utfall.csv, rad 4, kolumn Belopp (kr): '45000²' innehåller tecknet '²' (superscript two)"),
    ("aktivitet-arabisk-indisk", "aktivitet.csv", "2021,Vansbro,2024,,24,0", "2021,Vansbro,2024,,٢٤,0", False,
     "aktivitet.csv, rad 2, kolumn Deltagardagar: '٢٤' innehåller tecknet '٢'"),
    ("faktura-bred-siffra-i-datum", "fakturor.csv", "2021,Vansbro,2024-02-15", "2021,Vansbro,２024-02-15", False,
     "kolumn Fakturadatum: '２024-02-15' innehåller tecknet '２'"),
]  # fmt: skip
for namn, fil, ersatt, med, ta_bort, meddelande in CSV_UNDERLAG:
    fall("csv", f"underlag-{namn}", 2, meddelande)(underlag_csv(fil, ersatt, med, ta_bort))


def modellfil(slag: str, text: str) -> Fall:
    """Prognos- eller aktivitetsfil som antagandena pekar ut."""

    def f(m: Miljo) -> list[str]:
        fil = m.fil(f"{slag}.csv", text)
        if slag == "prognos":
            b = BAS.replace("metod: senaste", "metod: prognos").replace("prognosfil: null", f"prognosfil: {fil}")
        else:
            b = BAS.replace("aktivitetsfil: null", f"aktivitetsfil: {fil}")
        m.fil("ant/bas.yaml", b)
        m.fil("ant/scenarier.yaml", SCENARIER)
        return ["scenario", "--antaganden", "ant/bas.yaml", "--fran", "2028", "--till", "2028", "--format", "csv"]

    return f


PROGNOS = "kommunkod,ar,folkmangd\n" + "".join(f"{k},2026,{1000 + i}\n" for i, k in enumerate(DALARNA))
AKTIVITET = "kommunkod,ar,deltagardagar,utbildardagar\n" + "".join(f"{k},2028,10,1\n" for k in DALARNA)
MODELLFILER = [
    ("prognos-dubbel-rad", "prognos", PROGNOS + "2080,2026,5\n", "kommun 2080 år 2026 står också på rad"),
    ("prognos-fel-rubrik", "prognos", PROGNOS.replace("folkmangd", "invanare", 1), "rubrikraden ska vara kommunkod,ar,folkmangd"),
    ("prognos-noll", "prognos", PROGNOS.replace(",1000\n", ",0\n"), "kolumn folkmangd: 0 är mindre än 1"),
    ("prognos-ar-saknas", "prognos", PROGNOS.replace("2026", "2027"), "saknar år 2026 för kommunerna"),
    ("aktivitet-dubbel", "aktivitet", AKTIVITET + "2080,2028,1,1\n", "kommun 2080 år 2028 står också på rad"),
    ("aktivitet-kommun-saknas", "aktivitet", AKTIVITET.replace("2080,2028,10,1\n", ""), "år 2028 saknar kommunerna 2080"),
    ("aktivitet-20-siffror", "aktivitet", AKTIVITET.replace("2080,2028,10", "2080,2028," + "9" * 20),
     "kolumn deltagardagar: 99999999999999999999 är orimligt stort"),
    ("aktivitet-tom", "aktivitet", "", "Aktivitetsfilen"),
    ("aktivitet-upphojd", "aktivitet", AKTIVITET.replace("2080,2028,10", "2080,2028,10³"),
     "kolumn deltagardagar: '10³' innehåller tecknet '³'"),
    ("prognos-arabisk-indisk", "prognos", PROGNOS.replace(",1000\n", ",١٠٠٠\n"),
     "kolumn folkmangd: '١٠٠٠' innehåller tecknet '١'"),
]  # fmt: skip
for namn, slag, text, meddelande in MODELLFILER:
    fall("csv", f"modell-{namn}", 2, meddelande)(modellfil(slag, text))


# --- Excelmallen -----------------------------------------------------------------------------------


def mall(andra: Callable | None = None, filnamn: str = "underlag.xlsx") -> Fall:
    def f(m: Miljo) -> list[str]:
        from analys.flode.uppfoljning import mallunderlag
        from analys.rapporter.mall import write_mall

        p = m.arbete / filnamn
        avtal, _, kommuner = mallunderlag("2024")
        write_mall(avtal, kommuner, m.arbete / "mall.xlsx")
        wb = load_workbook(m.arbete / "mall.xlsx")
        for r in range(2, 17):
            wb["Aktivitet"].cell(row=r, column=5, value=10)
            wb["Aktivitet"].cell(row=r, column=6, value=1)
        if andra:
            andra(wb)
        wb.save(p)
        (m.arbete / "mall.xlsx").unlink()
        return [*FAKTURA, "--underlag", filnamn, "--format", "csv", "--ut", "fakturor.csv"]

    return f


def _formel(wb):
    wb["Aktivitet"]["E5"] = "=2*5"


def _sammanslagen(wb):
    wb["Aktivitet"].merge_cells("E5:E6")


def _dold(wb):
    wb["Aktivitet"].row_dimensions[7].hidden = True


def _rubrik(wb):
    wb["Aktivitet"]["E1"] = "dagar"


def _blad_saknas(wb):
    del wb["Utfall"]


def _negativ(wb):
    wb["Aktivitet"]["E5"] = -3


def _text(wb):
    wb["Aktivitet"]["E5"] = "tio"


def _stort(wb):
    wb["Aktivitet"]["E5"] = 10**20


def _halvt(wb):
    wb["Aktivitet"]["E5"] = 2.5


def _faktura_1900(wb):
    from datetime import date

    wb["Fakturor"].append(["2080", "Falun", date(1900, 1, 2), 100, "x"])


def _faktura_veckodatum(wb):
    wb["Fakturor"].append(["2080", "Falun", "2024-W07-4", 100, "x"])  # ISO-veckodatum, som text


def _bred_siffra(wb):
    wb["Aktivitet"]["E5"] = "１２"  # som text i cellen: Excel tolkar inte breda siffror som tal


def _upphojd_i_belopp(wb):
    wb["Utfall"].append([2024, "Resor", "1000²", ""])


def _kommun_fel(wb):
    wb["Aktivitet"]["B5"] = "Göteborg"


MALLFALL = [
    ("formel-utan-varde", _formel, "blad Aktivitet, rad 5, kolumn Deltagardagar: cellen är en formel (=2*5) utan sparat värde"),
    ("sammanslagna-celler", _sammanslagen, "blad Aktivitet: cellerna E5:E6 är sammanslagna"),
    ("dold-rad", _dold, "blad Aktivitet: rad 7 är dold men har innehåll"),
    ("andrad-rubrik", _rubrik, "blad Aktivitet, rad 1: rubrikerna ska vara Kommunkod, Kommun, År, Yrkesresa, Deltagardagar"),
    ("blad-saknas", _blad_saknas, "bladet Utfall saknas"),
    ("negativt", _negativ, "blad Aktivitet, rad 5, kolumn Deltagardagar: -3 är negativt"),
    ("text-i-tal", _text, "blad Aktivitet, rad 5, kolumn Deltagardagar: 'tio' är inte ett heltal"),
    ("orimligt-stort", _stort, "blad Aktivitet, rad 5, kolumn Deltagardagar: 1e+20 är orimligt stort"),
    ("halv-dag", _halvt, "blad Aktivitet, rad 5, kolumn Deltagardagar: '2,5' är inte ett heltal"),
    ("bred-siffra", _bred_siffra, "blad Aktivitet, rad 5, kolumn Deltagardagar: '１２' innehåller tecknet '１'"),
    ("upphojd-siffra-i-belopp", _upphojd_i_belopp, "blad Utfall, rad 8, kolumn Belopp (kr): '1000²' innehåller tecknet '²'"),
    ("faktura-1900", _faktura_1900, "kolumn Fakturadatum: 1900-01-02 ligger långt från avtalets period"),
    ("faktura-veckodatum", _faktura_veckodatum, "kolumn Fakturadatum: '2024-W07-4' är inget datum; ange ÅÅÅÅ-MM-DD"),
    ("fel-kommunnamn", _kommun_fel, "kolumn Kommun: 'Göteborg' stämmer inte med kommunkod 2029 (Leksand)"),
]  # fmt: skip
for namn, andra, meddelande in MALLFALL:
    fall("excel", f"mall-{namn}", 2, meddelande)(mall(andra))

for suffix, meddelande in [
    (".xlsm", "är en makroaktiverad arbetsbok (.xlsm); spara den som Excel-arbetsbok (.xlsx)"),
    (".xls", "är i Excels gamla format (.xls)"),
    (".ods", "är ett OpenDocument-kalkylark (.ods)"),
    (".csv", "är en enskild CSV-fil; ange mappen"),
    (".txt", "är varken en Excelmall (.xlsx) eller en mapp med CSV-filer"),
]:
    fall("excel", f"mall-filtyp{suffix}", 2, meddelande)(mall(filnamn=f"underlag{suffix}"))


@fall("excel", "mall-trasig", 2, "kan inte läsas som Excelarbetsbok")
def _(m):
    m.fil("underlag.xlsx", b"PK\x03\x04" + os.urandom(2000))
    return [*FAKTURA, "--underlag", "underlag.xlsx"]


@fall("excel", "mall-inte-zip", 2, "kan inte läsas som Excelarbetsbok")
def _(m):
    m.fil("underlag.xlsx", "kommunkod;kommun\n2080;Falun\n")
    return [*FAKTURA, "--underlag", "underlag.xlsx"]


# --- ögonblicksbilder från SCB -------------------------------------------------------------------


def ogonblicksbild(
    andra: Callable[[list[str]], list[str]], uppdatera_hash: bool = False, meta: str | None = None
) -> Fall:
    """En hämtad ögonblicksbild för Dalarna 2023-06-30 (samma siffror som de medföljande), ändrad."""

    def f(m: Miljo) -> list[str]:
        mapp = m.data / "befolkning" / "hamtat" / "2025-01-01T000000-20"
        mapp.mkdir(parents=True)
        kalla = "SCB TAB5444 2023M06 (uppdaterad 2024-02-21, hämtad 2025-01-01)"
        rader = ["kommunkod,kommun,lanskod,datum,folkmangd,kalla"]
        for r in (ROT / "data" / "befolkning" / "folkmangd_dalarna.csv").read_text(encoding="utf-8").splitlines()[1:]:
            d = r.split(",")
            if d[3] == "2023-06-30":
                rader.append(",".join([*d[:5], f'"{kalla}"']))
        orord = "\n".join(rader) + "\n"
        (mapp / "folkmangd.csv").write_text(orord, encoding="utf-8")
        sha = hashlib.sha256(orord.encode()).hexdigest()
        ny = "\n".join(andra(rader)) + "\n"
        (mapp / "folkmangd.csv").write_text(ny, encoding="utf-8")
        if uppdatera_hash:
            sha = hashlib.sha256(ny.encode()).hexdigest()
        text = meta if meta is not None else yaml.safe_dump({"beskrivning": "test", "filer": {"folkmangd.csv": sha}})
        (mapp / "metadata.yaml").write_text(text, encoding="utf-8")
        return [*FAKTURA, "--format", "csv"]

    return f


def _gange_tio(rader):
    return [
        re.sub(r"^(2080,Falun,20,2023-06-30,)(\d+)", lambda x: x.group(1) + str(int(x.group(2)) * 10), r) for r in rader
    ]


SNAPSHOT = [
    ("falun-gange-tio", _gange_tio, False, None, "folkmangd.csv har ändrats efter hämtningen (SHA-256 stämmer inte"),
    ("falun-gange-tio-ny-hash", _gange_tio, True, None, None),  # hashen stämmer: siffrorna godtas (se nedan)
    ("stockholm-rad", lambda r: [*r, "0180,Stockholm,01,2023-06-30,984748,SCB"], True, None,
     "den gäller län 20 men har rader för 01"),
    ("dubbel-rad", lambda r: [*r, r[5]], True, None, "står mer än en gång för 2023-06-30"),
    ("kommun-saknas", lambda r: [x for x in r if not x.startswith("2080,")], True, None,
     "kommun 2080 saknas för 2023-06-30"),
    ("fel-namn", lambda r: [x.replace("2080,Falun", "2080,Falu") for x in r], True, None,
     "kommun 2080 heter 'Falu', inte Falun"),
    ("inte-tal", lambda r: [re.sub(r"^(2080,Falun,20,2023-06-30,)\d+", r"\1många", x) for x in r], True, None,
     "kolumn folkmangd: 'många' är inte ett heltal"),
    ("negativ", lambda r: [re.sub(r"^(2080,Falun,20,2023-06-30,)(\d+)", r"\1-\2", x) for x in r], True, None,
     "kolumn folkmangd: -"),
    ("metadata-saknar-filer", lambda r: r, False, "beskrivning: test\n", "metadata.yaml anger ingen SHA-256 för folkmangd.csv"),
    ("metadata-trasig", lambda r: r, False, "filer: [\n", "metadata.yaml går inte att läsa"),
]  # fmt: skip
for namn, andra, uppdatera, meta, meddelande in SNAPSHOT:
    if meddelande is not None:
        fall("ogonblicksbild", f"ogonblicksbild-{namn}", 2, meddelande)(ogonblicksbild(andra, uppdatera, meta))


@fall("ogonblicksbild", "ogonblicksbild-utan-metadata", 2, "metadata.yaml saknas")
def _(m):
    argv = ogonblicksbild(lambda r: r)(m)
    (m.data / "befolkning" / "hamtat" / "2025-01-01T000000-20" / "metadata.yaml").unlink()
    return argv


# --- var utdata hamnar --------------------------------------------------------------------------


@fall("utdata", "ut-i-data", 2, "ligger i datamappen (data/); analys skriver aldrig där")
def _(m):
    return [*FORDELNING, "--format", "csv", "--ut", str(m.data / "avtal" / "2024.yaml"), "--skriv-over"]


@fall("utdata", "ut-i-data-via-symlank", 2, "ligger i datamappen (data/)")
def _(m):
    (m.arbete / "genvag").symlink_to(m.data / "avtal")
    return [*FORDELNING, "--format", "csv", "--ut", "genvag/2024.yaml", "--skriv-over"]


@fall("utdata", "ut-i-notebooks", 2, "ligger i notebookmappen (notebooks/)")
def _(m):
    return [*FORDELNING, "--format", "csv", "--ut", str(ROT / "notebooks" / "x.csv")]


@fall("utdata", "ut-samma-som-underlag", 2, "är en av kommandots indata")
def _(m):
    shutil.copytree(EXEMPEL, m.arbete / "underlag")
    return [*FAKTURA, "--underlag", "underlag", "--format", "csv", "--ut", "underlag/aktivitet.csv", "--skriv-over"]


@fall("utdata", "ut-samma-som-vikter", 2, "är en av kommandots indata")
def _(m):
    vikter(viktrader())(m)
    return [*FORDELNING, "--nyckel", "egen", "--vikter", "vikter.csv", "--format", "csv", "--ut", "vikter.csv",
            "--skriv-over"]  # fmt: skip


@fall("utdata", "ut-samma-som-avtalsfil", 2, "är en av kommandots indata")
def _(m):
    m.fil("avtal.yaml", AVTAL_2024)
    return ["fordelning", "--avtal", "avtal.yaml", "--format", "csv", "--ut", "avtal.yaml", "--skriv-over"]


@fall("utdata", "ut-ar-mapp", 2, "är en mapp; ange ett filnamn")
def _(m):
    (m.arbete / "ut").mkdir()
    return [*FORDELNING, "--format", "csv", "--ut", "ut", "--skriv-over"]


@fall("utdata", "ut-ar-enhet", 2, "är ingen vanlig fil")
def _(m):
    return [*FORDELNING, "--format", "csv", "--ut", "/dev/null", "--skriv-over"]


@fall("utdata", "ut-ar-fifo", 2, "är ingen vanlig fil")
def _(m):
    os.mkfifo(m.arbete / "ror")
    return [*FORDELNING, "--format", "csv", "--ut", "ror", "--skriv-over"]


@fall("utdata", "ut-finns-redan", 2, "finns redan och skrivs inte över")
def _(m):
    m.fil("finns.csv", "min fil\n")
    return [*FORDELNING, "--format", "csv", "--ut", "finns.csv"]


@fall("utdata", "mall-ut-i-data", 2, "ligger i datamappen (data/)")
def _(m):
    return ["mall", "--avtal", "2024", "--ut", str(m.data / "mall.xlsx")]


@fall("utdata", "rapport-ut-i-data", 2, "ligger i datamappen (data/); analys skriver aldrig där")
def _(m):
    return ["rapport", "--ut", str(m.data / "rapporter")]


@fall("utdata", "rapport-ut-i-notebooks", 2, "ligger i notebookmappen (notebooks/)")
def _(m):
    return ["rapport", "--ut", str(ROT / "notebooks")]


# --- testet ----------------------------------------------------------------------------------------


def _filer(rot: Path) -> set[str]:
    return {p.relative_to(rot).as_posix() for p in rot.rglob("*")}


@pytest.mark.parametrize("namn", sorted(FALL))
def test_bad_input_is_refused_clearly_and_changes_nothing(namn, miljo, cli):
    _, skapa, kod, meddelande = FALL[namn]
    argv = skapa(miljo)
    data_fore = ogonblick(miljo.data)
    arbete_fore = _filer(miljo.arbete)
    arbete_innehall = ogonblick(miljo.arbete)
    notebooks_fore = _filer(ROT / "notebooks")

    r = cli(*argv)

    assert r.rc == kod, r.err
    assert meddelande in r.err, r.err
    assert r.err.startswith(("analys: fel: ", "användning: ")), r.err
    assert "Traceback" not in r.err and "Error" not in r.err and "Exception" not in r.err, r.err
    assert ogonblick(miljo.data) == data_fore, "data/ ändrades"
    assert _filer(miljo.arbete) == arbete_fore, "en utfil eller tillfällig fil blev kvar"
    assert ogonblick(miljo.arbete) == arbete_innehall, "en fil i arbetsmappen ändrades"
    assert _filer(ROT / "notebooks") == notebooks_fore
    assert r.out == ""


def test_there_are_enough_cases_of_every_kind():
    per_sort: dict[str, int] = {}
    for sort, *_ in FALL.values():
        per_sort[sort] = per_sort.get(sort, 0) + 1
    assert sum(per_sort.values()) >= 120, per_sort
    assert set(per_sort) == {"kommandorad", "yaml", "csv", "excel", "ogonblicksbild", "utdata"}
    assert min(per_sort.values()) >= 8, per_sort


def test_a_snapshot_whose_hash_was_also_changed_is_checked_on_content(miljo, cli):
    """Ändras både siffran och hashen i metadata.yaml går siffran inte att upptäcka med hashen, men
    innehållet kontrolleras ändå (länets kommuner, namn, positiva heltal), och källan namnges:
    fakturan säger vilken ögonblicksbild den bygger på."""
    ogonblicksbild(_gange_tio, uppdatera_hash=True)(miljo)
    r = cli("fordelning", "--avtal", "2024")
    assert r.rc == 0, r.err
    assert "hamtat/2025-01-01T000000-20/folkmangd.csv" in r.out
