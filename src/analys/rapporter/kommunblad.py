"""Kommunblad: en kommuns fasta kostnad år för år i alla scenarier (enligt avtal där avtal finns),
dess beräknade kursavgifter och pott, andel och folkmängd."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analys.fel import AnalysError
from analys.flode.scenarier import Scenarioberakning
from analys.rapporter.arstabeller import (
    NETTO_RUBRIKER,
    ar_gange_scenario,
    html_rorligt_per_ar,
    netto_per_slag,
    slag_per_ar,
)
from analys.rapporter.excel import Blad, Kallor, write_workbook
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.rubriker import RUBRIKER, rubrik
from analys.rapporter.tabeller import PAHITTAT, html_tabell


def _kommun(s: Scenarioberakning, kommunkod: str) -> pd.DataFrame:
    return s.per_kommun[s.per_kommun["kommunkod"] == kommunkod]


def forsta_kommun(s: Scenarioberakning) -> str:
    """Länets första kommun (lägst kommunkod): kommunbladet när ingen kommun är vald."""
    return str(s.per_kommun["kommunkod"].min())


def titel(s: Scenarioberakning, kommunkod: str) -> str:
    t = f"Kommunblad: {kommun_namn(s.per_kommun, kommunkod)} (kommunkod {kommunkod})"
    return f"{t} ({PAHITTAT})" if s.pahittat else t


def describe_kommun(s: Scenarioberakning, kommunkod: str) -> str:
    d = _kommun(s, kommunkod)
    kommun = d["kommun"].iloc[0]
    fran, till = s.fran, s.till
    bas = d[d["scenario"] == s.scenarier[0]].set_index("ar")
    sista = d[d["ar"] == till].set_index("scenario")["fast_kostnad"]
    forsta_slag = bas.loc[fran, "slag"]
    avtal = bas[bas["slag"] == "enligt avtal"]
    andra = [(a, r) for a, r in avtal.iterrows() if a != fran]  # avtalsåret `fran` står redan i första meningen
    avtalstext = "".join(f" {a}: **{format_kr(int(r.fast_kostnad))}** enligt avtal." for a, r in andra)
    return (
        f"**{kommun}** betalar **{format_kr(int(bas.loc[fran, 'fast_kostnad']))}** i fast kostnad {fran} "
        f"({forsta_slag}).{avtalstext} "
        f"År {till} (beräknat) ligger den fasta kostnaden mellan {format_kr(int(sista.min()))} "
        f"({s.namn[sista.idxmin()]}) och {format_kr(int(sista.max()))} ({s.namn[sista.idxmax()]}) beroende på "
        f"scenario. År {till} är kommunens andel av den fasta kostnaden {format_procent(bas.loc[till, 'andel'])}.\n\n"
        f"Dessutom, beräknat i scenariot {s.basnamn}: {format_kr(int(bas.loc[fran, 'rorlig_kostnad']))} i "
        f"kursavgifter {fran} för {format_tal(int(bas.loc[fran, 'deltagardagar']))} antagna deltagardagar, och "
        f"{format_kr(int(bas.loc[fran, 'pott_tillbaka']))} tillbaka ur potten för "
        f"{format_tal(int(bas.loc[fran, 'utbildardagar']))} antagna utbildardagar."
    )


def table_kommun(s: Scenarioberakning, kommunkod: str) -> pd.DataFrame:
    """År × scenarier: kommunens fasta kostnad, med en kolumn Underlag."""
    d = _kommun(s, kommunkod)
    tab = ar_gange_scenario(d, "fast_kostnad", list(s.scenarier), s.namn, slag_per_ar(s.per_ar))
    return tab.assign(År=tab["År"].astype(str))


def html_kommun(s: Scenarioberakning, kommunkod: str) -> str:
    t = table_kommun(s, kommunkod)
    scen = [s.namn[sc] for sc in s.scenarier]
    return html_tabell(
        t,
        kr=scen,
        rubrik=f"{kommun_namn(s.per_kommun, kommunkod)}: fast kostnad per år och scenario",
        fotnot="Underlag: enligt avtal = beloppet i avtalet; beräknat = räknat ur antagandena",
    )


def html_rorligt(s: Scenarioberakning, kommunkod: str) -> str:
    """Per år i jämförelsebasen: kommunens antagna dagar, kursavgifter och pott tillbaka."""
    return html_rorligt_per_ar(s, kommunkod, rubrik=f"Kursavgifter och pott, scenario {s.basnamn}", fotnot="")


def write_kommunblad_workbook(s: Scenarioberakning, kommunkod: str, kallor: Kallor, path: Path) -> None:
    d = _kommun(s, kommunkod)
    kommun = d["kommun"].iloc[0]
    # I arbetsboken är året ett tal och folkmängdens datum ett datum, som i scenariernas arbetsbok:
    # de går att sortera, filtrera och räkna med i Excel.
    tab = table_kommun(s, kommunkod).astype({"År": "int64"})
    scen = [s.namn[sc] for sc in s.scenarier]
    detalj = d[
        [
            "scenario",
            "ar",
            "slag",
            "befolkningsdatum",
            "folkmangd",
            "andel",
            "fast_kostnad",
            "deltagardagar",
            "rorlig_kostnad",
            "utbildardagar",
            "pott_tillbaka",
            "netto",
        ]
    ].copy()
    detalj["scenario"] = detalj["scenario"].map(s.namn)
    detalj["befolkningsdatum"] = pd.to_datetime(detalj["befolkningsdatum"]).dt.date
    detalj = netto_per_slag(detalj)
    detalj = detalj.rename(columns={k: NETTO_RUBRIKER.get(k, rubrik(k)) for k in detalj.columns})
    blad = [
        Blad(
            namn="Fast kostnad per år",
            titel=f"{kommun}: fast kostnad per år och scenario",
            undertitel="Underlag: enligt avtal = beloppet i avtalet (data/avtal/); beräknat = ur antagandena.",
            df=tab,
            kr=scen,
            text=("Underlag",),
        ),
        Blad(
            namn="Detaljer",
            titel=f"{kommun}: alla delar per scenario och år",
            undertitel="Fast kostnad enligt avtal eller beräknad (kolumnen Underlag); kursavgifter och pott alltid "
            "beräknade. Nettot står i två kolumner: avtal + beräknat för år med avtal, beräknat för övriga år.",
            df=detalj,
            kr=[RUBRIKER[k] for k in ("fast_kostnad", "rorlig_kostnad", "pott_tillbaka")]
            + list(NETTO_RUBRIKER.values()),
            heltal=[RUBRIKER[k] for k in ("folkmangd", "deltagardagar", "utbildardagar")],
            procent=[RUBRIKER["andel"]],
            datum=[RUBRIKER["befolkningsdatum"]],
        ),
    ]
    write_workbook(blad, kallor, path, f"Kommunblad {kommun}", f"{s.fran}–{s.till}", s.pahittat)


def kommun_namn(per_kommun: pd.DataFrame, kommunkod: str) -> str:
    """Kommunens namn; okänd kommunkod ger ett fel som listar länets kommuner."""
    traff = per_kommun.loc[per_kommun["kommunkod"] == kommunkod, "kommun"]
    if traff.empty:
        k = per_kommun.drop_duplicates("kommunkod")
        giltiga = ", ".join(f"{a} {b}" for a, b in zip(k["kommunkod"], k["kommun"], strict=True))
        raise AnalysError(f"Kommunkoden '{kommunkod}' finns inte i länet. Giltiga: {giltiga}.")
    return str(traff.iloc[0])


def andel_per_ar(s: Scenarioberakning, kommunkod: str) -> pd.DataFrame:
    """Kommunens andel av den fasta kostnaden per år i jämförelsebasen: ar, andel."""
    pk = s.per_kommun
    d = pk[(pk["kommunkod"] == kommunkod) & (pk["scenario"] == s.scenarier[0])]
    return d[["ar", "andel"]]
