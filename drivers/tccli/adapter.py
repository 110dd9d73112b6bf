"""The conformance harness's adapter for Tencent's command line, tccli.

The harness starts it (drivers/tccli/run) and speaks the protocol of DRIVERS.md over
stdin and stdout: a hello line first, then one outcome line for every intent line,
several in flight at once.

Each intent becomes the command line a tccli user types,

    tccli ciam ListJobs --UserStoreId us-1 --JobIds '["a","b"]' --region ap-guangzhou
        --endpoint 127.0.0.1:PORT --secretId AKID... --secretKey ... [--token ...]
        --timeout 60 [--language en-US] [--version V]

and runs in this process through tccli's own main() and one reused CLICommand (a new
tccli process costs ~0.8 s, too slow for the suite's rate-limit bursts). Parameters
the options cannot carry (no UserStoreId, which the options require, or one that is
not a string, or a parameter ListJobs does not define) go the other way a tccli user
has: --cli-input-json file://F.
What the user would see is what the outcome reports: the JSON tccli prints on stdout
(exit 0), or the `[TencentCloudSDKException] code:... message:... requestId:...` line
it prints on stderr (exit 255), or whatever else it printed and its exit status.

What is patched, and why (tccli's and the SDK's signing, serialisation and decoding
are never touched):
- HttpProfile.__init__: tccli builds its HttpProfile without a protocol (https only),
  and `--endpoint http://...` puts the scheme into the Host header and the signed
  host. For an intent whose endpoint is plain http the profile is built with
  protocol="http", as a user of the SDK would set it.
- tccli.format_output's `sys` and `print`: tccli writes its output by re-wrapping the
  process's sys.stdout on every call; here that module alone writes to a buffer of
  the calling thread, so that concurrent calls do not mix and stdout stays the
  protocol's.
- The requests.Session the SDK makes for each client: its send is wrapped to record
  the round trip (observation only).
- tccli.log.init: tccli logs its argv, secret key included, to
  $HOME/.tccli/log/tccli.log. The log goes to no file (a NullHandler), and HOME is a
  private temporary directory, removed at exit, for the configuration tccli writes.

Secrets: nothing this adapter writes carries an intent's secret key or token, or a
signature: every message, URL, header and body is scrubbed before it is written.
"""

import builtins
import io
import json
import logging
import os
import platform
import re
import shutil
import signal
import sys
import tempfile
import threading
import time

PROTOCOL = 1
SERVICE = "ciam"
ACTION = "ListJobs"
VERSION = "2022-03-31"
# The parameters of ListJobs that tccli takes as options of their own.
OPTION_PARAMS = ("UserStoreId", "JobIds")

# The error codes the Python SDK raises of its own (tencentcloud/common), for errors
# that are not an answer of the API: no connection, an HTTP status other than 200, a
# bad parameter. ciam_client.py also raises the name of any Python exception
# (JSONDecodeError, KeyError...) as a code; is_sdk_own recognises those too.
SDK_OWN_CODES = frozenset([
    "ClientNetworkError", "ServerNetworkError", "ClientParamsError", "ClientError",
    "ClientError.MetadataError", "ClientSideError", "InvalidCredential", "JSONDecodeError",
])

# The line tccli prints for a TencentCloudSDKException (its __str__).
SDK_ERROR = re.compile(r"\[TencentCloudSDKException\] code:(.*?) message:(.*) requestId:(.*)\Z", re.S)

_log = sys.stderr  # the adapter's own log lines


def log(msg):
    _log.write("tccli adapter: %s\n" % msg)
    _log.flush()


# --- Per-thread capture of what tccli prints -------------------------------------

_tls = threading.local()


class _Keep(io.BytesIO):
    """A BytesIO that outlives the TextIOWrappers tccli puts around it (a wrapper
    closes what it wraps when it is collected)."""

    def close(self):
        pass


class ThreadStream(object):
    """A text stream that writes to the buffer of the calling thread's tccli call,
    or to `other` outside a call: sys.stdout and sys.stderr while tccli runs, so that
    nothing tccli prints reaches the protocol's stdout or mixes between calls."""

    def __init__(self, name, other):
        self._name = name
        self._other = other
        self.encoding = "utf-8"
        self.errors = "strict"

    def _target(self):
        cap = getattr(_tls, "capture", None)
        return cap[self._name] if cap is not None else self._other

    def write(self, s):
        return self._target().write(s)

    def flush(self):
        t = self._target()
        if hasattr(t, "flush"):
            t.flush()

    def isatty(self):
        return False

    def fileno(self):
        raise io.UnsupportedOperation("fileno")

    @property
    def buffer(self):
        t = self._target()
        return t.buffer if hasattr(t, "buffer") else t


class SysForFormatOutput(object):
    """What tccli.format_output sees as `sys`: the real module, except that its
    stdout is the calling thread's (it assigns a new TextIOWrapper over
    sys.stdout.buffer on every call)."""

    def __getattr__(self, name):
        return getattr(sys, name)

    @property
    def stdout(self):
        return _tls.format_stdout

    @stdout.setter
    def stdout(self, value):
        _tls.format_stdout = value


def _format_print(*args, **kwargs):
    """print for tccli.format_output: to the calling thread's stdout."""
    kwargs.setdefault("file", _tls.format_stdout)
    builtins.print(*args, **kwargs)


# --- Secrets ---------------------------------------------------------------------

_SIG = re.compile(r"(Signature=)[^&\s,\"]*")


def scrub(text, cred):
    """text without the intent's secret key and token, or any signature."""
    s = "" if text is None else str(text)
    for secret in (cred.get("secretKey"), cred.get("token")):
        if isinstance(secret, str) and secret:
            s = s.replace(secret, "<redacted>")
    return _SIG.sub(r"\1<redacted>", s)


# --- Setting tccli up -------------------------------------------------------------


class Tccli(object):
    """tccli loaded in this process, with a private HOME."""

    def __init__(self):
        sweep_homes(tempfile.gettempdir())
        self.home = tempfile.mkdtemp(prefix="tccli-home-%d-" % os.getpid())
        os.environ["HOME"] = self.home
        # tccli and the SDK read these; the intent alone says what to send.
        for name in list(os.environ):
            up = name.upper()
            if up.startswith(("TENCENTCLOUD_", "TCCLI_", "TKE_")) or up in (
                    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
                del os.environ[name]
        self.protocol_out = None
        self._load()

    def _load(self):
        # The log first: tccli.argparser and tccli.main open $HOME/.tccli/log/tccli.log
        # when imported.
        import tccli.log

        def init(name):
            logger = logging.getLogger(name)
            logger.handlers[:] = [logging.NullHandler()]
            logger.propagate = False
            return logger

        tccli.log.init = init
        real_stdout = sys.stdout
        import tccli.main  # re-wraps sys.stdout and reloads sys when imported
        import tccli.format_output
        import tccli.command
        from tccli import __version__
        from tencentcloud.common.profile import http_profile
        from tencentcloud.common.http import request as sdk_request

        # The protocol's stdout: the file descriptor, whatever tccli did to sys.stdout.
        self.protocol_out = io.open(os.dup(real_stdout.fileno()), "w", encoding="utf-8", newline="\n")
        sys.stdout = ThreadStream("stdout", sys.stderr)
        sys.stderr = ThreadStream("stderr", sys.__stderr__)
        tccli.format_output.sys = SysForFormatOutput()
        tccli.format_output.print = _format_print

        original_profile_init = http_profile.HttpProfile.__init__

        def profile_init(self, protocol=None, *args, **kwargs):
            forced = getattr(_tls, "protocol", None)
            original_profile_init(self, forced or protocol, *args, **kwargs)

        http_profile.HttpProfile.__init__ = profile_init

        original_conn_init = sdk_request.ProxyConnection.__init__

        def conn_init(self, *args, **kwargs):
            original_conn_init(self, *args, **kwargs)
            self._session.send = recording(self._session.send)

        sdk_request.ProxyConnection.__init__ = conn_init

        self.version = __version__
        self.main = tccli.main
        # One CLICommand per way of passing parameters: tccli caches an action's
        # option map on its first call, with or without --cli-input-json.
        self.commands = {"options": tccli.command.CLICommand(), "json": tccli.command.CLICommand()}
        tccli.main.CLICommand = lambda: (lambda args=None: self.commands[_tls.mode](list(_tls.argv)))
        # Their first call builds the map of every service and of ListJobs' options
        # (~1 s); concurrent first calls would each build it. `help` builds them and
        # sends nothing.
        for mode, argv in (("options", [SERVICE, ACTION, "help"]),
                           ("json", [SERVICE, ACTION, "--cli-input-json", "file:///dev/null", "help"])):
            status, _, err, _ = self.run(argv, mode, None)
            if status != 0:
                raise RuntimeError("tccli %s exited %s: %s" % (" ".join(argv), status, last_lines(err)))

    def run(self, argv, mode, protocol):
        """Runs `tccli ARGV` as tccli's main() does; returns (exit status, stdout,
        stderr, round trips)."""
        out, err = io.StringIO(), io.StringIO()
        _tls.capture = {"stdout": out, "stderr": err}
        _tls.format_stdout = io.TextIOWrapper(_Keep(), encoding="utf-8")
        _tls.argv, _tls.mode, _tls.protocol, _tls.trips = argv, mode, protocol, []
        try:
            try:
                status = self.main.main()
            except SystemExit as e:  # argparse: a bad option, or --version
                status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            except BaseException as e:  # nothing of tccli's may end the adapter
                err.write("tccli raised %s: %s\n" % (type(e).__name__, e))
                status = 1
            fo = _tls.format_stdout
            fo.flush()
            printed = fo.buffer.getvalue().decode("utf-8", "replace")
            return status, out.getvalue() + printed, err.getvalue(), _tls.trips
        finally:
            _tls.capture = None
            _tls.protocol = None
            _tls.trips = None

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)


_HOME = re.compile(r"tccli-home-(\d+)-")


def sweep_homes(tmp):
    """Removes the private HOMEs that adapters killed before their exit left in tmp
    (the harness kills an adapter with SIGKILL when it overstays): those named with
    the id of a process that is gone, and owned by this user."""
    try:
        names = os.listdir(tmp)
    except OSError:
        return
    for name in names:
        m = _HOME.match(name)
        path = os.path.join(tmp, name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            if os.lstat(path).st_uid != os.getuid():
                continue
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


# --- Recording the round trips ----------------------------------------------------


def now_ms():
    return time.time() * 1000.0


def header_lists(headers):
    return {str(k): [v if isinstance(v, str) else str(v)] for k, v in (headers or {}).items()}


def text_of(body):
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return str(body)


def recording(send):
    """send of a requests.Session, recording each round trip in the calling thread's
    list (the response is read whole; requests keeps it for the SDK)."""

    def wrapped(prepared, **kwargs):
        trips = getattr(_tls, "trips", None)
        trip = {"method": prepared.method, "url": prepared.url,
                "requestHeaders": header_lists(prepared.headers),
                "requestBody": text_of(prepared.body), "status": 0, "start": now_ms()}
        if trips is not None:
            trips.append(trip)
        try:
            resp = send(prepared, **kwargs)
            body = resp.content
        except BaseException as e:
            trip["end"] = now_ms()
            trip["error"] = "%s: %s" % (type(e).__name__, e)
            raise
        trip["end"] = now_ms()
        trip["status"] = resp.status_code
        trip["headers"] = {k: [v] for k, v in resp.headers.items()}
        trip["body"] = text_of(body)
        return resp

    return wrapped


# --- Intents to command lines, outcomes from what tccli printed -------------------


class Refused(Exception):
    """An intent tccli cannot express: an outcome error without a code."""


def endpoint_option(ep):
    if not isinstance(ep, dict):
        raise Refused("the intent has no endpoint object")
    host, port, scheme = ep.get("host"), ep.get("port"), ep.get("scheme")
    if not isinstance(host, str) or not host:
        raise Refused("the intent's endpoint has no host")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise Refused("the intent's endpoint port %r is not a port number" % (port,))
    if scheme not in ("http", "https"):
        raise Refused("the intent's endpoint scheme %r is neither http nor https" % (scheme,))
    if ":" in host:
        host = "[%s]" % host
    return scheme, "%s:%d" % (host, port)


def command_line(intent, files):
    """The tccli argv of an intent, the way of passing its parameters ("options" or
    "json"), and the protocol to force; files makes a file for --cli-input-json."""
    method = intent.get("method", "POST")
    if method != "POST":
        raise Refused("tccli sends POST only, not %r: it has no request-method option" % (method,))
    sign = intent.get("signMethod", "TC3-HMAC-SHA256")
    if sign != "TC3-HMAC-SHA256":
        raise Refused("tccli signs with TC3-HMAC-SHA256 only, not %r: it has no sign-method option" % (sign,))
    if intent.get("headers"):
        raise Refused("tccli has no option to send a request header (%s)" % ", ".join(sorted(intent["headers"])))
    if intent.get("rateLimitExceededMaxRetries", 0):
        raise Refused("tccli has no retry of its own")
    action, version = intent.get("action", ACTION), intent.get("version", VERSION)
    if not isinstance(action, str) or not isinstance(version, str):
        raise Refused("the intent's action and version must be strings")
    cred = intent.get("credential")
    if not isinstance(cred, dict) or not isinstance(cred.get("secretId"), str) or not isinstance(cred.get("secretKey"), str):
        raise Refused("the intent's credential needs a secretId and a secretKey")
    params = intent.get("params", {})
    if not isinstance(params, dict):
        raise Refused("tccli takes parameters as options or a JSON object, not %s" % type(params).__name__)
    scheme, endpoint = endpoint_option(intent.get("endpoint"))
    region = intent.get("region", "")
    if not isinstance(region, str):
        raise Refused("the intent's region must be a string")

    argv = [SERVICE, action]
    # The options carry a string UserStoreId (required: tccli refuses to send without
    # it) and any JSON JobIds; anything else goes as --cli-input-json, which tccli
    # sends without checking a parameter's presence or type. So does a UserStoreId that
    # starts with "-", which tccli's parser would read as an option of its own.
    store = params.get("UserStoreId")
    by_options = all(k in OPTION_PARAMS for k in params) and isinstance(store, str) and not store.startswith("-")
    if by_options:
        mode = "options"
        if "UserStoreId" in params:
            argv += ["--UserStoreId", params["UserStoreId"]]
        if "JobIds" in params:  # tccli reads an Array option as JSON
            argv += ["--JobIds", json.dumps(params["JobIds"], ensure_ascii=False)]
    else:
        mode = "json"
        argv += ["--cli-input-json", "file://" + files(json.dumps(params, ensure_ascii=False))]
    argv += ["--region", region, "--endpoint", endpoint,
             "--secretId", cred["secretId"], "--secretKey", cred["secretKey"]]
    token = cred.get("token")
    if isinstance(token, str) and token:
        argv += ["--token", token]
    timeout = intent.get("timeoutSeconds")
    if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0:
        argv += ["--timeout", str(timeout)]
    language = intent.get("language")
    if language:
        argv += ["--language", str(language)]
    if version != VERSION:
        argv += ["--version", version]
    return argv, mode, ("http" if scheme == "http" else None)


def is_sdk_own(code):
    """Whether code is one the SDK raises of its own rather than one the API
    answered."""
    if code in SDK_OWN_CODES:
        return True
    cls = getattr(builtins, code, None)
    return isinstance(cls, type) and issubclass(cls, BaseException)


def last_lines(text, n=6, width=600):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    s = "\n".join(lines[-n:])
    return s if len(s) <= width else "..." + s[-width:]


def outcome_of(status, stdout, stderr):
    """The outcome fields of what tccli printed and its exit status."""
    if status == 0:
        try:
            obj = json.loads(stdout)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            return {"response": obj}
        return {"error": {"code": "", "requestId": "",
                          "message": "tccli exited 0 without printing a JSON object; it printed %r" % last_lines(stdout)}}
    m = SDK_ERROR.search(stderr.strip())
    if m:
        code, message, request_id = m.group(1), m.group(2), m.group(3)
        if request_id == "None":
            request_id = ""
        if code and code != "None" and not is_sdk_own(code):
            return {"error": {"code": code, "message": message, "requestId": request_id}}
        return {"error": {"code": "", "requestId": request_id,
                          "message": "tccli exited %s with an error of its SDK: %s" % (status, last_lines(stderr, 2))}}
    return {"error": {"code": "", "requestId": "",
                      "message": "tccli exited %s: %s" % (status, last_lines(stderr) or last_lines(stdout) or "(nothing printed)")}}


# --- The protocol -----------------------------------------------------------------


class Adapter(object):
    def __init__(self, cli, out):
        self.cli = cli
        self.out = out
        self.lock = threading.Lock()
        self.seq = 0

    def write(self, obj):
        line = json.dumps(obj, ensure_ascii=False)
        with self.lock:
            self.out.write(line + "\n")
            self.out.flush()

    def hello(self):
        self.write({
            "type": "hello", "protocol": PROTOCOL, "adapter": "tccli", "sdk": "tccli",
            "sdkVersion": self.cli.version, "runtime": "python " + platform.python_version(),
            "capabilities": {
                "methods": ["POST"],
                "signMethods": ["TC3-HMAC-SHA256"],
                # --region (--region '' sends none) and --language; no other header.
                "headers": ["X-TC-Region", "X-TC-Language"],
                "languages": ["zh-CN", "en-US"],
                "retry": False,
                # A null parameter is dropped by the SDK's request model.
                "nulls": False,
            }})

    def file_maker(self, made):
        def make(text):
            with self.lock:
                self.seq += 1
                n = self.seq
            path = os.path.join(self.cli.home, "input-%d.json" % n)
            with io.open(path, "w", encoding="utf-8") as f:
                f.write(text)
            made.append(path)
            return path
        return make

    def call(self, intent):
        """The outcome of one intent (never raises)."""
        cred = intent.get("credential") if isinstance(intent.get("credential"), dict) else {}
        out = {"type": "outcome", "id": intent["id"]}
        made = []
        try:
            argv, mode, protocol = command_line(intent, self.file_maker(made))
            status, stdout, stderr, trips = self.cli.run(argv, mode, protocol)
            result = outcome_of(status, stdout, stderr)
            if trips:
                out["http"] = [scrub_trip(t, cred) for t in trips]
        except Refused as e:
            result = {"error": {"code": "", "message": "tccli cannot send this: %s" % e, "requestId": ""}}
        except Exception as e:  # a bug of the adapter: said, not a crash
            result = {"error": {"code": "", "message": "adapter: %s: %s" % (type(e).__name__, e), "requestId": ""}}
        finally:
            for p in made:
                try:
                    os.remove(p)
                except OSError:
                    pass
        if "error" in result:
            e = result["error"]
            e["message"] = scrub(e["message"], cred)
            e["requestId"] = scrub(e["requestId"], cred)
        out.update(result)
        return out

    def handle(self, line):
        """Reads one line of stdin; starts its call in a thread of its own."""
        if not line.strip():
            return
        try:
            intent = json.loads(line)
        except ValueError as e:
            log("a line that is not JSON (%s), ignored" % e)
            return
        if not isinstance(intent, dict) or intent.get("type") != "call":
            log("a line that is not an intent (type %r), ignored" % (intent.get("type") if isinstance(intent, dict) else type(intent).__name__))
            return
        if not isinstance(intent.get("id"), str):
            log("an intent without a string id, ignored")
            return
        t = threading.Thread(target=lambda: self.write(self.call(intent)), daemon=True)
        t.start()
        return t


def scrub_trip(t, cred):
    t = dict(t)
    for k in ("url", "requestBody", "body", "error"):
        if k in t:
            t[k] = scrub(t[k], cred)
    t["requestHeaders"] = {k: [scrub(v, cred) for v in vs] for k, vs in t.get("requestHeaders", {}).items()}
    return t


def main():
    cli = Tccli()

    def stop(signum, frame):
        cli.close()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threads = []
    try:
        adapter = Adapter(cli, cli.protocol_out)
        adapter.hello()
        # readline, not iteration: a line is handled as soon as it arrives.
        for raw in iter(sys.stdin.buffer.readline, b""):
            t = adapter.handle(raw.decode("utf-8", "replace"))
            if t is not None:
                threads.append(t)
                threads = [x for x in threads if x.is_alive()]
        for t in threads:
            t.join()
    finally:
        cli.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
