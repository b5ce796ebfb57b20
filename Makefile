# newsclean: `make demo` crawls the bundled demo site; `make test` runs the test suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUNTIME := $(VENV)/.runtime-installed
STAMP_DEV := $(VENV)/.dev-installed

.PHONY: lint install install-dev demo test eval bench bench-rss bench-scale fuzz clean

install: $(STAMP_RUNTIME)
install-dev: $(STAMP_DEV)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUNTIME): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(STAMP_DEV): requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP_RUNTIME) $@

demo: install
	$(BIN)/python demo/run.py

test: install-dev
	$(BIN)/python -m pytest

# Throughput and memory over a local site of N real pages (README, "Benchmarks"); not part of `make test`.
N ?= 5000
bench: install-dev
	$(BIN)/python -m bench --pages $(N) $(ARGS)

bench-rss: install-dev
	$(BIN)/python -m bench --rss-series 5000,10000,20000 $(ARGS)

# One crawl process against workers sharing a Redis frontier (needs the local Redis and PostgreSQL).
bench-scale: install-dev
	$(BIN)/python -m bench.scale_out --pages $(or $(PAGES),2000) $(ARGS)

# A long fuzz run of extraction (tests/test_fuzz_extraction.py), fresh randomness each time; not part of `make test`.
FUZZ_EXAMPLES ?= 5000
fuzz: install-dev
	NEWSCLEAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz_extraction.py -q -p no:cacheprovider \
		--timeout=0 --hypothesis-show-statistics

clean:
	rm -rf $(VENV) data .pytest_cache

lint: install-dev
	$(BIN)/ruff check --select F,E9 newsclean spiders pipelines commands extensions middlewares frontier settings.py tests bench
	$(BIN)/mypy newsclean spiders pipelines commands extensions middlewares frontier
