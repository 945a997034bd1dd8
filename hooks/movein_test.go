package hooks_test

// Move-in (入伙, [004] 四 2 物业入伙管理规程; docs/DESIGN.md, "Move-in (入伙)"):
// each step through the API as each role would take it, and the steps
// refused.

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// openMoveIn is the demo's notified move-in of unit key (5栋, all notified
// in one batch).
func openMoveIn(t *testing.T, app core.App, key string) *core.Record {
	t.Helper()
	m, err := app.FindFirstRecordByFilter("move_ins", "unit = {:u} && status = 'notified'", dbx.Params{"u": testapp.ID(t, "unit:"+key)})
	if err != nil {
		t.Fatalf("no notified move-in of %s: %v", key, err)
	}
	return m
}

func staffRecord(t *testing.T, app core.App, email string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail("staff", email)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// finishRepair takes work order id from new to completed as the desk and
// tech1 would.
func finishRepair(t *testing.T, app core.App, id string) {
	t.Helper()
	desk, tech := staffRecord(t, app, "frontdesk@example.com"), staffRecord(t, app, "tech1@example.com")
	for _, s := range []struct {
		actor  *core.Record
		to     string
		fields map[string]any
	}{
		{desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}},
		{tech, "accepted", nil}, {tech, "on_site", nil}, {tech, "in_progress", nil}, {tech, "completed", nil},
	} {
		if _, err := hooks.AdvanceWorkOrder(app, id, s.actor, s.to, s.fields); err != nil {
			t.Fatalf("repair → %s: %v", s.to, err)
		}
	}
}

func defectOrders(t *testing.T, app core.App, id string) []string {
	t.Helper()
	m, err := app.FindRecordById("move_ins", id)
	if err != nil {
		t.Fatal(err)
	}
	var defects []struct {
		WorkOrder string `json:"work_order"`
		ClearedAt string `json:"cleared_at"`
	}
	if err := m.UnmarshalJSONField("defects", &defects); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range defects {
		out = append(out, d.WorkOrder)
	}
	return out
}

// TestMoveInOpening: a move-in is for a current owner of a unit not yet
// handed over, one under way per unit ([004] 四 2 4.2.1, 4.3.1), opened by
// the desk, its supervisors and director of the unit's community.
func TestMoveInOpening(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	post := func(unit, resident, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/move_ins/records",
			`{"unit":"`+testapp.ID(t, "unit:"+unit)+`","resident":"`+testapp.ID(t, "residents:"+resident)+`","notice_date":"2026-12-01","status":"completed"}`, who)
	}
	// 5-204's move-in was cancelled in the demo: the desk opens a new one.
	code, body := post("5-204", "rh204@example.com", "frontdesk@example.com")
	expectBody(t, "the desk opens a move-in", code, body, 200, `"status":"notified"`, `"serial":"RH-`,
		`"community":"`+testapp.ID(t, "community:CH")+`"`)
	u, _ := app.FindRecordById("units", testapp.ID(t, "unit:5-204"))
	if u.GetString("notice_on") != "2026-12-01" {
		t.Errorf("the unit's notice date is %q, want the notice's", u.GetString("notice_on"))
	}
	code, body = post("5-204", "rh204@example.com", "supervisor@example.com")
	expectBody(t, "a second move-in of the unit", code, body, 400, "已有一份办理中的入伙")
	code, body = post("1-101", "owner1@example.com", "frontdesk@example.com")
	expectBody(t, "a unit handed over long ago", code, body, 400, "已交房")
	code, body = post("5-301", "owner1@example.com", "frontdesk@example.com")
	expectBody(t, "someone who is not the owner", code, body, 400)
	for _, who := range []string{"frontdesk.yx@example.com", "tech1@example.com", "cashier@example.com", "rh301@example.com"} {
		code, body = post("5-204", "rh204@example.com", who)
		if code == 200 {
			t.Errorf("%s opened a move-in: %s", who, body)
		}
	}

	// The batch: a notice for every vacant unit with an owner and none
	// under way; none left in 5栋.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/wuye/move-ins/batch",
		`{"building":"`+testapp.ID(t, "building:CH-5")+`","notice_date":"2026-12-01"}`, "frontdesk@example.com")
	expectBody(t, "nothing left to notify", code, body, 400, "没有可发入伙通知的房屋")
	code, _ = testapp.Do(t, h, http.MethodPost, "/api/wuye/move-ins/batch",
		`{"building":"`+testapp.ID(t, "building:CH-5")+`","notice_date":"2026-12-01"}`, "frontdesk.yx@example.com")
	if code != 403 {
		t.Errorf("another community's desk batch: %d", code)
	}
	// The notices print one page per household of the building.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/move-ins/notices?building="+testapp.ID(t, "building:CH-5"), "", "frontdesk@example.com")
	expectBody(t, "the notices of 5栋", code, body, 200, `"unit":"5-101"`, `"unit":"5-304"`, `"address":"重庆市渝北区翠湖路 88 号"`)
	if strings.Count(body, `"serial":"RH-`) != 12 {
		t.Errorf("want 12 notices (one cancelled left out, one reopened): %s", body)
	}
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/move-ins/notices?building="+testapp.ID(t, "building:CH-5"), "", "frontdesk.yx@example.com")
	if code != 404 {
		t.Errorf("another community's desk read the notices: %d", code)
	}
	// Never deleted.
	m := openMoveIn(t, app, "5-301")
	code, _ = testapp.Do(t, h, http.MethodDelete, "/api/collections/move_ins/records/"+m.Id, "", "director@example.com")
	if code == 204 {
		t.Error("a move-in was deleted")
	}
}

// TestMoveInFlow runs one household from the notice to the move-in: the
// papers ([004] 四 2 4.3.1), the joint inspection with meter readings and
// defects (4.4.1), repairs as work orders re-inspected until they pass
// (4.4.3–4.4.6), the keys (4.6) with the unit handed over and its first
// fees billed once (4.5; [000] 收费员 4.2.1.1), the signed documents (4.7).
func TestMoveInFlow(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	m := openMoveIn(t, app, "5-301")
	unit := testapp.ID(t, "unit:5-301")
	url := "/api/collections/move_ins/records/" + m.Id
	patch := func(body, who string) (int, string) { return testapp.Do(t, h, http.MethodPatch, url, body, who) }

	// Refused skips.
	code, body := patch(`{"status":"keys_handed","keys_count":2}`, "frontdesk@example.com")
	expectBody(t, "keys before the unit is ready", code, body, 400, `"status"`)
	code, body = patch(`{"status":"ready"}`, "frontdesk@example.com")
	expectBody(t, "ready without an inspection", code, body, 400, `"status"`)
	code, _ = patch(`{"status":"documents_checked","documents":{"id_card":true,"purchase_contract":true,"five_certificates":true}}`, "frontdesk.yx@example.com")
	if code != 404 {
		t.Errorf("another community's desk took a step: %d", code)
	}

	// 4.3.1: every paper checked, each stamped by who checked it.
	code, body = patch(`{"status":"documents_checked","documents":{"id_card":true}}`, "frontdesk@example.com")
	expectBody(t, "papers missing", code, body, 400, "购房协议原件", "五证")
	code, body = patch(`{"documents":{"id_card":true,"by":"x"}}`, "frontdesk@example.com")
	expectBody(t, "an unknown paper", code, body, 400, `"documents"`)
	code, body = patch(`{"status":"documents_checked","documents":{"id_card":true,"purchase_contract":true,"five_certificates":{"by":"someone","at":"2020-01-01"}}}`, "frontdesk@example.com")
	expectBody(t, "papers checked", code, body, 200, `"status":"documents_checked"`,
		`"by":"`+testapp.ID(t, "staff:frontdesk@example.com")+`"`)
	if strings.Contains(body, "someone") {
		t.Errorf("a client wrote its own stamp: %s", body)
	}

	// 4.4.1: the inspection reads the water and electricity meters.
	code, body = patch(`{"status":"inspected"}`, "engineer@example.com")
	expectBody(t, "an inspection without readings", code, body, 400, "水表和电表读数")
	code, body = patch(`{"status":"inspected","readings":{"water":2.5,"electric":-1}}`, "engineer@example.com")
	expectBody(t, "a negative reading", code, body, 400, `"readings"`)
	code, body = patch(`{"status":"inspected","readings":{"water":2.5,"electric":10.2},
		"defects":[{"description":"卫生间地漏反水","category":"plumbing"},{"description":"","category":"plumbing"}]}`, "engineer@example.com")
	expectBody(t, "a defect without a description", code, body, 400, `"defects"`)
	code, body = patch(`{"status":"inspected","readings":{"water":2.5,"electric":10.2},
		"defects":[{"description":"卫生间地漏反水","category":"plumbing","cleared_at":"2026-01-01"}]}`, "engineer@example.com")
	expectBody(t, "engineering inspects with the owner", code, body, 200, `"status":"inspected"`,
		`"inspected_by":"`+testapp.ID(t, "staff:engineer@example.com")+`"`)
	if strings.Contains(body, "2026-01-01") {
		t.Errorf("a client cleared its own defect: %s", body)
	}
	if n := countIn(t, app, "meter_readings", dbx.HashExp{"unit": unit}); n != 2 {
		t.Errorf("the handover wrote %d meter readings, want water and electricity", n)
	}

	// 4.4.3: a unit with a defect is not ready; the defect is a work order.
	code, body = patch(`{"status":"ready"}`, "frontdesk@example.com")
	expectBody(t, "ready with a defect", code, body, 400, "须先交工程整改")
	code, body = patch(`{"status":"defects_open"}`, "frontdesk@example.com")
	expectBody(t, "the defects go to engineering", code, body, 200, `"status":"defects_open"`, `"serial":"PG-`)
	orders := defectOrders(t, app, m.Id)
	o, err := app.FindRecordById("work_orders", orders[0])
	if err != nil || o.GetString("source") != "move_in" || o.GetString("source_ref") != m.GetString("serial") ||
		o.GetString("category") != "plumbing" || o.GetString("requester") != testapp.ID(t, "residents:rh301@example.com") {
		t.Fatalf("the defect's work order: %v %v", o, err)
	}
	code, body = patch(`{"status":"ready"}`, "frontdesk@example.com")
	expectBody(t, "ready with a repair open", code, body, 400, "未复验合格")
	reinspect := func(order string, passed bool) (int, string) {
		b := `{"work_order":"` + order + `","passed":false,"note":"仍有反水"}`
		if passed {
			b = `{"work_order":"` + order + `","passed":true}`
		}
		return testapp.Do(t, h, http.MethodPost, "/api/wuye/move-ins/"+m.Id+"/reinspect", b, "frontdesk@example.com")
	}
	code, body = reinspect(orders[0], true)
	expectBody(t, "re-inspected before the repair is done", code, body, 400, "还未完工")

	// 4.4.4–4.4.6: done, the desk is told; the owner re-inspects; a failure
	// goes back to engineering and to the supervisor.
	finishRepair(t, app, orders[0])
	if n := countIn(t, app, "notifications", dbx.HashExp{"recipient_staff": testapp.ID(t, "staff:frontdesk@example.com"), "kind": "move_in_repair_done", "subject_id": orders[0]}); n != 1 {
		t.Errorf("the desk was told %d times of the repair done", n)
	}
	code, body = reinspect(orders[0], false)
	expectBody(t, "the re-inspection fails", code, body, 200, `"rework":1`)
	rework := defectOrders(t, app, m.Id)[0]
	if rework == orders[0] {
		t.Fatal("a failed re-inspection made no new work order")
	}
	if n := countIn(t, app, "notifications", dbx.HashExp{"recipient_staff": testapp.ID(t, "staff:supervisor@example.com"), "kind": "move_in_recheck_failed"}); n != 1 {
		t.Errorf("the supervisor was told %d times of the failed re-inspection", n)
	}
	finishRepair(t, app, rework)
	code, body = reinspect(rework, true)
	expectBody(t, "the repair passes", code, body, 200, `"cleared_at":"`)
	code, body = reinspect(rework, true)
	expectBody(t, "passed twice", code, body, 400, "已经复验合格")
	code, body = patch(`{"status":"ready"}`, "frontdesk@example.com")
	expectBody(t, "ready once every repair passed", code, body, 200, `"status":"ready"`)

	// 4.6, 4.5: the keys hand the unit over, bill its first fees, log the keys.
	code, body = patch(`{"status":"keys_handed"}`, "frontdesk@example.com")
	expectBody(t, "keys without a count", code, body, 400, `"keys_count"`)
	code, body = patch(`{"status":"keys_handed","keys_count":2}`, "engineer@example.com")
	expectBody(t, "engineering does not hand keys", code, body, 400, `"status"`)
	keysOut := func() int {
		items, err := hooks.ExpectedItems(app, testapp.ID(t, "community:CH"), "")
		if err != nil {
			t.Fatal(err)
		}
		return items["keys_out"]
	}
	out := keysOut()
	code, body = patch(`{"status":"keys_handed","keys_count":2}`, "frontdesk@example.com")
	expectBody(t, "the keys are handed", code, body, 200, `"status":"keys_handed"`, `"fees_billed_at":"2`)
	u, _ := app.FindRecordById("units", unit)
	if u.GetString("status") != "handed_over" || u.GetString("handed_over_on") != officeDay() {
		t.Errorf("the unit after the keys: %s %s", u.GetString("status"), u.GetString("handed_over_on"))
	}
	loans, _ := app.FindAllRecords("key_loans", dbx.HashExp{"move_in": m.Id})
	if len(loans) != 1 || !strings.Contains(loans[0].GetString("purpose"), "共 2 把") {
		t.Fatalf("key records of the handover: %v", loans)
	}
	if n := keysOut(); n != out {
		t.Errorf("the shift handover counts %d keys out after the handover, %d before: the owner's keys are not on loan", n, out)
	}
	key, _ := app.FindRecordById("keys", loans[0].GetString("key"))
	if key.GetString("status") != "handed_over" || key.GetString("unit") != unit {
		t.Errorf("the key handed: %v", key)
	}
	bills := countIn(t, app, "bills", dbx.HashExp{"unit": unit})
	if bills == 0 || countIn(t, app, "bills", dbx.NewExp("unit = {:u} AND period_start <= {:d} AND period_end >= {:d} AND fee_item != ''", dbx.Params{"u": unit, "d": officeDay()})) == 0 {
		t.Fatalf("no first-period bills for the unit (%d bills)", bills)
	}
	// Billed once: the fees route bills the one-off charges and makes no
	// second management-fee bill, and a charge is billed once.
	fees := func(b string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/wuye/move-ins/"+m.Id+"/fees", b, "cashier@example.com")
	}
	code, body = fees(`{"charges":[{"charge":"gas_opening","amount_fen":200000}]}`)
	expectBody(t, "the gas connection fee", code, body, 200, `"charge":"gas_opening"`, `"amount_fen":200000`)
	code, body = fees(`{"charges":[{"charge":"gas_opening","amount_fen":200000}]}`)
	expectBody(t, "billed twice", code, body, 400, "已经开过账单")
	code, body = fees(`{"charges":[]}`)
	expectBody(t, "a retry", code, body, 200)
	if n := countIn(t, app, "bills", dbx.HashExp{"unit": unit}); n != bills+1 {
		t.Errorf("%d bills after the retries, want %d", n, bills+1)
	}
	if n, err := hooks.BillMoveIn(app, must(app.FindRecordById("move_ins", m.Id)), nil); err != nil || n != 0 {
		t.Errorf("billing the move-in again made %d bills (%v)", n, err)
	}

	// 4.7: completed once the owner has signed the three documents.
	code, body = patch(`{"status":"completed"}`, "frontdesk@example.com")
	expectBody(t, "completed unsigned", code, body, 400, "管理规约", "装修管理协议", "消防安全责任书")
	form, ctype := multipartBody(map[string]any{"status": "completed", "moved_in_on": officeDay()}, []upload{
		{"covenant", "covenant.png", "image/png", pngBytes}, {"renovation_agreement", "agreement.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n")},
		{"fire_safety", "fire.png", "image/png", pngBytes}})
	req := httptest.NewRequest(http.MethodPatch, url, bytes.NewReader(form))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", testapp.Token(t, "frontdesk@example.com"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	expectBody(t, "signed and completed", rec.Code, rec.Body.String(), 200, `"status":"completed"`)
	u, _ = app.FindRecordById("units", unit)
	if u.GetString("status") != "occupied" || u.GetString("moved_in_on") != officeDay() {
		t.Errorf("the unit after the move-in: %s %s", u.GetString("status"), u.GetString("moved_in_on"))
	}
	code, _ = patch(`{"note":"x"}`, "director@example.com")
	if code != 400 {
		t.Errorf("a completed move-in changed: %d", code)
	}

	// The owner follows their own move-in in the portal; nobody else's.
	code, body = testapp.Do(t, h, http.MethodGet, url, "", "rh301@example.com")
	expectBody(t, "the owner reads their move-in", code, body, 200, `"status":"completed"`)
	code, _ = testapp.Do(t, h, http.MethodGet, url, "", "rh302@example.com")
	if code != 404 {
		t.Errorf("another owner read the move-in: %d", code)
	}
	for _, step := range []string{"documents_checked", "inspected", "defects_open", "ready", "keys_handed", "completed"} {
		if n := countIn(t, app, "events", dbx.HashExp{"subject_id": m.Id, "to": step}); n != 1 {
			t.Errorf("%d events of the step to %s", n, step)
		}
	}
}

// TestMoveInHandoverReadingsGoForward: the handover readings are meter
// readings like any other — a meter only counts up (hooks/fees_meter_readings.go)
// — and a refused reading leaves the move-in and the readings as they were.
func TestMoveInHandoverReadingsGoForward(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	m := openMoveIn(t, app, "5-302")
	unit := testapp.ID(t, "unit:5-302")
	col, _ := app.FindCollectionByNameOrId("meter_readings")
	r := core.NewRecord(col)
	r.Set("unit", unit)
	r.Set("meter", "water")
	r.Set("reading", 40)
	r.Set("read_on", "2026-01-05")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	url := "/api/collections/move_ins/records/" + m.Id
	code, body := testapp.Do(t, h, http.MethodPatch, url, `{"status":"documents_checked","documents":{"id_card":true,"purchase_contract":true,"five_certificates":true}}`, "frontdesk@example.com")
	expectBody(t, "papers", code, body, 200)
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"inspected","readings":{"water":3,"electric":5}}`, "frontdesk@example.com")
	expectBody(t, "a water reading below the meter's last", code, body, 400, "只增不减")
	if n := countIn(t, app, "meter_readings", dbx.HashExp{"unit": unit}); n != 1 {
		t.Errorf("%d readings after the refusal", n)
	}
	if s := must(app.FindRecordById("move_ins", m.Id)).GetString("status"); s != "documents_checked" {
		t.Errorf("the move-in moved to %s", s)
	}
	// Only the supervisor or director cancels, with a reason.
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"cancelled","cancel_reason":"改期"}`, "frontdesk@example.com")
	expectBody(t, "the desk cancels", code, body, 400, `"status"`)
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"cancelled"}`, "supervisor@example.com")
	expectBody(t, "cancelled without a reason", code, body, 400, `"cancel_reason"`)
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"cancelled","cancel_reason":"业主改期"}`, "supervisor@example.com")
	expectBody(t, "the supervisor cancels", code, body, 200, `"status":"cancelled"`)
}

// TestMoveInDemo: the demo's 5栋 has a household at every step.
func TestMoveInDemo(t *testing.T) {
	app := testapp.New(t)
	for _, s := range []string{"notified", "documents_checked", "inspected", "defects_open", "ready", "keys_handed", "completed", "cancelled"} {
		if n := countIn(t, app, "move_ins", dbx.HashExp{"building": testapp.ID(t, "building:CH-5"), "status": s}); n == 0 {
			t.Errorf("no demo move-in %s", s)
		}
	}
	_ = app
}
