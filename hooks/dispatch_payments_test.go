package hooks_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// cashOf is what staff member email took in method on today's cash close,
// as the route reports it.
func cashOf(t *testing.T, h http.Handler, email, method string) int64 {
	t.Helper()
	day := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/cash-close?day="+day, "", email)
	if code != 200 {
		t.Fatalf("cash close of %s: %d %s", email, code, body)
	}
	var close struct {
		Methods []hooks.CashLine `json:"methods"`
	}
	if err := json.Unmarshal([]byte(body), &close); err != nil {
		t.Fatal(err)
	}
	for _, l := range close.Methods {
		if l.Method == method {
			return l.AmountFen
		}
	}
	return 0
}

// orderPayment is the payment that settled order o's bill.
func orderPayment(t *testing.T, app core.App, o string) (*core.Record, *core.Record) {
	t.Helper()
	bill, err := app.FindFirstRecordByData("bills", "work_order", o)
	if err != nil {
		t.Fatalf("no bill for the order: %v", err)
	}
	p, err := app.FindFirstRecordByFilter("payments", "bills ~ {:b} && reverses = ''", dbx.Params{"b": bill.Id})
	if err != nil {
		t.Fatalf("no payment of the order's bill: %v", err)
	}
	return bill, p
}

// [000] 前台 4.6.1.1 (坚持“办理即收费”), [003] 篇2 4.4: the technician takes
// the money when the work is done and the resident gets a receipt; the money
// is a real payment, in the daily cash close ([000] 收费员 4.2.1.7) of the
// person who took it. A wrong one is reversed, never edited.
func TestOnSitePaymentIsAReceiptInTheCashClose(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	do := func(method, url, body, who string) (int, string) { return testapp.Do(t, h, method, url, body, who) }
	desk, tech := staffRec(t, app, "frontdesk@example.com"), staffRec(t, app, "tech1@example.com")
	o := fileOrder(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "DQ01", nil)
	for _, s := range []struct {
		who *core.Record
		to  string
		f   map[string]any
	}{{desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}}, {tech, "accepted", nil}, {tech, "on_site", nil}, {tech, "in_progress", nil}} {
		if _, err := hooks.AdvanceWorkOrder(app, o.Id, s.who, s.to, s.f); err != nil {
			t.Fatalf("→ %s: %v", s.to, err)
		}
	}
	url := "/api/collections/work_orders/records/" + o.Id
	before := cashOf(t, h, "tech1@example.com", "cash")

	code, body := do(http.MethodPatch, url, `{"status":"completed","payment":"paid_on_site"}`, "tech1@example.com")
	expectBody(t, "paid on site, but how?", code, body, 400, "请选择收款方式")
	code, body = do(http.MethodPatch, url, `{"status":"completed","payment":"paid_on_site","pay_method":"cash"}`, "tech1@example.com")
	expectBody(t, "tech1 completes and takes 20 元 in cash", code, body, 200, `"payment":"paid_on_site"`, `"pay_method":"cash"`, `"paid_at":"20`)

	bill, p := orderPayment(t, app, o.Id)
	if bill.GetString("status") != "paid" || bill.GetInt("amount_fen") != 2000 || bill.GetString("source") != o.GetString("serial") {
		t.Fatalf("the order's bill: %s %d %s", bill.GetString("status"), bill.GetInt("amount_fen"), bill.GetString("source"))
	}
	if p.GetString("received_by") != tech.Id || p.GetString("method") != "cash" || p.GetInt("amount_fen") != 2000 {
		t.Fatalf("the payment: by %s, %s, %d", p.GetString("received_by"), p.GetString("method"), p.GetInt("amount_fen"))
	}
	if after := cashOf(t, h, "tech1@example.com", "cash"); after-before != 2000 {
		t.Fatalf("tech1's cash close grew by %d, want 2000", after-before)
	}
	code, body = do(http.MethodGet, "/api/wuye/receipts/"+p.Id, "", "owner1@example.com")
	expectBody(t, "the resident's receipt", code, body, 200, `"item":"有偿服务 `+o.GetString("serial")+`"`, `"amount_capitals":"贰拾元整"`, `"issuer":"陈师傅"`)

	code, body = do(http.MethodPatch, url, `{"payment":"unpaid"}`, "frontdesk@example.com")
	expectBody(t, "a payment is not unsaid by editing the order", code, body, 400, "收错请对收款做冲正")
	code, body = do(http.MethodPatch, url, `{"payment":"paid","pay_method":"wechat"}`, "cashier@example.com")
	expectBody(t, "nor taken twice", code, body, 400, "该派工单已收款")

	// The correction is a reversal: the order goes back on its bill.
	code, body = do(http.MethodPost, "/api/collections/payments/records", `{"unit":"`+o.GetString("unit")+`","amount_fen":-2000,"method":"cash","reverses":"`+p.Id+`"}`, "cashier@example.com")
	expectBody(t, "the cashier reverses it", code, body, 200, `"amount_fen":-2000`)
	o, _ = app.FindRecordById("work_orders", o.Id)
	bill, _ = app.FindRecordById("bills", bill.Id)
	if o.GetString("payment") != "billed" || bill.GetString("status") != "issued" {
		t.Fatalf("after the reversal the order is %s, its bill %s", o.GetString("payment"), bill.GetString("status"))
	}
}

// [003] 篇2 4.5(2): in-home cleaning is paid before it is dispatched — and
// paid means a payment was taken: the order cannot be marked paid without
// one, and one marked paid without one is not dispatched.
func TestPrepaidServiceNeedsAPaymentRecord(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	do := func(method, url, body, who string) (int, string) { return testapp.Do(t, h, method, url, body, who) }
	unit, item := testapp.ID(t, "unit:1-201"), itemID(t, app, "BJ01")
	order := func(extra string) string {
		return `{"unit":"` + unit + `","service_item":"` + item + `","description":"全屋保洁","contact_name":"住户","contact_phone":"13700000000"` + extra + `}`
	}
	dispatch := `{"status":"dispatched","dispatch_mode":"assign","technician":"` + testapp.ID(t, "staff:tech2@example.com") + `"}`

	code, body := do(http.MethodPost, "/api/collections/work_orders/records", order(`,"payment":"paid"`), "frontdesk@example.com")
	expectBody(t, "paid at the counter, but how?", code, body, 400, "请选择收款方式")
	code, body = do(http.MethodPost, "/api/collections/work_orders/records", order(`,"payment":"paid","pay_method":"wechat"`), "frontdesk@example.com")
	expectBody(t, "the desk takes 35 元 by WeChat at intake", code, body, 200, `"payment":"paid"`, `"pay_method":"wechat"`)
	paid := idOf(t, body)
	_, p := orderPayment(t, app, paid)
	if p.GetString("received_by") != testapp.ID(t, "staff:frontdesk@example.com") || p.GetInt("amount_fen") != 3500 || p.GetString("method") != "wechat" {
		t.Fatalf("the prepayment: by %s, %d, %s", p.GetString("received_by"), p.GetInt("amount_fen"), p.GetString("method"))
	}
	code, body = do(http.MethodPatch, "/api/collections/work_orders/records/"+paid, dispatch, "frontdesk@example.com")
	expectBody(t, "a paid cleaning goes out", code, body, 200, `"status":"dispatched"`)

	// An order marked paid with no payment behind it (as a hand edit could
	// once leave one) is not dispatched.
	code, body = do(http.MethodPost, "/api/collections/work_orders/records", order(""), "frontdesk@example.com")
	expectBody(t, "another cleaning, not yet paid", code, body, 200, `"payment":"none"`)
	unpaid := idOf(t, body)
	if _, err := app.DB().NewQuery("UPDATE work_orders SET payment = 'paid' WHERE id = {:id}").Bind(dbx.Params{"id": unpaid}).Execute(); err != nil {
		t.Fatal(err)
	}
	code, body = do(http.MethodPatch, "/api/collections/work_orders/records/"+unpaid, dispatch, "frontdesk@example.com")
	expectBody(t, "no payment record, no dispatch", code, body, 400, "该服务须先付款再派工")
	if _, err := app.DB().NewQuery("UPDATE work_orders SET payment = 'none' WHERE id = {:id}").Bind(dbx.Params{"id": unpaid}).Execute(); err != nil {
		t.Fatal(err)
	}
	code, body = do(http.MethodPatch, "/api/collections/work_orders/records/"+unpaid, `{"payment":"paid"}`, "cashier@example.com")
	expectBody(t, "the cashier cannot mark it paid without taking the money", code, body, 400, "请选择收款方式")
	code, body = do(http.MethodPatch, "/api/collections/work_orders/records/"+unpaid, `{"payment":"paid","pay_method":"cash"}`, "cashier@example.com")
	expectBody(t, "the cashier takes it", code, body, 200, `"payment":"paid"`)
	orderPayment(t, app, unpaid)
	code, body = do(http.MethodPatch, "/api/collections/work_orders/records/"+unpaid, dispatch, "frontdesk@example.com")
	expectBody(t, "now it goes out", code, body, 200, `"status":"dispatched"`)
}

// A paid service whose earlier bill was voided (withdrawn from a statement)
// is still paid on the spot ([000] 前台 4.6.1.1 办理即收费): the payment
// takes a new bill, not the void one, which stays void.
func TestOnSitePaymentPassesAVoidBill(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	desk, tech := staffRec(t, app, "frontdesk@example.com"), staffRec(t, app, "tech1@example.com")
	o := fileOrder(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "DQ01", nil)
	for _, s := range []struct {
		who *core.Record
		to  string
		f   map[string]any
	}{{desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}}, {tech, "accepted", nil}, {tech, "on_site", nil}, {tech, "in_progress", nil}} {
		if _, err := hooks.AdvanceWorkOrder(app, o.Id, s.who, s.to, s.f); err != nil {
			t.Fatalf("→ %s: %v", s.to, err)
		}
	}
	col, _ := app.FindCollectionByNameOrId("bills")
	void := core.NewRecord(col)
	day := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	for k, v := range map[string]any{"community": o.GetString("community"), "unit": o.GetString("unit"), "work_order": o.Id,
		"source": o.GetString("serial"), "period": day[:7], "period_start": day, "period_end": day, "due_on": day,
		"amount_fen": 2000, "status": "issued"} {
		void.Set(k, v)
	}
	if err := app.Save(void); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("UPDATE bills SET status = 'void' WHERE id = {:id}").Bind(dbx.Params{"id": void.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/work_orders/records/"+o.Id,
		`{"status":"completed","payment":"paid_on_site","pay_method":"cash"}`, "tech1@example.com")
	expectBody(t, "paid on site past a void bill", code, body, 200, `"payment":"paid_on_site"`)
	paid, err := app.FindFirstRecordByFilter("bills", "work_order = {:o} && status = 'paid'", dbx.Params{"o": o.Id})
	if err != nil || paid.Id == void.Id {
		t.Fatalf("the paid bill: %v %v", paid, err)
	}
	if v, _ := app.FindRecordById("bills", void.Id); v.GetString("status") != "void" {
		t.Fatalf("the void bill became %s", v.GetString("status"))
	}
}
