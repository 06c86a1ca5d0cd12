"""Körningen: `analys rapport` kör rapporterna i `data/rapporter.yaml` med papermill.

Varje körning ger `reports/<namn>/`: den körda notebooken (`<namn>.ipynb`), en fristående
HTML-rapport utan kod (`<namn>.html`), arbetsboken som notebooken skriver (`<namn>.xlsx`) och,
om Chromium finns, en PDF (`<namn>.pdf`).

- `rapportfil`: rapportfilen, vilka rapporter som körs och med vilka parametrar;
- `export`: den körda notebooken som fristående HTML (`css`: utan stilregler som inget matchar);
- `pdf`: HTML-rapporten som PDF, i en webbläsare som hålls öppen (i huvudprocessen) eller med ett
  eget Chromium;
- `karna`: en Python-kärna per arbetsprocess, som återanvänds mellan rapporterna;
- `inbyte`: låset och inbytet, så att en rapportmapp aldrig är halvfärdig;
- `pool`: arbetsprocesserna, en rapport i taget i var och en, och vad som händer när en dör;
- `kommando`: kommandot självt: val av rapporter, avbrott, sammanfattning och slutkod.

Körningen importerar inga rapportämnen (fördelning, scenarier, kommunblad …): den vet bara att
en notebook skriver filer i en mapp.
"""
