package matching

import (
	"strings"
	"unicode"
)

// Search terms. A directory or board search compares words, not
// substrings ("led" is not found in "bled"), in the normalised form the
// matcher uses: folded (no case, no Vietnamese diacritics), a regular
// English plural, -ing or -ed stripped, British spellings made American
// ("moulding" and "molding" both give "mold", "garments" gives
// "garment").

// DocumentTerms is what a text is found by: the normalised form of each of
// its words, in order, then the English words of the Vietnamese trade
// phrases it contains ("may mặc" is found by "garment" too). Stop words
// and numbers are kept: a search asks for every word it was given.
func DocumentTerms(s string) []string {
	raw := strings.FieldsFunc(Fold(s), notWordRune)
	out := make([]string, 0, len(raw))
	for _, w := range raw {
		out = append(out, normalise(w))
	}
	var en []word
	for i := range raw {
		translate(raw[i:], &en)
	}
	for _, w := range en {
		out = append(out, w.norm)
	}
	return out
}

// QueryTerms is the normalised form of each distinct word of a query, in
// order. A text is a hit when its DocumentTerms hold every one of them.
func QueryTerms(q string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, w := range strings.FieldsFunc(Fold(q), notWordRune) {
		n := normalise(w)
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// CertificationKeys are the keys a held standard is found by: its base
// ("ISO 9001:2015" -> "iso9001") and, when it names an edition, the base
// with the edition ("iso9001:2015"). The same rules as matching's apply:
// case, spaces and punctuation are ignored, and "ISO/IEC 27001" is
// "ISO 27001".
func CertificationKeys(standard string) []string {
	base, edition := certKey(standard)
	if base == "" {
		return nil
	}
	if edition == "" {
		return []string{base}
	}
	return []string{base, base + ":" + edition}
}

// CertificationQueryKey is the one key a searched standard must be held
// under: "ISO 9001" finds any edition, "ISO 9001:2015" that edition only.
// It is empty when the standard has no letter or digit.
func CertificationQueryKey(standard string) string {
	keys := CertificationKeys(standard)
	if len(keys) == 0 {
		return ""
	}
	return keys[len(keys)-1]
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
