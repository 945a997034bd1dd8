package hooks

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// workOrderTotals is one row of aggregates over a month's work orders.
type workOrderTotals struct {
	Total          int   `db:"total" json:"total"`
	Cancelled      int   `db:"cancelled" json:"cancelled"`
	ReplyDue       int   `db:"reply_due" json:"reply_due"`
	ReplyOnTime    int   `db:"reply_on_time" json:"reply_on_time"`
	Arrivals       int   `db:"arrivals" json:"arrivals"`
	ArrivalsOnTime int   `db:"arrivals_on_time" json:"arrivals_on_time"`
	SignedOff      int   `db:"signed_off" json:"signed_off"`
	Reworked       int   `db:"reworked" json:"reworked"`
	Revisited      int   `db:"revisited" json:"revisited"`
	Satisfied      int   `db:"satisfied" json:"satisfied"`
	Basic          int   `db:"basic" json:"basic"`
	HomeVisits     int   `db:"home_visits" json:"home_visits"`
	RevisitOverdue int   `db:"revisit_overdue" json:"revisit_overdue"`
	RevenueFen     int64 `db:"revenue_fen" json:"revenue_fen"`
	UnpaidFen      int64 `db:"unpaid_fen" json:"unpaid_fen"`
}

// WorkOrderStats aggregates the work orders received in the Shanghai
// calendar month of community, at time at, in SQL:
//
//   - reply rate: orders answered (dispatched) within 15 minutes / orders
//     answered or past their reply deadline;
//   - on-time arrival: arrivals neither too early nor late / arrivals
//     against an appointment;
//   - rework rate: sign-offs asking for rework / sign-offs (target ≤ 1%);
//   - satisfaction: satisfied or basically satisfied / revisited (≥ 95%);
//   - home-visit share of revisits (≥ 5%);
//   - paid-service revenue: amounts of completed paid and business orders.
func WorkOrderStats(app core.App, community string, month, at time.Time) (map[string]any, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	to := from.AddDate(0, 1, 0)
	params := dbx.Params{
		"c": community, "from": from.UTC().Format(types.DefaultDateLayout),
		"to": to.UTC().Format(types.DefaultDateLayout), "now": at.UTC().Format(types.DefaultDateLayout),
	}
	const where = `community = {:c} AND received_at >= {:from} AND received_at < {:to}`
	var t workOrderTotals
	err := app.DB().NewQuery(`
		SELECT
			COUNT(*) AS total,
			COALESCE(SUM(status = 'cancelled'), 0) AS cancelled,
			COALESCE(SUM(replied_at != '' OR reply_due < {:now}), 0) AS reply_due,
			COALESCE(SUM(replied_at != '' AND replied_at <= reply_due), 0) AS reply_on_time,
			COALESCE(SUM(arrival != ''), 0) AS arrivals,
			COALESCE(SUM(arrival = 'on_time'), 0) AS arrivals_on_time,
			COALESCE(SUM(signoff != ''), 0) AS signed_off,
			COALESCE(SUM(signoff = 'rework'), 0) AS reworked,
			COALESCE(SUM(revisited_at != ''), 0) AS revisited,
			COALESCE(SUM(revisited_at != '' AND satisfaction = 'satisfied'), 0) AS satisfied,
			COALESCE(SUM(revisited_at != '' AND satisfaction = 'basic'), 0) AS basic,
			COALESCE(SUM(revisit_method = 'home_visit'), 0) AS home_visits,
			COALESCE(SUM(revisit_overdue = TRUE), 0) AS revisit_overdue,
			COALESCE(SUM(CASE WHEN kind != 'routine' AND completed_at != '' AND status != 'cancelled' THEN amount_fen END), 0) AS revenue_fen,
			COALESCE(SUM(CASE WHEN payment = 'unpaid' THEN amount_fen END), 0) AS unpaid_fen
		FROM work_orders WHERE ` + where).Bind(params).One(&t)
	if err != nil {
		return nil, err
	}
	byKind, err := countIn(app, "work_orders", "kind", where, params)
	if err != nil {
		return nil, err
	}
	byCategory, err := countIn(app, "work_orders", "category", where, params)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"community":         community,
		"month":             from.Format("2006-01"),
		"totals":            t,
		"by_kind":           byKind,
		"by_category":       byCategory,
		"reply_rate":        ratio(t.ReplyOnTime, t.ReplyDue),
		"arrival_rate":      ratio(t.ArrivalsOnTime, t.Arrivals),
		"rework_rate":       ratio(t.Reworked, t.SignedOff),
		"satisfaction_rate": ratio(t.Satisfied+t.Basic, t.Revisited),
		"home_visit_share":  ratio(t.HomeVisits, t.Revisited),
		// Targets [004 7.6], [003 2.7].
		"targets": map[string]float64{"reply_rate": 1, "rework_rate": 0.01, "satisfaction_rate": 0.95, "home_visit_share": 0.05},
	}, nil
}

// workOrderStats answers GET /api/stats/work-orders?community=…&month=YYYY-MM
// for the community's supervisors and directors.
func workOrderStats(e *core.RequestEvent) error {
	community, month, err := statsRequest(e)
	if err != nil {
		return err
	}
	stats, err := WorkOrderStats(e.App, community, month, now())
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, stats)
}

// statsRequest checks a statistics request: a supervisor or director of the
// community (or a superuser), and a month as YYYY-MM.
func statsRequest(e *core.RequestEvent) (string, time.Time, error) {
	if e.Auth == nil {
		return "", time.Time{}, apis.NewUnauthorizedError("", nil)
	}
	community := e.Request.URL.Query().Get("community")
	if !e.HasSuperuserAuth() && !(hasRole(e.Auth, RoleSupervisor, RoleDirector) && servesCommunity(e.Auth, community)) {
		return "", time.Time{}, apis.NewForbiddenError("", nil)
	}
	month, err := time.ParseInLocation("2006-01", e.Request.URL.Query().Get("month"), workcal.Shanghai)
	if err != nil {
		return "", time.Time{}, badRequest(validation.Errors{"month": codedError("wuye_bad_month")})
	}
	return community, month, nil
}
