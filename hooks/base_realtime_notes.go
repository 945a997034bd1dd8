package hooks

import "github.com/pocketbase/pocketbase/core"

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
// notification written in bulk (publishNotifications), whose record here
// holds just its id and recipient.

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
