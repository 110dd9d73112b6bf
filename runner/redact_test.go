package runner

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestLineWriterByteAtATime: godog's formatters write a byte at a time, and an SDK's
// error may quote a body of a megabyte on one line (the Go SDK quotes the whole body it
// could not parse). The line writer must stay linear: it once searched its whole buffer
// for a newline on every write, and such a line took minutes. A secret split across
// writes is still redacted, and every byte comes out once.
func TestLineWriterByteAtATime(t *testing.T) {
	var out bytes.Buffer
	w := newLineWriter(&out, newRedactor("s3cr3t-key"))
	line := strings.Repeat("a", 900<<10) + " s3cr3t-key " + strings.Repeat("b", 900<<10) + "\nthen s3cr3t-key\n"
	start := time.Now()
	for i := range len(line) {
		if _, err := w.Write([]byte{line[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("writing %d bytes a byte at a time took %s: quadratic", len(line), d)
	}
	got := out.String()
	if strings.Contains(got, "s3cr3t-key") || strings.Count(got, redacted) != 2 || !strings.HasSuffix(got, "then "+redacted+"\n") {
		t.Errorf("the secret is not redacted on every line: %q ... %q", got[:40], got[len(got)-40:])
	}
	if n := strings.Count(got, "a") + strings.Count(got, "b"); n != 1800<<10 {
		t.Errorf("%d of %d bytes came out", n, 1800<<10)
	}
}
