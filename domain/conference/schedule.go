package conference

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/schedule"
)

// Meeting is one scheduled meeting between a supplier and a buyer. Exactly
// one of Table (1..tables) and Booth is set. Its ID stays the same across
// proposals as long as the pair meets.
type Meeting struct {
	ID         uuid.UUID `json:"id"`
	Slot       int       `json:"slot"`
	StartsAt   time.Time `json:"starts_at"`
	EndsAt     time.Time `json:"ends_at"`
	Table      int       `json:"table,omitempty"`
	Booth      string    `json:"booth,omitempty"`
	SupplierID uuid.UUID `json:"supplier_id"`
	BuyerID    uuid.UUID `json:"buyer_id"`
	DemandID   uuid.UUID `json:"demand_id,omitzero"`
	Score      int       `json:"score"`
	// Locked meetings were pinned by the organiser: proposals keep them.
	Locked bool `json:"locked,omitempty"`
}

// Unscheduled is a candidate pair the schedule left out, and why.
type Unscheduled struct {
	SupplierID uuid.UUID       `json:"supplier_id"`
	BuyerID    uuid.UUID       `json:"buyer_id"`
	DemandID   uuid.UUID       `json:"demand_id,omitzero"`
	Score      int             `json:"score"`
	Requested  bool            `json:"requested,omitempty"`
	Reason     schedule.Reason `json:"reason"`
}

// Proposal is the organiser's draft schedule.
type Proposal struct {
	Meetings    []Meeting
	Unscheduled []Unscheduled
	Floor       int
	Objective   int // sum of scores
	Bound       int // upper bound at the same requests and floor met
	ScoreBound  int // upper bound for any schedule
	ProposedAt  time.Time
}

// ScheduleInput is what a proposal needs beyond the event's own state.
type ScheduleInput struct {
	// Candidates are the pairs from the match lists of the registered
	// firms (the caller reads them from the match read model).
	Candidates []schedule.Pair
	// Floor is the number of meetings every SME supplier gets before
	// scores count, when its matches allow.
	Floor int
	// NewID mints ids for meetings of pairs that had none (uuid.NewV7).
	NewID func() uuid.UUID
}

// plan is a scheduling problem built from the event's state: meetings that
// started before now are left out of it (they only use up caps), later
// published and locked meetings are fixed in it.
type plan struct {
	problem  schedule.Problem
	past     []Meeting                  // published meetings that started before now
	fixed    map[[2]uuid.UUID]Meeting   // meetings fixed in the problem, by pair
	filtered []Unscheduled              // candidates of firms not registered
	met      map[[2]uuid.UUID]uuid.UUID // pairs with a published meeting
}

// Problem builds the scheduling problem for candidates at time now: the
// registered firms with the event's cap (less meetings already held), their
// unavailable periods as slots, every slot before now closed, interpreters
// in every slot, accepted requests as priority pairs, published and locked
// meetings fixed. Candidates of firms not registered, or of pairs that
// already have a published meeting, are left out.
func (c *Conference) Problem(candidates []schedule.Pair, floor int, now time.Time) schedule.Problem {
	return c.plan(candidates, floor, now).problem
}

func (c *Conference) plan(candidates []schedule.Pair, floor int, now time.Time) plan {
	pl := plan{fixed: map[[2]uuid.UUID]Meeting{}, met: map[[2]uuid.UUID]uuid.UUID{}}
	p := schedule.Problem{Slots: c.Slots(), Tables: c.details.Tables, Floor: floor, MaxConsecutive: c.details.MaxConsecutive}
	if c.proposal != nil {
		for _, m := range c.proposal.Meetings {
			p.Previous = append(p.Previous, schedule.Meeting{Slot: m.Slot, Start: m.StartsAt, Table: m.Table, Booth: m.Booth,
				Supplier: m.SupplierID, Buyer: m.BuyerID, Demand: m.DemandID, Score: m.Score})
		}
	}
	held := map[uuid.UUID]int{}
	for _, m := range c.published {
		pl.met[[2]uuid.UUID{m.SupplierID, m.BuyerID}] = m.ID
		if m.StartsAt.Before(now) {
			pl.past = append(pl.past, m)
			held[m.SupplierID]++
			held[m.BuyerID]++
			continue
		}
		pl.fixed[[2]uuid.UUID{m.SupplierID, m.BuyerID}] = m
	}
	if c.proposal != nil {
		for _, m := range c.proposal.Meetings {
			if m.Locked && !c.isPublished(m.ID) {
				pl.fixed[[2]uuid.UUID{m.SupplierID, m.BuyerID}] = m
			}
		}
	}
	for _, r := range c.Registrations() {
		p.Participants = append(p.Participants, c.participant(r, held[r.OrganisationID], now))
	}
	p.Interpreters = map[schedule.Language][]int{}
	for l, n := range c.interpreters {
		p.Interpreters[l] = slices.Repeat([]int{n}, len(p.Slots))
	}
	for _, x := range candidates {
		k := [2]uuid.UUID{x.Supplier, x.Buyer}
		switch {
		case c.firms[x.Supplier].Role != Supplier || c.firms[x.Buyer].Role != Buyer:
			pl.filtered = append(pl.filtered, Unscheduled{SupplierID: x.Supplier, BuyerID: x.Buyer, DemandID: x.Demand,
				Score: x.Score, Reason: schedule.NotRegistered})
		case pl.met[k] == uuid.Nil:
			p.Pairs = append(p.Pairs, x)
		}
	}
	p.Priority = c.priority(candidates, pl.met)
	for _, m := range pl.fixed {
		p.Locked = append(p.Locked, schedule.Meeting{Slot: m.Slot, Start: m.StartsAt, Table: m.Table, Booth: m.Booth,
			Supplier: m.SupplierID, Buyer: m.BuyerID, Demand: m.DemandID, Score: m.Score})
	}
	slices.SortFunc(p.Locked, func(a, b schedule.Meeting) int {
		return cmp.Or(a.Slot-b.Slot, a.Table-b.Table, cmp.Compare(a.Booth, b.Booth), cmpIDs(a.Supplier, b.Supplier))
	})
	pl.problem = p
	return pl
}

func (c *Conference) participant(r Registration, held int, now time.Time) schedule.Participant {
	x := schedule.Participant{ID: r.OrganisationID, Role: schedule.Role(r.Role),
		Cap: max(0, c.cap(r)-held), SME: r.SME, Interpreter: r.InterpreterLanguage}
	if c.details.Kind == KindFair {
		x.Booth = r.Booth
	}
	length := time.Duration(c.details.SlotMinutes) * time.Minute
	for _, s := range c.slots {
		away := s.Start.Before(now) || c.details.inBreak(s.Start, length)
		for _, u := range r.Unavailable {
			away = away || (s.Start.Before(u.To) && u.From.Before(s.Start.Add(length)))
		}
		if away {
			x.Unavailable = append(x.Unavailable, s.Index)
		}
	}
	return x
}

// cap is the most meetings a firm may have: the event's cap, or the firm's
// own when lower.
func (c *Conference) cap(r Registration) int {
	if r.MaxMeetings > 0 && r.MaxMeetings < c.details.MaxMeetingsPerParticipant {
		return r.MaxMeetings
	}
	return c.details.MaxMeetingsPerParticipant
}

// priority turns accepted requests between registered firms that do not
// meet yet into priority pairs, with the match score when the pair is a
// candidate (for the request's demand if it names one).
func (c *Conference) priority(candidates []schedule.Pair, met map[[2]uuid.UUID]uuid.UUID) []schedule.Pair {
	var out []schedule.Pair
	for _, r := range c.requests {
		_, okS := c.firms[r.SupplierID]
		_, okB := c.firms[r.BuyerID]
		if r.Status != Accepted || !okS || !okB || met[[2]uuid.UUID{r.SupplierID, r.BuyerID}] != uuid.Nil {
			continue
		}
		x := schedule.Pair{Supplier: r.SupplierID, Buyer: r.BuyerID, Demand: r.DemandID}
		best := -1
		for _, m := range candidates {
			if m.Supplier == r.SupplierID && m.Buyer == r.BuyerID && (r.DemandID == uuid.Nil || r.DemandID == m.Demand) && m.Score > best {
				best, x.Demand, x.Score = m.Score, m.Demand, m.Score
			}
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b schedule.Pair) int {
		return cmp.Or(cmpIDs(a.Supplier, b.Supplier), cmpIDs(a.Buyer, b.Buyer))
	})
	return out
}

func cmpIDs(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// ProposeSchedule computes a schedule with schedule.Solve and records it as
// the organiser's draft. Published meetings stay exactly where they are and
// locked ones too, so re-running after late registrations only adds; slots
// that started before now get no new meeting. Safe to repeat: the same state
// and input give the same proposal (meeting ids of pairs met before are kept).
// It returns every candidate pair left out, with its reason; the event
// records only the requested ones (see ScheduleProposed).
func (c *Conference) ProposeSchedule(in ScheduleInput, now time.Time) ([]Unscheduled, error) {
	if err := c.created(); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	pl := c.plan(in.Candidates, in.Floor, c.planningTime(now))
	res, err := schedule.Solve(pl.problem)
	if err != nil {
		return nil, fmt.Errorf("conference: schedule: %w", err)
	}
	if err := schedule.Verify(pl.problem, res); err != nil {
		return nil, fmt.Errorf("conference: schedule: %w", err)
	}
	e, leftOut := c.proposed(pl, res, in, now)
	c.Record(c.Apply, e)
	return leftOut, nil
}

func (in ScheduleInput) validate() error {
	var p domain.Problems
	p.Check(in.Floor >= 0 && in.Floor <= schedule.MaxFloor, "floor", "must be 0..%d", schedule.MaxFloor)
	p.Check(in.NewID != nil, "new_id", "must be set")
	p.Check(len(in.Candidates) <= schedule.MaxPairs, "candidates", "must have at most %d pairs", schedule.MaxPairs)
	for i, x := range in.Candidates {
		path := fmt.Sprintf("candidates[%d]", i)
		p.Check(x.Supplier != uuid.Nil, path+".supplier_id", "must be set")
		p.Check(x.Buyer != uuid.Nil, path+".buyer_id", "must be set")
		p.Check(x.Score >= 0 && x.Score <= 100, path+".score", "must be 0..100")
	}
	return p.Err()
}

// proposed turns the solver's result into the event: meetings held before now
// as they were, fixed meetings as they were, new meetings with the id their
// pair had in the previous proposal or a new one.
//
// The event lists the requested pairs left out; leftOut is every pair left
// out, requested or not, in the solver's order.
func (c *Conference) proposed(pl plan, res schedule.Result, in ScheduleInput, now time.Time) (e ScheduleProposed, leftOut []Unscheduled) {
	e = ScheduleProposed{EventID: c.id, Meetings: slices.Clone(pl.past), Floor: in.Floor, Objective: res.Objective,
		Bound: res.Bound, ScoreBound: res.ScoreBound, ProposedAt: now}
	for _, m := range pl.past {
		e.Objective += m.Score
		e.Bound += m.Score
		e.ScoreBound += m.Score
	}
	previous := map[[2]uuid.UUID]Meeting{}
	if c.proposal != nil {
		for _, m := range c.proposal.Meetings {
			previous[[2]uuid.UUID{m.SupplierID, m.BuyerID}] = m
		}
	}
	length := time.Duration(c.details.SlotMinutes) * time.Minute
	var movable []int // indexes in e.Meetings of the meetings this proposal placed
	for _, x := range res.Meetings {
		k := [2]uuid.UUID{x.Supplier, x.Buyer}
		if x.Locked {
			e.Meetings = append(e.Meetings, pl.fixed[k])
			continue
		}
		id := previous[k].ID
		if id == uuid.Nil {
			id = in.NewID()
		}
		movable = append(movable, len(e.Meetings))
		e.Meetings = append(e.Meetings, Meeting{ID: id, Slot: x.Slot, StartsAt: x.Start, EndsAt: x.Start.Add(length),
			Table: x.Table, Booth: x.Booth, SupplierID: x.Supplier, BuyerID: x.Buyer, DemandID: x.Demand, Score: x.Score})
	}
	keepTables(e.Meetings, movable, previous)
	sortMeetings(e.Meetings)
	leftOut = slices.Clone(pl.filtered)
	for _, u := range res.Unscheduled {
		leftOut = append(leftOut, Unscheduled{SupplierID: u.Supplier, BuyerID: u.Buyer, DemandID: u.Demand,
			Score: u.Score, Requested: u.Priority, Reason: u.Reason})
	}
	e.Unscheduled = []Unscheduled{}
	for _, u := range leftOut {
		if u.Requested {
			e.Unscheduled = append(e.Unscheduled, u)
		} else {
			e.LeftOut++
		}
	}
	return e, leftOut
}

// keepTables gives the meetings this proposal placed at tables (movable,
// indexes in ms) the table their pair had in the previous proposal where
// that table is free in their slot: the tables of a slot are alike, so
// relabelling them changes nothing the solver decided, and people keep the
// table numbers they have seen. The others keep the solver's table when it
// is still free, else take the lowest free one.
func keepTables(ms []Meeting, movable []int, previous map[[2]uuid.UUID]Meeting) {
	taken := map[[2]int]bool{} // slot, table
	isMovable := make(map[int]bool, len(movable))
	for _, i := range movable {
		isMovable[i] = true
	}
	for i, m := range ms {
		if !isMovable[i] && m.Table > 0 {
			taken[[2]int{m.Slot, m.Table}] = true
		}
	}
	var rest []int
	for _, i := range movable {
		m := &ms[i]
		if m.Table == 0 {
			continue // a booth
		}
		prev := previous[[2]uuid.UUID{m.SupplierID, m.BuyerID}]
		if prev.Table > 0 && !taken[[2]int{m.Slot, prev.Table}] {
			m.Table = prev.Table
			taken[[2]int{m.Slot, m.Table}] = true
			continue
		}
		rest = append(rest, i)
	}
	var later []int
	for _, i := range rest {
		m := &ms[i]
		if !taken[[2]int{m.Slot, m.Table}] {
			taken[[2]int{m.Slot, m.Table}] = true
			continue
		}
		later = append(later, i)
	}
	for _, i := range later {
		m := &ms[i]
		t := 1
		for taken[[2]int{m.Slot, t}] {
			t++
		}
		m.Table = t
		taken[[2]int{m.Slot, t}] = true
	}
}

// PublishSchedule makes the proposal the schedule firms see. It fails with
// ErrConflict when nothing is proposed, or when the proposal no longer fits
// the event (a slot passed, interpreters withdrawn, a firm re-registered with
// other hours): propose again then.
func (c *Conference) PublishSchedule(now time.Time) error {
	if err := c.created(); err != nil {
		return err
	}
	if c.proposal == nil {
		return domain.Errorf(domain.ErrConflict, "no schedule proposed since the last publication")
	}
	if err := c.proposalFits(c.planningTime(now)); err != nil {
		return domain.Errorf(domain.ErrConflict, "the proposal no longer fits the event, propose again: %v", err)
	}
	c.Record(c.Apply, SchedulePublished{EventID: c.id})
	return nil
}

// proposalFits checks the proposal against the event as it is now, with
// schedule.Verify: its new meetings are the only candidates.
func (c *Conference) proposalFits(now time.Time) error {
	var pairs []schedule.Pair
	var added []Meeting
	for _, m := range c.proposal.Meetings {
		if !m.Locked && !c.isPublished(m.ID) {
			pairs = append(pairs, schedule.Pair{Supplier: m.SupplierID, Buyer: m.BuyerID, Demand: m.DemandID, Score: m.Score})
			added = append(added, m)
		}
	}
	pl := c.plan(pairs, 0, now)
	pl.problem.Priority = nil
	// The organiser's locks and moves may make a run longer than the
	// event's limit: that is the organiser's call, not a reason to refuse.
	pl.problem.MaxConsecutive = 0
	var r schedule.Result
	for _, m := range pl.problem.Locked {
		m.Locked = true
		r.Meetings = append(r.Meetings, m)
	}
	for _, m := range added {
		if _, ok := pl.met[[2]uuid.UUID{m.SupplierID, m.BuyerID}]; ok {
			return fmt.Errorf("meeting %s: the pair already has a published meeting", m.ID)
		}
		r.Meetings = append(r.Meetings, schedule.Meeting{Slot: m.Slot, Start: m.StartsAt, Table: m.Table, Booth: m.Booth,
			Supplier: m.SupplierID, Buyer: m.BuyerID, Demand: m.DemandID, Score: m.Score})
	}
	for _, m := range r.Meetings {
		r.Objective += m.Score
	}
	r.Bound, r.ScoreBound = r.Objective, r.Objective
	if len(pl.filtered) > 0 {
		u := pl.filtered[0]
		return fmt.Errorf("the firms of meeting %s-%s are no longer both registered", u.SupplierID, u.BuyerID)
	}
	return schedule.Verify(pl.problem, r)
}

// LockMeeting pins a proposed meeting so that later proposals keep it in its
// slot and place. Locking a locked or published meeting records nothing.
func (c *Conference) LockMeeting(meetingID uuid.UUID) error {
	if err := c.created(); err != nil {
		return err
	}
	if c.isPublished(meetingID) {
		return nil
	}
	if c.proposal != nil {
		for _, m := range c.proposal.Meetings {
			if m.ID != meetingID {
				continue
			}
			if m.Locked {
				return nil
			}
			m.Locked = true
			c.Record(c.Apply, MeetingLocked{EventID: c.id, Meeting: m})
			return nil
		}
	}
	return domain.Errorf(domain.ErrNotFound, "meeting %s is not in the proposal", meetingID)
}
