// Package schedule builds meeting schedules for B2B connection conferences and
// trade fairs: which supplier meets which buyer, in which slot, at which table
// or booth. It is a pure solver with no clock, storage or randomness: the same
// Problem always yields the same Result, whatever the order of its slices.
//
// Solve maximises the sum of match scores of the scheduled meetings under the
// hard constraints (nobody and no table or booth twice in a slot, one meeting
// per supplier-buyer pair, caps, unavailability, interpreters, locked meetings
// untouched) after two softer goals that take precedence: accepted meeting
// requests first, then the fairness floor for SMEs. Greedy is the baseline it
// is measured against and Verify the independent checker of both. The method
// is described in docs/scheduling.md.
package schedule

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// Role is the side a participant sits on.
type Role string

// The two sides of a meeting.
const (
	Supplier Role = "supplier"
	Buyer    Role = "buyer"
)

// Language is the language a buyer needs an interpreter for, such as "JP".
type Language string

// Languages the organisers provide interpreters for.
const (
	Japanese Language = "JP"
	Korean   Language = "KR"
	Chinese  Language = "ZH"
)

// Limits keep the lexicographic weights inside int64 and a solve short.
const (
	MaxSlots        = 10000
	MaxParticipants = 100000
	MaxPairs        = 1000000
	MaxFloor        = 100
)

// Slot is one meeting period. Index is its position in Problem.Slots.
type Slot struct {
	Index int
	Start time.Time
}

// Participant is one registered firm.
type Participant struct {
	ID   uuid.UUID
	Role Role
	// Cap is the most meetings the firm may have, locked ones included.
	Cap int
	// Unavailable lists slot indexes the firm cannot meet in.
	Unavailable []int
	// SME marks suppliers the fairness floor protects.
	SME bool
	// Interpreter is the language a buyer needs; it then meets only in
	// slots where an interpreter of that language is free.
	Interpreter Language
	// Booth is a supplier's booth at a fair; its meetings take place there
	// and need no table. Booth labels are unique.
	Booth string
}

// Pair is a candidate meeting: a match between a supplier and a buyer's
// demand. Demand may be uuid.Nil for a meeting request not tied to a demand.
type Pair struct {
	Supplier uuid.UUID
	Buyer    uuid.UUID
	Demand   uuid.UUID
	Score    int // 0..100
}

// Meeting is one scheduled meeting. Exactly one of Table (1..Tables) and
// Booth is set.
type Meeting struct {
	Slot     int
	Start    time.Time
	Table    int
	Booth    string
	Supplier uuid.UUID
	Buyer    uuid.UUID
	Demand   uuid.UUID
	Score    int
	// Locked meetings came from Problem.Locked and were kept as they were.
	Locked bool
}

// Problem is everything a schedule depends on.
type Problem struct {
	Slots        []Slot
	Tables       int
	Participants []Participant
	// Interpreters holds, per language, how many interpreters are free in
	// each slot (one count per slot).
	Interpreters map[Language][]int
	// Pairs are the candidates from the match lists.
	Pairs []Pair
	// Priority are accepted meeting requests: scheduled before any other
	// pair whenever the constraints allow.
	Priority []Pair
	// Locked are meetings the organiser locked or already published. They
	// stay exactly as given and use their firms' caps, their tables and
	// interpreters.
	Locked []Meeting
	// Floor is the number of meetings every SME gets, before scores count,
	// when its matches and the constraints allow.
	Floor int
	// MaxConsecutive is the most meetings a participant has in adjacent
	// slots of one day before a free slot; 0 means no limit.
	MaxConsecutive int
	// Previous are the meetings of an earlier proposal: where the objective
	// is equal, a pair keeps its slot.
	Previous []Meeting
}

// Validate reports every malformed field of p at once, by path
// ("participants[3].cap"). Pairs naming firms that are not participants are
// not an error: Solve reports them as unscheduled.
func (p Problem) Validate() error {
	var pr domain.Problems
	n := len(p.Slots)
	pr.Check(n > 0, "slots", "must not be empty")
	pr.Check(n <= MaxSlots, "slots", "must have at most %d slots", MaxSlots)
	for i, s := range p.Slots {
		pr.Check(s.Index == i, fmt.Sprintf("slots[%d].index", i), "must be %d", i)
	}
	pr.Check(p.Tables >= 0, "tables", "must be >= 0")
	pr.Check(p.Floor >= 0 && p.Floor <= MaxFloor, "floor", "must be 0..%d", MaxFloor)
	pr.Check(p.MaxConsecutive >= 0, "max_consecutive", "must be >= 0")
	pr.Check(len(p.Participants) <= MaxParticipants, "participants", "must have at most %d entries", MaxParticipants)
	pr.Check(len(p.Pairs)+len(p.Priority) <= MaxPairs, "pairs", "pairs and priority must have at most %d entries", MaxPairs)
	roles := p.validateParticipants(&pr, n)
	for l, counts := range p.Interpreters {
		path := fmt.Sprintf("interpreters[%s]", l)
		pr.Check(l != "", path, "language must not be empty")
		pr.Check(len(counts) == n, path, "must have one count per slot")
		for s, c := range counts {
			pr.Check(c >= 0, fmt.Sprintf("%s[%d]", path, s), "must be >= 0")
		}
	}
	for i, x := range p.Pairs {
		pr.Check(x.Score >= 0 && x.Score <= 100, fmt.Sprintf("pairs[%d].score", i), "must be 0..100")
	}
	for i, x := range p.Priority {
		pr.Check(x.Score >= 0 && x.Score <= 100, fmt.Sprintf("priority[%d].score", i), "must be 0..100")
	}
	p.validateLocked(&pr, roles)
	return pr.Err()
}

func (p Problem) validateParticipants(pr *domain.Problems, n int) map[uuid.UUID]Participant {
	byID := make(map[uuid.UUID]Participant, len(p.Participants))
	booths := map[string]bool{}
	for i, x := range p.Participants {
		path := fmt.Sprintf("participants[%d]", i)
		pr.Check(x.ID != uuid.Nil, path+".id", "must be set")
		if _, dup := byID[x.ID]; dup {
			pr.Add(path+".id", "appears twice")
		}
		byID[x.ID] = x
		pr.Check(x.Role == Supplier || x.Role == Buyer, path+".role", "must be supplier or buyer")
		pr.Check(x.Cap >= 0, path+".cap", "must be >= 0")
		for j, s := range x.Unavailable {
			pr.Check(s >= 0 && s < n, fmt.Sprintf("%s.unavailable[%d]", path, j), "must be a slot index 0..%d", n-1)
		}
		pr.Check(x.Interpreter == "" || x.Role == Buyer, path+".interpreter", "only buyers need interpreters")
		pr.Check(!x.SME || x.Role == Supplier, path+".sme", "only suppliers are SMEs here")
		if x.Booth != "" {
			pr.Check(x.Role == Supplier, path+".booth", "only suppliers have booths")
			pr.Check(!booths[x.Booth], path+".booth", "is another supplier's booth")
			booths[x.Booth] = true
		}
	}
	return byID
}

func (p Problem) validateLocked(pr *domain.Problems, byID map[uuid.UUID]Participant) {
	type key struct {
		slot int
		id   uuid.UUID
	}
	type place struct {
		slot  int
		table int
		booth string
	}
	busy := map[key]bool{}
	pairs := map[[2]uuid.UUID]bool{}
	places := map[place]bool{}
	for i, m := range p.Locked {
		path := fmt.Sprintf("locked[%d]", i)
		okSlot := m.Slot >= 0 && m.Slot < len(p.Slots)
		pr.Check(okSlot, path+".slot", "must be a slot index")
		if okSlot {
			pr.Check(m.Start.Equal(p.Slots[m.Slot].Start), path+".start", "must be the slot's start")
		}
		s, okS := byID[m.Supplier]
		pr.Check(okS && s.Role == Supplier, path+".supplier", "must be a supplier participant")
		b, okB := byID[m.Buyer]
		pr.Check(okB && b.Role == Buyer, path+".buyer", "must be a buyer participant")
		pr.Check(m.Score >= 0 && m.Score <= 100, path+".score", "must be 0..100")
		switch {
		case m.Booth != "" && m.Table != 0:
			pr.Add(path+".table", "must be 0 for a meeting at a booth")
		case m.Booth != "":
			pr.Check(okS && s.Booth == m.Booth, path+".booth", "must be the supplier's booth")
		default:
			pr.Check(m.Table >= 1 && m.Table <= p.Tables, path+".table", "must be 1..%d", p.Tables)
		}
		if !okSlot {
			continue
		}
		for _, id := range []uuid.UUID{m.Supplier, m.Buyer} {
			if busy[key{m.Slot, id}] {
				pr.Add(path, "books %s twice in slot %d", id, m.Slot)
			}
			busy[key{m.Slot, id}] = true
		}
		pl := place{m.Slot, m.Table, m.Booth}
		if places[pl] {
			pr.Add(path, "uses its table or booth twice in slot %d", m.Slot)
		}
		places[pl] = true
		pk := [2]uuid.UUID{m.Supplier, m.Buyer}
		if pairs[pk] {
			pr.Add(path, "meets the same supplier and buyer twice")
		}
		pairs[pk] = true
	}
}

// Reason says why a candidate pair is not in the schedule.
type Reason string

// Reasons for unscheduled pairs.
const (
	// NotRegistered: the supplier or buyer is not a participant in that role.
	NotRegistered Reason = "not_registered"
	// DuplicatePair: the same supplier and buyer meet for another demand.
	DuplicatePair Reason = "duplicate_pair"
	// NoCommonSlot: no slot where both are available (with an interpreter
	// and a table or booth when needed).
	NoCommonSlot Reason = "no_common_slot"
	// SupplierCapReached, BuyerCapReached: a side already has its maximum.
	SupplierCapReached Reason = "supplier_cap_reached"
	BuyerCapReached    Reason = "buyer_cap_reached"
	// NoFreeSlot: in every common slot one of them already meets someone.
	NoFreeSlot Reason = "no_free_slot"
	// NoTable: where both are free, every table is taken.
	NoTable Reason = "no_table"
	// NoInterpreter: where both are free, every interpreter is taken.
	NoInterpreter Reason = "no_interpreter"
	// TooManyInARow: placing it would give a side more than MaxConsecutive
	// meetings in a row.
	TooManyInARow Reason = "max_consecutive"
)

// Unscheduled is a candidate that did not make it, and why.
type Unscheduled struct {
	Pair
	Priority bool
	Reason   Reason
}

// Result is a schedule.
type Result struct {
	// Meetings are ordered by slot, then table, then booth.
	Meetings []Meeting
	// Unscheduled lists every candidate (pairs and priority) not scheduled,
	// ordered by supplier, buyer, demand.
	Unscheduled []Unscheduled
	// Objective is the sum of the scores of all meetings, locked included.
	Objective int
	// Bound is an upper bound on Objective for every schedule that meets as
	// many accepted requests and floor meetings as this one: the measure of
	// how much score the method leaves on the table. When this schedule meets
	// fewer than the relaxation does, it is ScoreBound.
	Bound int
	// ScoreBound is an upper bound on Objective for every schedule, requests
	// and floor ignored; ScoreBound-Bound is what they cost at most.
	ScoreBound int
	// PriorityScheduled counts accepted requests that got a meeting.
	PriorityScheduled int
	// BelowFloor lists SMEs left under the floor, ordered by id.
	BelowFloor []uuid.UUID
}

// Gap is the share of the bound not reached, in percent (0 when Bound is 0).
func (r Result) Gap() float64 {
	if r.Bound <= 0 {
		return 0
	}
	return 100 * float64(r.Bound-r.Objective) / float64(r.Bound)
}
