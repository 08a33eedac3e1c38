// Package conferences is the read model of conferences and trade fairs:
// events, registrations, requests, schedules and outcomes, with their
// queries and the event report.
package conferences

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/reset"
)

// Conferences is the read model of conferences and trade fairs: events,
// registrations, meeting requests, proposed and published meetings with their
// feedback and outcomes, in conference_* tables. It also keeps its own copy
// of firm names and of the industry group of every capability and demand, so
// that agendas and reports depend on no other read model. It holds no state;
// the eventstore never applies two events of one projection concurrently.
type Conferences struct{}

var _ eventstore.Projection = (*Conferences)(nil)

// Name is the projection's checkpoint name.
func (*Conferences) Name() string { return "conferences" }

// conferenceTables are the projection's tables, dependants first.
var conferenceTables = []string{"conference_schedules", "conference_unscheduled", "conference_meetings",
	"conference_requests", "conference_registrations", "conference_events", "conference_offers",
	"conference_organisations"}

// Reset empties the read model, deleting rather than truncating for the
// reason given at reset.Tables.
func (*Conferences) Reset(ctx context.Context, tx pgx.Tx) error {
	return reset.Tables(ctx, tx, conferenceTables...)
}

// Apply projects one event; events of other aggregates than conferences,
// suppliers and buyers are ignored. It writes only through tx and depends on
// nothing but the record, so a rebuild gives the same tables as the live
// projection.
func (p *Conferences) Apply(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	if r.Stream.Type == conference.StreamType {
		err = p.applyConference(ctx, tx, r)
	} else {
		err = p.applyFirm(ctx, tx, r.Version, r.Event)
	}
	if err != nil {
		return fmt.Errorf("conferences: %s: %w", r.Type, err)
	}
	return nil
}

// applyFirm keeps the copy of names and industry groups.
func (*Conferences) applyFirm(ctx context.Context, tx pgx.Tx, version int64, ev domain.Event) error {
	const (
		org = `INSERT INTO conference_organisations (id, role, name) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET name = excluded.name`
		offer = `INSERT INTO conference_offers (id, organisation_id, industry_group, declared_version, title) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET industry_group = excluded.industry_group, title = excluded.title`
		inactive = `UPDATE conference_offers SET active = false WHERE id = $1`
	)
	var err error
	switch e := ev.(type) {
	case supplier.Registered:
		_, err = tx.Exec(ctx, org, e.SupplierID, string(conference.Supplier), e.Name)
	case supplier.ProfileRevised:
		_, err = tx.Exec(ctx, org, e.SupplierID, string(conference.Supplier), e.Name)
	case supplier.CapabilityDeclared:
		_, err = tx.Exec(ctx, offer, e.CapabilityID, e.SupplierID, string(e.IndustryGroup), version, e.Title)
	case supplier.CapabilityRevised:
		_, err = tx.Exec(ctx, offer, e.CapabilityID, e.SupplierID, string(e.IndustryGroup), version, e.Title)
	case supplier.CapabilityWithdrawn:
		_, err = tx.Exec(ctx, inactive, e.CapabilityID)
	case buyer.Registered:
		_, err = tx.Exec(ctx, org, e.BuyerID, string(conference.Buyer), e.Name)
	case buyer.DemandPosted:
		_, err = tx.Exec(ctx, offer, e.DemandID, e.BuyerID, string(e.IndustryGroup), version, e.Title)
	case buyer.DemandRevised:
		_, err = tx.Exec(ctx, offer, e.DemandID, e.BuyerID, string(e.IndustryGroup), version, e.Title)
	case buyer.DemandClosed:
		_, err = tx.Exec(ctx, inactive, e.DemandID)
	}
	return err
}

// applyConference projects one event of a conference stream and records the
// stream's version on the event's row.
func (p *Conferences) applyConference(ctx context.Context, tx pgx.Tx, r eventstore.Record) error {
	var err error
	switch e := r.Event.(type) {
	case conference.EventCreated:
		err = p.onCreated(ctx, tx, r.Version, e)
	case conference.FirmRegistered:
		err = exec(ctx, tx, `INSERT INTO conference_registrations
  (event_id, organisation_id, role, booth, unavailable, sme, interpreter_language, max_meetings, registered_version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.EventID, e.OrganisationID, string(e.Role), e.Booth,
			nonNil(e.Unavailable), e.SME, string(e.InterpreterLanguage), e.MaxMeetings, r.Version)
	case conference.RegistrationRevised:
		err = exec(ctx, tx, `UPDATE conference_registrations SET booth = $3, unavailable = $4, sme = $5,
  interpreter_language = $6, max_meetings = $7 WHERE event_id = $1 AND organisation_id = $2`, e.EventID, e.OrganisationID,
			e.Booth, nonNil(e.Unavailable), e.SME, string(e.InterpreterLanguage), e.MaxMeetings)
	case conference.RegistrationCancelled:
		err = p.onCancelled(ctx, tx, e)
	case conference.InterpreterDeclared:
		err = exec(ctx, tx, `UPDATE conference_events SET interpreters = interpreters || jsonb_build_object($2::text, $3::int)
WHERE id = $1`, e.EventID, string(e.Language), e.Count)
	case conference.MeetingRequested:
		err = exec(ctx, tx, `INSERT INTO conference_requests
  (id, event_id, supplier_id, buyer_id, requested_by, demand_id, status, requested_version)
VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)`, e.RequestID, e.EventID, e.SupplierID, e.BuyerID, e.RequestedBy,
			nullID(e.DemandID), r.Version)
	case conference.MeetingRequestAccepted:
		err = exec(ctx, tx, `UPDATE conference_requests SET status = 'accepted' WHERE id = $1`, e.RequestID)
	case conference.MeetingRequestDeclined:
		err = exec(ctx, tx, `UPDATE conference_requests SET status = 'declined', reason = $2 WHERE id = $1`, e.RequestID, e.Reason)
	case conference.ScheduleProposed:
		err = p.onProposed(ctx, tx, r.Version, e)
	case conference.SchedulePublished:
		err = p.onPublished(ctx, tx, r, e)
	case conference.MeetingLocked:
		err = exec(ctx, tx, `UPDATE conference_meetings SET locked = true WHERE id = $1`, e.Meeting.ID)
	case conference.MeetingUnlocked:
		err = exec(ctx, tx, `UPDATE conference_meetings SET locked = false WHERE id = $1`, e.MeetingID)
	case conference.MeetingMoved:
		err = exec(ctx, tx, `UPDATE conference_meetings SET slot = $2, starts_at = $3, ends_at = $4, table_no = $5, booth = $6,
  locked = locked OR state = 'proposed'
WHERE id = $1`, e.MeetingID, e.Slot, e.StartsAt, e.EndsAt, e.Table, e.Booth)
	case conference.MeetingCancelled:
		err = p.onMeetingCancelled(ctx, tx, e)
	case conference.MeetingFeedbackGiven:
		err = p.onFeedback(ctx, tx, e)
	case conference.MeetingOutcomeRecorded:
		err = exec(ctx, tx, `UPDATE conference_meetings SET outcome_status = $2, outcome_result = $3, value_usd = $4
WHERE id = $1`, e.MeetingID, string(e.Status), string(e.Result), e.ValueUSD)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	return exec(ctx, tx, `UPDATE conference_events SET version = $2 WHERE id = $1`, r.Stream.ID, r.Version)
}

func exec(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	_, err := tx.Exec(ctx, sql, args...)
	return err
}

// nullID stores uuid.Nil (no demand) as NULL.
func nullID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func (*Conferences) onCreated(ctx context.Context, tx pgx.Tx, version int64, e conference.EventCreated) error {
	details, err := json.Marshal(e.Details)
	if err != nil {
		return err
	}
	return exec(ctx, tx, `INSERT INTO conference_events (id, details, starts_at, version) VALUES ($1, $2, $3, $4)`,
		e.EventID, details, e.StartsAt, version)
}

// onCancelled removes the registration; its published meetings that had not
// started become withdrawn (agendas show them cancelled), draft ones go.
func (*Conferences) onCancelled(ctx context.Context, tx pgx.Tx, e conference.RegistrationCancelled) error {
	return exec(ctx, tx, `WITH gone AS (
  DELETE FROM conference_registrations WHERE event_id = $1 AND organisation_id = $2),
drafts AS (
  DELETE FROM conference_meetings WHERE id = ANY($3::uuid[]) AND state = 'proposed')
UPDATE conference_meetings SET state = 'withdrawn', in_proposal = false
WHERE id = ANY($3::uuid[]) AND state = 'published'`, e.EventID, e.OrganisationID, e.WithdrawnMeetings)
}

// meetingRows reads a JSON array of conference.Meeting as rows; the JSON is
// the domain's own encoding, so absent optional fields become NULL.
const meetingRows = `jsonb_to_recordset($2::jsonb) AS m(id uuid, slot int, starts_at timestamptz, ends_at timestamptz,
  "table" int, booth text, supplier_id uuid, buyer_id uuid, demand_id uuid, score int, locked boolean)`

// onProposed replaces the draft: meetings only in the old draft go, the new
// draft's meetings are inserted (published ones among them are only marked),
// and the left-out pairs are replaced.
func (*Conferences) onProposed(ctx context.Context, tx pgx.Tx, version int64, e conference.ScheduleProposed) error {
	meetings, err := json.Marshal(nonNil(e.Meetings))
	if err != nil {
		return err
	}
	unscheduled, err := json.Marshal(nonNil(e.Unscheduled))
	if err != nil {
		return err
	}
	if err := exec(ctx, tx, `WITH drafts AS (
  DELETE FROM conference_meetings WHERE event_id = $1 AND state = 'proposed')
UPDATE conference_meetings SET in_proposal = false WHERE event_id = $1 AND in_proposal AND state <> 'proposed'`,
		e.EventID); err != nil {
		return err
	}
	if err := exec(ctx, tx, `INSERT INTO conference_meetings
  (id, event_id, state, in_proposal, locked, slot, starts_at, ends_at, table_no, booth, supplier_id, buyer_id, demand_id, score)
SELECT m.id, $1, 'proposed', true, coalesce(m.locked, false), m.slot, m.starts_at, m.ends_at, coalesce(m."table", 0),
  coalesce(m.booth, ''), m.supplier_id, m.buyer_id, m.demand_id, m.score
FROM `+meetingRows+`
ON CONFLICT (id) DO UPDATE SET in_proposal = true, locked = excluded.locked`, e.EventID, meetings); err != nil {
		return err
	}
	// The old left-out pairs go in a statement of their own: sub-statements
	// of one WITH run on one snapshot in no defined order, so a DELETE and an
	// INSERT of the same keys there collide.
	if err := exec(ctx, tx, `DELETE FROM conference_unscheduled WHERE event_id = $1`, e.EventID); err != nil {
		return err
	}
	return exec(ctx, tx, `WITH added AS (
  INSERT INTO conference_unscheduled (event_id, ord, supplier_id, buyer_id, demand_id, score, requested, reason)
  SELECT $1, u.ord, u.supplier_id, u.buyer_id, u.demand_id, u.score, coalesce(u.requested, false), u.reason
  FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (supplier_id uuid, buyer_id uuid, demand_id uuid, score int,
    requested boolean, reason text)) WITH ORDINALITY AS u(supplier_id, buyer_id, demand_id, score, requested, reason, ord))
INSERT INTO conference_schedules (event_id, version, kind, at, meetings, unscheduled, floor, objective, bound, score_bound)
VALUES ($1, $3, 'proposed', $4, $5, $6, $7, $8, $9, $10)`, e.EventID, unscheduled, version, e.ProposedAt,
		len(e.Meetings), len(e.Unscheduled)+e.LeftOut, e.Floor, e.Objective, e.Bound, e.ScoreBound)
}

// onPublished makes the draft's meetings (a version 1 event: the listed
// ones) the published schedule and drops the draft, as the aggregate does.
func (*Conferences) onPublished(ctx context.Context, tx pgx.Tx, r eventstore.Record, e conference.SchedulePublished) error {
	if e.Meetings == nil {
		// Every row of the draft is in_proposal (proposed rows are never
		// anything else), so one UPDATE publishes the whole draft.
		return exec(ctx, tx, `WITH published AS (
  UPDATE conference_meetings SET state = 'published', in_proposal = false WHERE event_id = $1 AND in_proposal RETURNING 1),
cleared AS (DELETE FROM conference_unscheduled WHERE event_id = $1)
INSERT INTO conference_schedules (event_id, version, kind, at, meetings)
SELECT $1, $2, 'published', $3, count(*) FROM published`, e.EventID, r.Version, r.RecordedAt)
	}
	meetings, err := json.Marshal(e.Meetings)
	if err != nil {
		return err
	}
	if err := exec(ctx, tx, `INSERT INTO conference_meetings
  (id, event_id, state, in_proposal, locked, slot, starts_at, ends_at, table_no, booth, supplier_id, buyer_id, demand_id, score)
SELECT m.id, $1, 'published', false, coalesce(m.locked, false), m.slot, m.starts_at, m.ends_at, coalesce(m."table", 0),
  coalesce(m.booth, ''), m.supplier_id, m.buyer_id, m.demand_id, m.score
FROM `+meetingRows+`
ON CONFLICT (id) DO UPDATE SET state = 'published', in_proposal = false, locked = excluded.locked`, e.EventID, meetings); err != nil {
		return err
	}
	return exec(ctx, tx, `WITH drafts AS (
  DELETE FROM conference_meetings WHERE event_id = $1 AND state = 'proposed'),
unmarked AS (
  UPDATE conference_meetings SET in_proposal = false WHERE event_id = $1 AND in_proposal AND state <> 'proposed'),
cleared AS (DELETE FROM conference_unscheduled WHERE event_id = $1)
INSERT INTO conference_schedules (event_id, version, kind, at, meetings) VALUES ($1, $2, 'published', $3, $4)`,
		e.EventID, r.Version, r.RecordedAt, len(e.Meetings))
}

func (*Conferences) onFeedback(ctx context.Context, tx pgx.Tx, e conference.MeetingFeedbackGiven) error {
	if e.Side == conference.Buyer {
		return exec(ctx, tx, `UPDATE conference_meetings SET buyer_took_place = $2, buyer_rating = $3 WHERE id = $1`,
			e.MeetingID, e.TookPlace, string(e.Rating))
	}
	return exec(ctx, tx, `UPDATE conference_meetings SET supplier_took_place = $2, supplier_rating = $3 WHERE id = $1`,
		e.MeetingID, e.TookPlace, string(e.Rating))
}

// onMeetingCancelled withdraws a published meeting (agendas show it
// cancelled) and drops a proposed one.
func (*Conferences) onMeetingCancelled(ctx context.Context, tx pgx.Tx, e conference.MeetingCancelled) error {
	if err := exec(ctx, tx, `DELETE FROM conference_meetings WHERE id = $1 AND state = 'proposed'`, e.MeetingID); err != nil {
		return err
	}
	return exec(ctx, tx, `UPDATE conference_meetings SET state = 'withdrawn', in_proposal = false
WHERE id = $1 AND state = 'published'`, e.MeetingID)
}

// Querier runs read queries. *pgxpool.Pool, *pgx.Conn and pgx.Tx satisfy it.
// Each query function issues one statement unless it says otherwise, so what
// it returns is one consistent snapshot even on a pool.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// nonNil turns a nil slice into an empty one, so that it encodes as [].
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
