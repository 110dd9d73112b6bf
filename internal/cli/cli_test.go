package cli

import (
	"bytes"
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	for name, c := range map[string]struct {
		args           []string
		code           int
		done           bool
		stdout, stderr string
	}{
		"flags":      {args: []string{"--n", "3"}},
		"help":       {args: []string{"--help"}, code: 0, done: true, stdout: "usage: x [--n N]\n  -n int\n    \tN things\n"},
		"bad flag":   {args: []string{"--m"}, code: 2, done: true, stderr: "x: flag provided but not defined: -m (see --help)\n"},
		"bad value":  {args: []string{"--n", "a"}, code: 2, done: true, stderr: "x: invalid value \"a\" for flag -n: parse error (see --help)\n"},
		"positional": {args: []string{"extra"}, code: 2, done: true, stderr: "x: unexpected argument \"extra\" (see --help)\n"},
	} {
		t.Run(name, func(t *testing.T) {
			fset := flag.NewFlagSet("x", flag.ContinueOnError)
			n := fset.Int("n", 0, "N things")
			var stdout, stderr bytes.Buffer
			code, done := Parse(fset, c.args, "usage: x [--n N]\n", &stdout, &stderr)
			assert.Equal(t, c.code, code)
			assert.Equal(t, c.done, done)
			assert.Equal(t, c.stdout, stdout.String())
			assert.Equal(t, c.stderr, stderr.String())
			if name == "flags" {
				assert.Equal(t, 3, *n)
			}
		})
	}
}
