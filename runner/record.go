package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

// classify turns the error godog hands to an After hook into a status.
func classify(err error, sawSkip bool) result.Status {
	switch {
	case err == nil && sawSkip:
		return result.Skipped
	case err == nil:
		return result.Passed
	case errors.Is(err, godog.ErrUndefined):
		return result.Undefined
	case errors.Is(err, godog.ErrPending):
		return result.Pending
	case errors.Is(err, godog.ErrSkip):
		return result.Skipped
	default:
		return result.Failed
	}
}

// recorder collects one result per scenario from hooks that run after the steps'
// own hooks. It belongs to one run: concurrent scenarios write to it under mu.
type recorder struct {
	red   *redactor
	mu    sync.Mutex
	byKey map[string]result.Scenario
	// blocks, when set, gets each scenario's result as a block of text the moment it
	// ends, written whole (in place of godog's pretty output, which interleaves the
	// lines of scenarios that run at once).
	blocks io.Writer
}

func newRecorder(red *redactor) *recorder {
	return &recorder{red: red, byKey: map[string]result.Scenario{}}
}

// hook registers the recorder on a scenario. It must be called after the steps'
// InitializeScenario, so its After hooks run last and see the steps' hook errors and
// attachments. planned maps the plan's key of every selected scenario to it (its line
// and its steps as written); skips maps the keys of the scenarios the run skips to
// the decision (setup.skips): they end at their Before hook, before any step runs.
func (r *recorder) hook(sc *godog.ScenarioContext, planned map[string]plan.Scenario, skips map[string]result.Skip) {
	rec := &record{r: r, start: time.Now()}
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		if skip, ok := skips[key(p)]; ok {
			return ctx, &steps.SkipError{Kind: skip.Kind, Reason: skip.Reason}
		}
		return ctx, nil
	})
	sc.StepContext().Before(func(ctx context.Context, _ *godog.Step) (context.Context, error) {
		rec.stepStart = time.Now()
		return ctx, nil
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		rec.step(ctx, st, status, err)
		return ctx, nil
	})
	sc.After(func(ctx context.Context, p *godog.Scenario, err error) (context.Context, error) {
		r.red.attachments(ctx)
		rec.ended = true
		res := rec.result(p, planned[key(p)], skips, err)
		r.add(key(p), res)
		if r.blocks != nil {
			r.mu.Lock()
			io.WriteString(r.blocks, block(res))
			r.mu.Unlock()
		}
		return ctx, nil
	})
}

// record is what the hooks of one scenario gather.
type record struct {
	r                *recorder
	start, stepStart time.Time
	sawSkip          bool
	failedStep       string
	skip             result.Skip // the skip a step ended the scenario with
	attachments      []result.Attachment
	// The steps' own results. godog ends the scenario (its After hook) at the failing
	// step, then still calls the step hooks of the steps after it: those are recorded
	// as skipped by the After hook, and ended keeps them from being recorded twice.
	steps []result.Step
	ended bool
}

// step records the end of one step.
func (rec *record) step(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) {
	red := rec.r.red
	red.attachments(ctx)
	// A step that returns godog.ErrSkip ends the scenario, but godog then hands the
	// After hook a nil error: remember it here.
	if skip, ok := steps.SkipOf(err); ok {
		rec.sawSkip = true
		if !rec.skip.Skipped() {
			rec.skip = skip
			rec.skip.Reason = red.string(skip.Reason)
		}
	}
	if status == godog.StepFailed && rec.failedStep == "" {
		rec.failedStep = red.string(st.Text)
	}
	for _, a := range godog.Attachments(ctx) {
		rec.attachments = append(rec.attachments, result.Attachment{Name: a.FileName, Body: string(a.Body)})
	}
	if !rec.ended {
		res := result.Step{Text: red.string(st.Text), Status: stepStatus(status), Duration: time.Since(rec.stepStart)}
		if res.Status.Failing() && err != nil {
			res.Error = red.string(err.Error())
		}
		rec.steps = append(rec.steps, res)
	}
}

// result is the scenario's result once it ended with err.
func (rec *record) result(p *godog.Scenario, planned plan.Scenario, skips map[string]result.Skip, err error) result.Scenario {
	red := rec.r.red
	res := result.Scenario{
		ID:       planned.ID,
		Feature:  p.Uri,
		Name:     p.Name,
		Line:     planned.Line,
		Status:   classify(err, rec.sawSkip),
		Duration: time.Since(rec.start),
		Steps:    rec.r.steps(planned.Steps, rec.steps),
	}
	for _, t := range p.Tags {
		res.Tags = append(res.Tags, t.Name)
	}
	res.Rows = vocab.RowsOf(res.Tags)
	if skip, ok := skips[key(p)]; ok {
		res.Status, res.Reason, res.Skip = result.Skipped, skip.Reason, skip.Kind
	} else if err != nil {
		res.Error = red.string(err.Error())
	}
	if res.Status == result.Skipped && res.Skip == result.SkipNone {
		// The steps' own skip, if they gave one (a skip is no failure: its reason says why).
		res.Error, res.Reason, res.Skip = "", rec.skip.Reason, rec.skip.Kind
		if res.Skip == result.SkipNone {
			res.Skip = result.SkipOther
		}
	}
	if res.Status.Failing() {
		// err holds the failed step's error and the steps' own After hook's (the
		// invariants of every response): both name the rows they fail.
		res.Step, res.Attachments, res.Blamed = rec.failedStep, rec.attachments, check.Blame(err)
		res.Finished = res.Status == result.Failed && rec.failedStep == ""
	}
	return res
}

// stepStatus is the result status of a godog step status; an ambiguous step (two
// definitions match it) failed.
func stepStatus(st godog.StepResultStatus) result.Status {
	switch st {
	case godog.StepPassed:
		return result.Passed
	case godog.StepSkipped:
		return result.Skipped
	case godog.StepUndefined:
		return result.Undefined
	case godog.StepPending:
		return result.Pending
	default:
		return result.Failed
	}
}

// steps completes the results of the steps that ran with the steps of the plan: the
// keyword and line of each, and the steps that did not run (after a failure) as
// skipped.
func (r *recorder) steps(planned []plan.StepText, ran []result.Step) []result.Step {
	out := make([]result.Step, 0, max(len(planned), len(ran)))
	for i, st := range ran {
		if i < len(planned) && r.red.string(planned[i].Text) == st.Text {
			st.Keyword, st.Line = planned[i].Keyword, planned[i].Line
		}
		out = append(out, st)
	}
	for _, p := range planned[min(len(ran), len(planned)):] {
		out = append(out, result.Step{Keyword: p.Keyword, Text: r.red.string(p.Text), Line: p.Line, Status: result.Skipped})
	}
	return out
}

// key is the plan's key of a scenario godog runs (plan.Scenario.Key).
func key(p *godog.Scenario) string { return plan.Scenario{Feature: p.Uri, Name: p.Name}.Key() }

// add keeps one result per scenario; should godog call the hook twice, a failing
// result wins over a passing one.
func (r *recorder) add(id string, res result.Scenario) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.byKey[id]; ok && old.Status.Failing() {
		return
	}
	r.byKey[id] = res
}

// results returns the recorded results in the order of selected, the scenarios the
// run selected; a selected scenario that no hook recorded (a scenario without steps
// never reaches its hooks) is reported undefined.
func (r *recorder) results(selected []selectedScenario) []result.Scenario {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]result.Scenario, 0, len(selected))
	for _, s := range selected {
		res, ok := r.byKey[s.Key()]
		if !ok {
			res = result.Scenario{ID: s.ID, Feature: s.Feature, Name: s.Name, Line: s.Line, Tags: s.Tags, Rows: vocab.RowsOf(s.Tags),
				Status: result.Undefined, Error: "the scenario did not run its steps (no steps, or the run stopped before it)",
				Steps: r.steps(s.Steps, nil)}
		}
		out = append(out, res)
	}
	return out
}

// block is one scenario's result as the pretty output shows it: its name and place,
// each step with its status, and what failed or why it was skipped.
func block(s result.Scenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nScenario: %s # %s:%d [%s]\n", s.Name, s.Feature, s.Line, s.Status)
	for _, st := range s.Steps {
		fmt.Fprintf(&b, "  %s%s # %s\n", st.Keyword, st.Text, st.Status)
		if st.Error != "" {
			for _, l := range strings.Split(st.Error, "\n") {
				fmt.Fprintf(&b, "      %s\n", l)
			}
		}
	}
	switch {
	case s.Status.Failing() && s.Error != "" && s.Step == "":
		fmt.Fprintf(&b, "  after its steps: %s\n", strings.ReplaceAll(s.Error, "\n", "\n      "))
	case s.Status == result.Skipped && s.Reason != "":
		fmt.Fprintf(&b, "  skipped: %s\n", s.Reason)
	}
	return b.String()
}
