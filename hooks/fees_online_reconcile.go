package hooks

import (
	"encoding/json"
	"fmt"
	"slices"
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
	// Each night the day before is checked against every provider's own
	// statement, so a difference reaches the cashier the next morning
	// without anyone having to remember to run it.
	addJob(app, "wuye_online_reconcile", "30 2 * * *", jobStep{"reconcile yesterday's online takings", daily(ReconcileDayBefore)})
}

// ReconcileDayBefore checks, for every community and every provider that
// gives a statement, the online takings of the office day before day
// against the provider's statement, as the nightly job does. A community
// and provider whose day this job checked already is left alone, so a rerun
// adds nothing. A cashier's check does not count: it may rest on a
// statement the cashier uploaded, and the provider's own statement is the
// one that must be read each day (a matching upload must not stand in for
// it). It reports how many checks it
// stored; a check with mismatches tells the cashiers, supervisors and
// director (afterReconciliation).
func ReconcileDayBefore(app core.App, day string) (int, error) {
	d := civil(day)
	if d.IsZero() {
		return 0, fmt.Errorf("reconcile: bad day %q", day)
	}
	yesterday := d.AddDate(0, 0, -1).Format(time.DateOnly)
	var communities []string
	if err := app.DB().NewQuery(`SELECT id FROM communities ORDER BY id`).Column(&communities); err != nil {
		return 0, err
	}
	names := make([]string, 0, len(Providers))
	for name, p := range Providers {
		if _, ok := p.(paygate.Statementer); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	stored := 0
	for _, c := range communities {
		for _, p := range names {
			done, err := exists(app, "online_reconciliations", dbx.HashExp{"community": c, "provider": p, "day": yesterday, "checked_by": ""}, "")
			if err != nil {
				return stored, err
			}
			if done {
				continue
			}
			saved, err := reconcileOnce(app, c, p, yesterday)
			if err != nil {
				return stored, fmt.Errorf("reconcile %s %s %s: %w", c, p, yesterday, err)
			}
			if saved {
				stored++
			}
		}
	}
	return stored, nil
}

// reconcileOnce stores the check of community's day with provider unless
// one is stored meanwhile (looked at again inside the write transaction),
// and reports whether it stored it.
func reconcileOnce(app core.App, community, provider, day string) (bool, error) {
	col, err := app.FindCachedCollectionByNameOrId("online_reconciliations")
	if err != nil {
		return false, err
	}
	r := core.NewRecord(col)
	r.Set("community", community)
	r.Set("provider", provider)
	r.Set("day", day)
	if err := fillReconciliation(app, r, nil); err != nil {
		return false, err
	}
	saved := false
	err = app.RunInTransaction(func(tx core.App) error {
		if done, err := exists(tx, "online_reconciliations", dbx.HashExp{"community": community, "provider": provider, "day": day, "checked_by": ""}, ""); err != nil || done {
			return err
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		saved = true
		return afterReconciliation(tx, r, nil)
	})
	return saved && err == nil, err
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
	params := dbx.Params{"c": r.GetString("community"), "p": provider.Name(), "from": from, "to": to}
	const settled = `FROM online_orders WHERE community = {:c} AND provider = {:p} AND status = 'paid' AND paid_at >= {:from} AND paid_at < {:to}`
	ours := []paygate.StatementLine{}
	var rows []struct {
		TradeNo   string `db:"trade_no"`
		TxnID     string `db:"provider_txn_id"`
		AmountFen int64  `db:"amount_fen"`
	}
	if err := app.DB().NewQuery(`SELECT trade_no, provider_txn_id, amount_fen ` + settled + ` ORDER BY trade_no`).Bind(params).All(&rows); err != nil {
		return err
	}
	for _, o := range rows {
		ours = append(ours, paygate.StatementLine{TradeNo: o.TradeNo, ProviderTxnID: o.TxnID, AmountFen: o.AmountFen})
	}
	// A provider's statement covers the merchant account, every community:
	// lines of another community's orders are not this community's.
	raw, _ := json.Marshal(theirs)
	params["s"] = string(raw)
	var elsewhere []string
	if err := app.DB().NewQuery(`SELECT DISTINCT trade_no FROM online_orders WHERE community != {:c}
		AND trade_no IN (SELECT json_extract(value, '$.trade_no') FROM json_each({:s}))`).Bind(params).Column(&elsewhere); err != nil {
		return err
	}
	mine := slices.DeleteFunc(theirs, func(l paygate.StatementLine) bool { return slices.Contains(elsewhere, l.TradeNo) })
	raw, _ = json.Marshal(mine)
	params["s"] = string(raw)
	var sums struct {
		OursFen   int64 `db:"ours_fen"`
		TheirsFen int64 `db:"theirs_fen"`
	}
	if err := app.DB().NewQuery(`SELECT (SELECT ` + fenTotal("amount_fen") + ` ` + settled + `) AS ours_fen,
		(SELECT ` + fenTotal("json_extract(value, '$.amount_fen')") + ` FROM json_each({:s})) AS theirs_fen`).Bind(params).One(&sums); err != nil {
		return err
	}
	oursFen, theirsFen := sums.OursFen, sums.TheirsFen
	if mine == nil {
		mine = []paygate.StatementLine{}
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
// tells the community's cashiers (who look into them), supervisors and
// director.
func afterReconciliation(tx core.App, r, actor *core.Record) error {
	note := fmt.Sprintf("%s %s 订单 %d 笔 %s，对账单 %d 笔 %s，差异 %d 笔", r.GetString("day"), r.GetString("provider"),
		r.GetInt("orders"), money.Yuan(int64(r.GetInt("orders_fen"))), r.GetInt("statement_lines"),
		money.Yuan(int64(r.GetInt("statement_fen"))), r.GetInt("mismatches"))
	if err := RecordEvent(tx, Event{Subject: r, Action: "create", To: r.GetString("status"), Actor: actor, Note: note}); err != nil {
		return err
	}
	if r.GetString("status") == "mismatched" {
		return notifyRoles(tx, r, "online_reconciliation_mismatch", "线上收款对账有差异："+note, RoleCashier, RoleSupervisor, RoleDirector)
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
