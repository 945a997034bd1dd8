package hooks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The monthly service-center report as a sheet (GET /api/wuye/exports/report
// ?community=…&month=2026-12), for the supervisor and the director ([000]
// 前台 4.1.3, 4.10.5): the figures of the printable report (js/staff/
// dashboard/report.js) from the same statistics — Dashboard,
// ComplaintStats, WorkOrderStats and FeeCollection — one figure a row,
// counts as numbers, rates as percentages, money as yuan.
func init() {
	exports["report"] = export{
		title: text{"客服中心月报", "Monthly report"},
		cols: []col{{head: text{"部分", "Section"}, width: 16}, {head: text{"项目", "Item"}, width: 30},
			{head: text{"数值", "Value"}, kind: colInt, width: 16}},
		params: func(e *core.RequestEvent) (dbx.Params, string, error) {
			month, err := statsMonth(e.Request.URL.Query().Get("month"))
			if err != nil {
				return nil, "", err
			}
			return dbx.Params{"month": month}, month.Format("2006-01"), nil
		},
		roles: managerActors,
		rows:  monthlyReportRows,
	}
}

// kinded is a cell whose kind is not its column's.
type kinded struct {
	kind colKind
	v    any
}

func monthlyReportRows(e *core.RequestEvent, community, lang string, params dbx.Params) ([][]any, error) {
	month := params["month"].(time.Time)
	at := now()
	d, err := Dashboard(e.App, community, month, at)
	if err != nil {
		return nil, err
	}
	var c, w struct {
		Totals struct {
			Total      int   `json:"total"`
			RevenueFen int64 `json:"revenue_fen"`
		} `json:"totals"`
		ByKind             map[string]int `json:"by_kind"`
		ValidRate          *float64       `json:"valid_rate"`
		FirstResponseRate  *float64       `json:"first_response_rate"`
		OnTimeRate         *float64       `json:"on_time_rate"`
		SatisfactionRate   *float64       `json:"satisfaction_rate"`
		ReplyRate          *float64       `json:"reply_rate"`
		ArrivalRate        *float64       `json:"arrival_rate"`
		ReworkRate         *float64       `json:"rework_rate"`
		HomeVisitShare     *float64       `json:"home_visit_share"`
		ProblemSolvingRate *float64       `json:"problem_solving_rate"`
	}
	for _, s := range []struct {
		compute func(core.App, string, time.Time, time.Time) (map[string]any, error)
		into    any
	}{{ComplaintStats, &c}, {WorkOrderStats, &w}} {
		m, err := s.compute(e.App, community, month, at)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(m)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, s.into); err != nil {
			return nil, err
		}
	}
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	q := time.Date(month.Year(), time.Month((int(month.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	fees := map[string]CollectionRow{}
	for key, r := range map[string][2]time.Time{"month": {first, first.AddDate(0, 1, -1)}, "quarter": {q, q.AddDate(0, 3, -1)}} {
		rows, err := FeeCollection(e.App, community, r[0], r[1], "")
		if err != nil {
			return nil, err
		}
		if len(rows) > 0 {
			fees[key] = rows[0]
		}
	}

	var out [][]any
	section := ""
	add := func(zh, en string, v any) { out = append(out, []any{section, text{zh, en}.in(lang), v}) }
	rate := func(v any) any {
		switch r := v.(type) {
		case *float64:
			if r == nil {
				return nil
			}
			return kinded{colRate, *r}
		case float64:
			return kinded{colRate, r}
		}
		return nil
	}
	yuan := func(fen int64) any { return kinded{colYuan, fen} }
	sec := func(zh, en string) { section = text{zh, en}.in(lang) }

	r := d.Report
	sec("一、入伙与装修", "1. Move-ins and renovation")
	add("收房", "Units handed over", r.Handovers)
	add("入伙（入住）", "Move-ins", r.MoveIns)
	add("装修申请", "Renovation applications", r.RenovationApplications)
	add("装修开工（发施工许可证）", "Renovations started (permits issued)", r.RenovationsStarted)
	add("装修验收合格", "Renovations accepted", r.RenovationsAccepted)
	add("施工人员出入证发放", "Worker passes issued", r.PassesIssued)
	add("出入证退还", "Worker passes returned", r.PassesReturned)
	add("动火证申请", "Hot-work permits requested", r.HotWorkRequested)
	add("动火证批准", "Hot-work permits approved", r.HotWorkApproved)
	add("装修审批超时（当前）", "Renovation reviews overdue (now)", d.RenovationReviews.Overdue)

	sec("二、投诉", "2. Complaints")
	add("受理投诉", "Complaints received", r.Complaints)
	add("投诉有效率", "Valid complaints", rate(c.ValidRate))
	add("首次回应及时率", "First response on time", rate(c.FirstResponseRate))
	add("处理及时率", "Answered on time", rate(c.OnTimeRate))
	add("回访满意度", "Satisfaction at revisit", rate(c.SatisfactionRate))
	add("问题解决率", "Problems solved", rate(c.ProblemSolvingRate))
	for _, code := range []string{"security", "cleaning", "greening", "engineering", "mail", "renovation", "staff_attitude", "other"} {
		l := complaintCategoryTexts[code]
		add("按类别："+l.zh, "By category: "+l.en, r.ComplaintsByCategory[code])
	}
	for _, code := range []string{"general", "major", "hot", "collective"} {
		l := complaintLevelTexts[code]
		add("按级别："+l.zh, "By level: "+l.en, r.ComplaintsByLevel[code])
	}

	sec("三、派工", "3. Work orders")
	add("受理派工单", "Work orders received", w.Totals.Total)
	add("15 分钟回复率", "Replied within 15 minutes", rate(w.ReplyRate))
	add("准时到场率", "Arrived on time", rate(w.ArrivalRate))
	add("返工率", "Rework", rate(w.ReworkRate))
	add("回访满意度", "Satisfaction at revisit", rate(w.SatisfactionRate))
	add("上门回访占比", "Home visits", rate(w.HomeVisitShare))
	add("有偿服务收入", "Paid-service revenue", yuan(w.Totals.RevenueFen))
	for _, code := range []string{"routine", "paid", "business"} {
		l := workKindLabels[code]
		add("按类型："+l.zh, "By kind: "+l.en, w.ByKind[code])
	}

	for _, p := range []struct{ key, zh, en string }{
		{"month", "四、收费（本月 " + first.Format("2006-01") + "）", "4. Fees (month " + first.Format("2006-01") + ")"},
		{"quarter", fmt.Sprintf("四、收费（本季度 %d-Q%d）", q.Year(), int(q.Month()-1)/3+1), fmt.Sprintf("4. Fees (quarter %d-Q%d)", q.Year(), int(q.Month()-1)/3+1)},
	} {
		sec(p.zh, p.en)
		x := fees[p.key]
		add("应收", "Billed", yuan(x.BilledFen))
		add("实收（全部收款）", "Collected (all payments)", yuan(x.ReceivedFen))
		add("其中当期账单", "of which on the period's bills", yuan(x.CollectedFen))
		add("收缴率", "Collection rate", rate(x.CollectionRate))
		add("期初欠费", "Arrears at start", yuan(x.ArrearsStartFen))
		add("收回欠费", "Arrears recovered", yuan(x.RecoveredFen))
		add("清欠率", "Recovery rate", rate(x.RecoveryRate))
	}

	sec("五、空置房巡查", "5. Vacant-unit patrols")
	add("应巡查（已到期）", "Patrols due", d.Patrols.Due)
	add("按时完成", "Done on time", d.Patrols.Done)
	add("补巡（逾期）", "Made up late", d.Patrols.MadeUp)
	add("漏巡未补", "Missed, not made up", d.Patrols.Outstanding)
	add("其中以前月份结转", "of which from earlier months", d.Patrols.CarriedOver)
	add("巡查完成率", "Patrol coverage", rate(d.Patrols.Coverage))
	return out, nil
}
