"""Var projektets filer ligger: analys-mappen (data, notebooks, rapporter) och det som följer med
programmet (SCB:s befolkningsdata och rapportmallarna).

En analys-mapp är en mapp med filen `analys.yaml` (skapas av `analys ny`). Den hittas som git
hittar sin rot: i den aktuella mappen eller närmaste mapp ovanför. Miljövariabler går före:

- `ANALYS_DATA`: datamappen (analys-mappen är då mappen ovanför);
- `ANALYS_NOTEBOOKS`: notebookmappen; `ANALYS_RAPPORTER`: var rapporterna hamnar.

Befolkningsdatan och notebooks följer med programmet (i hjulet under `analys/_data/`, i
källträdet under `data/befolkning/` och `notebooks/`), så en ny analys-mapp behöver bara sina avtal
och antaganden.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

MARKOR = "analys.yaml"
MEDFOLJER = " (följer med analys)"  # efter sökvägen till en fil som följer med programmet
_PAKET = Path(__file__).resolve().parents[1]  # src/analys eller site-packages/analys
_KALLTRAD = Path(__file__).resolve().parents[3]  # repots rot, när paketet körs från källträdet


def projektrot() -> Path | None:
    """Analys-mappen: `ANALYS_DATA`:s förälder, annars närmaste mapp med `analys.yaml`."""
    if os.environ.get("ANALYS_DATA"):
        return Path(os.environ["ANALYS_DATA"]).resolve().parent
    cwd = Path.cwd().resolve()
    for mapp in (cwd, *cwd.parents):
        if (mapp / MARKOR).is_file():
            return mapp
    return None


def kravd_projektrot() -> Path:
    """Analys-mappen, eller ett svenskt fel som säger hur man skapar en."""
    from analys.fel import AnalysError

    rot = projektrot()
    if rot is None:
        raise AnalysError(
            f"Ingen analys-mapp här: varken {Path.cwd()} eller någon mapp ovanför har filen {MARKOR}. "
            "Skapa en med `analys ny MAPP --lan KOD` (länets kod med två siffror, t.ex. 13 för Halland), "
            "eller gå till en analys-mapp."
        )
    return rot


def data_dir() -> Path:
    """Datamappen (`ANALYS_DATA`, annars `<analys-mappen>/data`)."""
    if os.environ.get("ANALYS_DATA"):
        return Path(os.environ["ANALYS_DATA"])
    return kravd_projektrot() / "data"


def paketdata() -> Path:
    """Det som följer med programmet: `analys/_data/` i hjulet, källträdets rot annars."""
    inbyggt = _PAKET / "_data"
    return inbyggt if inbyggt.is_dir() else _KALLTRAD


def medfoljande_befolkning() -> Path:
    """Mappen med SCB:s befolkningsdata som följer med programmet."""
    bas = paketdata()
    return bas / "befolkning" if (bas / "befolkning").is_dir() else bas / "data" / "befolkning"


def medfoljande_notebooks() -> Path:
    """Rapportmallarna (notebooks) som följer med programmet."""
    return paketdata() / "notebooks"


def notebook_dir() -> Path:
    """Notebooks som rapporterna körs från (`ANALYS_NOTEBOOKS`, analys-mappens `notebooks/`, eller
    de som följer med programmet)."""
    if os.environ.get("ANALYS_NOTEBOOKS"):
        return Path(os.environ["ANALYS_NOTEBOOKS"])
    rot = projektrot()
    if rot is not None and (rot / "notebooks").is_dir():
        return rot / "notebooks"
    return medfoljande_notebooks()


def reports_dir() -> Path:
    """Var rapporterna hamnar (`ANALYS_RAPPORTER` eller `<analys-mappen>/reports`)."""
    if os.environ.get("ANALYS_RAPPORTER"):
        return Path(os.environ["ANALYS_RAPPORTER"])
    return kravd_projektrot() / "reports"


def visningsvag(path: Path) -> str:
    """Sökväg som den skrivs i rapporter: relativt analys-mappen när det går (inga maskinnamn). En
    fil som följer med programmet (befolkningsdatan, notebooks) och inte ligger i analys-mappen
    säger det, så att ingen letar efter den i sin egen mapp."""
    p = Path(path).resolve()
    rot = projektrot()
    if rot is not None:
        with contextlib.suppress(ValueError):
            return p.relative_to(rot.resolve()).as_posix()
    # paketdata() är källträdets rot där programmet körs därifrån, annars analys/_data i hjulet
    # (där källträdets plats, _KALLTRAD, bara är site-packages förälder).
    with contextlib.suppress(ValueError):
        vag = p.relative_to(paketdata().resolve()).as_posix()
        return vag if rot is None else vag + MEDFOLJER
    return p.name


def resolve(path: str | Path) -> Path:
    """En sökväg som användaren angett: som den är om den finns (på kommandoraden: från mappen man
    står i), annars relativt analys-mappen (så att `data/...` fungerar även i en notebook som körs i
    `notebooks/`). Rapporterna körs i analys-mappen, så en relativ sökväg i `data/rapporter.yaml`
    räknas alltid därifrån (`korning.rapportfil.parametervag`)."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    rot = projektrot()
    # Finns den inte i analys-mappen heller, får felet användarens egen sökväg.
    return rot / p if rot is not None and (rot / p).exists() else p


def sha256(path: Path) -> str:
    """SHA-256 av en fil, för spårbarhet i rapporter och metadata."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()
