# The README's commands. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install system-deps run demo test unit lint typecheck clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install Mercato with its test and dev tools

system-deps:  ## Debian's Prometheus, for the real-Prometheus test (needs root; skipped otherwise)
	@command -v prometheus >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends prometheus; } \
	  || echo "Prometheus is not installed: its test will be skipped (CI installs it)"

run: $(STAMP)  ## Run the pipeline (embedded broker unless KAFKA_BOOTSTRAP_SERVERS is set)
	$(BIN)/mercato run $(if $(FEEDS),--feeds $(FEEDS),)

demo: $(STAMP)  ## Bundled sample feeds through the whole pipeline, events printed
	$(BIN)/mercato demo

test: $(STAMP) system-deps  ## Lint, type-check and run every test (unit + integration on the real broker)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2 --dist loadfile  # one process per core; each file's tests stay together

unit: $(STAMP)  ## Unit tests only (seconds)
	$(BIN)/pytest -q tests/unit

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check .

typecheck: $(STAMP)  ## mypy
	$(BIN)/mypy

clean:  ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
