package hooks_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
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

// [000] 收费员 4.5 (单独建帐): a deposit taken is receipted in the deposits'
// own ledger — a "receive" movement with its serial, by whoever took it, by
// its method — printable for the payer, and apart from the fees in the
// taker's daily cash close.
func TestDepositTakenIsReceipted(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, unit := testapp.ID(t, "community:CH"), testapp.ID(t, "unit:1-101")
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/deposits/records",
		`{"community":"`+ch+`","unit":"`+unit+`","kind":"key","holder_name":"李明","amount_fen":12345,"method":"wechat"}`, "cashier@example.com")
	expectBody(t, "the cashier takes a deposit by WeChat", code, body, 200, `"method":"wechat"`)
	d := idOf(t, body)
	m, err := app.FindFirstRecordByFilter("deposit_movements", "deposit = {:d} && kind = 'receive'", dbx.Params{"d": d})
	if err != nil {
		t.Fatalf("no receipt movement: %v", err)
	}
	if m.GetInt("amount_fen") != 12345 || m.GetString("method") != "wechat" || m.GetString("by") != testapp.ID(t, "staff:cashier@example.com") ||
		!strings.HasPrefix(m.GetString("serial"), "YJ-") {
		t.Fatalf("the receipt: %d %s by %s, %s", m.GetInt("amount_fen"), m.GetString("method"), m.GetString("by"), m.GetString("serial"))
	}
	if dep, _ := app.FindRecordById("deposits", d); dep.GetInt("balance_fen") != 12345 {
		t.Fatalf("the receipt moved the balance to %d", dep.GetInt("balance_fen"))
	}
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/deposit-receipts/"+m.Id, "", "owner1@example.com")
	expectBody(t, "the payer's printed receipt", code, body, 200, `"serial":"`+m.GetString("serial")+`"`,
		`"amount_capitals":"壹佰贰拾叁元肆角伍分"`, `"issuer":"沈会计"`, `"kind":"receive"`)
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/deposit-receipts/"+m.Id, "", "owner.yx@example.com")
	expectBody(t, "not another community's", code, "", 404)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/deposit_movements/records",
		`{"deposit":"`+d+`","kind":"receive","amount_fen":100}`, "cashier@example.com")
	expectBody(t, "a receipt is not typed in", code, body, 400, "收取押金由押金登记自动生成收据")
	day := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/cash-close?day="+day, "", "cashier@example.com")
	expectBody(t, "the cash close lists deposits apart", code, body, 200, `"deposits":[`, `"kind":"receive","method":"wechat"`)
}
