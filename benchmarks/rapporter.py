"""Rapportkörningens tid mot golvet, och vad PDF:erna kostar.

`python benchmarks/rapporter.py` kör rapportfilens alla rapporter tre gånger med samma körning
(`analys.korning.pool.run_all`, lika många arbetsprocesser), i en tillfällig katalog:

1. golvet: en tom notebook per rapport (samma namn och parametercell, en cell som skriver en tom
   arbetsbok): kärnan, papermill och HTML-exporten, men inget att räkna eller visa;
2. golvet med importerna: samma tomma notebooks, men med den riktiga notebookens importer
   (pandas, matplotlib, analys), som en rapport inte kan vara utan;
3. de riktiga rapporterna utan PDF;
4. de riktiga rapporterna med PDF (en öppen webbläsare i huvudprocessen).

Och PDF:ernas golv: samma sidor utskrivna en i taget i en öppen webbläsare utan något annat som
körs, och lika många PDF:er av en sida med ett ord (Chromium startar en ny process för varje
utskrift, och ingen inställning tar bort den).

Skriver tiderna, kvoterna mot målen (rapporter/golv ≤ 1,3; med PDF/utan PDF ≤ 1,2) och var
resten av tiden går: de långsammaste cellerna, enligt papermills tid per cell.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

MAL_GOLV = 1.3
MAL_PDF = 1.2


def _tom_notebook(riktig: Path, mal: Path, importer: bool = False) -> None:
    """Samma parametercell som den riktiga notebooken, och en cell som skriver en tom arbetsbok
    (körningen kräver `<rapportnamn>.xlsx`); med `importer` först den riktiga notebookens
    importrader, och matplotlib, som diagrammen laddar först när de ritas."""
    nb = json.loads(riktig.read_text(encoding="utf-8"))
    parametrar = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    rader = ["from pathlib import Path"]
    if importer:
        kod = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        rader += [r for k in kod for r in k.splitlines() if r.startswith(("import ", "from "))]
        rader += ["import matplotlib.pyplot"]
    rader.append("Path(ut_dir, f'{rapportnamn}.xlsx').write_bytes(b'')")
    nb["cells"] = [
        parametrar,
        {"cell_type": "code", "id": "tom-arbetsbok", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "\n".join(rader)},
    ]  # fmt: skip
    mal.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def _tomma(riktiga, mapp: Path, importer: bool):
    """Körningarna med tomma notebooks i `mapp` i stället för de riktiga."""
    from analys.korning.rapportfil import load_korningar

    mapp.mkdir()
    for nb in {k.notebook for k in riktiga}:
        _tom_notebook(nb, mapp / nb.name, importer)
    fore = os.environ.get("ANALYS_NOTEBOOKS")
    os.environ["ANALYS_NOTEBOOKS"] = str(mapp)
    try:
        return load_korningar()
    finally:
        if fore is None:
            os.environ.pop("ANALYS_NOTEBOOKS")
        else:
            os.environ["ANALYS_NOTEBOOKS"] = fore


def _pdf_ensam(sidor: list[Path], mapp: Path) -> tuple[float, float]:
    """Sidorna utskrivna som PDF en i taget i en öppen webbläsare, utan något annat som körs:
    väggtid och processortid i webbläsarens processer (och Playwrights drivrutin) i sekunder."""
    import psutil

    from analys.korning.pdf import Webblasare, chromium

    def cpu() -> float:
        s = 0.0
        for p in psutil.Process().children(recursive=True):
            try:
                t = p.cpu_times()
                s += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                pass
        return s

    w = Webblasare(chromium())
    try:
        w.skriv_ut(sidor[0], mapp / "prov.pdf")  # webbläsaren startad och varm, som i körningen
        fore, start = cpu(), time.perf_counter()
        for sida in sidor:
            w.skriv_ut(sida, mapp / "prov.pdf")
        return time.perf_counter() - start, cpu() - fore
    finally:
        w.stang()


def _ett_ord(mapp: Path) -> Path:
    html = mapp / "ett-ord.html"
    html.write_text('<!DOCTYPE html><html lang="sv"><body><p>Fördelning</p></body></html>', encoding="utf-8")
    return html


def _kor(korningar, ut: Path, jobb: int, pdf_med: bool) -> tuple[float, float]:
    """Väggtid och processortid (alla processer körningen startade: arbetsprocesser, kärnor,
    webbläsare) i sekunder. Processortiden påverkas mindre av annat som körs på maskinen."""
    import resource

    from analys.korning.pool import run_all

    fore = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(os.devnull, "w") as tyst:
        utfall = run_all(korningar, ut, jobb, strom=tyst, pdf_med=pdf_med)
    sekunder = time.perf_counter() - start
    efter = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (efter.ru_utime + efter.ru_stime) - (fore.ru_utime + fore.ru_stime)
    fel = [f"{u.namn}: {u.fel}" for u in utfall if not u.ok]
    if fel:
        sys.exit("misslyckades:\n" + "\n".join(fel))
    return sekunder, cpu


def _celltider(ut: Path, antal: int) -> list[tuple[float, int, str]]:
    """De långsammaste cellerna (summerat över rapporterna från samma notebook): sekunder, antal
    körningar, notebook och cellens första rad."""
    summa: dict[str, float] = defaultdict(float)
    antal_per: dict[str, int] = defaultdict(int)
    for nb_fil in ut.glob("*/*.ipynb"):
        nb = json.loads(nb_fil.read_text(encoding="utf-8"))
        kalla = nb.get("metadata", {}).get("papermill", {}).get("input_path", nb_fil.name)
        for cell in nb["cells"]:
            tid = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
            if cell["cell_type"] != "code" or tid is None:
                continue
            rad = next((r for r in "".join(cell["source"]).splitlines() if r.strip()), "(tom)")
            nyckel = f"{Path(kalla).name}: {rad[:70]}"
            summa[nyckel] += tid
            antal_per[nyckel] += 1
    return sorted(((s, antal_per[k], k) for k, s in summa.items()), reverse=True)[:antal]


def _kvot(a: float, b: float, mal: float) -> str:
    kvot = a / b
    return f"{kvot:.2f} (mål ≤ {mal}; {'nått' if kvot <= mal else 'inte nått'})".replace(".", ",")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobb", type=int, default=os.cpu_count() or 1, help="arbetsprocesser (standard: kärnorna)")
    p.add_argument("--celler", type=int, default=10, help="antal långsammaste celler att visa")
    args = p.parse_args()

    from analys.korning.pdf import chromium
    from analys.korning.rapportfil import load_korningar

    riktiga = load_korningar()
    with tempfile.TemporaryDirectory(prefix="analys-bench-") as tmp:
        golv = _kor(_tomma(riktiga, Path(tmp) / "tomma", False), Path(tmp) / "golv", args.jobb, pdf_med=False)
        imp = _kor(_tomma(riktiga, Path(tmp) / "importer", True), Path(tmp) / "imp", args.jobb, pdf_med=False)
        utan_pdf = _kor(riktiga, Path(tmp) / "utan-pdf", args.jobb, pdf_med=False)
        med_pdf = _kor(riktiga, Path(tmp) / "med-pdf", args.jobb, pdf_med=True) if chromium() else None
        if chromium():
            ett_ord = _pdf_ensam([_ett_ord(Path(tmp))] * len(riktiga), Path(tmp))
            sidorna = _pdf_ensam(sorted((Path(tmp) / "med-pdf").glob("*/*.html")), Path(tmp))
        celler = _celltider(Path(tmp) / "utan-pdf", args.celler)
        shutil.rmtree(tmp, ignore_errors=True)

    n = len(riktiga)
    sv = lambda x: f"{x:.1f}".replace(".", ",")  # noqa: E731
    tider = lambda t: f"{sv(t[0])} s (processortid {sv(t[1])} s)"  # noqa: E731
    print(f"{n} rapporter, {args.jobb} arbetsprocesser, samma körning (analys.korning) varje gång:")
    print(f"  golvet, en tom notebook per rapport (kärna, papermill, HTML): {tider(golv)}")
    print(f"  golvet med notebookens importer (pandas, matplotlib, analys): {tider(imp)}")
    print(f"  rapporterna utan PDF:                                         {tider(utan_pdf)}")
    if med_pdf is not None:
        # Processortiden räknas inte här: webbläsarens processer skördas av Playwrights drivrutin,
        # och deras tid når inte alltid fram till den här processen.
        print(f"  rapporterna med PDF (en öppen webbläsare i huvudprocessen):   {sv(med_pdf[0])} s")
    print(f"kvot rapporter utan PDF / golvet: {_kvot(utan_pdf[0], golv[0], MAL_GOLV)}")
    print(f"  i processortid:                 {_kvot(utan_pdf[1], golv[1], MAL_GOLV)}")
    print(f"  varav importerna (pandas, matplotlib, analys): +{sv(imp[0] - golv[0])} s över golvet")
    if med_pdf is not None:
        print(f"kvot med PDF / utan PDF:          {_kvot(med_pdf[0], utan_pdf[0], MAL_PDF)}")
        print(
            f"  PDF:ernas tillägg i körningen: {sv(med_pdf[0] - utan_pdf[0])} s; samma {n} sidor utskrivna "
            f"ensamma i en öppen webbläsare: {sv(sidorna[0])} s (processortid {sv(sidorna[1])} s, "
            f"{sv(sidorna[1] / utan_pdf[1] * 100)} % av rapporternas)"
        )
        print(
            f"  Chromiums egen kostnad, {n} PDF:er av en sida med ett ord: {sv(ett_ord[0])} s "
            f"(processortid {sv(ett_ord[1])} s, {sv(ett_ord[1] / utan_pdf[1] * 100)} % av rapporternas)"
        )
    else:
        print("ingen PDF-mätning: Chromium är inte installerat (apt-get install chromium)")
    print(f"Resten av tiden, de {len(celler)} långsammaste cellerna (papermills tid per cell, summerat):")
    for sek, antal, namn in celler:
        print(f"  {sv(sek):>6} s  ×{antal:<3} {namn}")


if __name__ == "__main__":
    main()
