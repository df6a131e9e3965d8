package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/flexboard/flexboard/audit"
	"github.com/flexboard/flexboard/internal/sqlitedb"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sqlitedb.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func entry(i int, actor, action, target, id string) audit.Entry {
	kind := audit.KindUser
	if actor == audit.Anonymous {
		kind = audit.KindAnonymous
	}
	return audit.Entry{At: t0.Add(time.Duration(i) * time.Minute), Actor: actor, ActorKind: kind, IP: "10.0.0.1",
		Action: action, Route: "PUT /api/v1/boards/:id", TargetType: target, TargetID: id,
		Summary: fmt.Sprintf("entry %d", i), Status: 200}
}

func ids(es []audit.Entry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestSQLiteStore(t *testing.T) {
	ctx := context.Background()
	s := audit.NewSQLiteStore(openDB(t))
	in := []audit.Entry{
		entry(0, "ada", "board.create", "board", "ops"),
		entry(1, "ed", "board.update", "board", "ops"),
		entry(2, "ed", "playlist.create", "playlist", "lobby"),
		entry(3, "anonymous", "auth.login", "user", "ada"),
		entry(4, "ADA", "board.delete", "board", "web"),
	}
	in[3].Status = 401
	if err := s.CreateEntries(ctx, in); err != nil {
		t.Fatal(err)
	}
	if in[0].ID != 1 || in[4].ID != 5 {
		t.Fatalf("ids %v, want 1…5", ids(in))
	}
	got, err := s.FindEntries(ctx, audit.Filter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(got)) != "[5 4 3 2 1]" {
		t.Fatalf("all: %v, want newest first", ids(got))
	}
	if g := got[1]; g.Actor != "anonymous" || g.ActorKind != audit.KindAnonymous || g.Status != 401 || g.IP != "10.0.0.1" ||
		!g.At.Equal(t0.Add(3*time.Minute)) || g.At.Location() != time.UTC || g.Route != "PUT /api/v1/boards/:id" || g.Summary != "entry 3" {
		t.Fatalf("entry 4 read back as %+v", g)
	}
	cases := []struct {
		name string
		f    audit.Filter
		want string
	}{
		{"ActorIgnoresCase", audit.Filter{Actor: "ada"}, "[5 1]"},
		{"Action", audit.Filter{Action: "board.update"}, "[2]"},
		{"ActionGroup", audit.Filter{Action: "board"}, "[5 2 1]"},
		{"ActionGroupNotPrefixOfWord", audit.Filter{Action: "play"}, "[]"},
		{"TargetType", audit.Filter{TargetType: "board"}, "[5 2 1]"},
		{"TargetID", audit.Filter{TargetType: "board", TargetID: "ops"}, "[2 1]"},
		{"Before", audit.Filter{Before: 3}, "[2 1]"},
		{"Limit", audit.Filter{Limit: 2}, "[5 4]"},
		{"Combined", audit.Filter{Actor: "ed", Action: "board", Before: 5}, "[2]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.f.Limit == 0 {
				c.f.Limit = 10
			}
			got, err := s.FindEntries(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ids(got)) != c.want {
				t.Fatalf("%+v: %v, want %s", c.f, ids(got), c.want)
			}
		})
	}

	t.Run("InvalidBatchWritesNothing", func(t *testing.T) {
		bad := []audit.Entry{entry(9, "ada", "board.update", "board", "x"), entry(10, "ada", "Bad Action", "board", "x")}
		if err := s.CreateEntries(ctx, bad); err == nil {
			t.Fatal("a batch with an invalid entry was written")
		}
		if got, _ := s.FindEntries(ctx, audit.Filter{Limit: 50}); len(got) != 5 {
			t.Fatalf("%d entries after a refused batch, want 5", len(got))
		}
	})
}

func TestSQLitePrune(t *testing.T) {
	ctx := context.Background()
	s := audit.NewSQLiteStore(openDB(t))
	var in []audit.Entry
	for i := 0; i < 10; i++ {
		in = append(in, entry(i, "ada", "board.update", "board", "ops"))
	}
	if err := s.CreateEntries(ctx, in); err != nil {
		t.Fatal(err)
	}
	// By age: entries 0…2 are before minute 3.
	n, err := s.Prune(ctx, t0.Add(3*time.Minute), 100)
	if err != nil || n != 3 {
		t.Fatalf("prune by age: %d, %v; want 3", n, err)
	}
	// By count: keep the newest 4 of the 7 left.
	if n, err = s.Prune(ctx, t0, 4); err != nil || n != 3 {
		t.Fatalf("prune by count: %d, %v; want 3", n, err)
	}
	got, _ := s.FindEntries(ctx, audit.Filter{Limit: 50})
	if fmt.Sprint(ids(got)) != "[10 9 8 7]" {
		t.Fatalf("left %v, want the newest four", ids(got))
	}
	// Nothing beyond either limit: nothing goes.
	if n, err = s.Prune(ctx, t0, 4); err != nil || n != 0 {
		t.Fatalf("prune again: %d, %v; want 0", n, err)
	}
	// Ids are never reused after pruning (clients page by id).
	if n, err = s.Prune(ctx, t0.Add(time.Hour), 100); err != nil || n != 4 {
		t.Fatalf("prune all: %d, %v", n, err)
	}
	more := []audit.Entry{entry(20, "ada", "board.update", "board", "ops")}
	if err := s.CreateEntries(ctx, more); err != nil || more[0].ID != 11 {
		t.Fatalf("id after pruning everything: %d, %v; want 11", more[0].ID, err)
	}
}
