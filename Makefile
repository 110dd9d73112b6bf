# ListJobs conformance harness. `make conformance` runs the suite against the embedded
# emulator (or $ENDPOINT); `make test` runs every test. See README.md.

GO        ?= go
OUT       ?= out
ENDPOINT  ?=
TAGS      ?=
FORMAT    ?= pretty
FUZZTIME  ?= 60s
RUNS      ?= 20
MUTATION_FLAGS ?=

CONFORMANCE_FLAGS = --out $(OUT) --format $(FORMAT)
ifneq ($(strip $(ENDPOINT)),)
CONFORMANCE_FLAGS += --endpoint $(ENDPOINT)
endif
ifneq ($(strip $(TAGS)),)
CONFORMANCE_FLAGS += --tags '$(TAGS)'
endif

.PHONY: conformance test vet fmt-check unit emulator bench fuzz build mutation stability

## conformance: run the suite (embedded emulator unless ENDPOINT is set)
conformance:
	$(GO) run ./cmd/conformance $(CONFORMANCE_FLAGS)

## test: formatting, vet, every Go test under the race detector, the suite itself, then
## the mutation run (the suite against the reference and every mutant)
test: fmt-check vet unit conformance mutation

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

## mutation: the suite against the reference emulator and every mutant of the catalogue;
## a table on stdout, $(OUT)/mutation.json and $(OUT)/mutation.md; fails when a mutant
## survives (or an equivalent one is killed) or the reference fails.
## MUTATION_FLAGS='--only a,b --parallel 8' narrows or paces it.
mutation:
	$(GO) run ./cmd/mutation --out $(OUT) $(MUTATION_FLAGS)

## stability: the reference must pass RUNS (20) consecutive full runs of the suite,
## rate-limit scenarios included, against the embedded emulator.
stability:
	@mkdir -p $(OUT)/stability && $(GO) build -o $(OUT)/stability/conformance ./cmd/conformance && \
	start=$$(date +%s); \
	for i in $$(seq 1 $(RUNS)); do \
		if ! $(OUT)/stability/conformance --format progress --out $(OUT)/stability > $(OUT)/stability/run.log 2>&1; then \
			echo "stability: run $$i of $(RUNS) FAILED ($$((i-1)) passed before it); its output:"; \
			grep -A40 -- '--- Failed steps' $(OUT)/stability/run.log | head -60; tail -6 $(OUT)/stability/run.log; exit 1; \
		fi; \
		echo "stability: run $$i/$(RUNS) passed ($$(grep -o '[0-9]* scenarios ([0-9]* passed)' $(OUT)/stability/run.log))"; \
	done; \
	echo "stability: $(RUNS)/$(RUNS) consecutive full runs passed in $$(( $$(date +%s) - start ))s on $$(nproc) CPUs"
