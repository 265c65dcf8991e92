# kommunsocial: `make help` lists the targets. Data flows one way:
#   data/raw/<dataset>/  --ingest-->  data/processed/<dataset>/  --papermill-->  reports/<dataset>/*.html
# Every target that does work is a real file, with the code it runs as a prerequisite, so an
# unchanged input is not rebuilt and `make -j` can build reports in parallel.

SHELL := /bin/bash
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ENV_STAMP := $(VENV)/.installed

DATASET ?= sample
MUNICIPALITY ?=

RAW := data/raw/$(DATASET)
PROCESSED := data/processed/$(DATASET)
REPORTS := reports/$(DATASET)$(if $(MUNICIPALITY),/$(MUNICIPALITY))

PACKAGE := $(sort $(shell find kommunsocial -type f \( -name '*.py' -o -name '*.json' -o -name '*.tsv' -o -name '*.csv' \) 2>/dev/null))
INGEST_CODE := $(filter kommunsocial/io/% kommunsocial/clean.py kommunsocial/privacy.py kommunsocial/schema.py kommunsocial/ingest.py,$(PACKAGE))
RAW_FILES := $(sort $(shell find $(RAW) -type f ! -name '.*' 2>/dev/null))
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
HTML := $(patsubst notebooks/%.ipynb,$(REPORTS)/%.html,$(NOTEBOOKS))

.PHONY: help env data reports test lab sample clean

## help      : list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## //'
	@echo "Variables: DATASET=$(DATASET) (a folder under data/raw/), MUNICIPALITY=code|page id|name (one page)"

## env       : create .venv with the package, its test tools and the Jupyter kernel (once)
env: $(ENV_STAMP)

$(ENV_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kommunsocial needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name kommunsocial --display-name "Python (kommunsocial)" >/dev/null
	touch $@

## data      : ingest data/raw/$(DATASET) into data/processed/$(DATASET) (Parquet + manifest.json)
data: $(PROCESSED)/manifest.json

$(PROCESSED)/manifest.json: $(RAW_FILES) $(INGEST_CODE) | $(ENV_STAMP)
	@test -d $(RAW) || { echo "no raw data in $(RAW)/: put your exports there (see README.md)"; exit 1; }
	$(BIN)/kommunsocial ingest $(RAW) --out $(PROCESSED) --quiet

## reports   : run every notebook on $(DATASET) and write reports/$(DATASET)/index.html
reports: reports/$(DATASET)/index.html

reports/$(DATASET)/index.html: $(HTML) | $(ENV_STAMP)
	$(BIN)/kommunsocial index $(DATASET)

$(REPORTS)/%.html: notebooks/%.ipynb $(PROCESSED)/manifest.json $(PACKAGE) | $(ENV_STAMP)
	$(BIN)/kommunsocial run-notebook $< --out $(REPORTS) --dataset $(DATASET) --municipality '$(MUNICIPALITY)'

## test      : the whole test suite, every notebook executed on the sample
test: $(ENV_STAMP)
	$(BIN)/python -m pytest

## lab       : JupyterLab with the project's kernel, for seminars and exploration
lab: $(ENV_STAMP)
	$(BIN)/jupyter lab notebooks/

## sample    : regenerate the bundled sample in data/raw/sample (seeded: same files every time)
sample: | $(ENV_STAMP)
	$(BIN)/kommunsocial sample --out data/raw/sample --pages 12 --years 2 --seed 0 --format graph_api

## clean     : remove data/processed/$(DATASET) and reports/$(DATASET) (raw data is never touched)
clean:
	rm -rf $(PROCESSED) reports/$(DATASET)
