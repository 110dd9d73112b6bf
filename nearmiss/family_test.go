package nearmiss_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/nearmiss"
)

// TestFamilyOfAValue pins each member on a value of every kind of character.
func TestFamilyOfAValue(t *testing.T) {
	want := map[string]string{
		nearmiss.OtherCase:      "lISTjOBS",
		nearmiss.ProperPrefix:   "ListJob",
		nearmiss.SuffixAdded:    "ListJobs0",
		nearmiss.WhiteSpace:     " ListJobs ",
		nearmiss.Empty:          "",
		nearmiss.OneLetterCase:  "ListJobS",
		nearmiss.OwnSuffix:      "ListJobss",
		nearmiss.FirstChanged:   "bistJobs", // the next of its own characters: B J L b i o s t
		nearmiss.MiddleChanged:  "ListLobs",
		nearmiss.LastChanged:    "ListJobt",
		nearmiss.Confusable:     "L\u0456stJobs",
		nearmiss.PercentEncoded: "%4CistJobs",
		nearmiss.JSONEscaped:    `\u004cistJobs`,
	}
	for _, m := range nearmiss.Family() {
		miss, ok := m.Of("ListJobs")
		if m.Name == nearmiss.Normalisation {
			assert.False(t, ok, "an ASCII value has one normalisation")
			continue
		}
		require.True(t, ok, m.Name)
		assert.Equal(t, want[m.Name], miss, m.Name)
	}
	assert.Len(t, nearmiss.Family(), len(want)+1, "every member is pinned")
}

// TestMembersDiffer: every member of every value is another string than the value, and
// the spellings decode to the value in their own syntax.
func TestMembersDiffer(t *testing.T) {
	values := []string{"ListJobs", "2022-03-31", "us-190dca50d2a46b53a1960d0f993c7e4a", "AKIDemuPrimaryAlice000000000000001",
		"application/json", "/", "x", "Zürich", "Zu\u0308rich", "0123456789abcdef", "a b"}
	for _, v := range values {
		for _, m := range nearmiss.Family() {
			miss, ok := m.Of(v)
			if !ok {
				continue
			}
			assert.NotEqual(t, v, miss, "%s of %q", m.Name, v)
			assert.True(t, utf8.ValidString(miss), "%s of %q", m.Name, v)
			switch m.Spelling {
			case nearmiss.Query:
				got, err := url.QueryUnescape(miss)
				require.NoError(t, err)
				assert.Equal(t, v, got, "%s of %q decodes to it", m.Name, v)
			case nearmiss.JSON:
				var got string
				require.NoError(t, json.Unmarshal([]byte(`"`+miss+`"`), &got))
				assert.Equal(t, v, got, "%s of %q decodes to it", m.Name, v)
			}
		}
	}
}

// TestKinds pins what a member does where a value's characters make it special.
func TestKinds(t *testing.T) {
	of := func(name, v string) (string, bool) {
		m, ok := nearmiss.ByName(name)
		require.True(t, ok, name)
		return m.Of(v)
	}
	for name, c := range map[string]struct {
		in, out string
		ok      bool
	}{
		"no letters, no case":             {"2022-03-31", "", false},
		"one character, no proper prefix": {"/", "", false},
		"hex stays hex":                   {"0f", "ff", true},
		"a digit when no letter":          {"2022-03-31", "\uff12022-03-31", true},
		"a sign when no letter, no digit": {"/", "\u2215", true},
		"suffix a character it lacks":     {"x0", "x0Z", true},
		"normalised: NFC to NFD":          {"Zürich", "Zu\u0308rich", true},
		"normalised: NFD to NFC":          {"Zu\u0308rich", "Zürich", true},
		"percent: the first unreserved":   {"/a", "/%61", true},
		"JSON escape: a character of BMP": {"é1", `\u00e91`, true},
	} {
		t.Run(name, func(t *testing.T) {
			member := map[string]string{
				"no letters, no case": nearmiss.OtherCase, "one character, no proper prefix": nearmiss.ProperPrefix,
				"hex stays hex": nearmiss.FirstChanged, "a digit when no letter": nearmiss.Confusable,
				"a sign when no letter, no digit": nearmiss.Confusable, "suffix a character it lacks": nearmiss.SuffixAdded,
				"normalised: NFC to NFD": nearmiss.Normalisation, "normalised: NFD to NFC": nearmiss.Normalisation,
				"percent: the first unreserved": nearmiss.PercentEncoded, "JSON escape: a character of BMP": nearmiss.JSONEscaped,
			}[name]
			got, ok := of(member, c.in)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.out, got)
		})
	}
	_, ok := of(nearmiss.Empty, "")
	assert.False(t, ok, "the empty string has no empty near miss")
	_, ok = of(nearmiss.JSONEscaped, "\U0001F600")
	assert.False(t, ok, "a character beyond the BMP is two escapes: not this member")
}

// TestVerdicts pins the rules that give most verdicts: another spelling in the carrier's
// own syntax is the same value, but another value where the bytes are compared.
func TestVerdicts(t *testing.T) {
	json, _ := nearmiss.ByName(nearmiss.JSONEscaped)
	pct, _ := nearmiss.ByName(nearmiss.PercentEncoded)
	norm, _ := nearmiss.ByName(nearmiss.Normalisation)
	get := func(id string) nearmiss.Value {
		v, ok := nearmiss.ByID(id)
		require.True(t, ok, id)
		return v
	}
	assert.Equal(t, nearmiss.Accepted, get("userstoreid").Verdict(json).Outcome, "a body decodes JSON escapes")
	assert.Equal(t, nearmiss.Refused, get("userstoreid").Verdict(pct).Outcome, "a body does not percent-decode")
	assert.Equal(t, nearmiss.Accepted, get("userstoreid-query").Verdict(pct).Outcome, "a query percent-decodes")
	assert.Equal(t, nearmiss.Refused, get("signed-body").Verdict(json).Outcome, "the signature is over the bytes")
	assert.Equal(t, nearmiss.NotApplicable, get("secretid").Verdict(norm).Outcome)
	suffix, _ := nearmiss.ByName(nearmiss.SuffixAdded)
	assert.Equal(t, []string{"AuthFailure.SecretIdNotFound"}, get("secretid").Verdict(suffix).Codes)
	assert.Equal(t, []string{"A5"}, get("secretid").Verdict(pct).Also, "a SecretId with a character no SecretId holds breaks A5's form too")
	conf, _ := nearmiss.ByName(nearmiss.Confusable)
	assert.Equal(t, nearmiss.NotAsserted, get("action").Verdict(conf).Outcome, "a header that is not ASCII may never reach the API")
	assert.Equal(t, nearmiss.Refused, get("userstoreid").Verdict(conf).Outcome, "a JSON body carries any character")
	assert.True(t, get("userstoreid").WireOnly(json), "an escape only a hand-written body carries")
	assert.False(t, get("userstoreid").WireOnly(pct), "a parameter's value an SDK's caller sets")
	assert.True(t, get("secretid").WireOnly(pct))
}

// TestTableIsWellFormed: ids unique, every value's verdicts named after members and
// explained, every refusal says what it gets, steps unique and ending where the member
// begins.
func TestTableIsWellFormed(t *testing.T) {
	ids, steps := map[string]bool{}, map[string]bool{}
	for _, v := range nearmiss.Table() {
		assert.False(t, ids[v.ID], "id %s twice", v.ID)
		ids[v.ID] = true
		assert.NotEmpty(t, v.Compared, v.ID)
		assert.NotEmpty(t, v.Rows, v.ID)
		assert.NotEmpty(t, v.Where, v.ID)
		if !v.Response {
			assert.NotEmpty(t, v.Step, v.ID)
			assert.NotEmpty(t, v.Noun, v.ID)
			assert.False(t, steps[v.Step], "step %q twice", v.Step)
			steps[v.Step] = true
			assert.False(t, strings.Contains(v.Step, ":"), "%s: a step names the member after its only colon", v.ID)
		}
		for name, w := range v.Members {
			_, ok := nearmiss.ByName(name)
			assert.True(t, ok, "%s: %q is no member", v.ID, name)
			assert.NotEmpty(t, w.Reason, "%s %q: a verdict other than the value's refusal says why", v.ID, name)
		}
		for name := range v.Elsewhere {
			m, _ := nearmiss.ByName(name)
			assert.True(t, v.Verdict(m).Runs(), "%s %q: judged elsewhere, so it runs", v.ID, name)
		}
		for _, m := range nearmiss.Family() {
			w := v.Verdict(m)
			assert.NotZero(t, w.Outcome, "%s %q", v.ID, m.Name)
			if !w.Runs() {
				assert.NotEmpty(t, w.Reason, "%s %q: why it does not run", v.ID, m.Name)
			}
			if w.Outcome == nearmiss.Refused && !v.Response {
				n := len(w.Codes)
				if w.Under != "" || w.NoMatch {
					n++
				}
				assert.True(t, n == 1 || (len(w.Codes) == 2 && w.Under == "" && !w.NoMatch), "%s %q: a refusal is one or two codes, a code under, or no match", v.ID, m.Name)
			}
		}
	}
}
