package hooks

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/fee"
	"wuye/lib/money"
	"wuye/lib/workcal"
)

// The arrears ladder ([000] 收费员 4.2.1.8–4.2.1.11, 管理员 4.1.3): a first
// notice once a bill is past due (the cron job runs daily, so it is out
// well before the 20th); the household has 10 days from the day it
// *received* a notice to pay (业主收到催款通知单后10日内), so a notice's
// deadline is set when its delivery is recorded, and an undelivered notice
// holds the ladder. Unpaid after the first notice's deadline, a second; after
// the second's, a final one; after the final one's, the home visits
// (hooks/fees_arrears.go).
const reminderDays = 10

var reminderNext = map[string]string{"": "1", "1": "2", "2": "3", "3": "escalated"}

func registerReminders(app core.App) {
	app.OnRecordUpdateRequest("reminders").BindFunc(deliverReminder)
	registerArrearsVisits(app)
	addJob(app, "wuye_arrears", "0 8 * * *",
		jobStep{"arrears ladder: reminders issued", daily(IssueReminders)},
		jobStep{"late fees", daily(func(app core.App, day string) (int, error) { return 0, AccrueLateFees(app, day) })})
}

// noticeDeadline is the last day to pay under reminder r: ten days after
// the (Shanghai) day it was delivered; "" while it is undelivered.
func noticeDeadline(r *core.Record) string {
	at := r.GetDateTime("delivered_at")
	if at.IsZero() {
		return ""
	}
	return civil(dayOf(at.Time())).AddDate(0, 0, reminderDays).Format(time.DateOnly)
}

// IssueReminders moves every open, overdue bill one step up the ladder when
// its time has come on day (YYYY-MM-DD): no notice yet and past due → the
// first; a notice delivered and its deadline passed → the next; after the
// final notice, the home visits one step at a time (advanceVisits). A notice
// not yet delivered holds its bill where it is. It is idempotent: a bill
// gets each stage once (a unique index guards it), and a paid bill, no
// longer open, leaves the ladder.
func IssueReminders(app core.App, day string) (int, error) {
	// The status test word for word as idx_bills_job_open's (migration 0087).
	overdue := dbx.NewExp("status IN ('issued','partially_paid') AND due_on < {:day} AND reminder_stage != 'escalated'", dbx.Params{"day": day})
	// Each bill is judged as stored inside the write that moves it: a bill
	// is saved whole, so one read before a payment landed would put the
	// payment's effect back, and a bill paid meanwhile has left the ladder.
	issued, err := eachCandidate(app, "arrears_reminders", "bills", overdue, func(tx core.App, b, _ *core.Record) (bool, error) {
		if st := b.GetString("status"); (st != "issued" && st != "partially_paid") || b.GetString("due_on") >= day || b.GetString("reminder_stage") == "escalated" {
			return false, nil
		}
		stage := b.GetString("reminder_stage")
		if stage != "" {
			last, err := tx.FindFirstRecordByFilter("reminders", "bill = {:b} && stage = {:s}", dbx.Params{"b": b.Id, "s": stage})
			if err != nil {
				return false, nil
			}
			if deadline := noticeDeadline(last); deadline == "" || deadline >= day {
				return false, nil // not delivered yet, or still within its deadline
			}
		}
		next := reminderNext[stage]
		col, err := tx.FindCachedCollectionByNameOrId("reminders")
		if err != nil {
			return false, err
		}
		r := core.NewRecord(col)
		for k, v := range map[string]any{"community": b.GetString("community"), "bill": b.Id, "unit": b.GetString("unit"),
			"stage": next, "issued_on": day, "amount_fen": outstanding(b)} {
			r.Set(k, v)
		}
		if err := tx.Save(r); err != nil {
			return false, fmt.Errorf("reminder %s for %s: %w", next, b.GetString("serial"), err)
		}
		b.Set("reminder_stage", next)
		if err := tx.Save(b); err != nil {
			return false, err
		}
		note := fmt.Sprintf("欠费 %s，请于收到通知后 %d 日内缴纳", money.Yuan(outstanding(b)), reminderDays)
		if next == "escalated" {
			note = fmt.Sprintf("欠费 %s，三次催缴仍未缴纳，转上门催缴", money.Yuan(outstanding(b)))
		}
		if err := RecordEvent(tx, Event{Subject: b, Action: "reminder", From: stage, To: next, Public: true, Note: note}); err != nil {
			return false, err
		}
		// The household hears of it in the portal and by text message
		// besides the written notice the office delivers ([000] 收费员 4.2.1.8–4.2.1.10).
		if err := notifyHousehold(tx, b.GetString("unit"), Notice{Kind: "reminder", Title: "缴费提醒：" + note, Subject: r}); err != nil {
			return false, err
		}
		return true, nil
	})
	if err != nil {
		return issued, err
	}
	n, err := advanceVisits(app, day)
	return issued + n, err
}

// AccrueLateFees sets the late fee of every reminded, open bill as of day:
// the item's daily rate on the principal still unpaid on each day after the
// first notice's deadline, summed exactly and rounded to the fen once.
// It recomputes from the payment history, so running it twice on one day,
// or after a payment, gives the right figure.
func AccrueLateFees(app core.App, day string) error {
	reminded := dbx.NewExp("status IN ('issued','partially_paid') AND reminder_stage != '' AND fee_item != ''")
	// Judged inside the write, as IssueReminders does.
	_, err := eachCandidate(app, "late_fees", "bills", reminded, func(tx core.App, b, _ *core.Record) (bool, error) {
		if st := b.GetString("status"); st != "issued" && st != "partially_paid" {
			return false, nil
		}
		lateFee, err := LateFee(tx, b, civil(day))
		if err != nil || int64(b.GetInt("late_fee_fen")) == lateFee {
			return false, err
		}
		b.Set("late_fee_fen", lateFee)
		return true, tx.Save(b)
	})
	return err
}

// LateFee is bill b's late fee as of day (see AccrueLateFees).
func LateFee(app core.App, b *core.Record, day time.Time) (int64, error) {
	item, err := app.FindRecordById("fee_items", b.GetString("fee_item"))
	if err != nil {
		return 0, err
	}
	first, err := app.FindFirstRecordByFilter("reminders", "bill = {:b} && stage = '1'", dbx.Params{"b": b.Id})
	if err != nil {
		return 0, nil // no notice, no late fee
	}
	// From the day after the first notice's deadline, ten days after the
	// household received it: an undelivered notice starts no late fee
	// ([000] 管理员 4.1.3.1: 对已收到催缴通知的业主但仍未及时缴费的…滞纳金已开始计算).
	deadline := noticeDeadline(first)
	if deadline == "" {
		return 0, nil
	}
	from := civil(deadline).AddDate(0, 0, 1)
	if day.Before(from) {
		return 0, nil
	}
	// Payments to the bill by the civil day they were taken.
	paidOn, err := allocationsByDay(app, b)
	if err != nil {
		return 0, err
	}
	// The principal changes only on payment days, so the sum over the late
	// days of the principal unpaid that day (fen·days) is taken segment by
	// segment: a payment counts from the day it was made.
	principal := int64(b.GetInt("amount_fen") - b.GetInt("discount_fen"))
	type change struct {
		on     time.Time
		amount int64
	}
	var changes []change
	for d, amount := range paidOn {
		if on := civil(d); on.After(from) {
			changes = append(changes, change{on, amount})
		} else {
			principal -= amount
		}
	}
	slices.SortFunc(changes, func(a, b change) int { return a.on.Compare(b.on) })
	var unpaidDays int64
	cursor := from
	for _, c := range changes {
		if c.on.After(day) {
			break
		}
		unpaidDays += max(principal, 0) * int64(c.on.Sub(cursor).Hours()/24)
		principal -= c.amount
		cursor = c.on
	}
	unpaidDays += max(principal, 0) * int64(day.Sub(cursor).Hours()/24+1)
	rate := new(big.Rat)
	rate.SetFloat64(item.GetFloat("late_fee_rate"))
	// A late fee is an amount like any other: at most MaxFen (a bill of
	// 1亿元 at the highest rate, 1% a day, would pass it after 100 days).
	return min(fee.Round(rate.Mul(rate, new(big.Rat).SetInt64(unpaidDays))), MaxFen), nil
}

// allocationsByDay sums what payments allocated to bill b, by the Shanghai
// day of the payment (reversals count on their own day).
func allocationsByDay(app core.App, b *core.Record) (map[string]int64, error) {
	payments, err := app.FindAllRecords("payments", dbx.HashExp{"unit": b.GetString("unit")})
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, p := range payments {
		var allocs []allocation
		if err := json.Unmarshal([]byte(p.GetString("allocations")), &allocs); err != nil {
			continue
		}
		day := p.GetDateTime("created").Time().In(workcal.Shanghai).Format(time.DateOnly)
		for _, a := range allocs {
			if a.Bill == b.Id {
				out[day] += a.AmountFen
			}
		}
	}
	return out, nil
}

// deliverReminder records that a notice was handed to the household: the
// only change a reminder admits, once, stamped with who and when by the
// server, which also sets the notice's deadline from that day. The client
// asks for it by sending any delivered_at.
func deliverReminder(e *core.RecordRequestEvent) error {
	r, orig := e.Record, e.Record.Original()
	if !orig.GetDateTime("delivered_at").IsZero() {
		return badRequest(validation.Errors{"delivered_at": codedError("wuye_already_delivered")})
	}
	if r.GetDateTime("delivered_at").IsZero() {
		return badRequest(validation.Errors{"delivered_at": codedError("validation_required")})
	}
	for _, f := range changedFields(orig, r) {
		if f != "delivered_at" && f != "delivered_by" && f != "delivery_note" {
			return badRequest(validation.Errors{f: codedError("wuye_field_locked")})
		}
	}
	markDelivered(r, e.Auth, now())
	return inTx(e, func(tx core.App) error { return deliveredEvent(tx, r, e.Auth) })
}

// markDelivered stamps reminder r delivered by staff member by at instant
// at, and sets its deadline from that day.
func markDelivered(r, by *core.Record, at time.Time) {
	stamp, _ := types.ParseDateTime(at)
	r.Set("delivered_at", stamp)
	r.Set("delivered_by", actorID(by))
	if r.GetString("stage") != "escalated" {
		r.Set("deadline", noticeDeadline(r))
	}
}

func deliveredEvent(tx core.App, r, by *core.Record) error {
	note := r.GetString("delivery_note")
	if d := r.GetString("deadline"); d != "" {
		note = strings.TrimSpace(fmt.Sprintf("缴费期限 %s %s", d, note))
	}
	return RecordEvent(tx, Event{Subject: r, Action: "delivered", Actor: by, Public: true, Note: note})
}

// DeliverReminder records reminder r as handed to the household by staff
// member by at instant at, as the area manager's delivery through the API
// does (the demo loader and the tests use it to date a delivery).
func DeliverReminder(app core.App, r, by *core.Record, at time.Time, note string) error {
	if !r.GetDateTime("delivered_at").IsZero() {
		return badRequest(validation.Errors{"delivered_at": codedError("wuye_already_delivered")})
	}
	r.Set("delivery_note", note)
	markDelivered(r, by, at)
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(r); err != nil {
			return err
		}
		return deliveredEvent(tx, r, by)
	})
}
