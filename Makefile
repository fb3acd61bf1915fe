# The course's two front-door commands, `make book` and `make test`, and their helpers.
# Every target installs what it needs first (a .venv from requirements.txt, the Debian
# packages when root), and a second run reinstalls nothing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# Debian packages: the data set, the grading sandbox, a PostgreSQL server for the gradebook
# tests, the browser the site tests drive (npm, for the site's JavaScript, only when missing)
APT_PACKAGES := dataset-fashion-mnist bubblewrap postgresql chromium
# JavaScript the site serves itself (MathJax, the ipywidgets HTML manager, RequireJS):
# pinned in package.json / package-lock.json, copied into $(WEB) for Sphinx's _static
WEB := _vendor
ASSIGNMENTS := $(notdir $(wildcard solutions/[0-9]*))

.PHONY: help setup system-packages web-assets data book test exercises results clean

help:
	@echo "make book       set up, then build the book into _build/html (warnings are errors)"
	@echo "make test       set up, then build the book and run every test"
	@echo "make exercises  regenerate exercises/ (student versions) from solutions/"
	@echo "make results    train every classic net to convergence, write results/*.json"
	@echo "make clean      remove _build/ and grading work dirs (keeps .venv and data)"

setup: $(STAMP) web-assets data

# Missing Debian packages are installed when we are root and apt is there; otherwise
# say what is missing and go on (the data can come from FASHION_MNIST_DIR instead).
system-packages:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null; \
	  else \
	    echo "Note: Debian packages missing:$$missing (install them with: sudo apt-get install$$missing)"; \
	  fi; \
	fi

$(STAMP): requirements.txt pyproject.toml Makefile
	@$(MAKE) --no-print-directory system-packages
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@# JupyterLab opens the MyST Markdown chapters as notebooks (jupytext's viewer)
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

web-assets: $(WEB)/.installed

$(WEB)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (Debian: sudo apt-get install npm), then run make again"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(WEB)
	mkdir -p $(WEB)/mathjax/input/tex $(WEB)/mathjax/output/chtml/fonts $(WEB)/html-manager $(WEB)/requirejs
	cp node_modules/mathjax/es5/tex-chtml.js $(WEB)/mathjax/
	cp -r node_modules/mathjax/es5/input/tex/extensions $(WEB)/mathjax/input/tex/
	cp -r node_modules/mathjax/es5/output/chtml/fonts/woff-v2 $(WEB)/mathjax/output/chtml/fonts/
	cp node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js \
	   node_modules/@jupyter-widgets/html-manager/dist/*.{woff,woff2,ttf,eot,svg} $(WEB)/html-manager/
	cp node_modules/requirejs/require.js $(WEB)/requirejs/
	@touch $@

data: $(STAMP)
	@$(PY) -m cnncourse data

book: setup
	@mkdir -p _build
	@# one torch thread per kernel: a little slower on an idle 2-core machine, 10x faster on a busy one
	set -o pipefail; OMP_NUM_THREADS=1 $(BIN)/jupyter-book build . --warningiserror --keep-going 2>&1 | tee _build/book.log

test: book
	$(PY) -m pytest -n 2 --dist loadscope --durations=30

exercises: $(STAMP)
	$(PY) -m autograder generate $(ASSIGNMENTS)

results: setup
	$(PY) -m cnncourse.results
	@# chapter 11 reads results/: drop its cached execution so the next make book shows them
	$(PY) -c "from jupyter_cache import get_cache; c = get_cache('_build/.jupyter_cache'); \
	  [c.remove_cache(r.pk) for r in c.list_cache_records() if r.uri.endswith('11-comparison.md')]"
	@touch chapters/11-comparison.md

clean:
	rm -rf _build .grading
