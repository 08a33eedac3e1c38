package conference

import (
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// Rating is a firm's view of a meeting.
type Rating string

// Ratings.
const (
	RatingNone                Rating = "none"
	RatingNoInterest          Rating = "no_interest"
	RatingInformative         Rating = "informative"
	RatingCooperationPossible Rating = "cooperation_possible"
)

func (r Rating) valid() bool {
	return r == RatingNone || r == RatingNoInterest || r == RatingInformative || r == RatingCooperationPossible
}

// Feedback is one side's word on a meeting.
type Feedback struct {
	// OrganisationID is the firm giving it; a firm acting for itself may
	// leave it empty.
	OrganisationID uuid.UUID
	TookPlace      bool
	// Rating must be none when the meeting did not take place.
	Rating Rating
}

// Status says whether a meeting was held.
type Status string

// Statuses.
const (
	Held   Status = "held"
	NoShow Status = "no_show"
)

// Attendance is what became of a published meeting, for reports.
type Attendance string

// Attendances.
const (
	AttendanceHeld       Attendance = "held"
	AttendanceNoShow     Attendance = "no_show"
	AttendanceUnreported Attendance = "unreported"
)

// AttendanceOf is the one rule every report counts meetings by: a meeting
// is a no-show when the organiser recorded it so or either side said it did
// not take place; held when the organiser recorded it held or a side said
// it took place; else unreported. outcome is nil when none was recorded,
// and tookPlace holds each side's word (nil when that side said nothing).
func AttendanceOf(outcome *Status, tookPlace ...*bool) Attendance {
	if outcome != nil && *outcome == NoShow {
		return AttendanceNoShow
	}
	held := outcome != nil && *outcome == Held
	for _, t := range tookPlace {
		if t != nil && !*t {
			return AttendanceNoShow
		}
		held = held || t != nil && *t
	}
	if held {
		return AttendanceHeld
	}
	return AttendanceUnreported
}

// Result is what a meeting led to.
type Result string

// Results, from least to most.
const (
	ResultNone     Result = "none"
	ResultFollowUp Result = "follow_up"
	ResultMoU      Result = "mou"
	ResultContract Result = "contract"
)

// MaxValueUSD bounds a recorded deal value.
const MaxValueUSD = 1e12

// Outcome is the organiser's record of a meeting.
type Outcome struct {
	Status Status `json:"status"`
	Result Result `json:"result"`
	// ValueUSD is the value of an MoU or contract, when known.
	ValueUSD *float64 `json:"value_usd,omitempty"`
}

// Validate reports every bad field at once.
func (o Outcome) Validate() error {
	var p domain.Problems
	p.Check(o.Status == Held || o.Status == NoShow, "status", "must be held or no_show")
	switch o.Result {
	case ResultNone, ResultFollowUp, ResultMoU, ResultContract:
		p.Check(o.Status != NoShow || o.Result == ResultNone, "result", "must be none for a no-show")
	default:
		p.Add("result", "must be none, follow_up, mou or contract")
	}
	if v := o.ValueUSD; v != nil {
		p.Check(o.Result == ResultMoU || o.Result == ResultContract, "value_usd", "only for an mou or a contract")
		p.Check(!math.IsNaN(*v) && *v >= 0 && *v <= MaxValueUSD, "value_usd", "must be 0..%g", float64(MaxValueUSD))
	}
	return p.Err()
}

// ended finds a published meeting that is over at now.
func (c *Conference) ended(meetingID uuid.UUID, now time.Time) (Meeting, error) {
	if err := c.created(); err != nil {
		return Meeting{}, err
	}
	m, ok := c.Meeting(meetingID)
	if !ok {
		return Meeting{}, domain.Errorf(domain.ErrNotFound, "meeting %s is not published", meetingID)
	}
	if now.Before(m.EndsAt) {
		return Meeting{}, domain.Errorf(domain.ErrConflict, "meeting %s ends at %s", meetingID, m.EndsAt.Format(time.RFC3339))
	}
	return m, nil
}

// GiveFeedback records one side's feedback after a published meeting ended:
// whether it took place and how useful it was. The firm gives its own, the
// organiser may give it for either side. Giving it again replaces it. If
// either side says the meeting did not take place, it counts as a no-show.
func (c *Conference) GiveFeedback(by Actor, meetingID uuid.UUID, f Feedback, now time.Time) error {
	if f.OrganisationID == uuid.Nil && !by.Organiser {
		f.OrganisationID = by.OrganisationID
	}
	m, err := c.ended(meetingID, now)
	if err != nil {
		return err
	}
	if err := by.mayActFor(f.OrganisationID); err != nil {
		return err
	}
	var p domain.Problems
	side := Supplier
	switch f.OrganisationID {
	case m.SupplierID:
	case m.BuyerID:
		side = Buyer
	default:
		p.Add("organisation_id", "must be the meeting's supplier or buyer")
	}
	switch {
	case !f.Rating.valid():
		p.Add("rating", "must be none, no_interest, informative or cooperation_possible")
	case !f.TookPlace && f.Rating != RatingNone:
		p.Add("rating", "must be none when the meeting did not take place")
	}
	if err := p.Err(); err != nil {
		return err
	}
	c.Record(c.Apply, MeetingFeedbackGiven{EventID: c.id, MeetingID: m.ID, OrganisationID: f.OrganisationID,
		Side: side, TookPlace: f.TookPlace, Rating: f.Rating})
	return nil
}

// RecordOutcome records, for the organiser, what a published meeting led to
// once it ended. Recording again replaces it. A meeting either side reported
// as not taken place cannot be recorded as held (ErrConflict): that side's
// feedback must be corrected first.
func (c *Conference) RecordOutcome(meetingID uuid.UUID, o Outcome, now time.Time) error {
	m, err := c.ended(meetingID, now)
	if err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Status == Held {
		for _, side := range []Role{Supplier, Buyer} {
			if f, ok := c.feedback[meetingID][side]; ok && !f.TookPlace {
				return domain.Errorf(domain.ErrConflict, "the %s reported that meeting %s did not take place", side, meetingID)
			}
		}
	}
	if o.ValueUSD != nil {
		v := *o.ValueUSD
		o.ValueUSD = &v
	}
	c.Record(c.Apply, MeetingOutcomeRecorded{EventID: c.id, MeetingID: m.ID, SupplierID: m.SupplierID, BuyerID: m.BuyerID, Outcome: o})
	return nil
}
