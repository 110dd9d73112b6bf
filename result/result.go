// Package result is the one model of what a conformance run's scenarios did: the
// runner records it, the known-failure ledger judges it, and the reports (package
// report) and the mutation tables (package mutation) render it.
package result

import (
	"slices"
	"time"
)

// Status is the outcome of a scenario.
type Status string

// Outcomes. Under strict mode an undefined or pending step fails the run. A known
// failure is a failure the known-failure ledger lists: it is shown, and counted against
// the fidelity score, but it does not fail the run.
const (
	Passed       Status = "passed"
	Failed       Status = "failed"
	Skipped      Status = "skipped"
	Undefined    Status = "undefined"
	Pending      Status = "pending"
	KnownFailure Status = "known-failure"
)

// Failing tells whether the status fails the run (strict mode).
func (s Status) Failing() bool { return s == Failed || s == Undefined || s == Pending }

// Attachment is a text the steps attached to a failing step: "request.txt" (the request
// as sent, secrets redacted), "response.txt" (the response as received), "burst.txt".
type Attachment struct {
	Name string `json:"name"`
	Body string `json:"body"`
}

// Scenario is what one scenario of the run did.
type Scenario struct {
	// ID is its case id (plan.Scenario.ID), its key in the ledger, the reports and the
	// kill tables: "S2-near-miss/3"; "" when the feature file gives it none.
	ID      string
	Feature string   // feature file, e.g. "listing.feature"
	Name    string   // as the reports print it (an outline row with its values)
	Line    int64    // line of the scenario (or outline example row) in Feature; 0 if unknown
	Tags    []string // every tag, with '@', as written on the feature and scenario
	Rows    []string // the contract rows among Tags, without '@', in contract order
	// Blamed are the rows its failure is blamed on (exact attribution): the rows of the
	// checks that failed, which may include rows it is not tagged with. Empty unless it
	// failed (a known failure keeps the rows it failed); a failure that names no row (a
	// step nobody wrote, a harness error) is blamed on every row of Rows (Failures).
	Blamed []string
	// Finished is set on a failed scenario whose every step ran and passed: what failed
	// came after them (a row that holds for every response), so the rows it is tagged
	// with and not blamed for were judged, and passed.
	Finished bool
	Status   Status
	Duration time.Duration
	// Step is the text of the failing step, "" when none failed.
	Step string
	// Error is what failed (secrets removed): the step's message, which names the
	// contract row, the JSON path, the value that came back and what the contract
	// wants. "" when the scenario passed or was skipped.
	Error string
	// Attachments are what the steps of a failing scenario attached.
	Attachments []Attachment
	// Reason says why the scenario was skipped, or is the known-failure ledger's reason
	// for a known failure.
	Reason string
	// Skip is the kind of a skip (SkipNone unless Status is Skipped).
	Skip SkipKind
	// Steps are its steps, in order, each with its own result (Background steps
	// included); none when the scenario did not get to run.
	Steps []Step
}

// Step is what one step of a scenario did. A known failure keeps the real status of
// its steps (its failing step is Failed): the ledger judges the scenario, not a step.
type Step struct {
	Keyword string // as written, with its trailing space: "Given ", "When ", "And "
	Text    string
	Line    int64 // line of the step in the feature file; 0 if unknown
	// Status is Passed, Failed, Skipped (not run: a step before it failed, or the
	// scenario was skipped), Undefined or Pending.
	Status   Status
	Duration time.Duration
	// Error is what failed in the step (secrets removed); "" unless Status fails.
	Error string
}

// Attachment returns the body of the named attachment, or "".
func (s Scenario) Attachment(name string) string {
	for _, a := range s.Attachments {
		if a.Name == name {
			return a.Body
		}
	}
	return ""
}

// Verdict is the scenario's word on one contract row: its status for a row it was
// blamed for (Failed, Undefined, Pending or KnownFailure), Passed or Skipped for a row
// it is tagged with; ok is false when it says nothing of the row: a row it is neither
// tagged with nor blamed for, or a tagged row that its failure is not blamed on (the
// failing check stopped it before it judged that row).
func (s Scenario) Verdict(row string) (st Status, ok bool) {
	if slices.Contains(s.Failures(), row) {
		return s.Status, true
	}
	if !slices.Contains(s.Rows, row) {
		return "", false
	}
	switch {
	case s.Status == Passed, s.Status == Skipped:
		return s.Status, true
	case s.Finished && (s.Status.Failing() || s.Status == KnownFailure):
		return Passed, true
	}
	return "", false
}

// Failures returns the rows the scenario failed: Blamed, or Rows when its failure
// names no row; none unless it failed or is a known failure.
func (s Scenario) Failures() []string {
	switch {
	case !s.Status.Failing() && s.Status != KnownFailure:
		return nil
	case len(s.Blamed) == 0:
		return s.Rows
	}
	return s.Blamed
}

// Worse tells whether a is a worse row verdict than b: failing (Failed, Undefined,
// Pending), then KnownFailure, Passed, Skipped, and nothing ("").
func Worse(a, b Status) bool {
	rank := func(s Status) int {
		switch {
		case s.Failing():
			return 4
		case s == KnownFailure:
			return 3
		case s == Passed:
			return 2
		case s == Skipped:
			return 1
		}
		return 0
	}
	return rank(a) > rank(b)
}

// RowVerdicts returns the verdict of scenarios on every contract row they are tagged
// with or blamed for: the worst of their Verdicts, or Skipped for a row none of them
// has a verdict on (every scenario of the row was skipped, or stopped before it).
func RowVerdicts(scenarios []Scenario) map[string]Status {
	out := map[string]Status{}
	for _, s := range scenarios {
		for _, rows := range [][]string{s.Rows, s.Failures()} {
			for _, row := range rows {
				st, ok := s.Verdict(row)
				if !ok {
					st = Skipped
				}
				if Worse(st, out[row]) {
					out[row] = st
				}
			}
		}
	}
	return out
}
