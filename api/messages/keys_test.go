package messages

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// messageCalls names the functions and methods whose argument at the given
// index is a catalogue key: a format of domain.Errorf, Problems.Add and
// Check, FieldErrorf, Msgf, the API's invalid and claimed, matching's notes,
// and Lang.T and Tf. A string literal there must be in the catalogue.
var messageCalls = map[string]int{
	"Errorf": 1, "Add": 1, "Check": 2, "FieldErrorf": 1, "Msgf": 0,
	"invalid": 1, "claimed": 2, "note": 1, "reason": 1, "gap": 1, "add": 1,
	"T": 0, "Tf": 0, "failf": 2,
}

// notKeys are receivers whose methods share a name above but take no
// message (an http.Header's Add, testing's Errorf).
var notKeys = map[string]bool{"fmt": true, "t": true, "b": true, "Header": true, "q": true, "v": true, "wg": true, "h": true}

// templateKeyRE finds keys in templates: {{.L.T "key"}}, {{$.L.Tf "key" ...}}.
var templateKeyRE = regexp.MustCompile(`\.L\.Tf? "([^"]+)"`)

// sourceKeys lists every literal key used in the module's non-test Go files,
// with where it is used.
func sourceKeys(t *testing.T) map[string]string {
	t.Helper()
	root := "../.."
	keys := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range templateKeyRE.FindAllSubmatchIndex(src, -1) {
			keys[string(src[m[2]:m[3]])] = fmt.Sprintf("%s (template)", path)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				switch x := fn.X.(type) {
				case *ast.Ident:
					if notKeys[x.Name] {
						return true
					}
				case *ast.CallExpr:
					if s, ok := x.Fun.(*ast.SelectorExpr); ok && notKeys[s.Sel.Name] {
						return true
					}
				}
			default:
				return true
			}
			i, ok := messageCalls[name]
			if !ok || i >= len(call.Args) {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			keys[s] = fset.Position(lit.Pos()).String()
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestSourceKeysInCatalogue: every literal message the code writes has a
// text in every language, so that no answer mixes languages.
func TestSourceKeysInCatalogue(t *testing.T) {
	keys := sourceKeys(t)
	if len(keys) < 100 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	for k, at := range keys {
		for _, l := range langs {
			if !l.Has(k) {
				t.Errorf("%s: %q is not in the %s catalogue; add it to api/messages/%s.go, translated:\n\t%q: %q,", at, k, l, l, k, k)
			}
		}
	}
}
