package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

func TestCalendarRoute(t *testing.T) {
	scenarios := []tests.ApiScenario{
		{
			Name:            "guests are asked to sign in",
			Method:          http.MethodGet,
			URL:             "/api/wuye/calendar/2025",
			ExpectedStatus:  401,
			ExpectedContent: []string{`"data":{}`},
		},
		{
			Name:           "2025 comes from the State Council schedule",
			Method:         http.MethodGet,
			URL:            "/api/wuye/calendar/2025",
			Headers:        testapp.Auth(t, "frontdesk@example.com"),
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"scheduled":true`,
				`{"date":"2025-09-28","working":true,"name":"国庆中秋"}`, // make-up Sunday
				`{"date":"2025-10-08","working":false,"name":"国庆中秋"}`,
			},
			NotExpectedContent: []string{`"message"`},
		},
		{
			Name:            "a year with no schedule says so",
			Method:          http.MethodGet,
			URL:             "/api/wuye/calendar/2031",
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"scheduled":false`, `2031 年的法定节假日安排尚未录入，暂按周一至周五计算工作日`},
		},
		{
			Name:            "and in English",
			Method:          http.MethodGet,
			URL:             "/api/wuye/calendar/2031?lang=en",
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"message":"The 2031 public-holiday schedule has not been entered yet`},
		},
		{
			Name:            "a bad year",
			Method:          http.MethodGet,
			URL:             "/api/wuye/calendar/20x1",
			Headers:         testapp.Auth(t, "owner1@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"year：年份不正确"`},
		},
		{
			Name:            "a technician cannot edit the calendar",
			Method:          http.MethodPost,
			URL:             "/api/collections/work_calendar/records",
			Body:            strings.NewReader(`{"date":"2031-01-01","kind":"holiday","name":"元旦"}`),
			Headers:         testapp.Auth(t, "tech1@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`无法创建`},
			AfterTestFunc:   unchanged("work_calendar", 0),
		},
		{
			Name:               "2027 comes built in (lunar-go v1.4.7)",
			Method:             http.MethodGet,
			URL:                "/api/wuye/calendar/2027",
			Headers:            testapp.Auth(t, "frontdesk@example.com"),
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"scheduled":true`, `{"date":"2027-02-05","working":false,"name":"春节"}`, `{"date":"2027-02-14","working":true,"name":"春节"}`},
			NotExpectedContent: []string{`"message"`},
		},
		{
			Name:            "a supervisor no longer edits the calendar (the director does)",
			Method:          http.MethodPost,
			URL:             "/api/collections/work_calendar/records",
			Body:            strings.NewReader(`{"date":"2031-01-01","kind":"holiday","name":"元旦"}`),
			Headers:         testapp.Auth(t, "supervisor@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`无法创建`},
			AfterTestFunc:   unchanged("work_calendar", 0),
		},
		{
			Name:            "the director enters next year's schedule and it takes effect",
			Method:          http.MethodPost,
			URL:             "/api/collections/work_calendar/records",
			Body:            strings.NewReader(`{"date":"2031-01-01","kind":"holiday","name":"元旦"}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"date":"2031-01-01"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				c, err := hooks.Calendar(app)
				if err != nil {
					t.Fatal(err)
				}
				jan1 := time.Date(2031, 1, 1, 9, 0, 0, 0, workcal.Shanghai) // a Wednesday
				if !c.HasSchedule(2031) || c.IsWorkingDay(jan1) {
					t.Fatal("the new entry did not reach the calendar")
				}
			},
		},
		{
			Name:            "an impossible date is refused",
			Method:          http.MethodPost,
			URL:             "/api/collections/work_calendar/records",
			Body:            strings.NewReader(`{"date":"2031-02-30","kind":"holiday"}`),
			Headers:         testapp.Auth(t, "director@example.com"),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"message":"日期：不是有效的日期（格式 年-月-日）"`},
			AfterTestFunc:   unchanged("work_calendar", 0),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = testapp.Factory
		s.Test(t)
	}
}

func TestExpiredLinksStopGrantingAccess(t *testing.T) {
	app := testapp.New(t)
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident={:r}",
		map[string]any{"r": testapp.ID(t, "residents:tenant1@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	link.Set("until", "2099-06-30") // the lease runs out one day
	if err := app.Save(link); err != nil || !link.GetBool("active") {
		t.Fatalf("a lease ending in the future must stay active: %v", err)
	}
	if n, err := hooks.EndExpiredLinks(app, "2099-06-29"); err != nil || n != 0 {
		t.Fatalf("ended %d links the day before: %v", n, err)
	}
	if n, err := hooks.EndExpiredLinks(app, "2099-06-30"); err != nil || n != 1 {
		t.Fatalf("ended %d links on the end date, want 1: %v", n, err)
	}
	if n, _ := hooks.EndExpiredLinks(app, "2099-07-01"); n != 0 {
		t.Fatalf("ending is not idempotent: %d more", n)
	}
	link, _ = app.FindRecordById("unit_residents", link.Id)
	if link.GetBool("active") {
		t.Fatal("link still active")
	}
	ev, err := app.FindFirstRecordByFilter("events", "subject_id={:id} && action='status' && to='false'",
		map[string]any{"id": link.Id})
	if err != nil || ev.GetString("community") != testapp.ID(t, "community:CH") {
		t.Fatalf("no event, or one staff cannot read, for the ended link: %v %v", ev, err)
	}

	// And the tenant now sees nothing of the unit.
	s := tests.ApiScenario{
		Method:          http.MethodGet,
		URL:             "/api/collections/units/records",
		Headers:         testapp.Auth(t, "tenant1@example.com"),
		ExpectedStatus:  200,
		ExpectedContent: []string{`"totalItems":0`},
		TestAppFactory:  testapp.Factory,
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
			l, _ := app.FindRecordById("unit_residents", link.Id)
			l.Set("until", "2099-06-30")
			if err := app.Save(l); err != nil {
				t.Fatal(err)
			}
			if _, err := hooks.EndExpiredLinks(app, "2099-06-30"); err != nil {
				t.Fatal(err)
			}
		},
	}
	s.Test(t)
}

// TestExpiredLinksJobRereads: a lease extended between the nightly job's
// query and its write stays active.
func TestExpiredLinksJobRereads(t *testing.T) {
	app := testapp.New(t)
	link, err := app.FindFirstRecordByFilter("unit_residents", "resident={:r}",
		map[string]any{"r": testapp.ID(t, "residents:tenant1@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	link.Set("until", "2099-06-30")
	if err := app.Save(link); err != nil {
		t.Fatal(err)
	}
	extended := false
	restore := hooks.SetJobSelected(func(job string) {
		if job != "expired_links" || extended {
			return
		}
		extended = true
		l, _ := app.FindRecordById("unit_residents", link.Id)
		l.Set("until", "2100-06-30") // renewed for a year, just now
		if err := app.Save(l); err != nil {
			t.Fatal(err)
		}
	})
	defer restore()
	n, err := hooks.EndExpiredLinks(app, "2099-06-30")
	if err != nil || !extended {
		t.Fatalf("job: %v (extended meanwhile: %v)", err, extended)
	}
	link, _ = app.FindRecordById("unit_residents", link.Id)
	if n != 0 || !link.GetBool("active") || link.GetString("until") != "2100-06-30" {
		t.Fatalf("the renewed lease was ended: %d ended, active %v, until %s", n, link.GetBool("active"), link.GetString("until"))
	}
}
