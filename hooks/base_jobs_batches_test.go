package hooks_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
	"wuye/lib/workcal"
)

// The deadline jobs work in short batches (issue #23): a job with more work
// than one batch does all of it, in several write transactions that each
// change at most a batch of records (requests write between them), and a
// second run finds nothing left. What the jobs do is unchanged: each breach
// is flagged, recorded and escalated once.

// TestLateReplyJobWorksInBatches: five orders past their 15-minute reply
// deadline, batches of two: all five are flagged and escalated to the
// supervisor and the director ([002] 三 3.2: 15 分钟内回复住户; escalation
// once, as TestWorkOrderTimers), in at least three transactions; run again,
// the job changes nothing and opens no write transaction.
func TestLateReplyJobWorksInBatches(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetJobBatch(2, time.Hour)()
	intake, orders := fileLateOrders(t, app)

	at := intake.Add(16 * time.Minute)
	first, err := hooks.RunJob(app, "wuye_work_order_replies", at)
	if err != nil || first.Errors != 0 {
		t.Fatalf("job: %v (%d step errors)", err, first.Errors)
	}
	if first.Changed < len(orders) || first.Transactions < 3 || first.Transactions < (first.Changed+1)/2 {
		t.Fatalf("flagged %d in %d transactions; want all %d mine, at most 2 a transaction", first.Changed, first.Transactions, len(orders))
	}
	if first.Rows < int64(len(orders))*4 || first.LongestHold <= 0 {
		t.Fatalf("rows written %d, longest hold %v: want each order's flag, event and two notices counted", first.Rows, first.LongestHold)
	}
	counts := func() (flagged, events, notices int64) {
		for _, o := range orders {
			stored, err := app.FindRecordById("work_orders", o.Id)
			if err != nil {
				t.Fatal(err)
			}
			if stored.GetBool("reply_overdue") {
				flagged++
			}
			e, _ := app.CountRecords("events", dbx.HashExp{"subject_id": o.Id, "action": "overdue_reply"})
			n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "work_order_overdue", "subject_id": o.Id})
			events, notices = events+e, notices+n
		}
		return
	}
	if f, e, n := counts(); f != 5 || e != 5 || n != 10 {
		t.Fatalf("after one run: %d flagged, %d events, %d notices; want 5, 5, 10", f, e, n)
	}

	again, err := hooks.RunJob(app, "wuye_work_order_replies", at.Add(time.Minute))
	if err != nil || again.Changed != 0 || again.Transactions != 0 {
		t.Fatalf("second run: %v, changed %d in %d transactions; want nothing", err, again.Changed, again.Transactions)
	}
	if f, e, n := counts(); f != 5 || e != 5 || n != 10 {
		t.Fatalf("after a second run: %d flagged, %d events, %d notices; want still 5, 5, 10", f, e, n)
	}
}

// TestComplaintDeadlineJobWorksInBatches: seven complaints whose first
// response is late (24 clock hours, [002] 三 3.2), batches of three: every
// one is flagged and escalated once, over several transactions; one
// answered between the job's query and its write (jobSelected) keeps its
// answer and is not flagged; the next run flags nothing more.
func TestComplaintDeadlineJobWorksInBatches(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetJobBatch(3, time.Hour)()
	desk := staffRec(t, app, "frontdesk@example.com")
	filed := time.Date(2025, 9, 30, 10, 0, 0, 0, workcal.Shanghai)
	restore := hooks.SetNow(func() time.Time { return filed })
	owner := residentRec(t, app, "owner1@example.com")
	var cs []*core.Record
	for range 7 {
		cs = append(cs, fileComplaint(t, app, owner, "1-101", "other", nil))
	}
	restore()
	// When the second batch has been selected, one not flagged yet (of the
	// second batch or a later one) is closed as invalid.
	var answered *core.Record
	pages := 0
	defer hooks.SetJobSelected(func(job string) {
		if job != "complaint_deadlines" {
			return
		}
		if pages++; pages != 2 {
			return
		}
		for _, c := range cs {
			if stored, _ := app.FindRecordById("complaints", c.Id); stored != nil && !stored.GetBool("first_response_overdue") {
				answered = c
				break
			}
		}
		if answered == nil {
			t.Fatal("all flagged by the first batch")
		}
		if _, err := hooks.AdvanceComplaint(app, answered.Id, desk, "invalid", map[string]any{"invalid_reason": "重复投诉"}); err != nil {
			t.Errorf("close meanwhile: %v", err)
		}
	})()

	at := time.Date(2025, 10, 1, 10, 1, 0, 0, workcal.Shanghai)
	first, err := hooks.RunJob(app, "wuye_complaint_deadlines", at)
	if err != nil || first.Errors != 0 {
		t.Fatalf("job: %v (%d step errors)", err, first.Errors)
	}
	if pages < 2 || answered == nil || first.Transactions < 2 {
		t.Fatalf("%d pages, %d transactions: want the work split", pages, first.Transactions)
	}
	flagged := 0
	for _, c := range cs {
		stored, _ := app.FindRecordById("complaints", c.Id)
		n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": "complaint_overdue", "subject_id": c.Id})
		if c.Id == answered.Id {
			if stored.GetString("status") != "invalid" || stored.GetBool("first_response_overdue") || n != 0 {
				t.Fatalf("answered meanwhile: status %s, flagged %v, %d notices", stored.GetString("status"), stored.GetBool("first_response_overdue"), n)
			}
			continue
		}
		if !stored.GetBool("first_response_overdue") || n != 2 {
			t.Fatalf("complaint %s: flagged %v, %d notices; want flagged, supervisor and director told", c.Id, stored.GetBool("first_response_overdue"), n)
		}
		flagged++
	}
	if flagged != 6 || first.Changed < 6 {
		t.Fatalf("%d of mine flagged, job reports %d; want 6", flagged, first.Changed)
	}
	again, err := hooks.RunJob(app, "wuye_complaint_deadlines", at.Add(5*time.Minute))
	if err != nil || again.Changed != 0 {
		t.Fatalf("second run: %v, changed %d; want nothing", err, again.Changed)
	}
	for _, c := range cs {
		want := int64(1)
		if c.Id == answered.Id {
			want = 0
		}
		if n, _ := app.CountRecords("events", dbx.HashExp{"subject_id": c.Id, "action": "overdue_first_response"}); n != want {
			t.Fatalf("complaint %s: %d first-response events after two runs, want %d", c.Id, n, want)
		}
	}
}

// TestJobGivesWayToWriteRequests: a job's batch does not start while a
// request that may write is in flight (issue #23: the jobs give way to the
// front desk and the residents; a work order's 15-minute reply deadline,
// [002] 三 3.2, is still flagged, after the request). With a write request
// held open, the late-reply job waits before its first batch and flags
// nothing; once the request is done it flags all five orders. The router
// counts a real write request while it runs and none once it is done.
func TestJobGivesWayToWriteRequests(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetJobBatch(2, time.Hour)()
	intake, flagged := lateOrders(t, app)

	// The router counts a write request while it runs.
	inFlight := -1
	app.OnRecordCreateRequest("complaints").BindFunc(func(e *core.RecordRequestEvent) error {
		inFlight = hooks.InFlightWrites(e.App)
		return e.Next()
	})
	h := testapp.Handler(t, app)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
		`{"unit":"`+testapp.ID(t, "unit:1-301")+`","channel":"phone","category":"other","content":"测试投诉 让路","contact_name":"李","contact_phone":"13800000001"}`,
		"frontdesk@example.com")
	if code != 200 || inFlight != 1 || hooks.InFlightWrites(app) != 0 {
		t.Fatalf("complaint %d %s: %d write requests counted during it, %d after; want 1, 0", code, body, inFlight, hooks.InFlightWrites(app))
	}

	// A write request in flight: the job waits (no bound in this test).
	waiting := make(chan struct{}, 1)
	defer hooks.SetJobWaits(func(string) {
		select {
		case waiting <- struct{}{}:
		default:
		}
	}, time.Hour)()
	release := hooks.HoldWrite(app)
	done := make(chan hooks.JobStats, 1)
	go func() {
		st, err := hooks.RunJob(app, "wuye_work_order_replies", intake.Add(16*time.Minute))
		if err != nil {
			st.Error = err.Error()
		}
		done <- st
	}()
	select {
	case st := <-done:
		release()
		t.Fatalf("the job ran with a write request in flight: %d flagged in %d transactions", st.Changed, st.Transactions)
	case <-waiting:
	}
	if n := flagged(); n != 0 {
		release()
		t.Fatalf("%d orders flagged while a write request was in flight; want none", n)
	}
	release()
	st := <-done
	if st.Error != "" || st.Errors != 0 || st.GaveWay < 1 || st.TimedOut != 0 {
		t.Fatalf("job: %q, %d step errors, gave way %d times (%d timed out); want no error, gave way, none timed out", st.Error, st.Errors, st.GaveWay, st.TimedOut)
	}
	if n := flagged(); n != 5 || st.Changed < 5 {
		t.Fatalf("after the request: %d of 5 flagged (job reports %d)", n, st.Changed)
	}
}

// A write request that comes in while a job's batch is open waits for the
// record the batch is on, not for the rest of the batch: the batch commits
// after that record and the job gives way before its next one.
func TestJobBatchCommitsWhenAWriteArrives(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetJobBatch(5, time.Hour)()
	intake, flagged := lateOrders(t, app)

	// The first order the job flags: a request arrives as it is written.
	var release func()
	app.OnRecordUpdate("work_orders").BindFunc(func(e *core.RecordEvent) error {
		if release == nil && e.Record.GetBool("reply_overdue") {
			release = hooks.HoldWrite(app)
		}
		return e.Next()
	})
	flaggedWhenWaiting := -1
	defer hooks.SetJobWaits(func(string) {
		if flaggedWhenWaiting < 0 {
			flaggedWhenWaiting = flagged()
			release()
		}
	}, time.Hour)()
	st, err := hooks.RunJob(app, "wuye_work_order_replies", intake.Add(16*time.Minute))
	if err != nil || st.Errors != 0 {
		t.Fatalf("job: %v, %d step errors", err, st.Errors)
	}
	if flaggedWhenWaiting != 1 || st.CutShort < 1 || st.GaveWay < 1 {
		t.Fatalf("the job waited for the request with %d orders flagged (want 1: the batch committed after the record it was on), cut %d batches short, gave way %d times",
			flaggedWhenWaiting, st.CutShort, st.GaveWay)
	}
	if n := flagged(); n != 5 {
		t.Fatalf("after the request: %d of 5 flagged", n)
	}
}

// fileLateOrders files five of owner1's work orders on a Monday at 09:00
// that no one replies to, and returns when they were filed and the orders.
func fileLateOrders(t *testing.T, app core.App) (intake time.Time, orders []*core.Record) {
	t.Helper()
	intake = time.Date(2026, 3, 2, 9, 0, 0, 0, workcal.Shanghai)
	restore := hooks.SetNow(func() time.Time { return intake })
	defer restore()
	owner := residentRec(t, app, "owner1@example.com")
	for range 5 {
		orders = append(orders, fileOrder(t, app, owner, "1-101", "DQ01", nil))
	}
	return intake, orders
}

// lateOrders is fileLateOrders with a count of the orders the late-reply
// job has flagged.
func lateOrders(t *testing.T, app core.App) (intake time.Time, flagged func() int) {
	t.Helper()
	intake, orders := fileLateOrders(t, app)
	return intake, func() int {
		n := 0
		for _, o := range orders {
			if stored, err := app.FindRecordById("work_orders", o.Id); err == nil && stored.GetBool("reply_overdue") {
				n++
			}
		}
		return n
	}
}

// The write timelines cmd/bench reads to tell what the slowest creates
// waited for (issue #23 item 4): with an observer set, a write request's
// transaction and each batch of a job are reported, each with its parts in
// order — the request from the moment the router took it, the batch named
// by its job; with none set, nothing is.
func TestWriteTimingsOfRequestsAndJobBatches(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetJobBatch(2, time.Hour)()
	intake, _ := lateOrders(t, app)

	var mu sync.Mutex
	var got []hooks.WriteTiming
	restore := hooks.ObserveWrites(func(w hooks.WriteTiming) {
		mu.Lock()
		got = append(got, w)
		mu.Unlock()
	})
	h := testapp.Handler(t, app)
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
		`{"unit":"`+testapp.ID(t, "unit:1-301")+`","channel":"phone","category":"other","content":"测试投诉 计时","contact_name":"李","contact_phone":"13800000001"}`,
		"frontdesk@example.com")
	if code != 200 {
		t.Fatalf("complaint %d %s", code, body)
	}
	st, err := hooks.RunJob(app, "wuye_work_order_replies", intake.Add(16*time.Minute))
	if err != nil || st.Errors != 0 || st.Transactions < 3 {
		t.Fatalf("job: %v, %d step errors, %d transactions (want ≥ 3 batches of 2 for 5 orders)", err, st.Errors, st.Transactions)
	}
	restore()

	requests, batches := 0, 0
	for _, w := range got {
		if w.Arrived.After(w.Asked) || w.Asked.After(w.Began) || w.Began.After(w.Worked) || w.Worked.After(w.Done) || w.Arrived.IsZero() {
			t.Fatalf("a timeline out of order: %+v", w)
		}
		switch w.Job {
		case "":
			requests++
			if !w.Arrived.Before(w.Asked) {
				t.Fatalf("the request's timeline starts when it asked for the connection, not when the router took it: %+v", w)
			}
		case "wuye_work_order_replies":
			batches++
		default:
			t.Fatalf("a timeline of job %q", w.Job)
		}
	}
	if requests != 1 || batches != st.Transactions {
		t.Fatalf("%d request and %d batch timelines; want 1 and the job's %d transactions", requests, batches, st.Transactions)
	}

	// No observer: nothing reported.
	n := len(got)
	if code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
		`{"unit":"`+testapp.ID(t, "unit:1-301")+`","channel":"phone","category":"other","content":"测试投诉 不计时","contact_name":"李","contact_phone":"13800000001"}`,
		"frontdesk@example.com"); code != 200 {
		t.Fatalf("complaint %d %s", code, body)
	}
	if len(got) != n {
		t.Fatalf("%d timelines reported with no observer set", len(got)-n)
	}
}

// A job rests longer after its batches while write requests keep coming in
// (a fifth of the write connection, not half): each batch here sees one
// come in, and every rest is a busy one; with none coming in, none is.
func TestJobRestsLongerWhileWritesComeIn(t *testing.T) {
	app := testapp.New(t)
	defer hooks.SetJobBatch(1, time.Hour)()
	intake, flagged := lateOrders(t, app)

	st, err := hooks.RunJob(app, "wuye_work_order_replies", intake.Add(16*time.Minute))
	if err != nil || st.Errors != 0 || flagged() != 5 {
		t.Fatalf("job: %v, %d step errors, %d of 5 flagged", err, st.Errors, flagged())
	}
	if st.BusyRests != 0 {
		t.Fatalf("%d busy rests with no write request coming in; want none", st.BusyRests)
	}

	_, flagged = lateOrders(t, app)
	app.OnRecordUpdate("work_orders").BindFunc(func(e *core.RecordEvent) error {
		hooks.HoldWrite(app)() // a request comes in (and is done at once)
		return e.Next()
	})
	st, err = hooks.RunJob(app, "wuye_work_order_replies", intake.Add(16*time.Minute))
	if err != nil || st.Errors != 0 || flagged() != 5 {
		t.Fatalf("job: %v, %d step errors, %d of 5 flagged", err, st.Errors, flagged())
	}
	if st.BusyRests != st.Transactions || st.Transactions < 5 {
		t.Fatalf("%d busy rests after %d batches with a write request coming in during each; want one after each", st.BusyRests, st.Transactions)
	}
}
