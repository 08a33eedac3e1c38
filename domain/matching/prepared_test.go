package matching_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

// TestPreparedAgreesWithScore checks, on every pair of the eval set and on
// two days either side of its certificates' expiries, that ScorePrepared
// gives exactly Score's Match and QuickScore its score and verdict.
func TestPreparedAgreesWithScore(t *testing.T) {
	_, caps, demands := loadEval(t)
	pcs := make([]*matching.PreparedCapability, len(caps))
	for i, c := range caps {
		pcs[i] = matching.PrepareCapability(c)
	}
	pairs := 0
	for _, day := range []domain.Date{today, date(t, "2026-07-01")} {
		for _, d := range demands {
			pd := matching.PrepareDemand(d)
			for i, c := range caps {
				want, wantOK := matching.Score(d, c, day)
				got, gotOK := matching.ScorePrepared(pd, pcs[i], day)
				if gotOK != wantOK || !reflect.DeepEqual(got, want) {
					t.Fatalf("ScorePrepared(%s, %s) = %+v, %v; Score = %+v, %v", d.Title, c.Title, got, gotOK, want, wantOK)
				}
				score, ok := matching.QuickScore(pd, pcs[i], day)
				if ok != wantOK || ok && score != want.Score {
					t.Fatalf("QuickScore(%s, %s) = %d, %v; Score = %d, %v", d.Title, c.Title, score, ok, want.Score, wantOK)
				}
				pairs++
			}
		}
	}
	t.Logf("%d pairs agree", pairs)
}

func TestValidThrough(t *testing.T) {
	cert := func(std, until string) matching.Certification {
		return matching.Certification{Standard: std, ValidUntil: date(t, until)}
	}
	tests := []struct {
		name     string
		required []string
		neededBy string
		held     []matching.Certification
		want     string // "" when the pair does not expire
	}{
		{"no requirement never expires", nil, "", []matching.Certification{cert("ISO 9001", "2026-01-31")}, ""},
		{"a needed_by day does not move", []string{"ISO 9001"}, "2026-01-15",
			[]matching.Certification{cert("ISO 9001", "2026-01-31")}, ""},
		{"one requirement: its certificate's last day", []string{"ISO 9001"}, "",
			[]matching.Certification{cert("ISO 9001:2015", "2026-01-31")}, "2026-01-31"},
		{"two certificates of one standard: the later", []string{"ISO 9001"}, "",
			[]matching.Certification{cert("ISO 9001", "2025-12-31"), cert("iso9001", "2027-06-30")}, "2027-06-30"},
		{"two requirements: the earlier", []string{"ISO 9001", "ISO 14001"}, "",
			[]matching.Certification{cert("ISO 9001", "2027-06-30"), cert("ISO 14001", "2026-03-31")}, "2026-03-31"},
		{"an expired certificate does not count", []string{"ISO 9001"}, "",
			[]matching.Certification{cert("ISO 9001", "2025-08-31"), cert("ISO 9001", "2026-02-28")}, "2026-02-28"},
		{"no valid certificate: not a match", []string{"HACCP"}, "",
			[]matching.Certification{cert("ISO 9001", "2027-06-30")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, c := perfect(t)
			d.RequiredCertifications, d.NeededBy = tt.required, nil
			if tt.neededBy != "" {
				nb := date(t, tt.neededBy)
				d.NeededBy = &nb
			}
			c.Certifications = tt.held
			got, ok := matching.ValidThrough(matching.PrepareDemand(d), matching.PrepareCapability(c), today)
			switch {
			case tt.want == "" && ok:
				t.Errorf("ValidThrough = %s, want no expiry", got)
			case tt.want != "" && (!ok || got.String() != tt.want):
				t.Errorf("ValidThrough = %s, %v; want %s", got, ok, tt.want)
			}
		})
	}
}

// BenchmarkQuickScore ranks every eval capability for one demand without
// notes: the inner loop of a projection building a match list.
func BenchmarkQuickScore(b *testing.B) {
	set, caps, demands := loadEval(b)
	pd := matching.PrepareDemand(demands[0])
	pcs := make([]*matching.PreparedCapability, len(caps))
	for i, c := range caps {
		pcs[i] = matching.PrepareCapability(c)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, pc := range pcs {
			matching.QuickScore(pd, pc, set.Today)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pcs)), "ns/pair")
}

// BenchmarkScorePrepared is one explained Match on prepared forms: what a
// projection pays per pair it stores.
func BenchmarkScorePrepared(b *testing.B) {
	d, c := perfect(b)
	pd, pc := matching.PrepareDemand(d), matching.PrepareCapability(c)
	b.ReportAllocs()
	for b.Loop() {
		matching.ScorePrepared(pd, pc, today)
	}
}

// BenchmarkPrepareCapability is the cost of loading one capability.
func BenchmarkPrepareCapability(b *testing.B) {
	_, c := perfect(b)
	b.ReportAllocs()
	for b.Loop() {
		matching.PrepareCapability(c)
	}
}

// BenchmarkQuickScoreAtScale scores one demand against 40,000 capabilities
// prepared one by one and visited in shuffled order, as a projection's index
// holds them: unlike BenchmarkQuickScore, the capabilities do not stay in
// the CPU cache, so it measures the memory layout of the prepared forms.
func BenchmarkQuickScoreAtScale(b *testing.B) {
	set, caps, demands := loadEval(b)
	pcs := make([]*matching.PreparedCapability, 40_000)
	for i := range pcs {
		c := caps[i%len(caps)]
		c.CapabilityID = uuid.New()
		pcs[i] = matching.PrepareCapability(c)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(pcs), func(i, j int) { pcs[i], pcs[j] = pcs[j], pcs[i] })
	pds := make([]*matching.PreparedDemand, len(demands))
	for i, d := range demands {
		pds[i] = matching.PrepareDemand(d)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		pd := pds[n%len(pds)]
		for _, pc := range pcs {
			matching.QuickScore(pd, pc, set.Today)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pcs)), "ns/pair")
}
