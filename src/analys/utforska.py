"""Utforska kostnaderna i JupyterLab: reglage för bemanning, kostnad per tjänst, indexering,
lanseringar och fördelningsnyckel som uppdaterar en tabell och ett diagram direkt.

Logiken ligger här (inte i notebooken) så att ett test kan vrida på reglagen utan webbläsare.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pandas as pd

from analys.begrepp import Antaganden, Nyckelval
from analys.berakning.kostnadsmodell import Drag, Modellunderlag, compute
from analys.indata.antaganden import load_antaganden
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.scenarier import modellunderlag
from analys.rapporter.tabeller import html_tabell, svg_linjer


class Utforskare:
    """Reglage + tabell + diagram för ett scenario. `update()` räknar om och ritar om."""

    def __init__(self, scenario: str = "bas", fran: int = 2024, till: int = 2030) -> None:
        import ipywidgets as w

        self.bas = load_antaganden(scenario)
        self.scenario, self.fran, self.till = scenario, fran, till
        self._underlag: dict[tuple[str, Decimal], Modellunderlag] = {}
        self.basresultat = compute(
            self.bas, self._underlag_for(self.bas.nyckel.nyckel.value, self.bas.nyckel.fast_andel)
        )
        stil = {"description_width": "210px"}
        lay = w.Layout(width="520px")
        self.per_resa = w.FloatSlider(
            value=float(self.bas.bemanning.per_resa),
            min=0,
            max=1,
            step=0.05,
            description="Extra tjänst per ny resa",
            style=stil,
            layout=lay,
        )
        self.faktor = w.FloatSlider(
            value=1.0, min=0.6, max=1.6, step=0.05, description="Kostnad per tjänst (faktor)", style=stil, layout=lay
        )
        self.indexering = w.FloatSlider(
            value=float(self.bas.indexering_ar(self.bas.basar + 1)),
            min=0,
            max=0.08,
            step=0.005,
            readout_format=".1%",
            description="Indexering per år",
            style=stil,
            layout=lay,
        )
        self.skift = w.IntSlider(
            value=0, min=-12, max=36, step=1, description="Lanseringar flyttas (mån)", style=stil, layout=lay
        )
        self.nyckel = w.Dropdown(
            options=[("Befolkning", "befolkning"), ("Lika delar", "lika"), ("Blandad", "blandad")],
            value=self.bas.nyckel.nyckel.value,
            description="Fördelningsnyckel",
            style=stil,
            layout=lay,
        )
        self.fast_andel = w.FloatSlider(
            value=float(self.bas.nyckel.fast_andel),
            min=0,
            max=1,
            step=0.05,
            readout_format=".0%",
            description="Fast andel (blandad)",
            style=stil,
            layout=lay,
        )
        self.ar = w.IntSlider(value=till, min=fran, max=till, description="År i tabellen", style=stil, layout=lay)
        self.tabell = w.HTML()
        self.sammanfattning = w.HTML()
        self.diagram = w.HTML()
        self.senaste_tid = 0.0
        for reglage in self.reglage:
            reglage.observe(lambda _change: self.update(), names="value")
        self.update()

    @property
    def reglage(self) -> list:
        return [self.per_resa, self.faktor, self.indexering, self.skift, self.nyckel, self.fast_andel, self.ar]

    def _underlag_for(self, nyckel: str, fast_andel: Decimal) -> Modellunderlag:
        nyckel_kod = (nyckel, Decimal(str(fast_andel)) if nyckel == "blandad" else Decimal(0))
        if nyckel_kod not in self._underlag:
            a = self.bas.model_copy(
                update={"nyckel": Nyckelval(nyckel=nyckel, fast_andel=nyckel_kod[1]), "nyckel_per_ar": {}}
            )
            self._underlag[nyckel_kod] = modellunderlag(a, self.fran, self.till)
        return self._underlag[nyckel_kod]

    def antaganden(self) -> tuple[Antaganden, Drag]:
        drag = Drag(
            per_resa=Decimal(str(round(self.per_resa.value, 4))),
            kostnad_per_tjanst_faktor=Decimal(str(round(self.faktor.value, 4))),
            indexering=Decimal(str(round(self.indexering.value, 5))),
            lansering_forskjutning_manader=int(self.skift.value),
        )
        return self.bas, drag

    def update(self) -> float:
        """Räkna om med reglagens värden, uppdatera tabell och diagram; returnerar tiden i sekunder."""
        start = time.perf_counter()
        a, drag = self.antaganden()
        u = self._underlag_for(self.nyckel.value, Decimal(str(round(self.fast_andel.value, 4))))
        self.resultat = compute(a, u, drag)
        j = u.ar.index(self.ar.value)
        netto, bas = self.resultat.netto[0, j], self.basresultat.netto[0, j]
        df = pd.DataFrame(
            {
                "Kommun": u.kommun,
                "Andel": u.andel[j],
                "Fast kostnad": self.resultat.fast_kostnad[0, j],
                "Kursavgifter": self.resultat.rorlig_kostnad[0, j],
                "Pott tillbaka": self.resultat.pott_tillbaka[0, j],
                "Netto": netto,
                f"Mot {self.scenario}": netto - bas,
            }
        )
        kr = ["Fast kostnad", "Kursavgifter", "Pott tillbaka", "Netto", f"Mot {self.scenario}"]
        self.tabell.value = html_tabell(
            df, kr=kr, procent=["Andel"], summa={"Kommun": "Summa", **{k: int(df[k].sum()) for k in kr}, "Andel": 1.0}
        )
        tot = int(netto.sum())
        skillnad = tot - int(bas.sum())
        self.sammanfattning.value = (
            f"<p><b>{self.ar.value}</b>: kommunerna betalar <b>{format_kr(tot)}</b> netto, "
            f"{'+' if skillnad >= 0 else ''}{format_kr(skillnad)} mot scenariot {self.scenario} "
            f"({format_procent(skillnad / int(bas.sum()), 1) if bas.sum() else '–'}). "
            f"Fast kostnad totalt {format_kr(int(self.resultat.fast_total[0, j]))}, "
            f"{format_tal(float(self.resultat.tjanster[0, j]), 2)} tjänster.</p>"
        )
        self._rita(u)
        self.senaste_tid = time.perf_counter() - start
        return self.senaste_tid

    def _rita(self, u: Modellunderlag) -> None:
        self.diagram.value = svg_linjer(
            u.ar,
            {self.scenario: self.basresultat.netto[0].sum(axis=1), "med reglagen": self.resultat.netto[0].sum(axis=1)},
            "Kommunernas sammanlagda nettokostnad per år",
            streckad=[self.scenario],
        )

    def visa(self):
        """Widgeten att visa i notebooken."""
        import ipywidgets as w

        return w.VBox(
            [w.HBox([w.VBox(self.reglage[:4]), w.VBox(self.reglage[4:])]), self.sammanfattning, self.bild, self.tabell]
        )
