# fagui — two commands on a fresh machine: `make run` (set up, ingest the real data, serve)
# and `make test`. Both create .venv and install torch==2.13.0 first: a plain `torch` from
# PyPI would pull gigabytes of CUDA packages; the pinned CPU build lies on this machine's disk.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fagui-installed

.PHONY: setup run ingest index learn test test-all clean

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

# The main job: whatever is missing (store, index, learned ranking) is made, then the app is
# served at http://$(HOST):$(PORT)/ (first run ~20 min on 2 cores, mostly embeddings).
HOST ?= 127.0.0.1
PORT ?= 8000
run: setup
	$(BIN)/fagui prepare
	$(BIN)/fagui serve --host $(HOST) --port $(PORT)

# Skips print their reason (-rs, pyproject); with CI=true they fail (tests/conftest.py).
test: setup
	$(BIN)/python -m pytest -q

test-all: setup
	$(BIN)/python -m pytest -q -m ''

clean:
	rm -rf $(VENV) var
