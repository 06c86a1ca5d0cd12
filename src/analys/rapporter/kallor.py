"""Källor och spårbarhet: SCB-tabell, referensdatum, datafiler och parametrar för varje utdata.

En och samma byggare för alla rapporter, arbetsböcker och tabeller: `proveniens` gör raderna,
`proveniens_html` källrutan längst ned i HTML-rapporterna; Excelarbetsböckerna får samma rader
på bladet "Källor och antaganden".
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from analys import __version__
from analys.begrepp import Avtal, Fordelningsinfo, Underlag
from analys.indata.paths import PROJEKTROT, data_dir, sha256, visningsvag
from analys.rapporter.format import format_kr, format_tal
from analys.rapporter.tabeller import STIL
from analys.rapporter.text import nyckel_text


def describe_fil(fil: str | Path) -> str:
    """'data/x.csv (SHA-256 ab12…)': filen relativt projektroten (aldrig maskinens sökväg)."""
    for kandidat in (Path(fil), PROJEKTROT / fil, data_dir().parent / fil):
        if kandidat.is_file():
            return f"{visningsvag(kandidat)} (SHA-256 {sha256(kandidat)})"
    return str(fil)


def proveniens(
    kallor: Sequence[tuple[str, str]], filer: Sequence[str] = (), parametrar: Mapping[str, object] | None = None
) -> list[tuple[str, str]]:
    """Rader till källrutan: givna källor, filer med SHA-256, parametrar, version och tidpunkt."""
    rader = list(kallor)
    rader += [("Fil", describe_fil(f)) for f in filer]
    if parametrar:
        rader.append(("Parametrar", ", ".join(f"{k} = {v!r}" for k, v in parametrar.items())))
    if not any(r == "Program" for r, _ in rader):
        rader.append(("Program", f"analys {__version__}"))
    if not any(r == "Skapad" for r, _ in rader):
        rader.append(("Skapad", datetime.now().astimezone().isoformat(timespec="seconds")))
    return rader


def proveniens_html(rader: Sequence[tuple[str, str]]) -> str:
    """Källrutan längst ned i varje rapport."""
    kropp = "".join(f"<tr><td><b>{html.escape(r)}</b></td><td>{html.escape(str(t))}</td></tr>" for r, t in rader)
    return f'{STIL}<div class="kallor"><b>Källor och antaganden</b><table>{kropp}</table></div>'


def fordelning_rader(info: Fordelningsinfo) -> list[tuple[str, str]]:
    """Källor och parametrar för en fördelning som (rubrik, text)-par, i den ordning de visas."""
    r = [
        ("Belopp att fördela", format_kr(info.belopp)),
        ("Fördelningsnyckel", nyckel_text(info.nyckel)),
    ]
    if info.avtal:
        r.append(("Avtal", info.avtal))
        r.append(("Avtalsfil", describe_fil(info.avtalsfil)))
    if info.vikterfil:
        r.append(("Vikter", info.vikterfil))
    if info.undantagna:
        r.append(("Deltar inte", ", ".join(info.undantagna)))
    b = info.befolkning
    r += [
        ("Län", f"{b.lan} ({b.lanskod})"),
        ("Befolkningens referensdatum", b.datum.isoformat()),
        ("SCB-tabell", b.scb_tabell),
        ("Befolkningsdata", "; ".join(describe_fil(f) for f in b.filer)),
        *([("Hämtat från SCB", "; ".join(b.hamtat))] if b.hamtat else []),
        (
            "Nämnare",
            f"summan av de deltagande kommunernas folkmängd (länets summa {format_tal(b.summa)})",
        ),
        ("Program", f"analys {info.version}"),
        ("Skapad", info.skapad),
    ]
    return r


def scenario_kallor(
    per_ar: pd.DataFrame,
    beskrivningar: dict[str, str],
    antagandefil: str,
    scenariofil: str,
    parametrar: dict | None = None,
) -> list[tuple[str, str]]:
    """Källrutan och Excelbladet "Källor och antaganden" för scenariorapporter."""
    forsta = per_ar[per_ar["scenario"] == per_ar["scenario"].iloc[0]]
    befolkning = "; ".join(
        f"{a}: {d} ({k})"
        for a, d, k in zip(forsta["ar"], forsta["befolkningsdatum"], forsta["befolkningskalla"], strict=True)
    )
    rader = [("Antaganden", describe_fil(antagandefil)), ("Scenarier", describe_fil(scenariofil))]
    rader += [(f"Scenario {s}", beskrivningar.get(s, "")) for s in dict.fromkeys(per_ar["scenario"])]
    rader += [
        ("Befolkning per år (SCB)", befolkning),
        (
            "Befolkningsdata",
            "; ".join(
                describe_fil(f)
                for f in ("data/befolkning/folkmangd_dalarna.csv", "data/befolkning/folkmangd_kommuner_31dec.csv")
            ),
        ),
        ("Nämnare", "summan av kommunernas folkmängd vid respektive referensdatum"),
    ]
    return proveniens(rader, parametrar=parametrar)


def uppfoljning_kallor(avtal: Avtal, avtalsfil: Path, underlag: Underlag, parametrar: dict) -> list[tuple[str, str]]:
    """Källrutan och källbladet för uppföljningsrapporten."""
    return proveniens(
        [
            ("Avtal", avtal.namn),
            ("Avtalsfil", describe_fil(avtalsfil)),
            ("Underlag", underlag.kalla),
            ("Befolkning", f"SCB, per {avtal.befolkningsdatum.isoformat()} (fördelningen av den fasta kostnaden)"),
        ],
        parametrar=parametrar,
    )


def faktura_kallor(
    avtal: Avtal, avtalsfil: Path, fakturadatum: date, underlag: Underlag | None
) -> list[tuple[str, str]]:
    """Källbladet i fakturaarbetsboken."""
    return proveniens(
        [
            ("Avtal", avtal.namn),
            ("Avtalsfil", visningsvag(avtalsfil)),
            ("Fakturadatum", fakturadatum.isoformat()),
            ("Underlag", underlag.kalla if underlag else "inget (bara fasta kostnader)"),
        ]
    )
