package matching_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

func date(t testing.TB, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var today = func() domain.Date { d, _ := domain.ParseDate("2025-09-01"); return d }()

// perfect returns a demand and a capability that agree on every component,
// so each case below changes one thing and sees exactly its effect.
func perfect(t testing.TB) (matching.Demand, matching.Capability) {
	needed := date(t, "2026-01-15")
	d := matching.Demand{
		DemandID:  uuid.MustParse("00000000-0000-0000-0000-0000000000d1"),
		BuyerID:   uuid.MustParse("00000000-0000-0000-0000-0000000000b1"),
		BuyerName: "Sakura Imaging Vietnam", BuyerCountry: "JP", BuyerDistrict: "Đông Anh",
		Title:                  "CNC machined aluminium brackets",
		Description:            "Milled aluminium brackets and side plates for printer frames.",
		IndustryGroup:          domain.Mechanical,
		VSIC:                   "2592",
		HSCodes:                []string{"8487.90"},
		Processes:              []string{"cnc milling"},
		Materials:              []string{"aluminum alloy"},
		RequiredCertifications: []string{"ISO 9001"},
		Volume:                 domain.Rate{Quantity: 40000, Unit: domain.Pieces, Per: "month"},
		MaxLeadTimeDays:        30,
		NeededBy:               &needed,
	}
	c := matching.Capability{
		SupplierID:     uuid.MustParse("00000000-0000-0000-0000-0000000000a1"),
		SupplierName:   "Công ty CP Cơ khí Chính xác Thăng Long",
		CapabilityID:   uuid.MustParse("00000000-0000-0000-0000-0000000000c1"),
		District:       "Đông Anh",
		IndustrialZone: "KCN Thăng Long",
		KeyProducts:    1,
		Title:          "CNC machined aluminium brackets",
		Description:    "Milled aluminium brackets and side plates for printer frames.",
		IndustryGroup:  domain.Mechanical,
		VSIC:           "2592",
		HSCodes:        []string{"8487.90"},
		Processes:      []string{"cnc milling"},
		Materials:      []string{"aluminum alloy"},
		Certifications: []matching.Certification{{Standard: "ISO 9001:2015", ValidUntil: date(t, "2027-03-31")}},
		Capacity:       domain.Rate{Quantity: 180000, Unit: domain.Pieces, Per: "month"},
		MOQ:            500,
		LeadTimeDays:   21,
		ExportMarkets:  []string{"JP"},
	}
	return d, c
}

func codesOf(ns []matching.Note) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Code
	}
	return out
}

func TestScorePerfectMatch(t *testing.T) {
	d, c := perfect(t)
	m, ok := matching.Score(d, c, today)
	if !ok {
		t.Fatalf("filtered out: %v", m.Gaps)
	}
	if m.Score != 100 {
		t.Errorf("score = %d, want 100; gaps %v", m.Score, m.Gaps)
	}
	if len(m.Gaps) != 0 {
		t.Errorf("gaps = %v, want none", m.Gaps)
	}
	want := []string{"certifications_held", "text_similarity", "process_overlap", "hs_heading",
		"capacity_covers_volume", "vsic_class", "material_overlap", "lead_time_ok",
		"exports_to_buyer_country", "key_product", "moq_within_volume", "same_district"}
	if got := codesOf(m.Reasons); !slices.Equal(got, want) {
		t.Errorf("reasons = %v, want %v", got, want)
	}
	if m.DemandID != d.DemandID || m.BuyerID != d.BuyerID || m.SupplierID != c.SupplierID || m.CapabilityID != c.CapabilityID {
		t.Errorf("ids not copied: %+v", m)
	}
}

func TestScoreHardFilters(t *testing.T) {
	tests := []struct {
		name   string
		change func(*matching.Demand, *matching.Capability)
		ok     bool
		code   string // the failed filter, or a note that must be present when ok
	}{
		{"withdrawn capability", func(d *matching.Demand, c *matching.Capability) { c.Withdrawn = true }, false, "capability_withdrawn"},
		{"closed demand", func(d *matching.Demand, c *matching.Capability) { d.Closed = true }, false, "demand_closed"},
		{"incompatible group", func(d *matching.Demand, c *matching.Capability) { c.IndustryGroup = domain.AgriFood }, false, "industry_group_incompatible"},
		{"unknown group", func(d *matching.Demand, c *matching.Capability) { c.IndustryGroup = "space" }, false, "industry_group_incompatible"},
		{"adjacent group passes with a note", func(d *matching.Demand, c *matching.Capability) {
			c.IndustryGroup = domain.ChemRubberPlasticPharma
		}, true, "adjacent_industry_group"},
		{"incomparable units", func(d *matching.Demand, c *matching.Capability) { c.Capacity.Unit = domain.Kilograms }, false, "unit_incomparable"},
		{"tonnes against kilograms compare", func(d *matching.Demand, c *matching.Capability) {
			d.Volume = domain.Rate{Quantity: 3000, Unit: domain.Kilograms, Per: "month"}
			c.Capacity = domain.Rate{Quantity: 40, Unit: domain.Tonnes, Per: "month"}
			c.MOQ = 0.5
		}, true, "capacity_covers_volume"},
		{"certification missing", func(d *matching.Demand, c *matching.Capability) { c.Certifications = nil }, false, "certification_missing"},
		{"other standard does not count", func(d *matching.Demand, c *matching.Capability) {
			c.Certifications = []matching.Certification{{Standard: "ISO 14001:2015", ValidUntil: date(t, "2027-01-01")}}
		}, false, "certification_missing"},
		{"expired before needed_by though valid today", func(d *matching.Demand, c *matching.Capability) {
			c.Certifications[0].ValidUntil = date(t, "2025-12-31")
		}, false, "certification_expired"},
		{"valid until exactly needed_by", func(d *matching.Demand, c *matching.Capability) {
			c.Certifications[0].ValidUntil = date(t, "2026-01-15")
		}, true, "certifications_held"},
		{"no needed_by: expired yesterday", func(d *matching.Demand, c *matching.Capability) {
			d.NeededBy = nil
			c.Certifications[0].ValidUntil = date(t, "2025-08-31")
		}, false, "certification_expired"},
		{"no needed_by: valid today", func(d *matching.Demand, c *matching.Capability) {
			d.NeededBy = nil
			c.Certifications[0].ValidUntil = date(t, "2025-09-01")
		}, true, "certifications_held"},
		{"zero valid_until never satisfies", func(d *matching.Demand, c *matching.Capability) {
			c.Certifications[0].ValidUntil = domain.Date{}
		}, false, "certification_expired"},
		{"one valid certificate among expired ones", func(d *matching.Demand, c *matching.Capability) {
			c.Certifications = []matching.Certification{
				{Standard: "ISO 9001:2008", ValidUntil: date(t, "2018-09-14")},
				{Standard: "ISO 9001:2015", ValidUntil: date(t, "2027-01-01")},
			}
		}, true, "certifications_held"},
		{"every required certification", func(d *matching.Demand, c *matching.Capability) {
			d.RequiredCertifications = []string{"ISO 9001", "IATF 16949"}
		}, false, "certification_missing"},
		{"blank requirement ignored", func(d *matching.Demand, c *matching.Capability) {
			d.RequiredCertifications = []string{" "}
		}, true, "text_similarity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, c := perfect(t)
			tt.change(&d, &c)
			m, ok := matching.Score(d, c, today)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v; gaps %v", ok, tt.ok, m.Gaps)
			}
			notes := append(codesOf(m.Reasons), codesOf(m.Gaps)...)
			if !slices.Contains(notes, tt.code) {
				t.Errorf("notes = %v, want %s", notes, tt.code)
			}
			if !ok && (m.Score != 0 || len(m.Gaps) != 1) {
				t.Errorf("filtered match = %+v, want score 0 and the one failed filter", m)
			}
		})
	}
}

func TestScoreCertificationSpelling(t *testing.T) {
	tests := []struct {
		held, required string
		ok             bool
	}{
		{"IATF 16949:2016", "iatf16949", true},
		{"iatf16949", "IATF 16949", true},
		{"ISO 9001:2015", "ISO 9001", true},
		{"ISO 9001:2015", "iso-9001", true},
		{"ISO 9001:2015", "ISO 9001:2015", true},
		{"ISO 9001:2008", "ISO 9001:2015", false},
		{"ISO 9001", "ISO 9001:2015", false},
		{"ISO/IEC 27001:2022", "ISO 27001", true},
		{"ISO 27001", "ISO/IEC 27001", true},
		{"Chứng nhận HACCP", "HACCP", false},
		{"HACCP", "haccp", true},
		{"GMP-WHO", "GMP WHO", true},
		{"OEKO-TEX Standard 100", "OEKO-TEX STANDARD 100", true},
		{"ISO 90011", "ISO 9001", false},
	}
	for _, tt := range tests {
		t.Run(tt.held+"/"+tt.required, func(t *testing.T) {
			d, c := perfect(t)
			d.RequiredCertifications = []string{tt.required}
			c.Certifications = []matching.Certification{{Standard: tt.held, ValidUntil: date(t, "2027-01-01")}}
			if _, ok := matching.Score(d, c, today); ok != tt.ok {
				t.Errorf("%q satisfies %q = %v, want %v", tt.held, tt.required, ok, tt.ok)
			}
		})
	}
}

func TestScoreComponents(t *testing.T) {
	tests := []struct {
		name   string
		change func(*matching.Demand, *matching.Capability)
		reason string // must appear in Reasons ("" for none)
		gap    string // must appear in Gaps ("" for none)
		score  int    // want exactly this score (-1: only below 100)
	}{
		{"vsic same division only", func(d *matching.Demand, c *matching.Capability) { c.VSIC = "2591" }, "vsic_division", "", 96},
		{"vsic other division", func(d *matching.Demand, c *matching.Capability) { c.VSIC = "1410" }, "", "vsic_mismatch", 92},
		{"vsic missing", func(d *matching.Demand, c *matching.Capability) { c.VSIC = "" }, "", "vsic_missing", 92},
		{"vsic 5-digit subclass matches its class", func(d *matching.Demand, c *matching.Capability) { c.VSIC = "25920" }, "vsic_class", "", 100},
		{"hs same chapter only", func(d *matching.Demand, c *matching.Capability) { c.HSCodes = []string{"8483.40"} }, "hs_chapter", "", 94},
		{"hs other chapter", func(d *matching.Demand, c *matching.Capability) { c.HSCodes = []string{"7318.15"} }, "", "hs_mismatch", 88},
		{"hs missing", func(d *matching.Demand, c *matching.Capability) { c.HSCodes = nil }, "", "hs_missing", 88},
		{"hs half the codes", func(d *matching.Demand, c *matching.Capability) { d.HSCodes = []string{"8487.90", "9405.42"} }, "hs_heading", "hs_mismatch", 94},
		{"process missing", func(d *matching.Demand, c *matching.Capability) { c.Processes = []string{"stamping"} }, "", "process_missing", 85},
		{"process more specific still counts", func(d *matching.Demand, c *matching.Capability) {
			d.Processes = []string{"milling"}
		}, "process_overlap", "", 100},
		{"process more generic earns half", func(d *matching.Demand, c *matching.Capability) {
			c.Processes = []string{"milling"}
		}, "process_overlap", "", 93},
		{"process in Vietnamese", func(d *matching.Demand, c *matching.Capability) {
			c.Processes = []string{"Phay CNC"}
		}, "process_overlap", "", 100},
		{"material missing", func(d *matching.Demand, c *matching.Capability) { c.Materials = []string{"PVC"} }, "", "material_missing", 92},
		{"material spelling variant", func(d *matching.Demand, c *matching.Capability) {
			c.Materials = []string{"Aluminium alloys"}
		}, "material_overlap", "", 100},
		{"text unrelated", func(d *matching.Demand, c *matching.Capability) {
			c.Title, c.Description = "Rattan baskets", "Hand-woven seagrass storage."
		}, "", "text_dissimilar", 80},
		{"text ignores case and diacritics", func(d *matching.Demand, c *matching.Capability) {
			d.Title, d.Description = "Gia công cơ khí chính xác", ""
			c.Title, c.Description = "GIA CONG CO KHI CHINH XAC", ""
		}, "text_similarity", "", 100},
		{"capacity covers a quarter", func(d *matching.Demand, c *matching.Capability) { c.Capacity.Quantity = 10000 }, "", "capacity_partial", 91},
		{"moq above volume", func(d *matching.Demand, c *matching.Capability) { c.MOQ = 50000 }, "", "moq_above_volume", 96},
		{"no moq", func(d *matching.Demand, c *matching.Capability) { c.MOQ = 0 }, "moq_within_volume", "", 100},
		{"lead time 50% over", func(d *matching.Demand, c *matching.Capability) { c.LeadTimeDays = 45 }, "", "lead_time_too_long", 97},
		{"lead time double the maximum", func(d *matching.Demand, c *matching.Capability) { c.LeadTimeDays = 60 }, "", "lead_time_too_long", 94},
		{"no key product", func(d *matching.Demand, c *matching.Capability) { c.KeyProducts = 0 }, "", "no_key_product", 95},
		{"exports elsewhere", func(d *matching.Demand, c *matching.Capability) { c.ExportMarkets = []string{"kr", "US"} }, "exports_elsewhere", "no_exports_to_buyer_country", 96},
		{"no exports", func(d *matching.Demand, c *matching.Capability) { c.ExportMarkets = nil }, "", "no_export_experience", 94},
		{"other district", func(d *matching.Demand, c *matching.Capability) {
			c.District, c.IndustrialZone = "Mê Linh", "KCN Quang Minh"
		}, "", "different_district", 96},
		{"buyer named the industrial zone", func(d *matching.Demand, c *matching.Capability) {
			d.BuyerDistrict, c.District = "Khu công nghiệp Thăng Long", "Huyện Đông Anh"
		}, "same_district", "", 100},
		{"district spelled without diacritics", func(d *matching.Demand, c *matching.Capability) {
			d.BuyerDistrict = "huyen dong anh"
		}, "same_district", "", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, c := perfect(t)
			tt.change(&d, &c)
			m, ok := matching.Score(d, c, today)
			if !ok {
				t.Fatalf("filtered out: %v", m.Gaps)
			}
			if tt.reason != "" && !slices.Contains(codesOf(m.Reasons), tt.reason) {
				t.Errorf("reasons = %v, want %s", codesOf(m.Reasons), tt.reason)
			}
			if tt.gap != "" && !slices.Contains(codesOf(m.Gaps), tt.gap) {
				t.Errorf("gaps = %v, want %s", codesOf(m.Gaps), tt.gap)
			}
			if m.Score != tt.score {
				t.Errorf("score = %d, want %d (reasons %v, gaps %v)", m.Score, tt.score, m.Reasons, m.Gaps)
			}
		})
	}
}

// A demand that leaves a component out is scored over the rest, so a
// supplier that fits everything stated still reaches 100.
func TestScoreSkipsWhatTheDemandLeavesOut(t *testing.T) {
	d, c := perfect(t)
	d.VSIC, d.HSCodes, d.Processes, d.Materials = "", nil, nil, nil
	d.MaxLeadTimeDays, d.BuyerCountry, d.BuyerDistrict = 0, "", ""
	c.VSIC, c.HSCodes, c.Processes, c.Materials, c.ExportMarkets = "", nil, nil, nil, nil
	c.LeadTimeDays = 365
	m, ok := matching.Score(d, c, today)
	if !ok || m.Score != 100 {
		t.Fatalf("score = %d, ok = %v, want 100; gaps %v", m.Score, ok, m.Gaps)
	}
	for _, code := range []string{"vsic_missing", "hs_missing", "lead_time_too_long", "no_export_experience", "different_district"} {
		if slices.Contains(codesOf(m.Gaps), code) {
			t.Errorf("gap %s reported for a component the demand left out", code)
		}
	}
}

func TestScoreNotesAreNeverNil(t *testing.T) {
	d, c := perfect(t)
	m, _ := matching.Score(d, c, today)
	if m.Gaps == nil || m.Reasons == nil {
		t.Errorf("Reasons or Gaps is nil; want empty slices so JSON shows []")
	}
}

func TestWeightsSumTo100(t *testing.T) {
	sum := matching.WeightText + matching.WeightProcess + matching.WeightHS + matching.WeightCapacity +
		matching.WeightVSIC + matching.WeightMaterial + matching.WeightLeadTime + matching.WeightExport +
		matching.WeightKeyProduct + matching.WeightMOQ + matching.WeightLocality
	if sum != 100 {
		t.Errorf("weights sum to %d, want 100", sum)
	}
}

func TestCompatibleGroups(t *testing.T) {
	for _, g := range domain.IndustryGroups {
		gs := matching.CompatibleGroups(g)
		if len(gs) == 0 || gs[0] != g {
			t.Errorf("CompatibleGroups(%s) = %v, want %s first", g, gs, g)
		}
		for _, x := range gs {
			if !x.Valid() {
				t.Errorf("CompatibleGroups(%s) has invalid %q", g, x)
			}
		}
	}
	if got := matching.CompatibleGroups("space"); !slices.Equal(got, []domain.IndustryGroup{"space"}) {
		t.Errorf("CompatibleGroups(unknown) = %v, want only itself", got)
	}
	a := matching.CompatibleGroups(domain.Mechanical)
	a[0] = "mutated"
	if b := matching.CompatibleGroups(domain.Mechanical); b[0] != domain.Mechanical {
		t.Errorf("CompatibleGroups shares its slice between calls")
	}
	// Score and CompatibleGroups agree: the projection's index must not
	// drop a candidate that Score would accept.
	for _, dg := range domain.IndustryGroups {
		for _, cg := range domain.IndustryGroups {
			d, c := perfect(t)
			d.IndustryGroup, c.IndustryGroup = dg, cg
			_, ok := matching.Score(d, c, today)
			if want := slices.Contains(matching.CompatibleGroups(dg), cg); ok != want {
				t.Errorf("demand %s, capability %s: Score ok = %v, CompatibleGroups says %v", dg, cg, ok, want)
			}
		}
	}
}
