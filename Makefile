# ListJobs conformance harness. `make conformance` runs the suite against the embedded
# emulator (or $ENDPOINT); `make test` runs every test. See README.md.

GO        ?= go
OUT       ?= out
ENDPOINT  ?=
TAGS      ?=
DRIVER    ?=
FORMAT    ?= pretty
FUZZTIME  ?= 60s
RUNS      ?= 20
MUTATION_FLAGS ?=
SDK_MUTATION_FLAGS ?=
# The commit every binary the Makefile builds or runs is stamped with (conformance
# --version, manifest.json), also where Go writes no VCS information (go run, go test,
# GOFLAGS=-buildvcs=false).
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -modified)
LDFLAGS    = -X github.com/ciam-harness/listjobs/report.stampedCommit=$(COMMIT)

CONFORMANCE_FLAGS = --out $(OUT) --format $(FORMAT)
ifneq ($(strip $(ENDPOINT)),)
CONFORMANCE_FLAGS += --endpoint $(ENDPOINT)
endif
ifneq ($(strip $(TAGS)),)
CONFORMANCE_FLAGS += --tags '$(TAGS)'
endif
ifneq ($(strip $(DRIVER)),)
# From the environment make passes on (DRIVER is set there or on make's command line), so
# that an exec driver's command keeps its quotes: DRIVER="exec:sh -c 'my adapter'".
CONFORMANCE_FLAGS += --driver "$$DRIVER"
endif

# make mutation runs through the same driver as make conformance: DRIVER=node make mutation.
MUTATION_DRIVER =
ifneq ($(strip $(DRIVER)),)
MUTATION_DRIVER = --driver "$$DRIVER"
endif

# A client's own confirmed defects (SDK-FINDINGS.md) are its known failures: through an
# adapter of drivers/, its ledger applies unless KNOWN_FAILURES names another (or none:
# KNOWN_FAILURES=), so that the client's release pipeline gates on regressions.
KNOWN_FAILURES ?= $(if $(findstring :,$(DRIVER)),,$(wildcard drivers/$(strip $(DRIVER))/known-failures.json))
ifneq ($(strip $(KNOWN_FAILURES)),)
CONFORMANCE_FLAGS += --known-failures $(KNOWN_FAILURES)
MUTATION_DRIVER += --known-failures $(KNOWN_FAILURES)
endif

.PHONY: conformance test vet fmt-check staticcheck actionlint mutation-mechanical unit emulator bench scale fuzz build mutation stability sdk-mutation drivers adapters drift clients explore mutation-explore

## conformance: run the suite (embedded emulator unless ENDPOINT is set); DRIVER=sdk sends
## every request through the official Go SDK instead of the harness's own signed HTTP,
## DRIVER=node, python, java or tccli through that client's adapter (make drivers
## first), and DRIVER="exec:CMD ARGS" through any adapter of DRIVERS.md
conformance:
	@echo "conformance: building the harness (a first build can take tens of seconds), then running the suite"
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/conformance $(CONFORMANCE_FLAGS)

## explore: the model-based explorer (conformance explore, package explore) against the embedded emulator,
## or ENDPOINT (with DRIVER, as conformance): sequences of requests drawn from everything the contract
## lets a caller vary, judged by an oracle computed from the fixture; each failure shrunk and printed
## as a scenario of the suite's sentences ($(OUT)/explore/failure-N.feature), with its seed.
## SEED (0: random, printed) repeats a run; BUDGET requests and DURATION bound it: a vendor runs
## it long with DURATION=1h BUDGET=0. EXPLORE_FLAGS adds flags (--max-failures 1, --no-probes).
SEED      ?= 0
BUDGET    ?= 2000
DURATION  ?= 2m
EXPLORE_FLAGS ?=
explore:
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/conformance explore --seed $(SEED) --budget $(BUDGET) --duration $(DURATION) $(EXPLORE_FLAGS) $(CONFORMANCE_FLAGS)

## mutation-explore: make mutation with the explorer alone as the judge (cmd/mutation --engine explore):
## the reference, every mutant and every equivalent mutant explored with one seed (SEED, 0: random)
## and a budget each (MUTATION_BUDGET requests, MUTATION_DURATION); the kill table in
## $(OUT)/mutation-explore/. Not part of make test (minutes); MUTATION.md has its table.
MUTATION_BUDGET   ?= 3000
MUTATION_DURATION ?= 90s
mutation-explore:
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/mutation --engine explore --seed $(SEED) --budget $(MUTATION_BUDGET) --duration $(MUTATION_DURATION) --out $(OUT)/mutation-explore $(MUTATION_FLAGS)

## test: formatting, vet, staticcheck, actionlint, every Go test under the race detector, the adapters' own
## tests, the suite itself, then the mutation run (the suite against the reference and every mutant)
test: fmt-check vet staticcheck actionlint unit adapters conformance mutation

## drivers: install every SDK adapter of drivers/ (drivers/NAME/install: each client pinned, with hashes where
## its package manager takes them; idempotent, one line each). --driver NAME and DRIVER=NAME make conformance
## then send every request through that client. Needs the client's toolchain: node and npm, python3, java and mvn.
drivers:
	@set -e; for install in drivers/*/install; do $$install; done

## adapters: each installed adapter's own unit tests (drivers/NAME/test). An adapter not installed is skipped
## with a line saying so, and fails where CI is set (.ci/run installs them all with make drivers).
adapters:
	@mkdir -p $(OUT); set -e; for run in drivers/*/run; do \
		dir=$${run%/run}; name=$${dir#drivers/}; \
		if ! $$run --check 2>/dev/null; then \
			if [ -n "$$CI" ]; then echo "adapters: $$name is not installed (make drivers), and CI is set" >&2; $$run --check; exit 1; fi; \
			echo "adapters: $$name is not installed (make drivers): its tests are skipped"; continue; \
		fi; \
		if [ -x $$dir/test ]; then echo "adapters: $$name"; $$dir/test >$(OUT)/adapter-$$name-test.log 2>&1 || { tail -30 $(OUT)/adapter-$$name-test.log; exit 1; }; fi; \
	done

## drift: each installed client's model of ListJobs (Node.js .d.ts, Python models.py, Java Job.java, tccli
## api.json: make drivers installs them) beside schemas/ and CONTRACT.md, field by field (type, required,
## nullable); $(OUT)/drift.md too. Fails on a disagreement drift/explained.tsv does not explain, on a stale
## explanation, and, where CI is set, on a client of drivers/ not installed. DRIFT_FLAGS='--java PATH' names the
## Java SDK's sources (a sources jar or a folder). Its test runs in make unit (package drift).
DRIFT_FLAGS ?=
drift:
	$(GO) run ./cmd/drift --out $(OUT) $(DRIFT_FLAGS)

fmt-check:
	@files=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$files" ]; then echo "gofmt would change: $$files"; exit 1; fi

vet:
	$(GO) vet ./...

## staticcheck: the staticcheck linter over every package (test files included)
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck:
	$(GO) run $(STATICCHECK) ./...

## actionlint: check the GitHub Actions workflows (.github/workflows) with actionlint
ACTIONLINT ?= github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
actionlint:
	$(GO) run $(ACTIONLINT) .github/workflows/*.yml

# -p 1: one package at a time. Several packages run whole suites whose rate-limit
# scenarios fire one-second bursts; run side by side under -race on 2 cores they
# would compete for the CPU and have to re-fire their bursts.
unit:
	$(GO) test -race -count=1 -p 1 ./...

## emulator: serve the reference emulator on 127.0.0.1:9000 until interrupted
emulator:
	$(GO) run ./cmd/ciam-emulator --addr 127.0.0.1:9000

## bench: the benchmarks recorded in BENCHMARKS.md (about 3 minutes on 2 cores): signing,
## schemas, the steps' checks of 1 to 100,000 jobs, the emulator (alone, large JobSets,
## and against a bare net/http handler), a full run of the suite and of the @scale
## scenarios; then the @scale run's peak memory (GNU time). BENCHFLAGS adds go test flags.
BENCHFLAGS ?=
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(BENCHFLAGS) ./signing/ ./schemas/ ./steps/ ./emulator/
	$(GO) test -run '^$$' -bench 'FixtureRead' -benchmem $(BENCHFLAGS) ./runner/
	$(GO) test -run '^$$' -bench 'Suite|ScaleRun' -benchtime 1x $(BENCHFLAGS) ./runner/
	@mkdir -p $(OUT)/bench && $(GO) build -ldflags '$(LDFLAGS)' -o $(OUT)/bench/conformance ./cmd/conformance && \
	if /usr/bin/time -v true >/dev/null 2>&1; then \
		/usr/bin/time -v $(OUT)/bench/conformance --tags @scale --format progress --out $(OUT)/bench \
			>$(OUT)/bench/scale.log 2>$(OUT)/bench/scale.time || { tail -20 $(OUT)/bench/scale.log; exit 1; }; \
		echo "scale run (@scale, embedded emulator): $$(grep 'scenarios:' $(OUT)/bench/scale.log | tail -1)"; \
		grep -E 'Elapsed|Maximum resident' $(OUT)/bench/scale.time; \
	else echo "bench: no GNU time (/usr/bin/time -v): the @scale run's peak memory is not measured"; fi

## scale: the @scale scenarios (a user store of 100,000 jobs) against the embedded
## emulator, or ENDPOINT with a --fixture that has a "scale" user store
scale:
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/conformance $(CONFORMANCE_FLAGS) --tags @scale

## fuzz: every fuzz target of every package, one after the other, each for FUZZTIME
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list 'Fuzz.*' $$pkg | grep '^Fuzz'); do \
			echo "fuzz: $$pkg $$target for $(FUZZTIME)"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## mutation-mechanical: gremlins' mechanical mutants of the reference emulator, each
## judged by the conformance suite alone (emulator/mechanical_test.go, build tag
## mechanical), then the report read against the ledger of explained survivors
## (mutation/mechanical.tsv, cmd/mechanical): fails when a survivor is neither killed
## nor explained. Not part of make test: it takes 8 to 15 minutes on 2 cores.
## The results: $(OUT)/gremlins.json and $(OUT)/mechanical.md; MUTATION.md has them.
GREMLINS ?= github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
mutation-mechanical:
	mkdir -p $(OUT)
	$(GO) run $(GREMLINS) unleash --tags mechanical --workers 3 --timeout-coefficient 10 --output $(OUT)/gremlins.json ./emulator
	$(GO) run ./cmd/mechanical --report $(OUT)/gremlins.json --src emulator

## build: bin/conformance, bin/ciam-emulator and bin/mutation (BIN=dir for elsewhere), stamped with the commit
BIN       ?= bin
build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...

## mutation: the suite against the reference emulator and every mutant of the catalogue;
## a table on stdout, $(OUT)/mutation.json and $(OUT)/mutation.md; fails when a mutant
## survives (or an equivalent one is killed) or the reference fails.
## MUTATION_FLAGS='--only a,b --parallel 8' narrows or paces it. DRIVER=sdk, DRIVER=python
## or DRIVER="exec:CMD ARGS" (as for conformance; or MUTATION_FLAGS='--driver node') runs
## it through an SDK: a mutant only scenarios that driver skips can catch is reported as
## "not checked through this driver", and is no failure.
mutation:
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/mutation --out $(OUT) $(MUTATION_DRIVER) $(MUTATION_FLAGS)

## mutation-NAME: make mutation through the driver NAME (mutation-python, mutation-java,
## mutation-tccli, mutation-node, mutation-sdk), with its ledger; not part of make test
## (each takes 5 to 20 minutes on 2 cores).
mutation-%:
	DRIVER=$* $(MAKE) mutation

## sdk-mutation: the power of the suite as an SDK release gate: the suite through broken
## copies of the official Go SDK (--driver sdk) and Node.js SDK (--driver node; needs node
## and npm ci in drivers/node), each one deliberate change made at run time (sdkmutants/),
## and through their unpatched copies, against the embedded emulator and a NullEmpty one.
## A table on stdout, $(OUT)/sdk-mutation.json and $(OUT)/sdk-mutation.md; fails unless
## every breaking SDK is killed on a row it names, every equivalent one and both controls
## pass. Not part of make test (minutes: a build of the harness per Go SDK).
## SDK_MUTATION_FLAGS='--only go-unpatched,node-unpatched' narrows it.
sdk-mutation:
	$(GO) run ./cmd/sdk-mutation --out $(OUT) $(SDK_MUTATION_FLAGS)

## stability: the reference must pass RUNS (20) consecutive full runs of the suite,
## rate-limit scenarios included, against the embedded emulator; then RUNS explorations
## (seeds 1..RUNS, STABILITY_BUDGET requests and STABILITY_DURATION each), and RUNS runs of
## the suite and of the explorer against the reference emulator with --null-empty (a
## ciam-emulator on 127.0.0.1:$(STABILITY_PORT)): no false positive.
STABILITY_BUDGET   ?= 1000
STABILITY_DURATION ?= 30s
STABILITY_PORT     ?= 9419
# PRIMARY is the first "primary" key of the default fixture, "SECRETID SECRETKEY": the key of the runs
# against a ciam-emulator started by URL (make stability, make clients). Read when a recipe uses it.
PRIMARY = $(shell awk -F'"' '/\{/ {r=""; i=""; k=""} $$2=="role" {r=$$4} $$2=="secretId" {i=$$4} $$2=="secretKey" {k=$$4} \
	/\}/ {if (r=="primary" && i!="" && k!="") {print i " " k; exit}}' testdata/fixture.json)
stability:
	@mkdir -p $(OUT)/stability && $(GO) build -ldflags '$(LDFLAGS)' -o $(OUT)/stability/ ./cmd/conformance ./cmd/ciam-emulator && \
	start=$$(date +%s); \
	for i in $$(seq 1 $(RUNS)); do \
		if ! $(OUT)/stability/conformance --format progress --out $(OUT)/stability > $(OUT)/stability/run.log 2>&1; then \
			echo "stability: run $$i of $(RUNS) FAILED ($$((i-1)) passed before it); its output:"; \
			grep -A40 -- '--- Failed steps' $(OUT)/stability/run.log | head -60; tail -6 $(OUT)/stability/run.log; exit 1; \
		fi; \
		echo "stability: run $$i/$(RUNS) passed ($$(grep -o '[0-9]* scenarios ([0-9]* passed)' $(OUT)/stability/run.log))"; \
	done; \
	echo "stability: $(RUNS)/$(RUNS) consecutive full runs passed in $$(( $$(date +%s) - start ))s on $$(nproc) CPUs"; \
	for i in $$(seq 1 $(RUNS)); do \
		if ! $(OUT)/stability/conformance explore --seed $$i --budget $(STABILITY_BUDGET) --duration $(STABILITY_DURATION) --out $(OUT)/stability > $(OUT)/stability/explore.log 2>&1; then \
			echo "stability: exploration $$i of $(RUNS) FAILED (seed $$i); its output:"; tail -60 $(OUT)/stability/explore.log; exit 1; \
		fi; \
		echo "stability: exploration $$i/$(RUNS) passed ($$(tail -3 $(OUT)/stability/explore.log | grep -o '[0-9]* programs, [0-9]* requests in [0-9.]*s'))"; \
	done; \
	$(OUT)/stability/ciam-emulator --addr 127.0.0.1:$(STABILITY_PORT) --null-empty > $(OUT)/stability/emulator.log 2>&1 & emu=$$!; \
	trap "kill $$emu" EXIT; sleep 1; \
	key="$(PRIMARY)"; [ -n "$$key" ] || { echo "stability: no primary key in testdata/fixture.json" >&2; exit 2; }; \
	export TENCENTCLOUD_SECRET_ID="$${key% *}" TENCENTCLOUD_SECRET_KEY="$${key#* }"; \
	null="--endpoint http://127.0.0.1:$(STABILITY_PORT) --profile emulator --fixture testdata/fixture.json"; \
	for i in $$(seq 1 $(RUNS)); do \
		if ! $(OUT)/stability/conformance $$null --format progress --out $(OUT)/stability > $(OUT)/stability/run.log 2>&1; then \
			echo "stability: --null-empty run $$i of $(RUNS) FAILED; its output:"; grep -A40 -- '--- Failed steps' $(OUT)/stability/run.log | head -60; tail -6 $(OUT)/stability/run.log; exit 1; \
		fi; \
		if ! $(OUT)/stability/conformance explore $$null --seed $$((1000+i)) --budget $(STABILITY_BUDGET) --duration $(STABILITY_DURATION) --out $(OUT)/stability > $(OUT)/stability/explore.log 2>&1; then \
			echo "stability: --null-empty exploration $$i of $(RUNS) FAILED (seed $$((1000+i))); its output:"; tail -60 $(OUT)/stability/explore.log; exit 1; \
		fi; \
		echo "stability: --null-empty run and exploration $$i/$(RUNS) passed"; \
	done; \
	echo "stability: every run and exploration passed in $$(( $$(date +%s) - start ))s on $$(nproc) CPUs"

## clients: the client matrix. The suite through every client (wire, sdk, and each SDK adapter of drivers/ that is
## installed: drivers/NAME/run --check), each against the embedded emulator and against a ciam-emulator --null-empty
## this target starts on a free port (and always stops), with the client's drivers/NAME/known-failures.json; each
## run's reports in $(OUT)/clients/runs/NAME/ and NAME-null/, its output in NAME.log there. Then conformance matrix
## over them: $(OUT)/clients/index.html and matrix.md. Exits 0 when every run exited 0 or 1 (a client's failures are
## what the matrix shows), 2 when one could not start (the matrix is still written, without it). TAGS narrows the
## runs; SDK_MUTATION=out/sdk-mutation.json adds each client's broken-SDK kill counts. Not part of make test.
SDK_MUTATION ?=
CLIENTS_FIXTURE = testdata/fixture.json
clients:
	@set -u; dir=$(OUT)/clients; bin=$$dir/bin; runs=$$dir/runs; \
	rm -rf "$$runs" && mkdir -p "$$runs" "$$bin" || exit 2; \
	echo "clients: building the harness into $$bin"; \
	$(GO) build -ldflags '$(LDFLAGS)' -o "$$bin/" ./cmd/conformance ./cmd/ciam-emulator || exit 2; \
	for v in $$(env | grep -Eo '^(CIAM|TENCENTCLOUD)_[A-Za-z0-9_]*='); do unset "$${v%=}"; done; \
	key="$(PRIMARY)"; \
	if [ -z "$$key" ]; then echo "clients: no primary key found in $(CLIENTS_FIXTURE) for the --null-empty runs" >&2; exit 2; fi; \
	"$$bin/ciam-emulator" --addr 127.0.0.1:0 --null-empty --fixture $(CLIENTS_FIXTURE) >"$$runs/ciam-emulator.log" 2>&1 & emu=$$!; \
	trap 'kill $$emu 2>/dev/null; wait $$emu 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	url=; for i in $$(seq 1 100); do \
		url=$$(sed -n 's/^ciam-emulator listening on //p' "$$runs/ciam-emulator.log" 2>/dev/null); \
		[ -n "$$url" ] && break; kill -0 $$emu 2>/dev/null || break; sleep 0.1; \
	done; \
	if [ -z "$$url" ]; then echo "clients: ciam-emulator --null-empty did not start:" >&2; cat "$$runs/ciam-emulator.log" >&2; exit 2; fi; \
	echo "clients: ciam-emulator --null-empty at $$url"; \
	clients="wire sdk"; for run in drivers/*/run; do \
		name=$${run%/run}; name=$${name#drivers/}; \
		if $$run --check >/dev/null 2>&1; then clients="$$clients $$name"; \
		else echo "clients: $$name is not installed (make drivers): no column for it"; fi; \
	done; \
	status=0; \
	for name in $$clients; do \
		ledger=; [ -f drivers/$$name/known-failures.json ] && ledger="--known-failures drivers/$$name/known-failures.json"; \
		for out in $$name $$name-null; do \
			set -- --driver $$name $$ledger --format progress --deadline 15m --out "$$runs/$$out"; \
			[ -n "$(TAGS)" ] && set -- "$$@" --tags '$(TAGS)'; \
			[ $$out = $$name ] || set -- "$$@" --endpoint "$$url" --profile emulator --fixture $(CLIENTS_FIXTURE); \
			( if [ $$out != $$name ]; then export TENCENTCLOUD_SECRET_ID="$${key% *}" TENCENTCLOUD_SECRET_KEY="$${key#* }"; fi; \
			  exec "$$bin/conformance" "$$@" ) >"$$runs/$$out.log" 2>&1; \
			code=$$?; echo $$code >"$$runs/$$out.exit"; \
			case $$code in \
				0|1) echo "clients: $$out: exit $$code; $$(grep -E '^(contract rows|scenarios):' "$$runs/$$out.log" | tr '\n' ' ')";; \
				*) status=2; echo "clients: $$out could not start or did not finish (exit $$code): $$(tail -3 "$$runs/$$out.log")" >&2;; \
			esac; \
		done; \
	done; \
	set --; for name in $$clients; do \
		[ "$$(cat "$$runs/$$name.exit")" -le 1 ] && set -- "$$@" "$$runs/$$name=$$name"; \
		[ "$$(cat "$$runs/$$name-null.exit")" -le 1 ] && set -- "$$@" "$$runs/$$name-null=$$name (null-empty)"; \
	done; \
	[ -n "$(SDK_MUTATION)" ] && set -- --sdk-mutation "$(SDK_MUTATION)" "$$@"; \
	"$$bin/conformance" matrix --out "$$dir" "$$@" || exit 2; \
	if [ $$status -ne 0 ]; then echo "clients: a run could not start or did not finish (above): the matrix lacks its column" >&2; fi; \
	exit $$status
