package hooks_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"wuye/internal/billbench"
	"wuye/internal/testapp"
)

// BenchmarkBillingRun bills WUYE_BENCH_UNITS units (default 100,000) for 3
// fee items through the real billing run and, in the same run, inserts the
// same number of rows into a plain table with raw batched SQL: the ratio of
// the two is the cost of doing it properly (see internal/billbench, which
// the harness's billing section runs too). Run with:
//
//	go test ./hooks -run '^$' -bench BillingRun -benchtime 1x
func BenchmarkBillingRun(b *testing.B) {
	units := 100000
	if n, err := strconv.Atoi(os.Getenv("WUYE_BENCH_UNITS")); err == nil && n > 0 {
		units = n
	}
	app := testapp.New(b)
	// Setup, not measured: the units of 银杏苑 and their fee items.
	seeded, err := billbench.Seed(app, testapp.ID(b, "community:YX"), units)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		period := billbench.Period
		if n > 0 {
			period = fmt.Sprintf("%d-Q1", 2030+n)
		}
		r, err := billbench.Measure(app, seeded.Community, period)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(r.BillsPerSec, "bills/s")
		b.ReportMetric(r.RawRowsPerSec, "raw-rows/s")
		b.ReportMetric(r.Ratio, "ratio")
		b.ReportMetric(r.CPURatio, "cpu-ratio")
		b.Logf("%d units, %d bills: billing run %v (%.0f bills/s, CPU %v); raw batched insert %v (%.0f rows/s, CPU %v); ratio %.3f (CPU time %.3f)",
			r.Units, r.Bills, r.Billing.Round(time.Millisecond), r.BillsPerSec, r.BillingCPU.Round(time.Millisecond),
			r.Raw.Round(time.Millisecond), r.RawRowsPerSec, r.RawCPU.Round(time.Millisecond), r.Ratio, r.CPURatio)
	}
}
