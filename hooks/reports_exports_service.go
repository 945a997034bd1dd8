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
		title: "投诉",
		headers: []any{"编号", "受理时间", "渠道", "类别", "级别", "楼栋", "房号/位置", "联系人", "电话", "内容",
			"处理人", "状态", "首次回应期限", "答复期限", "首次回应超时", "答复超时", "满意度", "返回处理次数"},
		query: `SELECT c.serial, strftime('%Y-%m-%d %H:%M', c.received_at, '+8 hours'), c.channel, c.category, c.level,
				COALESCE(b.name, ''), CASE WHEN c.anonymous THEN '匿名' ELSE COALESCE(u.number, c.location) END,
				CASE WHEN c.anonymous THEN '匿名' ELSE c.contact_name END, CASE WHEN c.anonymous THEN '' ELSE c.contact_phone END,
				c.content, COALESCE(s.name, ''), c.status,
				strftime('%Y-%m-%d %H:%M', c.first_response_due, '+8 hours'), strftime('%Y-%m-%d %H:%M', c.reply_due, '+8 hours'),
				CASE WHEN c.first_response_overdue THEN '是' ELSE '' END, CASE WHEN c.reply_overdue THEN '是' ELSE '' END,
				c.satisfaction, c.reopen_count
			FROM complaints c LEFT JOIN units u ON u.id = c.unit LEFT JOIN buildings b ON b.id = COALESCE(NULLIF(c.building, ''), u.building)
				LEFT JOIN staff s ON s.id = c.handler
			WHERE ` + listRuleMarker + ` c.community = {:c} AND c.received_at >= {:from} AND c.received_at < {:to} ORDER BY c.received_at`,
		subject: "complaints", alias: "c",
		params: monthRange,
		roles:  managerActors,
		labels: map[int]map[string]string{
			2: textsZh(complaintChannelLabels), 3: categoryLabels, 4: levelLabels,
			11: flowLabelsZh(complaintFlow), 16: textsZh(satisfactionLabels),
		},
	}
	exports["work_orders"] = export{
		title: "派工单",
		headers: []any{"单号", "受理时间", "类型", "工种", "服务项目", "楼栋", "房号/位置", "联系人", "电话", "内容",
			"维修人员", "状态", "预约时间", "回复时间", "到场", "完工时间", "金额(元)", "付款", "满意度", "返工轮次"},
		query: `SELECT w.serial, strftime('%Y-%m-%d %H:%M', w.received_at, '+8 hours'), w.kind, w.category, COALESCE(i.name, ''),
				COALESCE(b.name, ''), COALESCE(u.number, w.location), w.contact_name, w.contact_phone, w.description,
				COALESCE(s.name, ''), w.status, COALESCE(strftime('%Y-%m-%d %H:%M', NULLIF(w.appointment_at, ''), '+8 hours'), ''),
				COALESCE(strftime('%Y-%m-%d %H:%M', NULLIF(w.replied_at, ''), '+8 hours'), ''), w.arrival,
				COALESCE(strftime('%Y-%m-%d %H:%M', NULLIF(w.completed_at, ''), '+8 hours'), ''), w.amount_fen / 100.0,
				w.payment, w.satisfaction, w.rework_round
			FROM work_orders w LEFT JOIN units u ON u.id = w.unit LEFT JOIN buildings b ON b.id = COALESCE(NULLIF(w.building, ''), u.building)
				LEFT JOIN staff s ON s.id = w.technician LEFT JOIN service_items i ON i.id = w.service_item
			WHERE ` + listRuleMarker + ` w.community = {:c} AND w.received_at >= {:from} AND w.received_at < {:to} ORDER BY w.received_at`,
		subject: "work_orders", alias: "w",
		params: monthRange,
		roles:  managerActors,
		labels: map[int]map[string]string{
			2: textsZh(workKindLabels), 3: textsZh(workCategoryLabels), 11: flowLabelsZh(workOrderFlow),
			14: textsZh(arrivalLabels), 17: textsZh(paymentLabels), 18: textsZh(satisfactionLabels),
		},
	}
}

// monthRange reads ?range=2026-11 (or a quarter) as UTC bounds of Shanghai days.
func monthRange(e *core.RequestEvent) (dbx.Params, error) {
	first, last, err := statsRange(e.Request.URL.Query().Get("range"))
	if err != nil {
		return nil, badRequest(validation.Errors{"range": codedError("wuye_bad_range")})
	}
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, workcal.Shanghai)
	to := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, workcal.Shanghai).AddDate(0, 0, 1)
	return dbx.Params{"from": from.UTC().Format(types.DefaultDateLayout), "to": to.UTC().Format(types.DefaultDateLayout)}, nil
}

func textsZh(m map[string]text) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v.zh
	}
	return out
}

func flowLabelsZh(f *Flow) map[string]string { return textsZh(f.Labels) }

// Names of the vocabularies the sheets print (the pages carry the same in
// js/core/i18n.js).
var (
	complaintChannelLabels = map[string]text{"phone": {"来电", "Phone"}, "visit": {"来访", "Visit"}, "letter": {"来函", "Letter"}, "portal": {"网上", "Portal"}, "onsite": {"现场", "On site"}}
	satisfactionLabels     = map[string]text{"satisfied": {"满意", "Satisfied"}, "basic": {"基本满意", "Basically satisfied"}, "unsatisfied": {"不满意", "Unsatisfied"}}
	workKindLabels         = map[string]text{"routine": {"常规维修", "Routine"}, "paid": {"有偿服务", "Paid"}, "business": {"经营服务", "Business"}}
	workCategoryLabels     = map[string]text{"electrical": {"电工", "Electrical"}, "plumbing": {"水暖", "Plumbing"}, "carpentry": {"木工", "Carpentry"},
		"appliance": {"家电", "Appliances"}, "cleaning": {"保洁", "Cleaning"}, "locksmith": {"开锁", "Locksmith"}, "office": {"文印", "Office"},
		"agency": {"中介", "Agency"}, "venue": {"场地", "Venue"}, "common_area": {"公共区域", "Common area"}, "other": {"其它", "Other"}}
	arrivalLabels = map[string]text{"on_time": {"准时", "On time"}, "early": {"早到", "Early"}, "late": {"迟到", "Late"}}
	paymentLabels = map[string]text{"none": {"无需付款", "No charge"}, "paid_on_site": {"现场已付", "Paid on site"}, "unpaid": {"记入下期账单", "Next statement"},
		"billed": {"已入账单", "Billed"}, "paid": {"已付", "Paid"}}
)
