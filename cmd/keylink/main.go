// Command keylink serves the KeyLink API and runs its projections, and holds
// the operator's subcommands: migrate, token, seed, import, projections.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const usage = `keylink: links Hanoi's supplier firms with FDI buyers.

Usage:
  keylink serve                       serve the API and run the projections
  keylink migrate                     apply pending database migrations and exit
  keylink token issue --role organiser --name NAME
                                      print a new organiser token
  keylink seed [--suppliers N --buyers M --events K --seed S]
                                      load the demo dataset
  keylink import FILE --kind K [--event ID] [--dry-run]
                                      import an .xlsx or .csv file
  keylink projections rebuild [NAME]  rebuild read models from position 0

Environment:
  DATABASE_URL   PostgreSQL URL (required)
  KEYLINK_ADDR   listen address for serve (default :8080)
  LOG_LEVEL      debug, info, warn or error (default info)
  KEYLINK_DEBUG_ADDR  if set, serve net/http/pprof there (use a loopback address)

Every subcommand takes --help.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a command line that cannot be run; it exits 2.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"serve":       cmdServe,
		"migrate":     cmdMigrate,
		"token":       cmdToken,
		"seed":        cmdSeed,
		"import":      cmdImport,
		"projections": cmdProjections,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "keylink: unknown command %q (see keylink --help)\n", args[0])
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "keylink %s: %s\n", args[0], strings.TrimPrefix(err.Error(), "usage: "))
		return 2
	default:
		fmt.Fprintf(stderr, "keylink %s: %v\n", args[0], err)
		return 1
	}
}

// parse parses flags; --help prints help to stdout, a bad flag becomes
// errUsage with the flag package's one-line message.
func parse(fs *flag.FlagSet, help string, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return flag.ErrHelp
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}
