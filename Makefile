# Two commands on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint serve bench clean po setup

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: $(STAMP)
	$(BIN)/site-builder build

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check site_builder tests
	$(BIN)/mypy site_builder

serve: $(STAMP)
	$(BIN)/site-builder serve

po: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o locale/site.pot templates
	for lang in $$(ls locale | grep -v '\.pot$$'); do \
	  $(BIN)/pybabel update -i locale/site.pot -d locale -D site -l $$lang; done

clean:
	rm -rf output .site-builder-cache
