# ListJobs conformance harness. `make conformance` runs the suite against the embedded
# emulator (or $ENDPOINT); `make test` runs every test. See README.md.

GO        ?= go
OUT       ?= out
ENDPOINT  ?=
TAGS      ?=
FORMAT    ?= pretty
FUZZTIME  ?= 60s

CONFORMANCE_FLAGS = --out $(OUT) --format $(FORMAT)
ifneq ($(strip $(ENDPOINT)),)
CONFORMANCE_FLAGS += --endpoint $(ENDPOINT)
endif
ifneq ($(strip $(TAGS)),)
CONFORMANCE_FLAGS += --tags '$(TAGS)'
endif

.PHONY: conformance test vet fmt-check unit emulator bench fuzz build

## conformance: run the suite (embedded emulator unless ENDPOINT is set)
conformance:
	$(GO) run ./cmd/conformance $(CONFORMANCE_FLAGS)

## test: formatting, vet, every Go test under the race detector, then the suite itself
test: fmt-check vet unit conformance

fmt-check:
	@files=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$files" ]; then echo "gofmt would change: $$files"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

## emulator: serve the reference emulator on 127.0.0.1:9000 until interrupted
emulator:
	$(GO) run ./cmd/ciam-emulator --addr 127.0.0.1:9000

## bench: the benchmarks recorded in BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./signing/ ./emulator/

## fuzz: the emulator's request-path fuzzer for FUZZTIME
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzServeHTTP -fuzztime $(FUZZTIME) ./emulator/

build:
	$(GO) build -o bin/ ./cmd/...
