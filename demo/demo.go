// Package demo loads a demonstration community into an empty Wuye
// database: two areas, three buildings, 70-odd units of every type and
// status, residents, and an account for every staff role.
package demo

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Password is the password of every demo account.
const Password = "demo-pass-2026"

// CommunityCode identifies the demo community; its presence means the demo
// is already loaded.
const CommunityCode = "CH"

// Account is a demo login.
type Account struct {
	Email, Name, Phone, Role, Note string
}

// Staff are the demo staff accounts of the main community, at least one of
// every staff role (docs/DESIGN.md, Accounts and access).
var Staff = []Account{
	{"director@example.com", "周建国", "13900000001", "director", "管理处主任"},
	{"supervisor@example.com", "吴敏", "13900000002", "supervisor", "客服主管"},
	{"frontdesk@example.com", "郑小雨", "13900000003", "front_desk", "前台接待"},
	{"frontdesk2@example.com", "钱晓燕", "13900000012", "front_desk", "前台接待（接班）"},
	{"areamgr@example.com", "王志强", "13900000004", "area_manager", "一片区管理员"},
	{"areamgr2@example.com", "冯丽", "13900000005", "area_manager", "二片区管理员"},
	{"tech1@example.com", "陈师傅", "13900000006", "technician", "维修工（水电）"},
	{"tech2@example.com", "褚师傅", "13900000007", "technician", "维修工（土建）"},
	{"engineer@example.com", "卫工", "13900000008", "engineer", "工程部"},
	{"security@example.com", "蒋队长", "13900000009", "security", "秩序维护部"},
	{"cashier@example.com", "沈会计", "13900000010", "cashier", "收费员"},
	{"hr@example.com", "孙静", "13900000011", "admin_office", "行政人事部（受理对客服中心的投诉）"},
}

// OtherStaff work only in the second, smaller community: they show that
// staff see nothing of a community they do not serve.
var OtherStaff = []Account{
	{"supervisor.yx@example.com", "韩雪", "13900000021", "supervisor", "银杏苑客服主管"},
	{"frontdesk.yx@example.com", "杨帆", "13900000022", "front_desk", "银杏苑前台"},
}

// Residents are the named demo residents; unit is "building-number".
var Residents = []struct {
	Account
	Unit, Relation, Since, Until string
}{
	{Account{"owner1@example.com", "李明", "13800000001", "", "1栋101业主（已出租）"}, "1-101", "owner", "2024-03-15", ""},
	{Account{"tenant1@example.com", "张伟", "13800000002", "", "1栋101租户"}, "1-101", "tenant", "2025-09-01", ""},
	{Account{"family1@example.com", "李小红", "13800000003", "", "1栋101业主家属"}, "1-101", "family", "2024-03-15", ""},
	{Account{"owner2@example.com", "王芳", "13800000004", "", "1栋102业主，另有车位 3-P001"}, "1-102", "owner", "2024-03-20", ""},
	{Account{"former1@example.com", "赵刚", "13800000005", "", "1栋102前租户（已退租）"}, "1-102", "tenant", "2024-05-01", "2025-04-30"},
}

// Load fills app with the demo data unless it is already there, in one
// transaction. It reports whether it loaded anything.
func Load(app core.App) (bool, error) {
	if n, _ := app.CountRecords("communities", dbx.HashExp{"code": CommunityCode}); n > 0 {
		EnableChannels(app)
		return false, nil
	}
	err := app.RunInTransaction(func(tx core.App) error {
		l := &loader{app: tx}
		l.mainCommunity()
		l.complaints()
		l.dispatch()
		l.history()
		l.fees()
		l.renovations()
		l.vacancy()
		l.deskRegisters()
		l.meterWalk()
		l.moveOut()
		l.deskShift()
		l.moveIns()
		l.otherCommunity()
		l.registry()
		l.households()
		l.notices()
		l.outbox()
		l.importDryRun()
		l.surveys()
		return l.err
	})
	// The channels' senders write with the app, not the finished transaction.
	EnableChannels(app)
	if err != nil {
		return false, fmt.Errorf("load demo data: %w", err)
	}
	return true, nil
}

// loader keeps the first error so that the data reads as a plain list.
type loader struct {
	app   core.App
	err   error
	units map[string]*core.Record // "building-number" → unit
}

func (l *loader) save(collection string, fields map[string]any) *core.Record {
	if l.err != nil {
		return nil
	}
	col, err := l.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		l.err = err
		return nil
	}
	r := core.NewRecord(col)
	for k, v := range fields {
		r.Set(k, v)
	}
	if col.IsAuth() {
		r.SetPassword(Password)
		r.SetVerified(true)
	}
	if err := l.app.Save(r); err != nil {
		l.err = fmt.Errorf("%s %v: %w", collection, fields["name"], err)
		return nil
	}
	return r
}

func (l *loader) staff(a Account, community *core.Record) *core.Record {
	if community == nil {
		return nil
	}
	return l.save("staff", map[string]any{
		"email": a.Email, "name": a.Name, "phone": a.Phone, "role": a.Role,
		"communities": []string{community.Id}, "active": true,
	})
}

func (l *loader) mainCommunity() {
	c := l.save("communities", map[string]any{
		"name": "翠湖花园", "code": CommunityCode, "address": "重庆市渝北区翠湖路 88 号", "phone": "023-67880000",
	})
	staff := map[string]*core.Record{}
	for _, a := range Staff {
		staff[a.Email] = l.staff(a, c)
	}
	if l.err != nil {
		return
	}
	area1 := l.save("areas", map[string]any{"community": c.Id, "name": "一片区", "manager": staff["areamgr@example.com"].Id})
	area2 := l.save("areas", map[string]any{"community": c.Id, "name": "二片区", "manager": staff["areamgr2@example.com"].Id})
	if l.err != nil {
		return
	}
	l.units = map[string]*core.Record{}
	b1 := l.save("buildings", map[string]any{"community": c.Id, "area": area1.Id, "code": "1", "name": "1栋", "floors": 6})
	b2 := l.save("buildings", map[string]any{"community": c.Id, "area": area1.Id, "code": "2", "name": "2栋", "floors": 6})
	b3 := l.save("buildings", map[string]any{"community": c.Id, "area": area2.Id, "code": "3", "name": "3栋（商业）", "floors": 3})
	if l.err != nil {
		return
	}
	// Buildings 1 and 2: six floors of four flats each (101–604).
	for i, b := range []*core.Record{b1, b2} {
		for floor := 1; floor <= 6; floor++ {
			for n := 1; n <= 4; n++ {
				seq := i*24 + (floor-1)*4 + n
				l.unit(b, fmt.Sprintf("%d%02d", floor, n), floor, "residential", flatArea(n), seq)
			}
		}
	}
	// Building 3: shops on the ground floor, offices above, parking and
	// storage in the basement.
	for n := 1; n <= 6; n++ {
		l.unit(b3, fmt.Sprintf("S1%02d", n), 1, "shop", 45.5+float64(n)*3, 100+n)
	}
	for floor := 2; floor <= 3; floor++ {
		for n := 1; n <= 4; n++ {
			l.unit(b3, fmt.Sprintf("%d%02d", floor, n), floor, "office", 120.25, 110+floor*4+n)
		}
	}
	for n := 1; n <= 8; n++ {
		l.unit(b3, fmt.Sprintf("P%03d", n), -1, "parking", 13.2, 130+n)
	}
	for n := 1; n <= 4; n++ {
		l.unit(b3, fmt.Sprintf("C%02d", n), -1, "storage", 8.6, 140+n)
	}
	// The named residents first, then a generated household for every
	// other occupied flat, so the registry looks lived in.
	for _, r := range Residents {
		res := l.save("residents", map[string]any{"email": r.Email, "name": r.Name, "phone": r.Phone})
		l.link(r.Unit, res, r.Relation, r.Since, r.Until)
		// owner2 also owns a parking space: the portal's unit switcher.
		if r.Email == "owner2@example.com" {
			l.link("3-P001", res, "owner", "2024-03-20", "")
		}
	}
	for i, key := range sortedKeys(l.units) {
		u := l.units[key]
		if u.GetString("status") != "occupied" || key == "1-101" || key == "1-102" || u.GetString("type") != "residential" {
			continue
		}
		res := l.save("residents", map[string]any{
			"email": fmt.Sprintf("resident%03d@example.com", i+1),
			"name":  surnames[i%len(surnames)] + givenNames[i%len(givenNames)],
			"phone": fmt.Sprintf("1370000%04d", i+1),
		})
		l.link(key, res, "owner", u.GetString("moved_in_on"), "")
	}
}

// unit adds a unit whose status and dates follow from seq, so that every
// status occurs and the data stays the same from one load to the next.
func (l *loader) unit(b *core.Record, number string, floor int, typ string, area float64, seq int) {
	if l.err != nil {
		return
	}
	month := 1 + seq%12
	fields := map[string]any{
		"building": b.Id, "number": number, "floor": floor, "type": typ, "area_m2": area,
	}
	key := b.GetString("code") + "-" + number
	switch {
	case key == "2-604":
		// Lived in since 2024 and renovated again in November 2026: its
		// management fee stays at full price — half price is for a unit not
		// yet lived in ([000] 收费员 4.2.1.1; docs/DESIGN.md, Fees).
		fields["status"] = "renovating"
		fields["handed_over_on"] = "2024-05-01"
		fields["moved_in_on"] = "2024-06-01"
		fields["renovation_registered_on"] = "2026-11-16"
	case key == "1-101" || key == "1-102":
		fields["status"] = "occupied"
		fields["handed_over_on"] = "2024-03-01"
		fields["renovation_registered_on"] = "2024-03-10"
		fields["moved_in_on"] = "2024-03-15"
	case seq%7 == 0: // never handed over: still the developer's
		fields["status"] = "vacant"
	case seq%7 == 3: // handed over, not moved in
		fields["status"] = "handed_over"
		fields["handed_over_on"] = fmt.Sprintf("2025-%02d-10", month)
	case seq%7 == 5: // renovation under way
		fields["status"] = "renovating"
		fields["handed_over_on"] = fmt.Sprintf("2025-%02d-05", month)
		fields["renovation_registered_on"] = "2026-11-02"
	default:
		fields["status"] = "occupied"
		fields["handed_over_on"] = fmt.Sprintf("2024-%02d-01", month)
		fields["renovation_registered_on"] = fmt.Sprintf("2024-%02d-15", month)
		fields["moved_in_on"] = fmt.Sprintf("2024-%02d-20", month)
	}
	if u := l.save("units", fields); u != nil {
		l.units[key] = u
	}
}

func (l *loader) link(unitKey string, resident *core.Record, relation, since, until string) {
	u := l.units[unitKey]
	if l.err != nil || u == nil || resident == nil {
		if l.err == nil {
			l.err = fmt.Errorf("demo link to unknown unit %s", unitKey)
		}
		return
	}
	l.save("unit_residents", map[string]any{
		"unit": u.Id, "resident": resident.Id, "relation": relation, "since": since, "until": until,
	})
}

func (l *loader) otherCommunity() {
	c := l.save("communities", map[string]any{"name": "银杏苑", "code": "YX", "address": "重庆市渝北区银杏路 6 号"})
	for _, a := range OtherStaff {
		l.staff(a, c)
	}
	if l.err != nil {
		return
	}
	area := l.save("areas", map[string]any{"community": c.Id, "name": "银杏苑片区"})
	if l.err != nil {
		return
	}
	b := l.save("buildings", map[string]any{"community": c.Id, "area": area.Id, "code": "A", "name": "A座", "floors": 4})
	for floor := 1; floor <= 4; floor++ {
		for n := 1; n <= 2; n++ {
			l.unit(b, fmt.Sprintf("%d%02d", floor, n), floor, "residential", 98.6, 200+floor*2+n)
		}
	}
	res := l.save("residents", map[string]any{"email": "owner.yx@example.com", "name": "钱进", "phone": "13800000021"})
	l.link("A-101", res, "owner", "2024-08-01", "")
	// 银杏苑 bills its management fee from the date on the move-in notice
	// ([004] 四 2 4.5): each handed-over flat's notice named the first of
	// the month before its owners came for the keys.
	c.Set("fee_start", "notice")
	if l.err = l.app.Save(c); l.err != nil {
		return
	}
	for _, key := range sortedKeys(l.units) {
		handed, err := time.Parse(time.DateOnly, l.units[key].GetString("handed_over_on"))
		if err != nil || l.units[key].GetString("community") != c.Id {
			continue
		}
		u, err := l.app.FindRecordById("units", l.units[key].Id)
		if err != nil {
			l.err = err
			return
		}
		u.Set("notice_on", time.Date(handed.Year(), handed.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		if err := l.app.Save(u); err != nil {
			l.err = fmt.Errorf("demo notice date of %s: %w", key, err)
			return
		}
	}
}

// flatArea gives the four flats of a floor their typical sizes.
func flatArea(n int) float64 {
	return []float64{89.37, 112.56, 89.37, 135.08}[(n-1)%4]
}

var (
	surnames   = strings.Split("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜", "")
	givenNames = strings.Split("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华", "")
)

func sortedKeys(m map[string]*core.Record) []string {
	return slices.Sorted(maps.Keys(m))
}
