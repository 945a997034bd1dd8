package hooks

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/money"
	"wuye/lib/workcal"
)

// Dispatch timing: the reply and arrival deadlines come from the community's
// service levels (hooks/base_sla.go) — by default a reply within 15 minutes
// of intake inside the opening hours, around the clock for an urgent repair
// [003] 2.4.3, and a technician no more than 5 minutes early and 2 late to
// the appointment [004] 三 7.1; last month's revisits are done by the 10th
// [003 2.7].
const revisitDay = 10

// Parties of a work order besides staff roles.
const (
	actorAssignee  = "assignee"  // the technician the order is dispatched to
	actorClaimant  = "claimant"  // a technician of the trade, while the order waits in the pool
	actorRequester = "requester" // the resident who asked for the work
)

var (
	deskAndRequester = append(slices.Clone(deskActors), actorRequester)
	cancelStep       = func(from string, actors []string) Step {
		return Step{From: from, To: "cancelled", Verb: text{"取消工单", "Cancel the order"}, Actors: actors, Requires: []string{"cancel_reason"}, Stamp: "cancelled_at"}
	}
)

// WorkOrderFlow is the work-order state machine (docs/DESIGN.md, "Flows"), read by the
// update hook, the demo loader, the tests and the docs. Paid work needs the
// resident's consent to the price before it starts: a quote confirmed by
// the resident (quoted → in_progress), or a listed price the resident chose
// when asking (then on_site → in_progress is allowed).
var WorkOrderFlow = []Step{
	{From: "new", To: "dispatched", Verb: text{"派工", "Dispatch"}, Actors: deskActors, Requires: []string{"dispatch_mode"}, Extras: []string{"technician", "appointment_at"}, Stamp: "replied_at"},
	{From: "dispatched", To: "accepted", Verb: text{"接单", "Accept"}, Actors: []string{actorAssignee, actorClaimant}, Extras: []string{"technician"}, Stamp: "accepted_at"},
	{From: "accepted", To: "on_site", Verb: text{"到场签到", "Check in on site"}, Actors: []string{actorAssignee}, Stamp: "arrived_at"},
	{From: "on_site", To: "quoted", Verb: text{"提交报价", "Send the quote"}, Actors: []string{actorAssignee}, Requires: []string{"quote_fen", "quote_note"}, Guard: paidWorkOnly},
	{From: "quoted", To: "in_progress", Verb: text{"代住户确认报价", "Confirm the quote for the resident"}, Actors: deskAndRequester, Stamp: "quote_confirmed_at"},
	{From: "on_site", To: "in_progress", Verb: text{"开始施工", "Start the work"}, Actors: []string{actorAssignee}, Stamp: "started_at", Guard: priceAgreed},
	{From: "in_progress", To: "completed", Verb: text{"完工", "Finish the work"}, Actors: []string{actorAssignee}, Extras: []string{"materials", "damage_report", "payment", "pay_method", "photos"}, Stamp: "completed_at"},
	{From: "completed", To: "signed_off", Verb: text{"住户签收", "Sign off"}, Actors: []string{actorRequester, actorAssignee}, Requires: []string{"signoff"}, Extras: []string{"signature", "satisfaction"}, Stamp: "signed_off_at"},
	{From: "signed_off", To: "revisited", Verb: text{"登记回访", "Record the revisit"}, Actors: deskActors, Requires: []string{"revisit_method", "satisfaction"}, Extras: []string{"revisit_note"}, Stamp: "revisited_at"},
	{From: "revisited", To: "closed", Verb: text{"关闭工单", "Close the order"}, Actors: deskActors, Stamp: "closed_at"},
	cancelStep("new", deskAndRequester),
	cancelStep("dispatched", deskAndRequester),
	cancelStep("accepted", deskAndRequester),
	cancelStep("quoted", deskAndRequester), // the resident declines the quote
	cancelStep("on_site", deskActors),
}

var workOrderFlow = &Flow{
	Noun:     text{"派工单", "work order"},
	Steps:    WorkOrderFlow,
	Terminal: []string{"closed", "cancelled"},
	Labels: map[string]text{
		"new": {"待派工", "new"}, "dispatched": {"已派工", "dispatched"}, "accepted": {"已接单", "accepted"},
		"on_site": {"已到场", "on site"}, "quoted": {"待确认报价", "quoted"}, "in_progress": {"施工中", "in progress"},
		"completed": {"已完工", "completed"}, "signed_off": {"已签收", "signed off"}, "revisited": {"已回访", "revisited"},
		"closed": {"已关闭", "closed"}, "cancelled": {"已取消", "cancelled"},
	},
	Actors: workOrderActors,
	Editable: func(actors []string, from string) []string {
		var out []string
		if hasAny(actors, deskActors) {
			out = append(out, "contact_name", "contact_phone", "appointment_at", "damage_report", "payment", "pay_method")
			if slices.Contains([]string{"new", "dispatched", "accepted"}, from) {
				out = append(out, "category", "dispatch_mode", "technician", "urgency") // re-dispatch, re-grade
			}
		}
		if slices.Contains(actors, RoleCashier) {
			out = append(out, "payment", "pay_method")
		}
		if slices.Contains(actors, actorAssignee) {
			out = append(out, "damage_report")
			if from == "completed" || from == "signed_off" {
				out = append(out, "payment", "pay_method") // paid at the door after the work (办理即收费)
			}
			if from == "in_progress" {
				out = append(out, "materials")
			}
		}
		return out
	},
}

func paidWorkOnly(r *core.Record) error {
	if r.GetString("kind") == "routine" {
		return badRequest(validation.Errors{"quote_fen": codedError("wuye_routine_is_free")})
	}
	return nil
}

func priceAgreed(r *core.Record) error {
	if r.GetString("kind") != "routine" && r.GetDateTime("quote_confirmed_at").IsZero() {
		return badRequest(validation.Errors{"status": codedError("wuye_quote_first")})
	}
	return nil
}

// workOrderActors lists the flow parties auth is for order o.
func workOrderActors(auth, o *core.Record) []string {
	var out []string
	switch {
	case isStaff(auth):
		out = append(out, auth.GetString("role"))
		if o.GetString("technician") == auth.Id {
			out = append(out, actorAssignee)
		}
		if inPool(o) && canClaim(auth, o) {
			out = append(out, actorClaimant)
		}
	case isResident(auth):
		if o.GetString("requester") == auth.Id {
			out = append(out, actorRequester)
		}
	}
	return out
}

// inPool reports whether o waits in its trade's pool for a technician.
func inPool(o *core.Record) bool {
	return o.GetString("status") == "dispatched" && o.GetString("dispatch_mode") == "pool" && o.GetString("technician") == ""
}

// canClaim reports whether technician auth may take o from the pool.
func canClaim(auth, o *core.Record) bool {
	return hasRole(auth, RoleTechnician) && servesCommunity(auth, o.GetString("community")) &&
		slices.Contains(auth.GetStringSlice("skills"), o.GetString("category"))
}

func registerDispatch(app core.App) {
	app.OnRecordCreateRequest("work_orders").BindFunc(func(e *core.RecordRequestEvent) error {
		defer forgetVouched(e.Record)
		vouchAuth(e.Record, e.Auth) // the resident who asks, the staff who receives it
		if err := prepareWorkOrder(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			return afterWorkOrderCreate(tx, e.Record, e.Auth)
		})
	})
	bindFlowUpdates(app, "work_orders", planWorkOrderUpdate, afterWorkOrderUpdate, "status", "technician", "payment")
	app.OnRecordValidate("work_orders").BindFunc(validatePlace)
	// Work orders are records of money and service: never deleted.
	app.OnRecordDelete("work_orders").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_never_deleted_order")})
	})
	app.OnRecordAfterCreateSuccess("work_orders").BindFunc(func(e *core.RecordEvent) error {
		pushQueue(e.App, nil, e.Record)
		return e.Next()
	})
	app.OnRecordAfterUpdateSuccess("work_orders").BindFunc(func(e *core.RecordEvent) error {
		pushQueue(e.App, e.Record.Original(), e.Record)
		return e.Next()
	})
	registerDispatchEnrich(app)
	registerDispatchBoard(app)
	registerClaimConflict(app)
	app.OnRecordCreateRequest("service_demands").BindFunc(prepareDemand)
	app.OnRecordUpdateRequest("service_demands").BindFunc(answerDemand)

	addJob(app, "wuye_work_order_replies", "* * * * *", jobStep{"flag late work-order replies", FlagLateReplies})
	addJob(app, "wuye_work_order_revisits", "10 0 * * *", jobStep{"flag missed revisits", FlagMissedRevisits})
}

// workOrderServerOwned are the fields only Wuye sets on a new order.
var workOrderServerOwned = []string{
	"serial", "status", "receiver", "received_at", "reply_due", "replied_at", "accepted_at", "arrived_at", "arrival",
	"quote_fen", "quote_note", "quote_confirmed_at", "materials", "materials_fen", "amount_fen", "started_at", "completed_at",
	"signoff", "signature", "signed_off_at", "paid_at", "revisit_method", "satisfaction", "revisit_note", "revisited_at",
	"closed_at", "cancel_reason", "cancelled_at", "reply_overdue", "revisit_overdue", "rework_of", "rework_round",
	"technician", "dispatch_mode", "arrival_due", "pay_method",
}

// workOrderOfficeOwned are the fields the office sets on an order a resident
// files in the portal: where it came from (a patrol, an inspection) and the
// damage report are the office's record.
var workOrderOfficeOwned = []string{"source", "source_ref", "damage_report"}

// prepareWorkOrder fills in what the office decides about a new order: its
// receiver, status and what the price list says. Its urgency is the
// caller's choice (急修 or 零修); the reply and arrival deadlines follow
// from it as the order is saved (workOrderDeadlines, hooks/base_sla.go).
func prepareWorkOrder(app core.App, r, auth *core.Record) error {
	payment, method := r.GetString("payment"), r.GetString("pay_method")
	for _, f := range workOrderServerOwned {
		r.Set(f, nil)
	}
	at := now()
	r.Set("status", "new")
	r.Set("received_at", at)
	r.Set("payment", "none")
	if isResident(auth) {
		for _, f := range workOrderOfficeOwned {
			r.Set(f, nil)
		}
	}
	if r.GetString("source") == "" {
		r.Set("source", "request")
	}
	if r.GetString("kind") == "" {
		r.Set("kind", "routine")
	}
	switch {
	case isResident(auth):
		if r.GetString("unit") == "" {
			return badRequest(validation.Errors{"unit": codedError("validation_required")})
		}
		r.Set("requester", auth.Id)
		if r.GetString("contact_name") == "" {
			r.Set("contact_name", auth.GetString("name"))
		}
		if r.GetString("contact_phone") == "" {
			r.Set("contact_phone", auth.GetString("phone"))
		}
	case isStaff(auth):
		r.Set("receiver", auth.Id)
		if err := checkNamedResident(app, r, "requester"); err != nil {
			return err
		}
	}
	if id := r.GetString("service_item"); id != "" {
		item, err := app.FindRecordById("service_items", id)
		if err != nil || !item.GetBool("active") {
			return badRequest(validation.Errors{"service_item": codedError("wuye_item_unavailable")})
		}
		r.Set("kind", item.GetString("kind"))
		r.Set("category", item.GetString("category"))
		if item.GetString("kind") != "routine" && !item.GetBool("needs_estimate") {
			// A listed price is agreed at intake: the resident chose the item
			// at that price in the portal, or the desk told the caller the
			// price and records their agreement. Items priced on site go
			// through a quote the resident confirms.
			r.Set("quote_fen", item.GetInt("price_fen"))
			r.Set("quote_confirmed_at", at)
		}
	}
	// The desk takes a payment at the counter (in-home cleaning is paid
	// before it is dispatched, [003] 篇2 4.5(2)): a real payment, taken
	// once the order is stored (afterWorkOrderCreate).
	if isStaff(auth) && payment == "paid" {
		r.Set("payment", "paid")
		r.Set("pay_method", method)
		if err := planOrderPayment(app, core.NewRecord(r.Collection()), r, Step{}, payment); err != nil {
			return err
		}
	}
	return nil
}

// afterWorkOrderCreate records a new order and takes the payment it came
// with, in the transaction that stores it.
func afterWorkOrderCreate(tx core.App, o, auth *core.Record) error {
	if err := RecordEvent(tx, Event{Subject: o, Action: "create", To: "new", Actor: auth, Public: true}); err != nil {
		return err
	}
	if payTaken(o.GetString("payment")) {
		return takeOrderPayment(tx, o, auth)
	}
	return nil
}

// planWorkOrderUpdate judges the change from orig to r by auth against the
// flow and completes it.
func planWorkOrderUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	asked := r.GetString("payment")
	step, err := workOrderFlow.Plan(auth, superuser, orig, r, at)
	if err != nil {
		return step, err
	}
	if t := r.GetString("technician"); t != orig.GetString("technician") && t != "" {
		if step.To == "accepted" && !superuser {
			// A claim from the pool: the claimant takes it for themselves.
			if t != auth.Id {
				return step, badRequest(validation.Errors{"technician": codedError("wuye_claim_for_yourself")})
			}
		} else if tech, err := app.FindRecordById("staff", t); err != nil || !servesCommunity(tech, r.GetString("community")) || tech.GetString("role") != RoleTechnician {
			return step, badRequest(validation.Errors{"technician": codedError("wuye_not_a_technician")})
		}
	}
	if r.GetString("dispatch_mode") == "pool" && r.GetString("technician") != "" && step.To == "dispatched" {
		r.Set("technician", "") // the pool is for any technician of the trade
	}
	switch step.To {
	case "dispatched":
		if r.GetString("dispatch_mode") == "assign" && r.GetString("technician") == "" {
			return step, badRequest(validation.Errors{"technician": codedError("wuye_step_requires", workOrderFlow.args("dispatched")...)})
		}
		// A prepaid service goes out only once a payment settled its bill
		// ([003] 篇2 4.5(2)): the payment field alone is not enough.
		if item, err := app.FindRecordById("service_items", r.GetString("service_item")); err == nil && item.GetBool("prepay") {
			if paid, err := orderPaid(app, r.Id); err != nil {
				return step, err
			} else if !paid {
				return step, badRequest(validation.Errors{"payment": codedError("wuye_prepay_first")})
			}
		}
	case "accepted":
		if r.GetString("technician") == "" && auth != nil {
			r.Set("technician", auth.Id)
		}
	case "on_site":
		verdict, err := arrivalVerdict(app, r, at.Time())
		if err != nil {
			return step, err
		}
		r.Set("arrival", verdict)
	case "in_progress":
		r.Set("started_at", at)
	case "completed":
		if err := settleAmount(app, r); err != nil {
			return step, err
		}
	case "signed_off":
		signed := r.GetString("signature") != "" || len(r.GetUnsavedFiles("signature")) > 0
		if !hasAny(workOrderActors(auth, orig), []string{actorRequester}) && !superuser && !signed {
			// On the technician's device the resident signs on the screen.
			return step, badRequest(validation.Errors{"signature": codedError("wuye_signature_needed")})
		}
	}
	return step, planOrderPayment(app, orig, r, step, asked)
}

// settleAmount prices a completed order: the agreed price plus materials
// for paid and business work; routine work is free to the resident. What
// is owed is paid on the spot or, by default, charged on the next statement.
func settleAmount(app core.App, r *core.Record) error {
	// Each line and the whole order are bounded (hooks/guard_money.go).
	materials, err := checkMaterials(r.GetString("materials"))
	if err != nil {
		return err
	}
	r.Set("materials_fen", materials)
	amount := int64(0)
	if r.GetString("kind") != "routine" {
		amount = int64(r.GetInt("quote_fen")) + materials
		if amount > MaxFen {
			return materialsError("wuye_order_total_max")
		}
	}
	r.Set("amount_fen", amount)
	switch {
	case amount == 0:
		r.Set("payment", "none")
	case payTaken(r.GetString("payment")): // paid in advance, or now (planOrderPayment)
	default:
		r.Set("payment", "unpaid")
	}
	return nil
}

// afterWorkOrderUpdate records the change and tells whom it concerns, in
// the change's transaction.
func afterWorkOrderUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		changed := changedFields(orig, r)
		if len(changed) == 0 {
			return nil
		}
		if err := RecordEvent(tx, Event{Subject: r, Action: "update", Actor: auth, Note: fmt.Sprint(changed)}); err != nil {
			return err
		}
	} else {
		ev := Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth, Public: true}
		switch step.To {
		case "quoted":
			ev.Note = "报价 " + money.Yuan(int64(r.GetInt("quote_fen"))) + "：" + r.GetString("quote_note")
		case "cancelled":
			ev.Note = r.GetString("cancel_reason")
		case "completed":
			ev.Note = "金额 " + money.Yuan(int64(r.GetInt("amount_fen")))
		}
		if err := RecordEvent(tx, ev); err != nil {
			return err
		}
		if err := tellRequester(tx, r, auth, step); err != nil {
			return err
		}
	}
	if r.GetString("damage_report") != "" && orig.GetString("damage_report") == "" {
		if err := notifyManagers(tx, r, "work_order_damage", fmt.Sprintf("派工单 %s 报告损坏住户财物，需协商赔偿", r.GetString("serial"))); err != nil {
			return err
		}
	}
	if t := r.GetString("technician"); t != "" && t != orig.GetString("technician") && step.To != "accepted" {
		if tech, err := tx.FindRecordById("staff", t); err == nil {
			if err := Notify(tx, Notice{Recipient: tech, Kind: "work_order_assigned", Subject: r,
				Title: fmt.Sprintf("新派工 %s：%s", r.GetString("serial"), shorten(r.GetString("description"), 40))}); err != nil {
				return err
			}
		}
	}
	if payTaken(r.GetString("payment")) && !payTaken(orig.GetString("payment")) {
		if err := takeOrderPayment(tx, r, auth); err != nil {
			return err
		}
	}
	if step.To == "signed_off" && r.GetString("signoff") == "rework" {
		return createRework(tx, r)
	}
	return nil
}

// tellRequester tells the resident who asked for repair r what waits for
// them — a quote to confirm ([003] 篇2 4.1(4), [004] 三 7.5), finished work
// to sign off — and
// what the office wrote down at its revisit; an order taken for a unit
// without a requester goes to the household. The resident's own steps tell
// nobody.
func tellRequester(tx core.App, r, auth *core.Record, step Step) error {
	switch step.From {
	case "quoted":
		if err := settleNotifications(tx, r, "quote_to_confirm"); err != nil {
			return err
		}
	case "completed":
		if err := settleNotifications(tx, r, "order_completed"); err != nil {
			return err
		}
	}
	serial := r.GetString("serial")
	var n Notice
	switch step.To {
	case "quoted":
		n = Notice{Kind: "quote_to_confirm", Title: fmt.Sprintf("报修 %s 报价 %s，待您确认", serial, money.Yuan(int64(r.GetInt("quote_fen")))),
			Body: r.GetString("quote_note")}
	case "completed":
		n = Notice{Kind: "order_completed", Title: fmt.Sprintf("报修 %s 已完工，请验收签收", serial)}
		if amt := r.GetInt("amount_fen"); amt > 0 {
			n.Body = "金额 " + money.Yuan(int64(amt))
		}
	case "revisited":
		n = Notice{Kind: "revisit", Title: fmt.Sprintf("报修 %s 已回访，登记为“%s”", serial, satisfactionNames[r.GetString("satisfaction")])}
	default:
		return nil
	}
	n.Subject = r
	requester := r.GetString("requester")
	if auth != nil && auth.Id == requester {
		return nil
	}
	if requester != "" {
		return notifyResident(tx, requester, n)
	}
	if u := r.GetString("unit"); u != "" {
		return notifyHousehold(tx, u, n)
	}
	return nil
}

// createRework opens a linked rework order after an unsatisfied sign-off,
// for the desk to send to the same or another technician. A rework that
// fails again is escalated to the supervisor and director.
func createRework(tx core.App, failed *core.Record) error {
	col, err := tx.FindCachedCollectionByNameOrId("work_orders")
	if err != nil {
		return err
	}
	at := now()
	rw := core.NewRecord(col)
	for _, f := range []string{"community", "unit", "building", "location", "requester", "contact_name", "contact_phone",
		"kind", "category", "service_item", "appointment_at", "urgency"} {
		rw.Set(f, failed.Get(f))
	}
	rw.Set("description", "返工："+failed.GetString("description"))
	rw.Set("status", "new")
	rw.Set("received_at", at) // its deadlines follow from the policies in force now
	rw.Set("payment", "none") // rework is on the office
	rw.Set("quote_confirmed_at", at)
	rw.Set("source", "request")
	rw.Set("source_ref", failed.GetString("serial"))
	rw.Set("rework_of", failed.Id)
	rw.Set("rework_round", failed.GetInt("rework_round")+1)
	if err := tx.Save(rw); err != nil {
		return fmt.Errorf("create rework of %s: %w", failed.GetString("serial"), err)
	}
	if err := RecordEvent(tx, Event{Subject: rw, Action: "create", To: "new", Public: true, Note: "返工 " + failed.GetString("serial")}); err != nil {
		return err
	}
	if failed.GetInt("rework_round") >= 1 {
		return notifyManagers(tx, rw, "work_order_rework_failed",
			fmt.Sprintf("派工单 %s 返工后住户仍不满意，请主管处理", failed.GetString("serial")))
	}
	return nil
}

// AdvanceWorkOrder moves the order with id to status to as actor would
// through the API, with fields set alongside, and returns it as stored.
// A nil actor acts as a superuser. The demo loader and the tests use it.
func AdvanceWorkOrder(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "work_orders", id, actor, to, fields, planWorkOrderUpdate, afterWorkOrderUpdate)
}

// FileWorkOrder takes in a work order as auth would through the API.
func FileWorkOrder(app core.App, o, auth *core.Record) error {
	if err := prepareWorkOrder(app, o, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(o); err != nil {
			return err
		}
		return afterWorkOrderCreate(tx, o, auth)
	})
}

// FlagLateReplies flags the orders still waiting for their reply (due 15
// minutes after intake by default, hooks/base_sla.go) at time at and
// escalates each to the supervisors, once.
func FlagLateReplies(app core.App, at time.Time) (int, error) {
	late := dbx.NewExp("status = 'new' AND reply_overdue = FALSE AND reply_due != '' AND reply_due < {:at}",
		dbx.Params{"at": at.UTC().Format(types.DefaultDateLayout)})
	return flagOnce(app, "late_replies", "work_orders", late, "reply_overdue", "overdue_reply", func(tx core.App, o *core.Record) error {
		return notifyManagers(tx, o, "work_order_overdue", fmt.Sprintf("派工单 %s 已过回复期限仍未回复住户", o.GetString("serial")))
	})
}

// FlagMissedRevisits flags, from the 10th of a month on, the finished orders
// of earlier months that were not revisited, once each.
func FlagMissedRevisits(app core.App, at time.Time) (int, error) {
	local := at.In(workcal.Shanghai)
	if local.Day() < revisitDay {
		return 0, nil
	}
	monthStart := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	// The first two tests word for word as idx_work_orders_job_revisit's
	// (migration 0087).
	missed := dbx.NewExp("status IN ('completed','signed_off') AND revisit_overdue = FALSE AND completed_at != '' AND completed_at < {:start}",
		dbx.Params{"start": monthStart.UTC().Format(types.DefaultDateLayout)})
	return flagOnce(app, "missed_revisits", "work_orders", missed, "revisit_overdue", "overdue_revisit", nil)
}

// StatementLine is an unpaid paid-service order for the unit's next fee
// statement [003 2.6.7]: its serial and amount.
type StatementLine struct {
	ID          string `db:"id" json:"id"`
	Serial      string `db:"serial" json:"serial"`
	AmountFen   int64  `db:"amount_fen" json:"amount_fen"`
	CompletedAt string `db:"completed_at" json:"completed_at"`
}

// UnbilledWorkOrders lists the orders of unit whose amount the resident
// chose to have charged on the statement and that nobody has paid yet.
// Once an order is paid (or billed onto a statement) it is no longer listed.
func UnbilledWorkOrders(app core.App, unit string) ([]StatementLine, error) {
	var lines []StatementLine
	err := app.DB().NewQuery(`
		SELECT id, serial, amount_fen, completed_at FROM work_orders
		WHERE unit = {:unit} AND payment = 'unpaid' AND amount_fen > 0 AND status NOT IN ('cancelled')
		ORDER BY completed_at`).Bind(dbx.Params{"unit": unit}).All(&lines)
	if err != nil {
		return nil, fmt.Errorf("unbilled work orders of %s: %w", unit, err)
	}
	return lines, nil
}
