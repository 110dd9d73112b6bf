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
