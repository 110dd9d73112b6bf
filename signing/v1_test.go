package signing_test

import (
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/signing"
)

type docV1Vector struct {
	Name            string `json:"name"`
	SecretKey       string `json:"secretKey"`
	StringToSign    string `json:"stringToSign"`
	SignatureMethod string `json:"signatureMethod"`
	Signature       string `json:"signature"`
}

func loadV1Vectors(t *testing.T) []docV1Vector {
	t.Helper()
	raw, err := os.ReadFile("../testdata/tc3-vectors.json")
	require.NoError(t, err)
	var doc struct {
		V1 []docV1Vector `json:"v1"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.NotEmpty(t, doc.V1)
	return doc.V1
}

// TestSignV1ParamsDocVector rebuilds the doc's request parameters from the vector's
// string to sign, hands SecretId, Timestamp and Nonce to SignV1Params as arguments, and
// expects the doc's Signature.
func TestSignV1ParamsDocVector(t *testing.T) {
	for _, v := range loadV1Vectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			const method, host, path = "GET", "cvm.tencentcloudapi.com", "/"
			prefix := method + host + path + "?"
			require.True(t, strings.HasPrefix(v.StringToSign, prefix))
			params := url.Values{}
			for _, kv := range strings.Split(strings.TrimPrefix(v.StringToSign, prefix), "&") {
				k, val, ok := strings.Cut(kv, "=")
				require.True(t, ok, kv)
				params.Set(k, val)
			}
			secretID, ts, nonce := params.Get("SecretId"), params.Get("Timestamp"), params.Get("Nonce")
			timestamp, err := strconv.ParseInt(ts, 10, 64)
			require.NoError(t, err)
			n, err := strconv.Atoi(nonce)
			require.NoError(t, err)
			for _, k := range []string{"SecretId", "Timestamp", "Nonce"} {
				params.Del(k)
			}
			// The doc's example sends no SignatureMethod: HmacSHA1 by default.
			require.Equal(t, signing.HmacSHA1, v.SignatureMethod)
			require.Empty(t, params.Get("SignatureMethod"))

			cred := signing.Credential{SecretID: secretID, SecretKey: v.SecretKey}
			require.NoError(t, signing.SignV1Params(params, cred, method, host, path, "", timestamp, n))
			assert.Equal(t, v.Signature, params.Get("Signature"))
			assert.Equal(t, v.StringToSign, signing.V1StringToSign(method, host, path, params))
			assert.Equal(t, secretID, params.Get("SecretId"))
			assert.Equal(t, ts, params.Get("Timestamp"))
			assert.Equal(t, nonce, params.Get("Nonce"))
			assert.NotContains(t, params, "SignatureMethod")
			assert.NotContains(t, params, "Token")
			assert.True(t, signing.VerifyV1(v.SecretKey, method, host, path, params))
			// The doc gives the URL-encoded form of the signature too.
			assert.Contains(t, params.Encode(), "Signature="+url.QueryEscape(v.Signature))
		})
	}
}

func TestSignV1Params(t *testing.T) {
	base := func() url.Values {
		return url.Values{
			"Action": {"ListJobs"}, "Version": {"2022-03-31"}, "Region": {"ap-guangzhou"},
			"UserStoreId": {"us-1"}, "JobIds.0": {"j1"}, "JobIds.12": {"j12"}, "JobIds.2": {"j2"},
		}
	}
	const host = "ciam.tencentcloudapi.com"

	t.Run("methods", func(t *testing.T) {
		sigs := map[string]string{}
		for _, sm := range []string{"", signing.HmacSHA1, signing.HmacSHA256} {
			p := base()
			require.NoError(t, signing.SignV1Params(p, testCred, "POST", host, "/", sm, testTimestamp, 42))
			assert.Equal(t, sm, p.Get("SignatureMethod"))
			assert.True(t, signing.VerifyV1(testCred.SecretKey, "POST", host, "/", p), sm)
			want, err := signing.SignV1(testCred.SecretKey, sm, signing.V1StringToSign("POST", host, "/", p))
			require.NoError(t, err)
			assert.Equal(t, want, p.Get("Signature"))
			sigs[sm] = p.Get("Signature")
		}
		assert.NotEqual(t, sigs[signing.HmacSHA1], sigs[signing.HmacSHA256])
		assert.NotEqual(t, sigs[""], sigs[signing.HmacSHA1], "SignatureMethod=HmacSHA1 is itself signed")
		assert.Len(t, sigs[signing.HmacSHA256], 44, "base64 of 32 bytes")
		assert.Len(t, sigs[signing.HmacSHA1], 28, "base64 of 20 bytes")
	})

	t.Run("string to sign sorts in ASCII order", func(t *testing.T) {
		p := base()
		require.NoError(t, signing.SignV1Params(p, testCred, "GET", host, "/", signing.HmacSHA256, testTimestamp, 7))
		assert.Equal(t, "GETciam.tencentcloudapi.com/?Action=ListJobs&JobIds.0=j1&JobIds.12=j12&JobIds.2=j2&Nonce=7"+
			"&Region=ap-guangzhou&SecretId="+testCred.SecretID+"&SignatureMethod=HmacSHA256&Timestamp=1767225600"+
			"&UserStoreId=us-1&Version=2022-03-31",
			signing.V1StringToSign("GET", host, "/", p))
	})

	t.Run("token", func(t *testing.T) {
		p := base()
		cred := testCred
		cred.Token = "tok-1"
		require.NoError(t, signing.SignV1Params(p, cred, "GET", host, "/", signing.HmacSHA256, testTimestamp, 7))
		assert.Equal(t, "tok-1", p.Get("Token"))
		assert.True(t, signing.VerifyV1(cred.SecretKey, "GET", host, "/", p))
		p.Set("Token", "tok-2")
		assert.False(t, signing.VerifyV1(cred.SecretKey, "GET", host, "/", p), "the token is signed")
	})

	t.Run("stale parameters are replaced", func(t *testing.T) {
		p := base()
		p.Set("Signature", "stale")
		p.Set("SignatureMethod", signing.HmacSHA256)
		p.Set("Token", "stale-token")
		p.Set("SecretId", "stale-id")
		require.NoError(t, signing.SignV1Params(p, testCred, "GET", host, "/", "", testTimestamp, 7))
		assert.NotContains(t, p, "SignatureMethod")
		assert.NotContains(t, p, "Token")
		assert.Equal(t, testCred.SecretID, p.Get("SecretId"))
		assert.True(t, signing.VerifyV1(testCred.SecretKey, "GET", host, "/", p))
	})

	t.Run("altered parameters fail", func(t *testing.T) {
		p := base()
		require.NoError(t, signing.SignV1Params(p, testCred, "GET", host, "/", signing.HmacSHA1, testTimestamp, 7))
		for _, k := range []string{"Action", "UserStoreId", "JobIds.2", "Nonce", "Timestamp", "SecretId"} {
			q := cloneValues(p)
			q.Set(k, p.Get(k)+"1")
			assert.False(t, signing.VerifyV1(testCred.SecretKey, "GET", host, "/", q), k)
		}
		q := cloneValues(p)
		q.Set("SignatureMethod", signing.HmacSHA256)
		assert.False(t, signing.VerifyV1(testCred.SecretKey, "GET", host, "/", q), "another SignatureMethod")
		q.Set("SignatureMethod", "HmacMD5")
		assert.False(t, signing.VerifyV1(testCred.SecretKey, "GET", host, "/", q), "unknown SignatureMethod")
		assert.False(t, signing.VerifyV1(testCred.SecretKey, "GET", host, "/v2", p), "another path")
	})

	t.Run("unknown method", func(t *testing.T) {
		p := base()
		err := signing.SignV1Params(p, testCred, "GET", host, "/", "HmacMD5", testTimestamp, 7)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "HmacMD5")
		assert.Equal(t, base(), p, "params untouched on error")
	})
}
