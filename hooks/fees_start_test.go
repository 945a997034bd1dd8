package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/internal/testapp"
)

// yxBilling is 银杏苑 priced for a test: the management fee at 2 元/m² a
// month for homes, quarterly, entered by its supervisor through the API.
type yxBilling struct {
	t   *testing.T
	app *tests.TestApp
	h   http.Handler
	yx  string
	wy  string // the fee item
}

func newYXBilling(t *testing.T) *yxBilling {
	app := testapp.New(t)
	b := &yxBilling{t: t, app: app, h: testapp.Handler(t, app), yx: testapp.ID(t, "community:YX")}
	code, body := testapp.Do(t, b.h, http.MethodPost, "/api/collections/fee_items/records",
		`{"community":"`+b.yx+`","code":"WY","name":"物业管理费","kind":"management","basis":"per_m2_month","price_fen":200,
		"unit_types":["residential"],"cycle":"quarterly","active":true,"late_fee_rate":0.0005}`, "supervisor.yx@example.com")
	expectBody(t, "the supervisor prices 银杏苑", code, body, 200)
	item, err := app.FindFirstRecordByFilter("fee_items", "community = {:c} && code = 'WY'", dbx.Params{"c": b.yx})
	if err != nil {
		t.Fatal(err)
	}
	b.wy = item.Id
	return b
}

// unit registers a 100 m² flat in building A of 银杏苑 with the given
// status and dates, as its supervisor does.
func (b *yxBilling) unit(number string, fields string) string {
	b.t.Helper()
	code, body := testapp.Do(b.t, b.h, http.MethodPost, "/api/collections/units/records",
		`{"building":"`+testapp.ID(b.t, "building:YX-A")+`","number":"`+number+`","floor":1,"type":"residential","area_m2":100,`+fields+`}`,
		"supervisor.yx@example.com")
	expectBody(b.t, "unit "+number, code, body, 200)
	u, err := b.app.FindFirstRecordByFilter("units", "community = {:c} && number = {:n}", dbx.Params{"c": b.yx, "n": number})
	if err != nil {
		b.t.Fatal(err)
	}
	return u.Id
}

// bill runs the billing of period through the API, as the supervisor
// starts it from the billing screen, and gives each unit's management fee.
func (b *yxBilling) bill(period string) map[string]int {
	b.t.Helper()
	code, body := testapp.Do(b.t, b.h, http.MethodPost, "/api/collections/billing_runs/records",
		`{"community":"`+b.yx+`","period":"`+period+`"}`, "supervisor.yx@example.com")
	expectBody(b.t, "the run of "+period, code, body, 200)
	run, err := b.app.FindFirstRecordByFilter("billing_runs", "community = {:c} && period = {:p}", dbx.Params{"c": b.yx, "p": period})
	if err != nil {
		b.t.Fatal(err)
	}
	if done := waitRun(b.t, b.app, run.Id); done.GetString("status") != "done" {
		b.t.Fatalf("run: %v", done.FieldsData())
	}
	bills, err := b.app.FindAllRecords("bills", dbx.HashExp{"period": period, "fee_item": b.wy})
	if err != nil {
		b.t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range bills {
		out[r.GetString("unit")] = r.GetInt("amount_fen")
	}
	return out
}

// TestOccupiedUnitRenovatedLaterPaysFullPrice: half price is for a unit not
// yet lived in — [000] 收费员 4.2.1.1: 从业主收房之日起计收管理费，装修办理前按
// 半价收取，装修办理之日始或未装修已入住的按全价计收. A flat of 100 m² at 2 元
// moved into in 2024 whose renovation is registered on 16 November 2026
// owes the whole fourth quarter at full price, ¥600.00 (it was billed
// ¥450.00: half price from October to the permit); a flat handed over in
// 2024 and never lived in pays half until its renovation, ¥450.00.
func TestOccupiedUnitRenovatedLaterPaysFullPrice(t *testing.T) {
	b := newYXBilling(t)
	lived := b.unit("T1", `"status":"occupied","handed_over_on":"2024-03-01","moved_in_on":"2024-04-01"`)
	empty := b.unit("T2", `"status":"handed_over","handed_over_on":"2024-03-01"`)
	// The renovation is registered (as the permit does, hooks/renovation.go).
	for _, id := range []string{lived, empty} {
		code, body := testapp.Do(t, b.h, http.MethodPatch, "/api/collections/units/records/"+id,
			`{"status":"renovating","renovation_registered_on":"2026-11-16"}`, "supervisor.yx@example.com")
		expectBody(t, "the renovation registered", code, body, 200)
	}
	got := b.bill("2026-Q4")
	if got[lived] != 60000 {
		t.Errorf("the flat lived in since 2024: %d fen, want 60000 (¥600.00)", got[lived])
	}
	if got[empty] != 45000 {
		t.Errorf("the flat never lived in: %d fen, want 45000 (¥450.00)", got[empty])
	}
}

// TestFeeStartPolicy bills the same unit under each of the community's two
// policies: from the handover date ([000] 收费员 4.2.1.1, 从业主收房之日起计收
// 管理费, the default) or from the date on the move-in notice ([004] 四 2 4.5,
// 物业管理服务费：以入伙通知书上注明之日起计算管理费). The notice names 16 October
// 2026; the owner collects the keys on 16 November; 100 m² at 2 元, half
// price (not lived in): from the handover, Nov 16–30 and December, ¥150.00;
// from the notice, Oct 16–31 too: 20000 × 16/31 / 2 + 20000 = 25161.29… fen.
func TestFeeStartPolicy(t *testing.T) {
	for _, c := range []struct {
		policy string
		want   int
	}{{"handover", 15000}, {"notice", 25161}} {
		t.Run(c.policy, func(t *testing.T) {
			b := newYXBilling(t)
			token, _ := directorOf(t, b.app, b.yx).NewAuthToken()
			code, body := doWithToken(b.h, http.MethodPatch, "/api/collections/communities/records/"+b.yx,
				`{"fee_start":"`+c.policy+`"}`, token)
			expectBody(t, "the director sets the policy", code, body, 200, `"fee_start":"`+c.policy+`"`)
			u := b.unit("T1", `"status":"handed_over","handed_over_on":"2026-11-16","notice_on":"2026-10-16"`)
			if got := b.bill("2026-Q4")[u]; got != c.want {
				t.Fatalf("%d fen, want %d", got, c.want)
			}
		})
	}
	// Without a notice date on record, the notice policy (the demo's
	// 银杏苑's) bills from the handover.
	b := newYXBilling(t)
	if yx, _ := b.app.FindRecordById("communities", b.yx); yx.GetString("fee_start") != "notice" {
		t.Fatalf("the demo's 银杏苑 bills %q", yx.GetString("fee_start"))
	}
	u := b.unit("T1", `"status":"handed_over","handed_over_on":"2026-11-16"`)
	if got := b.bill("2026-Q4")[u]; got != 15000 {
		t.Fatalf("no notice date: %d fen, want 15000", got)
	}
}

// TestFeeStartDefault: a community bills from the handover date unless its
// director chooses otherwise ([000] 收费员 4.2.1.1): the migration set the
// existing ones so, and a new one starts so.
func TestFeeStartDefault(t *testing.T) {
	app := testapp.New(t)
	if ch, _ := app.FindRecordById("communities", testapp.ID(t, "community:CH")); ch.GetString("fee_start") != "handover" {
		t.Fatalf("翠湖花园 bills %q", ch.GetString("fee_start"))
	}
	col, _ := app.FindCollectionByNameOrId("communities")
	c := core.NewRecord(col)
	c.Set("name", "新小区")
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	if c.GetString("fee_start") != "handover" {
		t.Fatalf("a new community bills %q", c.GetString("fee_start"))
	}
}

// TestOnlyTheDirectorSetsTheFeeStart: the choice of start date is the
// director's ([004] 四 2 3.1 and 4.1: the director plans the move-in and
// its dates; docs/DESIGN.md, Fees), per community; the supervisor keeps the community's other
// settings. A refusal changes nothing.
func TestOnlyTheDirectorSetsTheFeeStart(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	ch, yx := testapp.ID(t, "community:CH"), testapp.ID(t, "community:YX")
	url := "/api/collections/communities/records/"
	for who, want := range map[string]int{
		"supervisor@example.com": 403, "cashier@example.com": 404, "frontdesk@example.com": 404, "owner1@example.com": 404, "": 404,
	} {
		code, body := testapp.Do(t, h, http.MethodPatch, url+ch, `{"fee_start":"notice"}`, who)
		if code != want {
			t.Errorf("%q set the fee start: %d %s, want %d", who, code, body, want)
		}
		if who == "supervisor@example.com" && !strings.Contains(body, "只有本小区的管理处主任") {
			t.Errorf("the supervisor is not told why: %s", body)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPatch, url+ch, `{"fee_start":"notice","phone":"023-67880001"}`, "supervisor@example.com")
	expectBody(t, "the supervisor, with another change", code, body, 403)
	if c, _ := app.FindRecordById("communities", ch); c.GetString("fee_start") != "handover" || c.GetString("phone") != "023-67880000" {
		t.Fatalf("a refused request changed the community: %v", c.FieldsData())
	}
	code, body = testapp.Do(t, h, http.MethodPatch, url+ch, `{"phone":"023-67880001","fee_start":"handover"}`, "supervisor@example.com")
	expectBody(t, "the supervisor keeps the other settings", code, body, 200, `"phone":"023-67880001"`)

	code, body = testapp.Do(t, h, http.MethodPatch, url+yx, `{"fee_start":"notice"}`, "director@example.com")
	expectBody(t, "not the director's community", code, body, 404)
	code, body = testapp.Do(t, h, http.MethodPatch, url+ch, `{"fee_start":"from_keys"}`, "director@example.com")
	expectBody(t, "not a policy", code, body, 400)
	code, body = testapp.Do(t, h, http.MethodPatch, url+ch, `{"fee_start":"notice"}`, "director@example.com")
	expectBody(t, "the director", code, body, 200, `"fee_start":"notice"`)
	if n, _ := app.CountRecords("events", dbx.HashExp{"subject_collection": "communities", "subject_id": ch, "action": "update"}, dbx.NewExp("note LIKE '%fee_start%'")); n != 1 {
		t.Errorf("%d events of the change, want 1", n)
	}
}

// directorOf adds a director to community (the demo's 银杏苑 has none).
func directorOf(t *testing.T, app core.App, community string) *core.Record {
	t.Helper()
	col, _ := app.FindCollectionByNameOrId("staff")
	s := core.NewRecord(col)
	s.Load(map[string]any{"name": "银杏苑主任", "phone": "13900000029", "role": "director", "communities": []string{community}, "active": true})
	s.SetEmail("director.yx@example.com")
	s.SetPassword("director-yx-1")
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	return s
}
