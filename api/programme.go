package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/eventstore"
	"github.com/keylink/keylink/projections/programme"
)

// Repositories of the programme's aggregates.
var (
	supportRecords = eventstore.NewRepository[*support.Support](support.StreamType)
	rateTables     = eventstore.NewRepository[*rates.Table](rates.StreamType)
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
		sup, err := suppliers.Read(ctx, tx, sid)
		if err != nil {
			return nil, err
		}
		if sup.ID() == uuid.Nil {
			return nil, domain.Errorf(domain.ErrNotFound, "supplier %s not found", sid)
		}
		res, err := supportRecords.Create(ctx, tx, id, rec)
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
	return s.command(c, http.StatusOK, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		res, err := rateTables.Upsert(ctx, tx, id, expected, func(t *rates.Table) error { return t.Replace(year, in) })
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
