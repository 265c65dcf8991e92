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
# X accounts that are the municipalities' pages (handles or user ids, comma-separated), for searches
ACCOUNTS ?=

RAW := data/raw/$(DATASET)
PROCESSED := data/processed/$(DATASET)
# a value as one single-quoted shell word, whatever it holds (spaces, quotes, $)
quote = '$(subst ','\'',$(1))'
# goals that never read the data (no digest of the raw folder, no municipality check)
NO_DATA_GOALS := help env test bench sample clean

# MUNICIPALITY (code, page id or name, spaces allowed) is checked against the processed dataset before
# anything runs (an unknown one stops here, listing the names and codes, and leaves no folder), and
# named as a folder a make target can hold ("Lyngstad kommune" -> Lyngstad_kommune). A dataset not
# processed yet is checked by run-notebook, after the ingest and still before the folder is made.
ifneq ($(MUNICIPALITY),)
ifneq ($(filter-out $(NO_DATA_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
ifneq ($(wildcard $(BIN)/kommunsocial),)
MUNICIPALITY_DIR := $(shell $(BIN)/kommunsocial municipality $(call quote,$(DATASET)) $(call quote,$(MUNICIPALITY)))
ifneq ($(.SHELLSTATUS),0)
$(error MUNICIPALITY=$(MUNICIPALITY) is not in dataset $(DATASET) (see above))
endif
endif
endif
# without the environment yet: the same folder name for the usual names
lparen := (
rparen := )
MUNICIPALITY_DIR ?= $(subst $() ,_,$(subst $(lparen),_,$(subst $(rparen),_,$(subst ',_,$(MUNICIPALITY)))))
endif
REPORTS := reports/$(DATASET)$(if $(MUNICIPALITY),/$(MUNICIPALITY_DIR))

PACKAGE := $(sort $(shell find kommunsocial -type f \( -name '*.py' -o -name '*.json' -o -name '*.tsv' -o -name '*.csv' \) 2>/dev/null))
INGEST_CODE := $(filter kommunsocial/io/% kommunsocial/clean.py kommunsocial/privacy.py kommunsocial/schema.py kommunsocial/_store.py kommunsocial/ingest.py,$(PACKAGE))
# the raw folder enters make as one stamp of its content (names, sizes, sha256), not as its file names:
# a file added with an old mtime (unzip, cp -p), a deleted one, or a name with spaces or parentheses
# would fool or break a prerequisite list. The stamp is rewritten only when the content changed.
RAW_STAMP := .make/$(DATASET).raw
# ACCOUNTS enters make the same way: a stamp holding the value, rewritten only when it changes
ACCOUNTS_STAMP := .make/$(DATASET).accounts
write_accounts = mkdir -p .make && { printf '%s\n' $(call quote,$(ACCOUNTS)) | cmp -s - '$(1)' || printf '%s\n' $(call quote,$(ACCOUNTS)) > '$(1)'; }
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]-*.ipynb))
HTML := $(patsubst notebooks/%.ipynb,$(REPORTS)/%.html,$(NOTEBOOKS))
# the comparison across municipalities is a dataset-level report only
PER_MUNICIPALITY := $(filter-out 05-%,$(notdir $(basename $(NOTEBOOKS))))

# `make municipality-reports` needs the dataset's municipality codes: read from the processed pages
# table into a generated makefile (only for that goal, and unless MUNICIPALITIES is given)
ifneq ($(filter municipality-reports,$(MAKECMDGOALS)),)
ifeq ($(origin MUNICIPALITIES),undefined)
include $(PROCESSED)/municipalities.mk
endif
endif
MUNI_HTML := $(foreach m,$(MUNICIPALITIES),$(foreach n,$(PER_MUNICIPALITY),reports/$(DATASET)/$(m)/$(n).html))

.PHONY: help env data reports municipality-reports test bench lab sample clean

# on every invocation that may need the data (so `make -q data` answers for the raw files as they are
# now): refresh the stamp. Before .venv exists, the stamp's own rule below creates it.
ifneq ($(filter-out $(NO_DATA_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
ifneq ($(wildcard $(BIN)/kommunsocial),)
_ := $(shell $(BIN)/kommunsocial raw-digest '$(RAW)' --update '$(RAW_STAMP)')
ifneq ($(.SHELLSTATUS),0)
$(error could not compute the digest of $(RAW)/ (see above))
endif
endif
_ := $(shell $(call write_accounts,$(ACCOUNTS_STAMP)))
endif

## help      : list the targets
# the "## " lines below, with $(DATASET) shown as its value (taken from the environment by awk, so
# any folder name prints as it is)
help:
	@KS_DATASET=$(call quote,$(DATASET)) awk '/^## / { line = substr($$0, 4); out = ""; \
		while ((i = index(line, "$$(DATASET)")) > 0) { out = out substr(line, 1, i - 1) ENVIRON["KS_DATASET"]; \
		line = substr(line, i + 10) } print out line }' $(MAKEFILE_LIST)
	@echo "Variables: DATASET=$(DATASET) (a folder under data/raw/), MUNICIPALITY=code|page id|name (one page),"
	@echo "           ACCOUNTS=handle,handle (an X search: the municipalities' accounts)"
	@echo "Without make (Windows, conda, pip): kommunsocial reports | data | municipality-reports | lab | sample |"
	@echo "           clean DATASET, with the same names (kommunsocial --help)"

## env       : create .venv with the package, its test tools and the Jupyter kernel (once)
env: $(ENV_STAMP)

$(ENV_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kommunsocial needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/kommunsocial kernel
	touch $@

## data      : ingest data/raw/$(DATASET) into data/processed/$(DATASET) (Parquet + manifest.json)
data: $(PROCESSED)/manifest.json

$(PROCESSED)/manifest.json: $(RAW_STAMP) $(ACCOUNTS_STAMP) $(INGEST_CODE) | $(ENV_STAMP)
	@test -d $(RAW) || { echo "no raw data in $(RAW)/: put your exports there (see README.md)"; exit 1; }
	$(BIN)/kommunsocial ingest $(RAW) --out $(PROCESSED)$(if $(ACCOUNTS), --account $(call quote,$(ACCOUNTS)))

# an ingest swaps the whole dataset in at its end (Dataset.save): the manifest is never half-written,
# so make must not delete it when interrupted
.PRECIOUS: $(PROCESSED)/manifest.json

$(RAW_STAMP): | $(ENV_STAMP)
	@$(BIN)/kommunsocial raw-digest '$(RAW)' --update '$@'

$(ACCOUNTS_STAMP):
	@$(call write_accounts,$@)

## reports   : run every notebook on $(DATASET) and write reports/$(DATASET)/index.html
reports: reports/$(DATASET)/index.html

# A notebook that fails writes <name>.failed.json instead of its HTML and lets make go on with the
# others; the index lists the failures, then exits 1, so `make reports` fails at the end. The HTML of a
# failed report stays missing: the next `make` (and `make -q`) sees it out of date and retries it.
reports/$(DATASET)/index.html: $(HTML) $(MUNI_HTML) | $(ENV_STAMP)
	$(BIN)/kommunsocial index $(DATASET)

# written atomically, and kept when it lists failures (its exit status is 1 then)
.PRECIOUS: reports/$(DATASET)/index.html

$(REPORTS)/%.html: notebooks/%.ipynb $(PROCESSED)/manifest.json $(PACKAGE) | $(ENV_STAMP)
	$(BIN)/kommunsocial run-notebook $< --out $(REPORTS) --dataset $(DATASET) --municipality $(call quote,$(MUNICIPALITY)) --record-failure

## municipality-reports : one set of reports per municipality of $(DATASET) (use -j), the comparison and the index
municipality-reports: reports/$(DATASET)/index.html

$(PROCESSED)/municipalities.mk: $(PROCESSED)/manifest.json | $(ENV_STAMP)
	$(BIN)/kommunsocial municipalities $(DATASET) --make > $@

# reports/<dataset>/<code>/<notebook>.html: the code reaches papermill as text, leading zeros kept
.SECONDEXPANSION:
$(MUNI_HTML): reports/$(DATASET)/%.html: notebooks/$$(notdir $$*).ipynb $(PROCESSED)/manifest.json $(PACKAGE) | $(ENV_STAMP)
	$(BIN)/kommunsocial run-notebook $< --out $(@D) --dataset $(DATASET) --municipality '$(patsubst %/,%,$(dir $*))' --record-failure

## test      : the whole test suite, every notebook executed on the sample, in parallel on every core
##             (TEST_ARGS='-m "not slow"' for the quick part, under a minute)
TEST_ARGS ?=
test: $(ENV_STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile $(TEST_ARGS)

## bench     : country scale (290 pages x 5 years, ~600k posts): every stage timed -> benchmarks/results.md
##             (BENCH_ARGS="--profile ingest" profiles one stage; "--only tone,network" runs some)
bench: $(ENV_STAMP)
	$(BIN)/python -c 'import pyinstrument' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

## lab       : JupyterLab with the project's kernel, for seminars and exploration
lab: $(ENV_STAMP) $(PROCESSED)/manifest.json
	$(BIN)/kommunsocial lab $(call quote,$(DATASET))$(if $(ACCOUNTS), --account $(call quote,$(ACCOUNTS)))

## sample    : regenerate the bundled sample in data/raw/sample (seeded: same files every time)
sample: | $(ENV_STAMP)
	$(BIN)/kommunsocial sample

## clean     : remove data/processed/$(DATASET) and reports/$(DATASET) (raw data is never touched)
# kommunsocial clean holds the list of what to remove; the environment's, else one on the PATH (conda)
clean:
	@$(or $(wildcard $(BIN)/kommunsocial),kommunsocial) clean $(call quote,$(DATASET))
