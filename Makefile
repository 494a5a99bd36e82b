# The two commands a newcomer needs are `make run` and `make test`; the rest are for daily work.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python

.PHONY: help run test env lint bench bench-load bench-soak bot-train bot-test safeguarding-model lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run:  ## start the whole contact centre on this machine (Ctrl-C stops it)
	@bash scripts/make_run.sh

test:  ## install what the tests need and run every test
	@bash scripts/test.sh

env:  ## create the app's environment (.venv)
	@bash scripts/app_env.sh >/dev/null

lint: env  ## check style (ruff), imports (import-linter), security (bandit), dependencies (pip-audit)
	@bash scripts/lint.sh

bench: env  ## run the benchmarks and print their figures
	@bash scripts/bench.sh

bench-load: env  ## open-loop load at 1x, 5x, 10x national peak: table, var/bench/load.json, docs/load.png
	@BENCH=bench/bench_load.py bash scripts/bench.sh

bench-soak: env  ## 30 minutes at 2x national peak: errors, memory growth, every timeline complete
	@BENCH=bench/soak.py bash scripts/bench.sh

bot-train:  ## train the assistant's model (cached by a hash of its data and config)
	@bash scripts/bot_train.sh

bot-test:  ## validate and test the assistant
	@RASA_VENV=$$(bash scripts/rasa_env.sh) RASA_MODEL=$$(bash scripts/bot_train.sh) bash scripts/bot_test.sh

safeguarding-model:  ## retrain the safeguarding screen's weights from its corpus (cached by its hash)
	@bash scripts/safeguarding_model.sh

lock:  ## re-resolve requirements.lock from pyproject.toml's ranges
	@bash scripts/lock.sh

clean:  ## remove local state (var/: the SQLite database, embedded Redis, logs)
	@rm -rf var
