package ciamharness.adapter;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A loopback HTTP server for the tests: it records every request as received and answers
 * each with what the test's function returns (status, Content-Type, body).
 */
final class Stub implements AutoCloseable {
    /** Received is one request as the server read it. */
    static final class Received {
        String method;
        String rawQuery;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String body;

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return String.join(",", e.getValue());
                }
            }
            return null;
        }

        int count(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().size();
                }
            }
            return 0;
        }
    }

    /** Answer is what the server sends back. */
    static final class Answer {
        final int status;
        final String contentType;
        final String body;
        final long delayMillis;

        Answer(int status, String contentType, String body) {
            this(status, contentType, body, 0);
        }

        Answer(int status, String contentType, String body, long delayMillis) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
            this.delayMillis = delayMillis;
        }
    }

    static final String OK = "{\"Response\":{\"JobSet\":[],\"RequestId\":\"7f3a0c1e-1111-4222-8333-944455556666\"}}";

    private final HttpServer server;
    final List<Received> received = new ArrayList<>();

    Stub(Function<Received, Answer> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", (HttpExchange ex) -> {
            Received r = new Received();
            r.method = ex.getRequestMethod();
            r.rawQuery = ex.getRequestURI().getRawQuery();
            ex.getRequestHeaders().forEach((k, v) -> r.headers.put(k, new ArrayList<>(v)));
            r.body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (received) {
                received.add(r);
            }
            Answer a = answer.apply(r);
            if (a.delayMillis > 0) {
                try {
                    Thread.sleep(a.delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] b = a.body.getBytes(StandardCharsets.UTF_8);
            if (a.contentType != null) {
                ex.getResponseHeaders().add("Content-Type", a.contentType);
            }
            ex.sendResponseHeaders(a.status, b.length == 0 ? -1 : b.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(b);
            }
        });
        server.start();
    }

    static Stub answering(int status, String contentType, String body) throws IOException {
        return new Stub(r -> new Answer(status, contentType, body));
    }

    int port() {
        return server.getAddress().getPort();
    }

    Received last() {
        synchronized (received) {
            return received.get(received.size() - 1);
        }
    }

    /** intent is an intent of ListJobs to this server, as the harness would send it. */
    JsonObject intent(String id) {
        JsonObject in = new JsonObject();
        in.addProperty("type", "call");
        in.addProperty("id", id);
        JsonObject cred = new JsonObject();
        cred.addProperty("secretId", "AKIDtestSecretId");
        cred.addProperty("secretKey", "sentinel-secret-key-0123456789");
        in.add("credential", cred);
        JsonObject ep = new JsonObject();
        ep.addProperty("scheme", "http");
        ep.addProperty("host", "127.0.0.1");
        ep.addProperty("port", port());
        in.add("endpoint", ep);
        in.addProperty("region", "ap-guangzhou");
        in.addProperty("method", "POST");
        in.addProperty("signMethod", "TC3-HMAC-SHA256");
        in.addProperty("action", "ListJobs");
        in.addProperty("version", "2022-03-31");
        JsonObject params = new JsonObject();
        params.addProperty("UserStoreId", "us-1");
        in.add("params", params);
        in.addProperty("timeoutSeconds", 5);
        return in;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
