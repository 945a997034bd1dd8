package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/serial"
	"wuye/lib/sla"
	"wuye/lib/workcal"
)

// HistoryMonths is how many whole months before the current one the demo's
// history covers; the current month's history runs to yesterday.
const HistoryMonths = 3

// historyUnits are the flats whose households the history is about: lived-in
// flats of buildings 1 and 2 from the third floor up, away from the units the
// demo's named residents and its walkthroughs use.
func (l *loader) historyUnits() []string {
	var keys []string
	for _, key := range sortedKeys(l.units) {
		u := l.units[key]
		if u.GetString("status") == "occupied" && u.GetString("type") == "residential" && u.GetInt("floor") >= 3 &&
			(strings.HasPrefix(key, "1-") || strings.HasPrefix(key, "2-")) && key != "1-301" {
			keys = append(keys, key)
		}
	}
	return keys
}

// history seeds the office's past so that the dashboard, its trends and the
// monthly report look like a working service center: three months (and this
// month up to yesterday) of complaints taken, answered within their
// deadlines but for a few, revisited and closed, and of repairs answered in
// minutes, reached on time, done, signed off and revisited — with the events
// of each step, as the flows write them. They are written in SQL, a month at
// a time in multi-row INSERTs of a hundred rows (the summary triggers of
// migration 0025 count them as the statistics would): hundreds of documents
// in a tenth of a second, where the flows would take most of a minute. The values
// vary by a fixed rule, so each load gives the same history.
func (l *loader) history() {
	if l.err != nil {
		return
	}
	units := l.historyUnits()
	desk, mgr, sup := l.account("staff", "frontdesk@example.com"), l.account("staff", "areamgr@example.com"), l.account("staff", "supervisor@example.com")
	techs := map[string]*core.Record{"tech1": l.account("staff", "tech1@example.com"), "tech2": l.account("staff", "tech2@example.com")}
	if l.err != nil || len(units) == 0 {
		if l.err == nil {
			l.err = fmt.Errorf("demo history: no units")
		}
		return
	}
	cal, err := hooks.Calendar(l.app)
	if err != nil {
		l.err = err
		return
	}
	policy := func(subject, urgency, target string) sla.Policy {
		for _, d := range sla.Defaults {
			if d.Subject == subject && d.Level == "" && (d.Urgency == "" || d.Urgency == urgency) && d.Target == target {
				return d.Policy()
			}
		}
		return sla.Policy{}
	}
	firstResponse, reply := policy("complaint", "", "first_response"), policy("complaint", "", "reply")
	orderReply := policy("work_order", "normal", "reply")
	items := map[string]*core.Record{}
	list, err := l.app.FindAllRecords("service_items")
	if err != nil {
		l.err = err
		return
	}
	for _, it := range list {
		items[it.GetString("code")] = it
	}

	local := clock.Now().In(workcal.Shanghai)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, workcal.Shanghai)
	start := time.Date(local.Year(), local.Month()-HistoryMonths, 1, 0, 0, 0, 0, workcal.Shanghai)
	stamp := func(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

	var complaints, orders, events [][]any
	event := func(col, id, action, from, to string, at time.Time, actor, unit, community string) {
		// Taken by phone or at the desk: nobody's account, so no resident
		// reads their events (as hooks.RecordEvent writes them).
		ev := []any{col, id, action, from, to, stamp(at), actor, unit, community, false, "", ""}
		if col == "complaints" {
			ev[10] = id
		} else {
			ev[11] = id
		}
		events = append(events, ev)
	}
	flush := func() {
		l.insertRows("complaints", complaintCols, complaints)
		l.insertRows("work_orders", orderCols, orders)
		l.insertRows("events", eventCols, events)
		complaints, orders, events = nil, nil, nil
	}
	k := 0   // the history's running number: what varies with it
	nth := 0 // the complaints' own
	for day := start; day.Before(today); day = day.AddDate(0, 0, 1) {
		if day.Month() != day.AddDate(0, 0, -1).Month() && day.After(start) {
			flush() // a month at a time
		}
		sday := serial.Day(day)
		// A complaint most days; one or two repairs a day. No complaint
		// in the last two days: a complaint filed now does not join a hot
		// cluster (same building and category within 24 hours) of history.
		nc, no := boolInt(day.YearDay()%3 != 0), 1+boolInt(day.YearDay()%2 == 0)
		if !day.Before(today.AddDate(0, 0, -1)) {
			nc = 0
		}
		firstC := 0
		if nc > 0 {
			if firstC, err = hooks.ReserveSerials(l.app, serial.Complaint, sday, nc); err != nil {
				l.err = err
				return
			}
		}
		firstO, err := hooks.ReserveSerials(l.app, serial.WorkOrder, sday, no)
		if err != nil {
			l.err = err
			return
		}
		for i := range nc {
			k++
			key := units[(k*7)%len(units)]
			u := l.units[key]
			c := historyComplaints[k%len(historyComplaints)]
			received := day.Add(time.Duration(9*60+(k*53)%540) * time.Minute)
			firstDue, replyDue := sla.Due(cal, received, firstResponse), sla.Due(cal, received, reply)
			first := received.Add(time.Duration(40+(k*17)%150) * time.Minute)
			replied := received.Add(time.Duration(20+(k*7)%24) * time.Hour)
			nth++
			late := nth%12 == 5 // about one in twelve answered after its deadline
			if late {
				replied = replyDue.Add(time.Duration(2+k%5) * time.Hour)
			} else if replied.After(replyDue) {
				replied = replyDue.Add(-time.Duration(1+k%3) * time.Hour)
			}
			revisited := replied.Add(time.Duration(24+(k*5)%30) * time.Hour)
			closed := revisited.Add(30 * time.Minute)
			satisfaction := []string{"satisfied", "satisfied", "satisfied", "basic", "satisfied", "satisfied", "basic", "satisfied", "satisfied", "satisfied", "satisfied", "unsatisfied"}[k%12]
			status, result := "closed", c.result
			switch {
			case replied.After(clock.Now()): // taken yesterday, being handled
				status, replied, revisited, closed, satisfaction, result, late = "processing", time.Time{}, time.Time{}, time.Time{}, "", "", false
			case revisited.After(clock.Now()): // answered, the revisit to come
				status, revisited, closed, satisfaction = "replied", time.Time{}, time.Time{}, ""
			case closed.After(clock.Now()) || k%4 == 0:
				status, closed = "revisited", time.Time{}
			}
			handler := mgr
			if c.category == "staff_attitude" || c.category == "engineering" {
				handler = sup
			}
			id := core.GenerateDefaultRandomId()
			s, _ := serial.Format(serial.Complaint, sday, firstC+i)
			name := surnames[(k*3)%len(surnames)] + givenNames[(k*5)%len(givenNames)]
			complaints = append(complaints, []any{
				id, s, u.GetString("community"), u.Id, u.GetString("building"), []string{"phone", "visit", "phone", "letter"}[k%4], c.category, "general",
				c.content, name, fmt.Sprintf("1390100%04d", k%10000), desk.Id, handler.Id, stamp(received), stamp(firstDue), stamp(replyDue),
				stamp(first), orEmpty(replied, stamp), late, result, satisfaction, orEmpty(revisited, stamp), orEmpty(closed, stamp), status,
				stamp(received), stamp(latest(received, first, replied, revisited, closed)),
			})
			event("complaints", id, "create", "", "received", received, desk.Id, u.Id, u.GetString("community"))
			event("complaints", id, "status", "received", "assigned", received.Add(10*time.Minute), desk.Id, u.Id, u.GetString("community"))
			event("complaints", id, "status", "assigned", "processing", first, handler.Id, u.Id, u.GetString("community"))
			if !replied.IsZero() {
				event("complaints", id, "status", "processing", "replied", replied, handler.Id, u.Id, u.GetString("community"))
			}
			if !revisited.IsZero() {
				event("complaints", id, "status", "replied", "revisited", revisited, desk.Id, u.Id, u.GetString("community"))
			}
			if !closed.IsZero() {
				event("complaints", id, "status", "revisited", "closed", closed, sup.Id, u.Id, u.GetString("community"))
			}
		}
		for i := range no {
			k++
			key := units[(k*11)%len(units)]
			u := l.units[key]
			o := historyOrders[k%len(historyOrders)]
			item := ""
			if o.category == "common_area" {
				it := items["GQ01"]
				if it == nil {
					l.err = fmt.Errorf("demo history: no service item GQ01")
					return
				}
				item = it.Id
			}
			tech := techs["tech1"]
			if !strings.Contains("electrical plumbing appliance", o.category) {
				tech = techs["tech2"]
			}
			received := day.Add(time.Duration(8*60+30+(k*47)%570) * time.Minute)
			replyDue := sla.Due(cal, received, orderReply)
			replied := received.Add(time.Duration(3+(k*5)%10) * time.Minute)
			if replied.After(replyDue) {
				replied = replyDue.Add(-2 * time.Minute)
			}
			if k%29 == 11 { // now and then the desk answers late
				replied = replyDue.Add(time.Duration(4+k%6) * time.Minute)
			}
			appointment := received.Add(time.Duration(60+(k*13)%150) * time.Minute)
			arrived, arrival := appointment.Add(-time.Duration(1+k%4)*time.Minute), "on_time"
			if k%23 == 7 { // one visit in about twenty-three late
				arrived, arrival = appointment.Add(time.Duration(8+k%10)*time.Minute), "late"
			}
			started := arrived.Add(5 * time.Minute)
			completed := started.Add(time.Duration(25+(k*11)%70) * time.Minute)
			signed := completed.Add(3 * time.Minute)
			revisited := signed.Add(time.Duration(20+(k*3)%28) * time.Hour)
			closed := revisited.Add(time.Hour)
			satisfaction := []string{"satisfied", "satisfied", "basic", "satisfied", "satisfied", "satisfied", "satisfied", "satisfied", "basic", "satisfied"}[k%10]
			method := []string{"phone", "phone", "phone", "home_visit"}[k%4]
			status := "closed"
			if revisited.After(clock.Now()) {
				status, revisited, closed, method = "signed_off", time.Time{}, time.Time{}, ""
			} else if k%5 == 0 {
				status, closed = "revisited", time.Time{}
			}
			unit, building, location := u.Id, "", ""
			if o.category == "common_area" {
				unit, building, location = "", u.GetString("building"), fmt.Sprintf("%s%d楼楼道", strings.Split(key, "-")[0]+"栋", 1+k%6)
			}
			id := core.GenerateDefaultRandomId()
			s, _ := serial.Format(serial.WorkOrder, sday, firstO+i)
			name := surnames[(k*7)%len(surnames)] + givenNames[(k*3)%len(givenNames)]
			orders = append(orders, []any{
				id, s, u.GetString("community"), unit, building, location, item, "routine", o.category, "normal",
				o.desc, name, fmt.Sprintf("1390200%04d", k%10000), desk.Id, "assign", tech.Id,
				stamp(received), stamp(replyDue), stamp(replied), k%29 == 11, stamp(appointment), stamp(appointment.Add(2 * time.Minute)),
				stamp(received.Add(20 * time.Minute)), stamp(arrived), arrival, stamp(started), stamp(completed),
				0, 0, "none", "", "", "confirmed", stamp(signed), satisfaction, method, orEmpty(revisited, stamp),
				orEmpty(closed, stamp), status, "[]", stamp(received), stamp(latest(received, signed, revisited, closed)),
			})
			comm := u.GetString("community")
			for _, st := range []struct {
				from, to string
				at       time.Time
				by       string
			}{
				{"", "new", received, desk.Id}, {"new", "dispatched", replied, desk.Id}, {"dispatched", "accepted", received.Add(20 * time.Minute), tech.Id},
				{"accepted", "on_site", arrived, tech.Id}, {"on_site", "in_progress", started, tech.Id}, {"in_progress", "completed", completed, tech.Id},
				{"completed", "signed_off", signed, tech.Id}, {"signed_off", "revisited", revisited, desk.Id}, {"revisited", "closed", closed, sup.Id},
			} {
				if st.at.IsZero() {
					break
				}
				action := "status"
				if st.from == "" {
					action = "create"
				}
				event("work_orders", id, action, st.from, st.to, st.at, st.by, unit, comm)
			}
		}
		if l.err != nil {
			return
		}
	}
	flush()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// latest is the last of times.
func latest(times ...time.Time) time.Time {
	var last time.Time
	for _, t := range times {
		if t.After(last) {
			last = t
		}
	}
	return last
}

func orEmpty(t time.Time, f func(time.Time) string) string {
	if t.IsZero() {
		return ""
	}
	return f(t)
}

var (
	complaintCols = []string{"id", "serial", "community", "unit", "building", "channel", "category", "level",
		"content", "contact_name", "contact_phone", "receiver", "handler", "received_at", "first_response_due", "reply_due",
		"first_responded_at", "replied_at", "reply_overdue", "result", "satisfaction", "revisited_at", "closed_at", "status",
		"created", "updated"}
	orderCols = []string{"id", "serial", "community", "unit", "building", "location", "service_item", "kind", "category", "urgency",
		"description", "contact_name", "contact_phone", "receiver", "dispatch_mode", "technician",
		"received_at", "reply_due", "replied_at", "reply_overdue", "appointment_at", "arrival_due",
		"accepted_at", "arrived_at", "arrival", "started_at", "completed_at",
		"quote_fen", "amount_fen", "payment", "pay_method", "paid_at", "signoff", "signed_off_at", "satisfaction", "revisit_method", "revisited_at",
		"closed_at", "status", "materials", "created", "updated"}
	eventCols = []string{"subject_collection", "subject_id", "action", "from", "to", "created", "actor_staff", "unit", "community", "public",
		"complaint", "work_order"}
)

// insertRows writes rows into table, a hundred to a statement.
func (l *loader) insertRows(table string, cols []string, rows [][]any) {
	for len(rows) > 0 && l.err == nil {
		n := min(len(rows), 100)
		params := dbx.Params{}
		values := make([]string, n)
		for i, row := range rows[:n] {
			names := make([]string, len(cols))
			for j, v := range row {
				name := fmt.Sprintf("p%d_%d", i, j)
				if b, ok := v.(bool); ok {
					v = 0
					if b {
						v = 1
					}
				}
				params[name] = v
				names[j] = "{:" + name + "}"
			}
			values[i] = "(" + strings.Join(names, ", ") + ")"
		}
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = "[[" + c + "]]"
		}
		_, err := l.app.DB().NewQuery("INSERT INTO {{" + table + "}} (" + strings.Join(quoted, ", ") + ") VALUES " + strings.Join(values, ", ")).
			Bind(params).Execute()
		if err != nil {
			l.err = fmt.Errorf("demo history %s: %w", table, err)
		}
		rows = rows[n:]
	}
}

// What the history's complaints were about, and what the office did.
var historyComplaints = []struct{ category, content, result string }{
	{"cleaning", "楼道垃圾清运不及时，有异味", "已安排保洁当天清运，并增加下午一次巡查"},
	{"security", "夜间有外来车辆停在消防通道", "秩序维护部已劝离车辆，加强夜间巡逻"},
	{"greening", "楼下绿化带杂草较多，蚊虫多", "已安排绿化组除草并喷洒药物"},
	{"engineering", "单元门禁刷卡失灵", "工程部已更换读卡器，门禁恢复正常"},
	{"mail", "快递被放在单元门口无人看管", "已与快递站点沟通，统一放到快递柜或前台"},
	{"cleaning", "电梯轿厢地面有污渍", "保洁已清洁并增加电梯每日擦洗次数"},
	{"security", "小区内有人遛狗不牵绳", "已在大门张贴文明养犬提示，秩序维护员巡查劝导"},
	{"engineering", "楼道感应灯不亮", "工程部已更换感应灯"},
	{"renovation", "邻居装修中午施工噪音大", "已上门提醒装修户遵守施工时间"},
	{"other", "希望增设电动车充电桩", "已记录需求，纳入明年改造计划并回复业主"},
	{"cleaning", "垃圾分类投放点周边脏乱", "已清理并调整清运时间"},
	{"staff_attitude", "前台电话接听时语气生硬", "已对当班人员进行服务规范培训并致歉"},
	{"greening", "树枝遮挡二楼窗户采光", "已安排修剪"},
}

// What the history's repairs were: routine repairs (常规维修) of the homes
// and the common areas, free of charge — a paid service's money is a bill
// and a receipt of its own (hooks/dispatch_payments.go), which the history
// does not write.
var historyOrders = []struct{ category, desc string }{
	{"electrical", "厨房日光灯不亮"}, {"plumbing", "卫生间水龙头滴水"}, {"electrical", "客厅插座松动"}, {"plumbing", "厨房下水道堵塞"},
	{"locksmith", "入户门锁不好开"}, {"common_area", "楼道灯不亮"}, {"appliance", "燃气热水器打不着火"}, {"electrical", "阳台灯不亮"},
	{"plumbing", "洗衣机龙头漏水"}, {"common_area", "单元门闭门器损坏"}, {"carpentry", "卧室门合页松动"}, {"plumbing", "马桶水箱一直流水"},
}
