"""SCB:s tabeller över folkmängden och regeln för hur varje variabel i en tabell väljs.

Regeln gäller varje variabel i tabellens metadata, också sådana som inte finns i dag:

- Region: länets kommuner, och länet självt när tabellen har det (för kontrollen av summan);
- tid (rollen `time`): de begärda perioderna, var och en en gång;
- tabellinnehåll (rollen `metric`): det enda, annars det som heter Folkmängd;
- varje annan variabel väljs vid sin **deklarerade total**: `eliminationValueCode` om metadata anger
  den, annars ett värde vars etikett säger att det är totalen ("totalt ålder", "totalt, samtliga
  åldrar", "total", "inrikes och utrikes födda" …) eller en känd totalkod (`TotSA`, `SC`, `83` …);
- en variabel utan total utelämnas (SCB summerar då dess värden) bara om metadata säger att den
  får elimineras **och** dess värden är delar som inte överlappar, så att SCB:s summa är totalen:
  ingen etikett är en summa av andra ("och", "+", "alla"), inga åldersgrupper som täcker samma år;
- annars vägras hämtningen, med tabellens och variabelns namn.

Kontrollerat mot SCB:s inspelade svar (tests/fixtures/scb/): TAB638 civilstånd och kön saknar
total men är hela delar (elimineras), ålder `tot`; TAB5557 civilstånd `SC`, ålder `TotSA` (av
fyra totaler), kön `TotSa`; TAB6471 ålder `TotSA`, kön `TotSa`; TAB6008 `InrikesUtrikes` `83`
(annars blir prognosen dubbel), kön och ålder elimineras; TAB5444 ålder och kön elimineras.
"""

from __future__ import annotations

import re
from datetime import date

from analys.begrepp import CKM_FRAN_AR
from analys.fel import ExterntFel

# SCB:s tabeller över folkmängden (PxWebApi 2.0). Från och med 2025 publiceras siffrorna i nya
# tabeller med CKM-brus (små slumpmässiga avvikelser som skyddar enskilda).
SCB_TABELLER = {
    ("31dec", False): "TAB638 Folkmängd 31 december",
    ("31dec", True): "TAB5557 Folkmängd 31 december (med CKM-brus)",
    ("manad", False): "TAB5444 Folkmängd per månad",
    ("manad", True): "TAB6471 Folkmängd per månad (med CKM-brus)",
}
PROGNOSTABELL = "TAB6008"
# Koder som SCB använder för totaler i folkmängdstabellerna.
TOTALKODER = ("TotSA", "TotSa", "SC", "tot", "83", "1+2", "totalt", "TOT")  # bara bland värden märkta som total
_TOTALETIKETT = re.compile(
    r"^\s*(totalt?|samtliga|alla)\b|inrikes och utrikes födda|born in sweden and foreign-born|män och kvinnor$",
    re.IGNORECASE,
)
_SUMMAETIKETT = re.compile(r"\boch\b|\band\b|\+\s*\d|\b(alla|samtliga|totalt?)\b", re.IGNORECASE)
_INTERVALL = [
    (re.compile(r"^(\d+)$"), lambda m: (int(m[1]), int(m[1]))),
    (re.compile(r"^(\d+)\+$"), lambda m: (int(m[1]), 10**6)),
    (re.compile(r"^-(\d+)$"), lambda m: (0, int(m[1]))),
    (re.compile(r"^(\d+)-(\d+)$"), lambda m: (int(m[1]), int(m[2]))),
]


class ScbError(ExterntFel):
    """SCB kunde inte ge det som begärdes. Slutkod 1: inget fel i användarens indata."""


class UrvalsFel(ScbError):
    """Tabellens metadata går inte att välja säkert ur (felet är SCB:s tabell, inte indata)."""


def scb_tabell_for(slag: str, datum: date) -> str:
    """Tabellen för ett slags uppgift ("31dec" eller "manad") vid datumet.

    >>> scb_tabell_for("31dec", date(2024, 12, 31)), scb_tabell_for("manad", date(2025, 1, 31))
    ('TAB638 Folkmängd 31 december', 'TAB6471 Folkmängd per månad (med CKM-brus)')
    """
    return SCB_TABELLER[(slag, datum.year >= CKM_FRAN_AR)]


def scb_tabell(datum: date) -> str:
    """SCB-tabellen (PxWebApi 2.0) som publicerar folkmängden per det datumet.

    >>> scb_tabell(date(2020, 12, 31))
    'TAB638 Folkmängd 31 december'
    >>> scb_tabell(date(2023, 6, 30))
    'TAB5444 Folkmängd per månad'
    """
    return scb_tabell_for("31dec" if (datum.month, datum.day) == (12, 31) else "manad", datum)


def kategorier(meta: dict, dim: str) -> tuple[list[str], dict[str, str]]:
    """Dimensionens koder i SCB:s ordning (`category.index`, inte nyckelordningen) och etiketter."""
    kat = meta["dimension"][dim]["category"]
    index = kat["index"]
    koder = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
    return koder, dict(kat.get("label", {}))


def _extension(meta: dict, dim: str) -> dict:
    ext = meta["dimension"][dim].get("extension")
    return ext if isinstance(ext, dict) else {}


def total(meta: dict, dim: str) -> str | None:
    """Variabelns deklarerade total, eller None."""
    koder, etiketter = kategorier(meta, dim)
    deklarerad = _extension(meta, dim).get("eliminationValueCode")
    if deklarerad in koder:
        return deklarerad
    kandidater = [k for k in koder if _TOTALETIKETT.search(str(etiketter.get(k, "")))]
    # Flera värden kan vara totaler (TAB5557: TotSA, TOT1, TOT5, TOT10); en känd kod går först.
    kanda = [k for k in kandidater if k in TOTALKODER]
    return (kanda or kandidater or [None])[0]


def _overlapp(koder: list[str], etiketter: dict[str, str]) -> str | None:
    """Ett värde som kan vara en summa av andra värden (då blir SCB:s summa fel), eller None."""
    for k in koder:
        if _SUMMAETIKETT.search(str(etiketter.get(k, ""))) or re.fullmatch(r"\d+\+\d+", k):
            return k
    intervall = []
    for k in koder:
        for monster, till in _INTERVALL:
            m = monster.match(k)
            if m:
                intervall.append((till(m), k))
                break
    intervall.sort()
    storst, fore = -1, ""
    for (fran, till), k in intervall:
        if fran <= storst:
            return f"{fore} och {k}"
        if till > storst:
            storst, fore = till, k
    return None


def _valj_variabel(meta: dict, tabell: str, dim: str) -> list[str] | None:
    """Koden för en variabel som inte är region, tid eller innehåll; None = utelämnas."""
    tot = total(meta, dim)
    if tot is not None:
        return [tot]
    namn = meta["dimension"][dim].get("label", dim)
    if not _extension(meta, dim).get("elimination", False):
        raise UrvalsFel(
            f"SCB ({tabell}): variabeln {dim} ({namn}) har ingen total och får inte utelämnas; "
            "hämtningen avbryts i stället för att summera celler."
        )
    koder, etiketter = kategorier(meta, dim)
    overlapp = _overlapp(koder, etiketter)
    if overlapp is not None:
        raise UrvalsFel(
            f"SCB ({tabell}): variabeln {dim} ({namn}) har ingen total, och värdena ({overlapp}) kan "
            "överlappa, så SCB:s summa vore inte totalen; hämtningen avbryts."
        )
    return None


def innehall(meta: dict, dim: str, tabell: str) -> str:
    koder, etiketter = kategorier(meta, dim)
    if len(koder) == 1:
        return koder[0]
    traff = [k for k in koder if str(etiketter.get(k, "")).strip().casefold() == "folkmängd"]
    traff = traff or [k for k in koder if "folkmängd" in str(etiketter.get(k, "")).casefold()]
    if not traff:
        raise UrvalsFel(f"SCB ({tabell}): hittar inget tabellinnehåll för folkmängd bland {', '.join(koder)}.")
    return traff[0]


def roller(meta: dict) -> tuple[str, str]:
    r = meta.get("role") or {}
    return (r.get("time") or ["Tid"])[0], (r.get("metric") or ["ContentsCode"])[0]


def build_selection(meta: dict, tabell: str, lanskod: str, perioder: list[str]) -> dict[str, list[str]]:
    """Urvalet för länets kommuner (och länet) och perioderna, med totalen för övriga variabler."""
    tid, matt = roller(meta)
    urval: dict[str, list[str]] = {}
    for dim in meta["id"]:
        koder, _ = kategorier(meta, dim)
        if dim == "Region":
            kommuner = [k for k in koder if len(k) == 4 and k.startswith(lanskod)]
            if not kommuner:
                raise UrvalsFel(f"SCB ({tabell}): tabellen har inga kommuner i län {lanskod}.")
            urval[dim] = ([lanskod] if lanskod in koder else []) + kommuner
        elif dim == tid:
            saknas = [p for p in perioder if p not in koder]
            if saknas:
                raise UrvalsFel(
                    f"SCB ({tabell}): tabellen saknar perioden {', '.join(saknas)}; den har {koder[0]}–{koder[-1]}."
                )
            urval[dim] = list(dict.fromkeys(perioder))
        elif dim == matt:
            urval[dim] = [innehall(meta, dim, tabell)]
        else:
            val = _valj_variabel(meta, tabell, dim)
            if val is not None:
                urval[dim] = val
    return urval


# --- regionindelningen: kommuner som bildats och kommuner som bytt län ------------------------


def _anteckningar(v) -> list[str]:
    if isinstance(v, str):
        return [v]
    return [t for t in v if isinstance(t, str)] if isinstance(v, list) else []


def kommunbildningar(meta: dict) -> dict[str, date]:
    """Kommunkod → dagen kommunen bildades, ur SCB:s anteckningar till Region (`category.note`).

    T.ex. TAB638: "Ny regional indelning fr.o.m. 2003-01-01. Delar av Uppsala kommun (0380) bildar
    en ny kommun benämnd Knivsta kommun (0330)." gäller 0330 (och 0380, som inte bildades)."""
    kat = meta.get("dimension", {}).get("Region", {}).get("category", {})
    anteckningar = kat.get("note") if isinstance(kat.get("note"), dict) else {}
    etiketter = kat.get("label", {}) if isinstance(kat.get("label"), dict) else {}
    ut: dict[str, date] = {}
    for kod, texter in anteckningar.items():
        for text in _anteckningar(texter):
            m = re.search(r"fr\.\s?o\.\s?m\.?\s*(\d{4})-(\d{2})-(\d{2})", text)
            if not m or "benämnd" not in text:
                continue
            nya = text.split("benämnd", 1)[1]
            if f"({kod})" in nya or f"(kod {kod})" in nya or str(etiketter.get(kod, "\0")) in nya:
                ut[kod] = date(int(m[1]), int(m[2]), int(m[3]))
    return ut


def lansbyten(meta: dict) -> list[tuple[str, str, str, date]]:
    """(kommunkod, från län, till län, dag) ur tabellens anteckningar, t.ex. TAB638: "Fr o m
    2007-01-01 överförs Heby kommun från Västmanlands län till Uppsala län."."""
    koder, etiketter = kategorier(meta, "Region")
    namn_till_kod = {str(etiketter.get(k, "")).casefold(): k for k in koder}
    ut = []
    for text in _anteckningar(meta.get("note")):
        for m in re.finditer(
            r"[Ff]r\.?\s?o\.?\s?m\.?\s*(\d{4})-(\d{2})-(\d{2})\s+överförs\s+(.+?)\s+kommun\s+från\s+(.+?)\s+till\s+(.+?)\.",
            text,
        ):
            kommun, fran, till = (namn_till_kod.get(g.strip().casefold()) for g in (m[4], m[5], m[6]))
            if kommun and fran and till:
                ut.append((kommun, fran, till, date(int(m[1]), int(m[2]), int(m[3]))))
    return ut


def indelningsdag(typ: str, kod: str) -> date:
    """Dagen vars regionindelning en period redovisas efter: 31 december och december månad efter
    1 januari året efter, övriga månader efter 1 januari samma år (SCB:s anteckningar till
    TAB638 och TAB6471).

    >>> indelningsdag("31dec", "2002"), indelningsdag("manad", "2002M06")
    (datetime.date(2003, 1, 1), datetime.date(2002, 1, 1))
    """
    ar = int(kod[:4])
    if typ == "manad" and not kod.endswith("M12"):
        return date(ar, 1, 1)
    return date(ar + 1, 1, 1) if typ in ("31dec", "manad") else date(ar, 1, 1)
