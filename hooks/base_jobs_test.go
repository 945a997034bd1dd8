package hooks_test

import (
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// The flag jobs query first and write after, in their own transaction; a
// complaint answered or closed, or a patrol signed in, in between must be
// judged as it is then, not as the query saw it. The jobSelected seam makes
// the change land exactly in that gap (the in-process race tests of
// internal/faults time the same gap with a held write transaction).

// TestOverdueComplaintJobRereads: a complaint closed as invalid, or
// replied, between the deadline job's query and its write keeps its new
// status, is not flagged and nobody is told it is late.
func TestOverdueComplaintJobRereads(t *testing.T) {
	app := testapp.New(t)
	desk := staffRec(t, app, "frontdesk@example.com")
	filed := time.Date(2025, 9, 30, 10, 0, 0, 0, workcal.Shanghai)
	file := func() *core.Record {
		restore := hooks.SetNow(func() time.Time { return filed })
		defer restore()
		return fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "other", nil)
	}
	advance := func(c *core.Record, to string, fields map[string]any) {
		t.Helper()
		if _, err := hooks.AdvanceComplaint(app, c.Id, desk, to, fields); err != nil {
			t.Fatalf("%s: %v", to, err)
		}
	}
	cases := []struct {
		name      string
		at        time.Time // when the job runs: the breach has happened
		before    func(c *core.Record)
		meanwhile func(c *core.Record)
		want      string
	}{
		{
			name:      "closed as invalid before its first response was flagged",
			at:        time.Date(2025, 10, 9, 10, 1, 0, 0, workcal.Shanghai), // 24 working hours after filing
			meanwhile: func(c *core.Record) { advance(c, "invalid", map[string]any{"invalid_reason": "重复投诉"}) },
			want:      "invalid",
		},
		{
			name: "replied before its reply was flagged",
			at:   time.Date(2025, 10, 10, 10, 1, 0, 0, workcal.Shanghai), // two working days after filing
			before: func(c *core.Record) {
				advance(c, "assigned", map[string]any{"handler": staffRec(t, app, "tech1@example.com").Id})
				advance(c, "processing", nil)
			},
			meanwhile: func(c *core.Record) { advance(c, "replied", map[string]any{"result": "已修复"}) },
			want:      "replied",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := file()
			if tc.before != nil {
				tc.before(c)
			}
			changed := false
			restore := hooks.SetJobSelected(func(job string) {
				if job == "complaint_deadlines" && !changed {
					changed = true
					tc.meanwhile(c)
				}
			})
			defer restore()
			n, err := hooks.FlagOverdueComplaints(app, tc.at)
			if err != nil || !changed {
				t.Fatalf("job: %v (changed meanwhile: %v)", err, changed)
			}
			stored, err := app.FindRecordById("complaints", c.Id)
			if err != nil {
				t.Fatal(err)
			}
			if stored.GetString("status") != tc.want || stored.GetBool("first_response_overdue") || stored.GetBool("reply_overdue") {
				t.Fatalf("after the job: status %s (want %s), first response overdue %v, reply overdue %v",
					stored.GetString("status"), tc.want, stored.GetBool("first_response_overdue"), stored.GetBool("reply_overdue"))
			}
			if k, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "complaint_overdue", "subject_id": c.Id}); k != 0 || n != 0 {
				t.Fatalf("%d overdue notices sent, %d complaints flagged, for a complaint dealt with in time", k, n)
			}
			if k, _ := app.CountRecords("events", dbx.HashExp{"subject_id": c.Id},
				dbx.NewExp("action LIKE 'overdue_%'")); k != 0 {
				t.Fatalf("%d overdue events recorded", k)
			}
		})
	}
}

// TestMissedPatrolJobRereads: a patrol signed in between the missed-patrol
// job's query and its write keeps its task done; the area manager is not
// told it was missed. A task that really was missed is still flagged.
func TestMissedPatrolJobRereads(t *testing.T) {
	app := testapp.New(t)
	unit := testapp.ID(t, "unit:2-104")
	day := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	if _, err := hooks.PlanPatrols(app, day); err != nil {
		t.Fatal(err)
	}
	task, err := app.FindFirstRecordByFilter("patrol_tasks", "unit={:u} && kind='weekly' && status='open'", dbx.Params{"u": unit})
	if err != nil {
		t.Fatal(err)
	}
	// Another open task due by then, left alone: the job must still flag it.
	other, err := app.FindFirstRecordByFilter("patrol_tasks", "unit!={:u} && status='open' && due_on<={:d}",
		dbx.Params{"u": unit, "d": task.GetString("due_on")})
	if err != nil {
		t.Fatal(err)
	}
	after := civilDate(task.GetString("due_on")).AddDate(0, 0, 1).Format(time.DateOnly)
	manager := staffRec(t, app, "areamgr@example.com")
	col, _ := app.FindCollectionByNameOrId("vacancy_patrols")
	patrolled := false
	restore := hooks.SetJobSelected(func(job string) {
		if job != "missed_patrols" || patrolled {
			return
		}
		patrolled = true
		p := core.NewRecord(col)
		for k, v := range map[string]any{"unit": unit, "kind": "weekly", "hygiene": true, "security": true,
			"doors_windows": true, "no_leaks": true, "structure": true, "fittings": true} {
			p.Set(k, v)
		}
		if err := hooks.RecordPatrol(app, p, manager); err != nil {
			t.Errorf("patrol: %v", err)
		}
	})
	defer restore()
	if _, err := hooks.FlagMissedPatrols(app, after); err != nil || !patrolled {
		t.Fatalf("job: %v (patrolled meanwhile: %v)", err, patrolled)
	}
	stored, _ := app.FindRecordById("patrol_tasks", task.Id)
	if stored.GetString("status") != "done" || stored.GetString("patrol") == "" {
		t.Fatalf("the task patrolled meanwhile is %s (patrol %q) after the job", stored.GetString("status"), stored.GetString("patrol"))
	}
	if k, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "patrol_missed", "subject_id": task.Id}); k != 0 {
		t.Fatalf("%d missed-patrol notices for a task patrolled in time", k)
	}
	if o, _ := app.FindRecordById("patrol_tasks", other.Id); o.GetString("status") != "missed" {
		t.Fatalf("a task nobody patrolled is %s after the job", o.GetString("status"))
	}
}

// TestMissedInspectionJobRereads: a site inspected between the evening
// job's query and its write is not reported as missed, and its manager is
// not told so; a site nobody inspected still is.
func TestMissedInspectionJobRereads(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	r := permittedRenovation(t, app)
	today := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	var others []string
	if err := app.DB().NewQuery("SELECT id FROM renovations WHERE status = 'permitted' AND id != {:id}").
		Bind(dbx.Params{"id": r.Id}).Column(&others); err != nil {
		t.Fatal(err)
	}
	inspected := false
	restore := hooks.SetJobSelected(func(job string) {
		if job != "missed_inspections" || inspected {
			return
		}
		inspected = true
		checks := `"permit_posted":true,"working_hours_kept":true,"within_scope":true,"debris_cleared":true,"corridor_doors_closed":true,"no_open_flame":true,"wiring_safe":true`
		if code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_inspections/records",
			`{"renovation":"`+r.Id+`",`+checks+`,"extinguishers":2}`, "areamgr@example.com"); code != 200 {
			t.Errorf("inspection: %d %s", code, body)
		}
	})
	defer restore()
	n, err := hooks.FlagMissedInspections(app, today)
	if err != nil || !inspected {
		t.Fatalf("job: %v (inspected meanwhile: %v)", err, inspected)
	}
	if k, _ := app.CountRecords("events", dbx.HashExp{"action": "missed_inspection", "subject_id": r.Id}); k != 0 {
		t.Fatalf("the site inspected meanwhile was reported missed (%d events)", k)
	}
	if k, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "renovation_missed_inspection", "subject_id": r.Id}); k != 0 {
		t.Fatalf("%d missed-inspection notices for a site inspected in time", k)
	}
	if n != len(others) {
		t.Fatalf("%d sites reported, want the %d nobody inspected", n, len(others))
	}
	for _, id := range others {
		if k, _ := app.CountRecords("events", dbx.HashExp{"action": "missed_inspection", "subject_id": id}); k != 1 {
			t.Fatalf("a site nobody inspected has %d missed-inspection events", k)
		}
	}
}

// TestScheduledJobs: once the app serves, every scheduled job of Wuye is on
// the cron at its time (office time, see hooks.Register) — the table of
// docs/DESIGN.md's deadlines and registers.
func TestScheduledJobs(t *testing.T) {
	app := testapp.New(t)
	rt, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: rt}, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"wuye_complaint_deadlines": "*/5 * * * *",
		"wuye_work_order_replies":  "* * * * *",
		"wuye_work_order_revisits": "10 0 * * *",
		"wuye_arrears":             "0 8 * * *",
		"wuye_end_links":           "1 0 * * *",
		"wuye_renovation_reviews":  "*/10 * * * *",
		"wuye_missed_inspections":  "0 18 * * *",
		"wuye_patrol_tasks":        "5 0 * * *",
		"wuye_key_loans":           "*/15 * * * *",
		"wuye_online_reconcile":    "30 2 * * *",
		"wuye_outbox":              "* * * * *",
		// Notices announced when they start, and fan-outs a restart cut short (hooks/base_fanout.go).
		"wuye_fanouts":          "* * * * *",
		"wuye_incident_reports": "*/15 * * * *",
		"wuye_lost_items":       "0 8 * * *",
		"wuye_goods_passes":     "5 0 * * *",
		// Construction water and electricity from the readings, on the 15th ([001] 中汇广场 十 (一) 2).
		"wuye_renovation_utilities": "30 6 15 * *",
	}
	got := map[string]string{}
	for _, j := range app.Cron().Jobs() {
		if strings.HasPrefix(j.Id(), "wuye_") {
			got[j.Id()] = j.Expression()
		}
	}
	if !maps.Equal(got, want) {
		t.Fatalf("scheduled jobs:\n got %v\nwant %v", got, want)
	}
}

// A test's app serves without the cron scheduler running: the jobs would
// otherwise fire on the wall clock's minutes in the middle of a test.
func TestTestAppsRunNoScheduler(t *testing.T) {
	app := testapp.New(t)
	app.Cron().SetInterval(5 * time.Millisecond) // the ticker starts at the next 5 ms, not the next minute
	testapp.Handler(t, app)
	time.Sleep(50 * time.Millisecond)
	if app.Cron().HasStarted() || app.Cron().Total() == 0 {
		t.Fatalf("scheduler started %v with %d jobs; want stopped, with the jobs registered", app.Cron().HasStarted(), app.Cron().Total())
	}
}
