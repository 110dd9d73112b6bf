// Package sdkmutants measures the power of the suite as an SDK release gate: it runs the
// suite through broken copies of the official SDKs and reports whether the suite failed
// on each (cmd/sdk-mutation, make sdk-mutation).
//
// A broken SDK is one deliberate change to a copy of an official SDK, made at run time:
// the Go SDK's module (driver.SDKModule, the version of go.mod, from the module cache),
// swapped in for --driver sdk with a replace directive, and the Node.js SDK's package
// (drivers/node/node_modules/tencentcloud-sdk-nodejs), run through a copy of the Node
// adapter. The change is a few search/replace edits of named files, written here as
// data; a search text that is not found exactly once is an error (the SDK moved), never a
// silent pass. Each breaking SDK names the contract rows whose checks must fail on it;
// each equivalent one makes a change the contract allows, and the suite must pass on it;
// the unpatched copy of each SDK is the control, which must pass.
package sdkmutants

import (
	"slices"

	"github.com/ciam-harness/listjobs/driver"
)

// Edit is one search/replace of an SDK file: Search must occur exactly once in File (a
// slash-separated path from the SDK's root: the Go module's, the npm package's).
type Edit struct {
	File    string `json:"file"`
	Search  string `json:"search"`
	Replace string `json:"replace"`
}

// Broken is one broken (or equivalent) SDK of the catalogue.
type Broken struct {
	Name string `json:"name"`
	// Driver is the --driver the SDK is gated through: driver.NameSDK (the Go SDK) or
	// NodeDriver (the Node.js SDK's adapter).
	Driver string `json:"driver"`
	// Rows are the contract rows whose checks must fail on it: it is killed when a
	// failure is blamed on one of them. None for an equivalent SDK and the control. A
	// client that sends another action or version is caught by the ordinary listings
	// (T6, S1), not by P1 and P2, whose scenarios send other values on purpose.
	Rows []string `json:"rows,omitempty"`
	// Break says what the change does, as a user of the SDK would see it.
	Break string `json:"break"`
	// Equivalent, when set, says why the contract allows the change: the suite must pass.
	Equivalent string `json:"equivalent,omitempty"`
	// Edits are the change; none for the control (the unpatched copy).
	Edits []Edit `json:"edits,omitempty"`
}

// NodeDriver is the --driver of the Node.js SDK's adapter; NodeAdapter its script, from
// the repository's root.
const (
	NodeDriver  = "node"
	NodeAdapter = "drivers/node/adapter.js"
)

// Control tells whether b is the unpatched copy of its SDK.
func (b Broken) Control() bool { return len(b.Edits) == 0 }

// Catalogue returns the broken SDKs, the controls first. Every entry is built fresh.
func Catalogue() []Broken {
	return slices.Concat(goCatalogue(), nodeCatalogue(), pythonCatalogue(), tccliCatalogue(), javaCatalogue())
}

// The Go SDK's files the edits touch (github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common).
const (
	goClient    = "client.go"
	goRequest   = "http/request.go"
	goResponse  = "http/response.go"
	goDecode    = "json/decode.go"
	goRateLimit = "ratelimitretry.go"
)

func goCatalogue() []Broken {
	sdk := driver.NameSDK
	return []Broken{
		{Name: "go-unpatched", Driver: sdk, Break: "none: the copy of the module as go.mod pins it, swapped in by the same replace"},
		{Name: "go-payload-hash-empty", Driver: sdk, Rows: []string{"A1"},
			Break: "TC3: hashes the empty payload for a POST, whose body it sends",
			Edits: []Edit{{goClient, "\t\thashedRequestPayload = sha256hex(requestPayload)\n", "\t\thashedRequestPayload = sha256hex(\"\")\n"}}},
		{Name: "go-signed-host", Driver: sdk, Rows: []string{"A1"},
			Break: "TC3: signs the service's default host (ciam.tencentcloudapi.com), not the Host it sends",
			Edits: []Edit{{goClient, `canonicalHeaders := fmt.Sprintf("content-type:%s\nhost:%s\n", headers["Content-Type"], headers["Host"])`,
				`canonicalHeaders := fmt.Sprintf("content-type:%s\nhost:%s\n", headers["Content-Type"], request.GetServiceDomain(request.GetService()))`}}},
		{Name: "go-scope-date-yesterday", Driver: sdk, Rows: []string{"A1"},
			Break: "TC3: the credential scope's date (and the key derived from it) is the day before the timestamp's",
			Edits: []Edit{{goClient, `date := t.Format("2006-01-02")`, `date := t.AddDate(0, 0, -1).Format("2006-01-02")`}}},
		{Name: "go-timestamp-8h-ahead", Driver: sdk, Rows: []string{"A1"},
			Break: "X-TC-Timestamp 8 hours ahead (UTC+8 local time taken for UTC)",
			Edits: []Edit{{goRequest, `params["Timestamp"] = strconv.FormatInt(time.Now().Unix(), 10)`,
				`params["Timestamp"] = strconv.FormatInt(time.Now().Add(8*time.Hour).Unix(), 10)`}}},
		{Name: "go-version-other", Driver: sdk, Rows: []string{"T6", "S1"},
			Break: "sends X-TC-Version 2017-03-12 (another service's), whatever version its caller gives",
			Edits: []Edit{{goRequest, "func (r *BaseRequest) GetVersion() string {\n\treturn r.version\n", "func (r *BaseRequest) GetVersion() string {\n\treturn \"2017-03-12\"\n"}}},
		{Name: "go-action-lowercase", Driver: sdk, Rows: []string{"T6", "S1"},
			Break: "sends the action in lower case (listjobs)",
			Edits: []Edit{{goRequest, "func (r *BaseRequest) GetAction() string {\n\treturn r.action\n", "func (r *BaseRequest) GetAction() string {\n\treturn strings.ToLower(r.action)\n"}}},
		{Name: "go-error-code-lost", Driver: sdk, Rows: []string{"T7"},
			Break: "the error parser drops Error.Code: every API error is raised with an empty code",
			Edits: []Edit{{goResponse, "return errors.NewTencentCloudSDKError(errResp.Response.Error.Code, errResp.Response.Error.Message, errResp.Response.RequestId)",
				"return errors.NewTencentCloudSDKError(\"\", errResp.Response.Error.Message, errResp.Response.RequestId)"}}},
		{Name: "go-error-requestid-lost", Driver: sdk, Rows: []string{"T8"},
			Break: "the error parser drops the RequestId of an error",
			Edits: []Edit{{goResponse, "return errors.NewTencentCloudSDKError(errResp.Response.Error.Code, errResp.Response.Error.Message, errResp.Response.RequestId)",
				"return errors.NewTencentCloudSDKError(errResp.Response.Error.Code, errResp.Response.Error.Message, \"\")"}}},
		{Name: "go-null-member-error", Driver: sdk, Rows: []string{"S5", "J5", "J6", "J7", "J8"},
			Break: `the JSON decoder refuses a null member ("JobSet": null, "Format": null...) as a type error`,
			Edits: []Edit{{goDecode, "\t\tm[key] = vi\n", "\t\tif vi == nil {\n\t\t\treturn nil, &UnmarshalTypeError{Value: \"null\", Type: reflect.TypeOf(m), Field: key}\n\t\t}\n\t\tm[key] = vi\n"}}},
		{Name: "go-array-drops-last", Driver: sdk, Rows: []string{"S1", "S2"},
			Break: "the JSON decoder drops the last element of an array of two or more: a job of every listing",
			Edits: []Edit{{goDecode, "\treturn v, nil\n}\n\n// objectInterface is like object", "\tif len(v) > 1 {\n\t\tv = v[:len(v)-1]\n\t}\n\treturn v, nil\n}\n\n// objectInterface is like object"}}},
		{Name: "go-ratelimit-retry-never-starts", Driver: sdk, Rows: []string{"R1"},
			Break: "RateLimitExceededMaxRetries is ignored: RequestLimitExceeded is never retried",
			Edits: []Edit{{goRateLimit, "err.Code == codeLimitExceeded && idx < maxRetries {", "err.Code == codeLimitExceeded && idx < 0 {"}}},
		// The SDK's back-off sleeps deaf to the run's cancellation; the sdk driver gives
		// up on a call that outlives its budget (driver.sdkBudget), so this one fails its
		// scenarios instead of hanging the run.
		{Name: "go-ratelimit-retry-never-stops", Driver: sdk, Rows: []string{"R1"},
			Break: "RequestLimitExceeded is retried whatever RateLimitExceededMaxRetries says, with no end",
			Edits: []Edit{
				{goRateLimit, "for idx := 0; idx <= maxRetries; idx++ {", "for idx := 0; ; idx++ {"},
				{goRateLimit, "err.Code == codeLimitExceeded && idx < maxRetries {", "err.Code == codeLimitExceeded {"},
			}},
		// A retry past its bound by one.
		{Name: "go-ratelimit-retry-past-max", Driver: sdk, Rows: []string{"R1"},
			Break: "RequestLimitExceeded is retried once more than RateLimitExceededMaxRetries says (so once with 0)",
			Edits: []Edit{
				{goRateLimit, "for idx := 0; idx <= maxRetries; idx++ {", "for idx := 0; idx <= maxRetries+1; idx++ {"},
				{goRateLimit, "err.Code == codeLimitExceeded && idx < maxRetries {", "err.Code == codeLimitExceeded && idx < maxRetries+1 {"},
			}},
		{Name: "go-request-client-renamed", Driver: sdk,
			Break:      "X-TC-RequestClient says SDK_GO_COPY instead of SDK_GO_1.3.212",
			Equivalent: "T4: the endpoint ignores an X-TC-* header it does not need; the contract says nothing of X-TC-RequestClient",
			Edits:      []Edit{{goRequest, `params["RequestClient"] = "SDK_GO_1.3.212"`, `params["RequestClient"] = "SDK_GO_COPY"`}}},
		{Name: "go-body-indented", Driver: sdk,
			Break:      "TC3 POST: the JSON body is indented (and signed as sent)",
			Equivalent: "T1, A1: any JSON object is a body, and the signature covers the bytes sent",
			Edits: []Edit{{goClient, "\t// Request Payload (for POST requests).\n\trequestPayload := \"\"\n\tif httpRequestMethod == \"POST\" {\n\t\tif isOctetStream {\n\t\t\t// todo Conversion comparison between string and []byte affects performance much\n\t\t\trequestPayload = string(octetStreamBody)\n\t\t} else {\n\t\t\tb, err := json.Marshal(request)\n",
				"\t// Request Payload (for POST requests).\n\trequestPayload := \"\"\n\tif httpRequestMethod == \"POST\" {\n\t\tif isOctetStream {\n\t\t\t// todo Conversion comparison between string and []byte affects performance much\n\t\t\trequestPayload = string(octetStreamBody)\n\t\t} else {\n\t\t\tb, err := json.MarshalIndent(request, \"\", \"  \")\n"}}},
	}
}

// The Node.js SDK's files the edits touch (tencentcloud-sdk-nodejs).
const (
	nodeAbstract = "tencentcloud/common/abstract_client.js"
	nodeHTTP     = "tencentcloud/common/http/http_connection.js"
	nodeSign     = "tencentcloud/common/sign.js"
	nodeCiam     = "tencentcloud/services/ciam/v20220331/ciam_client.js"
)

// nodeReturn is where the Node SDK hands its caller the decoded Response.
const nodeReturn = "                    return data.Response;\n"

func nodeCatalogue() []Broken {
	node := NodeDriver
	return []Broken{
		{Name: "node-unpatched", Driver: node, Break: "none: a copy of the installed package, through a copy of the adapter"},
		{Name: "node-payload-hash-empty", Driver: node, Rows: []string{"A1"},
			Break: "TC3: hashes the empty payload, whatever body it sends",
			Edits: []Edit{{nodeSign, `payload_hash = payload ? getHash(hashMessage) : getHash("");`, `payload_hash = getHash("");`}}},
		{Name: "node-payload-hash-with-nulls", Driver: node, Rows: []string{"P10"},
			Break: "TC3 POST: hashes the parameters before it removes their null members, and sends them without",
			Edits: []Edit{
				{nodeHTTP, "        data = deepRemoveNull(data);\n", "        const signedData = data;\n        data = deepRemoveNull(data);\n"},
				{nodeHTTP, "            payload = data;\n", "            payload = signedData;\n"},
			}},
		{Name: "node-scope-service", Driver: node, Rows: []string{"A1"},
			Break: "TC3: the credential scope's service is the endpoint's second DNS label (tencentcloudapi)",
			Edits: []Edit{{nodeAbstract, `service: this.endpoint.split(".")[0],`, `service: this.endpoint.split(".")[1],`}}},
		{Name: "node-signed-host-origin", Driver: node, Rows: []string{"A1"},
			Break: "TC3: signs the URL's origin (http://host:port) as the host",
			Edits: []Edit{{nodeSign, "headers += `host:${urlObj.hostname}\\n`;", "headers += `host:${urlObj.origin}\\n`;"}}},
		{Name: "node-timestamp-8h-ahead", Driver: node, Rows: []string{"A1"},
			Break: "TC3: X-TC-Timestamp 8 hours ahead (UTC+8 local time taken for UTC)",
			Edits: []Edit{{nodeHTTP, "const timestamp = parseInt(String(new Date().getTime() / 1000));", "const timestamp = parseInt(String(new Date().getTime() / 1000)) + 8 * 3600;"}}},
		{Name: "node-version-other", Driver: node, Rows: []string{"T6", "S1"},
			Break: "the ciam client sends X-TC-Version 2021-03-31",
			Edits: []Edit{{nodeCiam, `super("ciam.tencentcloudapi.com", "2022-03-31", clientConfig);`, `super("ciam.tencentcloudapi.com", "2021-03-31", clientConfig);`}}},
		{Name: "node-action-lowercase", Driver: node, Rows: []string{"T6", "S1"},
			Break: "TC3: sends X-TC-Action in lower case (listjobs)",
			Edits: []Edit{{nodeHTTP, `"X-TC-Action": action,`, `"X-TC-Action": action.toLowerCase(),`}}},
		{Name: "node-error-code-lost", Driver: node, Rows: []string{"T7"},
			Break: "the error parser reads Error.code (a typo): every API error has no code",
			Edits: []Edit{{nodeAbstract, "tcError.code = data.Response.Error.Code;", "tcError.code = data.Response.Error.code;"}}},
		{Name: "node-error-requestid-swapped", Driver: node, Rows: []string{"T8"},
			Break: "the error parser swaps the exception's requestId and traceId arguments: an error's RequestId is the X-TC-TraceId response header's",
			Edits: []Edit{{nodeAbstract, "(data.Response.Error.Message, data.Response.RequestId, traceId)", "(data.Response.Error.Message, traceId, data.Response.RequestId)"}}},
		{Name: "node-null-members-dropped", Driver: node, Rows: []string{"S5", "J5", "J6"},
			Break: `the decoder drops every null member ("JobSet": null, "Format": null...) of the Response`,
			Edits: []Edit{{nodeAbstract, nodeReturn, "                    return JSON.parse(JSON.stringify(data.Response), (k, v) => (v === null ? undefined : v));\n"}}},
		{Name: "node-jobset-drops-last", Driver: node, Rows: []string{"S1", "S2"},
			Break: "the decoder drops the last job of a JobSet of two or more",
			Edits: []Edit{{nodeAbstract, nodeReturn, "                    if (Array.isArray(data.Response.JobSet) && data.Response.JobSet.length > 1) data.Response.JobSet.pop();\n" + nodeReturn}}},
		{Name: "node-request-client-renamed", Driver: node,
			Break:      "X-TC-RequestClient says SDK_NODEJS_COPY_4.1.313",
			Equivalent: "T4: the endpoint ignores an X-TC-* header it does not need; the contract says nothing of X-TC-RequestClient",
			Edits:      []Edit{{nodeAbstract, `this.sdkVersion = "SDK_NODEJS_" + sdk_version_1.sdkVersion;`, `this.sdkVersion = "SDK_NODEJS_COPY_" + sdk_version_1.sdkVersion;`}}},
		{Name: "node-signs-x-tc-action", Driver: node,
			Break:      "TC3: signs content-type;host;x-tc-action instead of content-type;host",
			Equivalent: "A1: any SignedHeaders list that holds content-type and host is accepted",
			Edits: []Edit{{nodeSign, "        signedHeaders += \";host\";\n",
				"        signedHeaders += \";host\";\n        headers += `x-tc-action:${String(configHeaders[\"X-TC-Action\"]).toLowerCase()}\\n`;\n        signedHeaders += \";x-tc-action\";\n"}}},
		{Name: "node-null-jobset-as-empty", Driver: node,
			Break:      `the decoder hands its caller "JobSet": [] for "JobSet": null`,
			Equivalent: "S5: an empty result may be [] or null",
			Edits:      []Edit{{nodeAbstract, nodeReturn, "                    if (data.Response.JobSet === null) data.Response.JobSet = [];\n" + nodeReturn}}},
	}
}
