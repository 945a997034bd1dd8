package hooks_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/migrations"
)

// allStepFields fills whatever any step may require.
func allStepFields(t testing.TB, app core.App) map[string]any {
	return map[string]any{
		"handler": staffRec(t, app, "tech1@example.com").Id, "result": "已处理",
		"satisfaction": "satisfied", "invalid_reason": "非物业服务范围",
	}
}

// stepFields are the fields the flow table requires for the step to status
// to (from the table itself), so that a refusal can only come from the
// flow's judgement of the step and the actor.
func stepFields(t testing.TB, app core.App, from, to string) map[string]any {
	all, out := allStepFields(t, app), map[string]any{}
	for _, s := range hooks.ComplaintFlow {
		if s.From == from && s.To == to {
			for _, f := range s.Requires {
				out[f] = all[f]
			}
			return out
		}
	}
	return all // an illegal step: give it everything, so only the flow can refuse
}

// complaintIn brings a fresh complaint to status from along the legal path.
func complaintIn(t testing.TB, app core.App, from string) *core.Record {
	t.Helper()
	c := fileComplaint(t, app, staffRec(t, app, "frontdesk@example.com"), "1-104", "other", nil)
	path := map[string][]string{
		"received":   {},
		"assigned":   {"assigned"},
		"processing": {"assigned", "processing"},
		"replied":    {"assigned", "processing", "replied"},
		"revisited":  {"assigned", "processing", "replied", "revisited"},
		"closed":     {"assigned", "processing", "replied", "revisited", "closed"},
		"invalid":    {"invalid"},
	}[from]
	var err error
	for _, to := range path {
		if c, err = hooks.AdvanceComplaint(app, c.Id, nil, to, stepFields(t, app, c.GetString("status"), to)); err != nil {
			t.Fatalf("reach %s: %v", from, err)
		}
	}
	return c
}

func errCode(err error, field string) string {
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		return ""
	}
	item, _ := apiErr.Data[field].(map[string]any)
	code, _ := item["code"].(string)
	return code
}

// TestEveryIllegalComplaintStepIsRefused tries every pair of statuses the
// flow table does not list, with a superuser (who passes every role check)
// and every field a step could want: each is refused and changes nothing.
func TestEveryIllegalComplaintStepIsRefused(t *testing.T) {
	app := testapp.New(t)
	tried := 0
	for _, from := range migrations.ComplaintStatuses {
		c := complaintIn(t, app, from)
		for _, to := range migrations.ComplaintStatuses {
			if to == from || slices.ContainsFunc(hooks.ComplaintFlow, func(s hooks.Step) bool { return s.From == from && s.To == to }) {
				continue
			}
			tried++
			_, err := hooks.AdvanceComplaint(app, c.Id, nil, to, stepFields(t, app, from, to))
			want := "wuye_illegal_step"
			if from == "closed" || from == "invalid" {
				want = "wuye_frozen"
			}
			if code := errCode(err, "status"); code != want {
				t.Errorf("%s → %s: error %v (code %q), want %s", from, to, err, code, want)
			}
			if stored, _ := app.FindRecordById("complaints", c.Id); stored.GetString("status") != from ||
				stored.GetString("updated") != c.GetString("updated") {
				t.Errorf("%s → %s was refused but the complaint changed", from, to)
			}
		}
	}
	if tried != 7*6-len(hooks.ComplaintFlow) {
		t.Fatalf("tried %d illegal steps", tried)
	}
}

// TestComplaintStepsBelongToTheirRoles tries each legal step as every staff
// role the table does not name (and as a resident who is not the
// complainant): all refused; then as one it names: accepted.
func TestComplaintStepsBelongToTheirRoles(t *testing.T) {
	app := testapp.New(t)
	byRole := map[string]string{
		"front_desk": "frontdesk@example.com", "area_manager": "areamgr@example.com", "technician": "tech2@example.com",
		"engineer": "engineer@example.com", "security": "security@example.com", "cashier": "cashier@example.com",
		"supervisor": "supervisor@example.com", "director": "director@example.com",
	}
	for _, step := range hooks.ComplaintFlow {
		for role, email := range byRole {
			if slices.Contains(step.Actors, role) {
				continue
			}
			c := complaintIn(t, app, step.From) // handled by tech1, so tech2 is no handler
			_, err := hooks.AdvanceComplaint(app, c.Id, staffRec(t, app, email), step.To, stepFields(t, app, step.From, step.To))
			if code := errCode(err, "status"); code != "wuye_step_not_yours" {
				t.Errorf("%s → %s by %s: %v, want wuye_step_not_yours", step.From, step.To, role, err)
			}
		}
		if !slices.Contains(step.Actors, "resident") {
			c := complaintIn(t, app, step.From)
			if _, err := hooks.AdvanceComplaint(app, c.Id, residentRec(t, app, "owner1@example.com"), step.To, stepFields(t, app, step.From, step.To)); err == nil {
				t.Errorf("%s → %s accepted from a resident", step.From, step.To)
			}
		}
		actor := staffRec(t, app, "supervisor@example.com")
		switch {
		case !slices.Contains(step.Actors, "supervisor") && slices.Contains(step.Actors, "handler"):
			actor = staffRec(t, app, "tech1@example.com")
		}
		c := complaintIn(t, app, step.From)
		if _, err := hooks.AdvanceComplaint(app, c.Id, actor, step.To, stepFields(t, app, step.From, step.To)); err != nil {
			t.Errorf("%s → %s by %s refused: %v", step.From, step.To, actor.GetString("role"), err)
		}
	}
}

func TestComplaintStepRules(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	patch := func(c *core.Record, who, body string) (int, string) {
		return testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+c.Id, body, who)
	}
	expect := func(name string, code int, body string, wantCode int, want string) {
		t.Helper()
		if code != wantCode || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s, want %d with %q", name, code, body, wantCode, want)
		}
	}

	c := complaintIn(t, app, "received")
	code, body := patch(c, "frontdesk@example.com", `{"status":"assigned"}`)
	expect("assigning needs a handler", code, body, 400, `处理人：投诉改为“已派单”时必须填写`)
	code, body = patch(c, "frontdesk@example.com", `{"status":"processing"}`)
	expect("no skipping", code, body, 400, `投诉不能从“已受理”直接变为“处理中”`)
	code, body = patch(c, "frontdesk@example.com", `{"status":"assigned","handler":"`+testapp.ID(t, "staff:frontdesk.yx@example.com")+`"}`)
	expect("a handler from elsewhere", code, body, 400, `处理人必须是本小区的员工`)
	code, body = patch(c, "frontdesk@example.com", `{"handler":"`+testapp.ID(t, "staff:frontdesk.yx@example.com")+`"}`)
	expect("nor as a plain edit", code, body, 400, `处理人必须是本小区的员工`)
	code, body = patch(c, "frontdesk@example.com", `{"content":"改写业主的原话"}`)
	expect("the complainant's words are not edited", code, body, 400, `投诉内容：此时您不能修改这一项`)
	code, body = patch(c, "frontdesk@example.com", `{"reply_due":"2099-01-01 00:00:00.000Z"}`)
	expect("deadlines are not edited", code, body, 400, `此时您不能修改这一项`)
	code, body = patch(c, "frontdesk@example.com", `{"category":"security","level":"major"}`)
	expect("the desk regrades", code, body, 200, `"level":"major"`)

	c = complaintIn(t, app, "replied")
	code, body = patch(c, "frontdesk@example.com", `{"status":"revisited"}`)
	expect("a revisit needs the satisfaction", code, body, 400, `满意度：投诉改为“已回访”时必须填写`)
	code, body = patch(c, "frontdesk@example.com", `{"status":"revisited","satisfaction":"unsatisfied"}`)
	expect("unsatisfied reopens", code, body, 200, `"status":"processing"`)
	if !strings.Contains(body, `"reopen_count":1`) {
		t.Errorf("reopen not counted: %s", body)
	}

	c = complaintIn(t, app, "received")
	code, body = patch(c, "frontdesk@example.com", `{"status":"invalid"}`)
	expect("invalid needs a reason", code, body, 400, `无效原因：投诉改为“无效投诉”时必须填写`)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+c.Id+"?lang=en", `{"status":"closed"}`, "frontdesk@example.com")
	expect("in English", code, body, 400, `A complaint cannot go from received to closed.`)

	c = complaintIn(t, app, "closed")
	code, body = patch(c, "supervisor@example.com", `{"level":"major"}`)
	expect("a closed complaint is frozen", code, body, 400, `投诉已是“已关闭”状态，不能再修改`)
	code, body = testapp.Do(t, h, http.MethodDelete, "/api/collections/complaints/records/"+c.Id, "", "director@example.com")
	expect("complaints are never deleted", code, body, 403, `您无权执行此操作`)
	code, body = testapp.Do(t, h, http.MethodDelete, "/api/collections/complaints/records/"+c.Id, "", "root@example.com")
	expect("not even by a superuser", code, body, 400, `投诉记录不能删除`)
	if _, err := app.FindRecordById("complaints", c.Id); err != nil {
		t.Fatal("the complaint is gone")
	}
}

// TestComplaintTwoClerksAtOnce: two clerks assign the same complaint at the
// same moment to different handlers. The assignment happens once: the other
// clerk gets a conflict or, having read the complaint after it, makes a
// plain reassignment.
func TestComplaintTwoClerksAtOnce(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	for round := 0; round < 3; round++ {
		c := complaintIn(t, app, "received")
		codes := make(chan int, 2)
		var wg sync.WaitGroup
		for who, handler := range map[string]string{"frontdesk@example.com": "tech1@example.com", "supervisor@example.com": "tech2@example.com"} {
			wg.Add(1)
			go func(who, handler string) {
				defer wg.Done()
				code, _ := testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+c.Id,
					`{"status":"assigned","handler":"`+testapp.ID(t, "staff:"+handler)+`"}`, who)
				codes <- code
			}(who, handler)
		}
		wg.Wait()
		close(codes)
		for code := range codes {
			if code != 200 && code != 409 {
				t.Fatalf("round %d: %d", round, code)
			}
		}
		if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": c.Id, "action": "status", "to": "assigned"}); n != 1 {
			t.Fatalf("round %d: the complaint was assigned %d times", round, n)
		}
	}
}
