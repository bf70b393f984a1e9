# `make demo` needs Python 3.11+ and this repository; `make test` also Debian's redis-server and
# chromium, which it installs itself when run as root (else it says the one command to run).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Both cores, one test file per worker (files share servers and fixtures).
PYTEST_ARGS ?= -n 2 --dist loadfile
# Exact versions with hashes, written by `make lock` from pyproject.toml's ranges: dev.lock for
# the venv of `make demo` and `make test` (the test and bench extras included), core.lock for
# the core install alone (`make smoke`), the same versions.
LOCK := requirements/dev.lock
CORE_LOCK := requirements/core.lock
UV_VERSION ?= 0.13.9
# `make lock LOCK_FLAGS=--upgrade` moves every pin to the newest version the ranges allow;
# without it, pins are kept where pyproject.toml still allows them.
LOCK_FLAGS ?=
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" --quiet $(LOCK_FLAGS)
# The Debian packages the test suite starts itself (each also the name of its command).
TEST_PACKAGES := redis-server chromium

.PHONY: demo demo-distributed test lint fuzz install lock smoke smoke-newest test-packages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK) | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/newsbot demo --out data/demo

# Needs redis-server (Debian: apt-get install -y redis-server); the demo starts its own.
demo-distributed: install
	$(VENV)/bin/newsbot demo --workers 2 --out data/demo-distributed

test: test-packages install
	$(PY) -m pytest $(PYTEST_ARGS)

# Installs the missing ones as root; otherwise stops before anything runs, with the command.
test-packages:
	@missing=$$(for p in $(TEST_PACKAGES); do command -v $$p >/dev/null || printf ' %s' $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
		echo "make test needs Debian's$$missing; install them, then run make test again:" >&2; \
		echo "  sudo apt-get update && sudo apt-get install -y$$missing" >&2; exit 1; fi; \
	echo "Installing$$missing (Debian packages the tests start)"; \
	export DEBIAN_FRONTEND=noninteractive; apt-get update -q && apt-get install -y -q$$missing

# pyproject.toml -> requirements/*.lock (run after changing its dependencies, then commit both).
lock: | $(PY)
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) --extra test --extra bench -o $(LOCK)
	$(UV_COMPILE) -c $(LOCK) -o $(CORE_LOCK)

# newsbot installed as a user installs it, in a fresh venv, used from a folder outside the
# repository: the core dependencies at the locked versions, or the newest the ranges allow.
smoke:
	.ci/smoke locked
smoke-newest:
	.ci/smoke newest

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
