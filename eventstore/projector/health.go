package projector

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/eventstore"
)

// Metrics are the projector's Prometheus instruments.
type Metrics struct {
	applied    *prometheus.CounterVec
	failures   *prometheus.CounterVec
	lag        *prometheus.HistogramVec
	batch      *prometheus.HistogramVec
	checkpoint *prometheus.GaugeVec
	failing    *prometheus.GaugeVec
}

// NewMetrics creates the instruments and registers them with reg (nil: not
// registered, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		applied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keylink_projection_events_applied_total", Help: "Events applied by each projection."}, []string{"projection"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "keylink_projection_failures_total", Help: "Events a projection failed to apply (retried)."}, []string{"projection"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "keylink_projection_lag_seconds",
			Help:    "Time from an event's commit to its application by a projection.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"projection"}),
		batch: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "keylink_projection_batch_seconds",
			Help:    "Time from reading a live batch to its commit, per projection: the projection's own cost, its writes included.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"projection"}),
		checkpoint: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "keylink_projection_checkpoint_position", Help: "Global position of the last event a projection applied."}, []string{"projection"}),
		failing: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "keylink_projection_failing", Help: "1 while a projection is stuck on an event it cannot apply."}, []string{"projection"}),
	}
	if reg != nil {
		reg.MustRegister(m.applied, m.failures, m.lag, m.batch, m.checkpoint, m.failing)
	}
	return m
}

// setFailing records why projection name is stuck ("": it is not), for
// Failing and the failing gauge.
func (p *Projector) setFailing(name, why string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if why == "" {
		delete(p.failing, name)
		p.cfg.Metrics.failing.WithLabelValues(name).Set(0)
	} else {
		p.failing[name] = why
		p.cfg.Metrics.failing.WithLabelValues(name).Set(1)
	}
}

// Failing returns the projections stuck on an event, with the reason. It is
// safe for concurrent use.
func (p *Projector) Failing() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]string, len(p.failing))
	for k, v := range p.failing {
		out[k] = v
	}
	return out
}

// Behind returns the projections that have left an event committed more than
// age ago unapplied, whichever process applies them: one query.
func (p *Projector) Behind(ctx context.Context, age time.Duration) ([]string, error) {
	rows, err := p.s.Pool().Query(ctx, `SELECT c.name FROM projection_checkpoints c
WHERE c.name = ANY($1::text[]) AND EXISTS (
  SELECT 1 FROM events e
  WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
    AND e.transaction_id < (SELECT events_horizon())
    AND e.recorded_at < now() - $2::interval)`, p.Names(), age.String())
	if err != nil {
		return nil, eventstore.Translate(err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
