package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// dashboardFixture fills 银杏苑 (which has no demo complaints, work orders,
// renovations or bills) with a month of records around Tuesday 18 March
// 2025, 10:00 in Shanghai, the clock of the tests below.
type dashboardFixture struct {
	app     *tests.TestApp
	yx      string
	at      time.Time
	serials map[string]string // fixture name → serial
	ids     map[string]string // fixture name → id
}

func stampOf(tm time.Time) string { return tm.UTC().Format(types.DefaultDateLayout) }

func newDashboardFixture(t *testing.T) *dashboardFixture {
	t.Helper()
	sh := workcal.Shanghai
	f := &dashboardFixture{app: testapp.New(t), yx: testapp.ID(t, "community:YX"), at: time.Date(2025, 3, 18, 10, 0, 0, 0, sh),
		serials: map[string]string{}, ids: map[string]string{}}
	app, at := f.app, f.at
	clock := at
	restore := hooks.SetNow(func() time.Time { return clock })
	t.Cleanup(restore)
	when := func(tm time.Time) func() { prev := clock; clock = tm; return func() { clock = prev } }
	save := func(name, col string, fields map[string]any) *core.Record {
		t.Helper()
		c, err := app.FindCollectionByNameOrId(col)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		for k, v := range fields {
			r.Set(k, v)
		}
		if err := app.Save(r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		f.serials[name], f.ids[name] = r.GetString("serial"), r.Id
		return r
	}
	// created is an autodate: set the fixture's own through SQL.
	backdate := func(table, id string, tm time.Time) {
		t.Helper()
		if _, err := app.DB().Update(table, dbx.Params{"created": stampOf(tm)}, dbx.HashExp{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	unit := func(key string) string { return testapp.ID(t, "unit:"+key) }

	// Patrol tasks due in March: 4 done (one early, due on the 23rd),
	// 1 missed, 1 open past its day, 1 open not yet due; one each in
	// February and April do not count.
	for i, p := range []struct{ due, status string }{
		{"2025-03-02", "done"}, {"2025-03-09", "done"}, {"2025-03-16", "done"}, {"2025-03-23", "done"},
		{"2025-03-09", "missed"}, {"2025-03-16", "open"}, {"2025-03-20", "open"},
		{"2025-02-28", "done"}, {"2025-04-01", "open"},
	} {
		save("", "patrol_tasks", map[string]any{"community": f.yx, "unit": unit("A-101"), "kind": "weekly",
			"period": "T" + string(rune('0'+i)), "due_on": p.due, "status": p.status})
	}

	// Renovations.
	reno := func(name, status string, fields map[string]any) *core.Record {
		base := map[string]any{"community": f.yx, "unit": unit("A-102"), "contractor_name": "测试装饰", "contractor_phone": "13600000001",
			"scope": []string{"walls"}, "planned_start": "2025-04-01", "planned_end": "2025-06-30", "status": status}
		for k, v := range fields {
			base[k] = v
		}
		return save(name, "renovations", base)
	}
	submitted := time.Date(2025, 3, 14, 9, 0, 0, 0, sh)
	reno("R1 engineering late", "submitted", map[string]any{"submitted_at": submitted, "engineering_due": at.Add(-time.Hour)})
	reno("R2 engineering due soon", "submitted", map[string]any{"submitted_at": submitted, "engineering_due": at.Add(2 * time.Hour)})
	reno("R3 engineering due in 2 days", "submitted", map[string]any{"submitted_at": submitted, "engineering_due": at.Add(48 * time.Hour)})
	reno("R4 approval late", "engineering_passed", map[string]any{"submitted_at": time.Date(2025, 2, 20, 9, 0, 0, 0, sh), "approval_due": at.Add(-3 * time.Hour)})
	r5 := reno("R5 permitted 5 March", "permitted", map[string]any{"permitted_at": time.Date(2025, 3, 5, 10, 0, 0, 0, sh)})
	reno("R6 permitted 31 March evening", "permitted", map[string]any{"permitted_at": time.Date(2025, 3, 31, 20, 0, 0, 0, sh)})
	reno("R7 permitted 1 April 01:00", "permitted", map[string]any{"permitted_at": time.Date(2025, 4, 1, 1, 0, 0, 0, sh)})
	reno("R8 permitted 28 February 23:00", "permitted", map[string]any{"permitted_at": time.Date(2025, 2, 28, 23, 0, 0, 0, sh)})
	// The escalation job flags R1 and R4; their flags are dated in March.
	if n, err := hooks.FlagOverdueReviews(app, at); err != nil || n != 2 {
		t.Fatalf("flag overdue reviews: %d %v", n, err)
	}
	if _, err := app.DB().Update("events", dbx.Params{"created": stampOf(at)},
		dbx.HashExp{"action": "overdue_review", "subject_id": []any{f.ids["R1 engineering late"], f.ids["R4 approval late"]}}).Execute(); err != nil {
		t.Fatal(err)
	}

	// Passes: one issued in March (and returned in March), one in April.
	p1 := save("pass March", "renovation_passes", map[string]any{"renovation": r5.Id, "worker_name": "刘师傅", "id_no": "500101199001011234",
		"returned_at": time.Date(2025, 3, 25, 9, 0, 0, 0, sh)})
	backdate("renovation_passes", p1.Id, time.Date(2025, 3, 10, 9, 0, 0, 0, sh))
	p2 := save("pass April", "renovation_passes", map[string]any{"renovation": r5.Id, "worker_name": "王师傅", "id_no": "500101199001015678"})
	backdate("renovation_passes", p2.Id, time.Date(2025, 4, 2, 9, 0, 0, 0, sh))
	// Hot work: one requested in March; approvals in March and April.
	h := save("hot work", "hot_work_permits", map[string]any{"renovation": r5.Id, "operator_name": "张焊工", "operator_cert": "T123",
		"place": "阳台", "window_start": time.Date(2025, 3, 12, 9, 0, 0, 0, sh), "window_end": time.Date(2025, 3, 12, 12, 0, 0, 0, sh), "status": "approved"})
	backdate("hot_work_permits", h.Id, time.Date(2025, 3, 11, 9, 0, 0, 0, sh))
	for _, day := range []int{12, 40} { // 12 March, 9 April
		if err := hooks.RecordEvent(app, hooks.Event{Subject: r5, Action: "hot_work_approved", To: "approved"}); err != nil {
			t.Fatal(err)
		}
		last, err := app.FindFirstRecordByFilter("events", "action = 'hot_work_approved' && subject_id = {:r} && created > '2026-01-01'", dbx.Params{"r": r5.Id})
		if err != nil {
			t.Fatal(err)
		}
		backdate("events", last.Id, time.Date(2025, 3, day, 9, 0, 0, 0, sh))
	}

	// Move-ins: A-102 on 31 March and A-201 on 1 March; A-301 on 1 April
	// and A-401 on 28 February do not count.
	for key, day := range map[string]string{"A-102": "2025-03-31", "A-201": "2025-03-01", "A-301": "2025-04-01", "A-401": "2025-02-28"} {
		u, err := app.FindRecordById("units", unit(key))
		if err != nil {
			t.Fatal(err)
		}
		u.Set("moved_in_on", day)
		if err := app.SaveNoValidate(u); err != nil {
			t.Fatal(err)
		}
	}

	// Complaints: four in March, one at the end of February (invalid) and
	// one at the start of April.
	desk := staffRec(t, app, "frontdesk.yx@example.com")
	sup := staffRec(t, app, "supervisor.yx@example.com")
	file := func(name string, tm time.Time, category string, extra map[string]any) *core.Record {
		defer when(tm)()
		c := fileComplaint(t, app, desk, "A-101", category, extra)
		f.serials[name], f.ids[name] = c.GetString("serial"), c.Id
		return c
	}
	step := func(tm time.Time, c *core.Record, to string, fields map[string]any) *core.Record {
		defer when(tm)()
		c, err := hooks.AdvanceComplaint(app, c.Id, sup, to, fields)
		if err != nil {
			t.Fatalf("%s → %s: %v", c.GetString("serial"), to, err)
		}
		return c
	}
	deadlines := func(c *core.Record, first, reply time.Time) {
		c.Set("first_response_due", first)
		c.Set("reply_due", reply)
		if err := app.SaveNoValidate(c); err != nil {
			t.Fatal(err)
		}
	}
	mon := time.Date(2025, 3, 3, 9, 0, 0, 0, sh)
	c1 := file("C1 answered", mon, "cleaning", nil)
	c1 = step(mon.Add(time.Hour), c1, "assigned", map[string]any{"handler": sup.Id})
	c1 = step(mon.Add(time.Hour), c1, "processing", nil)
	step(mon.Add(time.Hour), c1, "replied", map[string]any{"result": "已处理"})
	file("C2 forgotten", time.Date(2025, 3, 10, 9, 0, 0, 0, sh), "cleaning", map[string]any{"level": "major"})
	deadlines(file("C3 reply due soon", at.Add(-2*time.Hour), "security", nil), at.AddDate(0, 0, 6), at.Add(2*time.Hour))
	deadlines(file("C4 reply due next week", at.Add(-24*time.Hour), "greening", nil), at.AddDate(0, 0, 6), at.AddDate(0, 0, 7))
	step(at, file("C5 February", time.Date(2025, 2, 28, 23, 30, 0, 0, sh), "cleaning", nil), "invalid", map[string]any{"invalid_reason": "非物业事项"})
	file("C6 April", time.Date(2025, 4, 1, 0, 0, 0, 0, sh), "cleaning", nil)

	// Work orders waiting for their 15-minute reply, and two finished ones
	// either side of the end of March in Shanghai.
	order := func(name, status string, fields map[string]any) {
		base := map[string]any{"community": f.yx, "unit": unit("A-102"), "contact_name": "测试", "contact_phone": "13700000000",
			"kind": "routine", "category": "plumbing", "description": "水管漏水", "status": status, "received_at": at.Add(-5 * time.Minute)}
		for k, v := range fields {
			base[k] = v
		}
		save(name, "work_orders", base)
	}
	order("W1 reply due in 10 min", "new", map[string]any{"reply_due": at.Add(10 * time.Minute)})
	order("W2 reply due in an hour", "new", map[string]any{"reply_due": at.Add(time.Hour)})
	order("W3 answered", "dispatched", map[string]any{"reply_due": at.Add(-time.Hour), "replied_at": at.Add(-70 * time.Minute), "dispatch_mode": "assign"})
	order("W4 reply late", "new", map[string]any{"reply_due": at.Add(-5 * time.Minute)})
	feb := time.Date(2025, 2, 20, 9, 0, 0, 0, sh)
	order("W5 completed 31 March", "signed_off", map[string]any{"received_at": feb, "completed_at": time.Date(2025, 3, 31, 20, 0, 0, 0, sh),
		"signoff": "confirmed", "signed_off_at": time.Date(2025, 3, 31, 21, 0, 0, 0, sh)})
	order("W6 completed 1 April", "signed_off", map[string]any{"received_at": feb, "completed_at": time.Date(2025, 4, 1, 1, 0, 0, 0, sh),
		"signoff": "rework", "signed_off_at": time.Date(2025, 4, 2, 9, 0, 0, 0, sh)})

	// Bills of March and April (the void one never counts).
	bill := func(name, period string, amount, discount, paid int, status string) {
		save(name, "bills", map[string]any{"community": f.yx, "unit": unit("A-102"), "period": period, "period_start": period + "-01",
			"period_end": period + "-28", "amount_fen": amount, "discount_fen": discount, "paid_fen": paid, "due_on": period + "-10", "status": status})
	}
	bill("B1", "2025-03", 10000, 1000, 9000, "paid")
	bill("B2", "2025-03", 20000, 0, 5000, "partially_paid")
	bill("B3", "2025-03", 50000, 0, 0, "void")
	bill("B4", "2025-04", 10000, 0, 12000, "paid") // late fee paid too: counts as 100%
	clock = at
	return f
}

func TestDashboardFiguresOnAKnownFixture(t *testing.T) {
	f := newDashboardFixture(t)
	d, err := hooks.Dashboard(f.app, f.yx, time.Date(2025, 3, 1, 0, 0, 0, 0, workcal.Shanghai), f.at)
	if err != nil {
		t.Fatal(err)
	}
	// Patrols: due = 4 done + 1 missed + 1 open past its day (missed, not
	// flagged yet); 4 of 6 done.
	if p := d.Patrols; p.Planned != 7 || p.Due != 6 || p.Done != 4 || p.Missed != 2 || p.Open != 1 || p.CarriedOver != 0 || p.Outstanding != 2 || p.Coverage != 0.6667 {
		t.Errorf("patrols %+v", p)
	}
	if r := d.RenovationReviews; r.AwaitingEngineering != 3 || r.AwaitingApproval != 1 || r.EngineeringOverdue != 1 ||
		r.ApprovalOverdue != 1 || r.Overdue != 2 || r.FlaggedInMonth != 2 {
		t.Errorf("renovation reviews %+v", r)
	}
	rep := d.Report
	want := map[string][2]int{
		"move-ins":             {rep.MoveIns, 2},
		"applications":         {rep.RenovationApplications, 3},
		"renovations started":  {rep.RenovationsStarted, 2}, // R5 and R6; R7 is 1 April in Shanghai
		"passes issued":        {rep.PassesIssued, 1},
		"passes returned":      {rep.PassesReturned, 1},
		"hot work requested":   {rep.HotWorkRequested, 1},
		"hot work approved":    {rep.HotWorkApproved, 1},
		"complaints received":  {rep.Complaints, 4},
		"cleaning complaints":  {rep.ComplaintsByCategory["cleaning"], 2},
		"security complaints":  {rep.ComplaintsByCategory["security"], 1},
		"greening complaints":  {rep.ComplaintsByCategory["greening"], 1},
		"major complaints":     {rep.ComplaintsByLevel["major"], 1},
		"general complaints":   {rep.ComplaintsByLevel["general"], 3},
		"breach list entries":  {len(d.Breaching), 8},
		"complaint categories": {len(rep.ComplaintsByCategory), 3},
	}
	for k, v := range want {
		if v[0] != v[1] {
			t.Errorf("%s = %d, want %d", k, v[0], v[1])
		}
	}

	// About to breach, soonest first: C2's two deadlines long past, R4, R1,
	// W4 late; W1 within its 15 minutes; R2 and C3 within 4 hours. Not C4
	// (next week), R3 (2 days), W2 (an hour: more than 15 minutes), W3
	// (answered), C1 (answered), C5 (invalid) or C6 (April).
	type key struct{ name, kind string }
	wantList := []key{{"C2 forgotten", "complaint_reply"}, {"C2 forgotten", "complaint_first_response"},
		{"R4 approval late", "renovation_approval"}, {"R1 engineering late", "renovation_engineering"},
		{"W4 reply late", "work_order_reply"}, {"W1 reply due in 10 min", "work_order_reply"},
		{"R2 engineering due soon", "renovation_engineering"}, {"C3 reply due soon", "complaint_reply"}}
	byID := map[string]hooks.BreachItem{}
	for _, b := range d.Breaching {
		byID[b.ID+" "+b.Kind] = b
	}
	for _, w := range wantList {
		b, ok := byID[f.ids[w.name]+" "+w.kind]
		if !ok {
			t.Errorf("%s (%s) is not in the list %+v", w.name, w.kind, d.Breaching)
			continue
		}
		if b.Serial != f.serials[w.name] || b.Overdue != (b.Due < stampOf(f.at)) {
			t.Errorf("%s: %+v", w.name, b)
		}
	}
	for _, name := range []string{"C4 reply due next week", "R3 engineering due in 2 days", "W2 reply due in an hour", "W3 answered",
		"C1 answered", "C5 February", "C6 April"} {
		for _, b := range d.Breaching {
			if b.ID == f.ids[name] {
				t.Errorf("%s is in the list: %+v", name, b)
			}
		}
	}
	for i := 1; i < len(d.Breaching); i++ {
		if d.Breaching[i-1].Due > d.Breaching[i].Due {
			t.Errorf("not soonest first: %s after %s", d.Breaching[i].Due, d.Breaching[i-1].Due)
		}
	}
	c3 := byID[f.ids["C3 reply due soon"]+" complaint_reply"]
	if c3.Overdue || c3.Link != "#/complaints/"+f.ids["C3 reply due soon"] || c3.Place != "A座 101" || c3.Category != "security" {
		t.Errorf("C3: %+v", c3)
	}
	if r1 := byID[f.ids["R1 engineering late"]+" renovation_engineering"]; !r1.Overdue || r1.Link != "#/renovations/"+f.ids["R1 engineering late"] {
		t.Errorf("R1: %+v", r1)
	}

	// The route gives the same figures to the community's supervisor.
	h := testapp.Handler(t, f.app)
	code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/dashboard?community="+f.yx+"&month=2025-03", "", "supervisor.yx@example.com")
	if code != 200 {
		t.Fatalf("supervisor: %d %s", code, body)
	}
	var got struct {
		Patrols   map[string]any    `json:"patrols"`
		Report    map[string]any    `json:"report"`
		Breaching []json.RawMessage `json:"breaching"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Patrols["coverage"] != 0.6667 || got.Report["renovations_started"] != 2.0 || got.Report["move_ins"] != 2.0 || len(got.Breaching) != 8 {
		t.Errorf("route: %s", body)
	}
	if !strings.Contains(body, `"serial":"`+f.serials["C3 reply due soon"]+`"`) || strings.Contains(body, f.serials["C4 reply due next week"]) {
		t.Errorf("route's list: %s", body)
	}
}

func TestDashboardTrendsByShanghaiMonth(t *testing.T) {
	f := newDashboardFixture(t)
	rows, err := hooks.Trends(f.app, f.yx, time.Date(2025, 4, 1, 0, 0, 0, 0, workcal.Shanghai), 3, f.at)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Month != "2025-02" || rows[2].Month != "2025-04" {
		t.Fatalf("months %+v", rows)
	}
	feb, mar, apr := rows[0], rows[1], rows[2]
	// Complaints: C5 in February (invalid: not due), C1–C4 in March (C1 on
	// time, C2 late, C3 and C4 not yet due), C6 in April.
	if feb.Complaints != 1 || feb.ComplaintsDue != 0 || feb.ComplaintsOnTimeR != nil ||
		mar.Complaints != 4 || mar.ComplaintsDue != 2 || mar.ComplaintsOnTime != 1 || mar.ComplaintsOnTimeR != 0.5 ||
		apr.Complaints != 1 {
		t.Errorf("complaints: %+v / %+v / %+v", feb, mar, apr)
	}
	// Work orders: W5 and W6 received in February, W1–W4 in March; W5
	// completed on 31 March, W6 at 01:00 on 1 April (still 31 March in UTC)
	// and sent back for rework.
	if feb.WorkOrders != 2 || mar.WorkOrders != 4 || apr.WorkOrders != 0 ||
		mar.WorkOrdersCompleted != 1 || apr.WorkOrdersCompleted != 1 ||
		mar.SignedOff != 1 || mar.Rework != 0 || mar.ReworkRate != 0.0 ||
		apr.SignedOff != 1 || apr.Rework != 1 || apr.ReworkRate != 1.0 || feb.ReworkRate != nil {
		t.Errorf("work orders: %+v / %+v / %+v", feb, mar, apr)
	}
	// Bills: March 9,000 + 20,000 billed, 9,000 + 5,000 paid; April fully paid.
	if mar.BilledFen != 29000 || mar.PaidFen != 14000 || mar.CollectionRate != 0.4828 ||
		apr.BilledFen != 10000 || apr.PaidFen != 10000 || apr.CollectionRate != 1.0 || feb.CollectionRate != nil {
		t.Errorf("bills: %+v / %+v / %+v", feb, mar, apr)
	}

	h := testapp.Handler(t, f.app)
	code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/trends?community="+f.yx+"&months=3&month=2025-04", "", "supervisor.yx@example.com")
	if code != 200 || !strings.Contains(body, `"from":"2025-02"`) || !strings.Contains(body, `"collection_rate":0.4828`) ||
		!strings.Contains(body, `"complaints_on_time_rate":0.5`) {
		t.Errorf("route: %d %s", code, body)
	}
	// Without month, the last month is the current one (the test clock's).
	code, body = testapp.Do(t, h, http.MethodGet, "/api/stats/trends?community="+f.yx, "", "supervisor.yx@example.com")
	if code != 200 || !strings.Contains(body, `"from":"2024-10"`) || !strings.Contains(body, `"to":"2025-03"`) || !strings.Contains(body, `"months":6`) {
		t.Errorf("default months: %d %s", code, body)
	}
}

func TestDashboardAccessAndMonthValidation(t *testing.T) {
	ch := testapp.ID(t, "community:CH")
	dash := "/api/stats/dashboard?community=" + ch + "&month="
	trends := "/api/stats/trends?community=" + ch
	scenarios := []tests.ApiScenario{
		{Name: "the director sees the dashboard", Method: http.MethodGet, URL: dash + "2026-11",
			Headers: testapp.Auth(t, "director@example.com"), ExpectedStatus: 200,
			ExpectedContent: []string{`"month":"2026-11"`, `"patrols":{`, `"breaching":[`, `"report":{`, `"move_ins":`}},
		{Name: "so does the supervisor", Method: http.MethodGet, URL: dash + "2026-11",
			Headers: testapp.Auth(t, "supervisor@example.com"), ExpectedStatus: 200, ExpectedContent: []string{`"renovation_reviews":{`}},
		{Name: "not the front desk", Method: http.MethodGet, URL: dash + "2026-11",
			Headers: testapp.Auth(t, "frontdesk@example.com"), ExpectedStatus: 403, NotExpectedContent: []string{`"patrols"`}},
		{Name: "not another community's supervisor", Method: http.MethodGet, URL: dash + "2026-11",
			Headers: testapp.Auth(t, "supervisor.yx@example.com"), ExpectedStatus: 403, NotExpectedContent: []string{`"patrols"`}},
		{Name: "not a resident", Method: http.MethodGet, URL: dash + "2026-11",
			Headers: testapp.Auth(t, "owner1@example.com"), ExpectedStatus: 403, NotExpectedContent: []string{`"patrols"`}},
		{Name: "guests sign in first", Method: http.MethodGet, URL: dash + "2026-11", ExpectedStatus: 401, NotExpectedContent: []string{`"patrols"`}},
		{Name: "a bad month", Method: http.MethodGet, URL: dash + "2026-13",
			Headers: testapp.Auth(t, "director@example.com"), ExpectedStatus: 400, ExpectedContent: []string{`月份：月份格式应为 年-月，例如 2026-11`}},
		{Name: "no month", Method: http.MethodGet, URL: dash,
			Headers: testapp.Auth(t, "director@example.com"), ExpectedStatus: 400, ExpectedContent: []string{`月份格式应为`}},
		{Name: "a bad month in English", Method: http.MethodGet, URL: dash + "Nov-2026",
			Headers: map[string]string{"Authorization": testapp.Token(t, "director@example.com"), "Accept-Language": "en"}, ExpectedStatus: 400,
			ExpectedContent: []string{`Month: The month must look like 2026-11.`}},
		{Name: "the director sees the trends", Method: http.MethodGet, URL: trends + "&months=12&month=2026-11",
			Headers: testapp.Auth(t, "director@example.com"), ExpectedStatus: 200,
			ExpectedContent: []string{`"from":"2025-12"`, `"to":"2026-11"`, `"months":12`, `{"month":"2026-10",`}},
		{Name: "not the front desk", Method: http.MethodGet, URL: trends,
			Headers: testapp.Auth(t, "frontdesk@example.com"), ExpectedStatus: 403, NotExpectedContent: []string{`"rows"`}},
		{Name: "not another community's supervisor", Method: http.MethodGet, URL: trends,
			Headers: testapp.Auth(t, "supervisor.yx@example.com"), ExpectedStatus: 403, NotExpectedContent: []string{`"rows"`}},
		{Name: "at most 24 months", Method: http.MethodGet, URL: trends + "&months=25",
			Headers: testapp.Auth(t, "director@example.com"), ExpectedStatus: 400, ExpectedContent: []string{`月数：月数应为 1 到 24 之间的整数`}},
		{Name: "a whole number of months, in English", Method: http.MethodGet, URL: trends + "&months=six&lang=en",
			Headers: testapp.Auth(t, "director@example.com"), ExpectedStatus: 400,
			ExpectedContent: []string{`Months: The number of months must be a whole number from 1 to 24.`}},
		{Name: "a bad last month", Method: http.MethodGet, URL: trends + "&month=2026-00",
			Headers: testapp.Auth(t, "director@example.com"), ExpectedStatus: 400, ExpectedContent: []string{`月份格式应为`}},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// TestDashboardCountsANewComplaint: a complaint the desk files through the
// API counts at once in the month's figures and, due within four hours,
// in the list; one due next week does not.
func TestDashboardCountsANewComplaint(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	month := clock.Now().In(workcal.Shanghai).Format("2006-01")
	url := "/api/stats/dashboard?community=" + ch + "&month=" + month
	read := func() hooks.DashboardData {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, url, "", "director@example.com")
		if code != 200 {
			t.Fatalf("dashboard: %d %s", code, body)
		}
		var d hooks.DashboardData
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	before := read()
	file := func() string {
		code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
			`{"unit":"`+testapp.ID(t, "unit:1-102")+`","category":"mail","channel":"phone","content":"报纸没有送到","contact_name":"王芳","contact_phone":"13800000004"}`,
			"frontdesk@example.com")
		if code != 200 {
			t.Fatalf("file: %d %s", code, body)
		}
		var c struct{ ID string }
		_ = json.Unmarshal([]byte(body), &c)
		return c.ID
	}
	soon, later := file(), file()
	for id, due := range map[string]time.Time{soon: clock.Now().Add(3 * time.Hour), later: clock.Now().AddDate(0, 0, 7)} {
		c, err := app.FindRecordById("complaints", id)
		if err != nil {
			t.Fatal(err)
		}
		c.Set("reply_due", due)
		c.Set("first_response_due", due)
		if err := app.SaveNoValidate(c); err != nil {
			t.Fatal(err)
		}
	}
	after := read()
	if after.Report.Complaints != before.Report.Complaints+2 ||
		after.Report.ComplaintsByCategory["mail"] != before.Report.ComplaintsByCategory["mail"]+2 {
		t.Errorf("complaints %d → %d, mail %v → %v", before.Report.Complaints, after.Report.Complaints,
			before.Report.ComplaintsByCategory, after.Report.ComplaintsByCategory)
	}
	kinds := map[string][]string{}
	for _, b := range after.Breaching {
		kinds[b.ID] = append(kinds[b.ID], b.Kind)
	}
	if len(kinds[soon]) != 2 || len(kinds[later]) != 0 {
		t.Errorf("soon %v, later %v", kinds[soon], kinds[later])
	}
}
