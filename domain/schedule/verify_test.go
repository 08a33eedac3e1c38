package schedule_test

import (
	"errors"
	"math/rand"
	"testing"

	"github.com/keylink/keylink/domain/schedule"
)

// A checker that passes everything proves nothing: each case breaks one
// constraint of a valid schedule and expects Verify to notice.
func TestVerifyCatchesViolations(t *testing.T) {
	p := scenario()
	r, err := schedule.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := schedule.Verify(p, r); err != nil {
		t.Fatalf("valid schedule rejected: %v", err)
	}
	if len(r.Meetings) < 3 {
		t.Fatalf("scenario too small: %d meetings", len(r.Meetings))
	}
	free := func(r schedule.Result) int { // index of the first meeting the solver added
		for i, m := range r.Meetings {
			if !m.Locked && m.Booth == "" {
				return i
			}
		}
		t.Fatal("no added table meeting")
		return -1
	}
	tests := []struct {
		name   string
		rule   schedule.Rule
		break_ func(p *schedule.Problem, r *schedule.Result)
	}{
		{"participant twice in a slot", schedule.RuleDoubleBook, func(p *schedule.Problem, r *schedule.Result) {
			i := free(*r)
			m := r.Meetings[i]
			m.Table = p.Tables // another table, same supplier
			m.Buyer = r.Meetings[(i+1)%len(r.Meetings)].Buyer
			r.Meetings = append(r.Meetings, m)
		}},
		{"table twice in a slot", schedule.RuleDoubleBook, func(p *schedule.Problem, r *schedule.Result) {
			i := free(*r)
			for j := range r.Meetings {
				if j != i && r.Meetings[j].Slot == r.Meetings[i].Slot && r.Meetings[j].Booth == "" {
					r.Meetings[j].Table = r.Meetings[i].Table
					return
				}
			}
			r.Meetings = append(r.Meetings, r.Meetings[i])
		}},
		{"table out of range", schedule.RulePlace, func(p *schedule.Problem, r *schedule.Result) { r.Meetings[free(*r)].Table = p.Tables + 1 }},
		{"pair twice", schedule.RulePairTwice, func(p *schedule.Problem, r *schedule.Result) {
			m := r.Meetings[free(*r)]
			m.Slot = (m.Slot + 1) % len(p.Slots)
			m.Start = p.Slots[m.Slot].Start
			r.Meetings = append(r.Meetings, m)
			r.Objective += m.Score
		}},
		{"not a candidate", schedule.RuleCandidate, func(p *schedule.Problem, r *schedule.Result) { r.Meetings[free(*r)].Score++; r.Objective++ }},
		{"unavailable slot", schedule.RuleUnavailable, func(p *schedule.Problem, r *schedule.Result) {
			i := free(*r)
			for k, x := range p.Participants {
				if x.ID == r.Meetings[i].Supplier {
					p.Participants[k].Unavailable = append(p.Participants[k].Unavailable, r.Meetings[i].Slot)
				}
			}
		}},
		{"cap exceeded", schedule.RuleCap, func(p *schedule.Problem, r *schedule.Result) {
			i := free(*r)
			for k, x := range p.Participants {
				if x.ID == r.Meetings[i].Buyer {
					p.Participants[k].Cap = 0
				}
			}
		}},
		{"interpreter missing", schedule.RuleInterpreter, func(p *schedule.Problem, r *schedule.Result) {
			i := free(*r)
			for k, x := range p.Participants {
				if x.ID == r.Meetings[i].Buyer {
					p.Participants[k].Interpreter = schedule.Korean
				}
			}
			p.Interpreters = map[schedule.Language][]int{schedule.Korean: make([]int, len(p.Slots))}
		}},
		{"locked meeting moved", schedule.RuleLocked, func(p *schedule.Problem, r *schedule.Result) {
			for i, m := range r.Meetings {
				if m.Locked {
					r.Meetings[i].Table = p.Tables
					if m.Table == p.Tables {
						r.Meetings[i].Table = 1
					}
				}
			}
		}},
		{"locked meeting dropped", schedule.RuleLocked, func(p *schedule.Problem, r *schedule.Result) {
			for i, m := range r.Meetings {
				if m.Locked {
					r.Meetings = append(r.Meetings[:i:i], r.Meetings[i+1:]...)
					r.Objective -= m.Score
					return
				}
			}
		}},
		{"wrong objective", schedule.RuleObjective, func(p *schedule.Problem, r *schedule.Result) { r.Objective++ }},
		{"objective above bound", schedule.RuleObjective, func(p *schedule.Problem, r *schedule.Result) { r.Bound = r.Objective - 1 }},
		{"candidate lost", schedule.RuleReported, func(p *schedule.Problem, r *schedule.Result) { r.Unscheduled = nil }},
		{"booth of another supplier", schedule.RulePlace, func(p *schedule.Problem, r *schedule.Result) {
			for i, m := range r.Meetings {
				if m.Booth != "" && !m.Locked {
					r.Meetings[i].Booth = "Z99"
					return
				}
			}
			t.Fatal("no booth meeting")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, r := clone(p), clone(r)
			tt.break_(&p, &r)
			err := schedule.Verify(p, r)
			var v *schedule.ViolationError
			if !errors.As(err, &v) || !v.Broken(tt.rule) {
				t.Fatalf("Verify = %v, want a %s violation", err, tt.rule)
			}
		})
	}
}

// clone deep-copies through the random generator's independence: problems
// and results are rebuilt from fresh slices so cases cannot leak.
func clone[T schedule.Problem | schedule.Result](x T) T {
	switch v := any(x).(type) {
	case schedule.Problem:
		v.Participants = append([]schedule.Participant(nil), v.Participants...)
		for i := range v.Participants {
			v.Participants[i].Unavailable = append([]int(nil), v.Participants[i].Unavailable...)
		}
		v.Pairs = append([]schedule.Pair(nil), v.Pairs...)
		v.Locked = append([]schedule.Meeting(nil), v.Locked...)
		return any(v).(T)
	case schedule.Result:
		v.Meetings = append([]schedule.Meeting(nil), v.Meetings...)
		v.Unscheduled = append([]schedule.Unscheduled(nil), v.Unscheduled...)
		return any(v).(T)
	}
	return x
}

// scenario is a small fair with a locked meeting, booths and tables.
func scenario() schedule.Problem {
	rng := rand.New(rand.NewSource(7))
	p := schedule.Problem{Slots: slots(4), Tables: 2}
	var sups, buys []schedule.Participant
	for i := range 4 {
		x := schedule.Participant{ID: newID(rng), Role: schedule.Supplier, Cap: 3}
		if i == 0 {
			x.Booth = "A1"
		}
		sups = append(sups, x)
	}
	for range 3 {
		buys = append(buys, schedule.Participant{ID: newID(rng), Role: schedule.Buyer, Cap: 3})
	}
	p.Participants = append(sups, buys...)
	for _, s := range sups {
		for _, b := range buys {
			p.Pairs = append(p.Pairs, schedule.Pair{Supplier: s.ID, Buyer: b.ID, Demand: newID(rng), Score: 20 + rng.Intn(80)})
		}
	}
	p.Locked = []schedule.Meeting{{Slot: 1, Start: p.Slots[1].Start, Table: 2, Supplier: sups[1].ID, Buyer: buys[2].ID,
		Demand: newID(rng), Score: 10}}
	return p
}
