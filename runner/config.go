// Package runner runs the ListJobs conformance suite (features.FS with the steps of
// package steps) against an endpoint: the embedded reference emulator by default, or any
// ListJobs endpoint given by URL. It validates the configuration before anything runs,
// records one result per scenario and prints, per contract row, what broke.
package runner

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/steps"
)

// Defaults of the configuration.
const (
	DefaultRegion = "ap-guangzhou"
	DefaultFormat = "pretty"
	DefaultOutDir = "out"
	// DefaultConcurrency is the number of scenarios run at once. Scenarios mostly wait
	// (on the pacers, on the clock), so it is well above the cores: enough for the
	// rate-limit scenarios, which start first and wait for second boundaries, and one
	// scenario per owner of the ordinary keys besides.
	DefaultConcurrency = 16
	DefaultTimeout     = 10 * time.Second
	// DefaultUserStoreRole is the fixture role of the user store that data-agnostic
	// scenarios list when no --user-store is given.
	DefaultUserStoreRole = "varied"
	// DefaultCredentialRole is the role of the fixture credentials used against the
	// embedded emulator when TENCENTCLOUD_SECRET_ID/KEY are unset: all of them, in turn.
	DefaultCredentialRole = "primary"
)

// Environment variables read by ParseFlags. A flag given on the command line wins over
// its variable. Secrets are read from the environment only, never from a flag.
const (
	EnvEndpoint    = "CIAM_ENDPOINT"
	EnvRegion      = "TENCENTCLOUD_REGION"
	EnvSecretID    = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey   = "TENCENTCLOUD_SECRET_KEY"
	EnvToken       = "TENCENTCLOUD_SECURITY_TOKEN"
	EnvFixture     = "CIAM_FIXTURE"
	EnvUserStore   = "CIAM_USER_STORE_ID"
	EnvTags        = "CIAM_TAGS"
	EnvFormat      = "CIAM_FORMAT"
	EnvOut         = "CIAM_OUT"
	EnvConcurrency = "CIAM_CONCURRENCY"
	EnvTimeout     = "CIAM_TIMEOUT"
	EnvSeed        = "CIAM_SEED"
)

// Config is one run of the suite. The zero value is not usable: start from
// DefaultConfig or ParseFlags.
type Config struct {
	// Endpoint is the base URL of the ListJobs endpoint (scheme://host[:port]). Empty
	// starts the embedded emulator on 127.0.0.1:0 for the run.
	Endpoint string
	// Region is the X-TC-Region of ordinary requests.
	Region string
	// SecretID, SecretKey and Token sign ordinary requests. Empty with the embedded
	// emulator: every "primary" key of the fixture, each scenario one of them in turn
	// (keys of distinct owners spread the load). SecretKey and Token are never printed.
	SecretID  string
	SecretKey string
	Token     string
	// FixturePath is a fixture file describing the endpoint's data. Empty with the
	// embedded emulator: the default fixture (listjobs.DefaultFixture).
	FixturePath string
	// Fixture, when set, is used as is and FixturePath is ignored (for callers that
	// already hold the fixture of the endpoint they started).
	Fixture *fixture.Fixture
	// UserStoreID is the user store data-agnostic scenarios list. Empty: the fixture's
	// "varied" store.
	UserStoreID string
	// Tags is a godog tag filter: ',' is OR, '&&' is AND, '~' is NOT.
	Tags string
	// Format is a comma-separated list of godog formatters, each optionally name:path.
	// Without a path, pretty and progress write to stdout and file formats go to OutDir.
	Format string
	// OutDir receives the report files (junit.xml, cucumber.json, events.ndjson).
	OutDir string
	// Concurrency is the number of scenarios run at once.
	Concurrency int
	// Timeout bounds every HTTP request of the suite.
	Timeout time.Duration
	// Seed, when non-zero, runs scenarios in an order shuffled from it and seeds the
	// embedded emulator's JobSet shuffle, so a run can be repeated; -1 picks one.
	Seed int64
	// TestingT, when set, runs every scenario as a subtest of this test (go test).
	TestingT *testing.T

	// features replaces features.FS (tests of the runner's plumbing).
	features fs.FS
	// newScenarios replaces steps.NewSuite (tests of the runner's plumbing).
	newScenarios func(steps.Target) (func(*godog.ScenarioContext), error)
}

// DefaultConfig is the configuration of a run with no flag and no environment: the
// embedded emulator with its default fixture, every scenario, pretty output.
func DefaultConfig() Config {
	return Config{
		Region:      DefaultRegion,
		Format:      DefaultFormat,
		OutDir:      DefaultOutDir,
		Concurrency: DefaultConcurrency,
		Timeout:     DefaultTimeout,
	}
}

// String describes the configuration without its secrets, so that printing a Config
// by mistake cannot leak them.
func (c Config) String() string {
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = "(embedded emulator)"
	}
	key := "unset"
	if c.SecretKey != "" {
		key = "set"
	}
	return fmt.Sprintf("endpoint=%s region=%s secretId=%s secretKey=%s fixture=%q userStore=%q tags=%q format=%q out=%q concurrency=%d timeout=%s seed=%d",
		endpoint, c.Region, c.SecretID, key, c.FixturePath, c.UserStoreID, c.Tags, c.Format, c.OutDir, c.Concurrency, c.Timeout, c.Seed)
}

// GoString is String, so %#v does not print the secrets either.
func (c Config) GoString() string { return "runner.Config{" + c.String() + "}" }

// flagSpec ties a flag to its environment variable for ParseFlags and the usage text.
type flagSpec struct {
	name, env, usage string
}

// flagSpecs lists the flags in the order --help shows them.
func flagSpecs() []flagSpec {
	return []flagSpec{
		{"endpoint", EnvEndpoint, "base URL of the ListJobs endpoint, e.g. https://ciam.tencentcloudapi.com (default: start the embedded emulator)"},
		{"region", EnvRegion, "X-TC-Region of ordinary requests"},
		{"fixture", EnvFixture, "fixture file describing the endpoint's data (default: the embedded fixture with the embedded emulator; none otherwise)"},
		{"user-store", EnvUserStore, "user store the data-agnostic scenarios list; it must hold jobs (default: the fixture's \"varied\" store)"},
		{"tags", EnvTags, "godog tag filter: ',' = OR, '&&' = AND, '~' = NOT, e.g. '@S1,@S2' or '~@assumed&&~@R1'"},
		{"format", EnvFormat, "godog formatters, comma-separated: pretty, progress, junit, cucumber, events; junit/cucumber/events go to <out>/junit.xml, cucumber.json, events.ndjson; name:path sets a file"},
		{"out", EnvOut, "folder of the report files"},
		{"concurrency", EnvConcurrency, "scenarios run at once"},
		{"timeout", EnvTimeout, "timeout of every HTTP request (Go duration)"},
		{"seed", EnvSeed, "non-zero: shuffle the scenario order (and the embedded emulator's JobSet order) with this seed; -1 picks one"},
	}
}

// ParseFlags builds a Config from command-line arguments and the environment (getenv,
// usually os.Getenv); a flag wins over its variable. Usage and flag errors go to
// output. It returns flag.ErrHelp for -h/--help, and a one-line error for anything
// else that is wrong (the caller exits 2).
func ParseFlags(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	cfg := DefaultConfig()
	fset := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fset.SetOutput(io.Discard) // errors are returned as one line; usage printed on -help only
	usage := map[string]string{}
	for _, s := range flagSpecs() {
		usage[s.name] = s.usage
	}
	fset.StringVar(&cfg.Endpoint, "endpoint", cfg.Endpoint, usage["endpoint"])
	fset.StringVar(&cfg.Region, "region", cfg.Region, usage["region"])
	fset.StringVar(&cfg.FixturePath, "fixture", cfg.FixturePath, usage["fixture"])
	fset.StringVar(&cfg.UserStoreID, "user-store", cfg.UserStoreID, usage["user-store"])
	fset.StringVar(&cfg.Tags, "tags", cfg.Tags, usage["tags"])
	fset.StringVar(&cfg.Format, "format", cfg.Format, usage["format"])
	fset.StringVar(&cfg.OutDir, "out", cfg.OutDir, usage["out"])
	fset.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, usage["concurrency"])
	fset.DurationVar(&cfg.Timeout, "timeout", cfg.Timeout, usage["timeout"])
	fset.Int64Var(&cfg.Seed, "seed", cfg.Seed, usage["seed"])

	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			if output == nil {
				output = io.Discard
			}
			printUsage(output, fset)
			return cfg, flag.ErrHelp
		}
		return cfg, fmt.Errorf("%v (see --help)", err)
	}
	if fset.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q: every option is a flag (see --help)", fset.Arg(0))
	}
	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range flagSpecs() {
		v, ok := lookupEnv(getenv, s.env)
		if given[s.name] || !ok {
			continue
		}
		if err := fset.Set(s.name, v); err != nil {
			return cfg, fmt.Errorf("%s=%q: %v", s.env, v, err)
		}
	}
	cfg.SecretID = getenv(EnvSecretID)
	cfg.SecretKey = getenv(EnvSecretKey)
	cfg.Token = getenv(EnvToken)
	return cfg, nil
}

// lookupEnv reads a variable; empty counts as unset, as in most shells' scripts.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func printUsage(w io.Writer, fset *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: conformance [flags]

Runs the ListJobs (CIAM 2022-03-31) conformance suite against an endpoint, by default
an embedded reference emulator. Exit status: 0 every selected scenario passed, 1 a
scenario failed, 2 the run could not start (bad flag, tag filter, endpoint, credentials,
fixture, or no scenario selected).

Flags (each also read from the environment variable shown; the flag wins):
`)
	for _, s := range flagSpecs() {
		f := fset.Lookup(s.name)
		def := f.DefValue
		if def == "" || def == "0" {
			def = "none"
		}
		fmt.Fprintf(w, "  --%s (env %s, default %s)\n      %s\n", s.name, s.env, def, s.usage)
	}
	fmt.Fprintf(w, `
Credentials (environment only, never flags; the key and token are never printed):
  %s, %s
      the API key that signs ordinary requests; required with --endpoint;
      with the embedded emulator the fixture's "primary" keys are used when unset
  %s
      session token of a temporary key (sent as X-TC-Token)
`, EnvSecretID, EnvSecretKey, EnvToken)
}
