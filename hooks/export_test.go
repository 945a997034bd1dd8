package hooks

import (
	"context"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// SetNow replaces the clock of serials, deadlines and flows for a test and
// returns the function that puts the real one back.
func SetNow(f func() time.Time) (restore func()) {
	prev := now
	now = f
	return func() { now = prev }
}

// RunBillingBatches runs at most n batches of a billing run and stops as if
// the server had been killed.
func RunBillingBatches(app core.App, id string, n int) error { return runBilling(app, id, n) }

// SetBillingBatch changes the batch size for a test.
func SetBillingBatch(n int) (restore func()) {
	prev := billingBatch
	billingBatch = n
	return func() { billingBatch = prev }
}

// StatsRange exposes statsRange to the tests.
var StatsRange = statsRange

// SetJobSelected sets what the flag jobs (overdue complaints, missed
// patrols) call between their query and their write transaction, and
// returns the function that puts the no-op back.
func SetJobSelected(f func(job string)) (restore func()) {
	prev := jobSelected
	jobSelected = f
	return func() { jobSelected = prev }
}

// HeldParcels is heldParcels, for the tests.
func HeldParcels(app core.App, community string) (int, error) { return heldParcels(app, community) }

// RunFanoutBatches runs at most n fan-out batches and stops as if the
// server had been killed.
func RunFanoutBatches(app core.App, at time.Time, n int) (int, error) { return runFanouts(app, at, n) }

// SetFanoutBatch changes the fan-out's batch size for a test.
func SetFanoutBatch(n int) (restore func()) {
	prev := fanoutBatch
	fanoutBatch = n
	return func() { fanoutBatch = prev }
}

// SetFanoutBatchDone replaces the hook called inside each fan-out batch's
// transaction (a test fails a batch there, as a crash would).
func SetFanoutBatchDone(f func(tx core.App, fanout string, batch int) error) (restore func()) {
	prev := fanoutBatchDone
	fanoutBatchDone = f
	return func() { fanoutBatchDone = prev }
}

// RuleCondition is ruleCondition, for the plan test of base_route_rules.go.
var RuleCondition = ruleCondition

// SetJobWaits sets what a job run calls when it finds a write request in
// flight before a batch and starts waiting, and how long it waits at most;
// it returns the function that puts both back.
func SetJobWaits(f func(job string), most time.Duration) (restore func()) {
	prevF, prevMost := jobWaits, jobYieldMax
	jobWaits, jobYieldMax = f, most
	return func() { jobWaits, jobYieldMax = prevF, prevMost }
}

// HoldWrite counts a write request in flight on app, as the router's
// middleware does while one runs, until release is called.
func HoldWrite(app core.App) (release func()) {
	g := writeGateOf(app)
	g.enter()
	return g.leave
}

// SetSharedAnswersClock times app's shared statistics answers (sharedAnswer)
// by f, with a window of sharedAnswerTTL, for a test that moves past a window.
func SetSharedAnswersClock(app core.App, f func() time.Time) {
	a := answersOf(app)
	a.mu.Lock()
	a.ttl = sharedAnswerTTL
	a.now = f
	a.mu.Unlock()
}

// PageBufferSlotsUsed is the most slots of SQLite's shared page buffer
// (configurePageCache) in use at once so far, with why it is not in use
// ("" if it is).
func PageBufferSlotsUsed() (int64, string) {
	tls := libc.NewTLS()
	defer tls.Close()
	cur := libc.Xcalloc(tls, 2, 8)
	defer libc.Xfree(tls, cur)
	sqlite3.Xsqlite3_status64(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED, cur, cur+8, 0)
	at := cur + 8 // the high-water mark
	return int64(libc.VaInt64(&at)), pageCacheErr
}

// SharedAnswersComputed is how many shared statistics answers app has
// computed (sharedAnswer), for the test that checks who shares one.
func SharedAnswersComputed(app core.App) int {
	a := answersOf(app)
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.computed
}

// StartWALCheckpointer is startWALCheckpointer, which `wuye serve` runs.
var StartWALCheckpointer = startWALCheckpointer

// QueuedTx is queuedTx: a write transaction taken in its turn.
var QueuedTx = queuedTx

// SetWALRestart changes the log's length and the number of requests
// waiting past which the checkpointer makes sure the log starts over, and
// returns the function that puts them back.
func SetWALRestart(frames, queued int) (restore func()) {
	prevFrames, prevQueued := walRestartFrames, walRestartQueued
	walRestartFrames, walRestartQueued = frames, queued
	return func() { walRestartFrames, walRestartQueued = prevFrames, prevQueued }
}

// CheckpointWAL is one tick of the server's checkpointer, given what the
// tick before it left: the log's length and the ticks in a row a turn was
// due.
func CheckpointWAL(ctx context.Context, app core.App, frames, due int) (framesNow, dueNow int) {
	t := checkpointWAL(ctx, app, walTick{frames: frames, due: due})
	return t.frames, t.due
}

// SetWALTurnDue changes how many ticks in a row a turn must be due before
// the checkpointer takes it, and returns the function that puts it back.
func SetWALTurnDue(ticks int) (restore func()) {
	prev := walTurnDueTicks
	walTurnDueTicks = ticks
	return func() { walTurnDueTicks = prev }
}

// PublishOnCommit is publishOnCommit, for a record the test builds.
var PublishOnCommit = publishOnCommit

// HomeCardFields are, per collection, the fields of a new request's card
// on the residents' topics (base_realtime_notes.go).
var HomeCardFields = homeCardFields
