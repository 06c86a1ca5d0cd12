"""`analys rapport` avbruten på riktigt: Ctrl-C, SIGTERM, en dödad huvudprocess, en andra körning
samtidigt och en arbetsprocess som dör. Varje test startar en riktig körning i en egen process,
med en liten rapportfil och en liten notebook (en rubrik, en paus, en tom arbetsbok) i stället
för de riktiga rapporterna: det som prövas är körningen, inte rapporterna. PDF:en kontrolleras
där Chromium finns."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from analys.korning.pdf import chromium

ROT = Path(__file__).resolve().parents[1]


def _cell(kod: str, parametrar: bool = False) -> dict:
    metadata = {"tags": ["parameters"]} if parametrar else {}
    return {"cell_type": "code", "metadata": metadata, "source": kod, "outputs": [], "execution_count": None}


def _notebook(*celler: dict) -> str:
    return json.dumps(
        {
            "cells": list(celler),
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4,
            "nbformat_minor": 4,
        }
    )


LITEN = _notebook(
    _cell("ut_dir = '.'\nrapportnamn = 'x'\nsekunder = 0.0", parametrar=True),
    _cell(
        "import time\nfrom pathlib import Path\nfrom IPython.display import Markdown, display\n"
        "display(Markdown(f'# Liten rapport {rapportnamn}'))\ntime.sleep(sekunder)\n"
        "Path(ut_dir, f'{rapportnamn}.xlsx').write_bytes(b'')"
    ),
)


def liten_rapportfil(tmp_path: Path, rapporter: dict[str, float]) -> tuple[Path, dict]:
    """En rapportfil med rapporterna {namn: sekunder}, alla från den lilla notebooken som väntar så
    många sekunder; returnerar filen och miljön som pekar ut notebookmappen."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir(exist_ok=True)
    (notebooks / "liten.ipynb").write_text(LITEN, encoding="utf-8")
    config = tmp_path / "rapporter.yaml"
    rader = "".join(
        f"  - {{namn: {n}, notebook: liten.ipynb, parametrar: {{sekunder: {s}}}}}\n" for n, s in rapporter.items()
    )
    config.write_text("rapporter:\n" + rader, encoding="utf-8")
    return config, {"ANALYS_NOTEBOOKS": str(notebooks)}


def starta(*argv: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analys", "rapport", *argv],
        cwd=ROT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # egen processgrupp, som en körning i en terminal
        env={**os.environ, **(env or {})},
    )


def vanta_pa(villkor, sekunder: float = 90) -> None:
    slut = time.monotonic() + sekunder
    while time.monotonic() < slut:
        if villkor():
            return
        time.sleep(0.1)
    raise AssertionError("villkoret uppfylldes inte i tid")


def klara(ut: Path) -> set[str]:
    return {p.name for p in ut.iterdir() if p.is_dir() and not p.name.startswith(".")} if ut.exists() else set()


def komplett(mapp: Path) -> bool:
    namn = mapp.name
    return all((mapp / f"{namn}{s}").is_file() for s in (".html", ".ipynb", ".xlsx"))


def ogonblick(ut: Path) -> dict[str, str]:
    return {
        p.relative_to(ut).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in ut.rglob("*") if p.is_file()
    }


def efterlevande(barn: list[psutil.Process]) -> list[int]:
    levande = []
    for b in barn:
        try:
            if b.is_running() and b.status() != psutil.STATUS_ZOMBIE:
                levande.append(b.pid)
        except psutil.NoSuchProcess:
            pass
    return levande


def test_ctrl_c_stops_everything_quickly_keeps_reports_and_blocks_a_second_run(tmp_path):
    ut = tmp_path / "reports"
    # liten-1 och liten-2 går fort, de övriga väntar: Ctrl-C kommer medan liten-3 och liten-4 körs.
    config, env = liten_rapportfil(tmp_path, {f"liten-{i}": 0.0 if i in (1, 2, 10) else 60.0 for i in range(1, 11)})
    fore = starta("--config", str(config), "--bara", "liten-10", "--ut", str(ut), env=env)
    assert fore.wait(timeout=120) == 0, fore.stderr.read()
    gamla = {k: v for k, v in ogonblick(ut).items() if k.startswith("liten-10/")}
    filer = [".html", ".ipynb", ".pdf", ".xlsx"] if chromium() else [".html", ".ipynb", ".xlsx"]
    assert sorted(Path(k).suffix for k in gamla) == filer

    p = starta("--config", str(config), "--ut", str(ut), env=env)
    vanta_pa(lambda: len(klara(ut)) >= 3)  # minst två nya klara, fler på gång
    andra = subprocess.run(
        [sys.executable, "-m", "analys", "rapport", "--config", str(config), "--bara", "liten-1", "--ut", str(ut)],
        cwd=ROT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )
    assert andra.returncode == 1
    assert "En annan körning av analys rapport" in andra.stderr and "Traceback" not in andra.stderr
    barn = psutil.Process(p.pid).children(recursive=True)
    assert len(barn) >= 2  # arbetsprocesser och deras kärnor

    start = time.monotonic()
    os.killpg(p.pid, signal.SIGINT)  # Ctrl-C i terminalen går till hela gruppen
    _, err = p.communicate(timeout=30)
    tid = time.monotonic() - start
    assert p.returncode == 130, err
    assert tid < 5, tid
    assert "avbrutet (Ctrl-C)" in err and "Traceback" not in err
    time.sleep(0.5)
    assert efterlevande(barn) == []
    assert not [q.name for q in ut.iterdir() if ".tmp-" in q.name or ".gammal-" in q.name]
    for mapp in ut.iterdir():
        if mapp.is_dir():
            assert komplett(mapp), mapp.name
    # liten-10 kom sist i ordningen och hann inte köras om: den är orörd.
    assert {k: v for k, v in ogonblick(ut).items() if k.startswith("liten-10/")} == gamla


def test_sigterm_ends_with_143_and_stops_workers(tmp_path):
    ut = tmp_path / "reports"
    config, env = liten_rapportfil(tmp_path, {f"liten-{i}": 0.0 if i == 1 else 60.0 for i in range(1, 5)})
    p = starta("--config", str(config), "--ut", str(ut), env=env)
    vanta_pa(lambda: len(klara(ut)) >= 1)
    barn = psutil.Process(p.pid).children(recursive=True)
    start = time.monotonic()
    p.send_signal(signal.SIGTERM)  # bara huvudprocessen, som när ett system stänger av tjänsten
    _, err = p.communicate(timeout=30)
    assert p.returncode == 143, err
    assert time.monotonic() - start < 5
    time.sleep(0.5)
    assert efterlevande(barn) == []
    assert not [q.name for q in ut.iterdir() if ".tmp-" in q.name]


def _sov() -> None:  # pragma: no cover - körs i barnprocessen
    time.sleep(60)


def test_stopping_children_leaves_reaping_to_multiprocessing():
    """Orsaken till att SIGTERM ibland hängde: stoppfunktionen skördade arbetsprocesserna själv, och
    processpoolen trodde sedan att de levde för alltid (Python väntade på dem vid avslutningen)."""
    import multiprocessing

    from analys.korning.pool import stoppa_processer

    barn = multiprocessing.get_context("fork").Process(target=_sov)
    barn.start()
    stoppa_processer()
    slut = time.monotonic() + 5
    while barn.is_alive() and time.monotonic() < slut:
        time.sleep(0.05)
    assert not barn.is_alive()
    assert barn.exitcode == -signal.SIGTERM


def _program(p: psutil.Process) -> str:
    try:
        return Path(p.exe()).name
    except psutil.Error:
        return ""


def test_killed_parent_leaves_nothing_the_next_run_does_not_clean(tmp_path):
    ut = tmp_path / "reports"
    config, env = liten_rapportfil(tmp_path, {f"liten-{i}": 0.0 if i == 1 else 60.0 for i in range(1, 5)})
    p = starta("--config", str(config), "--ut", str(ut), env=env)
    vanta_pa(lambda: len(psutil.Process(p.pid).children(recursive=True)) >= 4)  # 2 arbetare, 2 kärnor
    vanta_pa(lambda: any(".tmp-" in q.name for q in ut.iterdir()))
    if chromium():  # huvudprocessens webbläsare för PDF:erna, och Playwrights drivrutin, dör också
        vanta_pa(lambda: {"chromium", "node"} <= {_program(b) for b in psutil.Process(p.pid).children(recursive=True)})
    barn = psutil.Process(p.pid).children(recursive=True)
    p.kill()
    p.wait()
    vanta_pa(lambda: efterlevande(barn) == [], sekunder=10)
    nasta = starta("--config", str(config), "--bara", "liten-1", "--ut", str(ut), env=env)
    _, err = nasta.communicate(timeout=120)
    assert nasta.returncode == 0, err
    assert not [q.name for q in ut.iterdir() if ".tmp-" in q.name or ".gammal-" in q.name]
    assert komplett(ut / "liten-1")


def test_a_worker_that_dies_is_named_and_the_others_finish(tmp_path):
    config, env = liten_rapportfil(tmp_path, {"liten-a": 0.0})
    # Kärnans förälder är arbetsprocessen: notebooken dödar den mitt i rapporten.
    doda = _notebook(
        _cell("ut_dir = '.'\nrapportnamn = 'x'", parametrar=True),
        _cell("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
    )
    (tmp_path / "notebooks" / "doda.ipynb").write_text(doda, encoding="utf-8")
    config.write_text(
        "rapporter:\n"
        "  - {namn: liten-a, notebook: liten.ipynb}\n"
        "  - {namn: doda, notebook: doda.ipynb}\n"
        "  - {namn: liten-b, notebook: liten.ipynb}\n",
        encoding="utf-8",
    )
    ut = tmp_path / "reports"
    p = starta("--config", str(config), "--ut", str(ut), env=env)
    _, err = p.communicate(timeout=180)
    assert p.returncode == 1, err
    assert "doda: arbetsprocessen som körde rapporten avslutades oväntat" in err
    assert "analys rapport --bara doda" in err
    assert "2 av 3 rapporter klara" in err and "Traceback" not in err and "BrokenProcessPool" not in err
    assert komplett(ut / "liten-a") and komplett(ut / "liten-b")


@pytest.mark.parametrize(
    ("innehall", "meddelande"),
    [
        ("rapporter:\n  - {namn: x, notebook: ../notebooks/fordelning.ipynb}\n", "notebook: har fel form"),
        ("rapporter:\n  - {namn: x, notebook: fordelning.ipynb, parametrar: {rapportnamn: ../y}}\n", "sätts av analys"),
    ],
)
def test_report_file_cannot_run_or_write_outside(tmp_path, innehall, meddelande):
    config = tmp_path / "rapporter.yaml"
    config.write_text(innehall, encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "analys", "rapport", "--config", str(config), "--ut", str(tmp_path / "ut")],
        cwd=ROT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and meddelande in r.stderr
    assert not (tmp_path / "ut").exists() or not any((tmp_path / "ut").iterdir())


def test_a_reused_kernel_starts_each_report_clean(tmp_path):
    """Kärnan återanvänds mellan rapporterna i en arbetsprocess (importerna görs en gång), men varje
    rapport börjar med en tom namnrymd och utan öppna diagram: inget från en rapport når nästa."""
    config, env = liten_rapportfil(tmp_path, {})
    forsta = _notebook(
        _cell("ut_dir = '.'\nrapportnamn = 'x'", parametrar=True),
        _cell(
            "import os\nfrom pathlib import Path\nimport matplotlib\nmatplotlib.use('agg')\n"
            "import matplotlib.pyplot as plt\nkvar = 'från den första'\n_dold = 1\nplt.figure()\n"
            "Path(ut_dir, 'pid').write_text(str(os.getpid()))\nPath(ut_dir, f'{rapportnamn}.xlsx').write_bytes(b'')"
        ),
    )
    andra = _notebook(
        _cell("ut_dir = '.'\nrapportnamn = 'x'", parametrar=True),
        _cell(
            "import os, sys\nfrom pathlib import Path\n"
            "assert 'kvar' not in globals() and '_dold' not in globals() and 'plt' not in globals(), sorted(globals())\n"
            "assert sys.modules['matplotlib.pyplot'].get_fignums() == []\n"
            "Path(ut_dir, 'pid').write_text(str(os.getpid()))\nPath(ut_dir, f'{rapportnamn}.xlsx').write_bytes(b'')"
        ),
    )
    (tmp_path / "notebooks" / "forsta.ipynb").write_text(forsta, encoding="utf-8")
    (tmp_path / "notebooks" / "andra.ipynb").write_text(andra, encoding="utf-8")
    config.write_text(
        "rapporter:\n  - {namn: forsta, notebook: forsta.ipynb}\n  - {namn: andra, notebook: andra.ipynb}\n",
        encoding="utf-8",
    )
    ut = tmp_path / "reports"
    p = starta("--config", str(config), "--ut", str(ut), "--jobb", "1", env=env)
    _, err = p.communicate(timeout=180)
    assert p.returncode == 0, err
    assert "2 av 2 rapporter klara" in err
    # samma kärna körde båda (annars prövar testet inget)
    assert (ut / "forsta" / "pid").read_text() == (ut / "andra" / "pid").read_text()


def test_a_kernel_that_died_before_answering_gives_a_swedish_error():
    """Dör kärnan innan den svarat på sin första fråga blir det ett svenskt fel i sammanfattningen
    (ett ExterntFel, slutkod 1), inte jupyter_clients engelska RuntimeError."""
    from jupyter_client.manager import KernelManager

    from analys.fel import ExterntFel
    from analys.korning.karna import _klientklass

    km = KernelManager(kernel_name="python3")
    km.client_factory = _klientklass()
    km.start_kernel()
    try:
        km.signal_kernel(signal.SIGKILL)
        km.provisioner.process.wait(10)
        kc = km.client()
        kc.start_channels()
        start = time.monotonic()
        with pytest.raises(ExterntFel, match="Python-kärnan avslutades innan den svarade; rapporten kördes inte"):
            kc.wait_for_ready(timeout=30)
        assert time.monotonic() - start < 10  # ingen väntan på tidsgränsen
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


def test_a_kernel_that_dies_before_answering_is_started_once_more(tmp_path, monkeypatch, capfd):
    """Dör kärnan innan den svarat (t.ex. för att en annan process tog en av dess socklar) körs
    rapporten i en ny kärna, en gång; sammanfattningen får inga engelska loggrader. Kärnan nås
    över Unix-socklar i en egen mapp, som tas bort med kärnan."""
    import tempfile

    from analys.korning import karna, pool
    from analys.korning.rapportfil import Korning

    liten_rapportfil(tmp_path, {"liten": 0.0})
    # en mapp efter en dödad process (pid över pid_max finns aldrig), och en efter en levande
    dod = Path(tempfile.mkdtemp(prefix="analys-karna-999999999-"))
    (dod / "k000000-1").write_bytes(b"")
    levande = Path(tempfile.mkdtemp(prefix=f"analys-karna-{os.getppid()}-"))
    monkeypatch.setattr(karna, "_SOCKELMAPP", None)
    verklig = karna.karna
    startade = []

    def forsta_dor():
        km = verklig()
        startade.append(km)
        if len(startade) == 1:
            km.provisioner.process.kill()
            km.provisioner.process.wait(10)
        return km

    monkeypatch.setattr(karna, "karna", forsta_dor)
    ut = tmp_path / "ut"
    ut.mkdir()
    try:
        utfall = pool.run_one(Korning("liten", tmp_path / "notebooks" / "liten.ipynb", {}), ut, pool.INGEN)
        assert utfall.ok, utfall.fel
        assert len(startade) == 2 and startade[0] is not startade[1]
        assert levande.exists()  # en levande process mapp rörs inte
        assert startade[1].transport == "ipc" and Path(startade[1].ip).parent == Path(karna._SOCKELMAPP)
        assert not list(Path(karna._SOCKELMAPP).glob(Path(startade[0].ip).name + "-*"))  # den döda städad
        assert sorted(p.suffix for p in Path(utfall.mapp).iterdir()) == [".html", ".ipynb", ".xlsx"]
    finally:
        karna.kasta()
        shutil.rmtree(levande, ignore_errors=True)
    assert not list(Path(karna._SOCKELMAPP).iterdir())
    assert not dod.exists() and Path(karna._SOCKELMAPP).name.startswith(f"analys-karna-{os.getpid()}-")
    fangat = capfd.readouterr()
    assert "Error" not in fangat.err and "kernel" not in fangat.err.lower(), fangat.err


def test_pdfs_are_printed_while_the_workers_run_the_next_report_and_a_failed_pdf_fails_only_its_report(
    tmp_path, monkeypatch
):
    """Huvudprocessen skriver PDF:erna medan arbetsprocessen kör nästa rapport: den första PDF:en
    är inte klar förrän den sista rapporten körts (med PDF:en i arbetsprocessen hade det aldrig
    hänt). En PDF som inte kan skrivas fäller bara sin egen rapport, på svenska, och dess
    tillfälliga mapp tas bort; rapporten byts in först när dess PDF finns."""
    import io

    from analys.fel import ExterntFel
    from analys.korning import pool
    from analys.korning.rapportfil import load_korningar

    config, env = liten_rapportfil(tmp_path, {"liten-1": 0.0, "liten-2": 0.0, "liten-3": 0.0})
    monkeypatch.setenv("ANALYS_NOTEBOOKS", env["ANALYS_NOTEBOOKS"])
    ut = tmp_path / "ut"
    sag_sista: list[bool] = []

    def skriv(html: Path, pdf_fil: Path, reserv=lambda: True) -> bool:
        if html.stem == "liten-2":
            raise ExterntFel("Chromium kunde inte skriva ut liten-2.html som PDF (tom fil).")
        if html.stem == "liten-1":
            slut = time.monotonic() + 60
            while not list(ut.glob(".liten-3.tmp-*/liten-3.html")) and time.monotonic() < slut:
                time.sleep(0.05)
            sag_sista.append(bool(list(ut.glob(".liten-3.tmp-*/liten-3.html"))))
            assert not (ut / "liten-1").exists()  # inte inbytt före sin PDF
        pdf_fil.write_bytes(b"%PDF-1.7 prov")
        return True

    monkeypatch.setattr(pool.pdf, "webblasare", lambda: None)
    monkeypatch.setattr(pool.pdf, "skriv_pdf_i_oppen", skriv)
    strom = io.StringIO()
    utfall = pool.run_all(load_korningar(config), ut, jobb=1, strom=strom)
    assert sag_sista == [True]
    assert [(u.namn, u.ok) for u in utfall] == [("liten-1", True), ("liten-2", False), ("liten-3", True)]
    assert utfall[1].fel == "Chromium kunde inte skriva ut liten-2.html som PDF (tom fil)."
    assert "liten-2: MISSLYCKADES" in strom.getvalue()
    assert sorted(p.name for p in ut.iterdir()) == ["liten-1", "liten-3"]  # inga tillfälliga mappar kvar
    assert (ut / "liten-1" / "liten-1.pdf").read_bytes() == b"%PDF-1.7 prov"
    assert sorted(p.suffix for p in (ut / "liten-3").iterdir()) == [".html", ".ipynb", ".pdf", ".xlsx"]


def test_ctrl_c_while_a_pdf_is_printed_swaps_nothing_in_and_ends_the_printer(tmp_path, monkeypatch):
    """Ctrl-C medan huvudprocessen skriver en PDF: rapporten byts inte in när PDF:en sedan blir
    klar, de tillfälliga mapparna tas bort och PDF-skrivarens tråd slutar (med webbläsaren)."""
    import _thread
    import threading

    from analys.korning import pool
    from analys.korning.rapportfil import load_korningar

    config, env = liten_rapportfil(tmp_path, {"liten-1": 0.0, "liten-2": 0.0})
    monkeypatch.setenv("ANALYS_NOTEBOOKS", env["ANALYS_NOTEBOOKS"])
    ut = tmp_path / "ut"
    fore = {p.pid for p in psutil.Process().children(recursive=True)}

    def bara_vara(sekunder: float = 2.0) -> None:  # inte testkörningens övriga processer
        for p in psutil.Process().children(recursive=True):
            if p.pid not in fore:
                with contextlib.suppress(psutil.Error):
                    p.kill()

    skrivna: list[str] = []

    def skriv(html: Path, pdf_fil: Path, reserv=lambda: True) -> bool:
        _thread.interrupt_main()  # Ctrl-C, medan PDF:en skrivs
        time.sleep(0.5)
        pdf_fil.write_bytes(b"%PDF-1.7 prov")
        skrivna.append(html.stem)
        return True

    monkeypatch.setattr(pool, "stoppa_processer", bara_vara)
    monkeypatch.setattr(pool.pdf, "webblasare", lambda: None)
    monkeypatch.setattr(pool.pdf, "skriv_pdf_i_oppen", skriv)
    hanterare = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with pytest.raises(KeyboardInterrupt), open(os.devnull, "w") as tyst:
            pool.run_all(load_korningar(config), ut, jobb=1, strom=tyst)
    finally:  # körningen ignorerar Ctrl-C medan den stoppar; senare tester och deras barn ska inte ärva det
        for s, h in hanterare.items():
            signal.signal(s, h)
    vanta_pa(lambda: not [t for t in threading.enumerate() if t.name == "analys-pdf"], sekunder=10)
    assert skrivna == ["liten-1"]  # PDF:en skrevs klart, men rapporten byttes inte in efteråt
    assert sorted(p.name for p in ut.iterdir()) == []
