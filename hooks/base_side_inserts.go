package hooks

import (
	"context"
	"fmt"
	"maps"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/clock"
)

// Side records that are written with one INSERT instead of PocketBase's
// record save: every change writes some (its audit events, the in-app
// delivery of each notification), and PocketBase's save ends with its
// realtime broadcast (apis.realtimeBroadcastRecord), which asks every
// connected client for its subscriptions to the record's collection under
// six prefixes — with 1,100 pages open, 19% of the server's CPU in the
// realtime bench's re-reading phase; these are half the records a change saves (issue
// #23; BENCHMARKS.md § Realtime, session 13). Nobody may follow these
// collections live (followsSideRecords), and no hook of Wuye's acts on a
// new one (the shared answers skip side records; the outbox is woken by
// pending deliveries only, which are still saved): the save's hooks had
// nothing else to do but date the record, which insertSideRecord does on
// the clock PocketBase's autodate field would use (registerClock's under a
// test clock). TestSideRecordsSkipTheSaveHooks holds this.
//
// Notifications too (session 15): most changes write one (the resident
// told of a step, the handler of a new complaint), and its save was the
// other half of the broadcast's cost, 13% of the server's CPU in that phase
// (BENCHMARKS.md § Realtime, session 15). Their one validation hook (one
// recipient, registerNotifications) holds by construction in Notify, the
// one writer of a single notification, whose message to the recipient's own
// topic is sent on commit (publishOnCommit) as the save's hook sent it; a
// recipient marking one read still saves it, through every hook.
// TestNotifyInsertsAndTellsOnCommit holds this.
var insertedSideRecords = []string{"events", "deliveries", "notifications"}

// insertSideRecord stores the new record r of one of insertedSideRecords
// with every check PocketBase's validation makes of its fields, but the
// existence count of a relation whose ids are all in known (ids of records
// that exist in this transaction): those were one SELECT count(*) each, two
// or three per event, for rows the caller holds (issue #23). These
// collections have no validation hooks of their own (no
// OnRecordValidate("events")); TestEventsSaveChecks holds that.
func insertSideRecord(app core.App, r *core.Record, known []string) error {
	if r.Id == "" {
		r.Id = core.GenerateDefaultRandomId() // as the id field's interceptor would before validating
	}
	errs := validation.Errors{}
	for _, f := range r.Collection().Fields {
		if _, ok := f.(*core.RelationField); ok {
			ids := r.GetStringSlice(f.GetName())
			if len(ids) > 0 && !slices.ContainsFunc(ids, func(id string) bool { return !slices.Contains(known, id) }) {
				continue
			}
		}
		if err := f.ValidateValue(context.Background(), app, r); err != nil {
			errs[f.GetName()] = err
		}
	}
	if len(errs) > 0 {
		return errs
	}
	// PocketBase's clock, as its autodate field stamps a saved record (and
	// registerClock's under a test clock), not now(), which tests move.
	at, err := types.ParseDateTime(clock.Now())
	if err != nil {
		return fmt.Errorf("date %s: %w", r.Collection().Name, err)
	}
	for _, f := range r.Collection().Fields {
		if a, ok := f.(*core.AutodateField); ok && (a.OnCreate || a.OnUpdate) {
			r.SetRaw(a.Name, at)
		}
	}
	row, err := r.DBExport(app)
	if err != nil {
		return fmt.Errorf("export %s: %w", r.Collection().Name, err)
	}
	// The text is built once per column list (insertText), not by dbx's
	// Insert and processSQL on each event (issue #23 item 2).
	cols := slices.Sorted(maps.Keys(row))
	if err := insertRow(app, r.Collection().Name, cols, row); err != nil {
		return err
	}
	r.MarkAsNotNew()
	return nil
}

// followsSideRecords reports whether sub is a topic of one of
// insertedSideRecords, under its name or its id (PocketBase takes either):
// such a subscription would never hear of a new record, and is refused
// rather than left silent.
func followsSideRecords(app core.App, sub string) bool {
	head, _ := topicHead(topicName(sub))
	for _, name := range insertedSideRecords {
		if head == name {
			return true
		}
		if col, err := app.FindCachedCollectionByNameOrId(name); err == nil && head == col.Id {
			return true
		}
	}
	return false
}

// publishOnCommit sends the realtime messages of new record r, written
// without PocketBase's save, once app's transaction commits (at once
// outside one), as the save's OnRecordAfterCreateSuccess hook does
// (registerRealtimeTopics); nothing if the transaction is rolled back.
func publishOnCommit(app core.App, r *core.Record) {
	index, ok := app.Store().Get(topicIndexKey).(*topicIndex)
	if !ok {
		return // the realtime topics are not registered (some tests)
	}
	tx := app.TxInfo()
	if tx == nil {
		publishTopics(app, index, "create", nil, r)
		return
	}
	tx.OnComplete(func(txErr error) error {
		// Through the app, not the ended transaction's clone of it:
		// the clone's queries fail once it committed, and who is told
		// of a bill or an inspection is read from the database
		// (residentsConcerned), as PocketBase's own hooks after a
		// commit get the parent app.
		if txErr == nil {
			publishTopics(index.app, index, "create", nil, r)
		}
		return nil
	})
}
