package stream

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/flexboard/flexboard/widgets"
)

// History keeps 10-second roll-ups (min, max, sum, count, last) of every
// series in SQLite, for ranges beyond the memory window. Roll-ups are
// written every FlushInterval in one transaction per flush, so a crash
// loses at most one flush interval of them; they are pruned after the
// retention.
type History struct {
	db        *sql.DB
	store     *Store
	log       *slog.Logger
	retention time.Duration

	mu   sync.Mutex // one flush at a time
	ids  map[*series]int64
	done map[*series]int64 // bucket start up to which a series is flushed

	cacheMu sync.Mutex
	cache   map[string]cachedRollups
}

// cachedRollups keeps a history read for one flush interval: boards ask the
// same question every tick, and the answer only changes when a flush lands.
type cachedRollups struct {
	at   time.Time
	rows []histSeries
}

// maxHistoryCache bounds the cache; it is emptied when full.
const maxHistoryCache = 256

// Roll-up geometry.
const (
	RollupBucket  = 10 * time.Second
	FlushInterval = 10 * time.Second
	// flushBatch bounds one INSERT statement's rows (SQLite's variable limit).
	flushBatch = 4000
)

// DefaultRetention is how long roll-ups are kept unless told otherwise.
const DefaultRetention = 7 * 24 * time.Hour

// NewHistory returns the history of store in db (migrated with the series
// and rollups tables) and makes store's queries use it.
func NewHistory(db *sql.DB, store *Store, retention time.Duration, log *slog.Logger) *History {
	h := &History{db: db, store: store, log: log, retention: retention, ids: map[*series]int64{}, done: map[*series]int64{}}
	store.history = h
	return h
}

// Run flushes every FlushInterval and prunes hourly until ctx ends, then
// flushes once more.
func (h *History) Run(ctx context.Context) {
	flush := time.NewTicker(FlushInterval)
	prune := time.NewTicker(time.Hour)
	defer flush.Stop()
	defer prune.Stop()
	h.Prune(ctx)
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if _, err := h.Flush(fctx); err != nil {
				h.log.Error("final history flush", "err", err)
			}
			cancel()
			return
		case <-flush.C:
			// A flush cut by shutdown is not an error: the final flush
			// below writes what it left.
			if _, err := h.Flush(ctx); err != nil && ctx.Err() == nil {
				h.log.Error("history flush", "err", err)
			}
		case <-prune.C:
			h.Prune(ctx)
		}
	}
}

type rollupRow struct {
	sr                  *series
	ts                  int64
	min, max, sum, last float64
	count               int
}

// Flush writes the roll-ups of every complete bucket not yet written and
// returns how many rows it wrote.
func (h *History) Flush(ctx context.Context) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	bucket := RollupBucket.Milliseconds()
	now := h.store.Now()
	complete := now - now%bucket // buckets starting before this are complete
	var rows []rollupRow
	var fresh []*series
	live := map[*series]bool{}
	for i := range h.store.shards {
		// The table is read without the shard's lock (see shard); a
		// series Sweep removes meanwhile has no points left to roll up.
		h.store.shards[i].table.Load().each(func(sr *series) {
			live[sr] = true
			from := h.done[sr]
			sr.mu.Lock()
			i0 := sr.search(from)
			var cur *rollupRow
			for i := i0; i < sr.n; i++ {
				t, v := sr.at(i)
				b := t - t%bucket
				if b >= complete {
					break
				}
				if cur == nil || cur.ts != b {
					rows = append(rows, rollupRow{sr: sr, ts: b, min: v, max: v})
					cur = &rows[len(rows)-1]
				}
				cur.min, cur.max = math.Min(cur.min, v), math.Max(cur.max, v)
				cur.sum += v
				cur.count++
				cur.last = v
			}
			sr.mu.Unlock()
			if cur != nil {
				if _, ok := h.ids[sr]; !ok {
					fresh = append(fresh, sr)
				}
			}
		})
	}
	for sr := range h.done { // forget expired series
		if !live[sr] {
			delete(h.done, sr)
			delete(h.ids, sr)
		}
	}
	if len(rows) == 0 {
		return 0, nil
	}
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("history flush: %w", err)
	}
	defer tx.Rollback()
	if err := h.register(ctx, tx, fresh); err != nil {
		return 0, err
	}
	for start := 0; start < len(rows); start += flushBatch {
		end := min(start+flushBatch, len(rows))
		var q strings.Builder
		q.WriteString(`INSERT OR REPLACE INTO rollups (series_id, ts, min, max, sum, count, last) VALUES `)
		args := make([]any, 0, 7*(end-start))
		for i, r := range rows[start:end] {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?,?)")
			args = append(args, h.ids[r.sr], r.ts, r.min, r.max, r.sum, r.count, r.last)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return 0, fmt.Errorf("history flush: insert roll-ups: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("history flush: commit: %w", err)
	}
	for _, r := range rows {
		if r.ts+bucket > h.done[r.sr] {
			h.done[r.sr] = r.ts + bucket
		}
	}
	return len(rows), nil
}

// register gives new series their ids (inserting them if unknown).
func (h *History) register(ctx context.Context, tx *sql.Tx, list []*series) error {
	ins, err := tx.PrepareContext(ctx, `INSERT INTO series (metric, labels) VALUES (?, ?) ON CONFLICT (metric, labels) DO UPDATE SET metric = excluded.metric RETURNING id`)
	if err != nil {
		return fmt.Errorf("history: prepare: %w", err)
	}
	defer ins.Close()
	for _, sr := range list {
		lj, _ := json.Marshal(sr.labels.Map()) // maps encode with sorted keys
		var id int64
		if err := ins.QueryRowContext(ctx, sr.metric, string(lj)).Scan(&id); err != nil {
			return fmt.Errorf("history: register series %s: %w", sr.metric, err)
		}
		h.ids[sr] = id
	}
	return nil
}

// Prune deletes roll-ups older than the retention, and series left without
// any.
func (h *History) Prune(ctx context.Context) {
	cutoff := h.store.Now() - h.retention.Milliseconds()
	res, err := h.db.ExecContext(ctx, `DELETE FROM rollups WHERE ts < ?`, cutoff)
	if err != nil {
		if ctx.Err() == nil { // a prune cut short by shutdown is not an error: the next start prunes
			h.log.Error("history prune", "err", err)
		}
		return
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		h.mu.Lock()
		_, err := h.db.ExecContext(ctx, `DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM rollups WHERE series_id = series.id)`)
		// Cached ids may point at deleted series: forget them all.
		h.ids = map[*series]int64{}
		h.mu.Unlock()
		if err != nil && ctx.Err() == nil {
			h.log.Error("history prune series", "err", err)
		}
		h.log.Info("history pruned", "rollups", n)
	}
}

func (h *History) cachedRead(q *widgets.Compiled, from, to int64) ([]histSeries, error) {
	key := fmt.Sprintf("%s|%v|%d|%d", q.Metric, q.Match, from, to)
	h.cacheMu.Lock()
	if c, ok := h.cache[key]; ok && time.Since(c.at) < FlushInterval {
		h.cacheMu.Unlock()
		return c.rows, nil
	}
	h.cacheMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := h.read(ctx, q.Metric, func(ls Labels) bool { return matches(q.Matchers, ls) }, from, to)
	if err != nil {
		return nil, err
	}
	h.cacheMu.Lock()
	if h.cache == nil || len(h.cache) >= maxHistoryCache {
		h.cache = map[string]cachedRollups{}
	}
	h.cache[key] = cachedRollups{at: time.Now(), rows: rows}
	h.cacheMu.Unlock()
	return rows, nil
}

// histSeries is one series' roll-ups read back for a query.
type histSeries struct {
	labels Labels
	rows   []rollupRow
}

// read returns the roll-ups of the series of metric matching the query with
// buckets in [from, to).
func (h *History) read(ctx context.Context, metric string, match func(Labels) bool, from, to int64) ([]histSeries, error) {
	rows, err := h.db.QueryContext(ctx, `SELECT s.id, s.labels, r.ts, r.min, r.max, r.sum, r.count, r.last
		FROM series s JOIN rollups r ON r.series_id = s.id
		WHERE s.metric = ? AND r.ts >= ? AND r.ts < ? ORDER BY s.id, r.ts`, metric, from, to)
	if err != nil {
		return nil, fmt.Errorf("history read %s: %w", metric, err)
	}
	defer rows.Close()
	var out []histSeries
	var lastID int64 = -1
	skip := false
	for rows.Next() {
		var id int64
		var lj string
		var r rollupRow
		if err := rows.Scan(&id, &lj, &r.ts, &r.min, &r.max, &r.sum, &r.count, &r.last); err != nil {
			return nil, fmt.Errorf("history read %s: %w", metric, err)
		}
		if id != lastID {
			lastID = id
			var m map[string]string
			json.Unmarshal([]byte(lj), &m)
			ls := make(Labels, 0, len(m))
			for k, v := range m {
				ls = append(ls, Label{Name: k, Value: v})
			}
			sort.Slice(ls, func(i, j int) bool { return ls[i].Name < ls[j].Name })
			skip = !match(ls)
			if !skip {
				out = append(out, histSeries{labels: ls})
			}
		}
		if !skip {
			out[len(out)-1].rows = append(out[len(out)-1].rows, r)
		}
	}
	return out, rows.Err()
}
