package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(eventComplaintsUp, nil, "0022_event_complaints.go")
}

// eventComplaintsUp ties a complaint's events to it, so that its timeline
// is readable by exactly the staff who may read the complaint (and not by
// the staff member it is about, nor by technicians who do not handle it).
func eventComplaintsUp(app core.App) error {
	err := changeCollection(app, "events", "events complaint", func(events *core.Collection) error {
		complaints, err := app.FindCollectionByNameOrId("complaints")
		if err != nil {
			return err
		}
		events.Fields.Add(rel("complaint", complaints, false))
		events.ListRule, events.ViewRule = rule(complaintEventsRead), rule(complaintEventsRead)
		return nil
	})
	if err != nil {
		return err
	}
	// Existing events are linked in SQL: the events hook refuses any change
	// made through the app, which is what keeps the trail append-only.
	_, err = app.DB().NewQuery(`UPDATE events SET complaint = subject_id WHERE subject_collection = 'complaints'
		AND subject_id IN (SELECT id FROM complaints)`).Execute()
	return err
}
