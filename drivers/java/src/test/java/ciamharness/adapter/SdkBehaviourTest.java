package ciamharness.adapter;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.tencentcloudapi.ciam.v20220331.CiamClient;
import com.tencentcloudapi.ciam.v20220331.models.ListJobsRequest;
import com.tencentcloudapi.common.AbstractModel;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What tencentcloud-sdk-java does, observed through the adapter's Caller against a loopback
 * server: each test confirms or refutes a point of the reading of the SDK that the adapter
 * relies on or that SDK-FINDINGS.md (Java) reports.
 */
class SdkBehaviourTest {
    static final String SECRET = "sentinel-secret-key-0123456789";

    static JsonObject call(JsonObject intent) throws Exception {
        return Caller.call(Intent.parse(intent, intent.get("id").getAsString()));
    }

    static String errorMessage(JsonObject outcome) {
        return outcome.getAsJsonObject("error").get("message").getAsString();
    }

    static String errorCode(JsonObject outcome) {
        return outcome.getAsJsonObject("error").get("code").getAsString();
    }

    @Test
    void typedPostAsTheSdkSendsIt() throws Exception {
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject o = call(s.intent("1"));
            assertEquals("1", o.get("id").getAsString());
            assertEquals(new JsonArray(), o.getAsJsonObject("response").get("JobSet"));
            Stub.Received r = s.last();
            assertEquals("POST", r.method);
            // Compact Gson, no spaces.
            assertEquals("{\"UserStoreId\":\"us-1\"}", r.body);
            assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
            // Host and the signed host: the endpoint the SDK was given, port included.
            assertEquals("ciam.tencentcloudapi.com:" + s.port(), r.header("Host"));
            assertTrue(r.header("Authorization").contains("/ciam/tc3_request"), r.header("Authorization"));
            assertEquals("SDK_JAVA_" + Caller.sdkVersion(), r.header("X-TC-RequestClient"));
            assertEquals("ListJobs", r.header("X-TC-Action"));
            assertEquals("2022-03-31", r.header("X-TC-Version"));
            assertEquals("ap-guangzhou", r.header("X-TC-Region"));
            // No language unless the caller sets one, no trace id, no token for a long-term key.
            assertNull(r.header("X-TC-Language"));
            assertNull(r.header("X-TC-TraceId"));
            assertNull(r.header("X-TC-Token"));
            assertTrue(tc3Signs(r, "application/json; charset=utf-8", "ciam.tencentcloudapi.com:" + s.port()));
            JsonObject trip = o.getAsJsonArray("http").get(0).getAsJsonObject();
            assertEquals("http://ciam.tencentcloudapi.com:" + s.port() + "/", trip.get("url").getAsString());
            assertEquals(200, trip.get("status").getAsInt());
            assertEquals(Stub.OK, trip.get("body").getAsString());
            assertEquals("{\"UserStoreId\":\"us-1\"}", trip.get("requestBody").getAsString());
            assertTrue(trip.get("end").getAsDouble() >= trip.get("start").getAsDouble());
        }
    }

    @Test
    void jobFieldsAsTheModelDecodesThem() throws Exception {
        String body = "{\"Response\":{\"JobSet\":[{\"Id\":\"j1\",\"Status\":\"SUCCESS\",\"Type\":\"IMPORT_USER\","
                + "\"CreatedDate\":1715156770024,\"Format\":null,\"Location\":\"https://x/y?a=b\",\"Extra\":1}],"
                + "\"RequestId\":\"r-1\",\"Unknown\":true}}";
        try (Stub s = Stub.answering(200, "application/json", body)) {
            JsonObject resp = call(s.intent("1")).getAsJsonObject("response");
            JsonObject job = resp.getAsJsonArray("JobSet").get(0).getAsJsonObject();
            assertEquals(1715156770024L, job.get("CreatedDate").getAsLong());
            assertEquals("https://x/y?a=b", job.get("Location").getAsString());
            // Unknown members are dropped; a null and an absent field both read as null.
            assertFalse(job.has("Extra"));
            assertFalse(resp.has("Unknown"));
            assertTrue(job.get("Format").isJsonNull());
            assertTrue(job.get("ErrorDetails").isJsonNull());
            assertEquals("r-1", resp.get("RequestId").getAsString());
        }
    }

    @Test
    void aNullJobSetAndAnAbsentOneReadTheSame() throws Exception {
        for (String body : new String[] {
                "{\"Response\":{\"JobSet\":null,\"RequestId\":\"r\"}}", "{\"Response\":{\"RequestId\":\"r\"}}"}) {
            try (Stub s = Stub.answering(200, "application/json", body)) {
                JsonObject resp = call(s.intent("1")).getAsJsonObject("response");
                assertTrue(resp.get("JobSet").isJsonNull(), body);
            }
        }
    }

    @Test
    void aBodyWithoutResponseIsARawNullPointerException() throws Exception {
        for (String body : new String[] {"{}", "", "{\"response\":{}}"}) {
            try (Stub s = Stub.answering(200, "application/json", body)) {
                JsonObject o = call(s.intent("1"));
                assertEquals("", errorCode(o), body);
                assertTrue(errorMessage(o).contains("java.lang.NullPointerException"), errorMessage(o));
            }
        }
    }

    @Test
    void aSuccessOfAnotherTypeIsARawJsonSyntaxException() throws Exception {
        for (String body : new String[] {
                "{\"Response\":{\"JobSet\":\"x\",\"RequestId\":\"r\"}}",
                "{\"Response\":{\"JobSet\":[{\"CreatedDate\":1.5}],\"RequestId\":\"r\"}}"}) {
            try (Stub s = Stub.answering(200, "application/json", body)) {
                JsonObject o = call(s.intent("1"));
                assertEquals("", errorCode(o), body);
                assertTrue(errorMessage(o).contains("com.google.gson.JsonSyntaxException"), errorMessage(o));
            }
        }
    }

    @Test
    void aNumberGivenAsAStringIsTakenForANumber() throws Exception {
        // Gson reads "123" into the Long CreatedDate: a type the contract forbids passes.
        String body = "{\"Response\":{\"JobSet\":[{\"Id\":\"j\",\"CreatedDate\":\"123\"}],\"RequestId\":\"r\"}}";
        try (Stub s = Stub.answering(200, "application/json", body)) {
            JsonObject job = call(s.intent("1")).getAsJsonObject("response").getAsJsonArray("JobSet").get(0).getAsJsonObject();
            assertEquals(123L, job.get("CreatedDate").getAsLong());
            assertTrue(job.get("CreatedDate").getAsJsonPrimitive().isNumber());
        }
    }

    @Test
    void aByteOrderMarkIsDroppedBeforeTheSdkReadsTheBody() throws Exception {
        // OkHttp's ResponseBody.string() skips a UTF-8 byte-order mark: a body that is not
        // strict JSON (T6, the mutant byte-order-mark) decodes as if it were.
        try (Stub s = Stub.answering(200, "application/json", "\uFEFF" + Stub.OK)) {
            JsonObject o = call(s.intent("1"));
            assertTrue(o.has("response"), o.toString());
            assertTrue(o.getAsJsonArray("http").get(0).getAsJsonObject().get("body").getAsString().startsWith("\uFEFF"));
        }
    }

    @Test
    void aRequestIdThatIsANumberIsReadAsAString() throws Exception {
        // Gson reads a JSON number into the String RequestId (the mutant requestid-number:
        // T8 wants a string; the caller gets one).
        try (Stub s = Stub.answering(200, "application/json", "{\"Response\":{\"JobSet\":[],\"RequestId\":123456}}")) {
            JsonObject r = call(s.intent("1")).getAsJsonObject("response");
            assertTrue(r.get("RequestId").getAsJsonPrimitive().isString());
            assertEquals("123456", r.get("RequestId").getAsString());
        }
        String err = "{\"Response\":{\"Error\":{\"Code\":\"InvalidParameter\",\"Message\":\"m\"},\"RequestId\":7}}";
        try (Stub s = Stub.answering(200, "application/json", err)) {
            assertEquals("7", call(s.intent("1")).getAsJsonObject("error").get("requestId").getAsString());
        }
    }

    @Test
    void aBodyThatIsNotJsonIsAnErrorWithoutCode() throws Exception {
        try (Stub s = Stub.answering(200, "text/html", "<html>bad gateway</html>")) {
            JsonObject o = call(s.intent("1"));
            assertEquals("", errorCode(o));
            assertTrue(errorMessage(o).contains("json is not a valid representation"), errorMessage(o));
        }
    }

    @Test
    void anErrorIsDecodedWhateverTheContentType() throws Exception {
        String body = "{\"Response\":{\"Error\":{\"Code\":\"InvalidParameter\",\"Message\":\"m\"},\"RequestId\":\"r-9\"}}";
        try (Stub s = Stub.answering(200, "text/html; charset=gbk", body)) {
            JsonObject e = call(s.intent("1")).getAsJsonObject("error");
            assertEquals("InvalidParameter", e.get("code").getAsString());
            assertEquals("m", e.get("message").getAsString());
            assertEquals("r-9", e.get("requestId").getAsString());
        }
    }

    @Test
    void aStatusOtherThan200IsServerSideErrorAndTheBodyIsNotRead() throws Exception {
        String body = "{\"Response\":{\"Error\":{\"Code\":\"InternalError\",\"Message\":\"m\"},\"RequestId\":\"r-5\"}}";
        try (Stub s = Stub.answering(502, "application/json", body)) {
            Intent in = Intent.parse(s.intent("1"), "1");
            Recorder rec = new Recorder();
            TencentCloudSDKException e = assertThrows(TencentCloudSDKException.class, () -> Caller.send(in, rec));
            assertEquals("ServerSideError", e.getErrorCode());
            assertEquals("", e.getRequestId());
            assertEquals("response code is 502, not 200", e.getMessage());
            rec.finish(5);
            Recorder.Trip t = rec.trips().get(0);
            assertEquals(0, t.readBySdk, "the SDK read the body of a 502");
            assertEquals(body, t.body.toString(StandardCharsets.UTF_8), "the recorder reads it after the call");
            // Reported as an error of the SDK's own: no code, the SDK's code in the message.
            JsonObject o = call(s.intent("2"));
            assertEquals("", errorCode(o));
            assertTrue(errorMessage(o).startsWith("TencentCloudSDKException ServerSideError: response code is 502"), errorMessage(o));
            assertEquals(body, o.getAsJsonArray("http").get(0).getAsJsonObject().get("body").getAsString());
        }
    }

    @Test
    void aConnectionRefusedIsAnErrorWithoutCode() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            in.getAsJsonObject("endpoint").addProperty("port", port);
            JsonObject o = call(in);
            assertEquals("", errorCode(o));
            assertTrue(errorMessage(o).contains("ConnectException"), errorMessage(o));
            JsonObject trip = o.getAsJsonArray("http").get(0).getAsJsonObject();
            assertEquals(0, trip.get("status").getAsInt());
            assertTrue(trip.get("error").getAsString().contains("ConnectException"));
        }
    }

    @Test
    void theGetQueryIsInHashMapOrderAndURLEncoderEncoding() throws Exception {
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            in.addProperty("method", "GET");
            JsonArray ids = new JsonArray();
            ids.add("j0");
            ids.add("a b~c");
            ids.add("j2");
            in.getAsJsonObject("params").add("JobIds", ids);
            call(in);
            Stub.Received r = s.last();
            assertEquals("GET", r.method);
            assertEquals("application/x-www-form-urlencoded", r.header("Content-Type"));
            assertEquals("", r.body);
            // The order a HashMap of these keys iterates in, not sorted, not as given.
            HashMap<String, String> m = new HashMap<>();
            m.put("UserStoreId", "us-1");
            m.put("JobIds.0", "j0");
            m.put("JobIds.1", "a+b%7Ec");
            m.put("JobIds.2", "j2");
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, String> e : m.entrySet()) {
                parts.add(e.getKey() + "=" + e.getValue());
            }
            assertEquals(String.join("&", parts), r.rawQuery);
            assertEquals("JobIds.0=j0&JobIds.2=j2&JobIds.1=a+b%7Ec&UserStoreId=us-1", r.rawQuery);
        }
    }

    @Test
    void thePostBodyDoesNotEscapeHtml() throws Exception {
        // Refutes "HTML escaping on (= as \u003d)": AbstractModel.toJsonString writes a
        // JsonObject with toString(), whose JsonWriter is not HTML-safe.
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            in.getAsJsonObject("params").addProperty("UserStoreId", "a=b<c>&'d'");
            call(in);
            assertEquals("{\"UserStoreId\":\"a=b<c>&'d'\"}", s.last().body);
        }
    }

    @Test
    void anEmptyRegionIsSentAsAnEmptyHeader() throws Exception {
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            in.addProperty("region", "");
            call(in);
            assertEquals(1, s.last().count("X-TC-Region"));
            assertEquals("", s.last().header("X-TC-Region"));
        }
    }

    @Test
    void tokenLanguageAndCallerHeaders() throws Exception {
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            in.getAsJsonObject("credential").addProperty("token", "sentinel-token-abc");
            in.addProperty("language", "en-US");
            JsonObject h = new JsonObject();
            h.addProperty("X-TC-TraceId", "t-1");
            in.add("headers", h);
            JsonObject o = call(in);
            assertTrue(o.has("response"), o.toString());
            assertEquals("sentinel-token-abc", s.last().header("X-TC-Token"));
            assertEquals("en-US", s.last().header("X-TC-Language"));
            assertEquals("t-1", s.last().header("X-TC-TraceId"));
            assertFalse(o.toString().contains("sentinel-token-abc"), o.toString());

            in.addProperty("language", "fr-FR");
            o = call(in);
            assertEquals("", errorCode(o));
            assertTrue(errorMessage(o).contains("Language has no \"fr-FR\""), errorMessage(o));
        }
    }

    @Test
    void aCallersContentTypeReplacesTheSignedOne() throws Exception {
        // SDK-FINDINGS.md, Java 1: the SDK signs its own Content-Type but sends the caller's.
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            JsonObject h = new JsonObject();
            h.addProperty("Content-Type", "application/json");
            in.add("headers", h);
            call(in);
            Stub.Received r = s.last();
            String host = "ciam.tencentcloudapi.com:" + s.port();
            assertEquals("application/json", r.header("Content-Type"));
            assertTrue(tc3Signs(r, "application/json; charset=utf-8", host), "signed over the SDK's Content-Type");
            assertFalse(tc3Signs(r, "application/json", host), "signed over the Content-Type it sent");
        }
    }

    @Test
    void aCallersXTcHeaderIsSentBesideTheSdksOwn() throws Exception {
        // AbstractModel.SetHeader adds (Headers.Builder.add): a caller's X-TC-RequestClient
        // goes out as a second header, not in place of the SDK's.
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            JsonObject h = new JsonObject();
            h.addProperty("X-TC-RequestClient", "mine");
            in.add("headers", h);
            call(in);
            assertEquals(2, s.last().count("X-TC-RequestClient"), s.last().headers.toString());
        }
    }

    @Test
    void debugLoggingWritesTheTokenAndTheSignature() throws Exception {
        // ClientProfile.setDebug(true): TCLog logs every request's headers, X-TC-Token and
        // the Authorization signature included, through commons-logging.
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        StringBuilder logged = new StringBuilder();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                synchronized (logged) {
                    logged.append(r.getMessage()).append('\n');
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        root.addHandler(capture);
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            HttpProfile hp = new HttpProfile();
            hp.setProtocol(HttpProfile.REQ_HTTP);
            hp.setEndpoint("127.0.0.1:" + s.port());
            ClientProfile cp = new ClientProfile(ClientProfile.SIGN_TC3_256, hp);
            cp.setDebug(true);
            CiamClient c = new CiamClient(new Credential("AKIDx", SECRET, "sentinel-debug-token"), "ap-guangzhou", cp);
            ListJobsRequest req = new ListJobsRequest();
            req.setUserStoreId("us-1");
            c.ListJobs(req);
        } finally {
            root.removeHandler(capture);
        }
        String text;
        synchronized (logged) {
            text = logged.toString();
        }
        assertTrue(text.contains("sentinel-debug-token"), text);
        assertTrue(Pattern.compile("Signature=[0-9a-f]{64}").matcher(text).find(), text);
    }

    @Test
    void theSdksOwnClientHasNoReadTimeout() throws Exception {
        // HttpProfile's defaults: a 60 s connect timeout, and 0 (none, to OkHttp) for read
        // and write: a server that accepts and never answers holds the caller forever.
        HttpProfile hp = new HttpProfile();
        assertEquals(60, hp.getConnTimeout());
        assertEquals(0, hp.getReadTimeout());
        assertEquals(0, hp.getWriteTimeout());
        try (RawServer silent = new RawServer((n, r) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        })) {
            hp.setProtocol(HttpProfile.REQ_HTTP);
            hp.setEndpoint("127.0.0.1:" + silent.ss.getLocalPort());
            CiamClient c = new CiamClient(new Credential("AKIDx", SECRET), "ap-guangzhou", new ClientProfile(ClientProfile.SIGN_TC3_256, hp));
            ListJobsRequest req = new ListJobsRequest();
            req.setUserStoreId("us-1");
            Thread caller = new Thread(() -> {
                try {
                    c.ListJobs(req);
                } catch (TencentCloudSDKException e) {
                    // ends when the test closes the server
                }
            });
            caller.setDaemon(true);
            caller.start();
            caller.join(3000);
            assertTrue(caller.isAlive(), "the call ended within 3 s");
            assertEquals(1, silent.requests.get());
        }
    }

    @Test
    void valuesTheTypedRequestCannotHoldGoThroughSet() throws Exception {
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            JsonObject p = in.getAsJsonObject("params");
            p.addProperty("UserStoreId", 123);
            p.add("JobIds", com.google.gson.JsonNull.INSTANCE);
            p.addProperty("Foo", "bar");
            call(in);
            assertEquals("{\"UserStoreId\":123,\"Foo\":\"bar\"}".length(), s.last().body.length());
            JsonObject sent = Adapter.parseObject(s.last().body);
            assertEquals(123, sent.get("UserStoreId").getAsInt());
            assertEquals("bar", sent.get("Foo").getAsString());
            assertFalse(sent.has("JobIds"), "a null parameter is left out");

            // Over GET (and signature v1) the SDK refuses them itself, and sends nothing.
            int before = s.received.size();
            in.addProperty("method", "GET");
            JsonObject o = call(in);
            assertEquals("", errorCode(o));
            assertTrue(errorMessage(o).contains("WrongUsage: Cannot use get method with customized parameters"), errorMessage(o));
            assertEquals(before, s.received.size());
            assertFalse(o.has("http"));
        }
    }

    @Test
    void fromJsonStringWouldTurnANumberIntoAString() {
        // Why the adapter does not build the request with AbstractModel.fromJsonString:
        // Gson coerces 123 to "123", and an object is an exception.
        ListJobsRequest r = AbstractModel.fromJsonString("{\"UserStoreId\":123,\"Foo\":1}", ListJobsRequest.class);
        assertEquals("123", r.getUserStoreId());
        assertTrue(r.any().isEmpty());
        assertThrows(com.google.gson.JsonSyntaxException.class,
                () -> AbstractModel.fromJsonString("{\"UserStoreId\":{\"Id\":\"x\"}}", ListJobsRequest.class));
    }

    @Test
    void anotherActionGoesThroughCommonClient() throws Exception {
        String body = "{\"Response\":{\"Error\":{\"Code\":\"InvalidAction\",\"Message\":\"m\"},\"RequestId\":\"r\"}}";
        try (Stub s = Stub.answering(200, "application/json", body)) {
            JsonObject in = s.intent("1");
            in.addProperty("action", "ListJob");
            in.addProperty("version", "2021-01-01");
            JsonObject o = call(in);
            assertEquals("InvalidAction", errorCode(o));
            assertEquals("ListJob", s.last().header("X-TC-Action"));
            assertEquals("2021-01-01", s.last().header("X-TC-Version"));
            assertEquals("{\"UserStoreId\":\"us-1\"}", s.last().body);
        }
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            in.addProperty("action", "ListJob");
            JsonObject o = call(in);
            assertEquals("7f3a0c1e-1111-4222-8333-944455556666", o.getAsJsonObject("response").get("RequestId").getAsString());
        }
    }

    @Test
    void signatureV1GetCarriesTheSignatureAndTokenInTheQueryAndTheAdapterScrubsThem() throws Exception {
        for (String sm : new String[] {"HmacSHA1", "HmacSHA256"}) {
            for (String method : new String[] {"GET", "POST"}) {
                try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
                    JsonObject in = s.intent("1");
                    in.addProperty("signMethod", sm);
                    in.addProperty("method", method);
                    in.getAsJsonObject("credential").addProperty("token", "sentinel+token/=x");
                    JsonObject o = call(in);
                    Stub.Received r = s.last();
                    String params = method.equals("GET") ? r.rawQuery : r.body;
                    assertTrue(params.contains("Signature="), params);
                    assertTrue(params.contains("Token=sentinel%2Btoken%2F%3Dx"), params);
                    assertTrue(params.contains("SignatureMethod=" + sm), params);
                    assertNull(r.header("Authorization"));
                    String text = o.toString();
                    assertFalse(text.contains("sentinel+token/=x"), text);
                    assertFalse(text.contains("sentinel%2Btoken%2F%3Dx"), text);
                    assertFalse(text.contains(SECRET), text);
                    assertTrue(text.contains("Signature=<redacted>"), text);
                    Matcher sig = Pattern.compile("Signature=([^&]+)").matcher(params);
                    assertTrue(sig.find());
                    assertFalse(text.contains(sig.group(1)), "the signature is in the outcome");
                }
            }
        }
    }

    @Test
    void signatureV1WithCallerHeadersIsRefused() throws Exception {
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            JsonObject in = s.intent("1");
            in.addProperty("signMethod", "HmacSHA256");
            JsonObject h = new JsonObject();
            h.addProperty("X-TC-TraceId", "t");
            in.add("headers", h);
            JsonObject o = call(in);
            assertTrue(errorMessage(o).contains("no header of its caller's with signature v1"), errorMessage(o));
            assertTrue(s.received.isEmpty());
        }
    }

    @Test
    void theRetryHelperRetriesEveryErrorAndBreaksOnARawException() throws Exception {
        String auth = "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureFailure\",\"Message\":\"m\"},\"RequestId\":\"r\"}}";
        try (Stub s = Stub.answering(200, "application/json", auth)) {
            CiamClient c = client(s.port());
            ListJobsRequest req = new ListJobsRequest();
            req.setUserStoreId("us-1");
            TencentCloudSDKException e = assertThrows(TencentCloudSDKException.class, () -> c.retry(req, 1));
            assertEquals("AuthFailure.SignatureFailure", e.getErrorCode());
            assertEquals(2, s.received.size(), "retry(req, 1) sent an authentication failure again");
        }
        try (Stub s = Stub.answering(200, "application/json", "{}")) {
            CiamClient c = client(s.port());
            ListJobsRequest req = new ListJobsRequest();
            req.setUserStoreId("us-1");
            ClassCastException e = assertThrows(ClassCastException.class, () -> c.retry(req, 0));
            assertTrue(e.getMessage().contains("NullPointerException"), e.getMessage());
        }
    }

    /**
     * A raw HTTP/1.1 server: connection n (from 1) answers its requests in turn with OK,
     * except that request r of connection n is read and then the connection is closed
     * without a byte when drop.test(n, r).
     */
    static final class RawServer implements AutoCloseable {
        final ServerSocket ss;
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();

        RawServer(java.util.function.BiPredicate<Integer, Integer> drop) throws IOException {
            ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!ss.isClosed()) {
                    Socket c;
                    try {
                        c = ss.accept();
                    } catch (IOException e) {
                        return;
                    }
                    int n = connections.incrementAndGet();
                    Thread w = new Thread(() -> {
                        try (Socket conn = c) {
                            for (int r = 1; ; r++) {
                                if (!readRequest(conn.getInputStream())) {
                                    return;
                                }
                                requests.incrementAndGet();
                                if (drop.test(n, r)) {
                                    return;
                                }
                                byte[] b = Stub.OK.getBytes(StandardCharsets.UTF_8);
                                OutputStream os = conn.getOutputStream();
                                os.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                                os.write(b);
                                os.flush();
                            }
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                    w.setDaemon(true);
                    w.start();
                }
            });
            t.setDaemon(true);
            t.start();
        }

        JsonObject intent(String id) throws IOException {
            JsonObject in;
            try (Stub s = Stub.answering(200, null, "")) {
                in = s.intent(id);
            }
            in.getAsJsonObject("endpoint").addProperty("port", ss.getLocalPort());
            return in;
        }

        @Override
        public void close() throws IOException {
            ss.close();
        }
    }

    @Test
    void aFreshConnectionClosedWithoutAnAnswerIsNotResent() throws Exception {
        try (RawServer srv = new RawServer((n, r) -> true)) {
            JsonObject o = call(srv.intent("1"));
            assertEquals(1, srv.requests.get(), "OkHttp resent the request");
            assertEquals("", errorCode(o));
            assertTrue(errorMessage(o).contains("unexpected end of stream"), errorMessage(o));
            assertEquals(1, o.getAsJsonArray("http").size());
        }
    }

    @Test
    void aRequestOnAPooledConnectionClosedWithoutAnAnswerIsResentSilently() throws Exception {
        // Connection 1 answers its first request and drops its second: OkHttp sends that
        // one again on a new connection (retryOnConnectionFailure, on in the SDK's client),
        // and the caller never knows it went out twice. The recorder sees both.
        try (RawServer srv = new RawServer((n, r) -> n == 1 && r == 2)) {
            JsonObject first = call(srv.intent("1"));
            assertTrue(first.has("response"), first.toString());
            JsonObject second = call(srv.intent("2"));
            assertTrue(second.has("response"), second.toString());
            assertEquals(3, srv.requests.get(), "requests the server read");
            assertEquals(2, srv.connections.get());
            JsonArray trips = second.getAsJsonArray("http");
            assertEquals(2, trips.size(), trips.toString());
            assertEquals(0, trips.get(0).getAsJsonObject().get("status").getAsInt());
            assertEquals(200, trips.get(1).getAsJsonObject().get("status").getAsInt());
        }
    }

    /** readRequest reads one request (headers, then Content-Length bytes); false at the end. */
    static boolean readRequest(InputStream in) throws IOException {
        StringBuilder h = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            h.append((char) c);
            if (h.length() >= 4 && h.substring(h.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (c == -1) {
            return false;
        }
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
        if (m.find()) {
            in.readNBytes(Integer.parseInt(m.group(1)));
        }
        return true;
    }

    static CiamClient client(int port) {
        HttpProfile hp = new HttpProfile();
        hp.setProtocol(HttpProfile.REQ_HTTP);
        hp.setEndpoint("ciam.localtest:" + port);
        hp.setHttpClient(new okhttp3.OkHttpClient.Builder()
                .dns(new Caller.PinnedDns("ciam.localtest", "127.0.0.1")).build());
        return new CiamClient(new Credential("AKIDx", SECRET), "ap-guangzhou", new ClientProfile(ClientProfile.SIGN_TC3_256, hp));
    }

    /** tc3Signs says whether the request's TC3 signature is over contentType and host. */
    static boolean tc3Signs(Stub.Received r, String contentType, String host) throws Exception {
        String auth = r.header("Authorization");
        Matcher m = Pattern.compile("Signature=([0-9a-f]{64})").matcher(auth);
        assertTrue(m.find(), auth);
        String ts = r.header("X-TC-Timestamp");
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        String date = f.format(new Date(Long.parseLong(ts) * 1000));
        String query = r.method.equals("GET") && r.rawQuery != null ? r.rawQuery : "";
        String canonical = r.method + "\n/\n" + query + "\ncontent-type:" + contentType + "\nhost:" + host
                + "\n\ncontent-type;host\n" + hex(sha256(r.body.getBytes(StandardCharsets.UTF_8)));
        String sts = "TC3-HMAC-SHA256\n" + ts + "\n" + date + "/ciam/tc3_request\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] k = hmac(("TC3" + SECRET).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, "ciam");
        k = hmac(k, "tc3_request");
        return hex(hmac(k, sts)).equals(m.group(1));
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static byte[] hmac(byte[] key, String msg) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(msg.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
