# Two commands: `make run` and `make test`. Everything else is set up by them.
# Both install the versions pinned in requirements/ (`make lock` updates the pins).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/aftermath.duckdb

.PHONY: run test lint bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The runtime only: what serving the dashboard needs.
$(VENV)/.installed-run: $(BIN)/python requirements/run.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/run.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The runtime and the test extras (pytest, playwright, ruff, sqlfluff).
$(VENV)/.installed-test: $(BIN)/python requirements/test.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/test.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The Spark engine's extra (pyspark) on top of the test extras; `make test` adds it where Java is.
$(VENV)/.installed-spark: $(VENV)/.installed-test requirements/spark.txt
	$(BIN)/pip install --quiet -r requirements/spark.txt
	touch $@

run: $(VENV)/.installed-run
	$(BIN)/aftermath serve --db $(DB)

test: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint queries --processes 2
	@if [ -x /usr/bin/chromium ]; then \
		echo "Browser tests: running with /usr/bin/chromium."; \
	else \
		echo "Browser tests: SKIPPED, /usr/bin/chromium is missing (apt-get install chromium)."; \
	fi
	@if ! command -v java >/dev/null 2>&1; then \
		echo "Spark tests: SKIPPED, no Java runtime (apt-get install default-jre-headless)."; \
	elif $(MAKE) --no-print-directory $(VENV)/.installed-spark; then \
		echo "Spark tests: running with $$(java -version 2>&1 | head -1)."; \
	else \
		echo "Spark tests: SKIPPED, pyspark did not install (pip install -e '.[spark]')."; \
	fi
	$(BIN)/pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py --scale 1 --scales 0.1,0.3,1 --profile

# Pins every dependency, direct and indirect, from pyproject.toml's ranges.
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet -o requirements/run.txt
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet --extra test \
		-o requirements/test.txt
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet --extra test --extra spark \
		-o requirements/spark.txt

clean:
	rm -rf $(VENV) data/aftermath.duckdb tests/artifacts
