"""Unit tests of the tccli adapter (drivers/tccli/test runs them with the venv's Python).

The pure parts (command lines, outcomes, scrubbing, protocol lines) are tested in
process; the adapter as the harness runs it is tested as a subprocess against a small
fake ListJobs endpoint on the loopback, with sentinel secrets that must appear in no
output and no file the adapter or tccli writes.
"""

import glob
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)

import adapter  # noqa: E402

SECRET_KEY = "sentinelSecretKey-4f1e9b2c7d"
TOKEN = "sentinelToken-8a3d5e6f1c"


def intent(**over):
    base = {"type": "call", "id": "1",
            "credential": {"secretId": "AKIDtest", "secretKey": SECRET_KEY},
            "endpoint": {"scheme": "http", "host": "127.0.0.1", "port": 9},
            "region": "ap-guangzhou", "method": "POST", "signMethod": "TC3-HMAC-SHA256",
            "action": "ListJobs", "version": "2022-03-31",
            "params": {"UserStoreId": "us-1", "JobIds": ["a", "b"]},
            "timeoutSeconds": 5, "rateLimitExceededMaxRetries": 0}
    base.update(over)
    return base


class CommandLineTest(unittest.TestCase):
    def files(self, made):
        def make(text):
            made.append(text)
            return "/tmp/input.json"
        return make

    def test_options(self):
        made = []
        argv, mode, proto = adapter.command_line(intent(), self.files(made))
        self.assertEqual(mode, "options")
        self.assertEqual(proto, "http")
        self.assertEqual(argv[:6], ["ciam", "ListJobs", "--UserStoreId", "us-1", "--JobIds", '["a", "b"]'])
        for opt, val in (("--region", "ap-guangzhou"), ("--endpoint", "127.0.0.1:9"), ("--secretId", "AKIDtest"),
                         ("--secretKey", SECRET_KEY), ("--timeout", "5")):
            self.assertEqual(argv[argv.index(opt) + 1], val)
        for absent in ("--token", "--language", "--version", "--cli-input-json"):
            self.assertNotIn(absent, argv)
        self.assertEqual(made, [])

    def test_token_language_version_region(self):
        cred = {"secretId": "AKIDtest", "secretKey": SECRET_KEY, "token": TOKEN}
        argv, _, _ = adapter.command_line(intent(credential=cred, language="en-US", version="2021-01-01", region=""),
                                          self.files([]))
        self.assertEqual(argv[argv.index("--token") + 1], TOKEN)
        self.assertEqual(argv[argv.index("--language") + 1], "en-US")
        self.assertEqual(argv[argv.index("--version") + 1], "2021-01-01")
        self.assertEqual(argv[argv.index("--region") + 1], "")

    def test_https_and_ipv6(self):
        argv, _, proto = adapter.command_line(intent(endpoint={"scheme": "https", "host": "::1", "port": 8443}),
                                              self.files([]))
        self.assertIsNone(proto)
        self.assertEqual(argv[argv.index("--endpoint") + 1], "[::1]:8443")

    def test_json_input(self):
        for params in ({"UserStoreId": 123}, {"JobIds": []}, {"UserStoreId": None},
                       {"UserStoreId": "us-1", "Foo": "bar"}, {"UserStoreId": "-s-1"}):
            made = []
            argv, mode, _ = adapter.command_line(intent(params=params), self.files(made))
            self.assertEqual(mode, "json", params)
            self.assertEqual(argv[argv.index("--cli-input-json") + 1], "file:///tmp/input.json")
            self.assertNotIn("--UserStoreId", argv)
            self.assertEqual(json.loads(made[0]), params)

    def test_null_job_ids_is_an_option(self):
        argv, mode, _ = adapter.command_line(intent(params={"UserStoreId": "u", "JobIds": None}), self.files([]))
        self.assertEqual(mode, "options")
        self.assertEqual(argv[argv.index("--JobIds") + 1], "null")

    def test_refused(self):
        cases = [
            (dict(method="GET"), "POST only"),
            (dict(signMethod="HmacSHA1"), "TC3-HMAC-SHA256 only"),
            (dict(headers={"X-TC-TraceId": "x"}), "request header"),
            (dict(rateLimitExceededMaxRetries=2), "no retry"),
            (dict(params=["x"]), "JSON object"),
            (dict(credential={"secretId": "x"}), "secretKey"),
            (dict(credential="x"), "credential"),
            (dict(endpoint={"scheme": "ftp", "host": "h", "port": 1}), "scheme"),
            (dict(endpoint={"scheme": "http", "host": "h", "port": "80"}), "port"),
            (dict(endpoint={"scheme": "http", "port": 80}), "host"),
            (dict(endpoint=None), "endpoint"),
            (dict(region=5), "region"),
            (dict(action=5), "action"),
        ]
        for over, words in cases:
            with self.assertRaises(adapter.Refused, msg=over) as cm:
                adapter.command_line(intent(**over), self.files([]))
            self.assertIn(words, str(cm.exception), over)


class OutcomeTest(unittest.TestCase):
    def test_success(self):
        o = adapter.outcome_of(0, '{\n    "JobSet": null,\n    "RequestId": "r1"\n}\n', "")
        self.assertEqual(o, {"response": {"JobSet": None, "RequestId": "r1"}})

    def test_api_error(self):
        err = ("usage: tccli ...\n[TencentCloudSDKException] code:AuthFailure.SignatureFailure "
               "message:bad sig requestId:ab-12\n")
        o = adapter.outcome_of(255, "", err)
        self.assertEqual(o, {"error": {"code": "AuthFailure.SignatureFailure", "message": "bad sig", "requestId": "ab-12"}})

    def test_message_with_requestid_text(self):
        err = "[TencentCloudSDKException] code:X message:a requestId:b c requestId:r9"
        self.assertEqual(adapter.outcome_of(255, "", err)["error"], {"code": "X", "message": "a requestId:b c", "requestId": "r9"})

    def test_sdk_own_errors_have_no_code(self):
        for code in ("ClientNetworkError", "ServerNetworkError", "JSONDecodeError", "KeyError", "TypeError", "None"):
            err = "[TencentCloudSDKException] code:%s message:boom requestId:None" % code
            o = adapter.outcome_of(255, "", err)["error"]
            self.assertEqual(o["code"], "", code)
            self.assertEqual(o["requestId"], "")
            self.assertIn("boom", o["message"])

    def test_other_failures(self):
        o = adapter.outcome_of(0, "3.1.189.1\n", "")["error"]
        self.assertEqual(o["code"], "")
        self.assertIn("3.1.189.1", o["message"])
        o = adapter.outcome_of(252, "", "usage\ntccli: error: the following arguments are required: --UserStoreId\n")["error"]
        self.assertEqual(o["code"], "")
        self.assertIn("exited 252", o["message"])
        self.assertIn("--UserStoreId", o["message"])
        self.assertIn("nothing printed", adapter.outcome_of(1, "", "")["error"]["message"])
        self.assertEqual(adapter.outcome_of(0, "[1]", "")["error"]["code"], "")


class ScrubTest(unittest.TestCase):
    def test_scrub(self):
        cred = {"secretKey": SECRET_KEY, "token": TOKEN}
        s = adapter.scrub("k=%s t=%s Authorization: TC3 ..., Signature=abc123 x" % (SECRET_KEY, TOKEN), cred)
        self.assertNotIn(SECRET_KEY, s)
        self.assertNotIn(TOKEN, s)
        self.assertNotIn("abc123", s)
        self.assertEqual(adapter.scrub(None, {}), "")
        trip = adapter.scrub_trip({"url": "u", "requestHeaders": {"X-TC-Token": [TOKEN]}, "requestBody": SECRET_KEY,
                                   "body": "", "error": TOKEN}, cred)
        self.assertNotIn(TOKEN, json.dumps(trip))
        self.assertNotIn(SECRET_KEY, json.dumps(trip))


class HandleTest(unittest.TestCase):
    """Lines that are not intents: a line on stderr, no outcome, no crash."""

    def test_bad_lines(self):
        out, err = io.StringIO(), io.StringIO()
        a = adapter.Adapter(cli=None, out=out)
        saved = adapter._log
        adapter._log = err
        try:
            for line in ("", "   \n", "not json\n", "[1,2]\n", '{"type":"hello"}\n', '{"type":"call"}\n',
                         '{"type":"call","id":7}\n', "\ufffd\n"):
                self.assertIsNone(a.handle(line), line)
        finally:
            adapter._log = saved
        self.assertEqual(out.getvalue(), "")
        lines = err.getvalue().splitlines()
        self.assertEqual(len(lines), 6, lines)
        self.assertTrue(all(l.startswith("tccli adapter: ") for l in lines))


# --- The adapter as a process --------------------------------------------------

JOBS = [{"Id": "j1", "Status": "COMPLETED", "Type": "EXPORT_USER", "CreatedDate": 1715200000000,
         "Format": "CSV", "Location": "https://x/y.csv"},
        {"Id": "j2", "Status": "PENDING", "Type": "IMPORT_USER", "CreatedDate": 1715200000001}]


class FakeCIAM(http.server.BaseHTTPRequestHandler):
    """A ListJobs endpoint: the UserStoreId picks the answer."""
    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        FakeCIAM.requests.append((dict(self.headers), body))
        try:
            store = json.loads(body).get("UserStoreId")
        except ValueError:
            store = None
        status, ctype = 200, "application/json"
        if store == "err":
            resp = {"Error": {"Code": "FailedOperation.InvalidUserStore", "Message": "no such store"}, "RequestId": "rid-err"}
        elif store == "null":
            resp = {"JobSet": None, "RequestId": "rid-null"}
        elif store == "absent":
            resp = {"RequestId": "rid-absent"}
        elif store == "500":
            status, resp = 500, {"oops": True}
        else:
            resp = {"JobSet": JOBS, "RequestId": "rid-ok"}
        data = json.dumps({"Response": resp}).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def venv_python():
    py = os.path.join(HERE, ".venv", "bin", "python")
    return py if os.path.exists(py) else sys.executable


class ProcessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeCIAM)
        cls.port = cls.server.server_address[1]
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tccli-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        env = dict(os.environ, TMPDIR=self.tmp, HOME=os.path.join(self.tmp, "user-home"),
                   TENCENTCLOUD_SECRET_KEY="fromTheEnvironment")
        self.proc = subprocess.Popen([os.path.join(HERE, "run")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        self.addCleanup(self.close)
        self.hello = json.loads(self.proc.stdout.readline())

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def send(self, *intents):
        for i in intents:
            self.proc.stdin.write((json.dumps(i) + "\n").encode())
        self.proc.stdin.flush()
        got = {}
        for _ in intents:
            o = json.loads(self.proc.stdout.readline())
            self.assertEqual(o["type"], "outcome")
            got[o["id"]] = o
        return got

    def finish(self):
        self.proc.stdin.close()
        rest = self.proc.stdout.read().decode()
        err = self.proc.stderr.read().decode()
        self.assertEqual(self.proc.wait(timeout=10), 0, err)
        return rest, err

    def call(self, **over):
        cred = {"secretId": "AKIDtest", "secretKey": SECRET_KEY, "token": TOKEN}
        over.setdefault("credential", cred)
        over.setdefault("endpoint", {"scheme": "http", "host": "127.0.0.1", "port": self.port})
        return intent(**over)

    def test_hello(self):
        h = self.hello
        self.assertEqual((h["type"], h["protocol"], h["adapter"], h["sdk"]), ("hello", 1, "tccli", "tccli"))
        import tccli
        self.assertEqual(h["sdkVersion"], tccli.__version__)
        self.assertTrue(h["runtime"].startswith("python 3."))
        self.assertEqual(h["capabilities"]["methods"], ["POST"])
        self.assertEqual(h["capabilities"]["signMethods"], ["TC3-HMAC-SHA256"])
        self.assertFalse(h["capabilities"]["retry"])
        self.assertFalse(h["capabilities"]["nulls"])
        self.finish()

    def test_outcomes_and_secrets(self):
        FakeCIAM.requests = []
        ids = {"ok": {"UserStoreId": "ok", "JobIds": ["j1", "j2"]}, "err": {"UserStoreId": "err"},
               "null": {"UserStoreId": "null"}, "absent": {"UserStoreId": "absent"}, "500": {"UserStoreId": "500"},
               "nostore": {"JobIds": []}, "num": {"UserStoreId": 123, "Foo": 1}}
        got = self.send(*[self.call(id=k, params=p) for k, p in ids.items()],
                        self.call(id="get", method="GET"),
                        self.call(id="vers", version="2022-03-310"),
                        self.call(id="act", action="ListJob"),
                        self.call(id="down", endpoint={"scheme": "http", "host": "127.0.0.1", "port": 1}))
        self.assertEqual(got["ok"]["response"], {"JobSet": [dict(j, **{k: None for k in ("Format", "Location", "ErrorDetails", "FailedUsers") if k not in j}) for j in JOBS], "RequestId": "rid-ok"})
        self.assertEqual(got["err"]["error"], {"code": "FailedOperation.InvalidUserStore", "message": "no such store", "requestId": "rid-err"})
        # tccli prints "JobSet": null for both.
        self.assertEqual(got["null"]["response"], {"JobSet": None, "RequestId": "rid-null"})
        self.assertEqual(got["absent"]["response"], {"JobSet": None, "RequestId": "rid-absent"})
        self.assertEqual(got["500"]["error"]["code"], "")
        self.assertIn("ServerNetworkError", got["500"]["error"]["message"])
        self.assertEqual(got["down"]["error"]["code"], "")
        self.assertIn("ClientNetworkError", got["down"]["error"]["message"])
        self.assertEqual(got["down"]["http"][0]["status"], 0)
        self.assertIn("tccli sends POST only", got["get"]["error"]["message"])
        self.assertIn("printed '3.1.189.1'", got["vers"]["error"]["message"])
        self.assertIn("Invalid choice: 'ListJob'", got["act"]["error"]["message"])
        self.assertNotIn("http", got["act"])

        # What went out: tccli's own request, over plain http, the token as X-TC-Token.
        trip = got["ok"]["http"][0]
        self.assertEqual((trip["method"], trip["status"], trip["url"]), ("POST", 200, "http://127.0.0.1:%d/" % self.port))
        self.assertEqual(json.loads(trip["requestBody"]), {"UserStoreId": "ok", "JobIds": ["j1", "j2"]})
        self.assertEqual(trip["requestHeaders"]["X-TC-Token"], ["<redacted>"])
        self.assertIn("Signature=<redacted>", trip["requestHeaders"]["Authorization"][0])
        self.assertEqual(json.loads(got["ok"]["http"][0]["body"])["Response"]["RequestId"], "rid-ok")
        self.assertEqual(json.loads(got["nostore"]["http"][0]["requestBody"]), {"JobIds": []})
        self.assertEqual(json.loads(got["num"]["http"][0]["requestBody"]), {"UserStoreId": 123})  # Foo dropped
        sent = {json.loads(b).get("UserStoreId"): h for h, b in FakeCIAM.requests}
        self.assertEqual(sent["ok"]["X-TC-Token"], TOKEN)
        self.assertEqual(sent["ok"]["Host"], "127.0.0.1:%d" % self.port)
        self.assertEqual(sent["ok"]["X-TC-Region"], "ap-guangzhou")

        # No secret in any file of the adapter's HOME (tccli's configuration, no log).
        homes = glob.glob(os.path.join(self.tmp, "tccli-home-*"))
        self.assertEqual(len(homes), 1)
        written = []
        for root, _, names in os.walk(homes[0]):
            for n in names:
                path = os.path.join(root, n)
                written.append(os.path.relpath(path, homes[0]))
                with open(path, "rb") as f:
                    data = f.read()
                for secret in (SECRET_KEY, TOKEN, "fromTheEnvironment"):
                    self.assertNotIn(secret.encode(), data, path)
        self.assertIn(os.path.join(".tccli", "default.configure"), written)
        self.assertFalse(any("log" in w for w in written), written)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "user-home")))

        rest, err = self.finish()
        everything = json.dumps(got) + rest + err
        for secret in (SECRET_KEY, TOKEN):
            self.assertNotIn(secret, everything)
        self.assertEqual(glob.glob(os.path.join(self.tmp, "tccli-home-*")), [], "HOME not removed at exit")

    def test_region_none_and_language(self):
        FakeCIAM.requests = []
        self.send(self.call(id="a", region="", language="en-US", params={"UserStoreId": "ok"}))
        headers = FakeCIAM.requests[0][0]
        self.assertNotIn("X-TC-Region", headers)
        self.assertEqual(headers["X-TC-Language"], "en-US")
        self.finish()

    def test_concurrent(self):
        n = 40
        start = time.time()
        got = self.send(*[self.call(id=str(i), params={"UserStoreId": "ok" if i % 2 else "err"}) for i in range(n)])
        self.assertEqual(sorted(got), sorted(str(i) for i in range(n)))
        for i, o in got.items():
            self.assertEqual("response" in o, int(i) % 2 == 1, o)
        self.assertLess(time.time() - start, 20)
        self.finish()

    def test_bad_lines_then_a_call(self):
        self.proc.stdin.write(b"not json\n{\"type\":\"nope\"}\n\n")
        got = self.send(self.call(id="x", params={"UserStoreId": "ok"}))
        self.assertIn("response", got["x"])
        rest, err = self.finish()
        self.assertEqual(rest, "")
        self.assertIn("not JSON", err)
        self.assertIn("not an intent", err)

    def test_stdin_closed_with_calls_in_flight(self):
        self.proc.stdin.write((json.dumps(self.call(id="late", params={"UserStoreId": "ok"})) + "\n").encode())
        rest, _ = self.finish()
        self.assertEqual(json.loads(rest)["id"], "late")


class SweepTest(unittest.TestCase):
    def test_stale_homes_go(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        gone = subprocess.Popen(["true"])
        gone.wait()
        stale = os.path.join(tmp, "tccli-home-%d-abc" % gone.pid)
        alive = os.path.join(tmp, "tccli-home-%d-def" % os.getpid())
        other = os.path.join(tmp, "tccli-home-x")
        for d in (stale, alive, other):
            os.makedirs(os.path.join(d, ".tccli"))
        adapter.sweep_homes(tmp)
        self.assertFalse(os.path.exists(stale))
        self.assertTrue(os.path.exists(alive))
        self.assertTrue(os.path.exists(other))
        adapter.sweep_homes(os.path.join(tmp, "missing"))  # no error


class RunScriptTest(unittest.TestCase):
    def test_missing_install(self):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d, True)
        shutil.copy(os.path.join(HERE, "run"), d)
        p = subprocess.run([os.path.join(d, "run")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("drivers/tccli/install", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main()
