package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics counts every request the workload makes: totals, the refusals
// (4xx) and failures (5xx, transport errors) by kind, and the latencies of
// the current sampling window.
type metrics struct {
	mu       sync.Mutex
	requests int
	ok       int
	c4xx     int
	c5xx     int
	netErrs  int
	byKind   map[string]*kindCount // "action status" → count and a sample message
	actions  map[string]int        // completed workload actions (filed, dispatched, paid, …)
	win      window
	all      []time.Duration // every latency of the measured run
	byAction map[string][]time.Duration
	rt       rtCounters
	board    int // work orders open on the dispatch board at the desk's last look
}

type window struct {
	start                   time.Time
	lat                     []time.Duration
	reqs, c4, c5, nerr, rtN int
	rtLag                   []time.Duration
}

type kindCount struct {
	Kind    string `json:"kind"`
	Class   string `json:"class"` // "4xx", "5xx" or "error"
	Count   int    `json:"count"`
	Example string `json:"example"`
}

// rtCounters follow the realtime clients.
type rtCounters struct {
	connected  int            // open streams now
	connects   int            // PB_CONNECT received (first connects and reconnects)
	drops      int            // streams that ended while the soak ran
	messages   int            // messages delivered, PB_CONNECT excluded
	byKind     map[string]int // "resident complaints", "technician queue", …
	lag        []time.Duration
	subscribed int // clients whose subscriptions were accepted at least once
}

func newMetrics() *metrics {
	m := &metrics{byKind: map[string]*kindCount{}, actions: map[string]int{}, byAction: map[string][]time.Duration{}}
	m.rt.byKind = map[string]int{}
	m.win.start = time.Now()
	return m
}

// record notes one finished request.
func (m *metrics) record(action string, status int, d time.Duration, msg string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests++
	m.win.reqs++
	m.win.lat = append(m.win.lat, d)
	m.all = append(m.all, d)
	m.byAction[action] = append(m.byAction[action], d)
	class := ""
	switch {
	case status == 0:
		m.netErrs++
		m.win.nerr++
		class = "error"
	case status >= 500:
		m.c5xx++
		m.win.c5++
		class = "5xx"
	case status >= 400:
		m.c4xx++
		m.win.c4++
		class = "4xx"
	default:
		m.ok++
		return
	}
	key := action + " " + strconv.Itoa(status)
	if status == 0 {
		key = action + " error"
	}
	k := m.byKind[key]
	if k == nil {
		k = &kindCount{Kind: key, Class: class, Example: shorten(msg, 160)}
		m.byKind[key] = k
	}
	k.Count++
}

func (m *metrics) did(action string) {
	m.mu.Lock()
	m.actions[action]++
	m.mu.Unlock()
}

func (m *metrics) rtEvent(f func(rt *rtCounters, w *window)) {
	m.mu.Lock()
	f(&m.rt, &m.win)
	m.mu.Unlock()
}

// resetWindow starts the first measured window once the workload begins
// (sign-ins and discovery are counted in the totals, not in a window).
func (m *metrics) resetWindow() {
	m.mu.Lock()
	m.win = window{start: time.Now()}
	m.all = nil
	clear(m.byAction)
	m.mu.Unlock()
}

// Sample is one sampling window.
type Sample struct {
	AtSec       float64 `json:"at_s"`
	RSSKB       int64   `json:"rss_kb"`
	Requests    int     `json:"requests"`
	ReqPerSec   float64 `json:"req_per_s"`
	C4xx        int     `json:"c4xx"`
	C5xx        int     `json:"c5xx"`
	Errors      int     `json:"errors"`
	P50ms       float64 `json:"p50_ms"`
	P95ms       float64 `json:"p95_ms"`
	P99ms       float64 `json:"p99_ms"`
	MaxMs       float64 `json:"max_ms"`
	RTClients   int     `json:"realtime_clients"`
	RTMessages  int     `json:"realtime_messages"`
	RTLagP95ms  float64 `json:"realtime_lag_p95_ms"`
	TotalReqs   int     `json:"total_requests"`
	ServerCPU   float64 `json:"server_cpu_pct"` // of one core, over the window
	ServerFDs   int     `json:"server_open_fds"`
	Threads     int     `json:"server_threads"`
	Load1       float64 `json:"machine_load1"`
	Board       int     `json:"open_work_orders"`
	DataDBKB    int64   `json:"data_db_kb"`
	AuxDBKB     int64   `json:"auxiliary_db_kb"`
	TotalRTMsgs int     `json:"total_realtime_messages"`
}

// sample closes the current window and opens the next.
func (m *metrics) sample(t0 time.Time, prev, now proc) Sample {
	m.mu.Lock()
	w := m.win
	m.win = window{start: time.Now()}
	rt := m.rt.connected
	total, totalRT, board := m.requests, m.rt.messages, m.board
	m.mu.Unlock()
	secs := time.Since(w.start).Seconds()
	slices.Sort(w.lat)
	slices.Sort(w.rtLag)
	return Sample{
		AtSec: round1(time.Since(t0).Seconds()), RSSKB: now.rssKB,
		ServerCPU: round1(float64(now.cpuTick-prev.cpuTick) / ticksPerSec * 100 / math.Max(now.at.Sub(prev.at).Seconds(), 0.001)),
		ServerFDs: now.fds, Threads: now.threads, Load1: now.load1, DataDBKB: now.dataKB, AuxDBKB: now.auxKB,
		Requests: w.reqs, ReqPerSec: round1(float64(w.reqs) / math.Max(secs, 0.001)),
		C4xx: w.c4, C5xx: w.c5, Errors: w.nerr,
		P50ms: pct(w.lat, 0.50), P95ms: pct(w.lat, 0.95), P99ms: pct(w.lat, 0.99), MaxMs: pct(w.lat, 1),
		RTClients: rt, RTMessages: w.rtN, RTLagP95ms: pct(w.rtLag, 0.95),
		TotalReqs: total, TotalRTMsgs: totalRT, Board: board,
	}
}

// pct is the p-quantile of sorted durations, in milliseconds.
func pct(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	i = max(0, min(i, len(sorted)-1))
	return round1(float64(sorted[i]) / float64(time.Millisecond))
}

// ticksPerSec is USER_HZ, 100 on Linux for every architecture Go runs on.
const ticksPerSec = 100

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// proc is what /proc tells of the server process and the machine.
type proc struct {
	rssKB   int64
	cpuTick int64 // utime+stime, clock ticks
	fds     int
	threads int
	load1   float64
	dataKB  int64 // data.db with its WAL
	auxKB   int64 // auxiliary.db (PocketBase's request log) with its WAL
	at      time.Time
}

func readProc(pid int, dataDir string) proc {
	p := proc{rssKB: rssKB(pid), at: time.Now(), dataKB: filesKB(dataDir, "data.db"), auxKB: filesKB(dataDir, "auxiliary.db")}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		// Fields after the command name, which is in parentheses.
		if i := strings.LastIndexByte(string(b), ')'); i > 0 {
			f := strings.Fields(string(b)[i+1:])
			if len(f) > 13 {
				u, _ := strconv.ParseInt(f[11], 10, 64)
				s, _ := strconv.ParseInt(f[12], 10, 64)
				p.cpuTick = u + s
			}
			if len(f) > 17 {
				p.threads, _ = strconv.Atoi(f[17])
			}
		}
	}
	if d, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil {
		p.fds = len(d)
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			p.load1, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	return p
}

// filesKB is the size of a SQLite database with its -wal and -shm files.
func filesKB(dir, name string) int64 {
	var n int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(filepath.Join(dir, name+suffix)); err == nil {
			n += fi.Size()
		}
	}
	return n / 1024
}

// rssKB reads a process's resident set size from /proc.
func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// sortedKinds lists the refusals and failures, most frequent first.
func (m *metrics) sortedKinds() []kindCount {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]kindCount, 0, len(m.byKind))
	for _, k := range m.byKind {
		out = append(out, *k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

// ActionLatency is one action's latency over the whole run.
type ActionLatency struct {
	Action string  `json:"action"`
	Count  int     `json:"count"`
	P50ms  float64 `json:"p50_ms"`
	P95ms  float64 `json:"p95_ms"`
	P99ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// actionLatencies lists every action's latency, slowest p95 first.
func (m *metrics) actionLatencies() []ActionLatency {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]ActionLatency, 0, len(m.byAction))
	for a, l := range m.byAction {
		l = slices.Clone(l)
		slices.Sort(l)
		out = append(out, ActionLatency{a, len(l), pct(l, 0.5), pct(l, 0.95), pct(l, 0.99), pct(l, 1)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].P95ms > out[j].P95ms })
	return out
}
