# Two commands: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/aftermath.duckdb

.PHONY: run test lint bench clean

$(BIN)/aftermath: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/aftermath
	$(BIN)/aftermath serve --db $(DB)

test: $(BIN)/aftermath
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	@if [ -x /usr/bin/chromium ]; then \
		echo "Browser tests: running with /usr/bin/chromium."; \
	else \
		echo "Browser tests: SKIPPED, /usr/bin/chromium is missing (apt-get install chromium)."; \
	fi
	$(BIN)/pytest -q

lint: $(BIN)/aftermath
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(BIN)/aftermath
	$(BIN)/python benchmarks/run.py --scale 1 --scales 0.1,0.3,1 --profile

clean:
	rm -rf $(VENV) data/aftermath.duckdb tests/artifacts
