package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// The anonymous complainant's details in these tests: none of them may reach
// the desk or an area manager.
const (
	anonName  = "匿名测试人"
	anonPhone = "13911112222"
	openPhone = "13933334444" // the same resident's complaint that is not anonymous
)

// listItems decodes a records list.
func listItems(t testing.TB, body string) []map[string]any {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return page.Items
}

func itemWithID(items []map[string]any, id string) map[string]any {
	for _, it := range items {
		if it["id"] == id {
			return it
		}
	}
	return nil
}

// fileAnonymous files owner1's anonymous complaint and a second, open one
// that differs only in its phone, and returns both.
func fileAnonymous(t testing.TB, app core.App) (anon, open *core.Record) {
	t.Helper()
	owner := residentRec(t, app, "owner1@example.com")
	anon = fileComplaint(t, app, owner, "1-101", "cleaning", map[string]any{
		"anonymous": true, "contact_name": anonName, "contact_phone": anonPhone, "content": "楼道长期堆放杂物"})
	open = fileComplaint(t, app, owner, "1-101", "cleaning", map[string]any{
		"contact_name": "公开测试人", "contact_phone": openPhone, "content": "楼道灯不亮"})
	if !anon.GetBool("anonymous") || open.GetBool("anonymous") {
		t.Fatalf("anonymous stored as %v and %v", anon.GetBool("anonymous"), open.GetBool("anonymous"))
	}
	return anon, open
}

func TestAnonymousComplaintHidesTheComplainant(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	owner := testapp.ID(t, "residents:owner1@example.com")

	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
		`{"unit":"`+unit+`","category":"cleaning","content":"楼道长期堆放杂物","contact_name":"`+anonName+`","contact_phone":"`+anonPhone+`","anonymous":true}`,
		"owner1@example.com")
	if code != 200 {
		t.Fatalf("owner1 files an anonymous complaint: %d %s", code, body)
	}
	var filed map[string]any
	_ = json.Unmarshal([]byte(body), &filed)
	id, _ := filed["id"].(string)
	if filed["anonymous"] != true || filed["contact_phone"] != anonPhone {
		t.Fatalf("the complainant's own answer: %s", body)
	}
	want := map[string]any{"resident": owner, "unit": unit, "contact_name": anonName, "contact_phone": anonPhone}

	// shows reports whether who sees the complainant in r; it must be all
	// or nothing.
	shows := func(who, what string, r map[string]any) bool {
		t.Helper()
		if r == nil {
			t.Fatalf("%s: %s does not have the complaint", who, what)
		}
		n := 0
		for f, v := range want {
			if got, ok := r[f]; ok {
				if got != v {
					t.Errorf("%s: %s has %s = %v, want %v", who, what, f, got, v)
				}
				n++
			}
		}
		expand, _ := r["expand"].(map[string]any)
		if (n == len(want)) != (expand["resident"] != nil && expand["unit"] != nil) {
			t.Errorf("%s: %s shows %d of the complainant's fields but expands %v", who, what, n, expand)
		}
		if n != 0 && n != len(want) {
			t.Errorf("%s: %s shows %d of %d of the complainant's fields", who, what, n, len(want))
		}
		return n == len(want)
	}
	view := func(who string) map[string]any {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records/"+id+"?expand=resident,unit", "", who)
		if code != 200 {
			t.Fatalf("%s views the complaint: %d %s", who, code, body)
		}
		if strings.Contains(body, anonPhone) != strings.Contains(body, anonName) {
			t.Errorf("%s: the phone and the name are not both shown or both hidden: %s", who, body)
		}
		var r map[string]any
		_ = json.Unmarshal([]byte(body), &r)
		return r
	}
	list := func(who string) map[string]any {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records?perPage=500&expand=resident,unit", "", who)
		if code != 200 {
			t.Fatalf("%s lists complaints: %d %s", who, code, body)
		}
		return itemWithID(listItems(t, body), id)
	}
	for _, who := range []string{"frontdesk@example.com", "areamgr@example.com"} {
		if shows(who, "the view", view(who)) || shows(who, "the list", list(who)) {
			t.Errorf("%s learns who filed the anonymous complaint", who)
		}
	}
	for _, who := range []string{"supervisor@example.com", "director@example.com", "owner1@example.com"} {
		if !shows(who, "the view", view(who)) || !shows(who, "the list", list(who)) {
			t.Errorf("%s does not see who filed the complaint", who)
		}
	}

	// The desk assigns it, without learning more from the answer; the
	// handler then sees whom to call back.
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+id+"?expand=resident",
		`{"status":"assigned","handler":"`+testapp.ID(t, "staff:tech1@example.com")+`"}`, "frontdesk@example.com")
	if code != 200 || strings.Contains(body, anonPhone) || strings.Contains(body, owner) {
		t.Fatalf("the desk assigns the anonymous complaint: %d %s", code, body)
	}
	if !shows("tech1 (the handler)", "the view", view("tech1@example.com")) {
		t.Error("the handler does not see whom to call back")
	}
	if shows("frontdesk", "the view after assigning", view("frontdesk@example.com")) {
		t.Error("the desk sees the complainant once the complaint is assigned")
	}

	// Its timeline: the desk reads the steps, not who took the first one.
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/events/records?expand=actor_resident&filter="+url.QueryEscape(`subject_id = "`+id+`"`), "", "frontdesk@example.com")
	if items := listItems(t, body); len(items) < 2 || strings.Contains(body, owner) || strings.Contains(body, unit) {
		t.Errorf("the desk reads the complainant in the timeline: %s", body)
	}
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/events/records?filter="+url.QueryEscape(`subject_id = "`+id+`"`), "", "supervisor@example.com")
	if !strings.Contains(body, `"actor_resident":"`+owner+`"`) {
		t.Errorf("the supervisor does not see who filed it in the timeline: %s", body)
	}
}

func TestAnonymousComplaintCannotBeSearchedFor(t *testing.T) {
	app := testapp.New(t)
	anon, open := fileAnonymous(t, app)
	if _, err := hooks.AdvanceComplaint(app, anon.Id, staffRec(t, app, "frontdesk@example.com"), "assigned",
		map[string]any{"handler": staffRec(t, app, "tech1@example.com").Id}); err != nil {
		t.Fatal(err)
	}
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	owner := testapp.ID(t, "residents:owner1@example.com")

	// finds lists complaints as who with query and reports which of anon
	// and open it returns; refused (400) is finding neither.
	finds := func(who, query string) (gotAnon, gotOpen bool) {
		t.Helper()
		code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records?perPage=500&"+query, "", who)
		if code == 400 {
			return false, false
		}
		if code != 200 {
			t.Fatalf("%s lists with %s: %d %s", who, query, code, body)
		}
		items := listItems(t, body)
		var total struct {
			TotalItems int `json:"totalItems"`
		}
		_ = json.Unmarshal([]byte(body), &total)
		if total.TotalItems != len(items) {
			t.Errorf("%s with %s: totalItems %d for %d items", who, query, total.TotalItems, len(items))
		}
		return itemWithID(items, anon.Id) != nil, itemWithID(items, open.Id) != nil
	}
	f := func(filter string) string { return "filter=" + url.QueryEscape(filter) }
	for _, c := range []struct {
		name, who, query   string
		wantAnon, wantOpen bool
	}{
		{"the desk searches the anonymous phone", "frontdesk@example.com", f(`contact_phone = "` + anonPhone + `"`), false, false},
		{"the desk searches the open phone", "frontdesk@example.com", f(`contact_phone = "` + openPhone + `"`), false, true},
		{"the desk searches by part of the phone", "frontdesk@example.com", f(`contact_phone ~ "1391111"`), false, false},
		{"the desk lists the unit's complaints", "frontdesk@example.com", f(`unit = "` + unit + `"`), false, true},
		{"the desk searches by the resident's name", "frontdesk@example.com", f(`resident.name = "李明"`), false, true},
		{"the desk searches by the contact name", "areamgr@example.com", f(`contact_name = "` + anonName + `"`), false, false},
		{"the desk sorts by phone", "frontdesk@example.com", "sort=" + url.QueryEscape("-contact_phone"), false, true},
		{"the desk lists without naming the complainant", "frontdesk@example.com", f(`category = "cleaning"`), true, true},
		{"a guard-escaping comment", "frontdesk@example.com", f("contact_phone = \"" + anonPhone + "\" && id = \"" + anon.Id + "\" // ) || (id = \"\""), false, false},
		{"the supervisor searches the anonymous phone", "supervisor@example.com", f(`contact_phone = "` + anonPhone + `"`), true, false},
		{"the handler searches the anonymous phone", "tech1@example.com", f(`contact_phone = "` + anonPhone + `"`), true, false},
	} {
		if gotAnon, gotOpen := finds(c.who, c.query); gotAnon != c.wantAnon || gotOpen != c.wantOpen {
			t.Errorf("%s: finds the anonymous one %v (want %v), the open one %v (want %v)", c.name, gotAnon, c.wantAnon, gotOpen, c.wantOpen)
		}
	}

	// Reaching the complainant through another record is refused for the
	// desk (whatever the data), and works for the supervisor.
	for _, c := range []struct{ name, url string }{
		{"residents by their complaints", "/api/collections/residents/records?filter=" + url.QueryEscape(`complaints_via_resident.id ?= "`+anon.Id+`"`)},
		{"units by their complaints", "/api/collections/units/records?filter=" + url.QueryEscape(`complaints_via_unit.id ?= "`+anon.Id+`"`)},
		{"residents by the events they acted in", "/api/collections/residents/records?filter=" + url.QueryEscape(`events_via_actor_resident.subject_id ?= "`+anon.Id+`"`)},
		{"notes by their complaint's phone", "/api/collections/complaint_notes/records?filter=" + url.QueryEscape(`complaint.contact_phone = "`+anonPhone+`"`)},
		{"complaints expanded through their hot group", "/api/collections/complaints/records?expand=hot_group.resident"},
		{"residents expanded with their complaints", "/api/collections/residents/records?expand=complaints_via_resident"},
	} {
		code, body := testapp.Do(t, h, http.MethodGet, c.url, "", "frontdesk@example.com")
		if code != 400 || strings.Contains(body, owner) {
			t.Errorf("the desk reaches the complainant through %s: %d %s", c.name, code, body)
		}
		if code, body := testapp.Do(t, h, http.MethodGet, c.url, "", "supervisor@example.com"); code != 200 {
			t.Errorf("the supervisor lists %s: %d %s", c.name, code, body)
		}
	}
	code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/residents/records?filter="+url.QueryEscape(`complaints_via_resident.id ?= "`+anon.Id+`"`), "", "supervisor@example.com")
	if code != 200 || !strings.Contains(body, owner) {
		t.Errorf("the supervisor finds the complainant: %d %s", code, body)
	}

	// The timeline searched by resident or unit leaves complaints out for
	// the desk; the supervisor finds the anonymous one there.
	for _, filter := range []string{`resident = "` + owner + `"`, `actor_resident = "` + owner + `"`, `unit = "` + unit + `"`} {
		q := "/api/collections/events/records?perPage=500&filter=" + url.QueryEscape(filter)
		if _, body := testapp.Do(t, h, http.MethodGet, q, "", "frontdesk@example.com"); strings.Contains(body, anon.Id) {
			t.Errorf("the desk finds the anonymous complaint's events by %s", filter)
		}
		if _, body := testapp.Do(t, h, http.MethodGet, q, "", "supervisor@example.com"); !strings.Contains(body, anon.Id) {
			t.Errorf("the supervisor does not find the complaint's events by %s", filter)
		}
	}
}

func TestAnonymityIsSetOnceAtIntake(t *testing.T) {
	app := testapp.New(t)
	anon, open := fileAnonymous(t, app)
	// The desk takes a caller's anonymous complaint: its receiver sees the
	// caller, the area manager does not.
	byPhone := fileComplaint(t, app, staffRec(t, app, "frontdesk@example.com"), "1-102", "greening", map[string]any{
		"anonymous": true, "contact_name": anonName, "contact_phone": anonPhone})
	h := testapp.Handler(t, app)
	for who, want := range map[string]bool{"frontdesk@example.com": true, "areamgr@example.com": false, "supervisor@example.com": true} {
		_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records/"+byPhone.Id, "", who)
		if !strings.Contains(body, `"anonymous":true`) || strings.Contains(body, anonPhone) != want {
			t.Errorf("%s views the desk's anonymous intake (want the phone %v): %s", who, want, body)
		}
	}

	patch := func(c *core.Record, who, body string) (int, string) {
		return testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+c.Id, body, who)
	}
	for _, who := range []string{"owner1@example.com", "frontdesk@example.com", "supervisor@example.com", "director@example.com", "root@example.com"} {
		if code, body := patch(anon, who, `{"anonymous":false}`); code != 400 {
			t.Errorf("%s made the complaint open: %d %s", who, code, body)
		}
		if code, body := patch(open, who, `{"anonymous":true}`); code != 400 {
			t.Errorf("%s made the complaint anonymous: %d %s", who, code, body)
		}
	}
	// The desk may not write what it may not read: a write that succeeds
	// only for a wrong guess would confirm a right one.
	for _, body := range []string{
		`{"contact_phone":"` + anonPhone + `"}`, `{"contact_phone":"13900000000"}`,
		`{"unit":"` + testapp.ID(t, "unit:1-101") + `"}`, `{"unit":"` + testapp.ID(t, "unit:1-102") + `"}`,
		`{"resident":"` + testapp.ID(t, "residents:owner1@example.com") + `"}`, `{"contact_name":"x"}`,
	} {
		if code, resp := patch(anon, "frontdesk@example.com", body); code != 400 {
			t.Errorf("the desk writes %s: %d %s", body, code, resp)
		}
	}
	// It still keeps the complaint's classification up to date.
	if code, body := patch(anon, "frontdesk@example.com", `{"category":"security"}`); code != 200 || strings.Contains(body, anonPhone) {
		t.Errorf("the desk reclassifies the anonymous complaint: %d %s", code, body)
	}
	for _, c := range []struct {
		r    *core.Record
		anon bool
	}{{anon, true}, {open, false}} {
		stored, err := app.FindRecordById("complaints", c.r.Id)
		if err != nil {
			t.Fatal(err)
		}
		if stored.GetBool("anonymous") != c.anon || stored.GetString("contact_phone") != c.r.GetString("contact_phone") ||
			stored.GetString("unit") != c.r.GetString("unit") || stored.GetString("contact_name") != c.r.GetString("contact_name") {
			t.Errorf("complaint %s changed: anonymous %v, %s %s %s", c.r.GetString("content"), stored.GetBool("anonymous"),
				stored.GetString("contact_name"), stored.GetString("contact_phone"), stored.GetString("unit"))
		}
	}
}

func TestAnonymousComplaintRealtime(t *testing.T) {
	app := testapp.New(t)
	if _, err := apis.NewRouter(app); err != nil { // binds the realtime broadcast hooks
		t.Fatal(err)
	}
	anon, _ := fileAnonymous(t, app)
	subscribe := func(email, topic string, query map[string]string) *subscriptions.DefaultClient {
		auth, err := app.FindAuthRecordByEmail("staff", email)
		if err != nil {
			t.Fatal(err)
		}
		if query != nil {
			opts, _ := json.Marshal(map[string]any{"query": query})
			topic += "?options=" + url.QueryEscape(string(opts))
		}
		c := subscriptions.NewDefaultClient()
		c.Set(apis.RealtimeClientAuthKey, auth)
		c.Subscribe(topic)
		app.SubscriptionsBroker().Register(c)
		return c
	}
	byPhone := map[string]string{"filter": `contact_phone = "` + anonPhone + `"`}
	desk := subscribe("frontdesk@example.com", "complaints/*", nil)
	deskSearch := subscribe("frontdesk@example.com", "complaints/*", byPhone)
	deskExpand := subscribe("frontdesk@example.com", "complaints/*", map[string]string{"expand": "resident"})
	supervisorSearch := subscribe("supervisor@example.com", "complaints/*", byPhone)

	messages := func(c *subscriptions.DefaultClient) []string {
		var out []string
		deadline := time.After(500 * time.Millisecond)
		for {
			select {
			case msg := <-c.Channel():
				if strings.Contains(string(msg.Data), anon.Id) {
					out = append(out, string(msg.Data))
				}
			case <-deadline:
				return out
			}
		}
	}
	if _, err := hooks.AdvanceComplaint(app, anon.Id, staffRec(t, app, "frontdesk@example.com"), "assigned",
		map[string]any{"handler": staffRec(t, app, "tech1@example.com").Id}); err != nil {
		t.Fatal(err)
	}
	owner := testapp.ID(t, "residents:owner1@example.com")
	for name, c := range map[string]*subscriptions.DefaultClient{"the desk": desk, "the desk expanding the resident": deskExpand} {
		got := messages(c)
		if len(got) == 0 {
			t.Errorf("%s was not told of the change", name)
		}
		for _, m := range got {
			if strings.Contains(m, anonPhone) || strings.Contains(m, owner) || strings.Contains(m, anonName) {
				t.Errorf("%s was told who complained: %s", name, m)
			}
		}
	}
	if got := messages(deskSearch); len(got) != 0 {
		t.Errorf("the desk's search by phone was told of the anonymous complaint: %v", got)
	}
	if got := messages(supervisorSearch); len(got) == 0 {
		t.Error("the supervisor's search by phone was not told of the complaint")
	}
}
