package stream

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Limits bound what the store keeps. Each is a flag (see cmd/flexboard); a
// limit that is reached rejects the offending input with a message naming
// it, and memory never grows past them.
type Limits struct {
	MaxSeries     int           // --max-series: active series in memory
	MaxTxSeries   int           // --max-tx-series: transaction series (service + labels)
	MaxLabels     int           // --max-labels: labels per series
	MaxLabelName  int           // --max-label-name: bytes in a label name
	MaxLabelValue int           // --max-label-value: bytes in a label value
	MaxPoints     int64         // --max-points: points held in memory, all series together (16 bytes each)
	Window        time.Duration // --memory-window: how far back points are kept in memory
	MaxFuture     time.Duration // points further ahead than this are refused (a sender's clock is wrong)
}

// DefaultLimits are the limits of a server started without flags.
func DefaultLimits() Limits {
	return Limits{
		MaxSeries:     1_000_000,
		MaxTxSeries:   1_000,
		MaxLabels:     32,
		MaxLabelName:  128,
		MaxLabelValue: 1024,
		MaxPoints:     64 << 20, // 1 GiB of points
		Window:        time.Hour,
		MaxFuture:     5 * time.Minute,
	}
}

// MaxMetricNameLength is the longest metric or service name accepted.
const MaxMetricNameLength = 256

// Validate checks a set of limits for sense.
func (l Limits) Validate() error {
	switch {
	case l.MaxSeries < 1:
		return fmt.Errorf("--max-series must be at least 1")
	case l.MaxTxSeries < 1:
		return fmt.Errorf("--max-tx-series must be at least 1")
	case l.MaxLabels < 1 || l.MaxLabels > 1024:
		return fmt.Errorf("--max-labels must be 1 to 1024")
	case l.MaxLabelName < 1 || l.MaxLabelValue < 1:
		return fmt.Errorf("--max-label-name and --max-label-value must be at least 1")
	case l.MaxPoints < 1024:
		return fmt.Errorf("--max-points must be at least 1024")
	case l.Window < time.Minute || l.Window > 7*24*time.Hour:
		return fmt.Errorf("--memory-window must be 1m to 168h")
	case l.MaxFuture < 0:
		return fmt.Errorf("the future tolerance must not be negative")
	}
	return nil
}

// Label is one label of a stored series.
type Label struct {
	Name, Value string
}

// Labels are sorted by name, names unique, no empty values.
type Labels []Label

// Get returns the value of the label called name, or "".
func (ls Labels) Get(name string) string {
	for _, l := range ls {
		if l.Name == name {
			return l.Value
		}
	}
	return ""
}

// Map returns the labels as a map, for JSON.
func (ls Labels) Map() map[string]string {
	m := make(map[string]string, len(ls))
	for _, l := range ls {
		m[l.Name] = l.Value
	}
	return m
}

// shardCount spreads series over independently locked tables so that
// concurrent creations and sweeps rarely meet.
const shardCount = 256

// point is one stored point: 16 bytes.
type point struct {
	t int64   // unix ms
	v float64 //
}

// Points are kept in chunks of chunkPoints, oldest first, as Prometheus'
// head keeps samples: an append writes one 16-byte slot, a full chunk is
// followed by a new one (nothing is copied), and eviction drops whole
// chunks. Doubling rings instead copied every point of a series at each
// growth, and since series fed together grow together, 100,000 of them
// did so in the same 70 ms (0.5–2 s stalls, 1.6 GB copied). A series
// starts with a small chunk that doubles up to chunkPoints, so that a
// series with a few points holds little memory.
const (
	chunkShift  = 7
	chunkPoints = 1 << chunkShift // 2 KiB
	chunkMask   = chunkPoints - 1
	minChunk    = 8
)

// chunk is a full-size chunk, as pooled.
type chunk [chunkPoints]point

// series holds the recent points of one series. The fields an append
// touches come first.
type series struct {
	mu     sync.Mutex
	n      int     // points held
	head   int     // index of the oldest point in chunks[0]
	slots  int     // slots in chunks: head+n <= slots
	tail   []point // chunks[len(chunks)-1], where appends go
	newest int64   // time of the newest point, when n > 0
	oldest int64   // and of the oldest: appends and the order check read no chunk memory

	lastIngest int64 // wall clock (ms) of the last append: frames carry it to measure latency
	dead       bool  // removed by Sweep: an appender holding it must look up again

	// All chunks but a lone first one hold chunkPoints, so point i is at
	// chunks[(head+i)>>chunkShift][(head+i)&chunkMask].
	chunks [][]point

	hash   uint64
	key    string // labels and metric in one string (appendKey): one comparison finds a series
	metric string // a substring of key
	labels Labels // names and values are substrings of key
}

func (s *series) at(i int) (int64, float64) {
	j := s.head + i
	p := s.chunks[j>>chunkShift][j&chunkMask]
	return p.t, p.v
}

// set replaces the value of point i.
func (s *series) set(i int, v float64) {
	j := s.head + i
	s.chunks[j>>chunkShift][j&chunkMask].v = v
}

// search returns the index of the first point with time >= t.
func (s *series) search(t int64) int {
	return sort.Search(s.n, func(i int) bool { ts, _ := s.at(i); return ts >= t })
}

// push appends a point newer than the last.
func (s *series) push(t int64, v float64, pool *sync.Pool) {
	j := s.head + s.n
	if j == s.slots {
		s.grow(pool)
		j = s.head + s.n
	}
	s.tail[j&chunkMask] = point{t, v}
	if s.n == 0 {
		s.oldest = t
	}
	s.n++
	s.newest = t
}

// grow makes room for one more point at the end.
func (s *series) grow(pool *sync.Pool) {
	switch {
	case len(s.chunks) == 0:
		s.setChunks(append(s.chunks, make([]point, minChunk)))
	case len(s.chunks) == 1 && (s.n <= s.slots/2 || s.slots < chunkPoints):
		// A lone chunk: compact it if at least half is free at its
		// start (each point is moved at most once per half freed), or
		// double it up to a full chunk.
		c := s.chunks[0]
		if s.n > s.slots/2 {
			if 2*s.slots == chunkPoints {
				c = pool.Get().(*chunk)[:]
			} else {
				c = make([]point, 2*s.slots)
			}
		}
		copy(c, s.chunks[0][s.head:s.head+s.n])
		s.head = 0
		s.chunks[0] = c
		s.setChunks(s.chunks)
	default:
		s.setChunks(append(s.chunks, pool.Get().(*chunk)[:]))
	}
}

// setChunks sets chunks and what follows from it.
func (s *series) setChunks(cs [][]point) {
	s.chunks = cs
	switch len(cs) {
	case 0:
		s.tail, s.slots = nil, 0
	case 1:
		s.tail, s.slots = cs[0], len(cs[0])
	default:
		s.tail, s.slots = cs[len(cs)-1], len(cs)*chunkPoints
	}
}

// release returns a chunk that is no longer used to the pool.
func release(c []point, pool *sync.Pool) {
	if len(c) == chunkPoints {
		pool.Put((*chunk)(c))
	}
}

// evict drops points older than cutoff and returns how many.
func (s *series) evict(cutoff int64, pool *sync.Pool) int {
	if s.n == 0 || s.oldest >= cutoff {
		return 0
	}
	k := s.search(cutoff)
	s.head += k
	s.n -= k
	if s.n == 0 {
		for i, c := range s.chunks {
			release(c, pool)
			s.chunks[i] = nil
		}
		s.head = 0
		s.setChunks(s.chunks[:0])
		return k
	}
	if drop := s.head >> chunkShift; drop > 0 && len(s.chunks) > 1 {
		for i, c := range s.chunks[:drop] {
			release(c, pool)
			s.chunks[i] = nil
		}
		s.head -= drop * chunkPoints
		s.setChunks(s.chunks[drop:])
	}
	if len(s.chunks) == 1 && s.slots > minChunk && s.n < s.slots/4 {
		// Mostly empty: move to a chunk half the size.
		c := make([]point, s.slots/2)
		copy(c, s.chunks[0][s.head:s.head+s.n])
		release(s.chunks[0], pool)
		s.head = 0
		s.chunks[0] = c
		s.setChunks(s.chunks)
	}
	s.oldest, _ = s.at(0)
	return k
}

// A shard finds its series without a lock: appends look a series up for
// every point, and a map behind an RWMutex cost them two atomic adds on a
// line both cores write plus a map probe of several cache lines. The table
// is open addressing (linear probing) with the hash beside each pointer;
// a slot, once filled, never changes. Creation fills an empty slot under
// mu (copying into a table twice the size first when half full), and
// Sweep, under mu too, publishes a new table without the series it
// removes: a reader holding the old table may still find a removed series,
// which it then sees marked dead.
type shard struct {
	mu    sync.Mutex
	table atomic.Pointer[seriesTable]
	count int // series in table; guarded by mu
}

type seriesTable struct {
	mask  uint64
	slots []tableSlot
}

type tableSlot struct {
	hash uint64 // written before sr is stored, read after it is loaded
	sr   atomic.Pointer[series]
}

const minTable = 16

func newSeriesTable(size int) *seriesTable {
	return &seriesTable{mask: uint64(size - 1), slots: make([]tableSlot, size)}
}

// tableSize is the table size for n series: a power of two at least 2n.
func tableSize(n int) int {
	size := minTable
	for size < 2*n {
		size *= 2
	}
	return size
}

// find returns the series with key and hash h, or nil. The low bits of h
// chose the shard; the next ones choose the slot.
func (t *seriesTable) find(h uint64, key []byte) *series {
	for i := (h / shardCount) & t.mask; ; i = (i + 1) & t.mask {
		sr := t.slots[i].sr.Load()
		if sr == nil {
			return nil
		}
		if t.slots[i].hash == h && sr.key == string(key) {
			return sr
		}
	}
}

// insert puts sr into an empty slot; the caller holds the shard's mu and
// has made room.
func (t *seriesTable) insert(sr *series) {
	for i := (sr.hash / shardCount) & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].sr.Load() == nil {
			t.slots[i].hash = sr.hash
			t.slots[i].sr.Store(sr)
			return
		}
	}
}

// each calls f for every series of a table.
func (t *seriesTable) each(f func(*series)) {
	for i := range t.slots {
		if sr := t.slots[i].sr.Load(); sr != nil {
			f(sr)
		}
	}
}

// Store keeps recent series points and transaction bins in memory.
type Store struct {
	limits Limits
	now    func() time.Time
	seed   maphash.Seed
	shards [shardCount]shard

	idxMu    sync.RWMutex
	byMetric map[string]map[*series]struct{}

	seriesCount atomic.Int64
	points      atomic.Int64

	// chunks are full-size point chunks (*chunk) free for reuse.
	chunks sync.Pool

	tx txStore

	// events holds the boards' state changes and the events pushed over
	// ingest (events.go).
	events *eventLog

	// history, when set, answers for times before the memory window.
	history *History

	// Counters for /metrics.
	Stats Stats
}

// Stats are the store's counters since start.
type Stats struct {
	Accepted      atomic.Int64
	AcceptedTx    atomic.Int64
	RejectedByWhy sync.Map // reason string → *atomic.Int64
	SeriesCreated atomic.Int64
	SeriesExpired atomic.Int64
	PointsEvicted atomic.Int64
}

func (st *Stats) reject(reason string) {
	v, ok := st.RejectedByWhy.Load(reason)
	if !ok {
		v, _ = st.RejectedByWhy.LoadOrStore(reason, new(atomic.Int64))
	}
	v.(*atomic.Int64).Add(1)
}

// NewStore returns an empty store. now is the clock (time.Now in the server,
// a fake one in tests).
func NewStore(limits Limits, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	st := &Store{limits: limits, now: now, seed: maphash.MakeSeed(), byMetric: map[string]map[*series]struct{}{}}
	for i := range st.shards {
		st.shards[i].table.Store(newSeriesTable(minTable))
	}
	st.chunks.New = func() any { return new(chunk) }
	st.tx.init(limits)
	st.events = newEventLog()
	return st
}

// Limits returns the store's limits.
func (st *Store) Limits() Limits { return st.limits }

// SeriesCount is the number of series in memory.
func (st *Store) SeriesCount() int64 { return st.seriesCount.Load() }

// PointCount is the number of points in memory.
func (st *Store) PointCount() int64 { return st.points.Load() }

// Now returns the store's clock in unix milliseconds.
func (st *Store) Now() int64 { return st.now().UnixMilli() }

// Appender returns an Appender that stamps input without a timestamp with
// the current time. It is cheap; use one per request.
func (st *Store) Appender() *BatchAppender {
	return &BatchAppender{st: st, now: st.Now()}
}

// BatchAppender appends one batch of input with one notion of "now".
type BatchAppender struct {
	st  *Store
	now int64

	// While a parser holds the appender (batch), the counters shared by
	// all requests are settled once per request, not per point: two
	// atomic adds on lines that both cores write cost more than storing
	// the point. credit is room reserved in st.points, up to pointCredit
	// at a time and never past max-points; flush returns what is unused.
	batched  bool
	accepted int64
	evicted  int64
	credit   int64

	// The labels of the sample in hand, prepared (sorted, checked) and
	// encoded as the first part of key. The influx parser hands the store
	// one sample per field of a line, all with the same labels: it says
	// so (appendSample's same), and the work is done once per line.
	lineOK     bool
	lineErr    error
	lineReason string
	lineKey    int // len(key) of the labels part
	key        []byte
}

// pointCredit is how many points an appender reserves at once. Between
// concurrent requests, one may be refused max-points while another holds
// up to this much unused room; alone, a request gets exactly the room left.
const pointCredit = 256

// batch makes app, if it is the store's, settle its counters when the
// returned function is called (at the end of a parse) rather than per
// point. Anything else is returned a no-op.
func batch(app Appender) func() {
	a, ok := app.(*BatchAppender)
	if !ok || a.batched {
		return func() {}
	}
	a.batched = true
	return a.flush
}

// flush settles the counters of a batch and ends it.
func (a *BatchAppender) flush() {
	st := a.st
	if a.credit != 0 {
		st.points.Add(-a.credit)
	}
	if a.accepted != 0 {
		st.Stats.Accepted.Add(a.accepted)
	}
	if a.evicted != 0 {
		st.Stats.PointsEvicted.Add(a.evicted)
	}
	a.credit, a.accepted, a.evicted, a.batched = 0, 0, 0, false
}

func (a *BatchAppender) accept() {
	if a.batched {
		a.accepted++
		return
	}
	a.st.Stats.Accepted.Add(1)
}

// take counts one more point in memory, or reports false at max-points.
func (a *BatchAppender) take() bool {
	if a.credit > 0 {
		a.credit--
		return true
	}
	st := a.st
	if !a.batched {
		if st.points.Add(1) > st.limits.MaxPoints {
			st.points.Add(-1)
			return false
		}
		return true
	}
	for {
		cur := st.points.Load()
		room := st.limits.MaxPoints - cur
		if room <= 0 {
			return false
		}
		k := min(room, pointCredit)
		if st.points.CompareAndSwap(cur, cur+k) {
			a.credit = k - 1
			return true
		}
	}
}

// dropped counts points evicted from a series while appending.
func (a *BatchAppender) dropped(n int) {
	if a.batched {
		a.credit += int64(n) // their room is this batch's to use or return
		a.evicted += int64(n)
		return
	}
	a.st.points.Add(-int64(n))
	a.st.Stats.PointsEvicted.Add(int64(n))
}

var _ Appender = (*BatchAppender)(nil)

// reasons for rejection, as counted in /metrics.
const (
	reasonInvalid    = "invalid"
	reasonTooOld     = "too_old"
	reasonFuture     = "future"
	reasonOutOfOrder = "out_of_order"
	reasonLabels     = "label_limits"
	reasonSeries     = "max_series"
	reasonPoints     = "max_points"
	reasonTxSeries   = "max_tx_series"
)

func (a *BatchAppender) reject(reason string, err error) error {
	a.st.Stats.reject(reason)
	return err
}

// checkTime applies the window rules to a timestamp.
func (a *BatchAppender) checkTime(ts int64) (int64, error) {
	if ts == 0 {
		return a.now, nil
	}
	lim := a.st.limits
	if ts < a.now-lim.Window.Milliseconds() {
		return 0, a.reject(reasonTooOld, fmt.Errorf("timestamp %s is older than the memory window (%s): send recent data, history is kept by the server itself",
			time.UnixMilli(ts).UTC().Format(time.RFC3339), lim.Window))
	}
	if ts > a.now+lim.MaxFuture.Milliseconds() {
		return 0, a.reject(reasonFuture, fmt.Errorf("timestamp %s is more than %s in the future: check the sender's clock (and the precision of its timestamps)",
			time.UnixMilli(ts).UTC().Format(time.RFC3339), lim.MaxFuture))
	}
	return ts, nil
}

// prepareLabels sorts labels by name in place, drops empty values (an empty
// label is an absent label) and checks names, lengths and count. A refusal
// comes with its reason for /metrics; the caller counts it.
func (a *BatchAppender) prepareLabels(ls []LabelPair) ([]LabelPair, string, error) {
	lim := a.st.limits
	// Insertion sort: label sets are small and this allocates nothing.
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && bytes.Compare(ls[j].Name, ls[j-1].Name) < 0; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
	out := ls[:0]
	for i, l := range ls {
		if len(l.Value) == 0 {
			continue
		}
		if !validLabelName(l.Name) {
			return nil, reasonInvalid, fmt.Errorf("label name %q is invalid: use [a-zA-Z_][a-zA-Z0-9_]*", clipBytes(l.Name))
		}
		if len(l.Name) > lim.MaxLabelName {
			return nil, reasonLabels, fmt.Errorf("label name %q is %d bytes; the limit max-label-name is %d", clipBytes(l.Name), len(l.Name), lim.MaxLabelName)
		}
		if len(l.Value) > lim.MaxLabelValue {
			return nil, reasonLabels, fmt.Errorf("label %s has a value of %d bytes; the limit max-label-value is %d", l.Name, len(l.Value), lim.MaxLabelValue)
		}
		if !utf8.Valid(l.Value) {
			return nil, reasonInvalid, fmt.Errorf("label %s: value is not valid UTF-8", l.Name)
		}
		if i > 0 && bytes.Equal(l.Name, ls[i-1].Name) {
			return nil, reasonInvalid, fmt.Errorf("label %s appears twice", l.Name)
		}
		out = append(out, l)
	}
	if len(out) > lim.MaxLabels {
		return nil, reasonLabels, fmt.Errorf("has %d labels; the limit max-labels is %d", len(out), lim.MaxLabels)
	}
	return out, "", nil
}

// Series keys. A key is each label as name 0xff value 0xfe, in name order,
// then the metric name. Names are ASCII and values valid UTF-8, neither
// ever holds 0xfe or 0xff, so a key stands for exactly one series.
const (
	keyNameEnd  = 0xff
	keyValueEnd = 0xfe
)

func appendKeyLabels(dst []byte, labels []LabelPair) []byte {
	for _, l := range labels {
		dst = append(dst, l.Name...)
		dst = append(dst, keyNameEnd)
		dst = append(dst, l.Value...)
		dst = append(dst, keyValueEnd)
	}
	return dst
}

// splitKey returns the metric and labels of a key, as substrings of it.
func splitKey(key string) (string, Labels) {
	labels := make(Labels, 0, strings.Count(key, "\xfe"))
	for {
		i := strings.IndexByte(key, keyValueEnd)
		if i < 0 {
			return key, labels
		}
		j := strings.IndexByte(key[:i], keyNameEnd)
		labels = append(labels, Label{Name: key[:j], Value: key[j+1 : i]})
		key = key[i+1:]
	}
}

// AppendSample implements Appender.
func (a *BatchAppender) AppendSample(s *Sample) error { return a.appendSample(s, false) }

// appendSample is AppendSample. same says that s.Labels are those of the
// previous call, not changed since (further fields of an influx line): the
// labels prepared then are used again, or their refusal repeated.
func (a *BatchAppender) appendSample(s *Sample, same bool) error {
	st := a.st
	if !same {
		a.lineOK = false // new labels: prepared when first needed
	}
	if !validMetricName(s.Metric) || len(s.Metric) > MaxMetricNameLength {
		return a.reject(reasonInvalid, fmt.Errorf("metric name %q is invalid: use [a-zA-Z_:][a-zA-Z0-9_:]*, at most %d characters", clipBytes(s.Metric), MaxMetricNameLength))
	}
	if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
		return a.reject(reasonInvalid, fmt.Errorf("%s: value %v is not stored: only finite numbers are", s.Metric, s.Value))
	}
	ts, err := a.checkTime(s.TS)
	if err != nil {
		return err
	}
	if !a.lineOK {
		labels, reason, err := a.prepareLabels(s.Labels)
		a.lineOK, a.lineErr, a.lineReason = true, err, reason
		a.key = appendKeyLabels(a.key[:0], labels)
		a.lineKey = len(a.key)
	}
	if a.lineErr != nil {
		return a.reject(a.lineReason, a.lineErr)
	}
	a.key = append(a.key[:a.lineKey], s.Metric...)
	h := maphash.Bytes(st.seed, a.key)
	sh := &st.shards[h%shardCount]
	sr := sh.table.Load().find(h, a.key)
	for {
		if sr == nil {
			// Under the shard's lock: a series that Sweep has just
			// removed is no longer in the table it published.
			if sr, err = st.create(sh, h, a.key); err != nil {
				return a.reject(reasonSeries, err)
			}
		}
		if err := a.appendPoint(sr, ts, s.Value); err != errSeriesGone {
			return err
		}
		sr = nil
	}
}

// errSeriesGone: the series expired between lookup and append; look again.
var errSeriesGone = fmt.Errorf("series expired")

func (a *BatchAppender) appendPoint(sr *series, ts int64, v float64) error {
	st := a.st
	sr.mu.Lock()
	defer sr.mu.Unlock()
	if sr.dead {
		return errSeriesGone
	}
	sr.lastIngest = a.now
	if sr.n > 0 && ts <= sr.newest {
		if ts < sr.newest {
			// An older point: overwrite one at the same time (a retried
			// batch), refuse anything else.
			i := sr.search(ts)
			if t, _ := sr.at(i); t == ts {
				sr.set(i, v)
				a.accept()
				return nil
			}
			return a.reject(reasonOutOfOrder, fmt.Errorf("%s: point at %s is out of order: the series already has a point at %s",
				sr.metric, time.UnixMilli(ts).UTC().Format(time.RFC3339Nano), time.UnixMilli(sr.newest).UTC().Format(time.RFC3339Nano)))
		}
		sr.set(sr.n-1, v)
		a.accept()
		return nil
	}
	if !a.take() {
		return a.reject(reasonPoints, &LimitError{Limit: "max-points", RetryAfter: 10 * time.Second,
			Message: fmt.Sprintf("the store holds its limit of %d points (max-points); older points expire as the memory window (%s) moves on", st.limits.MaxPoints, st.limits.Window)})
	}
	// Points older than the window go as new ones come: a series stays
	// bounded by the window even between sweeps.
	if dropped := sr.evict(a.now-st.limits.Window.Milliseconds(), &st.chunks); dropped > 0 {
		a.dropped(dropped)
	}
	sr.push(ts, v, &st.chunks)
	a.accept()
	return nil
}

// sameLabels compares stored labels with sorted parsed ones, allocating
// nothing.
func sameLabels(stored Labels, parsed []LabelPair) bool {
	if len(stored) != len(parsed) {
		return false
	}
	for i, l := range parsed {
		if stored[i].Name != string(l.Name) || stored[i].Value != string(l.Value) {
			return false
		}
	}
	return true
}

func (st *Store) create(sh *shard, h uint64, key []byte) (*series, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	t := sh.table.Load()
	if sr := t.find(h, key); sr != nil {
		return sr, nil // created meanwhile
	}
	if st.seriesCount.Add(1) > int64(st.limits.MaxSeries) {
		st.seriesCount.Add(-1)
		return nil, &LimitError{Limit: "max-series", RetryAfter: time.Minute,
			Message: fmt.Sprintf("the store holds its limit of %d series (max-series); series with no data for the memory window (%s) expire", st.limits.MaxSeries, st.limits.Window)}
	}
	sr := &series{hash: h, key: string(key)}
	sr.metric, sr.labels = splitKey(sr.key)
	if 2*(sh.count+1) > len(t.slots) {
		nt := newSeriesTable(2 * len(t.slots))
		t.each(nt.insert)
		sh.table.Store(nt)
		t = nt
	}
	t.insert(sr)
	sh.count++
	st.idxMu.Lock()
	set := st.byMetric[sr.metric]
	if set == nil {
		set = map[*series]struct{}{}
		st.byMetric[sr.metric] = set
	}
	set[sr] = struct{}{}
	st.idxMu.Unlock()
	st.Stats.SeriesCreated.Add(1)
	return sr, nil
}

// Sweep drops points older than the memory window from every series and
// removes series and transaction series that have had no data for a whole
// window. The server calls it periodically.
func (st *Store) Sweep() {
	now := st.Now()
	cutoff := now - st.limits.Window.Milliseconds()
	var keep []*series
	for i := range st.shards {
		sh := &st.shards[i]
		sh.mu.Lock()
		t := sh.table.Load()
		keep = keep[:0]
		t.each(func(sr *series) {
			sr.mu.Lock()
			if dropped := sr.evict(cutoff, &st.chunks); dropped > 0 {
				st.points.Add(-int64(dropped))
				st.Stats.PointsEvicted.Add(int64(dropped))
			}
			dead := sr.n == 0 && sr.lastIngest < cutoff
			sr.dead = dead
			sr.mu.Unlock()
			if dead {
				st.forget(sr)
			} else {
				keep = append(keep, sr)
			}
		})
		if len(keep) < sh.count {
			nt := newSeriesTable(tableSize(len(keep)))
			for _, sr := range keep {
				nt.insert(sr)
			}
			sh.table.Store(nt)
			sh.count = len(keep)
		}
		sh.mu.Unlock()
	}
	st.tx.sweep(cutoff)
}

func (st *Store) forget(sr *series) {
	st.idxMu.Lock()
	if set := st.byMetric[sr.metric]; set != nil {
		delete(set, sr)
		if len(set) == 0 {
			delete(st.byMetric, sr.metric)
		}
	}
	st.idxMu.Unlock()
	st.seriesCount.Add(-1)
	st.Stats.SeriesExpired.Add(1)
}

// seriesOf returns the series of a metric (a snapshot of the index).
func (st *Store) seriesOf(metric string) []*series {
	st.idxMu.RLock()
	defer st.idxMu.RUnlock()
	set := st.byMetric[metric]
	out := make([]*series, 0, len(set))
	for sr := range set {
		out = append(out, sr)
	}
	return out
}

// MetricInfo describes one metric name for autocompletion.
type MetricInfo struct {
	Name   string `json:"name"`
	Series int    `json:"series"`
}

// Metrics lists every metric name in memory with its number of series,
// sorted by name.
func (st *Store) Metrics() []MetricInfo {
	st.idxMu.RLock()
	out := make([]MetricInfo, 0, len(st.byMetric))
	for name, set := range st.byMetric {
		out = append(out, MetricInfo{Name: name, Series: len(set)})
	}
	st.idxMu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LabelInfo describes one label of a metric: how many series carry it and
// its most common values.
type LabelInfo struct {
	Name     string       `json:"name"`
	Series   int          `json:"series"`
	Values   []ValueCount `json:"values"`
	Distinct int          `json:"distinct"`
}

// ValueCount is a label value and the number of series with it.
type ValueCount struct {
	Value  string `json:"value"`
	Series int    `json:"series"`
}

// MaxLabelScan bounds the series Labels looks at, so that autocompletion on
// a metric with a million series stays cheap.
const MaxLabelScan = 100_000

// Labels lists the label names of a metric (of every metric when metric is
// "") with up to topValues most common values each. sampled is true when
// only MaxLabelScan series were looked at.
func (st *Store) Labels(metric string, topValues int) (labels []LabelInfo, sampled bool) {
	var list []*series
	if metric == "" {
		st.idxMu.RLock()
		for _, set := range st.byMetric {
			for sr := range set {
				list = append(list, sr)
				if len(list) >= MaxLabelScan {
					break
				}
			}
		}
		st.idxMu.RUnlock()
	} else {
		list = st.seriesOf(metric)
	}
	if len(list) > MaxLabelScan {
		list, sampled = list[:MaxLabelScan], true
	}
	counts := map[string]map[string]int{}
	for _, sr := range list {
		for _, l := range sr.labels { // labels never change after creation
			m := counts[l.Name]
			if m == nil {
				m = map[string]int{}
				counts[l.Name] = m
			}
			m[l.Value]++
		}
	}
	for name, values := range counts {
		li := LabelInfo{Name: name, Distinct: len(values)}
		for v, n := range values {
			li.Series += n
			li.Values = append(li.Values, ValueCount{Value: v, Series: n})
		}
		sort.Slice(li.Values, func(i, j int) bool {
			if li.Values[i].Series != li.Values[j].Series {
				return li.Values[i].Series > li.Values[j].Series
			}
			return li.Values[i].Value < li.Values[j].Value
		})
		if len(li.Values) > topValues {
			li.Values = li.Values[:topValues]
		}
		labels = append(labels, li)
	}
	sort.Slice(labels, func(i, j int) bool { return labels[i].Name < labels[j].Name })
	return labels, sampled
}

func validMetricName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		if !(c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func validLabelName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for i, c := range b {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func clipBytes(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "…"
	}
	return string(b)
}
