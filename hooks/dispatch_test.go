package hooks_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/sla"
	"wuye/lib/workcal"
)

func itemID(t testing.TB, app core.App, code string) string {
	t.Helper()
	r, err := app.FindFirstRecordByData("service_items", "code", code)
	if err != nil {
		t.Fatal(err)
	}
	return r.Id
}

// fileOrder takes in a work order for unit key as auth.
func fileOrder(t testing.TB, app core.App, auth *core.Record, unit, item string, extra map[string]any) *core.Record {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("work_orders")
	o := core.NewRecord(col)
	o.Set("unit", testapp.ID(t, "unit:"+unit))
	o.Set("service_item", itemID(t, app, item))
	o.Set("description", "测试报修 "+item)
	o.Set("contact_name", "测试")
	o.Set("contact_phone", "13700000000")
	for k, v := range extra {
		o.Set(k, v)
	}
	if err := hooks.FileWorkOrder(app, o, auth); err != nil {
		t.Fatalf("file order: %v", err)
	}
	stored, err := app.FindRecordById("work_orders", o.Id)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

func expectBody(t testing.TB, name string, code int, body string, wantCode int, want ...string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("%s: %d %s, want %d", name, code, body, wantCode)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("%s: no %s in %s", name, w, body)
		}
	}
}

func TestWorkOrderLifecycleWithQuoteConsent(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	unit := testapp.ID(t, "unit:1-101")
	do := func(method, url, body, who string) (int, string) { return testapp.Do(t, h, method, url, body, who) }

	code, body := do(http.MethodPost, "/api/collections/work_orders/records",
		`{"unit":"`+unit+`","service_item":"`+itemID(t, app, "SN03")+`","description":"阳台水管渗水","status":"completed","amount_fen":1}`, "owner1@example.com")
	expectBody(t, "owner asks for an estimated repair", code, body, 200, `"status":"new"`, `"kind":"paid"`, `"category":"plumbing"`,
		`"quote_confirmed_at":""`, `"amount_fen":0`, `"serial":"PG-`, `"requester":"`+testapp.ID(t, "residents:owner1@example.com")+`"`)
	o, _ := app.FindFirstRecordByFilter("work_orders", "description='阳台水管渗水'")
	url := "/api/collections/work_orders/records/" + o.Id
	// 15 minutes inside the opening hours (the test runs at any hour;
	// TestWorkOrderTimers and TestServiceLevelDefaults pin the instants).
	hours, _ := sla.ParseHours(sla.DefaultOpens, sla.DefaultCloses, string(sla.DefaultDays))
	cal, _ := workcal.New(workcal.Builtin())
	if want := sla.Due(cal, o.GetDateTime("received_at").Time(), sla.Policy{Amount: 15, Unit: sla.Minutes, Hours: &hours}); !o.GetDateTime("reply_due").Time().Equal(want) {
		t.Fatalf("reply due %v, want %v", o.GetDateTime("reply_due"), want)
	}

	appointment := clock.Now().Add(30 * time.Minute).UTC().Format("2006-01-02 15:04:05.000Z")
	code, body = do(http.MethodPatch, url, `{"status":"dispatched","dispatch_mode":"assign","technician":"`+testapp.ID(t, "staff:tech1@example.com")+`","appointment_at":"`+appointment+`"}`, "frontdesk@example.com")
	expectBody(t, "the desk dispatches to tech1", code, body, 200, `"status":"dispatched"`, `"replied_at":"20`)
	code, body = do(http.MethodPatch, url, `{"status":"accepted"}`, "tech2@example.com")
	expectBody(t, "another technician cannot accept it", code, body, 404)
	code, body = do(http.MethodPatch, url, `{"status":"accepted"}`, "tech1@example.com")
	expectBody(t, "tech1 accepts", code, body, 200, `"accepted_at":"20`)
	code, body = do(http.MethodPatch, url, `{"status":"on_site"}`, "tech1@example.com")
	expectBody(t, "tech1 arrives 30 minutes early", code, body, 200, `"arrival":"early"`)
	code, body = do(http.MethodPatch, url, `{"status":"in_progress"}`, "tech1@example.com")
	expectBody(t, "no paid work before the resident agrees to a price", code, body, 400, `有偿服务须先经住户确认价格才能开工`)
	code, body = do(http.MethodPatch, url, `{"status":"quoted"}`, "tech1@example.com")
	expectBody(t, "a quote needs an amount", code, body, 400, `报价：派工单改为“待确认报价”时必须填写`)
	// [004] 三 7.5: 在服务前向服务对象说明服务内容及对应价格 — a quote says
	// what it covers; the resident reads it before agreeing (migration 0053).
	code, body = do(http.MethodPatch, url, `{"status":"quoted","quote_fen":15000}`, "tech1@example.com")
	expectBody(t, "a quote needs what it covers", code, body, 400, `报价说明：派工单改为“待确认报价”时必须填写`)
	code, body = do(http.MethodPatch, url, `{"status":"quoted","quote_fen":15000,"quote_note":"更换阀芯，含人工"}`, "tech1@example.com")
	expectBody(t, "tech1 quotes 150 元", code, body, 200, `"quote_fen":15000`)
	code, body = do(http.MethodGet, url, "", "owner1@example.com")
	expectBody(t, "the resident reads what the quote covers", code, body, 200, `"quote_note":"更换阀芯，含人工"`)
	code, body = do(http.MethodPatch, url, `{"status":"in_progress"}`, "tech1@example.com")
	expectBody(t, "the technician cannot agree for the resident", code, body, 400, `您不能把派工单从“待确认报价”改为“施工中”`)
	code, body = do(http.MethodPatch, url, `{"status":"in_progress"}`, "owner1@example.com")
	expectBody(t, "the owner agrees in the portal", code, body, 200, `"status":"in_progress"`, `"quote_confirmed_at":"20`)
	code, body = do(http.MethodPatch, url, `{"status":"completed","materials":[{"name":"PPR 接头","qty":2,"price_fen":-5}]}`, "tech1@example.com")
	expectBody(t, "materials are checked", code, body, 400, `第 1 行材料：单价须是 0 到 100 万元之间的整数`)
	code, body = do(http.MethodPatch, url, `{"status":"completed","materials":[{"name":"PPR 接头","qty":2,"price_fen":850},{"name":"生料带","qty":1,"price_fen":300}],"payment":"unpaid"}`, "tech1@example.com")
	expectBody(t, "tech1 completes; the amount is the quote plus materials", code, body, 200,
		`"materials_fen":2000`, `"amount_fen":17000`, `"payment":"unpaid"`)

	// The unpaid amount waits for the unit's next statement, with the serial.
	lines, err := hooks.UnbilledWorkOrders(app, unit)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range lines {
		if l.ID == o.Id {
			found = l.AmountFen == 17000 && l.Serial == o.GetString("serial")
		}
	}
	if !found {
		t.Fatalf("the unpaid order is not a statement line with its serial and amount: %+v", lines)
	}

	code, body = do(http.MethodPatch, url, `{"status":"signed_off","signoff":"confirmed","satisfaction":"satisfied"}`, "tech1@example.com")
	expectBody(t, "on the technician's phone the resident must sign", code, body, 400, `请住户在屏幕上签名确认`)
	code, body = do(http.MethodPatch, url, `{"status":"signed_off","signoff":"confirmed","satisfaction":"satisfied"}`, "owner1@example.com")
	expectBody(t, "the owner signs off in the portal", code, body, 200, `"signoff":"confirmed"`)
	code, body = do(http.MethodPatch, url, `{"payment":"paid"}`, "cashier@example.com")
	expectBody(t, "no payment without how it was paid", code, body, 400, `请选择收款方式`)
	code, body = do(http.MethodPatch, url, `{"payment":"paid","pay_method":"card"}`, "cashier@example.com")
	expectBody(t, "the cashier takes the payment", code, body, 200, `"payment":"paid"`)
	lines, _ = hooks.UnbilledWorkOrders(app, unit)
	for _, l := range lines {
		if l.ID == o.Id {
			t.Fatal("a paid order is still being collected")
		}
	}
	code, body = do(http.MethodPatch, url, `{"status":"revisited","revisit_method":"home_visit","satisfaction":"satisfied"}`, "frontdesk@example.com")
	expectBody(t, "the desk revisits", code, body, 200, `"revisited_at":"20`)
	code, body = do(http.MethodPatch, url, `{"status":"closed"}`, "frontdesk@example.com")
	expectBody(t, "and closes", code, body, 200, `"closed_at":"20`)
	code, body = do(http.MethodDelete, url, "", "root@example.com")
	expectBody(t, "work orders are never deleted", code, body, 400, `派工单不能删除`)

	n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": o.Id, "action": "status", "public": true})
	if n != 9 {
		t.Fatalf("%d public status events, want 9", n)
	}
}

func TestPriceListAndDemands(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/service_items/records?perPage=100", "", "owner1@example.com")
	if !strings.Contains(body, "日光灯维修") || strings.Contains(body, "上门理发") {
		t.Fatalf("residents read the active price list only: %s", body)
	}
	_, body = testapp.Do(t, h, http.MethodGet, "/api/collections/service_items/records?perPage=100", "", "frontdesk@example.com")
	if !strings.Contains(body, "上门理发") {
		t.Fatal("staff see the whole list, discontinued items too")
	}
	item := `{"community":"` + testapp.ID(t, "community:CH") + `","code":"DQ09","name":"灯具安装","category":"electrical","kind":"paid","price_fen":3000,"active":true}`
	for who, want := range map[string]int{"frontdesk@example.com": 400, "tech1@example.com": 400, "supervisor.yx@example.com": 400, "supervisor@example.com": 200} {
		if code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/service_items/records", item, who); code != want {
			t.Errorf("%s adding a price: %d %s, want %d", who, code, body, want)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/work_orders/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","service_item":"`+itemID(t, app, "LF01")+`","description":"理发"}`, "owner1@example.com")
	expectBody(t, "a discontinued service cannot be ordered", code, body, 400, `该服务项目不存在或已停用`)

	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/service_demands/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","description":"想要上门洗车服务"}`, "owner1@example.com")
	expectBody(t, "a resident asks for a service not offered", code, body, 200, `"status":"open"`, `"contact_phone":"13800000001"`)
	d, _ := app.FindFirstRecordByFilter("service_demands", "description='想要上门洗车服务'")
	code, body = testapp.Do(t, h, http.MethodPatch, "/api/collections/service_demands/records/"+d.Id, `{"answer":"暂未开通，开通后公告通知"}`, "frontdesk@example.com")
	expectBody(t, "the desk answers", code, body, 200, `"status":"answered"`, `"answered_by":"`+testapp.ID(t, "staff:frontdesk@example.com")+`"`)
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/service_demands/records/"+d.Id, "", "owner2@example.com"); code != 404 {
		t.Error("owner2 reads owner1's request")
	}
}

func TestWorkOrderVisibility(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	mine := fileOrder(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "DQ02", nil)
	elsewhere, err := hooks.AdvanceWorkOrder(app, fileOrder(t, app, staffRec(t, app, "frontdesk@example.com"), "1-102", "MG01", nil).Id,
		staffRec(t, app, "frontdesk@example.com"), "dispatched", map[string]any{"dispatch_mode": "assign", "technician": staffRec(t, app, "tech2@example.com").Id})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		o    *core.Record
		who  string
		want int
	}{
		{mine, "owner1@example.com", 200}, {mine, "owner2@example.com", 404}, {mine, "tenant1@example.com", 200}, // the household's (migration 0052)
		{mine, "frontdesk@example.com", 200}, {mine, "cashier@example.com", 200}, {mine, "tech1@example.com", 404},
		{mine, "frontdesk.yx@example.com", 404}, {elsewhere, "tech2@example.com", 200}, {elsewhere, "tech1@example.com", 404},
	} {
		if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/work_orders/records/"+v.o.Id, "", v.who); code != v.want {
			t.Errorf("%s viewing %s: %d, want %d", v.who, v.o.GetString("description"), code, v.want)
		}
	}
	// A technician's list: their own orders and the pool of their trades.
	_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/work_orders/records?perPage=200", "", "tech1@example.com")
	if strings.Contains(body, elsewhere.Id) || strings.Contains(body, "门锁芯卡死") {
		t.Error("tech1 lists tech2's orders")
	}
	if !strings.Contains(body, "卫生间地漏堵塞") { // the demo's plumbing pool order
		t.Error("tech1 (a plumber) does not see the plumbing pool")
	}
}

// orderIn brings a fresh paid, fixed-price order to status from along the
// legal path (as a superuser, with tech1 as the technician).
func orderIn(t testing.TB, app core.App, from string) *core.Record {
	t.Helper()
	o := fileOrder(t, app, staffRec(t, app, "frontdesk@example.com"), "1-104", "SN01", nil)
	tech := staffRec(t, app, "tech1@example.com").Id
	path := []struct {
		to     string
		fields map[string]any
	}{
		{"dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech}},
		{"accepted", nil}, {"on_site", nil},
		{"quoted", map[string]any{"quote_fen": 3000, "quote_note": "人工费"}},
		{"in_progress", nil}, {"completed", nil},
		{"signed_off", map[string]any{"signoff": "confirmed"}},
		{"revisited", map[string]any{"revisit_method": "phone", "satisfaction": "satisfied"}},
		{"closed", nil},
	}
	if from == "cancelled" {
		o, err := hooks.AdvanceWorkOrder(app, o.Id, nil, "cancelled", map[string]any{"cancel_reason": "不需要了"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	var err error
	for _, p := range path {
		if o.GetString("status") == from {
			break
		}
		if o, err = hooks.AdvanceWorkOrder(app, o.Id, nil, p.to, p.fields); err != nil {
			t.Fatalf("reach %s at %s: %v", from, p.to, err)
		}
	}
	if o.GetString("status") != from {
		t.Fatalf("could not reach %s", from)
	}
	return o
}

func TestEveryIllegalWorkOrderStepIsRefused(t *testing.T) {
	app := testapp.New(t)
	statuses := []string{"new", "dispatched", "accepted", "on_site", "quoted", "in_progress", "completed", "signed_off", "revisited", "closed", "cancelled"}
	all := map[string]any{"dispatch_mode": "assign", "technician": staffRec(t, app, "tech1@example.com").Id, "quote_fen": 100, "quote_note": "人工费",
		"signoff": "confirmed", "revisit_method": "phone", "satisfaction": "satisfied", "cancel_reason": "x"}
	tried := 0
	for _, from := range statuses {
		o := orderIn(t, app, from)
		for _, to := range statuses {
			if _, legal := (&hooks.Flow{Steps: hooks.WorkOrderFlow}).Step(from, to); legal || to == from {
				continue
			}
			tried++
			fields := map[string]any{}
			for k, v := range all {
				fields[k] = v
			}
			_, err := hooks.AdvanceWorkOrder(app, o.Id, nil, to, fields)
			want := "wuye_illegal_step"
			if from == "closed" || from == "cancelled" {
				want = "wuye_frozen"
			}
			if code := errCode(err, "status"); code != want {
				t.Errorf("%s → %s: %v (code %q), want %s", from, to, err, code, want)
			}
			if stored, _ := app.FindRecordById("work_orders", o.Id); stored.GetString("status") != from || stored.GetString("updated") != o.GetString("updated") {
				t.Errorf("%s → %s refused but the order changed", from, to)
			}
		}
	}
	if tried != 11*10-len(hooks.WorkOrderFlow) {
		t.Fatalf("tried %d illegal steps", tried)
	}
}

func TestWorkOrderStepsBelongToTheirActors(t *testing.T) {
	app := testapp.New(t)
	tech1 := staffRec(t, app, "tech1@example.com")
	fieldsFor := map[string]map[string]any{
		"dispatched": {"dispatch_mode": "assign", "technician": tech1.Id}, "quoted": {"quote_fen": 3000, "quote_note": "人工费"},
		"signed_off": {"signoff": "confirmed", "signature": "x.png"}, "revisited": {"revisit_method": "phone", "satisfaction": "satisfied"},
		"cancelled": {"cancel_reason": "x"},
	}
	outsiders := []string{"areamgr@example.com", "engineer@example.com", "security@example.com", "cashier@example.com", "tech2@example.com"}
	for _, step := range hooks.WorkOrderFlow {
		for _, who := range outsiders {
			o := orderIn(t, app, step.From)
			fields := map[string]any{}
			for k, v := range fieldsFor[step.To] {
				fields[k] = v
			}
			_, err := hooks.AdvanceWorkOrder(app, o.Id, staffRec(t, app, who), step.To, fields)
			if code := errCode(err, "status"); code != "wuye_step_not_yours" {
				t.Errorf("%s → %s by %s: %v, want wuye_step_not_yours", step.From, step.To, who, err)
			}
		}
	}
}

func TestPrepaidServiceIsPaidBeforeDispatch(t *testing.T) {
	app := testapp.New(t)
	desk := staffRec(t, app, "frontdesk@example.com")
	dispatch := map[string]any{"dispatch_mode": "assign", "technician": staffRec(t, app, "tech2@example.com").Id}
	unpaid := fileOrder(t, app, desk, "1-201", "BJ01", nil)
	if _, err := hooks.AdvanceWorkOrder(app, unpaid.Id, desk, "dispatched", dispatch); errCode(err, "payment") != "wuye_prepay_first" {
		t.Fatalf("in-home cleaning dispatched unpaid: %v", err)
	}
	paid := fileOrder(t, app, desk, "1-201", "BJ01", map[string]any{"payment": "paid", "pay_method": "wechat"})
	if _, err := hooks.AdvanceWorkOrder(app, paid.Id, desk, "dispatched", dispatch); err != nil {
		t.Fatalf("prepaid cleaning not dispatched: %v", err)
	}
}

func TestWorkOrderTimers(t *testing.T) {
	app := testapp.New(t)
	sh := workcal.Shanghai
	intake := time.Date(2026, 3, 2, 9, 0, 0, 0, sh)
	restore := hooks.SetNow(func() time.Time { return intake })
	o := fileOrder(t, app, residentRec(t, app, "owner1@example.com"), "1-101", "DQ01", nil)
	restore()
	if !o.GetDateTime("reply_due").Time().Equal(intake.Add(15 * time.Minute)) {
		t.Fatalf("reply due %v", o.GetDateTime("reply_due"))
	}
	notices := func() int64 {
		n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "work_order_overdue", "subject_id": o.Id})
		return n
	}
	if n, _ := hooks.FlagLateReplies(app, intake.Add(14*time.Minute)); n != 0 {
		t.Fatal("flagged before 15 minutes")
	}
	if n, _ := hooks.FlagLateReplies(app, intake.Add(16*time.Minute)); n != 1 || notices() != 2 {
		t.Fatalf("late reply: flagged %d, %d notices (want 1, 2)", n, notices())
	}
	if n, _ := hooks.FlagLateReplies(app, intake.Add(time.Hour)); n != 0 || notices() != 2 {
		t.Fatal("a late reply was escalated twice")
	}

	// Arrival against the appointment: ≤ 5 min early and ≤ 2 min late is on time.
	appointment := time.Date(2026, 3, 3, 10, 0, 0, 0, sh)
	for _, c := range []struct {
		arrive time.Duration
		want   string
	}{{-6 * time.Minute, "early"}, {-5 * time.Minute, "on_time"}, {2 * time.Minute, "on_time"}, {3 * time.Minute, "late"}} {
		o := orderIn(t, app, "accepted")
		o.Set("appointment_at", appointment)
		if err := app.Save(o); err != nil {
			t.Fatal(err)
		}
		r := hooks.SetNow(func() time.Time { return appointment.Add(c.arrive) })
		o, err := hooks.AdvanceWorkOrder(app, o.Id, staffRec(t, app, "tech1@example.com"), "on_site", nil)
		r()
		if err != nil || o.GetString("arrival") != c.want {
			t.Errorf("arriving %v from the appointment: %q (%v), want %s", c.arrive, o.GetString("arrival"), err, c.want)
		}
	}

	// Revisits of last month's orders are due by the 10th.
	r := hooks.SetNow(func() time.Time { return time.Date(2026, 3, 20, 15, 0, 0, 0, sh) })
	done := orderIn(t, app, "signed_off")
	revisited := orderIn(t, app, "revisited")
	r()
	if n, _ := hooks.FlagMissedRevisits(app, time.Date(2026, 4, 9, 23, 0, 0, 0, sh)); n != 0 {
		t.Fatal("flagged before the 10th")
	}
	if n, _ := hooks.FlagMissedRevisits(app, time.Date(2026, 4, 10, 0, 10, 0, 0, sh)); n < 1 {
		t.Fatal("nothing flagged on the 10th")
	}
	if o, _ := app.FindRecordById("work_orders", done.Id); !o.GetBool("revisit_overdue") {
		t.Fatal("the unrevisited order of March is not flagged")
	}
	if o, _ := app.FindRecordById("work_orders", revisited.Id); o.GetBool("revisit_overdue") {
		t.Fatal("a revisited order was flagged")
	}
	if n, _ := hooks.FlagMissedRevisits(app, time.Date(2026, 4, 11, 0, 10, 0, 0, sh)); n != 0 {
		t.Fatal("flagged twice")
	}
}

func TestReworkAndEscalation(t *testing.T) {
	app := testapp.New(t)
	desk := staffRec(t, app, "frontdesk@example.com")
	owner := residentRec(t, app, "owner1@example.com")
	tech := staffRec(t, app, "tech1@example.com")
	fail := func(id string) *core.Record {
		t.Helper()
		steps := []struct {
			actor  *core.Record
			to     string
			fields map[string]any
		}{
			{desk, "dispatched", map[string]any{"dispatch_mode": "assign", "technician": tech.Id}},
			{tech, "accepted", nil}, {tech, "on_site", nil}, {tech, "in_progress", nil}, {tech, "completed", nil},
			{owner, "signed_off", map[string]any{"signoff": "rework", "satisfaction": "unsatisfied"}},
		}
		var o *core.Record
		var err error
		for _, s := range steps {
			if o, err = hooks.AdvanceWorkOrder(app, id, s.actor, s.to, s.fields); err != nil {
				t.Fatalf("%s: %v", s.to, err)
			}
		}
		rw, err := app.FindFirstRecordByFilter("work_orders", "rework_of = {:id}", dbx.Params{"id": o.Id})
		if err != nil {
			t.Fatalf("no rework order after an unsatisfied sign-off: %v", err)
		}
		return rw
	}
	first := fileOrder(t, app, owner, "1-101", "SN02", nil)
	rw := fail(first.Id)
	if rw.GetString("status") != "new" || rw.GetInt("rework_round") != 1 || rw.GetString("payment") != "none" ||
		rw.GetString("requester") != owner.Id || rw.GetString("source_ref") != first.GetString("serial") {
		t.Fatalf("rework order: %v", rw)
	}
	escalations := func() int64 {
		n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "work_order_rework_failed"})
		return n
	}
	if escalations() != 0 {
		t.Fatal("a first rework was escalated")
	}
	again := fail(rw.Id)
	if again.GetInt("rework_round") != 2 || escalations() != 2 {
		t.Fatalf("a failed rework must reach the supervisor and the director: round %d, %d notices", again.GetInt("rework_round"), escalations())
	}
}

// TestPoolClaimRace sends two claims for one pool order at the same moment
// through the API: exactly one technician gets it; the other is told, in
// their language, that a colleague took it (409), and their claim changes
// nothing. A claim that comes later, and one judged against a copy read
// while the order was still in the pool, get the same answer.
func TestPoolClaimRace(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	desk := staffRec(t, app, "frontdesk@example.com")
	pooled := func() *core.Record {
		t.Helper()
		o := fileOrder(t, app, desk, "1-203", "SN02", nil)
		if _, err := hooks.AdvanceWorkOrder(app, o.Id, desk, "dispatched", map[string]any{"dispatch_mode": "pool"}); err != nil {
			t.Fatal(err)
		}
		return o
	}
	const takenZh, takenEn = "该工单已被同事接单", "This order was already taken by a colleague."
	claim := func(o *core.Record, who, lang string) (int, string) {
		// The field app sends the claimant along with the status.
		body := `{"status":"accepted","technician":"` + testapp.ID(t, "staff:"+who) + `"}`
		return testapp.Do(t, h, http.MethodPatch, "/api/collections/work_orders/records/"+o.Id+"?lang="+lang, body, who)
	}
	loserEvents := func(o *core.Record, who string) int64 {
		n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": o.Id, "actor_staff": testapp.ID(t, "staff:"+who)})
		return n
	}
	for round := 0; round < 10; round++ {
		o := pooled()
		lang := []string{"zh", "en"}[round%2]
		type result struct {
			who  string
			code int
			body string
		}
		results := make(chan result, 2)
		start := make(chan struct{})
		for _, who := range []string{"tech1@example.com", "tech2@example.com"} {
			go func(who string) {
				<-start
				code, body := claim(o, who, lang)
				results <- result{who, code, body}
			}(who)
		}
		close(start)
		var winner, loser string
		for i := 0; i < 2; i++ {
			r := <-results
			switch {
			case r.code == 200 && winner == "":
				winner = r.who
			case r.code == 409 && loser == "" && strings.Contains(r.body, map[string]string{"zh": takenZh, "en": takenEn}[lang]):
				loser = r.who
			default:
				t.Fatalf("round %d: %s got %d %s", round, r.who, r.code, r.body)
			}
		}
		stored, _ := app.FindRecordById("work_orders", o.Id)
		if winner == "" || loser == "" || stored.GetString("technician") != testapp.ID(t, "staff:"+winner) || stored.GetString("status") != "accepted" {
			t.Fatalf("round %d: winner %q, loser %q, stored %s technician %s", round, winner, loser, stored.GetString("status"), stored.GetString("technician"))
		}
		if n := loserEvents(o, loser); n != 0 {
			t.Fatalf("round %d: the losing claim left %d events", round, n)
		}
		// Later, with the order long out of the pool: the same answer.
		if code, body := claim(o, loser, "zh"); code != 409 || !strings.Contains(body, takenZh) {
			t.Fatalf("round %d: a late claim got %d %s", round, code, body)
		}
	}

	// A claim judged against a copy read while the order was still in the
	// pool: a colleague's claim lands between that read and the write
	// (inTxChecked refuses it as changed meanwhile).
	o := pooled()
	tech1 := staffRec(t, app, "tech1@example.com")
	app.OnRecordUpdateRequest("work_orders").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Priority: -100, // before the flow's hooks
		Func: func(e *core.RecordRequestEvent) error {
			if e.Auth != nil && e.Auth.Email() == "tech2@example.com" && e.Record.Id == o.Id {
				if _, err := hooks.AdvanceWorkOrder(app, o.Id, tech1, "accepted", nil); err != nil {
					t.Errorf("tech1's claim: %v", err)
				}
			}
			return e.Next()
		},
	})
	if code, body := claim(o, "tech2@example.com", "en"); code != 409 || !strings.Contains(body, takenEn) {
		t.Fatalf("a claim judged against a stale copy got %d %s", code, body)
	}
	if stored, _ := app.FindRecordById("work_orders", o.Id); stored.GetString("technician") != tech1.Id || loserEvents(o, "tech2@example.com") != 0 {
		t.Fatalf("after the stale claim the order's technician is %s", stored.GetString("technician"))
	}

	// A technician without the trade cannot claim at all.
	o = fileOrder(t, app, staffRec(t, app, "frontdesk@example.com"), "1-203", "DQ01", nil) // electrical: tech2 is no electrician
	if _, err := hooks.AdvanceWorkOrder(app, o.Id, staffRec(t, app, "frontdesk@example.com"), "dispatched", map[string]any{"dispatch_mode": "pool"}); err != nil {
		t.Fatal(err)
	}
	if code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/work_orders/records/"+o.Id, `{"status":"accepted"}`, "tech2@example.com"); code == 200 {
		t.Fatalf("tech2 claimed an electrical order: %s", body)
	}

}
