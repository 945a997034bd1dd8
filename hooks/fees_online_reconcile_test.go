package hooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

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

// Each night the day before is checked against each provider's statement
// (the online side of the daily close, [000] 收费员 4.2.1.7): a day with a
// difference reaches the community's cashiers, supervisors and director the
// next morning, and a second run of the job for the same community and day
// (a restart, a retry) stores nothing and tells no one again.
func TestNightlyReconciliationOfTheDayBefore(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	today := clock.Now().In(workcal.Shanghai).Format(time.DateOnly)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/wuye/pay/alipay", `{"unit":"`+testapp.ID(t, "unit:1-101")+`"}`, "owner1@example.com")
	expectBody(t, "owner1 pays online", code, body, 200)
	var started struct {
		Order struct {
			TradeNo string `json:"trade_no"`
		} `json:"order"`
	}
	if err := json.Unmarshal([]byte(body), &started); err != nil {
		t.Fatal(err)
	}
	// Settled on Wuye's side but never on the provider's statement.
	if _, err := app.DB().NewQuery(`UPDATE online_orders SET status = 'paid', paid_at = {:at} WHERE trade_no = {:t}`).
		Bind(dbx.Params{"at": clock.Now().UTC().Format(types.DefaultDateLayout), "t": started.Order.TradeNo}).Execute(); err != nil {
		t.Fatal(err)
	}
	// A cashier's upload that matches Wuye's side does not stand in for the
	// provider's own statement: the job still reads it.
	var amount int64
	_ = app.DB().NewQuery(`SELECT amount_fen FROM online_orders WHERE trade_no = {:t}`).Bind(dbx.Params{"t": started.Order.TradeNo}).Row(&amount)
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/online_reconciliations/records",
		fmt.Sprintf(`{"community":"%s","provider":"alipay","day":"%s","statement":[{"trade_no":"%s","amount_fen":%d}]}`, ch, today, started.Order.TradeNo, amount),
		"cashier@example.com")
	expectBody(t, "the cashier's own matching statement", code, body, 200, `"status":"matched"`)
	before, _ := app.CountRecords("online_reconciliations")
	tomorrow := clock.Now().Add(24 * time.Hour)
	defer hooks.SetNow(func() time.Time { return tomorrow })()

	n, err := hooks.ReconcileDayBefore(app, tomorrow.In(workcal.Shanghai).Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("the nightly job checked nothing")
	}
	checks, err := app.FindRecordsByFilter("online_reconciliations", "community = {:c} && provider = 'alipay' && day = {:d} && checked_by = ''", "", 0, 0,
		dbx.Params{"c": ch, "d": today})
	if err != nil || len(checks) != 1 {
		t.Fatalf("alipay checks of %s: %d (%v), want 1", today, len(checks), err)
	}
	c := checks[0]
	if c.GetString("status") != "mismatched" || !strings.Contains(c.GetString("lines"), `"kind":"missing_in_statement","trade_no":"`+started.Order.TradeNo+`"`) {
		t.Fatalf("the check: %s %s", c.GetString("status"), c.GetString("lines"))
	}
	// The demo's cashier checked wechat for the day already; the job reads
	// the provider's statement all the same, once.
	if wechat, _ := app.CountRecords("online_reconciliations", dbx.HashExp{"community": ch, "provider": "wechat", "day": today, "checked_by": ""}); wechat != 1 {
		t.Fatalf("the job's wechat checks of %s: %d, want 1", today, wechat)
	}
	told := func(email string) int64 {
		s, err := app.FindAuthRecordByEmail("staff", email)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := app.CountRecords("notifications", dbx.HashExp{"recipient_staff": s.Id, "kind": "online_reconciliation_mismatch", "subject_id": c.Id})
		return n
	}
	for _, who := range []string{"cashier@example.com", "supervisor@example.com", "director@example.com"} {
		if told(who) != 1 {
			t.Errorf("%s was told %d times of the mismatch, want once", who, told(who))
		}
	}
	if told("frontdesk@example.com") != 0 {
		t.Error("the front desk was told of the online takings")
	}
	after, _ := app.CountRecords("online_reconciliations")

	// Run again: nothing new, no one told twice.
	if n, err := hooks.ReconcileDayBefore(app, tomorrow.In(workcal.Shanghai).Format(time.DateOnly)); err != nil || n != 0 {
		t.Fatalf("a second run stored %d checks (%v)", n, err)
	}
	if again, _ := app.CountRecords("online_reconciliations"); again != after || after <= before {
		t.Fatalf("checks %d → %d → %d", before, after, again)
	}
	if told("cashier@example.com") != 1 {
		t.Error("the cashier was told twice")
	}
}
