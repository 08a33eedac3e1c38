package api

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/projections"
)

// TestAgendaICSLanguage: SUMMARY, DESCRIPTION and the place are in the
// language asked for; names stay as their firms wrote them.
func TestAgendaICSLanguage(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 10, 15, 1, 0, 0, 0, time.UTC)
	a := agenda{Name: "Công ty Cơ khí Rạng Đông", Meetings: []agendaMeeting{{ID: uuid.New(), StartsAt: start,
		EndsAt: start.Add(30 * time.Minute), Table: 3, CounterpartName: "Canon Việt Nam", CounterpartRole: conference.Buyer,
		Score: 80, Status: agendaConfirmed}}}
	ev := projections.Event{Details: conference.Details{Name: "Hội nghị kết nối", Venue: "Mỹ Đình"}}
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
