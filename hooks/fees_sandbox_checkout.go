package hooks

import (
	"net/http"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"wuye/lib/paygate"
)

// EnableSandboxCheckout adds POST /api/wuye/pay/{provider}/sandbox-checkout
// {"trade_no"}: the demo's stand-in for the WeChat or Alipay cashier page.
// The payer of a pending order "pays" it, and the sandbox provider's signed
// notification goes through the same settlement as a real callback. Only
// `wuye demo` enables it: a production server has no way to mark an order
// paid without the provider.
func EnableSandboxCheckout(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.POST("/api/wuye/pay/{provider}/sandbox-checkout", sandboxCheckout).Bind(apis.RequireAuth())
		return se.Next()
	})
}

func sandboxCheckout(e *core.RequestEvent) error {
	sandbox, ok := Providers[e.Request.PathValue("provider")].(paygate.Sandbox)
	if !ok {
		return apis.NewNotFoundError("", nil)
	}
	var body struct {
		TradeNo string `json:"trade_no"`
	}
	if err := e.BindBody(&body); err != nil || strings.TrimSpace(body.TradeNo) == "" {
		return badRequest(validation.Errors{"trade_no": codedError("validation_required")})
	}
	o, err := e.App.FindFirstRecordByData("online_orders", "trade_no", body.TradeNo)
	// Only the resident who opened the order, while still living in the
	// unit, may pay it here; anyone else learns nothing of it.
	if err != nil || o.GetString("provider") != sandbox.Name() || !mayPayOrder(e, o) {
		return apis.NewNotFoundError("", nil)
	}
	n := paygate.Notification{
		TradeNo: o.GetString("trade_no"), AmountFen: int64(o.GetInt("amount_fen")),
		ProviderTxnID: "SANDBOX" + security.RandomStringWithAlphabet(12, "0123456789"),
		PaidAt:        now().Format(time.RFC3339),
	}
	// Sign and verify as the provider and the callback would.
	signed, sig := sandbox.Sign(n)
	if n, err = sandbox.Verify(signed, sig); err != nil {
		return err
	}
	if err := settleOnlineOrder(e.App, n); err != nil {
		return err
	}
	paid, err := e.App.FindRecordById("online_orders", o.Id)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"status": paid.GetString("status"), "payment": paid.GetString("payment")})
}

func mayPayOrder(e *core.RequestEvent, o *core.Record) bool {
	return isResident(e.Auth) && o.GetString("resident") == e.Auth.Id && mayPayOnline(e.App, e.Auth, o.GetString("unit"))
}
