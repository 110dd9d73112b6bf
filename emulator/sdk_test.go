//go:build !mechanical

package emulator

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// The official SDK (common module) as a client. CommonRequest carries its parameters only
// in a JSON body, so GET and signature v1 use a typed request shaped as the ciam module's
// ListJobsRequest (the `name` tags drive the SDK's JobIds.N flattening).

type sdkListJobsRequest struct {
	*tchttp.BaseRequest
	//lint:ignore SA5008 omitnil is the Tencent Cloud SDK's tag option; these fields mirror its request
	UserStoreId *string `json:"UserStoreId,omitnil,omitempty" name:"UserStoreId"`
	//lint:ignore SA5008 omitnil is the Tencent Cloud SDK's tag option; these fields mirror its request
	JobIds []*string `json:"JobIds,omitnil,omitempty" name:"JobIds"`
}

type sdkListJobsResponse struct {
	*tchttp.BaseResponse
	Response *struct {
		JobSet    []json.RawMessage `json:"JobSet"`
		RequestId *string           `json:"RequestId"`
	} `json:"Response"`
}

func newSDKRequest(storeID string, ids ...string) *sdkListJobsRequest {
	r := &sdkListJobsRequest{BaseRequest: &tchttp.BaseRequest{}}
	r.Init().WithApiInfo("ciam", "2022-03-31", "ListJobs")
	r.UserStoreId = common.StringPtr(storeID)
	if ids != nil {
		r.JobIds = common.StringPtrs(ids)
	}
	return r
}

func sdkClient(s *Server, c *common.Credential, method, signMethod string) *common.Client {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = strings.TrimPrefix(s.URL, "http://")
	cpf.HttpProfile.Scheme = "HTTP"
	cpf.HttpProfile.ReqMethod = method
	cpf.HttpProfile.ReqTimeout = 10
	if signMethod != "" {
		cpf.SignMethod = signMethod
	}
	return common.NewCommonClient(c, "ap-guangzhou", cpf)
}

// sdkIDs lists the job ids of a typed response, sorted.
func sdkIDs(t *testing.T, resp *sdkListJobsResponse) []string {
	t.Helper()
	require.NotNil(t, resp.Response)
	require.NotNil(t, resp.Response.RequestId)
	assert.Regexp(t, uuidV4, *resp.Response.RequestId)
	var ids []string
	for _, j := range resp.Response.JobSet {
		var head struct{ Id string }
		require.NoError(t, json.Unmarshal(j, &head))
		ids = append(ids, head.Id)
	}
	sort.Strings(ids)
	return ids
}

func sdkCode(t *testing.T, err error) string {
	t.Helper()
	var sdkErr *tcerr.TencentCloudSDKError
	require.True(t, errors.As(err, &sdkErr), "not an SDK error: %v", err)
	return sdkErr.GetCode()
}

func TestOfficialSDK(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	fx := loadFixture(t)
	p, _ := fx.Credential("primary")
	tmp, _ := fx.Credential("temporary")
	primary := common.NewCredential(p.SecretID, p.SecretKey)
	temporary := common.NewTokenCredential(tmp.SecretID, tmp.SecretKey, tmp.Token)
	varied := storeOf(t, "varied")
	v := varied.JobIDs()

	t.Run("CommonRequest POST", func(t *testing.T) {
		req := tchttp.NewCommonRequest("ciam", "2022-03-31", "ListJobs")
		require.NoError(t, req.SetActionParameters(map[string]interface{}{"UserStoreId": varied.ID, "JobIds": []string{v[0], v[2]}}))
		resp := tchttp.NewCommonResponse()
		require.NoError(t, sdkClient(s, primary, "POST", "").Send(req, resp))
		var body struct {
			Response struct {
				JobSet []struct{ Id string }
			}
		}
		require.NoError(t, json.Unmarshal(resp.GetBody(), &body))
		var ids []string
		for _, j := range body.Response.JobSet {
			ids = append(ids, j.Id)
		}
		assert.ElementsMatch(t, []string{v[0], v[2]}, ids)
	})
	for _, tc := range []struct {
		name, method, signMethod string
		cred                     *common.Credential
	}{
		{"TC3 POST", "POST", "", primary},
		{"TC3 GET", "GET", "", primary},
		{"TC3 POST temporary", "POST", "", temporary},
		{"TC3 GET temporary", "GET", "", temporary},
		{"v1 HmacSHA256 POST", "POST", "HmacSHA256", primary},
		{"v1 HmacSHA256 GET", "GET", "HmacSHA256", primary},
		{"v1 HmacSHA1 POST", "POST", "HmacSHA1", primary},
		{"v1 HmacSHA1 GET", "GET", "HmacSHA1", primary},
		{"v1 HmacSHA256 POST temporary", "POST", "HmacSHA256", temporary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := sdkClient(s, tc.cred, tc.method, tc.signMethod)
			resp := &sdkListJobsResponse{BaseResponse: &tchttp.BaseResponse{}}
			require.NoError(t, client.Send(newSDKRequest(varied.ID, v[1], v[4], "no-such-job"), resp))
			assert.Equal(t, sortedIDs(v[1], v[4]), sdkIDs(t, resp))

			resp = &sdkListJobsResponse{BaseResponse: &tchttp.BaseResponse{}}
			require.NoError(t, client.Send(newSDKRequest(varied.ID), resp))
			assert.Equal(t, sortedIDs(v...), sdkIDs(t, resp))
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		for _, m := range []string{"", "HmacSHA256"} {
			client := sdkClient(s, common.NewCredential(p.SecretID, "wrong-key"), "POST", m)
			err := client.Send(newSDKRequest(varied.ID), &sdkListJobsResponse{BaseResponse: &tchttp.BaseResponse{}})
			assert.Equal(t, "AuthFailure.SignatureFailure", sdkCode(t, err), "sign method %q", m)
		}
	})
	t.Run("wrong token", func(t *testing.T) {
		client := sdkClient(s, common.NewTokenCredential(tmp.SecretID, tmp.SecretKey, "nope"), "POST", "")
		err := client.Send(newSDKRequest(varied.ID), &sdkListJobsResponse{BaseResponse: &tchttp.BaseResponse{}})
		assert.Equal(t, "AuthFailure.TokenFailure", sdkCode(t, err))
	})
	t.Run("unknown user store", func(t *testing.T) {
		for _, m := range []string{"POST", "GET"} {
			err := sdkClient(s, primary, m, "").Send(newSDKRequest("us-nope"), &sdkListJobsResponse{BaseResponse: &tchttp.BaseResponse{}})
			assert.Equal(t, "FailedOperation.InvalidUserStore", sdkCode(t, err))
		}
	})
	t.Run("fault code reaches the SDK", func(t *testing.T) {
		err := sdkClient(s, primary, "POST", "").Send(newSDKRequest("us-fault-internalerror"), &sdkListJobsResponse{BaseResponse: &tchttp.BaseResponse{}})
		assert.Equal(t, "InternalError", sdkCode(t, err))
	})
}

func TestOfficialSDKRateLimit(t *testing.T) {
	t.Parallel()
	frozen := time.Now() // one arrival second for every call; the SDK signs with real time
	s := startServer(t, Config{RateLimit: 2, Clock: func() time.Time { return frozen }})
	p, _ := loadFixture(t).Credential("other-owner")
	client := sdkClient(s, common.NewCredential(p.SecretID, p.SecretKey), "POST", "")
	var got []string
	for range 3 {
		err := client.Send(newSDKRequest(storeOf(t, "varied").ID), &sdkListJobsResponse{BaseResponse: &tchttp.BaseResponse{}})
		if err != nil {
			got = append(got, sdkCode(t, err))
		}
	}
	assert.Equal(t, []string{"RequestLimitExceeded"}, got)
}
