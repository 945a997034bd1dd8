package hooks

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// complaintTotals is one row of aggregates over a month's complaints.
type complaintTotals struct {
	Total         int `db:"total" json:"total"`
	Invalid       int `db:"invalid" json:"invalid"`
	Closed        int `db:"closed" json:"closed"`
	FirstDue      int `db:"first_due" json:"first_response_due"`
	FirstOnTime   int `db:"first_on_time" json:"first_response_on_time"`
	ReplyDue      int `db:"reply_due" json:"reply_due"`
	ReplyOnTime   int `db:"reply_on_time" json:"reply_on_time"`
	Revisited     int `db:"revisited" json:"revisited"`
	Satisfied     int `db:"satisfied" json:"satisfied"`
	Basic         int `db:"basic" json:"basic"`
	Unsatisfied   int `db:"unsatisfied" json:"unsatisfied"`
	Reopened      int `db:"reopened" json:"reopened"`
	AboutCenter   int `db:"about_center" json:"about_service_center"`
	EscalatedLate int `db:"escalated" json:"escalated"`
	Solved        int `db:"-" json:"solved"`
}

// CategoryRates is one category's line of the monthly complaint statistics
// table ([000] 前台 4.1.3.1–4.1.3.4): complaints received, the valid ones,
// and of those answered or due, the ones answered on time.
type CategoryRates struct {
	Total       int `json:"total"`
	Valid       int `json:"valid"`
	ReplyDue    int `json:"reply_due"`
	ReplyOnTime int `json:"reply_on_time"`
	ValidRate   any `json:"valid_rate"`
	OnTimeRate  any `json:"on_time_rate"`
}

// ComplaintStats aggregates the complaints received in the Shanghai
// calendar month of community, at time at — the front desk's monthly
// statistics of [000] 前台 4.1.3 (3.3: 投诉有效率及处理及时率的月统计),
// overall and by the categories of 4.1.3.1 (by_category_rates):
//
//   - valid rate (投诉有效率, 4.1.3.4): valid complaints / all complaints
//     received (an invalid one, 无效投诉, is closed with its reason);
//   - on-time rate (处理及时率, 4.1.3.4): valid complaints answered by their
//     reply deadline (2 working days, [004] 三 3.6) / valid complaints
//     answered or past the deadline (a complaint still within its deadline
//     is not counted either way yet);
//   - problem-solving rate (问题解决率, [002] 三 3.3: 每月业主问题解决率): the
//     owners' problems of the month solved / the owners' problems received.
//     [002] counts the owners' problems, not their complaints alone: the
//     service center handles their 投诉、建议和咨询 (1.2) and 诉求 (3.2), and
//     solves customers' problems by coordinating the other departments
//     (1.4) — so an owner's request for a repair or a service (a work order
//     of source request, any kind: routine, paid or business; a rework is
//     the same problem, and a cancelled one is not counted) is one too,
//     solved once its work is completed and not sent back for rework. A
//     complaint is solved when answered and not reopened since by an
//     unsatisfied revisit (status replied, revisited or closed as they
//     stand at the time of asking); invalid complaints are not counted.
//     Work orders the office raised itself (from a complaint, a vacancy
//     patrol, a renovation inspection) are not the owners' problems;
//   - revisit satisfaction (投诉回访满意度): satisfied or basically satisfied
//     / revisited — a figure of its own, not the owners' annual
//     satisfaction of [002] 三 3.4, which comes from surveys.
//
// The month's sums come from the summary the triggers of migration 0025
// keep (_wuye_complaint_months); only what depends on the time of asking —
// complaints not yet answered whose deadline has passed — is counted from
// the rows, through the partial indexes of the unanswered ones.
func ComplaintStats(app core.App, community string, month time.Time, at time.Time) (map[string]any, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	to := from.AddDate(0, 1, 0)
	params := dbx.Params{
		"c":     community,
		"month": from.Format("2006-01"),
		"from":  from.UTC().Format(types.DefaultDateLayout),
		"to":    to.UTC().Format(types.DefaultDateLayout),
		"now":   at.UTC().Format(types.DefaultDateLayout),
	}
	var groups []struct {
		Category       string `db:"category"`
		Level          string `db:"level"`
		Total          int    `db:"total"`
		Invalid        int    `db:"invalid"`
		Closed         int    `db:"closed"`
		FirstResponded int    `db:"first_responded"`
		FirstOnTime    int    `db:"first_on_time"`
		Replied        int    `db:"replied"`
		ReplyOnTime    int    `db:"reply_on_time"`
		Revisited      int    `db:"revisited"`
		Satisfied      int    `db:"satisfied"`
		Basic          int    `db:"basic"`
		Unsatisfied    int    `db:"unsatisfied"`
		Reopened       int    `db:"reopened"`
		AboutCenter    int    `db:"about_center"`
		Escalated      int    `db:"escalated"`
	}
	err := app.DB().NewQuery(`
		SELECT category, level, total, invalid, closed, first_responded, first_on_time, replied, reply_on_time,
			revisited, satisfied, basic, unsatisfied, reopened, about_center, escalated
		FROM _wuye_complaint_months WHERE community = {:c} AND month = {:month} AND total > 0`).Bind(params).All(&groups)
	if err != nil {
		return nil, err
	}
	var t complaintTotals
	byCategory, byLevel := map[string]int{}, map[string]int{}
	for _, g := range groups {
		t.Total += g.Total
		t.Invalid += g.Invalid
		t.Closed += g.Closed
		t.FirstDue += g.FirstResponded
		t.FirstOnTime += g.FirstOnTime
		t.ReplyDue += g.Replied
		t.ReplyOnTime += g.ReplyOnTime
		t.Revisited += g.Revisited
		t.Satisfied += g.Satisfied
		t.Basic += g.Basic
		t.Unsatisfied += g.Unsatisfied
		t.Reopened += g.Reopened
		t.AboutCenter += g.AboutCenter
		t.EscalatedLate += g.Escalated
		byCategory[g.Category] += g.Total
		byLevel[g.Level] += g.Total
	}
	// Valid complaints not answered yet whose deadline has passed count as
	// due (and late); the solved ones are counted as they stand now. Both
	// from the rows of the month (idx_complaints_community_received).
	var live []struct {
		Category string `db:"category"`
		First    int    `db:"first"`
		Reply    int    `db:"reply"`
		Solved   int    `db:"solved"`
	}
	err = app.DB().NewQuery(`
		SELECT category,
			COALESCE(SUM(first_responded_at = '' AND first_response_due < {:now}), 0) AS first,
			COALESCE(SUM(replied_at = '' AND reply_due < {:now}), 0) AS reply,
			COALESCE(SUM(status IN ('replied', 'revisited', 'closed')), 0) AS solved
		FROM complaints WHERE community = {:c} AND received_at >= {:from} AND received_at < {:to} AND status != 'invalid'
		GROUP BY category`).Bind(params).All(&live)
	if err != nil {
		return nil, err
	}
	byCategoryRates := map[string]*CategoryRates{}
	line := func(category string) *CategoryRates {
		if byCategoryRates[category] == nil {
			byCategoryRates[category] = &CategoryRates{}
		}
		return byCategoryRates[category]
	}
	for _, g := range groups {
		l := line(g.Category)
		l.Total += g.Total
		l.Valid += g.Total - g.Invalid
		l.ReplyDue += g.Replied
		l.ReplyOnTime += g.ReplyOnTime
	}
	for _, g := range live {
		t.FirstDue += g.First
		t.ReplyDue += g.Reply
		t.Solved += g.Solved
		line(g.Category).ReplyDue += g.Reply
	}
	for _, l := range byCategoryRates {
		l.ValidRate, l.OnTimeRate = ratio(l.Valid, l.Total), ratio(l.ReplyOnTime, l.ReplyDue)
	}
	valid := t.Total - t.Invalid
	// The owners' requests of the month (work orders), as they stand now.
	var requests struct {
		Received int `db:"received" json:"received"`
		Solved   int `db:"solved" json:"solved"`
	}
	err = app.DB().NewQuery(`
		SELECT COUNT(*) AS received,
			COALESCE(SUM(status IN ('completed', 'signed_off', 'revisited', 'closed') AND signoff != 'rework'), 0) AS solved
		FROM work_orders WHERE community = {:c} AND source = 'request' AND source_ref = '' AND status != 'cancelled'
			AND received_at >= {:from} AND received_at < {:to}`).Bind(params).One(&requests)
	if err != nil {
		return nil, err
	}
	// The community's targets (kpi_targets; by default answered on time
	// 100% [004] 三 3.6, 3.9, problems solved ≥ 95% a month [002] 三 3.3;
	// no manual sets one for complaint revisits).
	targets, err := statsTargets(app, community, map[string]string{
		"on_time_rate": "complaint_on_time_rate", "satisfaction_rate": "complaint_satisfaction",
		"problem_solving_rate": "problem_solving_rate",
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"community":            community,
		"month":                from.Format("2006-01"),
		"totals":               t,
		"by_category":          byCategory,
		"by_level":             byLevel,
		"valid":                valid,
		"valid_rate":           ratio(valid, t.Total),
		"first_response_rate":  ratio(t.FirstOnTime, t.FirstDue),
		"on_time_rate":         ratio(t.ReplyOnTime, t.ReplyDue),
		"satisfaction_rate":    ratio(t.Satisfied+t.Basic, t.Revisited),
		"problem_solving_rate": ratio(t.Solved+requests.Solved, valid+requests.Received),
		"requests":             requests,
		"by_category_rates":    byCategoryRates,
		"targets":              targets,
	}, nil
}

// registerComplaintStats serves a month's complaint statistics.
func registerComplaintStats(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/stats/complaints", monthlyStats(ComplaintStats))
		return se.Next()
	})
}
