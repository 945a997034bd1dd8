package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/paygate"
)

func TestOnlinePaymentSeam(t *testing.T) {
	app := testapp.New(t)
	bills := billed(t, app)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	b := bills[0]

	code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/pay/wechat", `{"unit":"`+unit+`","bills":["`+b.Id+`"]}`, "owner1@example.com")
	expectBody(t, "the owner starts paying a bill by WeChat", code, body, 200, `"pay_url":"sandbox://wechat/pay?trade_no=OP`)
	var started struct {
		Order struct {
			TradeNo   string `json:"trade_no"`
			AmountFen int64  `json:"amount_fen"`
		} `json:"order"`
	}
	_ = json.Unmarshal([]byte(body), &started)
	if started.Order.AmountFen != int64(b.GetInt("amount_fen")) {
		t.Fatalf("order of %d for a bill of %d", started.Order.AmountFen, b.GetInt("amount_fen"))
	}
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/wuye/pay/wechat", `{"unit":"`+unit+`"}`, "owner2@example.com"); code != 404 {
		t.Errorf("owner2 paid for 1-101: %d", code)
	}

	sandbox := hooks.Providers["wechat"].(paygate.Sandbox)
	callback := func(n paygate.Notification, sig string) (int, string) {
		payload, good := sandbox.Sign(n)
		if sig == "" {
			sig = good
		}
		req := httptest.NewRequest(http.MethodPost, "/api/wuye/pay/wechat/callback", strings.NewReader(string(payload)))
		req.Header.Set("X-Signature", sig)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	payments := func() int64 { n, _ := app.CountRecords("payments"); return n }
	before := payments()
	n := paygate.Notification{TradeNo: started.Order.TradeNo, ProviderTxnID: "wx-1", AmountFen: started.Order.AmountFen}

	if code, _ := callback(n, "00ff"); code != 401 || payments() != before {
		t.Fatalf("a forged callback: %d, payments %d → %d", code, before, payments())
	}
	wrong := n
	wrong.AmountFen--
	if code, _ := callback(wrong, ""); code != 400 || payments() != before {
		t.Fatalf("a callback for the wrong amount: %d", code)
	}
	code, body = callback(n, "")
	expectBody(t, "the provider's notification", code, body, 200, `"result":"success"`)
	if payments() != before+1 {
		t.Fatal("no payment for a verified notification")
	}
	if s, paid := owedOn(t, app, b.Id); s != "paid" || paid != b.GetInt("amount_fen") {
		t.Fatalf("bill %s with %d paid", s, paid)
	}
	code, body = callback(n, "")
	expectBody(t, "the provider retries", code, body, 200, `"result":"success"`)
	if payments() != before+1 {
		t.Fatal("a retried notification paid twice")
	}
	o, _ := app.FindFirstRecordByFilter("online_orders", "trade_no={:t}", dbx.Params{"t": n.TradeNo})
	if o.GetString("status") != "paid" || o.GetString("payment") == "" || o.GetString("provider_txn_id") != "wx-1" {
		t.Fatalf("order %v", o.FieldsData())
	}
	// The receipt names the resident who paid.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/receipts/"+o.GetString("payment"), "", "owner1@example.com")
	expectBody(t, "the online receipt names its payer", code, body, 200, `"payer_name":"李明"`)
}
