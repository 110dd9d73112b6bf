package runner

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/ledger"
	"github.com/ciam-harness/listjobs/plan"
	reportpkg "github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

// setup is a Config parsed and validated once: every value a run reads, typed, and the
// suite's scenarios it selects. Nothing of the run reads the Config again.
type setup struct {
	// endpoint is the base URL of the endpoint under test, normalised; "" starts the
	// embedded emulator.
	endpoint string
	region   string
	driver   driver.Choice
	// creds are the keys of ordinary requests, the first the main one; secrets every
	// secret the run may print by mistake (the keys of the fixture too).
	creds   []signing.Credential
	secrets []string
	fx      *fixture.Fixture
	store   string
	// notes are said on stderr before the run (a key of the environment left aside, a
	// TLS check turned off).
	notes []string

	tags     string
	named    *regexp.Regexp // --name; nil: every name
	shard    shard
	reports  []report // godog's formatters
	own      []string // the runner's own reports (package report)
	outDir   string
	tls      *tls.Config
	timeout  time.Duration
	deadline time.Duration
	// maxResponse caps a response body; concurrency is the scenarios run at once.
	maxResponse    int64
	concurrency    int
	seed           int64
	listJobsOnly   bool // only ListJobs may go out (a foreign endpoint, not the user's emulator)
	requireAllRows bool
	list           bool
	testingT       *testing.T

	// ledger is the known-failure ledger (nil: none), judged against the whole plan.
	ledger     *ledger.Ledger
	ledgerInfo *reportpkg.LedgerInfo
	// catalogue is the step catalogue: the traits of the selected scenarios and the
	// steps' binding both come from it.
	catalogue *steps.Catalogue
	// plan is the suite, parsed once; selected its scenarios the run selects; paths the
	// feature files in the order the run starts them; features the feature files godog
	// reads (the shard's scenarios only). The ledger is judged against the whole plan,
	// whatever the tags and the shard, to tell a listed scenario that is gone.
	plan     *plan.Plan
	selected []selectedScenario
	paths    []string
	features fs.FS
	// newScenarios replaces steps.NewSuite (tests of the runner's plumbing).
	newScenarios func(steps.Target) (func(*godog.ScenarioContext), error)
}

// selectedScenario is a scenario the tag filter and the shard select, known before
// the run, with what the step catalogue says of it.
type selectedScenario struct {
	plan.Scenario
	traits steps.Traits
}

// The profiles of --profile.
const (
	ProfileAccount  = "account"
	ProfileEmulator = "emulator"
)

// newSetup parses and validates cfg, and resolves the fixture, the credentials, the
// user store, the reports and the selected scenarios. Every error is one line, for
// exit 2.
func newSetup(cfg Config) (*setup, error) {
	s := &setup{region: cfg.Region, driver: cfg.Driver, tags: cfg.Tags, outDir: cfg.OutDir, timeout: cfg.Timeout,
		deadline: cfg.Deadline, maxResponse: cfg.MaxResponse, concurrency: cfg.Concurrency, seed: cfg.Seed,
		requireAllRows: cfg.RequireAllRows, list: cfg.List, testingT: cfg.TestingT, catalogue: cfg.catalogue,
		newScenarios: cfg.newScenarios}
	if err := ValidateTags(cfg.Tags); err != nil {
		return nil, err
	}
	if err := cfg.validateNumbers(); err != nil {
		return nil, err
	}
	var err error
	if cfg.Endpoint != "" {
		if s.endpoint, err = parseEndpoint(cfg.Endpoint); err != nil {
			return nil, err
		}
	}
	if cfg.Name != "" {
		if s.named, err = regexp.Compile(cfg.Name); err != nil {
			return nil, usageError("--name %q: not a regular expression: %v", cfg.Name, err)
		}
	}
	if cfg.Profile != "" && cfg.Profile != ProfileAccount && cfg.Profile != ProfileEmulator {
		return nil, usageError("--profile %q: want %s or %s", cfg.Profile, ProfileAccount, ProfileEmulator)
	}
	// Only ListJobs goes out to an endpoint other than the embedded emulator, unless
	// asked for, or the endpoint is the user's emulator.
	s.listJobsOnly = s.endpoint != "" && !cfg.AllowInvalidActions && cfg.Profile != ProfileEmulator
	if err := s.driver.Check(context.Background()); err != nil { // an adapter not installed: before anything runs
		return nil, usageError("%v", err)
	}
	if s.catalogue == nil {
		s.catalogue = steps.Steps() // compiled once per run
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
	embedded := s.endpoint == ""
	if s.fx, err = resolveFixture(cfg, embedded); err != nil {
		return nil, err
	}
	if s.creds, err = credentials(cfg, s.fx, embedded); err != nil {
		return nil, err
	}
	if s.store, err = userStore(cfg, s.fx, embedded); err != nil {
		return nil, err
	}
	if err := s.selectSuite(cfg.features); err != nil {
		return nil, err
	}
	if embedded && cfg.Fixture == nil && cfg.FixturePath == "" {
		if s.fx, err = withScaleStore(s.fx, s.selected); err != nil {
			return nil, err
		}
	}
	s.secrets = []string{cfg.SecretKey, cfg.Token}
	if s.fx != nil {
		// Fixture secrets too: a step may print a fixture key (another account's, a
		// temporary token), and it is no more printable than the user's.
		for _, c := range s.fx.Credentials {
			s.secrets = append(s.secrets, c.SecretKey, c.Token)
		}
	}
	if note := foreignKeyNote(cfg, s.fx); note != "" {
		s.notes = append(s.notes, note)
	}
	if cfg.InsecureSkipVerify {
		s.notes = append(s.notes, "conformance: warning: --insecure-skip-verify: the endpoint's TLS certificate is not verified, so anyone on the way can pose as it")
	}
	return s, nil
}

// validateNumbers checks the region and the numbers of the configuration.
func (cfg Config) validateNumbers() error {
	switch {
	case strings.TrimSpace(cfg.Region) == "" || strings.ContainsAny(cfg.Region, " \t\r\n"):
		return usageError("--region %q: want a region name such as %s", cfg.Region, DefaultRegion)
	case cfg.Concurrency < 1 || cfg.Concurrency > 64:
		return usageError("--concurrency %d: want 1 to 64", cfg.Concurrency)
	case cfg.Timeout <= 0:
		return usageError("--timeout %s: want a positive duration such as 10s", cfg.Timeout)
	case cfg.Seed < -1:
		return usageError("--seed %d: want 0 (no shuffle), -1 (pick one) or a positive seed", cfg.Seed)
	case cfg.Deadline < 0:
		return usageError("--deadline %s: want a positive duration such as 15m, or 0 for none", cfg.Deadline)
	case cfg.MaxResponse < minMaxResponse || cfg.MaxResponse > maxMaxResponse:
		return usageError("--max-response %d: want from %s to %s", cfg.MaxResponse, formatSize(minMaxResponse), formatSize(maxMaxResponse))
	}
	return nil
}

// skips decides, once, which selected scenarios the run skips and why (Traits.Skip):
// the recorder ends them before their first step; the summary, the reports and the
// kill tables read the decision.
func (s *setup) skips(d driver.Driver) map[string]result.Skip {
	out := map[string]result.Skip{}
	for _, sc := range s.selected {
		if skip := sc.traits.Skip(d, s.fx != nil, s.listJobsOnly); skip.Skipped() {
			out[sc.Key()] = skip
		}
	}
	return out
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
// it: by tags, name and shard, with the feature files godog reads. fsys replaces
// features.FS when set (tests).
func (s *setup) selectSuite(fsys fs.FS) error {
	if fsys == nil {
		fsys = features.FS
	}
	var err error
	if s.plan, err = plan.Build(fsys); err != nil {
		return usageError("%v", err)
	}
	if s.selected, s.paths, err = selectScenarios(s.plan, s.catalogue, s.tags, s.shard, s.named); err != nil {
		return err
	}
	s.features = fsys
	if !s.shard.whole() || s.named != nil {
		s.features = s.plan.FS(func(sc plan.Scenario) bool { return s.shard.holds(sc.Feature, sc.Name) && s.nameMatches(sc.Name) })
	}
	return nil
}

// nameMatches tells whether --name selects a scenario of this name.
func (s *setup) nameMatches(name string) bool { return s.named == nil || s.named.MatchString(name) }

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
