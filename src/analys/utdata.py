"""En fördelning som text för människor (tabell), för maskiner (CSV, JSON) och som arbetsbok."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from analys import __version__
from analys.befolkning import Befolkningskalla
from analys.fordelning import UT_KOLUMNER, Fordelningsnyckel
from analys.format import format_kr, format_procent, format_tal
from analys.io import describe_fil


@dataclass(frozen=True)
class Fordelningsinfo:
    """Allt som ska stå bredvid en fördelning för att den ska gå att spåra."""

    belopp: int
    nyckel: Fordelningsnyckel
    befolkning: Befolkningskalla
    avtal: str | None = None  # avtalets namn
    ar: int | None = None  # avtalsåret
    avtalsfil: str | None = None
    vikterfil: str | None = None
    undantagna: tuple[str, ...] = ()  # "2039 Älvdalen"
    version: str = __version__
    skapad: str = field(default_factory=lambda: datetime.now().astimezone().isoformat(timespec="seconds"))

    def rader(self) -> list[tuple[str, str]]:
        """Källor och parametrar som (rubrik, text)-par, i den ordning de visas."""
        r = [
            ("Belopp att fördela", format_kr(self.belopp)),
            ("Fördelningsnyckel", self.nyckel.text()),
        ]
        if self.avtal:
            r.append(("Avtal", self.avtal))
            r.append(("Avtalsfil", describe_fil(self.avtalsfil)))
        if self.vikterfil:
            r.append(("Vikter", self.vikterfil))
        if self.undantagna:
            r.append(("Deltar inte", ", ".join(self.undantagna)))
        b = self.befolkning
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
            ("Program", f"analys {self.version}"),
            ("Skapad", self.skapad),
        ]
        return r


def to_csv(df: pd.DataFrame) -> str:
    """Maskinläsbar CSV: exakt rubriken ``kommunkod,kommun,folkmangd,andel,belopp``, punkt som
    decimaltecken, en rad per kommun i kodordning, inget annat."""
    rader = [",".join(UT_KOLUMNER)]
    for r in df.sort_values("kommunkod").itertuples(index=False):
        kommun = f'"{r.kommun}"' if "," in r.kommun or '"' in r.kommun else r.kommun
        rader.append(f"{r.kommunkod},{kommun},{int(r.folkmangd)},{r.andel:.12f},{int(r.belopp)}")
    return "\n".join(rader) + "\n"


def to_json(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    rader = [
        {
            "kommunkod": r.kommunkod,
            "kommun": r.kommun,
            "folkmangd": int(r.folkmangd),
            "andel": float(r.andel),
            "belopp": int(r.belopp),
        }
        for r in df.sort_values("kommunkod").itertuples(index=False)
    ]
    meta = {
        "belopp": info.belopp,
        "nyckel": info.nyckel.nyckel.value,
        "fast_andel": float(info.nyckel.fast_andel) if info.nyckel.nyckel == "blandad" else None,
        "lanskod": info.befolkning.lanskod,
        "lan": info.befolkning.lan,
        "befolkningsdatum": info.befolkning.datum.isoformat(),
        "scb_tabell": info.befolkning.scb_tabell,
        "befolkningsdata": list(info.befolkning.filer),
        "avtal": info.avtal,
        "avtalsfil": info.avtalsfil,
        "undantagna": list(info.undantagna),
        "version": info.version,
    }
    return json.dumps({"fordelning": rader, "metadata": meta}, ensure_ascii=False, indent=2) + "\n"


def to_tabell(df: pd.DataFrame, info: Fordelningsinfo) -> str:
    """Tabell för människor: svenska talformat, summarad, källa och datum under."""
    huvud = ["Kod", "Kommun", "Folkmängd", "Andel", "Belopp"]
    kropp = [
        [
            r.kommunkod,
            r.kommun,
            format_tal(r.folkmangd),
            format_procent(r.andel),
            format_kr(r.belopp),
        ]
        for r in df.sort_values("kommunkod").itertuples(index=False)
    ]
    summa = [
        "",
        "Summa",
        format_tal(int(df["folkmangd"].sum())),
        format_procent(1.0),
        format_kr(int(df["belopp"].sum())),
    ]
    alla = [huvud, *kropp, summa]
    bredd = [max(len(r[i]) for r in alla) for i in range(len(huvud))]
    hoger = [False, False, True, True, True]

    def rad(celler: list[str]) -> str:
        delar = [c.rjust(b) if h else c.ljust(b) for c, b, h in zip(celler, bredd, hoger, strict=True)]
        return "  ".join(delar).rstrip()

    linje = "  ".join("-" * b for b in bredd)
    titel = f"Fördelning av {format_kr(info.belopp)} mellan {len(df)} kommuner i {info.befolkning.lan}"
    if info.avtal:
        titel += f"\n{info.avtal}"
    ut = [titel, "", rad(huvud), linje, *(rad(r) for r in kropp), linje, rad(summa), ""]
    ut += [f"{rubrik}: {text}" for rubrik, text in info.rader()]
    return "\n".join(ut) + "\n"
