package ciamharness.adapter;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.tencentcloudapi.ciam.v20220331.CiamClient;
import com.tencentcloudapi.ciam.v20220331.models.ListJobsRequest;
import com.tencentcloudapi.ciam.v20220331.models.ListJobsResponse;
import com.tencentcloudapi.common.AbstractClient;
import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.CommonRequest;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import com.tencentcloudapi.common.profile.Language;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.internal.tls.OkHostnameVerifier;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Sends one intent through the SDK, as a Java caller sends ListJobs:
 * {@code new CiamClient(credential, region, profile).ListJobs(request)}, with the profile's
 * HttpProfile request method (GET or POST), its sign method (TC3-HMAC-SHA256, HmacSHA1 or
 * HmacSHA256) and its language; another action or version through the SDK's
 * {@code CommonClient("ciam", version, ...).commonRequest(new CommonRequest(json), action)}.
 *
 * <p>Pointing the SDK at host:port. The SDK takes the credential scope's service from the
 * endpoint's first DNS label (AbstractClient doRequestWithTC3: endpoint.split("\\.")[0]),
 * so an endpoint whose host is not a "ciam." name is given to the SDK as
 * "ciam.tencentcloudapi.com:PORT", and the SDK is handed an OkHttpClient
 * (HttpProfile.setHttpClient, which replaces the client the SDK would build) whose Dns
 * resolves that name to the intent's host. The client is built as the SDK builds its own
 * (HttpConnection: one shared OkHttpClient's builder, the profile's connect, read and write
 * timeouts) plus that Dns and the {@link Recorder}, a network interceptor. (The SDK's
 * client also has its TCLog interceptor, which logs only with ClientProfile.setDebug(true);
 * TCLog is not public.) The SDK's signing and serialisation are untouched.
 */
final class Caller {
    static final String ACTION = "ListJobs";
    static final String VERSION = "2022-03-31";
    /** The name the SDK is given for an endpoint that is not a "ciam." name. */
    static final String SDK_HOST = "ciam.tencentcloudapi.com";

    /** As the SDK's HttpConnection.clientSingleton: one connection pool and dispatcher. */
    private static final OkHttpClient BASE = new OkHttpClient();

    /** The SDK's own Gson for models (AbstractClient.gson), with nulls kept for the report. */
    private static final Gson MODEL_GSON =
            new GsonBuilder().excludeFieldsWithoutExposeAnnotation().serializeNulls().disableHtmlEscaping().create();

    private Caller() {}

    /**
     * sdkVersion is the SDK's version as it reports itself ("3.1.1436" of "SDK_JAVA_3.1.1436"),
     * read from the loaded AbstractClient at run time: javac would inline the constant of the
     * SDK this class was compiled against.
     */
    static String sdkVersion() {
        String v;
        try {
            v = String.valueOf(AbstractClient.class.getField("SDK_VERSION").get(null));
        } catch (ReflectiveOperationException e) {
            v = AbstractClient.SDK_VERSION;
        }
        return v.replaceFirst("^SDK_JAVA_", "");
    }

    /** The error of an intent the adapter refuses before the SDK is called (no code). */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** call sends the intent and returns its outcome; it never throws. */
    static JsonObject call(Intent in) {
        Scrubber scrub = new Scrubber(in.secretKey, in.token);
        Recorder rec = new Recorder();
        JsonObject out = new JsonObject();
        out.addProperty("type", "outcome");
        out.addProperty("id", in.id);
        try {
            out.add("response", send(in, rec));
        } catch (TencentCloudSDKException e) {
            out.add("error", sdkError(e, scrub));
        } catch (Refused e) {
            out.add("error", error("", "adapter: " + e.getMessage(), "", scrub));
        } catch (Exception | StackOverflowError e) {
            // A raw exception out of the SDK (a NullPointerException for a body without
            // Response, a JsonSyntaxException for a value of another type): what a Java
            // caller of ListJobs gets, reported with its class.
            out.add("error", error("", "the SDK threw " + e + " (not a TencentCloudSDKException)", "", scrub));
        } finally {
            rec.finish(in.timeoutSeconds);
        }
        if (rec.size() > 0) {
            out.add("http", rec.json(scrub));
        }
        return out;
    }

    /** send makes the SDK call of an intent and returns what the SDK decoded. */
    static JsonElement send(Intent in, Recorder rec) throws Exception {
        if (in.retries > 0) {
            throw new Refused("the SDK has no rate-limit retry (capabilities.retry is false)");
        }
        ClientProfile profile = profile(in, rec);
        Credential cred = new Credential(in.secretId, in.secretKey, in.token);
        if (!in.headers.isEmpty() && !in.signMethod.equals(ClientProfile.SIGN_TC3_256)) {
            // AbstractClient.doRequest (signature v1) never reads AbstractModel.header.
            throw new Refused("the SDK sends no header of its caller's with signature v1 (" + in.signMethod + ")");
        }
        if (in.action.equals(ACTION) && in.version.equals(VERSION)) {
            CiamClient client = new CiamClient(cred, in.region, profile);
            ListJobsRequest req = Params.toRequest(in.params);
            if (!in.headers.isEmpty()) {
                req.SetHeader(new HashMap<>(in.headers));
            }
            ListJobsResponse resp = client.ListJobs(req);
            if (resp == null) {
                throw new Refused("the SDK's ListJobs returned null");
            }
            return MODEL_GSON.toJsonTree(resp);
        }
        CommonClient client = new CommonClient("ciam", in.version, cred, in.region, profile);
        CommonRequest req = new CommonRequest(in.params.toString());
        if (!in.headers.isEmpty()) {
            req.SetHeader(new HashMap<>(in.headers));
        }
        String body = client.commonRequest(req, in.action);
        // commonRequest hands its caller the body it checked for an error; the caller
        // reads Response from it.
        JsonElement r = JsonParser.parseString(body).getAsJsonObject().get("Response");
        if (r == null || !r.isJsonObject()) {
            throw new Refused("the body CommonClient returned has no Response object");
        }
        return r;
    }

    /** profile is the ClientProfile of an intent, with the client the SDK is to use. */
    static ClientProfile profile(Intent in, Recorder rec) throws Refused {
        String sm = in.signMethod;
        if (!Arrays.asList(ClientProfile.SIGN_TC3_256, ClientProfile.SIGN_SHA1, ClientProfile.SIGN_SHA256).contains(sm)) {
            throw new Refused("the SDK does not sign with \"" + sm + "\"");
        }
        HttpProfile hp = new HttpProfile();
        hp.setReqMethod(in.method.equals("GET") ? HttpProfile.REQ_GET : HttpProfile.REQ_POST);
        hp.setProtocol(in.scheme.equals("https") ? HttpProfile.REQ_HTTPS : HttpProfile.REQ_HTTP);
        String name = in.host.startsWith("ciam.") ? in.host : SDK_HOST;
        int defaultPort = in.scheme.equals("https") ? 443 : 80;
        hp.setEndpoint(in.port == defaultPort ? name : name + ":" + in.port);
        hp.setConnTimeout(in.timeoutSeconds);
        hp.setReadTimeout(in.timeoutSeconds);
        hp.setWriteTimeout(in.timeoutSeconds);
        hp.setHttpClient(httpClient(in, name, hp, rec));
        ClientProfile cp = new ClientProfile(sm, hp);
        if (in.language != null) {
            cp.setLanguage(language(in.language));
        }
        return cp;
    }

    private static Language language(String tag) throws Refused {
        for (Language l : Language.values()) {
            if (l.getValue().equals(tag)) {
                return l;
            }
        }
        throw new Refused("the SDK's Language has no \"" + tag + "\" (it has zh-CN and en-US)");
    }

    /** httpClient builds the OkHttpClient as HttpConnection does, plus the Dns and the recorder. */
    private static OkHttpClient httpClient(Intent in, String name, HttpProfile hp, Recorder rec) {
        OkHttpClient.Builder b = BASE.newBuilder()
                .connectTimeout(hp.getConnTimeout(), TimeUnit.SECONDS)
                .readTimeout(hp.getReadTimeout(), TimeUnit.SECONDS)
                .writeTimeout(hp.getWriteTimeout(), TimeUnit.SECONDS)
                .dns(new PinnedDns(name, in.host))
                .addInterceptor(rec.application())
                .addNetworkInterceptor(rec);
        if (!name.equals(in.host)) {
            // The certificate of an https endpoint is checked against the intent's host,
            // the name the endpoint really has (the SDK connects as SDK_HOST).
            b.hostnameVerifier(new HostVerifier(in.host));
        }
        return b.build();
    }

    /** PinnedDns resolves one name to another host (an address or a name), and others as usual. */
    static final class PinnedDns implements Dns {
        private final String name;
        private final String host;

        PinnedDns(String name, String host) {
            this.name = name;
            this.host = host;
        }

        @Override
        public List<InetAddress> lookup(String hostname) throws UnknownHostException {
            if (hostname.equalsIgnoreCase(name)) {
                return Dns.SYSTEM.lookup(host);
            }
            return Dns.SYSTEM.lookup(hostname);
        }

        // Equal Dns values let the clients of many intents share pooled connections, as the
        // SDK's clients do (OkHttp pools a connection per Address, and an Address holds its Dns).
        @Override
        public boolean equals(Object o) {
            return o instanceof PinnedDns && ((PinnedDns) o).name.equals(name) && ((PinnedDns) o).host.equals(host);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, host);
        }
    }

    /** HostVerifier checks a certificate against one host name (equal for equal hosts, as PinnedDns). */
    static final class HostVerifier implements HostnameVerifier {
        private final String host;

        HostVerifier(String host) {
            this.host = host;
        }

        @Override
        public boolean verify(String hostname, SSLSession session) {
            return OkHostnameVerifier.INSTANCE.verify(host, session);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof HostVerifier && ((HostVerifier) o).host.equals(host);
        }

        @Override
        public int hashCode() {
            return host.hashCode();
        }
    }

    /**
     * sdkError is the outcome error of a TencentCloudSDKException: the code, message and
     * RequestId of the response for an error the endpoint answered; no code for one of the
     * SDK's own (no connection, a body it cannot parse, an HTTP status other than 200, which
     * the SDK reports as the code "ServerSideError" with no RequestId, never reading the
     * body), whose message says so.
     */
    static JsonObject sdkError(TencentCloudSDKException e, Scrubber scrub) {
        String code = e.getErrorCode() == null ? "" : e.getErrorCode();
        String requestId = e.getRequestId() == null ? "" : e.getRequestId();
        String message = e.getMessage() == null ? "" : e.getMessage();
        boolean own = code.isEmpty() || code.equals("ClientSideError")
                || code.equals("ServerSideError") && requestId.isEmpty() && message.startsWith("response code is ");
        if (!own) {
            return error(code, message, requestId, scrub);
        }
        StringBuilder m = new StringBuilder("TencentCloudSDKException");
        if (!code.isEmpty()) {
            m.append(" ").append(code);
        }
        m.append(": ").append(message);
        if (e.getCause() != null) {
            m.append(" (cause: ").append(e.getCause()).append(")");
        }
        return error("", m.toString(), requestId, scrub);
    }

    static JsonObject error(String code, String message, String requestId, Scrubber scrub) {
        JsonObject o = new JsonObject();
        o.addProperty("code", code);
        o.addProperty("message", scrub.scrub(message));
        o.addProperty("requestId", requestId);
        return o;
    }
}
