package widgets

import (
	"math"
	"strconv"
)

// Result is the answer to one query: one of a vector (a value per series or
// group), a matrix (values over time), objects (the latest value per
// object) or a hitmap (transaction bins). docs/queries.md shows each.
type Result struct {
	Kind    string        `json:"kind"`
	Series  []SeriesValue `json:"series,omitempty"`
	Start   int64         `json:"start,omitempty"` // matrix, hitmap: time of the first column, unix ms
	Step    int64         `json:"step,omitempty"`  // matrix, hitmap: ms between columns
	Matrix  []SeriesRange `json:"matrix,omitempty"`
	Objects []ObjectValue `json:"objects,omitempty"`
	Hitmap  *Hitmap       `json:"hitmap,omitempty"`
	// Histograms: a transactions query with group_by counts each group's
	// transactions of the whole range per elapsed bucket (Edges as in Hitmap).
	Histograms []TxHistogram `json:"histograms,omitempty"`
	// Newest is the wall-clock time (unix ms) at which the newest data in
	// this result reached the server: displays measure latency with it.
	Newest int64 `json:"newest"`
}

// Result kinds.
const (
	KindVector     = "vector"
	KindMatrix     = "matrix"
	KindObjects    = "objects"
	KindHitmap     = "hitmap"
	KindHistograms = "histograms"
)

// SeriesValue is one value of a vector.
type SeriesValue struct {
	Labels map[string]string `json:"labels"`
	Value  float64           `json:"value"`
	TS     int64             `json:"ts"` // time of the newest point used
}

// SeriesRange is one series of a matrix: Values[i] is at Start + i*Step.
type SeriesRange struct {
	Labels map[string]string `json:"labels"`
	Values []Float           `json:"values"`
}

// ObjectValue is the latest state of one object.
type ObjectValue struct {
	ID    string `json:"id"`
	Value Float  `json:"value"` // null when the object sent nothing within the window
	TS    int64  `json:"ts"`    // time of its newest point in memory (0: none)
}

// Hitmap is transaction bins: Ok and Err are sparse [column, elapsed
// bucket, count] triples; Edges[b] is the lower edge (ms) of bucket b.
type Hitmap struct {
	Columns  int         `json:"columns"`
	Edges    []float64   `json:"edges"`
	Ok       [][3]uint64 `json:"ok"`
	Err      [][3]uint64 `json:"err"`
	TotalOk  uint64      `json:"total_ok"`
	TotalErr uint64      `json:"total_err"`
}

// TxHistogram is one group's transactions per elapsed bucket: Ok[b] and Err[b]
// count those in bucket b, whose lower edge is Edges[b] ms.
type TxHistogram struct {
	Labels map[string]string `json:"labels"`
	Edges  []float64         `json:"edges"`
	Ok     []uint64          `json:"ok"`
	Err    []uint64          `json:"err"`
}

// Float is a float64 that encodes NaN (no value) as JSON null.
type Float float64

// Drawn is a value that is only drawn (a sparkline, a line of a chart),
// written with 6 significant digits: a part in a million of the axis is far
// below a pixel even on an 8K wall, and full float64 digits made a live
// frame twice as large (docs/benchmarks.md, session F). Values shown as
// numbers (a stat, a table cell) stay Float.
type Drawn float64

// MarshalJSON implements json.Marshaler (NaN and infinities are null).
func (f Drawn) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(f), 'g', 6, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler (null is NaN).
func (f *Drawn) UnmarshalJSON(b []byte) error {
	var x Float
	err := x.UnmarshalJSON(b)
	*f = Drawn(x)
	return err
}

// NoValue is the Float for a missing value.
var NoValue = Float(math.NaN())

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(f), 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler (null is NoValue).
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = NoValue
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	*f = Float(v)
	return err
}
