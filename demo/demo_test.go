package demo_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/demo"
	"wuye/internal/testapp"
)

func TestDemoLoadIsIdempotent(t *testing.T) {
	app := testapp.New(t) // the template already holds the demo
	counts := func() map[string]int64 {
		out := map[string]int64{}
		for _, c := range []string{"communities", "areas", "buildings", "units", "residents", "staff", "unit_residents"} {
			n, err := app.CountRecords(c)
			if err != nil {
				t.Fatal(err)
			}
			out[c] = n
		}
		return out
	}
	before := counts()
	loaded, err := demo.Load(app)
	if err != nil || loaded {
		t.Fatalf("second load: loaded=%v err=%v", loaded, err)
	}
	after := counts()
	for c, n := range before {
		if after[c] != n {
			t.Fatalf("second load changed %s: %d → %d", c, n, after[c])
		}
	}
}

func TestDemoCommunityIsComplete(t *testing.T) {
	app := testapp.New(t)
	ch := testapp.ID(t, "community:CH")
	if n, _ := app.CountRecords("areas", dbx.HashExp{"community": ch}); n != 2 {
		t.Fatalf("%d areas, want 2", n)
	}
	// Buildings 1–3, and 5栋 mid-move-in (demo/move_ins.go).
	if n, _ := app.CountRecords("buildings", dbx.HashExp{"community": ch}); n != 4 {
		t.Fatalf("%d buildings, want 4", n)
	}
	if n, _ := app.CountRecords("units", dbx.HashExp{"community": ch}); n < 60 {
		t.Fatalf("%d units, want at least 60", n)
	}
	for _, status := range []string{"vacant", "handed_over", "renovating", "occupied"} {
		if n, _ := app.CountRecords("units", dbx.HashExp{"community": ch, "status": status}); n == 0 {
			t.Errorf("no %s unit", status)
		}
	}
	for _, typ := range []string{"residential", "shop", "office", "parking", "storage"} {
		if n, _ := app.CountRecords("units", dbx.HashExp{"community": ch, "type": typ}); n == 0 {
			t.Errorf("no %s unit", typ)
		}
	}
	for _, role := range []string{"front_desk", "area_manager", "technician", "engineer", "security", "cashier", "supervisor", "director"} {
		if n, _ := app.CountRecords("staff", dbx.HashExp{"role": role}); n == 0 {
			t.Errorf("no %s account", role)
		}
	}
	for _, status := range []string{"received", "assigned", "processing", "replied", "revisited", "closed", "invalid"} {
		if n, _ := app.CountRecords("complaints", dbx.HashExp{"community": ch, "status": status}); n == 0 {
			t.Errorf("no %s complaint in the demo", status)
		}
	}
	for _, where := range []dbx.Expression{
		dbx.HashExp{"level": "hot"}, dbx.HashExp{"level": "collective"}, dbx.HashExp{"about_service_center": true},
		dbx.HashExp{"reply_overdue": true}, dbx.NewExp("reopen_count > 0"),
		// The hot group says why it was grouped: the lift of building 2.
		dbx.NewExp("hot_group != '' AND hot_reason LIKE '%电梯%'"),
	} {
		if n, _ := app.CountRecords("complaints", where); n == 0 {
			t.Errorf("the demo has no complaint with %v", where)
		}
	}
	for _, status := range []string{"new", "dispatched", "accepted", "on_site", "quoted", "in_progress", "completed", "signed_off", "revisited", "closed", "cancelled"} {
		if n, _ := app.CountRecords("work_orders", dbx.HashExp{"community": ch, "status": status}); n == 0 {
			t.Errorf("no %s work order in the demo", status)
		}
	}
	for _, where := range []dbx.Expression{
		dbx.HashExp{"dispatch_mode": "pool", "status": "dispatched", "technician": ""}, dbx.HashExp{"payment": "billed"},
		dbx.HashExp{"reply_overdue": true}, dbx.NewExp("rework_of != ''"), dbx.HashExp{"revisit_method": "home_visit"},
	} {
		if n, _ := app.CountRecords("work_orders", where); n == 0 {
			t.Errorf("the demo has no work order with %v", where)
		}
	}
	for _, name := range []string{"日光灯维修", "水龙头更换", "室内保洁"} {
		if _, err := app.FindFirstRecordByData("service_items", "name", name); err != nil {
			t.Errorf("the price list has no %s", name)
		}
	}
	for _, status := range []string{"paid", "partially_paid", "issued"} {
		if n, _ := app.CountRecords("bills", dbx.HashExp{"community": ch, "period": "2026-Q3", "status": status}); n == 0 {
			t.Errorf("no %s bill in the demo's third quarter", status)
		}
	}
	if n, _ := app.CountRecords("bills", dbx.HashExp{"community": ch, "period": "2026-Q4"}); n == 0 {
		t.Error("the current quarter is not billed in the demo")
	}
	// The arrears ladder: notices waiting for delivery (待送达), a visit
	// waiting for the area manager, one escalated to the supervisor.
	for name, where := range map[string]dbx.Expression{
		"undelivered first notice":  dbx.NewExp("stage = '1' AND delivered_at = ''"),
		"undelivered second notice": dbx.NewExp("stage = '2' AND delivered_at = ''"),
		"delivered notice":          dbx.NewExp("delivered_at != '' AND deadline != ''"),
		"escalation record":         dbx.HashExp{"stage": "escalated"},
	} {
		if n, _ := app.CountRecords("reminders", dbx.HashExp{"community": ch}, where); n == 0 {
			t.Errorf("no %s in the demo", name)
		}
	}
	for _, where := range []dbx.HashExp{
		{"step": "area_manager", "status": "open", "assignee": testapp.ID(t, "staff:areamgr@example.com")},
		{"step": "area_manager", "status": "recorded", "outcome": "refused"},
		{"step": "supervisor", "status": "open"},
	} {
		if n, _ := app.CountRecords("arrears_visits", dbx.HashExp{"community": ch}, where); n != 1 {
			t.Errorf("%d arrears visits with %v in the demo, want 1", n, where)
		}
	}
	for _, status := range []string{"submitted", "engineering_passed", "approved", "permitted", "suspended",
		"completion_requested", "acceptance_failed", "accepted", "closed", "rejected"} {
		if n, _ := app.CountRecords("renovations", dbx.HashExp{"community": ch, "status": status}); n == 0 {
			t.Errorf("no %s renovation in the demo", status)
		}
	}
	// A deposit waiting its period (accepted today), a refund approved for
	// the cashier, and one paid, which closed its renovation.
	if n, _ := app.CountRecords("renovations", dbx.NewExp("community = {:c} AND status = 'accepted' AND deposit_refund_due > date('now')", dbx.Params{"c": ch})); n == 0 {
		t.Error("no renovation deposit waiting its period in the demo")
	}
	for _, status := range []string{"approved", "paid"} {
		if n, _ := app.CountRecords("deposit_refunds", dbx.HashExp{"community": ch, "status": status}); n == 0 {
			t.Errorf("no %s deposit refund in the demo", status)
		}
	}
	for _, c := range []string{"keys", "vacancy_patrols", "patrol_tasks"} {
		if n, _ := app.CountRecords(c); n == 0 {
			t.Errorf("no %s in the demo", c)
		}
	}
	for _, status := range []string{"done", "missed", "open"} {
		if n, _ := app.CountRecords("patrol_tasks", dbx.HashExp{"status": status}); n == 0 {
			t.Errorf("no %s patrol task in the demo", status)
		}
	}
	if n, _ := app.CountRecords("key_loans", dbx.HashExp{"overdue": true}); n == 0 {
		t.Error("no overdue key loan in the demo")
	}
	if n, _ := app.CountRecords("work_orders", dbx.HashExp{"source": "vacancy_patrol"}); n == 0 {
		t.Error("no work order from a patrol finding in the demo")
	}
	area1, err := app.FindFirstRecordByData("areas", "name", "一片区")
	if err != nil || area1.GetString("manager") != testapp.ID(t, "staff:areamgr@example.com") {
		t.Fatalf("areamgr must manage area 1: %v", err)
	}
	for _, want := range []struct{ email, unit, relation string }{
		{"owner1@example.com", "unit:1-101", "owner"},
		{"tenant1@example.com", "unit:1-101", "tenant"},
		{"owner2@example.com", "unit:1-102", "owner"},
	} {
		n, _ := app.CountRecords("unit_residents", dbx.HashExp{
			"resident": testapp.ID(t, "residents:"+want.email), "unit": testapp.ID(t, want.unit),
			"relation": want.relation, "active": true,
		})
		if n != 1 {
			t.Errorf("%s is not the current %s of %s", want.email, want.relation, want.unit)
		}
	}
}

// TestDemoFeeStart: the demo shows issue #18's two rules. 2-604 (135.08 m²
// at 2.35 元) was lived in from 2024 and its renovation registered on 16
// November 2026: its fourth quarter is at full price, 3 × 31743.80 =
// 95231.40 → 95231 fen ([000] 收费员 4.2.1.1). 银杏苑 bills from the move-in
// notice ([004] 四 2 4.5) and its handed-over flats have their notice dates.
func TestDemoFeeStart(t *testing.T) {
	app := testapp.New(t)
	unit := testapp.ID(t, "unit:2-604")
	bill, err := app.FindFirstRecordByFilter("bills", "unit = {:u} && period = '2026-Q4' && fee_item.code = 'WY'", dbx.Params{"u": unit})
	if err != nil || bill.GetInt("amount_fen") != 95231 {
		t.Fatalf("2-604's Q4 management fee: %v %v, want 95231 fen", bill, err)
	}
	yx, _ := app.FindRecordById("communities", testapp.ID(t, "community:YX"))
	if yx.GetString("fee_start") != "notice" {
		t.Fatalf("银杏苑 bills from %q", yx.GetString("fee_start"))
	}
	if n, _ := app.CountRecords("units", dbx.HashExp{"community": yx.Id}, dbx.NewExp("notice_on != '' AND notice_on < handed_over_on")); n == 0 {
		t.Fatal("no 银杏苑 flat has a notice date")
	}
}

// The demo shows a 2027 deadline over the Spring Festival: a complaint
// taken on the eve of the break is answered on the make-up Sunday and the
// Monday after it ([004] 三 3.6, 2 working days).
func TestSpringFestival2027(t *testing.T) {
	app := testapp.New(t)
	line, err := demo.SpringFestival2027(app)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"首次回应 first response 02-05 16:00", "答复 reply 02-15 16:00", "engineering review 02-15 16:00"} {
		if !strings.Contains(line, want) {
			t.Errorf("no %q in %s", want, line)
		}
	}
}
