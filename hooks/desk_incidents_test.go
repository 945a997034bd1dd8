package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// [000] 前台接待工作规程 4.1.4: an emergency is registered and told to those
// responsible at once (4.1.4.1 迅速告知保安队或工程队; the director, who is
// responsible for the center); what was done is recorded; the special
// incident report (特别事件报告单, 前台 5.14) goes to management within one
// working day ([004] 三 4.3).
func TestIncidentFlow(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	desk := "frontdesk@example.com"

	alerted := map[string]int{}
	for _, who := range []string{"director@example.com", "security@example.com", "engineer@example.com", "tech1@example.com"} {
		alerted[who] = notified(t, app, who, "incident_reported")
	}
	body := `{"community":"` + ch + `","kind":"flooding","location":"2栋地下室水泵房","description":"水管爆裂，地下室积水",` +
		`"caller_name":"王芳","caller_phone":"13800000004","status":"reported_up","report":"预先写好"}`
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/incidents/records", body, "tech1@example.com")
	if code == 200 {
		t.Fatalf("a technician registered an incident: %s", resp)
	}
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/incidents/records", body, desk)
	expectBody(t, "the desk registers an incident", code, resp, 200, `"serial":"SJ-`, `"status":"reported"`, `"report":""`,
		`"reported_by":"`+testapp.ID(t, "staff:"+desk)+`"`, `"report_due":"20`)
	id := recordID(t, resp)
	for who, before := range alerted {
		want := before + 1
		if who == "tech1@example.com" {
			want = before
		}
		if got := notified(t, app, who, "incident_reported"); got != want {
			t.Errorf("%s: %d incident notices, want %d", who, got, want)
		}
	}
	r, _ := app.FindRecordById("incidents", id)
	cal, _ := hooks.Calendar(app)
	if want := cal.AddWorkingDays(r.GetDateTime("reported_at").Time(), 1); !r.GetDateTime("report_due").Time().Equal(want) {
		t.Fatalf("report due %v, want one working day later %v", r.GetDateTime("report_due"), want)
	}
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/incidents/records",
		`{"community":"`+ch+`","kind":"fire","location":"1栋","description":"x","reported_at":"2099-01-01 00:00:00.000Z"}`, desk)
	expectBody(t, "not reported in the future", code, resp, 400, "wuye_incident_time")

	url := "/api/collections/incidents/records/" + id
	code, resp = testapp.Do(t, h, http.MethodPatch, url, `{"status":"resolved"}`, "security@example.com")
	expectBody(t, "resolved needs its outcome", code, resp, 400, "wuye_step_requires")
	code, resp = testapp.Do(t, h, http.MethodPatch, url, `{"status":"responding","response":"秩序维护部2人、工程部1人到场关阀"}`, "security@example.com")
	expectBody(t, "security responds", code, resp, 200, `"status":"responding"`, `"responding_at":"20`)
	action := "/api/wuye/incidents/" + id + "/actions"
	code, resp = testapp.Do(t, h, http.MethodPost, action, `{"note":"已关闭总阀，开始抽水"}`, "engineer@example.com")
	expectBody(t, "engineering notes an action", code, resp, 200)
	code, resp = testapp.Do(t, h, http.MethodPost, action, `{"note":"  "}`, "engineer@example.com")
	expectBody(t, "an empty action", code, resp, 400, "validation_required")
	code, _ = testapp.Do(t, h, http.MethodPost, action, `{"note":"x"}`, "supervisor.yx@example.com")
	if code != 404 {
		t.Fatalf("another community's supervisor noted an action: %d", code)
	}
	code, resp = testapp.Do(t, h, http.MethodPatch, url, `{"status":"resolved","resolution":"抽水完毕，更换爆裂管段"}`, "engineer@example.com")
	expectBody(t, "engineering resolves it", code, resp, 200, `"status":"resolved"`)
	code, resp = testapp.Do(t, h, http.MethodPatch, url, `{"status":"reported_up","report":"报告"}`, "security@example.com")
	expectBody(t, "the report is the desk's or the managers'", code, resp, 400, "wuye_step_not_yours")
	code, resp = testapp.Do(t, h, http.MethodPatch, url, `{"status":"reported_up"}`, desk)
	expectBody(t, "the report must be written", code, resp, 400, "wuye_step_requires")
	code, resp = testapp.Do(t, h, http.MethodPatch, url, `{"status":"reported_up","report":"12月5日2栋地下室水管爆裂……已处理完毕，无人员伤亡。"}`, desk)
	expectBody(t, "the desk reports up", code, resp, 200, `"status":"reported_up"`, `"reported_up_at":"20`)
	code, resp = testapp.Do(t, h, http.MethodPost, action, `{"note":"补记"}`, desk)
	expectBody(t, "no action after the report", code, resp, 400, "wuye_incident_closed")
	code, resp = testapp.Do(t, h, http.MethodGet, "/api/wuye/incidents/"+id+"/report", "", "director@example.com")
	expectBody(t, "the printed report", code, resp, 200, `"serial":"SJ-`, "已关闭总阀，开始抽水", `"action":"incident_responding"`, "水管爆裂")
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/incidents/"+id+"/report", "", "owner2@example.com")
	if code != 404 {
		t.Fatalf("a resident read the incident report: %d", code)
	}
	code, resp = testapp.Do(t, h, http.MethodGet, "/api/collections/incidents/records", "", "owner2@example.com")
	if code == 200 && strings.Contains(resp, id) {
		t.Fatal("a resident lists incidents")
	}
}

// [004] 三 4.3: a report not written within a working day is flagged once and
// the managers told.
func TestIncidentReportOverdue(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/incidents/records",
		`{"community":"`+ch+`","kind":"lift_entrapment","location":"2栋1号电梯","description":"电梯困人两名"}`, "frontdesk@example.com")
	expectBody(t, "registered", code, resp, 200)
	id := recordID(t, resp)
	r, _ := app.FindRecordById("incidents", id)
	due := r.GetDateTime("report_due").Time()
	if _, err := hooks.FlagOverdueIncidentReports(app, due.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r, _ = app.FindRecordById("incidents", id); r.GetBool("report_overdue") {
		t.Fatal("flagged before it was due")
	}
	before := notified(t, app, "supervisor@example.com", "incident_report_overdue")
	if n, err := hooks.FlagOverdueIncidentReports(app, due.Add(time.Minute)); err != nil || n < 1 { // the demo's burst pipe too
		t.Fatalf("flagged %d %v", n, err)
	}
	if n, _ := hooks.FlagOverdueIncidentReports(app, due.Add(time.Hour)); n != 0 {
		t.Fatal("flagged twice")
	}
	r, _ = app.FindRecordById("incidents", id)
	if !r.GetBool("report_overdue") || notified(t, app, "supervisor@example.com", "incident_report_overdue") < before+1 {
		t.Fatal("not flagged or not told")
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": id, "action": "incident_report_overdue"}); n != 1 {
		t.Fatal("no event for the overdue report")
	}
}
