"""Utforskaren i webbläsaren: tid från att ett reglage flyttas till att summan och diagrammet är
omritade, mätt i headless Chromium mot Voilà (samma sida som `analys app` och `make app`).

    python benchmarks/app.py [antal ändringar, standard 40]

Tiden räknas i webbläsaren (performance.now) från tangenttrycket till den första ändringen av
summan respektive diagrammet (MutationObserver), så den omfattar hela vägen: webbläsare →
websocket → kärnan räknar → websocket → omritning.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROT))

from tests.webb import chromium, ledig_port, server, webblasare  # noqa: E402

OBSERVERA = """() => {
  window.__andringar = {total: [], diagram: []};
  for (const [namn, sel] of [["total", ".sammanfattning"], ["diagram", ".diagram"]]) {
    const el = document.querySelector(sel);
    new MutationObserver(() => window.__andringar[namn].push(performance.now()))
      .observe(el, {subtree: true, childList: true, characterData: true});
  }
}"""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    if chromium() is None:
        sys.exit("chromium saknas (apt-get install chromium)")
    analys = Path(sys.executable).parent / "analys"
    port = ledig_port()
    bas = f"http://127.0.0.1:{port}"
    klar = f"{bas}/voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(analys), "app", f"--port={port}"]
        with (
            server(cmd, klar, ROT, None, Path(tmp) / "voila.log") as (_, start),
            webblasare(viewport={"width": 1280, "height": 900}) as sida,
        ):
            t = time.perf_counter()
            sida.goto(f"{bas}/", timeout=120_000)
            sida.wait_for_selector(".fast-total", timeout=120_000)
            laddning = time.perf_counter() - t
            sida.evaluate(OBSERVERA)
            total, diagram = [], []
            for i in range(n):
                klass = "reglage-per-resa" if i % 2 == 0 else "reglage-indexering"
                tangent = "ArrowRight" if (i // 2) % 2 == 0 else "ArrowLeft"
                fore = sida.inner_text(".fast-total")
                antal = sida.evaluate("[window.__andringar.total.length, window.__andringar.diagram.length]")
                sida.locator(f".{klass} [role=slider]").focus()
                t0 = sida.evaluate("performance.now()")
                sida.keyboard.press(tangent)
                sida.wait_for_function(
                    "f => document.querySelector('.fast-total').innerText !== f", arg=fore, timeout=5000
                )
                sida.wait_for_function(f"window.__andringar.diagram.length > {antal[1]}", timeout=5000)
                t_total = sida.evaluate(f"window.__andringar.total[{antal[0]}]")
                t_diagram = sida.evaluate(f"window.__andringar.diagram[{antal[1]}]")
                total.append(t_total - t0)
                diagram.append(t_diagram - t0)
            if sida.fel:
                sys.exit(f"fel i webbläsarens konsol: {sida.fel}")

    def rad(namn: str, ms: list[float]) -> str:
        ms = sorted(ms)
        p90 = ms[int(0.9 * (len(ms) - 1))]
        return f"{namn:<34} median {statistics.median(ms):6.1f} ms   p90 {p90:6.1f} ms   max {ms[-1]:6.1f} ms"

    print(f"Voilà startad (statisk sida svarar) på {start:.1f} s; sidan med reglagen klar på {laddning:.1f} s")
    print(f"{n} ändringar (bemanning och indexering, tangentbordet), reglage → omritat i webbläsaren:")
    print(rad("  summan (.fast-total)", total))
    print(rad("  diagrammet", diagram))


if __name__ == "__main__":
    main()
