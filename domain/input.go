package domain

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on free input. Every aggregate applies the same ones so that no single
// request can bloat a stream or a read model.
const (
	MaxNameLen  = 200  // runes in a name, title or list item
	MaxTextLen  = 4000 // runes in a free-text description
	MaxListLen  = 50   // items in one list
	MaxEmailLen = 254  // bytes in an e-mail address (the SMTP path limit)
)

// Line trims s and checks it as a one-line name: valid UTF-8, at most
// MaxNameLen runes, no control or bidirectional-override characters (they
// spoof how a name reads), and not empty when required. It records at most one
// problem under field and returns the trimmed value.
func (p *Problems) Line(field, s string, required bool) string {
	s = strings.TrimSpace(s)
	if invisible(s) {
		p.Check(!required, field, "is required")
		return s
	}
	if msg, ok := textProblem(s, MaxNameLen, false); !ok {
		p.Add(field, msg.Format, msg.Args...)
	}
	return s
}

// Text trims s and checks it as optional free text: like Line, but up to
// MaxTextLen runes and with line breaks and tabs allowed.
func (p *Problems) Text(field, s string) string {
	s = strings.TrimSpace(s)
	if msg, ok := textProblem(s, MaxTextLen, true); !ok {
		p.Add(field, msg.Format, msg.Args...)
	}
	return s
}

// Lines checks a list of required one-line items (at most MaxListLen),
// reporting an item as field[i]. An empty list comes back nil so that events
// round-trip through JSON with omitempty unchanged.
func (p *Problems) Lines(field string, xs []string) []string {
	if len(xs) > MaxListLen {
		p.Add(field, "must have at most %d items", MaxListLen)
		return nil
	}
	if len(xs) == 0 {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p.Line(Index(field, i), x, true)
	}
	return out
}

// invisible reports whether s shows nothing: only spaces and format
// characters such as U+200B ZERO WIDTH SPACE (a name nobody can read).
func invisible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// Index names the i-th item of a list field as a JSON path: "hs_codes[2]".
func Index(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

func textProblem(s string, max int, multiline bool) (Message, bool) {
	if !utf8.ValidString(s) {
		return Msgf("must be valid UTF-8"), false
	}
	if utf8.RuneCountInString(s) > max {
		return Msgf("must be at most %d characters", max), false
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return Msgf("must not contain control characters"), false
		}
	}
	return Message{}, true
}

// Contact is the person to reach at a firm, as suppliers and buyers give it.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

// Contact trims c and checks it, reporting problems as field.name,
// field.email and field.phone. The e-mail keeps its case: it is shown, not
// used to log in.
func (p *Problems) Contact(field string, c Contact) Contact {
	c.Name = p.Line(field+".name", c.Name, true)
	c.Email = strings.TrimSpace(c.Email)
	switch {
	case c.Email == "":
		p.Add(field+".email", "is required")
	case !ValidEmail(c.Email):
		p.Add(field+".email", "must be an e-mail address")
	}
	c.Phone = strings.TrimSpace(c.Phone)
	p.Check(c.Phone == "" || phoneRE.MatchString(c.Phone), field+".phone",
		"must be 6 to 30 characters: digits, spaces and + ( ) . -")
	return c
}

var phoneRE = regexp.MustCompile(`^\+?[0-9(][0-9 ().-]{4,28}[0-9]$`)

// ValidEmail is a sanity check, not RFC 5322: exactly one @, a local part of
// at most 64 bytes, a host with an inner dot, no spaces or control characters
// or bidirectional-override characters and at most MaxEmailLen bytes. Whether
// the address works is proven by mail.
func ValidEmail(s string) bool {
	if len(s) > MaxEmailLen || !utf8.ValidString(s) {
		return false
	}
	local, host, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || strings.Contains(host, "@") {
		return false
	}
	if !strings.Contains(host, ".") || strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
	}) < 0
}

var hsCodeRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// NormalizeHSCode turns an HS code as people write it ("8471.30.20") into
// digits only ("84713020") and reports whether it is one: 4 to 10 digits, which
// spans a heading (4), an international subheading (6), a line of Vietnam's
// AHTN tariff (8) and national extensions (10). Matching compares prefixes of
// the digit form, so both sides must be normalised the same way.
func NormalizeHSCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !hsCodeRE.MatchString(s) {
		return "", false
	}
	d := strings.ReplaceAll(s, ".", "")
	return d, len(d) >= 4 && len(d) <= 10
}

var vsicRE = regexp.MustCompile(`^[0-9]{4,5}$`)

// ValidVSIC reports whether s is a VSIC 2018 code at level 4 (class, 4
// digits) or level 5 (subclass, 5 digits). Firms register their business lines
// at these levels, so they are what a firm can state; the coarser levels (a
// section letter, 2- or 3-digit divisions and groups) say no more than
// industry_group does and would only blur matching.
func ValidVSIC(s string) bool { return vsicRE.MatchString(s) }

// HSCodes checks and normalises a list of HS codes (see NormalizeHSCode),
// reporting bad items as field[i].
func (p *Problems) HSCodes(field string, in []string) []string {
	if len(in) > MaxListLen {
		p.Add(field, "must have at most %d items", MaxListLen)
		return nil
	}
	var out []string
	for i, x := range in {
		d, ok := NormalizeHSCode(x)
		p.Check(ok, Index(field, i), "must be an HS code of 4 to 10 digits, dots allowed between digits")
		out = append(out, d)
	}
	return out
}
