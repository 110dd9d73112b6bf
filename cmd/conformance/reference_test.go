package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/runner"
)

// helpFlag is one flag as --help prints it: "  --name (env VAR, default D)" or
// "  --name (flag only, default D)".
var helpFlag = regexp.MustCompile(`(?m)^  --([a-z-]+) \((?:env ([A-Z0-9_]+)|flag only), default (.*)\)$`)

// refFlag is one flag as docs/reference.md lists it.
type refFlag struct{ env, def string }

// TestReferenceMatchesHelp holds the flag table of docs/reference.md to --help: the same
// flags, each with the same variable (or "flag only") and default (a default --help calls
// "none" starts with "none" in the table, which may say what that means), and every
// variable --help names is in the page.
func TestReferenceMatchesHelp(t *testing.T) {
	var help bytes.Buffer
	_, err := runner.ParseFlags([]string{"--help"}, func(string) string { return "" }, &help)
	require.True(t, errors.Is(err, flag.ErrHelp), "--help: %v", err)

	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "reference.md"))
	require.NoError(t, err)
	doc := referenceFlags(t, string(page))

	inHelp := map[string]bool{}
	for _, m := range helpFlag.FindAllStringSubmatch(help.String(), -1) {
		name, env, def := m[1], m[2], m[3]
		inHelp[name] = true
		row, ok := doc[name]
		if !assert.True(t, ok, "--%s is in --help, not in docs/reference.md", name) {
			continue
		}
		wantEnv := "flag only"
		if env != "" {
			wantEnv = "`" + env + "`"
		}
		assert.Equal(t, wantEnv, row.env, "--%s: the variable", name)
		if def == "none" {
			assert.True(t, strings.HasPrefix(row.def, "none"), "--%s: --help says no default, the page %q", name, row.def)
		} else {
			assert.True(t, strings.HasPrefix(row.def, "`"+def+"`"), "--%s: --help says default %s, the page %q", name, def, row.def)
		}
	}
	require.Greater(t, len(inHelp), 20, "--help lists the flags:\n%s", help.String())
	for name := range doc {
		if name == "version" || name == "help" { // handled before the flag set
			continue
		}
		assert.True(t, inHelp[name], "docs/reference.md lists --%s, which --help does not", name)
	}

	vars := regexp.MustCompile(`\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b`).FindAllString(help.String(), -1)
	slices.Sort(vars)
	for _, v := range slices.Compact(vars) {
		assert.True(t, strings.Contains(string(page), "`"+v+"`"), "--help names %s; docs/reference.md does not", v)
	}
}

// referenceFlags reads the table of "## conformance flags": flag, variable, default.
func referenceFlags(t *testing.T, page string) map[string]refFlag {
	t.Helper()
	_, section, ok := strings.Cut(page, "\n## conformance flags\n")
	require.True(t, ok, "docs/reference.md has a conformance flags section")
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `--([a-z-]+)` \\| ([^|]*) \\| ([^|]*) \\|")
	flags := map[string]refFlag{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		_, dup := flags[m[1]]
		require.False(t, dup, "--%s twice in docs/reference.md", m[1])
		flags[m[1]] = refFlag{env: strings.TrimSpace(m[2]), def: strings.TrimSpace(m[3])}
	}
	require.NotEmpty(t, flags, "the conformance flags table")
	return flags
}
