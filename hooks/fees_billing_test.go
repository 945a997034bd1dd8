package hooks_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"wuye/hooks"
	"wuye/internal/billbench"
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
	// (Orders paid at the counter or the door have a bill of their own,
	// made by the payment, not by a run.)
	lines, _ := app.FindAllRecords("bills", dbx.NewExp("work_order != '' AND run != ''"))
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

// billingDay is the Shanghai day the tests below bill on, so that the
// day's ZD- serials are theirs alone.
var billingDay = time.Date(2031, 5, 5, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// TestBillingRunOverAnEstate bills an estate of units in every situation
// the fee rules know (internal/billbench: floor plans, handover by
// building, renovation or move-in before or during the quarter, never
// renovated, vacant), in many batches, killed after two of them and
// resumed, and checks every bill against lib/fee, the bill's rules as
// PocketBase's own validators see them, the serials, the progress the run
// record showed as it went, and the audit trail.
func TestBillingRunOverAnEstate(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetNow(func() time.Time { return billingDay })()
	defer hooks.SetBillingBatch(50)()
	yx := testapp.ID(t, "community:YX")
	if _, err := billbench.Seed(app, yx, 600); err != nil {
		t.Fatal(err)
	}
	var progress []int // processed_units, as each save of the run record showed it
	app.OnRecordAfterUpdateSuccess("billing_runs").BindFunc(func(e *core.RecordEvent) error {
		progress = append(progress, e.Record.GetInt("processed_units"))
		return e.Next()
	})
	col, _ := app.FindCollectionByNameOrId("billing_runs")
	run := core.NewRecord(col)
	run.Set("community", yx)
	run.Set("period", billbench.Period)
	run.Set("status", "running")
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	if err := hooks.RunBillingBatches(app, run.Id, 2); err != nil {
		t.Fatal(err)
	}
	if err := hooks.RunBilling(app, run.Id); err != nil {
		t.Fatal(err)
	}
	run, _ = app.FindRecordById("billing_runs", run.Id)
	total := run.GetInt("total_units")
	if run.GetString("status") != "done" || total != 608 || run.GetInt("processed_units") != total {
		t.Fatalf("run: %v", run.FieldsData())
	}
	// Progress: saved after every batch of both attempts, counting up.
	batches := (total + 49) / 50
	var want []int
	for i := 1; i <= 2; i++ {
		want = append(want, 50*i)
	}
	for i := 1; i <= batches; i++ {
		want = append(want, min(50*i, total))
	}
	var got []int
	for i, n := range progress {
		if i > 0 && n == progress[i-1] {
			continue // the start and end of an attempt save the run without progress
		}
		if n != 0 {
			got = append(got, n)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("progress as the run record showed it: %v, want %v", got, want)
	}

	// Every bill as lib/fee prices it, for its unit's owner.
	p := mustPeriod(billbench.Period)
	items := map[string]*core.Record{}
	for _, code := range []string{"WY", "BT", "LJ"} {
		it, err := app.FindFirstRecordByFilter("fee_items", "community = {:c} && code = {:code}", dbx.Params{"c": yx, "code": code})
		if err != nil {
			t.Fatal(err)
		}
		items[it.Id] = it
	}
	bills, _ := app.FindAllRecords("bills", dbx.HashExp{"run": run.Id})
	units, _ := app.FindAllRecords("units", dbx.HashExp{"community": yx})
	billed := map[string]int{}
	for _, b := range bills {
		billed[b.GetString("unit")+"/"+b.GetString("fee_item")]++
	}
	wantBills, halves, prorated := 0, 0, 0
	for _, u := range units {
		occ := fee.Occupancy{AreaCentiM2: int64(u.GetFloat("area_m2")*100 + 0.5), HandedOver: civilDate(u.GetString("handed_over_on")),
			Renovated: civilDate(u.GetString("renovation_registered_on")), MovedIn: civilDate(u.GetString("moved_in_on"))}
		for id, it := range items {
			if !slices.Contains(it.GetStringSlice("unit_types"), u.GetString("type")) {
				continue
			}
			var amount int64
			var basis map[string]any
			switch it.GetString("code") {
			case "WY", "BT":
				o := occ
				if it.GetString("code") == "BT" {
					o.Renovated = o.HandedOver // the half-price rule is the management fee's alone
				}
				br := fee.ManagementFee(int64(it.GetInt("price_fen")), o, p)
				amount = br.AmountFen
				basis = map[string]any{"area_m2": u.GetFloat("area_m2"), "price_fen": float64(it.GetInt("price_fen")),
					"half_days": float64(br.HalfDays), "full_days": float64(br.FullDays), "free_days": float64(br.FreeDays)}
				if br.HalfDays > 0 {
					halves++
				}
				if br.FreeDays > 0 && amount > 0 {
					prorated++
				}
			case "LJ":
				if !occ.HandedOver.IsZero() && !occ.HandedOver.After(p.Last) {
					amount = int64(it.GetInt("price_fen"))
				}
				basis = map[string]any{"price_fen": float64(it.GetInt("price_fen"))}
			}
			n := billed[u.Id+"/"+id]
			if amount == 0 {
				if n != 0 {
					t.Fatalf("unit %s owes nothing for %s but was billed", u.GetString("number"), it.GetString("code"))
				}
				continue
			}
			wantBills++
			if n != 1 {
				t.Fatalf("unit %s has %d bills for %s", u.GetString("number"), n, it.GetString("code"))
			}
			b, err := app.FindFirstRecordByFilter("bills", "unit = {:u} && fee_item = {:f} && period = {:p}",
				dbx.Params{"u": u.Id, "f": id, "p": p.Code})
			if err != nil {
				t.Fatal(err)
			}
			var stored map[string]any
			if err := json.Unmarshal([]byte(b.GetString("basis")), &stored); err != nil || !reflect.DeepEqual(stored, basis) {
				t.Fatalf("basis of %s: %s, want %v", b.GetString("serial"), b.GetString("basis"), basis)
			}
			owner, _ := app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && relation = 'owner' && active = true", dbx.Params{"u": u.Id})
			if int64(b.GetInt("amount_fen")) != amount || (owner != nil && b.GetString("payer") != owner.GetString("resident")) ||
				b.GetString("due_on") != "2030-01-10" || b.GetString("period_start") != "2030-01-01" || b.GetString("period_end") != "2030-03-31" ||
				b.GetString("status") != "issued" || b.GetString("community") != yx {
				t.Fatalf("bill %v of unit %s, want %d fen", b.FieldsData(), u.GetString("number"), amount)
			}
		}
	}
	if len(bills) != wantBills || halves < 50 || prorated < 10 {
		t.Fatalf("%d bills, want %d; %d at half price for some days, %d pro-rated", len(bills), wantBills, halves, prorated)
	}
	if run.GetInt("created_bills")+run.GetInt("existing_bills") != wantBills || run.GetInt("existing_bills") == 0 {
		t.Fatalf("the resumed attempt counted %d created, %d existing of %d", run.GetInt("created_bills"), run.GetInt("existing_bills"), wantBills)
	}

	// Every bill passes PocketBase's own validation of the collection
	// (fields, related records) and the bills' hooks.
	for _, b := range bills {
		if err := app.Validate(b); err != nil {
			t.Fatalf("bill %s: %v", b.GetString("serial"), err)
		}
	}

	// The day's serials: 1…n with no gap and no repeat, across the kill,
	// and the counter where the last one left it.
	var serials []string
	if err := app.DB().NewQuery("SELECT serial FROM bills WHERE serial LIKE 'ZD-20310505-%' ORDER BY serial").Column(&serials); err != nil {
		t.Fatal(err)
	}
	for i, s := range serials {
		if want := fmt.Sprintf("ZD-20310505-%04d", i+1); s != want {
			t.Fatalf("serial %d is %s, want %s", i, s, want)
		}
	}
	var last int
	if err := app.DB().NewQuery("SELECT last FROM _wuye_serials WHERE prefix = 'ZD' AND day = '20310505'").Row(&last); err != nil || last != len(bills) || len(serials) != len(bills) {
		t.Fatalf("%d serials, counter %d, %d bills (%v)", len(serials), last, len(bills), err)
	}

	// The trail is the run's: created and done, with its counts; a bill
	// has no events of its own (it had none when saved one by one either).
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_collection": "billing_runs", "subject_id": run.Id, "to": "done"}); n != 1 {
		t.Fatalf("%d done events for the run", n)
	}
	var about int
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM events WHERE subject_collection = 'bills'
		AND subject_id IN (SELECT id FROM bills WHERE run = {:r})`).Bind(dbx.Params{"r": run.Id}).Row(&about); err != nil || about != 0 {
		t.Fatalf("%d events about the run's bills (%v)", about, err)
	}
}

// TestBillingRunStoresWhatARecordSaveWould takes a bill a run inserted in
// bulk, saves the same bill as a record instead (the bills' create hooks,
// PocketBase's validators and its own encoding of every column) and
// compares the two rows column by column.
func TestBillingRunStoresWhatARecordSaveWould(t *testing.T) {
	app := testapp.New(t)
	priceCH(t, app)
	// A paid-service order waiting for the statement: one the demo's runs
	// billed, put back as it was before (setup by raw SQL).
	line, err := app.FindFirstRecordByFilter("bills", "work_order != ''")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DELETE FROM bills WHERE id = {:b}", "UPDATE work_orders SET payment = 'unpaid' WHERE id = {:o}"} {
		if _, err := app.DB().NewQuery(q).Bind(dbx.Params{"b": line.Id, "o": line.GetString("work_order")}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	col, _ := app.FindCollectionByNameOrId("billing_runs")
	run := core.NewRecord(col)
	run.Set("community", testapp.ID(t, "community:CH"))
	run.Set("period", "2026-Q2")
	run.Set("status", "running")
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	if err := hooks.RunBilling(app, run.Id); err != nil {
		t.Fatal(err)
	}
	row := func(tx core.App, id string) dbx.NullStringMap {
		m := dbx.NullStringMap{}
		if err := tx.DB().NewQuery("SELECT * FROM bills WHERE id = {:id}").Bind(dbx.Params{"id": id}).One(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	var checked int
	for _, filter := range []string{"run = {:r} && fee_item != '' && payer != ''", "run = {:r} && work_order != ''"} {
		bulk, err := app.FindFirstRecordByFilter("bills", filter, dbx.Params{"r": run.Id})
		if err != nil {
			t.Fatalf("%s: %v", filter, err)
		}
		want := row(app, bulk.Id)
		errRollback := errors.New("rollback")
		err = app.RunInTransaction(func(tx core.App) error {
			if _, err := tx.DB().NewQuery("DELETE FROM bills WHERE id = {:id}").Bind(dbx.Params{"id": bulk.Id}).Execute(); err != nil {
				return err
			}
			bills, _ := tx.FindCollectionByNameOrId("bills")
			r := core.NewRecord(bills)
			for _, f := range []string{"community", "unit", "fee_item", "work_order", "source", "period", "period_start", "period_end",
				"payer", "amount_fen", "due_on", "status", "run", "basis"} {
				r.Set(f, bulk.Get(f))
			}
			if err := tx.Save(r); err != nil {
				return err
			}
			got := row(tx, r.Id)
			for c := range want {
				switch c {
				case "id", "serial", "created", "updated":
					if !got[c].Valid || got[c].String == "" {
						t.Errorf("%s: the record save left %s empty", filter, c)
					}
				default:
					if got[c] != want[c] {
						t.Errorf("%s: column %s is %v when saved as a record, %v when inserted by the run", filter, c, got[c], want[c])
					}
				}
			}
			if len(got) != len(want) {
				t.Errorf("%d columns against %d", len(got), len(want))
			}
			checked++
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("%s: %v", filter, err)
		}
	}
	if checked != 2 {
		t.Fatal("nothing compared")
	}
}

// TestBillRules: checkBill refuses the same bills whichever way they come —
// saved as a record, or made by a run (which then fails as a whole, leaving
// neither bills nor used serials behind).
func TestBillRules(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetNow(func() time.Time { return billingDay })()
	yx, unit := testapp.ID(t, "community:YX"), testapp.ID(t, "unit:A-101")
	bills, _ := app.FindCollectionByNameOrId("bills")
	good := map[string]any{"community": yx, "unit": unit, "period": "2031-Q2", "period_start": "2031-04-01",
		"period_end": "2031-06-30", "due_on": "2031-04-10", "amount_fen": 100, "status": "issued", "source": "手工"}
	for name, c := range map[string]struct {
		change map[string]any
		field  string
	}{
		"no unit":                 {map[string]any{"unit": ""}, "unit"},
		"no amount":               {map[string]any{"amount_fen": 0}, "amount_fen"},
		"a negative amount":       {map[string]any{"amount_fen": -5}, "amount_fen"},
		"a bad period":            {map[string]any{"period": "2031-Q7"}, "period"},
		"no due date":             {map[string]any{"due_on": ""}, "due_on"},
		"due before the period":   {map[string]any{"due_on": "2031-03-31"}, "due_on"},
		"a period ending early":   {map[string]any{"period_end": "2031-03-01"}, "period_end"},
		"a date that is not one":  {map[string]any{"period_start": "2031-02-30"}, "period_start"},
		"an unknown status":       {map[string]any{"status": "forgiven"}, "status"},
		"fee item and work order": {map[string]any{"fee_item": "x", "work_order": "y"}, "work_order"},
	} {
		r := core.NewRecord(bills)
		for k, v := range good {
			r.Set(k, v)
		}
		for k, v := range c.change {
			r.Set(k, v)
		}
		err := app.Save(r)
		var verrs validation.Errors
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			verrs, _ = apiErr.RawData().(validation.Errors)
		} else {
			errors.As(err, &verrs)
		}
		if err == nil || verrs[c.field] == nil {
			t.Errorf("%s: saved or refused for another reason: %v", name, err)
		}
	}
	r := core.NewRecord(bills)
	for k, v := range good {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil || r.GetString("serial") != "ZD-20310505-0001" {
		t.Fatalf("the good bill: %v, serial %q", err, r.GetString("serial"))
	}

	// A run whose price list yields a bill the rules refuse (a price below
	// zero, as a broken import might leave it) fails, and leaves nothing.
	item := core.NewRecord(must(app.FindCollectionByNameOrId("fee_items")))
	for k, v := range map[string]any{"community": yx, "code": "WY", "name": "物业管理费", "kind": "management", "basis": "fixed",
		"price_fen": 1000, "unit_types": []string{"residential"}, "cycle": "quarterly", "active": true} {
		item.Set(k, v)
	}
	if err := app.Save(item); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("UPDATE fee_items SET price_fen = -1000 WHERE id = {:id}").Bind(dbx.Params{"id": item.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	run := core.NewRecord(must(app.FindCollectionByNameOrId("billing_runs")))
	run.Set("community", yx)
	run.Set("period", "2031-Q2")
	run.Set("status", "running")
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	if err := hooks.RunBilling(app, run.Id); err == nil || !strings.Contains(err.Error(), "amount_fen") {
		t.Fatalf("the run with a negative price: %v", err)
	}
	run, _ = app.FindRecordById("billing_runs", run.Id)
	if n, _ := app.CountRecords("bills", dbx.HashExp{"run": run.Id}); run.GetString("status") != "failed" || n != 0 {
		t.Fatalf("the run is %s with %d bills", run.GetString("status"), n)
	}
	var last int
	if err := app.DB().NewQuery("SELECT last FROM _wuye_serials WHERE prefix = 'ZD' AND day = '20310505'").Row(&last); err != nil || last != 1 {
		t.Fatalf("the failed run used serials: counter %d (%v)", last, err)
	}
}

// TestReserveSerials: a block of numbers is taken with one update, follows
// what was taken before, and is given back when its transaction fails.
func TestReserveSerials(t *testing.T) {
	app := testapp.New(t)
	first, err := hooks.ReserveSerials(app, "ZZ", "20310505", 3)
	if err != nil || first != 1 {
		t.Fatalf("first block: %d %v", first, err)
	}
	if s, err := hooks.NextSerial(app, "ZZ", billingDay); err != nil || s != "ZZ-20310505-0004" {
		t.Fatalf("next: %s %v", s, err)
	}
	failed := errors.New("failed")
	err = app.RunInTransaction(func(tx core.App) error {
		if n, err := hooks.ReserveSerials(tx, "ZZ", "20310505", 5); err != nil || n != 5 {
			t.Fatalf("block in the transaction: %d %v", n, err)
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatal(err)
	}
	if n, err := hooks.ReserveSerials(app, "ZZ", "20310505", 2); err != nil || n != 5 {
		t.Fatalf("after the failed transaction: %d %v", n, err)
	}
	if _, err := hooks.ReserveSerials(app, "ZZ", "20310505", 0); err == nil {
		t.Fatal("an empty block was reserved")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
