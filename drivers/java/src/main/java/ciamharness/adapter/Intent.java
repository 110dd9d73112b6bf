package ciamharness.adapter;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One intent of the protocol (DRIVERS.md, "intent"), checked: every field the adapter needs
 * is present and of its type, or {@link #parse} says which is not.
 */
final class Intent {
    final String id;
    final String secretId;
    final String secretKey;
    final String token; // "" for a long-term key
    final String scheme; // "http" or "https"
    final String host;
    final int port;
    final String region; // "" for a client without one
    final String method; // "GET" or "POST"
    final String signMethod; // "TC3-HMAC-SHA256", "HmacSHA1" or "HmacSHA256"
    final String action;
    final String version;
    final String language; // null: the SDK's default (none)
    final Map<String, String> headers;
    final JsonObject params;
    final int timeoutSeconds;
    final int retries;

    /** BadIntent is an intent the adapter cannot act on; its message says why. */
    static final class BadIntent extends Exception {
        private static final long serialVersionUID = 1L;

        BadIntent(String message) {
            super(message);
        }
    }

    private Intent(JsonObject o, String id) throws BadIntent {
        this.id = id;
        JsonObject cred = object(o, "credential");
        secretId = string(cred, "credential.secretId", false);
        secretKey = string(cred, "credential.secretKey", false);
        String t = cred.has("token") && !cred.get("token").isJsonNull() ? string(cred, "credential.token", true) : "";
        token = t;
        JsonObject ep = object(o, "endpoint");
        scheme = string(ep, "endpoint.scheme", false);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new BadIntent("endpoint.scheme is \"" + scheme + "\"; want \"http\" or \"https\"");
        }
        host = string(ep, "endpoint.host", false);
        port = integer(ep, "endpoint.port", 1, 65535, -1);
        region = string(o, "region", true);
        method = string(o, "method", false);
        if (!method.equals("GET") && !method.equals("POST")) {
            throw new BadIntent("method is \"" + method + "\"; the SDK sends GET or POST");
        }
        signMethod = string(o, "signMethod", false);
        action = string(o, "action", false);
        version = string(o, "version", false);
        language = o.has("language") && !o.get("language").isJsonNull() ? string(o, "language", true) : null;
        Map<String, String> h = new LinkedHashMap<>();
        if (o.has("headers") && !o.get("headers").isJsonNull()) {
            JsonObject ho = object(o, "headers");
            for (Map.Entry<String, JsonElement> e : ho.entrySet()) {
                h.put(e.getKey(), string(ho, "headers." + e.getKey(), true));
            }
        }
        headers = Collections.unmodifiableMap(h);
        params = object(o, "params");
        timeoutSeconds = integer(o, "timeoutSeconds", 1, 3600, 60);
        retries = integer(o, "rateLimitExceededMaxRetries", 0, 100, 0);
    }

    /**
     * parse checks an intent whose type and id have been read. A field missing or of
     * another type is a BadIntent naming it.
     */
    static Intent parse(JsonObject o, String id) throws BadIntent {
        return new Intent(o, id);
    }

    /** id returns the intent's id, or null when it has none (then it cannot be answered). */
    static String idOf(JsonObject o) {
        JsonElement e = o.get("id");
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        return null;
    }

    private static JsonObject object(JsonObject o, String name) throws BadIntent {
        String key = name.substring(name.lastIndexOf('.') + 1);
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new BadIntent(name + " is missing");
        }
        if (!e.isJsonObject()) {
            throw new BadIntent(name + " is not a JSON object");
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String name, boolean emptyOK) throws BadIntent {
        String key = name.substring(name.indexOf('.') + 1);
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new BadIntent(name + " is missing");
        }
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isString()) {
            throw new BadIntent(name + " is not a string");
        }
        String s = e.getAsString();
        if (!emptyOK && s.isEmpty()) {
            throw new BadIntent(name + " is empty");
        }
        return s;
    }

    private static int integer(JsonObject o, String name, int min, int max, int otherwise) throws BadIntent {
        String key = name.substring(name.indexOf('.') + 1);
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (otherwise >= 0) {
                return otherwise;
            }
            throw new BadIntent(name + " is missing");
        }
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
            throw new BadIntent(name + " is not a number");
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d) || d < min || d > max) {
            throw new BadIntent(name + " is " + e + "; want a whole number from " + min + " to " + max);
        }
        return (int) d;
    }
}
