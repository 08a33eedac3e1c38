package schedule_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/schedule"
)

// id gives readable firms stable ids: id("S1"), id("B2").
func id(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }

func sup(name string, cap int, opts ...func(*schedule.Participant)) schedule.Participant {
	x := schedule.Participant{ID: id(name), Role: schedule.Supplier, Cap: cap}
	for _, o := range opts {
		o(&x)
	}
	return x
}

func buy(name string, cap int, opts ...func(*schedule.Participant)) schedule.Participant {
	x := schedule.Participant{ID: id(name), Role: schedule.Buyer, Cap: cap}
	for _, o := range opts {
		o(&x)
	}
	return x
}

func sme(x *schedule.Participant) { x.SME = true }

func booth(b string) func(*schedule.Participant) {
	return func(x *schedule.Participant) { x.Booth = b }
}

func away(s ...int) func(*schedule.Participant) {
	return func(x *schedule.Participant) { x.Unavailable = s }
}

func needs(l schedule.Language) func(*schedule.Participant) {
	return func(x *schedule.Participant) { x.Interpreter = l }
}

func pair(s, b string, score int) schedule.Pair {
	return schedule.Pair{Supplier: id(s), Buyer: id(b), Demand: id("D-" + s + b), Score: score}
}

var names = map[uuid.UUID]string{}

func init() {
	for _, n := range []string{"S1", "S2", "S3", "B1", "B2", "B3", "X"} {
		names[id(n)] = n
	}
}

// describe renders meetings as "S1-B2@slot/place" and unscheduled pairs as
// "S1-B2:reason", sorted, so cases read like the schedule on the wall.
func describe(r schedule.Result) (meetings, unscheduled []string) {
	for _, m := range r.Meetings {
		place := fmt.Sprintf("T%d", m.Table)
		if m.Booth != "" {
			place = m.Booth
		}
		lock := ""
		if m.Locked {
			lock = "!"
		}
		meetings = append(meetings, fmt.Sprintf("%s-%s@%d/%s%s", names[m.Supplier], names[m.Buyer], m.Slot, place, lock))
	}
	for _, u := range r.Unscheduled {
		unscheduled = append(unscheduled, fmt.Sprintf("%s-%s:%s", names[u.Supplier], names[u.Buyer], u.Reason))
	}
	slices.Sort(meetings)
	slices.Sort(unscheduled)
	return meetings, unscheduled
}

func TestScenarios(t *testing.T) {
	locked := func(s, b string, slot, table int, score int) schedule.Meeting {
		return schedule.Meeting{Slot: slot, Start: slots(4)[slot].Start, Table: table, Supplier: id(s), Buyer: id(b),
			Demand: id("D-" + s + b), Score: score}
	}
	tests := []struct {
		name        string
		p           schedule.Problem
		meetings    []string
		unscheduled []string
		priority    int
		belowFloor  int
	}{
		{
			name: "higher score wins the only table",
			p: schedule.Problem{Slots: slots(1), Tables: 1, Participants: []schedule.Participant{sup("S1", 5), sup("S2", 5), buy("B1", 5)},
				Pairs: []schedule.Pair{pair("S1", "B1", 40), pair("S2", "B1", 90)}},
			meetings:    []string{"S2-B1@0/T1"},
			unscheduled: []string{"S1-B1:no_free_slot"},
		},
		{
			name: "accepted request goes first",
			p: schedule.Problem{Slots: slots(1), Tables: 1, Participants: []schedule.Participant{sup("S1", 5), sup("S2", 5), buy("B1", 5)},
				Pairs: []schedule.Pair{pair("S2", "B1", 90)}, Priority: []schedule.Pair{pair("S1", "B1", 10)}},
			meetings:    []string{"S1-B1@0/T1"},
			unscheduled: []string{"S2-B1:no_free_slot"},
			priority:    1,
		},
		{
			name: "floor gives the SME its meeting",
			p: schedule.Problem{Slots: slots(1), Tables: 1, Floor: 1,
				Participants: []schedule.Participant{sup("S1", 5, sme), sup("S2", 5), buy("B1", 5)},
				Pairs:        []schedule.Pair{pair("S1", "B1", 10), pair("S2", "B1", 90)}},
			meetings:    []string{"S1-B1@0/T1"},
			unscheduled: []string{"S2-B1:no_free_slot"},
		},
		{
			name: "floor not reachable is reported",
			p: schedule.Problem{Slots: slots(2), Tables: 1, Floor: 2,
				Participants: []schedule.Participant{sup("S1", 5, sme), buy("B1", 5)},
				Pairs:        []schedule.Pair{pair("S1", "B1", 10)}},
			meetings:   []string{"S1-B1@0/T1"},
			belowFloor: 1,
		},
		{
			name: "booth meetings need no table",
			p: schedule.Problem{Slots: slots(1), Tables: 1,
				Participants: []schedule.Participant{sup("S1", 5, booth("A1")), sup("S2", 5), sup("S3", 5), buy("B1", 5), buy("B2", 5), buy("B3", 5)},
				Pairs:        []schedule.Pair{pair("S1", "B1", 50), pair("S2", "B2", 60), pair("S3", "B3", 40)}},
			meetings:    []string{"S1-B1@0/A1", "S2-B2@0/T1"},
			unscheduled: []string{"S3-B3:no_table"},
		},
		{
			name: "one interpreter, two Japanese buyers",
			p: schedule.Problem{Slots: slots(1), Tables: 3,
				Interpreters: map[schedule.Language][]int{schedule.Japanese: {1}},
				Participants: []schedule.Participant{sup("S1", 5), sup("S2", 5), buy("B1", 5, needs(schedule.Japanese)),
					buy("B2", 5, needs(schedule.Japanese)), buy("B3", 5, needs(schedule.Korean))},
				Pairs: []schedule.Pair{pair("S1", "B1", 50), pair("S2", "B2", 60), pair("S1", "B3", 99)}},
			meetings:    []string{"S2-B2@0/T1"},
			unscheduled: []string{"S1-B1:no_interpreter", "S1-B3:no_common_slot"},
		},
		{
			name: "unavailable slot is skipped",
			p: schedule.Problem{Slots: slots(3), Tables: 1,
				Participants: []schedule.Participant{sup("S1", 5, away(0)), buy("B1", 5, away(1))},
				Pairs:        []schedule.Pair{pair("S1", "B1", 50)}},
			meetings: []string{"S1-B1@2/T1"},
		},
		{
			name: "cap stops the buyer",
			p: schedule.Problem{Slots: slots(3), Tables: 2,
				Participants: []schedule.Participant{sup("S1", 5), sup("S2", 5), buy("B1", 1)},
				Pairs:        []schedule.Pair{pair("S1", "B1", 50), pair("S2", "B1", 60)}},
			meetings:    []string{"S2-B1@0/T1"},
			unscheduled: []string{"S1-B1:buyer_cap_reached"},
		},
		{
			name: "one meeting per pair, best demand kept",
			p: schedule.Problem{Slots: slots(3), Tables: 2,
				Participants: []schedule.Participant{sup("S1", 5), buy("B1", 5)},
				Pairs: []schedule.Pair{pair("S1", "B1", 50),
					{Supplier: id("S1"), Buyer: id("B1"), Demand: id("other"), Score: 70}}},
			meetings:    []string{"S1-B1@0/T1"},
			unscheduled: []string{"S1-B1:duplicate_pair"},
		},
		{
			name: "unregistered firm",
			p: schedule.Problem{Slots: slots(1), Tables: 1,
				Participants: []schedule.Participant{sup("S1", 5), buy("B1", 5)},
				Pairs:        []schedule.Pair{pair("X", "B1", 50), pair("S1", "B1", 10)}},
			meetings:    []string{"S1-B1@0/T1"},
			unscheduled: []string{"X-B1:not_registered"},
		},
		{
			name: "locked meeting stays and keeps its table",
			p: schedule.Problem{Slots: slots(4)[:2], Tables: 2,
				Participants: []schedule.Participant{sup("S1", 5), sup("S2", 5), buy("B1", 5), buy("B2", 5)},
				Pairs:        []schedule.Pair{pair("S1", "B1", 90), pair("S2", "B2", 80), pair("S2", "B1", 70)},
				Locked:       []schedule.Meeting{locked("S1", "B2", 0, 1, 5)}},
			meetings: []string{"S1-B1@1/T1", "S1-B2@0/T1!", "S2-B1@0/T2", "S2-B2@1/T2"},
		},
		{
			name: "locked meeting over the cap is kept, nothing added",
			p: schedule.Problem{Slots: slots(4)[:2], Tables: 2,
				Participants: []schedule.Participant{sup("S1", 0), buy("B1", 5), buy("B2", 5)},
				Pairs:        []schedule.Pair{pair("S1", "B1", 90)},
				Locked:       []schedule.Meeting{locked("S1", "B2", 0, 2, 5)}},
			meetings:    []string{"S1-B2@0/T2!"},
			unscheduled: []string{"S1-B1:supplier_cap_reached"},
		},
		{
			name: "request met by a locked meeting counts",
			p: schedule.Problem{Slots: slots(4)[:1], Tables: 1,
				Participants: []schedule.Participant{sup("S1", 5), buy("B1", 5)},
				Priority:     []schedule.Pair{pair("S1", "B1", 0)},
				Locked:       []schedule.Meeting{locked("S1", "B1", 0, 1, 0)}},
			meetings: []string{"S1-B1@0/T1!"},
			priority: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := schedule.Solve(tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if err := schedule.Verify(tt.p, r); err != nil {
				t.Fatal(err)
			}
			meetings, unscheduled := describe(r)
			if !reflect.DeepEqual(meetings, tt.meetings) {
				t.Errorf("meetings = %v, want %v", meetings, tt.meetings)
			}
			if !reflect.DeepEqual(unscheduled, tt.unscheduled) {
				t.Errorf("unscheduled = %v, want %v", unscheduled, tt.unscheduled)
			}
			if r.PriorityScheduled != tt.priority || len(r.BelowFloor) != tt.belowFloor {
				t.Errorf("priority %d, below floor %d; want %d, %d", r.PriorityScheduled, len(r.BelowFloor), tt.priority, tt.belowFloor)
			}
		})
	}
}

// Re-running after late registrations keeps published meetings in place:
// the first schedule's meetings go back in as locked and come out unchanged.
func TestLateRegistrationsKeepPublishedMeetings(t *testing.T) {
	p := realisticEvent(3, 1)
	late := p.Participants[250:300] // 50 suppliers register late
	first := p
	first.Participants = append(append([]schedule.Participant{}, p.Participants[:250]...), p.Participants[300:]...)
	r1, err := schedule.Solve(first)
	if err != nil {
		t.Fatal(err)
	}
	second := p
	second.Locked = r1.Meetings
	for i := range second.Locked {
		second.Locked[i].Locked = false
	}
	r2, err := schedule.Solve(second)
	if err != nil {
		t.Fatal(err)
	}
	if err := schedule.Verify(second, r2); err != nil {
		t.Fatal(err)
	}
	kept := map[schedule.Meeting]bool{}
	for _, m := range r2.Meetings {
		if m.Locked {
			m.Locked = false
			kept[m] = true
		}
	}
	for _, m := range r1.Meetings {
		if !kept[m] {
			t.Fatalf("published meeting %+v moved", m)
		}
	}
	added, lateMet := len(r2.Meetings)-len(r1.Meetings), 0
	for _, m := range r2.Meetings {
		for _, x := range late {
			if m.Supplier == x.ID {
				lateMet++
			}
		}
	}
	t.Logf("first run %d meetings; re-run kept them all and added %d (%d with late registrants)", len(r1.Meetings), added, lateMet)
}

func TestValidate(t *testing.T) {
	ok := schedule.Problem{Slots: slots(2), Tables: 1, Participants: []schedule.Participant{sup("S1", 2), buy("B1", 2)}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid problem: %v", err)
	}
	bad := schedule.Problem{
		Slots:  []schedule.Slot{{Index: 1}},
		Tables: -1,
		Floor:  101,
		Participants: []schedule.Participant{
			{ID: id("S1"), Role: "maker", Cap: -1, Unavailable: []int{3}, Interpreter: schedule.Japanese, SME: true},
			{ID: id("S1"), Role: schedule.Buyer, Booth: "A1"},
			{Role: schedule.Supplier, Booth: "A2"},
			{ID: id("S3"), Role: schedule.Supplier, Booth: "A2"},
		},
		Interpreters: map[schedule.Language][]int{schedule.Korean: {1, -1}},
		Pairs:        []schedule.Pair{{Score: 101}},
		Priority:     []schedule.Pair{{Score: -1}},
		Locked:       []schedule.Meeting{{Slot: 5, Supplier: id("nobody"), Buyer: id("S1"), Score: 200, Table: 9}},
	}
	err := bad.Validate()
	var v *domain.ValidationError
	if !errors.As(err, &v) || !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("got %v, want a validation error", err)
	}
	var got []string
	for _, f := range v.Fields {
		got = append(got, f.Field)
	}
	want := []string{"slots[0].index", "tables", "floor",
		"participants[0].role", "participants[0].cap", "participants[0].unavailable[0]",
		"participants[0].interpreter", "participants[0].sme",
		"participants[1].id", "participants[1].booth",
		"participants[2].id",
		"participants[3].booth",
		"interpreters[KR]", "interpreters[KR][1]",
		"pairs[0].score", "priority[0].score",
		"locked[0].slot", "locked[0].supplier", "locked[0].score", "locked[0].table"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields\n got %v\nwant %v", got, want)
	}
}
