// Package rates is the organiser's table of exchange rates for one year: how
// many dong one unit of each foreign currency is worth, used to add up deal
// values in dong. Nothing is looked up on a network; a table is replaced as a
// whole.
package rates

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// StreamType names rate-table streams in the event store.
const StreamType = "rates"

// Years a table may be for.
const (
	MinYear = 2010
	MaxYear = 2100
)

// Foreign lists the currencies a table may rate (dong is always 1).
var Foreign = []string{"USD", "JPY", "KRW", "CNY", "EUR"}

// namespace makes a year's stream id stable: one stream per year.
var namespace = uuid.MustParse("0193a1f2-7a7e-7000-8000-6b65796c696e")

// StreamID is the id of year's table stream.
func StreamID(year int) uuid.UUID {
	return uuid.NewSHA1(namespace, []byte("rates/"+strconv.Itoa(year)))
}

// Set replaces a year's table.
type Set struct {
	Year int `json:"year"`
	// VNDPer is dong per one unit of each currency.
	VNDPer map[string]float64 `json:"vnd_per"`
}

// EventType implements domain.Event.
func (Set) EventType() string { return "RatesSet" }

// SchemaVersion implements domain.Event.
func (Set) SchemaVersion() int { return 1 }

// Events returns one zero value of every rates event type.
func Events() []domain.Event { return []domain.Event{Set{}} }

// Table is one year's rate table. The zero value is ready for Apply.
type Table struct {
	domain.Root
	year   int
	vndPer map[string]float64
}

// Apply changes the state by one event.
func (t *Table) Apply(e domain.Event) {
	if s, ok := e.(Set); ok {
		t.year, t.vndPer = s.Year, s.VNDPer
	}
}

// Validate checks a year's rates: a known year, known currencies, and
// positive finite rates up to a million dong per unit.
func Validate(year int, vndPer map[string]float64) error {
	var p domain.Problems
	p.Check(year >= MinYear && year <= MaxYear, "year", "must be from %d to %d", MinYear, MaxYear)
	p.Check(len(vndPer) > 0, "", "must rate at least one currency")
	keys := make([]string, 0, len(vndPer))
	for k := range vndPer {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := vndPer[k]
		switch {
		case !slices.Contains(Foreign, k):
			p.Add(k, "must be one of USD, JPY, KRW, CNY, EUR")
		case math.IsNaN(v) || v <= 0 || v > 1e6:
			p.Add(k, "must be dong per unit, > 0 and at most 1000000")
		}
	}
	return p.Err()
}

// Replace sets the year's table; the same table again records nothing.
func (t *Table) Replace(year int, vndPer map[string]float64) error {
	if err := Validate(year, vndPer); err != nil {
		return err
	}
	if t.year == year && fmt.Sprint(t.vndPer) == fmt.Sprint(vndPer) {
		return nil
	}
	cp := make(map[string]float64, len(vndPer))
	for k, v := range vndPer {
		cp[k] = v
	}
	t.Record(t.Apply, Set{Year: year, VNDPer: cp})
	return nil
}
