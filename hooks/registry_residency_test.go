package hooks_test

import (
	"net/http"
	"testing"

	"wuye/internal/testapp"
)

// The desk names the caller as the complaint's resident or the order's
// requester only if the caller lives in that unit now: otherwise a stranger
// (or a former tenant) would follow it in the portal.
func TestDeskNamesOnlyAResidentOfTheUnit(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-102")
	complaint := func(resident string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", `{"unit":"`+unit+`","resident":"`+resident+
			`","channel":"phone","category":"cleaning","content":"楼道有垃圾","contact_name":"来电人","contact_phone":"13800000004"}`, "frontdesk@example.com")
	}
	order := func(resident string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/work_orders/records", `{"unit":"`+unit+`","requester":"`+resident+
			`","category":"plumbing","description":"水龙头漏水","contact_name":"来电人","contact_phone":"13800000004"}`, "frontdesk@example.com")
	}
	for name, who := range map[string]string{
		"a resident of another unit": testapp.ID(t, "residents:owner1@example.com"),
		"a former tenant":            testapp.ID(t, "residents:former1@example.com"),
		"another community's owner":  testapp.ID(t, "residents:owner.yx@example.com"),
	} {
		before, _ := app.CountRecords("complaints")
		code, body := complaint(who)
		expectBody(t, "complaint naming "+name, code, body, 400, "这位住户目前没有登记在该房屋")
		code, body = order(who)
		expectBody(t, "work order naming "+name, code, body, 400, "这位住户目前没有登记在该房屋")
		if after, _ := app.CountRecords("complaints"); after != before {
			t.Fatalf("%s: a refused intake was stored", name)
		}
	}
	owner2 := testapp.ID(t, "residents:owner2@example.com")
	if code, body := complaint(owner2); code != 200 {
		t.Fatalf("complaint for the unit's owner: %d %s", code, body)
	}
	if code, body := order(owner2); code != 200 {
		t.Fatalf("work order for the unit's owner: %d %s", code, body)
	}
}
