package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/mutation"
)

func unused(context.Context, mutation.Options) (mutation.Report, error) {
	return mutation.Report{}, errors.New("must not run")
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--parallel", "65"}, {"--clock-parallel", "-2"}, {"--only", "nope"}, {"--only", " , "},
		{"--nope"}, {"extra"}, {"--out", ""}, {"--parallel", "x"}, {"--parallel", "-1"},
		{"--driver", "nope"}, {"--driver", "exec:"}, {"--driver", "exec:'unclosed"},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, &out, &errOut, unused)
		assert.Equal(t, 2, code, "%q", args)
		assert.Equal(t, 1, strings.Count(errOut.String(), "\n"), "one line: %q", errOut.String())
		assert.True(t, strings.HasPrefix(errOut.String(), "mutation: "), errOut.String())
		assert.NotContains(t, errOut.String(), "must not run", "%q is refused before any run", args)
	}
}

func TestHelpAndList(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"--help"}, &out, &errOut, unused))
	assert.Contains(t, out.String(), "Usage: mutation")
	assert.Contains(t, out.String(), "-clock-parallel")

	out.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"--list"}, &out, &errOut, unused))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Len(t, lines, len(mutants.Catalogue()))
	assert.Contains(t, out.String(), "[equivalent: ")

	out.Reset()
	require.Equal(t, 0, run(context.Background(), []string{"--list", "--only", "filter-ignored"}, &out, &errOut, unused))
	assert.Equal(t, 1, strings.Count(out.String(), "\n"))
	assert.Contains(t, out.String(), "filter-ignored")
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		ok   bool
		err  error
		want int
	}{
		{"every mutant killed", true, nil, 0},
		{"a mutant survived", false, nil, 1},
		{"interrupted", false, context.Canceled, 1},
		{"could not run", false, errors.New("no fixture"), 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			var got mutation.Options
			fake := func(_ context.Context, o mutation.Options) (mutation.Report, error) {
				got = o
				return mutation.Report{OK: tc.ok, Reference: mutation.Result{Verdict: mutation.Passed}}, tc.err
			}
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"--out", dir, "--only", "filter-ignored,jobset-sorted", "--parallel", "3", "--quiet"}, &out, &errOut, fake)
			assert.Equal(t, tc.want, code, errOut.String())
			assert.Equal(t, 3, got.Parallel)
			assert.Equal(t, DefaultClockParallel, got.ClockParallel)
			require.Len(t, got.Mutants, 2)
			assert.Nil(t, got.Progress, "--quiet")
			assert.NotNil(t, got.Fixture)
			if tc.want == 2 {
				return
			}
			assert.Contains(t, out.String(), "MUTANT")
			for _, f := range []string{"mutation.json", "mutation.md"} {
				_, err := os.Stat(filepath.Join(dir, f))
				assert.NoError(t, err, f)
			}
		})
	}
}

func TestBadDriver(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, run(context.Background(), []string{"--driver", "grpc"}, &out, &errOut, unused))
	assert.Contains(t, errOut.String(), "mutation: --driver grpc: no adapter drivers/grpc/run")

	// Without Node.js on PATH, --driver node is exit 2 before any suite runs.
	t.Setenv("PATH", t.TempDir())
	errOut.Reset()
	require.Equal(t, 2, run(context.Background(), []string{"--driver", "node", "--out", t.TempDir()}, &out, &errOut, unused))
	assert.Equal(t, "mutation: --driver node: drivers/node: node is not on PATH: install Node.js 18 or later, then run `make drivers`\n", errOut.String())
}

// TestDriverDefaults: --driver reaches mutation.Options, and the parallelism defaults
// follow the driver unless given.
func TestDriverDefaults(t *testing.T) {
	cases := []struct {
		args            []string
		driver          string
		parallel, clock int
	}{
		{nil, "wire", DefaultParallel, DefaultClockParallel},
		{[]string{"--driver", "sdk"}, "sdk", DefaultParallel, DefaultClockParallel},
		{[]string{"--parallel", "0", "--clock-parallel", "0"}, "wire", DefaultParallel, DefaultClockParallel},
		{[]string{"--driver", "exec:my-adapter --flag"}, "exec:my-adapter --flag", AdapterParallel, AdapterClockParallel},
		{[]string{"--driver", "exec:my-adapter", "--parallel", "3"}, "exec:my-adapter", 3, AdapterClockParallel},
		{[]string{"--driver", "exec:my-adapter", "--clock-parallel", "1"}, "exec:my-adapter", AdapterParallel, 1},
	}
	for _, tc := range cases {
		var got mutation.Options
		fake := func(_ context.Context, o mutation.Options) (mutation.Report, error) {
			got = o
			return mutation.Report{OK: true}, nil
		}
		var out, errOut bytes.Buffer
		args := append([]string{"--out", t.TempDir(), "--only", "filter-ignored", "--quiet"}, tc.args...)
		require.Equal(t, 0, run(context.Background(), args, &out, &errOut, fake), errOut.String())
		assert.Equal(t, tc.driver, got.Driver.String(), "%q", tc.args)
		assert.Equal(t, tc.parallel, got.Parallel, "%q", tc.args)
		assert.Equal(t, tc.clock, got.ClockParallel, "%q", tc.args)
	}
}
