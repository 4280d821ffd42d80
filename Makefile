# Two commands: `make run` starts the assistant, `make test` runs every test.
# Both set everything up first (virtual environment, packages, trained model).
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help install model run run-cluster test lock clean

help:
	@echo "make run   - set up, train if needed, start Rasa (5005) and the action server (5055)"
	@echo "make test  - set up, train if needed, run the whole test suite"
	@echo "make run-cluster - the same scaled out: nginx (5005/5055) in front of two Rasa replicas"
	@echo "                   and two action servers, PostgreSQL tracker store, Redis lock store"

install:
	@scripts/bootstrap.sh

model: install
	@scripts/train_if_needed.sh

run: model
	@source scripts/env.sh && python -m tables && exec honcho start -f Procfile

run-cluster: model
	@scripts/run_cluster.sh

test: model
	@scripts/test.sh

lock: install  ## refresh requirements.lock from the current .venv (after adding to requirements.in)
	@.venv/bin/python -m pip freeze --all --exclude pip > requirements.lock

clean:
	rm -rf models/*.tar.gz models/.fingerprint results var/*.db
