# The README's two commands: `make run` and `make test`. Everything else is set up
# from nothing but Python 3.11, make and git: .venv, uv (installed into .venv with
# pip), and the locked dependencies (uv.lock). Nothing is downloaded at run time.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
# Slow suites can be run alone with `make test PYTEST_ARGS="-m slow"`.
PYTEST_ARGS ?=

.PHONY: run test bench lint venv clean

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(VENV)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) sync --frozen --inexact
	@touch $@

venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/python -m portal_ingest.devstack

# PYTHONDONTWRITEBYTECODE is emptied (= unset for Python) for the run: the suite starts
# over a hundred Python subprocesses (Airflow, the replica, the CLI); without cached
# bytecode each one compiles every module it imports again (`airflow dags test`: about
# 14 s of CPU instead of 9-10 s). The .pyc files go to __pycache__/ (git-ignored).
test: venv
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

bench: venv
	@for b in bench/*.py; do echo "== $$b"; $(VENV)/bin/python $$b || exit 1; done

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .airflow data .pytest_cache
