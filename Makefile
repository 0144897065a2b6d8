# Two commands for a newcomer:  make run   (load the samples, serve API + UI)
#                               make test  (install everything the tests need, run them)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test browser office bench eval neo4j-test clean

run: $(VENV)/.installed
	$(BIN)/dutygraph serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test browser office
	$(BIN)/pytest

bench: $(VENV)/.installed-test browser office
	$(BIN)/python -m bench.run_all

# The loader's figure on the hand-annotated development set (tests/devset): P/R/F1 per document and convention.
eval: $(VENV)/.installed
	$(BIN)/python -m tests.devset.score

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# -qq: pip shows errors only, not setuptools' notices about editable installs.
$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install -qq -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install -qq -e '.[test]'
	touch $@ $(VENV)/.installed

# Debian's Chromium for the browser tests, and a CJK font so screenshots show Chinese.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto.*cjk'; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null; \
	fi
	@/usr/bin/chromium --version

# LibreOffice (headless) reads .doc/.wps and makes the .pdf/.doc test fixtures from .docx files.
office:
	@if ! command -v soffice >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libreoffice-writer-nogui >/dev/null; \
	fi
	@soffice --version

clean:
	rm -rf $(VENV) .dutygraph .pytest_cache
