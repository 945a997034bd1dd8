package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/demo"
	"wuye/internal/testapp"
)

// Issue #20 item 1: the registry kept in the staff workspace
// (hooks/registry_screens.go, docs/DESIGN.md § Registry). The archive is
// kept at the desk and its changes are the supervisor's ([000] 前台 3.6;
// [000] 助理 3.9: staffing is the office's): the supervisor and the director
// of the community write it, every other role and every resident is
// refused, and each change is an event naming who made it.

// registryWrite is one write the registry screens make.
type registryWrite struct {
	name, method, url, body string
	// created: the collection a create adds to (to find its event).
	created string
	// id: the record an update changes.
	id string
}

func registryWrites(t *testing.T, n int) []registryWrite {
	ch := testapp.ID(t, "community:CH")
	manager, resident := "staff:areamgr@example.com", "residents:family1@example.com"
	if n%2 == 0 {
		manager, resident = "staff:areamgr2@example.com", "residents:owner2@example.com"
	}
	return []registryWrite{
		{name: "community", method: http.MethodPatch, id: ch, url: "/api/collections/communities/records/" + ch,
			body: fmt.Sprintf(`{"phone":"023-6788%04d"}`, n)},
		{name: "area", method: http.MethodPost, created: "areas", url: "/api/collections/areas/records",
			body: fmt.Sprintf(`{"community":%q,"name":"三片区%d"}`, ch, n)},
		{name: "area manager", method: http.MethodPatch, id: testapp.ID(t, "area:二片区"),
			url:  "/api/collections/areas/records/" + testapp.ID(t, "area:二片区"),
			body: fmt.Sprintf(`{"manager":%q}`, testapp.ID(t, manager))},
		{name: "building", method: http.MethodPost, created: "buildings", url: "/api/collections/buildings/records",
			body: fmt.Sprintf(`{"community":%q,"code":"T%d","name":"%d栋","floors":18}`, ch, n, n)},
		{name: "unit", method: http.MethodPost, created: "units", url: "/api/collections/units/records",
			body: fmt.Sprintf(`{"building":%q,"number":"T%d","floor":2,"type":"residential","area_m2":90.5,"status":"vacant"}`, testapp.ID(t, "building:CH-1"), n)},
		{name: "unit status", method: http.MethodPatch, id: testapp.ID(t, "unit:1-103"), url: "/api/collections/units/records/" + testapp.ID(t, "unit:1-103"),
			body: fmt.Sprintf(`{"area_m2":91.%d}`, n+1)},
		{name: "parking space", method: http.MethodPost, created: "parking_spaces", url: "/api/collections/parking_spaces/records",
			body: fmt.Sprintf(`{"community":%q,"code":"T-%d","holding":"owned","unit":%q,"plate":"渝D0000%d"}`, ch, n, testapp.ID(t, "unit:1-104"), n)},
		{name: "link", method: http.MethodPost, created: "unit_residents", url: "/api/collections/unit_residents/records",
			body: fmt.Sprintf(`{"unit":%q,"resident":%q,"relation":"family","since":"2026-01-0%d"}`, testapp.ID(t, "unit:1-104"), testapp.ID(t, resident), n+1)},
	}
}

func TestRegistryWritesByRole(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	callers := []struct {
		email string
		may   bool
	}{
		{"frontdesk@example.com", false}, {"areamgr@example.com", false}, {"cashier@example.com", false},
		{"owner1@example.com", false}, {"supervisor.yx@example.com", false},
		{"supervisor@example.com", true}, {"director@example.com", true},
	}
	for i, c := range callers {
		for _, w := range registryWrites(t, i) {
			before, _ := app.CountRecords("events")
			code, body := doAs(t, h, w.method, w.url, w.body, c.email)
			after, _ := app.CountRecords("events")
			if !c.may {
				if code < 400 || code >= 500 || after != before {
					t.Errorf("%s writes %s: %d %s (events %d → %d)", c.email, w.name, code, first1(body), before, after)
				}
				continue
			}
			if code != http.StatusOK {
				t.Errorf("%s writes %s: %d %s", c.email, w.name, code, body)
				continue
			}
			var rec struct{ Id string }
			json.Unmarshal([]byte(body), &rec)
			action := "update' || action = 'status"
			if w.created != "" {
				action = "create"
			}
			ev, err := app.FindFirstRecordByFilter("events", "subject_id = {:s} && (action = '"+action+"') && actor_staff = {:w}",
				dbx.Params{"s": rec.Id, "w": testapp.ID(t, "staff:"+c.email)})
			if err != nil {
				t.Errorf("%s writes %s: no %s event naming them", c.email, w.name, action)
				continue
			}
			if w.created != "" && ev.GetString("subject_collection") != w.created {
				t.Errorf("%s: event about %s", w.name, ev.GetString("subject_collection"))
			}
		}
	}
}

// A parking space is unassigned, owned or leased by a household of its
// community; its code is unique there ([000] 收费员 4.2: parking is billed
// per space; docs/DESIGN.md § Registry). Bad input names the field in
// Chinese and changes nothing; a space is never deleted; every change is an
// event (a holding change as from → to).
func TestParkingSpaceRules(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, u101 := testapp.ID(t, "community:CH"), testapp.ID(t, "unit:1-101")
	uYX := testapp.ID(t, "unit:A-101")
	for _, c := range []struct{ name, body, field, message string }{
		{"unassigned with a unit", `{"code":"X1","holding":"unassigned","unit":"` + u101 + `"}`, "unit", "未分配的车位不能填写"},
		{"owned without a unit", `{"code":"X2","holding":"owned"}`, "unit", "需要选择使用的房屋"},
		{"leased without an end", `{"code":"X3","holding":"leased","unit":"` + u101 + `"}`, "lease_until", "需要填写租期截止日期"},
		{"owned with a lease end", `{"code":"X4","holding":"owned","unit":"` + u101 + `","lease_until":"2027-01-01"}`, "lease_until", "产权车位没有租期"},
		{"another community's unit", `{"code":"X5","holding":"owned","unit":"` + uYX + `"}`, "unit", "属于另一个小区"},
		{"a code taken", `{"code":"B1-01","holding":"unassigned"}`, "code", "本小区已有车位编号 B1-01"},
		{"a negative fee", `{"code":"X6","holding":"unassigned","monthly_fee_fen":-5}`, "monthly_fee_fen", ""},
	} {
		before, _ := app.CountRecords("parking_spaces")
		body := strings.Replace(c.body, "{", `{"community":"`+ch+`",`, 1)
		code, out := doAs(t, h, http.MethodPost, "/api/collections/parking_spaces/records", body, "supervisor@example.com")
		after, _ := app.CountRecords("parking_spaces")
		if code != http.StatusBadRequest || !strings.Contains(out, `"`+c.field+`"`) || !strings.Contains(out, c.message) || after != before {
			t.Errorf("%s: %d %s", c.name, code, out)
		}
	}
	// A leased space: created, then let to the household of 1-101 → event.
	code, out := doAs(t, h, http.MethodPost, "/api/collections/parking_spaces/records",
		`{"community":"`+ch+`","code":"B1-99","holding":"unassigned"}`, "director@example.com")
	expectBody(t, "create a space", code, out, 200)
	var sp struct{ Id string }
	json.Unmarshal([]byte(out), &sp)
	code, out = doAs(t, h, http.MethodPatch, "/api/collections/parking_spaces/records/"+sp.Id,
		`{"holding":"leased","unit":"`+u101+`","lease_until":"2027-12-31","monthly_fee_fen":30000}`, "supervisor@example.com")
	expectBody(t, "lease it", code, out, 200)
	ev, err := app.FindFirstRecordByFilter("events", "subject_id = {:s} && action = 'status'", dbx.Params{"s": sp.Id})
	if err != nil || ev.GetString("from") != "unassigned" || ev.GetString("to") != "leased" || ev.GetString("unit") != u101 {
		t.Errorf("the holding change is not recorded: %v %v", ev, err)
	}
	// Its community never changes; nobody deletes it.
	code, out = doAs(t, h, http.MethodPatch, "/api/collections/parking_spaces/records/"+sp.Id,
		`{"community":"`+testapp.ID(t, "community:YX")+`"}`, "director@example.com")
	if code < 400 || code >= 500 {
		t.Errorf("moved to another community: %d %s", code, out)
	}
	code, out = doAs(t, h, http.MethodDelete, "/api/collections/parking_spaces/records/"+sp.Id, "", "director@example.com")
	if code < 400 || code >= 500 {
		t.Errorf("deleted: %d %s", code, out)
	}
	// The household reads its spaces, the front desk reads all of its
	// community, another community's staff none.
	// What each should read, counted from the data: a household the spaces
	// of the units it currently lives in, staff those of their community.
	count := func(sql string, params dbx.Params) int {
		var n int
		if err := app.DB().NewQuery(sql).Bind(params).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	ofHousehold := func(email string) int {
		return count(`SELECT COUNT(*) FROM parking_spaces p WHERE p.unit IN (SELECT l.unit FROM unit_residents l
			WHERE l.resident = {:r} AND l.active = TRUE)`, dbx.Params{"r": testapp.ID(t, "residents:"+email)})
	}
	ofCommunity := func(code string) int {
		return count(`SELECT COUNT(*) FROM parking_spaces WHERE community = {:c}`, dbx.Params{"c": testapp.ID(t, "community:"+code)})
	}
	for _, c := range []struct {
		email string
		want  int
	}{{"tenant1@example.com", ofHousehold("tenant1@example.com")}, {"owner2@example.com", ofHousehold("owner2@example.com")},
		{"frontdesk@example.com", ofCommunity("CH")}, {"supervisor.yx@example.com", ofCommunity("YX")}} {
		if c.want == 0 {
			t.Fatalf("%s should read some spaces in the demo", c.email)
		}
		code, out := doAs(t, h, http.MethodGet, "/api/collections/parking_spaces/records?perPage=100", "", c.email)
		var list struct{ TotalItems int }
		json.Unmarshal([]byte(out), &list)
		if code != 200 || list.TotalItems != c.want {
			t.Errorf("%s reads %d spaces (want %d): %d", c.email, list.TotalItems, c.want, code)
		}
	}
}

// A tenancy's terms (contract number, monthly rent) go on a tenant's link
// only: the area manager keeps "房屋租赁及租金情况" ([000] 管理员 4.5.3).
func TestLeaseTermsOnTenantsOnly(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner, err := app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && relation = 'owner'", dbx.Params{"u": testapp.ID(t, "unit:1-101")})
	if err != nil {
		t.Fatal(err)
	}
	code, out := doAs(t, h, http.MethodPatch, "/api/collections/unit_residents/records/"+owner.Id, `{"lease_rent_fen":300000}`, "supervisor@example.com")
	expectBody(t, "rent on an owner's link", code, out, 400, "lease_rent_fen", "只有租户的登记可以填写租赁合同和租金")
	tenant, err := app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && relation = 'tenant'", dbx.Params{"u": testapp.ID(t, "unit:1-101")})
	if err != nil {
		t.Fatal(err)
	}
	code, out = doAs(t, h, http.MethodPatch, "/api/collections/unit_residents/records/"+tenant.Id,
		`{"lease_contract_no":"ZL-2026-0001","lease_rent_fen":350000,"until":"2027-08-31"}`, "director@example.com")
	expectBody(t, "the tenancy's terms", code, out, 200, `"lease_rent_fen":350000`)
	code, out = doAs(t, h, http.MethodPatch, "/api/collections/unit_residents/records/"+tenant.Id, `{"lease_rent_fen":1}`, "frontdesk@example.com")
	if code != http.StatusNotFound {
		t.Errorf("the front desk changes the rent: %d %s", code, out)
	}
	// The tenant reads their own terms.
	code, out = doAs(t, h, http.MethodGet, "/api/collections/unit_residents/records/"+tenant.Id, "", "tenant1@example.com")
	expectBody(t, "the tenant reads the terms", code, out, 200, "ZL-2026-0001")
}

// Staff accounts are the director's ([000] 助理 3.9; docs/DESIGN.md
// § Accounts and access): the director creates one with an initial
// password to hand over, within their own communities; it signs in; the
// director deactivates it — it no longer signs in and its session ends —
// and never deletes it. A supervisor creates none and raises no role.
// Each change is an event naming the director, without the person's
// contact details.
func TestStaffAccountsByDirector(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, yx := testapp.ID(t, "community:CH"), testapp.ID(t, "community:YX")
	director := testapp.ID(t, "staff:director@example.com")
	account := func(email, role, community string) string {
		return fmt.Sprintf(`{"email":%q,"password":"init-pass-2026","passwordConfirm":"init-pass-2026","name":"新同事","phone":"13912340001","role":%q,"communities":[%q]}`,
			email, role, community)
	}
	count := func() int { n, _ := app.CountRecords("staff"); return int(n) }

	n := count()
	code, out := doAs(t, h, http.MethodPost, "/api/collections/staff/records", account("new1@example.com", "front_desk", ch), "supervisor@example.com")
	if code < 400 || code >= 500 || count() != n {
		t.Errorf("a supervisor creates a staff account: %d %s", code, out)
	}
	code, out = doAs(t, h, http.MethodPost, "/api/collections/staff/records", account("new1@example.com", "front_desk", yx), "director@example.com")
	expectBody(t, "a community the director does not run", code, out, 400, "communities")
	code, out = doAs(t, h, http.MethodPost, "/api/collections/staff/records", account("new1@example.com", "front_desk", ch), "director@example.com")
	expectBody(t, "the director creates an account", code, out, 200, `"active":true`)
	var rec struct{ Id string }
	json.Unmarshal([]byte(out), &rec)
	ev, err := app.FindFirstRecordByFilter("events", "subject_id = {:s} && action = 'create'", dbx.Params{"s": rec.Id})
	if err != nil || ev.GetString("actor_staff") != director || ev.GetString("about_staff") != rec.Id {
		t.Fatalf("the creation is not recorded: %v %v", ev, err)
	}

	signIn := func() (int, string) {
		return doAs(t, h, http.MethodPost, "/api/collections/staff/auth-with-password", `{"identity":"new1@example.com","password":"init-pass-2026"}`, "")
	}
	code, out = signIn()
	expectBody(t, "the new member signs in", code, out, 200)
	var auth struct{ Token string }
	json.Unmarshal([]byte(out), &auth)

	// A supervisor raises nobody's role.
	code, out = doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+rec.Id, `{"role":"supervisor"}`, "supervisor@example.com")
	expectBody(t, "a supervisor raises a role", code, out, 400, "role")
	if r, _ := app.FindRecordById("staff", rec.Id); r.GetString("role") != "front_desk" {
		t.Fatal("the role changed")
	}

	code, out = doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+rec.Id, `{"active":false}`, "director@example.com")
	expectBody(t, "the director deactivates", code, out, 200, `"active":false`)
	ev, err = app.FindFirstRecordByFilter("events", "subject_id = {:s} && action = 'deactivated'", dbx.Params{"s": rec.Id})
	if err != nil || ev.GetString("actor_staff") != director || ev.GetString("from") != "true" || ev.GetString("to") != "false" {
		t.Fatalf("the deactivation is not recorded as such: %v %v", ev, err)
	}
	if note := ev.GetString("note"); strings.Contains(note, "1391234") || strings.Contains(note, "@") {
		t.Errorf("the event carries contact details: %s", note)
	}
	code, out = signIn()
	if code == http.StatusOK {
		t.Errorf("a deactivated member signed in: %s", out)
	}
	code, out = doWithToken(h, http.MethodGet, "/api/collections/units/records", "", auth.Token)
	if code != http.StatusUnauthorized {
		t.Errorf("the session of a deactivated member goes on: %d %s", code, first1(out))
	}
	code, out = doAs(t, h, http.MethodDelete, "/api/collections/staff/records/"+rec.Id, "", "director@example.com")
	if code < 400 || code >= 500 {
		t.Errorf("the director deleted a staff account: %d %s", code, out)
	}
	// Switched on again, the member signs in with the same password.
	code, out = doAs(t, h, http.MethodPatch, "/api/collections/staff/records/"+rec.Id, `{"active":true}`, "director@example.com")
	expectBody(t, "the director reactivates", code, out, 200)
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": rec.Id, "action": "activated"}); n != 1 {
		t.Errorf("the reactivation is not recorded (%d)", n)
	}
	code, out = signIn()
	expectBody(t, "signs in again", code, out, 200)
	_ = demo.Password
}
