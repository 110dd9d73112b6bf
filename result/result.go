// Package result is the one model of what a conformance run's scenarios did: the
// runner records it, the known-failure ledger judges it, and the reports (package
// report) and the mutation tables (package mutation) render it.
package result

import "time"

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
	Feature  string   // feature file, e.g. "listing.feature"
	Name     string   // as the reports print it (an outline row with its values)
	Line     int64    // line of the scenario (or outline example row) in Feature; 0 if unknown
	Tags     []string // every tag, with '@', as written on the feature and scenario
	Rows     []string // the contract rows among Tags, without '@', in contract order
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
