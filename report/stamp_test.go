package report

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStampedCommit(t *testing.T) {
	defer func(old string) { stampedCommit = old }(stampedCommit)
	stampedCommit = ""
	assert.Equal(t, Unknown, HarnessOf(nil).Commit)
	stampedCommit = "0123abcd"
	assert.Equal(t, "0123abcd", HarnessOf(nil).Commit, "the link-time stamp stands in for missing VCS information")
	info := &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Path: "m", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "feedbeef"}, {Key: "vcs.modified", Value: "true"}}}
	h := HarnessOf(info)
	assert.Equal(t, "feedbeef", h.Commit, "the build's own VCS information wins")
	assert.Equal(t, "m (devel), commit feedbeef (modified), go1.26", h.String())
}
