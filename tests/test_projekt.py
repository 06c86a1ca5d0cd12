"""Projektets husregler: beroendelistor i takt, notebooks utan utdata, inga beroenden utanför."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import yaml

ROT = Path(__file__).resolve().parents[1]


def _namn_och_krav(spec: str) -> tuple[str, str]:
    m = re.fullmatch(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)", spec)
    assert m, spec
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    pyproject = tomllib.loads((ROT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    forvantat = dict(
        _namn_och_krav(s) for s in [*pyproject["dependencies"], *pyproject["optional-dependencies"]["dev"]]
    )
    env = yaml.safe_load((ROT / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(
        _namn_och_krav(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))
    )
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip[-1] == "-e ."
    bara_pip = dict(_namn_och_krav(d) for d in pip[:-1])  # paket som inte finns på conda-forge
    assert not set(conda) & set(bara_pip)
    assert {**conda, **bara_pip} == forvantat


def test_python_version_agrees():
    pyproject = tomllib.loads((ROT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROT / "environment.yml").read_text(encoding="utf-8"))
    assert f"python{pyproject['requires-python']}" in env["dependencies"]


def notebooks_med_utdata(mapp: Path) -> list[str]:
    """Notebooks i `mapp` som har utdata eller körningsnummer kvar."""
    med = []
    for path in sorted(mapp.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        if any(c.get("outputs") or c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"):
            med.append(path.name)
    return med


def test_notebooks_are_committed_without_outputs_and_with_parameters():
    med = notebooks_med_utdata(ROT / "notebooks")
    assert not med, (
        f"{', '.join('notebooks/' + n for n in med)} har utdata kvar; notebooks checkas in utan utdata "
        "(de hör hemma i reports/). Ta bort dem med `make rensa` och checka in igen."
    )
    for path in sorted((ROT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]), (
            f"notebooks/{path.name} saknar en cell med taggen parameters (papermill behöver den)"
        )


def test_nothing_refers_to_files_outside_the_repo():
    utanfor = ("../" + "shared", "/" + "work/")
    spårade = subprocess.run(["git", "ls-files"], cwd=ROT, capture_output=True, text=True, check=True)
    for namn in spårade.stdout.splitlines():
        path = ROT / namn
        if path.suffix in {".py", ".yaml", ".yml", ".toml", ".ipynb", ""} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not any(u in text for u in utanfor), namn


def test_reports_dir_is_ignored_but_for_its_readme():
    ignorerad = subprocess.run(["git", "check-ignore", "-q", "reports/avtal-2024/fordelning-2024.csv"], cwd=ROT)
    assert ignorerad.returncode == 0
    inte = subprocess.run(["git", "check-ignore", "-q", "reports/README.md"], cwd=ROT)
    assert inte.returncode == 1
