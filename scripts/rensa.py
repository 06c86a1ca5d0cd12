"""Ta bort utdata och körningsnummer ur notebooks (`make rensa`): notebooks checkas in utan utdata."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def rensa(path: Path) -> bool:
    """True om notebooken hade utdata (och nu är rensad)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    andrad = False
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
            cell["outputs"] = []
            cell["execution_count"] = None
            andrad = True
    if andrad:
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return andrad


if __name__ == "__main__":
    mapp = Path(sys.argv[1] if len(sys.argv) > 1 else "notebooks")
    rensade = [p.name for p in sorted(mapp.glob("*.ipynb")) if rensa(p)]
    print(f"Rensade {', '.join(rensade)}." if rensade else "Inga notebooks hade utdata.")
