# `make demo` and `make test` work on a fresh machine with Python 3.11+ and this repository.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Both cores, one test file per worker (files share servers and fixtures).
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: demo demo-distributed test lint fuzz install clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/newsbot demo --out data/demo

# Needs redis-server (Debian: apt-get install -y redis-server); the demo starts its own.
demo-distributed: install
	$(VENV)/bin/newsbot demo --workers 2 --out data/demo-distributed

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# ruff (rules in pyproject.toml) and mypy (strict on the pure packages)
lint: install
	$(VENV)/bin/ruff check newsbot tests benchmarks
	$(VENV)/bin/mypy

# The parsers' property tests with FUZZ_EXAMPLES (default 1000) new inputs per property, instead
# of make test's fixed 40; failures are kept in .hypothesis/ and tried first next time.
FUZZ_TESTS = $(wildcard tests/*_fuzz.py tests/*/*_fuzz.py)
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest $(PYTEST_ARGS) --timeout 0 \
		--hypothesis-show-statistics $(FUZZ_TESTS)

clean:
	rm -rf $(VENV) data/demo data/demo-distributed .pytest_cache
