package ciamharness.adapter;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import okhttp3.Headers;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.GzipSource;
import okio.Okio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OkHttp network interceptor that records every round trip of one SDK call, as it went
 * over the wire (the protocol's "http"): the request as sent (OkHttp's own headers
 * included), the status and headers received, and the body as the SDK read it.
 *
 * <p>A call that makes no connection is recorded by {@link #application}, an application
 * interceptor, as a round trip without a response.
 *
 * <p>The body is copied as the SDK reads it (a tee under the SDK's read), so the SDK reads
 * the response exactly as it would without the recorder: a body cut short fails the SDK's
 * read, not the recorder's. What the SDK leaves unread (it reads no body of a response
 * whose status is not 200) is read by {@link #finish} after the call, for the report.
 */
final class Recorder implements Interceptor {
    /** The most of one body kept for the report; the SDK itself reads all of it. */
    static final int MAX_BODY = 64 << 20;

    private final List<Trip> trips = new ArrayList<>();

    /** Trip is one round trip. */
    static final class Trip {
        String method;
        String url;
        Headers requestHeaders;
        String requestBody = "";
        int status; // 0: no response
        Headers headers;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean truncated;
        String error;
        double start;
        double end;
        BufferedSource unread; // the tee, until the body has been read to its end
        boolean done;
        long readBySdk = -1; // the body's bytes the SDK had read when its call returned
    }

    /**
     * application is the interceptor that records a call that never reached the network
     * (no connection: network interceptors run only once one is made), as a round trip
     * with no response: the request as the SDK made it, and the error.
     */
    Interceptor application() {
        return chain -> {
            int before = size();
            double start = now();
            try {
                return chain.proceed(chain.request());
            } catch (IOException | RuntimeException e) {
                if (size() == before) {
                    Trip t = trip(chain.request());
                    t.start = start;
                    t.end = now();
                    t.error = e.toString();
                    t.done = true;
                    synchronized (this) {
                        trips.add(t);
                    }
                }
                throw e;
            }
        };
    }

    private static Trip trip(Request req) throws IOException {
        Trip t = new Trip();
        t.method = req.method();
        t.url = req.url().toString();
        t.requestHeaders = req.headers();
        if (req.body() != null) {
            Buffer b = new Buffer();
            req.body().writeTo(b);
            t.requestBody = b.readString(StandardCharsets.UTF_8);
        }
        return t;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request req = chain.request();
        Trip t = trip(req);
        synchronized (this) {
            trips.add(t);
        }
        t.start = now();
        Response resp;
        try {
            resp = chain.proceed(req);
        } catch (IOException | RuntimeException e) {
            synchronized (t) {
                t.error = e.toString();
                t.end = now();
            }
            throw e;
        }
        synchronized (t) {
            t.status = resp.code();
            t.headers = resp.headers();
        }
        ResponseBody body = resp.body();
        if (body == null) {
            synchronized (t) {
                t.end = now();
                t.done = true;
            }
            return resp;
        }
        BufferedSource tee = Okio.buffer(new ForwardingSource(body.source()) {
            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                long n;
                try {
                    n = super.read(sink, byteCount);
                } catch (IOException e) {
                    synchronized (t) {
                        if (t.error == null) {
                            t.error = "reading the body: " + e;
                        }
                        t.end = now();
                        t.done = true;
                    }
                    throw e;
                }
                synchronized (t) {
                    if (n > 0) {
                        long room = MAX_BODY - t.body.size();
                        long keep = Math.min(n, Math.max(room, 0));
                        if (keep > 0) {
                            Buffer copy = new Buffer();
                            sink.copyTo(copy, sink.size() - n, keep);
                            t.body.write(copy.readByteArray(), 0, (int) keep);
                        }
                        if (keep < n) {
                            t.truncated = true;
                        }
                    } else if (n == -1 && !t.done) {
                        t.end = now();
                        t.done = true;
                    }
                }
                return n;
            }
        });
        synchronized (t) {
            t.unread = tee;
        }
        MediaType type = body.contentType();
        long length = body.contentLength();
        return resp.newBuilder().body(ResponseBody.create(type, length, tee)).build();
    }

    /**
     * finish reads, for the report, what the SDK left of each body (within timeoutSeconds
     * in all), and closes it. Called once the SDK's call has returned.
     */
    void finish(int timeoutSeconds) {
        List<Trip> all;
        synchronized (this) {
            all = new ArrayList<>(trips);
        }
        for (Trip t : all) {
            BufferedSource src;
            synchronized (t) {
                src = t.unread;
                t.unread = null;
                t.readBySdk = t.body.size() + (t.truncated ? 1 : 0);
            }
            if (src == null) {
                continue;
            }
            try {
                if (!isDone(t)) {
                    src.timeout().deadline(timeoutSeconds, TimeUnit.SECONDS);
                    Buffer sink = new Buffer();
                    while (!isDone(t) && src.read(sink, 8192) != -1) {
                        sink.clear();
                    }
                }
            } catch (IOException | RuntimeException e) {
                synchronized (t) {
                    if (t.error == null) {
                        t.error = "reading the body after the SDK returned: " + e;
                    }
                }
            } finally {
                try {
                    src.close();
                } catch (IOException ignored) {
                    // the connection is dropped either way
                }
            }
            synchronized (t) {
                if (t.end == 0) {
                    t.end = now();
                }
            }
        }
    }

    private static boolean isDone(Trip t) {
        synchronized (t) {
            return t.done;
        }
    }

    /** json returns the round trips as the protocol's "http", every text scrubbed. */
    JsonArray json(Scrubber s) {
        JsonArray out = new JsonArray();
        List<Trip> all;
        synchronized (this) {
            all = new ArrayList<>(trips);
        }
        for (Trip t : all) {
            synchronized (t) {
                JsonObject o = new JsonObject();
                o.addProperty("method", t.method);
                o.addProperty("url", s.scrub(t.url));
                o.add("requestHeaders", headers(t.requestHeaders, s));
                o.addProperty("requestBody", s.scrub(t.requestBody));
                o.addProperty("status", t.status);
                if (t.headers != null) {
                    o.add("headers", headers(t.headers, s));
                }
                o.addProperty("body", s.scrub(bodyText(t)));
                o.addProperty("start", t.start);
                o.addProperty("end", t.end == 0 ? now() : t.end);
                if (t.error != null) {
                    o.addProperty("error", s.scrub(t.error));
                } else if (t.status == 0) {
                    o.addProperty("error", "no response");
                }
                out.add(o);
            }
        }
        return out;
    }

    /** size is the number of round trips recorded. */
    synchronized int size() {
        return trips.size();
    }

    /** trips returns the round trips recorded, for the tests. */
    synchronized List<Trip> trips() {
        return new ArrayList<>(trips);
    }

    /** bodyText is the body as text, gunzipped when the server gzipped it. */
    private static String bodyText(Trip t) {
        byte[] raw = t.body.toByteArray();
        if (t.headers != null && "gzip".equalsIgnoreCase(t.headers.get("Content-Encoding")) && !t.truncated) {
            try (BufferedSource g = Okio.buffer(new GzipSource(new Buffer().write(raw)))) {
                return g.readString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                // not gzip after all: the bytes as they came
            }
        }
        return new String(raw, StandardCharsets.UTF_8);
    }

    private static JsonObject headers(Headers h, Scrubber s) {
        JsonObject o = new JsonObject();
        if (h == null) {
            return o;
        }
        for (String name : h.names()) {
            JsonArray vs = new JsonArray();
            for (String v : h.values(name)) {
                vs.add(s.scrub(v));
            }
            o.add(name, vs);
        }
        return o;
    }

    /** now is the time in Unix milliseconds, with the clock's fractions. */
    static double now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1000.0 + i.getNano() / 1e6;
    }
}
