package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"wuye/demo"
	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"

	"github.com/pocketbase/pocketbase/core"
)

// TestWorkOrderStatsOnAKnownFixture builds a month of orders in 银杏苑
// (no demo orders there) and checks each figure against hand-worked answers.
func TestWorkOrderStatsOnAKnownFixture(t *testing.T) {
	app := testapp.New(t)
	sh := workcal.Shanghai
	yx := testapp.ID(t, "community:YX")
	// 银杏苑 needs a plumber and a price list of its own.
	staffCol, _ := app.FindCollectionByNameOrId("staff")
	tech := core.NewRecord(staffCol)
	tech.SetEmail("tech.yx@example.com")
	tech.SetPassword("demo-pass-2026")
	tech.Set("name", "银杏苑师傅")
	tech.Set("phone", "13900000031")
	tech.Set("role", "technician")
	tech.Set("communities", []string{yx})
	tech.Set("skills", []string{"plumbing"})
	tech.Set("active", true)
	itemCol, _ := app.FindCollectionByNameOrId("service_items")
	paid, free := core.NewRecord(itemCol), core.NewRecord(itemCol)
	for r, f := range map[*core.Record]map[string]any{
		paid: {"code": "YX01", "name": "水龙头更换", "category": "plumbing", "kind": "paid", "price_fen": 3000},
		free: {"code": "YX02", "name": "公共区域维修", "category": "common_area", "kind": "routine"},
	} {
		r.Set("community", yx)
		r.Set("active", true)
		for k, v := range f {
			r.Set(k, v)
		}
	}
	for _, r := range []*core.Record{tech, paid, free} {
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	desk := staffRec(t, app, "frontdesk.yx@example.com")
	mon := time.Date(2025, 3, 3, 9, 0, 0, 0, sh)
	at := func(tm time.Time) func() { return hooks.SetNow(func() time.Time { return tm }) }
	file := func(when time.Time, item *core.Record) *core.Record {
		defer at(when)()
		col, _ := app.FindCollectionByNameOrId("work_orders")
		o := core.NewRecord(col)
		o.Set("unit", testapp.ID(t, "unit:A-101"))
		o.Set("service_item", item.Id)
		o.Set("description", "x")
		o.Set("contact_name", "钱进")
		o.Set("contact_phone", "13800000021")
		if err := hooks.FileWorkOrder(app, o, desk); err != nil {
			t.Fatal(err)
		}
		return o
	}
	step := func(when time.Time, o *core.Record, actor *core.Record, to string, fields map[string]any) *core.Record {
		defer at(when)()
		o, err := hooks.AdvanceWorkOrder(app, o.Id, actor, to, fields)
		if err != nil {
			t.Fatalf("%s: %v", to, err)
		}
		return o
	}
	appt := mon.Add(2 * time.Hour)
	finish := func(o *core.Record, replyAfter, arriveAfterAppt time.Duration, payment, signoff, method, satisfaction string) *core.Record {
		o = step(mon.Add(replyAfter), o, desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id, "appointment_at": appt})
		o = step(mon.Add(replyAfter), o, tech, "accepted", nil)
		o = step(appt.Add(arriveAfterAppt), o, tech, "on_site", nil)
		o = step(appt.Add(time.Hour), o, tech, "in_progress", nil)
		o = step(appt.Add(2*time.Hour), o, tech, "completed", map[string]any{"payment": payment, "pay_method": map[bool]string{true: "cash"}[payment == "paid_on_site"]})
		o = step(appt.Add(2*time.Hour), o, tech, "signed_off", map[string]any{"signoff": signoff, "signature": demo.SignatureFile()})
		if method != "" {
			o = step(appt.Add(3*time.Hour), o, desk, "revisited", map[string]any{"revisit_method": method, "satisfaction": satisfaction})
		}
		return o
	}
	// o1: paid 30 元 on site, replied in 10 min, on time, confirmed, home visit, satisfied.
	finish(file(mon, paid), 10*time.Minute, 0, "paid_on_site", "confirmed", "home_visit", "satisfied")
	// o2: paid 30 元 charged to the statement, replied late (20 min), arrived 10 min late, confirmed, phone, basic.
	finish(file(mon, paid), 20*time.Minute, 10*time.Minute, "unpaid", "confirmed", "phone", "basic")
	// o3: routine, replied in 5 min, arrived early, rework asked, phone revisit unsatisfied.
	finish(file(mon, free), 5*time.Minute, -10*time.Minute, "", "rework", "phone", "unsatisfied")
	// o4: cancelled before dispatch (replied never, but within its 15 minutes).
	step(mon.Add(5*time.Minute), file(mon, paid), desk, "cancelled", map[string]any{"cancel_reason": "住户取消"})
	// o3's rework is filed by the system when o3 is signed off: it is in
	// March too. Nothing else; a February order must not count.
	file(time.Date(2025, 2, 28, 23, 0, 0, 0, sh), paid)

	got, err := hooks.WorkOrderStats(app, yx, time.Date(2025, 3, 1, 0, 0, 0, 0, sh), time.Date(2025, 4, 15, 0, 0, 0, 0, sh))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(got)
	var s struct {
		Totals map[string]int64 `json:"totals"`
		ByKind map[string]int   `json:"by_kind"`
		Reply  float64          `json:"reply_rate"`
		Arr    float64          `json:"arrival_rate"`
		Rework float64          `json:"rework_rate"`
		Sat    float64          `json:"satisfaction_rate"`
		Home   float64          `json:"home_visit_share"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	// 5 orders in March: o1–o4 and o3's rework (routine). Replies: o1, o2,
	// o3 answered, o4 cancelled unanswered and the rework unanswered are past
	// their 15 minutes by April: 5 due, 2 on time (o1, o3). Arrivals: 3, one
	// on time. Sign-offs 3, one rework. Revisits 3: satisfied + basic = 2,
	// one home visit. Revenue: o1 3000 + o2 3000; unpaid 3000.
	want := map[string]int64{"total": 5, "cancelled": 1, "reply_due": 5, "reply_on_time": 2, "arrivals": 3, "arrivals_on_time": 1,
		"signed_off": 3, "reworked": 1, "revisited": 3, "satisfied": 1, "basic": 1, "home_visits": 1, "revenue_fen": 6000, "unpaid_fen": 3000}
	for k, v := range want {
		if s.Totals[k] != v {
			t.Errorf("%s = %d, want %d", k, s.Totals[k], v)
		}
	}
	if s.ByKind["paid"] != 3 || s.ByKind["routine"] != 2 {
		t.Errorf("by kind %v", s.ByKind)
	}
	if s.Reply != 0.4 || s.Arr != 0.3333 || s.Rework != 0.3333 || s.Sat != 0.6667 || s.Home != 0.3333 {
		t.Errorf("rates: reply %v arrival %v rework %v satisfaction %v home %v", s.Reply, s.Arr, s.Rework, s.Sat, s.Home)
	}
	h := testapp.Handler(t, app)
	url := "/api/stats/work-orders?community=" + yx + "&month=2025-03"
	if code, body := testapp.Do(t, h, http.MethodGet, url, "", "supervisor.yx@example.com"); code != 200 || !strings.Contains(body, `"reply_rate":0.4`) {
		t.Errorf("supervisor: %d %s", code, body)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, url, "", "frontdesk.yx@example.com"); code != 403 {
		t.Errorf("the desk read the statistics: %d", code)
	}
}
