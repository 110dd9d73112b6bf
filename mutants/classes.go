package mutants

// Every mutant belongs to a class of break: the kind of mistake it makes, of which it
// is one case. A class is named after the mechanism of the harness that closes it, a
// mechanism that covers every case of the class and not only the mutant's: the
// near-miss table, the signed-parts scenarios, both sides of every number, the rules
// of every exchange... When a new break survives, the fix is the class's mechanism
// widened (a row of a table, a universal rule, a dimension of the explorer), never a
// scenario for the one case (MUTATION.md, "Classes of break").

// Class is the class of break a mutant belongs to (Mutant.Class); ClassOf describes it.
type Class string

// The classes, in the order MUTATION.md and the kill tables list them.
const (
	ClassNearMiss       Class = "near-miss"
	ClassSignedPart     Class = "signed-part"
	ClassBoundary       Class = "boundary"
	ClassAnswerShape    Class = "answer-shape"
	ClassSelection      Class = "selection"
	ClassRequestRead    Class = "request-read"
	ClassErrorChoice    Class = "error-choice"
	ClassRateAccounting Class = "rate-accounting"
	ClassEquivalent     Class = "equivalent"
)

// ClassInfo describes a class, each part in one line.
type ClassInfo struct {
	Class Class
	// Breaks says what a break of the class does.
	Breaks string
	// ClosedBy names the mechanism of the harness that catches every break of the
	// class (for ClassEquivalent, what the class proves instead).
	ClosedBy string
}

// classes are every class, in order.
var classes = []ClassInfo{
	{ClassNearMiss,
		"an exact comparison loosened: a value the contract compares exactly is also matched in another case, by a prefix, trimmed, decoded once more, empty, or not compared at all",
		`the near-miss table (package nearmiss, CONTRACT.md "Exact comparisons"): every value compared exactly gets the whole family of its near misses (another case, a prefix, a suffix, white space, the empty string, one character changed, another escape), the request values as the scenarios of features/near-misses.feature`},
	{ClassSignedPart,
		"a signed part not verified, or verified in part: the signature compared in part, a part of the canonical request (the method, the CanonicalURI, the query, a signed header, the SignedHeaders list, the body, the timestamp) left out, or rebuilt rather than taken as it arrived",
		"the signed-parts scenarios of A1 and A2: each part of the canonical request changed after signing or signed over another value (signing.SignWith over chosen parts), and each form a client may send signed as sent"},
	{ClassBoundary,
		"a boundary moved: a limit of the contract shifted, made one-sided or dropped (the request sizes, the timestamp window, the requests a second)",
		"both sides of every number probed, with a margin: T10's sizes under and over each limit, A3's window ahead and behind, R1's 20 a second and R2's half of it"},
	{ClassAnswerShape,
		"a shape or value of the answer broken, on every answer or on one kind only (one error code, the answers to a GET, the successes): the status, the media type, the envelope, the RequestId, the JobSet, a Job's fields",
		"the rules of every exchange (check.Universal, check/rules.go): each judged on every response of every scenario, burst and probe, not only in the scenarios of its row"},
	{ClassSelection,
		"the jobs selected wrongly: a listing with jobs too many or too few, twice, of another store or account, changed by listing, or an unknown id taken for an error",
		"the store rules of every exchange (check.Universal on every success for a store the fixture knows: exactly the jobs the JobIds name, the key's account owning the store), the scenarios of S1-S3, S6 and S9, and the relations between calls of S7 and S8, which need no fixture"},
	{ClassRequestRead,
		"a request read wrongly: a form the contract allows (a charset, a GET, an escape, another X-TC-* header, a null, signature v1) refused or misread, or a value of the wrong type or shape read as if it were right",
		"a scenario for each form a request may take (T1, T2, T4, P5, P7, P10, A7): every method, encoding, type and carrier a caller may use, sent and judged"},
	{ClassErrorChoice,
		"the answer chosen wrongly for a request read rightly: a refusal with another code than its row names, a success where the contract refuses, or a refusal where it serves",
		`the code each row names, compared exactly on each refusal the rows describe (Error.Code in CONTRACT.md "Exact comparisons"), and the error-code ledger of CONTRACT.md, which ties every code to the rows whose scenarios provoke it`},
	{ClassRateAccounting,
		"the rate limit counted wrongly: no limit, a budget per key rather than per owner, refused requests charged to it, or state carried from one second to the next (a sliding window, a token bucket, a window of its own, throttled requests charged to the next second)",
		"the rate-limit bursts of R1-R3 within one second (two keys of one owner, two owners, refused then good requests) and across a second boundary (late in one second, then early in the next, within a second of each other), each judged second by second by the count of successes and throttles"},
	{ClassEquivalent,
		"an equivalent change: one the contract allows (another order, null for an empty set, a charset parameter, other wording of Message, capital hexadecimal, extra Job fields, another reading of a megabyte)",
		"nothing: the suite must pass on it, which shows that the suite asserts nothing the contract does not say (as the reference emulator with --null-empty does)"},
}

// Classes returns every class, in order.
func Classes() []ClassInfo { return append([]ClassInfo(nil), classes...) }

// ClassOf returns the description of c, and whether c is a class.
func ClassOf(c Class) (ClassInfo, bool) {
	for _, ci := range classes {
		if ci.Class == c {
			return ci, true
		}
	}
	return ClassInfo{}, false
}
