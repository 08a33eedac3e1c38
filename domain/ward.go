package domain

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// WardKind says whether a commune-level unit is an urban ward or a rural
// commune; the kind is the first word of the unit's full name.
type WardKind string

// The two kinds of commune-level unit in Hanoi since 1 July 2025.
const (
	UrbanWard    WardKind = "Phường"
	RuralCommune WardKind = "Xã"
)

// Ward is one of Hanoi's 126 commune-level units (51 phường, 75 xã) set up
// by Resolution 1656/NQ-UBTVQH15 when districts were abolished on 1 July
// 2025. Values are read-only facts shipped with the binary.
type Ward struct {
	Code           string   // national statistics code, 5 digits ("00070")
	Kind           WardKind // Phường or Xã
	Name           string   // the name without its kind ("Hoàn Kiếm")
	FormerDistrict string   // the former district that gave the unit its seat ("Hoàn Kiếm")
}

// FullName is the canonical name stored on addresses: "Phường Hoàn Kiếm".
func (w Ward) FullName() string { return string(w.Kind) + " " + w.Name }

// Slug is a stable ASCII id: "phuong-hoan-kiem", "xa-dong-anh".
func (w Ward) Slug() string { return strings.ReplaceAll(wardKey(w.FullName()), " ", "-") }

//go:embed hanoi_wards.csv
var hanoiWardsCSV string

// hanoiWards is the parsed list, in the order of the file (by code).
var hanoiWards = parseWards(hanoiWardsCSV)

// wardIndex maps every accepted spelling's key to its unit (see LookupWard).
var wardIndex = indexWards(hanoiWards)

// HanoiWards lists the 126 units, by statistics code. The slice is a copy.
func HanoiWards() []Ward { return append([]Ward(nil), hanoiWards...) }

// parseWards reads the embedded table: comment lines start with #, the first
// other line is the header. The file is part of the binary, so a malformed
// line is a programming error caught by the package's tests.
func parseWards(csv string) []Ward {
	var out []Ward
	header := true
	for _, line := range strings.Split(csv, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		f := strings.Split(line, ",")
		if len(f) != 4 {
			continue
		}
		out = append(out, Ward{Code: f[0], Kind: WardKind(f[1]), Name: f[2], FormerDistrict: f[3]})
	}
	return out
}

// indexWards keys each unit by its bare name, its full name, the short forms
// "P. X"/"X. X" and the English "X Ward"/"X Commune". A key that two units
// would share is left out, so an ambiguous spelling is never guessed.
func indexWards(ws []Ward) map[string]int {
	idx := make(map[string]int)
	ambiguous := make(map[string]bool)
	for i, w := range ws {
		bare := wardKey(w.Name)
		short, english := "x", "commune"
		if w.Kind == UrbanWard {
			short, english = "p", "ward"
		}
		for _, k := range []string{bare, wardKey(w.FullName()), short + " " + bare, bare + " " + english} {
			if j, ok := idx[k]; ok && j != i {
				ambiguous[k] = true
			}
			idx[k] = i
		}
	}
	for k := range ambiguous {
		delete(idx, k)
	}
	return idx
}

// LookupWard finds the unit a person meant by s: the canonical full name, or
// the same ignoring case, Vietnamese diacritics, punctuation and spacing,
// with or without its kind ("Phường Hoàn Kiếm", "phuong hoan kiem", "Hoàn
// Kiếm", "P. Hoàn Kiếm", "Hoan Kiem Ward"). A kind that contradicts the unit
// ("Xã Hoàn Kiếm") finds nothing.
func LookupWard(s string) (Ward, bool) {
	if len(s) > 4*MaxNameLen {
		return Ward{}, false
	}
	i, ok := wardIndex[wardKey(s)]
	if !ok {
		return Ward{}, false
	}
	return hanoiWards[i], true
}

// Ward checks s as an optional commune-level unit of Hanoi and returns its
// canonical full name, or "" when s is blank. Text that is not a unit is
// one problem under field, and comes back trimmed.
func (p *Problems) Ward(field, s string) string {
	s = strings.TrimSpace(s)
	if invisible(s) {
		return ""
	}
	if msg, ok := textProblem(s, MaxNameLen, false); !ok {
		p.Add(field, msg.Format, msg.Args...)
		return s
	}
	w, ok := LookupWard(s)
	if !ok {
		p.Add(field, "must be one of Hanoi's 126 wards and communes, such as Phường Hoàn Kiếm or Xã Đông Anh")
		return s
	}
	return w.FullName()
}

// wardKey folds s for comparing unit names: lower case, no Vietnamese
// diacritics (đ becomes d), every run of characters other than letters and
// digits one space, trimmed. "Văn Miếu - Quốc Tử Giám" -> "van mieu quoc tu giam".
func wardKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == utf8.RuneError || unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if base, ok := wardFold[r]; ok {
			r = base
		}
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// wardFold maps lower-case Vietnamese letters with diacritics to their base.
var wardFold = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ",
		'e': "èéẻẽẹêềếểễệ",
		'i': "ìíỉĩị",
		'o': "òóỏõọôồốổỗộơờớởỡợ",
		'u': "ùúủũụưừứửữự",
		'y': "ỳýỷỹỵ",
		'd': "đ",
	}
	t := make(map[rune]rune)
	for base, letters := range groups {
		for _, r := range letters {
			t[r] = base
		}
	}
	return t
}()
