# fagui — two commands on a fresh machine: `make run` (set up, ingest the real data, serve)
# and `make test`. Both create .venv and install torch==2.13.0 first: a plain `torch` from
# PyPI would pull gigabytes of CUDA packages; the pinned CPU build lies on this machine's disk.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fagui-installed

.PHONY: setup run prepare ingest index learn test test-all clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

ingest: setup
	$(BIN)/fagui ingest all

index: ingest
	$(BIN)/fagui index build

learn: index
	$(BIN)/fagui learn --queries $$($(BIN)/python -c "from corpus.config import default_data_dir as d; print(d())")/stard/queries.jsonl --split train

# The main job: the app at http://$(HOST):$(PORT)/ over the real data. On a fresh machine
# `fagui serve` ingests and builds the keyword index first (minutes), answers in keyword mode,
# and builds the vectors and the learned ranking in the background (~20 min on 2 cores; the
# page shows progress, GET /api/v1/health too). `make prepare` builds everything before serving.
HOST ?= 127.0.0.1
PORT ?= 8000
run: setup
	$(BIN)/fagui serve --host $(HOST) --port $(PORT)

prepare: setup
	$(BIN)/fagui prepare

# Skips print their reason (-rs, pyproject); with CI=true they fail (tests/conftest.py).
test: setup
	$(BIN)/python -m pytest -q

test-all: setup
	$(BIN)/python -m pytest -q -m ''

clean:
	rm -rf $(VENV) var
