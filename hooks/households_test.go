package hooks_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"wuye/hooks"
	"wuye/internal/testapp"
)

const (
	idFull   = "11010519491231002X" // 李明's, in the demo's household file of 1-101
	idMasked = "110105********002X"
)

func listOf(t *testing.T, body string) []map[string]any {
	t.Helper()
	var l struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatalf("not a list: %s", body)
	}
	return l.Items
}

// [000] 前台 3.6: the front desk keeps the household file; [004] 三 2.6:
// confidential papers are read under reading rights. The desk, the area
// managers ([000] 管理员 3.4) and the household read the members with the ID
// number masked; the supervisor and the director read it in full; another
// household and staff without a part in the file read nothing of it.
func TestHouseholdMembersReadersAndMasking(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	u101 := testapp.ID(t, "unit:1-101")
	list := "/api/collections/household_members/records?perPage=200&filter=" + urlq(`unit = "`+u101+`"`)
	for _, c := range []struct {
		who       string
		n         int // at least
		full, any bool
	}{
		{"frontdesk@example.com", 5, false, true},
		{"areamgr@example.com", 5, false, true},
		{"areamgr2@example.com", 5, false, true},
		{"owner1@example.com", 5, false, true},
		{"tenant1@example.com", 5, false, true},
		{"supervisor@example.com", 5, true, true},
		{"director@example.com", 5, true, true},
		{"owner2@example.com", 0, false, false},
		{"tech1@example.com", 0, false, false},
		{"cashier@example.com", 0, false, false},
		{"supervisor.yx@example.com", 0, false, false},
	} {
		code, body := testapp.Do(t, h, http.MethodGet, list, "", c.who)
		if code != 200 {
			t.Fatalf("%s lists members: %d %s", c.who, code, body)
		}
		items := listOf(t, body)
		if !c.any && len(items) > 0 {
			t.Errorf("%s reads 1-101's household: %s", c.who, body)
			continue
		}
		if c.any && len(items) < c.n {
			t.Errorf("%s reads %d of 1-101's members, want %d", c.who, len(items), c.n)
		}
		if !c.any {
			continue
		}
		if got := strings.Contains(body, idFull); got != c.full {
			t.Errorf("%s reads the full ID number: %v, want %v", c.who, got, c.full)
		}
		if !c.full && !strings.Contains(body, idMasked) {
			t.Errorf("%s should read the masked number %s: %s", c.who, idMasked, body)
		}
		// Nor may they find it digit by digit.
		code, body = testapp.Do(t, h, http.MethodGet, list[:strings.Index(list, "&filter=")]+"&filter="+urlq(`id_no ~ "110105194912"`), "", c.who)
		if !c.full && code != 400 {
			t.Errorf("%s filters on the masked ID number: %d %s", c.who, code, body)
		}
	}
}

// The household's own members and vehicles are the owner's to keep too
// (docs/DESIGN.md § Household files): an owner adds a child to their own
// household, never to another; a tenant does not change the owner's file;
// the desk does; a masked number sent back is refused, not stored; an ID
// card number must be one (its check digit).
func TestHouseholdMembersWriters(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	u101, u102 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "unit:1-102")
	url := "/api/collections/household_members/records"
	child := `{"unit":"` + u101 + `","name":"李小乐","relation":"child","birth_year":2019}`
	code, body := testapp.Do(t, h, http.MethodPost, url, child, "owner1@example.com")
	expectBody(t, "the owner adds a child", code, body, 200, `"active":true`, `"community":"`+testapp.ID(t, "community:CH")+`"`)
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u102+`","name":"陌生人","relation":"child"}`, "owner1@example.com")
	if code == 200 {
		t.Fatalf("an owner added a member to another household: %s", body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, url, child, "tenant1@example.com")
	if code == 200 {
		t.Fatalf("a tenant changed the owner's household file: %s", body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, url, child, "tech1@example.com")
	if code == 200 {
		t.Fatalf("a technician wrote the household file: %s", body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","relation":"child"}`, "frontdesk@example.com")
	expectBody(t, "a member without an account needs a name", code, body, 400, "wuye_member_needs_name")
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","name":"李四","relation":"parent","id_type":"resident_id","id_no":"110105194912310021"}`, "frontdesk@example.com")
	expectBody(t, "a wrong check digit", code, body, 400, "wuye_id_number_invalid")
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","name":"李四","relation":"parent","id_no":"110105194912310021"}`, "frontdesk@example.com")
	expectBody(t, "a number needs its type", code, body, 400, "wuye_id_type_needed")
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","resident":"`+testapp.ID(t, "residents:owner2@example.com")+`","relation":"relative"}`, "frontdesk@example.com")
	expectBody(t, "an account that does not live there", code, body, 400, "wuye_not_living_here")
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","name":"李四","relation":"parent","id_type":"resident_id","id_no":"11010519491231002x"}`, "frontdesk@example.com")
	expectBody(t, "the desk adds a parent", code, body, 200, `"id_no":"`+idMasked+`"`)
	id := recordID(t, body)
	if r, _ := app.FindRecordById("household_members", id); r.GetString("id_no") != idFull {
		t.Fatalf("stored %q, want %q", r.GetString("id_no"), idFull)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, url+"/"+id, `{"id_no":"`+idMasked+`"}`, "frontdesk@example.com")
	expectBody(t, "the masked number sent back", code, body, 400, "wuye_id_number_invalid")
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": id}); n != 1 {
		t.Fatalf("%d events of the new member, want 1 (its creation)", n)
	}
}

// The scans of ID papers ([004] 四 2 4.3.3: the copies go into the file)
// are served to the supervisor and the director only: the desk and the
// household, who read the member with the number masked, get no scan.
func TestHouseholdScansProtected(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	m, err := app.FindFirstRecordByFilter("household_members", "id_no = {:n}", dbx.Params{"n": idFull})
	if err != nil {
		t.Fatal(err)
	}
	s := &seeder{t: t, app: app}
	s.attach(m, "id_scans")
	m, _ = app.FindRecordById("household_members", m.Id)
	name := m.GetStringSlice("id_scans")[0]
	for who, want := range map[string]int{"frontdesk@example.com": 404, "owner1@example.com": 404, "areamgr@example.com": 404,
		"supervisor@example.com": 200, "director@example.com": 200, "owner2@example.com": 404} {
		code, body := testapp.Do(t, h, http.MethodPost, "/api/files/token", "", who)
		if code != 200 {
			t.Fatalf("file token for %s: %d %s", who, code, body)
		}
		var tok struct{ Token string }
		json.Unmarshal([]byte(body), &tok)
		code, _ = testapp.Do(t, h, http.MethodGet, "/api/files/household_members/"+m.Id+"/"+name+"?token="+tok.Token, "", "")
		if code != want {
			t.Errorf("%s downloads the ID scan: %d, want %d", who, code, want)
		}
	}
}

// Vehicles ([004] 二 2): plates are read as painted (new-energy plates of
// eight characters too), one active registration per plate in a
// community, and a car stands on a space its household holds.
func TestVehicles(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	u101, u102 := testapp.ID(t, "unit:1-101"), testapp.ID(t, "unit:1-102")
	space, err := app.FindFirstRecordByFilter("parking_spaces", "unit = {:u}", dbx.Params{"u": u102})
	if err != nil {
		t.Fatal(err)
	}
	url := "/api/collections/vehicles/records"
	code, body := testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","plate":"渝a·f 1234 5","active":false}`, "frontdesk@example.com")
	expectBody(t, "a new-energy plate typed loosely", code, body, 200, `"plate":"渝AF12345"`, `"new_energy":true`, `"active":true`)
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u102+`","plate":"渝AF12345"}`, "owner2@example.com")
	expectBody(t, "the same plate twice", code, body, 400, "wuye_plate_taken")
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","plate":"渝AI2345"}`, "owner1@example.com")
	expectBody(t, "not a plate", code, body, 400, "wuye_plate_invalid")
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u101+`","plate":"渝B12345","parking_space":"`+space.Id+`"}`, "owner1@example.com")
	expectBody(t, "another household's space", code, body, 400, "wuye_other_unit")
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u102+`","plate":"渝B12345","parking_space":"`+space.Id+`"}`, "owner2@example.com")
	expectBody(t, "the owner parks on their own space", code, body, 200, `"plate":"渝B12345"`, `"new_energy":false`)
	code, body = testapp.Do(t, h, http.MethodPost, url, `{"unit":"`+u102+`","plate":"渝B22345"}`, "security@example.com")
	if code == 200 {
		t.Fatalf("security registered a car: %s", body)
	}
	code, body = testapp.Do(t, h, http.MethodGet, url+"?filter="+urlq(`unit = "`+u102+`"`), "", "security@example.com")
	if code != 200 || len(listOf(t, body)) < 2 {
		t.Fatalf("security reads the cars at the gate: %d %s", code, body)
	}
	code, body = testapp.Do(t, h, http.MethodGet, url+"?filter="+urlq(`unit = "`+u102+`"`), "", "owner1@example.com")
	if code != 200 || len(listOf(t, body)) != 0 {
		t.Fatalf("a neighbour reads 1-102's cars: %d %s", code, body)
	}
}

// 过户: a transfer ends the old owner's link — and with it their
// household's access to the unit's file — and starts the new owner's, on
// the transfer date; the old household's members and cars leave the file;
// every change is an event; the transfer is history, never changed; only
// the supervisor and the director record one (they change the registry,
// docs/DESIGN.md § Registry).
func TestOwnershipTransfer(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	u102 := testapp.ID(t, "unit:1-102")
	owner2, buyer := testapp.ID(t, "residents:owner2@example.com"), testapp.ID(t, "residents:former1@example.com")
	// The demo's sale of a flat of building 2 is in its history.
	if n, _ := app.CountRecords("ownership_transfers"); n != 1 {
		t.Fatalf("the demo's transfer: %d", n)
	}
	members := "/api/collections/household_members/records?filter=" + urlq(`unit = "`+u102+`"`)
	cars := "/api/collections/vehicles/records?filter=" + urlq(`unit = "`+u102+`"`)
	for _, u := range []string{members, cars} {
		if code, body := testapp.Do(t, h, http.MethodGet, u, "", "owner2@example.com"); code != 200 || len(listOf(t, body)) == 0 {
			t.Fatalf("the owner reads their household before the sale: %d %s", code, body)
		}
		if code, body := testapp.Do(t, h, http.MethodGet, u, "", "former1@example.com"); code != 200 || len(listOf(t, body)) != 0 {
			t.Fatalf("the buyer reads the household before the sale: %d %s", code, body)
		}
	}
	url := "/api/collections/ownership_transfers/records"
	body := `{"unit":"` + u102 + `","to_owners":["` + buyer + `"],"transferred_on":"` + hooks.Today() + `","reason":"sale","from_owners":[]}`
	for _, who := range []string{"frontdesk@example.com", "owner2@example.com", "supervisor.yx@example.com"} {
		if code, resp := testapp.Do(t, h, http.MethodPost, url, body, who); code == 200 {
			t.Fatalf("%s recorded a transfer: %s", who, resp)
		}
	}
	// Another community's resident is not handed to this one's staff by a
	// transfer: they agree to a link first (as to the desk's links), even
	// one an import left waiting for their answer.
	yx := testapp.ID(t, "residents:owner.yx@example.com")
	links, _ := app.FindCollectionByNameOrId("unit_residents")
	pending := core.NewRecord(links)
	pending.Load(map[string]any{"unit": testapp.ID(t, "unit:1-103"), "resident": yx, "relation": "owner", "since": "2026-01-01", "pending": true})
	if err := app.Save(pending); err != nil {
		t.Fatal(err)
	}
	code, resp := testapp.Do(t, h, http.MethodPost, url, strings.Replace(body, buyer, yx, 1), "supervisor@example.com")
	expectBody(t, "to another community's resident", code, resp, 400, "wuye_transfer_needs_consent")
	code, resp = testapp.Do(t, h, http.MethodPost, url, strings.Replace(body, hooks.Today(), "2099-01-01", 1), "supervisor@example.com")
	expectBody(t, "a transfer in the future", code, resp, 400, "wuye_transfer_future")
	code, resp = testapp.Do(t, h, http.MethodPost, url, strings.Replace(body, buyer, owner2, 1), "supervisor@example.com")
	expectBody(t, "to the same owner", code, resp, 400, "wuye_transfer_same_owners")
	events, _ := app.CountRecords("events")
	code, resp = testapp.Do(t, h, http.MethodPost, url, body, "supervisor@example.com")
	expectBody(t, "the supervisor records the sale", code, resp, 200, `"serial":"GH-`, `"from_owners":["`+owner2+`"]`,
		`"recorded_by":"`+testapp.ID(t, "staff:supervisor@example.com")+`"`)
	id := recordID(t, resp)
	for _, u := range []string{members, cars} {
		if code, resp := testapp.Do(t, h, http.MethodGet, u, "", "owner2@example.com"); code != 200 || len(listOf(t, resp)) != 0 {
			t.Fatalf("the seller still reads the household after the sale: %d %s", code, resp)
		}
	}
	if code, resp := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+u102, "", "owner2@example.com"); code != 404 {
		t.Fatalf("the seller still reads the unit: %d %s", code, resp)
	}
	if code, resp := testapp.Do(t, h, http.MethodGet, "/api/collections/units/records/"+u102, "", "former1@example.com"); code != 200 {
		t.Fatalf("the buyer does not read the unit: %d %s", code, resp)
	}
	old, err := app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && resident = {:r} && relation = 'owner'", dbx.Params{"u": u102, "r": owner2})
	if err != nil || old.GetBool("active") || old.GetString("until") != hooks.Today() {
		t.Fatalf("the seller's link: %v", old)
	}
	if n, _ := app.CountRecords("unit_residents", dbx.HashExp{"unit": u102, "resident": buyer, "relation": "owner", "active": true}); n != 1 {
		t.Fatalf("%d owner links of the buyer", n)
	}
	if n, _ := app.CountRecords("vehicles", dbx.HashExp{"unit": u102, "active": true}); n != 0 {
		t.Fatalf("%d of the seller's cars still active", n)
	}
	if after, _ := app.CountRecords("events"); after < events+4 {
		t.Fatalf("%d events for the transfer, want the transfer, both links, the member and the car", after-events)
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": id, "action": "create"}); n != 1 {
		t.Fatalf("the transfer's own event: %d", n)
	}
	if code, resp := testapp.Do(t, h, http.MethodGet, url+"?filter="+urlq(`unit = "`+u102+`"`), "", "frontdesk@example.com"); code != 200 || !strings.Contains(resp, id) {
		t.Fatalf("the desk reads the unit's transfers: %d %s", code, resp)
	}
	if code, _ := testapp.Do(t, h, http.MethodPatch, url+"/"+id, `{"note":"改"}`, "director@example.com"); code == 200 {
		t.Fatal("a transfer was changed")
	}
	if code, _ := testapp.Do(t, h, http.MethodDelete, url+"/"+id, "", "director@example.com"); code == 204 {
		t.Fatal("a transfer was deleted")
	}
	code, resp = testapp.Do(t, h, http.MethodPost, url, strings.Replace(body, hooks.Today(), "2025-01-01", 1), "supervisor@example.com")
	expectBody(t, "an earlier transfer after a later one", code, resp, 400)
}

// The export of the household file is the director's alone ([004] 三 2.6),
// with ID numbers masked unless asked for in full, and every export is an
// event.
func TestHouseholdExport(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	url := "/api/wuye/households/export?community=" + ch
	for _, who := range []string{"frontdesk@example.com", "supervisor@example.com", "areamgr@example.com", "owner1@example.com", "supervisor.yx@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, url, "", who); code != 403 {
			t.Errorf("%s exported the household file: %d", who, code)
		}
	}
	count := func() int {
		n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": ch, "action": "export"})
		return int(n)
	}
	before := count()
	sheet := func(u string) string {
		code, body := testapp.Do(t, h, http.MethodGet, u, "", "director@example.com")
		if code != 200 {
			t.Fatalf("the director's export: %d %s", code, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(strings.Join(r, "|") + "\n")
		}
		return b.String()
	}
	masked := sheet(url)
	if strings.Contains(masked, idFull) || !strings.Contains(masked, idMasked) || !strings.Contains(masked, "李乐乐") {
		t.Fatalf("the default export masks the numbers:\n%s", masked)
	}
	full := sheet(url + "&full=1&building=" + testapp.ID(t, "building:CH-1"))
	if !strings.Contains(full, idFull) || strings.Contains(full, "2栋") {
		t.Fatalf("the full export of building 1:\n%s", full)
	}
	if got := count(); got != before+2 {
		t.Fatalf("%d export events, want %d", got, before+2)
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/households/export?community="+testapp.ID(t, "community:YX"), "", "director@example.com"); code != 403 {
		t.Fatalf("the director exported another community's file: %d", code)
	}
}

// A resident ID card number (GB 11643) is 17 digits and a check digit
// (0–9 or X) that the front desk's typing errors almost never keep.
func TestValidResidentID(t *testing.T) {
	for id, want := range map[string]bool{
		"11010519491231002X": true, "500101198103150025": true, "110105194912310021": false,
		"11010519491231002": false, "1101051949123100XX": false, "110105********002X": false, "": false,
	} {
		if got := hooks.ValidResidentID(id); got != want {
			t.Errorf("ValidResidentID(%q) = %v, want %v", id, got, want)
		}
	}
}
