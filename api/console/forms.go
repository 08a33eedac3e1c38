package console

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/supplier"
)

// form is a submitted (or empty) form: what was typed, by input name, and
// the message for each bad field, in the page's language. Templates show
// the message beside its field and the typed value back in it.
type form struct {
	Values map[string]string
	Errors map[string]string
}

func newForm(values map[string]string) *form {
	return &form{Values: values, Errors: map[string]string{}}
}

// V is the value typed into name.
func (f *form) V(name string) string { return f.Values[name] }

// E is the message of the bad field name, empty when it is fine.
func (f *form) E(name string) string { return f.Errors[name] }

// Bad reports whether any field is bad.
func (f *form) Bad() bool { return len(f.Errors) > 0 }

// add records a message for name unless one is there already (the first
// problem of a field is the one worth reading).
func (f *form) add(name, msg string) {
	if _, ok := f.Errors[name]; !ok {
		f.Errors[name] = msg
	}
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// addDomain puts a domain validation error beside its inputs: a field path
// such as certifications[0].valid_until names the input
// certifications.valid_until. It reports false when err is no validation
// error.
func (f *form) addDomain(l lang, err error) bool {
	var v *domain.ValidationError
	if !errors.As(err, &v) {
		return false
	}
	for _, fe := range v.Fields {
		f.add(indexRE.ReplaceAllString(fe.Field, ""), l.fieldMessage(fe.Message))
	}
	return true
}

// read copies the named inputs of r into a form.
func read(r *http.Request, names ...string) *form {
	vals := map[string]string{}
	for _, n := range names {
		vals[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return newForm(vals)
}

// list splits a comma- or semicolon-separated input; empty items are
// dropped.
func list(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// number parses a quantity as people type it: "50.000" or "50 000" in
// Vietnamese (a comma is the decimal mark), "50,000" in English.
func (f *form) number(l lang, name string) (float64, bool) {
	s := strings.ReplaceAll(f.V(name), " ", "")
	if l == vi {
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	} else {
		s = strings.ReplaceAll(s, ",", "")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		f.add(name, l.fieldMessage("must be a number"))
		return 0, false
	}
	return v, true
}

// integer parses a whole number of days.
func (f *form) integer(l lang, name string) (int, bool) {
	v, err := strconv.Atoi(strings.ReplaceAll(f.V(name), " ", ""))
	if err != nil {
		f.add(name, l.fieldMessage("must be a whole number"))
		return 0, false
	}
	return v, true
}

var dmyRE = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// date accepts the browser's YYYY-MM-DD and the Vietnamese 04/12/2026; the
// domain checks that the day is real.
func date(s string) string {
	if m := dmyRE.FindStringSubmatch(s); m != nil {
		return m[3] + "-" + pad2(m[2]) + "-" + pad2(m[1])
	}
	return s
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// capabilityInputs are the inputs of the capability form.
var capabilityInputs = []string{"title", "description", "industry_group", "vsic", "hs_codes", "processes",
	"materials", "certifications.standard", "certifications.valid_until", "capacity.quantity", "capacity.unit",
	"moq", "lead_time_days", "export_markets"}

// capability reads the capability form into the API's request type; the
// form records the inputs that are not even numbers.
func capability(l lang, r *http.Request) (supplier.Capability, *form) {
	f := read(r, capabilityInputs...)
	in := supplier.Capability{
		Title: f.V("title"), Description: f.V("description"), IndustryGroup: domain.IndustryGroup(f.V("industry_group")),
		VSIC: f.V("vsic"), HSCodes: list(f.V("hs_codes")), Processes: list(f.V("processes")),
		Materials: list(f.V("materials")), ExportMarkets: list(f.V("export_markets")),
		Capacity: domain.Rate{Unit: domain.Unit(f.V("capacity.unit")), Per: "month"},
	}
	if std, until := f.V("certifications.standard"), f.V("certifications.valid_until"); std != "" || until != "" {
		in.Certifications = []supplier.CertificationInput{{Standard: std, ValidUntil: date(until)}}
	}
	in.Capacity.Quantity, _ = f.number(l, "capacity.quantity")
	if f.V("moq") != "" {
		if v, ok := f.number(l, "moq"); ok {
			in.MOQ = &v
		}
	}
	in.LeadTimeDays, _ = f.integer(l, "lead_time_days")
	return in, f
}

// demandInputs are the inputs of the demand form.
var demandInputs = []string{"title", "description", "industry_group", "vsic", "hs_codes", "processes", "materials",
	"required_certifications", "volume.quantity", "volume.unit", "max_lead_time_days", "needed_by"}

// demand reads the demand form into the API's request type.
func demand(l lang, r *http.Request) (buyer.Demand, *form) {
	f := read(r, demandInputs...)
	in := buyer.Demand{
		Title: f.V("title"), Description: f.V("description"), IndustryGroup: domain.IndustryGroup(f.V("industry_group")),
		VSIC: f.V("vsic"), HSCodes: list(f.V("hs_codes")), Processes: list(f.V("processes")),
		Materials: list(f.V("materials")), RequiredCertifications: list(f.V("required_certifications")),
		Volume: domain.Rate{Unit: domain.Unit(f.V("volume.unit")), Per: "month"}, NeededBy: date(f.V("needed_by")),
	}
	in.Volume.Quantity, _ = f.number(l, "volume.quantity")
	if f.V("max_lead_time_days") != "" {
		if v, ok := f.integer(l, "max_lead_time_days"); ok {
			in.MaxLeadTimeDays = &v
		}
	}
	return in, f
}
