"""Ett scenarios beskrivning och dess ändringar hålls ihop: utan `beskrivning` byggs den ur
`andringar` ("+0,25 tjänst per ny Yrkesresa"), och en skriven beskrivning får inte säga andra tal
än ändringarna (tjänster och procent).

Kontrollen är försiktig: den jämför bara tal med enheten "tjänst" mot tjänsterna bland
ändringarna (bemanning per resa, rollernas tjänster) och tal med "%" mot procenten bland dem
(indexering, samverkans besparing, den blandade nyckelns andelar), och bara när scenariot ändrar
något sådant. En beskrivning av basen ("3 % indexering") i ett scenario utan procentändringar
lämnas i fred.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_NYCKLAR = {"befolkning": "efter folkmängd", "lika": "lika delar", "blandad": "blandad", "egen": "egna vikter"}
_TAL = r"[+−-]?\d+(?:[ \u00a0]\d{3})*(?:,\d+)?"
_MED_ENHET = re.compile(rf"({_TAL})\s*(tjänst|%)")


def _dec(v: Any) -> Decimal | None:
    if isinstance(v, bool):
        return None
    try:
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None


def _tal(v: Any) -> str:
    d = _dec(v)
    if d is None:
        return str(v)
    return format(d.normalize(), "f").replace(".", ",").replace("-", "−")


def _procent(v: Any) -> str:
    d = _dec(v)
    return f"{_tal(d * 100)} %" if d is not None else str(v)


def _kr(v: Any) -> str:
    d = _dec(v)
    return f"{int(d):,} kr".replace(",", " ") if d is not None and d == d.to_integral_value() else f"{v} kr"


def _nyckel(n: Any) -> str:
    if not isinstance(n, dict):
        return "annan fördelningsnyckel"
    text = _NYCKLAR.get(str(n.get("nyckel")), str(n.get("nyckel", "annan")))
    if n.get("nyckel") == "blandad" and "fast_andel" in n:
        text += f" ({_procent(n['fast_andel'])} lika)"
    return f"fördelning {text}"


def _bemanning(v: dict) -> list[str]:
    ut = []
    if "per_resa" in v:
        tjanst = f"+{_tal(v['per_resa'])} tjänst per ny Yrkesresa"
        oforandrad = _dec(v["per_resa"]) == 0
        ut.append(f"oförändrad bemanning när fler Yrkesresor lanseras ({tjanst})" if oforandrad else tjanst)
    if "roll" in v:
        ut.append(f"ökningen per resa på rollen {v['roll']}")
    return ut


def _indexering(v: Any) -> list[str]:
    if isinstance(v, dict):
        return ["indexering per år: " + ", ".join(f"{_procent(x)} från {a}" for a, x in sorted(v.items()))]
    return [f"indexering {_procent(v)} per år"]


def _samverkan(v: dict) -> list[str]:
    besparing = f" {_procent(v['besparing'])}" if "besparing" in v else ""
    fran = f" från {v['fran_ar']}" if "fran_ar" in v else ""
    return [f"kurser och utbildare delas med andra RSS: de fasta kostnaderna{besparing} lägre{fran}"]


def _roller(v: list) -> list[str]:
    ut = []
    for r in v:
        if not isinstance(r, dict):
            continue
        namn = r.get("namn") or r.get("id") or "en roll"
        if "tjanst" in r:
            ut.append(f"{namn}: {_tal(r['tjanst'])} tjänst")
        if "kostnad_per_tjanst" in r:
            ut.append(f"{namn}: {_kr(r['kostnad_per_tjanst'])} per tjänst")
    return ut


def _resor(v: list) -> list[str]:
    return [f"Yrkesresa {r.get('nr', '?')} lanseras {r.get('start', '?')}" for r in v if isinstance(r, dict)]


def _rorliga(v: dict) -> list[str]:
    ut = []
    if "avgift_per_deltagardag" in v:
        ut.append(f"kursavgift {_kr(v['avgift_per_deltagardag'])} per deltagardag")
    if "till_pott_per_deltagardag" in v:
        ut.append(f"{_kr(v['till_pott_per_deltagardag'])} per deltagardag till potten")
    if "deltagardagar_per_1000_invanare_och_resa" in v:
        ut.append(f"{_tal(v['deltagardagar_per_1000_invanare_och_resa'])} deltagardagar per 1 000 invånare och resa")
    return ut or ["ändrade rörliga kostnader"]


def _del(nyckel: str, v: Any) -> list[str]:
    if nyckel == "bemanning" and isinstance(v, dict):
        return _bemanning(v)
    if nyckel == "indexering":
        return _indexering(v)
    if nyckel == "samverkan" and isinstance(v, dict):
        return _samverkan(v)
    if nyckel == "nyckel":
        return [_nyckel(v)]
    if nyckel == "nyckel_per_ar" and isinstance(v, dict):
        return [f"från {a} {_nyckel(n)}" for a, n in sorted(v.items(), key=lambda x: str(x[0]))]
    if nyckel == "roller" and isinstance(v, list):
        return _roller(v)
    if nyckel == "yrkesresor" and isinstance(v, list):
        return _resor(v)
    if nyckel == "rorliga" and isinstance(v, dict):
        return _rorliga(v)
    return [f"ändrat: {nyckel}"]


def beskriv(andringar: dict[str, Any]) -> str:
    """Beskrivningen ur ändringarna.

    >>> beskriv({"bemanning": {"per_resa": Decimal("0.25")}})
    '+0,25 tjänst per ny Yrkesresa'
    >>> beskriv({"samverkan": {"besparing": Decimal("0.15"), "fran_ar": 2028}})
    'Kurser och utbildare delas med andra RSS: de fasta kostnaderna 15 % lägre från 2028'
    >>> beskriv({})
    'Som basantagandena'
    """
    delar = [d for k, v in andringar.items() for d in _del(str(k), v)]
    if not delar:
        return "Som basantagandena"
    text = "; ".join(delar)
    return text[0].upper() + text[1:]


def _varden(andringar: dict[str, Any]) -> dict[str, set[Decimal]]:
    """Tjänsterna och procenten bland ändringarna (tomma mängder: ändras inte)."""
    tjanst: set[Decimal] = set()
    procent: set[Decimal] = set()
    bem = andringar.get("bemanning")
    if isinstance(bem, dict) and (d := _dec(bem.get("per_resa"))) is not None:
        tjanst.add(d)
    for r in andringar.get("roller") or []:
        if isinstance(r, dict) and (d := _dec(r.get("tjanst"))) is not None:
            tjanst.add(d)
    idx = andringar.get("indexering")
    for v in idx.values() if isinstance(idx, dict) else [idx]:
        if (d := _dec(v)) is not None:
            procent.add(d * 100)
    sam = andringar.get("samverkan")
    if isinstance(sam, dict) and (d := _dec(sam.get("besparing"))) is not None:
        procent.add(d * 100)
    per_ar = andringar.get("nyckel_per_ar")
    nycklar = [andringar.get("nyckel"), *(per_ar.values() if isinstance(per_ar, dict) else [])]
    for n in nycklar:
        if isinstance(n, dict) and (d := _dec(n.get("fast_andel"))) is not None:
            procent |= {d * 100, 100 - d * 100}
    return {"tjänst": tjanst, "%": procent}


def motsagelser(beskrivning: str, andringar: dict[str, Any]) -> list[str]:
    """Talen i beskrivningen som inte stämmer med ändringarna, som text ("0,25 tjänst, men
    ändringarna säger 0,1 tjänst"); tom lista när allt stämmer.

    >>> motsagelser("Bemanningen ökar med 0,25 tjänst per ny resa", {"bemanning": {"per_resa": Decimal("0.1")}})
    ['beskrivningen säger 0,25 tjänst, men ändringarna säger 0,1 tjänst']
    >>> motsagelser("Avtalet framåt, 3 % indexering", {})
    []
    """
    varden = _varden(andringar)
    fel = []
    for m in _MED_ENHET.finditer(beskrivning):
        enhet, talet = m.group(2), _dec(m.group(1).replace(" ", "").replace("\u00a0", "").replace(",", "."))
        tillatna = varden[enhet]
        if talet is None or not tillatna:
            continue
        # avrundat som i texten: "3,3 %" stämmer med 0,0333
        decimaler = -talet.as_tuple().exponent if isinstance(talet.as_tuple().exponent, int) else 0
        if talet.copy_abs() not in {round(v.copy_abs(), max(decimaler, 0)) for v in tillatna}:
            sager = " eller ".join(f"{_tal(v)} {enhet}" for v in sorted(tillatna))
            fel.append(f"beskrivningen säger {m.group(1)} {enhet}, men ändringarna säger {sager}")
    return fel
