package schedule_test

import (
	"testing"

	"github.com/keylink/keylink/domain/schedule"
)

// BenchmarkSchedule300x100 solves the realistic event: 300 suppliers, 100
// buyers, 16 slots, 40 tables, about 2,800 candidate pairs, 40 accepted
// requests, interpreters. It reports the gap to the bound and the
// optimiser's gain over the greedy baseline.
func BenchmarkSchedule300x100(b *testing.B) {
	for _, floor := range []int{0, 2} {
		p := realisticEvent(1, floor)
		g, err := schedule.Greedy(p)
		if err != nil {
			b.Fatal(err)
		}
		name := map[int]string{0: "floor0", 2: "floor2"}[floor]
		b.Run(name, func(b *testing.B) {
			var r schedule.Result
			for b.Loop() {
				if r, err = schedule.Solve(p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(r.Gap(), "gap%")
			b.ReportMetric(100*float64(r.Objective-g.Objective)/float64(g.Objective), "over-greedy%")
			b.Logf("%d pairs: objective %d, bound %d (gap %.2f%%), greedy %d", len(p.Pairs), r.Objective, r.Bound, r.Gap(), g.Objective)
		})
	}
}

// BenchmarkGreedy300x100 times the baseline on the same event.
func BenchmarkGreedy300x100(b *testing.B) {
	p := realisticEvent(1, 0)
	for b.Loop() {
		if _, err := schedule.Greedy(p); err != nil {
			b.Fatal(err)
		}
	}
}
