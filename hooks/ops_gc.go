package hooks

import (
	"os"
	"runtime/debug"
)

// The garbage collector's settings for `wuye serve` (a deployment setting:
// README § Running it; GOGC and GOMEMLIMIT in the environment override
// them, as Go's own variables do).
//
// With 1,100 pages open and every page re-reading what it is told of, the
// collector took 10–11% of the server's CPU (BENCHMARKS.md § Realtime,
// sessions 14 and 15): each re-read builds records and their JSON, and Go's
// default target (GOGC=100) collects each time the heap doubles its live
// part — some 30–60 MB here. At 200 it collects half as often for a heap of
// up to three times the live part; Go's heap is the smaller part of the
// server's memory (SQLite's connections keep theirs outside it: ops_db.go),
// and the realtime bench's peak stays under the 400 MiB goal (measured in
// BENCHMARKS.md). The memory limit bounds what the higher target may cost:
// past it Go collects as often as needed to stay under, whatever GOGC says.
const (
	GCPercent   = 200
	MemoryLimit = 320 << 20 // bytes of memory Go manages (heap, stacks, its own)
)

// TuneGC applies GCPercent and MemoryLimit unless the environment sets
// GOGC or GOMEMLIMIT. main.go calls it for every command, the bench server
// as main.go does.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}
