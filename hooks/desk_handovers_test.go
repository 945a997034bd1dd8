package hooks_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// notified counts the notifications of kind to the staff member email.
func notified(t *testing.T, app core.App, email, kind string) int {
	t.Helper()
	n, err := app.CountRecords("notifications", dbx.HashExp{"recipient_staff": testapp.ID(t, "staff:"+email), "kind": kind})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func recordID(t *testing.T, body string) string {
	t.Helper()
	var r struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.ID == "" {
		t.Fatalf("no id in %s", body)
	}
	return r.ID
}

// [000] 交接班制度: the outgoing clerk records the shift (4.2.1), the cash is
// checked against the record (4.1.4), remotes and gas cards counted (4.1.6),
// parcels handed over face to face (4.1.5), and both clerks sign (4.1.8); a
// difference is flagged and the supervisor told at once.
func TestShiftHandover(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	desk, desk2 := "frontdesk@example.com", "frontdesk2@example.com"
	cashier := "cashier@example.com"

	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`","status":"accepted","cash_expected_fen":1}`, desk)
	expectBody(t, "the desk opens its handover", code, body, 200, `"status":"open"`, `"from_staff":"`+testapp.ID(t, "staff:"+desk)+`"`, `"cash_expected_fen":0`)
	id := recordID(t, body)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`"}`, desk)
	expectBody(t, "one open handover per clerk", code, body, 400, "wuye_handover_open_exists")
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`"}`, cashier)
	if code == 200 {
		t.Fatalf("a cashier opened a desk handover: %s", body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`","items":{"umbrellas":2}}`, desk2)
	expectBody(t, "only the handover's kinds of item are counted", code, body, 400, "wuye_handover_items")

	// The clerk took 50 yuan in cash and 20 by card in the shift.
	pay := func(method string, fen int) {
		col, _ := app.FindCollectionByNameOrId("payments")
		p := core.NewRecord(col)
		p.Load(map[string]any{"community": ch, "unit": testapp.ID(t, "unit:1-101"), "amount_fen": fen, "method": method,
			"payer_name": "李明", "received_by": testapp.ID(t, "staff:"+desk)})
		if err := app.Save(p); err != nil {
			t.Fatal(err)
		}
	}
	pay("cash", 5000)
	pay("card", 2000)

	url := "/api/collections/shift_handovers/records/" + id
	var keysOut int
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM key_loans WHERE community = {:c} AND returned_at = '' AND move_in = ''`).
		Bind(dbx.Params{"c": ch}).Row(&keysOut); err != nil {
		t.Fatal(err)
	}
	held, err := hooks.HeldParcels(app, ch)
	if err != nil {
		t.Fatal(err)
	}
	counted := func(remotes int) string {
		b, _ := json.Marshal(map[string]int{"remotes": remotes, "gas_cards": 2, "keys_out": keysOut, "parcels_held": held})
		return string(b)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"handed","to_staff":"`+testapp.ID(t, "staff:"+desk)+`"}`, desk)
	expectBody(t, "not to oneself", code, body, 400, "wuye_handover_to_self")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"handed","to_staff":"`+testapp.ID(t, "staff:"+cashier)+`"}`, desk)
	expectBody(t, "the incoming clerk is of the desk", code, body, 400, "wuye_handover_to_not_desk")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"handed","to_staff":"`+testapp.ID(t, "staff:"+desk2)+`"}`, desk2)
	expectBody(t, "only the outgoing clerk hands over", code, body, 400, "wuye_step_not_yours")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"cash_expected_fen":4000}`, desk)
	expectBody(t, "what the system says is not the clerk's to write", code, body, 400, "wuye_field_locked")

	// The sheet of the open handover shows the shift so far.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/shift-handovers/"+id+"/sheet", "", desk)
	expectBody(t, "the sheet of the shift so far", code, body, 200, `"cash_fen":5000`, `"cash_expected_fen":5000`, `"status":"card","summary":"李明","amount_fen":2000`)
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/shift-handovers/"+id+"/sheet", "", "tech1@example.com")
	if code != 404 {
		t.Fatalf("a technician read the handover sheet: %d", code)
	}

	before := notified(t, app, "supervisor@example.com", "handover_discrepancy")
	toAccept := notified(t, app, desk2, "handover_to_accept")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"handed","to_staff":"`+testapp.ID(t, "staff:"+desk2)+`",`+
		`"cash_counted_fen":4000,"items":`+counted(3)+`,"notes":"2-104 漏水待跟进"}`, desk)
	expectBody(t, "the clerk hands over 10 yuan short", code, body, 200, `"status":"handed"`, `"discrepancy":true`,
		`"cash_expected_fen":5000`, `"cash_difference_fen":-1000`, `"handed_at":"20`)
	if notified(t, app, "supervisor@example.com", "handover_discrepancy") != before+1 {
		t.Fatal("the supervisor was not told of the discrepancy")
	}
	if notified(t, app, desk2, "handover_to_accept") != toAccept+1 {
		t.Fatal("the incoming clerk was not told to take over")
	}
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"accepted"}`, desk)
	expectBody(t, "the outgoing clerk cannot sign for the incoming one", code, body, 400, "wuye_step_not_yours")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"accepted","accept_note":"现金少10元，已报主管"}`, desk2)
	expectBody(t, "the incoming clerk signs", code, body, 200, `"status":"accepted"`, `"accepted_at":"20`)
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"notes":"改"}`, desk)
	expectBody(t, "a signed handover is frozen", code, body, 400, "wuye_frozen")
	code, _ = testapp.Do(t, h, http.MethodDelete, url, "", "director@example.com")
	if code == 204 {
		t.Fatal("a handover was deleted")
	}
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": id, "action": "handover_discrepancy"}); n != 1 {
		t.Fatalf("discrepancy events: %d", n)
	}

	// The next shift's clerk counts what the last one counted: no difference,
	// no alarm; the shift starts when they took over.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`"}`, desk2)
	expectBody(t, "the next shift opens", code, body, 200)
	id2 := recordID(t, body)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/shift_handovers/records/"+id2, `{"status":"handed","to_staff":"`+testapp.ID(t, "staff:"+desk)+`",`+
		`"cash_counted_fen":0,"items":`+counted(3)+`}`, desk2)
	expectBody(t, "a clean handover", code, body, 200, `"discrepancy":false`, `"remotes":3`)
	if notified(t, app, "supervisor@example.com", "handover_discrepancy") != before+1 {
		t.Fatal("the supervisor was told of a clean handover")
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`"}`, desk)
	expectBody(t, "the first clerk opens again", code, body, 200)
	id3 := recordID(t, body)
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/shift_handovers/records/"+id3, `{"status":"handed","to_staff":"`+testapp.ID(t, "staff:"+desk2)+`",`+
		`"cash_counted_fen":0,"items":`+counted(2)+`}`, desk)
	expectBody(t, "a remote missing since the last count", code, body, 200, `"discrepancy":true`, `"cash_expected_fen":0`)
	if !strings.Contains(body, `"items_expected":{`) {
		t.Fatal(body)
	}
}

// The handover counts the keys out from the key register: a count that
// differs is a discrepancy ([000] 交接班制度 4.1.7 其它固定物品…由交接双方当面点清).
func TestShiftHandoverCountsKeysOut(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	var out int
	// Keys on loan; those handed to their owners at a move-in are the
	// owners' (hooks/movein.go).
	if err := app.DB().NewQuery(`SELECT COUNT(*) FROM key_loans WHERE community = {:c} AND returned_at = '' AND move_in = ''`).
		Bind(dbx.Params{"c": ch}).Row(&out); err != nil {
		t.Fatal(err)
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`"}`, "frontdesk@example.com")
	expectBody(t, "open", code, body, 200)
	id := recordID(t, body)
	items := func(keys int) string {
		b, _ := json.Marshal(map[string]int{"keys_out": keys})
		return string(b)
	}
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/shift_handovers/records/"+id,
		`{"status":"handed","to_staff":"`+testapp.ID(t, "staff:frontdesk2@example.com")+`","items":`+items(out+1)+`}`, "frontdesk@example.com")
	expectBody(t, "one key too many", code, body, 200, `"discrepancy":true`)
	r, _ := app.FindRecordById("shift_handovers", id)
	var expected map[string]int
	_ = json.Unmarshal([]byte(r.GetString("items_expected")), &expected)
	held, _ := hooks.HeldParcels(app, ch)
	if expected["keys_out"] != out || expected["parcels_held"] != held || held == 0 {
		t.Fatalf("expected items %v, keys out %d", expected, out)
	}
}

// The sheet names complaints by category, never by their words, and leaves
// off those about the service center: the cashier and the next clerk read the
// sheet but may not read a complaint, and a complaint about the service
// center is the administration office's — it may be about the clerk
// ([003] 2.2.8).
func TestShiftSheetKeepsComplaintsPrivate(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	desk := staffRec(t, app, "frontdesk@example.com")
	plain := fileComplaint(t, app, desk, "1-202", "cleaning", map[string]any{"content": "楼道堆放杂物，住户私事细节"})
	about := fileComplaint(t, app, desk, "1-202", "staff_attitude", map[string]any{
		"content": "前台接待员态度恶劣", "about_service_center": true, "subject_staff": staffRec(t, app, "frontdesk2@example.com").Id})

	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/shift_handovers/records", `{"community":"`+ch+`"}`, "frontdesk2@example.com")
	expectBody(t, "the complained-about clerk opens a shift", code, body, 200)
	id := recordID(t, body)
	for _, reader := range []string{"frontdesk2@example.com", "cashier@example.com"} {
		code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/shift-handovers/"+id+"/sheet", "", reader)
		expectBody(t, reader+" reads the sheet", code, body, 200, plain.GetString("serial"), "投诉：清洁")
		for _, secret := range []string{about.GetString("serial"), about.Id, "前台接待员态度恶劣", "住户私事细节"} {
			if strings.Contains(body, secret) {
				t.Fatalf("%s read %q on the handover sheet: %s", reader, secret, body)
			}
		}
	}
}
