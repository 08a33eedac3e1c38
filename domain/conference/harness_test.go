package conference_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
)

// A case reads as: given these stored events, when this command runs, then
// these events are recorded, or this kind of error (and, for validation
// errors, exactly these fields) comes back and nothing is recorded.
type testCase struct {
	name   string
	given  []domain.Event
	when   func(c *conference.Conference) error
	then   []domain.Event
	err    error
	fields []string
	// check inspects what was recorded when the events are too long to
	// spell out.
	check func(t *testing.T, c *conference.Conference, recorded []domain.Event)
}

func run(t *testing.T, tests []testCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := given(tt.given...)
			err := tt.when(c)
			got := c.Changes()
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error = %v, want %v", err, tt.err)
				}
				if len(got) > 0 {
					t.Fatalf("recorded %d events on error", len(got))
				}
				if tt.fields != nil {
					var v *domain.ValidationError
					if !errors.As(err, &v) {
						t.Fatalf("error %v is not a validation error", err)
					}
					var fields []string
					for _, f := range v.Fields {
						fields = append(fields, f.Field)
					}
					if !reflect.DeepEqual(fields, tt.fields) {
						t.Fatalf("fields = %v, want %v", fields, tt.fields)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.check != nil {
				tt.check(t, c, got)
			}
			if tt.check != nil && tt.then == nil || len(got) == 0 && len(tt.then) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.then) {
				t.Fatalf("recorded\n %#v\nwant\n %#v", got, tt.then)
			}
		})
	}
}

func given(events ...domain.Event) *conference.Conference {
	c := &conference.Conference{}
	for _, e := range events {
		c.Apply(e)
	}
	c.Loaded(int64(len(events)))
	return c
}

func id(name string) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)) }

// seq mints predictable meeting ids: m1, m2, ...
func seq() func() uuid.UUID {
	n := 0
	return func() uuid.UUID {
		n++
		return id("m" + string(rune('0'+n/10)) + string(rune('0'+n%10)))
	}
}

var (
	hanoi = time.FixedZone("ICT", 7*3600)
	ev    = id("event")
	s1    = id("S1 Rang Dong")
	s2    = id("S2 Viet Tiep")
	s3    = id("S3 late")
	b1    = id("B1 Canon")
	b2    = id("B2 Samsung")

	// The conference runs 08:30-09:30: two half-hour slots, one table.
	opens    = time.Date(2024, 10, 10, 8, 30, 0, 0, hanoi)
	before   = opens.Add(-72 * time.Hour)
	slot2    = opens.Add(30 * time.Minute)
	closes   = opens.Add(time.Hour)
	details  = conference.Details{Kind: conference.KindConference, Name: "Key products meet FDI 2024", Venue: "Hanoi Trade Center", StartsAt: opens, EndsAt: closes, SlotMinutes: 30, Tables: 1, MaxMeetingsPerParticipant: 2}
	created  = conference.EventCreated{EventID: ev, Details: details}
	fairInfo = conference.Details{Kind: conference.KindFair, Name: "Key industrial products fair", Venue: "Giang Vo",
		StartsAt: opens, EndsAt: closes, SlotMinutes: 30, Tables: 1, MaxMeetingsPerParticipant: 2}
	fair = conference.EventCreated{EventID: ev, Details: fairInfo}
)

func registered(org uuid.UUID, role conference.Role) conference.FirmRegistered {
	return conference.FirmRegistered{EventID: ev, Registration: conference.Registration{OrganisationID: org, Role: role}}
}

func registeredWith(r conference.Registration) conference.FirmRegistered {
	return conference.FirmRegistered{EventID: ev, Registration: r}
}

func pair(s, b uuid.UUID, score int) schedule.Pair {
	return schedule.Pair{Supplier: s, Buyer: b, Demand: id("demand of " + b.String()), Score: score}
}

func meeting(mid string, slot int, s, b uuid.UUID, score int) conference.Meeting {
	start := opens.Add(time.Duration(slot) * 30 * time.Minute)
	return conference.Meeting{ID: id(mid), Slot: slot, StartsAt: start, EndsAt: start.Add(30 * time.Minute), Table: 1,
		SupplierID: s, BuyerID: b, DemandID: id("demand of " + b.String()), Score: score}
}

// basics: the conference with S1, S2 and B1, B2 registered.
func basics() []domain.Event {
	return []domain.Event{created, registered(s1, conference.Supplier), registered(s2, conference.Supplier),
		registered(b1, conference.Buyer), registered(b2, conference.Buyer)}
}

func with(events []domain.Event, more ...domain.Event) []domain.Event {
	return append(append([]domain.Event{}, events...), more...)
}
