"""Årets avtal: ett förslag ur antagandena (data/avtal/ÅR.yaml), fastställt, listat, jämfört med
förra avtalet och historiken över vad varje kommun betalat enligt varje avtal och förslag."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import MANADER, Avtal, Fil, Kostnad, Period, RorligaKostnader, datumtext
from analys.berakning.avtal import Kostnadspost, compute_befolkningsdatum, compute_effekter, compute_kostnadsposter
from analys.fel import AnalysError
from analys.filer import tidsstampel, write_text_atomic
from analys.flode.fordelning import avtalets_fordelning, som_forr
from analys.flode.scenarier import berakna_scenario, scenarier_i_fil, standardfiler
from analys.flode.spar import fil
from analys.indata import platshallare
from analys.indata.antaganden import antagandenas_platshallare, load_antaganden
from analys.indata.avtal import avtal_dir, avtal_yaml, avtalsfiler_for_lan, check_avtal_yaml, load_avtal
from analys.indata.befolkning import datum_for_lan, load_befolkning, parse_datum
from analys.indata.paths import visningsvag
from analys.indata.projekt import standard_beslutande, standardlan
from analys.indata.varden import kommunkoder


@dataclass(frozen=True)
class Forslag:
    """Ett förslag till avtal, uträknat men ännu inte skrivet: avtalet, filens text och var den hamnar."""

    avtal: Avtal
    text: str
    path: Path
    poster: tuple[Kostnadspost, ...]
    scenario: str
    fordelning: pd.DataFrame  # kommunkod, kommun, folkmangd, andel, belopp
    forra: Avtal
    ersatter: bool  # filen finns (ett tidigare förslag) och skrivs över

    @property
    def vag(self) -> str:
        """Filen som användaren ser den (relativt analys-mappen)."""
        return visningsvag(self.path)


def _kr(n: int) -> str:
    return f"{n:,}".replace(",", " ") + " kr"


def _flytta(d: date, ar: int) -> date:
    try:
        return d.replace(year=d.year + ar)
    except ValueError:  # 29 februari
        return d.replace(year=d.year + ar, day=28)


def _ar(ar: int) -> None:
    if not 2000 <= ar <= 2100:
        raise AnalysError(f"Året {ar} är inget avtalsår (2000–2100).")


def senaste_faststallda(lanskod: str, fore_ar: int) -> Avtal | None:
    """Det senaste fastställda avtalet för länet före året, eller None."""
    tidigare = [a for ar, (a, _) in avtalsfiler_for_lan(lanskod).items() if ar < fore_ar and not a.forslag]
    return tidigare[-1] if tidigare else None


# Var förslagets värden kommer ifrån: avtalsnyckel → antagandenas fält (nyckelvägens början) och
# förra avtalets nycklar. En platshållare där följer med som en platshållare i förslaget.
_UR_ANTAGANDENA = {
    "kostnader": ("roller", "indexering", "finansiering", "yrkesresor", "bemanning", "samverkan", "basar"),
    "kommunernas_andel": ("finansiering",),
    "rorliga_kostnader": (
        "rorliga → avgift_per_deltagardag",
        "rorliga → till_pott_per_deltagardag",
        "rorliga → kalla",
    ),
}
_UR_FORRA = ("preliminar", "period", "befolkningsdatum", "nyckel", "fast_andel", "fakturering", "villkor")


def _arvda_platshallare(
    scenario: str,
    ur_antagandena: tuple[platshallare.Platshallare, ...],
    ur_forra: tuple[platshallare.Platshallare, ...],
) -> dict[str, str]:
    """Förslagets nycklar som bygger på platshållare, med en kommentar som säger var de står."""
    kallor: dict[str, list[platshallare.Platshallare]] = {}
    for p in ur_antagandena:
        falt = p.falt.removeprefix(f"{scenario} → andringar → ")
        for nyckel, falten in _UR_ANTAGANDENA.items():
            if any(falt == f or falt.startswith(f + " → ") for f in falten):
                kallor.setdefault(nyckel, []).append(p)
    for p in ur_forra:
        if (nyckel := p.falt.split(" → ")[0]) in _UR_FORRA:
            kallor.setdefault(nyckel, []).append(p)
    ut = {}
    for nyckel, lista in kallor.items():
        per_fil: dict[str, list[str]] = {}
        for p in lista:
            per_fil.setdefault(p.fil, []).append(str(p.rad))
        var = "; ".join(f"{f} rad {', '.join(dict.fromkeys(r))}" for f, r in per_fil.items())
        ut[nyckel] = f"{platshallare.MARKERING}: bygger på platshållare i {var}"
    return ut


def forslag(ar: int, scenario: str = "bas", befolkningsdatum: str | None = None, skriv_over: bool = False) -> Forslag:
    """Förslaget till avtal för `ar` ur antagandena och scenariot: kostnadsposterna det året
    (kostnadsmodellens fasta kostnad, delad på rollerna), kommunernas andel efter finansieringen,
    nyckel, betalningsvillkor, villkor och period ur det senaste fastställda avtalet, och
    befolkningsdatumet (se `berakning.avtal.compute_befolkningsdatum`). Inget skrivs här."""
    _ar(ar)
    antagandefil, scenariofil = standardfiler()
    a = load_antaganden(scenario)
    alla = scenarier_i_fil(scenariofil, [scenario]) if scenariofil.is_file() else {}
    lanskod = standardlan()
    if a.lan != lanskod:
        raise AnalysError(f"Antagandena gäller län {a.lan}, men analys-mappen gäller län {lanskod}.")
    path = avtal_dir() / f"{ar}.yaml"
    befintliga = avtalsfiler_for_lan(lanskod)
    if ar in befintliga and not befintliga[ar][0].forslag:
        raise AnalysError(
            f"{visningsvag(befintliga[ar][1])} är ett fastställt avtal för {ar}; ett förslag skriver aldrig över det."
        )
    ersatter = path.exists()
    if ersatter and not skriv_over:
        raise AnalysError(
            f"{visningsvag(path)} finns redan och skrivs inte över. Lägg till --skriv-over för att ersätta förslaget."
        )
    forra = senaste_faststallda(lanskod, ar)
    forra_fil = befintliga[forra.ar][1] if forra is not None else None
    if forra is None:
        raise AnalysError(
            f"Det finns inget fastställt avtal före {ar} i data/avtal/ att ta nyckel, betalningsvillkor, villkor "
            "och period från."
        )
    _, per_ar = berakna_scenario(a, scenario, ar, ar)
    total = int(per_ar["fast_total"].iloc[0])
    poster = compute_kostnadsposter(a, ar, total)
    finns = datum_for_lan(lanskod)
    if befolkningsdatum is not None:
        datum = parse_datum(befolkningsdatum)
        if datum not in finns:
            raise AnalysError(
                f"--befolkningsdatum {befolkningsdatum}: folkmängden {datum.isoformat()} finns inte för länet; "
                "hämta den med analys hamta-befolkning eller välj ett annat datum."
            )
        varfor = "angivet med --befolkningsdatum"
    else:
        datum, varfor = compute_befolkningsdatum(forra.befolkningsdatum, forra.ar, ar, finns)
    _kontrollera_andel(total, a.finansiering_ar(ar).kommuner, ar)
    steg = ar - forra.ar
    period = Period(fran=_flytta(forra.period.fran, steg), till=_flytta(forra.period.till, steg))
    byt = {
        forra.period.fran.isoformat(): period.fran.isoformat(),
        forra.period.till.isoformat(): period.till.isoformat(),
    }

    def ny_text(t: str) -> str:
        return re.sub("|".join(map(re.escape, byt)), lambda m: byt[m.group(0)], t)

    namn = re.sub(rf"\b{forra.ar}\b", str(ar), forra.namn)
    if namn == forra.namn:
        namn = f"{forra.namn} ({ar})"
    scenarionamn = alla[scenario].namn if scenario in alla else scenario
    index = a.indexering_ar(ar)
    kalla = (
        f"Förslag ur antagandena ({visningsvag(antagandefil)}, scenariot {scenarionamn}), skrivet av "
        f"analys avtal forslag den {datumtext(date.today())}; ännu inte fastställt"
    )
    avtal = Avtal(
        namn=namn,
        ar=ar,
        lan=lanskod,
        kalla=kalla,
        preliminar=forra.preliminar,
        period=period,
        kostnader=tuple(Kostnad(roll=p.roll, tjanst=p.tjanst, belopp=p.belopp) for p in poster),
        kommunernas_andel=a.finansiering_ar(ar).kommuner,
        befolkningsdatum=datum,
        nyckel=forra.nyckel,
        fast_andel=forra.fast_andel,
        fakturering=forra.fakturering,
        rorliga_kostnader=RorligaKostnader(
            avgift_per_deltagardag=a.rorliga.avgift_per_deltagardag,
            till_pott_per_deltagardag=a.rorliga.till_pott_per_deltagardag,
            kalla=a.rorliga.kalla,
        ),
        villkor=tuple(ny_text(v) for v in forra.villkor),
        exempel=a.exempel or forra.exempel,
        status="förslag",
        befolkningsdatum_val=varfor,
    )
    huvud = [
        f"FÖRSLAG till avtal {ar}, skrivet av `analys avtal forslag {ar}` ur antagandena och scenariot {scenarionamn}.",
        "Ett förslag räknas som beräknat (scenarier, känslighet och Monte Carlo får ändra det) tills det",
        f"fastställs med `analys avtal faststall {ar} --beslutsdatum ÅÅÅÅ-MM-DD`.",
        f"Fast kostnad {ar}: {_kr(total)} = kostnadsmodellens belopp för året (indexering från basåret {a.basar}, "
        f"{format((index * 100).normalize(), 'f')} % per år {ar}), delat på posterna:",
        *[f"  {p.roll}: {_kr(p.belopp)} ({p.forklaring}, indexerat till {ar})" for p in poster],
        f"Kommunernas andel {a.finansiering_ar(ar).kommuner} % enligt finansieringen i antagandena.",
        f"Nyckel, betalningsvillkor, villkor och period ur avtalet {forra.ar} ({forra.namn}).",
        f"Befolkningsdatum {datum.isoformat()}: {varfor}.",
    ]
    arvda = _arvda_platshallare(
        scenario,
        antagandenas_platshallare(antagandefil, scenariofil, scenario),
        platshallare.hitta(forra_fil) if forra_fil else (),
    )
    if arvda:
        huvud.append(
            f"Rader märkta {platshallare.MARKERING} bygger på exempelvärden; förslaget fastställs inte "
            "förrän de är ersatta."
        )
    text = avtal_yaml(avtal, kommentarer=arvda, huvud="\n".join(huvud))
    check_avtal_yaml(text, visningsvag(path))
    fordelning = avtalets_fordelning(avtal)
    return Forslag(avtal, text, path, poster, scenario, fordelning, forra, ersatter)


def _kontrollera_andel(total: int, procent, ar: int) -> bool:
    andel = total * procent / 100
    if andel != int(andel):
        raise AnalysError(
            f"Kommunernas andel {procent} % av den fasta kostnaden {total} kr {ar} blir inte hela kronor "
            f"({andel} kr); ändra finansieringen i antagandena eller ange beloppen i avtalsfilen för hand."
        )
    return True


def skriv_forslag(f: Forslag) -> None:
    """Skriv förslaget till data/avtal/ÅR.yaml (atomiskt)."""
    write_text_atomic(f.path, f.text)


def _backup(path: Path) -> Path:
    """En kopia av filen bredvid den (ÅR.yaml.ÅÅÅÅMMDD-TTMMSS.bak), som avtalsläsaren inte läser."""
    stampel = tidsstampel()
    kopia = path.with_name(f"{path.name}.{stampel}.bak")
    write_text_atomic(kopia, path.read_text(encoding="utf-8"))
    return kopia


@dataclass(frozen=True)
class Faststallelse:
    avtal: Avtal
    path: Path
    backup: Path
    varning: str = ""  # t.ex. ett beslutsdatum före dagen förslaget skrevs

    @property
    def vag(self) -> str:
        return visningsvag(self.path)


def skrivet_den(a: Avtal) -> date | None:
    """Dagen `analys avtal forslag` skrev förslaget, ur källtexten den skrev ("… skrivet av analys
    avtal forslag den 4 december 2026 …"); None för ett förslag som skrivits för hand."""
    m = re.search(r"skrivet av analys avtal forslag den (\d{1,2}) (\w+) (\d{4})", a.kalla)
    if m is None or m.group(2) not in MANADER:
        return None
    with contextlib.suppress(ValueError):
        return date(int(m.group(3)), MANADER.index(m.group(2)) + 1, int(m.group(1)))
    return None


def _kontrollera_beslutsdatum(beslutsdatum: date, a: Avtal, path: Path) -> str:
    """Ett beslut fattas inte i framtiden (ett fel). Ett beslut som ligger före dagen förslaget
    skrevs ger en varning: det kan vara ett skrivfel, men också ett förslag som skrivits om i
    efterhand (som README:ns exempel med avtalen 2022–2025)."""
    if beslutsdatum > date.today():
        raise AnalysError(
            f"--beslutsdatum {beslutsdatum.isoformat()} ligger i framtiden; ange dagen beslutet fattades "
            "(fastställ avtalet när beslutet är fattat)."
        )
    skrivet = skrivet_den(a)
    if skrivet is not None and beslutsdatum < skrivet:
        return (
            f"Obs: beslutsdatumet {beslutsdatum.isoformat()} ligger före dagen förslaget skrevs "
            f"({skrivet.isoformat()}, enligt kalla i {visningsvag(path)}). Stämmer datumet? Annars: "
            "lägg tillbaka förslaget från kopian (.bak) och fastställ igen med rätt datum."
        )
    return ""


def faststall(ar: int, beslutsdatum: date, beslutat_av: str | None = None) -> Faststallelse:
    """Gör förslaget för `ar` till ett fastställt avtal: samma belopp, status fastställt, vem som
    beslutat (standard `beslutande` i analys.yaml, se `indata.projekt`) och när. Den tidigare
    filen sparas som en kopia bredvid (.bak). Ett förslag med platshållare kvar (egna, eller ur
    antagandena och förra avtalet, se `forslag`) fastställs inte."""
    _ar(ar)
    beslutat_av = (beslutat_av or "").strip() or standard_beslutande()
    a, path = load_avtal(str(ar))
    platshallare.kontrollera(f"Avtalet {ar} fastställs inte", platshallare.hitta(path))
    if not a.forslag:
        raise AnalysError(f"{visningsvag(path)} är redan fastställt ({a.beslutsdatum or 'utan beslutsdatum'}).")
    if beslutsdatum > a.period.till:
        raise AnalysError(
            f"--beslutsdatum {beslutsdatum.isoformat()} ligger efter avtalets period ({a.period.till.isoformat()})."
        )
    varning = _kontrollera_beslutsdatum(beslutsdatum, a, path)
    nytt = Avtal.model_validate(
        {
            **a.model_dump(),
            "status": "fastställt",
            "beslutat_av": beslutat_av,
            "beslutsdatum": beslutsdatum,
            "kalla": a.kalla.replace("; ännu inte fastställt", "")
            + f"; fastställt av {beslutat_av} {datumtext(beslutsdatum)}",
        }
    )
    gammal = path.read_text(encoding="utf-8")
    huvud = [r[2:] if r.startswith("# ") else r[1:] for r in gammal.splitlines() if r.startswith("#")]
    huvud = [r.replace(f"FÖRSLAG till avtal {ar}", f"Avtal {ar} (först ett förslag)") for r in huvud]
    huvud.append(f"Fastställt av {beslutat_av} {datumtext(beslutsdatum)} (analys avtal faststall).")
    huvud = [r for r in huvud if "Ett förslag räknas som beräknat" not in r and "fastställs med" not in r]
    text = avtal_yaml(nytt, huvud="\n".join(huvud))
    check_avtal_yaml(text, visningsvag(path))
    backup = _backup(path)
    write_text_atomic(path, text)
    return Faststallelse(nytt, path, backup, varning)


@dataclass(frozen=True)
class Avtalsrad:
    avtal: Avtal
    fil: Fil


def lista() -> tuple[Avtalsrad, ...]:
    """Analys-mappens avtal och förslag för mappens län, i årsordning."""
    return tuple(Avtalsrad(a, fil(p)) for a, p in avtalsfiler_for_lan(standardlan()).values())


@dataclass(frozen=True)
class Avtalsjamforelse:
    """Per kommun förra → nya avtalets belopp och förändringens två delar (`df`, se
    `berakning.avtal.compute_effekter`)."""

    df: pd.DataFrame
    fore: Avtal
    efter: Avtal
    undantagna: tuple[str, ...]
    filer: tuple[Fil, ...]

    @property
    def pahittat(self) -> bool:
        return self.fore.exempel or self.efter.exempel

    @property
    def slag_efter(self) -> str:
        """Slaget för det nya avtalets belopp: avtalets eget ("enligt avtal", "förslag"), men
        "beräknat" när några kommuner undantas: de beloppen står inte i något avtal."""
        return "beräknat" if self.undantagna else self.efter.slag


def jamfor(ar: int, mot: int | None = None, exkludera: tuple[str, ...] = ()) -> Avtalsjamforelse:
    """Avtalet (eller förslaget) för `ar` mot avtalet `mot` (standard: det senaste före `ar`, av
    något slag). Med `exkludera` fördelas det nya beloppet på de övriga kommunerna ("om en kommun
    inte skriver under")."""
    _ar(ar)
    efter, efter_path = load_avtal(str(ar))
    if mot is None:
        tidigare = [ar_ for ar_ in avtalsfiler_for_lan(efter.lan) if ar_ < ar]
        if not tidigare:
            raise AnalysError(f"Det finns inget avtal före {ar} i data/avtal/ att jämföra med; ange --mot ÅR.")
        mot = tidigare[-1]
    if mot == ar:
        raise AnalysError(f"--mot {mot} är samma år som avtalet; välj ett tidigare avtal.")
    fore, fore_path = load_avtal(str(mot))
    if fore.lan != efter.lan:
        raise AnalysError(f"Avtalet {mot} gäller län {fore.lan}, avtalet {ar} län {efter.lan}.")
    befolkning = load_befolkning(efter.lan, efter.befolkningsdatum)
    koder = kommunkoder(exkludera, befolkning, "--exkludera")
    if len(koder) >= len(befolkning):
        raise AnalysError("--exkludera: minst en kommun måste vara kvar att fördela beloppet på.")
    namn = dict(zip(befolkning["kommunkod"], befolkning["kommun"], strict=True))
    nya = avtalets_fordelning(efter, frozenset(koder))
    df = compute_effekter(avtalets_fordelning(fore), nya, som_forr(fore, int(nya["belopp"].sum())))
    return Avtalsjamforelse(
        df, fore, efter, tuple(f"{k} {namn[k]}" for k in sorted(koder)), (fil(fore_path), fil(efter_path))
    )


HISTORIK_KOLUMNER = ["ar", "slag", "kommunkod", "kommun", "belopp", "befolkningsdatum", "nyckel", "avtal"]


@dataclass(frozen=True)
class Historik:
    """Avtalen och förslagen (`rader`) och vad varje kommun betalat enligt dem (`df`, se `historik`)."""

    rader: tuple[Avtalsrad, ...]
    df: pd.DataFrame

    @property
    def pahittat(self) -> bool:
        """Något av avtalen är ett påhittat exempel (`exempel: true`)."""
        return any(r.avtal.exempel for r in self.rader)


def berakna_historik() -> Historik:
    """Historiken för rapporten: avtalen en gång, och fördelningen enligt vart och ett."""
    rader = lista()
    return Historik(rader, historik(rader))


def historik(rader: tuple[Avtalsrad, ...] | None = None) -> pd.DataFrame:
    """Varje avtal och förslag i data/avtal/ för mappens län (eller i `rader`), per kommun och år:
    ar, slag ("enligt avtal" eller "förslag"), kommunkod, kommun, belopp, befolkningsdatum, nyckel,
    avtal. Tom (med kolumnerna) när mappen inte har något avtal."""
    delar = []
    for rad in lista() if rader is None else rader:
        a = rad.avtal
        d = avtalets_fordelning(a)[["kommunkod", "kommun", "belopp"]].copy()
        d.insert(0, "slag", a.slag)
        d.insert(0, "ar", a.ar)
        d["befolkningsdatum"] = a.befolkningsdatum.isoformat()
        d["nyckel"] = a.nyckel.value
        d["avtal"] = a.namn
        delar.append(d)
    if not delar:
        return pd.DataFrame(columns=HISTORIK_KOLUMNER)
    return pd.concat(delar, ignore_index=True)[HISTORIK_KOLUMNER]
