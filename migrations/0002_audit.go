package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(auditUp, dropper("notifications", "events"), "0002_audit.go")
}

// auditUp creates the append-only events timeline and per-user notifications.
func auditUp(app core.App) error {
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}

	events := core.NewBaseCollection("events")
	events.Fields.Add(
		text("subject_collection", true, 50),
		text("subject_id", true, 50),
		text("action", true, 50),
		text("from", false, 50),
		text("to", false, 50),
		rel("actor_staff", staff, false),
		rel("actor_resident", residents, false),
		text("note", false, 2000),
		// community and unit (plain ids, so the trail outlives a deleted
		// subject) scope who may read the event; public marks the events a
		// resident may see in their own timeline.
		text("community", false, 50),
		text("unit", false, 50),
		// resident, when set, is the one resident a public event is for
		// (a complaint's complainant): co-residents of the unit do not see it.
		text("resident", false, 50),
		flag("public"),
	)
	withCreated(events)
	events.AddIndex("idx_events_subject", false, "subject_collection, subject_id, created", "")
	events.AddIndex("idx_events_community", false, "community, created", "")
	readEvents := or(
		and(isStaff, `community != ""`, `@request.auth.communities.id ?= community`),
		residentReadsEvents,
	)
	// Nobody writes events through the API: hooks append them in the same
	// transaction as the change they record (and a hook refuses edits).
	setRules(events, rule(readEvents), rule(readEvents), nil, nil, nil)
	if err := app.Save(events); err != nil {
		return fmt.Errorf("events: %w", err)
	}

	notifications := core.NewBaseCollection("notifications")
	notifications.Fields.Add(
		rel("recipient_staff", staff, false),
		rel("recipient_resident", residents, false),
		text("kind", true, 50),
		text("title", true, 200),
		text("body", false, 2000),
		text("subject_collection", false, 50),
		text("subject_id", false, 50),
		flag("read"),
		timestamp("read_at"),
	)
	withAutodates(notifications)
	notifications.AddIndex("idx_notifications_staff", false, "recipient_staff, read, created", "")
	notifications.AddIndex("idx_notifications_resident", false, "recipient_resident, read, created", "")
	// The list rule also guards realtime: a subscription to notifications/*
	// delivers a row only to its recipient.
	own := or(
		and(isStaff, `recipient_staff = @request.auth.id`),
		and(isResident, `recipient_resident = @request.auth.id`),
	)
	setRules(notifications, rule(own), rule(own), nil, rule(own), nil)
	if err := app.Save(notifications); err != nil {
		return fmt.Errorf("notifications: %w", err)
	}
	return nil
}
