package stream

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// sortedQuantile is quantile as it was: sort, then interpolate.
func sortedQuantile(xs []float64, q float64) float64 {
	sort.Float64s(xs)
	pos := q * float64(len(xs)-1)
	lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
	return xs[lo] + (xs[hi]-xs[lo])*(pos-float64(lo))
}

func TestQuantileMatchesSorting(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func(int) float64{
		"Uniform":    func(int) float64 { return r.Float64() * 100 },
		"Duplicates": func(int) float64 { return float64(r.IntN(4)) },
		"Ascending":  func(i int) float64 { return float64(i) },
		"Descending": func(i int) float64 { return float64(-i) },
		"Special": func(int) float64 {
			switch r.IntN(8) {
			case 0:
				return math.NaN()
			case 1:
				return math.Inf(1)
			case 2:
				return math.Inf(-1)
			}
			return r.NormFloat64()
		},
	}
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			for _, n := range []int{1, 2, 3, 15, 16, 17, 100, 1000, 3600} {
				for _, q := range []float64{0, 0.5, 0.95, 0.99, 1} {
					xs := make([]float64, n)
					for i := range xs {
						xs[i] = gen(i)
					}
					want := sortedQuantile(slices.Clone(xs), q)
					got := quantile(xs, q)
					if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
						t.Fatalf("n=%d q=%g: quantile = %v, sorting gives %v", n, q, got, want)
					}
				}
			}
		})
	}
}

// BenchmarkQuantile is a p95 over an hour of one-second points, selecting
// against sorting.
func BenchmarkQuantile(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	src := make([]float64, 3600)
	for i := range src {
		src[i] = r.Float64() * 100
	}
	xs := make([]float64, len(src))
	b.Run("select", func(b *testing.B) {
		for b.Loop() {
			copy(xs, src)
			quantile(xs, 0.95)
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			copy(xs, src)
			sortedQuantile(xs, 0.95)
		}
	})
}
