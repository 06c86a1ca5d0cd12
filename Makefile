# Två kommandon på en ny maskin: `make reports` och `make test`. Båda skapar miljön första gången.
#
# Miljön: en aktiv miljö (VIRTUAL_ENV eller CONDA_PREFIX, t.ex. efter `conda activate analys`)
# används om det finns en; annars projektets egen .venv, som skapas och byggs om när
# pyproject.toml ändrats. uv installerar (pip hämtar uv om det saknas; annars pip). Python 3.11 eller senare krävs.
PYTHON ?= python3
# Projektets egen .venv, aktiverad med `source .venv/bin/activate`, är fortfarande den egna.
ifeq ($(abspath $(VIRTUAL_ENV)),$(abspath .venv))
MILJO := .venv
EGEN := 1
else ifdef VIRTUAL_ENV
MILJO := $(VIRTUAL_ENV)
EGEN := 0
else ifdef CONDA_PREFIX
MILJO := $(CONDA_PREFIX)
EGEN := 0
else
MILJO := .venv
EGEN := 1
endif
BIN := $(MILJO)/bin
ifeq ($(EGEN),1)
STAMPEL := $(MILJO)/.installerad
KONTROLL_PYTHON := $(PYTHON)
else
STAMPEL := .make/$(subst /,_,$(abspath $(MILJO))).installerad
KONTROLL_PYTHON := $(BIN)/python
endif
LAB_PORT ?= 8888
APP_PORT ?= 8866
LAB_FLAGS ?=
APP_FLAGS ?=

.PHONY: reports test test-snabb lint benchmark lab app rensa clean-venv python-version

python-version:
	@$(KONTROLL_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "analys: Python 3.11 eller senare krävs, men $(KONTROLL_PYTHON) är $$($(KONTROLL_PYTHON) --version 2>/dev/null || echo 'inte installerat')." >&2; \
	  echo "  Installera Python 3.11 eller senare (Debian/Ubuntu: apt-get install python3.11 python3.11-venv," >&2; \
	  echo "  annars python.org) och kör igen med den, t.ex.: make reports PYTHON=python3.11" >&2; \
	  exit 1; }

$(STAMPEL): pyproject.toml | python-version
	@$(KONTROLL_PYTHON) scripts/installera.py --miljo $(MILJO) --egen $(EGEN) --python $(PYTHON)
	@mkdir -p $(dir $@) && touch $@

$(STAMPEL)-dev: $(STAMPEL)
	@$(BIN)/python scripts/installera.py --miljo $(MILJO) --egen $(EGEN) --python $(PYTHON) --extra dev
	@touch $@

reports: $(STAMPEL)
	$(BIN)/analys rapport

# Alla tester, på två processer (pytest-xdist), med de 20 långsammaste sist; import-linter och mypy
# är två av testerna (tests/test_arkitektur.py), så att de går medan den andra processen kör annat.
# Testerna som kör notebooks, webbläsare, LibreOffice, nya miljöer, verktygen eller hela
# rapportkörningen är markerade e2e (tests/conftest.py), som också lägger de längsta först;
# `make test-snabb` hoppar över dem.
PYTEST_JOBB ?= 2
test: $(STAMPEL)-dev
	$(BIN)/python -m pytest -n $(PYTEST_JOBB) --maxschedchunk 1 --durations=20

test-snabb: $(STAMPEL)-dev
	$(BIN)/python -m pytest -n $(PYTEST_JOBB) -m "not e2e" --durations=10

lint: $(STAMPEL)-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

benchmark: $(STAMPEL)-dev
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/rapporter.py
	$(BIN)/python benchmarks/app.py

# JupyterLab i projektets rot med utforskaren öppen, och utforskaren som en sida utan kod (Voilà):
# `analys lab` och `analys app`, som också fungerar i en analys-mapp utanför repot. Notebooks sparas
# utan utdata, så notebooks/ förblir ren; som root läggs --allow-root till.
lab: $(STAMPEL)
	exec $(BIN)/analys lab --port=$(LAB_PORT) -- $(LAB_FLAGS)

app: $(STAMPEL)
	exec $(BIN)/analys app --port=$(APP_PORT) -- $(APP_FLAGS)

# Ta bort utdata ur notebooks/ (notebooks checkas in utan utdata).
rensa: $(STAMPEL)
	$(BIN)/python scripts/rensa.py notebooks

clean-venv:
	rm -rf .venv .make
