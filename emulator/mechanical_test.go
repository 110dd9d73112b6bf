//go:build mechanical

package emulator_test

// The only test of this package under the build tag mechanical: the conformance suite,
// whole, against the embedded emulator built from this package's code. gremlins runs it
// against each mechanical mutant of the emulator (make mutation-mechanical, MUTATION.md);
// every other test file of the package carries //go:build !mechanical.

import (
	"context"
	"io"
	"testing"

	"github.com/ciam-harness/listjobs/runner"
)

func TestConformanceSuite(t *testing.T) {
	cfg := runner.DefaultConfig()
	cfg.Format, cfg.Reports, cfg.Seed = "progress", "none", 1
	res := runner.Run(context.Background(), cfg, io.Discard, io.Discard)
	if res.ExitCode != runner.ExitPassed {
		t.Fatalf("the suite fails against the emulator (exit %d): rows %v %v", res.ExitCode, res.FailedRows(), res.Err)
	}
}
