package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
)

// [000] 管理员 4.6.1: the area manager visits the households of their area
// and records each visit (巡访记录); 3.10: the daily building patrol, a
// problem found passed on at once (发现问题及时协调相关部门处理) — here as a
// work order or complaint created with the visit; 4.6.2 and [003] 2.7.3:
// revisits. An area manager records visits in their own area only.
func TestVisits(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	mgr, mgr2 := "areamgr@example.com", "areamgr2@example.com"
	unit := testapp.ID(t, "unit:1-102") // building 1, area 1 (areamgr's)
	visit := `{"unit":"` + unit + `","kind":"door_to_door","purpose":"elderly_care","findings":"王阿姨独居，身体尚可，反映楼道灯暗"}`

	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records", visit, mgr2)
	expectBody(t, "another area's manager", code, resp, 400)
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records", visit, "frontdesk@example.com")
	if code == 200 {
		t.Fatalf("the desk recorded a visit: %s", resp)
	}
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records", visit, mgr)
	expectBody(t, "the area manager records a visit", code, resp, 200, `"community":"`+testapp.ID(t, "community:CH")+`"`,
		`"area":"`+testapp.ID(t, "area:一片区")+`"`, `"staff":"`+testapp.ID(t, "staff:"+mgr)+`"`, `"visited_at":"20`, `"follow_up":""`)
	first := recordID(t, resp)
	code, resp = testapp.Do(t, h, http.MethodPatch, "/api/collections/visits/records/"+first, `{"findings":"改写"}`, mgr)
	if code == 200 {
		t.Fatalf("a visit was changed: %s", resp)
	}

	// A finding that needs work: a work order in the same step, taken by the
	// area manager on the household's behalf.
	withOrder := `{"unit":"` + unit + `","kind":"door_to_door","purpose":"routine","findings":"厨房水龙头滴水",` +
		`"resident":"` + testapp.ID(t, "residents:owner2@example.com") + `","follow_up_kind":"work_order","follow_up_category":"plumbing"}`
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records", withOrder, mgr)
	expectBody(t, "a visit with a work order", code, resp, 200, `"follow_up_serial":"PG-`, `"contact_phone":"13800000004"`)
	v, _ := app.FindRecordById("visits", recordID(t, resp))
	o, err := app.FindRecordById("work_orders", v.GetString("follow_up"))
	if err != nil || o.GetString("receiver") != testapp.ID(t, "staff:"+mgr) || o.GetString("requester") != testapp.ID(t, "residents:owner2@example.com") ||
		o.GetString("description") != "厨房水龙头滴水" || o.GetString("status") != "new" {
		t.Fatalf("follow-up order %v %v", o, err)
	}
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records",
		`{"building":"`+testapp.ID(t, "building:CH-2")+`","kind":"building_patrol","purpose":"routine","findings":"2栋消防通道堆放杂物",`+
			`"contact_name":"王志强","contact_phone":"13900000004","follow_up_kind":"complaint","follow_up_category":"nope"}`, mgr)
	expectBody(t, "a follow-up of a known category", code, resp, 400, "wuye_visit_follow_up_category")
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records",
		`{"building":"`+testapp.ID(t, "building:CH-2")+`","kind":"building_patrol","purpose":"routine","findings":"2栋消防通道堆放杂物",`+
			`"follow_up_kind":"complaint","follow_up_category":"security"}`, mgr)
	expectBody(t, "a follow-up needs a contact", code, resp, 400, "wuye_visit_follow_up_contact")
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records",
		`{"building":"`+testapp.ID(t, "building:CH-2")+`","kind":"building_patrol","purpose":"routine","findings":"2栋消防通道堆放杂物",`+
			`"contact_name":"王志强","contact_phone":"13900000004","follow_up_kind":"complaint","follow_up_category":"security"}`, mgr)
	expectBody(t, "a building patrol raises a complaint", code, resp, 200, `"follow_up_serial":"TS-`, `"unit":""`)

	// Revisits point at the first visit of the same place.
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records",
		`{"unit":"`+unit+`","kind":"revisit","purpose":"elderly_care","findings":"楼道灯已修好"}`, mgr)
	expectBody(t, "a revisit names the first visit", code, resp, 400, "wuye_visit_revisit_of")
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","kind":"revisit","purpose":"elderly_care","findings":"x","revisit_of":"`+first+`"}`, mgr)
	expectBody(t, "of the same place", code, resp, 400, "wuye_visit_revisit_of")
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records",
		`{"unit":"`+unit+`","kind":"door_to_door","purpose":"routine","findings":"x","revisit_of":"`+first+`"}`, mgr)
	expectBody(t, "only a revisit points back", code, resp, 400, "wuye_visit_not_revisit")
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/visits/records",
		`{"unit":"`+unit+`","kind":"revisit","purpose":"elderly_care","findings":"楼道灯已修好","revisit_of":"`+first+`"}`, mgr)
	expectBody(t, "the revisit", code, resp, 200, `"revisit_of":"`+first+`"`)

	code, resp = testapp.Do(t, h, http.MethodGet, "/api/collections/visits/records?perPage=100", "", "tech1@example.com")
	if code == 200 && strings.Contains(resp, first) {
		t.Fatal("a technician reads visits")
	}
	code, resp = testapp.Do(t, h, http.MethodGet, "/api/collections/visits/records?perPage=100", "", "supervisor@example.com")
	expectBody(t, "the supervisor reads the visits", code, resp, 200, first)

	// The dashboard counts them, by visitor.
	d, err := hooks.Dashboard(app, testapp.ID(t, "community:CH"), clock.Now(), clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var mine *hooks.VisitCount
	for i := range d.VisitsByStaff {
		if d.VisitsByStaff[i].Staff == testapp.ID(t, "staff:"+mgr) {
			mine = &d.VisitsByStaff[i]
		}
	}
	if mine == nil || mine.Visits < 4 || mine.Revisits < 1 || mine.Patrols < 1 || mine.FollowUps < 2 || d.Report.Visits < 4 {
		t.Fatalf("visit counts %+v, report %d", mine, d.Report.Visits)
	}
}

// [000] 管理员 3.5 (对本楼宇住户当面咨询和投诉等事项进行处理) and 4.11.1 (当面或电话
// 受理业主/住户…的特约服务请求): an area manager takes a complaint or a
// paid-service request for a unit of their own area — and only there.
func TestAreaManagerTakesRequests(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	own, other := testapp.ID(t, "unit:1-102"), testapp.ID(t, "unit:3-P001")
	complaint := func(unit string) string {
		return `{"community":"` + ch + `","unit":"` + unit + `","contact_name":"王芳","contact_phone":"13800000004","channel":"onsite",` +
			`"category":"cleaning","content":"楼道垃圾未清"}`
	}
	order := func(unit string) string {
		return `{"community":"` + ch + `","unit":"` + unit + `","contact_name":"王芳","contact_phone":"13800000004",` +
			`"kind":"paid","category":"cleaning","description":"全屋保洁"}`
	}
	code, resp := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", complaint(own), "areamgr@example.com")
	expectBody(t, "a complaint in the manager's area", code, resp, 200, `"receiver":"`+testapp.ID(t, "staff:areamgr@example.com")+`"`)
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/work_orders/records", order(own), "areamgr@example.com")
	expectBody(t, "a paid-service request in the manager's area", code, resp, 200, `"kind":"paid"`)
	code, _ = testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", complaint(other), "areamgr@example.com")
	if code == 200 {
		t.Fatal("an area manager took a complaint outside their area")
	}
	code, _ = testapp.Do(t, h, http.MethodPost, "/api/collections/work_orders/records", order(other), "areamgr@example.com")
	if code == 200 {
		t.Fatal("an area manager took an order outside their area")
	}
	code, resp = testapp.Do(t, h, http.MethodPost, "/api/collections/work_orders/records", order(other), "areamgr2@example.com")
	expectBody(t, "the other area's manager takes it", code, resp, 200)
}

// The monthly service-center report counts the desk's registers from their
// collections; a register this database does not have counts 0, and one
// added later is counted without a change here.
func TestMonthlyReportDeskRegisters(t *testing.T) {
	app := testapp.New(t)
	ch := testapp.ID(t, "community:CH")
	d, err := hooks.Dashboard(app, ch, clock.Now(), clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	base := d.Report
	if _, err := app.FindCollectionByNameOrId("enquiries"); err != nil && base.Enquiries != 0 {
		t.Fatalf("enquiries without a register: %d", base.Enquiries)
	}
	// A register of the month: an incident now.
	incident := core.NewRecord(mustCol(t, app, "incidents"))
	incident.Load(map[string]any{"community": ch, "kind": "medical", "location": "1栋大堂", "description": "住户晕倒"})
	if err := hooks.ReportIncident(app, incident, staffRec(t, app, "frontdesk@example.com")); err != nil {
		t.Fatal(err)
	}
	// A register arriving later (as the desk's enquiries do, issue #21).
	if _, err := app.FindCollectionByNameOrId("enquiries"); err != nil {
		c := core.NewBaseCollection("enquiries")
		communities := mustCol(t, app, "communities")
		c.Fields.Add(&core.RelationField{Name: "community", CollectionId: communities.Id, MaxSelect: 1},
			&core.TextField{Name: "topic"}, &core.AutodateField{Name: "created", OnCreate: true})
		if err := app.Save(c); err != nil {
			t.Fatal(err)
		}
		e := core.NewRecord(c)
		e.Load(map[string]any{"community": ch, "topic": "停车费标准"})
		if err := app.Save(e); err != nil {
			t.Fatal(err)
		}
	}
	d, err = hooks.Dashboard(app, ch, clock.Now(), clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if d.Report.Incidents != base.Incidents+1 || d.Report.Enquiries < 1 {
		t.Fatalf("report %+v after %+v", d.Report, base)
	}
}
