package runner

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// Exit codes of a run.
const (
	ExitPassed = 0 // every selected scenario passed, was skipped, or is a known failure
	ExitFailed = 1 // a scenario failed, or had an undefined or pending step; the ledger or the deadline failed the run
	ExitUsage  = 2 // the run could not start: configuration, endpoint, no scenario selected
)

// probeTimeout bounds the reachability probe made before the run.
const probeTimeout = 5 * time.Second

// Result is the outcome of Run.
type Result struct {
	ExitCode int
	// Err says why the run did not start (ExitCode 2), or is nil.
	Err error
	// Endpoint is the URL the suite ran against (the embedded emulator's when started).
	Endpoint string
	// Seed is the seed of the scenario order, 0 when not shuffled.
	Seed int64
	// Scenarios holds one result per selected scenario, in feature-file order.
	Scenarios []result.Scenario
	// Interrupted is true when ctx was cancelled during the run.
	Interrupted bool
	// DeadlineExceeded is true when the run reached Config.Deadline.
	DeadlineExceeded bool
	// Problems are reasons besides failed scenarios that failed the run, one line each:
	// known-failure ledger entries that passed or are gone, the deadline reached.
	Problems []string
	// Shard is the part of the suite that ran, "K/N", or "" for the whole suite.
	Shard string
	// Driver sent the requests: "wire", "sdk", "node" or "exec:CMD". SDK names the SDK
	// module and version under test (steps.SDKModuleVersion) when the driver is sdk,
	// the adapter, its SDK and version (its hello) for an exec driver, else "".
	Driver, SDK string
	// Reports lists the report files written.
	Reports  []string
	Duration time.Duration
}

// Failed returns the scenarios that failed the run.
func (r Result) Failed() []result.Scenario {
	var out []result.Scenario
	for _, s := range r.Scenarios {
		if s.Status.Failing() {
			out = append(out, s)
		}
	}
	return out
}

// FailedRows maps every contract row that a failing scenario is blamed for to those
// scenarios' names (exact attribution: the rows of the checks that failed).
func (r Result) FailedRows() map[string][]string {
	out := map[string][]string{}
	for _, s := range r.Failed() {
		for _, row := range s.Failures() {
			out[row] = append(out[row], s.Name)
		}
	}
	return out
}

// usageError is a problem found before anything ran: exit 2.
func usageError(format string, args ...any) error { return fmt.Errorf(format, args...) }

// Run runs the suite as cfg says, writes godog's output and the summary to stdout and
// problems to stderr (secrets removed from both and from the report files), and
// returns the exit code with one result per scenario.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) Result {
	start := time.Now()
	s, err := newSetup(cfg)
	secrets := []string{cfg.SecretKey, cfg.Token}
	if s != nil {
		secrets = s.secrets
	}
	red := newRedactor(secrets...)
	out, errOut := newLineWriter(stdout, red), newLineWriter(stderr, red)
	defer out.Flush()
	defer errOut.Flush()
	if err != nil {
		fmt.Fprintf(errOut, "conformance: %v\n", err)
		return Result{ExitCode: ExitUsage, Err: err, Duration: time.Since(start)}
	}
	if s.list {
		s.listScenarios(out)
		return Result{}
	}
	parent := ctx
	if s.deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.deadline)
		defer cancel()
	}
	defer boundScaleMemory(s.selected)()
	for _, note := range s.notes {
		fmt.Fprintln(errOut, note)
	}
	res := s.run(ctx, red, out, errOut)
	if res.Interrupted && parent.Err() == nil {
		// The run's own deadline, not the caller, stopped it.
		res.Interrupted, res.DeadlineExceeded = false, true
		res.Problems = append(res.Problems, fmt.Sprintf("the run reached its --deadline of %s: scenarios still running then failed", s.deadline))
	}
	res.Duration = time.Since(start)
	if res.Err != nil {
		fmt.Fprintf(errOut, "conformance: %v\n", res.Err)
		return res
	}
	s.writeReports(&res, start, red, errOut)
	printSummary(out, res)
	return res
}

func (s *setup) run(ctx context.Context, red *redactor, stdout, stderr io.Writer) Result {
	seed := s.seed
	if seed == -1 {
		seed = randomSeed()
	}
	if len(s.selected) == 0 {
		// A shard that holds none of the selected scenarios: nothing to run, and
		// nothing wrong (a CI matrix with more shards than a tag filter selects).
		return Result{Endpoint: cmp.Or(s.endpoint, "(embedded emulator, not started)"), Seed: seed, Shard: s.shard.String()}
	}
	endpoint, stop, err := s.startEndpoint(seed, stderr)
	if err != nil {
		return Result{ExitCode: ExitUsage, Err: err}
	}
	defer stop()
	res := Result{Endpoint: endpoint, Seed: seed, Driver: s.driver.String()}
	if !s.shard.whole() {
		res.Shard = s.shard.String()
	}
	// Against any endpoint but the embedded emulator, only ListJobs goes out: the
	// scenarios that send another action on purpose are skipped, and the client
	// refuses any other action should a scenario try.
	client := newClient(s.timeout, s.maxResponse, s.tls, s.listJobsOnly)
	// Before the embedded emulator stops (deferred above, so later): a connection the
	// transport dialled but never used looks new to the server, whose graceful shutdown
	// would wait seconds for its first request.
	defer client.CloseIdleConnections()
	clock := &wire.Clock{}
	// One driver for the run; an adapter that does not start and say hello is exit 2.
	d, err := s.driver.Open(ctx, driver.Env{Target: wire.Target{BaseURL: endpoint, Region: s.region}, Client: client,
		Clock: clock, Timeout: s.timeout, ListJobsOnly: s.listJobsOnly})
	if err != nil {
		return Result{ExitCode: ExitUsage, Err: usageError("%v", err)}
	}
	defer d.Close()
	if res.SDK = d.Client(); res.SDK != "" {
		fmt.Fprintf(stdout, "conformance: driver %s: every request goes through %s\n", d.Name(), res.SDK)
	}
	initScenario, err := s.connect(ctx, client, endpoint, d, clock)
	if err == nil {
		err = s.makeReportDirs(&res)
	}
	if err != nil {
		res.ExitCode, res.Err = ExitUsage, err
		return res
	}
	rec := newRecorder(red)
	godogOut := stdout
	if s.blocks() {
		rec.blocks, godogOut = stdout, io.Discard
	}
	skips := s.skips(d)
	code := s.runGodog(ctx, seed, godogOut, func(sc *godog.ScenarioContext) {
		initScenario(sc)
		rec.hook(sc, s.planned(), skips)
	})
	s.finish(ctx, &res, code, rec, red, stderr)
	return res
}

// startEndpoint returns the endpoint under test: the embedded emulator, started with
// the run's fixture and seed, or the configured one; stop stops what it started.
func (s *setup) startEndpoint(seed int64, stderr io.Writer) (endpoint string, stop func(), err error) {
	if s.endpoint != "" {
		return s.endpoint, func() {}, nil
	}
	var emuSeed uint64
	if seed > 0 {
		emuSeed = uint64(seed)
	}
	srv, err := emulator.Start(emulator.Config{Fixture: s.fx, RateLimit: emulator.DefaultRateLimit, Seed: emuSeed})
	if err != nil {
		return "", nil, usageError("embedded emulator: %v", err)
	}
	return srv.URL, func() {
		if err := srv.Close(); err != nil {
			fmt.Fprintf(stderr, "conformance: stopping the embedded emulator: %v\n", err)
		}
	}, nil
}

// connect probes the endpoint, makes the pre-flight request, and builds the steps of
// the run on the driver.
func (s *setup) connect(ctx context.Context, client *http.Client, endpoint string, d driver.Driver, clock *wire.Clock) (func(*godog.ScenarioContext), error) {
	if err := probe(ctx, client, endpoint, min(s.timeout, probeTimeout)); err != nil {
		return nil, err
	}
	answered := map[string]time.Time{}
	for i, cred := range s.creds {
		err := preflight(ctx, client, endpoint, cmp.Or(s.region, DefaultRegion), cred, s.store, s.timeout)
		answered[cred.SecretID] = time.Now()
		if err != nil && i > 0 && s.endpoint != "" {
			return nil, usageError("%v [the key is one of the fixture's %q keys, which --profile %s signs with: give a fixture whose keys the endpoint knows, or --profile %s]", err, DefaultCredentialRole, ProfileEmulator, ProfileAccount)
		}
		if err != nil {
			return nil, err
		}
	}
	target := steps.Target{
		BaseURL:     endpoint,
		Region:      s.region,
		Credential:  s.creds[0],
		Credentials: s.creds,
		UserStoreID: s.store,
		Fixture:     s.fx,
		Driver:      d,
		Clock:       clock,
		Catalogue:   s.catalogue,
		Answered:    answered,
		// A run whose tag filter leaves out the @assumed scenarios judges the
		// documented part alone, on every exchange too.
		DocumentedOnly: excludes(s.tags, vocab.TagAssumed),
	}
	newScenarios := s.newScenarios
	if newScenarios == nil {
		newScenarios = func(t steps.Target) (func(*godog.ScenarioContext), error) {
			suite, err := steps.NewSuite(t)
			if err != nil {
				return nil, err
			}
			return suite.InitializeScenario, nil
		}
	}
	init, err := newScenarios(target)
	if err != nil {
		return nil, usageError("target: %v", err)
	}
	return init, nil
}

// makeReportDirs creates the folders of godog's report files and lists the files.
func (s *setup) makeReportDirs(res *Result) error {
	for _, r := range s.reports {
		if r.path == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(r.path), 0o755); err != nil {
			return usageError("report %s: %v", r.path, err)
		}
		res.Reports = append(res.Reports, r.path)
	}
	return nil
}

// planned maps the plan's key of every selected scenario to its plan.
func (s *setup) planned() map[string]plan.Scenario {
	planned := make(map[string]plan.Scenario, len(s.selected))
	for _, sc := range s.selected {
		planned[sc.Key()] = sc.Scenario
	}
	return planned
}

// runGodog runs the selected scenarios with godog and returns its exit code.
// blocks tells whether the run prints each scenario as one block when it ends, in
// place of godog's pretty formatter: scenarios that run at once would interleave its
// lines.
func (s *setup) blocks() bool {
	if s.concurrency < 2 {
		return false
	}
	for _, r := range s.reports {
		if r.name == "pretty" && r.path == "" {
			return true
		}
	}
	return false
}

func (s *setup) runGodog(ctx context.Context, seed int64, stdout io.Writer, init func(*godog.ScenarioContext)) int {
	reports := s.reports
	if s.blocks() { // godog's stdout formatter writes to io.Discard: progress costs least
		reports = slices.Clone(reports)
		for i, r := range reports {
			if r.name == "pretty" && r.path == "" {
				reports[i].name = "progress"
			}
		}
	}
	opts := godog.Options{
		Format:         godogFormat(reports),
		Tags:           WithoutScale(s.tags), // as selectScenarios: @scale only when named
		Strict:         true,
		Concurrency:    s.concurrency,
		Randomize:      seed,
		FS:             s.features,
		Paths:          s.paths,
		Output:         stdout,
		NoColors:       !isTerminal(stdout) || os.Getenv("NO_COLOR") != "", // https://no-color.org
		DefaultContext: ctx,
		TestingT:       s.testingT,
	}
	suite := godog.TestSuite{Name: "listjobs-conformance", ScenarioInitializer: init, Options: &opts}
	return suite.Run()
}

// finish records the results of a godog run in res: the scenarios, the ledger's and
// the configuration's problems, and the exit code.
func (s *setup) finish(ctx context.Context, res *Result, code int, rec *recorder, red *redactor, stderr io.Writer) {
	for _, p := range res.Reports {
		if err := red.file(p); err != nil {
			fmt.Fprintf(stderr, "conformance: redacting %s: %v\n", p, err)
			code = max(code, ExitFailed)
		}
	}
	res.Scenarios = rec.results(s.selected)
	res.Problems = s.judge(res.Scenarios)
	res.ExitCode = exitCode(code, res.Scenarios)
	if rows := rowsNotChecked(res.Scenarios); s.requireAllRows && len(rows) > 0 {
		res.Problems = append(res.Problems, "--require-all-rows: rows not checked: "+strings.Join(rows, " "))
	}
	if len(res.Problems) > 0 {
		res.ExitCode = max(res.ExitCode, ExitFailed)
	}
	if code == ExitUsage {
		res.Err = usageError("godog refused the options (see above)")
	}
	if ctx.Err() != nil {
		// Interrupted: scenarios cut short failed with "context canceled".
		res.Interrupted, res.ExitCode = true, max(res.ExitCode, ExitFailed)
	}
}

// exitCode combines godog's code with the recorded results: godog alone would exit 0
// with the events formatter, or with a scenario that has no steps, and 1 with a known
// failure.
func exitCode(godogCode int, results []result.Scenario) int {
	if godogCode == ExitUsage {
		return ExitUsage
	}
	known := false
	for _, r := range results {
		if r.Status.Failing() {
			return ExitFailed
		}
		known = known || r.Status == result.KnownFailure
	}
	if godogCode != ExitPassed && !known {
		return ExitFailed
	}
	return ExitPassed
}

func randomSeed() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>1) | 1
}

// isTerminal tells whether w is a character device, where colours help.
func isTerminal(w io.Writer) bool {
	if lw, ok := w.(*lineWriter); ok {
		w = lw.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// listScenarios prints the selected scenarios, one line each: where, name, rows, and what the
// catalogue says they need.
func (s *setup) listScenarios(w io.Writer) {
	for _, sc := range s.selected {
		var needs []string
		if sc.traits.Fixture {
			needs = append(needs, "the fixture")
		}
		if sc.traits.Wire != "" {
			needs = append(needs, "the wire driver")
		}
		if sc.traits.OtherAction {
			needs = append(needs, "another action")
		}
		line := fmt.Sprintf("%s:%d\t%s\t[%s]", sc.Feature, sc.Line, sc.Name, strings.Join(vocab.RowsOf(sc.Tags), " "))
		if len(needs) > 0 {
			line += "\tneeds " + strings.Join(needs, ", ")
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "%d scenarios\n", len(s.selected))
}
