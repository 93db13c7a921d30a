# Newsreel: `make run` starts the portal with demo content, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: run test lint bench install system clean-var

$(BIN)/newsreel: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(BIN)/newsreel

# Debian packages the tests use as independent witnesses (ffmpeg, exiftool, nginx, chromium, espeak-ng); the portal needs none.
system:
	@tools/bootstrap-system ffmpeg ffprobe exiftool nginx chromium espeak-ng

run: install
	$(BIN)/newsreel migrate --noinput
	$(BIN)/newsreel demo
	$(BIN)/newsreel serve --host $(HOST) --port $(PORT)

# A real S3-compatible server for the object-store tests (s3rver, from the npm registry; tests/objectstore.py).
S3_TEST_SERVER := tools/s3-test-server/node_modules/.bin/s3rver
$(S3_TEST_SERVER): tools/s3-test-server/package.json tools/s3-test-server/package-lock.json
	@tools/bootstrap-system npm
	cd tools/s3-test-server && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: install system $(S3_TEST_SERVER)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check newsreel tests bench
	$(BIN)/mypy newsreel

# Each benchmark prints its figures and ratios against named baselines; pick some with BENCH="clip_bench ...".
BENCH ?= clip_bench transcode_bench download_bench search_bench newsletter_throughput pages_bench
bench: install
	@tools/bootstrap-system ffmpeg ffprobe wrk
	@for b in $(BENCH); do echo "=== $$b"; $(BIN)/python -m bench.$$b || exit 1; done

clean-var:
	rm -rf var
