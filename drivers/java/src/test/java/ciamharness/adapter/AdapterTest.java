package ciamharness.adapter;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol side: the hello, reading lines, bad input, concurrent outcomes. */
class AdapterTest {
    /** Served is what one run of Adapter.serve wrote. */
    static final class Served {
        final List<JsonObject> lines = new ArrayList<>();
        String stderr;
    }

    static Served serve(String input, Function<Intent, JsonObject> caller) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, false, StandardCharsets.UTF_8);
        new Adapter(new Output(ps), new PrintStream(err, true, StandardCharsets.UTF_8), caller).serve(new StringReader(input));
        Served s = new Served();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n", -1)) {
            if (!line.isEmpty()) {
                s.lines.add(Adapter.parseObject(line)); // every line is one JSON object
            }
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("\n"));
        s.stderr = err.toString(StandardCharsets.UTF_8);
        return s;
    }

    static Function<Intent, JsonObject> echo() {
        return in -> {
            JsonObject o = new JsonObject();
            o.addProperty("type", "outcome");
            o.addProperty("id", in.id);
            JsonObject r = new JsonObject();
            r.addProperty("RequestId", "req-" + in.id);
            o.add("response", r);
            return o;
        };
    }

    static String intentLine(String id) throws IOException {
        try (Stub s = Stub.answering(200, "application/json", Stub.OK)) {
            return s.intent(id).toString();
        }
    }

    @Test
    void theHelloComesFirstAndNamesTheSdk() throws IOException {
        Served s = serve("", echo());
        assertEquals(1, s.lines.size());
        JsonObject h = s.lines.get(0);
        assertEquals("hello", h.get("type").getAsString());
        assertEquals(1, h.get("protocol").getAsInt());
        assertEquals("java", h.get("adapter").getAsString());
        assertEquals("tencentcloud-sdk-java", h.get("sdk").getAsString());
        assertEquals("3.1.1436", h.get("sdkVersion").getAsString());
        assertEquals("java " + System.getProperty("java.version"), h.get("runtime").getAsString());
        JsonObject c = h.getAsJsonObject("capabilities");
        assertFalse(c.get("retry").getAsBoolean());
        assertFalse(c.get("nulls").getAsBoolean());
        assertEquals(3, c.getAsJsonArray("signMethods").size());
    }

    @Test
    void badLinesAreSkippedWithALineOnStderrAndTheRestAnswered() throws IOException {
        String input = String.join("\n",
                "not json at all sentinel-secret-key-0123456789",
                "{\"type\":\"call\",\"id\":\"x\"} trailing",
                "[1,2]",
                "",
                "   ",
                "{\"type\":\"ping\",\"id\":\"p\"}",
                "{\"type\":\"call\"}",
                "{\"type\":\"call\",\"id\":7}",
                "{\"type\":\"call\",\"id\":\"missing\"}",
                intentLine("ok") + "\r",
                "{'single': 'quotes'}") + "\n";
        Served s = serve(input, echo());
        Set<String> ids = new HashSet<>();
        for (JsonObject o : s.lines.subList(1, s.lines.size())) {
            ids.add(o.get("id").getAsString());
        }
        assertEquals(Set.of("missing", "ok"), ids);
        JsonObject missing = s.lines.stream().filter(o -> o.has("id") && o.get("id").getAsString().equals("missing")).findFirst().orElseThrow();
        assertEquals("", missing.getAsJsonObject("error").get("code").getAsString());
        assertEquals("adapter: a bad intent: credential is missing", missing.getAsJsonObject("error").get("message").getAsString());
        assertTrue(s.stderr.contains("line 1 is not a JSON object"), s.stderr);
        assertTrue(s.stderr.contains("line 2 is not a JSON object"), s.stderr);
        assertTrue(s.stderr.contains("line 3 is not a JSON object"), s.stderr);
        assertTrue(s.stderr.contains("line 6 is not an intent"), s.stderr);
        assertTrue(s.stderr.contains("line 7 is an intent without a string id"), s.stderr);
        assertTrue(s.stderr.contains("line 8 is an intent without a string id"), s.stderr);
        assertTrue(s.stderr.contains("line 11 is not a JSON object"), s.stderr);
        assertFalse(s.stderr.contains("sentinel-secret-key"), "stderr quotes a line");
    }

    @Test
    void everyFieldOfAnIntentIsChecked() throws IOException {
        String[][] cases = {
                {"credential", "{\"secretId\":\"a\"}", "credential.secretKey is missing"},
                {"credential", "{\"secretId\":\"\",\"secretKey\":\"k\"}", "credential.secretId is empty"},
                {"credential", "\"x\"", "credential is not a JSON object"},
                {"endpoint", "{\"scheme\":\"ftp\",\"host\":\"h\",\"port\":1}", "endpoint.scheme is \"ftp\""},
                {"endpoint", "{\"scheme\":\"http\",\"host\":\"h\",\"port\":0}", "endpoint.port is 0"},
                {"endpoint", "{\"scheme\":\"http\",\"host\":\"h\",\"port\":1.5}", "endpoint.port is 1.5"},
                {"endpoint", "{\"scheme\":\"http\",\"host\":\"h\"}", "endpoint.port is missing"},
                {"method", "\"PUT\"", "method is \"PUT\""},
                {"region", "null", "region is missing"},
                {"region", "1", "region is not a string"},
                {"action", "\"\"", "action is empty"},
                {"params", "[]", "params is not a JSON object"},
                {"headers", "{\"X\":1}", "headers.X is not a string"},
                {"timeoutSeconds", "\"5\"", "timeoutSeconds is not a number"},
                {"rateLimitExceededMaxRetries", "-1", "rateLimitExceededMaxRetries is -1"},
        };
        for (String[] c : cases) {
            JsonObject in = Adapter.parseObject(intentLine("1"));
            in.add(c[0], Adapter.parseObject("{\"v\":" + c[1] + "}").get("v"));
            if (c[1].equals("null")) {
                in.remove(c[0]);
            }
            Intent.BadIntent e = assertThrows(Intent.BadIntent.class, () -> Intent.parse(in, "1"), c[0] + "=" + c[1]);
            assertTrue(e.getMessage().startsWith(c[2]), c[0] + "=" + c[1] + ": " + e.getMessage());
        }
    }

    @Test
    void optionalFieldsHaveTheProtocolsDefaults() throws Exception {
        JsonObject in = Adapter.parseObject(intentLine("1"));
        in.remove("timeoutSeconds");
        in.getAsJsonObject("credential").add("token", com.google.gson.JsonNull.INSTANCE);
        Intent i = Intent.parse(in, "1");
        assertEquals(60, i.timeoutSeconds);
        assertEquals(0, i.retries);
        assertEquals("", i.token);
        assertNull(i.language);
        assertTrue(i.headers.isEmpty());
    }

    @Test
    void anIntentWithRetriesIsRefused() throws Exception {
        JsonObject in = Adapter.parseObject(intentLine("1"));
        in.addProperty("rateLimitExceededMaxRetries", 2);
        JsonObject o = Caller.call(Intent.parse(in, "1"));
        assertTrue(o.getAsJsonObject("error").get("message").getAsString().contains("no rate-limit retry"));
    }

    @Test
    void aCallerThatThrowsStillAnswers() throws IOException {
        Served s = serve(intentLine("boom") + "\n", in -> {
            throw new IllegalStateException("kaput sentinel-secret-key-0123456789");
        });
        JsonObject o = s.lines.get(1);
        assertEquals("boom", o.get("id").getAsString());
        String m = o.getAsJsonObject("error").get("message").getAsString();
        assertTrue(m.startsWith("adapter: java.lang.IllegalStateException: kaput"), m);
        assertFalse(m.contains("sentinel-secret-key"), m);
    }

    @Test
    void manyIntentsAtOnceAreAnsweredInParallelOnWholeLines() throws IOException {
        StringBuilder input = new StringBuilder();
        int n = 200;
        for (int i = 0; i < n; i++) {
            input.append(intentLine("i" + i)).append('\n');
        }
        String big = "x".repeat(100_000);
        long start = System.nanoTime();
        Served s = serve(input.toString(), in -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            JsonObject o = echo().apply(in);
            o.getAsJsonObject("response").addProperty("Pad", big);
            return o;
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(n + 1, s.lines.size());
        Set<String> ids = new HashSet<>();
        for (JsonObject o : s.lines.subList(1, s.lines.size())) {
            ids.add(o.get("id").getAsString());
            assertEquals(big, o.getAsJsonObject("response").get("Pad").getAsString());
        }
        assertEquals(n, ids.size());
        assertTrue(seconds < 10, "200 calls of 300 ms took " + seconds + " s: not in parallel");
    }

    @Test
    void theLineReaderSplitsOnNewlinesAndBoundsALine() throws IOException {
        Adapter.LineReader r = new Adapter.LineReader(new StringReader("a\r\nbb\n\n" + "x".repeat(50) + "\nlast"), 10);
        assertEquals("a", r.next());
        assertEquals("bb", r.next());
        assertEquals("", r.next());
        assertEquals("", r.next());
        assertTrue(r.overlong());
        assertEquals("last", r.next());
        assertFalse(r.overlong());
        assertNull(r.next());
    }

    @Test
    void anOverlongLineIsSkipped() throws IOException {
        String huge = "{\"type\":\"call\",\"id\":\"" + "y".repeat(Adapter.MAX_LINE) + "\"}";
        Served s = serve(huge + "\n" + intentLine("after") + "\n", echo());
        assertEquals(2, s.lines.size());
        assertEquals("after", s.lines.get(1).get("id").getAsString());
        assertTrue(s.stderr.contains("line 1 is longer than"), s.stderr);
    }
}
