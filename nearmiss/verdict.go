package nearmiss

import (
	"slices"
	"strings"
)

// Outcome is what the contract says a near miss gets.
type Outcome int

// The outcomes. The zero Outcome is invalid, so a verdict written without one is caught.
const (
	// Refused: a value that differs, answered as its row says (Verdict.Codes, Under,
	// NoMatch, or for a response value: the check of its row refuses it).
	Refused Outcome = iota + 1
	// Accepted: the contract says it is the same value (another spelling the carrier
	// decodes, a media type's case), or allows it (an optional member named otherwise).
	Accepted
	// NotAsserted: the contract does not say; Reason names the gap. No scenario.
	NotAsserted
	// NotApplicable: the member cannot be sent this way, or it is not a near miss of
	// this value (it signs or sends the same thing). No scenario.
	NotApplicable
)

// String names the outcome as the feature file's comments do.
func (o Outcome) String() string {
	switch o {
	case Refused:
		return "refused"
	case Accepted:
		return "accepted"
	case NotAsserted:
		return "not asserted"
	case NotApplicable:
		return "not applicable"
	}
	return "invalid outcome"
}

// Verdict is what one member of one value gets, and why.
type Verdict struct {
	Outcome Outcome
	// Codes are the error codes of a refusal: any of them conforms (more than one when
	// the near miss breaks two rows at once, which no row orders).
	Codes []string
	// Under is, for a refusal, the code whose sub-codes (and itself) all conform.
	Under string
	// NoMatch is a refusal that is a success matching nothing (a JobIds id: S3).
	NoMatch bool
	// Rows are the rows that say so: for an acceptance, in place of the value's own (T2
	// for a query value percent-encoded); for a refusal, besides them (P9 for an empty
	// UserStoreId).
	Rows []string
	// Also are rows a refused near miss breaks as well (A5, when it is not of the
	// Authorization's form either): its scenario is tagged with them, and judged by
	// them too.
	Also []string
	// Reason says why, for every verdict but the value's own refusal.
	Reason string
}

// refused is a refusal with one of codes.
func refused(reason string, codes ...string) Verdict {
	return Verdict{Outcome: Refused, Codes: codes, Reason: reason}
}

// under is a refusal with a code under code.
func under(code, reason string) Verdict {
	return Verdict{Outcome: Refused, Under: code, Reason: reason}
}

// accepted is the same value, or one the contract allows, by rows.
func accepted(reason string, rows ...string) Verdict {
	return Verdict{Outcome: Accepted, Rows: rows, Reason: reason}
}

func notAsserted(reason string) Verdict   { return Verdict{Outcome: NotAsserted, Reason: reason} }
func notApplicable(reason string) Verdict { return Verdict{Outcome: NotApplicable, Reason: reason} }

// Runs tells whether the verdict becomes a scenario or an explorer case.
func (v Verdict) Runs() bool { return v.Outcome == Refused || v.Outcome == Accepted }

// Says is the verdict in words: "gets AuthFailure.SecretIdNotFound", "is accepted".
func (v Verdict) Says() string {
	switch {
	case v.Outcome == Accepted:
		return "is accepted"
	case v.Outcome != Refused:
		return v.Outcome.String()
	case v.NoMatch:
		return "matches no job"
	case v.Under != "":
		return "gets an error with a code under " + v.Under
	case len(v.Codes) > 0:
		return "gets " + strings.Join(v.Codes, " or ")
	}
	return "is refused"
}

// same tells verdicts that judge alike: one scenario outline can hold both.
func (v Verdict) same(w Verdict) bool {
	return v.Outcome == w.Outcome && slices.Equal(v.Codes, w.Codes) && v.Under == w.Under &&
		v.NoMatch == w.NoMatch && slices.Equal(v.Rows, w.Rows) && slices.Equal(v.Also, w.Also)
}
