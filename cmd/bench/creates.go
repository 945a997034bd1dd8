package main

// creates: B2, plain PocketBase (b2_complaints / b2_work_orders: the same
// fields, indexes and rules, no hooks), against B3, Wuye (complaints filed
// by residents through the portal's call, work orders taken in by the front
// desk, through every hook, rule and serial number), each on its own copy
// of the same data, both servers up, each figure taken back to back with
// its baseline so that the busy machine moves both alike.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func init() { Register("creates", 10, runCreates) }

// createCase is one kind of create, as each server takes it.
type createCase struct {
	name   string
	b2, b3 createBuild
}

func createCases(d *Dataset) []createCase {
	desk := d.DemoAccount("frontdesk@example.com")
	categories := []string{"security", "cleaning", "greening", "engineering", "mail", "renovation", "staff_attitude", "other"}
	trades := []string{"electrical", "plumbing", "carpentry", "appliance", "locksmith", "other"}
	// Who files the i-th request: residents in a fixed shuffled order, so
	// that B2 and B3 see the same people and units.
	order := rand.New(rand.NewPCG(10, 10)).Perm(len(d.Residents))
	who := func(i int) Person { return d.Residents[order[i%len(order)]] }
	text := func(i int) string {
		return fmt.Sprintf("基准测试 %d：%s", i, complaintTexts[i%len(complaintTexts)])
	}
	now := func() string { return time.Now().UTC().Format(tsLayout) }
	return []createCase{
		{
			name: "complaint, resident (portal)",
			b3: func(i int) (string, string, string, any) {
				r := who(i)
				return "/api/collections/complaints/records", r.Token, r.IP, map[string]any{
					"unit": r.Unit, "category": categories[i%len(categories)], "content": text(i),
					"contact_name": "住户", "contact_phone": "13800000000", "anonymous": false,
				}
			},
			b2: func(i int) (string, string, string, any) {
				r := who(i)
				return "/api/collections/b2_complaints/records", r.Token, r.IP, map[string]any{
					"community": d.Community, "unit": r.Unit, "resident": r.ID, "channel": "portal", "level": "general",
					"status": "received", "received_at": now(), "category": categories[i%len(categories)], "content": text(i),
					"contact_name": "住户", "contact_phone": "13800000000", "anonymous": false,
				}
			},
		},
		{
			name: "work order, front desk",
			b3: func(i int) (string, string, string, any) {
				r := who(i)
				return "/api/collections/work_orders/records", desk.Token, TerminalIP(i), map[string]any{
					"community": d.Community, "unit": r.Unit, "requester": r.ID, "kind": "routine", "category": trades[i%len(trades)],
					"description": text(i), "contact_name": "住户", "contact_phone": "13800000000",
				}
			},
			b2: func(i int) (string, string, string, any) {
				r := who(i)
				t := time.Now()
				return "/api/collections/b2_work_orders/records", desk.Token, TerminalIP(i), map[string]any{
					"community": d.Community, "unit": r.Unit, "requester": r.ID, "kind": "routine", "category": trades[i%len(trades)],
					"description": text(i), "contact_name": "住户", "contact_phone": "13800000000",
					"status": "new", "receiver": desk.ID, "source": "request", "payment": "none",
					"received_at": t.UTC().Format(tsLayout), "reply_due": t.Add(15 * time.Minute).UTC().Format(tsLayout),
				}
			},
		},
	}
}

// sideBySide is one measurement of B2 and B3.
type sideBySide struct {
	mode         string
	b2, b3       *Result
	b2cpu, b3cpu float64 // server CPU seconds per successful request
}

// createBuild makes the i-th request of one kind of create for one server.
type createBuild func(i int) (path, token, ip string, body any)

// createLoad sends one kind of create to B2 and B3. Every call takes the
// next request number, counted across servers and phases, so that no two
// creates of a run are alike and both servers go through the same
// residents and units.
type createLoad struct {
	b   *Bench
	c   createCase
	seq atomic.Int64
}

// call is the load Call that posts the case's next create to s: B2's form
// on plain PocketBase, B3's on Wuye.
func (l *createLoad) call(s *Server) Call {
	build := l.c.b3
	if s.Kind == KindPlain {
		build = l.c.b2
	}
	return func(ctx context.Context, _, _ int) error {
		path, token, ip, body := build(int(l.seq.Add(1)))
		return l.b.Call(WithClientIP(ctx, ip), http.MethodPost, s.Base+path, token, body, nil)
	}
}

// fixedRate is one fixed-rate phase of creates on s: rate a second for
// b.Phase, each started on schedule whatever the server does (latency
// counted from the scheduled start). fire, when not nil, runs a third into
// the phase, and the phase returns when it is done too.
func (l *createLoad) fixedRate(s *Server, rate float64, fire func()) *Result {
	var wg sync.WaitGroup
	if fire != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(l.b.Phase / 3)
			fire()
		}()
	}
	r := l.b.Open(rate, l.b.Phase, l.call(s))
	wg.Wait()
	return r
}

// startPair starts plain PocketBase (B2) on a copy of the dataset of its
// own, named name+"-plain", and Wuye (B3) on dir, both up; stop stops them
// and removes B2's copy. Not one copy for both: B2 would run while Wuye's
// checkpointer copies B2's log back every 250 ms, alongside B2's own
// automatic checkpoints, and at fixed rates B2 stalled in some runs (p99
// 171–373 ms; BENCHMARKS.md § Creates, session 16).
func (b *Bench) startPair(name, dir string) (plain, wuye *Server, stop func(), err error) {
	plainDir, err := b.CopyData(name + "-plain")
	if err != nil {
		return nil, nil, nil, err
	}
	if plain, err = b.StartServer(KindPlain, plainDir); err != nil {
		os.RemoveAll(plainDir)
		return nil, nil, nil, err
	}
	if wuye, err = b.StartServer(KindWuye, dir); err != nil {
		plain.Stop()
		os.RemoveAll(plainDir)
		return nil, nil, nil, err
	}
	return plain, wuye, func() { wuye.Stop(); plain.Stop(); os.RemoveAll(plainDir) }, nil
}

func runCreates(b *Bench) error {
	d, err := b.Data()
	if err != nil {
		return err
	}
	// A copy of their own: the creates would otherwise fill the lists and
	// statistics the other sections measure (and B2 gets another, startPair).
	dir, err := b.CopyData("creates")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b.StopWuye() // nothing else runs meanwhile
	plain, wuye, stop, err := b.startPair("creates", dir)
	if err != nil {
		return err
	}
	defer stop()
	var failures []error
	rates := []float64{50, 200}
	if b.Quick {
		rates = []float64{20}
	}
	for _, c := range createCases(d) {
		if !wanted(os.Getenv("WUYE_BENCH_CREATES_CASES"), c.name) {
			continue
		}
		var rows []sideBySide
		load := &createLoad{b: b, c: c}
		measure := func(s *Server, run func(*Server) *Result) (*Result, float64) {
			cpu := s.CPUSeconds()
			r := run(s)
			used := s.CPUSeconds() - cpu
			if err := r.Err(); err != nil {
				failures = append(failures, fmt.Errorf("%s on %s: %w", c.name, s.Kind, err))
			}
			return r, used / float64(max(1, r.Count-r.Errors))
		}
		type phase struct {
			mode    string
			workers int                   // a fixed concurrency phase to interleave
			run     func(*Server) *Result // a phase run on one server, then the other
		}
		var phases []phase
		for _, n := range []int{1, 16} {
			phases = append(phases, phase{mode: fmt.Sprintf("%d concurrent", n), workers: n})
		}
		// 64 concurrent runs on one server, then the other: B2 collapsed in
		// turns there (323–331 a second against 468 for B3, 7.3–7.5 ms of CPU
		// a create against 3.4–3.8 when it runs straight through; BENCHMARKS.md
		// § Creates, session 20) — probably its pool, not looked into: plain
		// PocketBase keeps 15 connections when idle, and after each pause
		// opens the others again.
		phases = append(phases, phase{mode: "64 concurrent", run: func(s *Server) *Result { return b.Closed(64, b.Phase, load.call(s)) }})
		for _, rate := range rates {
			phases = append(phases, phase{mode: fmt.Sprintf("%.0f/s fixed rate", rate), run: func(s *Server) *Result {
				return b.withWriteLog(s, c.name, rate, func() *Result { return load.fixedRate(s, rate, nil) })
			}})
		}
		for _, p := range phases {
			if !wanted(os.Getenv("WUYE_BENCH_CREATES_MODES"), p.mode) {
				continue
			}
			row := sideBySide{mode: p.mode}
			if p.workers > 0 {
				row.b2, row.b2cpu, row.b3, row.b3cpu = interleaved(plain, wuye, b.Phase, func(s *Server, d time.Duration) *Result {
					return b.Closed(p.workers, d, load.call(s))
				}, measure)
			} else {
				row.b2, row.b2cpu = measure(plain, p.run)
				row.b3, row.b3cpu = measure(wuye, p.run)
			}
			b.Logf("%s, %s: B2 %.0f/s p99 %s ms, B3 %.0f/s p99 %s ms", c.name, p.mode, row.b2.PerSec(), ms(row.b2.P(0.99)), row.b3.PerSec(), ms(row.b3.P(0.99)))
			rows = append(rows, row)
		}
		b.createTable(c.name, rows)
	}
	b.Metric("wuye_rss_kb_after", wuye.RSSKB())
	b.Metric("plain_rss_kb_after", plain.RSSKB())
	if len(failures) > 0 {
		return fmt.Errorf("%d measurements had failed requests: %v", len(failures), failures)
	}
	return nil
}

// interleavedTurns is how many turns each server takes in a fixed
// concurrency phase (interleaved).
const interleavedTurns = 4

// interleaved measures a throughput phase of length d on B2 and B3 in
// turns of d/interleavedTurns, in the order B2 B3 B3 B2 B2 B3 B3 B2, and
// sums each server's turns. The ratio of their rates is the goal, and this
// machine's speed drifts by 10–20% between runs minutes apart: run one
// after the other, B2's 10 s and B3's 10 s saw different machines, and the
// ratio of one run swung by as much as that drift
// (BENCHMARKS.md § Creates, session 20). Turns in this mirrored order give
// both the same share of a drift, however it runs. After each turn the
// server waits to go idle (Settle), so that what it still had to do is not
// done in the other's turn, and is charged to its CPU.
func interleaved(plain, wuye *Server, d time.Duration, run func(*Server, time.Duration) *Result,
	measure func(*Server, func(*Server) *Result) (*Result, float64)) (b2 *Result, b2cpu float64, b3 *Result, b3cpu float64) {
	turns := interleavedTurns
	if d/interleavedTurns < time.Second {
		turns = 1 // a smoke's short phase (-quick): one turn each, long enough for a call
	}
	slice := d / time.Duration(turns)
	sums := map[*Server]*Result{plain: {}, wuye: {}}
	cpus := map[*Server]float64{}
	for i := range 2 * turns {
		s := plain
		if (i+1)%4 >= 2 { // B2 B3 B3 B2, again and again
			s = wuye
		}
		r, perReq := measure(s, func(s *Server) *Result { return run(s, slice) })
		sum := sums[s]
		sum.Workers = r.Workers
		sum.Elapsed += r.Elapsed
		sum.merge(r)
		cpus[s] += perReq*float64(max(1, r.Count-r.Errors)) + s.Settle(5*time.Second)
	}
	per := func(s *Server) float64 { return cpus[s] / float64(max(1, sums[s].Count-sums[s].Errors)) }
	return sums[plain], per(plain), sums[wuye], per(wuye)
}

func (b *Bench) createTable(name string, rows []sideBySide) {
	var out [][]string
	for _, r := range rows {
		out = append(out, []string{
			r.mode,
			fmt.Sprintf("%.0f", r.b2.PerSec()), fmt.Sprintf("%.0f", r.b3.PerSec()), ratio(r.b3.PerSec(), r.b2.PerSec()),
			fmt.Sprintf("%s / %s / %s", ms(r.b2.P(0.5)), ms(r.b2.P(0.95)), ms(r.b2.P(0.99))),
			fmt.Sprintf("%s / %s / %s", ms(r.b3.P(0.5)), ms(r.b3.P(0.95)), ms(r.b3.P(0.99))),
			ratio(float64(r.b3.P(0.99)), float64(r.b2.P(0.99))),
			fmt.Sprintf("%.2f / %.2f", r.b2cpu*1000, r.b3cpu*1000),
			fmt.Sprintf("%d / %d", r.b2.Errors, r.b3.Errors),
		})
		key := fmt.Sprintf("%s | %s", name, r.mode)
		b.Metric(key, map[string]any{
			"b2_per_s": r.b2.PerSec(), "b3_per_s": r.b3.PerSec(),
			"b2_p50_ms": msf(r.b2.P(0.5)), "b2_p95_ms": msf(r.b2.P(0.95)), "b2_p99_ms": msf(r.b2.P(0.99)),
			"b3_p50_ms": msf(r.b3.P(0.5)), "b3_p95_ms": msf(r.b3.P(0.95)), "b3_p99_ms": msf(r.b3.P(0.99)),
			"b2_cpu_ms": r.b2cpu * 1000, "b3_cpu_ms": r.b3cpu * 1000, "b2_n": r.b2.Count, "b3_n": r.b3.Count,
			"b2_late_starts": r.b2.Late, "b3_late_starts": r.b3.Late,
		})
	}
	b.Table("Creates: "+name+" — B2 plain PocketBase vs B3 Wuye",
		[]string{"load", "B2 req/s", "B3 req/s", "B3/B2 (goal ≥ 0.7)", "B2 p50 / p95 / p99 ms", "B3 p50 / p95 / p99 ms", "p99 B3/B2 (goal ≤ 1.5)", "server CPU ms/req B2 / B3", "errors B2 / B3"},
		out,
		"Fixed concurrency: requests back to back for the phase; fixed rate: started on schedule whatever the server does, latency counted from the scheduled start. Server CPU is the server process's user+system time per successful create.")
}

// wanted reports whether name is among the comma-separated prefixes of
// filter (WUYE_BENCH_CREATES_CASES="complaint", WUYE_BENCH_CREATES_MODES="1
// concurrent,16 concurrent": a profile or an A/B of one case and load
// without the others' minutes); an empty filter wants everything.
func wanted(filter, name string) bool {
	if filter == "" {
		return true
	}
	for _, f := range strings.Split(filter, ",") {
		if f = strings.TrimSpace(f); f != "" && strings.HasPrefix(name, f) {
			return true
		}
	}
	return false
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
