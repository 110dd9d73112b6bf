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
//	    {"id": "S5-empty-store-jobset", "reason": "VX-123: fixed in 2.4"}
//	  ]
//	}
//
// "id" is the scenario's case id as the reports print it (vocab.TagIDPrefix: an outline
// row's with its "/N"), which a new title does not change. A ledger written before the
// ids names a scenario by "feature" (its feature file) and "scenario" (its name as the
// reports print it) instead: such an entry still matches the scenario of that name, and
// the comparison adds a deprecation note that gives the id to key it by.
package ledger

import (
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"

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

// Entry is one known failure: the scenario it names, by its case id (ID) or, in a
// ledger written before the ids, by its feature file and name (deprecated), and why it
// fails.
type Entry struct {
	ID       string `json:"id,omitempty"`
	Feature  string `json:"feature,omitempty"`
	Scenario string `json:"scenario,omitempty"`
	Reason   string `json:"reason"`
}

// ByName tells whether the entry names its scenario by its name, the way of a ledger
// written before the ids.
func (e Entry) ByName() bool { return e.ID == "" }

// Names tells whether the entry names the scenario id: by its case id, or by its feature
// file and name for an entry ByName.
func (e Entry) Names(id ID) bool {
	if e.ByName() {
		return e.Feature == id.Feature && e.Scenario == id.Scenario
	}
	return e.ID == id.Case
}

// String names the scenario of the entry: its case id, or `feature: "scenario"`.
func (e Entry) String() string {
	if e.ByName() {
		return ID{Feature: e.Feature, Scenario: e.Scenario}.String()
	}
	return e.ID
}

// Ledger is a parsed known-failure ledger.
type Ledger struct {
	// Target says which endpoint the ledger describes (free text, optional).
	Target  string  `json:"target,omitempty"`
	Entries []Entry `json:"knownFailures"`
}

// ID names a scenario of the suite: its case id ("" when it has none), its feature file
// and its name.
type ID struct {
	Case              string
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

// Parse reads and validates a ledger; name labels the errors. Unknown fields, an entry
// without an id (nor a feature and a scenario), an id that is not a case id, an id given
// with a feature or a scenario, an empty reason and a scenario listed twice are errors;
// every problem is reported, one per line.
func Parse(name string, data []byte) (*Ledger, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var l Ledger
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("known-failure ledger %s: not a valid ledger: %v (want {\"knownFailures\": [{\"id\", \"reason\"}]})", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("known-failure ledger %s: data after the JSON object", name)
	}
	if l.Entries == nil {
		return nil, fmt.Errorf("known-failure ledger %s: \"knownFailures\" is missing (an empty list [] is fine)", name)
	}
	var errs []error
	seen := map[string]int{}
	for i, e := range l.Entries {
		at := fmt.Sprintf("known-failure ledger %s: knownFailures[%d]", name, i)
		switch {
		case e.ID != "" && (e.Feature != "" || e.Scenario != ""):
			errs = append(errs, fmt.Errorf("%s (%s): give \"id\" alone: \"feature\" and \"scenario\" name a scenario the old way", at, e.ID))
		case e.ID != "" && !vocab.IsScenarioID(e.ID):
			errs = append(errs, fmt.Errorf("%s: \"id\" %q is not a case id: copy it from the reports or features/suite.tsv, e.g. \"S2-near-miss/3\"", at, e.ID))
		case e.ByName() && e.Feature == "" && e.Scenario == "":
			errs = append(errs, fmt.Errorf("%s: \"id\" is missing: name the scenario by its case id, as the reports print it", at))
		case e.ByName() && strings.TrimSpace(e.Feature) == "":
			errs = append(errs, fmt.Errorf("%s: \"feature\" is empty: name the feature file, e.g. \"listing.feature\" (or, better, give the scenario's \"id\")", at))
		case e.ByName() && strings.TrimSpace(e.Scenario) == "":
			errs = append(errs, fmt.Errorf("%s (%s): \"scenario\" is empty: name the scenario as the reports print it (or, better, give its \"id\")", at, e.Feature))
		case strings.TrimSpace(e.Reason) == "":
			errs = append(errs, fmt.Errorf("%s (%s): \"reason\" is empty: say why the failure is known (a ticket, a decision)", at, e))
		default:
			key := "id\x00" + e.ID
			if e.ByName() {
				key = "name\x00" + e.Feature + "\x00" + e.Scenario
			}
			if j, dup := seen[key]; dup {
				errs = append(errs, fmt.Errorf("%s: %s is listed twice (also knownFailures[%d])", at, e, j))
			}
			seen[key] = i
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &l, nil
}

// Lookup returns the entry that names a scenario.
func (l *Ledger) Lookup(id ID) (Entry, bool) {
	if l == nil {
		return Entry{}, false
	}
	for _, e := range l.Entries {
		if e.Names(id) {
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
	// Stale are the listed scenarios the suite does not hold (an id or a name it lacks):
	// they fail the run until removed or corrected in the ledger.
	Stale []Entry
	// Unchecked are the listed scenarios the suite holds but the run did not judge: not
	// selected (tags, shard) or skipped. They do not fail the run.
	Unchecked []Entry
	// Notes are the deprecation notes, one line each: an entry that names by its name a
	// scenario that has an id. They do not fail the run.
	Notes []string
}

// Compare judges a run against the ledger l (nil: an empty ledger). suite holds every
// scenario of the suite, selected or not, so that a listed scenario outside the run's
// tags or shard is not taken for a removed one; results are the scenarios of the run
// (a failure is result.Failed; a scenario skipped, undefined or pending is neither a
// pass nor a failure of the target). An entry by id matches the scenario of that id, an
// entry by name (deprecated) the scenario of that feature file and name.
func Compare(l *Ledger, suite []ID, results []result.Scenario) Verdict {
	var v Verdict
	type name struct{ feature, scenario string }
	byCase, byName := map[string]ID{}, map[name]ID{}
	for _, id := range suite {
		if id.Case != "" {
			byCase[id.Case] = id
		}
		byName[name{id.Feature, id.Scenario}] = id
	}
	caseStatus, nameStatus := map[string]result.Status{}, map[name]result.Status{}
	for _, r := range results {
		id := ID{Case: r.ID, Feature: r.Feature, Scenario: r.Name}
		if id.Case != "" {
			caseStatus[id.Case] = r.Status
		}
		nameStatus[name{id.Feature, id.Scenario}] = r.Status
		if _, listed := l.Lookup(id); !listed && r.Status == result.Failed {
			v.New = append(v.New, id)
		}
	}
	if l == nil {
		return v
	}
	byID := map[string]int{} // the entries by id
	for i, e := range l.Entries {
		if !e.ByName() {
			byID[e.ID] = i
		}
	}
	for i, e := range l.Entries {
		var out result.Status
		var ran, exists bool
		if e.ByName() {
			key := name{e.Feature, e.Scenario}
			out, ran = nameStatus[key]
			var sc ID
			sc, exists = byName[key]
			if j, twice := byID[sc.Case]; exists && twice {
				v.Notes = append(v.Notes, fmt.Sprintf("ledger entry knownFailures[%d] (%s) names by its name the scenario that knownFailures[%d] lists by its id %q: remove knownFailures[%d]", i, e, j, sc.Case, i))
			} else if exists && sc.Case != "" {
				v.Notes = append(v.Notes, fmt.Sprintf("ledger entry knownFailures[%d] (%s) names a scenario by its name; key it by its id %q: {\"id\": %q, \"reason\": ...} (a name changes with the title, the id does not)", i, e, sc.Case, sc.Case))
			}
		} else {
			out, ran = caseStatus[e.ID]
			_, exists = byCase[e.ID]
		}
		switch {
		case !exists && !ran:
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
// failure that passed, no listed scenario that is gone. Notes do not count.
func (v Verdict) OK() bool { return len(v.New) == 0 && len(v.Fixed) == 0 && len(v.Stale) == 0 }

// Problems lists, one line each, why the ledger fails the run about its own entries:
// the listed scenarios that passed or are gone. (New failures are reported with the
// failures themselves.)
func (v Verdict) Problems() []string {
	var out []string
	for _, e := range v.Fixed {
		out = append(out, fmt.Sprintf("%s is listed as a known failure but passed: remove it from the ledger", e))
	}
	for _, e := range v.Stale {
		fix := "remove it from the ledger, or correct its id (the NDJSON report and features/suite.tsv list the ids)"
		if e.ByName() {
			fix = "remove or rename it in the ledger (better: key it by its id)"
		}
		out = append(out, fmt.Sprintf("%s is listed as a known failure but the suite has no such scenario: %s", e, fix))
	}
	return out
}
