package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
)

// A resident sees the name of the technician on their own order, and no
// more of the staff record; staff get the record as it is.
func TestResidentSeesTechnicianName(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	o, err := app.FindFirstRecordByFilter("work_orders", "technician != '' && requester = {:r}", dbx.Params{"r": testapp.ID(t, "residents:owner1@example.com")})
	if err != nil {
		t.Fatalf("the demo has a dispatched order of owner1's: %v", err)
	}
	tech, _ := app.FindRecordById("staff", o.GetString("technician"))
	url := "/api/collections/work_orders/records/" + o.Id
	code, body := testapp.Do(t, h, http.MethodGet, url+"?expand=technician", "", "owner1@example.com")
	expectBody(t, "the requester reads the order", code, body, 200, `"technician_name":"`+tech.GetString("name")+`"`)
	if strings.Contains(body, tech.GetString("phone")) || strings.Contains(body, `"expand":{"technician"`) {
		t.Fatalf("the resident got more of the staff record than the name: %s", body)
	}
	code, body = testapp.Do(t, h, http.MethodGet, url, "", "frontdesk@example.com")
	if code != 200 || strings.Contains(body, "technician_name") {
		t.Fatalf("staff read the plain record: %d %s", code, body)
	}
}
