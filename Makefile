# Two commands on a fresh machine: `make build` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint serve check new bench clean po setup validators

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# output/ for a web server, and portable/: the same site that opens from a disk or USB stick
build: $(STAMP)
	$(BIN)/site-builder build --portable portable

# The tests run the command as members do: with the tool's bytecode (a shell or CI image
# setting PYTHONDONTWRITEBYTECODE would make every command the tests start
# compile every module from source first: ~9 % of the suite's time).
test: $(STAMP)
	$(BIN)/python -m compileall -q site_builder
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadgroup --durations=25

# The real validators (Nu HTML Checker, axe-core, Lighthouse, link checker) on the built
# sample site; installs them first (tools/install-validators.sh), and fails, not skips,
# when one is missing. `make test` runs them too, skipping them where they are missing.
validators: $(STAMP)
	tools/install-validators.sh
	SITE_BUILDER_REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/validators

# The core (ground floor, model and plan: see docs/architecture.md) is held to mypy --strict.
CORE := site_builder/content site_builder/config.py site_builder/errors.py \
	site_builder/messages.py site_builder/catalog.py site_builder/i18n.py \
	site_builder/parallel.py site_builder/lifeline.py site_builder/cache.py \
	site_builder/filestate.py site_builder/freshness.py site_builder/assets.py \
	site_builder/writer.py site_builder/outdir.py site_builder/markdown.py \
	site_builder/links.py site_builder/gtin.py site_builder/vietqr.py \
	site_builder/urls.py site_builder/serving.py site_builder/codes.py \
	site_builder/codes_record.py site_builder/codes_identity.py \
	site_builder/labelsheets.py site_builder/print_errors.py site_builder/vendor \
	site_builder/tasks.py site_builder/libraries.py site_builder/render/variants.py \
	site_builder/render/template_cache.py site_builder/render/catalog_cache.py

lint: $(STAMP)
	$(BIN)/ruff check site_builder tests
	$(BIN)/ruff format --check site_builder tests bench
	$(BIN)/mypy site_builder
	$(BIN)/mypy --strict $(CORE)
	$(BIN)/lint-imports

# `make serve PORT=8001` when 8000 is taken
PORT ?= 8000
serve: $(STAMP)
	SITE_BUILDER_MAKE_SERVE=1 $(BIN)/site-builder serve --port $(PORT)

# Everyday verbs without activating .venv: `make check`, `make new KIND=doll NAME="Búp bê Dao đỏ"`.
check: $(STAMP)
	$(BIN)/site-builder check

KIND ?= doll
new: $(STAMP)
	$(BIN)/site-builder new $(KIND) "$(NAME)"

# The site's words: locale/site.pot from the templates (sorted, no line numbers, so a moved
# string changes nothing), then every catalogue updated from it (tests/test_site_catalogue.py
# checks both are current and every word has its Vietnamese).
po: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k S_ --no-location --sort-output --omit-header \
	  -o locale/site.pot templates site_builder/content/kinds.py site_builder/render/html.py
	for lang in $$(ls locale | grep -v '\.pot$$'); do \
	  $(BIN)/pybabel update --ignore-obsolete --ignore-pot-creation-date -i locale/site.pot -d locale -D site -l $$lang; done

# Our build side by side with Hugo and Pelican (minutes; not part of `make test`).
# Quick run: make bench BENCH_ARGS="--items 200 --runs 1"
# (the default also measures our build alone at 20,000 items: bench/scale.py)
BENCH_ARGS ?= --scale 20000
bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf output portable .site-builder-cache
