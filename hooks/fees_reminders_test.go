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

// TestArrearsLadder: a first notice once the bill is past due; the second
// and the final one only when the household has had the previous one for
// ten days unpaid — counted from its delivery, not its issue ([000] 收费员
// 4.2.1.8–4.2.1.10: 业主收到催款通知单后10日内仍未结清费用的…); a notice not
// yet delivered holds the ladder; after the final one's ten days, the home
// visits begin with the area manager alone ([000] 管理员 4.1.3.2).
func TestArrearsLadder(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
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
	notice := func(s string) *core.Record {
		t.Helper()
		r, err := app.FindFirstRecordByFilter("reminders", "bill={:b} && stage={:s}", dbx.Params{"b": b.Id, "s": s})
		if err != nil {
			t.Fatalf("no notice %s: %v", s, err)
		}
		return r
	}
	// The area manager records the delivery through the API on day at 10:00.
	deliver := func(s, day string) {
		t.Helper()
		at, _ := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", time.FixedZone("CST", 8*3600))
		defer hooks.SetNow(func() time.Time { return at })()
		code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/reminders/records/"+notice(s).Id,
			`{"delivered_at":"2000-01-01 00:00:00Z","delivery_note":"交业主本人"}`, "areamgr@example.com")
		if code != 200 {
			t.Fatalf("delivery of notice %s: %d %s", s, code, body)
		}
	}
	step("2026-01-10", "")  // due today: not late yet
	step("2026-01-11", "1") // first notice, for the area manager to deliver
	if d := notice("1").GetString("deadline"); d != "" {
		t.Fatalf("an undelivered notice has the deadline %s: its ten days run from delivery", d)
	}
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/reminders/"+notice("1").Id+"/notice", "", "areamgr@example.com")
	expectBody(t, "the first notice printed before delivery", code, body, 200, "首次催款通知单", "收到本通知之日起 10 日内")
	step("2026-01-22", "1") // ten days after issue: the notice was never delivered, so nothing moves
	step("2026-02-20", "1")
	deliver("1", "2026-02-21") // pay by 03-03
	if d := notice("1").GetString("deadline"); d != "2026-03-03" {
		t.Fatalf("first notice delivered 02-21: deadline %s, want 2026-03-03", d)
	}
	step("2026-03-03", "1")
	step("2026-03-04", "2") // ten days after delivery, unpaid: second notice
	step("2026-03-20", "2") // undelivered: held
	deliver("2", "2026-03-20")
	step("2026-03-30", "2")
	step("2026-03-31", "3") // final notice
	deliver("3", "2026-04-02")
	step("2026-04-12", "3")
	step("2026-04-13", "escalated")
	step("2026-06-30", "escalated")
	n, _ := app.CountRecords("reminders", dbx.HashExp{"bill": b.Id})
	if n != 4 {
		t.Fatalf("%d reminders, want 4 (one per stage)", n)
	}
	first := notice("1")
	if first.GetInt("amount_fen") != b.GetInt("amount_fen") || first.GetString("delivered_by") != testapp.ID(t, "staff:areamgr@example.com") {
		t.Fatalf("first notice: %v", first.FieldsData())
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/reminders/"+first.Id+"/notice", "", "owner1@example.com")
	item, _ := app.FindRecordById("fee_items", b.GetString("fee_item"))
	expectBody(t, "the printable first notice", code, body, 200, "首次催款通知单", "2026-03-03 前", "李明", "1栋 101", item.GetString("name"), money.Capital(int64(first.GetInt("amount_fen"))))
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/reminders/"+first.Id+"/notice", "", "owner2@example.com"); code != 404 {
		t.Error("owner2 read owner1's notice")
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": first.Id, "action": "delivered"}); n != 1 {
		t.Errorf("%d delivery events of the first notice", n)
	}
	// Escalation is one step: the area manager's visit, on their list and
	// in their notifications; the supervisor and the director not yet.
	visits, _ := app.FindAllRecords("arrears_visits", dbx.HashExp{"bill": b.Id})
	if len(visits) != 1 || visits[0].GetString("step") != "area_manager" || visits[0].GetString("status") != "open" ||
		visits[0].GetString("assignee") != testapp.ID(t, "staff:areamgr@example.com") || visits[0].GetString("issued_on") != "2026-04-13" {
		t.Fatalf("visits after escalation: %v", visits)
	}
	for who, want := range map[string]int64{"areamgr@example.com": 1, "supervisor@example.com": 0, "director@example.com": 0} {
		if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "arrears_visit", "subject_id": visits[0].Id,
			"recipient_staff": testapp.ID(t, "staff:"+who)}); n != want {
			t.Errorf("%s got %d visit notices, want %d", who, n, want)
		}
	}

	// Payment stops the ladder.
	paidBill := bills[1]
	if _, err := hooks.IssueReminders(app, "2026-04-11"); err != nil { // Q2 bills are due 04-10
		t.Fatal(err)
	}
	second, err := app.FindFirstRecordByFilter("reminders", "bill={:b} && stage='1'", dbx.Params{"b": paidBill.Id})
	if err != nil {
		t.Fatal(err)
	}
	if err := hooks.DeliverReminder(app, second, staffRec(t, app, "areamgr@example.com"), civilDate("2026-04-12").Add(2*time.Hour), ""); err != nil {
		t.Fatal(err)
	}
	pay(t, app, paidBill, paidBill.GetInt("amount_fen"))
	if _, err := hooks.IssueReminders(app, "2026-05-30"); err != nil {
		t.Fatal(err)
	}
	if r, _ := app.FindRecordById("bills", paidBill.Id); r.GetString("status") != "paid" || r.GetString("reminder_stage") != "1" {
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
// deadline (ten days from its delivery), rounded once; a partial payment
// lowers it from its day on.
func TestLateFees(t *testing.T) {
	app := testapp.New(t)
	b := billed(t, app)[0]
	if _, err := hooks.IssueReminders(app, "2026-01-11"); err != nil {
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
	// Late fees start once the household has received the first notice and
	// not paid in time ([000] 管理员 4.1.3.1: 对已收到催缴通知的业主…滞纳金已开始
	// 计算): an undelivered notice starts none.
	if got := fee("2026-01-31"); got != 0 {
		t.Fatalf("a late fee on an undelivered notice: %d", got)
	}
	first, _ := app.FindFirstRecordByFilter("reminders", "bill={:b} && stage='1'", dbx.Params{"b": b.Id})
	// Delivered on the 11th (Shanghai): pay by the 21st.
	if err := hooks.DeliverReminder(app, first, staffRec(t, app, "areamgr@example.com"), civilDate("2026-01-11").Add(2*time.Hour), ""); err != nil {
		t.Fatal(err)
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
