package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
)

// [004] 四 3 5.1.6 and [000] 收费员 3.2, 4.5: the renovation management fee,
// the debris-removal fee and the pass fee are charged by the desk or the
// cashier once the renovation is approved — as bills, paid with receipts —
// and the renovation's fees follow its bills (nobody types them).
func TestRenovationFeesAreBills(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	do := func(body, who, id string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/wuye/renovations/"+id+"/fees", body, who)
	}
	permitted, err := app.FindFirstRecordByFilter("renovations", "status = 'permitted'")
	if err != nil {
		t.Fatal(err)
	}
	submitted, err := app.FindFirstRecordByFilter("renovations", "status = 'submitted'")
	if err != nil {
		t.Fatal(err)
	}
	mgmt := `{"charges":[{"charge":"renovation_management","amount_fen":30000}]}`
	code, body := do(`{"charges":[{"charge":"pass_card","amount_fen":1000,"note":"2 证"}]}`, "", permitted.Id)
	expectBody(t, "nobody signed in", code, body, 401)
	code, body = do(`{"charges":[{"charge":"pass_card","amount_fen":1000}]}`, "tech1@example.com", permitted.Id)
	expectBody(t, "a technician does not see renovations", code, body, 404)
	code, body = do(`{"charges":[{"charge":"pass_card","amount_fen":1000}]}`, "engineer@example.com", permitted.Id)
	expectBody(t, "engineering bills nothing", code, body, 403)
	code, body = do(`{"charges":[{"charge":"pass_card","amount_fen":1000}]}`, "owner1@example.com", permitted.Id)
	if code != 403 && code != 404 {
		t.Fatalf("a resident bills a renovation: %d %s", code, body)
	}
	code, body = do(mgmt, "frontdesk@example.com", submitted.Id)
	expectBody(t, "not before approval", code, body, 400, "只有已批准或已发证的装修")
	code, body = do(`{"charges":[{"charge":"parking","amount_fen":1000}]}`, "frontdesk@example.com", permitted.Id)
	expectBody(t, "an unknown charge", code, body, 400, "取值无效")
	code, body = do(`{"charges":[{"charge":"pass_card","amount_fen":10.5}]}`, "frontdesk@example.com", permitted.Id)
	expectBody(t, "fen are whole", code, body, 400, "金额必须是大于 0 的整数")
	code, body = do(mgmt, "cashier@example.com", permitted.Id)
	expectBody(t, "the demo's permitted renovation already has its management fee", code, body, 400, "已开过账单")
	code, body = do(`{"charges":[{"charge":"pass_card","amount_fen":1000,"note":"新增 1 证"}]}`, "cashier@example.com", permitted.Id)
	expectBody(t, "a pass fee for another pass", code, body, 200, `"charge":"pass_card"`, `"fees_paid":false`, `"fees_fen":52000`)
	bill, err := app.FindFirstRecordByFilter("bills", "renovation = {:r} && status = 'issued'", dbx.Params{"r": permitted.Id})
	if err != nil {
		t.Fatal(err)
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records",
		`{"unit":"`+permitted.GetString("unit")+`","amount_fen":1000,"method":"wechat","bills":["`+bill.Id+`"]}`, "cashier@example.com")
	expectBody(t, "paid at the cashier's", code, body, 200)
	p := idOf(t, body)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/receipts/"+p, "", "cashier@example.com")
	expectBody(t, "the receipt names the charge", code, body, 200, `"item":"临时出入证工本费 `+permitted.GetString("serial")+`"`, `"amount_capitals":"壹拾元整"`)
	if r, _ := app.FindRecordById("renovations", permitted.Id); !r.GetBool("fees_paid") || r.GetInt("fees_fen") != 52000 {
		t.Fatalf("after payment the renovation's fees: %d paid=%v", r.GetInt("fees_fen"), r.GetBool("fees_paid"))
	}
	ev, _ := app.CountRecords("events", dbx.HashExp{"subject_id": permitted.Id, "action": "fees"})
	if ev == 0 {
		t.Fatal("no event for the fees billed")
	}
}
