package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// openBook opens an exported workbook and checks what every export
// shares: the media type, a download name, and per sheet a bold header
// row frozen above the data.
func openBook(t *testing.T, r resp, filename string) *excelize.File {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != mimeXLSX {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+filename) || !strings.HasSuffix(cd, `.xlsx"`) {
		t.Fatalf("Content-Disposition %q, want %s...xlsx", cd, filename)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	for _, name := range f.GetSheetList() {
		panes, err := f.GetPanes(name)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("sheet %q: header not frozen: %+v %v", name, panes, err)
		}
		style, err := f.GetCellStyle(name, "A1")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(style)
		if err != nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("sheet %q: header not bold", name)
		}
		if w, _ := f.GetColWidth(name, "A"); w < 8 {
			t.Errorf("sheet %q: column A %v wide", name, w)
		}
	}
	return f
}

// header returns the first row of a sheet.
func header(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) == 0 {
		t.Fatalf("sheet %q: %v", sheet, err)
	}
	return rows[0]
}

// column finds a header's column letter.
func column(t *testing.T, f *excelize.File, sheet, name string) string {
	t.Helper()
	i := slices.Index(header(t, f, sheet), name)
	if i < 0 {
		t.Fatalf("sheet %q has no column %q: %v", sheet, name, header(t, f, sheet))
	}
	col, _ := excelize.ColumnNumberToName(i + 1)
	return col
}

func cellType(t *testing.T, f *excelize.File, sheet, cell string) excelize.CellType {
	t.Helper()
	ct, err := f.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func TestExportSuppliersRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.importOK("kind=suppliers", sample(t, "suppliers.xlsx"), mimeXLSX)
	k := e.importOK("kind=key_products", sample(t, "key_products.csv"), "text/csv")
	evil := supplierBody("=HYPERLINK(\"http://x\",\"bấm\")")
	evil2 := supplierBody("＝1+1 Công ty")
	e.must(e.do("POST", "/v1/suppliers", e.organiser, evil), 201)
	last := e.must(e.do("POST", "/v1/suppliers", e.organiser, evil2), 201).num(t, "position")
	_ = a

	for _, lang := range []string{"en", "vi"} {
		r := e.must(e.do("GET", fmt.Sprintf("/v1/suppliers?format=xlsx&after=%d", max(last, k.Position)), e.organiser, nil,
			"Accept-Language", lang), 200)
		f := openBook(t, r, "suppliers")
		sheets := f.GetSheetList()
		want := map[string][]string{"en": {"Suppliers", "Key products"}, "vi": {"Doanh nghiệp", "Sản phẩm chủ lực"}}[lang]
		if !slices.Equal(sheets, want) {
			t.Fatalf("%s: sheets %v, want %v", lang, sheets, want)
		}
		nameHeader := map[string]string{"en": "name", "vi": "Tên doanh nghiệp"}[lang]
		rows, _ := f.GetRows(sheets[0])
		if len(rows) != 7 || rows[0][0] != nameHeader {
			t.Fatalf("%s: rows %v", lang, rows)
		}
		// Typed cells: employees are numbers, the recognised year too;
		// text that looks like a formula is text.
		emp := column(t, f, sheets[0], map[string]string{"en": "employees", "vi": "Số lao động"}[lang])
		for i := 2; i <= len(rows); i++ {
			name, _ := f.GetCellValue(sheets[0], fmt.Sprintf("A%d", i))
			if v, _ := f.GetCellValue(sheets[0], fmt.Sprintf("%s%d", emp, i)); v != "" {
				if ct := cellType(t, f, sheets[0], fmt.Sprintf("%s%d", emp, i)); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
					t.Errorf("employees of %q stored as text", name)
				}
			}
			if strings.HasPrefix(name, "=") || strings.HasPrefix(name, "＝") {
				if formula, _ := f.GetCellFormula(sheets[0], fmt.Sprintf("A%d", i)); formula != "" {
					t.Errorf("%q stored as a formula", name)
				}
				if ct := cellType(t, f, sheets[0], fmt.Sprintf("A%d", i)); ct != excelize.CellTypeSharedString && ct != excelize.CellTypeInlineString {
					t.Errorf("%q stored as %v, want text", name, ct)
				}
			}
		}
		year := column(t, f, sheets[1], map[string]string{"en": "recognized_year", "vi": "Năm công nhận"}[lang])
		if ct := cellType(t, f, sheets[1], year+"2"); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
			t.Errorf("recognized_year stored as text")
		}

		// The export imports back unchanged, both of its tables.
		checkCounts(t, lang+" suppliers back", e.importOK("kind=suppliers", r.body, mimeXLSX), 6, 0, 0, 6)
		checkCounts(t, lang+" key products back", e.importOK("kind=key_products", r.body, mimeXLSX), 4, 0, 0, 4)
	}

	// One table as CSV, with a BOM and formula-like text guarded.
	r := e.must(e.do("GET", "/v1/suppliers?format=csv&section=suppliers", e.organiser, nil), 200)
	if !bytes.HasPrefix(r.body, []byte("\ufeffname,tax_code,")) || !strings.Contains(string(r.body), "\"'=HYPERLINK(") ||
		!strings.Contains(string(r.body), "'＝1+1") {
		t.Fatalf("suppliers CSV: %.400s", r.body)
	}
	if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, `suppliers-suppliers.csv"`) {
		t.Fatalf("Content-Disposition %q", cd)
	}
	e.must(e.do("GET", "/v1/suppliers?format=csv&section=nope", e.organiser, nil), 400)
	e.must(e.do("GET", "/v1/suppliers?format=pdf", e.organiser, nil), 400)
}

func TestExportMatchesScheduleReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, supTok := e.signup("supplier", supplierBody("Công ty Cơ khí Dập Đông Anh"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Việt Nam"))
	e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", supTok, capabilityBody("Khung thép dập")), 201)
	d := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Khung thép dập cho máy in")), 201)
	did := d.str(t, "id")

	r := e.must(e.do("GET", fmt.Sprintf("/v1/demands/%s/matches?format=xlsx&after=%d", did, d.num(t, "position")), buyTok, nil), 200)
	f := openBook(t, r, "matches-"+did)
	if !slices.Equal(f.GetSheetList(), []string{"Matches"}) {
		t.Fatalf("sheets %v", f.GetSheetList())
	}
	score := column(t, f, "Matches", "score")
	if v, _ := f.GetCellValue("Matches", score+"2"); v == "" || cellType(t, f, "Matches", score+"2") == excelize.CellTypeSharedString {
		t.Fatalf("score %q is not a number", v)
	}
	if name, _ := f.GetCellValue("Matches", column(t, f, "Matches", "supplier_name")+"2"); name != "Công ty Cơ khí Dập Đông Anh" {
		t.Fatalf("supplier_name %q", name)
	}
	e.must(e.do("GET", "/v1/demands/"+did+"/matches?format=csv", buyTok, nil), 200)

	ev := e.newEvent("Hội nghị kết nối doanh nghiệp FDI")
	e.register(ev, sup)
	e.register(ev, buy)
	sch := e.must(e.do("POST", "/v1/events/"+ev+"/schedule", e.organiser, nil), 200) // published at once
	r = e.must(e.do("GET", fmt.Sprintf("/v1/events/%s/schedule?format=xlsx&after=%d", ev, sch.num(t, "position")), e.organiser, nil,
		"Accept-Language", "vi"), 200)
	f = openBook(t, r, "schedule-"+ev)
	if got := f.GetSheetList(); len(got) == 0 || got[0] != "Lịch gặp" {
		t.Fatalf("schedule sheets %v", got)
	}
	rows, _ := f.GetRows("Lịch gặp")
	if len(rows) < 2 {
		t.Fatalf("schedule rows %v", rows)
	}
	start := column(t, f, "Lịch gặp", "Bắt đầu")
	if ct := cellType(t, f, "Lịch gặp", start+"2"); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
		t.Fatalf("starts_at stored as text")
	}
	raw, _ := f.GetCellValue("Lịch gặp", start+"2", excelize.Options{RawCellValue: true})
	shown, _ := f.GetCellValue("Lịch gặp", start+"2")
	if strings.Contains(raw, "-") || !strings.HasPrefix(shown, "20") || !strings.Contains(shown, ":") {
		t.Fatalf("starts_at raw %q shown %q, want a date serial shown as a date and time", raw, shown)
	}

	// The printable schedule: one A4 page per day and table.
	r = e.must(e.do("GET", "/v1/events/"+ev+"/schedule?format=html", e.organiser, nil), 200)
	page := string(r.body)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(page, "size: A4") ||
		!strings.Contains(page, "Bàn 1") || !strings.Contains(page, "Công ty Cơ khí Dập Đông Anh") || !strings.Contains(page, "Canon Việt Nam") {
		t.Fatalf("printable schedule: %.600s", page)
	}
	e.must(e.do("GET", "/v1/events/"+ev+"/schedule?format=pdf", e.organiser, nil), 400)

	r = e.must(e.do("GET", fmt.Sprintf("/v1/events/%s/report?format=xlsx&after=%d", ev, sch.num(t, "position")), e.organiser, nil), 200)
	f = openBook(t, r, "event-report-"+ev)
	want := []string{"Event", "Totals", "Rates", "By industry group", "Meetings per slot", "Funnel", "Firms", "Meetings"}
	if !slices.Equal(f.GetSheetList(), want) {
		t.Fatalf("report sheets %v", f.GetSheetList())
	}
	if h := header(t, f, "Firms"); h[1] != "name" {
		t.Fatalf("firms header %v", h)
	}
	r = e.must(e.do("GET", "/v1/events/"+ev+"/report?format=csv&section=firms", e.organiser, nil), 200)
	if !bytes.HasPrefix(r.body, []byte("\ufeff")) {
		t.Fatal("CSV section without BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\ufeff")))).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "organisation_id" {
		t.Fatalf("firms CSV %v %v", recs, err)
	}
	e.must(e.do("GET", "/v1/events/"+ev+"/report?format=csv&section=nope", e.organiser, nil), 400)
}
