package explore

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/vocab"
)

// violation is one row a request breaks on purpose, and the codes that row answers it
// with.
type violation struct {
	row  string
	code check.Check
}

// expectation is what the contract lets the endpoint answer to one request. When the
// request breaks rows, any of their codes is allowed: which error wins when a request
// breaks two rows is a known gap of the contract. Otherwise it is a success with
// exactly the jobs of the fixture the request selects.
type expectation struct {
	violations []violation
	// success: a success is the answer; jobs are the ids it holds (sorted), store the
	// user store they are of, filtered whether JobIds named jobs.
	success  bool
	jobs     []string
	store    string
	filtered bool
	// otherRegion: a listed region other than the run's; a success, or any error but
	// UnsupportedRegion (P3 does not claim which regions CIAM serves).
	otherRegion bool
	// allows are the rows that allow the request's unusual but conforming parts (a
	// GET, a charset, white space in the body...): a refused success is blamed on them.
	allows []string
}

// errRows are the rows the violations break, in contract order.
func (e expectation) errRows() []string {
	var rows []string
	for _, v := range e.violations {
		rows = append(rows, v.row)
	}
	vocab.SortRows(rows)
	return slices.Compact(rows)
}

// codeOK tells whether an error code is an allowed answer.
func (e expectation) codeOK(code string) bool {
	if len(e.violations) == 0 {
		return e.otherRegion && code != "UnsupportedRegion"
	}
	for _, v := range e.violations {
		if v.code.Passes(gjsonString(code)) {
			return true
		}
	}
	return false
}

// wants describes the allowed errors, for messages.
func (e expectation) wants() string {
	var ws []string
	for _, v := range e.violations {
		if !slices.Contains(ws, v.code.Want) {
			ws = append(ws, v.code.Want)
		}
	}
	return strings.Join(ws, " or ")
}

// wantsOr describes the allowed answers, a success included.
func (e expectation) wantsOr() string {
	switch {
	case e.success:
		return "a success"
	case e.otherRegion && len(e.violations) == 0:
		return "a success or an error other than UnsupportedRegion"
	}
	return e.wants()
}

// expect is the oracle: what the contract says the answer to r, signed with a key of
// role r.cred, must be. It follows CONTRACT.md's rows; where the contract leaves the
// choice open (the order of two errors, [] or null, the order of JobSet), it allows
// every answer the contract allows.
func (m *model) expect(r *req, targetRegion string) expectation {
	var e expectation
	bad := func(row string, c check.Check) { e.violations = append(e.violations, violation{row, c}) }
	allow := func(rows ...string) { e.allows = append(e.allows, rows...) }
	cred := m.cred(r.cred)
	res := m.resolve(r)

	// Transport, authentication and routing.
	switch r.method {
	case http.MethodPost:
		allow("T1")
	case http.MethodGet:
		allow("T2")
	default:
		bad("T3", check.OneOf("UnsupportedProtocol"))
	}
	switch r.brk {
	case breakNoAuth, breakAuthForm:
		bad("A5", check.OneOf("AuthFailure.InvalidAuthorization"))
	case breakSkew:
		if s := skews[r.arg%len(skews)]; s > 300 || s < -300 {
			bad("A3", check.OneOf("AuthFailure.SignatureExpire"))
		} else {
			allow("A3")
		}
	case breakScopeDate, breakScopeSvc:
		bad("A6", check.OneOf("AuthFailure.SignatureFailure"))
	case breakUnknownID:
		bad("A4", check.OneOf("AuthFailure.SecretIdNotFound"))
	case breakCut: // a shorter signature is not of A5's form either (Signature=<64 hex digits>)
		bad("A2", check.CodeUnder("AuthFailure"))
		bad("A5", check.CodeUnder("AuthFailure"))
	case breakWrongKey, breakClaimed, breakBodyAfter, breakQueryAfter, breakRegionAfter, breakTypeAfter,
		breakDigit, breakMoved, breakOverMethod, breakOverURI, breakV1Param:
		bad("A2", check.OneOf("AuthFailure.SignatureFailure"))
	case breakNoToken:
		bad("A8", check.CodeUnder("AuthFailure"))
	case breakWrongToken:
		bad("A8", check.OneOf("AuthFailure.TokenFailure"))
	case breakV1NoRegion:
		bad("P3", check.OneOf("MissingParameter"))
	}
	m.nearExpect(r, bad, allow)
	if r.signed > 0 {
		if l := signedLists[r.signed-1]; strings.Contains(l, "content-type") && strings.Contains(l, "host") {
			allow("A1")
		} else {
			bad("A1", check.CodeUnder("AuthFailure"))
		}
	}
	if cred.Token != "" && r.brk != breakNoToken && r.brk != breakWrongToken {
		allow("A8")
	}
	if r.v1 != "" {
		allow("A7")
	}
	if r.action != "" {
		bad("P1", check.OneOf("InvalidAction"))
	}
	if r.version != "" {
		bad("P2", check.OneOf("NoSuchVersion"))
	}
	switch region := regionOf(r, targetRegion); {
	case region == "" && r.v1 == "":
		bad("P3", check.OneOf("MissingParameter"))
	case !isListedRegion(region) && region != targetRegion:
		bad("P3", check.OneOf("UnsupportedRegion"))
	case region != targetRegion:
		allow("P3")
		e.otherRegion = true
	}
	if r.lang != "" || r.sdkHdrs {
		allow("T4")
	}
	if r.charset {
		allow("T1")
	}
	switch {
	case r.enc == encBodyReversed || r.enc == encBodySpaced || r.enc == encQueryUnsorted:
		allow("A1")
	case r.enc == encBodyEscaped:
		allow("T1")
	case r.enc == encQueryPercent || r.enc == encQueryLower:
		allow("T2")
	}
	// JobIds.10 sorts before JobIds.2 as the query is sent (url.Values.Encode): an
	// endpoint that sorts it otherwise to verify it breaks A1.
	if r.method == http.MethodGet && (len(res.ids) > 10 || r.pad != padNone) {
		allow("A1")
	}
	switch r.pad {
	case padBodyBig, padURLBig:
		bad("T10", check.OneOf("RequestSizeLimitExceeded"))
	case padBodyOK, padURLOK:
		allow("T10")
	}

	// Parameters.
	switch r.store {
	case storeNotObject:
		bad("P7", check.OneOf("InvalidParameter"))
	case storeEmptyBody, storeMissing:
		bad("P4", check.OneOf("MissingParameter"))
	case storeNull:
		bad("P10", check.OneOf("MissingParameter"))
	case storeNotString:
		bad("P5", check.OneOf("InvalidParameter"))
	}
	paramsRead := r.store != storeNotObject && r.store != storeEmptyBody
	if paramsRead && r.pad == padNone {
		switch r.ids {
		case idsNotArray:
			bad("P5", check.OneOf("InvalidParameter"))
		case idsNull:
			allow("P10", "S1")
		case idsAbsent:
			allow("S1")
		case idsList:
			if len(r.list) == 0 {
				allow("S1")
			} else {
				allow("S2")
			}
		}
	}
	if paramsRead && r.undef != "" {
		bad("P6", check.OneOf("UnknownParameter"))
	}
	if r.pad != padNone {
		allow("S3")
	}

	// The user store, once the parameters are read.
	storeNamed := paramsRead && (r.store == storeFixture || r.store == storeFault || r.store == storeUnknown || r.store == storeEmpty)
	if storeNamed {
		if code := m.faultOf(cred.SecretID, res.storeID); code != "" {
			bad("T7", check.OneOf(code))
		} else {
			switch st := m.storeByID(res.storeID); {
			case r.store == storeEmpty:
				bad("P9", check.OneOf("FailedOperation.InvalidUserStore"))
			case st == nil:
				bad("P8", check.OneOf("FailedOperation.InvalidUserStore"))
			case st.Account != cred.Account:
				bad("S9", check.OneOf("FailedOperation.InvalidUserStore"))
			default:
				e.store = st.ID
			}
		}
	}
	if len(e.violations) > 0 || e.store == "" {
		vocab.SortRows(e.allows)
		e.allows = slices.Compact(e.allows)
		return e
	}

	// The jobs (S1-S3): all of the store's, or those JobIds names exactly.
	e.success = true
	own := m.ids[e.store]
	if r.ids == idsList && len(r.list) > 0 && r.pad == padNone {
		e.filtered = true
		for _, id := range res.ids {
			if _, ok := m.jobs[e.store][id]; ok {
				e.jobs = append(e.jobs, id)
			} else {
				allow("S3")
			}
		}
		slices.Sort(e.jobs)
		e.jobs = slices.Compact(e.jobs)
	} else if r.pad != padNone {
		e.filtered, e.jobs = true, nil // the padding ids name no job
	} else {
		e.jobs = slices.Clone(own)
	}
	allow("T6")
	vocab.SortRows(e.allows)
	e.allows = slices.Compact(e.allows)
	return e
}

// storeByID is the fixture's store of id, or nil.
func (m *model) storeByID(id string) *storeRef {
	for i := range m.fx.UserStores {
		if s := &m.fx.UserStores[i]; s.ID == id {
			return &storeRef{ID: s.ID, Account: s.Account}
		}
	}
	return nil
}

// storeRef is a user store's id and account.
type storeRef struct{ ID, Account string }
