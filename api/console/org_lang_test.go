package console

import (
	"io/fs"
	"regexp"
	"testing"
)

// keyRE finds the catalogue keys templates name literally: {{$l.T "key"}},
// {{.L.T "key"}}, {{$.L.T "key"}}.
var keyRE = regexp.MustCompile(`(?:\$l|\.L)\.T "([^"]+)"`)

// TestTemplateKeysInCatalogues: every text a template names is in both
// languages, so that no page mixes them.
func TestTemplateKeysInCatalogues(t *testing.T) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range names {
		src, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllSubmatch(src, -1) {
			n++
			k := string(m[1])
			if _, ok := enText[k]; !ok {
				t.Errorf("%s: %q has no English text", name, k)
			}
			if _, ok := viText[k]; !ok && k != "app" {
				t.Errorf("%s: %q has no Vietnamese text", name, k)
			}
		}
	}
	if n < 50 {
		t.Fatalf("found only %d keys; is the scan broken?", n)
	}
}

func TestVenueTime(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"15/10/2030 08:00", "2030-10-15T08:00:00+07:00", true},
		{"5/1/2031 8:30", "2031-01-05T08:30:00+07:00", true},
		{"2030-10-15 08:00", "2030-10-15T08:00:00+07:00", true},
		{"2030-10-15T08:00", "2030-10-15T08:00:00+07:00", true},
		{"15/10/2030", "", false},
		{"sáng mai", "", false},
	} {
		got, ok := venueTime(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("venueTime(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBreakPeriods(t *testing.T) {
	got, ok := breakPeriods("12:00-13:30\n16/10/2030 10:00–10:15\n", "15/10/2030 08:00", "16/10/2030 17:00")
	if !ok || len(got) != 3 {
		t.Fatalf("breaks %v, %v", got, ok)
	}
	if got[1]["from"] != "2030-10-16T12:00:00+07:00" || got[2]["to"] != "2030-10-16T10:15:00+07:00" {
		t.Errorf("breaks %v", got)
	}
	for _, bad := range []string{"trưa", "12:00", "12-13", "16/10/2030 trưa"} {
		if _, ok := breakPeriods(bad, "15/10/2030 08:00", "15/10/2030 17:00"); ok {
			t.Errorf("%q was read as a break", bad)
		}
	}
}
