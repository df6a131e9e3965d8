package stream

import (
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Transactions are not kept one by one: each is counted into a bin of
// (time bucket × elapsed bucket), ok and errors apart, so memory and display
// traffic stay flat whatever the transaction rate.
const (
	// HitmapBucket is the width of a time bucket.
	HitmapBucket = 5 * time.Second
	// ElapsedBuckets is the number of elapsed-time buckets: bucket 0 holds
	// everything under HitmapMinElapsed, then ElapsedPerDecade buckets per
	// decade on a log scale, the last one open-ended.
	ElapsedBuckets   = 58
	ElapsedPerDecade = 8
	HitmapMinElapsed = 0.1 // ms
)

// ElapsedBucket returns the elapsed bucket of a duration in milliseconds.
func ElapsedBucket(ms float64) int {
	if !(ms >= HitmapMinElapsed) { // also NaN
		return 0
	}
	b := 1 + int(math.Floor(math.Log10(ms/HitmapMinElapsed)*ElapsedPerDecade))
	if b >= ElapsedBuckets {
		return ElapsedBuckets - 1
	}
	return b
}

// ElapsedEdge returns the lower edge (ms) of elapsed bucket b; 0 for b=0.
func ElapsedEdge(b int) float64 {
	if b <= 0 {
		return 0
	}
	return HitmapMinElapsed * math.Pow(10, float64(b-1)/ElapsedPerDecade)
}

type txSlot struct {
	start   int64 // bucket start, unix ms
	ok, err [ElapsedBuckets]uint32
}

// txSeries holds the bins of one service and label set, as a ring indexed
// by time: slot i holds bucket start/HitmapBucket ≡ i, so a slot found with
// an older start is simply reused.
type txSeries struct {
	mu         sync.Mutex
	service    string
	labels     Labels
	slots      []*txSlot // allocated when first used
	lastIngest int64
	lastTS     int64
	dead       bool // forgotten by sweep: look up again
}

type txStore struct {
	mu     sync.RWMutex
	seed   maphash.Seed
	byHash map[uint64][]*txSeries
	count  atomic.Int64
	slots  int
	limits Limits
}

func (t *txStore) init(l Limits) {
	t.seed = maphash.MakeSeed()
	t.byHash = map[uint64][]*txSeries{}
	t.limits = l
	t.slots = int(l.Window/HitmapBucket) + 2
}

// AppendTransaction implements Appender.
func (a *BatchAppender) AppendTransaction(tr *Transaction) error {
	st := a.st
	if tr.Service == "" || len(tr.Service) > MaxMetricNameLength || !utf8.ValidString(tr.Service) {
		return a.reject(reasonInvalid, fmt.Errorf("service must be 1 to %d characters of UTF-8", MaxMetricNameLength))
	}
	if math.IsNaN(tr.ElapsedMS) || math.IsInf(tr.ElapsedMS, 0) || tr.ElapsedMS < 0 {
		return a.reject(reasonInvalid, fmt.Errorf("%s: elapsed_ms %v must be a finite number of milliseconds, 0 or more", tr.Service, tr.ElapsedMS))
	}
	ts, err := a.checkTime(tr.TS)
	if err != nil {
		return err
	}
	labels, reason, err := a.prepareLabels(tr.Labels)
	if err != nil {
		return a.reject(reason, err)
	}
	bucket := ts - ts%HitmapBucket.Milliseconds()
	e := ElapsedBucket(tr.ElapsedMS)
	var ts2 *txSeries
	for {
		if ts2, err = st.tx.find(tr.Service, labels); err != nil {
			return a.reject(reasonTxSeries, err)
		}
		ts2.mu.Lock()
		if !ts2.dead {
			break
		}
		ts2.mu.Unlock()
	}
	i := int((bucket / HitmapBucket.Milliseconds()) % int64(len(ts2.slots)))
	s := ts2.slots[i]
	if s == nil {
		s = &txSlot{}
		ts2.slots[i] = s
	}
	if s.start != bucket {
		if s.start > bucket {
			ts2.mu.Unlock()
			// The slot already holds a newer bucket: this one left the window.
			return a.reject(reasonTooOld, fmt.Errorf("%s: transaction at %s is older than the memory window", tr.Service, time.UnixMilli(ts).UTC().Format(time.RFC3339)))
		}
		*s = txSlot{start: bucket}
	}
	if tr.Error {
		s.err[e]++
	} else {
		s.ok[e]++
	}
	ts2.lastIngest = a.now
	if ts > ts2.lastTS {
		ts2.lastTS = ts
	}
	ts2.mu.Unlock()
	st.Stats.AcceptedTx.Add(1)
	return nil
}

func (t *txStore) find(service string, labels []LabelPair) (*txSeries, error) {
	var h maphash.Hash
	h.SetSeed(t.seed)
	h.WriteString(service)
	for _, l := range labels {
		h.WriteByte(0xff)
		h.Write(l.Name)
		h.WriteByte(0xfe)
		h.Write(l.Value)
	}
	key := h.Sum64()
	t.mu.RLock()
	s := findTx(t.byHash[key], service, labels)
	t.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := findTx(t.byHash[key], service, labels); s != nil {
		return s, nil
	}
	if t.count.Load() >= int64(t.limits.MaxTxSeries) {
		return nil, &LimitError{Limit: "max-tx-series", RetryAfter: time.Minute,
			Message: fmt.Sprintf("the store holds its limit of %d transaction series (max-tx-series: services × label sets)", t.limits.MaxTxSeries)}
	}
	s = &txSeries{service: service, labels: make(Labels, len(labels)), slots: make([]*txSlot, t.slots)}
	for i, l := range labels {
		s.labels[i] = Label{Name: string(l.Name), Value: string(l.Value)}
	}
	t.byHash[key] = append(t.byHash[key], s)
	t.count.Add(1)
	return s, nil
}

func findTx(list []*txSeries, service string, labels []LabelPair) *txSeries {
	for _, s := range list {
		if s.service == service && sameLabels(s.labels, labels) {
			return s
		}
	}
	return nil
}

// all returns every transaction series (a snapshot of the list).
func (t *txStore) all() []*txSeries {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]*txSeries, 0, t.count.Load())
	for _, list := range t.byHash {
		out = append(out, list...)
	}
	return out
}

// sweep frees slots older than cutoff and forgets series silent for the
// whole window.
func (t *txStore) sweep(cutoff int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for key, list := range t.byHash {
		keep := list[:0]
		for _, s := range list {
			s.mu.Lock()
			for i, sl := range s.slots {
				if sl != nil && sl.start+HitmapBucket.Milliseconds() <= cutoff {
					s.slots[i] = nil
				}
			}
			silent := s.lastIngest < cutoff && s.lastTS < cutoff
			s.dead = silent
			s.mu.Unlock()
			if silent {
				t.count.Add(-1)
				continue
			}
			keep = append(keep, s)
		}
		if len(keep) == 0 {
			delete(t.byHash, key)
		} else {
			t.byHash[key] = keep
		}
	}
}

// TxSeriesCount is the number of transaction series in memory.
func (st *Store) TxSeriesCount() int64 { return st.tx.count.Load() }
