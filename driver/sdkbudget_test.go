package driver

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

type blockingRoundTripper struct{ release chan struct{} }

func (s blockingRoundTripper) RoundTrip(*http.Request) (*http.Response, error) {
	<-s.release
	return nil, errors.New("released")
}

// An SDK call that outlives its budget (a retry that never stops: the SDK's back-off
// sleeps through a cancelled context) is given up on, and fails its scenario, instead
// of hanging the run.
func TestSDKCallGivenUpOnAfterItsBudget(t *testing.T) {
	stuck := blockingRoundTripper{release: make(chan struct{})}
	defer close(stuck.release)
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = "ciam.tencentcloudapi.com"
	rec := &tripRecorder{next: stuck, limit: 1 << 20}
	client := common.NewCommonClient(common.NewCredential("AKIDx", "secret"), "ap-guangzhou", cpf).WithHttpTransport(rec)
	c := &sdkCall{client: client, req: tchttp.NewCommonRequest("ciam", "2022-03-31", "ListJobs"), rec: rec, budget: 50 * time.Millisecond}
	start := time.Now()
	ex := c.send()
	require.Error(t, ex.Err)
	assert.Contains(t, ex.Err.Error(), "did not return within 50ms")
	assert.Less(t, time.Since(start), 5*time.Second)

	assert.Equal(t, 65*time.Second, sdkBudget(60*time.Second, 0))
	assert.Equal(t, 4*60*time.Second+5*time.Second+(1+2+4)*time.Second, sdkBudget(60*time.Second, 3))
}
