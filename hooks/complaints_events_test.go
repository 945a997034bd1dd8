package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
)

// A complaint's timeline is read by exactly the staff who may read the
// complaint: not by the clerk a complaint is about, not by a technician who
// does not handle it; by its handler, the supervisor and the director — and
// one about the service center by the administration office and the
// director, not the supervisor ([003] 2.2.8).
func TestComplaintEventsFollowTheComplaint(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	find := func(filter string) string {
		c, err := app.FindFirstRecordByFilter("complaints", filter)
		if err != nil {
			t.Fatalf("demo complaint %s: %v", filter, err)
		}
		return c.Id
	}
	aboutDesk := find("subject_staff = '" + testapp.ID(t, "staff:frontdesk@example.com") + "'")
	tech1s := find("handler = '" + testapp.ID(t, "staff:tech1@example.com") + "'")
	if n, _ := app.CountRecords("events", dbx.HashExp{"complaint": aboutDesk}); n == 0 {
		t.Fatal("the complaint about the clerk has events")
	}
	count := func(complaint, email string) int {
		t.Helper()
		q := url.Values{"filter": {`subject_collection = "complaints" && subject_id = "` + complaint + `"`}}
		code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/events/records?"+q.Encode(), "", email)
		if code != 200 {
			t.Fatalf("%s lists events: %d %s", email, code, body)
		}
		var out struct{ TotalItems int }
		_ = json.Unmarshal([]byte(body), &out)
		return out.TotalItems
	}
	for _, c := range []struct {
		complaint, email string
		sees             bool
	}{
		{aboutDesk, "frontdesk@example.com", false},  // about themselves
		{aboutDesk, "areamgr@example.com", false},    // about the service center
		{aboutDesk, "supervisor@example.com", false}, // the administration office's
		{aboutDesk, "hr@example.com", true},
		{aboutDesk, "director@example.com", true},
		{tech1s, "hr@example.com", false},    // not about the service center
		{tech1s, "tech2@example.com", false}, // not theirs to handle
		{tech1s, "cashier@example.com", false},
		{tech1s, "tech1@example.com", true}, // the handler
		{tech1s, "frontdesk@example.com", true},
		{tech1s, "supervisor.yx@example.com", false}, // another community
	} {
		if got := count(c.complaint, c.email); (got > 0) != c.sees {
			t.Errorf("%s sees %d events of complaint %s, want visible=%v", c.email, got, c.complaint, c.sees)
		}
	}
	// Events of other subjects are unaffected: a technician still reads the
	// timeline of the work orders of the community.
	order, _ := app.FindFirstRecordByFilter("work_orders", "technician = {:t}", dbx.Params{"t": testapp.ID(t, "staff:tech1@example.com")})
	q := url.Values{"filter": {`subject_id = "` + order.Id + `"`}}
	code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/events/records?"+q.Encode(), "", "tech1@example.com")
	expectBody(t, "a work order's timeline", code, body, 200, `"subject_collection":"work_orders"`)
}
