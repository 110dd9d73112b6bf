// Package cli holds what the project's small commands share on their command line.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Parse parses args with fset, a flag set of the command's name whose output it
// silences. done is false when the command goes on. Otherwise code is its exit code:
// --help prints usage and the flags on stdout (0); a bad flag or any positional
// argument is one line on stderr, naming the command (2).
func Parse(fset *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (code int, done bool) {
	fset.SetOutput(io.Discard)
	err := fset.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		fset.SetOutput(stdout)
		fset.PrintDefaults()
		return 0, true
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v (see --help)\n", fset.Name(), err)
		return 2, true
	case fset.NArg() > 0:
		fmt.Fprintf(stderr, "%s: unexpected argument %q (see --help)\n", fset.Name(), fset.Arg(0))
		return 2, true
	}
	return 0, false
}
