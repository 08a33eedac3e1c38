package api

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/argon2"
)

// Password hashing: argon2id with OWASP's minimum parameters (19 MiB, 2
// passes, 1 lane), stored in the PHC string format.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// errBusy answers a password hash that found no free slot: 503 with
// Retry-After.
var errBusy = errors.New("too many sign-ins are being checked at once; retry in a second")

// HashingConfig bounds argon2 work across the whole server: each hash takes
// 19 MiB and a core for tens of milliseconds, so unbounded, 100 simultaneous
// logins took a server to 1 GB.
type HashingConfig struct {
	// Slots is how many hashes run at once. Default: 2 x GOMAXPROCS.
	Slots int
	// Queue is how many more requests may wait for a slot, each at most
	// Wait; beyond it a request is refused at once (503). Default: 4 x Slots.
	Queue int
	// Wait is the longest a queued request waits. Default: 2 s.
	Wait time.Duration
}

func (c *HashingConfig) setDefaults() {
	if c.Slots <= 0 {
		c.Slots = 2 * runtime.GOMAXPROCS(0)
	}
	if c.Queue < 0 {
		c.Queue = 0
	} else if c.Queue == 0 {
		c.Queue = 4 * c.Slots
	}
	if c.Wait <= 0 {
		c.Wait = 2 * time.Second
	}
}

// passwords hashes and checks passwords through a fixed number of slots and a
// bounded, time-limited queue, so memory stays at Slots x 19 MiB whatever
// the load. Safe for concurrent use.
type passwords struct {
	cfg     HashingConfig
	slots   chan struct{}
	waiting atomic.Int64
	// hold, when set (tests), runs while a slot is held, before hashing.
	hold     atomic.Pointer[func()]
	inFlight prometheus.Gauge
	refused  prometheus.Counter
}

func newPasswords(cfg HashingConfig, reg prometheus.Registerer) *passwords {
	cfg.setDefaults()
	p := &passwords{cfg: cfg, slots: make(chan struct{}, cfg.Slots),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "keylink_password_hashes_in_flight",
			Help: "Password hashes being computed now (bounded by the slots)."}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{Name: "keylink_password_hashes_refused_total",
			Help: "Requests answered 503 because every password-hashing slot was busy."}),
	}
	if reg != nil {
		reg.MustRegister(p.inFlight, p.refused)
	}
	return p
}

// run runs fn in a slot, or fails with errBusy when none frees up in time.
func (p *passwords) run(ctx context.Context, fn func()) error {
	select {
	case p.slots <- struct{}{}:
	default:
		if err := p.wait(ctx); err != nil {
			p.refused.Inc()
			return err
		}
	}
	p.inFlight.Inc()
	defer func() { p.inFlight.Dec(); <-p.slots }()
	if h := p.hold.Load(); h != nil {
		(*h)()
	}
	fn()
	return nil
}

func (p *passwords) wait(ctx context.Context) error {
	defer p.waiting.Add(-1)
	if p.waiting.Add(1) > int64(p.cfg.Queue) {
		return errBusy
	}
	t := time.NewTimer(p.cfg.Wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-t.C:
		return errBusy
	case <-ctx.Done():
		return errBusy
	}
}

// hash returns the PHC string of pw with a fresh salt.
func (p *passwords) hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	var key []byte
	if err := p.run(ctx, func() { key = argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen) }); err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// check compares pw with hash in constant time. A malformed hash never
// matches; when hash is empty (an unknown e-mail) the dummy hash is checked,
// so the answer takes as long and uses the same slots.
func (p *passwords) check(ctx context.Context, hash, pw string) (bool, error) {
	if hash == "" {
		hash = dummyHash
	}
	ph, ok := parsePHC(hash)
	if !ok {
		return false, nil
	}
	var got []byte
	if err := p.run(ctx, func() { got = argon2.IDKey([]byte(pw), ph.salt, ph.t, ph.m, ph.p, uint32(len(ph.key))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, ph.key) == 1 && hash != dummyHash, nil
}

type phc struct {
	m, t      uint32
	p         uint8
	salt, key []byte
}

// parsePHC reads an argon2id PHC string, refusing parameters that would make
// one check cost more than 1 GiB or 10 passes.
func parsePHC(hash string) (phc, bool) {
	var (
		h phc
		v uint32
	)
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return h, false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil {
		return h, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.m, &h.t, &h.p); err != nil || h.m > 1<<20 || h.t > 10 || h.p == 0 {
		return h, false
	}
	var err1, err2 error
	h.salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	h.key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	return h, err1 == nil && err2 == nil && len(h.key) > 0
}

// dummyHash is checked when an e-mail is unknown, so that a login takes as
// long for an unknown e-mail as for a wrong password. It is made without a
// slot, once, at start.
var dummyHash = func() string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte("not a real password, only for timing"), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}()
