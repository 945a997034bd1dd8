package main

// jobs (issue #23): every scheduled job on the 1M-row history — how long it
// runs, the rows it writes, its write transactions and the longest of them
// (while one is open no request can write) — each run once as the jobs were
// (one transaction for all their work) and as they are (short batches,
// hooks.SetJobBatch), in the same run; then fixed-rate creates (work orders
// 50/s, complaints 200/s) with the busy jobs firing in the middle of the
// phase, against plain PocketBase (B2) and Wuye with no job running.
//
// Under load the jobs run inside the Wuye server (a route of the bench
// server only, serveJobRoutes), as its cron would run them, so that the
// creates wait for the write connection exactly as they would at a minute
// boundary. Each job is given real work first (armJobs): a backlog of
// records whose deadlines have passed and that no job has flagged yet.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/workcal"
)

func init() { Register("jobs", 60, runJobs) }

var (
	jobsBacklog    = flag.Int("jobs-backlog", 5000, "jobs section: records of work armed for each busy job (40 with -quick)")
	jobsComplaints = flag.Bool("jobs-complaints", true, "jobs section: also the complaints at 200/s under load (false: the work orders at 50/s only)")
)

// WUYE_BENCH_JOBS_MODES (e.g. "now" or "one tx,now": the modes' short
// names) limits the fixed-rate rows to those modes, and
// WUYE_BENCH_JOBS_EACH=off leaves out the table of each job run once: a
// quicker run while working on the jobs.

// jobMode is how the jobs split their work: as they were, in one write
// transaction; in batches of ~25 ms one after another (issue #23's round
// 10); or as they are (short batches that give way to the write requests
// and rest between them).
type jobMode struct {
	name        string
	short       string // its name in the columns of the jobs' own table
	rows        int
	hold        time.Duration
	yield, rest time.Duration
}

func jobModes() []jobMode {
	return []jobMode{
		{"one transaction (as before)", "one tx", 1 << 30, time.Hour, 0, 0},
		{"batches of 25 ms back to back (round 10)", "25 ms", 100, 25 * time.Millisecond, 0, 0},
		{"batches of 5 ms giving way to writes (as now)", "now", 0, 0, 0, 0}, // 0: the defaults
	}
}

// current reports whether m is the jobs as they are.
func (m jobMode) current() bool { return m.rows == 0 }

func (m jobMode) set() (restore func()) {
	if m.current() {
		return func() {}
	}
	r1 := hooks.SetJobBatch(m.rows, m.hold)
	r2 := hooks.SetJobGiveWay(m.yield, m.rest)
	return func() { r2(); r1() }
}

// armJobs gives the busy jobs n records each to do, by raw SQL on the
// generated history (the same records every time it is called): complaints
// and work orders whose deadlines passed long ago, open and not flagged;
// finished orders not revisited; overdue bills not yet reminded; links
// past their end date; and no patrol tasks planned yet.
func armJobs(app core.App, n int) error {
	if err := armBusyJobs(app, n); err != nil {
		return err
	}
	stmts := []string{
		`UPDATE work_orders SET status = 'completed', revisit_overdue = FALSE, completed_at = received_at
			WHERE id IN (SELECT id FROM work_orders ORDER BY id DESC LIMIT {:n})`,
		`DELETE FROM reminders WHERE bill IN (SELECT id FROM bills ORDER BY id LIMIT {:n})`,
		`UPDATE bills SET status = 'issued', paid_fen = 0, reminder_stage = '', due_on = '2020-01-01' WHERE id IN (SELECT id FROM bills ORDER BY id LIMIT {:n})`,
		`UPDATE unit_residents SET active = TRUE, since = '2019-01-01', until = '2020-01-01'
			WHERE id IN (SELECT id FROM unit_residents ORDER BY id DESC LIMIT {:n})`,
		`DELETE FROM patrol_tasks`,
	}
	for _, q := range stmts {
		if _, err := app.DB().NewQuery(q).Bind(dbx.Params{"n": n}).Execute(); err != nil {
			return fmt.Errorf("arm jobs: %w", err)
		}
	}
	return nil
}

// armBusyJobs gives the per-minute and five-minute jobs their backlog:
// complaints and work orders past their deadlines, open, not flagged.
func armBusyJobs(app core.App, n int) error {
	for _, q := range []string{
		`UPDATE complaints SET status = 'processing', first_response_overdue = FALSE, reply_overdue = FALSE, solution_overdue = FALSE
			WHERE id IN (SELECT id FROM complaints ORDER BY id LIMIT {:n})`,
		`UPDATE work_orders SET status = 'new', reply_overdue = FALSE WHERE id IN (SELECT id FROM work_orders ORDER BY id LIMIT {:n})`,
	} {
		if _, err := app.DB().NewQuery(q).Bind(dbx.Params{"n": n}).Execute(); err != nil {
			return fmt.Errorf("arm jobs: %w", err)
		}
	}
	return nil
}

// armOnlyBacklog leaves the arrears ladder only the n armed bills: the other
// open bills of the history get a due date ahead (the ladder would
// otherwise work through every unpaid bill of two years on its first run).
func armOnlyBacklog(app core.App, n int) error {
	_, err := app.DB().NewQuery(`UPDATE bills SET due_on = '2099-12-31'
		WHERE status IN ('issued', 'partially_paid') AND id NOT IN (SELECT id FROM bills ORDER BY id LIMIT {:n})`).
		Bind(dbx.Params{"n": n}).Execute()
	return err
}

// jobAt is the instant each job is run at: now, or for the revisits the
// 10th of the month or later (the job flags from then on).
func jobAt(id string) time.Time {
	at := time.Now()
	if id == "wuye_work_order_revisits" {
		if d := at.In(workcal.Shanghai).Day(); d < 10 {
			at = at.AddDate(0, 0, 10-d)
		}
	}
	return at
}

func runJobs(b *Bench) error {
	d, err := b.Data()
	if err != nil {
		return err
	}
	dir, err := b.CopyData("jobs")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b.StopWuye()
	backlog := *jobsBacklog
	if b.Quick && !flagSet("jobs-backlog") {
		backlog = 40
	}
	app, err := b.OpenApp(dir)
	if err != nil {
		return err
	}
	err = armOnlyBacklog(app, backlog)
	app.ClearBootstrap()
	if err != nil {
		return err
	}
	// Fixed-rate creates first, while the registry is whole (the end-links
	// backlog of eachJobOnce ends links of residents who file complaints).
	// A measurement that failed there does not keep the jobs' own table
	// from being made.
	loadErr := b.jobsUnderLoad(d, dir, backlog)
	if app, err = b.OpenApp(dir); err != nil {
		return errors.Join(loadErr, err)
	}
	defer app.ClearBootstrap()
	if os.Getenv("WUYE_BENCH_JOBS_EACH") == "off" {
		return loadErr
	}
	return errors.Join(loadErr, b.eachJobOnce(app, backlog))
}

// jobsRun is what the bench server's job route is asked and answers.
type jobsRun struct {
	Arm   int              `json:"arm"`  // arm the busy jobs' backlog of this many records first
	Mode  int              `json:"mode"` // the jobMode, by its index in jobModes
	Jobs  []string         `json:"jobs"`
	Stats []hooks.JobStats `json:"stats"`
}

// serveJobRoutes adds the bench server's job route: POST /__bench/jobs arms
// the busy jobs' backlog or runs jobs now, inside the server, and answers
// what they did. Only the bench's server has it (cmd/bench; loopback).
func serveJobRoutes(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/__bench/jobs", func(e *core.RequestEvent) error {
			var run jobsRun
			if err := e.BindBody(&run); err != nil {
				return err
			}
			if run.Arm > 0 {
				if err := armBusyJobs(e.App, run.Arm); err != nil {
					return err
				}
			}
			modes := jobModes()
			mode := modes[min(max(run.Mode, 0), len(modes)-1)]
			restore := mode.set()
			defer restore()
			for _, id := range run.Jobs {
				st, err := hooks.RunJob(e.App, id, time.Now())
				if err != nil {
					return err
				}
				run.Stats = append(run.Stats, st)
			}
			raw, err := json.Marshal(run)
			if err != nil {
				return err
			}
			return e.Blob(http.StatusOK, "application/json", raw)
		}).Unbind(hooks.CountWritesID) // the jobs it runs are no request of the creates

		return se.Next()
	})
}

// eachJobOnce runs every job once in each mode, after arming the backlog.
func (b *Bench) eachJobOnce(app core.App, backlog int) error {
	modes := jobModes()
	results := make([]map[string]hooks.JobStats, len(modes))
	for k, m := range modes {
		if err := armJobs(app, backlog); err != nil {
			return err
		}
		results[k] = map[string]hooks.JobStats{}
		restore := m.set()
		for _, id := range hooks.JobIDs() {
			st, err := hooks.RunJob(app, id, jobAt(id))
			if err != nil {
				restore()
				return err
			}
			results[k][id] = st
			b.Logf("%s, %s: %.0f ms, %d changed, %d rows in %d transactions (at most %d), longest %.1f ms (commit %.1f ms), rested %.0f ms %s", id, m.name,
				msf(st.Duration), st.Changed, st.Rows, st.Transactions, st.MostRows, msf(st.LongestHold), msf(st.LongestCommit),
				msf(st.Rested), st.Error)
		}
		restore()
	}
	// PocketBase's nightly maintenance, as Wuye runs it (checkpoints and
	// ANALYZE of the tables that changed): one statement each, not batched.
	t := time.Now()
	hooks.OptimizeDB(app)
	optimize := time.Since(t)

	var rows [][]string
	var errs []string
	ids := hooks.JobIDs()
	sort.Strings(ids)
	each := func(id string, f func(st hooks.JobStats) string) string {
		var out []string
		for k := range modes {
			out = append(out, f(results[k][id]))
		}
		return strings.Join(out, " / ")
	}
	for _, id := range ids {
		for k := range modes {
			if results[k][id].Errors > 0 {
				errs = append(errs, id)
				break
			}
		}
		rows = append(rows, []string{
			"`" + id + "`",
			each(id, func(st hooks.JobStats) string { return fmt.Sprint(st.Changed) }),
			each(id, func(st hooks.JobStats) string { return fmt.Sprint(st.Rows) }),
			each(id, func(st hooks.JobStats) string { return fmt.Sprint(st.Transactions) }),
			each(id, func(st hooks.JobStats) string { return fmt.Sprint(st.MostRows) }),
			each(id, func(st hooks.JobStats) string { return fmt.Sprintf("%.0f", msf(st.Duration)) }),
			each(id, func(st hooks.JobStats) string { return fmt.Sprintf("%.1f", msf(st.LongestHold)) }),
			each(id, func(st hooks.JobStats) string { return fmt.Sprintf("%.1f", msf(st.LongestCommit)) }),
		})
		m := map[string]any{}
		for k := range modes {
			st := results[k][id]
			key := []string{"before", "round10", "after"}[k]
			m[key+"_ms"] = msf(st.Duration)
			m[key+"_changed"] = st.Changed
			m[key+"_rows"] = st.Rows
			m[key+"_transactions"] = st.Transactions
			m[key+"_longest_hold_ms"] = msf(st.LongestHold)
			m[key+"_longest_commit_ms"] = msf(st.LongestCommit)
			m[key+"_most_rows"] = st.MostRows
			m[key+"_rested_ms"] = msf(st.Rested)
		}
		b.Metric("job | "+id, m)
	}
	rows = append(rows, []string{"`__pbDBOptimize__` (hooks.OptimizeDB)", "—", "—", "3 statements", "—", fmt.Sprintf("%.0f", msf(optimize)), fmt.Sprintf("≤ %.0f (one statement, not batched)", msf(optimize)), "—"})
	b.Metric("job | __pbDBOptimize__", map[string]any{"ms": msf(optimize)})
	var names []string
	for _, m := range modes {
		names = append(names, m.short)
	}
	b.Table(fmt.Sprintf("Each job once, with %d records of work armed (%s)", backlog, strings.Join(names, " / ")),
		[]string{"job", "records changed", "rows written", "write transactions", "most rows in one", "duration ms", "longest write-lock hold ms (goal ≤ ~50)", "longest commit ms"},
		rows,
		"Modes: one tx = one write transaction for the whole backlog (as before issue #23); 25 ms = batches that commit after ~25 ms, back to back (round 10); now = batches that commit after ~5 ms or at once for a write request that arrives, wait for the write requests in flight (none here) and rest as long as they took. Rows written: SQLite's total_changes in the job's transactions (records, events, notifications, deliveries). A hold is one write transaction from its first statement to its commit; no request can write meanwhile. The commit is part of the hold: one that ran SQLite's automatic WAL checkpoint is long.",
		"Armed: complaints and work orders past their deadlines and unflagged, finished orders not revisited, overdue bills not reminded (the history's other open bills are set due in 2099), links past their end date, no patrol tasks planned; the other jobs run on what the demo left.")
	if len(errs) > 0 {
		return fmt.Errorf("jobs failed: %v", errs)
	}
	return nil
}

// busyJobs are the jobs that run every few minutes, fired together in the
// middle of a loaded phase.
var busyJobs = []string{"wuye_outbox", "wuye_work_order_replies", "wuye_complaint_deadlines", "wuye_renovation_reviews", "wuye_key_loans", "wuye_incident_reports"}

func (b *Bench) jobsUnderLoad(d *Dataset, dir string, backlog int) error {
	plain, wuye, stop, err := b.startPair("jobs", dir)
	if err != nil {
		return err
	}
	defer stop()
	cases := createCases(d)
	rates := map[string]float64{cases[0].name: 200, cases[1].name: 50}
	if b.Quick {
		rates = map[string]float64{cases[0].name: 20, cases[1].name: 20}
	}
	var failures []error
	loads := []createCase{cases[1], cases[0]}
	if !*jobsComplaints {
		loads = loads[:1]
	}
	for _, c := range loads {
		rate := rates[c.name]
		load := &createLoad{b: b, c: c}
		type row struct {
			name string
			r    *Result
			cpu  float64 // server CPU ms a successful create
			jobs []hooks.JobStats
		}
		var out []row
		// measure runs one fixed-rate phase on s (fire: see fixedRate)
		// and the server's CPU time a create.
		measure := func(s *Server, fire func()) (*Result, float64) {
			cpu := s.CPUSeconds()
			r := b.withWriteLog(s, c.name, rate, func() *Result { return load.fixedRate(s, rate, fire) })
			cpuMs := (s.CPUSeconds() - cpu) * 1000 / float64(max(1, r.Count-r.Errors))
			return r, cpuMs
		}
		// Warm-up, not measured: a phase of the same creates on each
		// server first (the creates section measures its fixed rates after
		// three closed-loop phases; a server's first seconds on the 1M-row
		// copy read its indexes into the page caches and prepare its
		// statements).
		for _, s := range []*Server{plain, wuye} {
			r := load.fixedRate(s, rate, nil)
			b.Logf("%s at %.0f/s, warm-up on %s: p99 %s ms", c.name, rate, s.Kind, ms(r.P(0.99)))
		}
		r, cpu := measure(plain, nil)
		out = append(out, row{"B2 plain PocketBase", r, cpu, nil})
		if err := r.Err(); err != nil {
			failures = append(failures, fmt.Errorf("%s on B2: %w", c.name, err))
		}
		r, cpu = measure(wuye, nil)
		out = append(out, row{"B3 Wuye, no job fired", r, cpu, nil})
		if err := r.Err(); err != nil {
			failures = append(failures, fmt.Errorf("%s on B3: %w", c.name, err))
		}
		for k, m := range jobModes() {
			if !wanted(os.Getenv("WUYE_BENCH_JOBS_MODES"), m.short) {
				continue
			}
			// The server's own per-minute jobs would take the backlog if a
			// minute turned between arming it and firing the jobs here.
			if sec := time.Now().Second(); float64(sec)+(b.Phase/3).Seconds() > 57 {
				time.Sleep(time.Duration(61-sec) * time.Second)
			}
			// The job runs may take minutes on the 1M-row history; the
			// phase waits for them, so that no job of this row is still
			// running in the next one.
			jobsCtx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
			defer cancel()
			if err := b.CallSlow(jobsCtx, http.MethodPost, wuye.Base+"/__bench/jobs", "", jobsRun{Arm: backlog}, nil); err != nil {
				return err
			}
			var run jobsRun
			var fireErr error
			r, cpu := measure(wuye, func() {
				fireErr = b.CallSlow(jobsCtx, http.MethodPost, wuye.Base+"/__bench/jobs", "", jobsRun{Mode: k, Jobs: busyJobs}, &run)
			})
			if fireErr != nil {
				failures = append(failures, fmt.Errorf("jobs: %w", fireErr))
			}
			out = append(out, row{"B3 Wuye, busy jobs fired at 1/3 of the phase, " + m.name, r, cpu, run.Stats})
			// The jobs as before may keep a create waiting past SQLite's busy
			// timeout: that is the stall measured, not a failure of the run.
			if err := r.Err(); err != nil && k > 0 {
				failures = append(failures, fmt.Errorf("%s on B3 with jobs %s: %w", c.name, m.name, err))
			}
		}
		var rows [][]string
		base := out[0].r.P(0.99)
		for _, o := range out {
			changed, longest, txs, most, commit := 0, time.Duration(0), 0, int64(0), time.Duration(0)
			var took, waited, rested time.Duration
			gave, timedOut, cut, busy := 0, 0, 0, 0
			for _, st := range o.jobs {
				changed += st.Changed
				txs += st.Transactions
				longest = max(longest, st.LongestHold)
				commit = max(commit, st.LongestCommit)
				most = max(most, st.MostRows)
				took += st.Duration
				waited += st.Waited
				rested += st.Rested
				busy += st.BusyRests
				gave += st.GaveWay
				timedOut += st.TimedOut
				cut += st.CutShort
			}
			jobs := "—"
			if o.jobs != nil {
				jobs = fmt.Sprintf("%d records in %d transactions (at most %d rows), longest %.1f ms (commit %.1f); %.1f s in all, gave way %d times (%.1f s, %d ran out), cut %d batches short, rested %.1f s (%d times longer, writes coming in)",
					changed, txs, most, msf(longest), msf(commit), took.Seconds(), gave, waited.Seconds(), timedOut, cut, rested.Seconds(), busy)
			}
			rows = append(rows, []string{o.name, fmt.Sprintf("%s / %s / %s", ms(o.r.P(0.5)), ms(o.r.P(0.95)), ms(o.r.P(0.99))),
				ratio(float64(o.r.P(0.99)), float64(base)), fmt.Sprintf("%.2f", o.cpu), fmt.Sprintf("%d", o.r.Errors), jobs})
			b.Metric(fmt.Sprintf("jobs under load | %s | %s", c.name, o.name), map[string]any{
				"p50_ms": msf(o.r.P(0.5)), "p95_ms": msf(o.r.P(0.95)), "p99_ms": msf(o.r.P(0.99)), "errors": o.r.Errors, "n": o.r.Count,
				"cpu_ms_per_create": o.cpu, "late_starts": o.r.Late,
				"jobs_changed": changed, "jobs_transactions": txs, "jobs_longest_hold_ms": msf(longest), "jobs_longest_commit_ms": msf(commit),
				"jobs_ms": msf(took), "jobs_gave_way": gave, "jobs_waited_ms": msf(waited), "jobs_timed_out": timedOut, "jobs_cut_short": cut, "jobs_rested_ms": msf(rested), "jobs_busy_rests": busy,
			})
			b.Logf("%s at %.0f/s, %s: p99 %s ms, %.2f CPU ms a create, %d errors; jobs: %s", c.name, rate, o.name, ms(o.r.P(0.99)), o.cpu, o.r.Errors, jobs)
		}
		b.Table(fmt.Sprintf("Fixed rate with the jobs running: %s at %.0f/s", c.name, rate),
			[]string{"server", "p50 / p95 / p99 ms", "p99 / B2 p99 (goal ≤ 1.5)", "server CPU ms a create", "errors", "jobs fired (backlog " + fmt.Sprint(backlog) + " complaints + orders)"},
			rows,
			"Fixed rate: each create started on schedule whatever the server does, latency from the scheduled start; each server warmed up first by one unmeasured phase of the same creates. The busy jobs (every 1–15 minutes) run inside the Wuye server, one after another, a third into the phase, as its cron runs them; the phase waits for them to finish.")
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d measurements failed: %v", len(failures), failures)
	}
	return nil
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
