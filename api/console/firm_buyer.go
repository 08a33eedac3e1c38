package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/matches"
)

// demandPageView is the page of one demand: its ranked, explained matches,
// the form that revises it and the one that closes it.
type demandPageView struct {
	Buyer     board.Buyer
	Demand    board.Demand
	Matches   []matches.DemandMatch
	Form      *form
	CloseForm *form
}

// demandValues fills the edit form from a demand as stored.
func demandValues(l lang, d board.Demand) *form {
	v := map[string]string{
		"title": d.Title, "description": d.Description, "industry_group": string(d.IndustryGroup), "vsic": d.VSIC,
		"hs_codes": strings.Join(d.HSCodes, ", "), "processes": strings.Join(d.Processes, ", "),
		"materials": strings.Join(d.Materials, ", "), "required_certifications": strings.Join(d.RequiredCertifications, ", "),
		"volume.quantity": l.Number(d.Volume.Quantity), "volume.unit": string(d.Volume.Unit),
	}
	if d.MaxLeadTimeDays != nil {
		v["max_lead_time_days"] = strconv.Itoa(*d.MaxLeadTimeDays)
	}
	if d.NeededBy != nil {
		v["needed_by"] = d.NeededBy.Format(time.DateOnly)
	}
	return newForm(v)
}

func (c *Console) demandTarget(req *request) (board.Buyer, board.Demand, error) {
	id, err := firm(req, RoleBuyer)
	if err != nil {
		return board.Buyer{}, board.Demand{}, err
	}
	did, err := uuid.Parse(req.r.PathValue("did"))
	if err != nil {
		return board.Buyer{}, board.Demand{}, errNotFound
	}
	ctx := req.r.Context()
	b, err := catchUp(c, req, []string{"board"}, func() (board.Buyer, error) {
		return board.GetBuyer(ctx, c.cfg.DB, id)
	})
	if err != nil {
		return b, board.Demand{}, err
	}
	for _, d := range b.Demands {
		if d.ID == did {
			return b, d, nil
		}
	}
	return b, board.Demand{}, errNotFound
}

func (c *Console) renderDemand(req *request, status int, b board.Buyer, d board.Demand, f, closing *form) error {
	v := demandPageView{Buyer: b, Demand: d, Form: f, CloseForm: closing}
	if d.Status == "open" {
		list, err := matches.DemandMatches(req.r.Context(), c.cfg.DB, d.ID, matches.DefaultMatchLimit, c.cfg.Clock())
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		v.Matches = list.Matches
	}
	return c.render(req, status, "buyer_demand", d.Title, v)
}

// demandPage: GET /console/buyers/{id}/demands/{did}.
func (c *Console) demandPage(req *request) error {
	c.waitAfter(req, "board", "matches")
	b, d, err := c.demandTarget(req)
	if err != nil {
		return err
	}
	return c.renderDemand(req, http.StatusOK, b, d, demandValues(req.l, d), newForm(nil))
}

// reviseDemand: POST /console/buyers/{id}/demands/{did} replaces the
// demand (PUT /v1/buyers/{id}/demands/{did}).
func (c *Console) reviseDemand(req *request) error {
	b, d, err := c.demandTarget(req)
	if err != nil {
		return err
	}
	in, f := demand(req.l, req.r)
	if !f.Bad() {
		pos, err := c.cfg.Backend.ReviseDemand(req.r.Context(), req.user, b.ID, d.ID, in)
		if err == nil {
			http.Redirect(req.w, req.r, savedURL(Prefix+"buyers/"+b.ID.String()+"/demands/"+d.ID.String(), pos, "demand.revised"), http.StatusSeeOther)
			return nil
		}
		if !f.addDomain(req.l, err) {
			return err
		}
	}
	return c.renderDemand(req, http.StatusBadRequest, b, d, f, newForm(nil))
}

// closeDemand: POST /console/buyers/{id}/demands/{did}/close {reason}.
func (c *Console) closeDemand(req *request) error {
	b, d, err := c.demandTarget(req)
	if err != nil {
		return err
	}
	closing := read(req.r, "reason")
	pos, err := c.cfg.Backend.CloseDemand(req.r.Context(), req.user, b.ID, d.ID, closing.V("reason"))
	if err == nil {
		http.Redirect(req.w, req.r, savedURL(Prefix+"buyers/"+b.ID.String(), pos, "demand.closed"), http.StatusSeeOther)
		return nil
	}
	if !closing.addDomain(req.l, err) {
		return err
	}
	return c.renderDemand(req, http.StatusBadRequest, b, d, demandValues(req.l, d), closing)
}
