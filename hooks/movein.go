package hooks

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"wuye/migrations"
)

// Move-in (入伙, [004] 四 2 物业入伙管理规程; [000] 前台 4.3, 助理 4.9;
// docs/DESIGN.md, "Move-in (入伙)"). A move-in is opened per unit and owner
// when the notice (入伙通知书) goes out — one by one, or for a whole building
// at once (POST /api/wuye/move-ins/batch). On the day the desk checks the
// owner's papers (4.3.1) and that the 五证 are posted (4.2.3.2); the desk
// or engineering walks the unit with the owner, reading the meters and
// listing what is wrong (验房, 4.4.1); each defect becomes a work order for
// engineering (4.4.3) and is re-inspected when done until it passes
// (4.4.5–4.4.6, POST /api/wuye/move-ins/{id}/reinspect); only then is the
// unit ready. Handing the keys (4.6) hands the unit over: its status and
// handover date, the first period's management fee as bills (4.5, from the
// date the community's director chose: [000] 收费员 4.2.1.1 or the notice's,
// hooks/fees_start.go) and a key record of every key given (钥匙领用记录表,
// 4.6.3). The owner signs the covenant, the renovation agreement and the
// fire-safety pledge (4.7) — on the screen or as scans — before the move-in
// is completed. This file holds the flow and its hooks; movein_routes.go
// the batch, re-inspection, fees and notice routes.

// Who takes the move-in's steps: staff roles only (the owner follows it in
// the portal but takes no step) — the desk with its supervisors and
// director; engineering joins the inspection ([004] 四 2 3.5); the
// supervisor or director cancels.
var (
	moveInDesk     = []string{RoleFrontDesk, RoleSupervisor, RoleDirector}
	moveInInspects = []string{RoleFrontDesk, RoleEngineer, RoleSupervisor, RoleDirector}
	moveInManagers = []string{RoleSupervisor, RoleDirector}
)

// MoveInFlow is the move-in's table of steps.
var MoveInFlow = []Step{
	{From: "notified", To: "documents_checked", Verb: text{"资料查验无误", "Papers checked"}, Actors: moveInDesk, Extras: []string{"documents"}, Stamp: "documents_checked_at", Guard: moveInDocumentsChecked},
	{From: "documents_checked", To: "inspected", Verb: text{"验房抄表", "Inspect with the owner"}, Actors: moveInInspects, Extras: []string{"readings", "defects"}, Stamp: "inspected_at", Guard: moveInReadingsTaken},
	{From: "inspected", To: "defects_open", Verb: text{"问题交工程整改", "Send defects for repair"}, Actors: moveInInspects, Guard: moveInHasDefects},
	{From: "inspected", To: "ready", Verb: text{"验收合格", "Passed"}, Actors: moveInInspects, Stamp: "ready_at", Guard: moveInNoDefects},
	{From: "defects_open", To: "ready", Verb: text{"复验合格，可交房", "All repairs passed"}, Actors: moveInInspects, Stamp: "ready_at", Guard: moveInDefectsCleared},
	{From: "ready", To: "keys_handed", Verb: text{"交钥匙", "Hand over the keys"}, Actors: moveInDesk, Requires: []string{"keys_count"}, Stamp: "keys_handed_at"},
	{From: "keys_handed", To: "completed", Verb: text{"入伙办结", "Complete the move-in"}, Actors: moveInDesk, Extras: []string{"covenant", "renovation_agreement", "fire_safety", "moved_in_on"}, Stamp: "completed_at", Guard: moveInSigned},
	{From: "notified", To: "cancelled", Verb: text{"取消入伙", "Cancel"}, Actors: moveInManagers, Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"},
	{From: "documents_checked", To: "cancelled", Verb: text{"取消入伙", "Cancel"}, Actors: moveInManagers, Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"},
	{From: "inspected", To: "cancelled", Verb: text{"取消入伙", "Cancel"}, Actors: moveInManagers, Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"},
	{From: "defects_open", To: "cancelled", Verb: text{"取消入伙", "Cancel"}, Actors: moveInManagers, Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"},
	{From: "ready", To: "cancelled", Verb: text{"取消入伙", "Cancel"}, Actors: moveInManagers, Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"},
}

var moveInFlow = &Flow{
	Noun: text{"入伙", "move-in"}, Steps: MoveInFlow, Terminal: []string{"completed", "cancelled"},
	Labels: map[string]text{
		"notified": {"已发入伙通知", "notified"}, "documents_checked": {"资料已查验", "papers checked"},
		"inspected": {"已验房", "inspected"}, "defects_open": {"整改中", "repairs open"}, "ready": {"可交房", "ready"},
		"keys_handed": {"已交钥匙", "keys handed"}, "completed": {"入伙办结", "completed"}, "cancelled": {"已取消", "cancelled"},
	},
	Actors: staffActor,
	Editable: func(actors []string, from string) []string {
		var out []string
		if hasAny(actors, moveInDesk) {
			out = append(out, "appointment_at", "note")
			switch from {
			case "notified":
				out = append(out, "documents", "notice_date")
			case "ready", "keys_handed":
				out = append(out, "covenant", "renovation_agreement", "fire_safety")
			}
		}
		if from == "inspected" && hasAny(actors, moveInInspects) {
			out = append(out, "defects")
		}
		return out
	},
}

// moveInDocNames name the papers checked at the desk, the documents signed
// and the move-in charges, for messages and the pages.
var moveInDocNames = map[string]text{
	"id_card":              {"业主身份证原件", "owner's ID card"},
	"purchase_contract":    {"购房协议原件", "purchase contract"},
	"five_certificates":    {"“五证”已上墙公告", "the five certificates posted"},
	"covenant":             {"管理规约", "covenant"},
	"renovation_agreement": {"装修管理协议", "renovation agreement"},
	"fire_safety":          {"消防安全责任书", "fire-safety pledge"},
	"gas_opening":          {"煤气开户费", "gas connection fee"},
	"cable_tv":             {"有线电视初装费", "cable TV installation fee"},
	"debris_removal":       {"装修垃圾清运费", "debris-removal fee"},
}

func init() {
	for k, v := range map[string]text{
		"wuye_movein_not_owner":        {"入伙须由这套房屋的现任业主办理：请先在房产档案中登记业主", "A move-in is for a current owner of the unit: register the owner in the registry first."},
		"wuye_movein_open":             {"这套房屋已有一份办理中的入伙（%[1]v）", "This unit already has a move-in under way (%[2]v)."},
		"wuye_movein_unit_handed":      {"这套房屋已交房（%[1]v），不再办理入伙", "This unit has been handed over already (%[2]v): no move-in."},
		"wuye_movein_documents":        {"还未查验：%[1]v", "Not checked yet: %[2]v."},
		"wuye_movein_doc_unknown":      {"资料清单只能包括身份证、购房协议和“五证”公告", "The checklist holds the ID card, the purchase contract and the five certificates only."},
		"wuye_movein_readings":         {"验房须抄录水表和电表读数（煤气表如有也一并抄录），读数为不小于 0 的数字", "The inspection records the water and electricity meter readings (and gas, if any), each a number of 0 or more."},
		"wuye_movein_defects_bad":      {"每项问题须写明问题所在（不超过 500 字），类别须为工程维修的类别", "Each defect needs a description (up to 500 characters) and a repair category."},
		"wuye_movein_defects_none":     {"验房没有登记问题，无需整改：请直接验收合格", "The inspection found no defects: pass it instead."},
		"wuye_movein_has_defects":      {"验房登记了 %[1]v 项问题，须先交工程整改，复验合格后才能交房", "The inspection found %[2]v defect(s): send them for repair; the unit is ready once they pass re-inspection."},
		"wuye_movein_defects_open":     {"还有 %[1]v 项整改未复验合格，不能交房", "%[2]v repair(s) have not passed re-inspection yet: the unit is not ready."},
		"wuye_movein_signatures":       {"业主还未签署：%[1]v（可在屏幕上签名或上传签字扫描件）", "The owner has not signed yet: %[2]v (sign on the screen or upload a scan)."},
		"wuye_movein_not_defect":       {"这张派工单不是这次入伙的整改项", "This work order is not one of this move-in's repairs."},
		"wuye_movein_repair_not_done":  {"派工单 %[1]v 还未完工，完工后才能复验", "Work order %[2]v is not done yet: re-inspect it once it is."},
		"wuye_movein_cleared":          {"这项整改已经复验合格", "This repair has already passed re-inspection."},
		"wuye_movein_not_defects_open": {"只有整改中的入伙才能复验", "Only a move-in with repairs open is re-inspected."},
		"wuye_movein_fees_not_now":     {"交钥匙时才收取入伙费用：这份入伙%[1]v", "Move-in fees are billed from the key handover on: this move-in is %[2]v."},
		"wuye_movein_charge_billed":    {"这项入伙费用已经开过账单", "This move-in charge has already been billed."},
		"wuye_movein_batch_none":       {"这栋楼没有可发入伙通知的房屋（须为空置、已登记业主、未在办理入伙）", "No unit of this building can be notified (it must be vacant, have a registered owner and no move-in under way)."},
	} {
		messages[k] = v
	}
	for k, v := range map[string]text{
		"notice_date": {"入伙通知书日期", "notice date"}, "documents": {"资料清单", "Checklist"}, "readings": {"水电表读数", "Meter readings"},
		"defects": {"验房问题", "Defects"}, "keys_count": {"交付钥匙数", "Keys handed"}, "covenant": {"管理规约", "Covenant"},
		"renovation_agreement": {"装修管理协议", "Renovation agreement"}, "fire_safety": {"消防安全责任书", "Fire-safety pledge"},
		"inspected_by": {"验房人", "Inspected by"}, "handled_by": {"经办人", "Handled by"}, "charges": {"费用", "Charges"},
		"charge": {"费用项目", "Charge"}, "notice": {"通知", "Notice"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
}

func registerMoveIns(app core.App) {
	app.OnRecordCreateRequest("move_ins").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareMoveIn(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTxAround(e, func(tx core.App) error { return checkNoOpenMoveIn(tx, e.Record) },
			func(tx core.App) error { return afterMoveInOpened(tx, e.Record, e.Auth) })
	})
	bindFlowUpdates(app, "move_ins", planMoveInUpdate, afterMoveInUpdate, "status")
	app.OnRecordDelete("move_ins").BindFunc(refuseDelete)
	// Engineering's repair done: the desk is told, to book the owner's
	// re-inspection ([004] 四 2 4.4.4–4.4.6).
	app.OnRecordUpdate("work_orders").BindFunc(func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		o := e.Record
		if o.GetString("source") != "move_in" || o.GetString("status") != "completed" || o.Original().GetString("status") == "completed" {
			return nil
		}
		return notifyRoles(e.App, o, "move_in_repair_done",
			fmt.Sprintf("入伙整改 %s 已完工，请约业主复验", o.GetString("serial")), RoleFrontDesk, RoleSupervisor)
	})
	registerMoveInRoutes(app)
}

// OpenMoveIn opens move-in m as auth would through the API (the batch
// route, the demo and the tests).
func OpenMoveIn(app core.App, m, auth *core.Record) error {
	if err := prepareMoveIn(app, m, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := checkNoOpenMoveIn(tx, m); err != nil {
			return err
		}
		if err := tx.Save(m); err != nil {
			return err
		}
		return afterMoveInOpened(tx, m, auth)
	})
}

// prepareMoveIn places a new move-in and clears what the steps fill in:
// it is for a current owner of a unit not yet handed over.
func prepareMoveIn(app core.App, m, auth *core.Record) error {
	unit, err := app.FindRecordById("units", m.GetString("unit"))
	if err != nil {
		return badRequest(validation.Errors{"unit": codedError("validation_missing_rel_records")})
	}
	m.Set("community", unit.GetString("community"))
	m.Set("building", unit.GetString("building"))
	if s := unit.GetString("status"); s != "vacant" {
		l := unitStatusLabels[s]
		return badRequest(validation.Errors{"unit": codedError("wuye_movein_unit_handed", l.zh, l.en)})
	}
	owner, err := exists(app, "unit_residents", dbx.HashExp{"unit": unit.Id, "resident": m.GetString("resident"), "relation": "owner", "active": true}, "")
	if err != nil {
		return err
	}
	if m.GetString("resident") == "" || !owner {
		return badRequest(validation.Errors{"resident": codedError("wuye_movein_not_owner")})
	}
	for _, f := range []string{"documents", "readings", "defects", "inspected_by", "documents_checked_at", "inspected_at", "ready_at",
		"keys_count", "keys_handed_at", "fees_billed_at", "covenant", "renovation_agreement", "fire_safety", "moved_in_on",
		"completed_at", "cancel_reason", "cancelled_at"} {
		m.Set(f, nil)
	}
	m.Set("status", "notified")
	m.Set("handled_by", actorID(auth))
	return nil
}

// checkNoOpenMoveIn: one move-in under way per unit, checked inside the
// write (the partial unique index backs it).
func checkNoOpenMoveIn(tx core.App, m *core.Record) error {
	var serial string
	err := tx.DB().Select("serial").From("move_ins").Where(dbx.HashExp{"unit": m.GetString("unit")}).
		AndWhere(dbx.NotIn("status", "completed", "cancelled")).AndWhere(dbx.Not(dbx.HashExp{"id": m.Id})).Limit(1).Row(&serial)
	if err == nil {
		return badRequest(validation.Errors{"unit": codedError("wuye_movein_open", serial, serial)})
	}
	return nil
}

func afterMoveInOpened(tx core.App, m, auth *core.Record) error {
	// The notice's date is the unit's, which billing reads under the
	// community's "from the notice" policy ([004] 四 2 4.5).
	unit, err := tx.FindRecordById("units", m.GetString("unit"))
	if err != nil {
		return err
	}
	if unit.GetString("notice_on") != m.GetString("notice_date") {
		unit.Set("notice_on", m.GetString("notice_date"))
		if err := tx.Save(unit); err != nil {
			return err
		}
	}
	return RecordEvent(tx, Event{Subject: m, Action: "create", To: "notified", Actor: auth, Public: true, Note: m.GetString("notice_date")})
}

// moveInDocumentsChecked: the desk has checked the owner's ID and purchase
// contract and that the 五证 are posted ([004] 四 2 4.3.1, 4.2.3.2).
func moveInDocumentsChecked(r *core.Record) error {
	docs := moveInDocuments(r)
	var missing []text
	for _, d := range migrations.MoveInDocuments {
		if _, ok := docs[d]; !ok {
			missing = append(missing, moveInDocNames[d])
		}
	}
	if len(missing) > 0 {
		return badRequest(validation.Errors{"documents": codedError("wuye_movein_documents", joinText(missing, "、").zh, joinText(missing, ", ").en)})
	}
	return nil
}

func joinText(ts []text, sep string) text {
	var zh, en []string
	for _, t := range ts {
		zh, en = append(zh, t.zh), append(en, t.en)
	}
	return text{strings.Join(zh, sep), strings.Join(en, sep)}
}

// docStamp is who checked a paper, and when.
type docStamp struct {
	By     string `json:"by"`
	ByName string `json:"by_name"`
	At     string `json:"at"`
}

func moveInDocuments(r *core.Record) map[string]docStamp {
	out := map[string]docStamp{}
	_ = r.UnmarshalJSONField("documents", &out)
	return out
}

// normalizeDocuments turns the checklist a client sends ({"id_card": true,
// …}) into the stored one: each paper checked carries who checked it and
// when — the first check's, kept; nobody writes a stamp of their own.
func normalizeDocuments(orig, r, auth *core.Record) error {
	if r.GetString("documents") == orig.GetString("documents") {
		return nil
	}
	var sent map[string]any
	if err := r.UnmarshalJSONField("documents", &sent); err != nil {
		return badRequest(validation.Errors{"documents": codedError("wuye_movein_doc_unknown")})
	}
	before := moveInDocuments(orig)
	out := map[string]docStamp{}
	for k, v := range sent {
		if !slices.Contains(migrations.MoveInDocuments, k) {
			return badRequest(validation.Errors{"documents": codedError("wuye_movein_doc_unknown")})
		}
		if v == nil || v == false {
			continue
		}
		if s, ok := before[k]; ok {
			out[k] = s
			continue
		}
		out[k] = docStamp{By: actorID(auth), ByName: auth.GetString("name"), At: nowDateTime().String()}
	}
	r.Set("documents", out)
	return nil
}

// moveInReadings are the meter readings of the inspection.
func moveInReadings(r *core.Record) (map[string]float64, bool) {
	var raw map[string]any
	if err := r.UnmarshalJSONField("readings", &raw); err != nil || raw == nil {
		return nil, false
	}
	out := map[string]float64{}
	for k, v := range raw {
		f, ok := v.(float64)
		if !slices.Contains(migrations.Meters, k) || !ok || f < 0 || f > 1e9 {
			return nil, false
		}
		out[k] = f
	}
	_, water := out["water"]
	_, electric := out["electric"]
	return out, water && electric
}

// moveInReadingsTaken: the inspection reads the water and electricity
// meters ([004] 四 2 4.4.1: 将水电表读数抄录在住户入住验房表中).
func moveInReadingsTaken(r *core.Record) error {
	if _, ok := moveInReadings(r); !ok {
		return badRequest(validation.Errors{"readings": codedError("wuye_movein_readings")})
	}
	return nil
}

// moveInDefect is one defect found at the inspection.
type moveInDefect struct {
	Description string `json:"description"`
	Category    string `json:"category"`
	WorkOrder   string `json:"work_order,omitempty"`
	Serial      string `json:"serial,omitempty"`
	ClearedAt   string `json:"cleared_at,omitempty"`
	ClearedBy   string `json:"cleared_by,omitempty"`
	Rework      int    `json:"rework,omitempty"`
}

func moveInDefects(r *core.Record) []moveInDefect {
	var out []moveInDefect
	_ = r.UnmarshalJSONField("defects", &out)
	return out
}

// normalizeDefects checks the defects the inspection lists: a description
// and a repair category each; the work orders and clearing are the
// server's.
func normalizeDefects(orig, r *core.Record) error {
	if r.GetString("defects") == orig.GetString("defects") {
		return nil
	}
	var sent []moveInDefect
	if err := r.UnmarshalJSONField("defects", &sent); err != nil && r.GetString("defects") != "" && r.GetString("defects") != "null" {
		return badRequest(validation.Errors{"defects": codedError("wuye_movein_defects_bad")})
	}
	if len(sent) > 50 {
		return badRequest(validation.Errors{"defects": codedError("wuye_movein_defects_bad")})
	}
	out := []moveInDefect{}
	for _, d := range sent {
		d.Description = strings.TrimSpace(d.Description)
		if d.Category == "" {
			d.Category = "other"
		}
		if d.Description == "" || len([]rune(d.Description)) > 500 || !slices.Contains(migrations.WorkCategories, d.Category) {
			return badRequest(validation.Errors{"defects": codedError("wuye_movein_defects_bad")})
		}
		out = append(out, moveInDefect{Description: d.Description, Category: d.Category})
	}
	r.Set("defects", out)
	return nil
}

func moveInHasDefects(r *core.Record) error {
	if len(moveInDefects(r)) == 0 {
		return badRequest(validation.Errors{"defects": codedError("wuye_movein_defects_none")})
	}
	return nil
}

// moveInNoDefects: a unit with defects is not ready until they are
// repaired and pass re-inspection ([004] 四 2 4.4.3–4.4.6).
func moveInNoDefects(r *core.Record) error {
	if n := len(moveInDefects(r)); n > 0 {
		return badRequest(validation.Errors{"status": codedError("wuye_movein_has_defects", n, n)})
	}
	return nil
}

func moveInDefectsCleared(r *core.Record) error {
	open := 0
	for _, d := range moveInDefects(r) {
		if d.ClearedAt == "" {
			open++
		}
	}
	if open > 0 {
		return badRequest(validation.Errors{"status": codedError("wuye_movein_defects_open", open, open)})
	}
	return nil
}

// moveInSigned: the owner has signed the covenant, the renovation agreement
// and the fire-safety pledge ([004] 四 2 4.7), on the screen or as scans.
func moveInSigned(r *core.Record) error {
	var missing []text
	for _, f := range migrations.MoveInSignatures {
		if r.GetString(f) == "" && len(r.GetUnsavedFiles(f)) == 0 {
			missing = append(missing, moveInDocNames[f])
		}
	}
	if len(missing) > 0 {
		return badRequest(validation.Errors{"status": codedError("wuye_movein_signatures", joinText(missing, "、").zh, joinText(missing, ", ").en)})
	}
	return nil
}

func planMoveInUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	if err := normalizeDocuments(orig, r, auth); err != nil {
		return Step{}, err
	}
	if err := normalizeDefects(orig, r); err != nil {
		return Step{}, err
	}
	step, err := moveInFlow.Plan(auth, superuser, orig, r, nowDateTime())
	if err != nil {
		return step, err
	}
	if r.GetString("notice_date") != orig.GetString("notice_date") && !isCivilDate(r.GetString("notice_date")) {
		return step, badRequest(validation.Errors{"notice_date": codedError("validation_invalid_date")})
	}
	switch step.To {
	case "inspected":
		r.Set("inspected_by", actorID(auth))
	case "completed":
		if d := r.GetString("moved_in_on"); d != "" && (!isCivilDate(d) || d > today()) {
			return step, badRequest(validation.Errors{"moved_in_on": codedError("validation_invalid_date")})
		}
	}
	return step, nil
}

// afterMoveInUpdate does what each step brings, in the step's transaction.
func afterMoveInUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		if r.GetString("documents") != orig.GetString("documents") {
			return RecordEvent(tx, Event{Subject: r, Action: "documents", Actor: auth, Note: strings.Join(slicesSorted(moveInDocuments(r)), ",")})
		}
		if r.GetString("notice_date") != orig.GetString("notice_date") {
			return afterMoveInOpenedDate(tx, r, auth)
		}
		return nil
	}
	note := ""
	switch step.To {
	case "inspected":
		if err := takeMoveInReadings(tx, r, auth); err != nil {
			return err
		}
		note = fmt.Sprintf("%d 项问题", len(moveInDefects(r)))
	case "defects_open":
		if err := fileMoveInRepairs(tx, r, auth); err != nil {
			return err
		}
	case "keys_handed":
		if err := handOverUnit(tx, r, auth); err != nil {
			return err
		}
		if _, err := BillMoveIn(tx, r, auth); err != nil {
			return err
		}
		if err := logMoveInKeys(tx, r, auth); err != nil {
			return err
		}
		note = fmt.Sprintf("钥匙 %d 把", r.GetInt("keys_count"))
	case "completed":
		if d := r.GetString("moved_in_on"); d != "" {
			if err := moveUnitIn(tx, r, d, auth); err != nil {
				return err
			}
		}
	case "cancelled":
		note = r.GetString("cancel_reason")
	}
	return RecordEvent(tx, Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth, Public: true, Note: note})
}

func afterMoveInOpenedDate(tx core.App, r, auth *core.Record) error {
	unit, err := tx.FindRecordById("units", r.GetString("unit"))
	if err != nil {
		return err
	}
	unit.Set("notice_on", r.GetString("notice_date"))
	if err := tx.Save(unit); err != nil {
		return err
	}
	return RecordEvent(tx, Event{Subject: r, Action: "notice_date", Actor: auth, Public: true, Note: r.GetString("notice_date")})
}

func slicesSorted(m map[string]docStamp) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// takeMoveInReadings writes the inspection's meter readings as meter
// readings of the day, through the readings' own rules (only forward;
// hooks/fees_meter_readings.go).
func takeMoveInReadings(tx core.App, r, auth *core.Record) error {
	readings, _ := moveInReadings(r)
	col, err := tx.FindCachedCollectionByNameOrId("meter_readings")
	if err != nil {
		return err
	}
	for _, meter := range migrations.Meters {
		v, ok := readings[meter]
		if !ok {
			continue
		}
		mr := core.NewRecord(col)
		mr.Set("unit", r.GetString("unit"))
		mr.Set("meter", meter)
		mr.Set("reading", v)
		mr.Set("read_on", today())
		if err := TakeReading(tx, mr, auth); err != nil {
			if errs, ok := validationErrorsOf(err); ok {
				if e, ok := errs["reading"]; ok {
					return badRequest(validation.Errors{"readings": e})
				}
			}
			return err
		}
	}
	return nil
}

// fileMoveInRepairs makes a work order for engineering of each defect
// ([004] 四 2 4.4.3: 设备维护部应通知项目工程部…处理), for the owner, with the
// move-in's serial as its source.
func fileMoveInRepairs(tx core.App, r, auth *core.Record) error {
	defects := moveInDefects(r)
	for i := range defects {
		if defects[i].WorkOrder != "" {
			continue
		}
		o, err := fileMoveInRepair(tx, r, defects[i], "入伙验房问题：", auth)
		if err != nil {
			return err
		}
		defects[i].WorkOrder, defects[i].Serial = o.Id, o.GetString("serial")
	}
	r.Set("defects", defects)
	return tx.SaveNoValidate(r)
}

func fileMoveInRepair(tx core.App, m *core.Record, d moveInDefect, prefix string, auth *core.Record) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId("work_orders")
	if err != nil {
		return nil, err
	}
	owner, _ := tx.FindRecordById("residents", m.GetString("resident"))
	o := core.NewRecord(col)
	fields := map[string]any{"unit": m.GetString("unit"), "kind": "routine", "category": d.Category,
		"description": shorten(prefix+d.Description, 1000), "source": "move_in", "source_ref": m.GetString("serial")}
	if owner != nil {
		fields["requester"] = owner.Id
		fields["contact_name"] = owner.GetString("name")
		fields["contact_phone"] = owner.GetString("phone")
	}
	for k, v := range fields {
		o.Set(k, v)
	}
	if err := prepareWorkOrder(tx, o, auth); err != nil {
		return nil, err
	}
	if err := tx.Save(o); err != nil {
		return nil, fmt.Errorf("work order for a move-in defect: %w", err)
	}
	if err := afterWorkOrderCreate(tx, o, auth); err != nil {
		return nil, err
	}
	return o, nil
}

// handOverUnit: the unit is handed over on the day its keys are ([000]
// 收费员 4.2.1.1 收房之日), with the notice's date on it.
func handOverUnit(tx core.App, m, auth *core.Record) error {
	unit, err := tx.FindRecordById("units", m.GetString("unit"))
	if err != nil {
		return err
	}
	from := unit.GetString("status")
	if unit.GetString("handed_over_on") == "" {
		unit.Set("handed_over_on", today())
	}
	if from == "vacant" {
		unit.Set("status", "handed_over")
	}
	if unit.GetString("notice_on") == "" {
		unit.Set("notice_on", m.GetString("notice_date"))
	}
	if err := tx.Save(unit); err != nil {
		return err
	}
	return RecordEvent(tx, Event{Subject: unit, Action: "status", From: from, To: unit.GetString("status"), Actor: auth,
		Note: "入伙交房 " + m.GetString("serial")})
}

// moveUnitIn: the owner has moved in on day.
func moveUnitIn(tx core.App, m *core.Record, day string, auth *core.Record) error {
	unit, err := tx.FindRecordById("units", m.GetString("unit"))
	if err != nil {
		return err
	}
	if day < unit.GetString("handed_over_on") {
		return badRequest(validation.Errors{"moved_in_on": codedError("validation_invalid_date")})
	}
	from := unit.GetString("status")
	unit.Set("moved_in_on", day)
	if from == "handed_over" {
		unit.Set("status", "occupied")
	}
	if err := tx.Save(unit); err != nil {
		return err
	}
	return RecordEvent(tx, Event{Subject: unit, Action: "status", From: from, To: unit.GetString("status"), Actor: auth,
		Note: "入伙办结 " + m.GetString("serial")})
}

// logMoveInKeys records the keys handed to the owner ([004] 四 2 4.6.3:
// 钥匙领用表): every key of the unit in the cabinet leaves it for good,
// each with a key record (key_loans, move_in set) in the owner's name; a
// unit whose keys never were in the cabinet gets one key record saying how
// many were handed.
func logMoveInKeys(tx core.App, m, auth *core.Record) error {
	owner, err := tx.FindRecordById("residents", m.GetString("resident"))
	if err != nil {
		return err
	}
	keys, err := tx.FindAllRecords("keys", dbx.HashExp{"unit": m.GetString("unit"), "status": "in"})
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		col, err := tx.FindCachedCollectionByNameOrId("keys")
		if err != nil {
			return err
		}
		k := core.NewRecord(col)
		label := m.GetString("serial") + " 入户钥匙"
		if name, err := unitName(tx, m.GetString("unit")); err == nil {
			label = name + " 入户钥匙 " + m.GetString("serial")
		}
		for f, v := range map[string]any{"community": m.GetString("community"), "label": shorten(label, 50), "kind": "other",
			"unit": m.GetString("unit"), "building": m.GetString("building"), "status": "handed_over"} {
			k.Set(f, v)
		}
		if err := tx.Save(k); err != nil {
			return err
		}
		keys = append(keys, k)
	}
	col, err := tx.FindCachedCollectionByNameOrId("key_loans")
	if err != nil {
		return err
	}
	for _, k := range keys {
		from := k.GetString("status")
		if from != "handed_over" {
			k.Set("status", "handed_over")
			if err := tx.Save(k); err != nil {
				return err
			}
		}
		l := core.NewRecord(col)
		phone := owner.GetString("phone")
		fields := map[string]any{"key": k.Id, "community": m.GetString("community"), "borrower_name": shorten(owner.GetString("name"), 50),
			"purpose": fmt.Sprintf("入伙交钥匙 %s，共 %d 把", m.GetString("serial"), m.GetInt("keys_count")),
			"lent_at": nowDateTime(), "lent_by": actorID(auth), "move_in": m.Id}
		if phone != "" {
			fields["borrower_phone"] = phone
		}
		for f, v := range fields {
			l.Set(f, v)
		}
		if err := tx.Save(l); err != nil {
			return fmt.Errorf("key record: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: k, Action: "handed_over", From: from, To: "handed_over", Actor: auth,
			Note: owner.GetString("name") + " " + m.GetString("serial")}); err != nil {
			return err
		}
	}
	return nil
}

// unitName is "building code-number" (1-101).
func unitName(app core.App, id string) (string, error) {
	var name string
	err := app.DB().NewQuery(`SELECT b.code || '-' || u.number FROM units u JOIN buildings b ON b.id = u.building WHERE u.id = {:id}`).
		Bind(dbx.Params{"id": id}).Row(&name)
	return name, err
}

// validationErrorsOf unwraps the field errors of a 400.
func validationErrorsOf(err error) (validation.Errors, bool) {
	var api *router.ApiError
	if errors.As(err, &api) {
		if errs, ok := api.RawData().(validation.Errors); ok {
			return errs, true
		}
	}
	if errs, ok := err.(validation.Errors); ok {
		return errs, true
	}
	return nil, false
}

// AdvanceMoveIn moves the move-in with id to status to as actor would
// through the API (the demo and the tests).
func AdvanceMoveIn(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "move_ins", id, actor, to, fields, planMoveInUpdate, afterMoveInUpdate)
}
