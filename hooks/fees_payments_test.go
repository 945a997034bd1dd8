package hooks_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/xuri/excelize/v2"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// billed prices 翠湖花园, bills two quarters and returns 1-101's open bills
// oldest first.
func billed(t testing.TB, app core.App) []*core.Record {
	t.Helper()
	priceCH(t, app)
	col, _ := app.FindCollectionByNameOrId("billing_runs")
	for _, period := range []string{"2026-Q1", "2026-Q2"} {
		run := core.NewRecord(col)
		run.Set("community", testapp.ID(t, "community:CH"))
		run.Set("period", period)
		run.Set("status", "running")
		if err := app.Save(run); err != nil {
			t.Fatal(err)
		}
		if err := hooks.RunBilling(app, run.Id); err != nil {
			t.Fatal(err)
		}
	}
	bills, err := app.FindRecordsByFilter("bills", "unit={:u} && fee_item != ''", "due_on,serial", 0, 0, dbx.Params{"u": testapp.ID(t, "unit:1-101")})
	if err != nil || len(bills) < 3 {
		t.Fatalf("bills of 1-101: %d %v", len(bills), err)
	}
	return bills
}

func owedOn(t testing.TB, app core.App, id string) (status string, paid int) {
	b, err := app.FindRecordById("bills", id)
	if err != nil {
		t.Fatal(err)
	}
	return b.GetString("status"), b.GetInt("paid_fen")
}

func TestPaymentsAllocateAndRefuseOverpayment(t *testing.T) {
	app := testapp.New(t)
	bills := billed(t, app)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	oldest := bills[0] // the Q1 management fee (21002 × 3 … whatever the rule gave)
	q1 := oldest.GetInt("amount_fen")
	pay := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records", body, who)
	}
	var total int // everything the unit owes: fee bills and paid-service lines
	all, _ := app.FindAllRecords("bills", dbx.HashExp{"unit": unit})
	for _, b := range all {
		total += b.GetInt("amount_fen")
	}
	payments := func() int64 { n, _ := app.CountRecords("payments"); return n }
	before := payments() // the demo's own

	for _, c := range []struct{ name, body, want string }{
		{"nothing", `{"unit":"` + unit + `","amount_fen":0,"method":"cash"}`, "金额必须是大于 0 的整数"},
		{"negative", `{"unit":"` + unit + `","amount_fen":-100,"method":"cash"}`, "金额必须是大于 0 的整数"},
		{"fractional fen", `{"unit":"` + unit + `","amount_fen":10.5,"method":"cash"}`, `"amount_fen"`},
		{"more than owed", `{"unit":"` + unit + `","amount_fen":` + itoa(total+1) + `,"method":"cash"}`, "超过应缴金额"},
		{"another unit's bill", `{"unit":"` + testapp.ID(t, "unit:1-102") + `","amount_fen":100,"method":"cash","bills":["` + oldest.Id + `"]}`, "所选账单不属于该房屋"},
		{"an unknown method", `{"unit":"` + unit + `","amount_fen":100,"method":"bitcoin"}`, `"method"`},
	} {
		code, body := pay(c.body, "cashier@example.com")
		if code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want 400 with %s", c.name, code, body, c.want)
		}
	}
	if payments() != before {
		t.Fatal("a refused payment was stored")
	}
	if code, _ := pay(`{"unit":"`+unit+`","amount_fen":100,"method":"cash"}`, "frontdesk@example.com"); code != 400 {
		t.Error("the front desk took money")
	}

	// 100 fen more than the oldest bill, no bills named: the oldest is paid,
	// the next one partly.
	code, body := pay(`{"unit":"`+unit+`","amount_fen":`+itoa(q1+100)+`,"method":"wechat","payer_name":"李明"}`, "cashier@example.com")
	expectBody(t, "a payment across two bills", code, body, 200, `"serial":"SK-`, `"received_by":"`+testapp.ID(t, "staff:cashier@example.com")+`"`)
	if s, paid := owedOn(t, app, oldest.Id); s != "paid" || paid != q1 {
		t.Fatalf("oldest bill: %s %d", s, paid)
	}
	if s, paid := owedOn(t, app, bills[1].Id); s != "partially_paid" || paid != 100 {
		t.Fatalf("next bill: %s %d", s, paid)
	}
	p, _ := app.FindFirstRecordByFilter("payments", "payer_name='李明'")

	// The receipt: amount in figures and capitals, what it covered.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/receipts/"+p.Id, "", "owner1@example.com")
	expectBody(t, "the owner's receipt", code, body, 200, `"amount_capitals":"`, `"payee":"翠湖花园物业服务中心"`, `"issuer":"沈会计"`, `"unit":"1栋 101"`, `"period":"2026-Q1"`)
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/receipts/"+p.Id, "", "owner2@example.com"); code != 404 {
		t.Error("owner2 read owner1's receipt")
	}

	// A reversal restores the bills; a payment is reversed once only, and is
	// never edited or deleted.
	code, body = pay(`{"unit":"`+unit+`","amount_fen":1,"method":"cash","reverses":"`+p.Id+`","note":"收错房号"}`, "cashier@example.com")
	expectBody(t, "a reversal", code, body, 200, `"amount_fen":-`+itoa(q1+100), `"reverses":"`+p.Id+`"`)
	if s, paid := owedOn(t, app, oldest.Id); s != "issued" || paid != 0 {
		t.Fatalf("after the reversal the oldest bill is %s with %d paid", s, paid)
	}
	var reversal struct{ ID string }
	_ = json.Unmarshal([]byte(body), &reversal)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/receipts/"+reversal.ID, "", "cashier@example.com")
	expectBody(t, "the reversal's receipt names the original", code, body, 200, `"reverses_serial":"`+p.GetString("serial")+`"`)
	code, body = pay(`{"unit":"`+unit+`","amount_fen":1,"method":"cash","reverses":"`+p.Id+`"}`, "cashier@example.com")
	expectBody(t, "a second reversal", code, body, 400, "这笔收款已经冲正过")
	code, body = testapp.Do(t, h, http.MethodDelete, "/api/collections/payments/records/"+p.Id, "", "root@example.com")
	expectBody(t, "no deleting payments", code, body, 400, "收款和账单不能修改或删除")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/payments/records/"+p.Id, `{"amount_fen":1}`, "root@example.com")
	expectBody(t, "no editing payments", code, body, 400, "收款和账单不能修改或删除")
}

// TestConcurrentPaymentsCannotOverpay has two cashiers take the full balance
// of the same bill at the same moment: one payment goes through.
func TestConcurrentPaymentsCannotOverpay(t *testing.T) {
	app := testapp.New(t)
	bills := billed(t, app)
	h := testapp.Handler(t, app)
	b := bills[0]
	body := `{"unit":"` + testapp.ID(t, "unit:1-101") + `","amount_fen":` + itoa(b.GetInt("amount_fen")) + `,"method":"cash","bills":["` + b.Id + `"]}`
	var wg sync.WaitGroup
	codes := make(chan int, 2)
	start := make(chan struct{})
	for _, who := range []string{"cashier@example.com", "supervisor@example.com"} {
		wg.Add(1)
		go func(who string) {
			defer wg.Done()
			<-start
			code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records", body, who)
			codes <- code
		}(who)
	}
	close(start)
	wg.Wait()
	close(codes)
	ok := 0
	for c := range codes {
		if c == 200 {
			ok++
		} else if c != 400 {
			t.Fatalf("unexpected %d", c)
		}
	}
	if s, paid := owedOn(t, app, b.Id); ok != 1 || s != "paid" || paid != b.GetInt("amount_fen") {
		t.Fatalf("%d payments went through; the bill is %s with %d paid of %d", ok, s, paid, b.GetInt("amount_fen"))
	}
}

// TestPayingAServiceLineSettlesTheWorkOrder: an unpaid work order billed on
// the statement is settled when its line is paid.
func TestPayingAServiceLineSettlesTheWorkOrder(t *testing.T) {
	app := testapp.New(t)
	billed(t, app)
	line, err := app.FindFirstRecordByFilter("bills", "unit={:u} && work_order != ''", dbx.Params{"u": testapp.ID(t, "unit:1-101")})
	if err != nil {
		t.Fatal(err)
	}
	h := testapp.Handler(t, app)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","amount_fen":`+itoa(line.GetInt("amount_fen"))+`,"method":"alipay","bills":["`+line.Id+`"]}`, "cashier@example.com")
	expectBody(t, "paying the service line", code, body, 200)
	if o, _ := app.FindRecordById("work_orders", line.GetString("work_order")); o.GetString("payment") != "paid" {
		t.Fatalf("the work order is %s after its line was paid", o.GetString("payment"))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestDailyCashClose(t *testing.T) {
	app := testapp.New(t)
	bills := billed(t, app)
	h := testapp.Handler(t, app)
	today := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	cashier := testapp.ID(t, "staff:cashier@example.com")
	before, beforeTotal, err := hooks.CashClose(app, cashier, today) // the demo's payments are today's too
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]hooks.CashLine{}
	for _, l := range before {
		got[l.Method] = l
	}
	p1 := pay(t, app, bills[0], 1000) // cash
	pay(t, app, bills[0], 500)        // cash
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/payments/records",
		`{"unit":"`+p1.GetString("unit")+`","reverses":"`+p1.Id+`","amount_fen":1,"method":"cash"}`, "cashier@example.com")
	expectBody(t, "a reversal", code, body, 200)
	lines, total, err := hooks.CashClose(app, cashier, today)
	if err != nil {
		t.Fatal(err)
	}
	var cash hooks.CashLine
	for _, l := range lines {
		if l.Method == "cash" {
			cash = l
		}
	}
	if cash.Receipts != got["cash"].Receipts+2 || cash.Reversals != got["cash"].Reversals+1 ||
		cash.AmountFen != got["cash"].AmountFen+500 || total != beforeTotal+500 {
		t.Fatalf("cash close: %+v total %d (before %+v, %d)", cash, total, got["cash"], beforeTotal)
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/cash-close?day="+today, "", "cashier@example.com")
	expectBody(t, "the cashier's own close", code, body, 200, `"total_capitals":"`)
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/cash-close?cashier="+cashier, "", "supervisor@example.com")
	expectBody(t, "the supervisor reads it", code, "", 200)
	for _, who := range []string{"frontdesk@example.com", "supervisor.yx@example.com", "owner1@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/cash-close?cashier="+cashier, "", who); code != 403 {
			t.Errorf("%s read the cashier's close: %d", who, code)
		}
	}
}

func TestStatement(t *testing.T) {
	app := testapp.New(t)
	bills := billed(t, app) // 1-101: Q1 and Q2 2026, plus the demo's Q3 and Q4
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	pay(t, app, bills[0], 1000)
	s, err := hooks.Statement(app, unit, mustPeriod("2026-Q2"))
	if err != nil {
		t.Fatal(err)
	}
	// Q1 is arrears on the Q2 statement, less what was paid on it.
	var q1 int64
	for _, b := range bills {
		if b.GetString("period") == "2026-Q1" {
			q1 += int64(b.GetInt("amount_fen"))
		}
	}
	lines, _ := app.FindAllRecords("bills", dbx.HashExp{"unit": unit, "period": "2026-Q1"}, dbx.NewExp("fee_item = ''"))
	for _, l := range lines {
		q1 += int64(l.GetInt("amount_fen"))
	}
	if got := s["previous_arrears_fen"].(int64); got != q1-1000 {
		t.Fatalf("arrears %d, want %d", got, q1-1000)
	}
	if s["total_fen"].(int64) != s["current_fen"].(int64)+q1-1000 || s["total_capitals"] == "" || s["payer"] != "李明" {
		t.Fatalf("statement %v", s)
	}
	code, body := testapp.Do(t, h, http.MethodGet, "/api/wuye/statements/"+unit+"?period=2026-Q2", "", "tenant1@example.com")
	expectBody(t, "the tenant reads the statement", code, body, 200, `"total_capitals":"`, `"物业管理费"`)
	for _, who := range []string{"owner2@example.com", "tech1@example.com", "supervisor.yx@example.com"} {
		if code, _ := testapp.Do(t, h, http.MethodGet, "/api/wuye/statements/"+unit+"?period=2026-Q2", "", who); code != 404 {
			t.Errorf("%s read 1-101's statement: %d", who, code)
		}
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/statements/"+unit+"?period=Q2", "", "cashier@example.com")
	expectBody(t, "a bad period", code, body, 400, "账期格式应为")
}

func TestExcelExports(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	get := func(url, who string) (int, []byte) {
		req := httptest.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", testapp.Token(t, who))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	code, body := get("/api/wuye/exports/bills?community="+ch+"&period=2026-Q3", "cashier@example.com")
	if code != 200 {
		t.Fatalf("bills export: %d %s", code, body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("账单")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := app.CountRecords("bills", dbx.HashExp{"community": ch, "period": "2026-Q3"})
	if len(rows) != int(n)+1 || rows[0][0] != "账单号" || !strings.HasPrefix(rows[1][0], "ZD-") {
		t.Fatalf("%d rows for %d bills; first %v %v", len(rows), n, rows[0], rows[1])
	}
	b, _ := app.FindFirstRecordByData("bills", "serial", rows[1][0])
	// The amount is a number of yuan (shown with ¥), not text.
	if raw, _ := f.GetCellValue("账单", "H2", excelize.Options{RawCellValue: true}); raw != strconv.FormatFloat(float64(b.GetInt("amount_fen"))/100, 'f', -1, 64) {
		t.Fatalf("amount cell %q, want %d fen", raw, b.GetInt("amount_fen"))
	}
	for _, kind := range []string{"payments?range=" + clock.Now().In(workcal.Shanghai).Format("2006-01"), "arrears?x=1"} {
		code, body := get("/api/wuye/exports/"+kind+"&community="+ch, "supervisor@example.com")
		if code != 200 {
			t.Fatalf("%s export: %d %s", kind, code, body)
		}
		if f, err := excelize.OpenReader(bytes.NewReader(body)); err != nil || len(f.GetSheetList()) != 1 {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	for _, who := range []string{"frontdesk@example.com", "supervisor.yx@example.com", "owner1@example.com"} {
		if code, _ := get("/api/wuye/exports/arrears?community="+ch, who); code != 403 {
			t.Errorf("%s exported the arrears: %d", who, code)
		}
	}
	if code, _ := get("/api/wuye/exports/secrets?community="+ch, "cashier@example.com"); code != 404 {
		t.Error("an unknown export")
	}
}

func TestDiscounts(t *testing.T) {
	app := testapp.New(t)
	b := billed(t, app)[0]
	h := testapp.Handler(t, app)
	url := "/api/collections/bills/records/" + b.Id
	code, body := testapp.Do(t, h, http.MethodPatch, url, `{"discount_fen":1000}`, "supervisor@example.com")
	expectBody(t, "a discount without its reason", code, body, 400, "减免必须写明原因")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"discount_fen":`+itoa(b.GetInt("amount_fen")+1)+`,"discount_reason":"x"}`, "supervisor@example.com")
	expectBody(t, "more than is owed", code, body, 400, "减免不能超过尚欠的")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"amount_fen":1}`, "supervisor@example.com")
	expectBody(t, "the amount itself", code, body, 400, "收款和账单不能修改或删除")
	code, _ = testapp.Do(t, h, http.MethodPatch, url, `{"discount_fen":1000,"discount_reason":"x"}`, "cashier@example.com")
	expectBody(t, "a cashier grants no discount", code, "", 404)
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"discount_fen":1000,"discount_reason":"空置期间停水一周"}`, "supervisor@example.com")
	expectBody(t, "the supervisor's discount", code, body, 200, `"discount_fen":1000`)
	s, _ := hooks.Statement(app, testapp.ID(t, "unit:1-101"), mustPeriod("2026-Q1"))
	found := false
	for _, l := range s["lines"].([]hooks.StatementItem) {
		if l.Bill == b.GetString("serial") {
			found = l.OutstandingFen == int64(b.GetInt("amount_fen")-1000)
		}
	}
	if !found {
		t.Fatalf("the discount does not lower what the statement asks: %v", s["lines"])
	}
}
