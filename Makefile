# Två kommandon på en ny maskin: `make reports` och `make test`. Båda skapar .venv första gången.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --disable-pip-version-check --no-input --quiet

.PHONY: reports test lint benchmark lab clean-venv

$(VENV)/.installerad: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -e .
	touch $@

$(VENV)/.installerad-dev: $(VENV)/.installerad
	$(PY) -m pip install $(PIP_FLAGS) -e '.[dev]'
	touch $@

reports: $(VENV)/.installerad
	$(VENV)/bin/analys rapport

test: $(VENV)/.installerad-dev
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest

lint: $(VENV)/.installerad-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

benchmark: $(VENV)/.installerad-dev
	$(PY) benchmarks/run.py
	$(PY) benchmarks/rapporter.py

lab: $(VENV)/.installerad
	$(VENV)/bin/jupyter lab notebooks/utforska.ipynb

clean-venv:
	rm -rf $(VENV)
