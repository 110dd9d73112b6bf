package ciamharness.adapter;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The protocol loop (DRIVERS.md): the hello first, then one outcome for every intent, each
 * intent sent on a thread of its own so that many are in flight at once (a rate-limit step
 * sends up to 200 within a second), their outcomes written as their calls end.
 *
 * <p>Bad input never stops the adapter: a line that is not a JSON object, a message that is
 * not an intent or an intent without an id gets a line on stderr and is skipped (there is
 * no id to answer); an intent with an id whose other fields are missing or wrong gets an
 * outcome error without a code that names the field. Nothing on stderr quotes the line
 * (it may hold a secret key).
 */
final class Adapter {
    /** The longest line read; a longer one is skipped (an intent is a few hundred bytes). */
    static final int MAX_LINE = 16 << 20;

    private static final TypeAdapter<JsonElement> STRICT = Output.GSON.getAdapter(JsonElement.class);

    private final Output out;
    private final PrintStream log;
    private final Function<Intent, JsonObject> caller;
    private final ExecutorService pool;
    private volatile int maxTimeout = 60;

    Adapter(Output out, PrintStream log, Function<Intent, JsonObject> caller) {
        this.out = out;
        this.log = log;
        this.caller = caller;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "intent-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newCachedThreadPool(tf);
    }

    /** hello is the adapter's first line. */
    static JsonObject hello() {
        JsonObject h = new JsonObject();
        h.addProperty("type", "hello");
        h.addProperty("protocol", 1);
        h.addProperty("adapter", "java");
        h.addProperty("sdk", "tencentcloud-sdk-java");
        h.addProperty("sdkVersion", Caller.sdkVersion());
        h.addProperty("runtime", "java " + System.getProperty("java.version"));
        JsonObject c = new JsonObject();
        c.add("methods", strings("GET", "POST"));
        c.add("signMethods", strings("TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"));
        // X-TC-Region: the client's region ("" included); X-TC-Action and X-TC-Version through
        // CommonClient; X-TC-Language: ClientProfile.setLanguage; "*": AbstractModel.SetHeader,
        // which the SDK sends with TC3-HMAC-SHA256 (signature v1 is refused, see Caller).
        c.add("headers", strings("X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language", "*"));
        c.add("languages", strings("zh-CN", "en-US")); // the SDK's Language enum
        // No rate-limit retry: AbstractClient.retry(req, n) is a caller's helper that retries
        // every exception after a fixed second, RequestLimitExceeded or not.
        c.addProperty("retry", false);
        // The SDK's Gson leaves out every null field, and every null given to set().
        c.addProperty("nulls", false);
        h.add("capabilities", c);
        return h;
    }

    private static JsonArray strings(String... values) {
        JsonArray a = new JsonArray();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    /**
     * serve writes the hello and answers the intents read from in until it ends, then waits
     * for the calls in flight (the harness kills the adapter a second after closing stdin).
     */
    void serve(Reader in) throws IOException {
        out.write(hello());
        LineReader lines = new LineReader(in, MAX_LINE);
        long n = 0;
        for (String line; (line = lines.next()) != null; ) {
            n++;
            if (lines.overlong()) {
                log.println("adapter: line " + n + " is longer than " + MAX_LINE + " characters: skipped");
                continue;
            }
            if (!line.isBlank()) {
                accept(line, n);
            }
        }
        pool.shutdown();
        try {
            pool.awaitTermination(maxTimeout + 10L, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** accept reads one line and starts its call, or says on stderr why it cannot. */
    void accept(String line, long n) {
        JsonObject o;
        try {
            o = parseObject(line);
        } catch (JsonParseException | IOException | IllegalStateException e) {
            log.println("adapter: line " + n + " is not a JSON object (" + e.getClass().getSimpleName() + "): skipped");
            return;
        }
        JsonElement type = o.get("type");
        if (type == null || !type.isJsonPrimitive() || !"call".equals(type.getAsString())) {
            log.println("adapter: line " + n + " is not an intent (its type is " + (type == null ? "missing" : type) + "): skipped");
            return;
        }
        String id = Intent.idOf(o);
        if (id == null) {
            log.println("adapter: line " + n + " is an intent without a string id: it cannot be answered, skipped");
            return;
        }
        Intent in;
        try {
            in = Intent.parse(o, id);
        } catch (Intent.BadIntent e) {
            JsonObject bad = new JsonObject();
            bad.addProperty("type", "outcome");
            bad.addProperty("id", id);
            bad.add("error", Caller.error("", "adapter: a bad intent: " + e.getMessage(), "", new Scrubber()));
            write(bad);
            return;
        }
        maxTimeout = Math.max(maxTimeout, in.timeoutSeconds);
        pool.execute(() -> run(in));
    }

    /** run calls the SDK for one intent and writes its outcome, whatever happens. */
    private void run(Intent in) {
        JsonObject o;
        try {
            o = caller.apply(in);
        } catch (Throwable t) {
            o = new JsonObject();
            o.addProperty("type", "outcome");
            o.addProperty("id", in.id);
            o.add("error", Caller.error("", "adapter: " + t, "", new Scrubber(in.secretKey, in.token)));
        }
        write(o);
    }

    private void write(JsonObject o) {
        if (!out.write(o)) {
            log.println("adapter: stdout is closed: an outcome is lost");
        }
    }

    /** parseObject parses strict JSON (no comments, no single quotes, nothing after the value). */
    static JsonObject parseObject(String line) throws IOException {
        JsonReader r = new JsonReader(new StringReader(line));
        r.setLenient(false);
        JsonElement e = STRICT.read(r);
        if (r.peek() != JsonToken.END_DOCUMENT) {
            throw new JsonParseException("data after the JSON value");
        }
        if (e == null || !e.isJsonObject()) {
            throw new JsonParseException("not an object");
        }
        return e.getAsJsonObject();
    }

    /**
     * LineReader reads lines ended by "\n" (a "\r" before it is dropped); a line longer than
     * max is read to its end and returned empty, with overlong() true.
     */
    static final class LineReader {
        private final Reader in;
        private final int max;
        private final char[] buf = new char[8192];
        private int pos;
        private int len;
        private boolean overlong;

        LineReader(Reader in, int max) {
            this.in = in;
            this.max = max;
        }

        boolean overlong() {
            return overlong;
        }

        /** next returns the next line, or null at the end of the input. */
        String next() throws IOException {
            StringBuilder sb = new StringBuilder();
            overlong = false;
            boolean any = false;
            while (true) {
                if (pos == len) {
                    len = in.read(buf);
                    pos = 0;
                    if (len <= 0) {
                        len = 0;
                        return any ? finish(sb) : null;
                    }
                }
                any = true;
                int start = pos;
                while (pos < len && buf[pos] != '\n') {
                    pos++;
                }
                if (!overlong) {
                    if (sb.length() + (pos - start) > max) {
                        overlong = true;
                        sb.setLength(0);
                    } else {
                        sb.append(buf, start, pos - start);
                    }
                }
                if (pos < len) {
                    pos++; // the '\n'
                    return finish(sb);
                }
            }
        }

        private String finish(StringBuilder sb) {
            int n = sb.length();
            if (n > 0 && sb.charAt(n - 1) == '\r') {
                sb.setLength(n - 1);
            }
            return sb.toString();
        }
    }
}
