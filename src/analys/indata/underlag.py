"""Underlag som planeraren fyller i: uppföljningsmallen (Excel) eller CSV-filer med aktivitet,
utfall och fakturor, kostnadsmodellens aktivitetsfil och egna fördelningsvikter.

Samma kontroller gäller för mallen och CSV-mappen, och ett fel nämner blad (eller fil), rad och
kolumn.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from analys.begrepp import KOSTNADSPOSTER, Avtal, Underlag
from analys.fel import AnalysError
from analys.indata.befolkning import load_befolkning
from analys.indata.paths import resolve, visningsvag

# Blad/fil → kolumner i den ordning mallen har dem. Rubrikerna får inte ändras.
KOLUMNER = {
    "aktivitet": ["kommunkod", "kommun", "ar", "yrkesresa", "deltagardagar", "utbildardagar"],
    "utfall": ["ar", "kostnadspost", "belopp", "kommentar"],
    "fakturor": ["kommunkod", "kommun", "fakturadatum", "belopp", "avser"],
}
BLADNAMN = {"aktivitet": "Aktivitet", "utfall": "Utfall", "fakturor": "Fakturor"}


def _plats(kalla: str, blad: str, rad: int, kolumn: str | None = None) -> str:
    var = f"{kalla}, blad {BLADNAMN[blad]}" if kalla.endswith(".xlsx") else f"{kalla}/{blad}.csv"
    return f"{var}, rad {rad}" + (f", kolumn {kolumn}" if kolumn else "")


def _las_blad(path: Path) -> tuple[dict[str, list[tuple[int, list]]], str]:
    """Rader per blad som (radnummer, värden). Rubrikraden kontrolleras här."""
    ut: dict[str, list[tuple[int, list]]] = {}
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, data_only=True, read_only=True)
        except Exception as e:
            raise AnalysError(f"{path}: kan inte läsas som Excelarbetsbok ({type(e).__name__}).") from None
        for blad, kolumner in KOLUMNER.items():
            if BLADNAMN[blad] not in wb.sheetnames:
                raise AnalysError(f"{path}: bladet {BLADNAMN[blad]} saknas; använd mallen från `analys mall`.")
            rader = list(wb[BLADNAMN[blad]].iter_rows(values_only=True))
            rubrik = [str(v).strip() if v is not None else "" for v in (rader[0] if rader else [])]
            rubrik = rubrik[: len(kolumner)]
            if rubrik != kolumner:
                raise AnalysError(
                    f"{path}, blad {BLADNAMN[blad]}, rad 1: rubrikerna ska vara {', '.join(kolumner)} "
                    f"(fick {', '.join(rubrik) or 'inga'}); ändra inte mallens rubrikrad."
                )
            ut[blad] = [
                (i, list(r[: len(kolumner)]) + [None] * (len(kolumner) - len(r)))
                for i, r in enumerate(rader[1:], start=2)
                if any(v not in (None, "") for v in r)
            ]
        return ut, visningsvag(path)
    if path.is_dir():
        for blad, kolumner in KOLUMNER.items():
            fil = path / f"{blad}.csv"
            if not fil.is_file():
                ut[blad] = []
                continue
            rader = list(csv.reader(fil.read_text(encoding="utf-8-sig").splitlines()))
            if not rader or [c.strip() for c in rader[0]] != kolumner:
                raise AnalysError(
                    f"{fil}, rad 1: rubrikraden ska vara {','.join(kolumner)} "
                    f"(fick {','.join(rader[0]) if rader else 'ingen'})."
                )
            ut[blad] = [
                (i, [c.strip() or None for c in r] + [None] * (len(kolumner) - len(r)))
                for i, r in enumerate(rader[1:], start=2)
                if any(c.strip() for c in r)
            ]
        return ut, visningsvag(path)
    raise AnalysError(f"Underlaget {path} finns inte (ange en ifylld mall .xlsx eller en mapp med CSV-filer).")


def _heltal(v, plats: str, tillat_tomt: bool = False) -> int | None:
    if v is None or v == "":
        if tillat_tomt:
            return None
        raise AnalysError(f"{plats}: värde saknas; ange ett heltal ≥ 0.")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, str):
        t = v.replace(" ", "").replace("\u00a0", "")
        if t.lstrip("-").isdigit():
            v = int(t)
    if not isinstance(v, int) or isinstance(v, bool):
        raise AnalysError(f"{plats}: '{v}' är inte ett heltal; ange ett heltal ≥ 0.")
    if v < 0:
        raise AnalysError(f"{plats}: {v} är negativt; ange ett heltal ≥ 0.")
    return v


def _datum(v, plats: str) -> date:
    from datetime import datetime

    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v).strip())
    except ValueError:
        raise AnalysError(f"{plats}: '{v}' är inget datum; ange ÅÅÅÅ-MM-DD.") from None


def _kommun(kod, namn, kommuner: pd.DataFrame, plats: str) -> tuple[str, str]:
    """Kommunkod och namn ur en rad; okänd kod eller namn ger ett förslag på närmaste kommun."""
    koder = dict(zip(kommuner["kommunkod"], kommuner["kommun"], strict=True))
    namn_till_kod = {n.lower(): k for k, n in koder.items()}
    kod = str(kod).strip() if kod not in (None, "") else ""
    if kod.isdigit() and len(kod) < 4:
        kod = kod.zfill(4)
    if kod:
        if kod not in koder:
            raise AnalysError(
                f"{plats}, kolumn kommunkod: '{kod}' är ingen kommun i länet. "
                f"Giltiga: {', '.join(f'{k} {n}' for k, n in koder.items())}."
            )
        if namn not in (None, "") and str(namn).strip().lower() != koder[kod].lower():
            raise AnalysError(f"{plats}, kolumn kommun: '{namn}' stämmer inte med kommunkod {kod} ({koder[kod]}).")
        return kod, koder[kod]
    if namn in (None, ""):
        raise AnalysError(f"{plats}: kommunkod och kommun saknas.")
    text = str(namn).strip()
    if text.lower() in namn_till_kod:
        k = namn_till_kod[text.lower()]
        return k, koder[k]
    forslag = difflib.get_close_matches(text, list(koder.values()), n=1, cutoff=0.5)
    tips = f" Menade du {forslag[0]} ({namn_till_kod[forslag[0].lower()]})?" if forslag else ""
    raise AnalysError(f"{plats}, kolumn kommun: '{text}' är ingen kommun i länet.{tips}")


def read_underlag(path: Path, avtal: Avtal) -> Underlag:
    """Läs och kontrollera ett ifyllt underlag för ett avtal (Excelmall eller CSV-mapp)."""
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

    akt = []
    sedda: dict[tuple, int] = {}
    for rad, v in blad["aktivitet"]:
        p = _plats(kalla, "aktivitet", rad)
        kod, namn = _kommun(v[0], v[1], kommuner, p)
        ar = kontrollera_ar(v[2], p + ", kolumn ar")
        resa = str(v[3]).strip() if v[3] not in (None, "") else ""
        nyckel = (kod, ar, resa)
        if nyckel in sedda:
            raise AnalysError(
                f"{p}: samma kommun, år och yrkesresa som rad {sedda[nyckel]} ({namn} {ar}"
                f"{', ' + resa if resa else ''}); slå ihop raderna eller ange yrkesresa."
            )
        sedda[nyckel] = rad
        akt.append(
            (
                kod,
                namn,
                ar,
                resa,
                _heltal(v[4], p + ", kolumn deltagardagar", True) or 0,
                _heltal(v[5], p + ", kolumn utbildardagar", True) or 0,
            )
        )

    utf = []
    for rad, v in blad["utfall"]:
        p = _plats(kalla, "utfall", rad)
        ar = kontrollera_ar(v[0], p + ", kolumn ar")
        post = str(v[1]).strip().lower() if v[1] is not None else ""
        if post not in KOSTNADSPOSTER:
            raise AnalysError(
                f"{p}, kolumn kostnadspost: '{v[1]}' är ingen kostnadspost; välj bland {', '.join(KOSTNADSPOSTER)}."
            )
        utf.append((ar, post, _heltal(v[2], p + ", kolumn belopp"), str(v[3] or "")))

    fakt = []
    for rad, v in blad["fakturor"]:
        p = _plats(kalla, "fakturor", rad)
        kod, namn = _kommun(v[0], v[1], kommuner, p)
        fakt.append(
            (
                kod,
                namn,
                _datum(v[2], p + ", kolumn fakturadatum"),
                _heltal(v[3], p + ", kolumn belopp"),
                str(v[4] or ""),
            )
        )

    return Underlag(
        aktivitet=pd.DataFrame(akt, columns=KOLUMNER["aktivitet"]).astype(
            {"deltagardagar": "int64", "utbildardagar": "int64"}
        ),
        utfall=pd.DataFrame(utf, columns=KOLUMNER["utfall"]).astype({"belopp": "int64"}),
        fakturor=pd.DataFrame(fakt, columns=KOLUMNER["fakturor"]).astype({"belopp": "int64"}),
        kalla=kalla,
        kommuner=kommuner.reset_index(drop=True),
    )


# --- kostnadsmodellens aktivitetsfil ---------------------------------------------------------


def read_aktivitet(path: Path, kommunkoder: tuple[str, ...]) -> pd.DataFrame:
    """Kostnadsmodellens aktivitetsfil (CSV ``kommunkod,ar,deltagardagar,utbildardagar``): planerade
    eller utfallna dagar per kommun och år, som ersätter modellens härledda värden."""
    if not path.is_file():
        raise AnalysError(f"Aktivitetsfilen {visningsvag(path)} finns inte.")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    rubrik = ["kommunkod", "ar", "deltagardagar", "utbildardagar"]
    if list(df.columns) != rubrik:
        raise AnalysError(
            f"Aktivitetsfilen {visningsvag(path)} rad 1: rubrikraden ska vara '{','.join(rubrik)}', "
            f"inte '{','.join(df.columns)}'."
        )
    for i, r in df.iterrows():
        if r["kommunkod"] not in kommunkoder:
            raise AnalysError(
                f"Aktivitetsfilen {visningsvag(path)} rad {i + 2}: kommunkoden '{r['kommunkod']}' finns "
                "inte bland länets kommuner."
            )
        for kol in ("ar", "deltagardagar", "utbildardagar"):
            if not r[kol].isdigit():
                raise AnalysError(
                    f"Aktivitetsfilen {visningsvag(path)} rad {i + 2}, kolumn {kol}: '{r[kol]}' är inte ett heltal ≥ 0."
                )
    df[["ar", "deltagardagar", "utbildardagar"]] = df[["ar", "deltagardagar", "utbildardagar"]].astype("int64")
    dubbel = df.duplicated(["kommunkod", "ar"])
    if dubbel.any():
        i = int(dubbel.idxmax())
        raise AnalysError(
            f"Aktivitetsfilen {visningsvag(path)} rad {i + 2}: kommun {df['kommunkod'][i]} år {df['ar'][i]} "
            "står på mer än en rad."
        )
    for ar, grupp in df.groupby("ar"):
        saknas = sorted(set(kommunkoder) - set(grupp["kommunkod"]))
        if saknas:
            raise AnalysError(
                f"Aktivitetsfilen {visningsvag(path)}: år {ar} saknar kommunerna {', '.join(saknas)}; "
                "ett år i filen ska ha alla länets kommuner."
            )
    return df


# --- egna fördelningsvikter --------------------------------------------------------------------


def read_vikter(
    path: Path, kommunkoder: Sequence[str], exkludera: frozenset[str] = frozenset()
) -> tuple[tuple[str, Decimal], ...]:
    """Läs egna vikter ur en CSV-fil med rubrikraden ``kommunkod,vikt``.

    Semikolon som avgränsare med decimalkomma (som Excel sparar på svenska) går också bra.
    Varje kommun i `kommunkoder` som inte är undantagen ska finnas exakt en gång; vikterna ska
    vara tal ≥ 0.
    """
    path = Path(path)
    if not path.is_file():
        raise AnalysError(f"Viktfilen {path} finns inte.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AnalysError(f"Viktfilen {path} är inte sparad som UTF-8.") from None
    rader = [r for r in text.splitlines() if r.strip()]
    if not rader:
        raise AnalysError(f"Viktfilen {path} är tom; första raden ska vara 'kommunkod,vikt'.")
    avgransare = ";" if ";" in rader[0] else ","
    lasare = csv.reader(rader, delimiter=avgransare)
    rubrik = [c.strip().lower() for c in next(lasare)]
    if rubrik != ["kommunkod", "vikt"]:
        raise AnalysError(
            f"Viktfilen {path} rad 1: rubrikraden ska vara 'kommunkod,vikt', inte '{avgransare.join(rubrik)}'."
        )
    vikter: dict[str, Decimal] = {}
    for nr, falt in enumerate(lasare, start=2):
        if len(falt) != 2:
            raise AnalysError(f"Viktfilen {path} rad {nr}: förväntade två fält (kommunkod och vikt), fick {len(falt)}.")
        kod, vikt_text = falt[0].strip(), falt[1].strip()
        if kod not in kommunkoder:
            raise AnalysError(
                f"Viktfilen {path} rad {nr}: kommunkoden '{kod}' finns inte bland länets kommuner "
                f"({', '.join(kommunkoder)})."
            )
        if kod in vikter:
            raise AnalysError(f"Viktfilen {path} rad {nr}: kommunkod {kod} står på mer än en rad.")
        try:
            vikt = Decimal(vikt_text.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            vikt = Decimal("NaN")
        if not vikt.is_finite():
            raise AnalysError(f"Viktfilen {path} rad {nr}: vikten '{vikt_text}' är inget tal; ange ett tal ≥ 0.")
        if vikt < 0:
            raise AnalysError(f"Viktfilen {path} rad {nr}: vikten {vikt_text} är negativ; ange ett tal ≥ 0.")
        vikter[kod] = vikt
    saknas = [k for k in kommunkoder if k not in vikter and k not in exkludera]
    if saknas:
        raise AnalysError(f"Viktfilen {path} saknar vikter för kommunerna {', '.join(saknas)}.")
    return tuple(vikter.items())
