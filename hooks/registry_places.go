package hooks

import (
	"slices"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// A resident's units, and those units' communities and buildings (hidden
// fields, see migrations/resident_places.go), are those they currently live
// in; the rules check them on the signed-in account (residentAt,
// residentOf, residentIn in migrations/rules.go and resident_units.go). They are Wuye's alone:
//
//   - every link saved or deleted (through the API, the registry's own code
//     or EndExpiredLinks) recomputes its resident's, in the transaction of
//     that write, so a link ended, moved or made grants or stops granting
//     with the commit;
//   - every save of a resident recomputes them from the links, in one
//     transaction with the write, so neither a body (non-superusers' are
//     stripped of hidden fields anyway) nor a record loaded before a link
//     changed, nor a link ended while the account is being saved, can
//     store other values.
func registerPlaces(app core.App) {
	app.OnRecordCreate("unit_residents").BindFunc(syncLinkPlaces)
	app.OnRecordUpdate("unit_residents").BindFunc(syncLinkPlaces)
	app.OnRecordDelete("unit_residents").BindFunc(syncLinkPlaces)
	app.OnRecordCreate("residents").BindFunc(derivePlaces)
	app.OnRecordUpdate("residents").BindFunc(derivePlaces)
}

// syncLinkPlaces writes the link and recomputes the places of its resident
// (and of the one it had, were that ever changed) in one transaction.
func syncLinkPlaces(e *core.RecordEvent) error {
	ids := []string{e.Record.GetString("resident")}
	if !e.Record.IsNew() {
		if was := e.Record.Original().GetString("resident"); was != ids[0] {
			ids = append(ids, was)
		}
	}
	orig := e.App
	defer func() { e.App = orig }()
	return orig.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return migrations.SyncResidentPlaces(tx, ids...)
	})
}

// derivePlaces sets a resident's places from the links before the account
// is written, and makes sure of them after: the read, the write and the
// check are one transaction, so a link ended by another request cannot
// commit between them (the save would write back a unit the link no longer
// grants, until the account's next save), and a link written within the
// save itself (by a later hook) is caught by the check.
func derivePlaces(e *core.RecordEvent) error {
	orig := e.App
	defer func() { e.App = orig }()
	return orig.RunInTransaction(func(tx core.App) error {
		e.App = tx
		places, err := migrations.ResidentPlaces(tx, e.Record.Id)
		if err != nil {
			return err
		}
		e.Record.Set("communities", places.Communities)
		e.Record.Set("buildings", places.Buildings)
		e.Record.Set("units", places.Units)
		if err := e.Next(); err != nil {
			return err
		}
		again, err := migrations.ResidentPlaces(tx, e.Record.Id)
		if err != nil || slices.Equal(again.Units, places.Units) && slices.Equal(again.Communities, places.Communities) &&
			slices.Equal(again.Buildings, places.Buildings) {
			return err
		}
		return migrations.SyncResidentPlaces(tx, e.Record.Id)
	})
}

// validatePlace holds for every save of a document about a place (a
// complaint, a work order): a unit, from which its building and community
// follow, or for a common area a location (and optionally a building) in the
// community. The unit is read once per save (readPlace; hot detection may
// have read it already), and what it read is vouched for (base_vouch.go).
func validatePlace(e *core.RecordEvent) error {
	r := e.Record
	defer forgetVouched(r)
	if unitID := r.GetString("unit"); unitID != "" {
		if u, err := readPlace(e.App, r); err == nil {
			if r.GetString("community") == "" {
				r.Set("community", u.Community)
			}
			if r.GetString("building") == "" {
				r.Set("building", u.Building)
			}
			if u.Community != r.GetString("community") || u.Building != r.GetString("building") {
				return validation.Errors{"unit": codedError("wuye_community_mismatch")}
			}
		}
	}
	if err := e.Next(); err != nil {
		return err
	}
	if r.GetString("unit") == "" && r.GetString("location") == "" {
		return validation.Errors{"location": codedError("wuye_location_required")}
	}
	if b := r.GetString("building"); b != "" && r.GetString("unit") == "" {
		building, err := e.App.FindRecordById("buildings", b)
		if err != nil || building.GetString("community") != r.GetString("community") {
			return validation.Errors{"building": codedError("wuye_community_mismatch")}
		}
	}
	return nil
}

// unitPlace is a unit with its building and community, and whether those
// exist, and the community's hot threshold (0: the default).
type unitPlace struct {
	Unit         string `db:"unit"`
	Building     string `db:"building"`
	Community    string `db:"community"`
	HasBuilding  bool   `db:"has_building"`
	HasCommunity bool   `db:"has_community"`
	HotThreshold int    `db:"hot_threshold"`
}

// readPlace reads the unit of r (its field "unit") with its building and
// community in one query, unless it was read already in this save, and
// vouches for the unit and for the building and community that exist. An
// error: the unit does not exist (or could not be read), and nothing is
// vouched for.
func readPlace(app core.App, r *core.Record) (*unitPlace, error) {
	unit := r.GetString("unit")
	f := factsOf(r)
	if f.place != nil && f.place.Unit == unit {
		return f.place, nil
	}
	var u unitPlace
	// +{:id}: the kept statement is not compiled again for each unit
	// (lib/stmtcache, "A value written +?"); the plan is the same.
	if err := app.DB().NewQuery(`SELECT u.id AS unit, u.building, u.community,
			b.id IS NOT NULL AS has_building, c.id IS NOT NULL AS has_community, IFNULL(c.hot_threshold, 0) AS hot_threshold
		FROM units u LEFT JOIN buildings b ON b.id = u.building LEFT JOIN communities c ON c.id = u.community
		WHERE u.id = +{:id}`).Bind(dbx.Params{"id": unit}).One(&u); err != nil {
		return nil, err
	}
	f.place = &u
	vouch(r, "units", u.Unit)
	if u.HasBuilding {
		vouch(r, "buildings", u.Building)
	}
	if u.HasCommunity {
		vouch(r, "communities", u.Community)
	}
	return &u, nil
}
