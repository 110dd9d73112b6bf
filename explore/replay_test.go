package explore

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/runner"
)

// replay runs a printed feature against the endpoint at url as the suite runs its
// scenarios, and returns the run's exit code and output.
func replay(t *testing.T, feature, url string, fx *fixture.Fixture) (int, string) {
	t.Helper()
	primary, _ := fx.Credential("primary")
	cfg := runner.DefaultConfig()
	cfg.Endpoint, cfg.Fixture, cfg.AllowInvalidActions = url, fx, true
	cfg.SecretID, cfg.SecretKey = primary.SecretID, primary.SecretKey
	cfg.Reports, cfg.Format, cfg.OutDir = "none", "progress", t.TempDir()
	var out, errOut bytes.Buffer
	res := runner.RunFeatures(context.Background(), cfg, fstest.MapFS{"failure.feature": {Data: []byte(feature)}}, &out, &errOut)
	return res.ExitCode, out.String() + errOut.String()
}

// A failure the explorer finds on a mutant is shrunk, names the mutant's row, and is
// printed as a scenario that runs as Gherkin: it fails against the mutant and passes
// against the reference emulator.
func TestPrintedScenarioFailsOnTheMutantAndPassesOnTheReference(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	for _, name := range []string{"filter-ignored", "createddate-seconds"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var mutant mutants.Mutant
			for _, m := range mutants.Catalogue() {
				if m.Name == name {
					mutant = m
				}
			}
			srv, err := mutant.Start(fx)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			rep := explore(t, srv.URL, fx, Options{Seed: 7, Budget: 1500, Duration: 40 * time.Second, MaxFailures: 1, NoProbes: true})
			var found *Failure
			for i, f := range rep.Failures {
				if strings.Contains(" "+strings.Join(f.Rows, " ")+" ", " "+mutant.Row+" ") {
					found = &rep.Failures[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no failure of %s on the mutant %s: %+v", mutant.Row, name, rep.Failures)
			}
			t.Logf("shrunk to %d steps:\n%s", found.Steps, found.Feature)
			if code, out := replay(t, found.Feature, srv.URL, fx); code != runner.ExitFailed {
				t.Errorf("the printed scenario exits %d against the mutant; want %d:\n%s", code, runner.ExitFailed, out)
			} else if !strings.Contains(out, mutant.Row) {
				t.Errorf("the printed scenario fails against the mutant, but not on %s:\n%s", mutant.Row, out)
			}
			ref := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit})
			if code, out := replay(t, found.Feature, ref.URL, fx); code != runner.ExitPassed {
				t.Errorf("the printed scenario exits %d against the reference; want %d:\n%s", code, runner.ExitPassed, out)
			}
		})
	}
}
