package result

import (
	"fmt"
	"strings"
)

// Outcome is how a run ended.
type Outcome int

// The outcomes of a run.
const (
	// Unknown: no outcome was recorded (the zero value: a run never ends unknown).
	Unknown Outcome = iota
	// Pass: every selected scenario passed, was skipped, or failed as the known-failure
	// ledger says.
	Pass
	// Fail: a scenario failed that the ledger does not list, or a problem of the run
	// (a ledger entry that passed or is gone) failed it.
	Fail
	// Interrupted: the caller stopped the run (a signal).
	Interrupted
	// DeadlineExceeded: the run reached its --deadline.
	DeadlineExceeded
)

var outcomeWords = [...]string{Unknown: "UNKNOWN", Pass: "PASS", Fail: "FAIL", Interrupted: "INTERRUPTED", DeadlineExceeded: "DEADLINE EXCEEDED"}

// String is the outcome in capitals, as the summary prints it: "PASS".
func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeWords) {
		return "UNKNOWN"
	}
	return outcomeWords[o]
}

// MarshalText writes the outcome as its word, for machine-readable reports.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText reads an outcome's word; any other text is an error.
func (o *Outcome) UnmarshalText(b []byte) error {
	for k, w := range outcomeWords {
		if w == string(b) {
			*o = Outcome(k)
			return nil
		}
	}
	return fmt.Errorf("outcome %q: want one of PASS, FAIL, INTERRUPTED, DEADLINE EXCEEDED, UNKNOWN", string(b))
}

// RunVerdict is the verdict of a whole run: its outcome, and the selected contract rows
// no scenario judged (every scenario of the row skipped), which make it incomplete.
type RunVerdict struct {
	Outcome    Outcome
	NotChecked []string
}

// String is the verdict as the summary and the reports print it: "PASS", "FAIL",
// "PASS, INCOMPLETE (rows not checked: T5 A3)".
func (v RunVerdict) String() string {
	s := v.Outcome.String()
	if len(v.NotChecked) > 0 {
		s += ", INCOMPLETE (rows not checked: " + strings.Join(v.NotChecked, " ") + ")"
	}
	return s
}

// Class is the verdict's kind for a report's styling: "passed", "incomplete" (passed,
// but some rows were not checked) or "failed" (any other outcome).
func (v RunVerdict) Class() string {
	switch {
	case v.Outcome != Pass:
		return "failed"
	case len(v.NotChecked) > 0:
		return "incomplete"
	}
	return "passed"
}
