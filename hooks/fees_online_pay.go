package hooks

import (
	"errors"
	"io"
	"net/http"
	"os"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"wuye/lib/money"
	"wuye/lib/paygate"
)

// Providers are the online payment providers by method. Until real WeChat
// Pay and Alipay clients are configured, sandbox providers stand in, keyed
// by WUYE_PAY_SANDBOX_SECRET (a random key per process when unset, so no
// one can forge a callback to a real server by knowing a default).
var Providers = map[string]paygate.Provider{
	"wechat": paygate.Sandbox{Method: "wechat", Secret: sandboxSecret, Book: &paygate.Book{}},
	"alipay": paygate.Sandbox{Method: "alipay", Secret: sandboxSecret, Book: &paygate.Book{}},
}

var sandboxSecret = func() []byte {
	if s := os.Getenv("WUYE_PAY_SANDBOX_SECRET"); s != "" {
		return []byte(s)
	}
	return []byte(security.RandomString(40))
}()

func registerOnlinePay(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/pay/{provider}", startOnlinePayment).Bind(apis.RequireAuth())
		// The provider calls back without a user: the signature is the proof.
		se.Router.POST("/api/wuye/pay/{provider}/callback", onlinePaymentCallback)
		return se.Next()
	})
}

// startOnlinePayment answers POST /api/wuye/pay/{provider} {"unit", "bills"}:
// an order for what the chosen bills (or all the unit's open bills) still
// owe, and what the page needs to pay it.
func startOnlinePayment(e *core.RequestEvent) error {
	provider, ok := Providers[e.Request.PathValue("provider")]
	if !ok {
		return apis.NewNotFoundError("", nil)
	}
	var body struct {
		Unit  string   `json:"unit"`
		Bills []string `json:"bills"`
	}
	if err := e.BindBody(&body); err != nil {
		return badRequest(validation.Errors{"unit": codedError("validation_invalid_value")})
	}
	unit, err := e.App.FindRecordById("units", body.Unit)
	if err != nil || !mayPayOnline(e.App, e.Auth, unit.Id) {
		return apis.NewNotFoundError("", nil)
	}
	var owed int64
	var billIDs []string
	if len(body.Bills) > 0 {
		bills, err := e.App.FindRecordsByIds("bills", body.Bills)
		if err != nil || len(bills) != len(body.Bills) {
			return badRequest(validation.Errors{"bills": codedError("wuye_bill_not_this_unit")})
		}
		for _, b := range bills {
			if b.GetString("unit") != unit.Id {
				return badRequest(validation.Errors{"bills": codedError("wuye_bill_not_this_unit")})
			}
			owed += max(outstanding(b), 0)
			billIDs = append(billIDs, b.Id)
		}
	} else {
		bills, err := e.App.FindAllRecords("bills", dbx.HashExp{"unit": unit.Id, "status": []any{"issued", "partially_paid"}})
		if err != nil {
			return err
		}
		for _, b := range bills {
			owed += max(outstanding(b), 0)
			billIDs = append(billIDs, b.Id)
		}
	}
	if owed <= 0 {
		return badRequest(validation.Errors{"bills": codedError("wuye_nothing_owed")})
	}
	ordersCol, err := e.App.FindCachedCollectionByNameOrId("online_orders")
	if err != nil {
		return err
	}
	o := core.NewRecord(ordersCol)
	tradeNo := "OP" + now().Format("20060102150405") + security.RandomStringWithAlphabet(8, "0123456789")
	for k, v := range map[string]any{"trade_no": tradeNo, "community": unit.GetString("community"), "unit": unit.Id,
		"bills": billIDs, "amount_fen": owed, "provider": provider.Name(), "status": "pending"} {
		o.Set(k, v)
	}
	if isResident(e.Auth) {
		o.Set("resident", e.Auth.Id)
	}
	if err := e.App.Save(o); err != nil {
		return err
	}
	params, err := provider.Prepare(paygate.Order{TradeNo: tradeNo, AmountFen: owed, Subject: "物业费 " + unit.GetString("number")})
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"order": o, "pay": params, "amount": money.Yuan(owed)})
}

// onlinePaymentCallback answers the provider's notification: a verified
// notification for a pending order of the same amount becomes a payment
// allocated to the order's bills. It is idempotent: a notification for an
// order already paid answers success and changes nothing, so the provider's
// retries are harmless.
func onlinePaymentCallback(e *core.RequestEvent) error {
	provider, ok := Providers[e.Request.PathValue("provider")]
	if !ok {
		return apis.NewNotFoundError("", nil)
	}
	body, err := io.ReadAll(io.LimitReader(e.Request.Body, 1<<16))
	if err != nil {
		return badRequest(validation.Errors{"body": codedError("validation_invalid_value")})
	}
	n, err := provider.Verify(body, e.Request.Header.Get("X-Signature"))
	if err != nil {
		if errors.Is(err, paygate.ErrBadSignature) {
			return apis.NewUnauthorizedError("bad signature", nil)
		}
		return badRequest(validation.Errors{"body": codedError("validation_invalid_value")})
	}
	if err := settleOnlineOrder(e.App, n); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]string{"result": "success"})
}

// settleOnlineOrder turns a verified notification for a pending order of the
// same amount into a payment allocated to the order's bills, in one
// transaction. An order already paid is left alone (a provider's retry).
func settleOnlineOrder(app core.App, n paygate.Notification) error {
	return app.RunInTransaction(func(tx core.App) error {
		o, err := tx.FindFirstRecordByData("online_orders", "trade_no", n.TradeNo)
		if err != nil {
			return apis.NewNotFoundError("", nil)
		}
		if o.GetString("status") == "paid" {
			return nil // a retry
		}
		if n.AmountFen != int64(o.GetInt("amount_fen")) {
			return badRequest(validation.Errors{"amount_fen": codedError("wuye_callback_amount")})
		}
		col, err := tx.FindCachedCollectionByNameOrId("payments")
		if err != nil {
			return err
		}
		p := core.NewRecord(col)
		p.Set("unit", o.GetString("unit"))
		p.Set("community", o.GetString("community"))
		p.Set("amount_fen", n.AmountFen)
		p.Set("method", o.GetString("provider"))
		p.Set("bills", o.GetStringSlice("bills"))
		p.Set("note", "online "+n.ProviderTxnID)
		// The receipt names who paid: the resident who opened the order.
		if r, err := tx.FindRecordById("residents", o.GetString("resident")); err == nil {
			p.Set("payer_name", r.GetString("name"))
		}
		if err := storePayment(tx, p, nil, "online "+n.ProviderTxnID); err != nil {
			return err
		}
		o.Set("status", "paid")
		o.Set("payment", p.Id)
		o.Set("provider_txn_id", n.ProviderTxnID)
		o.Set("paid_at", nowDateTime())
		return tx.Save(o)
	})
}
