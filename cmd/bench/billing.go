package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"wuye/internal/billbench"
)

// The billing section: a quarterly billing run over 100,000 units × 3 fee
// items (2,000 units with -quick; WUYE_BENCH_UNITS overrides) through the
// real hooks.RunBilling, in-process on a fresh data directory, against a
// raw batched INSERT of the same number of rows right after — the same
// code as `go test ./hooks -bench BillingRun` (internal/billbench).
func init() { Register("billing", 40, benchBilling) }

func benchBilling(b *Bench) error {
	units := 100_000
	if b.Quick {
		units = 2_000
	}
	if n, err := strconv.Atoi(os.Getenv("WUYE_BENCH_UNITS")); err == nil && n > 0 {
		units = n
	}
	dir, err := b.NewDataDir("billing")
	if err != nil {
		return err
	}
	app, err := b.OpenApp(dir)
	if err != nil {
		return err
	}
	defer app.ClearBootstrap()
	t := time.Now()
	seeded, err := billbench.Seed(app, "", units)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	b.Logf("seeded %d units with owners and 3 fee items in %.1f s (not measured)", seeded.Units, time.Since(t).Seconds())
	r, err := billbench.Measure(app, seeded.Community, "")
	if err != nil {
		return err
	}
	b.Logf("billing run: %d bills in %.2f s; raw insert of as many rows in %.2f s", r.Bills, r.Billing.Seconds(), r.Raw.Seconds())
	secs := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	b.Table(fmt.Sprintf("Billing run: %d units × 3 fee items, quarter %s", r.Units, billbench.Period),
		[]string{"", "rows", "time", "rows/s", "CPU time", "vs. raw (rate)", "vs. raw (CPU)"},
		[][]string{
			{fmt.Sprintf("raw batched INSERT, %d rows a transaction (baseline)", billbench.RawBatch), strconv.Itoa(r.Bills),
				secs(r.Raw), fmt.Sprintf("%.0f", r.RawRowsPerSec), secs(r.RawCPU), "1", "1"},
			{"Wuye billing run (hooks.RunBilling)", strconv.Itoa(r.Bills) + " bills", secs(r.Billing),
				fmt.Sprintf("%.0f", r.BillsPerSec), secs(r.BillingCPU), fmt.Sprintf("%.3f", r.Ratio), fmt.Sprintf("%.3f", r.CPURatio)},
		},
		"Goal: billing ≥ 0.5 × the raw insert rate. The CPU column (the process's CPU time over each part) is the steadier "+
			"figure on a busy machine; the goal is read on the rate.")
	b.Metric("units", r.Units)
	b.Metric("bills", r.Bills)
	b.Metric("billing_seconds", r.Billing.Seconds())
	b.Metric("raw_seconds", r.Raw.Seconds())
	b.Metric("bills_per_s", r.BillsPerSec)
	b.Metric("raw_rows_per_s", r.RawRowsPerSec)
	b.Metric("ratio", r.Ratio)
	b.Metric("cpu_ratio", r.CPURatio)
	return nil
}
