package demo

import (
	"fmt"
	"time"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// vacancy fills the key cabinet, plans this week's and month's patrols of
// the vacant units and records a few of them, and leaves one key out.
func (l *loader) vacancy() {
	if l.err != nil {
		return
	}
	community := l.units["1-101"].GetString("community")
	for _, key := range sortedKeys(l.units) {
		u := l.units[key]
		if u.GetString("community") != community || (u.GetString("status") != "vacant" && u.GetString("status") != "handed_over") {
			continue
		}
		l.save("keys", map[string]any{"community": community, "label": key + " 入户门", "kind": "vacant_unit",
			"unit": u.Id, "building": u.GetString("building"), "floor": u.GetInt("floor"), "slot": "A-" + u.GetString("number"), "status": "in"})
	}
	l.save("keys", map[string]any{"community": community, "label": "1栋 配电房", "kind": "equipment_room",
		"building": l.units["1-101"].GetString("building"), "slot": "E-01", "status": "in"})
	l.save("keys", map[string]any{"community": community, "label": "1-104 业主委托", "kind": "owner_entrusted",
		"unit": l.units["1-104"].Id, "slot": "B-03", "status": "in"})
	if l.err != nil {
		return
	}
	// Last week's round was not finished: its gaps are flagged as missed.
	today := clock.Now().In(workcal.Shanghai)
	if _, l.err = hooks.PlanPatrols(l.app, today.AddDate(0, 0, -7).Format(time.DateOnly)); l.err != nil {
		return
	}
	if _, l.err = hooks.FlagMissedPatrols(l.app, today.Format(time.DateOnly)); l.err != nil {
		return
	}
	if _, l.err = hooks.PlanPatrols(l.app, today.Format(time.DateOnly)); l.err != nil {
		return
	}
	// The area manager has been round part of area 1 this week.
	mgr := l.account("staff", "areamgr@example.com")
	done := 0
	for _, key := range sortedKeys(l.units) {
		u := l.units[key]
		if done == 3 || u.GetString("status") != "vacant" || key[0] != '1' {
			continue
		}
		p := l.newRecord("vacancy_patrols")
		if p == nil || mgr == nil {
			return
		}
		for k, v := range map[string]any{"unit": u.Id, "kind": "weekly", "hygiene": true, "security": true, "doors_windows": true,
			"no_leaks": true, "structure": true, "fittings": true} {
			p.Set(k, v)
		}
		if done == 0 {
			p.Set("no_leaks", false)
			p.Set("finding", "厨房水管接头渗水，地面有积水")
			p.Set("finding_category", "plumbing")
		}
		if l.err = hooks.RecordPatrol(l.app, p, mgr); l.err != nil {
			l.err = fmt.Errorf("demo patrol of %s: %w", key, l.err)
			return
		}
		done++
	}
	// A prospective buyer has one key out, past its same-day return.
	key, err := l.app.FindFirstRecordByData("keys", "label", "1-203 入户门")
	if err != nil {
		return // 1-203 is not vacant in this data
	}
	loan := l.newRecord("key_loans")
	for k, v := range map[string]any{"key": key.Id, "borrower_name": "看房客户 周先生", "borrower_id_no": "500101198505051234",
		"borrower_phone": "13500000001", "deposit_fen": 10000, "purpose": "看房"} {
		loan.Set(k, v)
	}
	if l.err = hooks.LendKey(l.app, loan, l.account("staff", "frontdesk@example.com")); l.err != nil {
		return
	}
	_, l.err = hooks.FlagOverdueLoans(l.app, clock.Now().Add(48*time.Hour))
}
