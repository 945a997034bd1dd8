package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Scheduled jobs: the deadline and flag jobs of every domain are scheduled
// through addJob, which logs them all alike, and write through eachAgain,
// which re-reads what the job's query selected inside the write transaction.

// A jobStep is one task of a scheduled job: its name in the log and what it
// does at the job's instant, returning how many records it changed.
type jobStep struct {
	name string
	run  func(app core.App, at time.Time) (int, error)
}

// addJob schedules steps under id at spec (office time, see Register) once
// the app serves. The steps run in order at one instant, each even when an
// earlier one failed; a failure is logged at ERROR, a step that changed
// records at INFO with their count.
func addJob(app core.App, id, spec string, steps ...jobStep) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.App.Cron().MustAdd(id, spec, func() { runJob(se.App, now(), steps) })
		return se.Next()
	})
}

func runJob(app core.App, at time.Time, steps []jobStep) {
	for _, s := range steps {
		n, err := s.run(app, at)
		if err != nil {
			app.Logger().Error(s.name, "error", err)
		} else if n > 0 {
			app.Logger().Info(s.name, "count", n)
		}
	}
}

// daily adapts a job body that works on an office date (YYYY-MM-DD).
func daily(run func(app core.App, day string) (int, error)) func(core.App, time.Time) (int, error) {
	return func(app core.App, at time.Time) (int, error) { return run(app, dayOf(at)) }
}

// jobSelected is called by the flag jobs between their query and their
// write transaction; a test sets it to change a record in that gap.
var jobSelected = func(job string) {}

// flagOnce sets the flag field of each record, records action for it and,
// when notify is set, tells whom it concerns — all in one transaction. The
// callers select only unflagged records, so a breach is flagged once.
// The records were selected before this write and a save writes the whole
// record: one changed since (an order dispatched, a key returned) is left
// for the next run to judge again, rather than put back as it was read.
func flagOnce(app core.App, records []*core.Record, flag, action string, notify func(tx core.App, r *core.Record) error) error {
	stamps := make(map[string]string, len(records))
	for _, r := range records {
		stamps[r.Id] = r.GetString("updated")
	}
	return app.RunInTransaction(func(tx core.App) error {
		_, err := eachAgain(tx, records, func(r *core.Record) (bool, error) {
			if r.GetString("updated") != stamps[r.Id] {
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
		return err
	})
}

// eachAgain is the jobs' re-read: a job's query runs before its write
// transaction, and a record it selected may be answered, closed, returned or
// flagged meanwhile. Inside the transaction tx, eachAgain reads each selected
// record again and hands judge the copy as stored now — saving the copy read
// before would put such a change back, and flag what no longer holds. judge
// reports whether it acted; eachAgain counts those.
func eachAgain(tx core.App, selected []*core.Record, judge func(r *core.Record) (bool, error)) (int, error) {
	acted := 0
	for _, s := range selected {
		r, err := tx.FindRecordById(s.Collection(), s.Id)
		if err != nil {
			return acted, fmt.Errorf("re-read %s %s: %w", s.Collection().Name, s.Id, err)
		}
		ok, err := judge(r)
		if err != nil {
			return acted, err
		}
		if ok {
			acted++
		}
	}
	return acted, nil
}
