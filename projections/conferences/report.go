package conferences

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
	"github.com/keylink/keylink/projections/matches"
)

// Report is the organiser's outcome report of one event: who took part, how
// many matches, requests and meetings there were, what the meetings led to,
// and the same by industry group, by slot and by firm. Every figure is
// computed from the recorded events alone (through this read model and the
// match lists), so it can be regenerated at any time.
type Report struct {
	Event          ReportEvent     `json:"event"`
	Totals         ReportTotals    `json:"totals"`
	Rates          ReportRates     `json:"rates"`
	IndustryGroups []GroupTotals   `json:"industry_groups"`
	Slots          []SlotTotals    `json:"slots"`
	Funnel         []FunnelStage   `json:"funnel"`
	Firms          []FirmTotals    `json:"firms"`
	Meetings       []ReportMeeting `json:"meetings"`
}

// ReportEvent names the event.
type ReportEvent struct {
	ID uuid.UUID `json:"id"`
	conference.Details
}

// ReportTotals are the event's headline counts.
type ReportTotals struct {
	Suppliers int `json:"registered_suppliers"`
	Buyers    int `json:"registered_buyers"`
	// Matches counts supplier-buyer pairs of registered firms that appear in
	// the match lists (several matching demands of one buyer count once).
	Matches          int `json:"matches"`
	Requests         int `json:"requests"`
	RequestsAccepted int `json:"requests_accepted"`
	RequestsDeclined int `json:"requests_declined"`
	RequestsPending  int `json:"requests_pending"`
	// Scheduled counts published meetings (withdrawn ones excluded).
	Scheduled  int `json:"meetings_scheduled"`
	Held       int `json:"meetings_held"`
	NoShow     int `json:"meetings_no_show"`
	Unreported int `json:"meetings_unreported"`
	// Feedback counts the sides' answers; ratings count those of meetings
	// that took place.
	Feedback            int     `json:"feedback_given"`
	NoInterest          int     `json:"rated_no_interest"`
	Informative         int     `json:"rated_informative"`
	CooperationPossible int     `json:"rated_cooperation_possible"`
	FollowUps           int     `json:"follow_ups"`
	MoUs                int     `json:"mous"`
	Contracts           int     `json:"contracts"`
	ValueUSD            float64 `json:"deal_value_usd"`
}

// Deals is the number of MoUs and contracts.
func (t ReportTotals) Deals() int { return t.MoUs + t.Contracts }

// Rate is a ratio with its parts; Percent is nil when nothing was counted.
type Rate struct {
	Numerator   int      `json:"numerator"`
	Denominator int      `json:"denominator"`
	Percent     *float64 `json:"percent"`
}

func rate(n, d int) Rate {
	r := Rate{Numerator: n, Denominator: d}
	if d > 0 {
		p := math.Round(1000*float64(n)/float64(d)) / 10
		r.Percent = &p
	}
	return r
}

// ReportRates: acceptance = accepted / answered requests; kept = held /
// scheduled meetings; deal = (MoUs + contracts) / held meetings.
type ReportRates struct {
	Acceptance Rate `json:"acceptance"`
	Kept       Rate `json:"kept_meetings"`
	Deal       Rate `json:"deal"`
}

// GroupTotals are the figures of one industry group. A firm counts in every
// group it has an active capability or open demand in; a match and a meeting
// count in the group of their demand (of the best-scoring demand for a
// match), else of the supplier's first capability, so that matches and
// meetings add up to the totals. Group "" holds what has no group.
type GroupTotals struct {
	Group     domain.IndustryGroup `json:"industry_group"`
	Suppliers int                  `json:"suppliers"`
	Buyers    int                  `json:"buyers"`
	Matches   int                  `json:"matches"`
	Scheduled int                  `json:"meetings_scheduled"`
	Held      int                  `json:"meetings_held"`
	NoShow    int                  `json:"meetings_no_show"`
	MoUs      int                  `json:"mous"`
	Contracts int                  `json:"contracts"`
	ValueUSD  float64              `json:"deal_value_usd"`
}

// SlotTotals are the published meetings of one slot.
type SlotTotals struct {
	Index     int       `json:"index"`
	StartsAt  time.Time `json:"starts_at"`
	Scheduled int       `json:"meetings_scheduled"`
	Held      int       `json:"meetings_held"`
}

// FunnelStage is one step of matched -> scheduled -> held -> deal.
type FunnelStage struct {
	Stage string `json:"stage"`
	Count int    `json:"count"`
}

// FirmTotals are the figures of one registered firm.
type FirmTotals struct {
	OrganisationID uuid.UUID              `json:"organisation_id"`
	Name           string                 `json:"name"`
	Role           conference.Role        `json:"role"`
	IndustryGroups []domain.IndustryGroup `json:"industry_groups"`
	Matches        int                    `json:"matches"`
	Scheduled      int                    `json:"meetings_scheduled"`
	Held           int                    `json:"meetings_held"`
	NoShow         int                    `json:"meetings_no_show"`
	Deals          int                    `json:"deals"`
	ValueUSD       float64                `json:"deal_value_usd"`
}

// ReportMeeting is a published meeting with its industry group and what
// became of it: Status is held, no_show or unreported.
type ReportMeeting struct {
	Meeting
	IndustryGroup domain.IndustryGroup `json:"industry_group"`
	Status        string               `json:"status"`
}

// Meeting statuses in the report.
const (
	StatusHeld       = string(conference.AttendanceHeld)
	StatusNoShow     = string(conference.AttendanceNoShow)
	StatusUnreported = string(conference.AttendanceUnreported)
)

// status is the meeting's conference.AttendanceOf.
func (m Meeting) status() string {
	var outcome *conference.Status
	if m.Outcome != nil {
		outcome = &m.Outcome.Status
	}
	var said []*bool
	for _, f := range []*Feedback{m.SupplierFeedback, m.BuyerFeedback} {
		if f != nil {
			said = append(said, &f.TookPlace)
		}
	}
	return string(conference.AttendanceOf(outcome, said...))
}

// EventReport builds the report of an event, with the match lists as they
// stand on day today; an unknown id is an error wrapping
// domain.ErrNotFound.
func EventReport(ctx context.Context, db Querier, id uuid.UUID, today time.Time) (Report, error) {
	ev, err := GetEvent(ctx, db, id)
	if err != nil {
		return Report{}, err
	}
	meetings, err := Meetings(ctx, db, id, MeetingFilter{States: []string{StatePublished}})
	if err != nil {
		return Report{}, err
	}
	ev.InVenueTime(meetings)
	var suppliers, buyers []uuid.UUID
	for _, r := range ev.Registrations {
		if r.Role == conference.Supplier {
			suppliers = append(suppliers, r.OrganisationID)
		} else {
			buyers = append(buyers, r.OrganisationID)
		}
	}
	candidates, err := matches.Candidates(ctx, db, suppliers, buyers, today)
	if err != nil {
		return Report{}, err
	}
	g, err := loadGroups(ctx, db, append(suppliers, buyers...), meetings)
	if err != nil {
		return Report{}, err
	}
	requests, err := Requests(ctx, db, id, uuid.Nil)
	if err != nil {
		return Report{}, err
	}
	b := newReportBuilder(ev, g)
	b.addRequests(requests)
	b.addMatches(candidates)
	b.addMeetings(meetings)
	return b.report(), nil
}

// groups knows the industry group of capabilities and demands and each
// firm's first one.
type groups struct {
	offer map[uuid.UUID]domain.IndustryGroup
	first map[uuid.UUID]domain.IndustryGroup
}

// of is the group a pair's match or meeting counts in.
func (g groups) of(supplierID uuid.UUID, demand *uuid.UUID) domain.IndustryGroup {
	if demand != nil {
		if x, ok := g.offer[*demand]; ok {
			return x
		}
	}
	return g.first[supplierID]
}

func loadGroups(ctx context.Context, db Querier, firms []uuid.UUID, meetings []Meeting) (groups, error) {
	g := groups{offer: map[uuid.UUID]domain.IndustryGroup{}, first: map[uuid.UUID]domain.IndustryGroup{}}
	for _, m := range meetings { // firms gone since keep their meetings
		firms = append(firms, m.SupplierID, m.BuyerID)
	}
	rows, err := db.Query(ctx, `SELECT id, organisation_id, industry_group, active FROM conference_offers
WHERE organisation_id = ANY($1::uuid[]) ORDER BY organisation_id, declared_version, id`, firms)
	if err != nil {
		return g, fmt.Errorf("conferences: report groups: %w", err)
	}
	var (
		id, org uuid.UUID
		group   string
		active  bool
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &org, &group, &active}, func() error {
		g.offer[id] = domain.IndustryGroup(group)
		if _, ok := g.first[org]; !ok && active {
			g.first[org] = domain.IndustryGroup(group)
		}
		return nil
	})
	if err != nil {
		return g, fmt.Errorf("conferences: report groups: %w", err)
	}
	return g, nil
}

// reportBuilder accumulates the report's figures.
type reportBuilder struct {
	r      Report
	g      groups
	group  map[domain.IndustryGroup]*GroupTotals
	firm   map[uuid.UUID]*FirmTotals
	slot   map[int]*SlotTotals
	groups []domain.IndustryGroup // extra groups seen beyond the city's list, "" last
}

func newReportBuilder(ev Event, g groups) *reportBuilder {
	b := &reportBuilder{g: g, group: map[domain.IndustryGroup]*GroupTotals{}, firm: map[uuid.UUID]*FirmTotals{},
		slot: map[int]*SlotTotals{}}
	b.r.Event = ReportEvent{ID: ev.ID, Details: ev.Details}
	for _, x := range domain.IndustryGroups {
		b.groupOf(x)
	}
	for _, s := range ev.Slots {
		b.r.Slots = append(b.r.Slots, SlotTotals{Index: s.Index, StartsAt: s.StartsAt})
	}
	b.r.Slots = nonNil(b.r.Slots)
	for i := range b.r.Slots {
		b.slot[b.r.Slots[i].Index] = &b.r.Slots[i]
	}
	b.r.Firms = make([]FirmTotals, 0, len(ev.Registrations))
	for _, reg := range ev.Registrations {
		b.r.Firms = append(b.r.Firms, FirmTotals{OrganisationID: reg.OrganisationID, Name: reg.Name, Role: reg.Role,
			IndustryGroups: nonNil(reg.IndustryGroups)})
		if reg.Role == conference.Supplier {
			b.r.Totals.Suppliers++
		} else {
			b.r.Totals.Buyers++
		}
		for _, x := range reg.IndustryGroups {
			gt := b.groupOf(x)
			if reg.Role == conference.Supplier {
				gt.Suppliers++
			} else {
				gt.Buyers++
			}
		}
	}
	for i := range b.r.Firms {
		b.firm[b.r.Firms[i].OrganisationID] = &b.r.Firms[i]
	}
	return b
}

// groupOf returns the totals of group x, creating them in order.
func (b *reportBuilder) groupOf(x domain.IndustryGroup) *GroupTotals {
	if gt, ok := b.group[x]; ok {
		return gt
	}
	gt := &GroupTotals{Group: x}
	b.group[x] = gt
	b.groups = append(b.groups, x)
	return gt
}

// firmOf returns the totals of a registered firm, or a scratch value for a
// firm no longer registered.
func (b *reportBuilder) firmOf(id uuid.UUID) *FirmTotals {
	if f, ok := b.firm[id]; ok {
		return f
	}
	return &FirmTotals{}
}

func (b *reportBuilder) addRequests(rs []Request) {
	t := &b.r.Totals
	for _, r := range rs {
		t.Requests++
		switch r.Status {
		case conference.Accepted:
			t.RequestsAccepted++
		case conference.Declined:
			t.RequestsDeclined++
		default:
			t.RequestsPending++
		}
	}
}

// addMatches counts pairs, each in the group of its best-scoring demand
// (candidates come ordered by demand, so ties go to the lowest demand id).
func (b *reportBuilder) addMatches(cs []schedule.Pair) {
	type pair struct{ s, b uuid.UUID }
	best := map[pair]schedule.Pair{}
	var order []pair
	for _, c := range cs {
		k := pair{c.Supplier, c.Buyer}
		old, seen := best[k]
		if !seen {
			order = append(order, k)
		}
		if !seen || c.Score > old.Score {
			best[k] = c
		}
	}
	for _, k := range order {
		c := best[k]
		demand := c.Demand
		b.groupOf(b.g.of(c.Supplier, &demand)).Matches++
		b.firmOf(c.Supplier).Matches++
		b.firmOf(c.Buyer).Matches++
	}
	b.r.Totals.Matches = len(order)
}

func (b *reportBuilder) addMeetings(ms []Meeting) {
	t := &b.r.Totals
	b.r.Meetings = make([]ReportMeeting, 0, len(ms))
	for _, m := range ms {
		rm := ReportMeeting{Meeting: m, IndustryGroup: b.g.of(m.SupplierID, m.DemandID), Status: m.status()}
		b.r.Meetings = append(b.r.Meetings, rm)
		gt, sup, buy := b.groupOf(rm.IndustryGroup), b.firmOf(m.SupplierID), b.firmOf(m.BuyerID)
		t.Scheduled++
		gt.Scheduled++
		sup.Scheduled++
		buy.Scheduled++
		st := b.slot[m.Slot]
		if st == nil {
			st = &SlotTotals{}
		}
		st.Scheduled++
		b.addFeedback(m)
		switch rm.Status {
		case StatusNoShow:
			t.NoShow++
			gt.NoShow++
			sup.NoShow++
			buy.NoShow++
			continue
		case StatusUnreported:
			t.Unreported++
			continue
		}
		t.Held++
		gt.Held++
		sup.Held++
		buy.Held++
		st.Held++
		b.addResult(m, gt, sup, buy)
	}
}

func (b *reportBuilder) addFeedback(m Meeting) {
	t := &b.r.Totals
	for _, f := range []*Feedback{m.SupplierFeedback, m.BuyerFeedback} {
		if f == nil {
			continue
		}
		t.Feedback++
		switch f.Rating {
		case conference.RatingNoInterest:
			t.NoInterest++
		case conference.RatingInformative:
			t.Informative++
		case conference.RatingCooperationPossible:
			t.CooperationPossible++
		}
	}
}

// addResult counts what a held meeting led to.
func (b *reportBuilder) addResult(m Meeting, gt *GroupTotals, firms ...*FirmTotals) {
	if m.Outcome == nil {
		return
	}
	t := &b.r.Totals
	value := 0.0
	if m.Outcome.ValueUSD != nil {
		value = *m.Outcome.ValueUSD
	}
	switch m.Outcome.Result {
	case conference.ResultFollowUp:
		t.FollowUps++
		return
	case conference.ResultMoU:
		t.MoUs++
		gt.MoUs++
	case conference.ResultContract:
		t.Contracts++
		gt.Contracts++
	default:
		return
	}
	t.ValueUSD += value
	gt.ValueUSD += value
	for _, f := range firms {
		f.Deals++
		f.ValueUSD += value
	}
}

func (b *reportBuilder) report() Report {
	t := b.r.Totals
	b.r.Rates = ReportRates{
		Acceptance: rate(t.RequestsAccepted, t.RequestsAccepted+t.RequestsDeclined),
		Kept:       rate(t.Held, t.Scheduled),
		Deal:       rate(t.Deals(), t.Held),
	}
	b.r.Funnel = []FunnelStage{{"matched", t.Matches}, {"scheduled", t.Scheduled}, {"held", t.Held}, {"mou_or_contract", t.Deals()}}
	extra := slices.Clone(b.groups[len(domain.IndustryGroups):])
	slices.SortFunc(extra, func(x, y domain.IndustryGroup) int {
		return cmp.Or(cmpBool(x == "", y == ""), cmp.Compare(x, y))
	})
	for _, x := range append(slices.Clone(domain.IndustryGroups), extra...) {
		gt := *b.group[x]
		if x == "" && gt == (GroupTotals{}) {
			continue
		}
		b.r.IndustryGroups = append(b.r.IndustryGroups, gt)
	}
	return b.r
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
