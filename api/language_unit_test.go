package api

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/projections/conferences"
)

// TestAgendaICSLanguage: SUMMARY, DESCRIPTION and the place are in the
// language asked for; names stay as their firms wrote them.
func TestAgendaICSLanguage(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 10, 15, 1, 0, 0, 0, time.UTC)
	a := agenda{Name: "Công ty Cơ khí Rạng Đông", Meetings: []agendaMeeting{{ID: uuid.New(), StartsAt: start,
		EndsAt: start.Add(30 * time.Minute), Table: 3, CounterpartName: "Canon Việt Nam", CounterpartRole: conference.Buyer,
		Score: 80, Status: agendaConfirmed}}}
	ev := conferences.Event{Details: conference.Details{Name: "Hội nghị kết nối", Venue: "Mỹ Đình"}}
	tests := []struct {
		l    messages.Lang
		want []string
	}{
		{messages.EN, []string{"SUMMARY:B2B meeting: Canon Việt Nam", `DESCRIPTION:Hội nghị kết nối\nCông ty Cơ khí Rạng Đông with Canon Việt Nam (buyer)\nMỹ Đình\, table 3\nMatch score 80/100`, `LOCATION:Mỹ Đình\, table 3`}},
		{messages.VI, []string{"SUMMARY:Gặp gỡ B2B: Canon Việt Nam", `DESCRIPTION:Hội nghị kết nối\nCông ty Cơ khí Rạng Đông gặp Canon Việt Nam (bên mua)\nMỹ Đình\, bàn 3\nĐiểm phù hợp 80/100`, `LOCATION:Mỹ Đình\, bàn 3`}},
	}
	for _, tt := range tests {
		ics := strings.ReplaceAll(string(agendaICS(a, ev, start, tt.l)), "\r\n ", "")
		for _, w := range tt.want {
			if !strings.Contains(ics, w+"\r\n") {
				t.Errorf("%s: no %q in\n%s", tt.l, w, ics)
			}
		}
	}
}

// TestProblemTextsInCatalogue: every problem title, and the detail of every
// error of the HTTP layer, reads in every language. A new kind (a 410, say)
// needs its title in api/messages.
func TestProblemTextsInCatalogue(t *testing.T) {
	t.Parallel()
	for _, k := range kinds {
		for _, l := range []messages.Lang{messages.EN, messages.VI} {
			if !l.Has(k.kind.title) {
				t.Errorf("title %q is not in the %s catalogue", k.kind.title, l)
			}
			if msg := k.err.Error(); !strings.HasPrefix(msg, "eventstore:") && !isDomainKind(k.err) && !l.Has(msg) {
				t.Errorf("detail %q is not in the %s catalogue", msg, l)
			}
		}
	}
}

// isDomainKind reports whether err is one of the domain's bare kinds, whose
// text is never shown: the errors that wrap them carry their own.
func isDomainKind(err error) bool {
	return slices.Contains([]error{domain.ErrInvalid, domain.ErrNotFound, domain.ErrForbidden, domain.ErrConflict}, err)
}
