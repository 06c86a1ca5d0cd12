"""En ny analys-mapp för ett län (`analys ny MAPP --lan KOD`): avtal och antaganden med länets
kommuner ifyllda och tydligt märkta platshållare för beloppen, rapportfil, notebooks och en kort
README. Allt som räknas på platshållarna märks "PÅHITTAT EXEMPEL" tills beloppen är ifyllda och
`exempel: false` satt."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from analys import __version__
from analys.fel import AnalysError
from analys.indata.befolkning import datum_for_lan, lan_namn, load_befolkning
from analys.indata.paths import MARKOR, medfoljande_notebooks, projektrot

SCENARIER = """# Scenarier: namngivna ändringar av bas.yaml. Skriv bara de nycklar som ändras.
# Nyckeln (t.ex. lagre-index) används på kommandoraden; namn är det som står i rapporterna.
bas:
  namn: Bas
  beskrivning: Avtalet framåt, 3 % indexering, +0,1 tjänst per ny Yrkesresa
  andringar: {{}}

oforandrad:
  namn: Oförändrad bemanning
  beskrivning: Oförändrad bemanning även när fler Yrkesresor lanseras
  andringar:
    bemanning: {{per_resa: 0}}

okning:
  namn: Ökad bemanning
  beskrivning: Bemanningen ökar med 0,25 tjänst för varje ny Yrkesresa
  andringar:
    bemanning: {{per_resa: 0.25}}

samverkan:
  namn: Samverkan
  beskrivning: Kurser och utbildare delas med andra RSS; de fasta kostnaderna 15 % lägre från {samverkan}
  andringar:
    samverkan: {{besparing: 0.15, fran_ar: {samverkan}}}
"""

AVTAL = """# Finansieringsavtal {ar} mellan regionen (RSS) och {lan}s kommuner.
# PLATSHÅLLARE: beloppen, datumen och villkoren nedan är exempel. Skriv in avtalets riktiga
# värden och sätt sedan exempel: false; tills dess märks allt som räknas på filen som påhittat.
exempel: true
namn: Regional samordning Yrkesresan och BBIC {ar} ({lan})
ar: {ar}
lan: "{lanskod}"
kalla: "PLATSHÅLLARE: ange avtalet (diarienummer, datum)"
preliminar: true
period:
  fran: {ar}-01-01
  till: {ar}-12-31
kostnader:
  - roll: Regional samordnare
    tjanst: 1.0
    belopp: 850000            # PLATSHÅLLARE
  - roll: Administrativt stöd
    tjanst: 0.25
    belopp: 180000            # PLATSHÅLLARE
kommunernas_andel: 100        # procent
befolkningsdatum: {datum}     # folkmängden som fördelningen bygger på (senaste i SCB-datan)
nyckel: befolkning
fakturering:
  fakturerar: "PLATSHÅLLARE: regionen"
  betalningsvillkor_dagar: 30
rorliga_kostnader:
  kalla: "PLATSHÅLLARE: som i PM RD21/01390 (Dalarna 2021), preliminärt"
  avgift_per_deltagardag: 850
  till_pott_per_deltagardag: 400
villkor: []
"""

ANTAGANDEN = """# Antaganden för {lan}s fasta och rörliga kostnader för Yrkesresan och BBIC.
# PLATSHÅLLARE: värdena är exempel (Dalarnas, framåt från avtalet {ar}). Ändra dem och sätt
# exempel: false när de är era; tills dess märks scenarierna som påhittade.
exempel: true
beskrivning: Bas för {lan} – avtalet {ar} framåt med indexering och en måttlig ökning per ny Yrkesresa
lan: "{lanskod}"
basar: {ar}

roller:
  - id: samordnare
    namn: Regional samordnare Yrkesresan och BBIC
    tjanst: 1.0
    kostnad_per_tjanst: 850000   # PLATSHÅLLARE
    fran: {ar}-01
  - id: admin
    namn: Administrativt stöd
    tjanst: 0.25
    kostnad_per_tjanst: 720000   # PLATSHÅLLARE
    fran: {ar}-01

indexering: 0.03              # ANTAGANDE: 3 % per år

finansiering:
  {ar}: {{region: 0, kommuner: 100}}

yrkesresor:                   # lanseringsmånader (osäkra: parametrar, inte fakta)
  - {{nr: 1, namn: "Barn och unga, myndighetsutövning", start: 2022-09}}
  - {{nr: 2, namn: "Funktionshinder, utförarverksamheter", start: 2024-01}}
  - {{nr: 3, namn: "Missbruk och beroende, myndighetsutövning", start: 2026-01}}
  - {{nr: 4, namn: "Äldreomsorg, utförarverksamheter", start: 2026-09}}
  - {{nr: 5, namn: "Funktionshinder, myndighetsutövning", start: 2028-01}}

bemanning:
  per_resa: 0.1               # ANTAGANDE: +0,1 tjänst per resa som lanseras efter basåret
  roll: samordnare

rorliga:
  avgift_per_deltagardag: 850
  till_pott_per_deltagardag: 400
  kalla: "PLATSHÅLLARE: som i PM RD21/01390 (Dalarna 2021), preliminärt"
  deltagardagar_per_1000_invanare_och_resa: 2.0   # ANTAGANDE
  utbildare:
    kalla: "PLATSHÅLLARE: länets största kommuner ställer upp med utbildare; ersätt med er fördelning"
    dagar: {{{utbildare}}}
  aktivitetsfil: null

befolkning:
  metod: senaste
  trend_ar: 5
  prognosfil: null

befolkningsdatum: {{}}
befolkning_ar_fore: 2

nyckel:
  nyckel: befolkning

samverkan:
  besparing: 0
  fran_ar: {samverkan}

osakerhet:
  indexering: {{lag: 0.015, hog: 0.045}}
  kostnad_per_tjanst_faktor: {{lag: 0.9, hog: 1.15}}
  per_resa: {{lag: 0.0, hog: 0.3}}
  lansering_forskjutning_manader: {{lag: -6, hog: 18}}
  deltagardagar_per_1000_invanare_och_resa: {{lag: 1.0, hog: 3.0}}
  samverkan_besparing: {{lag: 0.0, hog: 0.2}}
"""

RAPPORTER = """# Rapporterna som `analys rapport` skapar i reports/<namn>/.
rapporter:
  - namn: fordelning-{ar}
    notebook: fordelning.ipynb
    parametrar: {{avtal: "{ar}"}}

  - namn: scenarier-{ar}-{till}
    notebook: scenarier.ipynb
    parametrar: {{fran: {ar}, till: {till}, tabellar: {till}}}

  - namn: kommunblad
    notebook: kommunblad.ipynb
    for_varje_kommun: "{lanskod}"
    parametrar: {{fran: {ar}, till: {till}}}
"""

README = """# {namn}

En analys-mapp för {lan}: fördelning och uppföljning av de regionala kostnaderna för
Yrkesresan och BBIC mellan länets kommuner. Skapad av analys {version}.

**Beloppen är platshållare.** Skriv in avtalets belopp i `data/avtal/{ar}.yaml` och era antaganden
i `data/antaganden/bas.yaml`, och sätt `exempel: false` i båda. Tills dess är allt som räknas
märkt "PÅHITTAT EXEMPEL – inte verkliga siffror".

```sh
analys rapport                        # rapporterna i data/rapporter.yaml till reports/
analys fordelning --avtal {ar}        # fördelningen enligt avtalet
analys scenario --fran {ar} --till {till}
analys hamta-befolkning --lan {lanskod}     # färska siffror från SCB till data/befolkning/hamtat/
```

- `data/avtal/`: avtalen, ett per år (`{ar}.yaml`).
- `data/antaganden/`: antaganden och scenarier för kostnadsmodellen.
- `data/rapporter.yaml`: vilka rapporter som skapas.
- `notebooks/`: rapportmallarna; öppna dem i JupyterLab för att utforska.
- `reports/`: det som skapas (skrivs över vid varje körning).
"""


def skapa(mapp: Path, lanskod: str, namn: str | None = None) -> Path:
    """Skapa en analys-mapp för länet. Mappen får inte finnas (eller vara tom); inget skrivs över.
    Allt skrivs först i en tillfällig mapp bredvid och flyttas på plats när det är klart."""
    mapp = Path(mapp)
    if mapp.exists() and (not mapp.is_dir() or any(mapp.iterdir())):
        raise AnalysError(f"{mapp} finns redan och är inte tom; analys ny skriver aldrig över. Välj en ny mapp.")
    inuti = projektrot()
    if inuti is not None and inuti in (mapp.resolve(), *mapp.resolve().parents):
        raise AnalysError(f"{mapp} ligger i analys-mappen {inuti}; skapa den nya mappen utanför.")
    lan = lan_namn(lanskod)
    dec = [d for d in datum_for_lan(lanskod) if (d.month, d.day) == (12, 31)]
    senaste = max(dec)
    ar = senaste.year + 1
    till = ar + 6
    befolkning = load_befolkning(lanskod, senaste).sort_values("folkmangd", ascending=False)
    storsta = list(befolkning["kommunkod"][:5])
    utbildare = ", ".join(f'"{k}": {d}' for k, d in zip(storsta, (6, 5, 3, 2, 2), strict=False))
    varden = {
        "ar": ar,
        "till": till,
        "lan": lan,
        "lanskod": lanskod,
        "datum": senaste.isoformat(),
        "utbildare": utbildare,
        "samverkan": ar + 2,
        "namn": namn or f"RSS {lan.removesuffix(' län').removesuffix('s')}",
        "version": __version__,
    }
    mapp.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{mapp.name}.", dir=mapp.parent))
    try:
        (tmp / MARKOR).write_text(
            f"# Den här mappen är en analys-mapp (skapad {date.today().isoformat()} av analys {__version__}).\n"
            f'namn: "{varden["namn"]}"\nlan: "{lanskod}"\n',
            encoding="utf-8",
        )
        (tmp / "data" / "avtal").mkdir(parents=True)
        (tmp / "data" / "antaganden").mkdir(parents=True)
        (tmp / "data" / "avtal" / f"{ar}.yaml").write_text(AVTAL.format(**varden), encoding="utf-8")
        (tmp / "data" / "antaganden" / "bas.yaml").write_text(ANTAGANDEN.format(**varden), encoding="utf-8")
        (tmp / "data" / "antaganden" / "scenarier.yaml").write_text(SCENARIER.format(**varden), encoding="utf-8")
        (tmp / "data" / "rapporter.yaml").write_text(RAPPORTER.format(**varden), encoding="utf-8")
        (tmp / "README.md").write_text(README.format(**varden), encoding="utf-8")
        shutil.copytree(medfoljande_notebooks(), tmp / "notebooks", ignore=shutil.ignore_patterns(".*"))
        for p in tmp.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(tmp, 0o755)
        if mapp.exists():
            mapp.rmdir()
        os.rename(tmp, mapp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return mapp
