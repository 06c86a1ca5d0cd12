"""Diagram (matplotlib) för rapporterna: svenska etiketter, kronor med tusentalsavgränsare,
läsbara i utskrift. matplotlib laddas först när ett diagram ritas."""

from __future__ import annotations

import pandas as pd

from analys.rapporter.format import format_procent, format_tal

FARGER = ["#1f5f8b", "#d9822b", "#3a8f5c", "#b23a48", "#6c5b9e", "#8c6d46", "#4b8fa8", "#999999"]


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


def visa(fig) -> None:
    """Visa ett diagram i notebooken och stäng det (ingen dubbelvisning, inget minnesläckage)."""
    from IPython.display import display

    display(fig)
    _plt().close(fig)


def _kr_axel(ax, axel: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    f = FuncFormatter(lambda x, _: f"{format_tal(x)} kr")
    (ax.yaxis if axel == "y" else ax.xaxis).set_major_formatter(f)


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
    ax.set_xlim(0, d["belopp"].max() * 1.22)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


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
    marginal = (hi - lo) * 0.45 or 1
    ax.set_xlim(lo - (marginal if lo < 0 else 0), hi + marginal)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def fig_scenario_linjer(per_kommun: pd.DataFrame, titel: str = "Kommunernas sammanlagda nettokostnad per år"):
    """En linje per scenario: summan av kommunernas netto per år."""
    plt = _plt()
    tot = per_kommun.groupby(["scenario", "ar"], sort=False)["netto"].sum().reset_index()
    fig, ax = plt.subplots(figsize=(9, 4.6))
    for scenario, g in tot.groupby("scenario", sort=False):
        ax.plot(g["ar"], g["netto"], marker="o", label=scenario, linewidth=2)
    ax.set_title(titel)
    ax.set_xlabel("År")
    ax.set_ylabel("Netto för alla kommuner")
    _kr_axel(ax)
    ax.set_ylim(bottom=0)
    ax.set_xticks(sorted(tot["ar"].unique()))
    ax.legend(title="Scenario", frameon=False)
    fig.tight_layout()
    return fig


def fig_komponenter(per_kommun: pd.DataFrame, per_ar: pd.DataFrame, scenario: str):
    """Staplade kostnadskomponenter per år för ett scenario: kommunernas fasta del, regionens
    fasta del, kursavgifter, och potten som går tillbaka (under nollan)."""
    plt = _plt()
    k = per_kommun[per_kommun["scenario"] == scenario].groupby("ar")[["rorlig_kostnad", "pott_tillbaka"]].sum()
    a = per_ar[per_ar["scenario"] == scenario].set_index("ar")
    ar = list(a.index)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    b1 = a["kommunernas_del"].to_numpy()
    b2 = a["region_del"].to_numpy()
    b3 = k["rorlig_kostnad"].reindex(ar).to_numpy()
    ax.bar(ar, b1, label="Fast kostnad, kommunerna", color=FARGER[0])
    ax.bar(ar, b2, bottom=b1, label="Fast kostnad, regionen", color=FARGER[4])
    ax.bar(ar, b3, bottom=b1 + b2, label="Kursavgifter", color=FARGER[1])
    ax.bar(ar, -k["pott_tillbaka"].reindex(ar).to_numpy(), label="Pott tillbaka till kommunerna", color=FARGER[2])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_title(f"Kostnadskomponenter per år, scenario {scenario}")
    ax.set_xlabel("År")
    _kr_axel(ax)
    ax.set_xticks(ar)
    ax.legend(frameon=False, fontsize=9, loc="upper left")
    fig.tight_layout()
    return fig


def fig_tornado(sens: pd.DataFrame, ar: int, kommun: str | None = None):
    """Tornadodiagram: hur nettot år `ar` ändras när en parameter i taget sätts lågt/högt.
    Summerat över kommunerna, eller för en kommun."""
    plt = _plt()
    d = sens if kommun is None else sens[sens["kommun"] == kommun]
    g = d.groupby(["parameter", "etikett", "lag", "hog"], sort=False)[["effekt_lag", "effekt_hog"]].sum().reset_index()
    g["spann"] = (g["effekt_hog"] - g["effekt_lag"]).abs()
    g = g.sort_values("spann")
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(g) + 1.6))
    y = range(len(g))
    ax.barh(y, g["effekt_lag"], color=FARGER[2], label="Lågt värde")
    ax.barh(y, g["effekt_hog"], color=FARGER[3], label="Högt värde")
    etiketter = [
        f"{e}\n({format_tal(lo, 3 if abs(lo) < 1 else 0)} – {format_tal(hi, 3 if abs(hi) < 1 else 0)})"
        for e, lo, hi in zip(g["etikett"], g["lag"], g["hog"], strict=True)
    ]
    ax.set_yticks(list(y), etiketter, fontsize=8.5)
    ax.axvline(0, color="black", linewidth=0.8)
    vem = "alla kommuner" if kommun is None else kommun
    ax.set_title(f"Känslighet: nettokostnad {ar}, {vem}")
    ax.set_xlabel("Förändring mot basantagandet")
    _kr_axel(ax, "x")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    fig.tight_layout()
    return fig


def fig_mc_band(mc: pd.DataFrame, bas: pd.DataFrame | None = None, kommun: str | None = None):
    """Osäkerhetsband (P10–P90, median) för nettot per år: summerat eller för en kommun."""
    plt = _plt()
    d = mc if kommun is None else mc[mc["kommun"] == kommun]
    # Percentiler summeras inte över kommuner; för länet används kommunernas summa per percentil
    # som en approximation, och det sägs i rubriken.
    g = d.groupby("ar")[["p10", "p50", "p90"]].sum()
    fig, ax = plt.subplots(figsize=(9, 4.4))
    ax.fill_between(g.index, g["p10"], g["p90"], alpha=0.25, color=FARGER[0], label="P10–P90")
    ax.plot(g.index, g["p50"], color=FARGER[0], linewidth=2, label="Median (P50)")
    if bas is not None:
        b = bas if kommun is None else bas[bas["kommun"] == kommun]
        bb = b.groupby("ar")["netto"].sum()
        ax.plot(bb.index, bb.values, color="black", linestyle="--", linewidth=1.2, label="Bas (exakt)")
    vem = "alla kommuner (summa av kommunernas percentiler)" if kommun is None else kommun
    ax.set_title(f"Osäkerhet i nettokostnaden, {vem}")
    ax.set_xlabel("År")
    _kr_axel(ax)
    ax.set_ylim(bottom=0)
    ax.set_xticks(list(g.index))
    ax.legend(frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def fig_kommun_scenarier(per_kommun: pd.DataFrame, kommunkod: str):
    """En kommuns netto per år, en linje per scenario."""
    plt = _plt()
    d = per_kommun[per_kommun["kommunkod"] == kommunkod]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for scenario, g in d.groupby("scenario", sort=False):
        ax.plot(g["ar"], g["netto"], marker="o", label=scenario, linewidth=2)
    ax.set_title(f"{d['kommun'].iloc[0]}: nettokostnad per år")
    ax.set_xlabel("År")
    _kr_axel(ax)
    ax.set_ylim(bottom=0)
    ax.set_xticks(sorted(d["ar"].unique()))
    ax.legend(title="Scenario", frameon=False)
    fig.tight_layout()
    return fig


def fig_andel_och_befolkning(andel: pd.DataFrame, befolkning: pd.DataFrame, kommun: str):
    """Två paneler: kommunens andel av fördelningen per år, och dess folkmängd över tid."""
    plt = _plt()
    from matplotlib.ticker import FuncFormatter

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.8))
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
    return fig


def fig_intakter_kostnader(resultat, utfall: pd.DataFrame):
    """Två staplar: intäkter (fast finansiering, kursavgifter) och kostnader (utfall per post, pott)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4.6))
    botten = 0
    for (namn, v), farg in zip(
        [("Fast finansiering", resultat.fast_finansiering), ("Kursavgifter", resultat.avgifter)],
        FARGER[:2],
        strict=True,
    ):
        ax.bar("Intäkter", v, bottom=botten, color=farg, label=namn)
        botten += v
    botten = 0
    for i, r in enumerate(utfall.itertuples()):
        if r.utfall:
            ax.bar("Kostnader", r.utfall, bottom=botten, color=FARGER[(i + 2) % len(FARGER)], label=r.kostnadspost)
            botten += r.utfall
    ax.bar("Kostnader", resultat.pott_utbetald, bottom=botten, color="#bbbbbb", label="Pott till kommunerna")
    ax.set_title("Intäkter och kostnader")
    _kr_axel(ax)
    ax.legend(frameon=False, fontsize=8.5, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.grid(axis="x", visible=False)
    fig.tight_layout()
    return fig


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
    return fig
