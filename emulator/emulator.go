package emulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// DefaultRateLimit is the documented ListJobs limit: 20 requests per second (R1).
const DefaultRateLimit = vocab.RateLimit

// Limits and names of the API (api3-ciam-listjobs.md §1, §2, §5).
const (
	maxPostBody   = 10 << 20 // T10: signature v3 POST body
	maxV1PostBody = 1 << 20  // signature v1 POST body (§2 size limits)
	maxGetURL     = 32 << 10 // T10: GET URL, path and query
	maxSkew       = 300      // A3: seconds, both ways
	serviceName   = vocab.Service
	actionName    = vocab.Action
	apiVersion    = vocab.Version
)

// Config configures an emulator.
type Config struct {
	Fixture   *fixture.Fixture // required
	RateLimit int              // ListJobs requests per second per credential owner, fixed 1-second windows by arrival time; 0 = off
	NullEmpty bool             // an empty result is "JobSet": null instead of []  (S5)
	Clock     func() time.Time // nil = time.Now
	Seed      uint64           // shuffle seed; 0 = random
	// Wrap, when set, wraps the emulator's own handler: every request goes through the
	// handler it returns, which may rewrite the request before calling next, answer in
	// its place, or rewrite the answer next wrote. It is called once, in New; a nil
	// result is an error. It is the one way to change the emulator's behaviour (package
	// mutants builds every deliberate break of the contract on it).
	Wrap func(next http.Handler) http.Handler
}

// Emulator is the reference ListJobs endpoint: an http.Handler serving a fixture.
// It is safe for concurrent use.
type Emulator struct {
	nullEmpty bool
	clock     func() time.Time
	fx        *fixture.Fixture
	creds     map[string]*credential
	stores    map[string]*store
	rateLimit int
	seed      uint64
	counter   atomic.Uint64
	pool      sync.Pool
	ctJSON    []string
	hasFaults bool
	wrapped   http.Handler // Config.Wrap around serveHTTP; nil without it
	// onPanic, when set (tests), is told about a recovered panic.
	onPanic func(v any)
}

type credential struct {
	fixture.Credential
	bucket *bucket // nil when the rate limit is off
	mac    atomic.Pointer[macKey]
}

// macKey caches HMAC-SHA256 instances keyed with one date's TC3 signing key, so a
// request costs one HMAC instead of four (the key changes once a day).
type macKey struct {
	date string
	pool sync.Pool // of hash.Hash
}

func (c *credential) macFor(date string) *macKey {
	if k := c.mac.Load(); k != nil && k.date == date {
		return k
	}
	key := signing.SigningKey(c.SecretKey, date, serviceName)
	k := &macKey{date: date}
	k.pool.New = func() any { return hmac.New(sha256.New, key) }
	c.mac.Store(k)
	return k
}

// verifyTC3 is signing.Verify with the signing key cached: the canonical request and
// string to sign come from the signing package, over the raw query (GET) and raw body.
// When the Host header has a port, a signature over the host without it is accepted too
// (doc.go, "Authentication": SDKs sign the host alone on any port).
func (e *Emulator) verifyTC3(r *http.Request, payload []byte, cred *credential, auth signing.Authorization, ts int64) bool {
	if auth.Service != serviceName {
		return signing.Verify(r, payload, cred.SecretKey, auth, ts)
	}
	var want [sha256.Size]byte
	if n, err := hex.Decode(want[:], []byte(auth.Signature)); err != nil || n != len(want) {
		return false
	}
	query := r.URL.RawQuery
	if r.Method != http.MethodGet {
		query = ""
	}
	lookup := signing.RequestHeader(r)
	signs := func(lookup signing.HeaderLookup) bool {
		canonical := signing.CanonicalRequest(r.Method, query, lookup, auth.SignedHeaders, signing.PayloadHash(lookup, payload))
		sts := signing.StringToSign(ts, signing.CredentialScope(auth.Date, auth.Service), canonical)
		var got [sha256.Size]byte
		k := cred.macFor(auth.Date)
		m := k.pool.Get().(hash.Hash)
		m.Reset()
		m.Write([]byte(sts))
		m.Sum(got[:0])
		k.pool.Put(m)
		return hmac.Equal(got[:], want[:])
	}
	if signs(lookup) {
		return true
	}
	host, ok := signing.HostWithoutPort(lookup("host"))
	return ok && signs(signing.WithHost(lookup, host))
}

type store struct {
	account string
	jobs    [][]byte // each job's object, encoded once
	index   map[string]int32
}

// New builds an emulator from cfg. The fixture is validated and every job encoded once.
func New(cfg Config) (*Emulator, error) {
	if cfg.Fixture == nil {
		return nil, errors.New("emulator: Config.Fixture is required")
	}
	if cfg.RateLimit < 0 {
		return nil, fmt.Errorf("emulator: RateLimit %d is negative", cfg.RateLimit)
	}
	e := &Emulator{
		nullEmpty: cfg.NullEmpty,
		clock:     cfg.Clock,
		fx:        cfg.Fixture,
		creds:     make(map[string]*credential, len(cfg.Fixture.Credentials)),
		stores:    make(map[string]*store, len(cfg.Fixture.UserStores)),
		rateLimit: cfg.RateLimit,
		seed:      cfg.Seed,
		ctJSON:    []string{"application/json"},
		hasFaults: len(cfg.Fixture.Faults) > 0,
	}
	if e.clock == nil {
		e.clock = time.Now
	}
	if e.seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
		e.seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
	buckets := map[string]*bucket{}
	// The fixture is not re-validated against the Job rows: fixture.Read does that, and
	// a hand-built fixture may serve non-conforming jobs on purpose (harness mutants).
	for _, c := range cfg.Fixture.Credentials {
		if c.SecretID == "" || e.creds[c.SecretID] != nil {
			return nil, fmt.Errorf("emulator: credential SecretId %q is empty or given twice", c.SecretID)
		}
		cr := &credential{Credential: c}
		if e.rateLimit > 0 {
			key := c.Owner
			if buckets[key] == nil {
				buckets[key] = &bucket{}
			}
			cr.bucket = buckets[key]
		}
		e.creds[c.SecretID] = cr
	}
	for _, s := range cfg.Fixture.UserStores {
		if e.stores[s.ID] != nil {
			return nil, fmt.Errorf("emulator: user store %q given twice", s.ID)
		}
		st := &store{account: s.Account, jobs: make([][]byte, len(s.Jobs)), index: make(map[string]int32, len(s.Jobs))}
		for i, j := range s.Jobs {
			var buf bytes.Buffer
			if err := json.Compact(&buf, j.Raw); err != nil {
				return nil, fmt.Errorf("emulator: user store %q job %q: %v", s.ID, j.ID, err)
			}
			st.jobs[i] = buf.Bytes()
			st.index[j.ID] = int32(i)
		}
		e.stores[s.ID] = st
	}
	e.pool.New = func() any { return new(scratch) }
	if cfg.Wrap != nil {
		e.wrapped = cfg.Wrap(http.HandlerFunc(e.serveHTTP))
		if e.wrapped == nil {
			return nil, errors.New("emulator: Config.Wrap returned a nil handler")
		}
	}
	return e, nil
}

// ServeHTTP answers one API request. Every answer is the JSON envelope of T5-T7.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.wrapped != nil {
		e.wrapped.ServeHTTP(w, r)
		return
	}
	e.serveHTTP(w, r)
}

// serveHTTP is ServeHTTP without Config.Wrap.
func (e *Emulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	sc := e.pool.Get().(*scratch)
	defer e.release(sc)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // net/http's own signal to abort: pass it on
				panic(v)
			}
			if e.onPanic != nil {
				e.onPanic(v)
			}
			e.writeError(w, sc, codeInternalError, "An internal error occurred. Please try again later.")
		}
	}()
	e.serve(w, r, sc, e.clock())
}

// serve runs the checks in the order the briefing gives; the first that fails answers.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request, sc *scratch, now time.Time) {
	// T10: size limits, decided before any body byte is read.
	switch r.Method {
	case http.MethodPost:
		if r.ContentLength > maxPostBody {
			e.sizeError(w, sc)
			return
		}
	case http.MethodGet:
		n := len(r.RequestURI)
		if r.RequestURI == "" && r.URL != nil {
			n = len(r.URL.RequestURI())
		}
		if n > maxGetURL {
			e.sizeError(w, sc)
			return
		}
	default:
		// T3: the body of another method is never read.
		e.writeError(w, sc, codeUnsupportedProtocol, "Only GET and POST requests are supported.")
		return
	}
	var body []byte
	if r.Method == http.MethodPost {
		var tooBig bool
		var err error
		body, tooBig, err = readBody(r, sc)
		if tooBig {
			e.sizeError(w, sc)
			return
		}
		if err != nil {
			e.writeError(w, sc, codeInvalidParameter, "The request body could not be read.")
			return
		}
	}

	authz := r.Header["Authorization"]
	if len(authz) == 0 {
		// A7: signature v1 carries its credentials as parameters.
		if pairs, malformed, ok := e.v1Params(r, body, sc); ok {
			if r.Method == http.MethodPost && len(body) > maxV1PostBody {
				e.sizeError(w, sc)
				return
			}
			e.serveV1(w, r, sc, now, pairs, malformed)
			return
		}
		e.writeError(w, sc, codeInvalidAuthorization, "The Authorization header is missing.")
		return
	}

	// A5: a well-formed TC3 Authorization that signs content-type and host.
	auth, err := signing.ParseAuthorization(authz[0])
	if len(authz) != 1 || err != nil || !signs(auth.SignedHeaders, "content-type") || !signs(auth.SignedHeaders, "host") {
		e.writeError(w, sc, codeInvalidAuthorization, "The Authorization header does not follow the TC3-HMAC-SHA256 standard, or does not sign content-type and host.")
		return
	}
	act, ver, tsRaw, region := header(r, "X-Tc-Action"), header(r, "X-Tc-Version"), header(r, "X-Tc-Timestamp"), header(r, "X-Tc-Region")
	for _, m := range [...]struct{ name, v string }{{"Action", act}, {"Version", ver}, {"Timestamp", tsRaw}, {"Region", region}} {
		if m.v == "" {
			e.writeError(w, sc, codeMissingParameter, "The request is missing a required parameter `"+m.name+"`.")
			return
		}
	}
	// The contract is silent on a Timestamp that is not an integer: it is a parameter
	// type error, so InvalidParameter, worded as the service words them ("Parameter `Nonce` type error.").
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		e.writeError(w, sc, codeInvalidParameter, "Parameter `Timestamp` type error.")
		return
	}
	if expired(ts, now) {
		e.writeError(w, sc, codeSignatureExpire, msgSignatureExpire)
		return
	}
	if auth.Service != serviceName || auth.Date != signing.Date(ts) {
		e.writeError(w, sc, codeSignatureFailure, msgSignatureFailure)
		return
	}
	cred := e.creds[auth.SecretID]
	if cred == nil {
		e.writeError(w, sc, codeSecretIDNotFound, msgSecretIDNotFound)
		return
	}
	var payload []byte // GET: RequestPayload is always "" (§1.1); a GET body is ignored.
	if r.Method == http.MethodPost {
		payload = body
	}
	if !e.verifyTC3(r, payload, cred, auth, ts) {
		e.writeError(w, sc, codeSignatureFailure, msgSignatureFailure)
		return
	}
	if cred.Token != "" && !sameSecret(header(r, "X-Tc-Token"), cred.Token) {
		e.writeError(w, sc, codeTokenFailure, msgTokenFailure)
		return
	}
	src := sourceJSON
	if r.Method == http.MethodGet {
		src = sourceQuery
	}
	e.serveAuthenticated(w, sc, now, cred, act, ver, region, src, body, []byte(r.URL.RawQuery), nil)
}

// serveV1 authenticates a signature v1 request (A7) with the same rules as v3.
// malformed is true when the parameters could not be parsed cleanly.
func (e *Emulator) serveV1(w http.ResponseWriter, r *http.Request, sc *scratch, now time.Time, pairs []pair, malformed bool) {
	if malformed {
		e.writeError(w, sc, codeInvalidParameter, "Url key and value should be splited by `=`, and escapes must be valid.")
		return
	}
	values := make(map[string][]string, len(pairs))
	for _, p := range pairs {
		values[string(p.key)] = append(values[string(p.key)], string(p.val))
	}
	for _, name := range [...]string{"Action", "Version", "Timestamp", "Region", "SecretId", "Nonce", "Signature", "SignatureMethod", "Token", "Language", "RequestClient"} {
		if len(values[name]) > 1 {
			e.writeError(w, sc, codeInvalidParameter, "The parameter `"+name+"` is given more than once.")
			return
		}
	}
	get := func(k string) string {
		if v := values[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	for _, name := range [...]string{"Action", "Version", "Timestamp", "Region", "SecretId", "Nonce"} {
		if get(name) == "" {
			e.writeError(w, sc, codeMissingParameter, "The request is missing a required parameter `"+name+"`.")
			return
		}
	}
	ts, err := strconv.ParseInt(get("Timestamp"), 10, 64)
	if err != nil {
		e.writeError(w, sc, codeInvalidParameter, "Parameter `Timestamp` type error.")
		return
	}
	if _, err := strconv.ParseUint(get("Nonce"), 10, 64); err != nil {
		e.writeError(w, sc, codeInvalidParameter, "Parameter `Nonce` type error.")
		return
	}
	if expired(ts, now) {
		e.writeError(w, sc, codeSignatureExpire, msgSignatureExpire)
		return
	}
	cred := e.creds[get("SecretId")]
	if cred == nil {
		e.writeError(w, sc, codeSecretIDNotFound, msgSecretIDNotFound)
		return
	}
	// An unknown SignatureMethod cannot verify, so it is a SignatureFailure.
	if !signing.VerifyV1(cred.SecretKey, r.Method, r.Host, "/", values) {
		e.writeError(w, sc, codeSignatureFailure, msgSignatureFailure)
		return
	}
	if cred.Token != "" && !sameSecret(get("Token"), cred.Token) {
		e.writeError(w, sc, codeTokenFailure, msgTokenFailure)
		return
	}
	business := pairs[:0:0]
	for _, p := range pairs {
		if !v1Common(p.key) {
			business = append(business, p)
		}
	}
	e.serveAuthenticated(w, sc, now, cred, get("Action"), get("Version"), get("Region"), sourcePairs, nil, nil, business)
}

func v1Common(key []byte) bool {
	switch string(key) {
	case "Action", "Version", "Timestamp", "Region", "SecretId", "Nonce", "Signature", "SignatureMethod", "Token", "Language", "RequestClient":
		return true
	}
	return false
}

// serveAuthenticated runs the checks after authentication: tenant, routing, rate limit,
// parameters, fault rules, the user store, and answers with the jobs.
func (e *Emulator) serveAuthenticated(w http.ResponseWriter, sc *scratch, now time.Time, cred *credential,
	act, ver, region string, src source, body, query []byte, pairs []pair) {
	if cred.NotActivated {
		e.writeError(w, sc, codeTenantNotActivated, "The tenant has not activated CIAM.")
		return
	}
	if act != actionName {
		e.writeError(w, sc, codeInvalidAction, "The request `Action` is invalid or not found.")
		return
	}
	if ver != apiVersion {
		e.writeError(w, sc, codeNoSuchVersion, "The API version `"+ver+"` does not exist.")
		return
	}
	if !knownRegion(region) {
		e.writeError(w, sc, codeUnsupportedRegion, "The action `ListJobs` does not support this region.")
		return
	}
	if cred.bucket != nil && !cred.bucket.take(now, e.rateLimit) {
		e.writeError(w, sc, codeRequestLimitExceeded, "Your current request times exceed the frequency limit `"+strconv.Itoa(e.rateLimit)+"` for a second. Please reduce the frequency of calls.")
		return
	}
	var req request
	var perr *paramError
	switch src {
	case sourceJSON:
		perr = e.parseJSON(body, &req, sc)
	case sourceQuery:
		perr = e.parseQuery(query, &req, sc)
	case sourcePairs:
		perr = e.parsePairs(pairs, &req, sc)
	}
	if perr != nil {
		e.writeError(w, sc, perr.code, perr.msg)
		return
	}
	if !req.hasStore {
		e.writeError(w, sc, codeMissingParameter, "The request is missing a required parameter `UserStoreId`.")
		return
	}
	if e.hasFaults {
		if f, ok := e.fx.FaultFor(cred.SecretID, string(req.storeID)); ok {
			msg := f.Message
			if msg == "" {
				msg = "Fault injected by the emulator's fixture."
			}
			e.writeError(w, sc, f.Code, msg)
			return
		}
	}
	st := e.stores[string(req.storeID)]
	if st == nil || st.account != cred.Account {
		e.writeError(w, sc, codeInvalidUserStore, "The user store does not exist.")
		return
	}
	e.writeJobs(w, sc, st, e.selectJobs(st, &req, sc))
}

// selectJobs returns the indices of the jobs to list, shuffled (S1-S4).
func (e *Emulator) selectJobs(st *store, req *request, sc *scratch) []int32 {
	sel := sc.sel[:0]
	if !req.hasIDs || len(req.ids) == 0 {
		for i := range st.jobs {
			sel = append(sel, int32(i))
		}
	} else {
		words := (len(st.jobs) + 63) / 64
		seen := sc.seen[:0]
		for range words {
			seen = append(seen, 0)
		}
		for _, id := range req.ids {
			i, ok := st.index[string(id)]
			if !ok {
				continue // S3
			}
			if seen[i>>6]&(1<<(i&63)) == 0 { // S2: each job once
				seen[i>>6] |= 1 << (i & 63)
				sel = append(sel, i)
			}
		}
		sc.seen = seen
	}
	// S4: a fresh order per response, from the seed and a per-response counter.
	var rng splitmix
	rng.seed(e.seed, e.counter.Add(1))
	for i := len(sel) - 1; i > 0; i-- {
		j := rng.bounded(uint64(i + 1))
		sel[i], sel[j] = sel[j], sel[i]
	}
	sc.sel = sel
	return sel
}

func signs(names []string, want string) bool {
	for _, n := range names {
		if n == want {
			return true
		}
	}
	return false
}

// header is the first value of a header by its canonical key, without canonicalising.
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// expired is A3: more than 300 s between ts and now, in the past or the future.
func expired(ts int64, now time.Time) bool {
	n := now.Unix()
	return ts < n-maxSkew || ts > n+maxSkew
}

func sameSecret(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// knownRegion is the P3 list of Tencent Cloud region names.
func knownRegion(r string) bool {
	switch r {
	case "ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing",
		"ap-hongkong", "ap-singapore", "ap-bangkok", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-mumbai",
		"na-siliconvalley", "na-ashburn", "na-toronto", "eu-frankfurt", "sa-saopaulo":
		return true
	}
	return false
}

// readBody reads a POST body into the scratch buffer: at most maxPostBody bytes. tooBig
// reports a longer body, of which only maxPostBody+1 bytes were read.
func readBody(r *http.Request, sc *scratch) (body []byte, tooBig bool, err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, false, nil
	}
	buf := sc.body[:0]
	if r.ContentLength > 0 {
		if cap(buf) < int(r.ContentLength) {
			buf = make([]byte, 0, int(r.ContentLength))
		}
		buf = buf[:r.ContentLength]
		_, err = io.ReadFull(r.Body, buf)
		sc.body = buf
		return buf, false, err
	}
	lr := &io.LimitedReader{R: r.Body, N: maxPostBody + 1}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, rerr := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			sc.body = buf
			return nil, false, rerr
		}
	}
	sc.body = buf
	if len(buf) > maxPostBody {
		return nil, true, nil
	}
	return buf, false, nil
}

// bucket is one rate-limit counter: the current one-second window and its count.
// Only the current window is kept, so memory stays bounded (R1).
type bucket struct {
	mu     sync.Mutex
	window int64
	count  int
}

// take counts a request arriving at now and reports whether it is among the first
// limit requests of its second.
func (b *bucket) take(now time.Time, limit int) bool {
	w := now.Unix()
	b.mu.Lock()
	defer b.mu.Unlock()
	if w != b.window {
		b.window, b.count = w, 0
	}
	if b.count >= limit {
		return false
	}
	b.count++
	return true
}

// splitmix is the splitmix64 generator: cheap to seed per response, allocation-free.
// The order it gives is not secret, only varied (S4).
type splitmix struct{ state uint64 }

func (p *splitmix) seed(seed, stream uint64) { p.state = seed ^ (stream * 0xd1b54a32d192ed03) }

func (p *splitmix) next() uint64 {
	p.state += 0x9e3779b97f4a7c15
	z := p.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// bounded is uniform in [0, n) (rejection sampling).
func (p *splitmix) bounded(n uint64) uint64 {
	limit := -n % n // (2^64 - n) mod n
	for {
		x := p.next()
		if x >= limit {
			return x % n
		}
	}
}
