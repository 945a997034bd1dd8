package hooks

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/fee"
	"wuye/lib/importer"
)

// An import's plan: the rows of a file looked up against the community's
// records by their natural keys (building code; building code + unit
// number; resident phone; parking space code; unit + fee item + period;
// unit + meter + day), each found to create, update or leave unchanged a
// record, with every problem by row and column. The existing keys are
// read with a few queries per import, never one per row. The plan applies
// the rules the collections' validation hooks apply to a record saved
// alone (hooks/registry.go validateUnit, validateBuilding, validateLink;
// hooks/fees_meter_readings.go takeReading; hooks/fees_billing.go
// checkBill), so that what it writes in bulk is what those would accept.

type importPlan struct {
	app       core.App
	kind      importer.Kind
	community string
	actor     *core.Record // nil for a superuser
	batch     string       // the import_batches record's id, decided first
	problems  []importer.Problem
	outcome   map[int]string // row → create, update or unchanged
	rows      int
	creates   []*core.Record // in the order they are inserted
	updates   []importUpdate
	saves     []*core.Record // saved one by one through their hooks (bills)
	places    []string       // residents whose places to recompute
	changes   map[string]map[string][]string
}

func (p *importPlan) problem(row int, key string, zh, en string) {
	var col importer.Text
	if key != "" {
		c := p.kind.Column(key)
		col = importer.Text{Zh: c.Zh, En: c.En}
	}
	p.problems = append(p.problems, importer.Problem{Row: row, Column: col, Text: importer.Text{Zh: zh, En: en}})
}

// mark records what a row does: a row that creates anything is a create,
// else one that changes anything an update.
func (p *importPlan) mark(row int, action string) {
	rank := map[string]int{"": 0, "unchanged": 1, "update": 2, "create": 3}
	if rank[action] > rank[p.outcome[row]] {
		p.outcome[row] = action
	}
}

func (p *importPlan) create(row int, collection string, fields map[string]any) *core.Record {
	col, err := p.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		panic(err) // the import's collections exist once migrated
	}
	r := core.NewRecord(col)
	r.Id = core.GenerateDefaultRandomId()
	r.Set("id", r.Id)
	for k, v := range fields {
		r.Set(k, v)
	}
	p.creates = append(p.creates, r)
	p.note(collection, "created", r.Id)
	p.mark(row, "create")
	return r
}

func (p *importPlan) update(row int, collection, id string, fields map[string]any) {
	if len(fields) == 0 {
		p.mark(row, "unchanged")
		return
	}
	p.updates = append(p.updates, importUpdate{collection, id, fields})
	p.note(collection, "updated", id)
	p.mark(row, "update")
}

func (p *importPlan) note(collection, what, id string) {
	if p.changes[collection] == nil {
		p.changes[collection] = map[string][]string{}
	}
	p.changes[collection][what] = append(p.changes[collection][what], id)
}

// changed compares the wanted values with the stored ones (as the
// database gives them, as text): numbers as numbers, the rest as text.
// An empty optional cell (absent from want) leaves the stored value.
func changed(stored map[string]string, want map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range want {
		s := stored[k]
		switch v := v.(type) {
		case float64:
			if f, err := strconv.ParseFloat(s, 64); err != nil || f != v {
				out[k] = v
			}
		case int64:
			if f, err := strconv.ParseFloat(s, 64); err != nil || f != float64(v) {
				out[k] = v
			}
		case string:
			if s != v {
				out[k] = v
			}
		default:
			panic(fmt.Sprintf("import: value of %s is a %T", k, v))
		}
	}
	return out
}

// rowsOf reads a query's rows as text maps.
func rowsOf(app core.App, sql string, params dbx.Params) ([]map[string]string, error) {
	var raw []dbx.NullStringMap
	if err := app.DB().NewQuery(sql).Bind(params).All(&raw); err != nil {
		return nil, err
	}
	out := make([]map[string]string, len(raw))
	for i, r := range raw {
		m := make(map[string]string, len(r))
		for k, v := range r {
			m[k] = v.String
		}
		out[i] = m
	}
	return out, nil
}

// keyed indexes rows by key(row).
func keyed(rows []map[string]string, key func(map[string]string) string) map[string]map[string]string {
	out := make(map[string]map[string]string, len(rows))
	for _, r := range rows {
		out[key(r)] = r
	}
	return out
}

func unitKey(building, number string) string { return building + "\x00" + number }

// firstSeen reports a row whose key an earlier row of the file has.
type firstSeen map[string]int

func (f firstSeen) dup(p *importPlan, row int, key, column, what, whatEn string) bool {
	if first, ok := f[key]; ok {
		p.problem(row, column, fmt.Sprintf("与第 %d 行%s重复", first, what), fmt.Sprintf("Same %s as row %d.", whatEn, first))
		return true
	}
	f[key] = row
	return false
}

// plan looks the rows up and decides what each does.
func (p *importPlan) plan(rows []importer.Row) error {
	p.outcome = map[int]string{}
	p.changes = map[string]map[string][]string{}
	c := dbx.Params{"c": p.community}
	buildings, err := rowsOf(p.app, `SELECT b.id, b.code, b.name, b.floors, b.area,
			COALESCE((SELECT MAX(u.floor) FROM units u WHERE u.building = b.id), 0) AS top
		FROM buildings b WHERE b.community = {:c}`, c)
	if err != nil {
		return err
	}
	byCode := keyed(buildings, func(r map[string]string) string { return r["code"] })
	var units map[string]map[string]string
	if p.kind.Name != "buildings" {
		list, err := rowsOf(p.app, `SELECT u.id, b.code AS bcode, u.building, u.number, u.floor, u.type, u.area_m2, u.status,
				u.handed_over_on, u.renovation_registered_on, u.moved_in_on
			FROM units u JOIN buildings b ON b.id = u.building WHERE u.community = {:c}`, c)
		if err != nil {
			return err
		}
		units = keyed(list, func(r map[string]string) string { return unitKey(r["bcode"], r["number"]) })
	}
	// findUnit finds the row's unit by building code and number.
	findUnit := func(row importer.Row, bkey, ukey string) map[string]string {
		b, n := row.Str(bkey), row.Str(ukey)
		if byCode[b] == nil {
			p.problem(row.N, bkey, "楼栋编号“"+b+"”在本小区不存在：请先导入楼栋", "No building "+b+" in this community: import the buildings first.")
			return nil
		}
		u := units[unitKey(b, n)]
		if u == nil {
			p.problem(row.N, ukey, b+" 栋没有房号“"+n+"”：请先导入房屋", "Building "+b+" has no unit "+n+": import the units first.")
		}
		return u
	}
	switch p.kind.Name {
	case "buildings":
		return p.planBuildings(rows, byCode)
	case "units":
		p.planUnits(rows, byCode, units)
		return nil
	case "residents":
		return p.planResidents(rows, findUnit)
	case "parking":
		return p.planParking(rows, byCode, findUnit)
	case "opening_arrears":
		return p.planArrears(rows, findUnit)
	case "meter_readings":
		return p.planReadings(rows, findUnit)
	}
	return fmt.Errorf("import: no plan for %s", p.kind.Name)
}

func (p *importPlan) planBuildings(rows []importer.Row, byCode map[string]map[string]string) error {
	areas, err := rowsOf(p.app, `SELECT id, name FROM areas WHERE community = {:c}`, dbx.Params{"c": p.community})
	if err != nil {
		return err
	}
	areaByName := keyed(areas, func(r map[string]string) string { return r["name"] })
	seen := firstSeen{}
	for _, row := range rows {
		code := row.Str("code")
		if seen.dup(p, row.N, code, "code", "的楼栋编号", "building code") {
			continue
		}
		want := map[string]any{"floors": row.Int64("floors")}
		if row.Has("name") {
			want["name"] = row.Str("name")
		}
		if row.Int64("floors") < 1 || row.Int64("floors") > 200 {
			p.problem(row.N, "floors", "楼层数须在 1 到 200 之间", "Floors must be between 1 and 200.")
			continue
		}
		if row.Has("area") {
			a := areaByName[row.Str("area")]
			if a == nil {
				p.problem(row.N, "area", "片区“"+row.Str("area")+"”不存在：请先在“片区”中建立", "No area named "+row.Str("area")+": set it up first.")
				continue
			}
			want["area"] = a["id"]
		}
		if b := byCode[code]; b != nil {
			top, _ := strconv.Atoi(b["top"])
			if int64(top) > row.Int64("floors") {
				p.problem(row.N, "floors", fmt.Sprintf("该楼栋已有第 %d 层的房屋，楼层数不能小于 %d", top, top),
					fmt.Sprintf("The building has units on floor %d: floors cannot be below %d.", top, top))
				continue
			}
			p.update(row.N, "buildings", b["id"], changed(b, want))
			continue
		}
		want["community"], want["code"] = p.community, code
		p.create(row.N, "buildings", want)
	}
	return nil
}

// statusNeeds (hooks/registry.go) says which dates a unit's status needs.
func (p *importPlan) planUnits(rows []importer.Row, byCode, units map[string]map[string]string) {
	seen := firstSeen{}
	dates := []string{"handed_over_on", "renovation_registered_on", "moved_in_on"}
	for _, row := range rows {
		bcode, number := row.Str("building"), row.Str("unit")
		if seen.dup(p, row.N, unitKey(bcode, number), "unit", "的楼栋编号和房号", "building and unit number") {
			continue
		}
		b := byCode[bcode]
		if b == nil {
			p.problem(row.N, "building", "楼栋编号“"+bcode+"”在本小区不存在：请先导入楼栋", "No building "+bcode+" in this community: import the buildings first.")
			continue
		}
		want := map[string]any{"floor": row.Int64("floor"), "type": row.Str("type"), "area_m2": row.Float("area_m2"), "status": row.Str("status")}
		for _, d := range dates {
			if row.Has(d) {
				want[d] = row.Str(d)
			}
		}
		top, _ := strconv.ParseInt(b["floors"], 10, 64)
		if f := row.Int64("floor"); f == 0 || f > top {
			p.problem(row.N, "floor", fmt.Sprintf("楼层必须在 1 到 %d 之间（地下层用负数）", top), fmt.Sprintf("Floor must be between 1 and %d (negative for basements).", top))
			continue
		}
		if row.Float("area_m2") <= 0 {
			p.problem(row.N, "area_m2", "建筑面积必须大于 0", "The gross area must be greater than 0.")
			continue
		}
		u := units[unitKey(bcode, number)]
		// The unit as it will be: the stored dates under the row's.
		merged := map[string]string{}
		if u != nil {
			for _, d := range dates {
				merged[d] = u[d]
			}
		}
		for _, d := range dates {
			if row.Has(d) {
				merged[d] = row.Str(d)
			}
		}
		ok := true
		for _, f := range statusNeeds[row.Str("status")] {
			if merged[f] == "" {
				s := unitStatusLabels[row.Str("status")]
				p.problem(row.N, f, "状态为“"+s.zh+"”时必须填写", "Required when the status is "+s.en+".")
				ok = false
			}
		}
		for _, d := range []string{"renovation_registered_on", "moved_in_on"} {
			if merged[d] != "" && merged["handed_over_on"] != "" && merged[d] < merged["handed_over_on"] {
				p.problem(row.N, d, "不能早于收房日期", "Cannot be before the handover date.")
				ok = false
			}
		}
		if !ok {
			continue
		}
		if u != nil {
			p.update(row.N, "units", u["id"], changed(u, want))
			continue
		}
		want["community"], want["building"], want["number"] = p.community, b["id"], number
		p.create(row.N, "units", want)
	}
}

func (p *importPlan) planResidents(rows []importer.Row, findUnit func(importer.Row, string, string) map[string]string) error {
	// The residents the file names, by phone, with their places.
	var phones []string
	for _, row := range rows {
		phones = append(phones, row.Str("phone"))
	}
	slices.Sort(phones)
	phones = slices.Compact(phones)
	residents := map[string]map[string]string{}
	for start := 0; start < len(phones); start += 400 {
		params := dbx.Params{}
		var in []string
		for i, ph := range phones[start:min(start+400, len(phones))] {
			k := "p" + strconv.Itoa(i)
			params[k] = ph
			in = append(in, "{:"+k+"}")
		}
		list, err := rowsOf(p.app, `SELECT r.id, r.name, r.phone, r.communities,
				EXISTS (SELECT 1 FROM unit_residents l WHERE l.resident = r.id) AS linked
			FROM residents r WHERE r.phone IN (`+strings.Join(in, ",")+`)`, params)
		if err != nil {
			return err
		}
		for _, r := range list {
			residents[r["phone"]] = r
		}
	}
	// The community's current and pending links.
	list, err := rowsOf(p.app, `SELECT l.id, l.unit, l.resident, l.relation, l.since, l.pending
		FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE u.community = {:c} AND (l.active = TRUE OR l.pending = TRUE)`, dbx.Params{"c": p.community})
	if err != nil {
		return err
	}
	links := keyed(list, func(r map[string]string) string { return r["unit"] + "\x00" + r["resident"] })
	// ours: a resident who lives in one of the importer's communities is
	// theirs to keep; anyone else's account is left as it is and linked
	// pending their consent, as a link made at the desk would be
	// (hooks/accounts_residents.go needsConsent).
	ours := func(r map[string]string) bool {
		if p.actor == nil {
			return true
		}
		var cs []string
		_ = json.Unmarshal([]byte(r["communities"]), &cs)
		for _, c := range cs {
			if servesCommunity(p.actor, c) {
				return true
			}
		}
		return r["linked"] == "0"
	}
	seenPhone := map[string]importer.Row{}
	seenLink := firstSeen{}
	for _, row := range rows {
		phone, name := row.Str("phone"), row.Str("name")
		if first, ok := seenPhone[phone]; ok && first.Str("name") != name {
			p.problem(row.N, "name", fmt.Sprintf("与第 %d 行手机号相同但姓名不同（“%s”）：同一手机号是同一个人", first.N, first.Str("name")),
				fmt.Sprintf("Same phone as row %d but another name: one phone is one person.", first.N))
			continue
		} else if !ok {
			seenPhone[phone] = row
		}
		u := findUnit(row, "building", "unit")
		if u == nil {
			continue
		}
		if seenLink.dup(p, row.N, phone+"\x00"+u["id"], "phone", "的手机号和房屋", "phone and unit") {
			continue
		}
		res := residents[phone]
		var residentID string
		pending := false
		switch {
		case res == nil:
			r := p.create(row.N, "residents", map[string]any{"name": name, "phone": phone})
			residentID = r.Id
			residents[phone] = map[string]string{"id": r.Id, "name": name, "new": "1"}
		case res["new"] == "1":
			residentID = res["id"]
		case ours(res):
			residentID = res["id"]
			if res["name"] != name && res["renamed"] == "" {
				res["renamed"] = "1"
				p.update(row.N, "residents", residentID, map[string]any{"name": name})
			}
		default:
			residentID, pending = res["id"], true
		}
		want := map[string]any{"relation": row.Str("relation")}
		if row.Has("since") {
			want["since"] = row.Str("since")
		}
		if l := links[u["id"]+"\x00"+residentID]; l != nil {
			p.update(row.N, "unit_residents", l["id"], changed(l, want))
		} else {
			want["unit"], want["resident"], want["active"], want["pending"] = u["id"], residentID, !pending, pending
			p.create(row.N, "unit_residents", want)
		}
		p.places = append(p.places, residentID)
	}
	// Residents before their links.
	sort.SliceStable(p.creates, func(i, j int) bool {
		return p.creates[i].Collection().Name == "residents" && p.creates[j].Collection().Name != "residents"
	})
	return nil
}

func (p *importPlan) planParking(rows []importer.Row, byCode map[string]map[string]string, findUnit func(importer.Row, string, string) map[string]string) error {
	list, err := rowsOf(p.app, `SELECT id, code, building, holding, unit, plate, lease_until, monthly_fee_fen, note
		FROM parking_spaces WHERE community = {:c}`, dbx.Params{"c": p.community})
	if err != nil {
		return err
	}
	spaces := keyed(list, func(r map[string]string) string { return r["code"] })
	seen := firstSeen{}
	for _, row := range rows {
		code := row.Str("code")
		if seen.dup(p, row.N, code, "code", "的车位编号", "space code") {
			continue
		}
		want := map[string]any{"holding": row.Str("holding")}
		if row.Has("garage") {
			b := byCode[row.Str("garage")]
			if b == nil {
				p.problem(row.N, "garage", "楼栋编号“"+row.Str("garage")+"”在本小区不存在", "No building "+row.Str("garage")+" in this community.")
				continue
			}
			want["building"] = b["id"]
		}
		held := row.Str("holding") != "unassigned"
		switch {
		case held && (!row.Has("building") || !row.Has("unit")):
			p.problem(row.N, "unit", "产权或月租车位须填写使用车位的房屋（房屋楼栋和房号）", "An owned or leased space needs the unit holding it (building and number).")
			continue
		case !held && (row.Has("building") || row.Has("unit")):
			p.problem(row.N, "holding", "填写了房屋的车位不能是“未分配”", "A space with a unit cannot be unassigned.")
			continue
		case held:
			u := findUnit(row, "building", "unit")
			if u == nil {
				continue
			}
			want["unit"] = u["id"]
		default:
			want["unit"] = ""
		}
		for _, f := range []string{"plate", "lease_until", "note"} {
			if row.Has(f) {
				want[f] = row.Str(f)
			}
		}
		if row.Has("monthly_fee") {
			if row.Int64("monthly_fee") > 10_000_000 {
				p.problem(row.N, "monthly_fee", "月租金太大", "The monthly fee is too large.")
				continue
			}
			want["monthly_fee_fen"] = row.Int64("monthly_fee")
		}
		if s := spaces[code]; s != nil {
			p.update(row.N, "parking_spaces", s["id"], changed(s, want))
			continue
		}
		want["community"], want["code"] = p.community, code
		p.create(row.N, "parking_spaces", want)
	}
	return nil
}

// openingSource marks a bill as an opening arrear (期初欠费): what a unit
// owed when the office started with Wuye, loaded from its old books.
const openingSource = "期初欠费"

func (p *importPlan) planArrears(rows []importer.Row, findUnit func(importer.Row, string, string) map[string]string) error {
	c := dbx.Params{"c": p.community}
	items, err := rowsOf(p.app, `SELECT id, code FROM fee_items WHERE community = {:c}`, c)
	if err != nil {
		return err
	}
	itemByCode := keyed(items, func(r map[string]string) string { return r["code"] })
	bills, err := rowsOf(p.app, `SELECT id, unit, fee_item, period, amount_fen, source, serial FROM bills
		WHERE community = {:c} AND fee_item != '' AND status != 'void'`, c)
	if err != nil {
		return err
	}
	billByKey := keyed(bills, func(r map[string]string) string { return r["unit"] + "\x00" + r["fee_item"] + "\x00" + r["period"] })
	owners, err := rowsOf(p.app, `SELECT l.unit, MIN(l.resident) AS resident FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE u.community = {:c} AND l.active = TRUE AND l.relation = 'owner' GROUP BY l.unit`, c)
	if err != nil {
		return err
	}
	ownerOf := keyed(owners, func(r map[string]string) string { return r["unit"] })
	seen := firstSeen{}
	for _, row := range rows {
		u := findUnit(row, "building", "unit")
		item := itemByCode[row.Str("fee_item")]
		if item == nil {
			p.problem(row.N, "fee_item", "收费项目编号“"+row.Str("fee_item")+"”在本小区不存在", "No fee item "+row.Str("fee_item")+" in this community.")
		}
		if u == nil || item == nil {
			continue
		}
		period, err := fee.ParsePeriod(row.Str("period"))
		if err != nil {
			p.problem(row.N, "period", "不是账期（应为 2026-01 或 2026-Q1）", "Not a billing period (2026-01 or 2026-Q1).")
			continue
		}
		key := u["id"] + "\x00" + item["id"] + "\x00" + period.Code
		if seen.dup(p, row.N, key, "period", "的房屋、收费项目和账期", "unit, fee item and period") {
			continue
		}
		amount := row.Int64("amount")
		if amount <= 0 {
			p.problem(row.N, "amount", "欠费金额必须大于 0", "The amount owed must be greater than 0.")
			continue
		}
		if b := billByKey[key]; b != nil {
			if b["source"] == openingSource && b["amount_fen"] == strconv.FormatInt(amount, 10) {
				p.mark(row.N, "unchanged")
				continue
			}
			// Money is never edited: a bill stands until it is discounted,
			// paid or voided ([000] 收费员 4.2; docs/DESIGN.md, Fees).
			p.problem(row.N, "amount", fmt.Sprintf("该房屋此项目此账期已有账单 %s（¥%s）：已入账的金额不能通过导入修改，请在收费处减免或作废后再导入", b["serial"], yuan(b["amount_fen"])),
				fmt.Sprintf("The unit already has bill %s (¥%s) for this item and period: a bill is not changed by an import; discount or void it at the cashier's first.", b["serial"], yuan(b["amount_fen"])))
			continue
		}
		last := period.Last.Format("2006-01-02")
		r := p.create(row.N, "bills", map[string]any{
			"community": p.community, "unit": u["id"], "fee_item": item["id"], "source": openingSource,
			"period": period.Code, "period_start": period.First.Format("2006-01-02"), "period_end": last,
			"amount_fen": amount, "due_on": last, "status": "issued", "payer": ownerOf[u["id"]]["resident"],
			"basis": map[string]any{"opening": true, "import_batch": p.batch},
		})
		// Bills are saved one by one: each takes its serial and goes through
		// checkBill (hooks/fees_billing.go), like a bill saved as a record.
		p.creates = p.creates[:len(p.creates)-1]
		p.saves = append(p.saves, r)
	}
	return nil
}

func yuan(fen string) string {
	n, _ := strconv.ParseInt(fen, 10, 64)
	return strconv.FormatFloat(float64(n)/100, 'f', 2, 64)
}

func (p *importPlan) planReadings(rows []importer.Row, findUnit func(importer.Row, string, string) map[string]string) error {
	// The effective readings of the community's meters: those no later
	// reading corrects (hooks/fees_meter_readings.go).
	list, err := rowsOf(p.app, `SELECT r.unit, r.meter, r.read_on, r.reading FROM meter_readings r JOIN units u ON u.id = r.unit
		WHERE u.community = {:c} AND r.`+effectiveReadingsSQL, dbx.Params{"c": p.community})
	if err != nil {
		return err
	}
	// A replacement starts a new meter (hooks/fees_meter_replacements.go):
	// it sits in the meter's sequence as the old meter's final reading and
	// the new one's start, so readings on either side are checked against
	// their own meter, as meterBaseline does for a reading taken on screen.
	type reading struct {
		on    string
		value float64 // a replacement's: the new meter's start
		row   int     // 0 for a stored one
		repl  bool
		final float64 // a replacement's: the old meter's final reading
	}
	meters := map[string][]reading{}
	for _, r := range list {
		v, _ := strconv.ParseFloat(r["reading"], 64)
		k := r["unit"] + "\x00" + r["meter"]
		// A correction takes its reading's day: the latest of a day stands.
		meters[k] = append(meters[k], reading{on: r["read_on"], value: v})
	}
	repls, err := rowsOf(p.app, `SELECT r.unit, r.meter, r.replaced_on, r.old_final_reading, r.new_start_reading
		FROM meter_replacements r JOIN units u ON u.id = r.unit WHERE u.community = {:c}`, dbx.Params{"c": p.community})
	if err != nil {
		return err
	}
	for _, r := range repls {
		start, _ := strconv.ParseFloat(r["new_start_reading"], 64)
		final, _ := strconv.ParseFloat(r["old_final_reading"], 64)
		k := r["unit"] + "\x00" + r["meter"]
		meters[k] = append(meters[k], reading{on: r["replaced_on"], value: start, repl: true, final: final})
	}
	// An area manager reads the meters of their own area only, as the
	// readings' create rule says (migrations/0074_meter_replacements.go).
	var ownArea map[string]bool
	if staffRole(p.actor) == RoleAreaManager {
		own, err := rowsOf(p.app, `SELECT u.id FROM units u JOIN buildings b ON b.id = u.building JOIN areas a ON a.id = b.area
			WHERE u.community = {:c} AND a.manager = {:m}`, dbx.Params{"c": p.community, "m": p.actor.Id})
		if err != nil {
			return err
		}
		ownArea = map[string]bool{}
		for _, r := range own {
			ownArea[r["id"]] = true
		}
	}
	seen := firstSeen{}
	type fresh struct {
		row    importer.Row
		unit   string
		meterK string
	}
	var news []fresh
	for _, row := range rows {
		u := findUnit(row, "building", "unit")
		if u == nil {
			continue
		}
		if ownArea != nil && !ownArea[u["id"]] {
			p.problem(row.N, "unit", "这户不在您负责的片区：片区管理员只能录入本片区的读数", "This unit is not in your area: an area manager enters the readings of their own area only.")
			continue
		}
		k := u["id"] + "\x00" + row.Str("meter")
		if seen.dup(p, row.N, k+"\x00"+row.Str("read_on"), "read_on", "的房屋、表类和抄表日期", "unit, meter and day") {
			continue
		}
		if row.Float("reading") < 0 {
			p.problem(row.N, "reading", "读数不能为负数", "A reading cannot be negative.")
			continue
		}
		if row.Str("read_on") > today() {
			p.problem(row.N, "read_on", "抄表日期不能晚于今天", "The reading date cannot be in the future.")
			continue
		}
		stored := -1.0
		for _, r := range meters[k] {
			if !r.repl && r.on == row.Str("read_on") {
				stored = r.value
			}
		}
		if stored >= 0 {
			if stored == row.Float("reading") {
				p.mark(row.N, "unchanged")
				continue
			}
			p.problem(row.N, "reading", fmt.Sprintf("该表 %s 已有读数 %s：读数不能修改，抄错了请在抄表页面对那次读数提交更正并写明原因", row.Str("read_on"), fmtReading(stored)),
				fmt.Sprintf("This meter already has reading %s on %s: readings are never changed; file a correction of it with a reason.", fmtReading(stored), row.Str("read_on")))
			continue
		}
		meters[k] = append(meters[k], reading{on: row.Str("read_on"), value: row.Float("reading"), row: row.N})
		news = append(news, fresh{row, u["id"], k})
	}
	// A meter only counts up: each new reading lies between its meter's
	// readings before and after it, the file's own new ones included; a
	// reading on a replacement's day is the new meter's.
	for k := range meters {
		rs := meters[k]
		sort.SliceStable(rs, func(i, j int) bool {
			if rs[i].on != rs[j].on {
				return rs[i].on < rs[j].on
			}
			return rs[i].repl && !rs[j].repl
		})
	}
	bad := map[int]bool{}
	for _, rs := range meters {
		for i, r := range rs {
			if r.row == 0 || r.repl {
				continue
			}
			if i > 0 && r.value < rs[i-1].value {
				prev := rs[i-1]
				if prev.repl {
					p.problem(r.row, "reading", fmt.Sprintf("读数 %s 小于 %s 换上的新表起始读数 %s：水电表读数只增不减", fmtReading(r.value), prev.on, fmtReading(prev.value)),
						fmt.Sprintf("Reading %s is below the start reading %s of the meter fitted on %s: meters only count up.", fmtReading(r.value), fmtReading(prev.value), prev.on))
				} else {
					p.problem(r.row, "reading", fmt.Sprintf("读数 %s 小于该表 %s 的读数 %s：水电表读数只增不减", fmtReading(r.value), prev.on, fmtReading(prev.value)),
						fmt.Sprintf("Reading %s is below this meter's reading of %s on %s: meters only count up.", fmtReading(r.value), fmtReading(prev.value), prev.on))
				}
				bad[r.row] = true
			} else if i+1 < len(rs) && rs[i+1].repl && r.value > rs[i+1].final {
				next := rs[i+1]
				p.problem(r.row, "reading", fmt.Sprintf("读数 %s 大于 %s 换表时旧表的最终读数 %s，请核对", fmtReading(r.value), next.on, fmtReading(next.final)),
					fmt.Sprintf("Reading %s is above the old meter's final reading %s when it was replaced on %s; please check it.", fmtReading(r.value), fmtReading(next.final), next.on))
				bad[r.row] = true
			} else if i+1 < len(rs) && !rs[i+1].repl && r.value > rs[i+1].value && rs[i+1].row == 0 {
				next := rs[i+1]
				p.problem(r.row, "reading", fmt.Sprintf("读数 %s 大于该表之后 %s 的读数 %s，请核对", fmtReading(r.value), next.on, fmtReading(next.value)),
					fmt.Sprintf("Reading %s is above this meter's later reading of %s on %s; please check it.", fmtReading(r.value), fmtReading(next.value), next.on))
				bad[r.row] = true
			}
		}
	}
	readBy := ""
	if isStaff(p.actor) {
		readBy = p.actor.Id
	}
	for _, n := range news {
		if bad[n.row.N] {
			continue
		}
		p.create(n.row.N, "meter_readings", map[string]any{"unit": n.unit, "meter": n.row.Str("meter"),
			"read_on": n.row.Str("read_on"), "reading": n.row.Float("reading"), "read_by": readBy})
	}
	return nil
}
