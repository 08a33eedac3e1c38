package schedule

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Rule names a constraint Verify checks.
type Rule string

// The rules.
const (
	RuleSlot        Rule = "slot"          // slot index and start
	RuleCandidate   Rule = "candidate"     // meeting is a candidate pair, roles right
	RuleDoubleBook  Rule = "double_booked" // participant, table or booth twice in a slot
	RulePlace       Rule = "place"         // table in range, booth the supplier's
	RulePairTwice   Rule = "pair_twice"    // a supplier and buyer meet once
	RuleCap         Rule = "cap"
	RuleUnavailable Rule = "unavailable"
	RuleInterpreter Rule = "interpreter"
	RuleLocked      Rule = "locked" // locked meetings kept exactly
	RuleConsecutive Rule = "max_consecutive"
	RuleObjective   Rule = "objective"
	RuleReported    Rule = "reported" // every candidate scheduled or reported
)

// Violation is one broken rule.
type Violation struct {
	Rule   Rule
	Detail string
}

// ViolationError lists every broken constraint Verify found. It wraps no
// domain error kind: a schedule that fails Verify is a bug, not bad input.
type ViolationError struct {
	Violations []Violation
}

func (e *ViolationError) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = string(v.Rule) + ": " + v.Detail
	}
	return "schedule violates its constraints: " + strings.Join(parts, "; ")
}

// Broken reports whether rule is among the violations.
func (e *ViolationError) Broken(rule Rule) bool {
	for _, v := range e.Violations {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

// Verify checks r against p independently of the solvers and reports every
// violation: a meeting outside the candidates, a participant, table or booth
// twice in a slot, a pair met twice, a cap, an unavailable slot or an
// interpreter pool exceeded, a locked meeting changed or missing, a candidate
// neither scheduled nor reported, an objective that is not the sum of scores
// or above the bound. Counting constraints that only locked meetings break
// are the organiser's decision and not reported. A malformed p is returned
// as its validation error. Safe for concurrent use.
func Verify(p Problem, r Result) error {
	if err := p.Validate(); err != nil {
		return err
	}
	v := verifier{p: p, parts: map[uuid.UUID]Participant{}}
	for _, x := range p.Participants {
		v.parts[x.ID] = x
	}
	v.lockedMeetings(r)
	v.meetings(r)
	v.counts(r)
	v.consecutive(r)
	v.candidates(r)
	if len(v.errs) > 0 {
		slices.SortFunc(v.errs, func(a, b Violation) int {
			return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Detail, b.Detail))
		})
		return &ViolationError{Violations: v.errs}
	}
	return nil
}

type verifier struct {
	p     Problem
	parts map[uuid.UUID]Participant
	errs  []Violation
}

func (v *verifier) fail(rule Rule, format string, args ...any) {
	v.errs = append(v.errs, Violation{rule, fmt.Sprintf(format, args...)})
}

func (v *verifier) lockedMeetings(r Result) {
	want := map[Meeting]int{}
	for _, m := range v.p.Locked {
		m.Locked = true
		want[m]++
	}
	for _, m := range r.Meetings {
		if m.Locked {
			want[m]--
		}
	}
	for m, n := range want {
		switch {
		case n > 0:
			v.fail(RuleLocked, "locked meeting %s-%s in slot %d missing or changed", m.Supplier, m.Buyer, m.Slot)
		case n < 0:
			v.fail(RuleLocked, "meeting %s-%s in slot %d marked locked but not in the problem's locked list", m.Supplier, m.Buyer, m.Slot)
		}
	}
}

func (v *verifier) meetings(r Result) {
	type at struct {
		slot int
		key  string
	}
	cands := map[Pair]bool{}
	for _, x := range v.p.Pairs {
		cands[x] = true
	}
	for _, x := range v.p.Priority {
		cands[x] = true
	}
	busy := map[at]bool{}
	pairs := map[[2]uuid.UUID]bool{}
	sum := 0
	for _, m := range r.Meetings {
		sum += m.Score
		name := fmt.Sprintf("meeting %s-%s in slot %d", m.Supplier, m.Buyer, m.Slot)
		if m.Slot < 0 || m.Slot >= len(v.p.Slots) {
			v.fail(RuleSlot, "%s: no such slot", name)
			continue
		}
		s, b := v.parts[m.Supplier], v.parts[m.Buyer]
		if !m.Locked {
			if !cands[Pair{m.Supplier, m.Buyer, m.Demand, m.Score}] {
				v.fail(RuleCandidate, "%s: not a candidate pair with that demand and score", name)
			}
			if !m.Start.Equal(v.p.Slots[m.Slot].Start) {
				v.fail(RuleSlot, "%s: start is not the slot's", name)
			}
			if s.Role != Supplier || b.Role != Buyer {
				v.fail(RuleCandidate, "%s: supplier or buyer not a participant in that role", name)
			}
			for _, x := range []Participant{s, b} {
				for _, u := range x.Unavailable {
					if u == m.Slot {
						v.fail(RuleUnavailable, "%s: %s is unavailable", name, x.ID)
					}
				}
			}
			switch {
			case m.Booth != "" && (m.Booth != s.Booth || m.Table != 0):
				v.fail(RulePlace, "%s: booth %q is not the supplier's, or a table is set too", name, m.Booth)
			case m.Booth == "" && (m.Table < 1 || m.Table > v.p.Tables):
				v.fail(RulePlace, "%s: table %d out of 1..%d", name, m.Table, v.p.Tables)
			}
		}
		place := fmt.Sprintf("table %d", m.Table)
		if m.Booth != "" {
			place = "booth " + m.Booth
		}
		for _, k := range []string{m.Supplier.String(), m.Buyer.String(), place} {
			if busy[at{m.Slot, k}] {
				v.fail(RuleDoubleBook, "%s: %s is booked twice in the slot", name, k)
			}
			busy[at{m.Slot, k}] = true
		}
		pk := [2]uuid.UUID{m.Supplier, m.Buyer}
		if pairs[pk] {
			v.fail(RulePairTwice, "%s: the pair meets twice", name)
		}
		pairs[pk] = true
	}
	if sum != r.Objective {
		v.fail(RuleObjective, "objective %d is not the sum of scores %d", r.Objective, sum)
	}
	if r.Objective > r.Bound || r.Bound > r.ScoreBound {
		v.fail(RuleObjective, "objective %d, bound %d and score bound %d out of order", r.Objective, r.Bound, r.ScoreBound)
	}
}

// counts checks caps and interpreter pools; a count over its limit is a
// violation only when a meeting the solver added takes part in it.
func (v *verifier) counts(r Result) {
	type tally struct{ all, added int }
	type pool struct {
		lang Language
		slot int
	}
	perFirm := map[uuid.UUID]*tally{}
	perPool := map[pool]*tally{}
	count := func(t *tally, locked bool) *tally {
		if t == nil {
			t = &tally{}
		}
		t.all++
		if !locked {
			t.added++
		}
		return t
	}
	for _, m := range r.Meetings {
		perFirm[m.Supplier] = count(perFirm[m.Supplier], m.Locked)
		perFirm[m.Buyer] = count(perFirm[m.Buyer], m.Locked)
		if l := v.parts[m.Buyer].Interpreter; l != "" && m.Slot >= 0 && m.Slot < len(v.p.Slots) {
			k := pool{l, m.Slot}
			perPool[k] = count(perPool[k], m.Locked)
		}
	}
	for id, t := range perFirm {
		if c := v.parts[id].Cap; t.all > c && t.added > 0 {
			v.fail(RuleCap, "%s has %d meetings, cap %d", id, t.all, c)
		}
	}
	for k, t := range perPool {
		free := 0
		if counts := v.p.Interpreters[k.lang]; counts != nil {
			free = counts[k.slot]
		}
		if t.all > free && t.added > 0 {
			v.fail(RuleInterpreter, "%d meetings need a %s interpreter in slot %d, %d available", t.all, k.lang, k.slot, free)
		}
	}
}

// consecutive checks MaxConsecutive: a run of meetings in adjacent slots of
// one day longer than it is a violation when the solver added to it.
func (v *verifier) consecutive(r Result) {
	if v.p.MaxConsecutive <= 0 {
		return
	}
	n := len(v.p.Slots)
	busy, added := map[uuid.UUID][]bool{}, map[uuid.UUID][]bool{}
	for _, m := range r.Meetings {
		if m.Slot < 0 || m.Slot >= n {
			continue
		}
		for _, id := range []uuid.UUID{m.Supplier, m.Buyer} {
			if busy[id] == nil {
				busy[id], added[id] = make([]bool, n), make([]bool, n)
			}
			busy[id][m.Slot] = true
			added[id][m.Slot] = added[id][m.Slot] || !m.Locked
		}
	}
	day := days(v.p.Slots)
	for id, b := range busy {
		runs(b, added[id], day, func(k int, movable bool) {
			if k > v.p.MaxConsecutive && movable {
				v.fail(RuleConsecutive, "%s has %d meetings in a row, at most %d", id, k, v.p.MaxConsecutive)
			}
		})
	}
}

// candidates checks that every candidate is either met or reported.
func (v *verifier) candidates(r Result) {
	met := map[[2]uuid.UUID]bool{}
	for _, m := range r.Meetings {
		met[[2]uuid.UUID{m.Supplier, m.Buyer}] = true
	}
	reported := map[Pair]bool{}
	for _, u := range r.Unscheduled {
		reported[u.Pair] = true
		if u.Reason == "" {
			v.fail(RuleReported, "unscheduled pair %s-%s has no reason", u.Supplier, u.Buyer)
		}
	}
	for _, list := range [][]Pair{v.p.Pairs, v.p.Priority} {
		for _, x := range list {
			if !met[[2]uuid.UUID{x.Supplier, x.Buyer}] && !reported[x] {
				v.fail(RuleReported, "candidate %s-%s (demand %s) neither scheduled nor reported", x.Supplier, x.Buyer, x.Demand)
			}
		}
	}
}
