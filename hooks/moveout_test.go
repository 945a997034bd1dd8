package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// TestMoveOut (docs/DESIGN.md, "Move-out (迁出)"; [001] 中汇广场 四 第三步
// 费用结算：抄电表读数，结算客户使用费用): the tenant asks in the portal; the
// move-out cannot be cleared while a bill of the unit is unpaid, a key of
// the unit is out or a meter lacks a reading since the request, nor before
// the final bill — which needs the final readings and bills the current
// period up to them; cleared, it gets the moving day's goods pass;
// completed, the tenant's link ends and with it their access to the
// unit's bills — but not to their own move-out. Every step is an event;
// other communities' staff do not see it.
func TestMoveOut(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	today := clock.Now().In(workcal.Shanghai).Format("2006-01-02")
	do := func(method, path, body, who string) (int, map[string]any, string) {
		code, b := testapp.Do(t, h, method, path, body, who)
		var out map[string]any
		_ = json.Unmarshal([]byte(b), &out)
		return code, out, b
	}
	save := func(col string, fields map[string]any) *core.Record {
		c, _ := app.FindCollectionByNameOrId(col)
		r := core.NewRecord(c)
		r.Load(fields)
		if err := app.Save(r); err != nil {
			t.Fatalf("%s: %v", col, err)
		}
		return r
	}
	// The unit's electricity is metered monthly; its last reading is old.
	save("fee_items", map[string]any{"community": testapp.ID(t, "community:CH"), "code": "DF", "name": "电费", "kind": "electricity", "basis": "metered",
		"meter": "electric", "price_fen": 60, "unit_types": []string{"residential"}, "cycle": "monthly", "active": true})
	save("meter_readings", map[string]any{"unit": unit, "meter": "electric", "reading": 300, "read_on": civilDay(today[:8]+"01", -1)})

	body := `{"unit":"` + unit + `","move_out_on":"` + today + `","resident":"` + testapp.ID(t, "residents:owner1@example.com") + `","status":"completed"}`
	// A family member is not the household's owner or tenant; a resident
	// of another unit may not ask.
	for _, who := range []string{"family1@example.com", "owner2@example.com"} {
		if code, _, b := do(http.MethodPost, "/api/collections/move_outs/records", body, who); code != http.StatusBadRequest {
			t.Errorf("%s asked for a move-out: %d %s", who, code, b)
		}
	}
	code, mo, b := do(http.MethodPost, "/api/collections/move_outs/records", body, "tenant1@example.com")
	if code != http.StatusOK || mo["status"] != "requested" || mo["relation"] != "tenant" || mo["resident"] != testapp.ID(t, "residents:tenant1@example.com") ||
		!strings.HasPrefix(mo["serial"].(string), "QC-") || mo["requested_on"] != today {
		t.Fatalf("the tenant's move-out: %d %s", code, b)
	}
	id := mo["id"].(string)
	path := "/api/collections/move_outs/records/" + id
	if code, _, b := do(http.MethodPost, "/api/collections/move_outs/records", body, "tenant1@example.com"); code != http.StatusBadRequest {
		t.Errorf("a second open move-out: %d %s", code, b)
	}
	// Other communities' staff and the technician do not see it.
	for _, who := range []string{"supervisor.yx@example.com", "tech1@example.com", "owner1@example.com"} {
		if code, _, b := do(http.MethodGet, path, "", who); code != http.StatusNotFound {
			t.Errorf("%s reads the move-out: %d %s", who, code, b)
		}
	}
	if code, _, b := do(http.MethodPatch, path, `{"status":"cleared"}`, "supervisor.yx@example.com"); code != http.StatusNotFound {
		t.Errorf("another community's supervisor clears: %d %s", code, b)
	}
	clear := func(want int, contains ...string) {
		t.Helper()
		code, _, b := do(http.MethodPatch, path, `{"status":"cleared"}`, "frontdesk@example.com")
		if code != want {
			t.Fatalf("clear: %d %s, want %d", code, b, want)
		}
		for _, c := range contains {
			if !strings.Contains(b, c) {
				t.Errorf("clear: %s does not say %s", b, c)
			}
		}
	}
	clear(http.StatusBadRequest, "缺最终读数", "电表", "未出最终账单")
	// The final bill needs the final readings; it is the cashier's.
	if code, _, b := do(http.MethodPost, "/api/wuye/move-outs/"+id+"/final-bill", "", "cashier@example.com"); code != http.StatusBadRequest || !strings.Contains(b, "请先抄最终读数") {
		t.Errorf("final bill before the readings: %d %s", code, b)
	}
	if code, _, b := do(http.MethodPost, "/api/collections/meter_readings/records", `{"unit":"`+unit+`","meter":"electric","reading":350,"read_on":"`+today+`"}`, "areamgr@example.com"); code != http.StatusOK {
		t.Fatalf("final reading: %d %s", code, b)
	}
	if code, _, b := do(http.MethodPost, "/api/wuye/move-outs/"+id+"/final-bill", "", "frontdesk@example.com"); code != http.StatusForbidden {
		t.Errorf("the desk issued the final bill: %d %s", code, b)
	}
	code, fb, b := do(http.MethodPost, "/api/wuye/move-outs/"+id+"/final-bill", "", "cashier@example.com")
	if code != http.StatusOK {
		t.Fatalf("final bill: %d %s", code, b)
	}
	elec, err := app.FindFirstRecordByFilter("bills", "unit = {:u} && period = {:p} && fee_item.meter = 'electric'", map[string]any{"u": unit, "p": today[:7]})
	if err != nil || elec.GetInt("amount_fen") != 50*60 {
		t.Fatalf("the final electricity bill: %v %v (%v)", elec, err, fb)
	}
	// A key of the unit out.
	key := save("keys", map[string]any{"community": testapp.ID(t, "community:CH"), "label": "1-101 户门", "kind": "owner_entrusted", "unit": unit, "status": "out"})
	clear(http.StatusBadRequest, "未结清", "钥匙未交回", "1-101 户门")
	// The tenant still reads the unit's bills.
	if code, out, b := do(http.MethodGet, "/api/collections/bills/records?filter="+url.QueryEscape("unit = '"+unit+"'"), "", "tenant1@example.com"); code != http.StatusOK || out["totalItems"].(float64) == 0 {
		t.Fatalf("the tenant's bills before: %d %s", code, b)
	}
	// Everything paid, the key back.
	cashier, _ := app.FindAuthRecordByEmail("staff", "cashier@example.com")
	unpaid, _ := app.FindAllRecords("bills", nil)
	for _, bl := range unpaid {
		if bl.GetString("unit") != unit || (bl.GetString("status") != "issued" && bl.GetString("status") != "partially_paid") {
			continue
		}
		col, _ := app.FindCachedCollectionByNameOrId("payments")
		p := core.NewRecord(col)
		p.Load(map[string]any{"unit": unit, "method": "cash", "bills": []string{bl.Id},
			"amount_fen": bl.GetInt("amount_fen") - bl.GetInt("discount_fen") + bl.GetInt("late_fee_fen") - bl.GetInt("paid_fen")})
		if err := hooks.TakePayment(app, p, cashier); err != nil {
			t.Fatalf("pay %s: %v", bl.GetString("serial"), err)
		}
	}
	clear(http.StatusBadRequest, "钥匙未交回")
	key.Set("status", "in")
	if err := app.Save(key); err != nil {
		t.Fatal(err)
	}
	clear(http.StatusOK)
	stored, _ := app.FindRecordById("move_outs", id)
	pass, err := app.FindRecordById("goods_passes", stored.GetString("goods_pass"))
	if err != nil || pass.GetString("valid_on") != today || pass.GetString("unit") != unit || pass.GetString("status") != "requested" {
		t.Fatalf("the moving day's goods pass: %v %v", pass, err)
	}
	// Completing is the desk's, not the cashier's.
	if code, _, b := do(http.MethodPatch, path, `{"status":"completed"}`, "cashier@example.com"); code != http.StatusBadRequest {
		t.Errorf("the cashier completed: %d %s", code, b)
	}
	if code, _, b := do(http.MethodPatch, path, `{"status":"completed"}`, "frontdesk@example.com"); code != http.StatusOK {
		t.Fatalf("complete: %d %s", code, b)
	}
	link, err := app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && resident = {:r}", map[string]any{"u": unit, "r": testapp.ID(t, "residents:tenant1@example.com")})
	if err != nil || link.GetBool("active") || link.GetString("until") != today {
		t.Fatalf("the tenant's link after completion: %v %v", link, err)
	}
	if code, out, b := do(http.MethodGet, "/api/collections/bills/records?filter="+url.QueryEscape("unit = '"+unit+"'"), "", "tenant1@example.com"); code != http.StatusOK || out["totalItems"].(float64) != 0 {
		t.Errorf("the former tenant still reads the unit's bills: %d %s", code, shortBody(b))
	}
	if code, out, b := do(http.MethodGet, path, "", "tenant1@example.com"); code != http.StatusOK || out["status"] != "completed" {
		t.Errorf("the former tenant reads their move-out: %d %s", code, b)
	}
	for _, action := range []string{"create", "final_bill", "status"} {
		if _, err := app.FindFirstRecordByFilter("events", "subject_collection = 'move_outs' && subject_id = {:id} && action = {:a}", map[string]any{"id": id, "a": action}); err != nil {
			t.Errorf("no %s event of the move-out", action)
		}
	}
	if _, err := app.FindFirstRecordByFilter("events", "subject_collection = 'unit_residents' && subject_id = {:id} && to = 'false'", map[string]any{"id": link.Id}); err != nil {
		t.Errorf("no event of the link's end")
	}
	// Frozen once completed.
	if code, _, b := do(http.MethodPatch, path, `{"status":"cancelled","cancel_reason":"x"}`, "director@example.com"); code != http.StatusBadRequest {
		t.Errorf("a completed move-out changed: %d %s", code, b)
	}
	// The clearance checklist is readable by the resident.
	if code, out, b := do(http.MethodGet, "/api/wuye/move-outs/"+id+"/clearance", "", "tenant1@example.com"); code != http.StatusOK || out["ok"] != true {
		t.Errorf("the clearance: %d %s", code, b)
	}
}
