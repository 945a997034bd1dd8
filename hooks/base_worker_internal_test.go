package hooks

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// The after-commit worker of the outbox and the fan-out (base_worker.go):
// started only when the app serves for real, it runs its queue on a wake;
// wakes while it runs come to one more run, and a wake never waits for it.
func TestAfterCommitWorker(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	runs, release := make(chan struct{}, 10), make(chan struct{})
	run := func(core.App, time.Time) (int, error) {
		runs <- struct{}{}
		<-release
		return 0, nil
	}
	// A test's router (no server): no worker, and the waker is told so.
	startWorker(&core.ServeEvent{App: app}, "wuye_test_worker", "test", run)
	if wakeWorker(app, "wuye_test_worker") {
		t.Fatal("a worker runs without a server")
	}
	startWorker(&core.ServeEvent{App: app, Server: &http.Server{}}, "wuye_test_worker", "test", run)
	t.Cleanup(func() { _ = app.OnTerminate().Trigger(&core.TerminateEvent{App: app}) })
	if !wakeWorker(app, "wuye_test_worker") {
		t.Fatal("the served app has no worker")
	}
	select {
	case <-runs:
	case <-time.After(5 * time.Second):
		t.Fatal("the woken worker did not run")
	}
	for range 5 { // while it runs: kept as one pending wake, none blocks
		wakeWorker(app, "wuye_test_worker")
	}
	release <- struct{}{}
	select {
	case <-runs:
	case <-time.After(5 * time.Second):
		t.Fatal("the wakes during a run did not run it again")
	}
	release <- struct{}{}
	select {
	case <-runs:
		t.Error("five wakes during one run ran it more than once more")
		release <- struct{}{}
	case <-time.After(100 * time.Millisecond):
	}
}
