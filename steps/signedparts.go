package steps

import (
	"strings"
)

// Every signed part matters: a request signed over one value and sent with another is
// refused. These steps change one part after signing (request.go changes the body, the
// query and the signed headers' values the same way).

// otherRegion is a Tencent Cloud region other than region.
func otherRegion(region string) string {
	if strings.EqualFold(region, "ap-shanghai") {
		return "ap-guangzhou"
	}
	return "ap-shanghai"
}
