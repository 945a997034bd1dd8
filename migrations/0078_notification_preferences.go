package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(notificationPreferencesUp, dropper("notification_preferences"), "0078_notification_preferences.go")
}

// OutboundChannels are the channels a person may choose beyond the app
// itself, which always shows every notification.
var OutboundChannels = []string{"email", "sms", "wechat", "webpush"}

// notificationPreferencesUp creates notification_preferences: one row per
// staff member or resident who changed the defaults (a resident: text
// messages; staff: the app only), with the outbound channels they want,
// per kind where they want otherwise (kind_channels: {"bill_issued":
// ["sms","email"], "notice": []}), and the openid WeChat messages go to.
// Each person reads and writes only their own row; hooks/base_outbox.go
// reads it when a notification is written.
func notificationPreferencesUp(app core.App) error {
	staff, err := app.FindCollectionByNameOrId("staff")
	if err != nil {
		return err
	}
	residents, _ := app.FindCollectionByNameOrId("residents")
	c := core.NewBaseCollection("notification_preferences")
	c.Fields.Add(
		rel("recipient_staff", staff, false),
		rel("recipient_resident", residents, false),
		&core.SelectField{Name: "channels", MaxSelect: len(OutboundChannels), Values: OutboundChannels},
		&core.JSONField{Name: "kind_channels", MaxSize: 4000},
		text("wechat_openid", false, 64),
	)
	withAutodates(c)
	c.AddIndex("idx_notification_preferences_staff", true, "recipient_staff", "recipient_staff != ''")
	c.AddIndex("idx_notification_preferences_resident", true, "recipient_resident", "recipient_resident != ''")
	own := or(
		and(isStaff, `recipient_staff = @request.auth.id`, `recipient_resident = ""`),
		and(isResident, `recipient_resident = @request.auth.id`, `recipient_staff = ""`),
	)
	setRules(c, rule(own), rule(own), rule(own), rule(own), nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("notification_preferences: %w", err)
	}
	return nil
}
