package signing

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type tc3Vector struct {
	Name                   string            `json:"name"`
	SecretID               string            `json:"secretId"`
	SecretKey              string            `json:"secretKey"`
	Service                string            `json:"service"`
	Method                 string            `json:"method"`
	Query                  string            `json:"query"`
	Timestamp              int64             `json:"timestamp"`
	Headers                map[string]string `json:"headers"`
	SignedHeaders          string            `json:"signedHeaders"`
	Payload                string            `json:"payload"`
	HashedCanonicalRequest string            `json:"hashedCanonicalRequest"`
	Signature              string            `json:"signature"`
	Authorization          string            `json:"authorization"`
	Intermediate           *struct {
		SecretDate, SecretService, SecretSigning string
	} `json:"intermediate"`
}

type v1Vector struct {
	Name            string `json:"name"`
	SecretKey       string `json:"secretKey"`
	StringToSign    string `json:"stringToSign"`
	SignatureMethod string `json:"signatureMethod"`
	Signature       string `json:"signature"`
}

func loadVectors(t *testing.T) (tc3 []tc3Vector, v1 []v1Vector) {
	t.Helper()
	raw, err := os.ReadFile("../testdata/tc3-vectors.json")
	require.NoError(t, err)
	var doc struct {
		TC3 []tc3Vector `json:"tc3"`
		V1  []v1Vector  `json:"v1"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.NotEmpty(t, doc.TC3)
	require.NotEmpty(t, doc.V1)
	return doc.TC3, doc.V1
}

func vectorRequest(t *testing.T, v tc3Vector) *http.Request {
	t.Helper()
	url := "https://" + v.Headers["Host"] + "/"
	if v.Query != "" {
		url += "?" + v.Query
	}
	r, err := http.NewRequest(v.Method, url, bytes.NewReader([]byte(v.Payload)))
	require.NoError(t, err)
	for k, val := range v.Headers {
		if k != "Host" {
			r.Header.Set(k, val)
		}
	}
	return r
}

func TestTC3Vectors(t *testing.T) {
	vectors, _ := loadVectors(t)
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			r := vectorRequest(t, v)
			names := bytes.Split([]byte(v.SignedHeaders), []byte(";"))
			var signed []string
			for _, n := range names {
				signed = append(signed, string(n))
			}
			canonical := CanonicalRequest(v.Method, v.Query, RequestHeader(r), signed, HashHex([]byte(v.Payload)))
			assert.Equal(t, v.HashedCanonicalRequest, HashHex([]byte(canonical)), "hashed canonical request")

			date := Date(v.Timestamp)
			if v.Intermediate != nil {
				secretDate := hmacSHA256([]byte("TC3"+v.SecretKey), date)
				assert.Equal(t, v.Intermediate.SecretDate, hex.EncodeToString(secretDate))
				assert.Equal(t, v.Intermediate.SecretSigning, hex.EncodeToString(SigningKey(v.SecretKey, date, v.Service)))
			}

			Sign(r, []byte(v.Payload), Credential{SecretID: v.SecretID, SecretKey: v.SecretKey}, v.Service, v.Timestamp, signed)
			auth, err := ParseAuthorization(r.Header.Get("Authorization"))
			require.NoError(t, err)
			assert.Equal(t, v.Signature, auth.Signature)
			if v.Authorization != "" {
				assert.Equal(t, v.Authorization, r.Header.Get("Authorization"))
			}
			assert.True(t, Verify(r, []byte(v.Payload), v.SecretKey, auth, v.Timestamp), "verify accepts its own signature")
			assert.False(t, Verify(r, []byte(v.Payload+" "), v.SecretKey, auth, v.Timestamp), "verify rejects a changed body")
			assert.False(t, Verify(r, []byte(v.Payload), v.SecretKey+"x", auth, v.Timestamp), "verify rejects another key")
			assert.False(t, Verify(r, []byte(v.Payload), v.SecretKey, auth, v.Timestamp+1), "verify rejects another timestamp")
		})
	}
}

func TestV1Vectors(t *testing.T) {
	_, vectors := loadVectors(t)
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			got, err := SignV1(v.SecretKey, v.SignatureMethod, v.StringToSign)
			require.NoError(t, err)
			assert.Equal(t, v.Signature, got)
		})
	}
}
