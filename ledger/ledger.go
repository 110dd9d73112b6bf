// Package ledger reads a known-failure ledger, the list of scenarios that are expected
// to fail against one target, each with the reason, and compares a run with it.
//
// The comparison is strict, so that the ledger never rots: the run fails on a failure
// the ledger does not list, on a listed failure that now passes (remove it from the
// ledger), and on a listed scenario that the suite no longer holds.
//
// A ledger is a JSON file:
//
//	{
//	  "target": "Vendor X emulator 2.3",
//	  "knownFailures": [
//	    {"feature": "listing.feature", "scenario": "An empty result ...", "reason": "VX-123: fixed in 2.4"}
//	  ]
//	}
//
// "feature" is the feature file as the reports name it, "scenario" the scenario's name
// as the reports print it (an outline row with its placeholders filled in).
package ledger

import (
	"github.com/ciam-harness/listjobs/result"

	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxFile bounds a ledger file: a ledger lists scenarios of one suite, a few KB.
const maxFile = 4 << 20

// Entry is one known failure.
type Entry struct {
	Feature  string `json:"feature"`
	Scenario string `json:"scenario"`
	Reason   string `json:"reason"`
}

// ID returns the scenario the entry names.
func (e Entry) ID() ID { return ID{Feature: e.Feature, Scenario: e.Scenario} }

// Ledger is a parsed known-failure ledger.
type Ledger struct {
	// Target says which endpoint the ledger describes (free text, optional).
	Target  string  `json:"target,omitempty"`
	Entries []Entry `json:"knownFailures"`
}

// ID names a scenario: its feature file and its name.
type ID struct {
	Feature, Scenario string
}

// String returns `feature: "scenario"`.
func (id ID) String() string { return fmt.Sprintf("%s: %q", id.Feature, id.Scenario) }

// Load reads and validates the ledger file at path.
func Load(path string) (*Ledger, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("known-failure ledger: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("known-failure ledger %s: %v", path, err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("known-failure ledger %s: larger than %d MB", path, maxFile>>20)
	}
	return Parse(path, data)
}

// Parse reads and validates a ledger; name labels the errors. Unknown fields, a missing
// feature, scenario or reason, and a scenario listed twice are errors; every problem is
// reported, one per line.
func Parse(name string, data []byte) (*Ledger, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var l Ledger
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("known-failure ledger %s: not a valid ledger: %v (want {\"knownFailures\": [{\"feature\", \"scenario\", \"reason\"}]})", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("known-failure ledger %s: data after the JSON object", name)
	}
	if l.Entries == nil {
		return nil, fmt.Errorf("known-failure ledger %s: \"knownFailures\" is missing (an empty list [] is fine)", name)
	}
	var errs []error
	seen := map[ID]int{}
	for i, e := range l.Entries {
		at := fmt.Sprintf("known-failure ledger %s: knownFailures[%d]", name, i)
		switch {
		case strings.TrimSpace(e.Feature) == "":
			errs = append(errs, fmt.Errorf("%s: \"feature\" is empty: name the feature file, e.g. \"listing.feature\"", at))
		case strings.TrimSpace(e.Scenario) == "":
			errs = append(errs, fmt.Errorf("%s (%s): \"scenario\" is empty: name the scenario as the reports print it", at, e.Feature))
		case strings.TrimSpace(e.Reason) == "":
			errs = append(errs, fmt.Errorf("%s (%s): \"reason\" is empty: say why the failure is known (a ticket, a decision)", at, e.ID()))
		default:
			if j, dup := seen[e.ID()]; dup {
				errs = append(errs, fmt.Errorf("%s: %s is listed twice (also knownFailures[%d])", at, e.ID(), j))
			}
			seen[e.ID()] = i
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &l, nil
}

// Lookup returns the entry of a scenario.
func (l *Ledger) Lookup(id ID) (Entry, bool) {
	if l == nil {
		return Entry{}, false
	}
	for _, e := range l.Entries {
		if e.ID() == id {
			return e, true
		}
	}
	return Entry{}, false
}

// Verdict compares a run with a ledger.
type Verdict struct {
	// Known are the listed scenarios that failed, as expected.
	Known []Entry
	// New are the failures the ledger does not list: they fail the run.
	New []ID
	// Fixed are the listed scenarios that passed: they fail the run until removed from
	// the ledger.
	Fixed []Entry
	// Stale are the listed scenarios the suite does not hold (renamed or removed): they
	// fail the run until removed or renamed in the ledger.
	Stale []Entry
	// Unchecked are the listed scenarios the suite holds but the run did not judge: not
	// selected (tags, shard) or skipped. They do not fail the run.
	Unchecked []Entry
}

// Compare judges a run against the ledger l (nil: an empty ledger). suite holds every
// scenario of the suite, selected or not, so that a listed scenario outside the run's
// tags or shard is not taken for a removed one; results are the scenarios of the run
// (a failure is result.Failed; a scenario skipped, undefined or pending is neither a
// pass nor a failure of the target).
func Compare(l *Ledger, suite []ID, results []result.Scenario) Verdict {
	var v Verdict
	exists := make(map[ID]bool, len(suite))
	for _, id := range suite {
		exists[id] = true
	}
	judged := map[ID]result.Status{}
	for _, r := range results {
		id := ID{Feature: r.Feature, Scenario: r.Name}
		judged[id] = r.Status
		if _, listed := l.Lookup(id); !listed && r.Status == result.Failed {
			v.New = append(v.New, id)
		}
	}
	if l == nil {
		return v
	}
	for _, e := range l.Entries {
		switch out, ran := judged[e.ID()]; {
		case !exists[e.ID()] && !ran:
			v.Stale = append(v.Stale, e)
		case !ran || (out != result.Passed && out != result.Failed):
			v.Unchecked = append(v.Unchecked, e)
		case out == result.Failed:
			v.Known = append(v.Known, e)
		default:
			v.Fixed = append(v.Fixed, e)
		}
	}
	return v
}

// OK tells whether the run passes as far as the ledger goes: no new failure, no listed
// failure that passed, no listed scenario that is gone.
func (v Verdict) OK() bool { return len(v.New) == 0 && len(v.Fixed) == 0 && len(v.Stale) == 0 }

// Problems lists, one line each, why the ledger fails the run about its own entries:
// the listed scenarios that passed or are gone. (New failures are reported with the
// failures themselves.)
func (v Verdict) Problems() []string {
	var out []string
	for _, e := range v.Fixed {
		out = append(out, fmt.Sprintf("%s is listed as a known failure but passed: remove it from the ledger", e.ID()))
	}
	for _, e := range v.Stale {
		out = append(out, fmt.Sprintf("%s is listed as a known failure but the suite has no such scenario: remove or rename it in the ledger", e.ID()))
	}
	return out
}
