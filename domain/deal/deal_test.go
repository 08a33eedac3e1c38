package deal_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/deal"
)

var (
	dealID   = uuid.MustParse("0193a1f2-0000-7000-8000-000000000001")
	sup      = uuid.MustParse("0193a1f2-0000-7000-8000-000000000002")
	buy      = uuid.MustParse("0193a1f2-0000-7000-8000-000000000003")
	other    = uuid.MustParse("0193a1f2-0000-7000-8000-000000000004")
	meeting1 = uuid.MustParse("0193a1f2-0000-7000-8000-000000000005")
	event1   = uuid.MustParse("0193a1f2-0000-7000-8000-000000000006")
	at       = time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	may4     = domain.Date{Time: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)}
	opened   = deal.Opened{DealID: dealID, SupplierID: sup, BuyerID: buy, At: at}
)

func given(events ...domain.Event) *deal.Deal {
	d := &deal.Deal{}
	for _, e := range events {
		d.Apply(e)
	}
	d.Loaded(int64(len(events)))
	return d
}

func usd(minor int64) *deal.Money { return &deal.Money{Minor: minor, Currency: deal.USD} }

func TestOpen(t *testing.T) {
	for _, tc := range []struct {
		name string
		by   deal.Actor
		p    deal.Parties
		want error
	}{
		{"organiser", deal.AsOrganiser(), deal.Parties{SupplierID: sup, BuyerID: buy}, nil},
		{"the supplier", deal.AsFirm(sup), deal.Parties{SupplierID: sup, BuyerID: buy}, nil},
		{"the buyer", deal.AsFirm(buy), deal.Parties{SupplierID: sup, BuyerID: buy}, nil},
		{"another firm", deal.AsFirm(other), deal.Parties{SupplierID: sup, BuyerID: buy}, domain.ErrForbidden},
		{"no buyer", deal.AsOrganiser(), deal.Parties{SupplierID: sup}, domain.ErrInvalid},
		{"same firm twice", deal.AsOrganiser(), deal.Parties{SupplierID: sup, BuyerID: sup}, domain.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := deal.Open(dealID, tc.by, tc.p, nil, at)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if err == nil && (d.Stage() != deal.Contacted || len(d.Changes()) != 1) {
				t.Fatalf("stage %s, %d changes", d.Stage(), len(d.Changes()))
			}
		})
	}
}

func TestMoveTo(t *testing.T) {
	for _, tc := range []struct {
		name   string
		by     deal.Actor
		change deal.Change
		want   []domain.Event
		err    error
	}{
		{"sample, dated today", deal.AsFirm(buy), deal.Change{Stage: deal.Sample},
			[]domain.Event{deal.StageChanged{DealID: dealID, SupplierID: sup, BuyerID: buy, Stage: deal.Sample, On: may4, ChangedBy: buy, At: at}}, nil},
		{"contract with a value", deal.AsOrganiser(), deal.Change{Stage: deal.Contract, Value: usd(1250050), Note: " signed "},
			[]domain.Event{deal.StageChanged{DealID: dealID, SupplierID: sup, BuyerID: buy, Stage: deal.Contract, Value: usd(1250050), On: may4, Note: "signed", At: at}}, nil},
		{"lost without a reason", deal.AsOrganiser(), deal.Change{Stage: deal.Lost}, nil, domain.ErrInvalid},
		{"lost with a value", deal.AsOrganiser(), deal.Change{Stage: deal.Lost, Note: "price", Value: usd(1)}, nil, domain.ErrInvalid},
		{"unknown stage", deal.AsOrganiser(), deal.Change{Stage: "won"}, nil, domain.ErrInvalid},
		{"control characters in the note", deal.AsOrganiser(), deal.Change{Stage: deal.Audit, Note: "a\x00b"}, nil, domain.ErrInvalid},
		{"another firm", deal.AsFirm(other), deal.Change{Stage: deal.Audit}, nil, domain.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := given(opened)
			err := d.MoveTo(tc.by, tc.change, at)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if got := d.Changes(); !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("events\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestRecordMeeting(t *testing.T) {
	v := 2500.5
	link := func(r string) deal.MeetingLinked {
		return deal.MeetingLinked{DealID: dealID, EventID: event1, MeetingID: meeting1, Result: r, At: at}
	}
	for _, tc := range []struct {
		name  string
		given []domain.Event
		o     deal.Outcome
		want  []domain.Event
	}{
		{"a follow-up links the meeting", []domain.Event{opened},
			deal.Outcome{EventID: event1, MeetingID: meeting1, Result: "follow_up", On: may4},
			[]domain.Event{link("follow_up")}},
		{"the same outcome again changes nothing", []domain.Event{opened, link("follow_up")},
			deal.Outcome{EventID: event1, MeetingID: meeting1, Result: "follow_up", On: may4}, nil},
		{"an MoU is recorded apart from the stages", []domain.Event{opened},
			deal.Outcome{EventID: event1, MeetingID: meeting1, Result: "mou", ValueUSD: &v, On: may4},
			[]domain.Event{link("mou"), deal.MoUSigned{DealID: dealID, Value: usd(250050), On: may4, MeetingID: meeting1, At: at}}},
		{"a contract moves the deal to the contract stage", []domain.Event{opened, link("mou")},
			deal.Outcome{EventID: event1, MeetingID: meeting1, Result: "contract", On: may4},
			[]domain.Event{link("contract"), deal.StageChanged{DealID: dealID, SupplierID: sup, BuyerID: buy, Stage: deal.Contract, On: may4, MeetingID: meeting1, At: at}}},
		{"a follow-up does not move an audited deal back", []domain.Event{opened, deal.StageChanged{DealID: dealID, Stage: deal.Audit}},
			deal.Outcome{EventID: event1, MeetingID: meeting1, Result: "follow_up", On: may4},
			[]domain.Event{link("follow_up")}},
		{"a follow-up reopens a lost deal", []domain.Event{opened, deal.StageChanged{DealID: dealID, Stage: deal.Lost, Note: "price"}},
			deal.Outcome{EventID: event1, MeetingID: meeting1, Result: "follow_up", On: may4},
			[]domain.Event{link("follow_up"), deal.StageChanged{DealID: dealID, SupplierID: sup, BuyerID: buy, Stage: deal.Contacted, On: may4,
				Note: "reopened by a meeting", MeetingID: meeting1, At: at}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := given(tc.given...)
			if err := d.RecordMeeting(tc.o, at); err != nil {
				t.Fatal(err)
			}
			if got := d.Changes(); !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("events\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		value    float64
		currency string
		want     deal.Money
		bad      []string
	}{
		{250000.5, "USD", deal.Money{Minor: 25000050, Currency: deal.USD}, nil},
		{1500000000, "vnd", deal.Money{Minor: 1500000000, Currency: deal.VND}, nil},
		{12.5, "VND", deal.Money{}, []string{"value"}},
		{0.001, "EUR", deal.Money{}, []string{"value"}},
		{-1, "JPY", deal.Money{}, []string{"value"}},
		{1e30, "KRW", deal.Money{}, []string{"value"}},
		{1, "GBP", deal.Money{}, []string{"currency"}},
	} {
		var p domain.Problems
		got := deal.ParseMoney(&p, "value", "currency", tc.value, tc.currency)
		var v *domain.ValidationError
		err := p.Err()
		var fields []string
		if errors.As(err, &v) {
			for _, f := range v.Fields {
				fields = append(fields, f.Field)
			}
		}
		if !reflect.DeepEqual(fields, tc.bad) || (tc.bad == nil && got != tc.want) {
			t.Errorf("ParseMoney(%g, %s) = %+v, problems %v; want %+v, %v", tc.value, tc.currency, got, fields, tc.want, tc.bad)
		}
	}
}

func TestSignMoU(t *testing.T) {
	for _, tc := range []struct {
		name  string
		by    deal.Actor
		value *deal.Money
		want  []domain.Event
		err   error
	}{
		{"the supplier, dated today", deal.AsFirm(sup), usd(100), []domain.Event{deal.MoUSigned{DealID: dealID, Value: usd(100), On: may4, At: at}}, nil},
		{"another firm", deal.AsFirm(other), nil, nil, domain.ErrNotFound},
		{"a negative value", deal.AsOrganiser(), usd(-1), nil, domain.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := given(opened)
			err := d.SignMoU(tc.by, tc.value, domain.Date{}, at)
			if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if got := d.Changes(); !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("events\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
