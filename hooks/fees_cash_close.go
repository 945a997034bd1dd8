package hooks

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/money"
	"wuye/lib/workcal"
)

// CashLine is one payment method's takings in a cash close.
type CashLine struct {
	Method    string `db:"method" json:"method"`
	Receipts  int    `db:"receipts" json:"receipts"`
	Reversals int    `db:"reversals" json:"reversals"`
	AmountFen int64  `db:"amount_fen" json:"amount_fen"`
}

// CashClose totals what cashier took on day (YYYY-MM-DD, Shanghai) by
// method, reversals netted, for the daily hand-over to finance ([000] 收费员 4.2.1.7).
func CashClose(app core.App, cashier, day string) ([]CashLine, int64, error) {
	start, err := time.ParseInLocation(time.DateOnly, day, workcal.Shanghai)
	if err != nil {
		return nil, 0, err
	}
	lines := []CashLine{}
	err = app.DB().NewQuery(`
		SELECT method,
			COALESCE(SUM(amount_fen > 0), 0) AS receipts,
			COALESCE(SUM(amount_fen < 0), 0) AS reversals,
			` + fenTotal("amount_fen") + ` AS amount_fen
		FROM payments
		WHERE received_by = {:cashier} AND created >= {:from} AND created < {:to}
		GROUP BY method ORDER BY method`).
		Bind(dbx.Params{"cashier": cashier,
			"from": start.UTC().Format(types.DefaultDateLayout),
			"to":   start.AddDate(0, 0, 1).UTC().Format(types.DefaultDateLayout)}).
		All(&lines)
	var total int64
	for _, l := range lines {
		total = addFen(total, l.AmountFen)
	}
	return lines, total, err
}

// cashClose answers GET /api/wuye/cash-close?day=YYYY-MM-DD[&cashier=id]:
// a cashier's own close, or any cashier's of their communities for a
// supervisor or director.
func cashClose(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	cashier := q.Get("cashier")
	if cashier == "" && e.Auth != nil {
		cashier = e.Auth.Id
	}
	switch {
	// Whoever takes money closes their own day: the cashier, and the desk
	// or a technician who took a paid service's money on the spot
	// ([000] 前台 4.6.1.1, 4.6.2.2).
	case e.HasSuperuserAuth(), isStaff(e.Auth) && cashier == e.Auth.Id:
	case hasRole(e.Auth, RoleSupervisor, RoleDirector):
		other, err := e.App.FindRecordById("staff", cashier)
		if err != nil || !sharesCommunity(e.Auth, other) {
			return apis.NewForbiddenError("", nil)
		}
	default:
		return apis.NewForbiddenError("", nil)
	}
	day := q.Get("day")
	if day == "" {
		day = today()
	}
	lines, total, err := CashClose(e.App, cashier, day)
	if err != nil {
		return badRequest(validation.Errors{"day": codedError("wuye_date_invalid")})
	}
	deposits, err := DepositClose(e.App, cashier, day)
	if err != nil {
		return err
	}
	var taken, refunded int64
	for _, l := range deposits {
		if l.Kind == "receive" {
			taken = addFen(taken, l.AmountFen)
		} else {
			refunded = addFen(refunded, l.AmountFen)
		}
	}
	return e.JSON(http.StatusOK, map[string]any{
		"cashier": cashier, "day": day, "methods": lines,
		"total_fen": total, "total": money.Yuan(total), "total_capitals": money.Capital(total),
		// Deposits apart, in their own ledger ([000] 收费员 4.5).
		"deposits": deposits, "deposits_taken_fen": taken, "deposits_refunded_fen": refunded,
	})
}

func sharesCommunity(a, b *core.Record) bool {
	for _, c := range b.GetStringSlice("communities") {
		if servesCommunity(a, c) {
			return true
		}
	}
	return false
}

// registerCashClose serves the daily cash close.
func registerCashClose(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/cash-close", cashClose).Bind(apis.RequireAuth())
		return se.Next()
	})
}
