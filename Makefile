# The two commands of the README: `make sim` and `make test`. Both set up .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist: most tests wait (on ports, ptys, timeouts), so 4 workers overlap their waits
# even on 2 cores; a file sharing a module-wide fixture stays on one worker (tests/conftest.py).
# `make test PARALLEL=` runs in one process. --durations: every run names its 30 slowest tests
# (CONTRIBUTING.md, "Test suite time"), so a newly slow test shows in CI's log.
PARALLEL ?= -n 4 --dist loadgroup

.PHONY: sim demo test test-chaos lint venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

sim: $(STAMP)
	$(BIN)/kiosk sim

demo: $(STAMP)
	SDL_VIDEODRIVER=$${SDL_VIDEODRIVER:-offscreen} $(BIN)/kiosk demo --out $${DEMO_OUT:-demo-out}

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q $(PARALLEL) --durations=30

# The long randomised runs (the whole crash matrix, random kills, the soak, network faults):
# CI runs them after `make test`.
test-chaos: $(STAMP)
	$(BIN)/python -m pytest -q -m chaos $(PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy && $(BIN)/lint-imports

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
