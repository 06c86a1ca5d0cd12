"""Rapporter: allt en person läser, och vägen dit (hämta indata, räkna, presentera).

Notebooks och kommandoraden använder bara modulerna här:

- `fordelning`: ett års fördelning (tabell, CSV, JSON, Excel);
- `scenarier`: kostnaden år för år under olika scenarier, känslighet och Monte Carlo;
- `kommunblad`: en kommuns kostnader i alla scenarier;
- `uppfoljning`: utfall, kursavgifter, utbildarpotten och varje kommuns ställning;
- `faktura`: fakturaunderlag per kommun;
- `mall`: Excelmallen för uppföljningsunderlaget;
- `diagram`, `tabeller`, `excel`, `kallor`, `text`, `format`, `filer`: byggstenarna.

Exempel i en notebook: ``from analys.rapporter import diagram, fordelning``.
"""
