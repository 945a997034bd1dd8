package hooks

import (
	"reflect"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// A new notification's message carries the notification itself, as its
// recipient reads it: {"collection": "notifications", "id", "action":
// "create", "note": {…}}. Every open page of the recipient has a bell, and
// the resident's home a list of what waits for them (both on the same
// topic); with only the id, each re-read the unread list and its count on
// every notification — the bell alone was a quarter of the re-reads' server
// time in the realtime benchmark (BENCHMARKS.md § Realtime, issue #23).
// With the note they put it in place and read nothing.
//
// Unlike a complaint or a work order (see the top of base_realtime.go),
// nothing of a notification is hidden from its recipient: the collection's
// rules let its recipient, and only them, read the whole record
// (migrations/0002_audit.go), no enrich hook changes it, and a
// notification's messages go only to its recipient's own topic, which only
// that account may subscribe to and which is checked again at send time.
//
// Only a create carries the note; an update (read, by this or another
// page) says only what changed, and the pages re-read as before. So does a
// notification of a fan-out written in bulk (publishNotifications), whose
// record here holds just its id and recipient; a notice to a community's
// managers, also written in bulk (notifyRoles), carries its note
// (publishNotes).

// noteFields are the fields a note carries: what the bell and the home's
// list show and link to (pb_public/js/core/notes.js).
var noteFields = []string{"kind", "title", "body", "subject_collection", "subject_id"}

// noteOf is notification r as its message carries it, or nil if r is not
// a whole notification (a bulk one's stand-in).
func noteOf(r *core.Record) map[string]any {
	if r.Collection().Name != "notifications" || r.GetString("title") == "" || r.GetDateTime("created").IsZero() {
		return nil
	}
	note := map[string]any{
		"id":      r.Id,
		"read":    r.GetBool("read"),
		"created": r.GetDateTime("created").String(),
		"updated": r.GetDateTime("updated").String(),
	}
	for _, f := range noteFields {
		note[f] = r.GetString(f)
	}
	return note
}

// A step of a resident's complaint, work order or renovation (assigned,
// dispatched, quoted …) changes its status and the staff's fields, none of
// which the resident home's list of open requests shows but the status and
// the time. Its message to the residents concerned (and only to them: they
// read the whole record) carries both, {"step": {"status", "updated"}}, and
// the home puts them in place in the request it already lists instead of
// re-reading it (pb_public/js/portal/home.js OpenRequests). Any other
// update — one that changes what the list shows of the request, or who
// may read it — carries no step, and the page re-reads as before.

// residentReaders are, per collection, the fields that decide which
// residents read a request (migration 0052). A change to one of them, or to
// what the home lists of the request (its card's fields but the status and
// times), is not a step.
var residentReaders = map[string][]string{
	"complaints":  {"community", "resident", "anonymous"},
	"work_orders": {"community", "requester"},
	"renovations": {"community", "applicant"},
}

// stepKept are, per collection, the fields a step leaves as they were:
// the readers' and the card's but the status and times (homeCardFields).
var stepKept = func() map[string][]string {
	out := make(map[string][]string, len(residentReaders))
	for col, readers := range residentReaders {
		kept := slices.Clone(readers)
		for _, f := range homeCardFields[col] {
			if f != "status" && f != "created" && f != "updated" {
				kept = append(kept, f)
			}
		}
		out[col] = kept
	}
	return out
}()

// stepOf is the step an update from prev to cur is, or nil.
func stepOf(prev, cur *core.Record) map[string]any {
	kept, ok := stepKept[cur.Collection().Name]
	if !ok || prev == nil || cur.GetString("status") == "" {
		return nil
	}
	for _, f := range kept {
		if !reflect.DeepEqual(prev.Get(f), cur.Get(f)) {
			return nil
		}
	}
	return map[string]any{"status": cur.GetString("status"), "updated": cur.GetDateTime("updated").String()}
}

// A new complaint, work order or renovation of a resident's is a row of
// the home's list of open requests. Its message to the residents concerned
// carries that row, {"card": {…}}: what the list shows of it (its title,
// serial, status and time) and the unit it is listed under, so the home
// puts it in place instead of reading it back (pb_public/js/portal/home.js
// OpenRequests). Nothing of who filed it — a household member reads
// another's request without the filer (hooks/guard_resident_ids.go) — nor
// anything the list does not show; the residents concerned read the rest
// of the record anyway. TestNewRequestCardIsWhatTheResidentReads holds
// each card to the record as each resident told reads it through the API.
//
// In the realtime benchmark the home's read-backs of new requests were the
// largest share of the re-reads' server time (BENCHMARKS.md § Realtime,
// session 23).

// homeCardFields are, per collection, the fields of a card.
var homeCardFields = map[string][]string{
	"complaints":  {"unit", "category", "content", "serial", "status", "created", "updated"},
	"work_orders": {"unit", "service_item", "description", "serial", "status", "created", "updated"},
	"renovations": {"unit", "contractor_name", "serial", "status", "created", "updated"},
}

// cardOf is new record r as the home lists it, or nil if the home lists
// no such record.
func cardOf(r *core.Record) map[string]any {
	fields, ok := homeCardFields[r.Collection().Name]
	if !ok || r.GetString("status") == "" {
		return nil
	}
	card := make(map[string]any, len(fields))
	for _, f := range fields {
		card[f] = r.Get(f)
	}
	return card
}

// residentsMore is what the message of a change from prev to cur says to
// the residents concerned beyond what it says to everyone: a new request's
// card or a step, or nil.
func residentsMore(action string, prev, cur *core.Record) map[string]any {
	switch action {
	case "create":
		if card := cardOf(cur); card != nil {
			return map[string]any{"card": card}
		}
	case "update":
		if step := stepOf(prev, cur); step != nil {
			return map[string]any{"step": step}
		}
	}
	return nil
}
