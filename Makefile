# Two commands do all set-up: `make demo` and `make test`. Both create .venv when missing.
# `make check` is the fast loop while working: lint and every test not marked slow.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# The service on the embedded default (SQLite ./mutualaid.db, solves on an in-process Dask cluster): the
# sample week is loaded into area `jingbalu` when the database is empty; an admin token (also
# written to .demo-token, replacing the last start's) and a curl example are printed, and the
# pages' address with a coordinator's and a volunteer's sign-in token (kept in
# .demo-page-tokens.json); then it serves in the foreground (Ctrl-C).
demo: $(STAMP)
	$(BIN)/mutualaid serve --load scenarios/01-jingbalu-life-centre.yaml --area jingbalu --admin-token \
		--page-tokens .demo-page-tokens.json

lint: $(STAMP)
	$(BIN)/ruff check mutualaid solver api worldgen tests bench
	$(BIN)/ruff format --check mutualaid solver api worldgen tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Lint and every test not marked slow (browser walks, long solves, Dask, big property runs, the
# stateful machine): some 3-5 minutes on two quiet cores (README, "The suite"). `make test` stays the whole suite.
check: lint
	$(BIN)/pytest -n 2 -m "not slow"

# The browser tests (-m browser) drive Debian's Chromium; CI (root) installs it when missing.
# Three workers on two cores: the suite waits (databases, servers, browsers, polled states) about
# 40% of its wall at two (821 s of CPU in 703 s); at three a fresh clone took 8 min 31 s, not 11 min 43 s.
test: lint
	(test -x /usr/bin/chromium && dpkg -s fonts-noto-cjk >/dev/null 2>&1) || \
		(apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)
	$(BIN)/pytest -n 3

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-plan.json test-artifacts
