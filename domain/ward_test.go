package domain_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keylink/keylink/domain"
)

func TestHanoiWardsAreTheResolutionsList(t *testing.T) {
	ws := domain.HanoiWards()
	var wards, communes int
	codes, names, slugs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	codeRE := regexp.MustCompile(`^[0-9]{5}$`)
	slugRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, w := range ws {
		switch w.Kind {
		case domain.UrbanWard:
			wards++
		case domain.RuralCommune:
			communes++
		default:
			t.Errorf("%+v: kind %q", w, w.Kind)
		}
		if !codeRE.MatchString(w.Code) || codes[w.Code] {
			t.Errorf("%+v: code not 5 digits or not unique", w)
		}
		if names[w.Name] || names[w.FullName()] {
			t.Errorf("%+v: name not unique", w)
		}
		if !slugRE.MatchString(w.Slug()) || slugs[w.Slug()] {
			t.Errorf("%+v: slug %q not ASCII or not unique", w, w.Slug())
		}
		if w.Name == "" || w.FormerDistrict == "" || !utf8.ValidString(w.Name) {
			t.Errorf("%+v: empty field", w)
		}
		codes[w.Code], names[w.Name], names[w.FullName()], slugs[w.Slug()] = true, true, true, true
	}
	if len(ws) != 126 || wards != 51 || communes != 75 {
		t.Errorf("got %d units (%d wards, %d communes), want 126 (51, 75)", len(ws), wards, communes)
	}
	// Every unit is found by every spelling the index promises, so no key
	// was dropped as ambiguous.
	for _, w := range ws {
		short, english := "X. ", " Commune"
		if w.Kind == domain.UrbanWard {
			short, english = "P. ", " Ward"
		}
		for _, s := range []string{w.FullName(), w.Name, strings.ToUpper(w.FullName()), short + w.Name, w.Name + english} {
			got, ok := domain.LookupWard(s)
			if !ok || got != w {
				t.Errorf("LookupWard(%q) = %+v, %v; want %+v", s, got, ok, w)
			}
		}
	}
	ws[0].Name = "changed"
	if domain.HanoiWards()[0].Name == "changed" {
		t.Error("HanoiWards shares its backing array")
	}
}

func TestLookupWard(t *testing.T) {
	tests := []struct {
		in   string
		want string // full name, "" when not found
	}{
		{"Phường Hoàn Kiếm", "Phường Hoàn Kiếm"},
		{"phường hoàn kiếm", "Phường Hoàn Kiếm"},
		{"PHUONG HOAN KIEM", "Phường Hoàn Kiếm"},
		{"hoan kiem", "Phường Hoàn Kiếm"},
		{"  Hoàn   Kiếm ", "Phường Hoàn Kiếm"},
		{"P. Hoàn Kiếm", "Phường Hoàn Kiếm"},
		{"Hoan Kiem Ward", "Phường Hoàn Kiếm"},
		{"Xã Sóc Sơn", "Xã Sóc Sơn"},
		{"xa soc son", "Xã Sóc Sơn"},
		{"Soc Son Commune", "Xã Sóc Sơn"},
		{"Đông Anh", "Xã Đông Anh"},
		{"dong anh", "Xã Đông Anh"},
		{"Văn Miếu - Quốc Tử Giám", "Phường Văn Miếu - Quốc Tử Giám"},
		{"van mieu quoc tu giam", "Phường Văn Miếu - Quốc Tử Giám"},
		{"Phường Văn Miếu – Quốc Tử Giám", "Phường Văn Miếu - Quốc Tử Giám"},
		{"Yên Hoà", "Phường Yên Hòa"},                       // old tone placement
		{"Phường Phương Liệt", "Phường Phương Liệt"},        // a name that starts like the kind
		{"Phương Liệt", "Phường Phương Liệt"},               // folds to "phuong liet"
		{"Xã Thiên Lộc", "Xã Thiên Lộc"},                    // former Đông Anh communes
		{"Phường Chương Mỹ", "Phường Chương Mỹ"},            // the ward, not a commune
		{"Xã Chương Dương", "Xã Chương Dương"},              // in former Thường Tín
		{"Hoa\u0300n Kie\u0302\u0301m", "Phường Hoàn Kiếm"}, // decomposed diacritics
		{"Ứng Hòa", "Xã Ứng Hòa"},
		{"Xã Hoàn Kiếm", ""},                 // wrong kind
		{"Phường Sóc Sơn", ""},               // wrong kind
		{"Quận Hoàn Kiếm", ""},               // a former district is not a unit
		{"Huyện Đông Anh", ""},               // idem
		{"Tản Lĩnh", ""},                     // merged into Xã Ba Vì
		{"Kim", ""},                          // part of a name
		{"Hoàn Kiếm Hà Nội", ""},             // more than a name
		{"", ""},                             //
		{"-", ""},                            //
		{"Hoàn\x00Kiếm", "Phường Hoàn Kiếm"}, // punctuation-like bytes separate words
	}
	for _, tt := range tests {
		w, ok := domain.LookupWard(tt.in)
		got := ""
		if ok {
			got = w.FullName()
		}
		if got != tt.want {
			t.Errorf("LookupWard(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestProblemsWard(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"", "", false},
		{"   ", "", false},
		{"\u200b", "", false},
		{"hoan kiem", "Phường Hoàn Kiếm", false},
		{" Xã Đông Anh ", "Xã Đông Anh", false},
		{"Atlantis", "Atlantis", true},
		{"Hoàn\x00Kiếm", "Hoàn\x00Kiếm", true}, // control characters are refused before lookup
		{"Hoàn\u202eKiếm", "Hoàn\u202eKiếm", true},
		{strings.Repeat("a", 201), strings.Repeat("a", 201), true},
		{"\xff", "\xff", true},
	}
	for _, tt := range tests {
		var p domain.Problems
		got := p.Ward("ward", tt.in)
		err := p.Err()
		var v *domain.ValidationError
		if got != tt.want || (err != nil) != tt.bad {
			t.Errorf("Ward(%q) = %q, %v; want %q, bad %v", tt.in, got, err, tt.want, tt.bad)
		}
		if tt.bad && (!errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Field != "ward") {
			t.Errorf("Ward(%q): %v, want one problem on ward", tt.in, err)
		}
	}
}

func FuzzLookupWard(f *testing.F) {
	for _, s := range []string{"Phường Hoàn Kiếm", "xa dong anh", "P. Láng", "Văn Miếu - Quốc Tử Giám", "\xff", "Xã"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, ok := domain.LookupWard(s)
		if !ok {
			return
		}
		// A hit is a real unit, and its canonical names find it again.
		again, ok := domain.LookupWard(w.FullName())
		if !ok || again != w {
			t.Fatalf("LookupWard(%q) = %+v, but its full name finds %+v, %v", s, w, again, ok)
		}
		var p domain.Problems
		if got := p.Ward("ward", s); p.Err() == nil && got != w.FullName() {
			t.Fatalf("Problems.Ward(%q) = %q, want %q", s, got, w.FullName())
		}
	})
}
