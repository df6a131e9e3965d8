package audit_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flexboard/flexboard/audit"
)

// gatedStore is a real SQLite store whose writes wait for gate while it is
// closed, and which counts its transactions.
type gatedStore struct {
	*audit.SQLiteStore
	mu      sync.Mutex
	gate    chan struct{}
	entered chan struct{}
	batches atomic.Int64
}

func (g *gatedStore) CreateEntries(ctx context.Context, es []audit.Entry) error {
	g.mu.Lock()
	gate := g.gate
	g.mu.Unlock()
	if gate != nil {
		select {
		case g.entered <- struct{}{}:
		default:
		}
		<-gate
	}
	g.batches.Add(1)
	return g.SQLiteStore.CreateEntries(ctx, es)
}

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newRecorder(t *testing.T, r audit.Retention) (*audit.Recorder, *gatedStore, *logBuffer) {
	t.Helper()
	g := &gatedStore{SQLiteStore: audit.NewSQLiteStore(openDB(t)), entered: make(chan struct{}, 1)}
	logs := &logBuffer{}
	rec := audit.NewRecorder(g, slog.New(slog.NewTextHandler(logs, nil)), r, func() time.Time { return t0.Add(24 * time.Hour) })
	t.Cleanup(func() { rec.Close() })
	return rec, g, logs
}

func TestRecorderBatchesAndSyncs(t *testing.T) {
	rec, g, _ := newRecorder(t, audit.DefaultRetention)
	// Held at the first write, so the rest queue up behind it.
	g.gate = make(chan struct{})
	rec.Record(entry(0, "ada", "board.update", "board", "ops"))
	<-g.entered
	const n = 600
	for i := 1; i < n; i++ {
		rec.Record(entry(i, "ada", "board.update", "board", "ops"))
	}
	g.mu.Lock()
	close(g.gate)
	g.gate = nil
	g.mu.Unlock()
	rec.Sync(context.Background())
	got, err := g.FindEntries(context.Background(), audit.Filter{Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != audit.MaxLimit || got[0].Summary != "entry 599" {
		t.Fatalf("after Sync: %d entries, newest %q; want %d, entry 599", len(got), got[0].Summary, audit.MaxLimit)
	}
	// 1 + 599 queued entries in batches of at most BatchSize: 1 + 3 writes.
	if b := g.batches.Load(); b != 4 {
		t.Fatalf("%d transactions for %d entries, want 4 (batches of %d)", b, n, audit.BatchSize)
	}
	if rec.Dropped() != 0 {
		t.Fatalf("%d dropped", rec.Dropped())
	}
}

func TestRecorderDropsWhenFull(t *testing.T) {
	rec, g, logs := newRecorder(t, audit.DefaultRetention)
	g.gate = make(chan struct{})
	rec.Record(entry(0, "ada", "board.update", "board", "ops"))
	<-g.entered // the writer is stuck: the queue fills
	for i := 0; i < audit.QueueSize+25; i++ {
		rec.Record(entry(i+1, "ada", "board.update", "board", "ops"))
	}
	if d := rec.Dropped(); d != 25 {
		t.Fatalf("dropped %d, want 25 (queue of %d)", d, audit.QueueSize)
	}
	g.mu.Lock()
	close(g.gate)
	g.gate = nil
	g.mu.Unlock()
	// Close writes what was queued.
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := g.FindEntries(context.Background(), audit.Filter{Limit: 1})
	if len(got) != 1 || got[0].ID != audit.QueueSize+1 {
		t.Fatalf("newest after Close: %+v; want id %d", got, audit.QueueSize+1)
	}
	if !strings.Contains(logs.String(), "queue full, entries dropped") || !strings.Contains(logs.String(), "dropped=25") {
		t.Fatalf("no warning of the drops:\n%s", logs.String())
	}
	// After Close, Record drops and Sync returns.
	rec.Record(entry(9999, "ada", "board.update", "board", "ops"))
	rec.Sync(context.Background())
}

func TestRecorderRejectsInvalidEntry(t *testing.T) {
	rec, g, logs := newRecorder(t, audit.DefaultRetention)
	rec.Record(entry(1, "ada", "Not An Action", "board", "ops"))
	rec.Record(entry(2, "ada", "board.update", "board", "ops"))
	rec.Sync(context.Background())
	got, _ := g.FindEntries(context.Background(), audit.Filter{Limit: 10})
	if len(got) != 1 || got[0].Action != "board.update" {
		t.Fatalf("entries %+v; want only the valid one", got)
	}
	if !strings.Contains(logs.String(), "invalid entry not recorded") {
		t.Fatalf("no log of the invalid entry:\n%s", logs.String())
	}
}

func TestRecorderPrunesAtStart(t *testing.T) {
	db := openDB(t)
	s := audit.NewSQLiteStore(db)
	var in []audit.Entry
	for i := 0; i < 5; i++ {
		in = append(in, entry(i, "ada", "board.update", "board", "ops"))
	}
	in[0].At = t0.Add(-400 * 24 * time.Hour) // older than a year
	if err := s.CreateEntries(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	rec := audit.NewRecorder(s, slog.New(slog.NewTextHandler(logs, nil)), audit.Retention{MaxAge: 365 * 24 * time.Hour, MaxEntries: 3},
		func() time.Time { return t0 })
	rec.Sync(context.Background()) // the first prune runs before the writer takes requests
	rec.Close()
	got, _ := s.FindEntries(context.Background(), audit.Filter{Limit: 10})
	if len(got) != 3 || got[2].ID != 3 {
		t.Fatalf("after pruning: %v; want ids 5 4 3", ids(got))
	}
	if !strings.Contains(logs.String(), "pruned entries beyond the retention") || !strings.Contains(logs.String(), "entries=2") {
		t.Fatalf("prune not logged:\n%s", logs.String())
	}
}
