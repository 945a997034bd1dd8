package hooks

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/fee"
	"wuye/lib/money"
)

// StatementItem is one line of a unit's statement.
type StatementItem struct {
	Bill           string `json:"bill"`
	Item           string `json:"item"`
	Source         string `json:"source,omitempty"`
	AmountFen      int64  `json:"amount_fen"`
	DiscountFen    int64  `json:"discount_fen"`
	LateFeeFen     int64  `json:"late_fee_fen"`
	PaidFen        int64  `json:"paid_fen"`
	OutstandingFen int64  `json:"outstanding_fen"`
}

// Statement is what a unit is asked to pay for a period ([000] 收费员 4.2.1.2): the
// period's bills, arrears from earlier periods, late fees and the total, in
// figures and capitals.
func Statement(app core.App, unitID string, p fee.Period) (map[string]any, error) {
	s, _, err := buildStatement(app, unitID, p)
	return s, err
}

// buildStatement is Statement, and the payer's id.
func buildStatement(app core.App, unitID string, p fee.Period) (map[string]any, string, error) {
	unit, err := app.FindRecordById("units", unitID)
	if err != nil {
		return nil, "", err
	}
	bills, err := app.FindAllRecords("bills", dbx.HashExp{"unit": unitID, "period": p.Code}, dbx.NewExp("status != 'void'"))
	if err != nil {
		return nil, "", err
	}
	sortOldestFirst(bills)
	lines := []StatementItem{}
	var current, lateFees int64
	payer, payerID := "", ""
	for _, b := range bills {
		name := billItemName(app, b)
		if r, err := app.FindRecordById("residents", b.GetString("payer")); err == nil {
			payer, payerID = r.GetString("name"), r.Id
		}
		l := StatementItem{b.GetString("serial"), name, b.GetString("source"), int64(b.GetInt("amount_fen")),
			int64(b.GetInt("discount_fen")), int64(b.GetInt("late_fee_fen")), int64(b.GetInt("paid_fen")), outstanding(b)}
		lines = append(lines, l)
		current = addFen(current, l.OutstandingFen) // hooks/guard_money.go
		lateFees = addFen(lateFees, l.LateFeeFen)
	}
	var arrears int64
	if err := app.DB().NewQuery(`
		SELECT ` + fenTotal("amount_fen - discount_fen + late_fee_fen - paid_fen") + ` FROM bills
		WHERE unit = {:u} AND status IN ('issued', 'partially_paid') AND period_start < {:first}`).
		Bind(dbx.Params{"u": unitID, "first": p.First.Format(time.DateOnly)}).Row(&arrears); err != nil {
		return nil, "", err
	}
	total := addFen(current, arrears)
	return map[string]any{
		"unit": unitID, "number": unit.GetString("number"), "area_m2": unit.GetFloat("area_m2"), "payer": payer,
		"period": p.Code, "period_start": p.First.Format(time.DateOnly), "period_end": p.Last.Format(time.DateOnly),
		"lines": lines, "current_fen": current, "previous_arrears_fen": arrears, "late_fees_fen": lateFees,
		"total_fen": total, "total": money.Yuan(total), "total_capitals": money.Capital(total),
		"due_on": p.First.AddDate(0, 0, paymentWindowDays-1).Format(time.DateOnly),
	}, payerID, nil
}

// statement answers GET /api/wuye/statements/{unit}?period=2026-Q4 for the
// unit's residents and the staff who see bills.
func statement(e *core.RequestEvent) error {
	unit, err := e.App.FindRecordById("units", e.Request.PathValue("unit"))
	if err != nil || !mayReadBills(e.App, e.Auth, e.HasSuperuserAuth(), unit) {
		return apis.NewNotFoundError("", nil)
	}
	p, err := fee.ParsePeriod(e.Request.URL.Query().Get("period"))
	if err != nil {
		return badRequest(validation.Errors{"period": codedError("wuye_bad_period")})
	}
	s, payerID, err := buildStatement(e.App, unit.Id, p)
	if err != nil {
		return err
	}
	// A resident other than the payer reads the household, not the owner's
	// name (hooks/guard_resident_ids.go).
	if isResident(e.Auth) && e.Auth.Id != payerID && s["payer"] != "" {
		s["payer"] = householdAddress(e.App, unit)
	}
	return e.JSON(http.StatusOK, s)
}

// mayReadBills: the unit's current residents, and the staff of its
// community whose work is money or the residents (as the bills rule says).
func mayReadBills(app core.App, auth *core.Record, superuser bool, unit *core.Record) bool {
	switch {
	case superuser:
		return true
	case isStaff(auth):
		return servesCommunity(auth, unit.GetString("community")) &&
			hasRole(auth, RoleCashier, RoleAreaManager, RoleFrontDesk, RoleSupervisor, RoleDirector)
	case isResident(auth):
		ok, _ := exists(app, "unit_residents", dbx.HashExp{"unit": unit.Id, "resident": auth.Id, "active": true}, "")
		return ok
	}
	return false
}

// registerStatements serves a unit's statement.
func registerStatements(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/statements/{unit}", statement).Bind(apis.RequireAuth())
		return se.Next()
	})
}
