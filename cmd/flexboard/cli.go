package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/flexboard/flexboard/internal/sqlitedb"
)

// Main runs the command line and returns the exit code: 0 on success, 1 on
// failure, 2 on a usage error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			usage(stdout)
			return 0
		case "version", "--version":
			fmt.Fprintf(stdout, "flexboard %s\n", version)
			return 0
		case "serve", "backup", "push", "loadtest", "demo", "snapshot", "user":
			cmd, args = args[0], args[1:]
		default:
			if len(args[0]) == 0 || args[0][0] != '-' {
				fmt.Fprintf(stderr, "flexboard: unknown command %q (see flexboard --help)\n", args[0])
				return 2
			}
		}
	}
	switch cmd {
	case "backup":
		return backupCmd(ctx, args, stdout, stderr)
	case "demo":
		return demoCmd(ctx, args, stdout, stderr)
	case "user":
		return userCmd(ctx, args, os.Stdin, stdout, stderr)
	case "push":
		return pushCmd(ctx, args, os.Stdin, stdout, stderr, getenvOS)
	case "loadtest":
		return loadtestCmd(ctx, args, stdout, stderr, getenvOS)
	case "snapshot":
		return snapshotCmd(ctx, args, stdout, stderr, getenvOS)
	default:
		cfg, err := parseServe(args, getenvOS)
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		if err != nil {
			fmt.Fprintf(stderr, "flexboard: %v\n", err)
			return 2
		}
		log := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
		cfg.Banner = stdout
		if err := Run(ctx, cfg, log, nil); err != nil {
			log.Error("flexboard stopped with an error", "err", err)
			return 1
		}
		return 0
	}
}

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", "", "")
	out := fs.String("out", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "flexboard backup: %v (see flexboard --help)\n", err)
		return 2
	}
	if *db == "" {
		*db = getenvOS("FLEXBOARD_DB")
	}
	if *db == "" {
		*db = "./flexboard.db"
	}
	if *out == "" {
		fmt.Fprintln(stderr, "flexboard backup: --out FILE is required (see flexboard --help)")
		return 2
	}
	start := time.Now()
	res, err := sqlitedb.Backup(ctx, *db, *out)
	if err != nil {
		fmt.Fprintf(stderr, "flexboard %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d bytes, %d pages, integrity ok, in %s\n",
		*db, *out, res.Bytes, res.Pages, time.Since(start).Round(time.Millisecond))
	return 0
}
