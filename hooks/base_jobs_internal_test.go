package hooks

import (
	"sync"
	"testing"
)

// A schedule's tick that comes while the job's last run is still going is
// skipped, not run beside it; once that run is done the next tick runs.
func TestOneAtATime(t *testing.T) {
	inRun, release := make(chan struct{}), make(chan struct{})
	runs, skips := 0, 0
	tick := oneAtATime(func() {
		runs++
		if runs == 1 {
			close(inRun)
			<-release
		}
	}, func() { skips++ })

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); tick() }()
	<-inRun
	tick() // the first run still going
	tick()
	close(release)
	wg.Wait()
	tick()
	if runs != 2 || skips != 2 {
		t.Fatalf("%d runs and %d skipped ticks; want 2 runs (the first and the one after it ended) and 2 skipped", runs, skips)
	}
}
