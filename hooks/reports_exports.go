package hooks

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"wuye/lib/fee"
)

// An export is a sheet of rows from one SQL query: its title, columns and
// query (which takes {:c} for the community and the export's own params).
// Its cells are typed (docs/DESIGN.md, "Reports"): dates and times are date
// cells, amounts numbers of yuan shown with ¥, counts numbers, codes words —
// in Chinese, or English when the request asks for English.
type export struct {
	title text
	cols  []col
	query string
	// params reads the export's own parameters; period names the sheet's
	// period in the file name (投诉_2026-12.xlsx).
	params func(e *core.RequestEvent) (params dbx.Params, period string, err error)
	// roles may download it (default: cashiers, supervisors, director).
	roles []string
	// subject is the collection the rows are records of, and alias its
	// name in query, whose main WHERE starts with listRuleMarker: the rows
	// are read through that collection's list rule for the caller, so a
	// sheet never shows a record the records API would not (issue #16).
	subject, alias string
	// rows, instead of a query, works out the rows of a sheet of figures
	// (the monthly report): aggregates, not records.
	rows func(e *core.RequestEvent, community, lang string, params dbx.Params) ([][]any, error)
}

// listRuleMarker stands in an export's query for the caller's list rule.
const listRuleMarker = "/*list rule*/"

// A col is a column of an export: its header, the kind of its cells, the
// words of its codes and its width (in characters; 0 for the kind's).
type col struct {
	head  text
	kind  colKind
	words map[string]text
	width float64
}

type colKind int

const (
	colText colKind = iota
	colInt          // a count
	colNum          // a decimal (an area)
	colYuan         // integer fen, shown as yuan: ¥#,##0.00
	colTime         // 'YYYY-MM-DD HH:MM' (Shanghai), a date-time cell
	colDate         // 'YYYY-MM-DD', a date cell
	colFlag         // 1 or 0: 是 or empty
	colRate         // a ratio 0–1 shown as a percentage
)

func (c col) w() float64 {
	if c.width > 0 {
		return c.width
	}
	switch c.kind {
	case colTime:
		return 17
	case colDate:
		return 12
	case colYuan:
		return 13
	case colInt, colNum, colFlag, colRate:
		return 10
	}
	return 12
}

// tc is a text column, shorthand for the tables of columns.
func tc(zh, en string, kind colKind) col { return col{head: text{zh, en}, kind: kind} }

// wc is a column of codes shown as words.
func wc(zh, en string, words map[string]text) col {
	return col{head: text{zh, en}, words: words}
}

func (t text) in(lang string) string {
	if lang == "en" && t.en != "" {
		return t.en
	}
	return t.zh
}

var exports = map[string]export{
	"vacancy": {
		title: text{"空置房", "Vacant units"},
		cols: []col{tc("楼栋", "Building", colText), tc("房号", "Unit", colText), wc("状态", "Status", vacancyStatusTexts),
			tc("面积(m²)", "Area (m²)", colNum), tc("空置天数", "Days vacant", colInt), tc("最近巡查", "Last patrol", colTime),
			tc("未完结问题", "Open findings", colInt)},
		query: `SELECT b.name, u.number, u.status, u.area_m2,
				CAST(julianday({:today}) - julianday(COALESCE(NULLIF(u.handed_over_on, ''), substr(u.created, 1, 10))) AS INTEGER),
				COALESCE((SELECT strftime('%Y-%m-%d %H:%M', MAX(p.signed_in_at), '+8 hours') FROM vacancy_patrols p WHERE p.unit = u.id), ''),
				(SELECT COUNT(*) FROM vacancy_patrols p JOIN work_orders w ON w.id = p.work_order WHERE p.unit = u.id AND w.status NOT IN ('closed', 'cancelled'))
			FROM units u JOIN buildings b ON b.id = u.building
			WHERE ` + listRuleMarker + ` u.community = {:c} AND u.status IN ('vacant', 'handed_over') ORDER BY b.code, u.number`,
		subject: "units", alias: "u",
		params: todayParams,
	},
	"bills": {
		title: text{"账单", "Bills"},
		cols: []col{tc("账单号", "Bill", colText), tc("楼栋", "Building", colText), tc("房号", "Unit", colText),
			{head: text{"收费项目", "Fee item"}, width: 16}, tc("账期", "Period", colText), tc("起", "From", colDate), tc("止", "To", colDate),
			tc("应收(元)", "Amount (¥)", colYuan), tc("减免(元)", "Discount (¥)", colYuan), tc("滞纳金(元)", "Late fee (¥)", colYuan),
			tc("已收(元)", "Paid (¥)", colYuan), tc("欠费(元)", "Owed (¥)", colYuan), tc("缴费期限", "Due", colDate),
			wc("状态", "Status", billStatusTexts), wc("催缴", "Reminder", reminderStageTexts)},
		query: `SELECT b.serial, bu.name, u.number, COALESCE(fi.name, {:paid_service} || ' ' || b.source), b.period, b.period_start, b.period_end,
				b.amount_fen, b.discount_fen, b.late_fee_fen, b.paid_fen,
				b.amount_fen - b.discount_fen + b.late_fee_fen - b.paid_fen, b.due_on, b.status, b.reminder_stage
			FROM bills b JOIN units u ON u.id = b.unit JOIN buildings bu ON bu.id = u.building LEFT JOIN fee_items fi ON fi.id = b.fee_item
			WHERE ` + listRuleMarker + ` b.community = {:c} AND b.period = {:period} ORDER BY bu.code, u.number, b.serial`,
		subject: "bills", alias: "b",
		params: func(e *core.RequestEvent) (dbx.Params, string, error) {
			p, err := fee.ParsePeriod(e.Request.URL.Query().Get("period"))
			if err != nil {
				return nil, "", badRequest(validation.Errors{"period": codedError("wuye_bad_period")})
			}
			return dbx.Params{"period": p.Code, "paid_service": workKindLabels["paid"].in(requestLang(e.Request))}, p.Code, nil
		},
	},
	"payments": {
		title: text{"收款", "Payments"},
		cols: []col{tc("收据号", "Receipt", colText), tc("收款时间", "Received at", colTime), tc("楼栋", "Building", colText),
			tc("房号", "Unit", colText), tc("金额(元)", "Amount (¥)", colYuan), wc("方式", "Method", paymentMethodTexts),
			tc("交款人", "Payer", colText), tc("收款人", "Cashier", colText), tc("冲正收据", "Reverses", colText)},
		query: `SELECT p.serial, strftime('%Y-%m-%d %H:%M', p.created, '+8 hours'), bu.name, u.number, p.amount_fen, p.method,
				p.payer_name, COALESCE(s.name, ''), COALESCE(r.serial, '')
			FROM payments p JOIN units u ON u.id = p.unit JOIN buildings bu ON bu.id = u.building
				LEFT JOIN staff s ON s.id = p.received_by LEFT JOIN payments r ON r.id = p.reverses
			WHERE ` + listRuleMarker + ` p.community = {:c} AND p.created >= {:from} AND p.created < {:to} ORDER BY p.created`,
		subject: "payments", alias: "p",
		params: monthRange,
	},
	"arrears": {
		title: text{"欠费", "Arrears"},
		cols: []col{tc("楼栋", "Building", colText), tc("房号", "Unit", colText), tc("业主", "Owner", colText), {head: text{"电话", "Phone"}, width: 14},
			tc("账单号", "Bill", colText), tc("账期", "Period", colText), tc("欠费(元)", "Owed (¥)", colYuan), tc("缴费期限", "Due", colDate),
			tc("逾期天数", "Days overdue", colInt), wc("催缴", "Reminder", reminderStageTexts)},
		query: `SELECT bu.name, u.number, COALESCE(r.name, ''), COALESCE(r.phone, ''), b.serial, b.period,
				b.amount_fen - b.discount_fen + b.late_fee_fen - b.paid_fen, b.due_on,
				CAST(julianday({:today}) - julianday(b.due_on) AS INTEGER), b.reminder_stage
			FROM bills b JOIN units u ON u.id = b.unit JOIN buildings bu ON bu.id = u.building LEFT JOIN residents r ON r.id = b.payer
			WHERE ` + listRuleMarker + ` b.community = {:c} AND b.status IN ('issued', 'partially_paid') AND b.due_on < {:today}
			ORDER BY bu.code, u.number, b.due_on`,
		subject: "bills", alias: "b",
		params: todayParams,
	},
}

// todayParams: a sheet of the state today, named by the day.
func todayParams(e *core.RequestEvent) (dbx.Params, string, error) {
	return dbx.Params{"today": today()}, today(), nil
}

// The words of the codes the fee sheets print (the pages carry the same in
// js/core/i18n.js).
var (
	vacancyStatusTexts = map[string]text{"vacant": {"空置", "Vacant"}, "handed_over": {"已交房未入住", "Handed over, not moved in"}}
	billStatusTexts    = map[string]text{"issued": {"待缴", "Due"}, "partially_paid": {"部分已缴", "Part paid"}, "paid": {"已缴清", "Paid"}, "void": {"已作废", "Void"}}
	paymentMethodTexts = map[string]text{"cash": {"现金", "Cash"}, "card": {"刷卡", "Card"}, "wechat": {"微信支付", "WeChat Pay"},
		"alipay": {"支付宝", "Alipay"}, "transfer": {"转账", "Transfer"}}
	reminderStageTexts = map[string]text{"1": {"首次催款", "First reminder"}, "2": {"第二次催款", "Second reminder"},
		"3": {"最后催款", "Final reminder"}, "escalated": {"上门催缴", "Escalated"}}
)

// exportSheet answers GET /api/wuye/exports/{kind}?community=…: bills of a
// period, payments of a range, or current arrears, as .xlsx, for the
// community's cashiers, supervisors and director.
func exportSheet(e *core.RequestEvent) error {
	kind := e.Request.PathValue("kind")
	ex, ok := exports[kind]
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
	params, period, err := ex.params(e)
	if err != nil {
		return err
	}
	params["c"] = community
	lang := requestLang(e.Request)
	var rows [][]any
	if ex.rows != nil {
		if rows, err = ex.rows(e, community, lang, params); err != nil {
			return err
		}
	} else {
		// Every sheet of records reads them through the caller's list rule.
		if ex.subject == "" || strings.Count(ex.query, listRuleMarker) != 1 {
			return fmt.Errorf("export %s: no list rule to read %q through", kind, ex.subject)
		}
		cond, ruleParams, err := listRuleCondition(e, ex.subject, ex.alias)
		if err != nil {
			return err
		}
		for k, v := range ruleParams {
			params[k] = v
		}
		ex.query = strings.Replace(ex.query, listRuleMarker, "("+cond+") AND", 1)
	}
	f, err := sheetOf(e.App, ex, params, rows, lang)
	if err != nil {
		return err
	}
	defer f.Close()
	e.Response.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	e.Response.Header().Set("Content-Disposition", attachment(kind+"_"+period+".xlsx", ex.title.in(lang)+"_"+period+".xlsx"))
	e.Response.WriteHeader(http.StatusOK)
	return f.Write(e.Response)
}

// attachment is a Content-Disposition naming the file name (UTF-8, RFC 6266
// and 5987: filename*=UTF-8”…), with ascii for the clients that read only
// filename="…".
func attachment(ascii, name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + b.String()
}

// sheetOf writes rows (or, when nil, those of ex's query) into a workbook
// in lang: a bold header row frozen at the top with filters, each column
// its width, every cell typed by its column.
func sheetOf(app core.App, ex export, params dbx.Params, rows [][]any, lang string) (*excelize.File, error) {
	f := excelize.NewFile()
	sheet := ex.title.in(lang)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	styles, err := cellStyles(f)
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, c := range ex.cols {
		if err := sw.SetColWidth(i+1, i+1, c.w()); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, err
	}
	head := make([]any, len(ex.cols))
	for i, c := range ex.cols {
		head[i] = excelize.Cell{StyleID: styles[-1], Value: c.head.in(lang)}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 20}); err != nil {
		return nil, err
	}
	n := len(ex.cols)
	write := func(i int, values []any) error {
		cells := make([]any, n)
		for j, c := range ex.cols {
			cells[j] = typedCell(c, values[j], lang, styles)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i)
		return sw.SetRow(cell, cells)
	}
	last := 1
	if rows != nil {
		for _, r := range rows {
			last++
			if err := write(last, r); err != nil {
				return nil, err
			}
		}
	} else {
		q, err := app.DB().NewQuery(ex.query).Bind(params).Rows()
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", ex.title.zh, err)
		}
		defer q.Close()
		for q.Next() {
			values := make([]any, n)
			ptrs := make([]any, n)
			for j := range values {
				ptrs[j] = &values[j]
			}
			if err := q.Scan(ptrs...); err != nil {
				return nil, err
			}
			last++
			if err := write(last, values); err != nil {
				return nil, err
			}
		}
		if err := q.Err(); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	end, _ := excelize.CoordinatesToCellName(n, last)
	if err := f.AutoFilter(sheet, "A1:"+end, nil); err != nil {
		return nil, err
	}
	return f, nil
}

// cellStyles adds the styles of the cells to f, by column kind (-1: the header).
func cellStyles(f *excelize.File) (map[colKind]int, error) {
	fmts := map[colKind]string{
		colText: "@", colInt: "0", colNum: "0.00", colYuan: `"¥"#,##0.00;-"¥"#,##0.00`,
		colTime: "yyyy-mm-dd hh:mm", colDate: "yyyy-mm-dd", colFlag: "@", colRate: "0.0%",
	}
	out := map[colKind]int{}
	for k, nf := range fmts {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &nf, Alignment: &excelize.Alignment{Vertical: "top", WrapText: k == colText}})
		if err != nil {
			return nil, err
		}
		out[k] = id
	}
	id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E2E8F0"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	out[-1] = id
	return out, nil
}

// typedCell is v (as read from SQLite) as the cell of a column c: a number,
// a date, or words.
func typedCell(c col, v any, lang string, styles map[colKind]int) any {
	if k, ok := v.(kinded); ok {
		c.kind, v = k.kind, k.v
	}
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	if v == nil || v == "" {
		return nil
	}
	kind := c.kind
	switch kind {
	case colInt:
		if n, ok := asFloat(v); ok {
			return excelize.Cell{StyleID: styles[kind], Value: int64(n)}
		}
	case colNum, colRate:
		if n, ok := asFloat(v); ok {
			return excelize.Cell{StyleID: styles[kind], Value: n}
		}
	case colYuan:
		if n, ok := asFloat(v); ok {
			return excelize.Cell{StyleID: styles[kind], Value: n / 100}
		}
	case colTime, colDate:
		if s, ok := v.(string); ok {
			layout := "2006-01-02 15:04"
			if kind == colDate || len(s) == len(time.DateOnly) {
				layout = time.DateOnly
			}
			// A wall-clock time of Shanghai, written as such (Excel dates
			// have no zone).
			if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
				return excelize.Cell{StyleID: styles[kind], Value: t}
			}
		}
	case colFlag:
		if n, ok := asFloat(v); ok {
			if n == 0 {
				return nil
			}
			return excelize.Cell{StyleID: styles[colText], Value: text{"是", "Yes"}.in(lang)}
		}
	}
	s := fmt.Sprint(v)
	if w, ok := c.words[s]; ok {
		s = w.in(lang)
	}
	return excelize.Cell{StyleID: styles[colText], Value: s}
}

func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case int:
		return float64(n), true
	case bool:
		if n {
			return 1, true
		}
		return 0, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

// registerExports serves the Excel exports.
func registerExports(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/exports/{kind}", exportSheet).Bind(apis.RequireAuth())
		return se.Next()
	})
}
