package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/programme"
)

// programmeReads are the read models the programme report joins.
var programmeReads = []string{"programme", "directory", "board", "conferences"}

// recordSupport: POST /v1/suppliers/{id}/support (organiser) records the
// city's support to a supplier; the answer's id is the support record's.
func (s *Server) recordSupport(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	sid, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in support.Grant
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	id := uuid.Must(uuid.NewV7())
	rec, err := support.Record(id, sid, in, s.now())
	if err != nil {
		return err
	}
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		sup := &supplier.Supplier{}
		if err := load(ctx, tx, supplierStream(sid), sup); err != nil {
			return nil, err
		}
		if sup.ID() == uuid.Nil {
			return nil, domain.Errorf(domain.ErrNotFound, "supplier %s not found", sid)
		}
		res, err := create(ctx, tx, eventstore.StreamOf(support.StreamType, id), rec)
		return created(id, res), err
	})
}

// pathYear parses the {year} path parameter; anything but a plausible year
// names nothing, so it is a 404.
func pathYear(c echo.Context) (int, error) {
	y, err := strconv.Atoi(c.Param("year"))
	if err != nil || y < rates.MinYear || y > rates.MaxYear {
		return 0, domain.Errorf(domain.ErrNotFound, "no rate table for year %q", c.Param("year"))
	}
	return y, nil
}

// setRates: PUT /v1/programme/rates/{year} (organiser) replaces the year's
// table of dong per unit of each foreign currency: {"USD": 25400, ...}.
func (s *Server) setRates(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	var in map[string]float64
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	if err := rates.Validate(year, in); err != nil {
		return err
	}
	expected, err := ifMatch(c)
	if err != nil {
		return err
	}
	id := rates.StreamID(year)
	stream := eventstore.StreamOf(rates.StreamType, id)
	return s.command(c, http.StatusOK, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		recs, err := tx.LockAndRead(ctx, stream)
		if err != nil {
			return nil, err
		}
		t := &rates.Table{}
		for _, r := range recs {
			if r.Event != nil {
				t.Apply(r.Event)
			}
		}
		if len(recs) > 0 {
			t.Loaded(recs[len(recs)-1].Version)
		}
		if expected != nil && *expected != t.Version() {
			return nil, errPreconditionFailed
		}
		if err := t.Replace(year, in); err != nil {
			return nil, err
		}
		if len(t.Changes()) == 0 {
			last := recs[len(recs)-1]
			return answer{ID: id, Version: last.Version, Position: last.Position.Global}, nil
		}
		res, err := tx.Append(ctx, stream, eventstore.ExpectedVersion(t.Version()), t.Changes()...)
		return created(id, res), err
	})
}

// ratesAnswer is the answer of GET /v1/programme/rates/{year}.
type ratesAnswer struct {
	Year   int                `json:"year"`
	VNDPer map[string]float64 `json:"vnd_per"`
}

// getRates: GET /v1/programme/rates/{year} (organiser).
func (s *Server) getRates(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	year, err := pathYear(c)
	if err != nil {
		return err
	}
	m, err := programme.Rates(c.Request().Context(), s.pool, year)
	if err != nil {
		return unavailable(err)
	}
	return c.JSON(http.StatusOK, ratesAnswer{Year: year, VNDPer: m})
}
