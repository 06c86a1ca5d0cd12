"""Kommandoraden `analys`: flaggor, hjälptexter och slutkoder; varje kommando anropar en funktion.

Fel i indata skrivs som en mening på standardfel och ger slutkod 2, aldrig en traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analys import __version__
from analys.fel import AnalysError

# argparse skriver sina egna texter på engelska; de användaren ser översätts här.
_ARGPARSE_SV = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa programmets version och avsluta",
    "the following arguments are required: %s": "följande argument krävs: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "expected one argument": "förväntade ett värde",
    "expected at least one argument": "förväntade minst ett värde",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "not allowed with argument %s": "går inte att kombinera med %s",
    "ambiguous option: %(option)s could match %(matches)s": ("tvetydig flagga: %(option)s kan betyda %(matches)s"),
    "one of the arguments %s is required": "ett av argumenten %s krävs",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
}


def _oversatt(text: str) -> str:
    return _ARGPARSE_SV.get(text, text)


argparse._ = _oversatt  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fel: {message}\n")


def _utfil(p: argparse.ArgumentParser) -> None:
    """--ut och --skriv-over, som alla kommandon som kan skriva en fil har."""
    p.add_argument("--ut", metavar="FIL", type=Path, help="skriv till en fil i stället för skärmen")
    p.add_argument("--skriv-over", action="store_true", help="ersätt filen i --ut om den finns")


@dataclass(frozen=True)
class _Mappen:
    """Det hjälptexterna säger om standardvärden och exempel: analys-mappens län, dess senaste
    avtal och två av länets kommuner, eller Dalarnas exempel utanför en analys-mapp."""

    lan: str
    lannamn: str
    i_mapp: bool
    avtal: int
    kommun: str
    kod: str
    beslutande: str  # vem som fastställer avtalen (analys.yaml)

    @property
    def lantext(self) -> str:
        if self.i_mapp:
            return f"{self.lan}, {self.lannamn}, ur analys.yaml"
        return f"{self.lan}, {self.lannamn}: ingen analys-mapp här, så exemplet som följer med"


def _mappen() -> _Mappen:
    """Mappen som hjälptexterna beskriver. Ett fel i mappen visas när kommandot körs, inte här."""
    from datetime import date

    from analys.flode.fordelning import senaste_avtal
    from analys.indata.befolkning import lan_namn, load_kommuner
    from analys.indata.projekt import BESLUTANDE, las_projekt

    fel = (AnalysError, OSError, ValueError, IndexError, KeyError)
    exemplet = _Mappen("20", "Dalarnas län", False, date.today().year, "Avesta", "2084", BESLUTANDE)
    try:
        projekt = las_projekt()
    except fel:
        return exemplet
    lan = projekt.lan if projekt else "20"
    try:
        kommuner = load_kommuner()
        rad = kommuner[kommuner["lanskod"] == lan].sort_values("kommun").iloc[0]
        ar = senaste_avtal()
        senaste = int(ar) if ar else date.today().year
        beslutande = projekt.beslutande if projekt else BESLUTANDE
        return _Mappen(
            lan, lan_namn(lan), projekt is not None, senaste, str(rad["kommun"]), str(rad["kommunkod"]), beslutande
        )
    except fel:
        if projekt is None:
            return exemplet
        # Mappens län saknas i befolkningsdatan: felet visas när kommandot körs; hjälpen nämner
        # ändå mappens län och ingen annan läns kommun.
        return _Mappen(
            lan, f"län {lan}", projekt is not None, date.today().year, "kommunen", f"{lan}01", projekt.beslutande
        )


def build_parser() -> argparse.ArgumentParser:
    m_ = _mappen()
    A, K, KOD = m_.avtal, m_.kommun, m_.kod
    p = _Parser(
        prog="analys",
        description=(
            "Fördelning av regionala kostnader för Yrkesresan och BBIC mellan länets kommuner, "
            "efter SCB:s befolkningsstatistik."
        ),
    )
    p.add_argument("--version", action="version", version=f"analys {__version__}", help="visa programmets version")
    p._optionals.title = "flaggor"
    sub = p.add_subparsers(dest="kommando", metavar="KOMMANDO", parser_class=_Parser)

    f = sub.add_parser(
        "fordelning",
        help="fördela ett belopp mellan kommunerna",
        description=(
            "Fördela ett belopp i hela kronor mellan kommunerna i ett län. Beloppen avrundas med "
            "största-restmetoden och summerar exakt till beloppet."
        ),
        epilog=(
            "Exempel: analys fordelning --belopp 400000 --befolkningsdatum 2020-12-31\n"
            f"         analys fordelning --avtal {A} --format xlsx --ut fordelning-{A}.xlsx"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    f.add_argument(
        "--avtal",
        metavar="ÅR|FIL",
        help=f"ta belopp, datum och nyckel ur ett avtal i data/avtal/ (t.ex. {A}) "
        "eller en avtalsfil; övriga flaggor går före",
    )
    f.add_argument("--belopp", metavar="KR", help="belopp att fördela, hela kronor")
    f.add_argument(
        "--befolkningsdatum",
        metavar="DATUM",
        help="befolkningens referensdatum: ÅÅÅÅ-MM-DD, eller ett år (= 31 december)",
    )
    f.add_argument("--lan", metavar="KOD", help=f"länskod med två siffror (standard {m_.lantext})")
    f.add_argument(
        "--nyckel",
        choices=["befolkning", "lika", "blandad", "egen"],
        help="fördelningsnyckel (standard befolkning)",
    )
    f.add_argument("--fast-andel", metavar="TAL", help="för nyckeln blandad: andel som delas lika, 0–1 (standard 0,3)")
    f.add_argument(
        "--vikter", metavar="FIL", type=Path, help="för nyckeln egen: CSV-fil med rubrikraden kommunkod,vikt"
    )
    f.add_argument(
        "--exkludera",
        metavar="KOMMUN",
        nargs="+",
        default=[],
        help=f"kommuner som inte deltar (kod eller namn, t.ex. {KOD} eller {K}); beloppet fördelas på de övriga",
    )
    f.add_argument(
        "--format",
        choices=["tabell", "csv", "excel-csv", "json", "xlsx"],
        default="tabell",
        help="tabell (för läsning, standard), csv eller json (maskinläsbart), excel-csv (för svensk Excel: "
        "semikolon, decimalkomma, UTF-8 med BOM), xlsx (arbetsbok, kräver --ut)",
    )
    _utfil(f)
    f.set_defaults(run=run_fordelning)

    s = sub.add_parser(
        "scenario",
        help="kostnad per kommun och år under olika antaganden",
        description=(
            "Räkna vad varje kommun betalar år för år (fast kostnad, kursavgifter, pott tillbaka, netto) "
            "under ett eller flera scenarier ur data/antaganden/."
        ),
        epilog=(
            "Exempel: analys scenario --lista\n"
            f"         analys scenario --scenario bas okning --fran {A} --till {A + 6}\n"
            "         analys scenario --scenario bas samverkan --format xlsx --ut scenarier.xlsx"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--antaganden", metavar="FIL", type=Path, help="antagandefil (standard data/antaganden/bas.yaml)")
    s.add_argument(
        "--scenarier",
        metavar="FIL",
        type=Path,
        help="scenariofil (standard scenarier.yaml bredvid antagandefilen)",
    )
    s.add_argument("--scenario", metavar="NAMN", nargs="+", default=["bas"], help="scenarier att räkna (standard bas)")
    s.add_argument("--fran", metavar="ÅR", type=int, help="första år (standard antagandenas basår, basar i bas.yaml)")
    s.add_argument("--till", metavar="ÅR", type=int, help="sista år (standard sex år efter --fran)")
    s.add_argument(
        "--format",
        choices=["tabell", "csv", "excel-csv", "xlsx"],
        default="tabell",
        help="tabell (standard), csv (maskinläsbart), excel-csv (för svensk Excel) eller xlsx (kräver --ut)",
    )
    _utfil(s)
    s.add_argument("--kommun", metavar="KOMMUN", help=f"bara en kommun (kod eller namn, t.ex. {K})")
    s.add_argument("--lista", action="store_true", help="lista scenarierna och avsluta")
    s.set_defaults(run=run_scenario)

    r = sub.add_parser(
        "rapport",
        help="kör rapporterna i data/rapporter.yaml (HTML, Excel, notebook)",
        description=(
            "Kör rapporterna i data/rapporter.yaml med papermill, parallellt. Varje rapport hamnar i "
            "reports/<namn>/ som körd notebook, HTML, PDF och Excelarbetsbok. En rapport som "
            "misslyckas stoppar inte de andra; slutkoden är då 2 om felet låg i indata, annars 1."
        ),
        epilog=f"Exempel: analys rapport --bara fordelning-{A} kommunblad --jobb 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("--config", metavar="FIL", type=Path, help="rapportfil (standard data/rapporter.yaml)")
    r.add_argument(
        "--bara", metavar="NAMN", nargs="+", help="kör bara dessa rapporter (namn, eller gruppnamn som kommunblad)"
    )
    r.add_argument("--jobb", metavar="N", type=int, help="antal rapporter samtidigt (standard: antalet kärnor)")
    r.add_argument("--ut", metavar="KATALOG", type=Path, help="var rapporterna hamnar (standard reports/)")
    r.add_argument("--lista", action="store_true", help="lista rapporterna och avsluta")
    r.set_defaults(run=run_rapport)

    fk = sub.add_parser(
        "faktura",
        help="fakturaunderlag per kommun enligt ett avtal",
        description=(
            "Fakturaunderlag: en rad per kommun med kommunens andel av de fasta kostnaderna, fakturadatum "
            "och förfallodatum (fakturadatum + avtalets betalningsvillkor). Med --underlag läggs kursavgifter "
            "och utbildarpotten (kredit) till som egna rader och det som redan fakturerats dras av; varje kommun "
            "får en faktura med referensen ÅR-KKOMMUNKOD-NN (NN = körningens löpnummer), och ett netto under 0 "
            "är en kreditfaktura."
        ),
        epilog=(
            f"Exempel: analys faktura --avtal {A} --fakturadatum {A}-02-15 --format csv\n"
            f"         analys faktura --avtal {A} --underlag underlag-{A}.xlsx --fakturadatum {A}-11-15 --bokfor"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fk.add_argument(
        "--avtal",
        metavar="ÅR|FIL",
        help=f"avtal i data/avtal/ eller en avtalsfil (standard det senaste fastställda i data/avtal/, här {A})",
    )
    fk.add_argument("--fakturadatum", metavar="DATUM", help="ÅÅÅÅ-MM-DD (standard: i dag)")
    fk.add_argument(
        "--underlag",
        metavar="FIL",
        type=Path,
        help="ifylld mall (.xlsx) eller mapp med aktivitet.csv: lägger till kursavgifter och pott",
    )
    fk.add_argument(
        "--format",
        choices=["tabell", "csv", "excel-csv", "xlsx"],
        default="tabell",
        help="tabell (standard), csv (maskinläsbart), excel-csv (för svensk Excel) eller xlsx (kräver --ut)",
    )
    fk.add_argument("--kommun", metavar="KOMMUN", help="bara en kommuns fakturor (kod eller namn)")
    _utfil(fk)
    fk.add_argument(
        "--bokfor",
        action="store_true",
        help="för in fakturorna på underlagets blad Fakturor (eller i fakturor.csv), med en kopia av den förra "
        "filen; samma referens bokförs aldrig två gånger",
    )
    fk.add_argument(
        "--tillat-datum",
        action="store_true",
        help="godta fakturadatum (och datum på bladet Fakturor) utanför avtalets period, högst ett år från den",
    )
    fk.add_argument(
        "--slutlig",
        action="store_true",
        help="året är avslutat: tomma utbildardagar räknas som 0 och utbildarpotten krediteras",
    )
    fk.set_defaults(run=run_faktura)

    m = sub.add_parser(
        "mall",
        help="tom Excelmall för aktivitet, utfall och fakturor",
        description="Skriv en tom, formaterad Excelmall med länets kommuner förifyllda, att fylla i för uppföljningen.",
        epilog=f"Exempel: analys mall --avtal {A} --ut underlag-{A}.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    m.add_argument(
        "--avtal", metavar="ÅR|FIL", help=f"avtalet mallen gäller (standard det senaste i data/avtal/, här {A})"
    )
    m.add_argument("--ut", metavar="FIL", type=Path, required=True, help="mallens filnamn (.xlsx)")
    m.add_argument("--skriv-over", action="store_true", help="ersätt filen om den finns")
    m.set_defaults(run=run_mall)

    h = sub.add_parser(
        "hamta-befolkning",
        help="hämta folkmängd per kommun från SCB (PxWebApi 2.0)",
        description=(
            "Hämta SCB:s folkmängd per kommun för ett län och spara en daterad ögonblicksbild under "
            "data/befolkning/hamtat/. 31 december-siffror kommer ur TAB638 (till 2024) och TAB5557 (från "
            "2025), månadssiffror ur TAB5444 (till 2024M12) och TAB6471 (från 2025M01), prognosen ur TAB6008. "
            "Går något fel ändras ingenting och de medföljande siffrorna används som förut."
        ),
        epilog=f"Exempel: analys hamta-befolkning --lan {m_.lan} --fran 2020 --till 2025 --manad 2023M06 2024M06",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    h.add_argument("--lan", metavar="KOD", help=f"länskod (standard {m_.lantext})")
    h.add_argument("--fran", metavar="ÅR", type=int, help="första år (31 december), standard 2015")
    h.add_argument("--till", metavar="ÅR", type=int, help="sista år (31 december), standard 2025")
    h.add_argument("--manad", metavar="ÅÅÅÅMmm", nargs="+", default=[], help="månader, t.ex. 2023M06")
    h.add_argument("--prognos", action="store_true", help="hämta även SCB:s befolkningsprognos per kommun")
    h.add_argument(
        "--tidsgrans", metavar="SEK", type=float, help="längsta tid för hela hämtningen i sekunder (standard 120)"
    )
    h.set_defaults(run=run_hamta)

    _avtal_parser(sub, m_)

    n = sub.add_parser(
        "ny",
        help="skapa en analys-mapp för ett län",
        description=(
            "Skapa en ny analys-mapp för ett län: avtal och antaganden med länets kommuner ifyllda och "
            "platshållare för beloppen, rapportfil, notebooks och en README. Mappen får inte finnas."
        ),
        epilog="Exempel: analys ny halland --lan 13",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    n.add_argument("mapp", metavar="MAPP", type=Path, help="mappen som skapas")
    n.add_argument("--lan", metavar="KOD", required=True, help="länskod, t.ex. 13 för Hallands län")
    n.add_argument("--namn", metavar="NAMN", help="namnet i rapporterna (standard: RSS och länets namn)")
    n.set_defaults(run=run_ny)

    for namn, vad, port in (
        ("app", "utforskaren som en webbsida utan kod (Voilà)", 8866),
        ("lab", "JupyterLab med utforskaren öppen", 8888),
    ):
        j = sub.add_parser(
            namn,
            help=f"starta {vad}",
            description=(
                f"Starta {vad} i den analys-mapp du står i, med mappens data (data/, notebooks/). "
                "Flaggor efter -- går direkt till Jupyter."
            ),
            epilog=f"Exempel: analys {namn} --port {port + 1}\n         analys {namn} -- --no-browser",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        j.add_argument("--port", metavar="PORT", type=int, help=f"porten (standard {port})")
        j.add_argument("jupyterflaggor", metavar="FLAGGOR", nargs="*", help="flaggor till Jupyter, efter --")
        j.set_defaults(run=run_app, vad=namn)
    return p


def run_app(args: argparse.Namespace) -> int:
    from analys import app

    return app.starta(args.vad, args.port, args.jupyterflaggor)


def _avtal_parser(sub, m_: _Mappen) -> None:
    """`analys avtal forslag | faststall | lista | jamfor | historik`."""
    av = sub.add_parser(
        "avtal",
        help="årets avtal: förslag, jämförelse, beslut, lista och historik",
        description=(
            "Årets avtal i data/avtal/: skriv nästa års förslag ur antagandena, jämför det med förra avtalet, "
            f"fastställ det när {m_.beslutande} beslutat, och lista avtalen och vad kommunerna betalat."
        ),
        epilog=(
            f"Exempel: analys avtal forslag {m_.avtal + 1}\n"
            f"         analys avtal jamfor {m_.avtal + 1} --mot {m_.avtal}\n"
            f"         analys avtal faststall {m_.avtal + 1} --beslutsdatum {m_.avtal}-11-20\n"
            "         analys avtal lista"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    av._optionals.title = "flaggor"
    avsub = av.add_subparsers(dest="avtalskommando", metavar="KOMMANDO", parser_class=_Parser, required=True)

    fo = avsub.add_parser(
        "forslag",
        help="skriv ett förslag till avtal för ett år (data/avtal/ÅR.yaml, status: förslag)",
        description=(
            "Skriv data/avtal/ÅR.yaml som ett förslag: varje roll med tjänst och kostnad det året (indexerat), "
            "summan, kommunernas andel efter finansieringen i antagandena, och nyckel, betalningsvillkor, villkor "
            "och period ur det senaste fastställda avtalet. Befolkningsdatumet är samma tidpunkt på året som "
            "förra avtalets, ett år senare, om den siffran finns, annars den senaste som finns; filen säger vilket "
            "och varför. Beloppen märks förslag tills avtalet fastställs."
        ),
        epilog=f"Exempel: analys avtal forslag {m_.avtal + 1} --scenario bas",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fo.add_argument("ar", metavar="ÅR", type=int, help=f"avtalsåret, t.ex. {m_.avtal + 1}")
    fo.add_argument("--scenario", metavar="NAMN", default="bas", help="scenariot i antagandena (standard bas)")
    fo.add_argument(
        "--befolkningsdatum", metavar="DATUM", help="befolkningens referensdatum ÅÅÅÅ-MM-DD i stället för regeln"
    )
    fo.add_argument(
        "--skriv-over", action="store_true", help="ersätt ett tidigare förslag (aldrig ett fastställt avtal)"
    )
    fo.set_defaults(run=run_avtal_forslag)

    fs = avsub.add_parser(
        "faststall",
        help="gör förslaget för ett år till ett fastställt avtal",
        description=(
            "Gör förslaget i data/avtal/ÅR.yaml till ett fastställt avtal med samma belopp: status fastställt, "
            f"beslutat av {m_.beslutande} (beslutande i analys.yaml, eller --beslutat-av) och beslutsdatumet. "
            "Förslaget sparas som en kopia bredvid (.bak)."
        ),
        epilog=f"Exempel: analys avtal faststall {m_.avtal + 1} --beslutsdatum {m_.avtal}-11-20",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fs.add_argument("ar", metavar="ÅR", type=int, help=f"avtalsåret, t.ex. {m_.avtal + 1}")
    fs.add_argument("--beslutsdatum", metavar="DATUM", required=True, help="dagen beslutet fattades, ÅÅÅÅ-MM-DD")
    fs.add_argument(
        "--beslutat-av",
        metavar="NAMN",
        # argparse fyller i %-fält i hjälptexten: ett %-tecken i namnet skrivs %%.
        help=f"vem som fattade beslutet (standard: {m_.beslutande.replace('%', '%%')}, beslutande i analys.yaml)",
    )
    fs.set_defaults(run=run_avtal_faststall)

    li = avsub.add_parser(
        "lista",
        help="lista avtalen och förslagen med status, belopp och befolkningsdatum",
        description="Lista avtalen och förslagen i data/avtal/ för analys-mappens län.",
    )
    li.set_defaults(run=run_avtal_lista)

    jf = avsub.add_parser(
        "jamfor",
        help="per kommun förra → nya avtalet, med beloppseffekt och befolkningseffekt",
        description=(
            "Per kommun förra avtalets belopp → det nya, i kronor och procent, med förändringen delad exakt i "
            "en beloppseffekt (totalen ändrades) och en befolkningseffekt (andelarna ändrades), i hela kronor "
            "som går jämnt upp per kommun och i summan. Med --exkludera: fördelningen om en kommun inte skriver under."
        ),
        epilog=(
            f"Exempel: analys avtal jamfor {m_.avtal + 1} --mot {m_.avtal} --format csv\n"
            f"         analys avtal jamfor {m_.avtal + 1} --exkludera {m_.kommun}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    jf.add_argument("ar", metavar="ÅR", type=int, help=f"det nya avtalet (eller förslaget), t.ex. {m_.avtal + 1}")
    jf.add_argument("--mot", metavar="ÅR", type=int, help="avtalet att jämföra med (standard: det senaste före ÅR)")
    jf.add_argument(
        "--exkludera",
        metavar="KOMMUN",
        nargs="+",
        default=[],
        help="kommuner som inte skriver under (kod eller namn); det nya beloppet delas på de övriga",
    )
    jf.add_argument(
        "--format",
        choices=["tabell", "csv", "excel-csv", "xlsx"],
        default="tabell",
        help="tabell (standard), csv (maskinläsbart), excel-csv (för svensk Excel) eller xlsx (kräver --ut)",
    )
    _utfil(jf)
    jf.set_defaults(run=run_avtal_jamfor)

    hi = avsub.add_parser(
        "historik",
        help="vad varje kommun betalat enligt varje avtal och förslag",
        description=(
            "Varje avtal och förslag i data/avtal/, per kommun och år, med sitt slag (enligt avtal eller förslag), "
            "befolkningens referensdatum och fördelningsnyckeln."
        ),
        epilog="Exempel: analys avtal historik --format csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    hi.add_argument(
        "--format",
        choices=["tabell", "csv", "excel-csv"],
        default="tabell",
        help="tabell (standard), csv (maskinläsbart) eller excel-csv (för svensk Excel)",
    )
    _utfil(hi)
    hi.set_defaults(run=run_avtal_historik)


def run_avtal_forslag(args: argparse.Namespace) -> int:
    from analys import kommandon

    sys.stdout.write(kommandon.avtal_forslag(args.ar, args.scenario, args.befolkningsdatum, args.skriv_over))
    return 0


def run_avtal_faststall(args: argparse.Namespace) -> int:
    from analys import kommandon
    from analys.indata import varden

    beslutsdatum = varden.datum(args.beslutsdatum, "--beslutsdatum")
    sys.stdout.write(kommandon.avtal_faststall(args.ar, beslutsdatum, args.beslutat_av))
    return 0


def run_avtal_lista(args: argparse.Namespace) -> int:
    from analys import kommandon

    sys.stdout.write(kommandon.avtal_lista())
    return 0


def run_avtal_jamfor(args: argparse.Namespace) -> int:
    from analys import kommandon

    _check_output(args)
    text = kommandon.avtal_jamfor_utdata(args.format, args.ut, args.ar, args.mot, tuple(args.exkludera))
    return _write_output(args, text)


def run_avtal_historik(args: argparse.Namespace) -> int:
    from analys import kommandon

    _check_output(args)
    return _write_output(args, kommandon.avtal_historik_utdata(args.format))


def run_ny(args: argparse.Namespace) -> int:
    from analys import ny
    from analys.indata import varden

    mapp = ny.skapa(args.mapp, varden.lanskod(args.lan), args.namn)
    print(
        f"Skapade analys-mappen {mapp}. Värdena i {mapp}/data/avtal/ och data/antaganden/ är exempel, "
        "märkta PLATSHÅLLARE: skriv in era, ta bort markeringarna och sätt exempel: false (se README.md i "
        "mappen). Tills dess är allt märkt påhittat, och faktura, mall och avtal faststall vägrar. "
        "Rapporterna: make reports (analys rapport) i mappen.",
        file=sys.stderr,
    )
    return 0


def run_hamta(args: argparse.Namespace) -> int:
    from analys.indata import scb, varden
    from analys.indata.projekt import standardlan

    lan = varden.lanskod(args.lan) if args.lan is not None else standardlan()
    print(scb.hamta(lan, args.fran, args.till, args.manad, args.prognos, args.tidsgrans), file=sys.stderr)
    return 0


def run_faktura(args: argparse.Namespace) -> int:
    from datetime import date

    from analys import kommandon
    from analys.indata import varden

    _check_output(args, (_fil(args.avtal), args.underlag))
    fakturadatum = varden.datum(args.fakturadatum, "--fakturadatum") if args.fakturadatum else date.today()
    text = kommandon.faktura_utdata(
        args.format,
        args.ut,
        args.avtal,
        fakturadatum,
        args.underlag,
        args.kommun,
        tillat_datum=args.tillat_datum,
        slutlig=args.slutlig,
        bokfor=args.bokfor,
    )
    if args.bokfor:
        return 0  # utdata och bokföringen är redan skrivna
    return _write_output(args, text)


def run_mall(args: argparse.Namespace) -> int:
    from analys import kommandon

    kommandon.skriv_mall(args.avtal, args.ut, args.skriv_over)
    print(f"Skrev {args.ut}", file=sys.stderr)
    return 0


def run_rapport(args: argparse.Namespace) -> int:
    from analys.korning import kommando

    return kommando.kor(args.config, args.bara, args.jobb, args.ut, args.lista)


def run_scenario(args: argparse.Namespace) -> int:
    from analys import kommandon

    if args.lista:
        sys.stdout.write(kommandon.scenario_lista(args.antaganden, args.scenarier))
        return 0
    _check_output(args, (args.antaganden, args.scenarier))
    text = kommandon.scenario_utdata(
        args.format, args.ut, args.scenario, args.fran, args.till, args.antaganden, args.scenarier, args.kommun
    )
    return _write_output(args, text)


def _check_output(args: argparse.Namespace, indata: tuple = ()) -> None:
    """Före räkningen: xlsx kräver --ut; --ut får inte vara en indatafil eller ligga bland indata,
    och en befintlig fil skrivs bara över med --skriv-over."""
    from analys.filer import check_writable

    if args.format == "xlsx" and args.ut is None:
        raise AnalysError("Formatet xlsx kräver en fil att skriva till: lägg till --ut FIL.xlsx.")
    if args.ut is not None:
        check_writable(args.ut, args.skriv_over, indata)


def _fil(namn: str | None) -> str | None:
    """--avtal som fil (inte ett år), för kontrollen att --ut inte skriver över den."""
    return namn if namn and Path(namn).suffix in (".yaml", ".yml") else None


def _write_output(args: argparse.Namespace, text: str | None) -> int:
    """Texten till --ut (atomiskt) eller till skärmen; `None` = filen är redan skriven."""
    from analys.filer import write_text_atomic

    if text is not None and args.ut is None:
        sys.stdout.write(text)
        return 0
    if text is not None:
        write_text_atomic(args.ut, text)
    print(f"Skrev {args.ut}", file=sys.stderr)
    return 0


def run_fordelning(args: argparse.Namespace) -> int:
    from analys import kommandon
    from analys.indata import varden

    _check_output(args, (_fil(args.avtal), args.vikter))
    text = kommandon.fordelning_utdata(
        args.format,
        args.ut,
        avtal=args.avtal,
        belopp=varden.belopp(args.belopp) if args.belopp is not None else None,
        befolkningsdatum=args.befolkningsdatum,
        lan=varden.lanskod(args.lan) if args.lan is not None else None,
        nyckel=args.nyckel,
        fast_andel=varden.fast_andel(args.fast_andel) if args.fast_andel is not None else None,
        vikter=args.vikter,
        exkludera=tuple(args.exkludera),
    )
    return _write_output(args, text)


def main(argv: Sequence[str] | None = None) -> int:
    import signal

    from analys.fel import Avbrott

    def sigterm(signum, frame):
        raise Avbrott(143)

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    fore = signal.signal(signal.SIGTERM, sigterm)
    try:
        return args.run(args)
    except AnalysError as e:
        print(f"analys: fel: {e}", file=sys.stderr)
        return e.exit_code
    except BrokenPipeError:
        # Utdata till `head` eller liknande som slutade läsa: inget fel. Stäng tyst, så att
        # Python inte skriver ett eget felmeddelande när stdout töms vid avslutningen.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        from analys.fel import os_fel_text

        fil = f" {e.filename}" if e.filename else ""
        print(f"analys: fel: kunde inte läsa eller skriva{fil}: {os_fel_text(e)}.", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Avbrott) as e:
        kod = e.exit_code if isinstance(e, Avbrott) else 130
        vad = "Ctrl-C" if kod == 130 else "SIGTERM"
        print(f"analys: avbrutet ({vad}); inget som redan var klart har ändrats.", file=sys.stderr)
        return kod
    finally:
        signal.signal(signal.SIGTERM, fore)
