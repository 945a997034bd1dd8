package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(fanoutsUp, fanoutsDown, "0086_fanouts.go")
}

// FanoutStatuses: a fan-out waits for its start (pending), has told its
// whole audience (done), or reached its end before it started (expired:
// an expired notice is never announced).
var FanoutStatuses = []string{"pending", "done", "expired"}

// FanoutReaders are who read the fan-outs' progress: those who read the
// delivery log.
var FanoutReaders = DeliveryReaders

// fanoutsUp adds the fan-out queue (docs/DESIGN.md § Notices, "Fan-out"):
// one row per announcement to a large audience — a notice, an opened
// survey, a new activity, a found item — that a job works through in
// batches, each its own short transaction, from its cursor (the last
// resident told), so that a notice to 10,000 households never holds the
// write lock for the whole of it and resumes after a restart without
// telling anyone twice: notifications gets the fan-out's id, unique with
// the resident. Notices get urgent (SMS, and through the quiet hours: set
// by a supervisor or the director only) and announced_at/announced_count;
// found items the item's name (拾获物品名称), the only thing of it the
// notice of found items shows ([001] 中汇广场 十二 3: the claimant must
// describe its features and where it was lost).
func fanoutsUp(app core.App) error {
	communities, err := app.FindCollectionByNameOrId("communities")
	if err != nil {
		return err
	}
	buildings, _ := app.FindCollectionByNameOrId("buildings")
	units, _ := app.FindCollectionByNameOrId("units")
	f := core.NewBaseCollection("fanouts")
	f.Fields.Add(
		text("subject_collection", true, 50),
		text("subject_id", true, 50),
		rel("community", communities, true),
		text("kind", true, 50),
		text("title", true, 200),
		text("body", false, 2000),
		choice("audience", true, NoticeAudiences...),
		relMany("buildings", buildings, false),
		relMany("units", units, false),
		flag("urgent"),
		timestamp("not_before"),
		timestamp("expires_at"),
		choice("status", true, FanoutStatuses...),
		text("cursor", false, 50),
		integer("count", false, 0),
		integer("sms_count", false, 0),
		integer("batches", false, 0),
		integer("longest_ms", false, 0),
		timestamp("started_at"),
		timestamp("done_at"),
	)
	withAutodates(f)
	f.AddIndex("idx_fanouts_subject", true, "subject_collection, subject_id, kind", "")
	f.AddIndex("idx_fanouts_due", false, "status, not_before", "")
	read := and(staffOf("community"), roleIn(FanoutReaders))
	setRules(f, rule(read), rule(read), nil, nil, nil)
	if err := app.Save(f); err != nil {
		return fmt.Errorf("fanouts: %w", err)
	}
	err = changeCollection(app, "notifications", "notifications fanout", func(c *core.Collection) error {
		c.Fields.Add(text("fanout", false, 50))
		c.AddIndex("idx_notifications_fanout", true, "fanout, recipient_resident", "fanout != ''")
		return nil
	})
	if err != nil {
		return err
	}
	err = changeCollection(app, "notices", "notices urgent", func(c *core.Collection) error {
		c.Fields.Add(flag("urgent"), timestamp("announced_at"), integer("announced_count", false, 0))
		return nil
	})
	if err != nil {
		return err
	}
	if err := changeCollection(app, "lost_items", "lost_items item_name", func(c *core.Collection) error {
		c.Fields.Add(text("item_name", false, 30))
		return nil
	}); err != nil {
		return err
	}
	// The notices posted so far were announced when they were posted.
	if _, err := app.DB().NewQuery(`UPDATE notices SET announced_at = published_at WHERE announced_at = '' OR announced_at IS NULL`).Execute(); err != nil {
		return fmt.Errorf("notices announced: %w", err)
	}
	return nil
}

func fanoutsDown(app core.App) error {
	if err := dropper("fanouts")(app); err != nil {
		return err
	}
	for name, fields := range map[string][]string{"notifications": {"fanout"}, "notices": {"urgent", "announced_at", "announced_count"}, "lost_items": {"item_name"}} {
		err := changeCollection(app, name, "", func(c *core.Collection) error {
			for _, f := range fields {
				c.Fields.RemoveByName(f)
			}
			c.RemoveIndex("idx_notifications_fanout")
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
