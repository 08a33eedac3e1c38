package supplier_test

import (
	"fmt"
	"testing"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
)

func recognise(in supplier.KeyProduct) func(*supplier.Supplier) error {
	return func(s *supplier.Supplier) error { return s.RecogniseKeyProduct(in) }
}

func recognised(k supplier.KeyProduct) supplier.KeyProductRecognised {
	return supplier.KeyProductRecognised{SupplierID: sid, KeyProduct: k}
}

func TestRecogniseKeyProduct(t *testing.T) {
	full := events(registered)
	for y := range supplier.MaxKeyProducts {
		full = append(full, recognised(supplier.KeyProduct{Product: fmt.Sprint("product ", y), RecognizedYear: 2020, DecisionNo: "1/QĐ-UBND"}))
	}
	nextYear := with(keyProduct(), func(k *supplier.KeyProduct) { k.RecognizedYear = 2023 })

	run(t, []scenario{
		{
			name:  "records the decision",
			given: events(registered),
			when:  recognise(supplier.KeyProduct{Product: " Bóng đèn LED ", RecognizedYear: 2022, DecisionNo: " 4303/QĐ-UBND "}),
			then:  events(recognised(keyProduct())),
		},
		{
			name:  "same product another year",
			given: events(registered, recognised(keyProduct())),
			when:  recognise(nextYear),
			then:  events(recognised(nextYear)),
		},
		{
			name:  "bounds of the year",
			given: events(registered),
			when:  recognise(with(keyProduct(), func(k *supplier.KeyProduct) { k.RecognizedYear = 2010 })),
			then:  events(recognised(with(keyProduct(), func(k *supplier.KeyProduct) { k.RecognizedYear = 2010 }))),
		},
		{
			name:  "same product and year twice, whatever the case",
			given: events(registered, recognised(keyProduct())),
			when:  recognise(with(keyProduct(), func(k *supplier.KeyProduct) { k.Product, k.DecisionNo = "BÓNG ĐÈN LED", "9/QĐ-UBND" })),
			kind:  domain.ErrConflict,
		},
		{
			name:  "every bad field",
			given: events(registered),
			when:  recognise(supplier.KeyProduct{Product: "", RecognizedYear: 2009, DecisionNo: "\t"}),
			kind:  domain.ErrInvalid, fields: []string{"product", "recognized_year", "decision_no"},
		},
		{
			name:  "year too late",
			given: events(registered),
			when:  recognise(with(keyProduct(), func(k *supplier.KeyProduct) { k.RecognizedYear = 2101 })),
			kind:  domain.ErrInvalid, fields: []string{"recognized_year"},
		},
		{
			name:  "too many recognitions",
			given: full,
			when:  recognise(keyProduct()),
			kind:  domain.ErrConflict,
		},
		{
			name: "not registered",
			when: recognise(keyProduct()),
			kind: domain.ErrNotFound,
		},
	})
}
