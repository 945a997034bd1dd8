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
	"wuye/lib/money"
)

func TestArrearsLadder(t *testing.T) {
	app := testapp.New(t)
	bills := billed(t, app)
	b := bills[0] // 1-101's oldest: Q1 2026, due 2026-01-10
	if b.GetString("due_on") != "2026-01-10" {
		t.Fatalf("due %s", b.GetString("due_on"))
	}
	stage := func() string {
		r, _ := app.FindRecordById("bills", b.Id)
		return r.GetString("reminder_stage")
	}
	step := func(day, want string) {
		t.Helper()
		if _, err := hooks.IssueReminders(app, day); err != nil {
			t.Fatal(err)
		}
		if got := stage(); got != want {
			t.Fatalf("on %s the bill is at stage %q, want %q", day, got, want)
		}
	}
	step("2026-01-10", "")  // due today: not late yet
	step("2026-01-11", "1") // first notice, pay by the 21st
	step("2026-01-11", "1")
	step("2026-01-21", "1")
	step("2026-01-22", "2") // ten days on, unpaid: second notice
	step("2026-02-02", "3") // final notice
	step("2026-02-12", "3")
	step("2026-02-13", "escalated")
	step("2026-03-30", "escalated")
	n, _ := app.CountRecords("reminders", dbx.HashExp{"bill": b.Id})
	if n != 4 {
		t.Fatalf("%d reminders, want 4 (one per stage)", n)
	}
	first, _ := app.FindFirstRecordByFilter("reminders", "bill={:b} && stage='1'", dbx.Params{"b": b.Id})
	if first.GetString("deadline") != "2026-01-21" || first.GetInt("amount_fen") != b.GetInt("amount_fen") {
		t.Fatalf("first notice: %v", first.FieldsData())
	}
	h := testapp.Handler(t, app)
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/reminders/"+first.Id+"/notice", "", "owner1@example.com")
	item, _ := app.FindRecordById("fee_items", b.GetString("fee_item"))
	expectBody(t, "the printable first notice", code, body, 200, "首次催款通知单", "2026-01-21", "李明", "1栋 101", item.GetString("name"), money.Capital(int64(first.GetInt("amount_fen"))))
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/reminders/"+first.Id+"/notice", "", "owner2@example.com"); code != 404 {
		t.Error("owner2 read owner1's notice")
	}
	for _, who := range []string{"areamgr@example.com", "supervisor@example.com", "director@example.com"} {
		if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "arrears_escalated", "subject_id": b.Id,
			"recipient_staff": testapp.ID(t, "staff:"+who)}); n != 1 {
			t.Errorf("%s got %d escalation notices", who, n)
		}
	}

	// Payment stops the ladder.
	paidBill := bills[1]
	if _, err := hooks.IssueReminders(app, "2026-04-11"); err != nil { // Q2 bills are due 04-10
		t.Fatal(err)
	}
	pay(t, app, paidBill, paidBill.GetInt("amount_fen"))
	if _, err := hooks.IssueReminders(app, "2026-05-30"); err != nil {
		t.Fatal(err)
	}
	if r, _ := app.FindRecordById("bills", paidBill.Id); r.GetString("status") != "paid" || r.GetString("reminder_stage") == "2" {
		t.Fatalf("a paid bill went on up the ladder: %s at stage %s", r.GetString("status"), r.GetString("reminder_stage"))
	}
}

func pay(t testing.TB, app core.App, b *core.Record, amount int) *core.Record {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("payments")
	p := core.NewRecord(col)
	p.Set("unit", b.GetString("unit"))
	p.Set("amount_fen", amount)
	p.Set("method", "cash")
	p.Set("bills", []string{b.Id})
	if err := hooks.TakePayment(app, p, staffRec(t, app, "cashier@example.com")); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLateFees: 0.05% a day on the principal unpaid after the first notice's
// deadline, rounded once; a partial payment lowers it from its day on.
func TestLateFees(t *testing.T) {
	app := testapp.New(t)
	b := billed(t, app)[0]
	if _, err := hooks.IssueReminders(app, "2026-01-11"); err != nil { // deadline 2026-01-21
		t.Fatal(err)
	}
	principal := int64(b.GetInt("amount_fen"))
	fee := func(day string) int64 {
		t.Helper()
		stored, _ := app.FindRecordById("bills", b.Id)
		f, err := hooks.LateFee(app, stored, civilDate(day))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if got := fee("2026-01-21"); got != 0 {
		t.Fatalf("a late fee within the deadline: %d", got)
	}
	// 22–31 January: 10 days × principal × 0.0005, rounded once.
	want := (principal*10*5 + 5000) / 10000
	if got := fee("2026-01-31"); got != want {
		t.Fatalf("ten days late: %d, want %d", got, want)
	}
	if err := hooks.AccrueLateFees(app, "2026-01-31"); err != nil {
		t.Fatal(err)
	}
	if err := hooks.AccrueLateFees(app, "2026-01-31"); err != nil { // twice: same figure
		t.Fatal(err)
	}
	if stored, _ := app.FindRecordById("bills", b.Id); int64(stored.GetInt("late_fee_fen")) != want {
		t.Fatalf("stored late fee %d, want %d", stored.GetInt("late_fee_fen"), want)
	}
	// Half paid today (the payment is dated now, in November): from today the
	// fee runs on the other half only.
	half := principal / 2
	pay(t, app, b, int(half))
	today := clock.Now().In(time.FixedZone("CST", 8*3600))
	day := today.AddDate(0, 0, 9).Format(time.DateOnly)
	lateDays := int64(civilDate(today.Format(time.DateOnly)).Sub(civilDate("2026-01-22")).Hours() / 24) // before today's payment
	exact := principal*lateDays + (principal-half)*10
	if got := fee(day); got != (exact*5+5000)/10000 {
		t.Fatalf("after a partial payment: %d, want %d", got, (exact*5+5000)/10000)
	}
}
