package hooks

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"wuye/lib/money"
	"wuye/lib/paygate"
)

// Online takings never pass the counter, so the daily close of the money
// ([000] 收费员 4.2.1.7) is, for them, a check against the provider's own
// statement (对账单): the day's orders Wuye settled with a provider against
// the provider's statement of the day, with what is missing on either side
// and what differs in amount (office practice). The cashier records one by
// creating an online_reconciliations record {community, provider, day} —
// with the statement uploaded as `statement` ([{trade_no, provider_txn_id,
// amount_fen}]), or fetched from the provider when it can give one (the
// sandbox gives its book) — and Wuye fills in the rest. Each check is kept.

func registerOnlineReconciliations(app core.App) {
	app.OnRecordCreateRequest("online_reconciliations").BindFunc(func(e *core.RecordRequestEvent) error {
		r := e.Record
		if err := fillReconciliation(e.App, r, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error { return afterReconciliation(tx, r, e.Auth) })
	})
	app.OnRecordDelete("online_reconciliations").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_payment_final")})
	})
}

// ReconcileOnline checks community's online takings with provider on day
// against statement (nil: the provider's own) as actor, and stores the check.
func ReconcileOnline(app core.App, community, provider, day string, statement []paygate.StatementLine, actor *core.Record) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId("online_reconciliations")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Set("community", community)
	r.Set("provider", provider)
	r.Set("day", day)
	if statement != nil {
		r.Set("statement", statement)
	}
	if err := fillReconciliation(app, r, actor); err != nil {
		return nil, err
	}
	return r, app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(r); err != nil {
			return err
		}
		return afterReconciliation(tx, r, actor)
	})
}

// fillReconciliation reads the statement (uploaded or fetched), the day's
// settled orders, and sets the counts, totals and mismatches of check r.
func fillReconciliation(app core.App, r, actor *core.Record) error {
	for _, f := range []string{"status", "orders", "orders_fen", "statement_lines", "statement_fen", "mismatches", "lines", "checked_by"} {
		r.Set(f, nil)
	}
	r.Set("checked_by", actorID(actor))
	day := r.GetString("day")
	if !isCivilDate(day) {
		return badRequest(validation.Errors{"day": codedError("wuye_date_invalid")})
	}
	if day > today() {
		return badRequest(validation.Errors{"day": codedError("wuye_day_to_come")})
	}
	provider, ok := Providers[r.GetString("provider")]
	if !ok {
		return badRequest(validation.Errors{"provider": codedError("validation_invalid_value")})
	}
	var theirs []paygate.StatementLine
	if raw := strings.TrimSpace(fmt.Sprint(r.Get("statement"))); raw != "" && raw != "null" && raw != "<nil>" {
		if err := json.Unmarshal([]byte(raw), &theirs); err != nil {
			return badRequest(validation.Errors{"statement": codedError("validation_invalid_value")})
		}
		for i, l := range theirs {
			if strings.TrimSpace(l.TradeNo) == "" || len(l.TradeNo) > 64 || len(l.ProviderTxnID) > 64 || l.AmountFen <= 0 || l.AmountFen > MaxFen {
				return badRequest(validation.Errors{"statement": codedError("wuye_statement_line_invalid", i+1)})
			}
		}
	} else if s, ok := provider.(paygate.Statementer); ok {
		var err error
		if theirs, err = s.Statement(day); err != nil {
			return badRequest(validation.Errors{"statement": codedError("wuye_no_statement")})
		}
	} else {
		return badRequest(validation.Errors{"statement": codedError("wuye_no_statement")})
	}
	from, to, err := dayBounds(day)
	if err != nil {
		return badRequest(validation.Errors{"day": codedError("wuye_date_invalid")})
	}
	var rows []struct {
		TradeNo   string `db:"trade_no"`
		TxnID     string `db:"provider_txn_id"`
		AmountFen int64  `db:"amount_fen"`
	}
	if err := app.DB().NewQuery(`SELECT trade_no, provider_txn_id, amount_fen
		FROM online_orders WHERE community = {:c} AND provider = {:p} AND status = 'paid' AND paid_at >= {:from} AND paid_at < {:to}
		ORDER BY trade_no`).Bind(dbx.Params{"c": r.GetString("community"), "p": provider.Name(), "from": from, "to": to}).All(&rows); err != nil {
		return err
	}
	ours := []paygate.StatementLine{}
	for _, o := range rows {
		ours = append(ours, paygate.StatementLine{TradeNo: o.TradeNo, ProviderTxnID: o.TxnID, AmountFen: o.AmountFen})
	}
	// A provider's statement covers the merchant account, every community:
	// lines of another community's orders are not this community's.
	var others []string
	if err := app.DB().NewQuery(`SELECT trade_no FROM online_orders WHERE community != {:c}`).
		Bind(dbx.Params{"c": r.GetString("community")}).Column(&others); err != nil {
		return err
	}
	elsewhere := map[string]bool{}
	for _, t := range others {
		elsewhere[t] = true
	}
	mine := []paygate.StatementLine{}
	var theirsFen, oursFen int64
	for _, l := range theirs {
		if !elsewhere[l.TradeNo] {
			mine = append(mine, l)
			theirsFen = addFen(theirsFen, l.AmountFen)
		}
	}
	for _, l := range ours {
		oursFen = addFen(oursFen, l.AmountFen)
	}
	mismatches := paygate.Reconcile(ours, mine)
	r.Set("statement", mine)
	r.Set("orders", len(ours))
	r.Set("orders_fen", oursFen)
	r.Set("statement_lines", len(mine))
	r.Set("statement_fen", theirsFen)
	r.Set("mismatches", len(mismatches))
	r.Set("lines", mismatches)
	if len(mismatches) == 0 {
		r.Set("status", "matched")
	} else {
		r.Set("status", "mismatched")
	}
	return nil
}

// afterReconciliation records the check and, when it found mismatches,
// tells the supervisors and the director.
func afterReconciliation(tx core.App, r, actor *core.Record) error {
	note := fmt.Sprintf("%s %s 订单 %d 笔 %s，对账单 %d 笔 %s，差异 %d 笔", r.GetString("day"), r.GetString("provider"),
		r.GetInt("orders"), money.Yuan(int64(r.GetInt("orders_fen"))), r.GetInt("statement_lines"),
		money.Yuan(int64(r.GetInt("statement_fen"))), r.GetInt("mismatches"))
	if err := RecordEvent(tx, Event{Subject: r, Action: "create", To: r.GetString("status"), Actor: actor, Note: note}); err != nil {
		return err
	}
	if r.GetString("status") == "mismatched" {
		return notifyManagers(tx, r, "online_reconciliation_mismatch", "线上收款对账有差异："+note)
	}
	return nil
}

// PaySandboxOrder settles a pending online order through the sandbox
// provider, as the demo's checkout does: the notification is signed,
// entered in the sandbox's book (its statement) and settled.
func PaySandboxOrder(app core.App, tradeNo string) error {
	o, err := app.FindFirstRecordByData("online_orders", "trade_no", tradeNo)
	if err != nil {
		return err
	}
	sandbox, ok := Providers[o.GetString("provider")].(paygate.Sandbox)
	if !ok {
		return fmt.Errorf("%s is not a sandbox provider", o.GetString("provider"))
	}
	n := paygate.Notification{TradeNo: tradeNo, AmountFen: int64(o.GetInt("amount_fen")),
		ProviderTxnID: "SANDBOX" + security.RandomStringWithAlphabet(12, "0123456789"), PaidAt: now().Format(time.RFC3339)}
	signed, sig := sandbox.Sign(n)
	if n, err = sandbox.Verify(signed, sig); err != nil {
		return err
	}
	return settleOnlineOrder(app, n)
}
