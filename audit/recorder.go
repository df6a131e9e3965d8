package audit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Recorder policy: a request never waits for the audit log. Record puts the
// entry in a bounded queue (QueueSize) and returns; one writer goroutine
// takes what is queued, up to BatchSize at a time, and inserts it in one
// transaction, so a burst of changes costs a few commits, not one each.
// When the queue is full (the database stalled for a long while) the entry
// is dropped and counted, and the writer logs the count as a warning: the
// log loses entries rather than slowing or piling up memory. Close writes
// what is queued before returning, so a graceful shutdown loses nothing.
const (
	// QueueSize is how many entries may wait for the writer: minutes of a
	// busy team's changes, a few hundred KB at most.
	QueueSize = 4096
	// BatchSize is the most entries written in one transaction.
	BatchSize = 256
	// PruneEvery is how often entries beyond the retention are deleted
	// (and once when the recorder starts).
	PruneEvery = time.Hour
	// writeTimeout bounds one batch's transaction.
	writeTimeout = 30 * time.Second
)

// Recorder writes entries off the request path. Make it with NewRecorder,
// stop it with Close.
type Recorder struct {
	store     Store
	log       *slog.Logger
	retention Retention
	now       func() time.Time

	queue   chan Entry
	syncs   chan chan struct{}
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	dropped atomic.Int64
}

// NewRecorder starts a recorder writing to store and pruning it to
// retention; now is the clock (nil: time.Now).
func NewRecorder(store Store, log *slog.Logger, retention Retention, now func() time.Time) *Recorder {
	if now == nil {
		now = time.Now
	}
	r := &Recorder{store: store, log: log, retention: retention, now: now,
		queue: make(chan Entry, QueueSize), syncs: make(chan chan struct{}),
		stop: make(chan struct{}), done: make(chan struct{})}
	go r.run()
	return r
}

// Record queues e without waiting; a zero At is set to now. An invalid
// entry (the recording code's mistake) is logged and not kept. When the
// queue is full, e is dropped and counted (see Dropped).
func (r *Recorder) Record(e Entry) {
	if e.At.IsZero() {
		e.At = r.now()
	}
	e.Clip()
	if err := e.Validate(); err != nil {
		r.log.Error("audit log: invalid entry not recorded", "action", e.Action, "route", e.Route, "err", err)
		return
	}
	select {
	case r.queue <- e:
	default:
		r.dropped.Add(1)
	}
}

// Dropped returns how many entries were dropped because the queue was full.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Sync returns once every entry recorded before it was called is written
// (or failed to be), so a reader sees its own changes. It gives up when
// ctx ends or the recorder is closed.
func (r *Recorder) Sync(ctx context.Context) {
	ack := make(chan struct{})
	select {
	case r.syncs <- ack:
	case <-r.done:
		return
	case <-ctx.Done():
		return
	}
	select {
	case <-ack:
	case <-ctx.Done():
	}
}

// Close writes what is queued and stops the writer. Entries recorded
// after Close are dropped. It is safe to call more than once.
func (r *Recorder) Close() error {
	r.once.Do(func() { close(r.stop) })
	<-r.done
	return nil
}

func (r *Recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(PruneEvery)
	defer tick.Stop()
	r.prune()
	var reported int64
	batch := make([]Entry, 0, BatchSize)
	for {
		select {
		case e := <-r.queue:
			batch = append(batch[:0], e)
			r.drain(&batch, BatchSize)
			r.write(batch)
		case ack := <-r.syncs:
			r.flush(&batch)
			close(ack)
		case <-tick.C:
			r.prune()
		case <-r.stop:
			r.flush(&batch)
			r.reportDrops(&reported)
			return
		}
		r.reportDrops(&reported)
	}
}

// drain adds queued entries to batch, without waiting, up to max.
func (r *Recorder) drain(batch *[]Entry, max int) {
	for len(*batch) < max {
		select {
		case e := <-r.queue:
			*batch = append(*batch, e)
		default:
			return
		}
	}
}

// flush writes everything queued now, a batch at a time.
func (r *Recorder) flush(batch *[]Entry) {
	for {
		*batch = (*batch)[:0]
		r.drain(batch, BatchSize)
		if len(*batch) == 0 {
			return
		}
		r.write(*batch)
	}
}

func (r *Recorder) write(batch []Entry) {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	if err := r.store.CreateEntries(ctx, batch); err != nil {
		r.log.Error("audit log: entries not written", "entries", len(batch), "first_action", batch[0].Action, "err", err)
	}
}

func (r *Recorder) prune() {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	n, err := r.store.Prune(ctx, r.now().Add(-r.retention.MaxAge), r.retention.MaxEntries)
	if err != nil {
		r.log.Error("audit log: prune failed", "err", err)
		return
	}
	if n > 0 {
		r.log.Info("audit log: pruned entries beyond the retention", "entries", n,
			"max_age", r.retention.MaxAge.String(), "max_entries", r.retention.MaxEntries)
	}
}

func (r *Recorder) reportDrops(reported *int64) {
	if d := r.dropped.Load(); d > *reported {
		r.log.Warn("audit log: queue full, entries dropped", "dropped", d-*reported, "dropped_total", d, "queue", QueueSize)
		*reported = d
	}
}
