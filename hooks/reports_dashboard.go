package hooks

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// How far ahead the dashboard warns of a deadline: complaints and renovation
// reviews four hours before, a work order's 15-minute reply 15 minutes before
// (that is, from the moment it is taken in).
const (
	complaintBreachWindow  = 4 * time.Hour
	workOrderBreachWindow  = 15 * time.Minute
	renovationBreachWindow = 4 * time.Hour
	breachListLimit        = 200
	maxTrendMonths         = 24
	defaultTrendMonths     = 6
)

func registerDashboard(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/stats/dashboard", dashboardStats)
		se.Router.GET("/api/stats/trends", trendStats)
		se.Router.GET("/api/stats/patrols", patrolStats)
		return se.Next()
	})
}

// PatrolCoverage counts a month's vacant-unit patrol tasks ([000] 管理员 3.2) and
// the missed patrols still outstanding, so that the figure counts what the
// rounds screen lists (pb_public/js/staff/rounds.js): a missed patrol counts
// against the figure, whatever month it was due in, until a later patrol of
// the unit makes it up (see afterPatrol). A task counts as due once it is
// patrolled or its due day has passed; a task still open and not yet due
// counts neither way.
type PatrolCoverage struct {
	Planned int `db:"planned" json:"planned"` // tasks due in the month
	// Due: the month's tasks patrolled or past their due day, plus the
	// earlier months' missed tasks still outstanding (CarriedOver).
	Due    int `db:"due" json:"due"`
	Done   int `db:"done" json:"done"`       // patrolled by the due day
	MadeUp int `db:"made_up" json:"made_up"` // patrolled after the due day (补巡): late, not on time
	// Missed: the month's tasks past their due day and not patrolled,
	// flagged by the nightly job or not yet.
	Missed int `db:"missed" json:"missed"`
	Open   int `db:"open" json:"open"` // not yet due, not yet patrolled
	// CarriedOver: missed tasks of earlier months not made up yet.
	CarriedOver int `db:"carried_over" json:"carried_over"`
	// Outstanding = Missed + CarriedOver: the missed patrols the rounds
	// screen lists, waiting to be made up.
	Outstanding int `db:"-" json:"outstanding"`
	Coverage    any `db:"-" json:"coverage"` // done / due
}

// ReviewBacklog is the renovation reviews waiting now, and how many are past
// their deadline: engineering 2 working days, the director 1 working day.
type ReviewBacklog struct {
	AwaitingEngineering int `db:"awaiting_engineering" json:"awaiting_engineering"`
	AwaitingApproval    int `db:"awaiting_approval" json:"awaiting_approval"`
	EngineeringOverdue  int `db:"engineering_overdue" json:"engineering_overdue"`
	ApprovalOverdue     int `db:"approval_overdue" json:"approval_overdue"`
	Overdue             int `db:"-" json:"overdue"`
	// FlaggedInMonth: reviews the escalation job found late during the month.
	FlaggedInMonth int `db:"flagged_in_month" json:"flagged_in_month"`
}

// complaintLink opens the complaint's case in the staff workspace.
const complaintLink = `'#/complaints/' || c.id`

// BreachItem is one document close to (or past) a deadline.
type BreachItem struct {
	// Kind: complaint_first_response, complaint_reply, work_order_reply,
	// renovation_engineering or renovation_approval.
	Kind       string `db:"kind" json:"kind"`
	Collection string `db:"collection" json:"collection"`
	ID         string `db:"id" json:"id"`
	Serial     string `db:"serial" json:"serial"`
	Status     string `db:"status" json:"status"`
	Category   string `db:"category" json:"category"`
	Place      string `db:"place" json:"place"`
	Due        string `db:"due" json:"due"`
	Overdue    bool   `db:"overdue" json:"overdue"`
	Link       string `db:"link" json:"link"` // the staff workspace's route
}

// MonthlyReport holds the service-center report's numbers ([000] 前台 4.1.3, 4.10.5; docs/DESIGN.md, "Reports").
type MonthlyReport struct {
	MoveIns                int            `db:"move_ins" json:"move_ins"`
	Handovers              int            `db:"handovers" json:"handovers"`
	RenovationApplications int            `db:"renovation_applications" json:"renovation_applications"`
	RenovationsStarted     int            `db:"renovations_started" json:"renovations_started"` // permits issued
	RenovationsAccepted    int            `db:"renovations_accepted" json:"renovations_accepted"`
	PassesIssued           int            `db:"passes_issued" json:"passes_issued"`
	PassesReturned         int            `db:"passes_returned" json:"passes_returned"`
	HotWorkRequested       int            `db:"hot_work_requested" json:"hot_work_requested"`
	HotWorkApproved        int            `db:"hot_work_approved" json:"hot_work_approved"`
	Complaints             int            `db:"-" json:"complaints"`
	ComplaintsByCategory   map[string]int `db:"-" json:"complaints_by_category"`
	ComplaintsByLevel      map[string]int `db:"-" json:"complaints_by_level"`
	// The front desk's registers (reports_desk.go): counted from each
	// register's collection, 0 where a community's Wuye has none yet.
	Enquiries   int `db:"-" json:"enquiries"`
	Incidents   int `db:"-" json:"incidents"`
	Parcels     int `db:"-" json:"parcels"`
	LostItems   int `db:"-" json:"lost_items"`
	GoodsPasses int `db:"-" json:"goods_passes"`
	Visits      int `db:"-" json:"visits"`
}

// ManagerPatrols is one area manager's patrol figure (PatrolFigure of
// their tasks): the dashboard lists every manager's, the rounds screen shows
// the signed-in manager theirs, from the same query.
type ManagerPatrols struct {
	Manager string `db:"manager" json:"manager"` // "" for tasks of an area without a manager
	Name    string `db:"name" json:"name"`
	PatrolCoverage
}

// DashboardData is the answer of GET /api/stats/dashboard.
type DashboardData struct {
	Community        string           `json:"community"`
	Month            string           `json:"month"`
	At               string           `json:"at"`
	Patrols          PatrolCoverage   `json:"patrols"`
	PatrolsByManager []ManagerPatrols `json:"patrols_by_manager"`
	// VisitsByStaff: the area managers' visits of the month ([000] 管理员
	// 4.6), by visitor (field_visits.go).
	VisitsByStaff []VisitCount `json:"visits_by_staff"`
	// AnnualSatisfaction is the owners' satisfaction of the year ([002] 三
	// 3.4: 通过定期调查): the satisfied share of the ratings of the year's
	// annual satisfaction surveys (surveys_results.go), null when none was
	// answered ("no survey yet") — never made up from complaint revisits,
	// which are a figure of their own.
	AnnualSatisfaction       any                `json:"annual_satisfaction"`
	AnnualSatisfactionSource string             `json:"annual_satisfaction_source"`
	RenovationReviews        ReviewBacklog      `json:"renovation_reviews"`
	Breaching                []BreachItem       `json:"breaching"`
	BreachWindows            map[string]int     `json:"breach_windows_minutes"`
	Report                   MonthlyReport      `json:"report"`
	Targets                  map[string]float64 `json:"targets"`
	// Activities: the community activities of the month's quarter ([000]
	// 管理员 4.10; activities.go).
	Activities ActivityQuarter `json:"activities"`
}

// monthBounds is the Shanghai calendar month of month as UTC timestamps
// (for datetime fields) and civil dates (for date fields).
func monthBounds(month time.Time) (from, to time.Time, params dbx.Params) {
	from = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	to = from.AddDate(0, 1, 0)
	return from, to, dbx.Params{
		"from":  from.UTC().Format(types.DefaultDateLayout),
		"to":    to.UTC().Format(types.DefaultDateLayout),
		"dfrom": from.Format(time.DateOnly),
		"dto":   to.Format(time.DateOnly),
	}
}

// patrolFigureSQL counts the patrol tasks of a community (and one manager,
// or each manager) for PatrolCoverage. m: the task is due in the month; the
// other rows selected are the earlier months' tasks not patrolled though
// their day has passed.
func patrolFigureSQL(where, group string) string {
	cols, by := "", ""
	if group != "" {
		cols, by = group+", ", " GROUP BY "+group
	}
	return `
		SELECT ` + cols + `COALESCE(SUM(m), 0) AS planned,
			COALESCE(SUM(NOT m OR status IN ('done', 'made_up') OR due_on < {:today}), 0) AS due,
			COALESCE(SUM(m AND status = 'done'), 0) AS done,
			COALESCE(SUM(m AND status = 'made_up'), 0) AS made_up,
			COALESCE(SUM(m AND status IN ('open', 'missed') AND due_on < {:today}), 0) AS missed,
			COALESCE(SUM(m AND status = 'open' AND due_on >= {:today}), 0) AS open,
			COALESCE(SUM(NOT m), 0) AS carried_over
		FROM (SELECT manager, status, due_on, due_on >= {:dfrom} AS m FROM patrol_tasks
			WHERE community = {:c}` + where + ` AND due_on < {:dto} AND (due_on >= {:dfrom} OR
				status IN ('open', 'missed') AND due_on < {:today}))` + by
}

func patrolParams(community string, month, at time.Time) dbx.Params {
	_, _, params := monthBounds(month)
	params["c"] = community
	params["today"] = at.In(workcal.Shanghai).Format(time.DateOnly)
	return params
}

func (p *PatrolCoverage) complete() {
	p.Outstanding = p.Missed + p.CarriedOver
	p.Coverage = ratio(p.Done, p.Due)
}

// PatrolFigure is the vacant-unit patrol figure of the Shanghai month of
// month in community at time at ([000] 管理员 3.2), of manager's tasks
// ("" for every task of the community): the dashboard's and the rounds
// screen's figure alike.
func PatrolFigure(app core.App, community, manager string, month, at time.Time) (PatrolCoverage, error) {
	params := patrolParams(community, month, at)
	where := ""
	if manager != "" {
		where, params["manager"] = " AND manager = {:manager}", manager
	}
	var p PatrolCoverage
	if err := app.DB().NewQuery(patrolFigureSQL(where, "")).Bind(params).One(&p); err != nil {
		return p, fmt.Errorf("patrol figure: %w", err)
	}
	p.complete()
	return p, nil
}

// PatrolFiguresByManager is PatrolFigure of each area manager with tasks
// counted in the month, by name.
func PatrolFiguresByManager(app core.App, community string, month, at time.Time) ([]ManagerPatrols, error) {
	out := []ManagerPatrols{}
	err := app.DB().NewQuery(`SELECT f.*, COALESCE(s.name, '') AS name FROM (` + patrolFigureSQL("", "manager") + `) f
		LEFT JOIN staff s ON s.id = f.manager ORDER BY name, f.manager`).Bind(patrolParams(community, month, at)).All(&out)
	if err != nil {
		return nil, fmt.Errorf("patrol figures by manager: %w", err)
	}
	for i := range out {
		out[i].complete()
	}
	return out, nil
}

// Dashboard works out, in SQL, the KPIs the other statistics routes do not
// give — vacant-patrol coverage of the month, the renovation review backlog
// at time at, the documents about to breach a deadline at time at — and the
// monthly service-center report's numbers for the Shanghai month of month.
func Dashboard(app core.App, community string, month, at time.Time) (*DashboardData, error) {
	from, _, params := monthBounds(month)
	params["c"] = community
	params["now"] = at.UTC().Format(types.DefaultDateLayout)
	params["today"] = at.In(workcal.Shanghai).Format(time.DateOnly)
	params["soon_complaint"] = at.Add(complaintBreachWindow).UTC().Format(types.DefaultDateLayout)
	params["soon_order"] = at.Add(workOrderBreachWindow).UTC().Format(types.DefaultDateLayout)
	params["soon_renovation"] = at.Add(renovationBreachWindow).UTC().Format(types.DefaultDateLayout)
	targets, err := KPITargetsOf(app, community)
	if err != nil {
		return nil, err
	}
	d := &DashboardData{
		Community: community, Month: from.Format("2006-01"), At: params["now"].(string),
		BreachWindows: map[string]int{
			"complaints": int(complaintBreachWindow / time.Minute), "work_orders": int(workOrderBreachWindow / time.Minute),
			"renovations": int(renovationBreachWindow / time.Minute),
		},
		AnnualSatisfactionSource: "survey",
		// The community's targets (kpi_targets): every vacant unit patrolled
		// as planned, no review left late, the owners' satisfaction of the
		// year, and the rest by the names of their kpi_targets fields.
		Targets: targetsAs(targets, map[string]string{
			"patrol_coverage": "patrol_coverage", "renovation_reviews_overdue": "renovation_reviews_overdue",
			"annual_satisfaction": "annual_satisfaction", "problem_solving_rate": "problem_solving_rate",
		}),
	}

	if d.AnnualSatisfaction, err = AnnualSatisfaction(app, community, month); err != nil {
		return nil, err
	}
	if d.Activities, err = ActivitiesOfQuarter(app, community, month, at); err != nil {
		return nil, err
	}
	if d.Patrols, err = PatrolFigure(app, community, "", month, at); err != nil {
		return nil, err
	}
	if d.PatrolsByManager, err = PatrolFiguresByManager(app, community, month, at); err != nil {
		return nil, err
	}

	err = app.DB().NewQuery(`
		SELECT
			COALESCE(SUM(status = 'submitted'), 0) AS awaiting_engineering,
			COALESCE(SUM(status = 'engineering_passed'), 0) AS awaiting_approval,
			COALESCE(SUM(status = 'submitted' AND engineering_due != '' AND engineering_due < {:now}), 0) AS engineering_overdue,
			COALESCE(SUM(status = 'engineering_passed' AND approval_due != '' AND approval_due < {:now}), 0) AS approval_overdue,
			(SELECT COUNT(*) FROM events WHERE community = {:c} AND subject_collection = 'renovations'
				AND action = 'overdue_review' AND created >= {:from} AND created < {:to}) AS flagged_in_month
		FROM renovations
		WHERE community = {:c} AND status IN ('submitted', 'engineering_passed')`).Bind(params).One(&d.RenovationReviews)
	if err != nil {
		return nil, fmt.Errorf("dashboard renovation reviews: %w", err)
	}
	d.RenovationReviews.Overdue = d.RenovationReviews.EngineeringOverdue + d.RenovationReviews.ApprovalOverdue

	d.Breaching = []BreachItem{}
	err = app.DB().NewQuery(`
		SELECT * FROM (
			SELECT 'complaint_first_response' AS kind, 'complaints' AS collection, c.id, c.serial, c.status, c.category,
				COALESCE(b.name || ' ' || u.number, c.location, '') AS place, c.first_response_due AS due,
				c.first_response_due < {:now} AS overdue, ` + complaintLink + ` AS link
			FROM complaints c LEFT JOIN units u ON u.id = c.unit LEFT JOIN buildings b ON b.id = u.building
			WHERE c.community = {:c} AND c.status = 'received' AND c.first_response_due != '' AND c.first_response_due <= {:soon_complaint}
			UNION ALL
			SELECT 'complaint_reply', 'complaints', c.id, c.serial, c.status, c.category,
				COALESCE(b.name || ' ' || u.number, c.location, ''), c.reply_due,
				c.reply_due < {:now}, ` + complaintLink + `
			FROM complaints c LEFT JOIN units u ON u.id = c.unit LEFT JOIN buildings b ON b.id = u.building
			WHERE c.community = {:c} AND c.status IN ('received', 'assigned', 'processing') AND c.reply_due != '' AND c.reply_due <= {:soon_complaint}
			UNION ALL
			SELECT 'work_order_reply', 'work_orders', w.id, w.serial, w.status, w.category,
				COALESCE(b.name || ' ' || u.number, w.location, ''), w.reply_due,
				w.reply_due < {:now}, '#/orders/' || w.id
			FROM work_orders w LEFT JOIN units u ON u.id = w.unit LEFT JOIN buildings b ON b.id = u.building
			WHERE w.community = {:c} AND w.status = 'new' AND w.reply_due != '' AND w.reply_due <= {:soon_order}
			UNION ALL
			SELECT CASE r.status WHEN 'submitted' THEN 'renovation_engineering' ELSE 'renovation_approval' END,
				'renovations', r.id, r.serial, r.status, '',
				COALESCE(b.name || ' ' || u.number, ''),
				CASE r.status WHEN 'submitted' THEN r.engineering_due ELSE r.approval_due END,
				CASE r.status WHEN 'submitted' THEN r.engineering_due ELSE r.approval_due END < {:now},
				'#/renovations/' || r.id
			FROM renovations r LEFT JOIN units u ON u.id = r.unit LEFT JOIN buildings b ON b.id = u.building
			WHERE r.community = {:c} AND (
				(r.status = 'submitted' AND r.engineering_due != '' AND r.engineering_due <= {:soon_renovation}) OR
				(r.status = 'engineering_passed' AND r.approval_due != '' AND r.approval_due <= {:soon_renovation}))
		)
		ORDER BY due, serial, kind
		LIMIT ` + strconv.Itoa(breachListLimit)).Bind(params).All(&d.Breaching)
	if err != nil {
		return nil, fmt.Errorf("dashboard deadlines: %w", err)
	}

	err = app.DB().NewQuery(`
		SELECT
			(SELECT COUNT(*) FROM units WHERE community = {:c} AND moved_in_on >= {:dfrom} AND moved_in_on < {:dto}) AS move_ins,
			(SELECT COUNT(*) FROM units WHERE community = {:c} AND handed_over_on >= {:dfrom} AND handed_over_on < {:dto}) AS handovers,
			(SELECT COUNT(*) FROM renovations WHERE community = {:c} AND submitted_at >= {:from} AND submitted_at < {:to}) AS renovation_applications,
			(SELECT COUNT(*) FROM renovations WHERE community = {:c} AND permitted_at >= {:from} AND permitted_at < {:to}) AS renovations_started,
			(SELECT COUNT(*) FROM renovations WHERE community = {:c} AND accepted_at >= {:from} AND accepted_at < {:to}) AS renovations_accepted,
			(SELECT COUNT(*) FROM renovation_passes p JOIN renovations r ON r.id = p.renovation
				WHERE r.community = {:c} AND p.created >= {:from} AND p.created < {:to}) AS passes_issued,
			(SELECT COUNT(*) FROM renovation_passes p JOIN renovations r ON r.id = p.renovation
				WHERE r.community = {:c} AND p.returned_at >= {:from} AND p.returned_at < {:to}) AS passes_returned,
			(SELECT COUNT(*) FROM hot_work_permits h JOIN renovations r ON r.id = h.renovation
				WHERE r.community = {:c} AND h.created >= {:from} AND h.created < {:to}) AS hot_work_requested,
			(SELECT COUNT(*) FROM events WHERE community = {:c} AND subject_collection = 'renovations'
				AND action = 'hot_work_approved' AND created >= {:from} AND created < {:to}) AS hot_work_approved`).
		Bind(params).One(&d.Report)
	if err != nil {
		return nil, fmt.Errorf("dashboard report: %w", err)
	}
	// The month's complaints by category and level, from the summary kept
	// by the triggers of migration 0025.
	var groups []struct {
		Category string `db:"category"`
		Level    string `db:"level"`
		N        int    `db:"total"`
	}
	params["month"] = from.Format("2006-01")
	err = app.DB().NewQuery(`SELECT category, level, total FROM _wuye_complaint_months
		WHERE community = {:c} AND month = {:month} AND total > 0`).Bind(params).All(&groups)
	if err != nil {
		return nil, fmt.Errorf("dashboard complaints: %w", err)
	}
	d.Report.ComplaintsByCategory, d.Report.ComplaintsByLevel = map[string]int{}, map[string]int{}
	for _, g := range groups {
		d.Report.Complaints += g.N
		d.Report.ComplaintsByCategory[g.Category] += g.N
		d.Report.ComplaintsByLevel[g.Level] += g.N
	}
	if err := deskReport(app, &d.Report, community, month); err != nil {
		return nil, err
	}
	if d.VisitsByStaff, err = VisitCounts(app, community, month); err != nil {
		return nil, err
	}
	return d, nil
}

// TrendRow is one month of the trends.
type TrendRow struct {
	Month               string `db:"m" json:"month"`
	Complaints          int    `db:"complaints" json:"complaints"`
	ComplaintsDue       int    `db:"complaints_due" json:"complaints_due"`
	ComplaintsOnTime    int    `db:"complaints_on_time" json:"complaints_on_time"`
	ComplaintsOnTimeR   any    `db:"-" json:"complaints_on_time_rate"`
	WorkOrders          int    `db:"work_orders" json:"work_orders"`
	WorkOrdersCompleted int    `db:"work_orders_completed" json:"work_orders_completed"`
	SignedOff           int    `db:"signed_off" json:"signed_off"`
	Rework              int    `db:"rework" json:"rework"`
	ReworkRate          any    `db:"-" json:"rework_rate"`
	BilledFen           int64  `db:"billed_fen" json:"billed_fen"`
	PaidFen             int64  `db:"paid_fen" json:"paid_fen"`
	CollectionRate      any    `db:"-" json:"collection_rate"`
}

// Trends gives n Shanghai months ending with the month of last, oldest
// first:
//
//   - complaints received, and of the valid ones answered or past their
//     reply deadline at time at, those answered on time (as ComplaintStats);
//   - work orders received, completed (by completion month), signed off and
//     sent back for rework (by sign-off month);
//   - the collection of the month's bills (period starting in the month):
//     paid / billed fen (less discounts; late fees not counted).
//
// The sums come from the monthly summaries the triggers of migration 0025
// keep; only valid complaints not answered yet whose deadline has passed
// are counted from the rows (the partial index of the unanswered ones).
func Trends(app core.App, community string, last time.Time, n int, at time.Time) ([]TrendRow, error) {
	end := time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
	start := end.AddDate(0, 1-n, 0)
	_, _, params := monthBounds(start)
	_, _, endParams := monthBounds(end)
	params["to"] = endParams["to"]
	params["c"] = community
	params["now"] = at.UTC().Format(types.DefaultDateLayout)
	params["first"] = start.Format("2006-01")
	params["last"] = end.Format("2006-01")
	var rows []TrendRow
	err := app.DB().NewQuery(`
		SELECT m,
			SUM(complaints) AS complaints, SUM(complaints_due) AS complaints_due, SUM(complaints_on_time) AS complaints_on_time,
			SUM(work_orders) AS work_orders, SUM(work_orders_completed) AS work_orders_completed,
			SUM(signed_off) AS signed_off, SUM(rework) AS rework,
			` + fenTotal("billed_fen") + ` AS billed_fen, ` + fenTotal("paid_fen") + ` AS paid_fen
		FROM (
			SELECT month AS m, total AS complaints, replied AS complaints_due, reply_on_time AS complaints_on_time,
				0 AS work_orders, 0 AS work_orders_completed, 0 AS signed_off, 0 AS rework, 0 AS billed_fen, 0 AS paid_fen
			FROM _wuye_complaint_months WHERE community = {:c} AND month BETWEEN {:first} AND {:last}
			UNION ALL
			SELECT strftime('%Y-%m', received_at, '+8 hours'), 0, 1, 0, 0, 0, 0, 0, 0, 0
			FROM complaints WHERE community = {:c} AND received_at >= {:from} AND received_at < {:to}
				AND status != 'invalid' AND replied_at = '' AND reply_due < {:now}
			UNION ALL
			SELECT month, 0, 0, 0, total, 0, 0, 0, 0, 0
			FROM _wuye_order_months WHERE community = {:c} AND month BETWEEN {:first} AND {:last}
			UNION ALL
			SELECT month, 0, 0, 0, 0, completed, 0, 0, 0, 0
			FROM _wuye_order_completed_months WHERE community = {:c} AND month BETWEEN {:first} AND {:last}
			UNION ALL
			SELECT month, 0, 0, 0, 0, 0, signed_off, rework, 0, 0
			FROM _wuye_order_signed_months WHERE community = {:c} AND month BETWEEN {:first} AND {:last}
			UNION ALL
			SELECT month, 0, 0, 0, 0, 0, 0, 0, billed_fen, paid_fen
			FROM _wuye_bill_months WHERE community = {:c} AND month BETWEEN {:first} AND {:last}
		)
		GROUP BY m`).Bind(params).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("trends: %w", err)
	}
	byMonth := make(map[string]TrendRow, len(rows))
	for _, r := range rows {
		byMonth[r.Month] = r
	}
	out := make([]TrendRow, n)
	for i := range out {
		m := start.AddDate(0, i, 0).Format("2006-01")
		r := byMonth[m]
		r.Month = m
		r.ComplaintsOnTimeR = ratio(r.ComplaintsOnTime, r.ComplaintsDue)
		r.ReworkRate = ratio(r.Rework, r.SignedOff)
		r.CollectionRate = ratioFen(r.PaidFen, r.BilledFen)
		out[i] = r
	}
	return out, nil
}

// dashboardStats answers GET /api/stats/dashboard?community=…&month=YYYY-MM
// for the community's supervisors and directors.
func dashboardStats(e *core.RequestEvent) error {
	community, month, err := statsRequest(e)
	if err != nil {
		return err
	}
	// The figures are the community's and the month's, computed once for
	// every caller of the same scope within a second (sharedAnswer) …
	shared, err := sharedAnswer(e, func() (any, error) { return Dashboard(e.App, community, month, now()) })
	if err != nil {
		return err
	}
	d := *shared.(*DashboardData) // a copy: the shared answer stays as computed
	// … but the deadline list names documents: only those this caller may
	// list (a complaint about a supervisor stays hidden from them here too),
	// checked for each caller.
	if d.Breaching, err = listableBreaches(e, d.Breaching); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, d)
}

// trendStats answers GET /api/stats/trends?community=…&months=6[&month=YYYY-MM]
// (the last month, by default the current one) for the community's
// supervisors and directors.
func trendStats(e *core.RequestEvent) error {
	if e.Auth == nil {
		return apis.NewUnauthorizedError("", nil)
	}
	q := e.Request.URL.Query()
	community, err := statsCommunity(e, RoleSupervisor, RoleDirector)
	if err != nil {
		return err
	}
	at := now()
	last := at.In(workcal.Shanghai)
	if s := q.Get("month"); s != "" {
		if last, err = statsMonth(s); err != nil {
			return err
		}
	}
	n := defaultTrendMonths
	if s := q.Get("months"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > maxTrendMonths {
			return badRequest(validation.Errors{"months": codedError("wuye_bad_months", maxTrendMonths)})
		}
		n = v
	}
	// One computation for every caller of the same scope within a second
	// (sharedAnswer): the answer depends on the community, the months and
	// the last month only.
	answer, err := sharedAnswer(e, func() (any, error) {
		rows, err := Trends(e.App, community, last, n, at)
		if err != nil {
			return nil, err
		}
		// The community's targets (kpi_targets; by default complaints answered
		// on time 100% [004] 三 3.6, 3.9, rework ≤ 1% [004] 三 7.6, the
		// management fee collected ≥ 95% [000] 管理员 4.1.5).
		targets, err := statsTargets(e.App, community, map[string]string{
			"complaints_on_time_rate": "complaint_on_time_rate", "rework_rate": "rework_rate", "collection_rate": "management_collection_rate",
		})
		if err != nil {
			return nil, err
		}
		return map[string]any{
			"community": community, "months": n, "from": rows[0].Month, "to": rows[len(rows)-1].Month, "rows": rows,
			"targets": targets,
		}, nil
	})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, answer)
}

// patrolStats answers GET /api/stats/patrols?community=…&month=YYYY-MM: the
// vacant-unit patrol figure of the month (PatrolFigure, the dashboard's),
// with its target. An area manager gets the figure of their own tasks — the
// one the dashboard lists for them — for the rounds screen; the community's
// supervisors and directors get the community's and every manager's.
func patrolStats(e *core.RequestEvent) error {
	if e.Auth == nil {
		return apis.NewUnauthorizedError("", nil)
	}
	community, err := statsCommunity(e, RoleAreaManager, RoleSupervisor, RoleDirector)
	if err != nil {
		return err
	}
	month, err := statsMonth(e.Request.URL.Query().Get("month"))
	if err != nil {
		return err
	}
	at := now()
	targets, err := statsTargets(e.App, community, map[string]string{"patrol_coverage": "patrol_coverage"})
	if err != nil {
		return err
	}
	out := map[string]any{"community": community, "month": month.Format("2006-01"), "targets": targets}
	if hasRole(e.Auth, RoleAreaManager) {
		p, err := PatrolFigure(e.App, community, e.Auth.Id, month, at)
		if err != nil {
			return err
		}
		out["manager"], out["patrols"] = e.Auth.Id, p
		return e.JSON(http.StatusOK, out)
	}
	p, err := PatrolFigure(e.App, community, "", month, at)
	if err != nil {
		return err
	}
	by, err := PatrolFiguresByManager(e.App, community, month, at)
	if err != nil {
		return err
	}
	out["patrols"], out["by_manager"] = p, by
	return e.JSON(http.StatusOK, out)
}
