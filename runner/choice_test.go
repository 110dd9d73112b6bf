package runner

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/wire"
)

// choice is the driver named name, as --driver would parse it.
func choice(t testing.TB, name string) driver.Choice {
	t.Helper()
	c, err := driver.Parse(name)
	require.NoError(t, err)
	return c
}

// wireDriver is the wire driver to a port nothing listens on: for what a driver's
// capabilities decide.
func wireDriver(t testing.TB) driver.Driver {
	t.Helper()
	d, err := driver.NewWire(driver.Env{Target: wire.Target{BaseURL: "http://127.0.0.1:9", Region: DefaultRegion}})
	require.NoError(t, err)
	return d
}

// needAdapter returns the driver of the adapter of drivers/ named name, skipping the
// test when it is not installed, or failing it when CI is set (.ci/run installs every
// adapter with make drivers).
func needAdapter(t *testing.T, name string) driver.Choice {
	t.Helper()
	c := choice(t, name)
	if err := c.Check(context.Background()); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (CI is set, so that is a failure)", err)
		}
		t.Skip(err.Error())
	}
	return c
}
