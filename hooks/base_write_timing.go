package hooks

import (
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// SQLite lets one connection write at a time, so a request that writes
// waits for whatever holds the write connection: another request or a
// job's batch. Issue #23 item 4 asks what makes the slowest requests slow
// while the jobs run; a request's latency alone cannot tell the wait for a
// job's batch from its own statements or a slow commit. ObserveWrites,
// used by cmd/bench only, hands each write transaction's timeline to an
// observer: the requests' (inTxAround) and the jobs' batches
// (jobApp.RunInTransaction). With no observer set it costs one atomic load
// per transaction.

// CheckpointTiming is the Job of a timeline of the server's WAL checkpoint
// (startWALCheckpointer), from its start (Began) to its end (Done): not a
// write transaction, but a commit made meanwhile may wait on its disk.
const CheckpointTiming = "(checkpoint)"

// CheckpointTurnTiming is the Job of a timeline of the checkpoint that
// finishes copying the log in a turn of the write queue (checkpointWAL):
// from asking for the turn (Asked) and having it (Began) to its end (Done).
// The requests behind it waited for it as for a job's batch.
const CheckpointTurnTiming = "(checkpoint in a turn)"

// WriteTiming is one write transaction's timeline. Job is empty for a
// request's transaction.
type WriteTiming struct {
	Job string `json:"job,omitempty"`
	// Arrived is when the router took the request (countWrites); for a
	// job's batch, when it asked for the write connection.
	Arrived time.Time `json:"arrived"`
	// Asked is when it asked for the write connection, Began when it had
	// it, Worked when its statements were done and the commit began, Done
	// when the commit was.
	Asked  time.Time `json:"asked"`
	Began  time.Time `json:"began"`
	Worked time.Time `json:"worked"`
	Done   time.Time `json:"done"`
}

var writeObserver atomic.Pointer[func(WriteTiming)]

// ObserveWrites sends every write transaction's timeline to fn (nil: none)
// and returns the function that puts the previous observer back.
func ObserveWrites(fn func(WriteTiming)) (restore func()) {
	var p *func(WriteTiming)
	if fn != nil {
		p = &fn
	}
	prev := writeObserver.Swap(p)
	return func() { writeObserver.Store(prev) }
}

// observing is the observer when one is set.
func observing() (func(WriteTiming), bool) {
	p := writeObserver.Load()
	if p == nil {
		return nil, false
	}
	return *p, true
}

// requestArrivedKey is the request store's key of the time countWrites
// took the request (only while an observer is set).
const requestArrivedKey = "wuye_write_arrived"

// markArrived notes when a write request came in, for its timeline.
func markArrived(e *core.RequestEvent) {
	if _, ok := observing(); ok {
		e.Set(requestArrivedKey, time.Now())
	}
}

// timeWrite times the write transaction tx that has just begun: asked is
// when its connection was asked for, arrived when the request or batch
// came in. It returns the function to call once the statements are done;
// the observer gets the timeline when the transaction completes. Both are
// no-ops with no observer. Called first in the transaction, so that its
// completion is timed before the other after-commit work (the response,
// the realtime broadcasts).
func timeWrite(tx core.App, job string, arrived, asked time.Time) (worked func()) {
	fn, ok := observing()
	if !ok {
		return func() {}
	}
	t := WriteTiming{Job: job, Arrived: arrived, Asked: asked, Began: time.Now()}
	if t.Arrived.IsZero() {
		t.Arrived = asked
	}
	tx.TxInfo().OnComplete(func(err error) error {
		t.Done = time.Now()
		if t.Worked.IsZero() {
			t.Worked = t.Done
		}
		if err == nil {
			fn(t)
		}
		return nil
	})
	return func() { t.Worked = time.Now() }
}
