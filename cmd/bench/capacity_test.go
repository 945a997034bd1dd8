package main

import "testing"

// The search's answer is the sentence BENCHMARKS.md and the README quote:
// the largest step that passed (whatever order the steps ran in), its p99
// and failed requests, or that none passed.
func TestCapacityLine(t *testing.T) {
	steps := []*capStep{
		{N: 4000, P99: 41.26, Pass: true},
		{N: 16000, P99: 900, Failed: 3, Pass: false},
		{N: 8000, P99: 187.4, Pass: true},
		{N: 12000, P99: 350, Pass: false},
	}
	if got, want := capacityLine(steps), "one instance serves up to 8,000 households (p99 187 ms, 0 errors, peak-day model)"; got != want {
		t.Errorf("capacityLine = %q, want %q", got, want)
	}
	if got, want := capacityLine(steps[1:2]), "no step passed"; got != want {
		t.Errorf("capacityLine of failed steps = %q, want %q", got, want)
	}
	if got, want := capacityLine(nil), "no step passed"; got != want {
		t.Errorf("capacityLine of no steps = %q, want %q", got, want)
	}
	for n, want := range map[int]string{0: "0", 200: "200", 2000: "2,000", 64000: "64,000", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
