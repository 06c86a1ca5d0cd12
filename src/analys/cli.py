"""Kommandoraden `analys`: ett tunt lager över biblioteket, med svensk hjälp och svenska fel.

Fel i indata skrivs som en mening på standardfel och ger slutkod 2, aldrig en traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
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


def _belopp(text: str) -> int:
    """Belopp i hela kronor; mellanslag som tusentalsavgränsare går bra ('1 030 000')."""
    t = text.replace(" ", "").replace("\u00a0", "").replace("_", "")
    if not re.fullmatch(r"-?\d+", t):
        raise AnalysError(f"Ogiltigt belopp '{text}': ange hela kronor som ett heltal, t.ex. 400000 eller '1 030 000'.")
    varde = int(t)
    if varde < 0:
        raise AnalysError(f"Ogiltigt belopp '{text}': beloppet kan inte vara negativt.")
    return varde


def _fast_andel(text: str):
    from decimal import Decimal, InvalidOperation

    try:
        varde = Decimal(text.replace(",", "."))
    except InvalidOperation:
        varde = Decimal("NaN")
    if not varde.is_finite() or not (0 <= varde <= 1):
        raise AnalysError(f"Ogiltig fast andel '{text}': ange ett tal från 0 till 1, t.ex. 0.3 för 30 % lika delar.")
    return varde


def _lanskod(text: str) -> str:
    from analys.befolkning import lan_namn

    kod = text.strip().zfill(2) if text.strip().isdigit() else text.strip()
    lan_namn(kod)  # okänd länskod ger ett fel som listar de giltiga
    return kod


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="analys",
        description=(
            "Fördelning av regionala kostnader för Yrkesresan och BBIC mellan länets kommuner, "
            "efter SCB:s befolkningsstatistik."
        ),
    )
    p.add_argument("--version", action="version", version=f"analys {__version__}")
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
            "         analys fordelning --avtal 2024 --format xlsx --ut fordelning-2024.xlsx"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    f.add_argument(
        "--avtal",
        metavar="ÅR|FIL",
        help="ta belopp, datum och nyckel ur ett avtal i data/avtal/ (t.ex. 2024) "
        "eller en avtalsfil; övriga flaggor går före",
    )
    f.add_argument("--belopp", metavar="KR", help="belopp att fördela, hela kronor")
    f.add_argument(
        "--befolkningsdatum",
        metavar="DATUM",
        help="befolkningens referensdatum: ÅÅÅÅ-MM-DD, eller ett år (= 31 december)",
    )
    f.add_argument("--lan", metavar="KOD", help="länskod med två siffror (standard 20, Dalarna)")
    f.add_argument(
        "--nyckel",
        choices=["befolkning", "lika", "blandad", "egen"],
        help="fördelningsnyckel (standard befolkning)",
    )
    f.add_argument("--fast-andel", metavar="TAL", help="för nyckeln blandad: andel som delas lika, 0–1 (standard 0.3)")
    f.add_argument(
        "--vikter", metavar="FIL", type=Path, help="för nyckeln egen: CSV-fil med rubrikraden kommunkod,vikt"
    )
    f.add_argument(
        "--exkludera",
        metavar="KOMMUNKOD",
        nargs="+",
        default=[],
        help="kommuner som inte deltar; beloppet fördelas på de övriga",
    )
    f.add_argument(
        "--format",
        choices=["tabell", "csv", "json", "xlsx"],
        default="tabell",
        help="tabell (för läsning, standard), csv eller json (maskinläsbart), xlsx (arbetsbok, kräver --ut)",
    )
    f.add_argument("--ut", metavar="FIL", type=Path, help="skriv till en fil i stället för skärmen")
    f.add_argument("--skriv-over", action="store_true", help="ersätt filen i --ut om den finns")
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
            "         analys scenario --scenario bas okning --fran 2024 --till 2030\n"
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
    s.add_argument("--fran", metavar="ÅR", type=int, default=2024, help="första år (standard 2024)")
    s.add_argument("--till", metavar="ÅR", type=int, default=2030, help="sista år (standard 2030)")
    s.add_argument(
        "--format",
        choices=["tabell", "csv", "xlsx"],
        default="tabell",
        help="tabell (standard), csv (maskinläsbart) eller xlsx (kräver --ut)",
    )
    s.add_argument("--ut", metavar="FIL", type=Path, help="skriv till en fil i stället för skärmen")
    s.add_argument("--skriv-over", action="store_true", help="ersätt filen i --ut om den finns")
    s.add_argument("--lista", action="store_true", help="lista scenarierna och avsluta")
    s.set_defaults(run=run_scenario)

    r = sub.add_parser(
        "rapport",
        help="kör rapporterna i data/rapporter.yaml (HTML, Excel, notebook)",
        description=(
            "Kör rapporterna i data/rapporter.yaml med papermill, parallellt. Varje rapport hamnar i "
            "reports/<namn>/ som körd notebook, HTML utan kod och Excelarbetsbok. En rapport som "
            "misslyckas stoppar inte de andra; slutkoden är 1 om någon misslyckades."
        ),
        epilog="Exempel: analys rapport --bara fordelning-2024 kommunblad --jobb 2",
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
            "och utbildarpotten (kredit) till som egna rader."
        ),
        epilog="Exempel: analys faktura --avtal 2024 --fakturadatum 2024-02-15 --format csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fk.add_argument(
        "--avtal", metavar="ÅR|FIL", required=True, help="avtal i data/avtal/ (t.ex. 2024) eller en avtalsfil"
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
        choices=["tabell", "csv", "xlsx"],
        default="tabell",
        help="tabell (standard), csv eller xlsx (kräver --ut)",
    )
    fk.add_argument("--ut", metavar="FIL", type=Path, help="skriv till en fil i stället för skärmen")
    fk.add_argument("--skriv-over", action="store_true", help="ersätt filen i --ut om den finns")
    fk.set_defaults(run=run_faktura)

    m = sub.add_parser(
        "mall",
        help="tom Excelmall för aktivitet, utfall och fakturor",
        description="Skriv en tom, formaterad Excelmall med länets kommuner förifyllda, att fylla i för uppföljningen.",
        epilog="Exempel: analys mall --avtal 2024 --ut underlag-2024.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    m.add_argument("--avtal", metavar="ÅR|FIL", default="2024", help="avtalet mallen gäller (standard 2024)")
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
        epilog="Exempel: analys hamta-befolkning --lan 20 --fran 2020 --till 2025 --manad 2023M06 2024M06",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    h.add_argument("--lan", metavar="KOD", default="20", help="länskod (standard 20, Dalarna)")
    h.add_argument("--fran", metavar="ÅR", type=int, help="första år (31 december), standard 2015")
    h.add_argument("--till", metavar="ÅR", type=int, help="sista år (31 december), standard 2025")
    h.add_argument("--manad", metavar="ÅÅÅÅMmm", nargs="+", default=[], help="månader, t.ex. 2023M06")
    h.add_argument("--prognos", action="store_true", help="hämta även SCB:s befolkningsprognos per kommun")
    h.set_defaults(run=run_hamta)
    return p


def run_hamta(args: argparse.Namespace) -> int:
    from datetime import date

    from analys.befolkning import befolkning_dir, lan_namn
    from analys.paths import visningsvag
    from analys.scb import Period, ScbError, fetch, parse_manad

    lanskod = _lanskod(args.lan)
    perioder = [parse_manad(m) for m in args.manad]
    if args.fran is not None or args.till is not None or not (perioder or args.prognos):
        fran = args.fran if args.fran is not None else 2015
        till = args.till if args.till is not None else 2025
        if not 1968 <= fran <= till <= 2100:
            raise AnalysError(f"Ogiltiga år: --fran {fran} och --till {till} (1968 eller senare, --fran ≤ --till).")
        perioder += [Period("31dec", str(a), date(a, 12, 31)) for a in range(fran, till + 1)]
    if args.prognos:
        perioder.append(Period("prognos", "", date(2100, 12, 31)))
    try:
        h = fetch(lanskod, perioder, befolkning_dir() / "hamtat")
    except ScbError as e:
        raise ScbError(f"{e} De medföljande siffrorna används som förut; inget under data/ har ändrats.") from None
    print(
        f"Hämtade {h.rader} siffror för {lan_namn(lanskod)} ({', '.join(h.tabeller)}) till {visningsvag(h.mapp)}/.",
        file=sys.stderr,
    )
    return 0


def _datum_arg(text: str, flagga: str):
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AnalysError(f"Ogiltigt datum i {flagga} '{text}': ange ÅÅÅÅ-MM-DD, t.ex. 2024-02-15.") from None


def run_faktura(args: argparse.Namespace) -> int:
    from datetime import date

    from analys import faktura
    from analys.avtal import load_avtal
    from analys.paths import visningsvag
    from analys.uppfoljning import read_underlag
    from analys.visning import proveniens

    _check_output(args)
    avtal, path = load_avtal(args.avtal)
    fakturadatum = _datum_arg(args.fakturadatum, "--fakturadatum") if args.fakturadatum else date.today()
    underlag = read_underlag(args.underlag, avtal) if args.underlag else None
    df = faktura.compute_fakturor(avtal, fakturadatum, underlag)
    if args.format == "xlsx":
        kallor = proveniens(
            [
                ("Avtal", avtal.namn),
                ("Avtalsfil", visningsvag(path)),
                ("Fakturadatum", fakturadatum.isoformat()),
                ("Underlag", underlag.kalla if underlag else "inget (bara fasta kostnader)"),
            ]
        )
        faktura.write_xlsx(df, avtal, kallor, args.ut)
        return _write_output(args, None)
    text = faktura.to_csv(df) if args.format == "csv" else faktura.to_tabell(df, avtal)
    return _write_output(args, text)


def run_mall(args: argparse.Namespace) -> int:
    from analys.avtal import load_avtal
    from analys.io import check_writable
    from analys.mall import write_mall

    if args.ut.suffix.lower() != ".xlsx":
        raise AnalysError(f"Mallen skrivs som Excelarbetsbok: ge filen ändelsen .xlsx (fick {args.ut.name}).")
    check_writable(args.ut, args.skriv_over)
    avtal, _ = load_avtal(args.avtal)
    write_mall(avtal, args.ut)
    print(f"Skrev {args.ut}", file=sys.stderr)
    return 0


def run_rapport(args: argparse.Namespace) -> int:
    import time

    from analys.rapport import load_korningar, reports_dir, run_all, summary

    korningar = load_korningar(args.config)
    if args.lista:
        for k in korningar:
            par = ", ".join(f"{n}={v!r}" for n, v in k.parametrar.items())
            print(f"{k.namn}  ({k.notebook.name}; {par})")
        return 0
    if args.jobb is not None and args.jobb < 1:
        raise AnalysError(f"--jobb måste vara minst 1 (fick {args.jobb}).")
    if args.bara:
        valda = [k for k in korningar if any(k.namn == b or k.namn.startswith(b + "-") for b in args.bara)]
        okanda = [b for b in args.bara if not any(k.namn == b or k.namn.startswith(b + "-") for k in korningar)]
        if okanda:
            raise AnalysError(f"Rapporten '{okanda[0]}' finns inte. Rapporter: {', '.join(k.namn for k in korningar)}.")
        korningar = valda
    ut = args.ut or reports_dir()
    start = time.perf_counter()
    utfall = run_all(korningar, ut, args.jobb)
    print(summary(utfall, ut, time.perf_counter() - start), file=sys.stderr)
    return 0 if all(u.ok for u in utfall) else 1


def run_scenario(args: argparse.Namespace) -> int:
    from analys.antaganden import FORSTA_AR, SISTA_AR, antaganden_dir, read_scenarier
    from analys.kostnadsmodell import compute_scenarier
    from analys.paths import visningsvag
    from analys.scenariotext import to_csv, to_tabell, write_scenario_xlsx

    bas_path = args.antaganden or antaganden_dir() / "bas.yaml"
    if not Path(bas_path).is_file():
        raise AnalysError(f"Antagandefilen {bas_path} finns inte.")
    scen_path = args.scenarier or Path(bas_path).parent / "scenarier.yaml"
    scenarier = read_scenarier(scen_path)
    if args.lista:
        bredd = max(len(n) for n in scenarier)
        for namn, sc in scenarier.items():
            print(f"{namn.ljust(bredd)}  {sc.beskrivning}")
        return 0
    for ar in (args.fran, args.till):
        if not FORSTA_AR <= ar <= SISTA_AR:
            raise AnalysError(f"Året {ar} ligger utanför modellens år {FORSTA_AR}–{SISTA_AR}.")
    if args.till < args.fran:
        raise AnalysError(f"--till ({args.till}) ligger före --fran ({args.fran}).")
    okanda = [s for s in args.scenario if s not in scenarier]
    if okanda:
        raise AnalysError(
            f"Scenariot '{okanda[0]}' finns inte i {visningsvag(scen_path)}. "
            f"Scenarier som finns: {', '.join(scenarier)}."
        )
    _check_output(args)
    per_kommun, per_ar = compute_scenarier(
        list(dict.fromkeys(args.scenario)), args.fran, args.till, args.antaganden, args.scenarier
    )
    beskrivningar = {n: s.beskrivning for n, s in scenarier.items()}
    kallor = [visningsvag(Path(bas_path)), visningsvag(Path(scen_path))]
    if args.format == "xlsx":
        write_scenario_xlsx(per_kommun, per_ar, beskrivningar, kallor, args.ut)
        return _write_output(args, None)
    text = to_csv(per_kommun) if args.format == "csv" else to_tabell(per_kommun, per_ar, beskrivningar, kallor)
    return _write_output(args, text)


def _check_output(args: argparse.Namespace) -> None:
    """Före räkningen: xlsx kräver --ut, och en befintlig fil skrivs bara över med --skriv-over."""
    from analys.io import check_writable

    if args.format == "xlsx" and args.ut is None:
        raise AnalysError("Formatet xlsx kräver en fil att skriva till: lägg till --ut FIL.xlsx.")
    if args.ut is not None:
        check_writable(args.ut, args.skriv_over)


def _write_output(args: argparse.Namespace, text: str | None) -> int:
    """Texten till --ut (atomiskt) eller till skärmen; `None` = filen är redan skriven."""
    from analys.io import write_text_atomic

    if text is not None and args.ut is None:
        sys.stdout.write(text)
        return 0
    if text is not None:
        write_text_atomic(args.ut, text)
    print(f"Skrev {args.ut}", file=sys.stderr)
    return 0


def run_fordelning(args: argparse.Namespace) -> int:
    from analys.fordelningsrapport import build_fordelning
    from analys.utdata import to_csv, to_json, to_tabell

    _check_output(args)
    df, info = build_fordelning(
        avtal=args.avtal,
        belopp=_belopp(args.belopp) if args.belopp is not None else None,
        befolkningsdatum=args.befolkningsdatum,
        lan=_lanskod(args.lan) if args.lan is not None else None,
        nyckel=args.nyckel,
        fast_andel=_fast_andel(args.fast_andel) if args.fast_andel is not None else None,
        vikter=args.vikter,
        exkludera=tuple(args.exkludera),
    )
    if args.format == "xlsx":
        from analys.excel import write_fordelning_xlsx

        write_fordelning_xlsx(df, info, args.ut)
        return _write_output(args, None)
    text = {
        "csv": to_csv,
        "json": lambda d: to_json(d, info),
        "tabell": lambda d: to_tabell(d, info),
    }[args.format](df)
    return _write_output(args, text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except AnalysError as e:
        print(f"analys: fel: {e}", file=sys.stderr)
        return e.exit_code
    except OSError as e:
        fil = f" {e.filename}" if e.filename else ""
        print(f"analys: fel: kunde inte läsa eller skriva{fil}: {e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("analys: avbrutet.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
