package mutants

import (
	"bytes"
	"net/http"
	"slices"
	"time"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// Rate limit (R1-R3): 20 requests a second for one credential owner, half of it never
// throttled, refused authentications not counted. The limit is the emulator's own
// setting, so most of these mutants change it (rateLimit) or the fixture's owners;
// only the rate-limit scenarios can see them (Mutant.RateLimit).

// rateLimitMutants are the mutants of the rows R1-R3, in row order.
func rateLimitMutants() []Mutant {
	return []Mutant{
		{Name: "rate-limit-off", Row: "R1", Class: ClassRateAccounting, How: "config RateLimit 0", Break: "no request is ever throttled", RateLimit: true,
			apply: rateLimit(0)},
		{Name: "rate-limit-19", Row: "R1", Class: ClassBoundary, How: "config RateLimit 19", Break: "19 requests per second pass, not 20", RateLimit: true,
			apply: rateLimit(19)},
		{Name: "rate-limit-21", Row: "R1", Class: ClassBoundary, How: "config RateLimit 21", Break: "21 requests per second pass, not 20", RateLimit: true,
			apply: rateLimit(21)},
		{Name: "rate-limit-per-secretid", Row: "R1", Class: ClassRateAccounting, How: "fixture: an owner per key", Break: "the limit is counted per SecretId, not per owner", RateLimit: true,
			apply: perKeyOwners},
		{Name: "rate-limit-8", Row: "R2", Class: ClassBoundary, How: "config RateLimit 8", Break: "8 requests per second pass: traffic at half the limit is throttled", RateLimit: true,
			apply: rateLimit(8)},
		{Name: "auth-failures-counted", Row: "R3", Class: ClassRateAccounting, How: howMiddleware, Break: "refused authentications use up the rate limit", RateLimit: true,
			apply: through(countAuthFailures)},
	}
}

func rateLimit(n int) func(*emulator.Config) {
	return func(c *emulator.Config) { c.RateLimit = n }
}

// perKeyOwners serves a copy of the fixture in which every key is an owner of its own,
// so the emulator keeps one rate-limit bucket per SecretId (breaks R1: two keys of one
// owner share its budget).
func perKeyOwners(c *emulator.Config) {
	fx := *c.Fixture
	fx.Credentials = slices.Clone(fx.Credentials)
	for i := range fx.Credentials {
		fx.Credentials[i].Owner = "key:" + fx.Credentials[i].SecretID
	}
	c.Fixture = &fx
}

// countAuthFailures charges the rate limit for a request the emulator refused at its
// signature or token check: one good request of the same key (or, for a key of a
// tenant that has not activated CIAM, another key of its owner), sent through the
// emulator, which counts it, and whose answer is dropped (breaks R3).
func countAuthFailures(fx *fixture.Fixture) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			c := newCall(r)
			rec := newCapture()
			next.ServeHTTP(rec, r)
			if resp, ok := decodeResponse(rec.body.Bytes()); ok {
				if cred, ok := refusedAtSignature(fx, c, resp.code); ok {
					charge(next, r, fx, cred)
				}
			}
			rec.send(w, rec.body.Bytes())
		})
	}
}

// refusedAtSignature tells a refusal of the emulator's signature or token check, and
// the key it refused.
func refusedAtSignature(fx *fixture.Fixture, c *call, code string) (fixture.Credential, bool) {
	if code != codeSignatureFailure && code != "AuthFailure.TokenFailure" {
		return fixture.Credential{}, false
	}
	if len(c.r.Header["Authorization"]) > 0 {
		auth, ts, ok := c.tc3()
		if !ok || (code == codeSignatureFailure && !scopeOK(auth, ts)) { // the A6 refusal is not counted
			return fixture.Credential{}, false
		}
		return credentialByID(fx, auth.SecretID)
	}
	if v, ok := c.v1(); ok {
		return v.cred(fx)
	}
	return fixture.Credential{}, false
}

// charge sends the emulator a good request of cred's owner that passes authentication
// and routing, so that the rate limit counts it; its body is empty, so it ends at the
// parameter check (MissingParameter) and lists nothing.
func charge(next http.Handler, orig *http.Request, fx *fixture.Fixture, cred fixture.Credential) {
	if cred.NotActivated {
		i := slices.IndexFunc(fx.Credentials, func(o fixture.Credential) bool { return o.Owner == cred.Owner && !o.NotActivated })
		if i < 0 {
			return
		}
		cred = fx.Credentials[i]
	}
	body := []byte(`{}`)
	r, err := http.NewRequestWithContext(orig.Context(), http.MethodPost, "http://"+orig.Host+"/", bytes.NewReader(body))
	if err != nil {
		return
	}
	r.Host = orig.Host
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", vocab.Action)
	r.Header.Set("X-TC-Version", vocab.Version)
	r.Header.Set("X-TC-Region", vocab.DefaultRegion)
	signing.Sign(r, body, signing.Credential{SecretID: cred.SecretID, SecretKey: cred.SecretKey, Token: cred.Token}, service, time.Now().Unix(), nil)
	next.ServeHTTP(newCapture(), r)
}
