package explore

import (
	"net/http"
	"slices"

	"pgregory.net/rapid"

	"github.com/ciam-harness/listjobs/driver"
)

// actionKind is one step of a program.
type actionKind int

const (
	actOne      actionKind = iota // one request
	actGroup                      // several requests in flight at once
	actBoundary                   // wait until just past the next second boundary
	actBurst                      // a rate-limit burst within one second (R1)
	actSteady                     // requests at half the limit (R2)
	actBadGood                    // badly signed then good requests within one second (R3)
)

// action is one step of a program: a request, several at once, a wait, or a probe of
// the rate limit.
type action struct {
	kind  actionKind
	reqs  []*req
	roles []string // a burst's keys, by role
	n     []int    // requests of each role (a burst); bad and good (actBadGood)
}

// program is a drawn sequence of actions.
type program []action

// limits of a program.
const (
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
			prev := earlier(p)
			if len(prev) == 0 {
				continue
			}
			a = action{kind: actOne, reqs: []*req{derive(prev, a.n)}}
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
	case kind < 55:
		return action{kind: actOne, reqs: []*req{d.req(t, "")}}
	case kind < 70:
		// A request of an earlier step again (S7), or its JobIds reordered, repeated or
		// joined with another's (S8).
		return action{kind: actDerive, n: []int{uniform(t, "base", 64), uniform(t, "how", 4), uniform(t, "other", 64)}}
	case kind < 80:
		reqs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) *req { return d.req(t, "") }), 2, maxGroup).Draw(t, "group")
		return action{kind: actGroup, reqs: reqs}
	case kind < 81:
		return action{kind: actBoundary}
	case kind < 83 && d.bursts:
		return d.burst(t)
	}
	return action{kind: actOne, reqs: []*req{d.req(t, "")}}
}

// earlier are the requests of p with JobIds listed or absent on a fixture store.
func earlier(p program) []*req {
	var out []*req
	for _, a := range p {
		for _, r := range a.reqs {
			if r.store == storeFixture && (r.ids == idsList || r.ids == idsAbsent) && r.pad == padNone {
				out = append(out, r)
			}
		}
	}
	return out
}

// derive makes a request related to earlier ones (how = n: base, how, other): the same
// again, its JobIds reversed or with one repeated, or the union of two requests' JobIds.
func derive(prev []*req, n []int) *req {
	base := prev[n[0]%len(prev)]
	r := *base
	r.list = slices.Clone(base.list)
	switch n[1] {
	case 1:
		slices.Reverse(r.list)
	case 2:
		if len(r.list) > 0 {
			r.list = append(r.list, r.list[0])
		}
	case 3:
		other := prev[n[2]%len(prev)]
		if other.role == r.role && other.ids == idsList && r.ids == idsList {
			r.list = append(r.list, other.list...)
		}
	}
	return &r
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

// req draws one request: mostly conforming requests of every shape the contract
// allows, and one or two deliberate breaks of a row in about half of them.
func (d *draws) req(t *rapid.T, name string) *req {
	m := d.m
	wire := d.caps.Wire
	r := &req{method: http.MethodPost}
	r.cred = m.roles[uniform(t, "cred "+name, len(m.roles))]
	// The user store.
	r.store, r.role = storeFixture, m.stores[0].Role
	switch k := pick(t, "store "+name, 70, 8); k {
	case -1, 0, 1:
		r.role = m.stores[uniform(t, "role "+name, len(m.stores))].Role
	case 2:
		if len(m.faultCodes) > 0 {
			r.store, r.n = storeFault, uniform(t, "fault "+name, len(m.faultCodes))
		}
	case 3:
		r.store, r.n = storeUnknown, uniform(t, "unknown store "+name, len(unknownStores))
	case 4:
		r.store = storeEmpty
	case 5:
		r.store = []storeKind{storeMissing, storeNull}[uniform(t, "missing "+name, 2)]
		if r.store == storeNull && !d.caps.Nulls {
			r.store = storeMissing
		}
	case 6:
		if wire {
			r.store, r.n = storeNotString, uniform(t, "not string "+name, len(notStrings))
		}
	case 7:
		if wire {
			r.store, r.n = []storeKind{storeNotObject, storeEmptyBody}[uniform(t, "body "+name, 2)], uniform(t, "not object "+name, len(notObjects))
		}
	}
	// The method.
	switch k := pick(t, "method "+name, 60, 4); {
	case k >= 0 && k <= 2 && d.can(driver.NeedMethod, http.MethodGet):
		r.method = http.MethodGet
	case k == 3 && wire:
		r.method = []string{http.MethodPut, http.MethodDelete, http.MethodPatch}[uniform(t, "other method "+name, 3)]
	}
	if r.method != http.MethodPost && (r.store == storeNotObject || r.store == storeEmptyBody || r.store == storeNotString) {
		r.store = storeMissing
	}
	// JobIds.
	switch k := pick(t, "ids "+name, 35, 4); k {
	case -1:
	case 0, 1:
		r.ids = idsList
		r.list = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) jobID { return d.jobID(t, name) }), 0, 14).Draw(t, "JobIds "+name)
	case 2:
		r.ids = idsNull
		if !d.caps.Nulls {
			r.ids = idsList
		}
	case 3:
		if wire && r.method == http.MethodPost {
			r.ids, r.notArr = idsNotArray, uniform(t, "not array "+name, len(notArrays))
		}
	}
	if pick(t, "undefined "+name, 92, 1) == 0 {
		r.undef = undefinedParams[uniform(t, "undefined name "+name, len(undefinedParams))]
	}
	// The encoding of the parameters.
	if wire && r.ids != idsNotArray && r.store != storeNotObject && r.store != storeEmptyBody {
		if k := pick(t, "encoding "+name, 70, 3); k >= 0 {
			if r.method == http.MethodGet {
				r.enc = encQueryUnsorted + k
			} else if r.method == http.MethodPost && r.store != storeNotString {
				r.enc = encBodyReversed + k
			}
		}
	}
	// Headers.
	switch k := pick(t, "region "+name, 80, 3); k {
	case 0:
		if d.can(driver.NeedHeader, "X-TC-Region") {
			r.region = p3Regions[1:][uniform(t, "listed region "+name, len(p3Regions[1:]))]
		}
	case 1:
		if d.can(driver.NeedHeader, "X-TC-Region") {
			r.region = unknownRegion
		}
	case 2:
		if wire {
			r.region = "-"
		}
	}
	if pick(t, "action "+name, 95, 2) >= 0 && !d.listJobsOnly && d.can(driver.NeedHeader, "X-TC-Action") {
		if 1 == uniform(t, "action or version "+name, 2) {
			r.action = otherActions[uniform(t, "other action "+name, len(otherActions))]
		} else if d.can(driver.NeedHeader, "X-TC-Version") {
			r.version = otherVersions[uniform(t, "other version "+name, len(otherVersions))]
		}
	} else if pick(t, "version "+name, 96, 1) >= 0 && d.can(driver.NeedHeader, "X-TC-Version") {
		r.version = otherVersions[uniform(t, "other version "+name, len(otherVersions))]
	}
	if pick(t, "language "+name, 85, 1) >= 0 {
		lang := languages[uniform(t, "language name "+name, len(languages))]
		if d.can(driver.NeedHeader, "X-TC-Language") && d.can(driver.NeedLanguage, lang) {
			r.lang = lang
		}
	}
	r.sdkHdrs = pick(t, "sdk headers "+name, 85, 1) >= 0 && d.can(driver.NeedHeader, "X-TC-TraceId")
	r.charset = wire && r.method == http.MethodPost && pick(t, "charset "+name, 85, 1) >= 0
	r.close = wire && pick(t, "close "+name, 90, 1) >= 0
	if wire {
		r.signed = pick(t, "signed "+name, 88, len(signedLists)) + 1
	}
	// The signature, the key and the token.
	cred := m.cred(r.cred)
	switch k := pick(t, "break "+name, 55, int(breakCount)-1); {
	case k < 0:
	default:
		b := breakKind(k + 1)
		r.brk, r.arg = b, uniform(t, "break arg "+name, 20)
		ok := true
		switch b {
		case breakWrongKey, breakUnknownID:
		case breakNoToken, breakWrongToken:
			ok = cred.Token != ""
		case breakBodyAfter, breakTypeAfter:
			ok = wire && r.method == http.MethodPost && r.store != storeEmptyBody
		case breakQueryAfter, breakOverMethod:
			ok = wire && r.method == http.MethodGet || b == breakOverMethod && wire && r.method == http.MethodPost
		case breakV1Param, breakV1NoRegion:
			ok = false // drawn with signature v1 below
		default:
			ok = wire
		}
		if !ok {
			r.brk, r.arg = breakNone, 0
		}
		switch r.brk {
		case breakRegionAfter: // X-TC-Region is signed only when listed
			r.region, r.signed = "", 2
		case breakClaimed: // claimed over the list it was signed with
			r.signed = 0
		case breakTypeAfter: // changed to the charset after signing
			r.charset = false
		}
	}
	// Signature v1 (A7): the parameters in the query or a form body, no TC3 headers.
	if (r.method == http.MethodGet || r.method == http.MethodPost) && pick(t, "v1 "+name, 90, 2) >= 0 {
		method := []string{"HmacSHA1", "HmacSHA256"}[uniform(t, "v1 method "+name, 2)]
		simple := r.enc == 0 && r.store != storeNotObject && r.store != storeEmptyBody && r.store != storeNull &&
			r.ids != idsNotArray && r.ids != idsNull && r.store != storeNotString
		if simple && d.can(driver.NeedSignMethod, method) {
			r.v1 = method
			r.region, r.action, r.version, r.lang, r.sdkHdrs, r.charset, r.close, r.signed = "", "", "", "", false, false, false, 0
			switch r.brk {
			case breakNone, breakWrongKey, breakUnknownID, breakSkew, breakNoToken, breakWrongToken:
			default:
				r.brk = breakNone
			}
			if wire && pick(t, "v1 break "+name, 85, 2) >= 0 {
				r.brk = []breakKind{breakV1Param, breakV1NoRegion}[uniform(t, "v1 break kind "+name, 2)]
				r.arg = uniform(t, "v1 param "+name, len(v1Params))
			}
		}
	}
	// The size limits (T10): rarely, a request padded to just under or over a limit.
	if d.pads && wire && r.v1 == "" && r.enc == 0 && pick(t, "pad "+name, 97, 2) >= 0 &&
		(r.store == storeFixture || r.store == storeUnknown) && r.ids != idsNotArray {
		over := 1 == uniform(t, "pad over "+name, 2)
		switch {
		case r.method == http.MethodGet && over:
			r.pad = padURLBig
		case r.method == http.MethodGet:
			r.pad = padURLOK
		case r.method == http.MethodPost && over:
			r.pad = padBodyBig
		case r.method == http.MethodPost:
			r.pad = padBodyOK
		}
		if r.pad != padNone {
			r.ids, r.list = idsList, nil
			if r.brk == breakBodyAfter || r.brk == breakQueryAfter {
				r.brk = breakNone
			}
		}
	}
	return r
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
