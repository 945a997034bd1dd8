package hooks_test

import (
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

// acceptedRenovation is permittedRenovation (1-103, owner2, a 2,000 yuan
// deposit) taken through completion to joint acceptance today.
func acceptedRenovation(t *testing.T, app core.App) *core.Record {
	t.Helper()
	r := permittedRenovation(t, app)
	var err error
	if r, err = hooks.AdvanceRenovation(app, r.Id, residentRec(t, app, "owner2@example.com"), "completion_requested", nil); err != nil {
		t.Fatal(err)
	}
	if r, err = hooks.AdvanceRenovation(app, r.Id, staffRec(t, app, "engineer@example.com"), "accepted",
		map[string]any{"resident_signed": true, "contractor_signed": true, "office_signed": true}); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDepositRefundFlow: the renovation deposit comes back only after
// acceptance and the waiting period ([001] 中汇广场 五: 办妥工程验收手续后六个月按有关规定清退装修押金),
// less what violations deducted ([004] 四 3 5.2.1 扣罚押金), with the
// director's approval ([004] 四 3 4.3: 主任负责审批…押金清退), paid by the cashier
// ([004] 四 3 4.5: 内勤助理负责收、退装修押金) — and by no other path.
func TestDepositRefundFlow(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	r := permittedRenovation(t, app)
	post := func(body, who string) (int, string) {
		return testapp.Do(t, h, http.MethodPost, "/api/collections/deposit_refunds/records", body, who)
	}
	ask := `{"renovation":"` + r.Id + `","request_note":"业主到前台申请退还押金"}`

	// Not accepted: a renovation under way has nothing to refund yet.
	code, body := post(ask, "frontdesk@example.com")
	expectBody(t, "a refund before acceptance", code, body, 400, "验收合格后才能申请退还押金")

	// A violation on site deducts 300 yuan from the deposit, and is still
	// open at acceptance.
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_violations/records",
		`{"renovation":"`+r.Id+`","severity":"minor","kind":"debris","description":"楼道堆放建筑垃圾","measures":["deduct","rectify"],"deduct_fen":30000,"rectify_by":"2099-01-01"}`, "engineer@example.com")
	expectBody(t, "a violation with a deduction", code, body, 200)
	v, _ := app.FindFirstRecordByFilter("renovation_violations", "renovation={:r}", dbx.Params{"r": r.Id})
	var err error
	if r, err = hooks.AdvanceRenovation(app, r.Id, residentRec(t, app, "owner2@example.com"), "completion_requested", nil); err != nil {
		t.Fatal(err)
	}
	if r, err = hooks.AdvanceRenovation(app, r.Id, staffRec(t, app, "engineer@example.com"), "accepted",
		map[string]any{"resident_signed": true, "contractor_signed": true, "office_signed": true}); err != nil {
		t.Fatal(err)
	}
	due := r.GetString("deposit_refund_due")
	if want := clock.Now().In(workcal.Shanghai).AddDate(0, 6, 0).Format(time.DateOnly); due != want {
		t.Fatalf("refund due %s, want six months after acceptance, %s", due, want)
	}

	// Too early: accepted today, refundable in six months.
	code, body = post(ask, "frontdesk@example.com")
	expectBody(t, "a refund inside the waiting period", code, body, 400, "才到退还日期", due)

	later := clock.Now().In(workcal.Shanghai).AddDate(0, 6, 1)
	restore := hooks.SetNow(func() time.Time { return later })
	defer restore()

	// An open violation blocks it until rechecked.
	code, body = post(ask, "frontdesk@example.com")
	expectBody(t, "a refund with a violation open", code, body, 400, "违规未复查整改")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/renovation_violations/records/"+v.Id, `{"status":"rectified","recheck_note":"已清理"}`, "engineer@example.com")
	expectBody(t, "the recheck", code, body, 200)

	// Wrong role: the engineer takes no refund requests.
	code, _ = post(ask, "engineer@example.com")
	if code == 200 {
		t.Fatal("the engineer requested a refund")
	}
	if n, _ := app.CountRecords("deposit_refunds", dbx.HashExp{"renovation": r.Id}); n != 0 {
		t.Fatalf("%d refunds after the refused requests", n)
	}

	// The desk takes the request; the server fills in the money, whatever
	// was sent.
	code, body = post(`{"renovation":"`+r.Id+`","request_note":"业主到前台申请","status":"paid","amount_fen":200000,"director":"`+testapp.ID(t, "staff:director@example.com")+`"}`, "frontdesk@example.com")
	expectBody(t, "the desk takes the request", code, body, 200, `"status":"requested"`, `"amount_fen":170000`, `"deducted_fen":30000`,
		`"deposit_fen":200000`, `"serial":"TYJ-`, `"director":""`, `"payee_name":"王芳"`)
	ref, _ := app.FindFirstRecordByFilter("deposit_refunds", "renovation={:r}", dbx.Params{"r": r.Id})
	url := "/api/collections/deposit_refunds/records/" + ref.Id
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "deposit_refund_requested", "subject_id": ref.Id, "recipient_staff": testapp.ID(t, "staff:director@example.com")}); n != 1 {
		t.Fatalf("the director got %d notices of the request", n)
	}
	code, body = post(ask, "frontdesk@example.com")
	expectBody(t, "a second request while one is under way", code, body, 400, "已有清退申请")

	// No other path: the ledger refuses a refund of a renovation deposit,
	// from anyone, and a deduction while its refund is under way.
	dep := r.GetString("deposit")
	for _, who := range []string{"cashier@example.com", "director@example.com", "root@example.com"} {
		code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/deposit_movements/records",
			`{"deposit":"`+dep+`","kind":"refund","amount_fen":170000,"reason":"退押金"}`, who)
		expectBody(t, "a refund posted straight to the ledger by "+who, code, body, 400, "不能直接退款")
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/deposit_movements/records",
		`{"deposit":"`+dep+`","kind":"deduct","amount_fen":100,"reason":"补扣"}`, "cashier@example.com")
	expectBody(t, "a deduction while the refund is under way", code, body, 400, "已有清退申请")

	// Not approved: the cashier cannot pay a request.
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"paid","method":"cash"}`, "cashier@example.com")
	expectBody(t, "paying before the approval", code, body, 400, "不能从")
	// Wrong role: only the director approves.
	for _, who := range []string{"frontdesk@example.com", "supervisor@example.com", "cashier@example.com", "owner2@example.com"} {
		if code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"approved"}`, who); code == 200 {
			t.Fatalf("%s approved the refund: %s", who, body)
		}
	}
	// Too early for the approval too: back at today's date.
	restore()
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"approved"}`, "director@example.com")
	expectBody(t, "approving inside the waiting period", code, body, 400, "才到退还日期")
	defer hooks.SetNow(func() time.Time { return later })()

	// The director rejects one with a reason; it may be asked again.
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"rejected"}`, "director@example.com")
	expectBody(t, "a rejection without its reason", code, body, 400, "reject_reason")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"rejected","reject_reason":"领款人身份未核实"}`, "director@example.com")
	expectBody(t, "the director rejects", code, body, 200, `"status":"rejected"`)
	code, body = post(`{"renovation":"`+r.Id+`","payee_name":"王芳","request_note":"补交身份证明后重新申请"}`, "frontdesk@example.com")
	expectBody(t, "asked again", code, body, 200, `"status":"requested"`)
	ref, _ = app.FindFirstRecordByFilter("deposit_refunds", "renovation={:r} && status='requested'", dbx.Params{"r": r.Id})
	url = "/api/collections/deposit_refunds/records/" + ref.Id

	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"approved","director_comment":"同意退还"}`, "director@example.com")
	expectBody(t, "the director approves", code, body, 200, `"status":"approved"`, `"director":"`+testapp.ID(t, "staff:director@example.com")+`"`)
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "deposit_refund_approved", "subject_id": ref.Id, "recipient_staff": testapp.ID(t, "staff:cashier@example.com")}); n != 1 {
		t.Fatalf("the cashier got %d notices of the approval", n)
	}
	// Wrong role for the payment: the director approved, the cashier pays.
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"paid","method":"cash"}`, "director@example.com")
	expectBody(t, "the director pays", code, body, 400, "您不能")
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"paid"}`, "cashier@example.com")
	expectBody(t, "a payment without its method", code, body, 400, "method")
	if n, _ := app.CountRecords("deposit_movements", dbx.HashExp{"deposit": dep, "kind": "refund"}); n != 0 {
		t.Fatalf("%d refunds in the ledger before the payment", n)
	}

	// Paid to whom the director approved: the cashier cannot name another payee.
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"paid","method":"cash","payee_name":"沈会计"}`, "cashier@example.com")
	expectBody(t, "another payee at the counter", code, body, 400, `"payee_name"`)
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"status":"paid","method":"transfer"}`, "cashier@example.com")
	expectBody(t, "the cashier pays", code, body, 200, `"status":"paid"`, `"paid_by":"`+testapp.ID(t, "staff:cashier@example.com")+`"`)
	d := mustRecord(t, app, "deposits", dep)
	m, err := app.FindFirstRecordByFilter("deposit_movements", "deposit={:d} && kind='refund'", dbx.Params{"d": dep})
	if err != nil || m.GetInt("amount_fen") != 170000 || d.GetInt("balance_fen") != 0 || d.GetString("status") != "settled" {
		t.Fatalf("after the payment: movement %v, deposit %d %s", err, d.GetInt("balance_fen"), d.GetString("status"))
	}
	ref = mustRecord(t, app, "deposit_refunds", ref.Id)
	if ref.GetString("movement") != m.Id || ref.GetString("paid_at") == "" {
		t.Fatalf("the refund does not name its ledger entry: %v", ref)
	}
	r = mustRecord(t, app, "renovations", r.Id)
	if r.GetString("status") != "closed" || r.GetInt("refunded_fen") != 170000 {
		t.Fatalf("the renovation after the refund: %s, refunded %d", r.GetString("status"), r.GetInt("refunded_fen"))
	}
	for _, action := range []string{"deposit_refund_requested", "deposit_refund_rejected", "deposit_refund_approved", "deposit_refund_paid"} {
		if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": r.Id, "action": action}); n < 1 {
			t.Errorf("no %s event on the renovation", action)
		}
	}
	code, body = testapp.Do(t, h, http.MethodPatch, url, `{"payee_name":"别人"}`, "cashier@example.com")
	expectBody(t, "a paid refund is final", code, body, 400)

	// The voucher, printable like a receipt.
	code, body = testapp.Do(t, h, http.MethodGet, "/api/wuye/deposit-refunds/"+ref.Id+"/receipt", "", "cashier@example.com")
	expectBody(t, "the refund voucher", code, body, 200, `"amount":"1700.00 元"`, "壹仟柒佰元整", "楼道堆放建筑垃圾", `"deducted_fen":30000`,
		`"method":"transfer"`, `"payee_name":"王芳"`)
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/deposit-refunds/"+ref.Id+"/receipt", "", "owner2@example.com")
	expectBody(t, "the owner's voucher", code, "", 200)
	code, _ = testapp.Do(t, h, http.MethodGet, "/api/wuye/deposit-refunds/"+ref.Id+"/receipt", "", "owner1@example.com")
	expectBody(t, "another household's voucher", code, "", 404)
}

// TestDepositRefundPeriodPerCommunity: the waiting period is the
// community's own when it sets one, six months otherwise ([001] 中汇广场 五).
func TestDepositRefundPeriodPerCommunity(t *testing.T) {
	app := testapp.New(t)
	ch, err := app.FindRecordById("communities", testapp.ID(t, "community:CH"))
	if err != nil {
		t.Fatal(err)
	}
	ch.Set("deposit_refund_months", 3)
	if err := app.Save(ch); err != nil {
		t.Fatal(err)
	}
	r := acceptedRenovation(t, app)
	if want := clock.Now().In(workcal.Shanghai).AddDate(0, 3, 0).Format(time.DateOnly); r.GetString("deposit_refund_due") != want {
		t.Fatalf("refund due %s, want %s", r.GetString("deposit_refund_due"), want)
	}
}

// TestPassDepositStillComesBackWithThePass: a worker pass's deposit is
// refunded when the pass comes back ([001] 中汇广场 五 (四) 1.1), not through the
// renovation deposit's refund, and not straight through the ledger.
func TestPassDepositStillComesBackWithThePass(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	r := permittedRenovation(t, app)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/renovation_passes/records",
		`{"renovation":"`+r.Id+`","worker_name":"赵师傅","id_no":"500101199001011234","deposit_fen":5000}`, "frontdesk@example.com")
	expectBody(t, "a pass with its deposit", code, body, 200)
	p, _ := app.FindFirstRecordByFilter("renovation_passes", "renovation={:r} && worker_name='赵师傅'", dbx.Params{"r": r.Id})
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/deposit_movements/records",
		`{"deposit":"`+p.GetString("deposit")+`","kind":"refund","amount_fen":5000}`, "cashier@example.com")
	expectBody(t, "a pass deposit refunded straight", code, body, 400, "不能直接退款")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/renovation_passes/records/"+p.Id,
		`{"returned_at":"`+clock.Now().UTC().Format("2006-01-02 15:04:05.000Z")+`"}`, "frontdesk@example.com")
	expectBody(t, "the pass comes back", code, body, 200)
	if d := mustRecord(t, app, "deposits", p.GetString("deposit")); d.GetInt("balance_fen") != 0 || d.GetString("status") != "settled" {
		t.Fatalf("the pass deposit after the return: %d %s", d.GetInt("balance_fen"), d.GetString("status"))
	}
}
