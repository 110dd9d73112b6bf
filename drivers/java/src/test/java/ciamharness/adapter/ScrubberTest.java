package ciamharness.adapter;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class ScrubberTest {
    @Test
    void secretsSignaturesAndTokensAreRemoved() {
        Scrubber s = new Scrubber("key/+=1", "tok en", null, "");
        assertEquals("a <redacted> b", s.scrub("a key/+=1 b"));
        assertEquals("a <redacted> b", s.scrub("a key%2F%2B%3D1 b"));
        assertEquals("x <redacted> y", s.scrub("x tok+en y"));
        assertEquals("TC3-HMAC-SHA256 Credential=AKID/d/ciam/tc3_request, SignedHeaders=content-type;host, Signature=<redacted>",
                s.scrub("TC3-HMAC-SHA256 Credential=AKID/d/ciam/tc3_request, SignedHeaders=content-type;host, Signature=abcdef0123"));
        assertEquals("http://h/?Action=ListJobs&Signature=<redacted>&Token=<redacted>&Nonce=1",
                s.scrub("http://h/?Action=ListJobs&Signature=q%2Bw%3D&Token=other&Nonce=1"));
        assertEquals("Token=<redacted>&SecretId=AKID", s.scrub("Token=abc&SecretId=AKID"));
        assertNull(s.scrub(null));
    }

    @Test
    void aSecretHoldingAnotherIsRemovedWhole() {
        Scrubber s = new Scrubber("abc", "abcdef");
        String out = s.scrub("xabcdefx");
        assertEquals("x<redacted>x", out);
        assertFalse(out.contains("def"));
    }
}
