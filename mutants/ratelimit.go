package mutants

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
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
	return slices.Concat([]Mutant{
		{Name: "rate-limit-off", Row: "R1", Class: ClassRateAccounting, How: "config RateLimit 0", Break: "no request is ever throttled", RateLimit: true,
			apply: rateLimit(0)},
		{Name: "rate-limit-19", Row: "R1", Class: ClassBoundary, How: "config RateLimit 19", Break: "19 requests per second pass, not 20", RateLimit: true,
			apply: rateLimit(19)},
		{Name: "rate-limit-21", Row: "R1", Class: ClassBoundary, How: "config RateLimit 21", Break: "21 requests per second pass, not 20", RateLimit: true,
			apply: rateLimit(21)},
		{Name: "rate-limit-per-secretid", Row: "R1", Class: ClassRateAccounting, How: "fixture: an owner per key", Break: "the limit is counted per SecretId, not per owner", RateLimit: true,
			apply: perKeyOwners},
	}, secondsMutants(), []Mutant{
		{Name: "rate-limit-8", Row: "R2", Class: ClassBoundary, How: "config RateLimit 8", Break: "8 requests per second pass: traffic at half the limit is throttled", RateLimit: true,
			apply: rateLimit(8)},
		{Name: "auth-failures-counted", Row: "R3", Class: ClassRateAccounting, How: howMiddleware, Break: "refused authentications use up the rate limit", RateLimit: true,
			apply: through(countAuthFailures)},
	})
}

// secondsMutants are the rate limits that carry state from one second to the next
// (R1): each lets the first 20 requests of a fresh second pass, as the emulator does,
// but not the first 20 of the second after a busy one.
func secondsMutants() []Mutant {
	return []Mutant{
		{Name: "rate-limit-sliding-window", Row: "R1", Class: ClassRateAccounting, How: howMiddleware, Break: "20 requests pass in any 1-second span (a sliding window), not in each second", RateLimit: true,
			apply: limitedBy(func() accountant { return &slidingWindow{} })},
		{Name: "rate-limit-token-bucket", Row: "R1", Class: ClassRateAccounting, How: howMiddleware, Break: "a token bucket of 20 refilled at 20 a second: a second after a busy one starts with the tokens refilled since", RateLimit: true,
			apply: limitedBy(func() accountant { return &tokenBucket{} })},
		{Name: "rate-limit-window-from-first", Row: "R1", Class: ClassRateAccounting, How: howMiddleware, Break: "the 1-second window opens at the first request after the last one closed, not at the second's start", RateLimit: true,
			apply: limitedBy(func() accountant { return &anchoredWindow{} })},
		{Name: "rate-limit-throttled-carried", Row: "R1", Class: ClassRateAccounting, How: howMiddleware, Break: "the requests throttled in one second use up the budget of the next", RateLimit: true,
			apply: limitedBy(func() accountant { return &overflowCarried{} })},
		{Name: "rate-limit-reset-late", Row: "R1", Class: ClassRateAccounting, How: howMiddleware, Break: "a request counts in the second of the owner's previous request: the counter resets one request late", RateLimit: true,
			apply: limitedBy(func() accountant { return &lateReset{} })},
	}
}

// accountant is one credential owner's rate limit as a broken server keeps it: take
// counts a request of the owner arriving at now and tells whether it passes, of limit
// a second.
type accountant interface {
	take(now time.Time, limit int) bool
}

// limitedBy puts a rate limit of its own, one accountant per credential owner, in
// place of the emulator's (its RateLimit turned off). The emulator answers every
// request; one it would have counted (one of a key of the fixture that passed
// authentication and routing: a success, or an error the emulator gives after the rate
// step) is then taken by the owner's accountant at its arrival, by Config.Clock as the
// emulator counts, and answered RequestLimitExceeded if the accountant refuses it.
// MissingParameter and InvalidParameter, which the emulator also gives for a malformed
// header before the rate step, are counted; the rate-limit scenarios send neither.
func limitedBy(newAccountant func() accountant) func(*emulator.Config) {
	return func(c *emulator.Config) {
		limit, fx, clock := c.RateLimit, c.Fixture, c.Clock
		if clock == nil {
			clock = time.Now
		}
		c.RateLimit = 0
		var mu sync.Mutex
		owners := map[string]accountant{}
		c.Wrap = func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				arrived := clock()
				cred, ok := requestKey(fx, newCall(r))
				if !ok {
					next.ServeHTTP(w, r)
					return
				}
				rec := newCapture()
				next.ServeHTTP(rec, r)
				resp, ok := decodeResponse(rec.body.Bytes())
				if !ok || !countedByEmulator(resp.code) {
					rec.send(w, rec.body.Bytes())
					return
				}
				mu.Lock()
				a := owners[cred.Owner]
				if a == nil {
					a = newAccountant()
					owners[cred.Owner] = a
				}
				pass := a.take(arrived, limit)
				mu.Unlock()
				if pass {
					rec.send(w, rec.body.Bytes())
					return
				}
				rec.send(w, errorBody(codeRequestLimitExceeded, fmt.Sprintf(msgRequestLimitExceeded, limit), resp.requestID))
			})
		}
	}
}

// The emulator's code and message for a throttled request.
const (
	codeRequestLimitExceeded = "RequestLimitExceeded"
	msgRequestLimitExceeded  = "Your current request times exceed the frequency limit `%d` for a second. Please reduce the frequency of calls."
)

// requestKey is the fixture's key of a TC3 or v1 request's SecretId.
func requestKey(fx *fixture.Fixture, c *call) (fixture.Credential, bool) {
	if s, ok := c.claimed(fx); ok {
		return s.cred, true
	}
	if v, ok := c.v1(); ok {
		return v.cred(fx)
	}
	return fixture.Credential{}, false
}

// countedByEmulator tells an answer the emulator gives once a request has passed its
// rate step, or would have (a success or a later error), from one it gives before:
// the size and method of the request, authentication, the tenant and the routing.
func countedByEmulator(code string) bool {
	switch {
	case strings.HasPrefix(code, "AuthFailure."):
		return false
	}
	switch code {
	case "RequestSizeLimitExceeded", "UnsupportedProtocol", "UnauthorizedOperation.TenantNotActivated",
		"InvalidAction", "NoSuchVersion", "UnsupportedRegion", codeRequestLimitExceeded:
		return false
	}
	return true
}

// slidingWindow lets limit requests pass in any span of one second: it keeps the
// arrivals of the requests it let pass in the last second.
type slidingWindow struct{ passed []time.Time }

func (s *slidingWindow) take(now time.Time, limit int) bool {
	s.passed = slices.DeleteFunc(s.passed, func(t time.Time) bool { return now.Sub(t) >= time.Second })
	if len(s.passed) >= limit {
		return false
	}
	s.passed = append(s.passed, now)
	return true
}

// tokenBucket holds up to limit tokens, refilled at limit a second; a request takes one.
type tokenBucket struct {
	tokens float64
	at     time.Time // when tokens was last refilled; zero: never (full)
}

func (b *tokenBucket) take(now time.Time, limit int) bool {
	switch {
	case b.at.IsZero():
		b.tokens, b.at = float64(limit), now
	case now.After(b.at):
		b.tokens = min(float64(limit), b.tokens+now.Sub(b.at).Seconds()*float64(limit))
		b.at = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// anchoredWindow counts windows of one second that open at the first request after
// the last window closed.
type anchoredWindow struct {
	start time.Time
	count int
}

func (a *anchoredWindow) take(now time.Time, limit int) bool {
	if a.start.IsZero() || now.Sub(a.start) >= time.Second {
		a.start, a.count = now, 0
	}
	if a.count >= limit {
		return false
	}
	a.count++
	return true
}

// overflowCarried counts each second's requests, the throttled ones too, and starts
// the next second with those over the limit already counted.
type overflowCarried struct {
	second int64
	count  int
}

func (o *overflowCarried) take(now time.Time, limit int) bool {
	if s := now.Unix(); s != o.second {
		carry := 0
		if s == o.second+1 {
			carry = max(0, o.count-limit)
		}
		o.second, o.count = s, carry
	}
	o.count++
	return o.count <= limit
}

// lateReset counts a request in the second of the owner's latest request before it,
// so the first request of a second still counts in the one before.
type lateReset struct {
	second int64
	count  int
	latest time.Time // the latest arrival so far; zero: none
}

func (l *lateReset) take(now time.Time, limit int) bool {
	counted := l.latest
	if counted.IsZero() {
		counted = now
	}
	if now.After(l.latest) {
		l.latest = now
	}
	if s := counted.Unix(); s != l.second {
		l.second, l.count = s, 0
	}
	if l.count >= limit {
		return false
	}
	l.count++
	return true
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
