"""En ny analys-mapp för ett län (`analys ny MAPP --lan KOD`): avtal och antaganden med länets
kommuner ifyllda och varje exempelvärde märkt som platshållare (`# PLATSHÅLLARE` på raden, eller
texten börjar med PLATSHÅLLARE; se `indata.platshallare`), scenarier vars beskrivningar byggs ur
ändringarna, rapportfil med uppföljning på ett påhittat underlag i det riktiga underlagets form
(`data/exempel/`), notebooks, en Makefile (`make reports`, `lab`, `app`) och en README med året
runt. Allt som räknas på platshållarna märks "PÅHITTAT EXEMPEL", och fakturor, mall och
fastställande vägrar, tills platshållarna är ersatta och `exempel: false` satt."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from analys import __version__
from analys.fel import AnalysError
from analys.flode.fordelning import avtalets_fordelning
from analys.indata.avtal import check_avtal_yaml
from analys.indata.befolkning import datum_for_lan, lan_namn, load_befolkning
from analys.indata.paths import MARKOR, medfoljande_notebooks, projektrot
from analys.indata.projekt import BESLUTANDE

SCENARIER = """# Scenarier: namngivna ändringar av bas.yaml. Skriv bara de nycklar som ändras.
# Nyckeln (t.ex. lagre-index) används på kommandoraden; namn är det som står i rapporterna.
# Beskrivningen byggs ur ändringarna ("+0,25 tjänst per ny Yrkesresa"); en egen beskrivning
# (beskrivning: …) får inte säga andra tal än ändringarna.
bas:
  namn: Bas
  andringar: {{}}

oforandrad:
  namn: Oförändrad bemanning
  andringar:
    bemanning: {{per_resa: 0}}

okning:
  namn: Ökad bemanning
  andringar:
    bemanning: {{per_resa: 0.25}}

samverkan:
  namn: Samverkan
  andringar:
    samverkan: {{besparing: 0.15, fran_ar: {samverkan}}}
"""

AVTAL = """# Finansieringsavtal {ar} mellan regionen (RSS) och {lan}s kommuner.
# Rader märkta PLATSHÅLLARE har exempelvärden (ur Dalarnas avtal 2024), inte ert avtal. Skriv in
# avtalets riktiga värden, ta bort markeringen på varje rad och sätt exempel: false. Tills dess
# märks allt som räknas på filen som påhittat, och fakturor, uppföljningsmall och fastställande
# vägrar (de säger vilka rader som är kvar).
exempel: true
namn: Regional samordning Yrkesresan och BBIC {ar} ({lan})
ar: {ar}
lan: "{lanskod}"
kalla: "PLATSHÅLLARE: ange avtalet (diarienummer, datum)"
preliminar: true              # PLATSHÅLLARE: är beloppen preliminära i avtalet?
period:
  fran: {ar}-01-01            # PLATSHÅLLARE
  till: {ar}-12-31            # PLATSHÅLLARE
kostnader:
  - roll: Regional samordnare
    tjanst: 1.0               # PLATSHÅLLARE
    belopp: 850000            # PLATSHÅLLARE
  - roll: Administrativt stöd
    tjanst: 0.25              # PLATSHÅLLARE
    belopp: 180000            # PLATSHÅLLARE
kommunernas_andel: 100        # PLATSHÅLLARE: procent
befolkningsdatum: {datum}     # PLATSHÅLLARE: folkmängden fördelningen bygger på (här den senaste i SCB-datan)
nyckel: befolkning            # PLATSHÅLLARE: fördelningsnyckeln
fakturering:
  fakturerar: "PLATSHÅLLARE: regionen"
  betalningsvillkor_dagar: 30 # PLATSHÅLLARE
rorliga_kostnader:
  kalla: "PLATSHÅLLARE: som i PM RD21/01390 (Dalarna 2021), preliminärt"
  avgift_per_deltagardag: 850     # PLATSHÅLLARE
  till_pott_per_deltagardag: 400  # PLATSHÅLLARE
villkor: []
"""

ANTAGANDEN = """# Antaganden för {lan}s fasta och rörliga kostnader för Yrkesresan och BBIC.
# Rader märkta PLATSHÅLLARE har exempelvärden (Dalarnas, framåt från avtalet {ar}), inte era.
# Ändra dem, ta bort markeringen på varje rad och sätt exempel: false när de är era; tills dess
# märks scenarierna som påhittade.
exempel: true
beskrivning: Bas för {lan} – avtalet {ar} framåt med indexering och en måttlig ökning per ny Yrkesresa
lan: "{lanskod}"
basar: {ar}

roller:
  - id: samordnare
    namn: Regional samordnare Yrkesresan och BBIC
    tjanst: 1.0                  # PLATSHÅLLARE
    kostnad_per_tjanst: 850000   # PLATSHÅLLARE
    fran: {ar}-01                # PLATSHÅLLARE
  - id: admin
    namn: Administrativt stöd
    tjanst: 0.25                 # PLATSHÅLLARE
    kostnad_per_tjanst: 720000   # PLATSHÅLLARE
    fran: {ar}-01                # PLATSHÅLLARE

indexering: 0.03              # PLATSHÅLLARE: 3 % per år

finansiering:
  {ar}: {{region: 0, kommuner: 100}}   # PLATSHÅLLARE

yrkesresor:                   # lanseringsmånader (osäkra: parametrar, inte fakta)
  - {{nr: 1, namn: "Barn och unga, myndighetsutövning", start: 2022-09}}      # PLATSHÅLLARE
  - {{nr: 2, namn: "Funktionshinder, utförarverksamheter", start: 2024-01}}   # PLATSHÅLLARE
  - {{nr: 3, namn: "Missbruk och beroende, myndighetsutövning", start: 2026-01}}   # PLATSHÅLLARE
  - {{nr: 4, namn: "Äldreomsorg, utförarverksamheter", start: 2026-09}}       # PLATSHÅLLARE
  - {{nr: 5, namn: "Funktionshinder, myndighetsutövning", start: 2028-01}}    # PLATSHÅLLARE

bemanning:
  per_resa: 0.1               # PLATSHÅLLARE: +0,1 tjänst per resa som lanseras efter basåret
  roll: samordnare

rorliga:
  avgift_per_deltagardag: 850       # PLATSHÅLLARE
  till_pott_per_deltagardag: 400    # PLATSHÅLLARE
  kalla: "PLATSHÅLLARE: som i PM RD21/01390 (Dalarna 2021), preliminärt"
  deltagardagar_per_1000_invanare_och_resa: 2.0   # PLATSHÅLLARE
  utbildare:
    kalla: "PLATSHÅLLARE: länets största kommuner ställer upp med utbildare; ersätt med er fördelning"
    dagar: {{{utbildare}}}   # PLATSHÅLLARE
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
  indexering: {{lag: 0.015, hog: 0.045}}                 # PLATSHÅLLARE
  kostnad_per_tjanst_faktor: {{lag: 0.9, hog: 1.15}}     # PLATSHÅLLARE
  per_resa: {{lag: 0.0, hog: 0.3}}                       # PLATSHÅLLARE
  lansering_forskjutning_manader: {{lag: -6, hog: 18}}   # PLATSHÅLLARE
  deltagardagar_per_1000_invanare_och_resa: {{lag: 1.0, hog: 3.0}}   # PLATSHÅLLARE
  samverkan_besparing: {{lag: 0.0, hog: 0.2}}            # PLATSHÅLLARE
"""

RAPPORTER = """# Rapporterna som `analys rapport` (och `make reports`) skapar i reports/<namn>/.
# En sökväg bland parametrarna (avtal, underlag, antaganden) räknas från analys-mappen, mappen med analys.yaml.
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

  - namn: historik
    notebook: historik.ipynb

  - namn: uppfoljning-{ar}
    notebook: uppfoljning.ipynb
    # PÅHITTAT exempelunderlag (data/exempel/uppfoljning-{ar}/) tills det riktiga finns: gör mallen
    # med `analys mall --avtal {ar} --ut underlag-{ar}.xlsx`, fyll i den och skriv
    # underlag: underlag-{ar}.xlsx här nedan. Så länge rapporten bygger på exemplet är den märkt
    # påhittad (också i namnet: uppfoljning-{ar}-pahittat-exempel).
    parametrar: {{avtal: "{ar}", underlag: data/exempel/uppfoljning-{ar}}}
"""

MAKEFILE = """# Analys-mappens mål. Kommandot analys ska finnas på PATH (aktivera miljön där analys är
# installerat), eller ange det: make reports ANALYS=/väg/till/analys
ANALYS ?= analys
LAB_PORT ?= 8888
APP_PORT ?= 8866
LAB_FLAGS ?=
APP_FLAGS ?=

.PHONY: reports lab app

# Rapporterna i data/rapporter.yaml till reports/.
reports:
\t$(ANALYS) rapport

# JupyterLab i mappen, med notebooks/utforska.ipynb öppen.
lab:
\texec $(ANALYS) lab --port=$(LAB_PORT) -- $(LAB_FLAGS)

# Utforskaren som en webbsida utan kod: http://127.0.0.1:$(APP_PORT)/
app:
\texec $(ANALYS) app --port=$(APP_PORT) -- $(APP_FLAGS)
"""

README = """# {namn}

En analys-mapp för {lan}: fördelning och uppföljning av de regionala kostnaderna för
Yrkesresan och BBIC mellan länets kommuner. Skapad av analys {version}.

**Värdena är platshållare.** Allt som `analys ny` fyllt i som exempel (beloppen, tjänsterna,
datumen, avgiften och potten per deltagardag, indexeringen, lanseringsmånaderna, utbildarna,
de osäkra intervallen …) är märkt `# PLATSHÅLLARE` på sin rad, eller börjar med `PLATSHÅLLARE`,
i `data/avtal/{ar}.yaml` och `data/antaganden/bas.yaml`. Skriv in de riktiga värdena, ta bort
markeringarna och sätt `exempel: false` i båda. Så länge någon platshållare finns kvar är allt
som räknas märkt "PÅHITTAT EXEMPEL – inte verkliga siffror", och `analys faktura`, `analys mall`
och `analys avtal faststall` vägrar och säger vilka fält (fil och rad) som är kvar.

```sh
make reports                          # rapporterna i data/rapporter.yaml till reports/ (analys rapport)
make lab                              # JupyterLab i mappen (analys lab)
make app                              # utforskaren som webbsida: http://127.0.0.1:8866/ (analys app)
analys fordelning --avtal {ar}        # fördelningen enligt avtalet
analys scenario --fran {ar} --till {till}
analys hamta-befolkning --lan {lanskod}     # färska siffror från SCB till data/befolkning/hamtat/
```

## Året runt

Avtalet gäller ett år, så varje höst börjar samma cykel: föreslå nästa års avtal, jämför, få det
beslutat, gör uppföljningsmallen, fakturera och följ upp. Så här för {nasta} (för {ar} börjar
cykeln vid mallen, när platshållarna i `data/avtal/{ar}.yaml` är ersatta):

```sh
# hösten {ar}: förslaget ur antagandena (scenariot bas) till data/avtal/{nasta}.yaml, och per kommun {ar} → {nasta}
analys avtal forslag {nasta}
analys avtal jamfor {nasta} --mot {ar}
# när beslutet är fattat: samma belopp, nu enligt avtal
analys avtal faststall {nasta} --beslutsdatum {ar}-11-20
# uppföljningsmallen för året, att fylla i allteftersom
analys mall --avtal {nasta} --ut underlag-{nasta}.xlsx
# februari: den fasta avgiften; november: kursavgifter och pott; året avslutat: potten krediteras
analys faktura --avtal {nasta} --underlag underlag-{nasta}.xlsx --fakturadatum {nasta}-02-15 --bokfor
analys faktura --avtal {nasta} --underlag underlag-{nasta}.xlsx --fakturadatum {nasta}-11-15 --bokfor
analys faktura --avtal {nasta} --underlag underlag-{nasta}.xlsx --fakturadatum {nasta}-12-16 --slutlig --bokfor
# uppföljningen (utfall, pott, varje kommuns ställning och resultatet) och vad varje kommun betalat;
# först en post uppfoljning-{nasta} i data/rapporter.yaml: kopia av uppfoljning-{ar} med
# avtal: "{nasta}" och underlag: underlag-{nasta}.xlsx
analys rapport --bara uppfoljning-{nasta}
analys avtal historik
```

Ett förslag märks **förslag** överallt och faktureras inte. Bygger det på platshållare (i
antagandena eller i förra avtalet) är de raderna märkta `# PLATSHÅLLARE` i förslaget, och det
fastställs inte förrän de är ersatta. `--bokfor` för in fakturorna på mallens blad Fakturor, så
att nästa körning drar av dem. Uppföljningsrapporten för {nasta} är en post i
`data/rapporter.yaml` som den för {ar}: kopiera posten `uppfoljning-{ar}` och skriv
`avtal: "{nasta}"` och `underlag: underlag-{nasta}.xlsx`. Resultatet står sist i rapporten; ett
överskott tillfaller regionen enligt avtalet.

Uppföljningen av {ar} (`uppfoljning-{ar}`) bygger tills vidare på ett påhittat underlag i
`data/exempel/uppfoljning-{ar}/` (samma form som det riktiga, länets kommuner) och är märkt
påhittad. Byt parametern `underlag` mot den ifyllda mallen när den finns.

## Mappen

- `data/avtal/`: avtalen, ett per år (`{ar}.yaml`).
- `data/antaganden/`: antaganden och scenarier för kostnadsmodellen.
- `data/rapporter.yaml`: vilka rapporter som skapas.
- `data/exempel/`: påhittat uppföljningsunderlag (märks påhittat i allt som räknas på det).
- `notebooks/`: rapportmallarna; öppna dem i JupyterLab för att utforska.
- `reports/`: det som skapas (skrivs över vid varje körning).
- `Makefile`: `make reports`, `make lab`, `make app`.
"""

EXEMPEL_README = """# Påhittat exempel (PÅHITTADE SIFFROR)

`uppfoljning-{ar}/` är ett **påhittat** uppföljningsunderlag för avtalet {ar}, skapat av
`analys ny`: kursaktivitet per kommun (`aktivitet.csv`), utfall per kostnadspost (`utfall.csv`)
och de fasta avgifterna fakturerade {ar}-02-15 (`fakturor.csv`). Det har samma form som det
riktiga underlaget, men siffrorna är gjorda för att gå att räkna, inte verkliga. Allt som räknas
på det märks "PÅHITTAT EXEMPEL – inte verkliga siffror".

Det riktiga underlaget: `analys mall --avtal {ar} --ut underlag-{ar}.xlsx`, fyll i mallen och
skriv `underlag: underlag-{ar}.xlsx` för rapporten `uppfoljning-{ar}` i `data/rapporter.yaml`.
"""


def _csv(rubrik: str, rader: list[tuple]) -> str:
    return "\n".join([rubrik, *(",".join(str(v) for v in r) for r in rader)]) + "\n"


def exempelunderlag(avtalstext: str, befolkning, utbildardagar: dict[str, int]) -> dict[str, str]:
    """Ett påhittat uppföljningsunderlag i det riktiga underlagets form (en CSV-mapp: aktivitet,
    utfall och fakturor) för länets kommuner: deltagardagar efter folkmängden, utbildardagar som i
    antagandena och de fasta avgifterna enligt avtalets platshållare, fakturerade i februari."""
    avtal = check_avtal_yaml(avtalstext, "avtalet")
    ar = avtal.ar
    kommuner = befolkning.sort_values("kommunkod")
    aktivitet = [
        (k, n, ar, "", max(8, 2 * round(f * 1.75 / 1000)), utbildardagar.get(k, 0))
        for k, n, f in zip(kommuner["kommunkod"], kommuner["kommun"], kommuner["folkmangd"], strict=True)
    ]
    kurs = round(sum(r[4] for r in aktivitet) * 430, -3)
    utfall = [
        (ar, "lon", 640000, "Samordnare och administrativt stöd (påhittat)"),
        (ar, "oh", 128000, ""),
        (ar, "resor", 45000, ""),
        (ar, "utrustning", 12000, ""),
        (ar, "kurskostnader", kurs, "Lokaler och mat för kursdagarna (påhittat)"),
        (ar, "ovrigt", 8000, ""),
    ]
    fordelning = avtalets_fordelning(avtal)
    fakturor = [
        (k, n, f"{ar}-02-15", b, f"Fast kostnad {ar}")
        for k, n, b in zip(fordelning["kommunkod"], fordelning["kommun"], fordelning["belopp"], strict=True)
    ]
    return {
        "aktivitet.csv": _csv("kommunkod,kommun,ar,yrkesresa,deltagardagar,utbildardagar", aktivitet),
        "utfall.csv": _csv("ar,kostnadspost,belopp,kommentar", utfall),
        "fakturor.csv": _csv("kommunkod,kommun,fakturadatum,belopp,avser", fakturor),
    }


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
    utbildardagar = dict(zip(befolkning["kommunkod"][:5], (6, 5, 3, 2, 2), strict=False))
    utbildare = ", ".join(f'"{k}": {d}' for k, d in utbildardagar.items())
    varden = {
        "ar": ar,
        "till": till,
        "nasta": ar + 1,
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
            f'namn: "{varden["namn"]}"\nlan: "{lanskod}"\n'
            "# Vem som fastställer avtalen (analys avtal faststall skriver det i avtalet); ändra om det\n"
            "# heter något annat hos er.\n"
            f'beslutande: "{BESLUTANDE}"\n',
            encoding="utf-8",
        )
        (tmp / "data" / "avtal").mkdir(parents=True)
        (tmp / "data" / "antaganden").mkdir(parents=True)
        (tmp / "data" / "avtal" / f"{ar}.yaml").write_text(AVTAL.format(**varden), encoding="utf-8")
        (tmp / "data" / "antaganden" / "bas.yaml").write_text(ANTAGANDEN.format(**varden), encoding="utf-8")
        (tmp / "data" / "antaganden" / "scenarier.yaml").write_text(SCENARIER.format(**varden), encoding="utf-8")
        (tmp / "data" / "rapporter.yaml").write_text(RAPPORTER.format(**varden), encoding="utf-8")
        (tmp / "README.md").write_text(README.format(**varden), encoding="utf-8")
        (tmp / "Makefile").write_text(MAKEFILE, encoding="utf-8")
        exempel = tmp / "data" / "exempel" / f"uppfoljning-{ar}"
        exempel.mkdir(parents=True)
        (exempel.parent / "README.md").write_text(EXEMPEL_README.format(**varden), encoding="utf-8")
        for namn_, text in exempelunderlag(AVTAL.format(**varden), befolkning, utbildardagar).items():
            (exempel / namn_).write_text(text, encoding="utf-8")
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
