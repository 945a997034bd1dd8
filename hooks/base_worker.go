package hooks

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Work that follows a commit — sending the outbox's deliveries
// (base_outbox.go), telling a fan-out's audience (base_fanout.go) — is
// done by one goroutine per kind of work while the app serves: a commit
// that leaves work due wakes it (wakeWorker) and returns at once; the
// worker runs the whole queue, so a wake while it is busy is kept (one
// pending wake) and any number of them run it once more. It stops when
// the app terminates. A job every minute sweeps what a wake did not cover
// (work due later, a restart). Without a served app (a test's router, the
// demo loader, a command) no worker runs, and wakeWorker says so.

// afterCommitWorker is a running worker: its wake channel, one pending
// wake at most.
type afterCommitWorker struct{ wake chan struct{} }

// startWorker starts, when se serves for real, the worker kept in the
// app's store under key, which runs run(app, now()) on each wake and logs
// its error under name. A test's router (se.Server nil) starts none.
func startWorker(se *core.ServeEvent, key, name string, run func(core.App, time.Time) (int, error)) {
	if se.Server == nil {
		return
	}
	w := &afterCommitWorker{wake: make(chan struct{}, 1)}
	se.App.Store().Set(key, w)
	done := make(chan struct{})
	var once sync.Once
	se.App.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		once.Do(func() { close(done) })
		return e.Next()
	})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-w.wake:
				if _, err := run(se.App, now()); err != nil {
					se.App.Logger().Error(name, "error", err)
				}
			}
		}
	}()
}

// wakeWorker nudges the worker under key and reports whether one runs.
func wakeWorker(app core.App, key string) bool {
	w, ok := app.Store().Get(key).(*afterCommitWorker)
	if !ok {
		return false
	}
	select {
	case w.wake <- struct{}{}:
	default: // already woken: its run will see this work too
	}
	return true
}
