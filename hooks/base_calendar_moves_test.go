package hooks_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// The 2027 schedule is built in (lunar-go v1.4.7, see lib/workcal
// Test2027): a complaint taken on Thursday 4 February 2027, the eve of the
// Spring Festival break (5–13 February off, Sunday 14 February worked), is
// answered within 2 working days ([004] 三 3.6) — the make-up Sunday and
// Monday 15 February, not the Monday–Friday fallback's Friday 5 and
// Monday 8 February — and first answered within 24 clock hours ([002] 三
// 3.2), holiday or not.
// A renovation application filed then has its engineering review
// 2 working days later ([004] 四 3 5.1.3).
func TestSpringFestival2027Deadlines(t *testing.T) {
	app := testapp.New(t)
	sh := workcal.Shanghai
	restore := hooks.SetNow(func() time.Time { return time.Date(2027, 2, 4, 16, 0, 0, 0, sh) })
	c := fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "other", nil)
	r := fileRenovation2027(t, app)
	restore()
	for _, tt := range []struct {
		rec   *core.Record
		field string
		want  time.Time
	}{
		{c, "first_response_due", time.Date(2027, 2, 5, 16, 0, 0, 0, sh)},
		{c, "reply_due", time.Date(2027, 2, 15, 16, 0, 0, 0, sh)},
		{r, "engineering_due", time.Date(2027, 2, 15, 16, 0, 0, 0, sh)},
	} {
		if got := tt.rec.GetDateTime(tt.field).Time(); !got.Equal(tt.want) {
			t.Errorf("%s %s = %v, want %v", tt.rec.Collection().Name, tt.field, got.In(sh), tt.want)
		}
	}
}

// fileRenovation2027 files an application for 1-103 by its owner, at the
// hooks' clock.
func fileRenovation2027(t testing.TB, app core.App) *core.Record {
	t.Helper()
	unit := ownerOf103(t, app)
	col, _ := app.FindCollectionByNameOrId("renovations")
	r := core.NewRecord(col)
	for k, v := range map[string]any{"unit": unit, "contractor_name": "安居装饰", "contractor_phone": "13600000001",
		"scope": []string{"walls"}, "planned_start": "2027-02-20", "planned_end": "2027-04-30"} {
		r.Set(k, v)
	}
	if err := hooks.FileRenovation(app, r, residentRec(t, app, "owner2@example.com")); err != nil {
		t.Fatal(err)
	}
	stored, err := app.FindRecordById("renovations", r.Id)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

type calendarAnswer struct {
	Year      int  `json:"year"`
	Scheduled bool `json:"scheduled"`
	Moved     int  `json:"moved"`
	Moves     []struct {
		Collection, ID, Serial, Field, From, To string
	} `json:"moves"`
}

// TestCalendarPreviewAndSave: the director sees which open deadlines a
// correction of the calendar moves, old → new, before saving it (nothing is
// saved by the preview); saving moves them in the same transaction, with an
// event on each record's timeline (docs/DESIGN.md § Operations: the
// working-day calendar; deadlines count working days, [004] 三 3.6).
func TestCalendarPreviewAndSave(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	sh := workcal.Shanghai
	restore := hooks.SetNow(func() time.Time { return time.Date(2027, 2, 4, 16, 0, 0, 0, sh) })
	c := fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "other", nil)
	r := fileRenovation2027(t, app)
	restore()
	untouched := fileComplaint(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "other", nil) // due in December 2026

	// Suppose the make-up Sunday 14 February were cancelled: every one of
	// these deadlines moves one working day later.
	body := `{"days":[{"date":"2027-02-14","kind":"holiday","name":"春节"}]}`
	code, out := testapp.Do(t, h, http.MethodPost, "/api/wuye/calendar/2027/preview", body, "director@example.com")
	expectBody(t, "preview", code, out, 200, `"scheduled":true`)
	var a calendarAnswer
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		c.Id + " reply_due":       {"2027-02-15 08:00:00.000Z", "2027-02-16 08:00:00.000Z"},
		r.Id + " engineering_due": {"2027-02-15 08:00:00.000Z", "2027-02-16 08:00:00.000Z"},
	}
	if len(a.Moves) != len(want) || a.Moved != len(want) {
		t.Fatalf("preview lists %d moves (%d in all), want %d: %s", len(a.Moves), a.Moved, len(want), out)
	}
	for _, m := range a.Moves {
		w, ok := want[m.ID+" "+m.Field]
		if !ok || m.From != w[0] || m.To != w[1] || m.Serial == "" {
			t.Errorf("move %+v, want %v", m, w)
		}
	}
	// Nothing saved.
	if n, _ := app.CountRecords("work_calendar"); n != 0 {
		t.Fatalf("the preview saved %d days", n)
	}
	if again, _ := app.FindRecordById("complaints", c.Id); again.GetString("reply_due") != "2027-02-15 08:00:00.000Z" {
		t.Fatalf("the preview moved the deadline: %s", again.GetString("reply_due"))
	}

	// A change that moves nothing says so.
	code, out = testapp.Do(t, h, http.MethodPost, "/api/wuye/calendar/2027/preview",
		`{"days":[{"date":"2027-12-06","kind":"holiday","name":"测试"}]}`, "director@example.com")
	expectBody(t, "a preview that moves nothing", code, out, 200, `"moves":[]`, `"moved":0`)

	// Saving moves them, with an event each.
	code, out = testapp.Do(t, h, http.MethodPost, "/api/wuye/calendar/2027", body, "director@example.com")
	expectBody(t, "save", code, out, 200, `"moved":2`)
	c, _ = app.FindRecordById("complaints", c.Id)
	r, _ = app.FindRecordById("renovations", r.Id)
	if c.GetString("reply_due") != "2027-02-16 08:00:00.000Z" || c.GetString("first_response_due") != "2027-02-05 08:00:00.000Z" ||
		r.GetString("engineering_due") != "2027-02-16 08:00:00.000Z" {
		t.Fatalf("after saving: reply %s, first response %s, engineering %s", c.GetString("reply_due"),
			c.GetString("first_response_due"), r.GetString("engineering_due"))
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": c.Id, "action": "deadline_moved"}); n != 1 {
		t.Fatalf("%d deadline events on the complaint, want 1 (its first response is in clock hours)", n)
	}
	if u, _ := app.FindRecordById("complaints", untouched.Id); u.GetString("reply_due") != untouched.GetString("reply_due") {
		t.Fatal("a deadline outside the year moved")
	}
	day, err := app.FindFirstRecordByData("work_calendar", "date", "2027-02-14")
	if err != nil || day.GetString("kind") != "holiday" {
		t.Fatalf("the day was not saved: %v", err)
	}
	if cal, _ := hooks.Calendar(app); cal.IsWorkingDay(time.Date(2027, 2, 14, 12, 0, 0, 0, sh)) {
		t.Fatal("the calendar in force still works on 14 February")
	}

	// Removing the entered day puts the built-in schedule back, and the
	// deadlines with it — here through the records API.
	code, out = testapp.Do(t, h, http.MethodDelete, "/api/collections/work_calendar/records/"+day.Id, "", "director@example.com")
	expectBody(t, "delete the entered day", code, out, 204)
	c, _ = app.FindRecordById("complaints", c.Id)
	if c.GetString("reply_due") != "2027-02-15 08:00:00.000Z" {
		t.Fatalf("after the removal reply due %s", c.GetString("reply_due"))
	}
}

// TestCalendarBadChanges: a change the route cannot use is refused with a
// message and changes nothing.
func TestCalendarBadChanges(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	for _, tt := range []struct{ body, want string }{
		{`{"days":[{"date":"2028-01-01","kind":"holiday"}]}`, `2028-01-01 不在 2027 年内`},
		{`{"days":[{"date":"2027-02-30","kind":"holiday"}]}`, `不是有效的日期`},
		{`{"days":[{"date":"2027-02-14","kind":"weekend"}]}`, `不是允许的选项`},
		{`{"days":[{"date":"2027-02-14","kind":"holiday"},{"date":"2027-02-14","kind":"workday"}]}`, `出现了两次`},
		{`{"days":[]}`, `不能为空`},
		{`{"remove":["2027-02-14"]}`, `没有录入过安排`},
	} {
		for _, url := range []string{"/api/wuye/calendar/2027/preview", "/api/wuye/calendar/2027"} {
			if url == "/api/wuye/calendar/2027/preview" && tt.want == `没有录入过安排` {
				continue // the preview removes nothing
			}
			code, out := testapp.Do(t, h, http.MethodPost, url, tt.body, "director@example.com")
			expectBody(t, url+" "+tt.body, code, out, 400, tt.want)
		}
	}
	if n, _ := app.CountRecords("work_calendar"); n != 0 {
		t.Fatalf("%d days saved", n)
	}
}

// TestCalendarDirectorOnly: the calendar decides every community's
// deadlines, so only the director (and superusers) change it
// (migrations/0047_calendar_director.go); everyone else is refused, the
// supervisor included, who could before.
func TestCalendarDirectorOnly(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	body := `{"days":[{"date":"2031-01-01","kind":"holiday","name":"元旦"}]}`
	for _, who := range []string{"supervisor@example.com", "frontdesk@example.com", "tech1@example.com", "cashier@example.com", "owner1@example.com"} {
		for _, url := range []string{"/api/wuye/calendar/2031/preview", "/api/wuye/calendar/2031"} {
			code, out := testapp.Do(t, h, http.MethodPost, url, body, who)
			expectBody(t, who+" "+url, code, out, 403, `您无权执行此操作`)
		}
		code, out := testapp.Do(t, h, http.MethodPost, "/api/collections/work_calendar/records", `{"date":"2031-01-01","kind":"holiday"}`, who)
		expectBody(t, who+" creates a day", code, out, 400, `无法创建`)
	}
	code, out := testapp.Do(t, h, http.MethodPost, "/api/wuye/calendar/2031", body, "")
	expectBody(t, "a guest", code, out, 401)
	if n, _ := app.CountRecords("work_calendar"); n != 0 {
		t.Fatalf("%d days saved by the refused", n)
	}

	code, out = testapp.Do(t, h, http.MethodPost, "/api/wuye/calendar/2031", body, "director@example.com")
	expectBody(t, "the director", code, out, 200, `"scheduled":true`)
	day, _ := app.FindFirstRecordByData("work_calendar", "date", "2031-01-01")
	for _, who := range []string{"supervisor@example.com", "supervisor.yx@example.com", "frontdesk@example.com"} {
		code, out = testapp.Do(t, h, http.MethodPatch, "/api/collections/work_calendar/records/"+day.Id, `{"kind":"workday"}`, who)
		expectBody(t, who+" corrects a day", code, out, 404)
		code, out = testapp.Do(t, h, http.MethodDelete, "/api/collections/work_calendar/records/"+day.Id, "", who)
		expectBody(t, who+" removes a day", code, out, 404)
	}
	code, out = testapp.Do(t, h, http.MethodPatch, "/api/collections/work_calendar/records/"+day.Id, `{"name":"元旦节"}`, "director@example.com")
	expectBody(t, "the director corrects a day", code, out, 200, `"name":"元旦节"`)
	code, out = testapp.Do(t, h, http.MethodPost, "/api/wuye/calendar/2031/preview", `{"remove":["2031-01-01"]}`, "root@example.com")
	expectBody(t, "a superuser", code, out, 200, `"scheduled":false`)
}

// TestCalendarWarning: the workspace warns 60 days before a year without a
// schedule begins, and through such a year (docs/DESIGN.md § Operations).
func TestCalendarWarning(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	sh := workcal.Shanghai
	for _, tt := range []struct {
		at   time.Time
		want []string
	}{
		{time.Date(2027, 11, 1, 9, 0, 0, 0, sh), []string{`"warn":false`}},
		{time.Date(2027, 11, 2, 9, 0, 0, 0, sh), []string{`"warn":true`, `"year":2028`, `2028 年的法定节假日安排尚未录入`}},
		{time.Date(2028, 3, 1, 9, 0, 0, 0, sh), []string{`"warn":true`, `"year":2028`}},
		{time.Date(2026, 12, 5, 9, 0, 0, 0, sh), []string{`"warn":false`}}, // 2027 is built in now
	} {
		restore := hooks.SetNow(func() time.Time { return tt.at })
		code, out := testapp.Do(t, h, http.MethodGet, "/api/wuye/calendar/warning", "", "supervisor@example.com")
		restore()
		expectBody(t, tt.at.String(), code, out, 200, tt.want...)
	}
	code, out := testapp.Do(t, h, http.MethodGet, "/api/wuye/calendar/warning", "", "owner1@example.com")
	expectBody(t, "a resident", code, out, 403)

	// Once the director enters 2028, the warning stops.
	restore := hooks.SetNow(func() time.Time { return time.Date(2027, 11, 20, 9, 0, 0, 0, sh) })
	defer restore()
	code, out = testapp.Do(t, h, http.MethodPost, "/api/wuye/calendar/2028", `{"days":[{"date":"2028-01-01","kind":"holiday","name":"元旦"}]}`, "director@example.com")
	expectBody(t, "enter 2028", code, out, 200)
	code, out = testapp.Do(t, h, http.MethodGet, "/api/wuye/calendar/warning", "", "director@example.com")
	expectBody(t, "2028 entered", code, out, 200, `"warn":false`)
}
