package hooks_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// The write connection keeps wal_autocheckpoint = 0 while the server
// serves: PocketBase closes an idle connection (after 3 minutes), and the
// one opened after it had SQLite's automatic checkpoint in its commits.
func TestWriteConnectionKeepsItsCheckpointSetting(t *testing.T) {
	app := testapp.New(t)
	db := app.NonconcurrentDB().(*dbx.DB)
	db.DB().SetConnMaxIdleTime(20 * time.Millisecond) // as PocketBase's 3 minutes, shortened
	hooks.StartWALCheckpointer(app)
	defer app.OnTerminate().Trigger(&core.TerminateEvent{App: app})
	time.Sleep(1500 * time.Millisecond) // database/sql closes idle connections once a second at most
	var pages int
	if err := db.NewQuery("PRAGMA wal_autocheckpoint").Row(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != 0 {
		t.Fatalf("the write connection checkpoints every %d pages after an idle spell; want 0 (the server's checkpointer does it)", pages)
	}
}

// The server's checkpointer never runs while a job's batch is open (see
// checkpointGateOf: a batch's commit waited on the checkpoint's sync, and
// the requests behind it with it), and still runs between the batches.
// Each batch here holds the write connection for 300 ms, longer than the
// checkpointer's period.
func TestCheckpointsWaitForJobBatches(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetJobBatch(1, time.Hour)()
	intake, flagged := lateOrders(t, app)
	app.OnRecordUpdate("work_orders").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetBool("reply_overdue") {
			time.Sleep(300 * time.Millisecond)
		}
		return e.Next()
	})

	var mu sync.Mutex
	var batches, checkpoints []hooks.WriteTiming
	defer hooks.ObserveWrites(func(w hooks.WriteTiming) {
		mu.Lock()
		defer mu.Unlock()
		switch w.Job {
		case hooks.CheckpointTiming:
			checkpoints = append(checkpoints, w)
		case "wuye_work_order_replies":
			batches = append(batches, w)
		}
	})()
	hooks.StartWALCheckpointer(app)
	defer app.OnTerminate().Trigger(&core.TerminateEvent{App: app})

	st, err := hooks.RunJob(app, "wuye_work_order_replies", intake.Add(16*time.Minute))
	if err != nil || st.Errors != 0 || flagged() != 5 {
		t.Fatalf("job: %v, %d step errors, %d of 5 flagged", err, st.Errors, flagged())
	}
	time.Sleep(600 * time.Millisecond) // a checkpoint or two after the job
	mu.Lock()
	defer mu.Unlock()
	if len(batches) < 5 || len(checkpoints) == 0 {
		t.Fatalf("%d batches and %d checkpoints timed; want 5 batches and some checkpoints", len(batches), len(checkpoints))
	}
	for _, c := range checkpoints {
		for _, b := range batches {
			if c.Began.Before(b.Done) && c.Done.After(b.Asked) {
				t.Fatalf("a checkpoint ran %v–%v while a batch held the write connection %v–%v", c.Began, c.Done, b.Asked, b.Done)
			}
		}
	}
}

// Under a steady stream of commits the log still starts over
// (checkpointWAL). SQLite starts it over only at a write whose transaction
// began with the whole log copied back, and while requests write one after
// another the next one's transaction is always under way when a checkpoint
// ends: the log grew by 43 MB a second at 16 concurrent complaint creates,
// never starting over. Here eight writers commit one after another without
// a pause; the log's header counts its restarts. (With the first,
// lock-free checkpoint alone: 0 restarts in 5 s, 60,000 frames.)
func TestWALStartsOverUnderSteadyWrites(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetWALRestart(40, 4)()
	defer hooks.SetWALTurnDue(2)() // a turn every 3 ticks at most; the count's own test is TestCheckpointTakesATurnOnlyForABacklogThatLasts
	if _, err := app.DB().NewQuery("CREATE TABLE wal_probe (v BLOB)").Execute(); err != nil {
		t.Fatal(err)
	}
	restarts := func() uint32 {
		seq, _ := walHeader(t, app)
		return seq
	}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				err := hooks.QueuedTx(ctx, app, func(tx core.App) error {
					_, err := tx.DB().NewQuery("INSERT INTO wal_probe (v) VALUES (randomblob(3000))").Execute()
					return err
				})
				if err != nil && ctx.Err() == nil {
					errs <- err
					return
				}
			}
		}()
	}
	defer func() { stop(); wg.Wait() }()
	time.Sleep(100 * time.Millisecond) // the writers under way
	first := restarts()
	hooks.StartWALCheckpointer(app)
	defer app.OnTerminate().Trigger(&core.TerminateEvent{App: app})

	deadline := time.Now().Add(10 * time.Second)
	for restarts()-first < 3 {
		select {
		case err := <-errs:
			t.Fatal(err)
		default:
		}
		if time.Now().After(deadline) {
			var n int
			_ = app.DB().NewQuery("SELECT count(*) FROM wal_probe").Row(&n)
			t.Fatalf("the log started over %d times in 10 s of steady writes (%d rows written); want 3 or more", restarts()-first, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The checkpointer takes a turn of the write queue only for a log past
// walRestartFrames that has not started over since its last tick, and only
// with a backlog of requests waiting to write: a short log, one that
// started over by itself, or a turn that would land on the few requests of
// a steady rate costs them no wait.
func TestCheckpointTakesATurnOnlyForALogThatGrows(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetWALRestart(20, 0)() // puts back the values before it, whatever is set after
	defer hooks.SetWALTurnDue(1)()
	if _, err := app.DB().NewQuery("CREATE TABLE wal_probe (v BLOB)").Execute(); err != nil {
		t.Fatal(err)
	}
	turns := countTurns(t)
	tick := func(prev int) (frames, took int) {
		before := turns()
		frames, _ = hooks.CheckpointWAL(context.Background(), app, prev, 0)
		return frames, turns() - before
	}
	write := func(n int) {
		for range n {
			if _, err := app.DB().NewQuery("INSERT INTO wal_probe (v) VALUES (randomblob(3000))").Execute(); err != nil {
				t.Fatal(err)
			}
		}
	}

	if _, err := app.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		t.Fatal(err)
	}
	write(3)
	if frames, took := tick(0); took != 0 || frames >= 20 {
		t.Fatalf("a log of %d frames: %d turns taken; want none below 20", frames, took)
	}
	write(30)
	frames, took := tick(0)
	if took != 1 {
		t.Fatalf("a log of %d frames grown since the last tick: %d turns taken; want 1", frames, took)
	}
	if _, took := tick(frames + 1000); took != 0 {
		t.Fatalf("a log shorter than at the last tick (it started over): %d turns taken; want none", took)
	}
	write(30)
	_ = hooks.SetWALRestart(20, 1)
	if frames, took := tick(0); took != 0 {
		t.Fatalf("a log of %d frames grown since the last tick, no request waiting: %d turns taken; want none", frames, took)
	}
}

// countTurns counts the checkpointer's turns of the write queue from now
// to the end of the test.
func countTurns(t *testing.T) (taken func() int) {
	var mu sync.Mutex
	n := 0
	t.Cleanup(hooks.ObserveWrites(func(w hooks.WriteTiming) {
		if w.Job == hooks.CheckpointTurnTiming {
			mu.Lock()
			n++
			mu.Unlock()
		}
	}))
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return n
	}
}

// A turn is taken only once it has been due walTurnDueTicks ticks in a
// row (a backlog that lasts); a tick at which it is not due (here: a log
// that started over) ends the count.
func TestCheckpointTakesATurnOnlyForABacklogThatLasts(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetWALRestart(20, 0)()
	defer hooks.SetWALTurnDue(4)()
	if _, err := app.DB().NewQuery("CREATE TABLE wal_probe (v BLOB)").Execute(); err != nil {
		t.Fatal(err)
	}
	taken := countTurns(t)
	// Each tick finds 30 more pages, in a log no shorter than prev.
	due := 0
	tick := func(prev int) {
		if _, err := app.DB().NewQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30) INSERT INTO wal_probe (v) SELECT randomblob(3000) FROM n").Execute(); err != nil {
			t.Fatal(err)
		}
		_, due = hooks.CheckpointWAL(context.Background(), app, prev, due)
	}

	for i := 1; i < 4; i++ {
		tick(0)
		if n := taken(); n != 0 || due != i {
			t.Fatalf("tick %d with the turn due: %d turns taken (due %d ticks in a row); want none yet", i, n, due)
		}
	}
	tick(0)
	if n := taken(); n != 1 || due != 0 {
		t.Fatalf("the 4th tick in a row with the turn due: %d turns taken (due %d in a row after); want it taken and the count ended", n, due)
	}

	due = 3
	tick(1 << 20) // the last tick saw a longer log: this one started over
	if n := taken(); n != 1 || due != 0 {
		t.Fatalf("a log that started over: %d turns taken (due %d in a row); want no turn and the count ended", n, due)
	}
}

// While the server serves, the commit that starts the log over leaves the
// log file at its size: with PocketBase's journal_size_limit (200 MB) that
// commit cut a grown file back and took 358 ms for a 910 MB log, under the
// write lock (writeConnectionPragmas). PocketBase's limit is scaled down to
// 1 MB here, set before the server's checkpointer starts.
func TestLogFileKeepsItsSizeWhenTheLogStartsOver(t *testing.T) {
	app := testapp.New(t)
	w := app.NonconcurrentDB()
	for _, q := range []string{"PRAGMA journal_size_limit = 1000000", "CREATE TABLE wal_probe (v BLOB)"} {
		if _, err := w.NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	hooks.StartWALCheckpointer(app)
	defer app.OnTerminate().Trigger(&core.TerminateEvent{App: app})

	// One transaction of ~4 MB: the log holds at least that many pages.
	if _, err := w.NewQuery("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) INSERT INTO wal_probe (v) SELECT randomblob(3000) FROM n").Execute(); err != nil {
		t.Fatal(err)
	}
	seq, grown := walHeader(t, app)
	if grown < 4<<20 {
		t.Fatalf("the log file is %d bytes after a 4 MB transaction", grown)
	}
	// Every frame copied back (the checkpointer's ticks, or this), so that
	// the next write starts the log over.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var busy, frames, copied int
		if err := app.ConcurrentDB().NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Row(&busy, &frames, &copied); err != nil {
			t.Fatal(err)
		}
		if frames == copied {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log's %d frames not copied back in 5 s (%d copied)", frames, copied)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := w.NewQuery("INSERT INTO wal_probe (v) VALUES (x'00')").Execute(); err != nil {
		t.Fatal(err)
	}
	after, size := walHeader(t, app)
	if after == seq {
		t.Fatalf("the log did not start over (checkpoint sequence %d)", seq)
	}
	if size < grown {
		t.Fatalf("the commit that started the log over cut its file from %d to %d bytes; want it kept", grown, size)
	}
}

// walHeader reads app's main database log file: the checkpoint sequence
// number in its header, which SQLite increments each time the log starts
// over, and the file's size.
func walHeader(t *testing.T, app core.App) (seq uint32, size int64) {
	t.Helper()
	f, err := os.Open(filepath.Join(app.DataDir(), "data.db-wal"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var h [16]byte
	if _, err := f.ReadAt(h[:], 0); err != nil {
		t.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return binary.BigEndian.Uint32(h[12:]), st.Size()
}
