package hooks

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
	"wuye/migrations"
)

// Move-out (迁出, docs/DESIGN.md, "Move-out (迁出)"): a household leaving a
// unit is cleared before its link to the unit ends — arrears settled (no
// unpaid bill of the unit), keys returned (no key of the unit out), final
// meter readings (a reading of every meter the unit has, dated on or after
// the request; the meter walk or the cashier takes them) and the final
// bill (moveout_bill.go) — the settlement the manual makes when a tenant
// leaves ([001] 中汇广场 四 第三步 费用结算：抄电表读数，结算客户使用费用). The owner
// or tenant asks in the portal, or the desk files it; the cashier issues
// the final bill and, with it paid, clears; clearing makes the goods pass
// for the moving day (desk_goods_passes.go), which the desk confirms and
// security checks at the gate; completing ends the resident's link to the
// unit (until = the day, active = false), so the household's access to the
// unit's bills, notices and timeline ends. A printable clearance slip
// (#/print/move-out/{id}) lists what was checked. Every step is an event.

// actorMover is the resident moving out, in the portal.
const actorMover = "mover"

var (
	moveOutWriters   = migrations.MoveOutWriters
	moveOutCompleter = []string{RoleFrontDesk, RoleSupervisor, RoleDirector}
	finalBillers     = []string{RoleCashier, RoleSupervisor, RoleDirector}
)

func init() {
	messages["wuye_moveout_not_resident"] = text{
		"只有该房屋现任的业主或租户可以申请迁出",
		"Only a current owner or tenant of the unit can move out.",
	}
	messages["wuye_moveout_day_past"] = text{"迁出日期不能早于今天", "The moving day cannot be in the past."}
	messages["wuye_moveout_open"] = text{"该住户已有一份未办结的迁出申请", "This household already has an open move-out for the unit."}
	messages["wuye_moveout_not_clear"] = text{
		"尚不能结清：%[1]v",
		"Not clear yet: %[2]v",
	}
	messages["wuye_moveout_readings_first"] = text{
		"请先抄最终读数：%[1]v",
		"Take the final readings first: %[2]v",
	}
	messages["wuye_moveout_bill_not_now"] = text{"只有待结清的迁出可以出最终账单", "Only a move-out awaiting clearance gets a final bill."}
	messages["wuye_moveout_pass_unit"] = text{"出门条须是该房屋的", "The goods pass must be one of the unit's."}
}

// MoveOutFlow is the move-out's table of steps.
var MoveOutFlow = []Step{
	{From: "requested", To: "cleared", Verb: text{"确认结清", "Clear"}, Actors: moveOutWriters, Stamp: "cleared_at"},
	{From: "cleared", To: "completed", Verb: text{"办结迁出", "Complete the move-out"}, Actors: moveOutCompleter, Stamp: "completed_at"},
	{From: "requested", To: "cancelled", Verb: text{"撤销迁出", "Cancel"}, Actors: append(slices.Clone(moveOutCompleter), actorMover),
		Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"},
	{From: "cleared", To: "cancelled", Verb: text{"撤销迁出", "Cancel"}, Actors: moveOutCompleter, Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"},
}

var moveOutFlow = &Flow{
	Noun: text{"迁出", "move-out"}, Steps: MoveOutFlow, Terminal: []string{"completed", "cancelled"},
	Labels: map[string]text{
		"requested": {"待结清", "awaiting clearance"}, "cleared": {"已结清", "cleared"},
		"completed": {"已迁出", "moved out"}, "cancelled": {"已撤销", "cancelled"},
	},
	Actors: func(auth, r *core.Record) []string {
		if isResident(auth) && r.GetString("resident") == auth.Id {
			return []string{actorMover}
		}
		return staffActor(auth, r)
	},
	Editable: func(actors []string, from string) []string {
		if !hasAny(actors, moveOutWriters) {
			return nil
		}
		switch from {
		case "requested":
			return []string{"move_out_on", "note", "goods_pass"}
		case "cleared":
			return []string{"note", "goods_pass"}
		}
		return nil
	},
}

func registerMoveOuts(app core.App) {
	app.OnRecordCreateRequest("move_outs").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareMoveOut(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error { return afterMoveOutRequested(tx, e.Record, e.Auth) })
	})
	bindFlowUpdates(app, "move_outs", planMoveOutUpdate, afterMoveOutUpdate, "status")
	app.OnRecordDelete("move_outs").BindFunc(refuseDelete)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/move-outs/{id}/clearance", moveOutClearanceRoute).Bind(apis.RequireAuth())
		se.Router.POST("/api/wuye/move-outs/{id}/final-bill", finalBillRoute).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// RequestMoveOut files move-out m as auth would through the API.
func RequestMoveOut(app core.App, m, auth *core.Record) error {
	if err := prepareMoveOut(app, m, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(m); err != nil {
			return err
		}
		return afterMoveOutRequested(tx, m, auth)
	})
}

func prepareMoveOut(app core.App, m, auth *core.Record) error {
	community, err := unitCommunity(app, m.GetString("unit"), "unit")
	if err != nil {
		return err
	}
	m.Set("community", community)
	for _, f := range []string{"final_billed_at", "final_billed_by", "cleared_at", "cleared_by", "completed_at", "completed_by",
		"cancelled_at", "cancel_reason", "goods_pass", "filed_by"} {
		m.Set(f, nil)
	}
	m.Set("status", "requested")
	m.Set("requested_on", today())
	if isResident(auth) {
		m.Set("resident", auth.Id)
	} else {
		m.Set("filed_by", actorID(auth))
	}
	if d := m.GetString("move_out_on"); d != "" && d < today() {
		return badRequest(validation.Errors{"move_out_on": codedError("wuye_moveout_day_past")})
	}
	var relation string
	err = app.DB().Select("relation").From("unit_residents").
		Where(dbx.HashExp{"unit": m.GetString("unit"), "resident": m.GetString("resident"), "active": true, "relation": []any{"owner", "tenant"}}).
		OrderBy("relation").Limit(1).Row(&relation)
	if err != nil || relation == "" {
		return badRequest(validation.Errors{"resident": codedError("wuye_moveout_not_resident")})
	}
	m.Set("relation", relation)
	if res, err := app.FindRecordById("residents", m.GetString("resident")); err == nil {
		m.Set("resident_name", res.GetString("name"))
	}
	open, err := exists(app, "move_outs", dbx.HashExp{"unit": m.GetString("unit"), "resident": m.GetString("resident"), "status": []any{"requested", "cleared"}}, "")
	if err != nil {
		return err
	}
	if open {
		return badRequest(validation.Errors{"resident": codedError("wuye_moveout_open")})
	}
	return nil
}

func afterMoveOutRequested(tx core.App, m, auth *core.Record) error {
	return RecordEvent(tx, Event{Subject: m, Action: "create", To: "requested", Actor: auth, Public: true, Note: m.GetString("move_out_on")})
}

func planMoveOutUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	step, err := moveOutFlow.Plan(auth, superuser, orig, r, nowDateTime())
	if err != nil {
		return step, err
	}
	if d := r.GetString("move_out_on"); d != orig.GetString("move_out_on") && d < today() {
		return step, badRequest(validation.Errors{"move_out_on": codedError("wuye_moveout_day_past")})
	}
	if p := r.GetString("goods_pass"); p != "" && p != orig.GetString("goods_pass") {
		pass, err := app.FindRecordById("goods_passes", p)
		if err != nil || pass.GetString("unit") != r.GetString("unit") {
			return step, badRequest(validation.Errors{"goods_pass": codedError("wuye_moveout_pass_unit")})
		}
	}
	switch step.To {
	case "cleared":
		c, err := MoveOutClearance(app, r)
		if err != nil {
			return step, err
		}
		if !c.OK {
			zh, en := c.missing()
			return step, badRequest(validation.Errors{"status": codedError("wuye_moveout_not_clear", zh, en)})
		}
		r.Set("cleared_by", actorID(auth))
	case "completed":
		r.Set("completed_by", actorID(auth))
	}
	return step, nil
}

func afterMoveOutUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	switch step.To {
	case "":
		if r.GetString("goods_pass") != orig.GetString("goods_pass") {
			return RecordEvent(tx, Event{Subject: r, Action: "goods_pass", To: r.GetString("goods_pass"), Actor: auth, Public: true})
		}
		return nil
	case "cleared":
		if r.GetString("goods_pass") == "" {
			if err := moveOutGoodsPass(tx, r, auth); err != nil {
				return err
			}
		}
	case "completed":
		if err := endMoveOutLink(tx, r, auth); err != nil {
			return err
		}
	}
	return RecordEvent(tx, Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth, Public: true,
		Note: r.GetString("cancel_reason")})
}

// AdvanceMoveOut moves the move-out with id to status to as actor would
// through the API (the demo and the tests).
func AdvanceMoveOut(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "move_outs", id, actor, to, fields, planMoveOutUpdate, afterMoveOutUpdate)
}

// moveOutGoodsPass makes the goods pass for the moving day of move-out m,
// filed by the staff member clearing it, and links it.
func moveOutGoodsPass(tx core.App, m, auth *core.Record) error {
	col, err := tx.FindCachedCollectionByNameOrId("goods_passes")
	if err != nil {
		return err
	}
	resident, err := tx.FindRecordById("residents", m.GetString("resident"))
	if err != nil {
		return err
	}
	day := m.GetString("move_out_on")
	if day < today() {
		day = today()
	}
	g := core.NewRecord(col)
	g.Load(map[string]any{
		"unit": m.GetString("unit"), "applicant_name": resident.GetString("name"), "applicant_phone": resident.GetString("phone"),
		"items": "迁出搬家物品（" + m.GetString("serial") + "，已结清）", "bulky": true, "tenant": m.GetString("relation") == "tenant",
		"owner_consent": "迁出结清 " + m.GetString("serial"), "valid_on": day,
	})
	if err := prepareGoodsPass(tx, g, auth); err != nil {
		return err
	}
	g.Set("owner_consent", "迁出结清 "+m.GetString("serial")) // cleared by the office: the owner's bills are settled
	if err := tx.Save(g); err != nil {
		return fmt.Errorf("move-out goods pass: %w", err)
	}
	if err := afterGoodsPassRequested(tx, g, auth); err != nil {
		return err
	}
	m.Set("goods_pass", g.Id)
	return tx.Save(m)
}

// endMoveOutLink ends the moving resident's link to the unit today: the
// registry's access rules read active, so the household's access ends now.
func endMoveOutLink(tx core.App, m, auth *core.Record) error {
	links, err := tx.FindAllRecords("unit_residents", dbx.HashExp{"unit": m.GetString("unit"), "resident": m.GetString("resident"), "active": true})
	if err != nil {
		return err
	}
	day := today()
	for _, l := range links {
		if s := l.GetString("since"); s != "" && s > day {
			day = s
		}
		l.Set("until", day)
		l.Set("active", false)
		if err := tx.Save(l); err != nil {
			return fmt.Errorf("end link: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: l, Action: "status", From: "true", To: "false", Actor: auth,
			Note: "迁出 " + m.GetString("serial") + " until " + day}); err != nil {
			return err
		}
	}
	return nil
}

// Clearance is what a move-out still lacks (the checklist of the detail
// page and the slip).
type Clearance struct {
	UnpaidBills   int            `json:"unpaid_bills"`
	UnpaidFen     int64          `json:"unpaid_fen"`
	KeysOut       []string       `json:"keys_out"`
	Meters        []string       `json:"meters"`         // every meter the unit has
	MetersMissing []string       `json:"meters_missing"` // without a reading on or after the request
	Readings      []FinalReading `json:"readings"`       // the final readings
	FinalBilled   bool           `json:"final_billed"`
	OK            bool           `json:"ok"`
}

// FinalReading is a meter's latest effective reading.
type FinalReading struct {
	Meter   string  `db:"meter" json:"meter"`
	Reading float64 `db:"reading" json:"reading"`
	ReadOn  string  `db:"read_on" json:"read_on"`
}

var meterNames = map[string]text{"water": {"水表", "water"}, "electric": {"电表", "electricity"}, "gas": {"燃气表", "gas"}}

func (c Clearance) missing() (string, string) {
	var zh, en []string
	if c.UnpaidBills > 0 {
		zh = append(zh, fmt.Sprintf("%d 张账单未结清（%s）", c.UnpaidBills, money.Yuan(c.UnpaidFen)))
		en = append(en, fmt.Sprintf("%d unpaid bills (%s)", c.UnpaidBills, strings.Replace(money.Yuan(c.UnpaidFen), " 元", " yuan", 1)))
	}
	if len(c.KeysOut) > 0 {
		zh = append(zh, "钥匙未交回："+strings.Join(c.KeysOut, "、"))
		en = append(en, "keys not returned: "+strings.Join(c.KeysOut, ", "))
	}
	if len(c.MetersMissing) > 0 {
		var z, e []string
		for _, m := range c.MetersMissing {
			z, e = append(z, meterNames[m].zh), append(e, meterNames[m].en)
		}
		zh = append(zh, "缺最终读数："+strings.Join(z, "、"))
		en = append(en, "final readings missing: "+strings.Join(e, ", "))
	}
	if !c.FinalBilled {
		zh = append(zh, "未出最终账单")
		en = append(en, "no final bill")
	}
	return strings.Join(zh, "；"), strings.Join(en, "; ")
}

// MoveOutClearance checks move-out m: the unit's unpaid bills, its keys
// out, its meters without a reading since the request, and the final bill
// — each one SQL query.
func MoveOutClearance(app core.App, m *core.Record) (Clearance, error) {
	unit := m.GetString("unit")
	c := Clearance{KeysOut: []string{}, Meters: []string{}, MetersMissing: []string{}, Readings: []FinalReading{}}
	var owing struct {
		N   int   `db:"n"`
		Fen int64 `db:"fen"`
	}
	if err := app.DB().NewQuery(`SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen - discount_fen + late_fee_fen - paid_fen), 0) AS fen
		FROM bills WHERE unit = {:u} AND status IN ('issued', 'partially_paid')`).Bind(dbx.Params{"u": unit}).One(&owing); err != nil {
		return c, fmt.Errorf("clearance bills: %w", err)
	}
	c.UnpaidBills, c.UnpaidFen = owing.N, owing.Fen
	if err := app.DB().Select("label").From("keys").Where(dbx.HashExp{"unit": unit, "status": "out"}).OrderBy("label").Column(&c.KeysOut); err != nil {
		return c, fmt.Errorf("clearance keys: %w", err)
	}
	if err := app.DB().NewQuery(`SELECT DISTINCT meter FROM meter_readings WHERE unit = {:u} ORDER BY meter`).
		Bind(dbx.Params{"u": unit}).Column(&c.Meters); err != nil {
		return c, fmt.Errorf("clearance meters: %w", err)
	}
	since := m.GetString("requested_on")
	if err := app.DB().NewQuery(`SELECT m.meter FROM (SELECT DISTINCT meter FROM meter_readings WHERE unit = {:u}) m
		WHERE NOT EXISTS (SELECT 1 FROM meter_readings r WHERE r.unit = {:u} AND r.meter = m.meter AND r.read_on >= {:d} AND r.` + effectiveReadingsSQL + `)
		ORDER BY m.meter`).Bind(dbx.Params{"u": unit, "d": since}).Column(&c.MetersMissing); err != nil {
		return c, fmt.Errorf("clearance readings: %w", err)
	}
	if err := app.DB().NewQuery(`SELECT meter, reading, MAX(read_on) AS read_on FROM meter_readings
		WHERE unit = {:u} AND read_on >= {:d} AND ` + effectiveReadingsSQL + ` GROUP BY meter ORDER BY meter`).
		Bind(dbx.Params{"u": unit, "d": since}).All(&c.Readings); err != nil {
		return c, fmt.Errorf("clearance final readings: %w", err)
	}
	c.FinalBilled = !m.GetDateTime("final_billed_at").IsZero()
	c.OK = c.UnpaidBills == 0 && len(c.KeysOut) == 0 && len(c.MetersMissing) == 0 && c.FinalBilled
	return c, nil
}

// moveOutClearanceRoute answers GET /api/wuye/move-outs/{id}/clearance:
// the checklist, for whoever may read the move-out.
func moveOutClearanceRoute(e *core.RequestEvent) error {
	m, err := readableRecord(e, "move_outs")
	if err != nil {
		return err
	}
	c, err := MoveOutClearance(e.App, m)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, c)
}

// finalBillRoute answers POST /api/wuye/move-outs/{id}/final-bill: the
// cashier bills the unit's current period up to the final readings
// (IssueFinalBill).
func finalBillRoute(e *core.RequestEvent) error {
	m, err := updatableRecord(e, "move_outs")
	if err != nil {
		return err
	}
	if !e.HasSuperuserAuth() && !hasRole(e.Auth, finalBillers...) {
		return apis.NewForbiddenError("", nil)
	}
	bills, err := IssueFinalBill(e.App, m.Id, e.Auth)
	if err != nil {
		return err
	}
	if bills == nil {
		bills = []FinalBill{}
	}
	return e.JSON(http.StatusOK, map[string]any{"bills": bills})
}
