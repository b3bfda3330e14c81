# digitize: set-up and everyday commands. `make demo` and `make test` work on a fresh machine with
# Python >= 3.11 and apt-get; nothing is downloaded at run time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: CJK fonts for rendering test pages (Noto; and for the randomized bed, samples/random_pages.py,
# every Chinese style: AR PL UMing/UKai, WenQuanYi Zen/Micro Hei, cwTeX Ming/Kai/FangSong/HeiBold, LXGW WenKai;
# URW base35 and Liberation for English pages); Chromium for the HTML report's browser test (driven by
# playwright-python, never a downloaded browser); Tesseract makes real ALTO fixtures and is a benchmark peer;
# libgl1 and libglib2.0-0 for the OpenCV build that the paddle extra brings (paddlex requires a GUI build);
# poppler-utils: pdftotext checks the text layer of our searchable PDFs.
APT_PACKAGES := fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-wqy-microhei \
	fonts-cwtex-ming fonts-cwtex-kai fonts-cwtex-fs fonts-cwtex-heib fonts-lxgw-wenkai fonts-urw-base35 fonts-liberation \
	chromium tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim libgl1 libglib2.0-0 poppler-utils

.PHONY: demo test lint bench bench-layout random-page extras-check apt-deps samples clean

# Installs Debian packages that are missing (skipped when present; sudo when not root).
apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The base install: what `digitize run` needs.
$(VENV)/.base: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# Tests add the paddle engine and the other extras, exactly as a user installs them: the paddle extra pins the
# headless OpenCV to the release paddlex's opencv-contrib-python has, so the cv2 both write is one OpenCV
# (bench/packaging.md; bench/extras_check.sh checks every extra in a fresh venv).
$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,lint,paddle,batch,agreement,browser]'
	touch $@ $(VENV)/.base

demo: $(VENV)/.base
	$(BIN)/digitize run samples/jinzhong-front-clean.png samples/jinzhong-front-scan.jpg -o out/demo --format txt,alto,json
	@echo "outputs are in $(CURDIR)/out/demo"

# The fences: lint and format rules, types, and the import layers (all configured in pyproject.toml).
lint: $(VENV)/.test
	$(BIN)/ruff check digitize tests bench samples
	$(BIN)/ruff format --check digitize tests bench samples
	$(BIN)/mypy digitize
	$(BIN)/lint-imports

test: apt-deps $(VENV)/.test lint
	$(BIN)/python -m pytest -q --durations=15

$(VENV)/.bench: pyproject.toml $(VENV)/.test
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

# Benchmark, not a test: digitize vs PaddleOCR, rapidocr and Tesseract on the sample pages; writes
# bench/results.md (about 25-30 min on an idle 2-core machine, mostly Tesseract).
bench: apt-deps $(VENV)/.bench
	$(BIN)/python bench/run.py --runs 3 --scaling --profile

# Packaging check, not a test (needs PyPI): the wheel plus each extra in a fresh venv runs the demo page and
# `validate`; about 15 min. Results in /tmp/digitize-extras/results.tsv (bench/packaging.md has a run).
extras-check:
	bench/extras_check.sh

# Benchmark, not a test: layout and text on N fresh randomized pages and ISSUES issues (issue 14), per-factor
# breakdown, written to bench/layout-random.md. N=300 full-size pages take hours on a 2-core machine; N, SEED,
# SIZE (full, medium, ci) and SET (pipeline settings, e.g. SET=lines.enabled=true for the text-first path) can be set.
N ?= 300
ISSUES ?= 20
SIZE ?= full
bench-layout: apt-deps $(VENV)/.test
	$(BIN)/python bench/layout_random.py --n $(N) $(if $(SEED),--seed $(SEED),) --size $(SIZE) --issues $(ISSUES) \
		$(foreach s,$(SET),--set $(s))

# One randomized page (or issue, ISSUE=1) for a seed: make random-page SEED=123 OUT=out/rnd
OUT ?= out/rnd
random-page: apt-deps $(VENV)/.base
	$(BIN)/python samples/random_pages.py --seed $(SEED) --out $(OUT) $(if $(ISSUE),--issue,)

# Re-render the committed sample pages (needs the fonts; deterministic).
samples: apt-deps $(VENV)/.base
	$(BIN)/python samples/render.py --out samples/
	$(BIN)/python samples/families.py
	$(BIN)/python samples/issue_english.py
	$(BIN)/python samples/textlayer.py

clean:
	rm -rf out .pytest_cache
