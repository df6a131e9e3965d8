package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/flexboard/flexboard/internal/sqlitedb"

	"github.com/flexboard/flexboard/auth"
)

// announceAuth says at start what access control is on: with --auth=none
// and an address beyond loopback, a warning; with --auth=password and no
// user yet, the one-time setup link (to the banner writer and the log).
func announceAuth(ctx context.Context, cfg Config, svc *auth.Service, addr net.Addr, base string, log *slog.Logger) error {
	if svc == nil {
		if !loopbackOnly(addr) {
			log.Warn("--auth=none and listening beyond this machine: anyone who can reach "+addr.String()+" can change boards, sources and data; use --auth=password, or --addr 127.0.0.1:PORT",
				"addr", addr.String())
		}
		return nil
	}
	token, expires, err := svc.NewSetupLink(ctx)
	if err != nil {
		return fmt.Errorf("first run: %w", err)
	}
	if token == "" {
		log.Info("access control: users log in (--auth=password)")
		return nil
	}
	link := base + "/setup/" + token
	log.Warn("first run: no user yet; open the setup link to create the first admin (it works once, until expiry), or run flexboard user add",
		"link", link, "expires", expires.UTC().Format("2006-01-02T15:04:05Z"))
	if cfg.Banner != nil {
		fmt.Fprintf(cfg.Banner, "\n  No user yet. Create the first admin within %s at:\n\n    %s\n\n  (or: flexboard user add NAME --role admin --db %s)\n\n",
			auth.SetupLinkValidity, link, cfg.DB)
	}
	return nil
}

// loopbackOnly reports whether the server answers only this machine.
func loopbackOnly(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// userCmd is `flexboard user add|reset-password|list`: it works on the
// database file directly, so it serves when nobody can log in (the first
// admin, a forgotten password), also while the server runs.
func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "reset-password" && args[0] != "list") {
		fmt.Fprintln(stderr, "flexboard user: want add, reset-password or list (see flexboard --help)")
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", "", "")
	role := fs.String("role", "", "")
	fromStdin := fs.Bool("password-stdin", false, "")
	// NAME may come before or after the flags.
	var pos []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage(stdout)
				return 0
			}
			fmt.Fprintf(stderr, "flexboard user %s: %v (see flexboard --help)\n", sub, err)
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if *db == "" {
		*db = getenvOS("FLEXBOARD_DB")
	}
	if *db == "" {
		*db = "./flexboard.db"
	}
	want := 1
	if sub == "list" {
		want = 0
	}
	if len(pos) != want {
		if want == 0 {
			fmt.Fprintf(stderr, "flexboard user list: unexpected argument %q\n", pos[0])
		} else {
			fmt.Fprintf(stderr, "flexboard user %s: give exactly one user NAME (see flexboard --help)\n", sub)
		}
		return 2
	}
	if sub == "add" && *role == "" {
		fmt.Fprintln(stderr, "flexboard user add: --role is required: admin, editor or viewer")
		return 2
	}
	if sub != "add" && *role != "" {
		fmt.Fprintf(stderr, "flexboard user %s: --role only goes with add (change a role with PUT /api/v1/users/ID)\n", sub)
		return 2
	}
	conn, err := sqlitedb.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "flexboard user %s: %v\n", sub, err)
		return 1
	}
	defer conn.Close()
	store := auth.NewSQLiteStore(conn)
	svc := auth.NewService(store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)

	if sub == "list" {
		us, err := store.FindUsers(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "flexboard user list: %v\n", err)
			return 1
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tLAST LOGIN")
		for _, u := range us {
			last := "never"
			if u.LastLoginAt != nil {
				last = u.LastLoginAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, u.CreatedAt.UTC().Format(time.RFC3339), last)
		}
		tw.Flush()
		if len(us) == 0 {
			fmt.Fprintln(stderr, "no users yet: flexboard user add NAME --role admin")
		}
		return 0
	}

	name := pos[0]
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintf(stderr, "flexboard user %s: read the password from stdin: %v\n", sub, err)
			return 1
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		password, generated = generatePassword(), true
	}
	switch sub {
	case "add":
		u, err := svc.CreateUser(ctx, auth.NewUser{Name: name, Role: *role, Password: password})
		if err != nil {
			fmt.Fprintf(stderr, "flexboard user add: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "created user %s (id %d, %s)\n", u.Name, u.ID, u.Role)
	case "reset-password":
		u, err := store.FindUserByName(ctx, name)
		if err == nil {
			u, err = svc.UpdateUser(ctx, u.ID, auth.UserUpdate{Password: &password})
		}
		if err != nil {
			fmt.Fprintf(stderr, "flexboard user reset-password: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "new password set for %s; their sessions are ended\n", u.Name)
	}
	if generated {
		fmt.Fprintf(stdout, "password: %s\n(shown once: give it to %s)\n", password, name)
	}
	return 0
}

// generatePassword returns 20 random characters of 57 (about 116 bits).
func generatePassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
