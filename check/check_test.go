package check

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// Each check is shown to pass on the values it must accept and to fail, with a message
// naming the row, the path, what came back and what is wanted, on those it must refuse.
func TestChecks(t *testing.T) {
	doc := `{"a":null,"s":"x","e":"","n":1715156770024,"sec":1715156770,"f":1715156770024.5,"exp":1.7e12,
		"q":"1715156770024","arr":[],"arr1":[1],"obj":{},"u":"e2e9e8aa-1b2c-4d3e-8f90-1a2b3c4d5e6f","U":"E2E9E8AA-1B2C-4D3E-8F90-1A2B3C4D5E6F",
		"notu":"e2e9e8aa********************9ab34c6e","code":"RequestLimitExceeded","sub":"RequestLimitExceeded.UinLimitExceeded",
		"near":"RequestLimitExceededX","zero":0,"neg":-5,"big":123456789012345678901234567890}`
	require.True(t, gjson.Valid(doc))
	root := gjson.Parse(doc)
	cases := []struct {
		name  string
		check Check
		pass  []string
		fail  []string
	}{
		{"Missing", Missing(), []string{"nope"}, []string{"a", "s", "arr"}},
		{"Present", Present(), []string{"a", "s", "arr"}, []string{"nope"}},
		{"Null", Null(), []string{"a"}, []string{"nope", "s", "arr", "zero"}},
		{"IsArray", IsArray(), []string{"arr", "arr1"}, []string{"nope", "a", "obj", "s"}},
		{"IsObject", IsObject(), []string{"obj"}, []string{"nope", "a", "arr"}},
		{"EmptyArrayOrNull", EmptyArrayOrNull(), []string{"arr", "a"}, []string{"nope", "arr1", "obj", "e"}},
		{"String", String(), []string{"s", "e"}, []string{"nope", "a", "n", "arr"}},
		{"StringNonEmpty", StringNonEmpty(), []string{"s", "u"}, []string{"e", "nope", "a", "n"}},
		{"OneOf", OneOf("x", "y"), []string{"s"}, []string{"e", "nope", "a", "u"}},
		{"CodeUnder", CodeUnder("RequestLimitExceeded"), []string{"code", "sub"}, []string{"near", "s", "nope", "a"}},
		{"IntegerMillis", IntegerMillis(), []string{"n"}, []string{"sec", "f", "exp", "q", "a", "nope", "zero", "neg", "big", "s"}},
		{"UUID", UUID(), []string{"u", "U"}, []string{"notu", "s", "nope", "a", "n"}},
		{"AnyOf", AnyOf(OneOf("x"), Null()), []string{"s", "a"}, []string{"e", "nope", "n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, p := range c.pass {
				assert.NoError(t, c.check.At("X1", "Response."+p, root.Get(p)), "%s must accept %s", c.name, p)
			}
			for _, p := range c.fail {
				err := c.check.At("X1", "Response."+p, root.Get(p))
				require.Error(t, err, "%s must refuse %s", c.name, p)
				assert.Contains(t, err.Error(), "X1: Response."+p+" ")
				assert.Contains(t, err.Error(), "; want "+c.check.Want)
			}
		})
	}
}

func TestCheckMessages(t *testing.T) {
	root := gjson.Parse(`{"JobSet":[{"CreatedDate":1715156770,"Format":"XML","S":"1715156770024"}]}`)
	assert.EqualError(t, IntegerMillis().At("J4", "Response.JobSet[0].CreatedDate", root.Get("JobSet.0.CreatedDate")),
		"J4: Response.JobSet[0].CreatedDate = 1715156770 (seconds?); want integer epoch milliseconds")
	assert.EqualError(t, IntegerMillis().At("J4", "p", root.Get("JobSet.0.S")),
		`J4: p = "1715156770024" (a string); want integer epoch milliseconds`)
	assert.EqualError(t, AnyOf(OneOf("NDJSON", "CSV"), Null()).At("J5", "Response.JobSet[0].Format", root.Get("JobSet.0.Format")),
		`J5: Response.JobSet[0].Format = "XML"; want one of "NDJSON", "CSV" or null`)
	assert.EqualError(t, StringNonEmpty().At("J1", "Response.JobSet[0].Id", root.Get("JobSet.0.Id")),
		"J1: Response.JobSet[0].Id is absent; want a non-empty string")
	assert.EqualError(t, AnyOf(Missing(), Null(), IsArray()).At("J7", "x", root.Get("JobSet.0.Format")),
		`J7: x = "XML"; want absent, null or an array`)
	long := gjson.Parse(fmt.Sprintf("%q", string(make([]byte, 200))))
	err := String().At("R", "p", gjson.Parse("1"))
	assert.EqualError(t, err, "R: p = 1; want a string")
	assert.Less(t, len(Null().At("R", "p", long).Error()), 140, "long values are shortened")
}

func TestJoinLimited(t *testing.T) {
	assert.NoError(t, JoinLimited(nil))
	var errs []error
	for i := range 30 {
		errs = append(errs, fmt.Errorf("violation %d", i))
	}
	err := JoinLimited(errs)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "violation 11")
	assert.NotContains(t, err.Error(), "violation 12")
	assert.Contains(t, err.Error(), "and 18 more violations")
	assert.ErrorContains(t, JoinLimited([]error{errors.New("one")}), "one")
}

// Blame finds the rows of every check that failed, through joins and wrapping, and
// nothing when no check names a row.
func TestBlame(t *testing.T) {
	err := fmt.Errorf("%w\n    response: HTTP 200 ...", errors.Join(
		Rowf("J2", "Response.JobSet[0].Status = \"DONE\""),
		fmt.Errorf("Response.JobSet[1]: %w", Rowf("T7/T8", "x")),
		Rowf("contract", "no row"),
	))
	assert.Equal(t, []string{"T7", "T8", "J2"}, Blame(err))
	assert.Nil(t, Blame(errors.New("harness error: no request")))
	assert.Nil(t, Blame(nil))
	assert.Equal(t, "J2: bad", Rowf("J2", "bad").Error())
}
