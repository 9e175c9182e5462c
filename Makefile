# peacekg: `make run` builds the graph and shows it working; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-deps build validate bench bench-quick clean

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

# System packages the tests use (headless Chromium for the browser tests);
# installed when missing and possible, otherwise those tests skip with a reason.
test-deps:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)) || \
	  echo "note: chromium could not be installed; browser tests will skip"; }

bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick --no-write  # prints only: docs/benchmarks.md keeps the full run

build: $(STAMP)
	$(BIN)/peacekg build

validate: $(STAMP)
	$(BIN)/peacekg validate

clean:
	rm -rf .peacekg-cache dist
