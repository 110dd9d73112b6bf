package result

import "testing"

func TestFailing(t *testing.T) {
	for st, want := range map[Status]bool{Passed: false, Failed: true, Skipped: false, Undefined: true, Pending: true, KnownFailure: false} {
		if got := st.Failing(); got != want {
			t.Errorf("%s.Failing() = %v, want %v", st, got, want)
		}
	}
}

func TestAttachment(t *testing.T) {
	s := Scenario{Attachments: []Attachment{{Name: "request.txt", Body: "POST /"}}}
	if got := s.Attachment("request.txt"); got != "POST /" {
		t.Errorf("Attachment(request.txt) = %q", got)
	}
	if got := s.Attachment("response.txt"); got != "" {
		t.Errorf("Attachment(response.txt) = %q, want empty", got)
	}
}

// A run's verdict is a value: its words and its class come from the outcome and the
// rows not checked, never from reading the words back.
func TestRunVerdict(t *testing.T) {
	for _, c := range []struct {
		v            RunVerdict
		words, class string
	}{
		{RunVerdict{Outcome: Pass}, "PASS", "passed"},
		{RunVerdict{Outcome: Pass, NotChecked: []string{"T5", "A3"}}, "PASS, INCOMPLETE (rows not checked: T5 A3)", "incomplete"},
		{RunVerdict{Outcome: Fail, NotChecked: []string{"T5"}}, "FAIL, INCOMPLETE (rows not checked: T5)", "failed"},
		{RunVerdict{Outcome: Interrupted}, "INTERRUPTED", "failed"},
		{RunVerdict{Outcome: DeadlineExceeded}, "DEADLINE EXCEEDED", "failed"},
		{RunVerdict{Outcome: Outcome(9)}, "UNKNOWN", "failed"},
		{RunVerdict{}, "UNKNOWN", "failed"},
	} {
		if c.v.String() != c.words || c.v.Class() != c.class {
			t.Errorf("%+v: %q %q; want %q %q", c.v, c.v.String(), c.v.Class(), c.words, c.class)
		}
	}
	for _, o := range []Outcome{Pass, Fail, Interrupted, DeadlineExceeded} {
		b, _ := o.MarshalText()
		var back Outcome
		if err := back.UnmarshalText(b); err != nil || back != o {
			t.Errorf("%v: read back as %v (%v)", o, back, err)
		}
	}
	var o Outcome
	if o.UnmarshalText([]byte("pass")) == nil || o.UnmarshalText([]byte("")) == nil {
		t.Error(`"pass" and "" are no outcomes`)
	}
	if o.UnmarshalText([]byte("UNKNOWN")) != nil || o != Unknown {
		t.Error("UNKNOWN reads back as Unknown")
	}
	for k := SkipNone; k <= SkipOther; k++ {
		if k != SkipNone && (k.String() == "" || k.Summary() == "") {
			t.Errorf("skip kind %d has no name or summary", k)
		}
	}
}
