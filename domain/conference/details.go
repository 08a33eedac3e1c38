package conference

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/schedule"
)

// Kind says whether the event is a conference (meetings at tables) or a
// trade fair (suppliers may also have booths, where their meetings happen).
type Kind string

// The kinds of event.
const (
	KindConference Kind = "conference"
	KindFair       Kind = "fair"
)

// Limits on an event's details.
const (
	MinSlotMinutes = 5
	MaxSlotMinutes = 240
	MaxTables      = 1000
	MaxMeetingsCap = 100
	MaxSpan        = 14 * 24 * time.Hour
)

// Details describe an event as the organiser creates it.
type Details struct {
	Kind        Kind      `json:"kind"`
	Name        string    `json:"name"`
	Venue       string    `json:"venue"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	SlotMinutes int       `json:"slot_minutes"`
	Tables      int       `json:"tables"`
	// MaxMeetingsPerParticipant caps every firm's meetings in the event.
	MaxMeetingsPerParticipant int `json:"max_meetings_per_participant"`
	// Breaks are periods with no meetings (lunch). Over several days a break
	// recurs every day at the same time of day at the venue.
	Breaks []Period `json:"breaks,omitempty"`
	// MaxConsecutive is the most meetings a firm has in a row before a free
	// slot; 0 means no limit.
	MaxConsecutive int `json:"max_consecutive,omitempty"`
}

// Limits on breaks and runs of meetings.
const (
	MaxBreaks      = 20
	MaxConsecutive = 100
)

// Validate reports every bad field at once.
func (d Details) Validate() error {
	var p domain.Problems
	p.Check(d.Kind == KindConference || d.Kind == KindFair, "kind", "must be conference or fair")
	p.Line("name", d.Name, true)
	p.Line("venue", d.Venue, true)
	p.Check(len(d.Breaks) <= MaxBreaks, "breaks", "must have at most %d periods", MaxBreaks)
	for i, b := range d.Breaks {
		path := domain.Index("breaks", i)
		p.Check(!b.From.IsZero(), path+".from", "must be set")
		switch {
		case b.To.IsZero():
			p.Add(path+".to", "must be set")
		case !b.To.After(b.From):
			p.Add(path+".to", "must be after from")
		case b.To.Sub(b.From) >= 24*time.Hour:
			p.Add(path+".to", "must be less than a day after from")
		}
	}
	p.Check(d.MaxConsecutive >= 0 && d.MaxConsecutive <= MaxConsecutive, "max_consecutive", "must be 0..%d", MaxConsecutive)
	p.Check(!d.StartsAt.IsZero(), "starts_at", "must be set")
	switch {
	case d.EndsAt.IsZero():
		p.Add("ends_at", "must be set")
	case !d.EndsAt.After(d.StartsAt):
		p.Add("ends_at", "must be after starts_at")
	case d.EndsAt.Sub(d.StartsAt) > MaxSpan:
		p.Add("ends_at", "must be at most 14 days after starts_at")
	case d.multiDay() && clock(d.EndsAt.In(d.StartsAt.Location())) <= clock(d.StartsAt):
		p.Add("ends_at", "for an event over several days, its time of day must be after that of starts_at (each day runs from one to the other)")
	}
	p.Check(d.SlotMinutes >= MinSlotMinutes && d.SlotMinutes <= MaxSlotMinutes, "slot_minutes", "must be %d..%d", MinSlotMinutes, MaxSlotMinutes)
	p.Check(d.Tables >= 1 && d.Tables <= MaxTables, "tables", "must be 1..%d", MaxTables)
	p.Check(d.MaxMeetingsPerParticipant >= 1 && d.MaxMeetingsPerParticipant <= MaxMeetingsCap,
		"max_meetings_per_participant", "must be 1..%d", MaxMeetingsCap)
	if err := p.Err(); err != nil {
		return err
	}
	p.Check(len(d.Slots()) > 0, "slot_minutes", "must fit at least once in the event's daily hours")
	return p.Err()
}

// multiDay reports whether the event covers more than one calendar day at
// the venue (in starts_at's offset).
func (d Details) multiDay() bool {
	e := d.EndsAt.In(d.StartsAt.Location())
	return e.YearDay() != d.StartsAt.YearDay() || e.Year() != d.StartsAt.Year()
}

// clock is the time of day of t, as time since midnight.
func clock(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second +
		time.Duration(t.Nanosecond())
}

// Slots cuts the event into meeting slots of SlotMinutes. An event within one
// calendar day has slots from starts_at to ends_at. An event over several days
// (a fair from Thursday 08:00 to Saturday 17:00) has, every day, slots from
// starts_at's time of day to ends_at's (08:00 to 17:00), not through the
// night. Times are the venue's: the offset of starts_at. A last piece shorter
// than a slot is left out.
func (d Details) Slots() []schedule.Slot {
	if d.SlotMinutes <= 0 || !d.EndsAt.After(d.StartsAt) || d.EndsAt.Sub(d.StartsAt) > MaxSpan {
		return nil
	}
	length := time.Duration(d.SlotMinutes) * time.Minute
	var out []schedule.Slot
	add := func(from, to time.Time) {
		for t := from; !t.Add(length).After(to); t = t.Add(length) {
			out = append(out, schedule.Slot{Index: len(out), Start: t})
		}
	}
	if !d.multiDay() {
		add(d.StartsAt, d.EndsAt)
		return out
	}
	loc := d.StartsAt.Location()
	end := d.EndsAt.In(loc)
	for day := d.StartsAt; ; day = day.AddDate(0, 0, 1) {
		y, m, dd := day.Date()
		if time.Date(y, m, dd, 0, 0, 0, 0, loc).After(end) {
			return out
		}
		sh, sm, ss := d.StartsAt.Clock()
		eh, em, es := end.Clock()
		add(time.Date(y, m, dd, sh, sm, ss, d.StartsAt.Nanosecond(), loc),
			time.Date(y, m, dd, eh, em, es, end.Nanosecond(), loc))
	}
}

// Create starts the event. It fails with ErrConflict on an event that exists.
func (c *Conference) Create(id uuid.UUID, d Details) error {
	if c.id != uuid.Nil || c.Version() > 0 {
		return domain.Errorf(domain.ErrConflict, "event %s already exists", c.id)
	}
	var p domain.Problems
	p.Check(id != uuid.Nil, "id", "must be set")
	p.Merge("", d.Validate())
	if err := p.Err(); err != nil {
		return err
	}
	d.Name, d.Venue = strings.TrimSpace(d.Name), strings.TrimSpace(d.Venue)
	d.Breaks = slices.Clone(d.Breaks)
	c.Record(c.Apply, EventCreated{EventID: id, Details: d})
	return nil
}

// inBreak reports whether a meeting from start lasting length overlaps a
// break: on any day of the event, at the break's time of day at the venue.
func (d Details) inBreak(start time.Time, length time.Duration) bool {
	loc := d.StartsAt.Location()
	start = start.In(loc)
	y, m, dd := start.Date()
	for _, b := range d.Breaks {
		from, to := b.From.In(loc), b.To.In(loc)
		// The break moved to the meeting's day, and to the day before for a
		// break that runs past midnight.
		for _, shift := range []int{0, -1} {
			f := time.Date(y, m, dd+shift, from.Hour(), from.Minute(), from.Second(), from.Nanosecond(), loc)
			t := f.Add(to.Sub(from))
			if start.Before(t) && f.Before(start.Add(length)) {
				return true
			}
		}
	}
	return false
}
