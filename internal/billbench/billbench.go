// Package billbench is the billing-run benchmark of issue #10, shared by
// the Go benchmark (hooks/fees_billing_bench_test.go) and the harness's billing
// section (cmd/bench/billing.go), so that both measure the same thing:
//
//   - Seed fills an app with a community of n units priced with three
//     quarterly fee items (setup, not measured): raw SQL for the units, their
//     owners and the community, records for the fee items.
//   - Measure bills one quarter through the real hooks.RunBilling and, right
//     after in the same process, inserts the same number of rows into a plain
//     table with raw batched INSERTs: the baseline the run is held against.
//
// The units are varied the way a real estate is, so that the run meets every
// case of the fee rules rather than one unit a hundred thousand times: ten
// floor plans, handover dates by building over seven years, renovation and
// move-in dates per unit, a share of units handed over, renovated or moved
// into during the billed quarter (pro-rated, half price), a share never
// renovated (half price), and vacant units never handed over (no bill).
package billbench

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/lib/fee"
)

// Period is the quarter Measure bills.
const Period = "2030-Q1"

// Seeded is what Seed made.
type Seeded struct {
	Community string
	Units     int // the units Seed added (the community may hold more)
}

// Seed adds units (and one owner each) to community, or to a new community
// when community is "", and prices the community with three quarterly fee
// items for homes: the management fee (per m², with the half-price rule), a
// second per-m² item and a fixed one. Unit ids are "zdu" and 12 digits, so
// a second Seed into the same app needs another community.
func Seed(app core.App, community string, units int) (Seeded, error) {
	stamp := "2024-01-01 00:00:00.000Z"
	err := app.RunInTransaction(func(tx core.App) error {
		ins := func(table string, p dbx.Params) error {
			p["created"], p["updated"] = stamp, stamp
			_, err := tx.DB().Insert(table, p).Execute()
			return err
		}
		if community == "" {
			community = "benchbilling001"
			if err := ins("communities", dbx.Params{"id": community, "name": "计费基准小区", "code": "BENCHBILL"}); err != nil {
				return fmt.Errorf("community: %w", err)
			}
		}
		const perBuilding = 480 // 24 floors × 20 homes
		plans := []float64{58.62, 72.15, 89.37, 96.40, 108.73, 120.05, 135.80, 143.22, 168.50, 210.16}
		p := mustPeriod(Period)
		for i := 0; i < units; i++ {
			b := i / perBuilding
			if i%perBuilding == 0 {
				if err := ins("buildings", dbx.Params{"id": fmt.Sprintf("zdb%012d", b), "community": community,
					"code": fmt.Sprintf("B%04d", b), "name": fmt.Sprintf("%d栋", b+1), "floors": 24}); err != nil {
					return fmt.Errorf("building: %w", err)
				}
			}
			// Handover by building, 2018–2024; renovation 1–13 months later;
			// some homes moved into without renovating.
			handed := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (b*37)%2500)
			renovated := handed.AddDate(0, 0, 30+(i*13)%360)
			movedIn := renovated.AddDate(0, 0, 60+(i*7)%120)
			status := "occupied"
			switch k := i % 100; {
			case k < 3: // vacant, never handed over: nothing to pay
				handed, renovated, movedIn, status = time.Time{}, time.Time{}, time.Time{}, "vacant"
			case k < 5: // handed over during the quarter: pro-rated, half price
				handed = p.First.AddDate(0, 0, 5+(i*11)%80)
				renovated, movedIn, status = time.Time{}, time.Time{}, "vacant"
			case k < 7: // renovation registered during the quarter: half, then full
				renovated = p.First.AddDate(0, 0, 3+(i*17)%85)
				movedIn = time.Time{}
			case k < 12: // handed over, never renovated nor moved into: half price
				renovated, movedIn, status = time.Time{}, time.Time{}, "vacant"
			case k < 14: // moved in without renovating, during the quarter
				renovated, movedIn = time.Time{}, p.First.AddDate(0, 0, 10+(i*5)%70)
			}
			unit := fmt.Sprintf("zdu%012d", i)
			if err := ins("units", dbx.Params{
				"id": unit, "community": community, "building": fmt.Sprintf("zdb%012d", b),
				"number": fmt.Sprintf("%d%02d", (i%perBuilding)/20+1, i%20+1), "floor": (i%perBuilding)/20 + 1,
				"type": "residential", "area_m2": plans[(i/20+i)%len(plans)], "status": status,
				"handed_over_on": civil(handed), "renovation_registered_on": civil(renovated), "moved_in_on": civil(movedIn),
			}); err != nil {
				return fmt.Errorf("unit: %w", err)
			}
			if handed.IsZero() {
				continue
			}
			owner := fmt.Sprintf("zdr%012d", i)
			if err := ins("residents", dbx.Params{"id": owner, "email": owner + "@bench.invalid", "name": "业主" + strconv.Itoa(i),
				"phone": fmt.Sprintf("139%08d", i), "tokenKey": owner + "-token", "password": "-", "verified": false}); err != nil {
				return fmt.Errorf("resident: %w", err)
			}
			if err := ins("unit_residents", dbx.Params{"id": fmt.Sprintf("zdl%012d", i), "unit": unit, "resident": owner,
				"relation": "owner", "since": civil(handed), "active": true}); err != nil {
				return fmt.Errorf("owner: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Seeded{}, err
	}
	itemCol, err := app.FindCollectionByNameOrId("fee_items")
	if err != nil {
		return Seeded{}, err
	}
	for i, code := range []string{"WY", "BT", "LJ"} {
		r := core.NewRecord(itemCol)
		for k, v := range map[string]any{"community": community, "code": code, "name": []string{"物业管理费", "本体维修金", "垃圾清运费"}[i],
			"kind": []string{"management", "other", "other"}[i], "basis": []string{"per_m2_month", "per_m2_month", "fixed"}[i],
			"price_fen": []int{235, 25, 3000}[i], "unit_types": []string{"residential"}, "cycle": "quarterly", "active": true} {
			r.Set(k, v)
		}
		if err := app.Save(r); err != nil {
			return Seeded{}, fmt.Errorf("fee item %s: %w", code, err)
		}
	}
	return Seeded{Community: community, Units: units}, nil
}

// Result is one measurement: the billing run and the raw baseline of the
// same number of rows.
type Result struct {
	Units, Bills  int // units of the community, bills the run created
	Billing, Raw  time.Duration
	BillsPerSec   float64
	RawRowsPerSec float64
	Ratio         float64 // billing rate / raw rate
	// The process's CPU time (all threads) during each part, and the ratio
	// of the two (raw CPU / billing CPU): a steadier figure than the wall
	// clock on a busy machine, for comparing changes; the goal is stated
	// on the wall clock.
	BillingCPU, RawCPU time.Duration
	CPURatio           float64
}

// RawBatch is how many rows the baseline inserts per transaction.
const RawBatch = 600

// Measure bills period (Period when "") for community through
// hooks.RunBilling, then inserts as many rows into the plain table
// bench_bills with raw batched INSERTs (RawBatch per transaction). The run
// record is created as a crashed run would have left it ("running"), so no
// background run starts: the run is timed in this goroutine.
func Measure(app core.App, community, period string) (Result, error) {
	if period == "" {
		period = Period
	}
	runCol, err := app.FindCollectionByNameOrId("billing_runs")
	if err != nil {
		return Result{}, err
	}
	run := core.NewRecord(runCol)
	run.Set("community", community)
	run.Set("period", period)
	run.Set("status", "running")
	if err := app.Save(run); err != nil {
		return Result{}, err
	}
	cpu, start := cpuTime(), time.Now()
	if err := hooks.RunBilling(app, run.Id); err != nil {
		return Result{}, err
	}
	wuye, wuyeCPU := time.Since(start), cpuTime()-cpu
	if run, err = app.FindRecordById("billing_runs", run.Id); err != nil {
		return Result{}, err
	}
	if run.GetString("status") != "done" {
		return Result{}, fmt.Errorf("billing run ended %s: %s", run.GetString("status"), run.GetString("error"))
	}
	bills := run.GetInt("created_bills")

	// Baseline: the same number of rows, raw batched inserts.
	if _, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS bench_bills (id TEXT PRIMARY KEY, unit TEXT, fee_item TEXT,
		period TEXT, amount_fen INTEGER, due_on TEXT, status TEXT, UNIQUE (unit, fee_item, period))`).Execute(); err != nil {
		return Result{}, err
	}
	cpu, start = cpuTime(), time.Now()
	for i := 0; i < bills; i += RawBatch {
		err := app.RunInTransaction(func(tx core.App) error {
			for j := i; j < min(i+RawBatch, bills); j++ {
				if _, err := tx.DB().Insert("bench_bills", dbx.Params{"id": fmt.Sprintf("%s-%s-%d", run.Id, period, j), "unit": fmt.Sprintf("u%d", j/3),
					"fee_item": strconv.Itoa(j % 3), "period": period + run.Id, "amount_fen": 21002, "due_on": "2030-01-10",
					"status": "issued"}).Execute(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return Result{}, err
		}
	}
	raw, rawCPU := time.Since(start), cpuTime()-cpu
	r := Result{Units: run.GetInt("total_units"), Bills: bills, Billing: wuye, Raw: raw,
		BillsPerSec: float64(bills) / wuye.Seconds(), RawRowsPerSec: float64(bills) / raw.Seconds(),
		BillingCPU: wuyeCPU, RawCPU: rawCPU}
	r.Ratio = r.BillsPerSec / r.RawRowsPerSec
	if wuyeCPU > 0 {
		r.CPURatio = rawCPU.Seconds() / wuyeCPU.Seconds()
	}
	return r, nil
}

func civil(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func mustPeriod(code string) fee.Period {
	p, err := fee.ParsePeriod(code)
	if err != nil {
		panic(err)
	}
	return p
}
