package hooks

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Scheduled jobs: the deadline and flag jobs of every domain are scheduled
// through addJob, which logs them all alike and times their write
// transactions, and work through eachCandidate, which selects what to do in
// pages outside any transaction and writes it in short transactions, each
// record read again inside the one that writes it.

// A jobStep is one task of a scheduled job: its name in the log and what it
// does at the job's instant, returning how many records it changed.
type jobStep struct {
	name string
	run  func(app core.App, at time.Time) (int, error)
}

// jobs are the scheduled jobs by id, as addJob registered them (RunJob runs
// one now: cmd/bench and the tests).
var (
	jobsMu sync.Mutex
	jobs   = map[string][]jobStep{}
)

// addJob schedules steps under id at spec (office time, see Register) once
// the app serves. The steps run in order at one instant, each even when an
// earlier one failed; a failure is logged at ERROR, a step that changed
// records at INFO with their count, and a job that wrote at INFO with its
// write transactions and the longest of them (JobStats).
func addJob(app core.App, id, spec string, steps ...jobStep) {
	jobsMu.Lock()
	jobs[id] = steps
	jobsMu.Unlock()
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.App.Cron().MustAdd(id, spec, oneAtATime(func() { runJob(se.App, id, now(), steps) }, func() {
			se.App.Logger().Info("job still running from its last tick: this tick skipped", slog.String("job", id))
		}))
		return se.Next()
	})
}

// oneAtATime is run for a schedule: a tick that comes while the last one's
// run is still going calls skipped instead. A job with a backlog may run
// past its next tick (its batches give way to the requests and rest), and
// a second run beside it would only work the same records again.
func oneAtATime(run, skipped func()) func() {
	var running atomic.Bool
	return func() {
		if !running.CompareAndSwap(false, true) {
			skipped()
			return
		}
		defer running.Store(false)
		run()
	}
}

// JobIDs lists the ids of the scheduled jobs (sorted).
func JobIDs() []string {
	jobsMu.Lock()
	defer jobsMu.Unlock()
	ids := make([]string, 0, len(jobs))
	for id := range jobs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// RunJob runs the scheduled job id once, as its schedule would at at, and
// returns what it did.
func RunJob(app core.App, id string, at time.Time) (JobStats, error) {
	jobsMu.Lock()
	steps, ok := jobs[id]
	jobsMu.Unlock()
	if !ok {
		return JobStats{}, fmt.Errorf("no job %q", id)
	}
	return runJob(app, id, at, steps), nil
}

// JobStats is what one run of a job did: how long it took, what its steps
// changed, and its write transactions — how many, the rows they wrote
// (SQLite's total_changes: records, events, notifications, deliveries, index
// and trigger rows not counted) and the longest one, from its first
// statement to its commit. While a write transaction is open no request can
// write (SQLite has one writer, PocketBase one write connection), so
// LongestHold is how long the job can keep a request waiting.
type JobStats struct {
	Job          string        `json:"job"`
	Duration     time.Duration `json:"duration"`
	Changed      int           `json:"changed"`
	Rows         int64         `json:"rows"`
	Transactions int           `json:"transactions"`
	LongestHold  time.Duration `json:"longest_hold"`
	MostRows     int64         `json:"most_rows"` // the most rows one transaction wrote
	// LongestCommit is the longest commit of one of its transactions (part
	// of its hold): a commit that ran SQLite's automatic WAL checkpoint
	// copies pages into the database file and syncs it.
	LongestCommit time.Duration `json:"longest_commit"`
	// GaveWay is how many times a batch waited for the write requests in
	// flight (giveWay), Waited how long in all, and TimedOut how many of
	// those waits ran out (jobYieldMax) with a request still in flight.
	GaveWay  int           `json:"gave_way"`
	Waited   time.Duration `json:"waited"`
	TimedOut int           `json:"timed_out"`
	// CutShort is how many batches committed early, after the record
	// they were on, for a write request that came in (writeArrived).
	CutShort int `json:"cut_short"`
	// Rested is the time the job paused after its batches (rest), and
	// BusyRests how many of those pauses were the longer ones of a job
	// that write requests kept coming in on.
	Rested    time.Duration `json:"rested"`
	BusyRests int           `json:"busy_rests"`
	Errors    int           `json:"errors"`
	Error     string        `json:"error,omitempty"` // the first step's error
}

// jobApp is the app as a job's steps see it: every RunInTransaction they
// make is timed into stats. Everything else is the app itself.
type jobApp struct {
	core.App
	mu    sync.Mutex
	stats *JobStats
}

// RunInTransaction runs fn in a write transaction of the app and records
// how long it held it and how many rows it wrote.
func (a *jobApp) RunInTransaction(fn func(tx core.App) error) error {
	asked := time.Now()
	return a.App.RunInTransaction(func(tx core.App) error {
		timed := timeWrite(tx, a.stats.Job, asked, asked)
		start := time.Now()
		before := totalChanges(tx)
		var rows int64
		var worked time.Time
		// Registered first, so it runs first once the transaction has
		// committed (or rolled back): the hold ends there, before the
		// record hooks' after-commit work (realtime broadcasts).
		tx.TxInfo().OnComplete(func(error) error {
			done := time.Now()
			held := done.Sub(start)
			a.mu.Lock()
			a.stats.Transactions++
			a.stats.Rows += rows
			a.stats.LongestHold = max(a.stats.LongestHold, held)
			a.stats.MostRows = max(a.stats.MostRows, rows)
			if !worked.IsZero() {
				a.stats.LongestCommit = max(a.stats.LongestCommit, done.Sub(worked))
			}
			a.mu.Unlock()
			return nil
		})
		err := fn(tx)
		rows = totalChanges(tx) - before
		worked = time.Now()
		timed()
		return err
	})
}

// totalChanges is the rows the transaction's connection has inserted,
// updated or deleted since it opened.
func totalChanges(tx core.App) int64 {
	var n int64
	_ = tx.DB().NewQuery("SELECT total_changes()").Row(&n)
	return n
}

func runJob(app core.App, id string, at time.Time, steps []jobStep) JobStats {
	stats := JobStats{Job: id}
	ja := &jobApp{App: app, stats: &stats}
	start := time.Now()
	for _, s := range steps {
		n, err := s.run(ja, at)
		if err != nil {
			if stats.Errors++; stats.Error == "" {
				stats.Error = s.name + ": " + err.Error()
			}
			app.Logger().Error(s.name, "error", err)
		} else if n > 0 {
			app.Logger().Info(s.name, "count", n)
		}
		stats.Changed += n
	}
	stats.Duration = time.Since(start)
	if stats.Transactions > 0 {
		app.Logger().Info("job", "job", id, "ms", stats.Duration.Milliseconds(), "changed", stats.Changed,
			"rows", stats.Rows, "transactions", stats.Transactions, "longest_hold_ms", float64(stats.LongestHold.Microseconds())/1000,
			"longest_commit_ms", float64(stats.LongestCommit.Microseconds())/1000, "gave_way", stats.GaveWay,
			"waited_ms", stats.Waited.Milliseconds(), "rested_ms", stats.Rested.Milliseconds())
	}
	return stats
}

// daily adapts a job body that works on an office date (YYYY-MM-DD).
func daily(run func(app core.App, day string) (int, error)) func(core.App, time.Time) (int, error) {
	return func(app core.App, at time.Time) (int, error) { return run(app, dayOf(at)) }
}

// jobSelected is called by the flag jobs between their query and their
// write transaction; a test sets it to change a record in that gap.
var jobSelected = func(job string) {}

// jobBatchRows is the most records a job reads in one page and changes in
// one write transaction; jobHold is how long one write transaction of a job
// goes on taking records before it commits and lets the requests waiting to
// write in (the last record it takes may run past it). On the 1M-row
// history a flagged record with its event and notices takes one to a few
// milliseconds, so a batch holds the write lock for a few milliseconds,
// where one transaction for the whole backlog held it for seconds
// (BENCHMARKS.md, "Cron jobs on the 1M-row history").
//
// Between its batches a job run gives way to the requests (giveWay): it
// does not open its next write transaction while an API request that may
// write is in flight (writeGate), waiting at most jobYieldMax for them —
// under a steady stream of writes a job still goes on, one short batch at
// a time —, and after each batch it rests as long as the batch took (at
// most jobRestMax), so that a job takes at most about half of the write
// connection and of a core. While write requests keep coming in it rests
// jobBusyRest times as long (at most jobBusyRestMax), a fifth of the
// connection: a request that comes in while a batch is open waits for the
// record the batch is on, and in a steady stream of requests the share of
// them that do is the share of the time the job holds the connection
// (BENCHMARKS.md, "Cron jobs on the 1M-row history", session 13).
var (
	jobBatchRows   = 100
	jobHold        = 5 * time.Millisecond
	jobYieldMax    = 200 * time.Millisecond
	jobRestMax     = 50 * time.Millisecond
	jobBusyRest    = 4
	jobBusyRestMax = 200 * time.Millisecond
)

// jobWaits is called when a job run finds a write request in flight before
// a batch and starts waiting for it; a test holds the gate and checks that
// nothing was written meanwhile.
var jobWaits = func(job string) {}

// writeGateKey is the app store's key of its writeGate.
const writeGateKey = "wuye_write_gate"

// writeGate counts the API requests in flight that may write (every method
// but GET, HEAD and OPTIONS, the realtime connection's subscription aside):
// from the moment the router takes one until its response is written — the
// time it waits for the write connection and the time it holds it.
type writeGate struct {
	mu      sync.Mutex
	n       int
	idle    chan struct{} // closed while n is 0
	arrived uint64        // requests counted since the app started
}

// writeGateOf is app's gate (one per app, in its store).
func writeGateOf(app core.App) *writeGate {
	return app.Store().GetOrSet(writeGateKey, func() any {
		idle := make(chan struct{})
		close(idle)
		return &writeGate{idle: idle}
	}).(*writeGate)
}

func (g *writeGate) enter() {
	g.mu.Lock()
	if g.n == 0 {
		g.idle = make(chan struct{})
	}
	g.n++
	g.arrived++
	g.mu.Unlock()
}

func (g *writeGate) leave() {
	g.mu.Lock()
	if g.n--; g.n == 0 {
		close(g.idle)
	}
	g.mu.Unlock()
}

// idleCh is closed once no write request is in flight.
func (g *writeGate) idleCh() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.idle
}

// arrivals is how many write requests have come in since the app started.
func (g *writeGate) arrivals() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.arrived
}

// InFlightWrites is how many API requests that may write are in flight
// (cmd/bench reports it).
func InFlightWrites(app core.App) int {
	g := writeGateOf(app)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// countWrites is the router middleware that keeps the app's writeGate:
// every request that may write is counted while it runs.
func countWrites(e *core.RequestEvent) error {
	switch e.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return e.Next()
	}
	if e.Request.URL.Path == "/api/realtime" {
		return e.Next()
	}
	g := writeGateOf(e.App)
	g.enter()
	defer g.leave()
	markArrived(e)
	return e.Next()
}

// CountWritesID is the id of the router middleware that counts the write
// requests (countWrites): a route that runs jobs itself (cmd/bench's)
// unbinds it, or its jobs would wait for their own request.
const CountWritesID = "wuyeCountWrites"

// registerWriteGate counts the write requests for the jobs' giveWay. First
// of all the middlewares, so that a request is counted while the others
// run too.
func registerWriteGate(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: CountWritesID, Func: countWrites, Priority: -10000})
		return se.Next()
	})
}

// giveWay, in a job run (app a *jobApp), waits before a batch while a write
// request is in flight, at most jobYieldMax; outside a job run (a function
// of a job called by a request or a command) it does not wait.
func giveWay(app core.App, job string) {
	ja, ok := app.(*jobApp)
	if !ok || jobYieldMax <= 0 {
		return
	}
	idle := writeGateOf(ja.App).idleCh()
	select {
	case <-idle:
		return
	default:
	}
	start := time.Now()
	jobWaits(job)
	timer := time.NewTimer(jobYieldMax)
	timedOut := false
	select {
	case <-idle:
	case <-timer.C:
		timedOut = true
	}
	timer.Stop()
	ja.mu.Lock()
	ja.stats.GaveWay++
	ja.stats.Waited += time.Since(start)
	if timedOut {
		ja.stats.TimedOut++
	}
	ja.mu.Unlock()
}

// rest, in a job run, pauses after a batch as long as it took (at most
// jobRestMax), so that a job takes at most about half of the write lock's
// time while it runs; busy (write requests came in since the last rest):
// jobBusyRest times as long, at most jobBusyRestMax.
//
// The pause once began with a passive WAL checkpoint, to leave the next
// commit little to copy. It made the requests slower, not faster: the
// checkpoint copies the batch's pages into the database file and syncs it,
// and a request's commit waits on that disk while it runs. Work-order
// creates at 50 a second with the jobs running had p99 162 ms with it and
// 16.8 ms without (BENCHMARKS.md, "Cron jobs on the 1M-row history"); the
// server's own checkpointer (startWALCheckpointer) keeps the log short.
func rest(app core.App, took time.Duration, busy bool) {
	ja, ok := app.(*jobApp)
	if !ok || jobRestMax <= 0 {
		return
	}
	d := min(took, jobRestMax)
	if busy {
		d = min(took*time.Duration(jobBusyRest), jobBusyRestMax)
	}
	time.Sleep(d)
	ja.mu.Lock()
	ja.stats.Rested += d
	if busy {
		ja.stats.BusyRests++
	}
	ja.mu.Unlock()
}

// eachCandidate works a job through what its query selects: the records of
// collection matching where, in pages of jobBatchRows by id (keyset: each
// page after the last id of the one before), each page read outside any
// transaction and written in short transactions (at most jobBatchRows
// records, about jobHold each). judge gets each record as stored now, read
// again inside the transaction that writes it, and the copy the page read
// (then); it reports whether it acted, and eachCandidate counts those of the
// transactions that committed. job names the job to jobSelected, called
// between each page's query and its writes.
//
// A record the judge leaves alone is not selected again in this run (the
// keyset moves past it), so a run always ends; the next run judges it again.
func eachCandidate(app core.App, job, collection string, where dbx.Expression, judge func(tx core.App, r, then *core.Record) (bool, error)) (int, error) {
	acted := 0
	after := ""
	for {
		var page []*core.Record
		err := app.RecordQuery(collection).
			AndWhere(where).
			AndWhere(dbx.NewExp("[["+collection+".id]] > {:after}", dbx.Params{"after": after})).
			OrderBy(collection + ".id").Limit(int64(jobBatchRows)).All(&page)
		if err != nil {
			return acted, fmt.Errorf("%s: select %s: %w", job, collection, err)
		}
		if len(page) == 0 {
			return acted, nil
		}
		after = page[len(page)-1].Id
		jobSelected(job)
		n, err := inBatchesOf(app, job, len(page), func(tx core.App, i int) (bool, error) {
			r, err := tx.FindRecordById(collection, page[i].Id)
			if err != nil {
				return false, fmt.Errorf("re-read %s %s: %w", collection, page[i].Id, err)
			}
			return judge(tx, r, page[i])
		})
		acted += n
		if err != nil {
			return acted, err
		}
		if len(page) < jobBatchRows {
			return acted, nil
		}
	}
}

// writeArrived, in a job run, reports whether a write request has come in
// since its batch began (or was there when it began and the wait ran out):
// the batch then commits after the record it is on rather than after
// jobHold, so that the request waits for one record's writes, not for the
// rest of the batch. Outside a job run it is false.
func writeArrived(app core.App) bool {
	ja, ok := app.(*jobApp)
	if !ok || jobYieldMax <= 0 {
		return false
	}
	select {
	case <-writeGateOf(ja.App).idleCh():
		return false
	default:
	}
	ja.mu.Lock()
	ja.stats.CutShort++
	ja.mu.Unlock()
	return true
}

// holdCheckpoints, in a job run, keeps the server's checkpointer from
// running until unlock is called (see checkpointGateOf); outside a job run
// it does nothing.
func holdCheckpoints(app core.App) (unlock func()) {
	ja, ok := app.(*jobApp)
	if !ok {
		return func() {}
	}
	gate := checkpointGateOf(ja.App)
	gate.Lock()
	return gate.Unlock
}

// inBatches runs do for the items 0 … n-1 in order, in write transactions
// of at most jobBatchRows items that each take items for about jobHold and
// then commit, so that requests get to write between them. do reports
// whether it acted on item i; inBatches counts those of the transactions
// that committed, and stops at the first error (its transaction rolled back).
//
// In a job run each transaction waits for the write requests in flight
// (giveWay) and is followed by a rest as long as it took (rest).
func inBatches(app core.App, n int, do func(tx core.App, i int) (bool, error)) (int, error) {
	return inBatchesOf(app, "", n, do)
}

// inBatchesOf is inBatches for the job named job (jobWaits).
func inBatchesOf(app core.App, job string, n int, do func(tx core.App, i int) (bool, error)) (int, error) {
	acted := 0
	gate := writeGateOf(app)
	seen := gate.arrivals()
	for next := 0; next < n; {
		taken, k := 0, 0
		giveWay(app, job)
		began := time.Now()
		unlock := holdCheckpoints(app)
		err := app.RunInTransaction(func(tx core.App) error {
			start := time.Now()
			taken, k = 0, 0
			for i := next; i < n && taken < jobBatchRows; i++ {
				if taken > 0 && (time.Since(start) > jobHold || writeArrived(app)) {
					break
				}
				ok, err := do(tx, i)
				if err != nil {
					return err
				}
				taken++
				if ok {
					k++
				}
			}
			return nil
		})
		unlock()
		if err != nil {
			return acted, err
		}
		acted += k
		next += taken
		arrived := gate.arrivals()
		rest(app, time.Since(began), arrived != seen)
		seen = arrived
	}
	return acted, nil
}

// SetJobBatch sets the most records a job changes in one write transaction
// and how long one goes on taking records (cmd/bench measures the jobs as
// they were, in one transaction, and as they are; the tests make batches of
// a few records) and returns the function that puts the defaults back.
func SetJobBatch(rows int, hold time.Duration) (restore func()) {
	prevRows, prevHold := jobBatchRows, jobHold
	jobBatchRows, jobHold = rows, hold
	return func() { jobBatchRows, jobHold = prevRows, prevHold }
}

// SetJobGiveWay sets how long a job run waits at most for the write
// requests in flight before a batch and how long it rests at most after one
// (0: not at all; cmd/bench measures the batches of the round before, which
// did neither) and returns the function that puts the defaults back.
func SetJobGiveWay(yieldMax, restMax time.Duration) (restore func()) {
	prevYield, prevRest := jobYieldMax, jobRestMax
	jobYieldMax, jobRestMax = yieldMax, restMax
	return func() { jobYieldMax, jobRestMax = prevYield, prevRest }
}

// flagOnce sets the flag field of each record of collection matching where,
// records action for it and, when notify is set, tells whom it concerns —
// each record's flag, event and notices in one transaction, the records in
// batches (eachCandidate). where selects only unflagged records, so a breach
// is flagged once. It returns how many it flagged.
// The records were selected before this write: one changed since (an order
// dispatched, a key returned) is left for the next run to judge again.
// The record, read again in the transaction, is saved with its flag and
// updated columns alone (saveChangedColumns), not validated again: a
// flag is all the job changes. PocketBase's save writes every column, and
// SQLite then rewrites the record's entry in each of the table's indexes
// (15 for a complaint, 13 for a work order), on the 1M-row history on
// pages all over the file: the busy jobs took 1.6 × the time and processor
// for the same work (BENCHMARKS.md, "Cron jobs on the 1M-row history",
// session 22). FlagOverdueComplaints saves so too.
func flagOnce(app core.App, job, collection string, where dbx.Expression, flag, action string, notify func(tx core.App, r *core.Record) error) (int, error) {
	return eachCandidate(app, job, collection, where, func(tx core.App, r, then *core.Record) (bool, error) {
		if r.GetString("updated") != then.GetString("updated") || r.GetBool(flag) {
			return false, nil
		}
		r.Set(flag, true)
		if err := saveChangedColumns(tx, r); err != nil {
			return false, fmt.Errorf("flag %s %s: %w", flag, r.Id, err)
		}
		if err := RecordEvent(tx, Event{Subject: r, Action: action}); err != nil {
			return false, err
		}
		if notify != nil {
			return true, notify(tx, r)
		}
		return true, nil
	})
}
