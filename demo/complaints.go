package demo

import (
	"fmt"
	"maps"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
)

// demoComplaint is one complaint of the demo and how far it has come.
type demoComplaint struct {
	by       string // the resident filing through the portal, or "" for the front desk
	unit     string // "building-number", or "" for a common area
	location string
	channel  string
	category string
	level    string
	content  string
	about    string // email of the staff member a complaint about the service center concerns
	steps    []demoStep
}

// demoStep is one move of a demo complaint or work order: who makes it, to
// which status, with what fields.
type demoStep struct {
	actor, to string
	fields    map[string]any
}

// complaints files the demo complaints through the same intake and flow
// as the API, so that every state of a complaint (docs/DESIGN.md,
// Complaints) is on show: received,
// assigned, processing, replied, revisited, closed, invalid, a reopened
// one, one about the service center, a hot cluster and a collective one,
// and one whose deadlines were missed and escalated.
func (l *loader) complaints() {
	if l.err != nil {
		return
	}
	result := map[string]any{"result": "已安排专人处理完毕，并向业主电话说明。"}
	list := []demoComplaint{
		{by: "owner1@example.com", unit: "1-101", category: "cleaning", content: "1栋2单元楼道垃圾已经两天没有清运，气味很大。"},
		{unit: "1-102", channel: "phone", category: "engineering", level: "major", content: "卫生间顶棚渗水，疑似楼上防水层损坏，已影响电路。",
			steps: []demoStep{{"frontdesk@example.com", "assigned", map[string]any{"handler": "tech1@example.com", "department": "engineering"}}}},
		{unit: "1-203", channel: "visit", category: "greening", content: "楼下绿化带长期无人修剪，遮挡一楼采光。",
			steps: []demoStep{
				{"frontdesk@example.com", "assigned", map[string]any{"handler": "areamgr@example.com", "department": "greening"}},
				{"areamgr@example.com", "processing", nil}}},
		{by: "owner2@example.com", unit: "1-102", category: "security", content: "单元门禁损坏，陌生人可以随意进出。",
			steps: []demoStep{
				{"frontdesk@example.com", "assigned", map[string]any{"handler": "security@example.com", "department": "security"}},
				{"security@example.com", "processing", nil},
				{"security@example.com", "replied", map[string]any{"result": "门禁控制器已更换，并加强了夜间巡逻。"}}}},
		{by: "owner1@example.com", unit: "1-101", category: "mail", content: "挂号信被放在信报箱外面，差点丢失。",
			steps: []demoStep{
				{"frontdesk@example.com", "assigned", map[string]any{"handler": "frontdesk@example.com"}},
				{"frontdesk@example.com", "processing", nil},
				{"frontdesk@example.com", "replied", map[string]any{"result": "已与邮递员沟通，挂号信今后由前台签收代管并电话通知。"}},
				{"owner1@example.com", "revisited", map[string]any{"satisfaction": "satisfied", "revisit_note": "业主表示满意"}}}},
		{unit: "2-101", channel: "letter", category: "other", content: "来函反映小区广场舞音乐过晚，影响休息。",
			steps: []demoStep{
				{"supervisor@example.com", "assigned", map[string]any{"handler": "supervisor@example.com", "department": "service_center"}},
				{"supervisor@example.com", "processing", nil},
				{"supervisor@example.com", "replied", map[string]any{"result": "已与活动组织者约定晚上九点前结束。"}},
				{"frontdesk@example.com", "revisited", map[string]any{"satisfaction": "basic", "revisit_note": "电话回访，基本满意"}},
				{"frontdesk@example.com", "closed", nil}}},
		{unit: "1-104", channel: "phone", category: "other", content: "快递被别人冒领，要求物业赔偿。",
			steps: []demoStep{{"frontdesk@example.com", "invalid", map[string]any{"invalid_reason": "快递非物业代收，属快递公司责任，已告知业主联系快递公司。"}}}},
		{unit: "1-201", channel: "phone", category: "engineering", content: "厨房下水道反复堵塞。",
			steps: []demoStep{
				{"frontdesk@example.com", "assigned", map[string]any{"handler": "tech2@example.com", "department": "engineering"}},
				{"tech2@example.com", "processing", nil},
				{"tech2@example.com", "replied", result},
				{"frontdesk@example.com", "revisited", map[string]any{"satisfaction": "unsatisfied", "revisit_note": "业主反映第二天又堵了"}}}},
		// About the service center: the administration office takes it
		// ([003] 2.2.8); the service center's supervisor does not see it.
		{unit: "1-202", channel: "visit", category: "staff_attitude", level: "major", about: "frontdesk@example.com",
			content: "前台接待员态度冷淡，办理出入证时让我等了四十分钟。",
			steps: []demoStep{
				{"hr@example.com", "assigned", map[string]any{"handler": "hr@example.com", "department": "administration"}},
				{"hr@example.com", "processing", nil}}},
		{unit: "2-102", channel: "phone", category: "cleaning", content: "2栋电梯轿厢有宠物粪便未清理。"},
		{unit: "2-203", channel: "phone", category: "cleaning", content: "2栋电梯里很脏，地上有污渍。"},
		{unit: "2-304", channel: "visit", category: "cleaning", content: "2栋电梯卫生太差，要求每天消毒。"},
		{location: "2栋电梯", channel: "onsite", category: "engineering", level: "collective",
			content: "2栋十余户业主联名反映电梯一周内三次困人，要求彻底检修。"},
		{unit: "1-301", channel: "phone", category: "security", content: "地下车库照明坏了一半，晚上很不安全。"},
	}
	var last *core.Record
	for _, d := range list {
		if last = l.complaint(d); l.err != nil {
			return
		}
	}
	// The last one missed its deadlines: the escalation job flags it.
	last.Set("first_response_due", clock.Now().Add(-30*time.Hour))
	last.Set("reply_due", clock.Now().Add(-2*time.Hour))
	if l.err = l.app.Save(last); l.err != nil {
		return
	}
	_, l.err = hooks.FlagOverdueComplaints(l.app, clock.Now())
}

func (l *loader) complaint(d demoComplaint) *core.Record {
	c := l.newRecord("complaints")
	if c == nil {
		return nil
	}
	c.Set("category", d.category)
	c.Set("content", d.content)
	c.Set("channel", d.channel)
	c.Set("level", d.level)
	c.Set("location", d.location)
	c.Set("contact_name", "来电业主")
	c.Set("contact_phone", "13700009999")
	if d.unit != "" {
		c.Set("unit", l.units[d.unit].Id)
	} else {
		c.Set("building", l.units["2-101"].GetString("building"))
		c.Set("community", l.units["2-101"].GetString("community"))
	}
	if d.about != "" {
		c.Set("about_service_center", true)
		c.Set("subject_staff", l.account("staff", d.about).Id)
	}
	filer := l.filer(d.by)
	if l.err != nil {
		return nil
	}
	if err := hooks.FileComplaint(l.app, c, filer); err != nil {
		l.err = fmt.Errorf("demo complaint %q: %w", d.content, err)
		return nil
	}
	// Work on the stored record from here (hot detection may have changed it).
	c, err := l.app.FindRecordById("complaints", c.Id)
	if err != nil {
		l.err = err
		return nil
	}
	l.steps(fmt.Sprintf("demo complaint %q", d.content), d.by, "handler", d.steps,
		func(actor *core.Record, to string, fields map[string]any) (err error) {
			c, err = hooks.AdvanceComplaint(l.app, c.Id, actor, to, fields)
			return err
		})
	if l.err != nil {
		return nil
	}
	return c
}

// filer is who files a demo complaint or order: the resident by, through
// the portal, or the front desk when by is "".
func (l *loader) filer(by string) *core.Record {
	filer := l.account("staff", "frontdesk@example.com")
	if by != "" {
		filer = l.account("residents", by)
	}
	return filer
}

// steps moves a filed complaint or order (what, in errors) through its
// steps with advance. A step's actor is the resident by who filed it when
// they are the one, else a staff member; the staff email in the field ref
// (handler, technician) becomes that account's id.
func (l *loader) steps(what, by, ref string, steps []demoStep, advance func(actor *core.Record, to string, fields map[string]any) error) {
	for _, s := range steps {
		fields := map[string]any{}
		maps.Copy(fields, s.fields)
		if email, ok := fields[ref].(string); ok {
			fields[ref] = l.account("staff", email).Id
		}
		collection := "staff"
		if s.actor == by {
			collection = "residents"
		}
		actor := l.account(collection, s.actor)
		if l.err != nil {
			return
		}
		if err := advance(actor, s.to, fields); err != nil {
			l.err = fmt.Errorf("%s → %s: %w", what, s.to, err)
			return
		}
	}
}

func (l *loader) account(collection, email string) *core.Record {
	if l.err != nil {
		return nil
	}
	r, err := l.app.FindAuthRecordByEmail(collection, email)
	if err != nil {
		l.err = fmt.Errorf("demo account %s: %w", email, err)
	}
	return r
}
