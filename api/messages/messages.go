// Package messages is the message catalogue of the texts KeyLink shows
// people, one per language, and the negotiation of the language from
// Accept-Language. Keys are the English format strings the domain writes
// (domain.Errorf, Problems.Add, matching notes), so code stays readable and
// a missing translation falls back to English; texts of the API's own pages
// (CSV, iCalendar, HTML) use dotted keys such as "csv.totals". Codes, enum
// values, field names and text typed by people are never translated.
//
// Everything here is read-only after init and safe for concurrent use.
package messages

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/keylink/keylink/domain"
)

// Lang is a supported language: EN or VI. The zero value is not one; use
// Negotiate or Parse.
type Lang string

// The supported languages, as Content-Language writes them.
const (
	EN Lang = "en"
	VI Lang = "vi"
)

// supported is the matcher's list, in the order of langs.
var (
	langs   = []Lang{EN, VI}
	matcher = language.NewMatcher([]language.Tag{language.English, language.Vietnamese})
)

// catalogues hold the texts per language; en.go and vi.go fill them.
var catalogues = map[Lang]map[string]string{EN: en, VI: vi}

// Negotiate picks the language of an Accept-Language header ("vi-VN",
// "vi;q=0.9,en;q=0.8"). It reports false when the header is absent,
// malformed or names neither language: the caller then applies its own
// default (English for the JSON API, Vietnamese for HTML pages).
func Negotiate(header string) (Lang, bool) {
	if strings.TrimSpace(header) == "" {
		return "", false
	}
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return "", false
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No || i < 0 || i >= len(langs) {
		return "", false
	}
	return langs[i], true
}

// Has reports whether key is in the catalogue of l.
func (l Lang) Has(key string) bool {
	_, ok := catalogues[l][key]
	return ok
}

// T is the text of key in l; English when l lacks it, and the key itself
// when English does too.
func (l Lang) T(key string) string {
	if s, ok := catalogues[l][key]; ok {
		return s
	}
	if s, ok := en[key]; ok {
		return s
	}
	return key
}

// Tf formats the text of key with args, each rendered for l (see Render).
func (l Lang) Tf(key string, args ...any) string {
	return l.Render(domain.Message{Format: key, Args: args})
}

// Render writes m in l: its format is looked up as a key and its arguments
// are rendered for l first: nested messages in l, dates and quantities in
// l's conventions. Other arguments are formatted as they are.
func (l Lang) Render(m domain.Message) string {
	format := l.T(m.Format)
	if len(m.Args) == 0 {
		return format
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = l.arg(a)
	}
	return fmt.Sprintf(format, args...)
}

func (l Lang) arg(a any) any {
	switch x := a.(type) {
	case domain.Message:
		return l.Render(x)
	case domain.Quantity:
		return l.Number(x.Value) + " " + string(x.Unit)
	case domain.Date:
		return l.Date(x.Time)
	case error:
		return l.Error(x)
	case float64:
		if l == VI {
			return decimalComma(x)
		}
	}
	return a
}

// decimalComma formats a float with whatever verb the format gives it, then
// writes its decimal point as a comma, as Vietnamese does ("0,45").
type decimalComma float64

// Format implements fmt.Formatter.
func (d decimalComma) Format(f fmt.State, verb rune) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), float64(d))
	_, _ = f.Write([]byte(strings.Replace(s, ".", ",", 1)))
}

// Error renders an error's text for people in l: the Message of a domain
// error, the catalogue's text for the fixed text of a sentinel error, each
// part of an errors.Join on its own line, and the English text otherwise.
// An English rendering is always err.Error() itself, context included.
func (l Lang) Error(err error) string {
	if l == EN || err == nil {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	if m, ok := domain.MessageOf(err); ok && m.String() == err.Error() {
		return l.Render(m)
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		parts := j.Unwrap()
		out := make([]string, len(parts))
		for i, p := range parts {
			out[i] = l.Error(p)
		}
		return strings.Join(out, "\n")
	}
	if m, ok := domain.MessageOf(err); ok {
		return l.Render(m)
	}
	return l.T(err.Error())
}

// Number formats v for people: "1,234,567" in English, "1.234.567" in
// Vietnamese; not whole or huge numbers with 4 significant digits.
func (l Lang) Number(v float64) string {
	if l == VI {
		return domain.GroupDigits(v, '.', ',')
	}
	return domain.GroupDigits(v, ',', '.')
}

// Date formats a day: 2026-12-04 in English (ISO, as the API writes dates),
// 04/12/2026 in Vietnamese.
func (l Lang) Date(t time.Time) string {
	if l == VI {
		return t.Format("02/01/2006")
	}
	return t.Format(time.DateOnly)
}

// Keys lists the keys of l's catalogue, sorted.
func Keys(l Lang) []string {
	out := make([]string, 0, len(catalogues[l]))
	for k := range catalogues[l] {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
