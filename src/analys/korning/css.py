"""nbconvert lägger JupyterLabs hela stilmall (ungefär 240 kB) i varje HTML-rapport, för alla
slags celler, widgetar, kodmarkering och lägen som bara JupyterLab självt använder. Här tas de
regler bort som inte kan gälla något i rapporten: en regel vars alla selektorer kräver en klass
som inget element i rapporten har. Sidan ser likadan ut (samma regler gäller samma element,
bildpunkt för bildpunkt), men HTML-filen blir ungefär 160 kB mindre (en rapport som skickas med
e-post eller öppnas i mobilen). PDF:erna blir inte mätbart snabbare.

Det som inte säkert går att avgöra får stå kvar: regler utan klasser (`body`, `:root` med
variablerna), klasser inuti `:not(…)`, `:has(…)` och liknande, och alla at-regler utom
`@media`, `@supports`, `@container` och `@layer`, vars innehåll rensas på samma sätt (ett
`@layer` står kvar även tomt: lagrens ordning bestäms av var de först nämns).

Klasserna läses ur HTML-texten som den är: en klass som ett skript lägger till när sidan
öppnas syns inte. Rapporterna har inga skript (`export` tar bort dem)."""

from __future__ import annotations

import functools
import re

_KLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_STIL = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_BLOCK_AT = ("media", "supports", "layer", "container")


def klasser(html: str) -> frozenset[str]:
    """Alla klasser som något element i HTML-texten har."""
    import html as h

    return frozenset(k for m in _KLASS.finditer(html) for k in h.unescape(m.group(m.lastindex or 1)).split())


def _kravda_klasser(prelude) -> list[frozenset[str]]:
    """Klasserna som varje selektor i listan kräver (de som står utanför funktioner som
    `:not(…)`, `:is(…)` och `:has(…)`, som tinycss2 ger som egna block)."""
    import tinycss2.ast as a

    selektorer: list[frozenset[str]] = []
    aktuell: set[str] = set()
    forra_punkt = False
    for t in prelude:
        if isinstance(t, a.LiteralToken) and t.value == ",":
            selektorer.append(frozenset(aktuell))
            aktuell, forra_punkt = set(), False
            continue
        if forra_punkt and isinstance(t, a.IdentToken):
            aktuell.add(t.value)
        forra_punkt = isinstance(t, a.LiteralToken) and t.value == "."
    selektorer.append(frozenset(aktuell))
    return selektorer


@functools.lru_cache(maxsize=8)
def _regler(css: str) -> tuple:
    """Stilmallen tolkad en gång per process, som en tupel av
    ("regel", text, krävda klasser per selektor) för vanliga regler,
    ("block", början, inre regler, slut, nyckelord) för @media och liknande, och
    ("annat", text) för övriga at-regler, som står kvar som de är."""
    import tinycss2

    def tolka(noder) -> tuple:
        ut = []
        for n in noder:
            if n.type == "qualified-rule":
                ut.append(("regel", n.serialize(), tuple(_kravda_klasser(n.prelude))))
            elif n.type == "at-rule" and n.lower_at_keyword in _BLOCK_AT and n.content is not None:
                inre = tolka(tinycss2.parse_rule_list(n.content, skip_comments=True, skip_whitespace=True))
                ut.append(("block", f"@{n.at_keyword}{tinycss2.serialize(n.prelude)}{{", inre, "}", n.lower_at_keyword))
            elif n.type == "at-rule":
                ut.append(("annat", n.serialize()))
            # parse-fel och kommentarer: webbläsaren hoppar ändå över dem
        return tuple(ut)

    return tolka(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _skriv(regler: tuple, har: frozenset[str]) -> str:
    delar = []
    for r in regler:
        if r[0] == "regel":
            text, selektorer = r[1], r[2]
            if not selektorer or any(s <= har for s in selektorer):
                delar.append(text)
        elif r[0] == "block":
            inre = _skriv(r[2], har)
            if inre or r[4] == "layer":
                delar.append(r[1] + inre + r[3])
        else:
            delar.append(r[1])
    return "\n".join(delar)


def rensa(html: str, min_storlek: int = 2000) -> str:
    """HTML-texten med de stilregler i `<head>` borttagna som inget element i `<body>` kan
    matcha. Stilblock mindre än `min_storlek` tecken (rapportens egna) lämnas som de är."""
    huvud, skiljer, kropp = html.partition("</head>")
    if not skiljer:
        return html
    har = klasser(kropp)

    def ersatt(m: re.Match) -> str:
        if len(m.group(2)) < min_storlek:
            return m.group(0)
        return m.group(1) + "\n" + _skriv(_regler(m.group(2)), har) + "\n" + m.group(3)

    return _STIL.sub(ersatt, huvud) + skiljer + kropp
