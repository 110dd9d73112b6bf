package steps

import (
	"errors"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/result"
)

// SkipError ends a scenario that was not judged, with the kind of skip and the reason.
// It is godog.ErrSkip (errors.Is), so godog counts the scenario skipped, never passed;
// SkipOf recovers the decision from the error a godog hook sees. The run decides most
// skips before a scenario starts (Target.Skips); a step ends its scenario with one when
// it finds, as it runs, that the scenario cannot be judged: inconclusive on this
// machine now (result.SkipInconclusive), or a null the driver's SDK never sent.
type SkipError struct {
	Kind   result.SkipKind
	Reason string
}

func (e *SkipError) Error() string {
	if e.Kind == result.SkipInconclusive {
		return "inconclusive: " + e.Reason
	}
	return "skipped: " + e.Reason
}

// Unwrap makes a SkipError godog.ErrSkip.
func (e *SkipError) Unwrap() error { return godog.ErrSkip }

// Skip is the decision e carries.
func (e *SkipError) Skip() result.Skip {
	kind := e.Kind
	if kind == result.SkipNone {
		kind = result.SkipOther
	}
	return result.Skip{Kind: kind, Reason: e.Reason}
}

// SkipOf returns the skip decision carried in err, with true, or false when err is not
// a SkipError (a godog.ErrSkip of its own is SkipOther without a reason).
func SkipOf(err error) (result.Skip, bool) {
	var s *SkipError
	if errors.As(err, &s) {
		return s.Skip(), true
	}
	if errors.Is(err, godog.ErrSkip) {
		return result.Skip{Kind: result.SkipOther}, true
	}
	return result.Skip{}, false
}
