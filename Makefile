# peacekg: `make run` builds the graph and shows it working; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-deps build validate bench bench-quick bench-server bench-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[server,test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/peacekg build
	$(BIN)/peacekg stats
	$(BIN)/peacekg query missions
	$(BIN)/peacekg query norm-timeline --param norm=protection-of-civilians
	$(BIN)/peacekg serve

test: $(STAMP) test-deps
	$(BIN)/python -m pytest -q

# System packages the tests use (headless Chromium for the browser tests, Virtuoso
# Open Source for the push tests, which start their own server on loopback ports);
# installed when missing and possible, otherwise those tests skip with a reason.
test-deps:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)) || \
	  echo "note: chromium could not be installed; browser tests will skip"; }
	@command -v virtuoso-t >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=120 virtuoso-opensource >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=120 virtuoso-opensource >/dev/null 2>&1)) || \
	  echo "note: virtuoso-opensource could not be installed; the Virtuoso push tests will skip"; }

bench: $(STAMP) bench-deps
	$(BIN)/python -m bench

# Only the server section (wrk against peacekg serve, oxigraph serve and the
# fixed-body app); replaces that section of docs/benchmarks.md.
bench-server: $(STAMP) bench-deps
	$(BIN)/python -m bench --server-only

# The load tool of the server section, installed when missing and possible.
bench-deps:
	@command -v wrk >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get install -y -qq wrk >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq wrk >/dev/null 2>&1)) || \
	  echo "note: wrk could not be installed; the server section will say so"; }

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick --no-write  # prints only: docs/benchmarks.md keeps the full run

build: $(STAMP)
	$(BIN)/peacekg build

validate: $(STAMP)
	$(BIN)/peacekg validate

clean:
	rm -rf .peacekg-cache dist
