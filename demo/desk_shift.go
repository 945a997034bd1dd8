package demo

import (
	"encoding/json"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
)

// desk is a day at the front desk and in the field (docs/DESIGN.md, "Front
// desk: handover, incidents, visits"): the morning clerk hands over with a
// key missing from the cabinet — a discrepancy the supervisor is told of —
// and the afternoon clerk signs; the afternoon clerk has handed over in turn
// and the morning clerk's signature is awaited; a lift entrapment reported,
// dealt with and reported up, a burst pipe still being dealt with; the area
// managers' visits, one with a work order and one revisited.
func (l *loader) deskShift() {
	if l.err != nil {
		return
	}
	community := l.units["1-101"].GetString("community")
	desk, desk2 := l.account("staff", "frontdesk@example.com"), l.account("staff", "frontdesk2@example.com")
	security, engineer := l.account("staff", "security@example.com"), l.account("staff", "engineer@example.com")
	if l.err != nil {
		return
	}
	var keysOut int
	if l.err = l.app.DB().NewQuery(`SELECT COUNT(*) FROM key_loans WHERE community = {:c} AND returned_at = ''`).
		Bind(dbx.Params{"c": community}).Row(&keysOut); l.err != nil {
		return
	}
	expected, err := hooks.ExpectedItems(l.app, community, "")
	if l.err = err; err != nil {
		return
	}
	items := func(keys int) string {
		b, _ := json.Marshal(map[string]int{"remotes": 12, "gas_cards": 5, "keys_out": keys, "parcels_held": expected["parcels_held"]})
		return string(b)
	}
	h, err := hooks.OpenHandover(l.app, community, desk)
	if l.err = err; err != nil {
		return
	}
	if _, l.err = hooks.AdvanceHandover(l.app, h.Id, desk, "handed", map[string]any{"to_staff": desk2.Id, "cash_counted_fen": 0,
		"items": items(keysOut + 1), "notes": "1栋配电房钥匙柜里找不到，疑似工程部借用未登记；2栋地下室爆管仍在处理。"}); l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceHandover(l.app, h.Id, desk2, "accepted", map[string]any{"accept_note": "钥匙少一把，已报吴主管"}); l.err != nil {
		return
	}
	h2, err := hooks.OpenHandover(l.app, community, desk2)
	if l.err = err; err != nil {
		return
	}
	if _, l.err = hooks.AdvanceHandover(l.app, h2.Id, desk2, "handed", map[string]any{"to_staff": desk.Id, "cash_counted_fen": 0,
		"items": items(keysOut + 1), "notes": "交回早班，请核对后签字。"}); l.err != nil {
		return
	}

	incident := func(kind, place, what, caller, phone string) *core.Record {
		if l.err != nil {
			return nil
		}
		col, err := l.app.FindCachedCollectionByNameOrId("incidents")
		if l.err = err; err != nil {
			return nil
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"community": community, "kind": kind, "location": place, "description": what,
			"caller_name": caller, "caller_phone": phone, "building": l.units["2-101"].GetString("building")})
		l.err = hooks.ReportIncident(l.app, r, desk)
		return r
	}
	lift := incident("lift_entrapment", "2栋1号电梯", "电梯停在3、4楼之间，困住两名住户", "王芳", "13800000004")
	if l.err != nil {
		return
	}
	for _, s := range []struct {
		to     string
		actor  *core.Record
		fields map[string]any
	}{
		{"responding", security, map[string]any{"response": "秩序维护部蒋队长5分钟到场安抚，通知电梯维保单位"}},
		{"resolved", engineer, map[string]any{"resolution": "维保单位盘车放人，两名住户无受伤；电梯停用检修"}},
		{"reported_up", desk, map[string]any{"report": "2栋1号电梯因门锁回路故障停梯困人，秩序维护部与维保单位处置，历时25分钟，无人员受伤。已要求维保单位出具检修报告。"}},
	} {
		if _, l.err = hooks.AdvanceIncident(l.app, lift.Id, s.actor, s.to, s.fields); l.err != nil {
			return
		}
	}
	pipe := incident("flooding", "2栋地下室水泵房", "水管爆裂，地下室积水约5厘米", "", "")
	if l.err != nil {
		return
	}
	if _, l.err = hooks.AdvanceIncident(l.app, pipe.Id, engineer, "responding", map[string]any{"response": "已关闭总阀，抽水中"}); l.err != nil {
		return
	}

	visit := func(who string, f map[string]any) *core.Record {
		if l.err != nil {
			return nil
		}
		col, err := l.app.FindCachedCollectionByNameOrId("visits")
		if l.err = err; err != nil {
			return nil
		}
		r := core.NewRecord(col)
		r.Load(f)
		l.err = hooks.RecordVisit(l.app, r, l.account("staff", who))
		return r
	}
	first := visit("areamgr@example.com", map[string]any{"unit": l.units["1-102"].Id, "kind": "door_to_door", "purpose": "opinion",
		"resident": l.account("residents", "owner2@example.com").Id, "findings": "王女士反映厨房水龙头滴水，另建议楼道增加扶手",
		"follow_up_kind": "work_order", "follow_up_category": "plumbing"})
	visit("areamgr@example.com", map[string]any{"building": l.units["2-101"].GetString("building"), "kind": "building_patrol",
		"purpose": "routine", "findings": "2栋楼道照明、消防通道正常；3楼消防栓箱玻璃破损",
		"contact_name": "王志强", "contact_phone": "13900000004", "follow_up_kind": "complaint", "follow_up_category": "security"})
	if first != nil {
		visit("areamgr@example.com", map[string]any{"unit": l.units["1-102"].Id, "kind": "revisit", "purpose": "repair_follow_up",
			"revisit_of": first.Id, "findings": "水龙头已派工，住户满意"})
	}
	visit("areamgr2@example.com", map[string]any{"building": l.units["3-P001"].GetString("building"), "kind": "building_patrol",
		"purpose": "routine", "findings": "商铺外摆占道，已当面提醒"})
}
