# Set-up and everyday commands. Every target installs what it needs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data/sample
SITE ?= site
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test serve sample clean bench

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

site: $(STAMP)
	$(BIN)/portal build $(DATA) --out $(SITE)
	@echo "站点已生成：$(SITE)/index.html —— 用 'make serve' 在 http://127.0.0.1:8000/ 预览"

test: $(TEST_STAMP)
	bash tools/install-system-deps.sh
	$(BIN)/python -m pytest

serve: site
	$(BIN)/python -m http.server --directory $(SITE) --bind 127.0.0.1 8000

# Timings of 1×, 2× and 5× the sample (add one: BENCH_SCALE=10); medians of BENCH_RUNS runs.
BENCH_SCALES ?= 1 2 5 $(BENCH_SCALE)
BENCH_RUNS ?= 3
bench: $(STAMP)
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES) --runs $(BENCH_RUNS)

sample: $(STAMP)
	$(BIN)/python tools/make_sample.py --out data/sample

clean:
	rm -rf $(SITE) content qr/*.svg qr/*.png .pytest_cache
