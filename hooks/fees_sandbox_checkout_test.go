package hooks_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/internal/testapp"
)

const checkoutURL = "/api/wuye/pay/wechat/sandbox-checkout"

func TestSandboxCheckout(t *testing.T) {
	app := testapp.New(t)
	hooks.EnableSandboxCheckout(app) // as `wuye demo` does, before serving
	bills := billed(t, app)
	h := testapp.Handler(t, app)
	b := bills[0]

	tradeNo := startOnlinePayment(t, h, testapp.ID(t, "unit:1-101"), b.Id, "owner1@example.com")
	trade := `{"trade_no":"` + tradeNo + `"}`
	payments := func() int { return countIn(t, app, "payments") }
	before := payments()

	for _, c := range []struct {
		name, who, url, body string
		want                 int
	}{
		{"a guest", "", checkoutURL, trade, 401},
		{"a co-resident of the unit who did not open the order", "tenant1@example.com", checkoutURL, trade, 404},
		{"a neighbour", "owner2@example.com", checkoutURL, trade, 404},
		{"staff of the other community", "frontdesk.yx@example.com", checkoutURL, trade, 404},
		{"the other provider's cashier", "owner1@example.com", "/api/wuye/pay/alipay/sandbox-checkout", trade, 404},
		{"an unknown provider", "owner1@example.com", "/api/wuye/pay/paypal/sandbox-checkout", trade, 404},
		{"an unknown order", "owner1@example.com", checkoutURL, `{"trade_no":"OP20261123000000"}`, 404},
		{"no order at all", "owner1@example.com", checkoutURL, `{}`, 400},
	} {
		if code, body := testapp.Do(t, h, http.MethodPost, c.url, c.body, c.who); code != c.want {
			t.Errorf("%s checks out: %d %s, want %d", c.name, code, body, c.want)
		}
	}
	if payments() != before {
		t.Fatal("a refused checkout made a payment")
	}

	var paid struct{ Status, Payment string }
	code, body := testapp.Do(t, h, http.MethodPost, checkoutURL, trade, "owner1@example.com")
	if code != 200 {
		t.Fatalf("the payer checks out: %d %s", code, body)
	}
	_ = json.Unmarshal([]byte(body), &paid)
	if paid.Status != "paid" || paid.Payment == "" || payments() != before+1 {
		t.Fatalf("after checkout: %s, payments %d → %d", body, before, payments())
	}
	p, err := app.FindRecordById("payments", paid.Payment)
	if err != nil {
		t.Fatal(err)
	}
	if p.GetInt("amount_fen") != b.GetInt("amount_fen") || p.GetString("method") != "wechat" || p.GetString("unit") != b.GetString("unit") {
		t.Errorf("payment %v for bill %v", p.FieldsData(), b.FieldsData())
	}
	if s, got := owedOn(t, app, b.Id); s != "paid" || got != b.GetInt("amount_fen") {
		t.Errorf("bill %s with %d paid", s, got)
	}
	if s, _ := owedOn(t, app, bills[1].Id); s == "paid" {
		t.Error("a bill outside the order was paid")
	}

	// Paying again (a double click, a retry) changes nothing.
	code, body = testapp.Do(t, h, http.MethodPost, checkoutURL, trade, "owner1@example.com")
	var again struct{ Status, Payment string }
	_ = json.Unmarshal([]byte(body), &again)
	if code != 200 || again != paid || payments() != before+1 {
		t.Errorf("a second checkout: %d %s, payments %d → %d", code, body, before, payments())
	}
	o, err := app.FindFirstRecordByFilter("online_orders", "trade_no={:t}", dbx.Params{"t": tradeNo})
	if err != nil || o.GetString("status") != "paid" || o.GetString("payment") != paid.Payment {
		t.Errorf("order after checkout: %v %v", o, err)
	}
}

// Without EnableSandboxCheckout (a production server) there is no way to
// mark an order paid but the provider's signed callback.
func TestSandboxCheckoutIsOffByDefault(t *testing.T) {
	app := testapp.New(t)
	bills := billed(t, app)
	h := testapp.Handler(t, app)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/pay/wechat",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","bills":["`+bills[0].Id+`"]}`, "owner1@example.com")
	if code != 200 {
		t.Fatalf("owner1 starts paying: %d %s", code, body)
	}
	var started struct {
		Order struct {
			TradeNo string `json:"trade_no"`
		} `json:"order"`
	}
	_ = json.Unmarshal([]byte(body), &started)
	before := countIn(t, app, "payments")
	if code, body := testapp.Do(t, h, http.MethodPost, checkoutURL, `{"trade_no":"`+started.Order.TradeNo+`"}`, "owner1@example.com"); code != 404 {
		t.Errorf("checkout on a server without the sandbox cashier: %d %s", code, body)
	}
	if s, _ := owedOn(t, app, bills[0].Id); s == "paid" || countIn(t, app, "payments") != before {
		t.Error("a server without the sandbox cashier took a payment")
	}
}

// startOnlinePayment opens an online order for bill of unit as email and
// returns its trade number.
func startOnlinePayment(t *testing.T, h http.Handler, unit, bill, email string) string {
	t.Helper()
	code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/pay/wechat", `{"unit":"`+unit+`","bills":["`+bill+`"]}`, email)
	if code != 200 {
		t.Fatalf("%s starts paying: %d %s", email, code, body)
	}
	var started struct {
		Order struct {
			TradeNo string `json:"trade_no"`
		} `json:"order"`
	}
	_ = json.Unmarshal([]byte(body), &started)
	return started.Order.TradeNo
}
