package hooks

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// The targets the dashboard measures each figure against (docs/DESIGN.md,
// "Reports"): a row of kpi_targets per community, with the manuals'
// defaults (migrations.KPITargets), which the community's director may
// change. The statistics routes read them here instead of writing them in.

// KPITargetsOf is community's targets by kpi_targets field, the manuals'
// defaults for a community without its row.
func KPITargetsOf(app core.App, community string) (map[string]float64, error) {
	out := make(map[string]float64, len(migrations.KPITargets))
	cols := make([]string, 0, len(migrations.KPITargets))
	for _, t := range migrations.KPITargets {
		out[t.Field] = t.Default
		cols = append(cols, "[["+t.Field+"]]")
	}
	row := dbx.NullStringMap{}
	err := app.DB().Select(cols...).From("kpi_targets").Where(dbx.HashExp{"community": community}).Limit(1).One(row)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kpi targets: %w", err)
	}
	for _, t := range migrations.KPITargets {
		if v, ok := row[t.Field]; ok && v.Valid {
			var f float64
			if _, err := fmt.Sscan(v.String, &f); err == nil {
				out[t.Field] = f
			}
		}
	}
	return out, nil
}

// targetsAs renames the targets a figure is measured against to the keys of
// a statistics answer (key → kpi_targets field), leaving out a rate whose
// target is 0: no target.
func targetsAs(all map[string]float64, keys map[string]string) map[string]float64 {
	out := map[string]float64{}
	for key, field := range keys {
		v := all[field]
		if v == 0 && !lowerIsBetter(field) {
			continue
		}
		out[key] = v
	}
	return out
}

func lowerIsBetter(field string) bool {
	for _, t := range migrations.KPITargets {
		if t.Field == field {
			return t.Lower
		}
	}
	return false
}

// statsTargets is targetsAs of community's targets.
func statsTargets(app core.App, community string, keys map[string]string) (map[string]float64, error) {
	all, err := KPITargetsOf(app, community)
	if err != nil {
		return nil, err
	}
	return targetsAs(all, keys), nil
}

func registerKPITargets(app core.App) {
	// A new community starts from the manuals' defaults.
	app.OnRecordAfterCreateSuccess("communities").BindFunc(func(e *core.RecordEvent) error {
		if err := ensureKPITargets(e.App, e.Record.Id); err != nil {
			return err
		}
		return e.Next()
	})
	// Only the director changes them (the update rule); who did is kept
	// on the row and in the timeline; the community never changes.
	app.OnRecordUpdateRequest("kpi_targets").BindFunc(func(e *core.RecordRequestEvent) error {
		orig := e.Record.Original()
		if e.Record.GetString("community") != orig.GetString("community") {
			return badRequest(validation.Errors{"community": codedError("wuye_immutable")})
		}
		// Who changed them is the server's to say.
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		if _, ok := info.Body["updated_by"]; ok {
			return badRequest(validation.Errors{"updated_by": codedError("wuye_field_locked")})
		}
		if e.Auth != nil && isStaff(e.Auth) {
			e.Record.Set("updated_by", e.Auth.Id)
		}
		changed := changedFields(orig, e.Record)
		return inTx(e, func(tx core.App) error {
			if len(changed) == 0 {
				return nil
			}
			return RecordEvent(tx, Event{Subject: e.Record, Action: "update", Actor: e.Auth, Note: fmt.Sprint(changed)})
		})
	})
}

// ensureKPITargets gives community its row of targets, with the manuals'
// defaults, unless it has one.
func ensureKPITargets(app core.App, community string) error {
	col, err := app.FindCachedCollectionByNameOrId("kpi_targets")
	if err != nil {
		return nil // before migration 0046
	}
	n, err := app.CountRecords(col, dbx.HashExp{"community": community})
	if err != nil || n > 0 {
		return err
	}
	r := core.NewRecord(col)
	r.Set("community", community)
	for _, t := range migrations.KPITargets {
		r.Set(t.Field, t.Default)
	}
	return app.Save(r)
}
