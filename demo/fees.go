package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/paygate"
	"wuye/lib/workcal"
)

// fees prices the demo community, bills the third and fourth quarters of
// 2026 through the real billing run, and takes payments so that the third
// quarter shows paid, partly paid and overdue units.
func (l *loader) fees() {
	if l.err != nil {
		return
	}
	community := l.units["1-101"].GetString("community")
	for _, f := range []map[string]any{
		{"code": "WY", "name": "物业管理费", "kind": "management", "basis": "per_m2_month", "price_fen": 235, "unit_types": []string{"residential", "shop", "office"}},
		{"code": "CW", "name": "车位管理费", "kind": "parking", "basis": "per_unit_month", "price_fen": 30000, "unit_types": []string{"parking"}},
		{"code": "SF", "name": "水费", "kind": "water", "basis": "metered", "meter": "water", "price_fen": 500, "unit_types": []string{"residential"}},
	} {
		f["community"], f["cycle"], f["active"], f["late_fee_rate"] = community, "quarterly", true, 0.0005
		l.save("fee_items", f)
	}
	for i, key := range []string{"1-101", "1-102", "1-103"} {
		for _, r := range []struct {
			on    string
			value float64
		}{{"2026-06-30", 100}, {"2026-09-30", 112.5 + float64(i)}, {"2026-12-31", 125 + float64(2*i)}} {
			l.save("meter_readings", map[string]any{"unit": l.units[key].Id, "meter": "water", "reading": r.value, "read_on": r.on})
		}
	}
	for _, period := range []string{"2026-Q3", "2026-Q4"} {
		run := l.save("billing_runs", map[string]any{"community": community, "period": period, "status": "running"})
		if l.err != nil {
			return
		}
		if l.err = hooks.RunBilling(l.app, run.Id); l.err != nil {
			return
		}
	}
	// Third quarter: most households paid, some in part, the rest are late.
	cashier := l.account("staff", "cashier@example.com")
	bills, err := l.app.FindRecordsByFilter("bills", "period = '2026-Q3' && fee_item != ''", "unit", 0, 0)
	if err != nil || cashier == nil {
		l.err = fmt.Errorf("demo bills: %v", err)
		return
	}
	methods := []string{"wechat", "alipay", "cash", "card", "transfer"}
	for i, b := range bills {
		amount := b.GetInt("amount_fen")
		switch i % 5 {
		case 3: // partly paid
			amount /= 2
		case 4: // overdue
			continue
		}
		col, _ := l.app.FindCachedCollectionByNameOrId("payments")
		p := core.NewRecord(col)
		p.Set("unit", b.GetString("unit"))
		p.Set("amount_fen", amount)
		p.Set("method", methods[i%len(methods)])
		p.Set("bills", []string{b.Id})
		if l.err = hooks.TakePayment(l.app, p, cashier); l.err != nil {
			l.err = fmt.Errorf("demo payment for %s: %w", b.GetString("serial"), l.err)
			return
		}
	}
	l.onlineDay(community)
	l.serviceStatement(community)
	// Today's run of the arrears ladder: first notices for what is overdue,
	// for the area managers to deliver.
	if _, err := hooks.IssueReminders(l.app, clock.Now().In(workcal.Shanghai).Format(time.DateOnly)); err != nil {
		l.err = fmt.Errorf("demo reminders: %w", err)
	}
}

// onlineDay pays a household's open bills online through the sandbox and
// reconciles the day with the sandbox's statement, on which the provider
// also lists an order Wuye never settled: one mismatch to look into.
func (l *loader) onlineDay(community string) {
	if l.err != nil {
		return
	}
	unit, owner := l.units["1-103"], l.ownerOf("1-103")
	bills, err := l.app.FindRecordsByFilter("bills", "unit = {:u} && (status = 'issued' || status = 'partially_paid')", "due_on", 1, 0,
		dbx.Params{"u": unit.Id})
	if err != nil || len(bills) == 0 {
		return // nothing owed: no online payment to show
	}
	trade := "OP" + clock.Now().Format("20060102") + "DEMO0001"
	fields := map[string]any{"trade_no": trade, "community": community, "unit": unit.Id, "bills": []string{bills[0].Id},
		"amount_fen": bills[0].GetInt("amount_fen") - bills[0].GetInt("paid_fen"), "provider": "wechat", "status": "pending"}
	if owner != nil {
		fields["resident"] = owner.Id
	}
	l.save("online_orders", fields)
	if l.err != nil {
		return
	}
	if l.err = hooks.PaySandboxOrder(l.app, trade); l.err != nil {
		return
	}
	day := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	statement, err := hooks.Providers["wechat"].(paygate.Statementer).Statement(day)
	if err != nil {
		l.err = err
		return
	}
	statement = append(statement, paygate.StatementLine{TradeNo: "OP" + clock.Now().Format("20060102") + "UNKNOWN1", ProviderTxnID: "SANDBOX000000000001", AmountFen: 8800})
	_, l.err = hooks.ReconcileOnline(l.app, community, "wechat", day, statement, l.account("staff", "cashier@example.com"))
}

// serviceStatement draws up the month's 特约服务收费明细 once the unpaid
// orders are on their statements, signed by the cashier for the supervisor
// to confirm ([003] 篇2 4.9(4)).
func (l *loader) serviceStatement(community string) {
	if l.err != nil {
		return
	}
	// The month's 特约服务收费明细, drawn up and signed by the cashier for
	// the supervisor to confirm ([003] 篇2 4.9(4)).
	cashier := l.account("staff", "cashier@example.com")
	st := l.newRecord("service_statements")
	if st == nil {
		return
	}
	st.Set("community", community)
	st.Set("month", clock.Now().In(workcal.Shanghai).Format("2006-01"))
	st.Set("status", "draft")
	st.Set("drawn_by", cashier.Id)
	if l.err = hooks.FillServiceStatement(l.app, st); l.err != nil {
		return
	}
	if l.err = l.app.Save(st); l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceServiceStatement(l.app, st.Id, cashier, "cashier_signed", map[string]any{"note": "已与派工单核对；两单已入账单待缴"}); l.err != nil {
		return
	}
}
