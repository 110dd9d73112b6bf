package mutants

import (
	"encoding/json"
	"math/rand/v2"

	"github.com/ciam-harness/listjobs/fixture"
)

// What the fixture holds, looked up as the emulator looks it up: a key by its
// SecretId, a user store by its id and what it lists, the region names.

func credentialByID(fx *fixture.Fixture, id string) (fixture.Credential, bool) {
	for _, c := range fx.Credentials {
		if c.SecretID == id {
			return c, true
		}
	}
	return fixture.Credential{}, false
}

// storeByID returns the fixture's user store with that id.
func storeByID(fx *fixture.Fixture, id string) (*fixture.UserStore, bool) {
	for i := range fx.UserStores {
		if fx.UserStores[i].ID == id {
			return &fx.UserStores[i], true
		}
	}
	return nil, false
}

// storeJobs is what a user store lists for the ids given (S1-S3): every job when ids
// is empty, else each listed job once; unknown ids are left out.
func storeJobs(st *fixture.UserStore, ids []string) []json.RawMessage {
	out := []json.RawMessage{}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, j := range st.Jobs {
		if len(ids) == 0 || want[j.ID] {
			out = append(out, json.RawMessage(j.Raw))
			delete(want, j.ID) // a job the fixture holds twice is still listed once per id
		}
	}
	return shuffled(out)
}

// shuffled is jobs in a fresh random order, as the emulator orders a listing (S4).
func shuffled(jobs []json.RawMessage) []json.RawMessage {
	rand.Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
	return jobs
}

// knownRegions are the P3 region names.
func knownRegions() []string {
	return []string{"ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing",
		"ap-hongkong", "ap-singapore", "ap-bangkok", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-mumbai",
		"na-siliconvalley", "na-ashburn", "na-toronto", "eu-frankfurt", "sa-saopaulo"}
}
