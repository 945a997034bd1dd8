package migrations

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

func init() {
	m.Register(moneyBoundsUp, moneyBoundsDown, "0032_money_bounds.go")
}

// MaxFen is the largest amount of money, in fen, a field holds: 1亿元 (see
// hooks/money_bounds.go for why, and why sums then cannot overflow).
const MaxFen = 10_000_000_000

// Quantities the amounts are computed from are bounded too: a unit's gross
// area (a whole commercial building let as one unit stays below 10万 m²)
// and a meter's reading (nine digits: household water, power and gas
// meters show at most eight). With them a bill computed by the billing run
// stays far inside int64 before it is checked against MaxFen: price ≤ 10^10
// fen × area ≤ 10^7 (0.01 m²) = 10^17; price × reading ≤ 10^19 is worked
// in exact fractions (lib/fee) and refused above MaxFen.
const (
	MaxAreaM2   = 100_000
	MaxReading  = 999_999_999
	moneyBounds = "money bounds"
)

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

// OutOfBounds lists, as "collection/id/field=value", the stored amounts
// beyond ±MaxFen.
func OutOfBounds(app core.App) ([]string, error) {
	cols, err := app.FindAllCollections(core.CollectionTypeBase, core.CollectionTypeAuth)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cols {
		for _, f := range c.Fields {
			if f.Type() != core.FieldTypeNumber || !strings.HasSuffix(f.GetName(), "_fen") {
				continue
			}
			var rows []struct {
				ID    string  `db:"id"`
				Value float64 `db:"v"`
			}
			q := fmt.Sprintf("SELECT id, CAST([[%s]] AS REAL) AS v FROM {{%s}} WHERE ABS([[%s]]) > %d", f.GetName(), c.Name, f.GetName(), MaxFen)
			if err := app.DB().NewQuery(q).All(&rows); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", c.Name, f.GetName(), err)
			}
			for _, r := range rows {
				out = append(out, fmt.Sprintf("%s/%s/%s=%s", c.Name, r.ID, f.GetName(), strconv.FormatFloat(r.Value, 'f', -1, 64)))
			}
		}
	}
	return out, nil
}

// RepairOutOfBounds is the data step of migration 0032, exported for its
// test: see moneyBoundsUp.
func RepairOutOfBounds(app core.App) error { return repairOutOfBounds(app) }

func repairOutOfBounds(app core.App) error {
	found, err := OutOfBounds(app)
	if err != nil || len(found) == 0 {
		return err
	}
	events, err := app.FindCollectionByNameOrId("events")
	if err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		for _, f := range found {
			parts := strings.SplitN(f, "/", 3)
			coll, id := parts[0], parts[1]
			field, value, _ := strings.Cut(parts[2], "=")
			// Raw SQL: the row cannot be saved with its old value, and the
			// summaries' triggers follow the change as they follow any.
			set := dbx.Params{field: 0}
			switch coll {
			case "bills":
				set["status"] = "void"
			case "work_orders":
				if field == "amount_fen" || field == "materials_fen" {
					if _, err := tx.DB().NewQuery("UPDATE work_orders SET payment = 'none' WHERE id = {:id} AND payment = 'unpaid'").
						Bind(dbx.Params{"id": id}).Execute(); err != nil {
						return err
					}
				}
			}
			if _, err := tx.DB().Update(coll, set, dbx.HashExp{"id": id}).Execute(); err != nil {
				return fmt.Errorf("repair %s: %w", f, err)
			}
			ev := core.NewRecord(events)
			ev.Set("subject_collection", coll)
			ev.Set("subject_id", id)
			ev.Set("action", "correct")
			ev.Set("note", fmt.Sprintf("%s %s 分超出上限（1 亿元），已改为 0（迁移 0032）", field, value))
			if row, err := tx.FindRecordById(coll, id); err == nil {
				for _, k := range []string{"community", "unit"} {
					if row.Collection().Fields.GetByName(k) != nil {
						ev.Set(k, row.GetString(k))
					}
				}
			}
			if err := tx.SaveNoValidate(ev); err != nil {
				return fmt.Errorf("repair %s: %w", f, err)
			}
			tx.Logger().Warn(moneyBounds+": amount beyond the bound set to 0", "row", f)
		}
		return nil
	})
}
