package steps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/wire"
)

// returnedJobs is the JobSet of the last response, which must be a success with at
// least one job: a rule checked over no job proves nothing, so it fails (vacuity guard).
func (jb *jobs) returnedJobs(row string) ([]gjson.Result, *wire.Exchange, error) {
	ex, err := jb.sc.lastExchange()
	if err != nil {
		return nil, nil, err
	}
	if _, err := check.Parse(ex, row); err != nil {
		return nil, ex, wire.WithExcerpt(ex, err)
	}
	if e := ex.Get("Response.Error"); e.Exists() {
		return nil, ex, wire.WithExcerpt(ex, check.Rowf(row, "got %s; want a success with jobs to check", describeError(e)))
	}
	set := ex.Get("Response.JobSet")
	if !set.IsArray() {
		return nil, ex, wire.WithExcerpt(ex, check.Rowf(row, "Response.JobSet %s; want an array of jobs to check", check.Shown(set)))
	}
	jobs := ex.JobSet()
	if len(jobs) == 0 {
		return nil, ex, check.Rowf(row, "no job to check: the listing returned no jobs, and a rule over no job proves nothing; point the harness at a user store that holds jobs")
	}
	return jobs, ex, nil
}

// everyJob applies check to every returned job (the i-th of the JobSet) and reports
// every violation at once, in job order. check must be pure: a large JobSet is checked
// on every CPU at once (eachIndex).
func (jb *jobs) everyJob(row string, rule func(i int, job gjson.Result) []error) error {
	jobs, ex, err := jb.returnedJobs(row)
	if err != nil {
		return err
	}
	errs := nonNil(check.EachIndex(len(jobs), func(i int) []error { return rule(i, jobs[i]) })...)
	return wire.WithExcerpt(ex, check.JoinLimited(errs))
}

// everyJobRow applies the rule of row (check.JobRules) to every returned job.
func (jb *jobs) everyJobRow(row string) error {
	rule, ok := check.JobRuleOf(row)
	if !ok {
		return fmt.Errorf("harness error: no Job rule of the row %s", row)
	}
	return jb.everyJob(row, rule.Judge)
}

func (jb *jobs) everyJobJ1() error { return jb.everyJobRow("J1") }
func (jb *jobs) everyJobJ2() error { return jb.everyJobRow("J2") }
func (jb *jobs) everyJobJ3() error { return jb.everyJobRow("J3") }
func (jb *jobs) everyJobJ4() error { return jb.everyJobRow("J4") }
func (jb *jobs) everyJobJ5() error { return jb.everyJobRow("J5") }
func (jb *jobs) everyJobJ6() error { return jb.everyJobRow("J6") }
func (jb *jobs) everyJobJ7() error { return jb.everyJobRow("J7") }
func (jb *jobs) everyJobJ8() error { return jb.everyJobRow("J8") }

// everyJobSchema validates every job against job.json, which allows extra fields (J9).
func (jb *jobs) everyJobSchema() error {
	row := jb.sc.label()
	return jb.everyJob(row, func(i int, job gjson.Result) []error {
		var errs []error
		vs, err := jb.sc.suite.schemas.ValidateValue(schemas.Job, job) // job.Raw, not decoded again
		for _, e := range violationErrors(row, schemas.Job, vs, err, false) {
			errs = append(errs, fmt.Errorf("%s: %w", check.JobPath(i), e))
		}
		return errs
	})
}

// fieldForField compares the returned jobs with the fixture's record of them: the same
// set of jobs, every named field equal, Format and Location present even when null, and
// a null ErrorDetails/FailedUsers equal to an absent one (J7, J8). Extra fields are
// allowed (J9).
func (jb *jobs) fieldForField(role string) error {
	store, err := jb.sc.fixtureStore(role)
	if err != nil {
		return err
	}
	jobs, ex, err := jb.returnedJobs(jb.sc.label())
	if err != nil {
		return err
	}
	byID := make(map[string]int, len(jobs))
	for i, j := range jobs {
		id := j.Get("Id").Str
		if _, dup := byID[id]; dup {
			continue // "at most once" is S2's concern
		}
		byID[id] = i
	}
	// Each job of the fixture is compared on its own (in parallel for a large store).
	errs := check.EachIndex(len(store.Jobs), func(k int) []error {
		fj := store.Jobs[k]
		i, ok := byID[fj.ID]
		if !ok {
			return []error{check.Rowf("S1", "the job %q of the user store %s is missing from Response.JobSet", fj.ID, store.ID)}
		}
		return check.AsRecorded(i, jobs[i], fj.Raw)
	})
	known := sortedSet(store.JobIDs())
	for id, i := range byID {
		if _, ok := slices.BinarySearch(known, id); !ok {
			errs = append(errs, check.Rowf("S1", "Response.JobSet[%d] is the job %q, which the user store %s does not hold", i, wire.Shorten(id, 80), store.ID))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return wire.WithExcerpt(ex, check.JoinLimited(errs))
}
