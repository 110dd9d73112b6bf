package sdkmutants

// DriverPython gates the official Python SDK (tencentcloud-sdk-python) through its
// adapter, drivers/python (DRIVERS.md), installed by drivers/python/install. A broken
// Python SDK is a copy of the venv's tencentcloud package with the edits made, put first
// on the adapter's PYTHONPATH (python.go).
const DriverPython = "python"

// The Python SDK's files the edits touch, from site-packages.
const (
	pyAbstract = "tencentcloud/common/abstract_client.py"
	pyRetry    = "tencentcloud/common/retry.py"
	pyProfile  = "tencentcloud/common/profile/client_profile.py"
	pyCiam     = "tencentcloud/ciam/v20220331/ciam_client.py"
	pyModels   = "tencentcloud/ciam/v20220331/models.py"
)

// pyRetryFixed is the upstream fix of the StandardRetryer (SDK-FINDINGS.md, Python F1:
// err is never reset, so a success after a RequestLimitExceeded is retried and the first
// error raised). The retry SDKs below break a fixed retryer, else the known failure would
// hide them; pythonLedgerFixes drops that failure from their ledger.
var pyRetryFixed = Edit{pyRetry, "            try:\n                resp = fn()\n", "            err = None\n            try:\n                resp = fn()\n"}

// pythonRetryScenario is the case id of the known failure F1 causes
// (drivers/python/known-failures.json).
const pythonRetryScenario = "R1-sdk-retry-on"

// pythonLedgerFixes names, for a broken Python SDK, the scenarios of the adapter's
// known-failure ledger that its edits change the outcome of: they are left out of the
// ledger of its runs, so that they are judged.
func pythonLedgerFixes() map[string][]string {
	return map[string][]string{
		"python-retry-fixed":        {pythonRetryScenario},
		"python-retry-never-starts": {pythonRetryScenario},
		"python-retry-never-stops":  {pythonRetryScenario},
	}
}

func pythonCatalogue() []Broken {
	py := DriverPython
	return []Broken{
		{Name: "python-unpatched", Driver: py, Break: "none: a copy of the venv's tencentcloud package, first on the adapter's PYTHONPATH (with its known-failure ledger)"},
		{Name: "python-payload-hash-empty", Driver: py, Rows: []string{"A1"},
			Break: "TC3: hashes the empty payload, whatever body it sends",
			Edits: []Edit{{pyAbstract, "payload_hash = hashlib.sha256(payload).hexdigest()", `payload_hash = hashlib.sha256(b"").hexdigest()`}}},
		{Name: "python-signed-query-sorted", Driver: py, Rows: []string{"T2"},
			Break: "TC3 GET: signs the query sorted, and sends it in field order",
			Edits: []Edit{{pyAbstract, "            canonical_querystring = req.data\n", "            canonical_querystring = \"&\".join(sorted(req.data.split(\"&\")))\n"}}},
		{Name: "python-action-lowercase", Driver: py, Rows: []string{"T6", "S1"},
			Break: "TC3: sends X-TC-Action in lower case (listjobs)",
			Edits: []Edit{{pyAbstract, "        req.header[\"Host\"] = endpoint\n        req.header[\"X-TC-Action\"] = action[0].upper() + action[1:]\n        req.header[\"X-TC-RequestClient\"] = self.request_client\n        req.header[\"X-TC-Timestamp\"] = str(timestamp)\n        req.header[\"X-TC-Version\"] = self._apiVersion\n        if self.profile.unsignedPayload is True:\n            req.header[\"X-TC-Content-SHA256\"] = \"UNSIGNED-PAYLOAD\"\n        if self.region:\n            req.header['X-TC-Region'] = self.region\n        if cred_token:",
				"        req.header[\"Host\"] = endpoint\n        req.header[\"X-TC-Action\"] = action.lower()\n        req.header[\"X-TC-RequestClient\"] = self.request_client\n        req.header[\"X-TC-Timestamp\"] = str(timestamp)\n        req.header[\"X-TC-Version\"] = self._apiVersion\n        if self.profile.unsignedPayload is True:\n            req.header[\"X-TC-Content-SHA256\"] = \"UNSIGNED-PAYLOAD\"\n        if self.region:\n            req.header['X-TC-Region'] = self.region\n        if cred_token:"}}},
		{Name: "python-version-other", Driver: py, Rows: []string{"T6", "S1"},
			Break: "the ciam client sends X-TC-Version 2021-03-31",
			Edits: []Edit{{pyCiam, "_apiVersion = '2022-03-31'", "_apiVersion = '2021-03-31'"}}},
		// (Counting from 1, JobIds.1, JobIds.2 ..., is no break the suite can see: the
		// reference reads JobIds.N indices in any order and with gaps, emulator/doc.go.)
		{Name: "python-get-jobids-brackets", Driver: py, Rows: []string{"T2", "S2"},
			Break: "GET and signature v1: flattens JobIds as JobIds[0], JobIds[1] ...",
			Edits: []Edit{{pyAbstract, `key = "{0}.{1}".format(prefix, idx)`, `key = "{0}[{1}]".format(prefix, idx)`}}},
		{Name: "python-error-code-lost", Driver: py, Rows: []string{"T7"},
			Break: "the error parser drops Error.Code: every API error is raised with an empty code",
			Edits: []Edit{{pyAbstract, `code = data["Response"]["Error"]["Code"]`, `code = ""`}}},
		{Name: "python-error-requestid-lost", Driver: py, Rows: []string{"T8"},
			Break: "the error parser drops the RequestId: every API error is raised with an empty one",
			Edits: []Edit{{pyAbstract, `reqid = data["Response"]["RequestId"]`, `reqid = ""`}}},
		{Name: "python-jobset-drops-last", Driver: py, Rows: []string{"S1", "S2"},
			Break: "the decoder drops the last job of every JobSet",
			Edits: []Edit{{pyModels, `for item in params.get("JobSet"):`, `for item in params.get("JobSet")[:-1]:`}}},
		{Name: "python-jobset-null-fails", Driver: py, Rows: []string{"S5"},
			Break: `the decoder iterates "JobSet": null (a TypeError the client wraps as its own error)`,
			Edits: []Edit{{pyModels, `if params.get("JobSet") is not None:`, `if "JobSet" in params:`}}},
		{Name: "python-retry-never-starts", Driver: py, Rows: []string{"R1"},
			Break: "the (fixed) StandardRetryer does not retry RequestLimitExceeded",
			Edits: []Edit{pyRetryFixed, {pyRetry, `"ClientNetworkError", "ServerNetworkError", "RequestLimitExceeded",`, `"ClientNetworkError", "ServerNetworkError",`}}},
		{Name: "python-retry-never-stops", Driver: py, Rows: []string{"R1"},
			Break: "the StandardRetryer (err never reset, as released) ignores max_attempts: after a RequestLimitExceeded it retries for ever",
			Edits: []Edit{{pyRetry, "for n in range(self._max_attempts):", "for n in iter(int, 1):"}}},
		{Name: "python-retry-fixed", Driver: py, Equivalent: "the upstream fix of F1 (err reset before each try): the SDK's own rate-limit retry then does what R1 asks of it",
			Break: "StandardRetryer.send_request resets err before each try",
			Edits: []Edit{pyRetryFixed}},
		{Name: "python-post-compact-json", Driver: py, Equivalent: "A1: the endpoint verifies the body as it arrived, and JSON white space is not part of the contract",
			Break: "TC3 POST: writes the body without spaces (separators \",\" and \":\") and signs that",
			Edits: []Edit{{pyAbstract, "            req.data = json.dumps(params)\n        elif content_type == _multipart_content:\n            boundary = uuid.uuid4().hex\n            req.header[\"Content-Type\"] = content_type + \"; boundary=\" + boundary\n            req.data = self._get_multipart_body(params, boundary, options)\n\n        service = self._service",
				"            req.data = json.dumps(params, separators=(\",\", \":\"))\n        elif content_type == _multipart_content:\n            boundary = uuid.uuid4().hex\n            req.header[\"Content-Type\"] = content_type + \"; boundary=\" + boundary\n            req.data = self._get_multipart_body(params, boundary, options)\n\n        service = self._service"}}},
		{Name: "python-language-en-us", Driver: py, Equivalent: "T4: X-TC-Language is optional and T7 never compares the wording of Message",
			Break: "the client's default language is en-US instead of zh-CN",
			Edits: []Edit{{pyProfile, `language="zh-CN"`, `language="en-US"`}}},
	}
}
