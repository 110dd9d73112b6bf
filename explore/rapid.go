package explore

import (
	"crypto/rand"
	"encoding/binary"
	"flag"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"
)

// rapid is configured through its flags (pgregory.net/rapid reads -rapid.seed and the
// others from the standard flag set): a process may run several explorations at once
// (the mutation engine) when they share a seed, and one of another seed waits until
// they are done, so that no flag changes under a running check.

var (
	seedMu     sync.Mutex
	seedCond   = sync.NewCond(&seedMu)
	seedActive int
	seedNow    uint64
	rapidInit  sync.Once
)

// rapidChecks bounds the programs of one check far above any budget: the budget ends it.
const rapidChecks = 1 << 30

// rapidShrinkTime bounds the shrinking of one failure.
const rapidShrinkTime = 15 * time.Second

// useSeed makes seed rapid's seed until release is called.
func useSeed(seed uint64) (release func()) {
	rapidInit.Do(func() {
		// rapid calls testing.Short, which needs the testing flags registered and
		// parsed; a command that is not a test has neither.
		if flag.Lookup("test.short") == nil {
			testing.Init()
		}
		if !flag.Parsed() {
			_ = flag.CommandLine.Parse(nil)
		}
		for name, v := range map[string]string{
			"rapid.checks":     strconv.Itoa(rapidChecks),
			"rapid.nofailfile": "true",
			"rapid.shrinktime": rapidShrinkTime.String(),
			"rapid.v":          "false",
		} {
			if err := flag.Set(name, v); err != nil {
				panic(fmt.Sprintf("explore: rapid's flag %s: %v", name, err))
			}
		}
	})
	seedMu.Lock()
	for seedActive > 0 && seedNow != seed {
		seedCond.Wait()
	}
	if seedActive == 0 && seedNow != seed {
		if err := flag.Set("rapid.seed", strconv.FormatUint(seed, 10)); err != nil {
			panic(fmt.Sprintf("explore: rapid's flag rapid.seed: %v", err))
		}
		seedNow = seed
	}
	seedActive++
	seedMu.Unlock()
	return sync.OnceFunc(func() {
		seedMu.Lock()
		seedActive--
		seedCond.Broadcast()
		seedMu.Unlock()
	})
}

// RandomSeed is a seed picked at random (never 0, which rapid takes for "pick one").
func RandomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return binary.BigEndian.Uint64(b[:])>>12 | 1
}

// quietTB is the rapid.TB of an exploration: rapid reports through it what the
// explorer reports itself, so it keeps nothing but whether rapid failed.
type quietTB struct {
	name   string
	mu     sync.Mutex
	failed bool
}

func (t *quietTB) Helper()               {}
func (t *quietTB) Name() string          { return t.name }
func (t *quietTB) Logf(string, ...any)   {}
func (t *quietTB) Log(...any)            {}
func (t *quietTB) Skipf(string, ...any)  {}
func (t *quietTB) Skip(...any)           {}
func (t *quietTB) SkipNow()              {}
func (t *quietTB) Errorf(string, ...any) { t.Fail() }
func (t *quietTB) Error(...any)          { t.Fail() }
func (t *quietTB) Fatalf(string, ...any) { t.Fail() }
func (t *quietTB) Fatal(...any)          { t.Fail() }
func (t *quietTB) FailNow()              { t.Fail() }
func (t *quietTB) Fail()                 { t.mu.Lock(); t.failed = true; t.mu.Unlock() }
func (t *quietTB) Failed() bool          { t.mu.Lock(); defer t.mu.Unlock(); return t.failed }
