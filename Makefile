# Two commands do everything: `make run` and `make test`. Each creates .venv and installs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cascade run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Mutation testing of core/services with mutmut (configured in pyproject.toml): slow, so by hand and never
# in CI. MUTANTS picks some, e.g. make mutate MUTANTS='core.services.pricing.*'; $(BIN)/mutmut browse
# then shows each survivor and the tests it ran against.
mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) instance .pytest_cache
