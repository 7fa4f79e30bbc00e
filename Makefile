# Every target installs into .venv first, so one command works on a new machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench format clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/checkin-desk demo --if-missing
	$(BIN)/checkin-desk

# Under CI=true the suite needs CUPS (and the X server for the end-to-end tests): the set-up scripts
# install and start them first. Elsewhere those tests skip and say why.
test: $(STAMP)
	@if [ "$$CI" = "true" ]; then for setup in .ci/setup-*; do [ -x "$$setup" ] && "$$setup" || exit 1; done; fi
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check checkin_desk tests benchmarks
	$(BIN)/ruff format --check checkin_desk tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/vulture checkin_desk tests benchmarks vulture_whitelist.py --min-confidence 60

format: $(STAMP)
	$(BIN)/ruff format checkin_desk tests benchmarks
	$(BIN)/ruff check --fix checkin_desk tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
