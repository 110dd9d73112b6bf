package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocsCIRecipe runs the CI recipe of docs/run.md as written ("Running in CI": make
// build, then bin/conformance): the built binary carries the exit codes of the table to its
// caller, 0 on a conformant endpoint, 1 on a broken one, 2 when the run cannot start,
// and says which commit it was built from.
func TestDocsCIRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries with make")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make on this machine: the recipe cannot run")
	}
	page, err := os.ReadFile(filepath.Join("..", "..", "docs", "run.md"))
	require.NoError(t, err)
	recipe := ciRecipe(t, string(page))
	require.Equal(t, "make build", recipe[0], "the recipe builds with make")

	bin := t.TempDir()
	build := exec.Command("make", "-s", "build", "BIN="+bin)
	build.Dir = filepath.Join("..", "..")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "make build: %s", out)

	run := func(env []string, line string) (int, string) {
		t.Helper()
		args := strings.Fields(line)
		require.Equal(t, "bin/conformance", args[0], line)
		cmd := exec.Command(filepath.Join(bin, "conformance"), args[1:]...)
		cmd.Dir = t.TempDir()
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return 0, buf.String()
		case errors.As(err, &exit):
			return exit.ExitCode(), buf.String()
		}
		t.Fatalf("%s: %v", line, err)
		return -1, ""
	}

	version, suite := recipe[1], recipe[2]
	code, got := run(nil, version)
	require.Equal(t, 0, code, got)
	if git, err := exec.Command("git", "-C", filepath.Join("..", ".."), "rev-parse", "HEAD").Output(); err == nil {
		assert.Contains(t, got, "commit "+strings.TrimSpace(string(git)), "make build stamps the commit")
	}

	code, got = run(nil, suite+" --tags @S1")
	assert.Equal(t, 0, code, "a conformant endpoint (the embedded emulator): %s", got)

	env, _ := brokenEndpoint(t)
	fixturePath, err := filepath.Abs(filepath.Join("..", "..", "testdata", "fixture.json"))
	require.NoError(t, err)
	code, got = run(env, suite+" --tags @S2 --fixture "+fixturePath)
	assert.Equal(t, 1, code, "a broken endpoint: %s", got)

	code, got = run(nil, suite+" --shard 5/4")
	assert.Equal(t, 2, code, "a run that cannot start: %s", got)
}

// ciRecipe returns the command lines of the CI recipe of docs/run.md: the first sh block
// of "## Running in CI", comments and the GitHub Actions line removed.
func ciRecipe(t *testing.T, page string) []string {
	t.Helper()
	_, section, ok := strings.Cut(page, "\n## Running in CI\n")
	require.True(t, ok, "docs/run.md has a Running in CI section")
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(section)
	require.NotNil(t, block, "the section has an sh block")
	var lines []string
	for _, l := range strings.Split(block[1], "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "cat ") {
			lines = append(lines, l)
		}
	}
	require.Len(t, lines, 3, "make build, --version, the suite: %q", lines)
	return lines
}
