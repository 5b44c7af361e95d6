# Two commands do everything: `make run` and `make test`. Each creates .venv and installs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

#: pytest-xdist workers for the test targets: one per CPU; 0 runs the suite in this one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup
#: Runs a command and says how long it took: "suite took N s", whatever the command's outcome.
TIMED = start=$$(date +%s); status=0; $(1) || status=$$?; echo "suite took $$(( $$(date +%s) - start )) s"; exit $$status

.PHONY: run test test-fast mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The example plugin (examples/cloud_backup) installs beside Cascade as any plugin would.
$(STAMP): pyproject.toml examples/cloud_backup/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]' -e examples/cloud_backup
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cascade run

# Everything: SQLite, or the PostgreSQL and broker that CASCADE_TEST_DATABASE_URL / _BROKER_URL name;
# the browser tests included. PYTEST_ARGS narrows it (.ci/run's RabbitMQ lane passes a file list).
test: $(STAMP)
	@$(call TIMED,$(PYTEST) $(PYTEST_ARGS))

# The quick lane while working: the embedded default (SQLite, whatever the environment says), no browser,
# and none of the tests marked integration (they start processes: a worker, `cascade run`, a plugin's install).
test-fast: $(STAMP)
	@$(call TIMED,env -u CASCADE_TEST_DATABASE_URL -u CASCADE_TEST_BROKER_URL $(PYTEST) --ignore=tests/browser \
		-m "not integration" $(PYTEST_ARGS))

# Mutation testing of core/services with mutmut (configured in pyproject.toml): slow, so by hand and never
# in CI (subscriptions.py's 700 mutants took 45 minutes on two cores). MUTANTS picks some, e.g.
# make mutate MUTANTS='core.services.pricing.x_marked_up*'; $(BIN)/mutmut browse then shows each survivor
# and the tests it ran. The results list what survived or had no test, not the mutants left untried.
mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/mutmut run $(MUTANTS)
	@$(BIN)/mutmut results | { grep -v ': not checked$$' || true; }

clean:
	rm -rf $(VENV) instance .pytest_cache
