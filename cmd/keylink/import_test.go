package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keylink/keylink/migrations/dbtest"
)

func TestImportUsage(t *testing.T) {
	for _, args := range [][]string{
		{"import"}, {"import", "f.csv"}, {"import", "f.csv", "--kind", "nope"}, {"import", "f.csv", "--kind", "suppliers", "--bogus"},
		{"import", "f.csv", "--kind", "registrations"}, {"import", "f.csv", "--kind", "suppliers", "--event", "x"},
		{"import", "a.csv", "b.csv", "--kind", "suppliers"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 2 || strings.Count(strings.TrimRight(errOut.String(), "\n"), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errOut.String())
		}
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"import", "--help"}, &out, &out); code != 0 || !strings.Contains(out.String(), "--dry-run") {
		t.Errorf("--help: exit %d: %s", code, out.String())
	}
}

func TestImportCommand(t *testing.T) {
	t.Setenv("DATABASE_URL", dbtest.URL(t))
	t.Setenv("LOG_LEVEL", "error")
	file := filepath.Join("..", "..", "api", "testdata", "imports", "suppliers.xlsx")
	for i, want := range []struct{ created, unchanged int }{{4, 0}, {0, 4}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"import", "--kind", "suppliers", file}, &out, &errOut); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, errOut.String())
		}
		var rep struct{ Created, Unchanged int }
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Created != want.created || rep.Unchanged != want.unchanged {
			t.Fatalf("run %d: %s (%v)", i, out.String(), err)
		}
		if !strings.Contains(errOut.String(), "4 rows imported") {
			t.Fatalf("run %d: summary %q", i, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	bad := filepath.Join("..", "..", "api", "testdata", "imports", "key_products.csv")
	if code := run(context.Background(), []string{"import", bad, "--kind", "suppliers", "--dry-run"}, &out, &errOut); code != 1 {
		t.Fatalf("a file without the columns: exit %d: %s", code, errOut.String())
	}
}
