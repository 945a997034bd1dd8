package hooks_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

func TestHotWorkPermits(t *testing.T) {
	app := testapp.New(t)
	r := permittedRenovation(t, app)
	h := testapp.Handler(t, app)
	start, end := clock.Now().Add(-time.Hour).UTC(), clock.Now().Add(3*time.Hour).UTC()
	layout := "2006-01-02 15:04:05.000Z"
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/hot_work_permits/records",
		`{"renovation":"`+r.Id+`","operator_name":"赵焊工","operator_cert":"T123456","place":"1-103 阳台","window_start":"`+end.Format(layout)+`","window_end":"`+start.Format(layout)+`"}`, "owner2@example.com")
	expectBody(t, "a window ending before it starts", code, body, 400, "动火结束时间")
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/hot_work_permits/records",
		`{"renovation":"`+r.Id+`","operator_name":"赵焊工","operator_cert":"T123456","place":"1-103 阳台","window_start":"`+start.Format(layout)+`","window_end":"`+end.Format(layout)+`","status":"approved"}`, "owner2@example.com")
	expectBody(t, "the owner applies", code, body, 200, `"status":"requested"`, `"serial":"DHZ-`)
	p, _ := app.FindFirstRecordByFilter("hot_work_permits", "renovation={:r}", dbx.Params{"r": r.Id})
	url := "/api/collections/hot_work_permits/records/" + p.Id
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"center_reviewed"}`, "supervisor@example.com")
	expectBody(t, "security reviews first", code, body, 400, "动火证不能从")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"security_reviewed"}`, "security@example.com")
	expectBody(t, "security reviews", code, body, 200, `"security_by":"`+testapp.ID(t, "staff:security@example.com")+`"`)

	// Two reviewers of the service center act at the same moment: the stage
	// is reviewed once, by one of them (the other gets a conflict or, if it
	// read the permit after the first review, a change of nothing).
	codes := make(chan int, 2)
	var wg sync.WaitGroup
	for _, who := range []string{"supervisor@example.com", "frontdesk@example.com"} {
		wg.Add(1)
		go func(who string) {
			defer wg.Done()
			c, _ := testapp.Do(t, h, http.MethodPatch, url, `{"status":"center_reviewed"}`, who)
			codes <- c
		}(who)
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 && c != 409 {
			t.Fatalf("a simultaneous review got %d", c)
		}
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"action": "hot_work_center_reviewed", "subject_id": r.Id}); n != 1 {
		t.Fatalf("the service-center review happened %d times", n)
	}
	if by := mustRecord(t, app, "hot_work_permits", p.Id).GetString("center_by"); by != testapp.ID(t, "staff:supervisor@example.com") && by != testapp.ID(t, "staff:frontdesk@example.com") {
		t.Fatalf("reviewed by %q", by)
	}
	if valid, why := hooks.HotWorkValid(app, mustRecord(t, app, "hot_work_permits", p.Id), clock.Now()); valid || why != "not_approved" {
		t.Fatalf("valid before approval: %v %s", valid, why)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"approved"}`, "director@example.com")
	expectBody(t, "the general manager approves", code, body, 200, `"status":"approved"`)
	p = mustRecord(t, app, "hot_work_permits", p.Id)
	if valid, _ := hooks.HotWorkValid(app, p, clock.Now()); !valid {
		t.Fatal("an approved permit inside its window is not valid")
	}
	if valid, why := hooks.HotWorkValid(app, p, clock.Now().Add(4*time.Hour)); valid || why != "outside_window" {
		t.Fatalf("valid outside its window: %s", why)
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/hot-work/"+p.Id+"/check", "", "security@example.com")
	expectBody(t, "the guard checks it", code, body, 200, `"valid":true`)

	// Passes: valid while the renovation is under way, not once it is
	// suspended; returning one refunds its deposit, once.
	pass, _ := app.FindFirstRecordByFilter("renovation_passes", "renovation={:r}", dbx.Params{"r": r.Id})
	if valid, _ := hooks.PassValid(app, pass, clock.Now().In(workcal.Shanghai).Format(time.DateOnly)); !valid {
		t.Fatal("a pass of a permitted renovation is not valid")
	}
	if _, err := hooks.AdvanceRenovation(app, r.Id, staffRec(t, app, "engineer@example.com"), "suspended", map[string]any{"suspend_reason": "违规"}); err != nil {
		t.Fatal(err)
	}
	if valid, why := hooks.PassValid(app, pass, clock.Now().In(workcal.Shanghai).Format(time.DateOnly)); valid || why != "renovation_suspended" {
		t.Fatalf("a suspended renovation's pass: %v %s", valid, why)
	}
	if valid, why := hooks.HotWorkValid(app, p, clock.Now()); valid || why != "renovation_not_permitted" {
		t.Fatalf("hot work during a suspension: %v %s", valid, why)
	}
	passURL := "/api/collections/renovation_passes/records/" + pass.Id
	code, body = testapp.Do(t, h, http.MethodPatch, passURL, `{"returned_at":"`+clock.Now().UTC().Format(layout)+`"}`, "frontdesk@example.com")
	expectBody(t, "the pass comes back", code, body, 200)
	code, body = testapp.Do(t, h, http.MethodPatch, passURL, `{"returned_at":"`+clock.Now().UTC().Format(layout)+`"}`, "frontdesk@example.com")
	expectBody(t, "not twice", code, body, 400)
	if valid, why := hooks.PassValid(app, mustRecord(t, app, "renovation_passes", pass.Id), clock.Now().In(workcal.Shanghai).Format(time.DateOnly)); valid || why != "returned" {
		t.Fatalf("a returned pass: %v %s", valid, why)
	}
	if !strings.Contains(body, "不能修改") {
		t.Fatalf("%s", body)
	}
}

func mustRecord(t testing.TB, app interface {
	FindRecordById(any, string, ...func(q *dbx.SelectQuery) error) (*core.Record, error)
}, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
