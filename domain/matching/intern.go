package matching

import (
	"slices"
	"strings"
	"sync"
)

// vocab numbers every word, standard, place and unit the prepared forms
// have seen, so that comparing two of them compares integers: scoring one
// demand against thousands of prepared capabilities is then bound by
// arithmetic rather than by chasing strings through memory. Equal strings
// get equal ids and different strings different ids, so results are exactly
// those of comparing the strings. The table is shared by the process and
// only grows, by the vocabulary of the texts prepared (a few megabytes for
// a city's suppliers); ids mean nothing outside the process.
var vocab = struct {
	sync.RWMutex
	ids map[string]uint32
}{ids: map[string]uint32{}}

// intern returns the id of s, never 0. It is safe for concurrent use.
func intern(s string) uint32 {
	vocab.RLock()
	id, ok := vocab.ids[s]
	vocab.RUnlock()
	if ok {
		return id
	}
	vocab.Lock()
	defer vocab.Unlock()
	if id, ok := vocab.ids[s]; ok {
		return id
	}
	id = uint32(len(vocab.ids) + 1)
	vocab.ids[strings.Clone(s)] = id
	return id
}

// internOpt is intern, but 0 for the empty string: "not given".
func internOpt(s string) uint32 {
	if s == "" {
		return 0
	}
	return intern(s)
}

// idSet returns the ids of ws, sorted and without repeats; order[i] is the
// index in ws of the first word with the set's i-th id.
func idSet(ws []string) (ids []uint32, order []int) {
	order = make([]int, len(ws))
	all := make([]uint32, len(ws))
	for i, w := range ws {
		order[i], all[i] = i, intern(w)
	}
	slices.SortStableFunc(order, func(a, b int) int { return int(all[a]) - int(all[b]) })
	order = slices.CompactFunc(order, func(a, b int) bool { return all[a] == all[b] })
	ids = make([]uint32, len(order))
	for i, k := range order {
		ids[i] = all[k]
	}
	return ids, order
}

// common counts the ids of the sorted set a that the sorted set b has too.
func common(a, b []uint32) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch x, y := a[i], b[j]; {
		case x == y:
			n++
			i++
			j++
		case x < y:
			i++
		default:
			j++
		}
	}
	return n
}

// commonIndexes lists the indexes in a of the ids b has too.
func commonIndexes(a, b []uint32) []int {
	var out []int
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch x, y := a[i], b[j]; {
		case x == y:
			out = append(out, i)
			i++
			j++
		case x < y:
			i++
		default:
			j++
		}
	}
	return out
}

// subsetOf reports whether every id of the sorted set a is in the sorted
// set b.
func subsetOf(a, b []uint32) bool {
	if len(a) > len(b) {
		return false
	}
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
		j++
	}
	return true
}
