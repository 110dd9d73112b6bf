package report

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ciam-harness/listjobs/result"
)

// Record is one line of the NDJSON log: one scenario.
type Record struct {
	// ID is the scenario's case id, its stable key ("S2-near-miss/3"); "" when it has none.
	ID         string        `json:"id"`
	Feature    string        `json:"feature"`
	Line       int64         `json:"line"`
	Name       string        `json:"name"`
	Tags       []string      `json:"tags"`
	Rows       []string      `json:"rows"`
	Status     result.Status `json:"status"`
	DurationMs float64       `json:"durationMs"`
	// Reason: why the scenario was skipped, or the ledger's reason for a known failure.
	Reason  string   `json:"reason,omitempty"`
	Failure *Failure `json:"failure,omitempty"`
	// Skip is the kind of a skip (result.SkipKind's name: "needs-wire"); "" unless the
	// scenario was skipped. Finished is result.Scenario.Finished: a failed scenario whose
	// every step passed, so its tagged rows it is not blamed for were judged. With Rows,
	// Status and Failure.Rows they give the scenario's verdict on each row
	// (ScenarioOf, result.Scenario.Verdict).
	Skip     string `json:"skip,omitempty"`
	Finished bool   `json:"finished,omitempty"`
}

// Failure is what failed in a scenario.
type Failure struct {
	// Rows are the contract rows the failure is blamed on: those of the checks that
	// failed (exact attribution), which may differ from the scenario's tagged rows.
	Rows        []string            `json:"rows"`
	Step        string              `json:"step,omitempty"`
	Error       string              `json:"error"`
	Attachments []result.Attachment `json:"attachments,omitempty"`
}

// RecordOf is the NDJSON record of a scenario.
func RecordOf(s result.Scenario) Record {
	r := Record{ID: s.ID, Feature: s.Feature, Line: s.Line, Name: s.Name, Tags: s.Tags, Rows: s.Rows, Status: s.Status,
		DurationMs: float64(s.Duration.Microseconds()) / 1000, Reason: s.Reason, Skip: s.Skip.String(), Finished: s.Finished}
	if r.Tags == nil {
		r.Tags = []string{}
	}
	if r.Rows == nil {
		r.Rows = []string{}
	}
	if s.Error != "" || s.Step != "" || len(s.Attachments) > 0 {
		r.Failure = &Failure{Rows: s.Failures(), Step: s.Step, Error: s.Error, Attachments: s.Attachments}
		if r.Failure.Rows == nil {
			r.Failure.Rows = []string{}
		}
	}
	return r
}

// NDJSON renders one JSON record per scenario, one per line, in the order of
// run.Scenarios.
func NDJSON(run Run) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, s := range run.Scenarios {
		if err := enc.Encode(RecordOf(s)); err != nil {
			return nil, fmt.Errorf("report: ndjson: %v", err)
		}
	}
	return buf.Bytes(), nil
}
