package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/money"
)

// The home visits after the final notice ([000] 管理员 4.1.3.2–4.1.3.4,
// [002] 四 4.1.3, [000] 收费员 4.2.1.11), one step at a time: the area
// manager visits the household (管理员应主动上门访问); if that does not
// settle it, the supervisor goes in person (助理应亲自上门拜访); if the
// household still refuses, the service center takes it up with the
// director (会同管理处主任协商解决办法). Each step is a task on its
// visitor's list (arrears_visits) with its outcome recorded by that visitor;
// the next step is taken only when the previous one's outcome is recorded,
// the bill is still unpaid, and the deadline the outcome gave has passed.
// Paying (or voiding) the bill leaves the ladder at any step.

// arrearsNext is the step after each one ("" before the first).
var arrearsNext = map[string]string{"": "area_manager", "area_manager": "supervisor", "supervisor": "director"}

// arrearsVisitor names the visitor of each step, in Chinese and English.
var arrearsVisitor = map[string]text{
	"area_manager": {"片区管理员", "area manager"}, "supervisor": {"客服主管", "supervisor"}, "director": {"管理处主任", "director"},
}

// visitEditable are the fields a visitor records; the server sets the rest.
var visitEditable = map[string]bool{"outcome": true, "promised_on": true, "outcome_note": true}

func registerArrearsVisits(app core.App) {
	app.OnRecordUpdateRequest("arrears_visits").BindFunc(recordVisitOutcome)
	// Paying or voiding a bill settles its open visit, in the transaction
	// that closed the bill; a reversal that opens it again reopens it.
	app.OnRecordUpdate("bills").BindFunc(func(e *core.RecordEvent) error {
		wasOpen := billOpen(e.Record.Original())
		if err := e.Next(); err != nil {
			return err
		}
		if isOpen := billOpen(e.Record); wasOpen != isOpen && !e.Record.IsNew() {
			return settleVisits(e.App, e.Record, isOpen)
		}
		return nil
	})
}

func billOpen(b *core.Record) bool {
	s := b.GetString("status")
	return s == "issued" || s == "partially_paid"
}

// advanceVisits takes the next home-visit step, on day, for every open bill
// past its final notice: the area manager's visit once the bill is
// escalated; the supervisor's, then the director's, once the previous
// visit's outcome is recorded and its deadline has passed unpaid. A visit
// still open (not yet made, or nobody was home) holds the bill where it is.
//
// The bills due are read outside any transaction and the visits written in
// the jobs' short batches (inBatchesOf), each bill judged again inside the
// write that moves it: a bill paid, or a visit recorded, meanwhile is
// judged as it is then — with every escalated bill of an estate in one
// transaction, the daily run held the write lock for the whole list.
func advanceVisits(app core.App, day string) (int, error) {
	due, err := visitsDue(app, day, "")
	if err != nil {
		return 0, fmt.Errorf("arrears visits due: %w", err)
	}
	jobSelected("arrears_visits")
	return inBatchesOf(app, "arrears_visits", len(due), func(tx core.App, i int) (bool, error) {
		still, err := visitsDue(tx, day, due[i].Bill)
		if err != nil {
			return false, fmt.Errorf("arrears visit of %s: %w", due[i].Bill, err)
		}
		if len(still) == 0 || still[0].Visit != due[i].Visit {
			return false, nil // paid, or moved on, since the list was read
		}
		b, err := tx.FindRecordById("bills", due[i].Bill)
		if err != nil {
			return false, err
		}
		var prev *core.Record
		if due[i].Visit != "" {
			if prev, err = tx.FindRecordById("arrears_visits", due[i].Visit); err != nil {
				return false, err
			}
		}
		return true, openVisit(tx, b, prev, day)
	})
}

// visitDue is an open, escalated bill whose next home-visit step is due,
// with its latest visit ("" before the first).
type visitDue struct {
	Bill  string `db:"bill"`
	Visit string `db:"visit"`
}

// visitsDue lists the bills whose next visit is due on day (advanceVisits),
// or only bill when it is set.
func visitsDue(app core.App, day, bill string) ([]visitDue, error) {
	only := ""
	if bill != "" {
		only = " AND b.id = {:bill}"
	}
	// Each escalated open bill with its latest step (none yet, or one whose
	// outcome is recorded, its deadline passed, with a step after it).
	var due []visitDue
	err := app.DB().NewQuery(`
		SELECT b.id AS bill, COALESCE(v.id, '') AS visit
		FROM bills b
		LEFT JOIN arrears_visits v ON v.id = (SELECT x.id FROM arrears_visits x WHERE x.bill = b.id
			ORDER BY CASE x.step WHEN 'area_manager' THEN 1 WHEN 'supervisor' THEN 2 WHEN 'director' THEN 3 ELSE 0 END DESC, x.created DESC LIMIT 1)
		WHERE b.status IN ('issued', 'partially_paid') AND b.reminder_stage = 'escalated'
			AND (v.id IS NULL OR (v.status = 'recorded' AND v.deadline != '' AND v.deadline < {:day} AND v.step IN ('area_manager', 'supervisor')))` + only + `
		ORDER BY b.id`).Bind(dbx.Params{"day": day, "bill": bill}).All(&due)
	return due, err
}

// openVisit puts the step after prev (nil: the first) of bill b on its
// visitor's list, records it on the visit and the bill, and tells the visitor.
func openVisit(tx core.App, b, prev *core.Record, day string) error {
	from := ""
	if prev != nil {
		from = prev.GetString("step")
	}
	step := arrearsNext[from]
	col, err := tx.FindCachedCollectionByNameOrId("arrears_visits")
	if err != nil {
		return err
	}
	v := core.NewRecord(col)
	for k, val := range map[string]any{"community": b.GetString("community"), "bill": b.Id, "unit": b.GetString("unit"),
		"step": step, "issued_on": day, "amount_fen": outstanding(b), "status": "open"} {
		v.Set(k, val)
	}
	if r, err := tx.FindFirstRecordByFilter("reminders", "bill = {:b} && stage = 'escalated'", dbx.Params{"b": b.Id}); err == nil {
		v.Set("reminder", r.Id)
	}
	if step == "area_manager" {
		if m := areaManagerOf(tx, b.GetString("unit")); m != nil && m.GetBool("active") {
			v.Set("assignee", m.Id)
		}
	}
	if err := tx.Save(v); err != nil {
		return fmt.Errorf("arrears visit %s for %s: %w", step, b.GetString("serial"), err)
	}
	unit, err := tx.FindRecordById("units", b.GetString("unit"))
	if err != nil {
		return err
	}
	title := fmt.Sprintf("账单 %s（%s）三次催缴仍未缴纳，欠费 %s，请上门催缴", b.GetString("serial"), unit.GetString("number"), money.Yuan(outstanding(b)))
	if prev != nil {
		title = fmt.Sprintf("账单 %s（%s）欠费 %s：%s上门后（%s）仍未缴纳，请%s上门处理", b.GetString("serial"), unit.GetString("number"),
			money.Yuan(outstanding(b)), arrearsVisitor[from].zh, outcomeNames[prev.GetString("outcome")], arrearsVisitor[step].zh)
	}
	if err := RecordEvent(tx, Event{Subject: v, Action: "assigned", From: from, To: step, Note: title}); err != nil {
		return err
	}
	if err := RecordEvent(tx, Event{Subject: b, Action: "arrears_visit", From: from, To: step, Note: title}); err != nil {
		return err
	}
	visitors, err := visitorsOf(tx, v)
	if err != nil {
		return err
	}
	for _, s := range visitors {
		if err := Notify(tx, Notice{Recipient: s, Kind: "arrears_visit", Title: title, Subject: v}); err != nil {
			return err
		}
	}
	return nil
}

// outcomeNames are the outcomes in the notifications' Chinese.
var outcomeNames = map[string]string{
	"visited": "已上门说明", "promised": "承诺限期缴纳", "refused": "拒绝缴纳", "disputed": "对服务有异议", "not_home": "无人在家",
}

// visitorsOf are the staff whose task visit v is: its assignee, or else the
// active staff of its community in the step's role.
func visitorsOf(app core.App, v *core.Record) ([]*core.Record, error) {
	if id := v.GetString("assignee"); id != "" {
		s, err := app.FindRecordById("staff", id)
		if err != nil {
			return nil, err
		}
		return []*core.Record{s}, nil
	}
	return app.FindAllRecords("staff",
		dbx.NewExp("role = {:r} AND active = TRUE AND EXISTS (SELECT 1 FROM json_each(communities) WHERE value = {:c})",
			dbx.Params{"r": v.GetString("step"), "c": v.GetString("community")}))
}

// isVisitor reports whether staff member auth is the visitor of visit v:
// its assignee, or, for a visit without one, a staff member of the step's
// role (the API rule has already checked the community).
func isVisitor(auth, v *core.Record) bool {
	if !isStaff(auth) {
		return false
	}
	if a := v.GetString("assignee"); a != "" {
		return a == auth.Id
	}
	return staffRole(auth) == v.GetString("step")
}

// recordVisitOutcome records what a home visit came to, by its visitor
// alone (403 for anyone else): the outcome, with the date promised when the
// household promised to pay, and a note. Nobody home leaves the task open
// for another visit; any other outcome closes it with the deadline after
// which, still unpaid, the next step is taken: the date promised, or ten
// days on, as the notices give ([000] 收费员 4.2.1.9; office practice for
// the visits).
func recordVisitOutcome(e *core.RecordRequestEvent) error {
	v, orig := e.Record, e.Record.Original()
	for _, f := range changedFields(orig, v) {
		if !visitEditable[f] {
			return badRequest(validation.Errors{f: codedError("wuye_field_locked")})
		}
	}
	action, err := applyOutcome(v, orig, e.Auth, now())
	if err != nil {
		return err
	}
	return inTxChecked(e, orig, []string{"status", "attempts"}, func(tx core.App) error {
		return outcomeEvent(tx, v, orig, e.Auth, action)
	})
}

// applyOutcome checks the outcome set on visit v (orig as stored) by staff
// member by at instant at, and fills in what the server sets: who and
// when, the attempts, the status and the deadline. It returns the event's
// action.
func applyOutcome(v, orig, by *core.Record, at time.Time) (string, error) {
	if orig.GetString("status") != "open" {
		return "", badRequest(validation.Errors{"outcome": codedError("wuye_visit_recorded")})
	}
	outcome := v.GetString("outcome")
	if outcome == "" {
		return "", badRequest(validation.Errors{"outcome": codedError("validation_required")})
	}
	if !isVisitor(by, orig) {
		who := arrearsVisitor[orig.GetString("step")]
		return "", apis.NewForbiddenError("", validation.Errors{"outcome": codedError("wuye_visit_not_yours", who.zh, who.en)})
	}
	day := dayOf(at)
	promised := v.GetString("promised_on")
	switch {
	case outcome == "promised" && (!isCivilDate(promised) || promised < day):
		return "", badRequest(validation.Errors{"promised_on": codedError("wuye_promise_date")})
	case outcome != "promised" && promised != "":
		return "", badRequest(validation.Errors{"promised_on": codedError("wuye_promise_only")})
	}
	stamp, _ := types.ParseDateTime(at)
	v.Set("recorded_at", stamp)
	v.Set("recorded_by", by.Id)
	if outcome == "not_home" {
		v.Set("attempts", orig.GetInt("attempts")+1)
		return "attempt", nil
	}
	v.Set("status", "recorded")
	deadline := promised
	if deadline == "" {
		deadline = civil(day).AddDate(0, 0, reminderDays).Format(time.DateOnly)
	}
	v.Set("deadline", deadline)
	return "outcome", nil
}

func outcomeEvent(tx core.App, v, orig, by *core.Record, action string) error {
	note := outcomeNames[v.GetString("outcome")]
	if d := v.GetString("deadline"); d != "" {
		note += "，缴费期限 " + d
	}
	if n := v.GetString("outcome_note"); n != "" {
		note += "：" + n
	}
	return RecordEvent(tx, Event{Subject: v, Action: action, From: orig.GetString("status"), To: v.GetString("outcome"), Actor: by, Note: note})
}

// RecordVisitOutcome records the outcome of visit v as its visitor by would
// through the API, at instant at (the demo loader dates its visits with it).
func RecordVisitOutcome(app core.App, v, by *core.Record, at time.Time, outcome, promisedOn, note string) error {
	orig := v.Original()
	v.Set("outcome", outcome)
	v.Set("promised_on", promisedOn)
	v.Set("outcome_note", note)
	action, err := applyOutcome(v, orig, by, at)
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(v); err != nil {
			return err
		}
		return outcomeEvent(tx, v, orig, by, action)
	})
}

// settleVisits takes bill b off the home-visit ladder when it is paid or
// voided (open false): its open visit is settled. When a reversal opens the
// bill again (open true), the visit it settled (only an open visit is
// settled) goes back on its visitor's list.
func settleVisits(tx core.App, b *core.Record, open bool) error {
	from, to, note := "open", "settled", "账单已缴清"
	if b.GetString("status") == "void" {
		note = "账单已作废"
	}
	if open {
		from, to, note = "settled", "open", "收款冲正，账单恢复欠费"
	}
	visits, err := tx.FindAllRecords("arrears_visits", dbx.HashExp{"bill": b.Id, "status": from})
	if err != nil {
		return err
	}
	for _, v := range visits {
		v.Set("status", to)
		if err := tx.Save(v); err != nil {
			return err
		}
		if err := RecordEvent(tx, Event{Subject: v, Action: "status", From: from, To: to, Note: note}); err != nil {
			return err
		}
	}
	return nil
}
