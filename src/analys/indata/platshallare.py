"""Platshållare i YAML-filerna: värden som `analys ny` fyllt i som exempel och som ska ersättas med
länets riktiga värden innan något skickas vidare (fakturor, mallen, ett fastställt avtal).

Två markeringar räknas, och ingenting annat:

- kommentaren ``# PLATSHÅLLARE`` (med valfri text efter) på samma rad som en nyckel eller en
  listpost, t.ex. ``belopp: 850000  # PLATSHÅLLARE``;
- ett värde vars text börjar med ``PLATSHÅLLARE``, t.ex. ``fakturerar: "PLATSHÅLLARE: regionen"``.

En kommentarsrad för sig (``# PLATSHÅLLARE: …`` överst i filen) är en förklaring och räknas inte;
``# ANTAGANDE`` är en upplysning och räknas inte heller. Stora och små bokstäver spelar ingen roll.

`hitta` ger (fil, rad, fält) för varje platshållare som finns kvar. Den kraschar aldrig: en fil
som inte går att tolka som YAML gås igenom rad för rad i stället (den strikta läsaren säger
ändå ifrån om sådana filer innan något räknas).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from analys.fel import AnalysError
from analys.indata.paths import visningsvag

MARKERING = "PLATSHÅLLARE"
_BORJAR = re.compile(r"\s*PLATSH[ÅA]LLARE", re.IGNORECASE)
_MAX_STORLEK = 1_000_000


@dataclass(frozen=True)
class Platshallare:
    """En platshållare: filen (som användaren ser den), raden (från 1), fältet (nyckelvägen,
    t.ex. ``kostnader → post 1 → belopp``) och hur den är märkt ("# PLATSHÅLLARE" eller värdet)."""

    fil: str
    rad: int
    falt: str
    markering: str

    def text(self) -> str:
        return f"{self.fil}, rad {self.rad}: {self.falt} ({self.markering})"


def _ar_markering(text: str) -> bool:
    return bool(_BORJAR.match(text))


def _nyckelvag(delar: list[str]) -> str:
    return " → ".join(delar) if delar else "(hela filen)"


def _kort(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:97] + "…"


class _Ram:
    """En öppen tabell eller lista under genomgången: vägen dit, väntande nyckel, listans index."""

    def __init__(self, vag: list[str], tabell: bool) -> None:
        self.vag, self.tabell = vag, tabell
        self.nyckel: str | None = None
        self.index = 0

    def barn(self) -> list[str]:
        """Vägen till nästa värde i ramen (och flytta fram)."""
        if self.tabell:
            vag = [*self.vag, str(self.nyckel)]
            self.nyckel = None
            return vag
        self.index += 1
        return [*self.vag, f"post {self.index}"]


def _ga_igenom(text: str):
    """Händelserna med vägar: ger (rad, väg, slag, skalärens text) där slag är "nyckel", "värde"
    eller "samling" (en tabell eller lista i flödesstil, ``{…}``/``[…]``), och täckta spann per rad
    (där skalärer står, så att ett # i ett citerat värde inte tas för en kommentar)."""
    from ruamel.yaml import YAML
    from ruamel.yaml import events as ev

    noder: list[tuple[int, list[str], str, str]] = []
    tackt: dict[int, list[tuple[int, int]]] = {}
    stack: list[_Ram] = []
    for h in YAML(typ="safe", pure=True).parse(text):
        start, slut = h.start_mark, h.end_mark
        if isinstance(h, ev.ScalarEvent):
            for rad in range(start.line, slut.line + 1):
                fran = start.column if rad == start.line else 0
                till = slut.column if rad == slut.line else 10**9
                tackt.setdefault(rad, []).append((fran, till))
        if not isinstance(h, ev.ScalarEvent | ev.MappingStartEvent | ev.SequenceStartEvent):
            if isinstance(h, ev.MappingEndEvent | ev.SequenceEndEvent) and stack:
                stack.pop()
            continue
        if stack and stack[-1].tabell and stack[-1].nyckel is None:
            # en nyckel (bara skalärer räknas; den strikta läsaren avvisar andra)
            stack[-1].nyckel = str(h.value) if isinstance(h, ev.ScalarEvent) else "?"
            noder.append((start.line, [*stack[-1].vag, stack[-1].nyckel], "nyckel", ""))
            if not isinstance(h, ev.ScalarEvent):
                stack.append(_Ram([*stack[-1].vag, "?"], isinstance(h, ev.MappingStartEvent)))
            continue
        vag = stack[-1].barn() if stack else []
        if isinstance(h, ev.ScalarEvent):
            noder.append((start.line, vag, "värde", h.value))
        else:
            if getattr(h, "flow_style", False):
                noder.append((start.line, vag, "samling", ""))
            stack.append(_Ram(vag, isinstance(h, ev.MappingStartEvent)))
    return noder, tackt


def _kommentar(rad: str, tackt: list[tuple[int, int]]) -> str | None:
    """Kommentarens text på raden (efter #), eller None: ett # först på raden eller efter ett
    mellanslag, utanför varje skalär."""
    for m in re.finditer("#", rad):
        i = m.start()
        if i > 0 and not rad[i - 1].isspace():
            continue
        if any(fran <= i < till for fran, till in tackt):
            continue
        return rad[i + 1 :]
    return None


def _ur_handelser(text: str, kalla: str) -> list[Platshallare]:
    noder, tackt = _ga_igenom(text)
    forsta: dict[int, list[str]] = {}
    ut: list[Platshallare] = []
    for rad, vag, slag, varde in noder:
        if slag in ("nyckel", "samling") or (slag == "värde" and vag and vag[-1].startswith("post ")):
            forsta.setdefault(rad, vag)
        if slag == "värde" and isinstance(varde, str) and _ar_markering(varde):
            ut.append(Platshallare(kalla, rad + 1, _nyckelvag(vag), f'"{_kort(varde)}"'))
    rader = text.splitlines()
    for rad, vag in forsta.items():
        if rad >= len(rader):
            continue
        fore = rader[rad]
        kommentar = _kommentar(fore, tackt.get(rad, []))
        if kommentar is None or not _ar_markering(kommentar) or not fore[: len(fore) - len(kommentar) - 1].strip():
            continue
        ut.append(Platshallare(kalla, rad + 1, _nyckelvag(vag), "# " + _kort(kommentar.strip())))
    return sorted(set(ut), key=lambda p: (p.rad, p.falt))


_RAD = re.compile(r"^\s*(?:-\s+)*(?P<nyckel>[^\s#'\"{\[][^#]*?|\"[^\"]*\"|'[^']*')\s*:(?:\s+(?P<varde>.*))?$")


def _rad_for_rad(text: str, kalla: str) -> list[Platshallare]:
    """Reserv för text som inte är giltig YAML: en nyckel per rad, kommentaren efter ' #'."""
    ut = []
    for i, rad in enumerate(text.splitlines(), start=1):
        kod, _, kommentar = rad.partition(" #")
        if not kod.strip():
            continue
        m = _RAD.match(kod)
        falt = m.group("nyckel").strip("\"' ") if m else kod.strip().lstrip("- ").strip()
        varde = (m.group("varde") or "") if m else ""
        if kommentar and _ar_markering(kommentar):
            ut.append(Platshallare(kalla, i, _kort(falt) or f"rad {i}", "# " + _kort(kommentar.strip())))
        elif _ar_markering(varde := varde.strip().strip("\"'")):
            ut.append(Platshallare(kalla, i, _kort(falt) or f"rad {i}", f'"{_kort(varde)}"'))
    return ut


def i_text(text: str, kalla: str) -> tuple[Platshallare, ...]:
    """Platshållarna i YAML-text (`kalla` = filen som den visas)."""
    if "platsh" not in text.casefold():  # det vanliga fallet: ingen markering alls
        return ()
    try:
        return tuple(_ur_handelser(text, kalla))
    except Exception:  # ogiltig YAML (eller något ruamel inte klarar): rad för rad
        return tuple(_rad_for_rad(text, kalla))


def hitta(path: Path) -> tuple[Platshallare, ...]:
    """Platshållarna i en YAML-fil; en fil som inte finns eller inte är text har inga. Samma fil
    (samma storlek och ändringstid) gås igenom en gång (utforskaren frågar vid varje reglage)."""
    path = Path(path)
    try:
        st = path.stat()
        if not path.is_file() or st.st_size > _MAX_STORLEK:
            return ()
        return _hitta(str(path.resolve()), visningsvag(path), st.st_mtime_ns, st.st_size)
    except (OSError, UnicodeDecodeError):
        return ()


@functools.lru_cache(maxsize=64)
def _hitta(path: str, kalla: str, _mtime: int, _storlek: int) -> tuple[Platshallare, ...]:
    return i_text(Path(path).read_bytes().decode("utf-8-sig"), kalla)


def under(platshallare: tuple[Platshallare, ...], forsta: str) -> tuple[Platshallare, ...]:
    """Bara platshållarna vars fält ligger under nyckeln `forsta` (t.ex. ett scenario)."""
    return tuple(p for p in platshallare if p.falt == forsta or p.falt.startswith(forsta + " → "))


def kontrollera(vad: str, platshallare: tuple[Platshallare, ...]) -> None:
    """Vägra (AnalysError, slutkod 2) så länge någon platshållare finns kvar. `vad` är det som
    inte görs, t.ex. "Fakturorna tas inte fram"."""
    if not platshallare:
        return
    antal = len(platshallare)
    rader = "\n".join(f"  {p.text()}" for p in platshallare)
    raise AnalysError(
        f"{vad}: {antal} platshållare finns kvar, exempelvärden "
        f"som ska ersättas med riktiga värden:\n{rader}\n"
        f"Skriv in de riktiga värdena och ta bort markeringen (kommentaren # {MARKERING} på raden, "
        f"eller {MARKERING} först i värdet); sätt sedan exempel: false."
    )
