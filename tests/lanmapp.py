"""Testhjälp: en analys-mapp som `analys ny` skapat, med platshållarna ersatta som en region
ersätter dem (riktiga värden, markeringen borta, exempel: false)."""

from __future__ import annotations

import re
from pathlib import Path

from analys.indata import platshallare

RIKTIG_KALLA = '"Avtal RV 2025/0142, beslutat 2025-11-19"'


def ersatt_platshallare(mapp: Path) -> int:
    """Ersätt varje platshållare i mappens YAML-filer med ett riktigt värde och ta bort
    markeringen; sätt exempel: false; låt uppföljningen läsa ett ifyllt underlag utanför
    data/exempel/. Ger antalet platshållare som ersattes."""
    antal = 0
    for fil in sorted((mapp / "data").rglob("*.yaml")):
        text = fil.read_text(encoding="utf-8")
        rader = text.splitlines()
        for p in platshallare.i_text(text, str(fil)):
            rad = rader[p.rad - 1]
            if p.markering.startswith("#"):
                rad = re.sub(r"\s+#\s*PLATSHÅLLARE.*$", "", rad)
            else:
                rad = re.sub(r'"PLATSHÅLLARE[^"]*"', RIKTIG_KALLA, rad)
            rader[p.rad - 1] = rad
            antal += 1
        ny = "\n".join(rader) + "\n"
        ny = ny.replace("exempel: true", "exempel: false").replace("belopp: 850000", "belopp: 912000")
        fil.write_text(ny, encoding="utf-8")
    rapportfil = mapp / "data" / "rapporter.yaml"
    text = rapportfil.read_text(encoding="utf-8")
    m = re.search(r"underlag: data/exempel/(uppfoljning-\d{4})", text)
    if m:
        underlag = mapp / f"underlag-{m.group(1)[-4:]}"
        underlag.mkdir()
        for csv in (mapp / "data" / "exempel" / m.group(1)).iterdir():
            (underlag / csv.name).write_bytes(csv.read_bytes())
        rapportfil.write_text(text.replace(m.group(0), f"underlag: {underlag.name}"), encoding="utf-8")
    return antal
