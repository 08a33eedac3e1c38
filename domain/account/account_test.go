package account_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
)

var (
	aid   = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000a1")
	orgID = uuid.MustParse("0193a1b2-0000-7000-8000-000000000001")
)

const hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"

var invID = uuid.MustParse("0193a1b2-0000-7000-8000-0000000000f1")

func registration() account.Registration {
	return account.Registration{Email: "lan@rangdong.com.vn", Role: account.RoleSupplier, OrganisationID: orgID}
}

func with(r account.Registration, change func(*account.Registration)) account.Registration {
	change(&r)
	return r
}

func checkErr(t *testing.T, err, kind error, fields []string) {
	t.Helper()
	if kind == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v, want kind %q", err, kind)
	}
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		if fields != nil {
			t.Fatalf("error = %v, want a *domain.ValidationError on %q", err, fields)
		}
		return
	}
	got := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		got[i] = f.Field
	}
	if !reflect.DeepEqual(got, fields) {
		t.Errorf("invalid fields = %q, want %q (%v)", got, fields, err)
	}
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name   string
		id     uuid.UUID
		in     account.Registration
		then   []domain.Event
		kind   error
		fields []string
	}{
		{name: "supplier account", id: aid, in: registration(),
			then: []domain.Event{account.Registered{AccountID: aid, Registration: registration()}}},
		{name: "buyer account with the e-mail normalised", id: aid,
			in: with(registration(), func(r *account.Registration) { r.Email, r.Role = "  Sato@Canon.COM.vn ", account.RoleBuyer }),
			then: []domain.Event{account.Registered{AccountID: aid, Registration: with(registration(), func(r *account.Registration) {
				r.Email, r.Role = "sato@canon.com.vn", account.RoleBuyer
			})}}},
		{name: "a user accepted from an invitation", id: aid,
			in:   with(registration(), func(r *account.Registration) { r.InvitationID = invID }),
			then: []domain.Event{account.Registered{AccountID: aid, Registration: with(registration(), func(r *account.Registration) { r.InvitationID = invID })}}},
		{name: "nil id", id: uuid.Nil, in: registration(), kind: domain.ErrInvalid},
		{name: "empty input", id: aid, in: account.Registration{}, kind: domain.ErrInvalid,
			fields: []string{"email", "role", "organisation_id"}},
		{name: "every field bad", id: aid, kind: domain.ErrInvalid, in: account.Registration{
			Email: "lan at rangdong", Role: "organiser", OrganisationID: uuid.Nil,
		}, fields: []string{"email", "role", "organisation_id"}},
		{name: "NUL in the e-mail", id: aid, kind: domain.ErrInvalid,
			in:     with(registration(), func(r *account.Registration) { r.Email = "lan\x00@rangdong.vn" }),
			fields: []string{"email"}},
		{name: "e-mail too long", id: aid, kind: domain.ErrInvalid,
			in:     with(registration(), func(r *account.Registration) { r.Email = "a@" + strings.Repeat("b", 250) + ".vn" }),
			fields: []string{"email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := account.Register(tt.id, tt.in)
			checkErr(t, err, tt.kind, tt.fields)
			if err != nil {
				if a != nil {
					t.Errorf("got an account with an error")
				}
				return
			}
			if got := a.Changes(); !reflect.DeepEqual(got, tt.then) {
				t.Errorf("events:\n got %#v\nwant %#v", got, tt.then)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"12 ASCII characters", "correcthorse", true},
		{"11 characters", "correcthors", false},
		{"12 runes in more bytes", "mậtkhẩuđẹpqá", true},
		{"11 runes in 12+ bytes", "mậtkhẩuđẹpq", false},
		{"spaces count and are kept", "  a b c d e ", true},
		{"empty", "", false},
		{"1024 bytes", strings.Repeat("x", 1024), true},
		{"1025 bytes", strings.Repeat("x", 1025), false},
		{"1024 bytes, 342 runes", strings.Repeat("ẹ", 341) + "x", true},
		{"1026 bytes, 342 runes", strings.Repeat("ẹ", 342), false},
		{"invalid UTF-8", "correcthorse\xff", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := account.CheckPassword(tt.pw)
			if tt.ok {
				checkErr(t, err, nil, nil)
				return
			}
			checkErr(t, err, domain.ErrInvalid, []string{"password"})
			if tt.pw != "" && strings.Contains(err.Error(), tt.pw) {
				t.Errorf("the error echoes the password")
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	if got := account.NormalizeEmail(" Lan@RangDong.COM.VN\n"); got != "lan@rangdong.com.vn" {
		t.Errorf("NormalizeEmail = %q", got)
	}
}

type unknownEvent struct{}

func (unknownEvent) EventType() string  { return "SomethingElse" }
func (unknownEvent) SchemaVersion() int { return 1 }

func TestStateFromEvents(t *testing.T) {
	a := &account.Account{}
	if a.ID() != uuid.Nil || a.Email() != "" {
		t.Fatalf("zero account is not empty")
	}
	a.Apply(account.Registered{AccountID: aid, Registration: registration()})
	a.Apply(unknownEvent{})
	a.Loaded(2)
	if a.ID() != aid || a.Email() != "lan@rangdong.com.vn" || a.InvitationID() != uuid.Nil ||
		a.Role() != account.RoleSupplier || a.OrganisationID() != orgID || a.Version() != 2 {
		t.Errorf("state = %v %q %v %q %v %d", a.ID(), a.Email(), a.InvitationID(), a.Role(), a.OrganisationID(), a.Version())
	}
	if len(a.Changes()) != 0 {
		t.Errorf("applying stored events recorded changes")
	}
}

func TestEvents(t *testing.T) {
	sample := account.Registered{AccountID: aid, Registration: registration()}
	invited := account.Registered{AccountID: aid, Registration: with(registration(), func(r *account.Registration) { r.InvitationID = invID })}
	var names []string
	for _, e := range append(account.Events(), sample, invited) {
		if e.SchemaVersion() != 2 {
			t.Errorf("%s: schema version %d", e.EventType(), e.SchemaVersion())
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		p := reflect.New(reflect.TypeOf(e))
		if err := json.Unmarshal(b, p.Interface()); err != nil {
			t.Fatal(err)
		}
		if got := p.Elem().Interface(); !reflect.DeepEqual(got, e) {
			t.Errorf("round trip: got %#v, want %#v", got, e)
		}
		names = append(names, e.EventType())
	}
	if want := []string{"AccountRegistered", "AccountRegistered", "AccountRegistered"}; !reflect.DeepEqual(names, want) {
		t.Errorf("event types = %q", names)
	}
	for _, tc := range []struct {
		e    account.Registered
		want []string
	}{
		{sample, []string{"account_id", "email", "organisation_id", "role"}},
		{invited, []string{"account_id", "email", "invitation_id", "organisation_id", "role"}},
	} {
		b, _ := json.Marshal(tc.e)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		if keys := slices.Sorted(maps.Keys(m)); !reflect.DeepEqual(keys, tc.want) {
			t.Errorf("AccountRegistered fields = %q, want %q", keys, tc.want)
		}
	}
}

// A version 1 payload carried the password hash; upcast, it has none, and
// decodes to the same account.
func TestUpcastRegisteredV1(t *testing.T) {
	v1 := `{"account_id":"` + aid.String() + `","email":"lan@rangdong.com.vn","password_hash":"` + hash +
		`","role":"supplier","organisation_id":"` + orgID.String() + `"}`
	up, err := account.UpcastRegisteredV1(json.RawMessage(v1))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(up), "argon2id") || strings.Contains(string(up), "password_hash") {
		t.Fatalf("the hash survived the upcast: %s", up)
	}
	var e account.Registered
	if err := json.Unmarshal(up, &e); err != nil {
		t.Fatal(err)
	}
	if want := (account.Registered{AccountID: aid, Registration: registration()}); !reflect.DeepEqual(e, want) {
		t.Errorf("upcast event = %#v, want %#v", e, want)
	}
	stripped := `{"account_id":"` + aid.String() + `","email":"lan@rangdong.com.vn","role":"supplier"}`
	if up, err := account.UpcastRegisteredV1(json.RawMessage(stripped)); err != nil || string(up) != stripped {
		t.Errorf("a payload already without the hash changed: %s, %v", up, err)
	}
	if _, err := account.UpcastRegisteredV1(json.RawMessage(`[1]`)); err == nil {
		t.Errorf("a payload that is not an object upcast without error")
	}
}

func TestAccountStaysPrintable(t *testing.T) {
	e := account.Registered{AccountID: aid, Registration: registration()}
	a := &account.Account{}
	a.Apply(e)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "event", e)
	fmt.Fprintf(&buf, "%v %s %v", e, e, a)
	if !strings.Contains(buf.String(), "lan@rangdong.com.vn") {
		t.Errorf("the e-mail is missing:\n%s", buf.String())
	}
}
