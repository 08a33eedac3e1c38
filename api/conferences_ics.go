package api

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/projections/conferences"
)

// icsProductID names the producer in every calendar (RFC 5545 3.7.3).
const icsProductID = "-//KeyLink//Event agenda 1.0//EN"

// agendaICS renders an agenda as an RFC 5545 iCalendar object: CRLF line
// endings, content lines folded at 75 octets (never inside a UTF-8
// sequence), TEXT values escaped, times in UTC. Each meeting is one VEVENT
// whose UID is derived from the meeting's id, so importing a newer file
// updates the meetings rather than duplicating them; a meeting withdrawn
// since is STATUS:CANCELLED with a higher SEQUENCE.
//
// SUMMARY and DESCRIPTION are in l; names are shown as their firms wrote them.
func agendaICS(a agenda, ev conferences.Event, now time.Time, l messages.Lang) []byte {
	var w icsWriter
	w.prop("BEGIN", "VCALENDAR")
	w.prop("VERSION", "2.0")
	w.prop("PRODID", icsProductID)
	w.prop("CALSCALE", "GREGORIAN")
	w.prop("METHOD", "PUBLISH")
	w.prop("X-WR-CALNAME", icsText(ev.Name+" – "+a.Name))
	stamp := icsTime(now)
	for _, m := range a.Meetings {
		place := l.Tf("ics.table", m.Table)
		if m.Booth != "" {
			place = l.Tf("ics.booth", m.Booth)
		}
		status, sequence := "CONFIRMED", "0"
		if m.Status == agendaCancelled {
			status, sequence = "CANCELLED", "1"
		}
		w.prop("BEGIN", "VEVENT")
		w.prop("UID", m.ID.String()+"@keylink")
		w.prop("DTSTAMP", stamp)
		w.prop("DTSTART", icsTime(m.StartsAt))
		w.prop("DTEND", icsTime(m.EndsAt))
		w.prop("SUMMARY", icsText(l.Tf("ics.summary", m.CounterpartName)))
		w.prop("LOCATION", icsText(ev.Venue+", "+place))
		description := l.Tf("ics.description",
			ev.Name, a.Name, m.CounterpartName, l.T("role."+string(m.CounterpartRole)), ev.Venue, place, m.Score)
		if m.DemandTitle != "" {
			description += "\n" + l.Tf("ics.demand", m.DemandTitle)
		}
		if m.InterpreterLanguage != "" {
			description += "\n" + l.Tf("ics.interpreter", l.T("language."+m.InterpreterLanguage))
		}
		w.prop("DESCRIPTION", icsText(description))
		w.prop("STATUS", status)
		w.prop("SEQUENCE", sequence)
		w.prop("TRANSP", "OPAQUE")
		w.prop("END", "VEVENT")
	}
	w.prop("END", "VCALENDAR")
	return []byte(w.b.String())
}

// icsWriter writes folded content lines.
type icsWriter struct{ b strings.Builder }

// icsLineOctets is the longest content line RFC 5545 3.1 allows, CRLF
// excluded.
const icsLineOctets = 75

// prop writes "NAME:value" folded: a line longer than 75 octets continues
// on the next after CRLF and one space, which counts towards that line.
func (w *icsWriter) prop(name, value string) {
	line := name + ":" + value
	n := 0
	for len(line) > 0 {
		_, size := utf8.DecodeRuneInString(line)
		if n+size > icsLineOctets {
			w.b.WriteString("\r\n ")
			n = 1
		}
		w.b.WriteString(line[:size])
		n += size
		line = line[size:]
	}
	w.b.WriteString("\r\n")
}

// icsTime is a DATE-TIME in UTC ("form #2" of RFC 5545 3.3.5).
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and
// comma are escaped, line breaks become \n, other control characters go.
func icsText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
