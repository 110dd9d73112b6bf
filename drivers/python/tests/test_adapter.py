"""Unit tests of the Python SDK's adapter (stdlib unittest; run by drivers/python/test).

They drive adapter.py as the harness does, in-process and as a process, against a stub
HTTP server on 127.0.0.1 that answers what each test queues and records what the SDK
sent. Some tests pin behaviours of the SDK itself that SDK-FINDINGS.md (Python) reports: when a new
SDK release changes one, its test fails and the finding is to be checked again.
"""

import http.server
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.dirname(HERE)
sys.path.insert(0, DRIVER)

import adapter  # noqa: E402

# Sentinels: none of them may appear in anything the adapter writes.
SECRET_KEY = "SentinelSecretKey-4d9f0c2e7b1a"
TOKEN = "SentinelToken/+=-8e3b5a61c0d7"
SECRET_ID = "AKIDSentinelSecretId000000001"

RID = "0f6e1b5c-2d4a-4c3e-9f10-1a2b3c4d5e6f"


def ok_body(jobs=None, request_id=RID):
    return json.dumps({"Response": {"JobSet": jobs if jobs is not None else [], "RequestId": request_id}})


def error_body(code, message="went wrong", request_id=RID):
    resp = {"Error": {"Code": code, "Message": message}}
    if request_id is not None:
        resp["RequestId"] = request_id
    return json.dumps({"Response": resp})


class Stub(object):
    """A loopback HTTP server answering queued (status, content type, body) in order."""

    def __init__(self):
        self.answers = []
        self.requests = []
        self.lock = threading.Lock()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                with stub.lock:
                    stub.requests.append({"method": self.command, "path": self.path,
                                          "headers": dict(self.headers.items()), "body": body})
                    status, ctype, out = stub.answers.pop(0) if stub.answers else (200, "application/json", ok_body())
                data = out.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = answer
            do_POST = answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def queue(self, *answers):
        with self.lock:
            self.answers.extend(answers)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def intent(port, **kw):
    base = {
        "type": "call", "id": "1",
        "credential": {"secretId": SECRET_ID, "secretKey": SECRET_KEY},
        "endpoint": {"scheme": "http", "host": "127.0.0.1", "port": port},
        "region": "ap-guangzhou", "method": "POST", "signMethod": "TC3-HMAC-SHA256",
        "action": "ListJobs", "version": "2022-03-31",
        "params": {"UserStoreId": "us-1", "JobIds": ["a b", "c"]},
        "timeoutSeconds": 5, "rateLimitExceededMaxRetries": 0,
    }
    base.update(kw)
    return base


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class StubTest(unittest.TestCase):
    def setUp(self):
        self.stub = Stub()
        self.addCleanup(self.stub.close)

    def call(self, **kw):
        return adapter.call(intent(self.stub.port, **kw))

    def last(self):
        return self.stub.requests[-1]


class SendTest(StubTest):
    """What the SDK sends, and what the adapter reports of it."""

    def test_post_success_is_decoded_and_recorded(self):
        job = {"Id": "j1", "Status": "SUCCESS", "Type": "IMPORT_USER", "CreatedDate": 1715156770024,
               "Format": "NDJSON", "Location": None, "Extra": 1}
        self.stub.queue((200, "application/json", ok_body([job])))
        out = self.call()
        self.assertNotIn("error", out)
        got = out["response"]["JobSet"][0]
        self.assertEqual(got["Id"], "j1")
        self.assertEqual(got["CreatedDate"], 1715156770024)
        self.assertIsNone(got["Location"])
        self.assertIsNone(got["ErrorDetails"])  # absent in the body: None to the caller
        self.assertNotIn("Extra", got)  # the SDK drops members it does not know
        self.assertEqual(out["response"]["RequestId"], RID)
        [trip] = out["http"]
        self.assertEqual(trip["method"], "POST")
        self.assertEqual(trip["url"], "http://127.0.0.1:%d/" % self.stub.port)
        self.assertEqual(trip["status"], 200)
        self.assertEqual(json.loads(trip["body"])["Response"]["RequestId"], RID)
        self.assertEqual(trip["requestBody"], '{"UserStoreId": "us-1", "JobIds": ["a b", "c"]}')
        self.assertEqual(trip["requestHeaders"]["X-TC-Action"], ["ListJobs"])
        self.assertEqual(trip["headers"]["Content-Type"], ["application/json"])
        self.assertLessEqual(trip["start"], trip["end"])
        self.assertLess(abs(trip["end"] - time.time() * 1000), 60000)
        sent = self.last()
        self.assertEqual(sent["headers"]["Host"], "127.0.0.1:%d" % self.stub.port)
        self.assertEqual(sent["headers"]["Content-Type"], "application/json")
        self.assertIn("/ciam/tc3_request", sent["headers"]["Authorization"])
        self.assertEqual(sent["headers"]["X-TC-Region"], "ap-guangzhou")

    def test_get_query_in_field_order_and_empty_jobids_left_out(self):
        out = self.call(method="GET")
        self.assertNotIn("error", out)
        self.assertEqual(self.last()["path"], "/?UserStoreId=us-1&JobIds.0=a+b&JobIds.1=c")
        self.assertEqual(self.last()["headers"]["Content-Type"], "application/x-www-form-urlencoded")
        self.call(method="GET", params={"UserStoreId": "us-1", "JobIds": []})
        self.assertEqual(self.last()["path"], "/?UserStoreId=us-1")
        self.call(method="POST", params={"UserStoreId": "us-1", "JobIds": []})
        self.assertEqual(self.last()["body"], '{"UserStoreId": "us-1", "JobIds": []}')

    def test_null_is_left_out_and_other_types_are_carried(self):
        self.call(params={"UserStoreId": "us-1", "JobIds": None})
        self.assertEqual(self.last()["body"], '{"UserStoreId": "us-1"}')
        self.call(params={"UserStoreId": 42, "JobIds": [1, {"a": "b"}]})
        self.assertEqual(json.loads(self.last()["body"]), {"UserStoreId": 42, "JobIds": [1, {"a": "b"}]})

    def test_unknown_parameter_is_refused_without_a_code(self):
        out = self.call(params={"UserStoreId": "us-1", "Foo": "bar"})
        self.assertEqual(out["error"]["code"], "")
        self.assertIn("cannot carry the parameter Foo", out["error"]["message"])
        self.assertEqual(self.stub.requests, [])

    def test_language_defaults_to_zh_cn(self):
        self.call()
        self.assertEqual(self.last()["headers"]["X-TC-Language"], "zh-CN")
        self.call(language="en-US")
        self.assertEqual(self.last()["headers"]["X-TC-Language"], "en-US")

    def test_no_region_no_header_and_extra_headers_sent(self):
        self.call(region="", headers={"X-TC-TraceId": "trace-1", "X-Custom": "v"})
        h = self.last()["headers"]
        self.assertNotIn("X-TC-Region", h)
        self.assertEqual(h["X-TC-TraceId"], "trace-1")
        self.assertEqual(h["X-Custom"], "v")

    def test_other_action_and_version_through_the_common_client(self):
        self.stub.queue((200, "application/json", error_body("InvalidAction")))
        out = self.call(action="DescribeJobs", version="2021-01-01")
        self.assertEqual(out["error"]["code"], "InvalidAction")
        h = self.last()["headers"]
        self.assertEqual((h["X-TC-Action"], h["X-TC-Version"]), ("DescribeJobs", "2021-01-01"))
        self.assertIn("/ciam/tc3_request", h["Authorization"])
        out = self.call(version="2020-01-01")
        self.assertEqual(out["response"]["RequestId"], RID)

    def test_signature_v1(self):
        for method in ("GET", "POST"):
            self.call(method=method, signMethod="HmacSHA256")
            sent = self.last()
            form = sent["path"][2:] if method == "GET" else sent["body"]
            q = urllib.parse.parse_qs(form)
            self.assertEqual(q["SignatureMethod"], ["HmacSHA256"])
            self.assertEqual(q["Action"], ["ListJobs"])
            self.assertEqual(q["JobIds.1"], ["c"])

    def test_token_is_sent(self):
        self.call(credential={"secretId": SECRET_ID, "secretKey": SECRET_KEY, "token": TOKEN})
        self.assertEqual(self.last()["headers"]["X-TC-Token"], TOKEN)


class ErrorTest(StubTest):
    """How the SDK reports errors, and how the adapter tells its own from the response's."""

    def test_error_of_the_response(self):
        self.stub.queue((200, "application/json", error_body("AuthFailure.SignatureFailure", "bad")))
        out = self.call()
        self.assertEqual(out["error"], {"code": "AuthFailure.SignatureFailure", "message": "bad", "requestId": RID})

    def test_charset_error_comes_back_as_success(self):
        # The SDK's defect F2: _check_error reads an error only when the Content-Type is
        # exactly application/json or text/plain.
        self.stub.queue((200, "application/json; charset=utf-8", error_body("FailedOperation.InvalidUserStore")))
        out = self.call()
        self.assertNotIn("error", out)
        self.assertEqual(out["response"], {"JobSet": None, "RequestId": RID})

    def test_http_status_other_than_200_is_the_sdks_own_error(self):
        self.stub.queue((400, "application/json", error_body("InvalidParameter")))
        out = self.call()
        self.assertEqual(out["error"]["code"], "")
        self.assertTrue(out["error"]["message"].startswith("ServerNetworkError: "))
        self.assertIn("InvalidParameter", out["error"]["message"])
        self.assertEqual(out["http"][0]["status"], 400)

    def test_body_not_json(self):
        self.stub.queue((200, "application/json", "<html>"))
        out = self.call()
        self.assertEqual(out["error"]["code"], "")
        self.assertTrue(out["error"]["message"].startswith("JSONDecodeError: "), out["error"])

    def test_error_without_request_id_is_a_key_error(self):
        self.stub.queue((200, "application/json", error_body("InvalidParameter", request_id=None)))
        out = self.call()
        self.assertEqual(out["error"]["code"], "")
        self.assertTrue(out["error"]["message"].startswith("KeyError: "), out["error"])

    def test_no_connection(self):
        out = adapter.call(intent(free_port()))
        self.assertEqual(out["error"]["code"], "")
        self.assertTrue(out["error"]["message"].startswith("ClientNetworkError: "), out["error"])
        self.assertNotIn("http", out)


class RetryTest(StubTest):
    """The SDK's StandardRetryer, when the intent asks for rate-limit retries."""

    def test_retry_keeps_the_first_error(self):
        # The SDK's defect F1: err is never reset, so a success after a
        # RequestLimitExceeded is retried again and the first error is raised.
        self.stub.queue((200, "application/json", error_body("RequestLimitExceeded", request_id="r-1")),
                        (200, "application/json", ok_body(request_id="r-2")))
        out = self.call(rateLimitExceededMaxRetries=1)
        self.assertEqual(out["error"]["code"], "RequestLimitExceeded")
        self.assertEqual(out["error"]["requestId"], "r-1")
        self.assertEqual([t["status"] for t in out["http"]], [200, 200])
        self.assertIn("r-2", out["http"][1]["body"])

    def test_no_retry_by_default(self):
        self.stub.queue((200, "application/json", error_body("RequestLimitExceeded")))
        out = self.call()
        self.assertEqual(out["error"]["code"], "RequestLimitExceeded")
        self.assertEqual(len(self.stub.requests), 1)


class IntentTest(unittest.TestCase):
    """Bad intents: an outcome error without a code that names the problem."""

    def check(self, intent_, words):
        out = adapter.call(intent_)
        self.assertEqual(out["id"], "1")
        self.assertEqual(out["error"]["code"], "")
        self.assertIn(words, out["error"]["message"])

    def test_bad_fields(self):
        good = intent(1)
        for name, value, words in [
            ("endpoint", None, "'endpoint' is not an object"),
            ("endpoint", {"scheme": "ftp", "host": "h", "port": 1}, "neither http nor https"),
            ("endpoint", {"scheme": "http", "host": "", "port": 1}, "no host"),
            ("endpoint", {"scheme": "http", "host": "h", "port": "80"}, "not a port number"),
            ("credential", "x", "'credential' is not a dict"),
            ("credential", {"secretId": "a"}, "no secretId or secretKey"),
            ("params", [1], "'params' is not a JSON object"),
            ("headers", {"X": 1}, "'headers' is not an object of strings"),
            ("timeoutSeconds", -1, "not a positive integer"),
            ("rateLimitExceededMaxRetries", "3", "not a count"),
            ("region", 5, "'region' is not a string"),
        ]:
            with self.subTest(name=name, value=value):
                bad = dict(good)
                bad[name] = value
                self.check(bad, words)
        bad = dict(good)
        del bad["method"]
        self.check(bad, "the intent has no 'method'")
        bad = dict(good, language="fr-FR")
        out = adapter.call(bad)
        self.assertEqual(out["error"]["code"], "")
        self.assertIn("Language invalid", out["error"]["message"])


class ScrubTest(unittest.TestCase):
    def test_scrubs_secrets_signatures_and_tokens(self):
        s = adapter.Scrubber({"secretKey": SECRET_KEY, "token": TOKEN})
        text = ("key %s token %s enc %s url /?a=1&Signature=abc%%2B&Token=xyz auth Signature=0123abcd"
                % (SECRET_KEY, TOKEN, urllib.parse.quote_plus(TOKEN)))
        out = s.text(text)
        for secret in (SECRET_KEY, TOKEN, urllib.parse.quote_plus(TOKEN), "abc%2B", "xyz", "0123abcd"):
            self.assertNotIn(secret, out)
        self.assertEqual(s.value({SECRET_KEY: [TOKEN, 1, None]}), {"<redacted>": ["<redacted>", 1, None]})

    def test_outcome_scrubs_the_request_side_and_a_response_only_when_needed(self):
        secret = 'quote"back\\slash-7c1e'
        s = adapter.Scrubber({"secretKey": secret})
        big = {"JobSet": [{"Id": "j%d" % n} for n in range(1000)], "RequestId": RID}
        out = s.outcome({"type": "outcome", "id": "1", "response": big,
                         "error": {"code": "", "message": "m " + secret},
                         "http": [{"url": "/?Signature=abc", "requestHeaders": {"A": [secret]}, "requestBody": secret,
                                   "status": 200, "headers": {}, "body": json.dumps({"echo": secret})}]})
        self.assertIs(out["response"], big)  # nothing to scrub: not walked
        self.assertEqual(out["error"]["message"], "m <redacted>")
        trip = out["http"][0]
        self.assertEqual((trip["url"], trip["requestHeaders"], trip["requestBody"]), ("/?Signature=<redacted>", {"A": ["<redacted>"]}, "<redacted>"))
        self.assertNotIn("back", trip["body"])
        echo = s.outcome({"type": "outcome", "id": "1", "response": {"RequestId": secret}})
        self.assertEqual(echo["response"], {"RequestId": "<redacted>"})

    def test_no_secret_no_change(self):
        self.assertEqual(adapter.Scrubber(None).text("plain"), "plain")
        self.assertEqual(adapter.Scrubber({"secretKey": "", "token": None}).text("plain"), "plain")


class ProtocolTest(unittest.TestCase):
    """The adapter's loop: the hello, intents in flight at once, bad lines."""

    def run_adapter(self, lines, send):
        stdout, stderr = io.StringIO(), io.StringIO()
        a = adapter.Adapter(io.StringIO("".join(l + "\n" for l in lines)), stdout, stderr, workers=8, send=send)
        a.run()
        out = [json.loads(l) for l in stdout.getvalue().splitlines()]
        return out, stderr.getvalue()

    def test_hello(self):
        h = adapter.hello()
        self.assertEqual((h["type"], h["protocol"], h["adapter"], h["sdk"]), ("hello", 1, "python", "tencentcloud-sdk-python"))
        self.assertTrue(h["sdkVersion"].startswith("3.1.97"), h["sdkVersion"])
        self.assertTrue(h["runtime"].startswith("python 3."))
        caps = h["capabilities"]
        self.assertEqual(caps["methods"], ["GET", "POST"])
        self.assertTrue(caps["retry"])
        self.assertFalse(caps["nulls"])

    def test_in_flight_at_once_answered_in_any_order(self):
        # Eight calls that each wait for all eight to have started: they must run at once.
        barrier = threading.Barrier(8, timeout=10)

        def send(i):
            barrier.wait()
            return {"type": "outcome", "id": i["id"], "response": {"JobSet": [], "RequestId": i["id"]}}

        out, err = self.run_adapter([json.dumps({"type": "call", "id": str(n)}) for n in range(8)], send)
        self.assertEqual(out[0]["type"], "hello")
        self.assertEqual(sorted(o["id"] for o in out[1:]), sorted(str(n) for n in range(8)))
        self.assertEqual(err, "")

    def test_bad_lines_are_logged_not_fatal(self):
        def send(i):
            if i["id"] == "boom":
                raise RuntimeError("bug with " + SECRET_KEY)
            return {"type": "outcome", "id": i["id"], "response": {}}

        lines = ["{not json", "[1]", "", json.dumps({"type": "hello", "id": "x"}),
                 json.dumps({"type": "call"}), json.dumps({"type": "call", "id": 7}),
                 json.dumps({"type": "call", "id": "boom", "credential": {"secretKey": SECRET_KEY}}),
                 json.dumps({"type": "call", "id": "ok"})]
        out, err = self.run_adapter(lines, send)
        self.assertEqual([o["id"] for o in out[1:] if o["id"] == "ok"], ["ok"])
        [boom] = [o for o in out if o.get("id") == "boom"]
        self.assertEqual(boom["error"]["code"], "")
        self.assertIn("RuntimeError", boom["error"]["message"])
        self.assertNotIn(SECRET_KEY, json.dumps(out))
        self.assertEqual(len(out), 3)
        for words in ("not JSON", "not a JSON object", "of type 'hello'", "without a string id"):
            self.assertIn(words, err)
        self.assertEqual(err.count("\n"), 5)


class ProcessTest(StubTest):
    """drivers/python/run as the harness starts it: secrets never come out."""

    def test_sentinel_secrets_appear_nowhere(self):
        port = self.stub.port
        cred = {"secretId": SECRET_ID, "secretKey": SECRET_KEY, "token": TOKEN}
        self.stub.queue((200, "application/json", error_body("AuthFailure.SignatureFailure")))
        intents = [
            intent(port, id="v3", credential=cred),
            intent(port, id="v1get", credential=cred, method="GET", signMethod="HmacSHA1"),
            intent(port, id="v1post", credential=cred, method="POST", signMethod="HmacSHA256"),
            intent(free_port(), id="down", credential=cred, method="GET", signMethod="HmacSHA1"),
            intent(port, id="bad", credential=cred, params={"Foo": SECRET_KEY}),
            {"type": "nonsense", "credential": cred},
        ]
        env = dict(os.environ, HTTP_PROXY="http://127.0.0.1:9", http_proxy="http://127.0.0.1:9")
        proc = subprocess.run([os.path.join(DRIVER, "run")], input="".join(json.dumps(i) + "\n" for i in intents),
                              capture_output=True, text=True, timeout=60, env=env, cwd="/")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = [json.loads(l) for l in proc.stdout.splitlines()]
        self.assertEqual(out[0]["type"], "hello")
        by_id = {o["id"]: o for o in out[1:]}
        self.assertEqual(set(by_id), {"v3", "v1get", "v1post", "down", "bad"})
        # One of the three that reached the stub got its queued error (they run at once).
        self.assertIn("AuthFailure.SignatureFailure", [o.get("error", {}).get("code") for o in by_id.values()])
        self.assertIn("Signature=<redacted>", by_id["v1get"]["http"][0]["url"])
        self.assertIn("Token=<redacted>", by_id["v1get"]["http"][0]["url"])
        self.assertIn("Signature=<redacted>", by_id["v1post"]["http"][0]["requestBody"])
        self.assertIn("<redacted>", by_id["down"]["error"]["message"])  # requests quotes the URL
        self.assertEqual(by_id["v3"]["http"][0]["requestHeaders"]["X-TC-Token"], ["<redacted>"])
        self.assertEqual(len(self.stub.requests), 3)  # the proxy variables were not followed
        everything = proc.stdout + proc.stderr
        for secret in (SECRET_KEY, TOKEN, urllib.parse.quote_plus(TOKEN), urllib.parse.quote(TOKEN, safe="")):
            self.assertNotIn(secret, everything)
        for o in out[1:]:
            for t in o.get("http", []):
                auth = t["requestHeaders"].get("Authorization", [""])[0]
                self.assertTrue(auth == "" or auth.endswith("Signature=<redacted>"), auth)
        self.assertIn("of type 'nonsense'", proc.stderr)

    def test_run_without_the_install_says_how(self):
        import shutil
        import tempfile
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        for name in ("run", "adapter.py", "requirements.txt"):
            shutil.copy(os.path.join(DRIVER, name), tmp)
        proc = subprocess.run([os.path.join(tmp, "run")], input="", capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("drivers/python/install", proc.stderr)
        self.assertEqual(proc.stdout, "")


if __name__ == "__main__":
    unittest.main()
