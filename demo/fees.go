package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
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
	// Today's run of the arrears ladder: first notices for what is overdue,
	// for the area managers to deliver.
	if _, err := hooks.IssueReminders(l.app, clock.Now().In(workcal.Shanghai).Format(time.DateOnly)); err != nil {
		l.err = fmt.Errorf("demo reminders: %w", err)
	}
}
