package explore

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/nearmiss"
	"github.com/ciam-harness/listjobs/vocab"
)

// The near misses of every value the contract compares exactly (package nearmiss, the
// table features/near-misses.feature is written from): the explorer places any member
// of any request value on an otherwise conforming request, and the table's verdict is
// the oracle's. The JobIds' own near misses are drawn by jobID, mixed with other ids.

// nearCase is one member of one request value of the table.
type nearCase struct {
	value   nearmiss.Value
	member  nearmiss.Member
	verdict nearmiss.Verdict
	rows    []string // the outline's rows: the value's and those its verdict adds
	wire    bool     // placed where an SDK's caller cannot reach
	get     bool     // the value's setup sends the request as GET
	token   bool     // the value's setup uses a temporary key
	then    []string // a refusal's checks, as the suite's outline writes them
}

// nearCases are the cases of the table's outlines (those the suite runs) whose near
// miss can be made of the values this run's requests carry: the fixture's keys and
// stores, the run's region and host, today's date. A member that cannot be made of a
// value (another case of a value without letters) is left out, not drawn.
func nearCases(m *model, region, baseURL string) []nearCase {
	host := "127.0.0.1:9000"
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	own := map[nearmiss.Carrier]string{
		nearmiss.CarrierScopeDate: time.Now().UTC().Format(time.DateOnly),
		nearmiss.CarrierSignature: strings.Repeat("0a", 32),
	}
	var cases []nearCase
	for _, o := range nearmiss.Outlines() {
		v := o.Value
		if v.Carrier == nearmiss.CarrierJobID || v.Carrier == nearmiss.CarrierQueryJobID {
			continue
		}
		c := nearCase{value: v, verdict: o.Verdict, rows: o.Rows(), wire: o.Wire,
			get:   slices.Contains(v.Setup, "the request is sent as GET"),
			token: slices.ContainsFunc(v.Setup, func(s string) bool { return strings.Contains(s, "temporary") })}
		if o.Verdict.Outcome == nearmiss.Refused {
			lines, err := o.Steps()
			if err != nil {
				continue
			}
			i := slices.Index(lines, "When the request is sent")
			for _, l := range lines[i+1:] {
				_, text, _ := strings.Cut(l, " ")
				c.then = append(c.then, text)
			}
		}
		sample := v.Literal
		switch v.Carrier {
		case nearmiss.CarrierSecretID:
			sample = m.cred(m.roles[0]).SecretID
		case nearmiss.CarrierToken:
			role := m.tokenRole()
			if role == "" {
				continue
			}
			sample = m.cred(role).Token
		case nearmiss.CarrierParam, nearmiss.CarrierQueryParam:
			sample = m.stores[0].ID
		case nearmiss.CarrierHeader:
			if strings.EqualFold(v.Field, "X-TC-Region") {
				sample = region
			}
		case nearmiss.CarrierSignedHeaderValue:
			sample = map[string]string{"content-type": "application/json", "host": host}[strings.ToLower(v.Field)]
		case nearmiss.CarrierSignedBody:
			sample = `{"UserStoreId":"` + m.stores[0].ID + `"}`
		case nearmiss.CarrierSignedQuery:
			sample = "UserStoreId=" + url.QueryEscape(m.stores[0].ID)
		default:
			if s, ok := own[v.Carrier]; ok {
				sample = s
			}
		}
		for _, mem := range o.Members {
			if _, ok := mem.Of(sample); sample == "" || !ok {
				continue
			}
			c.member = mem
			cases = append(cases, c)
		}
	}
	return cases
}

// tokenRole is the first role of ordinary traffic whose key is temporary, or "".
func (m *model) tokenRole() string {
	for _, r := range m.roles {
		if m.cred(r).Token != "" {
			return r
		}
	}
	return ""
}

// nearMiss makes r a request that carries a near miss of the table (r.near), and is
// otherwise conforming: TC3, its parameters written by the catalogue, a store of its
// key's account, the run's region, action and version. False when the drawn case does
// not apply (the driver cannot place it, the endpoint is foreign and it is of the
// action, the key or store it needs is not in the fixture).
func (d *draws) nearMiss(t *rapid.T, r *req) bool {
	if len(d.m.near) == 0 {
		return false
	}
	i := uniform(t, "near miss", len(d.m.near))
	c := d.m.near[i]
	if c.wire && !d.caps.Wire || d.listJobsOnly && strings.EqualFold(c.value.Field, "X-TC-Action") {
		return false
	}
	if c.token {
		if r.cred = d.m.tokenRole(); r.cred == "" {
			return false
		}
	}
	account := d.m.cred(r.cred).Account
	if st := d.m.store(r.role); st == nil || st.Account != account {
		k := slices.IndexFunc(d.m.stores, func(s *fixture.UserStore) bool { return s.Account == account })
		if k < 0 {
			return false
		}
		r.role = d.m.stores[k].Role
	}
	r.method = http.MethodPost
	if c.get {
		r.method = http.MethodGet
	}
	if r.ids == idsNotArray || r.ids == idsNull && r.method == http.MethodGet {
		r.ids = idsAbsent
	}
	r.store, r.enc, r.pad, r.v1, r.signed, r.charset = storeFixture, 0, padNone, "", 0, false
	r.region, r.action, r.version, r.undef, r.brk, r.arg = "", "", "", "", breakNone, 0
	r.near = i + 1
	return true
}

// nearExpect adds what the table says of r's near miss to e: the refusal its row (and
// the rows its verdict adds) answer with, or, for another spelling of the same value,
// the rows that say so.
func (m *model) nearExpect(r *req, bad func(string, check.Check), allow func(...string)) {
	if r.near == 0 {
		return
	}
	c := m.near[r.near-1]
	w := c.verdict
	for _, row := range c.rows {
		switch {
		case w.Outcome == nearmiss.Accepted:
			allow(row)
		case w.Under != "":
			bad(row, check.CodeUnder(w.Under))
		case len(w.Codes) > 0:
			bad(row, check.OneOf(w.Codes...))
		}
	}
}

// nearSentence is the catalogue's sentence that places r's near miss.
func (m *model) nearSentence(r *req) string {
	c := m.near[r.near-1]
	return c.value.Step + ": " + c.member.Name
}

// nearThen are the checks of a refused near miss, as the suite's outline writes them,
// when r carries one and breaks no other row (else nil).
func (m *model) nearThen(r *req, e expectation) []string {
	if r.near == 0 || e.success {
		return nil
	}
	c := m.near[r.near-1]
	rows := slices.Clone(c.rows)
	vocab.SortRows(rows)
	if !slices.Equal(e.errRows(), slices.Compact(rows)) {
		return nil
	}
	return c.then
}
