"""Ett års fördelning: läs avtal och befolkning, räkna fördelningen och jämförelsen med året före.

`berakna` är samma väg för kommandoraden och notebooks. Ett belopp ur ett avtal är "enligt avtal",
ur ett förslag till avtal (status: förslag) "förslag"; ett angivet belopp utan avtal, eller ett
avtal med ändrade parametrar, är "beräknat".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analys.begrepp import FORSTA_AR, Avtal, Fil, Fordelningsinfo
from analys.berakning.fordelning import bygg_nyckel, compare_with, compute_fordelning, valj_parametrar
from analys.fel import AnalysError
from analys.flode.spar import fil, filer
from analys.indata.antaganden import load_antaganden, read_scenarier
from analys.indata.avtal import avtal_for_lan, load_avtal
from analys.indata.befolkning import describe_kalla, load_befolkning
from analys.indata.paths import visningsvag
from analys.indata.projekt import standardlan
from analys.indata.underlag import read_vikter
from analys.indata.varden import kommunkoder


@dataclass(frozen=True)
class Fordelning:
    """En fördelning (en rad per kommun: kommunkod, kommun, folkmangd, andel, belopp) med allt som
    behövs för att spåra den."""

    df: pd.DataFrame
    info: Fordelningsinfo
    avtalsfil: Fil | None
    befolkningsfiler: tuple[Fil, ...]


@dataclass(frozen=True)
class Jamforelse:
    """Förändringen mot föregående år per kommun (`df`, None om det inte finns något att jämföra
    med och `saknas` säger varför), och varifrån föregående års belopp kommer."""

    df: pd.DataFrame | None
    saknas: str = ""  # "Ingen jämförelse: …" när df är None
    ar_fore: int | None = None
    slag_fore: str = "beräknat"  # "enligt avtal" eller "beräknat"
    avtal_fore: str | None = None  # föregående års avtal, om det har ett
    kommunernas_del_fore: int | None = None
    scenarionamn: str | None = None  # scenariot som räknat fram ett år utan avtal
    befolkningsdatum_fore: date | None = None


def berakna(
    avtal: str | None = None,
    belopp: int | None = None,
    befolkningsdatum: str | None = None,
    lan: str | None = None,
    nyckel: str | None = None,
    fast_andel: Decimal | float | None = None,
    vikter: Path | None = None,
    exkludera: tuple[str, ...] = (),
) -> Fordelning:
    """Fördelningen och dess källbeskrivning. Givna värden går före avtalets.

    >>> f = berakna(avtal="2022")
    >>> int(f.df["belopp"].sum()), f.info.befolkning.datum.isoformat()
    (400000, '2020-12-31')
    """
    a = path = None
    if avtal:
        a, path = load_avtal(avtal)
        if lan is not None and lan != a.lan:
            raise AnalysError(
                f"Avtalet {a.namn} gäller län {a.lan}, inte {lan}; ta bort --lan eller välj ett annat avtal."
            )
    lanskod = lan if lan is not None else (None if a else standardlan())
    val = valj_parametrar(
        a,
        belopp,
        befolkningsdatum,
        lanskod,
        nyckel,
        fast_andel,
        har_vikter=vikter is not None,
        senaste_avtal=senaste_avtal() if avtal is None and belopp is None else None,
    )
    befolkning = load_befolkning(val.lanskod, val.befolkningsdatum)
    koder = list(befolkning["kommunkod"])
    exkludera = kommunkoder(exkludera, befolkning, "--exkludera")
    ut = frozenset(exkludera)
    viktlista = read_vikter(Path(vikter), koder, ut) if val.nyckel == "egen" else None
    nyckelobj = bygg_nyckel(val, exkludera, viktlista)
    df = compute_fordelning(befolkning, val.belopp, nyckelobj)
    namn = dict(zip(koder, befolkning["kommun"], strict=True))
    andrat = ut or any(v is not None for v in (belopp, befolkningsdatum, lan, nyckel, fast_andel, vikter))
    kalla = describe_kalla(befolkning)
    info = Fordelningsinfo(
        belopp=val.belopp,
        nyckel=nyckelobj,
        befolkning=kalla,
        avtal=a.namn if a else None,
        ar=a.ar if a else None,
        avtalsfil=visningsvag(path) if path else None,
        avtalskalla=a.kalla if a else None,
        vikterfil=str(vikter) if vikter else None,
        undantagna=tuple(f"{k} {namn[k]}" for k in sorted(ut)),
        pahittat=bool(a and a.exempel),
        slag=a.slag if a is not None and not andrat else "beräknat",
    )
    return Fordelning(df, info, fil(path) if path else None, filer(kalla.filer))


def senaste_avtal() -> str | None:
    """Året för analys-mappens senaste fastställda avtal för mappens län (förslag räknas inte),
    eller None om det inte finns något."""
    ar = sorted(ar for ar, a in avtal_for_lan(standardlan()).items() if not a.forslag)
    return str(ar[-1]) if ar else None


def avtalets_fordelning(avtal: Avtal, exkludera: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Avtalets fasta kostnad för kommunerna, fördelad efter avtalets nyckel och befolkningsdatum
    (utan kommunerna i `exkludera`: beloppet delas då på de övriga)."""
    befolkning = load_befolkning(avtal.lan, avtal.befolkningsdatum)
    return compute_fordelning(befolkning, avtal.belopp_kommuner, avtal.fordelningsnyckel(exkludera))


def som_forr(avtal: Avtal, belopp: int) -> pd.DataFrame:
    """`belopp` fördelat med avtalets nyckel och befolkning (för jämförelsens beloppseffekt)."""
    befolkning = load_befolkning(avtal.lan, avtal.befolkningsdatum)
    return compute_fordelning(befolkning, belopp, avtal.fordelningsnyckel())


def jamforelse(f: Fordelning, scenario: str = "bas") -> Jamforelse:
    """Förändringen mot föregående år: enligt avtal där det finns ett, annars enligt scenariot."""
    if not f.info.ar:
        return Jamforelse(None)
    from analys.flode.scenarier import berakna_scenario

    ar, lanskod = f.info.ar - 1, f.info.befolkning.lanskod
    if ar < FORSTA_AR:
        return Jamforelse(None, f"Ingen jämförelse: modellen börjar {FORSTA_AR}.")
    a = load_antaganden(scenario)
    if a.lan != lanskod:
        return Jamforelse(None, "Ingen jämförelse: antagandena gäller ett annat län.")
    if ar < a.basar and ar not in a.kanda_ar and ar not in avtal_for_lan(lanskod):
        return Jamforelse(None, f"Ingen jämförelse: varken något avtal eller antagandena täcker {ar}.")
    namn = read_scenarier().get(scenario)
    per_kommun, per_ar = berakna_scenario(a, scenario, ar, ar)
    rad = per_ar.iloc[0]
    fore = per_kommun[["kommunkod", "fast_kostnad"]].rename(columns={"fast_kostnad": "belopp"})
    return Jamforelse(
        compare_with(f.df, fore),
        ar_fore=ar,
        slag_fore=str(rad["slag"]),
        avtal_fore=str(rad["avtal"]) if rad["slag"] == "enligt avtal" else None,
        kommunernas_del_fore=int(rad["kommunernas_del"]),
        scenarionamn=namn.namn if namn else scenario,
        befolkningsdatum_fore=pd.Timestamp(rad["befolkningsdatum"]).date(),
    )
