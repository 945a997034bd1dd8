package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/sla"
	"wuye/lib/workcal"
)

// priceList is the demo community's 有偿服务收费标准.
var priceList = []struct {
	code, name, category, kind, unit string
	priceFen                         int
	estimate, prepay, active         bool
}{
	{"DQ01", "日光灯维修", "electrical", "paid", "次", 2000, false, false, true},
	{"DQ02", "开关插座更换", "electrical", "paid", "个", 1500, false, false, true},
	{"SN01", "水龙头更换", "plumbing", "paid", "个", 3000, false, false, true},
	{"SN02", "下水道疏通", "plumbing", "paid", "次", 8000, false, false, true},
	{"SN03", "水管漏水维修", "plumbing", "paid", "次", 0, true, false, true},
	{"MG01", "门锁维修", "locksmith", "paid", "次", 5000, false, false, true},
	{"MG02", "木门修理", "carpentry", "paid", "次", 0, true, false, true},
	{"JD01", "空调清洗", "appliance", "paid", "台", 12000, false, false, true},
	{"BJ01", "室内保洁", "cleaning", "paid", "小时", 3500, false, true, true},
	{"BJ02", "开荒保洁", "cleaning", "paid", "m²", 800, false, true, true},
	{"BG01", "复印", "office", "paid", "页", 50, false, false, true},
	{"BG02", "打字", "office", "paid", "页", 500, false, false, true},
	{"BG03", "传真", "office", "paid", "页", 200, false, false, true},
	{"GQ01", "公共区域维修", "common_area", "routine", "次", 0, false, false, true},
	{"ZJ01", "房屋租赁代理", "agency", "business", "次", 0, true, false, true},
	{"CD01", "会所场地租用", "venue", "business", "次", 20000, false, false, true},
	{"LF01", "上门理发", "other", "paid", "次", 3000, false, false, false}, // discontinued
}

// skills are the demo technicians' trades.
var skills = map[string][]string{
	"tech1@example.com": {"electrical", "plumbing", "appliance"},
	"tech2@example.com": {"plumbing", "carpentry", "locksmith", "cleaning", "common_area"},
}

type demoOrder struct {
	by, unit, item, desc string
	urgency, category    string // an urgent repair (急修) has no price-list item
	payment, payMethod   string // "paid" and how, when taken at the counter before dispatch
	steps                []demoStep
}

// dispatch loads the price list and work orders in every state of a work
// order (docs/DESIGN.md, Dispatch), filed and moved through the same flow
// as the API.
func (l *loader) dispatch() {
	if l.err != nil {
		return
	}
	community := l.units["1-101"].GetString("community")
	for email, trades := range skills {
		t := l.account("staff", email)
		if l.err != nil {
			return
		}
		t.Set("skills", trades)
		if l.err = l.app.Save(t); l.err != nil {
			return
		}
	}
	items := map[string]*core.Record{}
	for _, p := range priceList {
		items[p.code] = l.save("service_items", map[string]any{
			"community": community, "code": p.code, "name": p.name, "category": p.category, "kind": p.kind,
			"unit": p.unit, "price_fen": p.priceFen, "needs_estimate": p.estimate, "prepay": p.prepay, "active": p.active,
		})
	}
	soon := clock.Now().Add(10 * time.Minute)
	tech1, tech2 := "tech1@example.com", "tech2@example.com"
	assign := func(tech string) demoStep {
		return demoStep{"frontdesk@example.com", "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech, "appointment_at": soon}}
	}
	// The orders the demo takes on site: their appointment a few minutes
	// ahead, so that the technician, there at once, is on time (within the
	// five minutes early allowed), as a working office's are.
	arriving := clock.Now().Add(4 * time.Minute)
	through := func(tech string, extra ...demoStep) []demoStep {
		return append([]demoStep{{"frontdesk@example.com", "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech, "appointment_at": arriving}},
			{tech, "accepted", nil}, {tech, "on_site", nil}}, extra...)
	}
	orders := []demoOrder{
		{by: "owner1@example.com", unit: "1-101", item: "DQ01", desc: "客厅日光灯闪烁，镇流器可能坏了"},
		{by: "owner2@example.com", unit: "1-102", item: "SN01", desc: "厨房水龙头关不紧，一直滴水", steps: []demoStep{assign(tech1)}},
		{unit: "1-203", item: "SN02", desc: "卫生间地漏堵塞（电话报修）", steps: []demoStep{
			{"frontdesk@example.com", "dispatched", map[string]any{"dispatch_mode": "pool"}}}},
		{unit: "1-104", item: "MG01", desc: "入户门锁芯卡死", steps: []demoStep{assign(tech2), {tech2, "accepted", nil}}},
		{by: "owner1@example.com", unit: "1-101", item: "SN03", desc: "阳台水管接头渗水", steps: through(tech1)},
		{by: "owner2@example.com", unit: "1-102", item: "SN03", desc: "卫生间墙内水管疑似漏水", steps: through(tech1,
			demoStep{tech1, "quoted", map[string]any{"quote_fen": 15000, "quote_note": "更换卫生间墙内一段水管和两个接头，含开槽、恢复墙面和人工"}})},
		{unit: "", item: "GQ01", desc: "2栋3楼楼道灯不亮", steps: through(tech2, demoStep{tech2, "in_progress", nil})},
		{by: "owner1@example.com", unit: "1-101", item: "JD01", desc: "两台挂机空调清洗", steps: through(tech1,
			demoStep{tech1, "in_progress", nil},
			demoStep{tech1, "completed", map[string]any{"materials": []map[string]any{{"name": "清洗剂", "qty": 2, "price_fen": 1500}}, "payment": "unpaid"}})},
		{by: "owner2@example.com", unit: "1-102", item: "DQ02", desc: "卧室插座松动", steps: through(tech1,
			demoStep{tech1, "in_progress", nil},
			demoStep{tech1, "completed", map[string]any{"payment": "paid_on_site", "pay_method": "cash"}},
			demoStep{"owner2@example.com", "signed_off", map[string]any{"signoff": "confirmed", "satisfaction": "satisfied"}})},
		{unit: "1-201", item: "BJ01", desc: "全屋保洁 3 小时（已在前台预付）", payment: "paid", payMethod: "wechat", steps: append(through(tech2,
			demoStep{tech2, "in_progress", nil},
			demoStep{tech2, "completed", nil}),
			demoStep{tech2, "signed_off", map[string]any{"signoff": "confirmed", "satisfaction": "satisfied", "signature": SignatureFile()}},
			demoStep{"frontdesk@example.com", "revisited", map[string]any{"revisit_method": "home_visit", "satisfaction": "satisfied", "revisit_note": "上门回访，业主满意"}})},
		{unit: "1-202", item: "BG01", desc: "复印房产证 10 页", steps: append(through(tech2,
			demoStep{tech2, "in_progress", nil},
			demoStep{tech2, "completed", map[string]any{"payment": "paid_on_site", "pay_method": "wechat"}}),
			demoStep{tech2, "signed_off", map[string]any{"signoff": "confirmed", "signature": SignatureFile()}},
			demoStep{"frontdesk@example.com", "revisited", map[string]any{"revisit_method": "phone", "satisfaction": "basic"}},
			demoStep{"frontdesk@example.com", "closed", nil})},
		{by: "owner1@example.com", unit: "1-101", item: "MG02", desc: "卧室木门变形关不上", steps: []demoStep{
			{"owner1@example.com", "cancelled", map[string]any{"cancel_reason": "业主已自行请人修好"}}}},
		{by: "owner2@example.com", unit: "1-102", item: "SN02", desc: "厨房下水道反复堵塞", steps: through(tech1,
			demoStep{tech1, "in_progress", nil},
			demoStep{tech1, "completed", map[string]any{"payment": "unpaid"}},
			demoStep{"owner2@example.com", "signed_off", map[string]any{"signoff": "rework", "satisfaction": "unsatisfied"}})},
		// An urgent repair (急修) the resident filed in the portal: answered
		// at once, the technician on site within its 30 minutes.
		{by: "owner2@example.com", unit: "1-102", urgency: "urgent", category: "plumbing", desc: "厨房水管爆裂，水已漫到客厅（急修）",
			steps: through(tech1)},
		{unit: "1-301", item: "DQ01", desc: "门厅灯不亮（来访报修，尚未回复住户）"},
	}
	var last *core.Record
	for _, d := range orders {
		if last = l.order(d, items); l.err != nil {
			return
		}
	}
	// The last one has waited past its 15 minutes: the reply job flags it.
	last.Set("reply_due", clock.Now().Add(-5*time.Minute))
	if l.err = l.app.Save(last); l.err != nil {
		return
	}
	if _, l.err = hooks.FlagLateReplies(l.app, clock.Now()); l.err != nil {
		return
	}
	l.outOfHoursOrder(items)
	l.save("service_demands", map[string]any{
		"community": community, "unit": l.units["1-101"].Id, "resident": l.account("residents", "owner1@example.com").Id,
		"contact_name": "李明", "contact_phone": "13800000001", "description": "希望提供上门照看宠物服务", "status": "open",
	})
	l.save("service_demands", map[string]any{
		"community": community, "contact_name": "王芳", "contact_phone": "13800000004", "description": "能否代收大件家具并安装？",
		"status": "answered", "answer": "目前暂未开通该项服务，开通后将在公告栏通知，感谢您的建议。",
	})
}

func (l *loader) order(d demoOrder, items map[string]*core.Record) *core.Record {
	o := l.newRecord("work_orders")
	if o == nil {
		return nil
	}
	if d.item != "" {
		o.Set("service_item", items[d.item].Id)
	} else {
		o.Set("kind", "routine")
		o.Set("category", d.category)
	}
	o.Set("urgency", d.urgency)
	o.Set("description", d.desc)
	o.Set("contact_name", "报修住户")
	o.Set("contact_phone", "13700008888")
	o.Set("payment", d.payment)
	o.Set("pay_method", d.payMethod)
	if d.unit != "" {
		o.Set("unit", l.units[d.unit].Id)
	} else {
		o.Set("community", l.units["2-101"].GetString("community"))
		o.Set("building", l.units["2-101"].GetString("building"))
		o.Set("location", "2栋3楼楼道")
	}
	filer := l.filer(d.by)
	if l.err != nil {
		return nil
	}
	if err := hooks.FileWorkOrder(l.app, o, filer); err != nil {
		l.err = fmt.Errorf("demo order %q: %w", d.desc, err)
		return nil
	}
	l.steps(fmt.Sprintf("demo order %q", d.desc), d.by, "technician", d.steps,
		func(actor *core.Record, to string, fields map[string]any) (err error) {
			o, err = hooks.AdvanceWorkOrder(l.app, o.Id, actor, to, fields)
			return err
		})
	if l.err != nil {
		return nil
	}
	o, err := l.app.FindRecordById("work_orders", o.Id)
	if err != nil {
		l.err = err
	}
	return o
}

// SignatureFile is a resident's signature as the field app captures it: a
// small PNG of a stroke on the touch screen.
func SignatureFile() *filesystem.File {
	img := image.NewGray(image.Rect(0, 0, 120, 40))
	for x := 10; x < 110; x++ {
		img.SetGray(x, 20+(x%17)-8, color.Gray{Y: 255})
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	f, _ := filesystem.NewFileFromBytes(buf.Bytes(), "signature.png")
	return f
}

// outOfHoursOrder is a repair asked for in the portal at 22:26 on the last
// Saturday, outside the service center's opening hours (08:00–18:00 by
// default): its reply was due at 08:15 on Sunday, the next opening plus 15
// minutes, and the desk answered at 08:09 (docs/DESIGN.md § Dispatch).
func (l *loader) outOfHoursOrder(items map[string]*core.Record) {
	if l.err != nil {
		return
	}
	o := l.order(demoOrder{by: "owner1@example.com", unit: "1-101", item: "DQ02", desc: "周六晚上网上报修：书房插座没电（非服务时间提交）"}, items)
	if l.err != nil {
		return
	}
	local := clock.Now().In(workcal.Shanghai)
	back := (int(local.Weekday()) - int(time.Saturday) + 7) % 7
	if back == 0 {
		back = 7
	}
	day := local.AddDate(0, 0, -back)
	received := time.Date(day.Year(), day.Month(), day.Day(), 22, 26, 0, 0, workcal.Shanghai)
	cal, err := hooks.Calendar(l.app)
	if err != nil {
		l.err = err
		return
	}
	var reply sla.Default
	for _, d := range sla.Defaults {
		if d.Subject == "work_order" && d.Urgency == "normal" && d.Target == "reply" {
			reply = d
		}
	}
	due := sla.Due(cal, received, reply.Policy())
	if o, l.err = hooks.AdvanceWorkOrder(l.app, o.Id, l.account("staff", "frontdesk@example.com"), "dispatched",
		map[string]any{"dispatch_mode": "assign", "technician": l.account("staff", "tech1@example.com").Id}); l.err != nil {
		return
	}
	o.Set("received_at", received)
	o.Set("reply_due", due)
	o.Set("replied_at", due.Add(-6*time.Minute))
	l.err = l.app.Save(o)
}
