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
)

// Review deadlines ([004] 四 3 5.1.3–5.1.4): engineering within 2 working days of the
// application, the director within 1 working day of the engineering pass.
const (
	engineeringWorkingDays = 2
	approvalWorkingDays    = 1
)

var renovationDesk = []string{RoleFrontDesk, RoleSupervisor, RoleDirector}

// RenovationFlow is the renovation state machine as far as the permit
// ([004] 四 3 5.1): the application, the engineering review (pass or reject), the
// director's approval (or return to engineering), the permit once the
// agreement is signed, the fees and deposit are paid and a worker pass is
// issued, completion and joint acceptance, and the close once the deposit
// is settled — by its refund (hooks/renovation_refunds.go), which closes the
// renovation itself, or by deductions that took all of it.
var RenovationFlow = []Step{
	{From: "submitted", To: "engineering_passed", Verb: text{"工程部审核通过", "Pass the engineering review"}, Actors: []string{RoleEngineer}, Extras: []string{"engineering_comment"}},
	{From: "submitted", To: "rejected", Verb: text{"驳回申请", "Reject"}, Actors: []string{RoleEngineer}, Requires: []string{"reject_reason"}},
	{From: "engineering_passed", To: "approved", Verb: text{"批准装修", "Approve"}, Actors: []string{RoleDirector}, Extras: []string{"director_comment"}},
	{From: "engineering_passed", To: "submitted", Verb: text{"退回工程部复审", "Send back for review"}, Actors: []string{RoleDirector}, Requires: []string{"director_comment"}},
	{From: "approved", To: "permitted", Verb: text{"发放施工许可", "Issue the permit"}, Actors: renovationDesk, Stamp: "permitted_at"},
	{From: "permitted", To: "suspended", Verb: text{"停工整改", "Suspend the work"}, Actors: renovationSite, Requires: []string{"suspend_reason"}},
	{From: "suspended", To: "permitted", Verb: text{"整改完毕，复工", "Resume the work"}, Actors: []string{RoleSupervisor, RoleDirector}},
	{From: "permitted", To: "completion_requested", Verb: text{"申请竣工验收", "Ask for acceptance"}, Actors: append(slices.Clone(renovationDesk), actorResident), Stamp: "completion_requested_at"},
	{From: "completion_requested", To: "accepted", Verb: text{"验收合格", "Accept the works"}, Actors: renovationAcceptors, Extras: []string{"resident_signed", "contractor_signed", "office_signed"}, Stamp: "accepted_at", Guard: threeSignatures},
	{From: "completion_requested", To: "acceptance_failed", Verb: text{"验收不合格", "Fail the acceptance"}, Actors: renovationAcceptors, Requires: []string{"acceptance_changes"}},
	{From: "acceptance_failed", To: "completion_requested", Verb: text{"整改后再次申请验收", "Ask for acceptance again"}, Actors: append(slices.Clone(renovationDesk), actorResident), Stamp: "completion_requested_at"},
	{From: "accepted", To: "closed", Verb: text{"结案", "Close"}, Actors: []string{RoleCashier, RoleSupervisor, RoleDirector}, Stamp: "closed_at"},
}

var (
	renovationSite      = []string{RoleEngineer, RoleAreaManager, RoleSecurity, RoleSupervisor, RoleDirector}
	renovationAcceptors = []string{RoleEngineer, RoleSupervisor, RoleDirector}
)

// threeSignatures: joint acceptance by resident, contractor and office.
func threeSignatures(r *core.Record) error {
	missing := validation.Errors{}
	for _, f := range []string{"resident_signed", "contractor_signed", "office_signed"} {
		if !r.GetBool(f) {
			missing[f] = codedError("wuye_signature_missing")
		}
	}
	if len(missing) > 0 {
		return badRequest(missing)
	}
	return nil
}

var renovationFlow = &Flow{
	Noun:     text{"装修申请", "renovation"},
	Steps:    RenovationFlow,
	Terminal: []string{"rejected", "closed"},
	Labels: map[string]text{
		"submitted": {"待工程审核", "submitted"}, "engineering_passed": {"待主任审批", "passed engineering"},
		"approved": {"已批准", "approved"}, "permitted": {"已发施工许可证", "permitted"}, "rejected": {"已驳回", "rejected"},
		"completion_requested": {"申请验收", "completion requested"}, "accepted": {"验收合格", "accepted"},
		"acceptance_failed": {"验收不合格", "acceptance failed"}, "suspended": {"停工整改", "suspended"}, "closed": {"已结案", "closed"},
	},
	Actors: func(auth, r *core.Record) []string {
		if isStaff(auth) {
			return []string{auth.GetString("role")}
		}
		if isResident(auth) && r.GetString("applicant") == auth.Id {
			return []string{actorResident}
		}
		return nil
	},
	// While approved, the desk records the agreement and the deposit (the
	// fees are bills, hooks/renovation_fees.go); at acceptance the acceptors
	// record the three signatures.
	Editable: func(actors []string, from string) []string {
		if from == "completion_requested" && hasAny(actors, renovationAcceptors) {
			return []string{"resident_signed", "contractor_signed", "office_signed"}
		}
		if from == "approved" && hasAny(actors, renovationDesk) {
			return []string{"agreement_signed_at", "deposit_fen", "deposit"}
		}
		if from == "approved" && hasAny(actors, []string{RoleCashier}) {
			return []string{"deposit"}
		}
		return nil
	},
}

func registerRenovation(app core.App) {
	app.OnRecordCreateRequest("renovations").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := prepareRenovation(e.App, e.Record, e.Auth); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: e.Record, Action: "create", To: "submitted", Actor: e.Auth, Public: true})
		})
	})
	bindFlowUpdates(app, "renovations", planRenovationUpdate, afterRenovationUpdate, "status")
	app.OnRecordCreateRequest("renovation_passes").BindFunc(issuePass)
	// id_no is masked by the table of hooks/base_masks.go.
	app.OnRecordDelete("renovations", "renovation_passes").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_never_deleted_renovation")})
	})
	addJob(app, "wuye_renovation_reviews", "*/10 * * * *", jobStep{"flag overdue renovation reviews", FlagOverdueReviews})
}

// renovationServerOwned are the renovation fields only Wuye sets: the
// reviews, the permit, the fees and deposit, the acceptance and the refund.
var renovationServerOwned = []string{"serial", "engineering_due", "approval_due", "engineer", "engineering_comment", "approver",
	"director_comment", "reject_reason", "review_overdue", "agreement_signed_at", "fees_fen", "fees_paid",
	"deposit_fen", "deposit", "permit_no", "permitted_at", "deposit_refund_due",
	"suspend_reason", "completion_requested_at", "resident_signed", "contractor_signed", "office_signed",
	"acceptance_changes", "accepted_at", "closed_at", "refunded_fen"}

// prepareRenovation takes in an application: the applicant is the signed-in
// resident, a tenant must attach the owner's written consent, the dates
// must be in order, and the engineering review is due in 2 working days.
func prepareRenovation(app core.App, r, auth *core.Record) error {
	for _, f := range renovationServerOwned {
		r.Set(f, nil)
	}
	at := now()
	r.Set("status", "submitted")
	r.Set("submitted_at", at)
	if unit, err := app.FindRecordById("units", r.GetString("unit")); err == nil {
		r.Set("community", unit.GetString("community"))
	}
	if isResident(auth) {
		r.Set("applicant", auth.Id)
		link, err := app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && resident = {:r} && active = true",
			dbx.Params{"u": r.GetString("unit"), "r": auth.Id})
		tenant := err == nil && link.GetString("relation") == "tenant"
		r.Set("tenant", tenant)
		if tenant && r.GetString("owner_consent") == "" && len(r.GetUnsavedFiles("owner_consent")) == 0 {
			return badRequest(validation.Errors{"owner_consent": codedError("wuye_consent_needed")})
		}
	}
	for _, f := range []string{"planned_start", "planned_end"} {
		if err := checkDate(r, f); err != nil {
			return badRequest(err.(validation.Errors))
		}
	}
	if err := notBefore(r, "planned_end", "planned_start"); err != nil {
		return badRequest(err.(validation.Errors))
	}
	cal, err := Calendar(app)
	if err != nil {
		return err
	}
	r.Set("engineering_due", cal.AddWorkingDays(at, engineeringWorkingDays))
	return nil
}

// planRenovationUpdate judges a change against the flow and completes it.
func planRenovationUpdate(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	step, err := renovationFlow.Plan(auth, superuser, orig, r, at)
	if err != nil || step.To == "" {
		return step, err
	}
	cal, err := Calendar(app)
	if err != nil {
		return step, err
	}
	r.Set("review_overdue", false) // each review stage has its own deadline
	switch step.To {
	case "engineering_passed":
		r.Set("engineer", actorID(auth))
		r.Set("approval_due", cal.AddWorkingDays(now(), approvalWorkingDays))
	case "rejected":
		r.Set("engineer", actorID(auth))
	case "approved":
		r.Set("approver", actorID(auth))
	case "submitted": // returned to engineering
		r.Set("engineering_due", cal.AddWorkingDays(now(), engineeringWorkingDays))
	case "permitted":
		if step.From == "approved" {
			if err := permitReady(app, r); err != nil {
				return step, err
			}
		}
	case "accepted":
		// The deposit, less deductions, is refunded after the community's
		// waiting period, six months unless it sets another ([001] 中汇广场 五).
		r.Set("deposit_refund_due", civil(today()).AddDate(0, refundMonths(app, r.GetString("community")), 0).Format(time.DateOnly))
	case "closed":
		if today() < r.GetString("deposit_refund_due") {
			return step, badRequest(validation.Errors{"status": codedError("wuye_refund_not_due", r.GetString("deposit_refund_due"))})
		}
		// Closed only with the deposit settled: refunded through the
		// director-approved refund, or all of it deducted.
		if d, err := app.FindRecordById("deposits", r.GetString("deposit")); err == nil && d.GetInt("balance_fen") > 0 {
			return step, badRequest(validation.Errors{"status": codedError("wuye_refund_first")})
		}
	}
	return step, nil
}

// permitReady: the permit is issued only after the agreement is signed, the
// fees are paid, the deposit is held in the ledger and a worker pass is out.
func permitReady(app core.App, r *core.Record) error {
	missing := validation.Errors{}
	if r.GetDateTime("agreement_signed_at").IsZero() {
		missing["agreement_signed_at"] = codedError("wuye_permit_needs", "装修协议", "the signed agreement")
	}
	if paid, err := renovationFeesPaid(app, r.Id); err != nil {
		return err
	} else if !paid {
		missing["fees_paid"] = codedError("wuye_permit_needs", "装修管理费等费用账单已缴清", "the renovation fee bills paid")
	}
	if d, err := app.FindRecordById("deposits", r.GetString("deposit")); err != nil ||
		d.GetString("status") != "held" || d.GetInt("balance_fen") < r.GetInt("deposit_fen") || r.GetInt("deposit_fen") == 0 {
		missing["deposit"] = codedError("wuye_permit_needs", "装修押金", "the renovation deposit")
	}
	if n, _ := app.CountRecords("renovation_passes", dbx.HashExp{"renovation": r.Id, "returned_at": ""}); n == 0 {
		missing["status"] = codedError("wuye_permit_needs", "施工人员出入证", "a worker pass")
	}
	if len(missing) > 0 {
		return badRequest(missing)
	}
	return nil
}

// afterRenovationUpdate records the change and, on the permit, puts the unit
// into renovation: its registration date is set (the first permit's), so its
// management fee is at full price from today if it was not already — a
// unit lived in has paid full price since its move-in, and a renovation
// then changes nothing ([000] 收费员 4.2.1.1: half price is for a unit
// neither renovated nor lived in; lib/fee's Occupancy.RateOn).
func afterRenovationUpdate(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		if len(changedFields(orig, r)) == 0 {
			return nil
		}
		return RecordEvent(tx, Event{Subject: r, Action: "update", Actor: auth, Note: fmt.Sprint(changedFields(orig, r))})
	}
	ev := Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth, Public: true}
	if a := r.GetString("applicant"); a != "" && (auth == nil || auth.Id != a) {
		// Each step of the application reaches the applicant (the office
		// answers it and calls them to the acceptance, [000] 管理员 4.2.2).
		body := r.GetString("reject_reason") + r.GetString("suspend_reason") + r.GetString("acceptance_changes")
		if err := notifyResident(tx, a, Notice{Kind: "renovation_step", Subject: r, Body: shorten(body, 200),
			Title: fmt.Sprintf("您的装修申请 %s：%s", r.GetString("serial"), step.Verb.zh)}); err != nil {
			return err
		}
	}
	switch step.To {
	case "rejected":
		ev.Note = r.GetString("reject_reason")
	case "submitted":
		ev.Note = r.GetString("director_comment")
	}
	if step.To == "closed" {
		// What went back: the paid refund, if any (the deposit may have
		// been deducted in full).
		if ref, err := tx.FindFirstRecordByFilter("deposit_refunds", "renovation = {:r} && status = 'paid'", dbx.Params{"r": r.Id}); err == nil {
			r.Set("refunded_fen", ref.GetInt("amount_fen"))
			if err := tx.SaveNoValidate(r); err != nil {
				return err
			}
			ev.Note = "refund " + money.Yuan(int64(ref.GetInt("amount_fen")))
		}
	}
	if step.To == "permitted" && step.From == "approved" {
		permit, err := NextSerial(tx, "XK", now())
		if err != nil {
			return err
		}
		r.Set("permit_no", permit)
		if err := tx.SaveNoValidate(r); err != nil {
			return err
		}
		unit, err := tx.FindRecordById("units", r.GetString("unit"))
		if err != nil {
			return err
		}
		from := unit.GetString("status")
		unit.Set("status", "renovating")
		if unit.GetString("renovation_registered_on") == "" {
			unit.Set("renovation_registered_on", today())
		}
		if err := tx.Save(unit); err != nil {
			return fmt.Errorf("unit into renovation: %w", err)
		}
		if err := RecordEvent(tx, Event{Subject: unit, Action: "status", From: from, To: "renovating", Actor: auth,
			Note: "permit " + permit}); err != nil {
			return err
		}
		ev.Note = permit
	}
	return RecordEvent(tx, ev)
}

// FileRenovation takes in an application as auth would through the API.
func FileRenovation(app core.App, r, auth *core.Record) error {
	if err := prepareRenovation(app, r, auth); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(r); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: r, Action: "create", To: "submitted", Actor: auth, Public: true})
	})
}

// AdvanceRenovation moves a renovation as actor would through the API.
func AdvanceRenovation(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "renovations", id, actor, to, fields, planRenovationUpdate, afterRenovationUpdate)
}

// FlagOverdueReviews flags the applications whose engineering review or
// director approval is late at time at and tells the supervisors and the
// director, once per review stage.
func FlagOverdueReviews(app core.App, at time.Time) (int, error) {
	stamp := at.UTC().Format(types.DefaultDateLayout)
	late := dbx.NewExp(`review_overdue = FALSE AND (
		(status = 'submitted' AND engineering_due != '' AND engineering_due < {:at}) OR
		(status = 'engineering_passed' AND approval_due != '' AND approval_due < {:at}))`, dbx.Params{"at": stamp})
	return flagOnce(app, "renovation_reviews", "renovations", late, "review_overdue", "overdue_review", func(tx core.App, r *core.Record) error {
		stage := map[string]string{"submitted": "工程审核", "engineering_passed": "主任审批"}[r.GetString("status")]
		return notifyManagers(tx, r, "renovation_review_overdue",
			fmt.Sprintf("装修申请 %s 的%s已超时", r.GetString("serial"), stage))
	})
}

// issuePass issues a worker pass for an approved or permitted renovation,
// valid until the planned end, with its deposit (if any) in the ledger.
func issuePass(e *core.RecordRequestEvent) error {
	p := e.Record
	reno, err := e.App.FindRecordById("renovations", p.GetString("renovation"))
	if err != nil || (reno.GetString("status") != "approved" && reno.GetString("status") != "permitted") {
		return badRequest(validation.Errors{"renovation": codedError("wuye_pass_not_now")})
	}
	p.Set("valid_until", reno.GetString("planned_end"))
	p.Set("returned_at", "")
	p.Set("deposit", nil) // the pass's own deposit is made below; returning the pass refunds it
	if isStaff(e.Auth) {
		p.Set("issued_by", e.Auth.Id)
	}
	// The pass deposit goes into the ledger first, so the pass is saved once
	// with its link (a record saved twice in one request would be judged
	// against a stale original).
	return inTxAround(e, func(tx core.App) error {
		amount := p.GetInt("deposit_fen")
		if amount <= 0 {
			return nil
		}
		col, err := tx.FindCachedCollectionByNameOrId("deposits")
		if err != nil {
			return err
		}
		d := core.NewRecord(col)
		for k, v := range map[string]any{"community": reno.GetString("community"), "unit": reno.GetString("unit"),
			"kind": "pass", "holder_name": p.GetString("worker_name"), "source": reno.GetString("serial"),
			"amount_fen": amount, "balance_fen": amount, "status": "held", "received_by": actorID(e.Auth)} {
			d.Set(k, v)
		}
		if err := tx.Save(d); err != nil {
			return err
		}
		p.Set("deposit", d.Id)
		return nil
	}, func(tx core.App) error {
		return RecordEvent(tx, Event{Subject: reno, Action: "pass", Actor: e.Auth, Public: true, Note: p.GetString("serial")})
	})
}
