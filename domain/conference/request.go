package conference

import (
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// RequestStatus is where a meeting request stands.
type RequestStatus string

// Request statuses.
const (
	Pending  RequestStatus = "pending"
	Accepted RequestStatus = "accepted"
	Declined RequestStatus = "declined"
)

// MaxReasonLength bounds a decline's reason.
const MaxReasonLength = 500

// MeetingRequest is one firm asking to meet another. Accepted requests are
// scheduled before any pair from the match lists.
type MeetingRequest struct {
	ID          uuid.UUID
	SupplierID  uuid.UUID
	BuyerID     uuid.UUID
	RequestedBy uuid.UUID
	DemandID    uuid.UUID // uuid.Nil when not about one demand
	Status      RequestStatus
	Reason      string
}

// Counterpart is the firm that must answer.
func (r MeetingRequest) Counterpart() uuid.UUID {
	if r.RequestedBy == r.SupplierID {
		return r.BuyerID
	}
	return r.SupplierID
}

// RequestMeeting asks, for firm from, to meet firm to (a supplier and a
// buyer, both registered), optionally about one of the buyer's demands. The
// organiser may ask for any firm. A pair has at most one open (pending or
// accepted) request, and none once it has a published meeting: ErrConflict.
func (c *Conference) RequestMeeting(by Actor, requestID, from, to, demandID uuid.UUID, now time.Time) error {
	if err := c.created(); err != nil {
		return err
	}
	if err := by.mayActFor(from); err != nil {
		return err
	}
	var p domain.Problems
	p.Check(requestID != uuid.Nil, "request_id", "must be set")
	rf, okF := c.firms[from]
	rt, okT := c.firms[to]
	p.Check(okF, "from", "must be a firm registered for the event")
	p.Check(okT, "to", "must be a firm registered for the event")
	p.Check(!okF || !okT || rf.Role != rt.Role, "to", "must be on the other side: suppliers meet buyers")
	if err := p.Err(); err != nil {
		return err
	}
	if err := c.notOver(now); err != nil {
		return err
	}
	if _, dup := c.requests[requestID]; dup {
		return domain.Errorf(domain.ErrConflict, "request %s exists", requestID)
	}
	e := MeetingRequested{EventID: c.id, RequestID: requestID, SupplierID: from, BuyerID: to, RequestedBy: from, DemandID: demandID}
	if rf.Role == Buyer {
		e.SupplierID, e.BuyerID = to, from
	}
	for _, r := range c.requests {
		if r.SupplierID == e.SupplierID && r.BuyerID == e.BuyerID && r.Status != Declined {
			return domain.Errorf(domain.ErrConflict, "these firms already have an open request (%s)", r.ID)
		}
	}
	for _, m := range c.published {
		if m.SupplierID == e.SupplierID && m.BuyerID == e.BuyerID {
			return domain.Errorf(domain.ErrConflict, "these firms already meet (meeting %s)", m.ID)
		}
	}
	c.Record(c.Apply, e)
	return nil
}

// answerable finds a pending request the actor may answer: the organiser or
// the counterpart, both firms still registered.
func (c *Conference) answerable(by Actor, requestID uuid.UUID) (*MeetingRequest, error) {
	if err := c.created(); err != nil {
		return nil, err
	}
	r, ok := c.requests[requestID]
	if !ok {
		return nil, domain.Errorf(domain.ErrNotFound, "request %s not found", requestID)
	}
	if err := by.mayActFor(r.Counterpart()); err != nil {
		return nil, err
	}
	if r.Status != Pending {
		return nil, domain.Errorf(domain.ErrConflict, "request %s is already %s", requestID, r.Status)
	}
	_, okS := c.firms[r.SupplierID]
	_, okB := c.firms[r.BuyerID]
	if !okS || !okB {
		return nil, domain.Errorf(domain.ErrConflict, "a firm of request %s is no longer registered", requestID)
	}
	return r, nil
}

// AcceptMeetingRequest: the counterpart (or the organiser for it) agrees to
// meet. The next proposal schedules the pair before any other when it can.
func (c *Conference) AcceptMeetingRequest(by Actor, requestID uuid.UUID) error {
	r, err := c.answerable(by, requestID)
	if err != nil {
		return err
	}
	c.Record(c.Apply, MeetingRequestAccepted{EventID: c.id, RequestID: r.ID, SupplierID: r.SupplierID,
		BuyerID: r.BuyerID, AcceptedBy: r.Counterpart()})
	return nil
}

// DeclineMeetingRequest: the counterpart (or the organiser for it) says no,
// optionally with a reason.
func (c *Conference) DeclineMeetingRequest(by Actor, requestID uuid.UUID, reason string) error {
	r, err := c.answerable(by, requestID)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(reason) > MaxReasonLength {
		var p domain.Problems
		p.Add("reason", "must be at most %d characters", MaxReasonLength)
		return p.Err()
	}
	c.Record(c.Apply, MeetingRequestDeclined{EventID: c.id, RequestID: r.ID, SupplierID: r.SupplierID,
		BuyerID: r.BuyerID, DeclinedBy: r.Counterpart(), Reason: reason})
	return nil
}
