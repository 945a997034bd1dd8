package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(billsByUnitUp, billsByUnitDown, "0089_bills_by_unit.go")
}

// billsByUnitUp indexes a unit's bills by period. The portal's home and
// bills pages, the desk's intake, the cashier's unit screen and the start of
// an online payment all read one unit's bills (open ones, or newest first);
// the only index led by unit is partial (fee_item != ”, for the billing
// run's one-bill-a-period rule), which SQLite cannot use for unit = ?, so
// each read walked every open bill or the whole table — 0.3 s on an estate
// of 32,000 households (BENCHMARKS.md § Capacity of one instance).
func billsByUnitUp(app core.App) error {
	return changeCollection(app, "bills", "bills by unit", func(c *core.Collection) error {
		c.AddIndex("idx_bills_unit_start", false, "unit, period_start", "")
		return nil
	})
}

func billsByUnitDown(app core.App) error {
	return changeCollection(app, "bills", "", func(c *core.Collection) error {
		c.RemoveIndex("idx_bills_unit_start")
		return nil
	})
}
