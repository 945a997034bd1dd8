package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(eventReadersUp, eventReadersDown, "0034_event_readers.go")
}

// An event is readable exactly by those who may read its subject (issue
// #16 item 6). Before this migration any staff member of the community read
// every event of it: technicians, security and engineering read every
// household's reminders, payments and deposit refunds through the timeline
// although bills, payments and deposits are closed to them; and events
// about a resident (the account itself, or their link to a unit) were
// scoped by one community only, or none, so that a supervisor of another
// community linking a resident wrote events the resident's own office could
// not see.
//
// eventReadersUp gives events their relations to the subjects read by
// record, sets the rule of event_rules.go (eventReadRule), and fills the
// relations, and the owner of public events, of the events already stored.
func eventReadersUp(app core.App) error {
	err := changeCollection(app, "events", "events readers", func(events *core.Collection) error {
		staff, residents, err := authCollections(app)
		if err != nil {
			return err
		}
		workOrders, err := app.FindCollectionByNameOrId("work_orders")
		if err != nil {
			return err
		}
		patrolTasks, err := app.FindCollectionByNameOrId("patrol_tasks")
		if err != nil {
			return err
		}
		events.Fields.Add(rel("work_order", workOrders, false), rel("about_resident", residents, false), rel("about_staff", staff, false),
			rel("patrol_task", patrolTasks, false))
		events.ListRule, events.ViewRule = rule(eventReadRule()), rule(eventReadRule())
		return nil
	})
	if err != nil {
		return err
	}
	// Existing events are linked in SQL: the events hook refuses any change
	// made through the app (the append-only trail).
	for _, q := range []string{
		`UPDATE events SET work_order = subject_id WHERE subject_collection = 'work_orders' AND subject_id IN (SELECT id FROM work_orders)`,
		`UPDATE events SET about_resident = subject_id WHERE subject_collection = 'residents' AND subject_id IN (SELECT id FROM residents)`,
		`UPDATE events SET about_resident = (SELECT l.resident FROM unit_residents l WHERE l.id = events.subject_id)
			WHERE subject_collection = 'unit_residents' AND subject_id IN (SELECT id FROM unit_residents)`,
		`UPDATE events SET about_staff = subject_id WHERE subject_collection = 'staff' AND subject_id IN (SELECT id FROM staff)`,
		`UPDATE events SET patrol_task = subject_id WHERE subject_collection = 'patrol_tasks' AND subject_id IN (SELECT id FROM patrol_tasks)`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("events readers backfill: %w", err)
		}
	}
	// The one resident a document belongs to (hooks.RecordEvent): a public
	// event of a renovation is its applicant's, not the household's; one of
	// a document nobody's account filed (a complaint taken by phone) is no
	// resident's, since no resident may read the document.
	cols, err := app.FindAllCollections(core.CollectionTypeBase)
	if err != nil {
		return err
	}
	for _, c := range cols {
		for _, f := range []string{"resident", "requester", "applicant"} {
			if c.Fields.GetByName(f) == nil {
				continue
			}
			for _, q := range []string{
				`UPDATE events SET resident = COALESCE((SELECT s.[[` + f + `]] FROM {{` + c.Name + `}} s WHERE s.id = events.subject_id), '')
					WHERE subject_collection = {:c} AND resident = ''`,
				`UPDATE events SET public = FALSE WHERE subject_collection = {:c} AND public = TRUE AND resident = ''`,
			} {
				if _, err := app.DB().NewQuery(q).Bind(map[string]any{"c": c.Name}).Execute(); err != nil {
					return fmt.Errorf("events owner backfill %s: %w", c.Name, err)
				}
			}
		}
	}
	return nil
}

func eventReadersDown(app core.App) error {
	return changeCollection(app, "events", "", func(events *core.Collection) error {
		for _, f := range []string{"work_order", "about_resident", "about_staff", "patrol_task"} {
			events.Fields.RemoveByName(f)
		}
		events.ListRule, events.ViewRule = rule(complaintEventsRead), rule(complaintEventsRead)
		return nil
	})
}
