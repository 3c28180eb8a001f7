# fordel: two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install browser demo test test-long bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: install
	$(BIN)/fordel demo

# Debian's Chromium for the statement-in-a-browser test (installed once, if missing)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1)) || \
	  echo "could not install chromium (apt-get); the browser test will say so"

test: install browser
	$(BIN)/pytest -n 2 -q

test-long: install browser
	FORDEL_LONG=1 $(BIN)/pytest -n 2 -q -m "slow or not slow"

bench: install
	$(BIN)/python host/bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
