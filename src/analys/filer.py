"""Filer som analys skriver: atomiskt, aldrig in bland indata, och aldrig över en användares fil
utan att hen bett om det."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from analys.fel import AnalysError, os_fel_text
from analys.indata.paths import data_dir, notebook_dir, paketdata


def skyddade_mappar() -> list[tuple[Path, str]]:
    """Mappar som analys aldrig skriver i: data, notebooks och programmet självt."""
    mappar = []
    with contextlib.suppress(AnalysError):
        mappar.append((data_dir().resolve(), "datamappen (data/)"))
    mappar.append((notebook_dir().resolve(), "notebookmappen (notebooks/)"))
    mappar.append((Path(__file__).resolve().parents[1], "programmets egen mapp"))
    for under in ("data", "notebooks"):
        if (paketdata() / under).is_dir():
            mappar.append(((paketdata() / under).resolve(), f"programmets {under}/"))
    return mappar


def _skyddad(path: Path) -> str | None:
    """Vilken skyddad mapp (indata, programmet) `path` ligger i, eller None."""
    mal = Path(path).resolve()
    return next((vad for mapp, vad in skyddade_mappar() if mal == mapp or mapp in mal.parents), None)


def kontrollera_utmapp(path: Path) -> None:
    """En mapp att skriva rapporter i får inte ligga bland indata."""
    if vad := _skyddad(path):
        raise AnalysError(f"{path} ligger i {vad}; analys skriver aldrig där. Välj t.ex. reports/.")


def check_writable(path: Path, skriv_over: bool, indata: Iterable[str | Path | None] = ()) -> None:
    """Stoppa innan något räknas: målet får inte ligga bland indata, inte vara en av kommandots
    indatafiler, inte vara en mapp eller en specialfil, och en befintlig fil skrivs bara över med
    `skriv_over`."""
    path = Path(path)
    mal = path.resolve()
    if vad := _skyddad(path):
        raise AnalysError(f"{path} ligger i {vad}; analys skriver aldrig där. Välj en fil utanför, t.ex. i reports/.")
    for fil in indata:
        if fil is None:
            continue
        i = Path(fil).resolve()
        if mal == i or (i.is_dir() and i in mal.parents):
            raise AnalysError(f"{path} är en av kommandots indata ({fil}); välj ett annat filnamn för utdata.")
    if path.exists():
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise AnalysError(f"{path} är en mapp; ange ett filnamn.")
        if not stat.S_ISREG(st.st_mode):
            raise AnalysError(f"{path} är ingen vanlig fil (t.ex. en enhet eller en rörledning); ange ett filnamn.")
        if not skriv_over:
            raise AnalysError(
                f"Filen {path} finns redan och skrivs inte över. Välj ett annat filnamn eller lägg till --skriv-over."
            )


def _fsync_mapp(mapp: Path) -> None:
    try:
        fd = os.open(mapp, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, skriv: Callable[[Path], None]) -> None:
    """Skriv via en temporär fil i samma mapp, synka den till disk och flytta den på plats först
    när den är klar. Går något fel under skrivningen ligger den gamla filen (om någon) kvar orörd."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise AnalysError(f"Kan inte skriva {path}: {os_fel_text(e)}.") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        skriv(tmp_path)
        # mkstemp skapar filen med läsrätt bara för ägaren; ge den vanliga rättigheter (umask).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
        _fsync_mapp(path.parent)
    except OSError as e:
        raise AnalysError(f"Kan inte skriva {path}: {os_fel_text(e)}.") from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def tidsstampel() -> str:
    """Nu som ÅÅÅÅMMDD-TTMMSS i svensk tid (Europe/Stockholm), som rapporterna anger tiden: för
    namnen på säkerhetskopior."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Stockholm")).strftime("%Y%m%d-%H%M%S")


def write_text_atomic(path: Path, text: str) -> None:
    """Text (UTF-8, `\\n` som radslut) skriven atomiskt."""
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8", newline="\n"))


def utmapp(ut_dir: str | Path | None, rapportnamn: str) -> Path:
    """Var en notebook skriver sina filer: `ut_dir` vid batchkörning, annars `reports/<rapportnamn>/`
    i analys-mappen, så att en interaktiv körning aldrig skriver i notebooks/."""
    from analys.indata.paths import reports_dir

    mapp = Path(ut_dir) if ut_dir else reports_dir() / rapportnamn
    kontrollera_utmapp(mapp)
    mapp.mkdir(parents=True, exist_ok=True)
    return mapp
