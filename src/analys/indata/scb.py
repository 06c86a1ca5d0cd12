"""Hämta folkmängd direkt från SCB:s PxWebApi 2.0 (JSON-stat2), som daterade ögonblicksbilder.

Perioder går automatiskt till rätt tabell:

- 31 december till och med 2024: TAB638; från 2025: TAB5557 (CKM);
- månad till och med 2024M12: TAB5444; från 2025M01: TAB6471 (CKM);
- prognos: TAB6008 (innehållskoden läses ur tabellens metadata, den byts varje prognosomgång).

Hur varje variabel väljs står i `analys.indata.scbtabeller` (totalen, eller utelämnad bara när
SCB:s summa är totalen; annars vägras hämtningen). Efter svaret kontrolleras att bara Region och
tid har mer än ett värde, att kommunernas summa stämmer med länets total i samma svar (exakt
före 2025, inom CKM-bruset från 2025), och att en nolla bara står för en kommun som ännu inte
fanns (den får ingen rad; metadata.yaml säger vilka och när).

Klienten har en tidsgräns för hela hämtningen (`--tidsgrans`, standard 120 s), väntar högst 60 s
på `Retry-After`, och försöker igen med ökande väntan (1, 2, 4 s) vid 429, 5xx, brutna
förbindelser, avbrutna svar och tidsöverskridanden, så länge tidsgränsen räcker.

Klienten är skriven direkt på `requests` i stället för `pxwebpy`: rapporterna behöver SCB:s råa
JSON-stat2-svar (med `updated`) för att spara dem som ögonblicksbilder med SHA-256, och
pxwebpys publika gränssnitt ger bara uppackade rader.

Varje hämtning sparas under `data/befolkning/hamtat/<tid>-<län>/`: de råa svaren, `metadata.yaml`
(URL, fråga, hämtningstid, SCB:s `updated`, SHA-256) och `folkmangd.csv`. Allt skrivs först i en
tillfällig mapp och flyttas på plats först när allt är kontrollerat; misslyckas något ändras
ingenting under `data/`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from analys.begrepp import CKM_FRAN_AR
from analys.fel import AnalysError
from analys.indata.scbtabeller import (
    PROGNOSTABELL,
    TOTALKODER,
    ScbError,
    build_selection,
    indelningsdag,
    kategorier,
    kommunbildningar,
    lansbyten,
    roller,
    scb_tabell_for,
)

__all__ = ["TOTALKODER", "ScbClient", "ScbError", "build_selection", "fetch", "hamta", "parse_data", "route"]

BAS_URL = "https://statistikdatabasen.scb.se/api/v2"
MAX_SVAR = 50_000_000  # byte; 150 000 celler i JSON-stat2 är några megabyte
TIDSGRANS = 120.0  # sekunder för hela hämtningen (--tidsgrans)
MAX_TIDSGRANS = 3600.0
MAX_RETRY_AFTER = 60.0  # sekunder; längre, oändligt eller obegripligt Retry-After räknas som detta
CKM_PER_KOMMUN = 3  # största tillåtna skillnad per kommun mellan kommunsumma och länstotal (CKM)
# /config: namn → (minsta, största, standard om nyckeln saknas)
CONFIG_GRANSER: dict[str, tuple[float, float, float]] = {
    "maxDataCells": (1, 100_000_000, 150_000),
    "maxCallsPerTimeWindow": (1, 10_000, 30),
    "timeWindow": (1, 3600, 10),
}


def bas_url() -> str:
    return os.environ.get("ANALYS_SCB_URL", BAS_URL).rstrip("/")


# --- perioder och tabeller ----------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """En period att hämta: `kod` som SCB skriver den (2024, 2023M06), `datum` som den gäller."""

    typ: str  # "31dec", "manad", "prognos"
    kod: str
    datum: date

    @property
    def tabell(self) -> str:
        return route(self)


def parse_manad(text: str) -> Period:
    """'2023M06' (eller '2023-06', '2023m6') → period för sista dagen i månaden, med SCB:s kod.

    >>> parse_manad("2023M06").datum, parse_manad(" 2023-6 ").kod
    (datetime.date(2023, 6, 30), '2023M06')
    """
    import calendar

    m = re.fullmatch(r"(\d{4})(?:[Mm]|-)(0?[1-9]|1[0-2])", text.strip())
    if not m:
        raise AnalysError(f"Ogiltig månad '{text}': ange ÅÅÅÅMmm, t.ex. 2023M06.")
    ar, man = int(m.group(1)), int(m.group(2))
    return Period("manad", f"{ar}M{man:02d}", date(ar, man, calendar.monthrange(ar, man)[1]))


def unika(perioder: list[Period]) -> list[Period]:
    """Varje period en gång, i den ordning de angavs (SCB svarar 500 på en dubblerad kod).

    >>> [p.kod for p in unika([parse_manad("2023M06"), parse_manad("2023-06")])]
    ['2023M06']
    """
    return list(dict.fromkeys(perioder))


def route(period: Period) -> str:
    """Tabellen som publicerar perioden.

    >>> route(Period("31dec", "2024", date(2024, 12, 31))), route(Period("31dec", "2025", date(2025, 12, 31)))
    ('TAB638', 'TAB5557')
    >>> route(parse_manad("2024M12")), route(parse_manad("2025M01"))
    ('TAB5444', 'TAB6471')
    """
    if period.typ == "prognos":
        return PROGNOSTABELL
    return scb_tabell_for(period.typ, period.datum).split()[0]


# --- HTTP ------------------------------------------------------------------------------------------


class _Tillfalligt(Exception):
    """Ett fel som kan gå över: bruten förbindelse, avbrutet svar, tidsöverskridande."""


def _tal_i_config(namn: str, v: Any) -> float:
    minst, mest, _ = CONFIG_GRANSER[namn]
    ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and minst <= v <= mest
    if not ok:
        raise ScbError(
            f"SCB (/config): {namn} är {str(v)[:40]!r}, inte ett tal från {minst:g} till {mest:g}; "
            "SCB:s gränser går inte att läsa."
        )
    return float(v)


def kontrollera_config(cfg: Any) -> dict[str, float]:
    """SCB:s /config med gränserna som tal inom rimliga gränser; saknade gränser får standardvärdet."""
    if not isinstance(cfg, dict):
        raise ScbError("SCB (/config): svaret är inget JSON-objekt; SCB:s gränser går inte att läsa.")
    return {n: _tal_i_config(n, cfg[n]) if n in cfg else g[2] for n, g in CONFIG_GRANSER.items()}


def retry_after(varde: str | None, forsok: int) -> float:
    """Väntetiden i sekunder: Retry-After om det är ett rimligt tal, högst 60 s; annars 1, 2, 4 … s.

    >>> retry_after("7", 1), retry_after("inf", 1), retry_after("1e308", 1), retry_after("nan", 2), retry_after(None, 3)
    (7.0, 60.0, 60.0, 60.0, 4.0)
    """
    if varde is None:
        return min(MAX_RETRY_AFTER, float(2 ** (forsok - 1)))
    try:
        sekunder = float(str(varde).strip()[:40])
    except ValueError:
        return MAX_RETRY_AFTER  # t.ex. ett HTTP-datum: vänta det längsta vi väntar
    if not math.isfinite(sekunder) or sekunder > MAX_RETRY_AFTER:
        return MAX_RETRY_AFTER
    return max(0.0, sekunder)


@dataclass
class ScbClient:
    """Liten klient för PxWebApi 2.0: hastighetsgräns ur /config, omförsök, en tidsgräns för allt."""

    url: str = field(default_factory=bas_url)
    timeout: float = 30.0  # sekunder per anrop, aldrig längre än det som är kvar av tidsgränsen
    tidsgrans: float = TIDSGRANS
    sleep: Callable[[float], None] | None = None  # standard time.sleep (slås upp vid anropet)
    klocka: Callable[[], float] | None = None  # standard time.monotonic
    max_forsok: int = 4
    _config: dict[str, float] | None = None
    _anrop: list[float] = field(default_factory=list)
    _session: Any = None
    _slut: float | None = None

    @property
    def session(self):
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = "analys (befolkningsdata för kostnadsfördelning)"
        return self._session

    def _nu(self) -> float:
        return (self.klocka or time.monotonic)()

    def starta(self) -> None:
        """Tidsgränsen börjar nu (en gång per hämtning)."""
        self._slut = self._nu() + self.tidsgrans

    def kvar(self) -> float:
        """Sekunder kvar av tidsgränsen; klockan startar vid första anropet."""
        if self._slut is None:
            self._slut = self._nu() + self.tidsgrans
        return self._slut - self._nu()

    def _for_sent(self, vad: str, varfor: str) -> ScbError:
        return ScbError(
            f"SCB ({vad}): {varfor}; tidsgränsen för hämtningen, {self.tidsgrans:g} s (--tidsgrans), nåddes."
        )

    def _sov(self, sekunder: float, vad: str, varfor: str) -> None:
        if sekunder >= self.kvar():
            raise self._for_sent(vad, f"{varfor}, och att vänta {sekunder:g} s till går inte")
        (self.sleep or time.sleep)(sekunder)

    def _vanta_pa_tur(self, vad: str = "") -> None:
        """Högst maxCallsPerTimeWindow anrop per timeWindow sekunder (SCB: 30 per 10 s)."""
        cfg = self._config or {}
        antal, fonster = int(cfg.get("maxCallsPerTimeWindow", 30)), float(cfg.get("timeWindow", 10))
        nu = self._nu()
        self._anrop = [t for t in self._anrop if nu - t < fonster]
        if len(self._anrop) >= antal:
            self._sov(fonster - (nu - self._anrop[0]), vad, "SCB:s gräns för antal anrop")
            self._anrop = self._anrop[1:]
        self._anrop.append(self._nu())

    def _las(self, svar, vad: str) -> bytes:
        """Svarets kropp bit för bit, så att tidsgränsen gäller också en server som droppar byte."""
        delar, storlek = [], 0
        while True:
            if self.kvar() <= 0:
                raise self._for_sent(vad, "svaret kom för långsamt")
            bit = svar.raw.read1(65536, decode_content=True)
            if not bit:
                return b"".join(delar)
            storlek += len(bit)
            if storlek > MAX_SVAR:
                raise ScbError(f"SCB ({vad}): svaret är större än {MAX_SVAR} byte; så stort svar väntas inte.")
            delar.append(bit)

    def _ett_anrop(self, metod: str, url: str, vad: str, params: dict | None, fraga: dict | None):
        import requests
        import urllib3

        vanta = max(0.001, min(self.timeout, self.kvar()))
        try:
            svar = self.session.request(metod, url, params=params, json=fraga, timeout=(vanta, vanta), stream=True)
            try:
                return svar.status_code, svar.headers, self._las(svar, vad), svar.url
            finally:
                svar.close()
        except (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError):
            raise _Tillfalligt(f"svarade inte inom {round(vanta, 1):g} s") from None
        except (urllib3.exceptions.ProtocolError, requests.exceptions.ChunkedEncodingError):
            raise _Tillfalligt("svaret avbröts innan det var komplett (förbindelsen bröts)") from None
        except requests.ConnectionError:
            raise _Tillfalligt(f"kunde inte nås ({_vard(url)}): ingen förbindelse eller förbindelsen bröts") from None
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as e:
            raise ScbError(f"SCB ({vad}): anropet misslyckades ({type(e).__name__}).") from None

    def request(self, metod: str, sokvag: str, vad: str = "", params: dict | None = None, fraga: dict | None = None):
        """Ett anrop; returnerar (råa bytes, tolkad JSON, URL). Fel blir `ScbError` på svenska
        som nämner SCB, tabellen och vad som hände."""
        url = f"{self.url}{sokvag}"
        vad = vad or sokvag
        senaste = ""
        for forsok in range(1, self.max_forsok + 1):
            if sokvag != "/config":
                self._vanta_pa_tur(vad)
            if self.kvar() <= 0:
                raise self._for_sent(vad, senaste or "inget svar")
            try:
                status, headers, innehall, svar_url = self._ett_anrop(metod, url, vad, params, fraga)
            except _Tillfalligt as e:
                senaste = str(e)
                if forsok < self.max_forsok:
                    self._sov(float(2 ** (forsok - 1)), vad, senaste)
                    continue
                raise ScbError(f"SCB ({vad}): {senaste} (efter {self.max_forsok} försök).") from None
            if (status == 429 or status >= 500) and forsok < self.max_forsok:
                senaste = "begränsar antalet anrop (429)" if status == 429 else f"svarade med serverfel {status}"
                vanta = retry_after(headers.get("Retry-After"), forsok) if status == 429 else 2 ** (forsok - 1)
                self._sov(float(vanta), vad, senaste)
                continue
            return self._tolka(status, innehall, svar_url, vad)
        raise ScbError(f"SCB ({vad}): svarade inte som väntat.")  # pragma: no cover

    def _tolka(self, status: int, innehall: bytes, url: str, vad: str):
        if status == 429:
            raise ScbError(
                f"SCB ({vad}): begränsar antalet anrop (429) även efter {self.max_forsok} försök; försök senare."
            )
        if status >= 500:
            raise ScbError(f"SCB ({vad}): svarade med serverfel {status} efter {self.max_forsok} försök.")
        if status >= 400:
            raise ScbError(f"SCB ({vad}): avvisade frågan ({status}) för {url}: {_felmeddelande(innehall)}")
        try:
            return innehall, json.loads(innehall), url
        except (ValueError, RecursionError):
            raise ScbError(f"SCB ({vad}): svaret från {url} var inte giltig JSON (avbrutet eller trasigt).") from None

    def config(self) -> dict[str, float]:
        if self._config is None:
            _, cfg, _ = self.request("GET", "/config", "/config")
            self._config = kontrollera_config(cfg)
        return self._config

    def metadata(self, tabell: str) -> dict[str, Any]:
        self.config()
        _, meta, _ = self.request(
            "GET", f"/tables/{tabell}/metadata", tabell, params={"lang": "sv", "outputFormat": "json-stat2"}
        )
        _check_jsonstat(meta, f"metadata för {tabell}")
        return meta

    def data(self, tabell: str, urval: dict[str, list[str]]) -> tuple[bytes, dict[str, Any], str, dict]:
        fraga = {"selection": [{"variableCode": k, "valueCodes": v} for k, v in urval.items()]}
        raa, svar, url = self.request(
            "POST", f"/tables/{tabell}/data", tabell, params={"lang": "sv", "outputFormat": "json-stat2"}, fraga=fraga
        )
        _check_jsonstat(svar, f"data från {tabell}")
        return raa, svar, url, fraga


def _vard(url: str) -> str:
    return re.sub(r"^https?://([^/]+).*$", r"\1", url)


def _felmeddelande(innehall: bytes) -> str:
    try:
        d = json.loads(innehall)
        text = str(d.get("title") or d.get("detail") or d) if isinstance(d, dict) else str(d)
    except (ValueError, RecursionError):
        text = innehall.decode("utf-8", "replace")
    return text[:300]


def _kategorier_ok(kat: Any) -> bool:
    index = kat.get("index") if isinstance(kat, dict) else None
    if isinstance(index, dict):
        return all(isinstance(c, str) and isinstance(i, int) and not isinstance(i, bool) for c, i in index.items())
    return isinstance(index, list) and all(isinstance(c, str) for c in index)


def _check_jsonstat(d: Any, vad: str) -> None:
    if not isinstance(d, dict) or not {"id", "size", "dimension"} <= set(d):
        raise ScbError(f"SCB:s svar ({vad}) har inte formen JSON-stat2 (id, size, dimension saknas).")
    ids, size, dim = d["id"], d["size"], d["dimension"]
    roll = d.get("role")
    if roll is not None and not (
        isinstance(roll, dict)
        and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in roll.values())
    ):
        raise ScbError(f"SCB:s svar ({vad}) är trasigt: role har fel form.")
    if (
        not isinstance(ids, list)
        or not isinstance(size, list)
        or not isinstance(dim, dict)
        or not all(isinstance(k, str) for k in ids)
        or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 1_000_000 for n in size)
    ):
        raise ScbError(f"SCB:s svar ({vad}) är trasigt: id, size eller dimension har fel form.")
    if len(ids) != len(size) or any(k not in dim for k in ids):
        raise ScbError(f"SCB:s svar ({vad}) är trasigt: dimensionerna stämmer inte med id och size.")
    for k in ids:
        kat = dim[k].get("category") if isinstance(dim[k], dict) else None
        if not _kategorier_ok(kat):
            raise ScbError(f"SCB:s svar ({vad}) är trasigt: dimensionen {k} saknar kategorier.")
        if not isinstance(kat.get("label", {}), dict):
            raise ScbError(f"SCB:s svar ({vad}) är trasigt: dimensionen {k} har fel form på etiketterna.")


# --- svaret ----------------------------------------------------------------------------------------


def _folkmangd(v: Any, prognos: bool) -> int | None:
    """Ett värde som folkmängd (heltal ≥ 0), eller None. Prognosens fyra decimaler avrundas."""
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not 0 <= v < 10**8:
        return None
    if v == int(v):
        return int(v)
    return int(Decimal(str(v)).quantize(Decimal(1), ROUND_HALF_UP)) if prognos else None


def _platta_varden(svar: dict, tabell: str, antal: int) -> list:
    varden = svar.get("value")
    if isinstance(varden, dict):  # gles form: {"index": värde}
        varden = [varden.get(str(i)) for i in range(antal)]
    if not isinstance(varden, list) or len(varden) != antal:
        n = len(varden) if isinstance(varden, list) else 0
        raise ScbError(f"SCB ({tabell}): svaret har {n} värden, väntade {antal}.")
    return varden


def _kontrollera_dimensioner(svar: dict, tabell: str, tid: str, urval: dict[str, list[str]] | None) -> None:
    ids, size = svar["id"], svar["size"]
    if "Region" not in ids or tid not in ids:
        raise ScbError(f"SCB ({tabell}): svaret saknar dimensionerna Region och {tid}.")
    for dim, n in zip(ids, size, strict=True):
        if dim in ("Region", tid):
            continue
        if n != 1:
            raise ScbError(f"SCB ({tabell}): svaret har {n} värden för {dim}; väntade bara totalen.")
        fick = kategorier(svar, dim)[0]
        if urval is not None and dim in urval and fick != urval[dim]:
            raise ScbError(f"SCB ({tabell}): svaret gäller {dim} {fick[0]}, frågan bad om {urval[dim][0]}.")


def parse_data(svar: dict, tabell: str, urval: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """JSON-stat2 → kommunkod, kommun, period, folkmangd (en rad per region och period).

    Alla andra dimensioner ska ha exakt en kategori (den valda totalen). 0 är en giltig siffra
    här (en kommun som ännu inte fanns); vad den betyder avgörs av `fetch`."""
    tid = roller(svar)[0]
    _kontrollera_dimensioner(svar, tabell, tid, urval)
    ids, size = svar["id"], svar["size"]
    varden = _platta_varden(svar, tabell, math.prod(size))
    steg = [math.prod(size[i + 1 :]) for i in range(len(size))]
    regioner, etiketter = kategorier(svar, "Region")
    perioder, _ = kategorier(svar, tid)
    ri, ti = ids.index("Region"), ids.index(tid)
    rader = []
    for a, region in enumerate(regioner):
        for b, period in enumerate(perioder):
            v = varden[a * steg[ri] + b * steg[ti]]
            if v is None:
                raise ScbError(f"SCB ({tabell}): värde saknas för {region} {period}.")
            tal = _folkmangd(v, tabell == PROGNOSTABELL)
            if tal is None:
                raise ScbError(f"SCB ({tabell}): värdet för {region} {period} är inte en folkmängd ({str(v)[:30]!r}).")
            namn = re.sub(r"^\d{2,4}\s+", "", str(etiketter.get(region, region)))
            rader.append((region, namn, period, tal))
    return pd.DataFrame(rader, columns=["kommunkod", "kommun", "period", "folkmangd"])


# --- kontroller efter svaret -------------------------------------------------------------------


def _bildade_i_medfoljande() -> dict[str, date]:
    """Kommuner som bildats efter 1969 enligt den medföljande nationella filen: första året med
    en siffra +1 (31 december redovisas efter indelningen 1 januari året efter)."""
    from analys.indata.befolkning import befolkning_dir

    fil = befolkning_dir() / "folkmangd_kommuner_31dec.csv"
    if not fil.is_file():
        return {}
    df = pd.read_csv(fil, dtype={"kommunkod": str}, usecols=["kommunkod", "ar"])
    forsta = df.groupby("kommunkod")["ar"].min()
    return {k: date(int(a) + 1, 1, 1) for k, a in forsta.items() if a > df["ar"].min()}


def _ej_bildade(df: pd.DataFrame, meta: dict, tabell: str, typ: str) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Rader med 0 för kommuner som ännu inte fanns tas bort (kod → perioder); 0 för en kommun som
    fanns är ett fel."""
    nollor = df[df["folkmangd"] == 0]
    if nollor.empty:
        return df, {}
    bildad = {**_bildade_i_medfoljande(), **kommunbildningar(meta)}
    borta: dict[str, list[str]] = {}
    for r in nollor.itertuples():
        dag = bildad.get(r.kommunkod)
        if len(r.kommunkod) == 4 and dag is not None and indelningsdag(typ, r.period) < dag:
            borta.setdefault(r.kommunkod, []).append(r.period)
            continue
        om = f" (bildad {dag.isoformat()})" if dag else ""
        raise ScbError(
            f"SCB ({tabell}): folkmängden för {r.kommun} ({r.kommunkod}) {r.period} är 0, men kommunen "
            f"fanns då{om}; svaret är fel och hämtningen avbryts."
        )
    return df[df["folkmangd"] != 0], borta


def _tolerans(tabell: str, period: str, antal: int) -> int:
    if tabell == PROGNOSTABELL:
        return antal  # fyra decimaler per kommun, avrundade: högst en halv per kommun och länet
    return CKM_PER_KOMMUN * antal if int(period[:4]) >= CKM_FRAN_AR else 0


def _lanets_kommuner(meta: dict, lanskod: str, typ: str, period: str, kommuner: list[str]) -> list[str] | None:
    """Kommunerna som hörde till länet vid periodens indelning, eller None om länet då hade en
    kommun som inte finns bland dem (den kan inte räknas med)."""
    dag = indelningsdag(typ, period)
    ut = list(kommuner)
    for kommun, fran, till, byte in lansbyten(meta):
        if dag >= byte:
            continue
        if till == lanskod and kommun in ut:
            ut.remove(kommun)
        if fran == lanskod:
            return None
    return ut


def _kontrollera_lanstotal(df: pd.DataFrame, meta: dict, tabell: str, lanskod: str, typ: str) -> list[str]:
    """Kommunernas summa mot länets total i samma svar; returnerar vad som sägs om skillnader."""
    sagt = []
    lan = df[df["kommunkod"] == lanskod].set_index("period")["folkmangd"]
    kommuner = df[df["kommunkod"] != lanskod]
    for period, varde in lan.items():
        rader = kommuner[kommuner["period"] == period]
        med = _lanets_kommuner(meta, lanskod, typ, period, list(rader["kommunkod"]))
        if med is None:
            sagt.append(
                f"{tabell} {period}: länet hade då en kommun som nu hör till ett annat län; summan jämförs inte."
            )
            continue
        summa = int(rader.loc[rader["kommunkod"].isin(med), "folkmangd"].sum())
        skillnad, tolerans = summa - int(varde), _tolerans(tabell, period, len(med))
        if abs(skillnad) > tolerans:
            raise ScbError(
                f"SCB ({tabell}): kommunernas summa för län {lanskod} {period} är {summa}, länets total i samma "
                f"svar {int(varde)} (skillnad {skillnad:+d}, högst {tolerans} tillåts); svaret hänger inte ihop."
            )
        if skillnad:
            orsak = "avrundning av prognosens decimaler" if tabell == PROGNOSTABELL else "SCB:s CKM-brus"
            sagt.append(
                f"{tabell} {period}: kommunernas summa {summa}, länets total {int(varde)} "
                f"(skillnad {skillnad:+d}, {orsak})."
            )
    return sagt


def _kontrollera_kommuner(df: pd.DataFrame, tabell: str, urval: dict, lanets: pd.Series) -> None:
    saknade = sorted(set(urval["Region"]) - set(df["kommunkod"]))
    if saknade:
        raise ScbError(f"SCB ({tabell}): svaret saknar kommunerna {', '.join(saknade)}.")
    okanda = sorted(set(df["kommunkod"]) - set(lanets.index))
    if okanda:
        raise ScbError(f"SCB ({tabell}): kommunkoderna {', '.join(okanda)} finns inte i den medföljande kommunlistan.")
    fel_namn = df[df["kommun"] != df["kommunkod"].map(lanets)]
    if not fel_namn.empty:
        r = fel_namn.iloc[0]
        raise ScbError(
            f"SCB ({tabell}): SCB kallar {r['kommunkod']} '{r['kommun']}', den medföljande listan "
            f"'{lanets[r['kommunkod']]}'; uppdatera data/befolkning/kommuner.csv."
        )
    saknas_lan = sorted(set(lanets.index) - set(df["kommunkod"]))
    if saknas_lan:
        raise ScbError(f"SCB ({tabell}): svaret saknar länets kommuner {', '.join(saknas_lan)}.")


# --- hämta och spara -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hamtning:
    mapp: Path
    rader: int
    tabeller: tuple[str, ...]
    dubbla: int = 0  # månadssiffror för 31 december som årstabellen redan gav
    ej_bildade: dict[str, list[str]] = field(default_factory=dict)  # kommunkod → datum utan kommun
    sagt: tuple[str, ...] = ()  # skillnader mot länets total som sägs


@dataclass
class _Insamlat:
    svar_filer: dict[str, bytes] = field(default_factory=dict)
    poster: list[dict] = field(default_factory=list)
    tabeller: list[pd.DataFrame] = field(default_factory=list)
    ej_bildade: dict[str, list[str]] = field(default_factory=dict)
    sagt: list[str] = field(default_factory=list)


def _period_datum(period: str, typ: str) -> date:
    if typ == "manad":
        return parse_manad(period).datum
    return date(int(period), 12, 31)


def _hamta_delar(klient: ScbClient, tabell: str, urval: dict, tid: str, nu: datetime, ut: _Insamlat) -> pd.DataFrame:
    """Hämta urvalet, delat i bitar under maxDataCells; de råa svaren och anropen sparas i `ut`."""
    per_anrop = max(1, int(klient.config()["maxDataCells"]) // len(urval["Region"]))
    bitar = [urval[tid][i : i + per_anrop] for i in range(0, len(urval[tid]), per_anrop)]
    delar = []
    for n, bit in enumerate(bitar, start=1):
        raa, svar, url, fraga = klient.data(tabell, {**urval, tid: bit})
        delar.append(parse_data(svar, tabell, {**urval, tid: bit}).assign(uppdaterad=str(svar.get("updated", ""))))
        fil = f"{tabell}.json" if len(bitar) == 1 else f"{tabell}-{n}.json"
        ut.svar_filer[fil] = raa
        ut.poster.append(
            {
                "tabell": tabell,
                "url": url,
                "fraga": fraga,
                "hamtad": nu.isoformat(timespec="seconds"),
                "scb_updated": str(svar.get("updated", "")),
                "fil": fil,
                "sha256": hashlib.sha256(raa).hexdigest(),
                "perioder": list(bit),
            }
        )
    return pd.concat(delar, ignore_index=True)


def _hamta_tabell(klient, tabell: str, ps: list[Period], lanskod: str, lanets: pd.Series, nu, ut: _Insamlat) -> None:
    meta = klient.metadata(tabell)
    tid = roller(meta)[0]
    typ = ps[0].typ
    if typ == "prognos":
        ps = [Period("prognos", k, date(int(k), 12, 31)) for k in kategorier(meta, tid)[0] if k.isdigit()]
    urval = build_selection(meta, tabell, lanskod, [p.kod for p in ps])
    med_lan = _hamta_delar(klient, tabell, urval, tid, nu, ut)
    df = med_lan[med_lan["kommunkod"] != lanskod]
    _kontrollera_kommuner(df, tabell, {**urval, "Region": [k for k in urval["Region"] if k != lanskod]}, lanets)
    df, borta = _ej_bildade(df, meta, tabell, typ)
    ut.sagt += _kontrollera_lanstotal(med_lan, meta, tabell, lanskod, typ)
    for kod, perioder in borta.items():
        ut.ej_bildade.setdefault(kod, []).extend(_period_datum(p, typ).isoformat() for p in perioder)
    df = df.assign(datum=[_period_datum(p, typ).isoformat() for p in df["period"]], lanskod=lanskod, tabell=tabell)
    ut.tabeller.append(df)


def _skriv(tmp: Path, alla: pd.DataFrame, prognos: pd.DataFrame, ut: _Insamlat, klient, lanskod: str, nu) -> None:
    import yaml

    for fil, raa in ut.svar_filer.items():
        (tmp / fil).write_bytes(raa)
    tabell = alla[["kommunkod", "kommun", "lanskod", "datum", "folkmangd"]].copy()
    tabell["kalla"] = [
        f"SCB {t} {p} (uppdaterad {u[:10]}, hämtad {nu.date().isoformat()})"
        for t, p, u in zip(alla["tabell"], alla["period"], alla["uppdaterad"], strict=True)
    ]
    if len(tabell):
        tabell.sort_values(["datum", "kommunkod"]).to_csv(tmp / "folkmangd.csv", index=False, encoding="utf-8")
    if len(prognos):
        # Samma form som antagandenas prognosfil (befolkning: metod: prognos).
        pr = prognos.assign(ar=prognos["period"].astype(int))[["kommunkod", "ar", "folkmangd"]]
        pr.sort_values(["ar", "kommunkod"]).to_csv(tmp / "prognos.csv", index=False, encoding="utf-8")
    meta_yaml = {
        "beskrivning": f"Folkmängd per kommun i län {lanskod} hämtad från SCB:s PxWebApi 2.0",
        "api": klient.url,
        "hamtad": nu.isoformat(timespec="seconds"),
        "anrop": ut.poster,
        "filer": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(tmp.glob("*.csv"))},
    }
    if ut.ej_bildade:
        # SCB svarar 0 för en kommun före dess bildande; den har ingen rad för de datumen.
        meta_yaml["kommuner_som_inte_fanns"] = {k: sorted(v) for k, v in sorted(ut.ej_bildade.items())}
    if ut.sagt:
        meta_yaml["kontroller"] = list(ut.sagt)
    text = yaml.dump(meta_yaml, Dumper=_citerande(), allow_unicode=True, sort_keys=False)
    (tmp / "metadata.yaml").write_text(text, "utf-8")


def _citerande():
    import yaml

    class Citerande(yaml.SafeDumper):
        """Koder som 0330 och datum skrivs inom citattecken, så att de läses tillbaka som text."""

    def text(dumper, data: str):
        stil = "'" if re.fullmatch(r"[\d\s.:+\-eE_]*", data) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=stil)

    Citerande.add_representer(str, text)
    return Citerande


def _flytta_pa_plats(tmp: Path, hamtat_dir: Path, namn: str) -> Path:
    for p in tmp.iterdir():
        os.chmod(p, 0o644)
    os.chmod(tmp, 0o755)
    mal = hamtat_dir / namn
    n = 1
    while mal.exists():
        n += 1
        mal = hamtat_dir / f"{namn}-{n}"
    os.replace(tmp, mal)
    return mal


def _utan_dubbla_datum(alla: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    # December som månad (TAB5444/TAB6471) och 31 december (TAB638/TAB5557) är samma datum; då
    # gäller årstabellen, SCB:s officiella siffra för 31 december. Varje datum finns en gång.
    alla = alla.assign(_ar=alla["tabell"].isin(["TAB638", "TAB5557"]))
    fore = len(alla)
    alla = alla.sort_values("_ar", ascending=False, kind="stable").drop_duplicates(["kommunkod", "datum"])
    return alla.drop(columns="_ar"), fore - len(alla)


def fetch(
    lanskod: str,
    perioder: list[Period],
    hamtat_dir: Path,
    klient: ScbClient | None = None,
    nu: datetime | None = None,
) -> Hamtning:
    """Hämta perioderna för länets kommuner, kontrollera allt, och spara en ögonblicksbild.

    Inget skrivs under `hamtat_dir` förrän alla svar är hämtade och kontrollerade.
    """
    from analys.indata.befolkning import clear_cache, load_kommuner

    klient = klient or ScbClient()
    nu = nu or datetime.now(UTC)
    kommuner = load_kommuner()
    lanets = kommuner[kommuner["lanskod"] == lanskod].set_index("kommunkod")["kommun"]
    per_tabell: dict[str, list[Period]] = {}
    for p in unika(perioder):
        per_tabell.setdefault(p.tabell, []).append(p)

    ut = _Insamlat()
    klient.starta()
    klient.config()
    for tabell, ps in per_tabell.items():
        _hamta_tabell(klient, tabell, ps, lanskod, lanets, nu, ut)
    alla = pd.concat(ut.tabeller, ignore_index=True)
    prognos = alla[alla["tabell"] == PROGNOSTABELL]
    alla, dubbla = _utan_dubbla_datum(alla[alla["tabell"] != PROGNOSTABELL])

    namn = f"{nu.strftime('%Y-%m-%dT%H%M%S')}-{lanskod}"
    hamtat_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{namn}.", dir=hamtat_dir))
    try:
        _skriv(tmp, alla, prognos, ut, klient, lanskod, nu)
        mal = _flytta_pa_plats(tmp, hamtat_dir, namn)
        clear_cache()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Hamtning(mal, len(alla) + len(prognos), tuple(per_tabell), dubbla, ut.ej_bildade, tuple(ut.sagt))


def _perioder(fran: int | None, till: int | None, manader: list[str], prognos: bool) -> list[Period]:
    perioder = [parse_manad(m) for m in manader]
    if fran is not None or till is not None or not (perioder or prognos):
        fran = fran if fran is not None else 2015
        till = till if till is not None else 2025
        if not 1968 <= fran <= till <= 2100:
            raise AnalysError(f"Ogiltiga år: --fran {fran} och --till {till} (1968 eller senare, --fran ≤ --till).")
        perioder += [Period("31dec", str(a), date(a, 12, 31)) for a in range(fran, till + 1)]
    if prognos:
        perioder.append(Period("prognos", "", date(2100, 12, 31)))
    return unika(perioder)


def tidsgrans_sekunder(varde: float | None) -> float:
    """`--tidsgrans` i sekunder: ett tal från 1 till 3600 (standard 120)."""
    if varde is None:
        return TIDSGRANS
    if not (isinstance(varde, int | float) and math.isfinite(varde) and 1 <= varde <= MAX_TIDSGRANS):
        raise AnalysError(
            f"Ogiltig tidsgräns {varde!r}: ange sekunder från 1 till {MAX_TIDSGRANS:g}, t.ex. --tidsgrans 120."
        )
    return float(varde)


def hamta(
    lanskod: str,
    fran: int | None,
    till: int | None,
    manader: list[str],
    prognos: bool,
    tidsgrans: float | None = None,
) -> str:
    """`analys hamta-befolkning`: hämta och spara; returnerar raden som säger vad som hämtades.

    Utan år, månader och prognos hämtas 31 december 2015–2025.
    """
    from analys.indata.befolkning import hamtat_dir, lan_namn
    from analys.indata.paths import kravd_projektrot, visningsvag

    perioder = _perioder(fran, till, manader, prognos)
    klient = ScbClient(tidsgrans=tidsgrans_sekunder(tidsgrans))
    try:
        mapp = hamtat_dir() or kravd_projektrot() / "data" / "befolkning" / "hamtat"
        h = fetch(lanskod, perioder, mapp, klient)
    except ScbError as e:
        raise ScbError(f"{e} De medföljande siffrorna används som förut; inget under data/ har ändrats.") from None
    text = f"Hämtade {h.rader} siffror för {lan_namn(lanskod)} ({', '.join(h.tabeller)}) till {visningsvag(h.mapp)}/."
    if h.dubbla:
        text += f" {h.dubbla} månadssiffror för 31 december sparades inte: där gäller årstabellen."
    if h.ej_bildade:
        from analys.indata.befolkning import load_kommuner

        namn = load_kommuner().set_index("kommunkod")["kommun"]
        delar = [f"{namn.get(k, k)} ({k}) {', '.join(sorted(d))}" for k, d in sorted(h.ej_bildade.items())]
        text += f" Kommuner som inte fanns än (SCB svarar 0, ingen rad sparas): {'; '.join(delar)}."
    if h.sagt:
        text += " " + " ".join(h.sagt)
    return text
