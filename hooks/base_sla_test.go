package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// shAt is an instant in Asia/Shanghai.
func shAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, workcal.Shanghai)
}

// atTime runs f with the clock at t.
func atTime(t time.Time, f func()) {
	restore := hooks.SetNow(func() time.Time { return t })
	defer restore()
	f()
}

func wantDue(t *testing.T, what string, r *core.Record, field string, want time.Time) {
	t.Helper()
	got := r.GetDateTime(field).Time()
	if want.IsZero() {
		if !got.IsZero() {
			t.Errorf("%s: %s %v, want none", what, field, got.In(workcal.Shanghai))
		}
		return
	}
	if !got.Equal(want) {
		t.Errorf("%s: %s %v, want %v", what, field, got.In(workcal.Shanghai), want)
	}
}

// policy is the community's policy in force for subject, grade and target.
func policy(t *testing.T, app core.App, community, subject, level, urgency, target string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByFilter("sla_policies",
		"community = {:c} && subject = {:s} && level = {:l} && urgency = {:u} && target = {:t} && ends_at = ''",
		dbx.Params{"c": community, "s": subject, "l": level, "u": urgency, "t": target})
	if err != nil {
		t.Fatalf("no policy %s/%s%s/%s: %v", subject, level, urgency, target, err)
	}
	return r
}

// TestServiceLevelDefaults files complaints and work orders through the API
// at the instants where the manuals' defaults differ from a naive count.
func TestServiceLevelDefaults(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	post := func(col, body, who string) *core.Record {
		t.Helper()
		code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/"+col+"/records", body, who)
		if code != 200 {
			t.Fatalf("file %s as %s: %d %s", col, who, code, resp)
		}
		var out struct{ ID string }
		if err := json.Unmarshal([]byte(resp), &out); err != nil {
			t.Fatal(err)
		}
		r, err := app.FindRecordById(col, out.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	complaint := `{"unit":"` + unit + `","category":"cleaning","content":"楼道有垃圾"}`

	// [002] 三 3.2 (接到业主诉求后，24小时内给予初步回应): 24 clock hours. A
	// Friday-evening complaint is due on Saturday evening; the reply within 2
	// working days [004] 三 3.6 on Tuesday.
	var c *core.Record
	atTime(shAt(2026, 3, 6, 19, 0), func() { c = post("complaints", complaint, "owner1@example.com") })
	wantDue(t, "Friday-evening complaint", c, "first_response_due", shAt(2026, 3, 7, 19, 0))
	wantDue(t, "Friday-evening complaint", c, "reply_due", shAt(2026, 3, 10, 19, 0))
	wantDue(t, "a general complaint is no complex matter", c, "solution_due", time.Time{})

	// Over the Spring Festival 2026 (15–23 Feb off) still 24 clock hours.
	atTime(shAt(2026, 2, 14, 20, 0), func() { c = post("complaints", complaint, "owner1@example.com") })
	wantDue(t, "complaint on the festival's eve", c, "first_response_due", shAt(2026, 2, 15, 20, 0))

	// A complex matter (graded major at intake): a solution within 48 hours
	// [002] 三 3.2 (复杂问题48小时内提供解决方案).
	atTime(shAt(2026, 3, 6, 19, 0), func() {
		c = post("complaints", `{"community":"`+testapp.ID(t, "community:CH")+`","unit":"`+unit+`","channel":"phone","category":"engineering",`+
			`"level":"major","content":"地下室渗水","contact_name":"王","contact_phone":"13800000009"}`, "frontdesk@example.com")
	})
	wantDue(t, "major complaint", c, "solution_due", shAt(2026, 3, 8, 19, 0))

	// [003] 2.4.3 (15分鐘內回復客戶), inside the service center's opening
	// hours (08:00–18:00 every day by default): a repair asked for at 22:26
	// on a Saturday is answered by 08:15 on Sunday.
	order := `{"unit":"` + unit + `","service_item":"` + itemID(t, app, "DQ01") + `","description":"客厅灯不亮"}`
	var o *core.Record
	atTime(shAt(2026, 3, 7, 22, 26), func() { o = post("work_orders", order, "owner1@example.com") })
	if o.GetString("urgency") != "normal" {
		t.Fatalf("an order is a minor repair unless said otherwise: %q", o.GetString("urgency"))
	}
	wantDue(t, "minor repair at 22:26 on a Saturday", o, "reply_due", shAt(2026, 3, 8, 8, 15))
	atTime(shAt(2026, 3, 9, 9, 0), func() { o = post("work_orders", order, "owner1@example.com") })
	wantDue(t, "minor repair at 09:00", o, "reply_due", shAt(2026, 3, 9, 9, 15))

	// An urgent repair (急修, [004] 三 7.6) is answered around the clock, and
	// its technician is due within 30 minutes of the call.
	urgent := `{"unit":"` + unit + `","urgency":"urgent","kind":"routine","category":"plumbing","description":"水管爆裂"}`
	atTime(shAt(2026, 3, 7, 22, 26), func() { o = post("work_orders", urgent, "owner1@example.com") })
	wantDue(t, "urgent repair at 22:26 on a Saturday", o, "reply_due", shAt(2026, 3, 7, 22, 41))
	wantDue(t, "urgent repair at 22:26 on a Saturday", o, "arrival_due", shAt(2026, 3, 7, 22, 56))
	desk, tech := staffRec(t, app, "frontdesk@example.com"), staffRec(t, app, "tech1@example.com")
	arrive := func(o *core.Record, at time.Time) string {
		t.Helper()
		var err error
		atTime(at, func() {
			if _, err = hooks.AdvanceWorkOrder(app, o.Id, desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}); err != nil {
				return
			}
			if _, err = hooks.AdvanceWorkOrder(app, o.Id, tech, "accepted", nil); err != nil {
				return
			}
			o, err = hooks.AdvanceWorkOrder(app, o.Id, tech, "on_site", nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		return o.GetString("arrival")
	}
	if v := arrive(o, shAt(2026, 3, 7, 22, 50)); v != "on_time" {
		t.Errorf("urgent repair reached after 24 minutes: %s, want on_time", v)
	}
	atTime(shAt(2026, 3, 7, 22, 26), func() { o = post("work_orders", urgent, "owner1@example.com") })
	if v := arrive(o, shAt(2026, 3, 7, 23, 0)); v != "late" {
		t.Errorf("urgent repair reached after 34 minutes: %s, want late", v)
	}

	// A minor repair's technician: no more than 5 minutes early nor 2 late
	// to the appointment [004] 三 7.1.
	atTime(shAt(2026, 3, 9, 9, 0), func() {
		o = post("work_orders", `{"unit":"`+unit+`","service_item":"`+itemID(t, app, "DQ01")+`","description":"插座没电",`+
			`"appointment_at":"2026-03-09 06:00:00.000Z"}`, "owner1@example.com")
	})
	wantDue(t, "minor repair at 14:00", o, "arrival_due", shAt(2026, 3, 9, 14, 2))
}

// TestPolicyInForceAtIntake: a deadline takes the policy in force when the
// complaint or order was taken in. The director's later edit does not move
// deadlines already set, nor one worked out afterwards for an earlier
// intake (a complaint graded major the next morning); it applies from then on.
func TestPolicyInForceAtIntake(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	owner, desk := residentRec(t, app, "owner1@example.com"), staffRec(t, app, "frontdesk@example.com")
	t1, t2, t3 := shAt(2026, 3, 2, 9, 0), shAt(2026, 3, 2, 9, 30), shAt(2026, 3, 3, 10, 0)

	var before, order *core.Record
	atTime(t1, func() {
		before = fileComplaint(t, app, owner, "1-101", "cleaning", nil)
		order = fileOrder(t, app, owner, "1-101", "DQ01", nil)
	})
	first := policy(t, app, ch, "complaint", "", "", "first_response")
	solution := policy(t, app, ch, "complaint", "major", "", "solution")
	reply := policy(t, app, ch, "work_order", "", "normal", "reply")
	atTime(t2, func() {
		for _, c := range []struct{ id, body string }{
			{first.Id, `{"amount":12}`},
			{solution.Id, `{"amount":24}`},
			{reply.Id, `{"amount":30,"office_opens":"09:00","office_closes":"17:00","office_days":"working_days"}`},
		} {
			code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/sla_policies/records/"+c.id, c.body, "director@example.com")
			expectBody(t, "the director edits a policy", code, body, 200)
		}
	})

	// Deadlines already set stay.
	before, _ = app.FindRecordById("complaints", before.Id)
	wantDue(t, "complaint filed before the edit", before, "first_response_due", t1.Add(24*time.Hour))
	order, _ = app.FindRecordById("work_orders", order.Id)
	wantDue(t, "order filed before the edit", order, "reply_due", t1.Add(15*time.Minute))

	// Graded major after the edit: the solution deadline is the one in
	// force at intake, 48 hours from receipt.
	atTime(t3, func() {
		code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+before.Id, `{"level":"major"}`, "frontdesk@example.com")
		expectBody(t, "the desk grades the complaint major", code, body, 200)
	})
	before, _ = app.FindRecordById("complaints", before.Id)
	wantDue(t, "graded major after the edit", before, "solution_due", t1.Add(48*time.Hour))
	wantDue(t, "graded major after the edit", before, "first_response_due", t1.Add(24*time.Hour))

	// Taken in after the edit: the new promises.
	var after, order2 *core.Record
	atTime(t3, func() {
		after = fileComplaint(t, app, desk, "1-102", "cleaning", map[string]any{"level": "major"})
		order2 = fileOrder(t, app, owner, "1-101", "DQ01", nil)
	})
	wantDue(t, "complaint filed after the edit", after, "first_response_due", t3.Add(12*time.Hour))
	wantDue(t, "complaint filed after the edit", after, "solution_due", t3.Add(24*time.Hour))
	wantDue(t, "order filed after the edit", order2, "reply_due", t3.Add(30*time.Minute))

	// The earlier version is kept, closed at the edit; the change is in the
	// timeline.
	var versions []*core.Record
	versions, _ = app.FindRecordsByFilter("sla_policies", "community = {:c} && subject = 'complaint' && level = '' && target = 'first_response'",
		"starts_at", 0, 0, dbx.Params{"c": ch})
	if len(versions) != 2 || versions[0].GetInt("amount") != 24 || !versions[0].GetDateTime("ends_at").Time().Equal(t2) ||
		versions[1].GetInt("amount") != 12 || !versions[1].GetDateTime("starts_at").Time().Equal(t2) || versions[1].Id != first.Id {
		t.Fatalf("policy history: %v", versions)
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": first.Id, "action": "update"}); n != 1 {
		t.Fatalf("%d update events for the policy, want 1", n)
	}
	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/sla_policies/records/"+versions[0].Id, `{"amount":6}`, "director@example.com")
	expectBody(t, "an earlier version cannot be changed", code, body, 400, "已被新版本取代")
}

// TestPolicyEditIsDirectorOnly: the director sets the service levels; every
// other caller is refused with 403 and nothing changes.
func TestPolicyEditIsDirectorOnly(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	p := policy(t, app, ch, "complaint", "", "", "first_response")
	n, _ := app.CountRecords("sla_policies")
	for _, who := range []string{"supervisor@example.com", "frontdesk@example.com", "tech1@example.com", "cashier@example.com", "owner1@example.com"} {
		code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/sla_policies/records/"+p.Id, `{"amount":1}`, who)
		expectBody(t, "edit by "+who, code, body, 403, "只有管理处主任")
		code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/sla_policies/records",
			`{"community":"`+ch+`","subject":"complaint","level":"major","target":"first_response","amount":4,"unit":"clock_hours"}`, who)
		expectBody(t, "new policy by "+who, code, body, 403, "只有管理处主任")
	}
	if m, _ := app.CountRecords("sla_policies"); m != n {
		t.Fatalf("refused writes changed the policies: %d → %d", n, m)
	}
	if p2, _ := app.FindRecordById("sla_policies", p.Id); p2.GetInt("amount") != 24 {
		t.Fatal("a refused edit changed the amount")
	}
	// The director adds a stricter first response for major complaints.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/sla_policies/records",
		`{"community":"`+ch+`","subject":"complaint","level":"major","target":"first_response","amount":4,"unit":"clock_hours"}`, "director@example.com")
	expectBody(t, "the director adds a policy", code, body, 200, `"starts_at":"20`, `"changed_by":"`+testapp.ID(t, "staff:director@example.com")+`"`)
	// In force from now on (the clock of the request).
	c := fileComplaint(t, app, staffRec(t, app, "frontdesk@example.com"), "1-101", "security", map[string]any{"level": "major"})
	wantDue(t, "major complaint under the stricter policy", c, "first_response_due", c.GetDateTime("received_at").Time().Add(4*time.Hour))
}

// TestPolicyBadInput: a policy that makes no sense is refused with a 400 a
// clerk understands, in Chinese, and nothing changes.
func TestPolicyBadInput(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	p := policy(t, app, ch, "work_order", "", "normal", "reply")
	n, _ := app.CountRecords("sla_policies")
	base := `"community":"` + ch + `",`
	for _, c := range []struct{ name, method, url, body, want string }{
		{"amount zero", http.MethodPatch, p.Id, `{"amount":0}`, "不能为空"},
		{"negative amount", http.MethodPatch, p.Id, `{"amount":-5}`, "数值太小"},
		{"amount not whole", http.MethodPatch, p.Id, `{"amount":1.5}`, "必须是整数"},
		{"unknown unit", http.MethodPatch, p.Id, `{"unit":"weeks"}`, "计时单位：取值无效"},
		{"opening time malformed", http.MethodPatch, p.Id, `{"office_opens":"8点"}`, "服务开始时间：时间格式应为 08:00"},
		{"closing before opening", http.MethodPatch, p.Id, `{"office_opens":"18:00","office_closes":"08:00"}`, "结束时间必须晚于开始时间"},
		{"hours incomplete", http.MethodPatch, p.Id, `{"office_days":""}`, "服务时间须同时填写"},
		{"hours on working days", http.MethodPatch, p.Id, `{"unit":"working_days"}`, "不按服务时间计算"},
		{"what it is about is fixed", http.MethodPatch, p.Id, `{"target":"arrival"}`, "创建后不能修改"},
		{"early minutes off arrival", http.MethodPatch, p.Id, `{"early_minutes":5}`, "只用于到场时限"},
		{"urgency on a complaint", http.MethodPost, "", `{` + base + `"subject":"complaint","urgency":"urgent","target":"reply","amount":1,"unit":"working_days"}`, "紧急程度只用于派工单"},
		{"arrival of a complaint", http.MethodPost, "", `{` + base + `"subject":"complaint","level":"major","target":"arrival","amount":1,"unit":"minutes"}`, "派工单的是回复或到场"},
		{"a level on a work order", http.MethodPost, "", `{` + base + `"subject":"work_order","level":"major","urgency":"urgent","target":"reply","amount":5,"unit":"minutes"}`, "投诉级别只用于投诉"},
		{"arrival in working days", http.MethodPost, "", `{` + base + `"subject":"work_order","urgency":"urgent","target":"arrival","amount":1,"unit":"working_days"}`, "到场时限请用分钟或小时"},
		{"a second policy in force", http.MethodPost, "", `{` + base + `"subject":"work_order","urgency":"normal","target":"reply","amount":5,"unit":"minutes"}`, "已有同一对象"},
		{"no target", http.MethodPost, "", `{` + base + `"subject":"work_order","urgency":"urgent","amount":5,"unit":"minutes"}`, "不能为空"},
	} {
		url := "/api/collections/sla_policies/records"
		if c.url != "" {
			url += "/" + c.url
		}
		code, body := testapp.Do(t, h, c.method, url, c.body, "director@example.com")
		expectBody(t, c.name, code, body, 400, c.want)
		if strings.Contains(body, "Failed") {
			t.Errorf("%s: an English message by default: %s", c.name, body)
		}
	}
	if m, _ := app.CountRecords("sla_policies"); m != n {
		t.Fatalf("refused writes changed the policies: %d → %d", n, m)
	}
	if p2, _ := app.FindRecordById("sla_policies", p.Id); p2.GetInt("amount") != 15 || p2.GetString("office_opens") != "08:00" {
		t.Fatal("a refused edit changed the policy")
	}
}

// TestPoliciesSeeded: every community has the manuals' defaults, a new one
// too.
func TestPoliciesSeeded(t *testing.T) {
	app := testapp.New(t)
	for _, key := range []string{"community:CH", "community:YX"} {
		if n, _ := app.CountRecords("sla_policies", dbx.HashExp{"community": testapp.ID(t, key)}); n != 9 {
			t.Errorf("%s has %d policies, want the 9 defaults", key, n)
		}
	}
	col, _ := app.FindCollectionByNameOrId("communities")
	c := core.NewRecord(col)
	c.Set("name", "新小区")
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords("sla_policies", dbx.HashExp{"community": c.Id}); n != 9 {
		t.Errorf("a new community has %d policies, want 9", n)
	}
}

// TestWorkOrderStatsByUrgency: the statistics show urgent (急修) and minor
// (零修) repairs apart against [004] 三 7.6 (及时率100%，返修率不高于1%，满意率不低于95%),
// beside the existing keys.
func TestWorkOrderStatsByUrgency(t *testing.T) {
	app := testapp.New(t)
	owner := residentRec(t, app, "owner1@example.com")
	desk, tech := staffRec(t, app, "frontdesk@example.com"), staffRec(t, app, "tech1@example.com")
	at := shAt(2026, 5, 4, 10, 0)
	var late, onTime *core.Record
	atTime(at, func() {
		late = fileOrder(t, app, owner, "1-101", "DQ01", map[string]any{"urgency": "urgent"})
		onTime = fileOrder(t, app, owner, "1-101", "DQ01", map[string]any{"urgency": "urgent"})
		fileOrder(t, app, owner, "1-101", "DQ01", nil)
	})
	for _, c := range []struct {
		o     *core.Record
		after time.Duration
	}{{late, 40 * time.Minute}, {onTime, 20 * time.Minute}} {
		atTime(at.Add(c.after), func() {
			for _, s := range []struct {
				who    *core.Record
				to     string
				fields map[string]any
			}{{desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}}, {tech, "accepted", nil}, {tech, "on_site", nil}} {
				if _, err := hooks.AdvanceWorkOrder(app, c.o.Id, s.who, s.to, s.fields); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	stats, err := hooks.WorkOrderStats(app, testapp.ID(t, "community:CH"), at, at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"totals", "reply_rate", "arrival_rate", "rework_rate", "satisfaction_rate", "targets"} {
		if _, ok := stats[k]; !ok {
			t.Errorf("the statistics lost %s", k)
		}
	}
	raw, _ := json.Marshal(stats["by_urgency"])
	var by map[string]struct {
		Totals struct {
			Total, Arrivals int
			ArrivalsOnTime  int `json:"arrivals_on_time"`
		}
		OnTimeRate *float64           `json:"on_time_rate"`
		Targets    map[string]float64 `json:"targets"`
	}
	if err := json.Unmarshal(raw, &by); err != nil {
		t.Fatal(err)
	}
	u, n := by["urgent"], by["normal"]
	if u.Totals.Total != 2 || u.Totals.Arrivals != 2 || u.Totals.ArrivalsOnTime != 1 || u.OnTimeRate == nil || *u.OnTimeRate != 0.5 {
		t.Errorf("urgent: %+v", u)
	}
	if n.Totals.Total < 1 || u.Targets["on_time_rate"] != 1 || u.Targets["rework_rate"] != 0.01 || u.Targets["satisfaction_rate"] != 0.95 {
		t.Errorf("normal %+v, targets %v", n, u.Targets)
	}
}
