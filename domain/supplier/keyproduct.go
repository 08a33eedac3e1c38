package supplier

import (
	"strings"

	"github.com/keylink/keylink/domain"
)

// Years in which the city may have recognised a key product.
const (
	MinRecognizedYear = 2010
	MaxRecognizedYear = 2100
)

// KeyProduct is the city's recognition of one product as a key industrial
// product (sản phẩm công nghiệp chủ lực) for one year, by a People's Committee
// decision such as "4303/QĐ-UBND". It is both the contract's body and, trimmed,
// the event's data.
type KeyProduct struct {
	Product        string `json:"product"`
	RecognizedYear int    `json:"recognized_year"`
	DecisionNo     string `json:"decision_no"`
}

// RecogniseKeyProduct records a recognition. Recognition is per product and
// per year, so the same product (compared ignoring case) in the same year
// twice is a conflict.
func (s *Supplier) RecogniseKeyProduct(in KeyProduct) error {
	if err := s.registered(); err != nil {
		return err
	}
	k, err := in.clean()
	if err != nil {
		return err
	}
	for _, x := range s.keyProducts {
		if x.RecognizedYear == k.RecognizedYear && strings.EqualFold(x.Product, k.Product) {
			return domain.Errorf(domain.ErrConflict, "%q already recognised in %d", k.Product, k.RecognizedYear)
		}
	}
	if len(s.keyProducts) >= MaxKeyProducts {
		return domain.Errorf(domain.ErrConflict, "a supplier may have at most %d key-product recognitions", MaxKeyProducts)
	}
	s.Record(s.Apply, KeyProductRecognised{SupplierID: s.id, KeyProduct: k})
	return nil
}

func (in KeyProduct) clean() (KeyProduct, error) {
	var p domain.Problems
	k := KeyProduct{RecognizedYear: in.RecognizedYear}
	k.Product = p.Line("product", in.Product, true)
	p.Check(in.RecognizedYear >= MinRecognizedYear && in.RecognizedYear <= MaxRecognizedYear,
		"recognized_year", "must be between %d and %d", MinRecognizedYear, MaxRecognizedYear)
	k.DecisionNo = p.Line("decision_no", in.DecisionNo, true)
	return k, p.Err()
}
