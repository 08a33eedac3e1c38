// Package matching ranks supplier capabilities against buyer demands and
// explains every rank. It is pure: no clock, no store, no randomness. The same
// demand, capability and day always give the same Match, so projections can
// recompute match lists on any event and get identical answers.
//
// A candidate first passes hard filters (active capability, open demand,
// compatible industry group, every required certification valid on the day
// needed, comparable units); one that fails never appears. Survivors get a soft
// score of 0–100 from the named components in weights.go, each reported as a
// reason (points earned) or a gap (points missed). docs/matching.md documents
// the rules with a worked example.
package matching

import (
	"bytes"
	"math"
	"slices"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
)

// Certification is a standard a supplier holds and the last day it is valid.
// A zero ValidUntil is treated as unknown and never satisfies a requirement.
type Certification struct {
	Standard   string
	ValidUntil domain.Date
}

// Capability is one thing a supplier can make, flattened with the supplier
// facts the score needs. Withdrawn capabilities never match.
type Capability struct {
	SupplierID     uuid.UUID
	SupplierName   string
	CapabilityID   uuid.UUID
	District       string
	IndustrialZone string
	// KeyProducts is the number of the supplier's city key-product recognitions.
	KeyProducts    int
	Title          string
	Description    string
	IndustryGroup  domain.IndustryGroup
	VSIC           string
	HSCodes        []string
	Processes      []string
	Materials      []string
	Certifications []Certification
	Capacity       domain.Rate
	// MOQ is the minimum order quantity in Capacity.Unit; 0 means none.
	MOQ          float64
	LeadTimeDays int
	// ExportMarkets are ISO 3166-1 alpha-2 codes of countries already served.
	ExportMarkets []string
	// Withdrawn marks a capability the supplier took back; the zero value is active.
	Withdrawn bool
}

// Demand is one buyer request, flattened with the buyer facts the score needs.
// Closed demands never match.
type Demand struct {
	DemandID               uuid.UUID
	BuyerID                uuid.UUID
	BuyerName              string
	BuyerCountry           string
	BuyerDistrict          string
	Title                  string
	Description            string
	IndustryGroup          domain.IndustryGroup
	VSIC                   string
	HSCodes                []string
	Processes              []string
	Materials              []string
	RequiredCertifications []string
	Volume                 domain.Rate
	// MaxLeadTimeDays is the longest acceptable lead time; 0 means no limit.
	MaxLeadTimeDays int
	// NeededBy is the day certifications must still be valid; nil means today.
	NeededBy *domain.Date
	// Closed marks a fulfilled or cancelled demand; the zero value is open.
	Closed bool
}

// Note explains one part of a score. Code is a stable snake_case identifier
// clients may switch on; Detail is a short English sentence for people, and
// Text the same as a catalogue message, for other languages.
type Note struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	text   domain.Message
}

// Text is the detail as a Message (format and arguments), to be rendered in
// the reader's language; a Note built as a literal gives its Detail.
func (n Note) Text() domain.Message {
	if n.text.Format == "" {
		return domain.Message{Format: n.Detail}
	}
	return n.text
}

// Match is one scored pair of a demand and a capability. Reasons list what
// earned points, Gaps what cost points; both are non-nil so they encode as [].
type Match struct {
	DemandID     uuid.UUID
	BuyerID      uuid.UUID
	SupplierID   uuid.UUID
	CapabilityID uuid.UUID
	Score        int
	Reasons      []Note
	Gaps         []Note
}

// Score applies the hard filters and, if they pass, the weighted soft score.
// today is used when d.NeededBy is nil. When a filter fails it returns false and
// a Match whose only gap names the failed filter (for logs and tests; callers
// must not show it). Score is pure and safe for concurrent use. It prepares
// both sides on every call; to score one side against many, prepare them once
// and use ScorePrepared or QuickScore, which give the same results.
func Score(d Demand, c Capability, today domain.Date) (Match, bool) {
	pd, pc := prepareDemandFilters(d), prepareCapabilityFilters(c)
	m, ok := filtered(pd, pc, today)
	if !ok {
		return m, false
	}
	pd.prepareScore()
	pc.prepareScore()
	return scored(m, pd, pc, today), true
}

// sheet accumulates the points of one Score call, and its notes when notes
// is set (QuickScore leaves it unset and only counts).
type sheet struct {
	earned, possible float64
	notes            bool
	reasons, gaps    []Note
}

// add books a component worth weight points of which fraction was earned.
// NaN and out-of-range fractions are clamped so bad input cannot break 0..100.
func (s *sheet) add(weight int, fraction float64) {
	if math.IsNaN(fraction) || fraction < 0 {
		fraction = 0
	}
	if fraction > 1 {
		fraction = 1
	}
	s.possible += float64(weight)
	s.earned += float64(weight) * fraction
}

func (s *sheet) reason(code, format string, args ...any) {
	if s.notes {
		s.reasons = append(s.reasons, note(code, format, args...))
	}
}

func (s *sheet) gap(code, format string, args ...any) {
	if s.notes {
		s.gaps = append(s.gaps, note(code, format, args...))
	}
}

// score scales the earned points to 0..100 over the components that applied,
// so a demand that leaves a field out is not capped below 100 by it.
func (s *sheet) score() int {
	if s.possible <= 0 {
		return 0
	}
	v := int(math.Round(100 * s.earned / s.possible))
	return max(0, min(100, v))
}

// Sort orders matches best first: score descending, then supplier id, then
// capability id, then demand id, each id compared by its 16 bytes (the same
// order as their lower-case string form). The order is total, so equal inputs
// always give equal lists. It sorts in place and is not safe for concurrent use
// of ms.
func Sort(ms []Match) {
	slices.SortStableFunc(ms, compare)
}

func compare(a, b Match) int {
	if a.Score != b.Score {
		if a.Score > b.Score {
			return -1
		}
		return 1
	}
	if c := bytes.Compare(a.SupplierID[:], b.SupplierID[:]); c != 0 {
		return c
	}
	if c := bytes.Compare(a.CapabilityID[:], b.CapabilityID[:]); c != 0 {
		return c
	}
	return bytes.Compare(a.DemandID[:], b.DemandID[:])
}

// BestPerSupplier keeps, for each demand and supplier, the supplier's best
// capability (highest score, then lowest capability id), so that a match list
// shows each supplier once per demand. It works on lists for one demand and on
// a supplier's list across demands alike. It returns a new slice in Sort order
// and leaves ms untouched.
func BestPerSupplier(ms []Match) []Match {
	type key struct{ demand, supplier uuid.UUID }
	best := make(map[key]int, len(ms))
	out := make([]Match, 0, len(ms))
	for _, m := range ms {
		k := key{m.DemandID, m.SupplierID}
		i, seen := best[k]
		if !seen {
			best[k] = len(out)
			out = append(out, m)
			continue
		}
		if compare(m, out[i]) < 0 {
			out[i] = m
		}
	}
	Sort(out)
	return out
}
