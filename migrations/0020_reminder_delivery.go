package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(reminderDeliveryUp, nil, "0020_reminder_delivery.go")
}

// reminderDeliveryUp records who handed a reminder notice to the household
// and when (the area manager delivers the first by the 20th of the
// collection month: [000] 收费员工作规程 4.2.1.8). Only the delivery may be
// written; the hook refuses any other change.
func reminderDeliveryUp(app core.App) error {
	return changeCollection(app, "reminders", "", func(r *core.Collection) error {
		staff, _, err := authCollections(app)
		if err != nil {
			return err
		}
		r.Fields.Add(timestamp("delivered_at"), rel("delivered_by", staff, false), text("delivery_note", false, 500))
		deliverers := and(staffOf("community"), `(@request.auth.role = "area_manager" || @request.auth.role = "front_desk" || @request.auth.role = "supervisor" || @request.auth.role = "director")`)
		r.UpdateRule = rule(deliverers)
		return nil
	})
}
