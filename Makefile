# The two commands: `make demo` and `make test`. Both build .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean fonts

# Chinese (and other CJK) household names print in this font; offers/lists/fonts.py
# looks for it. Installed from Debian's packages when missing and we may (root, apt-get).
CJK_FONT := /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,completejourney]'
	touch $(STAMP)

fonts:
	@test -f $(CJK_FONT) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y --no-install-recommends fonts-droid-fallback >/dev/null 2>&1 || \
	    { apt-get update >/dev/null && apt-get install -y --no-install-recommends fonts-droid-fallback >/dev/null; }; \
	  else \
	    echo "note: no CJK font at $(CJK_FONT); install fonts-droid-fallback (Debian) or name a font in [lists] fonts in offers.toml, or Chinese names will not print"; \
	  fi; }

demo: $(STAMP) fonts
	rm -rf out
	$(BIN)/offers --db out/offers.duckdb demo --out out

lint: $(STAMP)
	$(BIN)/ruff check offers tests benchmarks
	$(BIN)/ruff format --check offers tests benchmarks
	$(BIN)/mypy

test: lint fonts
	$(BIN)/pytest --run-slow

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
