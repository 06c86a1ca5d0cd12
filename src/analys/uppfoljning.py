"""Uppföljning av ett avtal: kursaktivitet, utfall mot budget, utbildarpotten och vad som
återstår att fakturera.

Underlaget fylls i av planeraren, antingen i Excelmallen (`analys mall`) eller som CSV-filer i en
mapp (`aktivitet.csv`, `utfall.csv`, `fakturor.csv`). Samma kontroller gäller för båda, och ett fel
nämner blad (eller fil), rad och kolumn.

Räkningen per kommun:
    avgifter       = deltagardagar × avgift per deltagardag,
    pott           = pottandel per deltagardag × alla deltagardagar,
    pott_tillbaka  = kommunens del av potten efter utbildardagar (största-restmetoden, exakt summa),
    netto_rorligt  = avgifter − pott_tillbaka.
Resultatet för avtalet: intäkter (fast finansiering + avgifter) − kostnader (utfall + pott).
Ett överskott tillfaller regionen enligt avtalet; ett underskott visas, det fördelas inte.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from analys.avtal import Avtal
from analys.befolkning import load_befolkning
from analys.fel import AnalysError
from analys.fordelning import largest_remainder
from analys.paths import visningsvag

KOSTNADSPOSTER = ("lon", "oh", "resor", "utrustning", "kurskostnader", "ovrigt")
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


@dataclass(frozen=True)
class Underlag:
    """Inläst och kontrollerat underlag."""

    aktivitet: pd.DataFrame  # kommunkod, kommun, ar, yrkesresa, deltagardagar, utbildardagar
    utfall: pd.DataFrame  # ar, kostnadspost, belopp, kommentar
    fakturor: pd.DataFrame  # kommunkod, kommun, fakturadatum, belopp, avser
    kalla: str


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
        import csv

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
    from analys.paths import resolve

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
    )


def compute_rorligt(underlag: Underlag, avtal: Avtal) -> pd.DataFrame:
    """Per kommun: deltagardagar, avgifter, utbildardagar, pott_tillbaka, netto_rorligt.

    Potten fördelas efter utbildardagar med största-restmetoden och summerar exakt. Har ingen
    kommun utbildardagar stannar potten hos regionen (kolumnen pott_tillbaka blir 0) och det sägs
    i `resultat`.
    """
    if avtal.rorliga_kostnader is None:
        raise AnalysError("Avtalet anger inga rörliga kostnader (rorliga_kostnader saknas i avtalsfilen).")
    rk = avtal.rorliga_kostnader
    kommuner = load_befolkning(avtal.lan, avtal.befolkningsdatum)[["kommunkod", "kommun"]]
    summa = underlag.aktivitet.groupby("kommunkod")[["deltagardagar", "utbildardagar"]].sum()
    df = kommuner.merge(summa, left_on="kommunkod", right_index=True, how="left").fillna(0)
    df[["deltagardagar", "utbildardagar"]] = df[["deltagardagar", "utbildardagar"]].astype("int64")
    df["avgifter"] = df["deltagardagar"] * rk.avgift_per_deltagardag
    pott = int(df["deltagardagar"].sum()) * rk.till_pott_per_deltagardag
    if pott and int(df["utbildardagar"].sum()):
        df["pott_tillbaka"] = np.array(
            largest_remainder(pott, list(df["utbildardagar"]), list(df["kommunkod"])), dtype=np.int64
        )
    else:
        df["pott_tillbaka"] = np.zeros(len(df), dtype=np.int64)
    df["netto_rorligt"] = df["avgifter"] - df["pott_tillbaka"]
    return df.reset_index(drop=True)


def compute_budget_utfall(underlag: Underlag, avtal: Avtal) -> pd.DataFrame:
    """Utfall per kostnadspost mot budget. Budgeten är avtalets fasta kostnad (en summa; avtalet
    delar den på roller, inte på poster); posterna visas med sitt utfall."""
    utfall = underlag.utfall.groupby("kostnadspost")["belopp"].sum()
    rader = [(POSTNAMN[p], int(utfall.get(p, 0))) for p in KOSTNADSPOSTER]
    df = pd.DataFrame(rader, columns=["kostnadspost", "utfall"])
    return df


@dataclass(frozen=True)
class Resultat:
    fast_finansiering: int  # kommunernas del + regionens del av den fasta kostnaden
    kommunernas_del: int
    regionens_del: int
    avgifter: int
    intakter: int
    utfall: int
    pott: int
    pott_utbetald: int
    kostnader: int
    resultat: int  # intäkter − kostnader; > 0 överskott
    budget_fast: int

    def text(self) -> str:
        from analys.format import format_kr

        if self.resultat > 0:
            slut = f"Överskottet {format_kr(self.resultat)} tillfaller regionen enligt avtalet."
        elif self.resultat < 0:
            slut = (
                f"Underskottet {format_kr(-self.resultat)} visas här och fördelas inte på kommunerna; "
                "hur det täcks avgörs av parterna."
            )
        else:
            slut = "Intäkter och kostnader går jämnt upp."
        ej = self.pott - self.pott_utbetald
        pott = f" Potten {format_kr(self.pott)} har inte kunnat betalas ut (inga utbildardagar)." if ej else ""
        return (
            f"Intäkter {format_kr(self.intakter)} (fast finansiering {format_kr(self.fast_finansiering)}, "
            f"kursavgifter {format_kr(self.avgifter)}); kostnader {format_kr(self.kostnader)} (utfall "
            f"{format_kr(self.utfall)}, pott till kommunerna {format_kr(self.pott_utbetald)}). {slut}{pott}"
        )


def compute_resultat(underlag: Underlag, avtal: Avtal, rorligt: pd.DataFrame) -> Resultat:
    kommunernas = avtal.belopp_kommuner
    region = avtal.total_kostnad - kommunernas
    avgifter = int(rorligt["avgifter"].sum())
    pott = int(rorligt["deltagardagar"].sum()) * avtal.rorliga_kostnader.till_pott_per_deltagardag
    utbetald = int(rorligt["pott_tillbaka"].sum())
    utfall = int(underlag.utfall["belopp"].sum())
    intakter = kommunernas + region + avgifter
    kostnader = utfall + utbetald
    return Resultat(
        fast_finansiering=kommunernas + region,
        kommunernas_del=kommunernas,
        regionens_del=region,
        avgifter=avgifter,
        intakter=intakter,
        utfall=utfall,
        pott=pott,
        pott_utbetald=utbetald,
        kostnader=kostnader,
        resultat=intakter - kostnader,
        budget_fast=avtal.total_kostnad,
    )


def compute_kommunposition(fordelning: pd.DataFrame, rorligt: pd.DataFrame, underlag: Underlag) -> pd.DataFrame:
    """Varje kommuns ställning: fast del, avgifter, pott tillbaka, netto, fakturerat, återstår."""
    df = fordelning[["kommunkod", "kommun", "belopp"]].rename(columns={"belopp": "fast_kostnad"})
    df = df.merge(rorligt[["kommunkod", "avgifter", "pott_tillbaka"]], on="kommunkod", how="left").fillna(0)
    fakt = underlag.fakturor.groupby("kommunkod")["belopp"].sum()
    df["fakturerat"] = df["kommunkod"].map(fakt).fillna(0)
    for k in ("avgifter", "pott_tillbaka", "fakturerat"):
        df[k] = df[k].astype("int64")
    df["netto"] = df["fast_kostnad"] + df["avgifter"] - df["pott_tillbaka"]
    df["aterstar"] = df["netto"] - df["fakturerat"]
    return df


def describe(underlag: Underlag, avtal: Avtal, rorligt: pd.DataFrame, resultat: Resultat) -> str:
    """Markdown med de beräknade talen."""
    from analys.format import format_kr, format_tal

    utbildare = rorligt[rorligt["utbildardagar"] > 0]
    return (
        f"Uppföljning av **{avtal.namn}** ({avtal.period.fran.isoformat()}–{avtal.period.till.isoformat()}), "
        f"underlag: `{underlag.kalla}`.\n\n"
        f"- Kursaktivitet: **{format_tal(int(rorligt['deltagardagar'].sum()))} deltagardagar**, "
        f"{format_kr(resultat.avgifter)} i kursavgifter.\n"
        f"- Utbildarpotten: {format_kr(resultat.pott)}, fördelad på {len(utbildare)} kommuner efter "
        f"{format_tal(int(rorligt['utbildardagar'].sum()))} utbildardagar.\n"
        f"- Utfall: {format_kr(resultat.utfall)} mot en fast budget på {format_kr(resultat.budget_fast)}.\n"
        f"- {resultat.text()}"
    )


def write_workbook(
    avtal: Avtal,
    rorligt: pd.DataFrame,
    budget: pd.DataFrame,
    position: pd.DataFrame,
    resultat: Resultat,
    kallor: list[tuple[str, str]],
    path: Path,
) -> None:
    from analys.excel import Blad
    from analys.excel import write_workbook as skriv

    res = pd.DataFrame(
        [
            ("Fast finansiering, kommunerna", resultat.kommunernas_del),
            ("Fast finansiering, regionen", resultat.regionens_del),
            ("Kursavgifter", resultat.avgifter),
            ("Utfall (kostnader)", -resultat.utfall),
            ("Pott till kommunerna", -resultat.pott_utbetald),
        ],
        columns=["Post", "Belopp"],
    )
    kr_pos = ["fast_kostnad", "avgifter", "pott_tillbaka", "netto", "fakturerat", "aterstar"]
    blad = [
        Blad(
            namn="Kommuner",
            titel="Varje kommuns ställning",
            df=position,
            kr=kr_pos,
            summera=kr_pos,
            not_text="Netto = fast kostnad + kursavgifter − pott tillbaka; återstår = netto − fakturerat.",
        ),
        Blad(
            namn="Kursavgifter och pott",
            titel="Kursavgifter och utbildarpott per kommun",
            df=rorligt,
            kr=["avgifter", "pott_tillbaka", "netto_rorligt"],
            heltal=["deltagardagar", "utbildardagar"],
            summera=["deltagardagar", "utbildardagar", "avgifter", "pott_tillbaka", "netto_rorligt"],
        ),
        Blad(
            namn="Utfall",
            titel="Utfall per kostnadspost",
            df=budget,
            kr=["utfall"],
            summera=["utfall"],
            not_text=f"Budget för de fasta kostnaderna enligt avtalet: {resultat.budget_fast} kr.",
        ),
        Blad(
            namn="Resultat",
            titel="Resultat för avtalet (överskott > 0)",
            df=res,
            kr=["Belopp"],
            summera=["Belopp"],
            not_text="Ett överskott tillfaller regionen enligt avtalet; ett underskott fördelas inte.",
        ),
    ]
    skriv(blad, kallor, path, f"Uppföljning {avtal.namn}")


def html_tables(budget: pd.DataFrame, rorligt: pd.DataFrame, position: pd.DataFrame) -> tuple[str, str, str]:
    """Rapportens tre tabeller som HTML: utfall per post, kursavgifter och pott, kommunernas ställning."""
    from analys.visning import html_tabell

    t1 = html_tabell(
        budget,
        kr=["utfall"],
        summa={"kostnadspost": "Summa", "utfall": int(budget["utfall"].sum())},
        rubriker={"kostnadspost": "Kostnadspost", "utfall": "Utfall"},
    )
    kol = ["deltagardagar", "utbildardagar", "avgifter", "pott_tillbaka", "netto_rorligt"]
    t2 = html_tabell(
        rorligt,
        kr=kol[2:],
        heltal=kol[:2],
        summa={"kommun": "Summa", **{k: int(rorligt[k].sum()) for k in kol}},
        rubriker={
            "kommunkod": "Kod",
            "kommun": "Kommun",
            "deltagardagar": "Deltagardagar",
            "utbildardagar": "Utbildardagar",
            "avgifter": "Kursavgifter",
            "pott_tillbaka": "Pott tillbaka",
            "netto_rorligt": "Netto",
        },
    )
    kr = ["fast_kostnad", "avgifter", "pott_tillbaka", "netto", "fakturerat", "aterstar"]
    t3 = html_tabell(
        position,
        kr=kr,
        summa={"kommun": "Summa", **{k: int(position[k].sum()) for k in kr}},
        rubriker={
            "kommunkod": "Kod",
            "kommun": "Kommun",
            "fast_kostnad": "Fast kostnad",
            "avgifter": "Kursavgifter",
            "pott_tillbaka": "Pott tillbaka",
            "netto": "Netto",
            "fakturerat": "Fakturerat",
            "aterstar": "Återstår",
        },
    )
    return t1, t2, t3


def kallor(avtal: Avtal, avtalsfil: Path, underlag: Underlag, parametrar: dict) -> list[tuple[str, str]]:
    from analys.io import describe_fil
    from analys.visning import proveniens

    return proveniens(
        [
            ("Avtal", avtal.namn),
            ("Avtalsfil", describe_fil(avtalsfil)),
            ("Underlag", underlag.kalla),
            ("Befolkning", f"SCB, per {avtal.befolkningsdatum.isoformat()} (fördelningen av den fasta kostnaden)"),
        ],
        parametrar=parametrar,
    )
