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
	src := filepath.Join(dir, "src")
	require.NoError(t, os.MkdirAll(src, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "p.go"), []byte("package p\n\nif newCheck() {\n"), 0o644))
	write := func(status string) string {
		p := filepath.Join(dir, status+".json")
		body := `{"files":[{"file_name":"p.go","mutations":[{"type":"CONDITIONALS_NEGATION","status":"KILLED","line":3,"column":1},` +
			`{"type":"CONDITIONALS_NEGATION","status":"` + status + `","line":3,"column":1}]}]}`
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	for name, c := range map[string]struct {
		args []string
		code int
		out  string
	}{
		"every survivor explained": {[]string{"--report", write("KILLED"), "--src", src}, 0, "PASS: every survivor is explained"},
		"a survivor unexplained":   {[]string{"--report", write("LIVED"), "--src", src}, 1, "`p.go:3:1` CONDITIONALS_NEGATION: `if newCheck() {`"},
		"no report":                {[]string{"--report", filepath.Join(dir, "none.json"), "--src", src}, 2, ""},
		"a bad flag":               {[]string{"--nope"}, 2, ""},
		"an argument":              {[]string{"extra"}, 2, ""},
		"help":                     {[]string{"--help"}, 0, "usage: mechanical"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		assert.Equal(t, c.code, code, "%s: %s %s", name, stdout.String(), stderr.String())
		assert.Contains(t, stdout.String(), c.out, name)
		if c.code == 2 {
			assert.NotEmpty(t, stderr.String()+stdout.String(), name)
		}
	}
	assert.FileExists(t, filepath.Join(dir, "mechanical.md"))
}
