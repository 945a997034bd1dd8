package hooks

import (
	"net/http"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// HotWorkFlow is the hot-work permit's approval ([001] 中汇广场 五 (四) 2): security reviews
// first, then the service center, then the general manager (the office's
// director) approves; any reviewer may refuse it with a reason.
var HotWorkFlow = []Step{
	{From: "requested", To: "security_reviewed", Verb: text{"秩序维护部审核通过", "Pass the security review"}, Actors: []string{RoleSecurity}},
	{From: "security_reviewed", To: "center_reviewed", Verb: text{"客服中心审核通过", "Pass the service-center review"}, Actors: []string{RoleFrontDesk, RoleSupervisor}},
	{From: "center_reviewed", To: "approved", Verb: text{"批准动火", "Approve"}, Actors: []string{RoleDirector}},
	{From: "requested", To: "rejected", Verb: text{"驳回", "Reject"}, Actors: []string{RoleSecurity}, Requires: []string{"reject_reason"}},
	{From: "security_reviewed", To: "rejected", Verb: text{"驳回", "Reject"}, Actors: []string{RoleFrontDesk, RoleSupervisor}, Requires: []string{"reject_reason"}},
	{From: "center_reviewed", To: "rejected", Verb: text{"驳回", "Reject"}, Actors: []string{RoleDirector}, Requires: []string{"reject_reason"}},
}

var hotWorkFlow = &Flow{
	Noun: text{"动火证", "hot-work permit"}, Steps: HotWorkFlow, Terminal: []string{"approved", "rejected"},
	Labels: map[string]text{
		"requested": {"待秩序维护部审核", "requested"}, "security_reviewed": {"待客服中心审核", "security reviewed"},
		"center_reviewed": {"待总经理审批", "center reviewed"}, "approved": {"已批准", "approved"}, "rejected": {"已驳回", "rejected"},
	},
	Actors: func(auth, r *core.Record) []string {
		if isStaff(auth) {
			return []string{auth.GetString("role")}
		}
		return nil
	},
}

var hotWorkSigner = map[string]string{"security_reviewed": "security_by", "center_reviewed": "center_by", "approved": "approved_by"}

func registerHotWork(app core.App) {
	app.OnRecordCreateRequest("hot_work_permits").BindFunc(func(e *core.RecordRequestEvent) error {
		h := e.Record
		reno, err := e.App.FindRecordById("renovations", h.GetString("renovation"))
		if err != nil || reno.GetString("status") != "permitted" {
			return badRequest(validation.Errors{"renovation": codedError("wuye_not_on_site")})
		}
		if !h.GetDateTime("window_end").Time().After(h.GetDateTime("window_start").Time()) {
			return badRequest(validation.Errors{"window_end": codedError("wuye_date_before", "开始时间", "start")})
		}
		for _, f := range []string{"security_by", "center_by", "approved_by", "reject_reason"} {
			h.Set(f, nil)
		}
		h.Set("status", "requested")
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: reno, Action: "hot_work_requested", Actor: e.Auth, Public: true, Note: h.GetString("place")})
		})
	})
	app.OnRecordUpdateRequest("hot_work_permits").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		at, _ := types.ParseDateTime(now())
		step, err := hotWorkFlow.Plan(e.Auth, e.HasSuperuserAuth(), orig, e.Record, at)
		if err != nil {
			return err
		}
		if f := hotWorkSigner[step.To]; f != "" && e.Auth != nil {
			e.Record.Set(f, e.Auth.Id)
		}
		// Asking for the stage the permit is already at changes nothing;
		// when someone else signed that stage, this reviewer lost the race
		// to them and is told so, not answered as if they had signed.
		if f := hotWorkSigner[orig.GetString("status")]; step.To == "" && f != "" && e.Auth != nil && orig.GetString(f) != e.Auth.Id {
			return apis.NewApiError(http.StatusConflict, "", validation.Errors{"status": codedError("wuye_changed_meanwhile")})
		}
		// Checked against the stored status inside the write: two approvals
		// of one stage at the same moment cannot both pass.
		return inTxChecked(e, orig, []string{"status"}, func(tx core.App) error {
			if step.To == "" {
				return nil
			}
			reno, err := tx.FindRecordById("renovations", e.Record.GetString("renovation"))
			if err != nil {
				return err
			}
			return RecordEvent(tx, Event{Subject: reno, Action: "hot_work_" + step.To, From: step.From, To: step.To, Actor: e.Auth,
				Public: true, Note: e.Record.GetString("serial") + " " + e.Record.GetString("reject_reason")})
		})
	})
	app.OnRecordDelete("hot_work_permits").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_never_deleted_renovation")})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/hot-work/{id}/check", checkHotWork).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// HotWorkValid reports whether permit h allows work at time at: approved,
// inside its window, and its renovation still permitted.
func HotWorkValid(app core.App, h *core.Record, at time.Time) (bool, string) {
	if h.GetString("status") != "approved" {
		return false, "not_approved"
	}
	if at.Before(h.GetDateTime("window_start").Time()) || at.After(h.GetDateTime("window_end").Time()) {
		return false, "outside_window"
	}
	if reno, err := app.FindRecordById("renovations", h.GetString("renovation")); err != nil || reno.GetString("status") != "permitted" {
		return false, "renovation_not_permitted"
	}
	return true, ""
}

// checkHotWork answers GET /api/wuye/hot-work/{id}/check for staff on site.
func checkHotWork(e *core.RequestEvent) error {
	h, err := e.App.FindRecordById("hot_work_permits", e.Request.PathValue("id"))
	if err != nil || !isStaff(e.Auth) {
		return apis.NewNotFoundError("", nil)
	}
	reno, err := e.App.FindRecordById("renovations", h.GetString("renovation"))
	if err != nil || !servesCommunity(e.Auth, reno.GetString("community")) {
		return apis.NewNotFoundError("", nil)
	}
	ok, why := HotWorkValid(e.App, h, now())
	return e.JSON(http.StatusOK, map[string]any{"valid": ok, "reason": why})
}
