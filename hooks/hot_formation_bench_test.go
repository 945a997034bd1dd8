package hooks_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/stmtcache"
	"wuye/lib/workcal"
)

// BenchmarkHotGroupFormation times the intake that forms a hot group — the
// third matching complaint of a building and category in 24 hours, which
// takes the two before it into the group and tells the managers — and only
// that one: the two before it are filed with the timer stopped, each
// triple a day and more after the last, so that every timed intake forms a
// group of its own. cmd/bench meets this path for about one complaint in
// four in its first phase (issue #23, item 2; BENCHMARKS.md § Creates);
// BenchmarkCreateRequest's complaints all join one group.
//
//	go test ./hooks -run '^$' -bench HotGroupFormation -benchmem -benchtime 200x
func BenchmarkHotGroupFormation(b *testing.B) {
	app := testapp.New(b)
	desk := staffRec(b, app, "frontdesk@example.com")
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, workcal.Shanghai)
	var at time.Time
	defer hooks.SetNow(func() time.Time { return at })()
	file := func(unit string) string {
		c := fileComplaint(b, app, desk, unit, "security", map[string]any{"content": "地下车库照明坏了，晚上很暗。"})
		return c.GetString("hot_group")
	}
	var statements, frames int64
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		at = start.Add(time.Duration(i) * 25 * time.Hour)
		file("1-101")
		file("1-203")
		frames0 := walFrames(b, app, "TRUNCATE")
		hit0, compiled0, busy0 := stmtcache.Stats()
		cpu0 := processCPU()
		b.StartTimer()
		group := file("1-301")
		b.StopTimer()
		if group == "" {
			b.Fatal("the third complaint formed no group")
		}
		cpu += processCPU() - cpu0
		hit, compiled, busy := stmtcache.Stats()
		frames += walFrames(b, app, "PASSIVE") - frames0
		statements += (hit - hit0) + (compiled - compiled0) + (busy - busy0)
		b.StartTimer()
	}
	b.ReportMetric(float64(statements)/float64(b.N), "sql/op")
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(frames)/float64(b.N), "wal-frames/op")
}

// walFrames checkpoints the database in mode and returns the frames the WAL
// holds: after a TRUNCATE, none (unless a reader kept some), so the frames
// of a PASSIVE checkpoint after an intake are the pages its commit wrote.
func walFrames(b *testing.B, app core.App, mode string) int64 {
	b.Helper()
	var busy, log, done int64
	if err := app.NonconcurrentDB().NewQuery("PRAGMA wal_checkpoint("+mode+")").Row(&busy, &log, &done); err != nil {
		b.Fatal(err)
	}
	return max(log, 0)
}
