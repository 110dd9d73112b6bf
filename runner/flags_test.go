package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The flags of reports, known failures, sharding and real endpoints.

func TestParseFlagsRealEndpointFlags(t *testing.T) {
	vars := map[string]string{EnvShard: "2/4", EnvKnownFailures: "known.json", EnvDeadline: "5m", EnvMaxResponse: "64MB",
		EnvCAFile: "ca.pem", EnvReports: "html,manifest"}
	cfg, err := ParseFlags(nil, env(vars), nil)
	require.NoError(t, err)
	assert.Equal(t, "2/4", cfg.Shard)
	assert.Equal(t, "known.json", cfg.KnownFailures)
	assert.Equal(t, 5*time.Minute, cfg.Deadline)
	assert.Equal(t, int64(64<<20), cfg.MaxResponse)
	assert.Equal(t, "ca.pem", cfg.CAFile)
	assert.Equal(t, "html,manifest", cfg.Reports)
	assert.False(t, cfg.InsecureSkipVerify)
	assert.False(t, cfg.AllowInvalidActions)

	cfg, err = ParseFlags([]string{"--shard", "1/2", "--max-response", "1GB", "--deadline", "0", "--insecure-skip-verify",
		"--allow-invalid-actions", "--reports", "none"}, env(vars), nil)
	require.NoError(t, err)
	assert.Equal(t, "1/2", cfg.Shard)
	assert.Equal(t, int64(1<<30), cfg.MaxResponse)
	assert.Zero(t, cfg.Deadline)
	assert.True(t, cfg.InsecureSkipVerify)
	assert.True(t, cfg.AllowInvalidActions)
	assert.Equal(t, "none", cfg.Reports)
}

func TestParseFlagsSwitchesHaveNoVariable(t *testing.T) {
	// The switches that lower a guard are asked for on the command line, never
	// inherited from an environment.
	cfg, err := ParseFlags(nil, env(map[string]string{"CIAM_INSECURE_SKIP_VERIFY": "true", "CIAM_ALLOW_INVALID_ACTIONS": "true"}), nil)
	require.NoError(t, err)
	assert.False(t, cfg.InsecureSkipVerify)
	assert.False(t, cfg.AllowInvalidActions)
	for _, s := range options() {
		if s.name == "insecure-skip-verify" || s.name == "allow-invalid-actions" || strings.HasSuffix(s.name, "-file") && s.name != "ca-file" {
			assert.Empty(t, s.env, s.name)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"256MB": 256 << 20, "256mb": 256 << 20, "64KB": 64 << 10, "64KiB": 64 << 10, "1G": 1 << 30,
		"1048576": 1 << 20, " 2 MB ": 2 << 20, "4096B": 4096} {
		got, err := parseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "MB", "-1MB", "0", "1.5MB", "2GB", "512", "lots", "99999999999999999999"} {
		_, err := parseSize(in)
		assert.Error(t, err, in)
	}
	assert.Equal(t, "256MB", formatSize(256<<20))
	assert.Equal(t, "1GB", formatSize(1<<30))
	assert.Equal(t, "1500", formatSize(1500))
	_, err := ParseFlags([]string{"--max-response", "2GB"}, env(nil), nil)
	assert.ErrorContains(t, err, `invalid value "2GB" for flag -max-response`)
}

func TestParseFlagsSessionToken(t *testing.T) {
	cfg, err := ParseFlags(nil, env(map[string]string{EnvToken: "tok-new"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "tok-new", cfg.Token)
	cfg, err = ParseFlags(nil, env(map[string]string{EnvTokenAlias: "tok-old"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "tok-old", cfg.Token, "the older name is still read")
	cfg, err = ParseFlags(nil, env(map[string]string{EnvToken: "same", EnvTokenAlias: "same"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "same", cfg.Token)
	_, err = ParseFlags(nil, env(map[string]string{EnvToken: "tok-new", EnvTokenAlias: sentinelToken}), nil)
	require.Error(t, err)
	assert.Equal(t, "TENCENTCLOUD_SESSION_TOKEN and TENCENTCLOUD_SECURITY_TOKEN are both set and differ: set TENCENTCLOUD_SESSION_TOKEN only (TENCENTCLOUD_SECURITY_TOKEN is the older name)", err.Error())
}

func TestParseFlagsSecretFiles(t *testing.T) {
	dir := t.TempDir()
	keyFile, tokenFile := filepath.Join(dir, "key"), filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(keyFile, []byte(sentinelKey+"\n"), 0o600))
	require.NoError(t, os.WriteFile(tokenFile, []byte(sentinelToken), 0o600))
	cfg, err := ParseFlags([]string{"--secret-id", "AKIDflag", "--secret-key-file", keyFile, "--session-token-file", tokenFile},
		env(map[string]string{EnvSecretID: "AKIDenv", EnvSecretKey: "env-key", EnvToken: "env-token"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "AKIDflag", cfg.SecretID)
	assert.Equal(t, sentinelKey, cfg.SecretKey, "the file wins over the variable, its newline trimmed")
	assert.Equal(t, sentinelToken, cfg.Token)

	twoLines := filepath.Join(dir, "two")
	require.NoError(t, os.WriteFile(twoLines, []byte(sentinelKey+"\nsecond line\n"), 0o600))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))
	for file, want := range map[string]string{
		filepath.Join(dir, "missing"): "--secret-key-file: open ",
		twoLines:                      "want the secret alone on one line",
		empty:                         "is empty",
	} {
		_, err := ParseFlags([]string{"--secret-key-file", file}, env(nil), nil)
		require.Error(t, err, file)
		assert.Contains(t, err.Error(), want)
		assert.NotContains(t, err.Error(), sentinelKey, "the file's content is never quoted")
	}
}

func TestRunRefusesBadRealEndpointSettings(t *testing.T) {
	srv := okServer(t)
	cases := map[string]struct {
		edit func(*Config)
		want string
	}{
		"negative deadline": {func(c *Config) { c.Deadline = -time.Second }, "--deadline -1s"},
		"tiny cap":          {func(c *Config) { c.MaxResponse = 10 }, "--max-response 10: want from 1KB to 1GB"},
		"bad shard":         {func(c *Config) { c.Shard = "x" }, `--shard "x"`},
		"bad reports":       {func(c *Config) { c.Reports = "pdf" }, `unknown report "pdf"`},
		"missing ledger":    {func(c *Config) { c.KnownFailures = "/nonexistent/known.json" }, "--known-failures: known-failure ledger: open /nonexistent/known.json"},
		"both TLS switches": {func(c *Config) { c.CAFile, c.InsecureSkipVerify = "ca.pem", true }, "not both"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := fakeConfig(t, srv.URL, map[string]string{"plain.feature": plainFeature})
			tc.edit(&cfg)
			res, stdout, stderr := runCfg(t, cfg)
			assert.Equal(t, ExitUsage, res.ExitCode)
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Empty(t, stdout)
		})
	}
}

// A filter leaves out every @assumed scenario only when each alternative says ~@assumed.
func TestExcludes(t *testing.T) {
	for filter, want := range map[string]bool{
		"": false, "~@assumed": true, "@S1&&~@assumed": true, "~@assumed&&@S1,@S2&&~@assumed": true,
		"@S1": false, "~@assumed,@S1": false, "@assumed": false, "~@assumedX": false,
	} {
		assert.Equal(t, want, excludes(filter, "@assumed"), filter)
	}
}
