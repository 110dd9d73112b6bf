package explore

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/steps"
)

// The region names the explorer draws as accepted are those CONTRACT.md's P3 lists.
func TestRegionsAreP3s(t *testing.T) {
	var row string
	for _, line := range strings.Split(string(listjobs.Contract), "\n") {
		if strings.HasPrefix(line, "| P3 |") {
			row = line
		}
	}
	if row == "" {
		t.Fatal("CONTRACT.md has no P3 row")
	}
	_, accepted, _ := strings.Cut(row, "The Tencent Cloud region names")
	accepted, _, _ = strings.Cut(accepted, "are accepted")
	names := regexp.MustCompile("`([a-z]+-[a-z]+(?:-[0-9]+)?)`").FindAllStringSubmatch(accepted, -1)
	var want []string
	for _, m := range names {
		want = append(want, m[1])
	}
	if !slices.Equal(want, p3Regions) {
		t.Errorf("P3 accepts %v; the explorer draws %v", want, p3Regions)
	}
	if slices.Contains(p3Regions, unknownRegion) || !strings.Contains(row, "`"+unknownRegion+"`") {
		t.Errorf("%s is P3's example of a name that is no region", unknownRegion)
	}
}

// Every drawn shape of request has sentences the catalogue knows.
func TestSentencesAreTheCatalogues(t *testing.T) {
	m := newModel(defaultFixture(t))
	reqs := []*req{
		{cred: "primary", store: storeFixture, role: "varied", method: "POST", ids: idsList, list: []jobID{{kind: idNear, near: 1}, {kind: idOther, store: "sibling"}}, enc: encBodySpaced, charset: true, brk: breakBodyAfter, arg: 1},
		{cred: "temporary", store: storeFault, method: "GET", ids: idsList, list: []jobID{{kind: idUnknown, n: 3}}, enc: encQueryLower, brk: breakQueryAfter, lang: "zh-CN", sdkHdrs: true},
		{cred: "other-account", store: storeNotObject, method: "POST", v1: "", region: "-", brk: breakAuthForm, arg: 3},
		{cred: "primary", store: storeFixture, role: "many", method: "GET", v1: "HmacSHA256", brk: breakV1Param, arg: 2},
		{cred: "primary", store: storeFixture, role: "varied", method: "PUT", pad: padBodyBig, ids: idsList, brk: breakMoved, arg: 7},
	}
	cat := steps.Steps()
	for _, r := range reqs {
		var texts []plan.StepText
		for _, s := range m.sentences(r) {
			texts = append(texts, plan.StepText{Text: s.Text, DocString: s.Doc})
		}
		if u := cat.Analyze([]string{"@fixture"}, texts).Undefined; len(u) > 0 {
			t.Errorf("no sentences of the catalogue: %q", u)
		}
	}
}
