"""Utforska kostnaderna i JupyterLab eller som app (Voilà): reglage för bemanning, kostnad per
tjänst, indexering, lanseringar och fördelningsnyckel som räknar om tabellen och diagrammet direkt.

Rubriken är kommunernas fasta kostnad, som i rapporterna: enligt avtal för år med avtal (som
reglagen inte ändrar), beräknad för övriga år. Kursavgifter och pott är beräknade och står för sig.
Logiken ligger här (inte i notebooken) så att ett test kan vrida på reglagen utan webbläsare.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analys.begrepp import Antaganden, Nyckel, Nyckelval
from analys.berakning.kostnadsmodell import Drag, Modellunderlag, compute
from analys.flode.scenarier import modellunderlag
from analys.indata.antaganden import load_antaganden, read_scenarier
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.tabeller import PAHITTAT, banner_pahittat, hela_tal, html_tabell, svg_linjer

SOM_I_SCENARIOT = "scenariot"


class Utforskare:
    """Reglage + tabell + diagram för ett scenario. `update()` räknar om och ritar om."""

    def __init__(
        self,
        scenario: str = "bas",
        fran: int | None = None,
        till: int | None = None,
        antaganden: str | Path | None = None,
    ) -> None:
        import ipywidgets as w

        fil = Path(antaganden) if antaganden else None
        self.bas = load_antaganden(scenario, fil)
        fran = fran or self.bas.basar
        till = till or fran + 6
        scenarier = read_scenarier(fil.parent / "scenarier.yaml" if fil else None)
        self.scenarionamn = scenarier[scenario].namn if scenario in scenarier else scenario
        self.scenario, self.fran, self.till = scenario, fran, till
        self._underlag: dict[tuple[str, Decimal], Modellunderlag] = {}
        # Jämförelsen är scenariot som det står i antagandena, med dess egen nyckel (också en egen
        # nyckel eller en som byts ett visst år); reglaget för nyckeln utgår från den.
        self.basunderlag = modellunderlag(self.bas, fran, till)
        self.basresultat = compute(self.bas, self.basunderlag)
        nycklar = [("Befolkning", "befolkning"), ("Lika delar", "lika"), ("Blandad", "blandad")]
        if self.bas.nyckel_per_ar:
            nycklar.insert(0, ("Som i scenariot", SOM_I_SCENARIOT))
        elif self.bas.nyckel.nyckel.value not in dict(nycklar).values():
            nycklar.insert(0, ("Egen (enligt antagandena)", SOM_I_SCENARIOT))
        startnyckel = nycklar[0][1] if nycklar[0][1] == SOM_I_SCENARIOT else self.bas.nyckel.nyckel.value
        self._rubrik: dict[str, str] = {}

        def reglage(klass, klassnamn: str, description: str, **kw):
            r = klass(layout=w.Layout(width="100%"), **kw)
            r.add_class(klassnamn)
            self._rubrik[r.model_id] = description
            return r

        self.per_resa = reglage(
            w.FloatSlider,
            "reglage-per-resa",
            value=float(self.bas.bemanning.per_resa),
            min=0,
            max=1,
            step=0.05,
            description="Extra tjänst per ny resa",
        )
        self.faktor = reglage(
            w.FloatSlider,
            "reglage-faktor",
            value=1.0,
            min=0.6,
            max=1.6,
            step=0.05,
            description="Kostnad per tjänst (faktor)",
        )
        self.indexering = reglage(
            w.FloatSlider,
            "reglage-indexering",
            value=float(self.bas.indexering_ar(self.bas.basar + 1)),
            min=0,
            max=0.08,
            step=0.005,
            description="Indexering per år",
        )
        self.skift = reglage(
            w.IntSlider, "reglage-skift", value=0, min=-12, max=36, step=1, description="Lanseringar flyttas (mån)"
        )
        self.nyckel = reglage(
            w.Dropdown,
            "reglage-nyckel",
            options=nycklar,
            value=startnyckel,
            description="Fördelningsnyckel",
        )
        self.fast_andel = reglage(
            w.FloatSlider,
            "reglage-fast-andel",
            value=float(self.bas.nyckel.fast_andel),
            min=0,
            max=1,
            step=0.05,
            description="Fast andel (blandad)",
        )
        self.ar = reglage(w.IntSlider, "reglage-ar", value=till, min=fran, max=till, description="År i tabellen")
        # Rubriken står ovanför reglaget och värdet skrivs på svenska (decimalkomma, "3,5 %")
        # bredvid, i stället för ipywidgets engelska visning; allt radbryts på en smal skärm.
        self._visning = {}
        for r in self.reglage:
            if isinstance(r, w.Dropdown):
                continue
            r.readout = False
            etikett = w.HTML(layout=w.Layout(min_width="78px"))
            etikett.add_class("reglage-varde")
            self._visning[r.model_id] = etikett
        self.tabell = w.HTML()
        self.sammanfattning = w.HTML()
        self.sammanfattning.add_class("sammanfattning")
        self.diagram = w.HTML()
        self.diagram.add_class("diagram")
        self.senaste_tid = 0.0
        for r in self.reglage:
            r.observe(lambda _change: self.update(), names="value")
        self.update()

    @property
    def reglage(self) -> list:
        return [self.per_resa, self.faktor, self.indexering, self.skift, self.nyckel, self.fast_andel, self.ar]

    def _underlag_for(self, nyckel: str, fast_andel: Decimal) -> Modellunderlag:
        """Befolkning och andelar med den valda nyckeln för alla år (scenariots egna om den inte ändrats)."""
        if nyckel == SOM_I_SCENARIOT:
            return self.basunderlag
        nyckel_kod = (nyckel, Decimal(str(fast_andel)) if nyckel == "blandad" else Decimal(0))
        if nyckel_kod not in self._underlag:
            a = self.bas.model_copy(
                update={"nyckel": Nyckelval(nyckel=Nyckel(nyckel), fast_andel=nyckel_kod[1]), "nyckel_per_ar": {}}
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

    def visat_varde(self, r) -> str:
        """Reglagets värde som det visas, på svenska."""
        if r is self.indexering:
            return format_procent(r.value, 1)
        if r is self.fast_andel:
            return format_procent(r.value, 0)
        if r in (self.per_resa, self.faktor):
            return format_tal(r.value, 2)
        if r is self.skift:
            return f"{'+' if r.value > 0 else ''}{r.value} mån"
        return str(r.value)

    def fast_total(self, ar: int) -> int:
        """Kommunernas fasta kostnad år `ar` med reglagens värden (det sammanfattningen visar)."""
        return int(self.resultat.kommunernas_del[0, self.underlag.ar.index(ar)])

    def update(self) -> float:
        """Räkna om med reglagens värden, uppdatera tabell och diagram; returnerar tiden i sekunder."""
        start = time.perf_counter()
        for r in self.reglage:
            if r.model_id in self._visning:
                self._visning[r.model_id].value = f"<b>{self.visat_varde(r)}</b>"
        self.fast_andel.disabled = self.nyckel.value != "blandad"
        a, drag = self.antaganden()
        u = self._underlag_for(self.nyckel.value, Decimal(str(round(self.fast_andel.value, 4))))
        self.underlag = u
        self.resultat = compute(a, u, drag)
        j = u.ar.index(self.ar.value)
        slag = u.slag(j)
        fast, bas = self.resultat.fast_kostnad[0, j], self.basresultat.fast_kostnad[0, j]
        fast_rubrik = f"Fast kostnad ({slag})"
        mot = f"Mot {self.scenarionamn}"
        df = pd.DataFrame(
            {
                "Kommun": u.kommun,
                "Andel": u.andel[j],
                fast_rubrik: fast,
                "Kursavgifter (beräknat)": self.resultat.rorlig_kostnad[0, j],
                "Pott tillbaka (beräknat)": self.resultat.pott_tillbaka[0, j],
                mot: fast - bas,
            }
        )
        kr = [fast_rubrik, "Kursavgifter (beräknat)", "Pott tillbaka (beräknat)", mot]
        self.tabell.value = html_tabell(
            df,
            kr=kr,
            procent=["Andel"],
            summa={"Kommun": "Summa", **{k: int(df[k].sum()) for k in kr}, "Andel": 1.0},
            rubrik=f"Kostnad per kommun {self.ar.value}",
            slag={fast_rubrik: slag, "Kursavgifter (beräknat)": "beräknat", "Pott tillbaka (beräknat)": "beräknat"},
        )
        tot = int(fast.sum())
        skillnad = tot - int(bas.sum())
        avtal = "; reglagen ändrar inte ett år med avtal" if slag == "enligt avtal" else ""
        banner = banner_pahittat() if self.bas.exempel else ""
        self.sammanfattning.value = hela_tal(
            f"{banner}<p><b>{self.ar.value}</b> ({slag}{avtal}): kommunerna betalar "
            f'<b class="fast-total">{format_kr(tot)}</b> i fast kostnad, '
            f"{'+' if skillnad >= 0 else ''}{format_kr(skillnad)} mot scenariot {self.scenarionamn} "
            f"({format_procent(skillnad / int(bas.sum()), 1) if bas.sum() else '–'}). "
            f"Fast kostnad totalt (kommuner och region) {format_kr(int(self.resultat.fast_total[0, j]))}, "
            f"{format_tal(float(self.resultat.tjanster[0, j]), 2)} tjänster.</p>"
        )
        self._rita(u)
        self.senaste_tid = time.perf_counter() - start
        return self.senaste_tid

    def _rita(self, u: Modellunderlag) -> None:
        titel = "Kommunernas fasta kostnad per år"
        if self.bas.exempel:
            titel += f" ({PAHITTAT})"
        self.diagram.value = svg_linjer(
            u.ar,
            {
                self.scenarionamn: self.basresultat.kommunernas_del[0],
                "med reglagen": self.resultat.kommunernas_del[0],
            },
            titel,
            streckad=[self.scenarionamn],
        )

    def visa(self):
        """Widgeten att visa i notebooken."""
        import ipywidgets as w

        def ruta(r):
            rubrik = w.HTML(f"<label>{self._rubrik[r.model_id]}</label>")
            rad = [r, self._visning[r.model_id]] if r.model_id in self._visning else [r]
            return w.VBox(
                [rubrik, w.HBox(rad, layout=w.Layout(align_items="center", width="100%"))],
                layout=w.Layout(width="100%", max_width="420px", margin="0 24px 8px 0"),
            )

        if not hasattr(self, "_rutor"):
            self._rutor = [ruta(r) for r in self.reglage]
        return w.VBox(
            [
                w.Box(self._rutor, layout=w.Layout(display="flex", flex_flow="row wrap", width="100%")),
                self.sammanfattning,
                self.diagram,
                self.tabell,
            ]
        )
