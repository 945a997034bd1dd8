package hooks

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
	"wuye/migrations"
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
// calendar month of community, at time at:
//
//   - reply rate: orders answered (dispatched) within 15 minutes / orders
//     answered or past their reply deadline;
//   - on-time arrival: arrivals neither too early nor late / arrivals
//     against an appointment;
//   - rework rate: sign-offs asking for rework / sign-offs (target ≤ 1%);
//   - satisfaction: satisfied or basically satisfied / revisited (≥ 95%);
//   - home-visit share of revisits (≥ 5%);
//   - by_urgency: urgent (急修) and minor (零修) repairs apart, each with
//     its on-time, rework and satisfaction rates against [004] 三 7.6;
//   - paid-service revenue: amounts of completed paid and business orders.
//
// The month's sums come from the summary the triggers of migration 0025
// keep (_wuye_order_months); only orders not yet answered whose deadline has
// passed are counted from the rows, through the partial index of the
// unanswered ones.
func WorkOrderStats(app core.App, community string, month, at time.Time) (map[string]any, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	to := from.AddDate(0, 1, 0)
	params := dbx.Params{
		"c": community, "month": from.Format("2006-01"), "from": from.UTC().Format(types.DefaultDateLayout),
		"to": to.UTC().Format(types.DefaultDateLayout), "now": at.UTC().Format(types.DefaultDateLayout),
	}
	var groups []struct {
		Kind     string `db:"kind"`
		Category string `db:"category"`
		Replied  int    `db:"replied"`
		workOrderTotals
	}
	err := app.DB().NewQuery(`
		SELECT kind, category, total, cancelled, replied, reply_on_time, arrivals, arrivals_on_time, signed_off, reworked,
			revisited, satisfied, basic, home_visits, revisit_overdue,
			` + fenClamp("revenue_fen") + ` AS revenue_fen, ` + fenClamp("unpaid_fen") + ` AS unpaid_fen
		FROM _wuye_order_months WHERE community = {:c} AND month = {:month} AND total > 0`).Bind(params).All(&groups)
	if err != nil {
		return nil, err
	}
	var t workOrderTotals
	byKind, byCategory := map[string]int{}, map[string]int{}
	for _, g := range groups {
		t.Total += g.Total
		t.Cancelled += g.Cancelled
		t.ReplyDue += g.Replied
		t.ReplyOnTime += g.ReplyOnTime
		t.Arrivals += g.Arrivals
		t.ArrivalsOnTime += g.ArrivalsOnTime
		t.SignedOff += g.SignedOff
		t.Reworked += g.Reworked
		t.Revisited += g.Revisited
		t.Satisfied += g.Satisfied
		t.Basic += g.Basic
		t.HomeVisits += g.HomeVisits
		t.RevisitOverdue += g.RevisitOverdue
		t.RevenueFen = addFen(t.RevenueFen, g.RevenueFen) // hooks/guard_money.go
		t.UnpaidFen = addFen(t.UnpaidFen, g.UnpaidFen)
		byKind[g.Kind] += g.Total
		byCategory[g.Category] += g.Total
	}
	// Orders not answered yet whose 15 minutes are up count as due (and late).
	var late int
	err = app.DB().NewQuery(`
		SELECT COUNT(*) FROM work_orders WHERE community = {:c} AND received_at >= {:from} AND received_at < {:to}
			AND replied_at = '' AND reply_due < {:now}`).Bind(params).Row(&late)
	if err != nil {
		return nil, err
	}
	t.ReplyDue += late
	// The community's targets (kpi_targets; by default [004] 三 7.6, [003] 2.7).
	targets, err := statsTargets(app, community, map[string]string{
		"reply_rate": "reply_rate", "arrival_rate": "arrival_rate", "rework_rate": "rework_rate",
		"satisfaction_rate": "order_satisfaction", "home_visit_share": "home_visit_share",
	})
	if err != nil {
		return nil, err
	}
	byUrgency, err := workOrderUrgencyStats(app, params)
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
		"targets":           targets,
		// Urgent (急修) and minor (零修) repairs apart, each against [004] 三 7.6.
		"by_urgency": byUrgency,
	}, nil
}

// urgencyTotals are one urgency's figures of a month.
type urgencyTotals struct {
	Urgency        string `db:"urgency" json:"-"`
	Total          int    `db:"total" json:"total"`
	ReplyDue       int    `db:"reply_due" json:"reply_due"`
	ReplyOnTime    int    `db:"reply_on_time" json:"reply_on_time"`
	Arrivals       int    `db:"arrivals" json:"arrivals"`
	ArrivalsOnTime int    `db:"arrivals_on_time" json:"arrivals_on_time"`
	SignedOff      int    `db:"signed_off" json:"signed_off"`
	Reworked       int    `db:"reworked" json:"reworked"`
	Revisited      int    `db:"revisited" json:"revisited"`
	Satisfied      int    `db:"satisfied" json:"satisfied"`
	Basic          int    `db:"basic" json:"basic"`
}

// workOrderUrgencyStats counts the month's orders of each urgency, in one
// query over the orders of the month (index idx_work_orders_community_urgency):
// the on-time rate (arrivals within the arrival deadline, the manual's
// 及时率, target 100%), the rework rate (≤ 1%) and the revisit satisfaction
// (≥ 95%) — [004] 三 7.6 — with the reply rate beside them. Both urgencies
// are always present.
func workOrderUrgencyStats(app core.App, params dbx.Params) (map[string]any, error) {
	var rows []urgencyTotals
	err := app.DB().NewQuery(`
		SELECT urgency, COUNT(*) AS total,
			COALESCE(SUM(replied_at != '' OR reply_due < {:now}), 0) AS reply_due,
			COALESCE(SUM(replied_at != '' AND replied_at <= reply_due), 0) AS reply_on_time,
			COALESCE(SUM(arrival != ''), 0) AS arrivals,
			COALESCE(SUM(arrival = 'on_time'), 0) AS arrivals_on_time,
			COALESCE(SUM(signoff != ''), 0) AS signed_off,
			COALESCE(SUM(signoff = 'rework'), 0) AS reworked,
			COALESCE(SUM(revisited_at != ''), 0) AS revisited,
			COALESCE(SUM(revisited_at != '' AND satisfaction = 'satisfied'), 0) AS satisfied,
			COALESCE(SUM(revisited_at != '' AND satisfaction = 'basic'), 0) AS basic
		FROM work_orders WHERE community = {:c} AND received_at >= {:from} AND received_at < {:to}
		GROUP BY urgency`).Bind(params).All(&rows)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, u := range migrations.Urgencies {
		t := urgencyTotals{Urgency: u}
		for _, r := range rows {
			if r.Urgency == u || (u == "normal" && r.Urgency == "") {
				t.Total += r.Total
				t.ReplyDue += r.ReplyDue
				t.ReplyOnTime += r.ReplyOnTime
				t.Arrivals += r.Arrivals
				t.ArrivalsOnTime += r.ArrivalsOnTime
				t.SignedOff += r.SignedOff
				t.Reworked += r.Reworked
				t.Revisited += r.Revisited
				t.Satisfied += r.Satisfied
				t.Basic += r.Basic
			}
		}
		out[u] = map[string]any{
			"totals":            t,
			"reply_rate":        ratio(t.ReplyOnTime, t.ReplyDue),
			"on_time_rate":      ratio(t.ArrivalsOnTime, t.Arrivals),
			"rework_rate":       ratio(t.Reworked, t.SignedOff),
			"satisfaction_rate": ratio(t.Satisfied+t.Basic, t.Revisited),
			"targets":           map[string]float64{"on_time_rate": 1, "rework_rate": 0.01, "satisfaction_rate": 0.95},
		}
	}
	return out, nil
}

// registerWorkOrderStats serves a month's work-order statistics.
func registerWorkOrderStats(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/stats/work-orders", monthlyStats(WorkOrderStats))
		return se.Next()
	})
}
