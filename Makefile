# `make demo` and `make test` work on a fresh machine with Python 3.11+ and this repository.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Both cores, one test file per worker (files share servers and fixtures).
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: demo demo-distributed test install clean

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

clean:
	rm -rf $(VENV) data/demo data/demo-distributed .pytest_cache
