package migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(moneyBoundsUp, moneyBoundsDown, "0032_money_bounds.go")
}

// moneyBoundsUp (issue #16, item 3) puts Min/Max on every *_fen number
// field of every collection, on units.area_m2 and meter_readings.reading.
// Rows stored before the bound with an amount beyond it (a work order
// completed with 9×10^16 of a material, and the bill the billing run made
// of it) would refuse every later save — the reminders and overdue flags
// save such rows every day — so each such amount is set to 0, the bill is
// voided, an unpaid order is no longer owed, and an event on the row says
// what the amount was (money is never changed without a trace).
func moneyBoundsUp(app core.App) error {
	if err := repairOutOfBounds(app); err != nil {
		return err
	}
	return setMoneyBounds(app, true)
}

func moneyBoundsDown(app core.App) error {
	return setMoneyBounds(app, false)
}

func setMoneyBounds(app core.App, on bool) error {
	cols, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
	if err != nil {
		return err
	}
	for _, c := range cols {
		changed := false
		for _, f := range c.Fields {
			n, ok := f.(*core.NumberField)
			if !ok {
				continue
			}
			var max float64
			switch {
			case strings.HasSuffix(n.Name, "_fen"):
				max = MaxFen
				// A reversal is a negative payment; other amounts keep
				// their minimum (0 or 1).
				if on && (n.Min == nil || *n.Min < -MaxFen) {
					n.Min = types.Pointer(float64(-MaxFen))
				} else if !on && n.Min != nil && *n.Min == -MaxFen {
					n.Min = nil
				}
			case c.Name == "units" && n.Name == "area_m2":
				max = MaxAreaM2
			case c.Name == "meter_readings" && n.Name == "reading":
				max = MaxReading
			default:
				continue
			}
			if on {
				n.Max = types.Pointer(max)
			} else {
				n.Max = nil
			}
			changed = true
		}
		if changed {
			if err := app.Save(c); err != nil {
				return fmt.Errorf("%s bounds: %w", c.Name, err)
			}
		}
	}
	return nil
}
