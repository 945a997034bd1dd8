package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/internal/testapp"
	"wuye/lib/clock"
)

func newActivity(t *testing.T, h http.Handler, capacity string, startsIn time.Duration) string {
	t.Helper()
	at := clock.Now().Add(startsIn).UTC().Format(types.DefaultDateLayout)
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/activities/records",
		`{"community":"`+testapp.ID(t, "community:CH")+`","title":"业主恳谈会","kind":"forum","place":"会所","starts_at":"`+at+`","capacity":`+capacity+`}`, "frontdesk@example.com")
	if code != 200 {
		t.Fatalf("the desk announces an activity: %d %s", code, resp)
	}
	var a struct{ ID string }
	_ = json.Unmarshal([]byte(resp), &a)
	return a.ID
}

func signUp(t *testing.T, h http.Handler, activity, who string) (int, string) {
	t.Helper()
	return testapp.Do(t, h, http.MethodPost, "/api/collections/activity_signups/records", `{"activity":"`+activity+`","resident":"x"}`, who)
}

// [000] 管理员 4.10 (社区文化活动, 恳谈会): residents sign up until the places
// are taken — under concurrent sign-ups the last place goes to exactly one
// of them —, once each, and may cancel before the start; the organisers
// mark attendance; the dashboard counts the quarter's activities.
func TestActivitySignups(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	id := newActivity(t, h, "3", 72*time.Hour)

	if code, resp := signUp(t, h, id, "owner1@example.com"); code != 200 {
		t.Fatalf("owner1 signs up: %d %s", code, resp)
	}
	if code, resp := signUp(t, h, id, "owner1@example.com"); code != 400 || !strings.Contains(resp, "已报名") {
		t.Errorf("owner1 signs up twice: %d %s", code, resp)
	}
	if code, _ := signUp(t, h, id, "owner.yx@example.com"); code < 400 {
		t.Errorf("another community's resident signs up: %d", code)
	}
	if code, _ := signUp(t, h, id, "frontdesk@example.com"); code < 400 {
		t.Errorf("staff sign up as residents: %d", code)
	}

	// Two places left, eight residents at once: two get in.
	hh := households(t, app, 8)
	var wg sync.WaitGroup
	codes := make([]int, len(hh))
	for i, x := range hh {
		wg.Add(1)
		go func(i int, who string) {
			defer wg.Done()
			codes[i], _ = signUp(t, h, id, who)
		}(i, x[0])
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == 200 {
			ok++
		}
	}
	if n := countIn(t, app, "activity_signups", dbx.HashExp{"activity": id}); ok != 2 || n != 3 {
		t.Errorf("concurrent sign-ups: %d accepted, %d signed up (want 2, 3): %v", ok, n, codes)
	}
	if code, resp := signUp(t, h, id, "tenant1@example.com"); code != 400 || !strings.Contains(resp, "名额已满") {
		t.Errorf("signing up when full: %d %s", code, resp)
	}
	// Fewer places than signed up: refused.
	if code, _ := testapp.Do(t, h, http.MethodPatch, "/api/collections/activities/records/"+id, `{"capacity":2}`, "frontdesk@example.com"); code != 400 {
		t.Errorf("capacity below the sign-ups: %d", code)
	}

	// owner1 cancels before the start; the place is free again.
	s, err := app.FindFirstRecordByFilter("activity_signups", "activity = {:a} && resident = {:r}",
		dbx.Params{"a": id, "r": testapp.ID(t, "residents:owner1@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	// Attendance: the organisers only, and only attendance.
	for _, who := range []string{"owner1@example.com", "tech1@example.com", "frontdesk.yx@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodPatch, "/api/collections/activity_signups/records/"+s.Id, `{"attended":true}`, who); code < 400 {
			t.Errorf("%s marks attendance: %d", who, code)
		}
	}
	if code, _ := testapp.Do(t, h, http.MethodPatch, "/api/collections/activity_signups/records/"+s.Id, `{"resident":"`+testapp.ID(t, "residents:tenant1@example.com")+`"}`, "frontdesk@example.com"); code != 400 {
		t.Errorf("the desk changes who signed up: %d", code)
	}
	if code, resp := testapp.Do(t, h, http.MethodPatch, "/api/collections/activity_signups/records/"+s.Id, `{"attended":true}`, "frontdesk@example.com"); code != 200 || !strings.Contains(resp, `"marked_by":"`+testapp.ID(t, "staff:frontdesk@example.com")+`"`) {
		t.Errorf("the desk marks attendance: %d %s", code, resp)
	}
	if code, _ := testapp.Do(t, h, http.MethodDelete, "/api/collections/activity_signups/records/"+s.Id, "", "tenant1@example.com"); code < 400 {
		t.Errorf("tenant1 cancels owner1's sign-up: %d", code)
	}
	if code, resp := testapp.Do(t, h, http.MethodDelete, "/api/collections/activity_signups/records/"+s.Id, "", "owner1@example.com"); code != 204 {
		t.Errorf("owner1 cancels: %d %s", code, resp)
	}
	if code, resp := signUp(t, h, id, "tenant1@example.com"); code != 200 {
		t.Errorf("tenant1 takes the freed place: %d %s", code, resp)
	}

	// An activity that has started takes no sign-ups and no cancellations.
	started := newActivity(t, h, "10", -time.Hour)
	if code, resp := signUp(t, h, started, "owner1@example.com"); code != 400 || !strings.Contains(resp, "活动已开始") {
		t.Errorf("signing up after the start: %d %s", code, resp)
	}

	// The dashboard's quarter: both activities, one held, their sign-ups.
	code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/dashboard?community="+testapp.ID(t, "community:CH")+"&month="+clock.Now().Format("2006-01"), "", "supervisor@example.com")
	var d struct {
		Activities struct{ Activities, Held, Signups, Attended int } `json:"activities"`
	}
	_ = json.Unmarshal([]byte(body), &d)
	base := countIn(t, app, "activities") - 2
	if code != 200 || d.Activities.Activities < 2 || d.Activities.Activities > 2+base || d.Activities.Held < 1 || d.Activities.Signups < 3 {
		t.Errorf("dashboard activities: %d %+v", code, d.Activities)
	}
	var evs int
	_ = app.DB().NewQuery(`SELECT COUNT(*) FROM events WHERE subject_collection = 'activity_signups' AND action = 'activity_cancelled'`).Row(&evs)
	if evs != 1 {
		t.Errorf("%d cancellation events", evs)
	}
}
