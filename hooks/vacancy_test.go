package hooks_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"
	"github.com/xuri/excelize/v2"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// 2-104 is vacant in area 1 (areamgr's), and the demo has not patrolled it.
func TestVacancyPatrolsAndTasks(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:2-104")
	day := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	if _, err := hooks.PlanPatrols(app, day); err != nil { // the demo may have planned today already
		t.Fatal(err)
	}
	if n, _ := hooks.PlanPatrols(app, day); n != 0 {
		t.Fatal("planning twice made more tasks")
	}
	y, w := civilDate(day).ISOWeek()
	weekly, err := app.FindFirstRecordByFilter("patrol_tasks", "unit={:u} && kind='weekly' && period={:p}",
		dbx.Params{"u": unit, "p": fmt.Sprintf("%d-W%02d", y, w)})
	if err != nil || weekly.GetString("manager") != testapp.ID(t, "staff:areamgr@example.com") || clock.Now().In(workcal.Shanghai).Weekday() != time.Sunday && weekly.GetString("due_on") <= day {
		t.Fatalf("weekly task: %v %v", weekly, err)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/patrol_tasks/records?perPage=500", "", "areamgr2@example.com"); code != 200 {
		t.Fatal("area 2's manager cannot list tasks")
	}
	if _, body := testapp.Do(t, h, http.MethodGet, "/api/collections/patrol_tasks/records?perPage=500", "", "areamgr2@example.com"); strings.Contains(body, unit) {
		t.Error("area 2's manager sees area 1's tasks")
	}

	// Realtime: the area manager's open task list hears of the patrol.
	if _, err := apis.NewRouter(app); err != nil {
		t.Fatal(err)
	}
	subscribe := func(email string) *subscriptions.DefaultClient {
		c := subscriptions.NewDefaultClient()
		c.Set(apis.RealtimeClientAuthKey, staffRec(t, app, email))
		c.Subscribe("patrol_tasks/*")
		app.SubscriptionsBroker().Register(c)
		return c
	}
	mine, theirs := subscribe("areamgr@example.com"), subscribe("areamgr2@example.com")

	body := `{"unit":"` + unit + `","kind":"weekly","hygiene":true,"security":true,"doors_windows":true,"no_leaks":false,"structure":true,"fittings":true,` +
		`"finding":"卫生间水管接头渗水","finding_category":"plumbing"}`
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/vacancy_patrols/records", body, "areamgr2@example.com")
	expectBody(t, "another area's manager cannot patrol here", code, resp, 400)
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/vacancy_patrols/records", body, "areamgr@example.com")
	expectBody(t, "the area manager patrols and finds a leak", code, resp, 200, `"work_order":"`, `"signed_in_at":"20`)
	got := func(c *subscriptions.DefaultClient) bool {
		deadline := time.After(500 * time.Millisecond)
		for {
			select {
			case msg := <-c.Channel():
				if strings.Contains(string(msg.Data), weekly.Id) {
					return true
				}
			case <-deadline:
				return false
			}
		}
	}
	if !got(mine) {
		t.Error("the area manager's task list did not update live")
	}
	if got(theirs) {
		t.Error("another area manager was sent the task")
	}
	if w, _ := app.FindRecordById("patrol_tasks", weekly.Id); w.GetString("status") != "done" {
		t.Fatalf("the weekly task is %s after the patrol", w.GetString("status"))
	}
	p, _ := app.FindFirstRecordByFilter("vacancy_patrols", "unit={:u}", dbx.Params{"u": unit})
	o, err := app.FindRecordById("work_orders", p.GetString("work_order"))
	if err != nil || o.GetString("source") != "vacancy_patrol" || o.GetString("source_ref") != p.Id || o.GetString("category") != "plumbing" {
		t.Fatalf("the finding's work order: %v %v", o, err)
	}
	code, _ = testapp.Do(t, h, http.MethodPost, "/api/collections/vacancy_patrols/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","kind":"weekly"}`, "areamgr@example.com")
	expectBody(t, "an occupied unit is not patrolled", code, "", 400)

	// The register: 1-203 with its patrol and its open finding.
	rows, err := hooks.VacancyRegister(app, testapp.ID(t, "community:CH"), day)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r.Unit == unit {
			found = r.LastPatrol != "" && r.OpenFindings == 1
		}
		if r.Status != "vacant" && r.Status != "handed_over" {
			t.Fatalf("an %s unit in the vacancy register", r.Status)
		}
	}
	if !found {
		t.Fatal("2-104 is not in the register with its patrol and finding")
	}
	req := httptest.NewRequest(http.MethodGet, "/api/wuye/exports/vacancy?community="+testapp.ID(t, "community:CH"), nil)
	req.Header.Set("Authorization", testapp.Token(t, "supervisor@example.com"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes())); err != nil {
		t.Fatalf("vacancy export: %d %v", rec.Code, err)
	} else if sheet, _ := f.GetRows("空置房"); len(sheet) != len(rows)+1 {
		t.Fatalf("%d rows in the export for %d units", len(sheet), len(rows))
	}

	// Over the week boundary: a weekly task is due on its Sunday; on that
	// day it is still open, on the Monday it is missed.
	// (One with an area manager: the demo has areas without one, below.)
	other, err := app.FindFirstRecordByFilter("patrol_tasks", "kind='weekly' && status='open' && period={:p} && manager!=''",
		dbx.Params{"p": weekly.GetString("period")})
	if err != nil {
		t.Fatal(err)
	}
	sunday := other.GetString("due_on")
	if civilDate(sunday).Weekday() != time.Sunday {
		t.Fatalf("a weekly task due on %s, not a Sunday", sunday)
	}
	hooks.FlagMissedPatrols(app, sunday)
	if o, _ := app.FindRecordById("patrol_tasks", other.Id); o.GetString("status") != "open" {
		t.Fatal("missed on its own Sunday")
	}
	unmanaged, _ := app.FindFirstRecordByFilter("patrol_tasks", "kind='weekly' && status='open' && period={:p} && manager=''",
		dbx.Params{"p": weekly.GetString("period")})
	hooks.FlagMissedPatrols(app, civilDate(sunday).AddDate(0, 0, 1).Format(time.DateOnly))
	if o, _ := app.FindRecordById("patrol_tasks", other.Id); o.GetString("status") != "missed" {
		t.Fatal("not missed on the Monday after")
	}
	// A task of an area without a manager: the supervisors hear of the
	// miss at once rather than only at the escalation a day later.
	if unmanaged == nil {
		t.Fatal("the demo has no vacant unit in an area without a manager any more: make one here")
	}
	var told []string
	if err := app.DB().NewQuery(`SELECT s.role FROM notifications n JOIN staff s ON s.id = n.recipient_staff
		WHERE n.kind = 'patrol_missed' AND n.subject_id = {:t}`).Bind(dbx.Params{"t": unmanaged.Id}).Column(&told); err != nil {
		t.Fatal(err)
	}
	if len(told) == 0 || strings.Count(strings.Join(told, ","), hooks.RoleSupervisor) != len(told) {
		t.Fatalf("a miss in an area without a manager told %v, not the supervisors", told)
	}

	// Missed patrols: flagged once, escalated a day later, once.
	later := civilDate(day).AddDate(0, 0, 8).Format(time.DateOnly)
	hooks.FlagMissedPatrols(app, later)
	if n, _ := hooks.FlagMissedPatrols(app, later); n != 0 {
		t.Fatal("missed patrols flagged twice")
	}
	missed := other
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "patrol_missed", "subject_id": missed.Id}); n != 1 {
		t.Fatalf("%d notices to the area manager", n)
	}
	hooks.FlagMissedPatrols(app, civilDate(sunday).AddDate(0, 0, 3).Format(time.DateOnly))
	hooks.FlagMissedPatrols(app, civilDate(sunday).AddDate(0, 0, 4).Format(time.DateOnly))
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "patrol_missed_escalated", "subject_id": missed.Id}); n != 2 {
		t.Fatalf("%d escalation notices (supervisor and director, once)", n)
	}
}

func TestKeyLoans(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	col, _ := app.FindCollectionByNameOrId("keys")
	key := core.NewRecord(col)
	for k, v := range map[string]any{"community": testapp.ID(t, "community:CH"), "label": "测试钥匙 2-104", "kind": "vacant_unit",
		"unit": testapp.ID(t, "unit:2-104"), "slot": "T-01", "status": "in"} {
		key.Set(k, v)
	}
	if err := app.Save(key); err != nil {
		t.Fatal(err)
	}
	lend := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/key_loans/records", body, who)
	}
	code, body := lend(`{"key":"`+key.Id+`","borrower_name":"看房客户"}`, "frontdesk@example.com")
	expectBody(t, "an outsider without ID, phone and deposit", code, body, 400, "身份证号：不能为空", "外来人员借钥匙须交押金")

	// Two loans of the key at the same moment: one goes out.
	var wg sync.WaitGroup
	codes := make(chan int, 2)
	for _, b := range []string{
		`{"key":"` + key.Id + `","borrower_name":"看房客户","borrower_id_no":"500101199001011234","borrower_phone":"13500000001","deposit_fen":10000}`,
		`{"key":"` + key.Id + `","borrower_staff":"` + testapp.ID(t, "staff:tech1@example.com") + `","purpose":"检修"}`,
	} {
		wg.Add(1)
		go func(b string) {
			defer wg.Done()
			c, _ := lend(b, "frontdesk@example.com")
			codes <- c
		}(b)
	}
	wg.Wait()
	close(codes)
	ok := 0
	for c := range codes {
		if c == 200 {
			ok++
		} else if c != 409 {
			t.Fatalf("a simultaneous loan got %d", c)
		}
	}
	if ok != 1 {
		t.Fatalf("%d loans of one key went out", ok)
	}
	loan, _ := app.FindFirstRecordByFilter("key_loans", "key={:k}", dbx.Params{"k": key.Id})
	due := loan.GetDateTime("due_at").Time().In(workcal.Shanghai)
	if due.Format(time.DateOnly) != clock.Now().In(workcal.Shanghai).Format(time.DateOnly) || due.Hour() != 23 {
		t.Fatalf("a vacant unit's key is due %v, not tonight", due)
	}
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/key_loans/records/"+loan.Id, "", "frontdesk@example.com")
	if loan.GetString("borrower_id_no") != "" && !strings.Contains(body, "500101********1234") {
		t.Errorf("the desk sees the outsider's full ID number: %s", body)
	}
	if n, _ := hooks.FlagOverdueLoans(app, clock.Now().Add(25*time.Hour)); n != 1 {
		t.Fatalf("flagged %d overdue loans", n)
	}
	if n, _ := hooks.FlagOverdueLoans(app, clock.Now().Add(26*time.Hour)); n != 0 {
		t.Fatal("an overdue loan flagged twice")
	}
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/key_loans/records/"+loan.Id, `{"returned_at":"`+clock.Now().UTC().Format("2006-01-02 15:04:05.000Z")+`"}`, "frontdesk@example.com")
	expectBody(t, "the key comes back", code, body, 200)
	if k, _ := app.FindRecordById("keys", key.Id); k.GetString("status") != "in" {
		t.Fatal("the key is not back in the cabinet")
	}
	if loan.GetString("deposit") != "" {
		if d, _ := app.FindRecordById("deposits", loan.GetString("deposit")); d.GetInt("balance_fen") != 0 {
			t.Fatal("the deposit was not refunded")
		}
	}
	code, body = testapp.Do(t, h, http.MethodDelete, "/api/collections/key_loans/records/"+loan.Id, "", "root@example.com")
	expectBody(t, "loans are kept", code, body, 400, "这类记录需要留档，不能删除")
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/keys/count?community="+testapp.ID(t, "community:CH"), "", "supervisor@example.com")
	expectBody(t, "the monthly key count", code, body, 200, `"kind":"vacant_unit"`, `"status":"in"`)
}
