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

// TestMeterReplacement (docs/DESIGN.md, "Fees", Meter readings): a meter
// only counts up — a lower reading is refused in Chinese — unless a meter
// replacement is recorded (old final reading, new start, day, reason, by
// whom); after it the new start is the floor, and consumption across it is
// (old final − reading before) + (reading after − new start), on the walk
// screen and in the billing run alike. The area manager enters the
// readings of their own area only; the cashier, supervisor and director
// theirs; nobody of another community.
func TestMeterReplacement(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:2-101")
	post := func(path, body, who string) (int, map[string]any, string) {
		code, b := testapp.Do(t, h, http.MethodPost, path, body, who)
		var out map[string]any
		_ = json.Unmarshal([]byte(b), &out)
		return code, out, b
	}
	reading := func(v, on, who string) (int, map[string]any, string) {
		return post("/api/collections/meter_readings/records", `{"unit":"`+unit+`","meter":"water","reading":`+v+`,"read_on":"`+on+`"}`, who)
	}
	if code, _, b := reading("90", "2026-09-30", "areamgr@example.com"); code != http.StatusOK {
		t.Fatalf("the area manager's reading: %d %s", code, b)
	}
	if code, _, b := reading("100", "2026-10-31", "areamgr@example.com"); code != http.StatusOK {
		t.Fatalf("the area manager's second reading: %d %s", code, b)
	}
	// Who may enter: not the other area's manager, the desk, a technician
	// or another community's supervisor.
	for _, who := range []string{"areamgr2@example.com", "frontdesk@example.com", "tech1@example.com", "supervisor.yx@example.com"} {
		if code, _, b := reading("101", "2026-11-01", who); code < 400 || code >= 500 {
			t.Errorf("%s entered a reading: %d %s", who, code, b)
		}
	}
	// A lower reading is refused, in Chinese.
	if code, _, b := reading("95", "2026-11-10", "cashier@example.com"); code != http.StatusBadRequest || !strings.Contains(b, "只增不减") {
		t.Errorf("a lower reading: %d %s", code, b)
	}
	replacement := func(body, who string) (int, map[string]any, string) {
		return post("/api/collections/meter_replacements/records", body, who)
	}
	// The replacement is recorded after the meter's latest reading, with
	// an old final reading not below it.
	for _, body := range []string{
		`{"unit":"` + unit + `","meter":"water","old_final_reading":130,"new_start_reading":5,"replaced_on":"2026-10-15","reason":"表坏"}`,
		`{"unit":"` + unit + `","meter":"water","old_final_reading":99,"new_start_reading":5,"replaced_on":"2026-11-20","reason":"表坏"}`,
		`{"unit":"` + unit + `","meter":"water","old_final_reading":130,"new_start_reading":5,"replaced_on":"2026-11-20"}`,
	} {
		if code, _, b := replacement(body, "areamgr@example.com"); code != http.StatusBadRequest {
			t.Errorf("replacement %s: %d %s", body, code, b)
		}
	}
	if code, _, b := replacement(`{"unit":"`+unit+`","meter":"water","old_final_reading":130,"new_start_reading":5,"replaced_on":"2026-11-20","reason":"表坏"}`,
		"areamgr2@example.com"); code < 400 || code >= 500 {
		t.Errorf("the other area's manager recorded a replacement: %d %s", code, b)
	}
	code, rep, b := replacement(`{"unit":"`+unit+`","meter":"water","old_final_reading":130,"new_start_reading":5,"replaced_on":"2026-11-20","reason":"表坏","recorded_by":"`+testapp.ID(t, "staff:cashier@example.com")+`"}`,
		"areamgr@example.com")
	if code != http.StatusOK || rep["recorded_by"] != testapp.ID(t, "staff:areamgr@example.com") {
		t.Fatalf("the replacement: %d %s", code, b)
	}
	if _, err := app.FindFirstRecordByFilter("events", "subject_collection = 'meter_replacements' && subject_id = {:id}", map[string]any{"id": rep["id"]}); err != nil {
		t.Errorf("no event of the replacement")
	}
	// Never changed.
	if code, b := testapp.Do(t, h, http.MethodPatch, "/api/collections/meter_replacements/records/"+rep["id"].(string), `{"new_start_reading":0}`, "director@example.com"); code < 400 || code >= 500 {
		t.Errorf("a replacement was changed: %d %s", code, b)
	}
	// After it the new start is the floor; before it the old final the ceiling.
	if code, _, b := reading("3", "2026-11-30", "areamgr@example.com"); code != http.StatusBadRequest || !strings.Contains(b, "新表起始读数") {
		t.Errorf("a reading below the new start: %d %s", code, b)
	}
	if code, _, b := reading("140", "2026-11-10", "areamgr@example.com"); code != http.StatusBadRequest || !strings.Contains(b, "旧表最终读数") {
		t.Errorf("a reading above the old final before the replacement: %d %s", code, b)
	}
	if code, _, b := reading("12", "2026-11-30", "areamgr@example.com"); code != http.StatusOK {
		t.Fatalf("the new meter's reading: %d %s", code, b)
	}
	// The walk: November's use is (130 − 100) + (12 − 5) = 37, October's 10.
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/meters/walk?building="+testapp.ID(t, "building:CH-2")+"&meter=water&day=2026-11-30", "", "areamgr@example.com")
	if code != http.StatusOK {
		t.Fatalf("walk: %d %s", code, body)
	}
	var walk struct {
		Units []hooks.WalkUnit `json:"units"`
	}
	_ = json.Unmarshal([]byte(body), &walk)
	if len(walk.Units) != 24 || walk.Units[0].ID != unit {
		t.Fatalf("walk order: %d units, first %+v", len(walk.Units), walk.Units[0])
	}
	u := walk.Units[0]
	if u.Used == nil || *u.Used != 37 || u.PrevUsed == nil || *u.PrevUsed != 10 || u.LastReading == nil || *u.LastReading != 12 || !u.ReadInMonth {
		t.Errorf("walk unit: %+v", u)
	}
	// Who may walk: the area's manager, cashier, supervisor, director.
	for who, want := range map[string]int{"areamgr2@example.com": 403, "tech1@example.com": 403, "supervisor.yx@example.com": 404,
		"cashier@example.com": 200, "director@example.com": 200, "owner1@example.com": 404} {
		if code, b := testapp.Do(t, h, http.MethodGet, "/api/wuye/meters/walk?building="+testapp.ID(t, "building:CH-2")+"&meter=water", "", who); code != want {
			t.Errorf("%s walks building 2: %d, want %d (%s)", who, code, want, shortBody(b))
		}
	}
	// The billing run bills across the replacement: 2026-Q4's water is
	// from 90 (2026-09-30) to 12 with 125 more, 47 m³ at 5 元.
	runs, _ := app.FindCollectionByNameOrId("billing_runs")
	run := core.NewRecord(runs)
	run.Load(map[string]any{"community": testapp.ID(t, "community:CH"), "period": "2026-Q4", "status": "running"})
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	if err := hooks.RunBilling(app, run.Id); err != nil {
		t.Fatal(err)
	}
	bill, err := app.FindFirstRecordByFilter("bills", "unit = {:u} && period = '2026-Q4' && fee_item.meter = 'water'", map[string]any{"u": unit})
	if err != nil {
		t.Fatalf("no water bill across the replacement: %v", err)
	}
	if bill.GetInt("amount_fen") != 47*500 {
		t.Errorf("water across the replacement: %d fen (%s), want %d", bill.GetInt("amount_fen"), bill.GetString("basis"), 47*500)
	}
}

func shortBody(b string) string {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// TestRenovationUtilitiesFromReadings ([001] 中汇广场 十 (一) 2: 施工用水/用电,
// 每月15日左右…制作出付款通知书): on the 15th a renovation under works is
// billed the water and electricity its unit used, read from the meter
// readings (a correction replacing what it corrects, a replacement's old
// final − new start added), once a month, the next month from where the
// last bill stopped.
func TestRenovationUtilitiesFromReadings(t *testing.T) {
	app := testapp.New(t)
	reno, err := app.FindFirstRecordByFilter("renovations", "status = 'permitted'", nil)
	if err != nil {
		t.Fatal(err)
	}
	unit, start := reno.GetString("unit"), reno.GetString("planned_start")
	day := func(d int) string { return civilDay(start, d) }
	save := func(col string, fields map[string]any) *core.Record {
		c, _ := app.FindCollectionByNameOrId(col)
		r := core.NewRecord(c)
		r.Load(fields)
		if err := app.Save(r); err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		return r
	}
	save("fee_items", map[string]any{"community": reno.GetString("community"), "code": "DF", "name": "电费", "kind": "electricity", "basis": "metered",
		"meter": "electric", "price_fen": 60, "unit_types": []string{"residential"}, "cycle": "monthly", "active": true})
	save("meter_readings", map[string]any{"unit": unit, "meter": "water", "reading": 500, "read_on": day(0)})
	save("meter_replacements", map[string]any{"unit": unit, "meter": "water", "old_final_reading": 510, "new_start_reading": 0, "replaced_on": day(1), "reason": "换新表"})
	wrong := save("meter_readings", map[string]any{"unit": unit, "meter": "water", "reading": 80, "read_on": day(2)})
	save("meter_readings", map[string]any{"unit": unit, "meter": "water", "reading": 8, "read_on": day(2), "corrects": wrong.Id, "reason": "看错"})
	save("meter_readings", map[string]any{"unit": unit, "meter": "electric", "reading": 1000, "read_on": day(-1)})
	save("meter_readings", map[string]any{"unit": unit, "meter": "electric", "reading": 1100, "read_on": day(10)})
	fifteenth := day(14)
	n, err := hooks.BillRenovationUtilities(app, fifteenth)
	if err != nil || n != 2 {
		t.Fatalf("utilities on the 15th: %d bills, %v", n, err)
	}
	want := map[string]int{"construction_water": (8 - 500 + 510) * 500, "construction_electric": 100 * 60}
	for charge, fen := range want {
		b, err := app.FindFirstRecordByFilter("bills", "renovation = {:r} && charge = {:c}", map[string]any{"r": reno.Id, "c": charge})
		if err != nil {
			t.Fatalf("no %s bill", charge)
		}
		if b.GetInt("amount_fen") != fen || b.GetString("payer") != reno.GetString("applicant") || b.GetString("period") != fifteenth[:7] {
			t.Errorf("%s bill: %d fen payer %s period %s (%s), want %d", charge, b.GetInt("amount_fen"), b.GetString("payer"), b.GetString("period"), b.GetString("basis"), fen)
		}
	}
	if _, err := app.FindFirstRecordByFilter("events", "subject_collection = 'renovations' && subject_id = {:r} && action = 'utilities'", map[string]any{"r": reno.Id}); err != nil {
		t.Errorf("no utilities event on the renovation")
	}
	if n, err := hooks.BillRenovationUtilities(app, fifteenth); err != nil || n != 0 {
		t.Errorf("the same month again: %d bills, %v", n, err)
	}
	// Next month: from the last bill's reading (8) to 20.
	save("meter_readings", map[string]any{"unit": unit, "meter": "water", "reading": 20, "read_on": day(40)})
	next := civilDay(fifteenth[:8]+"15", 31)[:8] + "15"
	if n, err := hooks.BillRenovationUtilities(app, next); err != nil || n != 1 {
		t.Fatalf("next month: %d bills, %v", n, err)
	}
	b, err := app.FindFirstRecordByFilter("bills", "renovation = {:r} && charge = 'construction_water' && period = {:p}", map[string]any{"r": reno.Id, "p": next[:7]})
	if err != nil || b.GetInt("amount_fen") != 12*500 {
		t.Errorf("next month's water: %v %v", b, err)
	}
}

// civilDay is the office date d days after s (YYYY-MM-DD).
func civilDay(s string, d int) string { return civilDate(s).AddDate(0, 0, d).Format("2006-01-02") }
