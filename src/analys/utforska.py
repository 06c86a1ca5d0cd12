"""Utforska kostnaderna i JupyterLab eller som app (Voilà): reglage för bemanning, kostnad per roll,
indexering, lanseringen av varje Yrkesresa och fördelningsnyckel som räknar om tabellen och
diagrammet direkt, och som går att spara som ett scenario eller ladda ner som arbetsbok.

Rubriken är kommunernas fasta kostnad, som i rapporterna: enligt avtal för år med avtal (som
reglagen inte ändrar), beräknad för övriga år. Kursavgifter och pott är beräknade och står för sig.

Reglagen blir ändringar av antagandena, precis som ett scenario i `scenarier.yaml`: det som visas
räknas på samma antaganden som `analys scenario` får när inställningen sparats som scenario.
Logiken ligger här (inte i notebooken) så att ett test kan vrida på reglagen utan webbläsare.
"""

from __future__ import annotations

import base64
import copy
import html
import json
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from analys import scenariofil
from analys.begrepp import Antaganden, manadsindex
from analys.berakning.kostnadsmodell import Modellunderlag, compute
from analys.fel import AnalysError
from analys.flode.scenarier import modellunderlag
from analys.indata.antaganden import load_antaganden, read_scenarier, standardfiler
from analys.indata.avtal import avtal_for_lan
from analys.indata.befolkning import lan_namn
from analys.indata.paths import visningsvag
from analys.indata.yamlfil import read_yaml
from analys.rapporter.excel import Blad, Kallor, Linjediagram, write_workbook
from analys.rapporter.format import format_kr, format_procent, format_tal
from analys.rapporter.tabeller import PAHITTAT, banner_pahittat, hela_tal, html_tabell, svg_linjer

SOM_I_SCENARIOT = "scenariot"
MANADER = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# På en smal skärm rullar tabellen i sidled, och det sägs ovanför den.
SMAL_STIL = """<style>
.utforskare .widget-html, .utforskare .widget-html-content {min-width: 0; max-width: 100%;}
.utforskare .tabellram {overflow-x: auto; -webkit-overflow-scrolling: touch;}
p.rulla-tips {display: none; font-size: 13px; margin: 0.2em 0;}
@media (max-width: 720px) { p.rulla-tips {display: block;} }
</style>"""


def _manad(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def _manadstext(index: int) -> str:
    return f"{MANADER[index % 12]} {index // 12}"


def _dec(v: float, decimaler: int) -> Decimal:
    return Decimal(str(round(v, decimaler)))


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

        fil = standardfiler(antaganden)[0] if antaganden else None
        self.basfil, self.scenariofil = standardfiler(antaganden)
        self.bas = load_antaganden(scenario, fil)
        self._basdata = read_yaml(self.basfil)
        self.grund = scenariofil.antaganden_med({}, self.basfil, self._basdata)
        scenarier = read_scenarier(self.scenariofil) if self.scenariofil.exists() else {}
        self.scenarionamn = scenarier[scenario].namn if scenario in scenarier else scenario
        self.scenarioandringar = copy.deepcopy(scenarier[scenario].andringar) if scenario in scenarier else {}
        fran = fran or self.bas.basar
        till = till or fran + 6
        self.scenario, self.fran, self.till = scenario, fran, till
        # Jämförelsen är scenariot som det står i antagandena, med dess egen nyckel (också en egen
        # nyckel eller en som byts ett visst år); reglaget för nyckeln utgår från den.
        self.lan = lan_namn(self.bas.lan)  # "Hallands län", i sammanfattningen
        self.basunderlag = modellunderlag(self.bas, fran, till)
        self.basresultat = compute(self.bas, self.basunderlag)
        self._underlag: dict[str, Modellunderlag] = {self._nyckelkod(self.bas): self.basunderlag}
        self._antaganden: dict[str, Antaganden] = {}
        self._avtal()
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
            description="Extra tjänst per ny Yrkesresa",
        )
        self.roller = {
            r.id: reglage(
                w.IntSlider,
                f"reglage-roll-{r.id}",
                value=r.kostnad_per_tjanst,
                min=(r.kostnad_per_tjanst // 2) // 5000 * 5000,
                max=-(-(r.kostnad_per_tjanst * 2) // 5000) * 5000,
                step=5000,
                description=f"Kostnad per tjänst: {r.namn}",
            )
            for r in self.bas.roller
        }
        self.faktor = reglage(
            w.FloatSlider,
            "reglage-faktor",
            value=1.0,
            min=0.6,
            max=1.6,
            step=0.05,
            description="Alla roller (faktor)",
        )
        self._startindex = float(self.bas.indexering_ar(self.bas.basar + 1))
        self.indexering = reglage(
            w.FloatSlider,
            "reglage-indexering",
            value=self._startindex,
            min=0,
            max=0.08,
            step=0.005,
            description="Indexering per år",
        )
        self.lanseringar = {
            r.nr: reglage(
                w.IntSlider,
                f"reglage-resa-{r.nr}",
                value=0,
                min=-12,
                max=36,
                step=1,
                description=f"Yrkesresa {r.nr}: {r.namn}",
            )
            for r in self.bas.yrkesresor
        }
        self.skift = reglage(
            w.IntSlider, "reglage-skift", value=0, min=-12, max=36, step=1, description="Alla lanseringar flyttas"
        )
        self.nyckel = reglage(
            w.Dropdown, "reglage-nyckel", options=nycklar, value=startnyckel, description="Fördelningsnyckel"
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
            etikett = w.HTML(layout=w.Layout(min_width="96px"))
            etikett.add_class("reglage-varde")
            self._visning[r.model_id] = etikett
        self.tabell = w.HTML()
        self.tabell.add_class("tabell")
        self.sammanfattning = w.HTML()
        self.sammanfattning.add_class("sammanfattning")
        self.diagram = w.HTML()
        self.diagram.add_class("diagram")
        self._spara_och_ladda_ner(w)
        self.senaste_tid = 0.0
        for r in self.reglage:
            r.observe(lambda _change: self.update(), names="value")
        self.update()

    # --- reglagen ------------------------------------------------------------------------------

    @property
    def reglage(self) -> list:
        return [
            self.per_resa,
            *self.roller.values(),
            self.faktor,
            self.indexering,
            *self.lanseringar.values(),
            self.skift,
            self.nyckel,
            self.fast_andel,
            self.ar,
        ]

    def _avtal(self) -> None:
        """Det senaste avtalet för länet och dess belopp per kommun (jämförelsen "Mot avtalet")."""
        self.avtalsar: int | None = None
        self.avtal_per_kommun: dict[str, int] = {}
        avtal = avtal_for_lan(self.bas.lan)
        if not avtal:
            return
        ar = max(avtal)
        u = modellunderlag(self.bas, ar, ar)
        r = compute(self.bas, u)
        self.avtalsar, self.avtal_kommunerna = ar, int(avtal[ar].belopp_kommuner)
        self.avtal_per_kommun = {k: int(v) for k, v in zip(u.kommunkod, r.fast_kostnad[0, 0], strict=True)}

    def andringar(self) -> dict[str, Any]:
        """Reglagens värden som ändringar av basantagandena (som i scenarier.yaml): scenariots egna
        ändringar och det som reglagen flyttat från dem."""
        a = self.bas
        andr = copy.deepcopy(self.scenarioandringar)
        per_resa = _dec(self.per_resa.value, 4)
        if per_resa != a.bemanning.per_resa:
            andr["bemanning"] = {**andr.get("bemanning", {}), "per_resa": per_resa}
        if _dec(self.indexering.value, 5) != _dec(self._startindex, 5):
            andr["indexering"] = _dec(self.indexering.value, 5)
        faktor = _dec(self.faktor.value, 4)
        kostnad = {
            rid: int((Decimal(int(r.value)) * faktor).to_integral_value(ROUND_HALF_UP))
            for rid, r in self.roller.items()
        }
        if any(kostnad[r.id] != r.kostnad_per_tjanst for r in a.roller):
            andr["roller"] = [self._roll(r.model_dump(exclude_none=True), kostnad[r.id]) for r in a.roller]
        skift = {nr: int(r.value) + int(self.skift.value) for nr, r in self.lanseringar.items()}
        if any(skift.values()):
            andr["yrkesresor"] = [
                {"nr": r.nr, "namn": r.namn, "start": _manad(manadsindex(r.start) + skift[r.nr])} for r in a.yrkesresor
            ]
        if self.nyckel.value != SOM_I_SCENARIOT:
            v = self.nyckel.value
            andel = _dec(self.fast_andel.value, 4) if v == "blandad" else a.nyckel.fast_andel
            samma = a.nyckel.nyckel.value == v and a.nyckel.fast_andel == andel
            if a.nyckel_per_ar or not samma:
                val: dict[str, Any] = {"nyckel": v, "fast_andel": andel}
                if a.nyckel.vikter is not None:
                    val["vikter"] = None
                andr["nyckel"] = {**andr.get("nyckel", {}), **val}
                if a.nyckel_per_ar:
                    andr["nyckel_per_ar"] = {ar: {"nyckel": v, "fast_andel": andel} for ar in a.nyckel_per_ar}
        return andr

    @staticmethod
    def _roll(roll: dict[str, Any], kostnad: int) -> dict[str, Any]:
        """En roll med ny kostnad per tjänst; en uppdelning i komponenter skalas med (heltal)."""
        gammal = roll["kostnad_per_tjanst"]
        roll["kostnad_per_tjanst"] = kostnad
        komp = roll.get("komponenter")
        if komp and gammal != kostnad:
            ny = {k: v * kostnad // gammal if gammal else 0 for k, v in komp.items()}
            storst = max(komp, key=komp.get)
            ny[storst] += kostnad - sum(ny.values())
            roll["komponenter"] = ny
        return roll

    def antaganden(self) -> Antaganden:
        """Antagandena med reglagens värden (kontrollerade som ett scenario)."""
        andr = self.andringar()
        kod = json.dumps(andr, default=str, sort_keys=True)
        if kod not in self._antaganden:
            ny = andr == self.scenarioandringar
            self._antaganden[kod] = self.bas if ny else scenariofil.antaganden_med(andr, self.basfil, self._basdata)
        return self._antaganden[kod]

    @staticmethod
    def _nyckelkod(a: Antaganden) -> str:
        return json.dumps(
            [a.nyckel.model_dump(mode="json"), {str(k): v.model_dump(mode="json") for k, v in a.nyckel_per_ar.items()}]
        )

    def _underlag_for(self, a: Antaganden) -> Modellunderlag:
        """Befolkning och andelar med antagandenas nyckel (sparade per nyckel)."""
        kod = self._nyckelkod(a)
        if kod not in self._underlag:
            self._underlag[kod] = modellunderlag(a, self.fran, self.till)
        return self._underlag[kod]

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
        for roll in self.roller.values():
            if r is roll:
                return format_kr(int(r.value))
        for nr, resa in self.lanseringar.items():
            if r is resa:
                start = manadsindex(next(y.start for y in self.bas.yrkesresor if y.nr == nr))
                flytt = int(r.value) + int(self.skift.value)
                return _manadstext(start + flytt) + (f" ({'+' if flytt > 0 else ''}{flytt} mån)" if flytt else "")
        return str(r.value)

    def fast_total(self, ar: int) -> int:
        """Kommunernas fasta kostnad år `ar` med reglagens värden (det sammanfattningen visar)."""
        return int(self.resultat.kommunernas_del[0, self.underlag.ar.index(ar)])

    # --- räkna och rita ---------------------------------------------------------------------

    def tabelldata(self) -> tuple[pd.DataFrame, str, str]:
        """Tabellen per kommun för det valda året: (tabell, rubriken för fast kostnad, slag)."""
        u, j = self.underlag, self.underlag.ar.index(self.ar.value)
        slag = u.slag(j)
        fast, bas = self.resultat.fast_kostnad[0, j], self.basresultat.fast_kostnad[0, j]
        fast_rubrik = f"Fast kostnad ({slag})"
        data = {
            "Kommunkod": u.kommunkod,
            "Kommun": u.kommun,
            "Andel": u.andel[j],
            fast_rubrik: fast,
            "Kursavgifter (beräknat)": self.resultat.rorlig_kostnad[0, j],
            "Pott tillbaka (beräknat)": self.resultat.pott_tillbaka[0, j],
        }
        if self.avtalsar is not None:
            data[f"Mot avtalet {self.avtalsar}"] = [
                int(f) - self.avtal_per_kommun.get(k, 0) for k, f in zip(u.kommunkod, fast, strict=True)
            ]
        data[f"Mot {self.scenarionamn}"] = fast - bas
        return pd.DataFrame(data), fast_rubrik, slag

    def update(self) -> float:
        """Räkna om med reglagens värden, uppdatera tabell och diagram; returnerar tiden i sekunder."""
        start = time.perf_counter()
        self.fast_andel.disabled = self.nyckel.value != "blandad"
        for r in self.reglage:
            if r.model_id in self._visning:
                self._visning[r.model_id].value = f"<b>{html.escape(self.visat_varde(r))}</b>"
        try:
            a = self.antaganden()
        except AnalysError as e:
            self.sammanfattning.value = f'<p class="fel"><b>Går inte att räkna:</b> {html.escape(str(e))}</p>'
            return 0.0
        self.aktuella = a
        u = self._underlag_for(a)
        self.underlag = u
        self.resultat = compute(a, u)
        j = u.ar.index(self.ar.value)
        df, fast_rubrik, slag = self.tabelldata()
        kr = [k for k in df.columns if k not in ("Kommunkod", "Kommun", "Andel")]
        self.tabell.value = (
            SMAL_STIL
            + ('<p class="rulla-tips">Tabellen är bredare än skärmen: dra den åt sidan för alla kolumner →</p>')
            + html_tabell(
                df.drop(columns="Kommunkod"),
                kr=kr,
                procent=["Andel"],
                summa={"Kommun": "Summa", **{k: int(df[k].sum()) for k in kr}, "Andel": 1.0},
                rubrik=f"Kostnad per kommun {self.ar.value}",
                slag={fast_rubrik: slag, "Kursavgifter (beräknat)": "beräknat", "Pott tillbaka (beräknat)": "beräknat"},
            )
        )
        tot = int(self.resultat.kommunernas_del[0, j])
        bas_tot = int(self.basresultat.kommunernas_del[0, j])
        skillnad = tot - bas_tot
        avtal = "; reglagen ändrar inte ett år med avtal" if slag == "enligt avtal" else ""
        mot_avtal = ""
        if self.avtalsar is not None:
            d = tot - self.avtal_kommunerna
            mot_avtal = f", {'+' if d >= 0 else ''}{format_kr(d)} mot avtalet {self.avtalsar}"
        banner = banner_pahittat() if a.exempel else ""
        self.sammanfattning.value = hela_tal(
            f"{banner}<p><b>{self.ar.value}</b> ({slag}{avtal}): kommunerna i {self.lan} betalar "
            f'<b class="fast-total">{format_kr(tot)}</b> i fast kostnad, '
            f"{'+' if skillnad >= 0 else ''}{format_kr(skillnad)} mot scenariot {self.scenarionamn} "
            f"({format_procent(skillnad / bas_tot, 1) if bas_tot else '–'}){mot_avtal}. "
            f"Fast kostnad totalt (kommuner och region) {format_kr(int(self.resultat.fast_total[0, j]))}, "
            f"{format_tal(float(self.resultat.tjanster[0, j]), 2)} tjänster.</p>"
        )
        self._rita(u)
        self.nedladdning.value = ""
        self.senaste_tid = time.perf_counter() - start
        return self.senaste_tid

    def serier(self) -> dict[str, list[int]]:
        """Diagrammets linjer: scenariot, reglagen och (om det finns) det senaste avtalet."""
        s = {
            self.scenarionamn: [int(v) for v in self.basresultat.kommunernas_del[0]],
            "med reglagen": [int(v) for v in self.resultat.kommunernas_del[0]],
        }
        if self.avtalsar is not None:
            s[f"avtalet {self.avtalsar}"] = [self.avtal_kommunerna] * len(self.underlag.ar)
        return s

    def _rita(self, u: Modellunderlag) -> None:
        titel = "Kommunernas fasta kostnad per år"
        if self.aktuella.exempel:
            titel += f" ({PAHITTAT})"
        self.diagram.value = svg_linjer(u.ar, self.serier(), titel, streckad=[self.scenarionamn])

    # --- spara och ladda ner ----------------------------------------------------------------

    def _spara_och_ladda_ner(self, w) -> None:
        self.namnfalt = w.Text(placeholder="t.ex. Min plan", layout=w.Layout(width="220px"))
        self.namnfalt.add_class("spara-namn")
        self.spara_knapp = w.Button(
            description="Spara som scenario", button_style="primary", layout=w.Layout(width="auto")
        )
        self.spara_knapp.add_class("spara-scenario")
        self.skriv_over_knapp = w.Button(
            description="Skriv över", button_style="warning", layout=w.Layout(width="auto")
        )
        self.skriv_over_knapp.add_class("skriv-over")
        self.skriv_over_knapp.layout.display = "none"
        self.spara_status = w.HTML()
        self.spara_status.add_class("spara-status")
        self.excel_knapp = w.Button(description="Ladda ner som Excel", layout=w.Layout(width="auto"))
        self.excel_knapp.add_class("ladda-ner-excel")
        self.nedladdning = w.HTML()
        self.nedladdning.add_class("nedladdning")
        self.spara_knapp.on_click(lambda _b: self._spara_klick(skriv_over=False))
        self.skriv_over_knapp.on_click(lambda _b: self._spara_klick(skriv_over=True))
        self.excel_knapp.on_click(lambda _b: self._excel_klick())
        self.namnfalt.observe(lambda _c: setattr(self.skriv_over_knapp.layout, "display", "none"), names="value")

    def beskrivning(self) -> str:
        """Beskrivningen av reglagens inställning, byggd ur ändringarna (som ett sparat scenario får)."""
        utgar = self.scenarionamn if self.scenario != "bas" else None
        return scenariofil.beskrivning(self.grund, self.antaganden(), utgar)

    def spara(self, namn: str, skriv_over: bool = False) -> str:
        """Spara reglagens inställning som ett nytt scenario i scenarier.yaml; returnerar nyckeln."""
        return scenariofil.spara(
            self.scenariofil, self.basfil, namn, self.andringar(), self.beskrivning(), skriv_over=skriv_over
        )

    def _spara_klick(self, skriv_over: bool) -> None:
        namn = self.namnfalt.value
        try:
            nyckel = self.spara(namn, skriv_over)
        except scenariofil.ScenarietFinns as e:
            self.skriv_over_knapp.layout.display = ""  # före beskedet, som hänvisar till knappen
            self.spara_status.value = f'<p class="fel">{html.escape(str(e))}</p>'
            return
        except AnalysError as e:
            self.spara_status.value = f'<p class="fel">{html.escape(str(e))}</p>'
            return
        self.skriv_over_knapp.layout.display = "none"
        self.spara_status.value = hela_tal(
            f'<p class="sparat">Sparade scenariot <b>{html.escape(" ".join(namn.split()))}</b> '
            f"({html.escape(self.beskrivning())}) i {html.escape(visningsvag(self.scenariofil))}. "
            f"På kommandoraden: <code>analys scenario --scenario {nyckel}</code>.</p>"
        )

    def arbetsbok(self, path: Path) -> None:
        """Tabellen (valt år) och linjerna per år som en arbetsbok, som rapporternas."""
        df, fast_rubrik, slag = self.tabelldata()
        kr = [k for k in df.columns if k not in ("Kommunkod", "Kommun", "Andel")]
        serier = self.serier()
        per_ar = pd.DataFrame({"År": list(self.underlag.ar), **serier})
        blad = [
            Blad(
                namn=f"Per kommun {self.ar.value}",
                titel=f"Kostnad per kommun {self.ar.value} med utforskarens reglage",
                undertitel=f"Fast kostnad {slag}; kursavgifter och pott beräknade. {self.beskrivning()}.",
                df=df,
                kr=kr,
                procent=["Andel"],
                summera=kr,
                andel=("Andel", fast_rubrik),
                bredder={"Kommunkod": 12, "Kommun": 16},
            ),
            Blad(
                namn="Per år",
                titel="Kommunernas fasta kostnad per år",
                df=per_ar,
                kr=list(serier),
                diagram=Linjediagram("Kommunernas fasta kostnad per år", "År", list(serier)),
            ),
        ]
        reglage = [(self._rubrik[r.model_id], self.visat_varde(r)) for r in self.reglage if r is not self.ar]
        kallor = Kallor(
            vanliga=(
                ("Utgår från", f"scenariot {self.scenarionamn} ({visningsvag(self.scenariofil)})"),
                ("Antaganden", visningsvag(self.basfil)),
                ("Inställning", self.beskrivning()),
                *reglage,
            )
        )
        write_workbook(blad, kallor, path, f"Utforskaren {self.ar.value}", pahittat=self.aktuella.exempel)

    def filnamn(self) -> str:
        return f"utforskaren-{self.ar.value}{'-pahittat-exempel' if self.aktuella.exempel else ''}.xlsx"

    def _excel_klick(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / self.filnamn()
            try:
                self.arbetsbok(path)
            except AnalysError as e:
                self.nedladdning.value = f'<p class="fel">{html.escape(str(e))}</p>'
                return
            data = base64.b64encode(path.read_bytes()).decode("ascii")
        self.nedladdning.value = (
            f'<p>Arbetsboken är klar: <a class="excel-lank" download="{self.filnamn()}" '
            f'href="data:{XLSX};base64,{data}">spara {self.filnamn()}</a></p>'
        )

    def visa(self):
        """Widgeten att visa i notebooken."""
        import ipywidgets as w

        def ruta(r):
            rubrik = w.HTML(f"<label>{html.escape(self._rubrik[r.model_id])}</label>")
            rad = [r, self._visning[r.model_id]] if r.model_id in self._visning else [r]
            return w.VBox(
                [rubrik, w.HBox(rad, layout=w.Layout(align_items="center", width="100%"))],
                layout=w.Layout(width="100%", max_width="420px", margin="0 24px 8px 0"),
            )

        def grupp(titel: str, reglage: list):
            rubrik = w.HTML(f"<h3 style='margin:0.6em 0 0.2em 0;font-size:15px'>{html.escape(titel)}</h3>")
            return w.VBox(
                [rubrik, w.Box([ruta(r) for r in reglage], layout=w.Layout(display="flex", flex_flow="row wrap"))],
                layout=w.Layout(width="100%"),
            )

        if not hasattr(self, "_rutor"):
            self._rutor = [
                grupp("Bemanning och kostnad", [self.per_resa, *self.roller.values(), self.faktor, self.indexering]),
                grupp("Lanseringar", [*self.lanseringar.values(), self.skift]),
                grupp("Fördelning och år", [self.nyckel, self.fast_andel, self.ar]),
            ]
        spara = w.HBox(
            [self.namnfalt, self.spara_knapp, self.skriv_over_knapp, self.excel_knapp],
            layout=w.Layout(flex_flow="row wrap", align_items="center", width="100%"),
        )
        ut = w.VBox(
            [*self._rutor, self.sammanfattning, self.diagram, spara, self.spara_status, self.nedladdning, self.tabell],
            layout=w.Layout(width="100%"),
        )
        ut.add_class("utforskare")
        return ut
