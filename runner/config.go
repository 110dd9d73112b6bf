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
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

// Defaults of the configuration.
const (
	DefaultRegion = vocab.DefaultRegion
	DefaultFormat = "pretty"
	DefaultOutDir = "out"
	// DefaultConcurrency is the number of scenarios run at once. Scenarios mostly wait
	// (on the pacers, on the clock), so it is well above the cores: enough for the
	// rate-limit scenarios, which start first and wait for second boundaries, and one
	// scenario per owner of the ordinary keys besides.
	DefaultConcurrency = 16
	DefaultTimeout     = 10 * time.Second
	// DefaultDeadline bounds a whole run: the suite takes seconds against the embedded
	// emulator and well under a minute against a real endpoint, so a run still going
	// after this has met a server that answers too slowly.
	DefaultDeadline = 15 * time.Minute
	// DefaultMaxResponse caps the bytes read from one response body: far above the
	// largest legitimate answer (3000 jobs are about 1 MB), low enough that a server
	// streaming without end cannot exhaust the machine.
	DefaultMaxResponse int64 = 256 << 20
	// DefaultReports are the report files written into OutDir.
	DefaultReports = "all"
	// DefaultUserStoreRole is the fixture role of the user store that data-agnostic
	// scenarios list when no --user-store is given.
	DefaultUserStoreRole = "varied"
	// DefaultCredentialRole is the role of the fixture credentials used against the
	// embedded emulator when TENCENTCLOUD_SECRET_ID/KEY are unset: all of them, in turn.
	DefaultCredentialRole = "primary"
)

// Environment variables read by ParseFlags. A flag given on the command line wins over
// its variable. Secrets are read from the environment or from files named by flags,
// never from the command line itself.
const (
	EnvEndpoint  = "CIAM_ENDPOINT"
	EnvRegion    = "TENCENTCLOUD_REGION"
	EnvSecretID  = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey = "TENCENTCLOUD_SECRET_KEY"
	// EnvToken is the session token of a temporary key, the variable the Tencent Cloud
	// SDKs read.
	EnvToken = "TENCENTCLOUD_SESSION_TOKEN"
	// EnvTokenAlias is the name earlier versions of the harness read; it is still
	// read when EnvToken is unset.
	EnvTokenAlias    = "TENCENTCLOUD_SECURITY_TOKEN"
	EnvFixture       = "CIAM_FIXTURE"
	EnvUserStore     = "CIAM_USER_STORE_ID"
	EnvTags          = "CIAM_TAGS"
	EnvFormat        = "CIAM_FORMAT"
	EnvOut           = "CIAM_OUT"
	EnvReports       = "CIAM_REPORTS"
	EnvConcurrency   = "CIAM_CONCURRENCY"
	EnvTimeout       = "CIAM_TIMEOUT"
	EnvDeadline      = "CIAM_DEADLINE"
	EnvSeed          = "CIAM_SEED"
	EnvKnownFailures = "CIAM_KNOWN_FAILURES"
	EnvShard         = "CIAM_SHARD"
	EnvCAFile        = "CIAM_CA_FILE"
	EnvMaxResponse   = "CIAM_MAX_RESPONSE"
	EnvDriver        = "CIAM_DRIVER"
	EnvProfile       = "CIAM_PROFILE"
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
	// junit and cucumber are reports of the harness (Reports), not formatters.
	Format string
	// OutDir receives the report files (see Reports, and the file formats of Format).
	OutDir string
	// Reports lists the reports written into OutDir, comma-separated, among junit,
	// cucumber, ndjson, markdown, html and manifest; "all" (the default) or "none". The
	// files of the others are removed from OutDir.
	Reports string
	// Concurrency is the number of scenarios run at once.
	Concurrency int
	// Timeout bounds every HTTP request of the suite, reading the response included.
	Timeout time.Duration
	// Deadline bounds the whole run; 0 = none. Scenarios still running then fail.
	Deadline time.Duration
	// MaxResponse caps the bytes read from one response body; a longer body fails its
	// scenario.
	MaxResponse int64
	// KnownFailures is the known-failure ledger of the target (see package ledger);
	// empty = none, every failure fails the run.
	KnownFailures string
	// Shard runs one part of the suite, "K/N" (1 <= K <= N): the scenarios whose
	// feature file and name hash to K. Empty: the whole suite.
	Shard string
	// CAFile holds PEM certificates trusted, besides the system's, to verify an https
	// endpoint.
	CAFile string
	// InsecureSkipVerify turns off TLS certificate verification (a test endpoint with
	// a self-signed certificate); the run warns about it.
	InsecureSkipVerify bool
	// AllowInvalidActions lets, against an endpoint other than the embedded emulator,
	// the scenarios run that deliberately send an action other than ListJobs (P1 and
	// the InvalidAction examples of T5 and T7). Without it they are skipped, and the
	// harness refuses to send any action but ListJobs there.
	AllowInvalidActions bool
	// Profile says what the endpoint may take: ProfileAccount ("" too) for a real
	// account (only ListJobs is sent, ordinary requests are signed with the one key of
	// the environment), ProfileEmulator for an emulator the user runs (the
	// invalid-action probes too, and every "primary" key of the fixture signs
	// ordinary requests, each owner its own rate-limit budget, as against the
	// embedded emulator).
	Profile string
	// Name, when set, selects only the scenarios whose name matches this regular
	// expression (besides Tags and Shard).
	Name string
	// List prints the selected scenarios, one line each, and runs none.
	List bool
	// RequireAllRows makes a run exit 1 when a selected contract row was not checked
	// (every scenario of it skipped), for gates that want every row judged. Without
	// it such a run still says INCOMPLETE in its verdict.
	RequireAllRows bool
	// Driver sends the requests (package driver): the wire driver (the zero value),
	// the official Go SDK, or an SDK adapter; scenarios the driver cannot run are
	// skipped with the reason, decided when the run is planned.
	Driver driver.Choice
	// Seed, when non-zero, runs scenarios in an order shuffled from it and seeds the
	// embedded emulator's JobSet shuffle, so a run can be repeated; -1 picks one.
	Seed int64
	// TestingT, when set, runs every scenario as a subtest of this test (go test).
	TestingT *testing.T

	// features replaces features.FS (tests of the runner's plumbing).
	features fs.FS
	// newScenarios replaces steps.NewSuite (tests of the runner's plumbing).
	newScenarios func(steps.Target) (func(*godog.ScenarioContext), error)
	// catalogue replaces steps.Steps() (tests of what derives from it).
	catalogue *steps.Catalogue
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
		Deadline:    DefaultDeadline,
		MaxResponse: DefaultMaxResponse,
		Reports:     DefaultReports,
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
	token := "unset"
	if c.Token != "" {
		token = "set"
	}
	return fmt.Sprintf("endpoint=%s region=%s secretId=%s secretKey=%s token=%s fixture=%q userStore=%q tags=%q shard=%q format=%q out=%q reports=%q concurrency=%d timeout=%s deadline=%s maxResponse=%d seed=%d knownFailures=%q caFile=%q insecureSkipVerify=%t allowInvalidActions=%t requireAllRows=%t driver=%q profile=%q",
		endpoint, c.Region, c.SecretID, key, token, c.FixturePath, c.UserStoreID, c.Tags, c.Shard, c.Format, c.OutDir, c.Reports, c.Concurrency, c.Timeout, c.Deadline, c.MaxResponse, c.Seed, c.KnownFailures, c.CAFile, c.InsecureSkipVerify, c.AllowInvalidActions, c.RequireAllRows, c.Driver.String(), c.Profile)
}

// GoString is String, so %#v does not print the secrets either.
func (c Config) GoString() string { return "runner.Config{" + c.String() + "}" }

// option is one setting of the command line, declared once: its flag, its environment
// variable ("" for a flag only: the switches that lower the harness's guards must be
// asked for explicitly), its help, and the flag.Value that parses it into a Config
// (its default is the Config's value before parsing: DefaultConfig).
type option struct {
	name, env, usage string
	value            func(c *Config, secrets *secretFiles) flag.Value
}

// secretFiles are the files that hold the secrets, which are never read from the
// command line itself.
type secretFiles struct{ key, token string }

// options lists the settings in the order --help shows them.
func options() []option {
	str := func(f func(*Config) *string) func(*Config, *secretFiles) flag.Value {
		return func(c *Config, _ *secretFiles) flag.Value { return (*stringValue)(f(c)) }
	}
	return []option{
		{"endpoint", EnvEndpoint, "base URL of the " + vocab.Action + " endpoint, e.g. https://" + vocab.DefaultHost + " (default: start the embedded emulator)", str(func(c *Config) *string { return &c.Endpoint })},
		{"region", EnvRegion, "X-TC-Region of ordinary requests", str(func(c *Config) *string { return &c.Region })},
		{"driver", EnvDriver, "how the requests are sent: wire (the default: signed HTTP the harness builds, deliberate breaks included), sdk (the official Go SDK " + driver.SDKModule + ", to gate an SDK release; @wire scenarios are skipped), the name of an SDK adapter of drivers/ (node, python, java, tccli: `make drivers` installs them) or exec:'CMD ARGS' (any adapter of DRIVERS.md; CMD ARGS split as a shell splits words, no shell: exec:'sh -c ...' for one)",
			func(c *Config, _ *secretFiles) flag.Value { return driver.Flag{Choice: &c.Driver} }},
		{"secret-id", EnvSecretID, "SecretId of the API key that signs ordinary requests (required with --endpoint)", str(func(c *Config) *string { return &c.SecretID })},
		{"secret-key-file", "", "file holding the SecretKey (default: " + EnvSecretKey + "); the key is never taken from the command line",
			func(_ *Config, f *secretFiles) flag.Value { return (*stringValue)(&f.key) }},
		{"session-token-file", "", "file holding the session token of a temporary key (default: " + EnvToken + ")",
			func(_ *Config, f *secretFiles) flag.Value { return (*stringValue)(&f.token) }},
		{"fixture", EnvFixture, "fixture file describing the endpoint's data (default: the embedded fixture with the embedded emulator; none otherwise)", str(func(c *Config) *string { return &c.FixturePath })},
		{"user-store", EnvUserStore, "user store the data-agnostic scenarios list; it must hold jobs (default: the fixture's \"varied\" store)", str(func(c *Config) *string { return &c.UserStoreID })},
		{"tags", EnvTags, "godog tag filter: ',' = OR, '&&' = AND, '~' = NOT, e.g. '@S1,@S2' or '~@assumed&&~@R1'", str(func(c *Config) *string { return &c.Tags })},
		{"shard", EnvShard, "run one part of the suite, K/N (e.g. 2/4): the scenarios whose feature file and name hash to K; the N shards are disjoint and together the whole suite", str(func(c *Config) *string { return &c.Shard })},
		{"known-failures", EnvKnownFailures, "known-failure ledger of the target (JSON): the scenarios expected to fail, each with a reason; the run fails on a new failure, a listed one that passes, or a listed one that no longer exists", str(func(c *Config) *string { return &c.KnownFailures })},
		{"format", EnvFormat, "godog formatters, comma-separated: pretty, progress, events; events goes to <out>/events.ndjson; name:path sets a file (junit.xml and cucumber.json are --reports)", str(func(c *Config) *string { return &c.Format })},
		{"out", EnvOut, "folder of the report files", str(func(c *Config) *string { return &c.OutDir })},
		{"reports", EnvReports, "reports written into <out>, comma-separated: junit (junit.xml), cucumber (cucumber.json), ndjson (results.ndjson), markdown (summary.md), html (report.html), manifest (manifest.json); all or none; the others' files are removed from <out>", str(func(c *Config) *string { return &c.Reports })},
		{"concurrency", EnvConcurrency, "scenarios run at once", func(c *Config, _ *secretFiles) flag.Value { return (*intValue)(&c.Concurrency) }},
		{"timeout", EnvTimeout, "timeout of every HTTP request, reading the response included (Go duration)", func(c *Config, _ *secretFiles) flag.Value { return (*durationValue)(&c.Timeout) }},
		{"deadline", EnvDeadline, "bound on the whole run (Go duration; 0 = none): scenarios still running then fail", func(c *Config, _ *secretFiles) flag.Value { return (*durationValue)(&c.Deadline) }},
		{"max-response", EnvMaxResponse, "cap on the bytes read from one response body, e.g. 256MB, 64KB, 1048576 (KB, MB, GB are powers of 1024)", func(c *Config, _ *secretFiles) flag.Value { return byteSize{&c.MaxResponse} }},
		{"ca-file", EnvCAFile, "PEM file of CA certificates trusted, besides the system's, to verify an https endpoint", str(func(c *Config) *string { return &c.CAFile })},
		{"insecure-skip-verify", "", "do not verify the endpoint's TLS certificate (a test endpoint with a self-signed certificate); prefer --ca-file", func(c *Config, _ *secretFiles) flag.Value { return (*boolValue)(&c.InsecureSkipVerify) }},
		{"allow-invalid-actions", "", "against an endpoint other than the embedded emulator, also run the scenarios that send an action other than ListJobs (P1, and the InvalidAction examples of T5 and T7); without it they are skipped and only ListJobs is sent", func(c *Config, _ *secretFiles) flag.Value { return (*boolValue)(&c.AllowInvalidActions) }},
		{"profile", EnvProfile, "what the endpoint may take: account (the default, for a real account: only ListJobs is sent, one key signs) or emulator (an emulator of yours: the invalid-action probes too, and every \"primary\" key of the --fixture signs ordinary requests)", str(func(c *Config) *string { return &c.Profile })},
		{"name", "", "run only the scenarios whose name matches this regular expression (with --tags and --shard), e.g. 'near miss'", str(func(c *Config) *string { return &c.Name })},
		{"list", "", "print the selected scenarios (file:line, name, rows, what they need) and run none", func(c *Config, _ *secretFiles) flag.Value { return (*boolValue)(&c.List) }},
		{"require-all-rows", "", "exit 1 when a selected contract row was not checked (every scenario of it skipped); without it such a run only says INCOMPLETE", func(c *Config, _ *secretFiles) flag.Value { return (*boolValue)(&c.RequireAllRows) }},
		{"seed", EnvSeed, "non-zero: shuffle the scenario order (and the embedded emulator's JobSet order) with this seed; -1 picks one", func(c *Config, _ *secretFiles) flag.Value { return (*int64Value)(&c.Seed) }},
	}
}

// The flag.Values of the options, over the fields of a Config.
type (
	stringValue   string
	intValue      int
	int64Value    int64
	boolValue     bool
	durationValue time.Duration
)

func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *intValue) String() string        { return strconv.Itoa(int(*v)) }
func (v *intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	if err != nil {
		return errors.New("parse error")
	}
	*v = intValue(n)
	return nil
}
func (v *int64Value) String() string { return strconv.FormatInt(int64(*v), 10) }
func (v *int64Value) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return errors.New("parse error")
	}
	*v = int64Value(n)
	return nil
}
func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("parse error")
	}
	*v = boolValue(b)
	return nil
}
func (v *boolValue) IsBoolFlag() bool   { return true }
func (v *durationValue) String() string { return time.Duration(*v).String() }
func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("parse error")
	}
	*v = durationValue(d)
	return nil
}

// byteSize is a flag of a number of bytes, with an optional unit.
type byteSize struct{ n *int64 }

func (b byteSize) String() string {
	if b.n == nil {
		return ""
	}
	return formatSize(*b.n)
}

func (b byteSize) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b.n = n
	return nil
}

// Bounds of --max-response: a response smaller than an error envelope cannot be read,
// and more than the machine's memory should not be.
const (
	minMaxResponse int64 = 1 << 10
	maxMaxResponse int64 = 1 << 30
)

// parseSize reads "256MB", "64KB", "1GB", "1048576" (KB, MB, GB are powers of 1024; KiB,
// MiB, GiB and K, M, G are read alike).
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}}
	mult := int64(1)
	upper := strings.ToUpper(t)
	for _, u := range units {
		if strings.HasSuffix(upper, u.suffix) {
			mult, t = u.mult, strings.TrimSpace(t[:len(t)-len(u.suffix)])
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > maxMaxResponse/mult {
		return 0, fmt.Errorf("%q is not a size: want a positive number of bytes with an optional unit KB, MB or GB, e.g. 256MB", s)
	}
	n *= mult
	if n < minMaxResponse || n > maxMaxResponse {
		return 0, fmt.Errorf("%q: want from %s to %s", s, formatSize(minMaxResponse), formatSize(maxMaxResponse))
	}
	return n, nil
}

// formatSize writes a size the way parseSize reads it, in the largest exact unit.
func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return strconv.FormatInt(n, 10)
}

// ParseFlags builds a Config from command-line arguments and the environment (getenv,
// usually os.Getenv); a flag wins over its variable. Usage and flag errors go to
// output. It returns flag.ErrHelp for -h/--help, and a one-line error for anything
// else that is wrong (the caller exits 2).
func ParseFlags(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	cfg := DefaultConfig()
	var files secretFiles
	fset := newFlagSet(&cfg, &files)
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
	if err := fromEnvironment(fset, getenv); err != nil {
		return cfg, err
	}
	var err error
	if cfg.SecretKey, err = secretFrom("--secret-key-file", files.key, getenv(EnvSecretKey)); err != nil {
		return cfg, err
	}
	token, alias := getenv(EnvToken), getenv(EnvTokenAlias)
	if token != "" && alias != "" && token != alias {
		return cfg, fmt.Errorf("%s and %s are both set and differ: set %s only (%s is the older name)", EnvToken, EnvTokenAlias, EnvToken, EnvTokenAlias)
	}
	if token == "" {
		token = alias
	}
	if cfg.Token, err = secretFrom("--session-token-file", files.token, token); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// fromEnvironment sets every flag not given on the command line from its variable.
func fromEnvironment(fset *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range options() {
		if s.env == "" {
			continue
		}
		v, ok := lookupEnv(getenv, s.env)
		if given[s.name] || !ok {
			continue
		}
		if err := fset.Set(s.name, v); err != nil {
			return fmt.Errorf("%s=%q: %v", s.env, v, err)
		}
	}
	return nil
}

// newFlagSet binds the options to cfg and the secret files.
func newFlagSet(cfg *Config, files *secretFiles) *flag.FlagSet {
	fset := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fset.SetOutput(io.Discard) // errors are returned as one line; usage printed on -help only
	for _, o := range options() {
		fset.Var(o.value(cfg, files), o.name, o.usage)
	}
	return fset
}

// maxSecretFile bounds a secret file: a key or a session token is a few KB at most.
const maxSecretFile = 64 << 10

// secretFrom reads a secret from the file a flag names, else returns fromEnv. The
// file's content is never quoted in an error.
func secretFrom(flagName, path, fromEnv string) (string, error) {
	if path == "" {
		return fromEnv, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %v", flagName, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	switch {
	case err != nil:
		return "", fmt.Errorf("%s %s: %v", flagName, path, err)
	case len(b) > maxSecretFile:
		return "", fmt.Errorf("%s %s: larger than %d KB: not a key file", flagName, path, maxSecretFile>>10)
	}
	v := strings.TrimSpace(string(b))
	switch {
	case v == "":
		return "", fmt.Errorf("%s %s is empty", flagName, path)
	case strings.ContainsAny(v, " \t\r\n"):
		return "", fmt.Errorf("%s %s: want the secret alone on one line", flagName, path)
	}
	return v, nil
}

// lookupEnv reads a variable; empty counts as unset, as in most shells' scripts.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}

func printUsage(w io.Writer, fset *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: conformance [flags]
       conformance explore [flags]         (conformance explore --help)
       conformance matrix [flags] DIR...   (conformance matrix --help)

Runs the ListJobs (CIAM 2022-03-31) conformance suite against an endpoint, by default
an embedded reference emulator, and writes its reports into --out. explore draws
requests from everything the contract lets a caller vary instead, and prints each
failure as a scenario; matrix puts the report folders of runs side by side.

Exit status:
  0  every selected scenario passed, was skipped, or is a failure the --known-failures
     ledger lists
  1  a scenario failed (and the ledger does not list it), a listed failure passed or is
     no longer in the suite, or the --deadline was reached
  2  the run could not start: bad flag, tag filter, shard, ledger, endpoint,
     credentials, fixture, or no scenario selected

Flags (each also read from the environment variable shown; the flag wins):
`)
	for _, s := range options() {
		f := fset.Lookup(s.name)
		def := f.DefValue
		if def == "" || def == "0" || def == "false" || def == "0s" {
			def = "none"
		}
		env := "env " + s.env
		if s.env == "" {
			env = "flag only"
		}
		fmt.Fprintf(w, "  --%s (%s, default %s)\n      %s\n", s.name, env, def, s.usage)
	}
	fmt.Fprintf(w, `
Credentials (never printed; the key and the token are never read from the command line):
  %s, %s (or --secret-id, --secret-key-file)
      the API key that signs ordinary requests; required with --endpoint;
      with the embedded emulator the fixture's "primary" keys are used when unset
  %s (or --session-token-file; %s is read too, the older name)
      session token of a temporary key (sent as X-TC-Token)

Against an endpoint other than the embedded emulator the harness sends only ListJobs
requests, paced below the documented 20 requests per second per key owner except in
the rate-limit scenarios. The HTTP proxy comes from HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
`, EnvSecretID, EnvSecretKey, EnvToken, EnvTokenAlias)
}
