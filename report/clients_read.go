package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
)

// Reading the inputs of the client matrix: report folders (ReadClientRun) and an
// sdk-mutation report (ReadSDKMutation). Every error names the file.

// maxResultsLine bounds one line of results.ndjson (a failure's attachments included).
const maxResultsLine = 64 << 20

// ClientRun is one report folder: a run of the suite through one client.
type ClientRun struct {
	Dir   string // the folder, as given
	Label string // the column's name: given, or the driver of the manifest
	// Manifest is the run's manifest.json (its Duration read from durationSeconds).
	Manifest  Manifest
	Scenarios []result.Scenario
	// Reports are the human reports found in Dir (report.html, summary.md), by file name.
	Reports []string
}

// ReadClientRun reads a report folder: its manifest.json and results.ndjson, both
// required. An empty label gives the manifest's driver ("wire" when it names none).
// Every error names the file and what is wrong with it.
func ReadClientRun(dir, label string) (ClientRun, error) {
	run := ClientRun{Dir: dir, Label: strings.TrimSpace(label)}
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return run, fmt.Errorf("report folder %s: %v", dir, errors.Unwrap(err))
	case !st.IsDir():
		return run, fmt.Errorf("report folder %s: not a folder", dir)
	}
	if run.Manifest, err = readManifest(filepath.Join(dir, ManifestFile)); err != nil {
		return run, err
	}
	if run.Scenarios, err = readScenarios(filepath.Join(dir, NDJSONFile)); err != nil {
		return run, err
	}
	if run.Label == "" {
		run.Label = cmpOr(run.Manifest.Driver, "wire")
	}
	for _, f := range []string{HTMLFile, MarkdownFile} {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil && st.Mode().IsRegular() {
			run.Reports = append(run.Reports, f)
		}
	}
	return run, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fileError is the error of a file that is missing, unreadable or not what it should be.
func fileError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: missing: not a report folder of a run (conformance --out writes it)", path)
	}
	return fmt.Errorf("%s: %v", path, err)
}

// readManifest reads a manifest.json (ManifestJSON's format).
func readManifest(path string) (Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, fileError(path, err)
	}
	var doc struct {
		Manifest
		DurationSeconds float64 `json:"durationSeconds"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return Manifest{}, fileError(path, fmt.Errorf("not a manifest: %v", err))
	}
	if doc.Harness.Module == "" && doc.Endpoint == "" && doc.Verdict == "" {
		return Manifest{}, fileError(path, errors.New("not a manifest: it names no harness, endpoint or verdict"))
	}
	m := doc.Manifest
	m.Duration = time.Duration(doc.DurationSeconds * float64(time.Second))
	return m, nil
}

// statuses are the statuses a record may have.
var statuses = []result.Status{result.Passed, result.Failed, result.Skipped, result.Undefined, result.Pending, result.KnownFailure}

// readScenarios reads a results.ndjson back into scenarios (ScenarioOf each record).
func readScenarios(path string) ([]result.Scenario, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	var out []result.Scenario
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, maxResultsLine)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, fileError(path, fmt.Errorf("line %d: not a result record: %v", n, err))
		}
		if err := checkRecord(rec); err != nil {
			return nil, fileError(path, fmt.Errorf("line %d: %v", n, err))
		}
		out = append(out, ScenarioOf(rec))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("a line longer than %d MiB", maxResultsLine>>20)
		}
		return nil, fileError(path, err)
	}
	return out, nil
}

// checkRecord refuses a record that is not one a run writes: an unknown status, a row
// or case id that is not one.
func checkRecord(rec Record) error {
	if !slices.Contains(statuses, rec.Status) {
		return fmt.Errorf("status %q is not one of %s", rec.Status, joinStatuses(statuses))
	}
	if rec.ID != "" && !vocab.IsScenarioID(rec.ID) {
		return fmt.Errorf("id %q is not a case id", rec.ID)
	}
	rows := slices.Clone(rec.Rows)
	if rec.Failure != nil {
		rows = append(rows, rec.Failure.Rows...)
	}
	for _, r := range rows {
		if !vocab.IsRow(r) {
			return fmt.Errorf("row %q is not a contract row", r)
		}
	}
	return nil
}

func joinStatuses(sts []result.Status) string {
	s := make([]string, len(sts))
	for i, st := range sts {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}

// ScenarioOf is the scenario a record of results.ndjson describes, as far as the record
// says: enough for its verdict on every row (result.Scenario.Verdict). A skip kind it
// does not know (a newer harness's) is SkipOther; a record without one (an older
// harness's) keeps SkipNone, and its reason.
func ScenarioOf(rec Record) result.Scenario {
	s := result.Scenario{ID: rec.ID, Feature: rec.Feature, Line: rec.Line, Name: rec.Name, Tags: rec.Tags, Rows: rec.Rows,
		Status: rec.Status, Duration: time.Duration(rec.DurationMs * float64(time.Millisecond)), Reason: rec.Reason,
		Finished: rec.Finished, Skip: skipKindOf(rec.Skip)}
	if f := rec.Failure; f != nil {
		s.Blamed, s.Step, s.Error, s.Attachments = f.Rows, f.Step, f.Error, f.Attachments
	}
	return s
}

// skipKindOf is the kind of a name (result.SkipKind.String).
func skipKindOf(name string) result.SkipKind {
	if name == "" {
		return result.SkipNone
	}
	for k := result.SkipNone + 1; ; k++ {
		switch k.String() {
		case name:
			return k
		case "other":
			if k != result.SkipOther { // past the last kind
				return result.SkipOther
			}
		}
	}
}

// SDKMutationFile is the report of cmd/sdk-mutation, read for the kill counts.
const SDKMutationFile = "sdk-mutation.json"

// Kills are the broken-SDK kill counts of one client (driver), from an sdk-mutation report.
type Kills struct {
	Driver string
	// Breaking SDKs (neither the control nor equivalent): how many, how many killed on a
	// row they name, and the names of the others.
	Breaking, Killed int
	Missed           []string
	// Equivalent SDKs: how many, how many passed.
	Equivalent, EquivalentPassed int
	// Control is the verdict on the unpatched copy ("passed"); "" when the report has none.
	Control string
}

// String is "12 of 13 broken SDKs killed (missed: x), 3 of 3 equivalent passed, control passed".
func (k Kills) String() string {
	s := fmt.Sprintf("%d of %d broken SDKs killed", k.Killed, k.Breaking)
	if len(k.Missed) > 0 {
		s += " (not killed: " + strings.Join(k.Missed, ", ") + ")"
	}
	s += fmt.Sprintf(", %d of %d equivalent passed", k.EquivalentPassed, k.Equivalent)
	if k.Control != "" {
		s += ", control " + k.Control
	}
	return s
}

// SDKMutation is what the matrix reads of an sdk-mutation report: its kill counts by driver.
type SDKMutation struct {
	Path    string
	Started time.Time
	Kills   map[string]Kills
}

// ReadSDKMutation reads an sdk-mutation.json (cmd/sdk-mutation --out): the verdict on each
// broken SDK, by driver.
func ReadSDKMutation(path string) (*SDKMutation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: missing (cmd/sdk-mutation --out writes sdk-mutation.json)", path)
		}
		return nil, fileError(path, err)
	}
	var doc struct {
		Started *time.Time `json:"started"`
		Results *[]struct {
			Name       string            `json:"name"`
			Driver     string            `json:"driver"`
			Equivalent string            `json:"equivalent"`
			Edits      []json.RawMessage `json:"edits"`
			Verdict    string            `json:"verdict"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fileError(path, fmt.Errorf("not an sdk-mutation report: %v", err))
	}
	if doc.Results == nil {
		return nil, fileError(path, errors.New("not an sdk-mutation report: no results"))
	}
	out := &SDKMutation{Path: path, Kills: map[string]Kills{}}
	if doc.Started != nil {
		out.Started = *doc.Started
	}
	for i, r := range *doc.Results {
		if r.Name == "" || r.Driver == "" || r.Verdict == "" {
			return nil, fileError(path, fmt.Errorf("results[%d]: a broken SDK needs a name, a driver and a verdict", i))
		}
		k := out.Kills[r.Driver]
		k.Driver = r.Driver
		switch {
		case len(r.Edits) == 0:
			k.Control = r.Verdict
		case r.Equivalent != "":
			k.Equivalent++
			if r.Verdict == "equivalent" {
				k.EquivalentPassed++
			}
		default:
			k.Breaking++
			if r.Verdict == "killed" {
				k.Killed++
			} else {
				k.Missed = append(k.Missed, r.Name+": "+r.Verdict)
			}
		}
		out.Kills[r.Driver] = k
	}
	return out, nil
}
