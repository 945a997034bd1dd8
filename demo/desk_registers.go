package demo

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// desk fills a day of the front desk's registers (docs/DESIGN.md, "Front
// desk registers"): the morning's mail and parcels — one collected, one
// returned, one left four days ago for the evening round's call — found
// items, one of them past its keeping period, goods passes (a tenant's
// furniture waiting for the owner's consent, one confirmed for today, one
// used at the gate) and the day's enquiries, one of which became a work
// order.
func (l *loader) deskRegisters() {
	if l.err != nil {
		return
	}
	desk := l.account("staff", "frontdesk@example.com")
	security := l.account("staff", "security@example.com")
	mgr := l.account("staff", "areamgr@example.com")
	if l.err != nil {
		return
	}
	now := clock.Now()
	rec := func(collection string, fields map[string]any) *core.Record {
		r := l.newRecord(collection)
		if r == nil {
			return nil
		}
		for k, v := range fields {
			r.Set(k, v)
		}
		return r
	}
	community := l.units["1-101"].GetString("community")

	// Mail and parcels ([000] 前台 4.2).
	parcel := func(unit, kind, carrier, no, to string) *core.Record {
		if l.err != nil {
			return nil
		}
		p := rec("parcels", map[string]any{"unit": l.units[unit].Id, "kind": kind, "carrier": carrier, "tracking_no": no, "recipient_name": to})
		if p != nil {
			l.err = hooks.ReceiveParcel(l.app, p, desk)
		}
		return p
	}
	parcel("1-101", "registered_mail", "中国邮政", "XA204518836CN", "李明")
	parcel("1-102", "parcel", "顺丰速运", "SF1402298830021", "王芳")
	picked := parcel("1-101", "parcel", "京东物流", "JDVA18830021556", "张伟")
	returned := parcel("1-104", "letter", "中国邮政", "", "陈先生")
	old := parcel("1-103", "parcel", "中通快递", "ZT7731005562", "业主")
	parcel("2-101", "newspaper", "重庆日报", "", "")
	if l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceParcel(l.app, picked.Id, desk, "picked_up", map[string]any{"picked_up_by": "张伟",
		"picked_up_id_no": "500103199205120036", "signature": SignatureFile()}); l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceParcel(l.app, returned.Id, desk, "returned", map[string]any{"return_reason": "查无此人，退回邮局"}); l.err != nil {
		return
	}
	// Left four days ago: on the evening round's call list.
	old.Set("received_at", now.Add(-4*24*time.Hour))
	if l.err = l.app.SaveNoValidate(old); l.err != nil {
		return
	}

	// Lost and found ([001] 中汇广场 十二).
	found := func(name, desc, place, finder, class string, ago time.Duration, by *core.Record) *core.Record {
		if l.err != nil {
			return nil
		}
		r := rec("lost_items", map[string]any{"community": community, "item_name": name, "description": desc, "found_place": place, "finder_name": finder,
			"finder_phone": "13700001234", "value_class": class, "found_at": now.Add(-ago)})
		if r != nil {
			l.err = hooks.RegisterLostItem(l.app, r, by)
		}
		return r
	}
	found("钱包", "黑色钱包，内有身份证、银行卡和现金约600元", "1栋电梯厅", "保洁员刘阿姨", "valuable", 3*time.Hour, desk)
	found("雨伞", "蓝色折叠雨伞", "小区东门岗亭旁", "业主王先生", "ordinary", 26*time.Hour, security)
	claimed := found("儿童手表", "儿童电话手表（粉色）", "中心花园滑梯", "保安小周", "valuable", 30*time.Hour, security)
	found("围巾", "灰色毛线围巾", "会所休息区", "前台郑小雨", "ordinary", 100*24*time.Hour, desk)
	if l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceLostItem(l.app, claimed.Id, desk, "claimed", map[string]any{"claimant_name": "王芳",
		"claimant_id_no": "500112198803150027", "claimant_phone": "13800000004", "signature": SignatureFile()}); l.err != nil {
		return
	}
	if _, l.err = hooks.FlagLostItemsDue(l.app, now); l.err != nil {
		return
	}

	// Goods passes ([001] 中汇广场 十一).
	day := now.In(workcal.Shanghai).Format(time.DateOnly)
	pass := func(unit, by, name, items string, bulky bool, auth *core.Record) *core.Record {
		if l.err != nil {
			return nil
		}
		g := rec("goods_passes", map[string]any{"unit": l.units[unit].Id, "applicant_name": name, "items": items, "bulky": bulky, "valid_on": day})
		if g != nil {
			l.err = hooks.RequestGoodsPass(l.app, g, auth)
		}
		return g
	}
	tenant := l.account("residents", "tenant1@example.com")
	owner2 := l.account("residents", "owner2@example.com")
	pass("1-101", "", "张伟", "双人床一张、衣柜一个（租户退租搬家）", true, tenant)
	approved := pass("1-102", "", "王芳", "旧电视机一台、纸箱4个", true, owner2)
	used := pass("1-104", "", "陈先生（搬家公司代办）", "办公桌椅一套", true, desk)
	if l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceGoodsPass(l.app, approved.Id, desk, "approved", nil); l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceGoodsPass(l.app, used.Id, desk, "approved", map[string]any{"owner_consent": "业主本人到前台办理"}); l.err != nil {
		return
	}
	if _, l.err = hooks.CheckGoodsPass(l.app, security, used.GetString("code")); l.err != nil {
		return
	}

	// Enquiries ([000] 前台 4.1.1).
	enquiry := func(unit, name, phone, channel, topic, answer, due string, by *core.Record) *core.Record {
		if l.err != nil {
			return nil
		}
		f := map[string]any{"community": community, "caller_name": name, "caller_phone": phone, "channel": channel, "topic": topic,
			"answer": answer, "answer_due": due}
		if unit != "" {
			f["unit"] = l.units[unit].Id
		}
		q := rec("enquiries", f)
		if q != nil {
			l.err = hooks.TakeEnquiry(l.app, q, by)
		}
		return q
	}
	enquiry("1-101", "李明", "13800000001", "phone", "本周六停水几点恢复？", "市政管网检修，预计周六18:00前恢复供水", "", desk)
	enquiry("", "访客刘女士", "13600001111", "visit", "小区有没有车位出租？", "地下车库尚有月租车位，300元/月，可到收费处办理", "", desk)
	enquiry("1-102", "王芳", "13800000004", "phone", "物业费能不能开电子发票？", "", now.In(workcal.Shanghai).AddDate(0, 0, 2).Format(time.DateOnly), desk)
	enquiry("2-101", "住户", "13800000006", "visit", "楼道灯什么时候换？", "已报工程部，本周内更换", "", mgr)
	leak := enquiry("1-102", "王芳", "13800000004", "phone", "厨房水槽下面一直滴水，问能不能派人看看", "", "", desk)
	if l.err != nil {
		return
	}
	_, l.err = hooks.ConvertEnquiry(l.app, leak, desk, "work_order", map[string]string{"category": "plumbing"})
}
