package hooks

import (
	"net/http"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// A worker pass is valid until its end date while its renovation is
// approved or under way; a suspended or finished renovation's passes stop
// being valid, and a returned pass is done. Returning a pass refunds its
// deposit ([001] 中汇广场 五 (四) 1).

func registerPasses(app core.App) {
	app.OnRecordUpdateRequest("renovation_passes").BindFunc(func(e *core.RecordRequestEvent) error {
		p, orig := e.Record, e.Record.Original()
		for _, f := range changedFields(orig, p) {
			if f != "returned_at" {
				return badRequest(validation.Errors{f: codedError("wuye_field_locked")})
			}
		}
		if orig.GetString("returned_at") != "" || p.GetString("returned_at") == "" {
			return badRequest(validation.Errors{"returned_at": codedError("wuye_field_locked")})
		}
		return inTx(e, func(tx core.App) error {
			if d, err := tx.FindRecordById("deposits", p.GetString("deposit")); err == nil && d.GetInt("balance_fen") > 0 {
				if err := moveDeposit(tx, d, "refund", int64(d.GetInt("balance_fen")), "出入证退还 "+p.GetString("serial"), e.Auth); err != nil {
					return err
				}
			}
			reno, err := tx.FindRecordById("renovations", p.GetString("renovation"))
			if err != nil {
				return err
			}
			return RecordEvent(tx, Event{Subject: reno, Action: "pass_returned", Actor: e.Auth, Public: true, Note: p.GetString("serial")})
		})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/passes/{id}/check", checkPass).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// PassValid reports whether pass p lets its worker in on day (YYYY-MM-DD).
func PassValid(app core.App, p *core.Record, day string) (bool, string) {
	switch {
	case p.GetString("returned_at") != "":
		return false, "returned"
	case p.GetString("valid_until") != "" && day > p.GetString("valid_until"):
		return false, "expired"
	}
	reno, err := app.FindRecordById("renovations", p.GetString("renovation"))
	if err != nil || (reno.GetString("status") != "approved" && reno.GetString("status") != "permitted") {
		return false, "renovation_" + reno.GetString("status")
	}
	return true, ""
}

// checkPass answers GET /api/wuye/passes/{id}/check for the guard at the gate.
func checkPass(e *core.RequestEvent) error {
	p, err := e.App.FindRecordById("renovation_passes", e.Request.PathValue("id"))
	if err != nil || !mayCheckPass(e, p) {
		return apis.NewNotFoundError("", nil)
	}
	ok, why := PassValid(e.App, p, today())
	return e.JSON(http.StatusOK, map[string]any{"valid": ok, "reason": why, "worker_name": p.GetString("worker_name"),
		"id_no": MaskIDNumber(p.GetString("id_no")), "valid_until": p.GetString("valid_until")})
}
