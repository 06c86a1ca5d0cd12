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
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analys.begrepp import FORSTA_AR, SISTA_AR, Antaganden
from analys.berakning import kostnadsmodell as km
from analys.fel import AnalysError
from analys.indata.antaganden import antaganden_dir, load_antaganden, read_scenarier
from analys.indata.avtal import avtal_for_lan
from analys.indata.befolkning import befolkning_for_datum
from analys.indata.paths import data_dir, visningsvag
from analys.indata.underlag import read_aktivitet
from analys.indata.varden import kommunkoder
from analys.rapporter.excel import Blad, Kallor, Linjediagram, write_workbook
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.kallor import kallor_text, scenario_kallor
from analys.rapporter.tabeller import (
    PAHITTAT,
    excel_csv,
    html_tabell,
    textmarkning,
    texttabell,
    varna_pahittat,
)
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

# Svenska rubriker för kolumnerna i per_kommun och per_ar.
RUBRIKER = {
    "scenario": "Scenario",
    "ar": "År",
    "slag": "Underlag",
    "avtal": "Avtal",
    "kommunkod": "Kommunkod",
    "kommun": "Kommun",
    "befolkningsdatum": "Folkmängd per",
    "folkmangd": "Folkmängd",
    "andel": "Andel",
    "fast_kostnad": "Fast kostnad",
    "deltagardagar": "Deltagardagar (antagna)",
    "rorlig_kostnad": "Kursavgifter (beräknat)",
    "utbildardagar": "Utbildardagar (antagna)",
    "pott_tillbaka": "Pott tillbaka (beräknat)",
    "netto": "Netto (fast + avgifter − pott)",
    "tjanster": "Tjänster",
    "aktiva_resor": "Aktiva Yrkesresor",
    "fast_total": "Fast kostnad totalt",
    "region_del": "Regionens del",
    "kommunernas_del": "Kommunernas fasta kostnad",
    "pott": "Pott",
    "befolkningskalla": "Befolkningens källa",
    "nyckel": "Fördelningsnyckel",
}
NYCKELNAMN = {"befolkning": "efter folkmängd", "lika": "lika delar", "blandad": "blandad", "egen": "egna vikter"}


# --- hämta och räkna ----------------------------------------------------------------------------


def modellunderlag(a: Antaganden, fran: int, till: int) -> km.Modellunderlag:
    """Befolkningen för varje år `fran`–`till` (statistik eller framskrivning), länets avtal i
    data/avtal/ och aktivitetsfilen om antagandena anger en, samlade för kostnadsmodellen."""
    if till < fran:
        raise AnalysError(f"Slutåret {till} ligger före startåret {fran}.")
    avtal = {ar: av for ar, av in avtal_for_lan(a.lan).items() if fran <= ar <= till}
    befolkning = {
        y: befolkning_for_datum(a.lan, km.befolkningsdatum(a, y, avtal), a.befolkning) for y in range(fran, till + 1)
    }
    aktivitet = None
    if a.rorliga.aktivitetsfil:
        path = Path(a.rorliga.aktivitetsfil)
        koder = tuple(befolkning[fran].sort_values("kommunkod")["kommunkod"])
        aktivitet = read_aktivitet(path if path.is_absolute() else data_dir().parent / path, koder)
    return km.build_underlag(a, befolkning, aktivitet, avtal)


def berakna_scenario(a: Antaganden, scenario: str, fran: int, till: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ett scenario, exakt: (per kommun och år, per år); se `kostnadsmodell.compute_scenario`."""
    return km.compute_scenario(a, scenario, modellunderlag(a, fran, till))


def compute_scenarier(
    scenarier: list[str],
    fran: int,
    till: int,
    antaganden: Path | None = None,
    scenariofil: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flera scenarier efter varandra, i samma två tabeller."""
    delar = [berakna_scenario(load_antaganden(s, antaganden, scenariofil), s, fran, till) for s in scenarier]
    return (
        pd.concat([d[0] for d in delar], ignore_index=True),
        pd.concat([d[1] for d in delar], ignore_index=True),
    )


@dataclass(frozen=True)
class Scenarioberakning:
    """Allt en scenariorapport eller ett kommunblad visar."""

    scenarier: tuple[str, ...]
    fran: int
    till: int
    per_kommun: pd.DataFrame
    per_ar: pd.DataFrame
    beskrivningar: dict[str, str]
    namn: dict[str, str]  # scenario → namnet som visas ("Ökad bemanning")
    antagandefil: Path
    scenariofil: Path

    @property
    def bas(self) -> Antaganden:
        """Antagandena för det första scenariot (jämförelsebasen)."""
        return load_antaganden(self.scenarier[0], self.antagandefil, self.scenariofil)

    @property
    def basnamn(self) -> str:
        return self.namn[self.scenarier[0]]

    @property
    def pahittat(self) -> bool:
        """Antagandena för något av scenarierna eller ett av avtalen är ett påhittat exempel eller
        har platshållare."""
        scenarier = (load_antaganden(s, self.antagandefil, self.scenariofil) for s in self.scenarier)
        avtal = (a for ar, a in avtal_for_lan(self.bas.lan).items() if self.fran <= ar <= self.till)
        return any(a.exempel for a in scenarier) or any(a.exempel for a in avtal)

    @property
    def titel(self) -> str:
        t = f"Scenarier {self.fran}–{self.till}: kommunernas kostnad för Yrkesresan och BBIC"
        return f"{t} ({PAHITTAT})" if self.pahittat else t

    def kallor(self, parametrar: dict | None = None) -> Kallor:
        return scenario_kallor(
            self.per_ar,
            self.namn,
            self.beskrivningar,
            self.bas,
            str(self.antagandefil),
            str(self.scenariofil),
            parametrar,
        )


def berakna(
    scenarier: list[str],
    fran: int,
    till: int,
    antaganden: str | Path | None = None,
    scenariofil: str | Path | None = None,
) -> Scenarioberakning:
    """Scenarierna ur antagandefilen (standard `data/antaganden/bas.yaml`) och scenariofilen
    (standard scenarier.yaml bredvid den)."""
    antagandefil = Path(antaganden) if antaganden else antaganden_dir() / "bas.yaml"
    scenariofil = Path(scenariofil) if scenariofil else antagandefil.parent / "scenarier.yaml"
    alla = _las_scenarier(scenariofil, scenarier)
    per_kommun, per_ar = compute_scenarier(scenarier, fran, till, antagandefil, scenariofil)
    return Scenarioberakning(
        tuple(scenarier),
        fran,
        till,
        per_kommun,
        per_ar,
        {n: s.beskrivning for n, s in alla.items()},
        {n: s.namn for n, s in alla.items()},
        antagandefil,
        scenariofil,
    )


def kanslighet(s: Scenarioberakning) -> pd.DataFrame:
    """En parameter i taget på lågt och högt värde, för det första scenariot och sista året:
    effekten på kommunernas fasta kostnad."""
    bas = s.bas
    return km.sensitivity(bas, modellunderlag(bas, s.fran, s.till), s.till)


def osakerhet(s: Scenarioberakning, n: int = 10_000, seed: int = 1) -> pd.DataFrame:
    """Monte Carlo för det första scenariot: P10, P50, P90 av den fasta kostnaden per kommun och år."""
    bas = s.bas
    return km.monte_carlo(bas, modellunderlag(bas, s.fran, s.till), n=n, seed=seed)


# --- text och tabeller --------------------------------------------------------------------------


def arsrubrik(ar: int, slag: str) -> str:
    """Kolumnrubrik för ett år: '2024 (enligt avtal)' eller '2026 (beräknat)'."""
    return f"{ar} ({slag})"


def slag_per_ar(per_ar: pd.DataFrame) -> dict[int, str]:
    forsta = per_ar[per_ar["scenario"] == per_ar["scenario"].iloc[0]]
    return dict(zip(forsta["ar"].astype(int), forsta["slag"], strict=True))


def ar_gange_scenario(
    d: pd.DataFrame, varde: str, scenarier: list[str], namn: Mapping[str, str], slag: Mapping[int, str]
) -> pd.DataFrame:
    """År × scenarier för kolumnen `varde` (summerad över kommunerna), med kolumnen Underlag
    (enligt avtal/beräknat) och svenska rubriker: År, Underlag, scenariernas namn."""
    t = d.pivot_table(index="ar", columns="scenario", values=varde, aggfunc="sum", sort=False)
    t = t[scenarier].astype("int64").reset_index()
    t.insert(1, "Underlag", t["ar"].map(slag))
    return t.rename(columns={"ar": "År", **{sc: namn.get(sc, sc) for sc in scenarier}})


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


def table_rorligt_per_ar(s: Scenarioberakning, kommunkod: str | None = None) -> pd.DataFrame:
    """Per år för jämförelsebasen: antagna deltagar- och utbildardagar, kursavgifter och pott;
    för hela länet eller för en kommun."""
    d = s.per_kommun[s.per_kommun["scenario"] == s.scenarier[0]]
    if kommunkod is not None:
        d = d[d["kommunkod"] == kommunkod]
    g = d.groupby("ar")[["deltagardagar", "rorlig_kostnad", "utbildardagar", "pott_tillbaka"]].sum().reset_index()
    g["ar"] = g["ar"].astype(str)
    return g.rename(columns={k: RUBRIKER.get(k, k) for k in g.columns})


def html_rorligt_per_ar(
    s: Scenarioberakning,
    kommunkod: str | None = None,
    rubrik: str | None = None,
    fotnot: str = "Deltagar- och utbildardagarna är antaganden (se Källor); potten går tillbaka efter utbildardagar",
) -> str:
    t = table_rorligt_per_ar(s, kommunkod)
    kr = [RUBRIKER["rorlig_kostnad"], RUBRIKER["pott_tillbaka"]]
    dagar = [RUBRIKER["deltagardagar"], RUBRIKER["utbildardagar"]]
    return html_tabell(
        t,
        kr=kr,
        heltal=dagar,
        rubrik=rubrik or f"Kursavgifter och utbildarpott per år, scenario {s.basnamn}",
        slag=dict.fromkeys(kr + dagar, "beräknat"),
        fotnot=fotnot,
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
    return d.rename(columns={k: RUBRIKER.get(k, k) for k in d.columns})


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
    alla = _svenska_kolumner(per_kommun, namn)
    blad.append(
        Blad(
            namn="Alla rader",
            titel="Alla scenarier, år och kommuner",
            undertitel="Fast kostnad enligt avtal eller beräknad (kolumnen Underlag); kursavgifter och pott beräknade.",
            df=alla,
            kr=[RUBRIKER[k] for k in ("fast_kostnad", "rorlig_kostnad", "pott_tillbaka", "netto")],
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
    d = sens.rename(
        columns={
            "etikett": "Parameter",
            "lag": "Lågt värde",
            "hog": "Högt värde",
            "kommunkod": "Kommunkod",
            "kommun": "Kommun",
            "varde_bas": "Fast kostnad, bas",
            "varde_lag": "Fast kostnad, lågt",
            "varde_hog": "Fast kostnad, högt",
            "effekt_lag": "Effekt, lågt",
            "effekt_hog": "Effekt, högt",
        }
    ).drop(columns="parameter")
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
    d = mc.rename(
        columns={
            "ar": "År",
            "kommunkod": "Kommunkod",
            "kommun": "Kommun",
            "p10": "P10",
            "p50": "Median",
            "p90": "P90",
            "medel": "Medel",
        }
    )
    return Blad(
        namn="Osäkerhet",
        titel="Osäkerhet i den fasta kostnaden (Monte Carlo)",
        undertitel="Beräknat: alla osäkra parametrar dras samtidigt; P10–P90 rymmer 80 % av dragningarna. "
        "År med avtal är fasta.",
        df=d,
        kr=["P10", "Median", "P90", "Medel"],
    )


def write_scenario_report_workbook(
    s: Scenarioberakning,
    kallor: Kallor,
    path: Path,
    tabellar: int,
    sens: pd.DataFrame | None = None,
    mc: pd.DataFrame | None = None,
) -> None:
    blad = scenario_blad(s.per_kommun, s.per_ar, s.namn)
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
    utb = table_utbildare(s)
    blad.append(
        Blad(
            namn="Utbildare",
            titel="Antagna utbildardagar per år: potten betalas tillbaka efter dessa",
            undertitel=s.bas.rorliga.utbildare.kalla,
            df=utb,
            heltal=["Utbildardagar per år"],
            procent=["Andel av potten"],
        )
    )
    if sens is not None:
        blad.append(_kanslighet_blad(sens, tabellar))
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
    kol = ["scenario", "ar", "slag", "kommunkod", "kommun", "fast_kostnad", "rorlig_kostnad", "pott_tillbaka", "netto"]
    rader = ([namn.get(r[0], r[0]), *r[1:]] for r in per_kommun[kol].itertuples(index=False))
    return excel_csv([RUBRIKER[k] for k in kol], rader, pahittat)


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
        rader.append([f"Netto{vem}", *(format_tal(v) for v in per_ar_kommun["netto"])])
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


def write_scenario_xlsx(
    per_kommun: pd.DataFrame,
    per_ar: pd.DataFrame,
    namn: Mapping[str, str],
    kallor: Kallor,
    path: Path,
    pahittat: bool = False,
) -> None:
    """Arbetsbok: fast kostnad per år (med diagram), ett blad per scenario, alla rader, per år, källor."""
    fran, till = int(per_ar["ar"].min()), int(per_ar["ar"].max())
    write_workbook(
        scenario_blad(per_kommun, per_ar, namn),
        kallor,
        path,
        "Scenarier för kostnaderna för Yrkesresan och BBIC",
        f"{fran}–{till}",
        pahittat,
    )


def _las_scenarier(scenariofil: Path, valda: list[str]) -> dict:
    """Scenarierna i filen; fel om något av de valda inte finns där."""
    alla = read_scenarier(scenariofil)
    if okanda := [s for s in valda if s not in alla]:
        raise AnalysError(
            f"Scenariot '{okanda[0]}' finns inte i {visningsvag(scenariofil)}. Scenarier som finns: {', '.join(alla)}."
        )
    return alla


def lista(antaganden: Path | None = None, scenariofil: Path | None = None) -> str:
    """`analys scenario --lista`: scenarierna med en rad var."""
    scenarier = _scenarier(antaganden, scenariofil)[2]
    bredd = max(len(n) for n in scenarier)
    return "".join(f"{n.ljust(bredd)}  {sc.namn}: {sc.beskrivning}\n" for n, sc in scenarier.items())


def _scenarier(antaganden: Path | None, scenariofil: Path | None):
    bas_path = antaganden or antaganden_dir() / "bas.yaml"
    if not Path(bas_path).is_file():
        raise AnalysError(f"Antagandefilen {bas_path} finns inte.")
    scen_path = scenariofil or Path(bas_path).parent / "scenarier.yaml"
    return bas_path, scen_path, read_scenarier(scen_path)


def kommandoutdata(
    format: str,
    ut: Path | None,
    scenarier: list[str],
    fran: int | None,
    till: int | None,
    antaganden: Path | None = None,
    scenariofil: Path | None = None,
    kommun: str | None = None,
) -> str | None:
    """`analys scenario`: texten i det valda formatet, eller `None` när arbetsboken skrivits till `ut`.
    Med `kommun` (kod eller namn) bara den kommunens rader. Utan `fran` räknas från antagandenas
    basår, utan `till` sex år efter `fran`."""
    bas_path, scen_path, _ = _scenarier(antaganden, scenariofil)
    _las_scenarier(scen_path, scenarier)
    if fran is None:
        fran = load_antaganden(scenarier[0], antaganden, scenariofil).basar
    if till is None:
        till = fran + 6
    for ar in (fran, till):
        if not FORSTA_AR <= ar <= SISTA_AR:
            raise AnalysError(f"Året {ar} ligger utanför modellens år {FORSTA_AR}–{SISTA_AR}.")
    if till < fran:
        raise AnalysError(f"--till ({till}) ligger före --fran ({fran}).")
    s = berakna(list(dict.fromkeys(scenarier)), fran, till, bas_path, scen_path)
    per_kommun, per_ar, namn, pahittat = s.per_kommun, s.per_ar, s.namn, s.pahittat
    if kommun is not None:
        kod = kommunkoder([kommun], per_kommun.drop_duplicates("kommunkod"), "--kommun")[0]
        per_kommun = per_kommun[per_kommun["kommunkod"] == kod].reset_index(drop=True)
    if format == "csv":
        if pahittat:
            varna_pahittat()
        return to_csv(per_kommun)
    if format == "excel-csv":
        return to_excel_csv(per_kommun, namn, pahittat)
    kallor = s.kallor()
    if format == "xlsx":
        write_scenario_xlsx(per_kommun, per_ar, namn, kallor, ut, pahittat)
        return None
    return to_tabell(per_kommun, per_ar, s.beskrivningar, namn, kallor, pahittat)
