package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/projections/search"
)

// relevanceFirm is a firm of the labelled relevance set.
type relevanceFirm struct {
	name, district string
	keyProduct     string
	caps           []supplier.Capability
}

func relevanceCap(title, description string, g domain.IndustryGroup, processes ...string) supplier.Capability {
	c := capability(title, g)
	c.Description, c.Processes = description, processes
	return c
}

// relevanceFirms look like the city's directory: names, key products and
// capabilities in Vietnamese and English, words that recur across firms.
var relevanceFirms = []relevanceFirm{
	{name: "Công ty CP Bóng đèn Phích nước Rạng Đông", district: "Thanh Xuân", keyProduct: "Đèn LED chiếu sáng nông nghiệp",
		caps: []supplier.Capability{relevanceCap("LED lighting", "Bóng đèn, đèn LED, phích nước", domain.ElectricalElectronics)}},
	{name: "Phân phối Thiết bị điện Hà Thành", district: "Đống Đa",
		caps: []supplier.Capability{relevanceCap("Electrical distribution", "Phân phối sản phẩm Rạng Đông, đèn LED và dây điện", domain.ElectricalElectronics)}},
	{name: "LED Việt", district: "Long Biên",
		caps: []supplier.Capability{relevanceCap("Street lights", "Outdoor lighting", domain.ElectricalElectronics)}},
	{name: "Bánh mì Phố Cổ", district: "Hoàn Kiếm",
		caps: []supplier.Capability{relevanceCap("Bakery", "Handcrafted bread, sealed packaging, filled pastries", domain.AgriFood)}},
	{name: "Nhựa Tiền Phong", district: "Đông Anh",
		caps: []supplier.Capability{relevanceCap("Plastic injection moulding", "Housings and parts", domain.ChemRubberPlasticPharma, "injection moulding")}},
	{name: "Âu Cơ Khuôn mẫu", district: "Hoài Đức",
		caps: []supplier.Capability{relevanceCap("Mould making", "Steel moulds for plastic injection molding", domain.Mechanical)}},
	{name: "May 10 Garment Corporation", district: "Long Biên",
		caps: []supplier.Capability{relevanceCap("Shirts and suits", "Export garments", domain.TextileLeather)}},
	{name: "Dệt may Hoàng Mai", district: "Hoàng Mai",
		caps: []supplier.Capability{relevanceCap("May mặc xuất khẩu", "Áo sơ mi, đồng phục", domain.TextileLeather)}},
	{name: "Cơ khí Chính xác Hà Nội", district: "Đông Anh",
		caps: []supplier.Capability{relevanceCap("Precision parts", "CNC turning", domain.Mechanical)}},
	{name: "Công ty TNHH Kết cấu Thép Sóc Sơn", district: "Sóc Sơn",
		caps: []supplier.Capability{relevanceCap("Steel structures", "Gia công cơ khí chính xác, hàn, sơn tĩnh điện", domain.Mechanical)}},
	{name: "Gốm sứ Bát Tràng", district: "Gia Lâm", keyProduct: "Gốm sứ men lam",
		caps: []supplier.Capability{relevanceCap("Ceramic tableware", "Hand painted bowls", domain.Handicrafts)}},
	{name: "An Phú Ba Vì", district: "Ba Vì",
		caps: []supplier.Capability{relevanceCap("Vegetables", "Rau sạch nông nghiệp hữu cơ, chiếu sáng nhà kính", domain.AgriFood)}},
}

// TestSearchRelevance is the labelled relevance set: for each query, the
// firms that must come first, in order (a name before a key product before
// a capability's title before its other text), and the ones that must not
// be found at all.
func TestSearchRelevance(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i, f := range relevanceFirms {
		id := newID(t)
		e.RegisterSupplier(id, registration(300+i, f.name, f.district))
		for _, c := range f.caps {
			e.Supplier(id, func(s *supplier.Supplier) error { return s.DeclareCapability(newID(t), c) })
		}
		if f.keyProduct != "" {
			e.Supplier(id, func(s *supplier.Supplier) error {
				return s.RecogniseKeyProduct(supplier.KeyProduct{Product: f.keyProduct, RecognizedYear: 2024, DecisionNo: "1/QĐ"})
			})
		}
	}
	e.Rebuild(&search.DirectorySearch{})

	tests := []struct {
		q        string
		first    []string
		notFound []string
	}{
		{"rang dong", []string{"Công ty CP Bóng đèn Phích nước Rạng Đông", "Phân phối Thiết bị điện Hà Thành"}, nil},
		{"Rạng Đông", []string{"Công ty CP Bóng đèn Phích nước Rạng Đông"}, nil},
		{"LED", []string{"LED Việt", "Công ty CP Bóng đèn Phích nước Rạng Đông", "Phân phối Thiết bị điện Hà Thành"},
			[]string{"Bánh mì Phố Cổ"}},
		{"injection molding", []string{"Nhựa Tiền Phong", "Âu Cơ Khuôn mẫu"}, nil},
		{"moulds", []string{"Âu Cơ Khuôn mẫu", "Nhựa Tiền Phong"}, nil},
		{"garments", []string{"May 10 Garment Corporation", "Dệt may Hoàng Mai"}, nil},
		{"co khi chinh xac", []string{"Cơ khí Chính xác Hà Nội", "Công ty TNHH Kết cấu Thép Sóc Sơn"}, nil},
		{"gốm sứ", []string{"Gốm sứ Bát Tràng"}, nil},
		{"men lam", []string{"Gốm sứ Bát Tràng"}, nil}, // a key product
		{"nong nghiep", []string{"Công ty CP Bóng đèn Phích nước Rạng Đông", "An Phú Ba Vì"}, nil},
		{"chieu sang", []string{"Công ty CP Bóng đèn Phích nước Rạng Đông", "An Phú Ba Vì"}, nil},
		{"steel", []string{"Công ty TNHH Kết cấu Thép Sóc Sơn", "Âu Cơ Khuôn mẫu"}, nil},
		{"sealed", []string{"Bánh mì Phố Cổ"}, nil},
	}
	for _, tt := range tests {
		page, err := search.SearchSuppliers(ctx, e.Pool, search.SupplierQuery{Q: tt.q, Limit: 100,
			Today: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range page.Items {
			got = append(got, s.Name)
		}
		if len(got) < len(tt.first) || !slices.Equal(got[:len(tt.first)], tt.first) {
			t.Errorf("q=%q: %q, want first %q", tt.q, got, tt.first)
		}
		for _, n := range tt.notFound {
			if slices.Contains(got, n) {
				t.Errorf("q=%q found %q", tt.q, n)
			}
		}
		if page.Total != len(got) {
			t.Errorf("q=%q: total %d, %d items", tt.q, page.Total, len(got))
		}
	}
}

// TestSearchDocumentOfAHugeSupplier: a supplier near its limits, whose
// capabilities hold some 100,000 distinct words, is still indexed (a
// tsvector holds at most 1 MB) and found by its name and first capability.
func TestSearchDocumentOfAHugeSupplier(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		b := make([]byte, 8)
		for i := range b {
			b[i] = 'a' + byte(rng.IntN(26))
		}
		return string(b)
	}
	text := func(runes int) string {
		var parts []string
		for n := 0; n+9 <= runes; n += 9 {
			parts = append(parts, word())
		}
		return strings.Join(parts, " ")
	}
	id := newID(t)
	e.RegisterSupplier(id, registration(400, "Xưởng Khổng Lồ", "Đông Anh"))
	for i := range 40 {
		c := capability(fmt.Sprintf("Capability %d", i), domain.Mechanical)
		c.Description = text(domain.MaxTextLen - 20)
		for range domain.MaxListLen {
			c.Processes = append(c.Processes, text(domain.MaxNameLen))
			c.Materials = append(c.Materials, text(domain.MaxNameLen))
		}
		if i == 0 {
			c.Description = "Khuôn ép nhựa " + c.Description
		}
		e.Supplier(id, func(s *supplier.Supplier) error { return s.DeclareCapability(newID(t), c) })
	}
	e.Rebuild(&search.DirectorySearch{})
	for _, q := range []string{"khong lo", "khuon", "capability"} {
		page, err := search.SearchSuppliers(context.Background(), e.Pool, search.SupplierQuery{Q: q})
		if err != nil || len(page.Items) != 1 || page.Items[0].CapabilityCount != 40 {
			t.Errorf("q=%q: %+v, %v", q, page, err)
		}
	}
}
