package migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(renovationUtilitiesUp, renovationUtilitiesDown, "0075_renovation_utilities.go")
}

// RenovationUtilityCharges are the construction water and electricity a
// renovation uses, billed around the 15th of each month from the unit's
// meter readings ([001] 中汇广场 十 (一) 2 施工用水/用电：每月15日左右…制作出付款通知书;
// hooks/renovation_utilities.go). They are bills of the renovation, like
// its other fees, but made by the monthly job, never typed.
var RenovationUtilityCharges = []string{"construction_water", "construction_electric"}

// renovationUtilitiesUp adds the utility charges to bills.charge and makes
// one such bill per renovation, charge and month.
func renovationUtilitiesUp(app core.App) error {
	return changeCollection(app, "bills", "bills utility charges", func(c *core.Collection) error {
		f, ok := c.Fields.GetByName("charge").(*core.SelectField)
		if !ok {
			return fmt.Errorf("bills.charge is not a select field")
		}
		for _, v := range RenovationUtilityCharges {
			if !slices.Contains(f.Values, v) {
				f.Values = append(f.Values, v)
			}
		}
		c.AddIndex("idx_bills_renovation_utility", true, "renovation, charge, period",
			"renovation != '' AND charge IN ('construction_water', 'construction_electric')")
		return nil
	})
}

func renovationUtilitiesDown(app core.App) error {
	return changeCollection(app, "bills", "", func(c *core.Collection) error {
		c.RemoveIndex("idx_bills_renovation_utility")
		if f, ok := c.Fields.GetByName("charge").(*core.SelectField); ok {
			f.Values = slices.DeleteFunc(f.Values, func(v string) bool { return slices.Contains(RenovationUtilityCharges, v) })
		}
		return nil
	})
}
