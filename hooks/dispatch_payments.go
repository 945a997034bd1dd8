package hooks

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
)

// Money taken for a paid service ([000] 前台 4.6.1.1 办理即收费, [003] 篇2 4.4,
// 4.5(2)): whoever takes it — the desk at the counter, the technician at the
// door, the cashier — takes a real payment. The order's amount becomes a
// bill of its own (the paid-service line), the money a payment of that bill
// with its receipt, received by the person who took it, so it is in their
// daily cash close ([000] 收费员 4.2.1.7). An order is marked paid only by
// such a payment: a person sets `payment` to `paid` (at the counter) or
// `paid_on_site` (at the door) together with the method (`pay_method`), and
// Wuye takes the payment in the same transaction; an order already on a
// statement is paid by paying its bill. A payment reversed puts the order
// back on its bill (`billed`): corrections are reversals.

// payTaken reports whether payment value v says money was taken.
func payTaken(v string) bool { return v == "paid" || v == "paid_on_site" }

// planOrderPayment judges the change of an order's payment from orig to r
// that the client asked for (asked: the value sent, before the amount was
// settled) and completes it: a payment taken needs its method and something
// to pay; the only other value a person chooses is `unpaid`, at completion
// (the amount goes on the next statement, [003] 篇2 4.4(2)).
func planOrderPayment(app core.App, orig, r *core.Record, step Step, asked string) error {
	from := orig.GetString("payment")
	if asked == "" { // not asked: what it was, or what completion settled
		asked = from
		if step.To != "completed" {
			r.Set("payment", from)
		}
	}
	if asked == from {
		if r.GetString("pay_method") != orig.GetString("pay_method") {
			return badRequest(validation.Errors{"pay_method": codedError("wuye_field_locked")})
		}
		return nil
	}
	switch {
	case payTaken(from):
		return badRequest(validation.Errors{"payment": codedError("wuye_order_already_paid")})
	case asked == "unpaid" && step.To == "completed":
		r.Set("pay_method", "")
		return nil
	case !payTaken(asked):
		return badRequest(validation.Errors{"payment": codedError("wuye_payment_by_receipt")})
	case !payTaken(r.GetString("payment")): // nothing to pay (settleAmount found 0)
		r.Set("pay_method", "")
		return nil
	case !slices.Contains(payMethods, r.GetString("pay_method")):
		return badRequest(validation.Errors{"pay_method": codedError("wuye_pay_method_needed")})
	case r.GetString("unit") == "":
		return badRequest(validation.Errors{"payment": codedError("wuye_pay_needs_unit")})
	}
	if orderAmount(r) <= 0 {
		return badRequest(validation.Errors{"payment": codedError("wuye_pay_price_unknown")})
	}
	if paid, err := orderPaid(app, r.Id); err != nil {
		return err
	} else if paid {
		return badRequest(validation.Errors{"payment": codedError("wuye_order_already_paid")})
	}
	r.Set("paid_at", nowDateTime())
	return nil
}

// payMethods are the ways money for a service is taken: cash or a QR code
// at the counter or the door, a card at the counter, a transfer.
var payMethods = []string{"cash", "wechat", "alipay", "card", "transfer"}

// orderAmount is what the order costs the resident as it stands: its amount
// once completed, else the agreed price (a prepaid service is paid at its
// listed price before it is dispatched).
func orderAmount(o *core.Record) int64 {
	if !o.GetDateTime("completed_at").IsZero() {
		return int64(o.GetInt("amount_fen"))
	}
	if o.GetString("kind") == "routine" || o.GetDateTime("quote_confirmed_at").IsZero() {
		return 0
	}
	return int64(o.GetInt("quote_fen"))
}

// orderPaid reports whether a payment settled order id's bill.
func orderPaid(app core.App, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	return exists(app, "bills", dbx.HashExp{"work_order": id, "status": "paid"}, "")
}

// takeOrderPayment takes the payment an order was just marked paid with, in
// transaction tx: its bill (made now when the order has none) paid in full
// by a payment received by actor, by the order's method.
func takeOrderPayment(tx core.App, o, actor *core.Record) error {
	// The order's bill still standing: a voided one (a statement line
	// withdrawn) is not paid, and a new one is made in its place.
	bill, err := tx.FindFirstRecordByFilter("bills", "work_order = {:o} && status != 'void'", dbx.Params{"o": o.Id})
	if err != nil {
		if bill, err = newServiceBill(tx, o); err != nil {
			return err
		}
	}
	left := outstanding(bill)
	if left <= 0 {
		return badRequest(validation.Errors{"payment": codedError("wuye_order_already_paid")})
	}
	col, err := tx.FindCachedCollectionByNameOrId("payments")
	if err != nil {
		return err
	}
	p := core.NewRecord(col)
	p.Set("community", o.GetString("community"))
	p.Set("unit", o.GetString("unit"))
	p.Set("amount_fen", left)
	p.Set("method", o.GetString("pay_method"))
	p.Set("payer_name", o.GetString("contact_name"))
	p.Set("bills", []string{bill.Id})
	p.Set("received_by", actorID(actor))
	p.Set("note", "派工单 "+o.GetString("serial"))
	if err := storePayment(tx, p, actor, "派工单 "+o.GetString("serial")); err != nil {
		return err
	}
	return RecordEvent(tx, Event{Subject: o, Action: "payment", Actor: actor, Public: true,
		Note: fmt.Sprintf("%s %s %s", p.GetString("serial"), money.Yuan(left), o.GetString("pay_method"))})
}

// newServiceBill makes the paid-service bill of order o for what it costs
// now, due today, for the resident who asked for it.
func newServiceBill(tx core.App, o *core.Record) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId("bills")
	if err != nil {
		return nil, err
	}
	day := today()
	b := core.NewRecord(col)
	for k, v := range map[string]any{
		"community": o.GetString("community"), "unit": o.GetString("unit"), "work_order": o.Id,
		"source": o.GetString("serial"), "period": day[:7], "period_start": day, "period_end": day, "due_on": day,
		"payer": o.GetString("requester"), "amount_fen": orderAmount(o), "status": "issued",
		"basis": map[string]any{"work_order": o.GetString("serial"), "taken": o.GetString("payment")},
	} {
		b.Set(k, v)
	}
	if err := tx.Save(b); err != nil {
		return nil, fmt.Errorf("bill of %s: %w", o.GetString("serial"), err)
	}
	return b, nil
}
