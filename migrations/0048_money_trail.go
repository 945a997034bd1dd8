package migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(moneyTrailUp, moneyTrailDown, "0048_money_trail.go")
}

// moneyTrailUp gives every sum of money taken a record of its own
// (docs/DESIGN.md, "Fees"):
//
//   - a paid service paid on the spot or in advance is a bill for its work
//     order and a payment of it, taken by whoever took the money, by the
//     method recorded on the order (work_orders.pay_method) — [000] 前台
//     4.6.1.1 (办理即收费), [003] 篇2 4.4, 4.5(2);
//   - a renovation's fees are bills (bills.renovation and bills.charge), not
//     an amount typed on the renovation — [000] 收费员 4.5;
//   - a deposit taken is a movement of its own ("receive") with a serial: the
//     receipt, and the method it was paid by (deposits.method,
//     deposit_movements.method).
func moneyTrailUp(app core.App) error {
	renovations, err := app.FindCollectionByNameOrId("renovations")
	if err != nil {
		return err
	}
	if err := changeCollection(app, "work_orders", "work_orders.pay_method", func(c *core.Collection) error {
		c.Fields.Add(choice("pay_method", false, PaymentMethods...))
		return nil
	}); err != nil {
		return err
	}
	if err := changeCollection(app, "bills", "bills.renovation", func(c *core.Collection) error {
		c.Fields.Add(rel("renovation", renovations, false), choice("charge", false, RenovationCharges...))
		c.AddIndex("idx_bills_renovation", false, "renovation, charge", "renovation != ''")
		return nil
	}); err != nil {
		return err
	}
	if err := changeCollection(app, "deposits", "deposits.method", func(c *core.Collection) error {
		c.Fields.Add(choice("method", false, PaymentMethods...))
		return nil
	}); err != nil {
		return err
	}
	return changeCollection(app, "deposit_movements", "deposit_movements.receive", func(c *core.Collection) error {
		f, ok := c.Fields.GetByName("kind").(*core.SelectField)
		if !ok {
			return fmt.Errorf("deposit_movements.kind is not a select field")
		}
		if !slices.Contains(f.Values, "receive") {
			f.Values = append([]string{"receive"}, f.Values...)
		}
		c.Fields.Add(text("serial", false, 30), choice("method", false, PaymentMethods...))
		c.AddIndex("idx_deposit_movements_serial", true, "serial", "serial != ''")
		return nil
	})
}

func moneyTrailDown(app core.App) error {
	drop := func(name string, fields ...string) error {
		return changeCollection(app, name, "", func(c *core.Collection) error {
			for _, f := range fields {
				c.Fields.RemoveByName(f)
			}
			return nil
		})
	}
	if err := changeCollection(app, "deposit_movements", "", func(c *core.Collection) error {
		if _, err := app.DB().NewQuery("DELETE FROM deposit_movements WHERE kind = 'receive'").Execute(); err != nil {
			return err
		}
		if f, ok := c.Fields.GetByName("kind").(*core.SelectField); ok {
			f.Values = slices.DeleteFunc(f.Values, func(v string) bool { return v == "receive" })
		}
		c.RemoveIndex("idx_deposit_movements_serial")
		c.Fields.RemoveByName("serial")
		c.Fields.RemoveByName("method")
		return nil
	}); err != nil {
		return err
	}
	if err := changeCollection(app, "bills", "", func(c *core.Collection) error {
		c.RemoveIndex("idx_bills_renovation")
		c.Fields.RemoveByName("renovation")
		c.Fields.RemoveByName("charge")
		return nil
	}); err != nil {
		return err
	}
	if err := drop("deposits", "method"); err != nil {
		return err
	}
	return drop("work_orders", "pay_method")
}
