# Two commands: `make run` starts the assistant, `make test` runs every test.
# Both set everything up first (virtual environment, packages, trained model).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help install model run run-cluster test test-fast lint docs lock clean

# The tiers of tests/conftest.py: what `make test-fast` leaves out.
SLOW_TIERS := not servers and not services and not browser and not cluster

help:
	@echo "make run   - set up, train if needed, start Rasa (5005) and the action server (5055)"
	@echo "make test  - set up, train if needed, run the whole test suite (what CI runs)"
	@echo "make test-fast - the tests that need no service, server, browser or nginx (~1 min)"
	@echo "make lint  - ruff check, ruff format --check and mypy"
	@echo "make docs  - regenerate the generated pages of docs/ (NLU report, red flags, ...)"
	@echo "make run-cluster - the same scaled out: nginx (5005/5055) in front of two Rasa replicas"
	@echo "                   and two action servers, PostgreSQL tracker store, Redis lock store"

install:
	@scripts/bootstrap.sh

model: install
	@scripts/train_if_needed.sh

# One HTTP API token for the run, shared by the Rasa server and the console (live takeover).
run: model
	@source scripts/env.sh && python -m tables && \
	  if [ -z "$${RASA_AUTH_TOKEN:-}" ]; then \
	    export RASA_AUTH_TOKEN=$$(python -c 'import secrets; print(secrets.token_urlsafe(24))'); \
	    echo "RASA_AUTH_TOKEN was not set; this run's HTTP API token is: $$RASA_AUTH_TOKEN"; \
	  fi && exec honcho start -f Procfile

run-cluster: model
	@scripts/run_cluster.sh

test: model
	@scripts/test.sh

test-fast: model
	@source scripts/env.sh && TEST_TIER=fast python -m pytest -q -m "$(SLOW_TIERS)"

lint: install
	@source scripts/env.sh && ruff check . && ruff format --check . && mypy

docs: model
	@scripts/docs.sh

lock: install  ## refresh requirements.lock from the current .venv (after adding to requirements.in)
	@.venv/bin/python -m pip freeze --all --exclude pip > requirements.lock

clean:
	rm -rf models/*.tar.gz models/.fingerprint results var/*.db
