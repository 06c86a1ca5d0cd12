"""Bilagan till det undertecknade avtalet: en A4-sida med parternas tabell (kommun, belopp, summa),
kostnadsposterna, avtalstiden, betalningsvillkoren, villkoren och befolkningens källa, och en
arbetsbok vars tabell går att klistra in i avtalet i Word. Den tekniska spårbarheten står inte på
sidan utan på arbetsbokens blad Källor. Talen kommer ur `analys.flode.avtalsrapporter.bilaga`."""

from __future__ import annotations

import html
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal
from analys.flode.avtalsrapporter import Avtalsbilaga
from analys.rapporter.avtal import kostnadsposter
from analys.rapporter.excel import Blad, Kallor, referens_text, write_workbook
from analys.rapporter.format import format_datum, format_kr, format_tal
from analys.rapporter.kallor import AVRUNDNING, andel_text, befolkning_text, describe_fil, kallor_html, proveniens
from analys.rapporter.rubriker import med_slag
from analys.rapporter.tabeller import STIL, html_tabell
from analys.rapporter.text import nyckel_text

# Bilagan är en sida: rubriken och styckena mindre vid utskrift, villkorens rubriker överst i raden.
BILAGESTIL = """<style>
table.analys.bilaga th {width: 7.5em; vertical-align: top !important;}
table.analys.bilaga td {vertical-align: top;}
ul.villkor {margin: 0; padding-left: 1.2em;}
@media print {
  h1 {font-size: 16pt !important; margin: 0 0 0.4em 0 !important;}
  .jp-RenderedMarkdown p {font-size: 9.5pt; margin: 0 0 0.4em 0;}
  section.kallor {margin-top: 0.8em; padding-top: 0.2em;}
}
</style>"""


def tkr(belopp: int) -> str:
    """Ett belopp i tusental kronor, som avtalet skriver det: '850 tkr', '875,5 tkr'.

    >>> tkr(850_000), tkr(1_030_000), tkr(875_500), tkr(185_425)
    ('850 tkr', '1 030 tkr', '875,5 tkr', '185,425 tkr')
    """
    d = (Decimal(belopp) / 1000).normalize()
    decimaler = max(0, -d.as_tuple().exponent)  # type: ignore[operator]
    return f"{format_tal(d, decimaler)} tkr"


def tjanst(t: Decimal) -> str:
    """Tjänsten som avtalet skriver den: '1,0', '0,25'."""
    return str(t).replace(".", ",")


def titel(b: Avtalsbilaga) -> str:
    return f"Bilaga: belopp per kommun – {b.avtal.namn}"


def _status(a: Avtal) -> str:
    """' (förslag till avtal, ännu inte fastställt)', ' (fastställt av … 20 november 2024)' eller ''."""
    if a.forslag:
        return " (förslag till avtal, ännu inte fastställt)"
    if a.beslutsdatum:
        return f" (fastställt av {a.beslutat_av} {format_datum(a.beslutsdatum)})"
    return ""


def inledning(b: Avtalsbilaga) -> str:
    """Stycket under rubriken (Markdown): parterna och vad tabellen är."""
    a = b.avtal
    n = len(b.fordelning.df)
    return (
        f"Bilaga till avtalet {a.namn}{_status(a)} mellan {a.fakturering.fakturerar} och de {n} kommunerna i "
        f"{b.fordelning.info.befolkning.lan}. Tabellen är avtalets kostnadsfördelning: vad varje kommun betalar av "
        "den fasta kostnaden."
    )


def kostnadstext(a: Avtal) -> str:
    """'Regional samordnare 1,0 tjänst 850 tkr + Administrativt stöd 0,25 tjänst 180 tkr = 1 030 tkr'."""
    delar = " + ".join(f"{k.roll} {tjanst(k.tjanst)} tjänst {tkr(k.belopp)}" for k in a.kostnader)
    return f"{delar} = {tkr(a.total_kostnad)}" + (", preliminärt" if a.preliminar else "")


def villkorsrader(b: Avtalsbilaga) -> list[tuple[str, str]]:
    """Raderna i tabellen Kostnader och villkor: (uppgift, text)."""
    a, info = b.avtal, b.fordelning.info
    rader = [("Kostnader", f"Lön, OH, resor och utrustning: {kostnadstext(a)}.")]
    if a.kommunernas_andel != 100:
        rader.append(
            (
                "Kommunernas del",
                f"{format_tal(a.kommunernas_andel)} % av {format_kr(a.total_kostnad)} = "
                f"{format_kr(a.belopp_kommuner)} ({a.slag}).",
            )
        )
    rader += [
        ("Avtalstid", f"{format_datum(a.period.fran)}–{format_datum(a.period.till)}."),
        (
            "Betalning",
            f"{a.fakturering.fakturerar} fakturerar varje kommun dess belopp enligt tabellen; betalning "
            f"{a.fakturering.betalningsvillkor_dagar} dagar netto från fakturadatum.",
        ),
        (
            "Fördelning",
            f"{nyckel_text(info.nyckel).capitalize()}: {befolkning_text(info.befolkning)}. {AVRUNDNING}",
        ),
    ]
    if a.preliminar:
        rader.append(("Preliminärt", "Beloppen är preliminära enligt avtalet."))
    return rader


def html_parter(b: Avtalsbilaga) -> str:
    """Parternas tabell som avtalet skriver den: kommun, belopp och summa."""
    a = b.avtal
    df = b.fordelning.df[["kommun", "belopp"]]
    return html_tabell(
        df,
        kr=["belopp"],
        summa={"kommun": "Summa", "belopp": int(df["belopp"].sum())},
        rubriker={"kommun": "Kommun", "belopp": med_slag("Belopp", a.slag)},
        rubrik="Belopp per kommun",
    )


def html_villkor(b: Avtalsbilaga) -> str:
    """Kostnaderna, avtalstiden, betalningen, fördelningen och avtalets villkor ordagrant."""
    rader = "".join(
        f'<tr><th scope="row">{html.escape(r)}</th><td>{html.escape(t)}</td></tr>' for r, t in villkorsrader(b)
    )
    if b.avtal.villkor:
        punkter = "".join(f"<li>{html.escape(v)}</li>" for v in b.avtal.villkor)
        rader += f'<tr><th scope="row">Villkor</th><td><ul class="villkor">{punkter}</ul></td></tr>'
    return (
        f"{STIL}{BILAGESTIL}"
        f'<table class="analys bilaga"><caption>Kostnader och villkor</caption><tbody>{rader}</tbody></table>'
    )


def bilaga_kallor(b: Avtalsbilaga, parametrar: Mapping[str, object] | None = None, kommando: str | None = None):
    """Källorna: avtalet, befolkningen (SCB-tabell och referensdatum), nyckeln och avrundningen; i
    det tekniska blocket filerna med SHA-256, parametrarna och kommandot."""
    a, f = b.avtal, b.fordelning
    vanliga = [
        ("Avtal", f"{a.namn}{_status(a)}; källa: {a.kalla}"),
        ("Befolkning", befolkning_text(f.info.befolkning)),
        ("Andel", andel_text(a.nyckel, a.fast_andel)),
        ("Avrundning", AVRUNDNING),
    ]
    tekniska = []
    if f.avtalsfil:
        tekniska.append(("Avtalsfil", describe_fil(f.avtalsfil)))
    tekniska.append(("Befolkningsdata", "; ".join(describe_fil(x) for x in f.befolkningsfiler)))
    return proveniens(vanliga, tekniska, parametrar, kommando=kommando)


def html_kallor(k: Kallor) -> str:
    """Källrutan på sidan: de vanliga källorna och kommandot; filer, SHA-256 och programversion
    står på arbetsbokens blad Källor, inte på sidan som bifogas avtalet."""
    kommando = next((t for r, t in k.tekniska if r == "Gör om med"), None)
    vanliga = [(r, t) for r, t in k.vanliga if r in ("Avtal", "Befolkning")]  # andel och avrundning: Fördelning
    vanliga.append(("Teknisk spårbarhet", "filer, kontrollsummor och programversion: arbetsbokens blad Källor"))
    if kommando:
        vanliga.append(("Gör om med", kommando))
    return kallor_html(Kallor(tuple(vanliga)))


def write_bilaga_workbook(b: Avtalsbilaga, kallor: Kallor, path: Path) -> None:
    """Arbetsboken: bladet "Belopp per kommun" (kommun, belopp, summa: klistras in i avtalet),
    "Kostnader" (posterna) och "Källor" (med den tekniska spårbarheten)."""
    a, info = b.avtal, b.fordelning.info
    belopp = med_slag("Belopp", a.slag)
    parter = pd.DataFrame({"Kommun": b.fordelning.df["kommun"], belopp: b.fordelning.df["belopp"]})
    poster = kostnadsposter(a, belopp)
    blad = [
        Blad(
            namn="Belopp per kommun",
            titel=titel(b),
            undertitel=f"Markera tabellen från rubrikraden till summan och klistra in den i avtalet. "
            f"Folkmängd {format_datum(info.befolkning.datum)} enligt SCB.",
            df=parter,
            kr=[belopp],
            summera=[belopp],
            bredder={"Kommun": 18, belopp: 24},
        ),
        Blad(
            namn="Kostnader",
            titel=f"Kostnader: {kostnadstext(a)}",
            undertitel=f"Avtalstid {format_datum(a.period.fran)}–{format_datum(a.period.till)}; betalning "
            f"{a.fakturering.betalningsvillkor_dagar} dagar netto från fakturadatum.",
            df=poster,
            kr=[belopp],
            decimal=["Tjänst"],
            summera=["Tjänst", belopp],
            bredder={"Kostnadspost": 48, belopp: 24},
        ),
    ]
    write_workbook(
        blad,
        kallor,
        path,
        titel(b),
        referens=referens_text(info.befolkning.datum, info.befolkning.scb_tabell),
        pahittat=b.pahittat,
        forslag=a.forslag,
    )
