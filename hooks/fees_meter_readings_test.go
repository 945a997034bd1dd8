package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// TestMeterReadingsAppendOnly (issue #16 item 9): a reading is never
// rewritten (not by the cashier through the API, not by code), read_by is
// the server's, a meter does not count backwards, and a wrong reading is
// corrected by a new one that names it and says why — with events for
// both — which the next billing run reads instead.
func TestMeterReadingsAppendOnly(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	cashier := testapp.ID(t, "staff:cashier@example.com")
	last, err := app.FindFirstRecordByFilter("meter_readings", "unit = {:u} && meter = 'water' && read_on = '2026-12-31'", map[string]any{"u": unit})
	if err != nil {
		t.Fatal(err)
	}
	was := last.GetFloat("reading") // 125 in the demo

	// No rewriting: through the API …
	for _, body := range []string{`{"reading":1}`, `{"read_by":"` + testapp.ID(t, "staff:tech1@example.com") + `"}`} {
		code, b := testapp.Do(t, h, http.MethodPatch, "/api/collections/meter_readings/records/"+last.Id, body, "cashier@example.com")
		if code < 400 || code >= 500 {
			t.Errorf("the cashier rewrites a reading with %s: %d %s", body, code, b)
		}
	}
	if code, b := testapp.Do(t, h, http.MethodDelete, "/api/collections/meter_readings/records/"+last.Id, "", "cashier@example.com"); code < 400 || code >= 500 {
		t.Errorf("the cashier deletes a reading: %d %s", code, b)
	}
	// … nor in code.
	edit, _ := app.FindRecordById("meter_readings", last.Id)
	edit.Set("reading", 1)
	if err := app.Save(edit); err == nil {
		t.Errorf("a reading was rewritten in code")
	}
	if stored, _ := app.FindRecordById("meter_readings", last.Id); stored.GetFloat("reading") != was {
		t.Fatalf("the reading changed to %v", stored.GetFloat("reading"))
	}

	post := func(body string) (int, map[string]any, string) {
		code, b := testapp.Do(t, h, http.MethodPost, "/api/collections/meter_readings/records", body, "cashier@example.com")
		var out map[string]any
		_ = json.Unmarshal([]byte(b), &out)
		return code, out, b
	}
	// Backwards is refused, with the reason in Chinese.
	if code, _, b := post(`{"unit":"` + unit + `","meter":"water","reading":120,"read_on":"2027-03-31"}`); code != http.StatusBadRequest || !strings.Contains(b, "只增不减") {
		t.Errorf("a reading below the previous one: %d %s", code, b)
	}
	// read_by is the server's.
	code, next, b := post(`{"unit":"` + unit + `","meter":"water","reading":130,"read_on":"2027-03-31","read_by":"` + testapp.ID(t, "staff:tech1@example.com") + `"}`)
	if code != http.StatusOK || next["read_by"] != cashier {
		t.Fatalf("a reading with someone else as read_by: %d %s", code, b)
	}
	// A correction needs a reason, names a reading of the same meter, and
	// keeps between its neighbours.
	for _, body := range []string{
		`{"unit":"` + unit + `","meter":"water","reading":124,"read_on":"2026-12-31","corrects":"` + last.Id + `"}`,
		`{"unit":"` + testapp.ID(t, "unit:1-102") + `","meter":"water","reading":124,"read_on":"2026-12-31","corrects":"` + last.Id + `","reason":"抄错"}`,
		`{"unit":"` + unit + `","meter":"water","reading":131,"read_on":"2026-12-31","corrects":"` + last.Id + `","reason":"抄错"}`,
	} {
		if code, _, b := post(body); code != http.StatusBadRequest {
			t.Errorf("correction %s: %d %s", body, code, b)
		}
	}
	code, fix, b := post(`{"unit":"` + unit + `","meter":"water","reading":124,"read_on":"2027-01-05","corrects":"` + last.Id + `","reason":"抄表员看错一位"}`)
	if code != http.StatusOK || fix["read_on"] != "2026-12-31" {
		t.Fatalf("the correction: %d %s", code, b)
	}
	if code, _, b := post(`{"unit":"` + unit + `","meter":"water","reading":123,"corrects":"` + last.Id + `","reason":"再改"}`); code != http.StatusBadRequest {
		t.Errorf("a second correction of the corrected reading: %d %s", code, b)
	}
	for _, c := range []struct{ id, action string }{{last.Id, "corrected"}, {fix["id"].(string), "correction"}, {next["id"].(string), "create"}} {
		if _, err := app.FindFirstRecordByFilter("events", "subject_collection = 'meter_readings' && subject_id = {:id} && action = {:a}",
			map[string]any{"id": c.id, "a": c.action}); err != nil {
			t.Errorf("no %s event on reading %s", c.action, c.id)
		}
	}

	// Billing reads the correction: the next quarter's water is 130 − 124.
	runs, _ := app.FindCollectionByNameOrId("billing_runs")
	run := core.NewRecord(runs)
	run.Load(map[string]any{"community": testapp.ID(t, "community:CH"), "period": "2027-Q1", "status": "running"})
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	if err := hooks.RunBilling(app, run.Id); err != nil {
		t.Fatal(err)
	}
	bill, err := app.FindFirstRecordByFilter("bills", "unit = {:u} && period = '2027-Q1' && fee_item.meter = 'water'", map[string]any{"u": unit})
	if err != nil {
		t.Fatal(err)
	}
	if bill.GetInt("amount_fen") != 6*500 {
		t.Errorf("the water bill after the correction is %d fen (basis %s), want %d", bill.GetInt("amount_fen"), bill.GetString("basis"), 6*500)
	}
}
