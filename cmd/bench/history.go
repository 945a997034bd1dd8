package main

// The generated history: raw batched SQL, chronological like a real
// database that grew over two years, with the status mix that the flows
// and the cron jobs would have left (deadlines from the working calendar,
// overdue flags set where the jobs would have set them, so that no job
// finds work left over when the server starts).

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"wuye/hooks"
	"wuye/lib/serial"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// txn is the generator's write transaction, shared by its inserters (the
// write pool has one connection), committed every `every` rows.
type txn struct {
	db    *sql.DB
	tx    *sql.Tx
	rows  int
	every int
	users []*inserter
}

func (t *txn) begin() (*sql.Tx, error) {
	if t.tx == nil {
		tx, err := t.db.Begin()
		if err != nil {
			return nil, err
		}
		t.tx = tx
	}
	return t.tx, nil
}

func (t *txn) wrote(n int) error {
	t.rows += n
	if t.rows >= t.every {
		return t.commit()
	}
	return nil
}

func (t *txn) commit() error {
	if t.tx == nil {
		return nil
	}
	for _, u := range t.users {
		if u.stmt != nil {
			u.stmt.Close()
			u.stmt = nil
		}
	}
	err := t.tx.Commit()
	t.tx, t.rows = nil, 0
	return err
}

// inserter writes rows of one table with a prepared multi-row INSERT in
// the shared transaction.
type inserter struct {
	t     *txn
	table string
	cols  []string
	per   int
	stmt  *sql.Stmt
	buf   []any
	rows  int
}

// txn starts the shared transaction of a generation step.
func (g *gen) txn() *txn { return &txn{db: g.db, every: 50_000} }

func (t *txn) inserter(table string, cols ...string) *inserter {
	per := max(1, 1800/len(cols)) // stay well under SQLite's bound-variable limit
	w := &inserter{t: t, table: table, cols: cols, per: per}
	t.users = append(t.users, w)
	return w
}

func (w *inserter) sql(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(w.cols)), ",") + ")"
	return "INSERT INTO " + w.table + " (" + strings.Join(w.cols, ",") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

func (w *inserter) add(vals ...any) error {
	if len(vals) != len(w.cols) {
		panic(fmt.Sprintf("%s: %d values for %d columns", w.table, len(vals), len(w.cols)))
	}
	w.buf = append(w.buf, vals...)
	w.rows++
	if w.rows < w.per {
		return nil
	}
	tx, err := w.t.begin()
	if err != nil {
		return err
	}
	if w.stmt == nil {
		if w.stmt, err = tx.Prepare(w.sql(w.per)); err != nil {
			return err
		}
	}
	if _, err := w.stmt.Exec(w.buf...); err != nil {
		return fmt.Errorf("insert %s: %w", w.table, err)
	}
	n := w.rows
	w.buf, w.rows = w.buf[:0], 0
	return w.t.wrote(n)
}

// flush writes what is buffered.
func (w *inserter) flush() error {
	if w.rows == 0 {
		return nil
	}
	tx, err := w.t.begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec(w.sql(w.rows), w.buf...); err != nil {
		return fmt.Errorf("insert %s: %w", w.table, err)
	}
	w.buf, w.rows = w.buf[:0], 0
	return nil
}

// close flushes every inserter and commits.
func (t *txn) close() error {
	for _, u := range t.users {
		if err := u.flush(); err != nil {
			if t.tx != nil {
				t.tx.Rollback()
				t.tx = nil
			}
			return err
		}
	}
	return t.commit()
}

// withoutTriggers drops table's triggers while fn fills it and makes them
// again after; the summaries the triggers keep are rebuilt at the end (see
// analyze). The indexes stay and take each row as it goes in, as in a
// database that grew over two years: dropped during the load and made again
// after, they came out packed full, so that every create of the benchmarks
// split a leaf of each index on a random key (the unit's, the resident's,
// the building's …) and wrote four pages of it where a grown database
// writes one, more the fewer creates the copy had seen before (BENCHMARKS.md
// § Creates, session 17). datasetLayout names this.
func (g *gen) withoutTriggers(table string, fn func() error) error {
	rows, err := g.db.Query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", table)
	if err != nil {
		return err
	}
	var trig [][2]string
	for rows.Next() {
		var n, s string
		if err := rows.Scan(&n, &s); err != nil {
			rows.Close()
			return err
		}
		trig = append(trig, [2]string{n, s})
	}
	rows.Close()
	for _, t := range trig {
		if _, err := g.db.Exec("DROP TRIGGER " + t[0]); err != nil {
			return err
		}
	}
	if err := fn(); err != nil {
		return err
	}
	for _, t := range trig {
		if _, err := g.db.Exec(t[1]); err != nil {
			return fmt.Errorf("make trigger %s again: %w", t[0], err)
		}
	}
	return nil
}

// ---------------------------------------------------------------------
// helpers

const tsLayout = "2006-01-02 15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

// tsIf is ts(t) when t is set and not after now, else "".
func (g *gen) tsIf(t time.Time) string {
	if t.IsZero() || t.After(g.now) {
		return ""
	}
	return ts(t)
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

func (g *gen) id() string {
	var b [15]byte
	for i := range b {
		b[i] = idChars[g.rng.IntN(len(idChars))]
	}
	return string(b[:])
}

func (g *gen) token(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idChars[g.rng.IntN(len(idChars))]
	}
	return string(b)
}

// between is a uniform duration in [a, b).
func (g *gen) between(a, b time.Duration) time.Duration {
	return a + time.Duration(g.rng.Int64N(int64(b-a)))
}

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// pick chooses among weighted values.
func pick[T any](g *gen, values []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return values[i]
		}
		n -= w
	}
	return values[len(values)-1]
}

func (g *gen) serial(prefix string, at time.Time) string {
	day := serial.Day(at)
	k := [2]string{prefix, day}
	g.serials[k]++
	s, err := serial.Format(prefix, day, g.serials[k])
	if err != nil {
		panic(err)
	}
	return s
}

// times returns n instants spread uniformly over the history, in order.
func (g *gen) times(n int) []time.Time {
	from := g.now.AddDate(0, -historyMonths, 0)
	span := int64(g.now.Add(-time.Minute).Sub(from))
	out := make([]int64, n)
	for i := range out {
		out[i] = g.rng.Int64N(span)
	}
	slices.Sort(out)
	ts := make([]time.Time, n)
	for i, v := range out {
		ts[i] = from.Add(time.Duration(v))
	}
	return ts
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func phone(prefix string, i int) string { return fmt.Sprintf("%s%08d", prefix, i) }

// ---------------------------------------------------------------------
// registry: buildings, units, residents and their links, staff

var staffMix = []struct {
	role string
	n    int
}{
	{"technician", 70}, {"front_desk", 10}, {"area_manager", 10}, {"engineer", 10},
	{"security", 10}, {"cashier", 5}, {"supervisor", 4}, {"director", 1},
}

func (g *gen) registry() error {
	var hash string
	if err := g.db.QueryRow("SELECT password FROM residents WHERE email = 'owner1@example.com'").Scan(&hash); err != nil {
		return fmt.Errorf("demo password hash: %w", err)
	}
	created := ts(g.now.AddDate(-3, 0, 0))
	const perBuilding, perFloor = 100, 4
	nb := (g.sizes.Units + perBuilding - 1) / perBuilding
	t := g.txn()
	w := t.inserter("buildings", "id", "community", "area", "code", "name", "floors", "created", "updated")
	for i := range nb {
		id := fmt.Sprintf("bb%013d", i)
		g.buildings = append(g.buildings, id)
		if err := w.add(id, g.community, g.areas[i%len(g.areas)], fmt.Sprintf("G%03d", i+1), fmt.Sprintf("翠湖%d栋", i+10), perBuilding/perFloor, created, created); err != nil {
			return err
		}
	}
	uw := t.inserter("units", "id", "community", "building", "number", "floor", "type", "area_m2", "status",
		"handed_over_on", "renovation_registered_on", "moved_in_on", "created", "updated")
	rw := t.inserter("residents", "id", "email", "emailVisibility", "verified", "password", "tokenKey", "name", "phone", "created", "updated")
	lw := t.inserter("unit_residents", "id", "unit", "resident", "relation", "since", "until", "active", "created", "updated")
	for i := range g.sizes.Units {
		b := i / perBuilding
		floor := (i%perBuilding)/perFloor + 1
		u := genUnit{
			id: fmt.Sprintf("bu%013d", i), building: g.buildings[b], number: fmt.Sprintf("%d%02d", floor, i%perFloor+1),
			area:   math.Round((55+g.rng.Float64()*90)*100) / 100,
			status: pick(g, []string{"occupied", "renovating", "handed_over", "vacant"}, []int{80, 3, 9, 8}),
		}
		g.units = append(g.units, u)
		var handed, renovated, moved string
		if u.status != "vacant" {
			h := g.now.AddDate(-5, 0, 0).Add(g.between(0, 4*365*24*time.Hour))
			handed = h.Format(time.DateOnly)
			if u.status == "occupied" || u.status == "renovating" {
				renovated = h.Add(g.between(10*24*time.Hour, 200*24*time.Hour)).Format(time.DateOnly)
			}
			if u.status == "occupied" {
				moved = h.Add(g.between(200*24*time.Hour, 300*24*time.Hour)).Format(time.DateOnly)
			}
		}
		if err := uw.add(u.id, g.community, u.building, u.number, floor, "residential", u.area, u.status, handed, renovated, moved, created, created); err != nil {
			return err
		}
		rid := fmt.Sprintf("br%013d", i)
		g.residents = append(g.residents, rid)
		if err := rw.add(rid, fmt.Sprintf("r%05d%s", i, benchDomain), false, true, hash, g.token(50), fmt.Sprintf("住户%05d", i), phone("171", i), created, created); err != nil {
			return err
		}
		since := g.now.AddDate(-4, 0, 0).Format(time.DateOnly)
		if err := lw.add(fmt.Sprintf("bl%013d", i), u.id, rid, "owner", since, "", true, created, created); err != nil {
			return err
		}
	}
	sw := t.inserter("staff", "id", "email", "emailVisibility", "verified", "password", "tokenKey", "name", "phone", "role", "communities", "active", "skills", "created", "updated")
	communities, _ := json.Marshal([]string{g.community})
	trades := []string{"electrical", "plumbing", "carpentry", "appliance", "cleaning", "locksmith"}
	n := 0
	for _, m := range staffMix {
		for range m.n {
			id := fmt.Sprintf("bs%013d", n)
			skills := "[]"
			if m.role == "technician" {
				k := g.rng.Perm(len(trades))[:2]
				raw, _ := json.Marshal([]string{trades[k[0]], trades[k[1]]})
				skills = string(raw)
			}
			if err := sw.add(id, fmt.Sprintf("s%03d%s", n, benchDomain), false, true, hash, g.token(50), fmt.Sprintf("员工%03d", n), phone("172", n),
				m.role, string(communities), true, skills, created, created); err != nil {
				return err
			}
			g.staff[m.role] = append(g.staff[m.role], id)
			n++
		}
	}
	if err := t.close(); err != nil {
		return err
	}
	// The demo's desk and cashier take part in the history too.
	var desk, cashier string
	g.db.QueryRow("SELECT id FROM staff WHERE email = 'frontdesk@example.com'").Scan(&desk)
	g.db.QueryRow("SELECT id FROM staff WHERE email = 'cashier@example.com'").Scan(&cashier)
	g.staff["front_desk"] = append(g.staff["front_desk"], desk)
	g.cashiers = append(slices.Clone(g.staff["cashier"]), cashier, cashier, cashier)
	return nil
}

func (g *gen) anyStaff(role string) string {
	s := g.staff[role]
	return s[g.rng.IntN(len(s))]
}

// handler picks who handles a complaint of category.
func (g *gen) handler(category string) (string, string) {
	switch category {
	case "security":
		return g.anyStaff("security"), "security"
	case "engineering", "renovation":
		return g.anyStaff("engineer"), "engineering"
	case "cleaning", "greening":
		return g.anyStaff("area_manager"), category
	default:
		return g.anyStaff("front_desk"), "service_center"
	}
}

// ---------------------------------------------------------------------
// complaints

var complaintTexts = []string{
	"楼上住户深夜装修噪音扰民，已多次沟通无果", "地下车库照明灯坏了好几盏，晚上很暗", "单元门禁坏了，陌生人可以随意进出",
	"楼道垃圾没有及时清运，有异味", "小区绿化带杂草丛生，蚊虫很多", "电梯经常停运，老人上下楼很不方便",
	"快递被放在门口丢失，希望加强管理", "隔壁装修占用公共走道堆放材料", "前台工作人员态度不好", "雨天单元门口积水严重",
	"消防通道被私家车占用", "楼顶水箱疑似漏水，墙面发霉", "宠物狗在小区内随地大小便无人清理",
}

func (g *gen) complaints() error {
	return g.withoutTriggers("complaints", func() error {
		t := g.txn()
		w := t.inserter("complaints", "id", "serial", "community", "unit", "building", "location", "resident", "contact_name", "contact_phone",
			"channel", "category", "level", "content", "about_service_center", "status", "handler", "department", "receiver",
			"received_at", "first_response_due", "reply_due", "first_responded_at", "replied_at", "revisited_at", "closed_at",
			"result", "invalid_reason", "satisfaction", "revisit_note", "reopen_count", "first_response_overdue", "reply_overdue",
			"anonymous", "created", "updated")
		categories := []string{"security", "cleaning", "greening", "engineering", "mail", "renovation", "staff_attitude", "other"}
		for _, recv := range g.times(g.sizes.Complaints) {
			k := g.rng.IntN(len(g.units))
			u := g.units[k]
			unit, building, location := u.id, u.building, ""
			common := g.chance(0.08)
			if common {
				unit, location = "", "公共区域 "+strings.TrimPrefix(u.number, "")+" 附近"
			}
			portal := !common && g.chance(0.45)
			channel, resident, receiver := "portal", g.residents[k], ""
			if !portal {
				channel = pick(g, []string{"phone", "visit", "letter", "onsite"}, []int{70, 20, 3, 7})
				receiver = g.anyStaff("front_desk")
				if common || !g.chance(0.3) {
					resident = ""
				}
			}
			category := pick(g, categories, []int{15, 20, 8, 30, 4, 10, 5, 8})
			level := "general"
			if !portal {
				level = pick(g, []string{"general", "major", "collective", "hot"}, []int{93, 5, 1, 1})
			}
			aboutCenter := category == "staff_attitude" && g.chance(0.3)
			firstDue := g.cal.AddWorkingHours(recv, 24)
			replyDue := g.cal.AddWorkingDays(recv, 2)

			first := recv.Add(g.between(12*time.Minute, 20*time.Hour))
			if g.chance(0.1) {
				first = recv.Add(g.between(20*time.Hour, 60*time.Hour))
			}
			invalid := g.chance(0.04)
			processing := first.Add(g.between(0, 3*time.Hour))
			replied := processing.Add(g.between(2*time.Hour, 40*time.Hour))
			if g.chance(0.08) {
				replied = processing.Add(g.between(40*time.Hour, 6*24*time.Hour))
			}
			revisited := replied.Add(g.between(time.Hour, 3*24*time.Hour))
			closed := revisited.Add(g.between(30*time.Minute, 2*24*time.Hour))

			var status, handler, department, result, reason, satisfaction string
			var fr, rp, rv, cl time.Time
			reopen := 0
			switch {
			case invalid && !first.After(g.now):
				status, fr, cl, reason = "invalid", first, first, "经核实不属于物业服务范围"
			case invalid || first.After(g.now):
				status = "received"
			default:
				fr = first
				status = "assigned"
				handler, department = g.handler(category)
				if !processing.After(g.now) {
					status = "processing"
				}
				if !replied.After(g.now) {
					status, rp, result = "replied", replied, "已安排人员现场处理完毕，并电话告知住户"
				}
				if !revisited.After(g.now) {
					status, rv = "revisited", revisited
					satisfaction = pick(g, []string{"satisfied", "basic", "unsatisfied"}, []int{85, 12, 3})
					if satisfaction == "unsatisfied" {
						reopen = 1
					}
				}
				if !closed.After(g.now) {
					status, cl = "closed", closed
				}
			}
			end := rp
			if status == "invalid" {
				end = cl
			}
			if end.IsZero() {
				end = g.now
			}
			frEnd := fr
			if frEnd.IsZero() {
				frEnd = g.now
			}
			firstOverdue := firstDue.Before(frEnd)
			replyOverdue := replyDue.Before(end)
			resName, resPhone := fmt.Sprintf("住户%05d", k), phone("171", k)
			if err := w.add(g.id(), g.serial(serial.Complaint, recv), g.community, unit, building, location, resident, resName, resPhone,
				channel, category, level, complaintTexts[g.rng.IntN(len(complaintTexts))], aboutCenter, status, handler, department, receiver,
				ts(recv), ts(firstDue), ts(replyDue), g.tsIf(fr), g.tsIf(rp), g.tsIf(rv), g.tsIf(cl),
				result, reason, satisfaction, "", reopen, firstOverdue, replyOverdue,
				portal && g.chance(0.03), ts(recv), ts(latest(recv, fr, rp, rv, cl))); err != nil {
				return err
			}
		}
		return t.close()
	})
}

// ---------------------------------------------------------------------
// work orders

var orderTexts = []string{
	"客厅灯不亮", "厨房水龙头漏水", "卫生间下水道堵塞", "入户门锁打不开", "空调不制冷需要检修", "插座没电",
	"阳台推拉门卡住", "热水器打不着火", "马桶水箱一直流水", "窗户玻璃破损",
}

func (g *gen) workOrders() error {
	return g.withoutTriggers("work_orders", func() error {
		t := g.txn()
		w := t.inserter("work_orders", "id", "serial", "community", "unit", "building", "location", "requester", "contact_name", "contact_phone",
			"kind", "category", "service_item", "description", "appointment_at", "dispatch_mode", "technician", "receiver", "status",
			"received_at", "reply_due", "replied_at", "accepted_at", "arrived_at", "arrival", "quote_fen", "quote_confirmed_at",
			"materials_fen", "amount_fen", "started_at", "completed_at", "signoff", "signed_off_at", "payment", "paid_at",
			"revisit_method", "satisfaction", "revisited_at", "closed_at", "cancel_reason", "cancelled_at", "source",
			"reply_overdue", "revisit_overdue", "rework_round", "created", "updated")
		local := g.now.In(workcal.Shanghai)
		monthStart := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, workcal.Shanghai)
		revisitCronRan := local.Day() >= 10
		routineCats := []string{"electrical", "plumbing", "carpentry", "appliance", "locksmith", "common_area", "other"}
		techs := g.staff["technician"]
		for _, recv := range g.times(g.sizes.WorkOrders) {
			k := g.rng.IntN(len(g.units))
			u := g.units[k]
			unit, building, location := u.id, u.building, ""
			if g.chance(0.05) {
				unit, location = "", "公共区域 "+u.number+" 楼道"
			}
			portal := unit != "" && g.chance(0.4)
			requester, receiver := g.residents[k], ""
			if !portal {
				receiver = g.anyStaff("front_desk")
				if unit == "" || !g.chance(0.3) {
					requester = ""
				}
			}
			kind, category, item, estimate, price := "routine", routineCats[g.rng.IntN(len(routineCats))], "", false, 0
			if unit != "" && g.chance(0.6) {
				s := g.services[g.rng.IntN(len(g.services))]
				kind, category, item, estimate, price = s.kind, s.category, s.id, s.estimate, s.price
			}
			replyDue := recv.Add(15 * time.Minute)
			replied := recv.Add(g.between(time.Minute, 14*time.Minute))
			if g.chance(0.05) {
				replied = recv.Add(g.between(15*time.Minute, 90*time.Minute))
			}
			mode := pick(g, []string{"assign", "pool"}, []int{80, 20})
			accepted := replied.Add(g.between(time.Minute, 30*time.Minute))
			appointment := accepted.Add(g.between(20*time.Minute, 4*time.Hour))
			arrived := appointment.Add(g.between(-8*time.Minute, 6*time.Minute))
			arrival := "on_time"
			if d := arrived.Sub(appointment); d < -5*time.Minute {
				arrival = "early"
			} else if d > 2*time.Minute {
				arrival = "late"
			}
			started := arrived.Add(g.between(time.Minute, 20*time.Minute))
			var quoteConfirmed time.Time
			if estimate {
				quoteConfirmed = arrived.Add(g.between(5*time.Minute, 30*time.Minute))
				started = quoteConfirmed.Add(g.between(time.Minute, 10*time.Minute))
			}
			completed := started.Add(g.between(20*time.Minute, 3*time.Hour))
			signedOff := completed.Add(g.between(time.Minute, 10*time.Minute))
			if g.chance(0.15) {
				signedOff = completed.Add(g.between(time.Hour, 2*24*time.Hour))
			}
			revisited := signedOff.Add(g.between(12*time.Hour, 3*24*time.Hour))
			closed := revisited.Add(g.between(0, 24*time.Hour))
			cancelled := g.chance(0.03)
			cancelAt := recv.Add(g.between(5*time.Minute, 24*time.Hour))

			var status, technician, signoff, payment, revisitMethod, satisfaction, cancelReason, arrivalV string
			var rp, ac, ar, qc, st, co, so, pa, rv, cl, ca, appt time.Time
			quote, amount := 0, 0
			payment = "none"
			status = "new"
			if cancelled && !cancelAt.After(g.now) {
				status, ca, cancelReason = "cancelled", cancelAt, "住户取消"
			} else if !replied.After(g.now) {
				status, rp = "dispatched", replied
				if mode == "assign" {
					technician = techs[g.rng.IntN(len(techs))]
				}
				if !accepted.After(g.now) {
					status, ac, appt = "accepted", accepted, appointment
					technician = techs[g.rng.IntN(len(techs))]
				}
				if !arrived.After(g.now) {
					status, ar, arrivalV = "on_site", arrived, arrival
					if estimate {
						status, quote = "quoted", 5000+g.rng.IntN(30000)
					}
				}
				if estimate && !quoteConfirmed.After(g.now) {
					qc = quoteConfirmed
				}
				if !started.After(g.now) {
					status, st = "in_progress", started
				}
				if !completed.After(g.now) {
					status, co = "completed", completed
					if kind != "routine" {
						if quote == 0 {
							quote = price
						}
						amount = quote + pick(g, []int{0, 500, 1200, 3000}, []int{60, 20, 15, 5})
						payment = pick(g, []string{"paid_on_site", "billed", "unpaid"}, []int{70, 20, 10})
						if payment == "paid_on_site" {
							pa = completed
						}
					}
				}
				if !signedOff.After(g.now) {
					status, so, signoff = "signed_off", signedOff, pick(g, []string{"confirmed", "rework"}, []int{99, 1})
				}
				if !revisited.After(g.now) {
					status, rv = "revisited", revisited
					revisitMethod = pick(g, []string{"phone", "home_visit"}, []int{93, 7})
					satisfaction = pick(g, []string{"satisfied", "basic", "unsatisfied"}, []int{90, 8, 2})
				}
				if !closed.After(g.now) {
					status, cl = "closed", closed
				}
			}
			if kind != "routine" && !estimate && item != "" {
				quote = price
				qc = recv
			}
			repliedEnd := rp
			if repliedEnd.IsZero() {
				repliedEnd = g.now
				if !ca.IsZero() {
					repliedEnd = ca
				}
			}
			replyOverdue := replyDue.Before(repliedEnd)
			revisitOverdue := (status == "completed" || status == "signed_off") && revisitCronRan && co.Before(monthStart)
			if !rv.IsZero() && rv.Sub(co) > 20*24*time.Hour {
				revisitOverdue = true
			}
			name, ph := fmt.Sprintf("住户%05d", k), phone("171", k)
			if err := w.add(g.id(), g.serial(serial.WorkOrder, recv), g.community, unit, building, location, requester, name, ph,
				kind, category, item, orderTexts[g.rng.IntN(len(orderTexts))], g.tsIf(appt), mode, technician, receiver, status,
				ts(recv), ts(replyDue), g.tsIf(rp), g.tsIf(ac), g.tsIf(ar), arrivalV, quote, g.tsIf(qc),
				0, amount, g.tsIf(st), g.tsIf(co), signoff, g.tsIf(so), payment, g.tsIf(pa),
				revisitMethod, satisfaction, g.tsIf(rv), g.tsIf(cl), cancelReason, g.tsIf(ca), "request",
				replyOverdue, revisitOverdue, 0, ts(recv), ts(latest(recv, rp, ac, ar, qc, st, co, so, rv, cl, ca))); err != nil {
				return err
			}
		}
		return t.close()
	})
}

// ---------------------------------------------------------------------
// bills and payments

func quarterStart(t time.Time) time.Time {
	t = t.In(workcal.Shanghai)
	return time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, workcal.Shanghai)
}

func quarterCode(t time.Time) string {
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

func (g *gen) bills() error {
	return g.withoutTriggers("bills", func() error {
		return g.withoutTriggers("payments", g.billsAndPayments)
	})
}

func (g *gen) billsAndPayments() error {
	t := g.txn()
	bw := t.inserter("bills", "id", "serial", "community", "unit", "fee_item", "period", "period_start", "period_end", "payer",
		"amount_fen", "paid_fen", "due_on", "status", "basis", "created", "updated")
	pw := t.inserter("payments", "id", "serial", "community", "unit", "amount_fen", "method", "payer_name", "bills", "allocations",
		"received_by", "created", "updated")
	perQuarter := len(g.units) * len(g.feeItems)
	quarters := (g.sizes.Bills + perQuarter - 1) / perQuarter
	cur := quarterStart(g.now)
	type alloc struct {
		Bill      string `json:"bill"`
		AmountFen int    `json:"amount_fen"`
	}
	made := 0
	for q := quarters - 1; q >= 0 && made < g.sizes.Bills; q-- { // oldest first
		start := cur.AddDate(0, -3*q, 0)
		end := start.AddDate(0, 3, -1)
		period := quarterCode(start)
		issued := start.Add(2 * time.Hour)
		if issued.After(g.now) {
			issued = g.now.Add(-time.Hour)
		}
		due := start.AddDate(0, 0, 9)
		for i, u := range g.units {
			if made >= g.sizes.Bills {
				break
			}
			var behaviour string
			switch {
			case q == 0:
				behaviour = pick(g, []string{"paid", "partial", "owed"}, []int{60, 3, 37})
			case q == 1:
				behaviour = pick(g, []string{"paid", "partial", "owed"}, []int{90, 2, 8})
			default:
				behaviour = pick(g, []string{"paid", "partial", "owed"}, []int{965, 10, 25})
			}
			paidAt := due.Add(g.between(-9*24*time.Hour, 60*24*time.Hour))
			if paidAt.After(g.now) {
				paidAt = issued.Add(g.between(0, g.now.Sub(issued)))
			}
			var ids []string
			var allocs []alloc
			total := 0
			for j, f := range g.feeItems {
				if made >= g.sizes.Bills {
					break
				}
				amount := f.price
				basis := map[string]any{"fee_item": f.code}
				if f.basis == "per_m2_month" {
					amount = int(math.Round(u.area * float64(f.price) * 3))
					basis["area_m2"], basis["months"] = u.area, 3
				}
				id := g.id()
				paid, status, updated := 0, "issued", issued
				switch {
				case behaviour == "paid":
					paid, status, updated = amount, "paid", paidAt
				case behaviour == "partial" && j == 0:
					paid, status, updated = amount/2, "partially_paid", paidAt
				}
				if paid > 0 {
					ids = append(ids, id)
					allocs = append(allocs, alloc{id, paid})
					total += paid
				}
				rawBasis, _ := json.Marshal(basis)
				if err := bw.add(id, g.serial(serial.Bill, issued), g.community, u.id, f.id, period, start.Format(time.DateOnly), end.Format(time.DateOnly),
					g.residents[i], amount, paid, due.Format(time.DateOnly), status, string(rawBasis), ts(issued), ts(updated)); err != nil {
					return err
				}
				made++
			}
			if total == 0 {
				continue
			}
			method := pick(g, []string{"wechat", "alipay", "cash", "card", "transfer"}, []int{45, 30, 10, 8, 7})
			by := ""
			if method == "cash" || method == "card" || method == "transfer" {
				by = g.cashiers[g.rng.IntN(len(g.cashiers))]
			}
			rawIDs, _ := json.Marshal(ids)
			rawAllocs, _ := json.Marshal(allocs)
			if err := pw.add(g.id(), g.serial(serial.Receipt, paidAt), g.community, u.id, total, method, fmt.Sprintf("住户%05d", i),
				string(rawIDs), string(rawAllocs), by, ts(paidAt), ts(paidAt)); err != nil {
				return err
			}
		}
	}
	return t.close()
}

// serialCounters sets the day counters past the history's serials, so that
// new documents continue the day's numbering without a clash.
func (g *gen) serialCounters() error {
	tx, err := g.db.Begin()
	if err != nil {
		return err
	}
	stmt, err := tx.Prepare("INSERT INTO _wuye_serials (prefix, day, last) VALUES (?, ?, ?) ON CONFLICT (prefix, day) DO UPDATE SET last = max(last, excluded.last)")
	if err != nil {
		tx.Rollback()
		return err
	}
	defer stmt.Close()
	for k, n := range g.serials {
		if _, err := stmt.Exec(k[0], k[1], n); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// analyze fills the summaries the triggers keep (they were off during the
// load) and the residents' places the link hooks keep (the links went in as
// raw rows), and gathers the planner's statistics as Wuye's nightly maintenance
// does (hooks.OptimizeDB: every grown table, in full).
func (g *gen) analyze() error {
	if err := migrations.RebuildSummaries(g.app); err != nil {
		return err
	}
	if err := migrations.RebuildResidentPlaces(g.app); err != nil {
		return err
	}
	for _, q := range []string{hooks.DBOptimizePragma, "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := g.db.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}
