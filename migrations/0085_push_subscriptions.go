package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(pushSubscriptionsUp, pushSubscriptionsDown, "0085_push_subscriptions.go")
}

// pushSubscriptionsUp creates push_subscriptions, the browsers in which a
// staff member or a resident turned on Web Push (docs/DESIGN.md
// § Notifications and deliveries): the push service's endpoint (one row
// per browser: unique), the browser's keys the message is encrypted with
// (p256dh, auth), the browser it is (user agent, for the person to tell
// their phone from their desk), and the outcome of the last pushes
// (last_success, failures). Each person lists, creates and deletes only
// their own rows, nobody changes one (turning pushes on again replaces
// it) and nobody reads another's; hooks/base_webpush.go checks the
// endpoint and keys and removes a row the push service calls gone.
//
// deliveries gains push_subscription: the outbox writes one Web Push
// delivery per subscription, so each browser's push is retried (and
// logged) on its own.
func pushSubscriptionsUp(app core.App) error {
	staff, residents, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("push_subscriptions")
	c.Fields.Add(
		&core.RelationField{Name: "recipient_staff", CollectionId: staff.Id, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "recipient_resident", CollectionId: residents.Id, MaxSelect: 1, CascadeDelete: true},
		text("endpoint", true, 1000), // checked by hooks/base_webpush.go: https (http on loopback only)
		text("p256dh", true, 100),
		text("auth", true, 50),
		text("user_agent", false, 300),
		timestamp("last_success"),
		integer("failures", false, 0),
	)
	withAutodates(c)
	c.AddIndex("idx_push_subscriptions_endpoint", true, "endpoint", "")
	c.AddIndex("idx_push_subscriptions_staff", false, "recipient_staff", "recipient_staff != ''")
	c.AddIndex("idx_push_subscriptions_resident", false, "recipient_resident", "recipient_resident != ''")
	own := or(
		and(isStaff, `recipient_staff = @request.auth.id`, `recipient_resident = ""`),
		and(isResident, `recipient_resident = @request.auth.id`, `recipient_staff = ""`),
	)
	setRules(c, rule(own), rule(own), rule(own), nil, rule(own))
	if err := app.Save(c); err != nil {
		return fmt.Errorf("push_subscriptions: %w", err)
	}

	d, err := app.FindCollectionByNameOrId("deliveries")
	if err != nil {
		return err
	}
	// The subscription's id as text, not a relation: a removed
	// subscription leaves its log rows as they were.
	d.Fields.Add(text("push_subscription", false, 15))
	if err := app.Save(d); err != nil {
		return fmt.Errorf("deliveries.push_subscription: %w", err)
	}
	return nil
}

func pushSubscriptionsDown(app core.App) error {
	if d, err := app.FindCollectionByNameOrId("deliveries"); err == nil {
		d.Fields.RemoveByName("push_subscription")
		if err := app.Save(d); err != nil {
			return err
		}
	}
	return dropper("push_subscriptions")(app)
}
