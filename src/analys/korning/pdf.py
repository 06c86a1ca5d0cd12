"""HTML-rapporten som PDF: A4, sidnummer "Sida x av y", tabellrader delas aldrig, rubrikrader
upprepas och en rubrik står aldrig ensam nederst på en sida. Sidorna och marginalerna står i
rapportens utskriftsstil (`rapporter.tabeller.STIL`), så de två vägarna hit ger samma PDF:

- i batchkörningen skriver huvudprocessen alla PDF:er i en och samma headless Chromium, som
  hålls öppen och styrs med Playwright över DevTools-protokollet, medan arbetsprocesserna kör
  nästa rapport;
- en enstaka rapport skrivs ut med ett eget Chromium (`chromium --print-to-pdf`).

Saknas Chromium blir det ingen PDF, och körningen säger det på svenska."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from analys.fel import ExterntFel

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

# Samma utskrift som `chromium --print-to-pdf --no-pdf-header-footer`: sidstorleken och
# marginalerna ur rapportens @page-regel, bakgrunder med, inget sidhuvud från webbläsaren.
UTSKRIFT = {"print_background": True, "prefer_css_page_size": True, "display_header_footer": False, "tagged": True}

CLI_SEKUNDER = 180  # längsta tid för en PDF med ett eget Chromium

SAKNAS = "ingen PDF: Chromium är inte installerat (apt-get install chromium)"


def chromium() -> str | None:
    """Chromium (eller Chrome) om det finns; används för PDF-utskriften."""
    for namn in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if vag := shutil.which(namn):
            return vag
    return None


def _kort_tmp() -> tuple[str | None, dict | None]:
    """Chromium lägger uttag (sockets) i TMPDIR och profilmappen, och ett uttags sökväg får vara
    högst 107 tecken: med en lång TMPDIR avbryts Chromium annars (slutkod -6). Då används /tmp."""
    kort = "/tmp" if len(tempfile.gettempdir()) > 40 and os.access("/tmp", os.W_OK) else None
    return kort, ({**os.environ, "TMPDIR": kort} if kort else None)


_SKARMKALLA = re.compile(r"""<source\b[^>]*\bmedia\s*=\s*["']\s*screen\b[^>]*>""", re.I)


def utan_skarmkallor(html: str) -> str:
    """HTML-texten utan `<source>` för media som bara är skärmar: i utskriften gäller de aldrig."""
    return _SKARMKALLA.sub("", html)


def skriv_pdf(html_path: Path, pdf_path: Path) -> bool:
    """Skriv ut HTML-rapporten som PDF med ett eget headless Chromium. False om Chromium saknas."""
    program = chromium()
    if program is None:
        return False
    kort, env = _kort_tmp()
    with tempfile.TemporaryDirectory(prefix="analys-chromium-", dir=kort) as profil:
        try:
            r = subprocess.run(
                [program, *CHROMIUM_FLAGGOR, f"--user-data-dir={profil}", f"--print-to-pdf={pdf_path}",
                 html_path.resolve().as_uri()],
                capture_output=True,
                text=True,
                timeout=CLI_SEKUNDER,
                env=env,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise ExterntFel(f"Chromium skrev inte ut {html_path.name} som PDF på {CLI_SEKUNDER} sekunder.") from None
        except OSError as e:
            raise ExterntFel(
                f"Chromium ({program}) kunde inte startas för {html_path.name}: {e.strerror or e}."
            ) from None
    if r.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise ExterntFel(f"Chromium kunde inte skriva ut {html_path.name} som PDF (slutkod {r.returncode}).")
    return True


class Webblasare:
    """En headless Chromium som hålls öppen och skriver ut en sida i taget, med en och samma flik.

    Styrs med Playwright över DevTools-protokollet (genom ett rör, ingen port öppnas), med
    systemets Chromium: Playwright laddar inte ner någon egen webbläsare."""

    def __init__(self, program: str) -> None:
        from playwright.sync_api import sync_playwright

        _, env = _kort_tmp()
        self._stangd = False
        self._pw = sync_playwright().start()
        try:
            self._blasare = self._pw.chromium.launch(
                executable_path=program, headless=True, args=list(CHROMIUM_FLAGGOR), env=env, timeout=60_000
            )
            self._flik = self._blasare.new_page()
        except BaseException:
            self._pw.stop()
            raise

    def lever(self) -> bool:
        return not self._stangd and self._blasare.is_connected()

    def skriv_ut(self, html_path: Path, pdf_path: Path) -> None:
        """Ladda HTML-filen i fliken, vänta tills den laddats klart och skriv ut den.

        Fliken laddar en utskriftskopia bredvid filen, utan bildkällorna för skärmar
        (`<source media="screen …">`, diagrammens mobilversion): de visas aldrig på papper, men
        Chromium läser dem ändå, och det är ungefär en tiondel av arbetet med ett kommunblad."""
        kopia = html_path.with_name(f".{html_path.stem}.utskrift.html")
        kopia.write_text(utan_skarmkallor(html_path.read_text(encoding="utf-8")), encoding="utf-8")
        try:
            self._flik.goto(kopia.resolve().as_uri(), wait_until="load", timeout=120_000)
            self._flik.pdf(path=str(pdf_path), **UTSKRIFT)
        finally:
            kopia.unlink(missing_ok=True)

    def stang(self) -> None:
        if self._stangd:
            return
        self._stangd = True
        with contextlib.suppress(Exception):
            self._blasare.close()
        with contextlib.suppress(Exception):
            self._pw.stop()


_WEBBLASARE: Webblasare | None = None


def webblasare() -> Webblasare | None:
    """Processens webbläsare, startad första gången den behövs; None om Chromium saknas. Den
    används och stängs i tråden som startade den (Playwrights synkrona gränssnitt hör till en
    tråd). Avslutas processen utan att den stängts, stängs den ändå: Playwrights drivrutin slutar
    när dess rör från Python stängs, och Chromium när röret från drivrutinen stängs."""
    global _WEBBLASARE
    if _WEBBLASARE is not None and _WEBBLASARE.lever():
        return _WEBBLASARE
    program = chromium()
    if program is None:
        return None
    _WEBBLASARE = Webblasare(program)
    return _WEBBLASARE


def stang_webblasare() -> None:
    """Stäng processens öppna webbläsare (i samma tråd som startade den)."""
    global _WEBBLASARE
    if _WEBBLASARE is not None:
        _WEBBLASARE.stang()
        _WEBBLASARE = None


def skriv_pdf_i_oppen(html_path: Path, pdf_path: Path, reserv: Callable[[], bool] = lambda: True) -> bool:
    """Skriv ut i processens öppna webbläsare. Går något fel med den (den dog eller svarade
    inte) stängs den, och sidan skrivs ut med ett eget Chromium i stället, om `reserv()` säger ja
    (inte när körningen just stoppas). False om Chromium saknas."""
    try:
        w = webblasare()
        if w is None:
            return False
        w.skriv_ut(html_path, pdf_path)
    except Exception:
        stang_webblasare()
        if not reserv():
            raise ExterntFel(f"PDF:en för {html_path.name} skrevs inte: körningen stoppades.") from None
        return skriv_pdf(html_path, pdf_path)
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise ExterntFel(f"Chromium kunde inte skriva ut {html_path.name} som PDF (tom fil).")
    return True
