package stream

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/gofiber/fiber/v2"
)

// MetricsHandler serves GET /metrics: Flexboard's own metrics in the
// Prometheus text format, so a Prometheus can watch it (and the load tool
// reads the server's CPU and memory from it).
type MetricsHandler struct {
	Store   *Store
	Hub     *Hub
	Version string
}

// Register mounts /metrics on r (the app root).
func (h *MetricsHandler) Register(r fiber.Router) {
	r.Get("/metrics", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "no-store")
		w := bufio.NewWriter(c.Response().BodyWriter())
		h.Write(w)
		return w.Flush()
	})
}

func metric(w io.Writer, name, typ, help string, samples ...string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	for _, s := range samples {
		fmt.Fprintf(w, "%s%s\n", name, s)
	}
}

func val(v int64) string    { return " " + strconv.FormatInt(v, 10) }
func fval(v float64) string { return " " + strconv.FormatFloat(v, 'g', -1, 64) }
func ld(k, v string) string { return "{" + k + "=" + strconv.Quote(v) + "}" }

// Write writes every metric.
func (h *MetricsHandler) Write(w io.Writer) {
	st, hs := h.Store, &h.Hub.Stats
	metric(w, "flexboard_build_info", "gauge", "Version of this server.", `{version=`+strconv.Quote(h.Version)+`} 1`)
	metric(w, "flexboard_ingest_points_total", "counter", "Points accepted into the store.", val(st.Stats.Accepted.Load()))
	metric(w, "flexboard_ingest_transactions_total", "counter", "Transactions accepted into the hitmap bins.", val(st.Stats.AcceptedTx.Load()))
	var reasons []string
	st.Stats.RejectedByWhy.Range(func(k, v any) bool {
		reasons = append(reasons, ld("reason", k.(string))+val(v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(reasons)
	metric(w, "flexboard_ingest_rejected_total", "counter", "Input rejected, by reason.", reasons...)
	metric(w, "flexboard_series_active", "gauge", "Series in memory.", val(st.SeriesCount()))
	metric(w, "flexboard_tx_series_active", "gauge", "Transaction series in memory.", val(st.TxSeriesCount()))
	metric(w, "flexboard_points_in_memory", "gauge", "Points held in memory (16 bytes each).", val(st.PointCount()))
	metric(w, "flexboard_series_created_total", "counter", "Series created.", val(st.Stats.SeriesCreated.Load()))
	metric(w, "flexboard_series_expired_total", "counter", "Series removed after a silent memory window.", val(st.Stats.SeriesExpired.Load()))
	metric(w, "flexboard_displays_connected", "gauge", "Display websockets open.", val(hs.Displays.Load()))
	metric(w, "flexboard_display_connects_total", "counter", "Display websockets opened.", val(hs.Connects.Load()))
	metric(w, "flexboard_display_slow_disconnects_total", "counter", "Displays closed for not keeping up (code 4008).", val(hs.SlowDisconnects.Load()))
	metric(w, "flexboard_display_idle_disconnects_total", "counter", "Displays closed for silence (half-open connections).", val(hs.IdleDisconnects.Load()))
	metric(w, "flexboard_frames_built_total", "counter", "Frames computed (once per board variant and tick).", val(hs.FramesBuilt.Load()))
	metric(w, "flexboard_frames_written_total", "counter", "Messages written to displays.", val(hs.FramesWritten.Load()))
	metric(w, "flexboard_frame_bytes_written_total", "counter", "Bytes written to displays.", val(hs.BytesWritten.Load()))
	cum, sum, n := hs.Fanout.Snapshot()
	var lines []string
	for i, b := range hs.Fanout.Bounds {
		lines = append(lines, `_bucket{le="`+strconv.FormatFloat(b, 'g', -1, 64)+`"}`+val(cum[i]))
	}
	lines = append(lines, `_bucket{le="+Inf"}`+val(cum[len(cum)-1]), "_sum"+fval(sum), "_count"+val(n))
	metric(w, "flexboard_frame_latency_seconds", "histogram", "Time from a frame being built to it being written to a display.", lines...)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	metric(w, "go_goroutines", "gauge", "Goroutines.", val(int64(runtime.NumGoroutine())))
	metric(w, "go_memstats_heap_inuse_bytes", "gauge", "Heap bytes in use.", val(int64(ms.HeapInuse)))
	metric(w, "go_memstats_stack_inuse_bytes", "gauge", "Goroutine stack bytes in use.", val(int64(ms.StackInuse)))
	metric(w, "go_memstats_sys_bytes", "gauge", "Bytes obtained from the OS.", val(int64(ms.Sys)))
	metric(w, "go_gc_cycles_total", "counter", "Completed GC cycles.", val(int64(ms.NumGC)))
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		metric(w, "process_cpu_seconds_total", "counter", "User and system CPU time.", fval(cpu))
	}
	if rss, ok := residentBytes(); ok {
		metric(w, "process_resident_memory_bytes", "gauge", "Resident memory.", val(rss))
	}
}

// residentBytes reads the resident set size from /proc (Linux).
func residentBytes() (int64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * int64(os.Getpagesize()), true
}
