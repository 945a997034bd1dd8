package hooks_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// BenchmarkBillingRun bills WUYE_BENCH_UNITS units (default 100,000) for 3
// fee items through the real billing run (hooks, validation, serials, events,
// batched transactions) and, in the same run, inserts the same number of
// rows into a plain table with raw batched SQL: the ratio of the two is the
// cost of doing it properly. Run with:
//
//	go test ./hooks -run '^$' -bench BillingRun -benchtime 1x
func BenchmarkBillingRun(b *testing.B) {
	units := 100000
	if n, err := strconv.Atoi(os.Getenv("WUYE_BENCH_UNITS")); err == nil && n > 0 {
		units = n
	}
	app := testapp.New(b)
	community := testapp.ID(b, "community:YX")
	building := testapp.ID(b, "building:YX-A")
	// Setup, not measured: the units by raw SQL, three quarterly fee items.
	err := app.RunInTransaction(func(tx core.App) error {
		for i := 0; i < units; i++ {
			_, err := tx.DB().Insert("units", dbx.Params{
				"id": fmt.Sprintf("bu%013d", i), "community": community, "building": building,
				"number": fmt.Sprintf("B%06d", i), "floor": 1, "type": "residential", "area_m2": 89.37,
				"status": "occupied", "handed_over_on": "2024-01-01", "renovation_registered_on": "2024-02-01",
				"moved_in_on": "2024-03-01", "created": "2024-01-01 00:00:00.000Z", "updated": "2024-01-01 00:00:00.000Z",
			}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	itemCol, _ := app.FindCollectionByNameOrId("fee_items")
	for i, code := range []string{"WY", "BT", "LJ"} {
		r := core.NewRecord(itemCol)
		for k, v := range map[string]any{"community": community, "code": code, "name": code, "kind": "management",
			"basis": []string{"per_m2_month", "per_m2_month", "fixed"}[i], "price_fen": []int{235, 25, 3000}[i],
			"unit_types": []string{"residential"}, "cycle": "quarterly", "active": true} {
			r.Set(k, v)
		}
		if i == 1 {
			r.Set("kind", "other")
		}
		if err := app.Save(r); err != nil {
			b.Fatal(err)
		}
	}
	total := units + 8 // the demo's own units of 银杏苑
	runCol, _ := app.FindCollectionByNameOrId("billing_runs")

	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		run := core.NewRecord(runCol)
		run.Set("community", community)
		run.Set("period", fmt.Sprintf("%d-Q1", 2030+n))
		run.Set("status", "running")
		if err := app.Save(run); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := hooks.RunBilling(app, run.Id); err != nil {
			b.Fatal(err)
		}
		wuye := time.Since(start)
		run, _ = app.FindRecordById("billing_runs", run.Id)
		bills := run.GetInt("created_bills")

		// Baseline: the same number of rows, raw batched inserts.
		if _, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS bench_bills (id TEXT PRIMARY KEY, unit TEXT, fee_item TEXT,
			period TEXT, amount_fen INTEGER, due_on TEXT, status TEXT, UNIQUE (unit, fee_item, period))`).Execute(); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		for i := 0; i < bills; i += 600 {
			err := app.RunInTransaction(func(tx core.App) error {
				for j := i; j < min(i+600, bills); j++ {
					if _, err := tx.DB().Insert("bench_bills", dbx.Params{"id": fmt.Sprintf("%d-%d", n, j), "unit": fmt.Sprintf("u%d", j/3),
						"fee_item": strconv.Itoa(j % 3), "period": run.GetString("period"), "amount_fen": 21002, "due_on": "2030-01-10",
						"status": "issued"}).Execute(); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		raw := time.Since(start)
		b.ReportMetric(float64(bills)/wuye.Seconds(), "bills/s")
		b.ReportMetric(float64(bills)/raw.Seconds(), "raw-rows/s")
		b.ReportMetric(raw.Seconds()/wuye.Seconds(), "ratio")
		b.Logf("%d units, %d bills: billing run %v (%.0f bills/s); raw batched insert %v (%.0f rows/s); ratio %.3f",
			total, bills, wuye.Round(time.Millisecond), float64(bills)/wuye.Seconds(), raw.Round(time.Millisecond),
			float64(bills)/raw.Seconds(), raw.Seconds()/wuye.Seconds())
	}
}
