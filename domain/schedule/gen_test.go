package schedule_test

import (
	"math"
	"math/rand"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain/schedule"
)

var day = time.Date(2024, 10, 10, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600))

func newID(rng *rand.Rand) uuid.UUID {
	var id uuid.UUID
	rng.Read(id[:])
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

func slots(n int) []schedule.Slot {
	out := make([]schedule.Slot, n)
	for i := range out {
		out[i] = schedule.Slot{Index: i, Start: day.Add(time.Duration(i) * 30 * time.Minute)}
	}
	return out
}

// randomProblem draws a small event with everything the solver must respect:
// caps (zero included), unavailability, booths, interpreters, duplicate and
// unregistered pairs, accepted requests, locked meetings (some of them over
// caps or in unavailable slots, as an organiser may decide) and a floor.
func randomProblem(rng *rand.Rand) schedule.Problem {
	nS := 1 + rng.Intn(8)
	p := schedule.Problem{Slots: slots(nS), Tables: rng.Intn(6), Floor: rng.Intn(4)}
	fair := rng.Intn(2) == 0
	langs := []schedule.Language{schedule.Japanese, schedule.Korean, schedule.Chinese}
	if rng.Intn(3) > 0 {
		p.Interpreters = map[schedule.Language][]int{}
		for _, l := range langs[:rng.Intn(3)+1] {
			c := make([]int, nS)
			for s := range c {
				c[s] = rng.Intn(3)
			}
			p.Interpreters[l] = c
		}
	}
	var sups, buys []schedule.Participant
	for i := range 2 + rng.Intn(14) {
		x := schedule.Participant{ID: newID(rng), Role: schedule.Supplier, Cap: rng.Intn(nS + 2), SME: rng.Intn(2) == 0}
		if fair && rng.Intn(2) == 0 {
			x.Booth = string(rune('A'+i%26)) + string(rune('0'+i/26))
		}
		sups = append(sups, x)
	}
	for range 2 + rng.Intn(9) {
		x := schedule.Participant{ID: newID(rng), Role: schedule.Buyer, Cap: rng.Intn(nS + 2)}
		if rng.Intn(3) == 0 {
			x.Interpreter = langs[rng.Intn(len(langs))]
		}
		buys = append(buys, x)
	}
	for _, ps := range [][]schedule.Participant{sups, buys} {
		for i := range ps {
			for s := range nS {
				if rng.Intn(4) == 0 {
					ps[i].Unavailable = append(ps[i].Unavailable, s)
				}
			}
		}
	}
	p.Participants = append(append(p.Participants, sups...), buys...)
	pair := func() schedule.Pair {
		x := schedule.Pair{Supplier: sups[rng.Intn(len(sups))].ID, Buyer: buys[rng.Intn(len(buys))].ID,
			Demand: newID(rng), Score: rng.Intn(101)}
		if rng.Intn(25) == 0 {
			x.Supplier = newID(rng) // not registered
		}
		return x
	}
	for range rng.Intn(len(sups) * len(buys)) {
		p.Pairs = append(p.Pairs, pair())
	}
	for range rng.Intn(4) {
		if len(p.Pairs) > 0 && rng.Intn(2) == 0 {
			p.Priority = append(p.Priority, p.Pairs[rng.Intn(len(p.Pairs))])
		} else {
			p.Priority = append(p.Priority, pair())
		}
	}
	p.Locked = randomLocked(rng, p, sups, buys)
	return p
}

// randomLocked draws meetings that do not clash with each other, the way an
// organiser's earlier published schedule would look.
func randomLocked(rng *rand.Rand, p schedule.Problem, sups, buys []schedule.Participant) []schedule.Meeting {
	type key struct {
		slot int
		id   string
	}
	busy := map[key]bool{}
	met := map[[2]uuid.UUID]bool{}
	var out []schedule.Meeting
	for range rng.Intn(5) {
		s, b := sups[rng.Intn(len(sups))], buys[rng.Intn(len(buys))]
		slot := rng.Intn(len(p.Slots))
		m := schedule.Meeting{Slot: slot, Start: p.Slots[slot].Start, Supplier: s.ID, Buyer: b.ID,
			Demand: newID(rng), Score: rng.Intn(101)}
		place := ""
		switch {
		case s.Booth != "":
			m.Booth, place = s.Booth, s.Booth
		case p.Tables > 0:
			m.Table = 1 + rng.Intn(p.Tables)
			place = string(rune('0' + m.Table))
		default:
			continue
		}
		ks := []key{{slot, s.ID.String()}, {slot, b.ID.String()}, {slot, "@" + place}}
		if busy[ks[0]] || busy[ks[1]] || busy[ks[2]] || met[[2]uuid.UUID{s.ID, b.ID}] {
			continue
		}
		for _, k := range ks {
			busy[k] = true
		}
		met[[2]uuid.UUID{s.ID, b.ID}] = true
		out = append(out, m)
	}
	return out
}

// realisticEvent is a Hanoi connection conference at the benchmark's scale:
// 300 suppliers (60% SMEs), 100 FDI buyers with 1-3 demands each, match lists
// of about 15 suppliers per demand drawn by popularity (key-product firms
// appear more often and score higher), 16 half-hour slots, 40 tables, 8
// meetings per firm, a quarter of the firms away for a block of slots, a third
// of the buyers needing a Japanese, Korean or Chinese interpreter, 40 accepted
// meeting requests.
func realisticEvent(seed int64, floor int) schedule.Problem {
	rng := rand.New(rand.NewSource(seed))
	const nSup, nBuy, nS = 300, 100, 16
	p := schedule.Problem{Slots: slots(nS), Tables: 40, Floor: floor,
		Interpreters: map[schedule.Language][]int{
			schedule.Japanese: slices.Repeat([]int{5}, nS),
			schedule.Korean:   slices.Repeat([]int{3}, nS),
			schedule.Chinese:  slices.Repeat([]int{1}, nS),
		}}
	quality := make([]float64, nSup)
	weights := make([]float64, nSup)
	total := 0.0
	away := func() []int {
		if rng.Intn(4) > 0 {
			return nil
		}
		from, n := rng.Intn(nS), 2+rng.Intn(5)
		var out []int
		for s := from; s < min(nS, from+n); s++ {
			out = append(out, s)
		}
		return out
	}
	for i := range nSup {
		quality[i] = rng.Float64()
		weights[i] = 0.3 + quality[i]*quality[i]
		total += weights[i]
		p.Participants = append(p.Participants, schedule.Participant{ID: newID(rng), Role: schedule.Supplier,
			Cap: 8, SME: rng.Float64() < 0.6, Unavailable: away()})
	}
	for range nBuy {
		x := schedule.Participant{ID: newID(rng), Role: schedule.Buyer, Cap: 8, Unavailable: away()}
		switch r := rng.Float64(); {
		case r < 0.20:
			x.Interpreter = schedule.Japanese
		case r < 0.32:
			x.Interpreter = schedule.Korean
		case r < 0.35:
			x.Interpreter = schedule.Chinese
		}
		p.Participants = append(p.Participants, x)
	}
	draw := func() int {
		r := rng.Float64() * total
		for i, w := range weights {
			if r -= w; r < 0 {
				return i
			}
		}
		return nSup - 1
	}
	for b := range nBuy {
		buyer := p.Participants[nSup+b].ID
		for range 1 + rng.Intn(3) {
			demand := newID(rng)
			seen := map[int]bool{}
			for range 10 + rng.Intn(11) {
				i := draw()
				if seen[i] {
					continue
				}
				seen[i] = true
				score := 30 + 45*quality[i] + rng.NormFloat64()*12
				p.Pairs = append(p.Pairs, schedule.Pair{Supplier: p.Participants[i].ID, Buyer: buyer,
					Demand: demand, Score: int(math.Round(max(5, min(100, score))))})
			}
		}
	}
	for range 40 {
		if rng.Intn(3) > 0 {
			x := p.Pairs[rng.Intn(len(p.Pairs))]
			p.Priority = append(p.Priority, x)
			continue
		}
		p.Priority = append(p.Priority, schedule.Pair{Supplier: p.Participants[rng.Intn(nSup)].ID,
			Buyer: p.Participants[nSup+rng.Intn(nBuy)].ID, Score: 40})
	}
	return p
}
