package steps

import (
	"errors"
	"testing"

	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWireTags: a scenario carries @wire exactly when the catalogue says one of its
// steps needs the wire driver. Without the tag, a reader of the feature would not know
// the sdk driver skips it; with a stale tag, the sdk driver would skip a scenario it
// could run.
func TestWireTags(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	cat := Steps()
	wire, sdkRetry := 0, 0
	for _, sc := range p.Scenarios {
		tags := map[string]bool{}
		for _, tg := range sc.Tags {
			tags[tg] = true
		}
		tr := cat.Analyze(sc.Tags, sc.Steps)
		switch {
		case tags[vocab.TagWire] && tr.Wire == "":
			t.Errorf("%s: %q is tagged %s, but no step of it needs the wire driver", sc.Feature, sc.Name, vocab.TagWire)
		case !tags[vocab.TagWire] && tr.Wire != "":
			t.Errorf("%s: %q needs the wire driver (%q) but is not tagged %s", sc.Feature, sc.Name, tr.WireStep, vocab.TagWire)
		}
		if tags[vocab.TagWire] {
			wire++
		}
		if tags[vocab.TagSDKRetry] {
			sdkRetry++
			assert.False(t, tags[vocab.TagWire], "%s: a scenario cannot need both drivers", sc.Name)
		}
	}
	t.Logf("%d scenarios, %d @wire, %d @sdk-retry", len(p.Scenarios), wire, sdkRetry)
	assert.Positive(t, wire)
	assert.Positive(t, sdkRetry)
}

func TestSDKLimit(t *testing.T) {
	t.Parallel()
	for text, wireOnly := range map[string]bool{
		`the request method is "PUT"`:                                              true,
		`the request method is "GET"`:                                              false,
		"the body is exactly `[]`":                                                 true,
		"the body is exactly:":                                                     true,
		"the body is empty":                                                        true,
		`the query is exactly "UserStoreId=x"`:                                     true,
		`the header "X-TC-Region" is absent`:                                       false,
		`the header "X-TC-Action" is absent`:                                       true,
		`the header "X-TC-Region" is "ap-shanghai"`:                                false,
		`the request signs the headers "content-type;host"`:                        false,
		`the request signs the headers "content-type;host;x-tc-action"`:            true,
		`the request's timestamp is 400 seconds in the past`:                       true,
		`the credential scope service is "cvm"`:                                    true,
		`the request carries no Authorization header`:                              true,
		`the Authorization header is replaced by ""`:                               true,
		"the body is replaced after signing by `{}`":                               true,
		`the X-TC-Region is changed to another Tencent Cloud region after signing`: true,
		`the JobIds pad the body beyond 10 MB`:                                     true,
		`the HTTP status is 200`:                                                   true,
		`the Content-Type of the response is application/json`:                     true,
		`the request is signed with a wrong SecretKey`:                             false,
		`the request is signed with signature v1 and "HmacSHA1"`:                   false,
		`the request carries no X-TC-Token`:                                        false,
		`the response is the error "InvalidAction"`:                                false,
	} {
		assert.Equal(t, wireOnly, Steps().wireReason(text) != "", text)
	}
}

func TestSkipOf(t *testing.T) {
	t.Parallel()
	err := &SkipError{Kind: result.SkipNullNotSent, Reason: "why"}
	assert.ErrorIs(t, err, godog.ErrSkip)
	skip, ok := SkipOf(errors.Join(errors.New("before scenario hook failed"), err))
	assert.True(t, ok)
	assert.Equal(t, result.Skip{Kind: result.SkipNullNotSent, Reason: "why"}, skip)
	skip, ok = SkipOf(godog.ErrSkip)
	assert.True(t, ok)
	assert.Equal(t, result.SkipOther, skip.Kind)
	_, ok = SkipOf(nil)
	assert.False(t, ok)
	assert.Equal(t, result.SkipOther, (&SkipError{Reason: "x"}).Skip().Kind, "a skip without a kind is SkipOther")
	assert.Equal(t, "inconclusive: x", (&SkipError{Kind: result.SkipInconclusive, Reason: "x"}).Error())
}
