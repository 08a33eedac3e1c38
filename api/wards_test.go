package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// wardPage is the part of a list page these tests read.
type wardPage struct {
	Items []struct {
		ID, Name, District, Ward string
	}
	Total int
}

func (e *env) wardList(path string) wardPage {
	e.t.Helper()
	var p wardPage
	r := e.must(e.do("GET", path, e.organiser, nil), 200)
	if err := jsonUnmarshal(r.body, &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func wardNames(p wardPage) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Name)
	}
	slices.Sort(out)
	return out
}

func TestSupplierWard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	// Created with a loose spelling: stored and shown canonical, beside the
	// former district.
	body := supplierBody("Công ty Cơ khí Hoàn Kiếm")
	body["district"], body["ward"] = "Hoàn Kiếm", "phuong hoan kiem"
	created := e.must(e.do("POST", "/v1/suppliers", e.organiser, body), 201)
	id := created.str(t, "id")
	got := e.must(e.do("GET", fmt.Sprintf("/v1/suppliers/%s?after=%d", id, created.num(t, "position")), e.organiser, nil), 200)
	if w, d := got.str(t, "ward"), got.str(t, "district"); w != "Phường Hoàn Kiếm" || d != "Hoàn Kiếm" {
		t.Fatalf("profile ward %q district %q: %s", w, d, got.body)
	}

	// Only the ward: the district is the ward's former district.
	onlyWard := supplierBody("Công ty Điện tử Sao Mai")
	delete(onlyWard, "district")
	onlyWard["ward"] = "Xã Thiên Lộc"
	r := e.must(e.do("POST", "/v1/suppliers", e.organiser, onlyWard), 201)
	got = e.must(e.do("GET", fmt.Sprintf("/v1/suppliers/%s?after=%d", r.str(t, "id"), r.num(t, "position")), e.organiser, nil), 200)
	if w, d := got.str(t, "ward"), got.str(t, "district"); w != "Xã Thiên Lộc" || d != "Đông Anh" {
		t.Fatalf("ward only: ward %q district %q", w, d)
	}

	// No ward: as before, with an empty ward.
	plain := e.must(e.do("POST", "/v1/suppliers", e.organiser, supplierBody("Công ty Nhựa Đông Anh")), 201)

	// Bad wards are a 400 naming "ward", with every other bad field.
	for _, bad := range []string{"Quận Hoàn Kiếm", "Xã Hoàn Kiếm", "Atlantis", "Hoàn\u202eKiếm", strings.Repeat("x", 300)} {
		b := supplierBody("Công ty X")
		b["ward"] = bad
		r := e.must(e.do("POST", "/v1/suppliers", e.organiser, b), 400)
		if f := r.fields(t); !slices.Equal(f, []string{"ward"}) {
			t.Errorf("ward %q: fields %v, want [ward]", bad, f)
		}
	}
	b := supplierBody("Công ty X")
	delete(b, "district")
	b["ward"] = "Atlantis"
	if f := e.must(e.do("POST", "/v1/suppliers", e.organiser, b), 400).fields(t); !slices.Contains(f, "ward") || !slices.Contains(f, "district") {
		t.Errorf("bad ward, no district: fields %v", f)
	}
	r = e.must(e.do("POST", "/v1/suppliers", e.organiser, b, "Accept-Language", "vi"), 400)
	if !strings.Contains(string(r.body), "126 phường, xã của Hà Nội") {
		t.Errorf("no Vietnamese message: %s", r.body)
	}

	// Revised to another ward; a bad ward in a revision is a 400 too.
	rev := supplierBody("Công ty Cơ khí Hoàn Kiếm")
	rev["tax_code"] = body["tax_code"]
	rev["district"], rev["ward"] = "Long Biên", "Long Bien Ward"
	e.must(e.do("PUT", "/v1/suppliers/"+id, e.organiser, rev), 200)
	rev["ward"] = "Phường Atlantis"
	if f := e.must(e.do("PUT", "/v1/suppliers/"+id, e.organiser, rev), 400).fields(t); !slices.Equal(f, []string{"ward"}) {
		t.Errorf("revision with a bad ward: fields %v", f)
	}
	rev["ward"] = "P. Long Biên"
	last := e.must(e.do("PUT", "/v1/suppliers/"+id, e.organiser, rev), 200)
	after := fmt.Sprintf("after=%d", max(last.num(t, "position"), plain.num(t, "position")))

	// The directory: items carry the ward; filters by ward (any spelling)
	// and by former district; q finds a firm by its ward's name.
	all := e.wardList("/v1/suppliers?" + after)
	if all.Total != 3 {
		t.Fatalf("directory total %d, want 3", all.Total)
	}
	byName := map[string]string{}
	for _, it := range all.Items {
		byName[it.Name] = it.Ward + "|" + it.District
	}
	if byName["Công ty Cơ khí Hoàn Kiếm"] != "Phường Long Biên|Long Biên" || byName["Công ty Nhựa Đông Anh"] != "|Đông Anh" {
		t.Errorf("directory items: %v", byName)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"ward=" + url.QueryEscape("Phường Long Biên"), []string{"Công ty Cơ khí Hoàn Kiếm"}},
		{"ward=long+bien", []string{"Công ty Cơ khí Hoàn Kiếm"}},
		{"ward=" + url.QueryEscape("Thiên Lộc"), []string{"Công ty Điện tử Sao Mai"}},
		{"ward=" + url.QueryEscape("Phường Hoàn Kiếm"), nil},
		{"district=dong+anh", []string{"Công ty Nhựa Đông Anh", "Công ty Điện tử Sao Mai"}},
		{"district=" + url.QueryEscape("Đông Anh") + "&ward=thien+loc", []string{"Công ty Điện tử Sao Mai"}},
		{"district=" + url.QueryEscape("Long Biên"), []string{"Công ty Cơ khí Hoàn Kiếm"}},
		{"q=thien+loc", []string{"Công ty Điện tử Sao Mai"}},
		{"q=" + url.QueryEscape("Phường Long Biên"), []string{"Công ty Cơ khí Hoàn Kiếm"}},
		{"q=" + url.QueryEscape("xã thiên lộc"), []string{"Công ty Điện tử Sao Mai"}},
	}
	for _, tt := range tests {
		if got := wardNames(e.wardList("/v1/suppliers?" + tt.query + "&" + after)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.query, got, tt.want)
		}
	}
	hist := e.must(e.do("GET", "/v1/suppliers/"+id+"/history", e.organiser, nil), 200)
	if !strings.Contains(string(hist.body), "district Long Biên, Phường Long Biên") {
		t.Errorf("history does not name the ward: %s", hist.body)
	}
	r = e.must(e.do("GET", "/v1/suppliers?ward=Atlantis", e.organiser, nil), 400)
	if f := r.fields(t); !slices.Equal(f, []string{"ward"}) {
		t.Errorf("unknown ward filter: fields %v", f)
	}
	if f := e.must(e.do("GET", "/v1/suppliers?phuong=x", e.organiser, nil), 400).fields(t); !slices.Equal(f, []string{"phuong"}) {
		t.Errorf("unknown parameter: fields %v", f)
	}
}

func TestBuyerWard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := buyerBody("Canon Vietnam")
	delete(b, "district")
	b["ward"] = "quang minh"
	r := e.must(e.do("POST", "/v1/buyers", e.organiser, b), 201)
	got := e.must(e.do("GET", fmt.Sprintf("/v1/buyers/%s?after=%d", r.str(t, "id"), r.num(t, "position")), e.organiser, nil), 200)
	if w, d := got.str(t, "ward"), got.str(t, "district"); w != "Xã Quang Minh" || d != "Mê Linh" {
		t.Fatalf("buyer ward %q district %q", w, d)
	}
	other := e.must(e.do("POST", "/v1/buyers", e.organiser, buyerBody("Panasonic Vietnam")), 201)
	after := fmt.Sprintf("&after=%d", other.num(t, "position"))
	if got := wardNames(e.wardList("/v1/buyers?ward=Xa+Quang+Minh" + after)); !slices.Equal(got, []string{"Canon Vietnam"}) {
		t.Errorf("buyers in Xã Quang Minh: %q", got)
	}
	if all := e.wardList("/v1/buyers?limit=10" + after); all.Total != 2 {
		t.Errorf("buyers: %+v", all)
	}
	b["ward"] = "KCN Quang Minh"
	if f := e.must(e.do("POST", "/v1/buyers", e.organiser, b), 400).fields(t); !slices.Equal(f, []string{"ward"}) {
		t.Errorf("bad buyer ward: fields %v", f)
	}
	if f := e.must(e.do("GET", "/v1/buyers?ward=nowhere", e.organiser, nil), 400).fields(t); !slices.Equal(f, []string{"ward"}) {
		t.Errorf("bad buyer ward filter: fields %v", f)
	}
}

func TestImportWardColumn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vi := "Tên doanh nghiệp,Mã số thuế,Quận/Huyện,Phường/Xã,Loại hình,Người liên hệ,Email\n" +
		"Công ty A,0100500001,Đông Anh,xa dong anh,domestic,An,a@example.vn\n" +
		"Công ty B,0100500002,,Phường Láng,domestic,Bình,b@example.vn\n"
	a := e.importOK("kind=suppliers", []byte(vi), "text/csv")
	checkCounts(t, "vi", a, 2, 2, 0, 0)
	p := e.wardList(fmt.Sprintf("/v1/suppliers?after=%d", a.Position))
	byName := map[string]string{}
	for _, it := range p.Items {
		byName[it.Name] = it.Ward + "|" + it.District
	}
	if byName["Công ty A"] != "Xã Đông Anh|Đông Anh" || byName["Công ty B"] != "Phường Láng|Đống Đa" {
		t.Fatalf("imported: %v", byName)
	}
	// The same file in other spellings of the ward is unchanged.
	again := strings.Replace(strings.Replace(vi, "xa dong anh", "Xã Đông Anh", 1), "Phường Láng", "Lang", 1)
	checkCounts(t, "again", e.importOK("kind=suppliers", []byte(again), "text/csv"), 2, 0, 0, 2)

	// English headers; a bad ward is an error of its row and column, and
	// nothing is written.
	before := e.eventCount()
	en := "name,tax_code,district,ward,ownership,contact_name,contact_email\n" +
		"Firm C,0100500003,Sóc Sơn,Xã Nội Bài,domestic,Cường,c@example.vn\n" +
		"Firm D,0100500004,Sóc Sơn,Huyện Sóc Sơn,domestic,Dũng,d@example.vn\n"
	b := e.importOK("kind=suppliers", []byte(en), "text/csv")
	if b.Written || len(b.Errors) != 1 || b.Errors[0].Row != 3 || b.Errors[0].Column != "ward" || e.eventCount() != before {
		t.Fatalf("bad ward row: %+v", b)
	}
	fixed := strings.Replace(en, "Huyện Sóc Sơn", "Kim Anh", 1)
	checkCounts(t, "en", e.importOK("kind=suppliers", []byte(fixed), "text/csv"), 2, 2, 0, 0)
}
