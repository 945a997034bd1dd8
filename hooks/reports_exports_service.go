package hooks

import (
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/workcal"
)

// The service lists of a month (GET /api/wuye/exports/complaints|work_orders
// ?community=…&range=2026-11), for the supervisor's and director's monthly
// statistics ([000] 前台 4.1.3.3, 4.10.5). An anonymous complaint's complainant stays
// anonymous in the sheet too.
func init() {
	exports["complaints"] = export{
		title: text{"投诉", "Complaints"},
		cols: []col{tc("编号", "Complaint", colText), tc("受理时间", "Received at", colTime), wc("渠道", "Channel", complaintChannelLabels),
			wc("类别", "Category", complaintCategoryTexts), wc("级别", "Level", complaintLevelTexts), tc("楼栋", "Building", colText),
			tc("房号/位置", "Unit / place", colText), tc("联系人", "Contact", colText), {head: text{"电话", "Phone"}, width: 14},
			{head: text{"内容", "Content"}, width: 40}, tc("处理人", "Handler", colText), wc("状态", "Status", complaintFlow.Labels),
			tc("首次回应期限", "First response due", colTime), tc("答复期限", "Reply due", colTime),
			tc("首次回应超时", "First response late", colFlag), tc("答复超时", "Reply late", colFlag),
			wc("满意度", "Satisfaction", satisfactionLabels), tc("返回处理次数", "Reopened", colInt)},
		query: `SELECT c.serial, strftime('%Y-%m-%d %H:%M', c.received_at, '+8 hours'), c.channel, c.category, c.level,
				COALESCE(b.name, ''), CASE WHEN c.anonymous THEN {:anonymous} ELSE COALESCE(u.number, c.location) END,
				CASE WHEN c.anonymous THEN {:anonymous} ELSE c.contact_name END, CASE WHEN c.anonymous THEN '' ELSE c.contact_phone END,
				c.content, COALESCE(s.name, ''), c.status,
				strftime('%Y-%m-%d %H:%M', c.first_response_due, '+8 hours'), strftime('%Y-%m-%d %H:%M', c.reply_due, '+8 hours'),
				c.first_response_overdue, c.reply_overdue, c.satisfaction, c.reopen_count
			FROM complaints c LEFT JOIN units u ON u.id = c.unit LEFT JOIN buildings b ON b.id = COALESCE(NULLIF(c.building, ''), u.building)
				LEFT JOIN staff s ON s.id = c.handler
			WHERE ` + listRuleMarker + ` c.community = {:c} AND c.received_at >= {:from} AND c.received_at < {:to} ORDER BY c.received_at`,
		subject: "complaints", alias: "c",
		params: func(e *core.RequestEvent) (dbx.Params, string, error) {
			p, period, err := monthRange(e)
			if p != nil {
				p["anonymous"] = anonymousText["anonymous"].in(requestLang(e.Request))
			}
			return p, period, err
		},
		roles: managerActors,
	}
	exports["work_orders"] = export{
		title: text{"派工单", "Work orders"},
		cols: []col{tc("单号", "Work order", colText), tc("受理时间", "Received at", colTime), wc("类型", "Kind", workKindLabels),
			wc("工种", "Trade", workCategoryLabels), {head: text{"服务项目", "Service item"}, width: 16}, tc("楼栋", "Building", colText),
			tc("房号/位置", "Unit / place", colText), tc("联系人", "Contact", colText), {head: text{"电话", "Phone"}, width: 14},
			{head: text{"内容", "Description"}, width: 40}, tc("维修人员", "Technician", colText), wc("状态", "Status", workOrderFlow.Labels),
			tc("预约时间", "Appointment", colTime), tc("回复时间", "Replied at", colTime), wc("到场", "Arrival", arrivalLabels),
			tc("完工时间", "Completed at", colTime), tc("金额(元)", "Amount (¥)", colYuan), wc("付款", "Payment", paymentLabels),
			wc("满意度", "Satisfaction", satisfactionLabels), tc("返工轮次", "Rework round", colInt)},
		query: `SELECT w.serial, strftime('%Y-%m-%d %H:%M', w.received_at, '+8 hours'), w.kind, w.category, COALESCE(i.name, ''),
				COALESCE(b.name, ''), COALESCE(u.number, w.location), w.contact_name, w.contact_phone, w.description,
				COALESCE(s.name, ''), w.status, COALESCE(strftime('%Y-%m-%d %H:%M', NULLIF(w.appointment_at, ''), '+8 hours'), ''),
				COALESCE(strftime('%Y-%m-%d %H:%M', NULLIF(w.replied_at, ''), '+8 hours'), ''), w.arrival,
				COALESCE(strftime('%Y-%m-%d %H:%M', NULLIF(w.completed_at, ''), '+8 hours'), ''), NULLIF(w.amount_fen, 0),
				w.payment, w.satisfaction, w.rework_round
			FROM work_orders w LEFT JOIN units u ON u.id = w.unit LEFT JOIN buildings b ON b.id = COALESCE(NULLIF(w.building, ''), u.building)
				LEFT JOIN staff s ON s.id = w.technician LEFT JOIN service_items i ON i.id = w.service_item
			WHERE ` + listRuleMarker + ` w.community = {:c} AND w.received_at >= {:from} AND w.received_at < {:to} ORDER BY w.received_at`,
		subject: "work_orders", alias: "w",
		params: monthRange,
		roles:  managerActors,
	}
}

// monthRange reads ?range=2026-11 (or a quarter) as UTC bounds of Shanghai
// days; the range is the sheet's period.
func monthRange(e *core.RequestEvent) (dbx.Params, string, error) {
	code := e.Request.URL.Query().Get("range")
	first, last, err := statsRange(code)
	if err != nil {
		return nil, "", badRequest(validation.Errors{"range": codedError("wuye_bad_range")})
	}
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, workcal.Shanghai)
	to := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, workcal.Shanghai).AddDate(0, 0, 1)
	return dbx.Params{"from": from.UTC().Format(types.DefaultDateLayout), "to": to.UTC().Format(types.DefaultDateLayout)}, code, nil
}

// Names of the vocabularies the sheets print (the pages carry the same in
// js/core/i18n.js).
var (
	complaintChannelLabels = map[string]text{"phone": {"来电", "Phone"}, "visit": {"来访", "Visit"}, "letter": {"来函", "Letter"}, "portal": {"网上", "Portal"}, "onsite": {"现场", "On site"}}
	complaintCategoryTexts = map[string]text{"security": {"安保", "Security"}, "cleaning": {"清洁", "Cleaning"}, "greening": {"绿化", "Landscaping"},
		"engineering": {"工程维修", "Repairs"}, "mail": {"信件报刊", "Mail"}, "renovation": {"装修管理", "Renovation"},
		"staff_attitude": {"员工服务态度", "Staff attitude"}, "other": {"其它", "Other"}}
	complaintLevelTexts = map[string]text{"general": {"一般", "General"}, "major": {"重要", "Major"}, "hot": {"热点", "Hot"}, "collective": {"集体", "Collective"}}
	anonymousText       = map[string]text{"anonymous": {"匿名", "Anonymous"}}
	satisfactionLabels  = map[string]text{"satisfied": {"满意", "Satisfied"}, "basic": {"基本满意", "Basically satisfied"}, "unsatisfied": {"不满意", "Unsatisfied"}}
	workKindLabels      = map[string]text{"routine": {"常规维修", "Routine"}, "paid": {"有偿服务", "Paid service"}, "business": {"经营服务", "Business"}}
	workCategoryLabels  = map[string]text{"electrical": {"电工", "Electrical"}, "plumbing": {"水暖", "Plumbing"}, "carpentry": {"木工", "Carpentry"},
		"appliance": {"家电", "Appliances"}, "cleaning": {"保洁", "Cleaning"}, "locksmith": {"开锁", "Locksmith"}, "office": {"文印", "Office"},
		"agency": {"中介", "Agency"}, "venue": {"场地", "Venue"}, "common_area": {"公共区域", "Common area"}, "other": {"其它", "Other"}}
	arrivalLabels = map[string]text{"on_time": {"准时", "On time"}, "early": {"早到", "Early"}, "late": {"迟到", "Late"}}
	paymentLabels = map[string]text{"none": {"无需付款", "No charge"}, "paid_on_site": {"现场已付", "Paid on site"}, "unpaid": {"记入下期账单", "Next statement"},
		"billed": {"已入账单", "Billed"}, "paid": {"已付", "Paid"}}
)
