package hooks_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/clock"
	"wuye/lib/workcal"
)

// TestFeeCollectionOnAKnownFixture bills 银杏苑 (no demo bills there) four
// times around the current quarter, takes payments now, and checks the
// collection and recovery rates and the aged arrears worked out by hand.
func TestFeeCollectionOnAKnownFixture(t *testing.T) {
	app := testapp.New(t)
	yx, unit := testapp.ID(t, "community:YX"), testapp.ID(t, "unit:A-101")
	now := clock.Now().In(workcal.Shanghai)
	qFirst := time.Date(now.Year(), time.Month((int(now.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	itemCol, _ := app.FindCollectionByNameOrId("fee_items")
	item := core.NewRecord(itemCol)
	for k, v := range map[string]any{"community": yx, "code": "WY", "name": "物业管理费", "kind": "management", "basis": "per_m2_month",
		"price_fen": 235, "unit_types": []string{"residential"}, "cycle": "quarterly", "active": true} {
		item.Set(k, v)
	}
	if err := app.Save(item); err != nil {
		t.Fatal(err)
	}
	billCol, _ := app.FindCollectionByNameOrId("bills")
	bill := func(unit string, start time.Time, amount int) *core.Record {
		b := core.NewRecord(billCol)
		q := (int(start.Month())-1)/3 + 1
		for k, v := range map[string]any{"community": yx, "unit": unit, "fee_item": item.Id, "period": fmt.Sprintf("%d-Q%d", start.Year(), q),
			"period_start": start.Format(time.DateOnly), "period_end": start.AddDate(0, 3, -1).Format(time.DateOnly),
			"due_on": start.AddDate(0, 0, 9).Format(time.DateOnly), "amount_fen": amount, "status": "issued"} {
			b.Set(k, v)
		}
		if err := app.Save(b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := bill(unit, qFirst, 10000)
	bill(testapp.ID(t, "unit:A-102"), qFirst, 5000) // the neighbour's bill of the quarter
	c := bill(unit, qFirst.AddDate(0, -3, 0), 8000)
	bill(unit, qFirst.AddDate(0, -6, 0), 4000)
	pay(t, app, a, 6000)
	pay(t, app, c, 2000)

	rows, err := hooks.FeeCollection(app, yx, qFirst, qFirst.AddDate(0, 3, -1), "")
	if err != nil || len(rows) != 1 {
		t.Fatalf("%v %v", rows, err)
	}
	r := rows[0]
	// Billed this quarter 15000, collected 6000: 0.4. Owed on earlier bills
	// when the quarter began 8000 + 4000 = 12000, recovered 2000: 0.1667.
	if r.BilledFen != 15000 || r.CollectedFen != 6000 || r.ArrearsStartFen != 12000 || r.RecoveredFen != 2000 ||
		r.CollectionRate != 0.4 || r.RecoveryRate != 0.1667 {
		t.Fatalf("collection: %+v", r)
	}
	if rows, _ := hooks.FeeCollection(app, yx, qFirst, qFirst.AddDate(0, 3, -1), "fee_item"); len(rows) != 1 || rows[0].Key != item.Id {
		t.Fatalf("by fee item: %+v", rows)
	}
	if _, err := hooks.FeeCollection(app, yx, qFirst, qFirst.AddDate(0, 3, -1), "colour"); err == nil {
		t.Fatal("an unknown grouping was accepted")
	}

	// 50 days into the quarter: this quarter's bills are 41 days late (4000
	// + 5000 owed), last quarter's about 133 (6000), the one before about
	// 224 (4000).
	aged, err := hooks.AgedArrears(app, yx, qFirst.AddDate(0, 0, 50))
	if err != nil {
		t.Fatal(err)
	}
	if aged["0-30"] != 0 || aged["31-90"] != 9000 || aged["91-180"] != 6000 || aged["180+"] != 4000 {
		t.Fatalf("aged arrears %v", aged)
	}

	h := testapp.Handler(t, app)
	rangeCode := fmt.Sprintf("%d-Q%d", qFirst.Year(), (int(qFirst.Month())-1)/3+1)
	code, body := testapp.Do(t, h, http.MethodGet, "/api/stats/fees?community="+yx+"&range="+rangeCode, "", "supervisor.yx@example.com")
	expectBody(t, "the supervisor's figures", code, body, 200, `"collection_rate":0.4`, `"recovery_rate":0.1667`)
	code, body = testapp.Do(t, h, http.MethodGet, "/api/stats/fees?community="+yx+"&range=2026-Q5", "", "supervisor.yx@example.com")
	expectBody(t, "a bad range", code, body, 400, "统计范围应为")
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/stats/fees?community="+yx+"&range="+rangeCode, "", "supervisor@example.com"); code != 403 {
		t.Errorf("another community's supervisor read the figures: %d", code)
	}
}

func TestStatsRanges(t *testing.T) {
	for code, want := range map[string][2]string{
		"2026-03": {"2026-03-01", "2026-03-31"}, "2026-Q2": {"2026-04-01", "2026-06-30"},
		"2026-H2": {"2026-07-01", "2026-12-31"}, "2026": {"2026-01-01", "2026-12-31"}, "2024-02": {"2024-02-01", "2024-02-29"},
	} {
		first, last, err := hooks.StatsRange(code)
		if err != nil || first.Format(time.DateOnly) != want[0] || last.Format(time.DateOnly) != want[1] {
			t.Errorf("%s: %v – %v (%v), want %v", code, first, last, err, want)
		}
	}
	for _, bad := range []string{"2026-13", "2026-Q5", "2026-H3", "26", "2026-1", ""} {
		if _, _, err := hooks.StatsRange(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
