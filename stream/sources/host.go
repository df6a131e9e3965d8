package sources

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/flexboard/flexboard/internal/errs"
	"github.com/flexboard/flexboard/stream"
)

// HostDriver is the host source: the machine Flexboard runs on, read from
// /proc and statfs(2) (Linux).
//
// Config:
//
//	{"interval":"5s", "mounts":["/"], "prefix":"flexboard_host"}
//
// Series, named <prefix>_...:
//
//	cpu_ratio{cpu="total"|"0"|...}       busy share of the CPU time since the previous run
//	                                      (none on the first run: it needs two readings)
//	load1, load5, load15                  load averages
//	memory_total_bytes, memory_available_bytes, memory_used_ratio
//	disk_used_ratio{mount}, disk_free_bytes{mount}, disk_total_bytes{mount}
//	                                      as df counts them: free is what users may still write
//	disk_read_bytes_total{device}, disk_written_bytes_total{device}
//	                                      whole disks: no partitions, loop or ram devices
//	network_receive_bytes_total{interface}, network_transmit_bytes_total{interface}
//	                                      every interface but lo
//
// A file or mount that cannot be read is the run's error; everything else is
// still stored.
type HostDriver struct{}

var _ Driver = HostDriver{}

// Limits and defaults of host.
const (
	HostMaxMounts       = 32
	hostMaxDevices      = 256 // disks and interfaces each: a host with thousands of veths stores the first ones
	hostDefaultInterval = 5 * time.Second
	hostDefaultPrefix   = "flexboard_host"
	hostMaxPrefix       = 100
)

type hostConfig struct {
	Interval string   `json:"interval"`
	Mounts   []string `json:"mounts"`
	Prefix   string   `json:"prefix"`
}

// Type implements Driver.
func (HostDriver) Type() string { return TypeHost }

// Defaults implements Driver.
func (HostDriver) Defaults() json.RawMessage {
	return json.RawMessage(`{"interval":"5s","mounts":["/"],"prefix":"flexboard_host"}`)
}

// New implements Driver.
func (d HostDriver) New(config json.RawMessage) (Runner, error) {
	var c hostConfig
	if err := pullDecode(config, d.Defaults(), &c); err != nil {
		return nil, err
	}
	interval, _, err := pullTimes(c.Interval, hostDefaultInterval, "", time.Second, false)
	if err != nil {
		return nil, err
	}
	if c.Prefix == "" {
		c.Prefix = hostDefaultPrefix
	}
	if !pullMetricName(c.Prefix) || len(c.Prefix) > hostMaxPrefix {
		return nil, errs.Invalidf("prefix", "%q is not a valid metric name prefix: use [a-zA-Z_:][a-zA-Z0-9_:]*, at most %d characters", c.Prefix, hostMaxPrefix)
	}
	if len(c.Mounts) > HostMaxMounts {
		return nil, errs.Invalidf("mounts", "has %d mounts; the limit is %d", len(c.Mounts), HostMaxMounts)
	}
	seen := map[string]int{}
	for i, m := range c.Mounts {
		field := fmt.Sprintf("mounts[%d]", i)
		switch {
		case !filepath.IsAbs(m):
			return nil, errs.Invalidf(field, "%q must be an absolute path, such as / or /var", m)
		case len(m) > pullMaxLabelValue:
			return nil, errs.Invalidf(field, "is longer than %d bytes", pullMaxLabelValue)
		}
		if j, dup := seen[m]; dup {
			return nil, errs.Invalidf(field, "%q is mounts[%d] already", m, j)
		}
		seen[m] = i
	}
	return &hostRunner{interval: interval, mounts: c.Mounts, prefix: c.Prefix, proc: "/proc"}, nil
}

type hostRunner struct {
	interval time.Duration
	mounts   []string
	prefix   string
	proc     string // "/proc"; tests point it at testdata

	prevCPU map[string]hostCPU // the previous /proc/stat, for the deltas
}

// Run implements Runner.
func (r *hostRunner) Run(ctx context.Context, env Env) {
	env = pullEnv(env)
	pullLoop(ctx, r.interval, func(context.Context) { r.collect(env) })
}

// collect reads everything once, stores it and reports the run.
func (r *hostRunner) collect(env Env) {
	at := env.Now()
	app := env.Appender()
	var problems []string
	fail := func(err error) { problems = append(problems, err.Error()) }
	points := 0
	var rejected error
	emit := func(name string, v float64, label, value string) {
		s := stream.Sample{Metric: []byte(r.prefix + name), Value: v, TS: at.UnixMilli()}
		if label != "" {
			s.Labels = []stream.LabelPair{{Name: []byte(label), Value: []byte(value)}}
		}
		if err := app.AppendSample(&s); err != nil {
			if rejected == nil {
				rejected = fmt.Errorf("store refused %s: %w", s.Metric, err)
			}
			return
		}
		points++
	}

	if cpus, err := hostRead(r.proc, "stat", hostParseStat); err != nil {
		fail(err)
	} else {
		cur := make(map[string]hostCPU, len(cpus))
		for _, c := range cpus {
			cur[c.name] = c
			p, ok := r.prevCPU[c.name]
			if !ok || c.total <= p.total || c.busy < p.busy {
				continue // first reading, or the counters went back (CPU hot-plug)
			}
			label := strings.TrimPrefix(c.name, "cpu")
			if label == "" {
				label = "total"
			}
			emit("_cpu_ratio", min(1, (c.busy-p.busy)/(c.total-p.total)), "cpu", label)
		}
		r.prevCPU = cur
	}

	if l, err := hostRead(r.proc, "loadavg", hostParseLoad); err != nil {
		fail(err)
	} else {
		emit("_load1", l[0], "", "")
		emit("_load5", l[1], "", "")
		emit("_load15", l[2], "", "")
	}

	if m, err := hostRead(r.proc, "meminfo", hostParseMeminfo); err != nil {
		fail(err)
	} else {
		emit("_memory_total_bytes", float64(m.total), "", "")
		emit("_memory_available_bytes", float64(m.available), "", "")
		if m.total > 0 {
			emit("_memory_used_ratio", 1-float64(m.available)/float64(m.total), "", "")
		}
	}

	for _, mount := range r.mounts {
		d, err := hostStatfs(mount)
		if err != nil {
			fail(err)
			continue
		}
		emit("_disk_total_bytes", float64(d.total), "mount", mount)
		emit("_disk_free_bytes", float64(d.avail), "mount", mount)
		if d.used+d.avail > 0 {
			emit("_disk_used_ratio", float64(d.used)/float64(d.used+d.avail), "mount", mount)
		}
	}

	if disks, err := hostRead(r.proc, "diskstats", hostParseDiskstats); err != nil {
		fail(err)
	} else {
		for _, d := range disks {
			emit("_disk_read_bytes_total", float64(d.read), "device", d.name)
			emit("_disk_written_bytes_total", float64(d.written), "device", d.name)
		}
	}

	if nets, err := hostRead(r.proc, "net/dev", hostParseNetDev); err != nil {
		fail(err)
	} else {
		for _, n := range nets {
			emit("_network_receive_bytes_total", float64(n.rx), "interface", n.name)
			emit("_network_transmit_bytes_total", float64(n.tx), "interface", n.name)
		}
	}

	if rejected != nil {
		fail(rejected)
	}
	var err error
	if len(problems) > 0 {
		err = errors.New(strings.Join(problems, "; "))
		env.Log.Debug("host: collection incomplete", "err", err)
	}
	env.Health.Report(at, points, err)
}

// hostRead opens proc/name and parses it.
func hostRead[T any](proc, name string, parse func(io.Reader) (T, error)) (T, error) {
	path := proc + "/" + name
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err // the *PathError names the file
	}
	defer f.Close()
	v, err := parse(bufio.NewReader(f))
	if err != nil {
		return v, fmt.Errorf("read %s: %w", path, err)
	}
	return v, nil
}

// hostCPU is one cpu line of /proc/stat, in USER_HZ ticks.
type hostCPU struct {
	name        string // "cpu" for the total, "cpu0", ...
	busy, total float64
}

// hostParseStat reads the cpu lines of /proc/stat: user nice system idle
// iowait irq softirq steal (guest time is already in user). Busy is all but
// idle and iowait.
func hostParseStat(r io.Reader) ([]hostCPU, error) {
	var out []hostCPU
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 || !strings.HasPrefix(f[0], "cpu") {
			continue
		}
		c := hostCPU{name: f[0]}
		var idle float64
		for i := 1; i < len(f) && i <= 8; i++ {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: field %d: %q is not a number", f[0], i, f[i])
			}
			c.total += v
			if i == 4 || i == 5 {
				idle += v
			}
		}
		c.busy = c.total - idle
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no cpu lines")
	}
	return out, nil
}

// hostParseLoad reads /proc/loadavg: "0.52 0.58 0.59 1/467 12345".
func hostParseLoad(r io.Reader) ([3]float64, error) {
	var l [3]float64
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return l, err
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return l, fmt.Errorf("want three load averages, got %q", bytes.TrimSpace(b))
	}
	for i := range l {
		if l[i], err = strconv.ParseFloat(f[i], 64); err != nil {
			return l, fmt.Errorf("%q is not a number", f[i])
		}
	}
	return l, nil
}

type hostMemory struct{ total, available uint64 } // bytes

// hostParseMeminfo reads MemTotal and MemAvailable from /proc/meminfo
// ("MemTotal:  24684092 kB"). Kernels before 3.14 have no MemAvailable:
// free + buffers + cached stands in.
func hostParseMeminfo(r io.Reader) (hostMemory, error) {
	var m hostMemory
	var free, buffers, cached uint64
	hasAvail := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		var dst *uint64
		switch f[0] {
		case "MemTotal:":
			dst = &m.total
		case "MemAvailable:":
			dst, hasAvail = &m.available, true
		case "MemFree:":
			dst = &free
		case "Buffers:":
			dst = &buffers
		case "Cached:":
			dst = &cached
		default:
			continue
		}
		v, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			return m, fmt.Errorf("%s %q is not a number", f[0], f[1])
		}
		if len(f) > 2 && f[2] == "kB" {
			v *= 1024
		}
		*dst = v
	}
	if err := sc.Err(); err != nil {
		return m, err
	}
	if m.total == 0 {
		return m, errors.New("no MemTotal")
	}
	if !hasAvail {
		m.available = free + buffers + cached
	}
	return m, nil
}

type hostDisk struct {
	name          string
	read, written uint64 // bytes
}

// hostSkipDisk matches the devices whose I/O is left out: partitions
// (counted in their disk already), loop, RAM and floppy devices.
var hostSkipDisk = regexp.MustCompile(`^(z?ram\d+|loop\d+|fd\d+|(h|s|v|xv)d[a-z]+\d+|nvme\d+n\d+p\d+|mmcblk\d+p\d+)$`)

// hostParseDiskstats reads /proc/diskstats: "major minor name reads
// merged sectors_read ms writes merged sectors_written ...", in 512-byte
// sectors whatever the device's sector size.
func hostParseDiskstats(r io.Reader) ([]hostDisk, error) {
	var out []hostDisk
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		if hostSkipDisk.MatchString(f[2]) || len(out) >= hostMaxDevices {
			continue
		}
		rd, err1 := strconv.ParseUint(f[5], 10, 64)
		wr, err2 := strconv.ParseUint(f[9], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("device %s: the sector counts %q, %q are not numbers", f[2], f[5], f[9])
		}
		out = append(out, hostDisk{name: f[2], read: rd * 512, written: wr * 512})
	}
	return out, sc.Err()
}

type hostNet struct {
	name   string
	rx, tx uint64 // bytes
}

// hostParseNetDev reads /proc/net/dev: two header lines, then
// "iface: rx_bytes packets errs drop fifo frame compressed multicast
// tx_bytes ...". The loopback interface is left out.
func hostParseNetDev(r io.Reader) ([]hostNet, error) {
	var out []hostNet
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue // a header
		}
		name = strings.TrimSpace(name)
		f := strings.Fields(rest)
		if name == "lo" || len(f) < 9 || len(out) >= hostMaxDevices {
			continue
		}
		rx, err1 := strconv.ParseUint(f[0], 10, 64)
		tx, err2 := strconv.ParseUint(f[8], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("interface %s: the byte counts %q, %q are not numbers", name, f[0], f[8])
		}
		out = append(out, hostNet{name: name, rx: rx, tx: tx})
	}
	return out, sc.Err()
}

type hostFS struct{ total, used, avail uint64 } // bytes

// hostStatfs reads a mount's usage as df does: used is what is taken,
// avail what unprivileged users may still write (without root's reserve).
func hostStatfs(mount string) (hostFS, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(mount, &st); err != nil {
		return hostFS{}, fmt.Errorf("mount %s: %w", mount, err)
	}
	// The conversions are for the BSDs, whose field types differ.
	bs, blocks, free, avail := uint64(st.Bsize), uint64(st.Blocks), uint64(st.Bfree), uint64(st.Bavail)
	return hostFS{total: blocks * bs, used: (blocks - free) * bs, avail: avail * bs}, nil
}
