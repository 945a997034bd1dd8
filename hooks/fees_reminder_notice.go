package hooks

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
)

// noticeTitles are the printed names of the ladder's notices.
var noticeTitles = map[string]string{
	"1": "首次催款通知单", "2": "第二次催款通知单", "3": "最后催款通知单", "escalated": "欠费上门催缴记录",
}

var noticePage = template.Must(template.New("notice").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Title}} {{.Serial}}</title>
<style>
 body{font-family:"Noto Serif CJK SC","Songti SC",serif;max-width:40rem;margin:2rem auto;color:#111}
 h1{text-align:center;font-size:1.5rem;letter-spacing:.3rem} table{width:100%;border-collapse:collapse;margin:1rem 0}
 td,th{border:1px solid #333;padding:.4rem .6rem;text-align:left} .right{text-align:right} .sign{margin-top:2.5rem;text-align:right}
 @media print{button{display:none}}
</style></head><body>
<button onclick="print()">打印 Print</button>
<h1>{{.Title}}</h1>
<p>尊敬的 {{.Payer}}：</p>
<p>您的房屋 <b>{{.Unit}}</b> 以下费用已逾期未缴，请于 <b>{{.PayBy}}</b>到物业服务中心或通过网上缴费缴清。逾期将按规定自缴费期限次日起计收滞纳金。</p>
<table><tr><th>账单号</th><th>项目</th><th>账期</th><th class="right">欠费</th></tr>
<tr><td>{{.Serial}}</td><td>{{.Item}}</td><td>{{.Period}}</td><td class="right">{{.Amount}}</td></tr></table>
<p>欠费合计（大写）：<b>{{.Capitals}}</b></p>
<p>如已缴纳，请忽略本通知。如有疑问，请致电 {{.Phone}}。</p>
<p class="sign">{{.Office}}<br>{{.IssuedOn}}</p>
</body></html>`))

// reminderNotice answers GET /api/wuye/reminders/{id}/notice: the notice as
// a printable page, for the staff who deliver it and the unit's residents.
func reminderNotice(e *core.RequestEvent) error {
	printableHeaders(e.Response.Header())
	r, err := e.App.FindRecordById("reminders", e.Request.PathValue("id"))
	if err != nil || !mayListRecord(e, r) {
		return apis.NewNotFoundError("", nil)
	}
	unit, err := e.App.FindRecordById("units", r.GetString("unit"))
	if err != nil || !mayReadBills(e.App, e.Auth, e.HasSuperuserAuth(), unit) {
		return apis.NewNotFoundError("", nil)
	}
	b, _ := e.App.FindRecordById("bills", r.GetString("bill"))
	building, _ := e.App.FindRecordById("buildings", unit.GetString("building"))
	community, _ := e.App.FindRecordById("communities", r.GetString("community"))
	item := "有偿服务 " + b.GetString("source")
	if fi, err := e.App.FindRecordById("fee_items", b.GetString("fee_item")); err == nil {
		item = fi.GetString("name")
	}
	// The payer by name for staff and the payer; the household for anyone
	// else (a tenant does not learn the owner's name: hooks/guard_resident_ids.go).
	payer := payerAddress(e.App, e.Auth, unit, b.GetString("payer"))
	amount := int64(r.GetInt("amount_fen"))
	// The ten days run from the day the household receives the notice
	// ([000] 收费员 4.2.1.9): a notice printed before its delivery says so.
	payBy := fmt.Sprintf("收到本通知之日起 %d 日内", reminderDays)
	if d := r.GetString("deadline"); d != "" {
		payBy = d + " 前"
	} else if r.GetString("stage") == "escalated" {
		payBy = "尽快"
	}
	var page strings.Builder
	if err := noticePage.Execute(&page, map[string]any{
		"Title": noticeTitles[r.GetString("stage")], "Payer": payer,
		"Unit": building.GetString("name") + " " + unit.GetString("number"), "PayBy": payBy,
		"Serial": b.GetString("serial"), "Item": item, "Period": b.GetString("period"),
		"Amount": money.Yuan(amount), "Capitals": money.Capital(amount), "Phone": community.GetString("phone"),
		"Office": community.GetString("name") + "物业服务中心", "IssuedOn": r.GetString("issued_on"),
	}); err != nil {
		return err
	}
	return e.HTML(http.StatusOK, page.String())
}

// registerReminderNotice serves the printable arrears notice.
func registerReminderNotice(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/reminders/{id}/notice", reminderNotice).Bind(apis.RequireAuth())
		return se.Next()
	})
}
