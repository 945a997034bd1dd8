package hooks

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
	"wuye/lib/workcal"
)

// WeeklyRow is one area's renovation week.
type WeeklyRow struct {
	Area        string `db:"area" json:"area"`
	AreaName    string `db:"area_name" json:"area_name"`
	UnderWay    int    `db:"under_way" json:"under_way"`
	Inspections int    `db:"inspections" json:"inspections"`
	WithIssues  int    `db:"with_issues" json:"with_issues"`
	Violations  int    `db:"violations" json:"violations"`
	MissedDays  int    `db:"missed_days" json:"missed_days"`
}

// RenovationWeekly is the Saturday summary per area ([000] 管理员 4.2.1.3) for the week
// ending on weekEnd (Sunday to Saturday, inclusive), in SQL. The week's days
// are Shanghai days: a timestamp is stored in UTC, so its day is taken
// eight hours on (a violation recorded at 07:00 on Sunday morning is
// Sunday's, not the Saturday before's).
func RenovationWeekly(app core.App, community string, weekEnd time.Time) ([]WeeklyRow, error) {
	from := weekEnd.AddDate(0, 0, -6).Format(time.DateOnly)
	to := weekEnd.Format(time.DateOnly)
	rows := []WeeklyRow{}
	err := app.DB().NewQuery(`
		SELECT a.id AS area, a.name AS area_name,
			COUNT(DISTINCT CASE WHEN r.status IN ('permitted', 'suspended') THEN r.id END) AS under_way,
			(SELECT COUNT(*) FROM renovation_inspections i JOIN renovations r2 ON r2.id = i.renovation JOIN units u2 ON u2.id = r2.unit
				JOIN buildings b2 ON b2.id = u2.building WHERE b2.area = a.id AND i.inspected_on BETWEEN {:from} AND {:to}) AS inspections,
			(SELECT COUNT(*) FROM renovation_inspections i JOIN renovations r2 ON r2.id = i.renovation JOIN units u2 ON u2.id = r2.unit
				JOIN buildings b2 ON b2.id = u2.building WHERE b2.area = a.id AND i.inspected_on BETWEEN {:from} AND {:to} AND i.result = 'issues') AS with_issues,
			(SELECT COUNT(*) FROM renovation_violations v JOIN renovations r2 ON r2.id = v.renovation JOIN units u2 ON u2.id = r2.unit
				JOIN buildings b2 ON b2.id = u2.building WHERE b2.area = a.id AND date(v.created, '+8 hours') BETWEEN {:from} AND {:to}) AS violations,
			(SELECT COUNT(*) FROM events ev JOIN renovations r2 ON r2.id = ev.subject_id JOIN units u2 ON u2.id = r2.unit
				JOIN buildings b2 ON b2.id = u2.building WHERE b2.area = a.id AND ev.action = 'missed_inspection' AND ev.note BETWEEN {:from} AND {:to}) AS missed_days
		FROM areas a
			LEFT JOIN buildings b ON b.area = a.id
			LEFT JOIN units u ON u.building = b.id
			LEFT JOIN renovations r ON r.unit = u.id
		WHERE a.community = {:c}
		GROUP BY a.id ORDER BY a.name`).Bind(dbx.Params{"c": community, "from": from, "to": to}).All(&rows)
	return rows, err
}

// renovationWeekly answers GET /api/wuye/renovations/weekly?community=…[&week_end=YYYY-MM-DD]
// (by default the week that ended on the last Saturday).
func renovationWeekly(e *core.RequestEvent) error {
	community, err := statsCommunity(e, RoleAreaManager, RoleEngineer, RoleSupervisor, RoleDirector)
	if err != nil {
		return err
	}
	end := civil(e.Request.URL.Query().Get("week_end"))
	if end.IsZero() && e.Request.URL.Query().Get("week_end") != "" {
		return badRequest(map[string]error{"week_end": codedError("wuye_date_invalid")})
	}
	if end.IsZero() {
		end = civil(today())
		for end.Weekday() != time.Saturday {
			end = end.AddDate(0, 0, -1)
		}
	}
	rows, err := RenovationWeekly(e.App, community, end)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"week_start": end.AddDate(0, 0, -6).Format(time.DateOnly), "week_end": end.Format(time.DateOnly), "areas": rows})
}

var measureNames = map[string]string{"stop_work": "停止施工", "rectify": "限期整改并恢复原状", "deduct": "扣除装修押金",
	"remove_contractor": "清退施工单位", "cut_utilities": "暂停水电供应"}

var rectificationPage = template.Must(template.New("rect").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>装修违规整改通知书 {{.Serial}}</title>
<style>body{font-family:"Noto Serif CJK SC","Songti SC",serif;max-width:40rem;margin:2rem auto;color:#111}
h1{text-align:center;font-size:1.5rem;letter-spacing:.3rem}.sign{margin-top:2.5rem;text-align:right}@media print{button{display:none}}</style>
</head><body><button onclick="print()">打印 Print</button>
<h1>装修违规整改通知书</h1>
<p>{{.Unit}} 业主/住户 {{.Owner}}：</p>
<p>您的房屋装修（{{.Serial}}，施工单位 {{.Contractor}}）在 {{.Found}} 的巡查中发现以下违规：</p>
<p><b>{{.Description}}</b>（{{.Severity}}）</p>
<p>依据《装修管理规定》，现采取以下措施：{{range .Measures}}{{.}}；{{end}}</p>
{{if .RectifyBy}}<p>请于 <b>{{.RectifyBy}}</b> 前整改完毕并恢复原状，届时物业将复查。</p>{{end}}
{{if .Deduct}}<p>从装修押金中扣除 {{.Deduct}}（大写：{{.DeductCapitals}}）。</p>{{end}}
<p class="sign">{{.Office}}<br>{{.Today}}</p></body></html>`))

// rectificationNotice answers GET /api/wuye/violations/{id}/notice: the
// 整改通知书 as a printable page, for the office and the applicant.
func rectificationNotice(e *core.RequestEvent) error {
	v, err := e.App.FindRecordById("renovation_violations", e.Request.PathValue("id"))
	if err != nil {
		return apis.NewNotFoundError("", nil)
	}
	reno, err := e.App.FindRecordById("renovations", v.GetString("renovation"))
	if err != nil {
		return apis.NewNotFoundError("", nil)
	}
	if !mayPrintViolationNotice(e, v, reno) {
		return apis.NewNotFoundError("", nil)
	}
	unit, _ := e.App.FindRecordById("units", reno.GetString("unit"))
	building, _ := e.App.FindRecordById("buildings", unit.GetString("building"))
	community, _ := e.App.FindRecordById("communities", reno.GetString("community"))
	owner := ""
	if a, err := e.App.FindRecordById("residents", reno.GetString("applicant")); err == nil {
		owner = a.GetString("name")
	}
	var measures []string
	for _, m := range v.GetStringSlice("measures") {
		measures = append(measures, measureNames[m])
	}
	deduct := int64(v.GetInt("deduct_fen"))
	data := map[string]any{
		"Unit": building.GetString("name") + " " + unit.GetString("number"), "Owner": owner, "Serial": reno.GetString("serial"),
		"Contractor": reno.GetString("contractor_name"), "Found": v.GetDateTime("created").Time().In(workcal.Shanghai).Format(time.DateOnly),
		"Description": v.GetString("description"), "Severity": map[string]string{"minor": "一般违规", "major": "重大违规"}[v.GetString("severity")],
		"Measures": measures, "RectifyBy": v.GetString("rectify_by"), "Office": community.GetString("name") + "物业服务中心", "Today": today(),
	}
	if deduct > 0 {
		data["Deduct"], data["DeductCapitals"] = money.Yuan(deduct), money.Capital(deduct)
	}
	var page strings.Builder
	if err := rectificationPage.Execute(&page, data); err != nil {
		return err
	}
	printableHeaders(e.Response.Header())
	return e.HTML(http.StatusOK, page.String())
}

// registerRenovationReports serves the weekly summary and the printable rectification notice.
func registerRenovationReports(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/renovations/weekly", renovationWeekly).Bind(apis.RequireAuth())
		se.Router.GET("/api/wuye/violations/{id}/notice", rectificationNotice).Bind(apis.RequireAuth())
		return se.Next()
	})
}
