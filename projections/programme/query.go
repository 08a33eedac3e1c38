package programme

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/deal"
)

// StaleAfter is how long a deal still open may go without a change before
// it is on the organiser's list of deals to chase.
const StaleAfter = 30 * 24 * time.Hour

// Amount is money as the API shows it, flattened into the object that has
// it (as the stage command takes it): the value in the currency's main unit,
// the integer of minor units it is stored as, and the currency.
type Amount struct {
	Value    float64 `json:"value"`
	Minor    int64   `json:"value_minor"`
	Currency string  `json:"currency"`
}

func amount(minor *int64, currency *string) *Amount {
	if minor == nil || currency == nil {
		return nil
	}
	m := deal.Money{Minor: *minor, Currency: deal.Currency(*currency)}
	return &Amount{Value: m.Major(), Minor: m.Minor, Currency: *currency}
}

// Deal is a deal as GET /v1/deals answers it. History is filled by GetDeal
// only.
type Deal struct {
	ID           uuid.UUID  `json:"id"`
	SupplierID   uuid.UUID  `json:"supplier_id"`
	SupplierName string     `json:"supplier_name"`
	BuyerID      uuid.UUID  `json:"buyer_id"`
	BuyerName    string     `json:"buyer_name"`
	DemandID     *uuid.UUID `json:"demand_id"`
	Stage        deal.Stage `json:"stage"`
	*Amount
	Contract   *Contract    `json:"contract"`
	MoUs       int          `json:"mous"`
	MeetingIDs []uuid.UUID  `json:"meeting_ids"`
	OpenedAt   time.Time    `json:"opened_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	Stale      bool         `json:"stale"`
	Version    int64        `json:"version"`
	History    []DealChange `json:"history,omitempty"`
}

// Contract is the contract of a deal at the contract stage.
type Contract struct {
	On domain.Date `json:"on"`
	*Amount
}

// DealChange is one entry of a deal's history.
type DealChange struct {
	Version int64  `json:"version"`
	Kind    string `json:"kind"` // opened, stage, meeting, mou
	Stage   string `json:"stage,omitempty"`
	*Amount
	On        *domain.Date `json:"on,omitempty"`
	Note      string       `json:"note,omitempty"`
	EventID   *uuid.UUID   `json:"event_id,omitempty"`
	MeetingID *uuid.UUID   `json:"meeting_id,omitempty"`
	Result    string       `json:"result,omitempty"`
	By        *uuid.UUID   `json:"by,omitempty"`
	At        time.Time    `json:"at"`
}

// DealQuery filters GET /v1/deals. Firm, when set, keeps the deals that
// firm is party to. Stale keeps open deals unchanged for StaleAfter before
// Now.
type DealQuery struct {
	Stage      deal.Stage
	SupplierID uuid.UUID
	BuyerID    uuid.UUID
	Firm       uuid.UUID
	Stale      bool
	Now        time.Time
	Limit      int
	Cursor     string
}

// DealPage is one page of deals.
type DealPage struct {
	Items      []Deal `json:"items"`
	NextCursor string `json:"next_cursor"`
	Total      int    `json:"total"`
}

const dealColumns = `d.id, d.supplier_id, coalesce(s.name, ''), d.buyer_id, coalesce(b.name, ''), d.demand_id, d.stage,
  d.value_minor, d.currency, d.contract_on, d.contract_minor, d.contract_currency,
  (SELECT count(*) FROM deal_history h WHERE h.deal_id = d.id AND h.kind = 'mou'),
  d.meeting_ids, d.opened_at, d.updated_at, d.version
FROM deals d LEFT JOIN directory_suppliers s ON s.id = d.supplier_id LEFT JOIN board_buyers b ON b.id = d.buyer_id`

func scanDeal(row pgx.Row, now time.Time) (Deal, error) {
	var (
		d             Deal
		minor, cMinor *int64
		cur, cCur     *string
		contractOn    *time.Time
		mous          int64
	)
	err := row.Scan(&d.ID, &d.SupplierID, &d.SupplierName, &d.BuyerID, &d.BuyerName, &d.DemandID, &d.Stage,
		&minor, &cur, &contractOn, &cMinor, &cCur, &mous, &d.MeetingIDs, &d.OpenedAt, &d.UpdatedAt, &d.Version)
	if err != nil {
		return d, err
	}
	d.Amount, d.MoUs, d.MeetingIDs = amount(minor, cur), int(mous), nonNil(d.MeetingIDs)
	if contractOn != nil {
		d.Contract = &Contract{On: domain.Date{Time: *contractOn}, Amount: amount(cMinor, cCur)}
	}
	d.Stale = d.Stage != deal.Contract && d.Stage != deal.Lost && d.UpdatedAt.Before(now.Add(-StaleAfter))
	return d, nil
}

// ListDeals answers GET /v1/deals: deals oldest first (ids are time
// ordered), with keyset pagination on the id.
func ListDeals(ctx context.Context, db Querier, q DealQuery) (DealPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	var after uuid.UUID
	if q.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		if err != nil || len(raw) != 16 {
			return DealPage{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: "cursor", Message: "is not a cursor of this list"}}}
		}
		after = uuid.UUID(raw)
	}
	where := `($1 = '' OR d.stage = $1) AND ($2::uuid IS NULL OR d.supplier_id = $2) AND ($3::uuid IS NULL OR d.buyer_id = $3)
  AND ($4::uuid IS NULL OR d.supplier_id = $4 OR d.buyer_id = $4)
  AND (NOT $5 OR (d.stage NOT IN ('contract', 'lost') AND d.updated_at < $6))`
	cutoff := q.Now.Add(-StaleAfter)
	args := []any{string(q.Stage), nullID(q.SupplierID), nullID(q.BuyerID), nullID(q.Firm), q.Stale, cutoff}
	var page DealPage
	if err := db.QueryRow(ctx, `SELECT count(*) FROM deals d WHERE `+where, args...).Scan(&page.Total); err != nil {
		return DealPage{}, fmt.Errorf("programme: count deals: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT `+dealColumns+` WHERE `+where+` AND d.id > $7 ORDER BY d.id LIMIT $8`,
		append(args, after, q.Limit+1)...)
	if err != nil {
		return DealPage{}, fmt.Errorf("programme: list deals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDeal(rows, q.Now)
		if err != nil {
			return DealPage{}, fmt.Errorf("programme: list deals: %w", err)
		}
		page.Items = append(page.Items, d)
	}
	if err := rows.Err(); err != nil {
		return DealPage{}, fmt.Errorf("programme: list deals: %w", err)
	}
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		last := page.Items[q.Limit-1].ID
		page.NextCursor = base64.RawURLEncoding.EncodeToString(last[:])
	}
	page.Items = nonNil(page.Items)
	return page, nil
}

// GetDeal returns one deal with its history. An unknown id, or a deal firm
// (when not uuid.Nil) is not party to, is an error wrapping
// domain.ErrNotFound.
func GetDeal(ctx context.Context, db Querier, id, firm uuid.UUID, now time.Time) (Deal, error) {
	d, err := scanDeal(db.QueryRow(ctx, `SELECT `+dealColumns+` WHERE d.id = $1`, id), now)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && firm != uuid.Nil && firm != d.SupplierID && firm != d.BuyerID) {
		return Deal{}, domain.Errorf(domain.ErrNotFound, "deal %s not found", id)
	}
	if err != nil {
		return Deal{}, fmt.Errorf("programme: get deal: %w", err)
	}
	rows, err := db.Query(ctx, `SELECT version, kind, stage, value_minor, currency, on_date, note, event_id, meeting_id, result, by_firm, at
FROM deal_history WHERE deal_id = $1 ORDER BY version`, id)
	if err != nil {
		return Deal{}, fmt.Errorf("programme: deal history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			c     DealChange
			minor *int64
			cur   *string
			on    *time.Time
		)
		if err := rows.Scan(&c.Version, &c.Kind, &c.Stage, &minor, &cur, &on, &c.Note, &c.EventID, &c.MeetingID,
			&c.Result, &c.By, &c.At); err != nil {
			return Deal{}, fmt.Errorf("programme: deal history: %w", err)
		}
		c.Amount = amount(minor, cur)
		if on != nil {
			c.On = &domain.Date{Time: *on}
		}
		d.History = append(d.History, c)
	}
	return d, rows.Err()
}

// Rates returns the organiser's rate table of year (dong per unit), empty
// when none was set.
func Rates(ctx context.Context, db Querier, year int) (map[string]float64, error) {
	m := map[string]float64{}
	err := db.QueryRow(ctx, `SELECT vnd_per FROM programme_rates WHERE year = $1`, year).Scan(&m)
	if errors.Is(err, pgx.ErrNoRows) {
		return map[string]float64{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("programme: rates: %w", err)
	}
	return m, nil
}
