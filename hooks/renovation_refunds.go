package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/money"
	"wuye/lib/workcal"
)

// The renovation deposit's refund (押金清退) is a document of its own,
// deposit_refunds, with this flow: the desk takes the request — its own or
// the resident's, at the desk — once the renovation is accepted and the
// waiting period is over ([001] 中汇广场 五: 办妥工程验收手续后六个月按有关规定清退装修押金);
// the director approves or rejects it ([004] 四 3 4.3: 物业服务中心主任负责审批…押金清退);
// the cashier pays it and prints the receipt ([004] 四 3 4.5: 内勤助理负责收、退装修押金).
// Paying it is the only way a renovation deposit leaves the ledger as a
// refund (registerDeposits refuses any other), and it closes the renovation.
//
// Violations: a deduction decided on site is taken from the deposit when the
// violation is recorded ([004] 四 3 5.2.1 扣罚押金; recordViolation), so the
// refund is the balance and shows what was deducted. A violation still open
// — not yet rechecked as rectified or escalated — blocks the request and the
// approval: "按有关规定清退" means after the rules are settled, and an open one
// may still cost the owner a deduction or a repair the office must not have
// paid back already.
var DepositRefundFlow = []Step{
	{From: "requested", To: "approved", Verb: text{"批准退还", "Approve the refund"}, Actors: []string{RoleDirector}, Extras: []string{"director_comment"}, Stamp: "decided_at", Guard: refundIsDue},
	{From: "requested", To: "rejected", Verb: text{"不予退还", "Refuse the refund"}, Actors: []string{RoleDirector}, Requires: []string{"reject_reason"}, Extras: []string{"director_comment"}, Stamp: "decided_at"},
	{From: "approved", To: "paid", Verb: text{"退款", "Pay back"}, Actors: []string{RoleCashier}, Requires: []string{"method"}, Stamp: "paid_at", Guard: refundIsDue},
}

var depositRefundFlow = &Flow{
	Noun: text{"押金清退", "deposit refund"}, Steps: DepositRefundFlow, Terminal: []string{"paid", "rejected"},
	Labels: map[string]text{
		"requested": {"待主任审批", "requested"}, "approved": {"已批准待退款", "approved"},
		"paid": {"已退款", "paid"}, "rejected": {"已驳回", "rejected"},
	},
	Actors: func(auth, r *core.Record) []string {
		if isStaff(auth) {
			return []string{auth.GetString("role")}
		}
		return nil
	},
}

// refundIsDue: the waiting period after acceptance is over.
func refundIsDue(r *core.Record) error {
	if due := r.GetString("refund_due"); due == "" || today() < due {
		return badRequest(validation.Errors{"status": codedError("wuye_refund_not_due", due)})
	}
	return nil
}

// defaultRefundMonths: the renovation deposit is refunded 6 months after
// acceptance ([001] 中汇广场 五), unless the community sets its own period.
const defaultRefundMonths = 6

// refundMonths is the community's waiting period (deposit_refund_months, 0
// for the manual's six months).
func refundMonths(app core.App, community string) int {
	if c, err := app.FindRecordById("communities", community); err == nil && c.GetInt("deposit_refund_months") > 0 {
		return c.GetInt("deposit_refund_months")
	}
	return defaultRefundMonths
}

// refundServerOwned are the fields only Wuye fills: all but the renovation,
// the payee and the request note.
var refundServerOwned = []string{"community", "unit", "deposit", "refund_due", "deposit_fen", "deducted_fen", "amount_fen",
	"requested_by", "director", "director_comment", "reject_reason", "decided_at", "method", "paid_by", "paid_at", "movement"}

func registerDepositRefunds(app core.App) {
	app.OnRecordCreateRequest("deposit_refunds").BindFunc(func(e *core.RecordRequestEvent) error {
		r := e.Record
		reno, err := e.App.FindRecordById("renovations", r.GetString("renovation"))
		if err != nil {
			return badRequest(validation.Errors{"renovation": codedError("validation_missing_rel_records")})
		}
		for _, f := range refundServerOwned {
			r.Set(f, nil)
		}
		r.Set("status", "requested")
		r.Set("requested_by", actorID(e.Auth))
		return inTxAround(e, func(tx core.App) error {
			return prepareRefund(tx, r, reno)
		}, func(tx core.App) error {
			return afterRefundRequest(tx, r, reno, e.Auth)
		})
	})
	bindFlowUpdates(app, "deposit_refunds", planRefundUpdate, afterRefundUpdate, "status")
	app.OnRecordDelete("deposit_refunds").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_payment_final")})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/deposit-refunds/{id}/receipt", refundReceipt).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// prepareRefund checks, in the transaction that stores it, that refund r of
// renovation reno may be asked for now, and fills in what it carries: the
// deposit received, what violations deducted, and the balance to go back.
func prepareRefund(tx core.App, r, reno *core.Record) error {
	if reno.GetString("status") != "accepted" {
		return badRequest(validation.Errors{"renovation": codedError("wuye_refund_not_accepted")})
	}
	r.Set("community", reno.GetString("community"))
	r.Set("unit", reno.GetString("unit"))
	r.Set("refund_due", reno.GetString("deposit_refund_due"))
	if err := refundIsDue(r); err != nil {
		return badRequest(validation.Errors{"renovation": codedError("wuye_refund_not_due", reno.GetString("deposit_refund_due"))})
	}
	if err := noOpenViolations(tx, reno.Id, "renovation"); err != nil {
		return err
	}
	d, err := tx.FindRecordById("deposits", reno.GetString("deposit"))
	if err != nil || d.GetInt("balance_fen") <= 0 {
		return badRequest(validation.Errors{"renovation": codedError("wuye_refund_nothing")})
	}
	if n, _ := tx.CountRecords("deposit_refunds", dbx.HashExp{"renovation": reno.Id}, dbx.Not(dbx.HashExp{"status": "rejected"})); n > 0 {
		return badRequest(validation.Errors{"renovation": codedError("wuye_refund_pending")})
	}
	var deducted struct {
		Fen int64 `db:"fen"`
	}
	if err := tx.DB().NewQuery(`SELECT ` + fenTotal("amount_fen") + ` AS fen FROM deposit_movements WHERE deposit = {:d} AND kind = 'deduct'`).
		Bind(dbx.Params{"d": d.Id}).One(&deducted); err != nil {
		return err
	}
	r.Set("deposit", d.Id)
	r.Set("deposit_fen", d.GetInt("amount_fen"))
	r.Set("deducted_fen", deducted.Fen)
	r.Set("amount_fen", d.GetInt("balance_fen"))
	if strings.TrimSpace(r.GetString("payee_name")) == "" {
		r.Set("payee_name", d.GetString("holder_name"))
	}
	return nil
}

// noOpenViolations refuses while a violation of the renovation is still
// open (found, not yet rechecked); the error names field.
func noOpenViolations(app core.App, renovation, field string) error {
	n, err := app.CountRecords("renovation_violations", dbx.HashExp{"renovation": renovation, "status": "open"})
	if err != nil {
		return err
	}
	if n > 0 {
		return badRequest(validation.Errors{field: codedError("wuye_refund_open_violations", n)})
	}
	return nil
}

// afterRefundRequest records the request on the renovation's timeline and
// tells the community's director, who approves it.
func afterRefundRequest(tx core.App, r, reno, auth *core.Record) error {
	amount := money.Yuan(int64(r.GetInt("amount_fen")))
	if err := RecordEvent(tx, Event{Subject: reno, Action: "deposit_refund_requested", To: "requested", Actor: auth, Public: true,
		Note: r.GetString("serial") + " " + amount}); err != nil {
		return err
	}
	return notifyRole(tx, reno.GetString("community"), RoleDirector, r, "deposit_refund_requested",
		fmt.Sprintf("装修 %s 申请退还押金 %s，请审批", reno.GetString("serial"), amount))
}

// planRefundUpdate judges a change of a refund against its flow: the
// director approves only with no violation open, the cashier pays exactly
// the approved balance.
func planRefundUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	step, err := depositRefundFlow.Plan(auth, superuser, orig, r, at)
	if err != nil || step.To == "" {
		return step, err
	}
	switch step.To {
	case "approved":
		if err := noOpenViolations(app, r.GetString("renovation"), "status"); err != nil {
			return step, err
		}
		r.Set("director", actorID(auth))
	case "rejected":
		r.Set("director", actorID(auth))
	case "paid":
		d, err := app.FindRecordById("deposits", r.GetString("deposit"))
		if err != nil {
			return step, err
		}
		if bal, amount := int64(d.GetInt("balance_fen")), int64(r.GetInt("amount_fen")); bal != amount {
			return step, badRequest(validation.Errors{"status": codedError("wuye_refund_balance_changed", money.Yuan(bal), money.Yuan(amount))})
		}
		// The payee is the one the director approved: the cashier pays them,
		// and cannot name someone else at the counter ([004] 4.3).
		r.Set("paid_by", actorID(auth))
	}
	return step, nil
}

// afterRefundUpdate records the step on the renovation's timeline; an
// approval goes to the cashiers, and the payment moves the deposit's balance
// out of the ledger as a refund and closes the renovation.
func afterRefundUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		return nil
	}
	reno, err := tx.FindRecordById("renovations", r.GetString("renovation"))
	if err != nil {
		return err
	}
	amount := money.Yuan(int64(r.GetInt("amount_fen")))
	note := r.GetString("serial") + " " + amount
	if step.To == "rejected" {
		note = r.GetString("serial") + " " + r.GetString("reject_reason")
	}
	if err := RecordEvent(tx, Event{Subject: reno, Action: "deposit_refund_" + step.To, From: step.From, To: step.To, Actor: auth,
		Public: true, Note: note}); err != nil {
		return err
	}
	switch step.To {
	case "approved":
		return notifyRole(tx, reno.GetString("community"), RoleCashier, r, "deposit_refund_approved",
			fmt.Sprintf("装修 %s 的押金清退 %s 已批准，请办理退款", reno.GetString("serial"), amount))
	case "paid":
		d, err := tx.FindRecordById("deposits", r.GetString("deposit"))
		if err != nil {
			return err
		}
		m, err := moveDepositRecord(tx, d, "refund", int64(r.GetInt("amount_fen")),
			"装修押金清退 "+r.GetString("serial")+" "+reno.GetString("serial"), auth)
		if err != nil {
			return err
		}
		r.Set("movement", m.Id)
		if err := tx.SaveNoValidate(r); err != nil {
			return err
		}
		_, err = AdvanceRenovation(tx, reno.Id, auth, "closed", nil)
		return err
	}
	return nil
}

// notifyRole tells the active staff of role in community.
func notifyRole(app core.App, community, role string, subject *core.Record, kind, title string) error {
	staff, err := app.FindAllRecords("staff",
		dbx.NewExp("role = {:role} AND active = TRUE AND EXISTS (SELECT 1 FROM json_each(communities) WHERE value = {:c})",
			dbx.Params{"role": role, "c": community}))
	if err != nil {
		return fmt.Errorf("find %s: %w", role, err)
	}
	for _, s := range staff {
		if err := Notify(app, Notice{Recipient: s, Kind: kind, Title: title, Subject: subject}); err != nil {
			return err
		}
	}
	return nil
}

// RequestDepositRefund files a refund request for renovation id as auth
// would through the API. The demo loader uses it.
func RequestDepositRefund(app core.App, renovation string, auth *core.Record, note string) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId("deposit_refunds")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Set("renovation", renovation)
	r.Set("request_note", note)
	r.Set("status", "requested")
	r.Set("requested_by", actorID(auth))
	err = app.RunInTransaction(func(tx core.App) error {
		reno, err := tx.FindRecordById("renovations", renovation)
		if err != nil {
			return err
		}
		if err := prepareRefund(tx, r, reno); err != nil {
			return err
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		return afterRefundRequest(tx, r, reno, auth)
	})
	return r, err
}

// AdvanceDepositRefund moves a refund as actor would through the API.
func AdvanceDepositRefund(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "deposit_refunds", id, actor, to, fields, planRefundUpdate, afterRefundUpdate)
}

// refundReceipt answers GET /api/wuye/deposit-refunds/{id}/receipt: the
// printed refund voucher (押金退款凭证) of a paid refund, as the receipts of
// [001] 中汇广场 六 show a payment — time, unit, the deposit, each deduction
// with its reason, the amount in figures and in Chinese capitals, who
// approved and who paid — to those who may read the refund.
func refundReceipt(e *core.RequestEvent) error {
	r, err := readableRecord(e, "deposit_refunds")
	if err != nil {
		return err
	}
	if r.GetString("status") != "paid" {
		return apis.NewNotFoundError("", nil)
	}
	name := func(collection, id, field string) string {
		if rec, err := e.App.FindRecordById(collection, id); err == nil {
			return rec.GetString(field)
		}
		return ""
	}
	unit := ""
	if u, err := e.App.FindRecordById("units", r.GetString("unit")); err == nil {
		unit = name("buildings", u.GetString("building"), "name") + " " + u.GetString("number")
	}
	type line struct {
		Reason    string `db:"reason" json:"reason"`
		AmountFen int64  `db:"amount_fen" json:"amount_fen"`
		On        string `db:"created" json:"on"`
	}
	deductions := []line{}
	if err := e.App.DB().NewQuery(`SELECT reason, amount_fen, created FROM deposit_movements WHERE deposit = {:d} AND kind = 'deduct' ORDER BY created`).
		Bind(dbx.Params{"d": r.GetString("deposit")}).All(&deductions); err != nil {
		return err
	}
	for i := range deductions {
		if t, err := types.ParseDateTime(deductions[i].On); err == nil {
			deductions[i].On = t.Time().In(workcal.Shanghai).Format(time.DateOnly)
		}
	}
	amount := int64(r.GetInt("amount_fen"))
	return e.JSON(http.StatusOK, map[string]any{
		"serial":          r.GetString("serial"),
		"renovation":      name("renovations", r.GetString("renovation"), "serial"),
		"paid_at":         r.GetDateTime("paid_at").Time().In(workcal.Shanghai).Format(time.DateTime),
		"unit":            unit,
		"payee_name":      r.GetString("payee_name"),
		"method":          r.GetString("method"),
		"deposit_fen":     r.GetInt("deposit_fen"),
		"deducted_fen":    r.GetInt("deducted_fen"),
		"deductions":      deductions,
		"amount_fen":      amount,
		"amount":          money.Yuan(amount),
		"amount_capitals": money.Capital(amount),
		"approver":        name("staff", r.GetString("director"), "name"),
		"issuer":          name("staff", r.GetString("paid_by"), "name"),
		"payer":           name("communities", r.GetString("community"), "name") + "物业服务中心",
	})
}
