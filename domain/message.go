package domain

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Message is a text for people kept as an English fmt format and its
// arguments, so that the API can render it in the reader's language: the
// format is the key of the message catalogue (package api/messages) and the
// arguments are formatted again per language (dates, quantities, nested
// messages). String renders it in English, as the format reads.
//
// Arguments should be values, not pre-formatted English: a Date, a Quantity,
// a number, another Message, or text typed by people (names and titles, never
// translated).
type Message struct {
	Format string
	Args   []any
}

// Msgf builds a Message; it formats nothing until the message is rendered.
func Msgf(format string, args ...any) Message { return Message{Format: format, Args: args} }

// String renders the message in English.
func (m Message) String() string {
	if len(m.Args) == 0 {
		return m.Format
	}
	return fmt.Sprintf(m.Format, m.Args...)
}

// MessageOf finds the Message of the first error in err's chain that carries
// one (errors made by Errorf). It reports false for other errors.
func MessageOf(err error) (Message, bool) {
	var c interface{ Message() Message }
	if errors.As(err, &c) {
		return c.Message(), true
	}
	return Message{}, false
}

// Quantity is an amount in a unit, as messages quote it ("40,000 pcs" in
// English, "40.000 pcs" in Vietnamese).
type Quantity struct {
	Value float64
	Unit  Unit
}

// String renders the quantity in English with comma grouping.
func (q Quantity) String() string { return GroupDigits(q.Value, ',', '.') + " " + string(q.Unit) }

// GroupDigits formats v for people: a whole number below 1e15 with sep
// between groups of three digits ("40,000"), anything else with 4
// significant digits and decimal as the decimal mark ("2.5").
func GroupDigits(v float64, sep, decimal byte) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e15 || v != math.Trunc(v) {
		s := strconv.FormatFloat(v, 'g', 4, 64)
		if decimal != '.' {
			s = strings.ReplaceAll(s, ".", string(decimal))
		}
		return s
	}
	neg, ds := v < 0, strconv.FormatFloat(math.Abs(v), 'f', 0, 64)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range ds {
		if i > 0 && (len(ds)-i)%3 == 0 {
			b.WriteByte(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
