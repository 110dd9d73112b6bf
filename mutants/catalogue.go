package mutants

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/vocab"
)

// rewriter puts in front of the emulator a middleware that rewrites every answer body with f.
func rewriter(f func([]byte) []byte) func(*emulator.Config) {
	return func(c *emulator.Config) { c.Wrap = rewriteBodies(f) }
}

// through puts a middleware, built over the emulator's fixture, in front of the emulator
// (emulator.Config.Wrap).
func through(mw func(fx *fixture.Fixture) middleware) func(*emulator.Config) {
	return func(c *emulator.Config) { c.Wrap = mw(c.Fixture) }
}

func fixed(mw middleware) func(*fixture.Fixture) middleware {
	return func(*fixture.Fixture) middleware { return mw }
}

func listing(edit func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool)) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware { return editListing(fx, edit) }
}

func rateLimit(n int) func(*emulator.Config) {
	return func(c *emulator.Config) { c.RateLimit = n }
}

// catalogue is every mutant, in contract-row order. Each breaks one row (Row) and
// leaves the others alone as far as it can; the rows S7 and S8 derive from S1-S3, so
// their mutants also break an S1-S3 rule, which the scenarios of those rows may see too.
func catalogue() []Mutant {
	const (
		mw = "middleware"
		rw = "rewriter"
		rs = "re-signing front"
	)
	return []Mutant{
		// ---- Transport and envelope ----
		{Name: "charset-refused", Row: "T1", How: mw, Break: `a Content-Type "application/json; charset=utf-8" is refused with InvalidParameter`,
			apply: through(fixed(refuseCharset()))},
		{Name: "get-refused", Row: "T2", How: mw, Break: "a signature v3 GET is answered UnsupportedProtocol",
			apply: through(fixed(refuseGET()))},
		{Name: "other-methods-served", Row: "T3", How: mw, Break: "PUT, DELETE and PATCH are served as POST",
			apply: through(serveOtherMethods)},
		{Name: "unknown-header-refused", Row: "T4", How: mw, Break: "an X-TC-* header API 3.0 does not define (X-TC-TraceId...) gets UnknownParameter",
			apply: through(fixed(refuseUnknownHeaders()))},
		{Name: "language-refused", Row: "T4", How: mw, Break: "X-TC-Language other than en-US gets InvalidParameterValue",
			apply: through(fixed(refuseLanguage()))},
		{Name: "error-status-400", Row: "T5", How: rw, Break: "errors are answered with HTTP 400",
			apply: through(fixed(errorStatus(400)))},
		{Name: "content-type-text", Row: "T5", How: rw, Break: "every answer has Content-Type text/plain",
			apply: through(fixed(contentType("text/plain; charset=utf-8")))},
		{Name: "content-type-charset", Row: "T5", How: rw, Break: "every answer has Content-Type application/json; charset=utf-8",
			Equivalent: "T5 asks for the media type application/json; a charset parameter does not change it",
			apply:      through(fixed(contentType("application/json; charset=utf-8")))},
		{Name: "jobset-renamed", Row: "T6", How: rw, Break: `a success lists its jobs under "Jobs" instead of "JobSet"`,
			apply: rewriter(RenameJobSet)},
		{Name: "jobset-duplicate-member", Row: "T6", How: rw, Break: `a success with jobs carries a second, empty "JobSet" member after its RequestId`,
			apply: rewriter(DuplicateJobSet)},
		{Name: "byte-order-mark", Row: "T6", How: rw, Break: "every body starts with a UTF-8 byte-order mark",
			apply: rewriter(ByteOrderMark)},
		{Name: "error-outside-response", Row: "T7", How: rw, Break: `"Error" is written beside "Response" instead of inside it`,
			apply: rewriter(ErrorOutsideResponse)},
		{Name: "message-empty", Row: "T7", How: rw, Break: `every Error.Message is ""`,
			apply: rewriter(EmptyMessage)},
		{Name: "message-reworded", Row: "T7", How: rw, Break: "every Error.Message has other wording",
			Equivalent: "T7 never compares the wording of Message, only that it is a non-empty string",
			apply:      rewriter(RewordedMessage)},
		{Name: "requestid-missing", Row: "T8", How: rw, Break: `responses carry no "RequestId"`,
			apply: rewriter(DropRequestID)},
		{Name: "requestid-constant", Row: "T8", How: rw, Break: "every response carries the same RequestId",
			apply: rewriter(constantRequestID)},
		{Name: "requestid-number", Row: "T8", How: rw, Break: "RequestId is a JSON number (new for each response)",
			apply: rewriter(NumericRequestID)},
		{Name: "requestid-not-uuid", Row: "T9", How: rw, Break: "RequestId is 32 hexadecimal digits without hyphens",
			apply: rewriter(RequestIDWithoutHyphens)},
		{Name: "requestid-uppercase", Row: "T9", How: rw, Break: "RequestId is a UUID in capital letters",
			Equivalent: "T9 asks for hexadecimal groups 8-4-4-4-12; capital hexadecimal digits are hexadecimal",
			apply:      rewriter(RequestIDUpperCase)},
		// The invariants of every response broken for one kind of answer only: no
		// scenario of the row sees them, only the check of every response does.
		{Name: "error-status-400-one-code", Row: "T5", How: rw, Break: "FailedOperation.InvalidUserStore alone is answered with HTTP 400",
			apply: through(fixed(when(forCode("FailedOperation.InvalidUserStore"), status(400))))},
		{Name: "content-type-text-on-get", Row: "T5", How: rw, Break: "the answers to GET requests alone have Content-Type text/plain",
			apply: through(fixed(when(forGET, mediaType("text/plain; charset=utf-8"))))},
		{Name: "message-empty-one-code", Row: "T7", How: rw, Break: `UnknownParameter alone has Error.Message ""`,
			apply: through(fixed(when(forCode("UnknownParameter"), body(EmptyMessage))))},
		{Name: "requestid-missing-one-code", Row: "T8", How: rw, Break: `NoSuchVersion alone carries no "RequestId"`,
			apply: through(fixed(when(forCode("NoSuchVersion"), body(DropRequestID))))},
		{Name: "requestid-constant-one-code", Row: "T8", How: rw, Break: "every InvalidParameter carries the same RequestId",
			apply: through(fixed(when(forCode(codeInvalidParameter), body(constantRequestID))))},
		{Name: "requestid-short-on-success", Row: "T9", How: rw, Break: "the RequestId of a success of a GET request is 35 characters long",
			apply: through(fixed(when(func(r *http.Request, code string) bool { return code == "" && forGET(r, code) }, body(shortRequestID))))},
		{Name: "size-limit-wrong-code", Row: "T10", How: rw, Break: "an oversized request gets InvalidParameter instead of RequestSizeLimitExceeded",
			apply: rewriter(recode("RequestSizeLimitExceeded", codeInvalidParameter))},

		{Name: "body-limit-9mb", Row: "T10", How: mw, Break: "a POST body over 9 MB gets RequestSizeLimitExceeded",
			apply: through(fixed(refuseSizeOver(9<<20, 0)))},
		{Name: "url-limit-30kb", Row: "T10", How: mw, Break: "a GET URL over 30 KB gets RequestSizeLimitExceeded",
			apply: through(fixed(refuseSizeOver(0, 30<<10)))},
		{Name: "body-limit-decimal", Row: "T10", How: mw, Break: "a POST body over 10,000,000 bytes gets RequestSizeLimitExceeded",
			Equivalent: "the documents say 10 MB without saying how a megabyte is counted; 10,000,000 bytes is a reading of them",
			apply:      through(fixed(refuseSizeOver(10_000_000, 0)))},

		// ---- Authentication ----
		{Name: "signature-query-sorted", Row: "A1", How: mw, Break: "a GET is verified over its query sorted, not as sent",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseUnless(fx, querySorted) })},
		{Name: "signature-body-reencoded", Row: "A1", How: mw, Break: "a POST is verified over its body re-encoded without white space, not as sent",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseUnless(fx, bodyReencoded) })},
		{Name: "signed-headers-fixed", Row: "A1", How: mw, Break: "only SignedHeaders content-type;host verify",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseUnless(fx, defaultSignedHeaders) })},
		{Name: "signed-headers-unrequired", Row: "A1", How: rs, Break: "a SignedHeaders list without content-type or host verifies",
			apply: through(func(fx *fixture.Fixture) middleware { return lenient(fx, signedHeadersUnrequired) })},
		{Name: "signature-unchecked", Row: "A2", How: rs, Break: "any signature is accepted",
			apply: through(skipSignature)},
		{Name: "signature-whitespace-blind", Row: "A2", How: mw, Break: "a body whose white space changed after signing still verifies",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptIfAlso(fx, compactBody) })},
		{Name: "signature-ignores-jobids", Row: "A2", How: mw, Break: "the body's JobIds are not covered by the signature",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptIfAlso(fx, withoutJobIDs) })},
		{Name: "signed-header-values-ignored", Row: "A2", How: mw, Break: "a signed X-TC-Region changed after signing still verifies",
			apply: through(anyRegionValue)},
		{Name: "signature-compared-in-part", Row: "A2", How: rs, Break: "a signature is accepted when its first 48 hex digits are right",
			apply: through(signatureComparedInPart(48))},
		{Name: "signature-as-long-as-sent", Row: "A2", How: rs, Break: "a signature that is a proper prefix of the right one (32 digits or more) is accepted",
			apply: through(signatureAsLongAsSent)},
		{Name: "signature-method-blind", Row: "A2", How: rs, Break: "a signature made over the other method, a GET signed as a POST or a POST as a GET, is accepted",
			apply: through(signedOverAny(otherMethod))},
		{Name: "signature-uri-blind", Row: "A2", How: rs, Break: `a signature made over another CanonicalURI than "/" ("", "//", "/x") is accepted`,
			apply: through(signedOverAny(otherURIs))},
		{Name: "signature-ignores-query", Row: "A2", How: mw, Break: "a GET is verified over an empty query, as a POST is: a query added after signing still verifies",
			apply: through(queryVerifiedAs(noQuery))},
		{Name: "signature-ignores-query-jobids", Row: "A2", How: mw, Break: "a GET query's JobIds.N are not covered by the signature",
			apply: through(queryVerifiedAs(withoutQueryJobIDs))},
		{Name: "signature-query-order-blind", Row: "A2", How: mw, Break: "a GET query whose parameters were reordered after signing still verifies (it is verified sorted)",
			apply: through(queryVerifiedAs(sortedQuery))},
		{Name: "signature-query-form-reencoded", Row: "A2", How: mw, Break: "a GET query is verified with its names and values encoded again as a form (a-b for a%2Db, + for %20)",
			apply: through(queryVerifiedAs(reencoded(url.QueryEscape)))},
		{Name: "signature-query-rfc3986-reencoded", Row: "A2", How: mw, Break: "a GET query is verified with its names and values encoded again as RFC 3986 says (a-b for a%2Db, %20 for +)",
			apply: through(queryVerifiedAs(reencoded(rfc3986Escape)))},
		{Name: "signature-query-escapes-case-blind", Row: "A2", How: mw, Break: "a GET query is verified with its %-escapes in capitals (%2d taken for %2D)",
			apply: through(queryVerifiedAs(escapesUppercased))},
		{Name: "timestamp-unsigned", Row: "A2", How: rs, Break: "a signature made for a timestamp up to 5 s from X-TC-Timestamp is accepted",
			apply: through(timestampUnsigned)},
		{Name: "timestamp-unchecked", Row: "A3", How: rs, Break: "any X-TC-Timestamp is accepted",
			apply: through(skipTimestamp)},
		{Name: "timestamp-too-strict", Row: "A3", How: mw, Break: "a clock skew over 30 s is refused with SignatureExpire",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseSkewOver(fx, 30) })},
		{Name: "timestamp-window-240", Row: "A3", How: mw, Break: "a clock skew over 240 s is refused with SignatureExpire",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseSkewOver(fx, 240) })},
		{Name: "timestamp-window-360", Row: "A3", How: rs, Break: "a clock skew of up to 360 s is accepted",
			apply: through(acceptSkewUpTo(360))},
		{Name: "timestamp-future-unchecked", Row: "A3", How: mw, Break: "timestamps far in the future are accepted (only the past is checked)",
			apply: through(acceptFuture)},
		{Name: "secretid-unknown-accepted", Row: "A4", How: mw, Break: "a SecretId the service does not know is served as the primary key",
			apply: through(acceptUnknownSecretID)},
		{Name: "authorization-wrong-code", Row: "A5", How: rw, Break: "a missing or malformed Authorization gets AuthFailure.SignatureFailure",
			apply: rewriter(recode(codeInvalidAuthorization, codeSignatureFailure))},
		{Name: "algorithm-case-insensitive", Row: "A5", How: mw, Break: "the Authorization algorithm tc3-hmac-sha256 is taken for TC3-HMAC-SHA256",
			apply: through(fixed(algorithmLoosely(strings.EqualFold)))},
		{Name: "algorithm-prefix-match", Row: "A5", How: mw, Break: "an Authorization algorithm that starts with TC3-HMAC-SHA256 is taken for it",
			apply: through(fixed(algorithmLoosely(startsWith)))},
		{Name: "scope-unchecked", Row: "A6", How: rs, Break: "the credential scope's date and service are not checked",
			apply: through(skipScope)},
		{Name: "scope-date-ignored", Row: "A6", How: mw, Break: "a credential scope dated another day than the timestamp is accepted",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptScope(fx, true) })},
		{Name: "scope-service-ignored", Row: "A6", How: mw, Break: "a credential scope for another service is accepted",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptScope(fx, false) })},
		{Name: "scope-service-case-insensitive", Row: "A6", How: rs, Break: "a credential scope for the service CIAM is taken for ciam",
			apply: through(scopeServiceLoosely(strings.EqualFold))},
		{Name: "signature-v1-refused", Row: "A7", How: mw, Break: "signature v1 requests get AuthFailure.InvalidAuthorization",
			apply: through(fixed(refuseV1()))},
		{Name: "token-unchecked", Row: "A8", How: rs, Break: "a temporary key works without its token, or with a wrong one",
			apply: through(skipToken)},
		{Name: "token-wrong-code", Row: "A8", How: rw, Break: "a wrong X-TC-Token gets AuthFailure.SignatureFailure instead of TokenFailure",
			apply: rewriter(recode("AuthFailure.TokenFailure", codeSignatureFailure))},

		// ---- Routing and parameters ----
		{Name: "action-unchecked", Row: "P1", How: mw, Break: "any X-TC-Action is served as ListJobs",
			apply: through(func(fx *fixture.Fixture) middleware {
				return setHeaderIf(fx, "X-TC-Action", vocab.Action, func(v string) bool { return v != "" && v != vocab.Action })
			})},
		{Name: "action-case-insensitive", Row: "P1", How: mw, Break: "X-TC-Action is matched whatever its case (listjobs is served)",
			apply: through(setHeaderLoosely("X-TC-Action", vocab.Action, strings.EqualFold))},
		{Name: "action-prefix-match", Row: "P1", How: mw, Break: "an X-TC-Action that starts with ListJobs is served",
			apply: through(setHeaderLoosely("X-TC-Action", vocab.Action, startsWith))},
		{Name: "version-unchecked", Row: "P2", How: mw, Break: "any X-TC-Version is served",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptAny(fx, "Version", isVersion, vocab.Version) })},
		{Name: "version-prefix-match", Row: "P2", How: mw, Break: "an X-TC-Version that starts with 2022-03-31 is served",
			apply: through(setHeaderLoosely("X-TC-Version", vocab.Version, startsWith))},
		{Name: "region-not-required", Row: "P3", How: mw, Break: "a request without X-TC-Region is served (as ap-guangzhou)",
			apply: through(func(fx *fixture.Fixture) middleware {
				return setHeaderIf(fx, "X-TC-Region", vocab.DefaultRegion, func(v string) bool { return v == "" })
			})},
		{Name: "region-unchecked", Row: "P3", How: mw, Break: "any region name is served",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptAny(fx, "Region", isRegion, vocab.DefaultRegion) })},
		{Name: "userstoreid-missing-wrong-code", Row: "P4", How: mw, Break: "a request without UserStoreId gets InvalidParameter instead of MissingParameter",
			apply: through(fixed(storeIDWrongCode()))},
		{Name: "userstoreid-type-lenient", Row: "P5", How: mw, Break: "a UserStoreId that is a number, boolean, array or object is read as a string",
			apply: through(func(fx *fixture.Fixture) middleware { return coerceParam(fx, "UserStoreId", storeIDAsString) })},
		{Name: "jobids-type-lenient", Row: "P5", How: mw, Break: "a JobIds that is not an array of strings is read as one",
			apply: through(func(fx *fixture.Fixture) middleware { return coerceParam(fx, "JobIds", jobIDsAsStrings) })},
		{Name: "unknown-parameter-accepted", Row: "P6", How: mw, Break: "parameters ListJobs does not define are ignored",
			apply: through(acceptUnknownParameters)},
		{Name: "non-object-body-as-empty", Row: "P7", How: mw, Break: "a body that is JSON but not an object counts as an empty body (MissingParameter)",
			apply: through(nonObjectAsEmpty)},
		{Name: "unknown-store-empty-list", Row: "P8", How: mw, Break: "an unknown UserStoreId is answered with an empty list",
			apply: through(unknownStoreEmpty)},
		{Name: "empty-userstoreid-missing", Row: "P9", How: mw, Break: `"UserStoreId": "" gets MissingParameter`,
			apply: through(fixed(emptyStoreIDMissing()))},
		{Name: "null-rejected", Row: "P10", How: mw, Break: "a JSON null parameter is InvalidParameter",
			apply: through(rejectNull)},

		// ---- Semantics ----
		{Name: "empty-jobids-nothing", Row: "S1", How: mw, Break: `"JobIds": [] lists no job`,
			apply: through(emptyIDsMatchNothing)},
		{Name: "listing-truncated", Row: "S1", How: rw, Break: "a listing stops after 1000 jobs, silently",
			apply: rewriter(truncateJobSet(1000))},
		{Name: "filter-ignored", Row: "S2", How: mw, Break: "JobIds is ignored: every job is returned",
			apply: through(ignoreFilter)},
		{Name: "duplicates-returned", Row: "S2", How: mw, Break: "every listed job appears twice",
			apply: through(repeatJobs)},
		{Name: "jobids-case-insensitive", Row: "S2", How: mw, Break: "JobIds match job ids whatever their case",
			apply: through(listing(looseIDs(equalFold)))},
		{Name: "jobids-prefix-match", Row: "S2", How: mw, Break: "a JobIds entry matches every job whose id starts with it",
			apply: through(listing(looseIDs(prefixOf)))},
		{Name: "jobids-trimmed", Row: "S2", How: mw, Break: "JobIds entries are matched without their surrounding white space",
			apply: through(listing(looseIDs(trimmed)))},
		{Name: "filter-extra-job", Row: "S2", How: mw, Break: "a filtered listing holds one more job of the store, not asked for",
			apply: through(listing(extraJob))},
		{Name: "filter-matches-nothing", Row: "S2", How: mw, Break: "a filtered listing never holds a job",
			apply: through(listing(noMatch))},
		{Name: "unknown-id-error", Row: "S3", How: mw, Break: "an unknown id in JobIds gives ResourceNotFound",
			apply: through(unknownIDError)},
		{Name: "jobset-sorted", Row: "S4", How: rw, Break: "JobSet is sorted by Id",
			Equivalent: "S4: JobSet comes in no particular order, so a sorted one conforms",
			apply:      rewriter(SortJobSet)},
		{Name: "jobset-null", Row: "S5", How: rw, Break: `"JobSet" is null even when jobs exist`,
			apply: rewriter(NullJobSet)},
		{Name: "jobset-object", Row: "S5", How: rw, Break: "a JobSet with jobs is an object keyed by Id, not an array",
			apply: rewriter(JobSetObject)},
		{Name: "jobset-missing-when-empty", Row: "S5", How: rw, Break: `a result without jobs has no "JobSet" at all (also against T6)`,
			apply: rewriter(DropEmptyJobSet)},
		{Name: "jobset-null-when-empty", Row: "S5", How: "config NullEmpty", Break: `a result without jobs is "JobSet": null`,
			Equivalent: `S5: an empty result may be "JobSet": [] or "JobSet": null`,
			apply:      func(c *emulator.Config) { c.NullEmpty = true }},
		{Name: "store-isolation-broken", Row: "S6", How: mw, Break: "an unfiltered listing also holds the jobs of another user store of the account",
			apply: through(func(fx *fixture.Fixture) middleware { return editListing(fx, siblingJobs(fx)) })},
		{Name: "filter-across-stores", Row: "S6", How: mw, Break: "JobIds also finds jobs of the account's other user stores",
			apply: through(func(fx *fixture.Fixture) middleware { return editListing(fx, acrossStores(fx)) })},
		{Name: "listing-not-repeatable", Row: "S7", How: mw, Break: "every answer with jobs holds one more job, new for each answer (a side effect of listing)",
			apply: through(notRepeatable)},
		{Name: "filter-phantom-job", Row: "S8", How: mw, Break: "a filtered listing holds a job the full listing does not",
			apply: through(listing(phantomJob))},
		{Name: "filter-order-sensitive", Row: "S8", How: mw, Break: "JobIds not in ascending order lose the job of their last id",
			apply: through(listing(orderSensitive))},
		{Name: "filter-duplicates-dropped", Row: "S8", How: mw, Break: "a job whose id JobIds repeats is left out",
			apply: through(listing(duplicatesDropped))},
		{Name: "filter-union-broken", Row: "S8", How: mw, Break: "a filtered listing holds only the jobs of the first two ids listed",
			apply: through(listing(firstTwo))},
		{Name: "other-account-store-visible", Row: "S9", How: mw, Break: "another account's user store is listed",
			apply: through(otherAccountStores)},

		// ---- The Job object ----
		{Name: "job-id-renamed", Row: "J1", How: rw, Break: `every job's "Id" is called "JobId"`,
			apply: rewriter(renameField("Id", "JobId"))},
		{Name: "job-id-empty", Row: "J1", How: rw, Break: `every job's Id is ""`,
			apply: rewriter(editString("Id", emptyString))},
		{Name: "status-lowercase", Row: "J2", How: rw, Break: "Status is in lower case (completed)",
			apply: rewriter(editString("Status", lower))},
		{Name: "status-dropped", Row: "J2", How: rw, Break: "jobs have no Status",
			apply: rewriter(dropField("Status"))},
		{Name: "type-out-of-enum", Row: "J3", How: rw, Break: "Type is IMPORT or EXPORT",
			apply: rewriter(editString("Type", trimUser))},
		{Name: "type-renamed", Row: "J3", How: rw, Break: `"Type" is called "JobType"`,
			apply: rewriter(renameField("Type", "JobType"))},
		{Name: "createddate-seconds", Row: "J4", How: rw, Break: "CreatedDate is in seconds, not milliseconds",
			apply: rewriter(CreatedDateSeconds)},
		{Name: "createddate-string", Row: "J4", How: rw, Break: "CreatedDate is a JSON string of digits",
			apply: rewriter(createdDateString)},
		{Name: "format-lowercase", Row: "J5", How: rw, Break: "Format is ndjson or csv",
			apply: rewriter(editString("Format", lower))},
		{Name: "format-omitted-when-null", Row: "J5", How: rw, Break: "a null Format is left out",
			apply: rewriter(dropNullField("Format"))},
		{Name: "location-omitted-when-null", Row: "J6", How: rw, Break: "a null Location is left out",
			apply: rewriter(dropNullField("Location"))},
		{Name: "location-object", Row: "J6", How: rw, Break: `Location is an object {"Url": ...}`,
			apply: rewriter(editString("Location", urlObject))},
		{Name: "errordetails-object", Row: "J7", How: rw, Break: "a non-empty ErrorDetails is its first element, an object",
			apply: rewriter(firstElement("ErrorDetails"))},
		{Name: "errordetails-error-renamed", Row: "J7", How: rw, Break: `ErrorDetails elements call "Error" "ErrorMessage"`,
			apply: rewriter(renameNested("ErrorDetails", "Error", "ErrorMessage"))},
		{Name: "failedusers-strings", Row: "J8", How: rw, Break: "FailedUsers elements are their FailedReason, not objects",
			apply: rewriter(nestedField("FailedUsers", "FailedReason"))},
		{Name: "failedusers-reason-renamed", Row: "J8", How: rw, Break: `FailedUsers elements call "FailedReason" "Reason"`,
			apply: rewriter(renameNested("FailedUsers", "FailedReason", "Reason"))},
		{Name: "job-extra-fields", Row: "J9", How: rw, Break: "every job carries fields the contract does not name",
			Equivalent: "J9: a job may hold fields that the contract does not name",
			apply:      rewriter(ExtraJobFields)},

		// ---- Rate limit ----
		{Name: "rate-limit-off", Row: "R1", How: "config RateLimit 0", Break: "no request is ever throttled", RateLimit: true,
			apply: rateLimit(0)},
		{Name: "rate-limit-19", Row: "R1", How: "config RateLimit 19", Break: "19 requests per second pass, not 20", RateLimit: true,
			apply: rateLimit(19)},
		{Name: "rate-limit-21", Row: "R1", How: "config RateLimit 21", Break: "21 requests per second pass, not 20", RateLimit: true,
			apply: rateLimit(21)},
		{Name: "rate-limit-per-secretid", Row: "R1", How: "fixture: an owner per key", Break: "the limit is counted per SecretId, not per owner", RateLimit: true,
			apply: perKeyOwners},
		{Name: "rate-limit-8", Row: "R2", How: "config RateLimit 8", Break: "8 requests per second pass: traffic at half the limit is throttled", RateLimit: true,
			apply: rateLimit(8)},
		{Name: "auth-failures-counted", Row: "R3", How: mw, Break: "refused authentications use up the rate limit", RateLimit: true,
			apply: through(countAuthFailures)},
	}
}
