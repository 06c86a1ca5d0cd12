"""Underlag som planeraren fyller i: uppföljningsmallen (Excel) eller CSV-filer med aktivitet,
utfall och fakturor, kostnadsmodellens aktivitetsfil och egna fördelningsvikter.

Samma kontroller gäller för mallen och CSV-mappen, och ett fel nämner blad (eller fil), rad och
kolumn.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from analys.begrepp import KOSTNADSPOSTER, Avtal, Underlag, iso_datum
from analys.fel import AnalysError
from analys.indata.befolkning import load_befolkning
from analys.indata.csvfil import kontrollera_siffror, normalisera_rubrik
from analys.indata.paths import data_dir, resolve, visningsvag

# Kostnadsposternas namn i mallen (bladet Utfall) och i rapporterna; läsaren tar också emot id:t.
POSTNAMN = {
    "lon": "Lön",
    "oh": "OH (overhead)",
    "resor": "Resor",
    "utrustning": "Utrustning",
    "kurskostnader": "Kurskostnader (lokaler, mat, material)",
    "ovrigt": "Övrigt",
}


# Blad/fil → kolumner i den ordning mallen har dem. Rubrikerna får inte ändras.
KOLUMNER = {
    "aktivitet": ["kommunkod", "kommun", "ar", "yrkesresa", "deltagardagar", "utbildardagar"],
    "utfall": ["ar", "kostnadspost", "belopp", "kommentar"],
    "fakturor": ["kommunkod", "kommun", "fakturadatum", "belopp", "avser"],
}
BLADNAMN = {"aktivitet": "Aktivitet", "utfall": "Utfall", "fakturor": "Fakturor"}
# Rubrikerna i mallen, som en person ser dem. Rubrikerna läses utan skillnad på stora och små
# bokstäver och å/ä/ö, så både "År" och "ar" går bra; "Belopp (kr)" är detsamma som "belopp".
MALLRUBRIKER = {
    "aktivitet": ["Kommunkod", "Kommun", "År", "Yrkesresa", "Deltagardagar", "Utbildardagar"],
    "utfall": ["År", "Kostnadspost", "Belopp (kr)", "Kommentar"],
    "fakturor": ["Kommunkod", "Kommun", "Fakturadatum", "Belopp (kr)", "Avser"],
}


def _kostnadspost(v) -> str:
    """Kostnadsposten som id ("lon") ur id:t eller namnet i mallen ("Lön", "OH (overhead)")."""
    if v is None:
        return ""
    poster = {**{k: k for k in KOSTNADSPOSTER}, **{_rubrik_id(n): k for k, n in POSTNAMN.items()}}
    return poster.get(_rubrik_id(v), "")


def _rubrik_id(text: str) -> str:
    return normalisera_rubrik(re.sub(r"\(kr\)", "", str(text or "")))


SUFFIX_RAD = {
    ".xlsm": "är en makroaktiverad arbetsbok (.xlsm); spara den som Excel-arbetsbok (.xlsx) och försök igen",
    ".xls": "är i Excels gamla format (.xls); spara den som Excel-arbetsbok (.xlsx) och försök igen",
    ".ods": "är ett OpenDocument-kalkylark (.ods); spara det som Excel-arbetsbok (.xlsx) och försök igen",
    ".csv": "är en enskild CSV-fil; ange mappen med aktivitet.csv, utfall.csv och fakturor.csv",
}
MAX_HELTAL = 10**12
_MAX_TEXT = "1 000 000 000 000"


def _kolumn(blad: str, namn: str) -> str:
    """ ", kolumn <rubriken i mallen>" för programmets kolumn `namn` på bladet (ar → År)."""
    return f", kolumn {MALLRUBRIKER[blad][KOLUMNER[blad].index(namn)]}"


def _plats(kalla: str, blad: str, rad: int) -> str:
    var = f"{kalla}, blad {BLADNAMN[blad]}" if kalla.endswith(".xlsx") else f"{kalla}/{blad}.csv"
    return f"{var}, rad {rad}"


def _oppna_arbetsbok(path: Path, kalla: str):
    """Arbetsboken två gånger: med sparade värden och med formlerna."""
    import zipfile

    from openpyxl import load_workbook

    try:
        return load_workbook(path, data_only=True), load_workbook(path, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise AnalysError(
            f"{kalla}: kan inte läsas som Excelarbetsbok; filen är trasig eller ingen .xlsx. Öppna den i "
            "Excel och spara den som Excel-arbetsbok (.xlsx)."
        ) from None
    except Exception:  # openpyxl kastar många sorters fel för trasiga filer
        raise AnalysError(
            f"{kalla}: kan inte läsas som Excelarbetsbok; öppna den i Excel och spara den som .xlsx."
        ) from None


def _kontrollera_bladet(ws, blad: str, kolumner: list[str], kalla: str) -> None:
    rubrik = [str(ws.cell(row=1, column=j).value or "").strip() for j in range(1, len(kolumner) + 1)]
    if [_rubrik_id(r) for r in rubrik] != kolumner:
        raise AnalysError(
            f"{kalla}, blad {BLADNAMN[blad]}, rad 1: rubrikerna ska vara {', '.join(MALLRUBRIKER[blad])} "
            f"(fick {', '.join(r for r in rubrik if r) or 'inga'}); ändra inte mallens rubrikrad."
        )
    for omrade in ws.merged_cells.ranges:
        if omrade.max_row >= 2 and omrade.min_col <= len(kolumner):
            raise AnalysError(
                f"{kalla}, blad {BLADNAMN[blad]}: cellerna {omrade.coord} är sammanslagna; dela upp dem "
                "(Start → Sammanfoga och centrera → Dela upp celler) så att varje rad har egna värden."
            )


def _radens_varden(ws, wf, i: int, blad: str, kolumner: list[str], kalla: str) -> list:
    varden = []
    for j in range(1, len(kolumner) + 1):
        v = ws.cell(row=i, column=j).value
        formel = wf.cell(row=i, column=j).value
        if isinstance(formel, str) and formel.startswith("=") and v is None:
            raise AnalysError(
                f"{_plats(kalla, blad, i)}{_kolumn(blad, kolumner[j - 1])}: cellen är en formel ({formel[:40]}) "
                "utan sparat värde. Öppna filen i Excel eller LibreOffice och spara den, så att värdet sparas."
            )
        varden.append(v.strip() if isinstance(v, str) else v)
    return varden


def _las_xlsx(path: Path, kalla: str) -> dict[str, list[tuple[int, list]]]:
    """Bladens rader ur mallen. Formler måste ha sparade värden; sammanslagna celler och dolda
    rader med innehåll godtas inte (de gör det otydligt vad som räknas)."""
    wb_varden, wb_formler = _oppna_arbetsbok(path, kalla)
    ut: dict[str, list[tuple[int, list]]] = {}
    for blad, kolumner in KOLUMNER.items():
        if BLADNAMN[blad] not in wb_varden.sheetnames:
            raise AnalysError(f"{kalla}: bladet {BLADNAMN[blad]} saknas; använd mallen från `analys mall`.")
        ws, wf = wb_varden[BLADNAMN[blad]], wb_formler[BLADNAMN[blad]]
        _kontrollera_bladet(ws, blad, kolumner, kalla)
        rader = []
        for i in range(2, ws.max_row + 1):
            varden = _radens_varden(ws, wf, i, blad, kolumner, kalla)
            if any(v not in (None, "") for v in varden):
                rader.append((i, varden))
        dolda = [i for i, _ in rader if ws.row_dimensions[i].hidden]
        if dolda:
            raise AnalysError(
                f"{kalla}, blad {BLADNAMN[blad]}: rad {', '.join(map(str, dolda))} är dold men har innehåll. "
                "Visa raden om den ska räknas, eller ta bort den."
            )
        ut[blad] = rader
    return ut


def _las_csv_mapp(path: Path, kalla: str) -> dict[str, list[tuple[int, list]]]:
    from analys.indata.csvfil import Kolumn, las_csv

    ut: dict[str, list[tuple[int, list]]] = {}
    finns = sorted(p.name for p in path.iterdir() if p.suffix.lower() == ".csv")
    for blad, kolumner in KOLUMNER.items():
        fil = path / f"{blad}.csv"
        if not fil.is_file():
            hittade = f" Mappen har {', '.join(finns)}." if finns else " Mappen har inga CSV-filer."
            raise AnalysError(
                f"{kalla}: {blad}.csv saknas. Mappen ska ha aktivitet.csv, utfall.csv och fakturor.csv; "
                f"en fil med bara rubrikraden betyder att inget är rapporterat än.{hittade}"
            )
        rader = las_csv(
            fil,
            [
                Kolumn(k, "text", kravs=False, alias=(m, f"{k} (kr)"))
                for k, m in zip(kolumner, MALLRUBRIKER[blad], strict=True)
            ],
            krav_rader=False,
            namn=f"{kalla}/{blad}.csv",
        )
        ut[blad] = [(r.rad, [r.varden[k] for k in kolumner]) for r in rader]
    return ut


def _las_blad(path: Path) -> tuple[dict[str, list[tuple[int, list]]], str]:
    """Rader per blad som (radnummer, värden). Rubrikraden kontrolleras här."""
    kalla = visningsvag(path) if path.exists() else str(path)
    if path.is_dir():
        return _las_csv_mapp(path, kalla), kalla
    if path.suffix.lower() in SUFFIX_RAD:
        raise AnalysError(f"Underlaget {kalla} {SUFFIX_RAD[path.suffix.lower()]}.")
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _las_xlsx(path, kalla), kalla
    if path.is_file():
        raise AnalysError(
            f"Underlaget {kalla} är varken en Excelmall (.xlsx) eller en mapp med CSV-filer; "
            "skapa mallen med `analys mall`."
        )
    raise AnalysError(f"Underlaget {path} finns inte (ange en ifylld mall .xlsx eller en mapp med CSV-filer).")


def _heltal(v, plats: str, tillat_tomt: bool = False, negativ: bool = False) -> int | None:
    if v is None or v == "":
        if tillat_tomt:
            return None
        raise AnalysError(f"{plats}: värde saknas; ange ett heltal ≥ 0.")
    if isinstance(v, float) and v.is_integer():
        if abs(v) > MAX_HELTAL:
            raise AnalysError(f"{plats}: {v:g} är orimligt stort; högst {_MAX_TEXT}.")
        v = int(v)
    if isinstance(v, str):
        t = v.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if len(t) > 16:
            raise AnalysError(f"{plats}: talet '{v[:20]}…' är orimligt stort; ange ett heltal ≥ 0.")
        kontrollera_siffror(t, plats)
        if re.fullmatch(r"-?[0-9]+", t):
            v = int(t)
    if not isinstance(v, int) or isinstance(v, bool):
        # Ett decimaltal ur en Excelcell visas som Excel visar det, med decimalkomma (12,5).
        text = v.isoformat() if isinstance(v, date) else (repr(v).replace(".", ",") if isinstance(v, float) else v)
        raise AnalysError(f"{plats}: '{text}' är inte ett heltal; ange ett heltal ≥ 0.")
    if v < 0 and not negativ:
        raise AnalysError(f"{plats}: {v} är negativt; ange ett heltal ≥ 0.")
    if abs(v) > MAX_HELTAL:
        raise AnalysError(f"{plats}: {v} är orimligt stort; högst {_MAX_TEXT}.")
    return v


def _datum(v, plats: str) -> date:
    from datetime import datetime

    if isinstance(v, datetime):
        v = v.date()
    if not isinstance(v, date):
        text = str(v).strip()
        kontrollera_siffror(text, plats)
        try:
            v = iso_datum(text)
        except ValueError:
            v = None
        if v is None:
            raise AnalysError(f"{plats}: '{text[:30]}' är inget datum; ange ÅÅÅÅ-MM-DD.")
    return v


def _kommun(kod, namn, kommuner: pd.DataFrame, plats: str) -> tuple[str, str]:
    """Kommunkod och namn ur en rad; okänd kod eller namn ger ett förslag på närmaste kommun."""
    koder = dict(zip(kommuner["kommunkod"], kommuner["kommun"], strict=True))
    namn_till_kod = {normalisera_rubrik(n): k for k, n in koder.items()}
    kod = str(kod).strip() if kod not in (None, "") else ""
    # Kommunkod och Kommun har samma rubriker på bladen Aktivitet och Fakturor.
    kontrollera_siffror(kod, f"{plats}, kolumn Kommunkod")
    if kod.isdigit() and len(kod) < 4:
        kod = kod.zfill(4)
    if kod:
        if kod not in koder:
            raise AnalysError(
                f"{plats}, kolumn Kommunkod: '{kod}' är ingen kommun i länet. "
                f"Giltiga: {', '.join(f'{k} {n}' for k, n in koder.items())}."
            )
        if namn not in (None, "") and normalisera_rubrik(str(namn)) != normalisera_rubrik(koder[kod]):
            raise AnalysError(f"{plats}, kolumn Kommun: '{namn}' stämmer inte med kommunkod {kod} ({koder[kod]}).")
        return kod, koder[kod]
    if namn in (None, ""):
        raise AnalysError(f"{plats}: kommunkod och kommun saknas.")
    text = str(namn).strip()
    if normalisera_rubrik(text) in namn_till_kod:
        k = namn_till_kod[normalisera_rubrik(text)]
        return k, koder[k]
    forslag = difflib.get_close_matches(text, list(koder.values()), n=1, cutoff=0.5)
    tips = f" Menade du {forslag[0]} ({namn_till_kod[normalisera_rubrik(forslag[0])]})?" if forslag else ""
    raise AnalysError(f"{plats}, kolumn Kommun: '{text}' är ingen kommun i länet.{tips}")


def _aktivitet(rader, kalla: str, kommuner: pd.DataFrame, kontrollera_ar) -> tuple[list[tuple], list[tuple]]:
    """Aktivitetsraderna, och (kommunkod, år, kolumn) för varje dag som inte är rapporterad än."""
    akt, ej_akt = [], []
    sedda: dict[tuple, int] = {}
    for rad, v in rader:
        p = _plats(kalla, "aktivitet", rad)
        deltagare = _heltal(v[4], p + _kolumn("aktivitet", "deltagardagar"), True)
        utbildare = _heltal(v[5], p + _kolumn("aktivitet", "utbildardagar"), True)
        if deltagare is None and utbildare is None:
            try:  # inte rapporterat än: raden räknas inte, men sägs (en ofullständig tom rad hoppas över)
                kod, ar = _kommun(v[0], v[1], kommuner, p)[0], kontrollera_ar(v[2], p)
                ej_akt += [(kod, ar, "deltagardagar"), (kod, ar, "utbildardagar")]
            except AnalysError:
                pass
            continue
        kod, namn = _kommun(v[0], v[1], kommuner, p)
        ar = kontrollera_ar(v[2], p + _kolumn("aktivitet", "ar"))
        ej_akt += [(kod, ar, k) for k, x in (("deltagardagar", deltagare), ("utbildardagar", utbildare)) if x is None]
        resa = str(v[3]).strip() if v[3] not in (None, "") else ""
        nyckel = (kod, ar, resa)
        if nyckel in sedda:
            raise AnalysError(
                f"{p}: samma kommun, år och yrkesresa som rad {sedda[nyckel]} ({namn} {ar}"
                f"{', ' + resa if resa else ''}); slå ihop raderna eller ange yrkesresa."
            )
        sedda[nyckel] = rad
        akt.append((kod, namn, ar, resa, deltagare or 0, utbildare or 0))
    return akt, ej_akt


def _utfall(rader, kalla: str, kontrollera_ar) -> tuple[list[tuple], list[str]]:
    utf, ej = [], []
    for rad, v in rader:
        p = _plats(kalla, "utfall", rad)
        ar = kontrollera_ar(v[0], p + _kolumn("utfall", "ar"))
        post = _kostnadspost(v[1])
        if post not in KOSTNADSPOSTER:
            raise AnalysError(
                f"{p}{_kolumn('utfall', 'kostnadspost')}: '{v[1]}' är ingen kostnadspost; välj bland "
                f"{', '.join(POSTNAMN[k] for k in KOSTNADSPOSTER)}."
            )
        belopp = _heltal(v[2], p + _kolumn("utfall", "belopp"), True)
        if belopp is None:
            ej.append(f"{post} {ar}")
            continue
        utf.append((ar, post, belopp, str(v[3] or "")))
    return utf, ej


def _fakturor(rader, kalla: str, kommuner: pd.DataFrame, avtal: Avtal) -> list[tuple]:
    fakt = []
    sedda: dict[tuple, int] = {}
    forsta, sista = avtal.period.med_marginal()
    for rad, v in rader:
        p = _plats(kalla, "fakturor", rad)
        kod, namn = _kommun(v[0], v[1], kommuner, p)
        datum = _datum(v[2], p + _kolumn("fakturor", "fakturadatum")) if v[2] not in (None, "") else None
        if datum is None:
            raise AnalysError(
                f"{p}{_kolumn('fakturor', 'fakturadatum')}: värde saknas; ange fakturans datum ÅÅÅÅ-MM-DD."
            )
        if not forsta <= datum <= sista:
            raise AnalysError(
                f"{p}{_kolumn('fakturor', 'fakturadatum')}: {datum.isoformat()} ligger långt från avtalets period "
                f"{avtal.period.fran.isoformat()}–{avtal.period.till.isoformat()}; en faktura för avtalet "
                f"ska vara daterad {forsta.isoformat()}–{sista.isoformat()}."
            )
        belopp = _heltal(v[3], p + _kolumn("fakturor", "belopp"), negativ=True)  # en kreditfaktura är negativ
        avser = str(v[4] or "")
        nyckel = (kod, datum, belopp, avser)
        if nyckel in sedda:
            raise AnalysError(
                f"{p}: samma faktura som rad {sedda[nyckel]} ({namn}, {datum.isoformat()}, {belopp} kr); "
                "ta bort den ena raden, eller skriv i kolumnen avser vad som skiljer dem."
            )
        sedda[nyckel] = rad
        fakt.append((kod, namn, datum, belopp, avser))
    return fakt


def read_underlag(path: Path, avtal: Avtal) -> Underlag:
    """Läs och kontrollera ett ifyllt underlag för ett avtal (Excelmall eller CSV-mapp).

    Mallen får vara delvis ifylld: en aktivitetsrad utan dagar och en utfallsrad utan belopp är
    "inte rapporterat än" och räknas inte (de listas i `Underlag.ej_rapporterat`).
    """
    path = resolve(path)
    blad, kalla = _las_blad(path)
    kommuner = load_befolkning(avtal.lan, avtal.befolkningsdatum)[["kommunkod", "kommun"]]
    ar_ok = range(avtal.period.fran.year, avtal.period.till.year + 1)

    def kontrollera_ar(v, plats: str) -> int:
        ar = _heltal(v, plats)
        if ar not in ar_ok:
            raise AnalysError(
                f"{plats}: året {ar} ligger utanför avtalets period "
                f"{avtal.period.fran.isoformat()}–{avtal.period.till.isoformat()}."
            )
        return ar

    akt, ej_akt = _aktivitet(blad["aktivitet"], kalla, kommuner, kontrollera_ar)
    utf, ej = _utfall(blad["utfall"], kalla, kontrollera_ar)
    fakt = _fakturor(blad["fakturor"], kalla, kommuner, avtal)
    return Underlag(
        aktivitet=pd.DataFrame(akt, columns=KOLUMNER["aktivitet"]).astype(
            {"deltagardagar": "int64", "utbildardagar": "int64"}
        ),
        utfall=pd.DataFrame(utf, columns=KOLUMNER["utfall"]).astype({"belopp": "int64"}),
        fakturor=pd.DataFrame(fakt, columns=KOLUMNER["fakturor"]).astype({"belopp": "int64"}),
        kalla=kalla,
        kommuner=kommuner.reset_index(drop=True),
        ej_rapporterat=tuple(ej),
        aktivitet_ej_rapporterad=tuple(ej_akt),
        pahittat=(data_dir() / "exempel").resolve() in (path.resolve(), *path.resolve().parents),
    )


# --- kostnadsmodellens aktivitetsfil ---------------------------------------------------------


def read_aktivitet(path: Path, kommunkoder: tuple[str, ...]) -> pd.DataFrame:
    """Kostnadsmodellens aktivitetsfil (CSV ``kommunkod,ar,deltagardagar,utbildardagar``): planerade
    eller utfallna dagar per kommun och år, som ersätter modellens härledda värden."""
    from analys.indata.csvfil import Kolumn, las_csv

    kolumner = [
        Kolumn("kommunkod", "kommunkod"),
        Kolumn("ar", "heltal", min=1900, max=2100, alias=("år",)),
        Kolumn("deltagardagar", "heltal", min=0, max=10**7),
        Kolumn("utbildardagar", "heltal", min=0, max=10**7),
    ]
    namn = f"Aktivitetsfilen {visningsvag(path)}"
    rader = las_csv(path, kolumner, namn=namn)
    sedda: dict[tuple[str, int], int] = {}
    for r in rader:
        kod, ar = r.varden["kommunkod"], r.varden["ar"]
        if kod not in kommunkoder:
            raise AnalysError(
                f"{namn}, rad {r.rad}: kommunkoden '{kod}' finns inte bland länets kommuner ({', '.join(kommunkoder)})."
            )
        if (kod, ar) in sedda:
            raise AnalysError(f"{namn}, rad {r.rad}: kommun {kod} år {ar} står också på rad {sedda[(kod, ar)]}.")
        sedda[(kod, ar)] = r.rad
    df = pd.DataFrame([r.varden for r in rader], columns=[k.namn for k in kolumner])
    df[["ar", "deltagardagar", "utbildardagar"]] = df[["ar", "deltagardagar", "utbildardagar"]].astype("int64")
    for ar, grupp in df.groupby("ar"):
        saknas = sorted(set(kommunkoder) - set(grupp["kommunkod"]))
        if saknas:
            raise AnalysError(
                f"{namn}: år {ar} saknar kommunerna {', '.join(saknas)}; ett år i filen ska ha alla länets kommuner."
            )
    return df


# --- egna fördelningsvikter --------------------------------------------------------------------


def read_vikter(
    path: Path, kommunkoder: Sequence[str], exkludera: frozenset[str] = frozenset()
) -> tuple[tuple[str, Decimal], ...]:
    """Läs egna vikter ur en CSV-fil med rubrikraden ``kommunkod,vikt``.

    Semikolon som avgränsare med decimalkomma (som Excel sparar på svenska) går också bra.
    Varje kommun i `kommunkoder` som inte är undantagen ska finnas exakt en gång; vikterna ska
    vara tal från 0 till 1 000 000 000.
    """
    from analys.indata.csvfil import Kolumn, las_csv

    path = Path(path)
    namn = f"Viktfilen {path}"
    # Kommunkoden som i alla CSV-filer (Excel sparar 0305 som 305); vikten med egna felmeddelanden.
    rader = las_csv(path, [Kolumn("kommunkod", "kommunkod"), Kolumn("vikt", "text")], namn=namn)
    vikter: dict[str, Decimal] = {}
    for r in rader:
        nr, kod, vikt_text = r.rad, r.varden["kommunkod"], r.varden["vikt"]
        if kod not in kommunkoder:
            raise AnalysError(
                f"{namn}, rad {nr}: kommunkoden '{kod[:20]}' finns inte bland länets kommuner "
                f"({', '.join(kommunkoder)})."
            )
        if kod in vikter:
            raise AnalysError(f"{namn}, rad {nr}: kommunkod {kod} står på mer än en rad.")
        t = vikt_text.replace(",", ".").replace(" ", "").replace("\u00a0", "")
        kontrollera_siffror(t, f"{namn}, rad {nr}, kolumn vikt")
        try:
            vikt = Decimal(t) if len(t) <= 30 and re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", t) else Decimal("NaN")
        except InvalidOperation:  # pragma: no cover
            vikt = Decimal("NaN")
        if not vikt.is_finite():
            raise AnalysError(f"{namn}, rad {nr}: vikten '{vikt_text[:30]}' är inget tal; ange ett tal ≥ 0.")
        if vikt < 0:
            raise AnalysError(f"{namn}, rad {nr}: vikten {vikt_text} är negativ; ange ett tal ≥ 0.")
        if vikt > 10**9:
            raise AnalysError(f"{namn}, rad {nr}: vikten {vikt_text} är orimligt stor; högst 1 000 000 000.")
        vikter[kod] = vikt
    saknas = [k for k in kommunkoder if k not in vikter and k not in exkludera]
    if saknas:
        raise AnalysError(f"{namn} saknar vikter för kommunerna {', '.join(saknas)}.")
    return tuple(vikter.items())
