"""Källor och spårbarhet för varje utdata: på vanlig svenska vad talen bygger på (SCB-tabell,
referensdatum, avtal, antaganden), och i ett eget block den tekniska spårbarheten (filer med
SHA-256, parametrar, programversion, tidpunkt).

En och samma byggare för alla rapporter, arbetsböcker och tabeller: `proveniens` gör
`Kallor`, `kallor_html` källrutan längst ned i HTML-rapporterna, och arbetsböckerna får samma
innehåll på bladet "Källor".
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from analys import __version__
from analys.begrepp import Befolkningskalla, Fil, Nyckel
from analys.flode.faktura import Fakturering
from analys.flode.fordelning import Fordelning
from analys.flode.scenarier import Scenarioberakning
from analys.flode.uppfoljning import Uppfoljning
from analys.rapporter.excel import Kallor
from analys.rapporter.format import format_datum, format_kr, format_procent, format_tal
from analys.rapporter.rubriker import PARAMETRAR
from analys.rapporter.tabeller import STIL
from analys.rapporter.text import nyckel_text


def describe_fil(fil: Fil) -> str:
    """'data/x.csv (SHA-256 ab12…)': filen relativt analys-mappen (aldrig maskinens sökväg)."""
    return f"{fil.vag} (SHA-256 {fil.sha256})" if fil.sha256 else fil.vag


def _varde(v: object) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(_varde(x) for x in v)
    if isinstance(v, bool):
        return "ja" if v else "nej"
    if isinstance(v, int) and not isinstance(v, bool):
        return format_tal(v) if abs(v) >= 10_000 else str(v)  # årtal som 2024, inte 2 024
    return str(v)


def parametertext(parametrar: Mapping[str, object]) -> str:
    """Parametrarna på svenska ("från år 2024, till år 2030, scenarier bas, okning"); en parameter
    utan värde (None, tom lista) utelämnas, så att inget Python-uttryck syns."""
    delar = [
        f"{PARAMETRAR.get(k, k.replace('_', ' '))} {_varde(v)}"
        for k, v in parametrar.items()
        if v is not None and not (isinstance(v, list | tuple | str) and len(v) == 0)
    ]
    return ", ".join(delar) if delar else "inga (standardvärdena)"


def proveniens(
    vanliga: Sequence[tuple[str, str]],
    tekniska: Sequence[tuple[str, str]] = (),
    parametrar: Mapping[str, object] | None = None,
    filer: Sequence[Fil] = (),
    kommando: str | None = None,
) -> Kallor:
    """Källorna: de vanliga raderna som de är; i det tekniska blocket filerna med SHA-256,
    parametrarna på svenska, programversionen, tidpunkten och kommandot som gör om utdata."""
    tekn = list(tekniska)
    tekn += [("Fil", describe_fil(f)) for f in filer]
    if parametrar:
        tekn.append(("Parametrar", parametertext(parametrar)))
    if not any(r == "Program" for r, _ in tekn):
        tekn.append(("Program", f"analys {__version__}"))
    if not any(r == "Skapad" for r, _ in tekn):
        tekn.append(("Skapad", skapad_text(datetime.now().astimezone())))
    if kommando:
        tekn.append(("Gör om med", kommando))
    return Kallor(tuple(vanliga), tuple(tekn))


def skapad_text(tid: datetime) -> str:
    """'2 december 2026 kl. 17.16' i svensk lokal tid (Europe/Stockholm)."""
    from zoneinfo import ZoneInfo

    t = tid.astimezone(ZoneInfo("Europe/Stockholm"))
    return f"{format_datum(t.date())} kl. {t.hour:02d}.{t.minute:02d} (svensk tid)"


def rapportkommando(rapportnamn: str | None) -> str | None:
    """Kommandot som gör om en rapport ur data/rapporter.yaml."""
    return f"analys rapport --bara {rapportnamn}" if rapportnamn else None


def kallor_html(k: Kallor) -> str:
    """Källrutan längst ned i varje rapport: vanliga källor, sedan teknisk spårbarhet för sig."""
    rad = "".join(f'<tr><th scope="row">{html.escape(r)}</th><td>{html.escape(str(t))}</td></tr>' for r, t in k.vanliga)
    tekn = "".join(f"<tr><td>{html.escape(r)}</td><td>{html.escape(str(t))}</td></tr>" for r, t in k.tekniska)
    teknisk = ""
    if tekn:
        teknisk = (
            '<section class="teknisk" aria-label="Teknisk spårbarhet"><h3>Teknisk spårbarhet</h3>'
            f"<table>{tekn}</table></section>"
        )
    return (
        f'{STIL}<section class="kallor" aria-label="Källor och antaganden"><h2>Källor och antaganden</h2>'
        f"<table>{rad}</table>{teknisk}</section>"
    )


def kallor_text(k: Kallor) -> list[str]:
    """Källorna som textrader för kommandoradens tabeller."""
    ut = ["Källor:"] + [f"  {r}: {t}" for r, t in k.vanliga]
    ut += ["Teknisk spårbarhet:"] + [f"  {r}: {t}" for r, t in k.tekniska]
    return ut


def befolkning_text(b: Befolkningskalla, deltagande: int | None = None) -> str:
    """'Folkmängd 30 juni 2023 enligt SCB (tabell TAB5444 Folkmängd per månad), Dalarnas län: 288 375 invånare'."""
    summa = deltagande if deltagande is not None else b.summa
    text = (
        f"Folkmängd {format_datum(b.datum)} enligt SCB (tabell {b.scb_tabell}), {b.lan}: {format_tal(summa)} invånare"
    )
    return text  # en hämtning från SCB står på en egen rad, "Hämtat från SCB"


CKM = "Från 2025 har SCB:s siffror ett litet slumpbrus, så länets publicerade total kan skilja något."


def andel_text(nyckel: Nyckel | str, fast_andel=0) -> str:
    """Hur kommunens andel räknas, med den nyckel som används.

    >>> andel_text("blandad", 0.3)[:80]
    'Kommunens andel är 30 % av beloppet delat lika mellan de deltagande kommunerna p'
    """
    nyckel = Nyckel(nyckel)
    if nyckel == Nyckel.LIKA:
        return "Varje deltagande kommun får lika stor andel: 1 delat med antalet deltagande kommuner."
    if nyckel == Nyckel.EGEN:
        return "Kommunens andel är dess vikt delad med summan av de deltagande kommunernas vikter."
    folkmangd = "dess folkmängd delad med summan av de deltagande kommunernas folkmängd"
    if nyckel == Nyckel.BLANDAD:
        fast = format_procent(fast_andel, 0)
        rest = format_procent(1 - Decimal(str(fast_andel)), 0)
        return (
            f"Kommunens andel är {fast} av beloppet delat lika mellan de deltagande kommunerna plus {rest} "
            f"av beloppet efter folkmängd ({folkmangd}). {CKM}"
        )
    return f"Kommunens andel är {folkmangd}. {CKM}"


AVRUNDNING = "Hela kronor, avrundade med största-restmetoden så att summan blir exakt beloppet."


def fordelning_kallor(
    f: Fordelning, parametrar: Mapping[str, object] | None = None, kommando: str | None = None
) -> Kallor:
    """Källorna till en fördelning."""
    info = f.info
    if info.slag == "enligt avtal":
        belopp = f"{format_kr(info.belopp)} enligt avtal: {info.avtal}"
    elif info.slag == "förslag":
        belopp = f"{format_kr(info.belopp)} enligt förslag till avtal (ej fastställt): {info.avtal}"
    elif info.avtal:
        belopp = f"{format_kr(info.belopp)}, beräknat utifrån avtalet {info.avtal} med ändrade parametrar"
    else:
        belopp = f"{format_kr(info.belopp)} (angivet belopp, inget avtal)"
    vanliga = [("Belopp", belopp)]
    if info.avtalskalla:
        vanliga.append(("Avtalets källa", info.avtalskalla))
    vanliga.append(("Fördelningsnyckel", nyckel_text(info.nyckel)))
    if info.undantagna:
        vanliga.append(("Deltar inte", ", ".join(info.undantagna)))
    vanliga.append(("Befolkning", befolkning_text(info.befolkning)))
    if info.befolkning.hamtat:
        vanliga.append(("Hämtat från SCB", "; ".join(info.befolkning.hamtat)))
    vanliga += [("Andel", andel_text(info.nyckel.nyckel, info.nyckel.fast_andel)), ("Avrundning", AVRUNDNING)]
    tekniska = []
    if f.avtalsfil:
        tekniska.append(("Avtalsfil", describe_fil(f.avtalsfil)))
    if info.vikterfil:
        tekniska.append(("Vikter", info.vikterfil))
    tekniska.append(("Befolkningsdata", "; ".join(describe_fil(b) for b in f.befolkningsfiler)))
    tekniska += [
        ("Program", f"analys {info.version}"),
        ("Skapad", skapad_text(datetime.fromisoformat(info.skapad))),
    ]
    return proveniens(vanliga, tekniska, parametrar, kommando=kommando)


def _befolkningsdatum_text(datum: str, kalla: str) -> str:
    d = date.fromisoformat(datum)
    if kalla.startswith("framskrivning"):
        return f"{format_datum(d)}, framskrivet ({kalla.removeprefix('framskrivning: ')})"
    if kalla.startswith("prognos"):
        return f"{format_datum(d)}, enligt prognosfilen"
    return f"{format_datum(d)} enligt SCB ({kalla.removeprefix('SCB ').split(' ')[0]})"


def scenario_kallor(
    s: Scenarioberakning, parametrar: Mapping[str, object] | None = None, kommando: str | None = None
) -> Kallor:
    """Källrutan och källbladet för scenariorapporter och kommunblad."""
    per_ar, namn, beskrivningar, antaganden = s.per_ar, s.namn, s.beskrivningar, s.bas
    forsta = per_ar[per_ar["scenario"] == per_ar["scenario"].iloc[0]]
    avtal = forsta[forsta["slag"] == "enligt avtal"]
    vanliga = []
    if len(avtal):
        vanliga.append(
            (
                "Enligt avtal",
                "; ".join(
                    f"{r.ar}: {format_kr(int(r.kommunernas_del))} för kommunerna ({r.avtal})"
                    for r in avtal.itertuples()
                )
                + ". Avtalens belopp ändras inte av scenarierna, känsligheten eller osäkerheten.",
            )
        )
    ovriga = [str(a) for a in forsta.loc[forsta["slag"] == "beräknat", "ar"]]
    if ovriga:
        vanliga.append(("Beräknat", f"{', '.join(ovriga)}: räknat ur antagandena, inget avtal finns för de åren."))
    vanliga += [(f"Scenario {namn.get(s, s)}", beskrivningar.get(s, "")) for s in dict.fromkeys(per_ar["scenario"])]
    vanliga.append(
        (
            "Befolkning",
            "; ".join(
                f"{a}: {_befolkningsdatum_text(d, k)}"
                for a, d, k in zip(forsta["ar"], forsta["befolkningsdatum"], forsta["befolkningskalla"], strict=True)
            ),
        )
    )
    r = antaganden.rorliga
    kommuner = dict(s.per_kommun[["kommunkod", "kommun"]].drop_duplicates().itertuples(index=False))
    dagar = ", ".join(f"{kommuner.get(k, k)} {v}" for k, v in r.utbildare.dagar.items())
    vanliga += [
        ("Kursavgift och pott", r.kalla),
        (
            "Deltagardagar",
            f"Antagande: {format_tal(r.deltagardagar_per_1000_invanare_och_resa, 1)} deltagardagar per "
            "1 000 invånare och år för varje Yrkesresa som är igång.",
        ),
        ("Utbildardagar", f"{r.utbildare.kalla.rstrip('.')}. Utbildardagar per år: {dagar}."),
        ("Andel", andel_text(antaganden.nyckel.nyckel, antaganden.nyckel.fast_andel)),
        ("Avrundning", AVRUNDNING),
    ]
    tekniska = [
        ("Antaganden", describe_fil(s.antagandefil)),
        ("Scenarier", describe_fil(s.scenariofil)),
        ("Befolkningsdata", "; ".join(describe_fil(f) for f in s.befolkningsfiler)),
    ]
    return proveniens(vanliga, tekniska, parametrar, kommando=kommando)


def uppfoljning_kallor(
    u: Uppfoljning, parametrar: Mapping[str, object] | None = None, kommando: str | None = None
) -> Kallor:
    """Källrutan och källbladet för uppföljningsrapporten."""
    avtal, underlag, pahittat = u.avtal, u.underlag, u.pahittat
    vanliga = [
        ("Avtal", f"{avtal.namn} ({avtal.kalla})"),
        (
            "Underlag",
            "påhittat exempelunderlag, inte verkliga siffror" if pahittat else f"ifyllt underlag ({underlag.kalla})",
        ),
        (
            "Befolkning",
            f"Folkmängd {format_datum(avtal.befolkningsdatum)} enligt SCB (fördelningen av den fasta kostnaden)",
        ),
    ]
    if avtal.rorliga_kostnader:
        vanliga.append(("Kursavgift och pott", avtal.rorliga_kostnader.kalla))
    tekniska = [("Avtalsfil", describe_fil(u.avtalsfil)), ("Underlagets plats", underlag.kalla)]
    return proveniens(vanliga, tekniska, parametrar, kommando=kommando)


def faktura_kallor(fk: Fakturering, kommando: str | None = None) -> Kallor:
    """Källbladet i fakturaarbetsboken."""
    avtal, fakturadatum, underlag = fk.avtal, fk.fakturadatum, fk.underlag
    vanliga = [
        ("Avtal", f"{avtal.namn} ({avtal.kalla})"),
        ("Fakturadatum", format_datum(fakturadatum)),
        (
            "Förfallodatum",
            f"fakturadatum + {avtal.fakturering.betalningsvillkor_dagar} dagar, flyttat till nästa "
            "bankdag om det blir en lördag, söndag eller helgdag",
        ),
        (
            "Fast kostnad",
            f"enligt avtal: {format_kr(avtal.belopp_kommuner)} fördelat efter folkmängd "
            f"{format_datum(avtal.befolkningsdatum)} enligt SCB",
        ),
        ("Underlag", "ifyllt uppföljningsunderlag" if underlag else "inget (bara den fasta kostnaden)"),
        (
            "Körning",
            f"nummer {fk.korning} för {avtal.ar} (referensernas sista del; räknas ur underlagets bokförda fakturor)",
        ),
        (
            "Utbildarpotten",
            "året är avslutat (--slutlig): tomma utbildardagar räknas som 0 och potten betalas ut"
            if fk.slutlig
            else "står redan krediterad på bladet Fakturor (en tidigare körning); hålls inte inne igen"
            if fk.potten_krediterad
            else "betalas ut först när utbildardagarna är ifyllda eller året är avslutat (--slutlig)",
        ),
    ]
    tekniska = [("Avtalsfil", describe_fil(fk.avtalsfil))]
    if underlag:
        tekniska.append(("Underlagets plats", underlag.kalla))
    return proveniens(vanliga, tekniska, kommando=kommando)
