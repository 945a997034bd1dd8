package hooks_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// permittedRenovation takes owner2's renovation of 1-103 to its permit
// through the flow, with a 2,000 元 deposit in the ledger.
func permittedRenovation(t testing.TB, app core.App) *core.Record {
	t.Helper()
	unit := ownerOf103(t, app)
	col, _ := app.FindCollectionByNameOrId("renovations")
	r := core.NewRecord(col)
	for k, v := range map[string]any{"unit": unit, "contractor_name": "安居装饰", "contractor_phone": "13600000001",
		"scope": []string{"walls"}, "planned_start": "2026-12-01", "planned_end": "2027-02-28"} {
		r.Set(k, v)
	}
	if err := hooks.FileRenovation(app, r, residentRec(t, app, "owner2@example.com")); err != nil {
		t.Fatal(err)
	}
	var err error
	if r, err = hooks.AdvanceRenovation(app, r.Id, staffRec(t, app, "engineer@example.com"), "engineering_passed", nil); err != nil {
		t.Fatal(err)
	}
	if r, err = hooks.AdvanceRenovation(app, r.Id, staffRec(t, app, "director@example.com"), "approved", nil); err != nil {
		t.Fatal(err)
	}
	depCol, _ := app.FindCollectionByNameOrId("deposits")
	d := core.NewRecord(depCol)
	for k, v := range map[string]any{"community": r.GetString("community"), "unit": unit, "kind": "renovation", "holder_name": "王芳",
		"amount_fen": 200000, "balance_fen": 200000, "status": "held"} {
		d.Set(k, v)
	}
	if err := app.Save(d); err != nil {
		t.Fatal(err)
	}
	desk := staffRec(t, app, "frontdesk@example.com")
	if r, err = hooks.AdvanceRenovation(app, r.Id, desk, "approved", map[string]any{
		"agreement_signed_at": clock.Now(), "deposit_fen": 200000, "deposit": d.Id}); err != nil {
		t.Fatal(err)
	}
	// The fees are a bill, paid at the cashier's ([004] 四 3 5.1.6).
	bills, err := hooks.IssueRenovationFees(app, r, desk, []hooks.OneOffCharge{{Charge: "renovation_management", AmountFen: 30000}})
	if err != nil {
		t.Fatal(err)
	}
	payCol, _ := app.FindCollectionByNameOrId("payments")
	pay := core.NewRecord(payCol)
	for k, v := range map[string]any{"unit": unit, "amount_fen": 30000, "method": "cash", "bills": []string{bills[0].Id}} {
		pay.Set(k, v)
	}
	if err := hooks.TakePayment(app, pay, staffRec(t, app, "cashier@example.com")); err != nil {
		t.Fatal(err)
	}
	passCol, _ := app.FindCollectionByNameOrId("renovation_passes")
	p := core.NewRecord(passCol)
	for k, v := range map[string]any{"renovation": r.Id, "worker_name": "刘师傅", "id_no": "500101199001011234"} {
		p.Set(k, v)
	}
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	if r, err = hooks.AdvanceRenovation(app, r.Id, desk, "permitted", nil); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRenovationSiteAndRefund(t *testing.T) {
	app := testapp.New(t)
	r := permittedRenovation(t, app)
	h := testapp.Handler(t, app)
	if got := hooks.ExtinguishersRequired(89.37); got != 2 {
		t.Fatalf("89.37 m² needs %d extinguishers", got)
	}
	for area, want := range map[float64]int{50: 1, 50.01: 2, 100: 2, 135.08: 3, 8.6: 1} {
		if got := hooks.ExtinguishersRequired(area); got != want {
			t.Errorf("%v m²: %d extinguishers, want %d", area, got, want)
		}
	}
	today := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	if n, _ := hooks.FlagMissedInspections(app, today); n < 1 {
		t.Fatal("an uninspected site was not flagged")
	}
	if n, _ := hooks.FlagMissedInspections(app, today); n != 0 {
		t.Fatal("flagged twice in one day")
	}
	checks := `"permit_posted":true,"working_hours_kept":true,"within_scope":true,"debris_cleared":true,"corridor_doors_closed":true,"no_open_flame":true,"wiring_safe":true`
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_inspections/records",
		`{"renovation":"`+r.Id+`",`+checks+`,"extinguishers":1,"result":"ok"}`, "areamgr@example.com")
	expectBody(t, "one extinguisher where two are needed", code, body, 200, `"result":"issues"`, `"extinguishers_required":2`)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_inspections/records",
		`{"renovation":"`+r.Id+`",`+checks+`,"extinguishers":2}`, "engineer@example.com")
	expectBody(t, "a clean inspection", code, body, 200, `"result":"ok"`)
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_inspections/records",
		`{"renovation":"`+r.Id+`","extinguishers":2}`, "owner2@example.com"); code != 400 {
		t.Error("a resident recorded an inspection")
	}

	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_violations/records",
		`{"renovation":"`+r.Id+`","severity":"major","kind":"load_bearing","description":"拆除承重墙","measures":["stop_work","deduct","rectify"],"deduct_fen":30000,"rectify_by":"2026-12-20"}`, "engineer@example.com")
	expectBody(t, "a major violation stops work and deducts", code, body, 200, `"status":"open"`)
	r, _ = app.FindRecordById("renovations", r.Id)
	d, _ := app.FindRecordById("deposits", r.GetString("deposit"))
	if r.GetString("status") != "suspended" || d.GetInt("balance_fen") != 170000 {
		t.Fatalf("after the violation: %s, deposit %d", r.GetString("status"), d.GetInt("balance_fen"))
	}
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "renovation_violation", "subject_id": r.Id}); n != 2 {
		t.Fatalf("%d notices of the major violation", n)
	}
	v, _ := app.FindFirstRecordByFilter("renovation_violations", "renovation={:r}", dbx.Params{"r": r.Id})
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/violations/"+v.Id+"/notice", "", "owner2@example.com")
	expectBody(t, "the owner's rectification notice", code, body, 200, "装修违规整改通知书", "拆除承重墙", "停止施工", "2026-12-20", "叁佰元整")
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/violations/"+v.Id+"/notice", "", "owner1@example.com"); code != 404 {
		t.Error("owner1 read owner2's notice")
	}
	// The week's summary for area 1 (1-103 is in building 1): the test's two
	// inspections (one with issues) and one violation, and every missed
	// day flagged in the area (the demo's sites too), counted here in Go.
	week := clock.Now().In(workcal.Shanghai)
	for week.Weekday() != time.Saturday {
		week = week.AddDate(0, 0, 1)
	}
	rows, err := hooks.RenovationWeekly(app, testapp.ID(t, "community:CH"), civilDate(week.Format(time.DateOnly)))
	if err != nil {
		t.Fatal(err)
	}
	var area1 hooks.WeeklyRow
	for _, row := range rows {
		if row.AreaName == "一片区" {
			area1 = row
		}
	}
	missed := 0
	flags, _ := app.FindAllRecords("events", dbx.HashExp{"action": "missed_inspection"})
	for _, ev := range flags {
		reno, _ := app.FindRecordById("renovations", ev.GetString("subject_id"))
		u, _ := app.FindRecordById("units", reno.GetString("unit"))
		b, _ := app.FindRecordById("buildings", u.GetString("building"))
		if b.GetString("area") == area1.Area {
			missed++
		}
	}
	if area1.Inspections != 2 || area1.WithIssues != 1 || area1.Violations != 1 || area1.MissedDays != missed || missed < 1 || area1.UnderWay < 1 {
		t.Fatalf("weekly summary of area 1: %+v (missed days counted in Go: %d)", area1, missed)
	}
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/renovations/weekly?community="+testapp.ID(t, "community:CH"), "", "areamgr@example.com")
	expectBody(t, "the area manager's weekly summary", code, "", 200)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_inspections/records",
		`{"renovation":"`+r.Id+`",`+checks+`,"extinguishers":0,"result":"ok"}`, "areamgr@example.com")
	expectBody(t, "a site with no extinguisher at all", code, body, 200, `"result":"issues"`, `"extinguishers":0`)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_inspections/records",
		`{"renovation":"`+r.Id+`",`+checks+`,"extinguishers":-1}`, "areamgr@example.com")
	expectBody(t, "a negative count", code, body, 400, "extinguishers")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/renovation_violations/records/"+v.Id, `{"status":"rectified","recheck_note":"已恢复"}`, "engineer@example.com")
	expectBody(t, "re-inspection closes it", code, body, 200, `"status":"rectified"`)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_violations/records",
		`{"renovation":"`+r.Id+`","severity":"minor","kind":"debris","description":"楼道堆放建筑垃圾","measures":["rectify"],"rectify_by":"2026-12-05"}`, "areamgr@example.com")
	expectBody(t, "a minor violation", code, body, 200)
	minor, _ := app.FindFirstRecordByFilter("renovation_violations", "kind='debris'")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/renovation_violations/records/"+minor.Id, `{"status":"escalated","recheck_note":"复查仍未清理"}`, "areamgr@example.com")
	expectBody(t, "re-inspection escalates it", code, body, 200, `"status":"escalated"`)
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "renovation_violation_escalated", "subject_id": r.Id}); n != 2 {
		t.Fatalf("%d escalation notices", n)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/renovation_violations/records/"+minor.Id, `{"status":"rectified"}`, "areamgr@example.com")
	expectBody(t, "a closed violation stays closed", code, body, 400)

	sup := staffRec(t, app, "supervisor@example.com")

	if r, err = hooks.AdvanceRenovation(app, r.Id, sup, "permitted", nil); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if r, err = hooks.AdvanceRenovation(app, r.Id, residentRec(t, app, "owner2@example.com"), "completion_requested", nil); err != nil {
		t.Fatalf("completion: %v", err)
	}
	eng := staffRec(t, app, "engineer@example.com")
	if _, err = hooks.AdvanceRenovation(app, r.Id, eng, "accepted", map[string]any{"resident_signed": true, "office_signed": true}); errCode(err, "contractor_signed") != "wuye_signature_missing" {
		t.Fatalf("accepted without the contractor's signature: %v", err)
	}
	if r, err = hooks.AdvanceRenovation(app, r.Id, eng, "accepted", map[string]any{"resident_signed": true, "office_signed": true, "contractor_signed": true}); err != nil {
		t.Fatalf("acceptance: %v", err)
	}
	due := r.GetString("deposit_refund_due")
	if want := clock.Now().In(workcal.Shanghai).AddDate(0, 6, 0).Format(time.DateOnly); due != want {
		t.Fatalf("refund due %s, want %s", due, want)
	}
	cashier := staffRec(t, app, "cashier@example.com")
	if _, err = hooks.AdvanceRenovation(app, r.Id, cashier, "closed", nil); errCode(err, "status") != "wuye_refund_not_due" {
		t.Fatalf("refunded early: %v", err)
	}
	later := clock.Now().In(workcal.Shanghai).AddDate(0, 6, 1) // the Shanghai day: at 07:30 UTC is a day behind
	restore := hooks.SetNow(func() time.Time { return later })
	defer restore()
	// Due, but the deposit is still held: it goes back only through its
	// refund, approved by the director ([004] 四 3 4.3), whose payment closes
	// the renovation.
	if _, err = hooks.AdvanceRenovation(app, r.Id, cashier, "closed", nil); errCode(err, "status") != "wuye_refund_first" {
		t.Fatalf("closed with the deposit held: %v", err)
	}
	ref, err := hooks.RequestDepositRefund(app, r.Id, staffRec(t, app, "frontdesk@example.com"), "业主到前台申请")
	if err != nil {
		t.Fatal(err)
	}
	if _, err = hooks.AdvanceDepositRefund(app, ref.Id, staffRec(t, app, "director@example.com"), "approved", nil); err != nil {
		t.Fatal(err)
	}
	if _, err = hooks.AdvanceDepositRefund(app, ref.Id, cashier, "paid", map[string]any{"method": "cash"}); err != nil {
		t.Fatal(err)
	}
	r = mustRecord(t, app, "renovations", r.Id)
	if r.GetString("status") != "closed" {
		t.Fatalf("paying the refund left the renovation %s", r.GetString("status"))
	}
	d, _ = app.FindRecordById("deposits", r.GetString("deposit"))
	if r.GetInt("refunded_fen") != 170000 || d.GetInt("balance_fen") != 0 || d.GetString("status") != "settled" {
		t.Fatalf("refund %d, deposit left %d (%s): the deduction must reduce the refund", r.GetInt("refunded_fen"), d.GetInt("balance_fen"), d.GetString("status"))
	}
}
