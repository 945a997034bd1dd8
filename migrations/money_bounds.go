package migrations

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The bounds on money and the quantities it is computed from (set on the
// fields by migration 0032), and finding and repairing stored amounts
// beyond them.

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
