"""SCB-svar för testerna utan nätverk.

TAB6471 (metadata och data) är SCB:s riktiga, inspelade svar (tests/fixtures/scb/). Svaren för
de andra tabellerna byggs här i exakt samma JSON-stat2-form (version, class, label, source,
updated, role, id, size, dimension med category.index/label och extension.elimination, value)
med riktiga siffror ur de medföljande befolkningsfilerna. Variabelkoderna är SCB:s: TAB638 har
ingen total för civilstånd och kön (de elimineras), TAB5557 har civilstånd SC, ålder TotSA och kön
TotSa, TAB5444 har ålder tot.
"""

from __future__ import annotations

import json
from pathlib import Path

FIXTURER = Path(__file__).parent / "fixtures" / "scb"
UPPDATERAD = "2026-02-20T07:00:00Z"


def inspelad(namn: str) -> dict:
    return json.loads((FIXTURER / namn).read_text(encoding="utf-8"))


def _dim(label: str, kategorier: list[tuple[str, str]], elimination: bool) -> dict:
    return {
        "label": label,
        "category": {"index": {k: i for i, (k, _) in enumerate(kategorier)}, "label": dict(kategorier)},
        "extension": {"elimination": elimination, "show": "value", "codelists": []},
    }


def _regioner() -> list[tuple[str, str]]:
    import pandas as pd

    from analys.indata.befolkning import befolkning_dir

    k = pd.read_csv(befolkning_dir() / "kommuner.csv", dtype=str)
    lan = k.drop_duplicates("lanskod")
    return [
        ("00", "Riket"),
        *zip(lan["lanskod"], lan["lan"], strict=True),
        *zip(k["kommunkod"], k["kommun"], strict=True),
    ]


def _alder(total: str, etikett: str) -> list[tuple[str, str]]:
    return [(total, etikett), *((str(a), f"{a} år") for a in range(100)), ("100+", "100+ år")]


TABELLER = {
    "TAB638": {
        "label": "Folkmängden efter region, civilstånd, ålder och kön. År 1968 - 2024",
        "dims": [
            (
                "Civilstand",
                "civilstånd",
                [("OG", "ogifta"), ("G", "gifta"), ("SK", "skilda"), ("ÄNKL", "änkor/änklingar")],
                True,
            ),
            ("Alder", "ålder", _alder("tot", "totalt ålder"), True),
            ("Kon", "kön", [("1", "män"), ("2", "kvinnor")], True),
            ("ContentsCode", "tabellinnehåll", [("BE0101N1", "Folkmängd"), ("BE0101N2", "Folkökning")], False),
        ],
        "tid": ("år", [str(a) for a in range(1968, 2025)]),
    },
    "TAB5557": {
        "label": "Folkmängden efter region, civilstånd, ålder och kön. År 2025",
        "dims": [
            (
                "Civilstand",
                "civilstånd",
                [
                    ("SC", "totalt, samtliga civilstånd"),
                    ("OG", "ogifta"),
                    ("G", "gifta"),
                    ("SK", "skilda"),
                    ("ÄNKL", "änkor/änklingar"),
                ],
                False,
            ),
            ("Alder", "ålder", _alder("TotSA", "totalt, samtliga åldrar"), False),
            ("Kon", "kön", [("TotSa", "totalt, samtliga män och kvinnor"), ("1", "män"), ("2", "kvinnor")], False),
            ("ContentsCode", "tabellinnehåll", [("000007OR", "Folkmängd")], False),
        ],
        "tid": ("år", ["2025"]),
    },
    "TAB5444": {
        "label": "Folkmängden per månad efter region, ålder och kön. År 2000M01-2024M12",
        "dims": [
            ("Alder", "ålder", _alder("tot", "totalt ålder"), True),
            ("Kon", "kön", [("1", "män"), ("2", "kvinnor")], True),
            ("ContentsCode", "tabellinnehåll", [("000003O5", "Folkmängd")], False),
        ],
        "tid": ("månad", [f"{a}M{m:02d}" for a in range(2000, 2025) for m in range(1, 13)]),
    },
    "TAB6008": {
        "label": "Framskriven folkmängd efter region, ålder och kön. År 2025-2070",
        "dims": [
            ("Alder", "ålder", _alder("totalt", "totalt ålder"), True),
            ("Kon", "kön", [("1+2", "totalt"), ("1", "män"), ("2", "kvinnor")], True),
            ("ContentsCode", "tabellinnehåll", [("000007RS", "Framskriven folkmängd")], False),
        ],
        "tid": ("år", [str(a) for a in range(2025, 2071)]),
    },
}


def metadata(tabell: str) -> dict:
    if tabell == "TAB6471":
        return inspelad("TAB6471_metadata.json")
    t = TABELLER[tabell]
    dims = [
        ("Region", "region", _regioner(), True),
        *t["dims"],
        ("Tid", t["tid"][0], [(k, k) for k in t["tid"][1]], False),
    ]
    return {
        "version": "2.0", "class": "dataset", "label": t["label"], "source": "SCB", "updated": UPPDATERAD,
        "role": {"time": ["Tid"], "metric": ["ContentsCode"]},
        "id": [d[0] for d in dims], "size": [len(d[2]) for d in dims],
        "dimension": {d[0]: _dim(d[1], d[2], d[3]) for d in dims},
        "extension": {"px": {"tableid": tabell, "language": "sv"}},
        "value": [],
    }  # fmt: skip


def data(tabell: str, urval: dict[str, list[str]], varde, utan: set[str] = frozenset()) -> dict:
    """Ett datasvar för urvalet; `varde(kommunkod, period)` ger siffran. Kommuner i `utan` saknas."""
    meta = metadata(tabell)
    ids = [d for d in meta["id"] if d in urval]
    dimension = {}
    for d in ids:
        etiketter = meta["dimension"][d]["category"]["label"]
        koder = [k for k in urval[d] if not (d == "Region" and k in utan)]
        dimension[d] = {
            "label": meta["dimension"][d]["label"],
            "category": {"index": {k: i for i, k in enumerate(koder)}, "label": {k: etiketter[k] for k in koder}},
        }
    size = [len(dimension[d]["category"]["index"]) for d in ids]
    regioner = list(dimension["Region"]["category"]["index"])
    perioder = list(dimension["Tid"]["category"]["index"])
    ri, ti = ids.index("Region"), ids.index("Tid")
    varden = [None] * (size[ri] * size[ti])
    steg = [1] * len(size)
    for i in range(len(size) - 2, -1, -1):
        steg[i] = steg[i + 1] * size[i + 1]
    for a, r in enumerate(regioner):
        for b, p in enumerate(perioder):
            varden[a * steg[ri] + b * steg[ti]] = varde(r, p)
    return {
        "version": "2.0", "class": "dataset", "label": meta["label"], "source": "SCB",
        "updated": meta.get("updated", UPPDATERAD), "role": meta.get("role", {}),
        "id": ids, "size": size, "dimension": dimension, "value": varden,
    }  # fmt: skip
