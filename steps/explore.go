package steps

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// What the model-based explorer (package explore) takes of the steps: it draws
// requests as sentences of this catalogue, has the catalogue's own handlers build them
// (BuildRequest), so that what it sends is what its printed scenario says, and paces
// its ordinary traffic as the suite does (Pacer), and has every answer judged by the
// rules of every exchange (Judge).

// Sentence is one step of a scenario: its text, and its doc string ("" for none).
type Sentence struct {
	Text, Doc string
}

// BuildRequest builds the request that sentences describe, by the catalogue's own
// handlers, on the state of a fresh scenario tagged @fixture: each sentence must be
// one that builds or breaks the request (not one that sends it or checks an answer).
// It returns the request and the known jobs of the scenario (sorted), which the
// sentences that name "known job N" read.
func (s *Suite) BuildRequest(sentences []Sentence) (*wire.Spec, []string, error) {
	w := newWorld(s)
	w.sc.tags = map[string]bool{vocab.TagFixture: true}
	w.sc.cred = s.ordinaryKey()
	w.sc.reader = s.readerKey(w.sc.cred)
	for _, st := range sentences {
		step, m, ok := s.steps.match(st.Text)
		if !ok {
			return nil, nil, fmt.Errorf("harness error: %q is no sentence of the step catalogue", st.Text)
		}
		if err := call(step.run(w), m[1:], st.Doc); err != nil {
			return nil, nil, fmt.Errorf("%q: %w", st.Text, err)
		}
	}
	spec, err := w.rq.current()
	if err != nil {
		return nil, nil, err
	}
	return spec, w.sc.known, nil
}

// Judge judges an exchange the explorer made from spec by every rule of every exchange
// (check.Universal), as the suite judges its own: one set of RequestIds for the run.
func (s *Suite) Judge(ex *wire.Exchange, spec *wire.Spec) []*check.RowError {
	return s.universal.Judge(ex, spec, "explore")
}

// call runs a step handler with the submatches of its sentence as godog would: each
// argument converted to the handler's parameter type, a doc string last. A handler
// that takes a context sends requests (or waits): it is refused, and so is one that
// checks an answer (it reads one that was never sent, and fails).
func call(handler any, args []string, doc string) error {
	fn := reflect.ValueOf(handler)
	ft := fn.Type()
	var in []reflect.Value
	i := 0
	for p := range ft.NumIn() {
		t := ft.In(p)
		switch {
		case t == reflect.TypeFor[context.Context]():
			return errors.New("harness error: the sentence sends or waits: it does not build a request")
		case t == reflect.TypeFor[*godog.DocString]():
			in = append(in, reflect.ValueOf(&godog.DocString{Content: doc}))
		case i >= len(args):
			return fmt.Errorf("harness error: the handler wants %d arguments, the sentence gives %d", ft.NumIn(), len(args))
		case t.Kind() == reflect.String:
			in = append(in, reflect.ValueOf(args[i]).Convert(t))
			i++
		case t.Kind() == reflect.Int:
			n, err := strconv.Atoi(args[i])
			if err != nil {
				return fmt.Errorf("harness error: %q is not a number", args[i])
			}
			in = append(in, reflect.ValueOf(n))
			i++
		default:
			return fmt.Errorf("harness error: a handler parameter of type %s", t)
		}
	}
	out := fn.Call(in)
	if len(out) == 1 && !out[0].IsNil() {
		return out[0].Interface().(error)
	}
	return nil
}

// Pacer keeps the requests of one credential owner within a rate, as the suite's own
// pacers do: at most limit of them in flight or answered within the last window.
type Pacer struct{ p *pacer }

// NewPacer is a pacer of limit requests per window (PacerRate per second keeps under R1).
func NewPacer(limit int, window time.Duration) *Pacer { return &Pacer{newPacer(limit, window)} }

// Wait blocks until a request may be sent, and returns done, to be called once its
// answer (or its transport error) is in.
func (p *Pacer) Wait(ctx context.Context) (done func(), err error) { return p.p.wait(ctx) }

// AcrossBoundary says why two bursts of exchanges did not fall in one second and the
// next (by the local clock, within one second in all, and by the server's Date headers
// when every response has one), or "" when they did: the rule of the suite's step that
// sends requests late in one second and early in the next (R1).
func AcrossBoundary(late, early []*wire.Exchange) string {
	var outs []outcome
	for g, exs := range [][]*wire.Exchange{late, early} {
		for _, ex := range exs {
			outs = append(outs, outcome{shot: shot{second: g}, sent: ex.Sent, received: ex.Received, date: dateOf(ex.RespHeader)})
		}
	}
	return acrossBoundary(outs)
}

// LateStart is how far into a second the suite's late burst starts (R1).
const LateStart = lateStart

// BoundaryMargin is how far past a second boundary the suite's bursts start.
const BoundaryMargin = boundaryMargin
