# peacekg: `make run` builds the graph and shows it working; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test build validate bench clean

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

test: $(STAMP)
	$(BIN)/python -m pytest -q

build: $(STAMP)
	$(BIN)/peacekg build

validate: $(STAMP)
	$(BIN)/peacekg validate

clean:
	rm -rf .peacekg-cache dist
