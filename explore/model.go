package explore

import (
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// model is what the fixture says of the endpoint, in the terms the oracle needs: the
// keys by role, which account each role lists, the user stores by role and their jobs.
// Everything the oracle expects is computed from it and CONTRACT.md's rows, never by
// the emulator's code.
type model struct {
	fx *fixture.Fixture
	// roles are the credential roles of ordinary traffic, in fixture order: every role
	// but the rate-limit ones (held by the bursts) and a not-activated key (the contract
	// says nothing of its answer).
	roles []string
	// limitRoles are the rate-limit roles (rateLimitPrefix).
	limitRoles []string
	// stores are the user stores that have a role (the printed scenario names a store
	// by its role), in fixture order.
	stores []*fixture.UserStore
	// ids are each store's job ids, sorted: "known job N" of the catalogue is ids[N-1].
	ids map[string][]string
	// jobs maps a store id and a job id to the job's object as the fixture holds it.
	jobs map[string]map[string]fixture.Job
	// faultCodes are the codes of the fault rules on a user store alone, sorted.
	faultCodes []string
	// owner maps a SecretId to its owner, for the pacers.
	owner map[string]string
	// keys are the keys of each role of ordinary traffic, in fixture order.
	keys map[string][]fixture.Credential
	// near are the near misses of the table the requests may carry (nearCases).
	near []nearCase
}

// rateLimitPrefix starts the roles of the keys the rate-limit probes hold exclusively
// (as the suite's rate-limit steps do).
const rateLimitPrefix = "rate-limit"

func newModel(fx *fixture.Fixture) *model {
	m := &model{fx: fx, ids: map[string][]string{}, jobs: map[string]map[string]fixture.Job{}, owner: map[string]string{}, keys: map[string][]fixture.Credential{}}
	for _, c := range fx.Credentials {
		m.owner[c.SecretID] = c.Owner
		switch {
		case c.Role == "" || c.NotActivated:
		case strings.HasPrefix(c.Role, rateLimitPrefix):
			if !slices.Contains(m.limitRoles, c.Role) {
				m.limitRoles = append(m.limitRoles, c.Role)
			}
		default:
			if !slices.Contains(m.roles, c.Role) {
				m.roles = append(m.roles, c.Role)
			}
			m.keys[c.Role] = append(m.keys[c.Role], c)
		}
	}
	for i := range fx.UserStores {
		s := &fx.UserStores[i]
		m.jobs[s.ID] = map[string]fixture.Job{}
		for _, j := range s.Jobs {
			m.jobs[s.ID][j.ID] = j
		}
		ids := s.JobIDs()
		slices.Sort(ids)
		m.ids[s.ID] = slices.Compact(ids)
		if s.Role != "" {
			m.stores = append(m.stores, s)
		}
	}
	for _, f := range fx.Faults {
		if f.SecretID == "" && f.UserStoreID != "" && !slices.Contains(m.faultCodes, f.Code) {
			m.faultCodes = append(m.faultCodes, f.Code)
		}
	}
	slices.Sort(m.faultCodes)
	return m
}

// cred is the first key of a role: the key "the request uses the fixture credential"
// names.
func (m *model) cred(role string) fixture.Credential {
	c, _ := m.fx.Credential(role)
	return c
}

// signingCred is a fixture key as signing takes it.
func signingCred(c fixture.Credential) signing.Credential {
	return signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token}
}

// store is the store of a role.
func (m *model) store(role string) *fixture.UserStore {
	s, _ := m.fx.UserStore(role)
	return s
}

// storeOf is the store of the fixture that holds the job id, other than except, or nil.
func (m *model) storeOf(id, except string) *fixture.UserStore {
	for _, s := range m.stores {
		if s.ID == except {
			continue
		}
		if _, ok := m.jobs[s.ID][id]; ok {
			return s
		}
	}
	return nil
}

// faultOf is the code a fault rule answers for requests of key secretID naming store
// id, or "".
func (m *model) faultOf(secretID, store string) string {
	if f, ok := m.fx.FaultFor(secretID, store); ok {
		return f.Code
	}
	return ""
}
