package main

import (
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/keylink/keylink/eventstore"
)

// config is everything read from the environment, read once here.
type config struct {
	DatabaseURL string
	Addr        string
	// DebugAddr, when set, serves net/http/pprof there (keep it on loopback).
	DebugAddr string
	LogLevel  slog.Level
	// AggregateCacheMB and SnapshotEvery configure the event store's
	// aggregate cache and snapshots (0: the store's defaults; negative: off).
	AggregateCacheMB int64
	SnapshotEvery    int
}

func loadConfig() (config, error) {
	c := config{DatabaseURL: os.Getenv("DATABASE_URL"), Addr: os.Getenv("KEYLINK_ADDR"), DebugAddr: os.Getenv("KEYLINK_DEBUG_ADDR")}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is not set (make run sets it up for a local PostgreSQL)"))
	}
	if lvl := os.Getenv("LOG_LEVEL"); lvl != "" {
		if err := c.LogLevel.UnmarshalText([]byte(strings.ToLower(lvl))); err != nil {
			errs = append(errs, errors.New("LOG_LEVEL must be debug, info, warn or error"))
		}
	}
	if v := os.Getenv("KEYLINK_AGGREGATE_CACHE_MB"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			errs = append(errs, errors.New("KEYLINK_AGGREGATE_CACHE_MB must be a whole number of MiB (negative: no cache)"))
		}
		c.AggregateCacheMB = n
	}
	if v := os.Getenv("KEYLINK_SNAPSHOT_EVERY"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, errors.New("KEYLINK_SNAPSHOT_EVERY must be a whole number of events (negative: no snapshots)"))
		}
		c.SnapshotEvery = n
	}
	return c, errors.Join(errs...)
}

// storeConfig is the event store's share of the configuration.
func (c config) storeConfig(cfg eventstore.Config) eventstore.Config {
	cfg.AggregateCacheBytes = c.AggregateCacheMB << 20
	if c.AggregateCacheMB < 0 {
		cfg.AggregateCacheBytes = -1
	}
	cfg.SnapshotEvery = c.SnapshotEvery
	return cfg
}

func (c config) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: c.LogLevel}))
}
