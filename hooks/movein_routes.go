package hooks

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/fee"
	"wuye/lib/money"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// The move-in's routes (docs/DESIGN.md, "Move-in (入伙)"): the notices of a
// building at once, the re-inspection of a repair, the move-in fees and the
// notices as printed.

func registerMoveInRoutes(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/move-ins/batch", batchMoveIns).Bind(apis.RequireAuth())
		se.Router.GET("/api/wuye/move-ins/notices", moveInNotices).Bind(apis.RequireAuth())
		se.Router.POST("/api/wuye/move-ins/{id}/reinspect", reinspectMoveIn).Bind(apis.RequireAuth())
		se.Router.POST("/api/wuye/move-ins/{id}/fees", moveInFees).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// MoveInBatch is what the batch route is asked: the building, the date on
// the notices and, optionally, the first appointment of the day and the
// minutes between households.
type MoveInBatch struct {
	Building         string `json:"building"`
	NoticeDate       string `json:"notice_date"`
	AppointmentStart string `json:"appointment_start"` // "2026-12-12 09:00", Shanghai time
	SlotMinutes      int    `json:"slot_minutes"`
}

// batchMoveIns answers POST /api/wuye/move-ins/batch: a move-in, and so a
// notice, for every unit of the building that is still vacant, has a
// registered owner and no move-in under way ([004] 四 2 4.2.1: the notices
// go out to the owners before the move-in days), each with its appointment
// when a first one is given.
func batchMoveIns(e *core.RequestEvent) error {
	var body MoveInBatch
	if err := e.BindBody(&body); err != nil {
		return badRequest(validation.Errors{"building": codedError("validation_required")})
	}
	b, err := e.App.FindRecordById("buildings", body.Building)
	if err != nil {
		return badRequest(validation.Errors{"building": codedError("validation_missing_rel_records")})
	}
	if !e.HasSuperuserAuth() && !(hasRole(e.Auth, moveInDesk...) && servesCommunity(e.Auth, b.GetString("community"))) {
		return apis.NewForbiddenError("", nil)
	}
	ids, err := BatchMoveIns(e.App, body, e.Auth)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"created": len(ids), "move_ins": ids})
}

// BatchMoveIns opens the move-ins of a building as the batch route does.
func BatchMoveIns(app core.App, body MoveInBatch, auth *core.Record) ([]string, error) {
	if !isCivilDate(body.NoticeDate) {
		return nil, badRequest(validation.Errors{"notice_date": codedError("validation_invalid_date")})
	}
	var first time.Time
	if s := strings.TrimSpace(body.AppointmentStart); s != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", strings.Replace(s, "T", " ", 1), workcal.Shanghai)
		if err != nil {
			return nil, badRequest(validation.Errors{"appointment_start": codedError("validation_invalid_date")})
		}
		first = t
	}
	slot := body.SlotMinutes
	if slot <= 0 || slot > 240 {
		slot = 30
	}
	var rows []struct {
		Unit     string `db:"unit"`
		Resident string `db:"resident"`
	}
	// The earliest current owner of each vacant unit with none under way.
	if err := app.DB().NewQuery(`SELECT u.id AS unit,
			(SELECT r.resident FROM unit_residents r WHERE r.unit = u.id AND r.relation = 'owner' AND r.active = TRUE
			 ORDER BY r.since, r.id LIMIT 1) AS resident
		FROM units u
		WHERE u.building = {:b} AND u.status = 'vacant'
		  AND EXISTS (SELECT 1 FROM unit_residents r WHERE r.unit = u.id AND r.relation = 'owner' AND r.active = TRUE)
		  AND NOT EXISTS (SELECT 1 FROM move_ins m WHERE m.unit = u.id AND m.status NOT IN ('completed', 'cancelled'))
		ORDER BY u.floor, u.number`).Bind(dbx.Params{"b": body.Building}).All(&rows); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, badRequest(validation.Errors{"building": codedError("wuye_movein_batch_none")})
	}
	var ids []string
	err := app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("move_ins")
		if err != nil {
			return err
		}
		for i, row := range rows {
			m := core.NewRecord(col)
			m.Set("unit", row.Unit)
			m.Set("resident", row.Resident)
			m.Set("notice_date", body.NoticeDate)
			if !first.IsZero() {
				m.Set("appointment_at", first.Add(time.Duration(i*slot)*time.Minute))
			}
			if err := OpenMoveIn(tx, m, auth); err != nil {
				return err
			}
			ids = append(ids, m.Id)
		}
		return nil
	})
	return ids, err
}

// NoticeHousehold is one unit's 入伙通知书.
type NoticeHousehold struct {
	ID            string  `db:"id" json:"id"`
	Serial        string  `db:"serial" json:"serial"`
	Unit          string  `db:"unit" json:"unit"`
	AreaM2        float64 `db:"area_m2" json:"area_m2"`
	Owner         string  `db:"owner" json:"owner"`
	NoticeDate    string  `db:"notice_date" json:"notice_date"`
	AppointmentAt string  `db:"appointment_at" json:"appointment_at"`
	Status        string  `db:"status" json:"status"`
}

// moveInNotices answers GET /api/wuye/move-ins/notices?building=…
// (or ?id=… for one): the 入伙通知书 as printed, one page per household —
// the service center's address and telephone, what to bring, the fees and
// the date the management fee is counted from ([004] 四 2 4.2.2.1: 入伙通知书
// 内容要求写明物业服务中心办公地点、住户办理入伙手续时应带资料、证件及交纳
// 费用明细). Cancelled move-ins are left out.
func moveInNotices(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	where, params := "m.building = {:b} AND m.status != 'cancelled'", dbx.Params{"b": q.Get("building"), "id": q.Get("id")}
	community := ""
	if id := q.Get("id"); id != "" {
		where = "m.id = {:id}"
		if m, err := e.App.FindRecordById("move_ins", id); err == nil {
			community = m.GetString("community")
		}
	} else if b, err := e.App.FindRecordById("buildings", q.Get("building")); err == nil {
		community = b.GetString("community")
	}
	if community == "" || (!e.HasSuperuserAuth() && !(hasRole(e.Auth, migrations.MoveInReaders...) && servesCommunity(e.Auth, community))) {
		return apis.NewNotFoundError("", nil)
	}
	c, err := e.App.FindRecordById("communities", community)
	if err != nil {
		return err
	}
	households := []NoticeHousehold{}
	if err := e.App.DB().NewQuery(`SELECT m.id, m.serial, b.code || '-' || u.number AS unit, u.area_m2, r.name AS owner,
			m.notice_date, m.appointment_at, m.status
		FROM move_ins m JOIN units u ON u.id = m.unit JOIN buildings b ON b.id = u.building JOIN residents r ON r.id = m.resident
		WHERE ` + where + ` ORDER BY m.appointment_at, u.floor, u.number`).Bind(params).All(&households); err != nil {
		return err
	}
	fees := []struct {
		Name     string `db:"name" json:"name"`
		Kind     string `db:"kind" json:"kind"`
		Basis    string `db:"basis" json:"basis"`
		PriceFen int64  `db:"price_fen" json:"price_fen"`
		Cycle    string `db:"cycle" json:"cycle"`
	}{}
	if err := e.App.DB().Select("name", "kind", "basis", "price_fen", "cycle").From("fee_items").
		Where(dbx.HashExp{"community": community, "active": true}).AndWhere(dbx.NewExp("basis != 'metered'")).
		OrderBy("kind", "name").All(&fees); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{
		"community":  map[string]string{"name": c.GetString("name"), "address": c.GetString("address"), "phone": c.GetString("phone")},
		"fee_start":  string(feeStartOf(e.App, community)),
		"fees":       fees,
		"households": households,
	})
}

// reinspectMoveIn answers POST /api/wuye/move-ins/{id}/reinspect
// {"work_order", "passed", "note"}: the owner re-inspects a repair once
// engineering has done it ([004] 四 2 4.4.6: 整改完成后…通知住户二次验收). A
// pass clears the defect; a failure sends it back as a new work order and
// tells the supervisors, who follow it up (二次验收不合格，由用户服务部经理
// 进行跟进).
func reinspectMoveIn(e *core.RequestEvent) error {
	m, err := updatableRecord(e, "move_ins")
	if err != nil {
		return err
	}
	if !e.HasSuperuserAuth() && !hasRole(e.Auth, moveInInspects...) {
		return apis.NewForbiddenError("", nil)
	}
	var body struct {
		WorkOrder string `json:"work_order"`
		Passed    bool   `json:"passed"`
		Note      string `json:"note"`
	}
	if err := e.BindBody(&body); err != nil || body.WorkOrder == "" {
		return badRequest(validation.Errors{"work_order": codedError("validation_required")})
	}
	if len([]rune(body.Note)) > 500 {
		return badRequest(validation.Errors{"note": codedError("validation_max_text_constraint")})
	}
	out, err := ReinspectMoveIn(e.App, m.Id, e.Auth, body.WorkOrder, body.Passed, strings.TrimSpace(body.Note))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, out)
}

// repairDone are the work-order statuses after the repair is done.
var repairDone = []string{"completed", "signed_off", "revisited", "closed"}

// ReinspectMoveIn records the re-inspection of the repair order of move-in
// id as actor (see reinspectMoveIn).
func ReinspectMoveIn(app core.App, id string, actor *core.Record, order string, passed bool, note string) (*core.Record, error) {
	var m *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		if m, err = tx.FindRecordById("move_ins", id); err != nil {
			return err
		}
		if m.GetString("status") != "defects_open" {
			return badRequest(validation.Errors{"status": codedError("wuye_movein_not_defects_open")})
		}
		defects := moveInDefects(m)
		i := slices.IndexFunc(defects, func(d moveInDefect) bool { return d.WorkOrder == order })
		if i < 0 {
			return badRequest(validation.Errors{"work_order": codedError("wuye_movein_not_defect")})
		}
		if defects[i].ClearedAt != "" {
			return badRequest(validation.Errors{"work_order": codedError("wuye_movein_cleared")})
		}
		o, err := tx.FindRecordById("work_orders", order)
		if err != nil {
			return err
		}
		if !slices.Contains(repairDone, o.GetString("status")) {
			s := o.GetString("serial")
			return badRequest(validation.Errors{"work_order": codedError("wuye_movein_repair_not_done", s, s)})
		}
		action := "reinspection_passed"
		if passed {
			defects[i].ClearedAt = nowDateTime().String()
			defects[i].ClearedBy = actorID(actor)
		} else {
			action = "reinspection_failed"
			d := defects[i]
			if note != "" {
				d.Description += "（复验：" + note + "）"
			}
			rework, err := fileMoveInRepair(tx, m, d, "入伙复验不合格，返修：", actor)
			if err != nil {
				return err
			}
			defects[i].WorkOrder, defects[i].Serial, defects[i].Rework = rework.Id, rework.GetString("serial"), defects[i].Rework+1
			if err := notifyManagers(tx, m, "move_in_recheck_failed",
				fmt.Sprintf("入伙 %s 复验不合格（%s），已返修 %s，请跟进", m.GetString("serial"), o.GetString("serial"), rework.GetString("serial"))); err != nil {
				return err
			}
		}
		m.Set("defects", defects)
		if err := tx.Save(m); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: m, Action: action, Actor: actor, Public: true,
			Note: strings.TrimSpace(o.GetString("serial") + " " + note)})
	})
	return m, err
}

// moveInFees answers POST /api/wuye/move-ins/{id}/fees {"charges": [{"charge",
// "amount_fen", "note"}]}: the one-off move-in charges ([004] 四 2 4.5:
// 煤气开户费、有线电视初装费、装修垃圾清运费) as bills for the owner, each
// once per move-in, with the first period's management fee if it is not
// billed yet. The desk and the cashier bill them once the keys are handed.
func moveInFees(e *core.RequestEvent) error {
	m, err := readableRecord(e, "move_ins")
	if err != nil {
		return err
	}
	if !e.HasSuperuserAuth() && !hasRole(e.Auth, RoleFrontDesk, RoleCashier, RoleSupervisor, RoleDirector) {
		return apis.NewForbiddenError("", nil)
	}
	var body struct {
		Charges []chargeLine `json:"charges"`
	}
	if err := e.BindBody(&body); err != nil || len(body.Charges) > 10 {
		return badRequest(validation.Errors{"charges": codedError("validation_invalid_value")})
	}
	charges, err := readCharges(body.Charges, migrations.MoveInCharges, func(string) bool { return true }, "wuye_movein_charge_billed")
	if err != nil {
		return err
	}
	bills, err := BillMoveInCharges(e.App, m.Id, e.Auth, charges)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, b := range bills {
		out = append(out, map[string]any{"id": b.Id, "serial": b.GetString("serial"), "charge": b.GetString("charge"),
			"amount_fen": b.GetInt("amount_fen"), "due_on": b.GetString("due_on")})
	}
	return e.JSON(http.StatusOK, map[string]any{"bills": out})
}

// BillMoveInCharges bills charges for move-in id as actor, each once, and
// the first period's fees if they are not billed yet, in one transaction.
func BillMoveInCharges(app core.App, id string, actor *core.Record, charges []OneOffCharge) ([]*core.Record, error) {
	var bills []*core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		m, err := tx.FindRecordById("move_ins", id)
		if err != nil {
			return err
		}
		if s := m.GetString("status"); s != "keys_handed" && s != "completed" {
			l := moveInFlow.Labels[s]
			return badRequest(validation.Errors{"status": codedError("wuye_movein_fees_not_now", l.zh, l.en)})
		}
		if _, err := BillMoveIn(tx, m, actor); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("bills")
		if err != nil {
			return err
		}
		day := today()
		var notes []string
		for i, c := range charges {
			done, err := exists(tx, "bills", dbx.NewExp("move_in = {:m} AND charge = {:c} AND status != 'void'",
				dbx.Params{"m": m.Id, "c": c.Charge}), "")
			if err != nil {
				return err
			}
			if done {
				return badRequest(validation.Errors{fmt.Sprintf("charges.%d.charge", i): codedError("wuye_movein_charge_billed")})
			}
			b := core.NewRecord(col)
			for k, v := range map[string]any{
				"community": m.GetString("community"), "unit": m.GetString("unit"), "move_in": m.Id, "charge": c.Charge,
				"source": m.GetString("serial"), "period": day[:7], "period_start": day, "period_end": day, "due_on": day,
				"payer": m.GetString("resident"), "amount_fen": c.AmountFen, "status": "issued",
				"basis": map[string]any{"move_in": m.GetString("serial"), "charge": moveInDocNames[c.Charge].zh, "note": c.Note},
			} {
				b.Set(k, v)
			}
			if err := tx.Save(b); err != nil {
				return err
			}
			bills = append(bills, b)
			notes = append(notes, fmt.Sprintf("%s %s %s", b.GetString("serial"), moveInDocNames[c.Charge].zh, money.Yuan(c.AmountFen)))
		}
		if len(notes) == 0 {
			return nil
		}
		return RecordEvent(tx, Event{Subject: m, Action: "fees", Actor: actor, Public: true, Note: strings.Join(notes, "；")})
	})
	return bills, err
}

// maxMoveInPeriods bounds how far back the first fees reach.
const maxMoveInPeriods = 24

// BillMoveIn bills the unit of move-in m its fees from the day they start
// — the handover date or the notice's, as the community's director chose
// ([000] 收费员 4.2.1.1; [004] 四 2 4.5; hooks/fees_start.go) — through the
// current period: the first period's management fee, and any period since
// if the notice's date lies further back. The bills are made by the
// billing run's own plan (fees_billing_plan.go), for this one unit, so
// they are priced, numbered and checked as a run's are; a bill that exists
// already (same unit, fee item and period) is left alone, so billing again
// — a retried request, or the month's run afterwards — makes no second
// one. It returns the number of bills made.
func BillMoveIn(tx core.App, m, actor *core.Record) (int, error) {
	unit, err := tx.FindRecordById("units", m.GetString("unit"))
	if err != nil {
		return 0, err
	}
	community := m.GetString("community")
	policy := feeStartOf(tx, community)
	occ := fee.Occupancy{HandedOver: civil(unit.GetString("handed_over_on")), Notice: civil(unit.GetString("notice_on")), Policy: policy}
	start := occ.Start()
	if start.IsZero() {
		return 0, nil
	}
	end := civil(today())
	created := 0
	for _, quarterly := range []bool{false, true} {
		periods := periodsBetween(start, end, quarterly)
		for _, p := range periods {
			items, err := applicableItems(tx, community, p)
			if err != nil {
				return created, err
			}
			if len(items) == 0 {
				continue
			}
			plan, err := newBillPlan(tx, "", p, items, policy)
			if err != nil {
				return created, err
			}
			var tally billTally
			if err := plan.billBatch(tx, []string{unit.Id}, &tally); err != nil {
				return created, err
			}
			created += tally.created
		}
	}
	if created > 0 {
		m.Set("fees_billed_at", nowDateTime())
		if err := tx.SaveNoValidate(m); err != nil {
			return created, err
		}
		if err := RecordEvent(tx, Event{Subject: m, Action: "billed", Actor: actor, Public: true,
			Note: fmt.Sprintf("%d 张账单（物业费自 %s 起）", created, start.Format(time.DateOnly))}); err != nil {
			return created, err
		}
	}
	return created, nil
}

// periodsBetween are the months (or quarters) from the one holding start
// to the one holding end, at most maxMoveInPeriods of them.
func periodsBetween(start, end time.Time, quarterly bool) []fee.Period {
	var out []fee.Period
	y, mo := start.Year(), int(start.Month())
	if quarterly {
		mo = (mo-1)/3*3 + 1
	}
	for len(out) < maxMoveInPeriods {
		code := fmt.Sprintf("%04d-%02d", y, mo)
		if quarterly {
			code = fmt.Sprintf("%04d-Q%d", y, (mo-1)/3+1)
		}
		p, err := fee.ParsePeriod(code)
		if err != nil || p.First.After(end) {
			break
		}
		out = append(out, p)
		step := 1
		if quarterly {
			step = 3
		}
		if mo += step; mo > 12 {
			mo -= 12
			y++
		}
	}
	return out
}
