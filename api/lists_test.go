package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// items decodes a list answer: its items, next cursor and total.
func (r resp) list(t *testing.T) ([]map[string]any, string, int) {
	t.Helper()
	var page struct {
		Items      []map[string]any `json:"items"`
		NextCursor *string          `json:"next_cursor"`
		Total      *int             `json:"total"`
	}
	if err := jsonUnmarshal(r.body, &page); err != nil || page.Items == nil || page.NextCursor == nil || page.Total == nil {
		t.Fatalf("not a list answer (items, next_cursor, total): %s", r.body)
	}
	return page.Items, *page.NextCursor, *page.Total
}

// names lists the items' "name" (or "title") fields.
func names(items []map[string]any) []string {
	out := []string{}
	for _, it := range items {
		if n, ok := it["name"].(string); ok {
			out = append(out, n)
		} else {
			out = append(out, fmt.Sprint(it["title"]))
		}
	}
	return out
}

// walk follows next_cursor from path (which has a query) and returns every
// item's name, checking that each page's total is the same.
func (e *env) walk(path, token string) ([]string, int) {
	e.t.Helper()
	var (
		all    []string
		cursor string
		total  = -1
	)
	for range 50 {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		items, next, n := e.must(e.do("GET", p, token, nil), 200).list(e.t)
		if total >= 0 && n != total {
			e.t.Fatalf("%s: total %d, then %d", p, total, n)
		}
		total = n
		all = append(all, names(items)...)
		if next == "" {
			return all, total
		}
		cursor = next
	}
	e.t.Fatalf("%s: pagination does not end", path)
	return nil, 0
}

// badParams checks that each query of path is a 400 naming fields.
func (e *env) badParams(token string, cases map[string][]string) {
	e.t.Helper()
	for path, fields := range cases {
		r := e.must(e.do("GET", path, token, nil), 400)
		if got := r.fields(e.t); !slices.Equal(got, fields) {
			e.t.Errorf("%s: fields %q, want %q", path, got, fields)
		}
	}
}

func TestBuyerList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reg := func(name, country, parent string) int64 {
		b := buyerBody(name)
		b["country"], b["parent_group"] = country, parent
		return e.must(e.do("POST", "/v1/buyers", e.organiser, b), 201).num(t, "position")
	}
	reg("Canon Vietnam", "JP", "Canon Inc.")
	reg("Samsung Electronics Vietnam", "KR", "Samsung Group")
	reg("LG Display Việt Nam", "KR", "LG Corporation")
	last := reg("Meiko Electronics", "JP", "")
	_, supTok := e.signup("supplier", supplierBody("Cơ khí Hà Nội"))

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"Canon Vietnam", "LG Display Việt Nam", "Meiko Electronics", "Samsung Electronics Vietnam"}},
		{"country=KR", []string{"LG Display Việt Nam", "Samsung Electronics Vietnam"}},
		{"country=jp", []string{"Canon Vietnam", "Meiko Electronics"}},
		{"q=samsung", []string{"Samsung Electronics Vietnam"}},
		{"q=viet+nam", []string{"LG Display Việt Nam"}},
		{"q=electronic", []string{"Meiko Electronics", "Samsung Electronics Vietnam"}},
		{"q=group", []string{"Samsung Electronics Vietnam"}}, // the parent group
		{"q=electronics&country=JP", []string{"Meiko Electronics"}},
		{"q=elec", []string{}}, // words, not substrings
	} {
		for _, limit := range []string{"1", "3", "100"} {
			got, total := e.walk(fmt.Sprintf("/v1/buyers?after=%d&limit=%s&%s", last, limit, tc.query), supTok)
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("%s, limit %s: %q (total %d), want %q", tc.query, limit, got, total, tc.want)
			}
		}
	}
	// A name match ranks above a parent-group match.
	last = reg("Group Seven Trading", "SG", "")
	got, _ := e.walk(fmt.Sprintf("/v1/buyers?q=group&after=%d", last), supTok)
	if want := []string{"Group Seven Trading", "Samsung Electronics Vietnam"}; !slices.Equal(got, want) {
		t.Errorf("q=group: %q, want %q", got, want)
	}

	e.must(e.do("GET", "/v1/buyers", "", nil), 401)
	e.badParams(e.organiser, map[string][]string{
		"/v1/buyers?sort=name":                  {"sort"},
		"/v1/buyers?limit=0":                    {"limit"},
		"/v1/buyers?limit=x":                    {"limit"},
		"/v1/buyers?limit=101":                  {"limit"},
		"/v1/buyers?cursor=bm9wZQ":              {"cursor"},
		"/v1/buyers?country=Japan&limit=1000":   {"country", "limit"},
		"/v1/buyers?q=%00":                      {"q"},
		"/v1/buyers?industry_group=it&zone=kcn": {"industry_group", "zone"},
	})
	// A cursor of an unranked list is not one of a ranked list.
	_, next, _ := e.must(e.do("GET", "/v1/buyers?limit=1", e.organiser, nil), 200).list(t)
	e.must(e.do("GET", "/v1/buyers?q=vietnam&cursor="+next, e.organiser, nil), 400)
}

func TestDemandBoard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	canon := e.newBuyer("Canon Vietnam")
	kr := buyerBody("Samsung Electronics Vietnam")
	kr["country"] = "KR"
	samsung := e.must(e.do("POST", "/v1/buyers", e.organiser, kr), 201).str(t, "id")

	post := func(buyer string, body map[string]any) (string, int64) {
		r := e.must(e.do("POST", "/v1/buyers/"+buyer+"/demands", e.organiser, body), 201)
		return r.str(t, "id"), r.num(t, "position")
	}
	brackets := demandBody("Stamped steel brackets") // mechanical, HS 732690, IATF 16949
	post(canon, brackets)
	pcb := demandBody("PCB assembly for printers")
	pcb["industry_group"], pcb["hs_codes"], pcb["processes"], pcb["materials"] = "electrical_electronics", []string{"8473.30"}, []string{"smt"}, []string{}
	pcb["required_certifications"] = []string{"ISO 9001:2015"}
	pcb["description"] = "Printed circuit boards"
	pcbID, _ := post(canon, pcb)
	mould := demandBody("Plastic injection moulding")
	mould["industry_group"], mould["hs_codes"], mould["required_certifications"] = "chem_rubber_plastic_pharma", []string{"3926.90"}, []string{}
	mould["description"] = "Housings for washing machines"
	post(samsung, mould)
	closed := demandBody("Closed demand")
	closedID, _ := post(samsung, closed)
	r := e.must(e.do("POST", "/v1/buyers/"+samsung+"/demands/"+closedID+"/close", e.organiser, map[string]any{"reason": "cancelled"}), 200)
	last := r.num(t, "position")

	_, buyerTok := e.signup("buyer", buyerBody("Another buyer"))
	// Newest first; the closed demand is not on the board.
	all := []string{"Plastic injection moulding", "PCB assembly for printers", "Stamped steel brackets"}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", all},
		{"industry_group=mechanical", []string{"Stamped steel brackets"}},
		{"hs=73", []string{"Stamped steel brackets"}},
		{"hs=8473.30", []string{"PCB assembly for printers"}},
		{"hs=84", []string{"PCB assembly for printers"}},
		{"certification=ISO+9001", []string{"PCB assembly for printers"}},      // any edition
		{"certification=iso+9001:2015", []string{"PCB assembly for printers"}}, // that edition
		{"certification=ISO+9001:2008", []string{}},
		{"certification=IATF+16949", []string{"Stamped steel brackets"}},
		{"country=KR", []string{"Plastic injection moulding"}},
		{"country=jp&industry_group=electrical_electronics", []string{"PCB assembly for printers"}},
		{"q=molding", []string{"Plastic injection moulding"}},
		{"q=bracket", []string{"Stamped steel brackets"}},
		{"q=printer", []string{"PCB assembly for printers", "Stamped steel brackets"}}, // title, then description
		{"q=print", []string{"PCB assembly for printers"}},                             // "Printed"
		{"q=rint", []string{}},
		{"q=closed", []string{}},
	} {
		for _, limit := range []string{"1", "2", "20"} {
			got, total := e.walk(fmt.Sprintf("/v1/demands?after=%d&limit=%s&%s", last, limit, tc.query), buyerTok)
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("%s, limit %s: %q (total %d), want %q", tc.query, limit, got, total, tc.want)
			}
		}
	}
	items, _, _ := e.must(e.do("GET", "/v1/demands?q=molding", e.organiser, nil), 200).list(t)
	it := items[0]
	if it["buyer_id"] != samsung || it["buyer_name"] != "Samsung Electronics Vietnam" || it["industry_group"] != "chem_rubber_plastic_pharma" ||
		it["needed_by"] != "2027-03-01" || it["volume"] == nil {
		t.Errorf("item %v", it)
	}
	if _, ok := it["match"]; ok {
		t.Errorf("an organiser's item has a match: %v", it)
	}

	// A supplier reads its own match on each demand, null when none.
	sup, supTok := e.signup("supplier", supplierBody("Cơ khí Đông Anh"))
	r = e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", supTok, capabilityBody("Stamped steel brackets and frames")), 201)
	capID := r.str(t, "id")
	items, _, _ = e.must(e.do("GET", fmt.Sprintf("/v1/demands?after=%d", r.num(t, "position")), supTok, nil), 200).list(t)
	if len(items) != 3 {
		t.Fatalf("supplier's board: %v", items)
	}
	for _, it := range items {
		m, has := it["match"]
		if !has {
			t.Fatalf("a supplier's item has no match field: %v", it)
		}
		if it["title"] != "Stamped steel brackets" {
			if m != nil {
				t.Errorf("%v matches: %v", it["title"], m)
			}
			continue
		}
		mm, _ := m.(map[string]any)
		reasons, _ := mm["reasons"].([]any)
		if mm["capability_id"] != capID || mm["score"].(float64) <= 0 || len(reasons) == 0 {
			t.Errorf("match of the brackets: %v", m)
		}
	}
	e.must(e.do("GET", "/v1/demands", "", nil), 401)
	e.badParams(supTok, map[string][]string{
		"/v1/demands?status=open":                    {"status"},
		"/v1/demands?hs=7":                           {"hs"},
		"/v1/demands?hs=73x":                         {"hs"},
		"/v1/demands?hs=12345678901":                 {"hs"},
		"/v1/demands?industry_group=space&limit=abc": {"industry_group", "limit"},
		"/v1/demands?country=J1":                     {"country"},
		"/v1/demands?cursor=eyJuIjoiIn0":             {"cursor"},
		"/v1/demands?certification=%01":              {"certification"},
	})
	_ = pcbID
}

func TestSupplierListAdditions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var last int64
	capability := func(sid, title, group, desc string, certs ...map[string]any) {
		c := capabilityBody(title)
		c["industry_group"], c["description"], c["processes"], c["materials"] = group, desc, []string{}, []string{}
		c["certifications"] = certs
		last = e.must(e.do("POST", "/v1/suppliers/"+sid+"/capabilities", e.organiser, c), 201).num(t, "position")
	}
	cert := func(std, until string) map[string]any { return map[string]any{"standard": std, "valid_until": until} }

	rd := supplierBody("Rạng Đông")
	rangDong := e.must(e.do("POST", "/v1/suppliers", e.organiser, rd), 201).str(t, "id")
	capability(rangDong, "LED lighting", "electrical_electronics", "Bulbs and tubes", cert("ISO 9001:2015", "2099-12-31"))
	last = e.must(e.do("POST", "/v1/suppliers/"+rangDong+"/key-products", e.organiser, map[string]any{
		"product": "Đèn chiếu sáng nông nghiệp", "recognized_year": 2023, "decision_no": "123/QĐ-UBND"}), 201).num(t, "position")
	bakery := e.newSupplier("Bánh mì Phố Cổ")
	capability(bakery, "Bakery", "agri_food", "Handcrafted bread, sealed packaging, filled pastries")
	tienPhong := e.newSupplier("Nhựa Tiền Phong")
	capability(tienPhong, "Plastic injection moulding", "chem_rubber_plastic_pharma", "Housings",
		cert("ISO 9001:2008", "2018-09-14"), cert("ISO 14001", "2020-01-01"))
	mayViet := e.newSupplier("May Việt")
	capability(mayViet, "May mặc xuất khẩu", "textile_leather", "Garments for Japan")

	_, buyerTok := e.signup("buyer", buyerBody("Canon"))
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"Bánh mì Phố Cổ", "May Việt", "Nhựa Tiền Phong", "Rạng Đông"}},
		{"q=LED", []string{"Rạng Đông"}}, // not the bakery's "sealed", "filled"
		{"q=leds", []string{"Rạng Đông"}},
		{"q=molding", []string{"Nhựa Tiền Phong"}},
		{"q=moulded", []string{"Nhựa Tiền Phong"}},
		{"q=garment", []string{"May Việt"}},
		{"q=may+mac", []string{"May Việt"}},
		{"q=nong+nghiep", []string{"Rạng Đông"}}, // a key product's name
		{"q=rang+dong", []string{"Rạng Đông"}},
		{"key_product=true", []string{"Rạng Đông"}},
		{"key_product=false", []string{"Bánh mì Phố Cổ", "May Việt", "Nhựa Tiền Phong"}},
		{"recognized_year=2023", []string{"Rạng Đông"}},
		{"recognized_year=2024", []string{}},
		{"tax_code=" + rd["tax_code"].(string), []string{"Rạng Đông"}},
		{"certification=ISO+9001", []string{"Rạng Đông"}}, // any edition, valid today
		{"certification=ISO+9001:2015", []string{"Rạng Đông"}},
		{"certification=ISO+9001:2008", []string{}}, // expired
		{"certification=ISO+14001", []string{}},     // expired
		{"industry_group=agri_food&district=dong+anh", []string{"Bánh mì Phố Cổ"}},
	} {
		for _, limit := range []string{"1", "3", "20"} {
			got, total := e.walk(fmt.Sprintf("/v1/suppliers?after=%d&limit=%s&%s", last, limit, tc.query), buyerTok)
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("%s, limit %s: %q (total %d), want %q", tc.query, limit, got, total, tc.want)
			}
		}
	}
	e.badParams(buyerTok, map[string][]string{
		"/v1/suppliers?foo=1&bar=2":                         {"bar", "foo"},
		"/v1/suppliers?key_product=yes":                     {"key_product"},
		"/v1/suppliers?recognized_year=23":                  {"recognized_year"},
		"/v1/suppliers?recognized_year=two":                 {"recognized_year"},
		"/v1/suppliers?tax_code=123":                        {"tax_code"},
		"/v1/suppliers?limit=0&industry_group=x&cursor=%3F": {"industry_group", "limit", "cursor"},
		"/v1/events?page=2":                                 {"page"},
	})
	created := e.must(e.do("POST", "/v1/events", e.organiser, eventBody("Hội nghị kết nối 2030")), 201)
	event := created.str(t, "id")
	var list struct {
		Items      []struct{ ID string } `json:"items"`
		NextCursor *string               `json:"next_cursor"`
		Total      int                   `json:"total"`
		Events     []struct{ ID string } `json:"events"`
	}
	if err := jsonUnmarshal(e.must(e.read(fmt.Sprintf("/v1/events?after=%d", created.num(t, "position")), buyerTok), 200).body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 || list.Items[0].ID != event || list.Total != 1 || list.NextCursor == nil || *list.NextCursor != "" ||
		len(list.Events) != 1 || list.Events[0].ID != event {
		t.Fatalf("GET /v1/events: %+v", list)
	}
}

// TestListsNeverFail: odd text in every text parameter of the lists is a
// 200 or a 400 naming it, never a 500.
func TestListsNeverFail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.newSupplier("Rạng Đông")
	e.newBuyer("Canon")
	odd := []string{"'", `\`, "%_", "a & b | !c", ":*", "(x <-> y)", "🙂 LED", "漢字 かな", "\u202egnirts", "\u200b",
		"a\x00", "\xff", strings.Repeat("x", 200), strings.Repeat("ü", 201), "ISO 9001:", ":2015", "-", "1e5", "0x10"}
	for _, path := range []string{"/v1/suppliers?q=", "/v1/suppliers?certification=", "/v1/suppliers?district=",
		"/v1/suppliers?tax_code=", "/v1/suppliers?recognized_year=", "/v1/suppliers?key_product=",
		"/v1/buyers?q=", "/v1/buyers?country=", "/v1/demands?q=", "/v1/demands?hs=", "/v1/demands?certification=",
		"/v1/demands?country=", "/v1/suppliers?cursor=", "/v1/demands?limit="} {
		for _, v := range odd {
			r := e.do("GET", path+url.QueryEscape(v), e.organiser, nil)
			switch r.status {
			case 200:
				r.list(t)
			case 400:
				if f := r.fields(t); len(f) != 1 {
					t.Errorf("%s%q: 400 on %q", path, v, f)
				}
			default:
				t.Errorf("%s%q: %d %s", path, v, r.status, r.body)
			}
		}
	}
}
