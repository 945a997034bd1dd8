// Command soak runs a mixed load against a fresh `wuye demo` on loopback —
// residents, the front desk, technicians, the cashier, the supervisor and
// a few hundred realtime listeners — at a fixed rate per kind of actor, and
// samples the server's memory, error counts and latency as it goes
// (issue #11: zero 5xx, flat memory, steady latency).
//
//	go run ./cmd/soak -duration 60s -out /tmp/soak.json
//
// It exits non-zero on any 5xx, transport error (a request over 30 s or a
// refused connection) or server crash; memory growth and latency drift are
// reported, and fail the run only with -strict. Refusals (4xx) are expected
// where an action is legitimately refused — an order a colleague already
// took — and are reported by kind.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"wuye/internal/repo"
)

type options struct {
	bin      string
	duration time.Duration
	sample   time.Duration
	out      string
	strict   bool
	keep     bool
	realtime int
	topics   string
	logReqs  bool
	rates    rates
}

func main() {
	o := options{rates: defaultRates}
	flag.StringVar(&o.bin, "bin", "", "the wuye binary to soak (default: `go build` it into a temporary directory)")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "how long to run the load")
	flag.DurationVar(&o.sample, "sample", 10*time.Second, "the sampling window")
	flag.StringVar(&o.out, "out", "", "write the report as JSON to this file")
	flag.BoolVar(&o.strict, "strict", false, "also fail on memory growth over 20% or a last-window p95 over twice the first")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binary, data, server log)")
	flag.IntVar(&o.realtime, "realtime", 200, "realtime (SSE) listeners")
	flag.StringVar(&o.topics, "topics", "auto", "what the listeners subscribe to: narrow (resident/<id>, employee/<id>, community/<id>/<collection>), wide (the collections' * topics), or auto (narrow when the server has those topics)")
	flag.BoolVar(&o.logReqs, "request-log", true, "leave PocketBase's request log on (false turns it off through the settings API, to tell its growth from the rest)")
	flag.Float64Var(&o.rates.residentActions, "resident-rate", defaultRates.residentActions, "residents' page requests per second, all together")
	flag.Parse()
	if !slices.Contains([]string{"auto", "narrow", "wide"}, o.topics) {
		fmt.Fprintln(os.Stderr, "soak: -topics is auto, narrow or wide")
		os.Exit(2)
	}
	code, err := run(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(o options) (int, error) {
	root, err := repo.Root()
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "wuye-soak-")
	if err != nil {
		return 0, err
	}
	if o.keep {
		fmt.Println("soak: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bin := o.bin
	if bin == "" {
		t := time.Now()
		if bin, err = build(root, tmp); err != nil {
			return 0, err
		}
		fmt.Printf("soak: built wuye in %.0f s\n", time.Since(t).Seconds())
	}
	// A throwaway superuser of the throwaway data dir, with a fresh random
	// password each run (no credential lives in the repo).
	suEmail, suPassword := "soak@example.com", rand.Text()
	if !o.logReqs {
		if err := superuser(bin, tmp, suEmail, suPassword); err != nil {
			return 0, err
		}
	}
	srv, err := start(bin, root, tmp)
	if err != nil {
		return 0, err
	}
	defer srv.stop()
	fmt.Printf("soak: wuye demo on %s (pid %d), fresh data in %s\n", srv.base, srv.PID(), tmp)

	m := newMetrics()
	// Ctrl-C ends the run early, with its report.
	sig, stopSig := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSig()
	base, cancelBase := srv.Context(sig)
	defer cancelBase()
	if !o.logReqs {
		su := newClient(srv.base, staffIP(200), m)
		if err := su.signIn(base, "_superusers", suEmail, suPassword); err != nil {
			return 0, err
		}
		if _, err := su.do(base, "setup", "PATCH", "/api/settings", map[string]any{"logs": map[string]any{"maxDays": 0}}, nil); err != nil {
			return 0, fmt.Errorf("turn the request log off: %w", err)
		}
		fmt.Println("soak: PocketBase's request log turned off (logs.maxDays = 0)")
	}
	w, err := setup(base, srv.base, m)
	if err != nil {
		return 0, fmt.Errorf("setup: %w", err)
	}
	fmt.Printf("soak: signed in %d residents, %d technicians, desk, cashier, supervisor\n", len(w.residents), len(w.techs))

	// The realtime listeners connect before the clock starts.
	narrow := o.topics == "narrow"
	if o.topics == "auto" && len(w.residents) > 1 {
		if narrow, err = narrowTopics(base, w.residents[0].client, w.residents[1].client); err != nil {
			return 0, fmt.Errorf("realtime probe: %w", err)
		}
	}
	o.topics = map[bool]string{true: "narrow", false: "wide"}[narrow]
	var wg sync.WaitGroup
	rtCtx, stopRT := context.WithCancel(base)
	defer stopRT()
	rts := w.realtimeClients(o.realtime, narrow)
	for _, r := range rts {
		r.listen(rtCtx, &wg)
	}
	wait := time.After(60 * time.Second)
	for _, r := range rts {
		select {
		case <-r.ready:
		case <-wait:
		case <-base.Done():
		}
	}
	m.mu.Lock()
	subscribed := m.rt.subscribed
	m.mu.Unlock()
	fmt.Printf("soak: %d realtime listeners subscribed (%s topics); running for %s\n", subscribed, o.topics, o.duration)

	m.resetWindow()
	t0 := time.Now()
	ctx, cancel := context.WithTimeout(base, o.duration)
	defer cancel()
	var actors sync.WaitGroup
	w.run(ctx, &actors, o.rates)

	var samples []Sample
	last := readProc(srv.PID(), srv.dataDir)
	take := func() Sample {
		now := readProc(srv.PID(), srv.dataDir)
		s := m.sample(t0, last, now)
		last = now
		return s
	}
	tick := time.NewTicker(o.sample)
	fmt.Println("   t(s)  RSS(MB)  req/s  4xx  5xx  err    p50    p95    p99    max (ms)  rt-conn rt-msgs  srv-cpu%  fds  load1  open-WO  data/aux-db(MB)")
	printSample := func(s Sample) {
		fmt.Printf("  %5.0f  %7.1f  %5.1f %4d %4d %4d %6.1f %6.1f %6.1f %7.1f  %7d %7d  %8.0f %4d  %5.2f  %7d  %5.1f/%.1f\n",
			s.AtSec, float64(s.RSSKB)/1024, s.ReqPerSec, s.C4xx, s.C5xx, s.Errors, s.P50ms, s.P95ms, s.P99ms, s.MaxMs, s.RTClients, s.RTMessages, s.ServerCPU, s.ServerFDs, s.Load1, s.Board,
			float64(s.DataDBKB)/1024, float64(s.AuxDBKB)/1024)
	}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
			s := take()
			samples = append(samples, s)
			printSample(s)
		}
	}
	tick.Stop()
	elapsed := time.Since(t0)
	crashed := !srv.Alive()
	// The actors finish the request in hand; then the last, partial window.
	done := make(chan struct{})
	go func() { actors.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		fmt.Println("soak: some actors still busy after 40 s")
	}
	if s := take(); s.Requests > 0 && len(samples) > 0 && s.AtSec-samples[len(samples)-1].AtSec >= o.sample.Seconds()/2 {
		samples = append(samples, s)
		printSample(s)
	}
	stopRT()
	clean := srv.stop()

	rep := report(o, m, samples, elapsed, crashed, srv)
	rep.CleanShutdown = clean
	rep.print()
	if o.out != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(o.out, append(b, '\n'), 0o644); err != nil {
			return 0, err
		}
		fmt.Println("soak: report written to", o.out)
	}
	if crashed {
		fmt.Printf("soak: server log tail:\n%s\n", srv.Tail(40))
	}
	if !rep.Pass || (o.strict && !rep.Steady) {
		return 1, nil
	}
	return 0, nil
}

// Report is what the soak found.
type Report struct {
	Duration      string          `json:"duration"`
	Seconds       float64         `json:"seconds"`
	Requests      int             `json:"requests"`
	ReqPerSec     float64         `json:"req_per_s"`
	C5xx          int             `json:"c5xx"`
	TransportErrs int             `json:"transport_errors"`
	C4xx          int             `json:"c4xx"`
	Crashed       bool            `json:"crashed"`
	PanicsLogged  int             `json:"panics_logged"`
	Refusals      []kindCount     `json:"refusals_and_failures"`
	Actions       map[string]int  `json:"actions"`
	RSSFirstKB    int64           `json:"rss_first_kb"`
	RSSLastKB     int64           `json:"rss_last_kb"`
	RSSMaxKB      int64           `json:"rss_max_kb"`
	RSSFirstThird int64           `json:"rss_first_third_avg_kb"`
	RSSLastThird  int64           `json:"rss_last_third_avg_kb"`
	RSSGrowthPct  float64         `json:"rss_growth_pct"`
	MemoryFlat    bool            `json:"memory_flat"`
	FirstWindow   Sample          `json:"first_window"`
	LastWindow    Sample          `json:"last_window"`
	P95Ratio      float64         `json:"p95_last_over_first"`
	LatencySteady bool            `json:"latency_steady"`
	OverallP50ms  float64         `json:"overall_p50_ms"`
	OverallP95ms  float64         `json:"overall_p95_ms"`
	OverallP99ms  float64         `json:"overall_p99_ms"`
	RTListeners   int             `json:"realtime_listeners"`
	RTTopics      string          `json:"realtime_topics"`
	RequestLog    bool            `json:"request_log"`
	RTSubscribed  int             `json:"realtime_subscribed"`
	RTMessages    int             `json:"realtime_messages"`
	RTByKind      map[string]int  `json:"realtime_messages_by_kind"`
	RTConnects    int             `json:"realtime_connects"`
	RTDrops       int             `json:"realtime_streams_closed_by_server"`
	RTLagP50ms    float64         `json:"realtime_lag_p50_ms"`
	RTLagP95ms    float64         `json:"realtime_lag_p95_ms"`
	RTLagMaxms    float64         `json:"realtime_lag_max_ms"`
	ByAction      []ActionLatency `json:"latency_by_action"`
	Samples       []Sample        `json:"samples"`
	CleanShutdown bool            `json:"clean_shutdown"` // exited within 15 s of SIGTERM
	Pass          bool            `json:"pass"`           // no 5xx, no transport error, no crash
	Steady        bool            `json:"steady"`         // memory flat and latency steady
	Strict        bool            `json:"strict"`
	Machine       string          `json:"machine"`
	LoadAvgAtEnd  string          `json:"loadavg_at_end"`
}

func report(o options, m *metrics, samples []Sample, elapsed time.Duration, crashed bool, srv *server) Report {
	m.mu.Lock()
	r := Report{
		Duration: o.duration.String(), Seconds: round1(elapsed.Seconds()),
		Requests: m.requests, C5xx: m.c5xx, TransportErrs: m.netErrs, C4xx: m.c4xx, Crashed: crashed,
		Actions: m.actions, RTListeners: o.realtime, RTTopics: o.topics, RequestLog: o.logReqs, RTSubscribed: m.rt.subscribed, RTMessages: m.rt.messages,
		RTByKind: m.rt.byKind, RTConnects: m.rt.connects, RTDrops: m.rt.drops, Strict: o.strict, Samples: samples,
	}
	lag, all := slices.Clone(m.rt.lag), slices.Clone(m.all)
	m.mu.Unlock()
	slices.Sort(all)
	r.OverallP50ms, r.OverallP95ms, r.OverallP99ms = pct(all, 0.5), pct(all, 0.95), pct(all, 0.99)
	r.PanicsLogged = srv.panics()
	r.Refusals = m.sortedKinds()
	r.ByAction = m.actionLatencies()
	slices.Sort(lag)
	r.RTLagP50ms, r.RTLagP95ms, r.RTLagMaxms = pct(lag, 0.5), pct(lag, 0.95), pct(lag, 1)
	var reqs int
	for _, s := range samples {
		reqs += s.Requests
	}
	r.ReqPerSec = round1(float64(reqs) / elapsed.Seconds())
	if n := len(samples); n > 0 {
		r.FirstWindow, r.LastWindow = samples[0], samples[n-1]
		r.RSSFirstKB, r.RSSLastKB = samples[0].RSSKB, samples[n-1].RSSKB
		third := max(1, n/3)
		r.RSSFirstThird, r.RSSLastThird = avgRSS(samples[:third]), avgRSS(samples[n-third:])
		for _, s := range samples {
			r.RSSMaxKB = max(r.RSSMaxKB, s.RSSKB)
		}
		if r.RSSFirstThird > 0 {
			r.RSSGrowthPct = round1(100 * float64(r.RSSLastThird-r.RSSFirstThird) / float64(r.RSSFirstThird))
		}
		if r.FirstWindow.P95ms > 0 {
			r.P95Ratio = round1(r.LastWindow.P95ms/r.FirstWindow.P95ms*100) / 100
		}
	}
	r.MemoryFlat = r.RSSGrowthPct <= 20
	r.LatencySteady = r.P95Ratio <= 2
	r.Pass = r.C5xx == 0 && r.TransportErrs == 0 && !crashed
	r.Steady = r.MemoryFlat && r.LatencySteady
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		r.LoadAvgAtEnd = strings.TrimSpace(string(b))
	}
	r.Machine = machine()
	return r
}

func avgRSS(s []Sample) int64 {
	var sum int64
	for _, x := range s {
		sum += x.RSSKB
	}
	return sum / int64(len(s))
}

func machine() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return fmt.Sprintf("%d CPUs", strings.Count(string(b), "processor\t:"))
}

func (r Report) print() {
	mb := func(kb int64) float64 { return round1(float64(kb) / 1024) }
	fmt.Printf("\n== soak report (%s, %.0f s)\n", r.Duration, r.Seconds)
	fmt.Printf("requests %d (%.1f req/s), 5xx %d, transport errors %d, 4xx %d, crashed %v, panics in log %d\n",
		r.Requests, r.ReqPerSec, r.C5xx, r.TransportErrs, r.C4xx, r.Crashed, r.PanicsLogged)
	if len(r.Refusals) > 0 {
		fmt.Println("refusals and failures by kind:")
		for _, k := range r.Refusals {
			fmt.Printf("  %-5s %-32s ×%-5d %s\n", k.Class, k.Kind, k.Count, k.Example)
		}
	}
	keys := make([]string, 0, len(r.Actions))
	for k := range r.Actions {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Print("work done:")
	for _, k := range keys {
		fmt.Printf(" %s=%d", k, r.Actions[k])
	}
	fmt.Println()
	fmt.Printf("RSS: first %.1f MB, last %.1f MB, max %.1f MB; first-third avg %.1f MB → last-third avg %.1f MB (%+.1f%%): %s\n",
		mb(r.RSSFirstKB), mb(r.RSSLastKB), mb(r.RSSMaxKB), mb(r.RSSFirstThird), mb(r.RSSLastThird), r.RSSGrowthPct, verdict(r.MemoryFlat, "flat", "GROWING (>20%)"))
	if n := len(r.Samples); n > 0 {
		f, l := r.Samples[0], r.Samples[n-1]
		fmt.Printf("  meanwhile data.db %.1f → %.1f MB, auxiliary.db (request log) %.1f → %.1f MB, open fds %d → %d, threads %d → %d\n",
			float64(f.DataDBKB)/1024, float64(l.DataDBKB)/1024, float64(f.AuxDBKB)/1024, float64(l.AuxDBKB)/1024, f.ServerFDs, l.ServerFDs, f.Threads, l.Threads)
	}
	fmt.Printf("latency first window p50/p95/p99 %.1f/%.1f/%.1f ms, last window %.1f/%.1f/%.1f ms, p95 ratio %.2f: %s\n",
		r.FirstWindow.P50ms, r.FirstWindow.P95ms, r.FirstWindow.P99ms, r.LastWindow.P50ms, r.LastWindow.P95ms, r.LastWindow.P99ms, r.P95Ratio,
		verdict(r.LatencySteady, "steady", "DRIFTING (last p95 > 2× first)"))
	fmt.Printf("whole run p50/p95/p99 %.1f/%.1f/%.1f ms; slowest actions by p95 (count p50/p95/p99/max ms):\n", r.OverallP50ms, r.OverallP95ms, r.OverallP99ms)
	for i, a := range r.ByAction {
		if i == 10 {
			break
		}
		fmt.Printf("  %-28s %6d  %6.1f %6.1f %6.1f %7.1f\n", a.Action, a.Count, a.P50ms, a.P95ms, a.P99ms, a.MaxMs)
	}
	fmt.Printf("realtime: %d listeners on %s topics (%d subscribed), %d messages delivered, lag p50/p95/max %.1f/%.1f/%.1f ms, %d connects, %d streams closed by the server\n",
		r.RTListeners, r.RTTopics, r.RTSubscribed, r.RTMessages, r.RTLagP50ms, r.RTLagP95ms, r.RTLagMaxms, r.RTConnects, r.RTDrops)
	kinds := make([]string, 0, len(r.RTByKind))
	for k := range r.RTByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Printf("  %-28s %d\n", k, r.RTByKind[k])
	}
	fmt.Printf("load average at the end: %s; server shut down %s\n", r.LoadAvgAtEnd, verdict(r.CleanShutdown, "cleanly on SIGTERM", "only when killed (still running 15 s after SIGTERM)"))
	fmt.Printf("result: %s", verdict(r.Pass, "PASS (no 5xx, no transport error, no crash)", "FAIL"))
	if !r.Steady {
		fmt.Printf("; not steady%s", map[bool]string{true: " (fails: -strict)", false: " (reported only; -strict would fail)"}[r.Strict])
	}
	fmt.Println()
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}
