package hooks_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// TestPatrolFigureCountsOutstandingMissed: the dashboard's patrol figure
// counts what the rounds screen lists. A missed patrol counts against the
// figure whatever month it was due in, until a later patrol of the unit
// makes it up; a made-up patrol is recorded as late (made_up), never as
// done on time, and leaves the rounds screen and the escalation job. All
// on explicit dates in March 2025 in 银杏苑 (the demo's own tasks removed).
func TestPatrolFigureCountsOutstandingMissed(t *testing.T) {
	app := testapp.New(t)
	sh := workcal.Shanghai
	yx := testapp.ID(t, "community:YX")
	if _, err := app.DB().Delete("patrol_tasks", dbx.HashExp{"community": yx}).Execute(); err != nil {
		t.Fatal(err)
	}
	a402, a202 := testapp.ID(t, "unit:A-402"), testapp.ID(t, "unit:A-202") // vacant, handed over
	col, _ := app.FindCollectionByNameOrId("patrol_tasks")
	task := func(unit, kind, period, due, status string) *core.Record {
		t.Helper()
		r := core.NewRecord(col)
		for k, v := range map[string]any{"community": yx, "unit": unit, "kind": kind, "period": period, "due_on": due, "status": status} {
			r.Set(k, v)
		}
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	feb := task(a402, "weekly", "2025-W08", "2025-02-23", "missed") // carried over into March
	mar2 := task(a402, "weekly", "2025-W09", "2025-03-02", "missed")
	mar9 := task(a402, "weekly", "2025-W10", "2025-03-09", "open") // past its day, not flagged yet
	mar16 := task(a402, "weekly", "2025-W11", "2025-03-16", "open")
	other := task(a202, "weekly", "2025-W10", "2025-03-09", "open") // patrolled late, before the job ran
	febDone := task(a202, "weekly", "2025-W08", "2025-02-23", "done")

	at := time.Date(2025, 3, 12, 10, 0, 0, 0, sh) // a Wednesday
	restore := hooks.SetNow(func() time.Time { return at })
	defer restore()
	figure := func(month time.Time) hooks.PatrolCoverage {
		t.Helper()
		d, err := hooks.Dashboard(app, yx, month, at)
		if err != nil {
			t.Fatal(err)
		}
		return d.Patrols
	}
	march := time.Date(2025, 3, 1, 0, 0, 0, 0, sh)
	want := func(name string, got hooks.PatrolCoverage, w hooks.PatrolCoverage) {
		t.Helper()
		w.Coverage = got.Coverage
		if got != w {
			t.Errorf("%s: got %+v\nwant %+v", name, got, w)
		}
	}
	// Due: Mar 2 missed, Mar 9 (both units) past their day, Feb 23 carried
	// over; none done.
	p := figure(march)
	want("before any patrol", p, hooks.PatrolCoverage{Planned: 4, Due: 4, Missed: 3, Open: 1, CarriedOver: 1, Outstanding: 4})
	if p.Coverage != 0.0 {
		t.Errorf("coverage %v, want 0", p.Coverage)
	}

	// The nightly job flags what the figure already counts; the rounds
	// screen's missed tasks (status missed, any month) are then the
	// figure's outstanding ones.
	if _, err := hooks.FlagMissedPatrols(app, "2025-03-12"); err != nil {
		t.Fatal(err)
	}
	missed, _ := app.CountRecords("patrol_tasks", dbx.HashExp{"community": yx, "status": "missed"})
	if p := figure(march); int(missed) != p.Outstanding || p.Outstanding != 4 {
		t.Errorf("the rounds screen lists %d missed, the figure %d outstanding", missed, p.Outstanding)
	}

	// A patrol of A-402 on the 12th makes up its three missed weeks (late)
	// and does the week due on the 16th (on time).
	manager := staffRec(t, app, "supervisor.yx@example.com")
	patrol := func(unit string) {
		t.Helper()
		pc, _ := app.FindCollectionByNameOrId("vacancy_patrols")
		r := core.NewRecord(pc)
		for k, v := range map[string]any{"unit": unit, "kind": "weekly", "hygiene": true, "security": true,
			"doors_windows": true, "no_leaks": true, "structure": true, "fittings": true} {
			r.Set(k, v)
		}
		if err := hooks.RecordPatrol(app, r, manager); err != nil {
			t.Fatal(err)
		}
	}
	patrol(a402)
	for _, c := range []struct {
		r    *core.Record
		want string
	}{{feb, "made_up"}, {mar2, "made_up"}, {mar9, "made_up"}, {mar16, "done"}, {other, "missed"}, {febDone, "done"}} {
		got, _ := app.FindRecordById("patrol_tasks", c.r.Id)
		if got.GetString("status") != c.want || (c.want == "made_up") != (got.GetString("patrol") != "" && c.r.Id != mar16.Id) {
			t.Errorf("task due %s (%s) is %s (patrol %q), want %s", c.r.GetString("due_on"), c.r.GetString("unit"),
				got.GetString("status"), got.GetString("patrol"), c.want)
		}
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"community": yx, "subject_collection": "patrol_tasks", "action": "status", "to": "made_up"}); n != 3 {
		t.Errorf("%d made-up events, want 3", n)
	}
	// February's made-up task leaves March's figure; March's two are late.
	want("after the make-up", figure(march), hooks.PatrolCoverage{Planned: 4, Due: 4, Done: 1, MadeUp: 2, Missed: 1, Outstanding: 1})
	want("February", figure(time.Date(2025, 2, 1, 0, 0, 0, 0, sh)), hooks.PatrolCoverage{Planned: 2, Due: 2, Done: 1, MadeUp: 1})

	// A task patrolled after its day but before the job flagged it is late
	// too, not on time.
	mar9b := task(a202, "weekly", "2025-W11", "2025-03-16", "open")
	if _, err := app.DB().Update("patrol_tasks", dbx.Params{"status": "open"}, dbx.HashExp{"id": other.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	patrol(a202)
	for id, want := range map[string]string{other.Id: "made_up", mar9b.Id: "done"} {
		if got, _ := app.FindRecordById("patrol_tasks", id); got.GetString("status") != want {
			t.Errorf("A-202's task due %s is %s, want %s", got.GetString("due_on"), got.GetString("status"), want)
		}
	}
	p = figure(march)
	want("all made up", p, hooks.PatrolCoverage{Planned: 5, Due: 5, Done: 2, MadeUp: 3})
	if p.Coverage != 0.4 {
		t.Errorf("coverage %v, want 2 of 5 on time", p.Coverage)
	}
	// Nothing is left for the missed-patrol job to flag or escalate
	// ("超过一天未补").
	notices := func() int64 {
		n, _ := app.CountRecords("notifications", dbx.NewExp("kind LIKE 'patrol_missed%'"))
		return n
	}
	before := notices()
	if n, err := hooks.FlagMissedPatrols(app, "2025-03-20"); err != nil || n != 0 || notices() != before {
		t.Errorf("the job flagged %d and sent %d notices after the make-up (%v)", n, notices()-before, err)
	}
}
