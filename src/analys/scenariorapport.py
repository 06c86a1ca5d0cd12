"""Text och arbetsböcker för scenariorapporten och kommunbladen."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analys.format import format_kr, format_procent, format_tal


def describe_scenarier(per_kommun: pd.DataFrame, per_ar: pd.DataFrame, beskrivningar: dict[str, str]) -> str:
    """Markdown med de viktigaste talen: första och sista året per scenario, spannet."""
    tot = per_kommun.groupby(["scenario", "ar"], sort=False)["netto"].sum()
    fran, till = int(per_kommun["ar"].min()), int(per_kommun["ar"].max())
    rader = []
    for s in dict.fromkeys(per_kommun["scenario"]):
        a, b = int(tot[(s, fran)]), int(tot[(s, till)])
        andring = f" ({'+' if b >= a else ''}{format_procent((b - a) / a, 0)})" if a else ""
        rader.append(
            f"- **{s}** – {beskrivningar.get(s, '')}: {format_kr(a)} {fran} → **{format_kr(b)}** {till}{andring}."
        )
    sista = tot.xs(till, level="ar")
    text = (
        f"Kommunernas sammanlagda nettokostnad (fast kostnad + kursavgifter − pott tillbaka), {fran}–{till}:\n\n"
        + "\n".join(rader)
    )
    if len(sista) > 1:
        text += (
            f"\n\nÅr {till} skiljer det {format_kr(int(sista.max() - sista.min()))} mellan det dyraste "
            f"({sista.idxmax()}) och det billigaste ({sista.idxmin()}) scenariot."
        )
    return text


def table_kommuner_ett_ar(per_kommun: pd.DataFrame, ar: int) -> pd.DataFrame:
    """Kommuner × scenarier: netto ett år (kolumner i scenarioordning)."""
    d = per_kommun[per_kommun["ar"] == ar]
    tab = d.pivot_table(index=["kommunkod", "kommun"], columns="scenario", values="netto", aggfunc="sum", sort=False)
    return tab[list(dict.fromkeys(d["scenario"]))].astype("int64").reset_index()


def describe_kommun(per_kommun: pd.DataFrame, kommunkod: str) -> str:
    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    kommun = d["kommun"].iloc[0]
    fran, till = int(d["ar"].min()), int(d["ar"].max())
    bas = d[d["scenario"] == d["scenario"].iloc[0]].set_index("ar")
    sista = d[d["ar"] == till].set_index("scenario")["netto"]
    return (
        f"**{kommun}** betalar {format_kr(int(bas.loc[fran, 'netto']))} netto {fran} under scenariot "
        f"{d['scenario'].iloc[0]} ({format_kr(int(bas.loc[fran, 'fast_kostnad']))} fast kostnad, "
        f"{format_kr(int(bas.loc[fran, 'rorlig_kostnad']))} kursavgifter för "
        f"{format_tal(int(bas.loc[fran, 'deltagardagar']))} "
        f"deltagardagar, {format_kr(int(bas.loc[fran, 'pott_tillbaka']))} tillbaka ur potten). "
        f"År {till} ligger kostnaden mellan {format_kr(int(sista.min()))} ({sista.idxmin()}) och "
        f"{format_kr(int(sista.max()))} ({sista.idxmax()}) beroende på scenario. "
        f"Kommunens andel av den fasta kostnaden är {format_procent(bas.loc[till, 'andel'])} {till}."
    )


def table_kommun(per_kommun: pd.DataFrame, kommunkod: str) -> pd.DataFrame:
    """År × scenarier: en kommuns netto."""
    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    tab = d.pivot_table(index="ar", columns="scenario", values="netto", aggfunc="sum", sort=False)
    return tab[list(dict.fromkeys(d["scenario"]))].astype("int64").reset_index().rename(columns={"ar": "År"})


def write_scenario_report_workbook(
    per_kommun: pd.DataFrame,
    per_ar: pd.DataFrame,
    beskrivningar: dict[str, str],
    kallor: list[tuple[str, str]],
    path: Path,
    tabellar: int,
    sens: pd.DataFrame | None = None,
    mc: pd.DataFrame | None = None,
) -> None:
    from analys.excel import Blad, write_workbook
    from analys.scenariotext import scenario_blad

    blad = scenario_blad(per_kommun, per_ar, beskrivningar)
    ett = table_kommuner_ett_ar(per_kommun, tabellar)
    scen = [c for c in ett.columns if c not in ("kommunkod", "kommun")]
    blad.insert(
        0,
        Blad(
            namn=f"Kommuner {tabellar}",
            titel=f"Nettokostnad per kommun {tabellar}, alla scenarier",
            df=ett,
            kr=scen,
            summera=scen,
        ),
    )
    if sens is not None:
        blad.append(
            Blad(
                namn="Känslighet",
                titel="En parameter i taget på lågt och högt värde",
                df=sens,
                kr=["netto_bas", "netto_lag", "netto_hog", "effekt_lag", "effekt_hog"],
            )
        )
    if mc is not None:
        blad.append(
            Blad(namn="Monte Carlo", titel="Percentiler av nettokostnaden", df=mc, kr=["p10", "p50", "p90", "medel"])
        )
    write_workbook(blad, kallor, path, "Scenarier för kostnaderna för Yrkesresan och BBIC")


def write_kommunblad_workbook(
    per_kommun: pd.DataFrame, kommunkod: str, kallor: list[tuple[str, str]], path: Path
) -> None:
    from analys.excel import Blad, write_workbook

    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    kommun = d["kommun"].iloc[0]
    tab = table_kommun(per_kommun, kommunkod)
    scen = [c for c in tab.columns if c != "År"]
    detalj = d[
        [
            "scenario",
            "ar",
            "befolkningsdatum",
            "folkmangd",
            "andel",
            "fast_kostnad",
            "deltagardagar",
            "rorlig_kostnad",
            "pott_tillbaka",
            "netto",
        ]
    ]
    blad = [
        Blad(namn="Per år", titel=f"{kommun}: nettokostnad per år och scenario", df=tab, kr=scen, summera=scen),
        Blad(
            namn="Detaljer",
            titel=f"{kommun}: komponenter per scenario och år",
            df=detalj,
            kr=["fast_kostnad", "rorlig_kostnad", "pott_tillbaka", "netto"],
            heltal=["folkmangd", "deltagardagar"],
            procent=["andel"],
        ),
    ]
    write_workbook(blad, kallor, path, f"Kommunblad {kommun}")


def html_kommuner_ett_ar(per_kommun: pd.DataFrame, ar: int) -> str:
    from analys.visning import html_tabell

    t = table_kommuner_ett_ar(per_kommun, ar)
    scen = [c for c in t.columns if c not in ("kommunkod", "kommun")]
    return html_tabell(
        t,
        kr=scen,
        summa={"kommun": "Summa", **{s: int(t[s].sum()) for s in scen}},
        rubriker={"kommunkod": "Kod", "kommun": "Kommun"},
    )


def html_skillnad(per_kommun: pd.DataFrame, ar: int, bas: str) -> str:
    from analys.kostnadsmodell import table_skillnad_mot_bas
    from analys.visning import html_tabell

    d = table_skillnad_mot_bas(per_kommun, bas)
    d = (
        d[d["ar"] == ar]
        .pivot_table(index=["kommunkod", "kommun"], columns="scenario", values="skillnad", aggfunc="sum", sort=False)
        .astype("int64")
        .reset_index()
    )
    scen = [c for c in d.columns if c not in ("kommunkod", "kommun")]
    return html_tabell(
        d,
        kr=scen,
        summa={"kommun": "Summa", **{s: int(d[s].sum()) for s in scen}},
        rubriker={"kommunkod": "Kod", "kommun": "Kommun"},
    )


def html_kommun(per_kommun: pd.DataFrame, kommunkod: str) -> str:
    from analys.visning import html_tabell

    t = table_kommun(per_kommun, kommunkod)
    scen = [c for c in t.columns if c != "År"]
    return html_tabell(t, kr=scen, summa={"År": "Summa", **{s: int(t[s].sum()) for s in scen}})


def kallor(
    per_ar: pd.DataFrame,
    beskrivningar: dict[str, str],
    antagandefil: str,
    scenariofil: str,
    parametrar: dict | None = None,
) -> list[tuple[str, str]]:
    """Källrutan och Excelbladet "Källor och antaganden" för scenariorapporter."""
    from analys.io import describe_fil
    from analys.visning import proveniens

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


def kommun_namn(per_kommun: pd.DataFrame, kommunkod: str) -> str:
    """Kommunens namn; okänd kommunkod ger ett fel som listar länets kommuner."""
    from analys.fel import AnalysError

    traff = per_kommun.loc[per_kommun["kommunkod"] == kommunkod, "kommun"]
    if traff.empty:
        k = per_kommun.drop_duplicates("kommunkod")
        giltiga = ", ".join(f"{a} {b}" for a, b in zip(k["kommunkod"], k["kommun"], strict=True))
        raise AnalysError(f"Kommunkoden '{kommunkod}' finns inte i länet. Giltiga: {giltiga}.")
    return str(traff.iloc[0])


def andel_och_befolkning(per_kommun: pd.DataFrame, kommunkod: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kommunens andel per år (första scenariot) och folkmängd 31 december över tid (SCB)."""
    from analys.befolkning import load_befolkning_alla

    d = per_kommun[(per_kommun["kommunkod"] == kommunkod) & (per_kommun["scenario"] == per_kommun["scenario"].iloc[0])]
    alla = load_befolkning_alla()
    b = alla[(alla["kommunkod"] == kommunkod) & (alla["datum"].dt.month == 12) & (alla["datum"].dt.day == 31)]
    b = b[b["datum"].dt.year >= 2000]
    return d[["ar", "andel"]], pd.DataFrame({"ar": b["datum"].dt.year, "folkmangd": b["folkmangd"]})
