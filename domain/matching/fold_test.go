package matching_test

import (
	"math"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rạng Đông", "rang dong"},
		{"cơ khí", "co khi"},
		{"CƠ KHÍ CHÍNH XÁC", "co khi chinh xac"},
		{"đ Đ", "d d"},
		{"Thạch Thất, Sóc Sơn, Hoàng Mai, Long Biên", "thach that, soc son, hoang mai, long bien"},
		{"Bát Tràng – gốm sứ", "bat trang – gom su"},
		{"Nội Bài", "noi bai"},
		{"ỳýỷỹỵ ƯỪỨỬỮỰ", "yyyyy uuuuuu"},
		{"Ha\u0300 No\u0302\u0323i", "ha noi"}, // decomposed (NFD) input
		{"ISO 9001:2015", "iso 9001:2015"},
		{"", ""},
		{"\xff", "\uFFFD"},
	}
	for _, tt := range tests {
		if got := matching.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Rạng Đông", "cơ khí", "Ha\u0300 No\u0302\u0323i", "İstanbul", "ẞ", "\xff\xfe", "Σίσυφος", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := matching.Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, got)
		}
		if again := matching.Fold(got); again != got {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, got, again)
		}
	})
}

func FuzzScore(f *testing.F) {
	f.Add("CNC machined aluminium brackets", "Gia công cơ khí", "2592", "8487.90", "cnc milling", "aluminum alloy",
		"ISO 9001", "ISO 9001:2015", 40000.0, 180000.0, 500.0, 30, 21, "pcs", "pcs", "JP", "Đông Anh", 3, 1)
	f.Add("", "", "", "", "", "", "", "", 0.0, 0.0, 0.0, 0, 0, "", "", "", "", 0, 0)
	f.Add("x", "y", "9", "\xff", "a b c", "", "iso", ":2015", math.NaN(), math.Inf(1), -1.0, -5, math.MaxInt, "t", "kg", "jp", "kcn", 7, -3)
	f.Fuzz(func(t *testing.T, dText, cText, vsic, hs, process, material, req, held string,
		volume, capacity, moq float64, maxLead, lead int, vUnit, cUnit, country, district string, group, kp int) {
		groups := domain.IndustryGroups
		g := groups[((group%len(groups))+len(groups))%len(groups)]
		until := domain.Date{}
		if lead%2 == 0 {
			until, _ = domain.ParseDate("2026-06-30")
		}
		d := matching.Demand{
			DemandID: uuid.New(), Title: dText, Description: cText, IndustryGroup: g, VSIC: vsic,
			HSCodes: []string{hs}, Processes: []string{process}, Materials: []string{material},
			RequiredCertifications: []string{req}, BuyerCountry: country, BuyerDistrict: district,
			Volume:          domain.Rate{Quantity: volume, Unit: domain.Unit(vUnit), Per: "month"},
			MaxLeadTimeDays: maxLead,
		}
		c := matching.Capability{
			SupplierID: uuid.New(), Title: cText, Description: dText, IndustryGroup: g, VSIC: hs,
			HSCodes: []string{vsic, hs}, Processes: []string{material, process}, Materials: []string{process},
			Certifications: []matching.Certification{{Standard: held, ValidUntil: until}},
			Capacity:       domain.Rate{Quantity: capacity, Unit: domain.Unit(cUnit), Per: "month"},
			MOQ:            moq, LeadTimeDays: lead, ExportMarkets: []string{country, district},
			District: district, KeyProducts: kp,
		}
		m, ok := matching.Score(d, c, today)
		if m.Score < 0 || m.Score > 100 {
			t.Fatalf("score %d outside 0..100", m.Score)
		}
		if m.Reasons == nil || m.Gaps == nil {
			t.Fatal("nil notes")
		}
		for _, n := range append(m.Reasons, m.Gaps...) {
			if n.Code == "" || !utf8.ValidString(n.Detail) {
				t.Fatalf("bad note %+v", n)
			}
		}
		m2, ok2 := matching.Score(d, c, today)
		if ok != ok2 || !reflect.DeepEqual(m, m2) {
			t.Fatal("Score is not deterministic")
		}
		pd, pc := matching.PrepareDemand(d), matching.PrepareCapability(c)
		if m3, ok3 := matching.ScorePrepared(pd, pc, today); ok != ok3 || !reflect.DeepEqual(m, m3) {
			t.Fatalf("ScorePrepared = %+v, %v; Score = %+v, %v", m3, ok3, m, ok)
		}
		if s, ok4 := matching.QuickScore(pd, pc, today); ok != ok4 || ok && s != m.Score {
			t.Fatalf("QuickScore = %d, %v; Score = %d, %v", s, ok4, m.Score, ok)
		}
	})
}

func BenchmarkScore(b *testing.B) {
	d, c := perfect(b)
	b.ReportAllocs()
	for b.Loop() {
		matching.Score(d, c, today)
	}
}

// BenchmarkRankDemand ranks every capability of the eval set for one demand:
// the work of a projection rebuilding one match list.
func BenchmarkRankDemand(b *testing.B) {
	set, caps, demands := loadEval(b)
	b.ReportAllocs()
	for b.Loop() {
		rank(demands[0], caps, set.Today)
	}
}
