package hooks

import (
	"slices"

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
// community.
func validatePlace(e *core.RecordEvent) error {
	r := e.Record
	if unitID := r.GetString("unit"); unitID != "" {
		if u, err := e.App.FindRecordById("units", unitID); err == nil {
			if r.GetString("community") == "" {
				r.Set("community", u.GetString("community"))
			}
			if r.GetString("building") == "" {
				r.Set("building", u.GetString("building"))
			}
			if u.GetString("community") != r.GetString("community") || u.GetString("building") != r.GetString("building") {
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
