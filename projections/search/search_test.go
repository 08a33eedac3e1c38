package search_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/keyset"
	"github.com/keylink/keylink/projections/search"
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
		if err := e.Pool.QueryRow(context.Background(), `SELECT search_fold($1)`, tt.in).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("search_fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// directoryFixture registers a few suppliers that the search tests tell
// apart.
func directoryFixture(t *testing.T, e *env) map[string]uuid.UUID {
	ids := map[string]uuid.UUID{}
	add := func(key string, n int, name, district string, caps ...supplier.Capability) {
		id := newID(t)
		ids[key] = id
		e.RegisterSupplier(id, registration(n, name, district))
		for _, c := range caps {
			e.Supplier(id, func(s *supplier.Supplier) error { return s.DeclareCapability(newID(t), c) })
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
	e.Supplier(ids["withdrawn"], func(s *supplier.Supplier) error { return s.DeclareCapability(zebra, gone) })
	e.Supplier(ids["withdrawn"], func(s *supplier.Supplier) error { return s.WithdrawCapability(zebra) })
	return ids
}

func TestSearchSuppliers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	ids := directoryFixture(t, e)
	e.Rebuild(&directory.Directory{}, &search.DirectorySearch{})
	tests := []struct {
		q    search.SupplierQuery
		want []string
	}{
		{search.SupplierQuery{}, []string{"rangdong", "cokhi", "withdrawn", "vicostone", "bare"}},
		{search.SupplierQuery{Q: "rang dong"}, []string{"rangdong"}},
		{search.SupplierQuery{Q: "RẠNG"}, []string{"rangdong"}},
		{search.SupplierQuery{Q: "  Rạng   ĐÔNG "}, []string{"rangdong"}},
		{search.SupplierQuery{Q: "co khi"}, []string{"cokhi"}},
		{search.SupplierQuery{Q: "cơ khí chính"}, []string{"cokhi"}},
		{search.SupplierQuery{Q: "cnc"}, []string{"cokhi"}},           // a process
		{search.SupplierQuery{Q: "thach anh"}, []string{"vicostone"}}, // description and materials
		{search.SupplierQuery{Q: "100%"}, []string{"vicostone"}},      // % is not a wildcard
		{search.SupplierQuery{Q: "1_0"}, nil},                         // nor is _
		{search.SupplierQuery{Q: "rang dong vicostone"}, nil},         // every word must match
		{search.SupplierQuery{Q: "zebra"}, nil},                       // withdrawn
		{search.SupplierQuery{Q: "ha noi"}, []string{"cokhi", "withdrawn"}},
		{search.SupplierQuery{IndustryGroup: "mechanical"}, []string{"cokhi"}},
		{search.SupplierQuery{IndustryGroup: "textile_leather"}, nil},
		{search.SupplierQuery{Certification: "iso9001"}, []string{"rangdong"}},
		{search.SupplierQuery{Certification: " ISO  9001 "}, []string{"rangdong"}},
		{search.SupplierQuery{Certification: "iatf 16949"}, []string{"cokhi"}},
		{search.SupplierQuery{Certification: "iatf 16949", Today: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}, nil}, // lapsed
		{search.SupplierQuery{Certification: "ISO 9001:2015"}, nil},                                                  // another edition
		{search.SupplierQuery{Certification: "ISO 14001"}, nil},
		{search.SupplierQuery{Certification: "oeko-tex 100"}, nil},
		{search.SupplierQuery{District: "dong anh"}, []string{"cokhi", "bare"}},
		{search.SupplierQuery{District: "ĐÔNG ANH"}, []string{"cokhi", "bare"}},
		{search.SupplierQuery{District: "dong"}, nil},
		{search.SupplierQuery{District: "Đông Anh", Q: "go"}, []string{"bare"}},
		{search.SupplierQuery{Q: "ha noi", IndustryGroup: "mechanical", Certification: "IATF16949", District: "Dong Anh"},
			[]string{"cokhi"}},
	}
	for _, tt := range tests {
		if tt.q.Today.IsZero() {
			tt.q.Today = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) // the certificates are valid
		}
		page, err := search.SearchSuppliers(ctx, e.Pool, tt.q)
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

	page, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{Q: "rang dong"})
	if err != nil {
		t.Fatal(err)
	}
	want := search.SupplierSummary{ID: ids["rangdong"], Name: "Công ty CP Bóng đèn Phích nước Rạng Đông",
		TaxCode: "0100000010", District: "Thanh Xuân", Ownership: domain.Domestic,
		IndustryGroups: []domain.IndustryGroup{domain.ElectricalElectronics}, CapabilityCount: 1}
	if !reflect.DeepEqual(page.Items, []search.SupplierSummary{want}) {
		t.Errorf("summary = %+v, want %+v", page.Items, want)
	}
	empty, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{Q: "nothing-like-this"})
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
	e.RegisterSupplier(sid, registration(20, "Hanel", "Long Biên"))
	for _, c := range []struct {
		id uuid.UUID
		g  domain.IndustryGroup
	}{{c1, domain.IT}, {c2, domain.ElectricalElectronics}, {c3, domain.IT}} {
		e.Supplier(sid, func(s *supplier.Supplier) error { return s.DeclareCapability(c.id, capability("x", c.g)) })
	}
	e.Supplier(sid, func(s *supplier.Supplier) error { return s.WithdrawCapability(c2) })
	e.Supplier(sid, func(s *supplier.Supplier) error {
		return s.RecogniseKeyProduct(supplier.KeyProduct{Product: "Phần mềm", RecognizedYear: 2024, DecisionNo: "1/QĐ"})
	})
	e.Rebuild(&directory.Directory{}, &search.DirectorySearch{})
	page, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{})
	if err != nil {
		t.Fatal(err)
	}
	want := []search.SupplierSummary{{ID: sid, Name: "Hanel", TaxCode: "0100000020", District: "Long Biên", Ownership: domain.Domestic,
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
		e.RegisterSupplier(id, registration(100+i, fmt.Sprintf("%s %d", names[i%len(names)], i%4), "Hà Đông"))
		e.Supplier(id, func(s *supplier.Supplier) error { return s.DeclareCapability(newID(t), capability("Part", group)) })
	}
	e.Rebuild(&directory.Directory{}, &search.DirectorySearch{})

	walk := func(q search.SupplierQuery) []uuid.UUID {
		var ids []uuid.UUID
		for pages := 0; ; pages++ {
			if pages > 50 {
				t.Fatal("pagination does not end")
			}
			page, err := search.SearchSuppliers(ctx, e.Pool, q)
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
	one, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{Limit: 100})
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
		got := walk(search.SupplierQuery{Limit: limit})
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
	first, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{Limit: 12})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range first.Items {
		if f := strings.ToLower(s.Name); !strings.HasPrefix(f, "anh") && !strings.HasPrefix(f, "ánh") {
			t.Errorf("first page holds %q before the a-names", s.Name)
		}
	}
	// Default limit, and pages of a filtered query.
	def, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{})
	if err != nil || len(def.Items) != keyset.DefaultLimit || def.NextCursor == "" {
		t.Errorf("default page: %d items, next %q, %v", len(def.Items), def.NextCursor, err)
	}
	agri := walk(search.SupplierQuery{IndustryGroup: "agri_food", Limit: 4})
	if len(agri) != 15 {
		t.Errorf("agri_food pages: %d suppliers, want 15", len(agri))
	}
}

func TestSearchValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		q      search.SupplierQuery
		fields []string
	}{
		{search.SupplierQuery{Limit: -1}, []string{"limit"}},
		{search.SupplierQuery{Limit: 101}, []string{"limit"}},
		{search.SupplierQuery{Cursor: "!!!"}, []string{"cursor"}},
		{search.SupplierQuery{Cursor: "eyJuIjoiYSJ9"}, []string{"cursor"}}, // {"n":"a"}: no id
		{search.SupplierQuery{Cursor: "bm90IGpzb24"}, []string{"cursor"}},  // "not json"
		{search.SupplierQuery{IndustryGroup: "aerospace"}, []string{"industry_group"}},
		{search.SupplierQuery{Q: strings.Repeat("a ", 11)}, []string{"q"}},
		{search.SupplierQuery{Q: strings.Repeat("a", 201)}, []string{"q"}},
		{search.SupplierQuery{Q: "\xff"}, []string{"q"}},
		{search.SupplierQuery{Q: "a\x00b"}, []string{"q"}},
		{search.SupplierQuery{Certification: "ISO\x00"}, []string{"certification"}},
		{search.SupplierQuery{District: strings.Repeat("đ", 201)}, []string{"district"}},
		{search.SupplierQuery{Cursor: base64.RawURLEncoding.EncodeToString(
			[]byte(`{"n":"a\u0000","i":"0193a1b2-0000-7000-8000-0000000000b1"}`))}, []string{"cursor"}},
		{search.SupplierQuery{Q: "\xff", IndustryGroup: "Mechanical", Limit: 1000, Cursor: "x"},
			[]string{"q", "industry_group", "limit", "cursor"}},
	}
	for _, tt := range tests {
		_, err := search.SearchSuppliers(ctx, e.Pool, tt.q)
		wantFields(t, err, tt.fields...)
	}
	for _, q := range []search.SupplierQuery{{Limit: 0}, {Limit: 1}, {Limit: 100},
		{Cursor: base64.RawURLEncoding.EncodeToString([]byte(`{"n":"zz","i":"0193a1b2-0000-7000-8000-0000000000b1"}`))},
		{Q: `100% \ _ '; DROP TABLE x; --`, District: "'", Certification: `\`}} {
		if _, err := search.SearchSuppliers(ctx, e.Pool, q); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
	}
}
