package nearmiss

import (
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/vocab"
)

// Carrier says how a request carries a value, so that a member can be placed in it
// (steps/nearmiss_table.go places each), or where a response holds it.
type Carrier string

// The carriers of request values.
const (
	// CarrierSecretID: the SecretId of the TC3 Authorization's Credential, the request
	// signed with the key's own SecretKey (the signature does not cover the SecretId).
	CarrierSecretID Carrier = "the SecretId of the Authorization header"
	// CarrierToken: the X-TC-Token header of a temporary key.
	CarrierToken Carrier = "the X-TC-Token header"
	// CarrierHeader: the value of the header Field (not signed).
	CarrierHeader Carrier = "an X-TC-* header"
	// CarrierMethod: the request line's method; the request is signed over it.
	CarrierMethod Carrier = "the request method"
	// CarrierParam: the string value of the parameter Field of a JSON body.
	CarrierParam Carrier = "a string parameter of a JSON body"
	// CarrierQueryParam: the value of the parameter Field of a GET query.
	CarrierQueryParam Carrier = "a parameter of a GET query"
	// CarrierJobID: the one id of JobIds in a JSON body: known job 1's.
	CarrierJobID Carrier = "the id of JobIds in a JSON body"
	// CarrierQueryJobID: JobIds.0 of a GET query: known job 1's.
	CarrierQueryJobID Carrier = "JobIds.0 of a GET query"
	// CarrierParamName: the name of the parameter Field in a JSON body. A near miss
	// that names another parameter is sent beside the right one (with its value), so
	// that the request breaks only P6; one that spells the same name replaces it.
	CarrierParamName Carrier = "a parameter's name in a JSON body"
	// CarrierAlgorithm: the first word of the Authorization header, after signing.
	CarrierAlgorithm Carrier = "the algorithm of the Authorization header"
	// CarrierScopeDate and CarrierScopeService: the credential scope's date or service,
	// the request signed over the near miss (the signing key derived from it), so that
	// only the scope's value is wrong.
	CarrierScopeDate    Carrier = "the date of the credential scope"
	CarrierScopeService Carrier = "the service of the credential scope"
	// CarrierScopeTerminator: the scope's last part, after signing.
	CarrierScopeTerminator Carrier = "the last part of the credential scope"
	// CarrierSignedHeaders: the SignedHeaders list of the Authorization, after signing.
	CarrierSignedHeaders Carrier = "the SignedHeaders of the Authorization header"
	// CarrierSignature: the Signature of the Authorization, after signing.
	CarrierSignature Carrier = "the Signature of the Authorization header"
	// CarrierSignedHeaderValue: the value of the signed header Field in the canonical
	// request: the request signed over the near miss and sent with its own value.
	CarrierSignedHeaderValue Carrier = "a signed header's value in the canonical request"
	// CarrierSignedMethod and CarrierSignedURI: the HTTPRequestMethod and CanonicalURI
	// of the canonical request, signed over the near miss, sent as they are.
	CarrierSignedMethod Carrier = "the HTTPRequestMethod of the canonical request"
	CarrierSignedURI    Carrier = "the CanonicalURI of the canonical request"
	// CarrierSignedBody: a POST body after signing; CarrierSignedQuery: a GET query
	// after signing. The signature is over their bytes as they arrived (A1).
	CarrierSignedBody  Carrier = "the bytes of a POST body"
	CarrierSignedQuery Carrier = "the bytes of a GET query"
)

// The carriers of response values: where the checks read them.
const (
	// CarrierResponseHeader: the value of the response header Field.
	CarrierResponseHeader Carrier = "a header of the response"
	// CarrierResponseValue: the string at Field of every job (or the Error's Code).
	CarrierResponseValue Carrier = "a string of the response"
	// CarrierResponseName: the name of the member Field (a path: "Response.JobSet",
	// "Response.JobSet.#.Status", "Response.JobSet.#.ErrorDetails.#.UserId").
	CarrierResponseName Carrier = "a member name of the response"
)

// Value is one row of the table: a value the contract compares exactly.
type Value struct {
	// ID names the value in case ids and tests: "secretid".
	ID string
	// Compared is the name CONTRACT.md's "Exact comparisons" table gives the
	// comparison; several values may share it (the members of an enumeration).
	Compared string
	// Literal is the value when the contract fixes it ("ListJobs"); "" for one the
	// request or the endpoint has (the caller's SecretId, the signature).
	Literal string
	// Sample is a value of the kind, for a response value without a Literal.
	Sample string
	// Noun names it in scenario titles: "A SecretId".
	Noun string
	// Step is the step sentence that places a member, before ": <member>".
	Step string
	// Where says where it lives, in words.
	Where   string
	Carrier Carrier
	// Field is the header, parameter or member the carrier means.
	Field string
	// Syntax is how the carrier writes the value: a member spelling it in the same
	// syntax writes the same value (JSON escapes in a body, %XX in a query).
	Syntax Syntax
	// Bytes is set when the comparison is of the bytes as they arrived (a signed body
	// or query, A1): another spelling of the same meaning is another value.
	Bytes bool
	// Rows are the rows that judge a value that differs; Refusal is what it gets.
	Rows    []string
	Refusal Verdict
	// Members are the verdicts, by member name, that differ from Refusal.
	Members map[string]Verdict
	// Elsewhere names, by member, the scenario (its case id) that already judges it
	// with the same step and verdict: the member gets no generated scenario.
	Elsewhere map[string]string
	// SDK is set when an SDK's caller can send its near misses written plainly (a
	// parameter's value): those scenarios do not need the wire driver.
	SDK bool
	// Setup are the steps before the near miss is placed; AcceptSetup replaces them
	// for an accepted member, and Accept are its checks after "the response is a
	// success".
	Setup, AcceptSetup, Accept []string
	// Tags are tags its scenarios carry besides the rows and @assumed/@wire.
	Tags []string
	// Response is set for a value of the response: an explorer case, not a scenario.
	Response bool
}

// Error codes the table names.
const (
	codeSecretIDNotFound     = "AuthFailure.SecretIdNotFound"
	codeInvalidAuthorization = "AuthFailure.InvalidAuthorization"
	codeSignatureFailure     = "AuthFailure.SignatureFailure"
	codeTokenFailure         = "AuthFailure.TokenFailure"
	codeAuthFailure          = "AuthFailure"
	codeInvalidAction        = "InvalidAction"
	codeNoSuchVersion        = "NoSuchVersion"
	codeUnsupportedRegion    = "UnsupportedRegion"
	codeMissingParameter     = "MissingParameter"
	codeUnknownParameter     = "UnknownParameter"
	codeUnsupportedProtocol  = "UnsupportedProtocol"
	codeInvalidUserStore     = "FailedOperation.InvalidUserStore"
)

// Reasons said once, for every value they apply to.
const (
	whyASCII         = "the value is ASCII, as every id, name and code of API 3.0 is: it has no other Unicode normalisation"
	whyHTTPTrims     = "HTTP strips white space around a field value (RFC 9110 5.5): the value that arrives is the same"
	whyEmptyHeader   = "an empty header is also a common parameter without a value: no row says whether it is answered as a wrong value or as a missing parameter"
	whyTwoRows       = "it also changes what the request says, so it breaks a second row, and no row orders two refusals (CONTRACT.md, Known gaps)"
	whyLowerTrimmed  = "the canonical request writes a header's value lower-cased and trimmed (the signature page, §1.1): it signs the same canonical request"
	whyAuthForm      = "it is not of A5's form either (Credential=<SecretId>/<date>/<service>/tc3_request), and no row orders the two refusals"
	whyNoLetters     = "it has no letters"
	whyJudgedInBody  = "the value is compared the same way however it travels: judged as a JSON body's (the row above)"
	whyMethodToken   = "a method is a token (RFC 9110 9.1): it cannot be sent in a request line"
	whySignatureForm = "a Signature of another length or not in hex is not of A5's form (Signature=<hex>) either: no row says which AuthFailure code answers"
	whyNonASCII      = "a header value with a character that is not ASCII may be refused by HTTP itself, before the API sees it (RFC 9110 5.5: obsolete text); the contract does not say what it gets"
)

// nonASCIIHeader is the verdict of a confusable letter sent in a header.
var nonASCIIHeader = notAsserted(whyNonASCII)

// authForm is the refusal of a near miss that also breaks A5's form of the
// Authorization header: the value's code or InvalidAuthorization, judged by A5 too.
func authForm(code string) Verdict {
	return Verdict{Outcome: Refused, Codes: []string{code, codeInvalidAuthorization}, Also: []string{"A5"}, Reason: whyAuthForm}
}

// signatureForm is the refusal of a Signature that is not 64 hex digits: a code under
// AuthFailure, judged by A5 too (the form) as A2-signature-cut-short is.
var signatureForm = Verdict{Outcome: Refused, Under: codeAuthFailure, Also: []string{"A5"}, Reason: whySignatureForm}

// jsonSame and querySame are the acceptances of another spelling in the carrier's own
// syntax: the characters are the same once decoded.
var (
	jsonSame  = accepted("a JSON string's escapes write the same characters (RFC 8259 7), and a body is JSON (T1)", "T1")
	querySame = accepted("a query is percent-decoded (RFC 3986 2.1): %XX of a character that need not be encoded is that character (T2)", "T2")
)

// request are the request values, in a fixed order (a new value goes at the end).
var request = []Value{
	{
		ID: "secretid", Compared: "SecretId", Noun: "A SecretId", Step: "the SecretId is sent as its near miss",
		Where: "the SecretId of the Authorization's Credential, the request signed with the key's own SecretKey", Carrier: CarrierSecretID,
		Rows: []string{"A4"}, Refusal: refused("", codeSecretIDNotFound),
		Members: map[string]Verdict{
			WhiteSpace:     authForm(codeSecretIDNotFound),
			Empty:          authForm(codeSecretIDNotFound),
			Confusable:     nonASCIIHeader,
			PercentEncoded: authForm(codeSecretIDNotFound),
			JSONEscaped:    authForm(codeSecretIDNotFound),
		},
	},
	{
		ID: "token", Compared: "X-TC-Token", Noun: "A temporary key's X-TC-Token", Step: "the X-TC-Token is sent as its near miss",
		Where: "the X-TC-Token header of a temporary key (not signed)", Carrier: CarrierToken, Field: "X-TC-Token",
		Rows: []string{"A8"}, Refusal: refused("", codeTokenFailure), Tags: []string{vocab.TagFixture, vocab.TagToken},
		Setup: []string{`a ListJobs request for the fixture user store "varied"`, `the request uses the fixture credential "temporary"`},
		Members: map[string]Verdict{
			WhiteSpace: notApplicable(whyHTTPTrims),
			Empty:      under(codeAuthFailure, "an empty token is no token: A8 refuses a temporary key without its token, and names no code"),
			Confusable: nonASCIIHeader,
		},
	},
	{
		ID: "userstoreid", Compared: "UserStoreId", Noun: "A UserStoreId", Step: "the UserStoreId is sent as its near miss",
		Where: "the UserStoreId of a JSON body", Carrier: CarrierParam, Field: "UserStoreId", Syntax: JSON, SDK: true,
		Rows: []string{"P8"}, Refusal: refused("", codeInvalidUserStore),
		Members: map[string]Verdict{
			Empty: {Outcome: Refused, Codes: []string{codeInvalidUserStore}, Rows: []string{"P9"}, Reason: "P9: the empty string names no user store"},
		},
		AcceptSetup: []string{"the user store under test holds at least 1 job", "a ListJobs request for the user store under test"},
		Accept:      []string{"the returned Ids are exactly the known jobs"},
	},
	{
		ID: "userstoreid-query", Compared: "UserStoreId", Noun: "A UserStoreId in a GET query", Step: "the UserStoreId of the GET query is sent as its near miss",
		Where: "the UserStoreId of a GET query", Carrier: CarrierQueryParam, Field: "UserStoreId", Syntax: Query,
		Rows: []string{"P8"}, Refusal: notApplicable(whyJudgedInBody),
		Members: map[string]Verdict{
			PercentEncoded: querySame,
			JSONEscaped:    refused("a query does not read JSON escapes: \\u00XX is six characters of another value", codeInvalidUserStore),
		},
		Setup:       []string{"a ListJobs request for the user store under test", "the request is sent as GET"},
		AcceptSetup: []string{"the user store under test holds at least 1 job", "a ListJobs request for the user store under test", "the request is sent as GET"},
		Accept:      []string{"the returned Ids are exactly the known jobs"},
	},
	{
		ID: "jobid", Compared: "JobIds element", Noun: "A job's id in JobIds", Step: "the id of known job 1 in JobIds is sent as its near miss",
		Where: "an id of JobIds in a JSON body", Carrier: CarrierJobID, Field: "JobIds", Syntax: JSON, SDK: true,
		Rows: []string{"S2", "S3"}, Refusal: Verdict{Outcome: Refused, NoMatch: true},
		Elsewhere: map[string]string{
			OtherCase: "S2-near-miss/1", ProperPrefix: "S2-near-miss/2", SuffixAdded: "S2-near-miss/3", WhiteSpace: "S2-near-miss/4", Empty: "S2-near-miss/5",
		},
		Setup:  []string{"the user store under test holds at least 1 job", "a ListJobs request for the user store under test"},
		Accept: []string{"the returned Ids are exactly known job 1"},
	},
	{
		ID: "jobid-query", Compared: "JobIds element", Noun: "A job's id in a GET query", Step: "the id of known job 1 in the GET query is sent as its near miss",
		Where: "JobIds.0 of a GET query", Carrier: CarrierQueryJobID, Field: "JobIds", Syntax: Query,
		Rows: []string{"S2", "S3"}, Refusal: notApplicable(whyJudgedInBody),
		Members: map[string]Verdict{
			PercentEncoded: querySame,
			JSONEscaped:    {Outcome: Refused, NoMatch: true, Reason: "a query does not read JSON escapes: \\u00XX is six characters of another id"},
		},
		Setup:  []string{"the user store under test holds at least 1 job", "a ListJobs request for the user store under test", "the request is sent as GET"},
		Accept: []string{"the returned Ids are exactly known job 1"},
	},
	{
		ID: "action", Compared: "X-TC-Action", Literal: vocab.Action, Noun: "An X-TC-Action", Step: "the X-TC-Action is sent as its near miss",
		Where: "the X-TC-Action header", Carrier: CarrierHeader, Field: "X-TC-Action",
		Rows: []string{"P1"}, Refusal: refused("", codeInvalidAction),
		Members: map[string]Verdict{
			WhiteSpace: notApplicable(whyHTTPTrims),
			Empty:      refused(whyEmptyHeader, codeInvalidAction, codeMissingParameter),
			Confusable: nonASCIIHeader,
		},
	},
	{
		ID: "version", Compared: "X-TC-Version", Literal: vocab.Version, Noun: "An X-TC-Version", Step: "the X-TC-Version is sent as its near miss",
		Where: "the X-TC-Version header", Carrier: CarrierHeader, Field: "X-TC-Version",
		Rows: []string{"P2"}, Refusal: refused("", codeNoSuchVersion),
		Members: map[string]Verdict{
			WhiteSpace: notApplicable(whyHTTPTrims),
			Empty:      refused(whyEmptyHeader, codeNoSuchVersion, codeMissingParameter),
			Confusable: nonASCIIHeader,
		},
	},
	{
		ID: "region", Compared: "X-TC-Region", Noun: "An X-TC-Region", Step: "the X-TC-Region is sent as its near miss",
		Where: "the X-TC-Region header: the region of the run (--region)", Carrier: CarrierHeader, Field: "X-TC-Region",
		Rows: []string{"P3"}, Refusal: refused("", codeUnsupportedRegion),
		Members: map[string]Verdict{
			WhiteSpace: notApplicable(whyHTTPTrims),
			Empty:      refused("an empty X-TC-Region is also a request without a region, which P3 answers with MissingParameter: no row says which", codeUnsupportedRegion, codeMissingParameter),
			Confusable: nonASCIIHeader,
		},
	},
	{
		ID: "method", Compared: "HTTP method", Literal: "POST", Noun: "A POST's method", Step: "the method POST is sent as its near miss",
		Where: "the method of the request line (the request signed over it)", Carrier: CarrierMethod,
		Rows: []string{"T3"}, Refusal: refused("", codeUnsupportedProtocol),
		Members: map[string]Verdict{
			WhiteSpace:  notApplicable(whyMethodToken),
			Empty:       notApplicable("an HTTP client sends GET for an empty method"),
			Confusable:  notApplicable(whyMethodToken),
			JSONEscaped: notApplicable(whyMethodToken),
		},
	},
	{
		ID: "method-get", Compared: "HTTP method", Literal: "GET", Noun: "A GET's method", Step: "the method GET is sent as its near miss",
		Where: "the method of a GET's request line (the request signed over it)", Carrier: CarrierMethod,
		Rows: []string{"T3"}, Refusal: refused("", codeUnsupportedProtocol),
		Setup: []string{"a ListJobs request for the user store under test", "the request is sent as GET"},
		Members: map[string]Verdict{
			WhiteSpace:  notApplicable(whyMethodToken),
			Empty:       notApplicable("an HTTP client sends GET for an empty method"),
			Confusable:  notApplicable(whyMethodToken),
			JSONEscaped: notApplicable(whyMethodToken),
		},
	},
	{
		ID: "name-userstoreid", Compared: "parameter name", Literal: "UserStoreId", Noun: "A parameter named after UserStoreId",
		Step: "the parameter name UserStoreId is sent as its near miss", Where: "a member name of the JSON body: another name is sent beside UserStoreId",
		Carrier: CarrierParamName, Field: "UserStoreId", Syntax: JSON, Rows: []string{"P6"}, Refusal: refused("", codeUnknownParameter),
		AcceptSetup: []string{"the user store under test holds at least 1 job", "a ListJobs request for the user store under test"},
		Accept:      []string{"the returned Ids are exactly the known jobs"},
	},
	{
		ID: "name-jobids", Compared: "parameter name", Literal: "JobIds", Noun: "A parameter named after JobIds",
		Step: "the parameter name JobIds is sent as its near miss", Where: `a member name of the JSON body: another name is sent beside "JobIds": []`,
		Carrier: CarrierParamName, Field: "JobIds", Syntax: JSON, Rows: []string{"P6"}, Refusal: refused("", codeUnknownParameter),
		AcceptSetup: []string{"the user store under test holds at least 1 job", "a ListJobs request for the user store under test"},
		Accept:      []string{"the returned Ids are exactly the known jobs"},
	},
	{
		ID: "algorithm", Compared: "algorithm", Literal: vocab.Algorithm, Noun: "An Authorization algorithm", Step: "the Authorization's algorithm is sent as its near miss",
		Where: "the first word of the Authorization header", Carrier: CarrierAlgorithm,
		Rows: []string{"A5"}, Refusal: refused("", codeInvalidAuthorization),
		Members: map[string]Verdict{
			WhiteSpace: notAsserted("HTTP strips the space before it (RFC 9110 5.5), and A5 does not say whether more than one space may follow the algorithm (RFC 7235 allows it)"),
			Confusable: nonASCIIHeader,
		},
	},
	{
		ID: "scope-date", Compared: "credential scope date", Noun: "A credential scope date", Step: "the request is signed over a near miss of its credential scope's date",
		Where: "the date of the credential scope, the request signed over it", Carrier: CarrierScopeDate,
		Rows: []string{"A6"},
		Refusal: Verdict{Outcome: Refused, Codes: []string{codeSignatureFailure, codeInvalidAuthorization}, Also: []string{"A5"},
			Reason: "a near miss of a date may be no date at all, which is not of A5's form (InvalidAuthorization), or another date (A6): no row orders the two"},
		Members: map[string]Verdict{
			OtherCase:     notApplicable(whyNoLetters),
			OneLetterCase: notApplicable(whyNoLetters),
			Confusable:    nonASCIIHeader,
		},
	},
	{
		ID: "scope-service", Compared: "credential scope service", Literal: vocab.Service, Noun: "A credential scope service", Step: "the request is signed over a near miss of its credential scope's service",
		Where: "the service of the credential scope, the request signed over it", Carrier: CarrierScopeService,
		Rows: []string{"A6"}, Refusal: refused("", codeSignatureFailure),
		Members: map[string]Verdict{
			WhiteSpace: authForm(codeSignatureFailure),
			Empty:      authForm(codeSignatureFailure),
			Confusable: nonASCIIHeader,
		},
	},
	{
		ID: "scope-terminator", Compared: "credential scope terminator", Literal: "tc3_request", Noun: "A credential scope terminator", Step: "the credential scope's tc3_request is sent as its near miss",
		Where: "the last part of the credential scope, after signing", Carrier: CarrierScopeTerminator,
		Rows: []string{"A5"}, Refusal: refused("", codeInvalidAuthorization),
		Members: map[string]Verdict{Confusable: nonASCIIHeader},
	},
	{
		ID: "signedheaders", Compared: "SignedHeaders", Literal: "content-type;host", Noun: "A SignedHeaders list", Step: "the Authorization's SignedHeaders is sent as its near miss",
		Where: "the SignedHeaders of the Authorization header, after signing over content-type;host", Carrier: CarrierSignedHeaders,
		Rows: []string{"A1", "A2"}, Refusal: under(codeAuthFailure, ""),
		Members: map[string]Verdict{Confusable: nonASCIIHeader},
	},
	{
		ID: "signature", Compared: "Signature", Noun: "A signature", Step: "the signature is sent as its near miss",
		Where: "the Signature of the Authorization header, after signing", Carrier: CarrierSignature,
		Rows: []string{"A2"}, Refusal: refused("", codeSignatureFailure),
		Members: map[string]Verdict{
			OtherCase:      notAsserted("the contract does not say whether the signature's hex digits are compared as text or as the bytes they write (the signature page writes them in lower case)"),
			OneLetterCase:  notAsserted("the contract does not say whether the signature's hex digits are compared as text or as the bytes they write (the signature page writes them in lower case)"),
			ProperPrefix:   signatureForm,
			SuffixAdded:    signatureForm,
			OwnSuffix:      signatureForm,
			WhiteSpace:     signatureForm,
			Empty:          signatureForm,
			Confusable:     nonASCIIHeader,
			PercentEncoded: signatureForm,
			JSONEscaped:    signatureForm,
		},
	},
	{
		ID: "signed-content-type", Compared: "signed header value", Noun: "A Content-Type signed", Step: "the request is signed over a near miss of its Content-Type",
		Where: "the content-type value of the canonical request; the request is sent with its own", Carrier: CarrierSignedHeaderValue, Field: "Content-Type",
		Rows: []string{"A2"}, Refusal: refused("", codeSignatureFailure),
		Members: map[string]Verdict{
			OtherCase:     notApplicable(whyLowerTrimmed),
			OneLetterCase: notApplicable(whyLowerTrimmed),
			WhiteSpace:    notApplicable(whyLowerTrimmed),
		},
	},
	{
		ID: "signed-host", Compared: "signed header value", Noun: "A Host signed", Step: "the request is signed over a near miss of its Host",
		Where: "the host value of the canonical request; the request is sent with its own Host", Carrier: CarrierSignedHeaderValue, Field: "Host",
		Rows: []string{"A2"}, Refusal: refused("", codeSignatureFailure),
		Members: map[string]Verdict{
			OtherCase:     notApplicable(whyLowerTrimmed),
			OneLetterCase: notApplicable(whyLowerTrimmed),
			WhiteSpace:    notApplicable(whyLowerTrimmed),
		},
	},
	{
		ID: "signed-method", Compared: "signed HTTPRequestMethod", Literal: "POST", Noun: "A POST signed over an HTTPRequestMethod", Step: "the request is signed over a near miss of its HTTPRequestMethod",
		Where: "the HTTPRequestMethod of the canonical request; the request is sent as a POST", Carrier: CarrierSignedMethod,
		Rows: []string{"A2"}, Refusal: refused("", codeSignatureFailure),
	},
	{
		ID: "signed-uri", Compared: "signed CanonicalURI", Literal: "/", Noun: "A request to / signed over a CanonicalURI", Step: "the request is signed over a near miss of its CanonicalURI",
		Where: "the CanonicalURI of the canonical request; the request is sent to /", Carrier: CarrierSignedURI,
		Rows: []string{"A2"}, Refusal: refused("", codeSignatureFailure),
	},
	{
		ID: "signed-body", Compared: "signed body", Noun: "A POST body", Step: "the body is replaced after signing by its near miss",
		Where: "the bytes of the POST body, after signing", Carrier: CarrierSignedBody, Syntax: JSON, Bytes: true,
		Rows: []string{"A1", "A2"}, Refusal: notApplicable(whyTwoRows),
		Members: map[string]Verdict{
			WhiteSpace:  refused("the same JSON in other bytes: the signature is over the body's bytes as they arrived (A1)", codeSignatureFailure),
			JSONEscaped: refused("the same JSON in other bytes (a character of UserStoreId's value escaped): the signature is over the body's bytes as they arrived (A1)", codeSignatureFailure),
		},
	},
	{
		ID: "signed-query", Compared: "signed query", Noun: "A GET query", Step: "the query is replaced after signing by its near miss",
		Where: "the bytes of the GET query, after signing", Carrier: CarrierSignedQuery, Syntax: Query, Bytes: true,
		Rows: []string{"A1", "A2"}, Refusal: notApplicable(whyTwoRows),
		Setup: []string{"a ListJobs request for the user store under test", "the request is sent as GET"},
		Members: map[string]Verdict{
			WhiteSpace:     notApplicable("white space cannot be sent in a request target"),
			PercentEncoded: refused("the same parameters in other bytes (a character of UserStoreId's value percent-encoded): the signature is over the query as it arrived (A1)", codeSignatureFailure),
		},
	},
}

// response are the response values the checks compare, in a fixed order.
var response = func() []Value {
	refusedBy := func(reason string) Verdict { return Verdict{Outcome: Refused, Reason: reason} }
	jsonName := accepted("a member name written with JSON escapes is the same name (RFC 8259 7)")
	jsonString := accepted("a JSON string's escapes write the same characters (RFC 8259 7)")
	out := []Value{{
		ID: "response-content-type", Compared: "response Content-Type", Literal: "application/json", Where: "the media type of the response's Content-Type",
		Carrier: CarrierResponseHeader, Field: "Content-Type", Rows: []string{"T5"}, Refusal: refusedBy(""), Response: true,
		Members: map[string]Verdict{
			OtherCase:     accepted("a media type's type and subtype are case-insensitive (RFC 9110 8.3.1)"),
			OneLetterCase: accepted("a media type's type and subtype are case-insensitive (RFC 9110 8.3.1)"),
			WhiteSpace:    accepted(whyHTTPTrims),
		},
	}}
	enum := func(compared, field, row string, literals ...string) {
		for _, l := range literals {
			out = append(out, Value{ID: "response-" + field + "-" + l, Compared: compared, Literal: l, Where: "a job's " + field,
				Carrier: CarrierResponseValue, Field: "Response.JobSet.#." + field, Syntax: JSON, Rows: []string{row}, Refusal: refusedBy(""), Response: true,
				Members: map[string]Verdict{JSONEscaped: jsonString}})
		}
	}
	enum("Status", "Status", "J2", "PENDING", "PROCESSING", "COMPLETED", "FAILED")
	enum("Type", "Type", "J3", "IMPORT_USER", "EXPORT_USER")
	enum("Format", "Format", "J5", "NDJSON", "CSV")
	out = append(out, Value{ID: "response-code", Compared: "Error.Code", Sample: "InvalidParameter", Where: "the Code of an error, held against the code its row names",
		Carrier: CarrierResponseValue, Field: "Response.Error.Code", Syntax: JSON, Rows: []string{"T7"}, Refusal: refusedBy(""), Response: true,
		Members: map[string]Verdict{JSONEscaped: jsonString}})
	names := func(compared, parent string, members map[string][]string, allowed map[string]Verdict) {
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for k := range members {
				if !yield(k) {
					return
				}
			}
		}) {
			v := Value{ID: "response-name-" + strings.NewReplacer(".#.", "-", ".", "-").Replace(parent+name), Compared: compared, Literal: name, Where: "the member " + name,
				Carrier: CarrierResponseName, Field: parent + name, Syntax: JSON, Rows: members[name], Refusal: refusedBy(""), Response: true,
				Members: map[string]Verdict{JSONEscaped: jsonName}}
			if a, ok := allowed[name]; ok {
				v.Refusal = a
			}
			out = append(out, v)
		}
	}
	names("envelope member name", "Response.", map[string][]string{
		"JobSet": {"T6"}, "RequestId": {"T8"}, "Error": {"T7"},
	}, nil)
	names("envelope member name", "", map[string][]string{"Response": {"T6", "T7"}}, nil)
	names("envelope member name", "Response.Error.", map[string][]string{"Code": {"T7"}, "Message": {"T7"}}, nil)
	optional := accepted("the member is optional (J7, J8: it may be absent) and a job may hold members the contract does not name (J9): a job whose member is named otherwise conforms", "J9")
	names("job member name", "Response.JobSet.#.", map[string][]string{
		"Id": {"J1"}, "Status": {"J2"}, "Type": {"J3"}, "CreatedDate": {"J4"}, "Format": {"J5"}, "Location": {"J6"},
		"ErrorDetails": {"J7"}, "FailedUsers": {"J8"},
	}, map[string]Verdict{"ErrorDetails": optional, "FailedUsers": optional})
	names("nested member name", "Response.JobSet.#.ErrorDetails.#.", map[string][]string{"UserId": {"J7"}}, nil)
	names("nested member name", "Response.JobSet.#.ErrorDetails.#.", map[string][]string{"Error": {"J7"}}, nil)
	names("nested member name", "Response.JobSet.#.FailedUsers.#.", map[string][]string{"FailedUserIdentification": {"J8"}, "FailedReason": {"J8"}}, nil)
	for i := range out {
		if out[i].Members == nil {
			out[i].Members = map[string]Verdict{}
		}
		if _, ok := out[i].Members[Normalisation]; !ok {
			out[i].Members[Normalisation] = notApplicable(whyASCII)
		}
	}
	return out
}()

// Request returns the request values, in order.
func Request() []Value { return slices.Clone(request) }

// Response returns the response values, in order.
func Response() []Value { return slices.Clone(response) }

// Table returns every value: the request's, then the response's.
func Table() []Value { return slices.Concat(request, response) }

// ByID returns the value of the table with id.
func ByID(id string) (Value, bool) {
	for _, v := range Table() {
		if v.ID == id {
			return v, true
		}
	}
	return Value{}, false
}

// Verdict is what member m of the value gets: its own entry, else another spelling in
// the carrier's syntax is the same value (or, for bytes, another value: A1), else the
// value's refusal. The Unicode normalisation of an ASCII value is not applicable.
func (v Value) Verdict(m Member) Verdict {
	if w, ok := v.Members[m.Name]; ok {
		return w
	}
	if m.Name == Normalisation && !v.Response {
		return notApplicable(whyASCII)
	}
	if m.Spelling != Plain && m.Spelling == v.Syntax && !v.Bytes {
		if m.Spelling == JSON {
			return jsonSame
		}
		return querySame
	}
	return v.Refusal
}

// WireOnly tells whether member m of the value needs the wire driver: a value an SDK's
// caller cannot set, or a spelling only a hand-written body or query carries.
func (v Value) WireOnly(m Member) bool {
	return !v.SDK || (m.Spelling != Plain && m.Spelling == v.Syntax)
}

// Of returns the near miss of member m of the value's Literal (or Sample); false when
// the value is not fixed, or has none of that kind.
func (v Value) Of(m Member) (string, bool) {
	lit := v.Literal
	if lit == "" {
		lit = v.Sample
	}
	if lit == "" {
		return "", false
	}
	return m.Of(lit)
}
