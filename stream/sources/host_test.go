package sources

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestHostConfig(t *testing.T) {
	cases := []struct {
		name, config, field, msg string
	}{
		{"UnknownField", `{"mount":["/"]}`, "mount", "unknown field; allowed here: interval, mounts, prefix"},
		{"IntervalTooShort", `{"interval":"100ms"}`, "interval", "shorter than the minimum interval 1s"},
		{"IntervalTooLong", `{"interval":"48h"}`, "interval", "longer than the maximum interval 24h0m0s"},
		{"IntervalNotDuration", `{"interval":"soon"}`, "interval", `"soon" is not a duration`},
		{"IntervalNotString", `{"interval":5}`, "interval", "must be a string"},
		{"RelativeMount", `{"mounts":["/","var"]}`, "mounts[1]", "must be an absolute path"},
		{"DuplicateMount", `{"mounts":["/","/"]}`, "mounts[1]", "is mounts[0] already"},
		{"BadPrefix", `{"prefix":"9host"}`, "prefix", "not a valid metric name prefix"},
		{"PrefixWithDash", `{"prefix":"my-host"}`, "prefix", "not a valid metric name prefix"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := HostDriver{}.New(json.RawMessage(c.config))
			pullWantInvalid(t, err, c.field, c.msg)
		})
	}
	t.Run("Defaults", func(t *testing.T) {
		for _, cfg := range []string{"", " null ", string(HostDriver{}.Defaults())} {
			r, err := HostDriver{}.New(json.RawMessage(cfg))
			if err != nil {
				t.Fatalf("New(%q): %v", cfg, err)
			}
			hr := r.(*hostRunner)
			if hr.interval != 5*time.Second || hr.prefix != "flexboard_host" || !reflect.DeepEqual(hr.mounts, []string{"/"}) {
				t.Fatalf("defaults = %+v", hr)
			}
		}
	})
	t.Run("PartialConfig", func(t *testing.T) {
		r, err := HostDriver{}.New(json.RawMessage(`{"mounts":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		if hr := r.(*hostRunner); hr.interval != 5*time.Second || hr.prefix != "flexboard_host" || len(hr.mounts) != 0 {
			t.Fatalf("runner = %+v", hr)
		}
	})
}

func hostTestOpen(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata/host", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestHostParse(t *testing.T) {
	t.Run("Stat", func(t *testing.T) {
		got, err := hostParseStat(hostTestOpen(t, "stat1"))
		want := []hostCPU{{"cpu", 1500, 10000}, {"cpu0", 900, 5000}, {"cpu1", 600, 5000}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("hostParseStat = %+v, %v; want %+v", got, err, want)
		}
		_, err = hostParseStat(strings.NewReader("cpu 1 2 x 4\n"))
		if err == nil || err.Error() != `cpu: field 3: "x" is not a number` {
			t.Fatalf("bad stat: %v", err)
		}
	})
	t.Run("Load", func(t *testing.T) {
		got, err := hostParseLoad(hostTestOpen(t, "loadavg"))
		if err != nil || got != [3]float64{2.28, 3.05, 3.26} {
			t.Fatalf("hostParseLoad = %v, %v", got, err)
		}
		if _, err := hostParseLoad(strings.NewReader("1.0\n")); err == nil || !strings.Contains(err.Error(), "want three load averages") {
			t.Fatalf("short loadavg: %v", err)
		}
	})
	t.Run("Meminfo", func(t *testing.T) {
		got, err := hostParseMeminfo(hostTestOpen(t, "meminfo"))
		if err != nil || got != (hostMemory{total: 24684092 * 1024, available: 22717328 * 1024}) {
			t.Fatalf("hostParseMeminfo = %+v, %v", got, err)
		}
	})
	t.Run("MeminfoWithoutMemAvailable", func(t *testing.T) {
		got, err := hostParseMeminfo(hostTestOpen(t, "meminfo_old"))
		if err != nil || got != (hostMemory{total: 2048000 * 1024, available: (512000 + 128000 + 256000) * 1024}) {
			t.Fatalf("hostParseMeminfo = %+v, %v", got, err)
		}
	})
	t.Run("Diskstats", func(t *testing.T) {
		got, err := hostParseDiskstats(hostTestOpen(t, "diskstats"))
		want := []hostDisk{
			{"vda", 24583442 * 512, 8814704 * 512},
			{"nvme0n1", 2048 * 512, 4096 * 512},
			{"mmcblk0", 80 * 512, 40 * 512},
			{"dm-0", 1600 * 512, 800 * 512},
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("hostParseDiskstats = %+v, %v; want %+v (no loop, ram, zram or partitions)", got, err, want)
		}
	})
	t.Run("NetDev", func(t *testing.T) {
		got, err := hostParseNetDev(hostTestOpen(t, "net_dev"))
		want := []hostNet{{"eth0", 406850552, 673965}, {"wlan0", 12345, 67890}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("hostParseNetDev = %+v, %v; want %+v (no lo)", got, err, want)
		}
	})
}

// hostTestProc builds a fake /proc from testdata with stat as its stat.
func hostTestProc(t *testing.T, dir, stat string) {
	t.Helper()
	copyFile := func(from, to string) {
		b, err := os.ReadFile(filepath.Join("testdata/host", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, to)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(stat, "stat")
	copyFile("loadavg", "loadavg")
	copyFile("meminfo", "meminfo")
	copyFile("diskstats", "diskstats")
	copyFile("net_dev", "net/dev")
}

func TestHostCollect(t *testing.T) {
	proc := t.TempDir()
	hostTestProc(t, proc, "stat1")
	mount := t.TempDir()
	r, err := HostDriver{}.New(json.RawMessage(`{"mounts":["` + mount + `"],"prefix":"h"}`))
	if err != nil {
		t.Fatal(err)
	}
	hr := r.(*hostRunner)
	hr.proc = proc
	rec := newPullTestRecorder()

	hr.collect(rec.Env)
	pullWantHealth(t, rec.Health, "ok")
	if ps := rec.find("h_cpu_ratio", nil); len(ps) != 0 {
		t.Fatalf("cpu ratio on the first run (no delta yet): %+v", ps)
	}
	for metric, want := range map[string]float64{
		"h_load1": 2.28, "h_load5": 3.05, "h_load15": 3.26,
		"h_memory_total_bytes":     24684092 * 1024,
		"h_memory_available_bytes": 22717328 * 1024,
		"h_memory_used_ratio":      1 - 22717328.0/24684092,
	} {
		if got := rec.last(t, metric, nil); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", metric, got, want)
		}
	}
	if v := rec.last(t, "h_disk_written_bytes_total", map[string]string{"device": "vda"}); v != 8814704*512 {
		t.Errorf("written{vda} = %v", v)
	}
	if v := rec.last(t, "h_network_receive_bytes_total", map[string]string{"interface": "eth0"}); v != 406850552 {
		t.Errorf("receive{eth0} = %v", v)
	}
	if ps := rec.find("h_network_receive_bytes_total", map[string]string{"interface": "lo"}); len(ps) != 0 {
		t.Errorf("lo is stored: %+v", ps)
	}
	if v := rec.last(t, "h_disk_used_ratio", map[string]string{"mount": mount}); v <= 0 || v >= 1 {
		t.Errorf("disk_used_ratio{%s} = %v", mount, v)
	}
	if v := rec.last(t, "h_disk_free_bytes", map[string]string{"mount": mount}); v <= 0 {
		t.Errorf("disk_free_bytes{%s} = %v", mount, v)
	}

	// The second reading gives the CPU ratios; cpu0's counters went back
	// (as after a CPU hot-plug), so it has none.
	hostTestProc(t, proc, "stat2")
	hr.collect(rec.Env)
	if v := rec.last(t, "h_cpu_ratio", map[string]string{"cpu": "total"}); v != 0.4 {
		t.Errorf("cpu_ratio{total} = %v, want 400/1000", v)
	}
	if v := rec.last(t, "h_cpu_ratio", map[string]string{"cpu": "1"}); v != 0.5 {
		t.Errorf("cpu_ratio{1} = %v, want 500/1000", v)
	}
	if ps := rec.find("h_cpu_ratio", map[string]string{"cpu": "0"}); len(ps) != 0 {
		t.Errorf("cpu_ratio{0} = %+v, want none", ps)
	}
	pullWantHealth(t, rec.Health, "ok")
}

func TestHostCollectPartialFailure(t *testing.T) {
	proc := t.TempDir()
	hostTestProc(t, proc, "stat1")
	if err := os.Remove(filepath.Join(proc, "meminfo")); err != nil {
		t.Fatal(err)
	}
	r, err := HostDriver{}.New(json.RawMessage(`{"mounts":["/no/such/mount"]}`))
	if err != nil {
		t.Fatal(err)
	}
	hr := r.(*hostRunner)
	hr.proc = proc
	rec := newPullTestRecorder()
	hr.collect(rec.Env)
	pullWantHealth(t, rec.Health, "error", "open "+proc+"/meminfo: no such file or directory", "mount /no/such/mount: no such file or directory")
	if v := rec.last(t, "flexboard_host_load1", nil); v != 2.28 {
		t.Fatalf("load1 = %v: the rest must still be stored", v)
	}

	// Recovery: the file comes back.
	hostTestProc(t, proc, "stat1")
	hr.mounts = []string{"/"}
	hr.collect(rec.Env)
	pullWantHealth(t, rec.Health, "ok")
}

// TestHostRealProc reads this machine's /proc and root file system.
func TestHostRealProc(t *testing.T) {
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc here:", err)
	}
	r, err := HostDriver{}.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hr := r.(*hostRunner)
	rec := newPullTestRecorder()
	hr.collect(rec.Env)
	time.Sleep(100 * time.Millisecond) // let the CPU counters move
	hr.collect(rec.Env)
	pullWantHealth(t, rec.Health, "ok")
	if v := rec.last(t, "flexboard_host_memory_total_bytes", nil); v < 1<<20 {
		t.Errorf("memory_total_bytes = %v", v)
	}
	if v := rec.last(t, "flexboard_host_memory_used_ratio", nil); v <= 0 || v >= 1 {
		t.Errorf("memory_used_ratio = %v", v)
	}
	if v := rec.last(t, "flexboard_host_load1", nil); v < 0 {
		t.Errorf("load1 = %v", v)
	}
	if v := rec.last(t, "flexboard_host_disk_total_bytes", map[string]string{"mount": "/"}); v <= 0 {
		t.Errorf("disk_total_bytes{/} = %v", v)
	}
	if v := rec.last(t, "flexboard_host_cpu_ratio", map[string]string{"cpu": "total"}); v < 0 || v > 1 {
		t.Errorf("cpu_ratio{total} = %v", v)
	}
}
