package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.feature"), []byte("Feature: a\n\n  @S1\n  Scenario: Every job\n    Given it passes\n"), 0o644))
	cases := []struct {
		args         []string
		code         int
		out, errText string
	}{
		{[]string{"--help"}, 0, "usage: suitelist", ""},
		{[]string{"--dir", dir, "--today", "2026-12-24"}, 0, "suite.tsv: 1 scenarios, written; 1 new ids tagged: @id:S1-every-job", ""},
		{[]string{"--dir", dir}, 0, "1 scenarios, unchanged", ""},
		{[]string{"--nosuch"}, 2, "", "flag provided but not defined"},
		{[]string{"extra"}, 2, "", `unexpected argument "extra"`},
		{[]string{"--today", "24/12/2026"}, 2, "", "want a date YYYY-MM-DD"},
		{[]string{"--dir", filepath.Join(dir, "missing")}, 2, "", "suitelist: "},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		assert.Equal(t, tc.code, code, "%v: %s", tc.args, stderr.String())
		assert.Contains(t, stdout.String(), tc.out, tc.args)
		assert.Contains(t, stderr.String(), tc.errText, tc.args)
	}
	list, err := os.ReadFile(filepath.Join(dir, "suite.tsv"))
	require.NoError(t, err)
	assert.Contains(t, string(list), "S1-every-job\tS1\tdocumented\t\t2026-12-24\ta.feature\tEvery job\n")
}
