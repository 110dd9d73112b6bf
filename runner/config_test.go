package runner

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseFlagsDefaults(t *testing.T) {
	cfg, err := ParseFlags(nil, env(nil), nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultConfig(), cfg)
	assert.Empty(t, cfg.Endpoint, "the embedded emulator by default")
	assert.Equal(t, "ap-guangzhou", cfg.Region)
	assert.Equal(t, "pretty", cfg.Format)
	assert.Equal(t, "out", cfg.OutDir)
}

func TestParseFlagsEnvironmentAndFlags(t *testing.T) {
	vars := map[string]string{
		EnvEndpoint: "http://env:1", EnvRegion: "ap-shanghai", EnvFixture: "env.json", EnvUserStore: "us-env",
		EnvTags: "@S1", EnvFormat: "progress", EnvOut: "envout", EnvConcurrency: "3", EnvTimeout: "3s", EnvSeed: "7",
		EnvSecretID: "AKIDenv", EnvSecretKey: sentinelKey, EnvToken: sentinelToken,
	}
	cfg, err := ParseFlags(nil, env(vars), nil)
	require.NoError(t, err)
	want := Config{Endpoint: "http://env:1", Region: "ap-shanghai", FixturePath: "env.json", UserStoreID: "us-env",
		Tags: "@S1", Format: "progress", OutDir: "envout", Concurrency: 3, Timeout: 3 * time.Second, Seed: 7,
		SecretID: "AKIDenv", SecretKey: sentinelKey, Token: sentinelToken,
		Reports: DefaultReports, Deadline: DefaultDeadline, MaxResponse: DefaultMaxResponse}
	assert.Equal(t, want, cfg)

	// Flags win over the environment, both --flag and -flag spellings.
	cfg, err = ParseFlags([]string{"--endpoint", "https://flag:2", "-region=ap-beijing", "--fixture", "flag.json",
		"--user-store", "us-flag", "--tags", "~@R1", "--format", "events", "--out", "flagout", "--concurrency", "1",
		"--timeout", "1m", "--seed", "-1"}, env(vars), nil)
	require.NoError(t, err)
	want = Config{Endpoint: "https://flag:2", Region: "ap-beijing", FixturePath: "flag.json", UserStoreID: "us-flag",
		Tags: "~@R1", Format: "events", OutDir: "flagout", Concurrency: 1, Timeout: time.Minute, Seed: -1,
		SecretID: "AKIDenv", SecretKey: sentinelKey, Token: sentinelToken,
		Reports: DefaultReports, Deadline: DefaultDeadline, MaxResponse: DefaultMaxResponse}
	assert.Equal(t, want, cfg)
}

func TestParseFlagsErrors(t *testing.T) {
	cases := []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"--nope"}, nil, "flag provided but not defined: -nope (see --help)"},
		{[]string{"--secret-key", "x"}, nil, "flag provided but not defined: -secret-key (see --help)"},
		{[]string{"--concurrency", "many"}, nil, `invalid value "many" for flag -concurrency: parse error (see --help)`},
		{[]string{"extra"}, nil, `unexpected argument "extra": every option is a flag (see --help)`},
		{nil, map[string]string{EnvTimeout: "soon"}, `CIAM_TIMEOUT="soon": parse error`},
		{nil, map[string]string{EnvConcurrency: "x"}, `CIAM_CONCURRENCY="x": parse error`},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.args, tc.vars), func(t *testing.T) {
			_, err := ParseFlags(tc.args, env(tc.vars), nil)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestParseFlagsHelpListsEveryFlagAndVariable(t *testing.T) {
	var out bytes.Buffer
	_, err := ParseFlags([]string{"--help"}, env(nil), &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, s := range options() {
		if s.env == "" {
			assert.Contains(t, out.String(), "--"+s.name+" (flag only")
			continue
		}
		assert.Contains(t, out.String(), "--"+s.name+" (env "+s.env)
	}
	for _, v := range []string{EnvSecretID, EnvSecretKey, EnvToken, EnvTokenAlias} {
		assert.Contains(t, out.String(), v)
	}
	assert.Contains(t, out.String(), "Exit status:\n  0 ")
	_, err = ParseFlags([]string{"-h"}, env(nil), nil)
	assert.ErrorIs(t, err, flag.ErrHelp, "no writer, no panic")
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SecretID, cfg.SecretKey, cfg.Token = "AKIDvisible", sentinelKey, sentinelToken
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg), fmt.Sprintf("%v", &cfg)} {
		assert.NotContains(t, s, sentinelKey)
		assert.NotContains(t, s, sentinelToken)
		assert.Contains(t, s, "AKIDvisible")
	}
}

func TestValidateTags(t *testing.T) {
	good := []string{"", "@S1", "~@assumed", "@S1,@S2", " @S1 , @S2 ", "@R1&&~@slow", "@a&&@b,~@c", "@signature-v1", "@x:y"}
	for _, f := range good {
		assert.NoError(t, ValidateTags(f), f)
	}
	bad := map[string]string{
		"not @slow":   `"not @slow" is not @tag or ~@tag`,
		"@a and @b":   `"@a and @b" is not @tag or ~@tag`,
		"@a or @b":    `"@a or @b" is not @tag or ~@tag`,
		"(@a,@b)":     `"(@a" is not @tag or ~@tag`,
		"@a,":         "empty alternative (leading, trailing or double ',')",
		",@a":         "empty alternative",
		"@a,,@b":      "empty alternative",
		"@a&&":        "empty term around '&&'",
		"S1":          `"S1" is not @tag or ~@tag`,
		"!@a":         `"!@a" is not @tag or ~@tag`,
		"@a||@b":      `"@a||@b" is not @tag or ~@tag`,
		"@a&@b":       `"@a&@b" is not @tag or ~@tag`,
		"~~@a":        `"~~@a" is not @tag or ~@tag`,
		"@":           `"@" is not @tag or ~@tag`,
		"   ":         "is blank",
		"@a @b":       `"@a @b" is not @tag or ~@tag`,
		"@S1 and ~@x": `is not @tag or ~@tag`,
	}
	for f, want := range bad {
		err := ValidateTags(f)
		if assert.Error(t, err, f) {
			assert.Contains(t, err.Error(), want, f)
			assert.Contains(t, err.Error(), "--tags", f)
			assert.NotContains(t, err.Error(), "\n", "one line")
		}
	}
}

// The filters ValidateTags refuses are real traps: godog panics on an empty term and
// silently selects nothing for Cucumber-expression words.
func TestValidateTagsRefusesGodogTraps(t *testing.T) {
	fsys := fstest.MapFS{"plain.feature": &fstest.MapFile{Data: []byte(plainFeature)}}
	retrieve := func(tags string) (n int, panicked bool) {
		defer func() {
			if recover() != nil {
				panicked = true
			}
		}()
		feats, err := godog.TestSuite{Options: &godog.Options{FS: fsys, Paths: []string{"."}, Tags: tags}}.RetrieveFeatures()
		require.NoError(t, err)
		for _, f := range feats {
			n += len(f.Pickles)
		}
		return n, false
	}
	for _, f := range []string{"@S1,", "@S1,,@S2", "@S1&&"} {
		_, panicked := retrieve(f)
		assert.True(t, panicked, "godog panics on %q", f)
		assert.Error(t, ValidateTags(f))
	}
	// Cucumber-expression words: godog selects nothing, or everything.
	for f, want := range map[string]int{"not @S2": 0, "@S1 or @S2": 0, "~@S1 and ~@S2": 4} {
		n, _ := retrieve(f)
		assert.Equal(t, want, n, "godog's reading of %q", f)
		assert.Error(t, ValidateTags(f))
	}
	n, _ := retrieve("~@S1&&~@S2")
	assert.Equal(t, 2, n, "the godog spelling of the last one")
}

func TestParseFormats(t *testing.T) {
	out := filepath.Join("o", "dir")
	reports, err := parseFormats("pretty,events", out)
	require.NoError(t, err)
	assert.Equal(t, []report{{"pretty", ""}, {"events", filepath.Join(out, "events.ndjson")}}, reports)
	assert.Equal(t, "pretty,events:"+filepath.Join(out, "events.ndjson"), godogFormat(reports))

	reports, err = parseFormats(" progress , events:/tmp/x/e.json ", out)
	require.NoError(t, err)
	assert.Equal(t, []report{{"progress", ""}, {"events", "/tmp/x/e.json"}}, reports)

	bad := map[string]string{
		"":                       "--format is empty",
		"html":                   `unknown formatter "html"`,
		"pretty,":                `unknown formatter ""`,
		"pretty,progress":        "would both write to stdout",
		"events,events":          "would both write",
		"events:":                "has an empty path",
		"pretty,junit":           "junit is no longer a godog formatter: the harness writes junit.xml into --out itself",
		"cucumber:/tmp/c":        "cucumber is no longer a godog formatter: the harness writes cucumber.json into --out itself",
		"events:o/dir/junit.xml": "would write " + filepath.Join(out, "junit.xml") + ", a report of the harness",
	}
	for spec, want := range bad {
		_, err := parseFormats(spec, out)
		if assert.Error(t, err, spec) {
			assert.Contains(t, err.Error(), want, spec)
		}
	}
	_, err = parseFormats("events", "")
	assert.ErrorContains(t, err, "--out is empty: events needs a folder")
}

func TestParseEndpoint(t *testing.T) {
	good := map[string]string{
		"http://127.0.0.1:9000":            "http://127.0.0.1:9000",
		"http://127.0.0.1:9000/":           "http://127.0.0.1:9000",
		"https://ciam.tencentcloudapi.com": "https://ciam.tencentcloudapi.com",
		"http://[::1]:8080":                "http://[::1]:8080",
	}
	for in, want := range good {
		got, err := parseEndpoint(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	bad := map[string]string{
		"127.0.0.1:9000":             "not an http(s) URL",
		"ftp://host":                 "not an http(s) URL",
		"http://":                    "has no host",
		"http://u:p@host":            "must not carry user info",
		"http://host/ciam":           "has a path, query or fragment",
		"http://host/?a=1":           "has a path, query or fragment",
		"http://host#x":              "has a path, query or fragment",
		"http://host:port":           "not an http(s) URL",
		"https://ciam.tencent cloud": "not an http(s) URL",
	}
	for in, want := range bad {
		_, err := parseEndpoint(in)
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), want, in)
			assert.NotContains(t, err.Error(), "u:p", "no user info echoed")
		}
	}
}

// TestRunUsageErrors checks the one-line exit-2 messages of a configuration that
// cannot run; none of them reaches the endpoint or the steps.
func TestRunUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badFixture := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(badFixture, []byte(`{"credentials": [], "userStores": [], "extra": 1}`), 0o644))
	noStore := filepath.Join(dir, "nostore.json")
	require.NoError(t, os.WriteFile(noStore, []byte(`{"credentials":[{"role":"primary","secretId":"AKIDx","secretKey":"k","account":"a","owner":"o"}],"userStores":[{"id":"us-1","account":"a"}]}`), 0o644))

	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"bad tags", func(c *Config) { c.Tags = "not @slow" }, `--tags "not @slow": "not @slow" is not @tag or ~@tag`},
		{"endpoint not http", func(c *Config) { c.Endpoint = "localhost:9000" }, "is not an http(s) URL"},
		{"foreign endpoint without credentials", func(c *Config) { c.SecretID, c.SecretKey = "", "" },
			"--endpoint http://127.0.0.1:1 needs credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"},
		{"key without id", func(c *Config) { c.SecretID = "" }, "set both TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or neither"},
		{"foreign endpoint without user store", func(c *Config) { c.UserStoreID = "" }, "needs a user store that holds jobs: give --user-store"},
		{"missing fixture", func(c *Config) { c.FixturePath = filepath.Join(dir, "missing.json") }, "--fixture: fixture: open"},
		{"invalid fixture", func(c *Config) { c.FixturePath = badFixture }, `--fixture: fixture ` + badFixture + `: not a valid fixture: json: unknown field "extra"`},
		{"user store not in fixture", func(c *Config) { c.FixturePath = noStore; c.UserStoreID = "us-2" }, "--user-store us-2 is not in the fixture"},
		{"user store without jobs", func(c *Config) { c.FixturePath = noStore; c.UserStoreID = "us-1" }, "--user-store us-1 holds no job"},
		{"fixture without varied store", func(c *Config) { c.FixturePath = noStore; c.UserStoreID = "" }, `the fixture has no "varied" user store`},
		{"bad format", func(c *Config) { c.Format = "html" }, `unknown formatter "html"`},
		{"bad concurrency", func(c *Config) { c.Concurrency = 0 }, "--concurrency 0: want 1 to 64"},
		{"bad timeout", func(c *Config) { c.Timeout = 0 }, "--timeout 0s: want a positive duration"},
		{"bad region", func(c *Config) { c.Region = "ap guangzhou" }, `--region "ap guangzhou"`},
		{"bad seed", func(c *Config) { c.Seed = -2 }, "--seed -2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fakeConfig(t, "http://127.0.0.1:1", map[string]string{"plain.feature": plainFeature})
			cfg.newScenarios = func(steps.Target) (func(*godog.ScenarioContext), error) {
				t.Fatal("the steps must not be built")
				return nil, nil
			}
			tc.edit(&cfg)
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			assert.Equal(t, ExitUsage, res.ExitCode)
			assert.Contains(t, stderr.String(), tc.want)
			assert.Regexp(t, `^conformance: [^\n]+\n$`, stderr.String(), "one line")
			assert.Empty(t, stdout.String())
			assert.NotContains(t, stderr.String(), sentinelKey)
		})
	}
}

// TestRunEmbeddedTarget checks what the runner hands the steps with the embedded
// emulator: the default fixture, its primary key and varied store.
func TestRunEmbeddedTarget(t *testing.T) {
	var target steps.Target
	cfg := fakeConfig(t, "", map[string]string{"f.feature": "Feature: f\n  Scenario: s\n    Given it calls the endpoint\n"})
	cfg.SecretID, cfg.SecretKey, cfg.UserStoreID = "", "", ""
	cfg.newScenarios = fakeSteps(&target, nil)
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%s\n%s", stdout, stderr)
	require.NotNil(t, target.Fixture)
	primary, _ := target.Fixture.Credential("primary")
	varied, _ := target.Fixture.UserStore("varied")
	assert.Equal(t, primary.SecretID, target.Credential.SecretID)
	assert.Equal(t, primary.SecretKey, target.Credential.SecretKey)
	// Every "primary" key of the fixture signs ordinary requests, the first one first.
	pool := target.Fixture.CredentialsByRole("primary")
	require.Greater(t, len(pool), 1)
	require.Len(t, target.Credentials, len(pool))
	for i, c := range pool {
		assert.Equal(t, signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token}, target.Credentials[i])
	}
	assert.Equal(t, varied.ID, target.UserStoreID)
	assert.Equal(t, "ap-guangzhou", target.Region)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, target.BaseURL)
	assert.Equal(t, res.Endpoint, target.BaseURL)
	assert.Equal(t, "wire", target.Driver.Name())

	// The emulator is stopped at the end of the run.
	_, err := (&http.Client{Timeout: DefaultTimeout}).Post(target.BaseURL+"/", "application/json", nil)
	assert.Error(t, err, "the embedded emulator still answers after the run")
}

func TestRunEmbeddedWithFixtureKey(t *testing.T) {
	// A key of the embedded fixture itself is fine, e.g. to run as another role.
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	other, ok := fx.Credential("same-owner")
	require.True(t, ok)
	var target steps.Target
	cfg := fakeConfig(t, "", map[string]string{"f.feature": "Feature: f\n  Scenario: s\n    Given it passes\n"})
	cfg.SecretID, cfg.SecretKey, cfg.UserStoreID = other.SecretID, other.SecretKey, ""
	cfg.newScenarios = fakeSteps(&target, nil)
	res, _, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, stderr)
	assert.Equal(t, other.SecretID, target.Credential.SecretID)
	assert.Equal(t, other.SecretKey, target.Credential.SecretKey)
	assert.Equal(t, []signing.Credential{target.Credential}, target.Credentials, "the key given, alone")
}

// Against an endpoint given by URL, the key of the environment alone signs ordinary
// requests, even when the fixture describes more.
func TestRunEndpointUsesTheKeyGiven(t *testing.T) {
	srv := okServer(t)
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	var target steps.Target
	cfg := fakeConfig(t, srv.URL, map[string]string{"f.feature": "Feature: f\n  Scenario: s\n    Given it passes\n"})
	cfg.Fixture, cfg.Token, cfg.UserStoreID = fx, "tok", ""
	cfg.newScenarios = fakeSteps(&target, nil)
	res, _, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, stderr)
	want := signing.Credential{SecretID: "AKIDfake", SecretKey: sentinelKey, Token: "tok"}
	assert.Equal(t, want, target.Credential)
	assert.Equal(t, []signing.Credential{want}, target.Credentials)
}
