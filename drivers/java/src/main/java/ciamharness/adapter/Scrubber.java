package ciamharness.adapter;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes an intent's secrets from text before the adapter writes it: the secret key and
 * the token (as given, and URL-encoded, as a signature v1 query carries them), every
 * {@code Signature=} value (the TC3 Authorization header, a signature v1 query or form)
 * and every {@code Token=} parameter. DRIVERS.md, "Secrets".
 */
final class Scrubber {
    static final String REDACTED = "<redacted>";
    private static final Pattern SIGNATURE = Pattern.compile("(Signature=)[^&\\s,\"]*");
    private static final Pattern TOKEN = Pattern.compile("((?:^|[?&\\s])Token=)[^&\\s\"]*");

    private final List<String> secrets = new ArrayList<>();

    Scrubber(String... secrets) {
        for (String s : secrets) {
            if (s == null || s.isEmpty()) {
                continue;
            }
            this.secrets.add(s);
            String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8);
            if (!encoded.equals(s)) {
                this.secrets.add(encoded);
            }
        }
        // The longest first, so that a secret holding another is removed whole.
        this.secrets.sort((a, b) -> b.length() - a.length());
    }

    /** scrub returns text without the secrets; null stays null. */
    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (String secret : secrets) {
            s = s.replace(secret, REDACTED);
        }
        s = SIGNATURE.matcher(s).replaceAll("$1" + REDACTED);
        return TOKEN.matcher(s).replaceAll("$1" + REDACTED);
    }
}
