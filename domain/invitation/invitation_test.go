package invitation_test

import (
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
	"github.com/keylink/keylink/domain/invitation"
)

var (
	invID  = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000f1")
	orgID  = uuid.MustParse("0193a1b2-0000-7000-8000-000000000001")
	accID  = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000a1")
	issued = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
)

func details() invitation.Details {
	return invitation.Details{OrganisationID: orgID, Role: account.RoleSupplier, Email: "hoa@rangdong.com.vn",
		ExpiresAt: issued.Add(invitation.TTL)}
}

func issuedEvent() invitation.Issued {
	return invitation.Issued{InvitationID: invID, Details: details()}
}

func TestIssue(t *testing.T) {
	tests := []struct {
		name   string
		id     uuid.UUID
		in     invitation.Details
		then   []domain.Event
		fields []string
	}{
		{name: "an invitation to a supplier", id: invID, in: details(), then: []domain.Event{issuedEvent()}},
		{name: "the e-mail normalised and the expiry kept to the second in UTC", id: invID,
			in: invitation.Details{OrganisationID: orgID, Role: account.RoleBuyer, Email: " Sato@Canon.COM.vn ",
				ExpiresAt: issued.Add(invitation.TTL + 300*time.Millisecond).In(time.FixedZone("ICT", 7*3600))},
			then: []domain.Event{invitation.Issued{InvitationID: invID, Details: invitation.Details{OrganisationID: orgID,
				Role: account.RoleBuyer, Email: "sato@canon.com.vn", ExpiresAt: issued.Add(invitation.TTL)}}}},
		{name: "nil id", id: uuid.Nil, in: details()},
		{name: "nothing given", id: invID, in: invitation.Details{}, fields: []string{"email", "organisation_id", "role", "expires_at"}},
		{name: "bad e-mail and role", id: invID, in: invitation.Details{OrganisationID: orgID, Role: "organiser",
			Email: "hoa\x00@rangdong.vn", ExpiresAt: issued}, fields: []string{"email", "role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := invitation.Issue(tt.id, tt.in)
			if tt.then == nil {
				if !errors.Is(err, domain.ErrInvalid) {
					t.Fatalf("error = %v, want invalid", err)
				}
				var v *domain.ValidationError
				if tt.fields != nil && (!errors.As(err, &v) || !reflect.DeepEqual(fieldsOf(v), tt.fields)) {
					t.Errorf("error = %v, want fields %q", err, tt.fields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := inv.Changes(); !reflect.DeepEqual(got, tt.then) {
				t.Errorf("events:\n got %#v\nwant %#v", got, tt.then)
			}
		})
	}
}

func fieldsOf(v *domain.ValidationError) []string {
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestAccept(t *testing.T) {
	accepted := invitation.Accepted{InvitationID: invID, AccountID: accID, AcceptedAt: issued.Add(time.Hour)}
	tests := []struct {
		name    string
		given   []domain.Event
		account uuid.UUID
		at      time.Time
		then    []domain.Event
		err     error
	}{
		{name: "accepted within 14 days", given: []domain.Event{issuedEvent()}, account: accID, at: issued.Add(time.Hour),
			then: []domain.Event{accepted}},
		{name: "accepted a second before it expires", given: []domain.Event{issuedEvent()}, account: accID,
			at:   issued.Add(invitation.TTL - time.Second),
			then: []domain.Event{invitation.Accepted{InvitationID: invID, AccountID: accID, AcceptedAt: issued.Add(invitation.TTL - time.Second)}}},
		{name: "expired at 14 days", given: []domain.Event{issuedEvent()}, account: accID, at: issued.Add(invitation.TTL), err: invitation.ErrExpired},
		{name: "used", given: []domain.Event{issuedEvent(), accepted}, account: uuid.New(), at: issued.Add(2 * time.Hour), err: invitation.ErrUsed},
		{name: "used and expired says used", given: []domain.Event{issuedEvent(), accepted}, account: uuid.New(),
			at: issued.Add(30 * 24 * time.Hour), err: invitation.ErrUsed},
		{name: "never issued", account: accID, at: issued, err: domain.ErrNotFound},
		{name: "nil account", given: []domain.Event{issuedEvent()}, at: issued, err: domain.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &invitation.Invitation{}
			for _, e := range tt.given {
				inv.Apply(e)
			}
			inv.Loaded(int64(len(tt.given)))
			err := inv.Accept(tt.account, tt.at)
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("error = %v, want %v", err, tt.err)
			}
			if got := inv.Changes(); !reflect.DeepEqual(got, tt.then) {
				t.Errorf("events:\n got %#v\nwant %#v", got, tt.then)
			}
			if tt.then != nil && inv.AcceptedBy() != tt.account {
				t.Errorf("accepted by %v", inv.AcceptedBy())
			}
		})
	}
	for _, err := range []error{invitation.ErrUsed, invitation.ErrExpired} {
		if !errors.Is(err, domain.ErrGone) {
			t.Errorf("%v is not a domain.ErrGone", err)
		}
	}
}

// Events carry no token, keep stable names and survive a JSON round trip.
func TestEvents(t *testing.T) {
	samples := []domain.Event{issuedEvent(), invitation.Accepted{InvitationID: invID, AccountID: accID, AcceptedAt: issued}}
	want := map[string][]string{
		"InvitationIssued":   {"email", "expires_at", "invitation_id", "organisation_id", "role"},
		"InvitationAccepted": {"accepted_at", "account_id", "invitation_id"},
	}
	if len(invitation.Events()) != len(want) {
		t.Fatalf("%d event types, want %d", len(invitation.Events()), len(want))
	}
	for _, e := range samples {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		if got := slices.Sorted(maps.Keys(m)); !reflect.DeepEqual(got, want[e.EventType()]) || e.SchemaVersion() != 1 {
			t.Errorf("%s v%d fields = %q", e.EventType(), e.SchemaVersion(), got)
		}
		p := reflect.New(reflect.TypeOf(e))
		if err := json.Unmarshal(b, p.Interface()); err != nil || !reflect.DeepEqual(p.Elem().Interface(), e) {
			t.Errorf("round trip of %s: %#v, %v", e.EventType(), p.Elem().Interface(), err)
		}
	}
}
