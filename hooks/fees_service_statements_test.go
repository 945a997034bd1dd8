package hooks_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// [003] 篇2 4.8, 4.9(4): at the end of the month the service center and
// finance check the month's paid services against the money taken and fill
// in the 特约服务收费明细及确认, signed by both — here the cashier, then the
// supervisor. Every completed paid order is listed with what was paid for
// it; totals and differences are flagged; once confirmed it is frozen; it
// prints.
func TestServiceStatementOfTheMonth(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	do := func(method, url, body, who string) (int, string) { return testapp.Do(t, h, method, url, body, who) }
	ch := testapp.ID(t, "community:CH")
	month := clock.Now().In(workcal.Shanghai).Format("2006-01")
	next := clock.Now().In(workcal.Shanghai).AddDate(0, 1, 0).Format("2006-01")
	create := func(m, who string) (int, string) {
		return do(http.MethodPost, "/api/collections/service_statements/records", `{"community":"`+ch+`","month":"`+m+`","status":"confirmed","paid_fen":1}`, who)
	}
	// The demo's statement of the month, signed by its cashier, is set aside
	// so that this test draws its own.
	if demo, err := app.FindFirstRecordByFilter("service_statements", "month = {:m}", dbx.Params{"m": month}); err != nil || demo.GetString("status") != "cashier_signed" {
		t.Fatalf("the demo's statement of the month: %v", err)
	}
	if _, err := app.DB().NewQuery("DELETE FROM service_statements").Execute(); err != nil {
		t.Fatal(err)
	}
	code, body := create(next, "cashier@example.com")
	expectBody(t, "not a month still to come", code, body, 400, "只能核对已结束的月份")
	if code, body = create(month, "tech1@example.com"); code == 200 {
		t.Fatalf("a technician drew up the statement: %s", body)
	}
	code, body = create(month, "cashier@example.com")
	expectBody(t, "finance draws up the month", code, body, 200, `"status":"draft"`, `"drawn_by":"`+testapp.ID(t, "staff:cashier@example.com")+`"`)
	id := idOf(t, body)
	var s struct {
		Orders    int                 `json:"orders"`
		AmountFen int64               `json:"amount_fen"`
		PaidFen   int64               `json:"paid_fen"`
		DiffFen   int64               `json:"difference_fen"`
		Flagged   int                 `json:"flagged"`
		Lines     []hooks.ServiceLine `json:"lines"`
	}
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	// The demo's month: paid on site (2), prepaid (1), billed on a statement and owing (2).
	var amount, paid int64
	flagged, unpaid := 0, ""
	for _, l := range s.Lines {
		amount += l.AmountFen
		paid += l.PaidFen
		if l.Flag != "" {
			flagged++
		}
		if l.Flag == "owing" { // on a statement, not yet paid
			unpaid = l.Order
		}
		if l.Payment == "paid_on_site" && (l.Flag != "" || l.Receipts == "" || !strings.HasPrefix(l.Receipts, "SK-")) {
			t.Errorf("a paid-on-site order without its receipt: %+v", l)
		}
	}
	if s.Orders < 5 || s.Orders != len(s.Lines) || amount != s.AmountFen || paid != s.PaidFen || s.DiffFen != amount-paid || flagged != s.Flagged || unpaid == "" {
		t.Fatalf("statement %d orders %d/%d fen, diff %d, flagged %d: %+v", s.Orders, s.AmountFen, s.PaidFen, s.DiffFen, s.Flagged, s.Lines)
	}
	code, body = create(month, "supervisor@example.com")
	expectBody(t, "one statement a month", code, body, 400, "已经建立")

	url := "/api/collections/service_statements/records/" + id
	code, body = do(http.MethodPatch, url, `{"status":"confirmed"}`, "supervisor@example.com")
	expectBody(t, "the supervisor confirms only what the cashier signed", code, body, 400, "不能从")
	code, body = do(http.MethodPatch, url, `{"status":"cashier_signed"}`, "supervisor@example.com")
	expectBody(t, "the cashier signs for finance", code, body, 400, "您不能把")
	code, body = do(http.MethodPatch, url, `{"paid_fen":0}`, "cashier@example.com")
	expectBody(t, "the figures are Wuye's", code, body, 400, "此时您不能修改这一项")

	// The unpaid order is paid before the cashier signs: what is signed is
	// drawn again.
	code, body = do(http.MethodPatch, "/api/collections/work_orders/records/"+unpaid, `{"payment":"paid","pay_method":"cash"}`, "cashier@example.com")
	expectBody(t, "an owing order is paid", code, body, 200)
	code, body = do(http.MethodPatch, url, `{"status":"cashier_signed","note":"已核对"}`, "cashier@example.com")
	expectBody(t, "the cashier signs", code, body, 200, `"status":"cashier_signed"`, `"cashier_signed_at":"20`, `"flagged":`+strconv.Itoa(s.Flagged-1))
	code, body = do(http.MethodPatch, url, `{"status":"confirmed"}`, "supervisor@example.com")
	expectBody(t, "the supervisor confirms", code, body, 200, `"status":"confirmed"`, `"supervisor":"`+testapp.ID(t, "staff:supervisor@example.com")+`"`)
	code, body = do(http.MethodPatch, url, `{"note":"改"}`, "supervisor@example.com")
	expectBody(t, "confirmed is final", code, body, 400, "不能再修改")
	code, body = do(http.MethodDelete, url, "", "root@example.com")
	expectBody(t, "never deleted", code, body, 400)

	rec := testapp.Do
	code, body = rec(t, h, http.MethodGet, "/api/wuye/service-statements/"+id+"/print", "", "frontdesk@example.com")
	expectBody(t, "the service center's printed copy", code, body, 200, "特约服务收费明细及确认", "沈会计", "吴敏", "已核对")
	code, _ = rec(t, h, http.MethodGet, "/api/wuye/service-statements/"+id+"/print", "", "tech1@example.com")
	expectBody(t, "not a technician's", code, "", 404)
}

// The printable statement opens in a tab of its own, which sends no
// Authorization header: a short-lived file token in ?token= signs it in
// ([003] 篇2 4.9(4): both sides keep a printed copy). The token is only as
// good as its holder: another community's supervisor still gets 404, a
// made-up token 401.
func TestPrintedStatementByFileToken(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	st, err := app.FindFirstRecordByFilter("service_statements", "community = {:c}", dbx.Params{"c": testapp.ID(t, "community:CH")})
	if err != nil {
		t.Fatal(err)
	}
	url := "/api/wuye/service-statements/" + st.Id + "/print"
	token := func(email string) string {
		s, err := app.FindAuthRecordByEmail("staff", email)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.NewFileToken()
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	code, body := testapp.Do(t, h, http.MethodGet, url+"?token="+token("cashier@example.com"), "", "")
	expectBody(t, "the cashier's tab", code, body, 200, "特约服务收费明细及确认", st.GetString("month"))
	code, _ = testapp.Do(t, h, http.MethodGet, url, "", "")
	expectBody(t, "no token", code, "", 401)
	code, _ = testapp.Do(t, h, http.MethodGet, url+"?token=not-a-token", "", "")
	expectBody(t, "a made-up token", code, "", 401)
	code, _ = testapp.Do(t, h, http.MethodGet, url+"?token="+token("supervisor.yx@example.com"), "", "")
	expectBody(t, "another community's supervisor", code, "", 404)
	// An auth token is not a file token.
	code, _ = testapp.Do(t, h, http.MethodGet, url+"?token="+testapp.Token(t, "cashier@example.com"), "", "")
	expectBody(t, "an auth token in the address", code, "", 401)
}
