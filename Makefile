# The README's commands. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The extractor (nlp/) is compiled in place by mypyc (setup.py): one extension module
# beside each source but __init__.py, and the shared library holding their code.
# MERCATO_COMPILE=0 installs, tests and runs the pure Python instead.
MERCATO_COMPILE ?= 1
export MERCATO_COMPILE
EXT          := $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
NLP_SOURCES  := $(filter-out nlp/__init__.py,$(wildcard nlp/*.py))
NLP_COMPILED := $(NLP_SOURCES:.py=$(EXT)) nlp__mypyc$(EXT)

.PHONY: help install system-deps compile uncompile run demo test unit lint typecheck clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 'setuptools>=69'
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install Mercato with its test and dev tools

ifeq ($(MERCATO_COMPILE),0)
compile: uncompile
else
compile: $(NLP_COMPILED)  ## Compile the extractor again if a source is newer (MERCATO_COMPILE=0: remove it)
endif

# All at once (one mypyc group), by the editable install again: it also tells the
# import hook of the install where the shared library (nlp__mypyc*.so) is. The old
# modules go first: a failed build leaves the pure Python, never a stale mix.
$(NLP_COMPILED) &: $(NLP_SOURCES) setup.py | $(STAMP)
	rm -f nlp/*.so nlp__mypyc*.so
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .

uncompile:  ## Remove the compiled extractor: the pure Python runs
	rm -f nlp/*.so nlp__mypyc*.so

system-deps:  ## Debian's Prometheus, for the real-Prometheus test (needs root; skipped otherwise)
	@command -v prometheus >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends prometheus; } \
	  || echo "Prometheus is not installed: its test will be skipped (CI installs it)"

run: $(STAMP) compile  ## Run the pipeline (embedded broker unless KAFKA_BOOTSTRAP_SERVERS is set)
	$(BIN)/mercato run $(if $(FEEDS),--feeds $(FEEDS),)

demo: $(STAMP) compile  ## Bundled sample feeds through the whole pipeline, events printed
	$(BIN)/mercato demo

test: $(STAMP) compile system-deps  ## Lint, type-check and run every test (unit + integration on the real broker)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q -n 2 --dist loadfile  # one process per core; each file's tests stay together

unit: $(STAMP) compile  ## Unit tests only (seconds)
	$(BIN)/pytest -q tests/unit

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check .

typecheck: $(STAMP)  ## mypy
	$(BIN)/mypy

clean:  ## Remove the virtualenv, caches and the compiled extractor
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info build nlp/*.so nlp__mypyc*.so
