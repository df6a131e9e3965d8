package widgets

import (
	"math"
	"strconv"
	"strings"
)

// FormatValue formats v in unit with decimals digits after the point, the
// way every widget shows numbers. The front end's format.ts does the same;
// both are tested against testdata/format_cases.json. (Exact binary ties
// such as 87.25 to one decimal may round differently: Go rounds half to
// even, JavaScript's toFixed half up.)
//
// Units: "" (plain), short (1.2k, 3.4M, 5.6G, 7.8T), percent (the value is
// already a percentage), ratio (a fraction of 1 shown as a percentage:
// 0.003 is 0.3%), ms and s (durations, scaled: 950 ms, 1.5 s,
// 2.5 min, 3.0 h, 2.0 d), bytes (binary: 1.5 KiB, 2.0 MiB …), bits/s
// (decimal: 1.5 kb/s, 2.0 Mb/s …), req/s (short, then "req/s").
func FormatValue(v float64, unit string, decimals int) string {
	if math.IsNaN(v) {
		return "–"
	}
	if math.IsInf(v, 0) {
		if v > 0 {
			return "∞"
		}
		return "-∞"
	}
	decimals = max(0, min(decimals, 6))
	switch unit {
	case "short":
		return scaled(v, 1000, []string{"", "k", "M", "G", "T", "P"}, decimals, "")
	case "percent":
		return fixed(v, decimals) + "%"
	case "ratio":
		return fixed(v*100, decimals) + "%"
	case "ms":
		return duration(v/1000, decimals)
	case "s":
		return duration(v, decimals)
	case "bytes":
		return scaled(v, 1024, []string{" B", " KiB", " MiB", " GiB", " TiB", " PiB"}, decimals, "")
	case "bits/s":
		return scaled(v, 1000, []string{" b/s", " kb/s", " Mb/s", " Gb/s", " Tb/s", " Pb/s"}, decimals, "")
	case "req/s":
		return scaled(v, 1000, []string{"", "k", "M", "G", "T", "P"}, decimals, " req/s")
	}
	return fixed(v, decimals)
}

// fixed is strconv's 'f' format without a negative zero.
func fixed(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// scaled divides v by base until it is under base, and appends the prefix.
// Plain units (no prefix) keep the decimals only when the value has any.
func scaled(v, base float64, prefixes []string, decimals int, suffix string) string {
	i := 0
	a := math.Abs(v)
	for i < len(prefixes)-1 && a >= base {
		a /= base
		v /= base
		i++
	}
	// Rounding may carry to base (999.96k → 1000.0k): move up instead.
	if i < len(prefixes)-1 && math.Abs(roundTo(v, decimals)) >= base {
		v /= base
		i++
	}
	d := decimals
	if i == 0 && v == math.Trunc(v) {
		d = 0
	}
	return fixed(v, d) + prefixes[i] + suffix
}

func roundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

// duration formats seconds as ms, s, min, h or d.
func duration(sec float64, decimals int) string {
	a := math.Abs(sec)
	switch {
	case a == 0:
		return "0 s"
	case a < 1:
		return fixed(sec*1000, decimals) + " ms"
	case a < 60:
		return fixed(sec, decimals) + " s"
	case a < 3600:
		return fixed(sec/60, decimals) + " min"
	case a < 86400:
		return fixed(sec/3600, decimals) + " h"
	}
	return fixed(sec/86400, decimals) + " d"
}
