"""Batchkörning av rapporterna i `data/rapporter.yaml` med papermill.

Varje körning ger `reports/<namn>/`: den körda notebooken (`<namn>.ipynb`), en fristående
HTML-rapport utan kod (`<namn>.html`) och arbetsboken som notebooken skriver (`<namn>.xlsx`).

Körningen tål avbrott:

- arbetsprocesserna skriver bara i egna tillfälliga mappar (`.<namn>.tmp-…`); huvudprocessen
  byter in en färdig rapport med ett enda namnbyte (`renameat2` med RENAME_EXCHANGE), så en
  rapportmapp är alltid antingen den gamla eller den nya, aldrig halvfärdig;
- Ctrl-C (SIGINT) eller SIGTERM: inget fler byts in, arbetsprocesser och kärnor stoppas, de
  tillfälliga mapparna tas bort och slutkoden blir 130 respektive 143;
- dör huvudprocessen avslutas arbetsprocesserna (PR_SET_PDEATHSIG) och deras kärnor (kärnan
  ser att dess förälder är borta); nästa körning städar det som blev kvar;
- en låsfil (`reports/.analys-rapport.lock`, flock) gör att en andra körning samtidigt säger
  ifrån i stället för att krocka;
- dör en arbetsprocess mitt i en rapport sägs det med rapportens namn, och övriga körs klart.

En körning som misslyckas stoppar inte de andra; sammanfattningen sist säger vilka som
misslyckades och varför. Slutkoden är 2 om någon rapport föll på fel i indata, annars 1 om
någon misslyckades.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing.util
import os
import re
import shutil
import signal
import sys
import time
import uuid
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from analys.fel import AnalysError, Avbrott, ExterntFel
from analys.filer import kontrollera_utmapp
from analys.indata.paths import data_dir, notebook_dir, reports_dir
from analys.indata.rapportfil import Korning, load_korningar, notebook_parameters

LASFIL = ".analys-rapport.lock"


@dataclass(frozen=True)
class Utfall:
    namn: str
    ok: bool
    sekunder: float
    fel: str = ""
    indatafel: bool = False  # felet ligger i användarens indata (slutkod 2)
    mapp: str = ""  # den färdiga rapportens tillfälliga mapp, att byta in
    slutnamn: str = ""  # mappens och filernas namn; "-pahittat-exempel" läggs till för påhittat


def _forsta_rubrik(nb) -> str:
    """Rapportens rubrik: den första rubriken (# …) som notebooken skrev ut."""
    for cell in nb.cells:
        for ut in cell.get("outputs", []):
            text = ut.get("data", {}).get("text/markdown", "")
            if isinstance(text, list):
                text = "".join(text)
            for rad in str(text).splitlines():
                if rad.startswith("# "):
                    return rad[2:].strip()
    return ""


# På en smal skärm (mobilen): ingen indragning för prompter, så att beloppen syns (tabellernas egen
# mobilstil står i tabeller.STIL).
MOBIL = """<style>
@media (max-width: 640px) {
  body, .jp-Notebook {padding: 6px !important;}
  .jp-Cell, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-output, .jp-OutputArea-child,
  .jp-RenderedHTMLCommon {padding-left: 0 !important; margin-left: 0 !important; padding-right: 0 !important;}
  .jp-Collapser, .jp-OutputPrompt, .jp-InputPrompt {display: none !important;}
}
</style>
"""


def export_html(nb_path: Path, html_path: Path, titel: str | None = None) -> str:
    """Fristående HTML utan kodceller och prompter; inga skript hämtas utifrån. Sidans titel är
    rapportens rubrik (med "PÅHITTAT EXEMPEL" först om underlaget är påhittat); vid utskrift står
    titeln överst och sidnumret nederst på varje sida. Returnerar titeln."""
    import html

    import nbformat
    from nbconvert import HTMLExporter

    from analys.rapporter.tabeller import PAHITTAT

    nb = nbformat.read(nb_path, as_version=4)
    titel = titel or _forsta_rubrik(nb) or nb_path.stem
    if PAHITTAT in json.dumps(nb.cells, ensure_ascii=False) and PAHITTAT not in titel:
        titel = f"{PAHITTAT}: {titel}"
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": titel}})
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r"<html[^>]*>", '<html lang="sv">', body, count=1)
    sidhuvud = titel.replace("\\", "").replace('"', "'")
    tillagg = (
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<style>@media print {{ @page {{ @top-left {{ content: "{html.escape(sidhuvud)}"; '
        "font-size: 8pt; color: #333; } } }}</style>\n" + MOBIL
    )
    body = body.replace("</head>", tillagg + "</head>", 1)
    from analys.rapporter.tabeller import hela_tal

    body = hela_tal(body)
    html_path.write_text(body, encoding="utf-8")
    return titel


CHROMIUM_FLAGGOR = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-pdf-header-footer",
)


def chromium() -> str | None:
    """Chromium (eller Chrome) om det finns; används för PDF-utskriften."""
    for namn in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if vag := shutil.which(namn):
            return vag
    return None


def skriv_pdf(html_path: Path, pdf_path: Path) -> bool:
    """Skriv ut HTML-rapporten som PDF (A4, sidnummer, tabellrader delas aldrig, rubrikrader
    upprepas) med headless Chromium. False om Chromium saknas."""
    import subprocess
    import tempfile

    program = chromium()
    if program is None:
        return False
    # Chromium lägger uttag (sockets) i TMPDIR och profilmappen, och ett uttags sökväg får vara
    # högst 107 tecken: med en lång TMPDIR avbryts Chromium annars (slutkod -6). Då används /tmp.
    kort = "/tmp" if len(tempfile.gettempdir()) > 40 and os.access("/tmp", os.W_OK) else None
    env = {**os.environ, "TMPDIR": kort} if kort else None
    with tempfile.TemporaryDirectory(prefix="analys-chromium-", dir=kort) as profil:
        r = subprocess.run(
            [program, *CHROMIUM_FLAGGOR, f"--user-data-dir={profil}", f"--print-to-pdf={pdf_path}",
             html_path.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=180,
            env=env,
        )  # fmt: skip
    if r.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise ExterntFel(f"Chromium kunde inte skriva ut {html_path.name} som PDF (slutkod {r.returncode}).")
    return True


_KARNA = None


def _tyst_stderr():
    """Kärnans loggrader (t.ex. om TCP) hör inte hemma i sammanfattningen: kärnan ärver /dev/null."""
    import contextlib

    @contextlib.contextmanager
    def tyst():
        stderr = os.dup(2)
        with open(os.devnull, "w") as n:
            os.dup2(n.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(stderr, 2)
                os.close(stderr)

    return tyst()


def _karna():
    """En kärna per arbetsprocess, som återanvänds mellan rapporterna: importerna (pandas,
    matplotlib …) görs en gång per process i stället för en gång per rapport. Före varje rapport
    töms kärnans namnrymd och alla diagram stängs, så rapporterna påverkar inte varandra."""
    global _KARNA
    import atexit

    from jupyter_client.manager import KernelManager

    if _KARNA is None or not _KARNA.is_alive():
        from jupyter_client.kernelspec import KernelSpec

        _KARNA = KernelManager(kernel_name="python3")
        # Samma Python som analys är installerad i, även om användaren har en egen "python3"-kärna.
        _KARNA._kernel_spec = KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (analys)",
            language="python",
        )
        # Kärnan körs i notebookmappen, som kan vara de notebooks som följer med programmet: den
        # får analys-mappens data som absolut sökväg, så att den räknar på rätt läns filer.
        env = {**os.environ, "ANALYS_DATA": str(data_dir().resolve())}
        if os.environ.get("ANALYS_NOTEBOOKS"):
            env["ANALYS_NOTEBOOKS"] = str(Path(os.environ["ANALYS_NOTEBOOKS"]).resolve())
        with _tyst_stderr():
            _KARNA.start_kernel(cwd=str(notebook_dir()), env=env)
        # En arbetsprocess avslutas med os._exit (atexit körs inte där), men multiprocessings
        # avslutare körs: kärnan stängs och dess anslutningsfil tas bort.
        atexit.register(_stang_karna, _KARNA)
        multiprocessing.util.Finalize(None, _stang_karna, args=(_KARNA,), exitpriority=10)
    else:
        kc = _KARNA.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            kc.execute_interactive(
                "get_ipython().run_line_magic('reset', '-f')\n"
                "import sys\n"
                "if 'matplotlib.pyplot' in sys.modules: sys.modules['matplotlib.pyplot'].close('all')",
                timeout=60,
                store_history=False,
                output_hook=lambda msg: None,
            )
        finally:
            kc.stop_channels()
    return _KARNA


def _stang_karna(km) -> None:
    with contextlib.suppress(Exception):
        km.shutdown_kernel(now=True)
    with contextlib.suppress(Exception):
        os.unlink(km.connection_file)


def _starta_om(km) -> None:
    """Efter ett fel: starta om kärnan så att nästa rapport börjar rent."""
    try:
        with _tyst_stderr():
            km.restart_kernel(now=True)
    except Exception:
        global _KARNA
        _KARNA = None


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
    km = _KARNA
    with contextlib.suppress(Exception):
        proc = getattr(getattr(km, "provisioner", None), "process", None)
        if proc is not None:
            os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        os.unlink(km.connection_file)
    os._exit(143)


PAHITTAT_SUFFIX = "-pahittat-exempel"


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


def run_one(korning: Korning, ut: Path) -> Utfall:
    """Kör en rapport i en tillfällig mapp bredvid målet. Körs i en arbetsprocess; fel blir ett
    `Utfall` med orsaken. Huvudprocessen byter in mappen (`byt_in`)."""
    import papermill as pm
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
        km = _karna()
        try:
            pm.execute_notebook(
                str(korning.notebook),
                str(tillfallig / f"{korning.namn}.ipynb"),
                parameters={**korning.parametrar, "ut_dir": str(tillfallig), "rapportnamn": korning.namn},
                kernel_name="python3",
                progress_bar=False,
                cwd=str(korning.notebook.parent),
                km=km,
            )
        except BaseException:
            _starta_om(km)
            raise
        _numrera(tillfallig / f"{korning.namn}.ipynb")
        html_fil = tillfallig / f"{korning.namn}.html"
        export_html(tillfallig / f"{korning.namn}.ipynb", html_fil)
        if not (tillfallig / f"{korning.namn}.xlsx").is_file():
            raise AnalysError(f"notebooken skrev ingen arbetsbok {korning.namn}.xlsx")
        pdf = skriv_pdf(html_fil, tillfallig / f"{korning.namn}.pdf")
        slutnamn = _markt_namn(korning.namn, tillfallig, html_fil)
        klar = True
        anmarkning = "" if pdf else "ingen PDF: Chromium är inte installerat (apt-get install chromium)"
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


# --- att byta in en färdig rapport ------------------------------------------------------------


def _byt_plats(a: Path, b: Path) -> bool:
    """Byt plats på två mappar i ett enda systemanrop (Linux renameat2, RENAME_EXCHANGE)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        funktion = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return funktion(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def byt_in(ny: Path, mal: Path) -> None:
    """Ersätt `mal` med den färdiga mappen `ny` så att `mal` aldrig är halvfärdig.

    Där RENAME_EXCHANGE saknas (andra system och filsystem) blir det två namnbyten med en
    mellanmapp `.<namn>.gammal-…`, som nästa körning lägger tillbaka om något avbröt dem.
    """
    blockera = {signal.SIGINT, signal.SIGTERM}
    gamla = signal.pthread_sigmask(signal.SIG_BLOCK, blockera)
    try:
        if not mal.exists():
            os.rename(ny, mal)
            return
        if _byt_plats(ny, mal):
            shutil.rmtree(ny, ignore_errors=True)  # `ny` har nu den gamla rapporten
            return
        gammal = mal.parent / f".{mal.name}.gammal-{os.getpid()}"
        os.rename(mal, gammal)
        os.rename(ny, mal)
        shutil.rmtree(gammal, ignore_errors=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, gamla)


def stada(ut: Path) -> None:
    """Det som en avbruten körning lämnade: tillfälliga mappar tas bort, och en gammal rapport
    som flyttats undan men inte ersatts läggs tillbaka."""
    for p in ut.glob(".*.tmp-*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
    for p in ut.glob(".*.gammal-*"):
        m = re.fullmatch(r"\.(.+)\.gammal-\d+", p.name)
        if m and p.is_dir() and not (ut / m.group(1)).exists():
            os.rename(p, ut / m.group(1))
        elif p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def las(ut: Path):
    """Bara en körning åt gången skriver i `ut` (flock; släpps när processen avslutas, hur den än slutar)."""
    import fcntl

    fil = ut / LASFIL
    fd = os.open(fil, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            annan = os.pread(fd, 32, 0).decode(errors="replace").strip() or "okänd"
            raise ExterntFel(
                f"En annan körning av analys rapport (process {annan}) skriver redan i {ut}; "
                "vänta tills den är klar och försök igen."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


# --- körningen --------------------------------------------------------------------------------


def _stapel(klara: int, totalt: int, bredd: int = 24) -> str:
    fyllt = round(bredd * klara / totalt) if totalt else bredd
    return "[" + "#" * fyllt + "-" * (bredd - fyllt) + f"] {klara}/{totalt}"


def _stoppa_processer(sekunder: float = 2.0) -> None:
    """Stoppa alla processer som den här processen startat (arbetsprocesser och deras kärnor).

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


def run_all(korningar: list[Korning], ut: Path | None = None, jobb: int | None = None, strom=None) -> list[Utfall]:
    """Kör alla rapporter parallellt (`jobb` processer, standard antalet kärnor) med en
    förloppsrad per klar rapport; byter in varje färdig rapport i `ut`."""
    strom = strom or sys.stderr
    ut = ut or reports_dir()
    ut.mkdir(parents=True, exist_ok=True)
    jobb = max(1, min(jobb or os.cpu_count() or 1, len(korningar) or 1))
    utfall: dict[str, Utfall] = {}

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

    kvar = list(korningar)
    pool = ProcessPoolExecutor(max_workers=jobb, initializer=_arbetare_start)
    try:
        framtid: dict[Future, Korning] = {pool.submit(run_one, k, ut): k for k in kvar}
        try:
            for f in as_completed(framtid):
                klar(f.result())
        except BrokenProcessPool:
            # En arbetsprocess dog. Kör det som återstår en i taget, så att den som dör syns.
            pool.shutdown(wait=False, cancel_futures=True)
            for k in [k for k in kvar if k.namn not in utfall]:
                pool = ProcessPoolExecutor(max_workers=1, initializer=_arbetare_start)
                try:
                    klar(pool.submit(run_one, k, ut).result())
                except BrokenProcessPool:
                    klar(_dog(k.namn))
                finally:
                    pool.shutdown(wait=False, cancel_futures=True)
    except BaseException:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stoppa_processer()
        pool.shutdown(wait=False, cancel_futures=True)
        stada(ut)
        raise
    pool.shutdown(wait=True)
    ordning = {k.namn: i for i, k in enumerate(korningar)}
    return sorted(utfall.values(), key=lambda u: ordning[u.namn])


def summary(utfall: list[Utfall], ut: Path, sekunder: float) -> str:
    klara = [u for u in utfall if u.ok]
    fel = [u for u in utfall if not u.ok]
    tid = f"{sekunder:.1f}".replace(".", ",")
    rel = os.path.relpath(ut)
    rader = [f"{len(klara)} av {len(utfall)} rapporter klara på {tid} s, i {ut if rel.startswith('..') else rel}/."]
    if any(u.ok and u.fel for u in utfall):
        rader.append(f"Obs: {next(u.fel for u in utfall if u.ok and u.fel)}.")
    if fel:
        rader.append(f"{len(fel)} misslyckades:")
        rader += [f"  {u.namn}: {u.fel}" for u in fel]
    return "\n".join(rader)


def slutkod(utfall: list[Utfall]) -> int:
    """0 om allt gick; 2 om någon rapport föll på fel i indata; annars 1."""
    if all(u.ok for u in utfall):
        return 0
    return 2 if any(u.indatafel for u in utfall if not u.ok) else 1


def kor(
    config: Path | None = None,
    bara: list[str] | None = None,
    jobb: int | None = None,
    ut: Path | None = None,
    lista: bool = False,
    strom=None,
) -> int:
    """`analys rapport`: kör rapporterna (eller listar dem); returnerar slutkoden."""
    strom = strom or sys.stderr
    korningar = load_korningar(config)
    if lista:
        for k in korningar:
            par = ", ".join(f"{n}={v!r}" for n, v in k.parametrar.items())
            print(f"{k.namn}  ({k.notebook.name}; {par})")
        return 0
    if jobb is not None and not 1 <= jobb <= 64:
        raise AnalysError(f"--jobb måste vara mellan 1 och 64 (fick {jobb}).")
    if bara:
        valda = [k for k in korningar if any(k.namn == b or k.namn.startswith(b + "-") for b in bara)]
        okanda = [b for b in bara if not any(k.namn == b or k.namn.startswith(b + "-") for k in korningar)]
        if okanda:
            raise AnalysError(f"Rapporten '{okanda[0]}' finns inte. Rapporter: {', '.join(k.namn for k in korningar)}.")
        korningar = valda
    # Absolut: notebooks körs i notebookmappen, där en relativ sökväg skulle peka fel.
    ut = Path(os.path.abspath(ut or reports_dir()))
    kontrollera_utmapp(ut)
    ut.mkdir(parents=True, exist_ok=True)
    with las(ut):
        stada(ut)
        start = time.perf_counter()
        with avbrott_som_undantag():
            utfall = run_all(korningar, ut, jobb, strom)
        print(summary(utfall, ut, time.perf_counter() - start), file=strom)
    return slutkod(utfall)


@contextlib.contextmanager
def avbrott_som_undantag():
    """Ctrl-C och SIGTERM blir `Avbrott` (slutkod 130 och 143) i huvudprocessen."""

    def hanterare(signum, frame):
        raise Avbrott(130 if signum == signal.SIGINT else 143)

    fore = {s: signal.signal(s, hanterare) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in fore.items():
            signal.signal(s, h)
