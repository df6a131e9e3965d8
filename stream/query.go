package stream

import (
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/flexboard/flexboard/widgets"
)

// The result types live in widgets, which shapes them for display; these
// aliases keep stream's API whole.
type (
	Result      = widgets.Result
	SeriesValue = widgets.SeriesValue
	SeriesRange = widgets.SeriesRange
	ObjectValue = widgets.ObjectValue
	Hitmap      = widgets.Hitmap
	Float       = widgets.Float
)

// Result kinds.
const (
	KindVector     = widgets.KindVector
	KindMatrix     = widgets.KindMatrix
	KindObjects    = widgets.KindObjects
	KindHitmap     = widgets.KindHitmap
	KindHistograms = widgets.KindHistograms
)

// NoValue is the Float for a missing value.
var NoValue = widgets.NoValue

// Query runs q as of time at (unix ms; normally now).
func (st *Store) Query(q *widgets.Compiled, at int64) *Result {
	end := at - q.Offset.Milliseconds()
	if q.Source == "transactions" {
		if len(q.GroupBy) > 0 {
			return st.histograms(q, end)
		}
		return st.hitmap(q, end)
	}
	list := st.selectSeries(q)
	switch {
	case q.Object != "":
		return st.objects(q, list, end)
	case q.Range > 0:
		return st.matrix(q, list, end)
	}
	return st.vector(q, list, end)
}

func (st *Store) selectSeries(q *widgets.Compiled) []*series {
	all := st.seriesOf(q.Metric)
	out := all[:0]
	for _, sr := range all {
		if matches(q.Matchers, sr.labels) {
			out = append(out, sr)
		}
	}
	// Stable order: results must not flicker between ticks.
	sort.Slice(out, func(i, j int) bool { return labelsLess(out[i].labels, out[j].labels) })
	return out
}

func matches(ms []widgets.CompiledMatcher, ls Labels) bool {
	for i := range ms {
		if !ms[i].Matches(ls.Get(ms[i].Label)) {
			return false
		}
	}
	return true
}

func labelsLess(a, b Labels) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].Name != b[i].Name {
			return a[i].Name < b[i].Name
		}
		if a[i].Value != b[i].Value {
			return a[i].Value < b[i].Value
		}
	}
	return len(a) < len(b)
}

// evaluator reduces windows of one series; scratch is reused for
// quantiles.
type evaluator struct {
	q       *widgets.Compiled
	scratch []float64
	newest  int64
}

// eval reduces the points of sr in (from, to]. The caller holds sr.mu.
func (e *evaluator) eval(sr *series, from, to int64) (v float64, lastTS int64, ok bool) {
	i0, i1 := sr.search(from+1), sr.search(to+1)
	if i0 >= i1 {
		return 0, 0, false
	}
	lastTS, last := sr.at(i1 - 1)
	if sr.lastIngest > e.newest {
		e.newest = sr.lastIngest
	}
	switch e.q.Fn {
	case "rate", "increase":
		if i1-i0 < 2 {
			return 0, lastTS, false
		}
		t0, prev := sr.at(i0)
		inc := 0.0
		for i := i0 + 1; i < i1; i++ {
			_, x := sr.at(i)
			if x < prev {
				inc += x // a counter reset: it restarted from 0
			} else {
				inc += x - prev
			}
			prev = x
		}
		secs := float64(lastTS-t0) / 1000
		if secs <= 0 {
			return 0, lastTS, false
		}
		rate := inc / secs
		if e.q.Fn == "increase" {
			return rate * e.q.Window.Seconds(), lastTS, true
		}
		return rate, lastTS, true
	}
	switch e.q.Reduce {
	case "", "last":
		return last, lastTS, true
	case "count":
		return float64(i1 - i0), lastTS, true
	case "sum", "avg":
		sum := 0.0
		for i := i0; i < i1; i++ {
			_, x := sr.at(i)
			sum += x
		}
		if e.q.Reduce == "avg" {
			sum /= float64(i1 - i0)
		}
		return sum, lastTS, true
	case "min", "max":
		_, m := sr.at(i0)
		for i := i0 + 1; i < i1; i++ {
			_, x := sr.at(i)
			if e.q.Reduce == "min" && x < m || e.q.Reduce == "max" && x > m {
				m = x
			}
		}
		return m, lastTS, true
	case "p50", "p95", "p99":
		e.scratch = e.scratch[:0]
		for i := i0; i < i1; i++ {
			_, x := sr.at(i)
			e.scratch = append(e.scratch, x)
		}
		p, _ := strconv.ParseFloat(e.q.Reduce[1:], 64)
		return quantile(e.scratch, p/100), lastTS, true
	}
	return 0, 0, false
}

// quantile interpolates linearly between the closest ranks of xs, which
// it reorders. It selects the two ranks instead of sorting (a widget's p95
// over an hour of points runs at every tick), ordering values as
// sort.Float64s does (NaN first).
func quantile(xs []float64, q float64) float64 {
	pos := q * float64(len(xs)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	selectRank(xs, lo)
	vlo, vhi := xs[lo], xs[lo]
	if hi != lo { // the next rank: the least of what selection left above lo
		vhi = xs[hi]
		for _, x := range xs[lo+1:] {
			if floatLess(x, vhi) {
				vhi = x
			}
		}
	}
	return vlo + (vhi-vlo)*(pos-float64(lo))
}

// floatLess is sort.Float64s's order: NaN before every number.
func floatLess(a, b float64) bool { return a < b || math.IsNaN(a) && !math.IsNaN(b) }

// selectRank reorders xs so that xs[k] is the value a sort would put there,
// with nothing greater before it and nothing less after it (quickselect
// with a median-of-three pivot; it falls back to sorting when partitions
// keep coming out lopsided, so it is never quadratic).
func selectRank(xs []float64, k int) {
	lo, hi := 0, len(xs)-1
	for budget := 2 * bits.Len(uint(len(xs))); hi > lo; budget-- {
		if budget == 0 || hi-lo < 16 {
			sub := xs[lo : hi+1]
			sort.Float64s(sub)
			return
		}
		// Median of three to xs[hi] as the pivot.
		mid := lo + (hi-lo)/2
		if floatLess(xs[mid], xs[lo]) {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if floatLess(xs[hi], xs[lo]) {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if floatLess(xs[mid], xs[hi]) {
			xs[mid], xs[hi] = xs[hi], xs[mid]
		}
		pivot := xs[hi]
		// Three-way partition: < pivot, == pivot, > pivot (duplicates,
		// common in metrics, end the search at once).
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch x := xs[i]; {
			case floatLess(x, pivot):
				xs[lt], xs[i] = xs[i], xs[lt]
				lt++
				i++
			case floatLess(pivot, x):
				xs[gt], xs[i] = xs[i], xs[gt]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return
		}
	}
}

// aggregate is an aggregation accumulator.
type aggregate struct {
	labels Labels
	sum    float64
	min    float64
	max    float64
	n      int
	ts     int64
}

func (g *aggregate) add(v float64, ts int64) {
	if g.n == 0 || v < g.min {
		g.min = v
	}
	if g.n == 0 || v > g.max {
		g.max = v
	}
	g.sum += v
	g.n++
	if ts > g.ts {
		g.ts = ts
	}
}

func (g *aggregate) value(agg string) float64 {
	switch agg {
	case "avg":
		return g.sum / float64(g.n)
	case "min":
		return g.min
	case "max":
		return g.max
	case "count":
		return float64(g.n)
	}
	return g.sum
}

// groupKey returns the labels kept for a series under group_by, and a key.
func groupKey(ls Labels, by []string) (Labels, string) {
	out := make(Labels, 0, len(by))
	var b strings.Builder
	for _, name := range by {
		v := ls.Get(name)
		b.WriteString(v)
		b.WriteByte(0)
		if v != "" {
			out = append(out, Label{Name: name, Value: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, b.String()
}

func (st *Store) vector(q *widgets.Compiled, list []*series, end int64) *Result {
	from := end - q.Window.Milliseconds()
	if st.history != nil && from < st.memoryStart() {
		// The window starts before memory: answer as a one-column matrix
		// ending at end, which reads the roll-ups.
		mq := *q
		mq.Range, mq.Step = q.Window, q.Window
		m := st.matrixColumns(&mq, list, end, 1)
		res := &Result{Kind: KindVector, Newest: m.Newest}
		for _, r := range m.Matrix {
			if v := r.Values[len(r.Values)-1]; !math.IsNaN(float64(v)) {
				res.Series = append(res.Series, SeriesValue{Labels: r.Labels, Value: float64(v), TS: end})
			}
		}
		res.Series = topK(res.Series, q.TopK, q.BottomK, func(s SeriesValue) float64 { return s.Value })
		return res
	}
	e := &evaluator{q: q}
	res := &Result{Kind: KindVector}
	if q.Agg == "" {
		for _, sr := range list {
			sr.mu.Lock()
			v, ts, ok := e.eval(sr, from, end)
			sr.mu.Unlock()
			if ok {
				res.Series = append(res.Series, SeriesValue{Labels: sr.labels.Map(), Value: v, TS: ts})
			}
		}
	} else {
		groups := map[string]*aggregate{}
		var order []string
		for _, sr := range list {
			sr.mu.Lock()
			v, ts, ok := e.eval(sr, from, end)
			sr.mu.Unlock()
			if !ok {
				continue
			}
			ls, key := groupKey(sr.labels, q.GroupBy)
			g := groups[key]
			if g == nil {
				g = &aggregate{labels: ls}
				groups[key] = g
				order = append(order, key)
			}
			g.add(v, ts)
		}
		sort.Slice(order, func(i, j int) bool { return labelsLess(groups[order[i]].labels, groups[order[j]].labels) })
		for _, k := range order {
			g := groups[k]
			res.Series = append(res.Series, SeriesValue{Labels: g.labels.Map(), Value: g.value(q.Agg), TS: g.ts})
		}
	}
	res.Series = topK(res.Series, q.TopK, q.BottomK, func(s SeriesValue) float64 { return s.Value })
	res.Newest = e.newest
	return res
}

// topK keeps the k highest (or lowest) by value, ordered by value.
func topK[T any](xs []T, top, bottom int, val func(T) float64) []T {
	k := top
	if bottom > 0 {
		k = bottom
	}
	if k == 0 {
		return xs
	}
	sort.SliceStable(xs, func(i, j int) bool {
		a, b := val(xs[i]), val(xs[j])
		if math.IsNaN(a) {
			return false
		}
		if math.IsNaN(b) {
			return true
		}
		if bottom > 0 {
			return a < b
		}
		return a > b
	})
	if len(xs) > k {
		xs = xs[:k]
	}
	return xs
}

// columns returns the aligned start and the number of columns of a range:
// the last column is at end rounded down to the step, so successive ticks
// keep their columns.
func columns(end, rangeMS, stepMS int64) (start int64, n int) {
	n = int(rangeMS / stepMS)
	if n < 1 {
		n = 1
	}
	last := end - end%stepMS
	return last - int64(n-1)*stepMS, n
}

// matrixColumns are the columns of a time series: aligned to the step, the
// last one the step that is still filling, so a point that just arrived is
// on the wall at once, not a step later. Sums, counts and increases leave
// that column out: half a step's sum would read as a sudden drop.
func matrixColumns(q *widgets.Compiled, end int64) (start int64, n int) {
	stepMS := q.Step.Milliseconds()
	start, n = columns(end, q.Range.Milliseconds(), stepMS)
	if end%stepMS != 0 && q.Fn != "increase" && q.Reduce != "sum" && q.Reduce != "count" {
		start += stepMS
	}
	return start, n
}

func (st *Store) matrix(q *widgets.Compiled, list []*series, end int64) *Result {
	start, n := matrixColumns(q, end)
	return st.matrixColumns(q, list, start, n)
}

// matrixColumns answers n columns of q ending at start, start+step, ….
func (st *Store) matrixColumns(q *widgets.Compiled, list []*series, start int64, n int) *Result {
	e := &evaluator{q: q}
	stepMS, winMS := q.Step.Milliseconds(), q.Window.Milliseconds()
	res := &Result{Kind: KindMatrix, Start: start, Step: stepMS}
	// Columns whose window starts before the memory window come from the
	// roll-ups in SQLite; the others from memory.
	memStart := st.memoryStart()
	firstMem := 0
	for firstMem < n && start+int64(firstMem)*stepMS-winMS < memStart {
		firstMem++
	}
	hist := map[string]*histSeries{}
	var histOnly []*histSeries
	if firstMem > 0 && st.history != nil {
		from := start - winMS
		to := start + int64(firstMem-1)*stepMS
		hs, err := st.history.cachedRead(q, from, to)
		if err != nil {
			st.history.log.Error("query history", "metric", q.Metric, "err", err)
		}
		inMem := map[string]bool{}
		for _, sr := range list {
			inMem[labelsKey(sr.labels)] = true
		}
		for i := range hs {
			k := labelsKey(hs[i].labels)
			hist[k] = &hs[i]
			if !inMem[k] {
				histOnly = append(histOnly, &hs[i])
			}
		}
	}
	evalRow := func(sr *series, hs *histSeries, row []Float) {
		if sr != nil {
			sr.mu.Lock()
			defer sr.mu.Unlock()
		}
		for k := 0; k < firstMem; k++ {
			t := start + int64(k)*stepMS
			row[k] = NoValue
			if hs != nil {
				if v, ok := evalRollups(q, hs.rows, t-winMS, t); ok {
					row[k] = Float(v)
					continue
				}
			}
			// No roll-ups for this window (a server younger than it, or
			// buckets not flushed yet): what memory holds of it.
			if sr != nil && t > memStart {
				if v, _, ok := e.eval(sr, t-winMS, t); ok {
					row[k] = Float(v)
				}
			}
		}
		if sr == nil {
			for k := firstMem; k < n; k++ {
				row[k] = NoValue
			}
			return
		}
		for k := firstMem; k < n; k++ {
			t := start + int64(k)*stepMS
			if v, _, ok := e.eval(sr, t-winMS, t); ok {
				row[k] = Float(v)
			} else {
				row[k] = NoValue
			}
		}
	}
	type rowSource struct {
		labels Labels
		sr     *series
		hs     *histSeries
	}
	sources := make([]rowSource, 0, len(list)+len(histOnly))
	for _, sr := range list {
		sources = append(sources, rowSource{sr.labels, sr, hist[labelsKey(sr.labels)]})
	}
	for _, hs := range histOnly {
		sources = append(sources, rowSource{hs.labels, nil, hs})
	}
	sort.SliceStable(sources, func(i, j int) bool { return labelsLess(sources[i].labels, sources[j].labels) })
	if q.Agg == "" {
		for _, src := range sources {
			row := make([]Float, n)
			evalRow(src.sr, src.hs, row)
			res.Matrix = append(res.Matrix, SeriesRange{Labels: src.labels.Map(), Values: row})
		}
	} else {
		type acc struct {
			labels Labels
			g      []aggregate
		}
		groups := map[string]*acc{}
		var order []string
		row := make([]Float, n)
		for _, src := range sources {
			evalRow(src.sr, src.hs, row)
			ls, key := groupKey(src.labels, q.GroupBy)
			a := groups[key]
			if a == nil {
				a = &acc{labels: ls, g: make([]aggregate, n)}
				groups[key] = a
				order = append(order, key)
			}
			for k, v := range row {
				if !math.IsNaN(float64(v)) {
					a.g[k].add(float64(v), 0)
				}
			}
		}
		sort.Slice(order, func(i, j int) bool { return labelsLess(groups[order[i]].labels, groups[order[j]].labels) })
		for _, key := range order {
			a := groups[key]
			vals := make([]Float, n)
			for k := range a.g {
				if a.g[k].n == 0 {
					vals[k] = NoValue
				} else {
					vals[k] = Float(a.g[k].value(q.Agg))
				}
			}
			res.Matrix = append(res.Matrix, SeriesRange{Labels: a.labels.Map(), Values: vals})
		}
	}
	res.Matrix = topK(res.Matrix, q.TopK, q.BottomK, func(s SeriesRange) float64 {
		for i := len(s.Values) - 1; i >= 0; i-- {
			if !math.IsNaN(float64(s.Values[i])) {
				return float64(s.Values[i])
			}
		}
		return math.NaN()
	})
	res.Newest = e.newest
	return res
}

func (st *Store) objects(q *widgets.Compiled, list []*series, end int64) *Result {
	e := &evaluator{q: q}
	from := end - q.Window.Milliseconds()
	agg := q.Agg
	if agg == "" {
		agg = "max" // several series per object: show the worst (highest)
	}
	type obj struct {
		g    aggregate
		last int64
	}
	objs := map[string]*obj{}
	for _, sr := range list {
		id := sr.labels.Get(q.Object)
		if id == "" {
			continue
		}
		o := objs[id]
		if o == nil {
			o = &obj{}
			objs[id] = o
		}
		sr.mu.Lock()
		v, _, ok := e.eval(sr, from, end)
		// The newest point at or before end, even outside the window, says
		// since when the object is silent.
		if i := sr.search(end + 1); i > 0 {
			if t, _ := sr.at(i - 1); t > o.last {
				o.last = t
			}
		}
		sr.mu.Unlock()
		if ok {
			o.g.add(v, 0)
		}
	}
	res := &Result{Kind: KindObjects, Objects: make([]ObjectValue, 0, len(objs))}
	for id, o := range objs {
		ov := ObjectValue{ID: id, Value: NoValue, TS: o.last}
		if o.g.n > 0 {
			ov.Value = Float(o.g.value(agg))
		}
		res.Objects = append(res.Objects, ov)
	}
	sort.Slice(res.Objects, func(i, j int) bool { return res.Objects[i].ID < res.Objects[j].ID })
	res.Objects = topK(res.Objects, q.TopK, q.BottomK, func(o ObjectValue) float64 { return float64(o.Value) })
	res.Newest = e.newest
	return res
}

func (st *Store) hitmap(q *widgets.Compiled, end int64) *Result {
	bucketMS := HitmapBucket.Milliseconds()
	stepMS := q.Step.Milliseconds()
	if r := stepMS % bucketMS; r != 0 {
		stepMS += bucketMS - r // whole time buckets per column
	}
	start, n := columns(end, q.Range.Milliseconds(), stepMS)
	ok := make([]uint64, n*ElapsedBuckets)
	bad := make([]uint64, n*ElapsedBuckets)
	res := &Result{Kind: KindHitmap, Start: start, Step: stepMS}
	h := &Hitmap{Columns: n, Edges: make([]float64, ElapsedBuckets), Ok: [][3]uint64{}, Err: [][3]uint64{}}
	for b := range h.Edges {
		h.Edges[b] = ElapsedEdge(b)
	}
	limit := start + int64(n)*stepMS
	for _, s := range st.tx.all() {
		ls := append(Labels{{Name: "service", Value: s.service}}, s.labels...)
		if !matches(q.Matchers, ls) {
			continue
		}
		s.mu.Lock()
		for _, sl := range s.slots {
			if sl == nil || sl.start < start || sl.start >= limit {
				continue
			}
			col := int((sl.start - start) / stepMS)
			for b := 0; b < ElapsedBuckets; b++ {
				ok[col*ElapsedBuckets+b] += uint64(sl.ok[b])
				bad[col*ElapsedBuckets+b] += uint64(sl.err[b])
			}
		}
		if s.lastIngest > res.Newest {
			res.Newest = s.lastIngest
		}
		s.mu.Unlock()
	}
	for i := range ok {
		col, b := uint64(i/ElapsedBuckets), uint64(i%ElapsedBuckets)
		if ok[i] > 0 {
			h.Ok = append(h.Ok, [3]uint64{col, b, ok[i]})
			h.TotalOk += ok[i]
		}
		if bad[i] > 0 {
			h.Err = append(h.Err, [3]uint64{col, b, bad[i]})
			h.TotalErr += bad[i]
		}
	}
	res.Hitmap = h
	return res
}

// histograms counts each group's transactions of the range per elapsed
// bucket, groups in label order.
func (st *Store) histograms(q *widgets.Compiled, end int64) *Result {
	start := end - q.Range.Milliseconds()
	edges := make([]float64, ElapsedBuckets)
	for b := range edges {
		edges[b] = ElapsedEdge(b)
	}
	res := &Result{Kind: KindHistograms, Start: start, Step: q.Range.Milliseconds(), Histograms: []widgets.TxHistogram{}}
	type acc struct {
		labels  Labels
		ok, err []uint64
	}
	groups := map[string]*acc{}
	for _, s := range st.tx.all() {
		ls := append(Labels{{Name: "service", Value: s.service}}, s.labels...)
		if !matches(q.Matchers, ls) {
			continue
		}
		gl, key := groupKey(ls, q.GroupBy)
		a := groups[key]
		if a == nil {
			a = &acc{labels: gl, ok: make([]uint64, ElapsedBuckets), err: make([]uint64, ElapsedBuckets)}
			groups[key] = a
		}
		s.mu.Lock()
		for _, sl := range s.slots {
			// A slot counts when its bucket ends inside the range.
			if sl == nil || sl.start+HitmapBucket.Milliseconds() <= start || sl.start >= end {
				continue
			}
			for b := 0; b < ElapsedBuckets; b++ {
				a.ok[b] += uint64(sl.ok[b])
				a.err[b] += uint64(sl.err[b])
			}
		}
		res.Newest = max(res.Newest, s.lastIngest)
		s.mu.Unlock()
	}
	list := make([]*acc, 0, len(groups))
	for _, a := range groups {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return labelsLess(list[i].labels, list[j].labels) })
	for _, a := range list {
		res.Histograms = append(res.Histograms, widgets.TxHistogram{Labels: a.labels.Map(), Edges: edges, Ok: a.ok, Err: a.err})
	}
	return res
}

// memoryStart is the oldest time the memory window still holds.
func (st *Store) memoryStart() int64 {
	return st.Now() - st.limits.Window.Milliseconds()
}

func labelsKey(ls Labels) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Name)
		b.WriteByte(0xff)
		b.WriteString(l.Value)
		b.WriteByte(0xfe)
	}
	return b.String()
}

// evalRollups reduces the roll-up buckets starting in [from, to) the way
// eval reduces points. Percentiles are approximated from bucket averages,
// and rate from the buckets' last values: the roll-ups keep no more.
func evalRollups(q *widgets.Compiled, rows []rollupRow, from, to int64) (float64, bool) {
	i0 := sort.Search(len(rows), func(i int) bool { return rows[i].ts >= from })
	i1 := sort.Search(len(rows), func(i int) bool { return rows[i].ts >= to })
	if i0 >= i1 {
		return 0, false
	}
	rs := rows[i0:i1]
	switch q.Fn {
	case "rate", "increase":
		if len(rs) < 2 {
			return 0, false
		}
		inc, prev := 0.0, rs[0].last
		for _, r := range rs[1:] {
			if r.last < prev {
				inc += r.last
			} else {
				inc += r.last - prev
			}
			prev = r.last
		}
		secs := float64(rs[len(rs)-1].ts-rs[0].ts) / 1000
		if secs <= 0 {
			return 0, false
		}
		if q.Fn == "increase" {
			return inc / secs * q.Window.Seconds(), true
		}
		return inc / secs, true
	}
	var a aggregate
	sum, count := 0.0, 0
	var means []float64
	for _, r := range rs {
		a.add(r.min, 0)
		a.add(r.max, 0)
		sum += r.sum
		count += r.count
		means = append(means, r.sum/float64(r.count))
	}
	switch q.Reduce {
	case "", "last":
		return rs[len(rs)-1].last, true
	case "min":
		return a.min, true
	case "max":
		return a.max, true
	case "sum":
		return sum, true
	case "count":
		return float64(count), true
	case "avg":
		return sum / float64(count), true
	case "p50", "p95", "p99":
		p, _ := strconv.ParseFloat(q.Reduce[1:], 64)
		return quantile(means, p/100), true
	}
	return 0, false
}
