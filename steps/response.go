package steps

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// describeError sums up an error envelope for "want a success" messages. Message text
// is shown for the reader, never compared.
func describeError(e gjson.Result) string {
	return fmt.Sprintf("the error %s (%s)", wire.Shorten(e.Get("Code").Raw, 80), wire.Shorten(e.Get("Message").Raw, 120))
}

// violationErrors words what a schema validation found for a row.
func violationErrors(row, name string, vs []schemas.Violation, err error, skipJobs bool) []error {
	if err != nil {
		return []error{check.Rowf(row, "%v", err)}
	}
	var errs []error
	for _, v := range vs {
		if skipJobs && strings.HasPrefix(v.Field, "Response.JobSet.") {
			continue
		}
		errs = append(errs, check.Rowf(row, "schema %s: %s", name, v))
	}
	return errs
}

func nonNil(errs ...error) []error {
	return slices.DeleteFunc(errs, func(e error) bool { return e == nil })
}

func sortedSet(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// listIDs shows at most a few ids, each shortened.
func listIDs(ids []string) string {
	const show = 8
	shown := make([]string, 0, min(len(ids), show))
	for _, id := range ids[:min(len(ids), show)] {
		shown = append(shown, wire.Shorten(id, 80))
	}
	if len(ids) <= show {
		return fmt.Sprintf("%q", shown)
	}
	return fmt.Sprintf("%q … (%d in all)", shown, len(ids))
}

// compareSets reports how got differs from want, both sorted sets.
func compareSets(row, gotName, wantName string, got, want []string) error {
	var missing, extra []string
	i, j := 0, 0 // one merge walk of the two sorted sets
	for i < len(got) && j < len(want) {
		switch {
		case got[i] == want[j]:
			i++
			j++
		case got[i] < want[j]:
			extra = append(extra, got[i])
			i++
		default:
			missing = append(missing, want[j])
			j++
		}
	}
	missing = append(missing, want[j:]...)
	extra = append(extra, got[i:]...)
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing "+listIDs(missing))
	}
	if len(extra) > 0 {
		parts = append(parts, "unexpected "+listIDs(extra))
	}
	return check.Rowf(row, "%s (%d) are not %s (%d): %s", gotName, len(got), wantName, len(want), strings.Join(parts, "; "))
}

// noJobToRelate is the vacuity guard of the relations between listings (S7, S8): every
// such scenario asks for jobs it knows exist, so an empty listing proves nothing and fails.
func noJobToRelate(label string) error {
	return check.Rowf(label, "the listing returned no job; a relation between listings checked over no job proves nothing (the request named jobs the full listing holds)")
}

func (rs *response) isSuccess() error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	return rs.sc.successOf(ex)
}

func (rs *response) isError(code string) error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	return rs.sc.errorOf(ex, check.OneOf(code))
}

func (rs *response) isErrorUnder(code string) error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	return rs.sc.errorOf(ex, check.CodeUnder(code))
}

// isNotError accepts a success, or any well-formed error but code (P3: a listed region
// is accepted; whether CIAM serves it is not asserted).
func (rs *response) isNotError(code string) error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	root, err := check.Parse(ex, rs.sc.label())
	if err != nil {
		return wire.WithExcerpt(ex, err)
	}
	e := root.Get("Response.Error")
	if !e.Exists() {
		return rs.sc.successOf(ex)
	}
	if e.Get("Code").Str == code {
		return wire.WithExcerpt(ex, check.Rowf(rs.sc.label(), "Response.Error.Code = %q; want a success or another error", wire.Shorten(code, 80)))
	}
	return rs.sc.errorOf(ex, check.String())
}

func (rs *response) status200() error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	if ex.Err != nil && ex.Status == 0 {
		return check.Rowf("T5", "no response: %v", ex.Err)
	}
	if ex.Status != 200 {
		return wire.WithExcerpt(ex, check.Rowf("T5", "HTTP status %d; want 200 for every response the API processed", ex.Status))
	}
	return nil
}

func (rs *response) contentTypeJSON() error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	ct := ex.RespHeader.Get("Content-Type")
	mt, _, perr := mime.ParseMediaType(ct)
	if perr != nil || mt != "application/json" {
		return wire.WithExcerpt(ex, check.Rowf("T5", "Content-Type = %q; want application/json (parameters such as charset allowed)", wire.Shorten(ct, 80)))
	}
	return nil
}

func (rs *response) requestIDCheck(row string, c check.Check) error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	root, err := check.Parse(ex, row)
	if err != nil {
		return wire.WithExcerpt(ex, err)
	}
	return wire.WithExcerpt(ex, c.At(row, "Response.RequestId", root.Get("Response.RequestId")))
}

func (rs *response) hasRequestID() error { return rs.requestIDCheck("T8", check.StringNonEmpty()) }

func (rs *response) requestIDIsUUID() error { return rs.requestIDCheck("T9", check.UUID()) }

func (rs *response) twoExchanges() ([]*wire.Exchange, error) {
	if len(rs.pair) != 2 {
		return nil, errors.New("harness error: \"the request is sent twice\" did not run")
	}
	return rs.pair, nil
}

func (rs *response) bothSuccesses() error {
	pair, err := rs.twoExchanges()
	if err != nil {
		return err
	}
	var errs []error
	for i, ex := range pair {
		if err := rs.sc.successOf(ex); err != nil {
			errs = append(errs, fmt.Errorf("response %d of 2: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

func (rs *response) bothErrors(code string) error {
	pair, err := rs.twoExchanges()
	if err != nil {
		return err
	}
	var errs []error
	for i, ex := range pair {
		if err := rs.sc.errorOf(ex, check.OneOf(code)); err != nil {
			errs = append(errs, fmt.Errorf("response %d of 2: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

func (rs *response) requestIDsDiffer() error {
	pair, err := rs.twoExchanges()
	if err != nil {
		return err
	}
	var ids []string
	for i, ex := range pair {
		root, err := check.Parse(ex, "T8")
		if err != nil {
			return wire.WithExcerpt(ex, err)
		}
		v := root.Get("Response.RequestId")
		if err := check.StringNonEmpty().At("T8", fmt.Sprintf("response %d: Response.RequestId", i+1), v); err != nil {
			return wire.WithExcerpt(ex, err)
		}
		ids = append(ids, v.Str)
	}
	if ids[0] == ids[1] {
		return wire.WithExcerpt(pair[1], check.Rowf("T8", "both responses carry the RequestId %q; want a different RequestId for every request", wire.Shorten(ids[0], 80)))
	}
	return nil
}

func (rs *response) bothSameIDs() error {
	pair, err := rs.twoExchanges()
	if err != nil {
		return err
	}
	a, err := rs.sc.idsOf(pair[0])
	if err != nil {
		return err
	}
	b, err := rs.sc.idsOf(pair[1])
	if err != nil {
		return err
	}
	if len(a) == 0 && len(b) == 0 {
		return wire.WithExcerpt(pair[1], noJobToRelate(rs.sc.label()))
	}
	return wire.WithExcerpt(pair[1], compareSets(rs.sc.label(), "the second response's Ids", "the first response's", sortedSet(b), sortedSet(a)))
}

func (rs *response) lastIDs() ([]string, *wire.Exchange, error) {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return nil, nil, err
	}
	ids, err := rs.sc.idsOf(ex)
	return ids, ex, err
}

func (rs *response) jobSetCheck(c check.Check) error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	if err := rs.sc.successOf(ex); err != nil {
		return err
	}
	return wire.WithExcerpt(ex, c.At(rs.sc.label(), "Response.JobSet", ex.Get("Response.JobSet")))
}

func (rs *response) jobSetIsArray() error { return rs.jobSetCheck(check.IsArray()) }

func (rs *response) jobSetIsEmpty() error { return rs.jobSetCheck(check.EmptyArrayOrNull()) }

func (rs *response) idsEqual(want []string, wantName string) error {
	ids, ex, err := rs.lastIDs()
	if err != nil {
		return err
	}
	return wire.WithExcerpt(ex, compareSets(rs.sc.label(), "the returned Ids", wantName, sortedSet(ids), sortedSet(want)))
}

func (rs *response) idsAreKnown() error {
	if len(rs.sc.known) == 0 && !rs.sc.tags[vocab.TagFixture] {
		return errors.New("harness error: the scenario knows no jobs to compare with")
	}
	return rs.idsEqual(rs.sc.known, "the known jobs")
}

func (rs *response) idsAreKnownJobs(list string) error {
	want, err := rs.sc.knownJobs(list)
	if err != nil {
		return err
	}
	return rs.idsEqual(want, "known jobs "+list)
}

func (rs *response) idsSubsetOfKnown() error {
	ids, ex, err := rs.lastIDs()
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return wire.WithExcerpt(ex, noJobToRelate(rs.sc.label()))
	}
	var extra []string
	for _, id := range sortedSet(ids) {
		if _, ok := slices.BinarySearch(rs.sc.known, id); !ok {
			extra = append(extra, id)
		}
	}
	if len(extra) > 0 {
		return wire.WithExcerpt(ex, check.Rowf(rs.sc.label(), "the filtered listing returned Ids that the full listing does not hold: %s", listIDs(extra)))
	}
	return nil
}

func (rs *response) noIDTwice() error {
	ids, ex, err := rs.lastIDs()
	if err != nil {
		return err
	}
	count := map[string]int{}
	var twice []string
	for _, id := range ids {
		count[id]++
		if count[id] == 2 {
			twice = append(twice, id)
		}
	}
	if len(twice) > 0 {
		return wire.WithExcerpt(ex, check.Rowf(rs.sc.label(), "Response.JobSet holds %s more than once; want each job at most once", listIDs(twice)))
	}
	return nil
}

func (rs *response) remember(name string) error {
	ids, ex, err := rs.lastIDs()
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return wire.WithExcerpt(ex, noJobToRelate(rs.sc.label()))
	}
	rs.remembered[name] = sortedSet(ids)
	return nil
}

func (rs *response) recalled(name string) ([]string, error) {
	ids, ok := rs.remembered[name]
	if !ok {
		return nil, fmt.Errorf("harness error: no Ids were remembered as %q", name)
	}
	return ids, nil
}

func (rs *response) sameAsRemembered(name string) error {
	want, err := rs.recalled(name)
	if err != nil {
		return err
	}
	return rs.idsEqual(want, fmt.Sprintf("those remembered as %q", name))
}

func (rs *response) unionOfRemembered(a, b string) error {
	x, err := rs.recalled(a)
	if err != nil {
		return err
	}
	y, err := rs.recalled(b)
	if err != nil {
		return err
	}
	return rs.idsEqual(append(slices.Clone(x), y...), fmt.Sprintf("the union of %q and %q", a, b))
}

func (rs *response) noneOfFixtureStore(role string) error {
	store, err := rs.sc.fixtureStore(role)
	if err != nil {
		return err
	}
	ids, ex, err := rs.lastIDs()
	if err != nil {
		return err
	}
	foreign := sortedSet(store.JobIDs())
	var leaked []string
	for _, id := range sortedSet(ids) {
		if _, ok := slices.BinarySearch(foreign, id); ok {
			leaked = append(leaked, id)
		}
	}
	if len(leaked) > 0 {
		return wire.WithExcerpt(ex, check.Rowf(rs.sc.label(), "the listing holds jobs of the user store %s: %s; want none of them", store.ID, listIDs(leaked)))
	}
	return nil
}

// showsNoneOfFixtureStore checks that a refused request reveals nothing of a store's
// jobs: no JobSet with jobs, and none of their ids anywhere in the body (S9).
func (rs *response) showsNoneOfFixtureStore(role string) error {
	store, err := rs.sc.fixtureStore(role)
	if err != nil {
		return err
	}
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	root, err := check.Parse(ex, rs.sc.label())
	if err != nil {
		return wire.WithExcerpt(ex, err)
	}
	errs := nonNil(check.AnyOf(check.Missing(), check.EmptyArrayOrNull()).At(rs.sc.label(), "Response.JobSet", root.Get("Response.JobSet")))
	for _, id := range store.JobIDs() {
		if strings.Contains(string(ex.Body), id) {
			errs = append(errs, check.Rowf(rs.sc.label(), "the response mentions the job %q of the user store %s; want none of its jobs", id, store.ID))
		}
	}
	return wire.WithExcerpt(ex, check.JoinLimited(errs))
}

// idsAreNamed checks that the listing holds exactly the known jobs the JobIds named.
func (rs *response) idsAreNamed() error {
	if rs.rq.named == nil {
		return errors.New("harness error: no JobIds named known jobs in this scenario")
	}
	return rs.idsEqual(rs.rq.named, "the known jobs the JobIds name")
}

func (rs *response) sendTwice(ctx context.Context) error {
	spec, err := rs.rq.current()
	if err != nil {
		return err
	}
	rs.pair = nil
	for range 2 {
		ex, err := rs.sc.send(ctx, spec)
		if err != nil {
			return err
		}
		rs.pair = append(rs.pair, ex)
	}
	return nil
}
