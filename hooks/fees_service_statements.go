package hooks

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/money"
	"wuye/lib/workcal"
)

// The month's 特约服务收费明细及确认 ([003] 篇2 4.8, 4.9(4), 4.9(5); [000] 收费员
// 4.3.2): finance and the service center check the month's completed paid
// services against the money taken for them and both sign. Finance (the
// cashier) draws it up: every paid or business order completed in the
// month, its amount, what its payments settled, the receipts, and the
// difference, flagged where the two do not agree (unpaid, on a statement
// still owing, paid short or over). The cashier signs (the lines are drawn
// again at that moment, so what is signed is what was checked), then the
// supervisor confirms; after that it is frozen. It is printable for both
// copies.

var serviceStatementFlow = &Flow{
	Noun: text{"特约服务收费明细", "paid-service statement"},
	Steps: []Step{
		{From: "draft", To: "cashier_signed", Actors: []string{RoleCashier}, Extras: []string{"note"}, Stamp: "cashier_signed_at"},
		{From: "cashier_signed", To: "confirmed", Actors: []string{RoleSupervisor, RoleDirector}, Extras: []string{"note"}, Stamp: "supervisor_signed_at"},
	},
	Terminal: []string{"confirmed"},
	Labels: map[string]text{
		"draft": {"待收费员签字", "to be signed by the cashier"}, "cashier_signed": {"待客服主管确认", "to be confirmed by the supervisor"},
		"confirmed": {"双方已确认", "confirmed"},
	},
	Actors: func(auth, r *core.Record) []string {
		if isStaff(auth) {
			return []string{auth.GetString("role")}
		}
		return nil
	},
	Editable: func(actors []string, from string) []string {
		if from == "draft" {
			return []string{"note"}
		}
		return nil
	},
}

// ServiceLine is one completed paid order of a month's statement.
type ServiceLine struct {
	Order       string `db:"order_id" json:"order"`
	Serial      string `db:"serial" json:"serial"`
	Unit        string `db:"unit" json:"unit"`
	Item        string `db:"item" json:"item"`
	CompletedAt string `db:"completed_at" json:"completed_at"`
	AmountFen   int64  `db:"amount_fen" json:"amount_fen"`
	Payment     string `db:"payment" json:"payment"`
	Bill        string `db:"bill" json:"bill"`
	PaidFen     int64  `db:"paid_fen" json:"paid_fen"`
	Receipts    string `db:"receipts" json:"receipts"`
	DiffFen     int64  `db:"diff_fen" json:"difference_fen"`
	Flag        string `db:"flag" json:"flag"` // "", unpaid, owing, short, over
}

// ServiceTotals are a statement's totals.
type ServiceTotals struct {
	Orders    int   `db:"orders" json:"orders"`
	AmountFen int64 `db:"amount_fen" json:"amount_fen"`
	PaidFen   int64 `db:"paid_fen" json:"paid_fen"`
	DiffFen   int64 `db:"diff_fen" json:"difference_fen"`
	Flagged   int   `db:"flagged" json:"flagged"`
}

// serviceMonthSQL are the month's completed paid orders of a community with
// what their bill's payments settled (net of reversals) and the receipts.
const serviceMonthSQL = `
	WITH m AS (
		SELECT w.id AS order_id, w.serial, TRIM(COALESCE(bd.name, '') || ' ' || COALESCE(u.number, w.location)) AS unit,
			COALESCE(si.name, w.category) AS item, w.completed_at, w.amount_fen, w.payment,
			COALESCE(b.serial, '') AS bill, COALESCE(b.paid_fen, 0) AS paid_fen, COALESCE(b.status, '') AS bill_status,
			COALESCE((SELECT GROUP_CONCAT(p.serial, ' ') FROM payments p, json_each(p.bills) j
				WHERE b.id IS NOT NULL AND j.value = b.id), '') AS receipts
		FROM work_orders w
		LEFT JOIN bills b ON b.work_order = w.id AND b.status != 'void'
		LEFT JOIN units u ON u.id = w.unit
		LEFT JOIN buildings bd ON bd.id = u.building
		LEFT JOIN service_items si ON si.id = w.service_item
		WHERE w.community = {:c} AND w.kind != 'routine' AND w.amount_fen > 0 AND w.status != 'cancelled'
			AND w.completed_at >= {:from} AND w.completed_at < {:to}
	), l AS (
		SELECT *, amount_fen - paid_fen AS diff_fen,
			CASE WHEN bill = '' THEN 'unpaid'
				WHEN paid_fen = 0 THEN 'owing'
				WHEN paid_fen < amount_fen THEN 'short'
				WHEN paid_fen > amount_fen THEN 'over'
				ELSE '' END AS flag
		FROM m
	)`

// ServiceMonth draws up community's paid-service lines and totals for month
// (YYYY-MM, Shanghai).
func ServiceMonth(app core.App, community, month string) ([]ServiceLine, ServiceTotals, error) {
	var totals ServiceTotals
	start, err := time.ParseInLocation("2006-01", month, workcal.Shanghai)
	if err != nil {
		return nil, totals, err
	}
	params := dbx.Params{"c": community, "from": start.UTC().Format(types.DefaultDateLayout),
		"to": start.AddDate(0, 1, 0).UTC().Format(types.DefaultDateLayout)}
	lines := []ServiceLine{}
	if err := app.DB().NewQuery(serviceMonthSQL + `
		SELECT order_id, serial, unit, item, completed_at, amount_fen, payment, bill, paid_fen, receipts, diff_fen, flag
		FROM l ORDER BY completed_at, serial`).Bind(params).All(&lines); err != nil {
		return nil, totals, fmt.Errorf("service month: %w", err)
	}
	if err := app.DB().NewQuery(serviceMonthSQL + `
		SELECT COUNT(*) AS orders, ` + fenTotal("amount_fen") + ` AS amount_fen, ` + fenTotal("paid_fen") + ` AS paid_fen,
			` + fenTotal("diff_fen") + ` AS diff_fen, COALESCE(SUM(flag != ''), 0) AS flagged FROM l`).Bind(params).One(&totals); err != nil {
		return nil, totals, fmt.Errorf("service month totals: %w", err)
	}
	return lines, totals, nil
}

// FillServiceStatement draws statement s's lines and totals again.
func FillServiceStatement(app core.App, s *core.Record) error {
	lines, totals, err := ServiceMonth(app, s.GetString("community"), s.GetString("month"))
	if err != nil {
		return err
	}
	s.Set("lines", lines)
	s.Set("orders", totals.Orders)
	s.Set("amount_fen", totals.AmountFen)
	s.Set("paid_fen", totals.PaidFen)
	s.Set("difference_fen", totals.DiffFen)
	s.Set("flagged", totals.Flagged)
	return nil
}

var serviceStatementServerOwned = []string{"status", "orders", "amount_fen", "paid_fen", "difference_fen", "flagged", "lines",
	"drawn_by", "cashier", "cashier_signed_at", "supervisor", "supervisor_signed_at"}

func registerServiceStatements(app core.App) {
	app.OnRecordCreateRequest("service_statements").BindFunc(func(e *core.RecordRequestEvent) error {
		s := e.Record
		for _, f := range serviceStatementServerOwned {
			s.Set(f, nil)
		}
		s.Set("status", "draft")
		s.Set("drawn_by", actorID(e.Auth))
		month := s.GetString("month")
		if start, err := time.ParseInLocation("2006-01", month, workcal.Shanghai); err != nil {
			return badRequest(validation.Errors{"month": codedError("wuye_bad_month")})
		} else if start.After(now()) {
			return badRequest(validation.Errors{"month": codedError("wuye_statement_month_open")})
		}
		if done, err := exists(e.App, "service_statements", dbx.HashExp{"community": s.GetString("community"), "month": month}, ""); err != nil {
			return err
		} else if done {
			return badRequest(validation.Errors{"month": codedError("wuye_statement_exists")})
		}
		if err := FillServiceStatement(e.App, s); err != nil {
			return err
		}
		return inTx(e, func(tx core.App) error {
			return RecordEvent(tx, Event{Subject: s, Action: "create", To: "draft", Actor: e.Auth,
				Note: fmt.Sprintf("%s %d 单 %s", month, s.GetInt("orders"), money.Yuan(int64(s.GetInt("amount_fen"))))})
		})
	})
	bindFlowUpdates(app, "service_statements", planServiceStatement, afterServiceStatement, "status")
	app.OnRecordDelete("service_statements").BindFunc(func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"id": codedError("wuye_payment_final")})
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/service-statements/{id}/print", printServiceStatement).BindFunc(byFileToken).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// byFileToken signs in a request that carries no Authorization header by
// its ?token= file token (POST /api/files/token, a few minutes' life), as
// PocketBase's protected files do: the workspace opens the printable page
// in a tab of its own, which sends no header.
func byFileToken(e *core.RequestEvent) error {
	if e.Auth == nil {
		if tok := e.Request.URL.Query().Get("token"); tok != "" {
			if r, err := e.App.FindAuthRecordByToken(tok, core.TokenTypeFile); err == nil {
				e.Auth = r
			}
		}
	}
	return e.Next()
}

// planServiceStatement: the cashier signs first (the lines drawn again as
// they stand), then the supervisor or director confirms.
func planServiceStatement(app core.App, auth *core.Record, superuser bool, orig, r *core.Record) (Step, error) {
	at, _ := types.ParseDateTime(now())
	step, err := serviceStatementFlow.Plan(auth, superuser, orig, r, at)
	if err != nil {
		return step, err
	}
	switch step.To {
	case "cashier_signed":
		r.Set("cashier", actorID(auth))
		return step, FillServiceStatement(app, r)
	case "confirmed":
		r.Set("supervisor", actorID(auth))
	}
	return step, nil
}

func afterServiceStatement(tx core.App, orig, r, auth *core.Record, step Step) error {
	if step.To == "" {
		if len(changedFields(orig, r)) == 0 {
			return nil
		}
		return RecordEvent(tx, Event{Subject: r, Action: "update", Actor: auth, Note: fmt.Sprint(changedFields(orig, r))})
	}
	return RecordEvent(tx, Event{Subject: r, Action: "status", From: step.From, To: step.To, Actor: auth,
		Note: fmt.Sprintf("%d 单 应收 %s 实收 %s 差异 %d 单", r.GetInt("orders"), money.Yuan(int64(r.GetInt("amount_fen"))),
			money.Yuan(int64(r.GetInt("paid_fen"))), r.GetInt("flagged"))})
}

// AdvanceServiceStatement signs statement id as actor would through the API.
func AdvanceServiceStatement(app core.App, id string, actor *core.Record, to string, fields map[string]any) (*core.Record, error) {
	return advance(app, "service_statements", id, actor, to, fields, planServiceStatement, afterServiceStatement)
}

var flagNames = map[string]string{"unpaid": "未收款", "owing": "已入账单未缴", "short": "少收", "over": "多收"}

var paymentNames = map[string]string{"none": "无需付款", "paid_on_site": "现场已付", "unpaid": "待入账单", "billed": "已入账单", "paid": "已付"}

var serviceStatementPage = template.Must(template.New("svc").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>特约服务收费明细及确认 {{.Month}}</title>
<style>body{font-family:"Noto Serif CJK SC","Songti SC",serif;max-width:60rem;margin:2rem auto;color:#111}
h1{text-align:center;font-size:1.4rem;letter-spacing:.2rem}table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{border:1px solid #444;padding:.2rem .35rem}td.n{text-align:right}tr.flag td{background:#f3e3e3}
.sign{display:flex;justify-content:space-between;margin-top:2rem}@media print{button{display:none}}</style>
</head><body><button onclick="print()">打印 Print</button>
<h1>特约服务收费明细及确认</h1>
<p>{{.Office}} · {{.Month}} · 共 {{.Orders}} 单</p>
<table><thead><tr><th>工作单号</th><th>房号</th><th>服务项目</th><th>完工时间</th><th>应收</th><th>付款状态</th><th>实收</th><th>收据号</th><th>差额</th><th>核对</th></tr></thead>
<tbody>{{range .Lines}}<tr{{if .Flag}} class="flag"{{end}}><td>{{.Serial}}</td><td>{{.Unit}}</td><td>{{.Item}}</td><td>{{.Completed}}</td>
<td class="n">{{.Amount}}</td><td>{{.Payment}}</td><td class="n">{{.Paid}}</td><td>{{.Receipts}}</td><td class="n">{{.Diff}}</td><td>{{.Flag}}</td></tr>{{end}}</tbody>
<tfoot><tr><th colspan="4">合计</th><th class="n">{{.Amount}}</th><th></th><th class="n">{{.Paid}}</th><th></th><th class="n">{{.Diff}}</th><th>{{.Flagged}} 单待核</th></tr></tfoot></table>
<p>实收合计（大写）：{{.PaidCapitals}}</p>
{{if .Note}}<p>说明：{{.Note}}</p>{{end}}
<div class="sign"><p>财务部（收费员）签字：{{.Cashier}} {{.CashierAt}}</p><p>客服中心（主管）签字：{{.Supervisor}} {{.SupervisorAt}}</p></div>
</body></html>`))

// printServiceStatement answers GET /api/wuye/service-statements/{id}/print:
// the statement as a printable page, for those who may read it.
func printServiceStatement(e *core.RequestEvent) error {
	s, err := readableRecord(e, "service_statements")
	if err != nil {
		return err
	}
	var lines []ServiceLine
	if err := s.UnmarshalJSONField("lines", &lines); err != nil {
		return err
	}
	type row struct{ Serial, Unit, Item, Completed, Amount, Payment, Paid, Receipts, Diff, Flag string }
	var rows []row
	for _, l := range lines {
		completed := ""
		if t, err := types.ParseDateTime(l.CompletedAt); err == nil {
			completed = t.Time().In(workcal.Shanghai).Format("01-02 15:04")
		}
		rows = append(rows, row{l.Serial, l.Unit, l.Item, completed, money.Yuan(l.AmountFen), paymentNames[l.Payment],
			money.Yuan(l.PaidFen), l.Receipts, money.Yuan(l.DiffFen), flagNames[l.Flag]})
	}
	name := func(id string) string {
		if r, err := e.App.FindRecordById("staff", id); err == nil {
			return r.GetString("name")
		}
		return "＿＿＿＿"
	}
	stamp := func(f string) string {
		if t := s.GetDateTime(f); !t.IsZero() {
			return t.Time().In(workcal.Shanghai).Format(time.DateOnly)
		}
		return ""
	}
	office := ""
	if c, err := e.App.FindRecordById("communities", s.GetString("community")); err == nil {
		office = c.GetString("name") + "物业服务中心"
	}
	paid := int64(s.GetInt("paid_fen"))
	var page strings.Builder
	if err := serviceStatementPage.Execute(&page, map[string]any{
		"Office": office, "Month": s.GetString("month"), "Orders": s.GetInt("orders"), "Lines": rows,
		"Amount": money.Yuan(int64(s.GetInt("amount_fen"))), "Paid": money.Yuan(paid), "PaidCapitals": money.Capital(paid),
		"Diff": money.Yuan(int64(s.GetInt("difference_fen"))), "Flagged": s.GetInt("flagged"), "Note": s.GetString("note"),
		"Cashier": name(s.GetString("cashier")), "CashierAt": stamp("cashier_signed_at"),
		"Supervisor": name(s.GetString("supervisor")), "SupervisorAt": stamp("supervisor_signed_at"),
	}); err != nil {
		return err
	}
	printableHeaders(e.Response.Header())
	return e.HTML(http.StatusOK, page.String())
}
