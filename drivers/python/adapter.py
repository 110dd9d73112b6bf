#!/usr/bin/env python3
"""The conformance harness's adapter for the official Python SDK, tencentcloud-sdk-python.

The harness starts it (--driver exec:drivers/python/run) and speaks the protocol of
DRIVERS.md over stdin and stdout: a hello line first, then one outcome line for every
intent line, several in flight (a thread pool; stdout is written under a lock).

Each intent is sent as a Python user sends ListJobs:

    CiamClient(Credential(id, key, token), region, ClientProfile(
        httpProfile=HttpProfile(protocol="http", endpoint="HOST:PORT", reqMethod=...),
        signMethod=..., language=..., retryer=StandardRetryer(...))).ListJobs(req)

with req = models.ListJobsRequest() filled by req.from_json_string(json.dumps(params)).
An intent of another action or version goes through the SDK's CommonClient
(CommonClient("ciam", version, ...).call_json(action, params, headers=...)).

Pointing the SDK at host:port: the Python SDK signs for the client class's _service
("ciam"), not for the endpoint's first DNS label, so "127.0.0.1:PORT" is given as is;
it is the Host header and the signed host. The SDK (and requests under it) would send
through HTTP_PROXY / HTTPS_PROXY, so those are cleared from this process's environment.

What the SDK saw on the wire is recorded by a response hook on the requests.Session the
SDK's client holds (client.request.conn._session): it observes the PreparedRequest as
sent and the response as received, and changes nothing.

Secrets: every string this adapter writes (outcomes, stderr lines) is scrubbed of the
intent's secret key and token (raw and percent-encoded) and of any Signature= or
Token= value (a signature v1 GET URL or POST body holds both).
"""

import builtins
import concurrent.futures
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import warnings

# The SDK and requests read these at every call; the endpoint is reached directly.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
    os.environ.pop(_var, None)
    os.environ.pop(_var.lower(), None)

import tencentcloud  # noqa: E402  (after the proxy variables are cleared)
from tencentcloud.ciam.v20220331 import models  # noqa: E402
from tencentcloud.ciam.v20220331.ciam_client import CiamClient  # noqa: E402
from tencentcloud.common import credential  # noqa: E402
from tencentcloud.common.common_client import CommonClient  # noqa: E402
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException  # noqa: E402
from tencentcloud.common.profile.client_profile import ClientProfile  # noqa: E402
from tencentcloud.common.profile.http_profile import HttpProfile  # noqa: E402
from tencentcloud.common.retry import StandardRetryer  # noqa: E402

PROTOCOL = 1
ACTION = "ListJobs"
VERSION = "2022-03-31"
SERVICE = "ciam"
SDK_NAME = "tencentcloud-sdk-python"

# The parameters the typed ListJobsRequest holds (models.py ListJobsRequest.__init__).
TYPED_PARAMS = ("UserStoreId", "JobIds")

# Codes the SDK raises for errors of its own, not read from a response's Error.Code:
# a failed connection (http/request.py), an HTTP status other than 200
# (abstract_client.py _check_status), a bad setting (ClientError, ClientParamsError).
# The typed client also wraps any other exception under its class name
# (ciam_client.py ListJobs: TencentCloudSDKException(type(e).__name__, str(e))), see
# own_error.
SDK_OWN_CODES = frozenset({"ClientNetworkError", "ServerNetworkError", "ClientError", "ClientParamsError"})

REDACTED = "<redacted>"
_SIGNATURE = re.compile(r"(Signature=)[^&\s,\"']*")
_TOKEN_PARAM = re.compile(r"((?:^|[?&])Token=)[^&\s\"']*")

# Pool size: the rate-limit steps send bursts of up to 200 requests within a second;
# each call mostly waits on its socket, so threads rather than cores bound the burst.
WORKERS = 64


def sdk_versions():
    """The SDK's version as it reports itself, and the installed common package's.

    Both wheels ship tencentcloud/__init__.py; the one installed last wins, and its
    __version__ is what the SDK sends in X-TC-RequestClient (SDK_PYTHON_<version>).
    """
    common = ""
    try:
        from importlib import metadata

        common = metadata.version("tencentcloud-sdk-python-common")
    except Exception:  # metadata missing: report the module's version alone
        pass
    version = getattr(tencentcloud, "__version__", "unknown")
    if common and common != version:
        return "%s (common %s)" % (version, common)
    return version


def hello():
    return {
        "type": "hello",
        "protocol": PROTOCOL,
        "adapter": "python",
        "sdk": SDK_NAME,
        "sdkVersion": sdk_versions(),
        "runtime": "python %d.%d.%d" % sys.version_info[:3],
        "capabilities": {
            "methods": ["GET", "POST"],
            # abstract_client.py _build_req_inter: TC3, and signature v1 with either hash.
            "signMethods": ["TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"],
            # The region and language are client settings; another action or version
            # goes through CommonClient; any other header through request.headers.
            "headers": ["X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language", "*"],
            # client_profile.py refuses any other language (ClientError).
            "languages": ["zh-CN", "en-US"],
            # ClientProfile(retryer=StandardRetryer(...)) retries RequestLimitExceeded.
            "retry": True,
            # abstract_model.py _serialize leaves out every field that is None.
            "nulls": False,
        },
    }


class Scrubber(object):
    """Removes an intent's secret key and token, and any signature, from text."""

    def __init__(self, cred):
        secrets = []
        for key in ("secretKey", "token"):
            value = cred.get(key) if isinstance(cred, dict) else None
            if isinstance(value, str) and value:
                secrets.append(value)
                secrets.append(urllib.parse.quote_plus(value))
                secrets.append(urllib.parse.quote(value, safe=""))
        # Longest first, so that a secret that contains another is removed whole.
        self.secrets = sorted(set(s for s in secrets if s), key=len, reverse=True)
        # The forms a secret takes inside JSON text (quotes, backslashes escaped), for needed().
        self.in_json = [json.dumps(s, ensure_ascii=False)[1:-1] for s in self.secrets]

    def text(self, s):
        if isinstance(s, bytes):
            s = s.decode("utf-8", "replace")
        s = str(s)
        for secret in self.secrets + self.in_json:
            s = s.replace(secret, REDACTED)
        s = _SIGNATURE.sub(r"\1" + REDACTED, s)
        return _TOKEN_PARAM.sub(r"\1" + REDACTED, s)

    def needed(self, v):
        """Whether a JSON value holds anything value() would change (a fast test for large
        bodies: one dump and a few substring searches)."""
        text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
        return "Signature=" in text or "Token=" in text or any(secret in text for secret in self.secrets + self.in_json)

    def outcome(self, out):
        """Scrubs an outcome. The request side of its round trips and its error are always
        scrubbed; the response side (bodies, the decoded response: up to megabytes) only
        when it holds a secret or a signature, which a fast test tells."""
        out = dict(out)
        if "error" in out:
            out["error"] = self.value(out["error"])
        trips = []
        for t in out.get("http") or []:
            t = dict(t)
            for k in ("url", "requestHeaders", "requestBody", "error"):
                if k in t:
                    t[k] = self.value(t[k])
            for k in ("headers", "body"):
                if k in t and self.needed(t[k]):
                    t[k] = self.value(t[k])
            trips.append(t)
        if trips:
            out["http"] = trips
        if "response" in out and self.needed(out["response"]):
            out["response"] = self.value(out["response"])
        return out

    def value(self, v):
        """Scrubs every string in a JSON value (keys included)."""
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, dict):
            return {self.text(k): self.value(x) for k, x in v.items()}
        return v


def now_ms():
    return time.time() * 1000.0


class Recorder(object):
    """Records the round trips of one client's requests.Session through its response hook."""

    def __init__(self):
        self.trips = []

    def hook(self, resp, *args, **kwargs):
        end = now_ms()
        req = resp.request
        body = req.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        # The SDK reads with stream=True: reading the content here caches it on the
        # response, which the SDK then reads unchanged.
        content = resp.content
        end = max(end, now_ms())
        start = end - resp.elapsed.total_seconds() * 1000.0
        self.trips.append({
            "method": req.method,
            "url": req.url,
            "requestHeaders": {k: [str(v)] for k, v in req.headers.items()},
            "requestBody": body or "",
            "status": resp.status_code,
            "headers": header_lists(resp.raw.headers if resp.raw is not None else resp.headers),
            "body": content.decode("utf-8", "replace") if content else "",
            "start": start,
            "end": end,
        })
        return resp

    def attach(self, client):
        client.request.conn._session.hooks["response"].append(self.hook)


def header_lists(headers):
    """Turns response headers into {name: [values]}, repeated headers kept apart."""
    out = {}
    getlist = getattr(headers, "getlist", None)
    for k in headers.keys():
        if k in out:
            continue
        out[k] = [str(v) for v in getlist(k)] if getlist else [str(headers[k])]
    return out


class IntentError(Exception):
    """An intent the adapter cannot send: reported as an outcome error without a code."""


def require(intent, name, kind):
    if name not in intent:
        raise IntentError("the intent has no %r" % name)
    value = intent[name]
    if not isinstance(value, kind):
        raise IntentError("the intent's %r is not a %s" % (name, kind.__name__ if isinstance(kind, type) else "valid value"))
    return value


def endpoint_of(ep):
    """The SDK's endpoint setting, host:port, and its protocol."""
    if not isinstance(ep, dict):
        raise IntentError("the intent's 'endpoint' is not an object")
    scheme = ep.get("scheme")
    host = ep.get("host")
    port = ep.get("port")
    if scheme not in ("http", "https"):
        raise IntentError("the intent's endpoint scheme %r is neither http nor https" % (scheme,))
    if not isinstance(host, str) or not host:
        raise IntentError("the intent's endpoint has no host")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise IntentError("the intent's endpoint port %r is not a port number" % (port,))
    if ":" in host:  # an IPv6 address
        host = "[%s]" % host
    return scheme, "%s:%d" % (host, port)


def profile_of(intent, scheme, endpoint):
    method = require(intent, "method", str)
    sign_method = intent.get("signMethod") or "TC3-HMAC-SHA256"
    timeout = intent.get("timeoutSeconds") or 60
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        raise IntentError("the intent's 'timeoutSeconds' %r is not a positive integer" % (timeout,))
    http = HttpProfile(protocol=scheme, endpoint=endpoint, reqMethod=method, reqTimeout=timeout)
    ca = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    if scheme == "https" and ca:
        http.certification = ca  # the SDK otherwise trusts certifi's CAs only
    kwargs = {"httpProfile": http, "signMethod": sign_method}
    language = intent.get("language")
    if language:  # absent: the SDK's default, which is zh-CN (client_profile.py)
        kwargs["language"] = language
    retries = intent.get("rateLimitExceededMaxRetries") or 0
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise IntentError("the intent's 'rateLimitExceededMaxRetries' %r is not a count" % (retries,))
    if retries > 0:
        # max_attempts counts the first try; the default back-off is 2**n seconds.
        kwargs["retryer"] = StandardRetryer(max_attempts=retries + 1)
    return ClientProfile(**kwargs)


def credential_of(intent):
    cred = require(intent, "credential", dict)
    secret_id = cred.get("secretId")
    secret_key = cred.get("secretKey")
    token = cred.get("token") or None
    if not isinstance(secret_id, str) or not isinstance(secret_key, str):
        raise IntentError("the intent's credential has no secretId or secretKey string")
    if token is not None and not isinstance(token, str):
        raise IntentError("the intent's credential token is not a string")
    return credential.Credential(secret_id, secret_key, token)


def typed_request(params, headers):
    """A ListJobsRequest carrying params as a Python user can fill it."""
    unknown = [k for k in params if k not in TYPED_PARAMS]
    if unknown:
        raise IntentError(
            "the typed ListJobsRequest cannot carry the parameter%s %s: it has the fields %s only, "
            "and from_json_string drops any other with a warning"
            % ("s" if len(unknown) > 1 else "", ", ".join(sorted(unknown)), " and ".join(TYPED_PARAMS)))
    req = models.ListJobsRequest()
    req.from_json_string(json.dumps(params))
    if headers:
        req.headers = dict(headers)
    return req


def decoded(model):
    """What the SDK decoded of a success, as JSON: the model as the SDK itself renders it
    (to_json_string, allow_none=True). Every field of the model is there: a member the
    body lacked and one it held as null are both None to the caller, rendered null.
    """
    return model._serialize(allow_none=True)


def own_error(e):
    """Whether an SDK exception is one of the SDK's own, not the response's Error.Code."""
    code = e.code or ""
    if code in SDK_OWN_CODES:
        return True
    # The typed client wraps any other exception under its class name (KeyError for a
    # body without Response or RequestId, JSONDecodeError, TypeError ...), with no
    # RequestId; an error read from a response always has one (None only when the
    # body's was null, and then the code is still the body's).
    if e.requestId is not None:
        return False
    if code == "JSONDecodeError":
        return True
    cls = getattr(builtins, code, None)
    return isinstance(cls, type) and issubclass(cls, BaseException)


def call(intent):
    """Sends one intent through the SDK and returns its outcome (not yet scrubbed)."""
    out = {"type": "outcome", "id": intent["id"]}
    rec = Recorder()
    try:
        scheme, endpoint = endpoint_of(intent.get("endpoint"))
        profile = profile_of(intent, scheme, endpoint)
        cred = credential_of(intent)
        region = intent.get("region") or ""
        if not isinstance(region, str):
            raise IntentError("the intent's 'region' is not a string")
        action = intent.get("action") or ACTION
        version = intent.get("version") or VERSION
        params = intent.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise IntentError("the intent's 'params' is not a JSON object")
        headers = intent.get("headers") or {}
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise IntentError("the intent's 'headers' is not an object of strings")
        if action == ACTION and version == VERSION:
            req = typed_request(params, headers)
            client = CiamClient(cred, region, profile)
            rec.attach(client)
            out["response"] = decoded(client.ListJobs(req))
        else:
            client = CommonClient(SERVICE, version, cred, region, profile)
            rec.attach(client)
            body = client.call_json(action, params, headers=dict(headers))
            if not isinstance(body, dict) or not isinstance(body.get("Response"), dict):
                raise IntentError("CommonClient.call_json returned no Response object")
            out["response"] = body["Response"]
    except IntentError as e:
        out["error"] = {"code": "", "message": "adapter: " + str(e), "requestId": ""}
    except TencentCloudSDKException as e:
        message = e.message
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        message = "" if message is None else str(message)
        code = e.code or ""
        if own_error(e):
            out["error"] = {"code": "", "message": "%s: %s" % (code, message), "requestId": e.requestId or ""}
        else:
            out["error"] = {"code": code, "message": message, "requestId": e.requestId or ""}
    except Exception as e:  # an exception the SDK let through: its caller would see it
        out["error"] = {"code": "", "message": "%s: %s" % (type(e).__name__, e), "requestId": ""}
    if rec.trips:
        out["http"] = rec.trips
    return out


class Adapter(object):
    """Reads intents from a text stream and writes outcomes, several calls in flight."""

    def __init__(self, stdin, stdout, stderr, workers=WORKERS, send=call):
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.lock = threading.Lock()
        self.send = send
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)

    def write(self, obj):
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self.lock:
            self.stdout.write(line)
            self.stdout.flush()

    def log(self, text):
        with self.lock:
            self.stderr.write("python adapter: %s\n" % text)
            self.stderr.flush()

    def run(self):
        self.write(hello())
        for line in self.stdin:
            self.handle(line)
        self.pool.shutdown(wait=True)

    def handle(self, line):
        """Takes one input line: an intent is sent in the pool; anything else is logged."""
        line = line.strip()
        if not line:
            return
        try:
            intent = json.loads(line)
        except ValueError as e:
            self.log("a line that is not JSON (%s), ignored" % e)
            return
        if not isinstance(intent, dict):
            self.log("a line that is not a JSON object, ignored")
            return
        scrub = Scrubber(intent.get("credential"))
        if intent.get("type") != "call":
            self.log(scrub.text("a line of type %r, not an intent (\"call\"), ignored" % (intent.get("type"),)))
            return
        if not isinstance(intent.get("id"), str):
            self.log("an intent without a string id, ignored: no outcome can answer it")
            return
        self.pool.submit(self.answer, intent, scrub)

    def answer(self, intent, scrub):
        try:
            out = self.send(intent)
        except Exception as e:  # a bug of the adapter: still one outcome per intent
            out = {"type": "outcome", "id": intent["id"],
                   "error": {"code": "", "message": "adapter: %s: %s" % (type(e).__name__, e), "requestId": ""}}
        try:
            self.write(scrub.outcome(out))
        except Exception as e:
            self.write({"type": "outcome", "id": intent["id"],
                        "error": {"code": "", "message": scrub.text("adapter: cannot write the outcome: %s" % e),
                                  "requestId": ""}})


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--version"]:
        print("%s %s" % (SDK_NAME, sdk_versions()))
        return 0
    if argv:
        sys.stderr.write("usage: adapter.py [--version]: speaks DRIVERS.md's protocol on stdin and stdout\n")
        return 2
    # The SDK warns (warnings.warn) on members it drops; one line each on stderr.
    warnings.simplefilter("default")
    stdin = open(sys.stdin.fileno(), "r", encoding="utf-8", errors="replace", newline=None, closefd=False)
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="\n", closefd=False)
    Adapter(stdin, stdout, sys.stderr).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
