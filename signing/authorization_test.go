package signing_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/signing"
)

// docAuthorization is the Authorization header of §1.4 (official vector A).
const (
	docSecretID      = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
	docSignature     = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
	docCredential    = "Credential=" + docSecretID + "/2019-02-25/cvm/tc3_request"
	docSignedHeaders = "SignedHeaders=content-type;host"
	docSig           = "Signature=" + docSignature
	docAuthorization = "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", " + docSig
)

var docParsed = signing.Authorization{
	SecretID:      docSecretID,
	Date:          "2019-02-25",
	Service:       "cvm",
	SignedHeaders: []string{"content-type", "host"},
	Signature:     docSignature,
}

func TestParseAuthorizationDocExample(t *testing.T) {
	a, err := signing.ParseAuthorization(docAuthorization)
	require.NoError(t, err)
	assert.Equal(t, docParsed, a)
	assert.Equal(t, docAuthorization, a.String(), "String() is the documented form, byte for byte")
}

func TestParseAuthorizationAccepted(t *testing.T) {
	// Whitespace choice (see ParseAuthorization): optional SP/HTAB around each element
	// and at both ends, one or more SP after the algorithm. Element order is free.
	cases := map[string]struct {
		header string
		want   signing.Authorization
	}{
		"no space after commas": {
			"TC3-HMAC-SHA256 " + docCredential + "," + docSignedHeaders + "," + docSig, docParsed},
		"several spaces and tabs around commas": {
			"TC3-HMAC-SHA256 " + docCredential + " ,  \t" + docSignedHeaders + "\t, " + docSig, docParsed},
		"several spaces after the algorithm": {
			"TC3-HMAC-SHA256   " + docCredential + ", " + docSignedHeaders + ", " + docSig, docParsed},
		"whitespace around the whole value": {
			" \tTC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", " + docSig + " \t", docParsed},
		"elements in another order": {
			"TC3-HMAC-SHA256 " + docSig + ", " + docCredential + ", " + docSignedHeaders, docParsed},
		"upper-case hex signature": {
			"TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=" + strings.ToUpper(docSignature),
			withSig(docParsed, strings.ToUpper(docSignature))},
		"one signed header": {
			"TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=host, " + docSig,
			withHeaders(docParsed, "host")},
		"three signed headers": {
			"TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=content-type;host;x-tc-action, " + docSig,
			withHeaders(docParsed, "content-type", "host", "x-tc-action")},
		"unsorted signed headers (Verify uses the order given)": {
			"TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=host;content-type, " + docSig,
			withHeaders(docParsed, "host", "content-type")},
		"ciam service": {
			"TC3-HMAC-SHA256 Credential=" + docSecretID + "/2026-02-28/ciam/tc3_request, " + docSignedHeaders + ", " + docSig,
			func() signing.Authorization { a := docParsed; a.Date, a.Service = "2026-02-28", "ciam"; return a }()},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a, err := signing.ParseAuthorization(tc.header)
			require.NoError(t, err)
			assert.Equal(t, tc.want, a)
			again, err := signing.ParseAuthorization(a.String())
			require.NoError(t, err)
			assert.Equal(t, a, again, "String() parses back to the same value")
		})
	}
}

func withSig(a signing.Authorization, sig string) signing.Authorization {
	a.Signature = sig
	return a
}

func withHeaders(a signing.Authorization, names ...string) signing.Authorization {
	a.SignedHeaders = names
	return a
}

// malformedAuthorizations are rejected, each for the reason its name gives. The fuzz
// seed corpus holds the same cases.
var malformedAuthorizations = map[string]string{
	"empty":                       "",
	"only spaces":                 "   ",
	"algorithm only":              "TC3-HMAC-SHA256",
	"algorithm and a space":       "TC3-HMAC-SHA256 ",
	"wrong algorithm":             "TC3-HMAC-SHA1 " + docCredential + ", " + docSignedHeaders + ", " + docSig,
	"lower-case algorithm":        "tc3-hmac-sha256 " + docCredential + ", " + docSignedHeaders + ", " + docSig,
	"v1 name as algorithm":        "HmacSHA256 " + docCredential + ", " + docSignedHeaders + ", " + docSig,
	"no algorithm":                docCredential + ", " + docSignedHeaders + ", " + docSig,
	"tab after algorithm":         "TC3-HMAC-SHA256\t" + docCredential + ", " + docSignedHeaders + ", " + docSig,
	"no space after algorithm":    "TC3-HMAC-SHA256" + docCredential + ", " + docSignedHeaders + ", " + docSig,
	"missing Credential":          "TC3-HMAC-SHA256 " + docSignedHeaders + ", " + docSig,
	"missing SignedHeaders":       "TC3-HMAC-SHA256 " + docCredential + ", " + docSig,
	"missing Signature":           "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders,
	"extra element":               "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", " + docSig + ", Foo=bar",
	"trailing comma":              "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", " + docSig + ",",
	"empty element":               "TC3-HMAC-SHA256 " + docCredential + ", , " + docSig,
	"Credential replaced by Foo":  "TC3-HMAC-SHA256 Foo=x, " + docSignedHeaders + ", " + docSig,
	"element without '='":         "TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders, " + docSig,
	"duplicate element":           "TC3-HMAC-SHA256 " + docCredential + ", " + docCredential + ", " + docSig,
	"lower-case element name":     "TC3-HMAC-SHA256 credential=" + docSecretID + "/2019-02-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"space before '='":            "TC3-HMAC-SHA256 Credential =" + docSecretID + "/2019-02-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"space after '='":             "TC3-HMAC-SHA256 Credential= " + docSecretID + "/2019-02-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"semicolons as separators":    "TC3-HMAC-SHA256 " + docCredential + "; " + docSignedHeaders + "; " + docSig,
	"Credential with 3 parts":     "TC3-HMAC-SHA256 Credential=" + docSecretID + "/2019-02-25/tc3_request, " + docSignedHeaders + ", " + docSig,
	"Credential with 5 parts":     "TC3-HMAC-SHA256 Credential=" + docSecretID + "/x/2019-02-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"Credential without scope":    "TC3-HMAC-SHA256 Credential=" + docSecretID + ", " + docSignedHeaders + ", " + docSig,
	"Credential not tc3_request":  "TC3-HMAC-SHA256 Credential=" + docSecretID + "/2019-02-25/cvm/tc3_requests, " + docSignedHeaders + ", " + docSig,
	"empty SecretId":              "TC3-HMAC-SHA256 Credential=/2019-02-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"SecretId with a space":       "TC3-HMAC-SHA256 Credential=AKID x/2019-02-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"SecretId not ASCII":          "TC3-HMAC-SHA256 Credential=AKIDé/2019-02-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"empty service":               "TC3-HMAC-SHA256 Credential=" + docSecretID + "/2019-02-25//tc3_request, " + docSignedHeaders + ", " + docSig,
	"bad date: compact":           "TC3-HMAC-SHA256 Credential=" + docSecretID + "/20190225/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"bad date: one-digit month":   "TC3-HMAC-SHA256 Credential=" + docSecretID + "/2019-2-25/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"bad date: February 30":       "TC3-HMAC-SHA256 Credential=" + docSecretID + "/2019-02-30/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"bad date: timestamp":         "TC3-HMAC-SHA256 Credential=" + docSecretID + "/1551113065/cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"bad date: empty":             "TC3-HMAC-SHA256 Credential=" + docSecretID + "//cvm/tc3_request, " + docSignedHeaders + ", " + docSig,
	"empty SignedHeaders":         "TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=, " + docSig,
	"upper-case signed header":    "TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=Content-Type;Host, " + docSig,
	"empty signed header name":    "TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=content-type;;host, " + docSig,
	"trailing ';' in headers":     "TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=content-type;host;, " + docSig,
	"space in signed headers":     "TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=content-type; host, " + docSig,
	"header name with ':'":        "TC3-HMAC-SHA256 " + docCredential + ", SignedHeaders=content-type:host, " + docSig,
	"signature 63 hex":            "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=" + docSignature[:63],
	"signature 62 hex":            "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=" + docSignature[:62],
	"signature 66 hex":            "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=" + docSignature + "00",
	"signature 65 hex":            "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=" + docSignature + "0",
	"signature not hex":           "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=" + strings.Repeat("g", 64),
	"signature empty":             "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=",
	"signature base64 (v1 style)": "TC3-HMAC-SHA256 " + docCredential + ", " + docSignedHeaders + ", Signature=EliP9YW3pW28FpsEdkXt/+WcGeI=",
	"v1 parameters":               "SecretId=" + docSecretID + "&Signature=EliP9YW3pW28FpsEdkXt%2f%2bWcGeI%3d",
	"Bearer token":                "Bearer abc.def.ghi",
}

func TestParseAuthorizationMalformed(t *testing.T) {
	for name, h := range malformedAuthorizations {
		t.Run(name, func(t *testing.T) {
			a, err := signing.ParseAuthorization(h)
			require.Error(t, err)
			assert.True(t, errors.Is(err, signing.ErrMalformedAuthorization), "error wraps ErrMalformedAuthorization: %v", err)
			assert.Equal(t, signing.Authorization{}, a, "no partial result")
			assert.NotContains(t, err.Error(), docSignature, "the error does not echo the signature")
			assert.NotContains(t, err.Error(), "\n", "one-line error")
			if reason, ok := malformedReasons[name]; ok {
				assert.Contains(t, err.Error(), reason, "the error says why")
			}
		})
	}
}

// malformedReasons: for cases that more than one rule would reject, the rule that
// must answer first, by a word of its message.
var malformedReasons = map[string]string{
	"duplicate element":     "given twice",
	"signature 62 hex":      "64 hex digits",
	"signature 66 hex":      "64 hex digits",
	"signature 63 hex":      "64 hex digits",
	"signature not hex":     "not hex",
	"empty SignedHeaders":   "SignedHeaders is empty",
	"bad date: February 30": "YYYY-MM-DD",
}
