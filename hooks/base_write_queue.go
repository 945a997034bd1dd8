package hooks

import (
	"context"
	"runtime"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// SQLite lets one connection write at a time, and PocketBase keeps one for
// writing. While it is busy the requests that want it wait in Go's
// database/sql pool, which hands the freed connection to a random one of
// them (sql.DB's connRequests.TakeRandom), not to the one that has waited
// longest. Under a burst most requests get their turn soon, but the unlucky
// ones are passed over again and again: with 16 requests waiting, one in a
// hundred waits some 70 turns instead of 15 (4.6 = ln 100 times as long),
// and that is what set the p99 of complaint creates at 16 concurrent
// (BENCHMARKS.md, "Creates", session 15). A resident who pressed 提交 first
// is answered first: the requests' write transactions (inTxAround) take
// their turns at the write connection through this queue, in the order
// they asked for it. Jobs (jobApp) keep their own pacing (giveWay) and
// take the connection between the turns, as PocketBase's own writes do.

// writeQueueKey is the app store's key of its writeQueue.
const writeQueueKey = "wuye_write_queue"

// writeQueue gives out turns at the write connection one at a time, first
// come first served.
type writeQueue struct {
	mu      sync.Mutex
	busy    bool            // a turn is out
	waiting []chan struct{} // closed when it is that request's turn; oldest first
}

// writeQueueOf is app's queue (one per app, in its store).
func writeQueueOf(app core.App) *writeQueue {
	return app.Store().GetOrSet(writeQueueKey, func() any { return &writeQueue{} }).(*writeQueue)
}

// enter waits for the caller's turn; once it returns nil the caller must
// call leave exactly once. A request given up by its client (ctx done)
// leaves the queue without a turn.
func (q *writeQueue) enter(ctx context.Context) error {
	q.mu.Lock()
	if !q.busy {
		q.busy = true
		q.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	q.waiting = append(q.waiting, turn)
	q.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
		q.giveUp(turn)
		return ctx.Err()
	}
}

// giveUp takes a waiter whose client gave up out of the queue; if its turn
// came meanwhile, it passes the turn on.
func (q *writeQueue) giveUp(turn chan struct{}) {
	q.mu.Lock()
	for i, t := range q.waiting {
		if t == turn {
			q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
			q.mu.Unlock()
			return
		}
	}
	q.mu.Unlock()
	q.leave()
}

// leave ends the caller's turn and gives the next one out, and then hands
// the next one the caller's processor (runtime.Gosched).
//
// Why the hand-over: the next writer, woken, waits for a processor, and at
// 16 concurrent creates on 2 cores both are busy — the caller with its
// response, the other requests with their work before their turn — while
// the write connection, which sets the rate, stands idle. Woken by close, it
// is the processor's next goroutine (Go's runnext), so yielding runs it at
// once, and the caller, whose transaction is over, finishes its response a
// little later. A 3 s execution trace of that phase: the woken writers
// waited 541 ms in all for a processor (0.44 ms of each 2.4 ms turn), 148 ms
// with the hand-over; the server's CPU per complaint fell with it, for a
// reason not looked into (BENCHMARKS.md § Creates, session 20).
// TestWriteQueueNextTurnRunsAtOnce holds this.
func (q *writeQueue) leave() {
	q.mu.Lock()
	if len(q.waiting) == 0 {
		q.busy = false
		q.mu.Unlock()
		return
	}
	next := q.waiting[0]
	q.waiting[0] = nil
	q.waiting = q.waiting[1:]
	q.mu.Unlock()
	close(next)
	runtime.Gosched()
}

// waitingNow is how many are waiting for their turn.
func (q *writeQueue) waitingNow() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}

// WritesQueued is how many requests are waiting for their turn at the
// write connection (TestWritesTakeTurnsInOrder waits on it).
func WritesQueued(app core.App) int { return writeQueueOf(app).waitingNow() }

// queuedTx runs fn in a write transaction of app taken in its turn
// (writeQueue), and lets the next request in as soon as the transaction
// ends — before PocketBase's after-commit work (the realtime broadcasts,
// the success hooks), which needs no write connection. Inside a
// transaction it is app.RunInTransaction: the turn is already held.
func queuedTx(ctx context.Context, app core.App, fn func(tx core.App) error) error {
	if app.IsTransactional() {
		return app.RunInTransaction(fn)
	}
	q := writeQueueOf(app)
	if err := q.enter(ctx); err != nil {
		return err
	}
	var once sync.Once
	leave := func() { once.Do(q.leave) }
	defer leave() // the transaction did not begin
	return app.RunInTransaction(func(tx core.App) error {
		tx.TxInfo().OnComplete(func(error) error { leave(); return nil })
		return fn(tx)
	})
}
