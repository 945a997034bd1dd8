package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/fee"
)

// priceCH makes sure 翠湖花园 has its quarterly price list (the demo's: the
// management fee at 2.35 元/m² for homes, shops and offices, 300 元 a month
// per parking space, water at 5 元/m³ for homes) and gives 1-101 water
// readings around the first quarter of 2026.
func priceCH(t testing.TB, app core.App) {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("fee_items")
	for _, f := range []map[string]any{
		{"code": "WY", "name": "物业管理费", "kind": "management", "basis": "per_m2_month", "price_fen": 235, "unit_types": []string{"residential", "shop", "office"}},
		{"code": "CW", "name": "车位管理费", "kind": "parking", "basis": "per_unit_month", "price_fen": 30000, "unit_types": []string{"parking"}},
		{"code": "SF", "name": "水费", "kind": "water", "basis": "metered", "meter": "water", "price_fen": 500, "unit_types": []string{"residential"}},
	} {
		if _, err := app.FindFirstRecordByData("fee_items", "code", f["code"]); err == nil {
			continue // the demo has it
		}
		r := core.NewRecord(col)
		r.Set("community", testapp.ID(t, "community:CH"))
		r.Set("cycle", "quarterly")
		r.Set("active", true)
		r.Set("late_fee_rate", 0.0005)
		for k, v := range f {
			r.Set(k, v)
		}
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	readings, _ := app.FindCollectionByNameOrId("meter_readings")
	for _, rd := range []struct {
		on      string
		reading float64
	}{{"2025-12-31", 100}, {"2026-03-31", 112.5}} {
		r := core.NewRecord(readings)
		r.Set("unit", testapp.ID(t, "unit:1-101"))
		r.Set("meter", "water")
		r.Set("reading", rd.reading)
		r.Set("read_on", rd.on)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

func waitRun(t testing.TB, app core.App, id string) *core.Record {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		run, err := app.FindRecordById("billing_runs", id)
		if err == nil && (run.GetString("status") == "done" || run.GetString("status") == "failed") {
			return run
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the billing run did not finish")
	return nil
}

func TestBillingRun(t *testing.T) {
	app := testapp.New(t)
	priceCH(t, app)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")

	for who, want := range map[string]int{"tech1@example.com": 400, "frontdesk@example.com": 400, "supervisor.yx@example.com": 400} {
		if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/billing_runs/records", `{"community":"`+ch+`","period":"2026-Q1"}`, who); code != want {
			t.Errorf("%s started a run: %d", who, code)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/billing_runs/records", `{"community":"`+ch+`","period":"2026-Q5"}`, "cashier@example.com")
	expectBody(t, "a bad period", code, body, 400, `账期格式应为`)

	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/billing_runs/records", `{"community":"`+ch+`","period":"2026-Q1","status":"done"}`, "cashier@example.com")
	expectBody(t, "the cashier starts the Q1 run", code, body, 200, `"status":"pending"`)
	first, _ := app.FindFirstRecordByFilter("billing_runs", "period='2026-Q1'")
	run := waitRun(t, app, first.Id)
	if run.GetString("status") != "done" || run.GetInt("processed_units") != run.GetInt("total_units") || run.GetInt("created_bills") == 0 {
		t.Fatalf("run: %v", run.FieldsData())
	}

	// Amounts follow lib/fee's rule for each unit.
	bills, _ := app.FindAllRecords("bills", dbx.HashExp{"period": "2026-Q1", "community": ch}, dbx.NewExp("fee_item != ''"))
	wy, _ := app.FindFirstRecordByData("fee_items", "code", "WY")
	checked := 0
	for _, b := range bills {
		if b.GetString("fee_item") != wy.Id {
			continue
		}
		u, _ := app.FindRecordById("units", b.GetString("unit"))
		want := fee.ManagementFee(235, fee.Occupancy{
			AreaCentiM2: int64(u.GetFloat("area_m2")*100 + 0.5),
			HandedOver:  civilDate(u.GetString("handed_over_on")), Renovated: civilDate(u.GetString("renovation_registered_on")),
			MovedIn: civilDate(u.GetString("moved_in_on")),
		}, mustPeriod("2026-Q1")).AmountFen
		if b.GetInt("amount_fen") != int(want) || !strings.HasPrefix(b.GetString("serial"), "ZD-") || b.GetString("due_on") != "2026-01-10" {
			t.Fatalf("bill %s of unit %s: %d fen due %s, want %d due 2026-01-10", b.GetString("serial"), u.GetString("number"), b.GetInt("amount_fen"), b.GetString("due_on"), want)
		}
		checked++
	}
	if checked < 40 {
		t.Fatalf("only %d management bills", checked)
	}
	// Vacant units (never handed over) owe nothing and get no bill.
	vacant, _ := app.FindFirstRecordByFilter("units", "community={:c} && status='vacant' && type='residential'", dbx.Params{"c": ch})
	if n, _ := app.CountRecords("bills", dbx.HashExp{"unit": vacant.Id}); n != 0 {
		t.Fatal("a vacant unit was billed")
	}
	// Water: 12.5 m³ at 5 元 for 1-101, which has readings; none for the rest.
	sf, _ := app.FindFirstRecordByData("fee_items", "code", "SF")
	if water, err := app.FindFirstRecordByFilter("bills", "fee_item={:f} && period='2026-Q1'", dbx.Params{"f": sf.Id}); err != nil || water.GetInt("amount_fen") != 6250 {
		t.Fatalf("water bill: %v %v", water, err)
	}
	if n, _ := app.CountRecords("bills", dbx.HashExp{"fee_item": sf.Id, "period": "2026-Q1"}); n != 1 {
		t.Fatalf("%d water bills: units without readings must not be billed", n)
	}

	// The demo's unpaid paid-service orders of 1-101 and 1-102 are lines on
	// the statement, with their serial and amount, and no longer unbilled.
	lines, _ := app.FindAllRecords("bills", dbx.NewExp("work_order != ''"))
	if len(lines) < 2 {
		t.Fatalf("%d paid-service lines", len(lines))
	}
	for _, l := range lines {
		o, _ := app.FindRecordById("work_orders", l.GetString("work_order"))
		if l.GetString("source") != o.GetString("serial") || l.GetInt("amount_fen") != o.GetInt("amount_fen") || o.GetString("payment") != "billed" {
			t.Fatalf("line %v for order %v", l.FieldsData(), o.FieldsData())
		}
	}
	if rest, _ := hooks.UnbilledWorkOrders(app, testapp.ID(t, "unit:1-101")); len(rest) != 0 {
		t.Fatal("billed orders are still waiting for a statement")
	}

	// Running the same period again creates nothing.
	before, _ := app.CountRecords("bills")
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/billing_runs/records", `{"community":"`+ch+`","period":"2026-Q1"}`, "cashier@example.com")
	expectBody(t, "a second run of Q1", code, body, 200)
	second, _ := app.FindFirstRecordByFilter("billing_runs", "period='2026-Q1' && id != {:id}", dbx.Params{"id": first.Id})
	again := waitRun(t, app, second.Id)
	if after, _ := app.CountRecords("bills"); after != before || again.GetInt("created_bills") != 0 || again.GetInt("existing_bills") != checked+1+countParking(t, app) {
		t.Fatalf("the rerun created %d bills (%d → %d), existing %d", again.GetInt("created_bills"), before, after, again.GetInt("existing_bills"))
	}

	// Residents read their unit's bills only; nobody writes bills through the API.
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/bills/records?perPage=100", "", "owner1@example.com")
	if !strings.Contains(body, testapp.ID(t, "unit:1-101")) || strings.Contains(body, testapp.ID(t, "unit:1-102")) {
		t.Error("owner1 sees other units' bills, or not their own")
	}
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/bills/records", `{"unit":"x"}`, "cashier@example.com"); code != 403 {
		t.Errorf("a bill was written by hand: %d", code)
	}
}

func countParking(t testing.TB, app core.App) int {
	cw, _ := app.FindFirstRecordByData("fee_items", "code", "CW")
	n, _ := app.CountRecords("bills", dbx.HashExp{"fee_item": cw.Id, "period": "2026-Q1"})
	return int(n)
}

// TestBillingRunResumesAfterACrash stops a run after its first batch, as a
// kill would, and runs it again: every bill exists exactly once.
func TestBillingRunResumesAfterACrash(t *testing.T) {
	app := testapp.New(t)
	priceCH(t, app)
	defer hooks.SetBillingBatch(10)()
	col, _ := app.FindCollectionByNameOrId("billing_runs")
	run := core.NewRecord(col)
	run.Set("community", testapp.ID(t, "community:CH"))
	run.Set("period", "2026-Q2")
	run.Set("status", "running") // as a server killed mid-run leaves it: not started in the background
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	if err := hooks.RunBillingBatches(app, run.Id, 1); err != nil {
		t.Fatal(err)
	}
	stopped, _ := app.FindRecordById("billing_runs", run.Id)
	partial, _ := app.CountRecords("bills", dbx.HashExp{"period": "2026-Q2"})
	if stopped.GetString("status") != "running" || stopped.GetInt("processed_units") != 10 || partial == 0 {
		t.Fatalf("after one batch: %s, %d units, %d bills", stopped.GetString("status"), stopped.GetInt("processed_units"), partial)
	}
	if err := hooks.RunBilling(app, run.Id); err != nil {
		t.Fatal(err)
	}
	done, _ := app.FindRecordById("billing_runs", run.Id)
	var dups int
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM (SELECT unit, fee_item FROM bills WHERE period = '2026-Q2' AND fee_item != '' GROUP BY unit, fee_item HAVING COUNT(*) > 1)`).Row(&dups); err != nil {
		t.Fatal(err)
	}
	total, _ := app.CountRecords("bills", dbx.HashExp{"period": "2026-Q2"}, dbx.NewExp("fee_item != ''"))
	if done.GetString("status") != "done" || dups != 0 || int(total) != int(partial)+done.GetInt("created_bills")-countLines(t, app, "2026-Q2", done) {
		t.Fatalf("resumed: %s, %d duplicates, %d bills (%d before, %d created now)", done.GetString("status"), dups, total, partial, done.GetInt("created_bills"))
	}
	if done.GetInt("existing_bills") == 0 {
		t.Fatal("the resumed run did not find the bills of the first batch")
	}
}

// countLines is the number of paid-service lines the resumed attempt made
// (they count among created bills but have no fee item).
func countLines(t testing.TB, app core.App, period string, run *core.Record) int {
	n, _ := app.CountRecords("bills", dbx.HashExp{"period": period, "run": run.Id}, dbx.NewExp("work_order != ''"))
	return int(n)
}

func civilDate(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return d
}

func mustPeriod(code string) fee.Period {
	p, err := fee.ParsePeriod(code)
	if err != nil {
		panic(err)
	}
	return p
}
