package mutation

import (
	"bytes"
	"context"
	"testing"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
)

// The explorer as the judge: the reference passes, a mutant is killed on its own row,
// an equivalent mutant passes; the report says which engine judged.
func TestRunExplore(t *testing.T) {
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	if err != nil {
		t.Fatal(err)
	}
	list, err := Select(mutants.Catalogue(), []string{"createddate-seconds", "jobset-sorted"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := RunExplore(context.Background(), Options{Fixture: fx, Mutants: list, Parallel: 3},
		ExploreOptions{Seed: 7, Budget: 300, Duration: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reference.Verdict != Passed {
		t.Errorf("reference: %s %v", rep.Reference.Verdict, rep.Reference.Failed)
	}
	want := map[string]Verdict{"createddate-seconds": Killed, "jobset-sorted": Equivalent}
	for _, m := range rep.Mutants {
		if m.Verdict != want[m.Name] {
			t.Errorf("%s: %s (rows %v); want %s", m.Name, m.Verdict, m.FailedRows, want[m.Name])
		}
	}
	if !rep.OK || rep.Engine == "" {
		t.Errorf("OK %t, engine %q", rep.OK, rep.Engine)
	}
}
