"""Scenarier: vad kostar Yrkesresan och BBIC kommunerna år för år under olika antaganden?

Här hämtas antaganden, avtal och befolkning, kostnadsmodellen räknas (`berakning.kostnadsmodell`)
och resultatet presenteras: text, tabeller, CSV för maskiner och Excelarbetsbok.

Rubriken för varje år är den fasta kostnad kommunerna betalar: enligt avtal där ett avtal finns
(2022: 400 000 kr, 2024: 1 030 000 kr), annars beräknad. Kursavgifterna och potten som går
tillbaka till kommuner med utbildare är alltid beräknade (ur antagna deltagar- och utbildardagar)
och står i egna kolumner.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analys.begrepp import Scenario
from analys.berakning import kostnadsmodell as km
from analys.flode.scenarier import Scenarioberakning
from analys.rapporter.arstabeller import (
    NETTO_AVTAL,
    NETTO_BERAKNAT,
    NETTO_RUBRIKER,
    ar_gange_scenario,
    arsrubrik,
    netto_per_slag,
    slag_per_ar,
)
from analys.rapporter.excel import Blad, Kallor, Linjediagram, write_workbook
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.kallor import kallor_text
from analys.rapporter.rubriker import NYCKELNAMN, RUBRIKER, rubrik
from analys.rapporter.tabeller import PAHITTAT, excel_csv, html_tabell, textmarkning, texttabell
from analys.rapporter.text import parametervarde

CSV_KOLUMNER = [
    "scenario",
    "ar",
    "kommunkod",
    "kommun",
    "fast_kostnad",
    "rorlig_kostnad",
    "pott_tillbaka",
    "netto",
]


def titel(s: Scenarioberakning) -> str:
    t = f"Scenarier {s.fran}–{s.till}: kommunernas kostnad för Yrkesresan och BBIC"
    return f"{t} ({PAHITTAT})" if s.pahittat else t


# --- text och tabeller --------------------------------------------------------------------------


def describe_scenarier(s: Scenarioberakning) -> str:
    """Markdown med de viktigaste talen: den fasta kostnaden första och sista året per scenario."""
    per_ar = s.per_ar
    fran, till = s.fran, s.till
    slag = slag_per_ar(per_ar)
    tot = per_ar.set_index(["scenario", "ar"])["kommunernas_del"]
    rader = []
    for sc in s.scenarier:
        a, b = int(tot[(sc, fran)]), int(tot[(sc, till)])
        andring = f" ({'+' if b >= a else ''}{format_procent((b - a) / a, 0)})" if a else ""
        rader.append(
            f"- **{s.namn[sc]}** – {s.beskrivningar.get(sc, '')}: {format_kr(a)} {fran} ({slag[fran]}) → "
            f"**{format_kr(b)}** {till} ({slag[till]}){andring}."
        )
    avtal = [a for a, v in slag.items() if v == "enligt avtal"]
    avtalstext = (
        f" År med avtal ({', '.join(map(str, avtal))}) har avtalets belopp i alla scenarier."
        if avtal
        else " Inget av åren har något avtal; alla belopp är beräknade."
    )
    text = (
        f"**Kommunernas fasta kostnad** (det kommunerna betalar för samordningen), {fran}–{till}:\n\n"
        + "\n".join(rader)
        + "\n\n"
        + avtalstext
        + " Kursavgifterna och potten som går tillbaka till kommuner med utbildare är beräknade ur antagna "
        "deltagar- och utbildardagar och redovisas för sig längre ned."
    )
    sista = tot.xs(till, level="ar").reindex(list(s.scenarier))
    if len(sista) > 1:
        text += (
            f"\n\nÅr {till} skiljer det {format_kr(int(sista.max() - sista.min()))} mellan det dyraste "
            f"({s.namn[sista.idxmax()]}) och det billigaste ({s.namn[sista.idxmin()]}) scenariot."
        )
    return text


def table_fast_per_ar(s: Scenarioberakning) -> pd.DataFrame:
    """År × scenarier: kommunernas fasta kostnad, med en kolumn som säger enligt avtal/beräknat."""
    return ar_gange_scenario(s.per_ar, "kommunernas_del", list(s.scenarier), s.namn, slag_per_ar(s.per_ar))


def html_fast_per_ar(s: Scenarioberakning) -> str:
    t = table_fast_per_ar(s)
    scen = [s.namn[sc] for sc in s.scenarier]
    t["År"] = t["År"].astype(str)
    return html_tabell(
        t,
        kr=scen,
        rubrik="Kommunernas fasta kostnad per år och scenario",
        fotnot="Underlag: enligt avtal = beloppet i avtalet; beräknat = räknat ur antagandena",
    )


def table_kommuner_ett_ar(per_kommun: pd.DataFrame, ar: int, namn: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Kommuner × scenarier: den fasta kostnaden ett år (kolumner i scenarioordning)."""
    d = per_kommun[per_kommun["ar"] == ar]
    tab = d.pivot_table(
        index=["kommunkod", "kommun"], columns="scenario", values="fast_kostnad", aggfunc="sum", sort=False
    )
    scen = list(dict.fromkeys(d["scenario"]))
    tab = tab[scen].astype("int64").reset_index()
    return tab.rename(columns={sc: (namn or {}).get(sc, sc) for sc in scen})


def html_kommuner_ett_ar(s: Scenarioberakning, ar: int) -> str:
    t = table_kommuner_ett_ar(s.per_kommun, ar, s.namn)
    scen = [s.namn[sc] for sc in s.scenarier]
    slag = slag_per_ar(s.per_ar)[ar]
    return html_tabell(
        t,
        kr=scen,
        summa={"kommun": "Summa", **{k: int(t[k].sum()) for k in scen}},
        rubriker={"kommunkod": "Kod", "kommun": "Kommun"},
        rubrik=f"Fast kostnad per kommun {ar} ({slag})",
        slag=dict.fromkeys(scen, slag),
    )


def html_skillnad(s: Scenarioberakning, ar: int) -> str:
    d = km.table_skillnad_mot_bas(s.per_kommun, s.scenarier[0], "fast_kostnad")
    d = (
        d[d["ar"] == ar]
        .pivot_table(index=["kommunkod", "kommun"], columns="scenario", values="skillnad", aggfunc="sum", sort=False)
        .astype("int64")
        .reset_index()
    )
    scen = [c for c in d.columns if c not in ("kommunkod", "kommun")]
    d = d.rename(columns={sc: s.namn[sc] for sc in scen})
    visade = [s.namn[sc] for sc in scen]
    return html_tabell(
        d,
        kr=visade,
        summa={"kommun": "Summa", **{k: int(d[k].sum()) for k in visade}},
        rubriker={"kommunkod": "Kod", "kommun": "Kommun"},
        rubrik=f"Skillnad mot {s.basnamn} {ar}, fast kostnad",
        slag=dict.fromkeys(visade, "beräknat"),
    )


def table_utbildare(s: Scenarioberakning) -> pd.DataFrame:
    """Den antagna fördelningen av utbildardagar, som potten betalas tillbaka efter."""
    dagar = s.bas.rorliga.utbildare.dagar
    k = s.per_kommun[(s.per_kommun["scenario"] == s.scenarier[0]) & (s.per_kommun["ar"] == s.till)]
    namn = dict(zip(k["kommunkod"], k["kommun"], strict=True))
    summa = sum(dagar.values())
    rader = [(kod, namn.get(kod, kod), int(v), v / summa if summa else 0.0) for kod, v in dagar.items() if v]
    return pd.DataFrame(rader, columns=["Kommunkod", "Kommun", "Utbildardagar per år", "Andel av potten"])


def html_utbildare(s: Scenarioberakning) -> str:
    t = table_utbildare(s)
    return html_tabell(
        t,
        heltal=["Utbildardagar per år"],
        procent=["Andel av potten"],
        rubriker={"Kommunkod": "Kod"},
        rubrik="Antagna utbildardagar per år (potten betalas tillbaka efter dessa)",
        fotnot=s.bas.rorliga.utbildare.kalla,
    )


def _svenska_kolumner(df: pd.DataFrame, namn: Mapping[str, str]) -> pd.DataFrame:
    d = df.copy()
    if "scenario" in d:
        d["scenario"] = d["scenario"].map(lambda x: namn.get(x, x))
    if "nyckel" in d:
        d["nyckel"] = d["nyckel"].map(lambda x: NYCKELNAMN.get(x, x))
    return d.rename(columns={k: NETTO_RUBRIKER.get(k, rubrik(k)) for k in d.columns})


def scenario_blad(per_kommun: pd.DataFrame, per_ar: pd.DataFrame, namn: Mapping[str, str]) -> list[Blad]:
    """Blad per scenario (kommuner × år, fast kostnad), fast kostnad per år med diagram, alla rader
    och summor per år; alla rubriker på svenska."""
    scenarier = list(dict.fromkeys(per_kommun["scenario"]))
    slag = slag_per_ar(per_ar)
    d = ar_gange_scenario(per_ar, "kommunernas_del", scenarier, namn, slag)
    visade = [namn.get(sc, sc) for sc in scenarier]
    blad = [
        Blad(
            namn="Fast kostnad per år",
            titel="Kommunernas fasta kostnad per år och scenario",
            undertitel="Underlag: enligt avtal = beloppet i avtalet (data/avtal/); beräknat = ur antagandena.",
            df=d,
            kr=visade,
            heltal=[],
            text=("Underlag",),
            diagram=Linjediagram("Kommunernas fasta kostnad per år", "År", visade),
        )
    ]
    for scenario, grupp in per_kommun.groupby("scenario", sort=False):
        tab = km.table_kommun_over_ar(grupp.drop(columns="scenario"), "fast_kostnad").reset_index()
        ar = [int(a) for a in tab.columns[2:]]
        tab.columns = ["Kommunkod", "Kommun", *(arsrubrik(a, slag[a]) for a in ar)]
        kol = [arsrubrik(a, slag[a]) for a in ar]
        blad.append(
            Blad(
                namn=namn.get(scenario, scenario),
                titel=f"Scenario {namn.get(scenario, scenario)}: fast kostnad per kommun och år",
                not_text="Hela kronor. Kursavgifter och pott står på bladet Alla rader.",
                df=tab,
                kr=kol,
                summera=kol,
                bredder={"Kommunkod": 12, "Kommun": 16},
            )
        )
    alla = _svenska_kolumner(netto_per_slag(per_kommun), namn)
    blad.append(
        Blad(
            namn="Alla rader",
            titel="Alla scenarier, år och kommuner",
            undertitel="Fast kostnad enligt avtal eller beräknad (kolumnen Underlag); kursavgifter och pott beräknade. "
            "Nettot står i två kolumner: avtal + beräknat för år med avtal, beräknat för övriga år.",
            df=alla,
            kr=[RUBRIKER[k] for k in ("fast_kostnad", "rorlig_kostnad", "pott_tillbaka")]
            + list(NETTO_RUBRIKER.values()),
            heltal=[RUBRIKER[k] for k in ("folkmangd", "deltagardagar", "utbildardagar")],
            procent=[RUBRIKER["andel"]],
        )
    )
    per = _svenska_kolumner(per_ar, namn)
    blad.append(
        Blad(
            namn="Per år",
            titel="Summor per scenario och år",
            df=per,
            kr=[RUBRIKER[k] for k in ("fast_total", "region_del", "kommunernas_del", "pott")],
            heltal=[RUBRIKER[k] for k in ("deltagardagar", "utbildardagar")],
            decimal=[RUBRIKER[k] for k in ("tjanster", "aktiva_resor")],
        )
    )
    return blad


def _kanslighet_blad(sens: pd.DataFrame, ar: int) -> Blad:
    # Låga och höga värden som text i parameterns egen enhet ("1,5 %", "+18 månader").
    sens = sens.assign(
        lag=[parametervarde(p, v) for p, v in zip(sens["parameter"], sens["lag"], strict=True)],
        hog=[parametervarde(p, v) for p, v in zip(sens["parameter"], sens["hog"], strict=True)],
    )
    d = sens.drop(columns="parameter")
    d = d.rename(columns={k: rubrik(k) for k in d.columns})
    kr = ["Fast kostnad, bas", "Fast kostnad, lågt", "Fast kostnad, högt", "Effekt, lågt", "Effekt, högt"]
    return Blad(
        namn="Känslighet",
        titel=f"En parameter i taget på lågt och högt värde: fast kostnad {ar}",
        undertitel="Beräknat. År med avtal påverkas inte.",
        df=d,
        kr=kr,
        text=("Kommunkod", "Lågt värde", "Högt värde"),
    )


def _mc_blad(mc: pd.DataFrame) -> Blad:
    d = mc.rename(columns={k: rubrik(k) for k in mc.columns})
    return Blad(
        namn="Osäkerhet",
        titel="Osäkerhet i den fasta kostnaden (Monte Carlo)",
        undertitel="Beräknat: alla osäkra parametrar dras samtidigt; P10–P90 rymmer 80 % av dragningarna. "
        "År med avtal är fasta.",
        df=d,
        kr=["P10", "Median", "P90", "Medel"],
    )


def write_scenario_workbook(
    s: Scenarioberakning,
    kallor: Kallor,
    path: Path,
    tabellar: int | None = None,
    sens: pd.DataFrame | None = None,
    mc: pd.DataFrame | None = None,
    per_kommun: pd.DataFrame | None = None,
) -> None:
    """Scenarioarbetsboken, för rapporten och för `analys scenario --format xlsx`: fast kostnad per
    år (med diagram), ett blad per scenario, alla rader, summor per år och källor; med `tabellar`
    även kommunerna det året och utbildarna, med `sens` och `mc` känsligheten och osäkerheten.
    `per_kommun` ersätter resultatets rader (t.ex. bara en kommun)."""
    blad = scenario_blad(s.per_kommun if per_kommun is None else per_kommun, s.per_ar, s.namn)
    if tabellar is not None:
        ett = table_kommuner_ett_ar(s.per_kommun, tabellar, s.namn)
        scen = [s.namn[sc] for sc in s.scenarier]
        slag = slag_per_ar(s.per_ar)[tabellar]
        blad.insert(
            1,
            Blad(
                namn=f"Kommuner {tabellar}",
                titel=f"Fast kostnad per kommun {tabellar} ({slag}), alla scenarier",
                df=ett.rename(columns={"kommunkod": "Kommunkod", "kommun": "Kommun"}),
                kr=scen,
                summera=scen,
            ),
        )
        blad.append(
            Blad(
                namn="Utbildare",
                titel="Antagna utbildardagar per år: potten betalas tillbaka efter dessa",
                undertitel=s.bas.rorliga.utbildare.kalla,
                df=table_utbildare(s),
                heltal=["Utbildardagar per år"],
                procent=["Andel av potten"],
            )
        )
    if sens is not None:
        blad.append(_kanslighet_blad(sens, tabellar if tabellar is not None else s.till))
    if mc is not None:
        blad.append(_mc_blad(mc))
    write_workbook(
        blad, kallor, path, "Scenarier för kostnaderna för Yrkesresan och BBIC", f"{s.fran}–{s.till}", s.pahittat
    )


# --- kommandoraden: tabell, CSV och arbetsbok ------------------------------------------------------


def to_csv(per_kommun: pd.DataFrame) -> str:
    """Exakt rubriken ``scenario,ar,kommunkod,kommun,fast_kostnad,rorlig_kostnad,pott_tillbaka,netto``."""
    df = per_kommun[CSV_KOLUMNER]
    rader = [",".join(CSV_KOLUMNER)]
    rader += [",".join(str(v) for v in r) for r in df.itertuples(index=False)]
    return "\n".join(rader) + "\n"


def to_excel_csv(per_kommun: pd.DataFrame, namn: Mapping[str, str], pahittat: bool = False) -> str:
    """CSV att dubbelklicka i svensk Excel: UTF-8 med BOM, semikolon, svenska rubriker."""
    kol = ["scenario", "ar", "slag", "kommunkod", "kommun", "fast_kostnad", "rorlig_kostnad", "pott_tillbaka"]
    kol += [NETTO_AVTAL, NETTO_BERAKNAT]
    d = netto_per_slag(per_kommun)
    rader = ([namn.get(r[0], r[0]), *("" if v is None else v for v in r[1:])] for r in d[kol].itertuples(index=False))
    return excel_csv([NETTO_RUBRIKER.get(k, rubrik(k)) for k in kol], rader, pahittat)


def to_tabell(
    per_kommun: pd.DataFrame,
    per_ar: pd.DataFrame,
    beskrivningar: Mapping[str, str],
    namn: Mapping[str, str],
    kallor: Kallor,
    pahittat: bool = False,
) -> str:
    slag = slag_per_ar(per_ar)
    ut: list[str] = [*textmarkning(pahittat), ""] if pahittat else []
    for scenario, grupp in per_kommun.groupby("scenario", sort=False):
        ar_df = per_ar[per_ar["scenario"] == scenario]
        tab = km.table_kommun_over_ar(grupp.drop(columns="scenario"), "fast_kostnad")
        ar = [int(a) for a in tab.columns]
        ut += [
            f"Scenario {namn.get(scenario, scenario)}: {beskrivningar.get(scenario, '')}",
            "Fast kostnad per kommun och år, kr (enligt avtal = beloppet i avtalet; beräknat = ur antagandena)",
            "",
        ]
        rader = [["Kommun", *map(str, ar)], ["Underlag", *(slag[a] for a in ar)]]
        rader += [[kommun, *(format_tal(v) for v in rad)] for (_, kommun), rad in tab.iterrows()]
        en = len(tab) == 1
        if not en:
            rader.append(["Summa", *(format_tal(v) for v in tab.sum())])
        tom = ["", *([""] * len(ar))]
        per_ar_kommun = grupp.groupby("ar")[["rorlig_kostnad", "pott_tillbaka", "netto"]].sum()
        vem = f", {tab.index[0][1]}" if en else ", kommunerna"
        rader.append(tom)
        rader.append([f"Kursavgifter{vem} (beräknat)", *(format_tal(v) for v in per_ar_kommun["rorlig_kostnad"])])
        rader.append([f"Pott tillbaka{vem} (beräknat)", *(format_tal(v) for v in per_ar_kommun["pott_tillbaka"])])
        # Nettot blandar slag år med avtal: en rad per blandning, delarna står ovanför.
        for etikett, villkor in (("avtal + beräknat", "enligt avtal"), ("beräknat", "beräknat")):
            if any(slag[a] == villkor for a in ar):
                rader.append(
                    [
                        f"Netto{vem} ({etikett})",
                        *(
                            format_tal(v) if slag[a] == villkor else ""
                            for a, v in zip(ar, per_ar_kommun["netto"], strict=True)
                        ),
                    ]
                )
        rader.append(tom)
        rader.append(["Hela länet:", *([""] * len(ar))])
        rader.append(["  Fast kostnad, totalt", *(format_tal(v) for v in ar_df["fast_total"])])
        rader.append(["    därav kommunerna", *(format_tal(v) for v in ar_df["kommunernas_del"])])
        rader.append(["    därav regionen", *(format_tal(v) for v in ar_df["region_del"])])
        rader.append(["  Tjänster", *(format_tal(v, 2) for v in ar_df["tjanster"])])
        rader.append(["  Yrkesresor i gång (snitt över året)", *(format_tal(v, 2) for v in ar_df["aktiva_resor"])])
        rader.append(["  Deltagardagar (antagna)", *(format_tal(v) for v in ar_df["deltagardagar"])])
        rader.append(["  Utbildardagar (antagna)", *(format_tal(v) for v in ar_df["utbildardagar"])])
        ut += texttabell(rader)
        ut += [""]
    ut += kallor_text(kallor)
    return "\n".join(ut) + "\n"


def lista(scenarier: Mapping[str, Scenario]) -> str:
    """`analys scenario --lista`: scenarierna med en rad var."""
    bredd = max(len(n) for n in scenarier)
    return "".join(f"{n.ljust(bredd)}  {sc.namn}: {sc.beskrivning}\n" for n, sc in scenarier.items())
