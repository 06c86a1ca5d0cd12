"""Folkmängd per kommun från SCB: medföljande data i `data/befolkning/`, hämtade ögonblicksbilder
och framskrivning för år som ännu saknar statistik.

Två filer läses och slås ihop till en lång tabell (kommunkod, kommun, lanskod, datum, folkmangd,
kalla):

- `folkmangd_dalarna.csv`: Dalarnas 15 kommuner, 31 december 1990–2025 och de 30 juni-datum som
  finns, med källa per rad. Den går före den nationella filen där båda har samma kommun och datum.
- `folkmangd_kommuner_31dec.csv`: alla 290 kommuner, 31 december 1969–2025.

Från referensår 2025 har SCB:s siffror ett litet slumpbrus (Cell Key Method): kommunernas summa
behöver inte vara länets publicerade total. Nämnaren i en fördelning är därför alltid summan av
kommunernas folkmängd, och det sägs i varje rapport.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path

import pandas as pd

from analys.begrepp import Befolkningsantagande, Befolkningskalla, inom_datumgranser, iso_datum
from analys.fel import AnalysError
from analys.indata.paths import data_dir, medfoljande_befolkning, visningsvag
from analys.indata.scbtabeller import scb_tabell

KOLUMNER = ["kommunkod", "kommun", "lanskod", "datum", "folkmangd", "kalla"]
STANDARDLAN = "20"

_DALARNA_KOLUMNER = ["kommunkod", "kommun", "lanskod", "datum", "folkmangd", "kalla"]
_NATIONELL_KOLUMNER = ["kommunkod", "kommun", "lanskod", "lan", "ar", "folkmangd"]
_KOMMUN_KOLUMNER = ["kommunkod", "kommun", "lanskod", "lan"]


def befolkning_dir() -> Path:
    """SCB-filerna: analys-mappens `data/befolkning/` om den har dem, annars de som följer med."""
    try:
        egen = data_dir() / "befolkning"
    except AnalysError:
        return medfoljande_befolkning()
    return egen if (egen / "kommuner.csv").is_file() else medfoljande_befolkning()


def hamtat_dir() -> Path | None:
    """Var hämtningar från SCB sparas: `data/befolkning/hamtat/` i analys-mappen (None utan mapp)."""
    try:
        return data_dir() / "befolkning" / "hamtat"
    except AnalysError:
        return None


# --- referensdatum -----------------------------------------------------------------------------


def parse_datum(varde: str | int | date) -> date:
    """Referensdatum från ett år (31 december det året) eller ett datum ÅÅÅÅ-MM-DD.

    >>> parse_datum("2020")
    datetime.date(2020, 12, 31)
    >>> parse_datum("2023-06-30")
    datetime.date(2023, 6, 30)
    >>> parse_datum("30/6")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analys.fel.AnalysError: Ogiltigt befolkningsdatum '30/6': ange ett år ...
    """
    if isinstance(varde, date):
        d = varde
    else:
        text = str(varde).strip()
        d = None
        if re.fullmatch(r"\d{4}", text):
            d = date(max(int(text), 1), 12, 31)
        else:
            with contextlib.suppress(ValueError):
                d = iso_datum(text)
    if d is not None and inom_datumgranser(d):
        return d
    if d is not None:
        raise AnalysError(f"Befolkningsdatum {d.isoformat()}: året ska ligga mellan 1900 och 2100.")
    raise AnalysError(
        f"Ogiltigt befolkningsdatum '{varde}': ange ett år (t.ex. 2020 för 31 december 2020) "
        "eller ett datum ÅÅÅÅ-MM-DD (t.ex. 2023-06-30)."
    )


# --- inläsning av de medföljande filerna --------------------------------------------------------


def _read_csv(path: Path, kolumner: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise AnalysError(f"Befolkningsfilen {visningsvag(path)} saknas.")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(df.columns) != kolumner:
        raise AnalysError(f"{visningsvag(path)}: oväntade kolumner {list(df.columns)}; förväntade {kolumner}.")
    return df


def _check_folkmangd(df: pd.DataFrame, path: Path) -> pd.Series:
    ok = df["folkmangd"].str.fullmatch(r"\d+")
    if not ok.all():
        i = int(ok.idxmin())
        raise AnalysError(
            f"{visningsvag(path)} rad {i + 2}: folkmängden '{df['folkmangd'][i]}' är inte ett positivt heltal."
        )
    tal = df["folkmangd"].astype("int64")
    if (tal <= 0).any():
        i = int((tal <= 0).idxmax())
        raise AnalysError(f"{visningsvag(path)} rad {i + 2}: folkmängden måste vara större än 0.")
    return tal


@cache
def load_kommuner() -> pd.DataFrame:
    """Alla kommuner: kommunkod, kommun, lanskod, lan (290 rader, sorterade på kommunkod)."""
    path = befolkning_dir() / "kommuner.csv"
    df = _read_csv(path, _KOMMUN_KOLUMNER)
    if df["kommunkod"].duplicated().any():
        dubbel = df.loc[df["kommunkod"].duplicated(), "kommunkod"].iloc[0]
        raise AnalysError(f"{visningsvag(path)}: kommunkod {dubbel} förekommer mer än en gång.")
    return df.sort_values("kommunkod", ignore_index=True)


def lan_namn(lanskod: str) -> str:
    """Länets namn, t.ex. 'Dalarnas län'; okänd länskod ger ett fel som listar de giltiga."""
    kommuner = load_kommuner()
    traff = kommuner.loc[kommuner["lanskod"] == lanskod, "lan"]
    if traff.empty:
        lan = kommuner.drop_duplicates("lanskod")
        giltiga = ", ".join(f"{k} {n}" for k, n in zip(lan["lanskod"], lan["lan"], strict=True))
        raise AnalysError(f"Okänd länskod '{lanskod}'. Giltiga länskoder: {giltiga}.")
    return str(traff.iloc[0])


def clear_cache() -> None:
    """Töm cacharna efter att data ändrats (t.ex. en ny hämtning från SCB)."""
    load_kommuner.cache_clear()
    load_befolkning_alla.cache_clear()
    _befolkning_for_datum.cache_clear()


def befolkningsfiler(lanskod: str) -> list[Path]:
    """Filerna som befolkningen för länet läses ur: Dalarnafilen (bara för Dalarna), den nationella
    filen och ögonblicksbilder hämtade från SCB."""
    bdir = befolkning_dir()
    filer = [bdir / "folkmangd_dalarna.csv"] if lanskod == "20" else []
    return [*filer, bdir / "folkmangd_kommuner_31dec.csv", *(m / "folkmangd.csv" for m in hamtade_mappar())]


def hamtade_mappar() -> list[Path]:
    """Ögonblicksbilder från SCB under `data/befolkning/hamtat/`, äldst först."""
    rot = hamtat_dir()
    if rot is None or not rot.is_dir():
        return []
    return sorted(
        p for p in rot.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "folkmangd.csv").is_file()
    )


def _bild_fel(mapp: Path, lanskod: str, text: str) -> AnalysError:
    return AnalysError(
        f"Ögonblicksbilden {visningsvag(mapp)} används inte: {text} Ta bort mappen, eller hämta på nytt med "
        f"`analys hamta-befolkning --lan {lanskod}` (och ta sedan bort den gamla mappen)."
    )


def verifiera_hamtning(mapp: Path, fil: str = "folkmangd.csv") -> str:
    """Kontrollera att en fil i en ögonblicksbild är den som hämtades: SHA-256 enligt mappens
    metadata.yaml. Returnerar länskoden."""
    from analys.indata.paths import sha256
    from analys.indata.yamlfil import read_yaml

    m = re.search(r"-(\d{2})(-\d+)?$", mapp.name)
    lanskod = m.group(1) if m else "NN"
    meta_fil = mapp / "metadata.yaml"
    if not meta_fil.is_file():
        raise _bild_fel(mapp, lanskod, "metadata.yaml saknas, så det går inte att se att siffrorna är SCB:s.")
    try:
        meta = read_yaml(meta_fil)
    except AnalysError as e:
        raise _bild_fel(mapp, lanskod, f"metadata.yaml går inte att läsa ({e}).") from None
    filer = meta.get("filer") if isinstance(meta, dict) else None
    if not isinstance(filer, dict) or not isinstance(filer.get(fil), str):
        raise _bild_fel(mapp, lanskod, f"metadata.yaml anger ingen SHA-256 för {fil}.")
    if sha256(mapp / fil) != filer[fil]:
        raise _bild_fel(mapp, lanskod, f"{fil} har ändrats efter hämtningen (SHA-256 stämmer inte med metadata.yaml).")
    return lanskod


def _ej_bildade(mapp: Path) -> dict[str, set[str]]:
    """Datum → kommuner som inte fanns än (SCB svarade 0), som hämtningens metadata.yaml anger dem."""
    from analys.indata.yamlfil import read_yaml

    lista = read_yaml(mapp / "metadata.yaml").get("kommuner_som_inte_fanns")
    ut: dict[str, set[str]] = {}
    for kod, datum in lista.items() if isinstance(lista, dict) else ():
        for d in datum if isinstance(datum, list) else ():
            ut.setdefault(str(d), set()).add(str(kod))
    return ut


def _las_hamtning(mapp: Path, kommuner: pd.DataFrame) -> pd.DataFrame:
    """En ögonblicksbild, kontrollerad som vid hämtningen: SHA-256, länets kommuner exakt en gång
    per datum, namnen som i kommunlistan, positiva heltal."""
    from analys.indata.csvfil import Kolumn, las_csv

    lanskod = verifiera_hamtning(mapp)
    kolumner = [
        Kolumn("kommunkod", "kommunkod"),
        Kolumn("kommun"),
        Kolumn("lanskod"),
        Kolumn("datum", "datum"),
        Kolumn("folkmangd", "heltal", min=1, max=10**8),
        Kolumn("kalla"),
    ]
    try:
        rader = las_csv(mapp / "folkmangd.csv", kolumner, namn=visningsvag(mapp / "folkmangd.csv"))
    except AnalysError as e:
        raise _bild_fel(mapp, lanskod, f"{e}") from None
    df = pd.DataFrame([r.varden for r in rader], columns=[k.namn for k in kolumner])
    lanets = kommuner[kommuner["lanskod"] == lanskod].set_index("kommunkod")["kommun"]
    fel_lan = sorted(set(df["lanskod"]) - {lanskod}) or sorted(set(df["kommunkod"]) - set(lanets.index))
    if fel_lan:
        raise _bild_fel(mapp, lanskod, f"den gäller län {lanskod} men har rader för {', '.join(fel_lan)}.")
    fel_namn = df[df["kommun"] != df["kommunkod"].map(lanets)]
    if not fel_namn.empty:
        r = fel_namn.iloc[0]
        raise _bild_fel(mapp, lanskod, f"kommun {r['kommunkod']} heter '{r['kommun']}', inte {lanets[r['kommunkod']]}.")
    ej_bildade = _ej_bildade(mapp)
    for datum, grupp in df.groupby("datum"):
        dubbel = sorted(grupp.loc[grupp["kommunkod"].duplicated(), "kommunkod"])
        saknas = sorted(set(lanets.index) - set(grupp["kommunkod"]) - ej_bildade.get(datum.isoformat(), set()))
        if dubbel or saknas:
            vad = f"kommun {', '.join(dubbel)} står mer än en gång" if dubbel else f"kommun {', '.join(saknas)} saknas"
            raise _bild_fel(mapp, lanskod, f"{vad} för {datum.isoformat()}.")
    df["datum"] = [d.isoformat() for d in df["datum"]]
    df["folkmangd"] = df["folkmangd"].astype("int64")
    df["kalla"] = f"{visningsvag(mapp / 'folkmangd.csv')}: " + df["kalla"]
    return df


@cache
def load_befolkning_alla() -> pd.DataFrame:
    """Hela den medföljande befolkningstabellen, validerad, i långt format.

    Kolumner: kommunkod, kommun, lanskod, datum (datetime64), folkmangd (int64), kalla.
    """
    bdir = befolkning_dir()
    kommuner = load_kommuner().set_index("kommunkod")

    dal_path = bdir / "folkmangd_dalarna.csv"
    dal = _read_csv(dal_path, _DALARNA_KOLUMNER)
    dal["folkmangd"] = _check_folkmangd(dal, dal_path)
    dal["kalla"] = f"{visningsvag(dal_path)}: " + dal["kalla"]

    nat_path = bdir / "folkmangd_kommuner_31dec.csv"
    nat = _read_csv(nat_path, _NATIONELL_KOLUMNER)
    nat["folkmangd"] = _check_folkmangd(nat, nat_path)
    nat["datum"] = nat["ar"] + "-12-31"
    nat["kalla"] = f"{visningsvag(nat_path)}"
    nat = nat[KOLUMNER]

    # Hämtat från SCB (`analys hamta-befolkning`): senaste ögonblicksbilden går före allt annat.
    hamtat = []
    for mapp in hamtade_mappar():
        h = _las_hamtning(mapp, kommuner.reset_index())
        h["_ordning"] = len(hamtat)
        hamtat.append(h)
    if hamtat:
        h = pd.concat(hamtat, ignore_index=True).sort_values("_ordning", ascending=False, kind="stable")
        h = h.drop_duplicates(["kommunkod", "datum"]).drop(columns="_ordning")
        nycklar_h = set(zip(h["kommunkod"], h["datum"], strict=True))
        dal = dal[[k not in nycklar_h for k in zip(dal["kommunkod"], dal["datum"], strict=True)]]
        dal = pd.concat([h, dal], ignore_index=True)

    nycklar_dal = set(zip(dal["kommunkod"], dal["datum"], strict=True))
    i_dal = pd.Series(
        [k in nycklar_dal for k in zip(nat["kommunkod"], nat["datum"], strict=True)],
        index=nat.index,
        dtype=bool,
    )
    alla = pd.concat([dal, nat[~i_dal]], ignore_index=True)

    for path, df in ((dal_path, dal[~dal["kalla"].str.contains("/hamtat/")]), (nat_path, nat)):
        okanda = sorted(set(df["kommunkod"]) - set(kommuner.index))
        if okanda:
            raise AnalysError(f"{visningsvag(path)}: okända kommunkoder {', '.join(okanda)}.")
        fel_lan = df["lanskod"] != df["kommunkod"].map(kommuner["lanskod"])
        if fel_lan.any():
            rad = df[fel_lan].iloc[0]
            raise AnalysError(
                f"{visningsvag(path)}: kommun {rad['kommunkod']} står i län {rad['lanskod']}, "
                f"men hör till län {kommuner.loc[rad['kommunkod'], 'lanskod']} enligt kommuner.csv."
            )
        dubbel = df.duplicated(["kommunkod", "datum"])
        if dubbel.any():
            rad = df[dubbel].iloc[0]
            raise AnalysError(f"{visningsvag(path)}: kommun {rad['kommunkod']} har mer än en rad för {rad['datum']}.")

    try:
        alla["datum"] = pd.to_datetime(alla["datum"], format="%Y-%m-%d")
    except ValueError as e:
        raise AnalysError(f"Ogiltigt datum i befolkningsdata: {e}") from None
    # SCB:s namn från uppslagstabellen, så att samma kommun alltid heter likadant.
    alla["kommun"] = alla["kommunkod"].map(kommuner["kommun"])
    return alla.sort_values(["datum", "kommunkod"], ignore_index=True)


# --- det som övriga moduler använder ----------------------------------------------------------


def datum_for_lan(lanskod: str = STANDARDLAN) -> list[date]:
    """De referensdatum som har befolkning för länet, i ordning."""
    lan_namn(lanskod)
    alla = load_befolkning_alla()
    datum = alla.loc[alla["lanskod"] == lanskod, "datum"].drop_duplicates().sort_values()
    return [d.date() for d in datum]


def describe_datum(datum: list[date]) -> str:
    """Kort lista över datum: 31 december-åren som intervall, övriga datum uppräknade.

    >>> describe_datum([date(2019, 12, 31), date(2020, 12, 31), date(2023, 6, 30)])
    '31 december 2019–2020; 2023-06-30'
    """
    ar = sorted(d.year for d in datum if (d.month, d.day) == (12, 31))
    delar: list[str] = []
    if ar:
        intervall: list[str] = []
        start = prev = ar[0]
        for a in [*ar[1:], None]:
            if a is not None and a == prev + 1:
                prev = a
                continue
            intervall.append(str(start) if start == prev else f"{start}–{prev}")
            if a is not None:
                start = prev = a
        delar.append("31 december " + ", ".join(intervall))
    ovriga = [d.isoformat() for d in sorted(datum) if (d.month, d.day) != (12, 31)]
    if ovriga:
        delar.append(", ".join(ovriga))
    return "; ".join(delar)


def load_befolkning(lanskod: str = STANDARDLAN, datum: str | int | date = 2024) -> pd.DataFrame:
    """Folkmängd per kommun i ett län vid ett referensdatum, en rad per kommun i kodordning.

    Kolumner: kommunkod (str), kommun, lanskod, datum, folkmangd (int64), kalla.

    >>> df = load_befolkning("20", "2020-12-31")
    >>> len(df), int(df["folkmangd"].sum())
    (15, 287676)
    >>> df.loc[0, "kommunkod"], df.loc[0, "kommun"], int(df.loc[0, "folkmangd"])
    ('2021', 'Vansbro', 6801)
    """
    namn = lan_namn(lanskod)
    d = parse_datum(datum)
    alla = load_befolkning_alla()
    df = alla[(alla["lanskod"] == lanskod) & (alla["datum"] == pd.Timestamp(d))]
    if df.empty:
        raise AnalysError(
            f"Befolkning saknas för {namn} per {d.isoformat()}. "
            f"Datum som finns för länet: {describe_datum(datum_for_lan(lanskod))}."
        )
    # Varje kommun i länet ska finnas exakt en gång, utom kommuner som ännu inte var bildade
    # (de saknas i hela serien fram till bildandet).
    kommuner = load_kommuner()
    forvantade = set(kommuner.loc[kommuner["lanskod"] == lanskod, "kommunkod"])
    forsta = alla[alla["lanskod"] == lanskod].groupby("kommunkod")["datum"].min()
    saknas = sorted(k for k in forvantade - set(df["kommunkod"]) if k in forsta and forsta[k] <= pd.Timestamp(d))
    if saknas:
        raise AnalysError(f"Befolkningsdata för {namn} per {d.isoformat()} saknar kommunerna {', '.join(saknas)}.")
    return df.reset_index(drop=True)


def describe_kalla(befolkning: pd.DataFrame) -> Befolkningskalla:
    """Källbeskrivning för en tabell från `load_befolkning`."""
    lanskod = str(befolkning["lanskod"].iloc[0])
    d = befolkning["datum"].iloc[0].date()
    filer = tuple(sorted({k.split(":")[0] for k in befolkning["kalla"]}))
    hamtat = tuple(sorted({k.split(": ", 1)[1].removeprefix("SCB ") for k in befolkning["kalla"] if "/hamtat/" in k}))
    return Befolkningskalla(
        hamtat=hamtat,
        lanskod=lanskod,
        lan=lan_namn(lanskod),
        datum=d,
        scb_tabell=scb_tabell(d),
        filer=filer,
        summa=int(befolkning["folkmangd"].sum()),
    )


# --- framskrivning: år som ännu inte har statistik -------------------------------------------
# Håll senaste siffrorna, förläng trenden, eller läs en prognosfil (kommunkod, ar, folkmangd).


def _avrunda(x: Fraction) -> int:
    """Avrunda halva uppåt till heltal."""
    return int((x + Fraction(1, 2)).__floor__())


@cache
def _read_prognos(path: Path) -> pd.DataFrame:
    from analys.indata.csvfil import Kolumn, las_csv

    if path.parent.parent.name == "hamtat" and (path.parent / "metadata.yaml").is_file():
        verifiera_hamtning(path.parent, path.name)
    namn = f"Prognosfilen {visningsvag(path)}"
    kolumner = [
        Kolumn("kommunkod", "kommunkod"),
        Kolumn("ar", "heltal", min=1900, max=2100, alias=("år",)),
        Kolumn("folkmangd", "heltal", min=1, max=10**8),
    ]
    rader = las_csv(path, kolumner, namn=namn)
    sedda: dict[tuple[str, int], int] = {}
    for r in rader:
        k = (r.varden["kommunkod"], r.varden["ar"])
        if k in sedda:
            raise AnalysError(f"{namn}, rad {r.rad}: kommun {k[0]} år {k[1]} står också på rad {sedda[k]}.")
        sedda[k] = r.rad
    df = pd.DataFrame([r.varden for r in rader], columns=["kommunkod", "ar", "folkmangd"])
    df["ar"] = df["ar"].astype(int)
    df["folkmangd"] = df["folkmangd"].astype("int64")
    return df


def befolkning_for_datum(lanskod: str, datum: date, antagande: Befolkningsantagande) -> pd.DataFrame:
    """Befolkning per kommun vid `datum`: statistik om den finns, annars enligt antagandet.

    Samma kolumner som `load_befolkning`; `kalla` säger hur siffran kom till.
    """
    return _befolkning_for_datum(lanskod, datum, antagande).copy()


@cache
def _befolkning_for_datum(lanskod: str, datum: date, antagande: Befolkningsantagande) -> pd.DataFrame:
    finns = datum_for_lan(lanskod)
    if datum in finns:
        return load_befolkning(lanskod, datum)
    dec = [d for d in finns if (d.month, d.day) == (12, 31)]
    senaste = max(dec)
    if datum < senaste:
        return load_befolkning(lanskod, datum)  # ger felet som listar de datum som finns
    bas = load_befolkning(lanskod, senaste).copy()
    bas["datum"] = pd.Timestamp(datum)
    if antagande.metod == "senaste":
        bas["kalla"] = f"framskrivning: senaste statistik ({senaste.isoformat()}) oförändrad"
        return bas
    if antagande.metod == "trend":
        n = antagande.trend_ar
        fore = load_befolkning(lanskod, date(senaste.year - n, 12, 31)).set_index("kommunkod")["folkmangd"]
        if nya := [f"{r.kommun} ({r.kommunkod})" for r in bas.itertuples() if r.kommunkod not in fore.index]:
            raise AnalysError(
                f"Befolkningens trend över {n} år (trend_ar i antagandena) går tillbaka till {senaste.year - n}, "
                f"då {', '.join(nya)} inte fanns som kommun; ange ett mindre trend_ar."
            )
        steg = datum.year - senaste.year
        bas["folkmangd"] = [
            max(1, _avrunda(p + Fraction(steg * (p - int(fore[k])), n)))
            for k, p in zip(bas["kommunkod"], bas["folkmangd"], strict=True)
        ]
        bas["folkmangd"] = bas["folkmangd"].astype("int64")
        bas["kalla"] = f"framskrivning: trend {senaste.year - n}–{senaste.year} förlängd till {datum.isoformat()}"
        return bas
    path = Path(antagande.prognosfil)
    if not path.is_absolute():
        path = data_dir().parent / path
    prognos = _read_prognos(path)
    ar = prognos[prognos["ar"] == datum.year].set_index("kommunkod")["folkmangd"]
    saknas = [k for k in bas["kommunkod"] if k not in ar.index]
    if saknas:
        raise AnalysError(
            f"Prognosfilen {visningsvag(path)} saknar år {datum.year} för kommunerna {', '.join(saknas)}."
        )
    bas["folkmangd"] = [int(ar[k]) for k in bas["kommunkod"]]
    bas["folkmangd"] = bas["folkmangd"].astype("int64")
    bas["kalla"] = f"prognos: {visningsvag(path)}"
    return bas
