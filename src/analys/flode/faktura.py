"""Fakturorna enligt ett avtal: läs avtalet (och underlaget, om ett ges) och räkna fakturaraderna:
fast kostnad per kommun, och med ett underlag även kursavgifter och utbildarpotten, med det som
redan fakturerats avräknat; en faktura per kommun med en unik referens, och nettot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analys.begrepp import Avtal, Fil, Underlag
from analys.berakning.faktura import (
    compute_datumkontroll,
    compute_fakturanetto,
    compute_fakturor,
    compute_korning,
    compute_krediterade_pottar,
)
from analys.berakning.uppfoljning import compute_pott_vantar, compute_rorligt
from analys.fel import AnalysError
from analys.flode.fordelning import avtalets_fordelning
from analys.flode.spar import fil
from analys.indata import platshallare
from analys.indata.avtal import load_avtal
from analys.indata.underlag import BLADNAMN, read_underlag
from analys.indata.varden import kommunkoder


@dataclass(frozen=True)
class Fakturering:
    """Fakturaraderna (kommunkod, kommun, avser, belopp, fakturadatum, forfallodatum, referens,
    post), fakturorna (en per kommun, nettot; se `berakning.faktura.compute_fakturanetto`) och
    vad de bygger på."""

    df: pd.DataFrame
    avtal: Avtal
    avtalsfil: Fil
    fakturadatum: date
    underlag: Underlag | None
    fakturor: pd.DataFrame | None = None
    korning: int = 1
    varningar: tuple[str, ...] = ()  # datum utanför avtalets period, godkända med --tillat-datum
    pott_vantar: tuple[int, ...] = ()  # år vars utbildarpott väntar på utbildardagar (ej rapporterat)
    slutlig: bool = False
    underlagsfil: Path | None = None
    ingen_faktura: tuple[str, ...] = ()  # kommuner vars rader tar ut varandra: ingen faktura

    @property
    def potten_krediterad(self) -> bool:
        """Årets pott står redan krediterad på bladet Fakturor (en tidigare körning)."""
        return self.underlag is not None and self.avtal.ar in compute_krediterade_pottar(
            self.underlag.fakturor["avser"]
        )

    @property
    def utbildardagar_saknas(self) -> tuple[str, ...]:
        """Kommunerna (namn, i bokstavsordning) vars utbildardagar inte är ifyllda för ett år vars
        pott väntar: de som potten väntar på."""
        if self.underlag is None or not self.pott_vantar:
            return ()
        return self.underlag.ej_rapporterade("utbildardagar", self.pott_vantar)

    @property
    def pahittat(self) -> bool:
        """Avtalet eller underlaget är ett påhittat exempel eller har platshållare."""
        return self.avtal.exempel or (self.underlag is not None and self.underlag.pahittat)


def fakturor(avtal: Avtal, fakturadatum: date, underlag: Underlag | None = None, slutlig: bool = False) -> pd.DataFrame:
    """Fakturaraderna för avtalet; se `berakning.faktura.compute_fakturor`. Körningens löpnummer
    är ett mer än det högsta i en referens på underlagets blad Fakturor."""
    fordelning = avtalets_fordelning(avtal)
    rorligt = compute_rorligt(underlag, avtal, slutlig) if underlag is not None else None
    fakturerat = None
    korning = 1
    if underlag is not None and len(underlag.fakturor):
        fakturerat = underlag.fakturor.groupby("kommunkod")["belopp"].sum()
        korning = compute_korning(underlag.fakturor["avser"], avtal.ar)
    return compute_fakturor(avtal, fakturadatum, fordelning, rorligt, fakturerat, korning)


def bladets_datum(avtal: Avtal, underlag: Underlag) -> list[str]:
    """Fakturor på bladet Fakturor (eller i fakturor.csv) daterade utanför avtalets period, som text."""
    blad = f"blad {BLADNAMN['fakturor']}" if underlag.kalla.endswith(".xlsx") else "fakturor.csv"
    ut = []
    for r in underlag.fakturor.itertuples():
        if v := compute_datumkontroll(avtal, r.fakturadatum, "fakturadatum"):
            belopp = f"{int(r.belopp):,}".replace(",", " ")
            vad = f"{r.kommun} ({belopp} kr, {r.avser or 'utan text'})"
            ut.append(f"{underlag.kalla}, {blad}: fakturan till {vad} har {v}")
    return ut


def datumvarningar(avtal: Avtal, fakturadatum: date, underlag: Underlag | None, tillat_datum: bool) -> tuple[str, ...]:
    """Fakturadatumet och datumen på bladet Fakturor ska ligga i avtalets period. Ett datum utanför
    (men inom ett år från perioden) kräver `tillat_datum` och blir då en varning; längre bort är
    alltid ett fel."""
    varningar = []
    if v := compute_datumkontroll(avtal, fakturadatum, "Fakturadatum", "--fakturadatum"):
        varningar.append(f"{v} (--fakturadatum)")
    if underlag is not None:
        varningar += bladets_datum(avtal, underlag)
    if varningar and not tillat_datum:
        raise AnalysError(
            "; ".join(varningar) + ". Stämmer datumet, lägg till --tillat-datum; annars rätta det. Inget har skrivits."
        )
    return tuple(varningar)


def berakna(
    avtal: str | Path,
    fakturadatum: date,
    underlag: str | Path | None = None,
    kommun: str | None = None,
    tillat_datum: bool = False,
    slutlig: bool = False,
) -> Fakturering:
    """Avtalets fakturor vid fakturadatumet; med `kommun` (kod eller namn) bara den kommunens rader.
    Datum utanför avtalets period kräver `tillat_datum`; `slutlig` säger att året är avslutat, så
    att tomma utbildardagar räknas som 0 och potten betalas ut. Ett avtal med platshållare kvar
    (se `indata.platshallare`) faktureras inte."""
    a, path = load_avtal(avtal)
    if a.forslag:  # också när flödet anropas direkt, t.ex. från en notebook
        raise AnalysError(
            f"Avtalet {a.ar} är ett förslag (status: förslag) och faktureras inte; fastställ det först med "
            f"analys avtal faststall {a.ar} --beslutsdatum ÅÅÅÅ-MM-DD."
        )
    # Fakturorna lämnar huset: inga exempelvärden (också när flödet anropas från en notebook).
    platshallare.kontrollera(f"Fakturorna enligt avtalet {a.ar} tas inte fram", platshallare.hitta(path))
    u = read_underlag(underlag, a) if underlag else None
    varningar = datumvarningar(a, fakturadatum, u, tillat_datum)
    df = fakturor(a, fakturadatum, u, slutlig)
    alla = avtalets_fordelning(a)[["kommunkod", "kommun"]]
    if kommun is not None:
        kod = kommunkoder([kommun], alla, "--kommun")[0]
        df = df[df["kommunkod"] == kod].reset_index(drop=True)
        alla = alla[alla["kommunkod"] == kod]
    return Fakturering(
        df,
        a,
        fil(path),
        fakturadatum,
        u,
        fakturor=compute_fakturanetto(df),
        korning=compute_korning(u.fakturor["avser"], a.ar) if u is not None else 1,
        varningar=varningar,
        pott_vantar=compute_pott_vantar(u, slutlig) if u is not None and u.aktivitet["deltagardagar"].sum() else (),
        slutlig=slutlig,
        underlagsfil=Path(underlag) if underlag else None,
        ingen_faktura=tuple(alla.loc[~alla["kommunkod"].isin(df["kommunkod"]), "kommun"]),
    )
