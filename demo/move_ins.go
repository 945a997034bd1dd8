package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// MoveInBuilding is the demo's new building, mid-move-in (入伙; docs/DESIGN.md,
// "Move-in (入伙)"): 5栋, three floors of four flats, every flat sold, its
// owners notified in one batch and booked at twenty-minute intervals from
// 09:00 today, each household at another step of the flow.
const MoveInBuilding = "5"

// moveInSteps are where each flat of 5栋 stands (the rest are notified).
var moveInSteps = map[string]string{
	"5-102": "documents_checked",
	"5-103": "inspected",
	"5-104": "defects_open",
	"5-201": "ready",
	"5-202": "keys_handed",
	"5-203": "completed",
	"5-204": "cancelled",
}

// MoveInOwner is the demo owner of flat n of 5栋 (101 … 304).
func MoveInOwner(number string) string { return "rh" + number + "@example.com" }

func (l *loader) moveIns() {
	if l.err != nil {
		return
	}
	c := l.units["1-101"]
	area, err := l.app.FindFirstRecordByData("areas", "name", "二片区")
	if err != nil {
		l.err = err
		return
	}
	b := l.save("buildings", map[string]any{"community": c.GetString("community"), "area": area.Id, "code": MoveInBuilding,
		"name": "5栋（新交付）", "floors": 3})
	if l.err != nil {
		return
	}
	// The notice went out a fortnight ago; the owners bought in the spring.
	local := clock.Now().In(workcal.Shanghai)
	noticeDate := local.AddDate(0, 0, -14).Format(time.DateOnly)
	for floor := 1; floor <= 3; floor++ {
		for n := 1; n <= 4; n++ {
			number := fmt.Sprintf("%d%02d", floor, n)
			u := l.save("units", map[string]any{"building": b.Id, "number": number, "floor": floor, "type": "residential",
				"area_m2": flatArea(n), "status": "vacant"})
			if u == nil {
				return
			}
			key := MoveInBuilding + "-" + number
			l.units[key] = u
			i := (floor-1)*4 + n
			owner := l.save("residents", map[string]any{"email": MoveInOwner(number),
				"name": surnames[(i+7)%len(surnames)] + givenNames[(i+3)%len(givenNames)], "phone": fmt.Sprintf("1365500%04d", i)})
			l.link(key, owner, "owner", "2026-04-01", "")
		}
	}
	if l.err != nil {
		return
	}
	desk := l.account("staff", "frontdesk@example.com")
	first := time.Date(local.Year(), local.Month(), local.Day(), 9, 0, 0, 0, workcal.Shanghai)
	if _, err := hooks.BatchMoveIns(l.app, hooks.MoveInBatch{Building: b.Id, NoticeDate: noticeDate,
		AppointmentStart: first.Format("2006-01-02 15:04"), SlotMinutes: 20}, desk); err != nil {
		l.err = fmt.Errorf("demo move-in notices: %w", err)
		return
	}
	for _, key := range sortedKeys(l.units) {
		if to, ok := moveInSteps[key]; ok {
			l.moveIn(key, to)
		}
	}
}

// moveIn takes the move-in of unit key through the flow as the desk,
// engineering and the technicians would, up to status to.
func (l *loader) moveIn(key, to string) {
	if l.err != nil {
		return
	}
	m, err := l.app.FindFirstRecordByData("move_ins", "unit", l.units[key].Id)
	if err != nil {
		l.err = fmt.Errorf("demo move-in of %s: %w", key, err)
		return
	}
	desk := l.account("staff", "frontdesk@example.com")
	engineer := l.account("staff", "engineer@example.com")
	step := func(actor *core.Record, status string, fields map[string]any) bool {
		if l.err != nil {
			return false
		}
		if m, err = hooks.AdvanceMoveIn(l.app, m.Id, actor, status, fields); err != nil {
			l.err = fmt.Errorf("demo move-in of %s → %s: %w", key, status, err)
			return false
		}
		return status != to
	}
	if to == "cancelled" {
		step(l.account("staff", "supervisor@example.com"), "cancelled", map[string]any{"cancel_reason": "业主改期至下月集中入伙后办理"})
		return
	}
	if !step(desk, "documents_checked", map[string]any{"documents": map[string]any{"id_card": true, "purchase_contract": true, "five_certificates": true}}) {
		return
	}
	readings := map[string]any{"water": 3.5, "electric": 12.8, "gas": 0.6}
	var defects []map[string]any
	if key == "5-103" || key == "5-104" {
		defects = []map[string]any{
			{"description": "主卧窗框渗水，窗台有水渍", "category": "plumbing"},
			{"description": "客厅插座面板松动", "category": "electrical"},
		}
	}
	if !step(engineer, "inspected", map[string]any{"readings": readings, "defects": defects}) {
		return
	}
	if len(defects) > 0 {
		if !step(desk, "defects_open", nil) {
			return
		}
		// The socket is fixed and passes re-inspection; the window is still
		// being worked on.
		l.repairDefect(m, 1)
		return
	}
	if !step(desk, "ready", nil) || !step(desk, "keys_handed", map[string]any{"keys_count": 3}) {
		return
	}
	if _, err := hooks.BillMoveInCharges(l.app, m.Id, l.account("staff", "cashier@example.com"), []hooks.OneOffCharge{
		{Charge: "gas_opening", AmountFen: 200000}, {Charge: "cable_tv", AmountFen: 30000}}); err != nil {
		l.err = fmt.Errorf("demo move-in fees of %s: %w", key, err)
		return
	}
	step(desk, "completed", map[string]any{"covenant": SignatureFile(), "renovation_agreement": SignatureFile(),
		"fire_safety": SignatureFile()})
}

// repairDefect has tech1 repair the i-th defect of move-in m and the owner
// pass its re-inspection.
func (l *loader) repairDefect(m *core.Record, i int) {
	var defects []struct {
		WorkOrder string `json:"work_order"`
	}
	if err := m.UnmarshalJSONField("defects", &defects); err != nil || len(defects) <= i {
		l.err = fmt.Errorf("demo move-in defects: %v", err)
		return
	}
	id := defects[i].WorkOrder
	tech := l.account("staff", "tech1@example.com")
	desk := l.account("staff", "frontdesk@example.com")
	if l.err != nil {
		return
	}
	for _, s := range []struct {
		actor *core.Record
		to    string
		f     map[string]any
	}{
		{desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}},
		{tech, "accepted", nil}, {tech, "on_site", nil}, {tech, "in_progress", nil},
		{tech, "completed", map[string]any{"materials": "插座面板 1 个"}},
	} {
		if _, err := hooks.AdvanceWorkOrder(l.app, id, s.actor, s.to, s.f); err != nil {
			l.err = fmt.Errorf("demo move-in repair → %s: %w", s.to, err)
			return
		}
	}
	if _, err := hooks.ReinspectMoveIn(l.app, m.Id, desk, id, true, "业主复验满意"); err != nil {
		l.err = fmt.Errorf("demo move-in re-inspection: %w", err)
	}
}
