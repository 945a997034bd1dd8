package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/serial"
	"wuye/lib/workcal"
)

func staffRec(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail("staff", email)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func residentRec(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail("residents", email)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fileComplaint takes in a complaint for unit key (e.g. "1-101") as auth.
func fileComplaint(t testing.TB, app core.App, auth *core.Record, unit, category string, extra map[string]any) *core.Record {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("complaints")
	if err != nil {
		t.Fatal(err)
	}
	c := core.NewRecord(col)
	c.Set("unit", testapp.ID(t, "unit:"+unit))
	c.Set("category", category)
	c.Set("content", "测试投诉 "+category)
	c.Set("contact_name", "测试")
	c.Set("contact_phone", "13700000000")
	if isStaffRec(auth) {
		c.Set("channel", "phone")
	}
	for k, v := range extra {
		c.Set(k, v)
	}
	if err := hooks.FileComplaint(app, c, auth); err != nil {
		t.Fatalf("file complaint: %v", err)
	}
	stored, err := app.FindRecordById("complaints", c.Id)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

func isStaffRec(r *core.Record) bool { return r != nil && r.Collection().Name == "staff" }

// TestComplaintLifecycleThroughTheAPI walks one complaint from the portal
// to closing, each step by the person who takes it in an office.
func TestComplaintLifecycleThroughTheAPI(t *testing.T) {
	app := testapp.New(t)
	var id string
	steps := []struct {
		name, who, method, body string
		want                    []string
	}{
		{"owner files through the portal", "owner1@example.com", http.MethodPost,
			`{"unit":"` + testapp.ID(t, "unit:1-101") + `","category":"cleaning","content":"垃圾桶满了没人清","status":"closed","channel":"phone","level":"major"}`,
			[]string{`"status":"received"`, `"channel":"portal"`, `"level":"general"`, `"contact_name":"李明"`, `"serial":"TS-`}},
		{"front desk assigns it", "frontdesk@example.com", http.MethodPatch,
			`{"status":"assigned","handler":"` + testapp.ID(t, "staff:tech1@example.com") + `","department":"cleaning"}`,
			[]string{`"status":"assigned"`, `"first_responded_at":"20`}},
		{"the handler starts", "tech1@example.com", http.MethodPatch, `{"status":"processing"}`,
			[]string{`"status":"processing"`}},
		{"the handler replies with the result", "tech1@example.com", http.MethodPatch, `{"status":"replied","result":"已清运并增加清运频次"}`,
			[]string{`"status":"replied"`, `"replied_at":"20`}},
		{"the owner rates it", "owner1@example.com", http.MethodPatch, `{"status":"revisited","satisfaction":"satisfied","revisit_note":"很快"}`,
			[]string{`"status":"revisited"`, `"revisited_at":"20`, `"satisfaction":"satisfied"`}},
		{"the front desk closes it", "frontdesk@example.com", http.MethodPatch, `{"status":"closed"}`,
			[]string{`"status":"closed"`, `"closed_at":"20`}},
	}
	h := testapp.Handler(t, app)
	for _, s := range steps {
		url := "/api/collections/complaints/records"
		if s.method == http.MethodPatch {
			url += "/" + id
		}
		code, body := testapp.Do(t, h, s.method, url, s.body, s.who)
		if code != 200 {
			t.Fatalf("%s: %d %s", s.name, code, body)
		}
		for _, w := range s.want {
			if !strings.Contains(body, w) {
				t.Fatalf("%s: no %s in %s", s.name, w, body)
			}
		}
		if id == "" {
			c, err := app.FindFirstRecordByFilter("complaints", "content='垃圾桶满了没人清'")
			if err != nil {
				t.Fatal(err)
			}
			id = c.Id
			if _, err := serial.Parse(c.GetString("serial")); err != nil || c.GetString("resident") != testapp.ID(t, "residents:owner1@example.com") {
				t.Fatalf("intake: serial %q resident %q", c.GetString("serial"), c.GetString("resident"))
			}
		}
	}
	events, err := app.FindAllRecords("events", dbx.HashExp{"subject_id": id})
	if err != nil || len(events) != 6 {
		t.Fatalf("%d events for the lifecycle, want 6 (one per step): %v", len(events), err)
	}
	for _, e := range events {
		if !e.GetBool("public") || e.GetString("resident") != testapp.ID(t, "residents:owner1@example.com") {
			t.Fatalf("a lifecycle event is not on the complainant's timeline: %v", e)
		}
	}
}

func TestComplaintIntake(t *testing.T) {
	u101 := testapp.ID(t, "unit:1-101")
	complaints := count(t, "complaints")
	bad := func(name, who, body string, want ...string) tests.ApiScenario {
		return tests.ApiScenario{
			Name: name, Method: http.MethodPost, URL: "/api/collections/complaints/records",
			Body: strings.NewReader(body), Headers: testapp.Auth(t, who),
			ExpectedStatus: 400, ExpectedContent: want,
			AfterTestFunc: unchanged("complaints", complaints),
		}
	}
	scenarios := []tests.ApiScenario{
		bad("a resident files only for a unit they live in", "owner2@example.com",
			`{"unit":"`+u101+`","category":"cleaning","content":"x"}`, `无法创建`),
		bad("a former tenant cannot file for the old unit", "former1@example.com",
			`{"unit":"`+testapp.ID(t, "unit:1-102")+`","category":"cleaning","content":"x"}`, `无法创建`),
		bad("missing fields are named", "frontdesk@example.com",
			`{"unit":"`+u101+`","channel":"phone"}`,
			`"category":{"code":"validation_required"`, `"content":{"code":"validation_required"`, `投诉类别：不能为空`, `投诉内容：不能为空`),
		bad("the portal channel is the residents'", "frontdesk@example.com",
			`{"unit":"`+u101+`","channel":"portal","category":"cleaning","content":"x","contact_name":"李","contact_phone":"13800000001"}`,
			`“网上”渠道只用于住户自己提交`),
		bad("a common-area complaint needs a location", "frontdesk@example.com",
			`{"community":"`+testapp.ID(t, "community:CH")+`","channel":"phone","category":"cleaning","content":"x","contact_name":"李","contact_phone":"13800000001"}`,
			`公共区域投诉请填写具体位置`),
		bad("staff of another community cannot file here", "frontdesk.yx@example.com",
			`{"unit":"`+u101+`","channel":"phone","category":"cleaning","content":"x","contact_name":"李","contact_phone":"13800000001"}`,
			`无法创建`),
		bad("a technician does not take complaints", "tech1@example.com",
			`{"unit":"`+u101+`","channel":"phone","category":"cleaning","content":"x","contact_name":"李","contact_phone":"13800000001"}`,
			`无法创建`),
		bad("a bad phone number", "frontdesk@example.com",
			`{"unit":"`+u101+`","channel":"phone","category":"cleaning","content":"x","contact_name":"李","contact_phone":"12345"}`,
			`联系电话：格式不正确`),
		{
			Name: "the front desk files for a caller and becomes the receiver", Method: http.MethodPost,
			URL: "/api/collections/complaints/records",
			Body: strings.NewReader(`{"unit":"` + u101 + `","channel":"phone","category":"security","content":"夜里有人撬门","contact_name":"李明","contact_phone":"13800000001","level":"major","receiver":"` +
				testapp.ID(t, "staff:director@example.com") + `"}`),
			Headers:        testapp.Auth(t, "frontdesk@example.com"),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"receiver":"` + testapp.ID(t, "staff:frontdesk@example.com") + `"`, `"channel":"phone"`,
				`"level":"major"`, `"community":"` + testapp.ID(t, "community:CH") + `"`, `"building":"` + testapp.ID(t, "building:CH-1") + `"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				// a major complaint alerts the supervisor and the director at once
				for _, who := range []string{"supervisor@example.com", "director@example.com"} {
					n, _ := app.CountRecords("notifications", dbx.HashExp{"recipient_staff": testapp.ID(t, "staff:"+who), "kind": "complaint_graded"},
						dbx.NewExp("title LIKE '%夜里有人撬门%'"))
					if n != 1 {
						t.Fatalf("%s got %d notices of the major complaint", who, n)
					}
				}
			},
		},
		{
			Name: "a common-area complaint with its location", Method: http.MethodPost,
			URL:             "/api/collections/complaints/records",
			Body:            strings.NewReader(`{"community":"` + testapp.ID(t, "community:CH") + `","location":"北门岗亭","channel":"visit","category":"security","content":"保安不在岗","contact_name":"王","contact_phone":"13800000009"}`),
			Headers:         testapp.Auth(t, "frontdesk@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"location":"北门岗亭"`, `"unit":""`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

// TestComplaintDeadlinesFollowTheCalendar files complaints just before the
// 2025 National Day break, on the Friday before its make-up Sunday, on a
// Friday evening and over the Spring Festival 2026. The first response is
// due 24 clock hours after receipt — [002] 三 3.2 (接到业主诉求后，24小时内给予
// 初步回应), holidays or not (it used to count 24 working hours, so a Friday
// evening's complaint was due on Monday evening and one over the festival
// eight days later); the reply is due in 2 working days — [004] 三 3.6.
func TestComplaintDeadlinesFollowTheCalendar(t *testing.T) {
	app := testapp.New(t)
	owner := residentRec(t, app, "owner1@example.com")
	sh := workcal.Shanghai
	cases := []struct {
		at, firstDue, replyDue time.Time
	}{
		// Tue 30 Sep 10:00; 1–8 Oct off: the first response is still due
		// on 1 Oct 10:00; two working days are 9 and 10 Oct.
		{time.Date(2025, 9, 30, 10, 0, 0, 0, sh), time.Date(2025, 10, 1, 10, 0, 0, 0, sh), time.Date(2025, 10, 10, 10, 0, 0, 0, sh)},
		// Fri 26 Sep 15:00; Sat off, Sun 28 a make-up working day.
		{time.Date(2025, 9, 26, 15, 0, 0, 0, sh), time.Date(2025, 9, 27, 15, 0, 0, 0, sh), time.Date(2025, 9, 29, 15, 0, 0, 0, sh)},
		// Fri 13 Feb 2026 18:00: Sat 14 Feb is a make-up day, then the
		// Spring Festival break 15–23 Feb.
		{time.Date(2026, 2, 13, 18, 0, 0, 0, sh), time.Date(2026, 2, 14, 18, 0, 0, 0, sh), time.Date(2026, 2, 24, 18, 0, 0, 0, sh)},
		// Fri 6 Mar 2026 19:00: due Saturday evening, not Monday evening.
		{time.Date(2026, 3, 6, 19, 0, 0, 0, sh), time.Date(2026, 3, 7, 19, 0, 0, 0, sh), time.Date(2026, 3, 10, 19, 0, 0, 0, sh)},
		// Sat 14 Feb 2026 20:00, the eve of the festival: due the next
		// evening, not on 24 Feb.
		{time.Date(2026, 2, 14, 20, 0, 0, 0, sh), time.Date(2026, 2, 15, 20, 0, 0, 0, sh), time.Date(2026, 2, 25, 20, 0, 0, 0, sh)},
	}
	for _, c := range cases {
		restore := hooks.SetNow(func() time.Time { return c.at })
		r := fileComplaint(t, app, owner, "1-101", "other", nil)
		restore()
		if got := r.GetDateTime("first_response_due").Time(); !got.Equal(c.firstDue) {
			t.Errorf("filed %v: first response due %v, want %v", c.at, got.In(sh), c.firstDue)
		}
		if got := r.GetDateTime("reply_due").Time(); !got.Equal(c.replyDue) {
			t.Errorf("filed %v: reply due %v, want %v", c.at, got.In(sh), c.replyDue)
		}
	}
}

func TestEscalationIsOncePerBreach(t *testing.T) {
	app := testapp.New(t)
	filed := time.Date(2025, 9, 30, 10, 0, 0, 0, workcal.Shanghai)
	restore := hooks.SetNow(func() time.Time { return filed })
	c := fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "other", nil)
	restore()
	notices := func() int64 {
		n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "complaint_overdue", "subject_id": c.Id})
		return n
	}
	run := func(at time.Time, want int) {
		t.Helper()
		if n, err := hooks.FlagOverdueComplaints(app, at); err != nil || n != want {
			t.Fatalf("at %v flagged %d, want %d (%v)", at, n, want, err)
		}
	}
	run(filed.Add(23*time.Hour), 0)                               // nothing is late yet
	run(time.Date(2025, 10, 1, 10, 1, 0, 0, workcal.Shanghai), 1) // first response late: 24 clock hours, holiday or not [002] 三 3.2
	run(time.Date(2025, 10, 9, 12, 0, 0, 0, workcal.Shanghai), 0) // … flagged once; the reply is not late yet
	if notices() != 2 {                                           // supervisor and director
		t.Fatalf("%d escalation notices, want 2", notices())
	}
	run(time.Date(2025, 10, 10, 10, 1, 0, 0, workcal.Shanghai), 1) // reply late
	run(time.Date(2025, 10, 11, 10, 1, 0, 0, workcal.Shanghai), 0)
	if notices() != 4 {
		t.Fatalf("%d escalation notices, want 4", notices())
	}
	c, _ = app.FindRecordById("complaints", c.Id)
	if !c.GetBool("first_response_overdue") || !c.GetBool("reply_overdue") {
		t.Fatal("flags not set")
	}
	for _, a := range []string{"overdue_first_response", "overdue_reply"} {
		if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": c.Id, "action": a}); n != 1 {
			t.Fatalf("%d %s events, want 1", n, a)
		}
	}
}

func TestHotComplaintDetection(t *testing.T) {
	app := testapp.New(t)
	desk := staffRec(t, app, "frontdesk@example.com")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, workcal.Shanghai)
	at := func(h int) func() {
		return hooks.SetNow(func() time.Time { return start.Add(time.Duration(h) * time.Hour) })
	}

	r := at(0)
	old := fileComplaint(t, app, desk, "1-101", "renovation", nil)
	r()
	r = at(25) // more than 24 h later: the first one is out of the window
	a := fileComplaint(t, app, desk, "1-102", "renovation", nil)
	b := fileComplaint(t, app, desk, "1-203", "renovation", nil)
	other := fileComplaint(t, app, desk, "2-101", "renovation", nil) // another building
	r()
	for _, c := range []*core.Record{old, a, b, other} {
		c, _ = app.FindRecordById("complaints", c.Id)
		if c.GetString("level") != "general" {
			t.Fatalf("%s became %s with only two in the building within 24 h", c.GetString("serial"), c.GetString("level"))
		}
	}
	r = at(30)
	h := testapp.Handler(t, app)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
		`{"unit":"`+testapp.ID(t, "unit:1-301")+`","channel":"phone","category":"renovation","content":"测试投诉 第三起","contact_name":"李","contact_phone":"13800000001"}`,
		"frontdesk@example.com")
	r()
	if code != 200 || !strings.Contains(body, `"level":"hot"`) || !strings.Contains(body, `"hot_group":"`+a.Id+`"`) {
		t.Fatalf("the complaint that makes a cluster hot must say so in its own response: %d %s", code, body)
	}
	third, err := app.FindFirstRecordByFilter("complaints", "content='测试投诉 第三起'")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*core.Record{a, b, third} {
		c, _ = app.FindRecordById("complaints", c.Id)
		if c.GetString("level") != "hot" || c.GetString("hot_group") != a.Id {
			t.Fatalf("%s: level %s group %s, want hot in group %s", c.GetString("serial"), c.GetString("level"), c.GetString("hot_group"), a.Id)
		}
	}
	if c, _ := app.FindRecordById("complaints", old.Id); c.GetString("level") != "general" {
		t.Fatal("a complaint outside the window joined the group")
	}
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "complaint_hot", "subject_id": a.Id}); n != 2 {
		t.Fatalf("%d hot notices, want 2 (supervisor and director)", n)
	}
	r = at(31)
	fourth := fileComplaint(t, app, desk, "1-302", "renovation", nil)
	r()
	if c, _ := app.FindRecordById("complaints", fourth.Id); c.GetString("hot_group") != a.Id {
		t.Fatal("a fourth complaint did not join the group")
	}
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "complaint_hot"}, dbx.NewExp("subject_id != {:d}", dbx.Params{"d": ""})); n != 2+2 /* the demo's own cluster */ {
		t.Fatalf("%d hot notices in all: joining an existing group must not notify again", n)
	}

	// The threshold is the community's to set.
	ch, _ := app.FindRecordById("communities", testapp.ID(t, "community:CH"))
	ch.Set("hot_threshold", 5)
	if err := app.Save(ch); err != nil {
		t.Fatal(err)
	}
	r = at(100)
	for _, u := range []string{"1-101", "1-102", "1-103", "1-104"} {
		c := fileComplaint(t, app, desk, u, "greening", nil)
		if c, _ = app.FindRecordById("complaints", c.Id); c.GetString("level") != "general" {
			t.Fatalf("hot below a threshold of 5")
		}
	}
	fifth := fileComplaint(t, app, desk, "1-201", "greening", nil)
	r()
	if c, _ := app.FindRecordById("complaints", fifth.Id); c.GetString("level") != "hot" {
		t.Fatal("five complaints did not make a hot one at threshold 5")
	}
}

// An overdue complaint's notice says whom it went up to, as it was sent:
// a complaint about the service center goes to the administration office
// (行政人事部, [003] 2.2.8) and the director, not to the service center's
// supervisor; any other to the supervisor and the director.
func TestOverdueNoticeNamesWhoItWentTo(t *testing.T) {
	app := testapp.New(t)
	filed := time.Date(2025, 9, 30, 10, 0, 0, 0, workcal.Shanghai)
	restore := hooks.SetNow(func() time.Time { return filed })
	owner := residentRec(t, app, "owner1@example.com")
	about := fileComplaint(t, app, owner, "1-101", "other", nil)
	plain := fileComplaint(t, app, owner, "1-101", "other", nil)
	restore()
	if _, err := app.DB().NewQuery("UPDATE complaints SET about_service_center = TRUE WHERE id = {:id}").Bind(dbx.Params{"id": about.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := hooks.FlagOverdueComplaints(app, time.Date(2025, 10, 1, 10, 1, 0, 0, workcal.Shanghai)); err != nil {
		t.Fatal(err)
	}
	titles := func(c *core.Record, email string) []string {
		s, err := app.FindAuthRecordByEmail("staff", email)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		ns, _ := app.FindAllRecords("notifications", dbx.HashExp{"kind": "complaint_overdue", "subject_id": c.Id, "recipient_staff": s.Id})
		for _, n := range ns {
			out = append(out, n.GetString("title"))
		}
		return out
	}
	if got := titles(about, "hr@example.com"); len(got) != 1 || !strings.Contains(got[0], "已报行政人事部") || strings.Contains(got[0], "主管") {
		t.Errorf("the administration office was told %q", got)
	}
	if got := titles(about, "supervisor@example.com"); len(got) != 0 {
		t.Errorf("the supervisor was told of a complaint about the service center: %q", got)
	}
	if got := titles(plain, "supervisor@example.com"); len(got) != 1 || !strings.Contains(got[0], "已报客服主管") {
		t.Errorf("the supervisor was told %q", got)
	}
}
