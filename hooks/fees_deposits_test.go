package hooks_test

import (
	"net/http"
	"sync"
	"testing"

	"wuye/internal/testapp"
)

func TestDepositsLedger(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, unit := testapp.ID(t, "community:CH"), testapp.ID(t, "unit:1-203")
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/deposits/records",
		`{"community":"`+ch+`","unit":"`+unit+`","kind":"other","holder_name":"业主","source":"ZX-20261123-0001","amount_fen":200000,"balance_fen":1,"status":"settled"}`, "cashier@example.com")
	expectBody(t, "the cashier takes a deposit", code, body, 200, `"balance_fen":200000`, `"status":"held"`)
	d, _ := app.FindFirstRecordByFilter("deposits", "source='ZX-20261123-0001'")
	move := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/deposit_movements/records", body, who)
	}
	code, body = move(`{"deposit":"`+d.Id+`","kind":"deduct","amount_fen":30000}`, "cashier@example.com")
	expectBody(t, "a deduction needs its reason", code, body, 400, "扣除押金必须写明原因")
	code, body = move(`{"deposit":"`+d.Id+`","kind":"deduct","amount_fen":30000,"reason":"损坏公共楼道墙面"}`, "cashier@example.com")
	expectBody(t, "a deduction", code, body, 200)
	code, body = move(`{"deposit":"`+d.Id+`","kind":"refund","amount_fen":170001}`, "cashier@example.com")
	expectBody(t, "more than is left", code, body, 400, "超过押金余额")
	code, _ = move(`{"deposit":"`+d.Id+`","kind":"refund","amount_fen":100}`, "tech1@example.com")
	expectBody(t, "a technician moves no money", code, "", 400)

	// Two clerks refund the whole balance at once: one refund goes through.
	var wg sync.WaitGroup
	codes := make(chan int, 2)
	for _, who := range []string{"cashier@example.com", "supervisor@example.com"} {
		wg.Add(1)
		go func(who string) {
			defer wg.Done()
			c, _ := move(`{"deposit":"`+d.Id+`","kind":"refund","amount_fen":170000}`, who)
			codes <- c
		}(who)
	}
	wg.Wait()
	close(codes)
	ok := 0
	for c := range codes {
		if c == 200 {
			ok++
		}
	}
	d, _ = app.FindRecordById("deposits", d.Id)
	if ok != 1 || d.GetInt("balance_fen") != 0 || d.GetString("status") != "settled" {
		t.Fatalf("%d refunds went through; balance %d, %s", ok, d.GetInt("balance_fen"), d.GetString("status"))
	}
	code, body = testapp.Do(t, h, http.MethodDelete, "/api/collections/deposits/records/"+d.Id, "", "root@example.com")
	expectBody(t, "the ledger keeps everything", code, body, 400, "不能修改或删除")
}
