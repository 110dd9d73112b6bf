package runner

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cucumber/godog"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/ledger"
	"github.com/ciam-harness/listjobs/plan"
	reportpkg "github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
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
	Scenarios []ScenarioResult
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
func (r Result) Failed() []ScenarioResult {
	var out []ScenarioResult
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
	parent := ctx
	if cfg.Deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Deadline)
		defer cancel()
	}
	s, err := prepare(cfg)
	secrets := []string{cfg.SecretKey, cfg.Token}
	if s != nil && s.fx != nil {
		// Fixture secrets too: a step may print a fixture key (another account's, a
		// temporary token), and it is no more printable than the user's.
		for _, c := range s.fx.Credentials {
			secrets = append(secrets, c.SecretKey, c.Token)
		}
	}
	red := newRedactor(secrets...)
	out, errOut := newLineWriter(stdout, red), newLineWriter(stderr, red)
	defer out.Flush()
	defer errOut.Flush()

	var res Result
	switch {
	case err != nil:
		res = Result{ExitCode: ExitUsage, Err: err}
	case cfg.List:
		s.list(out)
		return Result{}
	default:
		defer boundScaleMemory(s.selected)()
		if note := foreignKeyNote(cfg, s.fx); note != "" {
			fmt.Fprintln(errOut, note)
		}
		if cfg.InsecureSkipVerify {
			fmt.Fprintf(errOut, "conformance: warning: --insecure-skip-verify: the endpoint's TLS certificate is not verified, so anyone on the way can pose as it\n")
		}
		res = s.run(ctx, red, out, errOut)
	}
	if res.Interrupted && parent.Err() == nil {
		// The run's own deadline, not the caller, stopped it.
		res.Interrupted, res.DeadlineExceeded = false, true
		res.Problems = append(res.Problems, fmt.Sprintf("the run reached its --deadline of %s: scenarios still running then failed", cfg.Deadline))
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

// session is a validated run, ready to start.
type session struct {
	cfg     Config
	fx      *fixture.Fixture
	creds   []signing.Credential // the keys of ordinary requests, the first the main one
	store   string
	reports []report // godog's formatters
	own     []string // the runner's own reports (package report)
	tls     *tls.Config
	shard   shard
	driver  steps.Driver
	// adapter is the command of an exec driver's adapter (steps.Driver.Command).
	adapter []string
	// catalogue is the step catalogue: the traits of the selected scenarios and the
	// steps' binding both come from it.
	catalogue *steps.Catalogue
	// ledger is the known-failure ledger (nil: none); suite names every scenario of the
	// suite, whatever the tags and the shard, to tell a listed scenario that is gone.
	ledger     *ledger.Ledger
	ledgerInfo *reportpkg.LedgerInfo
	suite      []ledger.ID
	selected   []selectedScenario
	// paths are the feature files in the order godog starts them (see selectScenarios).
	paths []string
	// plan is the suite, parsed once; features the feature files godog reads (the
	// shard's scenarios only).
	plan     *plan.Plan
	features fs.FS
}

// selectedScenario is a scenario the tag filter and the shard select, known before
// the run, with what the step catalogue says of it.
type selectedScenario struct {
	plan.Scenario
	traits steps.Traits
}

func (s *session) run(ctx context.Context, red *redactor, stdout, stderr io.Writer) Result {
	seed := s.cfg.Seed
	if seed == -1 {
		seed = randomSeed()
	}
	if len(s.selected) == 0 {
		// A shard that holds none of the selected scenarios: nothing to run, and
		// nothing wrong (a CI matrix with more shards than a tag filter selects).
		return Result{Endpoint: cmp.Or(s.cfg.Endpoint, "(embedded emulator, not started)"), Seed: seed, Shard: s.shard.String()}
	}
	endpoint, stop, err := s.startEndpoint(seed, stderr)
	if err != nil {
		return Result{ExitCode: ExitUsage, Err: err}
	}
	defer stop()
	res := Result{Endpoint: endpoint, Seed: seed, Driver: string(s.driver)}
	if s.driver == steps.DriverSDK {
		res.SDK = steps.SDKModuleVersion()
		fmt.Fprintf(stdout, "conformance: driver sdk: every request goes through %s\n", res.SDK)
	}
	var adapter *steps.Adapter
	if s.adapter != nil {
		// One adapter for the run; one that does not start and say hello is exit 2.
		if adapter, err = steps.StartAdapter(s.adapter, steps.AdapterOptions{Timeout: s.cfg.Timeout}); err != nil {
			return Result{ExitCode: ExitUsage, Err: usageError("--driver %s: %v", s.driver, err)}
		}
		defer adapter.Close()
		res.SDK = adapter.Describe()
		fmt.Fprintf(stdout, "conformance: driver %s: every request goes through the %s\n", s.driver, res.SDK)
	}
	if !s.shard.whole() {
		res.Shard = s.shard.String()
	}
	// Against any endpoint but the embedded emulator, only ListJobs goes out: the
	// scenarios that send another action on purpose are skipped, and the client
	// refuses any other action should a scenario try.
	listJobsOnly := s.cfg.Endpoint != "" && !s.cfg.allowInvalidActions()
	client := newClient(s.cfg.Timeout, s.cfg.MaxResponse, s.tls, listJobsOnly)
	// Before the embedded emulator stops (deferred above, so later): a connection the
	// transport dialled but never used looks new to the server, whose graceful shutdown
	// would wait seconds for its first request.
	defer client.CloseIdleConnections()
	initScenario, err := s.connect(ctx, client, endpoint, adapter, listJobsOnly)
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
	code := s.runGodog(ctx, seed, godogOut, func(sc *godog.ScenarioContext) {
		initScenario(sc)
		rec.hook(sc, s.planned(), actionSkips(s.selected, listJobsOnly))
	})
	s.finish(ctx, &res, code, rec, red, stderr)
	return res
}

// startEndpoint returns the endpoint under test: the embedded emulator, started with
// the run's fixture and seed, or the configured one; stop stops what it started.
func (s *session) startEndpoint(seed int64, stderr io.Writer) (endpoint string, stop func(), err error) {
	if s.cfg.Endpoint != "" {
		endpoint, _ = parseEndpoint(s.cfg.Endpoint) // validated by prepare
		return endpoint, func() {}, nil
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
// the run on client.
func (s *session) connect(ctx context.Context, client *http.Client, endpoint string, adapter *steps.Adapter, listJobsOnly bool) (func(*godog.ScenarioContext), error) {
	if err := probe(ctx, client, endpoint, min(s.cfg.Timeout, probeTimeout)); err != nil {
		return nil, err
	}
	answered := map[string]time.Time{}
	for i, cred := range s.creds {
		err := preflight(ctx, client, endpoint, cmp.Or(s.cfg.Region, DefaultRegion), cred, s.store, s.cfg.Timeout)
		answered[cred.SecretID] = time.Now()
		if err != nil && i > 0 && s.cfg.Endpoint != "" {
			return nil, usageError("%v [the key is one of the fixture's %q keys, which --profile %s signs with: give a fixture whose keys the endpoint knows, or --profile %s]", err, DefaultCredentialRole, ProfileEmulator, ProfileAccount)
		}
		if err != nil {
			return nil, err
		}
	}
	target := steps.Target{
		BaseURL:          endpoint,
		Region:           s.cfg.Region,
		Credential:       s.creds[0],
		Credentials:      s.creds,
		UserStoreID:      s.store,
		Fixture:          s.fx,
		Client:           client,
		EmbeddedEmulator: s.cfg.Endpoint == "",
		Driver:           s.driver,
		Catalogue:        s.catalogue,
		Adapter:          adapter,
		ListJobsOnly:     listJobsOnly,
		Answered:         answered,
	}
	newScenarios := s.cfg.newScenarios
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
func (s *session) makeReportDirs(res *Result) error {
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
func (s *session) planned() map[string]plan.Scenario {
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
func (s *session) blocks() bool {
	if s.cfg.Concurrency < 2 {
		return false
	}
	for _, r := range s.reports {
		if r.name == "pretty" && r.path == "" {
			return true
		}
	}
	return false
}

func (s *session) runGodog(ctx context.Context, seed int64, stdout io.Writer, init func(*godog.ScenarioContext)) int {
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
		Tags:           WithoutScale(s.cfg.Tags), // as selectScenarios: @scale only when named
		Strict:         true,
		Concurrency:    s.cfg.Concurrency,
		Randomize:      seed,
		FS:             s.features,
		Paths:          s.paths,
		Output:         stdout,
		NoColors:       !isTerminal(stdout) || os.Getenv("NO_COLOR") != "", // https://no-color.org
		DefaultContext: ctx,
		TestingT:       s.cfg.TestingT,
	}
	suite := godog.TestSuite{Name: "listjobs-conformance", ScenarioInitializer: init, Options: &opts}
	return suite.Run()
}

// finish records the results of a godog run in res: the scenarios, the ledger's and
// the configuration's problems, and the exit code.
func (s *session) finish(ctx context.Context, res *Result, code int, rec *recorder, red *redactor, stderr io.Writer) {
	for _, p := range res.Reports {
		if err := red.file(p); err != nil {
			fmt.Fprintf(stderr, "conformance: redacting %s: %v\n", p, err)
			code = max(code, ExitFailed)
		}
	}
	res.Scenarios = rec.results(s.selected)
	res.Problems = s.judge(res.Scenarios)
	res.ExitCode = exitCode(code, res.Scenarios)
	if rows := rowsNotChecked(res.Scenarios); s.cfg.RequireAllRows && len(rows) > 0 {
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

// actionSkips maps the scenarios that send an action other than ListJobs on purpose
// (the step catalogue's traits) to the reason they are skipped, when only ListJobs may
// go out.
func actionSkips(selected []selectedScenario, listJobsOnly bool) map[string]string {
	skips := map[string]string{}
	for _, sc := range selected {
		if listJobsOnly && sc.traits.OtherAction {
			skips[sc.Key()] = invalidActionReason(sc.traits.Action)
		}
	}
	return skips
}

// exitCode combines godog's code with the recorded results: godog alone would exit 0
// with the events formatter, or with a scenario that has no steps, and 1 with a known
// failure.
func exitCode(godogCode int, results []ScenarioResult) int {
	if godogCode == ExitUsage {
		return ExitUsage
	}
	known := false
	for _, r := range results {
		if r.Status.Failing() {
			return ExitFailed
		}
		known = known || r.Status == StatusKnownFailure
	}
	if godogCode != ExitPassed && !known {
		return ExitFailed
	}
	return ExitPassed
}

// prepare validates the configuration and resolves the fixture, credentials, user
// store, reports and the selected scenarios. Every error is one line, for exit 2.
func prepare(cfg Config) (*session, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &session{cfg: cfg, catalogue: cfg.catalogue}
	if s.catalogue == nil {
		s.catalogue = steps.Steps() // compiled once per run
	}
	var err error
	s.driver, _ = steps.ParseDriver(cfg.Driver) // validated
	if s.driver.Adapter() {
		if s.adapter, err = s.driver.Command(); err != nil {
			return nil, usageError("%v", err)
		}
	}
	if s.own, s.reports, err = resolveReports(cfg); err != nil {
		return nil, err
	}
	if s.shard, err = parseShard(cfg.Shard); err != nil {
		return nil, err
	}
	if s.tls, err = tlsConfig(cfg); err != nil {
		return nil, err
	}
	if s.ledger, s.ledgerInfo, err = loadLedger(cfg.KnownFailures); err != nil {
		return nil, err
	}
	embedded := cfg.Endpoint == ""
	if s.fx, err = resolveFixture(cfg, embedded); err != nil {
		return nil, err
	}
	if s.creds, err = credentials(cfg, s.fx, embedded); err != nil {
		return nil, err
	}
	if s.store, err = userStore(cfg, s.fx, embedded); err != nil {
		return nil, err
	}
	if err := s.selectSuite(cfg); err != nil {
		return nil, err
	}
	if embedded && cfg.Fixture == nil && cfg.FixturePath == "" {
		if s.fx, err = withScaleStore(s.fx, s.selected); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// resolveReports returns the runner's own reports and godog's formatters of the run.
func resolveReports(cfg Config) ([]string, []report, error) {
	own, err := parseReports(cfg.Reports)
	if err != nil {
		return nil, nil, err
	}
	if len(own) > 0 && strings.TrimSpace(cfg.OutDir) == "" {
		return nil, nil, usageError("--out is empty: the reports need a folder (or give --reports none)")
	}
	reports, err := parseFormats(cfg.Format, cfg.OutDir)
	return own, reports, err
}

// resolveFixture returns the fixture of the run: the one given, the one at its path, the
// embedded emulator's default, or none (a foreign endpoint without --fixture).
func resolveFixture(cfg Config, embedded bool) (*fixture.Fixture, error) {
	switch {
	case cfg.Fixture != nil:
		if err := cfg.Fixture.Validate(); err != nil {
			return nil, usageError("fixture: %v", err)
		}
		return cfg.Fixture, nil
	case cfg.FixturePath != "":
		fx, err := fixture.Load(cfg.FixturePath)
		if err != nil {
			return nil, usageError("--fixture: %v", err)
		}
		return fx, nil
	case embedded:
		fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
		if err != nil {
			return nil, usageError("embedded fixture: %v", err)
		}
		return fx, nil
	}
	return nil, nil
}

// selectSuite builds the plan of the suite once and selects the run's scenarios from
// it: by tags and shard, with the feature files godog reads and the ledger's view of
// the whole suite.
func (s *session) selectSuite(cfg Config) error {
	fsys := cfg.features
	if fsys == nil {
		fsys = features.FS
	}
	var err error
	if s.plan, err = plan.Build(fsys); err != nil {
		return usageError("%v", err)
	}
	named := regexp.MustCompile(cfg.Name) // validated
	if s.selected, s.paths, err = selectScenarios(s.plan, s.catalogue, cfg.Tags, s.shard, named); err != nil {
		return err
	}
	s.features = fsys
	if !s.shard.whole() || cfg.Name != "" {
		s.features = s.plan.FS(func(sc plan.Scenario) bool { return s.shard.holds(sc.Feature, sc.Name) && named.MatchString(sc.Name) })
	}
	if s.ledger != nil {
		for _, sc := range s.plan.Scenarios {
			s.suite = append(s.suite, ledger.ID{Feature: sc.Feature, Scenario: sc.Name})
		}
	}
	return nil
}

// credentials resolves the keys of ordinary requests: the one key of the environment,
// else (embedded emulator only) every DefaultCredentialRole key of the fixture, whose
// owners share out the load.
func credentials(cfg Config, fx *fixture.Fixture, embedded bool) ([]signing.Credential, error) {
	idSet, keySet := cfg.SecretID != "", cfg.SecretKey != ""
	if idSet != keySet {
		return nil, usageError("set both %s and %s, or neither", EnvSecretID, EnvSecretKey)
	}
	if !embedded {
		if !idSet {
			return nil, usageError("--endpoint %s needs credentials: set %s and %s (and %s for a temporary key)", cfg.Endpoint, EnvSecretID, EnvSecretKey, EnvToken)
		}
		pool := []signing.Credential{{SecretID: cfg.SecretID, SecretKey: cfg.SecretKey, Token: cfg.Token}}
		if cfg.Profile == ProfileEmulator && fx != nil {
			// The user's emulator serves the fixture, keys included: each of its
			// owners brings its own rate-limit budget (the pre-flight tries every key).
			for _, c := range fx.CredentialsByRole(DefaultCredentialRole) {
				if c.SecretID != cfg.SecretID {
					pool = append(pool, signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token})
				}
			}
		}
		return pool, nil
	}
	// A key of the fixture from the environment signs alone (to run as that role). Any
	// other key there is one of a real account (most Tencent Cloud developers export
	// theirs): the embedded emulator knows only its fixture's keys, so it is left
	// aside, and Run says so (foreignKeyNote).
	if c, ok := fixtureKeyOf(cfg, fx); ok {
		return []signing.Credential{{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: cmp.Or(cfg.Token, c.Token)}}, nil
	}
	var pool []signing.Credential
	for _, c := range fx.CredentialsByRole(DefaultCredentialRole) {
		pool = append(pool, signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token})
	}
	if len(pool) == 0 {
		return nil, usageError("the fixture has no %q credential for the embedded emulator: add one, or set %s and %s to one of its keys", DefaultCredentialRole, EnvSecretID, EnvSecretKey)
	}
	return pool, nil
}

// fixtureKeyOf returns the fixture's key that the environment gives, if it gives one.
func fixtureKeyOf(cfg Config, fx *fixture.Fixture) (fixture.Credential, bool) {
	if fx == nil || cfg.SecretID == "" {
		return fixture.Credential{}, false
	}
	for _, c := range fx.Credentials {
		if c.SecretID == cfg.SecretID && c.SecretKey == cfg.SecretKey {
			return c, true
		}
	}
	return fixture.Credential{}, false
}

// foreignKeyNote is what Run says when the environment's key is not one of the
// embedded emulator's, or "".
func foreignKeyNote(cfg Config, fx *fixture.Fixture) string {
	if _, ok := fixtureKeyOf(cfg, fx); ok || cfg.Endpoint != "" || cfg.SecretID == "" || fx == nil {
		return ""
	}
	return fmt.Sprintf("conformance: note: %s is not a key of the embedded emulator's fixture: the embedded emulator is run with the fixture's own %q keys (give --endpoint to use yours)", EnvSecretID, DefaultCredentialRole)
}

// userStore resolves the user store of data-agnostic scenarios.
func userStore(cfg Config, fx *fixture.Fixture, embedded bool) (string, error) {
	id := cfg.UserStoreID
	if id == "" {
		if fx == nil {
			return "", usageError("--endpoint %s needs a user store that holds jobs: give --user-store (%s) or a --fixture with a %q store", cfg.Endpoint, EnvUserStore, DefaultUserStoreRole)
		}
		st, ok := fx.UserStore(DefaultUserStoreRole)
		if !ok {
			return "", usageError("the fixture has no %q user store: give --user-store (%s)", DefaultUserStoreRole, EnvUserStore)
		}
		id = st.ID
	}
	if fx == nil {
		return id, nil
	}
	for _, st := range fx.UserStores {
		if st.ID == id {
			if len(st.Jobs) == 0 {
				return "", usageError("--user-store %s holds no job in the fixture: data-agnostic scenarios need one with jobs", id)
			}
			return id, nil
		}
	}
	if embedded {
		return "", usageError("--user-store %s is not in the embedded emulator's fixture", id)
	}
	return "", usageError("--user-store %s is not in the fixture %s: the fixture must describe the endpoint's data", id, cfg.FixturePath)
}

// ClockBoundTag marks the scenarios that wait on the clock rather than on the CPU or
// the pacers (the rate-limit bursts wait for a second boundary, R2 sends at a fixed
// pace): their features start first, so that those waits overlap the rest of the run
// instead of adding to it.
const ClockBoundTag = vocab.TagRateLimit

// selectScenarios returns the scenarios of the plan that the tag filter (godog's rule)
// and the shard select, in feature-file order, and the feature files in the order the
// run starts them: those with ClockBoundTag scenarios first. It fails when the filter
// selects nothing (godog would print "No scenarios" and exit 0); a shard that holds none
// of the selected scenarios is no error (a CI matrix with more shards than a tag filter
// selects).
func selectScenarios(p *plan.Plan, cat *steps.Catalogue, tags string, sh shard, named *regexp.Regexp) ([]selectedScenario, []string, error) {
	filter := WithoutScale(tags) // @scale only when named
	var selected []selectedScenario
	matched := 0
	for _, sc := range p.Scenarios {
		if !plan.Match(filter, sc.Tags) || (named != nil && !named.MatchString(sc.Name)) {
			continue
		}
		matched++
		if sh.holds(sc.Feature, sc.Name) {
			selected = append(selected, selectedScenario{Scenario: sc, traits: cat.Analyze(sc.Tags, sc.Steps)})
		}
	}
	switch {
	case matched == 0 && named != nil && named.String() != "":
		return nil, nil, usageError("no scenario matches --tags %q and --name %q", tags, named)
	case matched == 0 && tags == "":
		return nil, nil, usageError("the feature files hold no scenario")
	case matched == 0:
		return nil, nil, usageError("no scenario matches --tags %q", tags)
	}
	return selected, startOrder(selected), nil
}

// startOrder is the feature files of the selected scenarios in the order the run starts
// them: those with ClockBoundTag scenarios first, the others in feature-file order.
func startOrder(selected []selectedScenario) []string {
	clockBound := map[string]bool{}
	var paths []string
	for _, sc := range selected {
		if !slices.Contains(paths, sc.Feature) {
			paths = append(paths, sc.Feature)
		}
		if slices.Contains(sc.Tags, ClockBoundTag) {
			clockBound[sc.Feature] = true
		}
	}
	slices.SortStableFunc(paths, func(a, b string) int {
		switch {
		case clockBound[a] == clockBound[b]:
			return 0
		case clockBound[a]:
			return -1
		default:
			return 1
		}
	})
	return paths
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

// list prints the selected scenarios, one line each: where, name, rows, and what the
// catalogue says they need.
func (s *session) list(w io.Writer) {
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
