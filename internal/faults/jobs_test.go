package faults

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// TestArrearsJobsKeepPayments runs the daily arrears jobs (reminders, late
// fees) while a payment is being written, in process: the payment's
// transaction holds the one write connection, a job reads the open bills
// meanwhile and then waits for that connection. The jobs write whole bill
// rows; had they kept the bills read before the payment committed, the
// bill would lose the payment (paid amount and status put back) while the
// payment stays — the money taken, the bill still owed.
func TestArrearsJobsKeepPayments(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short")
	}
	// 30 days on, every open bill of the demo is overdue for its next notice.
	day := clock.Now().In(workcal.Shanghai).AddDate(0, 0, 30).Format(time.DateOnly)
	jobs := map[string]func(app core.App) error{
		"reminders": func(app core.App) error { _, err := hooks.IssueReminders(app, day); return err },
		"late fees": func(app core.App) error { return hooks.AccrueLateFees(app, day) },
	}
	for name, job := range jobs {
		t.Run(name, func(t *testing.T) {
			app := testapp.New(t)
			if name == "late fees" { // late fees run on bills already reminded
				if _, err := hooks.IssueReminders(app, day); err != nil {
					t.Fatal(err)
				}
			}
			bills, err := app.FindAllRecords("bills", dbx.HashExp{"status": "issued"},
				dbx.NewExp("reminder_stage != '' AND fee_item != ''"))
			if err != nil || len(bills) == 0 {
				t.Fatalf("no reminded open bill in the demo: %v", err)
			}
			bill := bills[0]
			cashier, err := app.FindAuthRecordByEmail("staff", "cashier@example.com")
			if err != nil {
				t.Fatal(err)
			}
			col, _ := app.FindCollectionByNameOrId("payments")
			p := core.NewRecord(col)
			p.Set("unit", bill.GetString("unit"))
			p.Set("bills", []string{bill.Id})
			p.Set("amount_fen", 100)
			p.Set("method", "cash")

			whileWriting(t, app, func(tx core.App) error { return hooks.TakePayment(tx, p, cashier) },
				func() error { return job(app) })
			stored, err := app.FindRecordById("bills", bill.Id)
			if err != nil {
				t.Fatal(err)
			}
			var allocs []struct {
				Bill      string `json:"bill"`
				AmountFen int    `json:"amount_fen"`
			}
			payments, _ := app.FindAllRecords("payments", dbx.HashExp{"unit": bill.GetString("unit")})
			allocated := 0
			for _, pay := range payments {
				allocs = nil
				_ = json.Unmarshal([]byte(pay.GetString("allocations")), &allocs)
				for _, a := range allocs {
					if a.Bill == bill.Id {
						allocated += a.AmountFen
					}
				}
			}
			if got := stored.GetInt("paid_fen"); got != allocated || got != bill.GetInt("paid_fen")+100 || stored.GetString("status") != "partially_paid" {
				t.Fatalf("after the %s job the bill shows %d fen paid (%s); its payments allocate %d fen to it", name, got, stored.GetString("status"), allocated)
			}
		})
	}
}

// TestLateReplyFlagKeepsDispatch runs the every-minute job that flags work
// orders not answered within 15 minutes while the desk's dispatch of such
// an order is being written (in process, as above): the job read the order
// while it was still new. Writing its flag on that stale copy would put
// the order back to new — the dispatch acknowledged, recorded in events,
// and gone from the order.
func TestLateReplyFlagKeepsDispatch(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short")
	}
	app := testapp.New(t)
	desk, err := app.FindAuthRecordByEmail("staff", "frontdesk@example.com")
	if err != nil {
		t.Fatal(err)
	}
	tech, err := app.FindAuthRecordByEmail("staff", "tech1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	unit, err := app.FindFirstRecordByFilter("units", "type = 'residential'")
	if err != nil {
		t.Fatal(err)
	}
	col, _ := app.FindCollectionByNameOrId("work_orders")
	o := core.NewRecord(col)
	for k, v := range map[string]any{"unit": unit.Id, "category": "plumbing", "description": "迟复测试",
		"contact_name": "测试", "contact_phone": "13700000000"} {
		o.Set(k, v)
	}
	if err := hooks.FileWorkOrder(app, o, desk); err != nil {
		t.Fatal(err)
	}
	whileWriting(t, app, func(tx core.App) error {
		_, err := hooks.AdvanceWorkOrder(tx, o.Id, desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id})
		return err
	}, func() error {
		_, err := hooks.FlagLateReplies(app, clock.Now().Add(20*time.Minute))
		return err
	})
	stored, err := app.FindRecordById("work_orders", o.Id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.GetString("status") != "dispatched" || stored.GetString("technician") != tech.Id {
		t.Fatalf("after the late-reply job the dispatched order is %s, technician %q", stored.GetString("status"), stored.GetString("technician"))
	}
}

// whileWriting runs write in a transaction of app and, once it has
// written, job beside it; the transaction is held 300 ms more, for the job
// to read the rows as they were before the write and then queue for the
// one write connection. It fails the test if either fails.
func whileWriting(t *testing.T, app core.App, write func(tx core.App) error, job func() error) {
	t.Helper()
	done := make(chan error, 1)
	err := app.RunInTransaction(func(tx core.App) error {
		if err := write(tx); err != nil {
			return err
		}
		go func() { done <- job() }()
		time.Sleep(300 * time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
