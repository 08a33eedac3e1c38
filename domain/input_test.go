package domain_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/keylink/keylink/domain"
)

func TestValidEmail(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"sales@rangdong.com.vn", true},
		{"a.b+c@x.jp", true},
		{"", false},
		{"no-at.example.com", false},
		{"two@@example.com", false},
		{"a@b@example.com", false},
		{"@example.com", false},
		{"a@", false},
		{"a@localhost", false},
		{"a@.example.com", false},
		{"a@example.com.", false},
		{"a b@example.com", false},
		{"a@exa\tmple.com", false},
		{"a\x00@example.com", false},
		{"a\u202e@example.com", false},
		{"a@exam\u2066ple.com", false},
		{strings.Repeat("a", 65) + "@example.com", false},
		{"a@" + strings.Repeat("b", 250) + ".vn", false},
	}
	for _, tt := range tests {
		if got := domain.ValidEmail(tt.in); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeHSCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"8471", "8471", true},
		{"8471.30", "847130", true},
		{" 8471.30.20 ", "84713020", true},
		{"8471302000", "8471302000", true},
		{"847", "", false},
		{"84713020001", "", false},
		{"84..71", "", false},
		{".8471", "", false},
		{"8471.", "", false},
		{"84-71", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := domain.NormalizeHSCode(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("NormalizeHSCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestValidVSIC(t *testing.T) {
	for s, want := range map[string]bool{"2740": true, "27400": true, "274": false, "274000": false, "C": false, "27a0": false} {
		if got := domain.ValidVSIC(s); got != want {
			t.Errorf("ValidVSIC(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestProblemsHelpers(t *testing.T) {
	var p domain.Problems
	if got := p.Line("a", "  Rạng Đông  ", true); got != "Rạng Đông" {
		t.Errorf("Line trimmed to %q", got)
	}
	p.Line("b", "   ", true)
	p.Line("c", "", false)
	p.Line("d", "bad\nname", true)
	p.Line("e", "evil\u202Ename", true)
	p.Line("f", strings.Repeat("ệ", domain.MaxNameLen), true)
	p.Line("g", strings.Repeat("ệ", domain.MaxNameLen+1), true)
	p.Line("h", "bad\xffutf8", true)
	if got := p.Text("i", " line one\n\tline two "); got != "line one\n\tline two" {
		t.Errorf("Text trimmed to %q", got)
	}
	p.Text("j", "bell\a")
	p.Text("k", strings.Repeat("x", domain.MaxTextLen+1))
	if got := p.Lines("l", []string{}); got != nil {
		t.Errorf("Lines of an empty list = %#v, want nil", got)
	}
	p.Lines("m", []string{"ok", " ", "x\x01"})
	p.Lines("n", make([]string, domain.MaxListLen+1))
	c := p.Contact("contact", domain.Contact{Name: " Lan ", Email: " lan@x.vn ", Phone: " +84 (24) 3825-1234 "})
	if want := (domain.Contact{Name: "Lan", Email: "lan@x.vn", Phone: "+84 (24) 3825-1234"}); c != want {
		t.Errorf("Contact = %+v, want %+v", c, want)
	}
	p.Contact("c2", domain.Contact{Phone: "12"})
	p.Contact("c3", domain.Contact{Name: "x", Email: "nope", Phone: "call me"})

	var v *domain.ValidationError
	if !errors.As(p.Err(), &v) {
		t.Fatalf("Err() = %v, want a *ValidationError", p.Err())
	}
	var got []string
	for _, f := range v.Fields {
		got = append(got, f.Field)
	}
	want := []string{"b", "d", "e", "g", "h", "j", "k", "m[1]", "m[2]", "n",
		"c2.name", "c2.email", "c2.phone", "c3.email", "c3.phone"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields = %q\nwant     %q", got, want)
	}
}
