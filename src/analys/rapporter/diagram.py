"""Diagram (matplotlib) för rapporterna: svenska etiketter, kronor med tusentalsavgränsare, år med
avtal märkta, och en svensk alt-text till varje diagram som säger vad det visar.

Varje `fig_…` returnerar (figur, alt-text); `visa` lägger diagrammet i notebooken som en bild med
alt-texten, och med en smalare version för mobilen när diagrammet får plats i den. matplotlib
laddas först när ett diagram ritas.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.rubriker import POSTNAMN
from analys.rapporter.tabeller import FARGER, FORSLAG, PAHITTAT, RADBRYTS, figur
from analys.rapporter.text import genitiv, parameterintervall


def _plt():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": matplotlib.cycler(color=FARGER),
        }
    )
    return plt


def visa(fig_alt, bildtext: str = "", pahittat: bool = False, forslag: bool = False) -> None:
    """Visa ett diagram i notebooken som en bild med alt-text, och stäng figuren. Bygger det på
    påhittade data, eller på ett förslag till avtal som inte fastställts, står det i själva bilden
    (och alt-texten), så att en kopierad bild aldrig ser verklig eller beslutad ut."""
    from IPython.display import HTML, display

    fig, alt = fig_alt
    markningar = [m for m, ja in ((FORSLAG, forslag), (PAHITTAT, pahittat)) if ja]
    if markningar:
        text = " · ".join(markningar)
        fig.text(0.5, 1.0, text, ha="center", va="bottom", color="#b00020", fontsize=11, fontweight="bold")
        alt = "".join(f"{m}. " for m in reversed(markningar)) + alt
    display(HTML(figur(fig, alt, bildtext)))
    _plt().close(fig)


def _kr_axel(ax, axel: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    f = FuncFormatter(lambda x, _: f"{format_tal(x)} kr")
    (ax.yaxis if axel == "y" else ax.xaxis).set_major_formatter(f)


def _mkr(belopp: float) -> str:
    """'1,03 miljoner kr' (eller kronor under en miljon)."""
    return f"{format_tal(belopp / 1_000_000, 2)} miljoner kr" if abs(belopp) >= 1_000_000 else format_kr(int(belopp))


def fig_fordelning(df: pd.DataFrame, titel: str):
    """Liggande staplar: belopp per kommun, störst överst, med beloppet utskrivet."""
    plt = _plt()
    d = df.sort_values("belopp")
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(d) + 1.4))
    staplar = ax.barh(d["kommun"], d["belopp"], color=FARGER[0])
    for s, v in zip(staplar, d["belopp"], strict=True):
        ax.text(s.get_width(), s.get_y() + s.get_height() / 2, f" {format_tal(v)} kr", va="center", fontsize=9)
    ax.set_title(titel)
    ax.set_xlabel("Belopp")
    _kr_axel(ax, "x")
    ax.set_xlim(0, d["belopp"].max() * 1.25)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    storst, minst = d.iloc[-1], d.iloc[0]
    alt = (
        f"Stapeldiagram: belopp per kommun för {len(d)} kommuner, sammanlagt {format_kr(int(d['belopp'].sum()))}. "
        f"Störst {storst['kommun']} {format_kr(int(storst['belopp']))}, minst {minst['kommun']} "
        f"{format_kr(int(minst['belopp']))}."
    )
    return fig, alt


def fig_forandring(df: pd.DataFrame, titel: str):
    """Förändring i kr per kommun mot föregående år (positiv = betalar mer)."""
    plt = _plt()
    d = df.sort_values("forandring_kr")
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(d) + 1.4))
    farg = [FARGER[3] if v > 0 else FARGER[2] for v in d["forandring_kr"]]
    ax.barh(d["kommun"], d["forandring_kr"], color=farg)
    for y, (v, p) in enumerate(zip(d["forandring_kr"], d["forandring_procent"], strict=True)):
        text = f" {'+' if v > 0 else ''}{format_tal(v)} kr" + ("" if pd.isna(p) else f" ({format_procent(p, 1)})")
        ax.text(v, y, text, va="center", ha="left" if v >= 0 else "right", fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title(titel)
    ax.set_xlabel("Förändring mot föregående år")
    _kr_axel(ax, "x")
    lo, hi = min(0, d["forandring_kr"].min()), max(0, d["forandring_kr"].max())
    marginal = (hi - lo) * 0.5 or 1
    ax.set_xlim(lo - (marginal if lo < 0 else 0), hi + marginal)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    okar = int((d["forandring_kr"] > 0).sum())
    alt = (
        f"Stapeldiagram: förändring per kommun mot föregående år. {okar} av {len(d)} kommuner betalar mer; "
        f"sammanlagt {'+' if d['forandring_kr'].sum() >= 0 else ''}{format_kr(int(d['forandring_kr'].sum()))}."
    )
    return fig, alt


def _markera_avtal(ax, ar: list[int], slag: Mapping[int, str]) -> None:
    avtal = [a for a in ar if slag.get(a) == "enligt avtal"]
    for a in avtal:
        ax.axvspan(a - 0.35, a + 0.35, color="#1f5f8b", alpha=0.08, linewidth=0)
    if avtal:
        ax.text(
            0.0,
            -0.16,
            f"Skuggat: år med avtal ({', '.join(map(str, avtal))}); övriga år är beräknade.",
            transform=ax.transAxes,
            fontsize=8.5,
            color="#333",
            gid=RADBRYTS,  # två rader i mobilversionen (tabeller._smal_png)
        )


def fig_scenario_linjer(per_ar: pd.DataFrame, namn: Mapping[str, str]):
    """En linje per scenario: kommunernas fasta kostnad per år; år med avtal skuggade."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ar = sorted(per_ar["ar"].unique())
    slag = dict(zip(per_ar["ar"], per_ar["slag"], strict=False))
    for i, (scenario, g) in enumerate(per_ar.groupby("scenario", sort=False)):
        ax.plot(g["ar"], g["kommunernas_del"], marker="o", label=namn.get(scenario, scenario), linewidth=2,
                color=FARGER[i % len(FARGER)])  # fmt: skip
    _markera_avtal(ax, ar, slag)
    ax.set_title("Kommunernas fasta kostnad per år")
    ax.set_xlabel("År")
    _kr_axel(ax)
    ax.set_ylim(bottom=0)
    ax.set_xticks(ar)
    ax.legend(title="Scenario", frameon=False, loc="lower right")
    fig.tight_layout()
    fran, till = ar[0], ar[-1]
    delar = []
    for scenario, g in per_ar.groupby("scenario", sort=False):
        g = g.set_index("ar")
        delar.append(
            f"{namn.get(scenario, scenario)} från {_mkr(g.loc[fran, 'kommunernas_del'])} till "
            f"{_mkr(g.loc[till, 'kommunernas_del'])}"
        )
    alt = (
        f"Linjediagram: kommunernas fasta kostnad per år {fran}–{till} i {per_ar['scenario'].nunique()} scenarier; "
        + "; ".join(delar)
        + "."
    )
    return fig, alt


def fig_komponenter(per_kommun: pd.DataFrame, per_ar: pd.DataFrame, scenario: str, namn: str):
    """Per år för ett scenario: kommunernas och regionens fasta kostnad, kursavgifterna och potten
    som går tillbaka (under nollan). Avgifter och pott är alltid beräknade."""
    plt = _plt()
    k = per_kommun[per_kommun["scenario"] == scenario].groupby("ar")[["rorlig_kostnad", "pott_tillbaka"]].sum()
    a = per_ar[per_ar["scenario"] == scenario].set_index("ar")
    ar = list(a.index)
    fig, ax = plt.subplots(figsize=(9, 5.0))
    b1 = a["kommunernas_del"].to_numpy()
    b2 = a["region_del"].to_numpy()
    b3 = k["rorlig_kostnad"].reindex(ar).to_numpy()
    ax.bar(ar, b1, label="Fast kostnad, kommunerna", color=FARGER[0])
    ax.bar(ar, b2, bottom=b1, label="Fast kostnad, regionen", color=FARGER[4])
    ax.bar(ar, b3, bottom=b1 + b2, label="Kursavgifter (beräknade)", color=FARGER[1], hatch="//", edgecolor="white")
    ax.bar(ar, -k["pott_tillbaka"].reindex(ar).to_numpy(), label="Pott tillbaka till kommuner med utbildare",
           color=FARGER[2], hatch="..", edgecolor="white")  # fmt: skip
    ax.axhline(0, color="black", linewidth=0.8)
    _markera_avtal(ax, ar, dict(zip(ar, a["slag"], strict=True)))
    ax.set_title(f"Kostnaderna per år, scenario {namn}")
    ax.set_xlabel("År")
    _kr_axel(ax)
    ax.set_xticks(ar)
    ax.legend(frameon=False, fontsize=8.5, loc="upper left")
    # Luft ovanför staplarna åt förklaringen, så att den inte täcker dem (inte heller på mobilen).
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + (hi - lo) * 0.3)
    fig.tight_layout()
    alt = (
        f"Stapeldiagram för scenariot {namn}, {ar[0]}–{ar[-1]}: kommunernas fasta kostnad "
        f"{_mkr(b1[0])} → {_mkr(b1[-1])}, regionens del, beräknade kursavgifter {_mkr(b3[-1])} år {ar[-1]} "
        f"och potten som går tillbaka till kommuner med utbildare."
    )
    return fig, alt


def fig_tornado(sens: pd.DataFrame, ar: int, kommun: str | None = None):
    """Tornadodiagram: hur kommunernas fasta kostnad år `ar` ändras när en parameter i taget sätts
    lågt/högt. Summerat över kommunerna, eller för en kommun."""
    plt = _plt()
    d = sens if kommun is None else sens[sens["kommun"] == kommun]
    g = d.groupby(["parameter", "etikett", "lag", "hog"], sort=False)[["effekt_lag", "effekt_hog"]].sum().reset_index()
    g["spann"] = (g["effekt_hog"] - g["effekt_lag"]).abs()
    g = g.sort_values("spann")
    fig, ax = plt.subplots(figsize=(9.5, 0.62 * len(g) + 1.8))
    y = list(range(len(g)))
    ax.barh(y, g["effekt_lag"], color=FARGER[2], label="Lågt värde")
    ax.barh(y, g["effekt_hog"], color=FARGER[3], label="Högt värde")
    etiketter = [
        f"{e} ({parameterintervall(p, lo, hi)})"
        for p, e, lo, hi in zip(g["parameter"], g["etikett"], g["lag"], g["hog"], strict=True)
    ]
    ax.set_yticks(y, etiketter, fontsize=9)
    ax.axvline(0, color="black", linewidth=0.8)
    vem = "alla kommuner" if kommun is None else kommun
    ax.set_title(f"Känslighet: fast kostnad {ar}, {vem}")
    ax.set_xlabel("Förändring mot basantagandet")
    _kr_axel(ax, "x")
    ax.tick_params(axis="x", labelrotation=20)
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    fig.tight_layout()
    storst = g.iloc[-1]
    alt = (
        f"Tornadodiagram: hur kommunernas fasta kostnad {ar} ändras när en osäker parameter i taget sätts lågt "
        f"eller högt. Störst betydelse har {storst['etikett'].lower()}: från "
        f"{'+' if storst['effekt_lag'] >= 0 else ''}{format_kr(int(storst['effekt_lag']))} till "
        f"{'+' if storst['effekt_hog'] >= 0 else ''}{format_kr(int(storst['effekt_hog']))}."
    )
    return fig, alt


def fig_mc_band(mc: pd.DataFrame, per_ar: pd.DataFrame, scenario: str, namn: str):
    """Osäkerhetsband (P10–P90, median) för kommunernas fasta kostnad per år; år med avtal har
    inget band (de är fasta)."""
    plt = _plt()
    g = mc.groupby("ar")[["p10", "p50", "p90"]].sum()
    fig, ax = plt.subplots(figsize=(9, 4.6))
    ax.fill_between(g.index, g["p10"], g["p90"], alpha=0.25, color=FARGER[0], label="P10–P90")
    ax.plot(g.index, g["p50"], color=FARGER[0], linewidth=2, label="Median (P50)")
    a = per_ar[per_ar["scenario"] == scenario].set_index("ar")
    ax.plot(a.index, a["kommunernas_del"], color="black", linestyle="--", linewidth=1.2, label=f"{namn} (exakt)")
    _markera_avtal(ax, list(g.index), dict(zip(a.index, a["slag"], strict=True)))
    ax.set_title("Osäkerhet i kommunernas fasta kostnad")
    ax.set_xlabel("År")
    _kr_axel(ax)
    ax.set_ylim(bottom=0)
    ax.set_xticks(list(g.index))
    ax.legend(frameon=False, loc="lower right")
    fig.tight_layout()
    sista = g.index[-1]
    alt = (
        f"Osäkerhetsband för kommunernas fasta kostnad per år: år {sista} ligger den med 80 % sannolikhet "
        f"mellan {_mkr(g.loc[sista, 'p10'])} och {_mkr(g.loc[sista, 'p90'])} (median {_mkr(g.loc[sista, 'p50'])}); "
        "år med avtal är fasta."
    )
    return fig, alt


def fig_kommun_scenarier(per_kommun: pd.DataFrame, kommunkod: str, namn: Mapping[str, str]):
    """En kommuns fasta kostnad per år, en linje per scenario; år med avtal skuggade."""
    plt = _plt()
    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    fig, ax = plt.subplots(figsize=(9, 4.4))
    for i, (scenario, g) in enumerate(d.groupby("scenario", sort=False)):
        ax.plot(g["ar"], g["fast_kostnad"], marker="o", label=namn.get(scenario, scenario), linewidth=2,
                color=FARGER[i % len(FARGER)])  # fmt: skip
    ar = sorted(d["ar"].unique())
    _markera_avtal(ax, ar, dict(zip(d["ar"], d["slag"], strict=False)))
    kommun = d["kommun"].iloc[0]
    ax.set_title(f"{kommun}: fast kostnad per år")
    ax.set_xlabel("År")
    _kr_axel(ax)
    ax.set_ylim(bottom=0)
    ax.set_xticks(ar)
    ax.legend(title="Scenario", frameon=False, loc="lower right")
    fig.tight_layout()
    sista = d[d["ar"] == ar[-1]]
    alt = (
        f"Linjediagram: {genitiv(kommun)} fasta kostnad per år {ar[0]}–{ar[-1]} i {d['scenario'].nunique()} scenarier; "
        f"år {ar[-1]} mellan {format_kr(int(sista['fast_kostnad'].min()))} och "
        f"{format_kr(int(sista['fast_kostnad'].max()))}."
    )
    return fig, alt


def fig_andel_och_befolkning(andel: pd.DataFrame, befolkning: pd.DataFrame, kommun: str):
    """Två paneler: kommunens andel av fördelningen per år, och dess folkmängd över tid."""
    plt = _plt()
    from matplotlib.ticker import FuncFormatter

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.9))
    a1.plot(andel["ar"], andel["andel"], marker="o", color=FARGER[0], linewidth=2)
    a1.yaxis.set_major_formatter(FuncFormatter(lambda x, _: format_procent(x, 2)))
    # Minst en procentenhet på axeln, så att små förändringar inte ser stora ut.
    mitt = (andel["andel"].max() + andel["andel"].min()) / 2
    halv = max(0.005, (andel["andel"].max() - andel["andel"].min()) * 0.6)
    a1.set_ylim(max(0, mitt - halv), mitt + halv)
    a1.set_title("Andel av kommunernas kostnad")
    a1.set_xlabel("År")
    a1.set_xticks(list(andel["ar"]))
    a1.tick_params(axis="x", labelrotation=45)
    a2.plot(befolkning["ar"], befolkning["folkmangd"], color=FARGER[1], linewidth=2)
    a2.yaxis.set_major_formatter(FuncFormatter(lambda x, _: format_tal(x)))
    a2.set_title("Folkmängd 31 december (SCB)")
    a2.set_xlabel("År")
    fig.suptitle(kommun, fontweight="bold")
    fig.tight_layout()
    alt = (
        f"Två linjediagram för {kommun}: andelen av kommunernas kostnad, från "
        f"{format_procent(andel['andel'].iloc[0])} till {format_procent(andel['andel'].iloc[-1])}, och folkmängden "
        f"31 december, från {format_tal(int(befolkning['folkmangd'].iloc[0]))} ({int(befolkning['ar'].iloc[0])}) till "
        f"{format_tal(int(befolkning['folkmangd'].iloc[-1]))} ({int(befolkning['ar'].iloc[-1])})."
    )
    return fig, alt


def fig_intakter_kostnader(resultat, utfall: pd.DataFrame):
    """Två staplar: intäkter (fast finansiering enligt avtal, kursavgifter) och kostnader (utfall
    per post, pott)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4.8))
    botten = 0
    for (etikett, v), farg in zip(
        [
            ("Fast finansiering (enligt avtal)", resultat.fast_finansiering),
            ("Kursavgifter (utfall)", resultat.avgifter),
        ],
        FARGER[:2],
        strict=True,
    ):
        ax.bar("Intäkter (avtal + utfall)", v, bottom=botten, color=farg, label=etikett)
        botten += v
    botten = 0
    for i, r in enumerate(utfall.itertuples()):
        if r.utfall:
            ax.bar("Kostnader (utfall)", r.utfall, bottom=botten, color=FARGER[(i + 2) % len(FARGER)],
                   label=f"{POSTNAMN.get(r.kostnadspost, r.kostnadspost)} (utfall)")  # fmt: skip
            botten += r.utfall
    ax.bar("Kostnader (utfall)", resultat.pott_utbetald, bottom=botten, color="#999999", label="Pott till kommunerna")
    ax.set_title("Intäkter och kostnader")
    _kr_axel(ax)
    ax.legend(frameon=False, fontsize=8.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    alt = (
        f"Stapeldiagram: intäkter (avtal + utfall) {format_kr(resultat.intakter)}, det vill säga fast finansiering "
        f"enligt avtal och kursavgifter (utfall), mot kostnader (utfall) {format_kr(resultat.kostnader)} per "
        f"kostnadspost och potten; resultat (avtal + utfall) "
        f"{'+' if resultat.resultat >= 0 else ''}{format_kr(resultat.resultat)}."
    )
    return fig, alt


def fig_pott(rorligt: pd.DataFrame):
    """Per kommun: kursavgifter betalda och pott tillbaka."""
    plt = _plt()
    import numpy as np

    d = rorligt.sort_values("avgifter")
    y = np.arange(len(d))
    fig, ax = plt.subplots(figsize=(9, 0.34 * len(d) + 1.6))
    ax.barh(y + 0.2, d["avgifter"], height=0.4, color=FARGER[1], label="Kursavgifter")
    ax.barh(y - 0.2, d["pott_tillbaka"], height=0.4, color=FARGER[2], label="Pott tillbaka (utbildare)")
    ax.set_yticks(y, d["kommun"])
    ax.set_title("Kursavgifter och utbildarpott per kommun")
    _kr_axel(ax, "x")
    ax.legend(frameon=False, loc="lower right")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    utbildare = d[d["pott_tillbaka"] > 0]
    alt = (
        f"Stapeldiagram per kommun: kursavgifter (sammanlagt {format_kr(int(d['avgifter'].sum()))}) och pott tillbaka "
        f"(sammanlagt {format_kr(int(d['pott_tillbaka'].sum()))}) till {len(utbildare)} kommuner med utbildare."
    )
    return fig, alt
