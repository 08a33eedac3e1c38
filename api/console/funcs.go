package console

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

// funcs are the templates' helpers: conversions only, no rules.
var funcs = template.FuncMap{
	"f64": func(v any) float64 {
		switch x := v.(type) {
		case int:
			return float64(x)
		case int64:
			return float64(x)
		case float64:
			return x
		case *float64:
			if x != nil {
				return *x
			}
		case *int:
			if x != nil {
				return float64(*x)
			}
		}
		return 0
	},
	"join": strings.Join,
	"str":  func(v any) string { return fmt.Sprint(v) },
	"add":  func(a, b int) int { return a + b },
	"sel": func(l lang, f fieldView) selectView {
		return selectView{L: l, F: f, Groups: domain.IndustryGroups, Units: domain.Units}
	},
	"notes": func(l lang, reasons, gaps []matching.Note) notesView { return notesView{l, reasons, gaps} },
	"field": func(f *form, name, label, typ string) fieldView {
		return fieldView{ID: "f-" + strings.ReplaceAll(name, ".", "-"), Name: name, Label: label, Type: typ,
			Value: f.V(name), Error: f.E(name)}
	},
}

// fieldView is one labelled input with its message.
type fieldView struct {
	ID, Name, Label, Type, Value, Error string
}

// selectView is a select input with its choices.
type selectView struct {
	L      lang
	F      fieldView
	Groups []domain.IndustryGroup
	Units  []domain.Unit
}

// notesView is a match's reasons and gaps.
type notesView struct {
	L       lang
	Reasons []matching.Note
	Gaps    []matching.Note
}
