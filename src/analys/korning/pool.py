"""Arbetsprocesserna: rapporterna körs parallellt, en i taget i varje process, var och en i en
egen tillfällig mapp (`.<namn>.tmp-…`) som huvudprocessen byter in när den är klar.

- En körning som misslyckas stoppar inte de andra; orsaken följer med i utfallet.
- Ctrl-C och SIGTERM hanteras av huvudprocessen, som stoppar arbetsprocesserna, deras kärnor och
  webbläsare och tar bort de tillfälliga mapparna.
- Dör huvudprocessen avslutas arbetsprocesserna (PR_SET_PDEATHSIG), och med dem kärnan och
  webbläsaren.
- Dör en arbetsprocess mitt i en rapport sägs det med rapportens namn, och övriga körs klart.
- PDF:erna skrivs i huvudprocessen, i en egen tråd med en öppen webbläsare, medan
  arbetsprocesserna kör nästa rapport (`_Skrivare`); en rapport byts in när dess PDF är skriven.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import queue
import shutil
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from analys.fel import AnalysError, ExterntFel
from analys.indata.paths import reports_dir
from analys.korning import karna, pdf
from analys.korning.export import export_html, utan_iri_tolkare
from analys.korning.inbyte import byt_in, stada
from analys.korning.rapportfil import Korning, analysmapp, notebook_parameters

PAHITTAT_SUFFIX = "-pahittat-exempel"

# Hur PDF:en skrivs: i huvudprocessens öppna webbläsare (när arbetsprocessen är klar med
# rapporten), med ett eget Chromium i arbetsprocessen, eller inte alls.
OPPEN, EGEN, INGEN = "oppen", "egen", "ingen"


@dataclass(frozen=True)
class Utfall:
    namn: str
    ok: bool
    sekunder: float
    fel: str = ""
    indatafel: bool = False  # felet ligger i användarens indata (slutkod 2)
    mapp: str = ""  # den färdiga rapportens tillfälliga mapp, att byta in
    slutnamn: str = ""  # mappens och filernas namn; "-pahittat-exempel" läggs till för påhittat


def _numrera(path: Path) -> None:
    """Körningsnumren 1, 2, 3 … i den körda notebooken, oavsett vilken kärna som körde den."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    n = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            n += 1
            cell["execution_count"] = n
            for ut in cell.get("outputs", []):
                if "execution_count" in ut:
                    ut["execution_count"] = n
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _arbetare_start() -> None:
    """I varje arbetsprocess: Ctrl-C hanteras av huvudprocessen; SIGTERM stoppar kärnan; dör
    huvudprocessen får arbetsprocessen SIGTERM (Linux)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _arbetare_stopp)
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # huvudprocessen dog redan innan inställningen gjordes
            os._exit(143)


def _arbetare_stopp(signum, frame) -> None:  # pragma: no cover - körs i arbetsprocessen
    """Kärnan, webbläsaren och Playwrights drivrutin dödas direkt; sedan avslutas processen."""
    karna.doda()
    with contextlib.suppress(Exception):
        import psutil

        for p in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                p.kill()
    os._exit(143)


def _markt_namn(namn: str, mapp: Path, html_fil: Path) -> str:
    """En rapport som bygger på påhittade exempeldata eller platshållare märks också i mappens
    och filernas namn (`fordelning-2026-pahittat-exempel.csv`), så att en fil som skickas vidare
    aldrig ser verklig ut."""
    from analys.rapporter.tabeller import PAHITTAT

    if "pahittat" in namn or PAHITTAT not in html_fil.read_text(encoding="utf-8"):
        return namn
    nytt = namn + PAHITTAT_SUFFIX
    for f in mapp.iterdir():
        if f.name.startswith((namn + ".", namn + "-")):  # också fordelning-2026-data.csv
            f.rename(mapp / (nytt + f.name[len(namn) :]))
    return nytt


class _Skrivare(threading.Thread):
    """Huvudprocessens PDF-skrivare: en tråd med en öppen headless Chromium (startad direkt, medan
    arbetsprocesserna startar sina kärnor) som skriver en färdig rapports PDF i dess tillfälliga
    mapp och sedan lämnar rapporten till `klar`, medan arbetsprocesserna kör nästa rapport. Så
    behöver ingen arbetsprocess vänta på webbläsaren, och webbläsaren arbetar när kärnorna väntar.

    `klar` anropas under `las`, som huvudtråden också tar för sina egna `klar` och när den startar
    nya arbetsprocesser (en fork medan tråden skriver på stderr kunde ge barnet ett låst stderr).
    När körningen stoppas (`stoppa`) byts inget mer in, ingen reservwebbläsare startas och
    tråden slutar efter rapporten den håller på med."""

    def __init__(self, klar) -> None:
        super().__init__(name="analys-pdf", daemon=True)
        self._ko: queue.Queue[Utfall | None] = queue.Queue()
        self._klar = klar
        self.las = threading.Lock()
        self._stoppad = False
        self.fel: BaseException | None = None  # ett fel i `klar` (t.ex. när mappen byts in), för huvudtråden

    def lagg_till(self, u: Utfall) -> None:
        self._ko.put(u)

    def sista(self) -> None:
        """Inga fler rapporter: tråden skriver klart det som står i kön och stänger webbläsaren."""
        self._ko.put(None)

    def stoppa(self) -> None:
        # Med en gräns: hänger tråden i `klar` (t.ex. på en full stderr) ska stoppet ändå gå fram.
        tagit = self.las.acquire(timeout=5)
        self._stoppad = True
        if tagit:
            self.las.release()
        self._ko.put(None)

    def kontrollera(self) -> None:
        """Gick något fel när tråden bytte in en rapport, tas det upp i huvudtråden direkt, inte
        först när alla rapporter körts."""
        if self.fel is not None:
            raise self.fel

    def run(self) -> None:
        with contextlib.suppress(Exception):  # startar webbläsaren; går det inte, försöks det igen vid första PDF:en
            pdf.webblasare()
        try:
            while (u := self._ko.get()) is not None:
                if self._stoppad:
                    continue
                u = self._skriv(u)
                with self.las:
                    if not self._stoppad:
                        try:
                            self._klar(u)
                        except BaseException as e:  # huvudtråden tar upp det, som om den bytt in själv
                            self.fel, self._stoppad = e, True
        finally:
            with contextlib.suppress(Exception):
                pdf.stang_webblasare()

    def _skriv(self, u: Utfall) -> Utfall:
        start = time.perf_counter()
        mapp, namn = Path(u.mapp), u.slutnamn or u.namn
        try:
            skrev = pdf.skriv_pdf_i_oppen(mapp / f"{namn}.html", mapp / f"{namn}.pdf", reserv=lambda: not self._stoppad)
        except Exception as e:  # rapporten räknas som misslyckad; de andra skrivs ändå
            shutil.rmtree(mapp, ignore_errors=True)
            fel = str(e) if isinstance(e, ExterntFel) else f"PDF:en kunde inte skrivas: {type(e).__name__}: {e}"
            return Utfall(u.namn, False, u.sekunder + time.perf_counter() - start, fel, slutnamn=u.slutnamn)
        sekunder = u.sekunder + time.perf_counter() - start
        return dataclasses.replace(u, sekunder=sekunder, fel="" if skrev else pdf.SAKNAS)


def _skriv_pdf(satt: str, html_fil: Path, pdf_fil: Path) -> str:
    """PDF:en i arbetsprocessen med ett eget Chromium (EGEN); anmärkningen till sammanfattningen
    ("" om allt gick). Med OPPEN skrivs den senare, i huvudprocessen (`_Skrivare`)."""
    if satt != EGEN:
        return ""
    return "" if pdf.skriv_pdf(html_fil, pdf_fil) else pdf.SAKNAS


def _kor_notebook(korning: Korning, tillfallig: Path) -> None:
    """Notebooken körd med papermill i arbetsprocessens kärna, in i den tillfälliga mappen."""
    import papermill as pm

    for forsok in (1, 2):
        km = karna.karna()
        try:
            pm.execute_notebook(
                str(korning.notebook),
                str(tillfallig / f"{korning.namn}.ipynb"),
                parameters={**korning.parametrar, "ut_dir": str(tillfallig), "rapportnamn": korning.namn},
                kernel_name="python3",
                progress_bar=False,
                cwd=str(analysmapp()),
                km=km,
                # Notebooken skrivs när den körts klart (eller när en cell fallerat), inte efter
                # varje cell: den ligger i en tillfällig mapp som ingen läser under körningen.
                request_save_on_cell_execute=False,
            )
            break
        except karna.KarnanDog:  # ingen cell kördes: en ny kärna, en gång till
            karna.kasta()
            if forsok == 2:
                raise
        except BaseException:
            karna.starta_om(km)
            raise


def run_one(korning: Korning, ut: Path, pdf_satt: str = EGEN) -> Utfall:
    """Kör en rapport i en tillfällig mapp bredvid målet. Körs i en arbetsprocess; fel blir ett
    `Utfall` med orsaken. Huvudprocessen byter in mappen (`byt_in`)."""
    utan_iri_tolkare()
    # papermills (och nbclients) loggrader är engelska och upprepar bara felet som `Utfall` ger på
    # svenska i sammanfattningen; utan en egen hanterare skriver Python dem på stderr.
    logg = logging.getLogger("papermill")
    logg.propagate = False
    if not logg.handlers:
        logg.addHandler(logging.NullHandler())
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    tillfallig = ut / f".{korning.namn}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tillfallig.mkdir(parents=True)
    klar = False
    try:
        kanda = notebook_parameters(korning.notebook)
        okanda = sorted(set(korning.parametrar) - set(kanda))
        if okanda:
            raise AnalysError(
                f"okänd parameter {', '.join(okanda)} för {korning.notebook.name} (parametrar: {', '.join(kanda)})"
            )
        _kor_notebook(korning, tillfallig)
        _numrera(tillfallig / f"{korning.namn}.ipynb")
        html_fil = tillfallig / f"{korning.namn}.html"
        export_html(tillfallig / f"{korning.namn}.ipynb", html_fil)
        if not (tillfallig / f"{korning.namn}.xlsx").is_file():
            raise AnalysError(f"notebooken skrev ingen arbetsbok {korning.namn}.xlsx")
        anmarkning = _skriv_pdf(pdf_satt, html_fil, tillfallig / f"{korning.namn}.pdf")
        slutnamn = _markt_namn(korning.namn, tillfallig, html_fil)
        klar = True
        return Utfall(
            korning.namn, True, time.perf_counter() - start, anmarkning, mapp=str(tillfallig), slutnamn=slutnamn
        )
    except PapermillExecutionError as e:
        indata = e.ename == "AnalysError"
        fel = e.evalue if e.ename in ("AnalysError", "ScbError", "ExterntFel") else f"{e.ename}: {e.evalue}"
        return Utfall(korning.namn, False, time.perf_counter() - start, fel, indatafel=indata)
    except ExterntFel as e:
        return Utfall(korning.namn, False, time.perf_counter() - start, str(e))
    except AnalysError as e:
        return Utfall(korning.namn, False, time.perf_counter() - start, str(e), indatafel=True)
    except Exception as e:  # en trasig körning får inte stoppa de andra
        return Utfall(korning.namn, False, time.perf_counter() - start, f"{type(e).__name__}: {e}")
    finally:
        if not klar and tillfallig.exists():
            shutil.rmtree(tillfallig, ignore_errors=True)


def _stapel(klara: int, totalt: int, bredd: int = 24) -> str:
    fyllt = round(bredd * klara / totalt) if totalt else bredd
    return "[" + "#" * fyllt + "-" * (bredd - fyllt) + f"] {klara}/{totalt}"


def stoppa_processer(sekunder: float = 2.0) -> None:
    """Stoppa alla processer som den här processen startat (arbetsprocesser, deras kärnor och
    webbläsare).

    Väntar utan att skörda de avslutade processerna: det gör multiprocessing själv. Skördar man
    dem här tror processpoolen att de lever för alltid (waitpid ger ECHILD), och Python hänger
    när programmet avslutas."""
    import psutil

    barn = psutil.Process().children(recursive=True)
    for p in barn:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    if _vanta_till_dod(barn, sekunder):
        return
    for p in barn:
        with contextlib.suppress(psutil.Error):
            p.kill()
    _vanta_till_dod(barn, 1.0)


def _vanta_till_dod(processer, sekunder: float) -> bool:
    """Sant när alla processerna har avslutats (zombie eller borta), utan att skörda någon."""
    import psutil

    def lever(p) -> bool:
        try:
            return p.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    slut = time.monotonic() + sekunder
    while True:
        if not any(lever(p) for p in processer):
            return True
        if time.monotonic() > slut:
            return False
        time.sleep(0.02)


def _dog(namn: str) -> Utfall:
    return Utfall(
        namn,
        False,
        0.0,
        "arbetsprocessen som körde rapporten avslutades oväntat (t.ex. slut på minne eller stoppad utifrån); "
        f"övriga rapporter påverkas inte. Kör om den med: analys rapport --bara {namn}",
    )


def _kor_i_pool(korningar: list[Korning], ut: Path, jobb: int, pdf_satt: str, fardig, skrivare) -> None:
    """Rapporterna i arbetsprocesserna; varje färdig rapport (eller misslyckad) till `fardig`.
    PDF-skrivaren startas när arbetsprocesserna startats, så att de inte ärver dess webbläsare."""
    korda: set[str] = set()

    def ta_emot(u: Utfall) -> None:
        korda.add(u.namn)
        fardig(u)

    pool = ProcessPoolExecutor(max_workers=jobb, initializer=_arbetare_start)
    try:
        framtid: dict[Future, Korning] = {pool.submit(run_one, k, ut, pdf_satt): k for k in korningar}
        if skrivare is not None:
            skrivare.start()
        try:
            for f in as_completed(framtid):
                ta_emot(f.result())
        except BrokenProcessPool:
            # En arbetsprocess dog. Kör det som återstår en i taget, så att den som dör syns.
            # wait=True: poolens hanteringstråd ska vara slut innan processen avslutas, annars kan
            # concurrent.futures avslutare skriva i en stängd pipe och skriva ut en traceback.
            pool.shutdown(wait=True, cancel_futures=True)
            for k in [k for k in korningar if k.namn not in korda]:
                # Arbetsprocessen forkas när den första rapporten lämnas in: inte medan PDF-skrivaren
                # skriver på stderr (under sitt lås).
                with skrivare.las if skrivare is not None else contextlib.nullcontext():
                    pool = ProcessPoolExecutor(max_workers=1, initializer=_arbetare_start)
                    framtida = pool.submit(run_one, k, ut, pdf_satt)
                try:
                    ta_emot(framtida.result())
                except BrokenProcessPool:
                    ta_emot(_dog(k.namn))
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
    except BaseException:
        _stoppa_allt(skrivare)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _stoppa_allt(skrivare) -> None:
    """Vid Ctrl-C, SIGTERM eller ett fel: inget mer byts in, och alla processer som körningen
    startat (arbetsprocesser, kärnor, webbläsare) stoppas. Går att anropa flera gånger.

    PDF-skrivaren får en kort stund att sluta; hann den starta ett reservchromium just innan den
    fick veta att körningen stoppas, stoppas det i andra varvet."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if skrivare is not None:
        skrivare.stoppa()
    stoppa_processer()
    if skrivare is not None and skrivare.is_alive():
        skrivare.join(2.0)
        stoppa_processer(1.0)


def run_all(
    korningar: list[Korning], ut: Path | None = None, jobb: int | None = None, strom=None, pdf_med: bool = True
) -> list[Utfall]:
    """Kör alla rapporter parallellt (`jobb` processer, standard antalet kärnor) med en
    förloppsrad per klar rapport; byter in varje färdig rapport i `ut`.

    PDF:erna skrivs i en öppen webbläsare i huvudprocessen, medan arbetsprocesserna kör vidare;
    en enstaka rapport med ett eget Chromium (att starta en webbläsare som hålls öppen vinner inget
    då). `pdf_med=False`: inga PDF:er."""
    strom = strom or sys.stderr
    ut = ut or reports_dir()
    ut.mkdir(parents=True, exist_ok=True)
    jobb = max(1, min(jobb or os.cpu_count() or 1, len(korningar) or 1))
    pdf_satt = (OPPEN if len(korningar) > 1 else EGEN) if pdf_med else INGEN
    utfall: dict[str, Utfall] = {}

    def fardig(u: Utfall) -> None:
        """En rapport som arbetsprocessen kört klart: till PDF-skrivaren, eller in direkt."""
        if skrivare is None:
            klar(u)
            return
        skrivare.kontrollera()
        if u.ok:
            skrivare.lagg_till(u)
        else:
            with skrivare.las:
                klar(u)

    def klar(u: Utfall) -> None:
        if u.ok:
            slutnamn = u.slutnamn or u.namn
            byt_in(Path(u.mapp), ut / slutnamn)
            if slutnamn == u.namn and (ut / (u.namn + PAHITTAT_SUFFIX)).is_dir():
                # avtalet eller antagandena är inte längre påhittade: den gamla märkta rapporten är inaktuell
                shutil.rmtree(ut / (u.namn + PAHITTAT_SUFFIX), ignore_errors=True)
        utfall[u.namn] = u
        status = ("klar" + (f", {u.fel}" if u.fel else "")) if u.ok else "MISSLYCKADES"
        tid = f"{u.sekunder:.1f}".replace(".", ",")
        visat = u.slutnamn or u.namn
        print(f"{_stapel(len(utfall), len(korningar))}  {visat}: {status} ({tid} s)", file=strom, flush=True)

    skrivare = _Skrivare(klar) if pdf_satt == OPPEN else None
    try:
        _kor_i_pool(korningar, ut, jobb, pdf_satt, fardig, skrivare)
        if skrivare is not None:
            skrivare.sista()
            while skrivare.is_alive():  # med en gräns, så att Ctrl-C når fram
                skrivare.join(0.1)
            skrivare.kontrollera()
    except BaseException:
        _stoppa_allt(skrivare)
        stada(ut)
        raise
    saknas = [k.namn for k in korningar if k.namn not in utfall]
    if saknas:  # PDF-skrivaren slutade oväntat: rapporterna den hade kvar sägs, mapparna städas
        for namn in saknas:
            klar(Utfall(namn, False, 0.0, f"rapporten blev inte klar. Kör om den med: analys rapport --bara {namn}"))
        stada(ut)
    ordning = {k.namn: i for i, k in enumerate(korningar)}
    return sorted(utfall.values(), key=lambda u: ordning[u.namn])
