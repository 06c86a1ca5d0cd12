"""Flödet: hämta det som behövs och räkna, ett ämne per modul (fordelning, scenarier, uppfoljning,
faktura). Varje modul läser med `indata`, räknar med `berakning` och returnerar ett fryst resultat
där allt redan är uträknat och inläst, så att `rapporter` bara presenterar och inget läses om när
ett resultat visas.

Kommandoraden, notebooks och utforskaren går samma väg: talen ur `analys.flode`, texten, tabellerna
och arbetsböckerna ur `analys.rapporter`.
"""
