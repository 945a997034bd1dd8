package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// rates are the fixed request rates of the actor kinds; the soak keeps them
// constant so that latency can be compared from one window to the next.
type rates struct {
	residentActions float64       // resident page loads per second, all residents together
	residentRepair  time.Duration // a resident files a repair this often (someone, somewhere)
	residentFile    time.Duration // a resident files a complaint this often
	deskBoard       time.Duration // the dispatch board is re-read this often
	deskIntake      time.Duration // the desk takes a call this often
	deskRevisit     time.Duration // the revisit queue is worked this often
	techTick        time.Duration // a technician acts this often
	cashierTick     time.Duration
	supervisorTick  time.Duration
}

var defaultRates = rates{
	residentActions: 45,
	residentRepair:  12 * time.Second,
	residentFile:    15 * time.Second,
	deskBoard:       2 * time.Second,
	deskIntake:      6 * time.Second,
	deskRevisit:     5 * time.Second,
	techTick:        time.Second,
	cashierTick:     2 * time.Second,
	supervisorTick:  5 * time.Second,
}

// every calls f each d until ctx ends, starting at a random phase so that
// actors of one kind do not fire together. A call that overruns its period
// drops the ticks it missed (time.Ticker), as a person would.
func every(ctx context.Context, wg *sync.WaitGroup, d time.Duration, f func(ctx context.Context, tick int)) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(rand.Int64N(int64(d)))):
		}
		t := time.NewTicker(d)
		defer t.Stop()
		for tick := 0; ; tick++ {
			f(ctx, tick)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func pick[T any](s []T) T { return s[rand.IntN(len(s))] }

func chance(p float64) bool { return rand.Float64() < p }

// run starts every actor; they stop when ctx ends.
func (w *world) run(ctx context.Context, wg *sync.WaitGroup, r rates) {
	per := time.Duration(float64(len(w.residents)) / r.residentActions * float64(time.Second))
	for _, res := range w.residents {
		every(ctx, wg, per, res.browse(w))
	}
	every(ctx, wg, r.residentRepair, func(ctx context.Context, _ int) { pick(w.residents).fileRepair(ctx, w) })
	every(ctx, wg, r.residentFile, func(ctx context.Context, _ int) { pick(w.residents).fileComplaint(ctx) })
	d := &desk{w: w, c: w.desk}
	every(ctx, wg, r.deskBoard, d.board)
	every(ctx, wg, r.deskIntake, d.intake)
	every(ctx, wg, r.deskRevisit, d.revisit)
	for _, t := range w.techs {
		every(ctx, wg, r.techTick, (&tech{w: w, c: t}).tick)
	}
	every(ctx, wg, r.cashierTick, (&cashier{w: w, c: w.cashier}).tick)
	every(ctx, wg, r.supervisorTick, w.supervise)
}

// --- residents ------------------------------------------------------------

// browse is what a resident does in the portal: the home page's lists, the
// complaints, repairs, bills and notices pages, and the bell — one request
// a tick; a completed repair is signed off, a quote answered.
func (r *resident) browse(w *world) func(ctx context.Context, tick int) {
	return func(ctx context.Context, tick int) {
		unit := pick(r.units)
		me := q(r.id)
		var out list
		switch n := rand.IntN(100); {
		case n < 12:
			r.do(ctx, "resident.home.complaints", "GET", records("complaints", "page", "1", "perPage", "20", "filter", "resident = "+me, "sort", "-updated"), nil, nil)
		case n < 24:
			if _, err := r.do(ctx, "resident.home.orders", "GET", records("work_orders", "page", "1", "perPage", "20", "filter", "requester = "+me, "sort", "-updated", "expand", "service_item"), nil, &out); err == nil {
				r.followUp(ctx, w, out.Items)
			}
		case n < 30:
			r.do(ctx, "resident.home.renovations", "GET", records("renovations", "page", "1", "perPage", "20", "filter", "applicant = "+me, "sort", "-updated"), nil, nil)
		case n < 42:
			r.do(ctx, "resident.home.due", "GET", records("bills", "page", "1", "perPage", "1000", "skipTotal", "1",
				"filter", "unit = "+q(unit)+` && (status = "issued" || status = "partially_paid")`, "fields", "id,amount_fen,discount_fen,late_fee_fen,paid_fen"), nil, nil)
		case n < 52:
			r.do(ctx, "resident.home.notices", "GET", records("notices", "page", "1", "perPage", "3", "filter", "community = "+q(r.community), "sort", "-pinned,-published_at"), nil, nil)
		case n < 56:
			r.do(ctx, "resident.notices", "GET", records("notices", "page", "1", "perPage", "10", "filter", "community = "+q(r.community), "sort", "-pinned,-published_at"), nil, nil)
		case n < 66:
			r.do(ctx, "resident.bell", "GET", records("notifications", "page", "1", "perPage", "20", "filter", "recipient_resident = "+me+" && read = false", "sort", "-created"), nil, nil)
		case n < 74:
			r.do(ctx, "resident.complaints", "GET", records("complaints", "page", "1", "perPage", "50", "filter", "resident = "+me, "sort", "-created"), nil, nil)
		case n < 84:
			if _, err := r.do(ctx, "resident.repairs", "GET", records("work_orders", "page", "1", "perPage", "50", "filter", "requester = "+me, "sort", "-created", "expand", "service_item"), nil, &out); err == nil {
				r.followUp(ctx, w, out.Items)
			}
		case n < 91:
			if _, err := r.do(ctx, "resident.bills", "GET", records("bills", "page", "1", "perPage", "1000", "skipTotal", "1",
				"filter", "unit = "+q(unit), "expand", "fee_item", "sort", "-period_start,serial"), nil, &out); err == nil && len(out.Items) > 0 {
				r.period = str(out.Items[0], "period")
			}
		case n < 96:
			r.do(ctx, "resident.payments", "GET", records("payments", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", "unit = "+q(unit), "sort", "-created,-serial"), nil, nil)
		default:
			if r.period != "" {
				r.do(ctx, "resident.statement", "GET", withQuery("/api/wuye/statements/"+unit, "period", r.period), nil, nil)
			} else {
				r.do(ctx, "resident.calendar", "GET", fmt.Sprintf("/api/wuye/calendar/%d", time.Now().In(shanghai).Year()), nil, nil)
			}
		}
	}
}

// followUp answers what the resident's list shows waiting for them: a
// completed repair to sign off (now and then asking for rework), a quote to
// accept (or, rarely, to decline by cancelling).
func (r *resident) followUp(ctx context.Context, w *world, orders []map[string]any) {
	for _, o := range orders {
		if str(o, "requester") != r.id {
			continue
		}
		switch str(o, "status") {
		case "completed":
			body := map[string]any{"status": "signed_off", "signoff": "confirmed", "satisfaction": pick([]string{"satisfied", "satisfied", "basic"})}
			action := "resident.signoff"
			if chance(0.1) {
				body["signoff"], body["satisfaction"], action = "rework", "unsatisfied", "resident.rework"
			}
			if _, err := r.do(ctx, action, "PATCH", recordURL("work_orders", str(o, "id")), body, nil); err == nil {
				w.m.did(action)
			}
			return
		case "quoted":
			body, action := map[string]any{"status": "in_progress"}, "resident.accept_quote"
			if chance(0.1) {
				body, action = map[string]any{"status": "cancelled", "cancel_reason": "价格太高，不修了"}, "resident.decline_quote"
			}
			if _, err := r.do(ctx, action, "PATCH", recordURL("work_orders", str(o, "id")), body, nil); err == nil {
				w.m.did(action)
			}
			return
		}
	}
}

var repairTexts = []string{"厨房水龙头一直滴水", "卫生间灯不亮了", "入户门锁打不开", "下水道堵了", "插座没电", "空调不制冷，需要清洗", "木门关不上"}

func (r *resident) fileRepair(ctx context.Context, w *world) {
	body := map[string]any{"unit": pick(r.units), "description": pick(repairTexts) + "（soak）"}
	if len(w.items) > 0 && chance(0.6) {
		it := pick(w.items)
		body["service_item"], body["category"] = str(it, "id"), str(it, "category")
	} else {
		body["category"] = pick(w.skillList())
	}
	if _, err := r.do(ctx, "resident.file_repair", "POST", records("work_orders"), body, nil); err == nil {
		w.m.did("resident.file_repair")
	}
}

var complaintTexts = []string{"楼道灯坏了好几天", "小区垃圾没有及时清运", "晚上有人在楼下喧哗", "绿化带被占用停车", "快递经常丢失", "电梯里有异味"}

func (r *resident) fileComplaint(ctx context.Context) {
	body := map[string]any{"unit": pick(r.units), "category": pick([]string{"security", "cleaning", "greening", "engineering", "mail", "other"}),
		"content": pick(complaintTexts) + "（soak）"}
	if _, err := r.do(ctx, "resident.file_complaint", "POST", records("complaints"), body, nil); err == nil {
		r.m.did("resident.file_complaint")
	}
}

// --- front desk -------------------------------------------------------------

type desk struct {
	w     *world
	c     *client
	techs []map[string]any
}

var boardStatuses = []string{"new", "dispatched", "accepted", "on_site", "quoted", "in_progress"}

const boardExpand = "unit.building,building,service_item"

// board reads the dispatch board as desk.js does and dispatches what is new
// to a technician of the trade (now and then to the pool), and confirms the
// quotes of orders taken at the desk.
func (d *desk) board(ctx context.Context, tick int) {
	c := q(d.w.community)
	if tick%15 == 0 || d.techs == nil {
		var techs list
		if _, err := d.c.do(ctx, "desk.techs", "GET", records("staff", "page", "1", "perPage", "1000", "skipTotal", "1",
			"filter", `role = "technician" && active = true && communities.id ?= `+c, "sort", "name", "fields", "id,name,skills"), nil, &techs); err == nil {
			d.techs = techs.Items
		}
	}
	filter := "community = " + c + " && ("
	for i, s := range boardStatuses {
		if i > 0 {
			filter += " || "
		}
		filter += `status = "` + s + `"`
	}
	filter += ")"
	var board list
	if _, err := d.c.do(ctx, "desk.board", "GET", records("work_orders", "page", "1", "perPage", "1000", "skipTotal", "1",
		"filter", filter, "sort", "received_at", "expand", boardExpand), nil, &board); err != nil {
		return
	}
	d.w.m.mu.Lock()
	d.w.m.board = len(board.Items)
	d.w.m.mu.Unlock()
	load := map[string]int{}
	for _, o := range board.Items {
		if t := str(o, "technician"); t != "" {
			load[t]++
		}
	}
	done := 0
	for _, o := range board.Items {
		if done >= 3 {
			break
		}
		switch str(o, "status") {
		case "new":
			done++
			d.dispatch(ctx, o, load)
		case "quoted":
			if str(o, "requester") == "" { // the caller agreed on the phone
				done++
				if _, err := d.c.do(ctx, "desk.confirm_quote", "PATCH", recordURL("work_orders", str(o, "id"), "expand", boardExpand), map[string]any{"status": "in_progress"}, nil); err == nil {
					d.w.m.did("desk.confirm_quote")
				}
			}
		}
	}
}

func (d *desk) dispatch(ctx context.Context, o map[string]any, load map[string]int) {
	var fit []map[string]any
	for _, t := range d.techs {
		if slices.Contains(strs(t, "skills"), str(o, "category")) {
			fit = append(fit, t)
		}
	}
	url := recordURL("work_orders", str(o, "id"), "expand", boardExpand)
	if len(fit) == 0 {
		if _, err := d.c.do(ctx, "desk.cancel", "PATCH", url, map[string]any{"status": "cancelled", "cancel_reason": "本小区没有这个工种的师傅，已转外包"}, nil); err == nil {
			d.w.m.did("desk.cancel")
		}
		return
	}
	if len(fit) > 1 && chance(0.2) {
		if _, err := d.c.do(ctx, "desk.pool", "PATCH", url, map[string]any{"status": "dispatched", "dispatch_mode": "pool"}, nil); err == nil {
			d.w.m.did("desk.pool")
		}
		return
	}
	slices.SortFunc(fit, func(a, b map[string]any) int { return load[str(a, "id")] - load[str(b, "id")] })
	t := str(fit[0], "id")
	if _, err := d.c.do(ctx, "desk.dispatch", "PATCH", url, map[string]any{"status": "dispatched", "dispatch_mode": "assign", "technician": t}, nil); err == nil {
		load[t]++
		d.w.m.did("desk.dispatch")
	}
}

// intake takes a call: finds the unit as the intake screen does, reads what
// the desk sees about it, and sometimes registers a work order or a complaint.
func (d *desk) intake(ctx context.Context, tick int) {
	w := d.w
	u := pick(w.units)
	if _, err := d.c.do(ctx, "desk.search", "GET", records("units", "page", "1", "perPage", "30",
		"filter", "community = "+q(w.community)+" && building.code = "+q(u.building)+" && number = "+q(u.number), "expand", "building"), nil, nil); err != nil {
		return
	}
	f := "unit = " + q(u.id)
	d.c.do(ctx, "desk.unit", "GET", recordURL("units", u.id, "expand", "building"), nil, nil)
	d.c.do(ctx, "desk.unit.residents", "GET", records("unit_residents", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+" && active = true", "expand", "resident"), nil, nil)
	d.c.do(ctx, "desk.unit.bills", "GET", records("bills", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+` && (status = "issued" || status = "partially_paid")`, "fields", "id,amount_fen,discount_fen,late_fee_fen,paid_fen"), nil, nil)
	d.c.do(ctx, "desk.unit.complaints", "GET", records("complaints", "page", "1", "perPage", "20", "filter", f+` && status != "closed" && status != "invalid"`, "sort", "-received_at"), nil, nil)
	d.c.do(ctx, "desk.unit.orders", "GET", records("work_orders", "page", "1", "perPage", "20", "filter", f+` && status != "closed" && status != "cancelled"`, "sort", "-received_at", "expand", "service_item"), nil, nil)
	contact := ""
	if rs := w.unitResident[u.id]; len(rs) > 0 {
		contact = rs[0]
	}
	switch n := rand.IntN(10); {
	case n < 4:
		body := map[string]any{"community": w.community, "unit": u.id, "category": pick(append(w.skillList(), "office")),
			"kind": "routine", "description": pick(repairTexts) + "（来电，soak）", "contact_name": "来电住户", "contact_phone": "13800138000"}
		if contact != "" {
			body["requester"] = contact
		}
		if _, err := d.c.do(ctx, "desk.file_repair", "POST", records("work_orders"), body, nil); err == nil {
			w.m.did("desk.file_repair")
		}
	case n < 6:
		body := map[string]any{"community": w.community, "unit": u.id, "channel": pick([]string{"phone", "visit"}), "category": pick([]string{"security", "cleaning", "engineering", "other"}),
			"level": "general", "content": pick(complaintTexts) + "（来电，soak）", "contact_name": "来电住户", "contact_phone": "13800138000"}
		if contact != "" {
			body["resident"] = contact
		}
		if _, err := d.c.do(ctx, "desk.file_complaint", "POST", records("complaints"), body, nil); err == nil {
			w.m.did("desk.file_complaint")
		}
	}
}

// revisit works the revisit queue: signed-off orders are revisited by
// phone, revisited ones closed.
func (d *desk) revisit(ctx context.Context, tick int) {
	c := q(d.w.community)
	d.c.do(ctx, "desk.revisit.complaints", "GET", records("complaints", "page", "1", "perPage", "1000", "skipTotal", "1",
		"filter", "community = "+c+` && (status = "replied" || status = "revisited")`, "sort", "replied_at", "expand", "unit.building,building"), nil, nil)
	var orders list
	if _, err := d.c.do(ctx, "desk.revisit.orders", "GET", records("work_orders", "page", "1", "perPage", "1000", "skipTotal", "1",
		"filter", "community = "+c+` && (status = "signed_off" || status = "revisited")`, "sort", "signed_off_at", "expand", "unit.building,building,service_item,technician"), nil, &orders); err != nil {
		return
	}
	done := 0
	for _, o := range orders.Items {
		if done >= 2 {
			return
		}
		id := str(o, "id")
		switch str(o, "status") {
		case "signed_off":
			done++
			if _, err := d.c.do(ctx, "desk.revisit", "PATCH", recordURL("work_orders", id), map[string]any{"status": "revisited", "revisit_method": "phone", "satisfaction": "satisfied", "revisit_note": "电话回访，满意"}, nil); err == nil {
				d.w.m.did("desk.revisit")
			}
		case "revisited":
			done++
			if _, err := d.c.do(ctx, "desk.close", "PATCH", recordURL("work_orders", id), map[string]any{"status": "closed"}, nil); err == nil {
				d.w.m.did("desk.close")
			}
		}
	}
}

// --- technicians ----------------------------------------------------------------

type tech struct {
	w     *world
	c     *client
	queue []map[string]any
	pool  []map[string]any
}

const fieldExpand = "unit.building,community,building,service_item"

// tick re-reads the queue and the pool every third tick, as the field app
// does after a realtime message, and otherwise takes the next step of one order.
func (t *tech) tick(ctx context.Context, tick int) {
	if tick%3 == 0 {
		t.load(ctx)
		return
	}
	if len(t.pool) > 0 {
		o := t.pool[0]
		t.pool = t.pool[1:]
		// Both technicians of a trade may try: one wins, the other is refused.
		if _, err := t.c.do(ctx, "tech.claim", "PATCH", recordURL("work_orders", str(o, "id"), "expand", fieldExpand), map[string]any{"status": "accepted", "technician": t.c.id}, nil); err == nil {
			t.w.m.did("tech.claim")
		}
		return
	}
	for i, o := range t.queue {
		body, action := t.next(o)
		if body == nil {
			continue
		}
		var saved map[string]any
		var err error
		path := recordURL("work_orders", str(o, "id"), "expand", fieldExpand)
		if action == "tech.signoff" {
			fields := map[string]string{}
			for k, v := range body {
				fields[k] = fmt.Sprint(v)
			}
			_, err = t.c.multipart(ctx, action, "PATCH", path, fields, "signature", "signature.png", signaturePNG, &saved)
		} else {
			_, err = t.c.do(ctx, action, "PATCH", path, body, &saved)
		}
		if err == nil {
			t.w.m.did(action)
			t.queue[i] = saved
		} else {
			t.queue = slices.Delete(t.queue, i, i+1) // stale: the next load tells
		}
		return
	}
}

// next is the step a technician takes on o, or nil when it waits for
// someone else (a quote for the resident, a sign-off).
func (t *tech) next(o map[string]any) (map[string]any, string) {
	switch str(o, "status") {
	case "dispatched":
		return map[string]any{"status": "accepted"}, "tech.accept"
	case "accepted":
		return map[string]any{"status": "on_site"}, "tech.arrive"
	case "on_site":
		if str(o, "kind") != "routine" && str(o, "quote_confirmed_at") == "" {
			return map[string]any{"status": "quoted", "quote_fen": 6000, "quote_note": "人工费"}, "tech.quote"
		}
		return map[string]any{"status": "in_progress"}, "tech.start"
	case "in_progress":
		body := map[string]any{"status": "completed"}
		if chance(0.3) {
			body["materials"] = []map[string]any{{"name": "生料带", "qty": 1, "price_fen": 300}}
		}
		if str(o, "kind") != "routine" && chance(0.3) {
			body["payment"] = "paid_on_site"
		}
		return body, "tech.complete"
	case "completed":
		// The resident signs off in the portal; the technician's screen is
		// for callers without an account, or a resident who has not done so
		// within a minute.
		done, _ := time.Parse("2006-01-02 15:04:05.000Z", str(o, "completed_at"))
		if str(o, "requester") == "" || time.Since(done) > time.Minute {
			return map[string]any{"status": "signed_off", "signoff": "confirmed", "satisfaction": "satisfied"}, "tech.signoff"
		}
	}
	return nil, ""
}

func (t *tech) load(ctx context.Context) {
	var queue, pool list
	if _, err := t.c.do(ctx, "tech.queue", "GET", records("work_orders", "page", "1", "perPage", "1000", "skipTotal", "1",
		"filter", "technician = "+q(t.c.id)+` && status != "closed" && status != "cancelled"`, "sort", "appointment_at,created", "expand", fieldExpand), nil, &queue); err != nil {
		return
	}
	t.queue = queue.Items
	skills := strs(t.c.record, "skills")
	cats := ""
	for i, s := range skills {
		if i > 0 {
			cats += " || "
		}
		cats += "category = " + q(s)
	}
	if cats == "" {
		t.pool = nil
		return
	}
	if _, err := t.c.do(ctx, "tech.pool", "GET", records("work_orders", "page", "1", "perPage", "1000", "skipTotal", "1",
		"filter", `dispatch_mode = "pool" && status = "dispatched" && technician = "" && (`+cats+") && community = "+q(t.w.community), "sort", "created", "expand", fieldExpand), nil, &pool); err == nil {
		t.pool = pool.Items
	}
}

// --- cashier ----------------------------------------------------------------------

type cashier struct {
	w     *world
	c     *client
	bills []map[string]any
}

// tick alternates between reading the open bills and taking a small payment
// on one of them (looking at the unit first, as the cashier screen does);
// every tenth tick reads the day's cash close.
func (k *cashier) tick(ctx context.Context, tick int) {
	switch {
	case tick%10 == 9:
		k.c.do(ctx, "cashier.cash_close", "GET", withQuery("/api/wuye/cash-close", "day", today()), nil, nil)
	case tick%2 == 0 || len(k.bills) == 0:
		var open list
		if _, err := k.c.do(ctx, "cashier.open_bills", "GET", records("bills", "page", fmt.Sprint(1+rand.IntN(2)), "perPage", "40", "skipTotal", "1",
			"filter", "community = "+q(k.w.community)+` && (status = "issued" || status = "partially_paid")`, "sort", "due_on"), nil, &open); err == nil {
			k.bills = open.Items
		}
	default:
		b := pick(k.bills)
		owed := num(b, "amount_fen") - num(b, "discount_fen") + num(b, "late_fee_fen") - num(b, "paid_fen")
		if owed <= 0 {
			return
		}
		unit := str(b, "unit")
		f := "unit = " + q(unit)
		k.c.do(ctx, "cashier.unit.residents", "GET", records("unit_residents", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+" && active = true", "expand", "resident"), nil, nil)
		k.c.do(ctx, "cashier.unit.bills", "GET", records("bills", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f+` && (status = "issued" || status = "partially_paid")`, "expand", "fee_item", "sort", "period_start"), nil, nil)
		k.c.do(ctx, "cashier.unit.payments", "GET", records("payments", "page", "1", "perPage", "1000", "skipTotal", "1", "filter", f, "expand", "received_by", "sort", "-created"), nil, nil)
		amount := min(owed, int64(100+rand.IntN(400)))
		body := map[string]any{"unit": unit, "amount_fen": amount, "method": pick([]string{"cash", "card", "wechat"}),
			"payer_name": "业主", "bills": []string{str(b, "id")}, "note": "soak"}
		if _, err := k.c.do(ctx, "cashier.payment", "POST", records("payments"), body, nil); err == nil {
			k.w.m.did("cashier.payment")
			b["paid_fen"] = num(b, "paid_fen") + amount
		}
	}
}

// --- supervisor -------------------------------------------------------------------

// supervise reads the dashboard's three statistics, as its page does.
func (w *world) supervise(ctx context.Context, tick int) {
	qs := []string{"community", w.community, "month", month()}
	for _, s := range []string{"dashboard", "complaints", "work-orders"} {
		w.supervisor.do(ctx, "supervisor."+s, "GET", withQuery("/api/stats/"+s, qs...), nil, nil)
	}
}
