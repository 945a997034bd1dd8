package hooks_test

import (
	"math"
	"runtime/debug"
	"testing"

	"wuye/hooks"
)

// TestTuneGCUnlessTheEnvironmentSays: TuneGC sets the collector's target
// and memory limit of `wuye serve` (hooks/ops_gc.go), and leaves both to
// GOGC and GOMEMLIMIT when those are set.
func TestTuneGCUnlessTheEnvironmentSays(t *testing.T) {
	pct, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	defer func() { debug.SetGCPercent(pct); debug.SetMemoryLimit(limit) }()

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	hooks.TuneGC()
	if got := debug.SetGCPercent(100); got != hooks.GCPercent {
		t.Errorf("GC percent %d, want %d", got, hooks.GCPercent)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != hooks.MemoryLimit {
		t.Errorf("memory limit %d, want %d", got, hooks.MemoryLimit)
	}

	// Set in the environment (Go's runtime has read them at start): kept.
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(1 << 30)
	hooks.TuneGC()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GC percent %d with GOGC=150", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != 1<<30 {
		t.Errorf("memory limit %d with GOMEMLIMIT=1GiB", got)
	}
}
