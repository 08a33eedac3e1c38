package main

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Vocabulary of the generated firms, close to the demo data: Vietnamese
// names with diacritics, so that search exercises folding.
var (
	firmWords = []string{"Cơ khí", "Điện tử", "Nhựa", "Dệt may", "Cao su", "Thực phẩm", "Khuôn mẫu", "Linh kiện",
		"Kim loại", "Bao bì", "Phụ tùng", "Chính xác"}
	places     = []string{"Hà Nội", "Rạng Đông", "Thăng Long", "Sóc Sơn", "Đông Anh", "Gia Lâm", "Long Biên", "Quang Minh"}
	districts  = []string{"Đông Anh", "Gia Lâm", "Sóc Sơn", "Long Biên", "Thanh Trì", "Mê Linh", "Hoài Đức"}
	zones      = []string{"Thăng Long", "Nội Bài", "Quang Minh", "Phú Nghĩa", "Sài Đồng B"}
	ownerships = []string{"domestic", "fdi", "joint_venture"}

	capabilities = []struct{ title, group, vsic, hs, process, material, unit string }{
		{"Dập và hàn khung thép", "mechanical", "2592", "7326.90", "stamping", "steel", "pcs"},
		{"Gia công CNC chi tiết nhôm", "mechanical", "2592", "7616.99", "cnc_machining", "aluminium", "pcs"},
		{"Ép phun vỏ nhựa", "chem_rubber_plastic_pharma", "2220", "3926.90", "injection_moulding", "abs", "pcs"},
		{"Lắp ráp bo mạch điện tử", "electrical_electronics", "2610", "8534.00", "smt_assembly", "fr4", "sets"},
		{"Bó dây điện ô tô", "electrical_electronics", "2790", "8544.30", "wire_harness", "copper", "sets"},
		{"May đồng phục bảo hộ", "textile_leather", "1410", "6211.33", "sewing", "cotton", "pcs"},
		{"Đúc gang cầu", "mechanical", "2431", "7325.99", "casting", "cast_iron", "t"},
		{"Sơn tĩnh điện", "mechanical", "2592", "7326.90", "powder_coating", "steel", "m2"},
	}
	buyerNames = []string{"Canon Việt Nam", "TOTO Việt Nam", "Yamaha Motor", "Panasonic", "Samsung Display", "Honda",
		"Daewoo Hanel", "Foxconn", "Piaggio", "Meiko Electronics"}
	countries = []string{"JP", "KR", "TW", "US", "DE", "IT", "CN"}
	// searchTerms are URL-encoded queries: with and without diacritics.
	searchTerms = []string{"th%C3%A9p", "thep", "c%C6%A1+kh%C3%AD", "co+khi", "nh%E1%BB%B1a", "nhua", "%C4%91i%E1%BB%87n",
		"dien+tu", "CNC", "d%E1%BA%ADp", "khung", "may", "linh+ki%E1%BB%87n", "aluminium"}
)

func one[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// supplierBody is a POST /v1/suppliers body with a tax code new to the
// database: four digits that differ between runs, then the run's sequence.
func (r *runner) supplierBody(rng *rand.Rand) map[string]any {
	n := r.taxSeq.Add(1)
	return map[string]any{
		"name":     fmt.Sprintf("Công ty TNHH %s %s %d", one(rng, firmWords), one(rng, places), n),
		"tax_code": fmt.Sprintf("%04d%06d-%03d", r.taxBase, n%1e6, n/1e6%1000),
		"district": one(rng, districts), "industrial_zone": one(rng, zones),
		"ownership": one(rng, ownerships), "employees": 20 + rng.IntN(2000),
		"contact": map[string]any{"name": "Nguyễn Văn An", "email": fmt.Sprintf("sales%d@example.vn", n), "phone": "+84 24 3826 1234"},
	}
}

func capabilityBody(rng *rand.Rand) map[string]any {
	c := one(rng, capabilities)
	return map[string]any{
		"title": c.title, "description": c.title + " cho khách hàng FDI, " + one(rng, firmWords),
		"industry_group": c.group, "vsic": c.vsic, "hs_codes": []string{c.hs},
		"processes": []string{c.process}, "materials": []string{c.material},
		"certifications": []map[string]any{{"standard": one(rng, []string{"ISO 9001", "IATF 16949", "ISO 14001"}),
			"valid_until": time.Now().AddDate(1+rng.IntN(3), 0, 0).Format(time.DateOnly)}},
		"capacity": map[string]any{"quantity": 1000 * (1 + rng.IntN(100)), "unit": c.unit, "per": "month"},
		"moq":      100 * (1 + rng.IntN(20)), "lead_time_days": 7 + rng.IntN(60),
		"export_markets": []string{one(rng, countries)},
	}
}

func buyerBody(rng *rand.Rand) map[string]any {
	return map[string]any{"name": one(rng, buyerNames), "country": one(rng, countries), "parent_group": one(rng, buyerNames),
		"district": one(rng, districts), "contact": map[string]any{"name": "Tanaka Hiroshi", "email": "purchasing@example.jp"}}
}

func demandBody(rng *rand.Rand) map[string]any {
	c := one(rng, capabilities)
	return map[string]any{
		"title": "Cần nhà cung cấp: " + c.title, "description": "Local sourcing of " + c.material + " parts",
		"industry_group": c.group, "vsic": c.vsic, "hs_codes": []string{c.hs},
		"processes": []string{c.process}, "materials": []string{c.material},
		"required_certifications": []string{"ISO 9001"},
		"volume":                  map[string]any{"quantity": 500 * (1 + rng.IntN(100)), "unit": c.unit, "per": "month"},
		"max_lead_time_days":      30 + rng.IntN(60),
		"needed_by":               time.Now().AddDate(0, 3+rng.IntN(12), 0).Format(time.DateOnly),
	}
}
