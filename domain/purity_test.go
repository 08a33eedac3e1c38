package domain_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsOnlyTheStandardLibraryAndUUID keeps the domain pure: no
// Echo, pgx, Watermill or anything else reaches it, directly or through a
// dependency.
func TestDomainImportsOnlyTheStandardLibraryAndUUID(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", "github.com/keylink/keylink/domain/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, std, _ := strings.Cut(line, " ")
		switch {
		case std == "true",
			strings.HasPrefix(path, "github.com/keylink/keylink/domain"),
			path == "github.com/google/uuid":
		default:
			t.Errorf("domain depends on %s", path)
		}
	}
}
