package mutants

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const (
	success = `{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770024,"Location":"<x>"},{"Id":"b","CreatedDate":1715156770999}],"RequestId":"r-1"}}`
	empty   = `{"Response":{"JobSet":[],"RequestId":"r-2"}}`
	failure = `{"Response":{"Error":{"Code":"InvalidParameter","Message":"m"},"RequestId":"r-3"}}`
)

func TestDropRequestID(t *testing.T) {
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770024,"Location":"<x>"},{"Id":"b","CreatedDate":1715156770999}]}}`, string(DropRequestID([]byte(success))))
	assert.JSONEq(t, `{"Response":{"Error":{"Code":"InvalidParameter","Message":"m"}}}`, string(DropRequestID([]byte(failure))))
	assert.Contains(t, string(DropRequestID([]byte(success))), `"<x>"`, "no HTML escaping")
}

func TestNullJobSet(t *testing.T) {
	assert.JSONEq(t, `{"Response":{"JobSet":null,"RequestId":"r-1"}}`, string(NullJobSet([]byte(success))))
	assert.Equal(t, empty, string(NullJobSet([]byte(empty))), "an empty result may be null or []: left alone")
	assert.Equal(t, failure, string(NullJobSet([]byte(failure))))
}

func TestCreatedDateSeconds(t *testing.T) {
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770,"Location":"<x>"},{"Id":"b","CreatedDate":1715156770}],"RequestId":"r-1"}}`,
		string(CreatedDateSeconds([]byte(success))))
	assert.Equal(t, failure, string(CreatedDateSeconds([]byte(failure))))
}

func TestRewriters(t *testing.T) {
	uuid := `{"Response":{"JobSet":[],"RequestId":"3f1e6a3c-5b8e-4f7a-9d2c-8e1b0a4c6d7f"}}`
	assert.JSONEq(t, `{"Response":{"JobSet":[],"RequestId":69399863909263}}`, string(NumericRequestID([]byte(uuid))))
	assert.JSONEq(t, `{"Response":{"JobSet":[],"RequestId":"3f1e6a3c5b8e4f7a9d2c8e1b0a4c6d7f"}}`, string(RequestIDWithoutHyphens([]byte(uuid))))
	assert.JSONEq(t, `{"Response":{"JobSet":[],"RequestId":"3F1E6A3C-5B8E-4F7A-9D2C-8E1B0A4C6D7F"}}`, string(RequestIDUpperCase([]byte(uuid))))
	assert.JSONEq(t, `{"Error":{"Code":"InvalidParameter","Message":"m"},"Response":{"RequestId":"r-3"}}`, string(ErrorOutsideResponse([]byte(failure))))
	assert.Equal(t, success, string(ErrorOutsideResponse([]byte(success))))
	assert.JSONEq(t, `{"Response":{"Error":{"Code":"InvalidParameter","Message":""},"RequestId":"r-3"}}`, string(EmptyMessage([]byte(failure))))
	assert.NotContains(t, string(RewordedMessage([]byte(failure))), `"m"`)
	assert.JSONEq(t, `{"Response":{"Error":{"Code":"X","Message":"m"},"RequestId":"r-3"}}`, string(recode("InvalidParameter", "X")([]byte(failure))))
	assert.Equal(t, failure, string(recode("Other", "X")([]byte(failure))))
	assert.JSONEq(t, `{"Response":{"Jobs":[],"RequestId":"r-2"}}`, string(RenameJobSet([]byte(empty))))
	assert.JSONEq(t, `{"Response":{"JobSet":{"a":{"Id":"a","CreatedDate":1715156770024,"Location":"<x>"},"b":{"Id":"b","CreatedDate":1715156770999}},"RequestId":"r-1"}}`,
		string(JobSetObject([]byte(success))))
	assert.JSONEq(t, `{"Response":{"RequestId":"r-2"}}`, string(DropEmptyJobSet([]byte(empty))))
	assert.Equal(t, success, string(DropEmptyJobSet([]byte(success))))
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770024,"Location":"<x>"}],"RequestId":"r-1"}}`, string(truncateJobSet(1)([]byte(success))))
	assert.Equal(t, success, string(truncateJobSet(2)([]byte(success))))
	reversed := `{"Response":{"JobSet":[{"Id":"b"},{"Id":"a"}],"RequestId":"r"}}`
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a"},{"Id":"b"}],"RequestId":"r"}}`, string(SortJobSet([]byte(reversed))))
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","CreatedDate":"1715156770024","Location":"<x>"},{"Id":"b","CreatedDate":"1715156770999"}],"RequestId":"r-1"}}`,
		string(createdDateString([]byte(success))))
	nested := `{"Response":{"JobSet":[{"Id":"a","Format":null,"ErrorDetails":[{"UserId":null,"Error":"e"}],"FailedUsers":[{"FailedUserIdentification":"u","FailedReason":"r"}]}],"RequestId":"r"}}`
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","ErrorDetails":[{"UserId":null,"Error":"e"}],"FailedUsers":[{"FailedUserIdentification":"u","FailedReason":"r"}]}],"RequestId":"r"}}`,
		string(dropNullField("Format")([]byte(nested))))
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","Format":null,"ErrorDetails":{"UserId":null,"Error":"e"},"FailedUsers":[{"FailedUserIdentification":"u","FailedReason":"r"}]}],"RequestId":"r"}}`,
		string(firstElement("ErrorDetails")([]byte(nested))))
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","Format":null,"ErrorDetails":[{"UserId":null,"Error":"e"}],"FailedUsers":["r"]}],"RequestId":"r"}}`,
		string(nestedField("FailedUsers", "FailedReason")([]byte(nested))))
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","Format":null,"ErrorDetails":[{"UserId":null,"ErrorMessage":"e"}],"FailedUsers":[{"FailedUserIdentification":"u","FailedReason":"r"}]}],"RequestId":"r"}}`,
		string(renameNested("ErrorDetails", "Error", "ErrorMessage")([]byte(nested))))
	assert.Contains(t, string(ExtraJobFields([]byte(success))), `"Progress":100`)
}

func TestRewritesLeaveUnreadableBodiesAlone(t *testing.T) {
	rewriters := map[string]func([]byte) []byte{"DropRequestID": DropRequestID, "NullJobSet": NullJobSet, "CreatedDateSeconds": CreatedDateSeconds,
		"NumericRequestID": NumericRequestID, "ErrorOutsideResponse": ErrorOutsideResponse, "JobSetObject": JobSetObject,
		"DropEmptyJobSet": DropEmptyJobSet, "SortJobSet": SortJobSet, "EmptyMessage": EmptyMessage}
	for _, body := range []string{"", "not json", `[]`, `{"Response":"x"}`, `{"Other":{}}`, `null`} {
		for name, f := range rewriters {
			assert.Equal(t, body, string(f([]byte(body))), "%s(%q)", name, body)
		}
	}
}

func TestStrictJSONRewriters(t *testing.T) {
	success := `{"Response":{"JobSet":[{"Id":"a"}],"RequestId":"r-1"}}`
	assert.Equal(t, `{"Response":{"JobSet":[{"Id":"a"}],"RequestId":"r-1","JobSet":[]}}`, string(DuplicateJobSet([]byte(success))))
	empty := `{"Response":{"JobSet":[],"RequestId":"r-2"}}`
	assert.Equal(t, empty, string(DuplicateJobSet([]byte(empty))), "an empty listing reads the same either way")
	assert.Equal(t, "\xef\xbb\xbf"+empty, string(ByteOrderMark([]byte(empty))))
}
