package hooks_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
	"wuye/migrations"
)

// Issue #16, item 3: a technician completed an order with 9×10^16 of a
// material; the billing run made a bill of 9×10^18 fen of it, and a second
// such order overflowed the month's sums so that the statistics answered 400
// for that month for good. The attack is refused, line by line, with the
// line's number; the statistics stay up.
func TestMaterialsAreBoundedLineByLine(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	o := orderIn(t, app, "in_progress") // tech1's, quoted 30 元
	url := "/api/collections/work_orders/records/" + o.Id
	line := func(name string, qty, price any) string {
		return fmt.Sprintf(`{"name":%q,"qty":%v,"price_fen":%v}`, name, qty, price)
	}
	complete := func(lines ...string) string {
		return `{"status":"completed","payment":"unpaid","materials":[` + strings.Join(lines, ",") + `]}`
	}
	ok := line("PPR 接头", 2, 850)
	for _, c := range []struct{ name, body, want string }{
		{"the attack: 9×10^16 of a material", complete(line("水管", "9e16", 100)), "第 1 行材料：数量不能超过 10000"},
		{"the attack on the second line", complete(ok, line("水管", 90000000000000000, 100)), "第 2 行材料：数量不能超过 10000"},
		{"a quantity of 0", complete(line("水管", 0, 100)), "第 1 行材料：数量必须大于 0"},
		{"a negative quantity", complete(line("水管", -1, 100)), "第 1 行材料：数量必须大于 0"},
		{"three decimals", complete(line("水管", 1.234, 100)), "第 1 行材料：数量最多保留两位小数"},
		{"a quantity as text", complete(line("水管", `"2"`, 100)), "第 1 行材料：格式不正确"},
		{"a negative price", complete(line("水管", 1, -5)), "第 1 行材料：单价须是 0 到 100 万元之间的整数"},
		{"a fractional price", complete(line("水管", 1, 12.5)), "第 1 行材料：单价须是"},
		{"a price as text", complete(line("水管", 1, `"100"`)), "第 1 行材料：单价须是"},
		{"a price of 9×10^18", complete(line("水管", 1, "9e18")), "第 1 行材料：单价须是"},
		{"a line over 100万元", complete(line("水管", 10000, 100000000)), "第 1 行材料：金额（数量 × 单价）不能超过 100 万元"},
		{"no name", complete(line(" ", 1, 100)), "第 1 行材料：须填写名称"},
		{"a name of 101 characters", complete(line(strings.Repeat("管", 101), 1, 100)), "第 1 行材料：须填写名称"},
		{"a line that is not an object", complete(`1`), "材料清单有误"},
		{"recorded before completion too", `{"materials":[` + line("水管", "9e16", 100) + `]}`, "第 1 行材料：数量不能超过 10000"},
	} {
		code, body := testapp.Do(t, h, http.MethodPatch, url, c.body, "tech1@example.com")
		if code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want 400 with %q", c.name, code, body, c.want)
		}
	}
	// The order is as it was: in progress, no amount.
	stored, _ := app.FindRecordById("work_orders", o.Id)
	if stored.GetString("status") != "in_progress" || stored.GetInt("amount_fen") != 0 || stored.GetString("materials") != "null" {
		t.Fatalf("a refused completion changed the order: %v %v %q", stored.GetString("status"), stored.GetInt("amount_fen"), stored.GetString("materials"))
	}
	// In English too.
	req, _ := http.NewRequest(http.MethodPatch, url, strings.NewReader(complete(line("水管", "9e16", 100))))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", testapp.Token(t, "tech1@example.com"))
	req.Header.Set("Accept-Language", "en")
	if code, body := serve(h, req); code != 400 || !strings.Contains(body, "Materials line 1: the quantity cannot exceed 10,000") {
		t.Errorf("in English: %d %s", code, body)
	}
	// What the field app sends: 2.5 m of pipe at 8.50 元 and a seal.
	code, body := testapp.Do(t, h, http.MethodPatch, url, complete(line("PPR 管", 2.5, 850), line("生料带", 1, 300)), "tech1@example.com")
	expectBody(t, "a real completion", code, body, 200, `"materials_fen":2425`, `"amount_fen":5425`)
}

// The exact attack, end to end: refused; then the billing run and every
// statistic of the month answer normally.
func TestTheMaterialsAttackLeavesBillingAndStatisticsUp(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	for range 2 {
		o := orderIn(t, app, "in_progress")
		code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/work_orders/records/"+o.Id,
			`{"status":"completed","payment":"unpaid","materials":[{"name":"水管","qty":9e16,"price_fen":100}]}`, "tech1@example.com")
		expectBody(t, "the attack", code, body, 400, "数量不能超过 10000")
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/billing_runs/records", `{"community":"`+ch+`","period":"2031-Q1"}`, "cashier@example.com")
	expectBody(t, "the billing run", code, body, 200)
	if run := waitRun(t, app, jsonID(body)); run.GetString("status") != "done" {
		t.Fatalf("billing run: %v", run.FieldsData())
	}
	if n, _ := app.CountRecords("bills", dbx.NewExp("amount_fen > {:m}", dbx.Params{"m": hooks.MaxFen})); n != 0 {
		t.Fatalf("%d bills beyond the bound", n)
	}
	month := time.Now().In(workcal.Shanghai).Format("2006-01") // the orders were filed now
	for _, url := range []string{
		"/api/stats/work-orders?community=" + ch + "&month=" + month,
		"/api/stats/trends?community=" + ch + "&month=" + month + "&months=3",
		"/api/stats/dashboard?community=" + ch + "&month=" + month,
	} {
		if code, body := testapp.Do(t, h, http.MethodGet, url, "", "supervisor@example.com"); code != 200 {
			t.Errorf("%s: %d %s", url, code, body)
		}
	}
}

// Rows stored before the bound — two orders of 9×10^18 fen in one month,
// two such bills of one period, as the attack left them (written here in
// SQL, as the hooks would now refuse them) — do not turn any statistic into
// an error, are not billed, and migration 0032 repairs them with an event.
func TestAmountsStoredBeforeTheBound(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch := testapp.ID(t, "community:CH")
	const huge = "9000000000000000000"
	o1, o2 := orderIn(t, app, "completed"), orderIn(t, app, "completed")
	for _, o := range []*core.Record{o1, o2} {
		if _, err := app.DB().NewQuery("UPDATE work_orders SET materials_fen = " + huge + ", amount_fen = " + huge +
			", payment = 'unpaid' WHERE id = {:id}").Bind(dbx.Params{"id": o.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	var bills []struct {
		ID    string `db:"id"`
		Unit  string `db:"unit"`
		Start string `db:"period_start"`
	}
	if err := app.DB().NewQuery(`SELECT id, unit, period_start FROM bills WHERE community = {:c} AND status = 'issued' AND fee_item != ''
		AND period_start = (SELECT MAX(period_start) FROM bills WHERE community = {:c} AND status = 'issued' AND fee_item != '') ORDER BY id LIMIT 2`).
		Bind(dbx.Params{"c": ch}).All(&bills); err != nil || len(bills) != 2 {
		t.Fatalf("two open bills of one period: %v %v", bills, err)
	}
	for _, b := range bills {
		if _, err := app.DB().NewQuery("UPDATE bills SET amount_fen = " + huge + " WHERE id = {:id}").Bind(dbx.Params{"id": b.ID}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	orderMonth := o1.GetDateTime("received_at").Time().In(workcal.Shanghai).Format("2006-01")
	billMonth := bills[0].Start[:7]
	day := o1.GetDateTime("completed_at").Time().In(workcal.Shanghai).Format(time.DateOnly)
	urls := []string{
		"/api/stats/work-orders?community=" + ch + "&month=" + orderMonth,
		"/api/stats/trends?community=" + ch + "&month=" + orderMonth + "&months=3",
		"/api/stats/trends?community=" + ch + "&month=" + billMonth + "&months=1",
		"/api/stats/dashboard?community=" + ch + "&month=" + orderMonth,
		"/api/stats/dashboard?community=" + ch + "&month=" + billMonth,
		"/api/stats/fees?community=" + ch + "&range=" + billMonth,
		"/api/stats/fees?community=" + ch + "&range=" + billMonth[:4] + "&group=building",
		"/api/wuye/statements/" + bills[0].Unit + "?period=" + nextQuarter(billMonth),
		"/api/wuye/cash-close?day=" + day,
	}
	check := func(when string) {
		t.Helper()
		for _, url := range urls {
			who := "supervisor@example.com"
			if strings.Contains(url, "statements") || strings.Contains(url, "cash-close") {
				who = "cashier@example.com"
			}
			if code, body := testapp.Do(t, h, http.MethodGet, url, "", who); code != 200 {
				t.Errorf("%s, %s: %d %s", when, url, code, short(body))
			}
		}
	}
	check("with the rows beyond the bound")
	// The summaries are rebuilt from such rows without failing either.
	if err := migrations.RebuildSummaries(app); err != nil {
		t.Fatalf("rebuild the summaries: %v", err)
	}
	check("after a rebuild of the summaries")

	// The billing run leaves those orders off the statement.
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/billing_runs/records", `{"community":"`+ch+`","period":"2031-Q1"}`, "cashier@example.com")
	expectBody(t, "the billing run", code, body, 200)
	if run := waitRun(t, app, jsonID(body)); run.GetString("status") != "done" {
		t.Fatalf("billing run: %v", run.FieldsData())
	}
	if n, _ := app.CountRecords("bills", dbx.HashExp{"work_order": []any{o1.Id, o2.Id}}); n != 0 {
		t.Fatal("an order beyond the bound was billed")
	}

	// Migration 0032's repair: the amounts are set to 0 with an event.
	found, err := migrations.OutOfBounds(app)
	if err != nil || len(found) != 6 { // 2 orders × (materials_fen, amount_fen), 2 bills
		t.Fatalf("out of bounds: %v %v", found, err)
	}
	if err := migrations.RepairOutOfBounds(app); err != nil {
		t.Fatal(err)
	}
	if found, _ := migrations.OutOfBounds(app); len(found) != 0 {
		t.Fatalf("still out of bounds: %v", found)
	}
	for _, id := range []string{o1.Id, o2.Id, bills[0].ID, bills[1].ID} {
		if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": id, "action": "correct"}); n == 0 {
			t.Errorf("no event of the repair of %s", id)
		}
	}
	b, _ := app.FindRecordById("bills", bills[0].ID)
	o, _ := app.FindRecordById("work_orders", o1.Id)
	if b.GetString("status") != "void" || o.GetString("payment") != "none" || o.GetInt("amount_fen") != 0 {
		t.Fatalf("repaired: bill %s, order %s %d", b.GetString("status"), o.GetString("payment"), o.GetInt("amount_fen"))
	}
	o.Set("revisit_overdue", true)
	if err := app.Save(o); err != nil {
		t.Fatalf("a repaired order cannot be saved: %v", err)
	}
	check("after the repair")
}

// nextQuarter is the quarter after the one month m (YYYY-MM) is in, whose
// statement shows m's bills as arrears.
func nextQuarter(m string) string {
	t, _ := time.Parse("2006-01", m)
	t = t.AddDate(0, 3, 0)
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

// Every money field of the schema — every number field whose name ends in
// _fen, in every collection, found here rather than listed — is bounded
// in the schema (migration 0032) and by the hooks on every save, so that a
// new one cannot be forgotten.
func TestEveryMoneyFieldIsBounded(t *testing.T) {
	app := testapp.New(t)
	cols, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cols {
		for _, f := range c.Fields {
			nf, ok := f.(*core.NumberField)
			if !ok || !strings.HasSuffix(nf.Name, "_fen") {
				continue
			}
			n++
			name := c.Name + "." + nf.Name
			if nf.Max == nil || *nf.Max > hooks.MaxFen {
				t.Errorf("%s has no upper bound in the schema (want Max ≤ %d)", name, int64(hooks.MaxFen))
			}
			if nf.Min == nil || *nf.Min < -hooks.MaxFen {
				t.Errorf("%s has no lower bound in the schema", name)
			}
			if !nf.OnlyInt {
				t.Errorf("%s holds fractions of a fen", name)
			}
			// The hooks refuse a value just beyond the bound on any save,
			// with the clerk's message rather than "数值太大".
			for _, v := range []float64{hooks.MaxFen + 1, -hooks.MaxFen - 1} {
				r := core.NewRecord(c)
				r.Set(nf.Name, v)
				var ve validation.Errors
				if err := hooks.ValidateMoneyFields(r); !errors.As(err, &ve) || ve[nf.Name] == nil ||
					ve[nf.Name].(validation.Error).Code() != "wuye_amount_too_large" {
					t.Errorf("%s = %v passes the hooks: %v", name, v, err)
				}
				if err := nf.ValidateValue(t.Context(), app, r); err == nil {
					t.Errorf("%s = %v passes the schema", name, v)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d money fields found", n)
	}
	t.Logf("money fields bounded: %d", n)
	// The quantities the billing run multiplies prices by.
	for _, q := range []struct {
		coll, field string
		max         float64
	}{{"units", "area_m2", migrations.MaxAreaM2}, {"meter_readings", "reading", migrations.MaxReading}} {
		f, _ := mustCol(t, app, q.coll).Fields.GetByName(q.field).(*core.NumberField)
		if f == nil || f.Max == nil || *f.Max != q.max {
			t.Errorf("%s.%s is not bounded by %v", q.coll, q.field, q.max)
		}
	}
}

func serve(h http.Handler, req *http.Request) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}
