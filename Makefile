# Flexboard: `make run` starts a server on http://localhost:8080; `make test`
# runs every check. Both build what is missing first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 10s
GOTESTFLAGS ?=
# make run is for trying Flexboard on this machine: no sign-in, reachable
# from this machine only. A server for a team runs `flexboard serve`, whose
# default is --auth=password (docs/operations.md).
RUN_FLAGS ?= --auth=none --addr=127.0.0.1:8080
CHROMIUM ?= /usr/bin/chromium
export CGO_ENABLED := 1

GO_SOURCES := $(shell find . -name '*.go' -not -path './node_modules/*') go.mod go.sum
DIST_FILES := $(shell find static/dist -type f 2>/dev/null)

# The hash of the front-end sources, computed like static/build.mjs does, and
# the one static/dist was built from: when they differ, dist is stale.
SOURCE_HASH = $(shell cd static && { find src -type f ! -path '*/.*'; echo build.mjs; } | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
BUILT_HASH  = $(shell sed -n 's/.*name="flexboard-source" content="sha256:\([0-9a-f]*\)".*/\1/p' static/dist/index.html 2>/dev/null)

.PHONY: run build frontend frontend-if-stale node_modules test vet gotest fuzz \
        frontend-fresh frontend-test browser-test chromium prometheus clean

## run: build what is missing and start the server on http://127.0.0.1:8080 (./flexboard.db), open mode
run: frontend-if-stale bin/flexboard
	./bin/flexboard serve $(RUN_FLAGS)

## build: the binary, bin/flexboard
build: frontend-if-stale bin/flexboard

bin/flexboard: $(GO_SOURCES) $(DIST_FILES)
	go build -ldflags "$(LDFLAGS)" -o $@ ./cmd/flexboard

# The built front end is committed, so a fresh clone needs no Node to run;
# it is rebuilt only when its sources changed.
frontend-if-stale:
	@if [ "$(SOURCE_HASH)" != "$(BUILT_HASH)" ]; then \
		echo "static/dist is stale: rebuilding the front end"; \
		$(MAKE) --no-print-directory frontend; \
	fi

## frontend: rebuild static/dist from static/src
frontend: node_modules
	npm run build

node_modules: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## test: every check, as CI runs it
test: frontend-fresh vet gotest fuzz frontend-test browser-test
	@echo "make test: all checks passed"

vet:
	go vet ./...

gotest: prometheus | test-results
	go test -race $(GOTESTFLAGS) ./... 2>&1 | tee test-results/go-test.log
	@grep -q '^ok ' test-results/go-test.log || { echo "go test ran no tests"; exit 1; }

# A short fuzzing run of each fuzz target on top of its committed corpus,
# which plain `go test` already replays.
FUZZ_TARGETS := ./boards:FuzzDecodeBoard ./stream:FuzzInflux ./stream:FuzzPrometheus ./stream:FuzzJSON
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzzing $$name in $$pkg for $(FUZZTIME)"; \
		go test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

# Rebuild the front end and fail if the committed static/dist differs.
frontend-fresh: node_modules | test-results
	npm run build
	@if ! git diff --quiet --exit-code -- static/dist || [ -n "$$(git ls-files --others --exclude-standard static/dist)" ]; then \
		git status --short static/dist; \
		echo "static/dist is not what static/src builds to: run 'npm run build' and commit static/dist"; \
		exit 1; \
	fi

frontend-test: node_modules
	npm run typecheck
	npm test

browser-test: chromium bin/flexboard | test-results
	FLEXBOARD_BIN=bin/flexboard CHROMIUM=$(CHROMIUM) npm run test:browser

# Debian's Chromium (the browser tests cannot download one). Installed when
# missing and running as root; otherwise a clear failure.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
		else \
			echo "Chromium is missing at $(CHROMIUM): install it (sudo apt-get install -y chromium) or set CHROMIUM=/path"; \
			exit 1; \
		fi; \
	fi
	@"$(CHROMIUM)" --version

# Debian's Prometheus and node_exporter, for the sources' tests against the
# real thing (they start their own processes on 127.0.0.1).
prometheus:
	@if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/prometheus-node-exporter ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian's prometheus and prometheus-node-exporter for the sources' tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-node-exporter >/dev/null; \
		else \
			echo "prometheus and prometheus-node-exporter are missing: sudo apt-get install -y prometheus prometheus-node-exporter"; \
			exit 1; \
		fi; \
	fi

test-results:
	mkdir -p $@

clean:
	rm -rf bin test-results node_modules/.cache
