# The targets the README and CI use. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install browser run test lint format bench migrate demo translations clean

install: $(STAMP)

# Reinstall whenever the declared dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: install  ## migrate, load the demo, serve web + worker + beat (Ctrl-C stops all)
	$(BIN)/tdkt run

# Browser tests drive Debian's chromium through Playwright (a downloaded browser does not work).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "make: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

test: install browser  ## the whole suite (PostgreSQL/Redis when TDKT_TEST_*_URL are set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install  ## ruff, mypy (strict for engine/web/tasks) and the import-linter layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract the interface's messages, fill English from scripts/translations_en.py, compile
# the .mo (committed, so a fresh clone needs no build step).
translations: install
	$(BIN)/python scripts/translations_en.py

bench: install
	@for script in bench/*.py; do \
		grep -q 'if __name__ == "__main__"' $$script || continue; \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

migrate: install
	$(BIN)/tdkt db upgrade

demo: install
	$(BIN)/tdkt demo load

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
