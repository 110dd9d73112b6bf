package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/wire"
)

// request is the request a scenario builds: its spec, filled in step by step, and the
// known jobs its JobIds name among near misses.
type request struct {
	sc    *scenario
	spec  *wire.Spec // the request under construction
	named []string   // the known jobs the JobIds name, among near misses (jobids.go)
}

// FixtureReaderRole is the fixture credential role that @fixture scenarios use for their
// requests for fixture data when the fixture has it: keys of the same account as the
// ordinary ones with owners of their own, so the suite's load is spread over more
// rate-limit budgets. Each @fixture scenario gets one of them in turn; without any, it
// uses its ordinary key.
const FixtureReaderRole = "fixture-reader"

// ---- request steps ----

var number = regexp.MustCompile(`\d+`)

// ---- signing steps ----

// ---- building ----

var placeholder = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// jsonInner escapes s for use inside a JSON string literal.
func jsonInner(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b[1 : len(b)-1])
}

// ---- sending ----

// ---- reporting ----

// spellOut writes every byte of id percent-encoded (%XX, or %xx in lower case), or every character as a JSON
// \u escape: values an endpoint must decode to id itself (T2: a query is URL-encoded;
// T1: a body is JSON).
func spellOut(id, how string) (string, bool) {
	var b strings.Builder
	switch how {
	case "percent-encoded":
		for i := 0; i < len(id); i++ {
			fmt.Fprintf(&b, "%%%02X", id[i])
		}
	case "percent-encoded in lower case": // RFC 3986 2.1: %2d is %2D
		for i := 0; i < len(id); i++ {
			fmt.Fprintf(&b, "%%%02x", id[i])
		}
	case "JSON-escaped":
		for _, r := range id {
			if r > 0xFFFF {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(&b, "\\u%04x\\u%04x", hi, lo)
				continue
			}
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	default:
		return "", false
	}
	return b.String(), true
}

func (rq *request) current() (*wire.Spec, error) {
	if rq.spec == nil {
		return nil, errors.New("harness error: no request yet: start with \"a ListJobs request for ...\"")
	}
	return rq.spec, nil
}

func (rq *request) requestForTarget() error {
	rq.spec = wire.NewSpec(rq.sc.suite.target.UserStoreID, rq.sc.ordinary())
	return nil
}

func (rq *request) requestForFixtureStore(role string) error {
	s, err := rq.sc.fixtureStore(role)
	if err != nil {
		return err
	}
	rq.spec = wire.NewSpec(s.ID, rq.sc.fixtureReader())
	rq.sc.known = sortedSet(s.JobIDs())
	return nil
}

// requestForFaultStore names the user store on which the fixture's fault rule answers
// with code: by convention "us-fault-" + lower(code with '.' -> '-').
func (rq *request) requestForFaultStore(code string) error {
	fx, err := rq.sc.fixture()
	if err != nil {
		return err
	}
	conventional := "us-fault-" + strings.ToLower(strings.ReplaceAll(code, ".", "-"))
	var found string
	for _, f := range fx.Faults {
		if f.Code == code && f.SecretID == "" && f.UserStoreID != "" && (found == "" || f.UserStoreID == conventional) {
			found = f.UserStoreID
		}
	}
	if found == "" {
		return fmt.Errorf("the fixture has no fault rule that answers %s on a user store (expected one on %q)", code, conventional)
	}
	rq.spec = wire.NewSpec(found, rq.sc.fixtureReader())
	return nil
}

func (rq *request) requestForUnknownStore() error {
	rq.spec = wire.NewSpec("us-conformance-no-such-store-"+wire.RandomHex(8), rq.sc.ordinary())
	return nil
}

// targetHoldsJobs lists the user store under test and keeps its ids as the known jobs;
// scenarios that pick ids at run time start here, and fail rather than pass vacuously
// when the store holds too few jobs.
func (rq *request) targetHoldsJobs(ctx context.Context, n int) error {
	spec := wire.NewSpec(rq.sc.suite.target.UserStoreID, rq.sc.ordinary())
	ex, err := rq.sc.send(ctx, spec)
	if err != nil {
		return err
	}
	if err := rq.sc.successOf(ex); err != nil {
		return fmt.Errorf("listing the user store under test to learn its jobs: %w", err)
	}
	ids, err := rq.sc.idsOf(ex)
	if err != nil {
		return err
	}
	rq.sc.known = sortedSet(ids)
	if len(rq.sc.known) < n {
		return wire.WithExcerpt(ex, fmt.Errorf("the user store under test (%s) returned %d jobs; this scenario needs at least %d: point the harness at a user store with more jobs", rq.sc.suite.target.UserStoreID, len(rq.sc.known), n))
	}
	return nil
}

func (rq *request) sentAsGET() error { return rq.methodIs(http.MethodGet) }

func (rq *request) methodIs(method string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	spec.Method = method
	return nil
}

func (rq *request) usesFixtureCredential(role string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	cred, err := rq.sc.fixtureCredential(role)
	if err != nil {
		return err
	}
	spec.Cred = cred
	return nil
}

// sentAsNull ends a scenario of a parameter set to null (P10) whose checks passed: it
// skips the scenario, with the reason, when the request that reached the endpoint did
// not carry the parameter as a JSON null. An SDK may drop a parameter its caller set to
// null (the Node.js SDK does): its caller's request was then judged, and rightly passed
// or failed, but not the endpoint's handling of null. The request is read from the
// exchange (the wire and sdk drivers, an adapter that reports it), or else from the
// driver's capabilities (Nulls).
func (rq *request) sentAsNull(name string) error {
	ex := rq.sc.last
	if ex == nil {
		return errors.New("harness error: no request was sent")
	}
	d := rq.sc.suite.target.Driver
	via := "the " + d.Name() + " driver"
	if c := d.Client(); c != "" {
		via += " (" + c + ")"
	}
	if ex.ReqBody == nil && ex.SDK != nil {
		if why := d.Capabilities().Missing(driver.Need{Kind: driver.NeedNulls, Value: name}); why != "" {
			return &SkipError{Kind: result.SkipNullNotSent, Reason: fmt.Sprintf("%s: %s, so the endpoint was not sent the null", via, why)}
		}
		return nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(ex.ReqBody, &members); err != nil {
		return fmt.Errorf("harness error: the request's body is not a JSON object, so %s cannot have been sent as null: %v", name, err)
	}
	v, ok := members[name]
	if ok && string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	carried := "no " + name
	if ok {
		carried = name + " " + wire.Excerpt(v)
	}
	return &SkipError{Kind: result.SkipNullNotSent, Reason: fmt.Sprintf("%s did not send %s as null (the request carried %s), so the endpoint was not sent the null", via, name, carried)}
}

func (rq *request) parameterIs(name, value string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	value, err = rq.expand(value, jsonInner, nil)
	if err != nil {
		return err
	}
	if !json.Valid([]byte(value)) {
		return fmt.Errorf("harness error: the value of %s is not JSON: %s (use \"the body is exactly\" for malformed bodies)", name, value)
	}
	spec.SetParam(name, json.RawMessage(value))
	return nil
}

func (rq *request) parameterRemoved(name string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	spec.Params = slices.DeleteFunc(spec.Params, func(p wire.Param) bool { return p.Name == name })
	return nil
}

func (rq *request) setBody(text string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	text, err = rq.expand(text, jsonInner, nil)
	if err != nil {
		return err
	}
	spec.Body, spec.HasBody = []byte(text), true
	return nil
}

func (rq *request) bodyIsExactly(text string) error { return rq.setBody(text) }

func (rq *request) bodyIsDocString(doc *godog.DocString) error { return rq.setBody(doc.Content) }

func (rq *request) bodyIsEmpty() error { return rq.setBody("") }

func (rq *request) queryIsExactly(q string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	q, err = rq.expand(q, url.QueryEscape, nil)
	if err != nil {
		return err
	}
	spec.Query, spec.HasQuery = q, true
	return nil
}

func (rq *request) headerIs(name, value string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	spec.Headers = append(spec.Headers, wire.HeaderEdit{Name: name, Value: value})
	return nil
}

func (rq *request) headerAbsent(name string) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	spec.Headers = append(spec.Headers, wire.HeaderEdit{Name: name, Remove: true})
	return nil
}

func (rq *request) edit(f func(*wire.Spec)) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	f(spec)
	return nil
}

// expand replaces {{user store}} and {{known job N}} (and the names in extra), escaping
// each value for its context (JSON string, query). "{{known job 1, percent-encoded}}" (any
// name, a comma, a spelling of spellOut) inserts the value with every character written
// that way instead, as it is.
func (rq *request) expand(text string, esc func(string) string, extra map[string]string) (string, error) {
	var firstErr error
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if extra != nil && extra[name] != "" {
			return extra[name] // Authorization parts are sent as they are
		}
		name, how, spelled := strings.Cut(name, ", ")
		v, err := rq.placeholderValue(name)
		if err != nil {
			firstErr = cmpOr(firstErr, fmt.Errorf("%w in %s", err, m))
			return m
		}
		if !spelled {
			return esc(v)
		}
		out, ok := spellOut(v, how)
		if !ok {
			firstErr = cmpOr(firstErr, fmt.Errorf("harness error: unknown spelling %q in %s", how, m))
			return m
		}
		return out
	})
	return out, firstErr
}

// placeholderValue is the value of {{user store}} or {{known job N}}.
func (rq *request) placeholderValue(name string) (string, error) {
	switch {
	case name == "user store" && rq.spec != nil:
		return rq.spec.Store, nil
	case strings.HasPrefix(name, "known job "):
		ids, err := rq.sc.knownJobs(strings.TrimPrefix(name, "known job "))
		if err != nil {
			return "", err
		}
		return ids[0], nil
	}
	return "", fmt.Errorf("harness error: unknown placeholder")
}

func (rq *request) sendOnce(ctx context.Context) error {
	spec, err := rq.current()
	if err != nil {
		return err
	}
	_, err = rq.sc.send(ctx, spec)
	return err
}

func (rq *request) listTarget(ctx context.Context) error {
	if err := rq.requestForTarget(); err != nil {
		return err
	}
	return rq.sendOnce(ctx)
}

func (rq *request) listFixtureStore(ctx context.Context, role string) error {
	if err := rq.requestForFixtureStore(role); err != nil {
		return err
	}
	return rq.sendOnce(ctx)
}
