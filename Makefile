# SETS courseware — the two commands of the README:
#   make serve   install into .venv and serve JupyterLab + the Voilà path page on 127.0.0.1:8866
#   make test    install into .venv and run every test
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8866
BIN = $(VENV)/bin

.PHONY: install serve test test-fast bench validate coverage build release clean hub hub-env

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable ".[test,exercises]"
	touch $@

serve: install
	$(BIN)/sets validate
	$(BIN)/sets serve --port $(PORT)

test: install
	$(BIN)/sets validate
	@test -f .axe/node_modules/axe-core/axe.min.js || npm install --prefix .axe --no-audit --no-fund --silent axe-core@4
	$(BIN)/pytest -n 2 --durations=15 tests voila_app --nbval-lax

test-fast: install
	$(BIN)/pytest -n 2 -m "not e2e and not notebooks"

bench: install
	$(BIN)/python bench/bench_path_page.py
	$(BIN)/python bench/bench_grading.py
	$(BIN)/python bench/bench_exercises.py
	$(BIN)/python bench/bench_service.py
	$(BIN)/python bench/bench_load.py

validate: install
	$(BIN)/sets validate

coverage: install
	$(BIN)/sets coverage

build: install
	$(BIN)/sets build

release: install
	$(BIN)/sets grade release

# The hub deployment (deploy/hub/README.md): as root, on loopback, with the local users given
# as HUB_USERS="alice:learner bob:learner tom:trainer gina:grader".
HUB_PREFIX ?= /opt/sets-hub

hub-env:
	deploy/hub/build-env.sh $(HUB_PREFIX)

hub:
	HUB_PREFIX=$(HUB_PREFIX) deploy/hub/run.sh

clean:
	rm -rf graders/source graders/release graders/submitted graders/autograded graders/feedback graders/gradebook.db
