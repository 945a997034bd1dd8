package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(serviceBillIndexUp, serviceBillIndexDown, "0050_service_bill_index.go")
}

// serviceBillIndexUp keeps one standing bill per work order rather than one
// bill ever: a paid service's bill that was voided (a wrong amount put on a
// statement, corrected by voiding it — corrections are reversals, never
// edits) no longer stops the order being billed and paid again ([000] 前台
// 4.6.1.1 办理即收费; hooks/dispatch_payments.go).
func serviceBillIndexUp(app core.App) error {
	return changeCollection(app, "bills", "bills one standing bill per work order", func(c *core.Collection) error {
		c.RemoveIndex("idx_bills_work_order")
		c.AddIndex("idx_bills_work_order", true, "work_order", "work_order != '' AND status != 'void'")
		return nil
	})
}

func serviceBillIndexDown(app core.App) error {
	return changeCollection(app, "bills", "", func(c *core.Collection) error {
		c.RemoveIndex("idx_bills_work_order")
		c.AddIndex("idx_bills_work_order", true, "work_order", "work_order != ''")
		return nil
	})
}
