package hooks_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/paygate"
	"wuye/lib/workcal"
)

// Online takings are closed each day against the provider's statement
// (office practice, the online side of [000] 收费员 4.2.1.7's daily close):
// every settled order must be on the statement at its amount, nothing else
// may be, and each difference is listed.
func TestOnlineTakingsReconcileWithTheStatement(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	do := func(method, url, body, who string) (int, string) { return testapp.Do(t, h, method, url, body, who) }
	ch, day := testapp.ID(t, "community:CH"), clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	code, body := do(http.MethodPost, "/api/wuye/pay/alipay", `{"unit":"`+testapp.ID(t, "unit:1-101")+`"}`, "owner1@example.com")
	expectBody(t, "owner1 pays online", code, body, 200)
	var started struct {
		Order struct {
			TradeNo   string `json:"trade_no"`
			AmountFen int64  `json:"amount_fen"`
		} `json:"order"`
	}
	if err := json.Unmarshal([]byte(body), &started); err != nil {
		t.Fatal(err)
	}
	trade, amount := started.Order.TradeNo, started.Order.AmountFen
	if err := hooks.PaySandboxOrder(app, trade); err != nil {
		t.Fatal(err)
	}
	check := func(statement, who string) (int, string) {
		return do(http.MethodPost, "/api/collections/online_reconciliations/records",
			`{"community":"`+ch+`","provider":"alipay","day":"`+day+`","status":"matched","mismatches":0`+statement+`}`, who)
	}
	line := func(tradeNo string, fen int64) string {
		b, _ := json.Marshal(paygate.StatementLine{TradeNo: tradeNo, AmountFen: fen})
		return string(b)
	}

	code, body = check(`,"statement":[`+line(trade, amount)+`]`, "cashier@example.com")
	expectBody(t, "a day that matches", code, body, 200, `"status":"matched"`, `"mismatches":0`, `"orders":1`)
	code, body = check(`,"statement":[`+line(trade, amount+1)+`,`+line("OP-NOT-OURS", 500)+`]`, "cashier@example.com")
	expectBody(t, "an amount differs, a line is not ours", code, body, 200, `"status":"mismatched"`, `"mismatches":2`,
		`"kind":"amount_differs","trade_no":"`+trade+`"`, `"kind":"missing_in_orders","trade_no":"OP-NOT-OURS"`)
	code, body = check(`,"statement":[]`, "supervisor@example.com")
	expectBody(t, "the provider never got it", code, body, 200, `"kind":"missing_in_statement","trade_no":"`+trade+`"`)
	code, body = check(`,"statement":[{"trade_no":"","amount_fen":5}]`, "cashier@example.com")
	expectBody(t, "a statement line without its trade number", code, body, 400, "对账单第 1 行有误")
	if code, body = check(`,"statement":[]`, "tech1@example.com"); code == 200 {
		t.Fatalf("a technician reconciles: %s", body)
	}
	// Without an upload the sandbox gives its own book, where the order is.
	code, body = check(``, "cashier@example.com")
	expectBody(t, "the sandbox's statement", code, body, 200, `"orders":1`)
	var got struct {
		Lines []paygate.Mismatch `json:"lines"`
	}
	json.Unmarshal([]byte(body), &got)
	for _, m := range got.Lines {
		if m.TradeNo == trade {
			t.Fatalf("the sandbox's statement disagrees on the order: %+v", m)
		}
	}
	if n, _ := app.CountRecords("notifications", nil); n == 0 {
		t.Fatal("no one was told of the mismatches")
	}
}
