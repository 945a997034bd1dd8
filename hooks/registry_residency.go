package hooks

import (
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// checkNamedResident refuses a resident named by staff at intake (the
// complainant of a complaint, the requester of a work order) who does not
// currently live in the document's unit — or, for a common area, anywhere
// in its community. The named resident follows and rates the document in the
// portal, so naming the wrong one would hand a stranger its timeline.
func checkNamedResident(app core.App, r *core.Record, field string) error {
	id := r.GetString(field)
	if id == "" {
		return nil
	}
	q := app.DB().Select("count(*)").From("unit_residents").
		InnerJoin("units", dbx.NewExp("units.id = unit_residents.unit")).
		Where(dbx.HashExp{"unit_residents.resident": id, "unit_residents.active": true})
	if unit := r.GetString("unit"); unit != "" {
		q = q.AndWhere(dbx.HashExp{"unit_residents.unit": unit})
	} else {
		q = q.AndWhere(dbx.HashExp{"units.community": r.GetString("community")})
	}
	var n int
	if err := q.Row(&n); err != nil {
		return err
	}
	if n == 0 {
		return badRequest(validation.Errors{field: codedError("wuye_not_living_here")})
	}
	return nil
}
