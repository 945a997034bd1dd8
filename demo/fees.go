package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/paygate"
	"wuye/lib/serial"
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
	// In the units' order (building, then number), not their ids': the
	// same households pay, in part or not at all, on every load, so that
	// the demo's later steps find what they look for (a settled flat in
	// building 2 to sell, households.go) on every load, not by chance.
	var bills []*core.Record
	err := l.app.RecordQuery("bills").
		InnerJoin("units u", dbx.NewExp("u.id = bills.unit")).
		InnerJoin("buildings bd", dbx.NewExp("bd.id = u.building")).
		AndWhere(dbx.NewExp("bills.period = '2026-Q3' AND bills.fee_item != ''")).
		OrderBy("bd.code", "u.number", "bills.serial").All(&bills)
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
	l.fourthQuarterPaid(cashier)
	// The online day first: it pays a household's oldest open bill, which
	// must not be one of the bills the arrears replay takes up the ladder.
	l.onlineDay(community)
	l.serviceStatement(community)
	l.arrears()
	// Today's run of the arrears ladder: first notices for what is overdue,
	// for the area managers to deliver (待送达).
	if _, err := hooks.IssueReminders(l.app, clock.Now().In(workcal.Shanghai).Format(time.DateOnly)); err != nil {
		l.err = fmt.Errorf("demo reminders: %w", err)
	}
}

// arrears replays the ladder of three overdue third-quarter bills of
// 一片区 since they fell due on 07-10: one is escalated to the supervisor
// (the area manager's visit was refused), one waits for the area manager's
// visit, one waits for its second notice to be delivered. The other overdue
// bills' first notices were never delivered, so they stay at the first
// notice (待送达).
func (l *loader) arrears() {
	if l.err != nil {
		return
	}
	mgr := l.account("staff", "areamgr@example.com")
	if mgr == nil {
		l.err = fmt.Errorf("demo arrears: no area manager")
		return
	}
	// Not the named residents' units, which the tests use as they are.
	open, err := l.app.FindRecordsByFilter("bills", "period = '2026-Q3' && fee_item != '' && (status = 'issued' || status = 'partially_paid') && "+
		"unit.building.area.manager = {:m} && unit != {:u1} && unit != {:u2}", "unit", 3, 0,
		map[string]any{"m": mgr.Id, "u1": l.units["1-101"].Id, "u2": l.units["1-102"].Id})
	if err != nil || len(open) < 3 {
		l.err = fmt.Errorf("demo arrears: %d overdue bills of 一片区: %v", len(open), err)
		return
	}
	supervisorStep, visitStep, waiting := open[0], open[1], open[2]
	at := func(day string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", workcal.Shanghai)
		return t
	}
	run := func(day string) {
		if l.err == nil {
			_, l.err = hooks.IssueReminders(l.app, day)
		}
	}
	deliver := func(b *core.Record, stage, day string) {
		if l.err != nil {
			return
		}
		r, err := l.app.FindFirstRecordByFilter("reminders", "bill = {:b} && stage = {:s}", map[string]any{"b": b.Id, "s": stage})
		if err != nil {
			l.err = fmt.Errorf("demo arrears: notice %s of %s: %w", stage, b.GetString("serial"), err)
			return
		}
		l.err = hooks.DeliverReminder(l.app, r, mgr, at(day), "交业主本人")
	}
	run("2026-07-11")
	deliver(supervisorStep, "1", "2026-07-12")
	deliver(visitStep, "1", "2026-07-12")
	deliver(waiting, "1", "2026-07-14")
	run("2026-07-23")
	run("2026-07-25") // the third bill's second notice: not delivered since
	deliver(supervisorStep, "2", "2026-07-24")
	deliver(visitStep, "2", "2026-07-24")
	run("2026-08-04")
	deliver(supervisorStep, "3", "2026-08-05")
	deliver(visitStep, "3", "2026-08-05")
	run("2026-08-16") // both escalated: the area manager's visits
	if l.err != nil {
		l.err = fmt.Errorf("demo arrears: %w", l.err)
		return
	}
	v, err := l.app.FindFirstRecordByFilter("arrears_visits", "bill = {:b}", map[string]any{"b": supervisorStep.Id})
	if err != nil {
		l.err = fmt.Errorf("demo arrears: the area manager's visit: %w", err)
		return
	}
	if l.err = hooks.RecordVisitOutcome(l.app, v, mgr, at("2026-08-18"), "refused", "", "业主称楼道卫生差，拒缴物业费"); l.err != nil {
		return
	}
	run("2026-08-29") // ten days on, unpaid: the supervisor's visit
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

// fourthQuarterPaid has the households that paid the third quarter pay the
// fourth at the counter in October and November, as an office's cashier
// takes them in the quarter's first weeks (the fee is paid in advance:
// [000] 收费员 4.2.1): the dashboard's collection rate then reads like a
// working office's (about four in five by December), not 2%. The payments
// go through TakePayment, and are then dated on their days — their
// created, receipt number and events — in SQL (the triggers of migration
// 0027 move them to their month). The named residents' units keep their
// fourth-quarter bills open for the walkthroughs.
func (l *loader) fourthQuarterPaid(cashier *core.Record) {
	if l.err != nil {
		return
	}
	local := clock.Now().In(workcal.Shanghai)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, workcal.Shanghai)
	first := time.Date(2026, 10, 8, 0, 0, 0, 0, workcal.Shanghai)
	last := time.Date(2026, 11, 30, 0, 0, 0, 0, workcal.Shanghai)
	if yesterday := today.AddDate(0, 0, -1); yesterday.Before(last) {
		last = yesterday
	}
	if last.Before(first) {
		return // the demo runs before those days: nothing paid yet
	}
	span := int(last.Sub(first).Hours()/24) + 1
	var bills []struct {
		ID   string `db:"id"`
		Unit string `db:"unit"`
		Owed int    `db:"owed"`
	}
	err := l.app.DB().NewQuery(`SELECT b.id, b.unit, b.amount_fen - b.discount_fen + b.late_fee_fen - b.paid_fen AS owed FROM bills b
		WHERE b.period = '2026-Q4' AND b.fee_item != '' AND b.status = 'issued' AND b.unit NOT IN ({:u1}, {:u2}, {:u3})
			AND NOT EXISTS (SELECT 1 FROM bills q WHERE q.unit = b.unit AND q.period = '2026-Q3' AND q.fee_item != '' AND q.status = 'issued')
		ORDER BY b.unit, b.serial`).
		Bind(dbx.Params{"u1": l.units["1-101"].Id, "u2": l.units["1-102"].Id, "u3": l.units["1-103"].Id}).All(&bills)
	if err != nil {
		l.err = fmt.Errorf("demo fourth quarter: %w", err)
		return
	}
	col, err := l.app.FindCachedCollectionByNameOrId("payments")
	if err != nil {
		l.err = err
		return
	}
	methods := []string{"wechat", "alipay", "cash", "wechat", "card", "transfer"}
	todayKey := serial.Day(clock.Now())
	for i, b := range bills {
		if b.Owed <= 0 {
			continue
		}
		var before int64
		if l.err = l.app.DB().NewQuery("SELECT COALESCE(MAX(rowid), 0) FROM events").Row(&before); l.err != nil {
			return
		}
		p := core.NewRecord(col)
		p.Set("unit", b.Unit)
		p.Set("amount_fen", b.Owed)
		p.Set("method", methods[i%len(methods)])
		p.Set("bills", []string{b.ID})
		if l.err = hooks.TakePayment(l.app, p, cashier); l.err != nil {
			l.err = fmt.Errorf("demo fourth-quarter payment: %w", l.err)
			return
		}
		// Mostly in the first three weeks, the rest later.
		day := first.AddDate(0, 0, (i*i*7+i*3)%span)
		if i%3 != 0 {
			day = first.AddDate(0, 0, (i*5)%min(span, 21))
		}
		at := day.Add(time.Duration(9*60+(i*37)%480) * time.Minute)
		n, err := hooks.ReserveSerials(l.app, serial.Receipt, serial.Day(at), 1)
		if err != nil {
			l.err = err
			return
		}
		number, _ := serial.Format(serial.Receipt, serial.Day(at), n)
		stamp := at.UTC().Format(types.DefaultDateLayout)
		params := dbx.Params{"id": p.Id, "at": stamp, "old": p.GetString("serial"), "new": number, "before": before}
		for _, q := range []string{
			"UPDATE payments SET created = {:at}, updated = {:at}, serial = {:new} WHERE id = {:id}",
			"UPDATE events SET created = {:at}, note = REPLACE(note, {:old}, {:new}) WHERE rowid > {:before}",
		} {
			if _, l.err = l.app.DB().NewQuery(q).Bind(params).Execute(); l.err != nil {
				return
			}
		}
		// Today's receipt numbers stay gap-free: the one this payment took
		// back to the counter.
		if _, l.err = l.app.DB().NewQuery("UPDATE _wuye_serials SET last = last - 1 WHERE prefix = {:p} AND day = {:d}").
			Bind(dbx.Params{"p": serial.Receipt, "d": todayKey}).Execute(); l.err != nil {
			return
		}
	}
}
