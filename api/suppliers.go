package api

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// suppliers is the repository of supplier firms.
var suppliers = eventstore.NewRepository[*supplier.Supplier](supplier.StreamType)

func supplierStream(id uuid.UUID) eventstore.Stream { return suppliers.Stream(id) }

// registerSupplier: POST /v1/suppliers (organiser). The tax code is reserved
// in the same transaction, so two registrations of one code cannot both win.
func (s *Server) registerSupplier(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	var in supplier.Registration
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	id := uuid.Must(uuid.NewV7())
	sup, err := supplier.Register(id, in)
	if err != nil {
		return err
	}
	return s.command(c, http.StatusCreated, raw, func(ctx context.Context, tx *eventstore.Tx) (any, error) {
		if err := tx.Claim(ctx, claimTaxCode, sup.TaxCode(), supplierStream(id)); err != nil {
			return nil, claimed(err, "tax_code", "a supplier with this tax code is registered")
		}
		res, err := suppliers.Create(ctx, tx, id, sup)
		return created(id, res), err
	})
}

// changeSupplier runs decide on supplier {id} for a caller allowed to act
// for it, answering with answerID (the supplier's id when uuid.Nil).
func (s *Server) changeSupplier(c echo.Context, status int, raw []byte, answerID uuid.UUID, decide func(*supplier.Supplier) error) error {
	return changePath(s, c, status, raw, answerID, suppliers, requireActFor,
		func(_ context.Context, _ *eventstore.Tx, sup *supplier.Supplier) error { return decide(sup) })
}

// reviseSupplier: PUT /v1/suppliers/{id} replaces the profile.
func (s *Server) reviseSupplier(c echo.Context) error {
	var in supplier.Registration
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	return s.changeSupplier(c, http.StatusOK, raw, uuid.Nil, func(sup *supplier.Supplier) error { return sup.ReviseProfile(in) })
}

// declareCapability: POST /v1/suppliers/{id}/capabilities.
func (s *Server) declareCapability(c echo.Context) error {
	var in supplier.Capability
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	cid := uuid.Must(uuid.NewV7())
	return s.changeSupplier(c, http.StatusCreated, raw, cid,
		func(sup *supplier.Supplier) error { return sup.DeclareCapability(cid, in) })
}

// reviseCapability: PUT /v1/suppliers/{id}/capabilities/{cid}.
func (s *Server) reviseCapability(c echo.Context) error {
	cid, err := pathID(c, "cid")
	if err != nil {
		return err
	}
	var in supplier.Capability
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	return s.changeSupplier(c, http.StatusOK, raw, cid,
		func(sup *supplier.Supplier) error { return sup.ReviseCapability(cid, in) })
}

// withdrawCapability: DELETE /v1/suppliers/{id}/capabilities/{cid}.
func (s *Server) withdrawCapability(c echo.Context) error {
	cid, err := pathID(c, "cid")
	if err != nil {
		return err
	}
	raw, err := bindEmpty(c)
	if err != nil {
		return err
	}
	return s.changeSupplier(c, http.StatusOK, raw, cid,
		func(sup *supplier.Supplier) error { return sup.WithdrawCapability(cid) })
}

// recogniseKeyProduct: POST /v1/suppliers/{id}/key-products (organiser).
func (s *Server) recogniseKeyProduct(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	var in supplier.KeyProduct
	raw, err := bind(c, &in)
	if err != nil {
		return err
	}
	return s.changeSupplier(c, http.StatusCreated, raw, uuid.Nil,
		func(sup *supplier.Supplier) error { return sup.RecogniseKeyProduct(in) })
}
