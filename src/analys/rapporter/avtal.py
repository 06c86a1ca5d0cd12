"""Avtalen som text, tabeller, CSV och arbetsbok: förslaget, listan, jämförelsen förra → nya
avtalet och historiken. Talen kommer ur `analys.flode.avtal`; här presenteras de."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal
from analys.berakning.avtal import JAMFOR_KOLUMNER
from analys.flode.avtal import Avtalsjamforelse, Avtalsrad, Faststallelse, Forslag
from analys.rapporter.excel import Blad, write_workbook
from analys.rapporter.format import format_datum, format_kr, format_procent, format_tal
from analys.rapporter.kallor import describe_fil, proveniens
from analys.rapporter.rubriker import NYCKELNAMN, med_slag, rubrik
from analys.rapporter.tabeller import excel_csv, html_tabell, textmarkning, texttabell

KORT_SLAG = {"enligt avtal": "avtal", "förslag": "förslag", "beräknat": "beräknat", "utfall": "utfall"}


def kostnadsposter(a: Avtal, belopp: str) -> pd.DataFrame:
    """Avtalets kostnadsposter som arbetsbokens tabell: kostnadspost, tjänst och belopp (kolumnen
    `belopp`, med avtalets slag i rubriken)."""
    return pd.DataFrame(
        {
            "Kostnadspost": [k.roll for k in a.kostnader],
            "Tjänst": [float(k.tjanst) for k in a.kostnader],
            belopp: [k.belopp for k in a.kostnader],
        }
    )


def _slagtext(a: Avtal) -> str:
    """Avtalets status i ord; ett påhittat exempel (eller ett med platshållare kvar) säger det,
    så att det aldrig står som ett fastställt avtal bland de verkliga."""
    status = "förslag, ej fastställt" if a.forslag else "fastställt"
    return f"{status}, påhittat exempel" if a.exempel else status


def to_forslag_text(f: Forslag) -> str:
    """Vad `analys avtal forslag` skrev: filen, posterna, summan och varje kommuns del (förslag)."""
    a = f.avtal
    ut = [*textmarkning(a.exempel)]
    ut.append(f"{'Ersatte' if f.ersatter else 'Skrev'} {f.vag}: förslag till avtal {a.ar} ({a.namn}).")
    ut.append("")
    rader = [["Kostnadspost", "Tjänst", med_slag("Belopp", "förslag")]]
    rader += [[k.roll, format_tal(k.tjanst, 2), format_kr(k.belopp)] for k in a.kostnader]
    rader.append(["Summa", format_tal(a.tjanster, 2), format_kr(a.total_kostnad)])
    ut += texttabell(rader, 1, summarad=True)
    ut += [
        "",
        f"Kommunernas andel: {format_tal(a.kommunernas_andel)} % = {format_kr(a.belopp_kommuner)} (förslag).",
        f"Befolkning per {format_datum(a.befolkningsdatum)}: {a.befolkningsdatum_val}.",
        f"Period {format_datum(a.period.fran)}–{format_datum(a.period.till)}; nyckel, betalningsvillkor och villkor "
        f"ur avtalet {f.forra.ar}.",
        "",
    ]
    rader = [["Kod", "Kommun", med_slag("Belopp", "förslag")]]
    rader += [[r.kommunkod, r.kommun, format_kr(int(r.belopp))] for r in f.fordelning.itertuples(index=False)]
    rader.append(["", "Summa", format_kr(int(f.fordelning["belopp"].sum()))])
    ut += texttabell(rader, 2, summarad=True)
    ut += [
        "",
        f"Jämför med förra avtalet: analys avtal jamfor {a.ar}. "
        f"Fastställ när beslutet är fattat: analys avtal faststall {a.ar} --beslutsdatum ÅÅÅÅ-MM-DD.",
    ]
    return "\n".join(ut) + "\n"


def to_faststall_text(f: Faststallelse) -> str:
    a = f.avtal
    return (
        f"Fastställde {f.vag}: {a.namn}, {format_kr(a.belopp_kommuner)} för kommunerna "
        f"(enligt avtal), beslutat av {a.beslutat_av} {format_datum(a.beslutsdatum) if a.beslutsdatum else ''}. "
        f"Förslaget finns kvar som {f.backup.name}.\n" + (f"{f.varning}\n" if f.varning else "")
    )


def to_lista(rader: tuple[Avtalsrad, ...]) -> str:
    """`analys avtal lista`: år, status, kommunernas del, befolkningsdatum, beslut och fil."""
    if not rader:
        return "Inga avtal i data/avtal/ för analys-mappens län.\n"
    t = [["År", "Status", "Kommunernas del", "Befolkning per", "Beslut", "Fil"]]
    for r in rader:
        a = r.avtal
        if a.beslutsdatum:
            beslut = f"{a.beslutat_av or 'beslutat'} {a.beslutsdatum.isoformat()}"
        elif a.forslag:
            beslut = "– (inte beslutat)"
        else:  # ett fastställt avtal som inte säger när (och av vem) det beslutades
            beslut = f"{a.beslutat_av}, datum ej angivet" if a.beslutat_av else "ej angivet i avtalet"
        t.append(
            [
                str(a.ar),
                _slagtext(a),
                f"{format_kr(a.belopp_kommuner)} ({a.slag})",
                a.befolkningsdatum.isoformat(),
                beslut,
                r.fil.vag,
            ]
        )
    return "\n".join([*textmarkning(any(r.avtal.exempel for r in rader)), *texttabell(t, 1)]) + "\n"


# --- jämförelsen ---------------------------------------------------------------------------------


def _rubriker(j: Avtalsjamforelse) -> dict[str, str]:
    fs, es = j.fore.slag, j.slag_efter
    blandning = f"{KORT_SLAG[fs]} → {KORT_SLAG[es]}" if fs != es else fs
    return {
        "fore": med_slag(f"{j.fore.ar}", fs),
        "efter": med_slag(f"{j.efter.ar}", es),
        "forandring": med_slag(rubrik("forandring"), blandning),
        "forandring_andel": rubrik("forandring_andel"),
        "beloppseffekt": med_slag(rubrik("beloppseffekt"), blandning),
        "befolkningseffekt": med_slag(rubrik("befolkningseffekt"), blandning),
    }


def _andel(forandring: int, fore: int) -> float | None:
    return forandring / fore if fore else None


def jamfor_rubrik(j: Avtalsjamforelse) -> str:
    t = f"{j.efter.namn} ({_slagtext(j.efter)}) mot {j.fore.namn} ({_slagtext(j.fore)})"
    if j.undantagna:
        t += f"; om {', '.join(j.undantagna)} inte skriver under"
    return t


def jamfor_forklaring(j: Avtalsjamforelse) -> str:
    return (
        "Beloppseffekt = totalens förändring fördelad som förra avtalet; befolkningseffekt = resten, det "
        "som beror på att andelarna ändrats (ny befolkning, nyckel eller kommuner som inte deltar). "
        "Hela kronor, största-restmetoden: förändring = efter − före = beloppseffekt + befolkningseffekt "
        "för varje kommun och för summan."
    )


def to_jamfor_csv(j: Avtalsjamforelse) -> str:
    """Maskinläsbar CSV: exakt rubriken kommunkod,kommun,fore,efter,forandring,beloppseffekt,befolkningseffekt."""
    rader = [",".join(JAMFOR_KOLUMNER)]
    for r in j.df.itertuples(index=False):
        kommun = f'"{r.kommun}"' if "," in r.kommun or '"' in r.kommun else r.kommun
        rader.append(
            f"{r.kommunkod},{kommun},{r.fore},{r.efter},{r.forandring},{r.beloppseffekt},{r.befolkningseffekt}"
        )
    return "\n".join(rader) + "\n"


def _summa(df: pd.DataFrame) -> dict[str, int]:
    return {k: int(df[k].sum()) for k in JAMFOR_KOLUMNER[2:]}


def to_jamfor_excel_csv(j: Avtalsjamforelse) -> str:
    rb = _rubriker(j)
    huvud = ["Kommunkod", "Kommun", *(rb[k] + " (kr)" for k in JAMFOR_KOLUMNER[2:5]), "Förändring (%)"]
    huvud += [rb[k] + " (kr)" for k in JAMFOR_KOLUMNER[5:]]

    def procent(a: float | None) -> str:
        return "" if a is None else f"{a * 100:.2f}".replace(".", ",")

    rader = [
        [r.kommunkod, r.kommun, r.fore, r.efter, r.forandring, procent(_andel(r.forandring, r.fore)),
         r.beloppseffekt, r.befolkningseffekt]
        for r in j.df.itertuples(index=False)
    ]  # fmt: skip
    s = _summa(j.df)
    rader.append(["", "Summa", s["fore"], s["efter"], s["forandring"], procent(_andel(s["forandring"], s["fore"])),
                  s["beloppseffekt"], s["befolkningseffekt"]])  # fmt: skip
    return excel_csv(huvud, rader, j.pahittat)


def to_jamfor_tabell(j: Avtalsjamforelse) -> str:
    rb = _rubriker(j)
    huvud = [
        "Kod",
        "Kommun",
        rb["fore"],
        rb["efter"],
        rb["forandring"],
        "%",
        rb["beloppseffekt"],
        rb["befolkningseffekt"],
    ]

    def procent(a: float | None) -> str:
        return "–" if a is None else format_procent(a, 1)

    kropp = [
        [r.kommunkod, r.kommun, format_kr(r.fore), format_kr(r.efter), format_kr(r.forandring),
         procent(_andel(r.forandring, r.fore)), format_kr(r.beloppseffekt), format_kr(r.befolkningseffekt)]
        for r in j.df.itertuples(index=False)
    ]  # fmt: skip
    s = _summa(j.df)
    kropp.append(["", "Summa", format_kr(s["fore"]), format_kr(s["efter"]), format_kr(s["forandring"]),
                  procent(_andel(s["forandring"], s["fore"])), format_kr(s["beloppseffekt"]),
                  format_kr(s["befolkningseffekt"])])  # fmt: skip
    ut = [*textmarkning(j.pahittat), jamfor_rubrik(j), "", *texttabell([huvud, *kropp], 2, summarad=True), ""]
    ut.append(jamfor_forklaring(j))
    ut.append("Filer: " + "; ".join(describe_fil(f) for f in j.filer))
    return "\n".join(ut) + "\n"


def write_jamfor_xlsx(j: Avtalsjamforelse, path: Path) -> None:
    rb = _rubriker(j)
    d = j.df.copy()
    d.insert(5, "forandring_andel", [_andel(int(a), int(b)) for a, b in zip(d["forandring"], d["fore"], strict=True)])
    d = d.rename(columns={"kommunkod": "Kommunkod", "kommun": "Kommun", **rb})
    kr = [rb[k] for k in JAMFOR_KOLUMNER[2:]]
    blad = Blad(
        namn="Jämförelse",
        titel=jamfor_rubrik(j),
        undertitel=jamfor_forklaring(j),
        df=d,
        kr=kr,
        procent=[rb["forandring_andel"]],
        summera=kr,
        bredder={"Kommun": 18, **dict.fromkeys(kr, 22)},
    )
    kallor = proveniens(
        [
            (f"{j.fore.ar}", f"{j.fore.namn} ({_slagtext(j.fore)}), befolkning per {j.fore.befolkningsdatum}"),
            (f"{j.efter.ar}", f"{j.efter.namn} ({_slagtext(j.efter)}), befolkning per {j.efter.befolkningsdatum}"),
            *([("Deltar inte", ", ".join(j.undantagna))] if j.undantagna else []),
            ("Förändringens delar", jamfor_forklaring(j)),
        ],
        filer=j.filer,
    )
    write_workbook([blad], kallor, path, jamfor_rubrik(j), pahittat=j.pahittat)


# --- historiken ----------------------------------------------------------------------------------


def to_historik_csv(df: pd.DataFrame) -> str:
    """Maskinläsbar CSV, en rad per avtal och kommun: ar,slag,kommunkod,kommun,belopp,befolkningsdatum,nyckel."""
    kol = ["ar", "slag", "kommunkod", "kommun", "belopp", "befolkningsdatum", "nyckel"]
    rader = [",".join(kol)]
    for r in df.itertuples(index=False):
        kommun = f'"{r.kommun}"' if "," in r.kommun else r.kommun
        rader.append(f"{r.ar},{r.slag},{r.kommunkod},{kommun},{r.belopp},{r.befolkningsdatum},{r.nyckel}")
    return "\n".join(rader) + "\n"


def to_historik_excel_csv(df: pd.DataFrame, pahittat: bool = False) -> str:
    huvud = ["År", "Underlag", "Kommunkod", "Kommun", "Belopp (kr)", "Folkmängd per", "Fördelningsnyckel"]
    rader = [
        [r.ar, r.slag, r.kommunkod, r.kommun, r.belopp, r.befolkningsdatum, r.nyckel]
        for r in df.itertuples(index=False)
    ]
    return excel_csv(huvud, rader, pahittat)


def to_historik_tabell(df: pd.DataFrame, pahittat: bool = False) -> str:
    """Kommuner × avtalsår, varje år med sitt slag, referensdatum och nyckel under tabellen. Ingen
    summa över åren (de är olika avtal och kan vara av olika slag); summan per år står sist."""
    ar = list(dict.fromkeys(df["ar"]))
    per_ar = df.drop_duplicates("ar").set_index("ar")
    huvud = ["Kod", "Kommun", *(f"{a} ({per_ar.loc[a, 'slag']})" for a in ar)]
    bred = df.pivot_table(index=["kommunkod", "kommun"], columns="ar", values="belopp", aggfunc="sum")
    kropp = []
    for (kod, kommun), rad in bred.iterrows():
        kropp.append([kod, kommun, *("–" if pd.isna(rad[a]) else format_kr(int(rad[a])) for a in ar)])
    kropp.append(["", "Summa per år", *(format_kr(int(df.loc[df["ar"] == a, "belopp"].sum())) for a in ar)])
    ut = [*textmarkning(pahittat), "Vad kommunerna betalat enligt varje avtal och förslag i data/avtal/", ""]
    ut += texttabell([huvud, *kropp], 2, summarad=True)
    ut.append("")
    for a in ar:
        r = per_ar.loc[a]
        datum = format_datum(date.fromisoformat(r["befolkningsdatum"]))
        ut.append(f"{a}: {r['avtal']} ({r['slag']}); folkmängd {datum}; fördelat {NYCKELNAMN[r['nyckel']]}.")
    return "\n".join(ut) + "\n"


def _bred(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str], dict[str, str]]:
    """Kommuner × avtalsår med rubriken "2024 (enligt avtal)" per år, och slaget per rubrik."""
    per_ar = df.drop_duplicates("ar").set_index("ar")
    ar = list(per_ar.index)
    namn = {a: med_slag(str(a), per_ar.loc[a, "slag"]) for a in ar}
    bred = df.pivot_table(index=["kommunkod", "kommun"], columns="ar", values="belopp", aggfunc="sum")
    bred = bred.rename(columns=namn).reset_index()
    bred.columns.name = None
    kol = [namn[a] for a in ar]
    return bred, kol, {namn[a]: str(per_ar.loc[a, "slag"]) for a in ar}


def describe_historik(rader: tuple[Avtalsrad, ...]) -> str:
    """Ett stycke (Markdown) per avtal: slag, kommunernas del, befolkningsdatum och nyckel."""
    ut = []
    for r in rader:
        a = r.avtal
        beslut = f", fastställt av {a.beslutat_av} {format_datum(a.beslutsdatum)}" if a.beslutsdatum else ""
        ut.append(
            f"- **{a.ar}**: {a.namn} ({_slagtext(a)}{beslut}): kommunerna {format_kr(a.belopp_kommuner)} "
            f"({a.slag}), fördelat {NYCKELNAMN[a.nyckel.value]}, folkmängd per {format_datum(a.befolkningsdatum)}."
        )
    return "\n".join(ut)


def html_kommun_historik(df: pd.DataFrame, kommunkod: str) -> str:
    """Kommunbladets "Vad kommunen betalat": ett avtal per rad med sitt slag (kolumnen Underlag),
    befolkningsdatum och nyckel. Ingen summa: raderna är olika avtal och kan vara av olika slag."""
    d = df[df["kommunkod"] == kommunkod]
    if d.empty:
        return "<p>Inga avtal i data/avtal/ ännu.</p>"
    d = d[["ar", "slag", "avtal", "befolkningsdatum", "nyckel", "belopp"]].copy()
    d["nyckel"] = d["nyckel"].map(NYCKELNAMN)
    return html_tabell(
        d,
        kr=["belopp"],
        rubriker={k: rubrik(k) for k in d.columns},
        rubrik="Vad kommunen betalat enligt varje avtal och förslag",
        fotnot="Underlag: enligt avtal = beloppet i ett fastställt avtal; förslag = ett förslag, ännu inte fastställt",
    )


def html_historik(df: pd.DataFrame) -> str:
    """Kommuner × avtalsår; varje år står för sig med sitt slag, summan per år (ingen över åren)."""
    bred, kol, slag = _bred(df)
    summa = {"kommun": "Summa", **{k: int(bred[k].sum()) for k in kol}}
    return html_tabell(
        bred,
        kr=kol,
        summa=summa,
        rubriker={"kommunkod": rubrik("kommunkod", kort=True), "kommun": rubrik("kommun")},
        rubrik="Vad kommunerna betalat per avtal",
        slag=slag,
    )


def write_historik_workbook(df: pd.DataFrame, rader: tuple[Avtalsrad, ...], path: Path, kommando: str | None) -> None:
    """Arbetsboken: bladet "Historik" (kommuner × år), "Avtal" (ett avtal per rad) och "Källor"."""
    bred, kol, _ = _bred(df)
    bred = bred.rename(columns={"kommunkod": "Kommunkod", "kommun": "Kommun"})
    lista = pd.DataFrame(
        {
            "År": [r.avtal.ar for r in rader],
            "Underlag": [r.avtal.slag for r in rader],
            "Avtal": [r.avtal.namn for r in rader],
            "Kommunernas del": [r.avtal.belopp_kommuner for r in rader],
            "Folkmängd per": [r.avtal.befolkningsdatum.isoformat() for r in rader],
            "Fördelningsnyckel": [NYCKELNAMN[r.avtal.nyckel.value] for r in rader],
            "Beslut": [
                f"{r.avtal.beslutat_av} {r.avtal.beslutsdatum.isoformat()}" if r.avtal.beslutsdatum else ""
                for r in rader
            ],
        }
    )
    blad = [
        Blad(
            namn="Historik",
            titel="Vad kommunerna betalat enligt varje avtal och förslag",
            undertitel="Varje år för sig, med sitt slag; ingen summa över åren.",
            df=bred,
            kr=kol,
            summera=kol,
            bredder={"Kommun": 18, **dict.fromkeys(kol, 20)},
        ),
        Blad(
            namn="Avtal",
            titel="Avtalen och förslagen i data/avtal/",
            df=lista,
            kr=["Kommunernas del"],
            bredder={"Avtal": 48, "Beslut": 32, "Underlag": 14, "Kommunernas del": 18},
        ),
    ]
    write_workbook(
        blad, historik_kallor(rader, kommando), path, "Historik", pahittat=any(r.avtal.exempel for r in rader)
    )


def historik_kallor(rader: tuple[Avtalsrad, ...], kommando: str | None = None):
    """Källorna till historiken: varje avtal med sin källa och sin fil."""
    return proveniens(
        [(str(r.avtal.ar), f"{r.avtal.namn} ({_slagtext(r.avtal)}); källa: {r.avtal.kalla}") for r in rader],
        filer=[r.fil for r in rader],
        kommando=kommando,
    )


def fig_historik(df: pd.DataFrame):
    """Liggande staplar per kommun, en stapel per avtalsår (märkt med sitt slag)."""
    import numpy as np

    from analys.rapporter.diagram import _kr_axel, _plt
    from analys.rapporter.tabeller import FARGER

    plt = _plt()
    bred, kol, _ = _bred(df)
    bred = bred.sort_values(kol[-1])
    y = np.arange(len(bred))
    hojd = 0.8 / len(kol)
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(bred) + 1.6))
    for i, k in enumerate(kol):
        ax.barh(y + i * hojd, bred[k].fillna(0), height=hojd, color=FARGER[i % len(FARGER)], label=k)
    ax.set_yticks(y + hojd * (len(kol) - 1) / 2, bred["kommun"])
    ax.set_title("Vad kommunerna betalat per avtal")
    ax.set_xlabel("Belopp")
    _kr_axel(ax, "x")
    ax.legend(loc="lower right", fontsize=9)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    summor = ", ".join(f"{k}: {format_kr(int(bred[k].sum()))}" for k in kol)
    alt = f"Stapeldiagram: vad {len(bred)} kommuner betalat enligt varje avtal och förslag. Summa per år: {summor}."
    return fig, alt


# --- jämförelsen i rapporterna -------------------------------------------------------------------


def html_jamfor(j: Avtalsjamforelse) -> str:
    """Per kommun förra → nya avtalet, förändringen och dess två delar, med summarad. Utan
    kommunkod och med rubriker som bryts, så att tabellen ryms på en A4-sida (förklaringen av
    delarna står i texten före, `jamfor_forklaring`)."""
    rb = _rubriker(j)
    d = j.df.drop(columns="kommunkod")
    d.insert(4, "forandring_andel", [_andel(int(a), int(b)) for a, b in zip(d["forandring"], d["fore"], strict=True)])
    s = _summa(j.df)
    summa = {"kommun": "Summa", **s, "forandring_andel": _andel(s["forandring"], s["fore"])}
    tabell = html_tabell(
        d,
        kr=JAMFOR_KOLUMNER[2:],
        procent=["forandring_andel"],
        summa=summa,
        rubriker={"kommun": rubrik("kommun"), **rb},
        rubrik=f"Per kommun: {j.fore.ar} → {j.efter.ar}",
        slag={"fore": j.fore.slag, "efter": j.slag_efter},
    )
    return "<style>div.jamforelse table.analys th {white-space: normal !important;}</style>" + (
        f'<div class="jamforelse">{tabell}</div>'
    )


def fig_jamfor(j: Avtalsjamforelse):
    """Förändringen per kommun som två delar efter varandra: beloppseffekten från 0 och
    befolkningseffekten från dess slut, så att stapeln slutar vid förändringen (svart streck)."""
    from analys.rapporter.diagram import _kr_axel, _plt
    from analys.rapporter.tabeller import FARGER

    plt = _plt()
    d = j.df.sort_values(["forandring", "kommunkod"]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.36 * len(d) + 1.8))
    y = list(range(len(d)))
    ax.barh(y, d["beloppseffekt"], color=FARGER[0], height=0.6, label="Beloppseffekt")
    ax.barh(y, d["befolkningseffekt"], left=d["beloppseffekt"], color=FARGER[1], height=0.6, label="Befolkningseffekt")
    ax.scatter(d["forandring"], y, marker="|", s=260, color="black", zorder=3, label="Förändring")
    ax.set_yticks(y, d["kommun"])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title(f"Förändring per kommun {j.fore.ar} → {j.efter.ar}")
    ax.set_xlabel(f"Förändring mot {j.fore.ar} ({KORT_SLAG[j.fore.slag]} → {KORT_SLAG[j.slag_efter]})")
    _kr_axel(ax, "x")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    fig.tight_layout()
    s = _summa(j.df)
    storst = d.iloc[-1]
    alt = (
        f"Stapeldiagram: förändringen per kommun {j.fore.ar} → {j.efter.ar} för {len(d)} kommuner, delad i "
        f"beloppseffekt och befolkningseffekt. Sammanlagt {'+' if s['forandring'] >= 0 else ''}"
        f"{format_kr(s['forandring'])}: beloppseffekt {format_kr(s['beloppseffekt'])}, befolkningseffekt "
        f"{format_kr(s['befolkningseffekt'])}. Störst ökning {storst['kommun']} {format_kr(int(storst['forandring']))}."
    )
    return fig, alt


def to_rapporttillagg_text(namn: str, vag: str, lagd_till: bool, hinder: str = "") -> str:
    """Vad `analys avtal forslag` gjorde med rapportfilen."""
    if hinder:
        return f"Rapporten {namn} lades inte till i {vag}: {hinder}.\n"
    if lagd_till:
        return f"La till rapporten {namn} (förslaget inför beslutet) sist i {vag}: analys rapport --bara {namn}\n"
    return f"Rapporten {namn} finns redan i {vag} och lämnades som den var: analys rapport --bara {namn}\n"
