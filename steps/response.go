package steps

import (
	"errors"
	"fmt"
	"mime"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/vocab"
)

// lastExchange is the response the checks look at.
func (st *scenario) lastExchange() (*exchange, error) {
	if st.last == nil {
		return nil, errors.New("harness error: no request was sent yet")
	}
	return st.last, nil
}

// parse validates the body as JSON before any gjson lookup (gjson.Get does not validate).
func (ex *exchange) parse(row string) (gjson.Result, error) {
	if ex.err != nil {
		return gjson.Result{}, rowf(row, "no response: %v", ex.err)
	}
	if ex.sdk != nil && ex.sdk.mismatch != nil {
		return gjson.Result{}, ex.sdk.mismatch
	}
	d := ex.doc()
	if d.strict != "" {
		return gjson.Result{}, rowf(row, "%s; want one strict JSON value {\"Response\": {...}}", d.strict)
	}
	if !d.valid {
		return gjson.Result{}, rowf(row, "the response body is not valid JSON; want {\"Response\": {...}}")
	}
	return d.root, nil
}

// describeError sums up an error envelope for "want a success" messages. Message text
// is shown for the reader, never compared.
func describeError(e gjson.Result) string {
	return fmt.Sprintf("the error %s (%s)", shorten(e.Get("Code").Raw, 80), shorten(e.Get("Message").Raw, 120))
}

// schemaViolations validates body against a schema; skipJobs leaves out what lies inside
// a job, which the J rows report on their own.
func (st *scenario) schemaViolations(row, name string, body []byte, skipJobs bool) []error {
	vs, err := st.suite.schemas.Validate(name, body)
	return violationErrors(row, name, vs, err, skipJobs)
}

// violationErrors words what a schema validation found for a row.
func violationErrors(row, name string, vs []schemas.Violation, err error, skipJobs bool) []error {
	if err != nil {
		return []error{rowf(row, "%v", err)}
	}
	var errs []error
	for _, v := range vs {
		if skipJobs && strings.HasPrefix(v.Field, "Response.JobSet.") {
			continue
		}
		errs = append(errs, rowf(row, "schema %s: %s", name, v))
	}
	return errs
}

func nonNil(errs ...error) []error {
	return slices.DeleteFunc(errs, func(e error) bool { return e == nil })
}

// successOf checks the success envelope (T6, T8, S5); the jobs inside are the J rows' concern.
func (st *scenario) successOf(ex *exchange) error {
	if _, err := ex.parse("T6"); err != nil {
		return withExcerpt(ex, err)
	}
	// ex.get is root.Get, looked up once: a scenario checks the same body many times.
	if e := ex.get("Response.Error"); e.Exists() {
		return withExcerpt(ex, rowf(st.label(), "got %s; want a success", describeError(e)))
	}
	errs := nonNil(
		IsObject().At("T6", "Response", ex.get("Response")),
		AnyOf(IsArray(), Null()).At("T6/S5", "Response.JobSet", ex.get("Response.JobSet")),
		StringNonEmpty().At("T8", "Response.RequestId", ex.get("Response.RequestId")),
	)
	if len(errs) == 0 {
		errs = st.schemaViolations("T6", schemas.SuccessResponse, envelope(ex.body, ex.get("Response.JobSet")), true)
	}
	return withExcerpt(ex, joinLimited(errs))
}

// envelope is the body with a non-empty JobSet emptied: what the success schema says of
// the envelope alone. The jobs are the J rows' concern, and validating thousands of them
// on every success would only be discarded.
func envelope(body []byte, set gjson.Result) []byte {
	if !set.IsArray() || set.Index <= 0 || set.Raw == "[]" {
		return body
	}
	out := make([]byte, 0, len(body)-len(set.Raw)+2)
	out = append(out, body[:set.Index]...)
	out = append(out, "[]"...)
	return append(out, body[set.Index+len(set.Raw):]...)
}

// errorOf checks the error envelope (T7, T8) and its code.
func (st *scenario) errorOf(ex *exchange, code Check) error {
	root, err := ex.parse("T7")
	if err != nil {
		return withExcerpt(ex, err)
	}
	e := root.Get("Response.Error")
	if !e.Exists() && root.Get("Response.JobSet").Exists() {
		return withExcerpt(ex, rowf(st.label(), "got a success (JobSet of %d jobs); want the error %s", len(root.Get("Response.JobSet").Array()), code.Want))
	}
	errs := nonNil(
		IsObject().At("T7", "Response.Error", e),
		code.At(st.label(), "Response.Error.Code", e.Get("Code")),
		StringNonEmpty().At("T7", "Response.Error.Message", e.Get("Message")),
		StringNonEmpty().At("T8", "Response.RequestId", root.Get("Response.RequestId")),
	)
	if len(errs) == 0 {
		errs = st.schemaViolations("T7", schemas.ErrorResponse, ex.body, false)
	}
	return withExcerpt(ex, joinLimited(errs))
}

func (st *scenario) isSuccess() error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	return st.successOf(ex)
}

func (st *scenario) isError(code string) error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	return st.errorOf(ex, OneOf(code))
}

func (st *scenario) isErrorUnder(code string) error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	return st.errorOf(ex, CodeUnder(code))
}

// isNotError accepts a success, or any well-formed error but code (P3: a listed region
// is accepted; whether CIAM serves it is not asserted).
func (st *scenario) isNotError(code string) error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	root, err := ex.parse(st.label())
	if err != nil {
		return withExcerpt(ex, err)
	}
	e := root.Get("Response.Error")
	if !e.Exists() {
		return st.successOf(ex)
	}
	if e.Get("Code").Str == code {
		return withExcerpt(ex, rowf(st.label(), "Response.Error.Code = %q; want a success or another error", shorten(code, 80)))
	}
	return st.errorOf(ex, Check{Want: "a code", test: func(v gjson.Result) (bool, string) { return v.Type == gjson.String, "" }})
}

func (st *scenario) status200() error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	if ex.err != nil && ex.status == 0 {
		return rowf("T5", "no response: %v", ex.err)
	}
	if ex.status != 200 {
		return withExcerpt(ex, rowf("T5", "HTTP status %d; want 200 for every response the API processed", ex.status))
	}
	return nil
}

func (st *scenario) contentTypeJSON() error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	ct := ex.respHeader.Get("Content-Type")
	mt, _, perr := mime.ParseMediaType(ct)
	if perr != nil || mt != "application/json" {
		return withExcerpt(ex, rowf("T5", "Content-Type = %q; want application/json (parameters such as charset allowed)", shorten(ct, 80)))
	}
	return nil
}

func (st *scenario) requestIDCheck(row string, c Check) error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	root, err := ex.parse(row)
	if err != nil {
		return withExcerpt(ex, err)
	}
	return withExcerpt(ex, c.At(row, "Response.RequestId", root.Get("Response.RequestId")))
}

func (st *scenario) hasRequestID() error { return st.requestIDCheck("T8", StringNonEmpty()) }

func (st *scenario) requestIDIsUUID() error { return st.requestIDCheck("T9", UUID()) }

func (st *scenario) twoExchanges() ([]*exchange, error) {
	if len(st.pair) != 2 {
		return nil, errors.New("harness error: \"the request is sent twice\" did not run")
	}
	return st.pair, nil
}

func (st *scenario) bothSuccesses() error {
	pair, err := st.twoExchanges()
	if err != nil {
		return err
	}
	var errs []error
	for i, ex := range pair {
		if err := st.successOf(ex); err != nil {
			errs = append(errs, fmt.Errorf("response %d of 2: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

func (st *scenario) bothErrors(code string) error {
	pair, err := st.twoExchanges()
	if err != nil {
		return err
	}
	var errs []error
	for i, ex := range pair {
		if err := st.errorOf(ex, OneOf(code)); err != nil {
			errs = append(errs, fmt.Errorf("response %d of 2: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}

func (st *scenario) requestIDsDiffer() error {
	pair, err := st.twoExchanges()
	if err != nil {
		return err
	}
	var ids []string
	for i, ex := range pair {
		root, err := ex.parse("T8")
		if err != nil {
			return withExcerpt(ex, err)
		}
		v := root.Get("Response.RequestId")
		if err := StringNonEmpty().At("T8", fmt.Sprintf("response %d: Response.RequestId", i+1), v); err != nil {
			return withExcerpt(ex, err)
		}
		ids = append(ids, v.Str)
	}
	if ids[0] == ids[1] {
		return withExcerpt(pair[1], rowf("T8", "both responses carry the RequestId %q; want a different RequestId for every request", shorten(ids[0], 80)))
	}
	return nil
}

func (st *scenario) bothSameIDs() error {
	pair, err := st.twoExchanges()
	if err != nil {
		return err
	}
	a, err := st.idsOf(pair[0])
	if err != nil {
		return err
	}
	b, err := st.idsOf(pair[1])
	if err != nil {
		return err
	}
	if len(a) == 0 && len(b) == 0 {
		return withExcerpt(pair[1], noJobToRelate(st.label()))
	}
	return withExcerpt(pair[1], compareSets(st.label(), "the second response's Ids", "the first response's", sortedSet(b), sortedSet(a)))
}

// idsOf returns the Ids of a success's JobSet in the order received, duplicates kept;
// a null JobSet lists none (S5).
func (st *scenario) idsOf(ex *exchange) ([]string, error) {
	if err := st.successOf(ex); err != nil {
		return nil, err
	}
	var ids []string
	var errs []error
	for i, job := range ex.jobSet() {
		id := job.Get("Id")
		if id.Type != gjson.String {
			errs = append(errs, rowf("J1", "Response.JobSet[%d].Id %s; want a string (jobs are compared by Id)", i, shown(id)))
			continue
		}
		ids = append(ids, id.Str)
	}
	if len(errs) > 0 {
		return nil, withExcerpt(ex, joinLimited(errs))
	}
	return ids, nil
}

func (st *scenario) lastIDs() ([]string, *exchange, error) {
	ex, err := st.lastExchange()
	if err != nil {
		return nil, nil, err
	}
	ids, err := st.idsOf(ex)
	return ids, ex, err
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
		shown = append(shown, shorten(id, 80))
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
	return rowf(row, "%s (%d) are not %s (%d): %s", gotName, len(got), wantName, len(want), strings.Join(parts, "; "))
}

func (st *scenario) jobSetCheck(c Check) error {
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	if err := st.successOf(ex); err != nil {
		return err
	}
	return withExcerpt(ex, c.At(st.label(), "Response.JobSet", ex.get("Response.JobSet")))
}

func (st *scenario) jobSetIsArray() error { return st.jobSetCheck(IsArray()) }

func (st *scenario) jobSetIsEmpty() error { return st.jobSetCheck(EmptyArrayOrNull()) }

func (st *scenario) idsEqual(want []string, wantName string) error {
	ids, ex, err := st.lastIDs()
	if err != nil {
		return err
	}
	return withExcerpt(ex, compareSets(st.label(), "the returned Ids", wantName, sortedSet(ids), sortedSet(want)))
}

func (st *scenario) idsAreKnown() error {
	if len(st.known) == 0 && !st.tags[vocab.TagFixture] {
		return errors.New("harness error: the scenario knows no jobs to compare with")
	}
	return st.idsEqual(st.known, "the known jobs")
}

func (st *scenario) idsAreKnownJobs(list string) error {
	want, err := st.knownJobs(list)
	if err != nil {
		return err
	}
	return st.idsEqual(want, "known jobs "+list)
}

func (st *scenario) idsSubsetOfKnown() error {
	ids, ex, err := st.lastIDs()
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return withExcerpt(ex, noJobToRelate(st.label()))
	}
	var extra []string
	for _, id := range sortedSet(ids) {
		if _, ok := slices.BinarySearch(st.known, id); !ok {
			extra = append(extra, id)
		}
	}
	if len(extra) > 0 {
		return withExcerpt(ex, rowf(st.label(), "the filtered listing returned Ids that the full listing does not hold: %s", listIDs(extra)))
	}
	return nil
}

func (st *scenario) noIDTwice() error {
	ids, ex, err := st.lastIDs()
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
		return withExcerpt(ex, rowf(st.label(), "Response.JobSet holds %s more than once; want each job at most once", listIDs(twice)))
	}
	return nil
}

func (st *scenario) remember(name string) error {
	ids, ex, err := st.lastIDs()
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return withExcerpt(ex, noJobToRelate(st.label()))
	}
	st.remembered[name] = sortedSet(ids)
	return nil
}

// noJobToRelate is the vacuity guard of the relations between listings (S7, S8): every
// such scenario asks for jobs it knows exist, so an empty listing proves nothing and fails.
func noJobToRelate(label string) error {
	return rowf(label, "the listing returned no job; a relation between listings checked over no job proves nothing (the request named jobs the full listing holds)")
}

func (st *scenario) recalled(name string) ([]string, error) {
	ids, ok := st.remembered[name]
	if !ok {
		return nil, fmt.Errorf("harness error: no Ids were remembered as %q", name)
	}
	return ids, nil
}

func (st *scenario) sameAsRemembered(name string) error {
	want, err := st.recalled(name)
	if err != nil {
		return err
	}
	return st.idsEqual(want, fmt.Sprintf("those remembered as %q", name))
}

func (st *scenario) unionOfRemembered(a, b string) error {
	x, err := st.recalled(a)
	if err != nil {
		return err
	}
	y, err := st.recalled(b)
	if err != nil {
		return err
	}
	return st.idsEqual(append(slices.Clone(x), y...), fmt.Sprintf("the union of %q and %q", a, b))
}

func (st *scenario) noneOfFixtureStore(role string) error {
	store, err := st.fixtureStore(role)
	if err != nil {
		return err
	}
	ids, ex, err := st.lastIDs()
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
		return withExcerpt(ex, rowf(st.label(), "the listing holds jobs of the user store %s: %s; want none of them", store.ID, listIDs(leaked)))
	}
	return nil
}

// showsNoneOfFixtureStore checks that a refused request reveals nothing of a store's
// jobs: no JobSet with jobs, and none of their ids anywhere in the body (S9).
func (st *scenario) showsNoneOfFixtureStore(role string) error {
	store, err := st.fixtureStore(role)
	if err != nil {
		return err
	}
	ex, err := st.lastExchange()
	if err != nil {
		return err
	}
	root, err := ex.parse(st.label())
	if err != nil {
		return withExcerpt(ex, err)
	}
	errs := nonNil(AnyOf(Missing(), EmptyArrayOrNull()).At(st.label(), "Response.JobSet", root.Get("Response.JobSet")))
	for _, id := range store.JobIDs() {
		if strings.Contains(string(ex.body), id) {
			errs = append(errs, rowf(st.label(), "the response mentions the job %q of the user store %s; want none of its jobs", id, store.ID))
		}
	}
	return withExcerpt(ex, joinLimited(errs))
}
