package hooks_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
	"wuye/lib/clock"
)

// A reminder notice admits one change: its delivery, stamped by the server
// with who delivered it and when, once.
func TestReminderDelivery(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	r, err := app.FindFirstRecordByFilter("reminders", "unit = {:u}", dbx.Params{"u": testapp.ID(t, "unit:1-101")})
	if err != nil {
		t.Fatalf("the demo issues today's first notices: %v", err)
	}
	url := "/api/collections/reminders/records/" + r.Id
	events := func() int64 {
		n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": r.Id, "action": "delivered"})
		return n
	}

	for _, who := range []string{"tech1@example.com", "cashier@example.com", "owner1@example.com", "supervisor.yx@example.com"} {
		if code, body := testapp.Do(t, h, http.MethodPatch, url, `{"delivered_at":"2026-11-23 08:00:00Z"}`, who); code < 400 {
			t.Errorf("%s recorded a delivery: %d %s", who, code, body)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPatch, url, `{"delivered_at":"2026-11-23 08:00:00Z","amount_fen":1}`, "areamgr@example.com")
	expectBody(t, "a delivery that also changes the amount", code, body, 400, "此时您不能修改这一项")

	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"delivered_at":"2020-01-01 00:00:00Z","delivered_by":"`+testapp.ID(t, "staff:director@example.com")+`","delivery_note":"交给业主本人"}`, "areamgr@example.com")
	expectBody(t, "the area manager delivers", code, body, 200, `"delivery_note":"交给业主本人"`, `"delivered_by":"`+testapp.ID(t, "staff:areamgr@example.com")+`"`)
	got, _ := app.FindRecordById("reminders", r.Id)
	if clock.Now().Sub(got.GetDateTime("delivered_at").Time()) > time.Minute {
		t.Fatalf("the server stamps the delivery time, got %v", got.GetDateTime("delivered_at"))
	}
	if events() != 1 {
		t.Fatalf("delivery events: %d", events())
	}
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"delivered_at":"2026-11-24 08:00:00Z"}`, "frontdesk@example.com")
	expectBody(t, "a second delivery", code, body, 400, "这份通知已经登记送达")
	if events() != 1 {
		t.Fatalf("a refused delivery wrote an event")
	}
}
