package hooks

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// Event is one entry of the append-only audit timeline.
type Event struct {
	Subject  *core.Record // the record the event is about
	Action   string       // e.g. "create", "update", "status", "link_ended"
	From, To string       // the state before and after, when the action changes one
	Actor    *core.Record // a staff or resident auth record; nil for the system
	Note     string
	Public   bool // shown in the resident's own timeline
}

// RecordEvent appends ev to events using app, which should be the
// transaction that made the change. The event's community and unit scope
// who may read it and are taken from the subject itself.
func RecordEvent(app core.App, ev Event) error {
	col, err := app.FindCachedCollectionByNameOrId("events")
	if err != nil {
		return fmt.Errorf("record event: %w", err)
	}
	r := core.NewRecord(col)
	s := ev.Subject
	r.Set("subject_collection", s.Collection().Name)
	r.Set("subject_id", s.Id)
	r.Set("action", ev.Action)
	r.Set("from", ev.From)
	r.Set("to", ev.To)
	r.Set("note", ev.Note)
	r.Set("public", ev.Public)
	switch s.Collection().Name {
	case "communities":
		r.Set("community", s.Id)
	case "units":
		r.Set("community", s.GetString("community"))
		r.Set("unit", s.Id)
	default:
		if s.Collection().Fields.GetByName("community") != nil {
			r.Set("community", s.GetString("community"))
		}
		if s.Collection().Fields.GetByName("unit") != nil {
			r.Set("unit", s.GetString("unit"))
		}
		// The one resident a document belongs to: a complaint's complainant,
		// a work order's requester, a renovation's applicant (the subject's
		// rule shows it to them alone, not to the rest of the household).
		for _, f := range []string{"resident", "requester", "applicant"} {
			if s.Collection().Fields.GetByName(f) != nil {
				r.Set("resident", s.GetString(f))
				// A document of nobody's account (a complaint taken by
				// phone): no resident may read it, so none reads its events
				// (rather than the whole household of its unit).
				if s.GetString(f) == "" {
					r.Set("public", false)
				}
			}
		}
	}
	// Subjects whose read rule looks at the record itself are tied to the
	// event by a relation, which the events rule reads through
	// (migrations/0034_event_readers.go): an event is readable exactly by
	// those who may read its subject.
	if field, ok := migrations.EventSubjectRelations[s.Collection().Name]; ok {
		r.Set(field, s.Id)
	}
	// A resident's link to a unit is also about the resident: the staff of
	// every community they are linked to read it (issue #16 item 1).
	if s.Collection().Name == "unit_residents" {
		r.Set("about_resident", s.GetString("resident"))
	}
	// A subject with a unit but no community of its own (a resident link)
	// is scoped by the unit's community, so that its staff can read it.
	if r.GetString("community") == "" && r.GetString("unit") != "" {
		if u, err := app.FindRecordById("units", r.GetString("unit")); err == nil {
			r.Set("community", u.GetString("community"))
		}
	}
	if isStaff(ev.Actor) {
		r.Set("actor_staff", ev.Actor.Id)
	} else if isResident(ev.Actor) {
		r.Set("actor_resident", ev.Actor.Id)
	}
	// The subject and the actor exist in this transaction (the subject was
	// just saved, the actor signed in), so their relations need no lookup;
	// a deleted subject's relation does.
	known := []string{}
	if ev.Action != "delete" {
		known = append(known, s.Id)
	}
	if ev.Actor != nil {
		known = append(known, ev.Actor.Id)
	}
	if err := insertSideRecord(app, r, known); err != nil {
		return fmt.Errorf("record %s event on %s/%s: %w", ev.Action, s.Collection().Name, s.Id, err)
	}
	return nil
}

// registerEvents makes events append-only for everyone, superusers and
// code included: an audit trail that can be edited proves nothing.
func registerEvents(app core.App) {
	refuse := func(e *core.RecordEvent) error {
		return badRequest(map[string]error{"events": codedError("wuye_events_append_only")})
	}
	app.OnRecordUpdate("events").BindFunc(refuse)
	app.OnRecordDelete("events").BindFunc(refuse)
}
