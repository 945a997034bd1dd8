package migrations

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(workOrderUrgencyUp, workOrderUrgencyDown, "0043_work_order_urgency.go")
}

// workOrderUrgencyUp adds a work order's urgency, chosen at intake: `urgent`
// 急修 or `normal` 零修 ([004] 三 7.6), each with its own reply and arrival
// promises (sla_policies), and the arrival deadline the order was given
// (an urgent repair's from the call, a minor repair's from the
// appointment). The orders taken so far are minor repairs.
func workOrderUrgencyUp(app core.App) error {
	if err := changeCollection(app, "work_orders", "work_orders.urgency", func(c *core.Collection) error {
		c.Fields.Add(choice("urgency", false, Urgencies...), timestamp("arrival_due"))
		c.AddIndex("idx_work_orders_community_urgency", false, "community, urgency, received_at", "")
		return nil
	}); err != nil {
		return err
	}
	if _, err := app.DB().Update("work_orders", dbx.Params{"urgency": "normal"}, dbx.HashExp{"urgency": ""}).Execute(); err != nil {
		return fmt.Errorf("work_orders.urgency: %w", err)
	}
	return nil
}

func workOrderUrgencyDown(app core.App) error {
	return changeCollection(app, "work_orders", "", func(c *core.Collection) error {
		c.RemoveIndex("idx_work_orders_community_urgency")
		c.Fields.RemoveByName("urgency")
		c.Fields.RemoveByName("arrival_due")
		return nil
	})
}
