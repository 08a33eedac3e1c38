package projections_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/projections"
)

func TestSearchFoldCoversVietnamese(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct{ in, want string }{
		{"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ",
			"aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"},
		{"àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
			"aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"},
		{"Rạng Đông", "rang dong"},
		{"cơ khí", "co khi"},
		{"Ra\u0323ng \u0110o\u0302ng", "rang dong"}, // decomposed (NFD) marks
		{"o\u031b\u0300 u\u031b\u0303", "o u"},      // horn plus tone, decomposed
		{"  Bóng\tđèn \n PHÍCH  ", "bong den phich"},
	}
	for _, tt := range tests {
		var got string
		if err := e.pool.QueryRow(context.Background(), `SELECT search_fold($1)`, tt.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("search_fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGetSupplier(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sid, c1, c2, c3 := newID(t), newID(t), newID(t), newID(t)
	reg := registration(1, "Công ty CP Bóng đèn Phích nước Rạng Đông", "Thanh Xuân")
	reg.IndustrialZone, reg.Employees = "Thượng Đình", ptr(2800)
	reg.Contact.Phone = "+84 24 3858 4310"
	e.registerSupplier(sid, reg)
	full := supplier.Capability{
		Title:          "LED lighting",
		Description:    "Bóng đèn LED và đèn huỳnh quang",
		IndustryGroup:  domain.ElectricalElectronics,
		VSIC:           "27400",
		HSCodes:        []string{"8539.50"},
		Processes:      []string{"SMT assembly", "ép nhựa"},
		Materials:      []string{"aluminium", "PC"},
		Certifications: []supplier.CertificationInput{{Standard: "ISO 9001", ValidUntil: "2027-06-30"}},
		Capacity:       domain.Rate{Quantity: 1.5e6, Unit: domain.Pieces, Per: "month"},
		MOQ:            ptr(5000.0),
		LeadTimeDays:   21,
		ExportMarkets:  []string{"jp", "KR"},
	}
	e.supplier(sid, func(s *supplier.Supplier) error { return s.DeclareCapability(c1, full) })
	e.supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(c2, capability("Thermos flasks", domain.ChemRubberPlasticPharma))
	})
	e.supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(c3, capability("Glass", domain.BuildingMaterials))
	})
	e.supplier(sid, func(s *supplier.Supplier) error {
		return s.ReviseCapability(c2, capability("Vacuum flasks", domain.Handicrafts))
	})
	e.supplier(sid, func(s *supplier.Supplier) error { return s.WithdrawCapability(c3) })
	e.supplier(sid, func(s *supplier.Supplier) error {
		return s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Bóng đèn LED", RecognizedYear: 2022, DecisionNo: "4303/QĐ-UBND"})
	})
	e.supplier(sid, func(s *supplier.Supplier) error {
		return s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Phích nước", RecognizedYear: 2023, DecisionNo: "12/QĐ-UBND"})
	})
	e.rebuild(&projections.Directory{}, &projections.DirectorySearch{})

	got, err := projections.GetSupplier(ctx, e.pool, sid)
	if err != nil {
		t.Fatal(err)
	}
	want := projections.Supplier{
		ID: sid, Name: reg.Name, TaxCode: reg.TaxCode, District: "Thanh Xuân", IndustrialZone: "Thượng Đình",
		Ownership: domain.Domestic, Employees: ptr(2800), Contact: reg.Contact,
		Capabilities: []projections.Capability{
			{
				ID: c1, Title: "LED lighting", Description: full.Description, IndustryGroup: domain.ElectricalElectronics,
				VSIC: "27400", HSCodes: []string{"853950"}, Processes: full.Processes, Materials: full.Materials,
				Certifications: []supplier.Certification{{Standard: "ISO 9001", ValidUntil: date(t, "2027-06-30")}},
				Capacity:       full.Capacity, MOQ: ptr(5000.0), LeadTimeDays: 21, ExportMarkets: []string{"JP", "KR"},
			},
			{
				ID: c2, Title: "Vacuum flasks", IndustryGroup: domain.Handicrafts, HSCodes: []string{}, Processes: []string{},
				Materials: []string{}, Certifications: []supplier.Certification{},
				Capacity: domain.Rate{Quantity: 1000, Unit: domain.Pieces, Per: "month"}, LeadTimeDays: 30,
				ExportMarkets: []string{},
			},
		},
		KeyProducts: []supplier.KeyProduct{
			{Product: "Bóng đèn LED", RecognizedYear: 2022, DecisionNo: "4303/QĐ-UBND"},
			{Product: "Phích nước", RecognizedYear: 2023, DecisionNo: "12/QĐ-UBND"},
		},
		Version: 8,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GetSupplier:\n got %+v\nwant %+v", got, want)
	}
	if v, err := projections.SupplierVersion(ctx, e.pool, sid); err != nil || v != 8 {
		t.Errorf("SupplierVersion = %d, %v; want 8", v, err)
	}

	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]any
	if err := json.Unmarshal(b, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "name", "tax_code", "district", "industrial_zone", "ownership", "employees",
		"contact", "capabilities", "key_products", "version"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	for _, s := range []string{`"valid_until":"2027-06-30"`, `"capacity":{"quantity":1500000,"unit":"pcs","per":"month"}`,
		`"hs_codes":[]`, `"certifications":[]`, `"moq":null`, `"recognized_year":2022`, `"decision_no":"4303/QĐ-UBND"`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}
}

func TestGetSupplierEmptyListsAndNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sid := newID(t)
	e.registerSupplier(sid, registration(2, "Vicostone", "Thạch Thất"))
	e.rebuild(&projections.Directory{}, &projections.DirectorySearch{})
	got, err := projections.GetSupplier(ctx, e.pool, sid)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	for _, s := range []string{`"capabilities":[]`, `"key_products":[]`, `"employees":null`, `"industrial_zone":""`, `"version":1`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}
	if _, err := projections.GetSupplier(ctx, e.pool, uuid.New()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown supplier: %v, want ErrNotFound", err)
	}
	if _, err := projections.SupplierVersion(ctx, e.pool, uuid.New()); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("unknown supplier version: %v, want ErrNotFound", err)
	}
}

func TestProfileRevisionRenamesAndKeepsCapabilities(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	wait := e.live(&projections.Directory{}, &projections.DirectorySearch{})
	sid := newID(t)
	e.registerSupplier(sid, registration(3, "Old Name", "Đông Anh"))
	e.supplier(sid, func(s *supplier.Supplier) error {
		return s.DeclareCapability(newID(t), capability("Đúc gang", domain.Mechanical))
	})
	e.supplier(sid, func(s *supplier.Supplier) error {
		r := registration(3, "Cơ khí Việt-Tiệp", "Sóc Sơn")
		return s.ReviseProfile(r)
	})
	wait()
	for q, want := range map[string]int{"old": 0, "viet tiep": 1, "duc gang": 1} {
		page, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != want {
			t.Errorf("q=%q: %d items, want %d", q, len(page.Items), want)
		}
	}
	page, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{District: "soc son"})
	if err != nil || len(page.Items) != 1 || page.Items[0].CapabilityCount != 1 || page.Items[0].District != "Sóc Sơn" {
		t.Errorf("district soc son: %+v, %v", page, err)
	}
}

// directoryFixture registers a few suppliers that the search tests tell
// apart.
func directoryFixture(t *testing.T, e *env) map[string]uuid.UUID {
	ids := map[string]uuid.UUID{}
	add := func(key string, n int, name, district string, caps ...supplier.Capability) {
		id := newID(t)
		ids[key] = id
		e.registerSupplier(id, registration(n, name, district))
		for _, c := range caps {
			e.supplier(id, func(s *supplier.Supplier) error { return s.DeclareCapability(newID(t), c) })
		}
	}
	led := capability("Đèn LED chiếu sáng", domain.ElectricalElectronics)
	led.Certifications = []supplier.CertificationInput{{Standard: "ISO 9001", ValidUntil: "2027-01-01"}}
	add("rangdong", 10, "Công ty CP Bóng đèn Phích nước Rạng Đông", "Thanh Xuân", led)

	lathe := capability("Gia công cơ khí chính xác", domain.Mechanical)
	lathe.Processes = []string{"tiện CNC", "phay"}
	lathe.Certifications = []supplier.CertificationInput{{Standard: "IATF 16949", ValidUntil: "2026-12-31"}}
	add("cokhi", 11, "Công ty TNHH Chế tạo Hà Nội", "Đông Anh", lathe)

	stone := capability("Quartz surfaces", domain.BuildingMaterials)
	stone.Description = "Đá thạch anh nhân tạo 100% ổn định"
	stone.Materials = []string{"thạch anh"}
	add("vicostone", 12, "Vicostone", "Thạch Thất", stone)

	add("bare", 13, "Xưởng Gỗ Đông Anh", "Đông Anh")

	// A withdrawn capability must neither be found nor filter.
	zebra := newID(t)
	add("withdrawn", 14, "Dệt may Hà Nội", "Hoàng Mai")
	gone := capability("Zebra printing", domain.TextileLeather)
	gone.Certifications = []supplier.CertificationInput{{Standard: "OEKO-TEX 100", ValidUntil: "2030-01-01"}}
	e.supplier(ids["withdrawn"], func(s *supplier.Supplier) error { return s.DeclareCapability(zebra, gone) })
	e.supplier(ids["withdrawn"], func(s *supplier.Supplier) error { return s.WithdrawCapability(zebra) })
	return ids
}

func TestSearchSuppliers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ids := directoryFixture(t, e)
	e.rebuild(&projections.Directory{}, &projections.DirectorySearch{})
	tests := []struct {
		q    projections.SupplierQuery
		want []string
	}{
		{projections.SupplierQuery{}, []string{"rangdong", "cokhi", "withdrawn", "vicostone", "bare"}},
		{projections.SupplierQuery{Q: "rang dong"}, []string{"rangdong"}},
		{projections.SupplierQuery{Q: "RẠNG"}, []string{"rangdong"}},
		{projections.SupplierQuery{Q: "  Rạng   ĐÔNG "}, []string{"rangdong"}},
		{projections.SupplierQuery{Q: "co khi"}, []string{"cokhi"}},
		{projections.SupplierQuery{Q: "cơ khí chính"}, []string{"cokhi"}},
		{projections.SupplierQuery{Q: "cnc"}, []string{"cokhi"}},           // a process
		{projections.SupplierQuery{Q: "thach anh"}, []string{"vicostone"}}, // description and materials
		{projections.SupplierQuery{Q: "100%"}, []string{"vicostone"}},      // % is not a wildcard
		{projections.SupplierQuery{Q: "1_0"}, nil},                         // nor is _
		{projections.SupplierQuery{Q: "rang dong vicostone"}, nil},         // every word must match
		{projections.SupplierQuery{Q: "zebra"}, nil},                       // withdrawn
		{projections.SupplierQuery{Q: "ha noi"}, []string{"cokhi", "withdrawn"}},
		{projections.SupplierQuery{IndustryGroup: "mechanical"}, []string{"cokhi"}},
		{projections.SupplierQuery{IndustryGroup: "textile_leather"}, nil},
		{projections.SupplierQuery{Certification: "iso9001"}, []string{"rangdong"}},
		{projections.SupplierQuery{Certification: " ISO  9001 "}, []string{"rangdong"}},
		{projections.SupplierQuery{Certification: "iatf 16949"}, []string{"cokhi"}},
		{projections.SupplierQuery{Certification: "iatf 16949", Today: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, nil}, // lapsed
		{projections.SupplierQuery{Certification: "ISO 9001:2015"}, nil},                                                  // another edition
		{projections.SupplierQuery{Certification: "ISO 14001"}, nil},
		{projections.SupplierQuery{Certification: "oeko-tex 100"}, nil},
		{projections.SupplierQuery{District: "dong anh"}, []string{"cokhi", "bare"}},
		{projections.SupplierQuery{District: "ĐÔNG ANH"}, []string{"cokhi", "bare"}},
		{projections.SupplierQuery{District: "dong"}, nil},
		{projections.SupplierQuery{District: "Đông Anh", Q: "go"}, []string{"bare"}},
		{projections.SupplierQuery{Q: "ha noi", IndustryGroup: "mechanical", Certification: "IATF16949", District: "Dong Anh"},
			[]string{"cokhi"}},
	}
	for _, tt := range tests {
		if tt.q.Today.IsZero() {
			tt.q.Today = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) // the certificates are valid
		}
		page, err := projections.SearchSuppliers(ctx, e.pool, tt.q)
		if err != nil {
			t.Fatalf("%+v: %v", tt.q, err)
		}
		got := make([]string, 0)
		for _, s := range page.Items {
			for k, id := range ids {
				if id == s.ID {
					got = append(got, k)
				}
			}
		}
		want := tt.want
		if want == nil {
			want = []string{}
		}
		if !reflect.DeepEqual(got, want) || page.NextCursor != "" {
			t.Errorf("%+v: got %q (next %q), want %q", tt.q, got, page.NextCursor, want)
		}
	}

	page, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{Q: "rang dong"})
	if err != nil {
		t.Fatal(err)
	}
	want := projections.SupplierSummary{ID: ids["rangdong"], Name: "Công ty CP Bóng đèn Phích nước Rạng Đông",
		TaxCode: "0100000010", District: "Thanh Xuân", Ownership: domain.Domestic,
		IndustryGroups: []domain.IndustryGroup{domain.ElectricalElectronics}, CapabilityCount: 1}
	if !reflect.DeepEqual(page.Items, []projections.SupplierSummary{want}) {
		t.Errorf("summary = %+v, want %+v", page.Items, want)
	}
	empty, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{Q: "nothing-like-this"})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(empty); string(b) != `{"items":[],"next_cursor":"","total":0}` {
		t.Errorf("empty page = %s", b)
	}
}

func TestSearchSummaryCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sid, c1, c2, c3 := newID(t), newID(t), newID(t), newID(t)
	e.registerSupplier(sid, registration(20, "Hanel", "Long Biên"))
	for _, c := range []struct {
		id uuid.UUID
		g  domain.IndustryGroup
	}{{c1, domain.IT}, {c2, domain.ElectricalElectronics}, {c3, domain.IT}} {
		e.supplier(sid, func(s *supplier.Supplier) error { return s.DeclareCapability(c.id, capability("x", c.g)) })
	}
	e.supplier(sid, func(s *supplier.Supplier) error { return s.WithdrawCapability(c2) })
	e.supplier(sid, func(s *supplier.Supplier) error {
		return s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Phần mềm", RecognizedYear: 2024, DecisionNo: "1/QĐ"})
	})
	e.rebuild(&projections.Directory{}, &projections.DirectorySearch{})
	page, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{})
	if err != nil {
		t.Fatal(err)
	}
	want := []projections.SupplierSummary{{ID: sid, Name: "Hanel", TaxCode: "0100000020", District: "Long Biên", Ownership: domain.Domestic,
		IndustryGroups: []domain.IndustryGroup{domain.IT}, KeyProductCount: 1, CapabilityCount: 2}}
	if !reflect.DeepEqual(page.Items, want) {
		t.Errorf("items = %+v, want %+v", page.Items, want)
	}
	b, _ := json.Marshal(page.Items[0])
	const wantJSON = `"industry_groups":["it"],"key_product_count":1,"capability_count":2}`
	if !strings.HasSuffix(string(b), wantJSON) {
		t.Errorf("summary JSON = %s, want suffix %s", b, wantJSON)
	}
}

func TestSearchPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	names := []string{"Ánh Dương", "anh duong", "Bình Minh", "Cơ khí", "Co khi", "Đại Việt", "Dai Viet", "Zeta"}
	all := map[uuid.UUID]bool{}
	for i := range 45 {
		id := newID(t)
		all[id] = true
		group := domain.Mechanical
		if i%3 == 0 {
			group = domain.AgriFood
		}
		// Repeated names: the id breaks ties.
		e.registerSupplier(id, registration(100+i, fmt.Sprintf("%s %d", names[i%len(names)], i%4), "Hà Đông"))
		e.supplier(id, func(s *supplier.Supplier) error { return s.DeclareCapability(newID(t), capability("Part", group)) })
	}
	e.rebuild(&projections.Directory{}, &projections.DirectorySearch{})

	walk := func(q projections.SupplierQuery) []uuid.UUID {
		var ids []uuid.UUID
		for pages := 0; ; pages++ {
			if pages > 50 {
				t.Fatal("pagination does not end")
			}
			page, err := projections.SearchSuppliers(ctx, e.pool, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) > q.Limit && q.Limit > 0 {
				t.Fatalf("page of %d items, limit %d", len(page.Items), q.Limit)
			}
			for _, s := range page.Items {
				ids = append(ids, s.ID)
			}
			if page.NextCursor == "" {
				return ids
			}
			q.Cursor = page.NextCursor
		}
	}
	one, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var order []uuid.UUID
	for _, s := range one.Items {
		order = append(order, s.ID)
	}
	if len(order) != 45 || one.NextCursor != "" {
		t.Fatalf("one page: %d items, next %q", len(order), one.NextCursor)
	}
	for _, limit := range []int{1, 7, 10, 15, 44, 45} {
		got := walk(projections.SupplierQuery{Limit: limit})
		if !slices.Equal(got, order) {
			t.Errorf("limit %d: pages give %d ids in another order", limit, len(got))
		}
	}
	seen := map[uuid.UUID]bool{}
	for _, id := range order {
		if seen[id] || !all[id] {
			t.Errorf("%v listed twice or unknown", id)
		}
		seen[id] = true
	}
	// Folded names sort together: "Ánh Dương" next to "anh duong".
	first, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{Limit: 12})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range first.Items {
		if f := strings.ToLower(s.Name); !strings.HasPrefix(f, "anh") && !strings.HasPrefix(f, "ánh") {
			t.Errorf("first page holds %q before the a-names", s.Name)
		}
	}
	// Default limit, and pages of a filtered query.
	def, err := projections.SearchSuppliers(ctx, e.pool, projections.SupplierQuery{})
	if err != nil || len(def.Items) != projections.DefaultLimit || def.NextCursor == "" {
		t.Errorf("default page: %d items, next %q, %v", len(def.Items), def.NextCursor, err)
	}
	agri := walk(projections.SupplierQuery{IndustryGroup: "agri_food", Limit: 4})
	if len(agri) != 15 {
		t.Errorf("agri_food pages: %d suppliers, want 15", len(agri))
	}
}

func TestSearchValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		q      projections.SupplierQuery
		fields []string
	}{
		{projections.SupplierQuery{Limit: -1}, []string{"limit"}},
		{projections.SupplierQuery{Limit: 101}, []string{"limit"}},
		{projections.SupplierQuery{Cursor: "!!!"}, []string{"cursor"}},
		{projections.SupplierQuery{Cursor: "eyJuIjoiYSJ9"}, []string{"cursor"}}, // {"n":"a"}: no id
		{projections.SupplierQuery{Cursor: "bm90IGpzb24"}, []string{"cursor"}},  // "not json"
		{projections.SupplierQuery{IndustryGroup: "aerospace"}, []string{"industry_group"}},
		{projections.SupplierQuery{Q: strings.Repeat("a ", 11)}, []string{"q"}},
		{projections.SupplierQuery{Q: strings.Repeat("a", 201)}, []string{"q"}},
		{projections.SupplierQuery{Q: "\xff"}, []string{"q"}},
		{projections.SupplierQuery{Q: "a\x00b"}, []string{"q"}},
		{projections.SupplierQuery{Certification: "ISO\x00"}, []string{"certification"}},
		{projections.SupplierQuery{District: strings.Repeat("đ", 201)}, []string{"district"}},
		{projections.SupplierQuery{Cursor: base64.RawURLEncoding.EncodeToString(
			[]byte(`{"n":"a\u0000","i":"0193a1b2-0000-7000-8000-0000000000b1"}`))}, []string{"cursor"}},
		{projections.SupplierQuery{Q: "\xff", IndustryGroup: "Mechanical", Limit: 1000, Cursor: "x"},
			[]string{"q", "industry_group", "limit", "cursor"}},
	}
	for _, tt := range tests {
		_, err := projections.SearchSuppliers(ctx, e.pool, tt.q)
		wantFields(t, err, tt.fields...)
	}
	for _, q := range []projections.SupplierQuery{{Limit: 0}, {Limit: 1}, {Limit: 100},
		{Cursor: base64.RawURLEncoding.EncodeToString([]byte(`{"n":"zz","i":"0193a1b2-0000-7000-8000-0000000000b1"}`))},
		{Q: `100% \ _ '; DROP TABLE x; --`, District: "'", Certification: `\`}} {
		if _, err := projections.SearchSuppliers(ctx, e.pool, q); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
	}
}
