package eventstore

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the store's Prometheus instruments (the projector has its
// own: projector.Metrics).
type Metrics struct {
	appends   prometheus.Counter
	conflicts prometheus.Counter

	cacheHits, cacheMisses, snapshots prometheus.Counter
	cacheBytes, cacheEntries          prometheus.Gauge
}

// NewMetrics creates the instruments and registers them with reg (nil: not
// registered, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		appends: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "keylink_events_appended_total", Help: "Events appended to the store."}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "keylink_append_conflicts_total", Help: "Appends refused because the stream moved on."}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "keylink_aggregate_cache_hits_total", Help: "Commands that found their aggregate in the cache."}),
		cacheMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "keylink_aggregate_cache_misses_total", Help: "Commands that loaded their aggregate from a snapshot or the whole stream."}),
		snapshots: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "keylink_aggregate_snapshots_stored_total", Help: "Aggregate snapshots stored."}),
		cacheBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "keylink_aggregate_cache_bytes", Help: "Bytes of event JSON the cached aggregates were built from."}),
		cacheEntries: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "keylink_aggregate_cache_entries", Help: "Aggregates held in the cache."}),
	}
	if reg != nil {
		reg.MustRegister(m.appends, m.conflicts,
			m.cacheHits, m.cacheMisses, m.snapshots, m.cacheBytes, m.cacheEntries)
	}
	return m
}

// OldestTransactionAge returns how long the oldest open write transaction in
// the cluster, other than a projector session's, has been running. While it
// runs, no projection reads past it.
func (s *Store) OldestTransactionAge(ctx context.Context) (time.Duration, error) {
	var secs float64
	err := s.pool.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM max(now() - xact_start)), 0)::float8
FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND application_name IS DISTINCT FROM $1`, ProjectorApplicationName).Scan(&secs)
	return time.Duration(secs * float64(time.Second)), translate(err)
}
