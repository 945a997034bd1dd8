package hooks_test

import (
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
