package main

// The capacity of one instance (issue #23): the largest number of
// households one Wuye server serves at the peak-day mix (capacity_model.go)
// with p99 < 300 ms and no failed request. For each step of n households
// (whole communities of the estate, capacity_estate.go) it starts a fresh
// server on the estate, connects the staff's pages to /api/realtime as the
// pages do, then drives every actor kind open-loop — each action starts
// on its own schedule (Poisson arrivals at the model's rate for n) whether
// or not earlier ones have finished, and its first request's latency counts
// from when it was due — for a warm-up and a measured phase. The search
// doubles n until a step fails, then bisects.
//
//	go run ./cmd/bench -only capacity                          # the search (≤ 15 min on a quiet machine)
//	go run ./cmd/bench -only capacity -data /tmp/wuye-bench    # keep the estate in /tmp/wuye-bench-capacity and reuse it
//	go run ./cmd/bench -only capacity -capacity-max 64000 -capacity-phase 60s
//
// It is not part of a plain `go run ./cmd/bench` (it takes as long as the
// rest together); `-quick` runs a two-step smoke of it.

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"

	"wuye/internal/repo"
	"wuye/lib/paygate"
	"wuye/lib/workcal"
)

var (
	capMax    = flag.Int("capacity-max", 64_000, "capacity: the largest estate tried (households; the estate is generated at this size)")
	capStart  = flag.Int("capacity-start", 4_000, "capacity: the first step (households)")
	capPhase  = flag.Duration("capacity-phase", 40*time.Second, "capacity: the measured phase of each step (after a warm-up of a quarter of it)")
	capBisect = flag.Int("capacity-bisect", 2, "capacity: bisection steps after the first failing step")
	capP99    = flag.Duration("capacity-p99", 300*time.Millisecond, "capacity: a step passes with p99 below this and no failed request")
)

func init() { Register("capacity", 60, runCapacity) }

// capWorld is the estate as the load generator knows it.
type capWorld struct {
	b     *Bench
	comms []*capCommunity
	pay   paygate.Sandbox
	rtc   *http.Client // no timeout: realtime streams stay open
}

type capCommunity struct {
	id                    string
	units                 []capUnit
	desk, cashier, super  *capStaff
	techs                 []*capStaff
	mu                    sync.Mutex
	payOnline, payCounter []int // units with bills to pay, taken once each
}

type capUnit struct {
	id, building, number string
	resident, token, ip  string
}

type capStaff struct {
	id, token, ip string
	skills        []string
	busy          sync.Mutex // one person: one write at a time
}

func runCapacity(b *Bench) error {
	if !b.Quick && !slices.Contains(strings.Split(b.opts.only, ","), "capacity") {
		b.Logf("skipped: the capacity search runs with -only capacity (it takes up to 15 minutes)")
		return nil
	}
	p := peakDay
	maxN, start, phase, bisect, scale := *capMax, *capStart, *capPhase, *capBisect, 1.0
	if b.Quick {
		// Two small steps of small communities, every rate ×50 so that a
		// second makes requests of every kind: it runs and reports.
		p.CommunitySize, p.TechsPerCommune = 100, 2
		maxN, start, phase, bisect, scale = 200, 100, 2*time.Second, 0, 50
	}
	maxN = roundTo(maxN, p.CommunitySize)
	start = min(roundTo(start, p.CommunitySize), maxN)
	header, rows := capacityModelTable(p)
	b.Table("Peak-day model: actions per 1,000 households in the peak hour (09:00–10:00, first day of the quarter's collection window, a Monday)", header, rows)

	dir := filepath.Join(b.Tmp, "capacity-estate")
	if b.opts.data != "" {
		dir = strings.TrimRight(b.opts.data, "/") + "-capacity"
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs
		}
	}
	meta, err := b.ensureEstate(dir, maxN, p.CommunitySize, p.TechsPerCommune)
	if err != nil {
		return err
	}
	run := filepath.Join(b.Tmp, "capacity-data")
	t := time.Now()
	if err := repo.CopyDir(dir, run); err != nil {
		return err
	}
	w, err := loadCapWorld(b, run, meta)
	if err != nil {
		return err
	}
	b.Logf("estate copied and loaded in %.0f s: %d households in %d communities", time.Since(t).Seconds(), maxN, len(w.comms))

	var steps []*capStep
	try := func(n int) (bool, error) {
		s, err := w.step(n, p, phase, scale)
		if err != nil {
			return false, err
		}
		steps = append(steps, s)
		b.Logf("%s", s.line())
		return s.Pass, nil
	}
	lo, hi := 0, 0                // the largest n that passed, the smallest that failed
	narrow := func(n int) error { // a step between them
		ok, err := try(n)
		if ok {
			lo = n
		} else {
			hi = n
		}
		return err
	}
	if b.Quick { // the smoke: two steps whatever their latency
		for _, n := range []int{start, maxN} {
			if _, err := try(n); err != nil {
				return err
			}
		}
		for _, s := range steps {
			if s.Pass {
				lo = max(lo, s.N)
			} else if hi == 0 {
				hi = s.N
			}
		}
		start = maxN + 1 // no search
	}
	for n := start; n <= maxN; n = min(2*n, maxN) {
		ok, err := try(n)
		if err != nil {
			return err
		}
		if !ok {
			hi = n
			break
		}
		lo = n
		if n == maxN {
			break
		}
	}
	for !b.Quick && lo == 0 && hi > p.CommunitySize { // the first step failed: halve, down to one community
		n := roundTo(hi/2, p.CommunitySize)
		if n >= hi {
			break
		}
		if err := narrow(n); err != nil {
			return err
		}
	}
	for i := 0; i < bisect && lo > 0 && hi > 0; i++ {
		mid := roundTo((lo+hi)/2, p.CommunitySize)
		if mid <= lo || mid >= hi {
			break
		}
		if err := narrow(mid); err != nil {
			return err
		}
	}

	var trows [][]string
	for _, s := range steps {
		trows = append(trows, s.row())
	}
	verdict := fmt.Sprintf("one instance serves up to **%d households** (the largest step with p99 < %s and no failed request", lo, *capP99)
	switch {
	case lo == 0:
		verdict = fmt.Sprintf("no step passed (the smallest tried: %d households)", hi)
	case hi == 0:
		verdict += fmt.Sprintf("; every step passed — the estate's size %d is a floor, not the limit; raise -capacity-max", maxN)
	default:
		verdict += fmt.Sprintf("; %d failed", hi)
	}
	verdict += ")."
	b.Table("Capacity search: steps in the order run", []string{"households", "communities", "actions/s", "requests", "req/s", "failed",
		"p50 ms", "p95 ms", "p99 ms", "max ms", "late starts", "realtime open", "server CPU %", "generator CPU %", "server RSS MB", "CPU ceiling", "pass"}, trows,
		verdict,
		fmt.Sprintf("Each step: a fresh server on the estate of %d households (%d communities of %d, history: %s); the first n households' communities are driven, the rest stay idle in the database (a conservative bias: tables of the whole estate). Warm-up %s unmeasured, then %s measured. CPU %% is of one core; the machine has %d. CPU ceiling: n × cores ÷ the server's CPU share, the households at which the server's CPU would fill the cores if it grew with the load — a bound that depends less on other load on the machine than latency does. The load generator runs on the same cores: its CPU is taken from the server's, so the figure is conservative.",
			maxN, len(w.comms), p.CommunitySize, estateHistory(maxN), phase/4, phase, ncpu()))
	if len(steps) > 0 {
		last := steps[0]
		for _, s := range steps {
			if s.Pass && s.N == lo {
				last = s
			}
		}
		b.Table(fmt.Sprintf("Latency by action at %d households (slowest p99 first)", last.N), []string{"action", "count", "p50 ms", "p99 ms", "failed"}, last.byKind())
		if len(last.Errs) > 0 {
			b.Logf("failures at %d: %v", last.N, last.Errs)
		}
	}
	b.Metric("capacity_households", lo)
	b.Metric("capacity_first_failing", hi)
	b.Metric("capacity_steps", steps)
	b.Answer("capacity_line", capacityLine(steps))
	if lo == 0 && !b.Quick {
		return fmt.Errorf("no step passed")
	}
	if b.Quick { // the smoke asserts that it ran, reported and every request succeeded — never a time
		for _, s := range steps {
			if s.Requests == 0 || s.Failed > 0 {
				return fmt.Errorf("smoke step of %d households: %d requests, %d failed %v", s.N, s.Requests, s.Failed, s.Errs)
			}
		}
		if len(steps) != 2 {
			return fmt.Errorf("the smoke ran %d steps, want 2", len(steps))
		}
	}
	return nil
}

// capacityLine is the search's answer as the docs quote it: the largest
// step that passed, with its p99 and failed requests, or "no step passed".
func capacityLine(steps []*capStep) string {
	var best *capStep
	for _, s := range steps {
		if s.Pass && (best == nil || s.N > best.N) {
			best = s
		}
	}
	if best == nil {
		return "no step passed"
	}
	return fmt.Sprintf("one instance serves up to %s households (p99 %s ms, %d errors, peak-day model)",
		thousands(best.N), ms(time.Duration(best.P99*float64(time.Millisecond))), best.Failed)
}

// thousands writes n with a comma every three digits, as the docs do.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func estateHistory(n int) string {
	s := estateSizes(n)
	return fmt.Sprintf("%d bills (two quarters, the current one just issued), %d work orders, %d complaints", s.Bills, s.WorkOrders, s.Complaints)
}

// loadCapWorld reads the estate's communities, units, residents and staff
// and mints their tokens.
func loadCapWorld(b *Bench, dir string, meta *estateMeta) (*capWorld, error) {
	app, err := b.OpenApp(dir)
	if err != nil {
		return nil, err
	}
	defer app.ClearBootstrap()
	if err := benchSettings(app); err != nil {
		return nil, err
	}
	w := &capWorld{b: b, rtc: &http.Client{Transport: b.Client.Transport}}
	secret := []byte(rand.Text())
	w.pay = paygate.Sandbox{Method: "wechat", Secret: secret}
	// The server's sandbox provider checks the callbacks with this key.
	if err := setenv("WUYE_PAY_SANDBOX_SECRET", string(secret)); err != nil {
		return nil, err
	}
	byID := map[string]*capCommunity{}
	for _, id := range meta.Communities {
		c := &capCommunity{id: id}
		w.comms = append(w.comms, c)
		byID[id] = c
	}
	var units []struct {
		ID        string `db:"id"`
		Community string `db:"community"`
		Code      string `db:"code"`
		Number    string `db:"number"`
		Resident  string `db:"resident"`
	}
	if err := app.DB().NewQuery(`SELECT u.id, u.community, b.code, u.number, l.resident
		FROM units u JOIN buildings b ON b.id = u.building JOIN unit_residents l ON l.unit = u.id AND l.active = TRUE
		WHERE u.id LIKE 'bu%' ORDER BY u.id`).All(&units); err != nil {
		return nil, err
	}
	var owing []string
	if err := app.DB().NewQuery("SELECT DISTINCT unit FROM bills WHERE status IN ('issued', 'partially_paid')").Column(&owing); err != nil {
		return nil, err
	}
	owes := make(map[string]bool, len(owing))
	for _, u := range owing {
		owes[u] = true
	}
	residents, err := app.FindAllRecords("residents", dbx.NewExp("email LIKE {:d}", dbx.Params{"d": "%" + benchDomain}))
	if err != nil {
		return nil, err
	}
	rtok := make(map[string]string, len(residents))
	for _, r := range residents {
		rtok[r.Id] = authToken(r)
	}
	rng := mrand.New(mrand.NewPCG(23, 5))
	for i, u := range units {
		c := byID[u.Community]
		if c == nil {
			continue
		}
		c.units = append(c.units, capUnit{id: u.ID, building: u.Code, number: u.Number, resident: u.Resident, token: rtok[u.Resident], ip: PersonIP(i)})
		if owes[u.ID] {
			j := len(c.units) - 1
			if rng.Float64() < peakDay.OnlineShare {
				c.payOnline = append(c.payOnline, j)
			} else {
				c.payCounter = append(c.payCounter, j)
			}
		}
	}
	staff, err := app.FindAllRecords("staff", dbx.NewExp("id LIKE 'bk%'"))
	if err != nil {
		return nil, err
	}
	sort.Slice(staff, func(i, j int) bool { return staff[i].Id < staff[j].Id })
	for i, r := range staff {
		comms := r.GetStringSlice("communities")
		if len(comms) == 0 || byID[comms[0]] == nil {
			continue
		}
		c := byID[comms[0]]
		s := &capStaff{id: r.Id, token: authToken(r), ip: PersonIP(2_000_000 + i), skills: r.GetStringSlice("skills")}
		switch r.GetString("role") {
		case "front_desk":
			c.desk = s
		case "cashier":
			c.cashier = s
		case "supervisor":
			c.super = s
		case "technician":
			c.techs = append(c.techs, s)
		}
	}
	for _, c := range w.comms {
		if len(c.units) == 0 || c.desk == nil || c.cashier == nil || c.super == nil || len(c.techs) == 0 {
			return nil, fmt.Errorf("community %s lacks units or staff", c.id)
		}
	}
	return w, nil
}

// ---------------------------------------------------------------------
// One step

// capStep is what one step measured.
type capStep struct {
	N           int      `json:"households"`
	Communities int      `json:"communities"`
	Actions     float64  `json:"actions_per_s"`
	Requests    int      `json:"requests"`
	ReqPerSec   float64  `json:"req_per_s"`
	Failed      int      `json:"failed"`
	Late        int      `json:"late_starts"`
	P50         float64  `json:"p50_ms"`
	P95         float64  `json:"p95_ms"`
	P99         float64  `json:"p99_ms"`
	Max         float64  `json:"max_ms"`
	RTOpen      int      `json:"realtime_open_max"`
	RTMsgs      int64    `json:"realtime_messages"`
	SrvCPU      float64  `json:"server_cpu_pct"`
	GenCPU      float64  `json:"generator_cpu_pct"`
	RSSMB       float64  `json:"server_rss_max_mb"`
	Pass        bool     `json:"pass"`
	Errs        []string `json:"errors,omitempty"`

	kinds map[string]*capKind
}

type capKind struct {
	lats   []time.Duration
	failed int
}

func (s *capStep) line() string {
	return fmt.Sprintf("capacity step %d households (%d communities): %d requests, %d failed, p50/p95/p99 %.1f/%.1f/%.1f ms, server CPU %.0f %%, generator CPU %.0f %%, RSS %.0f MB: %s",
		s.N, s.Communities, s.Requests, s.Failed, s.P50, s.P95, s.P99, s.SrvCPU, s.GenCPU, s.RSSMB, map[bool]string{true: "pass", false: "FAIL"}[s.Pass]) + errSample(s.Errs)
}

// ceiling is the households at which the server's CPU would fill every
// core if its CPU grew in proportion to the load: a bound from CPU time,
// which depends less on the machine's other load than latency does (the
// search's figure is below it: latency fails before the cores are full).
func ceiling(s *capStep) string {
	if s.SrvCPU <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f", float64(s.N)*float64(100*ncpu())/s.SrvCPU)
}

func errSample(errs []string) string {
	if len(errs) == 0 {
		return ""
	}
	return "; e.g. " + errs[0]
}

func (s *capStep) row() []string {
	return []string{fmt.Sprint(s.N), fmt.Sprint(s.Communities), fmt.Sprintf("%.1f", s.Actions), fmt.Sprint(s.Requests), fmt.Sprintf("%.1f", s.ReqPerSec),
		fmt.Sprint(s.Failed), fmt.Sprintf("%.1f", s.P50), fmt.Sprintf("%.1f", s.P95), fmt.Sprintf("%.1f", s.P99), fmt.Sprintf("%.0f", s.Max),
		fmt.Sprint(s.Late), fmt.Sprint(s.RTOpen), fmt.Sprintf("%.0f", s.SrvCPU), fmt.Sprintf("%.0f", s.GenCPU), fmt.Sprintf("%.0f", s.RSSMB), ceiling(s),
		map[bool]string{true: "yes", false: "**no**"}[s.Pass]}
}

func (s *capStep) byKind() [][]string {
	type k struct {
		name string
		*capKind
	}
	var ks []k
	for n, v := range s.kinds {
		slices.Sort(v.lats)
		ks = append(ks, k{n, v})
	}
	sort.Slice(ks, func(i, j int) bool { return rtQuantile(ks[i].lats, 0.99) > rtQuantile(ks[j].lats, 0.99) })
	var rows [][]string
	for _, x := range ks {
		rows = append(rows, []string{"`" + x.name + "`", fmt.Sprint(len(x.lats)), ms(rtQuantile(x.lats, 0.5)), ms(rtQuantile(x.lats, 0.99)), fmt.Sprint(x.failed)})
	}
	return rows
}

// capRun is one step in progress.
type capRun struct {
	w          *capWorld
	base       string
	comms      []*capCommunity
	households int         // n: fewer than one community's when n is part of one
	measure    atomic.Bool // past the warm-up
	mu         sync.Mutex
	lats       []time.Duration
	failed     int
	errs       []string
	kinds      map[string]*capKind
	rtOpen     atomic.Int64
	rtMax      atomic.Int64
	rtMsgs     atomic.Int64
	sessions   sync.WaitGroup
}

func (r *capRun) rec(kind string, d time.Duration, err error) {
	if !r.measure.Load() {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lats = append(r.lats, d)
	k := r.kinds[kind]
	if k == nil {
		k = &capKind{}
		r.kinds[kind] = k
	}
	k.lats = append(k.lats, d)
	if err != nil {
		r.failed++
		k.failed++
		if len(r.errs) < 5 {
			r.errs = append(r.errs, err.Error())
		}
	}
}

// step runs the peak-day mix for n households for a warm-up and phase.
func (w *capWorld) step(n int, p peakParams, phase time.Duration, scale float64) (*capStep, error) {
	b := w.b
	k := max(1, n/p.CommunitySize)
	srv, err := b.StartServer(KindWuye, filepath.Join(b.Tmp, "capacity-data"))
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	r := &capRun{w: w, base: srv.Base, comms: w.comms[:k], households: n, kinds: map[string]*capKind{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The staff's pages are open before the clock starts.
	var ready sync.WaitGroup
	for _, c := range r.comms {
		cc := "community/" + c.id + "/"
		r.openPage(ctx, &ready, c.desk, cc+"work_orders", "employee/"+c.desk.id)
		r.openPage(ctx, &ready, c.super, cc+"complaints", cc+"work_orders", "employee/"+c.super.id)
		r.openPage(ctx, &ready, c.cashier, "employee/"+c.cashier.id)
		for _, t := range c.techs {
			topics := []string{"queue/" + t.id, "employee/" + t.id}
			for _, s := range t.skills {
				topics = append(topics, "pool/"+c.id+"/"+s)
			}
			r.openPage(ctx, &ready, t, topics...)
		}
	}
	waitTimeout(&ready, time.Minute)

	// The schedule: Poisson arrivals of every actor kind at its rate for n.
	type due struct {
		at   time.Duration
		kind string
	}
	warm := phase / 4
	total := warm + phase
	rng := mrand.New(mrand.NewPCG(uint64(n), 23))
	var plan []due
	var actions float64
	for _, a := range p.actors() {
		rate := a.perSecond(n) * scale
		actions += rate
		for t := time.Duration(0); ; {
			t += time.Duration(rng.ExpFloat64() / rate * float64(time.Second))
			if t >= total {
				break
			}
			plan = append(plan, due{t, a.Kind})
		}
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].at < plan[j].at })

	var inflight sync.WaitGroup
	var late int
	t0 := time.Now()
	var cpu0, gen0 float64
	var measuredAt time.Time
	var peak rtRSSPeak
	stopPeak := func() {}
	for _, d := range plan {
		if !r.measure.Load() && d.at >= warm {
			r.measure.Store(true)
			cpu0, gen0, measuredAt = srv.CPUSeconds(), selfCPUSeconds(), time.Now()
			stopPeak = peak.watch(srv)
			r.rtMax.Store(r.rtOpen.Load())
		}
		at := t0.Add(d.at)
		if wait := time.Until(at); wait > 0 {
			time.Sleep(wait)
		}
		if r.measure.Load() && time.Since(at) > 10*time.Millisecond {
			late++
		}
		inflight.Add(1)
		go func(kind string, at time.Time) {
			defer inflight.Done()
			r.act(ctx, kind, at, rng2())
		}(d.kind, at)
	}
	if wait := time.Until(t0.Add(total)); wait > 0 {
		time.Sleep(wait)
	}
	if measuredAt.IsZero() {
		measuredAt, cpu0, gen0 = time.Now(), srv.CPUSeconds(), selfCPUSeconds()
	}
	waitTimeout(&inflight, 30*time.Second)
	elapsed := time.Since(measuredAt).Seconds()
	cpu, gen := srv.CPUSeconds()-cpu0, selfCPUSeconds()-gen0
	stopPeak()
	cancel()
	waitTimeout(&r.sessions, 5*time.Second)

	r.mu.Lock()
	defer r.mu.Unlock()
	lats := slices.Clone(r.lats)
	slices.Sort(lats)
	msf := func(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Millisecond)*10) / 10 }
	s := &capStep{N: n, Communities: k, Actions: math.Round(actions*10) / 10, Requests: len(lats), Failed: r.failed, Late: late,
		P50: msf(rtQuantile(lats, 0.5)), P95: msf(rtQuantile(lats, 0.95)), P99: msf(rtQuantile(lats, 0.99)), Max: msf(rtQuantile(lats, 1)),
		RTOpen: int(r.rtMax.Load()), RTMsgs: r.rtMsgs.Load(), SrvCPU: math.Round(100 * cpu / elapsed), GenCPU: math.Round(100 * gen / elapsed),
		RSSMB: math.Round(float64(peak.max.Load()) / 1024), Errs: r.errs, kinds: r.kinds}
	s.ReqPerSec = math.Round(float64(s.Requests)/elapsed*10) / 10
	s.Pass = s.Failed == 0 && s.Requests > 0 && rtQuantile(lats, 0.99) < *capP99 && srv.Alive()
	return s, nil
}

var rngSeed atomic.Uint64

// rng2 is a random source per action (math/rand/v2's generators are not
// safe for concurrent use).
func rng2() *mrand.Rand { return mrand.New(mrand.NewPCG(rngSeed.Add(1), 7)) }

func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// ---------------------------------------------------------------------
// Requests

// call is one request of an action; the first request of an action counts
// from when the action was due (open loop), later ones from their start
// (a person clicks on once the page has answered).
type call struct {
	r     *capRun
	kind  string
	from  time.Time
	token string
	ip    string
}

func (c *call) do(ctx context.Context, method, path string, body, out any) error {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	return c.send(ctx, method, path, raw, nil, out)
}

func (c *call) send(ctx context.Context, method, path string, raw []byte, header map[string]string, out any) error {
	from := c.from
	if from.IsZero() {
		from = time.Now()
	}
	c.from = time.Time{}
	err := c.r.request(ctx, method, path, c.token, c.ip, raw, header, out)
	if ctx.Err() != nil {
		return ctx.Err() // the step is over: not the server's doing
	}
	c.r.rec(c.kind, time.Since(from), err)
	return err
}

func (r *capRun) request(ctx context.Context, method, path, token, ip string, raw []byte, header map[string]string, out any) error {
	return send(r.w.b.Client, ctx, method, r.base+path, token, ip, raw, header, out)
}

type capList struct {
	Items []map[string]any `json:"items"`
}

func recs(col string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/api/collections/" + col + "/records?" + q.Encode()
}

func fq(s string) string { b, _ := json.Marshal(s); return string(b) }

func fstr(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func fnum(m map[string]any, k string) int64 { f, _ := m[k].(float64); return int64(f) }

// act runs one action of kind, due at at.
func (r *capRun) act(ctx context.Context, kind string, at time.Time, rng *mrand.Rand) {
	c := r.comms[rng.IntN(len(r.comms))]
	u := c.units[rng.IntN(min(len(c.units), r.households))]
	resident := &call{r: r, kind: kind, from: at, token: u.token, ip: u.ip}
	staff := func(s *capStaff) *call { return &call{r: r, kind: kind, from: at, token: s.token, ip: s.ip} }
	me, unit := fq(u.resident), fq(u.id)
	open := ` && (status = "issued" || status = "partially_paid")`
	switch kind {
	case "resident.home":
		// home.js and bell.js, then the page stays open on its realtime topic.
		resident.do(ctx, "GET", recs("complaints", "page", "1", "perPage", "20", "filter", "resident = "+me, "sort", "-updated"), nil, nil)
		resident.do(ctx, "GET", recs("work_orders", "page", "1", "perPage", "20", "filter", "requester = "+me, "sort", "-updated", "expand", "service_item"), nil, nil)
		resident.do(ctx, "GET", recs("renovations", "page", "1", "perPage", "20", "filter", "applicant = "+me, "sort", "-updated"), nil, nil)
		resident.do(ctx, "GET", recs("bills", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", "unit = "+unit+open, "fields", "id,amount_fen,discount_fen,late_fee_fen,paid_fen"), nil, nil)
		resident.do(ctx, "GET", recs("notices", "page", "1", "perPage", "3", "filter", "community = "+fq(c.id), "sort", "-pinned,-published_at"), nil, nil)
		resident.do(ctx, "GET", recs("notifications", "page", "1", "perPage", "20", "filter", "recipient_resident = "+me+" && read = false", "sort", "-created"), nil, nil)
		r.session(ctx, u, time.Duration(peakDay.SessionMinutes*float64(time.Minute)))
	case "resident.bills":
		resident.do(ctx, "GET", recs("bills", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", "unit = "+unit, "expand", "fee_item", "sort", "-period_start,serial"), nil, nil)
		resident.do(ctx, "GET", recs("payments", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", "unit = "+unit, "sort", "-created,-serial"), nil, nil)
	case "resident.pay_online":
		j, ok := c.take(&c.payOnline)
		if !ok {
			return
		}
		u := c.units[j]
		payer := &call{r: r, kind: kind, from: at, token: u.token, ip: u.ip}
		var started struct {
			Order map[string]any `json:"order"`
		}
		if payer.do(ctx, "POST", "/api/wuye/pay/wechat", map[string]any{"unit": u.id}, &started) != nil {
			return
		}
		body, sig := r.w.pay.Sign(paygate.Notification{TradeNo: fstr(started.Order, "trade_no"), AmountFen: fnum(started.Order, "amount_fen"),
			ProviderTxnID: "WX" + rand.Text()[:12], PaidAt: time.Now().Format(time.RFC3339)})
		provider := &call{r: r, kind: kind}
		provider.send(ctx, "POST", "/api/wuye/pay/wechat/callback", body, map[string]string{"X-Signature": sig}, nil)
	case "cashier.payment":
		j, ok := c.take(&c.payCounter)
		if !ok {
			return
		}
		u := c.units[j]
		k := staff(c.cashier)
		f := "unit = " + fq(u.id)
		var bills capList
		k.do(ctx, "GET", recs("unit_residents", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+" && active = true", "expand", "resident"), nil, nil)
		if k.do(ctx, "GET", recs("bills", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+open, "expand", "fee_item", "sort", "period_start"), nil, &bills) != nil {
			return
		}
		k.do(ctx, "GET", recs("payments", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f, "expand", "received_by", "sort", "-created"), nil, nil)
		var owed int64
		var ids []string
		for _, x := range bills.Items {
			if o := fnum(x, "amount_fen") - fnum(x, "discount_fen") + fnum(x, "late_fee_fen") - fnum(x, "paid_fen"); o > 0 {
				owed += o
				ids = append(ids, fstr(x, "id"))
			}
		}
		if owed > 0 {
			k.do(ctx, "POST", recs("payments"), map[string]any{"unit": u.id, "amount_fen": owed, "method": "cash", "payer_name": "业主", "bills": ids}, nil)
		}
	case "resident.file_repair":
		resident.do(ctx, "POST", recs("work_orders"), map[string]any{"unit": u.id, "category": trades[rng.IntN(len(trades))], "description": "厨房水龙头一直滴水（capacity）"}, nil)
	case "resident.file_complaint":
		resident.do(ctx, "POST", recs("complaints"), map[string]any{"unit": u.id, "category": pickOne(rng, []string{"security", "cleaning", "greening", "engineering", "other"}), "content": "楼道灯坏了好几天（capacity）"}, nil)
	case "desk.intake":
		d := staff(c.desk)
		f := "unit = " + unit
		d.do(ctx, "GET", recs("units", "page", "1", "perPage", "30", "filter", "community = "+fq(c.id)+" && building.code = "+fq(u.building)+" && number = "+fq(u.number), "expand", "building"), nil, nil)
		d.do(ctx, "GET", "/api/collections/units/records/"+u.id+"?expand=building", nil, nil)
		d.do(ctx, "GET", recs("unit_residents", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+" && active = true", "expand", "resident"), nil, nil)
		d.do(ctx, "GET", recs("bills", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+open, "fields", "id,amount_fen,discount_fen,late_fee_fen,paid_fen"), nil, nil)
		d.do(ctx, "GET", recs("complaints", "page", "1", "perPage", "20", "filter", f+` && status != "closed" && status != "invalid"`, "sort", "-received_at"), nil, nil)
		d.do(ctx, "GET", recs("work_orders", "page", "1", "perPage", "20", "filter", f+` && status != "closed" && status != "cancelled"`, "sort", "-received_at", "expand", "service_item"), nil, nil)
		p := peakDay
		repairs := p.RepairsPerYear / 365 * p.MondayFactor * p.RepairPeakShare * 1000 * p.DeskShare
		complaints := p.ComplaintsYear / 365 * p.MondayFactor * p.RepairPeakShare * 1000 * p.DeskShare
		switch x := rng.Float64() * (repairs + complaints + p.FeeCallsPerHour); {
		case x < repairs:
			d.do(ctx, "POST", recs("work_orders"), map[string]any{"community": c.id, "unit": u.id, "category": trades[rng.IntN(len(trades))], "kind": "routine",
				"description": "卫生间灯不亮了（来电，capacity）", "contact_name": "来电住户", "contact_phone": "13800138000", "requester": u.resident}, nil)
		case x < repairs+complaints:
			d.do(ctx, "POST", recs("complaints"), map[string]any{"community": c.id, "unit": u.id, "channel": "phone", "category": "cleaning", "level": "general",
				"content": "小区垃圾没有及时清运（来电，capacity）", "contact_name": "来电住户", "contact_phone": "13800138000", "resident": u.resident}, nil)
		}
	case "desk.board":
		d := staff(c.desk)
		var board capList
		// The page's read (staff/desk/dispatch.js): the board's own route.
		if d.do(ctx, "GET", "/api/wuye/work-orders/board?"+url.Values{"community": {c.id}}.Encode(), nil, &board) != nil {
			return
		}
		if !c.desk.busy.TryLock() {
			return
		}
		defer c.desk.busy.Unlock()
		for _, o := range board.Items {
			if fstr(o, "status") != "new" {
				continue
			}
			var fit []*capStaff
			for _, t := range c.techs {
				if slices.Contains(t.skills, fstr(o, "category")) {
					fit = append(fit, t)
				}
			}
			if len(fit) == 0 {
				continue
			}
			d.do(ctx, "PATCH", "/api/collections/work_orders/records/"+fstr(o, "id")+"?expand=unit.building,building,service_item",
				map[string]any{"status": "dispatched", "dispatch_mode": "assign", "technician": pickOne(rng, fit).id}, nil)
			return
		}
	case "tech.field":
		t := pickOne(rng, c.techs)
		k := staff(t)
		var queue capList
		if k.do(ctx, "GET", recs("work_orders", "page", "1", "perPage", "1000", "skipTotal", "1",
			"filter", "technician = "+fq(t.id)+` && status != "closed" && status != "cancelled"`, "sort", "appointment_at,created", "expand", "unit.building,community,building,service_item"), nil, &queue) != nil {
			return
		}
		cats := make([]string, len(t.skills))
		for i, s := range t.skills {
			cats[i] = "category = " + fq(s)
		}
		k.do(ctx, "GET", recs("work_orders", "page", "1", "perPage", "1000", "skipTotal", "1",
			"filter", `dispatch_mode = "pool" && status = "dispatched" && technician = "" && (`+strings.Join(cats, " || ")+") && community = "+fq(c.id), "sort", "created", "expand", "unit.building,community,building,service_item"), nil, nil)
		if !t.busy.TryLock() {
			return
		}
		defer t.busy.Unlock()
		for _, o := range queue.Items {
			next := map[string]string{"dispatched": "accepted", "accepted": "on_site", "in_progress": "completed"}[fstr(o, "status")]
			if fstr(o, "status") == "on_site" && fstr(o, "kind") == "routine" {
				next = "in_progress"
			}
			if next == "" {
				continue
			}
			k.do(ctx, "PATCH", "/api/collections/work_orders/records/"+fstr(o, "id")+"?expand=unit.building,community,building,service_item", map[string]any{"status": next}, nil)
			return
		}
	case "supervisor.dashboard":
		s := staff(c.super)
		qs := "?community=" + url.QueryEscape(c.id) + "&month=" + time.Now().In(workcal.Shanghai).Format("2006-01")
		for _, x := range []string{"dashboard", "complaints", "work-orders"} {
			s.do(ctx, "GET", "/api/stats/"+x+qs, nil, nil)
		}
	case "cashier.cash_close":
		staff(c.cashier).do(ctx, "GET", "/api/wuye/cash-close?day="+time.Now().In(workcal.Shanghai).Format(time.DateOnly), nil, nil)
	default:
		r.rec(kind, 0, errors.New("unknown actor kind "+kind))
	}
}

func pickOne[T any](rng *mrand.Rand, s []T) T { return s[rng.IntN(len(s))] }

// take removes and returns one of the units in *pool.
func (c *capCommunity) take(pool *[]int) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(*pool) == 0 {
		return 0, false
	}
	j := (*pool)[len(*pool)-1]
	*pool = (*pool)[:len(*pool)-1]
	return j, true
}

// ---------------------------------------------------------------------
// Realtime

// session keeps a resident's portal open on its realtime topic for d (or
// until the step ends).
func (r *capRun) session(ctx context.Context, u capUnit, d time.Duration) {
	r.sessions.Add(1)
	go func() {
		defer r.sessions.Done()
		sctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		r.listen(sctx, &call{r: r, kind: "realtime.subscribe", token: u.token, ip: u.ip}, []string{"resident/" + u.resident}, nil)
	}()
}

// openPage connects a staff page for the whole step.
func (r *capRun) openPage(ctx context.Context, ready *sync.WaitGroup, s *capStaff, topics ...string) {
	ready.Add(1)
	var once sync.Once
	done := func() { once.Do(ready.Done) }
	r.sessions.Add(1)
	go func() {
		defer r.sessions.Done()
		defer done()
		r.listen(ctx, &call{r: r, kind: "realtime.subscribe", token: s.token, ip: s.ip}, topics, done)
	}()
}

// listen connects to /api/realtime, subscribes to topics once the server
// has said hello, and counts messages until ctx ends.
func (r *capRun) listen(ctx context.Context, sub *call, topics []string, subscribed func()) {
	req, err := http.NewRequestWithContext(ctx, "GET", r.base+"/api/realtime", nil)
	if err != nil {
		return
	}
	req.Header.Set("X-Real-IP", sub.ip)
	res, err := r.w.rtc.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.rec("realtime.connect", 0, err)
		}
		return
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		r.rec("realtime.connect", 0, fmt.Errorf("realtime: %s", res.Status))
		return
	}
	n := r.rtOpen.Add(1)
	defer r.rtOpen.Add(-1)
	for m := r.rtMax.Load(); n > m && !r.rtMax.CompareAndSwap(m, n); m = r.rtMax.Load() {
	}
	br := bufio.NewReader(res.Body)
	var event string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(line[len("event:"):])
		case strings.HasPrefix(line, "data:") && event == "PB_CONNECT":
			var hello struct {
				ClientID string `json:"clientId"`
			}
			json.Unmarshal([]byte(strings.TrimSpace(line[len("data:"):])), &hello)
			go func() {
				if sub.do(ctx, "POST", "/api/realtime", map[string]any{"clientId": hello.ClientID, "subscriptions": topics}, nil) == nil && subscribed != nil {
					subscribed()
				}
			}()
		case strings.HasPrefix(line, "data:"):
			r.rtMsgs.Add(1)
		case line == "":
			event = ""
		}
	}
}

func setenv(k, v string) error { return os.Setenv(k, v) }

func ncpu() int { return runtime.NumCPU() }
