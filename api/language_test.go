package api_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// vietnamese matches a letter with a diacritic, which every Vietnamese
// sentence of the catalogue has.
var vietnamese = regexp.MustCompile(`[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]`)

func problemOf(t *testing.T, r resp) (title, detail string, fields map[string]string) {
	t.Helper()
	m := r.json(t)
	fields = map[string]string{}
	errs, _ := m["errors"].([]any)
	for _, x := range errs {
		f := x.(map[string]any)
		fields[f["field"].(string)] = f["message"].(string)
	}
	title, _ = m["title"].(string)
	detail, _ = m["detail"].(string)
	return title, detail, fields
}

// TestProblemLanguage: a problem follows Accept-Language; without it (or
// with a language the API does not speak) it is English. Codes, types and
// field names never change.
func TestProblemLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bad := map[string]any{"name": "", "tax_code": "12", "district": "Đông Anh", "ownership": "state",
		"employees": -1, "contact": map[string]any{"name": "Lan", "email": "nope"}}

	en := e.must(e.do("POST", "/v1/suppliers", e.organiser, bad), 400)
	if got := en.header.Get("Content-Language"); got != "en" {
		t.Errorf("default Content-Language %q, want en", got)
	}
	title, detail, fields := problemOf(t, en)
	if title != "Invalid request" || detail != "5 invalid field(s)" || fields["name"] != "is required" ||
		fields["contact.email"] != "must be an e-mail address" {
		t.Errorf("English problem: %s", en.body)
	}

	for _, accept := range []string{"vi", "vi-VN", "vi;q=0.9,en;q=0.8", "fr-FR, vi;q=0.5"} {
		vi := e.must(e.do("POST", "/v1/suppliers", e.organiser, bad, "Accept-Language", accept), 400)
		if got := vi.header.Get("Content-Language"); got != "vi" {
			t.Errorf("%s: Content-Language %q, want vi", accept, got)
		}
		title, detail, vfields := problemOf(t, vi)
		if title != "Yêu cầu không hợp lệ" || detail != "5 trường không hợp lệ" {
			t.Errorf("%s: title %q, detail %q", accept, title, detail)
		}
		want := map[string]string{
			"name":          "là bắt buộc",
			"tax_code":      "phải gồm 10 chữ số, có thể thêm dấu - và 3 chữ số",
			"ownership":     "phải là một trong các giá trị domestic, fdi, joint_venture",
			"employees":     "phải từ 0 đến 1000000",
			"contact.email": "phải là địa chỉ e-mail",
		}
		for f, msg := range want {
			if vfields[f] != msg {
				t.Errorf("%s: %s = %q, want %q", accept, f, vfields[f], msg)
			}
		}
		if len(vfields) != len(fields) {
			t.Errorf("%s: fields %v, English %v", accept, vfields, fields)
		}
		if en.json(t)["type"] != vi.json(t)["type"] {
			t.Errorf("the problem type changed with the language")
		}
	}
	for _, accept := range []string{"fr", "en-GB", "*"} {
		r := e.must(e.do("POST", "/v1/suppliers", e.organiser, bad, "Accept-Language", accept), 400)
		if title, _, _ := problemOf(t, r); title != "Invalid request" || r.header.Get("Content-Language") != "en" {
			t.Errorf("%s: %s, Content-Language %q", accept, r.body, r.header.Get("Content-Language"))
		}
	}

	// Other kinds and the HTTP layer's own problems.
	tests := []struct {
		method, path, token string
		body                any
		status              int
		title, detail       string
	}{
		{"GET", "/v1/suppliers/0193a1f2-0000-7000-8000-000000000000", e.organiser, nil, 404,
			"Không tìm thấy", "không tìm thấy nhà cung cấp 0193a1f2-0000-7000-8000-000000000000"},
		{"GET", "/v1/suppliers", "", nil, 401, "Chưa xác thực", "thiếu mã truy cập (bearer token) hoặc mã không hợp lệ"},
		{"POST", "/v1/buyers", "supplier", buyerBody("Canon"), 403, "Không có quyền truy cập", "chỉ ban tổ chức được thực hiện thao tác này"},
		{"GET", "/v1/no-such-route", e.organiser, nil, 404, "Không tìm thấy", "Không tìm thấy"},
		{"GET", "/v1/demands/not-a-uuid/matches", e.organiser, nil, 404, "Không tìm thấy", "không tìm thấy nhu cầu"},
		{"POST", "/v1/sessions", "", map[string]any{"email": "x@y.vn", "password": "wrong password 1"}, 401,
			"Chưa xác thực", "thiếu mã truy cập (bearer token) hoặc mã không hợp lệ\nsai e-mail hoặc mật khẩu"},
	}
	_, supTok := e.signup("supplier", supplierBody("Công ty Nhựa Hà Nội"))
	for _, tt := range tests {
		tok := tt.token
		if tok == "supplier" {
			tok = supTok
		}
		r := e.must(e.do(tt.method, tt.path, tok, tt.body, "Accept-Language", "vi"), tt.status)
		title, detail, _ := problemOf(t, r)
		if title != tt.title || detail != tt.detail || r.header.Get("Content-Language") != "vi" {
			t.Errorf("%s %s: %s (Content-Language %q)", tt.method, tt.path, r.body, r.header.Get("Content-Language"))
		}
	}

	// JSON decoding problems name the field in any language.
	r := e.must(e.do("POST", "/v1/suppliers", e.organiser, map[string]any{"nam": "x"}, "Accept-Language", "vi"), 400)
	if _, _, f := problemOf(t, r); f["nam"] != "không phải là trường được hỗ trợ" {
		t.Errorf("unknown field: %s", r.body)
	}
	r = e.must(e.do("POST", "/v1/suppliers", e.organiser, map[string]any{"employees": "many"}, "Accept-Language", "vi"), 400)
	if _, _, f := problemOf(t, r); f["employees"] != "phải là số nguyên" {
		t.Errorf("wrong type: %s", r.body)
	}
	// A successful JSON answer carries Content-Language too.
	ok := e.must(e.do("GET", "/v1/suppliers", e.organiser, nil, "Accept-Language", "vi-VN"), 200)
	if ok.header.Get("Content-Language") != "vi" || !slices.Contains(ok.header.Values("Vary"), "Accept-Language") {
		t.Errorf("200 headers %v", ok.header)
	}
}

// TestMatchNotesLanguage: reasons and gaps keep their codes and read in the
// language asked for.
func TestMatchNotesLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, _ := e.signup("supplier", supplierBody("Công ty Cơ khí Dập Đông Anh"))
	buy, buyTok := e.signup("buyer", buyerBody("Canon Vietnam"))
	_ = sup
	c := e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("Stamped steel brackets")), 201)
	_ = c
	d := e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", buyTok, demandBody("Stamped steel brackets for printer frames")), 201)
	path := fmt.Sprintf("/v1/demands/%s/matches?after=%d", d.str(t, "id"), d.num(t, "position"))

	notes := func(r resp) (codes, details []string) {
		list, _ := r.json(t)["matches"].([]any)
		if len(list) != 1 {
			t.Fatalf("matches: %s", r.body)
		}
		m := list[0].(map[string]any)
		for _, k := range []string{"reasons", "gaps"} {
			for _, x := range m[k].([]any) {
				n := x.(map[string]any)
				codes = append(codes, n["code"].(string))
				details = append(details, n["detail"].(string))
			}
		}
		return codes, details
	}
	en := e.must(e.do("GET", path, buyTok, nil), 200)
	vi := e.must(e.do("GET", path, buyTok, nil, "Accept-Language", "vi"), 200)
	enCodes, enDetails := notes(en)
	viCodes, viDetails := notes(vi)
	if !slices.Equal(enCodes, viCodes) || len(enCodes) == 0 {
		t.Fatalf("codes differ: %v, %v", enCodes, viCodes)
	}
	if en.header.Get("Content-Language") != "en" || vi.header.Get("Content-Language") != "vi" {
		t.Errorf("Content-Language %q, %q", en.header.Get("Content-Language"), vi.header.Get("Content-Language"))
	}
	for i := range enDetails {
		if enDetails[i] == viDetails[i] || !vietnamese.MatchString(strings.ToLower(viDetails[i])) {
			t.Errorf("%s: %q in English, %q in Vietnamese", enCodes[i], enDetails[i], viDetails[i])
		}
	}
	if i := slices.Index(viCodes, "certifications_held"); i < 0 ||
		!regexp.MustCompile(`^Có chứng nhận .+, còn hiệu lực vào ngày \d\d/\d\d/\d{4}\.$`).MatchString(viDetails[i]) {
		t.Errorf("certifications_held in Vietnamese: %v", viDetails)
	}
}

// TestReportLanguage: the HTML report is Vietnamese unless English is asked
// for; JSON and CSV are English unless Vietnamese is.
func TestReportLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ev := e.must(e.do("POST", "/v1/events", e.organiser, eventBody("Hội nghị kết nối FDI")), 201)
	base := fmt.Sprintf("/v1/events/%s/report?after=%d&format=", ev.str(t, "id"), ev.num(t, "position"))

	page := e.must(e.do("GET", base+"html", e.organiser, nil), 200)
	body := string(page.body)
	if page.header.Get("Content-Language") != "vi" || !strings.Contains(body, `<html lang="vi">`) ||
		!strings.Contains(body, "Số liệu chính") || strings.Contains(body, "Key figures") || !strings.Contains(body, "Hội nghị kết nối FDI") {
		t.Errorf("default HTML report (Content-Language %q):\n%.600s", page.header.Get("Content-Language"), body)
	}
	if !regexp.MustCompile(`\d\d/\d\d/\d{4} \d\d:\d\d`).MatchString(body) {
		t.Errorf("no Vietnamese date in the report")
	}
	page = e.must(e.do("GET", base+"html", e.organiser, nil, "Accept-Language", "en-US,en;q=0.9"), 200)
	body = string(page.body)
	if page.header.Get("Content-Language") != "en" || !strings.Contains(body, `<html lang="en">`) ||
		!strings.Contains(body, "Key figures") || strings.Contains(body, "Số liệu chính") {
		t.Errorf("English HTML report (Content-Language %q)", page.header.Get("Content-Language"))
	}

	js := e.must(e.do("GET", base+"json", e.organiser, nil), 200)
	if js.header.Get("Content-Language") != "en" {
		t.Errorf("JSON report Content-Language %q", js.header.Get("Content-Language"))
	}
	csvVI := e.must(e.do("GET", base+"csv", e.organiser, nil, "Accept-Language", "vi"), 200)
	if s := string(csvVI.body); csvVI.header.Get("Content-Language") != "vi" || !strings.Contains(s, "Tổng hợp") ||
		!strings.Contains(s, "Chỉ số,Giá trị") || strings.Contains(s, "Totals") {
		t.Errorf("Vietnamese CSV:\n%.400s", s)
	}
	csvEN := e.must(e.do("GET", base+"csv", e.organiser, nil), 200)
	if s := string(csvEN.body); csvEN.header.Get("Content-Language") != "en" || !strings.Contains(s, "Totals\r\nmetric,value") {
		t.Errorf("English CSV:\n%.400s", s)
	}
	// A bad format is a problem in the language of the JSON API.
	bad := e.must(e.do("GET", base+"pdf", e.organiser, nil), 400)
	if bad.header.Get("Content-Language") != "en" {
		t.Errorf("bad format Content-Language %q", bad.header.Get("Content-Language"))
	}
}
