package migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(moveInLinksUp, moveInLinksDown, "0070_move_in_links.go")
}

// moveInLinksUp ties the move-in (migration 0069) to the domains it works
// through (docs/DESIGN.md, "Move-in (入伙)"):
//
//   - a defect found at the joint inspection is a work order for engineering
//     ([004] 四 2 4.4.3): work_orders.source gains "move_in" (source_ref is
//     the move-in's serial);
//   - the move-in fees are bills ([004] 四 2 4.5): bills.move_in names the
//     move-in, and bills.charge gains the one-off move-in charges;
//   - the keys handed to the owner are logged ([004] 四 2 4.6.3, 钥匙领用
//     记录表): keys.status gains "handed_over", key_loans.move_in names the
//     move-in the key went out with.
func moveInLinksUp(app core.App) error {
	moveIns, err := app.FindCollectionByNameOrId("move_ins")
	if err != nil {
		return err
	}
	addValues := func(collection, field string, values ...string) error {
		return changeCollection(app, collection, collection+"."+field, func(c *core.Collection) error {
			f, ok := c.Fields.GetByName(field).(*core.SelectField)
			if !ok {
				return fmt.Errorf("%s.%s is not a select field", collection, field)
			}
			for _, v := range values {
				if !slices.Contains(f.Values, v) {
					f.Values = append(f.Values, v)
				}
			}
			return nil
		})
	}
	if err := addValues("work_orders", "source", "move_in"); err != nil {
		return err
	}
	if err := addValues("bills", "charge", MoveInCharges...); err != nil {
		return err
	}
	if err := addValues("keys", "status", "handed_over"); err != nil {
		return err
	}
	for _, name := range []string{"bills", "key_loans"} {
		if err := changeCollection(app, name, name+".move_in", func(c *core.Collection) error {
			if c.Fields.GetByName("move_in") == nil {
				c.Fields.Add(rel("move_in", moveIns, false))
			}
			c.AddIndex("idx_"+name+"_move_in", false, "move_in", "move_in != ''")
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

func moveInLinksDown(app core.App) error {
	for _, name := range []string{"bills", "key_loans"} {
		if err := changeCollection(app, name, "", func(c *core.Collection) error {
			c.RemoveIndex("idx_" + name + "_move_in")
			c.Fields.RemoveByName("move_in")
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
