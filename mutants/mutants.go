// Package mutants names deliberate breaks of the ListJobs contract: each is the
// reference emulator with one contract row broken. The harness must fail on every one
// of them, and the failing scenarios must carry the broken row's tag; the runner's
// tests prove it.
package mutants

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
)

// Mutant is one named break.
type Mutant struct {
	Name  string // short id, e.g. "filter-ignored"
	Row   string // the contract row it breaks, e.g. "S2"
	Break string // what the broken emulator does, one sentence
	// RateLimit is true when only the rate-limit scenarios can see the break: a test
	// then runs those (slow) scenarios, and may skip them for the other mutants.
	RateLimit bool
	apply     func(*emulator.Config)
}

// Config is the embedded emulator's configuration (fx, the documented rate limit)
// with the break applied.
func (m Mutant) Config(fx *fixture.Fixture) emulator.Config {
	cfg := emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit}
	m.apply(&cfg)
	return cfg
}

// Start serves the broken emulator on 127.0.0.1:0.
func (m Mutant) Start(fx *fixture.Fixture) (*emulator.Server, error) {
	return emulator.Start(m.Config(fx))
}

// All returns every mutant, in contract-row order.
func All() []Mutant {
	return []Mutant{
		{Name: "requestid-missing", Row: "T8", Break: `responses carry no "RequestId"`,
			apply: func(c *emulator.Config) { c.Quirks.RewriteResponse = DropRequestID }},
		{Name: "signature-unchecked", Row: "A2", Break: "any signature is accepted",
			apply: func(c *emulator.Config) { c.Quirks.SkipSignatureCheck = true }},
		{Name: "filter-ignored", Row: "S2", Break: "JobIds is ignored: every job is returned",
			apply: func(c *emulator.Config) { c.Quirks.IgnoreFilter = true }},
		{Name: "jobset-null", Row: "S5", Break: `"JobSet" is null even when jobs exist`,
			apply: func(c *emulator.Config) { c.Quirks.RewriteResponse = NullJobSet }},
		{Name: "createddate-seconds", Row: "J4", Break: "CreatedDate is in seconds, not milliseconds",
			apply: func(c *emulator.Config) { c.Quirks.RewriteResponse = CreatedDateSeconds }},
		{Name: "rate-limit-off", Row: "R1", Break: "no request is ever throttled", RateLimit: true,
			apply: func(c *emulator.Config) { c.RateLimit = 0 }},
	}
}

// ByName returns the mutant called name.
func ByName(name string) (Mutant, bool) {
	for _, m := range All() {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}

// DropRequestID removes "RequestId" from a response body (breaks T8).
func DropRequestID(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		delete(resp, "RequestId")
		return nil
	})
}

// NullJobSet turns a non-empty "JobSet" array into null (breaks S5: an empty result
// may be null, a result with jobs may not).
func NullJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var jobs []json.RawMessage
		if err := json.Unmarshal(resp["JobSet"], &jobs); err != nil || len(jobs) == 0 {
			return errUnchanged
		}
		resp["JobSet"] = json.RawMessage("null")
		return nil
	})
}

// CreatedDateSeconds divides every job's integer "CreatedDate" by 1000 (breaks J4:
// the unit is milliseconds).
func CreatedDateSeconds(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var jobs []map[string]json.RawMessage
		if err := json.Unmarshal(resp["JobSet"], &jobs); err != nil || len(jobs) == 0 {
			return errUnchanged
		}
		for _, job := range jobs {
			var ms int64
			if err := json.Unmarshal(job["CreatedDate"], &ms); err != nil {
				continue
			}
			job["CreatedDate"] = json.RawMessage(fmt.Sprint(ms / 1000))
		}
		b, err := json.Marshal(jobs)
		if err != nil {
			return err
		}
		resp["JobSet"] = b
		return nil
	})
}

var errUnchanged = errors.New("unchanged")

// rewriteResponse applies edit to the object under "Response" and re-encodes the
// body; a body it cannot read, or an edit that fails, is returned unchanged.
func rewriteResponse(body []byte, edit func(resp map[string]json.RawMessage) error) []byte {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return body
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(top["Response"], &resp); err != nil || resp == nil {
		return body
	}
	if err := edit(resp); err != nil {
		return body
	}
	r, err := marshal(resp)
	if err != nil {
		return body
	}
	top["Response"] = r
	out, err := marshal(top)
	if err != nil {
		return body
	}
	return out
}

// marshal encodes without HTML escaping, as the emulator does.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
