package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(deliveriesUp, dropper("deliveries"), "0077_deliveries.go")
}

// DeliveryChannels are the ways a notification reaches its recipient: in
// the app (the bell), by e-mail, text message, WeChat subscription message
// or Web Push (named, not yet sent: docs/DESIGN.md § Notifications and
// deliveries).
var DeliveryChannels = []string{"inapp", "email", "sms", "wechat", "webpush"}

// DeliveryStatuses: a delivery waits (pending) until the worker sends it
// (sent) or gives it up after its retries (failed).
var DeliveryStatuses = []string{"pending", "sent", "failed"}

// DeliveryReaders read the delivery log of their community and retry a
// failed delivery.
var DeliveryReaders = []string{"supervisor", "director"}

// deliveriesUp creates deliveries, the notification outbox: one row per
// notification and channel, written in the notification's transaction by
// hooks/base_outbox.go and sent after commit by its worker, with the
// attempts, the next attempt's time and the last error. The address is
// kept masked (138****0000); the worker reads the whole one from the
// recipient when it sends. The supervisor and the director of the
// community read the log; nobody writes it through the API (a failed
// delivery is retried through POST /api/wuye/deliveries/{id}/retry).
func deliveriesUp(app core.App) error {
	notifications, err := app.FindCollectionByNameOrId("notifications")
	if err != nil {
		return err
	}
	staff, _ := app.FindCollectionByNameOrId("staff")
	residents, _ := app.FindCollectionByNameOrId("residents")
	communities, _ := app.FindCollectionByNameOrId("communities")
	c := core.NewBaseCollection("deliveries")
	c.Fields.Add(
		&core.RelationField{Name: "notification", CollectionId: notifications.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
		rel("recipient_staff", staff, false),
		rel("recipient_resident", residents, false),
		rel("community", communities, false),
		text("kind", true, 50),
		choice("channel", true, DeliveryChannels...),
		choice("status", true, DeliveryStatuses...),
		text("to", false, 100),
		integer("attempts", false, 0),
		timestamp("next_attempt_at"),
		timestamp("sent_at"),
		text("last_error", false, 500),
		text("provider", false, 50),
		flag("urgent"), // an urgent repair's or an incident's: not held by the quiet hours
	)
	withAutodates(c)
	c.AddIndex("idx_deliveries_due", false, "status, next_attempt_at", "")
	c.AddIndex("idx_deliveries_notification", false, "notification", "")
	c.AddIndex("idx_deliveries_community", false, "community, status, created", "")
	read := and(staffOf("community"), roleIn(DeliveryReaders))
	setRules(c, rule(read), rule(read), nil, nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("deliveries: %w", err)
	}
	return nil
}
