package hooks

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/xuri/excelize/v2"

	"wuye/lib/fee"
	"wuye/lib/workcal"
)

// An export is a sheet of rows from one SQL query: its title, headers and
// query (which takes {:c} for the community and the export's own params).
type export struct {
	title   string
	headers []any
	query   string
	params  func(e *core.RequestEvent) (dbx.Params, error)
	// roles may download it (default: cashiers, supervisors, director).
	roles []string
	// labels turn codes into words, by column index.
	labels map[int]map[string]string
	// subject is the collection the rows are records of, and alias its
	// name in query, whose main WHERE starts with listRuleMarker: the rows
	// are read through that collection's list rule for the caller, so a
	// sheet never shows a record the records API would not (issue #16).
	subject, alias string
}

// listRuleMarker stands in an export's query for the caller's list rule.
const listRuleMarker = "/*list rule*/"

var exports = map[string]export{
	"vacancy": {
		title:   "空置房",
		headers: []any{"楼栋", "房号", "状态", "面积(m²)", "空置天数", "最近巡查", "未完结问题"},
		query: `SELECT b.name, u.number, CASE u.status WHEN 'vacant' THEN '空置' ELSE '已交房未入住' END, u.area_m2,
				CAST(julianday({:today}) - julianday(COALESCE(NULLIF(u.handed_over_on, ''), substr(u.created, 1, 10))) AS INTEGER),
				COALESCE((SELECT strftime('%Y-%m-%d %H:%M', MAX(p.signed_in_at), '+8 hours') FROM vacancy_patrols p WHERE p.unit = u.id), ''),
				(SELECT COUNT(*) FROM vacancy_patrols p JOIN work_orders w ON w.id = p.work_order WHERE p.unit = u.id AND w.status NOT IN ('closed', 'cancelled'))
			FROM units u JOIN buildings b ON b.id = u.building
			WHERE ` + listRuleMarker + ` u.community = {:c} AND u.status IN ('vacant', 'handed_over') ORDER BY b.code, u.number`,
		subject: "units", alias: "u",
		params: func(e *core.RequestEvent) (dbx.Params, error) { return dbx.Params{"today": today()}, nil },
	},
	"bills": {
		title:   "账单",
		headers: []any{"账单号", "楼栋", "房号", "收费项目", "账期", "起", "止", "应收(元)", "减免(元)", "滞纳金(元)", "已收(元)", "欠费(元)", "缴费期限", "状态", "催缴"},
		query: `SELECT b.serial, bu.name, u.number, COALESCE(fi.name, '有偿服务 ' || b.source), b.period, b.period_start, b.period_end,
				b.amount_fen / 100.0, b.discount_fen / 100.0, b.late_fee_fen / 100.0, b.paid_fen / 100.0,
				(b.amount_fen - b.discount_fen + b.late_fee_fen - b.paid_fen) / 100.0, b.due_on, b.status, b.reminder_stage
			FROM bills b JOIN units u ON u.id = b.unit JOIN buildings bu ON bu.id = u.building LEFT JOIN fee_items fi ON fi.id = b.fee_item
			WHERE ` + listRuleMarker + ` b.community = {:c} AND b.period = {:period} ORDER BY bu.code, u.number, b.serial`,
		subject: "bills", alias: "b",
		params: func(e *core.RequestEvent) (dbx.Params, error) {
			p, err := fee.ParsePeriod(e.Request.URL.Query().Get("period"))
			if err != nil {
				return nil, badRequest(validation.Errors{"period": codedError("wuye_bad_period")})
			}
			return dbx.Params{"period": p.Code}, nil
		},
	},
	"payments": {
		title:   "收款",
		headers: []any{"收据号", "收款时间", "楼栋", "房号", "金额(元)", "方式", "交款人", "收款人", "冲正收据"},
		query: `SELECT p.serial, strftime('%Y-%m-%d %H:%M', p.created, '+8 hours'), bu.name, u.number, p.amount_fen / 100.0, p.method,
				p.payer_name, COALESCE(s.name, ''), COALESCE(r.serial, '')
			FROM payments p JOIN units u ON u.id = p.unit JOIN buildings bu ON bu.id = u.building
				LEFT JOIN staff s ON s.id = p.received_by LEFT JOIN payments r ON r.id = p.reverses
			WHERE ` + listRuleMarker + ` p.community = {:c} AND p.created >= {:from} AND p.created < {:to} ORDER BY p.created`,
		subject: "payments", alias: "p",
		params: func(e *core.RequestEvent) (dbx.Params, error) {
			first, last, err := statsRange(e.Request.URL.Query().Get("range"))
			if err != nil {
				return nil, badRequest(validation.Errors{"range": codedError("wuye_bad_range")})
			}
			from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, workcal.Shanghai)
			to := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, workcal.Shanghai).AddDate(0, 0, 1)
			return dbx.Params{"from": from.UTC().Format(types.DefaultDateLayout), "to": to.UTC().Format(types.DefaultDateLayout)}, nil
		},
	},
	"arrears": {
		title:   "欠费",
		headers: []any{"楼栋", "房号", "业主", "电话", "账单号", "账期", "欠费(元)", "缴费期限", "逾期天数", "催缴"},
		query: `SELECT bu.name, u.number, COALESCE(r.name, ''), COALESCE(r.phone, ''), b.serial, b.period,
				(b.amount_fen - b.discount_fen + b.late_fee_fen - b.paid_fen) / 100.0, b.due_on,
				CAST(julianday({:today}) - julianday(b.due_on) AS INTEGER), b.reminder_stage
			FROM bills b JOIN units u ON u.id = b.unit JOIN buildings bu ON bu.id = u.building LEFT JOIN residents r ON r.id = b.payer
			WHERE ` + listRuleMarker + ` b.community = {:c} AND b.status IN ('issued', 'partially_paid') AND b.due_on < {:today}
			ORDER BY bu.code, u.number, b.due_on`,
		subject: "bills", alias: "b",
		params: func(e *core.RequestEvent) (dbx.Params, error) { return dbx.Params{"today": today()}, nil },
	},
}

// exportSheet answers GET /api/wuye/exports/{kind}?community=…: bills of a
// period, payments of a range, or current arrears, as .xlsx, for the
// community's cashiers, supervisors and director.
func exportSheet(e *core.RequestEvent) error {
	ex, ok := exports[e.Request.PathValue("kind")]
	if !ok {
		return apis.NewNotFoundError("", nil)
	}
	community := e.Request.URL.Query().Get("community")
	roles := ex.roles
	if roles == nil {
		roles = []string{RoleCashier, RoleSupervisor, RoleDirector}
	}
	if !e.HasSuperuserAuth() && !(hasRole(e.Auth, roles...) && servesCommunity(e.Auth, community)) {
		return apis.NewForbiddenError("", nil)
	}
	params, err := ex.params(e)
	if err != nil {
		return err
	}
	params["c"] = community
	// Every sheet reads its records through the caller's list rule.
	if ex.subject == "" || strings.Count(ex.query, listRuleMarker) != 1 {
		return fmt.Errorf("export %s: no list rule to read %q through", e.Request.PathValue("kind"), ex.subject)
	}
	cond, ruleParams, err := listRuleCondition(e, ex.subject, ex.alias)
	if err != nil {
		return err
	}
	for k, v := range ruleParams {
		params[k] = v
	}
	ex.query = strings.Replace(ex.query, listRuleMarker, "("+cond+") AND", 1)
	f, err := Sheet(e.App, ex, params)
	if err != nil {
		return err
	}
	defer f.Close()
	name := fmt.Sprintf("%s-%s.xlsx", e.Request.PathValue("kind"), now().In(workcal.Shanghai).Format("20060102"))
	e.Response.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	e.Response.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	e.Response.WriteHeader(http.StatusOK)
	return f.Write(e.Response)
}

// Sheet streams the rows of ex's query into a workbook.
func Sheet(app core.App, ex export, params dbx.Params) (*excelize.File, error) {
	f := excelize.NewFile()
	sheet := ex.title
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", ex.headers); err != nil {
		return nil, err
	}
	rows, err := app.DB().NewQuery(ex.query).Bind(params).Rows()
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", ex.title, err)
	}
	defer rows.Close()
	n := len(ex.headers)
	for i := 2; rows.Next(); i++ {
		values := make([]any, n)
		ptrs := make([]any, n)
		for j := range values {
			ptrs[j] = &values[j]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for col, words := range ex.labels {
			if code, ok := values[col].(string); ok && words[code] != "" {
				values[col] = words[code]
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, values); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return f, sw.Flush()
}

// registerExports serves the Excel exports.
func registerExports(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/exports/{kind}", exportSheet).Bind(apis.RequireAuth())
		return se.Next()
	})
}
