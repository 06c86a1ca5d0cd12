"""Hämta folkmängd direkt från SCB:s PxWebApi 2.0 (JSON-stat2), som daterade ögonblicksbilder.

Perioder går automatiskt till rätt tabell:

- 31 december till och med 2024: TAB638; från 2025: TAB5557 (CKM);
- månad till och med 2024M12: TAB5444; från 2025M01: TAB6471 (CKM);
- prognos: TAB6008 (innehållskoden läses ur tabellens metadata, den byts varje prognosomgång).

Av alla andra variabler (ålder, kön, civilstånd) väljs den publicerade totalen, t.ex. civilstånd
`SC`, ålder `TotSA`, kön `TotSa`; celler summeras aldrig. Saknar en variabel total men får
elimineras av API:t, utelämnas den (SCB räknar då totalen).

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
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analys.begrepp import scb_tabell_for
from analys.fel import AnalysError, ExterntFel

BAS_URL = "https://statistikdatabasen.scb.se/api/v2"
MAX_SVAR = 50_000_000  # byte; 150 000 celler i JSON-stat2 är några megabyte
TOTALKODER = ("SC", "TotSA", "TotSa", "tot", "1+2", "totalt", "TOT")


class ScbError(ExterntFel):
    """SCB kunde inte ge det som begärdes. Slutkod 1: inget fel i användarens indata."""


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
    """'2023M06' (eller '2023-06') → period för sista dagen i månaden.

    >>> parse_manad("2023M06").datum
    datetime.date(2023, 6, 30)
    """
    import calendar

    m = re.fullmatch(r"(\d{4})(?:M|-)(0[1-9]|1[0-2])", text.strip())
    if not m:
        raise AnalysError(f"Ogiltig månad '{text}': ange ÅÅÅÅMmm, t.ex. 2023M06.")
    ar, man = int(m.group(1)), int(m.group(2))
    return Period("manad", f"{ar}M{man:02d}", date(ar, man, calendar.monthrange(ar, man)[1]))


def route(period: Period) -> str:
    """Tabellen som publicerar perioden.

    >>> route(Period("31dec", "2024", date(2024, 12, 31))), route(Period("31dec", "2025", date(2025, 12, 31)))
    ('TAB638', 'TAB5557')
    >>> route(parse_manad("2024M12")), route(parse_manad("2025M01"))
    ('TAB5444', 'TAB6471')
    """
    if period.typ == "prognos":
        return "TAB6008"
    return scb_tabell_for(period.typ, period.datum).split()[0]


# --- HTTP ------------------------------------------------------------------------------------------


@dataclass
class ScbClient:
    """Liten klient för PxWebApi 2.0: hastighetsgräns ur /config, omförsök vid 429 och 5xx."""

    url: str = field(default_factory=bas_url)
    timeout: float = 30.0
    sleep: Callable[[float], None] | None = None  # standard time.sleep (slås upp vid anropet)
    klocka: Callable[[], float] | None = None  # standard time.monotonic
    max_forsok: int = 4
    _config: dict[str, Any] | None = None
    _anrop: list[float] = field(default_factory=list)
    _session: Any = None

    @property
    def session(self):
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = "analys (befolkningsdata för kostnadsfördelning)"
        return self._session

    def _sov(self, sekunder: float) -> None:
        (self.sleep or time.sleep)(sekunder)

    def _nu(self) -> float:
        return (self.klocka or time.monotonic)()

    def _vanta_pa_tur(self) -> None:
        """Högst maxCallsPerTimeWindow anrop per timeWindow sekunder (SCB: 30 per 10 s)."""
        cfg = self._config or {}
        antal, fonster = int(cfg.get("maxCallsPerTimeWindow", 30) or 0), float(cfg.get("timeWindow", 10) or 0)
        if antal <= 0:
            return
        nu = self._nu()
        self._anrop = [t for t in self._anrop if nu - t < fonster]
        if len(self._anrop) >= antal:
            self._sov(fonster - (nu - self._anrop[0]))
            self._anrop = self._anrop[1:]
        self._anrop.append(self._nu())

    def request(self, metod: str, sokvag: str, params: dict | None = None, fraga: dict | None = None):
        """Ett anrop; returnerar (råa bytes, tolkad JSON, URL). Fel blir `ScbError` på svenska."""
        import requests

        url = f"{self.url}{sokvag}"
        for forsok in range(1, self.max_forsok + 1):
            if sokvag != "/config":
                self._vanta_pa_tur()
            try:
                svar = self.session.request(metod, url, params=params, json=fraga, timeout=self.timeout)
            except requests.Timeout:
                raise ScbError(f"SCB svarade inte inom {self.timeout:g} s ({url}).") from None
            except requests.ConnectionError:
                raise ScbError(f"SCB kunde inte nås ({_vard(url)}): ingen förbindelse.") from None
            if svar.status_code == 429 and forsok < self.max_forsok:
                vanta = _retry_after(svar.headers.get("Retry-After"), forsok)
                self._sov(vanta)
                continue
            if svar.status_code >= 500 and forsok < self.max_forsok:
                self._sov(2 ** (forsok - 1))
                continue
            if svar.status_code == 429:
                raise ScbError(f"SCB begränsar antalet anrop (429) även efter {self.max_forsok} försök; försök senare.")
            if svar.status_code >= 500:
                raise ScbError(f"SCB svarade med serverfel {svar.status_code} efter {self.max_forsok} försök ({url}).")
            if svar.status_code >= 400:
                raise ScbError(f"SCB avvisade frågan ({svar.status_code}) för {url}: {_felmeddelande(svar)}")
            if len(svar.content) > MAX_SVAR:
                raise ScbError(f"SCB:s svar från {url} var {len(svar.content)} byte; högst {MAX_SVAR} väntas.")
            try:
                return svar.content, json.loads(svar.content), svar.url
            except (ValueError, RecursionError):
                raise ScbError(f"SCB:s svar från {url} var inte giltig JSON.") from None
        raise ScbError(f"SCB svarade inte som väntat ({url}).")  # pragma: no cover

    def config(self) -> dict[str, Any]:
        if self._config is None:
            _, cfg, _ = self.request("GET", "/config")
            self._config = cfg if isinstance(cfg, dict) else {}
        return self._config

    def metadata(self, tabell: str) -> dict[str, Any]:
        self.config()
        _, meta, _ = self.request(
            "GET", f"/tables/{tabell}/metadata", params={"lang": "sv", "outputFormat": "json-stat2"}
        )
        _check_jsonstat(meta, f"metadata för {tabell}")
        return meta

    def data(self, tabell: str, urval: dict[str, list[str]]) -> tuple[bytes, dict[str, Any], str, dict]:
        fraga = {"selection": [{"variableCode": k, "valueCodes": v} for k, v in urval.items()]}
        raa, svar, url = self.request(
            "POST", f"/tables/{tabell}/data", params={"lang": "sv", "outputFormat": "json-stat2"}, fraga=fraga
        )
        _check_jsonstat(svar, f"data från {tabell}")
        return raa, svar, url, fraga


def _vard(url: str) -> str:
    return re.sub(r"^https?://([^/]+).*$", r"\1", url)


def _retry_after(varde: str | None, forsok: int) -> float:
    try:
        return max(0.0, float(varde)) if varde is not None else float(2 ** (forsok - 1))
    except ValueError:
        return float(2 ** (forsok - 1))


def _felmeddelande(svar) -> str:
    try:
        d = svar.json()
        return str(d.get("title") or d.get("detail") or d)[:300]
    except ValueError:
        return svar.text[:300]


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
        index = kat.get("index") if isinstance(kat, dict) else None
        if not (
            isinstance(index, dict)
            and all(isinstance(c, str) and isinstance(i, int) and not isinstance(i, bool) for c, i in index.items())
        ) and not (isinstance(index, list) and all(isinstance(c, str) for c in index)):
            raise ScbError(f"SCB:s svar ({vad}) är trasigt: dimensionen {k} saknar kategorier.")
        if not isinstance(kat.get("label", {}), dict):
            raise ScbError(f"SCB:s svar ({vad}) är trasigt: dimensionen {k} har fel form på etiketterna.")


# --- urval ur metadata ----------------------------------------------------------------------------


def _kategorier(meta: dict, dim: str) -> tuple[list[str], dict[str, str]]:
    kat = meta["dimension"][dim]["category"]
    index = kat["index"]
    koder = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
    return koder, dict(kat.get("label", {}))


def _total(meta: dict, dim: str) -> str | None:
    koder, etiketter = _kategorier(meta, dim)
    for k in koder:
        if k in TOTALKODER or str(etiketter.get(k, "")).lower().startswith("totalt"):
            return k
    return None


def _innehall(meta: dict, dim: str, tabell: str) -> str:
    koder, etiketter = _kategorier(meta, dim)
    if len(koder) == 1:
        return koder[0]
    traff = [k for k in koder if "folkmängd" in str(etiketter.get(k, "")).lower()]
    if not traff:
        raise ScbError(f"{tabell}: hittar inget tabellinnehåll för folkmängd bland {', '.join(koder)}.")
    return traff[0]


def build_selection(meta: dict, tabell: str, lanskod: str, perioder: list[str]) -> dict[str, list[str]]:
    """Urvalet för länets kommuner och perioderna, med totalen för övriga variabler."""
    roller = meta.get("role") or {}
    tid = (roller.get("time") or ["Tid"])[0]
    matt = (roller.get("metric") or ["ContentsCode"])[0]
    urval: dict[str, list[str]] = {}
    for dim in meta["id"]:
        koder, _ = _kategorier(meta, dim)
        if dim == "Region":
            kommuner = [k for k in koder if len(k) == 4 and k.startswith(lanskod)]
            if not kommuner:
                raise ScbError(f"{tabell} har inga kommuner i län {lanskod}.")
            urval[dim] = kommuner
        elif dim == tid:
            saknas = [p for p in perioder if p not in koder]
            if saknas:
                raise ScbError(f"{tabell} saknar perioden {', '.join(saknas)}; tabellen har {koder[0]}–{koder[-1]}.")
            urval[dim] = list(perioder)
        elif dim == matt:
            urval[dim] = [_innehall(meta, dim, tabell)]
        else:
            total = _total(meta, dim)
            if total is not None:
                urval[dim] = [total]
            elif not meta["dimension"][dim].get("extension", {}).get("elimination", False):
                raise ScbError(f"{tabell}: variabeln {dim} har ingen total och kan inte utelämnas.")
    return urval


def parse_data(svar: dict, tabell: str) -> pd.DataFrame:
    """JSON-stat2 → kommunkod, kommun, period, folkmangd (en rad per region och period).

    Alla andra dimensioner ska ha exakt en kategori (totalen)."""
    ids, size = svar["id"], svar["size"]
    tid = ((svar.get("role") or {}).get("time") or ["Tid"])[0]
    if "Region" not in ids or tid not in ids:
        raise ScbError(f"{tabell}: svaret saknar dimensionerna Region och {tid}.")
    for dim, n in zip(ids, size, strict=True):
        if dim not in ("Region", tid) and n != 1:
            raise ScbError(f"{tabell}: svaret har {n} värden för {dim}; väntade bara totalen.")
    varden = svar.get("value")
    antal = 1
    for n in size:
        antal *= n
    if isinstance(varden, dict):  # gles form: {"index": värde}
        varden = [varden.get(str(i)) for i in range(antal)]
    if not isinstance(varden, list) or len(varden) != antal:
        raise ScbError(
            f"{tabell}: svaret har {len(varden) if isinstance(varden, list) else 0} värden, väntade {antal}."
        )
    steg = [1] * len(size)
    for i in range(len(size) - 2, -1, -1):
        steg[i] = steg[i + 1] * size[i + 1]
    regioner, etiketter = _kategorier(svar, "Region")
    perioder, _ = _kategorier(svar, tid)
    ri, ti = ids.index("Region"), ids.index(tid)
    rader = []
    for a, region in enumerate(regioner):
        for b, period in enumerate(perioder):
            v = varden[a * steg[ri] + b * steg[ti]]
            if v is None:
                raise ScbError(f"{tabell}: värde saknas för {region} {period}.")
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v < 10**8 or v != int(v):
                raise ScbError(f"{tabell}: värdet för {region} {period} är inte en folkmängd ({str(v)[:30]!r}).")
            namn = re.sub(r"^\d{2,4}\s+", "", str(etiketter.get(region, region)))
            rader.append((region, namn, period, int(v)))
    return pd.DataFrame(rader, columns=["kommunkod", "kommun", "period", "folkmangd"])


# --- hämta och spara -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hamtning:
    mapp: Path
    rader: int
    tabeller: tuple[str, ...]
    dubbla: int = 0  # månadssiffror för 31 december som årstabellen redan gav


def _period_datum(period: str, typ: str) -> date:
    if typ == "manad":
        return parse_manad(period).datum
    return date(int(period), 12, 31)


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
    import yaml

    from analys.indata.befolkning import load_kommuner

    klient = klient or ScbClient()
    nu = nu or datetime.now(UTC)
    kommuner = load_kommuner()
    lanets = kommuner[kommuner["lanskod"] == lanskod].set_index("kommunkod")["kommun"]
    per_tabell: dict[str, list[Period]] = {}
    for p in perioder:
        per_tabell.setdefault(p.tabell, []).append(p)

    svar_filer: dict[str, bytes] = {}
    poster, tabeller = [], []
    klient.config()
    for tabell, ps in per_tabell.items():
        meta = klient.metadata(tabell)
        tid = ((meta.get("role") or {}).get("time") or ["Tid"])[0]
        if ps[0].typ == "prognos":
            ps = [Period("prognos", k, date(int(k), 12, 31)) for k in _kategorier(meta, tid)[0] if k.isdigit()]
        urval = build_selection(meta, tabell, lanskod, [p.kod for p in ps])
        # Högst maxDataCells celler per anrop: dela perioderna i bitar vid behov.
        per_anrop = max(1, int(klient.config().get("maxDataCells") or 150_000) // len(urval["Region"]))
        bitar = [urval[tid][i : i + per_anrop] for i in range(0, len(urval[tid]), per_anrop)]
        delar = []
        for n, bit in enumerate(bitar, start=1):
            raa, svar, url, fraga = klient.data(tabell, {**urval, tid: bit})
            delar.append(parse_data(svar, tabell))
            fil = f"{tabell}.json" if len(bitar) == 1 else f"{tabell}-{n}.json"
            svar_filer[fil] = raa
            poster.append(
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
        df = pd.concat(delar, ignore_index=True)
        uppdaterad = str(svar.get("updated", ""))
        typ = ps[0].typ
        saknade = sorted(set(urval["Region"]) - set(df["kommunkod"]))
        if saknade:
            raise ScbError(f"{tabell}: svaret saknar kommunerna {', '.join(saknade)}.")
        okanda = sorted(set(df["kommunkod"]) - set(lanets.index))
        if okanda:
            raise ScbError(f"{tabell}: kommunkoderna {', '.join(okanda)} finns inte i den medföljande kommunlistan.")
        fel_namn = df[df["kommun"] != df["kommunkod"].map(lanets)]
        if not fel_namn.empty:
            r = fel_namn.iloc[0]
            raise ScbError(
                f"{tabell}: SCB kallar {r['kommunkod']} '{r['kommun']}', den medföljande listan "
                f"'{lanets[r['kommunkod']]}'; uppdatera data/befolkning/kommuner.csv."
            )
        saknas_lan = sorted(set(lanets.index) - set(df["kommunkod"]))
        if saknas_lan:
            raise ScbError(f"{tabell}: svaret saknar länets kommuner {', '.join(saknas_lan)}.")
        df["datum"] = [_period_datum(p, typ).isoformat() for p in df["period"]]
        df["lanskod"] = lanskod
        df["tabell"] = tabell
        df["uppdaterad"] = uppdaterad
        tabeller.append(df)
    alla = pd.concat(tabeller, ignore_index=True)
    prognos = alla[alla["tabell"] == "TAB6008"]
    alla = alla[alla["tabell"] != "TAB6008"]
    # December som månad (TAB5444/TAB6471) och 31 december (TAB638/TAB5557) är samma datum; då
    # gäller årstabellen, SCB:s officiella siffra för 31 december. Varje datum finns en gång.
    alla = alla.assign(_ar=alla["tabell"].isin(["TAB638", "TAB5557"]))
    fore = len(alla)
    alla = alla.sort_values("_ar", ascending=False, kind="stable").drop_duplicates(["kommunkod", "datum"])
    alla = alla.drop(columns="_ar")
    dubbla = fore - len(alla)

    namn = f"{nu.strftime('%Y-%m-%dT%H%M%S')}-{lanskod}"
    hamtat_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{namn}.", dir=hamtat_dir))
    try:
        for fil, raa in svar_filer.items():
            (tmp / fil).write_bytes(raa)
        ut = alla[["kommunkod", "kommun", "lanskod", "datum", "folkmangd"]].copy()
        ut["kalla"] = [
            f"SCB {t} {p} (uppdaterad {u[:10]}, hämtad {nu.date().isoformat()})"
            for t, p, u in zip(alla["tabell"], alla["period"], alla["uppdaterad"], strict=True)
        ]
        if len(ut):
            ut.sort_values(["datum", "kommunkod"]).to_csv(tmp / "folkmangd.csv", index=False, encoding="utf-8")
        if len(prognos):
            # Samma form som antagandenas prognosfil (befolkning: metod: prognos).
            pr = prognos.assign(ar=prognos["period"].astype(int))[["kommunkod", "ar", "folkmangd"]]
            pr.sort_values(["ar", "kommunkod"]).to_csv(tmp / "prognos.csv", index=False, encoding="utf-8")
        meta_yaml = {
            "beskrivning": f"Folkmängd per kommun i län {lanskod} hämtad från SCB:s PxWebApi 2.0",
            "api": klient.url,
            "hamtad": nu.isoformat(timespec="seconds"),
            "anrop": poster,
            "filer": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(tmp.glob("*.csv"))},
        }
        (tmp / "metadata.yaml").write_text(yaml.safe_dump(meta_yaml, allow_unicode=True, sort_keys=False), "utf-8")
        for p in tmp.iterdir():
            os.chmod(p, 0o644)
        os.chmod(tmp, 0o755)
        mal = hamtat_dir / namn
        n = 1
        while mal.exists():
            n += 1
            mal = hamtat_dir / f"{namn}-{n}"
        os.replace(tmp, mal)
        from analys.indata.befolkning import clear_cache

        clear_cache()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Hamtning(mal, len(ut) + len(prognos), tuple(per_tabell), dubbla)


def hamta(lanskod: str, fran: int | None, till: int | None, manader: list[str], prognos: bool) -> str:
    """`analys hamta-befolkning`: hämta och spara; returnerar raden som säger vad som hämtades.

    Utan år, månader och prognos hämtas 31 december 2015–2025.
    """
    from analys.indata.befolkning import hamtat_dir, lan_namn
    from analys.indata.paths import kravd_projektrot, visningsvag

    perioder = [parse_manad(m) for m in manader]
    if fran is not None or till is not None or not (perioder or prognos):
        fran = fran if fran is not None else 2015
        till = till if till is not None else 2025
        if not 1968 <= fran <= till <= 2100:
            raise AnalysError(f"Ogiltiga år: --fran {fran} och --till {till} (1968 eller senare, --fran ≤ --till).")
        perioder += [Period("31dec", str(a), date(a, 12, 31)) for a in range(fran, till + 1)]
    if prognos:
        perioder.append(Period("prognos", "", date(2100, 12, 31)))
    try:
        mapp = hamtat_dir() or kravd_projektrot() / "data" / "befolkning" / "hamtat"
        h = fetch(lanskod, perioder, mapp)
    except ScbError as e:
        raise ScbError(f"{e} De medföljande siffrorna används som förut; inget under data/ har ändrats.") from None
    text = f"Hämtade {h.rader} siffror för {lan_namn(lanskod)} ({', '.join(h.tabeller)}) till {visningsvag(h.mapp)}/."
    if h.dubbla:
        text += f" {h.dubbla} månadssiffror för 31 december sparades inte: där gäller årstabellen."
    return text
