package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// threeNotices takes bill b (due 2026-01-10) through the three notices,
// each delivered the day it is issued (the final one on 2026-02-02).
func threeNotices(t *testing.T, app core.App, b *core.Record) {
	t.Helper()
	mgr := staffRec(t, app, "areamgr@example.com")
	for _, s := range []struct{ day, stage string }{{"2026-01-11", "1"}, {"2026-01-22", "2"}, {"2026-02-02", "3"}} {
		if _, err := hooks.IssueReminders(app, s.day); err != nil {
			t.Fatal(err)
		}
		r, err := app.FindFirstRecordByFilter("reminders", "bill={:b} && stage={:s}", dbx.Params{"b": b.Id, "s": s.stage})
		if err != nil {
			t.Fatalf("notice %s on %s: %v", s.stage, s.day, err)
		}
		if err := hooks.DeliverReminder(app, r, mgr, civilDate(s.day).Add(2*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
	}
}

// escalate takes bill b (due 2026-01-10) through the three notices, each
// delivered the day it is issued, to the home visits on 2026-02-13, and
// returns the area manager's visit.
func escalate(t *testing.T, app core.App, b *core.Record) *core.Record {
	t.Helper()
	threeNotices(t, app, b)
	if _, err := hooks.IssueReminders(app, "2026-02-13"); err != nil {
		t.Fatal(err)
	}
	v, err := app.FindFirstRecordByFilter("arrears_visits", "bill={:b} && step='area_manager'", dbx.Params{"b": b.Id})
	if err != nil {
		t.Fatalf("no area manager's visit after the final notice: %v", err)
	}
	return v
}

// at runs the rest of the test with the clock on day (YYYY-MM-DD) at 10:00 in Shanghai.
func at(t *testing.T, day string) {
	t.Helper()
	restore := hooks.SetNow(func() time.Time { return civilDate(day).Add(2 * time.Hour) })
	t.Cleanup(restore)
}

func visitSteps(t *testing.T, app core.App, b *core.Record) []string {
	t.Helper()
	vs, err := app.FindRecordsByFilter("arrears_visits", "bill={:b}", "created", 0, 0, dbx.Params{"b": b.Id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		out = append(out, v.GetString("step"))
	}
	return out
}

func visitNotices(t *testing.T, app core.App, v *core.Record, who string) int64 {
	t.Helper()
	n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "arrears_visit", "subject_id": v.Id,
		"recipient_staff": testapp.ID(t, "staff:"+who)})
	return n
}

// TestArrearsVisitsOneStepAtATime: after the final notice the area manager
// visits; if that does not settle it the supervisor (助理) goes in person;
// still refused, the director takes it up ([000] 管理员 4.1.3.2–4.1.3.4,
// [002] 四 4.1.3). Each step is its visitor's task; the next one comes only
// once the previous visit's outcome is recorded and its deadline has passed
// unpaid; an open visit (not made, or nobody home) holds the ladder.
func TestArrearsVisitsOneStepAtATime(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	b := billed(t, app)[0]
	v := escalate(t, app, b)
	url := "/api/collections/arrears_visits/records/"
	if v.GetString("assignee") != testapp.ID(t, "staff:areamgr@example.com") || visitNotices(t, app, v, "areamgr@example.com") != 1 ||
		visitNotices(t, app, v, "supervisor@example.com") != 0 || visitNotices(t, app, v, "director@example.com") != 0 {
		t.Fatalf("the first visit is the area manager's alone: %v", v.FieldsData())
	}
	run := func(day string) {
		t.Helper()
		if _, err := hooks.IssueReminders(app, day); err != nil {
			t.Fatal(err)
		}
	}
	// Not visited yet: months later, still the area manager's step only.
	run("2026-06-30")
	if got := visitSteps(t, app, b); len(got) != 1 {
		t.Fatalf("an open visit held nothing: %v", got)
	}

	// Nobody home: the task stays open for another visit.
	at(t, "2026-02-15")
	code, body := testapp.Do(t, h, http.MethodPatch, url+v.Id, `{"outcome":"not_home","outcome_note":"敲门无人"}`, "areamgr@example.com")
	expectBody(t, "nobody home", code, body, 200, `"status":"open"`, `"attempts":1`, `"deadline":""`)
	run("2026-06-30")
	if got := visitSteps(t, app, b); len(got) != 1 {
		t.Fatalf("nobody home escalated: %v", got)
	}

	// Refused on the 16th: ten days to pay, then the supervisor.
	at(t, "2026-02-16")
	code, body = testapp.Do(t, h, http.MethodPatch, url+v.Id, `{"outcome":"refused","outcome_note":"业主称房屋漏水未修，拒缴"}`, "areamgr@example.com")
	expectBody(t, "the area manager's outcome", code, body, 200, `"status":"recorded"`, `"outcome":"refused"`, `"deadline":"2026-02-26"`,
		`"recorded_by":"`+testapp.ID(t, "staff:areamgr@example.com")+`"`)
	code, body = testapp.Do(t, h, http.MethodPatch, url+v.Id, `{"outcome":"visited"}`, "areamgr@example.com")
	expectBody(t, "a second outcome", code, body, 400, "已经登记")
	run("2026-02-26")
	if got := visitSteps(t, app, b); len(got) != 1 {
		t.Fatalf("escalated before the deadline: %v", got)
	}
	run("2026-02-27")
	if got := visitSteps(t, app, b); len(got) != 2 || got[1] != "supervisor" {
		t.Fatalf("after the deadline: %v, want the supervisor's visit", got)
	}
	sv, _ := app.FindFirstRecordByFilter("arrears_visits", "bill={:b} && step='supervisor'", dbx.Params{"b": b.Id})
	if sv.GetString("assignee") != "" || visitNotices(t, app, sv, "supervisor@example.com") != 1 || visitNotices(t, app, sv, "director@example.com") != 0 {
		t.Fatalf("the supervisor's visit: %v", sv.FieldsData())
	}
	run("2026-02-28")
	if got := visitSteps(t, app, b); len(got) != 2 {
		t.Fatalf("a second run took another step: %v", got)
	}

	// The supervisor: a promise must be dated, not in the past.
	at(t, "2026-03-02")
	code, body = testapp.Do(t, h, http.MethodPatch, url+sv.Id, `{"outcome":"promised","promised_on":"2026-03-01"}`, "supervisor@example.com")
	expectBody(t, "a promise dated yesterday", code, body, 400, "promised_on")
	code, body = testapp.Do(t, h, http.MethodPatch, url+sv.Id, `{"outcome":"promised","promised_on":"2026-03-20","outcome_note":"答应月底前缴清"}`, "supervisor@example.com")
	expectBody(t, "the supervisor's outcome", code, body, 200, `"status":"recorded"`, `"deadline":"2026-03-20"`)
	run("2026-03-20")
	if got := visitSteps(t, app, b); len(got) != 2 {
		t.Fatalf("escalated on the promised day: %v", got)
	}
	run("2026-03-21")
	if got := visitSteps(t, app, b); len(got) != 3 || got[2] != "director" {
		t.Fatalf("promise broken: %v, want the director's step", got)
	}
	dv, _ := app.FindFirstRecordByFilter("arrears_visits", "bill={:b} && step='director'", dbx.Params{"b": b.Id})
	if visitNotices(t, app, dv, "director@example.com") != 1 {
		t.Fatal("the director was not told of their step")
	}
	at(t, "2026-03-23")
	code, body = testapp.Do(t, h, http.MethodPatch, url+dv.Id, `{"outcome":"refused"}`, "director@example.com")
	expectBody(t, "the director's outcome", code, body, 200, `"status":"recorded"`)
	run("2026-12-31")
	if got := visitSteps(t, app, b); len(got) != 3 {
		t.Fatalf("a step after the director's: %v", got)
	}

	// An event for every step: each visit assigned and its outcome, and the
	// bill's timeline shows the three steps.
	for action, want := range map[string]int64{"assigned": 3, "outcome": 3, "attempt": 1} {
		n, _ := app.CountRecords("events", dbx.HashExp{"subject_collection": "arrears_visits", "action": action},
			dbx.NewExp("subject_id IN (SELECT id FROM arrears_visits WHERE bill = {:b})", dbx.Params{"b": b.Id}))
		if n != want {
			t.Errorf("%d %q events of the visits, want %d", n, action, want)
		}
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": b.Id, "action": "arrears_visit"}); n != 3 {
		t.Errorf("%d visit steps in the bill's timeline, want 3", n)
	}
}

// TestArrearsVisitOnlyByItsVisitor: a visit's outcome is recorded by the
// one whose task it is ([000] 管理员 4.1.3.2 the area manager, 4.1.3.3 the
// supervisor in person): anyone else who may update visits gets 403 with a
// message naming the visitor, and those who may not, 404; nothing changes.
func TestArrearsVisitOnlyByItsVisitor(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	b := billed(t, app)[0]
	v := escalate(t, app, b)
	url := "/api/collections/arrears_visits/records/" + v.Id
	for who, want := range map[string]int{"supervisor@example.com": 403, "director@example.com": 403, "areamgr2@example.com": 403,
		"cashier@example.com": 404, "frontdesk@example.com": 404, "tech1@example.com": 404, "supervisor.yx@example.com": 404, "owner1@example.com": 404} {
		code, body := testapp.Do(t, h, http.MethodPatch, url, `{"outcome":"refused"}`, who)
		if code != want {
			t.Errorf("%s recording the area manager's visit: %d %s, want %d", who, code, body, want)
		}
		if want == 403 {
			expectBody(t, who+"'s refusal", code, body, 403, "片区管理员")
		}
	}
	if got, _ := app.FindRecordById("arrears_visits", v.Id); got.GetString("outcome") != "" || got.GetString("status") != "open" {
		t.Fatalf("a refused request changed the visit: %v", got.FieldsData())
	}
	code, body := testapp.Do(t, h, http.MethodPatch, url, `{"outcome":"refused","step":"director"}`, "areamgr@example.com")
	expectBody(t, "the visitor changing the step", code, body, 400, "step")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"outcome":"refused","promised_on":"2026-12-31"}`, "areamgr@example.com")
	expectBody(t, "a promised date without a promise", code, body, 400, "promised_on")

	// The supervisor's step is any supervisor's of the community, not the
	// area manager's.
	at(t, "2026-02-14")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"outcome":"refused"}`, "areamgr@example.com")
	expectBody(t, "the area manager's outcome", code, body, 200, `"status":"recorded"`)
	if _, err := hooks.IssueReminders(app, "2026-03-01"); err != nil {
		t.Fatal(err)
	}
	sv, err := app.FindFirstRecordByFilter("arrears_visits", "bill={:b} && step='supervisor'", dbx.Params{"b": b.Id})
	if err != nil {
		t.Fatal(err)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/arrears_visits/records/"+sv.Id, `{"outcome":"visited"}`, "areamgr@example.com")
	expectBody(t, "the area manager recording the supervisor's visit", code, body, 403, "客服主管")
}

// TestArrearsPaymentLeavesTheLadder: paying the bill takes it off the
// ladder at any step ([000] 收费员 4.2.1.9–4.2.1.11 go on only while it is
// unpaid): an open visit is settled and leaves its visitor's list, and a
// recorded one whose deadline passes leads nowhere.
func TestArrearsPaymentLeavesTheLadder(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	bills := billed(t, app)
	open, recorded := bills[0], bills[1] // 1-101's Q1 and Q2 bills
	v := escalate(t, app, open)
	// The Q2 bill is due 04-10: its ladder, as escalate's, later.
	mgr := staffRec(t, app, "areamgr@example.com")
	for _, s := range []struct{ day, stage string }{{"2026-04-11", "1"}, {"2026-04-22", "2"}, {"2026-05-03", "3"}} {
		if _, err := hooks.IssueReminders(app, s.day); err != nil {
			t.Fatal(err)
		}
		r, _ := app.FindFirstRecordByFilter("reminders", "bill={:b} && stage={:s}", dbx.Params{"b": recorded.Id, "s": s.stage})
		if err := hooks.DeliverReminder(app, r, mgr, civilDate(s.day).Add(2*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := hooks.IssueReminders(app, "2026-05-14"); err != nil {
		t.Fatal(err)
	}
	v2, err := app.FindFirstRecordByFilter("arrears_visits", "bill={:b}", dbx.Params{"b": recorded.Id})
	if err != nil {
		t.Fatal(err)
	}
	at(t, "2026-05-15")
	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/arrears_visits/records/"+v2.Id, `{"outcome":"promised","promised_on":"2026-05-20"}`, "areamgr@example.com")
	expectBody(t, "a promise", code, body, 200, `"deadline":"2026-05-20"`)

	pay(t, app, open, open.GetInt("amount_fen"))
	pay(t, app, recorded, recorded.GetInt("amount_fen"))
	if got, _ := app.FindRecordById("arrears_visits", v.Id); got.GetString("status") != "settled" {
		t.Fatalf("the open visit of a paid bill is %s, want settled", got.GetString("status"))
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": v.Id, "action": "status", "to": "settled"}); n != 1 {
		t.Errorf("%d settled events", n)
	}
	if _, err := hooks.IssueReminders(app, "2026-12-31"); err != nil {
		t.Fatal(err)
	}
	for _, b := range []*core.Record{open, recorded} {
		if got := visitSteps(t, app, b); len(got) != 1 {
			t.Errorf("a paid bill went on to %v", got)
		}
	}
	// The area manager's list (open visits) no longer shows it.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/collections/arrears_visits/records?filter="+
		urlq(`status = "open" && assignee = "`+mgr.Id+`"`), "", "areamgr@example.com")
	if code != 200 || strings.Contains(body, v.Id) {
		t.Fatalf("the settled visit is still on the list: %d %s", code, body)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/arrears_visits/records/"+v.Id, `{"outcome":"visited"}`, "areamgr@example.com")
	expectBody(t, "an outcome for a settled visit", code, body, 400, "已经登记")
}

// The visits due are listed before they are written, in the jobs' short
// batches: a bill paid between the list and its write is judged as it is
// then, and gets no visit.
func TestArrearsVisitJudgedInsideItsWrite(t *testing.T) {
	app := testapp.New(t)
	b := billed(t, app)[0]
	threeNotices(t, app, b)
	listed := false
	defer hooks.SetJobSelected(func(job string) {
		if job == "arrears_visits" && !listed {
			listed = true
			fresh, _ := app.FindRecordById("bills", b.Id)
			pay(t, app, fresh, fresh.GetInt("amount_fen"))
		}
	})()
	if _, err := hooks.IssueReminders(app, "2026-02-13"); err != nil {
		t.Fatal(err)
	}
	if !listed {
		t.Fatal("the visits were not listed before their writes")
	}
	if got := visitSteps(t, app, b); len(got) != 0 {
		t.Fatalf("a bill paid after the list was read got the visits %v", got)
	}
	if st, _ := owedOn(t, app, b.Id); st != "paid" {
		t.Fatalf("the bill is %s", st)
	}
}
