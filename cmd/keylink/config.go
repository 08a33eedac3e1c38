package main

import (
	"errors"
	"log/slog"
	"os"
	"strings"
)

// config is everything read from the environment, read once here.
type config struct {
	DatabaseURL string
	Addr        string
	// DebugAddr, when set, serves net/http/pprof there (keep it on loopback).
	DebugAddr string
	LogLevel  slog.Level
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
	return c, errors.Join(errs...)
}

func (c config) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: c.LogLevel}))
}
