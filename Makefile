# The two commands: `make run` (set up, then build a release from seeds/) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test eval chromium

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "newsfacts needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq --constraint constraints.txt --editable ".[dev]"
	$(PY) -m compileall -q src flows
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install pinned dependencies

run: setup  ## build and publish a release from seeds/ with the Prefect flow (embedded mode)
	$(PY) -m flows.build --source seeds --out datasets

# The browser tests drive Debian's chromium (never Playwright's download). Installed here when
# missing and we are root; otherwise those tests skip and say why.
chromium:  ## install Debian's chromium for the browser tests, if missing and root
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; } \
	  || echo "chromium could not be installed: the browser tests will be skipped"; \
	fi

test: setup chromium  ## lint, then every test
	$(VENV)/bin/ruff check src flows tests bench
	$(VENV)/bin/pytest

EVAL := ../shared/eval
eval: setup  ## print every extractor's scores on the dev corpora (needs ../shared/eval)
	$(VENV)/bin/newsfacts eval clean --corpus $(EVAL)/boilerplate/aeb --html
	$(VENV)/bin/newsfacts eval clean --corpus $(EVAL)/boilerplate/dragnet
	$(VENV)/bin/newsfacts eval metadata --corpus $(EVAL)/metadata/readability
	$(VENV)/bin/newsfacts eval entities --corpus $(EVAL)/entities/gum-news
	$(VENV)/bin/newsfacts eval quotes --corpus $(EVAL)/quotes/polnear-train
	$(VENV)/bin/newsfacts eval events --corpus $(EVAL)/events/plover-dev.jsonl
