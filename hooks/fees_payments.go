package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
	"wuye/lib/workcal"
)

// allocation is the part of a payment that went to one bill.
type allocation struct {
	Bill      string `json:"bill"`
	AmountFen int64  `json:"amount_fen"`
}

func registerPayments(app core.App) {
	app.OnRecordCreateRequest("payments").BindFunc(func(e *core.RecordRequestEvent) error {
		p := e.Record
		p.Set("allocations", nil)
		if isStaff(e.Auth) {
			p.Set("received_by", e.Auth.Id)
		}
		if u, err := e.App.FindRecordById("units", p.GetString("unit")); err == nil {
			p.Set("community", u.GetString("community"))
		}
		// The allocation is worked out inside the transaction that saves
		// it, against the bills as they stand then: two cashiers paying the
		// same bill at once cannot both take its balance.
		var allocs []allocation
		return inTxAround(e,
			func(tx core.App) (err error) {
				if p.GetString("reverses") != "" {
					allocs, err = planReversal(tx, p)
				} else {
					allocs, err = planPayment(tx, p)
				}
				if err == nil {
					p.Set("allocations", allocs)
				}
				return err
			},
			func(tx core.App) error {
				if err := applyAllocations(tx, allocs); err != nil {
					return err
				}
				action := "payment"
				if p.GetString("reverses") != "" {
					action = "reversal"
				}
				return RecordEvent(tx, Event{Subject: p, Action: action, Actor: e.Auth, Public: true,
					Note: fmt.Sprintf("%s %s", p.GetString("serial"), money.Yuan(int64(p.GetInt("amount_fen"))))})
			})
	})
	// Money records are never changed or removed: a mistake is corrected by a
	// reversing payment that names the original.
	app.OnRecordUpdate("payments").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_payment_final")})
	})
	app.OnRecordUpdateRequest("bills").BindFunc(grantDiscount)
	app.OnRecordDelete("payments", "bills").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_payment_final")})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/receipts/{id}", receipt).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// TakePayment stores payment p taken by cashier as the API would: the same
// allocation, checks and follow-up, in one transaction. The demo loader uses it.
func TakePayment(app core.App, p, cashier *core.Record) error {
	p.Set("received_by", cashier.Id)
	if u, err := app.FindRecordById("units", p.GetString("unit")); err == nil {
		p.Set("community", u.GetString("community"))
	}
	return app.RunInTransaction(func(tx core.App) error { return storePayment(tx, p, cashier, "") })
}

// storePayment allocates payment p, saves it, moves the bills and records
// it, in transaction tx (actor nil for an online payment).
func storePayment(tx core.App, p, actor *core.Record, note string) error {
	allocs, err := planPayment(tx, p)
	if err != nil {
		return err
	}
	p.Set("allocations", allocs)
	if err := tx.Save(p); err != nil {
		return err
	}
	if err := applyAllocations(tx, allocs); err != nil {
		return err
	}
	if err := RecordEvent(tx, Event{Subject: p, Action: "payment", Actor: actor, Public: true,
		Note: strings.TrimSpace(fmt.Sprintf("%s %s %s", p.GetString("serial"), money.Yuan(int64(p.GetInt("amount_fen"))), note))}); err != nil {
		return err
	}
	if amt := p.GetInt("amount_fen"); amt > 0 {
		// The receipt: the household sees what was paid and where the
		// printable receipt is (the bills page).
		return notifyHousehold(tx, p.GetString("unit"), Notice{Kind: "payment_receipt", Subject: p,
			Title: fmt.Sprintf("已收到缴费 %s，收据号 %s", money.Yuan(int64(amt)), p.GetString("serial"))})
	}
	return nil
}

// grantDiscount is the one change a person makes to a bill: a discount
// (减免) with its reason, never more than what is still owed.
func grantDiscount(e *core.RecordRequestEvent) error {
	b, orig := e.Record, e.Record.Original()
	for _, f := range changedFields(orig, b) {
		if f != "discount_fen" && f != "discount_reason" {
			return badRequest(validation.Errors{f: codedError("wuye_payment_final")})
		}
	}
	discount := int64(b.GetInt("discount_fen"))
	if discount < 0 || float64(discount) != b.GetFloat("discount_fen") {
		return badRequest(validation.Errors{"discount_fen": codedError("wuye_amount_positive")})
	}
	if discount > 0 && b.GetString("discount_reason") == "" {
		return badRequest(validation.Errors{"discount_reason": codedError("wuye_discount_reason")})
	}
	if room := int64(orig.GetInt("amount_fen") + orig.GetInt("late_fee_fen") - orig.GetInt("paid_fen")); discount > room {
		return badRequest(validation.Errors{"discount_fen": codedError("wuye_over_discount", money.Yuan(room))})
	}
	if outstanding(b) <= 0 {
		b.Set("status", "paid")
	}
	// The discount was judged against the bill as read, and saving it
	// writes the whole bill: inside the write the stored bill must still
	// owe what was read, or a payment (or reminder, or late fee) that
	// landed meanwhile would be overwritten — the payment kept, its effect
	// on the bill lost.
	return inTxChecked(e, orig, []string{"paid_fen", "discount_fen", "late_fee_fen", "status", "reminder_stage"}, func(tx core.App) error {
		return RecordEvent(tx, Event{Subject: b, Action: "discount", Actor: e.Auth, Public: true,
			Note: money.Yuan(discount) + " " + b.GetString("discount_reason")})
	})
}

// outstanding is what is still owed on bill b.
func outstanding(b *core.Record) int64 {
	return int64(b.GetInt("amount_fen") - b.GetInt("discount_fen") + b.GetInt("late_fee_fen") - b.GetInt("paid_fen"))
}

// planPayment allocates a payment to the bills it names, or else to the
// unit's open bills oldest first, and refuses one that is not above zero or
// is above what those bills still owe.
func planPayment(tx core.App, p *core.Record) ([]allocation, error) {
	amount := int64(p.GetInt("amount_fen"))
	if amount <= 0 || float64(amount) != p.GetFloat("amount_fen") {
		return nil, badRequest(validation.Errors{"amount_fen": codedError("wuye_amount_positive")})
	}
	var bills []*core.Record
	var err error
	if ids := p.GetStringSlice("bills"); len(ids) > 0 {
		bills, err = tx.FindRecordsByIds("bills", ids)
		if err == nil && len(bills) != len(ids) {
			err = fmt.Errorf("missing bills")
		}
		for _, b := range bills {
			if b.GetString("unit") != p.GetString("unit") || b.GetString("status") == "void" {
				return nil, badRequest(validation.Errors{"bills": codedError("wuye_bill_not_this_unit")})
			}
		}
		if err != nil {
			return nil, badRequest(validation.Errors{"bills": codedError("wuye_bill_not_this_unit")})
		}
	} else {
		bills, err = tx.FindAllRecords("bills", dbx.HashExp{"unit": p.GetString("unit"), "status": []any{"issued", "partially_paid"}})
		if err != nil {
			return nil, err
		}
	}
	sortOldestFirst(bills)
	var owed int64
	for _, b := range bills {
		owed += max(outstanding(b), 0)
	}
	if amount > owed {
		return nil, badRequest(validation.Errors{"amount_fen": codedError("wuye_overpayment", money.Yuan(amount), money.Yuan(owed))})
	}
	var allocs []allocation
	for _, b := range bills {
		if amount == 0 {
			break
		}
		take := min(amount, max(outstanding(b), 0))
		if take == 0 {
			continue
		}
		allocs = append(allocs, allocation{b.Id, take})
		amount -= take
	}
	return allocs, nil
}

// planReversal undoes a payment: the same allocations, negated. A payment is
// reversed once, and a reversal is not reversed.
func planReversal(tx core.App, p *core.Record) ([]allocation, error) {
	orig, err := tx.FindRecordById("payments", p.GetString("reverses"))
	if err != nil || orig.GetString("unit") != p.GetString("unit") || orig.GetString("reverses") != "" {
		return nil, badRequest(validation.Errors{"reverses": codedError("wuye_reversal_invalid")})
	}
	if done, err := exists(tx, "payments", dbx.HashExp{"reverses": orig.Id}, ""); err != nil {
		return nil, err
	} else if done {
		return nil, badRequest(validation.Errors{"reverses": codedError("wuye_already_reversed")})
	}
	var allocs []allocation
	if err := json.Unmarshal([]byte(orig.GetString("allocations")), &allocs); err != nil {
		return nil, fmt.Errorf("allocations of %s: %w", orig.GetString("serial"), err)
	}
	for i := range allocs {
		allocs[i].AmountFen = -allocs[i].AmountFen
	}
	p.Set("amount_fen", -orig.GetInt("amount_fen"))
	p.Set("method", orig.GetString("method"))
	p.Set("bills", orig.GetStringSlice("bills"))
	return allocs, nil
}

// applyAllocations moves the bills' paid amounts and statuses; a paid
// service line settles its work order, so its collection stops.
func applyAllocations(tx core.App, allocs []allocation) error {
	for _, a := range allocs {
		b, err := tx.FindRecordById("bills", a.Bill)
		if err != nil {
			return err
		}
		b.Set("paid_fen", int64(b.GetInt("paid_fen"))+a.AmountFen)
		switch left := outstanding(b); {
		case left <= 0:
			b.Set("status", "paid")
		case b.GetInt("paid_fen") > 0:
			b.Set("status", "partially_paid")
		default:
			b.Set("status", "issued")
		}
		if err := tx.Save(b); err != nil {
			return fmt.Errorf("bill %s: %w", b.GetString("serial"), err)
		}
		if reno := b.GetString("renovation"); reno != "" {
			if err := syncRenovationFees(tx, reno); err != nil {
				return err
			}
		}
		if wo := b.GetString("work_order"); wo != "" {
			o, err := tx.FindRecordById("work_orders", wo)
			if err != nil {
				return err
			}
			want := "billed"
			if b.GetString("status") == "paid" {
				want = "paid"
			}
			// Paid at the door stays so; a reversal puts the order back
			// on its bill.
			if o.GetString("payment") != want && !(want == "paid" && payTaken(o.GetString("payment"))) {
				if want == "billed" {
					o.Set("paid_at", nil)
				}
				o.Set("payment", want)
				if err := tx.Save(o); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// sortOldestFirst orders bills by due date, then period start, then serial.
func sortOldestFirst(bills []*core.Record) {
	key := func(b *core.Record) string {
		return b.GetString("due_on") + b.GetString("period_start") + b.GetString("serial")
	}
	slices.SortFunc(bills, func(a, b *core.Record) int { return strings.Compare(key(a), key(b)) })
}

// receipt answers GET /api/wuye/receipts/{id}: what a printed receipt shows
// ([001] 中汇广场 六) — payment time, unit, fee items and periods covered, the amount
// in figures and in Chinese capitals, issuer and payee — to the office's
// staff and the unit's residents.
func receipt(e *core.RequestEvent) error {
	p, err := readableRecord(e, "payments")
	if err != nil {
		return err
	}
	unit, _ := e.App.FindRecordById("units", p.GetString("unit"))
	building, _ := e.App.FindRecordById("buildings", unit.GetString("building"))
	community, _ := e.App.FindRecordById("communities", p.GetString("community"))
	var allocs []allocation
	_ = json.Unmarshal([]byte(p.GetString("allocations")), &allocs)
	type line struct {
		Bill      string `json:"bill"`
		Item      string `json:"item"`
		Period    string `json:"period"`
		Covers    string `json:"covers"`
		AmountFen int64  `json:"amount_fen"`
	}
	lines := []line{}
	for _, a := range allocs {
		b, err := e.App.FindRecordById("bills", a.Bill)
		if err != nil {
			continue
		}
		item := billItemName(e.App, b)
		if b.GetString("fee_item") == "" && b.GetString("source") != "" {
			item += " " + b.GetString("source")
		}
		lines = append(lines, line{b.GetString("serial"), item, b.GetString("period"),
			b.GetString("period_start") + " 至 " + b.GetString("period_end"), a.AmountFen})
	}
	issuer := ""
	if s, err := e.App.FindRecordById("staff", p.GetString("received_by")); err == nil {
		issuer = s.GetString("name")
	}
	amount := int64(p.GetInt("amount_fen"))
	reversesSerial := ""
	if orig, err := e.App.FindRecordById("payments", p.GetString("reverses")); err == nil {
		reversesSerial = orig.GetString("serial")
	}
	return e.JSON(http.StatusOK, map[string]any{
		"serial":          p.GetString("serial"),
		"paid_at":         p.GetDateTime("created").Time().In(workcal.Shanghai).Format(time.DateTime),
		"unit":            building.GetString("name") + " " + unit.GetString("number"),
		"payer_name":      p.GetString("payer_name"),
		"method":          p.GetString("method"),
		"lines":           lines,
		"amount_fen":      amount,
		"amount":          money.Yuan(amount),
		"amount_capitals": money.Capital(amount),
		"issuer":          issuer,
		"payee":           community.GetString("name") + "物业服务中心",
		"reverses":        p.GetString("reverses"),
		"reverses_serial": reversesSerial,
	})
}

func mustInfo(e *core.RequestEvent) *core.RequestInfo {
	info, _ := e.RequestInfo()
	return info
}

// billItemName is what a bill charges for, as a receipt or statement names
// it: its fee item, a renovation's charge, or a paid service.
func billItemName(app core.App, b *core.Record) string {
	if fi, err := app.FindRecordById("fee_items", b.GetString("fee_item")); err == nil {
		return fi.GetString("name")
	}
	if n, ok := chargeNames[b.GetString("charge")]; ok {
		return n.zh
	}
	return "有偿服务"
}
