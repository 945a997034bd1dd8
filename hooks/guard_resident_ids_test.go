package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"wuye/internal/testapp"
)

// TestTenantDoesNotLearnTheOwner (issue #16 item 10): the tenant of 1-101
// reads the unit's bills, notices and statements without the owner's id or
// name — not in the bill (payer), nor an expansion of it, nor a filter that
// would confirm a guessed id, nor the arrears notice ("尊敬的 <owner>") or
// the statement, which address the household. The owner, who pays, and the
// staff still see who pays.
func TestTenantDoesNotLearnTheOwner(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	owner, err := app.FindAuthRecordByEmail("residents", "owner1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	unit := testapp.ID(t, "unit:1-101")
	bill, err := app.FindFirstRecordByFilter("bills", "unit = {:u} && payer = {:p}", map[string]any{"u": unit, "p": owner.Id})
	if err != nil {
		t.Fatal(err)
	}
	name := owner.GetString("name")

	_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/bills/records?expand=payer&filter="+urlq(`id = "`+bill.Id+`"`), "", "tenant1@example.com")
	if !strings.Contains(body, bill.Id) {
		t.Fatalf("the tenant lost the unit's bill: %s", first1(body))
	}
	if strings.Contains(body, owner.Id) || strings.Contains(body, name) {
		t.Errorf("the tenant reads the owner's id or name in a bill: %s", body)
	}
	for _, f := range []string{`payer = "` + owner.Id + `"`, `payer != ""`} {
		if code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/bills/records?filter="+urlq(f), "", "tenant1@example.com"); code != http.StatusBadRequest {
			t.Errorf("the tenant filters bills by %s: %d %s", f, code, first1(body))
		}
	}
	if code, body := testapp.Do(t, h, http.MethodGet, "/api/collections/bills/records?sort=payer", "", "tenant1@example.com"); code != http.StatusBadRequest {
		t.Errorf("the tenant sorts bills by payer: %d %s", code, first1(body))
	}
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/bills/records?filter="+urlq(`id = "`+bill.Id+`"`), "", "owner1@example.com")
	if !strings.Contains(body, owner.Id) {
		t.Errorf("the owner no longer sees they are the payer: %s", first1(body))
	}
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/bills/records?filter="+urlq(`id = "`+bill.Id+`"`), "", "cashier@example.com")
	if !strings.Contains(body, owner.Id) {
		t.Errorf("the cashier no longer sees the payer: %s", first1(body))
	}

	// The timeline: no other resident's id as the actor.
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/events/records?perPage=500", "", "tenant1@example.com")
	if strings.Contains(body, owner.Id) {
		t.Errorf("the tenant reads the owner's id in the timeline")
	}

	// The arrears notice and the statement.
	if rem, err := app.FindFirstRecordByFilter("reminders", "bill.unit = {:u} && bill.payer = {:p}", map[string]any{"u": unit, "p": owner.Id}); err == nil {
		for _, c := range []struct {
			email string
			named bool
		}{{"tenant1@example.com", false}, {"owner1@example.com", true}, {"areamgr@example.com", true}} {
			code, page := testapp.Do(t, h, http.MethodGet, "/api/wuye/reminders/"+rem.Id+"/notice", "", c.email)
			if code != http.StatusOK {
				t.Fatalf("%s: notice %d %s", c.email, code, first1(page))
			}
			if strings.Contains(page, name) != c.named || (!c.named && !strings.Contains(page, "101 住户")) {
				t.Errorf("%s: the notice names the owner: %v, want %v: %s", c.email, strings.Contains(page, name), c.named, page)
			}
		}
	} else {
		t.Errorf("no reminder of 1-101 to print: %v", err)
	}
	code, st := testapp.Do(t, h, http.MethodGet, "/api/wuye/statements/"+unit+"?period="+bill.GetString("period"), "", "tenant1@example.com")
	if code != http.StatusOK || strings.Contains(st, name) || strings.Contains(st, owner.Id) || !strings.Contains(st, "住户") {
		t.Errorf("the tenant's statement: %d %s", code, st)
	}
	code, st = testapp.Do(t, h, http.MethodGet, "/api/wuye/statements/"+unit+"?period="+bill.GetString("period"), "", "owner1@example.com")
	if code != http.StatusOK || !strings.Contains(st, name) {
		t.Errorf("the owner's statement: %d %s", code, st)
	}
}
