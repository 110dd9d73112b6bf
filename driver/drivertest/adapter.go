// Package drivertest is an adapter of the protocol of DRIVERS.md written in Go, for
// tests: a test binary runs itself as the adapter (the helper-process pattern), in a
// mode that makes it a faithful client or a broken one. Nothing in it is an SDK: it
// signs and sends each intent with package signing.
package drivertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/signing"
)

// Env is the variable that makes a test binary an adapter: its value is the mode.
const Env = "LISTJOBS_TEST_ADAPTER"

// Main runs the adapter and exits when the test binary was started as one; call it
// first in TestMain.
func Main() {
	if mode := os.Getenv(Env); mode != "" {
		os.Exit(Run(mode))
	}
}

// Argv is the command that starts the running test binary as an adapter in mode.
func Argv(mode string) ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return []string{"env", Env + "=" + mode, exe}, nil
}

// Driver is the exec: driver name of Argv(mode).
func Driver(mode string) (string, error) {
	argv, err := Argv(mode)
	if err != nil {
		return "", err
	}
	return "exec:" + strings.Join(argv, " "), nil
}

// LeakedSecret is what a misbehaving adapter writes to stderr before its hello.
const LeakedSecret = "emuSecretKeyPrimaryAlice000000001"

type testIntent struct {
	ID         string `json:"id"`
	Credential struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token"`
	} `json:"credential"`
	Endpoint struct {
		Scheme string `json:"scheme"`
		Host   string `json:"host"`
		Port   int    `json:"port"`
	} `json:"endpoint"`
	Region, Method, SignMethod, Action, Version, Language string
	Headers                                               map[string]string
	Params                                                json.RawMessage
	Timeout                                               int `json:"timeoutSeconds"`
	Retries                                               int `json:"rateLimitExceededMaxRetries"`
}

// Run is an adapter of the protocol in mode, on this process's stdin and stdout; it
// returns the exit code. Modes: "ok" (signs and sends every intent, retrying on
// RequestLimitExceeded), "misreport" (another RequestId than the response's), "leak"
// (quotes the secrets), and the broken ones: "dead", "silent", "not-json",
// "protocol-9", "anonymous", "overlong" (before the hello), "die", "hang", "garbage",
// "unknown-id", "overlong-outcome" (after it).
func Run(mode string) int {
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	write := func(v any) {
		b, _ := json.Marshal(v)
		mu.Lock()
		defer mu.Unlock()
		out.Write(append(b, '\n'))
		out.Flush()
	}
	hello := map[string]any{"type": "hello", "protocol": 1, "adapter": "go-test", "sdk": "go-test-sdk", "sdkVersion": "0.0.1",
		"capabilities": map[string]any{"methods": []string{"GET", "POST"}, "signMethods": []string{"TC3-HMAC-SHA256"},
			"headers": []string{"X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language", "*"}, "retry": true, "nulls": true}}
	switch mode {
	case "dead":
		fmt.Fprintln(os.Stderr, "adapter: cannot load its SDK")
		return 7
	case "silent":
		time.Sleep(time.Minute)
		return 0
	case "not-json":
		fmt.Println("hello, harness")
		return 0
	case "protocol-9":
		hello["protocol"] = 9
	case "anonymous":
		delete(hello, "sdkVersion")
	case "overlong":
		fmt.Println(`{"type":"hello","pad":"` + strings.Repeat("x", 8192) + `"}`)
		return 0
	}
	write(hello)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	var wg sync.WaitGroup
	for in.Scan() {
		var it testIntent
		if err := json.Unmarshal(in.Bytes(), &it); err != nil {
			fmt.Fprintln(os.Stderr, "adapter: bad intent:", err)
			return 3
		}
		switch mode {
		case "die":
			return 3
		case "hang":
			continue
		case "garbage":
			fmt.Println("panic: something went wrong")
			continue
		case "unknown-id":
			write(map[string]any{"type": "outcome", "id": "999", "response": map[string]any{}})
			continue
		case "overlong-outcome":
			write(map[string]any{"type": "outcome", "id": it.ID, "error": map[string]any{"message": strings.Repeat("x", 8192)}})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			write(testCall(mode, it))
		}()
	}
	wg.Wait()
	return 0
}

// testCall signs and sends one intent (TC3, the host with its port), as an SDK would,
// retrying on RequestLimitExceeded up to Retries times, and reports its outcome.
func testCall(mode string, it testIntent) map[string]any {
	o := map[string]any{"type": "outcome", "id": it.ID}
	host := net.JoinHostPort(it.Endpoint.Host, strconv.Itoa(it.Endpoint.Port))
	cred := signing.Credential{SecretID: it.Credential.SecretID, SecretKey: it.Credential.SecretKey, Token: it.Credential.Token}
	var trips []map[string]any
	var resp map[string]any
	for try := 0; ; try++ {
		var body []byte
		u := it.Endpoint.Scheme + "://" + host + "/"
		if it.Method == http.MethodGet {
			u += "?" + testQuery(it.Params)
		} else {
			body = it.Params
		}
		r, _ := http.NewRequest(it.Method, u, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if it.Method == http.MethodGet {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range it.Headers {
			r.Header.Set(k, v)
		}
		r.Header.Set("X-TC-Action", it.Action)
		r.Header.Set("X-TC-Version", it.Version)
		if it.Region != "" {
			r.Header.Set("X-TC-Region", it.Region)
		}
		if it.Language != "" {
			r.Header.Set("X-TC-Language", it.Language)
		}
		signing.Sign(r, body, cred, "ciam", time.Now().Unix(), nil)
		trip := map[string]any{"method": it.Method, "url": u, "requestHeaders": r.Header, "requestBody": string(body)}
		trips = append(trips, trip)
		trip["start"] = float64(time.Now().UnixNano()) / 1e6
		res, err := (&http.Client{Timeout: time.Duration(it.Timeout) * time.Second}).Do(r)
		trip["end"] = float64(time.Now().UnixNano()) / 1e6
		if err != nil {
			trip["error"] = err.Error()
			o["error"] = map[string]any{"code": "", "message": err.Error()}
			break
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		trip["status"], trip["headers"], trip["body"] = res.StatusCode, res.Header, string(b)
		resp = nil
		if err := json.Unmarshal(b, &resp); err != nil {
			o["error"] = map[string]any{"code": "", "message": "the response is not JSON"}
			break
		}
		r2, _ := resp["Response"].(map[string]any)
		e, _ := r2["Error"].(map[string]any)
		if e == nil {
			if mode == "misreport" {
				r2["RequestId"] = "another-request-id"
			}
			o["response"] = r2
			break
		}
		if e["Code"] == "RequestLimitExceeded" && try < it.Retries {
			time.Sleep(time.Duration(1<<try) * time.Second)
			continue
		}
		msg := fmt.Sprint(e["Message"])
		if mode == "leak" {
			// What no adapter should do: quote the secrets in its errors and exchanges.
			msg += " (signed with " + cred.SecretKey + ", token " + cred.Token + ")"
			trip["url"] = u + "?Token=" + cred.Token + "&key=" + cred.SecretKey
		}
		o["error"] = map[string]any{"code": e["Code"], "message": msg, "requestId": r2["RequestId"]}
		break
	}
	if mode == "leak" && o["response"] != nil {
		delete(o, "response")
		o["error"] = map[string]any{"code": "", "message": "no luck with " + cred.SecretKey}
	}
	o["http"] = trips
	return o
}

// testQuery flattens the parameters into a query, as SDKs do for GET: strings as they
// are, arrays of strings as Name.N.
func testQuery(params json.RawMessage) string {
	var m map[string]any
	_ = json.Unmarshal(params, &m)
	v := url.Values{}
	for k, x := range m {
		switch x := x.(type) {
		case []any:
			for i, e := range x {
				v.Set(k+"."+strconv.Itoa(i), fmt.Sprint(e))
			}
		case nil:
		default:
			v.Set(k, fmt.Sprint(x))
		}
	}
	return v.Encode()
}
