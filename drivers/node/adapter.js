#!/usr/bin/env node
// The conformance harness's adapter for the official Node.js SDK, tencentcloud-sdk-nodejs
// (pinned in package.json; `npm ci` here installs it). The harness starts it
// (--driver node) and speaks the protocol of DRIVERS.md over stdin and stdout: a hello
// line first, then one outcome line for every intent line, several in flight.
//
// Each intent is sent as a Node user sends ListJobs: new ciam.v20220331.Client({
// credential, region, profile }).ListJobs(params), with profile.httpProfile.reqMethod
// GET or POST and profile.signMethod TC3-HMAC-SHA256, HmacSHA1 or HmacSHA256. An
// intent with another action or version goes through the SDK's CommonClient
// (new CommonClient(endpoint, version, ...).request(action, params)).
//
// Pointing the SDK at host:port. The SDK takes the credential scope's service from the
// endpoint's first DNS label, so 127.0.0.1:PORT would sign for the service "127". An
// endpoint whose host does not start with "ciam." is therefore given to the SDK as
// "ciam.tencentcloudapi.com:PORT", with an http.Agent (https.Agent) whose lookup
// resolves that name to the intent's host: the SDK connects to the endpoint, signs for
// "ciam", and sends "Host: ciam.tencentcloudapi.com:PORT". (It signs the host without
// the port, as it does for every endpoint; the emulator accepts that on a port other
// than the default, see emulator/doc.go.) The SDK's `proxy` option tunnels with
// CONNECT, so it cannot reach a plain HTTP endpoint; the agent can.
//
// The SDK has no rate-limit retry of its own (4.1.313: no such profile option, no
// retry in abstract_client.js): the hello says capabilities.retry false.
//
// What the SDK saw on the wire is recorded by wrapping the node-fetch the SDK calls
// (its http/fetch.js calls require("node-fetch").default at every request): the
// request as sent and the response as received, which the harness holds the SDK's
// report against. The response is read whole and handed to the SDK as a new Response
// with the same status, headers and body.
//
// Secrets: nothing this adapter writes carries the secret key or the token of an
// intent: error messages are scrubbed of both and of signatures (an SDK error may quote
// a signature v1 GET URL, whose query holds the Signature and the Token).
"use strict";

const dns = require("dns");
const http = require("http");
const https = require("https");
const path = require("path");
const readline = require("readline");
const { AsyncLocalStorage } = require("async_hooks");

// The ciam service alone: the same Client class as require("tencentcloud-sdk-nodejs")
// .ciam.v20220331.Client, without loading every other service (seconds).
const { ciam } = require("tencentcloud-sdk-nodejs/tencentcloud/services/ciam");
const { CommonClient } = require("tencentcloud-sdk-nodejs/tencentcloud/common/common_client");
const { sdkVersion } = require("tencentcloud-sdk-nodejs/tencentcloud/common/sdk_version");

const CiamClient = ciam.v20220331.Client;
const ACTION = "ListJobs";
const VERSION = "2022-03-31";
const SDK_NAME = "tencentcloud-sdk-nodejs";
const PROTOCOL = 1;

// The node-fetch the SDK calls, found from the SDK's own http folder.
const sdkHTTP = path.dirname(require.resolve("tencentcloud-sdk-nodejs/tencentcloud/common/http/fetch"));
const nodeFetch = require(require.resolve("node-fetch", { paths: [sdkHTTP] }));
const trips = new AsyncLocalStorage();
const originalFetch = nodeFetch.default;

nodeFetch.default = async function recordingFetch(url, options) {
  const record = trips.getStore();
  const trip = {
    method: (options && options.method) || "GET",
    url: String(url),
    requestHeaders: headerLists(options && options.headers),
    requestBody: options && typeof options.body === "string" ? options.body : "",
    status: 0,
    body: "",
    start: now(),
  };
  if (record) record.push(trip);
  let res;
  try {
    res = await originalFetch(url, options);
  } catch (e) {
    trip.error = String((e && e.message) || e);
    trip.end = now();
    throw e;
  }
  const body = await res.buffer();
  trip.end = now();
  trip.status = res.status;
  trip.headers = res.headers.raw();
  trip.body = body.toString("utf8");
  return new nodeFetch.Response(body, { status: res.status, statusText: res.statusText, headers: res.headers, url: res.url });
};

// now is the time in Unix milliseconds, with fractions.
function now() {
  return performance.timeOrigin + performance.now();
}

// headerLists turns request headers into {name: [values]}.
function headerLists(h) {
  const out = {};
  for (const [k, v] of Object.entries(h || {})) {
    if (v !== undefined && v !== null) out[k] = [String(v)];
  }
  return out;
}

// agents holds one keep-alive agent per endpoint.
const agents = new Map();

// target returns the SDK endpoint, protocol and agent of an intent's endpoint.
function target(ep) {
  const scheme = ep.scheme === "https" ? "https" : "http";
  const defaultPort = scheme === "https" ? 443 : 80;
  const port = ep.port && ep.port !== defaultPort ? ":" + ep.port : "";
  const key = `${scheme}://${ep.host}:${ep.port}`;
  if (ep.host.startsWith("ciam.")) {
    return { endpoint: ep.host + port, protocol: scheme + "://", agent: undefined };
  }
  let agent = agents.get(key);
  if (!agent) {
    const lookup = (_name, opts, cb) => dns.lookup(ep.host, opts, cb);
    agent = scheme === "https"
      ? new https.Agent({ keepAlive: true, lookup, servername: isIP(ep.host) ? "" : ep.host })
      : new http.Agent({ keepAlive: true, lookup });
    agents.set(key, agent);
  }
  return { endpoint: "ciam.tencentcloudapi.com" + port, protocol: scheme + "://", agent };
}

function isIP(host) {
  return require("net").isIP(host) !== 0;
}

// scrub removes an intent's secret key and token, and any signature, from text.
function scrub(text, cred) {
  let s = String(text);
  for (const secret of [cred && cred.secretKey, cred && cred.token]) {
    if (secret) s = s.split(secret).join("<redacted>");
  }
  return s.replace(/(Signature=)[^&\s,"]*/g, "$1<redacted>").replace(/((?:^|[?&])Token=)[^&\s"]*/g, "$1<redacted>");
}

// call sends one intent through the SDK and returns its outcome.
async function call(intent) {
  const out = { type: "outcome", id: intent.id };
  const cred = intent.credential || {};
  const record = [];
  try {
    const { endpoint, protocol, agent } = target(intent.endpoint);
    const profile = {
      signMethod: intent.signMethod || "TC3-HMAC-SHA256",
      httpProfile: { endpoint, protocol, reqMethod: intent.method, reqTimeout: intent.timeoutSeconds || 60, agent },
    };
    if (intent.language) profile.language = intent.language;
    if (intent.headers) profile.httpProfile.headers = intent.headers;
    const config = {
      credential: { secretId: cred.secretId, secretKey: cred.secretKey, token: cred.token || undefined },
      region: intent.region,
      profile,
    };
    const params = intent.params || {};
    const response = await trips.run(record, () => {
      if (intent.action === ACTION && intent.version === VERSION) {
        return new CiamClient(config).ListJobs(params);
      }
      return new CommonClient(endpoint, intent.version, config).request(intent.action, params);
    });
    out.response = response;
  } catch (e) {
    let message = String((e && e.message) || e);
    if (e && e.httpCode) message = `HTTP ${e.httpCode}: ${message}`;
    out.error = { code: (e && e.code) || "", message: scrub(message, cred), requestId: (e && e.requestId) || "" };
  }
  if (record.length > 0) {
    out.http = record.map((t) => ({
      ...t,
      url: scrub(t.url, cred),
      requestHeaders: Object.fromEntries(Object.entries(t.requestHeaders).map(([k, vs]) => [k, vs.map((v) => scrub(v, cred))])),
      requestBody: scrub(t.requestBody, cred),
      error: t.error === undefined ? undefined : scrub(t.error, cred),
    }));
  }
  return out;
}

function write(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

write({
  type: "hello",
  protocol: PROTOCOL,
  adapter: "node",
  sdk: SDK_NAME,
  sdkVersion,
  runtime: "node " + process.version,
  capabilities: {
    methods: ["GET", "POST"],
    signMethods: ["TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"],
    headers: ["X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language", "*"],
    languages: ["zh-CN", "en-US"],
    retry: false,
    // http_connection.js deepRemoveNull drops every parameter set to null before it
    // signs and sends: a null parameter would go out as an absent one.
    nulls: false,
  },
});

let inFlight = 0;
let closed = false;
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  if (line.trim() === "") return;
  let intent;
  try {
    intent = JSON.parse(line);
  } catch (e) {
    process.stderr.write("adapter: an intent that is not JSON: " + e.message + "\n");
    process.exit(3);
  }
  if (intent.type !== "call" || typeof intent.id !== "string") {
    process.stderr.write("adapter: a line that is not an intent\n");
    process.exit(3);
  }
  inFlight++;
  call(intent).then(
    (o) => write(o),
    (e) => write({ type: "outcome", id: intent.id, error: { code: "", message: scrub("adapter: " + ((e && e.message) || e), intent.credential), requestId: "" } }),
  ).finally(() => {
    inFlight--;
    if (closed && inFlight === 0) finish();
  });
});
rl.on("close", () => {
  closed = true;
  if (inFlight === 0) finish();
});

// finish lets the process end once stdin is closed and every outcome is written.
function finish() {
  for (const agent of agents.values()) agent.destroy();
}
