# Set-up and everyday commands. Every target installs what it needs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data/sample
SITE ?= site
SIGNS ?= signs
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# axe-core for the accessibility tests, pinned by tests/js/package-lock.json.
TEST_JS := tests/js/node_modules/.package-lock.json

.PHONY: site test serve serve-nginx nginx-conf sample signs bench bench-search clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

$(TEST_JS): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --silent

site: $(STAMP)
	$(BIN)/portal build $(DATA) --out $(SITE)
	@echo "站点已生成：$(SITE)/index.html —— 用 'make serve' 在 http://127.0.0.1:8000/ 预览"

test: $(TEST_STAMP)
	bash tools/install-system-deps.sh
	$(MAKE) --no-print-directory $(TEST_JS)
	$(BIN)/python -m pytest

signs: $(STAMP)
	$(BIN)/portal signs $(DATA) --out $(SIGNS)

serve: site
	$(BIN)/python -m http.server --directory $(SITE) --bind 127.0.0.1 8000

# The site behind Debian's nginx with the deployed configuration, on a free loopback port (printed).
serve-nginx: site
	bash tools/install-system-deps.sh
	$(BIN)/python -m generator.publish.nginx serve $(SITE)

# The committed server block for the real host; regenerate after changing the CSP in mkdocs.yml.
nginx-conf: $(STAMP)
	$(BIN)/python -m generator.publish.nginx config --root /srv/jd/site --listen 80 --server-name jd.example.org > deploy/nginx/jd.example.org.conf

# Timings of 1×, 2× and 5× the sample (add one: BENCH_SCALE=10); medians of BENCH_RUNS runs.
BENCH_SCALES ?= 1 2 5 $(BENCH_SCALE)
BENCH_RUNS ?= 3
bench: $(STAMP)
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES) --runs $(BENCH_RUNS)

# Bytes the first and later searches move through the shipped nginx, in Chromium (budgets: 60 KB, 30 KB).
bench-search: $(TEST_STAMP)
	bash tools/install-system-deps.sh
	$(BIN)/python bench/search_bytes.py --scale $(or $(BENCH_SCALE),1)

sample: $(STAMP)
	$(BIN)/python tools/make_sample.py --out data/sample

clean:
	rm -rf $(SITE) $(SIGNS) content qr/*.svg qr/*.png .pytest_cache
