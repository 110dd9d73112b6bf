package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/mutation"
)

// TestKnownFailures: --known-failures reaches the runs as Options.KnownFailures; a
// ledger that does not load is refused, in one line, before any run.
func TestKnownFailures(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "known.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"knownFailures": [{"feature": "parameters.feature", "scenario": "x", "reason": "y"}]}`), 0o600))
	var got mutation.Options
	fake := func(_ context.Context, o mutation.Options) (mutation.Report, error) {
		got = o
		return mutation.Report{OK: true}, nil
	}
	var out, errOut bytes.Buffer
	args := []string{"--out", dir, "--only", "filter-ignored", "--quiet", "--driver", "exec:my-adapter", "--known-failures", good}
	require.Equal(t, 0, run(context.Background(), args, &out, &errOut, fake), errOut.String())
	assert.Equal(t, good, got.KnownFailures)

	for _, bad := range []string{filepath.Join(dir, "missing.json"), dir} {
		out.Reset()
		errOut.Reset()
		code := run(context.Background(), []string{"--out", dir, "--known-failures", bad}, &out, &errOut, unused)
		assert.Equal(t, 2, code, bad)
		assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "one line: %q", errOut.String())
		assert.True(t, strings.HasPrefix(errOut.String(), "mutation: --known-failures: "), errOut.String())
	}
}
