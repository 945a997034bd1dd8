package hooks

import (
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The fan-out (docs/DESIGN.md § Notices, "Fan-out"): a notice to a
// community of 10,000 households, an opened survey, a new activity or a
// found item is not told to its audience inside the transaction that
// posts it. That transaction writes one `fanouts` row (enqueueFanout);
// after commit a worker (startWorker, base_worker.go) — and a job every
// minute, for the scheduled ones — works through it in batches of
// fanoutBatch residents, each batch its own transaction followed by a
// pause as long as it took: the recipients after the cursor, computed in
// SQL, their notifications and deliveries written with multi-row INSERTs
// (NotifyMany), and the cursor moved on, together; once the batch has
// committed, its recipients' open pages are sent the realtime message of a
// new notification (publishNotifications) and the outbox is woken.
// A restart resumes from the cursor; no one is told twice
// (notifications.fanout is unique with the resident, and the recipients
// query leaves out whoever has one). A notice is announced when it starts
// (not_before = starts_at), never once it has ended (expires_at), and to
// its audience as it stands when it starts. Text messages go only with an
// urgent notice — marked by a supervisor or the director — and to one
// person a household.

// fanoutBatch is how many residents one fan-out transaction tells: with
// one notification and one or two deliveries each, about 200 rows, written
// in well under 50 ms on a quiet machine (BENCHMARKS.md, "Notice fan-out
// to 10,000 households").
var fanoutBatch = 100

// fanoutPauseMax bounds the pause after a batch (as long as the batch
// took): the fan-out holds the write lock at most about half the time.
const fanoutPauseMax = 250 * time.Millisecond

// fanoutBatchDone is called inside each batch's transaction after its rows
// are written; a test returns an error to stop the fan-out there as a
// crash would (the batch is rolled back).
var fanoutBatchDone = func(tx core.App, fanout string, batch int) error { return nil }

// Fanout is an announcement to an audience.
type Fanout struct {
	Subject   *core.Record
	Kind      string // the notifications' kind: notice, survey, activity, found_item
	Title     string
	Body      string
	Audience  Audience
	Urgent    bool           // text messages, one a household, and through the quiet hours
	NotBefore types.DateTime // zero: now
	ExpiresAt types.DateTime // zero: never; at or after it, nobody is told
}

// enqueueFanout writes, in tx, the fan-out of f.Subject as f.Kind, or
// rewrites the one waiting to start (an edited notice: its new audience,
// start and end hold); one already started or done stays as it is — what
// was announced is not announced again.
func enqueueFanout(tx core.App, f Fanout) error {
	col, err := tx.FindCachedCollectionByNameOrId("fanouts")
	if err != nil {
		return err
	}
	r, err := tx.FindFirstRecordByFilter(col, "subject_collection = {:c} && subject_id = {:id} && kind = {:k}",
		dbx.Params{"c": f.Subject.Collection().Name, "id": f.Subject.Id, "k": f.Kind})
	switch {
	case err != nil:
		r = core.NewRecord(col)
		r.Set("subject_collection", f.Subject.Collection().Name)
		r.Set("subject_id", f.Subject.Id)
		r.Set("kind", f.Kind)
		r.Set("status", "pending")
	case r.GetString("status") != "pending" || r.GetString("cursor") != "" || r.GetInt("count") > 0:
		return nil
	}
	if f.NotBefore.IsZero() {
		f.NotBefore = nowDateTime()
	}
	kind := f.Audience.Kind
	if kind == "" {
		kind = "community"
	}
	r.Set("community", f.Audience.Community)
	r.Set("audience", kind)
	r.Set("buildings", f.Audience.Buildings)
	r.Set("units", f.Audience.Units)
	r.Set("title", shorten(f.Title, 200))
	r.Set("body", shorten(f.Body, 2000))
	r.Set("urgent", f.Urgent)
	r.Set("not_before", f.NotBefore)
	r.Set("expires_at", f.ExpiresAt)
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("fan-out of %s: %w", f.Subject.Id, err)
	}
	return nil
}

// fanoutWorkerKey is the app store's key of the fan-out's worker
// (base_worker.go).
const fanoutWorkerKey = "wuye_fanout_worker"

// fanoutMu keeps one fan-out runner at a time in the process (the worker
// and the minute's job); the unique key keeps two processes apart.
var fanoutMu sync.Mutex

// wakeFanouts starts the fan-outs due now: the worker, when the app
// serves; without one (a test, the demo loader, a command) it runs them
// here, after the commit that wrote them.
func wakeFanouts(app core.App) {
	if wakeWorker(app, fanoutWorkerKey) {
		return
	}
	if _, err := RunFanouts(app, now()); err != nil {
		app.Logger().Error("fan-out", "error", err)
	}
}

func registerFanouts(app core.App) {
	wakeIfDue := func(e *core.RecordEvent) error {
		if e.Record.GetString("status") == "pending" && !e.Record.GetDateTime("not_before").Time().After(now()) {
			wakeFanouts(e.App)
		}
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess("fanouts").BindFunc(wakeIfDue)
	app.OnRecordAfterUpdateSuccess("fanouts").BindFunc(wakeIfDue)
	app.OnRecordDelete("fanouts").BindFunc(refuseDelete)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// A test's router has no worker: the fan-out runs after the commit.
		startWorker(se, fanoutWorkerKey, "fan-out", RunFanouts)
		return se.Next()
	})
	// Scheduled notices start on the minute; a fan-out a restart cut short
	// goes on.
	addJob(app, "wuye_fanouts", "* * * * *", jobStep{name: "fan-outs", run: RunFanouts})
}

// RunFanouts, at time at, marks expired the fan-outs whose end has come
// before they started, and works through every fan-out due, batch by
// batch. It returns how many residents it told.
func RunFanouts(app core.App, at time.Time) (int, error) { return runFanouts(app, at, -1) }

// runFanouts runs at most maxBatches batches (all when negative).
func runFanouts(app core.App, at time.Time, maxBatches int) (int, error) {
	fanoutMu.Lock()
	defer fanoutMu.Unlock()
	if _, err := app.DB().NewQuery(`UPDATE fanouts SET status = 'expired', updated = {:now}
		WHERE status = 'pending' AND expires_at != '' AND expires_at <= {:now} AND cursor = ''`).
		Bind(dbx.Params{"now": dbStamp(at)}).Execute(); err != nil {
		return 0, fmt.Errorf("expire fan-outs: %w", err)
	}
	var ids []string
	if err := app.DB().NewQuery(`SELECT id FROM fanouts WHERE status = 'pending' AND not_before <= {:now} ORDER BY not_before, id`).
		Bind(dbx.Params{"now": dbStamp(at)}).Column(&ids); err != nil {
		return 0, fmt.Errorf("due fan-outs: %w", err)
	}
	told := 0
	for _, id := range ids {
		n, err := runFanout(app, id, &maxBatches)
		told += n
		if err != nil {
			return told, err
		}
	}
	return told, nil
}

// fanoutRecipients are the next residents of fan-out f after its cursor
// (by id): those with a current, confirmed link to a unit of its audience
// who have no notification of it yet.
const fanoutRecipients = `SELECT r.id FROM residents r, fanouts f
	WHERE f.id = {:f} AND r.id > f.cursor
	AND EXISTS (SELECT 1 FROM unit_residents l JOIN units u ON u.id = l.unit
		WHERE l.resident = r.id AND l.active = TRUE AND l.pending IS NOT TRUE AND ` + fanoutUnitCond + `)
	AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.fanout = f.id AND n.recipient_resident = r.id)
	ORDER BY r.id LIMIT {:n}`

// fanoutUnitCond: unit u is in the audience of fan-out f.
const fanoutUnitCond = `u.community = f.community AND (f.audience = 'community'
	OR (f.audience = 'buildings' AND u.building IN (SELECT value FROM json_each(f.buildings)))
	OR (f.audience = 'units' AND u.id IN (SELECT value FROM json_each(f.units))))`

// fanoutTexters are, of the residents ids (a JSON list), the household
// contacts of the fan-out's units: a unit's text message goes to one person
// — its owner before a tenant before family, the earliest linked first —
// among those with a mobile number, so no household gets two.
const fanoutTexters = `SELECT DISTINCT l.resident FROM unit_residents l JOIN units u ON u.id = l.unit, fanouts f
	WHERE f.id = {:f} AND l.resident IN (SELECT value FROM json_each({:ids}))
	AND l.active = TRUE AND l.pending IS NOT TRUE AND ` + fanoutUnitCond + `
	AND l.resident = (SELECT l2.resident FROM unit_residents l2 JOIN residents r2 ON r2.id = l2.resident
		WHERE l2.unit = u.id AND l2.active = TRUE AND l2.pending IS NOT TRUE AND r2.phone LIKE '1%'
		ORDER BY CASE l2.relation WHEN 'owner' THEN 0 WHEN 'tenant' THEN 1 ELSE 2 END, l2.created, l2.resident LIMIT 1)`

// runFanout works fan-out id through, a batch a transaction, until it is
// done or maxBatches (when not negative) is spent; it returns how many it
// told.
func runFanout(app core.App, id string, maxBatches *int) (int, error) {
	told, longest := 0, time.Duration(0)
	for batch := 1; ; batch++ {
		if *maxBatches == 0 {
			return told, nil
		}
		*maxBatches--
		started := time.Now()
		var finished bool
		var notes []Notified
		err := app.RunInTransaction(func(tx core.App) error {
			var err error
			notes, finished, err = fanoutBatchOf(tx, id, batch, longest)
			return err
		})
		if err != nil {
			return told, fmt.Errorf("fan-out %s batch %d: %w", id, batch, err)
		}
		took := time.Since(started)
		told += len(notes)
		longest = max(longest, took)
		if len(notes) > 0 {
			// Committed: the recipients' open pages hear of their
			// notification as of one Notify writes, and the outbox sends.
			publishNotifications(app, notes)
			wakeOutbox(app)
		}
		if finished {
			return told, nil
		}
		// Leave the write lock to the others for as long as the batch
		// held it: the creates and edits waiting meanwhile go first.
		time.Sleep(min(took, fanoutPauseMax))
	}
}

// fanoutBatchOf writes one batch of fan-out id in tx and returns its
// notifications; at the end of the audience it marks the fan-out done, and
// its subject announced.
func fanoutBatchOf(tx core.App, id string, batch int, longest time.Duration) ([]Notified, bool, error) {
	f, err := tx.FindRecordById("fanouts", id)
	if err != nil {
		return nil, true, err
	}
	if f.GetString("status") != "pending" {
		return nil, true, nil
	}
	subject, err := tx.FindRecordById(f.GetString("subject_collection"), f.GetString("subject_id"))
	if err != nil || !stillToAnnounce(subject) {
		_, err = tx.DB().NewQuery(`UPDATE fanouts SET status = 'expired', updated = {:now} WHERE id = {:id}`).
			Bind(dbx.Params{"id": id, "now": dbStamp(now())}).Execute()
		return nil, true, err
	}
	stamp := dbStamp(now())
	ms := longest.Milliseconds()
	var ids []string
	if err := tx.DB().NewQuery(fanoutRecipients).Bind(dbx.Params{"f": id, "n": fanoutBatch}).Column(&ids); err != nil {
		return nil, false, fmt.Errorf("recipients: %w", err)
	}
	if len(ids) == 0 {
		_, err := tx.DB().NewQuery(`UPDATE fanouts SET status = 'done', done_at = {:now}, updated = {:now},
			longest_ms = MAX(longest_ms, {:ms}) WHERE id = {:id}`).Bind(dbx.Params{"id": id, "now": stamp, "ms": ms}).Execute()
		if err != nil {
			return nil, true, err
		}
		return nil, true, announced(tx, f, subject)
	}
	people, err := tx.FindRecordsByIds("residents", ids)
	if err != nil {
		return nil, false, err
	}
	var texters map[string]bool
	if f.GetBool("urgent") {
		var who []string
		if err := tx.DB().NewQuery(fanoutTexters).Bind(dbx.Params{"f": id, "ids": jsonList(ids)}).Column(&who); err != nil {
			return nil, false, fmt.Errorf("household contacts: %w", err)
		}
		texters = make(map[string]bool, len(who))
		for _, w := range who {
			texters[w] = true
		}
	}
	notes, texts, err := NotifyMany(tx, people, Bulk{Fanout: id, SMS: texters, Notice: Notice{Kind: f.GetString("kind"),
		Title: f.GetString("title"), Body: f.GetString("body"), Subject: subject, Urgent: f.GetBool("urgent")}})
	if err != nil {
		return nil, false, err
	}
	if err := fanoutBatchDone(tx, id, batch); err != nil {
		return nil, false, err
	}
	_, err = tx.DB().NewQuery(`UPDATE fanouts SET cursor = {:cursor}, count = count + {:n}, sms_count = sms_count + {:texts},
		batches = batches + 1, longest_ms = MAX(longest_ms, {:ms}), updated = {:now},
		started_at = CASE WHEN started_at = '' THEN {:now} ELSE started_at END WHERE id = {:id}`).
		Bind(dbx.Params{"id": id, "cursor": ids[len(ids)-1], "n": len(notes), "texts": texts, "ms": ms, "now": stamp}).Execute()
	return notes, false, err
}

// stillToAnnounce: a notice is announced until it ends; a found item while
// it is held (one claimed or disposed of meanwhile is not announced).
func stillToAnnounce(subject *core.Record) bool {
	switch subject.Collection().Name {
	case "notices":
		end := subject.GetDateTime("ends_at")
		return end.IsZero() || end.Time().After(now())
	case "lost_items":
		return subject.GetString("status") == "held"
	}
	return true
}

// announced marks a notice whose fan-out is done: its announced_at and
// announced_count, and an event on its timeline.
func announced(tx core.App, f, subject *core.Record) error {
	count := f.GetInt("count")
	if subject.Collection().Name != "notices" {
		return nil
	}
	if _, err := tx.DB().NewQuery(`UPDATE notices SET announced_at = {:now}, announced_count = {:n} WHERE id = {:id}`).
		Bind(dbx.Params{"id": subject.Id, "now": dbStamp(now()), "n": count}).Execute(); err != nil {
		return err
	}
	return RecordEvent(tx, Event{Subject: subject, Action: "announced", Note: fmt.Sprintf("%d", count)})
}
