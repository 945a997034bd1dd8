package hooks

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
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
		se.App.Cron().MustAdd(id, spec, func() { runJob(se.App, id, now(), steps) })
		return se.Next()
	})
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
	Errors       int           `json:"errors"`
	Error        string        `json:"error,omitempty"` // the first step's error
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
	return a.App.RunInTransaction(func(tx core.App) error {
		start := time.Now()
		before := totalChanges(tx)
		var rows int64
		// Registered first, so it runs first once the transaction has
		// committed (or rolled back): the hold ends there, before the
		// record hooks' after-commit work (realtime broadcasts).
		tx.TxInfo().OnComplete(func(error) error {
			held := time.Since(start)
			a.mu.Lock()
			a.stats.Transactions++
			a.stats.Rows += rows
			a.stats.LongestHold = max(a.stats.LongestHold, held)
			a.stats.MostRows = max(a.stats.MostRows, rows)
			a.mu.Unlock()
			return nil
		})
		err := fn(tx)
		rows = totalChanges(tx) - before
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
			"rows", stats.Rows, "transactions", stats.Transactions, "longest_hold_ms", float64(stats.LongestHold.Microseconds())/1000)
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
// history a flagged record with its event and notices takes about a
// millisecond, so a batch holds the write lock for some tens of
// milliseconds at most, where one transaction for the whole backlog held it
// for seconds (BENCHMARKS.md, "Cron jobs on the 1M-row history").
var (
	jobBatchRows = 100
	jobHold      = 25 * time.Millisecond
)

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
		n, err := inBatches(app, len(page), func(tx core.App, i int) (bool, error) {
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

// inBatches runs do for the items 0 … n-1 in order, in write transactions
// of at most jobBatchRows items that each take items for about jobHold and
// then commit, so that requests get to write between them. do reports
// whether it acted on item i; inBatches counts those of the transactions
// that committed, and stops at the first error (its transaction rolled back).
func inBatches(app core.App, n int, do func(tx core.App, i int) (bool, error)) (int, error) {
	acted := 0
	for next := 0; next < n; {
		taken, k := 0, 0
		err := app.RunInTransaction(func(tx core.App) error {
			start := time.Now()
			taken, k = 0, 0
			for i := next; i < n && taken < jobBatchRows; i++ {
				if taken > 0 && time.Since(start) > jobHold {
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
		if err != nil {
			return acted, err
		}
		acted += k
		next += taken
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

// flagOnce sets the flag field of each record of collection matching where,
// records action for it and, when notify is set, tells whom it concerns —
// each record's flag, event and notices in one transaction, the records in
// batches (eachCandidate). where selects only unflagged records, so a breach
// is flagged once. It returns how many it flagged.
// The records were selected before this write and a save writes the whole
// record: one changed since (an order dispatched, a key returned) is left
// for the next run to judge again, rather than put back as it was read.
func flagOnce(app core.App, job, collection string, where dbx.Expression, flag, action string, notify func(tx core.App, r *core.Record) error) (int, error) {
	return eachCandidate(app, job, collection, where, func(tx core.App, r, then *core.Record) (bool, error) {
		if r.GetString("updated") != then.GetString("updated") || r.GetBool(flag) {
			return false, nil
		}
		r.Set(flag, true)
		if err := tx.Save(r); err != nil {
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
