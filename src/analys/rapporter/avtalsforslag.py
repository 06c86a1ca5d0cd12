"""Förslagsrapporten inför Socialchefsnätverkets beslut: förslagets summa och vad den består av
(roller, tjänster, indexering, nya Yrkesresor, med källor), beloppet per kommun med förändringen
mot det gällande avtalet och dess två delar, känsligheten för året och förra avtalets
uppföljning. Märkt FÖRSLAG tills avtalet fastställts; därefter säger rapporten att det är
fastställt. Talen kommer ur `analys.flode.avtalsrapporter.forslagsrapport`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analys.begrepp import manadstext
from analys.flode.avtalsrapporter import Forslagsrapport
from analys.rapporter.avtal import KORT_SLAG, fig_jamfor, html_jamfor, jamfor_forklaring, kostnadsposter
from analys.rapporter.excel import Blad, referens_text, write_workbook
from analys.rapporter.format import format_datum, format_kr, format_procent, format_tal
from analys.rapporter.kallor import AVRUNDNING, andel_text, befolkning_text, describe_fil, proveniens
from analys.rapporter.rubriker import med_slag, rubrik
from analys.rapporter.tabeller import html_tabell
from analys.rapporter.text import parameterintervall


def _tecken(n: int) -> str:
    return f"{'+' if n > 0 else ''}{format_kr(n)}"


def titel(r: Forslagsrapport) -> str:
    a = r.avtal
    return f"Förslag till avtal {a.ar}: {a.namn}" if r.forslag else f"Avtal {a.ar}: {a.namn} (fastställt)"


def describe(r: Forslagsrapport) -> str:
    """Inledningen (Markdown): förslagets summa, förändringen mot det gällande avtalet och beslutet."""
    a, j = r.avtal, r.jamforelse
    if r.forslag:
        delar = [
            f"Förslaget: kommunerna betalar **{format_kr(a.belopp_kommuner)}** ({a.slag}) för {a.ar}. "
            f"{a.fakturering.fakturerar} fakturerar varje kommun dess belopp först när {r.beslutande} "
            "beslutat och avtalet fastställts; tills dess är beloppen ett förslag och räknas som beräknade i "
            "scenarierna."
        ]
    else:
        beslut = (
            f"fastställdes av {a.beslutat_av} {format_datum(a.beslutsdatum)}" if a.beslutsdatum else "är fastställt"
        )
        delar = [
            f"Avtalet {beslut}: kommunerna betalar **{format_kr(a.belopp_kommuner)}** ({a.slag}) "
            f"för {a.ar}. Rapporten visar vad det fastställda avtalet bestod av när det föreslogs."
        ]
    if j is not None:
        fore, efter = j.fore.belopp_kommuner, a.belopp_kommuner
        andel = f" ({format_procent((efter - fore) / fore, 1)})" if fore else ""
        slag = f"båda {a.slag}" if j.fore.slag == a.slag else f"{KORT_SLAG[j.fore.slag]} → {KORT_SLAG[a.slag]}"
        delar.append(
            f"Det är {_tecken(efter - fore)}{andel} mot avtalet {j.fore.ar} ({format_kr(fore)}, {j.fore.slag}); "
            f"förändringen: {slag}."
        )
    else:
        delar.append(f"Det finns inget fastställt avtal före {a.ar} att jämföra med.")
    return " ".join(delar)


def html_poster(r: Forslagsrapport) -> str:
    """Avtalsfilens kostnadsposter med hur antagandena räknar dem (när de stämmer)."""
    a, s = r.avtal, r.sammansattning
    forklaring = {p.roll: p.forklaring for p in s.poster} if s.stammer else {}
    indexerat = f", indexerat till {a.ar}" if a.ar > s.basar else ""
    df = pd.DataFrame(
        {
            "kostnadspost": [k.roll for k in a.kostnader],
            "tjanster": [float(k.tjanst) for k in a.kostnader],
            "belopp": [k.belopp for k in a.kostnader],
            "hur": [(forklaring[k.roll] + indexerat) if k.roll in forklaring else "–" for k in a.kostnader],
        }
    )
    return html_tabell(
        df,
        kr=["belopp"],
        decimal=["tjanster"],
        summa={"kostnadspost": "Summa", "tjanster": float(a.tjanster), "belopp": a.total_kostnad},
        rubriker={
            "kostnadspost": rubrik("kostnadspost"),
            "tjanster": rubrik("tjanster"),
            "belopp": med_slag("Belopp", a.slag),
            "hur": "Hur det räknats (antagandena)",
        },
        rubrik=f"Den fasta kostnaden {a.ar}",
        slag={"belopp": a.slag},
    )


def _resor(resor) -> str:
    return ", ".join(f"nr {r.nr} {r.namn} (från {manadstext(r.start)})" for r in resor) or "inga"


def describe_sammansattning(r: Forslagsrapport) -> str:
    """Vad posterna bygger på (Markdown-lista): indexering, Yrkesresor, andel, befolkning, källor."""
    a, s = r.avtal, r.sammansattning
    rader = [
        f"- **Indexering**: {format_procent(s.indexering, 1)} per år från basåret {s.basar} "
        f"(kostnad per tjänst {s.basar} i antagandena).",
        f"- **Nya Yrkesresor {a.ar}**: {_resor(s.nya_resor)}. Igång när året börjar: {_resor(s.igang)}.",
        f"- **Kommunernas andel**: {format_tal(a.kommunernas_andel)} % av den fasta kostnaden = "
        f"{format_kr(a.belopp_kommuner)} ({a.slag}).",
        f"- **Befolkning**: {befolkning_text(r.fordelning.info.befolkning)}"
        + (f"; {a.befolkningsdatum_val}." if a.befolkningsdatum_val else "."),
        f"- **Källor**: antagandena i {s.antagandefil.vag} med scenariot {s.scenarionamn} "
        f"({s.scenariobeskrivning.rstrip('.')}); nyckel, betalningsvillkor, villkor och period ur det "
        "senaste fastställda avtalet.",
    ]
    if not s.stammer:
        rader.append(
            f"- **Obs**: avtalsfilens poster är inte de som antagandena ger i dag ({format_kr(s.modellbelopp)}, "
            "beräknat): filen eller antagandena har ändrats sedan förslaget skrevs. Beloppen ovan är avtalsfilens."
        )
    return "\n".join(rader)


def describe_jamfor(r: Forslagsrapport) -> str:
    j = r.jamforelse
    if j is None:
        return f"Det finns inget fastställt avtal före {r.avtal.ar} att jämföra med."
    return (
        f"Varje kommuns belopp enligt avtalet {j.fore.ar} (folkmängd {format_datum(j.fore.befolkningsdatum)}) och "
        f"{'förslaget' if r.forslag else 'avtalet'} {r.avtal.ar} (folkmängd "
        f"{format_datum(r.avtal.befolkningsdatum)}). {jamfor_forklaring(j)}"
    )


def html_per_kommun(r: Forslagsrapport) -> str:
    """Tabellen per kommun: förändringen mot det gällande avtalet, eller bara beloppen utan ett."""
    if r.jamforelse is not None:
        return html_jamfor(r.jamforelse)
    df = r.fordelning.df[["kommunkod", "kommun", "belopp"]]
    return html_tabell(
        df,
        kr=["belopp"],
        summa={"kommun": "Summa", "belopp": int(df["belopp"].sum())},
        rubriker={"kommunkod": rubrik("kommunkod", kort=True), "kommun": rubrik("kommun"), "belopp": "Belopp"},
        rubrik=f"Belopp per kommun {r.avtal.ar}",
        slag={"belopp": r.avtal.slag},
    )


def fig_per_kommun(r: Forslagsrapport):
    """Diagrammet per kommun: förändringen och dess två delar, eller beloppen utan ett gällande avtal."""
    if r.jamforelse is not None:
        return fig_jamfor(r.jamforelse)
    from analys.rapporter.diagram import fig_fordelning

    return fig_fordelning(r.fordelning.df, f"Belopp per kommun {r.avtal.ar} ({r.avtal.slag})")


def _kanslighet_per_parameter(sens: pd.DataFrame) -> pd.DataFrame:
    g = sens.groupby(["parameter", "etikett", "lag", "hog"], sort=False)[["effekt_lag", "effekt_hog"]].sum()
    return g.reset_index()


def describe_kanslighet(r: Forslagsrapport) -> str:
    """Texten före tornadon, eller varför ingen visas."""
    if r.kanslighet is None:
        return (
            "Avtalet är fastställt: beloppet ändras inte av antagandena, så ingen känslighet visas (den visas "
            "för ett förslag)."
        )
    g = _kanslighet_per_parameter(r.kanslighet)
    g["spann"] = (g["effekt_hog"] - g["effekt_lag"]).abs()
    storst = g.sort_values("spann").iloc[-1]
    return (
        f"Varje osäker parameter i antagandena sätts på sitt låga och sitt höga värde medan de övriga står kvar; "
        f"diagrammet visar hur kommunernas fasta kostnad {r.avtal.ar} (beräknat) då ändras mot förslagets "
        f"{format_kr(r.sammansattning.modellbelopp)}. Störst betydelse har {storst['etikett'].lower()} "
        f"({parameterintervall(storst['parameter'], storst['lag'], storst['hog'])}): "
        f"{_tecken(int(storst['effekt_lag']))} till {_tecken(int(storst['effekt_hog']))}."
    )


def describe_uppfoljning(r: Forslagsrapport) -> str:
    """Förra avtalets resultat i en mening, eller varför det saknas."""
    u = r.uppfoljning
    if u is None:
        return r.uppfoljning_saknas
    res = u.resultat.resultat
    prel = "" if u.slutlig and not u.resultat.pott_vantar else " Resultatet är preliminärt tills året är avslutat."
    kalla = f" (rapporten {u.rapport}, underlaget {u.underlag})"
    if res > 0:
        text = f"Överskott {u.ar} (avtal + utfall): {format_kr(res)} tillföll regionen enligt avtalet"
    elif res < 0:
        text = f"Underskott {u.ar} (avtal + utfall): {format_kr(-res)}; det fördelas inte på kommunerna"
    else:
        text = f"Resultat {u.ar} (avtal + utfall): intäkter och kostnader gick jämnt upp"
    return f"{text}{kalla}.{prel}"


def forslag_kallor(r: Forslagsrapport, parametrar: Mapping[str, object] | None = None, kommando: str | None = None):
    """Källrutan och källbladet."""
    a, s, j = r.avtal, r.sammansattning, r.jamforelse
    vanliga = [(med_slag(str(a.ar), a.slag).capitalize(), f"{a.namn}; källa: {a.kalla}")]
    if j is not None:
        vanliga.append(
            (f"{j.fore.ar} (enligt avtal)", f"{j.fore.namn}, folkmängd {format_datum(j.fore.befolkningsdatum)}")
        )
    vanliga += [
        ("Befolkning", befolkning_text(r.fordelning.info.befolkning)),
        ("Antaganden", f"{s.antagandefil.vag}, scenariot {s.scenarionamn}: {s.scenariobeskrivning}"),
    ]
    if r.uppfoljning is not None:
        vanliga.append(("Uppföljning", f"rapporten {r.uppfoljning.rapport}, underlaget {r.uppfoljning.underlag}"))
    vanliga += [("Andel", andel_text(a.nyckel, a.fast_andel)), ("Avrundning", AVRUNDNING)]
    tekniska = [("Avtalsfil", describe_fil(r.avtalsfil))]
    if j is not None:
        tekniska += [("Jämfört med", describe_fil(j.filer[0]))]
    tekniska += [
        ("Antaganden", describe_fil(s.antagandefil)),
        ("Scenarier", describe_fil(s.scenariofil)),
        ("Befolkningsdata", "; ".join(describe_fil(f) for f in r.fordelning.befolkningsfiler)),
    ]
    return proveniens(vanliga, tekniska, parametrar, kommando=kommando)


def _jamforblad(r: Forslagsrapport) -> Blad:
    from analys.rapporter.avtal import jamfor_rubrik

    j = r.jamforelse
    if j is None:
        f = r.fordelning.df[["kommunkod", "kommun", "belopp"]]
        belopp = med_slag("Belopp", r.avtal.slag)
        df = f.rename(columns={"kommunkod": "Kommunkod", "kommun": "Kommun", "belopp": belopp})
        return Blad(namn="Per kommun", titel=titel(r), df=df, kr=[belopp], summera=[belopp])
    fs, es = KORT_SLAG[j.fore.slag], KORT_SLAG[j.slag_efter]
    namn = {
        "kommunkod": "Kommunkod",
        "kommun": "Kommun",
        "fore": med_slag(str(j.fore.ar), j.fore.slag),
        "efter": med_slag(str(j.efter.ar), j.slag_efter),
        "forandring": med_slag("Förändring", f"{fs} → {es}"),
        "beloppseffekt": med_slag("Beloppseffekt", f"{fs} → {es}"),
        "befolkningseffekt": med_slag("Befolkningseffekt", f"{fs} → {es}"),
    }
    kr = [namn[k] for k in ("fore", "efter", "forandring", "beloppseffekt", "befolkningseffekt")]
    return Blad(
        namn="Per kommun",
        titel=jamfor_rubrik(j),
        undertitel=jamfor_forklaring(j),
        df=j.df.rename(columns=namn),
        kr=kr,
        summera=kr,
        bredder={"Kommun": 18, **dict.fromkeys(kr, 22)},
    )


def write_forslag_workbook(r: Forslagsrapport, kallor, path: Path) -> None:
    """Arbetsboken: "Förslag" (posterna), "Per kommun" (förändringen), "Känslighet" (för ett
    förslag) och "Källor"; märkt FÖRSLAG på varje blad tills avtalet fastställts."""
    a = r.avtal
    belopp = med_slag("Belopp", a.slag)
    poster = kostnadsposter(a, belopp)
    blad = [
        Blad(
            namn="Förslag" if r.forslag else "Avtal",
            titel=titel(r),
            undertitel=f"Kommunernas del {format_tal(a.kommunernas_andel)} % = {format_kr(a.belopp_kommuner)} "
            f"({a.slag}).",
            df=poster,
            kr=[belopp],
            decimal=["Tjänst"],
            summera=["Tjänst", belopp],
            bredder={"Kostnadspost": 48, belopp: 22},
        ),
        _jamforblad(r),
    ]
    if r.kanslighet is not None:
        g = _kanslighet_per_parameter(r.kanslighet)
        from analys.rapporter.text import parametervarde

        df = pd.DataFrame(
            {
                "Parameter": g["etikett"],
                "Lågt värde": [parametervarde(p, v) for p, v in zip(g["parameter"], g["lag"], strict=True)],
                "Högt värde": [parametervarde(p, v) for p, v in zip(g["parameter"], g["hog"], strict=True)],
                "Effekt, lågt (beräknat)": g["effekt_lag"],
                "Effekt, högt (beräknat)": g["effekt_hog"],
            }
        )
        kr = ["Effekt, lågt (beräknat)", "Effekt, högt (beräknat)"]
        blad.append(
            Blad(
                namn="Känslighet",
                titel=f"Känslighet: kommunernas fasta kostnad {a.ar} (beräknat)",
                undertitel="En parameter i taget på sitt låga och höga värde; förändring mot basantagandet.",
                df=df,
                kr=kr,
                bredder={"Parameter": 40, **dict.fromkeys(kr, 22)},
            )
        )
    info = r.fordelning.info
    write_workbook(
        blad,
        kallor,
        path,
        titel(r),
        referens=referens_text(info.befolkning.datum, info.befolkning.scb_tabell),
        pahittat=r.pahittat,
        forslag=r.forslag,
    )
