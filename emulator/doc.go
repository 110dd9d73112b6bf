// Package emulator is the reference emulator of Tencent Cloud CIAM ListJobs (API 3.0,
// version 2022-03-31): an http.Handler that serves a fixture (package fixture) and keeps
// every row of the contract (CONTRACT.md: T1-T10, A1-A8, P1-P10, S1-S9, J1-J9, R1-R3).
// New builds the handler; Start and Listen serve it on a port.
//
// The request path holds the contract and nothing else: there is no switch that breaks a
// row. The one hook is Config.Wrap, a middleware around the emulator's own handler;
// every deliberate break (package mutants) lives outside the emulator, in such a
// middleware (rewriting the request, answering in the emulator's place, or rewriting
// the answer) or in the ordinary settings (RateLimit, NullEmpty, the fixture).
//
// # Order of checks
//
// The first check that fails answers; later ones are not run:
//
//  1. size (T10): a POST whose Content-Length is over 10 MB, or a GET whose request
//     target (path and query) is over 32 KB: RequestSizeLimitExceeded, before any body
//     byte is read. A chunked POST body is read up to 10 MB + 1 byte, then refused the
//     same way. These answers close the connection.
//  2. method (T3): not GET or POST: UnsupportedProtocol; the body is not read.
//  3. signature v1 (A7), when there is no Authorization header and the GET query or a
//     form-encoded POST body has a Signature parameter (see below).
//  4. Authorization (A5): missing, given twice, malformed, or not signing content-type
//     and host: AuthFailure.InvalidAuthorization.
//  5. X-TC-Action, X-TC-Version, X-TC-Timestamp, X-TC-Region missing or empty, in that
//     order: MissingParameter.
//  6. X-TC-Timestamp, A3, A6, A4, A2, A8 (the briefing's order), then a tenant that is not
//     activated: UnauthorizedOperation.TenantNotActivated.
//  7. P1 InvalidAction, P2 NoSuchVersion, P3 UnsupportedRegion (names compared exactly).
//  8. rate limit (R1): RequestLimitExceeded.
//  9. parameters (P4-P7, P10), then a missing UserStoreId (P4).
//  10. fault rules of the fixture (first matching rule; its Message, or a default one).
//  11. user store unknown or of another account (P8, P9, S9): FailedOperation.InvalidUserStore.
//  12. the jobs (S1-S5).
//
// # Where the contract is silent
//
// Transport. Every answer from the handler is HTTP 200 with Content-Type
// application/json and the envelope, a panic included (recovered as InternalError,
// which no input is known to cause). Requests net/http refuses before the handler (a
// malformed request line, headers over 1 MB) get net/http's own 4xx. The request path
// is not checked: every path is "/", and every TC3 signature is verified over the
// CanonicalURI "/" (§1.1), so one made over another fails A2. The request Content-Type is not checked beyond
// the signature: a TC3 POST body is always read as JSON. A body that cannot be read
// (client gone, shorter than its Content-Length) is InvalidParameter. A GET body is
// ignored: the payload of a GET is always "" (§1.1), so a GET signed over a body fails
// A2.
//
// Authentication. An X-TC-Timestamp that is not a decimal integer is InvalidParameter
// ("Parameter `Timestamp` type error.", the service's wording for common-parameter type
// errors); it comes after the missing-parameter check and before A3. The 300 s skew is
// inclusive: exactly 300 s either way passes. The signature is verified against the raw
// query and raw body bytes as received, with the SignedHeaders in the order given and
// header values lower-cased and trimmed (signing.CanonicalRequest);
// X-TC-Content-SHA256: UNSIGNED-PAYLOAD is honoured as the Go SDK sends it. When the
// Host header has a port ("name:9000", "[::1]:9000"), the signed host may be the Host
// header as sent or the host without its port: the real service is only ever reached on
// the default port, where the two are one, and SDKs differ on a port (the Go SDK signs
// "name:9000", the Node.js SDK "name"); tested per SDK (sdk_test.go, sdk_node_test.go).
// Nothing else is more lenient: another port, another host, or a Host without a port
// signed with one, still fails A2. Signature v1 signs the Host header as sent. A long-term
// key that sends an X-TC-Token is served (the token is ignored). X-TC-Language is
// ignored: messages are in English.
//
// Signature v1. The parameters come from the GET query or a POST body with
// Content-Type application/x-www-form-urlencoded; the common ones are Action, Version,
// Region, Timestamp, Nonce, SecretId, Signature, SignatureMethod, Token, Language and
// RequestClient, every other one is a business parameter (UserStoreId, JobIds.N). A
// query or body that does not split into k=v pairs with valid %-escapes, or a common
// parameter given twice, is InvalidParameter; a missing or empty Action, Version,
// Timestamp, Region, SecretId or Nonce is MissingParameter; a Timestamp or Nonce that
// is not an integer is InvalidParameter. Then A3, A4, the signature (string to sign
// over the Host header and path "/"; an unknown SignatureMethod cannot verify, so it is
// AuthFailure.SignatureFailure), the Token of a temporary key (AuthFailure.TokenFailure),
// and the rest as for v3. A6 has no v1 counterpart. A v1 POST body over 1 MB is
// RequestSizeLimitExceeded.
//
// Rate limit. One bucket per credential owner (so two keys of one owner share it),
// counting fixed one-second windows of Config.Clock (Unix seconds) at the request's
// arrival; only the current window is kept. A request is counted once it has passed
// authentication and routing (steps 1-7): refused authentications (R3) and InvalidAction,
// NoSuchVersion, UnsupportedRegion do not count, parameter errors and fault answers do.
//
// Parameters. A zero-length body has no parameters; a body of only whitespace is
// malformed JSON (InvalidParameter). A body that is not a JSON object is
// InvalidParameter (the encoding/json scanner bounds nesting at 10000). Parameter names
// are case-sensitive (userStoreId is UnknownParameter). When several parameter problems
// occur, an unknown parameter (UnknownParameter) wins over a wrong type or a parameter
// given twice (InvalidParameter); a duplicate JSON key counts as given twice. JSON
// strings with invalid UTF-8 are read as encoding/json reads them (U+FFFD). In a GET
// query (and v1 business parameters) only UserStoreId and JobIds.N, N a decimal of at
// most 9 digits, are defined; JobIds.N indices may come in any order and with gaps,
// but not twice; common parameters in a TC3 query are UnknownParameter; ';' is data,
// not a separator. "UserStoreId": "" passes the parameter checks, meets the fault rules
// (with no user store) and then gets FailedOperation.InvalidUserStore (P9).
//
// Jobs. Each job is the fixture's object verbatim (compacted once at New; New does not
// re-check the Job rows, so a hand-built fixture may serve a non-conforming job on
// purpose). JobSet lists each matching job once, in an order drawn per response from
// Config.Seed and a response counter (S4). RequestId is a UUID v4 from crypto/rand.
package emulator
