package deal

import (
	"math"
	"strings"

	"github.com/keylink/keylink/domain"
)

// Currency is an ISO 4217 code of a currency a deal may be valued in.
type Currency string

// The currencies the contract accepts.
const (
	VND Currency = "VND"
	USD Currency = "USD"
	JPY Currency = "JPY"
	KRW Currency = "KRW"
	CNY Currency = "CNY"
	EUR Currency = "EUR"
)

// Currencies lists every accepted currency, the programme's own first.
var Currencies = []Currency{VND, USD, JPY, KRW, CNY, EUR}

// Valid reports whether c is accepted.
func (c Currency) Valid() bool {
	for _, x := range Currencies {
		if c == x {
			return true
		}
	}
	return false
}

// Digits is the number of minor-unit digits (ISO 4217 exponent): amounts are
// stored as integers of 10^-Digits of the main unit.
func (c Currency) Digits() int {
	switch c {
	case USD, CNY, EUR:
		return 2
	}
	return 0 // VND, JPY, KRW have no minor unit in use
}

// MaxMinor bounds a stored amount (about 9e15 minor units), well below
// int64's limit, so that sums of many deals cannot overflow.
const MaxMinor = 9_000_000_000_000_000 / 1000

// Money is an amount in a currency's minor unit.
type Money struct {
	Minor    int64    `json:"minor"`
	Currency Currency `json:"currency"`
}

// Major is the amount in the currency's main unit.
func (m Money) Major() float64 {
	return float64(m.Minor) / math.Pow10(m.Currency.Digits())
}

// ParseMoney turns an amount in the main unit (a JSON number, as clients send
// it) and a currency code into Money, reporting problems under valueField and
// currencyField. The amount must be non-negative, finite, and have no more
// decimals than the currency has minor digits.
func ParseMoney(p *domain.Problems, valueField, currencyField string, value float64, currency string) Money {
	c := Currency(strings.ToUpper(strings.TrimSpace(currency)))
	if !c.Valid() {
		p.Add(currencyField, "must be one of VND, USD, JPY, KRW, CNY, EUR")
		return Money{}
	}
	scaled := value * math.Pow10(c.Digits())
	minor := math.Round(scaled)
	switch {
	case math.IsNaN(value) || math.IsInf(value, 0) || value < 0:
		p.Add(valueField, "must be a non-negative number")
	case minor > MaxMinor:
		p.Add(valueField, "is too large")
	case math.Abs(scaled-minor) > 1e-6*math.Max(1, math.Abs(scaled)):
		p.Add(valueField, "must have at most %d decimals in %s", c.Digits(), c)
	}
	return Money{Minor: int64(minor), Currency: c}
}
