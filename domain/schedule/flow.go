package schedule

import "math"

const inf = math.MaxInt64 / 4

// network is a residual graph for min-cost flow by successive shortest paths
// with potentials (Dijkstra on reduced costs). Arc i and i^1 are a forward
// arc and its reverse. It is reused between solves to spare allocations.
type network struct {
	head, next, to, cap []int32
	cost                []int64
	pot, dist           []int64
	prev                []int32
	heap                []heapItem
}

type heapItem struct {
	d int64
	v int32
}

func (g *network) init(n int) {
	g.head = resize(g.head, n)
	for i := range g.head {
		g.head[i] = -1
	}
	g.next, g.to, g.cap, g.cost = g.next[:0], g.to[:0], g.cap[:0], g.cost[:0]
}

func (g *network) nodes() int { return len(g.head) }

// addNode appends a node and returns its index.
func (g *network) addNode() int {
	g.head = append(g.head, -1)
	return len(g.head) - 1
}

// arc adds u->v with capacity c and cost w per unit, and returns the index
// of the forward arc; its flow is read later as the capacity of arc^1.
func (g *network) arc(u, v, c int, w int64) int {
	i := len(g.to)
	g.to = append(g.to, int32(v), int32(u))
	g.cap = append(g.cap, int32(c), 0)
	g.cost = append(g.cost, w, -w)
	g.next = append(g.next, g.head[u], g.head[v])
	g.head[u], g.head[v] = int32(i), int32(i+1)
	return i
}

// flow on the forward arc i.
func (g *network) flow(i int) int { return int(g.cap[i^1]) }

// maxWeight sends flow from s to t along negative-cost paths only, cheapest
// first, and returns the total weight (the negated cost) of the flow. The
// result is a minimum-cost flow among flows of its value, and since path costs
// rise monotonically, the minimum-cost flow over all values: the max-weight
// flow. Arc costs may be negative but the graph must have no negative cycle.
func (g *network) maxWeight(s, t int) int64 {
	n := g.nodes()
	g.pot, g.dist, g.prev = resize(g.pot, n), resize(g.dist, n), resize(g.prev, n)
	g.initPotentials(s)
	var total int64
	for g.dijkstra(s, t) {
		real := g.dist[t] + g.pot[t] - g.pot[s]
		if real >= 0 {
			break
		}
		for v := range n {
			if g.dist[v] < inf {
				g.pot[v] += g.dist[v]
			}
		}
		f := int32(math.MaxInt32)
		for v := t; v != s; {
			a := g.prev[v]
			f = min(f, g.cap[a])
			v = int(g.to[a^1])
		}
		for v := t; v != s; {
			a := g.prev[v]
			g.cap[a] -= f
			g.cap[a^1] += f
			v = int(g.to[a^1])
		}
		total -= real * int64(f)
	}
	return total
}

// initPotentials sets shortest distances from s by Bellman-Ford over arcs with
// capacity; nodes out of reach get 0 and stay out of reach.
func (g *network) initPotentials(s int) {
	for i := range g.pot {
		g.pot[i] = inf
	}
	g.pot[s] = 0
	for range g.nodes() {
		changed := false
		for a := range g.to {
			if g.cap[a] <= 0 {
				continue
			}
			u := g.to[a^1]
			if g.pot[u] == inf {
				continue
			}
			if d := g.pot[u] + g.cost[a]; d < g.pot[g.to[a]] {
				g.pot[g.to[a]] = d
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for i := range g.pot {
		if g.pot[i] == inf {
			g.pot[i] = 0
		}
	}
}

func (g *network) dijkstra(s, t int) bool {
	for i := range g.dist {
		g.dist[i] = inf
	}
	g.dist[s] = 0
	g.heap = append(g.heap[:0], heapItem{0, int32(s)})
	for len(g.heap) > 0 {
		it := g.pop()
		u := it.v
		if it.d > g.dist[u] {
			continue
		}
		for a := g.head[u]; a >= 0; a = g.next[a] {
			if g.cap[a] <= 0 {
				continue
			}
			v := g.to[a]
			d := it.d + g.cost[a] + g.pot[u] - g.pot[v]
			if d < g.dist[v] {
				g.dist[v] = d
				g.prev[v] = a
				g.push(heapItem{d, v})
			}
		}
	}
	return g.dist[t] < inf
}

func (g *network) push(x heapItem) {
	h := append(g.heap, x)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].d <= h[i].d {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
	g.heap = h
}

func (g *network) pop() heapItem {
	h := g.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h[l].d < h[m].d {
			m = l
		}
		if r < len(h) && h[r].d < h[m].d {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	g.heap = h
	return top
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
