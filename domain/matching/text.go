package matching

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable maps lower-case letters with diacritics to their base letter: all
// of Vietnamese, plus the Western European letters found in buyer names.
var foldTable = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậäåā",
		'e': "èéẻẽẹêềếểễệëē",
		'i': "ìíỉĩịïîī",
		'o': "òóỏõọôồốổỗộơờớởỡợöøō",
		'u': "ùúủũụưừứửữựüûū",
		'y': "ỳýỷỹỵÿ",
		'd': "đ",
		'c': "ç",
		'n': "ñ",
	}
	t := make(map[rune]rune)
	for base, letters := range groups {
		for _, r := range letters {
			t[r] = base
		}
	}
	return t
}()

// Fold lower-cases s and strips Vietnamese diacritics, so "Rạng Đông" and
// "rang dong" compare equal ("cơ khí" -> "co khi"; đ/Đ -> d). Combining marks
// of decomposed input are dropped too. Invalid UTF-8 bytes become U+FFFD, so
// the result is always valid UTF-8, and Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf { // ASCII: no diacritics, cheap lower-casing
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		r = unicode.ToLower(r)
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if base, ok := foldTable[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stopWords are folded words that carry no product meaning: English and
// Vietnamese function words and the boilerplate of procurement texts. They
// are stored normalised, as terms compares them after normalise.
var stopWords = normalisedSet(`
	a an and are as at be by for from in into is it of on or our per the their
	these this to up via with we all any each other etc incl including also own
	than more most new use used using based type types can will who which that
	include includes through partner partners well plus over under
	need needed needs require required requirement requirements looking seek
	want wanted supply supplies supplier suppliers supplied product products
	production produce manufacture manufactured manufacturing manufacturer made
	make maker custom customer customers high quality standard standards
	month monthly year per vietnam vietnamese hanoi local localisation
	localization service services solution solutions company factories
	capacity volume order orders mm kg pcs ton tonne
	va cua cho cac nhung la voi tu theo trong tren mot duoc san xuat cong ty qua
`)

func normalisedSet(text string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(text) {
		m[normalise(w)] = true
	}
	return m
}

// canonical maps British spellings and their stems to one form, applied
// after suffix stripping ("moulded" -> "mould" -> "mold").
var canonical = map[string]string{
	"mould": "mold", "aluminium": "aluminum", "colour": "color", "fibre": "fiber",
	"tyre": "tire", "grey": "gray", "metre": "meter", "centre": "center",
	"anodis": "anodiz", "galvanis": "galvaniz", "vulcanis": "vulcaniz",
	"personalisation": "personalization", "sulphur": "sulfur",
}

func setOf(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// glossary translates folded Vietnamese trade phrases into the English words
// buyers use, so "sơn tĩnh điện" meets "powder coating". Many suppliers
// describe themselves in Vietnamese while FDI buyers write in English. Only
// unambiguous phrases are listed: single syllables such as "gom" (gốm, gồm)
// or "han" (hàn, Hàn Quốc) fold onto common words and are left out.
var glossary = map[string]string{
	"co khi": "mechanical", "chinh xac": "precision", "gia cong": "machining",
	"tien cnc": "cnc turning", "phay cnc": "cnc milling", "phay": "milling",
	"khuon mau": "mold", "khuon": "mold", "ep nhua": "injection molding",
	"nhua": "plastic", "dap kim loai": "metal stamping", "han diem": "spot welding",
	"han robot": "robotic welding", "han mig": "mig welding",
	"son tinh dien": "powder coating", "ma kem": "galvanized", "cat laser": "laser cutting",
	"chan cnc": "cnc bending", "vo tu": "enclosure", "tu dien": "electrical cabinet",
	"thep": "steel", "inox": "stainless steel", "nhom dinh hinh": "aluminum profile",
	"duc ap luc": "die casting", "duc nhom": "aluminum casting", "bu long": "bolt",
	"oc vit": "screw", "lo xo": "spring", "banh rang": "gear",
	"day dien": "wire", "cum day dien": "wire harness", "bo day dien": "wire harness",
	"day nguon": "power cord", "cap dien": "cable", "bo mach": "pcb",
	"lap rap": "assembly", "linh kien dien tu": "electronic component", "den led": "led light",
	"phan mem": "software", "cao su": "rubber", "bao bi": "packaging",
	"suat an": "meal", "bua an": "meal", "cong nhan": "worker", "nha may": "factory",
	"nha an": "canteen", "thuc pham": "food", "dong lanh": "frozen", "rau": "vegetable",
	"gao": "rice", "xay xat": "milling", "banh quy": "biscuit", "banh keo": "confectionery",
	"dong phuc": "uniform", "may mac": "garment", "ao so mi": "shirt", "det kim": "knitted",
	"theu": "embroidery", "da that": "genuine leather", "tui xach": "handbag",
	"chi tiet": "part", "ban ve": "drawing", "doi tac": "partner",
	"gom su": "ceramic", "ve tay": "hand painting", "trang men": "glazing", "nung": "kiln firing",
	"dat set": "clay", "bat dia": "bowl plate", "am chen": "tea set", "men lam": "blue glaze",
	"det": "textile", "dong goi": "packaging", "che bien": "processing", "may tre": "rattan bamboo",
	"dan tay": "hand weaving", "son mai": "lacquer", "kham trai": "mother of pearl inlay",
	"to lua": "silk", "gach": "tile", "kinh cuong luc": "tempered glass", "kinh hop": "insulated glass",
	"the nhua": "plastic card",
}

// glossaryLen maps the first word of each glossary phrase to the length of
// the longest phrase it starts, so most words skip the lookup entirely.
var glossaryLen = func() map[string]int {
	m := make(map[string]int)
	for phrase := range glossary {
		ws := strings.Fields(phrase)
		m[ws[0]] = max(m[ws[0]], len(ws))
	}
	return m
}()

// word is one word of a text: its normalised form for comparing and the
// folded form it was written in, for explaining.
type word struct{ norm, raw string }

// words splits folded text into words, keeping stop words and translating
// glossary phrases (longest first).
func words(s string) []word {
	raw := strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var out []word
	for i := 0; i < len(raw); {
		n := translate(raw[i:], &out)
		if n == 0 {
			out = append(out, word{normalise(raw[i]), raw[i]})
			n = 1
		}
		i += n
	}
	return out
}

// translate appends the English words of the longest glossary phrase that
// starts ws and reports how many words it consumed (0 for none).
func translate(ws []string, out *[]word) int {
	longest, ok := glossaryLen[ws[0]]
	if !ok {
		return 0
	}
	for n := min(longest, len(ws)); n > 0; n-- {
		if en, ok := glossary[strings.Join(ws[:n], " ")]; ok {
			for _, w := range strings.Fields(en) {
				*out = append(*out, word{normalise(w), w})
			}
			return n
		}
	}
	return 0
}

// normalise strips a regular English plural and an -ing or -ed ending (so
// "milled", "milling" and "mills" meet at "mill"), then unifies spelling
// variants. It is a light stemmer: endings are kept when under four letters
// would remain ("string", "speed").
func normalise(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		w = w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") ||
		strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "sses")):
		w = w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	switch {
	case len(w) >= 7 && strings.HasSuffix(w, "ing"):
		w = w[:len(w)-3]
	case len(w) >= 6 && strings.HasSuffix(w, "ed"):
		w = w[:len(w)-2]
	}
	if c, ok := canonical[w]; ok {
		return c
	}
	return w
}

// terms maps the meaningful words of s (no stop words, no single letters,
// no bare numbers: sizes and quantities say nothing about fit) from their
// normalised form to the first way they were written.
func terms(s string) map[string]string {
	out := make(map[string]string)
	for _, w := range words(s) {
		if len(w.norm) < 2 || stopWords[w.norm] || isNumber(w.norm) {
			continue
		}
		if _, seen := out[w.norm]; !seen {
			out[w.norm] = w.raw
		}
	}
	return out
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// termSet is the meaningful words of a text as a sorted set of ids, with
// the first way each was written.
type termSet struct {
	ids  []uint32
	raws []string // raws[i] is how the word of ids[i] was first written
}

// termList is the termSet of s.
func termList(s string) termSet {
	m := terms(s)
	norms := make([]string, 0, len(m))
	for norm := range m {
		norms = append(norms, norm)
	}
	ids, order := idSet(norms)
	raws := make([]string, len(ids))
	for i, k := range order {
		raws[i] = m[norms[k]]
	}
	return termSet{ids: ids, raws: raws}
}

// cosine is the set cosine |a∩b| / sqrt(|a||b|) of two term sets and the
// size of the intersection. Unlike Jaccard it does not punish a capability
// for a longer description.
func cosine(a, b []uint32) (float64, int) {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0, 0
	}
	n := common(a, b)
	return float64(n) / math.Sqrt(float64(la)*float64(lb)), n
}

// shared lists the demand's terms that the capability has too, as the
// demand wrote them, sorted.
func shared(d *PreparedDemand, c *PreparedCapability) []string {
	var out []string
	for _, i := range commonIndexes(d.terms, c.terms) {
		out = append(out, d.termRaws[i])
	}
	slices.Sort(out)
	return out
}

// itemKey turns a process or material name into its set of word ids, stop
// words included ("heat treatment", "stainless steel").
func itemKey(s string) []uint32 {
	var ws []string
	for _, w := range words(s) {
		ws = append(ws, w.norm)
	}
	ids, _ := idSet(ws)
	return ids
}

// itemCredit is how far a capability item covers a wanted one: fully when it
// names every word of it or more ("robotic welding" for "welding"), partly
// when it is a more generic form ("steel" for "stainless steel").
func itemCredit(want, have []uint32) float64 {
	if len(want) == 0 || len(have) == 0 {
		return 0
	}
	if subsetOf(want, have) {
		return 1
	}
	if subsetOf(have, want) {
		return genericCredit
	}
	return 0
}
