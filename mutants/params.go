package mutants

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/vocab"
)

// Routing and parameters (P1-P10): the action, the version and the region, and the
// parameters of ListJobs: required, typed, none unknown, a body that is an object, a
// user store of the caller's, null as absent. Most of these mutants turn what the
// emulator refuses into what it serves and re-sign the request (lenient, front), so
// that the emulator answers as a server that does not check the row would.

// paramMutants are the mutants of the rows P1-P10, in row order.
func paramMutants() []Mutant {
	return []Mutant{
		{Name: "action-unchecked", Row: "P1", Class: ClassNearMiss, How: howMiddleware, Break: "any X-TC-Action is served as ListJobs",
			apply: through(func(fx *fixture.Fixture) middleware {
				return setHeaderIf(fx, "X-TC-Action", vocab.Action, func(v string) bool { return v != "" && v != vocab.Action })
			})},
		{Name: "action-case-insensitive", Row: "P1", Class: ClassNearMiss, How: howMiddleware, Break: "X-TC-Action is matched whatever its case (listjobs is served)",
			apply: through(setHeaderLoosely("X-TC-Action", vocab.Action, strings.EqualFold))},
		{Name: "action-prefix-match", Row: "P1", Class: ClassNearMiss, How: howMiddleware, Break: "an X-TC-Action that starts with ListJobs is served",
			apply: through(setHeaderLoosely("X-TC-Action", vocab.Action, startsWith))},
		{Name: "action-empty-default", Row: "P1", Class: ClassNearMiss, How: howMiddleware, Break: "an X-TC-Action sent empty is served as ListJobs",
			apply: through(emptyHeaderServed("X-TC-Action", vocab.Action))},
		{Name: "version-unchecked", Row: "P2", Class: ClassNearMiss, How: howMiddleware, Break: "any X-TC-Version is served",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptAny(fx, "Version", isVersion, vocab.Version) })},
		{Name: "version-prefix-match", Row: "P2", Class: ClassNearMiss, How: howMiddleware, Break: "an X-TC-Version that starts with 2022-03-31 is served",
			apply: through(setHeaderLoosely("X-TC-Version", vocab.Version, startsWith))},
		{Name: "version-empty-default", Row: "P2", Class: ClassNearMiss, How: howMiddleware, Break: "an X-TC-Version sent empty is served as 2022-03-31",
			apply: through(emptyHeaderServed("X-TC-Version", vocab.Version))},
		{Name: "region-not-required", Row: "P3", Class: ClassErrorChoice, How: howMiddleware, Break: "a request without X-TC-Region is served (as ap-guangzhou)",
			apply: through(func(fx *fixture.Fixture) middleware {
				return setHeaderIf(fx, "X-TC-Region", vocab.DefaultRegion, func(v string) bool { return v == "" })
			})},
		{Name: "region-unchecked", Row: "P3", Class: ClassNearMiss, How: howMiddleware, Break: "any region name is served",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptAny(fx, "Region", isRegion, vocab.DefaultRegion) })},
		{Name: "region-case-insensitive", Row: "P3", Class: ClassNearMiss, How: howMiddleware, Break: "X-TC-Region is matched whatever its case (AP-GUANGZHOU is served)",
			apply: through(setHeaderLoosely("X-TC-Region", vocab.DefaultRegion, strings.EqualFold))},
		{Name: "userstoreid-missing-wrong-code", Row: "P4", Class: ClassErrorChoice, How: howMiddleware, Break: "a request without UserStoreId gets InvalidParameter instead of MissingParameter",
			apply: through(fixed(storeIDWrongCode()))},
		{Name: "userstoreid-type-lenient", Row: "P5", Class: ClassRequestRead, How: howMiddleware, Break: "a UserStoreId that is a number, boolean, array or object is read as a string",
			apply: through(func(fx *fixture.Fixture) middleware { return coerceParam(fx, "UserStoreId", storeIDAsString) })},
		{Name: "jobids-type-lenient", Row: "P5", Class: ClassRequestRead, How: howMiddleware, Break: "a JobIds that is not an array of strings is read as one",
			apply: through(func(fx *fixture.Fixture) middleware { return coerceParam(fx, "JobIds", jobIDsAsStrings) })},
		{Name: "unknown-parameter-accepted", Row: "P6", Class: ClassNearMiss, How: howMiddleware, Break: "parameters ListJobs does not define are ignored",
			apply: through(acceptUnknownParameters)},
		{Name: "parameter-names-case-insensitive", Row: "P6", Class: ClassNearMiss, How: howMiddleware, Break: "a body's parameter names are matched whatever their case (userStoreId is UserStoreId)",
			apply: through(namesLoosely(strings.EqualFold))},
		{Name: "non-object-body-as-empty", Row: "P7", Class: ClassRequestRead, How: howMiddleware, Break: "a body that is JSON but not an object counts as an empty body (MissingParameter)",
			apply: through(nonObjectAsEmpty)},
		{Name: "unknown-store-empty-list", Row: "P8", Class: ClassErrorChoice, How: howMiddleware, Break: "an unknown UserStoreId is answered with an empty list",
			apply: through(unknownStoreEmpty)},
		{Name: "userstoreid-case-insensitive", Row: "P8", Class: ClassNearMiss, How: howMiddleware, Break: "a UserStoreId is matched whatever its case",
			apply: through(storeIDLoosely(func(got string, want string) bool { return strings.EqualFold(got, want) }))},
		{Name: "userstoreid-percent-decoded", Row: "P8", Class: ClassNearMiss, How: howMiddleware, Break: "a JSON body's UserStoreId is percent-decoded as well (%75s-... names us-...)",
			apply: through(storeIDLoosely(func(got string, want string) bool { d, err := url.PathUnescape(got); return err == nil && d == want }))},
		{Name: "empty-userstoreid-missing", Row: "P9", Class: ClassErrorChoice, How: howMiddleware, Break: `"UserStoreId": "" gets MissingParameter`,
			apply: through(fixed(emptyStoreIDMissing()))},
		{Name: "null-rejected", Row: "P10", Class: ClassRequestRead, How: howMiddleware, Break: "a JSON null parameter is InvalidParameter",
			apply: through(rejectNull)},
	}
}

// setHeaderIf sets a header of a validly signed request (re-signing it) when it is
// absent or wrong: a server that does not check it (breaks P1, P3).
func setHeaderIf(fx *fixture.Fixture, name, value string, when func(v string) bool) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		if !when(c.r.Header.Get(name)) {
			return false
		}
		c.r.Header.Set(name, value)
		return true
	})
}

// setHeaderLoosely serves a validly signed request whose header name holds a near miss
// of want that match accepts, as if it held want (breaks P1, P2).
func setHeaderLoosely(name, want string, match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return setHeaderIf(fx, name, want, func(v string) bool { return v != want && match(v, want) })
	}
}

// startsWith matches a value that begins with want (a suffix added).
func startsWith(got, want string) bool { return strings.HasPrefix(got, want) }

// acceptAny replaces a non-empty value of the X-TC-* header (TC3) or the common
// parameter (v1) name that valid refuses by value; a signed one is re-signed when the
// request verified as received (breaks P2 with the version, P3 with the region).
func acceptAny(fx *fixture.Fixture, name string, valid func(string) bool, value string) middleware {
	header := "X-TC-" + name
	bad := func(v string) bool { return v != "" && !valid(v) }
	return front(func(c *call) {
		if len(c.r.Header["Authorization"]) > 0 {
			if !bad(c.r.Header.Get(header)) {
				return
			}
			s, claimed := c.claimed(fx)
			good := claimed && c.verifiesAsReceived(s)
			c.r.Header.Set(header, value)
			if good && slices.Contains(s.auth.SignedHeaders, strings.ToLower(header)) {
				c.forge(s.cred.SecretKey, s.auth, s.ts)
			}
			return
		}
		v, ok := c.v1()
		if !ok || !bad(v.values.Get(name)) {
			return
		}
		cred, known := v.cred(fx)
		good := known && v.verifies(cred.SecretKey)
		v.set(name, value)
		if good {
			v.sign(cred.SecretKey)
		}
	})
}

func isVersion(v string) bool { return v == vocab.Version }

func isRegion(r string) bool { return slices.Contains(knownRegions(), r) }

// storeIDWrongCode answers InvalidParameter where the emulator answers MissingParameter
// for a request without UserStoreId (breaks P4).
func storeIDWrongCode() middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != codeMissingParameter || c.isV1() {
			return nil
		}
		for _, h := range []string{"X-TC-Action", "X-TC-Version", "X-TC-Region", "X-TC-Timestamp"} {
			if c.r.Header.Get(h) == "" {
				return nil
			}
		}
		if c.params().hasStore {
			return nil
		}
		return errorBody(codeInvalidParameter, "The parameter `UserStoreId` is invalid.", resp.requestID)
	})
}

// coerceParam re-signs a validly signed JSON body whose member name is not of its
// type, after coerce turned it into one (breaks P5: wrong types accepted).
func coerceParam(fx *fixture.Fixture, name string, coerce func(v json.RawMessage) (json.RawMessage, bool)) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		if c.r.Method != http.MethodPost {
			return false
		}
		keys, vals, ok := members(c.body)
		i := slices.Index(keys, name)
		if !ok || i < 0 {
			return false
		}
		v, changed := coerce(vals[i])
		if !changed {
			return false
		}
		b, ok := replaceMember(c.body, name, v)
		if ok {
			c.setBody(b)
		}
		return ok
	})
}

// storeIDAsString reads a UserStoreId that is not a string as the text of its value.
func storeIDAsString(v json.RawMessage) (json.RawMessage, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] == '"' || string(v) == "null" {
		return nil, false
	}
	s, ok := literalString(v)
	return mustMarshal(s), ok
}

// jobIDsAsStrings reads a JobIds that is not an array of strings as one: a string is
// a one-id list, elements and object values become the text of their values.
func jobIDsAsStrings(v json.RawMessage) (json.RawMessage, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return nil, false
	}
	var ids []string
	if json.Unmarshal(v, &ids) == nil {
		return nil, false // already an array of strings
	}
	var els []json.RawMessage
	switch v[0] {
	case '"':
		els = []json.RawMessage{v}
	case '[':
		_ = json.Unmarshal(v, &els)
	case '{':
		_, els, _ = members(v)
	default:
		els = []json.RawMessage{v}
	}
	ids = []string{}
	for _, el := range els {
		if s, ok := literalString(el); ok {
			ids = append(ids, s)
		}
	}
	return mustMarshal(ids), true
}

// literalString turns a JSON scalar into the string of its text; an array or object
// gives its first string (or scalar) element; false when there is none.
func literalString(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return "", false
	case v[0] == '"':
		var s string
		return s, json.Unmarshal(v, &s) == nil
	case v[0] == '[':
		var els []json.RawMessage
		if json.Unmarshal(v, &els) == nil {
			for _, el := range els {
				if s, ok := literalString(el); ok {
					return s, true
				}
			}
		}
		return "", false
	case v[0] == '{':
		keys, vals, ok := members(v)
		if ok && len(keys) > 0 {
			return literalString(vals[0])
		}
		return "", false
	default:
		return string(v), true
	}
}

// isBusiness tells the parameters of ListJobs: UserStoreId and JobIds.N, N a decimal
// of at most 9 digits (P6).
func isBusiness(name string) bool {
	if name == "UserStoreId" {
		return true
	}
	n, ok := strings.CutPrefix(name, "JobIds.")
	if !ok || n == "" || len(n) > 9 {
		return false
	}
	for _, d := range n {
		if d < '0' || d > '9' {
			return false
		}
	}
	return true
}

// acceptUnknownParameters drops the parameters ListJobs does not define from a request
// whose signature verified as received, and re-signs it: JSON body members, TC3 query
// parameters, v1 business parameters (breaks P6: unknown parameters are ignored).
func acceptUnknownParameters(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		if s, ok := c.verified(fx); ok {
			if c.r.Method == http.MethodPost {
				keys, vals, ok := jsonObject(c.body)
				if !ok {
					return
				}
				var k2 []string
				var v2 []json.RawMessage
				for i, k := range keys {
					if k == "UserStoreId" || k == "JobIds" {
						k2, v2 = append(k2, k), append(v2, vals[i])
					}
				}
				if len(k2) == len(keys) {
					return
				}
				c.setBody(object(k2, v2))
			} else {
				segs, changed := dropSegments(c.r.URL.RawQuery, func(k string) bool { return !isBusiness(k) })
				if !changed {
					return
				}
				c.setQuery(segs)
			}
			c.forge(s.cred.SecretKey, s.auth, s.ts)
			return
		}
		v, ok := c.v1()
		if !ok {
			return
		}
		cred, known := v.cred(fx)
		if !known || !v.verifies(cred.SecretKey) {
			return
		}
		if v.drop(func(k string) bool { return !slices.Contains(v1Common, k) && !isBusiness(k) }) {
			v.sign(cred.SecretKey)
		}
	})
}

// nonObjectAsEmpty re-signs a validly signed JSON body that is JSON but not an object
// as an empty body (breaks P7: it is then MissingParameter, not InvalidParameter).
func nonObjectAsEmpty(fx *fixture.Fixture) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		b := bytes.TrimSpace(c.body)
		if c.r.Method != http.MethodPost || len(b) == 0 || b[0] == '{' || !json.Valid(b) {
			return false
		}
		c.setBody([]byte{})
		return true
	})
}

// unknownStoreEmpty answers an empty list where the emulator answers InvalidUserStore
// for a user store id that no account holds (breaks P8).
func unknownStoreEmpty(fx *fixture.Fixture) middleware {
	faulty := map[string]bool{}
	for _, f := range fx.Faults {
		faulty[f.UserStoreID] = true
	}
	return amend(func(c *call, resp response, _ []byte) []byte {
		p := c.params()
		if resp.code != codeInvalidUserStore || !p.hasStore || p.store == "" || faulty[p.store] {
			return nil
		}
		if _, ok := storeByID(fx, p.store); ok {
			return nil
		}
		return successBody(nil, resp.requestID)
	})
}

// emptyStoreIDMissing answers MissingParameter where the emulator answers
// InvalidUserStore for "UserStoreId": "" (breaks P9).
func emptyStoreIDMissing() middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if p := c.params(); resp.code == codeInvalidUserStore && p.hasStore && p.store == "" {
			return errorBody(codeMissingParameter, "The request is missing a required parameter `UserStoreId`.", resp.requestID)
		}
		return nil
	})
}

// rejectNull turns a JSON null UserStoreId or JobIds, in a body whose signature
// verified as received, into a value of the wrong type, and re-signs it: the emulator
// then answers InvalidParameter where the parameter's type is checked (breaks P10:
// null counts as absent).
func rejectNull(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		s, ok := c.verified(fx)
		if !ok || c.r.Method != http.MethodPost {
			return
		}
		keys, vals, ok := jsonObject(c.body)
		if !ok {
			return
		}
		changed := false
		for i, k := range keys {
			if (k == "UserStoreId" || k == "JobIds") && string(bytes.TrimSpace(vals[i])) == "null" {
				vals[i], changed = json.RawMessage(`false`), true
			}
		}
		if changed {
			c.setBody(object(keys, vals))
			c.forge(s.cred.SecretKey, s.auth, s.ts)
		}
	})
}

// emptyHeaderServed serves a validly signed request that sends the header name with an
// empty value as if it held value (breaks P1, P2: an empty value is not the right one).
func emptyHeaderServed(name, value string) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return lenient(fx, func(c *call, _ signedCall) bool {
			if v, sent := c.r.Header[http.CanonicalHeaderKey(name)]; !sent || len(v) != 1 || v[0] != "" {
				return false
			}
			c.r.Header.Set(name, value)
			return true
		})
	}
}

// namesLoosely re-signs a validly signed JSON body whose member name match takes for
// UserStoreId or JobIds with that name (breaks P6: another name is a parameter ListJobs
// does not define; the emulator then finds the parameter given twice, or served).
func namesLoosely(match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return lenient(fx, func(c *call, _ signedCall) bool {
			keys, vals, ok := jsonObject(c.body)
			if c.r.Method != http.MethodPost || !ok {
				return false
			}
			changed := false
			for i, k := range keys {
				for _, want := range []string{"UserStoreId", "JobIds"} {
					if k != want && match(k, want) {
						keys[i], changed = want, true
					}
				}
			}
			if changed {
				c.setBody(object(keys, vals))
			}
			return changed
		})
	}
}

// storeIDLoosely re-signs a validly signed JSON body whose UserStoreId names no user
// store of the fixture, but one of the caller's account by match, with that store's id
// (breaks P8: a UserStoreId that differs names no user store).
func storeIDLoosely(match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return lenient(fx, func(c *call, s signedCall) bool {
			p := c.params()
			if c.r.Method != http.MethodPost || !p.hasStore {
				return false
			}
			if _, known := storeByID(fx, p.store); known {
				return false
			}
			for _, st := range fx.UserStores {
				if st.Account == s.cred.Account && match(p.store, st.ID) {
					b, ok := replaceMember(c.body, "UserStoreId", mustMarshal(st.ID))
					if ok {
						c.setBody(b)
					}
					return ok
				}
			}
			return false
		})
	}
}
