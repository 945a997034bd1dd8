package hooks_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
)

// A household's work orders and complaints (migration 0052, docs/DESIGN.md
// "Accounts and access"): a resident reads those of the units they live in
// that someone living there now filed — a tenant of 1-101 sees the owner's
// repair for the flat they live in — but not another unit's, not a former
// household's, and not another's anonymous complaint; who filed it and how
// to reach them stay hidden, and only the one who filed it acts on it.
// A repair of a flat (零修、急修, [004] 三 7.6) is the household's, whoever
// called it in; a complainant's wish not to be known (docs/DESIGN.md,
// "Complaints", anonymity) holds inside the household too.
func TestHouseholdOrdersAndComplaints(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner1 := residentRec(t, app, "owner1@example.com")
	tenant1 := residentRec(t, app, "tenant1@example.com")
	owner2 := residentRec(t, app, "owner2@example.com")
	former1 := residentRec(t, app, "former1@example.com")
	const phone = "13911112222"

	ownersRepair := fileOrder(t, app, owner1, "1-101", "SN01", map[string]any{"contact_phone": phone, "contact_name": "李明本人"})
	otherUnit := fileOrder(t, app, owner2, "1-102", "SN01", nil)
	formers := fileOrder(t, app, staffRec(t, app, "frontdesk@example.com"), "1-102", "SN01", nil)
	if _, err := app.DB().Update("work_orders", dbx.Params{"requester": former1.Id}, dbx.HashExp{"id": formers.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	ownersComplaint := fileComplaint(t, app, owner1, "1-101", "cleaning", map[string]any{"contact_phone": phone, "contact_name": "李明本人"})
	anonymous := fileComplaint(t, app, owner1, "1-101", "security", map[string]any{"anonymous": true})
	neighbours := fileComplaint(t, app, owner2, "1-102", "cleaning", nil)

	view := func(col, id, who string) (int, string) {
		return testapp.Do(t, h, http.MethodGet, "/api/collections/"+col+"/records/"+id, "", who)
	}
	for _, v := range []struct {
		col, id, who, what string
		want               int
	}{
		{"work_orders", ownersRepair.Id, tenant1.Email(), "the tenant, the owner's repair of 1-101", 200},
		{"work_orders", otherUnit.Id, tenant1.Email(), "the tenant of 1-101, a repair of 1-102", 404},
		{"work_orders", formers.Id, owner2.Email(), "owner2, the former tenant's order of 1-102", 404},
		{"work_orders", ownersRepair.Id, owner2.Email(), "the neighbour, the owner's repair of 1-101", 404},
		{"complaints", ownersComplaint.Id, tenant1.Email(), "the tenant, the owner's complaint", 200},
		{"complaints", anonymous.Id, tenant1.Email(), "the tenant, the owner's anonymous complaint", 404},
		{"complaints", anonymous.Id, owner1.Email(), "the owner, their own anonymous complaint", 200},
		{"complaints", neighbours.Id, tenant1.Email(), "the tenant of 1-101, a complaint of 1-102", 404},
	} {
		code, body := view(v.col, v.id, v.who)
		if code != v.want {
			t.Errorf("%s: %d, want %d (%s)", v.what, code, v.want, body)
			continue
		}
		// Who filed it, and how to reach them, stay the filer's.
		if code == 200 && v.who == tenant1.Email() {
			for _, leak := range []string{owner1.Id, phone, "李明本人", `"requester"`, `"contact_phone"`} {
				if strings.Contains(body, leak) {
					t.Errorf("%s: the answer carries %s: %s", v.what, leak, body)
				}
			}
		}
	}

	// The portal's list of the chosen unit shows the household's records.
	list := func(col, filter, who string) (int, string) {
		return testapp.Do(t, h, http.MethodGet, "/api/collections/"+col+"/records?perPage=200&filter="+url.QueryEscape(filter), "", who)
	}
	unit101 := testapp.ID(t, "unit:1-101")
	if code, body := list("work_orders", `unit = "`+unit101+`"`, tenant1.Email()); code != 200 || !strings.Contains(body, ownersRepair.Id) {
		t.Errorf("the tenant's list of 1-101 misses the owner's repair: %d %s", code, body)
	}
	if code, body := list("complaints", `unit = "`+unit101+`"`, tenant1.Email()); code != 200 || !strings.Contains(body, ownersComplaint.Id) || strings.Contains(body, anonymous.Id) {
		t.Errorf("the tenant's complaints of 1-101: %d %s", code, body)
	}
	// "Mine" still works; a filter on someone else's id, or on the filer's
	// contact, would confirm a guess and is refused.
	if code, body := list("work_orders", `requester = "`+tenant1.Id+`"`, tenant1.Email()); code != 200 || strings.Contains(body, ownersRepair.Id) {
		t.Errorf("the tenant's own orders: %d %s", code, body)
	}
	for _, f := range []string{`requester = "` + owner1.Id + `"`, `contact_phone ~ "139"`, `contact_name = "李明本人"`} {
		if code, _ := list("work_orders", f, tenant1.Email()); code != 400 {
			t.Errorf("the tenant filters work orders by %s: %d, want 400", f, code)
		}
	}
	if code, _ := list("complaints", `resident = "`+owner1.Id+`"`, tenant1.Email()); code != 400 {
		t.Errorf("the tenant filters complaints by the owner's id: %d, want 400", code)
	}

	// Only the one who filed it acts on it: the tenant cannot cancel the
	// owner's repair nor change the owner's complaint.
	if code, _ := testapp.Do(t, h, http.MethodPatch, "/api/collections/work_orders/records/"+ownersRepair.Id,
		`{"status":"cancelled","cancel_reason":"不修了"}`, tenant1.Email()); code != 404 {
		t.Errorf("the tenant cancels the owner's repair: %d, want 404", code)
	}
	if code, _ := testapp.Do(t, h, http.MethodPatch, "/api/collections/complaints/records/"+ownersComplaint.Id,
		`{"content":"改了"}`, tenant1.Email()); code != 404 {
		t.Errorf("the tenant edits the owner's complaint: %d, want 404", code)
	}
}
