package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/keylink/keylink/api"
	"github.com/keylink/keylink/eventstore/projector"
)

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if err := parse(fs, "Usage: keylink migrate\n\nApplies pending migrations to DATABASE_URL and exits.\n", args, stdout); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	pool, err := connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	return migrate(ctx, pool, cfg.logger())
}

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const help = "Usage: keylink token issue --role organiser --name NAME [--ttl 8760h]\n\nPrints a new organiser token alone on stdout.\n"
	if len(args) == 0 || (args[0] != "issue" && args[0] != "-h" && args[0] != "--help") {
		return fmt.Errorf("%w: expected 'keylink token issue --role organiser --name NAME'", errUsage)
	}
	if args[0] == "issue" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("token issue", flag.ContinueOnError)
	role := fs.String("role", "", "role of the token: organiser")
	name := fs.String("name", "", "who the token is for (shown in event metadata)")
	ttl := fs.Duration("ttl", 365*24*time.Hour, "how long the token is valid")
	if err := parse(fs, help, args, stdout); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	case *role != api.RoleOrganiser:
		return fmt.Errorf("%w: --role must be organiser (firms get tokens by signing up)", errUsage)
	case strings.TrimSpace(*name) == "" || len(*name) > 200:
		return fmt.Errorf("%w: --name is required (at most 200 characters)", errUsage)
	case *ttl <= 0:
		return fmt.Errorf("%w: --ttl must be positive", errUsage)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	pool, err := connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		return err
	}
	token, err := api.IssueToken(ctx, poolExec{pool}, api.Principal{Role: api.RoleOrganiser, Name: strings.TrimSpace(*name)}, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}

// poolExec adapts a pool to api.Execer.
type poolExec struct{ pool *pgxpool.Pool }

func (p poolExec) Exec(ctx context.Context, sql string, args ...any) error {
	_, err := p.pool.Exec(ctx, sql, args...)
	return err
}

func cmdProjections(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const help = "Usage: keylink projections rebuild [NAME]\n\nRebuilds one read model (or all) from position 0. Readers keep the old model until the\nnew one is complete; a running server's live projection pauses meanwhile.\n"
	if len(args) == 0 || (args[0] != "rebuild" && args[0] != "-h" && args[0] != "--help") {
		return fmt.Errorf("%w: expected 'keylink projections rebuild [NAME]'", errUsage)
	}
	if args[0] == "rebuild" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("projections rebuild", flag.ContinueOnError)
	if err := parse(fs, help, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: at most one projection name", errUsage)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := cfg.logger()
	sys, err := wire(ctx, cfg, log, prometheus.NewRegistry())
	if err != nil {
		return err
	}
	defer sys.close()
	names := sys.projector.Names()
	if fs.NArg() == 1 {
		if sys.projector.Projection(fs.Arg(0)) == nil {
			return fmt.Errorf("%w: unknown projection %q (known: %s)", errUsage, fs.Arg(0), strings.Join(names, ", "))
		}
		names = []string{fs.Arg(0)}
	}
	for _, name := range names {
		bar := newProgress(stderr, name)
		start := time.Now()
		if err := projector.Rebuild(ctx, sys.store, sys.projector.Projection(name), bar.update); err != nil {
			return err
		}
		bar.done()
		log.Info("projection rebuilt", "projection", name, "events", bar.n, "duration", time.Since(start).Round(time.Millisecond))
	}
	return nil
}
