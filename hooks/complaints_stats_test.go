package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// TestComplaintStatsOnAKnownFixture files a month of complaints in 银杏苑
// (which has no demo complaints) at fixed times and checks every figure
// against answers worked out by hand.
func TestComplaintStatsOnAKnownFixture(t *testing.T) {
	app := testapp.New(t)
	sh := workcal.Shanghai
	desk := staffRec(t, app, "frontdesk.yx@example.com")
	sup := staffRec(t, app, "supervisor.yx@example.com")
	at := func(tm time.Time) func() { return hooks.SetNow(func() time.Time { return tm }) }
	mon := time.Date(2025, 3, 3, 9, 0, 0, 0, sh) // Monday: reply due Wed 5 Mar 09:00
	file := func(when time.Time, category string, extra map[string]any) *core.Record {
		defer at(when)()
		return fileComplaint(t, app, desk, "A-101", category, extra)
	}
	step := func(when time.Time, c *core.Record, to string, fields map[string]any) *core.Record {
		defer at(when)()
		c, err := hooks.AdvanceComplaint(app, c.Id, sup, to, fields)
		if err != nil {
			t.Fatalf("%s → %s: %v", c.GetString("serial"), to, err)
		}
		return c
	}
	assign := map[string]any{"handler": sup.Id}
	soon := mon.Add(time.Hour)

	// c1: answered on time, satisfied, closed.
	c1 := file(mon, "cleaning", nil)
	c1 = step(soon, c1, "assigned", assign)
	c1 = step(soon, c1, "processing", nil)
	c1 = step(soon, c1, "replied", map[string]any{"result": "ok"})
	c1 = step(soon, c1, "revisited", map[string]any{"satisfaction": "satisfied"})
	step(soon, c1, "closed", nil)
	// c2: first response on time, answer a week late, basically satisfied.
	c2 := file(mon, "cleaning", nil)
	c2 = step(soon, c2, "assigned", assign)
	c2 = step(soon, c2, "processing", nil)
	late := mon.AddDate(0, 0, 7)
	c2 = step(late, c2, "replied", map[string]any{"result": "ok"})
	step(late, c2, "revisited", map[string]any{"satisfaction": "basic"})
	// c3: a major one answered on time, unsatisfied at revisit: reopened.
	c3 := file(mon, "security", map[string]any{"level": "major"})
	c3 = step(soon, c3, "assigned", assign)
	c3 = step(soon, c3, "processing", nil)
	c3 = step(soon, c3, "replied", map[string]any{"result": "ok"})
	step(soon, c3, "revisited", map[string]any{"satisfaction": "unsatisfied"})
	// c4: invalid.
	step(soon, file(mon, "other", nil), "invalid", map[string]any{"invalid_reason": "非物业事项"})
	// c5: never answered.
	file(mon, "engineering", nil)
	// February and April complaints do not count in March.
	file(time.Date(2025, 2, 28, 23, 30, 0, 0, sh), "cleaning", nil)
	file(time.Date(2025, 4, 1, 0, 0, 0, 0, sh), "cleaning", nil)

	got, err := hooks.ComplaintStats(app, testapp.ID(t, "community:YX"), time.Date(2025, 3, 1, 0, 0, 0, 0, sh), time.Date(2025, 4, 15, 0, 0, 0, 0, sh))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(got)
	var s struct {
		Totals map[string]int `json:"totals"`
		ByCat  map[string]int `json:"by_category"`
		ByLvl  map[string]int `json:"by_level"`
		Valid  int            `json:"valid"`
		VR     float64        `json:"valid_rate"`
		FR     float64        `json:"first_response_rate"`
		OT     float64        `json:"on_time_rate"`
		SR     float64        `json:"satisfaction_rate"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"total": 5, "invalid": 1, "closed": 1, "first_response_due": 4, "first_response_on_time": 3,
		"reply_due": 4, "reply_on_time": 2, "revisited": 3, "satisfied": 1, "basic": 1, "unsatisfied": 1, "reopened": 1}
	for k, v := range want {
		if s.Totals[k] != v {
			t.Errorf("%s = %d, want %d", k, s.Totals[k], v)
		}
	}
	for k, v := range map[string]int{"cleaning": 2, "security": 1, "other": 1, "engineering": 1} {
		if s.ByCat[k] != v {
			t.Errorf("category %s = %d, want %d", k, s.ByCat[k], v)
		}
	}
	if s.ByLvl["general"] != 4 || s.ByLvl["major"] != 1 {
		t.Errorf("levels %v", s.ByLvl)
	}
	// valid 4/5; first responses 3 of 4 due (c5 never); answers on time 2
	// of 4 (c2 late, c5 unanswered); satisfaction (1 + 1) of 3.
	if s.Valid != 4 || s.VR != 0.8 || s.FR != 0.75 || s.OT != 0.5 || s.SR != 0.6667 {
		t.Errorf("valid %d, rates valid %v first %v on-time %v satisfaction %v", s.Valid, s.VR, s.FR, s.OT, s.SR)
	}

	// The route: the community's supervisor only.
	h := testapp.Handler(t, app)
	url := "/api/stats/complaints?community=" + testapp.ID(t, "community:YX") + "&month=2025-03"
	if code, body := testapp.Do(t, h, http.MethodGet, url, "", "supervisor.yx@example.com"); code != 200 || !strings.Contains(body, `"valid_rate":0.8`) {
		t.Errorf("supervisor: %d %s", code, body)
	}
	for _, who := range []string{"frontdesk.yx@example.com", "supervisor@example.com", "owner1@example.com", ""} {
		if code, _ := testapp.Do(t, h, http.MethodGet, url, "", who); code != 403 && code != 401 {
			t.Errorf("%q read the statistics: %d", who, code)
		}
	}
	if code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/complaints?community="+testapp.ID(t, "community:YX")+"&month=2025-13", "", "supervisor.yx@example.com"); code != 400 || !strings.Contains(body, "月份格式应为") {
		t.Errorf("bad month: %d %s", code, body)
	}
}
