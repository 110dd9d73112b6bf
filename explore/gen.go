package explore

import (
	"fmt"
	"net/http"
	"slices"

	"pgregory.net/rapid"

	"github.com/ciam-harness/listjobs/driver"
)

// actionKind is one step of a program.
type actionKind int

const (
	actOne       actionKind = iota // one request
	actGroup                       // several requests in flight at once
	actBoundary                    // wait until just past the next second boundary
	actBurst                       // a rate-limit burst within one second (R1)
	actSteady                      // requests at half the limit (R2)
	actBadGood                     // badly signed then good requests within one second (R3)
	actLateEarly                   // requests late in one second, more early in the next (R1)
)

// action is one step of a program: a request, several at once, a wait, or a probe of
// the rate limit.
type action struct {
	kind  actionKind
	reqs  []*req
	roles []string // a burst's keys, by role
	n     []int    // requests of each role (a burst); bad and good (actBadGood); late and early (actLateEarly)
}

// program is a drawn sequence of actions.
type program []action

// limits of a program.
const (
	largeStore = 500
	maxActions = 8
	maxGroup   = 4
)

// draws are what the generator may draw, from the driver's capabilities, the fixture
// and whether the endpoint is ours.
type draws struct {
	m *model
	// caps are the driver's: through an SDK, only what its client lets a caller do.
	caps driver.Capabilities
	// listJobsOnly: a foreign endpoint: no other action.
	listJobsOnly bool
	// bursts: the rate-limit probes may be drawn (the fixture has their keys).
	bursts bool
	// pads: the size probes may be drawn.
	pads bool
	// region is the run's X-TC-Region (the oracle's).
	region string
}

// uniform draws a number below n, near uniformly: rapid's integers are biased to
// small values, which would make every "none" of pick far likelier than asked; the low
// digits of a larger number are not. Shrinking still leads to 0.
func uniform(t *rapid.T, name string, n int) int {
	return int(rapid.Uint32().Draw(t, name) % uint32(n))
}

// pick draws "none" (-1) with probability none/100, else an index below n; shrinking
// leads to none.
func pick(t *rapid.T, name string, none, n int) int {
	if n == 0 || uniform(t, name, 100) < none {
		return -1
	}
	return uniform(t, name+"#", n)
}

// program draws a program: a sequence of actions, which rapid shrinks by dropping
// actions and simplifying each.
func (d *draws) program(t *rapid.T) program {
	actions := rapid.SliceOfN(rapid.Custom(d.action), 1, maxActions).Draw(t, "actions")
	var p program
	for _, a := range actions {
		if a.kind == actDerive {
			prev := d.earlier(p)
			if len(prev) == 0 {
				continue
			}
			for _, r := range d.derive(prev, a.n) {
				p = append(p, action{kind: actOne, reqs: []*req{r}})
			}
			continue
		}
		p = append(p, a)
	}
	if len(p) == 0 {
		p = program{{kind: actOne, reqs: []*req{d.req(t, "last")}}}
	}
	return p
}

// actDerive is an action of the draws only: a request made from earlier ones (derive).
const actDerive actionKind = -1

// action draws one action.
func (d *draws) action(t *rapid.T) action {
	kind := uniform(t, "kind", 100)
	switch {
	case kind < 50:
		return action{kind: actOne, reqs: []*req{d.req(t, "")}}
	case kind < 75:
		// A request of an earlier step again (S7), or its JobIds reordered, repeated or
		// joined with another's (S8).
		return action{kind: actDerive, n: []int{uniform(t, "base", 64), uniform(t, "how", 5), uniform(t, "other", 64)}}
	case kind < 84:
		reqs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) *req { return d.req(t, "") }), 2, maxGroup).Draw(t, "group")
		return action{kind: actGroup, reqs: reqs}
	case kind < 85:
		return action{kind: actBoundary}
	case kind < 88 && d.bursts:
		return d.burst(t)
	}
	return action{kind: actOne, reqs: []*req{d.req(t, "")}}
}

// earlier are the requests of p a success answers, with JobIds listed or absent:
// those a request derived from them relates to.
func (d *draws) earlier(p program) []*req {
	var out []*req
	for _, a := range p {
		for _, r := range a.reqs {
			if (r.ids == idsList || r.ids == idsAbsent) && r.pad == padNone && d.m.expect(r, d.region).success {
				out = append(out, r)
			}
		}
	}
	return out
}

// derive makes requests related to earlier ones (n: which one, how, where to split):
// the same again, its JobIds reversed or with one repeated, or its JobIds split in two
// lists sent first, then whole (a ∪ b, S8).
func (d *draws) derive(prev []*req, n []int) []*req {
	base := prev[n[0]%len(prev)]
	if n[1] >= 3 { // a ∪ b wants a request of two ids or more
		var lists []*req
		for _, p := range prev {
			if len(p.list) >= 2 {
				lists = append(lists, p)
			}
		}
		if len(lists) > 0 {
			base = lists[n[0]%len(lists)]
		}
	}
	r := *base
	r.list = slices.Clone(base.list)
	switch n[1] {
	case 1:
		slices.Reverse(r.list)
	case 2:
		if len(r.list) > 0 {
			r.list = append(r.list, r.list[0])
		}
	case 3, 4:
		if len(r.list) < 2 {
			break
		}
		cut := 1 + n[2]%(len(r.list)-1)
		a, b := r, r
		a.list, b.list = slices.Clone(r.list[:cut]), slices.Clone(r.list[cut:])
		return []*req{&a, &b, &r}
	}
	return []*req{&r}
}

// burst draws a probe of the rate limit with keys of the fixture's rate-limit roles.
func (d *draws) burst(t *rapid.T) action {
	has := func(role string) bool { return slices.Contains(d.m.limitRoles, role) }
	var choices []action
	if has("rate-limit-one-owner") {
		n := 21 + uniform(t, "burst", 10)
		choices = append(choices, action{kind: actBurst, roles: []string{"rate-limit-one-owner"}, n: []int{n}})
	}
	if has("rate-limit-shared") && has("rate-limit-shared-same-owner") {
		choices = append(choices, action{kind: actBurst, roles: []string{"rate-limit-shared", "rate-limit-shared-same-owner"}, n: []int{12, 12}})
	}
	if has("rate-limit-apart") && has("rate-limit-apart-other-owner") {
		choices = append(choices, action{kind: actBurst, roles: []string{"rate-limit-apart", "rate-limit-apart-other-owner"}, n: []int{15, 15}})
	}
	if has("rate-limit-steady") {
		choices = append(choices, action{kind: actSteady, roles: []string{"rate-limit-steady"}, n: []int{20, 10}})
	}
	if has("rate-limit-next-second") {
		late, early := 15+uniform(t, "late", 16), 15+uniform(t, "early", 16)
		choices = append(choices, action{kind: actLateEarly, roles: []string{"rate-limit-next-second"}, n: []int{late, early}})
	}
	if has("rate-limit-auth") {
		choices = append(choices, action{kind: actBadGood, roles: []string{"rate-limit-auth"}, n: []int{10, 20}})
	}
	if len(choices) == 0 {
		return action{kind: actBoundary}
	}
	return choices[uniform(t, "probe", len(choices))]
}

// can tells whether the driver's client can send what a step needs.
func (d *draws) can(kind, value string) bool {
	return d.caps.Missing(driver.Need{Kind: kind, Value: value}) == ""
}

// req draws one request: a conforming request of any shape the contract allows (its
// key, store, method, JobIds, the encoding of its parameters, a listed region, the
// headers the SDKs send...), which in six draws out of ten then breaks one row on
// purpose, and now and then two (which error wins is a known gap: any of theirs is
// allowed). Each break is one of many kinds, drawn alike, so that each comes up on
// an otherwise conforming request often enough.
func (d *draws) req(t *rapid.T, name string) *req {
	m := d.m
	wire := d.caps.Wire
	r := &req{method: http.MethodPost, store: storeFixture, role: m.stores[0].Role}
	r.cred = m.roles[uniform(t, "cred "+name, len(m.roles))]
	st := m.stores[uniform(t, "role "+name, len(m.stores))]
	// A large store (thousands of jobs, a megabyte an answer) costs a hundred times a
	// small one to judge: it is drawn one time in ten it comes up.
	if len(st.Jobs) <= largeStore || uniform(t, "large "+name, 10) == 0 {
		r.role = st.Role
	}
	if uniform(t, "get "+name, 10) < 3 && d.can(driver.NeedMethod, http.MethodGet) {
		r.method = http.MethodGet
	}
	switch k := uniform(t, "ids "+name, 10); {
	case k < 3:
	case k < 9:
		r.ids = idsList
		// Mostly a few ids, so that a near miss often comes without the id it is near
		// (a store holds a handful of jobs); now and then more than ten (JobIds.10).
		most := 3
		if uniform(t, "long "+name, 10) >= 7 {
			most = 14
		}
		r.list = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) jobID { return d.jobID(t, name) }), 0, most).Draw(t, "JobIds "+name)
	default:
		r.ids = idsNull
		if !d.caps.Nulls || r.method == http.MethodGet {
			r.ids = idsAbsent
		}
	}
	if wire && uniform(t, "encoding "+name, 10) < 3 {
		if r.method == http.MethodGet {
			r.enc = encQueryUnsorted + uniform(t, "query encoding "+name, 3)
		} else {
			r.enc = encBodyReversed + uniform(t, "body encoding "+name, 3)
		}
	}
	if uniform(t, "region "+name, 10) == 0 && d.can(driver.NeedHeader, "X-TC-Region") {
		r.region = p3Regions[1:][uniform(t, "listed region "+name, len(p3Regions)-1)]
	}
	if uniform(t, "language "+name, 8) == 0 {
		lang := languages[uniform(t, "language name "+name, len(languages))]
		if d.can(driver.NeedHeader, "X-TC-Language") && d.can(driver.NeedLanguage, lang) {
			r.lang = lang
		}
	}
	r.sdkHdrs = uniform(t, "sdk headers "+name, 8) == 0 && d.can(driver.NeedHeader, "X-TC-TraceId")
	r.charset = wire && r.method == http.MethodPost && uniform(t, "charset "+name, 8) == 0
	r.close = wire && uniform(t, "close "+name, 10) == 0
	if wire && uniform(t, "signed "+name, 10) == 0 {
		r.signed = 1 + uniform(t, "signed list "+name, 2) // more headers than content-type;host
	}
	if uniform(t, "skew "+name, 12) == 0 && wire {
		r.brk, r.arg = breakSkew, uniform(t, "skew seconds "+name, 4) // within the window
	}
	// Signature v1 (A7): the parameters in the query or a form body, no TC3 headers.
	if uniform(t, "v1 "+name, 12) == 0 {
		method := []string{"HmacSHA1", "HmacSHA256"}[uniform(t, "v1 method "+name, 2)]
		if r.enc == 0 && r.ids != idsNull && d.can(driver.NeedSignMethod, method) {
			r.v1 = method
			r.region, r.lang, r.sdkHdrs, r.charset, r.close, r.signed, r.brk = "", "", false, false, false, 0, breakNone
		}
	}
	// The size limits (T10): rarely, a request padded to just under a limit.
	if d.pads && wire && r.v1 == "" && r.enc == 0 && uniform(t, "pad "+name, 40) == 0 {
		r.pad, r.ids, r.list = padBodyOK, idsList, nil
		if r.method == http.MethodGet {
			r.pad = padURLOK
		}
	}
	// The rows broken on purpose.
	n := 0
	switch v := uniform(t, "breaks "+name, 10); {
	case v >= 4 && v < 9:
		n = 1
	case v == 9:
		n = 2
	}
	// One request in three with a break carries a near miss of a value the contract
	// compares exactly (of some two hundred), and no other break.
	if n > 0 && uniform(t, "near "+name, 3) == 0 && d.nearMiss(t, r) {
		n = 0
	}
	for k := range n {
		// Three breaks in five are of the signature or the key: there are more kinds of
		// them (breakKind, most with several values) than of all the other rows together.
		if uniform(t, fmt.Sprintf("signature break %d %s", k, name), 5) < 3 {
			d.violate(t, r, len(violations)-1)
		} else {
			d.violate(t, r, uniform(t, fmt.Sprintf("break %d %s", k, name), len(violations)-1))
		}
	}
	return r
}

// violations are the ways a request breaks a row on purpose; each returns false when
// it does not apply to the request (or the driver cannot send it), which then stays
// as it is.
var violations = []func(d *draws, t *rapid.T, r *req) bool{
	func(d *draws, t *rapid.T, r *req) bool { // a fault rule's store (T7)
		if len(d.m.faultCodes) == 0 {
			return false
		}
		r.store, r.n = storeFault, uniform(t, "fault", len(d.m.faultCodes))
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P8
		r.store, r.n = storeUnknown, uniform(t, "unknown store", len(unknownStores))
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { r.store = storeEmpty; return true }, // P9
	func(d *draws, t *rapid.T, r *req) bool { // S9: a store of another account
		for _, s := range d.m.stores {
			if s.Account != d.m.cred(r.cred).Account {
				r.store, r.role = storeFixture, s.Role
				return true
			}
		}
		return false
	},
	func(d *draws, t *rapid.T, r *req) bool { r.store = storeMissing; return true }, // P4
	func(d *draws, t *rapid.T, r *req) bool { // P10
		if !d.caps.Nulls || r.method != http.MethodPost || r.v1 != "" {
			return false
		}
		r.store = storeNull
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P5
		if !d.caps.Wire || r.method != http.MethodPost || r.v1 != "" || r.enc != 0 {
			return false
		}
		r.store, r.n = storeNotString, uniform(t, "not string", len(notStrings))
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P7, P4
		if !d.caps.Wire || r.method != http.MethodPost || r.v1 != "" || r.pad != padNone {
			return false
		}
		r.store, r.n = []storeKind{storeNotObject, storeEmptyBody}[uniform(t, "body", 2)], uniform(t, "not object", len(notObjects))
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P5
		if !d.caps.Wire || r.method != http.MethodPost || r.v1 != "" || r.pad != padNone {
			return false
		}
		r.ids, r.notArr = idsNotArray, uniform(t, "not array", len(notArrays))
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P6
		r.undef = undefinedParams[uniform(t, "undefined", len(undefinedParams))]
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P3
		if r.v1 != "" {
			if !d.caps.Wire {
				return false
			}
			r.brk = breakV1NoRegion
			return true
		}
		if !d.caps.Wire {
			return false
		}
		r.region = "-"
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P3
		if r.v1 != "" || !d.can(driver.NeedHeader, "X-TC-Region") {
			return false
		}
		r.region = unknownRegion
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P1
		if r.v1 != "" || d.listJobsOnly || !d.can(driver.NeedHeader, "X-TC-Action") {
			return false
		}
		r.action = otherActions[uniform(t, "other action", len(otherActions))]
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // P2
		if r.v1 != "" || !d.can(driver.NeedHeader, "X-TC-Version") {
			return false
		}
		r.version = otherVersions[uniform(t, "other version", len(otherVersions))]
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // A1: SignedHeaders without content-type or host
		if !d.caps.Wire || r.v1 != "" {
			return false
		}
		r.signed = 3 + uniform(t, "signed list", 2)
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // T3
		if !d.caps.Wire || r.v1 != "" {
			return false
		}
		r.method = []string{http.MethodPut, http.MethodDelete, http.MethodPatch}[uniform(t, "other method", 3)]
		r.enc, r.charset, r.pad = 0, false, padNone
		if r.store == storeNotObject || r.store == storeEmptyBody || r.store == storeNotString || r.store == storeNull {
			r.store = storeMissing
		}
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // T10
		if !d.pads || !d.caps.Wire || r.v1 != "" || r.enc != 0 || r.ids == idsNotArray || r.store == storeNotObject || r.store == storeEmptyBody {
			return false
		}
		r.pad, r.ids, r.list = padBodyBig, idsList, nil
		if r.method == http.MethodGet {
			r.pad = padURLBig
		}
		return true
	},
	func(d *draws, t *rapid.T, r *req) bool { // A3, A6, A4, A2, A5, A8: a break of the signature or the key
		b := weightedBreak(uniform(t, "break", breakWeightTotal))
		// A GET's query and a POST's body are what a signature covers most: they
		// come up more often.
		switch {
		case r.method == http.MethodGet && uniform(t, "query break", 4) == 0:
			b = breakQueryAfter
		case r.method == http.MethodPost && uniform(t, "body break", 4) == 0:
			b = breakBodyAfter
		}
		return d.breakWith(t, r, b)
	},
}

// breakWeights weigh each kind of break by how many values it draws from (authForms,
// skews...), so that each value of each kind comes up about as often.
var breakWeights = map[breakKind]int{
	breakSkew: 4, breakScopeDate: 2, breakScopeSvc: 2, breakAuthForm: len(authForms), breakClaimed: len(claimedLists),
	breakBodyAfter: 2, breakQueryAfter: queryChanges, breakDigit: len(digits), breakMoved: 2, breakOverURI: len(overURIs),
	breakV1Param: len(v1Params),
}

// breakWeightTotal is the sum of the weights of every kind of break (1 when unlisted).
var breakWeightTotal = func() int {
	n := 0
	for b := breakKind(1); b < breakCount; b++ {
		n += max(1, breakWeights[b])
	}
	return n
}()

// weightedBreak is the kind of break of a draw below breakWeightTotal.
func weightedBreak(v int) breakKind {
	for b := breakKind(1); b < breakCount; b++ {
		if v -= max(1, breakWeights[b]); v < 0 {
			return b
		}
	}
	return breakWrongKey
}

// violate applies the k-th violation to r (when it applies).
func (d *draws) violate(t *rapid.T, r *req, k int) {
	violations[k](d, t, r)
}

// breakWith breaks r's signature, key or token in the way b, when it applies.
func (d *draws) breakWith(t *rapid.T, r *req, b breakKind) bool {
	wire := d.caps.Wire
	cred := d.m.cred(r.cred)
	ok := true
	switch b {
	case breakWrongKey, breakUnknownID:
	case breakNoToken, breakWrongToken:
		ok = cred.Token != ""
	case breakSkew:
		ok = wire
	case breakV1Param, breakV1NoRegion:
		ok = wire && r.v1 != ""
	case breakBodyAfter, breakTypeAfter:
		ok = wire && r.v1 == "" && r.method == http.MethodPost && r.store != storeEmptyBody && r.pad == padNone
	case breakQueryAfter:
		ok = wire && r.v1 == "" && r.method == http.MethodGet && r.pad == padNone
	default:
		ok = wire && r.v1 == ""
	}
	if r.v1 != "" && wire && (b == breakSkew || b > breakUnknownID && b < breakNoToken) {
		b, ok = breakV1Param, true
	}
	if !ok {
		return false
	}
	r.brk, r.arg = b, uniform(t, "break arg", 20)
	switch b {
	case breakSkew:
		r.arg = 4 + uniform(t, "skew beyond", 4) // beyond the window: skews[4:]
	case breakRegionAfter: // X-TC-Region is signed only when listed
		r.region, r.signed = "", 2
	case breakClaimed: // claimed over the list it was signed with
		r.signed = 0
	case breakTypeAfter: // changed to the charset after signing
		r.charset = false
	case breakQueryAfter: // the request made to have what the change changes
		r.arg = uniform(t, "query change", queryChanges)
		switch r.arg {
		case queryReordered, queryDash, queryFromEmpty:
			r.enc = 0
			if r.ids != idsList || len(r.list) == 0 {
				r.ids, r.list = idsList, []jobID{{kind: idOwn}}
			}
		case queryEscapeCase:
			r.enc = encQueryPercent
		case querySpace:
			r.enc, r.ids = encQueryPercent, idsList
			r.list = append(slices.Clone(r.list), jobID{kind: idUnknown, n: slices.Index(unknownIDs, "job with spaces")})
		}
	case breakAuthForm:
		r.arg = uniform(t, "form", len(authForms))
	}
	return true
}

// jobID draws one element of JobIds.
func (d *draws) jobID(t *rapid.T, name string) jobID {
	j := jobID{n: uniform(t, "id "+name, 51)}
	switch k := pick(t, "id kind "+name, 60, 3); k {
	case 0:
		j.kind, j.store = idOther, d.m.stores[uniform(t, "id store "+name, len(d.m.stores))].Role
	case 1:
		j.kind = idUnknown
	case 2:
		j.kind, j.near = idNear, uniform(t, "near "+name, len(nearKinds))
	}
	return j
}
