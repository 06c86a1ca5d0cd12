"""Finansieringsavtalen i `data/avtal/<år>.yaml`, inlästa och kontrollerade."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from analys.begrepp import Avtal
from analys.fel import AnalysError
from analys.indata import platshallare
from analys.indata.paths import data_dir, resolve, visningsvag
from analys.indata.yamlfil import load_yaml_model, parse_yaml, validate


def avtal_dir() -> Path:
    return data_dir() / "avtal"


def find_avtal(namn: str) -> Path:
    """Avtalsfilen för ett namn: ett år (``2024`` → ``data/avtal/2024.yaml``) eller en sökväg."""
    kandidat = Path(namn)
    if kandidat.is_dir():
        raise AnalysError(f"--avtal {namn} är en mapp; ange ett år (t.ex. 2024) eller en avtalsfil (.yaml).")
    if kandidat.suffix in (".yaml", ".yml"):
        return resolve(kandidat)
    if kandidat.suffix or "/" in namn:
        raise AnalysError(f"--avtal {namn}: ange ett år (t.ex. 2024) eller en avtalsfil som slutar på .yaml.")
    path = avtal_dir() / f"{namn}.yaml"
    if not path.is_file():
        finns = sorted(p.stem for p in avtal_dir().glob("*.yaml"))
        raise AnalysError(
            f"Avtalet '{namn}' finns inte ({path.name} saknas i data/avtal/). "
            f"Avtal som finns: {', '.join(finns) or 'inga'}."
        )
    return path


def load_avtal(namn: str | Path) -> tuple[Avtal, Path]:
    """Läs ett avtal; returnerar avtalet och filen det kom från.

    >>> avtal, _ = load_avtal("2024")
    >>> avtal.total_kostnad, avtal.belopp_kommuner, avtal.befolkningsdatum.isoformat()
    (1030000, 1030000, '2023-06-30')

    Ett avtal med platshållare kvar (se `indata.platshallare`) räknas som ett påhittat exempel,
    vad `exempel:` än säger.
    """
    path = find_avtal(str(namn))
    avtal = load_yaml_model(path, Avtal)
    _kontrollera_lan(avtal, path)
    if not avtal.exempel and platshallare.hitta(path):
        avtal = avtal.model_copy(update={"exempel": True})
    return avtal, path


def _kontrollera_lan(avtal: Avtal, path: Path) -> None:
    """I en analys-mapp gäller avtalen mappens län (analys.yaml): ett avtal för ett annat län skulle
    annars fördelas på det länets kommuner under den här mappens namn."""
    from analys.indata.befolkning import lan_namn
    from analys.indata.projekt import las_projekt

    projekt = las_projekt()
    if projekt is None or avtal.lan == projekt.lan:
        return

    def namn(kod: str) -> str:
        try:
            return f"län {kod} ({lan_namn(kod)})"
        except AnalysError:
            return f"län {kod}"

    raise AnalysError(
        f"{visningsvag(path)}: lan: avtalet gäller {namn(avtal.lan)}, men analys-mappen gäller "
        f"{namn(projekt.lan)} enligt analys.yaml. Ett avtal för ett annat län fördelas inte här: rätta lan: "
        "i avtalsfilen, eller använd avtalet i det länets analys-mapp."
    )


def avtalsfiler_for_lan(lanskod: str) -> dict[int, tuple[Avtal, Path]]:
    """Länets avtal och förslag i data/avtal/ med sina filer, per år. Två för samma år är ett fel."""
    ut: dict[int, tuple[Avtal, Path]] = {}
    for path in sorted(avtal_dir().glob("*.yaml")):
        avtal, _ = load_avtal(path)
        if avtal.lan != lanskod:
            continue
        if avtal.ar in ut:
            raise AnalysError(
                f"Två avtal gäller län {lanskod} år {avtal.ar}: {ut[avtal.ar][1].name} och {path.name}; "
                "ta bort eller flytta det ena ur data/avtal/."
            )
        ut[avtal.ar] = (avtal, path)
    return dict(sorted(ut.items()))


def avtal_for_lan(lanskod: str) -> dict[int, Avtal]:
    """Länets avtal i data/avtal/, per år. Två avtal för samma år och län är ett fel.

    >>> sorted(avtal_for_lan("20"))
    [2022, 2024]
    """
    return {ar: a for ar, (a, _) in avtalsfiler_for_lan(lanskod).items()}


# --- att skriva en avtalsfil ---------------------------------------------------------------------


def _text(v: str) -> str:
    """Text som YAML-sträng inom citattecken (JSON:s citering är giltig YAML)."""
    return json.dumps(v, ensure_ascii=False)


def _tal(v: Decimal | int) -> str:
    d = Decimal(v)
    t = format(d.normalize(), "f") if d != d.to_integral_value() else str(int(d))
    return t


def avtal_yaml(avtal: Avtal, kommentarer: dict[str, str] | None = None, huvud: str = "") -> str:
    """Avtalet som YAML-text som den strikta läsaren läser tillbaka till samma avtal. `kommentarer`
    (nyckel → text) skrivs som kommentar efter nyckelns rad; `huvud` överst i filen."""
    k = kommentarer or {}

    def rad(nyckel: str, varde: str) -> str:
        return f"{nyckel}: {varde}" + (f"  # {k[nyckel]}" if nyckel in k else "")

    ut = [f"# {r}" if r else "#" for r in huvud.splitlines()]
    ut += [
        rad("namn", _text(avtal.namn)),
        rad("ar", str(avtal.ar)),
        rad("lan", _text(avtal.lan)),
        rad("status", avtal.status),
    ]
    if avtal.beslutat_av is not None:
        ut.append(rad("beslutat_av", _text(avtal.beslutat_av)))
    if avtal.beslutsdatum is not None:
        ut.append(rad("beslutsdatum", avtal.beslutsdatum.isoformat()))
    ut += [
        rad("kalla", _text(avtal.kalla)),
        rad("preliminar", "true" if avtal.preliminar else "false"),
        rad("period", "").rstrip(),
        f"  fran: {avtal.period.fran.isoformat()}",
        f"  till: {avtal.period.till.isoformat()}",
        rad("kostnader", "").rstrip(),
    ]
    for post in avtal.kostnader:
        ut += [f"  - roll: {_text(post.roll)}", f"    tjanst: {_tal(post.tjanst)}", f"    belopp: {post.belopp}"]
    ut += [
        rad("kommunernas_andel", _tal(avtal.kommunernas_andel)),
        rad("befolkningsdatum", avtal.befolkningsdatum.isoformat()),
    ]
    if avtal.befolkningsdatum_val is not None:
        ut.append(rad("befolkningsdatum_val", _text(avtal.befolkningsdatum_val)))
    ut += [rad("nyckel", avtal.nyckel.value), rad("fast_andel", _tal(avtal.fast_andel))]
    ut += [
        rad("fakturering", "").rstrip(),
        f"  fakturerar: {_text(avtal.fakturering.fakturerar)}",
        f"  betalningsvillkor_dagar: {avtal.fakturering.betalningsvillkor_dagar}",
    ]
    if (r := avtal.rorliga_kostnader) is not None:
        ut += [
            rad("rorliga_kostnader", "").rstrip(),
            f"  kalla: {_text(r.kalla)}",
            f"  avgift_per_deltagardag: {r.avgift_per_deltagardag}",
            f"  till_pott_per_deltagardag: {r.till_pott_per_deltagardag}",
        ]
    if avtal.villkor:
        ut.append(rad("villkor", "").rstrip())
        ut += [f"  - {_text(v)}" for v in avtal.villkor]
    if avtal.exempel:
        ut.append(rad("exempel", "true"))
    return "\n".join(ut) + "\n"


def check_avtal_yaml(text: str, kalla: str) -> Avtal:
    """Läs avtalstext med den strikta läsaren (samma som `load_avtal`), innan den skrivs till en fil."""
    return validate(parse_yaml(text, kalla), Avtal, kalla)
