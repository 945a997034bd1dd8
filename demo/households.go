package demo

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
)

// households fills the household files (业主档案, docs/DESIGN.md § Household
// files): 1-101 with its owner, the owner's wife, a child and an elderly
// parent without accounts, the tenant's lease and an emergency contact;
// 1-102 with its owner and a new-energy car on its own parking space; a car
// of 1-101 on a leased space; 银杏苑 A-101's owner; and one transfer in
// history: a flat of building 2 (2-301 or the next owned one) sold in June 2026, its old owner's link ended and the
// buyer's started.
func (l *loader) households() {
	if l.err != nil {
		return
	}
	sup := l.account("staff", "supervisor@example.com")
	owner1 := l.account("residents", "owner1@example.com")
	family1 := l.account("residents", "family1@example.com")
	tenant1 := l.account("residents", "tenant1@example.com")
	owner2 := l.account("residents", "owner2@example.com")
	ownerYX := l.account("residents", "owner.yx@example.com")
	if l.err != nil {
		return
	}
	u101, u102, uA := l.units["1-101"], l.units["1-102"], l.units["A-101"]
	member := func(u *core.Record, fields map[string]any) {
		fields["unit"] = u.Id
		l.save("household_members", fields)
	}
	member(u101, map[string]any{"resident": owner1.Id, "relation": "owner", "birth_year": 1978, "id_type": "resident_id", "id_no": "11010519491231002X"})
	member(u101, map[string]any{"resident": family1.Id, "relation": "spouse", "birth_year": 1981, "id_type": "resident_id", "id_no": "500101198103150025"})
	member(u101, map[string]any{"name": "李乐乐", "relation": "child", "birth_year": 2015})
	member(u101, map[string]any{"name": "李建国", "relation": "parent", "birth_year": 1950, "phone": "13800001110", "id_type": "resident_id", "id_no": "500101195002020017"})
	member(u101, map[string]any{"resident": tenant1.Id, "relation": "tenant", "birth_year": 1990, "id_type": "passport", "id_no": "E12345678"})
	member(u102, map[string]any{"resident": owner2.Id, "relation": "owner", "birth_year": 1985, "id_type": "resident_id", "id_no": "500101198502021239"})
	member(uA, map[string]any{"resident": ownerYX.Id, "relation": "owner", "birth_year": 1970, "id_type": "resident_id", "id_no": "500101197001010019"})

	tenancy, err := l.app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && resident = {:r} && relation = 'tenant'",
		dbx.Params{"u": u101.Id, "r": tenant1.Id})
	if err != nil {
		l.err = err
		return
	}
	l.save("household_files", map[string]any{"unit": u101.Id, "emergency_name": "李建华", "emergency_phone": "13800001111",
		"emergency_relation": "兄弟", "tenant_link": tenancy.Id, "lease_start": "2025-09-01", "lease_end": "2027-08-31", "rent_fen": 320000})
	l.save("household_files", map[string]any{"unit": u102.Id, "emergency_name": "王强", "emergency_phone": "13800001112", "emergency_relation": "父子"})

	// The garage under building 3: one space owned by 1-102, one leased
	// by 1-101.
	b3 := l.units["3-P001"].GetString("building")
	community := u101.GetString("community")
	owned := l.save("parking_spaces", map[string]any{"community": community, "building": b3, "code": "B2-001", "holding": "owned",
		"unit": u102.Id, "plate": "渝AD12345"})
	leased := l.save("parking_spaces", map[string]any{"community": community, "building": b3, "code": "B2-002", "holding": "leased",
		"unit": u101.Id, "plate": "渝A88K21", "lease_until": "2027-06-30", "monthly_fee_fen": 30000})
	if l.err != nil {
		return
	}
	l.save("vehicles", map[string]any{"unit": u102.Id, "plate": "渝AD12345", "brand": "比亚迪 秦", "color": "白", "owner_name": "王芳",
		"parking_space": owned.Id, "active": true})
	l.save("vehicles", map[string]any{"unit": u101.Id, "plate": "渝A88K21", "brand": "大众 帕萨特", "color": "黑", "owner_name": "张伟",
		"parking_space": leased.Id, "active": true})
	l.save("vehicles", map[string]any{"unit": u101.Id, "plate": "渝B5L730", "brand": "丰田 卡罗拉", "color": "银", "owner_name": "李明", "active": true})
	l.save("vehicles", map[string]any{"unit": uA.Id, "plate": "渝A12345D", "brand": "宇通 新能源", "color": "蓝", "owner_name": "钱进", "active": true})

	// A flat of building 2 was sold in June 2026: the seller's car and parents leave the
	// file with the link.
	// A flat whose bills are settled: a transfer leaves no debt in the
	// seller's name for the desk to chase after their access ends.
	if l.err != nil {
		return
	}
	var u, seller *core.Record
	for _, key := range []string{"2-301", "2-302", "2-401", "2-402", "2-501", "2-502", "2-601", "2-602", "2-201", "2-202"} {
		x := l.units[key]
		if x == nil {
			continue
		}
		var open int
		if err := l.app.DB().NewQuery("SELECT COUNT(*) FROM bills WHERE unit = {:u} AND status IN ('issued','partially_paid')").
			Bind(dbx.Params{"u": x.Id}).Row(&open); err != nil || open > 0 {
			continue
		}
		if link, err := l.app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && relation = 'owner' && active = true",
			dbx.Params{"u": x.Id}); err == nil {
			u, seller = x, link
			break
		}
	}
	if u == nil {
		l.err = fmt.Errorf("demo transfer: no owned flat in building 2 with its bills settled")
		return
	}
	member(u, map[string]any{"resident": seller.GetString("resident"), "relation": "owner", "birth_year": 1968})
	member(u, map[string]any{"name": "周老太", "relation": "parent", "birth_year": 1940})
	l.save("vehicles", map[string]any{"unit": u.Id, "plate": "渝C2M318", "brand": "别克", "color": "灰", "active": true})
	buyer := l.save("residents", map[string]any{"email": "buyer1@example.com", "name": "陈新", "phone": "13800000031"})
	if l.err != nil {
		return
	}
	r := l.newRecord("ownership_transfers")
	if r == nil {
		return
	}
	r.Set("unit", u.Id)
	r.Set("to_owners", []string{buyer.Id})
	r.Set("transferred_on", "2026-06-18")
	r.Set("reason", "sale")
	r.Set("note", "二手房买卖，已核验不动产权证及买卖合同")
	if err := hooks.TransferOwnership(l.app, r, sup); err != nil {
		l.err = err
		return
	}
	member(u, map[string]any{"resident": buyer.Id, "relation": "owner", "birth_year": 1992})
}
