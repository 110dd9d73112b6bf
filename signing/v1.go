package signing

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// V1 signature methods (§1.7). HmacSHA1 is the default when SignatureMethod is absent.
const (
	HmacSHA1   = "HmacSHA1"
	HmacSHA256 = "HmacSHA256"
)

// V1StringToSign is METHOD + host + path + "?" + the parameters other than Signature,
// sorted by name in ASCII order and joined as raw (not URL-encoded) k=v with "&".
func V1StringToSign(method, host, path string, params url.Values) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, 0, len(keys))
	for _, k := range keys {
		pairs = append(pairs, k+"="+params.Get(k))
	}
	return method + host + path + "?" + strings.Join(pairs, "&")
}

// SignV1 is Base64(HMAC(secretKey, stringToSign)) with SHA-1 or SHA-256 as method names.
func SignV1(secretKey, method, stringToSign string) (string, error) {
	var h func() hash.Hash
	switch method {
	case HmacSHA1, "":
		h = sha1.New
	case HmacSHA256:
		h = sha256.New
	default:
		return "", fmt.Errorf("signature v1: unknown SignatureMethod %q", method)
	}
	m := hmac.New(h, []byte(secretKey))
	m.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// VerifyV1 reports whether params carry a valid v1 Signature for the request line.
func VerifyV1(secretKey, method, host, path string, params url.Values) bool {
	want, err := SignV1(secretKey, params.Get("SignatureMethod"), V1StringToSign(method, host, path, params))
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(want), []byte(params.Get("Signature")))
}

// SignV1Params signs params with signature v1 for a request to method host path, as the
// official Go SDK does: it sets SecretId, Timestamp, Nonce, SignatureMethod and Token,
// then Signature, over every other parameter already in params (Action, Version,
// Region, the business parameters...). An empty signatureMethod means HmacSHA1 and
// leaves SignatureMethod out, as the doc allows; an empty cred.Token leaves Token out.
// A SignatureMethod, Token or Signature already in params is replaced or removed, so the
// result always matches the arguments (Signature is never part of what is signed). Only an unknown signatureMethod is an error.
func SignV1Params(params url.Values, cred Credential, method, host, path, signatureMethod string, timestamp int64, nonce int) error {
	if _, err := SignV1("", signatureMethod, ""); err != nil {
		return err
	}
	params.Set("SecretId", cred.SecretID)
	params.Set("Timestamp", strconv.FormatInt(timestamp, 10))
	params.Set("Nonce", strconv.Itoa(nonce))
	setOrDel(params, "SignatureMethod", signatureMethod)
	setOrDel(params, "Token", cred.Token)
	sig, err := SignV1(cred.SecretKey, signatureMethod, V1StringToSign(method, host, path, params))
	if err != nil {
		return err
	}
	params.Set("Signature", sig)
	return nil
}

func setOrDel(params url.Values, key, value string) {
	if value == "" {
		params.Del(key)
		return
	}
	params.Set(key, value)
}
