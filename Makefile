# The two commands of the README: `make run` (see it work) and `make test` (the whole suite).
#   make run ARGS="--duration 60"     arguments for `seizurewatch up`
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# what running needs ([local]: the embedded broker) and what testing needs ([dev]); each
# is reinstalled only when the project metadata changed
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
ARGS ?=

.PHONY: run test check-deploy schemas bench install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[local]'
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[bench]'
	touch $(BENCH_STAMP) $(DEV_STAMP) $(RUN_STAMP)

install: $(DEV_STAMP)

run: $(RUN_STAMP)
	$(BIN)/seizurewatch up $(ARGS)

test: $(DEV_STAMP)
	$(BIN)/pytest -q

# the deployment files checked with the real tools (docker-compose, promtool, amtool)
check-deploy:
	GRAFANA_ADMIN_PASSWORD=check docker-compose -f docker-compose.yml config -q
	promtool check config deploy/prometheus/prometheus.yml
	promtool check rules deploy/prometheus/rules/*.yml
	cd deploy/prometheus/tests && promtool test rules *.yml
	amtool check-config deploy/alertmanager/alertmanager.yml
	deploy/alertmanager/test-routes

schemas: $(DEV_STAMP)
	$(BIN)/seizurewatch schemas

# every figure of issue 12 in one run on one embedded broker (~15 min on 2 cores), written into
# BENCHMARKS.md between its bench markers; run it on an idle machine (the load is recorded)
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench.py --write BENCHMARKS.md
