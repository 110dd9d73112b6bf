package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/runner"
)

// The explorer's flags are split from the conformance command's, whatever their form.
func TestSplitExploreArgs(t *testing.T) {
	var f exploreFlags
	own := newExploreFlagSet(&f)
	mine, rest := splitExploreArgs([]string{"--seed", "5", "--endpoint", "http://x", "--budget=10", "--no-probes", "-duration", "3s", "--tags", "@S1"}, own)
	assert.Equal(t, []string{"--seed", "5", "--budget=10", "--no-probes", "-duration", "3s"}, mine)
	assert.Equal(t, []string{"--endpoint", "http://x", "--tags", "@S1"}, rest)
	require.NoError(t, own.Parse(mine))
	assert.Equal(t, uint64(5), f.seed)
	assert.Equal(t, int64(10), f.budget)
	assert.True(t, f.noProbes)
}

// Bad input is exit 2 with one line, never a panic: a bad flag of either set, a
// budget that bounds nothing, a feature file that is not there.
func TestExploreRefusesBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--budget", "x"},
		{"--budget", "0", "--duration", "0"},
		{"--budget", "-1"},
		{"--concurrency", "0"},
		{"--replay", filepath.Join(t.TempDir(), "none.feature")},
		{"--endpoint", "http://127.0.0.1:1"}, // no key, no fixture
	} {
		var out, errOut bytes.Buffer
		code := exploreCommand(context.Background(), args, func(string) string { return "" }, &out, &errOut)
		assert.Equal(t, runner.ExitUsage, code, "%v: %s%s", args, out.String(), errOut.String())
		assert.NotEmpty(t, errOut.String(), "%v", args)
	}
	var out bytes.Buffer
	assert.Equal(t, runner.ExitPassed, exploreCommand(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, &out))
	assert.Contains(t, out.String(), "--budget")
}

// A short exploration of the embedded emulator passes, writes its report, and says its seed.
func TestExploreEmbedded(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := exploreCommand(context.Background(), []string{"--seed", "11", "--budget", "120", "--duration", "20s", "--no-probes", "--out", dir},
		func(string) string { return "" }, &out, &errOut)
	require.Equal(t, runner.ExitPassed, code, "%s\n%s", out.String(), errOut.String())
	assert.Contains(t, out.String(), "seed 11")
	assert.Contains(t, out.String(), "PASS (exit 0)")
	_, err := os.Stat(filepath.Join(dir, "explore", "explore.json"))
	assert.NoError(t, err)
}

// docs/reference.md lists the explorer's flags with their defaults, and no other.
func TestReferenceListsExploreFlags(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "reference.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(page), "\n## conformance explore\n")
	require.True(t, ok, "docs/reference.md has a conformance explore section")
	section, _, _ = strings.Cut(section, "\n## ")
	rows := regexp.MustCompile("(?m)^\\| `--([a-z-]+)` \\| ([^|]*) \\|").FindAllStringSubmatch(section, -1)
	doc := map[string]string{}
	for _, m := range rows {
		doc[m[1]] = strings.TrimSpace(m[2])
	}
	var f exploreFlags
	n := 0
	newExploreFlagSet(&f).VisitAll(func(fl *flag.Flag) {
		n++
		def, ok := doc[fl.Name]
		if !assert.True(t, ok, "--%s is not in docs/reference.md", fl.Name) {
			return
		}
		switch fl.DefValue {
		case "", "false":
			assert.True(t, strings.HasPrefix(def, "none") || strings.HasPrefix(def, "off"), "--%s: %q", fl.Name, def)
		default:
			assert.True(t, strings.HasPrefix(def, "`"+fl.DefValue+"`"), "--%s: the default %s, the page %q", fl.Name, fl.DefValue, def)
		}
	})
	assert.Len(t, doc, n, "docs/reference.md lists flags explore does not have")
}
