package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// meterWalk gives building 2 a month of water readings for the meter walk
// (#/meters): the ends of the two months before this one for every flat,
// and this month's walk half done (floors 1–3 read today), with one meter
// replaced in between (2-102: the old meter ended at 8 m³ more, the new
// one started at 0). Readings go through the API's checks (TakeReading).
func (l *loader) meterWalk() {
	if l.err != nil {
		return
	}
	mgr := l.account("staff", "areamgr@example.com")
	if l.err != nil {
		return
	}
	now := clock.Now().In(workcal.Shanghai)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	end1, end2 := first.AddDate(0, 0, -1).Format(time.DateOnly), first.AddDate(0, -1, -1).Format(time.DateOnly)
	today := now.Format(time.DateOnly)
	for floor := 1; floor <= 6; floor++ {
		for n := 1; n <= 4; n++ {
			key := fmt.Sprintf("2-%d%02d", floor, n)
			u := l.units[key]
			if u == nil || key == "2-101" {
				continue // 2-101 is left unread: its meter is the tests'
			}
			base := float64(40 + floor*10 + n*3)
			used := float64(8 + (floor+n)%6)
			readings := []struct {
				on    string
				value float64
			}{{end2, base}, {end1, base + used}}
			if key == "2-102" {
				// Replaced a week into last month: old meter ended at base+3.
				readings[1].value = 9
			}
			if floor <= 3 && today > end1 {
				readings = append(readings, struct {
					on    string
					value float64
				}{today, readings[1].value + float64(n)})
			}
			for i, r := range readings {
				if key == "2-102" && i == 1 {
					rep := l.newRecord("meter_replacements")
					if rep == nil {
						return
					}
					rep.Load(map[string]any{"unit": u.Id, "meter": "water", "old_final_reading": base + 3, "new_start_reading": 0,
						"replaced_on": first.AddDate(0, -1, 6).Format(time.DateOnly), "reason": "水表走字不准，更换新表", "new_meter_no": "SB-2026-0102"})
					if l.err = hooks.RecordMeterReplacement(l.app, rep, mgr); l.err != nil {
						l.err = fmt.Errorf("demo meter replacement: %w", l.err)
						return
					}
				}
				rd := l.newRecord("meter_readings")
				if rd == nil {
					return
				}
				rd.Load(map[string]any{"unit": u.Id, "meter": "water", "reading": r.value, "read_on": r.on})
				if l.err = hooks.TakeReading(l.app, rd, mgr); l.err != nil {
					l.err = fmt.Errorf("demo reading of %s on %s: %w", key, r.on, l.err)
					return
				}
			}
		}
	}
}

// moveOut has one household of building 2 moving out, in progress: asked
// at the desk for three days ahead, its final readings taken on the walk
// and the final bill issued, but the quarter's bill still unpaid and the
// entrusted key still out — the detail page's checklist shows both.
func (l *loader) moveOut() {
	if l.err != nil {
		return
	}
	desk := l.account("staff", "frontdesk@example.com")
	cashier := l.account("staff", "cashier@example.com")
	if l.err != nil {
		return
	}
	var key string
	for _, k := range []string{"2-201", "2-202", "2-203", "2-204", "2-301", "2-302", "2-303", "2-304"} {
		if u := l.units[k]; u != nil && u.GetString("status") == "occupied" && l.ownerOf(k) != nil {
			key = k
			break
		}
	}
	if key == "" {
		l.err = fmt.Errorf("demo move-out: no occupied flat on floors 2–3 of building 2")
		return
	}
	u := l.units[key]
	m := l.newRecord("move_outs")
	if m == nil {
		return
	}
	m.Load(map[string]any{"unit": u.Id, "resident": l.ownerOf(key).Id, "move_out_on": clock.Now().In(workcal.Shanghai).AddDate(0, 0, 3).Format(time.DateOnly),
		"note": "业主出售房屋，已签买卖合同；搬家公司 3 天后上午 9 点到"})
	if l.err = hooks.RequestMoveOut(l.app, m, desk); l.err != nil {
		l.err = fmt.Errorf("demo move-out: %w", l.err)
		return
	}
	k := l.newRecord("keys")
	if k == nil {
		return
	}
	k.Load(map[string]any{"community": u.GetString("community"), "label": key + " 委托钥匙", "kind": "owner_entrusted", "unit": u.Id, "status": "out"})
	if l.err = l.app.Save(k); l.err != nil {
		return
	}
	if _, l.err = hooks.IssueFinalBill(l.app, m.Id, cashier); l.err != nil {
		l.err = fmt.Errorf("demo final bill: %w", l.err)
	}
}

var _ = core.NewRecord
